// "An incident is a team event" (#11), sync over git: state dirs on several "laptops"
// (each a Home of its own, with no git identity configured) and a bare repository on
// disk as the remote, through the real binary and the system git.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

namespace {

Result git(const std::vector<std::string>& args, const fs::path& home) {
  Launch how;
  how.program = "git";
  how.args = args;
  how.home = home;
  how.timeout = k_time_limit;
  return launch(how);
}

Result git_ok(const std::vector<std::string>& args, const fs::path& home) {
  const Result result = git(args, home);
  INFO("git " << Catch::Detail::stringify(args) << "\n" << describe(result));
  REQUIRE(result.exit_code == 0);
  return result;
}

std::vector<std::string> files_in(const Home& home) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(home.state() / "incidents")) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Every incident file of `a` is byte-identical in `b`, and they hold the same files.
void check_same_files(const Home& a, const Home& b) {
  REQUIRE(files_in(a) == files_in(b));
  for (const auto& name : files_in(a)) {
    INFO(name);
    CHECK(read_text(a.state() / "incidents" / name) == read_text(b.state() / "incidents" / name));
  }
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("sync: an incident opened on one laptop is acted on from another, and both end identical") {
  Remote remote;
  Home alice;
  Home bob;
  const std::string id = open_incident(alice, {"db down", "-s", "P1", "--as", "alice"});
  const Result init = ok(alice, {"sync", "--init", remote.path().string()});
  CHECK(init.out.empty());
  CHECK_THAT(init.err, Catch::Contains("Went out: " + id));

  // Bob's state dir does not exist yet: --init makes it, with the remote's incidents.
  const Result joined = ok(bob, {"--as", "bob", "sync", "--init", remote.path().string()});
  CHECK_THAT(joined.err, Catch::Contains(id + " (new): 1 event by alice (opened)"));
  CHECK_THAT(ok(bob, {"list"}).out, Catch::Contains("db down"));

  // Bob takes it over; alice writes a note meanwhile, offline.
  ok(bob, {"--as", "bob", "ack", id, "--at", "2026-11-27T03:20:00Z"});
  ok(alice, {"--as", "alice", "note", id, "rolling back", "--at", "2026-11-27T03:21:00Z"});
  ok(bob, {"--as", "bob", "sync"});
  const Result status = ok(alice, {"--json", "sync", "--status"});
  const auto would = parse_json(status.out);
  REQUIRE(would["incoming"].size() == 1);
  CHECK(would["incoming"][0]["events"][0]["type"] == "acknowledged");
  CHECK(would["incoming"][0]["events"][0]["by"] == "bob");
  CHECK(would["outgoing"] == nlohmann::json::array({id}));

  const Result merged = ok(alice, {"--as", "alice", "sync"});
  // The ack, and the two items it ticked (acknowledge; bob became commander).
  CHECK_THAT(merged.err, Catch::Contains(id + ": 3 events by bob (acknowledged, 2 checked)"));
  CHECK_THAT(merged.err, Catch::Contains("Went out: " + id));
  const Result back = ok(bob, {"--as", "bob", "sync"});
  CHECK_THAT(back.err, Catch::Contains(id + ": 1 event by alice (noted)"));
  check_same_files(alice, bob);
  const std::string shown = ok(bob, {"show", id}).out;
  CHECK_THAT(shown, Catch::Contains("bob acknowledged"));
  CHECK_THAT(shown, Catch::Contains("rolling back"));
  // The next shift reads the briefing on the laptop the incident was never opened on.
  const std::string brief = ok(bob, {"brief", id}).out;
  CHECK_THAT(brief, Catch::StartsWith("🔁 HANDOVER: db down (" + id + ")\n"));
  CHECK_THAT(brief, Catch::Contains("Commander: bob") && Catch::Contains("alice: rolling back"));

  // In sync: nothing moves, nothing is committed.
  const std::string head = git_ok({"-C", alice.state().string(), "rev-parse", "HEAD"}, alice.path()).out;
  const Result again = ok(alice, {"--json", "sync"});
  CHECK(parse_json(again.out)["committed"] == false);
  CHECK(parse_json(again.out)["pushed"] == false);
  CHECK(git_ok({"-C", alice.state().string(), "rev-parse", "HEAD"}, alice.path()).out == head);

  // Only incident files and .gitignore travel: no index, lock or cache; commits carry the
  // actor's name without a git identity (each Home has no git config).
  const std::string tracked =
      git_ok({"-C", remote.path().string(), "ls-tree", "-r", "--name-only", "main"}, alice.path()).out;
  CHECK(tracked == ".gitignore\nincidents/" + id + ".json\n");
  const std::string authors =
      git_ok({"-C", remote.path().string(), "log", "--format=%an", "main"}, alice.path()).out;
  CHECK_THAT(authors, Catch::Contains("alice") && Catch::Contains("bob"));
  CHECK_THAT(git_ok({"-C", remote.path().string(), "log", "-1", "--format=%s", "main"}, alice.path()).out,
             Catch::StartsWith("incident sync: " + id));
}

TEST_CASE("sync: two re-grades and two handoffs at once resolve the same on three laptops, none lost") {
  Remote remote;
  Home a, b, c;
  const std::string id = open_incident(a, {"checkout 500s", "-s", "P2"});
  ok(a, {"sync", "--init", remote.path().string()});
  ok(b, {"sync", "--init", remote.path().string()});
  ok(c, {"sync", "--init", remote.path().string()});
  ok(a, {"--as", "alice", "severity", id, "P0", "--at", "2026-11-27T03:20:00Z"});
  ok(b, {"--as", "bob", "severity", id, "P3", "--at", "2026-11-27T03:20:00Z"});
  ok(a, {"--as", "alice", "handoff", id, "alice", "--at", "2026-11-27T03:21:00Z"});
  ok(b, {"--as", "bob", "handoff", id, "bob", "--at", "2026-11-27T03:21:00Z"});
  ok(c, {"--as", "carol", "note", id, "watching", "--at", "2026-11-27T03:22:00Z"});
  for (const Home* home : {&a, &b, &c, &a, &b}) {
    ok(*home, {"sync"});
  }
  check_same_files(a, b);
  check_same_files(a, c);
  const auto shown = parse_json(ok(c, {"--json", "show", id}).out);
  const auto in_a = parse_json(ok(a, {"--json", "show", id}).out);
  CHECK(shown["severity"] == in_a["severity"]);
  CHECK(shown["commander"] == in_a["commander"]);
  // The losing re-grade and handoff stay on the timeline.
  const std::string timeline = ok(c, {"show", id}).out;
  CHECK(count(timeline, "changed the severity") == 2);
  CHECK(count(timeline, "handed") == 2);
  CHECK_THAT(timeline, Catch::Contains("watching"));
}

TEST_CASE("sync: a push that loses the race is retried after merging what won") {
  Remote remote;
  Home a, rival;
  const std::string id = open_incident(a, {"db down", "-s", "P1"});
  ok(a, {"sync", "--init", remote.path().string()});
  ok(rival, {"sync", "--init", remote.path().string()});
  ok(a, {"note", id, "from a"});
  // A git on PATH that, on a's first push, lets the rival push first: a real lost race.
  TempDir bin;
  const std::string wrapper = "#!/bin/sh\n"
                              "case \" $* \" in *\" push \"*)\n"
                              "  if [ ! -e \"$RACE_MARK\" ]; then : > \"$RACE_MARK\";\n"
                              "    INCIDENT_HOME=\"$RIVAL\" \"$INCIDENT_BIN\" note " + id + " 'from the rival' &&\n"
                              "    INCIDENT_HOME=\"$RIVAL\" \"$INCIDENT_BIN\" sync 2>/dev/null || exit 99; fi;;\n"
                              "esac\n"
                              "exec \"$REAL_GIT\" \"$@\"\n";
  write_text(bin.path() / "git", wrapper);
  fs::permissions(bin.path() / "git", fs::perms::owner_all);
  const Result which = [&] {
    Launch how;
    how.program = "/bin/sh";
    how.args = {"-c", "command -v git"};
    how.home = a.path();
    return launch(how);
  }();
  REQUIRE(which.exit_code == 0);
  const std::string git_path = which.out.substr(0, which.out.find('\n'));
  const Result raced = a.run({"--json", "sync"}, {{"PATH", bin.path().string() + ":/usr/bin:/bin"},
                                                  {"RACE_MARK", (bin.path() / "raced").string()},
                                                  {"RIVAL", rival.state().string()},
                                                  {"INCIDENT_BIN", binary()},
                                                  {"REAL_GIT", git_path}});
  INFO(describe(raced));
  REQUIRE(raced.exit_code == 0);
  CHECK(fs::exists(bin.path() / "raced"));
  const auto report = parse_json(raced.out);
  CHECK(report["push_attempts"] == 2);
  CHECK(report["pushed"] == true);
  REQUIRE(report["incoming"].size() == 1);
  CHECK(report["incoming"][0]["events"][0]["type"] == "noted");
  ok(rival, {"sync"});
  check_same_files(a, rival);
  const std::string shown = ok(rival, {"show", id}).out;
  CHECK_THAT(shown, Catch::Contains("from a") && Catch::Contains("from the rival"));
}

TEST_CASE("sync: a file a plain git pull left with conflict markers is reported, never parsed or overwritten") {
  Remote remote;
  Home a, b;
  const std::string id = open_incident(a, {"db down", "-s", "P1"});
  ok(a, {"sync", "--init", remote.path().string()});
  ok(b, {"sync", "--init", remote.path().string()});
  ok(a, {"note", id, "from a"});
  ok(a, {"sync"});
  ok(b, {"note", id, "from b"});
  // What a user might type instead of incident sync.
  git_ok({"-C", b.state().string(), "-c", "user.name=b", "-c", "user.email=b@example.invalid", "commit", "-q", "-am",
          "by hand"},
         b.path());
  const Result pulled = git({"-C", b.state().string(), "-c", "user.name=b", "-c", "user.email=b@example.invalid",
                             "pull", "--no-rebase", "--quiet", "origin", "main"},
                            b.path());
  REQUIRE(pulled.exit_code != 0);  // a conflict
  const std::string conflicted = read_text(b.file(id));
  REQUIRE_THAT(conflicted, Catch::Contains("<<<<<<< "));

  const Result shown = b.run({"show", id});
  CHECK(shown.exit_code == 5);
  CHECK_THAT(shown.err, Catch::Contains(b.file(id).string()) && Catch::Contains("git conflict markers") &&
                            Catch::Contains("git merge --abort"));
  const Result synced = b.run({"sync"});
  CHECK(synced.exit_code != 0);
  CHECK_THAT(synced.err, Catch::Contains("merge --abort"));
  CHECK(read_text(b.file(id)) == conflicted);  // never overwritten

  git_ok({"-C", b.state().string(), "merge", "--abort"}, b.path());
  ok(b, {"sync"});
  ok(a, {"sync"});
  check_same_files(a, b);
  CHECK_THAT(ok(a, {"show", id}).out, Catch::Contains("from a") && Catch::Contains("from b"));
}

TEST_CASE("sync: an invalid incident file from the remote is refused and nothing of it is merged") {
  Remote remote;
  Home a, mallory;
  const std::string id = open_incident(a, {"db down", "-s", "P1"});
  ok(a, {"sync", "--init", remote.path().string()});
  ok(mallory, {"sync", "--init", remote.path().string()});
  // Mallory pushes a broken file with plain git.
  write_text(mallory.state() / "incidents" / "zzzz0000.json", "{\"schema\": 2, \"id\": \"zzzz0000\"}\n");
  const std::string before = read_text(a.file(id));
  git_ok({"-C", mallory.state().string(), "add", "incidents/zzzz0000.json"}, mallory.path());
  git_ok({"-C", mallory.state().string(), "-c", "user.name=m", "-c", "user.email=m@example.invalid", "commit", "-q",
          "-m", "broken"},
         mallory.path());
  git_ok({"-C", mallory.state().string(), "push", "--quiet", "origin", "main"}, mallory.path());
  const Result refused = a.run({"sync"});
  CHECK(refused.exit_code == 5);
  CHECK_THAT(refused.err, Catch::Contains("origin/main:incidents/zzzz0000.json"));
  CHECK_FALSE(fs::exists(a.state() / "incidents" / "zzzz0000.json"));
  CHECK(read_text(a.file(id)) == before);
}

TEST_CASE("sync: a state dir that is not a working copy says how to start, and a bad remote is refused") {
  Home home;
  open_incident(home, {"db down", "-s", "P1"});
  const Result unsynced = home.run({"sync"});
  CHECK(unsynced.exit_code == 1);
  CHECK_THAT(unsynced.err, Catch::Contains("incident sync --init REMOTE"));
  const Result option = home.run({"sync", "--init", "--upload-pack=touch /tmp/x"});
  CHECK(option.exit_code == 2);
  const Result missing = home.run({"sync", "--init", (home.path() / "no-such-remote").string()});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("git fetch failed"));
  CHECK(missing.err.find('\n') == missing.err.size() - 1);  // one line
}

TEST_CASE("sync: a sync killed with SIGKILL at any point leaves a state dir the next sync repairs") {
  Remote remote;
  Home a, b;
  const std::string id = open_incident(a, {"db down", "-s", "P1"});
  ok(a, {"sync", "--init", remote.path().string()});
  ok(b, {"sync", "--init", remote.path().string()});
  std::mt19937 random(20261203);
  std::uniform_int_distribution<int> delay_ms(0, 400);  // a sync takes ~100-400 ms here
  constexpr int k_rounds = 12;
  for (int round = 0; round < k_rounds; ++round) {
    ok(a, {"note", id, "a " + std::to_string(round)});
    ok(b, {"note", id, "b " + std::to_string(round)});
    ok(b, {"sync"});
    Child child = start(a.how({"sync"}));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    child.kill(SIGKILL);
    (void)child.wait();
    const Result repaired = a.run({"sync"});
    INFO("round " << round << "\n" << describe(repaired));
    REQUIRE(repaired.exit_code == 0);
  }
  ok(b, {"sync"});
  ok(a, {"sync"});
  check_same_files(a, b);
  const std::string shown = ok(b, {"show", id}).out;
  for (int round = 0; round < k_rounds; ++round) {
    CHECK_THAT(shown, Catch::Contains("a " + std::to_string(round)) && Catch::Contains("b " + std::to_string(round)));
  }
  CHECK(git_ok({"-C", a.state().string(), "status", "--porcelain"}, a.path()).out.empty());
}
