// incident severities: the severity levels and their response-time SLAs.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "context.hpp"

namespace incident::cli {

void register_severities(CLI::App& app, Context& ctx) {
  auto* command = app.add_subcommand("severities", "Show the severity levels and their response-time SLAs");
  command->callback([&ctx] { show_runbook_section(ctx, "severities"); });
}

}  // namespace incident::cli
