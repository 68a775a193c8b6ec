#include "incident/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>

namespace incident::text {

namespace {

// The length of the UTF-8 sequence a lead byte announces; 0 when it is not a lead byte.
std::size_t sequence_length(unsigned char lead) {
  if ((lead & 0xE0U) == 0xC0U) {
    return 2;
  }
  if ((lead & 0xF0U) == 0xE0U) {
    return 3;
  }
  return (lead & 0xF8U) == 0xF0U ? 4 : 0;
}

// The well-formed UTF-8 sequence that starts at text[at] (a byte >= 0x80): its code point
// and length, or length 0 when the bytes there are not one (stray, truncated, overlong,
// a surrogate, above U+10FFFF).
struct Decoded {
  char32_t code = 0;
  std::size_t length = 0;
};

Decoded decode_at(std::string_view text, std::size_t at) {
  const std::size_t length = utf8_sequence_at(text, at).length;
  if (length == 0) {
    return {};
  }
  static constexpr char32_t k_lead_bits[] = {0, 0, 0x1F, 0x0F, 0x07};
  char32_t code = static_cast<unsigned char>(text[at]) & k_lead_bits[length];
  for (std::size_t k = 1; k < length; ++k) {
    code = (code << 6U) | (static_cast<unsigned char>(text[at + k]) & 0x3FU);
  }
  return {code, length};
}

}  // namespace

Utf8Sequence utf8_sequence_at(std::string_view text, std::size_t at) {
  // Unicode's table of well-formed byte sequences (3-7): how many bytes follow the lead,
  // and the range of the first of them (no overlong form, no surrogate, nothing above
  // U+10FFFF); the others are 80..BF.
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t following = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    following = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    following = 2;
    low = lead == 0xE0 ? 0xA0 : low;
    high = lead == 0xED ? 0x9F : high;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    following = 3;
    low = lead == 0xF0 ? 0x90 : low;
    high = lead == 0xF4 ? 0x8F : high;
  } else {
    return {0, 1};
  }
  std::size_t end = at + 1;  // past the bytes well-formed so far
  for (std::size_t k = 0; k < following; ++k, ++end) {
    const bool fits = end < text.size() && static_cast<unsigned char>(text[end]) >= (k == 0 ? low : 0x80) &&
                      static_cast<unsigned char>(text[end]) <= (k == 0 ? high : 0xBF);
    if (!fits) {
      return {0, end - at};
    }
  }
  return {end - at, end - at};
}

std::optional<InvalidText> find_invalid_text(std::string_view text) {
  int line = 1;
  std::size_t line_start = 0;
  std::size_t i = 0;
  auto invalid = [&](std::string what) {
    return InvalidText{line, static_cast<int>(i - line_start) + 1, i, std::move(what)};
  };
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0) {
      return invalid("NUL byte in text");
    }
    if (byte < 0x80) {
      if (byte == '\n') {
        ++line;
        line_start = i + 1;
      }
      ++i;
      continue;
    }
    const Decoded decoded = decode_at(text, i);
    if (decoded.length == 0) {
      const std::size_t expected = sequence_length(byte);
      const bool truncated = expected != 0 && i + expected > text.size();
      return invalid(truncated ? std::string("invalid UTF-8 (truncated sequence)")
                               : fmt::format("invalid UTF-8 (byte 0x{:02x})", byte));
    }
    i += decoded.length;
  }
  return std::nullopt;
}

std::string replace_invalid_utf8(std::string_view text) {
  std::string out;
  while (auto bad = find_invalid_text(text)) {
    out.append(text.substr(0, bad->offset));
    out += "\xEF\xBF\xBD";
    text.remove_prefix(bad->offset + 1);
  }
  out.append(text);
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
           return lower(x) == lower(y);
         });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {

// Like edit_distance(), but a swap of two adjacent characters is one edit too (optimal
// string alignment): "titel" is one typo away from "title", not two.
std::size_t typo_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1);  // row i - 2
  std::vector<std::size_t> previous(b.size() + 1);  // row i - 1
  std::vector<std::size_t> current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// A shorter word is the start of too many names to suggest one.
constexpr std::size_t k_min_prefix = 3;

}  // namespace

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  // Long inputs are not typos of short names; skip the quadratic work on hostile input.
  if (word.empty() || word.size() > 128) {
    return std::nullopt;
  }
  const std::string lowered = to_lower(word);
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = typo_distance(lowered, to_lower(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  if (best || word.size() < k_min_prefix) {
    return best;
  }
  // An abbreviation ("sev" for "severity") is many edits away but no less likely; only
  // when it abbreviates one candidate.
  std::size_t prefixed = 0;
  for (const auto& candidate : candidates) {
    if (candidate.size() > word.size() && iequals(std::string_view(candidate).substr(0, word.size()), word)) {
      ++prefixed;
      best = candidate;
    }
  }
  return prefixed == 1 ? best : std::nullopt;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  if (auto best = closest(word, candidates)) {
    return fmt::format(" (did you mean '{}'?)", *best);
  }
  return {};
}

std::string cut(std::string_view text, std::size_t most) {
  if (text.size() <= most) {
    return std::string(text);
  }
  std::size_t at = most;
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0U) == 0x80U) {
    --at;
  }
  return std::string(text.substr(0, at)) + "…";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  return fmt::format("{}", fmt::join(parts, separator));
}

std::string escape_control(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n' && keep_newlines) {
      out += '\n';
    } else if (byte == '\r' && keep_newlines && i + 1 < text.size() && text[i + 1] == '\n') {
      // "\r\n" is a line break typed on another system: the '\n' keeps it.
    } else if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte == '\r') {
      out += "\\r";
    } else if (byte == 0x1B) {
      out += "\\e";
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (byte == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      // C1 controls (U+0080..U+009F, e.g. the 8-bit CSI) are encoded as C2 80..C2 9F.
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
      ++i;
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

bool is_hidden_control(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F) || c == 0x2028 ||
         c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;  // text[copied, i) is copied as it is, in one append
  std::size_t i = 0;
  const auto replace = [&](std::size_t length, std::string_view shown) {
    out.append(text.substr(copied, i - copied));
    out.append(shown);
    i += length;
    copied = i;
  };
  // Eight bytes at a time while none is below 0x20 or from 0x7F (the tricks of "Bit
  // Twiddling Hacks"; a false alarm only costs the byte-wise step): `list --all --json`
  // over 10,000 incidents is 6 MB of such text.
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, 8);
      if (((((word - 0x20 * k_ones) & ~word) | (word + k_ones) | word) & k_highs) == 0) {
        i += 8;
        continue;
      }
    }
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == '\n' || b == '\t' || (b >= 0x20 && b < 0x7F)) {
      ++i;
    } else if (b == 0x7F) {  // as JSON would escape it
      replace(1, "\\u007f");
    } else if (b < 0x80) {  // another C0 control: never raw in JSON, so only ever text
      replace(1, escape_control(text.substr(i, 1)));
    } else if (const Decoded decoded = decode_at(text, i); decoded.length == 0) {
      // Not UTF-8 (JSON output never holds such a byte): shown, never sent raw, since a
      // terminal in an 8-bit mode reads 0x9b as CSI.
      replace(1, fmt::format("\\x{:02x}", b));
    } else if (is_hidden_control(decoded.code)) {
      replace(decoded.length, fmt::format("\\u{:04x}", static_cast<std::uint32_t>(decoded.code)));
    } else {
      i += decoded.length;
    }
  }
  out.append(text.substr(copied));
  return out;
}

std::string mixed_script_word(std::string_view text) {
  enum Script : unsigned { none = 0, latin = 1, greek = 2, cyrillic = 4 };
  const auto script_of = [](char32_t c) -> unsigned {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7)) {
      return latin;
    }
    if (c >= 0x370 && c <= 0x3FF) {
      return greek;
    }
    return c >= 0x400 && c <= 0x52F ? cyrillic : none;
  };
  std::size_t word_start = 0;
  unsigned scripts = none;
  std::size_t i = 0;
  const auto end_word = [&](std::size_t end) -> bool {
    const bool mixed = (scripts & (scripts - 1)) != 0;  // more than one bit
    scripts = none;
    return mixed && end > word_start;
  };
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    Decoded decoded{b, 1};
    if (b >= 0x80) {
      decoded = decode_at(text, i);
      if (decoded.length == 0) {
        decoded = {0, 1};
      }
    }
    const unsigned script = script_of(decoded.code);
    if (script == none) {
      if (end_word(i)) {
        return std::string(text.substr(word_start, i - word_start));
      }
      word_start = i + decoded.length;
    } else {
      scripts |= script;
    }
    i += decoded.length;
  }
  return end_word(i) ? std::string(text.substr(word_start)) : std::string();
}

std::size_t line_break_at(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0U; };
  switch (byte(at)) {
    case '\n':
    case '\v':
    case '\f': return 1;
    case '\r': return byte(at + 1) == '\n' ? 2 : 1;
    case 0xC2: return byte(at + 1) == 0x85 ? 2 : 0;
    case 0xE2: return byte(at + 1) == 0x80 && (byte(at + 2) == 0xA8 || byte(at + 2) == 0xA9) ? 3 : 0;
    default: return 0;
  }
}

bool has_line_break(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (line_break_at(text, i) != 0) {
      return true;
    }
  }
  return false;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t length = line_break_at(text, i); length != 0) {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
        out.pop_back();
      }
      pending_space = !out.empty();
      i += length;
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
        ++i;
      }
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += text[i++];
  }
  return out;
}

std::string indent_continuation(std::string_view text, std::string_view indent) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t length = line_break_at(text, i); length != 0) {
      out += '\n';
      out.append(indent);
      i += length;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::size_t columns(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return lines;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t start = text.find_first_not_of(' ', at);
    if (start == std::string_view::npos) {
      break;
    }
    const std::size_t end = std::min(text.find(' ', start), text.size());
    words.emplace_back(text.substr(start, end - start));
    at = end;
  }
  return words;
}

std::vector<std::string> fill(const std::vector<std::string>& words, std::size_t width, std::string_view joiner) {
  std::vector<std::string> lines;
  std::string line;
  for (const auto& word : words) {
    if (!line.empty() && columns(line) + columns(joiner) + columns(word) > width) {
      lines.push_back(std::move(line));
      line.clear();
    }
    if (!line.empty()) {
      line += joiner;
    }
    line += word;
  }
  if (!line.empty()) {
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> wrap_lines(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const auto filled = fill(words_of(text.substr(at, end - at)), width);
    if (filled.empty()) {
      lines.emplace_back();
    }
    lines.insert(lines.end(), filled.begin(), filled.end());
    at = end + 1;
  }
  return lines;
}

std::string plain(const std::vector<ToneLine>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += line.text;
  }
  return out;
}

}  // namespace incident::text
