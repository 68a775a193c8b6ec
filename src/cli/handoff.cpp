// incident handoff [ID] NAME [--at TIME]: hand the commander role over, on the record.
// stdout: a one-line message for the channel.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_handoff(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> positionals;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("handoff", "Hand the commander role to someone else");
  command->add_option("[ID] NAME", o->positionals, "Incident id (optional when one is open), then the new commander")
      ->required()
      ->expected(1, 2);
  add_at_option(*command, o->at);
  command->callback([&ctx, o] {
    const auto [id, value] = split_id_and_value(o->positionals);
    const std::string commander = clean_text(value, "NAME", k_max_name_bytes);
    Store store = open_store(ctx);
    std::string previous;
    const Incident incident = store.append(store.resolve_id(id), [&](const Incident& current) {
      if (current.status == Status::closed) {
        conflict(fmt::format("{} is closed; reopen it first", current.id));
      }
      previous = current.commander;
      if (current.commander == commander) {
        return std::vector<Event>{};
      }
      Event event = make_event(ctx, event_type::handed_off, event_time(o->at, current.started_at));
      event.fields["commander"] = commander;
      return std::vector<Event>{std::move(event)};
    });
    if (previous == commander) {
      ctx.hint(fmt::format("{} is already the commander of {}; nothing recorded.\n", text::escape_control(commander),
                           incident.id));
      print_result(ctx, incident, "");
      return;
    }
    print_result(ctx, incident,
                 fmt::format("👤 COMMANDER: {} is now commanded by {} (was {})\n", text::escape_control(incident.title),
                             text::escape_control(commander),
                             previous.empty() ? "unassigned" : text::escape_control(previous)));
  });
}

}  // namespace incident::cli
