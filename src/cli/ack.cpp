// incident ack [ID] [--at TIME]: acknowledge; the actor becomes commander if there is none.
// stdout: one line, who acked and the response time against the severity's SLA.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/guidance.hpp"
#include "incident/sla.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_ack(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("ack", "Acknowledge an incident (you become commander if there is none)");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  add_at_option(*command, o->at);
  command->callback([&ctx, o] {
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const std::string id = store.resolve_id(o->id);
    // The runbook ticks what the ack completes; a broken one never blocks the ack.
    const Runbook* runbook = runbook_if_usable(ctx);
    const auto [incident, ticked] =
        store.append(id, [&](const Incident& current) { return acknowledge(runbook, current, when); });
    const Seconds taken = *incident.acknowledged_at - incident.started_at;
    const ResponseSla sla = response_sla(incident, when.now);
    const std::string verdict = sla.state == SlaState::met
                                    ? std::string("met")
                                    : fmt::format("breached by {}", format_duration_short(sla.late_by(when.now)));
    print_result(ctx, incident,
                 fmt::format("{} acknowledged {} after {} (SLA {} for {}: {})\n",
                             text::escape_control(incident.acknowledged_by), incident.id,
                             format_duration_short(taken), format_duration_short(sla.grade.response_time),
                             text::escape_control(sla.grade.severity_name), verdict));
    if (!incident.commander.empty()) {
      ctx.hint(fmt::format("Commander: {}\n", text::escape_control(incident.commander)));
    }
    ctx.hint(ticked_lines(ticked));
    if (runbook != nullptr) {
      ctx.hint(after_ack(*runbook, incident, when.now, Zone::user()));
    }
  });
}

}  // namespace incident::cli
