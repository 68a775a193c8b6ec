// incident stats [--since DATE] [--severity SEV] [--drills]: counts, time to acknowledge and
// to resolve (mean, p50, p90) and response-SLA compliance per severity, over the incidents
// started since DATE; drills left out (and counted) unless --drills. Read from the store's
// index: no incident file is opened.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/report.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_stats(CLI::App& app, Context& ctx) {
  struct Options {
    std::string since, severity;
    bool drills = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("stats", "Time to acknowledge / resolve and SLA compliance per severity");
  command->add_option("--since", o->since, "Only incidents started at or after (YYYY-MM-DD or RFC 3339)")
      ->type_name("DATE");
  command->add_option("--severity", o->severity, "Only this severity (P0..P3 or a name)")->type_name("SEV");
  command->add_flag("--drills,--include-drills", o->drills, "Count drills (open --drill) too; left out by default");
  command->callback([&ctx, o] {
    std::optional<Timestamp> since;
    if (!o->since.empty()) {
      since = parse_rfc3339(o->since.size() == 10 ? o->since + "T00:00:00Z" : o->since);
      if (!since) {
        throw UsageError(fmt::format("--since '{}' is not a date (YYYY-MM-DD) or an RFC 3339 time",
                                     text::escape_control(o->since)));
      }
    }
    const Runbook& runbook = ctx.runbook();
    const Severity* severity = o->severity.empty() ? nullptr : &runbook.severity(o->severity);
    std::vector<Summary> selected;
    const auto warnings = open_store(ctx).visit(Scope::all, std::nullopt, [&](const Summary& summary) {
      if ((!since || summary.started_at >= *since) && (severity == nullptr || summary.grade.severity == severity->id)) {
        selected.push_back(summary);
      }
    });
    for (const auto& warning : warnings.warnings) {
      ctx.warn(warning);
    }
    Stats stats = compute_stats(runbook, selected, o->drills);
    if (severity != nullptr) {
      std::erase_if(stats.by_severity, [&](const SeverityStats& s) { return s.severity != severity->id; });
    }
    if (ctx.options.json) {
      nlohmann::ordered_json document = {{"since", since ? nlohmann::ordered_json(format_rfc3339(*since)) : nullptr}};
      document.update(stats_json(stats));
      ctx.out_json(document);
      return;
    }
    ctx.hint(fmt::format("{} incidents{}, {} resolved; times and SLA over the resolved ones.\n", stats.all.incidents,
                         since ? " since " + format_rfc3339(*since) : "", stats.all.resolved));
    ctx.out(render_stats(stats));
  });
}

}  // namespace incident::cli
