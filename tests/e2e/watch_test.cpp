// incident watch (#13): a live view on a terminal, driven through a pseudo-terminal; one
// frame when stdout is not a terminal.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"
#include "support/pty.hpp"

using namespace incident::test;

namespace {

const std::string k_enter = "\x1b[?1049h\x1b[?25l";  // the alternate screen, the cursor hidden
const std::string k_leave = "\x1b[?25h\x1b[?1049l";  // the cursor shown, the screen restored

std::map<std::string, std::string> fast(std::map<std::string, std::string> env = {}) {
  env.emplace("INCIDENT_WATCH_INTERVAL_MS", "100");
  env.emplace("INCIDENT_NOW", "2026-11-27T03:40:00Z");
  return env;
}

TerminalRun watching(const Home& home, const std::vector<std::string>& args, std::vector<Keystrokes> script,
                     const std::map<std::string, std::string>& env = fast()) {
  TerminalRun run;
  run.how = home.how(args, env);
  run.script = std::move(script);
  return run;
}

}  // namespace

TEST_CASE("watch: not on a terminal, one frame of the open incidents, then exit 0") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P0"});
  const Result result = home.run({"watch"}, fast());
  INFO(describe(result));
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("Open incidents  2026-11-27 03:40:00 UTC  q or Ctrl-C quits\n"));
  CHECK_THAT(result.out, Catch::Contains(id) && Catch::Contains("ack 13m overdue") &&
                             Catch::Contains("Checkout API 500s"));
  CHECK(result.out.find('\x1b') == std::string::npos);

  const Result one = home.run({"watch", id}, fast());
  INFO(describe(one));
  CHECK(one.exit_code == 0);
  // What `status` shows, then the checklist and the timeline.
  CHECK_THAT(one.out, Catch::Contains(id + " Checkout API 500s\n") && Catch::Contains("<- current phase") &&
                          Catch::Contains("Timeline:\n") && Catch::Contains("opened it as P0"));
  CHECK(home.run({"watch", "--json"}, fast()).exit_code == 2);
  CHECK(home.run({"watch", "nosuch"}, fast()).exit_code == 4);
}

TEST_CASE("watch: on a terminal it draws, redraws with the clock moving, and q quits restoring the terminal") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P0"});
  const TerminalResult result = run_on_terminal(watching(home, {"watch"},
                                                         {{k_enter, ""},
                                                          {id, ""},
                                                          {"03:40:00 UTC", ""},
                                                          {"\x1b[H", ""},  // the next frame
                                                          {"03:40:01 UTC", ""},
                                                          {id, "q"}}));
  INFO(result.screen);
  CHECK(result.exit_code == 0);
  CHECK(result.steps_done == 6);
  CHECK_FALSE(result.timed_out);
  CHECK_THAT(result.screen, Catch::Contains("ack 13m overdue"));
  // Each frame starts at the top left and clears what the last one left.
  CHECK_THAT(result.screen, Catch::Contains("\x1b[K\x1b[J"));
  CHECK_THAT(result.screen, Catch::EndsWith(k_leave));
}

TEST_CASE("watch ID on a terminal shows the incident, and Ctrl-C exits 130 and restores the terminal") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P0"});
  ok(home, {"note", id, "rollback started", "--at", k_t0});
  TerminalRun run = watching(home, {"watch", id.substr(0, 4)}, {{"rollback started", "\x03"}});
  run.rows = 40;  // the status takes 20 lines: room for the current phase's checklist too
  const TerminalResult result = run_on_terminal(run);
  INFO(result.screen);
  CHECK(result.exit_code == 130);
  CHECK(result.steps_done == 1);
  CHECK_THAT(result.screen, Catch::Contains("Incident " + id) && Catch::Contains("<- current phase"));
  CHECK_THAT(result.screen, Catch::EndsWith(k_leave));
}

TEST_CASE("watch colours what is overdue on a terminal, and never with NO_COLOR, and it fits the width") {
  Home home;
  open_incident(home, {"Checkout API returns 500 for every card payment in the EU region after the deploy", "-s", "P0"});
  TerminalRun coloured = watching(home, {"watch"}, {{"overdue", "q"}});
  coloured.columns = 60;
  const TerminalResult colour = run_on_terminal(coloured);
  INFO(colour.screen);
  CHECK(colour.exit_code == 0);
  CHECK_THAT(colour.screen, Catch::Contains("\x1b[31m"));
  CHECK_THAT(colour.screen, Catch::Contains("…") && !Catch::Contains("after the deploy"));

  const TerminalResult plain = run_on_terminal(watching(home, {"watch"}, {{"overdue", "q"}}, fast({{"NO_COLOR", "1"}})));
  INFO(plain.screen);
  CHECK(plain.exit_code == 0);
  CHECK_THAT(plain.screen, !Catch::Contains("\x1b[31m"));
  const TerminalResult never =
      run_on_terminal(watching(home, {"watch", "--color", "never"}, {{"overdue", "q"}}));
  CHECK_THAT(never.screen, !Catch::Contains("\x1b[31m"));
  CHECK_THAT(never.screen, Catch::EndsWith(k_leave));
}

TEST_CASE("watch puts the terminal's settings back: stty after it shows echo and line editing on") {
  Home home;
  open_incident(home, {"Checkout API 500s", "-s", "P0"});
  for (const char* key : {"q", "\x03"}) {
    INFO("key " << static_cast<int>(key[0]));
    // The shell ignores SIGINT so that it lives to run stty; watch installs its own handler.
    TerminalRun run = watching(home, {"-c", "trap '' INT; \"$0\" watch; echo \"exit $?\"; stty -a", binary()},
                               {{"Checkout API 500s", key}});
    run.how.program = "/bin/sh";
    const TerminalResult result = run_on_terminal(run);
    INFO(result.screen);
    CHECK(result.exit_code == 0);
    const auto after = result.screen.find(k_leave);
    REQUIRE(after != std::string::npos);
    const std::string settings = result.screen.substr(after);
    CHECK_THAT(settings, Catch::Contains(key[0] == 'q' ? "exit 0" : "exit 130"));
    CHECK_THAT(settings, Catch::Contains(" icanon") && !Catch::Contains("-icanon"));
    CHECK_THAT(settings, Catch::Contains(" echo ") && !Catch::Contains("-echo "));
    CHECK_THAT(settings, !Catch::Contains("susp = <undef>"));
  }
}

TEST_CASE("watch on a dumb terminal prints one frame and takes nothing over") {
  Home home;
  open_incident(home, {"Checkout API 500s", "-s", "P0"});
  TerminalRun run = watching(home, {"watch"}, {});
  run.how.program = "/bin/sh";
  run.how.args = {"-c", "TERM=dumb \"$0\" watch", binary()};
  const TerminalResult result = run_on_terminal(run);
  INFO(result.screen);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.screen, Catch::StartsWith("Open incidents  2026-11-27 03:40:00 UTC"));
  CHECK(result.screen.find('\x1b') == std::string::npos);
}

TEST_CASE("watch ended by SIGTERM exits 143 and leaves the alternate screen") {
  Home home;
  open_incident(home, {"Checkout API 500s", "-s", "P0"});
  // In the background its stdin is not the terminal: it watches the clock alone.
  TerminalRun run = watching(
      home, {"-c", "\"$0\" watch & sleep 1; kill -TERM $!; wait $!; echo \"exit $?\"", binary()}, {});
  run.how.program = "/bin/sh";
  const TerminalResult result = run_on_terminal(run);
  INFO(result.screen);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.screen, Catch::Contains("Checkout API 500s"));
  CHECK_THAT(result.screen, Catch::EndsWith(k_leave + "exit 143\r\n"));
}
