#pragma once
// An environment for the library's readers of variables (settings.hpp's EnvLookup) in unit
// tests: exactly the variables given, an empty one unset, as process_env treats it.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "incident/settings.hpp"

namespace incident::test {

inline EnvLookup env_of(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    const auto found = variables.find(std::string(name));
    if (found == variables.end() || found->second.empty()) {
      return std::nullopt;
    }
    return found->second;
  };
}

}  // namespace incident::test
