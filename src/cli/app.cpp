#include "app.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <new>
#include <string_view>

#include "commands.hpp"
#include "context.hpp"
#include "incident/error.hpp"
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
  incident resolve --root-cause "bad config" --fix "rolled back" --monitoring "error rate"
  incident status                          SLA clocks, escalation triggers, what to do
  incident status --check --within 10m     for cron: exit 8 when something is overdue
  incident escalate --reason "no progress" next level of the escalation path
  incident report > postmortem.md          postmortem draft from the timeline
  incident list --all --json
  incident severities                      severity levels and response-time SLAs
  incident scenario database               symptoms, response and escalation for a scenario
  incident escalation                      when to escalate, and to whom
  incident runbook show phases             the phase checklists
  incident runbook validate my-runbook.yaml
  incident --json severities | jq '.[0].response_time_seconds'

Environment: INCIDENT_HOME (state dir), INCIDENT_RUNBOOK, INCIDENT_USER, NO_COLOR.
Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid runbook, 4 not found,
            5 corrupt state file, 6 busy (locked), 7 not allowed in this state,
            8 status --check found something that needs attention.)";

void setup_logging(bool verbose) {
  auto logger = spdlog::stderr_logger_st("incident");
  logger->set_pattern("incident: %l: %v");
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void print_error(const std::string& message) {
  // One line, whatever the message holds: it may quote untrusted input.
  std::string line = text::escape_control(message);
  std::fprintf(stderr, "incident: error: %s\n", line.c_str());
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

// CLI11's message, made friendlier where a command name was mistyped.
std::string usage_message(const CLI::App& app, const CLI::ParseError& error) {
  const auto remaining = app.remaining();
  const CLI::App* deepest = &app;
  while (!deepest->get_subcommands().empty()) {
    deepest = deepest->get_subcommands().back();
  }
  const bool wants_command = deepest->get_require_subcommand_min() > 0;
  if (!remaining.empty() && wants_command) {
    return fmt::format("unknown command '{}'{}", remaining.front(),
                       text::did_you_mean(remaining.front(), subcommand_names(*deepest)));
  }
  if (wants_command && remaining.empty() && dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    return fmt::format("a command is needed: {}", text::join(subcommand_names(*deepest)));
  }
  return error.what();
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
    {"list", register_list},
    {"show", register_show},
    {"render", register_render},
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
    {"report", register_report},
    {"stats", register_stats},
    {"severities", register_severities},
    {"scenario", register_scenario},
    {"escalation", register_escalation},
    {"runbook", register_runbook},
};

void build(CLI::App& app, Context& ctx, std::string_view command_word) {
  app.set_version_flag("--version", std::string(k_version));
  app.footer(k_examples);
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the command too
  app.option_defaults()->always_capture_default(false);

  GlobalOptions& options = ctx.options;
  app.add_option("--state-dir", options.state_dir, "Where incident files live")
      ->envname("INCIDENT_HOME")
      ->type_name("DIR");
  app.add_option("--runbook", options.runbook, "Runbook YAML to use")
      ->envname("INCIDENT_RUNBOOK")
      ->type_name("FILE")
      ->check(
          CLI::Validator([](const std::string& value) { return value.empty() ? "is empty" : ""; }, "", "not empty"));
  app.get_option("--state-dir")
      ->check(
          CLI::Validator([](const std::string& value) { return value.empty() ? "is empty" : ""; }, "", "not empty"));
  app.add_option("--as", options.actor, "Who is acting (default: $USER)")->envname("INCIDENT_USER")->type_name("NAME");
  app.add_flag("--json", options.json, "Print one JSON document on stdout instead of text");
  app.add_flag("-v,--verbose", options.verbose, "Log decisions and timings on stderr");

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

// The command's name on the line: the first word that is neither a global option nor
// the value of one; "" when there is none. A guess that only saves work: a word that
// names no command means every command is registered and CLI11 decides.
std::string_view find_command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      break;
    }
    if (!arg.starts_with('-')) {
      return arg;
    }
    if (arg == "--state-dir" || arg == "--runbook" || arg == "--as") {
      ++i;  // its value
    }
  }
  return {};
}

// The exit code of a command that completed: a failed write to stdout is a failure.
int finish(const Context& ctx) {
  std::fflush(stdout);
  if (std::ferror(stdout) != 0) {
    print_error("cannot write to standard output");
    return static_cast<int>(ExitCode::failure);
  }
  return ctx.exit_code;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"incident: incident command from the terminal, driven by the team's runbook", "incident"};
  Context ctx;
  try {
    const std::string_view command_word = find_command_word(argc, argv);
    if (command_word == "prompt" && run_prompt_directly(argc, argv, ctx)) {
      return finish(ctx);
    }
    build(app, ctx, command_word);
    // The callbacks run the command once parsing is complete; set logging up first.
    app.parse_complete_callback([&ctx] { setup_logging(ctx.options.verbose); });
    app.parse(argc, argv);
    return finish(ctx);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(usage_message(app, e));
    std::fprintf(stderr, "Run 'incident --help' for usage.\n");
    return static_cast<int>(ExitCode::usage);
  } catch (const Error& e) {
    print_error(e.what());
    return static_cast<int>(e.exit_code());
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return static_cast<int>(ExitCode::failure);
  } catch (const std::exception& e) {
    print_error(fmt::format("unexpected failure: {}", e.what()));
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace incident::cli
