// incident ack [ID] [--at TIME]: acknowledge; the actor becomes commander if there is none.
// stdout: one line, who acked and the response time against the severity's SLA.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
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
    Store store = open_store(ctx);
    const Incident incident = store.append(store.resolve_id(o->id), [&](const Incident& current) {
      if (!is_active(current.status)) {
        conflict(fmt::format("{} is {}; there is nothing to acknowledge", current.id, status_name(current.status)));
      }
      if (current.acknowledged_at) {
        conflict(fmt::format("{} was already acknowledged by {} at {}", current.id,
                             text::escape_control(current.acknowledged_by),
                             format_rfc3339(*current.acknowledged_at)));
      }
      return std::vector<Event>{make_event(ctx, event_type::acknowledged, event_time(o->at, current.started_at))};
    });
    const Seconds taken = *incident.acknowledged_at - incident.started_at;
    const std::string verdict =
        *incident.ack_met() ? "met"
                            : fmt::format("breached by {}", format_duration_short(taken - incident.ack_response_time));
    print_result(ctx, incident,
                 fmt::format("{} acknowledged {} after {} (SLA {} for {}: {})\n",
                             text::escape_control(incident.acknowledged_by), incident.id,
                             format_duration_short(taken), format_duration_short(incident.ack_response_time),
                             text::escape_control(incident.ack_severity_name), verdict));
    if (!incident.commander.empty()) {
      ctx.hint(fmt::format("Commander: {}\n", text::escape_control(incident.commander)));
    }
  });
}

}  // namespace incident::cli
