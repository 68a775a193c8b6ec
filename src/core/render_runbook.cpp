#include "incident/render_runbook.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

using Json = nlohmann::ordered_json;

std::string heading(std::string_view title) {
  return fmt::format("{}\n{}\n", title, std::string(title.size() > 72 ? 72 : title.size(), '='));
}

void bullets(std::string& out, const std::vector<std::string>& items, std::string_view indent) {
  for (const auto& item : items) {
    out += fmt::format("{}- {}\n", indent, item);
  }
}

void numbered(std::string& out, const std::vector<std::string>& items, std::string_view indent) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += fmt::format("{}{}. {}\n", indent, i + 1, items[i]);
  }
}

void items_text(std::string& out, const std::vector<ChecklistItem>& items, std::string_view indent) {
  for (const auto& item : items) {
    out += fmt::format("{}- [ ] {}  ({})\n", indent, item.text, item.id);
  }
}

Json window_json(const Window& window) {
  return Json{{"from_seconds", window.from.count()},
              {"to_seconds", window.to.count()},
              {"text", format_window(window)}};
}

Json items_json(const std::vector<ChecklistItem>& items) {
  Json out = Json::array();
  for (const auto& item : items) {
    out.push_back({{"id", item.id}, {"text", item.text}});
  }
  return out;
}

Json entry_groups_json(const std::vector<EntryGroup>& groups) {
  Json out = Json::array();
  for (const auto& group : groups) {
    Json entries = Json::array();
    for (const auto& entry : group.entries) {
      entries.push_back({{"name", entry.name}, {"value", entry.value}});
    }
    out.push_back({{"name", group.name}, {"entries", entries}});
  }
  return out;
}

std::string entry_groups_text(const std::vector<EntryGroup>& groups) {
  std::string out;
  for (const auto& group : groups) {
    out += fmt::format("{}:\n", group.name);
    for (const auto& entry : group.entries) {
      out += fmt::format("  - {}: {}\n", entry.name, entry.value);
    }
  }
  return out;
}

// --- one function pair per section -------------------------------------------------

std::string overview_text(const Runbook& runbook) {
  return fmt::format("{}\n", runbook.overview.empty() ? runbook.title : runbook.overview);
}
Json overview_json(const Runbook& runbook) {
  return Json{{"title", runbook.title}, {"overview", runbook.overview}, {"schema", runbook.schema},
              {"source", runbook.source}};
}

std::string severities_text(const Runbook& runbook) {
  std::string out;
  for (const auto& severity : runbook.severities) {
    out += fmt::format("{} ({})\n", severity.name, severity.id);
    out += fmt::format("  Definition: {}\n", severity.definition);
    out += fmt::format("  Response Time: {}\n", format_duration_words(severity.response_time));
    if (severity.update_every.count() > 0) {
      out += fmt::format("  Updates: every {}\n", format_duration_words(severity.update_every));
    }
    if (!severity.examples.empty()) {
      out += "  Examples:\n";
      bullets(out, severity.examples, "    ");
    }
  }
  return out;
}
Json severities_json(const Runbook& runbook) {
  Json out = Json::array();
  for (const auto& severity : runbook.severities) {
    out.push_back({{"id", severity.id},
                   {"name", severity.name},
                   {"definition", severity.definition},
                   {"response_time_seconds", severity.response_time.count()},
                   {"response_time", format_duration_words(severity.response_time)},
                   {"update_every_seconds", severity.update_every.count() > 0
                                                ? Json(severity.update_every.count())
                                                : Json(nullptr)},
                   {"examples", severity.examples}});
  }
  return out;
}

std::string phases_text(const Runbook& runbook) {
  std::string out;
  for (std::size_t p = 0; p < runbook.phases.size(); ++p) {
    const Phase& phase = runbook.phases[p];
    out += fmt::format("{}{}. {} ({})\n", p == 0 ? "" : "\n", p + 1, phase.name, format_window(phase.window));
    for (const auto& checklist : phase.checklists) {
      std::string indent = "  ";
      if (phase.checklists.size() > 1 || !checklist.severities.empty()) {
        out += fmt::format("  {}:\n", checklist_label(runbook, checklist));
        indent = "    ";
      }
      for (std::size_t g = 0; g < checklist.groups.size(); ++g) {
        out += fmt::format("{}{}. {}:\n", indent, g + 1, checklist.groups[g].name);
        items_text(out, checklist.groups[g].items, indent + "   ");
      }
    }
  }
  return out;
}
Json phases_json(const Runbook& runbook) {
  Json out = Json::array();
  for (const auto& phase : runbook.phases) {
    Json checklists = Json::array();
    for (const auto& checklist : phase.checklists) {
      Json groups = Json::array();
      for (const auto& group : checklist.groups) {
        groups.push_back({{"name", group.name}, {"items", items_json(group.items)}});
      }
      checklists.push_back({{"severities", checklist.severities}, {"groups", groups}});
    }
    out.push_back({{"id", phase.id},
                   {"name", phase.name},
                   {"window", window_json(phase.window)},
                   {"checklists", checklists}});
  }
  return out;
}

std::string scenarios_text(const Runbook& runbook) {
  std::string out;
  for (std::size_t i = 0; i < runbook.scenarios.size(); ++i) {
    out += (i == 0 ? "" : "\n") + render_scenario_text(runbook.scenarios[i]);
  }
  return out;
}
Json scenarios_json(const Runbook& runbook) {
  Json out = Json::array();
  for (const auto& scenario : runbook.scenarios) {
    out.push_back(scenario_json(scenario));
  }
  return out;
}

std::string templates_text(const Runbook& runbook) {
  std::string out;
  for (std::size_t i = 0; i < std::size(runbook.templates); ++i) {
    const Template& tmpl = runbook.templates[i];
    out += fmt::format("{}{} ({}, from {}):\n", i == 0 ? "" : "\n", tmpl.name, k_template_keys[i], tmpl.source);
    out += tmpl.text;
    if (!tmpl.text.empty() && tmpl.text.back() != '\n') {
      out += '\n';
    }
  }
  return out;
}
Json templates_json(const Runbook& runbook) {
  Json out = Json::object();
  for (std::size_t i = 0; i < std::size(runbook.templates); ++i) {
    const Template& tmpl = runbook.templates[i];
    out[std::string(k_template_keys[i])] = {{"name", tmpl.name}, {"text", tmpl.text}, {"source", tmpl.source}};
  }
  return out;
}

std::string escalation_text(const Runbook& runbook) {
  const Escalation& escalation = runbook.escalation;
  std::string out = "When to Escalate:\n";
  for (const auto& trigger : escalation.triggers) {
    out += fmt::format("  - {}\n", trigger.text);
  }
  out += "\nEscalation Path:\n";
  for (const auto& level : escalation.levels) {
    const Contact* contact = escalation.contact_for(level);
    out += fmt::format("  {}. Level {}: {}{}\n", level.level, level.level, level.role,
                       contact == nullptr ? "" : fmt::format(" (contact: {} {})", contact->name, contact->value));
  }
  out += "\nEscalation Contacts:\n";
  for (const auto& contact : escalation.contacts) {
    out += fmt::format("  - {}: {}\n", contact.name, contact.value);
  }
  return out;
}
Json escalation_json(const Runbook& runbook) {
  const Escalation& escalation = runbook.escalation;
  Json triggers = Json::array();
  for (const auto& trigger : escalation.triggers) {
    Json item = {{"id", trigger.id},
                 {"text", trigger.text},
                 {"after_seconds", nullptr},
                 {"declared", trigger.is_declared()},
                 {"escalate_to", trigger.escalate_to}};
    if (trigger.after) {
      item["after_seconds"] = trigger.after->count();
    }
    triggers.push_back(item);
  }
  Json levels = Json::array();
  for (const auto& level : escalation.levels) {
    levels.push_back({{"level", level.level},
                      {"role", level.role},
                      {"contact", level.contact.empty() ? Json(nullptr) : Json(level.contact)}});
  }
  Json contacts = Json::array();
  for (const auto& contact : escalation.contacts) {
    contacts.push_back({{"id", contact.id}, {"name", contact.name}, {"value", contact.value}});
  }
  return Json{{"triggers", triggers}, {"levels", levels}, {"contacts", contacts}};
}

std::string resources_text(const Runbook& runbook) { return entry_groups_text(runbook.resources); }
Json resources_json(const Runbook& runbook) { return entry_groups_json(runbook.resources); }

std::string post_incident_text(const Runbook& runbook) {
  std::string out;
  for (const auto& group : runbook.post_incident) {
    out += fmt::format("{} ({}):\n", group.name, format_window(group.window));
    items_text(out, group.items, "  ");
  }
  return out;
}
Json post_incident_json(const Runbook& runbook) {
  Json out = Json::array();
  for (const auto& group : runbook.post_incident) {
    out.push_back({{"name", group.name}, {"window", window_json(group.window)}, {"items", items_json(group.items)}});
  }
  return out;
}

std::string contacts_text(const Runbook& runbook) { return entry_groups_text(runbook.emergency_contacts); }
Json contacts_json(const Runbook& runbook) { return entry_groups_json(runbook.emergency_contacts); }

std::string recovery_text(const Runbook& runbook) {
  std::string out;
  for (const auto& procedure : runbook.recovery) {
    out += fmt::format("{} ({}):\n", procedure.name, procedure.id);
    numbered(out, procedure.steps, "  ");
  }
  return out;
}
Json recovery_json(const Runbook& runbook) {
  Json out = Json::array();
  for (const auto& procedure : runbook.recovery) {
    out.push_back({{"id", procedure.id}, {"name", procedure.name}, {"steps", procedure.steps}});
  }
  return out;
}

std::string prevention_text(const Runbook& runbook) {
  std::string out;
  for (const auto& group : runbook.prevention) {
    out += fmt::format("{}:\n", group.name);
    bullets(out, group.items, "  ");
  }
  return out;
}
Json prevention_json(const Runbook& runbook) {
  Json out = Json::array();
  for (const auto& group : runbook.prevention) {
    out.push_back({{"name", group.name}, {"items", group.items}});
  }
  return out;
}

std::string notes_text(const Runbook& runbook) {
  std::string out;
  bullets(out, runbook.notes, "");
  return out;
}
Json notes_json(const Runbook& runbook) { return Json(runbook.notes); }

struct Section {
  std::string_view name;
  std::string_view title;
  std::string (*text)(const Runbook&);
  Json (*json)(const Runbook&);
};

constexpr Section k_sections[] = {
    {"overview", "Overview", overview_text, overview_json},
    {"severities", "Incident Severity Levels", severities_text, severities_json},
    {"phases", "Incident Response Process", phases_text, phases_json},
    {"scenarios", "Common Incident Scenarios", scenarios_text, scenarios_json},
    {"templates", "Communication Templates", templates_text, templates_json},
    {"escalation", "Escalation Procedures", escalation_text, escalation_json},
    {"resources", "Tools and Resources", resources_text, resources_json},
    {"post-incident", "Post-Incident Checklist", post_incident_text, post_incident_json},
    {"contacts", "Emergency Contacts", contacts_text, contacts_json},
    {"recovery", "Recovery Procedures", recovery_text, recovery_json},
    {"prevention", "Prevention Measures", prevention_text, prevention_json},
    {"notes", "Notes", notes_text, notes_json},
};

const Section& find_section(std::string_view name) {
  for (const auto& section : k_sections) {
    if (section.name == name) {
      return section;
    }
  }
  throw UsageError(fmt::format("unknown runbook section '{}'{} (sections: {})", text::escape_control(name),
                               text::did_you_mean(name, runbook_sections()), text::join(runbook_sections())));
}

}  // namespace

const std::vector<std::string>& runbook_sections() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& section : k_sections) {
      out.emplace_back(section.name);
    }
    return out;
  }();
  return names;
}

void require_runbook_section(std::string_view section) { (void)find_section(section); }

std::string render_runbook_text(const Runbook& runbook, std::string_view section) {
  if (!section.empty()) {
    return find_section(section).text(runbook);
  }
  std::string out = heading(runbook.title);
  for (const auto& each : k_sections) {
    out += fmt::format("\n{}\n{}", heading(each.title), each.text(runbook));
  }
  return out;
}

Json runbook_json(const Runbook& runbook, std::string_view section) {
  if (!section.empty()) {
    return find_section(section).json(runbook);
  }
  Json out = Json::object();
  for (const auto& each : k_sections) {
    out[std::string(each.name)] = each.json(runbook);
  }
  return out;
}

std::string checklist_label(const Runbook& runbook, const Checklist& checklist) {
  if (checklist.severities.empty()) {
    return "For every severity";
  }
  std::vector<std::string> names;
  for (const auto& id : checklist.severities) {
    const Severity* severity = runbook.find_severity_by_id(id);
    names.push_back(severity != nullptr ? severity->name : id);
  }
  return fmt::format("For {} Severity", text::join(names, "/"));
}

std::string render_checklist_text(const Runbook& runbook, const Phase& phase, std::string_view severity_id) {
  const Checklist* checklist = phase.checklist_for(severity_id);
  if (checklist == nullptr) {
    return {};
  }
  std::string out = fmt::format("{} ({})", phase.name, format_window(phase.window));
  if (!checklist->severities.empty()) {
    out += fmt::format(" - {}", checklist_label(runbook, *checklist));
  }
  out += ":\n";
  std::size_t width = 0;
  for (const auto& group : checklist->groups) {
    for (const auto& item : group.items) {
      width = std::max(width, item.id.size());
    }
  }
  for (const auto& group : checklist->groups) {
    out += fmt::format("  {}:\n", group.name);
    for (const auto& item : group.items) {
      out += fmt::format("    [ ] {:<{}}  {}\n", item.id, width, item.text);
    }
  }
  return out;
}

std::string render_scenario_list_text(const Runbook& runbook) {
  std::string out;
  for (const auto& scenario : runbook.scenarios) {
    out += fmt::format("{:<18} {}\n", scenario.id, scenario.name);
  }
  return out;
}

std::string render_scenario_text(const Scenario& scenario) {
  std::string out = fmt::format("{} ({})\n  Symptoms:\n", scenario.name, scenario.id);
  bullets(out, scenario.symptoms, "    ");
  out += "  Response:\n";
  numbered(out, scenario.response, "    ");
  if (!scenario.escalation.empty()) {
    out += "  Escalation:\n";
    bullets(out, scenario.escalation, "    ");
  }
  return out;
}

Json scenario_json(const Scenario& scenario) {
  return {{"id", scenario.id},
          {"name", scenario.name},
          {"symptoms", scenario.symptoms},
          {"response", scenario.response},
          {"escalation", scenario.escalation}};
}

}  // namespace incident
