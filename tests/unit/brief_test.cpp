// brief.hpp: the handover briefing, as text and JSON.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "incident/brief.hpp"
#include "support/default_runbook.hpp"
#include "support/timeline.hpp"

using namespace incident;
using incident::test::default_runbook;
using incident::test::Timeline;

namespace {

const char* const k_as_of = "2026-11-27T04:00:00Z";

Timeline busy_night() {
  Timeline t("P1");
  t.ack("2026-11-27T03:20:00Z", "bob")
      .add(event_type::updated, "2026-11-27T03:30:00Z", "bob",
           {{"findings", "bad deploy\nSeverity: Low"}, {"next_steps", "roll back"}, {"eta", "30m"}})
      .add(event_type::checked, "2026-11-27T03:31:00Z", "bob", {{"item", "investigation.check-logs"}})
      .flag("security", "2026-11-27T03:35:00Z", "carol")
      .escalate(3, "2026-11-27T03:36:00Z", "bob")
      .add(event_type::action_added, "2026-11-27T03:37:00Z", "bob", {{"text", "add a canary"}, {"owner", "dave"}});
  return t;
}

}  // namespace

TEST_CASE("render_brief says where the incident stands for whoever takes over") {
  const Timeline timeline = busy_night();
  const Timestamp as_of = *parse_rfc3339(k_as_of);
  const Incident incident = as_it_stood(timeline.incident(), as_of);
  const std::string text = render_brief(default_runbook(), incident, timeline.assess_at(k_as_of));
  CHECK_THAT(text, Catch::StartsWith("🔁 HANDOVER: Checkout API 500s (7f3a9c2e)\n"
                                     "Severity: High (P1) · Status: Investigating · Commander: bob\n"
                                     "Started 03:12 UTC (48m ago); response SLA 1h: met (acknowledged by bob after 8m)\n"
                                     "Last update 03:30 UTC (30m ago): findings: bad deploy Severity: Low; next: roll "
                                     "back; ETA: 30m\n"
                                     "Next update 04:00 UTC: due in 0s\n"
                                     "Latest events (5 of 7):\n"));
  CHECK_THAT(text, Catch::Contains("  03:37 UTC  bob added an action item: add a canary (owner: dave)\n"));
  // The current phase's open items: check-logs is done, so not listed.
  CHECK_THAT(text, Catch::Contains("Open in Investigation (10 of 11):\n"));
  CHECK_THAT(text, !Catch::Contains("Check system logs and metrics"));
  CHECK_THAT(text, Catch::Contains("  [ ] 13. Review recent changes\n"));
  CHECK_THAT(text, Catch::Contains("Trigger: Security implications: flagged by carol\n"));
  CHECK_THAT(text, Catch::Contains("Escalated: level 3, r at 03:36 UTC by bob: no reason given\n"));
  CHECK_THAT(text, Catch::EndsWith("Action 1: add a canary (owner: dave)\n"));
  // A multi-line value is kept on its line: no line of the brief starts with it.
  CHECK_THAT(text, !Catch::Contains("\nSeverity: Low"));
}

TEST_CASE("brief_json carries the same facts") {
  const Timeline timeline = busy_night();
  const Incident incident = as_it_stood(timeline.incident(), *parse_rfc3339(k_as_of));
  const auto json = brief_json(default_runbook(), incident, timeline.assess_at(k_as_of));
  CHECK(json["phase"] == "investigation");
  CHECK(json["response_sla"]["state"] == "met");
  CHECK(json["last_update"]["findings"] == "bad deploy\nSeverity: Low");
  CHECK(json["next_update_due_at"] == "2026-11-27T04:00:00Z");
  CHECK(json["recent_events"].size() == k_brief_events);
  CHECK(json["open_items"].size() == 10);
  CHECK(json["triggers"][0]["id"] == "security");
  CHECK(json["escalations"][0]["level"] == 3);
  CHECK(json["open_actions"][0]["owner"] == "dave");
}

TEST_CASE("render_brief of a resolved incident has no open items and no next update") {
  Timeline timeline("P2");
  timeline.ack("2026-11-27T03:20:00Z").resolve("2026-11-27T03:50:00Z");
  const Incident incident = as_it_stood(timeline.incident(), *parse_rfc3339(k_as_of));
  const std::string text = render_brief(default_runbook(), incident, timeline.assess_at(k_as_of));
  CHECK_THAT(text, Catch::Contains("Status: Resolved"));
  CHECK_THAT(text, Catch::Contains("No update since the Initial Status Update.\n"));
  CHECK_THAT(text, !Catch::Contains("Next update") && !Catch::Contains("Open in"));
}
