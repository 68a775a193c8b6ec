// export and import (#13): every incident as one line of ndjson, and back into a store as
// sync merges (the union of events), all or nothing, idempotent.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"
#include "support/pty.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

namespace {

// Each incident file of the home, by name, as bytes.
std::map<std::string, std::string> files_of(const Home& home) {
  std::map<std::string, std::string> files;
  const fs::path dir = home.state() / "incidents";
  if (!fs::exists(dir)) {
    return files;
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    files.emplace(entry.path().filename().string(), read_text(entry.path()));
  }
  return files;
}

Result import_into(const Home& home, const std::string& ndjson, const std::vector<std::string>& extra = {}) {
  Launch how = home.how({"import"});
  how.args.insert(how.args.end(), extra.begin(), extra.end());
  how.input = ndjson;
  return launch(how);
}

// Three incidents: one closed, one resolved, one open with notes; ids in that order.
std::vector<std::string> three_incidents(const Home& home) {
  const std::string closed = open_incident(home, {"Old outage", "-s", "P1", "--at", "2026-11-01T10:00:00Z"});
  ok(home, {"resolve", closed, "--root-cause", "rc", "--fix", "fx", "--at", "2026-11-01T11:00:00Z"});
  ok(home, {"close", closed});
  const std::string resolved = open_incident(home, {"Login slow", "-s", "P2", "--at", "2026-11-20T10:00:00Z"});
  ok(home, {"resolve", resolved, "--root-cause", "rc", "--fix", "fx", "--at", "2026-11-20T12:00:00Z"});
  const std::string open = open_incident(home, {"Checkout 500s", "-s", "P0", "--impact", "line one\nline two"});
  ok(home, {"ack", open, "--at", k_t0});
  ok(home, {"note", open, "naïve ✓ \"quoted\" \\ tab\there", "--at", k_t0});
  return {closed, resolved, open};
}

}  // namespace

TEST_CASE("export | import into an empty store: byte-identical files, and the same export again") {
  Home from;
  const auto ids = three_incidents(from);
  const Result exported = ok(from, {"export"});
  CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') == 3);
  CHECK_THAT(exported.err, Catch::Contains("Exported 3 incidents."));
  // Oldest first; each line is one whole document.
  CHECK(parse_json(exported.out.substr(0, exported.out.find('\n')))["id"] == ids[0]);

  Home to;
  const Result imported = import_into(to, exported.out);
  INFO(describe(imported));
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out.empty());
  CHECK_THAT(imported.err, Catch::Contains("Imported 3 incidents: 3 new, 0 merged, 0 unchanged"));
  CHECK(files_of(to) == files_of(from));
  CHECK(ok(to, {"export"}).out == exported.out);
  CHECK(ok(to, {"list", "--all"}).out == ok(from, {"list", "--all"}).out);
}

TEST_CASE("import twice changes nothing and says so") {
  Home from;
  three_incidents(from);
  const std::string ndjson = ok(from, {"export"}).out;
  Home to;
  REQUIRE(import_into(to, ndjson).exit_code == 0);
  const auto before = files_of(to);
  const Result again = import_into(to, ndjson, {"--json"});
  INFO(describe(again));
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.err, Catch::Contains("Imported 3 incidents: 0 new, 0 merged, 3 unchanged (nothing changed)"));
  const auto summary = parse_json(again.out);
  CHECK(summary["new"] == 0);
  CHECK(summary["unchanged"] == 3);
  CHECK(summary["events_added"] == 0);
  CHECK(summary["results"][0]["result"] == "unchanged");
  CHECK(files_of(to) == before);
}

TEST_CASE("import into a store with other events on the same incident keeps the union") {
  Home here;
  const std::string id = open_incident(here, {"DB down", "-s", "P1"});
  Home there;
  REQUIRE(import_into(there, ok(here, {"export"}).out).exit_code == 0);
  ok(here, {"note", id, "from here", "--at", k_t0});
  ok(there, {"note", id, "from there", "--at", k_t0});
  const Result merged = import_into(there, ok(here, {"export"}).out);
  INFO(describe(merged));
  REQUIRE(merged.exit_code == 0);
  CHECK_THAT(merged.err, Catch::Contains("Imported 1 incident: 0 new, 1 merged, 0 unchanged (1 event added)"));
  const std::string text = ok(there, {"show", id}).out;
  CHECK_THAT(text, Catch::Contains("from here") && Catch::Contains("from there"));
  // And back: both stores end byte-identical, as after a sync.
  REQUIRE(import_into(here, ok(there, {"export"}).out).exit_code == 0);
  CHECK(files_of(here) == files_of(there));
}

TEST_CASE("import refuses a corrupt line with its number and writes nothing") {
  Home from;
  three_incidents(from);
  const std::string ndjson = ok(from, {"export"}).out;
  const auto second = ndjson.find('\n') + 1;
  for (const std::string& bad : {std::string("{\"schema\": 2, \"id\": \"abc\", \"events\": [}"),
                                 std::string("{\"schema\":2,\"id\":\"abc\",\"events\":[{\"id\":\"x\"}]}"),
                                 std::string("not json at all")}) {
    INFO(bad);
    Home to;
    const Result result = import_into(to, ndjson.substr(0, second) + bad + "\n" + ndjson.substr(second));
    INFO(describe(result));
    CHECK(result.exit_code == 5);
    CHECK_THAT(result.err, Catch::StartsWith("incident: error: stdin:2:"));
    CHECK(files_of(to).empty());
  }
}

TEST_CASE("export --since keeps the incidents started since then") {
  Home home;
  const auto ids = three_incidents(home);
  const std::string since = ok(home, {"export", "--since", "2026-11-15"}).out;
  CHECK(std::count(since.begin(), since.end(), '\n') == 2);
  CHECK(since.find(ids[0]) == std::string::npos);
  CHECK(since.find(ids[1]) != std::string::npos);
  const std::string rfc = ok(home, {"export", "--since", "2026-11-27T00:00:00Z"}).out;
  CHECK(std::count(rfc.begin(), rfc.end(), '\n') == 1);
  CHECK(parse_json(rfc)["id"] == ids[2]);
  const Result bad = home.run({"export", "--since", "someday"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("export warns about a file it cannot read, names it, exports the rest and fails at the end") {
  Home home;
  const auto ids = three_incidents(home);
  write_text(home.file(ids[1]), "{ not an incident");
  const Result result = home.run({"export"});
  INFO(describe(result));
  CHECK(result.exit_code == 5);
  CHECK(std::count(result.out.begin(), result.out.end(), '\n') == 2);
  CHECK_THAT(result.err, Catch::Contains(home.file(ids[1]).string()));
  CHECK_THAT(result.err, Catch::Contains("1 incident file could not be read"));
}

TEST_CASE("import on a terminal says to give it a file instead of waiting") {
  Home home;
  TerminalRun run;
  run.how = home.how({"import"});
  const TerminalResult result = run_on_terminal(run);
  INFO(result.screen);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.screen, Catch::Contains("incident import < incidents.ndjson"));
}
