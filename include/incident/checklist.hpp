#pragma once
// An incident's checklists: the runbook's phase checklists for its severity, with each
// item's state from the timeline, the phase it is in, and the text and JSON that
// `incident checklist` prints.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "incident/incident.hpp"
#include "incident/runbook.hpp"

namespace incident {

// One item of the incident's checklists, numbered 1.. across every phase that has a
// checklist for the severity, then the post-incident checklist's groups under the last
// phase (the numbers `check` accepts).
struct ChecklistEntry {
  int number = 0;
  const Phase* phase = nullptr;
  const ChecklistGroup* group = nullptr;
  const ChecklistItem* item = nullptr;
  // The items that say the same as this one (their same_as is its id), shown as this one:
  // ticking any of them ticks it.
  std::vector<const ChecklistItem*> same;
};

std::vector<ChecklistEntry> checklist_entries(const Runbook& runbook, std::string_view severity_id);

// The entry's state on the timeline, or that of an item that says the same (a file may
// have ticked either id): a checked one first, then a skipped one; nullptr when none.
const ItemState* entry_state(const Incident& incident, const ChecklistEntry& entry);

// The phase an incident is in as of `at`: the last phase whose window has begun, counted
// from the start; an unresolved incident stops short of the last phase (what follows
// resolution), a resolved or closed one is in it.
const Phase& current_phase(const Runbook& runbook, const Incident& incident, Timestamp at);

// A phase by id or name (any case), or a unique beginning of one ("post"); nullptr when
// none or several match.
const Phase* find_phase(const Runbook& runbook, std::string_view text);

// ITEM as typed: a stable id ("initial.acknowledge", or the id of an item that is the same
// as the entry's) or a number from the listing.
// Throws UsageError naming the item, with "did you mean" for a near id.
const ChecklistEntry& find_entry(const std::vector<ChecklistEntry>& entries, std::string_view text);

// The checklists as text: per phase (the current one marked), per group, each item
// "[x]", "[ ]" or "[-]" (skipped, with the reason), with progress per group and phase.
// Only `phase` when given.
std::string render_incident_checklist(const Runbook& runbook, const Incident& incident, Timestamp at,
                                      const Phase* phase = nullptr);

// The same as JSON: the current phase, and per phase its groups and items, each with
// id, number, text, checked (bool) and skipped (null or the reason).
nlohmann::ordered_json incident_checklist_json(const Runbook& runbook, const Incident& incident, Timestamp at,
                                               const Phase* phase = nullptr);

}  // namespace incident
