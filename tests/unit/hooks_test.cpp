#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "incident/error.hpp"
#include "incident/hooks.hpp"
#include "incident/writes.hpp"
#include "support/default_runbook.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

const Timestamp k_now = *parse_rfc3339("2026-11-27T03:20:00Z");

void write_script(const fs::path& path, const std::string& body, bool executable = true) {
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(path, executable ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An incident opened and acknowledged, as the store would have written it.
StoredWrite acked() {
  const Stamp stamp{"alice", k_now, std::nullopt};
  Event opened = open_incident(incident::test::default_runbook(), {"Checkout API 500s", "P1", "", "", ""}, stamp);
  opened.seq = 1;
  opened.id = new_event_id();
  Event ack = new_event(event_type::acknowledged, k_now, k_now, "alice");
  ack.seq = 2;
  ack.id = new_event_id();
  Event note = new_event(event_type::noted, k_now, k_now, "alice");
  note.set(field::text, "paged db team");
  note.seq = 3;
  note.id = new_event_id();
  return StoredWrite{fold("k3x9m2qa", {opened, ack, note}), {ack, note}};
}

HookOptions quick(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  HookOptions options;
  options.timeout = timeout;
  options.now = k_now;
  return options;
}

}  // namespace

TEST_CASE("each event type runs its own hook, then on-event") {
  CHECK(hook_for("opened") == "on-open");
  CHECK(hook_for("acknowledged") == "on-ack");
  CHECK(hook_for("updated") == "on-update");
  CHECK(hook_for("severity_changed") == "on-severity");
  CHECK(hook_for("escalated") == "on-escalate");
  CHECK(hook_for("resolved") == "on-resolve");
  CHECK(hook_for("closed") == "on-close");
  CHECK(hook_for("noted").empty());
  CHECK(hook_for("exec_finished").empty());
  CHECK(hook_for("made_up").empty());
  REQUIRE(hook_names().size() == 8);
  CHECK(hook_names().back() == "on-event");
}

TEST_CASE("find_hooks takes executables named as hooks and says why it ignores the rest") {
  ScratchDir dir;
  CHECK(find_hooks(dir.path() / "missing").hooks.empty());
  CHECK(find_hooks(dir.path() / "missing").ignored.empty());

  write_script(dir.path() / "on-ack", "exit 0");
  write_script(dir.path() / "on-close", "exit 0", false);
  write_script(dir.path() / "on-ack.sample", "exit 0");
  write_script(dir.path() / "on-acknowledge", "exit 0");
  fs::create_directory(dir.path() / "on-open");
  const HookFiles files = find_hooks(dir.path());
  REQUIRE(files.hooks.size() == 1);
  CHECK(files.hooks.at("on-ack") == dir.path() / "on-ack");
  REQUIRE(files.ignored.size() == 4);
  CHECK_THAT(files.ignored[0], Catch::StartsWith("on-ack.sample: not a hook's name"));
  CHECK_THAT(files.ignored[1], Catch::StartsWith("on-acknowledge: not a hook's name"));
  CHECK_THAT(files.ignored[2], Catch::StartsWith("on-close: not executable (chmod +x"));
  CHECK(files.ignored[3] == "on-open: not a regular file");
}

TEST_CASE("a hook reads the event and the incident on stdin, and its environment names them") {
  ScratchDir dir;
  const fs::path out = dir.path() / "out";
  write_script(dir.path() / "on-ack",
               "cat > '" + out.string() + "-ack.json'\n"
               "echo \"$INCIDENT_HOOK $INCIDENT_ID $INCIDENT_EVENT $INCIDENT_EVENT_ID $INCIDENT_NO_HOOKS $EXTRA\" > '" +
                   out.string() + "-ack.env'");
  write_script(dir.path() / "on-event", "echo \"$INCIDENT_HOOK $INCIDENT_EVENT\" >> '" + out.string() + "-every'");
  const StoredWrite write = acked();
  HookOptions options = quick();
  options.environment = {{"EXTRA", "given"}};
  const auto runs = run_hooks(find_hooks(dir.path()), {write}, options);

  // The ack runs on-ack then on-event; the note, which has no hook of its own, on-event.
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].hook == "on-ack");
  CHECK(runs[1].hook == "on-event");
  CHECK(runs[2].hook == "on-event");
  CHECK(runs[2].event_type == "noted");
  for (const auto& run : runs) {
    CHECK_FALSE(run.failed());
  }
  CHECK(slurp(out.string() + "-every") == "on-event acknowledged\non-event noted\n");
  CHECK(slurp(out.string() + "-ack.env") ==
        "on-ack k3x9m2qa acknowledged " + write.events[0].id + " 1 given\n");
  const auto payload = nlohmann::json::parse(slurp(out.string() + "-ack.json"));
  CHECK(payload["hook"] == "on-ack");
  CHECK(payload["event"]["type"] == "acknowledged");
  CHECK(payload["event"]["id"] == write.events[0].id);
  CHECK(payload["incident"]["id"] == "k3x9m2qa");
  CHECK(payload["incident"]["title"] == "Checkout API 500s");
  CHECK(payload["incident"]["events"].size() == 3);
}

TEST_CASE("a failing hook is reported with its exit code and the end of its stderr") {
  ScratchDir dir;
  write_script(dir.path() / "on-event", "for i in 1 2 3 4 5 6 7; do echo \"line $i\" >&2; done\nexit 3");
  const auto runs = run_hooks(find_hooks(dir.path()), {acked()}, quick());
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].failed());
  CHECK(runs[0].exit_code == 3);
  CHECK(runs[0].stderr_tail == "line 3\nline 4\nline 5\nline 6\nline 7");
  CHECK(describe_hook_run(runs[0]) ==
        "hook on-event (acknowledged on k3x9m2qa) failed: exit code 3; its stderr ended: line 3\nline 4\nline 5\n"
        "line 6\nline 7");
}

TEST_CASE("a hanging hook is killed at its deadline, with what it started") {
  ScratchDir dir;
  write_script(dir.path() / "on-ack", "sleep 30 & sleep 30");
  const auto started = std::chrono::steady_clock::now();
  const auto runs = run_hooks(find_hooks(dir.path()), {acked()}, quick(std::chrono::milliseconds(300)));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].timed_out);
  CHECK(runs[0].failed());
  CHECK_THAT(describe_hook_run(runs[0]), Catch::StartsWith("hook on-ack (acknowledged on k3x9m2qa) did not finish "
                                                            "within ") &&
                                             Catch::EndsWith("and was killed"));
}

TEST_CASE("a hook that cannot be started is reported, and the others still run") {
  ScratchDir dir;
  write_script(dir.path() / "on-ack", "exit 0");
  write_script(dir.path() / "on-event", "exit 0");
  const HookFiles files = find_hooks(dir.path());
  fs::remove(dir.path() / "on-ack");  // gone between the listing and the run
  const auto runs = run_hooks(files, {acked()}, quick());
  REQUIRE(runs.size() == 3);
  CHECK_FALSE(runs[0].error.empty());
  CHECK(runs[0].failed());
  CHECK_THAT(describe_hook_run(runs[0]), Catch::Contains("could not run"));
  CHECK_FALSE(runs[1].failed());
}

TEST_CASE("INCIDENT_HOOK_TIMEOUT is seconds above 0, at most ten minutes") {
  CHECK(parse_hook_timeout("") == k_default_hook_timeout);
  CHECK(parse_hook_timeout("2") == std::chrono::milliseconds(2000));
  CHECK(parse_hook_timeout("0.5") == std::chrono::milliseconds(500));
  CHECK(parse_hook_timeout("600") == std::chrono::milliseconds(600'000));
  for (const char* bad : {"0", "-1", "abc", "601", "1s", " 2", "nan", "inf"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_hook_timeout(bad), UsageError);
  }
}
