#pragma once
// An event on an incident's timeline, and the one definition of every event type: its
// fields and their kinds. The fold, the file reader's validation, `describe_event` and
// the JSON are driven by these definitions, and events are built only through them
// (set() refuses a field its type does not have, validate_event() a missing one).
//
// Events are self-contained and uniquely identified (128 random bits), so copies of an
// incident file from several machines merge as the union of their events; their order is
// (seq, id), where seq is a Lamport counter: one more than the highest seq the writer saw.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "incident/time.hpp"

namespace incident {

// What a field holds. In the file: text and lines as JSON strings, seconds and counts
// as JSON integers, times as RFC 3339 strings, lists as arrays of strings.
enum class FieldKind {
  text,  // any text, line breaks allowed (findings, a note)
  line,  // one line: a name, an id, a title
  seconds,  // a duration, whole seconds, 0 .. 100 years
  count,  // a whole number from 1 (an escalation level)
  time,  // a moment, UTC
  list,  // a list of lines (ids)
  exit_code,  // a program's exit code, 0 .. 255 (128 + the signal that killed it)
};
std::string_view field_kind_name(FieldKind kind);  // "text", "a whole number of seconds", ...

// A field of an event type, typed: T is what get() returns.
template <class T>
struct Field {
  std::string_view name;
  FieldKind kind;
};

namespace field {
inline constexpr Field<std::string> title{"title", FieldKind::line};
inline constexpr Field<std::string> severity{"severity", FieldKind::line};
inline constexpr Field<std::string> severity_name{"severity_name", FieldKind::line};
inline constexpr Field<Seconds> response_time{"response_time_seconds", FieldKind::seconds};
inline constexpr Field<Seconds> update_every{"update_every_seconds", FieldKind::seconds};
inline constexpr Field<std::string> impact{"impact", FieldKind::text};
inline constexpr Field<std::string> commander{"commander", FieldKind::line};
// The runbook pin (see RunbookPin in incident.hpp).
inline constexpr Field<std::string> runbook{"runbook", FieldKind::line};
inline constexpr Field<std::string> runbook_digest{"runbook_digest", FieldKind::line};
inline constexpr Field<std::vector<std::string>> runbook_phases{"runbook_phases", FieldKind::list};
inline constexpr Field<std::vector<std::string>> runbook_items{"runbook_items", FieldKind::list};
inline constexpr Field<std::string> findings{"findings", FieldKind::text};
inline constexpr Field<std::string> next_steps{"next_steps", FieldKind::text};
inline constexpr Field<std::string> eta{"eta", FieldKind::line};
// The moment an ETA given as a duration or a clock time means ("30m" at 03:45: 04:15).
inline constexpr Field<Timestamp> eta_at{"eta_at", FieldKind::time};
// The alert's deduplication key (`open --dedup-key`): one open incident per key.
inline constexpr Field<std::string> dedup_key{"dedup_key", FieldKind::line};
// An exercise, not a real incident (`open --drill`): "drill" as this version writes it; any
// value marks one. A line (text), so that a 0.3.0 binary, which does not declare it, keeps
// it as an undeclared field holding text.
inline constexpr Field<std::string> exercise{"exercise", FieldKind::line};
// The command that ticked an item on its own (a runbook item's done_by: "ack").
inline constexpr Field<std::string> via{"via", FieldKind::line};
inline constexpr Field<std::string> status{"status", FieldKind::line};
inline constexpr Field<std::string> root_cause{"root_cause", FieldKind::text};
inline constexpr Field<std::string> fix{"fix", FieldKind::text};
inline constexpr Field<std::string> monitoring{"monitoring", FieldKind::text};
inline constexpr Field<std::string> text{"text", FieldKind::text};
inline constexpr Field<std::string> reason{"reason", FieldKind::text};
inline constexpr Field<std::string> item{"item", FieldKind::line};
inline constexpr Field<std::string> trigger{"trigger", FieldKind::line};
inline constexpr Field<std::int64_t> level{"level", FieldKind::count};
inline constexpr Field<std::string> role{"role", FieldKind::line};
inline constexpr Field<std::string> contact{"contact", FieldKind::line};
inline constexpr Field<std::string> owner{"owner", FieldKind::line};
inline constexpr Field<std::string> due{"due", FieldKind::line};
inline constexpr Field<std::string> action{"action", FieldKind::line};
// A chat thread (chat_thread): the target's name, its channel and the thread's id there.
inline constexpr Field<std::string> chat_target{"target", FieldKind::line};
inline constexpr Field<std::string> channel{"channel", FieldKind::line};
inline constexpr Field<std::string> thread{"thread", FieldKind::line};
// A command `incident exec` ran: its argv as run (secrets redacted), its exit code, the
// last lines of its output (redacted), how long it ran, and (exec_finished) the id of the
// exec_started event it ends.
inline constexpr Field<std::vector<std::string>> command{"command", FieldKind::list};
inline constexpr Field<std::int64_t> exit_code{"exit_code", FieldKind::exit_code};
inline constexpr Field<std::string> output{"output", FieldKind::text};
inline constexpr Field<Seconds> duration{"duration_seconds", FieldKind::seconds};
inline constexpr Field<std::string> started{"started", FieldKind::line};
}  // namespace field

// The value of `exercise` that `open --drill` writes.
inline constexpr std::string_view k_exercise_drill = "drill";

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
inline constexpr std::string_view checked = "checked";
inline constexpr std::string_view unchecked = "unchecked";
inline constexpr std::string_view skipped = "skipped";
inline constexpr std::string_view flagged = "flagged";  // a declared escalation trigger
inline constexpr std::string_view unflagged = "unflagged";
inline constexpr std::string_view escalated = "escalated";
inline constexpr std::string_view action_added = "action_added";
inline constexpr std::string_view action_done = "action_done";  // action: the id of its action_added event
// The incident's first message to a chat target that threads (Slack's chat.postMessage):
// every later message of the incident, from any laptop, replies in that thread.
inline constexpr std::string_view chat_thread = "chat_thread";
// The title or the impact changed (`incident edit`): messages and the report use the latest.
inline constexpr std::string_view edited = "edited";
// `incident exec`: a command started (and the checklist item it does), then how it ended.
inline constexpr std::string_view exec_started = "exec_started";
inline constexpr std::string_view exec_finished = "exec_finished";
}  // namespace event_type

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  bool required;
};

struct EventType {
  std::string_view name;
  std::span<const FieldSpec> fields;

  [[nodiscard]] const FieldSpec* find(std::string_view field_name) const;
};

// Every type this version knows, in a fixed order; nullptr for an unknown name.
std::span<const EventType> event_types();
const EventType* find_event_type(std::string_view name);

// A field's value: text (text, line, time as RFC 3339), a number (seconds, count), or a
// list of lines.
using FieldValue = std::variant<std::string, std::int64_t, std::vector<std::string>>;

struct Event {
  std::string id;  // 32 lower-case hex digits (12 in files from before schema 2)
  std::uint64_t seq = 0;  // Lamport counter, >= 1
  std::string type;
  Timestamp at;  // when it happened (UTC); --at may backdate it
  // When it was written down; unknown (nullopt) for events from before schema 2.
  std::optional<Timestamp> recorded_at;
  std::string by;  // the actor
  std::map<std::string, FieldValue, std::less<>> fields;

  // A field's value; "" / nullopt / an empty list when absent.
  [[nodiscard]] const std::string& get(const Field<std::string>& f) const;
  [[nodiscard]] std::optional<Seconds> get(const Field<Seconds>& f) const;
  [[nodiscard]] std::optional<std::int64_t> get(const Field<std::int64_t>& f) const;
  [[nodiscard]] std::optional<Timestamp> get(const Field<Timestamp>& f) const;
  [[nodiscard]] const std::vector<std::string>& get(const Field<std::vector<std::string>>& f) const;
  [[nodiscard]] bool has(std::string_view name) const { return fields.find(name) != fields.end(); }

  // Sets a field. Throws std::logic_error when the event's type has no such field (a
  // programming error, never user input).
  void set(const Field<std::string>& f, std::string value);
  void set(const Field<Seconds>& f, Seconds value);
  void set(const Field<std::int64_t>& f, std::int64_t value);
  void set(const Field<Timestamp>& f, Timestamp value);
  void set(const Field<std::vector<std::string>>& f, std::vector<std::string> value);

  bool operator==(const Event&) const = default;
};

// A new event of a known type (std::logic_error otherwise); id and seq are assigned when
// it is stored.
Event new_event(std::string_view type, Timestamp at, Timestamp recorded_at, std::string by);

// Checks an event's fields against its type: each known field of the right kind and in
// range, each required one present (when `require`). Returns "" when valid, else what is
// wrong ("\"level\" must be a whole number from 1"). Fields a type does not declare, and
// events of unknown types, are accepted when they hold text, numbers or lists (a newer
// version wrote them).
std::string check_event(const Event& event, bool require);

// Fold order: by seq, then by id.
bool operator<(const Event& a, const Event& b);

// A fresh random event id: 128 bits from the system's random source, as 32 hex digits.
std::string new_event_id();

}  // namespace incident
