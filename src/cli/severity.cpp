// incident severity [ID] SEV [--at TIME]: re-grade the incident, on the record.
// stdout: a one-line message for the channel.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_severity(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> positionals;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("severity", "Change an incident's severity");
  command->add_option("[ID] SEV", o->positionals, "Incident id (optional when one is open), then P0..P3 or a name")
      ->required()
      ->expected(1, 2);
  add_at_option(*command, o->at);
  command->callback([&ctx, o] {
    const auto [id, value] = split_id_and_value(o->positionals);
    const Severity& severity = ctx.runbook().severity(value);
    Store store = open_store(ctx);
    std::string previous;
    const Incident incident = store.append(store.resolve_id(id), [&](const Incident& current) {
      if (current.status == Status::closed) {
        conflict(fmt::format("{} is closed; reopen it first", current.id));
      }
      previous = fmt::format("{} ({})", current.severity_name, current.severity);
      if (current.severity == severity.id) {
        return std::vector<Event>{};
      }
      Event event = make_event(ctx, event_type::severity_changed, event_time(o->at, current.started_at));
      set_grade(event, severity);
      return std::vector<Event>{std::move(event)};
    });
    const std::string now_is = fmt::format("{} ({})", incident.severity_name, incident.severity);
    if (now_is == previous) {
      ctx.hint(fmt::format("{} is already {}; nothing recorded.\n", incident.id, now_is));
      print_result(ctx, incident, "");
      return;
    }
    print_result(ctx, incident,
                 fmt::format("⚠️ SEVERITY: {} is now {}, was {}\n", text::escape_control(incident.title), now_is,
                             previous));
  });
}

}  // namespace incident::cli
