#include "incident/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

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

char* put(char* at, std::string_view text) {
  std::memcpy(at, text.data(), text.size());
  return at + text.size();
}

// The most put_string() writes for `text`: quotes, and \u00XX for every byte.
std::size_t string_room(std::string_view text) { return 2 + 6 * text.size(); }

// Writes valid UTF-8 text as a JSON string, escaped as nlohmann's dump() does.
char* put_string(char* at, std::string_view text) {
  constexpr std::string_view k_hex = "0123456789abcdef";
  *at++ = '"';
  for (const char ch : text) {
    if (class_of(ch) != 1) {
      *at++ = ch;
      continue;
    }
    const auto c = static_cast<unsigned char>(ch);
    *at++ = '\\';
    switch (c) {
      case '"': *at++ = '"'; break;
      case '\\': *at++ = '\\'; break;
      case '\b': *at++ = 'b'; break;
      case '\f': *at++ = 'f'; break;
      case '\n': *at++ = 'n'; break;
      case '\r': *at++ = 'r'; break;
      case '\t': *at++ = 't'; break;
      default:
        at = put(at, "u00");
        *at++ = k_hex[c >> 4U];
        *at++ = k_hex[c & 0xFU];
    }
  }
  *at++ = '"';
  return at;
}

// What a string needs: 0 nothing (copied as it is), else bit 1 escaping, bit 2 a UTF-8
// check (bytes above 0x7F). Eight bytes at a time (the bit tricks of "Bit Twiddling
// Hacks": a byte below n, a zero byte), then byte by byte; it may say "escaping" for
// text that needs none (only slower), never the reverse.
unsigned needs(std::string_view text) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  auto has_zero = [&](std::uint64_t v) { return ((v - k_ones) & ~v & k_highs) != 0; };
  unsigned found = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    if ((word & k_highs) != 0) {
      found |= 2U;
    }
    if (((word - 0x20 * k_ones) & ~word & k_highs) != 0 || has_zero(word ^ ('"' * k_ones)) ||
        has_zero(word ^ ('\\' * k_ones))) {
      found |= 1U;
    }
  }
  for (; i < text.size(); ++i) {
    found |= class_of(text[i]);
  }
  return found;
}

// `text`, or when it is not valid UTF-8, `storage` holding it with U+FFFD in place of
// each bad part, as nlohmann's dump() replaces them: a lead byte and the continuation
// bytes that were valid for it until one was not (or the text ended) are one U+FFFD; a
// byte that cannot start a character is one. A NUL byte is text (escaped \u0000).
std::string_view valid_utf8(std::string_view text, unsigned needed, std::string& storage) {
  if ((needed & 2U) == 0) {
    return text;
  }
  std::size_t copied = 0;
  std::size_t i = 0;
  bool replaced = false;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const text::Utf8Sequence sequence = text::utf8_sequence_at(text, i);
    if (sequence.length != 0) {
      i += sequence.length;
      continue;
    }
    if (!replaced) {
      storage.clear();
    }
    storage.append(text.substr(copied, i - copied)).append("\xEF\xBF\xBD");
    replaced = true;
    i += sequence.valid;
    copied = i;
  }
  if (!replaced) {
    return text;
  }
  storage.append(text.substr(copied));
  return storage;
}

}  // namespace

std::size_t stored_size(std::string_view text) {
  std::size_t size = text.size();
  for (const char ch : text) {
    if (class_of(ch) == 1) {
      const bool short_escape = std::string_view("\"\\\b\f\n\r\t").find(ch) != std::string_view::npos;
      size += short_escape ? 1 : 5;
    }
  }
  return size;
}

char* Buffer::room(std::size_t most) {
  if (m_data.size() - m_size < most) {
    m_data.resize(std::max(m_data.size() * 2, m_size + most));
  }
  return m_data.data() + m_size;
}

void Buffer::append(std::string_view text) { commit(put(room(text.size()), text)); }

// m_before_key is what goes before every key but the first: a comma, and when pretty a
// newline and the indentation; then the quote.
ObjectWriter::ObjectWriter(Buffer& out, bool pretty, int depth)
    : m_out(out), m_pretty(pretty), m_depth(depth), m_before_key(1, ',') {
  m_out.append("{");
  if (m_pretty) {
    m_before_key += '\n';
    m_before_key.append(static_cast<std::size_t>(depth + 1) * 2, ' ');
  }
  m_before_key += '"';
}

char* ObjectWriter::key(std::string_view key, std::size_t value_room) {
  std::string storage;
  const unsigned needed = needs(key);
  if (needed != 0) {
    key = valid_utf8(key, needed, storage);
  }
  char* at = m_out.room(m_before_key.size() + string_room(key) + 2 + value_room);
  at = put(at, std::string_view(m_before_key).substr(m_empty ? 1 : 0));
  // m_before_key ends with the key's opening quote; put_string writes its own.
  at = needed == 0 ? put(at, key) : put_string(at - 1, key) - 1;
  at = put(at, m_pretty ? std::string_view("\": ") : std::string_view("\":"));
  m_empty = false;
  return at;
}

void ObjectWriter::field(std::string_view key, std::string_view value) {
  const unsigned needed = needs(value);
  if (needed == 0) {
    char* at = this->key(key, value.size() + 2);
    *at++ = '"';
    at = put(at, value);
    *at++ = '"';
    m_out.commit(at);
    return;
  }
  std::string storage;
  value = valid_utf8(value, needed, storage);
  m_out.commit(put_string(this->key(key, string_room(value)), value));
}

void ObjectWriter::field(std::string_view key, std::int64_t value) {
  char* at = this->key(key, 20);  // "-9223372036854775808"
  m_out.commit(std::to_chars(at, at + 20, value).ptr);
}

void ObjectWriter::field(std::string_view key, const std::vector<std::string>& values) {
  // As nlohmann: [] when empty; else each value on a line of its own one level in when
  // pretty, the bracket back at the key's level.
  std::string indent;
  if (m_pretty) {
    indent.assign(1, '\n').append(static_cast<std::size_t>(m_depth + 2) * 2, ' ');
  }
  std::size_t most = 2;
  for (const auto& value : values) {
    most += indent.size() + 1 + string_room(value);
  }
  char* at = this->key(key, most + indent.size());
  *at++ = '[';
  std::string storage;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      *at++ = ',';
    }
    at = put(at, indent);
    at = put_string(at, valid_utf8(values[i], needs(values[i]), storage));
  }
  if (m_pretty && !values.empty()) {
    at = put(at, std::string_view(indent).substr(0, indent.size() - 2));
  }
  *at++ = ']';
  m_out.commit(at);
}

ObjectWriter ObjectWriter::object(std::string_view key) {
  m_out.commit(this->key(key, 0));
  return ObjectWriter(m_out, m_pretty, m_depth + 1);
}

void ObjectWriter::null_field(std::string_view key) { m_out.commit(put(this->key(key, 4), "null")); }

void ObjectWriter::bool_field(std::string_view key, bool value) {
  m_out.commit(put(this->key(key, 5), value ? "true" : "false"));
}

void ObjectWriter::close() {
  if (m_pretty && !m_empty) {
    // The newline and one level less of indentation than the keys.
    m_out.append(std::string_view(m_before_key).substr(1, m_before_key.size() - 4));
  }
  m_out.append("}");
}

}  // namespace incident::json
