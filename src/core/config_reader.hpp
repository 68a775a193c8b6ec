#pragma once
// Checks on the user's config file ($XDG_CONFIG_HOME/incident/config.yaml) as a yaml tree:
// every complaint "path:line:column: message", unknown keys with a "did you mean". Private
// to the library: settings.cpp reads the file's settings, chat.cpp its `chat:` section.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incident/error.hpp"
#include "incident/file_io.hpp"
#include "incident/text.hpp"
#include "yaml_tree.hpp"

namespace incident {

// The most a config file may hold: it is a few lines of settings.
inline constexpr std::size_t k_max_config_bytes = 64 * 1024;

class ConfigReader {
public:
  explicit ConfigReader(std::string path) : m_path(std::move(path)) {}

  // The file's tree: a mapping, or a null node for a file that holds nothing (blank, or
  // comments only: no settings). Its errors are the config file's (ExitCode::failure),
  // not a runbook's.
  [[nodiscard]] yaml::Node parse(std::string_view text) const {
    yaml::Node root;
    try {
      root = yaml::parse(text, m_path);
    } catch (const DataError& e) {
      if (e.pos().line == 0 && e.message() == "the file is empty") {
        return root;
      }
      throw DataError(e.pos(), e.message(), ExitCode::failure);
    }
    expect_map(root, "the config file");
    return root;
  }

  [[noreturn]] void fail(const yaml::Node& at, const std::string& message) const {
    throw DataError({m_path, at.line, at.column}, message, ExitCode::failure);
  }

  void expect_map(const yaml::Node& node, std::string_view what) const {
    if (node.kind != yaml::Node::Kind::map) {
      fail(node, fmt::format("{} must be a mapping, found {}", what, yaml::kind_name(node)));
    }
  }

  std::string scalar(const yaml::Node& node, std::string_view what) const {
    if (node.kind != yaml::Node::Kind::scalar) {
      fail(node, fmt::format("{} must be text, found {}", what, yaml::kind_name(node)));
    }
    return node.value;
  }

  // The entries of a mapping, each key known and given once.
  void check_keys(const yaml::Node& map, const std::vector<std::string>& known, std::string_view what) const {
    std::vector<std::string> seen;
    for (const auto& [key, value] : map.entries) {
      if (std::find(known.begin(), known.end(), key.value) == known.end()) {
        fail(key, fmt::format("unknown key '{}' in {}{}", text::escape_control(key.value), what,
                              text::did_you_mean(key.value, known)));
      }
      if (std::find(seen.begin(), seen.end(), key.value) != seen.end()) {
        fail(key, fmt::format("'{}' is given twice in {}", key.value, what));
      }
      seen.push_back(key.value);
    }
  }

private:
  std::string m_path;
};

// One section of the config file (`chat:`, `exec:`), for the module that reads it: its
// node, checked to be a mapping, and the reader to check its keys with; nullopt when the
// file or the section is absent. The rest of the file is settings.cpp's to check.
struct ConfigSection {
  ConfigReader reader;
  yaml::Node node;
};

inline std::optional<ConfigSection> read_config_section(const std::filesystem::path& path, std::string_view name) {
  const auto text = read_file_if_exists(path, k_max_config_bytes);
  if (!text) {
    return std::nullopt;
  }
  ConfigReader reader(path.string());
  yaml::Node root = reader.parse(*text);
  for (auto& entry : root.entries) {
    if (entry.first.value == name) {
      reader.expect_map(entry.second, name);
      return ConfigSection{std::move(reader), std::move(entry.second)};
    }
  }
  return std::nullopt;
}

}  // namespace incident
