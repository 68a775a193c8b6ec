#pragma once
// One register_<verb> per command, each defined in its own file (src/cli/<verb>.cpp).
// A command adds its subcommand to the app and sets a callback that does the work.

namespace CLI {
class App;
}

#include <string_view>

namespace incident::cli {

class Context;

// Prints one runbook section (the whole runbook when empty) as text or --json.
void show_runbook_section(Context& ctx, std::string_view section);

void register_runbook(CLI::App& app, Context& ctx);  // runbook validate | show
void register_severities(CLI::App& app, Context& ctx);
void register_scenario(CLI::App& app, Context& ctx);
void register_escalation(CLI::App& app, Context& ctx);

}  // namespace incident::cli
