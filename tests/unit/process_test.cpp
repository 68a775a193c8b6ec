// process.hpp: argv (no shell), captured output, environment, working directory, and a
// deadline that kills the program and what it started.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>

#include "incident/error.hpp"
#include "incident/process.hpp"
#include "support/temp_dir.hpp"

using namespace incident;

TEST_CASE("run_process captures stdout, stderr and the exit code, arguments are never a shell's") {
  const ProcessResult result = run_process({"/bin/sh", "-c", "printf 'out'; printf 'err' >&2; exit 3"});
  CHECK(result.exit_code == 3);
  CHECK(result.out == "out");
  CHECK(result.err == "err");
  CHECK_FALSE(result.timed_out);
  // A word with shell syntax is one argument, as typed.
  CHECK(run_process({"printf", "%s", "$(echo no); `x` > y"}).out == "$(echo no); `x` > y");
}

TEST_CASE("run_process sets the environment and the working directory it is given, stdin is empty") {
  incident::test::ScratchDir dir;
  ProcessOptions options;
  options.cwd = dir.path();
  options.environment = {{"INCIDENT_PROCESS_TEST", "a b"}};
  const ProcessResult result = run_process({"/bin/sh", "-c", "pwd; echo \"$INCIDENT_PROCESS_TEST\"; cat"}, options);
  CHECK(result.out == std::filesystem::canonical(dir.path()).string() + "\na b\n");
}

TEST_CASE("run_process stops a program that runs past its deadline, and what it started") {
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const auto started = std::chrono::steady_clock::now();
  // The grandchild holds the pipes open: only killing the group ends the wait.
  const ProcessResult result = run_process({"/bin/sh", "-c", "sleep 30 & sleep 30"}, options);
  CHECK(result.timed_out);
  CHECK(result.exit_code == 128 + 9);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("run_process says when the program is not installed") {
  CHECK_THROWS_WITH(run_process({"incident-no-such-program"}),
                    "cannot run incident-no-such-program: it is not installed or not on PATH");
}
