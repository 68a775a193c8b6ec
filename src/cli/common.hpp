#pragma once
// Helpers shared by the incident commands: the store, --at, the acting user and the time
// (a Stamp for the library's writes), the runbook an incident runs under, and printing an
// incident as its message or as JSON. Decisions live in the library (writes.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "context.hpp"
#include "incident/incident.hpp"
#include "incident/store.hpp"
#include "incident/writes.hpp"

namespace CLI {
class App;
}

namespace incident::cli {

// The store at the state dir. The lock wait is 10 s, or $INCIDENT_LOCK_TIMEOUT_MS.
Store open_store(const Context& ctx);

// Adds --at TIME to a command that records an event.
void add_at_option(CLI::App& command, std::string& at);

// "As of" for a command that evaluates rather than records: now, or any --at (RFC 3339).
// Throws UsageError.
Timestamp as_of(const std::string& at_option);

// Who acts and when, for a write: the actor (--as ...), now, and --at when given.
Stamp stamp(const Context& ctx, const std::string& at_option);

// The runbook, checked against the incident (writes.hpp: runbook_fit): a warning on
// stderr when it differs but fits; ConflictError when it does not.
const Runbook& runbook_for(Context& ctx, const Incident& incident);
// The warning alone, after a write whose library function refused a runbook that does
// not fit.
void warn_if_runbook_differs(Context& ctx, const Runbook& runbook, const Incident& incident);

// Splits "[ID] VALUE" positionals: one value means no ID.
struct IdAndValue {
  std::string id;
  std::string value;
};
IdAndValue split_id_and_value(const std::vector<std::string>& positionals);

// Prints the incident as JSON (--json) or `text` otherwise.
void print_result(const Context& ctx, const Incident& incident, const std::string& text);
// A message for the channel: `text` on stdout, or under --json the incident with
// "message": {"name", "text"}.
void print_message(const Context& ctx, const Incident& incident, std::string_view name, const std::string& text);
// One of the runbook's three messages, rendered for the incident and printed so.
void print_template(const Context& ctx, const Runbook& runbook, TemplateKind kind, const Incident& incident);

}  // namespace incident::cli
