#include "app.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "context.hpp"
#include "help.hpp"
#include "incident/error.hpp"
#include "incident/settings.hpp"
#include "incident/text.hpp"
#include "version.hpp"

namespace incident::cli {

namespace {

constexpr const char* k_examples = R"(
Examples:
  incident open "Checkout API 500s" -s P1 --impact "50% of checkouts fail"
  incident ack                             (with one incident open, the ID may be left out)
  incident update --findings "bad deploy" --next "rolling back" --eta 30m
  incident note "rollback started"
  incident exec --step 2 -- ./rollback.sh  run a step; its exit code on the record
  incident resolve --root-cause "bad config" --fix "rolled back" --monitoring "error rate"
  incident status                          SLA clocks, escalation triggers, what to do
  incident status --check --within 10m     for cron: exit 8 when something is overdue
  incident escalate --reason "no progress" next level of the escalation path
  incident report > postmortem.md          postmortem draft from the timeline
  incident sync --init REMOTE              share incidents through a git remote; later: incident sync
  incident brief                           the briefing for whoever takes over
  incident update ... --post               also post the message to chat (incident help post)
  incident post --retry                    send what a failed post left in the outbox
  incident list --all --json
  incident severities                      severity levels and response-time SLAs
  incident scenario database               symptoms, response and escalation for a scenario
  incident escalation                      when to escalate, and to whom
  incident runbook show phases             the phase checklists
  incident runbook validate my-runbook.yaml
  incident --json severities | jq '.[0].response_time_seconds'
  incident help open                       a command's options (as incident open --help)
  incident config show                     each setting, its value and where it came from
)";

// The help's footer: the examples, then the settings' variables and the exit codes, from
// their tables (settings.hpp, error.hpp).
std::string global_footer() {
  std::vector<std::string> variables;
  for (const auto& spec : setting_specs()) {
    variables.emplace_back(spec.variable);
  }
  variables.emplace_back("NO_COLOR");
  variables.emplace_back("COLUMNS");
  std::vector<std::string> codes;
  for (const auto& code : exit_codes()) {
    codes.push_back(fmt::format("{} {}", static_cast<int>(code.code), code.label));
  }
  return fmt::format("{}\nConfig file: $XDG_CONFIG_HOME/incident/config.yaml (incident config show)\n"
                     "Environment: {} (all: man incident)\nExit codes: {}.\n",
                     k_examples, text::join(variables, ", "), text::join(codes, ", "));
}

// The logger is made, not registered by name: run() may be called again in one process
// (the output-path fuzz target), and spdlog refuses a second logger of one name.
void setup_logging(bool verbose) {
  auto logger = std::make_shared<spdlog::logger>("incident", std::make_shared<spdlog::sinks::stderr_sink_st>());
  logger->set_pattern("incident: %l: %v");
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void print_error(const std::string& message) {
  // One line, whatever the message holds: it may quote untrusted input (a 100 KB
  // argument is cut, at a character boundary, with an ellipsis).
  constexpr std::size_t k_most = 2000;
  const std::string line = text::cut(text::terminal_safe(text::escape_control(message)), k_most);
  std::fprintf(stderr, "incident: error: %.*s\n", static_cast<int>(line.size()), line.data());
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

// The commands CLI11 went into, outermost first: none at the top level.
std::vector<const CLI::App*> command_chain(const CLI::App& app) {
  std::vector<const CLI::App*> chain;
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().back();
    chain.push_back(at);
  }
  return chain;
}

// "open", "runbook validate", or "" at the top level.
std::string command_path(const std::vector<const CLI::App*>& chain) {
  std::vector<std::string> names;
  for (const auto* command : chain) {
    names.push_back(command->get_name());
  }
  return text::join(names, " ");
}

// The names (without dashes) of the options of `commands` (the app and the commands being
// parsed): what the command accepts, the global options among them.
struct OptionNames {
  std::vector<std::string> long_names;
  std::vector<std::string> short_names;
};

OptionNames option_names(const std::vector<const CLI::App*>& commands) {
  OptionNames names;
  for (const auto* each : commands) {
    for (const auto* option : each->get_options()) {
      names.long_names.insert(names.long_names.end(), option->get_lnames().begin(), option->get_lnames().end());
      names.short_names.insert(names.short_names.end(), option->get_snames().begin(), option->get_snames().end());
    }
  }
  return names;
}

// A word CLI11 could not place that is written as an option: "--sev", "--sev=P1", "-S",
// "-SP1" (CLI11 reads that as -S P1), "-json". `typed` is the word on the line: where CLI11
// took its first letters for known flags ("-all" is -a, then -ll), the whole of it.
struct UnknownOption {
  std::string word;
  std::string typed;
};

std::optional<UnknownOption> first_unknown_option(const std::vector<std::string>& leftovers,
                                                  const std::vector<std::string>& args) {
  for (const auto& word : leftovers) {
    if (word.size() < 2 || word[0] != '-' || word == "--") {
      continue;
    }
    if (word[1] != '-') {
      for (const auto& typed : args) {
        if (typed.size() > word.size() && typed[0] == '-' && typed[1] != '-' &&
            typed.ends_with(std::string_view(word).substr(1))) {
          return UnknownOption{word, typed};
        }
      }
    }
    return UnknownOption{word, word};
  }
  return std::nullopt;
}

std::string unknown_option_message(const UnknownOption& unknown, const OptionNames& names) {
  auto suggestion = [](const std::string& option) { return fmt::format(" (did you mean '{}'?)", option); };
  const std::string& word = unknown.word;
  if (word.starts_with("--")) {
    const std::string name = word.substr(2, word.find('=') - 2);
    const auto best = text::closest(name, names.long_names);
    return fmt::format("unknown option '--{}'{}", name, best ? suggestion("--" + *best) : "");
  }
  // A long name typed with one dash: "-json". When CLI11 took letters of it for flags, only
  // the name itself ("-vS" is not a typo of --as).
  if (const std::string whole = unknown.typed.substr(1); whole.size() > 1) {
    std::optional<std::string> best;
    if (unknown.typed == word) {
      best = text::closest(whole, names.long_names);
    } else {
      const auto same = std::find_if(names.long_names.begin(), names.long_names.end(),
                                     [&](const std::string& name) { return text::iequals(name, whole); });
      if (same != names.long_names.end()) {
        best = *same;
      }
    }
    if (best) {
      return fmt::format("unknown option '{}'{}", unknown.typed, suggestion("--" + *best));
    }
  }
  // One letter is one edit from every other letter: only the same letter in the other case
  // is a likely slip (-S for -s).
  const std::string letter = word.substr(0, 2);
  for (const auto& name : names.short_names) {
    if (text::iequals(name, letter.substr(1))) {
      return fmt::format("unknown option '{}'{}", letter, suggestion("-" + name));
    }
  }
  return fmt::format("unknown option '{}'", letter);
}

// A positional's name as shown in an error: "[ID] TEXT" is missing its TEXT, not its ID.
std::string shown_name(std::string_view name) {
  std::vector<std::string> words;
  for (const auto& word : text::words_of(name)) {
    if (!word.empty() && word.front() != '[') {
      words.push_back(word);
    }
  }
  return words.empty() ? std::string(name) : text::join(words, " ");
}

// "a: b" -> {"a", "b"}; {"", text} when there is no ": ".
std::pair<std::string, std::string> split_name(const std::string& text) {
  const auto at = text.find(": ");
  return at == std::string::npos ? std::pair<std::string, std::string>{"", text}
                                 : std::pair<std::string, std::string>{text.substr(0, at), text.substr(at + 2)};
}

// The whole number `text` starts with, and the rest of it.
std::optional<std::pair<int, std::string_view>> leading_number(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{}) {
    return std::nullopt;
  }
  return std::pair<int, std::string_view>{value, text.substr(static_cast<std::size_t>(end - text.data()))};
}

// The type an option takes as --help shows it ("N" for --level N), without its validators;
// "" when no option of `commands` has that name.
std::string type_of(const std::vector<const CLI::App*>& commands, const std::string& name) {
  for (const auto* command : commands) {
    for (const auto* option : command->get_options()) {
      if (option->check_name(name)) {
        const std::string type = option->get_type_name();
        return type.substr(0, type.find(':'));
      }
    }
  }
  return {};
}

// CLI11 2.1's messages (CLI/Error.hpp) in plain words, naming the option; `commands` are
// the app and the commands being parsed.
std::string plain_message(const CLI::ParseError& error, const std::vector<std::string>& leftovers,
                          const std::vector<const CLI::App*>& commands) {
  const std::string what = error.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    std::vector<std::string> quoted;
    for (const auto& word : leftovers) {
      if (word != "--") {
        quoted.push_back(fmt::format("'{}'", word));
      }
    }
    if (!quoted.empty()) {
      return fmt::format("unexpected argument{} {}", quoted.size() == 1 ? "" : "s", text::join(quoted));
    }
    return what;
  }
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    // "NAME is required"
    constexpr std::string_view suffix = " is required";
    if (what.ends_with(suffix)) {
      return shown_name(what.substr(0, what.size() - suffix.size())) + std::string(suffix);
    }
    return what;
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    const auto [name, rest] = split_name(what);
    if (name.empty()) {
      return what;
    }
    // "NAME: 1 required TYPE missing" (TYPE may carry ":<validator>")
    if (const auto expected = leading_number(rest);
        expected && expected->second.starts_with(" required ") && expected->second.ends_with(" missing")) {
      std::string_view type = expected->second;
      type.remove_prefix(std::string_view(" required ").size());
      type.remove_suffix(std::string_view(" missing").size());
      type = type.substr(0, type.find(':'));
      return fmt::format("{} needs {} ({})", shown_name(name),
                         expected->first == 1 ? std::string("a value") : fmt::format("{} values", expected->first),
                         type);
    }
    // "NAME: At Most 1 required but received 2", "NAME: At least 2 required but received 1"
    for (const std::string_view bound : {"At Most ", "At least "}) {
      if (!rest.starts_with(bound)) {
        continue;
      }
      const auto expected = leading_number(std::string_view(rest).substr(bound.size()));
      constexpr std::string_view but = " required but received ";
      if (!expected || !expected->second.starts_with(but)) {
        return what;
      }
      const auto received = leading_number(expected->second.substr(but.size()));
      if (!received || !received->second.empty()) {
        return what;
      }
      if (bound == "At least ") {
        return fmt::format("{} needs at least {} values, not {}", shown_name(name), expected->first, received->first);
      }
      if (!name.starts_with('-')) {
        // Positionals: most often words of a text that were not quoted.
        return fmt::format("too many arguments for {}: {}, at most {} (quote a text that has spaces)", name,
                           received->first, expected->first);
      }
      return expected->first == 1
                 ? fmt::format("{} is given {} times; give it once", name, received->first)
                 : fmt::format("{} takes at most {} values, not {}", name, expected->first, received->first);
    }
    return what;
  }
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
    // "Could not convert: NAME = VALUE"
    constexpr std::string_view prefix = "Could not convert: ";
    if (what.starts_with(prefix)) {
      const std::string rest = what.substr(prefix.size());
      if (const auto at = rest.find(" = "); at != std::string::npos) {
        const std::string name = rest.substr(0, at);
        const std::string type = type_of(commands, name);
        return fmt::format("'{}' is not a valid value for {}{}", rest.substr(at + 3), shown_name(name),
                           type.empty() ? "" : fmt::format(" ({})", type));
      }
    }
    return what;
  }
  if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
    // "NAME: is empty" (our validators speak in lower case, CLI11's own in sentences).
    const auto [name, rest] = split_name(what);
    if (!name.empty() && !rest.empty() && rest.front() >= 'a' && rest.front() <= 'z') {
      return fmt::format("{} {}", shown_name(name), rest);
    }
    return what;
  }
  return what;
}

// The one line for a usage error CLI11 found: an unknown option first (CLI11 checks what
// is required before what is left over, so `open X --sev P1` would say --severity is
// required), then a mistyped or missing command, then CLI11's message in plain words.
std::string usage_message(const CLI::App& app, const CLI::ParseError& error, const std::vector<std::string>& args) {
  const auto chain = command_chain(app);
  std::vector<const CLI::App*> commands{&app};
  commands.insert(commands.end(), chain.begin(), chain.end());
  const auto leftovers = app.remaining(true);
  if (const auto option = first_unknown_option(leftovers, args)) {
    return unknown_option_message(*option, option_names(commands));
  }
  const CLI::App& deepest = chain.empty() ? app : *chain.back();
  const bool wants_command = deepest.get_require_subcommand_min() > 0;
  if (!leftovers.empty() && wants_command) {
    return fmt::format("unknown command '{}'{}", leftovers.front(),
                       text::did_you_mean(leftovers.front(), subcommand_names(deepest)));
  }
  if (wants_command && leftovers.empty() && dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    return fmt::format("a command is needed: {}", text::join(subcommand_names(deepest)));
  }
  return plain_message(error, leftovers, commands);
}

// An option's help: what it means, then where else it can be set.
std::string setting_help(const SettingSpec& spec) {
  return fmt::format("{} (env {}) (config {})", spec.meaning, spec.variable, spec.key);
}

struct Command {
  std::string_view name;
  void (*add)(CLI::App&, Context&);
};

// In the order they are listed in --help: during an incident, in the order they are
// reached for; then the runbook as a reference.
constexpr Command k_commands[] = {
    {"open", register_open},
    {"ack", register_ack},
    {"update", register_update},
    {"note", register_note},
    {"resolve", register_resolve},
    {"close", register_close},
    {"reopen", register_reopen},
    {"severity", register_severity},
    {"handoff", register_handoff},
    {"edit", register_edit},
    {"brief", register_brief},
    {"list", register_list},
    {"show", register_show},
    {"render", register_render},
    {"post", register_post},
    {"checklist", register_checklist},
    {"check", register_check},
    {"uncheck", register_uncheck},
    {"skip", register_skip},
    {"status", register_status},
    {"flag", register_flag},
    {"unflag", register_unflag},
    {"escalate", register_escalate},
    {"prompt", register_prompt},
    {"action", register_action},
    {"exec", register_exec},
    {"report", register_report},
    {"stats", register_stats},
    {"sync", register_sync},
    {"export", register_export},
    {"import", register_import},
    {"watch", register_watch},
    {"severities", register_severities},
    {"scenario", register_scenario},
    {"escalation", register_escalation},
    {"runbook", register_runbook},
    {"init", register_init},
    {"config", register_config},
    {"completion", register_completion},
};

void build(CLI::App& app, Context& ctx, std::string_view command_word) {
  app.set_version_flag("--version", std::string(k_version));
  install_help(app, global_footer());  // before the commands: each takes the formatter when added
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the command too
  app.option_defaults()->always_capture_default(false);

  GlobalOptions& options = ctx.options;
  // The settings' options, from the one table (settings.hpp): the environment and the
  // config file are read after parsing (Context::apply_settings), so CLI11 reads no
  // variable itself and `config show` can tell where each value came from.
  auto not_empty =
      CLI::Validator([](const std::string& value) { return value.empty() ? "is empty" : ""; }, "", "not empty");
  for (const auto& spec : setting_specs()) {
    std::string* slot = spec.id == SettingId::state_dir ? &options.state_dir
                        : spec.id == SettingId::runbook ? &options.runbook
                        : spec.id == SettingId::actor   ? &options.actor
                        : spec.id == SettingId::output  ? &options.output
                        : spec.id == SettingId::color   ? &options.color
                                                        : nullptr;
    if (slot == nullptr || spec.option.empty()) {
      continue;
    }
    auto* option = app.add_option(std::string(spec.option), *slot, setting_help(spec))
                       ->type_name(std::string(spec.option_type))
                       ->check(not_empty);
    if (!spec.choices.empty()) {
      option->check(CLI::IsMember(std::vector<std::string>(spec.choices.begin(), spec.choices.end())));
    }
  }
  app.add_flag("--json", options.json, "Print one JSON document on stdout instead of text (--output json)");
  app.add_flag("-v,--verbose", options.verbose, "Log decisions and timings on stderr");
  app.add_flag("--no-hooks", options.no_hooks, "Run no hooks after this command's writes (docs/hooks.md)")
      ->envname(std::string(k_no_hooks_variable));

  // Only the command named on the line is registered: setting up all of them was half
  // of what `show` costs. Help, a mistyped or a missing command get them all.
  const auto named = std::find_if(std::begin(k_commands), std::end(k_commands),
                                  [&](const Command& command) { return command.name == command_word; });
  if (named != std::end(k_commands)) {
    named->add(app, ctx);
    return;
  }
  for (const auto& command : k_commands) {
    command.add(app, ctx);
  }
}

// The index of the first word at or after `from` that is neither an option nor the value
// of a global option; args.size() when there is none.
std::size_t next_word(const std::vector<std::string>& args, std::size_t from) {
  for (std::size_t i = from; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") {
      break;
    }
    if (!arg.starts_with('-')) {
      return i;
    }
    const auto specs = setting_specs();
    if (std::any_of(specs.begin(), specs.end(), [&](const SettingSpec& spec) { return arg == spec.option; })) {
      ++i;  // its value
    }
  }
  return args.size();
}

// The command's name on the line: the first word that is neither a global option nor
// the value of one; "" when there is none. A guess that only saves work: a word that
// names no command means every command is registered and CLI11 decides.
std::string_view find_command_word(const std::vector<std::string>& args) {
  const std::size_t at = next_word(args, 1);
  return at < args.size() ? std::string_view(args[at]) : std::string_view();
}

// The words after the first `--` past the command word, for a command that runs another
// (exec): moved from args to ctx.trailing_words, the `--` dropped.
void take_trailing_words(std::vector<std::string>& args, Context& ctx) {
  const std::size_t command_at = next_word(args, 1);
  const auto dashes = std::find(args.begin() + static_cast<std::ptrdiff_t>(std::min(command_at, args.size())),
                                args.end(), std::string("--"));
  if (dashes == args.end()) {
    return;
  }
  ctx.trailing_words.assign(dashes + 1, args.end());
  args.erase(dashes, args.end());
}

// `incident help [COMMAND...]` is `incident [COMMAND...] --help`: the word "help" goes
// and "--help" comes at the end. Returns where the command words start, or 0 when the
// line is not a call for help.
std::size_t expand_help(std::vector<std::string>& args) {
  std::size_t at = next_word(args, 1);
  if (at == args.size() || args[at] != "help") {
    return 0;
  }
  while (at < args.size() && args[at] == "help") {  // help help
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(at));
  }
  args.emplace_back("--help");
  return at;
}

// A usage error in `incident help WORD...`, found before CLI11 parsed anything; knows the
// command whose help to point to.
class HelpTopicError : public UsageError {
public:
  HelpTopicError(const std::string& what, std::string command) : UsageError(what), m_command(std::move(command)) {}
  [[nodiscard]] const std::string& command() const noexcept { return m_command; }

private:
  std::string m_command;
};

// Each word of `incident help WORD...` must name a command (CLI11 would print the
// top-level help for `incident nosuch --help`).
void check_help_words(const CLI::App& app, const std::vector<std::string>& args, std::size_t from) {
  const CLI::App* command = &app;
  std::vector<const CLI::App*> chain;
  for (std::size_t i = next_word(args, from); i < args.size(); i = next_word(args, i + 1)) {
    const auto names = subcommand_names(*command);
    if (names.empty()) {
      return;  // the rest is the command's own business, as with --help
    }
    const CLI::App* sub = find_subcommand(*command, args[i]);
    if (sub == nullptr) {
      throw HelpTopicError(fmt::format("unknown command '{}'{}", args[i], text::did_you_mean(args[i], names)),
                           command_path(chain));
    }
    chain.push_back(sub);
    command = sub;
  }
}

// The command whose help a usage error points to: the one being parsed, else the one
// named on the line (a command parsed without CLI11), else none (the top level).
std::string usage_command(const CLI::App& app, std::string_view command_word) {
  std::string command = command_path(command_chain(app));
  if (command.empty() && std::any_of(std::begin(k_commands), std::end(k_commands),
                                     [&](const Command& each) { return each.name == command_word; })) {
    command = std::string(command_word);
  }
  return command;
}

// The line after a usage error: "Run 'incident open --help' for usage."
void print_usage_hint(const std::string& command) {
  std::fprintf(stderr, "Run 'incident %s%s--help' for usage.\n", command.c_str(), command.empty() ? "" : " ");
}

// Standard output failed: a failure, or, when the command had already recorded its
// change, ExitCode::output_lost with what was recorded (a script must not repeat it).
int output_failed(const Context& ctx) {
  if (ctx.recorded.empty()) {
    print_error("cannot write to standard output");
    return static_cast<int>(ExitCode::failure);
  }
  const std::string& last = ctx.recorded.back();
  print_error(fmt::format("recorded {}, but cannot write to standard output; do not repeat the command: "
                          "'incident show {}' prints the record",
                          text::join(ctx.recorded), last.substr(0, last.find(' '))));
  return static_cast<int>(ExitCode::output_lost);
}

// The exit code of a command that completed: a failed write to stdout is a failure.
int finish(const Context& ctx) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    return output_failed(ctx);
  }
  return ctx.exit_code;
}

// Parses the line and runs the command; returns the exit code.
int run_command(int argc, char** argv, Context& ctx) {
  CLI::App app{"incident: incident command from the terminal, driven by the team's runbook", "incident"};
  std::vector<std::string> args(argv, argv + argc);
  std::string command_word;  // a copy: expand_help() changes args
  try {
    // The hidden commands the shell completion scripts and the build call: every
    // command defined, nothing parsed.
    if (args.size() > 1 && (args[1] == "__complete" || args[1] == "__man")) {
      build(app, ctx, "");
      if (args[1] == "__complete") {
        complete_command_line(app, ctx, std::vector<std::string>(args.begin() + 2, args.end()));
        return 0;
      }
      print_man_page(app, ctx);
      return finish(ctx);
    }
    command_word = std::string(find_command_word(args));
    if (command_word == "prompt" && run_prompt_directly(argc, argv, ctx)) {
      return finish(ctx);
    }
    const std::size_t help_from = expand_help(args);
    if (help_from > 0) {
      command_word = std::string(find_command_word(args));
    }
    if (command_word == "exec") {
      take_trailing_words(args, ctx);
    }
    build(app, ctx, command_word);
    if (help_from > 0) {
      check_help_words(app, args, help_from);
    }
    // The callbacks run the command once parsing is complete; set logging up first.
    app.parse_complete_callback([&ctx] {
      setup_logging(ctx.options.verbose);
      ctx.apply_settings();
    });
    std::vector<char*> pointers;
    for (auto& arg : args) {
      pointers.push_back(arg.data());
    }
    app.parse(static_cast<int>(pointers.size()), pointers.data());
    return finish(ctx);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(usage_message(app, e, args));
    print_usage_hint(usage_command(app, command_word));
    return static_cast<int>(ExitCode::usage);
  } catch (const HelpTopicError& e) {
    print_error(e.what());
    print_usage_hint(e.command());
    return static_cast<int>(ExitCode::usage);
  } catch (const OutputError&) {
    return output_failed(ctx);
  } catch (const Error& e) {
    print_error(e.what());
    if (e.exit_code() == ExitCode::usage) {
      print_usage_hint(usage_command(app, command_word));
    }
    return static_cast<int>(e.exit_code());
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return static_cast<int>(ExitCode::failure);
  } catch (const std::exception& e) {
    print_error(fmt::format("unexpected failure: {}", e.what()));
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace

int run(int argc, char** argv) {
  Context ctx;
  const int code = run_command(argc, argv, ctx);
  // Once the command is done (stdout flushed, no lock held), whatever it did: a write
  // before a failure is on the record, and its hooks are owed.
  run_command_hooks(ctx);
  return code;
}

}  // namespace incident::cli
