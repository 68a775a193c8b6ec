#pragma once
// A small JSON writer for output that is produced in bulk (`list --json` over years of
// incidents), where building an nlohmann tree per object costs more than the rest of the
// command. Its output is what nlohmann's dump() writes for the same object: compact, or
// indented by 2 with ": " after keys; strings escaped the same way, and invalid UTF-8
// replaced by U+FFFD instead of throwing.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace incident::json {

// The bytes valid UTF-8 `text` takes inside a JSON string as written here and by
// nlohmann's dump(), quotes not counted: 2 for '"', '\\' and \b \f \n \r \t, 6 for
// another control character (\u00XX), 1 for every other byte.
std::size_t stored_size(std::string_view text);

// Text built in place: a writer asks for room for the most a piece can take and commits
// what it wrote. The storage grows geometrically and is never cleared or copied per
// piece (std::string appends, one call per piece, cost more than the bytes).
class Buffer {
public:
  // Where to write at most `most` bytes.
  char* room(std::size_t most);
  // The bytes written from room() end at `end`.
  void commit(const char* end) { m_size = static_cast<std::size_t>(end - m_data.data()); }
  void append(std::string_view text);

  [[nodiscard]] std::string_view view() const { return {m_data.data(), m_size}; }
  [[nodiscard]] std::size_t size() const { return m_size; }
  void clear() { m_size = 0; }

private:
  std::string m_data;  // its size is the capacity; what lies past m_size is scratch
  std::size_t m_size = 0;
};

// Writes one object, field by field.
class ObjectWriter {
public:
  // pretty: newline and 2 spaces per level, the object itself at nesting `depth`.
  ObjectWriter(Buffer& out, bool pretty, int depth = 0);

  // A key may be any text (an incident file's field names are): escaped when it must be.
  void field(std::string_view key, std::string_view value);
  void field(std::string_view key, std::int64_t value);
  void field(std::string_view key, const std::vector<std::string>& values);  // an array of text
  void null_field(std::string_view key);
  void bool_field(std::string_view key, bool value);
  // An object as the value of `key`: written through the writer returned, closed before
  // this one writes again.
  [[nodiscard]] ObjectWriter object(std::string_view key);
  // Closes the object; nothing may be written afterwards.
  void close();

private:
  // Writes the key and returns room for a value of at most value_room bytes after it.
  char* key(std::string_view key, std::size_t value_room);

  Buffer& m_out;
  bool m_pretty;
  int m_depth;
  std::string m_before_key;  // ",", newline and indentation when pretty, '"'
  bool m_empty = true;
};

}  // namespace incident::json
