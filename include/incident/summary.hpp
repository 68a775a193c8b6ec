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

struct Summary {
  std::string id;
  Status status = Status::investigating;
  std::string severity;
  std::string severity_name;
  Seconds response_time{0};
  Timestamp started_at;
  std::optional<Timestamp> acknowledged_at;
  std::optional<Timestamp> resolved_at;
  std::optional<Timestamp> closed_at;
  std::string commander;
  std::string title;
  std::string impact;
  FileIdentity file;  // the incident file this was read from

  bool operator==(const Summary&) const = default;
};

Summary summarize(const Incident& incident, const FileIdentity& file);

// One line, without the newline; text fields have \, tab, CR and LF escaped.
std::string encode_summary(const Summary& summary);
// The inverse; nullopt for a malformed line.
std::optional<Summary> decode_summary(std::string_view line);

}  // namespace incident
