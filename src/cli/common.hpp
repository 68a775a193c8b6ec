#pragma once
// Helpers shared by the incident commands: the store, --at, the acting user and the time
// (a Stamp for the library's writes), the runbook an incident runs under, and printing an
// incident as its message or as JSON. Decisions live in the library (writes.hpp).

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "context.hpp"
#include "incident/incident.hpp"
#include "incident/outbox.hpp"
#include "incident/render.hpp"
#include "incident/store.hpp"
#include "incident/writes.hpp"

namespace CLI {
class App;
}

namespace incident::cli {

// The store at the state dir. The lock wait is 10 s, or $INCIDENT_LOCK_TIMEOUT_MS. Each
// write it commits is noted in ctx.recorded and, unless --no-hooks, ctx.hook_writes.
Store open_store(const Context& ctx);

// Runs the hooks (hooks.hpp) for ctx.hook_writes, once the command is done and holds no
// lock: a hook may run `incident`. A hook that fails is a warning on stderr; --verbose
// also says what ran and what in the hooks directory is ignored. Never throws; leaves
// ctx.exit_code alone.
void run_command_hooks(const Context& ctx);

// Adds --at TIME to a command that records an event.
void add_at_option(CLI::App& command, std::string& at);
// Adds --at TIME to a command that evaluates as of a time; `what`: "As of this time".
void add_as_of_option(CLI::App& command, std::string& at, std::string_view what = "As of this time");

// TIME is what people type (time.hpp: parse_when, in the user's zone): RFC 3339, 03:12,
// 2026-11-27 03:12, yesterday 23:50, -15m, 15m ago. Throws UsageError showing the forms.

// "As of" for a command that evaluates rather than records: now, or any --at; a form
// other than RFC 3339 is echoed on stderr as it was understood.
Timestamp as_of(const Context& ctx, const std::string& at_option);

// Who acts and when, for a write: the actor (--as ...), now, and --at when given. A form
// other than RFC 3339 is echoed on stderr as understood once the write is on the record
// ("Recorded at 2026-12-02 03:12 CET, 2026-12-02 02:12 UTC (18m ago).").
Stamp stamp(const Context& ctx, const std::string& at_option);

// The runbook, checked against the incident (writes.hpp: runbook_fit): a warning on
// stderr when it differs but fits; ConflictError when it does not.
const Runbook& runbook_for(Context& ctx, const Incident& incident);
// The warning alone, after a write whose library function refused a runbook that does
// not fit.
void warn_if_runbook_differs(Context& ctx, const Runbook& runbook, const Incident& incident);

// The runbook for a command that can do its job without it (ack): nullptr, with a warning
// naming the problem, when it cannot be loaded.
const Runbook* runbook_if_usable(Context& ctx);
// "Ticked 1. Acknowledge the incident ...\n" per item a command ticked on its own.
std::string ticked_lines(const Ticked& ticked);

// A required text not given on the line: on a terminal (stdin and stderr), asked for on
// stderr ("Findings (now: ...): "), with the current value shown when there is one; an
// empty answer or end of input aborts with nothing written (ExitCode::failure). Not on a
// terminal: the usage error "OPTION is required", as scripts always got.
void ask_if_missing(const Context& ctx, std::string& value, std::string_view option, std::string_view label,
                    std::string_view current = {});
// Whether ask_if_missing can ask: stdin and stderr are terminals.
bool can_ask();

// The columns text for people is fitted to: $COLUMNS when it is a positive number, else the
// terminal's width when stdout is a terminal, else 0 (unknown: a pipe or a file).
std::size_t terminal_width();

// Splits "[ID] VALUE" positionals: one value means no ID.
struct IdAndValue {
  std::string id;
  std::string value;
};
IdAndValue split_id_and_value(const std::vector<std::string>& positionals);

// --post and --copy, for a command that prints a message (Context::delivery). --post reads
// the chat configuration while the line is parsed: a missing one fails before anything is
// recorded.
void add_message_options(CLI::App& command, Context& ctx);

// "initial", "investigation" or "resolution" (any case); UsageError with did-you-mean.
TemplateKind parse_template_kind(std::string_view name);

// Prints the incident as JSON (--json) or `text` otherwise.
void print_result(const Context& ctx, const Incident& incident, const std::string& text);
// A message for the channel: `text` on stdout, or under --json the incident (as of `at`)
// with "message": {"name", "text"} and what `extend` adds; then posted and copied as
// ctx.delivery says. A drill's message starts with the drill banner (render.hpp:
// mark_drill), everywhere it goes.
using ExtendJson = std::function<void(nlohmann::ordered_json&)>;
void print_message(Context& ctx, const Incident& incident, std::string_view name, const std::string& text,
                   std::optional<Timestamp> at = std::nullopt, const ExtendJson& extend = {});
// One of the runbook's three messages, rendered for the incident and printed so.
void print_template(Context& ctx, const Runbook& runbook, TemplateKind kind, const Incident& incident);

// Queues `text` for every chat target and sends what waits in the outbox; says on stderr
// what went where, and sets ExitCode::not_delivered when something still waits.
void post_message(Context& ctx, const std::string& incident_id, std::string_view name, const std::string& text);
// What deliver() did, on stderr; `queued`: the ids of the entries this command added.
void report_delivery(Context& ctx, const DeliveryReport& report, const std::vector<std::string>& queued);
// Puts `text` on the clipboard; a warning and ExitCode::not_delivered when nothing could.
void copy_message(Context& ctx, const std::string& text);

}  // namespace incident::cli
