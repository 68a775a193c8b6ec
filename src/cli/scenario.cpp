// incident scenario [NAME]: the common scenarios, or one scenario's symptoms, response
// and escalation.
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "incident/error.hpp"
#include "incident/render_runbook.hpp"

namespace incident::cli {

void register_scenario(CLI::App& app, Context& ctx) {
  auto* command = app.add_subcommand("scenario", "List the common scenarios, or show one (by id or name)");
  auto name = std::make_shared<std::string>();
  command->add_option("NAME", *name, "Scenario id or name, e.g. database")->type_name("SCENARIO");  // for completion
  command->callback([&ctx, name, command] {
    if (command->count("NAME") > 0 && name->empty()) {
      throw UsageError("NAME is empty; leave it out to list the scenarios");
    }
    const Runbook& runbook = ctx.runbook();
    if (name->empty()) {
      if (ctx.options.json) {
        ctx.out_json(runbook_json(runbook, "scenarios"));
      } else {
        ctx.out(render_scenario_list_text(runbook));
      }
      return;
    }
    const Scenario& scenario = runbook.scenario(*name);
    if (ctx.options.json) {
      ctx.out_json(scenario_json(scenario));
    } else {
      ctx.out(render_scenario_text(scenario));
    }
  });
}

}  // namespace incident::cli
