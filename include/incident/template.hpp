#pragma once
// Message templates: plain text with {{placeholder}}s. Values are inserted literally and
// never re-scanned, so a title containing "{{commander}}" prints as typed.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace incident {

// Every placeholder a template may use (documented in docs/runbook.md).
const std::vector<std::string>& template_placeholders();

struct TemplateProblem {
  int line = 1;  // 1-based, within the template text
  int column = 1;
  std::string message;
};

// The first unknown or unclosed placeholder, or nullopt when the template is valid.
std::optional<TemplateProblem> check_template(std::string_view text);

// Replaces each {{name}} with value(name). Assumes check_template() passed; anything that
// is not a known placeholder is copied through unchanged.
std::string expand_template(std::string_view text,
                            const std::function<std::string(std::string_view)>& value);

}  // namespace incident
