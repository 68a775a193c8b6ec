#pragma once
// A small JSON writer for output that is produced in bulk (`list --json` over years of
// incidents), where building an nlohmann tree per object costs more than the rest of the
// command. Its output is what nlohmann's dump() writes for the same object: compact, or
// indented by 2 with ": " after keys; strings escaped the same way, and invalid UTF-8
// replaced by U+FFFD instead of throwing.

#include <cstdint>
#include <string>
#include <string_view>

namespace incident::json {

// Appends `text` as a JSON string, quotes included.
void append_string(std::string& out, std::string_view text);

// Writes one object, field by field, into `out`.
class ObjectWriter {
public:
  // pretty: newline and 2 spaces per level, the object itself at nesting `depth`.
  ObjectWriter(std::string& out, bool pretty, int depth = 0);

  void field(std::string_view key, std::string_view value);
  void field(std::string_view key, std::int64_t value);
  void null_field(std::string_view key);
  // Closes the object; nothing may be written afterwards.
  void close();

private:
  void key(std::string_view key);

  std::string& m_out;
  bool m_pretty;
  std::string m_before_key;  // ",", newline and indentation when pretty, '"'
  bool m_empty = true;
};

}  // namespace incident::json
