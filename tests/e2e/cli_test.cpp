// The command line itself: help, version, usage errors and their exit codes.
#include <catch2/catch.hpp>

#include "support/process.hpp"

using namespace incident::test;

TEST_CASE("version flag prints the version on stdout") {
  TempDir home;
  auto result = run({"--version"}, home.path());
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("incident ", 0) == 0);
}

TEST_CASE("help flag lists the commands and examples with exit 0") {
  TempDir home;
  auto result = run({"--help"}, home.path());
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("severities") && Catch::Contains("Examples:"));
}

TEST_CASE("a mistyped command is a usage error with a suggestion") {
  TempDir home;
  auto result = run({"severites"}, home.path());
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: unknown command 'severites' (did you mean 'severities'?)"));
}
