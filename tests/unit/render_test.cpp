#include <catch2/catch.hpp>

#include "incident/render.hpp"
#include "incident/template.hpp"
#include "support/default_runbook.hpp"

using namespace incident;
using incident::test::default_runbook;

namespace {

Incident everything_set() {
  Event opened;
  opened.id = "d00000000001";
  opened.seq = 1;
  opened.type = std::string(event_type::opened);
  opened.at = *parse_rfc3339("2026-11-27T03:12:00Z");
  opened.by = "pager";
  opened.fields = {{"title", "t"},  {"severity", "P1"}, {"severity_name", "High"},
                   {"impact", "i"}, {"commander", "c"}, {"response_time_seconds", std::int64_t{3600}}};
  Event acked = opened;
  acked.id = "d00000000002";
  acked.seq = 2;
  acked.type = std::string(event_type::acknowledged);
  acked.fields = {};
  Event updated = acked;
  updated.id = "d00000000003";
  updated.seq = 3;
  updated.type = std::string(event_type::updated);
  updated.fields = {{"findings", "f"}, {"next_steps", "n"}, {"eta", "e"}};
  Event resolved = acked;
  resolved.id = "d00000000004";
  resolved.seq = 4;
  resolved.type = std::string(event_type::resolved);
  resolved.at = *parse_rfc3339("2026-11-27T04:00:00Z");
  resolved.fields = {{"root_cause", "r"}, {"fix", "x"}, {"monitoring", "m"}};
  return fold("k3x9m2qa", {opened, acked, updated, resolved});
}

}  // namespace

// The loader accepts the names template_placeholders() lists; render.cpp must have a
// value for each, or a valid runbook would render an empty field.
TEST_CASE("every placeholder a template may use has a value") {
  const Incident incident = everything_set();
  const Timestamp later = *parse_rfc3339("2026-11-27T04:00:00Z");
  for (const auto& name : template_placeholders()) {
    INFO(name);
    CHECK_FALSE(placeholder_value(default_runbook(), incident, name, later).empty());
  }
  CHECK(placeholder_value(default_runbook(), incident, "no_such_placeholder", later).empty());
}

TEST_CASE("placeholder values read well in the team zone") {
  Incident incident = everything_set();
  const Timestamp later = *parse_rfc3339("2026-11-27T04:00:00Z");
  Runbook runbook = default_runbook();
  CHECK(placeholder_value(runbook, incident, "started_at", later) == "2026-11-27 03:12 UTC");
  CHECK(placeholder_value(runbook, incident, "duration", later) == "48m");
  CHECK(placeholder_value(runbook, incident, "eta", later) == "e");
  incident.eta = "30m";
  incident.eta_at = *parse_rfc3339("2026-11-27T04:15:00Z");
  CHECK(placeholder_value(runbook, incident, "eta", later) == "30m (by 04:15 UTC)");
  CHECK(placeholder_value(runbook, incident, "eta_at", later) == "2026-11-27 04:15 UTC");
  CHECK(placeholder_value(runbook, incident, "links", later).starts_with("Ops Dashboard: /admin/ops\n"));
  runbook.timezone = "CET-1CEST,M3.5.0,M10.5.0/3";
  CHECK(placeholder_value(runbook, incident, "started_at", later) == "2026-11-27 04:12 CET");
  CHECK(placeholder_value(runbook, incident, "eta", later) == "30m (by 05:15 CET)");
}

TEST_CASE("list rows are toned by what the incident owes: red overdue, yellow due within 5m") {
  Incident incident = everything_set();  // resolved: owes nothing
  const auto tone = [&](const char* now) {
    return render_list({summarize(incident, {})}, *parse_rfc3339(now), Zone::utc()).back().tone;
  };
  CHECK(tone("2026-11-27T05:00:00Z") == text::Tone::plain);
  incident = fold("k3x9m2qa", {incident.events.front()});  // opened only: ack due 04:12, no cadence
  CHECK(tone("2026-11-27T03:20:00Z") == text::Tone::plain);
  CHECK(tone("2026-11-27T04:08:00Z") == text::Tone::caution);
  CHECK(tone("2026-11-27T04:13:00Z") == text::Tone::alarm);
  CHECK(render_list({summarize(incident, {})}, *parse_rfc3339("2026-11-27T03:20:00Z"), Zone::utc()).front().text.starts_with(
      "ID         SEV  STATUS        STARTED (UTC)"));
}

TEST_CASE("a drill's messages, list row and show say so first, and a real incident's are unchanged") {
  Incident incident = everything_set();
  const Timestamp later = *parse_rfc3339("2026-11-27T04:00:00Z");
  const std::string message = render_message(default_runbook(), TemplateKind::resolution, incident, later);
  CHECK(mark_drill(incident, message) == message);
  const std::string row = text::plain(render_list({summarize(incident, {})}, later, Zone::utc()));
  const std::string shown = render_show(incident, later, Zone::utc());
  CHECK(row.find("[DRILL]") == std::string::npos);
  CHECK(shown.find("[DRILL]") == std::string::npos);

  std::vector<Event> events = incident.events;
  events.front().fields.insert_or_assign("exercise", std::string("drill"));
  incident = fold(incident.id, events);
  REQUIRE(incident.drill);
  CHECK(mark_drill(incident, message) == "[DRILL] This is an exercise, not a real incident.\n" + message);
  CHECK(mark_drill(incident, "x\n") == std::string(k_drill_banner) + "x\n");
  const std::string drill_row = text::plain(render_list({summarize(incident, {})}, later, Zone::utc()));
  CHECK_THAT(drill_row, Catch::Contains("[DRILL] t\n"));
  const std::string drill_shown = render_show(incident, later, Zone::utc());
  CHECK(drill_shown == std::string(k_drill_banner) + shown);
}

TEST_CASE("the timeline tells what exec ran and how it ended, escaped") {
  const Timestamp at = *parse_rfc3339("2026-11-27T03:20:00Z");
  Event started = new_event(event_type::exec_started, at, at, "alice");
  started.set(field::command, std::vector<std::string>{"kubectl", "rollout", "undo", "deploy/api server"});
  started.set(field::item, "initial.check-dashboard");
  const Incident incident = everything_set();
  CHECK(describe_event(incident, started) ==
        "alice ran: kubectl rollout undo 'deploy/api server' (step initial.check-dashboard)");
  Event finished = new_event(event_type::exec_finished, at, at, "alice");
  finished.set(field::command, std::vector<std::string>{"sh", "-c", "exit 3"});
  finished.set(field::exit_code, std::int64_t{3});
  finished.set(field::duration, Seconds{125});
  finished.set(field::output, "first\nlast \x1b[31mline");
  CHECK(describe_event(incident, finished) ==
        "alice's command exited 3 after 2m: sh -c 'exit 3' (output: ... last \\e[31mline)");
  finished.fields.erase("output");
  finished.fields.erase("duration_seconds");
  CHECK(describe_event(incident, finished) == "alice's command exited 3: sh -c 'exit 3'");
}
