// incident note [ID] TEXT [--at TIME]: add a note to the timeline. Nothing on stdout.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"

namespace incident::cli {

void register_note(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> positionals;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("note", "Add a note to the timeline");
  command->add_option("[ID] TEXT", o->positionals, "Incident id (optional when one is open), then the note")
      ->required()
      ->expected(1, 2);
  add_at_option(*command, o->at);
  command->callback([&ctx, o] {
    // References, not a structured binding: clang 14 cannot capture one in a lambda.
    const IdAndValue given = split_id_and_value(o->positionals);
    const std::string& id = given.id;
    const std::string& value = given.value;
    (void)clean_text(value, "the note", k_max_text_bytes);  // refused before the store is touched
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const Incident incident =
        store.append(store.resolve_id(id), [&](const Incident& current) { return add_note(current, value, when); })
            .incident;
    ctx.hint(fmt::format("Noted on {} ({} events on the timeline).\n", incident.id, incident.events.size()));
    print_result(ctx, incident, "");
  });
}

}  // namespace incident::cli
