#pragma once
// The runbook model: the team's incident-response runbook as validated data.
// Built by load_runbook() (runbook_loader.hpp); every reference in it has been checked,
// so code that uses a Runbook never meets a dangling id.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incident/time.hpp"

namespace incident {


// A time window of a phase or post-incident group, e.g. "1-4h". `unit` is the unit it was
// written in ('s', 'm', 'h', 'd', 'w'), kept so it is shown as written.
struct Window {
  Seconds from{0};
  Seconds to{0};
  char unit = 'm';
};

struct Severity {
  std::string id;  // "P0"
  std::string name;  // "Critical"
  std::string definition;
  Seconds response_time{0};
  // How often an update is due while an incident of this severity is active; 0 for none.
  Seconds update_every{0};
  std::vector<std::string> examples;
};

struct ChecklistItem {
  std::string id;  // "initial.acknowledge", unique in the runbook
  std::string text;
  // The command that completes it, one of done_by_names() ("ack"), or "": ticked on the
  // record by that command.
  std::string done_by;
  // Another item's id when this one says the same (the seed lists "Schedule postmortem
  // meeting" in the post-incident phase and "Postmortem meeting scheduled" in the
  // post-incident checklist): an incident's checklist shows that item once, and ticking
  // either id ticks it. "" for most items.
  std::string same_as;
};

// What an item's done_by may name: "ack" (the incident is acknowledged), "commander"
// (someone takes the commander role), "post-initial" and "post-resolution" (that message
// is posted to chat or copied to the clipboard).
const std::vector<std::string>& done_by_names();

struct ChecklistGroup {
  std::string name;
  std::vector<ChecklistItem> items;
};

struct Checklist {
  std::vector<std::string> severities;  // severity ids; empty = every severity
  std::vector<ChecklistGroup> groups;

  [[nodiscard]] bool applies_to(std::string_view severity_id) const;
};

struct Phase {
  std::string id;
  std::string name;
  Window window;
  std::vector<Checklist> checklists;

  // The checklist for a severity, or nullptr when the phase has none for it.
  [[nodiscard]] const Checklist* checklist_for(std::string_view severity_id) const;
};

struct Scenario {
  std::string id;
  std::string name;
  std::vector<std::string> symptoms;
  std::vector<std::string> response;
  std::vector<std::string> escalation;  // may be empty
};

// The three status messages. The order is the order of TemplateKind values.
enum class TemplateKind { initial, investigation, resolution };
inline constexpr std::string_view k_template_keys[] = {"initial", "investigation", "resolution"};

struct Template {
  std::string name;  // "Initial Status Update"
  std::string text;  // with {{placeholders}}
  std::string source;  // where the text came from, for error messages
  int first_line = 1;  // line of the text's first line in `source`
  // True when `text` is the whole content of the file `source` (a `file:` template or a
  // bundled one); false when it is inline in the runbook. The runbook cache re-reads such
  // files to check they are unchanged.
  bool from_file = false;
};

// A reason to escalate. Two are evaluated from the timeline: `sla-exceeded` (the
// acknowledge SLA was missed) and `no-progress` (no update for `after`); every other
// trigger is declared by the responder (`incident flag`).
struct EscalationTrigger {
  std::string id;
  std::string text;
  std::optional<Seconds> after;
  int escalate_to = 2;  // the level it calls for (a level of the runbook)

  [[nodiscard]] bool is_declared() const { return id != "sla-exceeded" && id != "no-progress"; }
};

struct EscalationLevel {
  int level = 0;
  std::string role;
  std::string contact;  // a contact id, or empty
};

struct Entry {
  std::string name;
  std::string value;
};

struct EntryGroup {
  std::string name;
  std::vector<Entry> entries;
};

struct ItemGroup {
  std::string name;
  std::vector<std::string> items;
};

// A group of the post-incident checklist: in the incident's checklists it follows the
// last phase's groups, numbered on, so the post-incident checklist is one list.
struct PostIncidentGroup : ChecklistGroup {
  Window window;
};

struct Procedure {
  std::string id;
  std::string name;
  std::vector<std::string> steps;
};

struct Contact {
  std::string id;  // "primary"
  std::string name;  // "Primary"
  std::string value;  // "[On-call engineer]"
};

struct Escalation {
  std::vector<EscalationTrigger> triggers;
  std::vector<EscalationLevel> levels;
  std::vector<Contact> contacts;

  // A level by number, or nullptr.
  [[nodiscard]] const EscalationLevel* find_level(int level) const;
  // A trigger by id, or nullptr.
  [[nodiscard]] const EscalationTrigger* find_trigger(std::string_view id) const;
  // The contact of a level, or nullptr when it names none.
  [[nodiscard]] const Contact* contact_for(const EscalationLevel& level) const;
};

struct Runbook {
  int schema = 1;
  std::string title;
  std::string overview;
  std::vector<Severity> severities;
  std::vector<Phase> phases;
  std::vector<Scenario> scenarios;
  Template templates[3];  // indexed by TemplateKind
  Escalation escalation;
  std::vector<EntryGroup> resources;
  std::vector<PostIncidentGroup> post_incident;
  std::vector<EntryGroup> emergency_contacts;
  std::vector<Procedure> recovery;
  std::vector<ItemGroup> prevention;
  std::vector<std::string> notes;
  // The team's time zone (`timezone:`), in which messages for the channel show times:
  // "UTC", a zone name ("Europe/Berlin") or a POSIX TZ string. Always labelled.
  std::string timezone = "UTC";
  // The file it was loaded from, absolute and lexically normal ("/a/b/../c" is "/a/c";
  // symbolic links are not resolved): the runbook's identity.
  std::string source;
  // The runbook's content: "sha256:" and 64 lower-case hex digits over the YAML bytes and
  // the text of its three templates (runbook_digest() in runbook_loader.hpp says exactly
  // how). The same whether the runbook was parsed or read from the runbook cache.
  std::string digest;

  [[nodiscard]] const Template& message_template(TemplateKind kind) const {
    return templates[static_cast<int>(kind)];
  }
  [[nodiscard]] const Severity* find_severity_by_id(std::string_view id) const;

  // Resolves what a user typed: an id ("p1", "P1") or a name ("high"), case-insensitively.
  // Throws UsageError listing the valid values.
  [[nodiscard]] const Severity& severity(std::string_view user_text) const;

  // Looks a scenario up by id or name, case-insensitively; throws NotFoundError with a
  // "did you mean" and the known ids.
  [[nodiscard]] const Scenario& scenario(std::string_view user_text) const;
};

// "15m" -> 900s. Accepts a positive whole number and one unit of s, m, h, d, w; nothing
// else. Returns nullopt when the text is not a duration (or overflows 100 years).
std::optional<Seconds> parse_duration(std::string_view text);

// 900s -> "15 minutes", 3600s -> "1 hour", 90s -> "90 seconds": the largest unit that
// divides the duration.
std::string format_duration_words(Seconds duration);

// 900s -> "15m", 5400s -> "1h30m": short, for tables and prompts.
std::string format_duration_short(Seconds duration);

// "0-15m" -> {0, 900, 'm'}; nullopt when malformed or from >= to.
std::optional<Window> parse_window(std::string_view text);

// {0, 900, 'm'} -> "0-15 minutes".
std::string format_window(const Window& window);

}  // namespace incident
