#pragma once

namespace incident::cli {

// Builds the command line, runs the chosen command and maps every error to its exit
// code (see README "Exit codes"). Never throws.
int run(int argc, char** argv);

}  // namespace incident::cli
