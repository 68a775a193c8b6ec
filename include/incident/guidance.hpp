#pragma once
// What comes next, after each step of an incident: the lines a command prints on stderr
// once its event is stored (a missed ack SLA and the escalation the runbook calls for,
// when the next update is due, the SLA and cadence after a re-grade), and the warning for
// a contact the runbook still holds as a placeholder. Text for people: times in `zone`.

#include <optional>
#include <string>
#include <string_view>

#include "incident/incident.hpp"
#include "incident/runbook.hpp"
#include "incident/time.hpp"
#include "incident/writes.hpp"

namespace incident {

// After `ack`: when the response SLA was missed, by how much and the escalation the runbook
// recommends (level, role, contact, the command); then when the first update is due.
std::string after_ack(const Runbook& runbook, const Incident& incident, Timestamp now, const Zone& zone);

// After `update`: when the next update is due; and when this update gives no ETA while
// the one before did, that the ETA is gone.
std::string after_update(const Runbook& runbook, const Incident& incident, const PreviousEta& before, Timestamp now,
                         const Zone& zone);

// After `severity`: the new response SLA (and whether it is met) and update cadence.
std::string after_severity(const Runbook& runbook, const Incident& incident, Timestamp now, const Zone& zone);

// A contact value as the seed leaves it to be filled in: "[Senior engineer]", "[Phone/Email]",
// or a record's "Secondary: [Senior engineer]" (it ends in a bracketed text).
bool is_placeholder_contact(std::string_view value);

// The warning for a contact that is still a placeholder, naming the runbook file and
// what to change; nullopt for a real contact.
std::optional<std::string> placeholder_contact_warning(const Runbook& runbook, std::string_view contact);

// "03:12 CET (in 18m)" / "03:12 CET (18m ago)": a moment for people, in `zone`.
std::string when_words(Timestamp at, Timestamp now, const Zone& zone);

}  // namespace incident
