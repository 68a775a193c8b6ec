// Live guidance through the real binary: status (text, --json, --check), flag and unflag,
// escalate, prompt, action items, report and stats.
//
// Every timeline is backfilled with --at on the night of 2026-11-27 and every command that
// depends on the time is run --at a fixed moment, so nothing sleeps and what is printed is
// deterministic; incident ids are random and are masked (INC-0001, ...) before output is
// compared with the golden files in tests/data/golden/guidance_*.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Times on the night, as offsets from k_t0 (03:12Z).
constexpr const char* k_t0_plus_5m = "2026-11-27T03:17:00Z";
constexpr const char* k_t0_plus_8m = "2026-11-27T03:20:00Z";
constexpr const char* k_t0_plus_20m = "2026-11-27T03:32:00Z";


// Runs a command that must exit with `code`.
Result fails(const Home& home, const std::vector<std::string>& args, int code) {
  auto result = home.run(args);
  INFO("incident " << Catch::Detail::stringify(args) << "\n" << describe(result));
  REQUIRE(result.exit_code == code);
  return result;
}


std::size_t event_count(const Home& home, const std::string& id) {
  return parse_json(ok(home, {"show", id, "--json"}).out)["events"].size();
}

// The shortest prefix of `id`, four characters at least, that none of `others` shares.
std::string short_id(const std::string& id, const std::vector<std::string>& others) {
  std::size_t length = 4;
  for (const auto& other : others) {
    while (other != id && length < id.size() && other.compare(0, length, id, 0, length) == 0) {
      ++length;
    }
  }
  return id.substr(0, length);
}

// The incident of the postmortem example, backfilled from 03:12Z to 05:30Z: a P1 acked at
// +8m, two updates, a flag and an escalation, a handoff, checklist items checked and
// skipped (post-incident ones too), the resolution and two action items, one done.
std::string checkout_night(const Home& home) {
  const std::string id =
      open_incident(home, {"Checkout API 500s", "-s", "P1", "--impact", "50% of checkouts fail", "--as", "pager"});
  ok(home, {"ack", id, "--as", "alice", "--at", "2026-11-27T03:20:00Z"});
  ok(home,
     {"check", id, "initial.acknowledge", "initial.check-dashboard", "--as", "alice", "--at", "2026-11-27T03:21:00Z"});
  ok(home, {"skip", id, "initial.notify-stakeholders", "--reason", "stakeholders asleep; status page updated", "--as",
            "alice", "--at", "2026-11-27T03:22:00Z"});
  ok(home, {"update", id, "--findings", "5xx since the 03:05 deploy", "--next", "roll back 4.2.1", "--eta", "30m",
            "--status", "identified", "--as", "alice", "--at", "2026-11-27T03:35:00Z"});
  ok(home, {"flag", id, "multiple-systems", "--as", "alice", "--at", "2026-11-27T03:40:00Z"});
  ok(home, {"escalate", id, "--reason", "payments failing too", "--as", "alice", "--at", "2026-11-27T03:41:00Z"});
  ok(home, {"handoff", id, "bob", "--as", "alice", "--at", "2026-11-27T04:00:00Z"});
  ok(home, {"update", id, "--findings", "rollback done, error rate falling", "--next", "watch the error rate",
            "--status", "monitoring", "--as", "bob", "--at", "2026-11-27T04:50:00Z"});
  ok(home, {"resolve", id, "--root-cause", "bad config in 4.2.1", "--fix", "rolled back to 4.2.0", "--monitoring",
            "checkout error rate", "--as", "bob", "--at", "2026-11-27T05:00:00Z"});
  ok(home,
     {"check", id, "post.system-stable", "post.stakeholders-notified", "--as", "bob", "--at", "2026-11-27T05:10:00Z"});
  ok(home, {"skip", id, "post.ticket-closed", "--reason", "no ticket was opened", "--as", "bob", "--at",
            "2026-11-27T05:11:00Z"});
  ok(home, {"action", "add", id, "Add a canary stage to checkout deploys", "--owner", "carol", "--due", "2026-12-15",
            "--as", "bob", "--at", "2026-11-27T05:20:00Z"});
  ok(home, {"action", "add", id, "Alert on the checkout 5xx rate", "--owner", "dave", "--as", "bob", "--at",
            "2026-11-27T05:21:00Z"});
  ok(home, {"action", "done", id, "2", "--as", "dave", "--at", "2026-11-27T05:30:00Z"});
  return id;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// status

TEST_CASE("status of an unacknowledged P0 at +20m: breached, escalation to level 2 recommended") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  const auto result = ok(home, {"status", id, "--at", k_t0_plus_20m});
  CHECK(result.err.empty());
  check_golden("guidance_status_breached.txt", masked(result.out, {id}));
  CHECK_THAT(result.out, Catch::Contains("Response SLA: 15m, due 03:27 UTC: breached (not acknowledged, overdue by 5m)"));
  CHECK_THAT(result.out, Catch::Contains("[!] Incident exceeds response time SLA"));
  CHECK_THAT(result.out, Catch::Contains("level 2, Senior engineer or team lead (Secondary: [Senior engineer]) "
                                         "recommended; next: incident escalate " +
                                         id));

  const Json json = parse_json(ok(home, {"status", id, "--at", k_t0_plus_20m, "--json"}).out);
  INFO(json.dump(2));
  CHECK(json["id"] == id);
  CHECK(json["as_of"] == k_t0_plus_20m);
  CHECK(json["started_at"] == k_t0);
  CHECK(json["age_seconds"] == 1200);
  CHECK(json["active"] == true);
  CHECK(json["commander"].is_null());
  CHECK(json["response"]["sla_seconds"] == 900);
  CHECK(json["response"]["due_at"] == "2026-11-27T03:27:00Z");
  CHECK(json["response"]["state"] == "breached");
  CHECK(json["response"]["breached"] == true);
  CHECK(json["response"]["met"] == false);
  CHECK(json["response"]["overdue"] == true);
  CHECK(json["response"]["responded_at"].is_null());
  CHECK(json["updates"]["every_seconds"] == 1800);
  CHECK(json["updates"]["count"] == 0);
  CHECK(json["updates"]["last_at"].is_null());
  CHECK(json["updates"]["next_due_at"] == "2026-11-27T03:42:00Z");
  CHECK(json["updates"]["overdue"] == false);
  REQUIRE(json["triggers"].size() == 5);
  CHECK(json["triggers"][0]["id"] == "sla-exceeded");
  CHECK(json["triggers"][0]["holds"] == true);
  // "declarable": a responder may flag it (`incident flag`); "flagged": someone did.
  // (It was "declared": true for triggers nobody had flagged.)
  CHECK(json["triggers"][0]["declarable"] == false);
  CHECK(json["triggers"][0]["flagged"] == false);
  CHECK_FALSE(json["triggers"][0].contains("declared"));
  CHECK(json["triggers"][0]["since"] == "2026-11-27T03:27:00Z");
  for (std::size_t i = 1; i < 5; ++i) {
    CHECK(json["triggers"][i]["holds"] == false);
    CHECK(json["triggers"][i]["since"].is_null());
    CHECK(json["triggers"][i]["flagged"] == false);
    CHECK(json["triggers"][i]["declarable"] == (i >= 2));  // multiple-systems, security, data-loss
  }
  CHECK(json["escalation"]["level"] == 0);
  CHECK(json["escalation"]["recommended"] == true);
  CHECK(json["escalation"]["recommended_level"] == 2);
  CHECK(json["escalation"]["recommendation"]["role"] == "Senior engineer or team lead");
  CHECK(json["escalation"]["recommendation"]["contact"]["value"] == "[Senior engineer]");
}

TEST_CASE("status of a P0 acknowledged at +5m: met, nothing recommended") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  ok(home, {"ack", id, "--as", "alice", "--at", k_t0_plus_5m});
  const auto text = ok(home, {"status", id, "--at", k_t0_plus_20m}).out;
  CHECK_THAT(text, Catch::Contains("Response SLA: 15m, due 03:27 UTC: met (acknowledged after 5m by alice)\n"));
  CHECK_THAT(text, Catch::Contains("Commander:    alice\n"));
  CHECK_THAT(text, Catch::Contains("Escalation:   not needed (no trigger holds)\n"));
  CHECK_THAT(text, !Catch::Contains("[!]"));

  const Json json = parse_json(ok(home, {"status", id, "--at", k_t0_plus_20m, "--json"}).out);
  CHECK(json["response"]["state"] == "met");
  CHECK(json["response"]["met"] == true);
  CHECK(json["response"]["breached"] == false);
  CHECK(json["response"]["overdue"] == false);
  CHECK(json["response"]["responded_at"] == k_t0_plus_5m);
  CHECK(json["response"]["acknowledged_at"] == k_t0_plus_5m);
  CHECK(json["escalation"]["recommended"] == false);
  CHECK(json["escalation"]["recommended_level"].is_null());

  // Before the ack, as of +4m, it was pending.
  const Json before = parse_json(ok(home, {"status", id, "--at", "2026-11-27T03:16:00Z", "--json"}).out);
  CHECK(before["response"]["state"] == "pending");
  CHECK(before["response"]["acknowledged_at"].is_null());
}

TEST_CASE("status of a P1 with no update for 2h30m: no progress, escalation recommended") {
  Home home;
  const std::string id = open_incident(home, {"Slow search", "-s", "P1"});
  ok(home, {"ack", id, "--as", "alice", "--at", k_t0_plus_8m});
  ok(home,
     {"update", id, "--findings", "index rebuild", "--next", "wait", "--as", "alice", "--at", "2026-11-27T03:30:00Z"});
  const auto text = ok(home, {"status", id, "--at", "2026-11-27T06:00:00Z"}).out;
  CHECK_THAT(text, Catch::Contains("  [!] No progress after 2 hours: no update for 2h30m\n"));
  CHECK_THAT(text, Catch::Contains("Updates:      every 30m; last 2h30m ago (03:30 UTC, 1 in all); next 04:00 UTC: "
                                   "overdue by 2h\n"));
  CHECK_THAT(text, Catch::Contains("Response SLA: 1h, due 04:12 UTC: met (acknowledged after 8m by alice)\n"));
  CHECK_THAT(text, Catch::Contains("level 2, Senior engineer or team lead"));

  const Json json = parse_json(ok(home, {"status", id, "--at", "2026-11-27T06:00:00Z", "--json"}).out);
  CHECK(json["triggers"][1]["id"] == "no-progress");
  CHECK(json["triggers"][1]["holds"] == true);
  CHECK(json["triggers"][1]["since"] == "2026-11-27T05:30:00Z");
  CHECK(json["triggers"][1]["detail"] == "no update for 2h30m");
  CHECK(json["updates"]["last_at"] == "2026-11-27T03:30:00Z");
  CHECK(json["updates"]["seconds_since_last"] == 9000);
  CHECK(json["updates"]["overdue"] == true);

  // At 1h59m of quiet, not yet.
  const auto early = ok(home, {"status", id, "--at", "2026-11-27T05:29:00Z"}).out;
  CHECK_THAT(early, Catch::Contains("  [ ] No progress after 2 hours\n"));
}

TEST_CASE("status --at before the incident started is a usage error, and a bad --at too") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  const auto before = fails(home, {"status", id, "--at", "2026-11-27T03:11:00Z"}, 2);
  CHECK_THAT(before.err, Catch::Contains("before"));
  CHECK(before.out.empty());
  fails(home, {"status", id, "--at", "yesterday"}, 2);
  fails(home, {"status", "--within", "5m", "--at", k_t0_plus_20m}, 2);  // --within goes with --check
}

TEST_CASE("status of a resolved incident: nothing due, nothing recommended") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  ok(home, {"flag", id, "data-loss", "--at", "2026-11-27T03:14:00Z"});
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T03:20:00Z"});
  const auto text = ok(home, {"status", id, "--at", "2026-11-27T09:00:00Z"}).out;
  CHECK_THAT(text, Catch::Contains("Status:       Resolved\n"));
  CHECK_THAT(text, Catch::Contains("Response SLA: 15m, due 03:27 UTC: met (resolved after 8m)\n"));
  CHECK_THAT(text, Catch::Contains("Escalation:   not needed\n"));
  CHECK_THAT(text, !Catch::Contains("next "));
  CHECK_THAT(text, !Catch::Contains("declare one"));
  const Json json = parse_json(ok(home, {"status", id, "--at", "2026-11-27T09:00:00Z", "--json"}).out);
  CHECK(json["active"] == false);
  CHECK(json["updates"]["next_due_at"].is_null());
  CHECK(json["escalation"]["recommended"] == false);
}

// ---------------------------------------------------------------------------------------
// flag and unflag

TEST_CASE("flag declares a trigger that status then counts, and unflag withdraws it") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P1"});
  ok(home, {"ack", id, "--as", "alice", "--at", k_t0_plus_8m});

  const auto flagged = ok(home, {"flag", id, "security", "--as", "alice", "--at", "2026-11-27T03:25:00Z"});
  CHECK(flagged.out.empty());
  CHECK(flagged.err ==
        "Flagged security (Security implications)\n"
        "Escalation to level 3 is recommended: incident escalate " +
            id + "\n");
  auto text = ok(home, {"status", id, "--at", "2026-11-27T03:30:00Z"}).out;
  CHECK_THAT(text, Catch::Contains("  [!] Security implications: flagged by alice\n"));
  CHECK_THAT(text, Catch::Contains("(declare one: incident flag " + id + " multiple-systems|data-loss)\n"));
  CHECK_THAT(text, Catch::Contains("Escalation:   level 3, Engineering manager (Manager: [Engineering manager]) "
                                   "recommended"));

  // Again: nothing new on the record. Without the ID (one open) and in any case.
  const std::size_t events = event_count(home, id);
  const auto again = ok(home, {"flag", "SECURITY", "--at", "2026-11-27T03:26:00Z"});
  CHECK_THAT(again.err, Catch::StartsWith("Flagged security (Security implications) (already)\n"));
  CHECK(event_count(home, id) == events);

  // Two at once, one of them standing already.
  ok(home, {"flag", id, "security", "data-loss", "--at", "2026-11-27T03:27:00Z"});
  CHECK(event_count(home, id) == events + 1);

  const auto withdrawn = ok(home, {"unflag", id, "security", "data-loss", "--at", "2026-11-27T03:28:00Z"});
  CHECK_THAT(withdrawn.err, Catch::StartsWith("Unflagged security (Security implications)\n"
                                              "Unflagged data-loss (Data loss suspected)\n"));
  text = ok(home, {"status", id, "--at", "2026-11-27T03:30:00Z"}).out;
  CHECK_THAT(text, Catch::Contains("  [ ] Security implications\n"));
  CHECK_THAT(text, Catch::Contains("Escalation:   not needed (no trigger holds)\n"));
  // As it stood at 03:27:30, both flags held.
  text = ok(home, {"status", id, "--at", "2026-11-27T03:27:30Z"}).out;
  CHECK_THAT(text, Catch::Contains("  [!] Data loss suspected: flagged by tester\n"));

  const Json json =
      parse_json(ok(home, {"flag", id, "multiple-systems", "--json", "--at", "2026-11-27T03:29:00Z"}).out);
  CHECK(json["flags"] == Json::array({"multiple-systems"}));
}

TEST_CASE("flag refuses an unknown trigger with a suggestion, and an evaluated one") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P1"});
  const std::size_t events = event_count(home, id);

  const auto typo = fails(home, {"flag", id, "securty"}, 2);
  CHECK_THAT(typo.err, Catch::Contains("no trigger 'securty'") && Catch::Contains("did you mean 'security'?") &&
                           Catch::Contains("multiple-systems, security, data-loss"));
  CHECK(typo.out.empty());
  fails(home, {"flag", "securty"}, 2);

  const auto evaluated = fails(home, {"flag", id, "sla-exceeded"}, 2);
  CHECK_THAT(evaluated.err, Catch::Contains("'sla-exceeded' is evaluated from the timeline, not declared"));
  fails(home, {"flag", "no-progress"}, 2);
  // A trigger first is a trigger, not an incident id: refused for what it is.
  const auto first = fails(home, {"flag", "sla-exceeded", "security"}, 2);
  CHECK_THAT(first.err, Catch::Contains("evaluated from the timeline"));
  // One bad trigger among good ones records none of them.
  fails(home, {"unflag", id, "security", "bogus"}, 2);
  fails(home, {"flag", id, "security", "bogus"}, 2);
  CHECK(event_count(home, id) == events);

  // A resolved incident takes no flags.
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", k_t0_plus_20m});
  const auto resolved = fails(home, {"flag", id, "security"}, 7);
  CHECK_THAT(resolved.err, Catch::Contains("resolved"));
}

// ---------------------------------------------------------------------------------------
// escalate

TEST_CASE("escalate records the level and prints the message naming it and its contact") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0", "--commander", "alice"});
  const auto first = ok(home, {"escalate", id, "--as", "alice", "--at", k_t0_plus_20m});
  // The default: what the triggers call for (SLA exceeded: level 2), the reason from them.
  check_golden("guidance_escalation.txt", first.out);
  CHECK(first.out ==
        "⬆️ ESCALATION: Checkout down\n"
        "Severity: Critical\n"
        "Status: Investigating\n"
        "Escalated to: Level 2, Senior engineer or team lead\n"
        "Contact: Secondary: [Senior engineer]\n"
        "Reason: Incident exceeds response time SLA\n"
        "Commander: alice\n");
  auto status = ok(home, {"status", id, "--at", "2026-11-27T03:33:00Z"}).out;
  CHECK_THAT(status, Catch::Contains("Escalation:   escalated to level 2 at 03:32 UTC by alice\n"));

  // --level and --reason as given.
  const auto third =
      ok(home, {"escalate", id, "--level", "3", "--reason", "customers | press", "--at", "2026-11-27T03:34:00Z"});
  CHECK_THAT(third.out, Catch::Contains("Escalated to: Level 3, Engineering manager\n"
                                        "Contact: Manager: [Engineering manager]\n"
                                        "Reason: customers | press\n"));
  // Not at or below the record.
  const auto lower = fails(home, {"escalate", id, "--level", "2", "--at", "2026-11-27T03:35:00Z"}, 7);
  CHECK_THAT(lower.err, Catch::Contains("already escalated to level 3"));
  fails(home, {"escalate", id, "--level", "3", "--at", "2026-11-27T03:35:00Z"}, 7);
  // The default is one above the record: level 4, the top, with no trigger's reason beyond the SLA.
  const auto top = ok(home, {"escalate", id, "--at", "2026-11-27T03:36:00Z"});
  CHECK_THAT(top.out, Catch::Contains("Escalated to: Level 4, CTO or VP Engineering\n"
                                      "Contact: Executive: [CTO/VP Engineering]\n"));
  // Beyond the top: a conflict, and nothing recorded.
  const std::size_t events = event_count(home, id);
  const auto beyond = fails(home, {"escalate", id, "--at", "2026-11-27T03:37:00Z"}, 7);
  CHECK_THAT(beyond.err, Catch::Contains("already escalated to level 4, the top of the escalation path"));
  CHECK(beyond.out.empty());
  CHECK(event_count(home, id) == events);
  // A level the path does not have is a usage error.
  const auto unknown = fails(home, {"escalate", id, "--level", "5"}, 2);
  CHECK_THAT(unknown.err, Catch::Contains("--level 5 is not a level of the escalation path (1 to 4)"));

  status = ok(home, {"status", id, "--at", "2026-11-27T03:38:00Z"}).out;
  CHECK_THAT(status, Catch::Contains("Escalation:   escalated to level 4 at 03:36 UTC by tester\n"));
  const Json json = parse_json(ok(home, {"show", id, "--json"}).out);
  CHECK(json["escalation_level"] == 4);
}

TEST_CASE("escalate without a trigger defaults to level 2 and says the reason is to be given") {
  Home home;
  const std::string id = open_incident(home, {"Slow search", "-s", "P2"});
  const auto result = ok(home, {"escalate", id, "--at", k_t0_plus_20m});
  CHECK_THAT(result.out, Catch::Contains("Escalated to: Level 2, Senior engineer or team lead\n"));
  CHECK_THAT(result.out, Catch::Contains("Reason: TBD\n"));
  CHECK_THAT(result.out, Catch::Contains("Commander: unassigned\n"));
}

TEST_CASE("escalate on a resolved incident is a conflict") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", k_t0_plus_5m});
  const auto result = fails(home, {"escalate", id, "--at", k_t0_plus_20m}, 7);
  CHECK_THAT(result.err, Catch::Contains(id + " is resolved; there is nothing to escalate"));
  CHECK(result.out.empty());
}

TEST_CASE("escalate on a path of one level goes to that level") {
  Home home;
  // The minimal example runbook, cut down to its first escalation level.
  std::string yaml = read_text(fs::path(INCIDENT_SOURCE_DIR) / "runbooks/examples/minimal.yaml");
  const std::string second_level = "    - level: 2\n      role: Payments lead\n";
  const auto cut = yaml.find(second_level);
  REQUIRE(cut != std::string::npos);
  yaml.erase(cut, second_level.size());
  const fs::path runbook = home.path() / "one-level.yaml";
  write_text(runbook, yaml);
  const std::string rb = "--runbook=" + runbook.string();
  ok(home, {rb, "runbook", "validate", runbook.string()});

  const auto opened = ok(home, {rb, "open", "Payments down", "-s", "P1", "--at", k_t0, "--json"});
  const std::string id = parse_json(opened.out)["id"].get<std::string>();
  const auto first = ok(home, {rb, "escalate", id, "--at", k_t0_plus_20m});
  CHECK_THAT(first.out,
             Catch::Contains("Escalated to: Level 1, Payments on-call\nContact: On-call: #payments-oncall\n"));
  const auto again = fails(home, {rb, "escalate", id, "--at", k_t0_plus_20m}, 7);
  CHECK_THAT(again.err, Catch::Contains("already escalated to level 1, the top of the escalation path"));
}

// ---------------------------------------------------------------------------------------
// status --check

TEST_CASE("status --check exits 0 with nothing on stdout when all is well") {
  Home home;
  auto none = ok(home, {"status", "--check", "--at", k_t0_plus_20m});
  CHECK(none.out.empty());
  CHECK(none.err.empty());  // cron mails every line: silent when all is clear
  none = ok(home, {"-v", "status", "--check", "--at", k_t0_plus_20m});
  CHECK_THAT(none.err, Catch::Contains("All clear: 0 active incidents checked"));

  const std::string id = open_incident(home, {"Checkout down", "-s", "P1"});
  ok(home, {"ack", id, "--at", k_t0_plus_8m});
  auto fine = ok(home, {"-v", "status", "--check", "--at", k_t0_plus_20m});
  CHECK(fine.out.empty());
  CHECK_THAT(fine.err, Catch::EndsWith("All clear: 1 active incident checked as of 2026-11-27T03:32:00Z.\n"));

  const Json json = parse_json(ok(home, {"status", "--check", "--at", k_t0_plus_20m, "--json"}).out);
  CHECK(json["ok"] == true);
  CHECK(json["as_of"] == k_t0_plus_20m);
  CHECK(json["within_seconds"] == 300);
  CHECK(json["problems"] == Json::array());

  // A resolved incident owes nothing and is not counted as checked.
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T03:40:00Z"});
  fine = ok(home, {"-v", "status", "--check", "--at", "2026-11-27T09:00:00Z"});
  CHECK(fine.out.empty());
  CHECK_THAT(fine.err, Catch::Contains("All clear: 0 active incidents checked"));
}

TEST_CASE("status --check prints one line per problem and exits 8") {
  Home home;
  const std::string p0 = open_incident(home, {"Checkout down", "-s", "P0"});
  const std::string p1 = open_incident(home, {"Slow search", "-s", "P1", "--at", "2026-11-27T03:00:00Z"});
  ok(home, {"ack", p1, "--at", "2026-11-27T03:05:00Z"});

  // 03:32: the P0's ack is 5m overdue (and so escalation is due); the P1's update is 2m overdue.
  const auto result = fails(home, {"status", "--check", "--at", k_t0_plus_20m}, 8);
  check_golden("guidance_check.txt", masked(result.out, {p0, p1}));
  CHECK(lines_of(result.out) ==
        std::vector<std::string>{
            p0 + " P0 ack overdue by 5m (03:27 UTC): Checkout down",
            p0 + " P0 escalation to level 2 recommended (Incident exceeds response time SLA): Checkout down",
            p1 + " P1 update overdue by 2m (03:30 UTC): Slow search",
        });

  const Json json = parse_json(fails(home, {"status", "--check", "--at", k_t0_plus_20m, "--json"}, 8).out);
  CHECK(json["ok"] == false);
  REQUIRE(json["problems"].size() == 3);
  CHECK(json["problems"][0]["id"] == p0);
  CHECK(json["problems"][0]["kind"] == "ack");
  CHECK(json["problems"][0]["overdue"] == true);
  CHECK(json["problems"][1]["kind"] == "escalation");
  CHECK(json["problems"][2]["id"] == p1);
  CHECK(json["problems"][2]["severity"] == "P1");
  CHECK(json["problems"][2]["kind"] == "update");
  CHECK(json["problems"][2]["message"] == p1 + " P1 update overdue by 2m (03:30 UTC): Slow search");

  // One incident only, by id.
  const auto one = fails(home, {"status", "--check", p1, "--at", k_t0_plus_20m}, 8);
  CHECK(lines_of(one.out).size() == 1);
}

TEST_CASE("status --check --within reports what falls due within the window") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  // 03:20: the ack is due in 7m (03:27 UTC), the update in 22m (03:42 UTC).
  const char* now = k_t0_plus_8m;
  auto quiet = ok(home, {"status", "--check", "--at", now});  // default 5m
  CHECK(quiet.out.empty());
  quiet = ok(home, {"status", "--check", "--within", "6m", "--at", now});
  CHECK(quiet.out.empty());
  const auto seven = fails(home, {"status", "--check", "--within", "7m", "--at", now}, 8);
  CHECK(seven.out == id + " P0 ack due in 7m (03:27 UTC): Checkout down\n");
  const auto hour = fails(home, {"status", "--check", "--within", "1h", "--at", now}, 8);
  CHECK(hour.out ==
        id + " P0 ack due in 7m (03:27 UTC): Checkout down\n" + id + " P0 update due in 22m (03:42 UTC): Checkout down\n");
  const Json json = parse_json(fails(home, {"status", "--check", "--within", "1h", "--at", now, "--json"}, 8).out);
  CHECK(json["within_seconds"] == 3600);
  CHECK(json["problems"][0]["overdue"] == false);
  // Within 0: only what is past due.
  ok(home, {"status", "--check", "--within", "0", "--at", "2026-11-27T03:26:59Z"});
  fails(home, {"status", "--check", "--within", "0", "--at", "2026-11-27T03:27:01Z"}, 8);

  const auto bad = fails(home, {"status", "--check", "--within", "soon", "--at", now}, 2);
  CHECK_THAT(bad.err, Catch::Contains("--within 'soon' is not a duration"));
}

TEST_CASE("status --check leaves out incidents not yet started as of --at") {
  Home home;
  open_incident(home, {"Later", "-s", "P0", "--at", "2026-11-27T05:00:00Z"});
  const auto result = ok(home, {"-v", "status", "--check", "--at", k_t0_plus_20m});
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("All clear: 0 active incidents checked"));
}

TEST_CASE("status --check counts an incident file that does not parse as a problem") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  ok(home, {"ack", id, "--at", k_t0_plus_5m});
  ok(home, {"status", "--check", "--at", k_t0_plus_20m});
  write_text(home.file(id), "{ not json");
  const auto result = fails(home, {"status", "--check", "--at", k_t0_plus_20m}, 8);
  const auto lines = lines_of(result.out);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("unreadable: ") && Catch::Contains(id + ".json"));
  CHECK_THAT(result.err, Catch::Contains("warning") && !Catch::Contains("All clear"));
  const Json json = parse_json(fails(home, {"status", "--check", "--at", k_t0_plus_20m, "--json"}, 8).out);
  CHECK(json["ok"] == false);
  REQUIRE(json["problems"].size() == 1);
  CHECK(json["problems"][0]["kind"] == "unreadable");
  CHECK(json["problems"][0]["overdue"] == true);
}

TEST_CASE("a runbook without update cadence, declared triggers or a contact for a level") {
  Home home;
  const std::string rb = "--runbook=" + (fs::path(INCIDENT_SOURCE_DIR) / "runbooks/examples/minimal.yaml").string();
  const std::string id =
      parse_json(ok(home, {rb, "open", "Payments down", "-s", "P1", "--at", k_t0, "--json"}).out)["id"];
  // P1 "Major": ack within 10m; no progress after 1h; no cadence.
  const auto text = ok(home, {rb, "status", id, "--at", "2026-11-27T04:32:00Z"}).out;
  CHECK_THAT(text, Catch::Contains("Response SLA: 10m, due 03:22 UTC: breached (not acknowledged, overdue by 1h10m)\n"));
  CHECK_THAT(text, Catch::Contains("Updates:      no cadence set; none since the Initial Status Update\n"));
  CHECK_THAT(text, Catch::Contains("  [!] No progress after 1 hour: no update since the start, 1h20m ago\n"));
  CHECK_THAT(text, !Catch::Contains("declare one"));
  CHECK_THAT(text, Catch::Contains("Escalation:   level 2, Payments lead recommended; next: incident escalate " + id));
  const Json json = parse_json(ok(home, {rb, "status", id, "--at", "2026-11-27T04:32:00Z", "--json"}).out);
  CHECK(json["updates"]["every_seconds"].is_null());
  CHECK(json["updates"]["next_due_at"].is_null());
  CHECK(json["escalation"]["recommendation"]["contact"].is_null());

  const auto flag = fails(home, {rb, "flag", id, "security"}, 2);
  CHECK_THAT(flag.err, Catch::Contains("(triggers to flag: none)"));

  ok(home, {rb, "ack", id, "--at", "2026-11-27T04:33:00Z"});
  // Acked and without a cadence, nothing falls due: only the escalation is owed.
  const auto check = fails(home, {rb, "status", "--check", "--within", "1d", "--at", "2026-11-27T04:34:00Z"}, 8);
  CHECK(lines_of(check.out) ==
        std::vector<std::string>{id + " P1 escalation to level 2 recommended (Not acknowledged within the response "
                                      "time; No progress after 1 hour): Payments down"});
  CHECK(ok(home, {"prompt", "--at", "2026-11-27T04:34:00Z"}).out == "P1 " + short_id(id, {id}) + " investigating\n");

  const auto escalated = ok(home, {rb, "escalate", id, "--at", "2026-11-27T04:35:00Z"});
  CHECK(escalated.out ==
        "⬆️ ESCALATION: Payments down\n"
        "Severity: Major\n"
        "Status: Investigating\n"
        "Escalated to: Level 2, Payments lead\n"
        "Reason: Not acknowledged within the response time; No progress after 1 hour\n"
        "Commander: tester\n");
  ok(home, {rb, "status", "--check", "--within", "1d", "--at", "2026-11-27T04:36:00Z"});
}

// ---------------------------------------------------------------------------------------
// prompt

TEST_CASE("prompt prints one short line for the most pressing incident, nothing when none is open") {
  Home home;
  auto none = ok(home, {"prompt", "--at", k_t0_plus_20m});
  CHECK(none.out.empty());
  CHECK(none.err.empty());
  CHECK(parse_json(ok(home, {"prompt", "--at", k_t0_plus_20m, "--json"}).out).is_null());

  const std::string p2 = open_incident(home, {"Slow search", "-s", "P2"});
  CHECK(ok(home, {"prompt", "--at", k_t0_plus_20m}).out == "P2 " + short_id(p2, {p2}) + " ack in 3h40m\n");

  const std::string p0 = open_incident(home, {"Checkout down", "-s", "P0"});
  const std::vector<std::string> ids = {p2, p0};
  const auto result = ok(home, {"prompt", "--at", k_t0_plus_20m});
  CHECK(result.out == "P0 " + short_id(p0, ids) + " ack 5m overdue +1\n");
  CHECK(result.err.empty());
  CHECK(parse_json(ok(home, {"prompt", "--at", k_t0_plus_20m, "--json"}).out) ==
        "P0 " + short_id(p0, ids) + " ack 5m overdue +1");

  // Acked, the P0 owes its update at 03:42; at 03:50 that is 8m overdue.
  ok(home, {"ack", p0, "--at", k_t0_plus_20m});
  CHECK(ok(home, {"prompt", "--at", "2026-11-27T03:50:00Z"}).out ==
        "P0 " + short_id(p0, ids) + " update 8m overdue +1\n");
  // Resolved, it comes after the pending P2; closed, it is gone.
  ok(home, {"resolve", p0, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T03:51:00Z"});
  CHECK(ok(home, {"prompt", "--at", "2026-11-27T04:00:00Z"}).out == "P2 " + short_id(p2, ids) + " ack in 3h12m +1\n");
  ok(home, {"close", p0});
  CHECK(ok(home, {"prompt", "--at", "2026-11-27T04:00:00Z"}).out == "P2 " + short_id(p2, {p2}) + " ack in 3h12m\n");
  ok(home, {"resolve", p2, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T04:01:00Z"});
  CHECK(ok(home, {"prompt", "--at", "2026-11-27T04:02:00Z"}).out == "P2 " + short_id(p2, {p2}) + " resolved\n");
}

TEST_CASE("prompt does not need the runbook") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  const auto result = home.run({"prompt", "--at", k_t0_plus_20m}, {{"INCIDENT_RUNBOOK", "/nonexistent/runbook.yaml"}});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "P0 " + short_id(id, {id}) + " ack 5m overdue\n");
  CHECK(result.err.empty());
  // The same runbook breaks a command that reads it.
  CHECK(
      home.run({"status", id, "--at", k_t0_plus_20m}, {{"INCIDENT_RUNBOOK", "/nonexistent/runbook.yaml"}}).exit_code !=
      0);
}

// ---------------------------------------------------------------------------------------
// action items

TEST_CASE("action add, done and list keep the postmortem's action items") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P1"});
  auto none = ok(home, {"action", "list", id});
  CHECK(none.out.empty());
  CHECK_THAT(none.err, Catch::Contains("has no action items"));

  const auto added = ok(home, {"action", "add", id, "Add a canary stage", "--owner", "carol", "--due", "2026-12-15",
                               "--at", k_t0_plus_20m});
  CHECK(added.out.empty());
  CHECK(added.err == "Added action 1 to " + id + "\n");
  ok(home, {"action", "add", "Alert on 5xx", "--at", k_t0_plus_20m});  // without the ID: the one open

  const auto done = ok(home, {"action", "done", "2", "--as", "dave", "--at", "2026-11-27T03:40:00Z"});
  CHECK(done.err == "Done: action 2: Alert on 5xx\n");
  const std::size_t events = event_count(home, id);
  const auto twice = ok(home, {"action", "done", id, "2"});
  CHECK(twice.err == "Already done: action 2: Alert on 5xx\n");
  CHECK(event_count(home, id) == events);

  CHECK(ok(home, {"action", "list"}).out ==
        "  1. [ ] Add a canary stage (owner: carol, due 2026-12-15)\n"
        "  2. [x] Alert on 5xx (done 2026-11-27T03:40:00Z by dave)\n");
  const Json json = parse_json(ok(home, {"action", "list", id, "--json"}).out);
  REQUIRE(json.size() == 2);
  CHECK(json[0]["number"] == 1);
  CHECK(json[0]["text"] == "Add a canary stage");
  CHECK(json[0]["owner"] == "carol");
  CHECK(json[0]["due"] == "2026-12-15");
  CHECK(json[0]["done"] == false);
  CHECK(json[0]["done_at"].is_null());
  CHECK(json[1]["owner"].is_null());
  CHECK(json[1]["done"] == true);
  CHECK(json[1]["done_at"] == "2026-11-27T03:40:00Z");

  // After the incident is closed, the postmortem goes on.
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T04:00:00Z"});
  ok(home, {"close", id});
  ok(home, {"action", "add", id, "Write the runbook page"});
  ok(home, {"action", "done", id, "1"});
  CHECK_THAT(ok(home, {"action", "list", id}).out,
             Catch::Contains("  1. [x] Add a canary stage") && Catch::Contains("  3. [ ] Write the runbook page\n"));
}

TEST_CASE("action refuses a bad --due, a bad number, and records nothing") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P1"});
  ok(home, {"action", "add", id, "Add a canary stage"});
  const std::size_t events = event_count(home, id);
  for (const char* due : {"2026-02-30", "2026-13-01", "tomorrow", "2026-12-1", "2026-12-15T00:00:00Z"}) {
    INFO(due);
    const auto result = fails(home, {"action", "add", id, "x", "--due", due}, 2);
    CHECK_THAT(result.err, Catch::Contains("is not a date (YYYY-MM-DD)"));
  }
  fails(home, {"action", "add", id, "   "}, 2);  // empty text
  for (const char* number : {"0", "x", "1x", "-1", ""}) {
    INFO(number);
    const auto result = fails(home, {"action", "done", id, number}, 2);
    CHECK_THAT(result.err, Catch::Contains("is not an action number"));
  }
  const auto beyond = fails(home, {"action", "done", id, "2"}, 2);
  CHECK_THAT(beyond.err, Catch::Contains(id + " has no action 2 (it has 1)"));
  CHECK(event_count(home, id) == events);
  fails(home, {"action"}, 2);  // a subcommand is required
  fails(home, {"action", "list", "nosuchid"}, 4);
}

// ---------------------------------------------------------------------------------------
// report

TEST_CASE("report drafts the postmortem in Markdown with the exact ack time") {
  Home home;
  const std::string id = checkout_night(home);
  const auto result = ok(home, {"report", id, "--at", "2026-11-27T06:00:00Z"});
  CHECK(result.err.empty());
  // Every event was backfilled with --at, days before it was written down: the report
  // says so, by an amount that grows with the date the test runs on, masked here.
  CHECK_THAT(result.out, Catch::Contains(" (recorded "));
  const std::string stable =
      std::regex_replace(result.out, std::regex(R"( \(recorded [0-9dhm]+ later\))"), " (recorded … later)");
  check_golden("guidance_report.md", masked(stable, {id}));
  CHECK_THAT(result.out, Catch::Contains("| Time to acknowledge | 8m (SLA 1h for High: met) |\n"));
  CHECK_THAT(result.out, Catch::Contains("| Longest gap between updates | 1h15m (03:35Z to 04:50Z) |\n"));
  // The same from the default format named, and for a resolved incident --at changes nothing.
  CHECK(ok(home, {"report", id, "--format", "Markdown", "--at", "2026-11-27T09:00:00Z"}).out == result.out);
}

TEST_CASE("report --format json has the same facts") {
  Home home;
  const std::string id = checkout_night(home);
  const Json json = parse_json(ok(home, {"report", id, "--format", "json"}).out);
  INFO(json.dump(2));
  CHECK(json["id"] == id);
  CHECK(json["impact"] == "50% of checkouts fail");
  CHECK(json["status"] == "resolved");
  CHECK(json["metrics"]["time_to_acknowledge_seconds"] == 480);
  CHECK(json["metrics"]["ack_sla_seconds"] == 3600);
  CHECK(json["metrics"]["ack_sla_met"] == true);
  CHECK(json["metrics"]["time_to_resolve_seconds"] == 6480);
  CHECK(json["metrics"]["updates"] == 2);
  CHECK(json["metrics"]["longest_gap_seconds"] == 4500);
  REQUIRE(json["commanders"].size() == 2);
  CHECK(json["commanders"][0]["name"] == "alice");
  CHECK(json["commanders"][1] == Json{{"name", "bob"}, {"from", "2026-11-27T04:00:00Z"}});
  REQUIRE(json["escalations"].size() == 1);
  CHECK(json["escalations"][0]["level"] == 2);
  CHECK(json["escalations"][0]["reason"] == "payments failing too");
  REQUIRE(json["action_items"].size() == 2);
  CHECK(json["action_items"][1]["done_at"] == "2026-11-27T05:30:00Z");
  const Json& post = json["checklists"].back()["items"];  // the last phase's six, then the checklist's
  CHECK(post[6]["id"] == "post.system-stable");
  CHECK(post[6]["checked"] == true);
  CHECK(post[8]["skipped"] == "no ticket was opened");
  CHECK(json["timeline"].size() == event_count(home, id));
  // --json means the same.
  CHECK(parse_json(ok(home, {"report", id, "--json"}).out) == json);

  const auto bad = fails(home, {"report", id, "--format", "pdf"}, 2);
  CHECK_THAT(bad.err, Catch::Contains("--format 'pdf' is not one of: markdown, json"));
}

TEST_CASE("report of an unresolved incident runs to --at") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P0"});
  const auto md = ok(home, {"report", id, "--at", "2026-11-27T04:12:00Z"}).out;
  CHECK_THAT(md, Catch::Contains("| Duration | 1h (unresolved) |\n"));
  CHECK_THAT(md, Catch::Contains("| Time to acknowledge | not acknowledged (SLA 15m) |\n"));
  CHECK_THAT(md, Catch::Contains("## Root cause\n\nTBD\n"));
}

// ---------------------------------------------------------------------------------------
// check with post-incident items

TEST_CASE("check, skip and uncheck take the post-incident checklist's ids") {
  Home home;
  const std::string id = open_incident(home, {"Checkout down", "-s", "P1"});
  const auto checked = ok(home, {"check", id, "post.system-stable", "--at", k_t0_plus_20m});
  CHECK(checked.err == "Checked post.system-stable. Incident resolved and system stable\n");
  ok(home, {"check", "post.initial-report", "--at", k_t0_plus_20m});  // the one open incident
  ok(home, {"skip", id, "post.team-training", "--reason", "not needed", "--at", k_t0_plus_20m});
  ok(home, {"uncheck", id, "post.initial-report", "--at", k_t0_plus_20m});
  const auto md = ok(home, {"report", id, "--at", "2026-11-27T04:00:00Z"}).out;
  CHECK_THAT(md, Catch::Contains("- [x] Incident resolved and system stable\n"));
  // post.initial-report is the same as the phase's post-incident.incident-report: shown as it.
  CHECK_THAT(md, Catch::Contains("- [ ] Complete incident report\n"));
  CHECK(md.find("Initial incident report completed") == std::string::npos);
  CHECK_THAT(md, Catch::Contains("- [-] Team training completed if needed (skipped: not needed)\n"));
  const auto typo = fails(home, {"check", id, "post.system-stabel"}, 2);
  CHECK_THAT(typo.err, Catch::Contains("no checklist item 'post.system-stabel'") &&
                           Catch::Contains("did you mean 'post.system-stable'?"));
}

// ---------------------------------------------------------------------------------------
// stats

namespace {

// Five incidents on and around the night, figures worked out by hand below:
//   A P0 2026-11-20 10:00  acked +10m (met)       resolved +1h
//   B P0 2026-11-27 03:12  acked +20m (breached)  resolved +2h, closed
//   C P1 2026-11-27 04:00  never acked            resolved +30m (within 1h: met)
//   D P1 2026-11-27 05:00  acked +5m              unresolved
//   E P2 2026-11-28 00:00  acked +5h (breached)   resolved +6h
void open_five(const Home& home) {
  const std::string a = open_incident(home, {"A", "-s", "P0", "--at", "2026-11-20T10:00:00Z"});
  ok(home, {"ack", a, "--at", "2026-11-20T10:10:00Z"});
  ok(home, {"resolve", a, "--root-cause", "r", "--fix", "f", "--at", "2026-11-20T11:00:00Z"});
  const std::string b = open_incident(home, {"B", "-s", "P0"});
  ok(home, {"ack", b, "--at", "2026-11-27T03:32:00Z"});
  ok(home, {"resolve", b, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T05:12:00Z"});
  ok(home, {"close", b});
  const std::string c = open_incident(home, {"C", "-s", "P1", "--at", "2026-11-27T04:00:00Z"});
  ok(home, {"resolve", c, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T04:30:00Z"});
  const std::string d = open_incident(home, {"D", "-s", "P1", "--at", "2026-11-27T05:00:00Z"});
  ok(home, {"ack", d, "--at", "2026-11-27T05:05:00Z"});
  const std::string e = open_incident(home, {"E", "-s", "P2", "--at", "2026-11-28T00:00:00Z"});
  ok(home, {"ack", e, "--at", "2026-11-28T05:00:00Z"});
  ok(home, {"resolve", e, "--root-cause", "r", "--fix", "f", "--at", "2026-11-28T06:00:00Z"});
}

Json severity_of(const Json& stats, const std::string& severity) {
  for (const auto& s : stats["by_severity"]) {
    if (s["severity"] == severity) {
      return s;
    }
  }
  FAIL("no " << severity);
  return nullptr;
}

}  // namespace

TEST_CASE("stats over a set of incidents match the figures worked out by hand") {
  Home home;
  open_five(home);
  const auto result = ok(home, {"stats"});
  CHECK(result.err == "5 incidents, 4 resolved; times and SLA over the resolved ones.\n");
  // P0: TTA 10m 20m (mean 15m, p50 the 1st, p90 the 2nd); TTR 1h 2h; SLA 1 of 2.
  // P1: TTA none (C never acked, D unresolved); TTR 30m; SLA 1 of 1 (C resolved in time).
  // P2: TTA 5h; TTR 6h; SLA 0 of 1.
  // all: TTA 10m 20m 5h: mean 19800s/3 = 1h50m, p50 20m, p90 the 3rd = 5h;
  //      TTR 30m 1h 2h 6h: mean 34200s/4 = 2h22m30s (shown 2h22m), p50 the 2nd = 1h, p90 the 4th = 6h;
  //      SLA met by A and C, breached by B and E: 2 of 4.
  CHECK(result.out ==
        "SEV   INCIDENTS RESOLVED   TTA MEAN  TTA P50  TTA P90   TTR MEAN  TTR P50  TTR P90   ACK SLA MET\n"
        "P0            2        2        15m      10m      20m      1h30m       1h       2h   1/2 (50%)\n"
        "P1            2        1          -        -        -        30m      30m      30m   1/1 (100%)\n"
        "P2            1        1         5h       5h       5h         6h       6h       6h   0/1 (0%)\n"
        "P3            0        0          -        -        -          -        -        -   -\n"
        "all           5        4      1h50m      20m       5h      2h22m       1h       6h   2/4 (50%)\n");

  const Json json = parse_json(ok(home, {"stats", "--json"}).out);
  INFO(json.dump(2));
  CHECK(json["since"].is_null());
  const Json& all = json["all"];
  CHECK(all["incidents"] == 5);
  CHECK(all["resolved"] == 4);
  CHECK(
      all["time_to_acknowledge"] ==
      Json{
          {"count", 3}, {"mean_seconds", 6600}, {"p50_seconds", 1200}, {"p90_seconds", 18000}, {"max_seconds", 18000}});
  CHECK(
      all["time_to_resolve"] ==
      Json{
          {"count", 4}, {"mean_seconds", 8550}, {"p50_seconds", 3600}, {"p90_seconds", 21600}, {"max_seconds", 21600}});
  CHECK(all["ack_sla"]["met"] == 2);
  CHECK(all["ack_sla"]["breached"] == 2);
  CHECK(all["ack_sla"]["compliance"] == 0.5);
  const Json p1 = severity_of(json, "P1");
  CHECK(p1["severity_name"] == "High");
  CHECK(p1["time_to_acknowledge"]["count"] == 0);
  CHECK(p1["time_to_acknowledge"]["mean_seconds"].is_null());
  CHECK(p1["ack_sla"]["compliance"] == 1.0);
  CHECK(severity_of(json, "P2")["ack_sla"]["compliance"] == 0.0);
  CHECK(severity_of(json, "P3")["ack_sla"]["compliance"].is_null());
}

TEST_CASE("stats --since and --severity select the incidents") {
  Home home;
  open_five(home);
  // Since the night: B, C, D, E. TTA 20m 5h: mean 2h40m; TTR 30m 2h 6h: mean 10200s = 2h50m,
  // p50 the 2nd = 2h; SLA met by C only: 1 of 3.
  const auto since = ok(home, {"stats", "--since", "2026-11-27"});
  CHECK(since.err == "4 incidents since 2026-11-27T00:00:00Z, 3 resolved; times and SLA over the resolved ones.\n");
  CHECK_THAT(since.out,
             Catch::Contains("P0            1        1        20m      20m      20m         2h       2h       2h   "
                             "0/1 (0%)\n") &&
                 Catch::Contains("all           4        3      2h40m      20m       5h      2h50m       2h       6h   "
                                 "1/3 (33%)\n"));
  const Json since_json = parse_json(ok(home, {"stats", "--since", "2026-11-27", "--json"}).out);
  CHECK(since_json["since"] == "2026-11-27T00:00:00Z");
  CHECK(since_json["all"]["incidents"] == 4);
  CHECK(since_json["all"]["time_to_resolve"]["mean_seconds"] == 10200);

  // An RFC 3339 time works too, at or after: C (04:00), D, E.
  CHECK(parse_json(ok(home, {"stats", "--since", "2026-11-27T04:00:00Z", "--json"}).out)["all"]["incidents"] == 3);

  // One severity, by id or name: only its row, and "all" over it alone.
  const auto high = ok(home, {"stats", "--severity", "high"});
  CHECK(high.out ==
        "SEV   INCIDENTS RESOLVED   TTA MEAN  TTA P50  TTA P90   TTR MEAN  TTR P50  TTR P90   ACK SLA MET\n"
        "P1            2        1          -        -        -        30m      30m      30m   1/1 (100%)\n"
        "all           2        1          -        -        -        30m      30m      30m   1/1 (100%)\n");
  const Json p0 = parse_json(ok(home, {"stats", "--severity", "P0", "--since", "2026-11-21", "--json"}).out);
  REQUIRE(p0["by_severity"].size() == 1);
  CHECK(p0["by_severity"][0]["severity"] == "P0");
  CHECK(p0["all"]["incidents"] == 1);
  CHECK(p0["all"]["ack_sla"]["breached"] == 1);

  fails(home, {"stats", "--since", "last week"}, 2);
  fails(home, {"stats", "--since", "2026-02-30"}, 2);
  const auto bad = fails(home, {"stats", "--severity", "P9"}, 2);
  CHECK_THAT(bad.err, Catch::Contains("P9"));
}

TEST_CASE("stats with no incidents prints the empty table") {
  Home home;
  const auto result = ok(home, {"stats"});
  CHECK_THAT(result.out,
             Catch::EndsWith("all           0        0          -        -        -          -        -        -   "
                             "-\n"));
  CHECK(parse_json(ok(home, {"stats", "--json"}).out)["all"]["ack_sla"]["compliance"].is_null());
}
