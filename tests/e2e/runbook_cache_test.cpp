// The runbook cache seen from the command line: where it lives, that a second run uses it,
// that nothing wrong with it is ever the user's problem, and that every edit of a file
// the runbook is built from shows at once.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "support/home.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

namespace {

fs::path cache_dir(const Home& home) { return home.path() / "cache" / "incident"; }

// The one cache entry (the test runs one runbook).
fs::path entry(const Home& home) {
  std::vector<fs::path> found;
  for (const auto& item : fs::directory_iterator(cache_dir(home))) {
    found.push_back(item.path());
  }
  REQUIRE(found.size() == 1);
  return found[0];
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

// A copy of the bundled runbook whose resolution message comes from a `file:` template.
fs::path own_runbook(const Home& home) {
  std::string yaml = read_text(fs::path(INCIDENT_SOURCE_DIR) / "runbooks" / "default.yaml");
  const std::string bundled = "  resolution:\n    name: Resolution Update\n";
  REQUIRE(yaml.find(bundled) != std::string::npos);
  yaml.replace(yaml.find(bundled), bundled.size(), "  resolution:\n    file: closing.txt\n");
  write_text(home.path() / "team" / "runbook.yaml", yaml);
  write_text(home.path() / "team" / "closing.txt", "RESOLVED {{title}}\n");
  return home.path() / "team" / "runbook.yaml";
}

}  // namespace

TEST_CASE("runbook cache: it lives in XDG_CACHE_HOME, private, and the next run uses it") {
  Home home;
  const Result first = ok(home, {"severities"});
  CHECK(first.err.empty());
  CHECK(mode_of(cache_dir(home)) == 0700);
  CHECK(mode_of(entry(home)) == 0600);
  CHECK(entry(home).filename().string().rfind("runbook-", 0) == 0);

  const Result second = ok(home, {"--verbose", "severities"});
  CHECK(second.out == first.out);
  CHECK_THAT(second.err, Catch::Contains("(cache: hit)"));
}

TEST_CASE("runbook cache: ~/.cache/incident when XDG_CACHE_HOME is not set, or not absolute") {
  Home home;
  for (const std::string value : {"", "relative/cache"}) {
    INFO("XDG_CACHE_HOME='" << value << "'");
    const Result result = home.run({"severities"}, {{"XDG_CACHE_HOME", value}});
    CHECK(result.exit_code == 0);
    CHECK(fs::exists(home.path() / ".cache" / "incident"));
  }
  CHECK_FALSE(fs::exists(cache_dir(home)));
}

TEST_CASE("runbook cache: a damaged cache is rebuilt without a word and the command works") {
  Home home;
  const std::string id = open_incident(home, {"Checkout is down", "-s", "P1"});
  const Result baseline = ok(home, {"status", id, "--at", "2026-11-27T03:20:00Z"});
  const fs::path file = entry(home);
  const std::string good = read_text(file);

  std::string damaged;
  SECTION("truncated") { damaged = good.substr(0, good.size() / 3); }
  SECTION("empty") { damaged = ""; }
  SECTION("random bytes") {
    std::mt19937 random(11);
    damaged.resize(good.size());
    for (auto& c : damaged) {
      c = static_cast<char>(random());
    }
  }
  SECTION("another format version") {
    damaged = good;
    damaged[8] = static_cast<char>(damaged[8] + 1);
  }
  SECTION("a symbolic link") {
    write_text(home.path() / "elsewhere", good);
    fs::remove(file);
    fs::create_symlink(home.path() / "elsewhere", file);
  }
  if (!fs::is_symlink(file)) {
    write_text(file, damaged);
  }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", id, "--at", "2026-11-27T03:20:00Z"}}) {
    const Result result = home.run(args);
    INFO(describe(result));
    CHECK(result.exit_code == 0);
    CHECK(result.out == baseline.out);
    CHECK(result.err == baseline.err);
  }
  CHECK(fs::is_regular_file(fs::symlink_status(file)));
  CHECK(read_text(file) == good);
  CHECK_THAT(ok(home, {"--verbose", "severities"}).err, Catch::Contains("(cache: hit)"));
}

TEST_CASE("runbook cache: a cache that cannot be used costs only the parse") {
  Home home;
  const std::string expected = ok(home, {"severities"}).out;
  for (const std::string value : {"/dev/null", "/proc/self"}) {
    INFO("XDG_CACHE_HOME=" << value);
    const Result result = home.run({"--verbose", "severities"}, {{"XDG_CACHE_HOME", value}});
    CHECK(result.exit_code == 0);
    CHECK(result.out == expected);
    CHECK_THAT(result.err, Catch::Contains("(cache: disabled") || Catch::Contains("not cached"));
    CHECK_THAT(result.err, !Catch::Contains("warning") && !Catch::Contains("error"));
  }
}

TEST_CASE("runbook cache: editing the runbook or a template it uses shows at once") {
  Home home;
  const fs::path runbook = own_runbook(home);
  const std::string id = open_incident(home, {"--runbook", runbook.string(), "Checkout is down", "-s", "P1"});
  ok(home, {"--runbook", runbook.string(), "resolve", id, "--root-cause", "a bad deploy", "--fix", "rolled back",
            "--at", "2026-11-27T04:00:00Z"});
  const auto render = [&] { return ok(home, {"--runbook", runbook.string(), "render", id, "resolution"}).out; };
  CHECK(render() == "RESOLVED Checkout is down\n");
  CHECK_THAT(ok(home, {"--runbook", runbook.string(), "--verbose", "severities"}).err,
             Catch::Contains("(cache: hit)"));

  SECTION("the template file") {
    write_text(home.path() / "team" / "closing.txt", "FIXED {{title}}\n");
    CHECK(render() == "FIXED Checkout is down\n");
  }
  SECTION("the YAML") {
    std::string yaml = read_text(runbook);
    const std::string from = "response_time: 1h";
    REQUIRE(yaml.find(from) != std::string::npos);
    yaml.replace(yaml.find(from), from.size(), "response_time: 45m");
    write_text(runbook, yaml);
    CHECK_THAT(ok(home, {"--runbook", runbook.string(), "severities"}).out, Catch::Contains("45 minutes"));
  }
  SECTION("the YAML made invalid is the usual error, cache or not") {
    write_text(runbook, read_text(runbook) + "bogus: 1\n");
    const Result result = home.run({"--runbook", runbook.string(), "severities"});
    CHECK(result.exit_code == 3);
    CHECK_THAT(result.err, Catch::Contains("unknown key 'bogus'"));
  }
  SECTION("the template file removed is the usual error") {
    fs::remove(home.path() / "team" / "closing.txt");
    const Result result = home.run({"--runbook", runbook.string(), "render", id, "resolution"});
    CHECK(result.exit_code == 3);
    CHECK_THAT(result.err, Catch::Contains("closing.txt' does not exist"));
  }
}

TEST_CASE("runbook cache: runbook validate always parses the YAML") {
  Home home;
  ok(home, {"severities"});
  REQUIRE(fs::exists(entry(home)));
  const Result result = ok(home, {"--verbose", "runbook", "validate"});
  CHECK_THAT(result.err, Catch::Contains("parsed runbook"));
  CHECK_THAT(result.err, !Catch::Contains("(cache:"));
}
