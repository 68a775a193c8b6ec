#pragma once
// The on-disk form of an incident: one pretty-printed JSON document with a schema
// version, the derived state (for people who read the file with jq; never read back)
// and the append-only `events` array, which is the truth.

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "incident/incident.hpp"
#include "incident/json_writer.hpp"
#include "incident/summary.hpp"

namespace incident {

inline constexpr int k_incident_schema = 1;
inline constexpr std::size_t k_max_incident_file_bytes = std::size_t{16} * 1024 * 1024;

// The incident as JSON: id, title, severity, severity_name, status, impact, commander,
// started_at, acknowledged_at, resolved_at (RFC 3339 or null), ... and, with
// with_events, the events. Keys in a stable order.
nlohmann::ordered_json incident_json(const Incident& incident, bool with_events);
nlohmann::ordered_json event_json(const Event& event);
// The fields of incident_json() that a Summary has (what `list --json` prints), written
// straight to text: compact, or pretty (nlohmann's dump(2) layout) at nesting `depth`.
void append_summary_json(json::Buffer& out, const Summary& summary, bool pretty, int depth);
nlohmann::ordered_json summary_json(const Summary& summary);

// The file's text: incident_json plus "schema", ending in a newline.
std::string serialize_incident(const Incident& incident);

// Reads a file's events. `path` names the file in messages; `expected_id` must match the
// file's "id". Throws DataError(path[:line:column]: ..., corrupt_state) for anything that
// is not a valid incident file, and for a newer schema version.
std::vector<Event> parse_incident_file(std::string_view text, const std::string& path,
                                       const std::string& expected_id);

}  // namespace incident
