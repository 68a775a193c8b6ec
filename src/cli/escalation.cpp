// incident escalation: when to escalate, the escalation path and its contacts.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "context.hpp"

namespace incident::cli {

void register_escalation(CLI::App& app, Context& ctx) {
  auto* command = app.add_subcommand("escalation", "Show when to escalate, the escalation path and contacts");
  command->callback([&ctx] { show_runbook_section(ctx, "escalation"); });
}

}  // namespace incident::cli
