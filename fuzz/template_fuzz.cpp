// A message template, as the runbook loader checks it (inline `text:` or a `file:`) and
// render_message expands it.
//
// Invariants: check_template's problem points inside the text; expanding every known
// placeholder to itself gives the text back (anything else is copied through); in a
// valid template every "{{" is a known placeholder; values are inserted literally,
// never re-scanned.

#include <algorithm>

#include "fuzz_support.hpp"
#include "incident/template.hpp"

using namespace incident;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto& known = template_placeholders();
  auto is_known = [&](std::string_view name) { return std::find(known.begin(), known.end(), name) != known.end(); };

  const auto problem = check_template(text);
  if (problem) {
    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    FUZZ_CHECK(problem->line >= 1 && problem->line <= lines, "line %d of %d", problem->line, lines);
    FUZZ_CHECK(problem->column >= 1 && static_cast<std::size_t>(problem->column) <= text.size(), "column %d",
               problem->column);
    FUZZ_CHECK(!problem->message.empty(), "a problem without a message");
  }

  // Each placeholder expands to itself: the text comes back unchanged.
  std::size_t asked = 0;
  std::size_t placeholder_bytes = 0;  // of the "{{name}}"s asked for
  const std::string same = expand_template(text, [&](std::string_view name) {
    FUZZ_CHECK(is_known(name), "asked for an unknown placeholder");
    ++asked;
    placeholder_bytes += name.size() + 4;
    return "{{" + std::string(name) + "}}";
  });
  FUZZ_CHECK(same == text, "expanding each placeholder to itself changed the text");
  if (!problem) {
    // In a valid template every "{{" opens a known placeholder: with each expanded to
    // nothing, none is left.
    const std::string bare = expand_template(text, [](std::string_view) { return std::string(); });
    FUZZ_CHECK(bare.find("{{") == std::string::npos, "a valid template keeps a '{{' once expanded");
  }

  // A value that looks like a placeholder is inserted as typed, not expanded again: the
  // same placeholders are asked for, and each "{{name}}" becomes exactly its value.
  const std::string value = "{{title}}";
  std::size_t asked_again = 0;
  const std::string expanded = expand_template(text, [&](std::string_view) {
    ++asked_again;
    return value;
  });
  FUZZ_CHECK(asked_again == asked, "asked %zu times, then %zu", asked, asked_again);
  FUZZ_CHECK(expanded.size() == text.size() - placeholder_bytes + asked * value.size(),
             "expansion of %zu placeholders is %zu bytes from %zu", asked, expanded.size(), text.size());
  return 0;
}
