#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "incident/error.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/starter.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

std::string bundled_text() {
  std::ifstream in(fs::path(INCIDENT_SOURCE_DIR) / "runbooks" / "default.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("starter: the bundled runbook with its templates read from files beside it") {
  const std::string text = starter_runbook(bundled_text());
  for (const char* key : {"initial", "investigation", "resolution"}) {
    CHECK_THAT(text, Catch::Contains(fmt::format("    file: templates/{}.txt\n", key)));
  }
  ScratchDir dir;
  fs::create_directories(dir.path() / "templates");
  for (const char* key : {"initial", "investigation", "resolution"}) {
    std::ofstream(dir.path() / "templates" / (std::string(key) + ".txt")) << "Ours: {{title}}\n";
  }
  std::ofstream(dir.path() / "runbook.yaml") << text;
  const Runbook runbook = load_runbook(dir.path() / "runbook.yaml", dir.path() / "no-bundled-templates");
  for (const auto& tmpl : runbook.templates) {
    CHECK(tmpl.text == "Ours: {{title}}\n");
  }
  CHECK_THROWS_AS(starter_runbook("title: x\nseverities: []\n"), Error);
}

TEST_CASE("starter: the placeholders of the bundled runbook, by line") {
  const std::string text = bundled_text();
  const auto found = find_placeholders(text);
  REQUIRE(found.size() >= 10);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  for (const auto& each : found) {
    REQUIRE(each.line >= 1);
    CHECK_THAT(lines.at(static_cast<std::size_t>(each.line - 1)), Catch::Contains(each.value));
    CHECK_FALSE(each.name.empty());
  }
  CHECK(found.front().section == "escalation");
  CHECK(found.front().name == "Primary");
  CHECK(found.front().value == "[On-call engineer]");
  const auto link = std::find_if(found.begin(), found.end(), [](const Placeholder& p) { return p.value == "/admin/ops"; });
  REQUIRE(link != found.end());
  CHECK(link->section == "resources");
  // Real values are not placeholders; channels are not links.
  const auto filled = find_placeholders("escalation:\n  contacts:\n    - id: a\n      name: A\n      value: \"+1 555 0100\"\n"
                                        "resources:\n  - name: Channels\n    entries:\n      - name: Incident Channel\n"
                                        "        value: \"#incidents\"\n      - name: Dash\n        value: https://x.test/d\n");
  CHECK(filled.empty());
}
