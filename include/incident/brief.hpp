#pragma once
// The briefing for whoever takes over an incident (`incident brief`): what happened so
// far in a few lines, severity and SLA state, the last update and when the next is due,
// the open items of the current phase, flags, escalations and open action items. A
// message to read or paste: user text is kept on its line and its controls escaped.

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "incident/incident.hpp"
#include "incident/runbook.hpp"
#include "incident/sla.hpp"

namespace incident {

// How many of the latest events the briefing lists.
inline constexpr std::size_t k_brief_events = 5;

// `incident` as it stood at the assessment's time (see as_it_stood).
std::string render_brief(const Runbook& runbook, const Incident& incident, const Assessment& assessment);

// The same facts as JSON: {phase, response_sla, last_update, next_update_due_at,
// recent_events, open_items, flags, escalations, open_actions}.
nlohmann::ordered_json brief_json(const Runbook& runbook, const Incident& incident, const Assessment& assessment);

}  // namespace incident
