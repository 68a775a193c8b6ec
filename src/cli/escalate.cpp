// incident escalate [ID] [--level N] [--reason T] [--at TIME]: escalate on the record.
// The level defaults to what the triggers call for, and at least one above the last
// escalation (and above on-call). stdout: the message to send, naming the level and its
// contact from the runbook.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/guidance.hpp"
#include "incident/sla.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_escalate(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, reason, at;
    int level = 0;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("escalate", "Escalate to the next level of the escalation path");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  command->add_option("--level", o->level, "Level to escalate to (default: what the triggers call for)")
      ->type_name("N");
  command->add_option("--reason", o->reason, "Why (default: the triggers that hold)")->type_name("TEXT");
  add_at_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o, command] {
    const Runbook& runbook = ctx.runbook();
    EscalateRequest request;
    if (command->count("--level") > 0) {
      request.level = o->level;
    }
    request.reason = o->reason;
    check_escalate(runbook, request);
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const auto [incident, record] = store.append(
        store.resolve_id(o->id), [&](const Incident& current) { return escalate(runbook, current, request, when); });
    warn_if_runbook_differs(ctx, runbook, incident);
    print_message(ctx, incident, "Escalation", render_escalation(incident, record));
    if (const auto warning = placeholder_contact_warning(runbook, record.contact)) {
      ctx.warn(*warning);
    }
  });
}

}  // namespace incident::cli
