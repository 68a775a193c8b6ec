#pragma once
// An incident's summary: what `list` shows, kept in the store's index so that listing
// never reads every incident file. One line of tab-separated text per incident.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "incident/file_io.hpp"
#include "incident/incident.hpp"

namespace incident {

// The index keeps an incident's facts (incident.hpp) and which file they came from.
struct Summary : IncidentFacts {
  FileIdentity file;  // the incident file this was read from

  bool operator==(const Summary&) const = default;
};

Summary summarize(const Incident& incident, const FileIdentity& file);

// A text field of an index line: \, tab, CR and LF escaped, and back (nullopt for a
// malformed escape).
std::string escape_field(std::string_view text);
std::optional<std::string> unescape_field(std::string_view text);
bool unescape_field(std::string_view text, std::string& out);

// One line, without the newline; text fields escaped.
std::string encode_summary(const Summary& summary);
// The inverse; nullopt for a malformed line.
std::optional<Summary> decode_summary(std::string_view line);
// The same into `out`, reusing its strings (decoding in bulk); false for a malformed line,
// leaving `out` unspecified.
bool decode_summary(std::string_view line, Summary& out);

// A file that a scan could not summarize (it does not parse), as the index remembers it:
// readers report it without re-reading it until the file changes.
struct SkippedFile {
  std::string id;
  FileIdentity file;
  std::string message;
};
// "!<tab>id<tab>inode<tab>size<tab>mtime<tab>message": a line that no summary line can be
// (a summary line starts with its id).
std::string encode_skipped(const SkippedFile& skipped);
std::optional<SkippedFile> decode_skipped(std::string_view line);
bool is_skipped_line(std::string_view line);

// A decimal number as the index writes it: digits, '-' first for a signed type.
std::optional<std::int64_t> decode_index_number(std::string_view text);

// Just the id, start time and file identity of an encoded line (for sorting lines and
// checking them against the files before decoding them); nullopt when they are
// malformed. The id points into `line`.
struct SummaryKey {
  std::string_view id;
  Timestamp started_at;
  FileIdentity file;
};
std::optional<SummaryKey> decode_summary_key(std::string_view line);

}  // namespace incident
