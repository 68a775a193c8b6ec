// report.cpp: the postmortem's metrics, the Markdown and JSON drafts, duration statistics
// and the stats over summaries, each against figures worked out by hand.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "incident/report.hpp"
#include "support/default_runbook.hpp"
#include "support/timeline.hpp"

using namespace incident;
using incident::test::default_runbook;
using incident::test::k_start;
using incident::test::Timeline;

namespace {

Timestamp at(const char* text) {
  return *parse_rfc3339(text);
}

constexpr Seconds minutes(std::int64_t count) {
  return Seconds{count * 60};
}

// The night of the postmortem's example: a P1 opened 03:12, acked 03:20 (8m), updates at
// 03:35 and 04:50, handed to bob at 04:00, resolved 05:00 (1h48m).
Timeline checkout() {
  Timeline timeline("P1");
  timeline.ack("2026-11-27T03:20:00Z")
      .update("2026-11-27T03:35:00Z")
      .add(event_type::handed_off, "2026-11-27T04:00:00Z", "alice", {{"commander", "bob"}})
      .update("2026-11-27T04:50:00Z", "bob")
      .resolve("2026-11-27T05:00:00Z", "bob");
  return timeline;
}

// The lines of `text` between the line `heading` and the next line starting with "## ".
std::string section(const std::string& text, const std::string& heading) {
  const auto start = text.find(heading + "\n");
  if (start == std::string::npos) {
    return {};
  }
  const auto body = start + heading.size() + 1;
  const auto end = text.find("\n## ", body);
  return text.substr(body, end == std::string::npos ? std::string::npos : end + 1 - body);
}

Summary summary(const std::string& severity, Seconds sla, std::optional<Seconds> ack, std::optional<Seconds> resolve,
                const char* started = k_start) {
  static int counter = 0;
  Summary s;
  s.id = fmt::format("s{:07d}", ++counter);
  s.grade = {severity, severity == "P0" ? "Critical" : severity, sla, Seconds{0}};
  s.response_grade = s.grade;
  s.started_at = at(started);
  if (ack) {
    s.acknowledged_at = s.started_at + *ack;
  }
  if (resolve) {
    s.resolved_at = s.started_at + *resolve;
    s.status = Status::resolved;
  }
  s.title = "t";
  return s;
}

const SeverityStats& of(const Stats& stats, const std::string& severity) {
  for (const auto& s : stats.by_severity) {
    if (s.severity == severity) {
      return s;
    }
  }
  FAIL("no severity " << severity);
  throw std::logic_error("unreachable");
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Metrics

TEST_CASE("report_metrics: the exact ack time, time to resolve and the longest gap between messages") {
  const ReportMetrics m = report_metrics(checkout().incident(), at("2026-11-27T09:00:00Z"));
  REQUIRE(m.time_to_acknowledge.has_value());
  CHECK(*m.time_to_acknowledge == minutes(8));
  CHECK(m.response.state == SlaState::met);
  REQUIRE(m.time_to_resolve.has_value());
  CHECK(*m.time_to_resolve == minutes(108));
  CHECK(m.duration == minutes(108));  // to the resolution, not to as_of
  CHECK(m.updates == 2);
  // Messages at 03:12 (start), 03:35, 04:50, 05:00 (resolution): gaps 23m, 1h15m, 10m.
  CHECK(m.longest_gap == minutes(75));
  CHECK(format_rfc3339(m.longest_gap_from) == "2026-11-27T03:35:00Z");
  CHECK(format_rfc3339(m.longest_gap_to) == "2026-11-27T04:50:00Z");
}

TEST_CASE("report_metrics of an unresolved incident runs to as_of") {
  Timeline timeline("P0");
  timeline.ack("2026-11-27T03:35:00Z").update("2026-11-27T03:40:00Z");
  const ReportMetrics m = report_metrics(timeline.incident(), at("2026-11-27T06:00:00Z"));
  CHECK(*m.time_to_acknowledge == minutes(23));
  CHECK(m.response.state == SlaState::breached);  // 23m against 15m
  CHECK_FALSE(m.time_to_resolve.has_value());
  CHECK(m.duration == minutes(168));
  CHECK(m.updates == 1);
  // 03:12 -> 03:40 is 28m; 03:40 -> 06:00 is 2h20m.
  CHECK(m.longest_gap == minutes(140));
  CHECK(format_rfc3339(m.longest_gap_to) == "2026-11-27T06:00:00Z");
}

TEST_CASE("report_metrics without an ack or an update") {
  const ReportMetrics m = report_metrics(Timeline("P2").incident(), at("2026-11-27T04:12:00Z"));
  CHECK_FALSE(m.time_to_acknowledge.has_value());
  CHECK(m.response.state == SlaState::pending);
  CHECK(m.updates == 0);
  CHECK(m.longest_gap == minutes(60));
  CHECK(format_rfc3339(m.longest_gap_from) == k_start);
}

// ---------------------------------------------------------------------------------------
// Duration statistics

TEST_CASE("duration_stats: nearest-rank p50 and p90, the mean rounded to the second") {
  CHECK(duration_stats({}).count == 0);

  // Sorted: 1m 2m 3m 5m 10m. p50 is the ceil(2.5) = 3rd, p90 the ceil(4.5) = 5th; the mean 252s.
  const DurationStats five = duration_stats({minutes(5), minutes(1), minutes(3), minutes(10), minutes(2)});
  CHECK(five.count == 5);
  CHECK(five.mean == Seconds{252});
  CHECK(five.p50 == minutes(3));
  CHECK(five.p90 == minutes(10));
  CHECK(five.max == minutes(10));

  // 1m..10m: p50 the 5th, p90 the 9th, mean 5m30s.
  std::vector<Seconds> ten;
  for (int i = 10; i >= 1; --i) {
    ten.push_back(minutes(i));
  }
  const DurationStats tens = duration_stats(ten);
  CHECK(tens.p50 == minutes(5));
  CHECK(tens.p90 == minutes(9));
  CHECK(tens.mean == Seconds{330});

  // One value is every statistic.
  const DurationStats one = duration_stats({Seconds{42}});
  CHECK(one.mean == Seconds{42});
  CHECK(one.p50 == Seconds{42});
  CHECK(one.p90 == Seconds{42});

  // Two: p50 the 1st, p90 the 2nd.
  const DurationStats two = duration_stats({Seconds{10}, Seconds{20}});
  CHECK(two.p50 == Seconds{10});
  CHECK(two.p90 == Seconds{20});
}

TEST_CASE("duration_stats rounds the mean half up") {
  CHECK(duration_stats({Seconds{1}, Seconds{2}}).mean == Seconds{2});              // 1.5
  CHECK(duration_stats({Seconds{1}, Seconds{1}, Seconds{2}}).mean == Seconds{1});  // 1.33
  CHECK(duration_stats({Seconds{1}, Seconds{2}, Seconds{2}}).mean == Seconds{2});  // 1.67
}

// ---------------------------------------------------------------------------------------
// Stats over summaries

TEST_CASE("compute_stats matches figures worked out by hand") {
  const Seconds p0_sla = minutes(15);
  const std::vector<Summary> incidents = {
      summary("P0", p0_sla, minutes(10), minutes(60)),          // A: met by the ack
      summary("P0", p0_sla, minutes(20), minutes(180)),         // B: breached
      summary("P0", p0_sla, std::nullopt, minutes(12)),         // C: resolved in 12m unacked: met
      summary("P0", p0_sla, minutes(5), std::nullopt),          // D: unresolved: counted, not timed
      summary("P1", minutes(60), minutes(30), minutes(120)),    // E: met
      summary("P2", minutes(240), std::nullopt, minutes(300)),  // F: resolved in 5h unacked: breached
      summary("SEV9", minutes(5), minutes(1), minutes(10)),     // G: a severity the runbook lacks
  };
  const Stats stats = compute_stats(default_runbook(), incidents);

  // The runbook's severities in order, then the unknown one.
  std::vector<std::string> order;
  for (const auto& s : stats.by_severity) {
    order.push_back(s.severity);
  }
  CHECK(order == std::vector<std::string>{"P0", "P1", "P2", "P3", "SEV9"});

  const SeverityStats& p0 = of(stats, "P0");
  CHECK(p0.severity_name == "Critical");
  CHECK(p0.incidents == 4);
  CHECK(p0.resolved == 3);
  // TTA over resolved and acked: 10m, 20m.
  CHECK(p0.time_to_acknowledge.count == 2);
  CHECK(p0.time_to_acknowledge.mean == minutes(15));
  CHECK(p0.time_to_acknowledge.p50 == minutes(10));
  CHECK(p0.time_to_acknowledge.p90 == minutes(20));
  // TTR: 12m, 1h, 3h: mean 15120s / 3 = 5040s.
  CHECK(p0.time_to_resolve.count == 3);
  CHECK(p0.time_to_resolve.mean == Seconds{5040});
  CHECK(p0.time_to_resolve.p50 == minutes(60));
  CHECK(p0.time_to_resolve.p90 == minutes(180));
  CHECK(p0.sla_met == 2);
  CHECK(p0.sla_breached == 1);
  REQUIRE(p0.compliance().has_value());
  CHECK(*p0.compliance() == Approx(2.0 / 3.0));

  const SeverityStats& p2 = of(stats, "P2");
  CHECK(p2.time_to_acknowledge.count == 0);
  CHECK(p2.time_to_resolve.mean == minutes(300));
  CHECK(p2.sla_met == 0);
  CHECK(p2.sla_breached == 1);
  CHECK(*p2.compliance() == Approx(0.0));

  const SeverityStats& p3 = of(stats, "P3");
  CHECK(p3.incidents == 0);
  CHECK_FALSE(p3.compliance().has_value());

  // All: TTA 1m 10m 20m 30m: mean 61m/4 = 915s, p50 the 2nd, p90 the ceil(3.6) = 4th.
  // TTR 10m 12m 1h 2h 3h 5h: mean 682m/6 = 6820s, p50 the 3rd, p90 the ceil(5.4) = 6th.
  CHECK(stats.all.severity == "all");
  CHECK(stats.all.incidents == 7);
  CHECK(stats.all.resolved == 6);
  CHECK(stats.all.time_to_acknowledge.mean == Seconds{915});
  CHECK(stats.all.time_to_acknowledge.p50 == minutes(10));
  CHECK(stats.all.time_to_acknowledge.p90 == minutes(30));
  CHECK(stats.all.time_to_resolve.mean == Seconds{6820});
  CHECK(stats.all.time_to_resolve.p50 == minutes(60));
  CHECK(stats.all.time_to_resolve.p90 == minutes(300));
  CHECK(stats.all.sla_met == 4);
  CHECK(stats.all.sla_breached == 2);

  const auto json = stats_json(stats);
  CHECK(json["all"]["time_to_resolve"]["mean_seconds"] == 6820);
  CHECK(json["all"]["ack_sla"]["met"] == 4);
  CHECK(json["by_severity"][3]["severity"] == "P3");
  CHECK(json["by_severity"][3]["time_to_acknowledge"]["mean_seconds"].is_null());
  CHECK(json["by_severity"][3]["ack_sla"]["compliance"].is_null());

  const std::string text = render_stats(stats);
  CHECK_THAT(text,
             Catch::Contains("P0            4        3        15m      10m      20m      1h24m       1h       3h   "
                             "2/3 (67%)\n"));
  CHECK_THAT(text,
             Catch::Contains("P3            0        0          -        -        -          -        -        -   "
                             "-\n"));
}

TEST_CASE("compute_stats judges an ack by the SLA in force when it came") {
  // Acked 30m in while a P1 (1h), re-graded P0 (15m) since: met.
  Summary regraded = summary("P0", minutes(15), minutes(30), minutes(90));
  regraded.response_grade.response_time = minutes(60);
  const Stats stats = compute_stats(default_runbook(), {regraded});
  CHECK(stats.all.sla_met == 1);
  CHECK(stats.all.sla_breached == 0);
}

// ---------------------------------------------------------------------------------------
// The Markdown draft

TEST_CASE("the Markdown report opens with the summary and the exact ack time") {
  const std::string md = render_report_markdown(default_runbook(), checkout().incident(), at("2026-11-27T09:00:00Z"));
  CHECK_THAT(md,
             Catch::StartsWith("# Postmortem: Checkout API 500s\n\n| | |\n| --- | --- |\n| Incident | `7f3a9c2e` |\n"));
  CHECK_THAT(md, Catch::Contains("| Commander | alice, then bob (from 04:00Z) |\n"));
  CHECK_THAT(md, Catch::Contains("| Duration | 1h48m |\n"));
  CHECK_THAT(md, Catch::Contains("| Time to acknowledge | 8m (SLA 1h for High: met) |\n"));
  CHECK_THAT(md, Catch::Contains("| Time to resolve | 1h48m |\n"));
  CHECK_THAT(md, Catch::Contains("| Updates posted | 2 |\n"));
  CHECK_THAT(md, Catch::Contains("| Longest gap between updates | 1h15m (03:35Z to 04:50Z) |\n"));
  CHECK_THAT(md, Catch::Contains("\n## Root cause\n\nrc\n"));
  // The post-incident checklist once: under the last phase, not again at the end.
  CHECK_THAT(md, Catch::Contains("- [ ] Team training completed if needed\n\n## Action items\n"));
  CHECK_THAT(md, !Catch::Contains("## Post-incident checklist"));
}

TEST_CASE("the Markdown report escapes user text") {
  Timeline timeline("P1", "Pay | ship *now* _x_ `y` #1 <b> & \x1b[31mred\x07");
  timeline.add(event_type::noted, "2026-11-27T03:20:00Z", "eve|*", {{"text", "a|b\nc"}})
      .add(event_type::resolved, "2026-11-27T04:00:00Z", "bob",
           {{"root_cause", "- not a list"}, {"fix", "1. not a list either"}, {"monitoring", "10) nor this"}});
  const std::string md = render_report_markdown(default_runbook(), timeline.incident(), at("2026-11-27T05:00:00Z"));
  CHECK_THAT(md, Catch::StartsWith(
                     "# Postmortem: Pay \\| ship \\*now\\* \\_x\\_ \\`y\\` \\#1 \\<b\\> \\& \\\\e\\[31mred\\\\x07\n"));
  CHECK_THAT(md, !Catch::Contains("\x1b"));
  CHECK_THAT(md, !Catch::Contains("\x07"));
  // In a table cell: the pipe cannot end the cell, the newline cannot end the row (a
  // line break in a cell is <br>).
  CHECK_THAT(md, Catch::Contains("| 2026-11-27T03:20:00Z | eve\\|\\*: a\\|b<br>c |\n"));
  // A paragraph of its own cannot turn into a list.
  CHECK_THAT(md, Catch::Contains("\n## Root cause\n\n\\- not a list\n"));
  CHECK_THAT(md, Catch::Contains("\n## Fix applied\n\n1\\. not a list either\n"));
  CHECK_THAT(md, Catch::Contains("\n## Monitoring\n\n10\\) nor this\n"));
}

// Issue 9, item 12: a newline in --impact came out as a literal "\n" (escape_control's
// form for a terminal). In Markdown a line break is <br> in a table cell and the heading, a
// hard break ("\" at the end of the line) in a paragraph and a list item, whose
// continuation lines are indented into the item; each line is escaped as a line of its own.
TEST_CASE("the Markdown report keeps the lines of multi-line user text") {
  Timeline lines("P1", "DB down\nin eu-west");
  lines.ack("2026-11-27T03:20:00Z", "al\nice")
      .add(event_type::updated, "2026-11-27T03:30:00Z", "alice",
           {{"findings", "5xx\nsince 03:05"}, {"next_steps", "roll\nback"}})
      .add(event_type::noted, "2026-11-27T03:31:00Z", "alice", {{"text", "line one\r\nline two"}})
      .add(event_type::skipped, "2026-11-27T03:32:00Z", "alice",
           {{"item", "initial.notify-stakeholders"}, {"reason", "nobody\n- awake"}})
      .add(event_type::escalated, "2026-11-27T03:41:00Z", "alice", {{"level", "2"}, {"reason", "payments\nfailing"}})
      .add(event_type::resolved, "2026-11-27T04:00:00Z", "bob",
           {{"root_cause", "bad config\n- in 4.2.1\n\n  second paragraph\n==="},
            {"fix", "rolled back\r\n1. to 4.2.0\\"},
            {"monitoring", "error rate\n\n\n\nlatency"}})
      .add(event_type::action_added, "2026-11-27T05:00:00Z", "carol",
           {{"text", "Add a canary\nand an alert"}, {"owner", "dave\nops"}});
  std::vector<Event> all = lines.events();
  all[0].fields["impact"] = "checkouts fail\n- not a list | 50%";
  const Incident incident = fold("7f3a9c2e", all);
  const std::string md = render_report_markdown(default_runbook(), incident, at("2026-11-27T06:00:00Z"));
  INFO(md);
  CHECK_THAT(md, Catch::StartsWith("# Postmortem: DB down<br>in eu-west\n"));
  CHECK_THAT(md, Catch::Contains("| Impact | checkouts fail<br>- not a list \\| 50% |\n"));
  CHECK_THAT(md, Catch::Contains("| Acknowledged | 2026-11-27T03:20:00Z by al<br>ice |\n"));
  CHECK_THAT(md, Catch::Contains("\n## Root cause\n\nbad config\\\n\\- in 4.2.1\n\nsecond paragraph\\\n\\===\n"));
  CHECK_THAT(md, Catch::Contains("\n## Fix applied\n\nrolled back\\\n1\\. to 4.2.0\\\\\n"));
  CHECK_THAT(md, Catch::Contains("\n## Monitoring\n\nerror rate\n\nlatency\n"));
  CHECK_THAT(md, Catch::Contains("| 2026-11-27T03:30:00Z | alice posted an update: findings: 5xx<br>since 03:05; next: "
                                 "roll<br>back |\n"));
  CHECK_THAT(md, Catch::Contains("| 2026-11-27T03:31:00Z | alice: line one<br>line two |\n"));
  CHECK_THAT(
      md, Catch::Contains("| 2026-11-27T03:32:00Z | alice skipped initial.notify-stakeholders: nobody<br>- awake |\n"));
  CHECK_THAT(md, Catch::Contains(": payments<br>failing |\n"));
  CHECK_THAT(md,
             Catch::Contains("| carol added an action item: Add a canary<br>and an alert (owner: dave<br>ops) |\n"));
  CHECK_THAT(md, Catch::Contains("- [-] Notify stakeholders if critical (skipped: nobody\\\n  \\- awake)\n"));
  CHECK_THAT(md, Catch::Contains("| 1 | Add a canary<br>and an alert | dave<br>ops | - | no |\n"));
  CHECK_THAT(md, !Catch::Contains("\\n"));  // never a literal backslash-n
  CHECK_THAT(md, !Catch::Contains("\\r"));
}

TEST_CASE("the report's timeline is in the order things happened, with words for every event") {
  Timeline timeline("P1");
  timeline.ack("2026-11-27T03:20:00Z")
      .flag("security", "2026-11-27T03:40:00Z", "alice", "Security implications")
      .add(event_type::escalated, "2026-11-27T03:41:00Z", "alice",
           {{"level", "3"}, {"role", "Engineering manager"}, {"reason", "Security implications"}})
      // Backfilled: recorded after the flag, happened before it.
      .add(event_type::checked, "2026-11-27T03:21:00Z", "alice", {{"item", "initial.acknowledge"}})
      .add(event_type::unflagged, "2026-11-27T03:50:00Z", "alice", {{"trigger", "security"}})  // no text: id only
      .resolve("2026-11-27T04:00:00Z")
      .add(event_type::action_added, "2026-11-27T05:00:00Z", "carol",
           {{"text", "Add a canary"}, {"owner", "dave"}, {"due", "2026-12-15"}})
      .add(event_type::action_done, "2026-11-27T05:10:00Z", "dave", {{"action", "e00000000008"}});
  const Incident incident = timeline.incident();
  REQUIRE(incident.actions.size() == 1);
  REQUIRE(incident.actions[0].id == "e00000000008");
  const std::string md = render_report_markdown(default_runbook(), incident, at("2026-11-27T06:00:00Z"));
  CHECK(section(md, "## Timeline") ==
        "\n| time (UTC) | event |\n| --- | --- |\n"
        "| 2026-11-27T03:12:00Z | pager opened it as P1 (High): Checkout API 500s |\n"
        "| 2026-11-27T03:20:00Z | alice acknowledged |\n"
        "| 2026-11-27T03:21:00Z | alice checked initial.acknowledge |\n"
        "| 2026-11-27T03:40:00Z | alice flagged security (Security implications) |\n"
        "| 2026-11-27T03:41:00Z | alice escalated to level 3, Engineering manager: Security implications |\n"
        "| 2026-11-27T03:50:00Z | alice withdrew the flag security |\n"
        "| 2026-11-27T04:00:00Z | alice resolved it: root cause: rc; fix: fx |\n"
        "| 2026-11-27T05:00:00Z | carol added an action item: Add a canary (owner: dave) (due 2026-12-15) |\n"
        "| 2026-11-27T05:10:00Z | dave marked action item 1 done: Add a canary |\n\n");
  CHECK_THAT(md, Catch::Contains("| Escalations | level 3 at 03:41Z by alice |\n"));
  CHECK_THAT(md, Catch::Contains("| 1 | Add a canary | dave | 2026-12-15 | 2026-11-27T05:10:00Z |\n"));

  const auto json = report_json(default_runbook(), incident, at("2026-11-27T06:00:00Z"));
  REQUIRE(json["timeline"].size() == 9);
  CHECK(json["timeline"][2]["type"] == "checked");
  CHECK(json["timeline"][3]["text"] == "alice flagged security (Security implications)");
}

TEST_CASE("the report shows checklist items done, open and skipped with the reason, and the post-incident ones") {
  Timeline timeline("P1");
  timeline.add(event_type::checked, "2026-11-27T03:13:00Z", "alice", {{"item", "initial.acknowledge"}})
      .add(event_type::skipped, "2026-11-27T03:14:00Z", "alice",
           {{"item", "initial.notify-stakeholders"}, {"reason", "nobody | awake"}})
      .add(event_type::checked, "2026-11-27T03:15:00Z", "alice", {{"item", "post.system-stable"}});
  const std::string md = render_report_markdown(default_runbook(), timeline.incident(), at("2026-11-27T04:00:00Z"));
  CHECK_THAT(md, Catch::Contains("### Initial Response (0-15 minutes): 1/11 done, 1 skipped\n\n"
                                 "- [x] Acknowledge the incident in the incident channel\n"
                                 "- [ ] Check system health dashboard\n"));
  CHECK_THAT(md, Catch::Contains("- [-] Notify stakeholders if critical (skipped: nobody \\| awake)\n"));
  CHECK_THAT(md, Catch::Contains("### Investigation (15-60 minutes): 0/11 done\n"));
  CHECK_THAT(md, Catch::Contains("## Action items\n\nNone yet (`incident action add`).\n"));
  CHECK_THAT(md, Catch::Contains("### Post-Incident (24-48 hours): 1/15 done\n"));
  CHECK_THAT(md, Catch::Contains("- [ ] Update runbooks if needed\n- [x] Incident resolved and system stable\n"
                                 "- [ ] All stakeholders notified\n"));
  CHECK_THAT(md, Catch::Contains("| Time to acknowledge | not acknowledged (SLA 1h) |\n"));
  CHECK_THAT(md, Catch::Contains("| Duration | 48m (unresolved) |\n"));
  CHECK_THAT(md, Catch::Contains("| Time to resolve | unresolved |\n"));
}

// ---------------------------------------------------------------------------------------
// The JSON draft

TEST_CASE("report_json has the metrics in seconds and the checklists with their state") {
  Timeline timeline = checkout();
  timeline.add(event_type::skipped, "2026-11-27T05:01:00Z", "bob",
               {{"item", "initial.notify-stakeholders"}, {"reason", "night"}});
  const auto json = report_json(default_runbook(), timeline.incident(), at("2026-11-27T09:00:00Z"));
  CHECK(json["id"] == "7f3a9c2e");
  CHECK(json["status"] == "resolved");
  CHECK(json["impact"].is_null());
  CHECK(json["acknowledged_at"] == "2026-11-27T03:20:00Z");
  CHECK(json["metrics"]["time_to_acknowledge_seconds"] == 480);
  CHECK(json["metrics"]["ack_sla_seconds"] == 3600);
  CHECK(json["metrics"]["ack_sla_met"] == true);
  CHECK(json["metrics"]["time_to_resolve_seconds"] == 6480);
  CHECK(json["metrics"]["updates"] == 2);
  CHECK(json["metrics"]["longest_gap_seconds"] == 4500);
  CHECK(json["metrics"]["longest_gap_from"] == "2026-11-27T03:35:00Z");
  CHECK(json["commanders"].size() == 2);
  CHECK(json["commanders"][1]["name"] == "bob");
  CHECK(json["root_cause"] == "rc");
  CHECK(json["checklists"][0]["id"] == "initial");
  const auto& last = json["checklists"][0]["items"].back();
  CHECK(last["id"] == "initial.notify-stakeholders");
  CHECK(last["checked"] == false);
  CHECK(last["skipped"] == "night");
  CHECK(json["checklists"][0]["items"][0]["skipped"].is_null());
  // The post-incident checklist is the last phase's, after its own six items, once.
  CHECK(json["checklists"].back()["id"] == "post-incident");
  CHECK(json["checklists"].back()["items"][6]["id"] == "post.system-stable");
  CHECK(json["checklists"].back()["items"][6]["checked"] == false);
  CHECK_FALSE(json.contains("post_incident"));
  CHECK(json["action_items"].empty());
}

TEST_CASE("compute_stats leaves drills out unless asked, and says how many") {
  const Seconds p0_sla = minutes(15);
  Summary real = summary("P0", p0_sla, minutes(10), minutes(60));  // met
  Summary drill = summary("P0", p0_sla, minutes(30), minutes(90));  // breached, but an exercise
  drill.drill = true;
  const Stats without = compute_stats(default_runbook(), {real, drill});
  CHECK(without.all.incidents == 1);
  CHECK(of(without, "P0").sla_breached == 0);
  CHECK_FALSE(without.drills_included);
  CHECK(without.drills_left_out == 1);
  CHECK_THAT(render_stats(without), Catch::EndsWith("(1 drill left out: incident stats --drills counts them)\n"));
  CHECK(stats_json(without)["drills_left_out"] == 1);
  CHECK(stats_json(without)["drills_included"] == false);

  const Stats with = compute_stats(default_runbook(), {real, drill}, true);
  CHECK(with.all.incidents == 2);
  CHECK(of(with, "P0").sla_breached == 1);
  CHECK(with.drills_left_out == 0);
  CHECK(render_stats(with).find("drill") == std::string::npos);
  CHECK(render_stats(compute_stats(default_runbook(), {real})).find("drill") == std::string::npos);
}
