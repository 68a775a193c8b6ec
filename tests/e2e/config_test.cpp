// The settings: option > environment > config file > default, for every command and for
// prompt's fast path; the config file checked like the runbook; `config show`; `init`; and
// the one table of exit codes and variables against the README and the help.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "incident/error.hpp"
#include "incident/settings.hpp"
#include "support/home.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;
using Env = std::map<std::string, std::string>;

namespace {

fs::path config_path(const Home& home) { return home.path() / ".config" / "incident" / "config.yaml"; }

void write_config(const Home& home, const std::string& text) {
  fs::create_directories(config_path(home).parent_path());
  std::ofstream(config_path(home)) << text;
  ::chmod(config_path(home).c_str(), 0600);
}

// `config show --json`'s entry for one setting.
Json setting_of(const Home& home, const std::string& name, const std::vector<std::string>& options = {},
                const Env& env = {}) {
  std::vector<std::string> args = options;
  args.insert(args.end(), {"--json", "config", "show"});
  const Result result = home.run(args, env);
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  const Json document = parse_json(result.out);
  for (const auto& setting : document["settings"]) {
    if (setting["name"] == name) {
      return setting;
    }
  }
  FAIL("no setting " << name);
  return {};
}

}  // namespace

TEST_CASE("config: option beats environment beats config file beats default") {
  Home home;
  CHECK(setting_of(home, "actor")["source"] == "default");
  CHECK(setting_of(home, "actor")["value"] == "tester");  // $USER

  write_config(home, "actor: carol\n");
  Json actor = setting_of(home, "actor");
  CHECK(actor["value"] == "carol");
  CHECK(actor["source"] == "config");
  CHECK(actor["where"] == config_path(home).string() + ":1:8");

  actor = setting_of(home, "actor", {}, {{"INCIDENT_USER", "dave"}});
  CHECK(actor["value"] == "dave");
  CHECK(actor["source"] == "environment");

  actor = setting_of(home, "actor", {"--as", "erin"}, {{"INCIDENT_USER", "dave"}});
  CHECK(actor["value"] == "erin");
  CHECK(actor["source"] == "option");

  // And the setting is what a write records.
  const Result opened = home.run({"--json", "open", "DB down", "-s", "P1", "--at", k_t0});
  REQUIRE(opened.exit_code == 0);
  CHECK(parse_json(opened.out)["events"][0]["by"] == "carol");
}

TEST_CASE("config: the state dir, the output and the colour from the config file") {
  Home home;
  write_config(home, "state_dir: ~/team-incidents\noutput: json\ncolor: never\n");
  const Env no_home = {{"INCIDENT_HOME", ""}};
  const Result opened = home.run({"open", "DB down", "-s", "P1", "--at", k_t0}, no_home);
  INFO(describe(opened));
  REQUIRE(opened.exit_code == 0);
  const std::string id = parse_json(opened.out)["id"];  // output: json
  CHECK(fs::exists(home.path() / "team-incidents" / "incidents" / (id + ".json")));
  CHECK_FALSE(fs::exists(home.state()));

  // prompt's fast path reads the same settings.
  const Result prompt = home.run({"prompt", "--at", "2026-11-27T03:20:00Z"}, no_home);
  CHECK(prompt.exit_code == 0);
  CHECK_THAT(prompt.out, Catch::Contains(id.substr(0, 4)));

  // --output text on the line wins over the file; --json with it contradicts.
  const Result text = home.run({"--output", "text", "show", id}, no_home);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::StartsWith("DB down") || Catch::Contains("Status:"));
  CHECK_FALSE(text.out.starts_with("{"));
  const Result both = home.run({"--json", "--output", "text", "show", id}, no_home);
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Contains("contradict"));
}

TEST_CASE("config: a relative path in the config file is relative to the file's directory") {
  Home home;
  write_config(home, "state_dir: data\n");
  const Json setting = setting_of(home, "state_dir", {}, {{"INCIDENT_HOME", ""}});
  CHECK(setting["value"] == (config_path(home).parent_path() / "data").string());
}

TEST_CASE("config: the time zone from the config file reads and shows times") {
  Home home;
  // A POSIX zone string, so the test needs no tzdata; TZ from the environment wins.
  write_config(home, "timezone: JST-9\n");
  const Env env = {{"TZ", ""}, {"INCIDENT_NOW", "2026-11-27T12:00:00Z"}};
  const Result opened = home.run({"--json", "open", "DB down", "-s", "P1", "--at", "20:00"}, env);
  INFO(describe(opened));
  REQUIRE(opened.exit_code == 0);
  CHECK(parse_json(opened.out)["started_at"] == "2026-11-27T11:00:00Z");
  CHECK(setting_of(home, "timezone", {}, {{"TZ", "UTC"}})["source"] == "environment");
}

TEST_CASE("config: a bad config file is file:line:column with a did-you-mean, and nothing is recorded") {
  Home home;
  write_config(home, "actor: carol\ncolour: always\n");
  const Result typo = home.run({"open", "DB down", "-s", "P1"});
  CHECK(typo.exit_code == 1);
  CHECK_THAT(typo.err, Catch::StartsWith(fmt::format("incident: error: {}:2:1: unknown key 'colour' in the config "
                                                     "file (did you mean 'color'?)",
                                                     config_path(home).string())));
  CHECK_FALSE(fs::exists(home.state() / "incidents"));

  write_config(home, "color: sometimes\n");
  const Result value = home.run({"list"});
  CHECK(value.exit_code == 1);
  CHECK_THAT(value.err, Catch::Contains(":1:8: color: 'sometimes' is not one of auto, always, never"));

  write_config(home, "timezone: Mars/Olympus\n");
  const Result zone = home.run({"list"});  // checked even while TZ is set
  CHECK(zone.exit_code == 1);
  CHECK_THAT(zone.err, Catch::Contains("is not a time zone"));

  write_config(home, "actor:\n  - carol\n");
  const Result shape = home.run({"prompt"});
  CHECK(shape.exit_code == 1);
  CHECK_THAT(shape.err, Catch::Contains(":2:3: actor must be text"));

  // A bad variable names the variable; a file with no settings is no error.
  write_config(home, "# nothing yet\n");
  const Result variable = home.run({"list"}, {{"INCIDENT_COLOR", "loud"}});
  CHECK(variable.exit_code == 2);
  CHECK_THAT(variable.err, Catch::Contains("INCIDENT_COLOR: 'loud' is not one of auto, always, never"));
}

TEST_CASE("config show: each setting, its value and where it came from, as text") {
  Home home;
  write_config(home, "color: never\n");
  const Result shown = home.run({"config", "show"}, {{"INCIDENT_USER", "dave"}});
  INFO(describe(shown));
  REQUIRE(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::StartsWith("Config file: " + config_path(home).string() + "\n"));
  for (const auto& spec : incident::setting_specs()) {
    CHECK_THAT(shown.out, Catch::Contains("\n" + std::string(spec.key) + " "));
  }
  CHECK_THAT(shown.out, Catch::Contains("dave") && Catch::Contains("environment (INCIDENT_USER)"));
  CHECK_THAT(shown.out, Catch::Contains("never") && Catch::Contains("config (" + config_path(home).string() + ":1:8)"));
  CHECK_THAT(shown.out, Catch::Contains((home.state()).string()));
}

TEST_CASE("init: the team's runbook and templates in the config dir, used from then on") {
  Home home;
  const Result init = home.run({"--json", "init"});
  INFO(describe(init));
  REQUIRE(init.exit_code == 0);
  const fs::path dir = config_path(home).parent_path();
  const fs::path runbook = dir / "runbook.yaml";
  REQUIRE(fs::exists(runbook));
  for (const char* name : {"initial.txt", "investigation.txt", "resolution.txt"}) {
    CHECK(read_text(dir / "templates" / name) == read_text(fs::path(INCIDENT_SOURCE_DIR) / "templates" / name));
  }

  // What to edit first: each line named holds the value named.
  const Json document = parse_json(init.out);
  CHECK(document["runbook"] == runbook.string());
  std::vector<std::string> lines;
  std::ifstream in(runbook);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  const Json& edit = document["edit_first"];
  REQUIRE(edit.size() >= 8);
  bool contact = false;
  bool link = false;
  for (const auto& entry : edit) {
    const auto line = entry["line"].get<std::size_t>();
    REQUIRE(line >= 1);
    REQUIRE(line <= lines.size());
    CHECK_THAT(lines[line - 1], Catch::Contains(entry["value"].get<std::string>()));
    contact = contact || (entry["section"] == "escalation" && entry["value"] == "[On-call engineer]");
    link = link || (entry["section"] == "resources" && entry["value"] == "/admin/ops");
  }
  CHECK(contact);
  CHECK(link);
  CHECK_THAT(init.err, Catch::Contains("Edit first") && Catch::Contains(runbook.string() + ":"));

  // The copy is the runbook in use, and its templates are the ones rendered.
  CHECK(setting_of(home, "runbook")["value"] == runbook.string());
  std::ofstream(dir / "templates" / "initial.txt", std::ios::app) << "Runbook: ours\n";
  const Result opened = home.run({"open", "DB down", "-s", "P1", "--at", k_t0});
  INFO(describe(opened));
  CHECK(opened.exit_code == 0);
  CHECK_THAT(opened.out, Catch::EndsWith("Runbook: ours\n"));
  CHECK(home.run({"runbook", "validate"}).exit_code == 0);

  // A second init writes nothing.
  const std::string before = read_text(runbook);
  const Result again = home.run({"init"});
  CHECK(again.exit_code == 7);
  CHECK_THAT(again.err, Catch::Contains("already there"));
  CHECK(read_text(runbook) == before);
}

TEST_CASE("init: says when another runbook is set, and keeps a template someone changed") {
  Home home;
  const fs::path dir = config_path(home).parent_path();
  fs::create_directories(dir / "templates");
  std::ofstream(dir / "templates" / "initial.txt") << "ours\n";
  const Result refused = home.run({"init"});
  CHECK(refused.exit_code == 7);
  CHECK_THAT(refused.err, Catch::Contains("differs from the bundled template"));
  CHECK_FALSE(fs::exists(dir / "runbook.yaml"));
  CHECK(read_text(dir / "templates" / "initial.txt") == "ours\n");

  fs::remove(dir / "templates" / "initial.txt");
  const fs::path other = fs::path(INCIDENT_SOURCE_DIR) / "runbooks" / "default.yaml";
  const Result set = home.run({"init"}, {{"INCIDENT_RUNBOOK", other.string()}});
  CHECK(set.exit_code == 0);
  CHECK_THAT(set.err, Catch::Contains("while INCIDENT_RUNBOOK names it"));
}

// One table of exit codes and of variables (error.hpp, settings.hpp): the README and the
// help say what they say.
TEST_CASE("config: the README documents every exit code and environment variable of the tables") {
  const std::string readme = read_text(fs::path(INCIDENT_SOURCE_DIR) / "README.md");
  for (const auto& code : incident::exit_codes()) {
    CHECK_THAT(readme, Catch::Contains(fmt::format("| {} | {} |\n", static_cast<int>(code.code), code.meaning)));
  }
  for (const auto& variable : incident::environment_variables()) {
    CHECK_THAT(readme, Catch::Contains(fmt::format("`{}`", variable.name)));
  }
  for (const auto& spec : incident::setting_specs()) {
    CHECK_THAT(readme, Catch::Contains(fmt::format("| `{}` |", spec.key)));
  }
  Home home;
  const Result help = home.run({"--help"}, {{"COLUMNS", "1000"}});
  for (const auto& code : incident::exit_codes()) {
    CHECK_THAT(help.out, Catch::Contains(fmt::format("{} {}", static_cast<int>(code.code), code.label)));
  }
}
