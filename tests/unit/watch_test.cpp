#include <catch2/catch.hpp>

#include <algorithm>

#include "incident/watch.hpp"
#include "support/default_runbook.hpp"
#include "support/timeline.hpp"

using namespace incident;
using incident::test::default_runbook;
using incident::test::Timeline;

namespace {

Timestamp at(const char* text) { return *parse_rfc3339(text); }

Summary summary_of(const Timeline& timeline, const std::string& id) { return summarize(timeline.incident(id), {}); }

}  // namespace

TEST_CASE("fit_columns cuts a line to the width in columns, never inside a character") {
  CHECK(fit_columns("abcdef", 0) == "abcdef");
  CHECK(fit_columns("abcdef", 6) == "abcdef");
  CHECK(fit_columns("abcdef", 4) == "abc…");
  CHECK(fit_columns("ééééé", 3) == "éé…");
  CHECK(text::columns(fit_columns("✓✓✓✓✓✓✓✓", 5)) == 5);
}

TEST_CASE("watch_header gives the moment to the second, in the zone") {
  CHECK(watch_header("Open incidents", at("2026-11-27T03:12:07Z"), Zone::utc()) ==
        "Open incidents  2026-11-27 03:12:07 UTC  q or Ctrl-C quits");
}

TEST_CASE("the watch overview shows the most pressing first, what each owes, and drills last and marked") {
  const Timestamp now = at("2026-11-27T04:00:00Z");
  // P1 opened 03:12, not acked: the ack (1h) is due 04:12, in 12m.
  const Summary pending = summary_of(Timeline("P1", "Login slow"), "aaaa1111");
  // P0 opened 03:12, not acked: 15m SLA, 33m overdue.
  const Summary overdue = summary_of(Timeline("P0", "Checkout down"), "bbbb2222");
  // A P0 drill, as overdue: after both.
  const Summary drill = summary_of(Timeline("P0", "Game day").drill(), "cccc3333");
  const auto lines = render_watch_overview({drill, pending, overdue}, now, Zone::utc(), 0);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].text.starts_with("ID         SEV  STATUS        OWES"));
  CHECK_THAT(lines[1].text, Catch::StartsWith("bbbb2222") && Catch::Contains("ack 33m overdue") &&
                                Catch::Contains("Checkout down"));
  CHECK(lines[1].tone == text::Tone::alarm);
  CHECK_THAT(lines[2].text, Catch::StartsWith("aaaa1111") && Catch::Contains("ack in 12m"));
  CHECK_THAT(lines[3].text, Catch::StartsWith("cccc3333") && Catch::Contains("[DRILL] Game day"));
  // Fitted to the width.
  for (const auto& line : render_watch_overview({drill, pending, overdue}, now, Zone::utc(), 40)) {
    CHECK(text::columns(line.text) <= 41);  // and its newline
  }
  CHECK(text::plain(render_watch_overview({}, now, Zone::utc(), 80)) == "No open incidents.\n");
}

TEST_CASE("the watch view of one incident is its status, its current checklist and its last events") {
  Timeline timeline("P1");
  timeline.ack("2026-11-27T03:20:00Z").update("2026-11-27T03:40:00Z").add(event_type::noted, "2026-11-27T03:45:00Z",
                                                                          "bob", {{"text", "rollback started"}});
  const Timestamp now = at("2026-11-27T04:00:00Z");
  const Incident incident = as_it_stood(timeline.incident(), now);
  const Assessment assessment = assess(default_runbook(), incident, now);
  const std::string status = text::plain(render_status(default_runbook(), incident, assessment, Zone::utc(), 80));
  const std::string all = text::plain(render_watch_incident(default_runbook(), incident, assessment, Zone::utc(), 80, 0));
  // What `status` shows, first; the whole checklist and timeline when there is no limit.
  CHECK(all.starts_with(status));
  CHECK_THAT(all, Catch::Contains("<- current phase") && !Catch::Contains("more line"));
  CHECK_THAT(all, Catch::Contains("Timeline:\n") && Catch::Contains("opened it"));
  CHECK_THAT(all, Catch::EndsWith("bob: rollback started\n"));
  // A short screen: the status, then the checklist cut short, then still the last 3 events.
  const std::size_t status_lines = static_cast<std::size_t>(std::count(status.begin(), status.end(), '\n'));
  const auto short_view = render_watch_incident(default_runbook(), incident, assessment, Zone::utc(), 80, status_lines + 8);
  CHECK(short_view.size() == status_lines + 8);
  const std::string cut = text::plain(short_view);
  CHECK(cut.starts_with(status));
  CHECK_THAT(cut, Catch::Contains("more lines (incident checklist 7f3a9c2e)\n") &&
                      Catch::Contains("Last 3 of 4 events:\n") && Catch::EndsWith("bob: rollback started\n"));
  CHECK(cut.find("opened it") == std::string::npos);
  // A tall one: every event.
  const std::string tall = text::plain(render_watch_incident(default_runbook(), incident, assessment, Zone::utc(), 80, 200));
  CHECK(tall == all);
  for (const auto& line : render_watch_incident(default_runbook(), incident, assessment, Zone::utc(), 30, 0)) {
    CHECK(text::columns(line.text) <= 31);
  }
}
