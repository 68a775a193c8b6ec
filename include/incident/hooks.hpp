#pragma once
// Hooks, in the manner of git's and taskwarrior's: executables in the hooks directory
// ($XDG_CONFIG_HOME/incident/hooks) named for the events they follow (on-ack for
// `acknowledged`, ..., on-event for every event). The CLI collects the events a command
// stored and, once the command's writes are done and the store's lock is released, runs
// each event's hooks with one JSON document on stdin. A hook that fails, cannot start or
// outlives its deadline is reported; it never undoes, blocks or fails a write.
// docs/hooks.md is the user's contract (names, stdin, environment, timeout, --no-hooks).

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incident/event.hpp"
#include "incident/incident.hpp"
#include "incident/time.hpp"

namespace incident {

inline constexpr std::chrono::milliseconds k_default_hook_timeout{10'000};
inline constexpr std::chrono::milliseconds k_max_hook_timeout{600'000};
// The hook every event runs, after its own.
inline constexpr std::string_view k_every_event_hook = "on-event";
// Set to 1 in every hook's environment: an `incident` command a hook runs runs no hooks
// (it is the global option --no-hooks' variable), so a hook that records a note cannot
// start an endless chain.
inline constexpr std::string_view k_no_hooks_variable = "INCIDENT_NO_HOOKS";

// The hook an event type runs before on-event: "on-open" (opened), "on-ack"
// (acknowledged), "on-update" (updated), "on-severity" (severity_changed), "on-escalate"
// (escalated), "on-resolve" (resolved), "on-close" (closed); "" for every other type.
std::string_view hook_for(std::string_view event_type);
// Every name a hook may have: the seven above, then on-event.
std::span<const std::string_view> hook_names();

// What the hooks directory holds.
struct HookFiles {
  // The hooks that will run: name -> path, each a regular file (or a link to one) that
  // this user may execute, named exactly as hook_names() says.
  std::map<std::string, std::filesystem::path, std::less<>> hooks;
  // What is there but will not run, each "NAME: why" (not executable, not a hook's name:
  // "on-ack.sample", "on-acknowledge"), for --verbose.
  std::vector<std::string> ignored;
};
// Reads `dir`; a missing directory holds nothing. Never throws: a directory that cannot be
// read is one line in `ignored`.
HookFiles find_hooks(const std::filesystem::path& dir);

// A write a command made: the incident as the write left it and the events it stored.
struct StoredWrite {
  Incident incident;
  std::vector<Event> events;
};

// The document a hook reads on stdin: {"hook": NAME, "event": event_json(event),
// "incident": incident_json(incident, with events, as of `now`)}.
nlohmann::ordered_json hook_payload(std::string_view hook, const Event& event, const Incident& incident, Timestamp now);

struct HookOptions {
  std::chrono::milliseconds timeout = k_default_hook_timeout;  // per hook run
  // Added to each hook's environment, after the incident's own variables (the CLI passes
  // INCIDENT_HOME, so an `incident` command in a hook uses the same store).
  std::vector<std::pair<std::string, std::string>> environment{};
  Timestamp now{};  // the "as of" of the incident in the payload
};

// What one run of a hook did.
struct HookRun {
  std::string hook;  // "on-ack"
  std::filesystem::path path;
  std::string incident_id;
  std::string event_type;
  int exit_code = 0;  // 128 + the signal when one killed it
  bool timed_out = false;  // killed (with what it started) at the deadline
  std::string error;  // it could not be started: why
  std::string stderr_tail;  // the last lines of what it wrote on stderr (k_hook_tail_*)
  std::chrono::milliseconds took{};

  [[nodiscard]] bool failed() const { return timed_out || !error.empty() || exit_code != 0; }
};
inline constexpr std::size_t k_hook_tail_lines = 5;
inline constexpr std::size_t k_hook_tail_bytes = 1024;

// Runs, for each stored event in order, its own hook and then on-event, those of `files`
// that exist, one at a time, each with the event's payload on stdin and, in its
// environment, INCIDENT_HOOK (its name), INCIDENT_ID, INCIDENT_EVENT (the event's type),
// INCIDENT_EVENT_ID and INCIDENT_NO_HOOKS=1. Each is killed (its process group) at
// `options.timeout`. Returns one HookRun per run, in order; never throws for what a hook
// does.
std::vector<HookRun> run_hooks(const HookFiles& files, const std::vector<StoredWrite>& writes,
                               const HookOptions& options);

// A run as one line for stderr: "hook on-ack (acknowledged on k3x9m2qa) failed: exit code
// 3; its stderr ended: ...", "... did not finish within 10s and was killed", "... could not
// run: why", "hook on-ack (...) ran in 12 ms". Not escaped: the caller escapes.
std::string describe_hook_run(const HookRun& run);

// $INCIDENT_HOOK_TIMEOUT: seconds, whole or decimal ("10", "0.5"), more than 0 and at most
// k_max_hook_timeout. Empty: k_default_hook_timeout. Throws UsageError otherwise.
std::chrono::milliseconds parse_hook_timeout(std::string_view text);

}  // namespace incident
