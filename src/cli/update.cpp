// incident update [ID] --findings T --next T [--eta T] [--status S] [--at TIME]
// stdout: the Investigation Update.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_update(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, findings, next, eta, status, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("update", "Record an investigation update; prints the Investigation Update");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  command->add_option("--findings", o->findings, "What we have discovered")->required()->type_name("TEXT");
  command->add_option("--next", o->next, "What we are doing next")->required()->type_name("TEXT");
  command->add_option("--eta", o->eta, "Estimated resolution time")->type_name("TEXT");
  command->add_option("--status", o->status, "investigating, identified or monitoring")->type_name("STATUS");
  add_at_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o] {
    const UpdateRequest request{o->findings, o->next, o->eta, o->status};
    check_update(request);
    const Stamp when = stamp(ctx, o->at);
    const Runbook& runbook = ctx.runbook();
    Store store = open_store(ctx);
    const Incident incident = store
                                  .append(store.resolve_id(o->id),
                                          [&](const Incident& current) {
                                            return post_update(runbook, current, request, when);
                                          })
                                  .incident;
    warn_if_runbook_differs(ctx, runbook, incident);
    print_template(ctx, runbook, TemplateKind::investigation, incident);
  });
}

}  // namespace incident::cli
