#pragma once
// Every write as a library function: from (runbook, incident, request, stamp) to the
// events to append and what the command reports. They decide everything (is it allowed
// now, what is recorded, when it happened); the CLI only parses options, calls one inside
// Store::append (which re-reads the incident under the lock and hands it in), and prints
// the outcome. They throw UsageError for bad input and ConflictError when the write does
// not apply to the incident as it is; nothing is stored then.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incident/event.hpp"
#include "incident/incident.hpp"
#include "incident/runbook.hpp"

namespace incident {

// Limits on what a user (or an alert payload) can put into an incident, in stored bytes.
inline constexpr std::size_t k_max_title_bytes = 300;
inline constexpr std::size_t k_max_name_bytes = 100;
inline constexpr std::size_t k_max_text_bytes = 8 * 1024;
// How far in the future an event may be dated (a likely typo beyond it).
inline constexpr Seconds k_future_slack{5 * 60};

// Who acts, and when: `at` is the time the user gave (--at), else the event happens now.
struct Stamp {
  std::string actor;
  Timestamp now;
  std::optional<Timestamp> at;
};

// What a write returns: the events to append (none: nothing to record) and its outcome.
template <class Outcome>
struct Decision {
  std::vector<Event> events;
  Outcome outcome;
};
struct Done {};  // a write with nothing to report beyond the incident itself

// User text made safe to store: invalid UTF-8 replaced by U+FFFD, surrounding blanks
// trimmed; throws UsageError naming `what` when empty (unless allow_empty) or longer
// than max_bytes.
std::string clean_text(std::string_view value, std::string_view what, std::size_t max_bytes, bool allow_empty = false);
// The same for a value that must stay on one line (a title, a name, an ETA): a line break
// (text::line_break_at, U+2028 included) is a UsageError.
std::string clean_line(std::string_view value, std::string_view what, std::size_t max_bytes, bool allow_empty = false);

// --- the runbook an incident runs under ---

// The pin `open` records: the runbook's source, digest, phases and items.
RunbookPin pin_of(const Runbook& runbook);

// Whether `runbook` can serve the incident. nullopt when it is the one the incident was
// opened under (or the incident predates pins); a warning when it differs but has the
// incident's severity and every phase and item of the pin. Throws ConflictError naming
// both runbooks, what is missing and how to pass the right one, when it lacks any.
// What the incident uses that `runbook` lacks ("severity P1", "items a, b"); empty when it
// has everything, or the incident is not pinned.
std::vector<std::string> runbook_lacks(const Runbook& runbook, const Incident& incident);
std::optional<std::string> runbook_fit(const Runbook& runbook, const Incident& incident);

// --- writes ---
// Those that take the runbook refuse (runbook_fit) one that does not fit the incident.

struct OpenRequest {
  std::string title;
  std::string severity;  // as typed: P1, high, ...
  std::string impact;
  std::string commander;
  std::string dedup_key;  // open --dedup-key; may be empty
  bool drill = false;  // open --drill: an exercise, recorded as `exercise` on `opened`
};
// The `opened` event of a new incident, pinned to the runbook.
Event open_incident(const Runbook& runbook, const OpenRequest& request, const Stamp& stamp);

// Items a command ticked on its own (a runbook item's done_by), "3. Post initial status update".
struct Ticked {
  std::vector<std::string> items;
};
// The ack; with the runbook, also the items done by "ack" and, when the actor becomes
// commander, by "commander" (each a `checked` event with `via`).
Decision<Ticked> acknowledge(const Runbook* runbook, const Incident& incident, const Stamp& stamp);
// Ticks the items whose done_by is `command` ("commander", "post-initial") and that are not
// done yet; no events when there are none, or the runbook lacks what the incident uses.
Decision<Ticked> complete_by(const Runbook& runbook, const Incident& incident, std::string_view command,
                             const Stamp& stamp);

// incident edit: a new title, impact or both (nullopt: unchanged). No event when nothing
// changes.
struct EditRequest {
  std::optional<std::string> title;
  std::optional<std::string> impact;
};
Decision<Done> edit(const Incident& incident, const EditRequest& request, const Stamp& stamp);

struct UpdateRequest {
  std::string findings;
  std::string next_steps;
  std::string eta;
  std::string status;  // "" or investigating | identified | monitoring
};
// Checks the request before the incident is read (so that a typo is refused at once).
void check_update(const UpdateRequest& request);
// The ETA as it stood before the update (the update's guidance says when one is dropped).
struct PreviousEta {
  std::string eta;
  std::optional<Timestamp> eta_at;
};
Decision<PreviousEta> post_update(const Runbook& runbook, const Incident& incident, const UpdateRequest& request,
                                  const Stamp& stamp);

struct ResolveRequest {
  std::string root_cause;
  std::string fix;
  std::string monitoring;
};
Decision<Done> resolve(const Runbook& runbook, const Incident& incident, const ResolveRequest& request, const Stamp& stamp);
Decision<Done> close(const Incident& incident, const Stamp& stamp);
Decision<Done> reopen(const Incident& incident, const Stamp& stamp);
Decision<Done> add_note(const Incident& incident, std::string_view text, const Stamp& stamp);

// Re-grading and handing over report what was before, and whether anything changed.
struct Regrade {
  Grade previous;
  bool changed = false;
};
// `reason` may be empty.
Decision<Regrade> change_severity(const Runbook& runbook, const Incident& incident, std::string_view severity,
                                  std::string_view reason, const Stamp& stamp);
struct Handover {
  std::string previous;  // "" when unassigned
  bool changed = false;
};
// The commander's name compares case-insensitively (GUS is gus: no change); `reason` may be
// empty.
Decision<Handover> hand_off(const Incident& incident, std::string_view commander, std::string_view reason,
                            const Stamp& stamp);

// check, uncheck, skip: `type` is checked, unchecked or skipped; items by id or number.
struct MarkRequest {
  std::string_view type;
  std::vector<std::string> items;
  std::string reason;  // skip only
};
struct Marked {
  std::vector<std::string> lines;  // "3. Check logs", "3. Check logs (already)"
};
Decision<Marked> mark_items(const Runbook& runbook, const Incident& incident, const MarkRequest& request,
                            const Stamp& stamp);
// Whether a word is a checklist item rather than an incident id (a small number, or an
// item id of the runbook): how `check ID ITEM...` tells its first word apart.
bool looks_like_item(const Runbook& runbook, std::string_view word);

struct Flagged {
  std::vector<std::string> lines;  // "security (Security implications)", "... (already)"
  Timestamp at;
};
// flag (raise) or unflag the declared triggers named.
Decision<Flagged> flag_triggers(const Runbook& runbook, const Incident& incident,
                                const std::vector<std::string>& triggers, bool raise, const Stamp& stamp);

struct EscalateRequest {
  std::optional<int> level;  // none: what the triggers call for
  std::string reason;
};
// Checks the request against the runbook before the incident is read.
void check_escalate(const Runbook& runbook, const EscalateRequest& request);
Decision<EscalationRecord> escalate(const Runbook& runbook, const Incident& incident, const EscalateRequest& request,
                                    const Stamp& stamp);

struct ActionRequest {
  std::string text;
  std::string owner;
  std::string due;  // YYYY-MM-DD or ""
};
void check_action(const ActionRequest& request);
Decision<Done> add_action(const Incident& incident, const ActionRequest& request, const Stamp& stamp);
struct ActionDone {
  std::size_t number = 0;
  bool already = false;
};
Decision<ActionDone> complete_action(const Incident& incident, std::size_t number, const Stamp& stamp);

// The incident's first message reached a chat target that threads: record where, so its
// later messages reply there. Nothing when the incident already has a thread there (a
// teammate's, merged in by sync): the first in fold order stays. Dated now (the post's
// time), whatever --at the command had.
Decision<Done> record_chat_thread(const Incident& incident, std::string_view target, std::string_view channel,
                                  std::string_view thread, const Stamp& stamp);

// --- incident exec: a command run on the record (exec.hpp keeps its output's tail) ---

struct ExecRequest {
  std::vector<std::string> command;  // as recorded: each argument redacted already
  std::string step;  // a checklist item as typed (id or number), or ""
};
// The item a step names: its id and "3. Check logs" (empty without a step).
struct ExecStep {
  std::string item;
  std::string label;
};
// exec_started, written before the command runs. With a step the runbook is needed
// (nullptr is then a logic error) and must fit the incident; an unknown item is a
// UsageError (did you mean), so nothing runs for a typo. Dated now, never before the start.
Decision<ExecStep> start_exec(const Runbook* runbook, const Incident& incident, const ExecRequest& request,
                              const Stamp& stamp);

struct ExecEnd {
  std::vector<std::string> command;  // as recorded by start_exec
  std::string item;  // ExecStep::item, or ""
  std::string started;  // the id of the exec_started event
  int exit_code = 0;  // 0 .. 255 (128 + a signal; 127: it could not be started)
  std::string output;  // the redacted tail; may be empty
  Seconds duration{0};
};
// exec_finished; when the command succeeded (exit code 0) and names an item, also the
// item's `checked` event (via "exec"), unless it is ticked already. Outcome: mark_items'
// line for the item ("3. Check logs", "... (already)"), none otherwise.
Decision<Marked> finish_exec(const Runbook* runbook, const Incident& incident, const ExecEnd& end, const Stamp& stamp);

}  // namespace incident
