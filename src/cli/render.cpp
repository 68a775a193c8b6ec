// incident render [ID] initial|investigation|resolution: a status message re-rendered
// from the incident's current state.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/render.hpp"

namespace incident::cli {

void register_render(CLI::App& app, Context& ctx) {
  auto positionals = std::make_shared<std::vector<std::string>>();
  auto* command = app.add_subcommand("render", "Print a status message for an incident's current state");
  command->add_option("[ID] MESSAGE", *positionals, "Incident id (optional when one is open), then "
                                                     "initial, investigation or resolution")
      ->required()
      ->expected(1, 2);
  add_message_options(*command, ctx);
  command->callback([&ctx, positionals] {
    const auto [id, kind_text] = split_id_and_value(*positionals);
    const TemplateKind kind = parse_template_kind(kind_text);
    const Store store = open_store(ctx);
    const Incident incident = store.load(store.resolve_id(id));
    const Runbook& runbook = runbook_for(ctx, incident);
    print_template(ctx, runbook, kind, incident);
  });
}

}  // namespace incident::cli
