#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "incident/error.hpp"
#include "incident/render_runbook.hpp"
#include "incident/runbook_loader.hpp"
#include "support/default_runbook.hpp"

using namespace incident;
using incident::test::default_runbook;

namespace {

namespace fs = std::filesystem;


std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string_view trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) {
    return {};
  }
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// "1. Text" -> "Text"; anything else unchanged.
std::string_view strip_numbering(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  if (digits > 0 && text.substr(digits, 2) == ". ") {
    return trim(text.substr(digits + 2));
  }
  return text;
}

std::string_view strip_colon(std::string_view text) {
  text = trim(text);
  while (!text.empty() && text.back() == ':') {
    text.remove_suffix(1);
    text = trim(text);
  }
  return text;
}

// The phrases of the seed runbook (a Markdown file) that the rendered runbook must show:
// every heading, list item and paragraph, split into its parts (see the test below).
class SeedPhrases {
public:
  explicit SeedPhrases(std::string_view markdown) {
    bool in_fence = false;
    std::size_t start = 0;
    while (start <= markdown.size()) {
      auto end = markdown.find('\n', start);
      if (end == std::string_view::npos) {
        end = markdown.size();
      }
      line(markdown.substr(start, end - start), in_fence);
      start = end + 1;
    }
  }

  [[nodiscard]] const std::vector<std::string>& phrases() const { return m_phrases; }

private:
  void add(std::string_view phrase) { add_as_is(strip_colon(phrase)); }

  void add_as_is(std::string_view phrase) {
    phrase = trim(phrase);
    if (!phrase.empty()) {
      m_phrases.emplace_back(phrase);
    }
  }

  void line(std::string_view raw, bool& in_fence) {
    const std::string_view text = trim(raw);
    if (starts_with(text, "```")) {
      in_fence = !in_fence;
      return;
    }
    if (in_fence) {
      // A template line: its fixed text, before the first "[placeholder]".
      add_as_is(text.substr(0, text.find('[')));
      return;
    }
    if (text.empty()) {
      return;
    }
    if (text[0] == '#') {
      heading(trim(text.substr(text.find_first_not_of('#'))));
    } else if (starts_with(text, "- [ ] ")) {
      item(text.substr(6));
    } else if (starts_with(text, "- ")) {
      item(text.substr(2));
    } else if (strip_numbering(text) != text) {
      item(strip_numbering(text));
    } else {
      add(text);  // a paragraph
    }
  }

  // "1. Initial Response (0-15 minutes):" -> "Initial Response", "0-15 minutes".
  // "Critical (P0)" stays whole: only a time window is split off.
  void heading(std::string_view text) {
    text = strip_colon(strip_numbering(strip_colon(text)));
    const auto open = text.rfind(" (");
    if (open != std::string_view::npos && text.back() == ')') {
      const auto inside = text.substr(open + 2, text.size() - open - 3);
      if (inside.find_first_of("0123456789") == 0 && inside.find('-') != std::string_view::npos) {
        add(text.substr(0, open));
        add(inside);
        return;
      }
    }
    add(text);
  }

  // "**Label**: value" -> "Label", "value"; "[text](url)" -> "text", "url".
  void item(std::string_view text) {
    text = trim(text);
    if (starts_with(text, "**")) {
      const auto close = text.find("**", 2);
      REQUIRE(close != std::string_view::npos);
      add(text.substr(2, close - 2));
      std::string_view value = trim(text.substr(close + 2));
      if (starts_with(value, ":")) {
        value.remove_prefix(1);
      }
      item(value);
      return;
    }
    const auto middle = text.find("](");
    if (starts_with(text, "[") && middle != std::string_view::npos && text.back() == ')') {
      add(text.substr(1, middle - 1));
      add(text.substr(middle + 2, text.size() - middle - 3));
      return;
    }
    add(text);
  }

  std::vector<std::string> m_phrases;
};

}  // namespace

TEST_CASE("runbook_sections lists the sections in document order") {
  CHECK(runbook_sections() == std::vector<std::string>{"overview", "severities", "phases", "scenarios", "templates",
                                                       "escalation", "resources", "post-incident", "contacts",
                                                       "recovery", "prevention", "notes"});
}

TEST_CASE("require_runbook_section accepts the sections and suggests a close one") {
  for (const auto& section : runbook_sections()) {
    CHECK_NOTHROW(require_runbook_section(section));
  }
  const std::string sections =
      " (sections: overview, severities, phases, scenarios, templates, escalation, resources, post-incident, "
      "contacts, recovery, prevention, notes)";
  try {
    require_runbook_section("phase");
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) == "unknown runbook section 'phase' (did you mean 'phases'?)" + sections);
    CHECK(e.exit_code() == ExitCode::usage);
  }
  CHECK_THROWS_WITH(require_runbook_section("postincident"),
                    "unknown runbook section 'postincident' (did you mean 'post-incident'?)" + sections);
  CHECK_THROWS_WITH(require_runbook_section("Notes"),
                    "unknown runbook section 'Notes' (did you mean 'notes'?)" + sections);
  CHECK_THROWS_WITH(require_runbook_section("weather"), "unknown runbook section 'weather'" + sections);
  CHECK_THROWS_AS(render_runbook_text(default_runbook(), "phase"), UsageError);
  CHECK_THROWS_AS(runbook_json(default_runbook(), "phase"), UsageError);
}

TEST_CASE("checklist_label names the severities a checklist is for") {
  const Runbook& runbook = default_runbook();
  const Phase& initial = runbook.phases.at(0);
  REQUIRE(initial.checklists.size() == 2);
  CHECK(checklist_label(runbook, initial.checklists[0]) == "For Critical/High Severity");
  CHECK(checklist_label(runbook, initial.checklists[1]) == "For Medium/Low Severity");
  CHECK(checklist_label(runbook, runbook.phases.at(1).checklists.at(0)) == "For every severity");
  Checklist one;
  one.severities = {"P2"};
  CHECK(checklist_label(runbook, one) == "For Medium Severity");
}

TEST_CASE("runbook_json of severities has ids names and response times in seconds") {
  const Runbook& runbook = default_runbook();
  const auto json = runbook_json(runbook, "severities");
  REQUIRE(json.is_array());
  REQUIRE(json.size() == 4);
  const auto& p0 = json[0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : p0.items()) {
    keys.push_back(key);
  }
  CHECK(keys == std::vector<std::string>{"id", "name", "definition", "response_time_seconds", "response_time",
                                         "update_every_seconds", "examples"});
  CHECK(p0["update_every_seconds"] == 1800);
  CHECK(p0["id"] == "P0");
  CHECK(p0["name"] == "Critical");
  CHECK(p0["definition"] == "Complete service outage or data loss");
  CHECK(p0["response_time_seconds"] == 900);
  CHECK(p0["response_time_seconds"].is_number_integer());
  CHECK(p0["response_time"] == "15 minutes");
  CHECK(p0["examples"] == nlohmann::ordered_json::array({"All users unable to access the game",
                                                         "Database corruption or loss",
                                                         "Security breach with data exposure"}));
  CHECK(json[1]["response_time_seconds"] == 3600);
  CHECK(json[2]["response_time_seconds"] == 14400);
  CHECK(json[3]["response_time_seconds"] == 86400);
  CHECK(json[3]["response_time"] == "24 hours");
}

TEST_CASE("runbook_json of the whole runbook has one key per section") {
  const Runbook& runbook = default_runbook();
  const auto json = runbook_json(runbook);
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) {
    keys.push_back(key);
  }
  CHECK(keys == runbook_sections());
  CHECK(json["overview"]["schema"] == 1);
  CHECK(json["phases"][0]["window"] ==
        nlohmann::ordered_json{{"from_seconds", 0}, {"to_seconds", 900}, {"text", "0-15 minutes"}});
  CHECK(json["phases"][0]["checklists"][0]["severities"] == nlohmann::ordered_json::array({"P0", "P1"}));
  CHECK(json["phases"][1]["checklists"][0]["severities"] == nlohmann::ordered_json::array());
  CHECK(json["escalation"]["triggers"][0]["after_seconds"].is_null());
  CHECK(json["escalation"]["triggers"][1]["after_seconds"] == 7200);
  CHECK(json["escalation"]["levels"][0] ==
        nlohmann::ordered_json{{"level", 1}, {"role", "On-call engineer"}, {"contact", "primary"}});
  CHECK(json["templates"]["initial"]["name"] == "Initial Status Update");
  CHECK(json["post-incident"][1]["window"]["text"] == "1-7 days");
  CHECK(json["notes"].size() == 5);
}

TEST_CASE("render_runbook_text shows each section as text") {
  const Runbook& runbook = default_runbook();
  CHECK(render_runbook_text(runbook, "severities").rfind("Critical (P0)\n"
                                                          "  Definition: Complete service outage or data loss\n"
                                                          "  Response Time: 15 minutes\n"
                                                          "  Updates: every 30 minutes\n"
                                                          "  Examples:\n"
                                                          "    - All users unable to access the game\n",
                                                          0) == 0);
  CHECK(render_runbook_text(runbook, "phases").rfind("1. Initial Response (0-15 minutes)\n"
                                                      "  For Critical/High Severity:\n"
                                                      "    1. Immediate Actions:\n"
                                                      "       - [ ] Acknowledge the incident in the incident channel"
                                                      "  (initial.acknowledge)\n",
                                                      0) == 0);
  CHECK(render_runbook_text(runbook, "notes") ==
        "- Always prioritize user impact and data safety\n"
        "- Document everything during incident response\n"
        "- Communicate early and often\n"
        "- Learn from every incident\n"
        "- Update this runbook based on new learnings\n");
  const std::string whole = render_runbook_text(runbook);
  CHECK(whole.rfind("Incident Response Runbook\n=========================\n\nOverview\n========\n", 0) == 0);
  for (const auto& section : runbook_sections()) {
    CHECK(whole.find(render_runbook_text(runbook, section)) != std::string::npos);
  }
}

TEST_CASE("the seed phrase extractor splits Markdown into phrases") {
  const SeedPhrases parsed("# Title\n"
                           "Some paragraph.\n"
                           "### 1. Initial Response (0-15 minutes)\n"
                           "#### For Critical/High Severity:\n"
                           "### Critical (P0)\n"
                           "- **Definition**: Complete outage\n"
                           "- **Examples**: \n"
                           "1. **Immediate Actions**:\n"
                           "   - [ ] Acknowledge it\n"
                           "2. Check the logs\n"
                           "- [Ops Dashboard](/admin/ops)\n"
                           "- **Status Page**: [Status page URL]\n"
                           "```\n"
                           "\xF0\x9F\x9A\xA8 INCIDENT: [Title]\n"
                           "Status: Investigating\n"
                           "```\n"
                           "### Immediate (0-24 hours):\n");
  CHECK(parsed.phrases() ==
        std::vector<std::string>{"Title", "Some paragraph.", "Initial Response", "0-15 minutes",
                                 "For Critical/High Severity", "Critical (P0)", "Definition", "Complete outage",
                                 "Examples", "Immediate Actions", "Acknowledge it", "Check the logs", "Ops Dashboard",
                                 "/admin/ops", "Status Page", "[Status page URL]", "\xF0\x9F\x9A\xA8 INCIDENT:",
                                 "Status: Investigating", "Immediate", "0-24 hours"});
}

TEST_CASE("the rendered default runbook covers every phrase of the seed runbook") {
  const std::string seed = read_text(fs::path(INCIDENT_TEST_DATA) / "seed/incident-response-runbook.md");
  const SeedPhrases parsed(seed);
  const auto& phrases = parsed.phrases();
  const std::set<std::string> distinct(phrases.begin(), phrases.end());

  // The parser found what it should, so that the check below means something.
  for (const char* expected :
       {"Incident Response Runbook", "Overview", "Critical (P0)", "Definition", "Complete service outage or data loss",
        "Response Time", "15 minutes", "24 hours", "Initial Response", "0-15 minutes", "For Critical/High Severity",
        "Immediate Actions", "Acknowledge the incident in the incident channel", "Post-Incident", "24-48 hours",
        "Symptoms", "Check database health metrics", "Initial Status Update", "\xF0\x9F\x9A\xA8 INCIDENT:",
        "Status: Investigating", "Level 1", "On-call engineer", "Primary", "[On-call engineer]", "Ops Dashboard",
        "/admin/ops", "#incidents", "Short-term", "1-7 days", "1-4 weeks", "Database Recovery",
        "Update this runbook based on new learnings"}) {
    INFO(expected);
    CHECK(distinct.count(expected) == 1);
  }
  INFO(distinct.size() << " distinct phrases of " << phrases.size());
  REQUIRE(distinct.size() >= 250);

  const std::string rendered = render_runbook_text(default_runbook());
  std::string missing;
  for (const auto& phrase : distinct) {
    if (rendered.find(phrase) == std::string::npos) {
      missing += "  " + phrase + "\n";
    }
  }
  INFO("phrases of the seed missing from render_runbook_text():\n" << missing);
  CHECK(missing.empty());
}
