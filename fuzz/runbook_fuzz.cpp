// Runbook YAML, as `incident --runbook FILE` and `runbook validate FILE` read it: parse
// and validate (yaml_tree, runbook_loader), then everything the CLI does with a runbook
// that loaded: render every section as text and JSON, every checklist, every scenario,
// every message template, and resolve every severity and scenario by its own name.
//
// Invariants: only incident::Error escapes the loader; a DataError about the file points
// inside it; a loaded runbook holds only valid UTF-8 without NUL bytes (docs/runbook.md),
// its templates pass check_template, and each severity is found by its id and its name.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "fuzz_support.hpp"
#include "incident/error.hpp"
#include "incident/incident.hpp"
#include "incident/render.hpp"
#include "incident/render_runbook.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/template.hpp"
#include "incident/text.hpp"

using namespace incident;

namespace {

// The runbook "lives" in runbooks/ of the source tree, so a `file:` template such as
// ../templates/initial.txt resolves to a real file, as it would for a user's runbook.
const std::string k_source = INCIDENT_SOURCE_DIR "/runbooks/fuzz.yaml";

// An incident with every field set, to render each template against.
const Incident& sample_incident() {
  static const Incident incident = [] {
    Event opened;
    opened.id = "f00000000001";
    opened.seq = 1;
    opened.type = std::string(event_type::opened);
    opened.at = *parse_rfc3339("2026-11-27T03:12:00Z");
    opened.by = "pager";
    opened.fields = {{"title", "Checkout {{title}} 500s"}, {"severity", "P1"}, {"severity_name", "High"},
                     {"impact", "50% \x1b[31mfail"},       {"commander", "c"}, {"response_time_seconds", std::int64_t{900}}};
    Event resolved = opened;
    resolved.id = "f00000000002";
    resolved.seq = 2;
    resolved.type = std::string(event_type::resolved);
    resolved.fields = {{"root_cause", "r"}, {"fix", "x"}, {"monitoring", "m"}};
    return fold("fuzz0001", {opened, resolved});
  }();
  return incident;
}

std::size_t count_lines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

void check_clean(const std::string& value, const char* what) {
  auto bad = text::find_invalid_text(value);
  FUZZ_CHECK(!bad, "%s holds %s at byte %zu", what, bad ? bad->what.c_str() : "", bad ? bad->offset : 0);
}

void check_strings(const Runbook& runbook) {
  check_clean(runbook.title, "title");
  check_clean(runbook.overview, "overview");
  for (const auto& severity : runbook.severities) {
    check_clean(severity.id, "severity id");
    check_clean(severity.name, "severity name");
    check_clean(severity.definition, "severity definition");
    for (const auto& example : severity.examples) {
      check_clean(example, "severity example");
    }
  }
  for (const auto& phase : runbook.phases) {
    check_clean(phase.name, "phase name");
    for (const auto& checklist : phase.checklists) {
      for (const auto& group : checklist.groups) {
        check_clean(group.name, "group name");
        for (const auto& item : group.items) {
          check_clean(item.text, "item text");
        }
      }
    }
  }
  for (const auto& scenario : runbook.scenarios) {
    check_clean(scenario.name, "scenario name");
    for (const auto* list : {&scenario.symptoms, &scenario.response, &scenario.escalation}) {
      for (const auto& line : *list) {
        check_clean(line, "scenario text");
      }
    }
  }
  for (const auto& tmpl : runbook.templates) {
    check_clean(tmpl.name, "template name");
    check_clean(tmpl.text, "template text");
  }
  for (const auto& trigger : runbook.escalation.triggers) {
    check_clean(trigger.text, "trigger text");
  }
  for (const auto& level : runbook.escalation.levels) {
    check_clean(level.role, "level role");
  }
  for (const auto& contact : runbook.escalation.contacts) {
    check_clean(contact.name, "contact name");
    check_clean(contact.value, "contact value");
  }
  for (const auto* groups : {&runbook.resources, &runbook.emergency_contacts}) {
    for (const auto& group : *groups) {
      check_clean(group.name, "entry group name");
      for (const auto& entry : group.entries) {
        check_clean(entry.name, "entry name");
        check_clean(entry.value, "entry value");
      }
    }
  }
  for (const auto& group : runbook.post_incident) {
    check_clean(group.name, "post-incident group name");
    for (const auto& item : group.items) {
      check_clean(item.text, "post-incident item text");
    }
  }
  for (const auto& procedure : runbook.recovery) {
    check_clean(procedure.name, "procedure name");
    for (const auto& step : procedure.steps) {
      check_clean(step, "procedure step");
    }
  }
  for (const auto& group : runbook.prevention) {
    check_clean(group.name, "prevention group name");
    for (const auto& item : group.items) {
      check_clean(item, "prevention item");
    }
  }
  for (const auto& note : runbook.notes) {
    check_clean(note, "note");
  }
}

void check_model(const Runbook& runbook) {
  FUZZ_CHECK(runbook.schema == k_runbook_schema, "schema %d", runbook.schema);
  FUZZ_CHECK(!runbook.title.empty(), "empty title");
  FUZZ_CHECK(!runbook.severities.empty() && !runbook.phases.empty(), "no severities or no phases");
  for (const auto& severity : runbook.severities) {
    FUZZ_CHECK(severity.response_time.count() > 0, "severity %s: response time %lld", severity.id.c_str(),
               static_cast<long long>(severity.response_time.count()));
    // `-s ID` and `-s NAME` must each mean this severity and no other.
    FUZZ_CHECK(&runbook.severity(severity.id) == &severity, "severity id %s resolves elsewhere", severity.id.c_str());
    FUZZ_CHECK(&runbook.severity(severity.name) == &severity, "severity name %s resolves elsewhere",
               severity.name.c_str());
  }
  std::set<std::string> item_ids;
  for (const auto& phase : runbook.phases) {
    FUZZ_CHECK(phase.window.from < phase.window.to, "phase %s: empty window", phase.id.c_str());
    for (const auto& checklist : phase.checklists) {
      for (const auto& group : checklist.groups) {
        for (const auto& item : group.items) {
          FUZZ_CHECK(item_ids.insert(item.id).second, "item id %s twice", item.id.c_str());
        }
      }
    }
  }
  for (const auto& group : runbook.post_incident) {
    for (const auto& item : group.items) {
      FUZZ_CHECK(item_ids.insert(item.id).second, "item id %s twice", item.id.c_str());
    }
  }
  for (const auto& scenario : runbook.scenarios) {
    // By id the lookup may meet an earlier scenario of that name, but never fail.
    (void)runbook.scenario(scenario.id);
  }
  for (const auto& tmpl : runbook.templates) {
    auto problem = check_template(tmpl.text);
    FUZZ_CHECK(!problem, "template %s: %s", tmpl.name.c_str(), problem ? problem->message.c_str() : "");
  }
  const int levels = static_cast<int>(runbook.escalation.levels.size());
  for (const auto& trigger : runbook.escalation.triggers) {
    FUZZ_CHECK(trigger.escalate_to >= 1 && (levels == 0 || trigger.escalate_to <= levels),
               "trigger %s escalates to %d of %d levels", trigger.id.c_str(), trigger.escalate_to, levels);
  }
}

// What `runbook show`, `severities`, `scenario`, `escalation`, `open` and `render` print.
void render_everything(const Runbook& runbook) {
  for (const auto& section : runbook_sections()) {
    (void)render_runbook_text(runbook, section);
    (void)runbook_json(runbook, section).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  (void)render_runbook_text(runbook);
  (void)runbook_json(runbook).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  for (const auto& phase : runbook.phases) {
    for (const auto& severity : runbook.severities) {
      (void)render_checklist_text(runbook, phase, severity.id);
    }
    for (const auto& checklist : phase.checklists) {
      (void)checklist_label(runbook, checklist);
    }
  }
  (void)render_scenario_list_text(runbook);
  for (const auto& scenario : runbook.scenarios) {
    (void)render_scenario_text(scenario);
    (void)scenario_json(scenario).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  for (auto kind : {TemplateKind::initial, TemplateKind::investigation, TemplateKind::resolution}) {
    const std::string message = render_message(runbook, kind, sample_incident(), sample_incident().started_at);
    FUZZ_CHECK(!message.empty() && message.back() == '\n', "a message that does not end a line");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml = fuzz::as_text(data, size);
  Runbook runbook;
  try {
    runbook = parse_runbook(yaml, k_source, fuzz::k_templates_dir);
  } catch (const DataError& e) {
    const SourcePos& pos = e.pos();
    FUZZ_CHECK(pos.line >= 0 && pos.column >= 0, "negative position %d:%d", pos.line, pos.column);
    FUZZ_CHECK(pos.line > 0 || pos.column == 0, "a column without a line: %s", e.what());
    if (pos.path == k_source && pos.line > 0) {
      FUZZ_CHECK(static_cast<std::size_t>(pos.line) <= count_lines(yaml) + 1, "line %d of a %zu-line file: %s",
                 pos.line, count_lines(yaml), e.what());
    }
    return 0;
  } catch (const Error&) {
    return 0;  // a `file:` template that cannot be read
  }
  check_strings(runbook);
  check_model(runbook);
  render_everything(runbook);
  return 0;
}
