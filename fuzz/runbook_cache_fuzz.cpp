// The runbook cache file ($XDG_CACHE_HOME/incident/runbook-*.bin, runbook_cache.hpp): any
// bytes, as a crash, a full disk, another version of incident or a person can leave them.
// decode_runbook_cache() must refuse what is not exactly a snapshot, and whatever it
// accepts must be a runbook the loader could have returned.
//
// The file ends with a checksum, which random mutations almost never keep right: when the
// input's first byte is odd the target rewrites the last 8 bytes with the checksum of the
// rest (FNV-1a 64, little-endian, as the format says), so the decoder's later checks are
// reached; when it is even the bytes are decoded as they are.
//
// Invariants: only nullopt or a Runbook comes back (no exception, no crash, no read out of
// bounds); a snapshot that decodes re-encodes to exactly its bytes (the format is
// canonical); its runbook keeps the loader's invariants (each severity found by its own id
// and name, each scenario by its id, templates that pass check_template, UTF-8 text) and
// renders every view and message.

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "incident/error.hpp"
#include "incident/render_runbook.hpp"
#include "incident/runbook_cache.hpp"
#include "incident/template.hpp"
#include "incident/text.hpp"

using namespace incident;

namespace {

// Not a real path: the decoder never touches the file system. The seeds are made for it.
const RunbookCacheKey k_key{"/fuzz/runbook.yaml", "/fuzz/runbook.yaml", "/fuzz/templates"};

std::string with_checksum(std::string bytes) {
  if (bytes.size() < 8) {
    return bytes;
  }
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i + 8 < bytes.size(); ++i) {
    hash ^= static_cast<unsigned char>(bytes[i]);
    hash *= 0x100000001b3ULL;
  }
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[bytes.size() - 8 + i] = static_cast<char>((hash >> (8 * i)) & 0xff);
  }
  return bytes;
}

void check_runbook(const Runbook& runbook) {
  FUZZ_CHECK(runbook.source == k_key.source, "source %s", runbook.source.c_str());
  FUZZ_CHECK(!runbook.severities.empty() && !runbook.phases.empty(), "no severities or no phases");
  for (const auto& severity : runbook.severities) {
    FUZZ_CHECK(severity.response_time.count() > 0, "severity %s without an SLA", severity.id.c_str());
    FUZZ_CHECK(&runbook.severity(severity.id) == &severity, "severity id %s resolves elsewhere", severity.id.c_str());
    FUZZ_CHECK(&runbook.severity(severity.name) == &severity, "severity name %s resolves elsewhere",
               severity.name.c_str());
  }
  for (const auto& scenario : runbook.scenarios) {
    FUZZ_CHECK(&runbook.scenario(scenario.id) == &scenario, "scenario %s resolves elsewhere", scenario.id.c_str());
  }
  for (const auto& tmpl : runbook.templates) {
    FUZZ_CHECK(!check_template(tmpl.text), "template %s does not pass check_template", tmpl.name.c_str());
    FUZZ_CHECK(!text::find_invalid_text(tmpl.text), "template %s is not valid text", tmpl.name.c_str());
  }
  FUZZ_CHECK(!text::find_invalid_text(runbook.title), "title is not valid text");
}

void render_everything(const Runbook& runbook) {
  for (const auto& section : runbook_sections()) {
    (void)render_runbook_text(runbook, section);
    (void)runbook_json(runbook, section).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  for (const auto& phase : runbook.phases) {
    for (const auto& severity : runbook.severities) {
      (void)render_checklist_text(runbook, phase, severity.id);
    }
  }
  (void)render_scenario_list_text(runbook);
  for (const auto& scenario : runbook.scenarios) {
    (void)render_scenario_text(scenario);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const bool fix_checksum = (data[0] & 1) != 0;
  std::string bytes(fuzz::as_text(data + 1, size - 1));
  if (fix_checksum) {
    bytes = with_checksum(std::move(bytes));
  }
  std::string problem;
  const auto runbook = decode_runbook_cache(bytes, k_key, &problem);
  if (!runbook) {
    FUZZ_CHECK(!problem.empty(), "refused without a reason");
    return 0;
  }
  const std::string again = encode_runbook_cache(*runbook, k_key);
  if (again != bytes) {
    std::size_t at = 0;
    while (at < again.size() && at < bytes.size() && again[at] == bytes[at]) {
      ++at;
    }
    FUZZ_CHECK(false, "a snapshot that re-encodes to other bytes (%zu vs %zu, first difference at %zu)",
               again.size(), bytes.size(), at);
  }
  check_runbook(*runbook);
  try {
    render_everything(*runbook);
  } catch (const nlohmann::json::exception& e) {
    FUZZ_CHECK(false, "JSON of an accepted runbook fails: %s", e.what());
  }
  return 0;
}
