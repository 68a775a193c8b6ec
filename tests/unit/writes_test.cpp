#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>

#include "incident/error.hpp"
#include "incident/writes.hpp"
#include "support/default_runbook.hpp"

using namespace incident;
using incident::test::default_runbook;

namespace {

Timestamp at(const char* text) { return *parse_rfc3339(text); }

// The moment "now" is, in these tests: the night of the incident, an hour in.
const Timestamp k_now = at("2026-11-27T04:12:00Z");

Stamp stamp(std::optional<Timestamp> when = std::nullopt, std::string actor = "alice") {
  return Stamp{std::move(actor), k_now, when};
}

// Applies a decision as the store would: ids and seqs, then the fold.
Incident apply(const Incident& incident, std::vector<Event> added) {
  std::vector<Event> events = incident.events;
  std::uint64_t seq = incident.max_seq;
  for (auto& event : added) {
    event.seq = ++seq;
    event.id = new_event_id();
    events.push_back(std::move(event));
  }
  return fold(incident.id, std::move(events));
}

Incident opened(const char* severity = "P1", const Runbook& runbook = default_runbook()) {
  Event event = open_incident(runbook, {"Checkout API 500s", severity, "", "", ""}, stamp(at("2026-11-27T03:12:00Z")));
  event.seq = 1;
  event.id = new_event_id();
  return fold("k3x9m2qa", {event});
}

Runbook pinned_runbook() {
  Runbook runbook = default_runbook();
  runbook.source = "/team/runbook.yaml";
  runbook.digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  return runbook;
}

}  // namespace

TEST_CASE("open records the grade, the text as cleaned and the runbook pin") {
  const Runbook runbook = pinned_runbook();
  const Event event = open_incident(runbook, {"  Checkout API 500s \n", "high", "", "bob", ""}, stamp());
  CHECK(event.type == "opened");
  CHECK(event.get(field::title) == "Checkout API 500s");
  CHECK(event.get(field::severity) == "P1");
  CHECK(event.get(field::response_time) == Seconds{3600});
  CHECK(event.get(field::commander) == "bob");
  CHECK_FALSE(event.has(field::impact.name));
  CHECK(event.get(field::runbook) == "/team/runbook.yaml");
  CHECK(event.get(field::runbook_digest) == runbook.digest);
  CHECK(event.get(field::runbook_items).size() > 30);
  CHECK(std::is_sorted(event.get(field::runbook_items).begin(), event.get(field::runbook_items).end()));
  CHECK(event.at == k_now);
  CHECK(event.recorded_at == k_now);
  CHECK(check_event(event, true).empty());
  CHECK_THROWS_AS(open_incident(runbook, {"x", "P9", "", "", ""}, stamp()), UsageError);
  CHECK_THROWS_WITH(open_incident(runbook, {" ", "P1", "", "", ""}, stamp()), "TITLE is empty");
}

TEST_CASE("the runbook an incident was opened under fits, another must have all it uses") {
  const Runbook team = pinned_runbook();
  const Incident incident = opened("P1", team);
  CHECK_FALSE(runbook_fit(team, incident).has_value());

  Runbook reworded = team;
  reworded.digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
  reworded.source = "/team/runbook-v2.yaml";
  const auto warning = runbook_fit(reworded, incident);
  REQUIRE(warning.has_value());
  CHECK_THAT(*warning, Catch::StartsWith("k3x9m2qa was opened under the runbook /team/runbook.yaml (sha256:1111111111"));

  Runbook fewer = reworded;
  fewer.phases.pop_back();
  CHECK_THROWS_AS(runbook_fit(fewer, incident), ConflictError);
  Runbook other_severities = reworded;
  other_severities.severities.erase(other_severities.severities.begin() + 1);  // no P1
  CHECK_THROWS_WITH(runbook_fit(other_severities, incident), Catch::Contains("lacks its severity P1"));
  // A write that uses the runbook refuses a misfit before it decides anything.
  CHECK_THROWS_AS(mark_items(other_severities, incident, {event_type::checked, {"1"}, ""}, stamp()), ConflictError);

  // An incident from before pins (no digest) is served by any runbook.
  Incident unpinned = incident;
  unpinned.runbook = {};
  CHECK_FALSE(runbook_fit(fewer, unpinned).has_value());
}

TEST_CASE("an event's time: now, or --at no later than 5 minutes ahead and not before what it depends on") {
  const Incident incident = opened();
  CHECK(acknowledge(nullptr, incident, stamp()).events.at(0).at == k_now);
  CHECK(acknowledge(nullptr, incident, stamp(k_now + Seconds{300})).events.at(0).at == k_now + Seconds{300});
  CHECK_THROWS_WITH(acknowledge(nullptr, incident, stamp(k_now + Seconds{301})),
                    "--at 2026-11-27T04:17:01Z is in the future (now is 2026-11-27T04:12:00Z)");
  CHECK_THROWS_WITH(acknowledge(nullptr, incident, stamp(at("2026-11-27T03:00:00Z"))),
                    "--at 2026-11-27T03:00:00Z is before the incident started (2026-11-27T03:12:00Z)");
  // A clock behind the incident's start (another machine's) records at the start.
  const Stamp behind{"alice", at("2026-11-27T03:00:00Z"), std::nullopt};
  CHECK(acknowledge(nullptr, incident, behind).events.at(0).at == incident.started_at);

  const Incident resolved = apply(incident, resolve(default_runbook(), incident, {"rc", "fix", ""},
                                                    stamp(at("2026-11-27T04:10:00Z")))
                                                .events);
  CHECK_THROWS_WITH(close(resolved, stamp(at("2026-11-27T04:05:00Z"))),
                    "--at 2026-11-27T04:05:00Z is before it was resolved (2026-11-27T04:10:00Z)");
  CHECK(close(resolved, stamp(at("2026-11-27T04:11:00Z"))).events.size() == 1);
}

TEST_CASE("writes refuse what does not apply to the incident as it is") {
  const Incident incident = opened();
  CHECK_THROWS_AS(close(incident, stamp()), ConflictError);
  CHECK_THROWS_AS(reopen(incident, stamp()), ConflictError);
  const Incident acked = apply(incident, acknowledge(nullptr, incident, stamp()).events);
  CHECK(acked.commander == "alice");
  CHECK_THROWS_WITH(acknowledge(nullptr, acked, stamp()), Catch::Contains("was already acknowledged by alice"));
  const Incident resolved = apply(acked, resolve(default_runbook(), acked, {"rc", "fix", ""}, stamp()).events);
  CHECK_THROWS_AS(post_update(default_runbook(), resolved, {"f", "n", "", ""}, stamp()), ConflictError);
  CHECK_THROWS_AS(resolve(default_runbook(), resolved, {"rc", "fix", ""}, stamp()), ConflictError);
  CHECK_THROWS_AS(escalate(default_runbook(), resolved, {}, stamp()), ConflictError);
}

TEST_CASE("re-grades and handovers report what was, and record nothing when nothing changes") {
  const Incident incident = opened("P1");
  const auto same = change_severity(default_runbook(), incident, "high", "", stamp());
  CHECK(same.events.empty());
  CHECK_FALSE(same.outcome.changed);
  const auto raised = change_severity(default_runbook(), incident, "P0", "", stamp());
  REQUIRE(raised.events.size() == 1);
  CHECK(raised.outcome.previous.severity == "P1");
  CHECK(raised.events[0].get(field::response_time) == Seconds{900});

  const auto first = hand_off(incident, "bob", "", stamp());
  CHECK(first.outcome.changed);
  CHECK(first.outcome.previous.empty());
  const Incident bob = apply(incident, first.events);
  CHECK(hand_off(bob, "bob", "", stamp()).events.empty());
}

TEST_CASE("check, uncheck and skip mark each named item once, saying which were already so") {
  const Incident incident = opened("P1");
  const auto checked = mark_items(default_runbook(), incident,
                                  {event_type::checked, {"initial.acknowledge", "1", "2"}, ""}, stamp());
  CHECK(checked.events.size() == 2);  // 1 is initial.acknowledge: named twice, marked once
  const Incident after = apply(incident, checked.events);
  const auto again = mark_items(default_runbook(), after, {event_type::checked, {"2"}, ""}, stamp());
  CHECK(again.events.empty());
  REQUIRE(again.outcome.lines.size() == 1);
  CHECK_THAT(again.outcome.lines[0], Catch::EndsWith("(already)"));
  CHECK_THROWS_WITH(mark_items(default_runbook(), incident, {event_type::checked, {"initial.acknowlege"}, ""}, stamp()),
                    Catch::Contains("did you mean 'initial.acknowledge'"));
  CHECK_THROWS_WITH(mark_items(default_runbook(), incident, {event_type::skipped, {"3"}, " "}, stamp()),
                    "--reason is empty");
}

TEST_CASE("escalate: the level defaults to what the triggers call for, and 0 is no level") {
  CHECK_THROWS_WITH(check_escalate(default_runbook(), {0, ""}),
                    "--level 0 is not a level of the escalation path (1 to 4)");
  CHECK_NOTHROW(check_escalate(default_runbook(), {std::nullopt, ""}));
  const Incident incident = opened("P0");
  const auto decision = escalate(default_runbook(), incident, {}, stamp());
  CHECK(decision.outcome.level == 2);  // the P0's SLA ran out at 03:27; it is 04:12
  CHECK(decision.events.at(0).get(field::level) == 2);
  const Incident escalated = apply(incident, decision.events);
  CHECK_THROWS_WITH(escalate(default_runbook(), escalated, {2, ""}, stamp()),
                    "k3x9m2qa is already escalated to level 2");
}

TEST_CASE("action items: added with a real date, done once, not before they were added") {
  const Incident incident = opened();
  CHECK_THROWS_WITH(check_action({"a", "", "2026-02-30"}), "--due '2026-02-30' is not a date (YYYY-MM-DD)");
  const Incident with = apply(incident, add_action(incident, {"add a canary", "carol", "2026-12-10"},
                                                   stamp(at("2026-11-27T04:00:00Z")))
                                            .events);
  REQUIRE(with.actions.size() == 1);
  CHECK_THROWS_AS(complete_action(with, 2, stamp()), UsageError);
  CHECK_THROWS_WITH(complete_action(with, 1, stamp(at("2026-11-27T03:30:00Z"))),
                    Catch::Contains("is before the action was added"));
  const Incident done = apply(with, complete_action(with, 1, stamp()).events);
  CHECK(complete_action(done, 1, stamp()).outcome.already);
}

TEST_CASE("exec records its start with the step's item, and its end with exit code, output and duration") {
  const Runbook& runbook = default_runbook();
  const Incident incident = opened();
  const ExecRequest request{{"kubectl", "rollout", "undo", "deploy/api"}, "2"};
  const auto start = start_exec(&runbook, incident, request, stamp());
  REQUIRE(start.events.size() == 1);
  const Event& started = start.events[0];
  CHECK(started.type == "exec_started");
  CHECK(started.get(field::command) == request.command);
  CHECK(started.get(field::item) == "initial.check-dashboard");
  CHECK(start.outcome.item == "initial.check-dashboard");
  CHECK(start.outcome.label == "2. Check system health dashboard");
  CHECK(check_event(started, true).empty());
  // A typo in the step runs nothing: it is refused before the start is recorded.
  CHECK_THROWS_AS(start_exec(&runbook, incident, {{"true"}, "initial.chek-dashboard"}, stamp()), UsageError);
  CHECK_THROWS_AS(start_exec(nullptr, incident, {{}, ""}, stamp()), UsageError);
  // Without a step it needs no runbook.
  CHECK_FALSE(start_exec(nullptr, incident, {{"true"}, ""}, stamp()).events.at(0).has(field::item.name));

  const Incident running = apply(incident, start.events);
  ExecEnd end{request.command, start.outcome.item, running.events.back().id, 1, "error: no rollout history", Seconds{42}};
  const auto failed = finish_exec(&runbook, running, end, stamp());
  REQUIRE(failed.events.size() == 1);  // a failure ticks nothing
  const Event& finished = failed.events[0];
  CHECK(finished.type == "exec_finished");
  CHECK(finished.get(field::exit_code) == 1);
  CHECK(finished.get(field::output) == "error: no rollout history");
  CHECK(finished.get(field::duration) == Seconds{42});
  CHECK(finished.get(field::started) == running.events.back().id);
  CHECK(check_event(finished, true).empty());
  CHECK(failed.outcome.lines.empty());

  end.exit_code = 0;
  const auto succeeded = finish_exec(&runbook, running, end, stamp());
  REQUIRE(succeeded.events.size() == 2);
  CHECK(succeeded.events[1].type == "checked");
  CHECK(succeeded.events[1].get(field::item) == "initial.check-dashboard");
  CHECK(succeeded.events[1].get(field::via) == "exec");
  CHECK(succeeded.outcome.lines == std::vector<std::string>{"initial.check-dashboard. Check system health dashboard"});
  const Incident done = apply(running, succeeded.events);
  CHECK(done.items.at("initial.check-dashboard").checked);
  // Ticked already: the end is recorded, the tick is not repeated.
  const auto again = finish_exec(&runbook, done, end, stamp());
  CHECK(again.events.size() == 1);
  CHECK_THAT(again.outcome.lines.at(0), Catch::EndsWith("(already)"));
}

TEST_CASE("exec keeps a long command and a noisy output within what a file holds") {
  const Incident incident = opened();
  std::vector<std::string> command(100, std::string(2000, 'a'));
  command[0] = "bad\xff";
  const auto start = start_exec(nullptr, incident, {command, ""}, stamp());
  const auto& kept = start.events.at(0).get(field::command);
  CHECK(kept.size() == 65);
  CHECK(kept[0] == "bad\xef\xbf\xbd");
  CHECK(kept[1].size() <= 1024 + 3);
  CHECK(kept[64] == "... (36 more arguments)");
  // Control characters take six bytes each in the file: the tail is cut from the front.
  ExecEnd end{{"x"}, "", "", 300, std::string(4000, '\x01') + "end", Seconds{-5}};
  const auto finished = finish_exec(nullptr, incident, end, stamp()).events.at(0);
  CHECK(finished.get(field::exit_code) == 255);
  CHECK(finished.get(field::duration) == Seconds{0});
  const std::string& output = finished.get(field::output);
  CHECK(output.size() < 4003);
  CHECK_THAT(output, Catch::EndsWith("end"));
  CHECK(check_event(finished, true).empty());
}
