#pragma once
// What every command shares: the global options (parsed once, in app.cpp), lazy access to
// the runbook (a command that never asks for it never parses YAML), and the two output
// streams: stdout for the message or the JSON document, stderr for everything else.

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incident/chat.hpp"
#include "incident/error.hpp"
#include "incident/hooks.hpp"
#include "incident/runbook.hpp"
#include "incident/settings.hpp"
#include "incident/text.hpp"

namespace incident::cli {

// The global options. As parsed, each holds what the line gave ("" when nothing); once
// Context::apply_settings() has run, the effective setting (settings.hpp: option >
// environment > config file), still "" where the default applies.
struct GlobalOptions {
  std::string state_dir;  // --state-dir / INCIDENT_HOME / state_dir
  std::string runbook;  // --runbook / INCIDENT_RUNBOOK / runbook
  std::string actor;  // --as / INCIDENT_USER / actor
  std::string output;  // --output text|json / INCIDENT_OUTPUT / output
  bool json = false;  // --json (--output json); after apply_settings(): the output is JSON
  bool verbose = false;  // --verbose: timings and decisions on stderr
  std::string color;  // --color auto|always|never / INCIDENT_COLOR / color ("": auto)
  bool no_hooks = false;  // --no-hooks / INCIDENT_NO_HOOKS: run no hooks (docs/hooks.md)
};

// Standard output could not be written (a full disk, a closed pipe).
class OutputError : public Error {
public:
  OutputError() : Error("cannot write to standard output") {}
};

class Context {
public:
  GlobalOptions options;
  // What the process exits with when the command completes without an error (e.g.
  // ExitCode::attention from `status --check`); 0 otherwise.
  int exit_code = 0;

  // What this command wrote to the store ("ID (event type)"), filled by open_store()'s
  // stores: a command whose output fails after a write says what was recorded
  // (ExitCode::output_lost), so a script does not repeat it.
  mutable std::vector<std::string> recorded;
  // How --at was read ("Recorded at 03:12 CET, 02:12 UTC (18m ago).\n"), said on stderr
  // by the first write that commits: never for a command that records nothing.
  mutable std::string understood_at;
  // The writes this command made, for the hooks that run once it is done (run_command_hooks
  // in common.hpp); filled by open_store()'s stores unless --no-hooks.
  mutable std::vector<StoredWrite> hook_writes;

  // The words after `--` on the line of a command that runs another (`exec`), taken
  // out before CLI11 parses the rest: CLI11 hands a subcommand's words after `--` to
  // its positionals in order, so `exec -- ls` could not be told from `exec ls`.
  std::vector<std::string> trailing_words;

  // What to do with the message a command prints, besides printing it (--post, --copy).
  struct Delivery {
    bool post = false;
    bool copy = false;
  } delivery;

  // The chat targets, read on first use from the environment and config_file() (chat.hpp);
  // a UsageError when none is configured.
  const ChatConfig& chat();

  // $XDG_CONFIG_HOME/incident/config.yaml (~/.config/...): the user's settings.
  [[nodiscard]] std::filesystem::path config_file() const;
  // $XDG_CONFIG_HOME/incident (~/.config/incident): the config file, the team's runbook
  // (`incident init`) and its templates.
  [[nodiscard]] std::filesystem::path config_dir() const;

  // Reads the config file and resolves every setting (settings.hpp) over what the line
  // gave, into `options`; a time zone from the config file becomes TZ. Called once, when
  // the line is parsed and before the command runs. Throws UsageError for a bad option or
  // variable, DataError for a bad config file.
  void apply_settings();
  // The settings as apply_settings() resolved them.
  [[nodiscard]] const Settings& settings() const;

  // The runbook, loaded and validated on first use, through the runbook cache in
  // cache_dir() (runbook_cache.hpp): parsed only when the runbook or a template it uses
  // changed. Throws DataError when it is invalid.
  const Runbook& runbook();

  // The runbook in use, parsed from its YAML whatever the cache holds (`runbook
  // validate`), and then the one runbook() returns.
  const Runbook& parse_runbook_now();

  // Which runbook file is used: --runbook > $INCIDENT_RUNBOOK > the user's
  // $XDG_CONFIG_HOME/incident/runbook.yaml > the bundled one.
  [[nodiscard]] std::filesystem::path runbook_path() const;

  // <prefix>/share/incident, found relative to the running binary.
  [[nodiscard]] const std::filesystem::path& data_dir() const;

  // --state-dir > $INCIDENT_HOME > $XDG_DATA_HOME/incident > ~/.local/share/incident.
  [[nodiscard]] std::filesystem::path state_dir() const;

  // $XDG_CACHE_HOME/incident > ~/.cache/incident; empty (no cache) when neither can be told.
  [[nodiscard]] std::filesystem::path cache_dir() const;

  // --as > $INCIDENT_USER > $USER > the login name.
  [[nodiscard]] std::string actor() const;

  // stdout: the message to paste, exactly as given.
  void out(std::string_view text) const;
  // stdout: a screen for people, each line painted with its tone when colour() says so.
  void out(const std::vector<text::ToneLine>& lines) const;
  // The text out(lines) writes: terminal-safe, painted when colour() says so.
  [[nodiscard]] std::string screen_text(const std::vector<text::ToneLine>& lines) const;
  // Whether stdout gets colour: --color always; never with --color never; with auto (the
  // default) only when stdout is a terminal, TERM is not "dumb" and NO_COLOR is unset or
  // empty (no-color.org: the option overrides the variable).
  [[nodiscard]] bool colour() const;
  // stdout: one JSON document, pretty-printed, newline-terminated.
  void out_json(const nlohmann::ordered_json& document) const;
  // stderr: guidance for the human (not a log line).
  void hint(std::string_view text) const;
  // stderr: "incident: warning: ..." (one line; control characters escaped).
  void warn(std::string_view text) const;

private:
  std::optional<Settings> m_settings;
  std::optional<Runbook> m_runbook;
  std::optional<ChatConfig> m_chat;
  mutable std::optional<std::filesystem::path> m_data_dir;
};

}  // namespace incident::cli
