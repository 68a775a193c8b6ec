#pragma once
// Running the incident binary on a pseudo-terminal, as a person at a terminal would:
// stdin, stdout and stderr are the terminal, and the test types into it.

#include <chrono>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace incident::test {

// Wait until the terminal has shown `expect` (after what earlier steps waited for), then
// type `type`. "\x03" is Ctrl-C (the terminal sends SIGINT), "\x04" Ctrl-D (end of input).
struct Keystrokes {
  std::string expect;
  std::string type;
};

struct TerminalRun {
  Launch how;  // program, args, home, env, cwd as for launch(); `input` is ignored
  std::vector<Keystrokes> script;
  unsigned short columns = 80;
  unsigned short rows = 24;
  std::chrono::milliseconds timeout{20000};  // the whole run, sanitizer builds included
};

struct TerminalResult {
  int exit_code = -1;  // as Result::exit_code: 128 + signal when killed by one
  std::string screen;  // everything the terminal showed, stdout and stderr together, "\r\n" line ends
  std::size_t steps_done = 0;  // how many Keystrokes were typed
  bool timed_out = false;
};

TerminalResult run_on_terminal(const TerminalRun& run);

}  // namespace incident::test
