#pragma once
// One register_<verb> per command, each defined in its own file (src/cli/<verb>.cpp).
// A command adds its subcommand to the app and sets a callback that does the work.

namespace CLI {
class App;
}

#include <string>
#include <string_view>
#include <vector>

namespace incident::cli {

class Context;

// Prints one runbook section (the whole runbook when empty) as text or --json.
void show_runbook_section(Context& ctx, std::string_view section);

void register_edit(CLI::App& app, Context& ctx);
void register_runbook(CLI::App& app, Context& ctx);  // runbook validate | show
void register_severities(CLI::App& app, Context& ctx);
void register_scenario(CLI::App& app, Context& ctx);
void register_escalation(CLI::App& app, Context& ctx);
void register_open(CLI::App& app, Context& ctx);
void register_ack(CLI::App& app, Context& ctx);
void register_update(CLI::App& app, Context& ctx);
void register_resolve(CLI::App& app, Context& ctx);
void register_close(CLI::App& app, Context& ctx);
void register_reopen(CLI::App& app, Context& ctx);
void register_note(CLI::App& app, Context& ctx);
void register_severity(CLI::App& app, Context& ctx);
void register_handoff(CLI::App& app, Context& ctx);
void register_list(CLI::App& app, Context& ctx);
void register_show(CLI::App& app, Context& ctx);
void register_render(CLI::App& app, Context& ctx);
void register_checklist(CLI::App& app, Context& ctx);
void register_check(CLI::App& app, Context& ctx);  // check.cpp: check, uncheck and skip
void register_uncheck(CLI::App& app, Context& ctx);
void register_skip(CLI::App& app, Context& ctx);
void register_status(CLI::App& app, Context& ctx);  // status and status --check
void register_flag(CLI::App& app, Context& ctx);  // flag.cpp: flag and unflag
void register_unflag(CLI::App& app, Context& ctx);
void register_escalate(CLI::App& app, Context& ctx);
void register_prompt(CLI::App& app, Context& ctx);
// `prompt` without CLI11 (it runs on every shell prompt; setting CLI11 up was a third of
// its cost): true when it ran, false when the line holds anything it does not know, for
// the normal path to handle (and report).
bool run_prompt_directly(int argc, char** argv, Context& ctx);
void register_action(CLI::App& app, Context& ctx);  // action add | done | list
void register_report(CLI::App& app, Context& ctx);
void register_stats(CLI::App& app, Context& ctx);
void register_sync(CLI::App& app, Context& ctx);  // sync, sync --init, sync --status
void register_brief(CLI::App& app, Context& ctx);
// The briefing of incident `id` ("": the one open) as of --at, printed as a message.
void print_brief(Context& ctx, const std::string& id, const std::string& at_option);
void register_post(CLI::App& app, Context& ctx);  // post [ID] MESSAGE, post --retry
void register_config(CLI::App& app, Context& ctx);  // config show
void register_init(CLI::App& app, Context& ctx);
void register_export(CLI::App& app, Context& ctx);  // export [--since DATE]: ndjson on stdout
void register_import(CLI::App& app, Context& ctx);  // import < ndjson: merged as sync does
void register_watch(CLI::App& app, Context& ctx);  // watch [ID]: a live view on a terminal
void register_completion(CLI::App& app, Context& ctx);  // completion bash|zsh|fish
// `incident __complete WORDS...` (completion.cpp): the candidates for the last of WORDS,
// one per line, for the scripts `completion` prints. Never throws, never prints an error.
void complete_command_line(const CLI::App& app, Context& ctx, const std::vector<std::string>& words);
// `incident __man`: the manual page incident(1), in roff, from the same definitions as
// --help (man.cpp).
void print_man_page(const CLI::App& app, Context& ctx);
void register_exec(CLI::App& app, Context& ctx);  // exec [ID] [--step ITEM] -- CMD ARGS...

}  // namespace incident::cli
