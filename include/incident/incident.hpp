#pragma once
// The incident: a pure fold over its events. Nothing here touches the disk.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incident/event.hpp"
#include "incident/runbook.hpp"
#include "incident/time.hpp"

namespace incident {

enum class Status { investigating, identified, monitoring, resolved, closed };

// "investigating" ...; and the capitalised form used in messages ("Investigating").
std::string_view status_name(Status status);
std::string status_title(Status status);
// Parses "investigating" | "identified" | "monitoring" | "resolved" | "closed" (any case).
std::optional<Status> parse_status(std::string_view text);

// An "open" incident is one that is not closed (a resolved incident stays open until
// `close`); "active" ones are also not resolved.
bool is_open(Status status);
bool is_active(Status status);

// A checklist item's state on an incident, from its latest checked, unchecked or skipped
// event.
struct ItemState {
  bool checked = false;
  std::string skipped;  // the reason; "" when not skipped
  Timestamp at;
  std::string by;
};

// A declared escalation trigger (`incident flag`), while it stands.
struct Flag {
  Timestamp at;
  std::string by;
};

// An escalation on the record (`incident escalate`).
struct EscalationRecord {
  int level = 0;
  std::string role;
  std::string contact;  // "Secondary: [Senior engineer]", as the runbook said it then
  std::string reason;
  Timestamp at;
  std::string by;
};

// A postmortem action item (`incident action add`), numbered 1.. in fold order.
struct ActionItem {
  std::string id;  // the id of its action_added event: stable across merges
  std::string text;
  std::string owner;  // "" when unassigned
  std::string due;  // YYYY-MM-DD, or ""
  Timestamp added_at;
  std::string added_by;
  std::optional<Timestamp> done_at;
  std::string done_by;
};

// Who held the commander role, from when (opened with --commander, first ack, handoff).
struct CommanderTerm {
  std::string name;
  Timestamp from;
};

struct Incident {
  std::string id;
  std::string title;
  std::string severity;  // "P1"
  std::string severity_name;  // "High", as the runbook named it when it was set
  Seconds response_time{0};  // the acknowledge SLA, fixed when the severity was set
  // How often an update is due while the incident is active (the runbook's update_every
  // for the severity when it was set); 0 when the runbook sets no cadence.
  Seconds update_every{0};
  std::string impact;
  std::string commander;  // "" when unassigned
  Status status = Status::investigating;
  Timestamp started_at;
  std::optional<Timestamp> acknowledged_at;
  std::string acknowledged_by;
  // The SLA the acknowledgement is judged against: that of the severity in force at
  // acknowledged_at (by event time), so a later re-grade does not rewrite the verdict.
  Seconds ack_response_time{0};
  std::string ack_severity_name;
  std::optional<Timestamp> resolved_at;
  std::optional<Timestamp> closed_at;
  std::optional<Timestamp> last_update_at;  // the latest `updated` event
  // From the latest `updated` event.
  std::string findings;
  std::string next_steps;
  std::string eta;
  // From the latest `resolved` event.
  std::string root_cause;
  std::string fix;
  std::string monitoring;
  std::map<std::string, ItemState, std::less<>> items;  // by checklist item id
  std::map<std::string, Flag, std::less<>> flags;  // standing declared triggers, by trigger id
  std::vector<EscalationRecord> escalations;  // in fold order
  std::vector<ActionItem> actions;  // in fold order; ActionItem number = index + 1
  std::vector<CommanderTerm> commanders;  // in fold order
  int updates = 0;  // how many `updated` events
  std::vector<Event> events;  // in fold order
  std::uint64_t max_seq = 0;

  // When the acknowledge SLA of the current severity runs out (for an unacknowledged one).
  [[nodiscard]] Timestamp ack_due() const { return started_at + response_time; }
  // The highest level escalated to; 0 when never escalated.
  [[nodiscard]] int escalation_level() const;
  // Whether the acknowledgement met its SLA; nullopt while unacknowledged.
  [[nodiscard]] std::optional<bool> ack_met() const {
    if (!acknowledged_at) {
      return std::nullopt;
    }
    return *acknowledged_at - started_at <= ack_response_time;
  }
};

// Folds events into an incident. The events may come in any order; they are sorted into
// fold order first and an event whose id repeats one already seen is dropped (a merge of
// two copies). Throws Error when there is no `opened` event.
Incident fold(std::string id, std::vector<Event> events);

}  // namespace incident
