#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "incident/error.hpp"
#include "incident/settings.hpp"
#include "support/env.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::env_of;
using incident::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

ConfigFile config_of(const ScratchDir& dir, const std::string& text) {
  const fs::path path = dir.path() / "config.yaml";
  std::ofstream(path) << text;
  return read_config_file(path);
}

}  // namespace

TEST_CASE("settings: the table has every setting once, with a key, a meaning and a default") {
  std::set<std::string_view> keys;
  for (const auto& spec : setting_specs()) {
    CHECK(keys.insert(spec.key).second);
    CHECK_FALSE(spec.meaning.empty());
    CHECK_FALSE(spec.fallback.empty());
    CHECK(&setting_spec(spec.id) == &spec);
  }
  for (const auto id : {SettingId::state_dir, SettingId::runbook, SettingId::actor, SettingId::output,
                        SettingId::color, SettingId::timezone}) {
    CHECK(setting_spec(id).id == id);
  }
}

TEST_CASE("settings: every variable is listed once, the settings' first") {
  std::set<std::string_view> names;
  for (const auto& variable : environment_variables()) {
    CHECK(names.insert(variable.name).second);
    CHECK_FALSE(variable.meaning.empty());
  }
  CHECK(environment_variables().front().name == "INCIDENT_HOME");
  for (const char* name : {"TZ", "NO_COLOR", "XDG_CONFIG_HOME", "INCIDENT_SLACK_TOKEN", "INCIDENT_LOCK_TIMEOUT_MS"}) {
    CHECK(names.count(name) == 1);
  }
}

TEST_CASE("settings: option > environment > config > default") {
  ScratchDir dir;
  const ConfigFile config = config_of(dir, "actor: carol\ncolor: never\n");
  const auto env = env_of({{"INCIDENT_USER", "dave"}, {"INCIDENT_COLOR", ""}});

  Settings settings = Settings::resolve({}, env, config);
  CHECK(settings.get(SettingId::actor).value == "dave");
  CHECK(settings.get(SettingId::actor).source == SettingSource::environment);
  CHECK(settings.get(SettingId::actor).where == "INCIDENT_USER");
  CHECK(settings.get(SettingId::color).value == "never");  // an empty variable is unset
  CHECK(settings.get(SettingId::color).source == SettingSource::config);
  CHECK(settings.get(SettingId::color).where == (dir.path() / "config.yaml").string() + ":2:8");
  CHECK(settings.value(SettingId::output).empty());
  CHECK(settings.get(SettingId::output).source == SettingSource::fallback);

  settings = Settings::resolve({{SettingId::actor, "erin"}, {SettingId::color, ""}}, env, config);
  CHECK(settings.get(SettingId::actor).value == "erin");
  CHECK(settings.get(SettingId::actor).source == SettingSource::option);
  CHECK(settings.get(SettingId::color).source == SettingSource::config);
  CHECK(source_name(SettingSource::fallback) == "default");
}

TEST_CASE("settings: paths in the config file: ~ is home, relative is beside the file") {
  ScratchDir dir;
  const ConfigFile config = config_of(dir, "state_dir: ~/inc\nrunbook: team/runbook.yaml\n");
  const Settings settings = Settings::resolve({}, env_of({{"HOME", "/home/alice"}}), config);
  CHECK(settings.value(SettingId::state_dir) == "/home/alice/inc");
  CHECK(settings.value(SettingId::runbook) == (dir.path() / "team" / "runbook.yaml").string());
  // Not from the file: taken as given.
  const Settings given = Settings::resolve({{SettingId::state_dir, "rel"}}, env_of({}), config);
  CHECK(given.value(SettingId::state_dir) == "rel");
  CHECK_THROWS_WITH(Settings::resolve({}, env_of({}), config), Catch::Contains(":1:12: '~' needs HOME"));
}

TEST_CASE("settings: values are checked where they were given") {
  ScratchDir dir;
  CHECK_THROWS_AS(Settings::resolve({{SettingId::output, "yaml"}}, env_of({}), ConfigFile{}), UsageError);
  CHECK_THROWS_WITH(Settings::resolve({{SettingId::output, "jsno"}}, env_of({}), ConfigFile{}),
                    "--output: 'jsno' is not one of text, json (did you mean 'json'?)");
  CHECK_THROWS_WITH(Settings::resolve({}, env_of({{"INCIDENT_COLOR", "loud"}}), ConfigFile{}),
                    Catch::StartsWith("INCIDENT_COLOR: 'loud' is not one of auto, always, never"));
  try {
    Settings::resolve({}, env_of({}), config_of(dir, "\ntimezone: Nowhere/Atlantis\n"));
    FAIL("a zone glibc cannot load was accepted");
  } catch (const DataError& e) {
    CHECK(e.pos().line == 2);
    CHECK(e.pos().column == 11);
    CHECK(e.exit_code() == ExitCode::failure);
  }
  CHECK_THROWS_WITH(Settings::resolve({}, env_of({}), config_of(dir, "actor: \"  \"\n")),
                    Catch::Contains("actor: is blank"));
  // The file is checked whole: a bad value is an error while a variable overrides it.
  CHECK_THROWS_AS(Settings::resolve({}, env_of({{"INCIDENT_COLOR", "never"}}), config_of(dir, "color: loud\n")),
                  DataError);
  // TZ is the system's: taken as it is.
  CHECK(Settings::resolve({}, env_of({{"TZ", ":Local/Odd"}}), ConfigFile{}).value(SettingId::timezone) ==
        ":Local/Odd");
  CHECK(Settings::resolve({}, env_of({}), config_of(dir, "timezone: CET-1CEST,M3.5.0,M10.5.0/3\n"))
            .value(SettingId::timezone) == "CET-1CEST,M3.5.0,M10.5.0/3");
}

TEST_CASE("settings: the config file: keys known and given once, values text, sections kept for others") {
  ScratchDir dir;
  CHECK_FALSE(read_config_file(dir.path() / "absent.yaml").exists);
  const ConfigFile ok = config_of(dir, "actor: carol\nchat:\n  teams: {url: https://x.test/y}\nexec: {}\n");
  CHECK(ok.exists);
  CHECK(ok.values.at("actor").value == "carol");
  CHECK(ok.values.count("chat") == 0);
  CHECK_THROWS_WITH(config_of(dir, "actor: a\nrunbok: x\n"),
                    Catch::EndsWith(":2:1: unknown key 'runbok' in the config file (did you mean 'runbook'?)"));
  CHECK_THROWS_WITH(config_of(dir, "actor: a\nactor: b\n"), Catch::Contains("'actor' is given twice"));
  CHECK_THROWS_WITH(config_of(dir, "- actor\n"), Catch::Contains("the config file must be a mapping"));
  CHECK_THROWS_WITH(config_of(dir, "color: [auto]\n"), Catch::Contains(":1:8: color must be text"));
  CHECK_THROWS_AS(config_of(dir, "actor: [\n"), DataError);
  try {
    config_of(dir, "actor: [\n");
  } catch (const DataError& e) {
    CHECK(e.exit_code() == ExitCode::failure);  // the config file's error, not a runbook's
  }
  CHECK(config_of(dir, "# nothing yet\n\n").values.empty());
  CHECK(config_of(dir, "").exists);
}

TEST_CASE("settings: each exit code once, in order, with a label and a meaning") {
  int previous = -1;
  for (const auto& code : exit_codes()) {
    CHECK(static_cast<int>(code.code) > previous);
    previous = static_cast<int>(code.code);
    CHECK_FALSE(code.label.empty());
    CHECK_FALSE(code.meaning.empty());
  }
  CHECK(exit_codes().size() == 12);  // 0 .. 10 and 130
  CHECK(exit_codes().back().code == ExitCode::interrupted);
}
