#include "incident/json_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
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

ObjectWriter::ObjectWriter(std::string& out, bool pretty, int depth) : m_out(out), m_pretty(pretty) {
  m_out += '{';
  if (m_pretty) {
    m_indent.assign(1, '\n');
    m_indent.append(static_cast<std::size_t>(depth + 1) * 2, ' ');
  }
}

void ObjectWriter::key(std::string_view key) {
  // Keys are the program's own identifiers: nothing to escape. Written in place with
  // one resize: this runs 130,000 times for `list --all --json` at 10,000 incidents.
  const std::string_view comma = m_empty ? std::string_view() : std::string_view(",");
  const std::string_view colon = m_pretty ? std::string_view("\": ") : std::string_view("\":");
  const std::size_t start = m_out.size();
  m_out.resize(start + comma.size() + m_indent.size() + 1 + key.size() + colon.size());
  char* out = m_out.data() + start;
  out = std::copy(comma.begin(), comma.end(), out);
  out = std::copy(m_indent.begin(), m_indent.end(), out);
  *out++ = '"';
  out = std::copy(key.begin(), key.end(), out);
  std::copy(colon.begin(), colon.end(), out);
  m_empty = false;
}

void ObjectWriter::field(std::string_view key, std::string_view value) {
  this->key(key);
  append_string(m_out, value);
}

void ObjectWriter::field(std::string_view key, std::int64_t value) {
  this->key(key);
  fmt::format_to(std::back_inserter(m_out), "{}", value);
}

void ObjectWriter::null_field(std::string_view key) {
  this->key(key);
  m_out += "null";
}

void ObjectWriter::close() {
  if (m_pretty && !m_empty) {
    m_out.append(m_indent.data(), m_indent.size() - 2);  // one level less
  }
  m_out += '}';
}

}  // namespace incident::json
