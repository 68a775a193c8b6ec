#pragma once
// The user's settings: one table of them (name, option, environment variable, config key,
// default), the config file that holds them ($XDG_CONFIG_HOME/incident/config.yaml), and
// where each effective value came from. Precedence, for every setting and every command
// (`prompt`'s fast path included): option > environment > config file > default.
//
// The same table is the source of the help's option descriptions, `incident config show`,
// the man page's ENVIRONMENT and the README's table (tests check the README against it);
// environment_variables() lists every variable the program reads.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "incident/error.hpp"

namespace incident {

enum class SettingId { state_dir, runbook, actor, output, color, timezone };

struct SettingSpec {
  SettingId id;
  std::string_view key;  // the setting's name, and its key in the config file: "state_dir"
  std::string_view option;  // "--state-dir"; "" when the line has none
  std::string_view option_type;  // "DIR": what the option takes ("" for none)
  std::string_view variable;  // "INCIDENT_HOME"; "" when none
  std::string_view fallback;  // the default, in words
  std::string_view meaning;
  std::vector<std::string_view> choices;  // the values it takes; empty: any (checked otherwise)
};

// Every setting, in the order `config show` lists them.
std::span<const SettingSpec> setting_specs();
const SettingSpec& setting_spec(SettingId id);

// An environment variable the program reads, and what it does.
struct EnvironmentVariable {
  std::string_view name;
  std::string_view meaning;
};
// Every one: the settings' first, then the rest (XDG directories, NO_COLOR, COLUMNS, the
// chat targets', ...), each once.
std::span<const EnvironmentVariable> environment_variables();

// Reads a variable: nullopt when unset or empty. Tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
std::optional<std::string> process_env(std::string_view name);

// The config file's top-level sections read by other modules (chat.hpp reads `chat:`);
// any other key that is not a setting is an error.
inline constexpr std::string_view k_config_sections[] = {"chat", "exec"};

// A setting's value as the config file gives it, with its position.
struct ConfigValue {
  std::string value;
  int line = 0;
  int column = 0;
};

struct ConfigFile {
  std::filesystem::path path;
  bool exists = false;
  std::map<std::string, ConfigValue, std::less<>> values;  // by setting key
};

// Reads and checks the config file: a mapping of setting keys (each once, a scalar) and
// the sections of k_config_sections. A missing file is an empty config. Throws DataError
// ("path:line:column: unknown key 'runbok' (did you mean 'runbook'?)", ExitCode::failure)
// for anything else, and Error when it cannot be read.
ConfigFile read_config_file(const std::filesystem::path& path);

enum class SettingSource { option, environment, config, fallback };
std::string_view source_name(SettingSource source);  // "option", "environment", "config", "default"

struct SettingValue {
  std::string value;  // "" with SettingSource::fallback: the default applies
  SettingSource source = SettingSource::fallback;
  std::string where;  // "--as", "INCIDENT_USER", "/home/a/.config/incident/config.yaml:3:8", ""
};

// The effective settings. `options` holds the values given on the command line (a setting
// absent from it, or empty, was not given). Values are checked: a choice outside its
// list, a zone glibc cannot load, a blank name. A bad option or variable is a UsageError
// naming it; a bad config value a DataError at its position. Paths from the config file
// may start with "~/" (the home directory) or be relative to the config file's directory.
class Settings {
public:
  static Settings resolve(const std::map<SettingId, std::string>& options, const EnvLookup& env,
                          const ConfigFile& config);

  [[nodiscard]] const SettingValue& get(SettingId id) const;
  // The value, or "" when the default applies.
  [[nodiscard]] const std::string& value(SettingId id) const { return get(id).value; }

private:
  std::map<SettingId, SettingValue> m_values;
};

}  // namespace incident
