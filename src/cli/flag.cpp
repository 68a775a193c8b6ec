// incident flag [ID] TRIGGER..., unflag [ID] TRIGGER...: declare (or withdraw) the
// escalation triggers a responder judges, e.g. security or data-loss, on the record.
// `incident status` then counts them. Nothing on stdout; what changed goes to stderr.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <set>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/sla.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace {

std::vector<std::string> declared_ids(const Runbook& runbook) {
  std::vector<std::string> ids;
  for (const auto& trigger : runbook.escalation.triggers) {
    if (trigger.is_declared()) {
      ids.push_back(trigger.id);
    }
  }
  return ids;
}

const EscalationTrigger& find_declared(const Runbook& runbook, std::string_view word) {
  const EscalationTrigger* trigger = runbook.escalation.find_trigger(text::to_lower(word));
  if (trigger != nullptr && trigger->is_declared()) {
    return *trigger;
  }
  const auto ids = declared_ids(runbook);
  if (trigger != nullptr) {
    throw UsageError(fmt::format("'{}' is evaluated from the timeline, not declared (triggers to flag: {})",
                                 trigger->id, text::join(ids)));
  }
  throw UsageError(fmt::format("no trigger '{}'{} (triggers to flag: {})", text::escape_control(word),
                               text::did_you_mean(word, ids), ids.empty() ? "none" : text::join(ids)));
}

void register_flagging(CLI::App& app, Context& ctx, bool raise) {
  struct Options {
    std::vector<std::string> positionals;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(raise ? "flag" : "unflag",
                                     raise ? "Declare escalation triggers (multiple-systems, security, data-loss)"
                                           : "Withdraw declared escalation triggers");
  command->add_option("[ID] TRIGGER", o->positionals, "Incident id (optional when one is open), then triggers")
      ->required();
  add_at_option(*command, o->at);
  command->callback([&ctx, o, raise] {
    const Runbook& runbook = ctx.runbook();
    std::vector<std::string> words = o->positionals;
    std::string id;
    // The first of several words is the incident unless it names a trigger (an evaluated
    // one too, so that `flag sla-exceeded security` is refused for what it is).
    if (words.size() > 1 && runbook.escalation.find_trigger(text::to_lower(words.front())) == nullptr) {
      id = words.front();
      words.erase(words.begin());
    }
    std::vector<const EscalationTrigger*> triggers;
    for (const auto& word : words) {
      const EscalationTrigger* trigger = &find_declared(runbook, word);
      if (std::find(triggers.begin(), triggers.end(), trigger) == triggers.end()) {
        triggers.push_back(trigger);
      }
    }
    Store store = open_store(ctx);
    std::vector<std::string> changed;
    Timestamp at;
    const Incident incident = store.append(store.resolve_id(id), [&](const Incident& current) {
      if (!is_active(current.status)) {
        conflict(fmt::format("{} is {}; reopen it first", current.id, status_name(current.status)));
      }
      std::vector<Event> events;
      changed.clear();
      at = event_time(o->at, current.started_at);
      for (const auto* trigger : triggers) {
        const bool standing = current.flags.count(trigger->id) > 0;
        changed.push_back(fmt::format("{} ({}){}", trigger->id, trigger->text, standing == raise ? " (already)" : ""));
        if (standing == raise) {
          continue;
        }
        Event event = make_event(ctx, raise ? event_type::flagged : event_type::unflagged, at);
        event.fields["trigger"] = trigger->id;
        event.fields["text"] = trigger->text;  // the event tells its story without the runbook
        events.push_back(std::move(event));
      }
      return events;
    });
    for (const auto& line : changed) {
      ctx.hint(fmt::format("{} {}\n", raise ? "Flagged" : "Unflagged", line));
    }
    const Assessment assessment = assess(runbook, as_it_stood(incident, at), at);
    if (assessment.escalation_recommended) {
      ctx.hint(fmt::format("Escalation to level {} is recommended: incident escalate {}\n",
                           assessment.recommended_level, incident.id));
    }
    print_result(ctx, incident, "");
  });
}

}  // namespace

void register_flag(CLI::App& app, Context& ctx) { register_flagging(app, ctx, true); }
void register_unflag(CLI::App& app, Context& ctx) { register_flagging(app, ctx, false); }

}  // namespace incident::cli
