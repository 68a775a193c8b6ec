// Drills (#13): `open --drill` marks an exercise. Every message for the channel says so in
// its first line, list, prompt, show and status mark it, the JSON carries "drill", and
// stats leave drills out unless asked. A real incident's output is unchanged (the golden
// files of lifecycle_test.cpp pin that).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

namespace {

const std::string k_banner = "[DRILL] This is an exercise, not a real incident.\n";

}  // namespace

TEST_CASE("drill: open --drill prints the Initial Status Update with the drill line first") {
  Home drill_home;
  Home real_home;
  const Result drill = drill_home.run({"open", "DB failover", "-s", "P2", "--drill", "--at", k_t0});
  const Result real = real_home.run({"open", "DB failover", "-s", "P2", "--at", k_t0});
  REQUIRE(drill.exit_code == 0);
  REQUIRE(real.exit_code == 0);
  CHECK(drill.out == k_banner + real.out);
  CHECK_THAT(drill.err, Catch::Contains(", a drill);"));
  CHECK_THAT(real.err, !Catch::Contains("drill"));
  // On the record: `exercise` on the opened event.
  const std::string id = parse_json(ok(drill_home, {"list", "--json"}).out)[0]["id"];
  CHECK_THAT(read_text(drill_home.file(id)), Catch::Contains(R"("exercise":"drill")"));
}

TEST_CASE("drill: every message for the channel says so first, in text and in --json") {
  Home home;
  const std::string id = open_incident(home, {"DB failover", "-s", "P2", "--drill"});
  const std::vector<std::vector<std::string>> commands = {
      {"ack", id, "--at", k_t0},
      {"render", id, "initial"},
      {"update", id, "--findings", "f", "--next", "n", "--at", k_t0},
      {"severity", id, "P1", "--at", k_t0},
      {"handoff", id, "bob", "--at", k_t0},
      {"escalate", id, "--reason", "practice", "--at", k_t0},
      {"brief", id},
      {"resolve", id, "--root-cause", "rc", "--fix", "fx", "--at", k_t0},
      {"render", id, "resolution"},
  };
  for (const auto& command : commands) {
    INFO(Catch::Detail::stringify(command));
    const Result result = home.run(command);
    INFO(describe(result));
    CHECK(result.exit_code == 0);
    if (command[0] != "ack") {
      CHECK_THAT(result.out, Catch::StartsWith(k_banner));
    }
  }
  const Result json = ok(home, {"render", id, "investigation", "--json"});
  const auto document = parse_json(json.out);
  CHECK(document["drill"] == true);
  CHECK_THAT(document["message"]["text"].get<std::string>(), Catch::StartsWith(k_banner));
}

TEST_CASE("drill: list, prompt, show and status mark it, and --json says drill true or false") {
  Home home;
  const std::string drill = open_incident(home, {"Game day", "-s", "P2", "--drill"});
  const std::string list = ok(home, {"list"}).out;
  CHECK_THAT(list, Catch::Contains("[DRILL] Game day"));
  CHECK_THAT(ok(home, {"prompt"}).out, Catch::StartsWith("[DRILL] P2 "));
  CHECK_THAT(ok(home, {"show", drill}).out, Catch::StartsWith(k_banner + drill + " Game day\n"));
  CHECK_THAT(ok(home, {"status", drill}).out, Catch::StartsWith(k_banner));
  CHECK(parse_json(ok(home, {"show", drill, "--json"}).out)["drill"] == true);

  const std::string real = open_incident(home, {"Checkout down", "-s", "P1"});
  const auto listed = parse_json(ok(home, {"list", "--json"}).out);
  REQUIRE(listed.size() == 2);
  for (const auto& incident : listed) {
    CHECK(incident["drill"] == (incident["id"] == drill));
  }
  // A real incident comes first in the prompt, unmarked.
  CHECK_THAT(ok(home, {"prompt"}).out, Catch::StartsWith("P1 " + real.substr(0, 4)));
  CHECK_THAT(ok(home, {"show", real}).out, !Catch::Contains("DRILL"));
}

TEST_CASE("drill: an index written before drills (format 5) is rebuilt, so the mark is never lost") {
  Home home;
  const std::string drill = open_incident(home, {"Game day", "-s", "P2", "--drill"});
  ok(home, {"list"});
  const fs::path index = home.state() / "index" / "open.tsv";
  std::string text = read_text(index);
  REQUIRE(text.starts_with("incident-index 6\t"));
  // What a 0.3.0 binary wrote: its header, and its lines without the drill column.
  text.replace(0, 16, "incident-index 5");
  write_text(index, text);
  CHECK_THAT(ok(home, {"list"}).out, Catch::Contains("[DRILL] Game day"));
  CHECK_THAT(read_text(index), Catch::StartsWith("incident-index 6\t"));
}

TEST_CASE("drill: stats leave drills out and say how many, and --drills counts them") {
  Home home;
  const std::string drill = open_incident(home, {"Game day", "-s", "P2", "--drill"});
  ok(home, {"resolve", drill, "--root-cause", "rc", "--fix", "fx", "--at", "2026-11-27T04:12:00Z"});
  const std::string real = open_incident(home, {"Checkout down", "-s", "P2"});
  const Result without = ok(home, {"stats"});
  CHECK_THAT(without.out, Catch::EndsWith("(1 drill left out: incident stats --drills counts them)\n"));
  const auto without_json = parse_json(ok(home, {"stats", "--json"}).out);
  CHECK(without_json["all"]["incidents"] == 1);
  CHECK(without_json["all"]["resolved"] == 0);
  CHECK(without_json["drills_left_out"] == 1);
  const auto with_json = parse_json(ok(home, {"stats", "--drills", "--json"}).out);
  CHECK(with_json["all"]["incidents"] == 2);
  CHECK(with_json["all"]["resolved"] == 1);
  CHECK(with_json["drills_left_out"] == 0);
  CHECK(with_json["drills_included"] == true);
  CHECK_THAT(ok(home, {"stats", "--include-drills"}).out, !Catch::Contains("left out"));
}

TEST_CASE("drill: a drill's --dedup-key never swallows the real alert") {
  Home home;
  const std::string drill = open_incident(home, {"Disk full", "-s", "P1", "--dedup-key", "db-1-disk", "--drill"});
  const Result real = home.run({"open", "Disk full", "-s", "P1", "--dedup-key", "db-1-disk", "--at", k_t0});
  REQUIRE(real.exit_code == 0);
  CHECK_THAT(real.out, !Catch::Contains("DRILL"));
  CHECK_THAT(real.err, Catch::Contains("Opened "));
  CHECK(parse_json(ok(home, {"list", "--json"}).out).size() == 2);
}
