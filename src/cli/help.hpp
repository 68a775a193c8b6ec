#pragma once
// Help for the app and every command (`incident --help`, `incident COMMAND --help`,
// `incident help COMMAND`): a CLI11 formatter (help.cpp) that prints the description, the
// usage line, the command's arguments and options, the global options it accepts, its
// subcommands and its own examples (one table in help.cpp, keyed by command path), wrapped
// to the terminal's width.

#include <cstddef>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace incident::cli {

// Installs the help formatter on `app`. Call it before any command is added: a command
// takes its parent's formatter when it is made. `global_footer` (the global examples,
// environment, exit codes) ends the top-level help only; a command's help ends with its
// own examples, then its own footer (CLI::App::footer), if it has one.
void install_help(CLI::App& app, std::string global_footer);


}  // namespace incident::cli
