// What users type for an incident, a severity and a scenario: `incident ack 7f3`,
// `open -s high`, `list --severity P1`, `scenario database`. Ids are checked before they
// touch the file system; names are resolved against the bundled runbook (loaded once).
//
// Invariants: is_valid_incident_id is exactly "1..16 of [0-9a-z]" (anything else, such
// as '/', '.' or a NUL byte, never reaches a path); a severity resolves to one whose id
// or name is the text, any case, or throws UsageError; a scenario likewise or throws
// NotFoundError; nothing else escapes.

#include <algorithm>

#include "fuzz_support.hpp"
#include "incident/error.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/store.hpp"
#include "incident/text.hpp"

using namespace incident;

namespace {

const Runbook& bundled_runbook() {
  static const Runbook runbook = load_runbook(fuzz::k_runbook_path, fuzz::k_templates_dir);
  return runbook;
}

bool expected_valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 16 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const Runbook& runbook = bundled_runbook();

  FUZZ_CHECK(is_valid_incident_id(text) == expected_valid_id(text), "is_valid_incident_id disagrees (size %zu)",
             text.size());

  try {
    const Severity& severity = runbook.severity(text);
    FUZZ_CHECK(text::iequals(severity.id, text) || text::iequals(severity.name, text), "'%s' resolved by neither",
               severity.id.c_str());
    FUZZ_CHECK(runbook.find_severity_by_id(severity.id) == &severity, "severity %s not found by its id",
               severity.id.c_str());
  } catch (const UsageError& e) {
    FUZZ_CHECK(e.exit_code() == ExitCode::usage, "exit code");
  }

  try {
    const Scenario& scenario = runbook.scenario(text);
    FUZZ_CHECK(text::iequals(scenario.id, text) || text::iequals(scenario.name, text), "'%s' resolved by neither",
               scenario.id.c_str());
  } catch (const NotFoundError& e) {
    FUZZ_CHECK(e.exit_code() == ExitCode::not_found, "exit code");
  }
  return 0;
}
