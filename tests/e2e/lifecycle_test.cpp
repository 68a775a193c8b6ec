// The incident lifecycle through the real binary: open, ack, update, resolve, close,
// reopen, note, severity, handoff, list, show and render, in text and --json.
//
// Every event is recorded with a fixed --at (the night of 2026-11-27), so what is printed
// is deterministic; incident ids are random and are masked (INC-0001, ...) before output
// is compared with the golden files in tests/data/golden/lifecycle_*.txt.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// Whether a line of `text` matches the regular expression as a whole.
bool has_line(const std::string& text, const std::string& pattern) {
  const std::regex line_pattern(pattern);
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    if (std::regex_match(text.begin() + static_cast<std::ptrdiff_t>(start),
                         text.begin() + static_cast<std::ptrdiff_t>(end), line_pattern)) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

Json show_json(const Home& home, const std::string& id) {
  return parse_json(ok(home, {"show", id, "--json"}).out);
}


std::string rfc3339_from_now(std::chrono::seconds offset) {
  const std::time_t when = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
  std::tm parts{};
  ::gmtime_r(&when, &parts);
  char buffer[32] = {};
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

bool is_utc_time(const Json& value) {
  static const std::string pattern = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z";
  return value.is_string() && Catch::Matchers::Matches(pattern).match(value.get<std::string>());
}

// The PRODUCT.md fields of a --json incident object.
void check_incident_object(const Json& incident, bool with_events) {
  INFO(incident.dump(2));
  REQUIRE(incident.is_object());
  for (const char* key : {"id", "title", "severity", "severity_name", "status", "impact", "commander", "started_at",
                          "acknowledged_at", "resolved_at"}) {
    INFO("key " << key);
    REQUIRE(incident.contains(key));
  }
  CHECK(incident["id"].is_string());
  CHECK(incident["title"].is_string());
  CHECK_THAT(incident["severity"].get<std::string>(), Catch::Matches("P[0-3]"));
  CHECK(incident["severity_name"].is_string());
  const std::set<std::string> statuses = {"investigating", "identified", "monitoring", "resolved", "closed"};
  CHECK(statuses.count(incident["status"].get<std::string>()) == 1);
  CHECK((incident["impact"].is_string() || incident["impact"].is_null()));
  CHECK((incident["commander"].is_string() || incident["commander"].is_null()));
  CHECK(is_utc_time(incident["started_at"]));
  CHECK((incident["acknowledged_at"].is_null() || is_utc_time(incident["acknowledged_at"])));
  CHECK((incident["resolved_at"].is_null() || is_utc_time(incident["resolved_at"])));
  if (with_events) {
    REQUIRE(incident.contains("events"));
    REQUIRE(incident["events"].is_array());
    CHECK_FALSE(incident["events"].empty());
    std::set<std::string> ids;
    for (const auto& event : incident["events"]) {
      CHECK(event["id"].is_string());
      CHECK(ids.insert(event["id"].get<std::string>()).second);
      CHECK(event["type"].is_string());
      CHECK(is_utc_time(event["at"]));
      CHECK(event["by"].is_string());
    }
  }
}

std::vector<std::string> event_types(const Json& incident) {
  std::vector<std::string> types;
  for (const auto& event : incident["events"]) {
    types.push_back(event["type"].get<std::string>());
  }
  return types;
}

// Every path under `root` with its type, size, mode and modification time.
using Snapshot = std::map<std::string, std::tuple<int, std::int64_t, unsigned, std::int64_t>>;
Snapshot snapshot(const fs::path& root) {
  Snapshot out;
  if (!fs::exists(root)) {
    return out;
  }
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    struct stat info {};
    REQUIRE(::lstat(entry.path().c_str(), &info) == 0);
    out[entry.path().string()] = {
        static_cast<int>(info.st_mode & S_IFMT), static_cast<std::int64_t>(info.st_size),
        static_cast<unsigned>(info.st_mode & 07777),
        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
  }
  return out;
}

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  return static_cast<unsigned>(info.st_mode & 07777);
}

// The incident of the PRODUCT.md example.
std::string open_checkout(const Home& home) {
  return open_incident(home,
                       {"Checkout API 500s", "-s", "P1", "--impact", "50% of checkouts fail", "--commander", "alice"});
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Each command: stdout, stderr and exit code.

// The evening after the night of the incident: "now" for output that says how late.
constexpr const char* k_that_evening = "2026-11-27T23:00:00Z";

TEST_CASE("open prints the Initial Status Update exactly as in the product definition") {
  Home home;
  const auto result = home.run({"open", "Checkout API 500s", "-s", "P1", "--impact", "50% of checkouts fail",
                                "--commander", "alice", "--at", k_t0},
                               {{"INCIDENT_NOW", k_that_evening}});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out ==
        "🚨 INCIDENT: Checkout API 500s\n"
        "Severity: High\n"
        "Status: Investigating\n"
        "Impact: 50% of checkouts fail\n"
        "Started: 2026-11-27 03:12 UTC\n"
        "Commander: alice\n");
  check_golden("lifecycle_open_initial.txt", result.out);

  // stderr: the id, the ack deadline, the Initial Response checklist for High (taking
  // command ticked), what next.
  REQUIRE_THAT(first_line(result.err),
               Catch::Matches("Opened [0-9a-z]{8} \\(P1 High\\); ack by 04:12 UTC: 1h for High, already overdue by 18h48m\\."));
  const std::string id = result.err.substr(7, 8);
  CHECK(fs::is_regular_file(home.file(id)));
  CHECK_THAT(result.err,
             Catch::Contains("Initial Response (0-15 minutes)") && Catch::Contains("Critical/High Severity:"));
  CHECK(has_line(result.err, " +\\[ \\]  1\\. Acknowledge the incident in the incident channel"));
  CHECK(has_line(result.err, " +\\[x\\]  4\\. If not, take incident commander role"));
  CHECK(has_line(result.err, " +\\[ \\] 11\\. Notify stakeholders if critical"));
  CHECK_THAT(result.err, Catch::Contains("Ticked 4. If not, take incident commander role\n"));
  CHECK_THAT(result.err, !Catch::Contains("Create incident ticket"));
  CHECK_THAT(result.err, Catch::EndsWith("Next: incident ack " + id + "\n"));
}

TEST_CASE("open of a P0 at 03:12 must be acked by 03:27Z and gets the Critical/High checklist") {
  Home home;
  const auto result = home.run({"open", "Database down", "-s", "P0", "--at", k_t0}, {{"INCIDENT_NOW", k_that_evening}});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out ==
        "🚨 INCIDENT: Database down\n"
        "Severity: Critical\n"
        "Status: Investigating\n"
        "Impact: TBD\n"
        "Started: 2026-11-27 03:12 UTC\n"
        "Commander: unassigned\n");
  CHECK_THAT(result.err, Catch::Contains("ack by 03:27 UTC: 15m for Critical, already overdue by 19h33m."));
  CHECK_THAT(result.err, Catch::Contains("Critical/High Severity:"));
  CHECK_THAT(result.err, Catch::Contains("Immediate Actions:"));
  CHECK(has_line(result.err, " +\\[ \\]  4\\. If not, take incident commander role"));
  CHECK_THAT(result.err, !Catch::Contains("Medium/Low"));
}

TEST_CASE("open of a P2 or P3 gets the Medium/Low checklist") {
  Home home;
  for (const auto& [severity, name, deadline] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"medium", "Medium", "ack by 07:12 UTC: 4h for Medium, already overdue by 15h48m"},
           {"P3", "Low", "ack by Nov 28 03:12 UTC: 24h for Low, due in 4h12m"}}) {
    const auto result = home.run({"open", "Slow avatars", "-s", severity, "--at", k_t0}, {{"INCIDENT_NOW", k_that_evening}});
    INFO(describe(result));
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("Severity: " + name + "\n"));
    CHECK_THAT(first_line(result.err),
               Catch::Matches("Opened [0-9a-z]{8} \\(P[23] " + name + "\\); " + deadline + "\\."));
    CHECK_THAT(result.err, Catch::Contains("Medium/Low Severity:"));
    CHECK(has_line(result.err, " +\\[ \\] +1\\. Create incident ticket"));
    CHECK(has_line(result.err, " +\\[ \\] +3\\. Begin investigation"));
    CHECK_THAT(result.err, !Catch::Contains("Acknowledge the incident"));
  }
}

TEST_CASE("open takes the severity by id or name in any case and refuses anything else") {
  Home home;
  for (const std::string severity : {"p0", "CRITICAL", "High", "medium", "Low"}) {
    const auto result = home.run({"open", "Severity spelling", "-s", severity, "--at", k_t0});
    INFO(severity << "\n" << describe(result));
    CHECK(result.exit_code == 0);
  }
  const auto bad = home.run({"open", "Severity spelling", "-s", "P7", "--at", k_t0});
  INFO(describe(bad));
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
  for (const std::string valid : {"P0", "P1", "P2", "P3", "Critical", "High", "Medium", "Low"}) {
    CHECK_THAT(bad.err, Catch::Contains(valid));
  }
  CHECK(ok(home, {"list", "--json"}).out.find("Severity spelling") != std::string::npos);
  CHECK(parse_json(ok(home, {"list", "--json"}).out).size() == 5);
}

TEST_CASE("update prints the Investigation Update") {
  Home home;
  const std::string id = open_checkout(home);
  const auto result =
      home.run({"update", id, "--findings", "Payments v2.3 deploy broke the card form", "--next", "Roll back to v2.2",
                "--eta", "30 minutes", "--status", "identified", "--at", "2026-11-27T03:40:00Z"},
               {{"INCIDENT_NOW", "2026-11-27T03:41:00Z"}});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  check_golden("lifecycle_update_investigation.txt", result.out);
  CHECK(result.err == "Next update due 04:10 UTC (in 29m) (every 30m): incident update --findings ... --next ...\n");

  // Without --eta or --status: ETA is TBD and the status stays as it was.
  const auto second =
      home.run({"update", "--findings", "Rollback at 50%", "--next", "Finish it", "--at", "2026-11-27T03:50:00Z"});
  INFO(describe(second));
  REQUIRE(second.exit_code == 0);
  CHECK(second.out ==
        "🔍 UPDATE: Checkout API 500s\n"
        "Status: Identified\n"
        "Findings: Rollback at 50%\n"
        "Next Steps: Finish it\n"
        "ETA: TBD\n");

  const auto bad_status = home.run({"update", "--findings", "x", "--next", "y", "--status", "resolved"});
  CHECK(bad_status.exit_code == 2);
  const auto missing = home.run({"update", "--findings", "x"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.empty());
}

TEST_CASE("resolve prints the Resolution Update and tells how to close") {
  Home home;
  const std::string id = open_checkout(home);
  const auto result =
      home.run({"resolve", id, "--root-cause", "A null card token in payments v2.3", "--fix", "Rolled back to v2.2",
                "--monitoring", "Checkout error rate for 1h", "--at", "2026-11-27T04:05:00Z"});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  check_golden("lifecycle_resolve_resolution.txt", result.out);
  CHECK(result.err == "Resolved " + id + ". When the monitoring period is over: incident close " + id + "\n");
  const Json incident = show_json(home, id);
  CHECK(incident["status"] == "resolved");
  CHECK(incident["resolved_at"] == "2026-11-27T04:05:00Z");
}

TEST_CASE("render re-renders each message from the incident's current state") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1", "--as", "alert-hook"});
  ok(home, {"ack", id, "--as", "bob", "--at", "2026-11-27T03:20:00Z"});

  // Before any update the investigation fields are TBD.
  const auto early = ok(home, {"render", id, "investigation"});
  CHECK(early.out ==
        "🔍 UPDATE: Checkout API 500s\n"
        "Status: Investigating\n"
        "Findings: TBD\n"
        "Next Steps: TBD\n"
        "ETA: TBD\n");

  const auto update =
      ok(home, {"update", id, "--findings", "Card form 500s since the v2.3 deploy", "--next", "Roll back", "--eta",
                "04:00Z", "--status", "identified", "--at", "2026-11-27T03:40:00Z"});
  const auto resolve = ok(
      home, {"resolve", id, "--root-cause", "Null card token", "--fix", "Rolled back", "--at", "2026-11-27T04:05:00Z"});

  const auto initial = ok(home, {"render", id, "initial"});
  CHECK(initial.err.empty());
  check_golden("lifecycle_render_initial.txt", initial.out);
  const auto investigation = ok(home, {"render", id, "investigation"});
  check_golden("lifecycle_render_investigation.txt", investigation.out);
  const auto resolution = ok(home, {"render", "resolution"});  // the one open incident
  check_golden("lifecycle_render_resolution.txt", resolution.out);
  CHECK(resolution.out == resolve.out);
  CHECK(ok(home, {"render", id.substr(0, 3), "RESOLUTION"}).out == resolve.out);

  const auto bad = home.run({"render", id, "postmortem"});
  INFO(describe(bad));
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
  CHECK_THAT(bad.err, Catch::Contains("initial, investigation, resolution"));
}

TEST_CASE("show prints the details and the whole timeline") {
  Home home;
  const std::string id =
      open_incident(home, {"Checkout API 500s", "-s", "P1", "--impact", "50% of checkouts fail", "--as", "alert-hook"});
  const std::vector<std::vector<std::string>> steps = {
      {"ack", id, "--as", "bob", "--at", "2026-11-27T03:20:00Z"},
      {"note", id, "Card form returns 500 for every Visa card", "--as", "bob", "--at", "2026-11-27T03:22:00Z"},
      {"severity", id, "P0", "--as", "bob", "--at", "2026-11-27T03:25:00Z"},
      {"handoff", id, "carol", "--as", "bob", "--at", "2026-11-27T03:30:00Z"},
      {"update", id, "--findings", "Payments v2.3 deploy", "--next", "Roll back", "--eta", "20 minutes", "--status",
       "identified", "--as", "carol", "--at", "2026-11-27T03:40:00Z"},
      {"resolve", id, "--root-cause", "Null card token", "--fix", "Rolled back to v2.2", "--monitoring", "Error rate",
       "--as", "carol", "--at", "2026-11-27T04:05:00Z"},
      {"close", id, "--as", "carol", "--at", "2026-11-27T04:35:00Z"},
  };
  for (const auto& step : steps) {
    ok(home, step);
  }
  const std::map<std::string, std::string> later = {{"INCIDENT_NOW", "2026-11-27T06:00:00Z"}};
  const auto result = home.run({"show", id}, later);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  check_golden("lifecycle_show.txt", masked(result.out, {id}));

  // An incident nobody has acknowledged yet says when the ack is due.
  const std::string fresh = open_incident(home, {"Search is slow", "-s", "P2", "--at", "2026-11-27T05:00:00Z"});
  const auto pending = home.run({"show", fresh}, later);
  check_golden("lifecycle_show_unacknowledged.txt", masked(pending.out, {fresh}));
}

TEST_CASE("list prints a table of the open incidents newest first") {
  Home home;
  const std::string first =
      open_incident(home, {"Checkout API 500s", "-s", "P1", "--commander", "alice", "--at", "2026-11-27T01:00:00Z"});
  const std::string second = open_incident(home, {"Search is slow", "-s", "P2", "--at", "2026-11-27T02:00:00Z"});
  const std::string third = open_incident(home, {"Login page typo", "-s", "low", "--at", "2026-11-27T02:30:00Z"});
  const std::string fourth = open_incident(home, {"Database down", "-s", "P0", "--at", k_t0});
  ok(home, {"ack", second, "--as", "bob", "--at", "2026-11-27T02:10:00Z"});
  ok(home, {"update", second, "--findings", "Index rebuild", "--next", "Wait", "--status", "monitoring", "--at",
            "2026-11-27T02:20:00Z"});
  ok(home, {"resolve", third, "--root-cause", "Copy", "--fix", "Fixed the copy", "--at", "2026-11-27T02:40:00Z"});
  ok(home, {"resolve", first, "--root-cause", "Deploy", "--fix", "Rollback", "--at", "2026-11-27T01:30:00Z"});
  ok(home, {"close", first, "--at", "2026-11-27T01:45:00Z"});
  const std::vector<std::string> ids = {first, second, third, fourth};

  const auto open = ok(home, {"list", "--at", "2026-11-27T06:00:00Z"});
  CHECK(open.err.empty());
  check_golden("lifecycle_list.txt", masked(open.out, ids));
  const auto all = ok(home, {"list", "--all", "--at", "2026-11-27T06:00:00Z"});
  check_golden("lifecycle_list_all.txt", masked(all.out, ids));

  // An empty list says so on stderr and prints nothing on stdout.
  Home empty;
  const auto none = ok(empty, {"list"});
  CHECK(none.out.empty());
  CHECK(none.err == "No open incidents in " + empty.state().string() + "\n");
}

// ---------------------------------------------------------------------------------------
// --json

TEST_CASE("every command prints one JSON document with the incident fields under --json") {
  Home home;
  const auto opened = ok(home, {"open", "Checkout API 500s", "-s", "P1", "--impact", "50% of checkouts fail", "--at",
                                k_t0, "--as", "alert-hook", "--json"});
  Json incident = parse_json(opened.out);
  check_incident_object(incident, true);
  const std::string id = incident["id"].get<std::string>();
  CHECK_THAT(id, Catch::Matches("[0-9a-z]{8}"));
  CHECK(incident["title"] == "Checkout API 500s");
  CHECK(incident["severity"] == "P1");
  CHECK(incident["severity_name"] == "High");
  CHECK(incident["status"] == "investigating");
  CHECK(incident["impact"] == "50% of checkouts fail");
  CHECK(incident["commander"].is_null());
  CHECK(incident["started_at"] == k_t0);
  CHECK(incident["acknowledged_at"].is_null());
  CHECK(incident["resolved_at"].is_null());
  REQUIRE(incident["events"].size() == 1);
  CHECK(incident["events"][0]["type"] == "opened");
  CHECK(incident["events"][0]["at"] == k_t0);
  CHECK(incident["events"][0]["by"] == "alert-hook");

  struct Step {
    std::vector<std::string> args;
    std::string status;
    std::string last_type;
  };
  const std::vector<Step> steps = {
      {{"ack", id, "--as", "bob", "--at", "2026-11-27T03:20:00Z"}, "investigating", "acknowledged"},
      {{"note", id, "Looking at the payments dashboard", "--at", "2026-11-27T03:21:00Z"}, "investigating", "noted"},
      {{"severity", id, "critical", "--at", "2026-11-27T03:25:00Z"}, "investigating", "severity_changed"},
      {{"handoff", id, "carol", "--at", "2026-11-27T03:30:00Z"}, "investigating", "handed_off"},
      {{"update", id, "--findings", "Bad deploy", "--next", "Roll back", "--status", "identified", "--at",
        "2026-11-27T03:40:00Z"},
       "identified",
       "updated"},
      {{"resolve", id, "--root-cause", "Null token", "--fix", "Rolled back", "--at", "2026-11-27T04:05:00Z"},
       "resolved",
       "resolved"},
      {{"close", id, "--at", "2026-11-27T04:35:00Z"}, "closed", "closed"},
      {{"reopen", id, "--at", "2026-11-27T05:00:00Z"}, "investigating", "reopened"},
  };
  std::size_t events = 1;
  for (const auto& step : steps) {
    auto args = step.args;
    args.emplace_back("--json");
    const auto result = ok(home, args);
    INFO(Catch::Detail::stringify(args));
    incident = parse_json(result.out);
    check_incident_object(incident, true);
    CHECK(incident["id"] == id);
    CHECK(incident["status"] == step.status);
    // One event for the step, then any items it ticked on its own (checked, "via").
    const Json& now = incident["events"];
    REQUIRE(now.size() > events);
    std::size_t own = now.size() - 1;
    while (own > events && now[own].contains("via")) {
      --own;
    }
    CHECK(own == events);
    CHECK(now[own]["type"] == step.last_type);
    events = now.size();
  }
  CHECK(incident["severity"] == "P0");
  CHECK(incident["severity_name"] == "Critical");
  CHECK(incident["commander"] == "carol");
  CHECK(incident["acknowledged_at"] == "2026-11-27T03:20:00Z");
  CHECK(incident["resolved_at"].is_null());  // reopened

  for (const auto& args :
       {std::vector<std::string>{"show", id, "--json"}, std::vector<std::string>{"render", id, "initial", "--json"}}) {
    const Json shown = parse_json(ok(home, args).out);
    check_incident_object(shown, true);
    CHECK(shown["events"].size() == events);
  }
}

TEST_CASE("list --json is an array and list --ndjson one object per line") {
  Home home;
  const std::string a = open_incident(home, {"Checkout API 500s", "-s", "P1", "--at", "2026-11-27T01:00:00Z"});
  const std::string b = open_incident(home, {"Search is slow", "-s", "P2", "--at", "2026-11-27T02:00:00Z"});
  const std::string c = open_incident(home, {"Database down", "-s", "P0", "--at", k_t0});
  ok(home, {"ack", b, "--as", "bob", "--at", "2026-11-27T02:05:00Z"});
  ok(home, {"resolve", a, "--root-cause", "x", "--fix", "y", "--at", "2026-11-27T01:30:00Z"});
  ok(home, {"close", a, "--at", "2026-11-27T01:40:00Z"});

  const Json open = parse_json(ok(home, {"list", "--json"}).out);
  REQUIRE(open.is_array());
  REQUIRE(open.size() == 2);
  CHECK(open[0]["id"] == c);  // newest first
  CHECK(open[1]["id"] == b);
  for (const auto& incident : open) {
    check_incident_object(incident, false);
  }
  CHECK(open[1]["acknowledged_at"] == "2026-11-27T02:05:00Z");
  CHECK(open[1]["commander"] == "bob");

  const Json all = parse_json(ok(home, {"list", "--all", "--json"}).out);
  REQUIRE(all.size() == 3);
  CHECK(all[2]["id"] == a);
  CHECK(all[2]["status"] == "closed");
  CHECK(all[2]["resolved_at"] == "2026-11-27T01:30:00Z");

  const auto ndjson = ok(home, {"list", "--all", "--ndjson"});
  REQUIRE_FALSE(ndjson.out.empty());
  CHECK(ndjson.out.back() == '\n');
  std::vector<Json> lines;
  std::size_t start = 0;
  for (auto end = ndjson.out.find('\n'); end != std::string::npos; end = ndjson.out.find('\n', start)) {
    lines.push_back(parse_json(ndjson.out.substr(start, end - start)));
    start = end + 1;
  }
  REQUIRE(lines.size() == 3);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    check_incident_object(lines[i], false);
    CHECK(lines[i] == all[i]);
  }

  // Nothing to list is still one document.
  Home empty;
  CHECK(parse_json(ok(empty, {"list", "--json"}).out) == Json::array());
  CHECK(ok(empty, {"list", "--ndjson"}).out.empty());
}

// ---------------------------------------------------------------------------------------
// ack

TEST_CASE("ack makes the actor commander when there is none and reports the SLA as met") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0", "--as", "alert-hook"});
  CHECK(show_json(home, id)["commander"].is_null());  // the hook that opened it is not commander
  const auto result = home.run({"ack", "--as", "bob", "--at", "2026-11-27T03:20:00Z"});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "bob acknowledged " + id + " after 8m (SLA 15m for Critical: met)\n");
  CHECK_THAT(result.err, Catch::StartsWith("Commander: bob\n"
                                           "Ticked 1. Acknowledge the incident in the incident channel\n"
                                           "Ticked 4. If not, take incident commander role\n"));
  const Json incident = show_json(home, id);
  CHECK(incident["commander"] == "bob");
  CHECK(incident["acknowledged_at"] == "2026-11-27T03:20:00Z");
  CHECK(incident["events"].back()["by"] == "bob");
}

TEST_CASE("ack keeps the commander named at open") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0", "--commander", "alice"});
  const auto result = home.run({"ack", id, "--as", "bob", "--at", "2026-11-27T03:20:00Z"});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "bob acknowledged " + id + " after 8m (SLA 15m for Critical: met)\n");
  CHECK_THAT(result.err, Catch::StartsWith("Commander: alice\n"
                                           "Ticked 1. Acknowledge the incident in the incident channel\n"
                                           "Next update overdue"));
  CHECK(show_json(home, id)["commander"] == "alice");
}

TEST_CASE("a re-grade after the ack does not change the ack's verdict") {
  Home home;
  const std::string id = open_incident(home, {"Regraded", "-s", "P1"});
  const auto acked = ok(home, {"ack", id, "--as", "bob", "--at", "2026-11-27T03:50:00Z"});
  CHECK(acked.out == "bob acknowledged " + id + " after 38m (SLA 1h for High: met)\n");
  ok(home, {"severity", id, "P0", "--at", "2026-11-27T04:00:00Z"});
  CHECK_THAT(ok(home, {"show", id}).out, Catch::Contains("(after 38m; SLA 1h for High (P1): met)"));
}

TEST_CASE("ack after the SLA reports it breached") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  const auto result = home.run({"ack", id, "--at", "2026-11-27T03:32:00Z"});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "tester acknowledged " + id + " after 20m (SLA 15m for Critical: breached by 5m)\n");
  CHECK(show_json(home, id)["commander"] == "tester");  // $USER when there is no --as
}

TEST_CASE("ack --at with an offset is normalised to UTC") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  const auto result = home.run({"ack", id, "--at", "2026-11-27T04:20:00+01:00"});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains(" after 8m "));
  const Json incident = show_json(home, id);
  CHECK(incident["acknowledged_at"] == "2026-11-27T03:20:00Z");
  CHECK(incident["events"].back()["at"] == "2026-11-27T03:20:00Z");
}

TEST_CASE("ack --at more than 5 minutes in the future is a usage error and records nothing") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  const std::string before = read_text(home.file(id));
  const auto result = home.run({"ack", id, "--at", rfc3339_from_now(std::chrono::hours(1))});
  INFO(describe(result));
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: ") && Catch::Contains("future"));
  CHECK(read_text(home.file(id)) == before);

  // A couple of minutes ahead (clock skew) is accepted.
  const auto skewed = home.run({"note", id, "clock skew", "--at", rfc3339_from_now(std::chrono::minutes(2))});
  INFO(describe(skewed));
  CHECK(skewed.exit_code == 0);

  // open refuses a future time too.
  const auto future_open = home.run({"open", "Later", "-s", "P3", "--at", rfc3339_from_now(std::chrono::hours(2))});
  CHECK(future_open.exit_code == 2);
  CHECK(future_open.out.empty());
}

TEST_CASE("ack --at before the incident started is a usage error") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  const std::string before = read_text(home.file(id));
  const auto result = home.run({"ack", id, "--at", "2026-11-27T03:00:00Z"});
  INFO(describe(result));
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("before the incident started (2026-11-27T03:12:00Z)"));
  CHECK(read_text(home.file(id)) == before);

  const auto garbage = home.run({"ack", id, "--at", "yesterday"});
  CHECK(garbage.exit_code == 2);
  CHECK_THAT(garbage.err, Catch::Contains("RFC 3339"));
  const auto impossible = home.run({"ack", id, "--at", "2026-02-30T03:00:00Z"});
  CHECK(impossible.exit_code == 2);
  CHECK(read_text(home.file(id)) == before);
}

TEST_CASE("a second ack is a conflict") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  ok(home, {"ack", id, "--as", "bob", "--at", "2026-11-27T03:20:00Z"});
  const std::string before = read_text(home.file(id));
  const auto again = home.run({"ack", id, "--as", "carol", "--at", "2026-11-27T03:21:00Z"});
  INFO(describe(again));
  CHECK(again.exit_code == 7);
  CHECK(again.out.empty());
  CHECK_THAT(again.err, Catch::Contains("already acknowledged by bob"));
  CHECK(read_text(home.file(id)) == before);
}

// ---------------------------------------------------------------------------------------
// IDs

TEST_CASE("a unique prefix of the id works in any case") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  ok(home, {"note", id.substr(0, 3), "by prefix", "--at", "2026-11-27T03:13:00Z"});
  std::string upper = id.substr(0, 4);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; });
  ok(home, {"note", upper, "by upper-case prefix", "--at", "2026-11-27T03:14:00Z"});
  const auto types = event_types(show_json(home, id.substr(0, 1)));
  CHECK(types == std::vector<std::string>{"opened", "noted", "noted"});
  const auto missing = home.run({"show", "zzzzzzzzzzzz"});
  CHECK(missing.exit_code == 4);
  CHECK_THAT(missing.err, Catch::Contains("no incident 'zzzzzzzzzzzz'"));
}

TEST_CASE("an ambiguous prefix is a usage error listing the candidates") {
  Home home;
  // Ids are random: open incidents until two share a first character (at most 33, by
  // the pigeonhole principle over 32 characters).
  std::map<char, std::vector<std::string>> by_first;
  std::vector<std::string> pair;
  for (int i = 0; i < 33 && pair.empty(); ++i) {
    const std::string id = open_incident(home, {"Incident " + std::to_string(i), "-s", "P3"});
    auto& same = by_first[id[0]];
    same.push_back(id);
    if (same.size() == 2) {
      pair = same;
    }
  }
  REQUIRE(pair.size() == 2);
  const std::string prefix(1, pair[0][0]);
  const std::string before = read_text(home.file(pair[0]));
  for (const auto& args :
       {std::vector<std::string>{"show", prefix}, std::vector<std::string>{"note", prefix, "which one?"}}) {
    const auto result = home.run(args);
    INFO(describe(result));
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err,
               Catch::Contains("matches 2 incidents") && Catch::Contains(pair[0]) && Catch::Contains(pair[1]));
  }
  CHECK(read_text(home.file(pair[0])) == before);
}

TEST_CASE("without an ID two open incidents are a usage error listing both") {
  Home home;
  const std::string a = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const std::string b = open_incident(home, {"Search is slow", "-s", "P2"});
  for (const auto& args :
       {std::vector<std::string>{"ack"}, std::vector<std::string>{"show"},
        std::vector<std::string>{"note", "for whom?"}, std::vector<std::string>{"render", "initial"}}) {
    const auto result = home.run(args);
    INFO(describe(result));
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::Contains("2 incidents are open") && Catch::Contains(a + " (P1 Checkout API 500s)") &&
                               Catch::Contains(b + " (P2 Search is slow)"));
  }
}

TEST_CASE("without an ID and no open incident the command exits 4") {
  Home home;
  for (const auto& args : {std::vector<std::string>{"ack"}, std::vector<std::string>{"show"},
                           std::vector<std::string>{"note", "anyone?"}}) {
    const auto result = home.run(args);
    INFO(describe(result));
    CHECK(result.exit_code == 4);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::Contains("no open incident"));
  }
  // A closed incident does not count as open.
  const std::string id = open_incident(home, {"Done", "-s", "P3"});
  ok(home, {"resolve", "--root-cause", "x", "--fix", "y", "--at", "2026-11-27T03:20:00Z"});
  ok(home, {"close", "--at", "2026-11-27T03:30:00Z"});
  const auto after = home.run({"note", "anyone?"});
  INFO(describe(after));
  CHECK(after.exit_code == 4);
  CHECK(ok(home, {"show", id}).out.find("Closed:") != std::string::npos);
}

TEST_CASE("ids with path characters are refused before they touch the file system") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  // Decoys where a naive path join would land.
  const std::string decoy = read_text(home.file(id));
  write_text(home.state() / "etc.json", decoy);
  write_text(home.path() / "etc.json", decoy);
  write_text(home.state() / "incidents" / "a" / "b.json", decoy);
  const Snapshot before = snapshot(home.path());
  for (const std::string bad : {"../etc", "a/b", "../../etc", "/etc/passwd", "..", ".", "a.b", "-"}) {
    for (const auto& args : {std::vector<std::string>{"show", bad}, std::vector<std::string>{"note", bad, "text"},
                             std::vector<std::string>{"ack", bad}}) {
      const auto result = home.run(args);
      INFO(Catch::Detail::stringify(args) << "\n" << describe(result));
      CHECK(result.exit_code == 2);
      CHECK(result.out.empty());
    }
  }
  CHECK(snapshot(home.path()) == before);
}

// ---------------------------------------------------------------------------------------
// State rules

TEST_CASE("close before resolve is a conflict and leaves the file alone") {
  Home home;
  const std::string id = open_checkout(home);
  const std::string before = read_text(home.file(id));
  const auto result = home.run({"close", id, "--at", "2026-11-27T03:20:00Z"});
  INFO(describe(result));
  CHECK(result.exit_code == 7);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("resolve it before closing"));
  CHECK(read_text(home.file(id)) == before);
}

TEST_CASE("update resolve and ack on a resolved incident are conflicts") {
  Home home;
  const std::string id = open_checkout(home);
  ok(home, {"resolve", id, "--root-cause", "x", "--fix", "y", "--at", "2026-11-27T03:30:00Z"});
  const std::string before = read_text(home.file(id));
  for (const auto& args :
       {std::vector<std::string>{"update", id, "--findings", "a", "--next", "b", "--at", "2026-11-27T03:40:00Z"},
        std::vector<std::string>{"resolve", id, "--root-cause", "a", "--fix", "b", "--at", "2026-11-27T03:40:00Z"},
        std::vector<std::string>{"ack", id, "--at", "2026-11-27T03:40:00Z"}}) {
    const auto result = home.run(args);
    INFO(describe(result));
    CHECK(result.exit_code == 7);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("incident: error: " + id + " is"));
  }
  CHECK(read_text(home.file(id)) == before);
  // Notes are always allowed.
  ok(home, {"note", id, "post-resolution note", "--at", "2026-11-27T03:45:00Z"});
}

TEST_CASE("reopen brings a resolved or closed incident back to investigating") {
  Home home;
  const std::string id = open_checkout(home);
  const auto active = home.run({"reopen", id, "--at", "2026-11-27T03:15:00Z"});
  CHECK(active.exit_code == 7);

  ok(home, {"resolve", id, "--root-cause", "x", "--fix", "y", "--at", "2026-11-27T03:30:00Z"});
  const auto reopened = ok(home, {"reopen", id, "--at", "2026-11-27T03:50:00Z"});
  CHECK(reopened.out.empty());
  CHECK(reopened.err == "Reopened " + id + "; status is investigating.\n");
  Json incident = show_json(home, id);
  CHECK(incident["status"] == "investigating");
  CHECK(incident["resolved_at"].is_null());
  ok(home, {"update", id, "--findings", "It came back", "--next", "Look again", "--at", "2026-11-27T03:55:00Z"});

  ok(home, {"resolve", id, "--root-cause", "x", "--fix", "y", "--at", "2026-11-27T04:30:00Z"});
  const auto closed = ok(home, {"close", id, "--at", "2026-11-27T05:00:00Z"});
  CHECK(closed.out.empty());
  CHECK(closed.err == "Closed " + id + ".\n");
  CHECK(home.run({"close", id}).exit_code == 7);
  CHECK(home.run({"note", id, "closed but noted", "--at", "2026-11-27T05:01:00Z"}).exit_code == 0);
  CHECK(ok(home, {"list"}).out.empty());
  ok(home, {"reopen", id, "--at", "2026-11-27T06:00:00Z"});
  CHECK_THAT(ok(home, {"list"}).out, Catch::Contains(id) && Catch::Contains("investigating"));
  incident = show_json(home, id);
  // "checked": opened with a commander, which ticks "take incident commander role".
  CHECK(event_types(incident) == std::vector<std::string>{"opened", "checked", "resolved", "reopened", "updated",
                                                          "resolved", "closed", "noted", "reopened"});
}

TEST_CASE("severity changes are recorded and a bad severity lists the valid values") {
  Home home;
  const std::string id = open_checkout(home);
  const auto raised = home.run({"severity", id, "critical", "--at", "2026-11-27T03:25:00Z"});
  INFO(describe(raised));
  REQUIRE(raised.exit_code == 0);
  CHECK(raised.out == "⚠️ SEVERITY: Checkout API 500s is now Critical (P0), was High (P1)\n");
  Json incident = show_json(home, id);
  CHECK(incident["severity"] == "P0");
  CHECK(incident["severity_name"] == "Critical");
  CHECK(incident["events"].back()["type"] == "severity_changed");
  CHECK(incident["events"].back()["at"] == "2026-11-27T03:25:00Z");

  // The same severity again records nothing.
  const auto same = ok(home, {"severity", "P0", "--at", "2026-11-27T03:26:00Z"});
  CHECK(same.out.empty());
  CHECK_THAT(same.err, Catch::Contains("already Critical (P0)"));
  CHECK(show_json(home, id)["events"].size() == incident["events"].size());

  const std::string before = read_text(home.file(id));
  const auto bogus = home.run({"severity", id, "bogus"});
  INFO(describe(bogus));
  CHECK(bogus.exit_code == 2);
  CHECK(bogus.out.empty());
  for (const std::string valid : {"P0", "P1", "P2", "P3", "Critical", "High", "Medium", "Low"}) {
    CHECK_THAT(bogus.err, Catch::Contains(valid));
  }
  CHECK(read_text(home.file(id)) == before);
}

TEST_CASE("handoff changes the commander on the record") {
  Home home;
  const std::string id = open_checkout(home);
  const auto result = home.run({"handoff", id, "carol", "--as", "alice", "--at", "2026-11-27T03:30:00Z"});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "👤 COMMANDER: Checkout API 500s is now commanded by carol (was alice)\n");
  const Json incident = show_json(home, id);
  CHECK(incident["commander"] == "carol");
  CHECK(incident["events"].back()["type"] == "handed_off");
  CHECK(incident["events"].back()["by"] == "alice");
  CHECK_THAT(ok(home, {"show", id}).out, Catch::Contains("Commander:    carol\n"));

  const auto same = ok(home, {"handoff", "carol"});
  CHECK(same.out.empty());
  CHECK(show_json(home, id)["events"].size() == incident["events"].size());
  CHECK(home.run({"handoff", id, "   "}).exit_code == 2);
}

TEST_CASE("list hides closed incidents unless --all and filters by severity and status") {
  Home home;
  const std::string p1 = open_incident(home, {"Checkout API 500s", "-s", "P1", "--at", "2026-11-27T01:00:00Z"});
  const std::string p2 = open_incident(home, {"Search is slow", "-s", "P2", "--at", "2026-11-27T02:00:00Z"});
  const std::string p0 = open_incident(home, {"Database down", "-s", "P0", "--at", k_t0});
  const std::string old = open_incident(home, {"Old one", "-s", "P1", "--at", "2026-11-26T10:00:00Z"});
  ok(home, {"resolve", p2, "--root-cause", "x", "--fix", "y", "--at", "2026-11-27T02:30:00Z"});
  ok(home, {"resolve", old, "--root-cause", "x", "--fix", "y", "--at", "2026-11-26T11:00:00Z"});
  ok(home, {"close", old, "--at", "2026-11-26T12:00:00Z"});

  auto ids_of = [&](const std::vector<std::string>& args) {
    auto with_json = args;
    with_json.insert(with_json.begin(), "list");
    with_json.emplace_back("--json");
    std::vector<std::string> ids;
    for (const auto& incident : parse_json(ok(home, with_json).out)) {
      ids.push_back(incident["id"].get<std::string>());
    }
    return ids;
  };
  CHECK(ids_of({}) == std::vector<std::string>{p0, p2, p1});
  CHECK(ids_of({"--all"}) == std::vector<std::string>{p0, p2, p1, old});
  CHECK(ids_of({"--severity", "P1"}) == std::vector<std::string>{p1});
  CHECK(ids_of({"--severity", "high", "--all"}) == std::vector<std::string>{p1, old});
  CHECK(ids_of({"-s", "critical"}) == std::vector<std::string>{p0});
  CHECK(ids_of({"--status", "resolved"}) == std::vector<std::string>{p2});
  CHECK(ids_of({"--status", "Investigating"}) == std::vector<std::string>{p0, p1});
  CHECK(ids_of({"--status", "closed"}) == std::vector<std::string>{old});
  CHECK(ids_of({"--status", "investigating", "--severity", "P0"}) == std::vector<std::string>{p0});
  CHECK(ids_of({"--severity", "P3"}).empty());

  // Within a week of the night (a resolved incident older than that is counted, not listed).
  const auto text = ok(home, {"list", "--at", "2026-11-28T00:00:00Z"});
  CHECK_THAT(text.out, Catch::Contains(p1) && Catch::Contains(p2) && Catch::Contains(p0));
  CHECK(text.out.find(old) == std::string::npos);
  CHECK_THAT(ok(home, {"list", "--all"}).out, Catch::Contains(old) && Catch::Contains("closed"));

  const auto bad_severity = home.run({"list", "--severity", "bogus"});
  CHECK(bad_severity.exit_code == 2);
  CHECK_THAT(bad_severity.err, Catch::Contains("P0") && Catch::Contains("Low"));
  const auto bad_status = home.run({"list", "--status", "sleeping"});
  CHECK(bad_status.exit_code == 2);
  CHECK(bad_status.out.empty());
}

// ---------------------------------------------------------------------------------------
// User text

TEST_CASE("a title containing a placeholder prints literally") {
  Home home;
  const auto result = home.run({"open", "{{commander}} broke {{title}} {{", "-s", "P2", "--commander", "alice",
                                "--impact", "{{impact}}", "--at", k_t0});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out ==
        "🚨 INCIDENT: {{commander}} broke {{title}} {{\n"
        "Severity: Medium\n"
        "Status: Investigating\n"
        "Impact: {{impact}}\n"
        "Started: 2026-11-27 03:12 UTC\n"
        "Commander: alice\n");
  const auto update =
      ok(home, {"update", "--findings", "{{next_steps}}", "--next", "{{findings}}", "--at", "2026-11-27T03:20:00Z"});
  CHECK_THAT(update.out, Catch::Contains("Findings: {{next_steps}}\nNext Steps: {{findings}}\n"));
}

TEST_CASE("control characters in a title are shown escaped in list and show") {
  Home home;
  const std::string title = "Red \x1b[31malert\x1b[0m \x07 bell";
  const auto opened = home.run({"open", title, "-s", "P1", "--commander", "mal\x1b]0;lory", "--at", k_t0});
  INFO(describe(opened));
  REQUIRE(opened.exit_code == 0);
  CHECK(opened.out.find('\x1b') == std::string::npos);
  CHECK(opened.err.find('\x1b') == std::string::npos);
  const std::string id = opened.err.substr(7, 8);
  ok(home, {"note", id, "see \x1b[2J here", "--at", "2026-11-27T03:13:00Z"});

  const auto list = ok(home, {"list"});
  CHECK(list.out.find('\x1b') == std::string::npos);
  CHECK(list.out.find('\x07') == std::string::npos);
  CHECK_THAT(list.out, Catch::Contains("Red \\e[31malert\\e[0m \\x07 bell"));
  const auto show = ok(home, {"show", id});
  CHECK(show.out.find('\x1b') == std::string::npos);
  CHECK_THAT(show.out, Catch::Contains(id + " Red \\e[31malert\\e[0m \\x07 bell\n"));
  CHECK_THAT(show.out, Catch::Contains("see \\e[2J here"));
  for (const std::string kind : {"initial", "investigation", "resolution"}) {
    CHECK(ok(home, {"render", id, kind}).out.find('\x1b') == std::string::npos);
  }
  // JSON keeps the exact text (as \u001b escapes, so still no raw ESC on stdout).
  const auto json = ok(home, {"show", id, "--json"});
  CHECK(json.out.find('\x1b') == std::string::npos);
  CHECK(parse_json(json.out)["title"] == title);
}

TEST_CASE("invalid UTF-8 in a note is stored replaced") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  const auto result = home.run({"note", id, "bad \xff\xfe byte \xc3", "--at", "2026-11-27T03:13:00Z"});
  INFO(describe(result));
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  const Json incident = show_json(home, id);
  CHECK(incident["events"].back()["text"] == "bad \xEF\xBF\xBD\xEF\xBF\xBD byte \xEF\xBF\xBD");
  // The file itself is valid UTF-8 JSON.
  CHECK_NOTHROW(Json::parse(read_text(home.file(id))));
  CHECK(ok(home, {"show", id}).out.find("bad \xEF\xBF\xBD\xEF\xBF\xBD byte") != std::string::npos);
}

TEST_CASE("a 100 KB note is a usage error and records nothing") {
  Home home;
  const std::string id = open_incident(home, {"Database down", "-s", "P0"});
  const std::string before = read_text(home.file(id));
  const auto result = home.run({"note", id, std::string(100 * 1024, 'x'), "--at", "2026-11-27T03:13:00Z"});
  INFO("exit " << result.exit_code << "\n" << result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("too long"));
  CHECK(result.err.size() < 300);
  CHECK(read_text(home.file(id)) == before);
  const auto title = home.run({"open", std::string(1000, 't'), "-s", "P3", "--at", k_t0});
  CHECK(title.exit_code == 2);
}

// ---------------------------------------------------------------------------------------
// Files

TEST_CASE("incident files are private JSON with a schema and the events, one per line") {
  Home home;
  const std::string id = open_checkout(home);
  ok(home, {"ack", id, "--as", "bob", "--at", "2026-11-27T03:20:00Z"});
  CHECK(mode_of(home.state()) == 0700);
  CHECK(mode_of(home.state() / "incidents") == 0700);
  CHECK(mode_of(home.state() / "index") == 0700);
  CHECK(mode_of(home.file(id)) == 0600);
  CHECK(mode_of(home.state() / "lock") == 0600);

  const std::string text = read_text(home.file(id));
  CHECK_THAT(text, Catch::StartsWith("{\n  \"schema\": 2,\n  \"id\": \"" + id + "\",\n  \"events\": [\n    {\"id\":\""));
  CHECK(text.back() == '\n');
  // 4 events, a line each.
  CHECK(std::count(text.begin(), text.end(), '\n') == 10);
  const Json document = parse_json(text);
  CHECK(document["schema"] == 2);
  CHECK(document.size() == 3);  // schema, id, events: nothing derived is stored
  REQUIRE(document["events"].is_array());
  REQUIRE(document["events"].size() == 4);
  CHECK(document["events"][0]["type"] == "opened");
  CHECK(document["events"][0]["fields"]["title"] == "Checkout API 500s");
  CHECK(document["events"][0]["fields"]["response_time_seconds"] == 3600);  // numbers are numbers
  CHECK(document["events"][0]["id"].get<std::string>().size() == 32);  // 128 bits
  // opened, checked (opened with a commander: "take incident commander role"), acknowledged,
  // checked (the ack's "Acknowledge the incident").
  const Json& ack = document["events"][2];
  CHECK(ack["type"] == "acknowledged");
  CHECK(ack["by"] == "bob");
  CHECK(ack["at"] == "2026-11-27T03:20:00Z");
  // Backfilled with --at: when it was written down is kept beside when it happened.
  CHECK(ack["recorded_at"] != ack["at"]);
  CHECK(document["events"][3]["fields"]["via"] == "ack");

  // No temp files are left behind by successful writes.
  for (const auto& entry : fs::directory_iterator(home.state() / "incidents")) {
    CHECK(entry.path().filename().string() == id + ".json");
  }
}

TEST_CASE("the modes do not depend on a permissive umask") {
  Home home;
  const mode_t previous = ::umask(0);
  const auto result = home.run({"open", "Database down", "-s", "P0", "--at", k_t0});
  ::umask(previous);
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  const std::string id = result.err.substr(7, 8);
  CHECK(mode_of(home.state()) == 0700);
  CHECK(mode_of(home.state() / "incidents") == 0700);
  CHECK(mode_of(home.state() / "index") == 0700);
  CHECK(mode_of(home.file(id)) == 0600);
  for (const auto& entry : fs::directory_iterator(home.state() / "index")) {
    INFO(entry.path().string());
    CHECK((mode_of(entry.path()) & 077) == 0);
  }
}

// ---------------------------------------------------------------------------------------
// Checklists

TEST_CASE("check, skip and uncheck record checklist items, checklist shows them as of --at") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  ok(home, {"ack", id, "--as", "bob", "--at", "2026-11-27T03:14:00Z"});
  // By number and by stable id; the same item twice is marked once.
  const auto checked = ok(home, {"check", id, "1", "initial.acknowledge", "2", "--at", "2026-11-27T03:15:00Z"});
  CHECK(checked.out.empty());
  CHECK_THAT(checked.err, Catch::Contains("Checked 1. Acknowledge") && Catch::Contains("Checked 2. "));
  ok(home, {"skip", id, "3", "--reason", "no status page for internal API", "--at", "2026-11-27T03:16:00Z"});
  ok(home, {"uncheck", id, "2", "--at", "2026-11-27T03:17:00Z"});
  const Json shown = parse_json(ok(home, {"show", id, "--json"}).out);
  int marks = 0;
  for (const auto& event : shown["events"]) {
    const std::string type = event["type"];
    marks += type == "checked" || type == "unchecked" || type == "skipped" ? 1 : 0;
  }
  CHECK(marks == 5);  // the ack's tick of 1 (and 4: bob became commander), check 2, skip 3, uncheck 2
  const std::string timeline = ok(home, {"show", id}).out;
  CHECK_THAT(timeline, Catch::Contains("bob checked initial.acknowledge (by incident ack)") &&
                           Catch::Contains("skipped initial.verify-handled: no status page for internal API") &&
                           Catch::Contains("unchecked initial.check-dashboard"));

  const auto text = ok(home, {"checklist", id, "--at", "2026-11-27T03:30:00Z"});
  check_golden("lifecycle_checklist.txt", text.out);
  const Json json = parse_json(ok(home, {"checklist", id, "--at", "2026-11-27T03:30:00Z", "--json"}).out);
  CHECK(json["current_phase"] == "investigation");
  const Json& items = json["phases"][0]["groups"][0]["items"];
  REQUIRE(items.size() == 4);
  CHECK(items[0]["id"] == "initial.acknowledge");
  CHECK(items[0]["checked"] == true);
  CHECK(items[0]["skipped"].is_null());
  CHECK(items[1]["checked"] == false);
  CHECK(items[2]["skipped"] == "no status page for internal API");
  // As of +5m the incident is still in its first phase; one phase only when named.
  const Json early = parse_json(ok(home, {"checklist", id, "initial", "--at", "2026-11-27T03:17:00Z", "--json"}).out);
  CHECK(early["current_phase"] == "initial");
  CHECK(early["phases"].size() == 1);
}

TEST_CASE("an unknown checklist item is a usage error with a suggestion, and nothing is recorded") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const std::string before = read_text(home.file(id));
  auto result = home.run({"check", id, "initial.acknowlege"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("did you mean 'initial.acknowledge'?"));
  result = home.run({"check", id, "1", "99"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("no item 99"));
  CHECK(home.run({"skip", id, "1"}).exit_code == 2);  // --reason is required
  CHECK(read_text(home.file(id)) == before);
}

TEST_CASE("a resolved incident is in the last phase, a P3 gets the Medium/Low checklist") {
  Home home;
  const std::string id = open_incident(home, {"Slow reports", "-s", "P3"});
  Json json = parse_json(ok(home, {"checklist", id, "--at", "2026-11-27T09:00:00Z", "--json"}).out);
  CHECK(json["current_phase"] == "resolution");  // hours later, but not resolved
  CHECK(json["phases"][0]["groups"][0]["items"][0]["id"] != "initial.acknowledge");
  ok(home, {"resolve", id, "--root-cause", "a", "--fix", "b", "--at", "2026-11-27T03:40:00Z"});
  json = parse_json(ok(home, {"checklist", id, "--at", "2026-11-27T03:41:00Z", "--json"}).out);
  CHECK(json["current_phase"] == "post-incident");
}
