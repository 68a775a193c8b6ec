// incident render [ID] initial|investigation|resolution: a status message re-rendered
// from the incident's current state.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_render(CLI::App& app, Context& ctx) {
  auto positionals = std::make_shared<std::vector<std::string>>();
  auto* command = app.add_subcommand("render", "Print a status message for an incident's current state");
  command->add_option("[ID] MESSAGE", *positionals, "Incident id (optional when one is open), then "
                                                     "initial, investigation or resolution")
      ->required()
      ->expected(1, 2);
  command->callback([&ctx, positionals] {
    const auto [id, kind_text] = split_id_and_value(*positionals);
    std::optional<TemplateKind> kind;
    for (std::size_t i = 0; i < std::size(k_template_keys); ++i) {
      if (text::iequals(k_template_keys[i], kind_text)) {
        kind = static_cast<TemplateKind>(i);
      }
    }
    if (!kind) {
      const std::vector<std::string> keys(std::begin(k_template_keys), std::end(k_template_keys));
      throw UsageError(fmt::format("no message '{}'{} (messages: {})", text::escape_control(kind_text),
                                   text::did_you_mean(kind_text, keys), text::join(keys)));
    }
    const Store store = open_store(ctx);
    const Incident incident = store.load(store.resolve_id(id));
    const Runbook& runbook = runbook_for(ctx, incident);
    print_template(ctx, runbook, *kind, incident);
  });
}

}  // namespace incident::cli
