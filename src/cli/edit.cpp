// incident edit [ID] [--title T] [--impact T] [--at TIME]: change the title or the impact,
// on the record (an `edited` event; messages and the report use the latest).
// stdout: nothing (with --json, the incident).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_edit(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, title, impact, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("edit", "Change an incident's title or impact, on the record");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  command->add_option("--title", o->title, "The new title")->type_name("TEXT");
  command->add_option("--impact", o->impact, "The new impact (\"\" to clear it)")->type_name("TEXT");
  add_at_option(*command, o->at);
  command->callback([&ctx, o, command] {
    EditRequest request;
    if (command->count("--title") > 0) {
      request.title = o->title;
    }
    if (command->count("--impact") > 0) {
      request.impact = o->impact;
    }
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const std::size_t recorded = ctx.recorded.size();  // a commit adds to it (open_store)
    const Incident incident =
        store.append(store.resolve_id(o->id), [&](const Incident& current) { return edit(current, request, when); })
            .incident;
    ctx.hint(ctx.recorded.size() == recorded
                 ? fmt::format("{} already says that; nothing recorded.\n", incident.id)
                 : fmt::format("Edited {}: {}. 'incident render {} initial' prints the message with it.\n",
                               incident.id, text::escape_control(incident.title), incident.id));
    print_result(ctx, incident, "");
  });
}

}  // namespace incident::cli
