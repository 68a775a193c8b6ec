// incident open TITLE -s SEV [--impact T] [--commander N] [--at TIME]
// stdout: the Initial Status Update. stderr: the id, the ack deadline and the first
// phase's checklist for the severity.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/render.hpp"
#include "incident/render_runbook.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_open(CLI::App& app, Context& ctx) {
  struct Options {
    std::string title, severity, impact, commander, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("open", "Open an incident; prints the Initial Status Update");
  command->add_option("TITLE", o->title, "What is happening, e.g. \"Checkout API 500s\"")->required();
  command->add_option("-s,--severity", o->severity, "P0..P3, or a name: critical, high, medium, low")
      ->required()
      ->type_name("SEV");
  command->add_option("--impact", o->impact, "Who or what is affected")->type_name("TEXT");
  command->add_option("--commander", o->commander, "Incident commander (default: whoever acks first)")
      ->type_name("NAME");
  add_at_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o] {
    const Runbook& runbook = ctx.runbook();
    const Stamp when = stamp(ctx, o->at);
    const Incident incident = open_store(ctx).create(
        open_incident(runbook, {o->title, o->severity, o->impact, o->commander}, when));
    print_template(ctx, runbook, TemplateKind::initial, incident);

    std::string guidance = fmt::format("Opened {} ({} {}); {}.\n", incident.id, incident.grade.severity,
                                       text::escape_control(incident.grade.severity_name),
                                       ack_deadline(incident, when.now));
    if (!runbook.phases.empty()) {
      guidance += "\n" + render_checklist_text(runbook, runbook.phases.front(), incident.grade.severity);
    }
    guidance += fmt::format("\nNext: incident ack {}\n", incident.id);
    ctx.hint(guidance);
  });
}

}  // namespace incident::cli
