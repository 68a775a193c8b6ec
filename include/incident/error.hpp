#pragma once
// The library's errors. Everything the library throws derives from incident::Error; the
// CLI catches it once in main, prints "incident: error: <what()>" and exits with
// exit_code(). Codes are documented in README.md and never reused for something else.

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace incident {

enum class ExitCode : int {
  ok = 0,
  failure = 1,        // anything not listed below (I/O error, ...)
  usage = 2,          // unknown option, missing argument, bad value
  invalid_runbook = 3,
  not_found = 4,      // no such incident, scenario, item, ...
  corrupt_state = 5,  // an incident file that cannot be read; it is left untouched
  busy = 6,           // the lock was held for longer than the bounded wait
  conflict = 7,       // the command does not apply in the incident's current state
  attention = 8,      // status --check: an SLA is breached or due soon, or escalation is due
  output_lost = 9,    // the change was recorded, but its output could not be written
  not_delivered = 10,  // the message was printed, but --post or --copy failed (it waits in the outbox)
};

// The one table of exit codes: the help's footer, the man page's EXIT STATUS and the
// README's table (a test compares them) are made from it.
struct ExitCodeInfo {
  ExitCode code;
  std::string_view label;  // a few words: "invalid runbook"
  std::string_view meaning;  // a sentence, as the README and the man page say it
};
std::span<const ExitCodeInfo> exit_codes();

class Error : public std::runtime_error {
public:
  explicit Error(const std::string& what, ExitCode code = ExitCode::failure)
      : std::runtime_error(what), m_code(code) {}
  [[nodiscard]] ExitCode exit_code() const noexcept { return m_code; }

private:
  ExitCode m_code;
};

// Bad command-line input: an unknown name, a value that does not parse.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& what) : Error(what, ExitCode::usage) {}
};

class NotFoundError : public Error {
public:
  explicit NotFoundError(const std::string& what) : Error(what, ExitCode::not_found) {}
};

// The command does not apply in the incident's current state (close before resolve, an
// event dated before the one it depends on, a runbook that does not fit the incident).
// The one way the library says "not allowed now".
class ConflictError : public Error {
public:
  explicit ConflictError(const std::string& what) : Error(what, ExitCode::conflict) {}
};

// A 1-based position in a file. line == 0 means "the whole file".
struct SourcePos {
  std::string path;
  int line = 0;
  int column = 0;
};

// Bad data in a file. what() is "path:line:column: message" (or "path: message" when the
// position is unknown), ready to print.
class DataError : public Error {
public:
  DataError(SourcePos pos, const std::string& message, ExitCode code = ExitCode::invalid_runbook);
  [[nodiscard]] const SourcePos& pos() const noexcept { return m_pos; }
  [[nodiscard]] const std::string& message() const noexcept { return m_message; }

private:
  SourcePos m_pos;
  std::string m_message;
};

}  // namespace incident
