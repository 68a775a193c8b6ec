#include "incident/json_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

#include "incident/text.hpp"

namespace incident::json {

namespace {

// 1: escaped in JSON; 2: not ASCII (UTF-8 to validate); 0: copied as it is.
constexpr std::array<std::uint8_t, 256> k_class = [] {
  std::array<std::uint8_t, 256> table{};
  for (std::size_t c = 0; c < 0x20; ++c) {
    table[c] = 1;
  }
  table['"'] = 1;
  table['\\'] = 1;
  for (std::size_t c = 0x80; c < 0x100; ++c) {
    table[c] = 2;
  }
  return table;
}();

std::uint8_t class_of(char c) { return k_class[static_cast<unsigned char>(c)]; }

// Appends valid UTF-8 text, escaped as nlohmann's dump() does; the characters that need
// no escape are copied in runs.
void append_escaped(std::string& out, std::string_view text) {
  constexpr std::string_view k_hex = "0123456789abcdef";
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (class_of(text[i]) != 1) {
      continue;
    }
    out.append(text.data() + run, i - run);
    run = i + 1;
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += k_hex[c >> 4U];
        out += k_hex[c & 0xFU];
    }
  }
  out.append(text.data() + run, text.size() - run);
}

}  // namespace

void append_string(std::string& out, std::string_view text) {
  out += '"';
  // Text that is plain ASCII (the usual case) is copied whole; other text is checked
  // for invalid UTF-8 (a NUL byte in ASCII text is escaped as \u0000, as nlohmann does).
  if (std::none_of(text.begin(), text.end(), [](char c) { return class_of(c) != 0; })) {
    out += text;
  } else if (std::any_of(text.begin(), text.end(), [](char c) { return class_of(c) == 2; }) &&
             text::find_invalid_text(text)) {
    append_escaped(out, text::replace_invalid_utf8(text));
  } else {
    append_escaped(out, text);
  }
  out += '"';
}

// m_before_key is what goes before every key but the first: a comma, and when pretty a
// newline and the indentation; then the quote.
ObjectWriter::ObjectWriter(std::string& out, bool pretty, int depth)
    : m_out(out), m_pretty(pretty), m_before_key(1, ',') {
  m_out += '{';
  if (m_pretty) {
    m_before_key += '\n';
    m_before_key.append(static_cast<std::size_t>(depth + 1) * 2, ' ');
  }
  m_before_key += '"';
}

void ObjectWriter::key(std::string_view key) {
  // Keys are the program's own identifiers: nothing to escape.
  m_out.append(m_before_key, m_empty ? 1 : 0);
  m_out += key;
  m_out += m_pretty ? std::string_view("\": ") : std::string_view("\":");
  m_empty = false;
}

void ObjectWriter::field(std::string_view key, std::string_view value) {
  this->key(key);
  append_string(m_out, value);
}

void ObjectWriter::field(std::string_view key, std::int64_t value) {
  this->key(key);
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  m_out.append(digits, static_cast<std::size_t>(end - digits));
}

void ObjectWriter::null_field(std::string_view key) {
  this->key(key);
  m_out += "null";
}

void ObjectWriter::close() {
  if (m_pretty && !m_empty) {
    // The newline and one level less of indentation than the keys.
    m_out.append(m_before_key, 1, m_before_key.size() - 4);
  }
  m_out += '}';
}

}  // namespace incident::json
