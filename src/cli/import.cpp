// incident import: merges the incidents of ndjson on stdin (what `incident export` wrote,
// one incident file per line) into the store, as sync merges a teammate's copy: the union
// of the events, under the lock, so importing the same lines again changes nothing. Every
// line is checked before anything is written (a bad one: exit 5 naming stdin:LINE). The
// summary goes to stderr ("Imported 3 incidents: 2 new, 1 merged, 0 unchanged."), or
// with --json to stdout as one document.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace import_command {

std::string read_stdin() {
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return text;
    } else if (errno != EINTR) {
      throw Error(fmt::format("cannot read standard input: {}", std::strerror(errno)));
    }
  }
}

}  // namespace import_command

void register_import(CLI::App& app, Context& ctx) {
  auto* command = app.add_subcommand(
      "import", "Merge incidents from ndjson on stdin (incident export's output) into the store, as sync does");
  command->callback([&ctx] {
    if (isatty(STDIN_FILENO) != 0) {
      throw UsageError("import reads incidents on standard input: incident import < incidents.ndjson");
    }
    const std::string input = import_command::read_stdin();
    Store store = open_store(ctx);
    const auto imported = store.import_incidents(input, "stdin");
    std::size_t created = 0;
    std::size_t merged = 0;
    std::size_t events = 0;
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const auto& each : imported) {
      created += each.created ? 1 : 0;
      merged += !each.created && each.events_added > 0 ? 1 : 0;
      events += each.events_added;
      results.push_back({{"id", each.id},
                         {"result", each.created ? "new" : each.events_added > 0 ? "merged" : "unchanged"},
                         {"events_added", each.events_added}});
    }
    const std::size_t unchanged = imported.size() - created - merged;
    if (ctx.options.json) {
      ctx.out_json({{"incidents", imported.size()},
                    {"new", created},
                    {"merged", merged},
                    {"unchanged", unchanged},
                    {"events_added", events},
                    {"results", results}});
    }
    ctx.hint(fmt::format("Imported {} incident{}: {} new, {} merged, {} unchanged{}.\n", imported.size(),
                         imported.size() == 1 ? "" : "s", created, merged, unchanged,
                         events == 0 ? " (nothing changed)" : fmt::format(" ({} event{} added)", events,
                                                                           events == 1 ? "" : "s")));
  });
}

}  // namespace incident::cli
