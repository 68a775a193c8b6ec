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

Seconds seconds_field(const Event& event, std::string_view name) {
  const std::string& value = event.field(name);
  std::int64_t count = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
  if (ec != std::errc{} || ptr != value.data() + value.size() || count < 0) {
    return Seconds{0};
  }
  return Seconds{count};
}

void apply(Incident& incident, const Event& event) {
  using namespace event_type;
  const std::string_view type = event.type;
  if (type == opened) {
    incident.title = event.field("title");
    incident.severity = event.field("severity");
    incident.severity_name = event.field("severity_name");
    incident.response_time = seconds_field(event, "response_time_seconds");
    incident.impact = event.field("impact");
    incident.commander = event.field("commander");
    incident.update_every = seconds_field(event, "update_every_seconds");
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
      incident.findings = event.field("findings");
      incident.next_steps = event.field("next_steps");
      incident.eta = event.field("eta");
    }
    ++incident.updates;
    if (auto status = parse_status(event.field("status")); status && is_active(*status)) {
      incident.status = *status;
    }
  } else if (type == resolved) {
    incident.status = Status::resolved;
    incident.resolved_at = event.at;
    incident.root_cause = event.field("root_cause");
    incident.fix = event.field("fix");
    incident.monitoring = event.field("monitoring");
  } else if (type == closed) {
    incident.status = Status::closed;
    incident.closed_at = event.at;
  } else if (type == reopened) {
    incident.status = Status::investigating;
    incident.resolved_at.reset();
    incident.closed_at.reset();
  } else if (type == severity_changed) {
    incident.severity = event.field("severity");
    incident.severity_name = event.field("severity_name");
    incident.response_time = seconds_field(event, "response_time_seconds");
    incident.update_every = seconds_field(event, "update_every_seconds");
  } else if (type == handed_off) {
    incident.commander = event.field("commander");
    incident.commanders.push_back({incident.commander, event.at});
  } else if (type == checked || type == unchecked || type == skipped) {
    if (!event.field("item").empty()) {
      incident.items[event.field("item")] =
          ItemState{type == checked, type == skipped ? event.field("reason") : std::string(), event.at, event.by};
    }
  } else if (type == flagged && !event.field("trigger").empty()) {
    incident.flags[event.field("trigger")] = Flag{event.at, event.by};
  } else if (type == unflagged) {
    incident.flags.erase(event.field("trigger"));
  } else if (type == escalated) {
    int level = 0;
    const std::string& text = event.field("level");
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), level);
    if (error == std::errc{} && end == text.data() + text.size() && level > 0) {
      incident.escalations.push_back({level, event.field("role"), event.field("contact"), event.field("reason"),
                                      event.at, event.by});
    }
  } else if (type == action_added && !event.field("text").empty()) {
    incident.actions.push_back(
        {event.id, event.field("text"), event.field("owner"), event.field("due"), event.at, event.by, {}, {}});
  } else if (type == action_done) {
    for (auto& action : incident.actions) {
      if (action.id == event.field("action") && !action.done_at) {
        action.done_at = event.at;
        action.done_by = event.by;
      }
    }
  }
  // `noted` and unknown types (from a newer version) change nothing derived.
}

}  // namespace

const std::string& Event::field(std::string_view name) const {
  static const std::string empty;
  auto it = fields.find(std::string(name));
  return it == fields.end() ? empty : it->second;
}

bool operator<(const Event& a, const Event& b) {
  if (a.seq != b.seq) {
    return a.seq < b.seq;
  }
  return a.id < b.id;
}

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
  // Each grading (opened, severity changed) in fold order, to find the one in force
  // when the incident was acknowledged.
  struct Grade {
    Timestamp at;
    Seconds response_time;
    std::string severity_name;
  };
  std::vector<Grade> grades;
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
      grades.push_back({event.at, incident.response_time, incident.severity_name});
    }
    incident.max_seq = std::max(incident.max_seq, event.seq);
  }
  if (incident.acknowledged_at && !grades.empty()) {
    // The latest grading at or before the acknowledgement, by event time (a backfilled
    // re-grade may come later in fold order); the first one when all are later.
    std::size_t in_force = 0;
    for (std::size_t i = 1; i < grades.size(); ++i) {
      if (grades[i].at <= *incident.acknowledged_at && grades[i].at >= grades[in_force].at) {
        in_force = i;
      }
    }
    incident.ack_response_time = grades[in_force].response_time;
    incident.ack_severity_name = grades[in_force].severity_name;
  }
  incident.events = std::move(events);
  return incident;
}

}  // namespace incident

