// sync.hpp with the system git and a bare repository on disk: the property that any
// interleaving of writes and syncs on three machines ends with byte-identical files and
// every event that was written present.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "incident/error.hpp"
#include "incident/incident_file.hpp"
#include "incident/process.hpp"
#include "incident/store.hpp"
#include "incident/sync.hpp"
#include "incident/writes.hpp"
#include "support/default_runbook.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::default_runbook;
using incident::test::ScratchDir;
using incident::test::slurp;
namespace fs = std::filesystem;

namespace {

void git_init_bare(const fs::path& path) {
  const ProcessResult result = run_process({"git", "init", "--quiet", "--bare", path.string()});
  REQUIRE(result.exit_code == 0);
}

// One machine: a state dir and what it wrote.
struct Machine {
  std::string name;
  fs::path root;
  Store store{root};
  SyncOptions options;
  Machine(std::string who, fs::path at) : name(std::move(who)), root(std::move(at)) { options.actor = name; }
};

Stamp stamp_of(const Machine& machine, int minute) {
  const Timestamp at = *parse_rfc3339("2026-11-27T03:00:00Z") + Seconds{60 * minute};
  return Stamp{machine.name, at, at};
}

std::vector<std::string> files_of(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root / "incidents")) {
    if (entry.path().extension() == ".json" && entry.path().filename().string().front() != '.') {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// One random schedule (seeded by its number, so any one can be rerun alone): a few writes
// and syncs on three machines at random, then everyone syncs; every file must end
// byte-identical everywhere and hold every event any machine wrote.
void run_schedule(int schedule) {
  const Runbook& runbook = default_runbook();
  std::mt19937 random(static_cast<std::mt19937::result_type>(schedule));
  {
    ScratchDir dir;
    const fs::path remote = dir.path() / "remote.git";
    git_init_bare(remote);
    std::vector<Machine> machines;
    machines.reserve(3);
    for (const char* name : {"alice", "bob", "carol"}) {
      machines.emplace_back(name, dir.path() / name);
    }
    const Incident opened = machines[0].store.create(open_incident(runbook, {"db down", "P1", "", "", ""},
                                                                   stamp_of(machines[0], 0)));
    const std::string id = opened.id;
    std::set<std::string> written = {opened.events.front().id};
    for (auto& machine : machines) {
      sync_init(machine.store, remote.string(), machine.options);
    }

    std::string trace;
    const int steps = std::uniform_int_distribution<int>(4, 10)(random);
    for (int step = 1; step <= steps; ++step) {
      Machine& machine = machines[std::uniform_int_distribution<std::size_t>(0, 2)(random)];
      const int op = std::uniform_int_distribution<int>(0, 6)(random);
      trace += fmt::format("{}:{} ", machine.name, op);
      const Stamp stamp = stamp_of(machine, step);
      if (op == 6) {
        sync(machine.store, machine.options);
        continue;
      }
      try {
        const Incident after = machine.store.append_events(id, [&](const Incident& current) -> std::vector<Event> {
          switch (op) {
            case 0: return add_note(current, fmt::format("note {}", step), stamp).events;
            case 1: return acknowledge(nullptr, current, stamp).events;
            case 2: return mark_items(runbook, current, {"checked", {"initial.check-dashboard"}, ""}, stamp).events;
            case 3: return change_severity(runbook, current, step % 2 == 0 ? "P0" : "P3", "", stamp).events;
            case 4: return hand_off(current, machine.name, "", stamp).events;
            default: return resolve(runbook, current, {"cause", "fix", "watch"}, stamp).events;
          }
        });
        for (const auto& event : after.events) {
          written.insert(event.id);
        }
      } catch (const Error&) {
        // refused in this state (e.g. resolving a resolved incident): nothing written
      }
    }
    // Everyone syncs until everyone has everything: a, b, c, then a and b again.
    for (const std::size_t which : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{0}, std::size_t{1}}) {
      sync(machines[which].store, machines[which].options);
    }
    INFO("schedule " << schedule << ": " << trace);
    const std::string reference = slurp(machines[0].store.incident_path(id));
    for (auto& machine : machines) {
      INFO(machine.name);
      REQUIRE(files_of(machine.root) == files_of(machines[0].root));
      REQUIRE(slurp(machine.store.incident_path(id)) == reference);
    }
    std::set<std::string> present;
    for (const auto& event : machines[0].store.load(id).events) {
      present.insert(event.id);
    }
    REQUIRE(std::includes(present.begin(), present.end(), written.begin(), written.end()));
  }
}

}  // namespace

// 200 schedules in four tests, which ctest can run side by side.
TEST_CASE("sync: random schedules 0-49 of writes and syncs on three machines converge, losing nothing") {
  for (int schedule = 0; schedule < 50; ++schedule) {
    run_schedule(schedule);
  }
}
TEST_CASE("sync: random schedules 50-99 of writes and syncs on three machines converge, losing nothing") {
  for (int schedule = 50; schedule < 100; ++schedule) {
    run_schedule(schedule);
  }
}
TEST_CASE("sync: random schedules 100-149 of writes and syncs on three machines converge, losing nothing") {
  for (int schedule = 100; schedule < 150; ++schedule) {
    run_schedule(schedule);
  }
}
TEST_CASE("sync: random schedules 150-199 of writes and syncs on three machines converge, losing nothing") {
  for (int schedule = 150; schedule < 200; ++schedule) {
    run_schedule(schedule);
  }
}

TEST_CASE("sync: the remote's history holds only incident files, one commit per sync that changed something") {
  ScratchDir dir;
  const fs::path remote = dir.path() / "remote.git";
  git_init_bare(remote);
  Machine a("alice", dir.path() / "a");
  const Incident opened = a.store.create(open_incident(default_runbook(), {"db down", "P1", "", "", ""}, stamp_of(a, 0)));
  const SyncReport first = sync_init(a.store, remote.string(), a.options);
  CHECK(first.committed);
  CHECK(first.pushed);
  CHECK(first.outgoing == std::vector<std::string>{opened.id});
  CHECK(first.commit_message == "incident sync: " + opened.id + " (alice)");
  const SyncReport idle = sync(a.store, a.options);
  CHECK_FALSE(idle.committed);
  CHECK_FALSE(idle.pushed);
  const ProcessResult log = run_process({"git", "-C", remote.string(), "log", "--format=%an|%s", "main"});
  CHECK(log.out == "alice|incident sync: " + opened.id + " (alice)\n");
  const ProcessResult tree = run_process({"git", "-C", remote.string(), "ls-tree", "-r", "--name-only", "main"});
  CHECK(tree.out == ".gitignore\nincidents/" + opened.id + ".json\n");
}
