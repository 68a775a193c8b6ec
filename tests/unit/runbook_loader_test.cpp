#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>

#include "incident/digest.hpp"
#include "incident/error.hpp"
#include "incident/runbook.hpp"
#include "incident/runbook_loader.hpp"
#include "support/faulty_io.hpp"

using namespace incident;
using namespace std::chrono_literals;
using incident::test::FaultyIo;

namespace {

namespace fs = std::filesystem;

const fs::path& templates_dir() {
  static const fs::path dir = fs::path(INCIDENT_SOURCE_DIR) / "templates";
  return dir;
}

// A small valid runbook. Tests edit it; the line numbers below are the ones they expect.
constexpr std::string_view k_base =
    "schema: 1\n"                             // 1
    "title: Test Runbook\n"                   // 2
    "severities:\n"                           // 3
    "  - id: P0\n"                            // 4
    "    name: Critical\n"                    // 5
    "    definition: Complete outage\n"       // 6
    "    response_time: 15m\n"                // 7   value at column 20
    "  - id: P1\n"                            // 8   value at column 9
    "    name: High\n"                        // 9   value at column 11
    "    definition: Degraded service\n"      // 10
    "    response_time: 1h\n"                 // 11
    "phases:\n"                               // 12
    "  - id: initial\n"                       // 13
    "    name: Initial Response\n"            // 14
    "    window: 0-15m\n"                     // 15  value at column 13
    "    checklists:\n"                       // 16
    "      - groups:\n"                       // 17  checklist mapping at column 9
    "          - name: Immediate Actions\n"   // 18
    "            items:\n"                    // 19
    "              - id: initial.ack\n"       // 20  value at column 21
    "                text: Acknowledge the incident\n";  // 21

// `text` with the one occurrence of `from` replaced by `to`.
std::string edit(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const auto at = out.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(out.find(from, at + 1) == std::string::npos);
  out.replace(at, from.size(), to);
  return out;
}

std::string with(std::string_view tail) { return std::string(k_base) + std::string(tail); }

Runbook parse(std::string_view text, const std::string& source = "runbook.yaml") {
  return parse_runbook(text, source, templates_dir());
}

// What parse_runbook throws for `text`: "source:line:col: message".
std::string load_error(std::string_view text, const std::string& source = "runbook.yaml") {
  try {
    (void)parse(text, source);
  } catch (const DataError& e) {
    CHECK(e.exit_code() == ExitCode::invalid_runbook);
    return e.what();
  } catch (const Error& e) {
    return std::string("(not a DataError) ") + e.what();
  }
  return "(loaded without error)";
}

class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "incident-unit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  [[nodiscard]] const fs::path& path() const { return m_path; }

private:
  fs::path m_path;
};

void write_file(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(out.good());
}

}  // namespace

// --- the bundled runbooks ---------------------------------------------------------------

TEST_CASE("loader the bundled default runbook loads with the seed's content") {
  const Runbook runbook = load_runbook(fs::path(INCIDENT_SOURCE_DIR) / "runbooks/default.yaml", templates_dir());
  CHECK(runbook.schema == 1);
  CHECK(runbook.title == "Incident Response Runbook");
  CHECK(runbook.source == (fs::path(INCIDENT_SOURCE_DIR) / "runbooks/default.yaml").string());

  REQUIRE(runbook.severities.size() == 4);
  const std::pair<const char*, Seconds> severities[] = {{"P0", 15min}, {"P1", 1h}, {"P2", 4h}, {"P3", 24h}};
  const char* names[] = {"Critical", "High", "Medium", "Low"};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(runbook.severities[i].id == severities[i].first);
    CHECK(runbook.severities[i].name == names[i]);
    CHECK(runbook.severities[i].response_time == severities[i].second);
    CHECK(runbook.severities[i].examples.size() == 3);
  }

  REQUIRE(runbook.phases.size() == 4);
  const char* phase_ids[] = {"initial", "investigation", "resolution", "post-incident"};
  const std::pair<Seconds, Seconds> windows[] = {{0s, 15min}, {15min, 60min}, {1h, 4h}, {24h, 48h}};
  const char* window_texts[] = {"0-15 minutes", "15-60 minutes", "1-4 hours", "24-48 hours"};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(runbook.phases[i].id == phase_ids[i]);
    CHECK(runbook.phases[i].window.from == windows[i].first);
    CHECK(runbook.phases[i].window.to == windows[i].second);
    CHECK(format_window(runbook.phases[i].window) == window_texts[i]);
    for (const auto& severity : runbook.severities) {
      CHECK(runbook.phases[i].checklist_for(severity.id) != nullptr);
    }
  }

  // The initial phase has one checklist for P0/P1 and another for P2/P3.
  const Phase& initial = runbook.phases[0];
  REQUIRE(initial.checklists.size() == 2);
  const Checklist* critical = initial.checklist_for("P0");
  const Checklist* medium = initial.checklist_for("P2");
  REQUIRE(critical != nullptr);
  REQUIRE(medium != nullptr);
  CHECK(critical != medium);
  CHECK(initial.checklist_for("P1") == critical);
  CHECK(initial.checklist_for("P3") == medium);
  CHECK(critical->severities == std::vector<std::string>{"P0", "P1"});
  REQUIRE(critical->groups.size() == 3);
  CHECK(critical->groups[0].name == "Immediate Actions");
  CHECK(critical->groups[0].items.at(0).id == "initial.acknowledge");
  REQUIRE(medium->groups.size() == 1);
  CHECK(medium->groups[0].name == "Initial Actions");
  CHECK(medium->groups[0].items.size() == 3);
  // Later phases have one checklist for every severity.
  CHECK(runbook.phases[1].checklists.size() == 1);
  CHECK(runbook.phases[1].checklists[0].severities.empty());

  REQUIRE(runbook.scenarios.size() == 5);
  CHECK(runbook.scenarios[0].id == "database");
  CHECK(runbook.scenarios[0].response.size() == 6);
  CHECK(runbook.scenarios[0].escalation.size() == 2);
  CHECK(runbook.scenarios[1].escalation.empty());

  const char* template_names[] = {"Initial Status Update", "Investigation Update", "Resolution Update"};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(runbook.templates[i].name == template_names[i]);
    CHECK(runbook.templates[i].source ==
          (templates_dir() / (std::string(k_template_keys[i]) + ".txt")).string());
  }
  CHECK(runbook.message_template(TemplateKind::initial).text.rfind("\xF0\x9F\x9A\xA8 INCIDENT: {{title}}\n", 0) == 0);

  REQUIRE(runbook.escalation.triggers.size() == 5);
  const char* trigger_ids[] = {"sla-exceeded", "no-progress", "multiple-systems", "security", "data-loss"};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(runbook.escalation.triggers[i].id == trigger_ids[i]);
  }
  CHECK(runbook.escalation.triggers[1].after == Seconds{2h});
  CHECK_FALSE(runbook.escalation.triggers[0].after.has_value());
  REQUIRE(runbook.escalation.levels.size() == 4);
  const char* contacts[] = {"primary", "secondary", "manager", "executive"};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& level = runbook.escalation.levels[i];
    CHECK(level.level == static_cast<int>(i) + 1);
    CHECK(level.contact == contacts[i]);
    REQUIRE(runbook.escalation.contact_for(level) != nullptr);
  }
  CHECK(runbook.escalation.contact_for(runbook.escalation.levels[0])->value == "[On-call engineer]");
  CHECK(runbook.escalation.contact_for(runbook.escalation.levels[3])->value == "[CTO/VP Engineering]");

  CHECK(runbook.resources.size() == 3);
  REQUIRE(runbook.post_incident.size() == 3);
  CHECK(format_window(runbook.post_incident[2].window) == "1-4 weeks");
  CHECK(runbook.emergency_contacts.size() == 2);
  CHECK(runbook.recovery.size() == 3);
  CHECK(runbook.prevention.size() == 3);
  CHECK(runbook.notes.size() == 5);

  // Checklist item ids are unique across phases and post-incident groups.
  std::set<std::string> ids;
  std::size_t count = 0;
  for (const auto& phase : runbook.phases) {
    for (const auto& checklist : phase.checklists) {
      for (const auto& group : checklist.groups) {
        for (const auto& item : group.items) {
          ids.insert(item.id);
          ++count;
        }
      }
    }
  }
  for (const auto& group : runbook.post_incident) {
    for (const auto& item : group.items) {
      ids.insert(item.id);
      ++count;
    }
  }
  CHECK(count == 54);
  CHECK(ids.size() == count);
}

TEST_CASE("loader the minimal example runbook loads") {
  const Runbook runbook =
      load_runbook(fs::path(INCIDENT_SOURCE_DIR) / "runbooks/examples/minimal.yaml", templates_dir());
  CHECK(runbook.title == "Payments On-call Runbook");
  REQUIRE(runbook.severities.size() == 2);
  CHECK(runbook.severities[0].response_time == 10min);
  REQUIRE(runbook.phases.size() == 2);
  CHECK(runbook.phases[1].window.to == 90min);
  CHECK(runbook.scenarios.size() == 1);
  CHECK(runbook.message_template(TemplateKind::initial).name == "Payments Incident Opened");
  CHECK(runbook.message_template(TemplateKind::initial).text.find("{{commander}}") != std::string::npos);
  CHECK(runbook.message_template(TemplateKind::resolution).name == "Resolution Update");
  REQUIRE(runbook.escalation.levels.size() == 2);
  CHECK(runbook.escalation.levels[1].contact.empty());
  CHECK(runbook.escalation.contact_for(runbook.escalation.levels[1]) == nullptr);
  CHECK(runbook.notes == std::vector<std::string>{"Never retry a card payment by hand"});
}

TEST_CASE("loader the base runbook of these tests is valid") {
  const Runbook runbook = parse(k_base);
  CHECK(runbook.severities.size() == 2);
  CHECK(runbook.phases.size() == 1);
  CHECK(runbook.message_template(TemplateKind::investigation).name == "Investigation Update");
}

// --- file-level problems -----------------------------------------------------------------

TEST_CASE("loader YAML syntax errors give the parser's message and position") {
  CHECK(load_error(edit(k_base, "    name: High\n", "    name: High\n   broken: x\n")) ==
        "runbook.yaml:10:4: end of sequence not found");
  CHECK(load_error("schema: 1\ntitle: [Test, Runbook\n") == "runbook.yaml:3:1: end of sequence flow not found");
  // An unclosed quote would otherwise swallow the rest of the file.
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title: \"Test Runbook")) ==
        "runbook.yaml:2:8: missing closing \" (the quoted text starting here never ends)");
}

TEST_CASE("loader empty and comment-only files are refused") {
  CHECK(load_error("") == "runbook.yaml: the file is empty");
  CHECK(load_error("\n  \n\t\n") == "runbook.yaml: the file is empty");
  CHECK(load_error("# nothing but a comment\n\n   # and another\n") == "runbook.yaml: the file is empty");
}

TEST_CASE("loader a runbook over 1 MiB is refused") {
  std::string exact(k_base);
  exact += "# " + std::string(1024 * 1024 - exact.size() - 3, 'x') + "\n";
  REQUIRE(exact.size() == 1024 * 1024);
  const std::string big = exact + "#\n";

  SECTION("parse_runbook on a string") {
    CHECK(parse(exact).title == "Test Runbook");
    CHECK(load_error(big) == "runbook.yaml: file is larger than 1048576 bytes (1048578 bytes)");
  }
  SECTION("load_runbook on a file") {
    TempDir dir;
    write_file(dir.path() / "exact.yaml", exact);
    CHECK(load_runbook(dir.path() / "exact.yaml", templates_dir()).title == "Test Runbook");
    const fs::path path = dir.path() / "big.yaml";
    write_file(path, big);
    try {
      (void)load_runbook(path, templates_dir());
      FAIL("no error");
    } catch (const DataError& e) {
      CHECK(std::string(e.what()) == path.string() + ": file is larger than 1048576 bytes");
      CHECK(e.pos().line == 0);
      CHECK(e.exit_code() == ExitCode::invalid_runbook);
    }
  }
}

TEST_CASE("loader load_runbook names the file in messages and fails plainly when it is missing") {
  TempDir dir;
  const fs::path path = dir.path() / "runbook.yaml";
  write_file(path, edit(k_base, "response_time: 1h", "response_time: 1 hour"));
  try {
    (void)load_runbook(path, templates_dir());
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(std::string(e.what()) == path.string() +
                                       ":11:20: response_time '1 hour' is not a duration (a whole number and a "
                                       "unit: 30s, 15m, 4h, 2d, 1w)");
    CHECK(e.pos().path == path.string());
    CHECK(e.pos().line == 11);
    CHECK(e.pos().column == 20);
  }
  try {
    (void)load_runbook(dir.path() / "missing.yaml", templates_dir());
    FAIL("no error");
  } catch (const DataError&) {
    FAIL("a missing file is not a data error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "cannot read " + (dir.path() / "missing.yaml").string() +
                                       ": No such file or directory");
    CHECK(e.exit_code() == ExitCode::failure);
  }
}

TEST_CASE("loader invalid UTF-8 and NUL bytes are refused with their position") {
  CHECK(load_error(edit(k_base, "Test Runbook", "Test \xff Runbook")) ==
        "runbook.yaml:2:13: invalid UTF-8 (byte 0xff)");
  CHECK(load_error(edit(k_base, "Degraded service", "Degraded \xe2\x82 service")) ==
        "runbook.yaml:10:26: invalid UTF-8 (byte 0xe2)");
  CHECK(load_error(edit(k_base, "Test Runbook", std::string_view("Test\0Runbook", 12))) ==
        "runbook.yaml:2:12: NUL byte in text");
}

TEST_CASE("loader anchors aliases and tags are refused") {
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title: &t Test Runbook")) ==
        "runbook.yaml:2:8: anchors (&name) are not allowed in a runbook");
  CHECK(load_error(with("notes: [*t]\n")) == "runbook.yaml:22:9: the referenced anchor is not defined");
  CHECK(load_error("a: &a [*a]\n") == "runbook.yaml:1:4: anchors (&name) are not allowed in a runbook");
  CHECK(load_error(with("notes: &n [a, b]\nprevention: *n\n")) ==
        "runbook.yaml:22:8: anchors (&name) are not allowed in a runbook");
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title: !!str Test Runbook")) ==
        "runbook.yaml:2:8: tags (!!str) are not allowed in a runbook");
  CHECK(load_error(edit(k_base, "schema: 1", "schema: !!int 1")) ==
        "runbook.yaml:1:9: tags (!!int) are not allowed in a runbook");
}

TEST_CASE("loader billion laughs is refused at once") {
  std::string text = "lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level <= 9; ++level) {
    text += fmt::format("lol{}: &lol{} [", level, level);
    for (int i = 0; i < 10; ++i) {
      text += fmt::format("{}*lol{}", i == 0 ? "" : ", ", level - 1);
    }
    text += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  CHECK(load_error(text) == "runbook.yaml:1:7: anchors (&name) are not allowed in a runbook");
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("loader deep nesting is refused quickly without overflowing the stack") {
  const auto start = std::chrono::steady_clock::now();
  CHECK(load_error(std::string(10'000, '[')) == "runbook.yaml:1:17: nesting is deeper than 32 levels");
  CHECK(load_error("notes: " + std::string(10'000, '[') + std::string(10'000, ']')) ==
        "runbook.yaml:1:39: nesting is deeper than 32 levels");
  std::string deep = "title:\n";
  for (int i = 1; i < 40; ++i) {
    deep += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- x:\n";
  }
  // Each line opens a list and a mapping: the 33rd level is line 17's mapping.
  CHECK(load_error(deep) == "runbook.yaml:17:35: nesting is deeper than 32 levels");
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("loader two YAML documents are refused") {
  CHECK(load_error(with("---\nschema: 1\n")) ==
        "runbook.yaml:22:1: more than one YAML document ('---') in the file");
  CHECK(load_error("---\n" + std::string(k_base) + "...\n---\ntitle: again\n") ==
        "runbook.yaml:24:1: more than one YAML document ('---') in the file");
}

// --- the top level ------------------------------------------------------------------------

TEST_CASE("loader schema must be 1 and a newer one asks for an upgrade") {
  const std::string upgrade =
      "runbook.yaml:1:9: runbook schema 2 is newer than this version of incident understands (schema 1); "
      "upgrade incident";
  CHECK(load_error(edit(k_base, "schema: 1", "schema: 2")) == upgrade);
  // Refused for its schema even when it uses keys this version does not know.
  CHECK(load_error(edit(k_base, "schema: 1\n", "schema: 2\nowners: [sre]\n")) == upgrade);
  CHECK(load_error(edit(k_base, "schema: 1\n", "oncall_rotation: weekly\nschema: 99\n")) ==
        "runbook.yaml:2:9: runbook schema 99 is newer than this version of incident understands (schema 1); "
        "upgrade incident");

  const std::string not_number = "schema must be a whole number (this version of incident reads schema 1)";
  CHECK(load_error(edit(k_base, "schema: 1", "schema: \"1\"")) == "runbook.yaml:1:9: " + not_number);
  CHECK(load_error(edit(k_base, "schema: 1", "schema: '1'")) == "runbook.yaml:1:9: " + not_number);
  CHECK(load_error(edit(k_base, "schema: 1", "schema: 0")) == "runbook.yaml:1:9: " + not_number);
  CHECK(load_error(edit(k_base, "schema: 1", "schema: -1")) == "runbook.yaml:1:9: " + not_number);
  CHECK(load_error(edit(k_base, "schema: 1", "schema: 1.0")) == "runbook.yaml:1:9: " + not_number);
  CHECK(load_error(edit(k_base, "schema: 1", "schema: one")) == "runbook.yaml:1:9: " + not_number);
  CHECK(load_error(edit(k_base, "schema: 1", "schema: 99999999999999999999")) == "runbook.yaml:1:9: " + not_number);
  CHECK(load_error(edit(k_base, "schema: 1", "schema: [1]")) == "runbook.yaml:1:9: " + not_number);
  CHECK(load_error(edit(k_base, "schema: 1\n", "")) == "runbook.yaml:1:1: the runbook needs 'schema'");
}

TEST_CASE("loader the runbook must be a mapping") {
  CHECK(load_error("just some text\n") == "runbook.yaml:1:1: the runbook must be a mapping, found text");
  CHECK(load_error("- schema: 1\n") == "runbook.yaml:1:1: the runbook must be a mapping, found a list");
}

TEST_CASE("loader a missing required section is reported at the mapping that needs it") {
  const auto severities_start = k_base.find("severities:");
  const auto phases_start = k_base.find("phases:");
  const std::string no_severities =
      std::string(k_base.substr(0, severities_start)) + std::string(k_base.substr(phases_start));
  // Without severities the checklist is checked against none; severities come first.
  CHECK(load_error(no_severities) == "runbook.yaml:1:1: the runbook needs 'severities'");
  CHECK(load_error(k_base.substr(0, phases_start)) == "runbook.yaml:1:1: the runbook needs 'phases'");
  CHECK(load_error(edit(k_base, "title: Test Runbook\n", "")) == "runbook.yaml:1:1: the runbook needs 'title'");
  CHECK(load_error(edit(k_base, "    definition: Degraded service\n", "")) ==
        "runbook.yaml:8:5: a severity needs 'definition'");
  CHECK(load_error(edit(k_base, "    window: 0-15m\n", "")) == "runbook.yaml:13:5: a phase needs 'window'");
  CHECK(load_error(edit(k_base, "                text: Acknowledge the incident\n", "")) ==
        "runbook.yaml:20:17: a checklist item needs 'text'");
}

TEST_CASE("loader a key without a value is reported at the key") {
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title:")) ==
        "runbook.yaml:2:1: the runbook needs a value for 'title'");
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title:   # to do")) ==
        "runbook.yaml:2:1: the runbook needs a value for 'title'");
  CHECK(load_error(edit(k_base, "response_time: 1h", "response_time:")) ==
        "runbook.yaml:11:5: a severity needs a value for 'response_time'");
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title: ~")) ==
        "runbook.yaml:2:1: the runbook needs a value for 'title'");
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title: \"\"")) ==
        "runbook.yaml:2:8: title must not be empty");
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title: '   '")) ==
        "runbook.yaml:2:8: title must not be empty");
}

TEST_CASE("loader wrong types name what was expected and what was found") {
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title: [Test, Runbook]")) ==
        "runbook.yaml:2:8: title must be text, found a list");
  CHECK(load_error(edit(k_base, "title: Test Runbook", "title: {text: Test}")) ==
        "runbook.yaml:2:8: title must be text, found a mapping");
  CHECK(load_error(edit(k_base, "    name: High", "    name:\n      - High")) ==
        "runbook.yaml:10:7: severity name must be text, found a list");
  CHECK(load_error(std::string(k_base.substr(0, k_base.find("phases:"))) + "phases:\n  id: initial\n") ==
        "runbook.yaml:13:3: phases must be a list, found a mapping");
  CHECK(load_error(with("notes: Always be kind\n")) == "runbook.yaml:22:8: notes must be a list, found text");
  CHECK(load_error(with("notes: []\n")) == "runbook.yaml:22:8: notes must not be empty");
  CHECK(load_error(with("notes:\n  - fine\n  - [nested]\n")) ==
        "runbook.yaml:24:5: each of notes must be text, found a list");
  CHECK(load_error(with("notes:\n  - fine\n  -\n  - fine again\n")) ==
        "runbook.yaml:24:3: each of notes must be text, found nothing");
  CHECK(load_error(edit(k_base, "severities:\n  - id: P0", "severities:\n  - P2\n  - id: P0")) ==
        "runbook.yaml:4:5: a severity must be a mapping, found text");
  CHECK(load_error(edit(k_base, "            items:\n", "            items:\n              -\n")) ==
        "runbook.yaml:20:15: a checklist item must be a mapping, found nothing");
  CHECK(load_error(with("escalation: [primary]\n")) ==
        "runbook.yaml:22:13: escalation must be a mapping, found a list");
}

TEST_CASE("loader an unknown key is refused with a did-you-mean") {
  CHECK(load_error(edit(k_base, "    response_time: 15m", "    respone_time: 15m")) ==
        "runbook.yaml:7:5: unknown key 'respone_time' in a severity (did you mean 'response_time'?)");
  CHECK(load_error(edit(k_base, "phases:", "phase:")) ==
        "runbook.yaml:12:1: unknown key 'phase' in the runbook (did you mean 'phases'?)");
  CHECK(load_error(edit(k_base, "title:", "titel:")) ==
        "runbook.yaml:2:1: unknown key 'titel' in the runbook (did you mean 'title'?)");
  CHECK(load_error(with("colour: red\n")) == "runbook.yaml:22:1: unknown key 'colour' in the runbook");
  CHECK(load_error(with("templates:\n  inital:\n    name: Opening\n")) ==
        "runbook.yaml:23:3: unknown key 'inital' in templates (did you mean 'initial'?)");
  CHECK(load_error(with("\"bad\\e[31mkey\": 1\n")) == "runbook.yaml:22:1: unknown key 'bad\\e[31mkey' in the runbook");
}

TEST_CASE("loader a key may appear once per mapping") {
  CHECK(load_error(edit(k_base, "title: Test Runbook\n", "title: Test Runbook\ntitle: Again\n")) ==
        "runbook.yaml:3:1: duplicate key 'title' in the runbook (first at line 2)");
  CHECK(load_error(edit(k_base, "    name: High\n", "    name: High\n    name: Higher\n")) ==
        "runbook.yaml:10:5: duplicate key 'name' in a severity (first at line 9)");
  CHECK(load_error(edit(k_base, "title: Test Runbook\n", "title: Test Runbook\n\"title\": Quoted\n")) ==
        "runbook.yaml:3:1: duplicate key 'title' in the runbook (first at line 2)");
}

// --- ids ----------------------------------------------------------------------------------

TEST_CASE("loader duplicate ids are refused at the second one") {
  SECTION("severity ids, case-insensitively, and severity names") {
    CHECK(load_error(edit(k_base, "  - id: P1", "  - id: P0")) ==
          "runbook.yaml:8:9: duplicate severity id 'P0' (first at line 4)");
    CHECK(load_error(edit(k_base, "  - id: P1", "  - id: p0")) ==
          "runbook.yaml:8:9: duplicate severity id 'p0' (first at line 4)");
    CHECK(load_error(edit(k_base, "    name: High", "    name: CRITICAL")) ==
          "runbook.yaml:9:11: duplicate severity name 'CRITICAL' (first at line 5)");
    CHECK(load_error(edit(k_base, "    name: High", "    name: P0")) ==
          "runbook.yaml:9:11: severity name 'P0' is also a severity id");
  }
  SECTION("scenario ids") {
    CHECK(load_error(with("scenarios:\n"                  // 22
                          "  - id: database\n"            // 23
                          "    name: Database Issues\n"   // 24
                          "    symptoms: [Slow queries]\n"
                          "    response: [Check the database]\n"
                          "  - id: database\n"            // 27
                          "    name: Database Again\n"
                          "    symptoms: [Timeouts]\n"
                          "    response: [Check again]\n")) ==
          "runbook.yaml:27:9: duplicate scenario id 'database' (first at line 23)");
  }
  SECTION("scenario names, case-insensitively, and a name that is another scenario's id") {
    // `scenario NAME` looks a scenario up by id or name: each must mean one scenario.
    const std::string two = "scenarios:\n"                  // 22
                            "  - id: database\n"            // 23
                            "    name: Database Issues\n"   // 24
                            "    symptoms: [Slow queries]\n"
                            "    response: [Check the database]\n"
                            "  - id: cache\n"               // 27
                            "    name: Cache Issues\n"      // 28
                            "    symptoms: [Misses]\n"
                            "    response: [Check the cache]\n";
    CHECK_NOTHROW(parse(with(two)));
    CHECK(load_error(with(edit(two, "name: Cache Issues", "name: DATABASE issues"))) ==
          "runbook.yaml:28:11: duplicate scenario name 'DATABASE issues' (first at line 24)");
    CHECK(load_error(with(edit(two, "name: Cache Issues", "name: Database"))) ==
          "runbook.yaml:28:11: scenario name 'Database' is also the id of the scenario at line 23");
    // The id of a later scenario counts too.
    CHECK(load_error(with(edit(two, "name: Database Issues", "name: cache"))) ==
          "runbook.yaml:24:11: scenario name 'cache' is also the id of the scenario at line 27");
    // A scenario may be named after its own id.
    CHECK_NOTHROW(parse(with(edit(two, "name: Cache Issues", "name: Cache"))));
  }
  SECTION("checklist item ids across phases") {
    CHECK(load_error(with("  - id: investigation\n"       // 22
                          "    name: Investigation\n"
                          "    window: 15-60m\n"
                          "    checklists:\n"
                          "      - groups:\n"
                          "          - name: Gather Information\n"
                          "            items:\n"
                          "              - id: initial.ack\n"  // 29
                          "                text: Acknowledge again\n")) ==
          "runbook.yaml:29:21: duplicate checklist item id 'initial.ack' (first at line 20)");
  }
  SECTION("checklist item ids between a phase and the post-incident checklist") {
    CHECK(load_error(with("post_incident:\n"
                          "  - name: Immediate\n"
                          "    window: 0-24h\n"
                          "    items:\n"
                          "      - id: initial.ack\n"  // 26
                          "        text: Acknowledged\n")) ==
          "runbook.yaml:26:13: duplicate checklist item id 'initial.ack' (first at line 20)");
  }
  SECTION("phase ids") {
    CHECK(load_error(with("  - id: initial\n"  // 22
                          "    name: Again\n"
                          "    window: 15-60m\n"
                          "    checklists:\n"
                          "      - groups:\n"
                          "          - name: More\n"
                          "            items:\n"
                          "              - id: initial.more\n"
                          "                text: More\n")) ==
          "runbook.yaml:22:9: duplicate phase id 'initial' (first at line 13)");
  }
  SECTION("procedure trigger and contact ids") {
    CHECK(load_error(with("recovery:\n"
                          "  - id: database\n"  // 23
                          "    name: Database Recovery\n"
                          "    steps: [Check backups]\n"
                          "  - id: database\n"  // 26
                          "    name: Data Recovery\n"
                          "    steps: [Restore]\n")) ==
          "runbook.yaml:26:9: duplicate procedure id 'database' (first at line 23)");
    CHECK(load_error(with("escalation:\n"
                          "  triggers:\n"
                          "    - id: security\n"  // 24
                          "      text: Security implications\n"
                          "    - id: security\n"  // 26
                          "      text: Data exposed\n")) ==
          "runbook.yaml:26:11: duplicate trigger id 'security' (first at line 24)");
    CHECK(load_error(with("escalation:\n"
                          "  contacts:\n"
                          "    - {id: primary, name: Primary, value: \"[On-call]\"}\n"  // 24
                          "    - {id: primary, name: Backup, value: \"[Backup]\"}\n")) ==
          "runbook.yaml:25:12: duplicate contact id 'primary' (first at line 24)");
  }
  SECTION("ids must be lower-case") {
    CHECK(load_error(edit(k_base, "id: initial.ack", "id: Initial.Ack")) ==
          "runbook.yaml:20:21: item id 'Initial.Ack' is not a valid id (lower-case letters, digits, '.', '_', '-'; "
          "at most 64 characters)");
    CHECK(load_error(edit(k_base, "  - id: P1", "  - id: 1P")) ==
          "runbook.yaml:8:9: severity id '1P' is not valid (a letter, then letters, digits, '_' or '-'; at most 16 "
          "characters)");
  }
}

// --- references ---------------------------------------------------------------------------

TEST_CASE("loader a checklist may only name defined severities") {
  CHECK(load_error(edit(k_base, "      - groups:", "      - severities: [P0, p1]\n        groups:")) ==
        "runbook.yaml:17:26: severity 'p1' is not defined (did you mean 'P1'?) (known: P0, P1)");
  CHECK(load_error(edit(k_base, "      - groups:", "      - severities:\n          - SEV1\n        groups:")) ==
        "runbook.yaml:18:13: severity 'SEV1' is not defined (known: P0, P1)");
  CHECK(load_error(edit(k_base, "      - groups:", "      - severities: []\n        groups:")) ==
        "runbook.yaml:17:21: severities must not be empty");
}

TEST_CASE("loader a severity may have only one checklist per phase") {
  const std::string second = "      - severities: [P1, P0]\n"  // 22
                              "        groups:\n"
                              "          - name: Other\n"
                              "            items:\n"
                              "              - id: initial.other\n"
                              "                text: Other\n";
  CHECK(load_error(edit(k_base, "      - groups:", "      - severities: [P0]\n        groups:") + second) ==
        "runbook.yaml:23:9: severity P0 already has a checklist in phase 'initial' (line 17)");
  // A checklist without `severities` covers every severity.
  CHECK(load_error(with(second)) ==
        "runbook.yaml:22:9: severity P0 already has a checklist in phase 'initial' (line 17)");
}

TEST_CASE("loader escalation levels are numbered in order and name defined contacts") {
  const std::string contacts = "  contacts:\n"  // 28
                               "    - id: oncall\n"
                               "      name: On-call\n"
                               "      value: \"#oncall\"\n"
                               "    - id: lead\n"
                               "      name: Lead\n"
                               "      value: \"[Team lead]\"\n";
  CHECK(parse(with("escalation:\n"
                   "  levels:\n"
                   "    - level: 1\n"
                   "      role: On-call engineer\n"
                   "      contact: oncall\n"
                   "    - level: 2\n") +
              "      role: Team lead\n" + contacts)
            .escalation.levels.size() == 2);
  CHECK(load_error(with("escalation:\n"
                        "  levels:\n"
                        "    - level: 1\n"
                        "      role: On-call engineer\n"
                        "    - level: 3\n"  // 26
                        "      role: Team lead\n")) ==
        "runbook.yaml:26:14: expected level 2 here (levels are numbered 1, 2, 3, ... in order)");
  CHECK(load_error(with("escalation:\n"
                        "  levels:\n"
                        "    - level: 2\n"  // 24
                        "      role: Team lead\n"
                        "    - level: 1\n"
                        "      role: On-call engineer\n")) ==
        "runbook.yaml:24:14: expected level 1 here (levels are numbered 1, 2, 3, ... in order)");
  CHECK(load_error(with("escalation:\n"
                        "  levels:\n"
                        "    - level: first\n"
                        "      role: On-call engineer\n")) ==
        "runbook.yaml:24:14: expected level 1 here (levels are numbered 1, 2, 3, ... in order)");
  CHECK(load_error(with("escalation:\n"
                        "  levels:\n"
                        "    - level: 1\n"
                        "      role: On-call engineer\n"
                        "      contact: oncal\n"  // 26
                        "    - level: 2\n"
                        "      role: Team lead\n") +
                   contacts) ==
        "runbook.yaml:26:16: contact 'oncal' is not defined (did you mean 'oncall'?) (known: oncall, lead)");
  CHECK(load_error(with("escalation:\n"
                        "  levels:\n"
                        "    - level: 1\n"
                        "      role: On-call engineer\n"
                        "      contact: oncall\n")) ==
        "runbook.yaml:26:16: contact 'oncall' is not defined (escalation has no contacts)");
}

// --- durations and windows ----------------------------------------------------------------

TEST_CASE("loader durations that do not parse are refused at the value") {
  const char* bad[] = {"15 minutes", "0m", "-5m", "15x", "1h30m", "15", "m", "1.5h", "15M", "9999999999s",
                       "\"\t15m\""};
  for (const char* value : bad) {
    const std::string yaml = edit(k_base, "response_time: 15m", std::string("response_time: ") + value);
    std::string shown = value;
    if (shown == "\"\t15m\"") {
      shown = "\\t15m";
    }
    CHECK(load_error(yaml) == "runbook.yaml:7:20: response_time '" + shown +
                                  "' is not a duration (a whole number and a unit: 30s, 15m, 4h, 2d, 1w)");
  }
  CHECK(load_error(with("escalation:\n"
                        "  triggers:\n"
                        "    - id: no-progress\n"
                        "      text: No progress\n"
                        "      after: 2 hours\n")) ==
        "runbook.yaml:26:14: after '2 hours' is not a duration (a whole number and a unit: 30s, 15m, 4h, 2d, 1w)");
  // Quoted or not, a duration is text.
  CHECK(parse(edit(k_base, "response_time: 15m", "response_time: \"15m\"")).severities[0].response_time == 15min);
}

TEST_CASE("loader windows that do not parse or do not go forward are refused") {
  const char* bad[] = {"0-15", "15-15m", "30-15m", "1-4hours", "0-15 minutes", "-5-15m", "0 - 15m", "0-15M", "15m"};
  for (const char* value : bad) {
    CHECK(load_error(edit(k_base, "window: 0-15m", std::string("window: ") + value)) ==
          "runbook.yaml:15:13: window '" + std::string(value) +
              "' is not a window (FROM-TO and a unit, FROM < TO: 0-15m, 1-4h, 1-7d)");
  }
  CHECK(load_error(with("post_incident:\n"
                        "  - name: Short-term\n"
                        "    window: 7-1d\n"
                        "    items:\n"
                        "      - id: post.review\n"
                        "        text: Review\n")) ==
        "runbook.yaml:24:13: window '7-1d' is not a window (FROM-TO and a unit, FROM < TO: 0-15m, 1-4h, 1-7d)");
}

// --- templates ----------------------------------------------------------------------------

TEST_CASE("loader inline templates are checked for placeholders") {
  const std::string known =
      "(known: id, title, severity, severity_name, status, impact, started_at, acknowledged_at, resolved_at, "
      "duration, next_update, commander, findings, next_steps, eta, eta_at, root_cause, fix, monitoring, links, "
      "contacts)";
  CHECK(load_error(with("templates:\n"
                        "  initial:\n"
                        "    text: |\n"  // 24, the block starts at column 11
                        "      Incident {{title}}\n"
                        "      Commander: {{comander}}\n")) ==
        "runbook.yaml:24:11: template 'initial', line 2: unknown placeholder '{{comander}}' (did you mean "
        "'commander'?) " +
            known);
  CHECK(load_error(with("templates:\n"
                        "  resolution:\n"
                        "    text: \"Fixed {{title} for good\"\n")) ==
        "runbook.yaml:24:11: template 'resolution', line 1: unclosed placeholder '{{' (expected '}}' on the same "
        "line)");
  CHECK(load_error(with("templates:\n"
                        "  initial:\n"
                        "    text: \"{{title}}\"\n"
                        "    file: initial.txt\n")) ==
        "runbook.yaml:25:11: template 'initial' has both 'text' and 'file'; keep one");
  CHECK(load_error(with("templates:\n"
                        "  initial:\n"
                        "    name: Opening\n"
                        "    txt: \"{{title}}\"\n")) ==
        "runbook.yaml:25:5: unknown key 'txt' in template 'initial' (did you mean 'text'?)");

  const Runbook runbook = parse(with("templates:\n"
                                     "  investigation:\n"
                                     "    name: Progress\n"
                                     "    text: |\n"
                                     "      Still on {{title}} ({{severity}})\n"));
  const Template& tmpl = runbook.message_template(TemplateKind::investigation);
  CHECK(tmpl.name == "Progress");
  CHECK(tmpl.text == "Still on {{title}} ({{severity}})\n");
  CHECK(tmpl.source == "runbook.yaml");
  CHECK(tmpl.first_line == 25);
  CHECK(runbook.message_template(TemplateKind::initial).name == "Initial Status Update");
}

TEST_CASE("loader file templates are read next to the runbook and errors point into them") {
  TempDir dir;
  const std::string source = (dir.path() / "runbook.yaml").string();
  write_file(dir.path() / "opening.txt", "Incident {{title}}\n  Owner: {{owner}}\n");
  CHECK(load_error(with("templates:\n"
                        "  initial:\n"
                        "    file: opening.txt\n"),
                   source) ==
        (dir.path() / "opening.txt").string() +
            ":2:10: unknown placeholder '{{owner}}' (known: id, title, severity, severity_name, status, impact, "
            "started_at, acknowledged_at, resolved_at, duration, next_update, commander, findings, next_steps, eta, "
            "eta_at, root_cause, fix, monitoring, links, contacts)");

  write_file(dir.path() / "unclosed.txt", "ok {{title}}\nStatus: {{status\n");
  CHECK(load_error(with("templates:\n  resolution:\n    file: unclosed.txt\n"), source) ==
        (dir.path() / "unclosed.txt").string() + ":2:9: unclosed placeholder '{{' (expected '}}' on the same line)");

  write_file(dir.path() / "latin1.txt", "caf\xe9 {{title}}\n");
  CHECK(load_error(with("templates:\n  resolution:\n    file: latin1.txt\n"), source) ==
        (dir.path() / "latin1.txt").string() + ":1:4: invalid UTF-8 (byte 0xe9)");

  write_file(dir.path() / "blank.txt", " \n\n");
  CHECK(load_error(with("templates:\n  resolution:\n    file: blank.txt\n"), source) ==
        (dir.path() / "blank.txt").string() + ": template 'resolution' is empty");

  CHECK(load_error(with("templates:\n  resolution:\n    file: missing.txt\n"), source) ==
        source + ":24:11: template file '" + (dir.path() / "missing.txt").string() + "' does not exist");

  write_file(dir.path() / "good.txt", "Resolved {{title}} by {{commander}}\n");
  const Runbook runbook = parse(with("templates:\n  resolution:\n    file: good.txt\n"), source);
  const Template& tmpl = runbook.message_template(TemplateKind::resolution);
  CHECK(tmpl.text == "Resolved {{title}} by {{commander}}\n");
  CHECK(tmpl.source == (dir.path() / "good.txt").string());
  CHECK(tmpl.name == "Resolution Update");
}

TEST_CASE("loader a missing bundled template is reported with its path") {
  TempDir dir;
  try {
    (void)parse_runbook(k_base, "runbook.yaml", dir.path());
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(std::string(e.what()) == (dir.path() / "initial.txt").string() + ": bundled template 'initial' is missing");
  }
}

// --- identity, digest, I/O -----------------------------------------------------------------

TEST_CASE("loader the runbook's source is its path made absolute and lexically normal") {
  TempDir dir;
  fs::create_directories(dir.path() / "sub");
  write_file(dir.path() / "runbook.yaml", k_base);
  const Runbook runbook = load_runbook(dir.path() / "sub" / ".." / "." / "runbook.yaml", templates_dir());
  CHECK(runbook.source == (dir.path() / "runbook.yaml").string());
  // Messages keep the name as given.
  CHECK_THAT(load_error(edit(k_base, "response_time: 15m", "response_time: 15 min"), "rel/../runbook.yaml"),
             Catch::StartsWith("rel/../runbook.yaml:7:20: "));
  const Runbook relative = parse(k_base, "rel/../runbook.yaml");
  CHECK(relative.source == (fs::current_path() / "runbook.yaml").string());
}

TEST_CASE("loader the digest covers the YAML bytes and each template's text, length-prefixed") {
  const Runbook runbook = parse(k_base);
  // The documented framing, computed independently: 8-byte big-endian length, then bytes.
  const auto framed = [](std::string_view part) {
    std::string out;
    for (int shift = 56; shift >= 0; shift -= 8) {
      out += static_cast<char>((part.size() >> shift) & 0xff);
    }
    return out + std::string(part);
  };
  std::string all = framed(k_base);
  for (const auto& tmpl : runbook.templates) {
    all += framed(tmpl.text);
  }
  CHECK(runbook.digest == "sha256:" + sha256_hex(all));
  CHECK(runbook.digest.size() == 7 + 64);
  CHECK(runbook_digest(k_base, runbook) == runbook.digest);

  // Any byte of the YAML, even a comment, changes it; so does a template's text.
  CHECK(parse(std::string(k_base) + "# a comment\n").digest != runbook.digest);
  Runbook changed = runbook;
  changed.templates[2].text += " ";
  CHECK(runbook_digest(k_base, changed) != runbook.digest);
  // Moving bytes between fields changes it: the lengths are part of what is hashed.
  Runbook moved = runbook;
  moved.templates[0].text += moved.templates[1].text.substr(0, 1);
  moved.templates[1].text.erase(0, 1);
  CHECK(runbook_digest(k_base, moved) != runbook.digest);

  SECTION("a changed template file changes it") {
    TempDir dir;
    const std::string source = (dir.path() / "runbook.yaml").string();
    const std::string yaml = with("templates:\n  resolution:\n    file: good.txt\n");
    write_file(dir.path() / "good.txt", "Resolved {{title}}\n");
    const Runbook before = parse(yaml, source);
    write_file(dir.path() / "good.txt", "Resolved {{title}}.\n");
    CHECK(parse(yaml, source).digest != before.digest);
  }
}

TEST_CASE("loader every file it reads goes through the Io it is given, and a failed read is a clean error") {
  TempDir dir;
  const fs::path path = dir.path() / "runbook.yaml";
  write_file(dir.path() / "good.txt", "Resolved {{title}}\n");
  write_file(path, with("templates:\n  resolution:\n    file: good.txt\n"));

  FaultyIo counting(std::numeric_limits<int>::max());
  const Runbook expected = load_runbook(path, templates_dir(), counting);
  // The runbook, two bundled templates and the `file:` one: open, fstat, reads, close each.
  REQUIRE(counting.calls >= 4 * 4);

  int failures = 0;
  for (int fail_at = 1; fail_at <= counting.calls; ++fail_at) {
    FaultyIo io(fail_at);
    INFO("failing operation " << fail_at);
    try {
      const Runbook runbook = load_runbook(path, templates_dir(), io);
      // A failed close() after a complete read is not a reason to refuse the file.
      CHECK(runbook.digest == expected.digest);
    } catch (const Error& e) {
      ++failures;
      const std::string what = e.what();
      // Names the file that failed: the runbook, the `file:` template (at its line in
      // the runbook) or a bundled template.
      CHECK_THAT(what, Catch::Contains("cannot read " + path.string()) ||
                           Catch::Contains("cannot read " + (dir.path() / "good.txt").string()) ||
                           Catch::Contains("cannot read " + templates_dir().string()));
      CHECK_THAT(what, Catch::Contains("Input/output error"));
      CHECK(e.exit_code() != ExitCode::ok);
    }
  }
  CHECK(failures > 0);
}

TEST_CASE("loader items may say which command completes them and which item they are the same as") {
  const std::string post = "post_incident:\n"          // 22
                           "  - name: After\n"         // 23
                           "    window: 0-24h\n"       // 24
                           "    items:\n"              // 25
                           "      - id: post.ack\n"    // 26
                           "        text: Acknowledged\n";  // 27
  const Runbook runbook = parse(with(post + "        same_as: initial.ack\n"));
  CHECK(runbook.post_incident[0].items[0].same_as == "initial.ack");
  CHECK(runbook.phases[0].checklists[0].groups[0].items[0].same_as.empty());
  CHECK(parse(edit(k_base, "text: Acknowledge the incident\n", "text: Acknowledge the incident\n                done_by: ack\n"))
            .phases[0].checklists[0].groups[0].items[0].done_by == "ack");
  CHECK_THAT(load_error(edit(k_base, "text: Acknowledge the incident\n",
                             "text: Acknowledge the incident\n                done_by: acknowledge\n")),
             Catch::StartsWith("runbook.yaml:22:26: done_by 'acknowledge' is not known") &&
                 Catch::Contains("ack, commander, post-initial, post-resolution"));

  CHECK(load_error(with(post + "        same_as: initial.akc\n")) ==
        "runbook.yaml:28:18: same_as 'initial.akc' is not a checklist item (did you mean 'initial.ack'?)");
  CHECK(load_error(with(post + "        same_as: post.ack\n")) == "runbook.yaml:28:18: item 'post.ack' is the same as itself");
  CHECK(load_error(with(post + "        same_as: initial.ack\n"
                               "      - id: post.twice\n"
                               "        text: Twice\n"
                               "        same_as: post.ack\n")) ==
        "runbook.yaml:31:18: same_as 'post.ack' names an item that is itself the same as 'initial.ack'; name that one");
}
