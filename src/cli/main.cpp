#include "app.hpp"

int main(int argc, char** argv) { return incident::cli::run(argc, argv); }
