#include "incident/roff.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace incident::roff {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\\') {
      out += "\\e";
    } else if (byte == '-') {
      out += "\\-";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += ' ';
    } else if (byte < 0x80) {
      out += static_cast<char>(byte);
    } else {
      // One UTF-8 sequence: its lead byte says how long.
      const std::size_t length = byte >= 0xf8 ? 0 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 0;
      std::uint32_t code = length == 4 ? byte & 0x07u : length == 3 ? byte & 0x0fu : byte & 0x1fu;
      bool valid = length > 0 && i + length <= text.size();
      for (std::size_t k = 1; valid && k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        valid = (next & 0xc0u) == 0x80u;
        code = (code << 6) | (next & 0x3fu);
      }
      constexpr std::uint32_t k_least[] = {0, 0, 0x80, 0x800, 0x10000};  // shorter is overlong
      if (!valid || code < k_least[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        out += "\\[uFFFD]";  // this byte alone; the next is read afresh
        continue;
      }
      out += fmt::format("\\[u{:04X}]", code);
      i += length - 1;
    }
  }
  return out;
}

std::string line(std::string_view text) {
  const std::size_t start = text.find_first_not_of(' ');
  const std::string out = escape(start == std::string_view::npos ? std::string_view() : text.substr(start));
  return (out.starts_with('.') || out.starts_with('\'') ? "\\&" : "") + out + "\n";
}

}  // namespace incident::roff
