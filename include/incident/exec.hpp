#pragma once
// `incident exec`: what is kept of a command it runs. The command's output is shown as it
// comes and only its tail goes on the timeline (k_exec_tail_*), with lines that look like
// secrets replaced (built-in patterns plus the config file's `exec: redact:`). The writes
// (exec_started, exec_finished and the tick) are in writes.hpp: start_exec, finish_exec.

#include <cstddef>
#include <filesystem>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace incident {

// What the timeline keeps of a command's output (stdout and stderr as they interleaved):
// its last lines, at most this many and this many bytes.
inline constexpr std::size_t k_exec_tail_lines = 20;
inline constexpr std::size_t k_exec_tail_bytes = 4096;
// What stands for a redacted line or argument.
inline constexpr std::string_view k_redacted = "[redacted]";

// The last `lines` lines of `text` (its final line break dropped), fewer when more would
// pass `bytes`; a last line longer than `bytes` keeps its end (from a character boundary).
// Invalid UTF-8 is replaced.
std::string last_lines(std::string_view text, std::size_t lines, std::size_t bytes);

// A command line as people read it: words with blanks or shell characters in single
// quotes ("sh -c 'echo hi; exit 4'"), cut at 200 bytes. Not escaped.
std::string format_command(const std::vector<std::string>& command);

// The `exec:` section of the config file ($XDG_CONFIG_HOME/incident/config.yaml):
//   exec:
//     redact: ['^X-Api-Key:', 'internal-[0-9]+']
// Each pattern is an ECMAScript regular expression, matched case-insensitively anywhere in
// a line. Other sections are not read here.
struct ExecSettings {
  std::vector<std::string> redact;
};
// A missing file, or one without `exec:`, gives no patterns. Throws DataError
// (path:line:column) for a file that is not YAML, an `exec:` that is not a mapping, an
// unknown key (did you mean) or a pattern that is not a valid regular expression.
ExecSettings load_exec_settings(const std::filesystem::path& config_file);

// The patterns every redaction applies (case-insensitive): password= or password:,
// token, secret, api key, Authorization:, Bearer, AWS access key ids (AKIA...), and
// PEM private keys (the whole block, BEGIN to END).
std::span<const std::string_view> default_redact_patterns();

class Redactor {
public:
  // The default patterns and `extra`. Throws UsageError for an extra pattern that does not
  // compile (load_exec_settings has checked the config file's).
  explicit Redactor(const std::vector<std::string>& extra = {});

  // Each line that matches a pattern becomes k_redacted; so does every line of a PEM
  // private key block, and every line before an END line whose BEGIN is not in `text`
  // (a tail that cut the block).
  [[nodiscard]] std::string redact_text(std::string_view text) const;
  // An argument that matches a pattern becomes k_redacted.
  [[nodiscard]] std::string redact_argument(std::string_view argument) const;

private:
  [[nodiscard]] bool matches(std::string_view line) const;
  std::vector<std::regex> m_patterns;
};

}  // namespace incident
