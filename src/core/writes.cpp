#include "incident/writes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

#include "incident/checklist.hpp"
#include "incident/error.hpp"
#include "incident/json_writer.hpp"
#include "incident/sla.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

// When an event happened: the user's --at, else now. Never more than k_future_slack
// ahead of now (a likely typo), never before `after`, the moment of the event it depends
// on (`what` names it: "the incident started", "it was resolved"). Without --at, a clock
// behind that moment (another machine's, after a sync) records the event at it.
Timestamp event_time(const Stamp& stamp, Timestamp after, std::string_view what) {
  if (!stamp.at) {
    return std::max(stamp.now, after);
  }
  const Timestamp at = *stamp.at;
  if (at > stamp.now + k_future_slack) {
    throw UsageError(
        fmt::format("--at {} is in the future (now is {})", format_rfc3339(at), format_rfc3339(stamp.now)));
  }
  if (at < after) {
    throw UsageError(fmt::format("--at {} is before {} ({})", format_rfc3339(at), what, format_rfc3339(after)));
  }
  return at;
}

Timestamp event_time(const Stamp& stamp, const Incident& incident) {
  return event_time(stamp, incident.started_at, "the incident started");
}

Event make(std::string_view type, const Stamp& stamp, Timestamp at) {
  return new_event(type, at, stamp.now, clean_line(stamp.actor, "--as", k_max_name_bytes));
}

template <class Outcome = Done>
Decision<Outcome> one(Event event, Outcome outcome = {}) {
  Decision<Outcome> decision{{}, std::move(outcome)};
  decision.events.push_back(std::move(event));
  return decision;
}

void set_grade(Event& event, const Severity& severity) {
  event.set(field::severity, severity.id);
  event.set(field::severity_name, severity.name);
  event.set(field::response_time, severity.response_time);
  if (severity.update_every.count() > 0) {
    event.set(field::update_every, severity.update_every);
  }
}

void require_active(const Incident& incident, std::string_view what_then) {
  if (!is_active(incident.status)) {
    throw ConflictError(fmt::format("{} is {}; {}", incident.id, status_name(incident.status), what_then));
  }
}

void require_not_closed(const Incident& incident) {
  if (incident.status == Status::closed) {
    throw ConflictError(fmt::format("{} is closed; reopen it first", incident.id));
  }
}

std::vector<std::string> runbook_items(const Runbook& runbook) {
  std::vector<std::string> ids;
  for (const auto& phase : runbook.phases) {
    for (const auto& checklist : phase.checklists) {
      for (const auto& group : checklist.groups) {
        for (const auto& item : group.items) {
          ids.push_back(item.id);
        }
      }
    }
  }
  for (const auto& group : runbook.post_incident) {
    for (const auto& item : group.items) {
      ids.push_back(item.id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string short_digest(const std::string& digest) {
  return digest.size() > 19 ? digest.substr(0, 19) + "…" : digest;
}

// "a, b, c and 4 more"
std::string some_of(const std::vector<std::string>& names) {
  constexpr std::size_t k_shown = 5;
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < names.size() && i < k_shown; ++i) {
    shown.push_back(text::escape_control(names[i]));
  }
  std::string out = text::join(shown, ", ");
  if (names.size() > k_shown) {
    out += fmt::format(" and {} more", names.size() - k_shown);
  }
  return out;
}

std::vector<std::string> declared_ids(const Runbook& runbook) {
  std::vector<std::string> ids;
  for (const auto& trigger : runbook.escalation.triggers) {
    if (trigger.is_declared()) {
      ids.push_back(trigger.id);
    }
  }
  return ids;
}

const EscalationTrigger& find_declared(const Runbook& runbook, std::string_view word) {
  const EscalationTrigger* trigger = runbook.escalation.find_trigger(text::to_lower(word));
  if (trigger != nullptr && trigger->is_declared()) {
    return *trigger;
  }
  const auto ids = declared_ids(runbook);
  if (trigger != nullptr) {
    throw UsageError(fmt::format("'{}' is evaluated from the timeline, not declared (triggers to flag: {})",
                                 trigger->id, text::join(ids)));
  }
  throw UsageError(fmt::format("no trigger '{}'{} (triggers to flag: {})", text::escape_control(word),
                               text::did_you_mean(word, ids), ids.empty() ? "none" : text::join(ids)));
}

std::optional<int> small_number(std::string_view word) {
  int number = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), number);
  if (error != std::errc{} || end != word.data() + word.size()) {
    return std::nullopt;
  }
  return number;
}

// "30m", "1h30m", "2 hours": a span of time, as parse_when reads "30m ago"; nullopt for
// anything else (an ETA may be any text: "after the rollback").
std::optional<Seconds> parse_span(std::string_view text) {
  if (text.empty() || text.front() == '-' || text::to_lower(text).find("ago") != std::string::npos) {
    return std::nullopt;
  }
  const Timestamp base = std::chrono::sys_days{std::chrono::year{5000} / 1 / 1};
  const ParsedWhen parsed = parse_when(std::string(text) + " ago", base, Zone::utc());
  if (!parsed.at) {
    return std::nullopt;
  }
  return between(*parsed.at, base);
}

// A `checked` event (via `command`) for each item of the incident's checklists whose
// done_by is `command` and that is neither done nor skipped. Nothing when the runbook in
// use lacks what the incident was opened under: a foreign item is never ticked.
void append_ticks(Decision<Ticked>& decision, const Runbook& runbook, const Incident& incident,
                  std::string_view command, const Stamp& stamp, Timestamp at) {
  if (!runbook_lacks(runbook, incident).empty()) {
    return;
  }
  for (const auto& entry : checklist_entries(runbook, incident.grade.severity)) {
    if (entry.item->done_by != command) {
      continue;
    }
    if (const ItemState* state = entry_state(incident, entry);
        state != nullptr && (state->checked || !state->skipped.empty())) {
      continue;
    }
    Event event = make(event_type::checked, stamp, at);
    event.set(field::item, entry.item->id);
    event.set(field::via, std::string(command));
    decision.events.push_back(std::move(event));
    decision.outcome.items.push_back(fmt::format("{}. {}", entry.number, entry.item->text));
  }
}

}  // namespace

std::string clean_text(std::string_view value, std::string_view what, std::size_t max_bytes, bool allow_empty) {
  std::string cleaned = text::replace_invalid_utf8(value);
  const auto first = cleaned.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    if (allow_empty) {
      return {};
    }
    throw UsageError(fmt::format("{} is empty", what));
  }
  cleaned = cleaned.substr(first, cleaned.find_last_not_of(" \t\r\n") - first + 1);
  // The cap is on what the incident file will hold: a control character takes six bytes.
  if (const std::size_t stored = json::stored_size(cleaned); stored > max_bytes) {
    throw UsageError(fmt::format("{} is too long ({} bytes as stored{}; at most {})", what, stored,
                                 stored == cleaned.size() ? "" : ", control characters take up to six each",
                                 max_bytes));
  }
  return cleaned;
}

std::string clean_line(std::string_view value, std::string_view what, std::size_t max_bytes, bool allow_empty) {
  std::string cleaned = clean_text(value, what, max_bytes, allow_empty);
  if (text::has_line_break(cleaned)) {
    throw UsageError(fmt::format("{} must be one line: it holds a line break", what));
  }
  return cleaned;
}

RunbookPin pin_of(const Runbook& runbook) {
  RunbookPin pin;
  pin.source = runbook.source;
  pin.digest = runbook.digest;
  for (const auto& phase : runbook.phases) {
    pin.phases.push_back(phase.id);
  }
  pin.items = runbook_items(runbook);
  return pin;
}

std::vector<std::string> runbook_lacks(const Runbook& runbook, const Incident& incident) {
  const RunbookPin& pin = incident.runbook;
  std::vector<std::string> missing;
  if (pin.empty() || pin.digest == runbook.digest) {
    return missing;
  }
  if (runbook.find_severity_by_id(incident.grade.severity) == nullptr) {
    missing.push_back(fmt::format("severity {}", incident.grade.severity));
  }
  for (const auto& phase : pin.phases) {
    if (std::none_of(runbook.phases.begin(), runbook.phases.end(), [&](const Phase& p) { return p.id == phase; })) {
      missing.push_back(fmt::format("phase {}", phase));
    }
  }
  const std::vector<std::string> have = runbook_items(runbook);
  std::vector<std::string> items;
  std::set_difference(pin.items.begin(), pin.items.end(), have.begin(), have.end(), std::back_inserter(items));
  if (!items.empty()) {
    missing.push_back(fmt::format("item{} {}", items.size() == 1 ? "" : "s", some_of(items)));
  }
  return missing;
}

std::optional<std::string> runbook_fit(const Runbook& runbook, const Incident& incident) {
  const RunbookPin& pin = incident.runbook;
  if (pin.empty() || pin.digest == runbook.digest) {
    return std::nullopt;
  }
  const std::vector<std::string> missing = runbook_lacks(runbook, incident);
  const std::string pinned = fmt::format("{} ({})", text::escape_control(pin.source), short_digest(pin.digest));
  if (!missing.empty()) {
    throw ConflictError(fmt::format(
        "{} runs under the runbook {}; the runbook in use, {}, lacks its {}: pass --runbook {} (or set "
        "INCIDENT_RUNBOOK)",
        incident.id, pinned, text::escape_control(runbook.source), some_of(missing),
        text::escape_control(pin.source)));
  }
  return fmt::format("{} was opened under the runbook {}; {} differs but has everything it uses", incident.id, pinned,
                     text::escape_control(runbook.source));
}

Event open_incident(const Runbook& runbook, const OpenRequest& request, const Stamp& stamp) {
  const Severity& severity = runbook.severity(request.severity);
  const std::string title = clean_line(request.title, "TITLE", k_max_title_bytes);
  const std::string impact = clean_text(request.impact, "--impact", k_max_text_bytes, true);
  const std::string commander = clean_line(request.commander, "--commander", k_max_name_bytes, true);
  // An incident may be backfilled, never dated ahead.
  Event event = make(event_type::opened, stamp, event_time(stamp, Timestamp::min(), "it could start"));
  event.set(field::title, title);
  set_grade(event, severity);
  if (!impact.empty()) {
    event.set(field::impact, impact);
  }
  if (const std::string key = clean_line(request.dedup_key, "--dedup-key", k_max_name_bytes, true); !key.empty()) {
    event.set(field::dedup_key, key);
  }
  if (!commander.empty()) {
    event.set(field::commander, commander);
  }
  if (request.drill) {
    event.set(field::exercise, std::string(k_exercise_drill));
  }
  const RunbookPin pin = pin_of(runbook);
  if (!pin.digest.empty()) {
    event.set(field::runbook, pin.source);
    event.set(field::runbook_digest, pin.digest);
    event.set(field::runbook_phases, pin.phases);
    event.set(field::runbook_items, pin.items);
  }
  return event;
}

Decision<Ticked> acknowledge(const Runbook* runbook, const Incident& incident, const Stamp& stamp) {
  require_active(incident, "there is nothing to acknowledge");
  if (incident.acknowledged_at) {
    throw ConflictError(fmt::format("{} was already acknowledged by {} at {}", incident.id,
                                    text::escape_control(incident.acknowledged_by),
                                    format_rfc3339(*incident.acknowledged_at)));
  }
  const Timestamp at = event_time(stamp, incident);
  Decision<Ticked> decision = one<Ticked>(make(event_type::acknowledged, stamp, at));
  if (runbook != nullptr) {
    append_ticks(decision, *runbook, incident, "ack", stamp, at);
    if (incident.commander.empty()) {  // the actor becomes commander
      append_ticks(decision, *runbook, incident, "commander", stamp, at);
    }
  }
  return decision;
}

Decision<Ticked> complete_by(const Runbook& runbook, const Incident& incident, std::string_view command,
                             const Stamp& stamp) {
  Decision<Ticked> decision;
  if (incident.status != Status::closed) {
    append_ticks(decision, runbook, incident, command, stamp, event_time(stamp, incident));
  }
  return decision;
}

Decision<Done> edit(const Incident& incident, const EditRequest& request, const Stamp& stamp) {
  if (!request.title && !request.impact) {
    throw UsageError("nothing to change: give --title, --impact or both");
  }
  require_not_closed(incident);
  Event event = make(event_type::edited, stamp, event_time(stamp, incident));
  bool changed = false;
  if (request.title) {
    std::string title = clean_line(*request.title, "--title", k_max_title_bytes);
    changed = changed || title != incident.title;
    event.set(field::title, std::move(title));
  }
  if (request.impact) {
    std::string impact = clean_text(*request.impact, "--impact", k_max_text_bytes, true);
    changed = changed || impact != incident.impact;
    event.set(field::impact, std::move(impact));
  }
  if (!changed) {
    return {};
  }
  return one(std::move(event));
}

void check_update(const UpdateRequest& request) {
  if (!request.status.empty()) {
    const auto status = parse_status(request.status);
    if (!status || !is_active(*status)) {
      throw UsageError(fmt::format("--status '{}' is not one of investigating, identified, monitoring "
                                   "(use 'incident resolve' to resolve)",
                                   text::escape_control(request.status)));
    }
  }
  (void)clean_text(request.findings, "--findings", k_max_text_bytes);
  (void)clean_text(request.next_steps, "--next", k_max_text_bytes);
  (void)clean_line(request.eta, "--eta", k_max_name_bytes, true);
}

Decision<PreviousEta> post_update(const Runbook& runbook, const Incident& incident, const UpdateRequest& request,
                                  const Stamp& stamp) {
  check_update(request);
  (void)runbook_fit(runbook, incident);
  require_active(incident, fmt::format("reopen it first ('incident reopen {}')", incident.id));
  const Timestamp at = event_time(stamp, incident);
  Event event = make(event_type::updated, stamp, at);
  event.set(field::findings, clean_text(request.findings, "--findings", k_max_text_bytes));
  event.set(field::next_steps, clean_text(request.next_steps, "--next", k_max_text_bytes));
  if (auto eta = clean_line(request.eta, "--eta", k_max_name_bytes, true); !eta.empty()) {
    // "30m" from the update is a moment: a reader later must know when.
    if (const auto span = parse_span(eta)) {
      event.set(field::eta_at, at + *span);
    }
    event.set(field::eta, std::move(eta));
  }
  if (!request.status.empty()) {
    event.set(field::status, std::string(status_name(*parse_status(request.status))));
  }
  return one(std::move(event), PreviousEta{incident.eta, incident.eta_at});
}

Decision<Done> resolve(const Runbook& runbook, const Incident& incident, const ResolveRequest& request,
                       const Stamp& stamp) {
  (void)runbook_fit(runbook, incident);
  const std::string root_cause = clean_text(request.root_cause, "--root-cause", k_max_text_bytes);
  const std::string fix = clean_text(request.fix, "--fix", k_max_text_bytes);
  const std::string monitoring = clean_text(request.monitoring, "--monitoring", k_max_text_bytes, true);
  if (!is_active(incident.status)) {
    throw ConflictError(fmt::format("{} is already {}", incident.id, status_name(incident.status)));
  }
  Event event = make(event_type::resolved, stamp, event_time(stamp, incident));
  event.set(field::root_cause, root_cause);
  event.set(field::fix, fix);
  if (!monitoring.empty()) {
    event.set(field::monitoring, monitoring);
  }
  return one(std::move(event));
}

Decision<Done> close(const Incident& incident, const Stamp& stamp) {
  if (incident.status == Status::closed) {
    throw ConflictError(fmt::format("{} is already closed", incident.id));
  }
  if (incident.status != Status::resolved || !incident.resolved_at) {
    throw ConflictError(fmt::format("{} is {}; resolve it before closing ('incident resolve {}')", incident.id,
                                    status_name(incident.status), incident.id));
  }
  return one(make(event_type::closed, stamp, event_time(stamp, *incident.resolved_at, "it was resolved")));
}

Decision<Done> reopen(const Incident& incident, const Stamp& stamp) {
  if (is_active(incident.status)) {
    throw ConflictError(fmt::format("{} is {}, not resolved or closed", incident.id, status_name(incident.status)));
  }
  const Timestamp ended = incident.closed_at.value_or(incident.resolved_at.value_or(incident.started_at));
  return one(make(event_type::reopened, stamp,
                  event_time(stamp, ended, incident.closed_at ? "it was closed" : "it was resolved")));
}

Decision<Done> add_note(const Incident& incident, std::string_view text, const Stamp& stamp) {
  Event event = make(event_type::noted, stamp, event_time(stamp, incident));
  event.set(field::text, clean_text(text, "the note", k_max_text_bytes));
  return one(std::move(event));
}

Decision<Regrade> change_severity(const Runbook& runbook, const Incident& incident, std::string_view severity_text,
                                  std::string_view reason_text, const Stamp& stamp) {
  const Severity& severity = runbook.severity(severity_text);
  const std::string reason = clean_text(reason_text, "--reason", k_max_text_bytes, true);
  (void)runbook_fit(runbook, incident);
  require_not_closed(incident);
  Decision<Regrade> decision{{}, {incident.grade, incident.grade.severity != severity.id}};
  if (decision.outcome.changed) {
    Event event = make(event_type::severity_changed, stamp, event_time(stamp, incident));
    set_grade(event, severity);
    if (!reason.empty()) {
      event.set(field::reason, reason);
    }
    decision.events.push_back(std::move(event));
  }
  return decision;
}

Decision<Handover> hand_off(const Incident& incident, std::string_view commander_text, std::string_view reason_text,
                            const Stamp& stamp) {
  const std::string commander = clean_line(commander_text, "NAME", k_max_name_bytes);
  const std::string reason = clean_text(reason_text, "--reason", k_max_text_bytes, true);
  require_not_closed(incident);
  // Names are people's: GUS is gus.
  Decision<Handover> decision{{}, {incident.commander, !text::iequals(incident.commander, commander)}};
  if (decision.outcome.changed) {
    Event event = make(event_type::handed_off, stamp, event_time(stamp, incident));
    event.set(field::commander, commander);
    if (!reason.empty()) {
      event.set(field::reason, reason);
    }
    decision.events.push_back(std::move(event));
  }
  return decision;
}

bool looks_like_item(const Runbook& runbook, std::string_view word) {
  if (const auto number = small_number(word)) {
    return *number < 1000;  // far below the 8 characters of an id
  }
  const std::vector<std::string> ids = runbook_items(runbook);
  return std::binary_search(ids.begin(), ids.end(), word);
}

Decision<Marked> mark_items(const Runbook& runbook, const Incident& incident, const MarkRequest& request,
                            const Stamp& stamp) {
  const bool skip = request.type == event_type::skipped;
  const std::string reason = skip ? clean_text(request.reason, "--reason", k_max_text_bytes) : std::string();
  (void)runbook_fit(runbook, incident);
  const auto entries = checklist_entries(runbook, incident.grade.severity);
  Decision<Marked> decision;
  std::set<std::string_view> seen;  // an item named twice is marked once
  for (const auto& word : request.items) {
    const ChecklistEntry& entry = find_entry(entries, word);
    const ChecklistItem& item = *entry.item;
    if (!seen.insert(item.id).second) {
      continue;
    }
    // Said as it was named: "2. Check system health dashboard", "post.system-stable. ...".
    const bool by_number = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
    const std::string label = by_number ? std::to_string(entry.number) : item.id;
    const ItemState* state = entry_state(incident, entry);
    const bool checked = state != nullptr && state->checked;
    const std::string skipped = state != nullptr ? state->skipped : std::string();
    const bool already = request.type == event_type::checked     ? checked
                         : request.type == event_type::unchecked ? !checked && skipped.empty()
                                                                 : skipped == reason;
    decision.outcome.lines.push_back(fmt::format("{}. {}{}", label, item.text, already ? " (already)" : ""));
    if (already) {
      continue;
    }
    Event event = make(request.type, stamp, event_time(stamp, incident));
    event.set(field::item, item.id);
    if (skip) {
      event.set(field::reason, reason);
    }
    decision.events.push_back(std::move(event));
  }
  return decision;
}

Decision<Flagged> flag_triggers(const Runbook& runbook, const Incident& incident,
                                const std::vector<std::string>& words, bool raise, const Stamp& stamp) {
  std::vector<const EscalationTrigger*> triggers;
  for (const auto& word : words) {
    const EscalationTrigger* trigger = &find_declared(runbook, word);
    if (std::find(triggers.begin(), triggers.end(), trigger) == triggers.end()) {
      triggers.push_back(trigger);
    }
  }
  (void)runbook_fit(runbook, incident);
  require_active(incident, "reopen it first");
  Decision<Flagged> decision;
  decision.outcome.at = event_time(stamp, incident);
  for (const auto* trigger : triggers) {
    const auto standing = incident.flags.find(trigger->id);
    const bool is_standing = standing != incident.flags.end();
    decision.outcome.lines.push_back(
        fmt::format("{} ({}){}", trigger->id, trigger->text, is_standing == raise ? " (already)" : ""));
    if (is_standing == raise) {
      continue;
    }
    Timestamp at = decision.outcome.at;
    if (!raise) {
      at = event_time(stamp, standing->second.at, "it was flagged");
    }
    Event event = make(raise ? event_type::flagged : event_type::unflagged, stamp, at);
    event.set(field::trigger, trigger->id);
    event.set(field::text, trigger->text);  // the event tells its story without the runbook
    decision.events.push_back(std::move(event));
  }
  return decision;
}

void check_escalate(const Runbook& runbook, const EscalateRequest& request) {
  const Escalation& escalation = runbook.escalation;
  if (escalation.levels.empty()) {
    throw ConflictError("the runbook has no escalation levels");
  }
  if (request.level && escalation.find_level(*request.level) == nullptr) {
    throw UsageError(fmt::format("--level {} is not a level of the escalation path ({} to {})", *request.level,
                                 escalation.levels.front().level, escalation.levels.back().level));
  }
  (void)clean_text(request.reason, "--reason", k_max_text_bytes, true);
}

Decision<EscalationRecord> escalate(const Runbook& runbook, const Incident& incident, const EscalateRequest& request,
                                    const Stamp& stamp) {
  check_escalate(runbook, request);
  const Escalation& escalation = runbook.escalation;
  const int top = escalation.levels.back().level;
  (void)runbook_fit(runbook, incident);
  require_active(incident, "there is nothing to escalate");
  const Timestamp at = event_time(stamp, incident);
  const Assessment assessment = assess(runbook, as_it_stood(incident, at), at);
  // The default aims above on-call (level 2), but a path of one level tops out at 1:
  // short of the top, the top is where it goes.
  const int level = request.level ? *request.level
                                  : std::min(default_escalation_level(assessment),
                                                  std::max(top, assessment.escalated_level + 1));
  if (level > top) {
    throw ConflictError(fmt::format("{} is already escalated to level {}, the top of the escalation path",
                                    incident.id, assessment.escalated_level));
  }
  if (level <= assessment.escalated_level) {
    throw ConflictError(fmt::format("{} is already escalated to level {}", incident.id, assessment.escalated_level));
  }
  const EscalationLevel& chosen = *escalation.find_level(level);
  const Contact* contact = escalation.contact_for(chosen);
  std::vector<std::string> holding;
  for (const auto& state : assessment.triggers) {
    if (state.holds) {
      holding.push_back(state.trigger->text);
    }
  }
  const std::string given = clean_text(request.reason, "--reason", k_max_text_bytes, true);
  EscalationRecord record;
  record.level = level;
  record.role = chosen.role;
  record.contact = contact == nullptr ? std::string() : fmt::format("{}: {}", contact->name, contact->value);
  record.reason = !given.empty() ? given : text::join(holding, "; ");
  record.at = at;
  record.by = clean_line(stamp.actor, "--as", k_max_name_bytes);
  Event event = make(event_type::escalated, stamp, at);
  event.set(field::level, std::int64_t{level});
  event.set(field::role, record.role);
  if (!record.contact.empty()) {
    event.set(field::contact, record.contact);
  }
  if (!record.reason.empty()) {
    event.set(field::reason, record.reason);
  }
  return one(std::move(event), std::move(record));
}

void check_action(const ActionRequest& request) {
  (void)clean_text(request.text, "the action", k_max_text_bytes);
  (void)clean_line(request.owner, "--owner", k_max_name_bytes, true);
  if (!request.due.empty() && (request.due.size() != 10 || !parse_rfc3339(request.due + "T00:00:00Z"))) {
    throw UsageError(fmt::format("--due '{}' is not a date (YYYY-MM-DD)", text::escape_control(request.due)));
  }
}

Decision<Done> add_action(const Incident& incident, const ActionRequest& request, const Stamp& stamp) {
  check_action(request);
  // Action items may be added after the incident is closed: the postmortem comes later.
  Event event = make(event_type::action_added, stamp, event_time(stamp, incident));
  event.set(field::text, clean_text(request.text, "the action", k_max_text_bytes));
  if (auto owner = clean_line(request.owner, "--owner", k_max_name_bytes, true); !owner.empty()) {
    event.set(field::owner, std::move(owner));
  }
  if (!request.due.empty()) {
    event.set(field::due, request.due);
  }
  return one(std::move(event));
}

Decision<ActionDone> complete_action(const Incident& incident, std::size_t number, const Stamp& stamp) {
  if (number == 0 || number > incident.actions.size()) {
    throw UsageError(fmt::format("{} has no action {} (it has {})", incident.id, number, incident.actions.size()));
  }
  const ActionItem& action = incident.actions[number - 1];
  Decision<ActionDone> decision{{}, {number, action.done_at.has_value()}};
  if (!decision.outcome.already) {
    Event event = make(event_type::action_done, stamp, event_time(stamp, action.added_at, "the action was added"));
    event.set(field::action, action.id);
    decision.events.push_back(std::move(event));
  }
  return decision;
}

Decision<Done> record_chat_thread(const Incident& incident, std::string_view target, std::string_view channel,
                                  std::string_view thread, const Stamp& stamp) {
  if (incident.chat_threads.find(target) != incident.chat_threads.end()) {
    return {};
  }
  Event event = make(event_type::chat_thread, stamp, std::max(stamp.now, incident.started_at));
  event.set(field::chat_target, clean_line(target, "the chat target", k_max_name_bytes));
  event.set(field::channel, clean_line(channel, "the chat channel", k_max_name_bytes));
  event.set(field::thread, clean_line(thread, "the chat thread", k_max_name_bytes));
  return one(std::move(event));
}

namespace {

constexpr std::size_t k_max_exec_arguments = 64;
constexpr std::size_t k_max_exec_argument_bytes = 1024;

// The command as the file keeps it: valid UTF-8, each argument and their number capped
// (a command line is not refused for its length: it has run, or is about to).
std::vector<std::string> recorded_command(const std::vector<std::string>& command) {
  std::vector<std::string> out;
  for (const auto& argument : command) {
    if (out.size() == k_max_exec_arguments) {
      out.push_back(fmt::format("... ({} more arguments)", command.size() - k_max_exec_arguments));
      break;
    }
    out.push_back(text::cut(text::replace_invalid_utf8(argument), k_max_exec_argument_bytes));
  }
  return out;
}

// The output's tail as stored: valid UTF-8, and from its end as much as k_max_text_bytes
// holds once control characters are escaped.
std::string recorded_output(std::string_view output) {
  std::string text = text::replace_invalid_utf8(output);
  while (json::stored_size(text) > k_max_text_bytes) {
    std::size_t drop = std::min<std::size_t>(text.size(), 256);
    while (drop < text.size() && (static_cast<unsigned char>(text[drop]) & 0xC0) == 0x80) {
      ++drop;
    }
    text.erase(0, drop);
  }
  return text;
}

}  // namespace

Decision<ExecStep> start_exec(const Runbook* runbook, const Incident& incident, const ExecRequest& request,
                              const Stamp& stamp) {
  if (request.command.empty()) {
    throw UsageError("no command to run");
  }
  Decision<ExecStep> decision;
  Event event = make(event_type::exec_started, stamp, std::max(stamp.now, incident.started_at));
  event.set(field::command, recorded_command(request.command));
  if (!request.step.empty()) {
    if (runbook == nullptr) {
      throw std::logic_error("start_exec: a step needs the runbook");
    }
    (void)runbook_fit(*runbook, incident);
    const auto entries = checklist_entries(*runbook, incident.grade.severity);
    const ChecklistEntry& entry = find_entry(entries, request.step);
    decision.outcome.item = entry.item->id;
    decision.outcome.label = fmt::format("{}. {}", entry.number, entry.item->text);
    event.set(field::item, entry.item->id);
  }
  decision.events.push_back(std::move(event));
  return decision;
}

Decision<Marked> finish_exec(const Runbook* runbook, const Incident& incident, const ExecEnd& end, const Stamp& stamp) {
  Decision<Marked> decision;
  Event event = make(event_type::exec_finished, stamp, std::max(stamp.now, incident.started_at));
  event.set(field::command, recorded_command(end.command));
  event.set(field::exit_code, std::int64_t{std::clamp(end.exit_code, 0, 255)});
  if (const std::string output = recorded_output(end.output); !output.empty()) {
    event.set(field::output, output);
  }
  event.set(field::duration, std::max(end.duration, Seconds{0}));
  if (!end.item.empty()) {
    event.set(field::item, end.item);
  }
  if (!end.started.empty()) {
    event.set(field::started, end.started);
  }
  decision.events.push_back(std::move(event));
  if (end.exit_code == 0 && !end.item.empty()) {
    if (runbook == nullptr) {
      throw std::logic_error("finish_exec: a step needs the runbook");
    }
    Decision<Marked> marked = mark_items(*runbook, incident, MarkRequest{event_type::checked, {end.item}, ""}, stamp);
    for (auto& tick : marked.events) {
      tick.set(field::via, "exec");
      decision.events.push_back(std::move(tick));
    }
    decision.outcome = std::move(marked.outcome);
  }
  return decision;
}

}  // namespace incident
