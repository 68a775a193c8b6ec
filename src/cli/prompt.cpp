// incident prompt [--at TIME]: one short line for a shell prompt or a tmux status bar,
// the most pressing open incident ("P0 7f3a ack 3m overdue"); nothing when none is open.
// It runs on every prompt: it reads the store's index only (no runbook, no incident
// file), and it stays quiet on stderr (`incident list` reports unreadable files).
#include <nlohmann/json.hpp>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/sla.hpp"

namespace incident::cli {

void register_prompt(CLI::App& app, Context& ctx) {
  struct Options {
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("prompt", "One short line for a shell prompt; nothing when no incident is open");
  command->add_option("--at", o->at, "As of this time (RFC 3339); default now")->type_name("TIME");
  command->callback([&ctx, o] {
    const Timestamp at = as_of(o->at);
    std::vector<Summary> open;
    (void)open_store(ctx).visit(false, [&](const Summary& summary) { open.push_back(summary); });
    const std::string line = prompt_line(open, at);
    if (ctx.options.json) {
      ctx.out_json(line.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(line));
    } else if (!line.empty()) {
      ctx.out(line + "\n");
    }
  });
}

}  // namespace incident::cli
