#include "incident/template.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "incident/text.hpp"

namespace incident {

namespace {

constexpr std::string_view k_open = "{{";
constexpr std::string_view k_close = "}}";

bool is_placeholder(std::string_view name) {
  const auto& names = template_placeholders();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

const std::vector<std::string>& template_placeholders() {
  static const std::vector<std::string> names = {
      "id",          "title",      "severity",   "severity_name", "status",   "impact",
      "started_at",  "acknowledged_at", "resolved_at", "duration", "next_update", "commander",
      "findings",    "next_steps", "eta",        "eta_at",        "root_cause", "fix",
      "monitoring",  "links",      "contacts",
  };
  return names;
}

std::optional<TemplateProblem> check_template(std::string_view text) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
      continue;
    }
    if (text.substr(i, k_open.size()) != k_open) {
      continue;
    }
    const int column = static_cast<int>(i - line_start) + 1;
    const auto close = text.find(k_close, i + k_open.size());
    const auto newline = text.find('\n', i);
    if (close == std::string_view::npos || (newline != std::string_view::npos && newline < close)) {
      return TemplateProblem{line, column, "unclosed placeholder '{{' (expected '}}' on the same line)"};
    }
    const auto name = text.substr(i + k_open.size(), close - i - k_open.size());
    if (!is_placeholder(name)) {
      return TemplateProblem{
          line, column,
          fmt::format("unknown placeholder '{{{{{}}}}}'{} (known: {})", text::escape_control(name),
                      text::did_you_mean(name, template_placeholders()),
                      text::join(template_placeholders()))};
    }
    i = close + k_close.size() - 1;
  }
  return std::nullopt;
}

std::string expand_template(std::string_view text,
                            const std::function<std::string(std::string_view)>& value) {
  std::string out;
  out.reserve(text.size() + 128);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find(k_open, i);
    if (open == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    const auto close = text.find(k_close, open + k_open.size());
    if (close == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    const auto name = text.substr(open + k_open.size(), close - open - k_open.size());
    out.append(text.substr(i, open - i));
    if (is_placeholder(name)) {
      out.append(value(name));
    } else {
      out.append(text.substr(open, close + k_close.size() - open));
    }
    i = close + k_close.size();
  }
  return out;
}

}  // namespace incident
