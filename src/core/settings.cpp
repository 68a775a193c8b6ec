#include "incident/settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "config_reader.hpp"
#include "incident/chat.hpp"
#include "incident/file_io.hpp"
#include "incident/text.hpp"
#include "incident/time.hpp"
#include "yaml_tree.hpp"

namespace incident {

namespace {

const std::vector<SettingSpec> k_settings = {
    {SettingId::state_dir, "state_dir", "--state-dir", "DIR", "INCIDENT_HOME",
     "$XDG_DATA_HOME/incident, else ~/.local/share/incident", "Where incident files live", {}},
    {SettingId::runbook, "runbook", "--runbook", "FILE", "INCIDENT_RUNBOOK",
     "$XDG_CONFIG_HOME/incident/runbook.yaml if present (incident init makes it), else the bundled one",
     "Runbook YAML to use", {}},
    {SettingId::actor, "actor", "--as", "NAME", "INCIDENT_USER", "$USER, else the login name", "Who is acting", {}},
    {SettingId::output, "output", "--output", "FORMAT", "INCIDENT_OUTPUT", "text",
     "What stdout carries: text (the message to paste), or json (one JSON document; --json says it too)",
     {"text", "json"}},
    {SettingId::color, "color", "--color", "WHEN", "INCIDENT_COLOR",
     "auto: colour only when stdout is a terminal, TERM is not dumb and NO_COLOR is unset or empty",
     "Colour on a terminal: auto, always, never", {"auto", "always", "never"}},
    {SettingId::timezone, "timezone", "", "", "TZ", "the system's zone (/etc/localtime), else UTC",
     "The zone times for people are read and shown in (--at 03:12, status); messages use the runbook's", {}},
};

// Every variable the program reads that is not a setting's, nor a chat target's.
constexpr EnvironmentVariable k_other_variables[] = {
    {"HOME", "the home directory: the default config, data and cache directories are under it"},
    {"USER", "who is acting when neither --as nor INCIDENT_USER nor the config file says"},
    {"XDG_CONFIG_HOME", "the config directory's parent: config.yaml, runbook.yaml (default ~/.config)"},
    {"XDG_DATA_HOME", "the default state dir's parent (default ~/.local/share)"},
    {"XDG_CACHE_HOME", "the runbook cache's parent (default ~/.cache)"},
    {"NO_COLOR", "set and not empty: no colour, unless --color always"},
    {"TERM", "dumb: no colour"},
    {"COLUMNS", "the width status and help fit (default: the terminal's)"},
    {"INCIDENT_NOW", "a fixed clock (RFC 3339) for tests and drills: \"now\" for every command"},
    {"INCIDENT_LOCK_TIMEOUT_MS", "how long a writer waits for the lock, in milliseconds (default 10000)"},
    {"INCIDENT_NO_HOOKS", "set (1): run no hooks, as --no-hooks does; set to 1 in every hook's environment"},
    {"INCIDENT_HOOK_TIMEOUT", "seconds each hook may run (default 10)"},
    {"INCIDENT_WATCH_INTERVAL_MS", "how often watch redraws, in milliseconds (default 1000)"},
    {"TMUX", "set: --copy wraps its terminal escape for tmux"},
    {"STY", "set: --copy wraps its terminal escape for GNU screen"},
};

std::vector<EnvironmentVariable> all_variables() {
  std::vector<EnvironmentVariable> out;
  auto add = [&out](const EnvironmentVariable& variable) {
    const bool known = std::any_of(out.begin(), out.end(),
                                   [&](const EnvironmentVariable& each) { return each.name == variable.name; });
    if (!known) {
      out.push_back(variable);
    }
  };
  for (const auto& setting : k_settings) {
    if (!setting.variable.empty()) {
      add({setting.variable, setting.meaning});
    }
  }
  for (const auto& variable : k_other_variables) {
    add(variable);
  }
  for (const auto& variable : chat_variables()) {
    add(variable);
  }
  return out;
}

std::vector<std::string> known_keys() {
  std::vector<std::string> keys;
  for (const auto& setting : k_settings) {
    keys.emplace_back(setting.key);
  }
  for (const auto section : k_config_sections) {
    keys.emplace_back(section);
  }
  return keys;
}

bool is_path(SettingId id) { return id == SettingId::state_dir || id == SettingId::runbook; }

// What is wrong with `value` for `spec`; "" when it is fine.
std::string check_value(const SettingSpec& spec, const std::string& value) {
  if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
    std::vector<std::string> choices(spec.choices.begin(), spec.choices.end());
    return fmt::format("'{}' is not one of {}{}", text::escape_control(value), text::join(choices, ", "),
                       text::did_you_mean(value, choices));
  }
  if (text::has_line_break(value) || value.find_first_not_of(" \t") == std::string::npos) {
    return "is blank or holds a line break";
  }
  if (spec.id == SettingId::timezone && !Zone::named(value)) {
    return fmt::format("'{}' is not a time zone this machine knows (e.g. UTC, Europe/Berlin)",
                       text::escape_control(value));
  }
  return {};
}

// A path from the config file: "~/x" under the home directory, a relative one under the
// config file's directory (a config file means the same from any working directory).
std::string config_path_value(const std::string& value, const ConfigFile& config, const EnvLookup& env,
                              const ConfigValue& at) {
  if (value == "~" || value.starts_with("~/")) {
    const auto home = env("HOME");
    if (!home) {
      throw DataError({config.path.string(), at.line, at.column}, "'~' needs HOME, which is not set",
                      ExitCode::failure);
    }
    return (std::filesystem::path(*home) / value.substr(std::min<std::size_t>(value.size(), 2))).string();
  }
  const std::filesystem::path path(value);
  return path.is_absolute() ? value : (config.path.parent_path() / path).lexically_normal().string();
}

}  // namespace

std::span<const SettingSpec> setting_specs() { return k_settings; }

const SettingSpec& setting_spec(SettingId id) {
  const auto found =
      std::find_if(k_settings.begin(), k_settings.end(), [id](const SettingSpec& spec) { return spec.id == id; });
  return *found;  // every SettingId is in the table (settings_test checks)
}

std::span<const EnvironmentVariable> environment_variables() {
  static const std::vector<EnvironmentVariable> variables = all_variables();
  return variables;
}

std::optional<std::string> process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

ConfigFile read_config_file(const std::filesystem::path& path) {
  ConfigFile config;
  config.path = path;
  const auto text = read_file_if_exists(path, k_max_config_bytes);
  if (!text) {
    return config;
  }
  config.exists = true;
  const ConfigReader reader(path.string());
  const yaml::Node root = reader.parse(*text);
  reader.check_keys(root, known_keys(), "the config file");
  // Entries by name, not a structured binding: clang 14 cannot capture one in a lambda.
  for (const auto& entry : root.entries) {
    const yaml::Node& key = entry.first;
    const yaml::Node& value = entry.second;
    const auto setting = std::find_if(k_settings.begin(), k_settings.end(),
                                      [&](const SettingSpec& spec) { return spec.key == key.value; });
    if (setting != k_settings.end()) {
      config.values[key.value] = {reader.scalar(value, key.value), value.line, value.column};
    }
  }
  return config;
}

std::string_view source_name(SettingSource source) {
  switch (source) {
    case SettingSource::option: return "option";
    case SettingSource::environment: return "environment";
    case SettingSource::config: return "config";
    case SettingSource::fallback: break;
  }
  return "default";
}

Settings Settings::resolve(const std::map<SettingId, std::string>& options, const EnvLookup& env,
                           const ConfigFile& config) {
  // The config file is checked whole, as the runbook is: a bad value is reported even
  // while an option or a variable overrides it.
  for (const auto& spec : k_settings) {
    if (const auto found = config.values.find(spec.key); found != config.values.end()) {
      const ConfigValue& at = found->second;
      if (const std::string problem = check_value(spec, at.value); !problem.empty()) {
        throw DataError({config.path.string(), at.line, at.column}, fmt::format("{}: {}", spec.key, problem),
                        ExitCode::failure);
      }
    }
  }
  Settings settings;
  for (const auto& spec : k_settings) {
    SettingValue& slot = settings.m_values[spec.id];
    if (const auto given = options.find(spec.id); given != options.end() && !given->second.empty()) {
      if (const std::string problem = check_value(spec, given->second); !problem.empty()) {
        throw UsageError(fmt::format("{}: {}", spec.option, problem));
      }
      slot = {given->second, SettingSource::option, std::string(spec.option)};
      continue;
    }
    if (!spec.variable.empty()) {
      if (auto value = env(spec.variable)) {
        // TZ is the system's own: glibc reads what it can of it, so it is taken as it is.
        if (spec.id != SettingId::timezone) {
          if (const std::string problem = check_value(spec, *value); !problem.empty()) {
            throw UsageError(fmt::format("{}: {}", spec.variable, problem));
          }
        }
        slot = {std::move(*value), SettingSource::environment, std::string(spec.variable)};
        continue;
      }
    }
    if (const auto found = config.values.find(spec.key); found != config.values.end()) {
      const ConfigValue& at = found->second;
      slot = {is_path(spec.id) ? config_path_value(at.value, config, env, at) : at.value, SettingSource::config,
              fmt::format("{}:{}:{}", config.path.string(), at.line, at.column)};
    }
  }
  return settings;
}

const SettingValue& Settings::get(SettingId id) const { return m_values.at(id); }

}  // namespace incident
