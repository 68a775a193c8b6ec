#pragma once
// The incident file format: private to this module, specified in docs/incident-file.md
// (with its version history). A file holds the schema version, the incident id and the
// events, which are the truth; nothing derived is stored. The `--json` view of an
// incident is another thing (incident_json.hpp).
//
// Versions:
//   1  (incident 0.1) derived state beside the events; event fields flat in the event
//      object, every value a string; event ids of 12 hex digits; no recorded_at.
//   2  only schema, id and events; one event per line; fields in "fields", typed (numbers
//      are JSON numbers, lists are arrays); recorded_at; 128-bit event ids; the runbook
//      pin on `opened`. Schema 1 files are read and written back as schema 2 on their
//      next write, keeping every event.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "incident/event.hpp"
#include "incident/incident.hpp"

namespace incident {

inline constexpr std::uint64_t k_incident_schema = 2;
// The most a file may hold: a larger one is refused when read (corrupt_state), so a
// write that would make one is refused before it happens.
inline constexpr std::size_t k_max_incident_file_bytes = std::size_t{16} * 1024 * 1024;
// The highest seq a file may hold: a file at it takes no more events (a counter that
// wrapped would make the file unreadable).
inline constexpr std::uint64_t k_max_event_seq = std::uint64_t{1} << 53;

// The file's text for the incident's events, ending in a newline.
std::string serialize_incident(const Incident& incident);
// The same document on one line (`incident export`: one incident per line of ndjson),
// ending in a newline: the same keys and values, without the layout.
std::string serialize_incident_line(const Incident& incident);

// The 1-based line of the first line of `text` that starts with a git conflict marker
// ("<<<<<<< ", "=======", ">>>>>>> "), 0 when none does: a file a plain `git merge` left,
// refused as such by parse_incident_file.
int conflict_marker_line(std::string_view text);

// Reads a file's events, upgrading an older schema. `path` names the file in messages;
// `expected_id` must match the file's "id". Throws DataError(path[:line:column]: ...,
// corrupt_state) for anything that is not a valid incident file (conflict markers named as
// such), and for a newer schema.
std::vector<Event> parse_incident_file(std::string_view text, const std::string& path,
                                       const std::string& expected_id);

// A document whose id is not known beforehand (a line of `incident import`): read as
// strictly as a file, the id whatever the document says (the caller checks it names an
// incident). Throws DataError as parse_incident_file does, `origin` in place of the path.
struct IncidentDocument {
  std::string id;
  std::vector<Event> events;
};
IncidentDocument parse_incident_document(std::string_view text, const std::string& origin);

// The general reader alone (the JSON library), which the two above skip for a file laid
// out as this version writes it (read faster, to the same events): for the tests and the
// fuzz target that hold the fast reader to it. `expected_id` as parse_incident_file's, or
// nullptr.
IncidentDocument parse_incident_document_general(std::string_view text, const std::string& origin,
                                                 const std::string* expected_id);

}  // namespace incident
