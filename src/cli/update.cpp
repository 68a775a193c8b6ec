// incident update [ID] --findings T --next T [--eta T] [--status S] [--at TIME]
// stdout: the Investigation Update.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/guidance.hpp"
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
  command->add_option("--findings", o->findings, "What we have discovered (asked for on a terminal)")
      ->type_name("TEXT");
  command->add_option("--next", o->next, "What we are doing next (asked for on a terminal)")->type_name("TEXT");
  command->add_option("--eta", o->eta, "Estimated resolution: 30m, 1h30m (stored as the time it means), or any text")
      ->type_name("TEXT");
  command->add_option("--status", o->status, "investigating, identified or monitoring")->type_name("STATUS");
  add_at_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o] {
    if (!can_ask()) {  // a script: refused before anything is read
      ask_if_missing(ctx, o->findings, "--findings", "Findings");
      ask_if_missing(ctx, o->next, "--next", "Next Steps");
    }
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const std::string id = store.resolve_id(o->id);
    if (o->findings.empty() || o->next.empty()) {  // asked for on a terminal, shown as they stand
      const Incident current = store.load(id);
      ask_if_missing(ctx, o->findings, "--findings", "Findings", current.findings);
      ask_if_missing(ctx, o->next, "--next", "Next Steps", current.next_steps);
    }
    const UpdateRequest request{o->findings, o->next, o->eta, o->status};
    check_update(request);
    const Runbook& runbook = ctx.runbook();
    const auto [incident, previous] =
        store.append(id, [&](const Incident& current) { return post_update(runbook, current, request, when); });
    warn_if_runbook_differs(ctx, runbook, incident);
    print_template(ctx, runbook, TemplateKind::investigation, incident);
    ctx.hint(after_update(runbook, incident, previous, when.now, Zone::user()));
  });
}

}  // namespace incident::cli
