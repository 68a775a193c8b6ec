#pragma once
// Turning incidents into text: the status messages (from the runbook's templates), the
// `list` table and the `show` view. User text is shown with terminal control characters
// escaped, so a title from an alert payload cannot drive anyone's terminal.

#include <string>
#include <vector>

#include "incident/incident.hpp"
#include "incident/runbook.hpp"
#include "incident/summary.hpp"
#include "incident/text.hpp"
#include "incident/time.hpp"

namespace incident {

// The Initial / Investigation / Resolution message for the incident, ending in a newline;
// times in the runbook's timezone, `as_of` for the duration and relative ones.
// The runbook's `timezone`, in which messages for the channel give their times (the
// loader refused a zone this machine cannot load; UTC should one vanish since).
Zone team_zone(const Runbook& runbook);

std::string render_message(const Runbook& runbook, TemplateKind kind, const Incident& incident, Timestamp as_of);

// What every message of a drill (open --drill) says first, on a line of its own, and the
// mark `list`, `prompt`, `show` and `status` give a drill.
inline constexpr std::string_view k_drill_mark = "[DRILL]";
inline constexpr std::string_view k_drill_banner = "[DRILL] This is an exercise, not a real incident.\n";
// The one rule for a message for the channel (the three templates, severity, handoff,
// escalate, brief): a drill's starts with k_drill_banner; any other's is `message` as it is.
std::string mark_drill(const IncidentFacts& incident, std::string message);

// The value a template placeholder takes for this incident as of `as_of` (see
// docs/runbook.md).
std::string placeholder_value(const Runbook& runbook, const Incident& incident, std::string_view name,
                              Timestamp as_of);

// The `list` table: a header and one line per incident, started times in `zone` and how
// long ago as of `now`, each row toned by what it owes (attention_tone); none when there
// are no incidents.
std::vector<text::ToneLine> render_list(const std::vector<Summary>& incidents, Timestamp now, const Zone& zone);
// The line under `list`'s table for the incidents resolved before its window, not closed.
std::string render_resolved_earlier(std::size_t count, Seconds window);

// The `show` view: the details, then the timeline, one event per line; times in `zone`.
std::string render_show(const Incident& incident, Timestamp as_of, const Zone& zone);

// "alice acknowledged" and the like, for the timeline (no time prefix); terminal
// controls escaped, line breaks in user text too unless `keep_newlines` (for a renderer
// that breaks lines its own way: the report's <br>). The incident numbers action items.
std::string describe_event(const Incident& incident, const Event& event, bool keep_newlines = false);

// "ack by 03:27 CET: 15m for Critical, due in 15m" (what `open` tells on stderr), with
// ", already overdue by 45m" for a backfilled incident past its SLA as of `now`.
std::string ack_deadline(const Incident& incident, Timestamp now, const Zone& zone);

}  // namespace incident
