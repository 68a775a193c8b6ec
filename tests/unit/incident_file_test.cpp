#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "incident/error.hpp"
#include "incident/incident_file.hpp"
#include "incident/summary.hpp"

using namespace incident;

namespace {

Incident sample() {
  Event opened;
  opened.id = "0123456789ab";
  opened.seq = 1;
  opened.type = std::string(event_type::opened);
  opened.at = *parse_rfc3339("2026-11-27T03:12:00Z");
  opened.by = "pager";
  opened.fields = {{"title", "Checkout {{commander}} \x1b[31m"},
                   {"severity", "P1"},
                   {"severity_name", "High"},
                   {"response_time_seconds", "3600"}};
  Event note = opened;
  note.id = "0123456789ac";
  note.seq = 2;
  note.type = std::string(event_type::noted);
  note.fields = {{"text", "naïve ✓"}};
  return fold("k3x9m2qa", {opened, note});
}

DataError parse_error(const std::string& text) {
  try {
    parse_incident_file(text, "/s/k3x9m2qa.json", "k3x9m2qa");
  } catch (const DataError& e) {
    return e;
  }
  FAIL("no error for: " << text);
  throw;
}

}  // namespace

TEST_CASE("an incident file round-trips through serialize and parse") {
  const Incident incident = sample();
  const std::string text = serialize_incident(incident);
  CHECK(text.back() == '\n');
  CHECK(text.rfind("{\n  \"schema\": 1,\n  \"id\": \"k3x9m2qa\",\n  \"title\"", 0) == 0);
  const auto events = parse_incident_file(text, "f", "k3x9m2qa");
  const Incident again = fold("k3x9m2qa", events);
  CHECK(serialize_incident(again) == text);
  CHECK(again.title == incident.title);
}

TEST_CASE("the JSON object has the contract's fields") {
  const auto json = incident_json(sample(), true);
  for (const char* key : {"id", "title", "severity", "severity_name", "status", "impact", "commander", "started_at",
                          "acknowledged_at", "resolved_at", "events"}) {
    INFO(key);
    CHECK(json.contains(key));
  }
  CHECK(json["acknowledged_at"].is_null());
  CHECK(json["status"] == "investigating");
  CHECK(json["events"][1]["type"] == "noted");
  CHECK(json["events"][1]["by"] == "pager");
}

TEST_CASE("corrupt files are reported with their path and position") {
  CHECK(std::string(parse_error("{\n  \"schema\": 1,\n  \"id\": ").what()).rfind("/s/k3x9m2qa.json:3:", 0) == 0);
  CHECK(parse_error("<<<<<<< HEAD\n{}").exit_code() == ExitCode::corrupt_state);
  CHECK(parse_error("<<<<<<< HEAD\n{}").pos().line == 1);
  CHECK(std::string(parse_error("[]").what()) == "/s/k3x9m2qa.json: not a valid incident file: expected a JSON object");
  CHECK(std::string(parse_error(R"({"schema": 2, "id": "k3x9m2qa", "events": []})").what()) ==
        "/s/k3x9m2qa.json: written by a newer version of incident (schema 2; this version reads 1); upgrade "
        "incident to use it");
  CHECK(std::string(parse_error(R"({"schema": 1, "id": "other", "events": []})").what()) ==
        "/s/k3x9m2qa.json: its \"id\" does not match the file name (k3x9m2qa)");
  CHECK(std::string(parse_error(R"({"schema": 1, "id": "k3x9m2qa", "events": [{"id": "x"}]})").what()) ==
        "/s/k3x9m2qa.json: event 1: \"seq\" must be a whole number from 1");
  CHECK(std::string(parse_error(
                        R"({"schema":1,"id":"k3x9m2qa","events":[{"id":"a","seq":1,"type":"noted","at":"yesterday","by":"x"}]})")
                        .what()) == "/s/k3x9m2qa.json: event 1: \"at\" is not an RFC 3339 time");
  CHECK(std::string(parse_error(
                        R"({"schema":1,"id":"k3x9m2qa","events":[{"id":"a","seq":1,"type":"noted","at":"2026-11-27T03:12:00Z","by":"x","n":5}]})")
                        .what()) == "/s/k3x9m2qa.json: event 1: field \"n\" must be text");
}

TEST_CASE("deep nesting and invalid UTF-8 are refused without crashing") {
  CHECK(std::string(parse_error(std::string(100000, '[')).what()) ==
        "/s/k3x9m2qa.json: nesting deeper than 16 levels");
  CHECK(parse_error("{\"schema\": 1, \"id\": \"\xff\"}").exit_code() == ExitCode::corrupt_state);
  CHECK(parse_error(std::string("{\"schema\"\0: 1}", 14)).exit_code() == ExitCode::corrupt_state);
}

TEST_CASE("a summary written straight to text is what nlohmann writes for it") {
  Summary summary = summarize(sample(), {});
  const std::string all_controls = [] {
    std::string text;
    for (char c = 1; c < 0x20; ++c) {
      text += c;
    }
    return text + "\x7f \"quoted\" back\\slash naïve ✓";
  }();
  for (const std::string& title : {std::string("plain"), all_controls, std::string()}) {
    summary.title = title;
    summary.acknowledged_at = *parse_rfc3339("2026-11-27T03:20:05Z");
    summary.commander = title.empty() ? "" : "alice";
    INFO(title);
    // Built independently of append_summary_json, from the contract's key order.
    nlohmann::ordered_json expected = {
        {"id", summary.id},
        {"title", summary.title},
        {"severity", "P1"},
        {"severity_name", "High"},
        {"status", "investigating"},
        {"impact", nullptr},
        {"commander", title.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json("alice")},
        {"started_at", "2026-11-27T03:12:00Z"},
        {"acknowledged_at", "2026-11-27T03:20:05Z"},
        {"resolved_at", nullptr},
        {"closed_at", nullptr},
        {"response_time_seconds", 3600},
        {"ack_due_at", "2026-11-27T04:12:00Z"},
        {"update_every_seconds", nullptr},
        {"last_update_at", nullptr},
    };
    json::Buffer compact;
    append_summary_json(compact, summary, false, 0);
    CHECK(compact.view() == expected.dump());
    json::Buffer pretty;
    append_summary_json(pretty, summary, true, 0);
    CHECK(pretty.view() == expected.dump(2));
    CHECK(summary_json(summary) == expected);
  }
}

TEST_CASE("invalid UTF-8 in a summary (an untrusted index) still gives valid JSON") {
  Summary summary = summarize(sample(), {});
  summary.title = std::string("bad \xff\xfe end \xc3", 12) + std::string(1, '\0') + "nul";
  json::Buffer text;
  append_summary_json(text, summary, false, 0);
  nlohmann::json parsed;
  REQUIRE_NOTHROW(parsed = nlohmann::json::parse(text.view()));
  CHECK(parsed["title"] == "bad \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD\xEF\xBF\xBDnul");
}

TEST_CASE("every character that needs escaping is escaped wherever it stands in a string") {
  // The writer checks strings eight bytes at a time: each special character, at each
  // position of a 21-byte string, must come out as nlohmann writes it.
  Summary summary = summarize(sample(), {});
  std::vector<std::string> specials = {"\"", "\\", "\x7f", "\xc3\xa9", "\xff"};
  for (char c = 1; c < 0x20; ++c) {
    specials.emplace_back(1, c);
  }
  for (const auto& special : specials) {
    for (std::size_t at = 0; at <= 20; ++at) {
      std::string title(21, 'a');
      title.replace(at, 1, special);
      summary.title = title;
      json::Buffer written;
      append_summary_json(written, summary, false, 0);
      INFO("byte " << static_cast<int>(static_cast<unsigned char>(special[0])) << " at " << at);
      nlohmann::json parsed;
      REQUIRE_NOTHROW(parsed = nlohmann::json::parse(written.view()));
      if (special == "\xff") {
        CHECK(parsed["title"] == std::string(title).replace(at, 1, "\xEF\xBF\xBD"));
      } else {
        CHECK(parsed["title"] == title);
        // Byte for byte as nlohmann escapes the same string.
        const std::string expected = "\"title\":" + nlohmann::json(title).dump() + ",";
        CHECK(written.view().find(expected) != std::string_view::npos);
      }
    }
  }
}

// Found by fuzz/incident_file: an SLA of 9223372036854775807 seconds was read, and the
// ack due time (start + SLA) overflowed, undefined behaviour in every reader.
TEST_CASE("an event's durations must be whole seconds of at most 100 years") {
  auto opened = [](const std::string& field, const std::string& value) {
    return fmt::format(
        R"({{"schema":1,"id":"k3x9m2qa","events":[{{"id":"a","seq":1,"type":"opened","at":"2026-11-27T03:12:00Z","by":"x","{}":"{}"}}]}})",
        field, value);
  };
  for (const char* field : {"response_time_seconds", "update_every_seconds"}) {
    INFO(field);
    for (const char* bad : {"9223372036854775807", "3162240001", "-5", "", "15m", " 60", "1e3"}) {
      INFO(bad);
      CHECK(
          std::string(parse_error(opened(field, bad)).what()) ==
          fmt::format("/s/k3x9m2qa.json: event 1: \"{}\" must be a whole number of seconds, at most 100 years", field));
    }
    for (const char* good : {"0", "900", "3162240000"}) {
      INFO(good);
      CHECK(parse_incident_file(opened(field, good), "f", "k3x9m2qa").at(0).field(field) == good);
    }
  }
}

// Found reading the parser while writing fuzz/incident_file: a schema past INT64_MAX was
// read as a negative number, so a file from a (much) newer version was taken for current.
TEST_CASE("the schema is a version from 1 and any later one is newer") {
  CHECK(std::string(parse_error(R"({"schema": 18446744073709551615, "id": "k3x9m2qa", "events": []})").what()) ==
        "/s/k3x9m2qa.json: written by a newer version of incident (schema 18446744073709551615; this version "
        "reads 1); upgrade incident to use it");
  for (const char* schema : {"0", "-1", "1.0", "\"1\""}) {
    INFO(schema);
    CHECK(std::string(parse_error(fmt::format(R"({{"schema": {}, "id": "k3x9m2qa", "events": []}})", schema)).what()) ==
          "/s/k3x9m2qa.json: not a valid incident file: no \"schema\" version");
  }
}

// Found by fuzz/incident_file: a number beyond a double (1e999) made nlohmann throw
// out_of_range, which escaped as an unexpected failure: `list` failed (exit 1) instead
// of skipping the corrupt file with a warning.
TEST_CASE("a number too large for JSON's doubles is a corrupt file") {
  for (const char* number : {"1e999", "-1e999", "924e7127"}) {
    INFO(number);
    const DataError error =
        parse_error(fmt::format(R"({{"schema": 1, "id": "k3x9m2qa", "x": {}, "events": []}})", number));
    CHECK(error.exit_code() == ExitCode::corrupt_state);
    CHECK(std::string(error.what()) ==
          fmt::format("/s/k3x9m2qa.json: not a valid incident file: number overflow parsing '{}'", number));
  }
}
