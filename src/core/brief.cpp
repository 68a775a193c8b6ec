#include "incident/brief.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "incident/checklist.hpp"
#include "incident/incident_json.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

// User text in a line of the briefing.
std::string inline_text(std::string_view value) { return text::escape_control(text::one_line(value)); }

std::string when(Timestamp at, Timestamp as_of, const Zone& zone) {
  return fmt::format("{} ({} ago)", format_local_clock(at, as_of, zone), format_duration_short(between(at, as_of)));
}

// The items of the current phase neither checked nor skipped.
std::vector<const ChecklistEntry*> open_items(const std::vector<ChecklistEntry>& entries, const Phase& phase,
                                              const Incident& incident) {
  std::vector<const ChecklistEntry*> open;
  for (const auto& entry : entries) {
    if (entry.phase != &phase) {
      continue;
    }
    const ItemState* state = entry_state(incident, entry);
    if (state == nullptr || (!state->checked && state->skipped.empty())) {
      open.push_back(&entry);
    }
  }
  return open;
}

std::size_t items_in(const std::vector<ChecklistEntry>& entries, const Phase& phase) {
  return static_cast<std::size_t>(
      std::count_if(entries.begin(), entries.end(), [&](const ChecklistEntry& e) { return e.phase == &phase; }));
}

std::string sla_words(const Incident& incident, const ResponseSla& sla, Timestamp as_of) {
  std::string out = fmt::format("response SLA {}: ", format_duration_short(sla.grade.response_time));
  if (sla.responded_at) {
    return out + fmt::format("{} ({} after {})", sla_state_name(sla.state),
                             sla.by_resolution ? "resolved" : "acknowledged by " + inline_text(incident.acknowledged_by),
                             format_duration_short(between(incident.started_at, *sla.responded_at)));
  }
  return out + fmt::format("{}, not acknowledged ({})", sla_state_name(sla.state), due_words(sla.due, as_of));
}

}  // namespace

std::string render_brief(const Runbook& runbook, const Incident& incident, const Assessment& a) {
  const Zone zone = team_zone(runbook);  // a message for the channel
  std::string out = fmt::format("🔁 HANDOVER: {} ({})\n", inline_text(incident.title), incident.id);
  out += fmt::format("Severity: {} ({}) · Status: {} · Commander: {}\n", inline_text(incident.grade.severity_name),
                     inline_text(incident.grade.severity), status_title(incident.status),
                     incident.commander.empty() ? "unassigned" : inline_text(incident.commander));
  out += fmt::format("Started {}; {}\n", when(incident.started_at, a.as_of, zone), sla_words(incident, a.response, a.as_of));
  if (incident.last_update_at) {
    out += fmt::format("Last update {}: findings: {}; next: {}; ETA: {}\n", when(*incident.last_update_at, a.as_of, zone),
                       incident.findings.empty() ? "TBD" : inline_text(incident.findings),
                       incident.next_steps.empty() ? "TBD" : inline_text(incident.next_steps),
                       incident.eta.empty() ? "TBD" : inline_text(incident.eta));
  } else {
    out += "No update since the Initial Status Update.\n";
  }
  if (a.next_update_due) {
    out += fmt::format("Next update {}: {}\n", format_local_clock(*a.next_update_due, a.as_of, zone),
                       due_words(*a.next_update_due, a.as_of));
  }

  const std::size_t shown = std::min(k_brief_events, incident.events.size());
  out += fmt::format("Latest events ({} of {}):\n", shown, incident.events.size());
  for (std::size_t i = incident.events.size() - shown; i < incident.events.size(); ++i) {
    const Event& event = incident.events[i];
    out += fmt::format("  {}  {}\n", format_local_clock(event.at, a.as_of, zone), describe_event(incident, event));
  }

  if (a.active && !runbook.phases.empty()) {
    const Phase& phase = current_phase(runbook, incident, a.as_of);
    const auto entries = checklist_entries(runbook, incident.grade.severity);
    const auto open = open_items(entries, phase, incident);
    if (items_in(entries, phase) > 0) {
      out += fmt::format("Open in {} ({} of {}):\n", text::escape_control(phase.name), open.size(),
                         items_in(entries, phase));
      for (const auto* entry : open) {
        out += fmt::format("  [ ] {}. {}\n", entry->number, text::escape_control(entry->item->text));
      }
    }
  }
  for (const auto& state : a.triggers) {
    if (state.holds) {
      out += fmt::format("Trigger: {}: {}\n", text::escape_control(state.trigger->text),
                         inline_text(state.detail));
    }
  }
  for (const auto& record : incident.escalations) {
    out += fmt::format("Escalated: level {}, {} at {} by {}: {}\n", record.level, inline_text(record.role),
                       format_local_clock(record.at, a.as_of, zone), inline_text(record.by),
                       record.reason.empty() ? "no reason given" : inline_text(record.reason));
  }
  if (a.escalation_recommended) {
    out += fmt::format("Escalation to level {} is recommended: incident escalate {}\n", a.recommended_level,
                       incident.id);
  }
  for (std::size_t i = 0; i < incident.actions.size(); ++i) {
    const ActionItem& action = incident.actions[i];
    if (!action.done_at) {
      out += fmt::format("Action {}: {}{}\n", i + 1, inline_text(action.text),
                         action.owner.empty() ? "" : " (owner: " + inline_text(action.owner) + ")");
    }
  }
  return out;
}

nlohmann::ordered_json brief_json(const Runbook& runbook, const Incident& incident, const Assessment& a) {
  using Json = nlohmann::ordered_json;
  Json document = Json::object();
  Json phase = nullptr;
  Json items = Json::array();
  if (a.active && !runbook.phases.empty()) {
    const Phase& current = current_phase(runbook, incident, a.as_of);
    phase = current.id;
    const auto entries = checklist_entries(runbook, incident.grade.severity);
    for (const auto* entry : open_items(entries, current, incident)) {
      items.push_back({{"id", entry->item->id}, {"number", entry->number}, {"text", entry->item->text}});
    }
  }
  document["as_of"] = format_rfc3339(a.as_of);
  document["phase"] = phase;
  document["response_sla"] = response_sla_json(a.response);
  document["last_update"] = incident.last_update_at
                                ? Json{{"at", format_rfc3339(*incident.last_update_at)},
                                       {"findings", incident.findings},
                                       {"next_steps", incident.next_steps},
                                       {"eta", incident.eta}}
                                : Json(nullptr);
  document["next_update_due_at"] = a.next_update_due ? Json(format_rfc3339(*a.next_update_due)) : Json(nullptr);
  Json events = Json::array();
  const std::size_t shown = std::min(k_brief_events, incident.events.size());
  for (std::size_t i = incident.events.size() - shown; i < incident.events.size(); ++i) {
    const Event& event = incident.events[i];
    events.push_back({{"id", event.id},
                      {"type", event.type},
                      {"at", format_rfc3339(event.at)},
                      {"by", event.by},
                      {"text", describe_event(incident, event)}});
  }
  document["recent_events"] = events;
  document["open_items"] = items;
  Json triggers = Json::array();
  for (const auto& state : a.triggers) {
    if (state.holds) {
      triggers.push_back({{"id", state.trigger->id}, {"text", state.trigger->text}, {"detail", state.detail}});
    }
  }
  document["triggers"] = triggers;
  const Json escalations = escalations_json(incident);
  document["escalations"] = escalations;
  document["escalation_recommended"] = a.escalation_recommended;
  Json actions = Json::array();
  for (std::size_t i = 0; i < incident.actions.size(); ++i) {
    if (!incident.actions[i].done_at) {
      actions.push_back({{"number", i + 1}, {"text", incident.actions[i].text}, {"owner", incident.actions[i].owner}});
    }
  }
  document["open_actions"] = actions;
  return document;
}

}  // namespace incident
