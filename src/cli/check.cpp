// incident check [ID] ITEM..., uncheck [ID] ITEM..., skip [ID] ITEM --reason T: the state
// of checklist items, on the record. ITEM is the stable id from the runbook
// ("initial.acknowledge") or the number `incident checklist` shows. The three share
// everything but the event they record, so they live together.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <set>

#include "commands.hpp"
#include "common.hpp"
#include "incident/checklist.hpp"
#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace {

// Whether a word is an item rather than an incident id: a number of a listing (far
// below the 8 characters of an id) or an item id of the runbook.
bool looks_like_item(const Runbook& runbook, std::string_view word) {
  int number = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), number);
  if (error == std::errc{} && end == word.data() + word.size()) {
    return number < 1000;
  }
  for (const auto& phase : runbook.phases) {
    for (const auto& checklist : phase.checklists) {
      for (const auto& group : checklist.groups) {
        if (std::any_of(group.items.begin(), group.items.end(), [&](const auto& item) { return item.id == word; })) {
          return true;
        }
      }
    }
  }
  return find_post_incident_item(runbook, word) != nullptr;
}

// ITEM as typed: a post-incident item by its id, or a phase item by id or number (`label`
// says which it was, as the hint shows it). find_entry knows only the phase items, so an
// unknown id is refused here, with a suggestion from both lists.
const ChecklistItem& find_item(const Runbook& runbook, const std::vector<ChecklistEntry>& entries,
                               const std::string& word, std::string& label) {
  if (const ChecklistItem* post = find_post_incident_item(runbook, word)) {
    label = post->id;
    return *post;
  }
  int number = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), number);
  const bool is_number = error == std::errc{} && end == word.data() + word.size();
  const bool named = std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.item->id == word; });
  if (!is_number && !named) {
    std::vector<std::string> ids;
    for (const auto& entry : entries) {
      ids.push_back(entry.item->id);
    }
    for (const auto& group : runbook.post_incident) {
      for (const auto& item : group.items) {
        ids.push_back(item.id);
      }
    }
    throw UsageError(fmt::format("no checklist item '{}' for this incident{}", text::escape_control(word),
                                 text::did_you_mean(word, ids)));
  }
  const ChecklistEntry& entry = find_entry(entries, word);
  label = std::to_string(entry.number);
  return *entry.item;
}

void register_marking(CLI::App& app, Context& ctx, std::string_view type) {
  struct Options {
    std::vector<std::string> positionals;
    std::string reason;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  const bool skip = type == event_type::skipped;
  const char* description = type == event_type::checked     ? "Mark checklist items done"
                            : type == event_type::unchecked ? "Mark checklist items not done"
                                                            : "Skip checklist items, with the reason";
  auto* command = app.add_subcommand(std::string(type == event_type::checked     ? "check"
                                                 : type == event_type::unchecked ? "uncheck"
                                                                                 : "skip"),
                                     description);
  command
      ->add_option("[ID] ITEM", o->positionals,
                   "Incident id (optional when one is open), then items: ids or numbers from 'incident checklist'")
      ->required();
  if (skip) {
    command->add_option("--reason", o->reason, "Why it is skipped")->required();
  }
  add_at_option(*command, o->at);
  command->callback([&ctx, o, type, skip] {
    const Runbook& runbook = ctx.runbook();
    std::vector<std::string> words = o->positionals;
    std::string id;
    if (words.size() > 1 && !looks_like_item(runbook, words.front())) {
      id = words.front();
      words.erase(words.begin());
    }
    const std::string reason = skip ? clean_text(o->reason, "--reason", k_max_text_bytes) : std::string();
    Store store = open_store(ctx);
    std::vector<std::string> done;
    const Incident incident = store.append(store.resolve_id(id), [&](const Incident& current) {
      const auto entries = checklist_entries(runbook, current.severity);
      std::vector<Event> events;
      done.clear();
      std::set<std::string_view> seen;  // an item named twice is marked once
      for (const auto& word : words) {
        std::string label;
        const ChecklistItem* item = &find_item(runbook, entries, word, label);
        if (!seen.insert(item->id).second) {
          continue;
        }
        const auto it = current.items.find(item->id);
        const bool checked = it != current.items.end() && it->second.checked;
        const std::string skipped = it != current.items.end() ? it->second.skipped : std::string();
        const bool already = type == event_type::checked     ? checked
                             : type == event_type::unchecked ? !checked && skipped.empty()
                                                             : skipped == reason;
        done.push_back(fmt::format("{}. {}{}", label, item->text, already ? " (already)" : ""));
        if (already) {
          continue;
        }
        Event event = make_event(ctx, type, event_time(o->at, current.started_at));
        event.fields["item"] = item->id;
        if (skip) {
          event.fields["reason"] = reason;
        }
        events.push_back(std::move(event));
      }
      return events;
    });
    const char* verb = type == event_type::checked     ? "Checked"
                       : type == event_type::unchecked ? "Unchecked"
                                                       : "Skipped";
    for (const auto& line : done) {
      ctx.hint(fmt::format("{} {}\n", verb, text::escape_control(line)));
    }
    print_result(ctx, incident, "");
  });
}

}  // namespace

void register_check(CLI::App& app, Context& ctx) {
  register_marking(app, ctx, event_type::checked);
}
void register_uncheck(CLI::App& app, Context& ctx) {
  register_marking(app, ctx, event_type::unchecked);
}
void register_skip(CLI::App& app, Context& ctx) {
  register_marking(app, ctx, event_type::skipped);
}

}  // namespace incident::cli
