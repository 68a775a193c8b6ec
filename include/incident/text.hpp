#pragma once
// Small text helpers shared by the library and the CLI: validation of untrusted text,
// case-insensitive comparison, "did you mean" suggestions, escaping for terminals.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace incident::text {

struct InvalidText {
  int line = 0;  // 1-based
  int column = 0;  // 1-based, in bytes
  std::size_t offset = 0;  // 0-based byte offset in the text
  std::string what;  // "invalid UTF-8 (byte 0xff)", "NUL byte"
};

// The first NUL byte or invalid UTF-8 sequence (overlong forms, surrogates and code
// points above U+10FFFF are invalid), or nullopt when the text is clean.
std::optional<InvalidText> find_invalid_text(std::string_view text);

// The UTF-8 sequence at text[at], a byte >= 0x80: `length` its bytes when it is a
// well-formed character, else 0 and `valid` the bytes of it that were well-formed before
// it broke off (at least 1): what one U+FFFD replaces when each maximal part of a broken
// sequence is replaced once, as Unicode recommends and nlohmann's dump() does.
struct Utf8Sequence {
  std::size_t length = 0;
  std::size_t valid = 1;
};
Utf8Sequence utf8_sequence_at(std::string_view text, std::size_t at);

// The text with each NUL byte and each invalid UTF-8 byte replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view text);

// ASCII lower-casing; other bytes are kept.
std::string to_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);

// Edit distance (insert, delete, substitute), case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo
// (distance <= max(1, size/3), case-insensitive, a swap of two neighbours is one edit);
// else the one candidate that `word` (3 characters or more) abbreviates, case-insensitively;
// else nullopt.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// The text when it holds at most `most` bytes; else its first `most` bytes or fewer, cut
// at a UTF-8 character boundary, and "…".
std::string cut(std::string_view text, std::size_t most);

// "a, b, c"
std::string join(const std::vector<std::string>& parts, std::string_view separator = ", ");

// Makes text safe to show on a terminal: C0 controls (except, when keep_newlines, '\n'),
// DEL and C1 controls are shown as \xNN (\n, \t, \r, \e as such); the backslash itself
// stays as typed. When keep_newlines, "\r\n" is a line break too ('\n'). Assumes valid UTF-8.
std::string escape_control(std::string_view text, bool keep_newlines = false);

// Code points that can reorder, hide or drive what a reader sees: bidi embeddings,
// overrides, isolates and marks (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069),
// zero-width and invisible characters (U+200B..U+200D, U+2060..U+2064, U+FEFF), the
// line and paragraph separators (U+2028, U+2029) and the C1 controls (U+0080..U+009F).
bool is_hidden_control(char32_t code_point);

// The one path every byte from data takes to a terminal or a paste (stdout and stderr,
// text and JSON alike): each hidden control above and DEL are written as \uXXXX, a valid
// JSON escape of the same character, so JSON documents stay what they were; each C0
// control other than '\n' and '\t' as escape_control() shows it (JSON never holds one
// raw); each byte that is not part of well-formed UTF-8 as \xNN (a terminal in an 8-bit
// mode reads a lone 0x9b as CSI; JSON output never holds such a byte). Everything else is
// copied.
std::string terminal_safe(std::string_view text);

// The first word of `text` that mixes Latin letters with Cyrillic or Greek ones (the
// look-alike "Сritical", its first letter Cyrillic), or "" when there is none. A word is
// a run of letters of those scripts. Assumes valid UTF-8.
std::string mixed_script_word(std::string_view text);

// The byte length of the line break that starts at text[at], 0 when none does: LF, CR
// (CR LF counts as one), VT, FF, and U+0085, U+2028, U+2029, which some terminals and
// chat clients also show as a new line.
std::size_t line_break_at(std::string_view text, std::size_t at);
bool has_line_break(std::string_view text);
// Each run of line breaks (and the spaces around them) as one space: a value that must
// stay on its line (a title, a name) cannot start a line of its own in a message.
std::string one_line(std::string_view text);
// Every line break as "\n" + indent: a multi-line value's continuation lines can never
// look like a line of the template around it.
std::string indent_continuation(std::string_view text, std::string_view indent);

// Columns on a terminal: code points (wide characters count one).
std::size_t columns(std::string_view text);
// The lines of `text`, each without its '\n'; a final line break ends the last line (no
// empty line follows it). Views into `text`.
std::vector<std::string_view> lines_of(std::string_view text);

// The words of one line, split at spaces.
std::vector<std::string> words_of(std::string_view text);
// `words` in lines of at most `width` columns, joined by `joiner`; a longer word gets a
// line of its own, never broken.
std::vector<std::string> fill(const std::vector<std::string>& words, std::size_t width, std::string_view joiner = " ");
// Each line of `text` filled to `width` (an empty line stays one).
std::vector<std::string> wrap_lines(std::string_view text, std::size_t width);

// How a line of a screen for people wants to look on a colour terminal (the CLI decides
// whether it paints): alarm is overdue or breached (red), caution due soon (yellow).
enum class Tone : unsigned char { plain, alarm, caution };
struct ToneLine {
  Tone tone = Tone::plain;
  std::string text;  // one or more whole lines, each ending in '\n'
};
// The lines' text, unpainted.
std::string plain(const std::vector<ToneLine>& lines);

}  // namespace incident::text
