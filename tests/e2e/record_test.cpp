// "A record you can trust" (#9): the wrong answers a new user found, each pinned by a test
// that failed before its fix, through the real binary. Timelines are backfilled with --at
// on the night of 2026-11-27; nothing sleeps.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

Result fails(const Home& home, const std::vector<std::string>& args, int code) {
  auto result = home.run(args);
  INFO("incident " << Catch::Detail::stringify(args) << "\n" << describe(result));
  REQUIRE(result.exit_code == code);
  return result;
}

fs::path sre_runbook() { return fs::path(INCIDENT_TEST_DATA) / "runbooks" / "sre.yaml"; }

// The P0 of the issue: opened 03:12, acked 03:31 (due 03:27: breached by 4m), then
// downgraded to P1 (whose 1h it would have met), resolved 04:10.
std::string regraded_p0(const Home& home) {
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P0"});
  ok(home, {"ack", id, "--as", "alice", "--at", "2026-11-27T03:31:00Z"});
  ok(home, {"severity", id, "P1", "--at", "2026-11-27T03:40:00Z"});
  ok(home, {"resolve", id, "--root-cause", "bad config", "--fix", "rolled back", "--at", "2026-11-27T04:10:00Z"});
  return id;
}

}  // namespace

// 1. Opened under a team runbook, `check ID 1 2` without --runbook ticked the bundled
// runbook's items, and `render` switched to the bundled templates, silently.
TEST_CASE("an incident is pinned to the runbook it was opened under") {
  Home home;
  const std::string runbook = sre_runbook().string();
  const std::string id = open_incident(home, {"Card auth failing", "-s", "SEV1", "--runbook", runbook});
  const Json opened = parse_json(ok(home, {"show", id, "--json"}).out);
  REQUIRE(opened["runbook"].is_object());
  CHECK(opened["runbook"]["source"] == runbook);
  CHECK(opened["runbook"]["digest"].get<std::string>().rfind("sha256:", 0) == 0);

  for (const auto& args : {std::vector<std::string>{"check", id, "1", "2"},
                           std::vector<std::string>{"render", id, "initial"},
                           std::vector<std::string>{"update", id, "--findings", "f", "--next", "n"},
                           std::vector<std::string>{"checklist", id}, std::vector<std::string>{"status", id}}) {
    INFO(Catch::Detail::stringify(args));
    const auto refused = fails(home, args, 7);
    CHECK(refused.out.empty());
    CHECK_THAT(refused.err, Catch::Contains(id + " runs under the runbook " + runbook));
    CHECK_THAT(refused.err, Catch::Contains("lacks its severity SEV1"));
    CHECK_THAT(refused.err, Catch::Contains("pass --runbook " + runbook));
  }
  // Nothing was ticked, nothing was recorded.
  CHECK(parse_json(ok(home, {"show", id, "--json"}).out)["events"].size() == 1);

  // Under its own runbook everything works, and quietly.
  const auto checked = ok(home, {"check", id, "1", "--runbook", runbook});
  CHECK_THAT(checked.err, Catch::StartsWith("Checked 1. "));
  CHECK_THAT(checked.err, !Catch::Contains("warning"));

  // A changed but compatible copy (a template reworded) serves, with a warning.
  TempDir dir;
  std::string text = slurp(sre_runbook());
  const auto at = text.find("PAYMENTS INCIDENT");
  REQUIRE(at != std::string::npos);
  text.replace(at, 8, "PAYMENT");
  const fs::path changed = dir.path() / "sre-v2.yaml";
  std::ofstream(changed) << text;
  const auto rendered = ok(home, {"render", id, "initial", "--runbook", changed.string()});
  CHECK_THAT(rendered.out, Catch::Contains("PAYMENT INCIDENT"));
  CHECK_THAT(rendered.err, Catch::StartsWith("incident: warning: " + id + " was opened under the runbook " + runbook));
  CHECK_THAT(rendered.err, Catch::Contains("differs but has everything it uses"));
}

// 2. The JSON moved the ack due time to the P1 SLA after the downgrade (04:12, "met").
TEST_CASE("show --json carries the SLA that applied and its verdict after a re-grade") {
  Home home;
  const std::string id = regraded_p0(home);
  const Json json = parse_json(ok(home, {"show", id, "--json"}).out);
  CHECK(json["severity"] == "P1");
  CHECK(json["ack_due_at"] == "2026-11-27T03:27:00Z");
  CHECK(json["ack_sla_severity"] == "P0");
  CHECK(json["ack_sla_seconds"] == 900);
  CHECK(json["ack_sla"] == "breached");
  CHECK(json["response_sla"]["severity"] == "P0");
  CHECK(json["response_sla"]["state"] == "breached");
  CHECK(json["response_sla"]["responded_at"] == "2026-11-27T03:31:00Z");
  const Json listed = parse_json(ok(home, {"list", "--all", "--json"}).out);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["ack_due_at"] == "2026-11-27T03:27:00Z");
  CHECK(listed[0]["ack_sla"] == "breached");
}

// 3. stats counted it as a P1 that missed the P1 SLA, and the P0 row said 0.
TEST_CASE("stats counts a re-graded incident once, under the severity its response was judged by") {
  Home home;
  const std::string id = regraded_p0(home);
  const Json stats = parse_json(ok(home, {"stats", "--json"}).out);
  for (const auto& row : stats["by_severity"]) {
    INFO(row.dump());
    if (row["severity"] == "P0") {
      CHECK(row["incidents"] == 1);
      CHECK(row["ack_sla"]["breached"] == 1);
      CHECK(row["ack_sla"]["met"] == 0);
    } else {
      CHECK(row["incidents"] == 0);
    }
  }
  CHECK(stats["all"]["incidents"] == 1);
  // The report's header shows the re-grade.
  CHECK_THAT(ok(home, {"report", id}).out, Catch::Contains("| Severity | Critical (P0) → High (P1) |\n"));
}

// 4. close --at 04:05 after a resolution at 04:10 was accepted.
TEST_CASE("an event may not be dated before the event it depends on") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T04:10:00Z"});
  const auto early = fails(home, {"close", id, "--at", "2026-11-27T04:05:00Z"}, 2);
  CHECK_THAT(early.err, Catch::Contains("--at 2026-11-27T04:05:00Z is before it was resolved (2026-11-27T04:10:00Z)"));
  ok(home, {"close", id, "--at", "2026-11-27T04:30:00Z"});
  const auto reopened = fails(home, {"reopen", id, "--at", "2026-11-27T04:20:00Z"}, 2);
  CHECK_THAT(reopened.err, Catch::Contains("is before it was closed (2026-11-27T04:30:00Z)"));

  const std::string flagged = open_incident(home, {"DB down", "-s", "P0"});
  ok(home, {"flag", flagged, "security", "--at", "2026-11-27T03:30:00Z"});
  const auto unflag = fails(home, {"unflag", flagged, "security", "--at", "2026-11-27T03:20:00Z"}, 2);
  CHECK_THAT(unflag.err, Catch::Contains("is before it was flagged (2026-11-27T03:30:00Z)"));
}

// 5. A hand edit to a closed incident never reached `list --all` or `stats`: the closed
// log was append-only and never checked against the files.
TEST_CASE("a closed incident edited in place reaches list --all and stats") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T04:10:00Z"});
  ok(home, {"close", id, "--at", "2026-11-27T04:30:00Z"});
  CHECK_THAT(ok(home, {"list", "--all"}).out, Catch::Contains("Checkout API 500s"));
  const fs::path file = home.state() / "incidents" / (id + ".json");
  const fs::path dir = file.parent_path();
  const auto dir_mtime = fs::last_write_time(dir);
  std::string text = slurp(file);
  const auto at = text.find("\"P1\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 4, "\"P2\"");
  const auto title = text.find("Checkout API 500s");
  REQUIRE(title != std::string::npos);
  text.replace(title, 17, "Checkout API 503s");
  std::ofstream(file, std::ios::in | std::ios::out | std::ios::trunc) << text;  // in place: same inode
  fs::last_write_time(dir, dir_mtime);
  const auto listed = ok(home, {"list", "--all"});
  CHECK_THAT(listed.out, Catch::Contains("Checkout API 503s") && !Catch::Contains("500s"));
  const Json stats = parse_json(ok(home, {"stats", "--json"}).out);
  for (const auto& row : stats["by_severity"]) {
    CHECK(row["incidents"] == (row["severity"] == "P2" ? 1 : 0));
  }
}

// A writer does not check the other open incidents' lines against their files (readers
// do), but one of them that settles into the log, which `list` does not read again, is.
TEST_CASE("an open incident edited in place is listed as it is after another's write settles it") {
  Home home;
  const std::map<std::string, std::string> night = {{"INCIDENT_NOW", "2026-11-27T05:00:00Z"}};
  const std::map<std::string, std::string> later = {{"INCIDENT_NOW", "2026-12-10T00:00:00Z"}};
  auto run = [&](const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    const auto result = home.run(args, env);
    INFO("incident " << Catch::Detail::stringify(args) << "\n" << describe(result));
    REQUIRE(result.exit_code == 0);
    return result;
  };
  const std::string edited = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const std::string other = open_incident(home, {"Search is slow", "-s", "P2"});
  const fs::path file = home.file(edited);
  const std::string unresolved = slurp(file);
  run({"resolve", edited, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T04:10:00Z"}, night);
  // Reopened by hand, in place: same inode, the directory as it was.
  const auto dir_mtime = fs::last_write_time(file.parent_path());
  std::ofstream(file, std::ios::in | std::ios::out | std::ios::trunc) << unresolved;
  fs::last_write_time(file.parent_path(), dir_mtime);
  // A fortnight on, a write to the other one: the index's stale line for the edited one
  // says resolved before the cutoff.
  run({"note", other, "still slow"}, later);
  const auto listed = run({"list"}, later);
  CHECK_THAT(listed.out, Catch::Contains(edited) && Catch::Contains("Checkout API 500s") &&
                             !Catch::Contains("never closed"));
}

// 6. With one open incident's file corrupt, `incident ack` acked the readable one.
TEST_CASE("the implicit id is refused while an incident file cannot be read, naming it") {
  Home home;
  const std::string good = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const std::string bad = open_incident(home, {"Search is slow", "-s", "P2"});
  const fs::path bad_file = home.state() / "incidents" / (bad + ".json");
  std::ofstream(bad_file, std::ios::trunc) << "{\"schema\": 2, \"id\": ";
  const auto refused = fails(home, {"ack", "--at", "2026-11-27T03:20:00Z"}, 5);
  CHECK_THAT(refused.err, Catch::Contains(bad_file.string()) && Catch::Contains("give an ID"));
  CHECK(parse_json(ok(home, {"show", good, "--json"}).out)["acknowledged_at"].is_null());
  ok(home, {"ack", good, "--at", "2026-11-27T03:20:00Z"});  // with its id it works
}

// The 10,000 incidents teams resolve and never close do not bury the open ones.
TEST_CASE("list counts the incidents resolved more than a week ago in one line") {
  Home home;
  for (int i = 0; i < 3; ++i) {
    const std::string old = open_incident(home, {"Old " + std::to_string(i), "-s", "P2", "--at", "2026-10-01T03:00:00Z"});
    ok(home, {"resolve", old, "--root-cause", "r", "--fix", "f", "--at", "2026-10-01T04:00:00Z"});
  }
  const std::string active = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const auto listed = ok(home, {"list"});
  CHECK_THAT(listed.out, Catch::Contains(active) && !Catch::Contains("Old "));
  CHECK_THAT(listed.out, Catch::EndsWith("... and 3 incidents resolved more than 7 days ago, never closed "
                                         "(incident list --all)\n"));
  CHECK(parse_json(ok(home, {"list", "--json"}).out).size() == 4);  // scripts get them all
  CHECK(parse_json(ok(home, {"list", "--all", "--json"}).out).size() == 4);
  const auto then = ok(home, {"list", "--at", "2026-10-02T00:00:00Z"});  // as of when they were recent
  CHECK_THAT(then.out, Catch::Contains("Old 2") && !Catch::Contains("never closed"));
}

// 7. `--json render` printed the incident object without the message, and the lines
// `severity`, `handoff` and `escalate` print for the channel were lost under --json.
TEST_CASE("every command that prints a message has it in its JSON document") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1", "--json"});
  struct Case {
    std::vector<std::string> args;
    std::string name;
    std::string starts;
  };
  const std::vector<Case> cases = {
      {{"render", id, "initial", "--json"}, "Initial Status Update", "🚨 INCIDENT: Checkout API 500s\n"},
      {{"update", id, "--findings", "f", "--next", "n", "--json"}, "Investigation Update", ""},
      {{"severity", id, "P0", "--json"}, "Severity change", "⚠️ SEVERITY: Checkout API 500s is now Critical (P0)"},
      {{"handoff", id, "carol", "--json"}, "Commander change", "👤 COMMANDER: Checkout API 500s is now commanded by carol"},
      {{"escalate", id, "--json"}, "Escalation", "⬆️ ESCALATION: Checkout API 500s\n"},
      {{"resolve", id, "--root-cause", "r", "--fix", "f", "--json"}, "Resolution Update", ""},
  };
  for (const auto& c : cases) {
    INFO(Catch::Detail::stringify(c.args));
    const auto result = ok(home, c.args);
    const Json json = parse_json(result.out);
    CHECK(json["id"] == id);
    REQUIRE(json.contains("message"));
    CHECK(json["message"]["name"] == c.name);
    CHECK(json["message"]["text"].get<std::string>().rfind(c.starts, 0) == 0);
    // The same text as without --json.
    if (c.args.front() == "render") {
      CHECK(json["message"]["text"] == ok(home, {"render", id, "initial"}).out);
    }
  }
}

// 8. `escalate --level 0` escalated to level 2.
TEST_CASE("escalate --level 0 is a usage error like any level off the path") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P0"});
  for (const char* level : {"0", "-1", "9"}) {
    INFO(level);
    const auto result = fails(home, {"escalate", id, "--level", level}, 2);
    CHECK_THAT(result.err, Catch::Contains("is not a level of the escalation path (1 to 4)"));
  }
  CHECK(parse_json(ok(home, {"show", id, "--json"}).out)["escalation_level"] == 0);
}

// 13. status of a closed incident showed an age that kept growing.
TEST_CASE("status of a resolved or closed incident shows its duration, which stops growing") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T04:12:00Z"});
  ok(home, {"close", id, "--at", "2026-11-27T04:30:00Z"});
  for (const char* at : {"2026-11-27T05:00:00Z", "2026-12-01T00:00:00Z"}) {
    INFO(at);
    const auto result = ok(home, {"status", id, "--at", at});
    CHECK_THAT(result.out, Catch::Contains("(duration 1h)"));
    CHECK(parse_json(ok(home, {"status", id, "--at", at, "--json"}).out)["age_seconds"] == 3600);
  }
}

// 15. An incident file over 16 MiB exited 3 ("invalid runbook") instead of 5.
TEST_CASE("an incident file too large to read is a corrupt state file, exit 5") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  {
    std::ofstream grow(home.file(id), std::ios::app);
    grow << std::string(std::size_t{17} * 1024 * 1024, ' ');
  }
  const auto result = fails(home, {"show", id}, 5);
  CHECK_THAT(result.err, Catch::Contains(home.file(id).string() + ": file is larger than"));
}
