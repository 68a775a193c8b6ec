#pragma once
// An event on an incident's timeline. Events are self-contained and uniquely identified,
// so two copies of an incident file merge as the union of their events; their order is
// (seq, id), where seq is a Lamport counter: one more than the highest seq the writer saw.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "incident/time.hpp"

namespace incident {

// The event types this version writes. A file may hold types from a newer version; they
// are kept and shown but do not change the derived state.
namespace event_type {
inline constexpr std::string_view opened = "opened";
inline constexpr std::string_view acknowledged = "acknowledged";
inline constexpr std::string_view updated = "updated";
inline constexpr std::string_view resolved = "resolved";
inline constexpr std::string_view closed = "closed";
inline constexpr std::string_view reopened = "reopened";
inline constexpr std::string_view noted = "noted";
inline constexpr std::string_view severity_changed = "severity_changed";
inline constexpr std::string_view handed_off = "handed_off";
inline constexpr std::string_view checked = "checked";  // item
inline constexpr std::string_view unchecked = "unchecked";  // item
inline constexpr std::string_view skipped = "skipped";  // item, reason
inline constexpr std::string_view flagged = "flagged";  // trigger: a declared escalation trigger
inline constexpr std::string_view unflagged = "unflagged";  // trigger
inline constexpr std::string_view escalated = "escalated";  // level, role, contact, reason
inline constexpr std::string_view action_added = "action_added";  // text, owner, due
inline constexpr std::string_view action_done = "action_done";  // action: the id of its action_added event
}  // namespace event_type

struct Event {
  std::string id;  // 12 lower-case hex digits, unique within the incident
  std::uint64_t seq = 0;  // Lamport counter, >= 1
  std::string type;
  Timestamp at;  // when it happened (UTC); --at may backdate it
  std::string by;  // the actor
  // The type's fields, by name: text, or whole numbers written as decimal text.
  std::map<std::string, std::string> fields;

  // The field's value, or "" when absent.
  [[nodiscard]] const std::string& field(std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const { return fields.find(std::string(name)) != fields.end(); }
};

// Fold order: by seq, then by id.
bool operator<(const Event& a, const Event& b);

// A fresh random event id (12 hex digits).
std::string new_event_id();

}  // namespace incident
