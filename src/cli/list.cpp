// incident list [--all] [--severity SEV] [--status S] [--ndjson] [--at TIME]: a table of
// incidents, newest first; a JSON array with --json, one object per line with --ndjson.
// Reads the store's summary index, never every incident file.
//
// The table shows what is not closed, but incidents resolved more than a week before
// TIME (default now) are counted in one line, not listed: teams forget `close`, and
// 10,000 of them must not bury the incident on fire. --json, --ndjson and --status list
// every incident not closed (scripts get the data whole); --all lists every incident.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/incident_json.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace list_command {

// An unreadable file may be the incident on fire: say so, and exit non-zero.
void report_unreadable(Context& ctx, const Listing& listing) {
  if (listing.unreadable.empty()) {
    return;
  }
  ctx.hint(fmt::format("{} incident file{} cannot be read (above); it may be an open incident: fix or move it "
                       "(the error says where)\n",
                       listing.unreadable.size(), listing.unreadable.size() == 1 ? "" : "s"));
  ctx.exit_code = static_cast<int>(ExitCode::corrupt_state);
}

}  // namespace list_command

void register_list(CLI::App& app, Context& ctx) {
  struct Options {
    bool all = false;
    bool ndjson = false;
    std::string severity, status, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("list", "List open incidents (all of them with --all)");
  command->add_flag("-a,--all", o->all, "Include closed incidents");
  command->add_option("-s,--severity", o->severity, "Only this severity (P0..P3 or a name)")->type_name("SEV");
  command->add_option("--status", o->status, "Only this status")->type_name("STATUS");
  command->add_flag("--ndjson", o->ndjson, "One JSON object per line, for streaming into other tools");
  add_as_of_option(*command, o->at, "List as of this time (which resolved incidents are recent)");
  command->callback([&ctx, o] {
    std::optional<Status> status;
    if (!o->status.empty()) {
      status = parse_status(o->status);
      if (!status) {
        throw UsageError(fmt::format("--status '{}' is not one of investigating, identified, monitoring, "
                                     "resolved, closed",
                                     text::escape_control(o->status)));
      }
    }
    // The runbook is parsed only to check a --severity filter.
    const std::string severity = o->severity.empty() ? std::string() : ctx.runbook().severity(o->severity).id;
    const Timestamp at = as_of(ctx, o->at);
    const bool for_scripts = o->ndjson || ctx.options.json;
    const Scope scope = o->all || status == Status::closed ? Scope::all
                        : for_scripts || status                 ? Scope::open
                                                                : Scope::current;
    auto wanted = [&](const Summary& summary) {
      return (severity.empty() || summary.grade.severity == severity) && (!status || summary.status == *status);
    };
    const Store store = open_store(ctx);
    if (ctx.options.verbose) {
      ctx.hint(fmt::format("State dir: {}\nRunbook: {}\n", text::escape_control(ctx.state_dir().string()),
                           text::escape_control(ctx.runbook_path().string())));
    }
    if (for_scripts) {
      // Streamed: at 10,000 incidents an nlohmann tree per summary cost ten times the
      // rest of the command, and holding them all, a few megabytes.
      constexpr std::size_t k_chunk = 64 * 1024;
      const bool array = !o->ndjson;
      json::Buffer out;
      out.append(array ? "[" : "");
      bool first = true;
      const Listing listed = store.visit(scope, at, [&](const Summary& summary) {
        if (!wanted(summary)) {
          return;
        }
        if (array) {
          out.append(first ? "\n  " : ",\n  ");
        }
        first = false;
        append_summary_json(out, summary, array, 1);
        if (!array) {
          out.append("\n");
        }
        if (out.size() >= k_chunk) {
          ctx.out(out.view());
          out.clear();
        }
      });
      if (array) {
        out.append(first ? "]\n" : "\n]\n");
      }
      ctx.out(out.view());
      for (const auto& warning : listed.warnings) {
        ctx.warn(warning);
      }
      list_command::report_unreadable(ctx, listed);
      return;
    }
    Listing listing = store.list(scope, at);
    for (const auto& warning : listing.warnings) {
      ctx.warn(warning);
    }
    std::erase_if(listing.incidents, [&](const Summary& summary) { return !wanted(summary); });
    if (listing.incidents.empty()) {
      ctx.hint(fmt::format("{} in {}\n",
                           !listing.unreadable.empty() ? "No readable incidents"
                           : o->all                    ? "No incidents"
                                                       : "No open incidents",
                           text::escape_control(ctx.state_dir().string())));
    } else {
      ctx.out(render_list(listing.incidents, at, Zone::user()));
    }
    if (listing.resolved_earlier > 0) {
      ctx.out(render_resolved_earlier(listing.resolved_earlier, k_recent_resolved));
    }
    list_command::report_unreadable(ctx, listing);
  });
}

}  // namespace incident::cli
