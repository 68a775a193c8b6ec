#pragma once
// Running another program (git, for sync): an argv, never a shell; stdin from /dev/null;
// stdout and stderr captured; a deadline after which the program and its children
// (its process group) are killed.

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace incident {

struct ProcessOptions {
  std::filesystem::path cwd;  // empty: this process's
  std::vector<std::pair<std::string, std::string>> environment;  // set (or replaced) in the child
  std::chrono::milliseconds timeout{60'000};
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
