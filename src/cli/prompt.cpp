// incident prompt [--at TIME]: one short line for a shell prompt or a tmux status bar,
// the most pressing open incident ("P0 7f3a ack 3m overdue"); nothing when none is open.
// It runs on every prompt: it reads the store's index only (no runbook, no incident
// file), and it stays quiet on stderr: an unreadable incident file shows as
// "1 unreadable (incident list)" and exit 5, since it may be the open P0.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <cstring>

#include "commands.hpp"
#include "common.hpp"
#include "incident/sla.hpp"

namespace incident::cli {

namespace prompt_command {

void print_prompt(Context& ctx, const std::string& at_option) {
  const Timestamp at = as_of(ctx, at_option);
  std::vector<Summary> open;
  const Listing rest =
      open_store(ctx).visit(Scope::current, at, [&](const Summary& summary) { open.push_back(summary); });
  std::string line = prompt_line(open, at);
  if (!rest.unreadable.empty()) {
    // An unreadable file may be an open P0: the prompt must not go quiet over it.
    line += fmt::format("{}{} unreadable (incident list)", line.empty() ? "" : " +", rest.unreadable.size());
    ctx.exit_code = static_cast<int>(ExitCode::corrupt_state);
  }
  if (ctx.options.json) {
    ctx.out_json(line.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(line));
  } else if (!line.empty()) {
    ctx.out(line + "\n");
  }
}

}  // namespace prompt_command

bool run_prompt_directly(int argc, char** argv, Context& ctx) {
  // Every word must be one this knows, every value non-empty (CLI11 refuses empty ones);
  // anything else goes the long way.
  std::string at;
  bool seen_prompt = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::string* value = nullptr;
    std::string_view name = arg;
    if (const auto equals = arg.find('='); arg.starts_with("--") && equals != std::string_view::npos) {
      name = arg.substr(0, equals);
    }
    if (name == "--state-dir") {
      value = &ctx.options.state_dir;
    } else if (name == "--runbook") {
      value = &ctx.options.runbook;
    } else if (name == "--as") {
      value = &ctx.options.actor;
    } else if (name == "--at" && seen_prompt) {
      value = &at;
    } else if (arg == "--json") {
      ctx.options.json = true;
      continue;
    } else if (arg == "prompt" && !seen_prompt) {
      seen_prompt = true;
      continue;
    } else {
      return false;
    }
    if (name.size() < arg.size()) {
      *value = std::string(arg.substr(name.size() + 1));
    } else if (++i < argc) {
      *value = argv[i];
    } else {
      return false;
    }
    if (value->empty()) {
      return false;
    }
  }
  if (!seen_prompt) {
    return false;
  }
  // The settings as every command has them: option > environment > config file.
  ctx.apply_settings();
  prompt_command::print_prompt(ctx, at);
  return true;
}

void register_prompt(CLI::App& app, Context& ctx) {
  struct Options {
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("prompt", "One short line for a shell prompt; nothing when no incident is open");
  add_as_of_option(*command, o->at);
  command->callback([&ctx, o] { prompt_command::print_prompt(ctx, o->at); });
}

}  // namespace incident::cli
