// incident exec (#13): a command run on the record. Its start and end are on the
// timeline, its output streams to stderr and its redacted tail is kept, a success ticks
// its step, and incident exits with the command's exit code.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"
#include "support/pty.hpp"
#include "support/temp_dir.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// The events of `id` of the given type, in timeline order.
std::vector<Json> events(const Home& home, const std::string& id, const std::string& type) {
  std::vector<Json> found;
  const Json shown = parse_json(ok(home, {"show", id, "--json"}).out);
  for (const auto& event : shown["events"]) {
    if (event["type"] == type) {
      found.push_back(event);
    }
  }
  return found;
}

bool item_checked(const Home& home, const std::string& id, const std::string& item) {
  const Json checklist = parse_json(ok(home, {"checklist", id, "--json"}).out);
  for (const auto& phase : checklist["phases"]) {
    for (const auto& group : phase["groups"]) {
      for (const auto& each : group["items"]) {
        if (each["id"] == item) {
          return each["checked"].get<bool>();
        }
      }
    }
  }
  FAIL("no item " << item);
  return false;
}

}  // namespace

TEST_CASE("exec records a succeeding command, streams its output to stderr and ticks its step") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const auto ran =
      home.run({"exec", "--step", "2", "--", "sh", "-c", "echo dashboards green; echo 'from stderr' >&2"});
  INFO(describe(ran));
  CHECK(ran.exit_code == 0);
  CHECK(ran.out.empty());  // stdout stays for --json
  CHECK_THAT(ran.err, Catch::Contains("Running on " + id + " (step 2. Check system health dashboard): sh -c"));
  CHECK_THAT(ran.err, Catch::Contains("dashboards green\nfrom stderr\n"));
  CHECK_THAT(ran.err, Catch::Contains("Recorded on " + id + ": exit code 0"));
  CHECK_THAT(ran.err, Catch::Contains("Checked initial.check-dashboard. Check system health dashboard"));

  const auto started = events(home, id, "exec_started");
  const auto finished = events(home, id, "exec_finished");
  REQUIRE(started.size() == 1);
  REQUIRE(finished.size() == 1);
  CHECK(started[0]["command"] ==
        Json::array({"sh", "-c", "echo dashboards green; echo 'from stderr' >&2"}));
  CHECK(started[0]["item"] == "initial.check-dashboard");
  CHECK(finished[0]["exit_code"] == 0);
  CHECK(finished[0]["output"] == "dashboards green\nfrom stderr");
  CHECK(finished[0]["started"] == started[0]["id"]);
  CHECK(finished[0]["duration_seconds"].is_number_integer());
  const auto ticks = events(home, id, "checked");
  REQUIRE(ticks.size() == 1);
  CHECK(ticks[0]["via"] == "exec");
  CHECK(item_checked(home, id, "initial.check-dashboard"));

  const auto shown = ok(home, {"show", id});
  CHECK_THAT(shown.out, Catch::Contains(R"(tester ran: sh -c 'echo dashboards green; echo '\''from stderr'\'' >&2' )"
                                        "(step initial.check-dashboard)"));
  CHECK_THAT(shown.out, Catch::Contains("tester's command exited 0 after 0s: sh -c 'echo dashboards green;"));
  CHECK_THAT(shown.out, Catch::Contains("(output: ... from stderr)"));
}

TEST_CASE("exec records a failing command, ticks nothing and exits with its code") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const auto ran = home.run({"exec", id, "--step", "initial.check-dashboard", "--", "sh", "-c",
                             "echo 'error: no rollout history' >&2; exit 3"});
  INFO(describe(ran));
  CHECK(ran.exit_code == 3);
  CHECK_THAT(ran.err, Catch::Contains("Recorded on " + id + ": exit code 3"));
  CHECK_THAT(ran.err, !Catch::Contains("Checked"));
  const auto finished = events(home, id, "exec_finished");
  REQUIRE(finished.size() == 1);
  CHECK(finished[0]["exit_code"] == 3);
  CHECK(finished[0]["output"] == "error: no rollout history");
  CHECK(events(home, id, "checked").empty());
  CHECK_FALSE(item_checked(home, id, "initial.check-dashboard"));

  // --json: the incident and what ran, on stdout; the exit code is still the command's.
  const auto json = home.run({"exec", id, "--json", "--", "sh", "-c", "exit 5"});
  CHECK(json.exit_code == 5);
  const Json document = parse_json(json.out);
  CHECK(document["id"] == id);
  CHECK(document["exec"]["exit_code"] == 5);
  CHECK(document["exec"]["step"].is_null());
}

TEST_CASE("exec redacts secret lines and arguments, and keeps only the output's tail") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  fs::create_directories(home.path() / ".config" / "incident");
  write_text(home.path() / ".config" / "incident" / "config.yaml", "exec:\n  redact: ['^internal-[0-9]+']\n");
  const auto ran = home.run({"exec", "--", "sh", "-c",
                             "for i in $(seq 1 30); do echo \"line $i\"; done; echo password=hunter2; "
                             "echo 'AKIAABCDEFGHIJKLMNOP'; echo internal-42; echo done",
                             "--token=abc"});
  INFO(describe(ran));
  CHECK(ran.exit_code == 0);
  CHECK_THAT(ran.err, Catch::Contains("password=hunter2"));  // the user sees it live, as from a shell
  const auto finished = events(home, id, "exec_finished");
  REQUIRE(finished.size() == 1);
  const std::string output = finished[0]["output"];
  CHECK(output ==
        "line 15\nline 16\nline 17\nline 18\nline 19\nline 20\nline 21\nline 22\nline 23\nline 24\nline 25\n"
        "line 26\nline 27\nline 28\nline 29\nline 30\n[redacted]\n[redacted]\n[redacted]\ndone");
  CHECK(finished[0]["command"][3] == "[redacted]");
  const std::string file = read_text(home.file(id));
  CHECK_THAT(file, !Catch::Contains("hunter2"));
  CHECK_THAT(file, !Catch::Contains("AKIAABCDEFGHIJKLMNOP"));
  CHECK_THAT(file, !Catch::Contains("internal-42"));
  CHECK_THAT(file, !Catch::Contains("token=abc"));

  // A long line is kept to its last 4 KiB.
  CHECK(home.run({"exec", "--", "sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"}).exit_code == 0);
  const auto noisy = events(home, id, "exec_finished");
  REQUIRE(noisy.size() == 2);
  CHECK(noisy[1]["output"].get<std::string>() == std::string(4096, 'x'));

  // A bad pattern is refused before anything is recorded or run.
  write_text(home.path() / ".config" / "incident" / "config.yaml", "exec:\n  redact: ['(']\n");
  const fs::path marker = home.path() / "ran";
  const auto refused = home.run({"exec", "--", "touch", marker.string()});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("config.yaml:2:12: exec.redact: '(' is not a valid regular expression"));
  CHECK_FALSE(fs::exists(marker));
  CHECK(events(home, id, "exec_started").size() == 2);
}

TEST_CASE("exec of a missing program is recorded as exit code 127") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const auto ran = home.run({"exec", "--step", "2", "--", "no-such-program-here", "--flag"});
  INFO(describe(ran));
  CHECK(ran.exit_code == 127);
  CHECK_THAT(ran.err, Catch::Contains("incident: error: cannot run no-such-program-here: it is not installed or not "
                                      "on PATH (recorded on " + id + ", exit code 127)"));
  const auto finished = events(home, id, "exec_finished");
  REQUIRE(finished.size() == 1);
  CHECK(finished[0]["exit_code"] == 127);
  CHECK(finished[0]["output"] == "cannot run no-such-program-here: it is not installed or not on PATH");
  CHECK(events(home, id, "checked").empty());
}

TEST_CASE("exec refuses what it cannot run before recording anything") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const auto no_command = home.run({"exec", id});
  CHECK(no_command.exit_code == 2);
  CHECK_THAT(no_command.err, Catch::Contains("no command to run: give it after --"));
  const auto typo = home.run({"exec", "--step", "initial.chek-dashboard", "--", "true"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Catch::Contains("initial.check-dashboard"));  // did you mean
  CHECK(events(home, id, "exec_started").empty());
  // The words after -- are the command's, options included; --shell runs them in sh -c.
  const auto shell = home.run({"exec", "--shell", "--", "echo", "a", "|", "tr", "a", "b", ";", "exit", "4"});
  CHECK(shell.exit_code == 4);
  CHECK_THAT(shell.err, Catch::Contains("\nb\n"));
  CHECK(events(home, id, "exec_started").at(0)["command"] == Json::array({"sh", "-c", "echo a | tr a b ; exit 4"}));
  const auto dashes = home.run({"exec", "--", "sh", "-c", "echo \"$1\"", "sh", "--step"});
  CHECK(dashes.exit_code == 0);
  CHECK_THAT(dashes.err, Catch::Contains("\n--step\n"));
}

// The store's lock is not held while the command runs (it may take minutes): a command
// that records a note itself does not wait for it.
TEST_CASE("exec holds no lock while the command runs") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  const auto ran = home.run({"exec", id, "--", binary(), "note", id, "from inside exec"},
                            {{"INCIDENT_LOCK_TIMEOUT_MS", "500"}});
  INFO(describe(ran));
  CHECK(ran.exit_code == 0);
  const auto notes = events(home, id, "noted");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["text"] == "from inside exec");
  // On the timeline between the start and the end.
  const Json shown = parse_json(ok(home, {"show", id, "--json"}).out);
  std::vector<std::string> types;
  for (const auto& event : shown["events"]) {
    types.push_back(event["type"]);
  }
  CHECK(types == std::vector<std::string>{"opened", "exec_started", "noted", "exec_finished"});
}

// On a terminal the command runs in the foreground: it reads what is typed, and Ctrl-C
// stops it (not incident, which records how it ended and exits with its code).
TEST_CASE("exec on a terminal: the command reads the terminal and Ctrl-C stops it, on the record") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  // The words the terminal waits for are printed by the command, not in it as typed
  // (incident shows the command line first).
  TerminalRun asked{home.how({"exec", "--", "sh", "-c", "printf 'proc%s? ' eed; read answer; echo \"got $answer\""}),
                    {{"proceed? ", "yes\r"}}};
  const TerminalResult answered = run_on_terminal(asked);
  INFO(answered.screen);
  CHECK(answered.exit_code == 0);
  CHECK_THAT(answered.screen, Catch::Contains("got yes"));

  // Not sh: dash catches SIGINT and acts on it only after the command it waits for, so a
  // Ctrl-C typed between its printf and its sleep would wait the sleep out. A program that
  // dies of SIGINT, as most do, is what a person interrupts.
  if (launch(Launch{"/bin/sh", {"-c", "command -v python3"}, {}, {}, {}, {}, std::chrono::seconds(10)}).exit_code != 0) {
    WARN("python3 is not installed: Ctrl-C is not tried");
    return;
  }
  TerminalRun interrupted{home.how({"exec", "--", "python3", "-c",
                                    "import signal, time; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                                    "print('wait' + 'ing', flush=True); time.sleep(30)"}),
                          {{"waiting", "\x03"}}};
  const auto started = std::chrono::steady_clock::now();
  const TerminalResult stopped = run_on_terminal(interrupted);
  INFO(stopped.screen);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
  CHECK(stopped.exit_code == 130);
  CHECK_THAT(stopped.screen, Catch::Contains("exit code 130"));
  const auto finished = events(home, id, "exec_finished");
  REQUIRE(finished.size() == 2);
  CHECK(finished[0]["output"] == "proceed? got yes");
  CHECK(finished[1]["exit_code"] == 130);
  CHECK(finished[1]["output"] == "waiting");
}
