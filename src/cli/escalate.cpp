// incident escalate [ID] [--level N] [--reason T] [--at TIME]: escalate on the record.
// The level defaults to what the triggers call for, and at least one above the last
// escalation (and above on-call). stdout: the message to send, naming the level and its
// contact from the runbook.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
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
  command->callback([&ctx, o] {
    const Runbook& runbook = ctx.runbook();
    const Escalation& escalation = runbook.escalation;
    if (escalation.levels.empty()) {
      throw Error("the runbook has no escalation levels", ExitCode::conflict);
    }
    const int top = escalation.levels.back().level;
    if (o->level != 0 && escalation.find_level(o->level) == nullptr) {
      throw UsageError(fmt::format("--level {} is not a level of the escalation path (1 to {})", o->level, top));
    }
    const std::string given_reason = clean_text(o->reason, "--reason", k_max_text_bytes, true);
    Store store = open_store(ctx);
    EscalationRecord record;
    const Incident incident = store.append(store.resolve_id(o->id), [&](const Incident& current) {
      if (!is_active(current.status)) {
        conflict(fmt::format("{} is {}; there is nothing to escalate", current.id, status_name(current.status)));
      }
      const Timestamp at = event_time(o->at, current.started_at);
      const Assessment assessment = assess(runbook, as_it_stood(current, at), at);
      // The default aims above on-call (level 2), but a path of one level tops out at 1:
      // short of the top, the top is where it goes.
      const int level = o->level != 0 ? o->level
                                      : std::min(default_escalation_level(assessment),
                                                 std::max(top, assessment.escalated_level + 1));
      if (level > top) {
        conflict(fmt::format("{} is already escalated to level {}, the top of the escalation path", current.id,
                             assessment.escalated_level));
      }
      if (level <= assessment.escalated_level) {
        conflict(fmt::format("{} is already escalated to level {}", current.id, assessment.escalated_level));
      }
      const EscalationLevel& chosen = *escalation.find_level(level);
      const Contact* contact = escalation.contact_for(chosen);
      std::vector<std::string> holding;
      for (const auto& state : assessment.triggers) {
        if (state.holds) {
          holding.push_back(state.trigger->text);
        }
      }
      record.level = level;
      record.role = chosen.role;
      record.contact = contact == nullptr ? std::string() : fmt::format("{}: {}", contact->name, contact->value);
      record.reason = !given_reason.empty() ? given_reason : text::join(holding, "; ");
      Event event = make_event(ctx, event_type::escalated, at);
      event.fields["level"] = std::to_string(level);
      event.fields["role"] = record.role;
      if (!record.contact.empty()) {
        event.fields["contact"] = record.contact;
      }
      if (!record.reason.empty()) {
        event.fields["reason"] = record.reason;
      }
      return std::vector<Event>{std::move(event)};
    });
    print_result(ctx, incident, render_escalation(incident, record));
  });
}

}  // namespace incident::cli
