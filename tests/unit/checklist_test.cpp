#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "incident/checklist.hpp"
#include "incident/error.hpp"
#include "incident/runbook_loader.hpp"
#include "support/default_runbook.hpp"
#include "support/events.hpp"

using namespace incident;
using incident::test::default_runbook;

namespace {

Timestamp at(const char* text) {
  return *parse_rfc3339(text);
}

Event event(std::uint64_t seq, std::string_view type, const char* when, std::map<std::string, std::string> fields) {
  Event e;
  e.seq = seq;
  e.id = "c0000000000" + std::to_string(seq);
  e.type = std::string(type);
  e.at = at(when);
  e.by = "alice";
  e.fields = test::to_fields(type, fields);
  return e;
}

Incident make_incident(const char* severity, std::vector<Event> more = {}) {
  std::vector<Event> events = {event(1, event_type::opened, "2026-11-27T03:12:00Z",
                                     {{"title", "t"}, {"severity", severity}, {"response_time_seconds", "900"}})};
  events.insert(events.end(), more.begin(), more.end());
  return fold("k3x9m2qa", events);
}

}  // namespace

TEST_CASE("the latest check, uncheck or skip of an item is its state") {
  const Incident folded = make_incident(
      "P1", {event(2, event_type::checked, "2026-11-27T03:13:00Z", {{"item", "initial.acknowledge"}}),
             event(3, event_type::skipped, "2026-11-27T03:14:00Z", {{"item", "initial.acknowledge"}, {"reason", "r"}}),
             event(4, event_type::checked, "2026-11-27T03:15:00Z", {{"item", "initial.check-dashboard"}}),
             event(5, event_type::unchecked, "2026-11-27T03:16:00Z", {{"item", "initial.check-dashboard"}})});
  REQUIRE(folded.items.size() == 2);
  CHECK_FALSE(folded.items.at("initial.acknowledge").checked);
  CHECK(folded.items.at("initial.acknowledge").skipped == "r");
  CHECK_FALSE(folded.items.at("initial.check-dashboard").checked);
  CHECK(folded.items.at("initial.check-dashboard").skipped.empty());
}

TEST_CASE("items are numbered across the phases that have a checklist for the severity") {
  const auto high = checklist_entries(default_runbook(), "P1");
  const auto low = checklist_entries(default_runbook(), "P3");
  REQUIRE_FALSE(high.empty());
  CHECK(high.front().number == 1);
  CHECK(high.back().number == static_cast<int>(high.size()));
  CHECK(high.front().item->id == "initial.acknowledge");
  CHECK(low.front().item->id != "initial.acknowledge");  // Medium/Low has its own Initial Response
  CHECK(&find_entry(high, "3") == &high[2]);
  CHECK(&find_entry(high, "initial.acknowledge") == &high[0]);
  CHECK_THROWS_AS(find_entry(high, "0"), UsageError);
  CHECK_THROWS_AS(find_entry(high, std::to_string(high.size() + 1)), UsageError);
  CHECK_THROWS_WITH(find_entry(high, "initial.acknowlege"), Catch::Contains("did you mean 'initial.acknowledge'"));
  CHECK_THROWS_AS(find_entry(high, "-1"), UsageError);
}

TEST_CASE("the current phase follows the phase windows and the status") {
  const Runbook& runbook = default_runbook();
  const Incident open = make_incident("P1");
  CHECK(current_phase(runbook, open, at("2026-11-27T03:12:00Z")).id == "initial");
  CHECK(current_phase(runbook, open, at("2026-11-27T03:26:59Z")).id == "initial");
  CHECK(current_phase(runbook, open, at("2026-11-27T03:27:00Z")).id == "investigation");  // 15m
  CHECK(current_phase(runbook, open, at("2026-11-27T04:12:00Z")).id == "resolution");     // 1h
  // Unresolved after days: still resolving, not post-incident.
  CHECK(current_phase(runbook, open, at("2026-11-30T04:12:00Z")).id == "resolution");
  // Before the start (a clock skew): the first phase.
  CHECK(current_phase(runbook, open, at("2026-11-27T03:00:00Z")).id == "initial");
  const Incident resolved = make_incident(
      "P1", {event(2, event_type::resolved, "2026-11-27T03:20:00Z", {{"root_cause", "a"}, {"fix", "b"}})});
  CHECK(current_phase(runbook, resolved, at("2026-11-27T03:21:00Z")).id == "post-incident");
  CHECK(find_phase(runbook, "Investigation") == &runbook.phases[1]);
  CHECK(find_phase(runbook, "investigation") == &runbook.phases[1]);
  CHECK(find_phase(runbook, "nope") == nullptr);
}

TEST_CASE("the checklist JSON has every item with checked and skipped") {
  const Incident folded = make_incident("P1", {event(2, event_type::skipped, "2026-11-27T03:14:00Z",
                                                     {{"item", "initial.check-dashboard"}, {"reason", "r"}})});
  const auto json = incident_checklist_json(default_runbook(), folded, at("2026-11-27T03:13:00Z"));
  CHECK(json["current_phase"] == "initial");
  std::size_t items = 0;
  for (const auto& phase : json["phases"]) {
    for (const auto& group : phase["groups"]) {
      for (const auto& item : group["items"]) {
        ++items;
        CHECK(item["checked"].is_boolean());
        CHECK((item["skipped"].is_null() || item["skipped"].is_string()));
      }
    }
  }
  CHECK(items == checklist_entries(default_runbook(), "P1").size());
  CHECK(json["phases"][0]["groups"][0]["items"][1]["skipped"] == "r");
}

TEST_CASE("an item that is the same as another is shown once, as it, and either id finds it") {
  const Runbook runbook = default_runbook();
  const auto entries = checklist_entries(runbook, "P1");
  std::size_t last_phase = 0;
  for (const auto& entry : entries) {
    CHECK(entry.item->same_as.empty());  // the ones that say the same are folded in
    last_phase += entry.phase == &runbook.phases.back() ? 1U : 0U;
  }
  CHECK(last_phase == 15);  // the phase's 6 and the post-incident checklist's 12, 3 of them the same
  const ChecklistEntry& by_alias = find_entry(entries, "post.postmortem-scheduled");
  CHECK(by_alias.item->id == "post-incident.schedule-postmortem");
  REQUIRE(by_alias.same.size() == 1);
  CHECK(by_alias.same[0]->id == "post.postmortem-scheduled");
  CHECK(&find_entry(entries, "post-incident.schedule-postmortem") == &by_alias);
  // Numbers stay contiguous.
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CHECK(entries[i].number == static_cast<int>(i + 1));
  }

  // A file that ticked the other id (written under the runbook before same_as): done.
  const Incident incident =
      make_incident("P1", {event(2, event_type::checked, "2026-11-27T04:00:00Z", {{"item", "post.runbooks-updated"}})});
  const ChecklistEntry& runbooks = find_entry(entries, "post-incident.update-runbooks");
  const ItemState* state = entry_state(incident, runbooks);
  REQUIRE(state != nullptr);
  CHECK(state->checked);
  CHECK_THAT(render_incident_checklist(runbook, incident, at("2026-11-27T05:00:00Z"), &runbook.phases.back()),
             Catch::Contains("[x] 39. Update runbooks if needed\n"));
  CHECK(incident_checklist_json(runbook, incident, at("2026-11-27T05:00:00Z"))["phases"].back()["groups"][1]["items"][2]
            ["same_as_this"] == nlohmann::ordered_json::array({"post.runbooks-updated"}));
}
