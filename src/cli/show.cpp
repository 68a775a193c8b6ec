// incident show [ID]: the incident's details and its whole timeline.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/render.hpp"

namespace incident::cli {

void register_show(CLI::App& app, Context& ctx) {
  auto id = std::make_shared<std::string>();
  auto* command = app.add_subcommand("show", "Show an incident's details and timeline");
  command->add_option("ID", *id, "Incident id or unique prefix (default: the one open incident)");
  command->callback([&ctx, id] {
    const Store store = open_store(ctx);
    const Incident incident = store.load(store.resolve_id(*id));
    print_result(ctx, incident, render_show(incident, now(), Zone::user()));
  });
}

}  // namespace incident::cli
