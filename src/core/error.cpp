#include "incident/error.hpp"

#include <fmt/format.h>

namespace incident {

namespace {
std::string format_position(const SourcePos& pos, const std::string& message) {
  if (pos.line > 0) {
    return fmt::format("{}:{}:{}: {}", pos.path, pos.line, pos.column, message);
  }
  return fmt::format("{}: {}", pos.path, message);
}
constexpr ExitCodeInfo k_exit_codes[] = {
    {ExitCode::ok, "ok", "success"},
    {ExitCode::failure, "failure", "any other failure (an I/O error, a bad config file, ...), with a one-line reason"},
    {ExitCode::usage, "usage",
     "usage error: unknown option or command (with a \"did you mean\"), missing argument, bad value; a second line "
     "names the help to read"},
    {ExitCode::invalid_runbook, "invalid runbook", "the runbook is invalid (FILE:LINE:COLUMN: message)"},
    {ExitCode::not_found, "not found", "not found: no such incident, no open incident, unknown scenario or item"},
    {ExitCode::corrupt_state, "corrupt state file",
     "an incident file cannot be read (corrupt, or from a newer version); it is left untouched. list and prompt "
     "still print the readable ones and say how many they could not read"},
    {ExitCode::busy, "busy (locked)", "busy: another command held the lock longer than the wait"},
    {ExitCode::conflict, "not allowed in this state",
     "not allowed in the incident's state (e.g. close before resolve), or the runbook does not fit the incident"},
    {ExitCode::attention, "status --check found something",
     "status --check: something needs attention (the lines on stdout say what)"},
    {ExitCode::output_lost, "recorded but not printed",
     "the change was recorded (the error names the incident), but standard output could not be written: do not "
     "retry the command, incident show ID prints the record"},
    {ExitCode::not_delivered, "printed but --post or --copy failed",
     "the message was printed (and its event recorded), but --post or --copy failed: a warning says why; a post "
     "waits in the outbox for incident post --retry"},
};

}  // namespace

std::span<const ExitCodeInfo> exit_codes() { return k_exit_codes; }

DataError::DataError(SourcePos pos, const std::string& message, ExitCode code)
    : Error(format_position(pos, message), code), m_pos(std::move(pos)), m_message(message) {}

}  // namespace incident
