#pragma once
// Running another program (git for sync, a clipboard tool): an argv, never a shell; stdin
// from /dev/null or a given text; stdout and stderr captured (or thrown away); a deadline
// after which the program and its children (its process group) are killed.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace incident {

struct ProcessOptions {
  std::filesystem::path cwd;  // empty: this process's
  std::vector<std::pair<std::string, std::string>> environment;  // set (or replaced) in the child
  std::chrono::milliseconds timeout{60'000};
  // Set: the program's stdin is a pipe this text is written to, then closed (the write
  // never blocks, so a program that does not read cannot hang us past the deadline; one
  // that exits without reading it all is not an error). Unset: stdin is /dev/null.
  std::optional<std::string> input{};  // "{}": {cwd, environment, timeout} stays warning-free
  // False: stdout and stderr go to /dev/null and run_process returns as soon as the
  // program exits, even when something it started keeps the descriptors it inherited
  // (xclip and wl-copy leave a daemon behind to serve the selection). out and err stay
  // empty. True: it returns when both streams are closed, then waits for the exit.
  bool capture_output = true;
  // Set (with capture_output): each piece of output is handed to it as it arrives, with
  // the stream it came on (1 stdout, 2 stderr), instead of being kept in out and err.
  std::function<void(int stream, std::string_view chunk)> on_output{};
  // True (`incident exec`): the program runs as one the shell put in the foreground: in
  // this process's group (so the terminal's Ctrl-C reaches it), with this process's stdin
  // (`input` must be unset) and SIGINT and SIGQUIT at their defaults; the deadline kills
  // the program alone. False: a group of its own, killed whole at the deadline.
  bool foreground = false;
};

struct ProcessResult {
  int exit_code = 0;  // 128 + the signal when it was killed by one
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs argv[0] (found on PATH) with the arguments. Throws Error when it cannot be started
// (not installed: "cannot run git: it is not installed or not on PATH").
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

}  // namespace incident
