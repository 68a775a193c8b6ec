// sla.cpp: the SLA clocks, escalation triggers, status --check problems and the prompt
// line, over incidents folded from events built by hand (no store, no clock: every
// assessment is as of an explicit time on the night of 2026-11-27).
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "incident/error.hpp"
#include "incident/sla.hpp"
#include "support/default_runbook.hpp"
#include "support/timeline.hpp"

using namespace incident;
using incident::test::default_runbook;

namespace {

Timestamp at(const char* text) {
  return *parse_rfc3339(text);
}

using incident::test::k_start;
using incident::test::Timeline;

const TriggerState& trigger(const Assessment& assessment, std::string_view id) {
  for (const auto& state : assessment.triggers) {
    if (state.trigger->id == id) {
      return state;
    }
  }
  FAIL("no trigger " << id);
  throw std::logic_error("unreachable");
}

std::vector<std::string> holding(const Assessment& assessment) {
  std::vector<std::string> ids;
  for (const auto& state : assessment.triggers) {
    if (state.holds) {
      ids.push_back(state.trigger->id);
    }
  }
  return ids;
}

std::vector<std::string> messages(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  for (const auto& problem : problems) {
    out.push_back(problem.message);
  }
  return out;
}

Summary summary(const std::string& id, const std::string& severity, Seconds response_time, const char* started) {
  Summary s;
  s.id = id;
  s.grade = {severity, severity, response_time, Seconds{1800}};
  s.response_grade = s.grade;
  s.started_at = at(started);
  s.title = "t";
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The response SLA

TEST_CASE("an unacknowledged P0 at +20m is breached and recommends escalation to level 2") {
  const Assessment a = Timeline("P0").assess_at("2026-11-27T03:32:00Z");
  CHECK(a.active);
  CHECK(a.age == Seconds{20 * 60});
  CHECK(format_rfc3339(a.response.due) == "2026-11-27T03:27:00Z");
  CHECK(a.response.state == SlaState::breached);
  CHECK(sla_state_name(a.response.state) == "breached");
  CHECK_FALSE(a.response.responded_at.has_value());
  CHECK(a.ack_remaining() == Seconds{-5 * 60});

  const TriggerState& sla = trigger(a, "sla-exceeded");
  CHECK(sla.holds);
  REQUIRE(sla.since.has_value());
  CHECK(format_rfc3339(*sla.since) == "2026-11-27T03:27:00Z");
  CHECK(sla.detail == "not acknowledged, 5m past the 15m SLA");
  CHECK(holding(a) == std::vector<std::string>{"sla-exceeded"});

  CHECK(a.escalated_level == 0);
  CHECK(a.recommended_level == 2);
  CHECK(a.escalation_recommended);
  CHECK(default_escalation_level(a) == 2);
}

TEST_CASE("an unacknowledged P0 is pending up to the due time and breached a second after") {
  const Timeline timeline("P0");
  const Assessment early = timeline.assess_at("2026-11-27T03:22:00Z");
  CHECK(early.response.state == SlaState::pending);
  CHECK(early.ack_remaining() == Seconds{5 * 60});
  CHECK_FALSE(trigger(early, "sla-exceeded").holds);
  CHECK(early.recommended_level == 0);
  CHECK_FALSE(early.escalation_recommended);

  CHECK(timeline.assess_at("2026-11-27T03:27:00Z").response.state == SlaState::pending);
  CHECK(timeline.assess_at("2026-11-27T03:27:01Z").response.state == SlaState::breached);
}

TEST_CASE("a P0 acknowledged at +5m has met its SLA and nothing is recommended") {
  const Assessment a = Timeline("P0").ack("2026-11-27T03:17:00Z").assess_at("2026-11-27T03:32:00Z");
  CHECK(a.response.state == SlaState::met);
  REQUIRE(a.response.responded_at.has_value());
  CHECK(format_rfc3339(*a.response.responded_at) == "2026-11-27T03:17:00Z");
  CHECK(holding(a).empty());
  CHECK(a.recommended_level == 0);
  CHECK_FALSE(a.escalation_recommended);
}

TEST_CASE("a late acknowledgement stays breached and says by how much") {
  const Assessment a = Timeline("P0").ack("2026-11-27T03:35:00Z").assess_at("2026-11-27T03:40:00Z");
  CHECK(a.response.state == SlaState::breached);
  CHECK(trigger(a, "sla-exceeded").holds);
  CHECK(trigger(a, "sla-exceeded").detail == "acknowledged 8m late");
  CHECK(a.escalation_recommended);
  CHECK(a.recommended_level == 2);
}

TEST_CASE("the acknowledgement is judged by the SLA in force then, even after a re-grade") {
  // Acked 20m in as a P0 (15m: breached by 5m), then downgraded to P3 (24h): still
  // breached by 5m against 15m, due at 03:27Z, not late by a negative amount.
  const Assessment late = Timeline("P0")
                              .ack("2026-11-27T03:32:00Z")
                              .regrade("P3", "2026-11-27T03:40:00Z")
                              .assess_at("2026-11-27T04:00:00Z");
  CHECK(late.response.state == SlaState::breached);
  CHECK(format_rfc3339(late.response.due) == "2026-11-27T03:27:00Z");
  CHECK(trigger(late, "sla-exceeded").detail == "acknowledged 5m late");
  CHECK(format_rfc3339(*trigger(late, "sla-exceeded").since) == "2026-11-27T03:27:00Z");

  // Acked 50m in as a P1 (1h: met), then upgraded to P0: still met, due at 04:12Z.
  const Assessment met = Timeline("P1")
                             .ack("2026-11-27T04:02:00Z")
                             .regrade("P0", "2026-11-27T04:10:00Z")
                             .assess_at("2026-11-27T04:20:00Z");
  CHECK(met.response.state == SlaState::met);
  CHECK(format_rfc3339(met.response.due) == "2026-11-27T04:12:00Z");
  CHECK_FALSE(trigger(met, "sla-exceeded").holds);
}

TEST_CASE("a resolution before any acknowledgement answers the SLA") {
  const Assessment fast = Timeline("P0").resolve("2026-11-27T03:20:00Z").assess_at("2026-11-27T04:00:00Z");
  CHECK(fast.response.state == SlaState::met);
  REQUIRE(fast.response.responded_at.has_value());
  CHECK(format_rfc3339(*fast.response.responded_at) == "2026-11-27T03:20:00Z");
  const Assessment slow = Timeline("P0").resolve("2026-11-27T03:30:00Z").assess_at("2026-11-27T04:00:00Z");
  CHECK(slow.response.state == SlaState::breached);
  CHECK(trigger(slow, "sla-exceeded").holds);
  CHECK(trigger(slow, "sla-exceeded").detail == "resolved 3m late");
}

// ---------------------------------------------------------------------------------------
// Updates and no progress

TEST_CASE("the next update is due one cadence after the last update, or after the start") {
  const Timeline none("P1");
  const Assessment a = none.assess_at("2026-11-27T03:30:00Z");
  CHECK_FALSE(a.any_update);
  CHECK(a.update_every == Seconds{1800});
  CHECK(format_rfc3339(a.last_update_at) == k_start);
  REQUIRE(a.next_update_due.has_value());
  CHECK(format_rfc3339(*a.next_update_due) == "2026-11-27T03:42:00Z");

  Timeline one("P1");
  one.ack("2026-11-27T03:20:00Z").update("2026-11-27T03:50:00Z");
  const Assessment b = one.assess_at("2026-11-27T04:00:00Z");
  CHECK(b.any_update);
  CHECK(format_rfc3339(b.last_update_at) == "2026-11-27T03:50:00Z");
  REQUIRE(b.next_update_due.has_value());
  CHECK(format_rfc3339(*b.next_update_due) == "2026-11-27T04:20:00Z");

  // A P2 (2h) and a P3 (24h) have their own cadence.
  CHECK(format_rfc3339(*Timeline("P2").assess_at("2026-11-27T03:30:00Z").next_update_due) == "2026-11-27T05:12:00Z");
  CHECK(format_rfc3339(*Timeline("P3").assess_at("2026-11-27T03:30:00Z").next_update_due) == "2026-11-28T03:12:00Z");
}

TEST_CASE("a re-grade changes the update cadence from then on") {
  const Assessment a = Timeline("P3").regrade("P0", "2026-11-27T03:20:00Z").assess_at("2026-11-27T03:30:00Z");
  CHECK(a.update_every == Seconds{1800});
  CHECK(format_rfc3339(*a.next_update_due) == "2026-11-27T03:42:00Z");
}

TEST_CASE("a P1 with no update for 2h30m triggers no progress") {
  Timeline timeline("P1");
  timeline.ack("2026-11-27T03:20:00Z").update("2026-11-27T03:30:00Z");
  const Assessment a = timeline.assess_at("2026-11-27T06:00:00Z");
  const TriggerState& quiet = trigger(a, "no-progress");
  CHECK(quiet.holds);
  REQUIRE(quiet.since.has_value());
  CHECK(format_rfc3339(*quiet.since) == "2026-11-27T05:30:00Z");
  CHECK(quiet.detail == "no update for 2h30m");
  CHECK(holding(a) == std::vector<std::string>{"no-progress"});
  CHECK(a.recommended_level == 2);
  CHECK(a.escalation_recommended);

  // Just under two hours since the update: not yet; exactly two: it holds.
  CHECK_FALSE(trigger(timeline.assess_at("2026-11-27T05:29:59Z"), "no-progress").holds);
  CHECK(trigger(timeline.assess_at("2026-11-27T05:30:00Z"), "no-progress").holds);
}

TEST_CASE("no progress counts from the start when there was never an update") {
  const Assessment a = Timeline("P1").ack("2026-11-27T03:20:00Z").assess_at("2026-11-27T05:42:00Z");
  CHECK(trigger(a, "no-progress").holds);
  CHECK(trigger(a, "no-progress").detail == "no update since the start, 2h30m ago");
}

// ---------------------------------------------------------------------------------------
// Declared triggers and escalation

TEST_CASE("flags hold with who flagged them, and security calls for level 3") {
  Timeline timeline("P1");
  timeline.ack("2026-11-27T03:20:00Z").flag("multiple-systems", "2026-11-27T03:25:00Z", "bob");
  const Assessment systems = timeline.assess_at("2026-11-27T03:30:00Z");
  CHECK(holding(systems) == std::vector<std::string>{"multiple-systems"});
  CHECK(trigger(systems, "multiple-systems").detail == "flagged by bob");
  CHECK(format_rfc3339(*trigger(systems, "multiple-systems").since) == "2026-11-27T03:25:00Z");
  CHECK(systems.recommended_level == 2);

  timeline.flag("security", "2026-11-27T03:26:00Z");
  const Assessment security = timeline.assess_at("2026-11-27T03:30:00Z");
  CHECK(holding(security) == std::vector<std::string>{"multiple-systems", "security"});
  CHECK(security.recommended_level == 3);
  CHECK(security.escalation_recommended);
  CHECK(default_escalation_level(security) == 3);

  // Withdrawn, it no longer counts.
  timeline.add(event_type::unflagged, "2026-11-27T03:27:00Z", "alice", {{"trigger", "security"}});
  CHECK(timeline.assess_at("2026-11-27T03:30:00Z").recommended_level == 2);
}

TEST_CASE("an escalation on the record to the level called for ends the recommendation") {
  Timeline timeline("P1");
  timeline.ack("2026-11-27T03:20:00Z").flag("security", "2026-11-27T03:25:00Z").escalate(2, "2026-11-27T03:26:00Z");
  const Assessment two = timeline.assess_at("2026-11-27T03:30:00Z");
  CHECK(two.escalated_level == 2);
  CHECK(two.recommended_level == 3);
  CHECK(two.escalation_recommended);  // security calls for 3, the record says 2

  timeline.escalate(3, "2026-11-27T03:28:00Z");
  const Assessment three = timeline.assess_at("2026-11-27T03:30:00Z");
  CHECK(three.escalated_level == 3);
  CHECK(three.recommended_level == 3);
  CHECK_FALSE(three.escalation_recommended);
  CHECK(default_escalation_level(three) == 4);  // one above the record
  // As it stood before the second escalation, it was still recommended.
  CHECK(timeline.assess_at("2026-11-27T03:27:00Z").escalation_recommended);
}

TEST_CASE("the default escalation level is at least 2 and one above the record") {
  Assessment a;
  CHECK(default_escalation_level(a) == 2);
  a.escalated_level = 2;
  CHECK(default_escalation_level(a) == 3);
  a.recommended_level = 3;
  a.escalated_level = 0;
  CHECK(default_escalation_level(a) == 3);
  a.escalated_level = 4;
  CHECK(default_escalation_level(a) == 5);  // beyond the top: escalate refuses it
}

TEST_CASE("a resolved incident is not active and nothing is recommended or due") {
  Timeline timeline("P0");
  timeline.flag("data-loss", "2026-11-27T03:14:00Z").resolve("2026-11-27T03:40:00Z");
  const Assessment a = timeline.assess_at("2026-11-27T07:00:00Z");
  CHECK_FALSE(a.active);
  CHECK(a.response.state == SlaState::breached);  // resolved 13m after the due time
  CHECK_FALSE(a.next_update_due.has_value());
  CHECK_FALSE(trigger(a, "no-progress").holds);  // 3h48m quiet, but it is over
  CHECK_FALSE(a.escalation_recommended);
  CHECK(check_problems(timeline.incident(), a, Seconds{3600}, Zone::utc()).empty());

  // As it stood before the resolution it was active, with the flag's recommendation.
  const Assessment before = timeline.assess_at("2026-11-27T03:20:00Z");
  CHECK(before.active);
  CHECK(before.escalation_recommended);
  CHECK(before.recommended_level == 3);
}

// ---------------------------------------------------------------------------------------
// as_it_stood

TEST_CASE("as_it_stood folds only the events that had happened by then") {
  Timeline timeline("P0");
  timeline.ack("2026-11-27T03:20:00Z").flag("security", "2026-11-27T03:30:00Z").resolve("2026-11-27T04:00:00Z");
  const Incident whole = timeline.incident();
  REQUIRE(whole.status == Status::resolved);

  const Incident before_ack = as_it_stood(whole, at("2026-11-27T03:19:59Z"));
  CHECK_FALSE(before_ack.acknowledged_at.has_value());
  CHECK(before_ack.flags.empty());
  CHECK(before_ack.status == Status::investigating);
  CHECK(before_ack.events.size() == 1);

  const Incident at_ack = as_it_stood(whole, at("2026-11-27T03:20:00Z"));  // an event at `at` counts
  CHECK(at_ack.acknowledged_at.has_value());
  CHECK(at_ack.flags.empty());

  const Incident later = as_it_stood(whole, at("2026-11-27T03:45:00Z"));
  CHECK(later.flags.count("security") == 1);
  CHECK(is_active(later.status));
  CHECK(as_it_stood(whole, at("2026-11-27T04:00:00Z")).status == Status::resolved);
  CHECK(later.id == whole.id);

  CHECK_THROWS_AS(as_it_stood(whole, at("2026-11-27T03:11:59Z")), UsageError);
}

// ---------------------------------------------------------------------------------------
// status --check

TEST_CASE("check_problems reports what is overdue and what falls due within the window") {
  const Timeline timeline("P0");
  const Incident incident = timeline.incident();

  // 03:23: the ack is due in 4m (03:27 UTC), the update in 19m (03:42 UTC).
  const Assessment soon = timeline.assess_at("2026-11-27T03:23:00Z");
  CHECK(check_problems(incident, soon, Seconds{3 * 60}, Zone::utc()).empty());
  const auto within5 = check_problems(incident, soon, Seconds{5 * 60}, Zone::utc());
  REQUIRE(within5.size() == 1);
  CHECK(within5[0].kind == "ack");
  CHECK_FALSE(within5[0].overdue);
  CHECK(within5[0].message == "7f3a9c2e P0 ack due in 4m (03:27 UTC): Checkout API 500s");
  const auto within20 = check_problems(incident, soon, Seconds{20 * 60}, Zone::utc());
  REQUIRE(within20.size() == 2);
  CHECK(within20[1].kind == "update");
  CHECK(within20[1].message == "7f3a9c2e P0 update due in 19m (03:42 UTC): Checkout API 500s");

  // 03:32: the ack is 5m overdue, so escalation is recommended; the update is still 10m off.
  const Assessment late = timeline.assess_at("2026-11-27T03:32:00Z");
  const auto problems = check_problems(incident, late, Seconds{5 * 60}, Zone::utc());
  CHECK(messages(problems) ==
        std::vector<std::string>{
            "7f3a9c2e P0 ack overdue by 5m (03:27 UTC): Checkout API 500s",
            "7f3a9c2e P0 escalation to level 2 recommended (Incident exceeds response time SLA): Checkout API 500s"});
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].overdue);
  CHECK(problems[1].kind == "escalation");
  CHECK(problems[1].overdue);

  // Within 0: only what is past due.
  CHECK(check_problems(incident, timeline.assess_at("2026-11-27T03:26:59Z"), Seconds{0}, Zone::utc()).empty());
}

TEST_CASE("check_problems: an acked incident owes its updates, escalation names only the triggers above the record") {
  Timeline timeline("P1");
  timeline.ack("2026-11-27T03:20:00Z")
      .flag("multiple-systems", "2026-11-27T03:21:00Z")
      .escalate(2, "2026-11-27T03:22:00Z")
      .flag("security", "2026-11-27T03:23:00Z");
  const auto problems = check_problems(timeline.incident(), timeline.assess_at("2026-11-27T03:50:00Z"), Seconds{300}, Zone::utc());
  CHECK(messages(problems) ==
        std::vector<std::string>{
            "7f3a9c2e P1 update overdue by 8m (03:42 UTC): Checkout API 500s",
            "7f3a9c2e P1 escalation to level 3 recommended (Security implications): Checkout API 500s"});

  // Once updated and escalated to 3, all is well.
  timeline.update("2026-11-27T03:51:00Z").escalate(3, "2026-11-27T03:52:00Z");
  CHECK(check_problems(timeline.incident(), timeline.assess_at("2026-11-27T03:55:00Z"), Seconds{300}, Zone::utc()).empty());
}

TEST_CASE("check_problems escapes control characters in the title") {
  const Timeline timeline("P0", "evil\x1b[2Jtitle");
  const auto problems = check_problems(timeline.incident(), timeline.assess_at("2026-11-27T03:30:00Z"), Seconds{0}, Zone::utc());
  REQUIRE_FALSE(problems.empty());
  CHECK_THAT(problems[0].message, Catch::EndsWith(": evil\\e[2Jtitle"));
}

// ---------------------------------------------------------------------------------------
// status text and JSON

TEST_CASE("render_status names the SLA, the cadence, the triggers and the recommendation") {
  const Timeline timeline("P0");
  const Incident incident = as_it_stood(timeline.incident(), at("2026-11-27T03:32:00Z"));
  const std::string text =
      text::plain(render_status(default_runbook(), incident, timeline.assess_at("2026-11-27T03:32:00Z"), Zone::utc(), 0));
  CHECK_THAT(text, Catch::StartsWith("7f3a9c2e Checkout API 500s\n"));
  CHECK_THAT(text, Catch::Contains("Response SLA: 15m, due 03:27 UTC: breached (not acknowledged, overdue by 5m)\n"));
  CHECK_THAT(text,
             Catch::Contains("  [!] Incident exceeds response time SLA: not acknowledged, 5m past the 15m SLA\n"));
  CHECK_THAT(text, Catch::Contains("  [ ] Security implications\n"));
  CHECK_THAT(text,
             Catch::Contains(
                 "Escalation:   level 2, Senior engineer or team lead (Secondary: [Senior engineer]) recommended"));
}

TEST_CASE("render_status shows times in the zone given, fits the width between words, and tones the overdue") {
  const Timeline timeline("P0");
  const Incident incident = as_it_stood(timeline.incident(), at("2026-11-27T03:32:00Z"));
  const Assessment a = timeline.assess_at("2026-11-27T03:32:00Z");
  const Zone cet = *Zone::named("CET-1CEST,M3.5.0,M10.5.0/3");
  const auto lines = render_status(default_runbook(), incident, a, cet, 60);
  const std::string text = text::plain(lines);
  CHECK_THAT(text, Catch::Contains("As of:        2026-11-27 04:32 CET (age 20m)\n"));
  CHECK_THAT(text, Catch::Contains("Response SLA: 15m, due 04:27 CET: breached (not\n"
                                   "              acknowledged, overdue by 5m)\n"));
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    INFO(text.substr(start, end - start));
    CHECK(text::columns(text.substr(start, end - start)) <= 60);
    start = end + 1;
  }
  const auto tone_of = [&](std::string_view prefix) {
    for (const auto& line : lines) {
      if (line.text.starts_with(prefix)) {
        return line.tone;
      }
    }
    FAIL("no line " << prefix);
    return text::Tone::plain;
  };
  CHECK(tone_of("Response SLA:") == text::Tone::alarm);
  CHECK(tone_of("Severity:") == text::Tone::alarm);  // P0, the runbook's first
  CHECK(tone_of("Status:") == text::Tone::plain);
  CHECK(tone_of("Escalation:") == text::Tone::alarm);
  // Three minutes before the ack is due: due soon, yellow.
  CHECK(render_status(default_runbook(), as_it_stood(timeline.incident(), at("2026-11-27T03:24:00Z")),
                      timeline.assess_at("2026-11-27T03:24:00Z"), Zone::utc(), 0)[5]
            .tone == text::Tone::caution);
}

TEST_CASE("render_status of a re-graded incident shows the SLA the ack was judged by") {
  const Timeline timeline = [] {
    Timeline t("P0");
    t.ack("2026-11-27T03:32:00Z").regrade("P3", "2026-11-27T03:40:00Z");
    return t;
  }();
  const Incident incident = as_it_stood(timeline.incident(), at("2026-11-27T04:00:00Z"));
  const Assessment a = timeline.assess_at("2026-11-27T04:00:00Z");
  CHECK_THAT(text::plain(render_status(default_runbook(), incident, a, Zone::utc(), 0)),
             Catch::Contains("Response SLA: 15m, due 03:27 UTC: breached (acknowledged after 20m by alice)\n"));
  const auto json = status_json(default_runbook(), incident, a);
  CHECK(json["response"]["sla_seconds"] == 900);
  CHECK(json["response"]["due_at"] == "2026-11-27T03:27:00Z");
}

TEST_CASE("render_status and render_escalation keep what a file copied from a runbook on its line") {
  // An incident file from another machine holds the severity name, role and contact it
  // was given: a line break in them is shown, never a line of its own (found by the
  // output-path fuzz target).
  Incident incident = as_it_stood(Timeline("P0").incident(), at("2026-11-27T03:32:00Z"));
  incident.grade.severity_name = "Critical\nStatus:       Resolved";
  incident.grade.severity = "P0\nx";
  const std::string text = text::plain(render_status(
      default_runbook(), incident, assess(default_runbook(), incident, at("2026-11-27T03:32:00Z")), Zone::utc(), 0));
  CHECK_THAT(text, Catch::Contains("Severity:     Critical\\nStatus:       Resolved (P0\\nx)\n"));
  CHECK_THAT(text, !Catch::Contains("\nStatus:       Resolved"));
  EscalationRecord record{3, "Manager\nContact: fake", "a\nb", "why", at("2026-11-27T03:30:00Z"), "alice"};
  const std::string message = render_escalation(incident, record);
  CHECK_THAT(message, Catch::Contains("Severity: Critical\\nStatus:       Resolved\n"));
  CHECK_THAT(message, Catch::Contains("Escalated to: Level 3, Manager\\nContact: fake\n"));
  CHECK_THAT(message, Catch::Contains("Contact: a\\nb\n"));
  CHECK(std::count(message.begin(), message.end(), '\n') == 7);
}

TEST_CASE("status_json has booleans and RFC 3339 times") {
  const Timeline timeline("P0");
  const Incident incident = as_it_stood(timeline.incident(), at("2026-11-27T03:32:00Z"));
  const auto json = status_json(default_runbook(), incident, timeline.assess_at("2026-11-27T03:32:00Z"));
  CHECK(json["active"] == true);
  CHECK(json["age_seconds"] == 1200);
  CHECK(json["response"]["state"] == "breached");
  CHECK(json["response"]["breached"] == true);
  CHECK(json["response"]["met"] == false);
  CHECK(json["response"]["overdue"] == true);
  CHECK(json["response"]["due_at"] == "2026-11-27T03:27:00Z");
  CHECK(json["response"]["responded_at"].is_null());
  CHECK(json["updates"]["next_due_at"] == "2026-11-27T03:42:00Z");
  CHECK(json["updates"]["overdue"] == false);
  CHECK(json["triggers"][0]["id"] == "sla-exceeded");
  CHECK(json["triggers"][0]["holds"] == true);
  CHECK(json["triggers"][0]["since"] == "2026-11-27T03:27:00Z");
  CHECK(json["triggers"][1]["holds"] == false);
  CHECK(json["triggers"][1]["detail"].is_null());
  CHECK(json["escalation"]["recommended"] == true);
  CHECK(json["escalation"]["recommended_level"] == 2);
  CHECK(json["escalation"]["recommendation"]["contact"]["id"] == "secondary");
}

// ---------------------------------------------------------------------------------------
// The escalation message

TEST_CASE("render_escalation names the level, its role and contact, and the reason") {
  const Incident incident = Timeline("P1").ack("2026-11-27T03:20:00Z").incident();
  EscalationRecord record{3,
                          "Engineering manager",
                          "Manager: [Engineering manager]",
                          "Security implications",
                          at("2026-11-27T03:30:00Z"),
                          "alice"};
  CHECK(render_escalation(incident, record) ==
        "⬆️ ESCALATION: Checkout API 500s\n"
        "Severity: High\n"
        "Status: Investigating\n"
        "Escalated to: Level 3, Engineering manager\n"
        "Contact: Manager: [Engineering manager]\n"
        "Reason: Security implications\n"
        "Commander: alice\n");
  record.contact.clear();
  record.reason.clear();
  const std::string bare = render_escalation(incident, record);
  CHECK_THAT(bare, !Catch::Contains("Contact:"));
  CHECK_THAT(bare, Catch::Contains("Reason: TBD\n"));
}

// ---------------------------------------------------------------------------------------
// The prompt line

TEST_CASE("prompt_line is empty when nothing is open") {
  CHECK(prompt_line({}, at("2026-11-27T03:30:00Z")).empty());
  Summary closed = summary("7f3a9c2e", "P0", Seconds{900}, k_start);
  closed.status = Status::closed;
  CHECK(prompt_line({closed}, at("2026-11-27T03:30:00Z")).empty());
}

TEST_CASE("prompt_line shows an ack overdue before an update overdue before anything pending") {
  const Timestamp now = at("2026-11-27T04:00:00Z");
  // Acked at 03:15, no update since: update due 03:42, 18m overdue.
  Summary update_late = summary("aaaa1111", "P0", Seconds{900}, k_start);
  update_late.acknowledged_at = at("2026-11-27T03:15:00Z");
  // Not acked, opened 03:50 as P0: ack due 04:05, in 5m.
  Summary ack_soon = summary("bbbb2222", "P0", Seconds{900}, "2026-11-27T03:50:00Z");
  // Not acked, opened 03:30 as P2 (4h): due 07:30.
  Summary ack_later = summary("cccc3333", "P2", Seconds{4 * 3600}, "2026-11-27T03:30:00Z");
  // Not acked, opened 02:55 with a 1h SLA: due 03:55, 5m overdue.
  Summary ack_late = summary("dddd4444", "P3", Seconds{3600}, "2026-11-27T02:55:00Z");

  CHECK(prompt_line({ack_later, ack_soon, update_late, ack_late}, now) == "P3 dddd ack 5m overdue +3");
  CHECK(prompt_line({ack_later, ack_soon, update_late}, now) == "P0 aaaa update 18m overdue +2");
  CHECK(prompt_line({ack_later, ack_soon}, now) == "P0 bbbb ack in 5m +1");
  CHECK(prompt_line({ack_later}, now) == "P2 cccc ack in 3h30m");

  // An acked incident with an update still to come.
  Summary updated = update_late;
  updated.last_update_at = at("2026-11-27T03:50:00Z");
  CHECK(prompt_line({updated}, now) == "P0 aaaa update in 20m");
}

TEST_CASE("prompt_line: the most overdue first, then the severity") {
  const Timestamp now = at("2026-11-27T04:00:00Z");
  Summary p1 = summary("aaaa1111", "P1", Seconds{900}, "2026-11-27T03:30:00Z");  // 15m overdue
  Summary p0 = summary("bbbb2222", "P0", Seconds{900}, "2026-11-27T03:40:00Z");  // 5m overdue
  CHECK(prompt_line({p0, p1}, now) == "P1 aaaa ack 15m overdue +1");
  p1.started_at = p0.started_at;  // both 5m overdue: the higher severity
  CHECK(prompt_line({p1, p0}, now) == "P0 bbbb ack 5m overdue +1");
}

TEST_CASE("prompt_line shortens the id to the shortest prefix of four or more that is unique") {
  const Timestamp now = at("2026-11-27T03:30:00Z");
  Summary first = summary("7f3a9c2e", "P0", Seconds{900}, "2026-11-27T03:10:00Z");
  Summary twin = summary("7f3a9d00", "P2", Seconds{4 * 3600}, k_start);
  Summary other = summary("7f3b0000", "P3", Seconds{24 * 3600}, k_start);
  CHECK(prompt_line({first}, now) == "P0 7f3a ack 5m overdue");
  CHECK(prompt_line({first, other}, now) == "P0 7f3a ack 5m overdue +1");
  CHECK(prompt_line({first, twin}, now) == "P0 7f3a9c ack 5m overdue +1");
  CHECK(prompt_line({twin, other, first}, now) == "P0 7f3a9c ack 5m overdue +2");
}

TEST_CASE("prompt_line shows a resolved incident as resolved, after any active one") {
  const Timestamp now = at("2026-11-27T04:00:00Z");
  Summary resolved = summary("q1bg0000", "P2", Seconds{4 * 3600}, k_start);
  resolved.status = Status::resolved;
  resolved.resolved_at = at("2026-11-27T03:50:00Z");
  CHECK(prompt_line({resolved}, now) == "P2 q1bg resolved");
  Summary active = summary("k3x90000", "P3", Seconds{24 * 3600}, k_start);
  CHECK(prompt_line({resolved, active}, now) == "P3 k3x9 ack in 23h12m +1");
}

TEST_CASE("prompt_line of an acked incident without a cadence shows its status") {
  Summary s = summary("k3x90000", "P1", Seconds{3600}, k_start);
  s.acknowledged_at = at("2026-11-27T03:20:00Z");
  s.grade.update_every = Seconds{0};
  s.status = Status::identified;
  CHECK(prompt_line({s}, at("2026-11-27T04:00:00Z")) == "P1 k3x9 identified");
}

TEST_CASE("prompt_line puts every real incident before a drill, and marks a drill") {
  const Timestamp now = at("2026-11-27T04:00:00Z");
  // The drill is overdue, the real one only pending: the real one still comes first.
  Summary drill = summary("dddd4444", "P0", Seconds{900}, k_start);
  drill.drill = true;
  Summary real = summary("cccc3333", "P2", Seconds{4 * 3600}, "2026-11-27T03:30:00Z");
  CHECK(prompt_line({drill, real}, now) == "P2 cccc ack in 3h30m +1");
  CHECK(prompt_line({drill}, now) == "[DRILL] P0 dddd ack 33m overdue");
  CHECK(owed(drill, now).what == "ack 33m overdue");
  CHECK(owed(drill, now).rank == 0);
}

TEST_CASE("check_problems marks a drill's title, so cron mail about an exercise says so") {
  Timeline timeline("P0");
  timeline.drill();
  const Incident incident = timeline.incident();
  const auto problems = check_problems(incident, timeline.assess_at("2026-11-27T03:32:00Z"), Seconds{5 * 60}, Zone::utc());
  REQUIRE_FALSE(problems.empty());
  CHECK(problems[0].message == "7f3a9c2e P0 ack overdue by 5m (03:27 UTC): [DRILL] Checkout API 500s");
}
