#include "incident/incident_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "incident/error.hpp"
#include "incident/json_writer.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

using Json = nlohmann::ordered_json;

constexpr int k_max_json_depth = 16;
constexpr std::string_view k_event_keys[] = {"id", "seq", "type", "at", "by"};
// The durations the fold reads from events (opened, severity_changed), written from the
// runbook's, which are at most 100 years: anything else would overflow the times computed
// from them (the ack due time is the start plus the SLA) and the index could not hold it.
constexpr std::string_view k_duration_fields[] = {"response_time_seconds", "update_every_seconds"};
constexpr std::int64_t k_max_duration_seconds = std::int64_t{100} * 366 * 24 * 3600;

bool is_duration_seconds(const std::string& value) {
  if (value.empty() || value.size() > 10 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return std::stoll(value) <= k_max_duration_seconds;
}

Json optional_time(const std::optional<Timestamp>& at) {
  return at ? Json(format_rfc3339(*at)) : Json(nullptr);
}

Json optional_text(const std::string& value) { return value.empty() ? Json(nullptr) : Json(value); }

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

}  // namespace

Json event_json(const Event& event) {
  Json out = {{"id", event.id}, {"seq", event.seq}, {"type", event.type}, {"at", format_rfc3339(event.at)},
              {"by", event.by}};
  for (const auto& [key, value] : event.fields) {
    out[key] = value;
  }
  return out;
}

void append_summary_json(json::Buffer& out, const Summary& summary, bool pretty, int depth) {
  json::ObjectWriter object(out, pretty, depth);
  auto text = [&](std::string_view key, const std::string& value) {
    if (value.empty()) {
      object.null_field(key);
    } else {
      object.field(key, value);
    }
  };
  Rfc3339Buffer buffer;
  auto time = [&](std::string_view key, const std::optional<Timestamp>& at) {
    if (at) {
      object.field(key, format_rfc3339(*at, buffer));
    } else {
      object.null_field(key);
    }
  };
  object.field("id", summary.id);
  object.field("title", summary.title);
  object.field("severity", summary.severity);
  object.field("severity_name", summary.severity_name);
  object.field("status", status_name(summary.status));
  text("impact", summary.impact);
  text("commander", summary.commander);
  time("started_at", summary.started_at);
  time("acknowledged_at", summary.acknowledged_at);
  time("resolved_at", summary.resolved_at);
  time("closed_at", summary.closed_at);
  object.field("response_time_seconds", std::int64_t{summary.response_time.count()});
  time("ack_due_at", summary.started_at + summary.response_time);
  if (summary.update_every.count() > 0) {
    object.field("update_every_seconds", std::int64_t{summary.update_every.count()});
  } else {
    object.null_field("update_every_seconds");
  }
  time("last_update_at", summary.last_update_at);
  object.close();
}

Json summary_json(const Summary& summary) {
  json::Buffer text;
  append_summary_json(text, summary, false, 0);
  return Json::parse(text.view());
}

Json incident_json(const Incident& incident, bool with_events) {
  Json out = summary_json(summarize(incident, {}));
  out["acknowledged_by"] = optional_text(incident.acknowledged_by);
  out["findings"] = optional_text(incident.findings);
  out["next_steps"] = optional_text(incident.next_steps);
  out["eta"] = optional_text(incident.eta);
  out["root_cause"] = optional_text(incident.root_cause);
  out["fix"] = optional_text(incident.fix);
  out["monitoring"] = optional_text(incident.monitoring);
  Json flags = Json::array();
  for (const auto& [trigger, flag] : incident.flags) {
    flags.push_back(trigger);
  }
  out["flags"] = std::move(flags);
  out["escalation_level"] = incident.escalation_level();
  Json actions = Json::array();
  for (std::size_t i = 0; i < incident.actions.size(); ++i) {
    const ActionItem& action = incident.actions[i];
    actions.push_back({{"number", i + 1},
                       {"id", action.id},
                       {"text", action.text},
                       {"owner", optional_text(action.owner)},
                       {"due", optional_text(action.due)},
                       {"done", action.done_at.has_value()},
                       {"done_at", optional_time(action.done_at)}});
  }
  out["actions"] = std::move(actions);
  if (with_events) {
    Json events = Json::array();
    for (const auto& event : incident.events) {
      events.push_back(event_json(event));
    }
    out["events"] = std::move(events);
  }
  return out;
}

std::string serialize_incident(const Incident& incident) {
  Json document = {{"schema", k_incident_schema}};
  document.update(incident_json(incident, true));
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::vector<Event> parse_incident_file(std::string_view text, const std::string& path,
                                       const std::string& expected_id) {
  auto corrupt = [&path](const std::string& message) {
    return DataError({path, 0, 0}, message, ExitCode::corrupt_state);
  };
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
  if (schema->get<std::uint64_t>() > static_cast<std::uint64_t>(k_incident_schema)) {
    throw corrupt(
        fmt::format("written by a newer version of incident (schema {}; this version reads {}); "
                    "upgrade incident to use it",
                    schema->get<std::uint64_t>(), k_incident_schema));
  }
  const auto id = document.find("id");
  if (id == document.end() || !id->is_string() || id->get<std::string>() != expected_id) {
    throw corrupt(fmt::format("its \"id\" does not match the file name ({})", expected_id));
  }
  const auto events_node = document.find("events");
  if (events_node == document.end() || !events_node->is_array() || events_node->empty()) {
    throw corrupt("not a valid incident file: no \"events\"");
  }
  std::vector<Event> events;
  events.reserve(events_node->size());
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
    event.id = string_of("id");
    if (!is_event_id(event.id)) {
      throw bad("\"id\" is not a valid event id");
    }
    auto seq = node.find("seq");
    if (seq == node.end() || !seq->is_number_unsigned() || seq->get<std::uint64_t>() == 0) {
      throw bad("\"seq\" must be a whole number from 1");
    }
    event.seq = seq->get<std::uint64_t>();
    event.type = string_of("type");
    if (event.type.empty() || event.type.size() > 64) {
      throw bad("\"type\" is empty or too long");
    }
    auto at = parse_rfc3339(string_of("at"));
    if (!at) {
      throw bad("\"at\" is not an RFC 3339 time");
    }
    event.at = *at;
    event.by = string_of("by");
    for (const auto& [key, value] : node.items()) {
      if (std::find(std::begin(k_event_keys), std::end(k_event_keys), key) != std::end(k_event_keys)) {
        continue;
      }
      if (!value.is_string()) {
        throw bad(fmt::format("field \"{}\" must be text", key));
      }
      event.fields.emplace(key, value.get<std::string>());
    }
    for (const auto field : k_duration_fields) {
      if (auto it = event.fields.find(std::string(field));
          it != event.fields.end() && !is_duration_seconds(it->second)) {
        throw bad(fmt::format("\"{}\" must be a whole number of seconds, at most 100 years", field));
      }
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace incident
