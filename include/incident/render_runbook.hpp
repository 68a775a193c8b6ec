#pragma once
// Views of the runbook, as text for a terminal and as JSON for scripts. Pure functions:
// they return what the CLI prints. JSON keys keep document order (ordered_json).

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "incident/runbook.hpp"

namespace incident {

// The section names `incident runbook show SECTION` takes, in document order.
const std::vector<std::string>& runbook_sections();

// Throws UsageError with a "did you mean" for an unknown section.
void require_runbook_section(std::string_view section);

// One section as text (ending in a newline), or the whole runbook when section is empty.
std::string render_runbook_text(const Runbook& runbook, std::string_view section = {});
nlohmann::ordered_json runbook_json(const Runbook& runbook, std::string_view section = {});

// "For Critical/High Severity", or "For every severity" when the checklist has no filter.
std::string checklist_label(const Runbook& runbook, const Checklist& checklist);

// One phase's checklist for a severity, e.g. for `open` on stderr:
//   Initial Response (0-15 minutes), for Critical/High Severity:
//     Immediate Actions:
//       [ ] initial.acknowledge  Acknowledge the incident in the incident channel
// "" when the phase has no checklist for the severity.
std::string render_checklist_text(const Runbook& runbook, const Phase& phase, std::string_view severity_id);

std::string render_scenario_list_text(const Runbook& runbook);
std::string render_scenario_text(const Scenario& scenario);
nlohmann::ordered_json scenario_json(const Scenario& scenario);

}  // namespace incident
