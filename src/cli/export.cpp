// incident export [--since DATE]: every incident (closed and resolved ones too) on stdout,
// one per line (ndjson), each the whole incident file on one line: every event with its
// id, seq, at and recorded_at, as `incident import` (import.cpp) merges them into a store.
// An incident file that cannot be read is a warning naming it, skipped, and exit 5 at the
// end: an export is never silently short.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace export_command {

// DATE: YYYY-MM-DD (midnight UTC, as `stats --since` reads it), RFC 3339, or what --at
// takes (`yesterday 00:00`, `2026-11-27 03:12` in the user's zone, `7d ago`).
Timestamp since_time(const Context& ctx, const std::string& since) {
  if (since.size() == 10) {
    if (const auto day = parse_rfc3339(since + "T00:00:00Z")) {
      return *day;
    }
  }
  return as_of(ctx, since);
}

}  // namespace export_command

void register_export(CLI::App& app, Context& ctx) {
  struct Options {
    std::string since;
  };
  auto o = std::make_shared<Options>();
  auto* command =
      app.add_subcommand("export", "Every incident as one line of JSON each (ndjson), for incident import");
  command->add_option("--since", o->since,
                      "Only incidents started at or after (YYYY-MM-DD in UTC, RFC 3339, or as --at takes it)")
      ->type_name("DATE");
  command->callback([&ctx, o] {
    if (ctx.options.json) {
      throw UsageError("export writes JSON already (one incident per line); --json does not apply");
    }
    std::optional<Timestamp> since;
    if (!o->since.empty()) {
      since = export_command::since_time(ctx, o->since);
    }
    const Store store = open_store(ctx);
    const Store::Exported exported = store.export_incidents(since, [&](const std::string& line) { ctx.out(line); });
    for (const auto& problem : exported.unreadable) {
      ctx.warn(fmt::format("not exported: {}", problem));
    }
    ctx.hint(fmt::format("Exported {} incident{}{}.\n", exported.incidents, exported.incidents == 1 ? "" : "s",
                         since ? " started since " + format_rfc3339(*since) : ""));
    if (!exported.unreadable.empty()) {
      ctx.hint(fmt::format("{} incident file{} could not be read and {} not exported (above): fix or move {}\n",
                           exported.unreadable.size(), exported.unreadable.size() == 1 ? "" : "s",
                           exported.unreadable.size() == 1 ? "was" : "were",
                           exported.unreadable.size() == 1 ? "it" : "them"));
      ctx.exit_code = static_cast<int>(ExitCode::corrupt_state);
    }
  });
}

}  // namespace incident::cli
