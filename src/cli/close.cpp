// incident close [ID] [--at TIME]: close a resolved incident. Nothing on stdout.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"

namespace incident::cli {

void register_close(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("close", "Close a resolved incident");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  add_at_option(*command, o->at);
  command->callback([&ctx, o] {
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const Incident incident =
        store.append(store.resolve_id(o->id), [&](const Incident& current) { return close(current, when); })
            .incident;
    print_result(ctx, incident, "");
    ctx.hint(fmt::format("Closed {}.\n", incident.id));
  });
}

}  // namespace incident::cli
