#pragma once
// Help for the app and every command (`incident --help`, `incident COMMAND --help`,
// `incident help COMMAND`): a CLI11 formatter (help.cpp) that prints the description, the
// usage line, the command's arguments and options, the global options it accepts, its
// subcommands and its own examples (one table in help.cpp, keyed by command path), wrapped
// to the terminal's width.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Option;
}

namespace incident::cli {

// Installs the help formatter on `app`. Call it before any command is added: a command
// takes its parent's formatter when it is made. `global_footer` (the global examples,
// environment, exit codes) ends the top-level help only; a command's help ends with its
// own examples, then its own footer (CLI::App::footer), if it has one.
void install_help(CLI::App& app, std::string global_footer);

// What help knows of the commands, for the other readers of the definitions: the man page
// (`incident __man`) and shell completion (`incident __complete`). Each is what --help
// shows, so the three cannot drift apart.

// An option or argument as help lists it: "-s, --severity SEV" and what it means.
struct OptionDoc {
  std::string names;
  std::string description;
};

// A line of a command's examples (help.cpp's k_command_examples): it runs as typed.
struct ExampleDoc {
  std::string command;
  std::string comment;  // what it shows; may be empty
};

// A command or subcommand as its --help shows it, without the wrapping.
struct CommandDoc {
  std::string path;  // "open", "runbook validate"
  std::string description;
  std::vector<std::string> usage;  // "incident open TITLE -s SEV ... [options]", then its other forms
  std::vector<OptionDoc> arguments;
  std::vector<OptionDoc> options;  // its own, not the global ones
  std::vector<ExampleDoc> examples;
  std::string footer;  // CLI::App::footer, as written
};

// Every command and subcommand help lists under `app`, depth first in the order of
// `incident help` (a command before its subcommands).
std::vector<CommandDoc> command_docs(const CLI::App& app);
// The options every command accepts (the top level's), with -h, --help and --version.
std::vector<OptionDoc> global_option_docs(const CLI::App& app);

// The subcommands help lists under `app` (hidden ones, without a group, are left out).
std::vector<const CLI::App*> listed_commands(const CLI::App& app);
// The options (not the positionals) `app` accepts: its own, then those of the commands
// above it (they fall through), then -h, --help (and --version at the top).
std::vector<const CLI::Option*> accepted_options(const CLI::App& app);
// The positionals of `app`, in order.
std::vector<const CLI::Option*> positionals_of(const CLI::App& app);
// What an option's value is, as help shows it ("SEV"); "" for a flag.
std::string value_type(const CLI::Option& option);
// The subcommand of `app` named `name`, listed or hidden; nullptr when there is none.
const CLI::App* find_subcommand(const CLI::App& app, std::string_view name);


}  // namespace incident::cli
