// The runbook commands of the real binary: severities, scenario, escalation, runbook show
// and runbook validate. Text output is compared with golden files (tests/data/golden/runbook/,
// reviewed against runbooks/default.yaml), --json output is parsed and its shape checked,
// and every error is checked for its exit code and its one line on stderr.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/process.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Generous for a sanitizer build; a command that takes this long is hung.
constexpr std::chrono::seconds k_time_limit{60};

const std::vector<std::string> k_sections = {"overview",  "severities",    "phases",   "scenarios",
                                             "templates", "escalation",    "resources", "post-incident",
                                             "contacts",  "recovery",      "prevention", "notes"};

Result run_cli(const std::vector<std::string>& args, const fs::path& home,
                const std::map<std::string, std::string>& env = {}, const fs::path& cwd = {}) {
  Launch how;
  how.args = args;
  how.home = home;
  how.env = env;
  how.cwd = cwd;
  how.timeout = k_time_limit;
  return launch(how);
}

std::string describe(const std::vector<std::string>& args, const Result& result) {
  std::string line = "incident";
  for (const auto& arg : args) {
    line += " '" + arg + "'";
  }
  return line + "\nexit " + std::to_string(result.exit_code) + (result.timed_out ? " (timed out)" : "") +
         "\n--- stdout\n" + result.out + "\n--- stderr\n" + result.err;
}

// <build>/share/incident: where the built binary finds its runbook and templates.
std::string data_dir() {
  return (fs::canonical(binary()).parent_path().parent_path() / "share" / "incident").string();
}

// The output with the build tree's data directory replaced by <DATA>, so that goldens do
// not depend on where the project was built.
std::string normalized(std::string text) {
  const std::string dir = data_dir();
  for (auto at = text.find(dir); at != std::string::npos; at = text.find(dir, at)) {
    text.replace(at, dir.size(), "<DATA>");
  }
  return text;
}

std::string source_file(const std::string& relative) { return read_text(fs::path(INCIDENT_SOURCE_DIR) / relative); }

// A copy of runbooks/examples/minimal.yaml whose title is `title`, written to `path`.
void write_minimal(const fs::path& path, const std::string& title) {
  std::string text = source_file("runbooks/examples/minimal.yaml");
  const std::string original = "title: Payments On-call Runbook";
  const auto at = text.find(original);
  REQUIRE(at != std::string::npos);
  text.replace(at, original.size(), "title: " + title);
  write_text(path, text);
}

// Runs a command that must succeed quietly and compares its stdout with a golden file.
void check_golden(const std::vector<std::string>& args, const std::string& golden) {
  TempDir home;
  const auto result = run_cli(args, home.path());
  INFO(describe(args, result));
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(golden_mismatch("runbook/" + golden, normalized(result.out)) == "");
}

// Runs a command with --json: it must succeed quietly and print exactly one JSON document.
Json json_of(const std::vector<std::string>& args, const fs::path& home,
             const std::map<std::string, std::string>& env = {}) {
  const auto result = run_cli(args, home, env);
  INFO(describe(args, result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  REQUIRE(!result.out.empty());
  CHECK(result.out.back() == '\n');
  try {
    return Json::parse(result.out);  // strict: the whole of stdout is one document
  } catch (const Json::exception& e) {
    FAIL("stdout is not one JSON document: " << e.what());
  }
  return {};
}

Json json_of(const std::vector<std::string>& args) {
  TempDir home;
  return json_of(args, home.path());
}

// An error: exit code `code`, nothing on stdout, and exactly one line on stderr that starts
// with "incident: error: ".
void check_error(const Result& result, int code) {
  CHECK(result.exit_code == code);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: "));
  CHECK(result.err.find('\n') == result.err.size() - 1);
}

// A usage error: exit 2, nothing on stdout, and a first line "incident: error: ..."
// (CLI11's errors may add a "Run 'incident --help'" hint on a second line).
void check_usage_error(const Result& result) {
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: "));
  CHECK_THAT(result.err, Catch::EndsWith("\n"));
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

// --- text output ---------------------------------------------------------------------

TEST_CASE("severities prints the four levels with definitions SLAs and examples") {
  check_golden({"severities"}, "severities.txt");
}

TEST_CASE("scenario without a name lists the five scenarios") {
  check_golden({"scenario"}, "scenario-list.txt");
}

TEST_CASE("scenario database shows its symptoms response and escalation") {
  check_golden({"scenario", "database"}, "scenario-database.txt");
}

TEST_CASE("scenario is found by name or id in any case") {
  for (const std::string name : {"API Performance Issues", "api performance issues", "API PERFORMANCE ISSUES",
                                 "api-performance", "API-Performance"}) {
    DYNAMIC_SECTION(name) { check_golden({"scenario", name}, "scenario-api-performance.txt"); }
  }
}

TEST_CASE("escalation shows the triggers the path and the contacts") {
  check_golden({"escalation"}, "escalation.txt");
}

TEST_CASE("runbook show prints the whole runbook") {
  check_golden({"runbook", "show"}, "runbook-show.txt");
}

TEST_CASE("runbook show SECTION prints each section") {
  for (const auto& section : k_sections) {
    DYNAMIC_SECTION(section) { check_golden({"runbook", "show", section}, "section-" + section + ".txt"); }
  }
}

TEST_CASE("the section commands print the same as runbook show SECTION") {
  // `severities` and `escalation` are shortcuts for their runbook sections.
  TempDir home;
  for (const std::string section : {"severities", "escalation"}) {
    const auto shortcut = run_cli({section}, home.path());
    const auto shown = run_cli({"runbook", "show", section}, home.path());
    CHECK(shortcut.exit_code == 0);
    CHECK(shortcut.out == shown.out);
  }
}

TEST_CASE("the whole runbook is the title then every section under its underlined heading") {
  TempDir home;
  const auto whole = run_cli({"runbook", "show"}, home.path());
  REQUIRE(whole.exit_code == 0);
  const std::map<std::string, std::string> titles = {
      {"overview", "Overview"},
      {"severities", "Incident Severity Levels"},
      {"phases", "Incident Response Process"},
      {"scenarios", "Common Incident Scenarios"},
      {"templates", "Communication Templates"},
      {"escalation", "Escalation Procedures"},
      {"resources", "Tools and Resources"},
      {"post-incident", "Post-Incident Checklist"},
      {"contacts", "Emergency Contacts"},
      {"recovery", "Recovery Procedures"},
      {"prevention", "Prevention Measures"},
      {"notes", "Notes"},
  };
  std::string expected = "Incident Response Runbook\n=========================\n";
  for (const auto& section : k_sections) {
    const auto part = run_cli({"runbook", "show", section}, home.path());
    REQUIRE(part.exit_code == 0);
    const std::string& title = titles.at(section);
    expected += "\n" + title + "\n" + std::string(title.size(), '=') + "\n\n" + part.out;
  }
  CHECK(whole.out == expected);
}

TEST_CASE("the templates section shows the bundled template files verbatim") {
  TempDir home;
  const auto result = run_cli({"runbook", "show", "templates"}, home.path());
  REQUIRE(result.exit_code == 0);
  for (const std::string key : {"initial", "investigation", "resolution"}) {
    const std::string body = source_file("templates/" + key + ".txt");
    const std::string header = "(" + key + ", from " + data_dir() + "/templates/" + key + ".txt):\n";
    INFO(key);
    CHECK_THAT(result.out, Catch::Contains(header + body));
  }
}

// --- JSON output ---------------------------------------------------------------------

TEST_CASE("severities --json lists the levels with their SLAs in seconds") {
  const Json doc = json_of({"severities", "--json"});
  REQUIRE(doc.is_array());
  REQUIRE(doc.size() == 4);
  const std::vector<std::string> ids = {"P0", "P1", "P2", "P3"};
  const std::vector<std::string> names = {"Critical", "High", "Medium", "Low"};
  const std::vector<long> seconds = {900, 3600, 14400, 86400};
  const std::vector<std::string> words = {"15 minutes", "1 hour", "4 hours", "24 hours"};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("severity " << i);
    CHECK(doc[i]["id"] == ids[i]);
    CHECK(doc[i]["name"] == names[i]);
    CHECK(doc[i]["response_time_seconds"] == seconds[i]);
    CHECK(doc[i]["response_time"] == words[i]);
    CHECK(doc[i]["definition"].is_string());
    CHECK(doc[i]["examples"].size() == 3);
  }
  CHECK(doc[0]["definition"] == "Complete service outage or data loss");
  CHECK(doc[0]["examples"][0] == "All users unable to access the game");
  CHECK(doc[3]["examples"][2] == "Non-critical feature bugs");
}

TEST_CASE("scenario --json lists every scenario in full") {
  const Json doc = json_of({"scenario", "--json"});
  REQUIRE(doc.is_array());
  REQUIRE(doc.size() == 5);
  const std::vector<std::string> ids = {"database", "api-performance", "authentication", "rate-limiting", "budget"};
  const std::vector<std::string> names = {"Database Issues", "API Performance Issues", "Authentication Issues",
                                          "Rate Limiting Issues", "Budget/Cost Issues"};
  const std::vector<std::size_t> responses = {6, 6, 5, 5, 5};
  for (std::size_t i = 0; i < 5; ++i) {
    INFO("scenario " << i);
    CHECK(doc[i]["id"] == ids[i]);
    CHECK(doc[i]["name"] == names[i]);
    CHECK(doc[i]["symptoms"].size() == 3);
    CHECK(doc[i]["response"].size() == responses[i]);
    CHECK(doc[i]["escalation"].is_array());
    CHECK(doc[i]["escalation"].size() == (i == 0 ? 2U : 0U));
  }
}

TEST_CASE("scenario NAME --json is the one scenario") {
  const Json database = json_of({"--json", "scenario", "database"});
  REQUIRE(database.is_object());
  CHECK(database["id"] == "database");
  CHECK(database["name"] == "Database Issues");
  CHECK(database["symptoms"] == Json({"High database connection errors", "Slow query performance",
                                      "Database connection timeouts"}));
  CHECK(database["response"].size() == 6);
  CHECK(database["response"][5] == "Review database logs");
  CHECK(database["escalation"] == Json({"If database is completely down, escalate to database team",
                                        "If data corruption suspected, escalate immediately"}));

  const Json api = json_of({"scenario", "API Performance Issues", "--json"});
  CHECK(api["id"] == "api-performance");
  CHECK(api["escalation"] == Json::array());
  CHECK(api == json_of({"scenario", "--json", "api-performance"}));
}

TEST_CASE("escalation --json has triggers levels and contacts") {
  const Json doc = json_of({"escalation", "--json"});
  REQUIRE(doc.is_object());
  REQUIRE(doc["triggers"].size() == 5);
  const std::vector<std::string> triggers = {"sla-exceeded", "no-progress", "multiple-systems", "security",
                                             "data-loss"};
  for (std::size_t i = 0; i < triggers.size(); ++i) {
    CHECK(doc["triggers"][i]["id"] == triggers[i]);
    CHECK(doc["triggers"][i]["text"].is_string());
    if (i == 1) {
      CHECK(doc["triggers"][i]["after_seconds"] == 7200);
    } else {
      CHECK(doc["triggers"][i]["after_seconds"].is_null());
    }
  }
  REQUIRE(doc["levels"].size() == 4);
  const std::vector<std::string> contacts = {"primary", "secondary", "manager", "executive"};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(doc["levels"][i]["level"] == i + 1);
    CHECK(doc["levels"][i]["contact"] == contacts[i]);
    CHECK(doc["contacts"][i]["id"] == contacts[i]);
  }
  CHECK(doc["levels"][3]["role"] == "CTO or VP Engineering");
  CHECK(doc["contacts"][0] == Json({{"id", "primary"}, {"name", "Primary"}, {"value", "[On-call engineer]"}}));
}

TEST_CASE("runbook show --json has every section in document order") {
  TempDir home;
  const Json whole = json_of({"runbook", "show", "--json"}, home.path());
  REQUIRE(whole.is_object());
  // nlohmann::json sorts keys, so check the order on the raw text.
  const auto raw = run_cli({"runbook", "show", "--json"}, home.path()).out;
  std::size_t last = 0;
  for (const auto& section : k_sections) {
    INFO(section);
    REQUIRE(whole.contains(section));
    CHECK(whole[section] == json_of({"runbook", "show", section, "--json"}, home.path()));
    const auto at = raw.find("\n  \"" + section + "\": ");
    REQUIRE(at != std::string::npos);
    CHECK(at >= last);
    last = at;
  }
  CHECK(whole.size() == k_sections.size());
}

TEST_CASE("runbook show overview --json names the title and the file") {
  const Json doc = json_of({"runbook", "show", "overview", "--json"});
  CHECK(doc["title"] == "Incident Response Runbook");
  CHECK(doc["overview"] ==
        "This runbook provides step-by-step procedures for responding to incidents in the StoneCaster "
        "production system.");
  CHECK(doc["schema"] == 1);
  CHECK(doc["source"] == data_dir() + "/runbooks/default.yaml");
}

TEST_CASE("runbook show phases --json has the four phases and their checklists") {
  const Json doc = json_of({"runbook", "show", "phases", "--json"});
  REQUIRE(doc.size() == 4);
  CHECK(doc[0]["id"] == "initial");
  CHECK(doc[0]["name"] == "Initial Response");
  CHECK(doc[0]["window"] == Json({{"from_seconds", 0}, {"to_seconds", 900}, {"text", "0-15 minutes"}}));
  REQUIRE(doc[0]["checklists"].size() == 2);
  CHECK(doc[0]["checklists"][0]["severities"] == Json({"P0", "P1"}));
  CHECK(doc[0]["checklists"][1]["severities"] == Json({"P2", "P3"}));
  CHECK(doc[0]["checklists"][0]["groups"].size() == 3);
  CHECK(doc[0]["checklists"][0]["groups"][0]["name"] == "Immediate Actions");
  CHECK(doc[0]["checklists"][0]["groups"][0]["items"][0] ==
        Json({{"id", "initial.acknowledge"}, {"text", "Acknowledge the incident in the incident channel"}}));
  CHECK(doc[0]["checklists"][1]["groups"][0]["items"].size() == 3);
  CHECK(doc[1]["id"] == "investigation");
  CHECK(doc[1]["window"]["from_seconds"] == 900);
  CHECK(doc[1]["window"]["to_seconds"] == 3600);
  CHECK(doc[2]["id"] == "resolution");
  CHECK(doc[2]["window"]["text"] == "1-4 hours");
  CHECK(doc[3]["id"] == "post-incident");
  CHECK(doc[3]["window"] == Json({{"from_seconds", 86400}, {"to_seconds", 172800}, {"text", "24-48 hours"}}));
  for (std::size_t p = 1; p < 4; ++p) {
    REQUIRE(doc[p]["checklists"].size() == 1);
    CHECK(doc[p]["checklists"][0]["severities"] == Json::array());
  }
  // 11 + 3 + 11 + 11 + 6 items, every id unique.
  std::set<std::string> ids;
  std::size_t count = 0;
  for (const auto& phase : doc) {
    for (const auto& checklist : phase["checklists"]) {
      for (const auto& group : checklist["groups"]) {
        for (const auto& item : group["items"]) {
          ids.insert(item["id"].get<std::string>());
          ++count;
        }
      }
    }
  }
  CHECK(count == 42);
  CHECK(ids.size() == count);
}

TEST_CASE("runbook show scenarios --json is the scenario list") {
  TempDir home;
  CHECK(json_of({"runbook", "show", "scenarios", "--json"}, home.path()) == json_of({"scenario", "--json"}, home.path()));
}

TEST_CASE("runbook show templates --json has the three messages") {
  const Json doc = json_of({"runbook", "show", "templates", "--json"});
  REQUIRE(doc.is_object());
  CHECK(doc.size() == 3);
  const std::map<std::string, std::string> names = {{"initial", "Initial Status Update"},
                                                    {"investigation", "Investigation Update"},
                                                    {"resolution", "Resolution Update"}};
  for (const auto& [key, name] : names) {
    INFO(key);
    CHECK(doc[key]["name"] == name);
    CHECK(doc[key]["text"] == source_file("templates/" + key + ".txt"));
    CHECK(doc[key]["source"] == data_dir() + "/templates/" + key + ".txt");
  }
}

TEST_CASE("runbook show escalation --json equals escalation --json") {
  TempDir home;
  CHECK(json_of({"runbook", "show", "escalation", "--json"}, home.path()) ==
        json_of({"escalation", "--json"}, home.path()));
}

TEST_CASE("runbook show resources --json has the three groups") {
  const Json doc = json_of({"runbook", "show", "resources", "--json"});
  REQUIRE(doc.size() == 3);
  CHECK(doc[0]["name"] == "Monitoring Dashboards");
  CHECK(doc[0]["entries"].size() == 3);
  CHECK(doc[0]["entries"][0] == Json({{"name", "Ops Dashboard"}, {"value", "/admin/ops"}}));
  CHECK(doc[1]["name"] == "Communication Channels");
  CHECK(doc[1]["entries"][0] == Json({{"name", "Incident Channel"}, {"value", "#incidents"}}));
  CHECK(doc[2]["name"] == "Documentation");
  CHECK(doc[2]["entries"].size() == 4);
  CHECK(doc[2]["entries"][3] == Json({{"name", "Security Procedures"}, {"value", "security.md"}}));
}

TEST_CASE("runbook show post-incident --json has windows and item ids") {
  const Json doc = json_of({"runbook", "show", "post-incident", "--json"});
  REQUIRE(doc.size() == 3);
  CHECK(doc[0]["name"] == "Immediate");
  CHECK(doc[0]["window"] == Json({{"from_seconds", 0}, {"to_seconds", 86400}, {"text", "0-24 hours"}}));
  CHECK(doc[1]["name"] == "Short-term");
  CHECK(doc[1]["window"] == Json({{"from_seconds", 86400}, {"to_seconds", 604800}, {"text", "1-7 days"}}));
  CHECK(doc[2]["name"] == "Long-term");
  CHECK(doc[2]["window"] == Json({{"from_seconds", 604800}, {"to_seconds", 2419200}, {"text", "1-4 weeks"}}));
  for (const auto& group : doc) {
    CHECK(group["items"].size() == 4);
  }
  CHECK(doc[0]["items"][0] == Json({{"id", "post.system-stable"}, {"text", "Incident resolved and system stable"}}));
}

TEST_CASE("runbook show contacts --json has internal and external contacts") {
  const Json doc = json_of({"runbook", "show", "contacts", "--json"});
  REQUIRE(doc.size() == 2);
  CHECK(doc[0]["name"] == "Internal");
  CHECK(doc[0]["entries"].size() == 3);
  CHECK(doc[0]["entries"][0] == Json({{"name", "On-call Engineer"}, {"value", "[Phone/Email]"}}));
  CHECK(doc[1]["name"] == "External");
  CHECK(doc[1]["entries"].size() == 3);
  CHECK(doc[1]["entries"][2] == Json({{"name", "Security Team"}, {"value", "[Contact info]"}}));
}

TEST_CASE("runbook show recovery --json has the three procedures") {
  const Json doc = json_of({"runbook", "show", "recovery", "--json"});
  REQUIRE(doc.size() == 3);
  CHECK(doc[0]["id"] == "database");
  CHECK(doc[0]["name"] == "Database Recovery");
  CHECK(doc[1]["id"] == "service");
  CHECK(doc[2]["id"] == "data");
  for (const auto& procedure : doc) {
    CHECK(procedure["steps"].size() == 5);
  }
  CHECK(doc[2]["steps"][4] == "Update affected users");
}

TEST_CASE("runbook show prevention --json has the three groups") {
  const Json doc = json_of({"runbook", "show", "prevention", "--json"});
  REQUIRE(doc.size() == 3);
  CHECK(doc[0]["name"] == "Proactive Monitoring");
  CHECK(doc[1]["name"] == "Regular Maintenance");
  CHECK(doc[2]["name"] == "Process Improvements");
  for (const auto& group : doc) {
    CHECK(group["items"].size() == 4);
  }
  CHECK(doc[2]["items"][3] == "Enhance team training");
}

TEST_CASE("runbook show notes --json is a list of text") {
  const Json doc = json_of({"runbook", "show", "notes", "--json"});
  CHECK(doc == Json({"Always prioritize user impact and data safety", "Document everything during incident response",
                     "Communicate early and often", "Learn from every incident",
                     "Update this runbook based on new learnings"}));
}

TEST_CASE("global options are accepted before or after the command") {
  TempDir home;
  const fs::path other = home.path() / "other.yaml";
  write_minimal(other, "Other Runbook");
  const std::vector<std::vector<std::vector<std::string>>> same = {
      {{"--json", "severities"}, {"severities", "--json"}},
      {{"--json", "escalation"}, {"escalation", "--json"}},
      {{"--json", "scenario", "database"}, {"scenario", "database", "--json"}, {"scenario", "--json", "database"}},
      {{"--json", "runbook", "show", "overview"},
       {"runbook", "--json", "show", "overview"},
       {"runbook", "show", "--json", "overview"},
       {"runbook", "show", "overview", "--json"}},
      {{"--runbook", other.string(), "severities"},
       {"severities", "--runbook", other.string()},
       {"--runbook=" + other.string(), "severities"},
       {"severities", "--runbook=" + other.string()}},
      {{"--runbook", other.string(), "--json", "runbook", "show", "overview"},
       {"runbook", "show", "overview", "--json", "--runbook", other.string()}},
  };
  for (const auto& group : same) {
    const auto reference = run_cli(group.front(), home.path());
    INFO(describe(group.front(), reference));
    REQUIRE(reference.exit_code == 0);
    CHECK(reference.err.empty());
    for (std::size_t i = 1; i < group.size(); ++i) {
      const auto other_result = run_cli(group[i], home.path());
      INFO(describe(group[i], other_result));
      CHECK(other_result.exit_code == 0);
      CHECK(other_result.err.empty());
      CHECK(other_result.out == reference.out);
    }
  }
  // The --runbook ones really used the other runbook.
  const auto minimal = run_cli({"severities", "--runbook", other.string()}, home.path());
  CHECK_THAT(minimal.out, Catch::StartsWith("Major (P1)\n"));
}

// --- runbook validate ----------------------------------------------------------------

TEST_CASE("runbook validate checks the runbook in use and prints nothing") {
  TempDir home;
  const auto result = run_cli({"runbook", "validate"}, home.path());
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

TEST_CASE("runbook validate FILE accepts the bundled and the example runbooks") {
  TempDir home;
  for (const std::string file : {"runbooks/default.yaml", "runbooks/examples/minimal.yaml"}) {
    const std::vector<std::string> args = {"runbook", "validate", (fs::path(INCIDENT_SOURCE_DIR) / file).string()};
    const auto result = run_cli(args, home.path());
    INFO(describe(args, result));
    CHECK(result.exit_code == 0);
    CHECK(result.out.empty());
    CHECK(result.err.empty());
  }
}

TEST_CASE("runbook validate FILE reports an invalid file as PATH:LINE:COL on one line") {
  TempDir home;
  const fs::path file = home.path() / "broken.yaml";
  write_text(file,
             "schema: 1\n"
             "title: Broken\n"
             "severities:\n"
             "  - id: P1\n"
             "    name: Major\n"
             "    definition: Customers cannot pay\n"
             "    response_time: soon\n"
             "phases:\n"
             "  - id: triage\n"
             "    name: Triage\n"
             "    window: 0-10m\n"
             "    checklists:\n"
             "      - groups:\n"
             "          - name: First\n"
             "            items:\n"
             "              - id: triage.one\n"
             "                text: Do it\n");
  const auto result = run_cli({"runbook", "validate", file.string()}, home.path());
  INFO(result.err);
  check_error(result, 3);
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: " + file.string() + ":7:20: "));
  CHECK_THAT(result.err, Catch::Contains("'soon'"));
  // The same file in use (not only validated) fails the same way.
  const auto in_use = run_cli({"--runbook", file.string(), "severities"}, home.path());
  check_error(in_use, 3);
  CHECK(in_use.err == result.err);
}

TEST_CASE("runbook validate reports each kind of mistake at its position") {
  TempDir home;
  const std::string good = source_file("runbooks/examples/minimal.yaml");
  struct Case {
    std::string name;
    std::string from;  // replaced in minimal.yaml
    std::string to;
    std::string position;  // "LINE:COL"
    std::string message;  // part of the message
  };
  const auto line_of = [&good](const std::string& what) {
    const auto at = good.find(what);
    REQUIRE(at != std::string::npos);
    return static_cast<std::size_t>(std::count(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
  };
  const std::string response_line = std::to_string(line_of("response_time: 10m"));
  const std::string window_line = std::to_string(line_of("window: 0-10m"));
  const std::string schema_line = std::to_string(line_of("schema: 1"));
  const std::vector<Case> cases = {
      {"a duration that is not one", "response_time: 10m", "response_time: 10 minutes", response_line + ":20",
       "is not a duration"},
      {"a window backwards", "window: 0-10m", "window: 10-0m", window_line + ":13", "is not a window"},
      {"a newer schema", "schema: 1 ", "schema: 2 ", schema_line + ":9", "schema 2"},
      {"a misspelt key", "response_time: 10m", "respnse_time: 10m", response_line + ":5",
       "(did you mean 'response_time'?)"},
      {"an unknown placeholder", "Commander: {{commander}}", "Commander: {{comander}}", "", "comander"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      std::string text = good;
      const auto at = text.find(c.from);
      REQUIRE(at != std::string::npos);
      text.replace(at, c.from.size(), c.to);
      const fs::path file = home.path() / "runbook.yaml";
      write_text(file, text);
      const auto result = run_cli({"runbook", "validate", file.string()}, home.path());
      INFO(result.err);
      check_error(result, 3);
      if (!c.position.empty()) {
        CHECK_THAT(result.err, Catch::StartsWith("incident: error: " + file.string() + ":" + c.position + ": "));
      } else {
        CHECK(std::regex_search(result.err, std::regex("^incident: error: [^:]+:[0-9]+:[0-9]+: ")));
      }
      CHECK_THAT(result.err, Catch::Contains(c.message));
    }
  }
}

TEST_CASE("a transposed key gets a did-you-mean") {
  // docs/runbook.md: "a misspelt key is an error with a 'did you mean'". Swapping two
  // letters is the commonest typo; in a short key ("title", "notes") it must still be caught.
  TempDir home;
  std::string text = source_file("runbooks/examples/minimal.yaml");
  const auto at = text.find("title: ");
  REQUIRE(at != std::string::npos);
  text.replace(at, 6, "titel:");
  const fs::path file = home.path() / "runbook.yaml";
  write_text(file, text);
  const auto result = run_cli({"runbook", "validate", file.string()}, home.path());
  INFO(result.err);
  check_error(result, 3);
  CHECK_THAT(result.err, Catch::Contains("(did you mean 'title'?)"));
}

TEST_CASE("an unterminated quoted string is reported where it starts") {
  // With no closing quote anywhere after it, a quoted scalar runs into the end of the file:
  // YAML says that is an error ("found unexpected end of stream" while scanning the quoted
  // scalar at 2:8). It must not swallow the rest of the file and be reported as a missing
  // key at 1:1.
  TempDir home;
  const fs::path file = home.path() / "runbook.yaml";
  write_text(file,
             "schema: 1\n"
             "title: \"Unterminated\n"
             "severities:\n"
             "  - id: P1\n"
             "    name: Major\n"
             "    definition: Customers cannot pay\n"
             "    response_time: 10m\n"
             "phases:\n"
             "  - id: triage\n"
             "    name: Triage\n"
             "    window: 0-10m\n"
             "    checklists:\n"
             "      - groups:\n"
             "          - name: First\n"
             "            items:\n"
             "              - id: triage.one\n"
             "                text: Do it\n");
  for (const std::string quote : {"\"", "'"}) {
    if (quote == "'") {
      std::string text = read_text(file);
      text[text.find('"')] = '\'';
      write_text(file, text);
    }
    const auto result = run_cli({"runbook", "validate", file.string()}, home.path());
    INFO("quote " << quote << ": " << result.err);
    check_error(result, 3);
    CHECK_THAT(result.err, Catch::StartsWith("incident: error: " + file.string() + ":2:"));
  }
}

TEST_CASE("runbook validate without FILE checks the runbook that would be used") {
  TempDir home;
  const fs::path file = home.path() / "env.yaml";
  write_text(file, "schema: 1\ntitle: No severities\n");
  const auto result = run_cli({"runbook", "validate"}, home.path(), {{"INCIDENT_RUNBOOK", file.string()}});
  check_error(result, 3);
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: " + file.string() + ":"));
}

// Issue 9, item 11: under --json, validate printed nothing; --json is one document.
TEST_CASE("runbook validate --json prints one document saying the runbook is valid") {
  TempDir home;
  const Json in_use = json_of({"--json", "runbook", "validate"}, home.path());
  CHECK(in_use["valid"] == true);
  CHECK(in_use["file"] == data_dir() + "/runbooks/default.yaml");
  CHECK(in_use["schema"] == 1);
  CHECK(in_use["title"] == "Incident Response Runbook");
  CHECK(in_use["severities"] == 4);
  CHECK(in_use["phases"] == 4);
  CHECK(in_use["scenarios"] == 5);
  const std::string minimal = (fs::path(INCIDENT_SOURCE_DIR) / "runbooks/examples/minimal.yaml").string();
  const Json given = json_of({"runbook", "validate", minimal, "--json"}, home.path());
  CHECK(given["valid"] == true);
  CHECK(given["file"] == minimal);
  CHECK(given["title"] == "Payments On-call Runbook");
}

TEST_CASE("runbook validate --json of an invalid runbook: one document with the error, exit 3") {
  TempDir home;
  const fs::path file = home.path() / "broken.yaml";
  write_text(file, "schema: 1\ntitle: Broken\nseverities: [\n");
  const std::vector<std::string> args = {"--json", "runbook", "validate", file.string()};
  const auto result = run_cli(args, home.path());
  INFO(describe(args, result));
  CHECK(result.exit_code == 3);
  // stderr as without --json: one line.
  CHECK(result.err == run_cli({"runbook", "validate", file.string()}, home.path()).err);
  CHECK(result.err.find('\n') == result.err.size() - 1);
  Json document;
  REQUIRE_NOTHROW(document = Json::parse(result.out));
  CHECK(document["valid"] == false);
  CHECK(document["file"] == file.string());
  REQUIRE(document["errors"].size() == 1);
  const Json& error = document["errors"][0];
  CHECK(error["file"] == file.string());
  CHECK(error["line"] == 4);
  CHECK(error["column"] == 1);
  CHECK(result.err == "incident: error: " + file.string() + ":4:1: " + error["message"].get<std::string>() + "\n");

  // An error without a position (the whole file) has null line and column.
  const fs::path empty = home.path() / "empty.yaml";
  write_text(empty, "\n");
  const auto blank = run_cli({"--json", "runbook", "validate"}, home.path(), {{"INCIDENT_RUNBOOK", empty.string()}});
  INFO(describe({"--json", "runbook", "validate"}, blank));
  CHECK(blank.exit_code == 3);
  REQUIRE_NOTHROW(document = Json::parse(blank.out));
  CHECK(document["valid"] == false);
  CHECK(document["file"] == empty.string());
  CHECK(document["errors"][0]["line"].is_null());
  CHECK(document["errors"][0]["column"].is_null());
  CHECK(document["errors"][0]["message"] == "the file is empty");
}

TEST_CASE("runbook validate with an empty FILE argument is an error") {
  // `incident runbook validate "$FILE"` with FILE unset must not report success
  // without having checked anything.
  TempDir home;
  const auto result = run_cli({"runbook", "validate", ""}, home.path());
  INFO(describe({"runbook", "validate", ""}, result));
  CHECK(result.exit_code != 0);
  CHECK(result.exit_code < 128);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: "));
}

TEST_CASE("an empty --runbook value is an error not the bundled runbook") {
  TempDir home;
  const std::vector<std::string> args = {"--runbook", "", "runbook", "show", "overview"};
  const auto result = run_cli(args, home.path());
  INFO(describe(args, result));
  CHECK(result.exit_code != 0);
  CHECK(result.exit_code < 128);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: "));
}

// --- which runbook is used -----------------------------------------------------------

TEST_CASE("runbook lookup order is flag then env then XDG config then HOME config then bundled") {
  TempDir home;
  const fs::path flag = home.path() / "flag.yaml";
  const fs::path from_env = home.path() / "env.yaml";
  const fs::path xdg = home.path() / "xdg";
  const fs::path xdg_file = xdg / "incident" / "runbook.yaml";
  const fs::path home_file = home.path() / ".config" / "incident" / "runbook.yaml";
  write_minimal(flag, "From Flag");
  write_minimal(from_env, "From Env");
  write_minimal(xdg_file, "From XDG");
  write_minimal(home_file, "From Home");

  const auto overview = [&home](const std::vector<std::string>& extra, const std::map<std::string, std::string>& env) {
    std::vector<std::string> args = extra;
    args.insert(args.end(), {"runbook", "show", "overview", "--json"});
    return json_of(args, home.path(), env);
  };
  const std::map<std::string, std::string> all_env = {{"INCIDENT_RUNBOOK", from_env.string()},
                                                      {"XDG_CONFIG_HOME", xdg.string()}};

  SECTION("--runbook beats everything") {
    const Json doc = overview({"--runbook", flag.string()}, all_env);
    CHECK(doc["title"] == "From Flag");
    CHECK(doc["source"] == flag.string());
  }
  SECTION("INCIDENT_RUNBOOK beats the config files") {
    const Json doc = overview({}, all_env);
    CHECK(doc["title"] == "From Env");
    CHECK(doc["source"] == from_env.string());
  }
  SECTION("XDG_CONFIG_HOME beats HOME") {
    const Json doc = overview({}, {{"XDG_CONFIG_HOME", xdg.string()}});
    CHECK(doc["title"] == "From XDG");
    CHECK(doc["source"] == xdg_file.string());
  }
  SECTION("HOME/.config when XDG_CONFIG_HOME is not set") {
    const Json doc = overview({}, {});
    CHECK(doc["title"] == "From Home");
    CHECK(doc["source"] == home_file.string());
  }
  SECTION("a relative XDG_CONFIG_HOME is ignored as the XDG spec says") {
    const Json doc = overview({}, {{"XDG_CONFIG_HOME", "xdg"}});
    CHECK(doc["title"] == "From Home");
  }
  SECTION("the bundled runbook when there is no other") {
    fs::remove(home_file);
    const Json doc = overview({}, {});
    CHECK(doc["title"] == "Incident Response Runbook");
    CHECK(doc["source"] == data_dir() + "/runbooks/default.yaml");
  }
  SECTION("the bundled runbook when HOME is not set") {
    const Json doc = overview({}, {{"HOME", ""}});
    CHECK(doc["title"] == "Incident Response Runbook");
  }
}

TEST_CASE("a relative --runbook is relative to the working directory") {
  TempDir home;
  const fs::path dir = home.path() / "team";
  write_minimal(dir / "rb.yaml", "Team Runbook");
  const auto result = run_cli({"--runbook", "rb.yaml", "runbook", "show", "overview", "--json"}, home.path(), {}, dir);
  INFO(describe({"--runbook", "rb.yaml"}, result));
  REQUIRE(result.exit_code == 0);
  CHECK(Json::parse(result.out)["title"] == "Team Runbook");
}

TEST_CASE("the commands use the chosen runbook") {
  TempDir home;
  const fs::path file = home.path() / "payments.yaml";
  write_minimal(file, "Payments");
  const std::map<std::string, std::string> env = {{"INCIDENT_RUNBOOK", file.string()}};
  const auto severities = run_cli({"severities"}, home.path(), env);
  CHECK(severities.exit_code == 0);
  CHECK(severities.out ==
        "Major (P1)\n"
        "  Definition: Customers cannot pay\n"
        "  Response Time: 10 minutes\n"
        "  Examples:\n"
        "    - Card authorisations failing for everyone\n"
        "Minor (P2)\n"
        "  Definition: Some payments slow or retried\n"
        "  Response Time: 2 hours\n");
  const auto scenarios = run_cli({"scenario"}, home.path(), env);
  CHECK(scenarios.out == "webhooks           Webhook Backlog\n");
  const auto webhooks = run_cli({"scenario", "webhook backlog"}, home.path(), env);
  CHECK(webhooks.exit_code == 0);
  CHECK_THAT(webhooks.out, Catch::StartsWith("Webhook Backlog (webhooks)\n"));
  const auto database = run_cli({"scenario", "database"}, home.path(), env);
  check_error(database, 4);
}

// --- errors --------------------------------------------------------------------------

TEST_CASE("an unknown scenario exits 4 with a did-you-mean") {
  TempDir home;
  for (const auto& args : {std::vector<std::string>{"scenario", "datbase"},
                                              std::vector<std::string>{"--json", "scenario", "datbase"}}) {
    const auto result = run_cli(args, home.path());
    INFO(describe(args, result));
    check_error(result, 4);
    CHECK_THAT(result.err, Catch::Contains("'datbase'") && Catch::Contains("(did you mean 'database'?)"));
  }
  const auto far = run_cli({"scenario", "volcano"}, home.path());
  check_error(far, 4);
  CHECK_THAT(far.err, Catch::Contains("'volcano'"));
  CHECK_THAT(far.err, !Catch::Contains("did you mean"));
}

TEST_CASE("an unknown runbook section is a usage error with a did-you-mean") {
  TempDir home;
  for (const auto& args :
       {std::vector<std::string>{"runbook", "show", "severites"},
        std::vector<std::string>{"runbook", "show", "severites", "--json"}}) {
    const auto result = run_cli(args, home.path());
    INFO(describe(args, result));
    check_usage_error(result);
    CHECK_THAT(first_line(result.err),
               Catch::StartsWith("incident: error: unknown runbook section 'severites' (did you mean 'severities'?)"));
  }
  const auto other = run_cli({"runbook", "show", "everything"}, home.path());
  check_usage_error(other);
  CHECK_THAT(other.err, Catch::Contains("'everything'"));
}

TEST_CASE("an unknown option is a usage error before or after the command") {
  TempDir home;
  for (const auto& args :
       {std::vector<std::string>{"--bogus", "severities"}, std::vector<std::string>{"severities", "--bogus"},
        std::vector<std::string>{"runbook", "show", "--bogus"},
        std::vector<std::string>{"scenario", "database", "--bogus"}}) {
    const auto result = run_cli(args, home.path());
    INFO(describe(args, result));
    check_usage_error(result);
    CHECK_THAT(first_line(result.err), Catch::Contains("--bogus"));
  }
}

TEST_CASE("a global option without its value is a usage error") {
  TempDir home;
  for (const auto& args :
       {std::vector<std::string>{"severities", "--runbook"}, std::vector<std::string>{"--runbook"}}) {
    const auto result = run_cli(args, home.path());
    INFO(describe(args, result));
    check_usage_error(result);
  }
}

TEST_CASE("a missing runbook file is a one-line error naming it") {
  TempDir home;
  const std::string missing = (home.path() / "nowhere" / "runbook.yaml").string();
  const std::vector<std::pair<std::vector<std::string>, std::map<std::string, std::string>>> runs = {
      {{"--runbook", missing, "severities"}, {}},
      {{"severities"}, {{"INCIDENT_RUNBOOK", missing}}},  // no silent fall back to the bundled one
      {{"runbook", "validate", missing}, {}},
      {{"runbook", "validate"}, {{"INCIDENT_RUNBOOK", missing}}},
  };
  for (const auto& [args, env] : runs) {
    const auto result = run_cli(args, home.path(), env);
    INFO(describe(args, result));
    CHECK(result.exit_code != 0);
    CHECK(result.exit_code < 128);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("incident: error: ") && Catch::Contains(missing));
    CHECK(result.err.find('\n') == result.err.size() - 1);
  }
}

TEST_CASE("a runbook that is not a regular file is a clean error without a hang") {
  TempDir home;
  const fs::path fifo = home.path() / "fifo.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const fs::path loop = home.path() / "loop.yaml";
  fs::create_symlink(loop, loop);
  for (const auto& path : {std::string("/dev/zero"), std::string("/"), fifo.string(), loop.string(),
                                 home.path().string()}) {
    for (const auto& args : {std::vector<std::string>{"--runbook", path, "severities"},
                                                std::vector<std::string>{"runbook", "validate", path}}) {
      const auto result = run_cli(args, home.path());
      INFO(describe(args, result));
      CHECK_FALSE(result.timed_out);
      CHECK(result.exit_code != 0);
      CHECK(result.exit_code < 128);
      CHECK(result.out.empty());
      CHECK_THAT(result.err, Catch::StartsWith("incident: error: ") && Catch::Contains(path));
      CHECK(result.err.find('\n') == result.err.size() - 1);
    }
  }
}

TEST_CASE("a runbook in /proc is read to its end and rejected") {
  // /proc files report size 0 but have content: the reader must not trust st_size.
  TempDir home;
  const auto result = run_cli({"runbook", "validate", "/proc/self/status"}, home.path());
  INFO(describe({"runbook", "validate", "/proc/self/status"}, result));
  CHECK_FALSE(result.timed_out);
  check_error(result, 3);
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: /proc/self/status:1:1: "));
}

TEST_CASE("a write error on stdout is a one-line error not a silent success") {
  TempDir home;
  for (const auto& command : {std::vector<std::string>{"severities"}, std::vector<std::string>{"--json", "severities"},
                              std::vector<std::string>{"runbook", "show"}}) {
    Launch how;
    how.program = "/bin/sh";
    how.args = {"-c", "exec \"$0\" \"$@\" > /dev/full", binary()};
    how.args.insert(how.args.end(), command.begin(), command.end());
    how.home = home.path();
    how.timeout = k_time_limit;
    const auto result = launch(how);
    INFO(describe(command, result));
    CHECK(result.exit_code != 0);
    CHECK(result.exit_code < 128);
    CHECK_THAT(result.err, Catch::StartsWith("incident: error: ") && Catch::Contains("write"));
    CHECK(result.err.find('\n') == result.err.size() - 1);
  }
}

TEST_CASE("verbose logs go to stderr and leave stdout alone") {
  TempDir home;
  const auto quiet = run_cli({"severities"}, home.path());
  for (const auto& args : {std::vector<std::string>{"-v", "severities"}, std::vector<std::string>{"severities", "--verbose"}}) {
    const auto verbose = run_cli(args, home.path());
    INFO(describe(args, verbose));
    CHECK(verbose.exit_code == 0);
    CHECK(verbose.out == quiet.out);
    CHECK_THAT(verbose.err, Catch::StartsWith("incident: debug: "));
  }
}
