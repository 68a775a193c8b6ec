// The moments of an incident at 3 a.m. (#12), through the real binary: --at as people
// type it (a fixed TZ and a fixed clock through INCIDENT_NOW), times in the user's zone
// and the team's, messages a channel can act on, guidance after each step, and what a
// terminal gets: prompts, width and colour, driven through a pseudo-terminal.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"
#include "support/pty.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Central European Time as a POSIX TZ string: no tzdata needed. 09:00Z is 10:00 CET.
const std::string k_cet = "CET-1CEST,M3.5.0,M10.5.0/3";
const std::string k_now = "2026-12-02T09:00:00Z";

std::map<std::string, std::string> at_night(const std::string& now = k_now, const std::string& tz = k_cet) {
  return {{"TZ", tz}, {"INCIDENT_NOW", now}};
}

Result run_ok(const Home& home, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env = at_night()) {
  const Result result = home.run(args, env);
  INFO("incident " << Catch::Detail::stringify(args) << "\n" << describe(result));
  REQUIRE(result.exit_code == 0);
  return result;
}

std::string opened(const Home& home, std::vector<std::string> args,
                   const std::map<std::string, std::string>& env = at_night()) {
  args.insert(args.begin(), "open");
  args.push_back("--json");
  return parse_json(run_ok(home, args, env).out)["id"].get<std::string>();
}

Json shown(const Home& home, const std::string& id) {
  return parse_json(run_ok(home, {"show", id, "--json"}).out);
}

std::string last_event_at(const Home& home, const std::string& id) {
  return shown(home, id)["events"].back()["at"].get<std::string>();
}

std::size_t event_count(const Home& home, const std::string& id) { return shown(home, id)["events"].size(); }

// The bundled runbook with its `timezone:` set to `zone`, written into the home.
fs::path team_runbook(const Home& home, const std::string& zone, const std::string& extra = {}) {
  std::string yaml = read_text(fs::path(INCIDENT_SOURCE_DIR) / "runbooks/default.yaml");
  const std::string key = "timezone: UTC\n";
  const auto at = yaml.find(key);
  REQUIRE(at != std::string::npos);
  yaml.replace(at, key.size(), "timezone: \"" + zone + "\"\n");
  const fs::path path = home.path() / "team.yaml";
  write_text(path, yaml + extra);
  return path;
}

std::vector<std::string> screen_lines(const std::string& screen) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < screen.size()) {
    std::size_t end = screen.find('\n', start);
    if (end == std::string::npos) {
      end = screen.size();
    }
    std::string line = screen.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::size_t columns_of(const std::string& line) {
  return static_cast<std::size_t>(std::count_if(
      line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

TerminalRun on_terminal(const Home& home, const std::vector<std::string>& args, std::vector<Keystrokes> script = {},
                        std::map<std::string, std::string> env = at_night()) {
  TerminalRun run;
  run.how = home.how(args, std::move(env));
  run.script = std::move(script);
  return run;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Times

TEST_CASE("at: --at reads the forms people type, in their zone, and says what it understood") {
  Home home;
  const std::string id = opened(home, {"DB down", "-s", "P1", "--at", "03:12"});
  CHECK(shown(home, id)["started_at"] == "2026-12-02T02:12:00Z");

  const Result noted = run_ok(home, {"note", id, "first", "--at", "2026-12-02 03:15"});
  CHECK(noted.err.rfind("Recorded at 2026-12-02 03:15 CET, 2026-12-02 02:15 UTC (6h 45m ago).\n", 0) == 0);
  CHECK(last_event_at(home, id) == "2026-12-02T02:15:00Z");
  run_ok(home, {"note", id, "second", "--at", "-15m"});
  CHECK(last_event_at(home, id) == "2026-12-02T08:45:00Z");
  run_ok(home, {"note", id, "third", "--at", "10m ago"});
  CHECK(last_event_at(home, id) == "2026-12-02T08:50:00Z");
  run_ok(home, {"note", id, "fourth", "--at", "today 09:55"});
  CHECK(last_event_at(home, id) == "2026-12-02T08:55:00Z");

  const std::string earlier = opened(home, {"Cache cold", "-s", "P2", "--at", "yesterday 23:50"});
  CHECK(shown(home, earlier)["started_at"] == "2026-12-01T22:50:00Z");

  // RFC 3339 is what scripts pass: nothing to explain.
  const Result exact = run_ok(home, {"note", id, "fifth", "--at", "2026-12-02T08:58:00Z"});
  CHECK(exact.err.find("Recorded at") == std::string::npos);
}

TEST_CASE("a bare time that would lie in the future is the most recent past one") {
  Home home;
  // 00:10 CET on Dec 2: 23:50 is yesterday's.
  const std::string id = opened(home, {"Night", "-s", "P1", "--at", "23:50"}, at_night("2026-12-01T23:10:00Z"));
  CHECK(shown(home, id)["started_at"] == "2026-12-01T22:50:00Z");
}

TEST_CASE("a malformed or ambiguous --at is a usage error showing the forms, and records nothing") {
  Home home;
  for (const std::string bad : {"03:12pm", "tomorrow", "+15m", "in 15m", "25:00", "2026-02-30 03:12", "- 15m"}) {
    INFO(bad);
    const Result result = home.run({"open", "X", "-s", "P1", "--at", bad}, at_night());
    CHECK(result.exit_code == 2);
    CHECK(result.err.rfind("incident: error: --at '" + bad + "': ", 0) == 0);
    // The accepted forms, once.
    const std::string forms = "03:12, 2026-11-27 03:12, yesterday 23:50, -15m, 15m ago";
    const auto first = result.err.find(forms);
    CHECK(first != std::string::npos);
    CHECK(result.err.find(forms, first + 1) == std::string::npos);
    CHECK(result.err.find("Recorded at") == std::string::npos);
  }
  // On the autumn night the clocks go back, 02:30 happens twice.
  const Result twice = home.run({"open", "X", "-s", "P1", "--at", "02:30"}, at_night("2026-10-25T12:00:00Z"));
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("happens twice"));
  CHECK_FALSE((fs::exists(home.state() / "incidents") && !fs::is_empty(home.state() / "incidents")));
}

TEST_CASE("text for people is in their zone with its label, the channel's in the team's") {
  Home home;
  const std::string id = opened(home, {"DB down", "-s", "P1", "--at", "03:12"});
  // The channel: the bundled runbook's team zone is UTC, labelled.
  CHECK_THAT(run_ok(home, {"render", id, "initial"}).out, Catch::Contains("Started: 2026-12-02 02:12 UTC\n"));
  // People: their zone, and how long ago.
  const Result status = run_ok(home, {"status", id});
  CHECK_THAT(status.out, Catch::Contains("As of:        2026-12-02 10:00 CET (age 6h48m)\n"));
  CHECK_THAT(status.out, Catch::Contains("Response SLA: 1h, due 04:12 CET: breached"));
  CHECK_THAT(run_ok(home, {"show", id}).out, Catch::Contains("Started:      2026-12-02 03:12 CET (6h 48m ago)\n"));
  const Result list = run_ok(home, {"list"});
  CHECK_THAT(list.out, Catch::Contains("STARTED (CET)"));
  CHECK_THAT(list.out, Catch::Contains("2026-12-02 03:12  6h 48m ago"));
  // JSON stays RFC 3339 UTC.
  CHECK(shown(home, id)["started_at"] == "2026-12-02T02:12:00Z");

  // A team in New York: the channel reads its messages in Eastern time, labelled.
  const fs::path runbook = team_runbook(home, "EST5EDT,M3.2.0,M11.1.0");
  const std::string ny = opened(home, {"--runbook", runbook.string(), "Queue stuck", "-s", "P2", "--at", "03:12"});
  CHECK_THAT(run_ok(home, {"--runbook", runbook.string(), "render", ny, "initial"}).out,
             Catch::Contains("Started: 2026-12-01 21:12 EST\n"));
}

TEST_CASE("the ack deadline says how long is left, and list how long ago it began") {
  Home home;
  const Result result = home.run({"open", "DB down", "-s", "P0", "--at", "09:49"}, at_night("2026-12-02T10:00:00Z", "UTC"));
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("ack by 10:04 UTC: 15m for Critical, due in 4m."));
  const Result list = run_ok(home, {"list"}, at_night("2026-12-02T10:01:00Z", "UTC"));
  CHECK_THAT(list.out, Catch::Contains("12m ago"));
}

TEST_CASE("eta: --eta 30m is stored as the time it means, and a later update without one says so") {
  Home home;
  const std::string id = opened(home, {"DB down", "-s", "P1", "--at", "08:40"}, at_night(k_now, "UTC"));
  const Result update = run_ok(home, {"update", id, "--findings", "bad deploy", "--next", "roll back", "--eta", "30m",
                                      "--at", "08:45"},
                               at_night(k_now, "UTC"));
  CHECK_THAT(update.out, Catch::Contains("ETA: 30m (by 09:15 UTC)\n"));
  const Json events = shown(home, id)["events"];
  CHECK(events.back()["eta"] == "30m");
  CHECK(events.back()["eta_at"] == "2026-12-02T09:15:00Z");
  const Result later = run_ok(home, {"update", id, "--findings", "rolling back", "--next", "watch"},
                              at_night("2026-12-02T08:50:00Z", "UTC"));
  CHECK_THAT(later.err, Catch::Contains("This update gives no ETA; the last one was 30m (by 09:15 UTC).\n"));
  CHECK_THAT(later.out, Catch::Contains("ETA: TBD\n"));
}

// ---------------------------------------------------------------------------------------
// Messages a channel can act on

TEST_CASE("a team template can use the new placeholders without code changes") {
  Home home;
  const fs::path dir = home.path() / "team";
  fs::create_directories(dir);
  std::string yaml = read_text(fs::path(INCIDENT_SOURCE_DIR) / "runbooks/default.yaml");
  const std::string initial = "  initial:\n    name: Initial Status Update\n";
  const auto at = yaml.find(initial);
  REQUIRE(at != std::string::npos);
  yaml.replace(at, initial.size(), "  initial:\n    name: Initial Status Update\n    file: initial.txt\n");
  write_text(dir / "runbook.yaml", yaml);
  write_text(dir / "initial.txt",
             "{{id}} {{severity}} {{title}}\nCommander: {{commander}}\nNext update: {{next_update}}\n"
             "Open for: {{duration}}\n");
  const std::map<std::string, std::string> env = {{"TZ", "UTC"}, {"INCIDENT_NOW", "2026-11-27T03:40:00Z"}};
  const Result result = home.run({"--runbook", (dir / "runbook.yaml").string(), "open", "DB down", "-s", "P1",
                                  "--commander", "alice", "--at", "03:12"},
                                 env);
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  const std::string id = result.out.substr(0, result.out.find(' '));
  CHECK(result.out == id + " P1 DB down\nCommander: alice\nNext update: 2026-11-27 03:42 UTC\nOpen for: 28m\n");
}

TEST_CASE("open --ack opens and acknowledges in one step, the alert hook's open stays unassigned") {
  Home home;
  const std::map<std::string, std::string> env = {{"TZ", "UTC"}, {"INCIDENT_USER", "alice"}};
  const Result paged = home.run({"open", "DB down", "-s", "P0", "--ack", "--at", k_t0}, env);
  REQUIRE(paged.exit_code == 0);
  CHECK_THAT(paged.out, Catch::Contains("Commander: alice\n"));
  CHECK_THAT(paged.err, Catch::Contains("acknowledged by alice"));
  CHECK_THAT(paged.err, Catch::Contains("Ticked 1. Acknowledge the incident in the incident channel\n"));
  CHECK_THAT(paged.err, Catch::Contains("[x]  1. Acknowledge the incident in the incident channel\n"));

  const Result hook = home.run({"open", "Disk full", "-s", "P1", "--as", "alert-hook", "--at", k_t0}, env);
  REQUIRE(hook.exit_code == 0);
  CHECK_THAT(hook.out, Catch::Contains("Commander: unassigned\n"));
  CHECK_THAT(hook.err, Catch::Contains("Next: incident ack"));
}

TEST_CASE("edit changes the title and impact on the record, messages and report use the latest") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1", "--impact", "some users"});
  const Result edited = ok(home, {"edit", id, "--title", "Primary DB down", "--impact", "all writes fail", "--at",
                                  "2026-11-27T03:20:00Z"});
  CHECK_THAT(edited.err, Catch::Contains("Edited " + id));
  const Json events = parse_json(ok(home, {"show", id, "--json"}).out)["events"];
  CHECK(events.back()["type"] == "edited");
  CHECK(events.back()["title"] == "Primary DB down");
  const std::string message = ok(home, {"render", id, "initial"}).out;
  CHECK_THAT(message, Catch::StartsWith("🚨 INCIDENT: Primary DB down\n"));
  CHECK_THAT(message, Catch::Contains("Impact: all writes fail\n"));
  CHECK_THAT(ok(home, {"report", id, "--at", "2026-11-27T04:00:00Z"}).out, Catch::Contains("Primary DB down"));
  // The same again records nothing; no field is a usage error.
  const std::size_t count = events.size();
  CHECK_THAT(ok(home, {"edit", id, "--title", "Primary DB down"}).err, Catch::Contains("nothing recorded"));
  CHECK(event_count(home, id) == count);
  CHECK(home.run({"edit", id}).exit_code == 2);
}

TEST_CASE("severity and handoff take --reason, and the channel reads it") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1", "--commander", "gus"});
  CHECK_THAT(ok(home, {"severity", id, "P0", "--reason", "revenue impact", "--at", "2026-11-27T03:20:00Z"}).out,
             Catch::Contains("was High (P1): revenue impact"));
  CHECK_THAT(ok(home, {"handoff", id, "bob", "--reason", "end of shift", "--at", "2026-11-27T03:21:00Z"}).out,
             Catch::Contains("(was gus): end of shift"));
  const Json events = parse_json(ok(home, {"show", id, "--json"}).out)["events"];
  CHECK(events[events.size() - 2]["reason"] == "revenue impact");
  CHECK(events.back()["reason"] == "end of shift");
}

// ---------------------------------------------------------------------------------------
// Guidance at every step

TEST_CASE("after a late ack: the SLA was missed, and whom the runbook says to call") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P0"});
  const Result late = ok(home, {"ack", id, "--as", "gus", "--at", "2026-11-27T03:40:00Z"});
  CHECK_THAT(late.err, Catch::Contains("The response SLA was missed: 15m for Critical, acknowledged 13m late.\n"));
  CHECK_THAT(late.err, Catch::Contains("The runbook recommends escalating to level 2, Senior engineer or team lead"));
  CHECK_THAT(late.err, Catch::Contains("incident escalate " + id));

  const std::string on_time = open_incident(home, {"Cache cold", "-s", "P0"});
  const Result prompt = ok(home, {"ack", on_time, "--at", "2026-11-27T03:20:00Z"});
  CHECK(prompt.err.find("missed") == std::string::npos);
  CHECK_THAT(prompt.err, Catch::Contains("Next update overdue, it was due"));
}

TEST_CASE("after update: when the next one is due, after severity: the new SLA and cadence") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  const Result update = home.run({"update", id, "--findings", "f", "--next", "n", "--at", "03:30"},
                                 {{"INCIDENT_NOW", "2026-11-27T03:31:00Z"}});
  REQUIRE(update.exit_code == 0);
  CHECK_THAT(update.err, Catch::Contains("Next update due 04:00 UTC (in 29m) (every 30m)"));
  const Result regrade = home.run({"severity", id, "P2", "--at", "03:35"}, {{"INCIDENT_NOW", "2026-11-27T03:36:00Z"}});
  REQUIRE(regrade.exit_code == 0);
  CHECK_THAT(regrade.err, Catch::Contains("Now Medium (P2): respond within 4h"));
  CHECK_THAT(regrade.err, Catch::Contains("updates every 2h."));
}

TEST_CASE("note, check and flag confirm on stderr in one line") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  CHECK(ok(home, {"note", id, "rollback started", "--at", "2026-11-27T03:15:00Z"}).err ==
        "Noted on " + id + " (2 events on the timeline).\n");
  CHECK(ok(home, {"check", id, "2", "--at", "2026-11-27T03:16:00Z"}).err == "Checked 2. Check system health dashboard\n");
  CHECK_THAT(ok(home, {"flag", id, "security", "--at", "2026-11-27T03:17:00Z"}).err,
             Catch::StartsWith("Flagged security (Security implications)\n"));
}

TEST_CASE("ack, taking command and posting tick the runbook items they complete") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  const Result acked = ok(home, {"ack", id, "--as", "gus", "--at", "2026-11-27T03:15:00Z"});
  CHECK_THAT(acked.err, Catch::Contains("Ticked 1. Acknowledge the incident in the incident channel\n"));
  CHECK_THAT(acked.err, Catch::Contains("Ticked 4. If not, take incident commander role\n"));
  // Copying the Initial Status Update to the clipboard (a stand-in clipboard tool) posts it.
  const fs::path bin = home.path() / "bin";
  fs::create_directories(bin);
  write_text(bin / "xclip", "#!/bin/sh\ncat > \"$HOME/clipboard\"\n");
  fs::permissions(bin / "xclip", fs::perms::owner_all);
  const Result copied = home.run({"render", id, "initial", "--copy"},
                                 {{"PATH", bin.string() + ":/usr/bin:/bin"}, {"DISPLAY", ":0"}});
  INFO(describe(copied));
  REQUIRE(copied.exit_code == 0);
  CHECK_THAT(copied.err, Catch::Contains("Ticked 9. Post initial status update\n"));
  const Json checklist = parse_json(ok(home, {"checklist", id, "--json"}).out);
  int checked = 0;
  for (const auto& item : checklist["phases"][0]["groups"][0]["items"]) {
    checked += item["checked"] == true ? 1 : 0;
  }
  CHECK(checked == 2);
}

TEST_CASE("the post-incident checklist appears once, and checklist ID post shows it") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  ok(home, {"resolve", id, "--root-cause", "r", "--fix", "f", "--at", "2026-11-27T04:00:00Z"});
  const std::string post = ok(home, {"checklist", id, "post"}).out;
  CHECK_THAT(post, Catch::StartsWith("Post-Incident (24-48 hours): 0/15  <- current phase\n"));
  // Each of the seed's duplicated lines once: the phase's wording stands for the checklist's.
  CHECK_THAT(post, Catch::Contains("Schedule postmortem meeting"));
  CHECK(post.find("Postmortem meeting scheduled") == std::string::npos);
  CHECK(post.find("Runbooks updated if needed") == std::string::npos);
  // Either id ticks it.
  CHECK_THAT(ok(home, {"check", id, "post.postmortem-scheduled", "--at", "2026-11-27T04:10:00Z"}).err,
             Catch::Contains("Schedule postmortem meeting"));
  CHECK_THAT(ok(home, {"checklist", id, "post"}).out, Catch::Contains("[x]"));
}

TEST_CASE("escalate to a placeholder contact warns that the runbook still holds it") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  const Result result = ok(home, {"escalate", id, "--reason", "need help", "--at", "2026-11-27T03:20:00Z"});
  CHECK_THAT(result.err, Catch::Contains("incident: warning: the contact 'Secondary: [Senior engineer]' is the "
                                         "runbook's placeholder"));
  CHECK_THAT(result.err, Catch::Contains("fill in escalation.contacts in "));
}

TEST_CASE("handoff compares the commander's name case-insensitively") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1", "--commander", "gus"});
  const std::size_t before = event_count(home, id);
  CHECK_THAT(ok(home, {"handoff", id, "GUS"}).err, Catch::Contains("nothing recorded"));
  CHECK(event_count(home, id) == before);
}

TEST_CASE("a broken runbook never blocks open: the error says where, and how to open with the bundled one") {
  Home home;
  const fs::path broken = home.path() / "broken.yaml";
  write_text(broken, "title: x\nseverities:\n  - id: P0\n    name: [oops\n");
  const Result result = home.run({"--runbook", broken.string(), "open", "DB down", "-s", "P1"});
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains(broken.string() + ":"));
  const std::string marker = "incident --runbook ";
  const auto at = result.err.find(marker);
  REQUIRE(at != std::string::npos);
  const std::string command = result.err.substr(at, result.err.find('\n', at) - at);
  CHECK_THAT(command, Catch::Contains("open 'DB down' -s P1"));
  // The printed command works as printed.
  Launch how = home.how({"-c", command});
  how.program = "/bin/sh";
  how.env["PATH"] = fs::path(binary()).parent_path().string() + ":/usr/bin:/bin";
  const Result opened_now = launch(how);
  INFO(describe(opened_now));
  CHECK(opened_now.exit_code == 0);
  CHECK_THAT(opened_now.out, Catch::StartsWith("🚨 INCIDENT: DB down\n"));
}

TEST_CASE("status --check is silent when all is clear, -v says so") {
  Home home;
  const Result quiet = home.run({"status", "--check"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
  const Result verbose = home.run({"-v", "status", "--check"});
  CHECK_THAT(verbose.err, Catch::Contains("All clear: 0 active incidents checked"));
}

TEST_CASE("list with no incidents names the state dir, -v the state dir and runbook") {
  Home home;
  const Result empty = home.run({"list"});
  CHECK(empty.exit_code == 0);
  CHECK(empty.err == "No open incidents in " + home.state().string() + "\n");
  const Result verbose = home.run({"-v", "list"});
  CHECK_THAT(verbose.err, Catch::Contains("State dir: " + home.state().string() + "\n"));
  CHECK_THAT(verbose.err, Catch::Contains("Runbook: "));
  CHECK_THAT(verbose.err, Catch::Contains("default.yaml"));
}

// ---------------------------------------------------------------------------------------
// Prompts, on a pseudo-terminal

TEST_CASE("on a terminal, update asks for what is missing, showing the current value") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  const TerminalResult first =
      run_on_terminal(on_terminal(home, {"update", id}, {{"Findings: ", "bad deploy\r"}, {"Next Steps: ", "roll back\r"}}));
  INFO(first.screen);
  CHECK(first.exit_code == 0);
  CHECK(first.steps_done == 2);
  CHECK_THAT(first.screen, Catch::Contains("Findings: bad deploy"));
  const Json events = parse_json(ok(home, {"show", id, "--json"}).out)["events"];
  CHECK(events.back()["findings"] == "bad deploy");
  CHECK(events.back()["next_steps"] == "roll back");

  const TerminalResult second = run_on_terminal(on_terminal(
      home, {"update", id, "--next", "watch"}, {{"Findings (now: bad deploy): ", "rolled back\r"}}));
  INFO(second.screen);
  CHECK(second.exit_code == 0);
  CHECK(second.steps_done == 1);
}

TEST_CASE("on a terminal, resolve asks for the root cause and the fix") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  const TerminalResult result = run_on_terminal(
      on_terminal(home, {"resolve", id}, {{"Root Cause: ", "bad deploy\r"}, {"Fix Applied: ", "rolled back\r"}}));
  INFO(result.screen);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.screen, Catch::Contains("RESOLVED: DB down"));
  CHECK(parse_json(ok(home, {"show", id, "--json"}).out)["status"] == "resolved");
}

TEST_CASE("Ctrl-C or an empty answer at a prompt aborts without writing") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  const std::size_t before = event_count(home, id);

  const TerminalResult interrupted = run_on_terminal(on_terminal(home, {"update", id}, {{"Findings: ", "\x03"}}));
  INFO(interrupted.screen);
  CHECK(interrupted.exit_code == 130);
  const TerminalResult empty =
      run_on_terminal(on_terminal(home, {"update", id}, {{"Findings: ", "x\r"}, {"Next Steps: ", "\r"}}));
  INFO(empty.screen);
  CHECK(empty.exit_code == 1);
  CHECK_THAT(empty.screen, Catch::Contains("nothing recorded"));
  const TerminalResult ended = run_on_terminal(on_terminal(home, {"resolve", id}, {{"Root Cause: ", "\x04"}}));
  CHECK(ended.exit_code == 1);
  CHECK(event_count(home, id) == before);
}

TEST_CASE("without a terminal, a missing value is the usage error scripts always got") {
  Home home;
  const std::string id = open_incident(home, {"DB down", "-s", "P1"});
  const Result result = home.run({"update", id, "--next", "n"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: --findings is required\n"));
  CHECK_THAT(result.err, Catch::Contains("incident update --help"));
}

TEST_CASE("open --dedup-key prints the open incident that has the key instead of a second one") {
  Home home;
  const Result first = home.run({"open", "Disk full on db-1", "-s", "P1", "--dedup-key", "alert-4711", "--at", k_t0});
  REQUIRE(first.exit_code == 0);
  const Result again = home.run({"open", "Disk full on db-1", "-s", "P1", "--dedup-key", "alert-4711"});
  CHECK(again.exit_code == 0);
  CHECK(again.out == first.out);
  CHECK_THAT(again.err, Catch::Contains("is already open for --dedup-key alert-4711; nothing recorded."));
  CHECK(std::distance(fs::directory_iterator(home.state() / "incidents"), fs::directory_iterator{}) == 1);
  // Another key, or the first incident resolved: a new incident.
  CHECK(home.run({"open", "Disk full on db-2", "-s", "P1", "--dedup-key", "alert-4712"}).exit_code == 0);
  CHECK(std::distance(fs::directory_iterator(home.state() / "incidents"), fs::directory_iterator{}) == 2);
}

// ---------------------------------------------------------------------------------------
// The terminal: width and colour

TEST_CASE("status on an 80-column terminal breaks no word, and colours the overdue red") {
  Home home;
  const std::string id = open_incident(
      home, {"Checkout API returns 500 for every card payment in the EU region after the v2.3 deploy", "-s", "P0"});
  const auto env = std::map<std::string, std::string>{{"TZ", "UTC"}, {"INCIDENT_NOW", "2026-11-27T03:40:00Z"}};
  const TerminalResult colour = run_on_terminal(on_terminal(home, {"status", id}, {}, env));
  INFO(colour.screen);
  CHECK(colour.exit_code == 0);
  CHECK_THAT(colour.screen, Catch::Contains("\x1b[31mResponse SLA: 15m, due 03:27 UTC: breached"));
  for (const auto& line : screen_lines(colour.screen)) {
    std::string plain = line;
    for (const std::string sgr : {"\x1b[31m", "\x1b[33m", "\x1b[0m"}) {
      for (auto at = plain.find(sgr); at != std::string::npos; at = plain.find(sgr)) {
        plain.erase(at, sgr.size());
      }
    }
    INFO(plain);
    CHECK(columns_of(plain) <= 80);
  }
  CHECK_THAT(colour.screen, Catch::Contains("Checkout API returns 500 for every card payment in the EU region"));
  // list: the row of an incident that owes its ack is red.
  const TerminalResult listed = run_on_terminal(on_terminal(home, {"list"}, {}, env));
  CHECK_THAT(listed.screen, Catch::Contains("\x1b[31m" + id + " "));

  auto no_color = env;
  no_color["NO_COLOR"] = "1";
  CHECK(run_on_terminal(on_terminal(home, {"status", id}, {}, no_color)).screen.find('\x1b') == std::string::npos);
  CHECK(run_on_terminal(on_terminal(home, {"--color", "never", "status", id}, {}, env)).screen.find('\x1b') ==
        std::string::npos);
  // Not a terminal: no colour, no wrapping, unless asked.
  const Result piped = home.run({"status", id}, env);
  CHECK(piped.out.find('\x1b') == std::string::npos);
  CHECK_THAT(home.run({"--color", "always", "status", id}, env).out, Catch::Contains("\x1b[31m"));
  CHECK(home.run({"--color", "sometimes", "status", id}, env).exit_code == 2);
}
