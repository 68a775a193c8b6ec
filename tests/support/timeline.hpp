#pragma once
// An incident's timeline built by hand for unit tests (sla, report): events numbered in
// the order they are added, so fold order is the order of the calls, each at the time
// given; the grading fields come from the bundled runbook.

#include <fmt/format.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "incident/incident.hpp"
#include "incident/sla.hpp"
#include "support/events.hpp"
#include "support/default_runbook.hpp"

namespace incident::test {

// When every test incident opens: the night of 2026-11-27.
inline constexpr const char* k_start = "2026-11-27T03:12:00Z";

class Timeline {
public:
  // Opened at `when` (default k_start) as `severity`, with its SLA and update cadence.
  explicit Timeline(const std::string& severity, const std::string& title = "Checkout API 500s",
                    const char* when = k_start) {
    std::map<std::string, std::string> fields = grade(severity);
    fields["title"] = title;
    add(event_type::opened, when, "pager", std::move(fields));
  }

  Timeline& add(std::string_view type, const char* when, std::string by = "alice",
                std::map<std::string, std::string> fields = {}) {
    Event event;
    event.seq = m_events.size() + 1;
    event.id = fmt::format("e{:011x}", event.seq);
    event.type = std::string(type);
    event.at = *parse_rfc3339(when);
    event.by = std::move(by);
    event.fields = to_fields(type, fields);
    m_events.push_back(std::move(event));
    return *this;
  }
  Timeline& ack(const char* when, std::string by = "alice") {
    return add(event_type::acknowledged, when, std::move(by));
  }
  Timeline& update(const char* when, std::string by = "alice") {
    return add(event_type::updated, when, std::move(by), {{"findings", "f"}, {"next_steps", "n"}});
  }
  // As `incident flag` records it: the trigger and, when given, its text.
  Timeline& flag(const char* trigger, const char* when, std::string by = "alice", const char* text = "") {
    std::map<std::string, std::string> fields = {{"trigger", trigger}};
    if (*text != '\0') {
      fields["text"] = text;
    }
    return add(event_type::flagged, when, std::move(by), fields);
  }
  Timeline& escalate(int level, const char* when, std::string by = "alice") {
    return add(event_type::escalated, when, std::move(by), {{"level", std::to_string(level)}, {"role", "r"}});
  }
  Timeline& resolve(const char* when, std::string by = "alice") {
    return add(event_type::resolved, when, std::move(by), {{"root_cause", "rc"}, {"fix", "fx"}});
  }
  Timeline& regrade(const std::string& severity, const char* when) {
    return add(event_type::severity_changed, when, "alice", grade(severity));
  }
  // Makes it an exercise, as `open --drill` records it on `opened`.
  Timeline& drill() {
    m_events.front().fields.insert_or_assign(std::string(field::exercise.name), std::string(k_exercise_drill));
    return *this;
  }

  [[nodiscard]] const std::vector<Event>& events() const { return m_events; }
  [[nodiscard]] Incident incident(const std::string& id = "7f3a9c2e") const { return fold(id, m_events); }

  // The incident as it stood at `when`, assessed then against the bundled runbook.
  [[nodiscard]] Assessment assess_at(const char* when) const {
    const Timestamp as_of = *parse_rfc3339(when);
    return assess(default_runbook(), as_it_stood(incident(), as_of), as_of);
  }

private:
  static std::map<std::string, std::string> grade(const std::string& severity) {
    const Severity& graded = default_runbook().severity(severity);
    return {{"severity", graded.id},
            {"severity_name", graded.name},
            {"response_time_seconds", std::to_string(graded.response_time.count())},
            {"update_every_seconds", std::to_string(graded.update_every.count())}};
  }

  std::vector<Event> m_events;
};

}  // namespace incident::test
