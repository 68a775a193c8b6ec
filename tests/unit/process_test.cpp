// process.hpp: argv (no shell), captured output, environment, working directory, and a
// deadline that kills the program and what it started.
#include <catch2/catch.hpp>

#include <signal.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

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

TEST_CASE("run_process stops a program that runs past its deadline, and what it started, captured or not") {
  ProcessOptions options;
  options.capture_output = GENERATE(true, false);
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

TEST_CASE("run_process writes the input it is given to the program's stdin") {
  ProcessOptions options;
  options.input = "first line\nsecond, no newline";
  const ProcessResult result = run_process({"cat"}, options);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "first line\nsecond, no newline");
  // Empty input is end of file at once, as /dev/null is.
  options.input = "";
  CHECK(run_process({"cat"}, options).out.empty());
}

TEST_CASE("run_process writes input larger than a pipe holds while it reads the output") {
  // 1 MiB each way: writing all of it before reading (or the reverse) would deadlock.
  std::string input;
  for (int i = 0; input.size() < 1024 * 1024; ++i) {
    input += std::to_string(i) + '\n';
  }
  input.resize(1024 * 1024);
  ProcessOptions options;
  options.input = input;
  const ProcessResult result = run_process({"cat"}, options);
  CHECK(result.exit_code == 0);
  CHECK_FALSE(result.timed_out);
  CHECK(result.out.size() == input.size());
  CHECK(result.out == input);
}

TEST_CASE("run_process gives input to a program that exits without reading it, and SIGPIPE does no harm") {
  // SIGPIPE at its default, as in a process that never set it: were it raised, it would kill us.
  struct sigaction saved {};
  struct sigaction at_default {};
  at_default.sa_handler = SIG_DFL;
  sigemptyset(&at_default.sa_mask);
  REQUIRE(::sigaction(SIGPIPE, &at_default, &saved) == 0);
  const auto started = std::chrono::steady_clock::now();
  ProcessOptions options;
  options.input = std::string(1024 * 1024, 'x');
  const ProcessResult never_reads = run_process({"true"}, options);
  options.input = "a few bytes";
  const ProcessResult closes_stdin = run_process({"/bin/sh", "-c", "exec 0<&-; sleep 0.1; echo done"}, options);
  ::sigaction(SIGPIPE, &saved, nullptr);
  CHECK(never_reads.exit_code == 0);
  CHECK_FALSE(never_reads.timed_out);
  CHECK(closes_stdin.exit_code == 0);
  CHECK(closes_stdin.out == "done\n");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  // Nor is one left pending, to kill us when someone unblocks it.
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  CHECK(sigismember(&pending, SIGPIPE) == 0);
}

TEST_CASE("run_process stops a program that does not read its input at the deadline") {
  ProcessOptions options;
  options.input = std::string(1024 * 1024, 'x');  // more than a pipe holds: the write has to wait
  options.timeout = std::chrono::milliseconds(300);
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult result = run_process({"sleep", "30"}, options);
  CHECK(result.timed_out);
  CHECK(result.exit_code == 128 + 9);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("run_process without capture returns when the program exits, not when what it started does") {
  incident::test::ScratchDir dir;
  const std::filesystem::path pid_file = dir.path() / "pid";
  ProcessOptions options;
  options.capture_output = false;
  options.input = "never read";
  const auto started = std::chrono::steady_clock::now();
  // The background sleep keeps the descriptors it inherited, as xclip's daemon does: with
  // pipes to read to their end, the wait would last its 30 s.
  const ProcessResult result =
      run_process({"/bin/sh", "-c", "sleep 30 & echo $! >\"$0\"; echo hi; echo there >&2", pid_file.string()}, options);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(result.exit_code == 0);
  CHECK_FALSE(result.timed_out);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
  const std::string pid = incident::test::slurp(pid_file);
  if (!pid.empty()) {
    ::kill(static_cast<pid_t>(std::stol(pid)), SIGKILL);
  }

  options.input.reset();
  CHECK(run_process({"/bin/sh", "-c", "exit 4"}, options).exit_code == 4);
}


TEST_CASE("run_process hands output to on_output as it comes, with its stream") {
  ProcessOptions options;
  std::string seen;
  options.on_output = [&seen](int stream, std::string_view chunk) {
    seen += std::to_string(stream) + ":" + std::string(chunk);
  };
  const ProcessResult result = run_process({"/bin/sh", "-c", "echo out; sleep 0.1; echo err >&2; exit 5"}, options);
  CHECK(result.exit_code == 5);
  CHECK(seen == "1:out\n2:err\n");
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

TEST_CASE("run_process in the foreground shares this process's group, stdin, and default SIGINT") {
  // Ignored here, as `incident exec` does while a command runs: the program gets it back.
  struct sigaction ignore {};
  struct sigaction saved {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGINT, &ignore, &saved);
  ProcessOptions options;
  options.foreground = true;
  const ProcessResult result =
      run_process({"/bin/sh", "-c", "cut -d' ' -f5 /proc/$$/stat; kill -INT $$; echo alive"}, options);
  ::sigaction(SIGINT, &saved, nullptr);
  CHECK(result.exit_code == 128 + SIGINT);  // the shell died of it: not ignored
  CHECK_THAT(result.out, !Catch::Contains("alive"));
  CHECK(std::stol(result.out) == static_cast<long>(::getpgrp()));

  options.foreground = false;
  const ProcessResult own = run_process({"/bin/sh", "-c", "cut -d' ' -f5 /proc/$$/stat"}, options);
  CHECK(std::stol(own.out) != static_cast<long>(::getpgrp()));
}
