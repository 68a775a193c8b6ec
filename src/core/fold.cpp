#include "incident/incident.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

constexpr std::array<std::string_view, 5> k_status_names = {"investigating", "identified", "monitoring",
                                                            "resolved", "closed"};

Grade grade_of(const Event& event) {
  return Grade{event.get(field::severity), event.get(field::severity_name),
               event.get(field::response_time).value_or(Seconds{0}), event.get(field::update_every).value_or(Seconds{0})};
}

void apply(Incident& incident, const Event& event) {
  using namespace event_type;
  const std::string_view type = event.type;
  if (type == opened) {
    incident.title = event.get(field::title);
    incident.grade = grade_of(event);
    incident.grades.push_back(incident.grade);
    incident.impact = event.get(field::impact);
    incident.commander = event.get(field::commander);
    incident.dedup_key = event.get(field::dedup_key);
    incident.drill = !event.get(field::exercise).empty();
    incident.runbook = RunbookPin{event.get(field::runbook), event.get(field::runbook_digest),
                                  event.get(field::runbook_phases), event.get(field::runbook_items)};
    incident.started_at = event.at;
    incident.status = Status::investigating;
    if (!incident.commander.empty()) {
      incident.commanders.push_back({incident.commander, event.at});
    }
  } else if (type == acknowledged) {
    if (!incident.acknowledged_at) {
      incident.acknowledged_at = event.at;
      incident.acknowledged_by = event.by;
    }
    if (incident.commander.empty()) {
      incident.commander = event.by;
      incident.commanders.push_back({incident.commander, event.at});
    }
  } else if (type == updated) {
    // The latest in time wins: an update backfilled with --at may be recorded after a
    // later one, and must not pass for the newest findings.
    if (!incident.last_update_at || event.at >= *incident.last_update_at) {
      incident.last_update_at = event.at;
      incident.findings = event.get(field::findings);
      incident.next_steps = event.get(field::next_steps);
      incident.eta = event.get(field::eta);
      incident.eta_at = event.get(field::eta_at);
    }
    ++incident.updates;
    if (auto status = parse_status(event.get(field::status)); status && is_active(*status)) {
      incident.status = *status;
    }
  } else if (type == resolved) {
    incident.status = Status::resolved;
    incident.resolved_at = event.at;
    incident.root_cause = event.get(field::root_cause);
    incident.fix = event.get(field::fix);
    incident.monitoring = event.get(field::monitoring);
  } else if (type == closed) {
    incident.status = Status::closed;
    incident.closed_at = event.at;
  } else if (type == reopened) {
    incident.status = Status::investigating;
    incident.resolved_at.reset();
    incident.closed_at.reset();
  } else if (type == severity_changed) {
    incident.grade = grade_of(event);
    incident.grades.push_back(incident.grade);
  } else if (type == handed_off) {
    incident.commander = event.get(field::commander);
    incident.commanders.push_back({incident.commander, event.at});
  } else if (type == checked || type == unchecked || type == skipped) {
    if (const std::string& item = event.get(field::item); !item.empty()) {
      incident.items[item] =
          ItemState{type == checked, type == skipped ? event.get(field::reason) : std::string(), event.at, event.by};
    }
  } else if (type == flagged && !event.get(field::trigger).empty()) {
    incident.flags[event.get(field::trigger)] = Flag{event.at, event.by};
  } else if (type == unflagged) {
    incident.flags.erase(event.get(field::trigger));
  } else if (type == escalated) {
    if (const auto level = event.get(field::level); level && *level > 0) {
      incident.escalations.push_back({static_cast<int>(*level), event.get(field::role), event.get(field::contact),
                                      event.get(field::reason), event.at, event.by});
    }
  } else if (type == action_added && !event.get(field::text).empty()) {
    incident.actions.push_back({event.id, event.get(field::text), event.get(field::owner), event.get(field::due),
                                event.at, event.by, {}, {}});
  } else if (type == action_done) {
    for (auto& action : incident.actions) {
      if (action.id == event.get(field::action) && !action.done_at) {
        action.done_at = event.at;
        action.done_by = event.by;
      }
    }
  } else if (type == edited) {
    if (event.has(field::title.name) && !event.get(field::title).empty()) {
      incident.title = event.get(field::title);
    }
    if (event.has(field::impact.name)) {
      incident.impact = event.get(field::impact);
    }
  } else if (type == chat_thread && !event.get(field::chat_target).empty()) {
    incident.chat_threads.try_emplace(event.get(field::chat_target),
                                      ChatThread{event.get(field::channel), event.get(field::thread)});
  }
  // `noted` and unknown types (from a newer version) change nothing derived.
}

}  // namespace

std::string_view status_name(Status status) { return k_status_names.at(static_cast<std::size_t>(status)); }

std::string status_title(Status status) {
  std::string name(status_name(status));
  name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

std::optional<Status> parse_status(std::string_view text) {
  for (std::size_t i = 0; i < k_status_names.size(); ++i) {
    if (text::iequals(k_status_names[i], text)) {
      return static_cast<Status>(i);
    }
  }
  return std::nullopt;
}

int Incident::escalation_level() const {
  int level = 0;
  for (const auto& record : escalations) {
    level = std::max(level, record.level);
  }
  return level;
}

bool is_open(Status status) { return status != Status::closed; }
bool is_active(Status status) { return status != Status::closed && status != Status::resolved; }

Incident fold(std::string id, std::vector<Event> events) {
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end(),
                           [](const Event& a, const Event& b) { return a.id == b.id && a.seq == b.seq; }),
               events.end());
  Incident incident;
  incident.id = std::move(id);
  const auto first_open = std::find_if(events.begin(), events.end(),
                                       [](const Event& e) { return e.type == event_type::opened; });
  if (first_open == events.end()) {
    throw Error(fmt::format("incident {} has no 'opened' event", incident.id));
  }
  // Each grading (opened, severity changed) in fold order with its time, to find the
  // one in force at the response.
  std::vector<Timestamp> graded_at;
  bool opened_seen = false;
  for (const auto& event : events) {
    // A second `opened` (two machines that both created the same id) is kept on the
    // timeline but does not reset the incident.
    if (event.type == event_type::opened) {
      if (opened_seen) {
        continue;
      }
      opened_seen = true;
    }
    apply(incident, event);
    if (event.type == event_type::opened || event.type == event_type::severity_changed) {
      graded_at.push_back(event.at);
    }
    incident.max_seq = std::max(incident.max_seq, event.seq);
  }
  incident.response_grade = incident.grade;
  if (const auto responded = incident.responded_at(); responded && !incident.grades.empty()) {
    // The latest grading at or before the response, by event time (a backfilled re-grade
    // may come later in fold order); the first one when all are later.
    std::size_t in_force = 0;
    for (std::size_t i = 1; i < graded_at.size(); ++i) {
      if (graded_at[i] <= *responded && graded_at[i] >= graded_at[in_force]) {
        in_force = i;
      }
    }
    incident.response_grade = incident.grades[in_force];
  }
  incident.events = std::move(events);
  return incident;
}

}  // namespace incident

