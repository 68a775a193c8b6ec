#include "incident/starter.hpp"

#include <fmt/format.h>

#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

constexpr std::string_view k_template_keys[] = {"initial", "investigation", "resolution"};

std::size_t indent_of(std::string_view line) { return std::min(line.find_first_not_of(' '), line.size()); }

// "value" of `  - name: value` or `  value: "x"`, quotes removed; "" when the line is not
// `key: value` for that key.
std::string value_of(std::string_view line, std::string_view key) {
  std::string_view rest = line.substr(indent_of(line));
  if (rest.starts_with("- ")) {
    rest.remove_prefix(2);
  }
  if (!rest.starts_with(key) || rest.substr(key.size(), 2) != ": ") {
    return {};
  }
  rest.remove_prefix(key.size() + 2);
  if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') && rest.back() == rest.front()) {
    rest = rest.substr(1, rest.size() - 2);
  }
  return std::string(rest);
}

bool is_bracketed(std::string_view value) {
  return value.size() > 2 && value.find('[') != std::string_view::npos && value.back() == ']';
}

// A link a reader cannot follow: a path on a host nobody named, or a document's file name.
bool is_bare_path(std::string_view value) {
  return (value.starts_with('/') && !value.starts_with("//")) || value.ends_with(".md");
}

}  // namespace

std::string starter_runbook(std::string_view bundled) {
  const auto lines = text::lines_of(bundled);
  std::string out;
  bool in_templates = false;
  std::size_t added = 0;
  std::string_view key;  // the template whose entry is being read
  for (const auto line : lines) {
    if (indent_of(line) == 0 && !line.empty() && !line.starts_with('#')) {
      in_templates = line == "templates:";
    }
    out += line;
    out += '\n';
    if (!in_templates) {
      continue;
    }
    for (const auto candidate : k_template_keys) {
      if (line == fmt::format("  {}:", candidate)) {
        key = candidate;
      }
    }
    if (!key.empty() && line.starts_with("    name: ")) {
      out += fmt::format("    file: templates/{}.txt\n", key);
      key = {};
      ++added;
    }
  }
  if (added != std::size(k_template_keys)) {
    throw Error("the bundled runbook's templates section is not as expected: cannot start a runbook from it");
  }
  return out;
}

std::vector<Placeholder> find_placeholders(std::string_view runbook_text) {
  std::vector<Placeholder> found;
  std::string section;
  std::string name;
  int number = 0;
  for (const auto line : text::lines_of(runbook_text)) {
    ++number;
    if (indent_of(line) == 0 && !line.empty() && !line.starts_with('#')) {
      section = std::string(line.substr(0, line.find(':')));
      name.clear();
      continue;
    }
    if (auto entry = value_of(line, "name"); !entry.empty()) {
      name = std::move(entry);
      continue;
    }
    const std::string value = value_of(line, "value");
    if (value.empty()) {
      continue;
    }
    const bool contacts = section == "escalation" || section == "emergency_contacts";
    if (is_bracketed(value)) {
      found.push_back({number, section, name, value, contacts ? "a contact to fill in" : "a placeholder to fill in"});
    } else if (section == "resources" && is_bare_path(value)) {
      found.push_back({number, section, name, value, "a link to give in full (https://...)"});
    }
  }
  return found;
}

}  // namespace incident
