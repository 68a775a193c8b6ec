#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "incident/template.hpp"
#include "incident/text.hpp"

using namespace incident;

namespace {

const std::string k_known =
    " (known: id, title, severity, severity_name, status, impact, started_at, acknowledged_at, resolved_at, "
    "duration, next_update, commander, findings, next_steps, eta, eta_at, root_cause, fix, monitoring, links, "
    "contacts)";

// "line:column: message" of the first problem, or "" when the template is valid.
std::string problem(std::string_view text) {
  auto found = check_template(text);
  if (!found) {
    return "";
  }
  return std::to_string(found->line) + ":" + std::to_string(found->column) + ": " + found->message;
}

}  // namespace

TEST_CASE("template placeholders are the documented ones") {
  CHECK(template_placeholders() ==
        std::vector<std::string>{"id", "title", "severity", "severity_name", "status", "impact", "started_at",
                                 "acknowledged_at", "resolved_at", "duration", "next_update", "commander",
                                 "findings", "next_steps", "eta", "eta_at", "root_cause", "fix", "monitoring",
                                 "links", "contacts"});
}

TEST_CASE("check_template accepts valid templates") {
  CHECK(problem("") == "");
  CHECK(problem("no placeholders at all\n") == "");
  std::string every;
  for (const auto& name : template_placeholders()) {
    every += "{{" + name + "}} ";
  }
  CHECK(problem(every) == "");
  CHECK(problem("{{id}}{{title}}\n\n{{eta}}") == "");
  CHECK(problem("single {braces} and }} alone are text") == "");
  CHECK(problem("\xF0\x9F\x9A\xA8 INCIDENT: {{title}}\nSeverity: {{severity_name}}\n") == "");
}

TEST_CASE("check_template reports an unknown placeholder at its 1-based line and column") {
  CHECK(problem("{{titl}}") == "1:1: unknown placeholder '{{titl}}' (did you mean 'title'?)" + k_known);
  // Swapping two letters counts as one typo.
  CHECK(problem("{{titel}}") == "1:1: unknown placeholder '{{titel}}' (did you mean 'title'?)" + k_known);
  CHECK(problem("{{serevity}}") == "1:1: unknown placeholder '{{serevity}}' (did you mean 'severity'?)" + k_known);
  CHECK(problem("Status: {{status}}\nOwner: {{owner}}\n") == "2:8: unknown placeholder '{{owner}}'" + k_known);
  CHECK(problem("a\n\n\n    {{comander}} and {{bogus}}") ==
        "4:5: unknown placeholder '{{comander}}' (did you mean 'commander'?)" + k_known);
  CHECK(problem("{{Title}}") == "1:1: unknown placeholder '{{Title}}' (did you mean 'title'?)" + k_known);
  CHECK(problem("{{ title }}") == "1:1: unknown placeholder '{{ title }}' (did you mean 'title'?)" + k_known);
  CHECK(problem("x {{}}") == "1:3: unknown placeholder '{{}}'" + k_known);
  // Columns count bytes: the emoji is four.
  CHECK(problem("\xF0\x9F\x9A\xA8 {{nope}}") == "1:6: unknown placeholder '{{nope}}'" + k_known);
  // Control characters in the name are shown escaped.
  CHECK(problem("{{x\x1b[31m}}") == "1:1: unknown placeholder '{{x\\e[31m}}'" + k_known);
}

TEST_CASE("check_template reports an unclosed placeholder") {
  const std::string unclosed = "unclosed placeholder '{{' (expected '}}' on the same line)";
  CHECK(problem("Hello {{title") == "1:7: " + unclosed);
  CHECK(problem("ok {{title}}\nStatus: {{status\n}}") == "2:9: " + unclosed);
  CHECK(problem("{{title}\n") == "1:1: " + unclosed);
  CHECK(problem("{{") == "1:1: " + unclosed);
}

TEST_CASE("expand_template replaces placeholders with their values") {
  const std::map<std::string, std::string, std::less<>> values = {
      {"title", "Checkout down"}, {"severity", "P1"}, {"commander", "alice"}, {"id", "2024-0001"}};
  auto value = [&](std::string_view name) {
    auto it = values.find(name);
    return it == values.end() ? std::string("TBD") : it->second;
  };
  CHECK(expand_template("", value) == "");
  CHECK(expand_template("plain", value) == "plain");
  CHECK(expand_template("{{title}} ({{severity}})\nCommander: {{commander}}\n", value) ==
        "Checkout down (P1)\nCommander: alice\n");
  CHECK(expand_template("{{id}}{{title}}", value) == "2024-0001Checkout down");
  CHECK(expand_template("ETA: {{eta}}", value) == "ETA: TBD");
  CHECK(expand_template("\xF0\x9F\x9A\xA8 {{title}} \xE2\x9C\x85", value) ==
        "\xF0\x9F\x9A\xA8 Checkout down \xE2\x9C\x85");
}

TEST_CASE("expand_template inserts values literally and never expands them again") {
  std::vector<std::string> asked;
  auto value = [&](std::string_view name) {
    asked.emplace_back(name);
    if (name == "title") {
      return std::string("{{commander}} broke {{id}}");
    }
    if (name == "impact") {
      return std::string("}} {{ {{title");
    }
    return std::string("alice");
  };
  CHECK(expand_template("T: {{title}}\nC: {{commander}}\nI: {{impact}}", value) ==
        "T: {{commander}} broke {{id}}\nC: alice\nI: }} {{ {{title");
  CHECK(asked == std::vector<std::string>{"title", "commander", "impact"});
}

TEST_CASE("expand_template copies unknown and unclosed placeholders through") {
  int calls = 0;
  auto value = [&](std::string_view) {
    ++calls;
    return std::string("V");
  };
  CHECK(expand_template("a {{unknown}} b", value) == "a {{unknown}} b");
  CHECK(expand_template("a {{title", value) == "a {{title");
  CHECK(expand_template("{{ title }}", value) == "{{ title }}");
  CHECK(calls == 0);
  CHECK(expand_template("{{nope}}{{title}}", value) == "{{nope}}V");
  CHECK(calls == 1);
}

// The bundled templates are the seed's Communication Templates line for line: the same
// labels and words, a placeholder where the seed has its [bracketed] blank (or, for the
// Investigation Update's status, the word it shows).
TEST_CASE("the bundled templates keep the seed's lines") {
  const auto read = [](const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  const std::string seed = read(std::filesystem::path(INCIDENT_TEST_DATA) / "seed/incident-response-runbook.md");
  const auto lines_of = [](const std::string& text) {
    const auto lines = text::lines_of(text);
    return std::vector<std::string>(lines.begin(), lines.end());
  };
  for (const auto& [file, heading] : std::vector<std::pair<std::string, std::string>>{
           {"initial.txt", "### Initial Status Update"},
           {"investigation.txt", "### Investigation Update"},
           {"resolution.txt", "### Resolution Update"}}) {
    INFO(file);
    const auto at = seed.find(heading + "\n```\n");
    REQUIRE(at != std::string::npos);
    const auto body = at + heading.size() + 5;
    const std::vector<std::string> expected = lines_of(seed.substr(body, seed.find("```", body) - body));
    const std::vector<std::string> actual =
        lines_of(read(std::filesystem::path(INCIDENT_SOURCE_DIR) / "templates" / file));
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
      // The template's line as a pattern: its text literally, each {{placeholder}} any text.
      std::string pattern;
      std::size_t from = 0;
      for (auto open = actual[i].find("{{"); open != std::string::npos; open = actual[i].find("{{", from)) {
        pattern += std::regex_replace(actual[i].substr(from, open - from), std::regex(R"([.^$|()\[\]{}*+?\\])"),
                                      R"(\$&)");
        pattern += ".+";
        from = actual[i].find("}}", open) + 2;
      }
      pattern += std::regex_replace(actual[i].substr(from), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
      INFO(actual[i] << "  vs the seed's  " << expected[i]);
      CHECK(std::regex_match(expected[i], std::regex(pattern)));
    }
  }
}
