// incident status [ID] [--at TIME]: the SLA clocks and escalation triggers of an incident,
// as of --at (default now). incident status --check [--within D]: every active incident,
// one line per problem on stdout, exit 8 when there is any (for cron and alert hooks).
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/sla.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace status_command {

void check_all(Context& ctx, const std::string& id, Timestamp at, Seconds within) {
  const Runbook& runbook = ctx.runbook();
  const Store store = open_store(ctx);
  std::vector<std::string> ids;
  std::vector<std::string> lines;
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  if (!id.empty()) {
    ids.push_back(store.resolve_id(id));
  } else {
    const Listing listing = store.list(Scope::current, at);
    for (const auto& warning : listing.warnings) {
      ctx.warn(warning);
      // A file the listing skipped (it does not parse) may be an active incident in breach:
      // what cannot be read cannot be vouched for, so it is a problem, not an all-clear.
      lines.push_back(fmt::format("unreadable: {}", warning));
      problems.push_back({{"id", nullptr}, {"kind", "unreadable"}, {"overdue", true}, {"message", lines.back()}});
    }
    for (const auto& summary : listing.incidents) {
      ids.push_back(summary.id);
    }
  }
  int checked = 0;
  for (const auto& incident_id : ids) {
    Incident incident;
    try {
      incident = store.load(incident_id);
    } catch (const DataError& e) {
      // An incident that cannot be read cannot be vouched for: that is a problem too.
      lines.push_back(fmt::format("{} unreadable: {}", incident_id, e.what()));
      problems.push_back({{"id", incident_id}, {"kind", "unreadable"}, {"overdue", true}, {"message", lines.back()}});
      continue;
    }
    if (incident.started_at > at) {
      continue;  // not started as of --at
    }
    const Incident then = as_it_stood(incident, at);
    // The all-clear counts active incidents: a resolved one owes nothing and is not checked.
    checked += is_active(then.status) ? 1 : 0;
    for (auto& problem : check_problems(then, assess(runbook, then, at), within, Zone::user())) {
      lines.push_back(problem.message);
      problems.push_back({{"id", then.id},
                          {"severity", then.grade.severity},
                          {"kind", problem.kind},
                          {"overdue", problem.overdue},
                          {"message", problem.message}});
    }
  }
  if (ctx.options.json) {
    ctx.out_json({{"as_of", format_rfc3339(at)},
                  {"within_seconds", within.count()},
                  {"ok", problems.empty()},
                  {"problems", problems}});
  } else {
    std::string out;
    for (const auto& line : lines) {
      out += text::escape_control(line) + "\n";
    }
    ctx.out(out);
  }
  if (lines.empty()) {
    // Silent when all is clear (cron mails every line it sees); -v says so.
    if (ctx.options.verbose) {
      ctx.hint(fmt::format("All clear: {} active incident{} checked as of {}.\n", checked, checked == 1 ? "" : "s",
                           format_rfc3339(at)));
    }
  } else {
    ctx.exit_code = static_cast<int>(ExitCode::attention);
  }
}

}  // namespace status_command

void register_status(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, at, within = "5m";
    bool check = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("status", "SLA clocks and escalation triggers, as of --at");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  add_as_of_option(*command, o->at);
  command->add_flag("--check", o->check, "Check every active incident; exit 8 when one needs attention");
  command->add_option("--within", o->within, "With --check: also report what falls due within this (default 5m)")
      ->type_name("DURATION");
  command->callback([&ctx, o, command] {
    const Timestamp at = as_of(ctx, o->at);
    if (command->count("--within") > 0 && !o->check) {
      throw UsageError("--within goes with --check");
    }
    if (o->check) {
      const auto within = o->within == "0" ? std::optional<Seconds>(Seconds{0}) : parse_duration(o->within);
      if (!within) {
        throw UsageError(fmt::format("--within '{}' is not a duration (e.g. 5m, 1h)", text::escape_control(o->within)));
      }
      status_command::check_all(ctx, o->id, at, *within);
      return;
    }
    const Store store = open_store(ctx);
    const Incident incident = as_it_stood(store.load(store.resolve_id(o->id)), at);
    const Runbook& runbook = runbook_for(ctx, incident);
    const Assessment assessment = assess(runbook, incident, at);
    if (ctx.options.json) {
      ctx.out_json(status_json(runbook, incident, assessment));
    } else {
      ctx.out(render_status(runbook, incident, assessment, Zone::user(), terminal_width()));
    }
  });
}

}  // namespace incident::cli
