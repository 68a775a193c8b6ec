#pragma once
// The `--json` view of incidents and summaries: a stable contract for scripts, separate
// from the file format (incident_file.hpp). Keys in a stable order; times RFC 3339 UTC.

#include <nlohmann/json_fwd.hpp>

#include "incident/incident.hpp"
#include "incident/json_writer.hpp"
#include "incident/summary.hpp"
#include "incident/time.hpp"

namespace incident {

// The incident: id, title, severity, severity_name, status, drill (true for an exercise),
// impact, commander,
// started_at, acknowledged_at, resolved_at, closed_at, ..., response_sla (the SLA that
// applied and its verdict as of `as_of`), the runbook pin and, with with_events, the
// events.
nlohmann::ordered_json incident_json(const Incident& incident, bool with_events, Timestamp as_of);
// An event: id, seq, type, at, recorded_at (or null), by, then its fields.
nlohmann::ordered_json event_json(const Event& event);
// The incident's escalations, in fold order: level, role, at, by, reason (brief, report).
nlohmann::ordered_json escalations_json(const Incident& incident);
// The fields of incident_json() that a Summary has (what `list --json` prints), written
// straight to text: compact, or pretty (nlohmann's dump(2) layout) at nesting `depth`.
void append_summary_json(json::Buffer& out, const Summary& summary, bool pretty, int depth);
nlohmann::ordered_json summary_json(const Summary& summary);

}  // namespace incident
