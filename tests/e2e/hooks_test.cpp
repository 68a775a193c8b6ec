// Hooks (#13): executables in ~/.config/incident/hooks run after a command's writes, with
// the event and the incident on stdin. A hook never loses, blocks or fails a write.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/http_server.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

fs::path hooks_dir(const Home& home) { return home.path() / ".config" / "incident" / "hooks"; }

// Installs a hook: a /bin/sh script with `body`.
void hook(const Home& home, const std::string& name, const std::string& body) {
  fs::create_directories(hooks_dir(home));
  const fs::path path = hooks_dir(home) / name;
  write_text(path, "#!/bin/sh\n" + body + "\n");
  fs::permissions(path, fs::perms::owner_all);
}

std::string sh_word(const std::string& path) { return "'" + path + "'"; }

std::size_t events_of(const Home& home, const std::string& id) {
  return parse_json(ok(home, {"show", id, "--json", "--no-hooks"}).out)["events"].size();
}

bool on_path(const std::string& program) {
  return launch(Launch{"/bin/sh", {"-c", "command -v " + program}, {}, {}, {}, {}, std::chrono::seconds(10)})
             .exit_code == 0;
}

}  // namespace

TEST_CASE("a hook reads the event and the incident from stdin, after the write") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const fs::path out = home.path() / "seen";
  // It reads the file the write left: the event is stored before any hook runs.
  hook(home, "on-ack",
       "cat > " + sh_word(out.string() + ".json") + "\necho \"$INCIDENT_HOOK $INCIDENT_ID $INCIDENT_EVENT\" > " +
           sh_word(out.string() + ".env") + "\ngrep -c acknowledged \"$INCIDENT_HOME/incidents/$INCIDENT_ID.json\" > " +
           sh_word(out.string() + ".stored"));
  const auto acked = ok(home, {"ack", id, "--as", "alice"});
  CHECK_THAT(acked.err, !Catch::Contains("warning"));
  const Json payload = parse_json(read_text(out.string() + ".json"));
  CHECK(payload["hook"] == "on-ack");
  CHECK(payload["event"]["type"] == "acknowledged");
  CHECK(payload["event"]["by"] == "alice");
  CHECK(payload["incident"]["id"] == id);
  CHECK(payload["incident"]["commander"] == "alice");
  CHECK(payload["incident"]["acknowledged_at"].is_string());
  CHECK(read_text(out.string() + ".env") == "on-ack " + id + " acknowledged\n");
  CHECK(read_text(out.string() + ".stored") == "1\n");
}

TEST_CASE("a failing hook is a warning: the write is kept and the exit code is the command's") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  hook(home, "on-update", "echo 'cannot reach the wiki' >&2\necho '\033[31mred\033[0m' >&2\nexit 3");
  const auto updated = ok(home, {"update", id, "--findings", "bad deploy", "--next", "roll back"});
  CHECK_THAT(updated.out, Catch::Contains("bad deploy"));  // the message, as without hooks
  CHECK_THAT(updated.err, Catch::Contains("incident: warning: hook on-update (updated on " + id +
                                          ") failed: exit code 3; its stderr ended: cannot reach the wiki\\n"
                                          "\\e[31mred\\e[0m\n"));
  CHECK(events_of(home, id) == 2);
  // A command that fails for itself keeps its own code.
  const auto refused = home.run({"update", id, "--findings", "x"});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, !Catch::Contains("hook"));
}

TEST_CASE("a hanging hook is killed at INCIDENT_HOOK_TIMEOUT and the write is kept") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  hook(home, "on-event", "sleep 30 & sleep 30");
  const auto started = std::chrono::steady_clock::now();
  const auto noted = home.run({"note", id, "still looking"}, {{"INCIDENT_HOOK_TIMEOUT", "0.5"}});
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(describe(noted));
  CHECK(noted.exit_code == 0);
  CHECK(took < std::chrono::seconds(8));  // 0.5 s and the slack of a sanitizer build
  CHECK_THAT(noted.err, Catch::Contains("hook on-event (noted on " + id + ") did not finish within") &&
                            Catch::Contains("and was killed"));
  CHECK(events_of(home, id) == 2);

  const auto bad = home.run({"note", id, "more"}, {{"INCIDENT_HOOK_TIMEOUT", "forever"}});
  CHECK(bad.exit_code == 0);
  CHECK_THAT(bad.err, Catch::Contains("hooks not run: INCIDENT_HOOK_TIMEOUT must be a number of seconds"));
  CHECK(events_of(home, id) == 3);
}

TEST_CASE("no hooks run with the option --no-hooks or INCIDENT_NO_HOOKS, -v says what is ignored") {
  Home home;
  const fs::path ran = home.path() / "ran";
  hook(home, "on-event", "echo \"$INCIDENT_EVENT\" >> " + sh_word(ran.string()));
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1", "--no-hooks"});
  ok(home, {"note", id, "one", "--no-hooks"});
  CHECK(home.run({"note", id, "two"}, {{"INCIDENT_NO_HOOKS", "1"}}).exit_code == 0);
  CHECK_FALSE(fs::exists(ran));
  // Without either, the hook runs.
  ok(home, {"note", id, "three"});
  CHECK(read_text(ran) == "noted\n");

  write_text(hooks_dir(home) / "on-close", "#!/bin/sh\nexit 0\n");  // not executable
  write_text(hooks_dir(home) / "on-ack.sample", "#!/bin/sh\nexit 0\n");
  const auto verbose = ok(home, {"-v", "note", id, "four"});
  CHECK_THAT(verbose.err, Catch::Contains("hooks: ignoring on-close: not executable"));
  CHECK_THAT(verbose.err, Catch::Contains("hooks: ignoring on-ack.sample: not a hook's name"));
  CHECK_THAT(verbose.err, Catch::Contains("hook on-event (noted on " + id + ") ran in"));
  CHECK(read_text(ran) == "noted\nnoted\n");
}

// The store's lock is held while a write commits; hooks run once it is released, so a hook
// may run `incident` itself. What that command writes runs no hooks (INCIDENT_NO_HOOKS=1
// in every hook's environment): no chain, however the hooks are written.
TEST_CASE("a hook that runs incident note does not deadlock, and starts no chain of hooks") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const fs::path ran = home.path() / "ran";
  hook(home, "on-ack", "'" + binary() + "' note \"$INCIDENT_ID\" 'paged by the on-ack hook'");
  hook(home, "on-event", "echo \"$INCIDENT_EVENT\" >> " + sh_word(ran.string()) + "\n'" + binary() +
                             "' note \"$INCIDENT_ID\" \"seen $INCIDENT_EVENT\"");
  // A held lock would make the hook's note fail in half a second, not wait for 10.
  const auto started = std::chrono::steady_clock::now();
  const auto acked = home.run({"ack", id}, {{"INCIDENT_LOCK_TIMEOUT_MS", "500"}});
  INFO(describe(acked));
  CHECK(acked.exit_code == 0);
  CHECK_THAT(acked.err, !Catch::Contains("warning"));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
  const Json shown = parse_json(ok(home, {"show", id, "--json", "--no-hooks"}).out);
  std::vector<std::string> notes;
  for (const auto& event : shown["events"]) {
    if (event["type"] == "noted") {
      notes.push_back(event["text"]);
    }
  }
  // ack ticks two items on its own: three events, each seen once; the notes ran no hooks.
  CHECK(notes == std::vector<std::string>{"paged by the on-ack hook", "seen acknowledged", "seen checked",
                                          "seen checked"});
  CHECK(read_text(ran) == "acknowledged\nchecked\nchecked\n");
}

TEST_CASE("the contrib hooks are valid scripts") {
  const fs::path contrib = fs::path(INCIDENT_SOURCE_DIR) / "contrib" / "hooks";
  const auto check = [](const std::vector<std::string>& command) {
    const auto result = launch(Launch{command[0], {command.begin() + 1, command.end()}, {}, {}, {}, {},
                                      std::chrono::seconds(30)});
    INFO(describe(result));
    CHECK(result.exit_code == 0);
  };
  check({"/bin/sh", "-n", (contrib / "on-escalate-pagerduty").string()});
  if (on_path("python3")) {
    check({"/bin/sh", "-c", "python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' \"$0\"",
           (contrib / "on-resolve-ticket").string()});
  } else {
    WARN("python3 is not installed: on-resolve-ticket not checked");
  }
  for (const auto& name : {"on-escalate-pagerduty", "on-resolve-ticket"}) {
    struct stat info {};
    REQUIRE(::stat((contrib / name).c_str(), &info) == 0);
    CHECK((info.st_mode & S_IXUSR) != 0);
  }
}

TEST_CASE("contrib on-escalate-pagerduty pages the Events API v2, deduplicated by incident") {
  if (!on_path("curl") || !on_path("jq")) {
    WARN("curl or jq is not installed: the PagerDuty hook is not run");
    return;
  }
  Home home;
  HttpServer server;
  server.set_default({202, {{"Content-Type", "application/json"}}, R"({"status":"success","dedup_key":"x"})"});
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1", "--impact", "50% of checkouts"});
  fs::create_directories(hooks_dir(home));
  fs::copy_file(fs::path(INCIDENT_SOURCE_DIR) / "contrib" / "hooks" / "on-escalate-pagerduty",
                hooks_dir(home) / "on-escalate");
  const std::map<std::string, std::string> env = {{"PAGERDUTY_ROUTING_KEY", "R0UT1NGKEY"},
                                                  {"PAGERDUTY_EVENTS_URL", server.url("/v2/enqueue")},
                                                  {"PAGERDUTY_SOURCE", "laptop-7"}};
  const auto escalated = home.run({"escalate", id, "--reason", "no progress in 30m"}, env);
  INFO(describe(escalated));
  CHECK(escalated.exit_code == 0);
  CHECK_THAT(escalated.err, !Catch::Contains("warning: hook"));  // the placeholder contact is warned about
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.method == "POST");
  CHECK(request.target == "/v2/enqueue");
  CHECK(request.headers.at("content-type") == "application/json");
  const Json body = Json::parse(request.body);
  CHECK(body["routing_key"] == "R0UT1NGKEY");
  CHECK(body["event_action"] == "trigger");
  CHECK(body["dedup_key"] == id);
  CHECK(body["payload"]["severity"] == "error");
  CHECK(body["payload"]["source"] == "laptop-7");
  CHECK_THAT(body["payload"]["summary"].get<std::string>(), Catch::StartsWith("[P1] Checkout API 500s (escalated to level"));
  CHECK(body["payload"]["custom_details"]["reason"] == "no progress in 30m");
  CHECK(body["payload"]["custom_details"]["impact"] == "50% of checkouts");

  // Without the key nobody is paged, and the escalation stands.
  auto without = env;
  without["PAGERDUTY_ROUTING_KEY"] = "";
  const auto unpaged = home.run({"escalate", id, "--reason", "still stuck"}, without);
  CHECK(unpaged.exit_code == 0);
  CHECK_THAT(unpaged.err, Catch::Contains("hook on-escalate (escalated on " + id + ") failed: exit code 1") &&
                              Catch::Contains("PAGERDUTY_ROUTING_KEY is not set"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("contrib on-resolve-ticket opens an issue through a tracker's REST API") {
  if (!on_path("python3")) {
    WARN("python3 is not installed: the ticket hook is not run");
    return;
  }
  Home home;
  HttpServer server;
  server.set_default({201, {{"Content-Type", "application/json"}}, R"({"number":7,"html_url":"http://t/7"})"});
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P2"});
  fs::create_directories(hooks_dir(home));
  fs::copy_file(fs::path(INCIDENT_SOURCE_DIR) / "contrib" / "hooks" / "on-resolve-ticket",
                hooks_dir(home) / "on-resolve");
  const auto resolved = home.run({"resolve", id, "--root-cause", "bad config", "--fix", "rolled back"},
                                 {{"INCIDENT_TICKET_REPO", "acme/ops"},
                                  {"INCIDENT_TICKET_TOKEN", "T0KEN"},
                                  {"INCIDENT_TICKET_API", server.url("/api")}});
  INFO(describe(resolved));
  CHECK(resolved.exit_code == 0);
  CHECK_THAT(resolved.err, !Catch::Contains("warning: hook"));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.target == "/api/repos/acme/ops/issues");
  CHECK(request.headers.at("authorization") == "Bearer T0KEN");
  const Json body = Json::parse(request.body);
  CHECK(body["title"] == "Postmortem: Checkout API 500s (" + id + ")");
  CHECK_THAT(body["body"].get<std::string>(), Catch::Contains("**Root cause:** bad config") &&
                                                  Catch::Contains("**Fix:** rolled back"));
  CHECK(body["labels"] == Json::array({"incident", "postmortem"}));
}
