// incident resolve [ID] --root-cause T --fix T [--monitoring T] [--at TIME]
// stdout: the Resolution Update.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/render.hpp"

namespace incident::cli {

void register_resolve(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, root_cause, fix, monitoring, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("resolve", "Resolve an incident; prints the Resolution Update");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  command->add_option("--root-cause", o->root_cause, "Brief description of the root cause (asked for on a terminal)")
      ->type_name("TEXT");
  command->add_option("--fix", o->fix, "What was done (asked for on a terminal)")->type_name("TEXT");
  command->add_option("--monitoring", o->monitoring, "What we are watching")->type_name("TEXT");
  add_at_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o] {
    if (!can_ask()) {  // a script: refused before anything is read
      ask_if_missing(ctx, o->root_cause, "--root-cause", "Root Cause");
      ask_if_missing(ctx, o->fix, "--fix", "Fix Applied");
    }
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const std::string id = store.resolve_id(o->id);
    ask_if_missing(ctx, o->root_cause, "--root-cause", "Root Cause");
    ask_if_missing(ctx, o->fix, "--fix", "Fix Applied");
    const ResolveRequest request{o->root_cause, o->fix, o->monitoring};
    const Runbook& runbook = ctx.runbook();
    const Incident incident = store
                                  .append(id,
                                          [&](const Incident& current) {
                                            return resolve(runbook, current, request, when);
                                          })
                                  .incident;
    warn_if_runbook_differs(ctx, runbook, incident);
    print_template(ctx, runbook, TemplateKind::resolution, incident);
    ctx.hint(fmt::format("Resolved {}. When the monitoring period is over: incident close {}\n", incident.id,
                         incident.id));
  });
}

}  // namespace incident::cli
