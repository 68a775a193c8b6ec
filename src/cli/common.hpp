#pragma once
// Helpers shared by the incident commands: the store, --at, user text, and printing an
// incident as its message or as JSON.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "context.hpp"
#include "incident/event.hpp"
#include "incident/incident.hpp"
#include "incident/store.hpp"

namespace CLI {
class App;
}

namespace incident::cli {

// Limits on what a user (or an alert payload) can put into an incident.
inline constexpr std::size_t k_max_title_bytes = 300;
inline constexpr std::size_t k_max_name_bytes = 100;
inline constexpr std::size_t k_max_text_bytes = 8 * 1024;

// The store at the state dir. The lock wait is 10 s, or $INCIDENT_LOCK_TIMEOUT_MS.
Store open_store(const Context& ctx);

// Adds --at TIME to a command that records an event.
void add_at_option(CLI::App& command, std::string& at);

// "As of" for a command that evaluates rather than records: now, or any --at (RFC 3339).
// Throws UsageError.
Timestamp as_of(const std::string& at_option);

// The time an event happened: now, or --at (RFC 3339), which may not be more than 5
// minutes in the future nor, when given, before `not_before`. Throws UsageError.
Timestamp event_time(const std::string& at_option, std::optional<Timestamp> not_before = std::nullopt);

// User text made safe to store: invalid UTF-8 replaced by U+FFFD, surrounding blanks
// trimmed; throws UsageError when empty (unless allow_empty) or longer than max_bytes.
std::string clean_text(std::string_view value, std::string_view what, std::size_t max_bytes,
                       bool allow_empty = false);

// A new event of `type` by the acting user.
Event make_event(const Context& ctx, std::string_view type, Timestamp at);

// Records a severity on an event (opened, severity_changed): its id and name, and the
// acknowledge SLA and update cadence it carries from then on.
void set_grade(Event& event, const Severity& severity);

// Splits "[ID] VALUE" positionals: one value means no ID.
struct IdAndValue {
  std::string id;
  std::string value;
};
IdAndValue split_id_and_value(const std::vector<std::string>& positionals);

// Prints the incident as JSON (--json) or `text` otherwise.
void print_result(const Context& ctx, const Incident& incident, const std::string& text);

// Throws ConflictError (exit 7) with the message.
[[noreturn]] void conflict(const std::string& message);

}  // namespace incident::cli
