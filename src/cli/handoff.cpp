// incident handoff [ID] NAME [--reason T] [--at TIME]: hand the commander role over, on the record.
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
    std::string at, reason;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("handoff", "Hand the commander role to someone else");
  command->add_option("[ID] NAME", o->positionals, "Incident id (optional when one is open), then the new commander")
      ->required()
      ->expected(1, 2);
  command->add_option("--reason", o->reason, "Why (shown in the message and on the timeline)")->type_name("TEXT");
  add_at_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o] {
    // References, not a structured binding: clang 14 cannot capture one in a lambda.
    const IdAndValue given = split_id_and_value(o->positionals);
    const std::string& id = given.id;
    const std::string& value = given.value;
    (void)clean_line(value, "NAME", k_max_name_bytes);  // refused before the store is touched
    const std::string reason = clean_text(o->reason, "--reason", k_max_text_bytes, true);
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const auto [incident, handover] =
        store.append(store.resolve_id(id), [&](const Incident& current) { return hand_off(current, value, o->reason, when); });
    if (!handover.changed) {
      ctx.hint(fmt::format("{} is already the commander of {}; nothing recorded.\n",
                           text::escape_control(incident.commander), incident.id));
      print_result(ctx, incident, "");
      return;
    }
    print_message(ctx, incident, "Commander change",
                  fmt::format("👤 COMMANDER: {} is now commanded by {} (was {}){}\n",
                              text::escape_control(incident.title), text::escape_control(incident.commander),
                              handover.previous.empty() ? "unassigned" : text::escape_control(handover.previous),
                              reason.empty() ? "" : ": " + text::one_line(text::escape_control(reason))));
  });
}

}  // namespace incident::cli
