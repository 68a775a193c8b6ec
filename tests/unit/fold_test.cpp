#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "incident/error.hpp"
#include "incident/incident.hpp"
#include "incident/sla.hpp"
#include "support/events.hpp"

using namespace incident;

namespace {

Timestamp at(const char* text) { return *parse_rfc3339(text); }

Event make(std::uint64_t seq, std::string id, std::string_view type, const char* when, std::string by,
           std::map<std::string, std::string> fields = {}) {
  Event event;
  event.seq = seq;
  event.id = std::move(id);
  event.type = std::string(type);
  event.at = at(when);
  event.by = std::move(by);
  event.fields = test::to_fields(type, fields);
  return event;
}

std::vector<Event> timeline() {
  return {
      make(1, "a00000000001", event_type::opened, "2026-11-27T03:12:00Z", "pager",
           {{"title", "Checkout API 500s"},
            {"severity", "P0"},
            {"severity_name", "Critical"},
            {"response_time_seconds", "900"},
            {"impact", "all checkouts"}}),
      make(2, "a00000000002", event_type::acknowledged, "2026-11-27T03:20:00Z", "alice"),
      make(3, "a00000000003", event_type::updated, "2026-11-27T03:40:00Z", "alice",
           {{"findings", "bad deploy"}, {"next_steps", "roll back"}, {"eta", "30m"}, {"status", "identified"}}),
      make(4, "a00000000004", event_type::handed_off, "2026-11-27T04:00:00Z", "alice", {{"commander", "bob"}}),
      make(5, "a00000000005", event_type::severity_changed, "2026-11-27T04:05:00Z", "bob",
           {{"severity", "P1"}, {"severity_name", "High"}, {"response_time_seconds", "3600"}}),
      make(6, "a00000000006", event_type::noted, "2026-11-27T04:06:00Z", "bob", {{"text", "rollback done"}}),
      make(7, "a00000000007", event_type::resolved, "2026-11-27T04:30:00Z", "bob",
           {{"root_cause", "config"}, {"fix", "rollback"}}),
  };
}

}  // namespace

TEST_CASE("fold derives the state from the events") {
  const Incident incident = fold("k3x9m2qa", timeline());
  CHECK(incident.title == "Checkout API 500s");
  CHECK(incident.grade.severity == "P1");
  CHECK(incident.grade.severity_name == "High");
  CHECK(incident.grade.response_time == Seconds{3600});
  CHECK(incident.commander == "bob");
  CHECK(incident.acknowledged_by == "alice");
  CHECK(format_rfc3339(*incident.acknowledged_at) == "2026-11-27T03:20:00Z");
  CHECK(incident.status == Status::resolved);
  CHECK(format_rfc3339(*incident.resolved_at) == "2026-11-27T04:30:00Z");
  CHECK(incident.findings == "bad deploy");
  CHECK(incident.root_cause == "config");
  CHECK(incident.max_seq == 7);
  CHECK(incident.events.size() == 7);
}

TEST_CASE("the first ack makes its actor commander only when there is none") {
  auto events = timeline();
  events.resize(2);
  CHECK(fold("x", events).commander == "alice");
  events[0].fields["commander"] = "carol";
  CHECK(fold("x", events).commander == "carol");
  // A second ack does not move the acknowledgement time.
  events.push_back(make(3, "a00000000009", event_type::acknowledged, "2026-11-27T03:50:00Z", "dave"));
  const Incident incident = fold("x", events);
  CHECK(incident.acknowledged_by == "alice");
  CHECK(format_rfc3339(*incident.acknowledged_at) == "2026-11-27T03:20:00Z");
}

TEST_CASE("fold does not depend on the order of the array and drops duplicated events") {
  const Incident reference = fold("x", timeline());
  std::mt19937 generator(42);
  for (int round = 0; round < 20; ++round) {
    auto events = timeline();
    // A merge of two copies holds every event twice.
    auto copy = timeline();
    events.insert(events.end(), copy.begin(), copy.end());
    std::shuffle(events.begin(), events.end(), generator);
    const Incident shuffled = fold("x", events);
    CHECK(shuffled.events.size() == reference.events.size());
    CHECK(shuffled.status == reference.status);
    CHECK(shuffled.commander == reference.commander);
    CHECK(shuffled.grade.severity == reference.grade.severity);
    for (std::size_t i = 0; i < reference.events.size(); ++i) {
      CHECK(shuffled.events[i].id == reference.events[i].id);
    }
  }
}

TEST_CASE("concurrent events with the same seq are ordered by id") {
  auto events = timeline();
  events.resize(2);
  events.push_back(make(3, "b00000000000", event_type::handed_off, "2026-11-27T04:00:00Z", "x", {{"commander", "zed"}}));
  events.push_back(make(3, "a00000000000", event_type::handed_off, "2026-11-27T04:00:00Z", "y", {{"commander", "amy"}}));
  CHECK(fold("x", events).commander == "zed");
}

TEST_CASE("reopen, close and unknown event types") {
  auto events = timeline();
  events.push_back(make(8, "a00000000008", event_type::closed, "2026-11-27T05:00:00Z", "bob"));
  CHECK(fold("x", events).status == Status::closed);
  events.push_back(make(9, "a00000000009", event_type::reopened, "2026-11-27T06:00:00Z", "bob"));
  Incident reopened = fold("x", events);
  CHECK(reopened.status == Status::investigating);
  CHECK_FALSE(reopened.resolved_at.has_value());
  CHECK_FALSE(reopened.closed_at.has_value());
  events.push_back(make(10, "a0000000000a", "from_the_future", "2026-11-27T06:01:00Z", "bob", {{"x", "y"}}));
  CHECK(fold("x", events).status == Status::investigating);
  CHECK(fold("x", events).events.size() == 10);
}

TEST_CASE("an update cannot set a terminal status") {
  auto events = timeline();
  events.resize(3);
  events[2].fields["status"] = "closed";
  CHECK(fold("x", events).status == Status::investigating);
}

TEST_CASE("fold needs an opened event") {
  auto events = timeline();
  events.erase(events.begin());
  CHECK_THROWS_AS(fold("x", events), Error);
}

TEST_CASE("status names round-trip") {
  for (auto status : {Status::investigating, Status::identified, Status::monitoring, Status::resolved, Status::closed}) {
    CHECK(parse_status(status_name(status)) == status);
  }
  CHECK(parse_status("Monitoring") == Status::monitoring);
  CHECK_FALSE(parse_status("fixed").has_value());
  CHECK(status_title(Status::identified) == "Identified");
  CHECK(is_open(Status::resolved));
  CHECK_FALSE(is_active(Status::resolved));
}

TEST_CASE("the acknowledgement is judged against the SLA in force when it happened") {
  auto opened = [] {
    return make(1, "b00000000001", event_type::opened, "2026-11-27T03:12:00Z", "pager",
                {{"title", "t"}, {"severity", "P1"}, {"severity_name", "High"}, {"response_time_seconds", "3600"}});
  };
  auto raise = [](std::uint64_t seq, const char* when) {
    return make(seq, "b0000000000" + std::to_string(seq), event_type::severity_changed, when, "bob",
                {{"severity", "P0"}, {"severity_name", "Critical"}, {"response_time_seconds", "900"}});
  };
  auto ack = [](std::uint64_t seq, const char* when) {
    return make(seq, "b0000000000" + std::to_string(seq), event_type::acknowledged, when, "alice");
  };
  SECTION("raised to P0 after a P1 ack at +38m: met, against 1h") {
    const Incident incident = fold("k3x9m2qa", {opened(), ack(2, "2026-11-27T03:50:00Z"), raise(3, "2026-11-27T04:00:00Z")});
    CHECK(incident.grade.response_time == Seconds{900});
    CHECK(incident.response_grade.response_time == Seconds{3600});
    CHECK(incident.response_grade.severity_name == "High");
    CHECK(response_sla(incident, incident.started_at).state == SlaState::met);
  }
  SECTION("raised to P0 at +10m, before the ack at +38m: breached, against 15m") {
    const Incident incident = fold("k3x9m2qa", {opened(), raise(2, "2026-11-27T03:22:00Z"), ack(3, "2026-11-27T03:50:00Z")});
    CHECK(incident.response_grade.response_time == Seconds{900});
    CHECK(response_sla(incident, incident.started_at).state == SlaState::breached);
  }
  SECTION("a re-grade backfilled after the ack was recorded still counts by its time") {
    // Recorded later (seq 3) but it happened at +10m, before the ack at +38m.
    const Incident incident = fold("k3x9m2qa", {opened(), ack(2, "2026-11-27T03:50:00Z"), raise(3, "2026-11-27T03:22:00Z")});
    CHECK(incident.response_grade.response_time == Seconds{900});
    CHECK(incident.response_grade.severity_name == "Critical");
    CHECK(response_sla(incident, incident.started_at).state == SlaState::breached);
  }
  SECTION("unacknowledged: no verdict") {
    const Incident incident = fold("k3x9m2qa", {opened()});
    CHECK(response_sla(incident, incident.started_at).state == SlaState::pending);
    CHECK_FALSE(response_sla(incident, incident.started_at).responded_at.has_value());
  }
}

TEST_CASE("an update backfilled after a later one does not pass for the latest") {
  Event opened;
  opened.id = "e1";
  opened.seq = 1;
  opened.type = std::string(event_type::opened);
  opened.at = *parse_rfc3339("2026-11-27T03:12:00Z");
  opened.by = "pager";
  opened.fields = test::to_fields(opened.type, {{"title", "t"}, {"severity", "P1"}, {"severity_name", "High"}, {"response_time_seconds", "3600"}});
  auto update = [](std::string id, std::uint64_t seq, const char* at, const char* findings) {
    Event event;
    event.id = std::move(id);
    event.seq = seq;
    event.type = std::string(event_type::updated);
    event.at = *parse_rfc3339(at);
    event.by = "alice";
    event.fields = {{"findings", findings}, {"next_steps", "n"}};
    return event;
  };
  // Recorded second (seq 3) but it happened first: 04:00 before 05:00.
  const Incident incident = fold("k3x9m2qa", {opened, update("e2", 2, "2026-11-27T05:00:00Z", "newest"),
                                              update("e3", 3, "2026-11-27T04:00:00Z", "older, backfilled")});
  REQUIRE(incident.last_update_at);
  CHECK(format_rfc3339(*incident.last_update_at) == "2026-11-27T05:00:00Z");
  CHECK(incident.findings == "newest");
  CHECK(incident.updates == 2);
}

TEST_CASE("an incident is a drill when its opened event carries exercise, whatever the value") {
  std::vector<Event> events = timeline();
  CHECK_FALSE(fold("k3x9m2qa", events).drill);
  events.front().fields.insert_or_assign("exercise", std::string("drill"));
  CHECK(fold("k3x9m2qa", events).drill);
  events.front().fields.insert_or_assign("exercise", std::string("game-day"));  // a newer version's word
  CHECK(fold("k3x9m2qa", events).drill);
  // Only `opened` says it: the field on another event changes nothing.
  events = timeline();
  events.back().fields.insert_or_assign("exercise", std::string("drill"));
  CHECK_FALSE(fold("k3x9m2qa", events).drill);
  // The field is text: a file that has it passes the checks a 0.3.0 binary makes of a field
  // it does not know (text, numbers and lists are kept), and this version's of a line.
  Event opened = timeline().front();
  opened.fields.insert_or_assign("exercise", std::string("drill"));
  CHECK(check_event(opened, true).empty());
  opened.fields.insert_or_assign("exercise", std::int64_t{1});
  CHECK_FALSE(check_event(opened, true).empty());
}
