#include "incident/exec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "incident/error.hpp"
#include "incident/file_io.hpp"
#include "incident/text.hpp"
#include "config_reader.hpp"
#include "yaml_tree.hpp"

namespace incident {

namespace {


// Lines that hold a secret more often than not. Broad on purpose: a line kept that should
// not be is worse than a line lost. A pattern is matched anywhere in a line.
constexpr std::array<std::string_view, 8> k_default_patterns = {
    R"(pass(word|wd)?\s*[=:])",
    R"(token)",
    R"(secret)",
    R"(api[_-]?key)",
    R"(authorization\s*:)",
    R"(bearer\s+\S)",
    R"(AKIA[0-9A-Z]{16})",
    R"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)",
};

constexpr std::string_view k_begin_key = "-----BEGIN ";
constexpr std::string_view k_end_key = "-----END ";
constexpr std::string_view k_private_key = "PRIVATE KEY-----";

std::regex compile(std::string_view pattern) {
  return std::regex(pattern.begin(), pattern.end(), std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
}

bool is_key_line(std::string_view line, std::string_view marker) {
  return line.find(marker) != std::string_view::npos && line.find(k_private_key) != std::string_view::npos;
}

}  // namespace

std::string last_lines(std::string_view text, std::size_t lines, std::size_t bytes) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  std::size_t begin = text.size();  // where the kept lines start
  for (std::size_t count = 0; count < lines && begin > 0;) {
    // The line before `begin`: from after the line break before it.
    const std::size_t end = begin == text.size() ? text.size() : begin - 1;
    const std::size_t newline = end == 0 ? std::string_view::npos : text.rfind('\n', end - 1);
    const std::size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
    if (count > 0 && text.size() - line_start > bytes) {
      break;
    }
    begin = line_start;
    ++count;
  }
  std::string_view kept = text.substr(begin);
  if (kept.size() > bytes) {
    kept = kept.substr(kept.size() - bytes);
    while (!kept.empty() && (static_cast<unsigned char>(kept.front()) & 0xC0) == 0x80) {
      kept.remove_prefix(1);
    }
  }
  return text::replace_invalid_utf8(kept);
}

std::string format_command(const std::vector<std::string>& command) {
  std::vector<std::string> words;
  for (const auto& word : command) {
    const bool plain = !word.empty() && word.find_first_of(" \t\n'\"\\$`;&|<>()*?!#~{}[]") == std::string::npos;
    std::string quoted = "'";
    for (const char c : word) {
      quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);  // as sh reads it back
    }
    words.push_back(plain || word == k_redacted ? word : quoted + "'");
  }
  return text::cut(text::join(words, " "), 200);
}

std::span<const std::string_view> default_redact_patterns() { return k_default_patterns; }

ExecSettings load_exec_settings(const std::filesystem::path& config_file) {
  ExecSettings settings;
  const auto exec = read_config_section(config_file, "exec");
  if (exec) {
    const ConfigReader& reader = exec->reader;
    const yaml::Node& section = exec->node;
    reader.check_keys(section, {"redact"}, "exec");
    for (const auto& [name, value] : section.entries) {
      if (value.kind != yaml::Node::Kind::sequence) {
        reader.fail(value, fmt::format("exec.redact must be a list of regular expressions, found {}",
                                       yaml::kind_name(value)));
      }
      for (const auto& item : value.items) {
        if (item.kind != yaml::Node::Kind::scalar || item.value.empty()) {
          reader.fail(item, "each pattern of exec.redact must be a non-empty regular expression");
        }
        try {
          (void)compile(item.value);
        } catch (const std::regex_error& error) {
          reader.fail(item, fmt::format("exec.redact: '{}' is not a valid regular expression: {}",
                                        text::escape_control(item.value), error.what()));
        }
        settings.redact.push_back(item.value);
      }
    }
  }
  return settings;
}

Redactor::Redactor(const std::vector<std::string>& extra) {
  for (const auto pattern : k_default_patterns) {
    m_patterns.push_back(compile(pattern));
  }
  for (const auto& pattern : extra) {
    try {
      m_patterns.push_back(compile(pattern));
    } catch (const std::regex_error& error) {
      throw UsageError(fmt::format("'{}' is not a valid regular expression: {}", text::escape_control(pattern),
                                   error.what()));
    }
  }
}

bool Redactor::matches(std::string_view line) const {
  return std::any_of(m_patterns.begin(), m_patterns.end(), [&](const std::regex& pattern) {
    return std::regex_search(line.begin(), line.end(), pattern);
  });
}

std::string Redactor::redact_text(std::string_view text) const {
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t newline = text.find('\n', at);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    lines.push_back(text.substr(at, end - at));
    if (newline == std::string_view::npos) {
      break;
    }
    at = newline + 1;
  }
  // A tail that starts inside a key block: its lines up to the END are the key's.
  std::size_t first_begin = lines.size();
  std::size_t first_end = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (first_begin == lines.size() && is_key_line(lines[i], k_begin_key)) {
      first_begin = i;
    }
    if (first_end == lines.size() && is_key_line(lines[i], k_end_key)) {
      first_end = i;
    }
  }
  bool in_key = first_end < first_begin;
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (is_key_line(line, k_begin_key)) {
      in_key = true;
    }
    const bool hide = in_key || matches(line);
    if (in_key && is_key_line(line, k_end_key)) {
      in_key = false;
    }
    out += hide ? std::string(k_redacted) : std::string(line);
    if (i + 1 < lines.size()) {
      out += '\n';
    }
  }
  return out;
}

std::string Redactor::redact_argument(std::string_view argument) const {
  // An argument may hold lines (sh -c 'a script'): any of them that matches hides it all.
  std::string_view rest = argument;
  while (true) {
    const std::size_t newline = rest.find('\n');
    if (matches(rest.substr(0, newline)) || is_key_line(rest.substr(0, newline), k_begin_key)) {
      return std::string(k_redacted);
    }
    if (newline == std::string_view::npos) {
      return std::string(argument);
    }
    rest.remove_prefix(newline + 1);
  }
}

}  // namespace incident
