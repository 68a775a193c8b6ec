// The text helpers every untrusted string passes through: the UTF-8 check of runbook
// files and command-line text, the replacement of what is invalid, the escaping of
// terminal controls (titles and names shown in tables and errors), and the typo
// suggestions made for every unknown key, severity, scenario and placeholder.
//
// Invariants: find_invalid_text points at the first bad byte, at a line and column that
// match the offset; replace_invalid_utf8 leaves valid text as it is and invalid text
// valid; escape_control leaves no control byte (but '\n' when asked to keep newlines);
// a suggestion is one of the candidates.

#include <algorithm>
#include <vector>

#include "fuzz_support.hpp"
#include "incident/text.hpp"

using namespace incident;

namespace {

bool has_control(std::string_view text, bool allow_newline) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && !(allow_newline && byte == '\n')) || byte == 0x7F) {
      return true;
    }
    if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);

  const auto bad = text::find_invalid_text(text);
  if (bad) {
    FUZZ_CHECK(bad->offset < text.size(), "offset %zu of %zu", bad->offset, text.size());
    const std::string_view before = text.substr(0, bad->offset);
    FUZZ_CHECK(!text::find_invalid_text(before), "an earlier invalid byte than %zu", bad->offset);
    const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    const auto line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
    FUZZ_CHECK(bad->line == line && bad->column == static_cast<int>(bad->offset - line_start) + 1,
               "position %d:%d for offset %zu", bad->line, bad->column, bad->offset);
    FUZZ_CHECK(!bad->what.empty(), "no description");
  }

  const std::string replaced = text::replace_invalid_utf8(text);
  FUZZ_CHECK(!text::find_invalid_text(replaced), "replace_invalid_utf8 left invalid text");
  FUZZ_CHECK(bad || replaced == text, "replace_invalid_utf8 changed valid text");

  if (!bad) {
    // escape_control assumes valid UTF-8, as its callers check first.
    FUZZ_CHECK(!has_control(text::escape_control(text), false), "escape_control left a control byte");
    FUZZ_CHECK(!has_control(text::escape_control(text, true), true), "escape_control (newlines) left a control");
    FUZZ_CHECK(!text::find_invalid_text(text::escape_control(text)), "escape_control made invalid text");
  }

  // The text split in two: a word and candidates, as for "did you mean".
  const auto cut = text.find('\n');
  const std::string_view word = text.substr(0, cut);
  std::vector<std::string> candidates;
  if (cut != std::string_view::npos) {
    std::string_view rest = text.substr(cut + 1);
    while (!rest.empty() && candidates.size() < 32) {
      const auto next = rest.find('\n');
      candidates.emplace_back(rest.substr(0, next));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
  }
  if (const auto best = text::closest(word, candidates)) {
    FUZZ_CHECK(std::find(candidates.begin(), candidates.end(), *best) != candidates.end(), "not a candidate");
  }
  (void)text::did_you_mean(word, candidates);
  if (word.size() <= 256 && !candidates.empty() && candidates.front().size() <= 256) {
    const std::size_t distance = text::edit_distance(word, candidates.front());
    FUZZ_CHECK(distance == text::edit_distance(candidates.front(), word), "edit distance not symmetric");
    FUZZ_CHECK(distance <= std::max(word.size(), candidates.front().size()), "edit distance too large");
  }
  FUZZ_CHECK(text::iequals(text, text::to_lower(text)), "to_lower is not iequal");
  (void)text::join(candidates);
  return 0;
}
