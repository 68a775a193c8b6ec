#pragma once
// SLA clocks and escalation: what an incident owes as of a moment (its acknowledgement,
// its next update) and which of the runbook's escalation triggers hold. Pure functions of
// the incident, the runbook and the time; `incident status`, `status --check`, `escalate`
// and `prompt` are built on them.

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

#include "incident/incident.hpp"
#include "incident/runbook.hpp"
#include "incident/summary.hpp"
#include "incident/text.hpp"
#include "incident/time.hpp"

namespace incident {

// The incident as it stood at `at`: the fold of its events that happened by then.
// Throws UsageError when it had not started yet.
Incident as_it_stood(const Incident& incident, Timestamp at);

enum class SlaState { pending, met, breached };
std::string_view sla_state_name(SlaState state);  // "pending", "met", "breached"

// "due in 4m" or "overdue by 5m", as of `now`.
std::string due_words(Timestamp due, Timestamp now);
// How something due at `due` looks on a colour terminal: overdue red (alarm), due within
// 5 minutes yellow (caution), else plain.
text::Tone due_tone(Timestamp due, Timestamp now);
// The tone of an incident's row (`list`): of the earlier of its unanswered ack and its next
// update; plain once it is resolved.
text::Tone attention_tone(const IncidentFacts& incident, Timestamp now);

// The response SLA as it applies to an incident: the rule every reader uses (`status`,
// `show`, `ack`, `prompt`, `report`, `stats`, the JSON). The SLA is the one of the grade in
// force at the response (the acknowledgement, or the resolution when it came first), or
// of the current grade while there is none; it is met when the response came by the due
// time, breached when it came later or the due time has passed without one.
struct ResponseSla {
  Grade grade;  // whose response_time applies
  Timestamp due;
  std::optional<Timestamp> responded_at;
  bool by_resolution = false;  // the response was the resolution (no ack before it)
  SlaState state = SlaState::pending;

  // How late the response was (or, without one, how far past due `as_of` is); 0 when in time.
  [[nodiscard]] Seconds late_by(Timestamp as_of) const;
};
ResponseSla response_sla(const IncidentFacts& incident, Timestamp as_of);
// {severity, severity_name, sla_seconds, due_at, state, met, breached, overdue,
//  responded_at, responded_by: "acknowledgement" | "resolution" | null}
nlohmann::ordered_json response_sla_json(const ResponseSla& sla);

// When the next update is due while the incident is active: its last update (or its
// start) plus the cadence of its current grade; nullopt when resolved or without cadence.
std::optional<Timestamp> next_update_due(const IncidentFacts& incident);

// How long the incident has run as of `as_of`: to its resolution once resolved.
Seconds incident_age(const IncidentFacts& incident, Timestamp as_of);

struct TriggerState {
  const EscalationTrigger* trigger = nullptr;
  bool holds = false;
  std::optional<Timestamp> since;  // when it began to hold, when known
  std::string detail;  // "no update for 2h30m", "flagged by alice"; "" when it does not hold
};

struct Assessment {
  Timestamp as_of;
  Seconds age{0};  // see incident_age
  bool active = false;  // neither resolved nor closed
  ResponseSla response;
  // Updates: the last one (the Initial Status Update at the start counts), the cadence,
  // and while active, when the next is due.
  Timestamp last_update_at;
  bool any_update = false;  // an `update` was posted (not only the initial message)
  Seconds update_every{0};  // 0: the runbook sets no cadence
  std::optional<Timestamp> next_update_due;
  std::vector<TriggerState> triggers;  // in the runbook's order
  int escalated_level = 0;  // the highest level on the record; 0 for none
  // The highest level a holding trigger calls for (0 when none holds), and whether the
  // incident should be escalated to it (it is active and not escalated that far yet).
  int recommended_level = 0;
  bool escalation_recommended = false;

  // Seconds until the ack is due (negative when overdue); only meaningful while pending
  // or breached without a response.
  [[nodiscard]] Seconds ack_remaining() const {
    return std::chrono::duration_cast<Seconds>(response.due - as_of);
  }
};

// `incident` should already be as it stood at `as_of` (see as_it_stood).
Assessment assess(const Runbook& runbook, const Incident& incident, Timestamp as_of);

// `incident status` as text, its times in `zone`, each value wrapped between words to fit
// `width` columns (0: never wrapped), each line with the tone it wants on a colour
// terminal; and as JSON.
std::vector<text::ToneLine> render_status(const Runbook& runbook, const Incident& incident,
                                          const Assessment& assessment, const Zone& zone, std::size_t width);
nlohmann::ordered_json status_json(const Runbook& runbook, const Incident& incident, const Assessment& assessment);

// What `status --check` reports of an active incident: an ack or an update overdue or due
// within `within`, an escalation recommended and not made. Empty when all is well.
struct Problem {
  std::string kind;  // "ack", "update", "escalation"
  bool overdue = false;  // past due (not merely due soon); escalations always are
  std::string message;  // one line: "7f3a9c2e P0 ack overdue by 5m (03:27 UTC): Checkout API 500s"
                        // (a drill's title marked "[DRILL] Game day")
};
std::vector<Problem> check_problems(const Incident& incident, const Assessment& assessment, Seconds within,
                                    const Zone& zone);

// The escalation level `escalate` picks when none is given: the recommended one, and at
// least one above the level on the record and above on-call (2). May exceed the top level.
int default_escalation_level(const Assessment& assessment);

// The message `incident escalate` prints for the channel.
std::string render_escalation(const Incident& incident, const EscalationRecord& record);

// What an incident owes as of `now`, in a few words ("ack 3m overdue", "update in 12m",
// "resolved"), and how pressing that is: rank 0 ack overdue, 1 update overdue, 2 ack
// pending, 3 update pending, 4 active with nothing due, 5 resolved (or closed); remaining:
// until the ack or update is due (negative when overdue). `prompt` and `watch` use it.
struct Owed {
  int rank = 5;
  Seconds remaining{0};
  std::string what;
};
Owed owed(const IncidentFacts& incident, Timestamp now);

// The line `incident prompt` prints, from the index alone: the most pressing open
// incident ("P0 7f3a ack 3m overdue", "P1 k3x9 update in 12m", "P2 q1bg resolved"),
// with "+N" for the others; "" when none is open. A drill comes after every real incident
// and is marked "[DRILL] P2 q1bg ack in 12m".
std::string prompt_line(const std::vector<Summary>& open_incidents, Timestamp now);

}  // namespace incident
