#include "incident/checklist.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <map>

#include "incident/error.hpp"
#include "incident/render_runbook.hpp"
#include "incident/text.hpp"

namespace incident {

const ItemState* entry_state(const Incident& incident, const ChecklistEntry& entry) {
  const ItemState* found = nullptr;
  const auto consider = [&](const ChecklistItem& item) {
    const auto it = incident.items.find(item.id);
    if (it == incident.items.end()) {
      return;
    }
    const ItemState& state = it->second;
    if (found == nullptr || (state.checked && !found->checked) ||
        (!found->checked && found->skipped.empty() && !state.skipped.empty())) {
      found = &state;
    }
  };
  consider(*entry.item);
  for (const ChecklistItem* item : entry.same) {
    consider(*item);
  }
  return found;
}

namespace {

using Json = nlohmann::ordered_json;

// Done: checked or skipped (a skip with its reason is a decision, not a gap).
bool is_done(const Incident& incident, const ChecklistEntry& entry) {
  const ItemState* state = entry_state(incident, entry);
  return state != nullptr && (state->checked || !state->skipped.empty());
}

Json same_ids(const ChecklistEntry& entry) {
  Json ids = Json::array();
  for (const ChecklistItem* item : entry.same) {
    ids.push_back(item->id);
  }
  return ids;
}

// "done/total" of the entries that `in` selects.
template <typename In>
std::string progress(const Incident& incident, const std::vector<ChecklistEntry>& entries, In in) {
  int done = 0;
  int total = 0;
  for (const auto& entry : entries) {
    if (in(entry)) {
      done += is_done(incident, entry) ? 1 : 0;
      ++total;
    }
  }
  return fmt::format("{}/{}", done, total);
}

}  // namespace

std::vector<ChecklistEntry> checklist_entries(const Runbook& runbook, std::string_view severity_id) {
  std::vector<ChecklistEntry> all;
  for (const auto& phase : runbook.phases) {
    const Checklist* checklist = phase.checklist_for(severity_id);
    if (checklist == nullptr) {
      continue;
    }
    for (const auto& group : checklist->groups) {
      for (const auto& item : group.items) {
        all.push_back({0, &phase, &group, &item, {}});
      }
    }
  }
  // The post-incident checklist belongs to the last phase (what follows resolution).
  for (const auto& group : runbook.post_incident) {
    for (const auto& item : group.items) {
      all.push_back({0, &runbook.phases.back(), &group, &item, {}});
    }
  }
  // An item that says the same as another one listed here is shown as that one.
  std::map<std::string_view, std::size_t> at;
  for (std::size_t i = 0; i < all.size(); ++i) {
    at.emplace(all[i].item->id, i);
  }
  std::vector<bool> folded(all.size(), false);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string& target = all[i].item->same_as;
    if (const auto it = at.find(target); !target.empty() && it != at.end() && all[it->second].item->same_as.empty()) {
      all[it->second].same.push_back(all[i].item);
      folded[i] = true;
    }
  }
  std::vector<ChecklistEntry> entries;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!folded[i]) {
      entries.push_back(std::move(all[i]));
      entries.back().number = static_cast<int>(entries.size());
    }
  }
  return entries;
}

const Phase& current_phase(const Runbook& runbook, const Incident& incident, Timestamp at) {
  const auto& phases = runbook.phases;  // the loader guarantees at least one
  if (incident.status == Status::resolved || incident.status == Status::closed) {
    return phases.back();
  }
  const Seconds elapsed = at - incident.started_at;
  const std::size_t last = phases.size() > 1 ? phases.size() - 2 : 0;
  std::size_t current = 0;
  for (std::size_t i = 0; i <= last; ++i) {
    if (phases[i].window.from <= elapsed) {
      current = i;
    }
  }
  return phases[current];
}

const Phase* find_phase(const Runbook& runbook, std::string_view text) {
  for (const auto& phase : runbook.phases) {
    if (text::iequals(phase.id, text) || text::iequals(phase.name, text)) {
      return &phase;
    }
  }
  // A unique beginning of an id or a name: "post" for post-incident, "invest".
  const Phase* found = nullptr;
  const std::string lower = text::to_lower(text);
  for (const auto& phase : runbook.phases) {
    if (!lower.empty() && (text::to_lower(phase.id).starts_with(lower) || text::to_lower(phase.name).starts_with(lower))) {
      if (found != nullptr) {
        return nullptr;
      }
      found = &phase;
    }
  }
  return found;
}

const ChecklistEntry& find_entry(const std::vector<ChecklistEntry>& entries, std::string_view text) {
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error == std::errc{} && end == text.data() + text.size()) {
    if (number >= 1 && number <= static_cast<int>(entries.size())) {
      return entries[static_cast<std::size_t>(number - 1)];
    }
    throw UsageError(
        fmt::format("there is no item {} (this incident's checklists have 1 to {})", number, entries.size()));
  }
  for (const auto& entry : entries) {
    if (entry.item->id == text ||
        std::any_of(entry.same.begin(), entry.same.end(), [&](const ChecklistItem* same) { return same->id == text; })) {
      return entry;
    }
  }
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& entry : entries) {
    ids.push_back(entry.item->id);
  }
  throw UsageError(fmt::format("no checklist item '{}' for this incident{}", text::escape_control(text),
                               text::did_you_mean(text, ids)));
}

std::string render_incident_checklist(const Runbook& runbook, const Incident& incident, Timestamp at,
                                      const Phase* only) {
  const Phase& current = current_phase(runbook, incident, at);
  const auto entries = checklist_entries(runbook, incident.grade.severity);
  const std::size_t width = entries.empty() ? 1 : std::to_string(entries.back().number).size();
  std::string out;
  const ChecklistEntry* previous = nullptr;
  for (const auto& entry : entries) {
    const Phase& phase = *entry.phase;
    if (only != nullptr && only != &phase) {
      continue;
    }
    if (previous == nullptr || previous->phase != &phase) {
      // The last phase may have no checklist of its own, only the post-incident one.
      const Checklist* checklist = phase.checklist_for(incident.grade.severity);
      out += fmt::format("{}{} ({}){}: {}{}\n", out.empty() ? "" : "\n", phase.name, format_window(phase.window),
                         checklist == nullptr || checklist->severities.empty()
                             ? ""
                             : ", " + checklist_label(runbook, *checklist),
                         progress(incident, entries, [&](const ChecklistEntry& e) { return e.phase == &phase; }),
                         &phase == &current ? "  <- current phase" : "");
    }
    if (previous == nullptr || previous->group != entry.group) {
      out += fmt::format("  {}: {}\n", entry.group->name,
                         progress(incident, entries, [&](const ChecklistEntry& e) { return e.group == entry.group; }));
    }
    const ItemState* state = entry_state(incident, entry);
    const char* mark = state == nullptr ? "[ ]" : state->checked ? "[x]" : !state->skipped.empty() ? "[-]" : "[ ]";
    out += fmt::format("    {} {:>{}}. {}", mark, entry.number, width, entry.item->text);
    if (state != nullptr && !state->skipped.empty()) {
      out += fmt::format(" (skipped: {})", text::escape_control(state->skipped));
    }
    out += '\n';
    previous = &entry;
  }
  return out;
}

nlohmann::ordered_json incident_checklist_json(const Runbook& runbook, const Incident& incident, Timestamp at,
                                               const Phase* only) {
  const Phase& current = current_phase(runbook, incident, at);
  Json phases = Json::array();
  for (const auto& entry : checklist_entries(runbook, incident.grade.severity)) {
    if (only != nullptr && entry.phase != only) {
      continue;
    }
    if (phases.empty() || phases.back()["id"] != entry.phase->id) {
      phases.push_back({{"id", entry.phase->id}, {"name", entry.phase->name}, {"groups", Json::array()}});
    }
    Json& groups = phases.back()["groups"];
    if (groups.empty() || groups.back()["name"] != entry.group->name) {
      groups.push_back({{"name", entry.group->name}, {"items", Json::array()}});
    }
    const ItemState* state = entry_state(incident, entry);
    groups.back()["items"].push_back({
        {"id", entry.item->id},
        {"number", entry.number},
        {"text", entry.item->text},
        {"same_as_this", same_ids(entry)},
        {"checked", state != nullptr && state->checked},
        {"skipped", state != nullptr && !state->skipped.empty() ? Json(state->skipped) : Json(nullptr)},
    });
  }
  return Json{{"id", incident.id}, {"severity", incident.grade.severity}, {"current_phase", current.id}, {"phases", phases}};
}

}  // namespace incident
