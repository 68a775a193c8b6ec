#include "incident/incident_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>

#include "incident/error.hpp"
#include "incident/json_writer.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

using Json = nlohmann::ordered_json;

constexpr int k_max_json_depth = 16;
constexpr std::string_view k_event_keys_v1[] = {"id", "seq", "type", "at", "by"};
constexpr std::string_view k_event_keys_v2[] = {"id", "seq", "type", "at", "recorded_at", "by", "fields"};

// What a file may hold, whichever reader reads it: an event type or a field name, a seq.
bool is_name(std::string_view name) { return !name.empty() && name.size() <= 64; }
bool is_seq(std::uint64_t seq) { return seq >= 1 && seq <= k_max_event_seq; }

bool is_event_id(const std::string& id) {
  return !id.empty() && id.size() <= 32 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
}

// 1-based line and column of a byte offset.
SourcePos position(std::string_view text, std::size_t byte, const std::string& path) {
  byte = std::min(byte, text.size());
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {path, line, static_cast<int>(byte - line_start) + 1};
}

using Bad = std::function<DataError(const std::string&)>;

// Schema 1: every key but the envelope's is a field, and every value is text; the
// numbers this version reads as numbers are converted.
void read_fields_v1(const nlohmann::json& node, Event& event, const Bad& bad) {
  const EventType* type = find_event_type(event.type);
  for (const auto& [key, value] : node.items()) {
    if (std::find(std::begin(k_event_keys_v1), std::end(k_event_keys_v1), key) != std::end(k_event_keys_v1)) {
      continue;
    }
    if (!value.is_string()) {
      throw bad(fmt::format("field \"{}\" must be text", key));
    }
    if (!is_name(key)) {
      throw bad("a field name is empty or too long");  // as schema 2, which the file is written in
    }
    const std::string& text = value.get_ref<const std::string&>();
    const FieldSpec* spec = type == nullptr ? nullptr : type->find(key);
    if (spec != nullptr && (spec->kind == FieldKind::seconds || spec->kind == FieldKind::count)) {
      std::int64_t number = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (text.empty() || text.size() > 12 || error != std::errc{} || end != text.data() + text.size()) {
        throw bad(spec->kind == FieldKind::seconds
                      ? fmt::format("\"{}\" must be a whole number of seconds, at most 100 years", key)
                      : fmt::format("\"{}\" must be {}", key, field_kind_name(spec->kind)));
      }
      event.fields.emplace(key, number);
    } else {
      event.fields.emplace(key, text);
    }
  }
}

// Schema 2: the envelope's keys and "fields", an object of text, whole numbers and lists
// of text.
void read_fields_v2(const nlohmann::json& node, Event& event, const Bad& bad) {
  for (const auto& [key, value] : node.items()) {
    if (std::find(std::begin(k_event_keys_v2), std::end(k_event_keys_v2), key) == std::end(k_event_keys_v2)) {
      throw bad(fmt::format("unknown key \"{}\"", text::escape_control(key)));
    }
  }
  const auto fields = node.find("fields");
  if (fields == node.end()) {
    return;
  }
  if (!fields->is_object()) {
    throw bad("\"fields\" must be an object");
  }
  for (const auto& [key, value] : fields->items()) {
    if (!is_name(key)) {
      throw bad("a field name is empty or too long");
    }
    if (value.is_string()) {
      event.fields.emplace(key, value.get<std::string>());
    } else if (value.is_number_integer() && (value.is_number_unsigned() ? value.get<std::uint64_t>() <= INT64_MAX : true)) {
      event.fields.emplace(key, value.get<std::int64_t>());
    } else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
      event.fields.emplace(key, value.get<std::vector<std::string>>());
    } else {
      throw bad(fmt::format("field \"{}\" must be text, a whole number or a list of text", text::escape_control(key)));
    }
  }
}

// One event as the file holds it, compact: what nlohmann's dump() of the object would be
// (json_writer.hpp), without building one per event.
void write_event(json::Buffer& out, const Event& event) {
  json::ObjectWriter object(out, false);
  object.field("id", event.id);
  object.field("seq", static_cast<std::int64_t>(event.seq));  // at most k_max_event_seq
  object.field("type", event.type);
  object.field("at", format_rfc3339(event.at));
  if (event.recorded_at) {
    object.field("recorded_at", format_rfc3339(*event.recorded_at));
  }
  object.field("by", event.by);
  if (!event.fields.empty()) {
    json::ObjectWriter fields = object.object("fields");
    for (const auto& entry : event.fields) {
      std::visit([&](const auto& v) { fields.field(entry.first, v); }, entry.second);
    }
    fields.close();
  }
  object.close();
}

// The file's document: one event per line (pretty) or all on one line.
std::string write_document(const Incident& incident, bool one_line) {
  json::Buffer out;
  out.append(one_line ? "{\"schema\":" : "{\n  \"schema\": ");
  out.append(std::to_string(k_incident_schema));
  out.append(one_line ? ",\"id\":" : ",\n  \"id\": ");
  out.append(Json(incident.id).dump());
  out.append(one_line ? ",\"events\":[" : ",\n  \"events\": [");
  bool first = true;
  for (const auto& event : incident.events) {
    out.append(one_line ? (first ? "" : ",") : (first ? "\n    " : ",\n    "));
    write_event(out, event);
    first = false;
  }
  out.append(one_line ? "]}\n" : "\n  ]\n}\n");
  return std::string(out.view());
}

}  // namespace

std::string serialize_incident(const Incident& incident) {
  // One event per line: a file grows by a line per event, and a diff or a merge of two
  // copies (sync) touches only the lines of the events that differ.
  return write_document(incident, false);
}

std::string serialize_incident_line(const Incident& incident) { return write_document(incident, true); }

int conflict_marker_line(std::string_view text) {
  // A valid file never starts a line with one: its line breaks are all between events.
  std::size_t first = std::string_view::npos;
  for (const std::string_view marker : {"<<<<<<< ", "=======\n", ">>>>>>> "}) {
    for (auto at = text.find(marker); at != std::string_view::npos && at < first; at = text.find(marker, at + 1)) {
      if (at == 0 || text[at - 1] == '\n') {
        first = at;
        break;
      }
    }
  }
  if (first == std::string_view::npos) {
    return 0;
  }
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(first), '\n'));
}

namespace {

// The file as write_document() lays it out, read without a JSON library: nlohmann's
// parser, building a tree, cost 3.9 us per event (update reads and writes the whole
// file). It accepts only that layout and the JSON this program writes in it (keys in
// their order, fields by name, escapes \" \\ \/ \b \f \n \r \t and \u00XX below 0x80,
// whole numbers up to 18 digits), and everything it accepts the general reader below
// reads to the same events (a unit test and a fuzz target hold it to that). Anything else, a hand edit,
// schema 1, a problem to report, is left to the general reader: nullopt.
class CanonicalReader {
  static_assert(k_incident_schema == 2, "the layout read here is schema 2's");

public:
  explicit CanonicalReader(std::string_view text) : m_text(text) {}

  std::optional<IncidentDocument> document(const std::string* expected_id) {
    IncidentDocument document;
    if (!literal("{\n  \"schema\": 2,\n  \"id\": ") || !string(document.id) ||
        (expected_id != nullptr && document.id != *expected_id) || !literal(",\n  \"events\": [")) {
      return std::nullopt;
    }
    std::set<std::string, std::less<>> ids;
    do {
      Event& event = document.events.emplace_back();
      if (!literal("\n    ") || !this->event(event) || !check_event(event, false).empty() ||
          !ids.insert(event.id).second) {
        return std::nullopt;
      }
    } while (literal(","));
    if (!literal("\n  ]\n}\n") || m_at != m_text.size()) {
      return std::nullopt;
    }
    return document;
  }

private:
  bool event(Event& event) {
    std::int64_t seq = 0;
    if (!literal("{\"id\":") || !string(event.id) || !is_event_id(event.id) || !literal(",\"seq\":") ||
        !integer(seq) || !is_seq(static_cast<std::uint64_t>(seq)) || !literal(",\"type\":") ||
        !string(event.type) || !is_name(event.type) || !literal(",\"at\":") ||
        !time(event.at)) {
      return false;
    }
    event.seq = static_cast<std::uint64_t>(seq);
    if (literal(",\"recorded_at\":")) {
      Timestamp recorded_at;
      if (!time(recorded_at)) {
        return false;
      }
      event.recorded_at = recorded_at;
    }
    if (!literal(",\"by\":") || !string(event.by)) {
      return false;
    }
    if (literal(",\"fields\":{")) {
      do {
        std::string key;
        if (!string(key) || !is_name(key) || !literal(":") ||
            (!event.fields.empty() && !(event.fields.rbegin()->first < key)) || !value(event.fields[key])) {
          return false;
        }
      } while (literal(","));
      if (!literal("}")) {
        return false;
      }
    }
    return literal("}");
  }

  bool value(FieldValue& value) {
    if (peek('"')) {
      return string(value.emplace<std::string>());
    }
    if (literal("[")) {
      auto& list = value.emplace<std::vector<std::string>>();
      if (literal("]")) {
        return true;
      }
      do {
        if (!string(list.emplace_back())) {
          return false;
        }
      } while (literal(","));
      return literal("]");
    }
    return integer(value.emplace<std::int64_t>());
  }

  bool time(Timestamp& at) {
    std::string text;
    if (!string(text)) {
      return false;
    }
    const auto parsed = parse_rfc3339(text);
    if (!parsed) {
      return false;
    }
    at = *parsed;
    return true;
  }

  // A JSON string: raw bytes from 0x20 (valid UTF-8), and the escapes this program writes.
  bool string(std::string& out) {
    if (!literal("\"")) {
      return false;
    }
    bool high = false;
    while (m_at < m_text.size()) {
      const std::size_t start = m_at;
      while (m_at < m_text.size()) {
        const auto c = static_cast<unsigned char>(m_text[m_at]);
        if (c == '"' || c == '\\' || c < 0x20) {
          break;
        }
        high |= c >= 0x80;
        ++m_at;
      }
      out.append(m_text.substr(start, m_at - start));
      if (m_at == m_text.size() || static_cast<unsigned char>(m_text[m_at]) < 0x20) {
        return false;
      }
      if (m_text[m_at++] == '"') {
        return !high || !text::find_invalid_text(out);  // escapes add only ASCII, NUL included
      }
      if (m_at == m_text.size()) {
        return false;
      }
      switch (m_text[m_at++]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = 0;
          if (m_text.size() - m_at < 4 || m_text.substr(m_at, 2) != "00") {
            return false;
          }
          for (int i = 0; i < 4; ++i) {
            const char h = m_text[m_at++];
            const int digit = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                              : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (digit < 0) {
              return false;
            }
            code = code * 16 + static_cast<unsigned>(digit);
          }
          if (code >= 0x80) {
            return false;
          }
          out += static_cast<char>(code);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  // A whole number as JSON writes it, at most 18 digits: no "-0", no leading zero.
  bool integer(std::int64_t& value) {
    const bool negative = literal("-");
    const std::size_t start = m_at;
    while (m_at < m_text.size() && m_text[m_at] >= '0' && m_text[m_at] <= '9') {
      ++m_at;
    }
    const std::size_t digits = m_at - start;
    if (digits == 0 || digits > 18 || (m_text[start] == '0' && (digits > 1 || negative))) {
      return false;
    }
    if (m_at < m_text.size() && (m_text[m_at] == '.' || m_text[m_at] == 'e' || m_text[m_at] == 'E')) {
      return false;
    }
    std::from_chars(m_text.data() + start, m_text.data() + m_at, value);
    value = negative ? -value : value;
    return true;
  }

  bool peek(char c) const { return m_at < m_text.size() && m_text[m_at] == c; }

  bool literal(std::string_view expected) {
    if (m_text.substr(m_at, expected.size()) != expected) {
      return false;
    }
    m_at += expected.size();
    return true;
  }

  std::string_view m_text;
  std::size_t m_at = 0;
};

// The one reader of a document: `expected_id` (when given) must be its id.
IncidentDocument parse_document(std::string_view text, const std::string& path, const std::string* expected_id,
                                bool canonical_first = true) {
  auto corrupt = [&path](const std::string& message) {
    return DataError({path, 0, 0}, message, ExitCode::corrupt_state);
  };
  // A plain `git pull` of a state dir that two machines changed leaves both versions in
  // the file between markers: say so, rather than "syntax error" somewhere in it.
  if (const int line = conflict_marker_line(text); line > 0) {
    throw DataError({path, line, 1},
                    "not a valid incident file: it holds git conflict markers (a plain git merge or pull left them): "
                    "run 'git merge --abort' in the state dir, then 'incident sync', which merges incident files "
                    "itself",
                    ExitCode::corrupt_state);
  }
  if (auto canonical = canonical_first ? CanonicalReader(text).document(expected_id) : std::nullopt) {
    return std::move(*canonical);
  }
  nlohmann::json document;
  try {
    // The callback bounds nesting before it can cost memory: a valid file is 3 deep.
    document = nlohmann::json::parse(
        text.begin(), text.end(),
        [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
          if (depth > k_max_json_depth) {
            throw corrupt(fmt::format("nesting deeper than {} levels", k_max_json_depth));
          }
          return true;
        },
        true, false);
  } catch (const nlohmann::json::parse_error& e) {
    std::string message = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    if (auto colon = message.find(": "); colon != std::string::npos) {
      message = message.substr(colon + 2);
    }
    throw DataError(position(text, e.byte == 0 ? 0 : e.byte - 1, path),
                    fmt::format("not a valid incident file: {}", message), ExitCode::corrupt_state);
  } catch (const nlohmann::json::exception& e) {
    // A number too large for a double (1e999) is out_of_range, not a parse_error, and
    // has no position. Uncaught, it made `list` fail instead of skipping the file.
    std::string message = e.what();
    // "[json.exception.out_of_range.406] number overflow parsing '1e999'"
    if (auto bracket = message.find("] "); message.starts_with("[json.exception.") && bracket != std::string::npos) {
      message = message.substr(bracket + 2);
    }
    throw corrupt(fmt::format("not a valid incident file: {}", message));
  }
  if (!document.is_object()) {
    throw corrupt("not a valid incident file: expected a JSON object");
  }
  const auto schema = document.find("schema");
  // Versions count from 1. Read as unsigned: a version past INT64_MAX taken as signed
  // was negative, and the file read as if it were current.
  if (schema == document.end() || !schema->is_number_unsigned() || schema->get<std::uint64_t>() == 0) {
    throw corrupt("not a valid incident file: no \"schema\" version");
  }
  if (schema->get<std::uint64_t>() > k_incident_schema) {
    throw corrupt(
        fmt::format("written by a newer version of incident (schema {}; this version reads {}); "
                    "upgrade incident to use it",
                    schema->get<std::uint64_t>(), k_incident_schema));
  }
  const auto id = document.find("id");
  if (expected_id != nullptr && (id == document.end() || !id->is_string() || id->get<std::string>() != *expected_id)) {
    throw corrupt(fmt::format("its \"id\" does not match the file name ({})", *expected_id));
  }
  if (id == document.end() || !id->is_string()) {
    throw corrupt("not a valid incident file: no \"id\"");
  }
  const auto events_node = document.find("events");
  if (events_node == document.end() || !events_node->is_array() || events_node->empty()) {
    throw corrupt("not a valid incident file: no \"events\"");
  }
  const std::uint64_t version = schema->get<std::uint64_t>();
  if (version >= 2) {
    for (const auto& [key, value] : document.items()) {
      if (key != "schema" && key != "id" && key != "events") {
        throw corrupt(fmt::format("not a valid incident file: unknown key \"{}\"", text::escape_control(key)));
      }
    }
  }
  std::vector<Event> events;
  events.reserve(events_node->size());
  // An event id names one event: the same event twice (two copies merged by hand) is
  // read once; two different events under one id (an edit, a forgery) are refused, never
  // one of them dropped.
  std::unordered_map<std::string, std::size_t> index_of_id;  // into events
  std::vector<std::size_t> position_of;  // each kept event's position in the file, from 1
  std::size_t index = 0;
  for (const auto& node : *events_node) {
    ++index;
    auto bad = [&](const std::string& what) { return corrupt(fmt::format("event {}: {}", index, what)); };
    if (!node.is_object()) {
      throw bad("not an object");
    }
    Event event;
    auto string_of = [&](const char* key) -> std::string {
      auto it = node.find(key);
      if (it == node.end() || !it->is_string()) {
        throw bad(fmt::format("\"{}\" must be text", key));
      }
      return it->get<std::string>();
    };
    auto time_of = [&](const char* key) -> Timestamp {
      auto at = parse_rfc3339(string_of(key));
      if (!at) {
        throw bad(fmt::format("\"{}\" is not an RFC 3339 time", key));
      }
      return *at;
    };
    event.id = string_of("id");
    if (!is_event_id(event.id)) {
      throw bad("\"id\" is not a valid event id");
    }
    auto seq = node.find("seq");
    if (seq == node.end() || !seq->is_number_unsigned() || !is_seq(seq->get<std::uint64_t>())) {
      throw bad(fmt::format("\"seq\" must be a whole number from 1 to {}", k_max_event_seq));
    }
    event.seq = seq->get<std::uint64_t>();
    event.type = string_of("type");
    if (!is_name(event.type)) {
      throw bad("\"type\" is empty or too long");
    }
    event.at = time_of("at");
    event.by = string_of("by");
    if (version >= 2) {
      read_fields_v2(node, event, bad);
      if (node.contains("recorded_at")) {
        event.recorded_at = time_of("recorded_at");
      }
    } else {
      read_fields_v1(node, event, bad);
    }
    // Required fields are enforced where events are made (Store), not on reading: a
    // schema-1 event that lacks one must still read after its upgrade to schema 2.
    if (const std::string problem = check_event(event, false); !problem.empty()) {
      throw bad(problem);
    }
    if (const auto [seen, added] = index_of_id.try_emplace(event.id, events.size()); !added) {
      const std::size_t first = seen->second;
      if (events[first] == event) {
        continue;
      }
      throw bad(fmt::format("its id {} is also the id of event {}, which says something else", event.id,
                            position_of[first]));
    }
    position_of.push_back(index);
    events.push_back(std::move(event));
  }
  return IncidentDocument{id->get<std::string>(), std::move(events)};
}

}  // namespace

std::vector<Event> parse_incident_file(std::string_view text, const std::string& path,
                                       const std::string& expected_id) {
  return parse_document(text, path, &expected_id).events;
}

IncidentDocument parse_incident_document(std::string_view text, const std::string& origin) {
  return parse_document(text, origin, nullptr);
}

IncidentDocument parse_incident_document_general(std::string_view text, const std::string& origin,
                                                 const std::string* expected_id) {
  return parse_document(text, origin, expected_id, false);
}

}  // namespace incident
