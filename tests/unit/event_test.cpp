#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>

#include "incident/event.hpp"

using namespace incident;

namespace {

Event sample(std::string_view type) {
  return new_event(type, *parse_rfc3339("2026-11-27T03:12:00Z"), *parse_rfc3339("2026-11-27T03:12:05Z"), "alice");
}

}  // namespace

TEST_CASE("every event type is defined once, and its fields are typed") {
  std::set<std::string_view> names;
  for (const auto& type : event_types()) {
    CHECK(names.insert(type.name).second);
    std::set<std::string_view> fields;
    for (const auto& f : type.fields) {
      CHECK(fields.insert(f.name).second);
    }
  }
  CHECK(names.size() == 21);
  CHECK(find_event_type("opened") != nullptr);
  CHECK(find_event_type("nosuch") == nullptr);
  CHECK(find_event_type("escalated")->find("level")->kind == FieldKind::count);
}

TEST_CASE("fields are set and read through their definition") {
  Event event = sample(event_type::escalated);
  event.set(field::level, std::int64_t{2});
  event.set(field::role, "Senior engineer");
  CHECK(event.get(field::level) == 2);
  CHECK(event.get(field::role) == "Senior engineer");
  CHECK(event.get(field::contact).empty());
  CHECK(check_event(event, true).empty());
  // A field the type does not have is a programming error, caught where it is made.
  CHECK_THROWS_AS(event.set(field::title, "x"), std::logic_error);
  CHECK_THROWS_AS(sample("made_up"), std::logic_error);

  Event noted = sample(event_type::noted);
  CHECK(check_event(noted, true) == "a 'noted' event needs \"text\"");
  CHECK(check_event(noted, false).empty());
}

TEST_CASE("check_event refuses values of the wrong kind or out of range") {
  Event event = sample(event_type::opened);
  event.fields["response_time_seconds"] = std::int64_t{-1};
  CHECK(check_event(event, false) == "\"response_time_seconds\" must be a whole number of seconds, at most 100 years");
  event.fields["response_time_seconds"] = std::string("900");
  CHECK(check_event(event, false) == "\"response_time_seconds\" must be a whole number of seconds, at most 100 years");
  event.fields["response_time_seconds"] = std::int64_t{900};
  event.fields["title"] = std::int64_t{1};
  CHECK(check_event(event, false) == "\"title\" must be one line of text");
  event.fields["title"] = std::string("t");
  event.fields["runbook_items"] = std::string("a,b");
  CHECK(check_event(event, false) == "\"runbook_items\" must be a list of text");
  // Fields a newer version added are kept, whatever they hold.
  event.fields.erase("runbook_items");
  event.fields["from_the_future"] = std::int64_t{7};
  CHECK(check_event(event, false).empty());
}

TEST_CASE("event ids are 128 random bits: 32 hex digits, never repeating") {
  std::set<std::string> ids;
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = new_event_id();
    REQUIRE(id.size() == 32);
    REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    REQUIRE(ids.insert(id).second);
  }
}

TEST_CASE("an exit code is a whole number from 0 to 255") {
  Event event = sample(event_type::exec_finished);
  event.set(field::command, std::vector<std::string>{"true"});
  event.set(field::exit_code, std::int64_t{0});
  CHECK(check_event(event, true).empty());
  CHECK(event.get(field::exit_code) == 0);
  event.fields["exit_code"] = std::int64_t{256};
  CHECK(check_event(event, false) == "\"exit_code\" must be an exit code from 0 to 255");
  event.fields["exit_code"] = std::int64_t{-1};
  CHECK_FALSE(check_event(event, false).empty());
  event.fields["exit_code"] = std::string("0");
  CHECK_FALSE(check_event(event, false).empty());
  CHECK(check_event(sample(event_type::exec_started), true) == "a 'exec_started' event needs \"command\"");
}
