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

// Where the incident's messages thread in a chat target (a chat_thread event): the first
// such event per target, in fold order, wins, so every laptop replies in the same thread.
struct ChatThread {
  std::string channel;
  std::string thread;  // Slack's ts
};

// The runbook an incident runs under: where it was loaded from, its content digest, and
// the phases and checklist items it had, so that a later command under another runbook
// can tell whether that one still fits (see runbook_fit in writes.hpp).
struct RunbookPin {
  std::string source;  // the runbook's path when the incident was opened
  std::string digest;  // "sha256:..." of its content
  std::vector<std::string> phases;  // phase ids
  std::vector<std::string> items;  // checklist item ids (phases and post-incident)

  [[nodiscard]] bool empty() const { return digest.empty(); }
};

// Who held the commander role, from when (opened with --commander, first ack, handoff).
struct CommanderTerm {
  std::string name;
  Timestamp from;
};

// A severity as the incident carries it: the runbook's id and name and the SLAs it set
// when it was graded (recorded on the event, so a later runbook edit changes nothing).
struct Grade {
  std::string severity;  // "P1"
  std::string severity_name;  // "High"
  Seconds response_time{0};  // the acknowledge SLA
  // How often an update is due while the incident is active; 0 when the runbook sets no
  // cadence.
  Seconds update_every{0};

  bool operator==(const Grade&) const = default;
};

// What an incident and its index summary share: the headline and every fact the SLA
// rules read (see sla.hpp: response_sla). One struct, so that `status`, `show`,
// `prompt`, `report` and `stats` judge a summary and an incident by the same code.
struct IncidentFacts {
  std::string id;
  std::string title;
  Status status = Status::investigating;
  Grade grade;  // the current severity
  // The grade in force when the incident was responded to (acknowledged, or resolved
  // before any acknowledgement), by event time: a later re-grade does not rewrite the
  // verdict. Equal to `grade` until there is a response.
  Grade response_grade;
  std::string impact;
  std::string commander;  // "" when unassigned
  Timestamp started_at;
  std::optional<Timestamp> acknowledged_at;
  std::optional<Timestamp> resolved_at;
  std::optional<Timestamp> closed_at;
  std::optional<Timestamp> last_update_at;  // the latest `updated` event, by event time
  // An exercise, not a real incident (`open --drill`: `exercise` on `opened`). Messages say
  // so in their first line; `stats` leaves drills out unless asked.
  bool drill = false;

  // The response: the acknowledgement, or the resolution when it came first.
  [[nodiscard]] std::optional<Timestamp> responded_at() const {
    if (acknowledged_at) {
      return acknowledged_at;
    }
    return resolved_at;
  }

  bool operator==(const IncidentFacts&) const = default;
};

struct Incident : IncidentFacts {
  std::string acknowledged_by;
  // From the latest `updated` event.
  std::string findings;
  std::string next_steps;
  std::string eta;
  std::optional<Timestamp> eta_at;  // what the ETA means as a moment, when it was a duration or a time
  // The alert's deduplication key, from `opened` (open --dedup-key); "" when none.
  std::string dedup_key;
  // From the latest `resolved` event.
  std::string root_cause;
  std::string fix;
  std::string monitoring;
  // The runbook it was opened under (see RunbookPin); empty for incidents from before
  // schema 2, which are not pinned.
  RunbookPin runbook;
  std::map<std::string, ItemState, std::less<>> items;  // by checklist item id
  std::map<std::string, Flag, std::less<>> flags;  // standing declared triggers, by trigger id
  std::vector<EscalationRecord> escalations;  // in fold order
  std::vector<ActionItem> actions;  // in fold order; ActionItem number = index + 1
  std::vector<CommanderTerm> commanders;  // in fold order
  std::vector<Grade> grades;  // every grading (opened, severity_changed), in fold order
  std::map<std::string, ChatThread, std::less<>> chat_threads;  // by chat target name
  int updates = 0;  // how many `updated` events
  std::vector<Event> events;  // in fold order
  std::uint64_t max_seq = 0;

  // The highest level escalated to; 0 when never escalated.
  [[nodiscard]] int escalation_level() const;
};

// Folds events into an incident. The events may come in any order; they are sorted into
// fold order first and an event whose id repeats one already seen is dropped (a merge of
// two copies). Throws Error when there is no `opened` event.
Incident fold(std::string id, std::vector<Event> events);

}  // namespace incident
