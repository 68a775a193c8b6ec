#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "incident/error.hpp"
#include "incident/incident_file.hpp"
#include "incident/store.hpp"
#include "support/events.hpp"
#include "support/faulty_io.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::FaultyIo;
using incident::test::ScratchDir;
using incident::test::slurp;

namespace {

Event opened_event(const std::string& title = "Checkout API 500s") {
  Event event;
  event.type = std::string(event_type::opened);
  event.at = *parse_rfc3339("2026-11-27T03:12:00Z");
  event.by = "pager";
  event.fields = {{"title", title}, {"severity", "P1"}, {"severity_name", "High"}, {"response_time_seconds", std::int64_t{3600}}};
  return event;
}

Store::DecideEvents add(std::string_view type, std::map<std::string, std::string> fields = {}) {
  return [type, fields](const Incident&) {
    Event event;
    event.type = std::string(type);
    event.at = *parse_rfc3339("2026-11-27T03:20:00Z");
    event.by = "alice";
    event.fields = test::to_fields(type, fields);
    return std::vector<Event>{event};
  };
}

std::vector<std::string> temp_files(const std::filesystem::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

}  // namespace

TEST_CASE("create, append and load an incident") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident created = store.create(opened_event());
  CHECK(is_valid_incident_id(created.id));
  CHECK(created.id.size() == 8);
  CHECK(created.events.at(0).seq == 1);
  const Incident acked = store.append_events(created.id, add(event_type::acknowledged));
  CHECK(acked.events.size() == 2);
  CHECK(acked.events.at(1).seq == 2);
  CHECK(acked.commander == "alice");
  const Incident loaded = store.load(created.id);
  CHECK(serialize_incident(loaded) == serialize_incident(acked));
  CHECK(slurp(store.incident_path(created.id)) == serialize_incident(acked));
}

TEST_CASE("files are private to the user") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident created = store.create(opened_event());
  struct stat info {};
  REQUIRE(::stat(store.incident_path(created.id).c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat((home.path() / "state").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  REQUIRE(::stat((home.path() / "state" / "incidents").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
}

TEST_CASE("a decision with no events writes nothing") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident created = store.create(opened_event());
  struct stat before {};
  REQUIRE(::stat(store.incident_path(created.id).c_str(), &before) == 0);
  store.append_events(created.id, [](const Incident&) { return std::vector<Event>{}; });
  struct stat after {};
  REQUIRE(::stat(store.incident_path(created.id).c_str(), &after) == 0);
  CHECK(before.st_ino == after.st_ino);
}

TEST_CASE("a decision that throws writes nothing") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident created = store.create(opened_event());
  const std::string before = slurp(store.incident_path(created.id));
  CHECK_THROWS_AS(store.append_events(created.id, [](const Incident&) -> std::vector<Event> { throw UsageError("no"); }),
                  UsageError);
  CHECK(slurp(store.incident_path(created.id)) == before);
}

TEST_CASE("ids resolve by unique prefix, and the single open incident by default") {
  ScratchDir home;
  Store store(home.path() / "state");
  CHECK_THROWS_AS(store.resolve_id(""), NotFoundError);
  const Incident first = store.create(opened_event("first"));
  CHECK(store.resolve_id("") == first.id);
  CHECK(store.resolve_id(first.id.substr(0, 3)) == first.id);
  CHECK(store.resolve_id(first.id) == first.id);
  std::string upper = first.id;
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(c));
  }
  CHECK(store.resolve_id(upper) == first.id);
  const Incident second = store.create(opened_event("second"));
  CHECK_THROWS_WITH(store.resolve_id(""), Catch::Contains("2 incidents are open; give an ID") &&
                                              Catch::Contains(first.id) && Catch::Contains(second.id));
  CHECK_THROWS_AS(store.resolve_id("zzzzzzzzzzzz"), NotFoundError);
  for (const char* bad : {"../etc", "a/b", ".", "..", "with space", "x\x1b", "0123456789abcdefg"}) {
    INFO(bad);
    CHECK_THROWS_AS(store.resolve_id(bad), UsageError);
  }
}

TEST_CASE("an ambiguous prefix lists the candidates") {
  ScratchDir home;
  Store store(home.path() / "state");
  // 33 incidents: two must share a first character.
  std::map<char, std::vector<std::string>> by_first;
  for (int i = 0; i < 33; ++i) {
    const Incident created = store.create(opened_event());
    by_first[created.id[0]].push_back(created.id);
  }
  for (const auto& [first, ids] : by_first) {
    if (ids.size() > 1) {
      CHECK_THROWS_WITH(store.resolve_id(std::string(1, first)),
                        Catch::Contains("matches " + std::to_string(ids.size()) + " incidents") &&
                            Catch::Contains(ids[0]) && Catch::Contains(ids[1]));
      return;
    }
  }
  FAIL("pigeonhole");
}

TEST_CASE("list shows open incidents from the index and every incident with --all") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident a = store.create(opened_event("a"));
  const Incident b = store.create(opened_event("b"));
  store.append_events(b.id, add(event_type::resolved, {{"root_cause", "x"}, {"fix", "y"}}));
  CHECK(store.list(Scope::open).incidents.size() == 2);  // resolved stays open until closed
  store.append_events(b.id, add(event_type::closed));
  auto open = store.list(Scope::open);
  REQUIRE(open.incidents.size() == 1);
  CHECK(open.incidents[0].id == a.id);
  auto all = store.list(Scope::all);
  REQUIRE(all.incidents.size() == 2);
  CHECK(store.resolve_id("") == a.id);

  SECTION("reopen brings it back") {
    store.append_events(b.id, add(event_type::reopened));
    CHECK(store.list(Scope::open).incidents.size() == 2);
    store.append_events(b.id, add(event_type::resolved, {{"root_cause", "x"}, {"fix", "y"}}));
    store.append_events(b.id, add(event_type::closed));
    CHECK(store.list(Scope::open).incidents.size() == 1);
    CHECK(store.list(Scope::all).incidents.size() == 2);
  }
  SECTION("a missing index is rebuilt by the first reader") {
    std::filesystem::remove_all(home.path() / "state" / "index");
    CHECK(store.list(Scope::open).incidents.size() == 1);
    CHECK(std::filesystem::exists(home.path() / "state" / "index" / "open.tsv"));
    CHECK(std::filesystem::exists(home.path() / "state" / "index" / "settled.tsv"));
    CHECK(store.list(Scope::all).incidents.size() == 2);
  }
  SECTION("a reader that finds the lock held lists from the files and leaves the index alone") {
    std::filesystem::remove_all(home.path() / "state" / "index");
    {
      FileLock held(home.path() / "state" / "lock", std::chrono::milliseconds(0));
      CHECK(store.list(Scope::all).incidents.size() == 2);
      CHECK_FALSE(std::filesystem::exists(home.path() / "state" / "index"));
    }
    CHECK(store.list(Scope::open).incidents.size() == 1);
    CHECK(std::filesystem::exists(home.path() / "state" / "index" / "open.tsv"));
  }
  SECTION("a missing index is rebuilt from the files") {
    std::filesystem::remove_all(home.path() / "state" / "index");
    CHECK(store.list(Scope::open).incidents.size() == 1);
    CHECK(store.list(Scope::all).incidents.size() == 2);
    store.append_events(a.id, add(event_type::noted, {{"text", "n"}}));  // a writer rebuilds it
    CHECK(std::filesystem::exists(home.path() / "state" / "index" / "settled.tsv"));
    CHECK(store.list(Scope::all).incidents.size() == 2);
  }
  SECTION("a dirty marker (a crash mid-create) makes readers rescan") {
    const Incident c = store.create(opened_event("c"));
    // Simulate the crash: the file is there, the index never heard of it.
    std::ofstream(home.path() / "state" / "index" / "dirty");
    std::ofstream(home.path() / "state" / "index" / "open.tsv", std::ios::trunc) << "incident-index 3\t0\n";
    CHECK(store.list(Scope::open).incidents.size() == 2);
    (void)c;
  }
  SECTION("a lost closed log is not appended to but rebuilt") {
    std::filesystem::remove(home.path() / "state" / "index" / "settled.tsv");
    store.append_events(a.id, add(event_type::resolved, {{"root_cause", "x"}, {"fix", "y"}}));
    store.append_events(a.id, add(event_type::closed));
    CHECK(store.list(Scope::all).incidents.size() == 2);
    store.append_events(a.id, add(event_type::noted, {{"text", "after"}}));  // the next writer rebuilds
    CHECK_FALSE(std::filesystem::exists(home.path() / "state" / "index" / "dirty"));
    CHECK(store.list(Scope::all).incidents.size() == 2);
    CHECK(store.list(Scope::open).incidents.empty());
  }
  SECTION("an incident file added behind the index (a sync) is found") {
    Store other(home.path() / "elsewhere");
    const Incident synced = other.create(opened_event("synced"));
    const auto dir = home.path() / "state" / "incidents";
    std::filesystem::copy_file(other.incident_path(synced.id), store.incident_path(synced.id));
    // The sync happens later than the last write here: a later directory mtime.
    std::filesystem::last_write_time(dir, std::filesystem::last_write_time(dir) + std::chrono::seconds(2));
    auto listing = store.list(Scope::open);
    CHECK(listing.incidents.size() == 2);
    CHECK(store.list(Scope::all).incidents.size() == 3);
  }
  SECTION("a temp file left by a killed writer is removed by the next rebuild") {
    const auto dir = home.path() / "state" / "incidents";
    const auto stale = dir / ("." + a.id + ".json.tmp-deadbeef");
    std::ofstream(stale) << "{\"half";
    std::filesystem::last_write_time(dir, std::filesystem::last_write_time(dir) + std::chrono::seconds(2));
    CHECK(store.list(Scope::open).incidents.size() == 1);
    CHECK_FALSE(std::filesystem::exists(stale));
  }
  SECTION("an index naming a path outside the store is not trusted") {
    const auto open_index = home.path() / "state" / "index" / "open.tsv";
    std::string text = slurp(open_index);
    const auto at = text.find(a.id);
    REQUIRE(at != std::string::npos);
    text.replace(at, a.id.size(), "../../x");
    std::ofstream(open_index, std::ios::trunc) << text;
    auto listing = store.list(Scope::open);
    REQUIRE(listing.incidents.size() == 1);
    CHECK(listing.incidents[0].id == a.id);
  }
  SECTION("a torn index line is not trusted") {
    std::ofstream(home.path() / "state" / "index" / "open.tsv", std::ios::app) << "garbage";
    CHECK(store.list(Scope::open).incidents.size() == 1);
  }
  SECTION("an open incident changed behind the index is re-read") {
    // Another machine's copy (a sync) changes the file without the index.
    Incident changed = store.load(a.id);
    changed.title = "renamed";
    auto events = changed.events;
    events[0].fields["title"] = "renamed";
    const Incident refolded = fold(a.id, events);
    write_file_atomic(store.incident_path(a.id), serialize_incident(refolded));
    auto listing = store.list(Scope::open);
    REQUIRE(listing.incidents.size() == 1);
    CHECK(listing.incidents[0].title == "renamed");
  }
}

TEST_CASE("a corrupt incident file is reported and never rewritten") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident good = store.create(opened_event("good"));
  const Incident bad = store.create(opened_event("bad"));
  const auto path = store.incident_path(bad.id);
  const std::string garbage = "<<<<<<< HEAD\n{\"schema\": 1}\n=======\n";
  std::ofstream(path, std::ios::trunc) << garbage;
  try {
    (void)store.load(bad.id);
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(e.exit_code() == ExitCode::corrupt_state);
    CHECK(std::string(e.what()).rfind(path.string() + ":1:1: not a valid incident file", 0) == 0);
  }
  CHECK_THROWS_AS(store.append_events(bad.id, add(event_type::noted, {{"text", "x"}})), DataError);
  CHECK(slurp(path) == garbage);
  const Listing listing = store.list(Scope::all);
  REQUIRE(listing.incidents.size() == 1);
  CHECK(listing.incidents[0].id == good.id);
  REQUIRE(listing.warnings.size() == 1);
  CHECK_THAT(listing.warnings[0], Catch::Contains(path.string()));
  // The good one is still writable.
  store.append_events(good.id, add(event_type::noted, {{"text", "still fine"}}));
  CHECK(slurp(path) == garbage);
}

TEST_CASE("a corrupt file is remembered by the index: readers warn without rescanning the store") {
  ScratchDir home;
  Store store(home.path() / "state");
  for (int i = 0; i < 20; ++i) {
    store.create(opened_event("good " + std::to_string(i)));
  }
  const Incident bad = store.create(opened_event("bad"));
  const auto path = store.incident_path(bad.id);
  const std::string original = slurp(path);
  std::ofstream(path, std::ios::trunc) << "{\"schema\": 1, \"id\": ";
  std::filesystem::remove_all(home.path() / "state" / "index");
  CHECK(store.list(Scope::all).warnings.size() == 1);  // the rebuild, with the corrupt file noted
  CHECK_FALSE(std::filesystem::exists(home.path() / "state" / "index" / "dirty"));

  FaultyIo counting(std::numeric_limits<int>::max());
  const Listing listing = Store(home.path() / "state", counting).list(Scope::open);
  CHECK(listing.incidents.size() == 20);
  REQUIRE(listing.warnings.size() == 1);
  CHECK_THAT(listing.warnings[0], Catch::Contains(path.string() + ":1:") && Catch::Contains("not a valid"));
  // One read of the index and a stat per open incident; reading 21 files costs ~6 each.
  CHECK(counting.calls < 40);

  SECTION("once repaired, it is listed again") {
    std::ofstream(path, std::ios::trunc) << original;
    const Listing repaired = store.list(Scope::open);
    CHECK(repaired.warnings.empty());
    CHECK(repaired.incidents.size() == 21);
  }
  SECTION("a writer keeps it in the index") {
    store.append_events(store.list(Scope::open).incidents[0].id, add(event_type::noted, {{"text", "n"}}));
    CHECK(store.list(Scope::open).warnings.size() == 1);
  }
}

TEST_CASE("a symbolic link in place of an incident file is refused and its target untouched") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident created = store.create(opened_event());
  const auto outside = home.path() / "outside.json";
  std::filesystem::copy_file(store.incident_path(created.id), outside);
  const std::string before = slurp(outside);
  std::filesystem::remove(store.incident_path(created.id));
  std::filesystem::create_symlink(outside, store.incident_path(created.id));
  CHECK_THROWS_WITH(store.append_events(created.id, add(event_type::noted, {{"text", "x"}})),
                    Catch::Contains("symbolic link"));
  CHECK_THROWS_WITH(store.load(created.id), Catch::Contains("symbolic link"));
  CHECK(slurp(outside) == before);
}

TEST_CASE("a state dir any user can write to is refused") {
  ScratchDir home;
  const auto root = home.path() / "state";
  std::filesystem::create_directory(root);
  std::filesystem::permissions(root, std::filesystem::perms::all);
  Store store(root);
  CHECK_THROWS_WITH(store.create(opened_event()), Catch::Contains("can be written by any user"));
  CHECK_THROWS_WITH(store.list(Scope::open), Catch::Contains("can be written by any user"));
}

// "Hostile teammates and hostile files" (#10), 11 and 12: the checks were shallow.
TEST_CASE("a state dir whose directories others can write to, or that lead elsewhere, is refused") {
  namespace fs = std::filesystem;
  ScratchDir home;
  const auto root = home.path() / "state";
  Store(root).create(opened_event());
  auto refused = [&](const std::string& fragment) {
    CHECK_THROWS_WITH(Store(root).list(Scope::all), Catch::Contains(fragment));
    CHECK_THROWS_WITH(Store(root).create(opened_event()), Catch::Contains(fragment));
  };
  SECTION("a group-writable root") {
    fs::permissions(root, fs::perms::group_write, fs::perm_options::add);
    refused("can be written by its group (chmod 700 " + root.string() + ")");
  }
  for (const std::string name : {"incidents", "index"}) {
    DYNAMIC_SECTION("a world-writable " << name) {
      fs::permissions(root / name, fs::perms::others_write, fs::perm_options::add);
      refused((root / name).string() + " can be written by any user");
    }
    DYNAMIC_SECTION("a symlinked " << name) {
      fs::rename(root / name, home.path() / ("real-" + name));
      fs::create_directory_symlink(home.path() / ("real-" + name), root / name);
      refused((root / name).string() + " is a symbolic link");
    }
  }
  SECTION("a root owned by another user") {
    if (::geteuid() != 0) {
      SUCCEED("needs root to give the directory away");
      return;
    }
    REQUIRE(::chown(root.c_str(), 65534, 65534) == 0);
    refused("belongs to uid 65534, not to you");
  }
}

TEST_CASE("a held lock gives a busy error after the bounded wait") {
  ScratchDir home;
  Store store(home.path() / "state", system_io(), std::chrono::milliseconds(150));
  const Incident created = store.create(opened_event());
  FileLock held(home.path() / "state" / "lock", std::chrono::milliseconds(0));
  const auto started = std::chrono::steady_clock::now();
  try {
    store.append_events(created.id, add(event_type::noted, {{"text", "x"}}));
    FAIL("no busy error");
  } catch (const Error& e) {
    CHECK(e.exit_code() == ExitCode::busy);
    CHECK_THAT(e.what(), Catch::Contains("busy") && Catch::Contains(std::to_string(::getpid())));
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("an I/O failure at any step leaves the old file or the complete new one") {
  ScratchDir home;
  const auto root = home.path() / "state";
  Store setup(root);
  const Incident created = setup.create(opened_event());
  setup.append_events(created.id, add(event_type::noted, {{"text", "first"}}));
  const auto path = setup.incident_path(created.id);
  int faults = 0;
  for (int fail_at = 1;; ++fail_at) {
    INFO("failing operation " << fail_at);
    const std::string before = slurp(path);
    FaultyIo io(fail_at);
    Store store(root, io);
    bool threw = false;
    try {
      store.append_events(created.id, add(event_type::noted, {{"text", "n" + std::to_string(fail_at)}}));
    } catch (const Error& e) {
      threw = true;
      CHECK_THAT(e.what(), Catch::Contains("cannot") || Catch::Contains("busy"));
    }
    const std::string after = slurp(path);
    // Either untouched, or the complete new file that parses and holds the new note.
    if (after != before) {
      const Incident parsed = fold(created.id, parse_incident_file(after, path.string(), created.id));
      CHECK(parsed.events.back().get(field::text) == "n" + std::to_string(fail_at));
    } else {
      CHECK(threw);
    }
    CHECK(temp_files(root).empty());
    // The store stays usable with real I/O.
    CHECK_NOTHROW(Store(root).load(created.id));
    CHECK(Store(root).list(Scope::all).incidents.size() == 1);
    if (!io.fired) {
      CHECK_FALSE(threw);
      break;
    }
    ++faults;
  }
  CHECK(faults > 10);
}

TEST_CASE("an I/O failure while creating never leaves a half-made incident behind") {
  for (int fail_at = 1;; ++fail_at) {
    INFO("failing operation " << fail_at);
    ScratchDir home;
    const auto root = home.path() / "state";
    FaultyIo io(fail_at);
    Store store(root, io);
    std::string id;
    try {
      id = store.create(opened_event()).id;
    } catch (const Error&) {
    }
    if (std::filesystem::exists(root)) {
      CHECK(temp_files(root).empty());
    }
    const Listing listing = Store(root).list(Scope::all);
    CHECK(listing.warnings.empty());
    if (!id.empty()) {
      REQUIRE(listing.incidents.size() == 1);
      CHECK(listing.incidents[0].id == id);
    }
    if (!io.fired) {
      CHECK_FALSE(id.empty());
      break;
    }
  }
}

TEST_CASE("every fault point of resolve and close, with EIO and ENOSPC, leaves the old or the complete new file") {
  // resolve rewrites the open index; close also appends to the closed log: each of their
  // file operations fails in turn, with each errno, and the store must stay whole.
  for (const int error : {EIO, ENOSPC}) {
    for (const std::string_view step : {event_type::resolved, event_type::closed}) {
      INFO("errno " << error << ", " << step);
      ScratchDir home;
      const auto root = home.path() / "state";
      Store setup(root);
      const Incident created = setup.create(opened_event());
      if (step == event_type::closed) {
        setup.append_events(created.id, add(event_type::resolved, {{"root_cause", "x"}, {"fix", "y"}}));
      }
      const auto path = setup.incident_path(created.id);
      int faults = 0;
      for (int fail_at = 1;; ++fail_at) {
        INFO("failing operation " << fail_at);
        const std::string before = slurp(path);
        FaultyIo io(fail_at, error);
        Store store(root, io);
        std::string message;
        try {
          store.append_events(created.id, add(step, {{"root_cause", "x"}, {"fix", "y"}}));
        } catch (const Error& e) {
          message = e.what();
          CHECK(e.exit_code() == ExitCode::failure);
        }
        const std::string after = slurp(path);
        const Incident now = Store(root).load(created.id);
        if (after == before) {
          // Refused before the write: the reason names what failed.
          CHECK_THAT(message, Catch::StartsWith("cannot ") && Catch::Contains(std::strerror(error)));
        } else {
          CHECK(now.events.back().type == step);  // the complete new file
        }
        CHECK(temp_files(root).empty());
        // Whatever the index went through, readers see the incident as the file has it.
        const Listing all = Store(root).list(Scope::all);
        REQUIRE(all.incidents.size() == 1);
        CHECK(all.incidents[0].status == now.status);
        CHECK(Store(root).list(Scope::open).incidents.size() == (now.status == Status::closed ? 0U : 1U));
        if (!io.fired) {
          CHECK(message.empty());
          break;
        }
        // Put the file back as it was for the next fault point.
        if (after != before) {
          std::ofstream(path, std::ios::binary | std::ios::trunc) << before;
          std::filesystem::remove_all(root / "index");
        }
        ++faults;
      }
      CHECK(faults > 10);
    }
  }
}

namespace {

Event opened_at(const std::string& title, std::string_view at) {
  Event event = opened_event(title);
  event.at = *parse_rfc3339(at);
  return event;
}

Store::DecideEvents add_at(std::string_view type, std::string_view at, std::map<std::string, std::string> fields = {}) {
  return [type, at = std::string(at), fields](const Incident& current) {
    auto events = add(type, fields)(current);
    events[0].at = *parse_rfc3339(at);
    return events;
  };
}

const std::map<std::string, std::string> k_resolution = {{"root_cause", "x"}, {"fix", "y"}};

}  // namespace

TEST_CASE("incidents resolved more than a week ago settle: list counts them and writes leave them alone") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident active = store.create(opened_event("on fire"));
  const Incident old = store.create(opened_at("long ago", "2020-01-01T00:00:00Z"));
  store.append_events(old.id, add_at(event_type::resolved, "2020-01-01T01:00:00Z", k_resolution));
  const auto index = home.path() / "state" / "index";
  CHECK(slurp(index / "open.tsv").find(old.id) == std::string::npos);
  CHECK(slurp(index / "settled.tsv").find(old.id) != std::string::npos);

  auto check_listings = [&](std::size_t earlier) {
    const Listing current = store.list(Scope::current);
    REQUIRE(current.incidents.size() == 1);
    CHECK(current.incidents[0].id == active.id);
    CHECK(current.resolved_earlier == earlier);
    CHECK(store.list(Scope::open).incidents.size() == 1 + earlier);
    CHECK(store.list(Scope::all).incidents.size() == 2);
  };
  check_listings(1);
  // As of a time when it was recent, it is listed (read from settled.tsv).
  const Listing then = store.list(Scope::current, *parse_rfc3339("2020-01-02T00:00:00Z"));
  CHECK(then.incidents.size() == 2);
  CHECK(then.resolved_earlier == 0);

  SECTION("a note on it keeps it settled and counted once") {
    store.append_events(old.id, add_at(event_type::noted, "2020-01-02T00:00:00Z", {{"text", "late"}}));
    CHECK(slurp(index / "open.tsv").find(old.id) == std::string::npos);
    check_listings(1);
  }
  SECTION("closing it leaves nothing to count") {
    store.append_events(old.id, add_at(event_type::closed, "2020-01-02T00:00:00Z"));
    check_listings(0);
  }
  SECTION("reopening it lists it again") {
    store.append_events(old.id, add(event_type::reopened));
    CHECK(slurp(index / "open.tsv").find(old.id) != std::string::npos);
    const Listing current = store.list(Scope::current);
    CHECK(current.incidents.size() == 2);
    CHECK(current.resolved_earlier == 0);
  }
  SECTION("a rebuilt index says the same") {
    std::filesystem::remove_all(index);
    check_listings(1);
    store.append_events(active.id, add(event_type::noted, {{"text", "n"}}));
    check_listings(1);
  }
  SECTION("an incident resolved this week stays in open.tsv") {
    const Incident recent = store.create(opened_event("recent"));
    store.append_events(recent.id, add_at(event_type::resolved, format_rfc3339(now() - Seconds{3600}), k_resolution));
    CHECK(slurp(index / "open.tsv").find(recent.id) != std::string::npos);
    CHECK(store.list(Scope::current).incidents.size() == 2);
  }
}

TEST_CASE("a settled incident changed in place behind the index is listed as the file is now") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident closed = store.create(opened_event("before"));
  store.append_events(closed.id, add(event_type::resolved, k_resolution));
  store.append_events(closed.id, add(event_type::closed));
  const auto dir = home.path() / "state" / "incidents";
  const auto dir_mtime = std::filesystem::last_write_time(dir);
  // A hand edit in place: same inode, same directory mtime.
  auto events = store.load(closed.id).events;
  events[0].fields["title"] = std::string("after");
  {
    std::ofstream out(store.incident_path(closed.id), std::ios::in | std::ios::out | std::ios::trunc);
    out << serialize_incident(fold(closed.id, events));
  }
  std::filesystem::last_write_time(dir, dir_mtime);
  for (int pass = 0; pass < 2; ++pass) {  // the listing that finds it, then the rebuilt index
    const Listing all = store.list(Scope::all);
    REQUIRE(all.incidents.size() == 1);
    CHECK(all.incidents[0].title == "after");
    CHECK(all.warnings.empty());
  }
  SECTION("a settled file removed behind the index is not listed") {
    std::filesystem::remove(store.incident_path(closed.id));
    std::filesystem::last_write_time(dir, dir_mtime);
    CHECK(store.list(Scope::all).incidents.empty());
  }
}

TEST_CASE("the implicit id is refused while a file that may be the open incident cannot be read") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident good = store.create(opened_event("readable"));
  const Incident bad = store.create(opened_event("corrupt"));
  CHECK_THROWS_AS(store.resolve_id(""), UsageError);  // two open
  std::ofstream(store.incident_path(bad.id), std::ios::trunc) << "{\"schema\": 2, \"id\": ";
  try {
    (void)store.resolve_id("");
    FAIL("an implicit id was chosen");
  } catch (const Error& e) {
    CHECK(e.exit_code() == ExitCode::corrupt_state);
    CHECK_THAT(e.what(), Catch::Contains(store.incident_path(bad.id).string()) && Catch::Contains("give an ID"));
  }
  CHECK(store.resolve_id(good.id) == good.id);  // a given id still works
}

TEST_CASE("a close cut short at any file operation never loses the incident from the index") {
  ScratchDir home;
  const auto root = home.path() / "state";
  std::string id;
  {
    Store store(root);
    id = store.create(opened_event()).id;
    store.append_events(id, add(event_type::resolved, k_resolution));
    (void)store.list(Scope::all);
  }
  const std::string resolved_file = slurp(root / "incidents" / (id + ".json"));
  for (int fail_at = 1; fail_at < 60; ++fail_at) {
    CAPTURE(fail_at);
    FaultyIo io(fail_at, ENOSPC);
    try {
      Store(root, io).append_events(id, add(event_type::closed));
    } catch (const Error&) {
      // refused or cut short: either way the listing must still find it
    }
    const Store store(root);
    const Incident on_disk = store.load(id);
    const Listing all = store.list(Scope::all);
    REQUIRE(all.incidents.size() == 1);
    CHECK(all.incidents[0].status == on_disk.status);
    CHECK(store.list(Scope::open).incidents.size() == (on_disk.status == Status::closed ? 0U : 1U));
    // Back to resolved for the next round, behind the index (a new inode, as a sync).
    write_file_atomic(store.incident_path(id), resolved_file);
    if (!io.fired) {
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------
// merge: a copy of an incident from another machine (sync)

TEST_CASE("merge takes the union of two copies' events, and both stores end byte-identical") {
  ScratchDir home;
  Store here(home.path() / "here");
  Store there(home.path() / "there");
  const Incident created = here.create(opened_event());
  const std::string id = created.id;

  // A copy that is not there yet is created.
  const Store::Merged copied = there.merge(id, slurp(here.incident_path(id)), "origin:" + id);
  CHECK(copied.created);
  CHECK(copied.added.size() == 1);
  CHECK(slurp(there.incident_path(id)) == slurp(here.incident_path(id)));

  // Both write at once: the same seq on each side.
  here.append_events(id, add(event_type::noted, {{"text", "from here"}}));
  there.append_events(id, add(event_type::acknowledged));
  const std::string here_text = slurp(here.incident_path(id));
  const std::string there_text = slurp(there.incident_path(id));
  const Store::Merged into_here = here.merge(id, there_text, "there");
  const Store::Merged into_there = there.merge(id, here_text, "here");
  CHECK_FALSE(into_here.created);
  REQUIRE(into_here.added.size() == 1);
  CHECK(into_here.added[0].type == event_type::acknowledged);
  REQUIRE(into_there.added.size() == 1);
  CHECK(into_there.added[0].type == event_type::noted);
  CHECK(slurp(here.incident_path(id)) == slurp(there.incident_path(id)));
  CHECK(here.load(id).events.size() == 3);
  CHECK(here.load(id).commander == "alice");

  // Merging again brings nothing and writes nothing.
  const auto before = slurp(here.incident_path(id));
  CHECK(here.merge(id, slurp(there.incident_path(id)), "there").added.empty());
  CHECK(here.merge(id, there_text, "there").added.empty());  // an older copy: nothing new
  CHECK(slurp(here.incident_path(id)) == before);
  // A later write goes after everything merged (its seq counts both sides).
  const Incident later = here.append_events(id, add(event_type::noted, {{"text", "after"}}));
  CHECK(later.events.back().seq == 3);
  CHECK(later.events.back().fields.at("text") == FieldValue(std::string("after")));
  const Listing listed = here.list(Scope::all);
  REQUIRE(listed.incidents.size() == 1);
  CHECK(listed.incidents[0].commander == "alice");
}

TEST_CASE("merge refuses a copy whose event id names a different event, and an invalid copy, writing nothing") {
  ScratchDir home;
  Store store(home.path() / "state");
  const Incident created = store.create(opened_event());
  const std::string id = created.id;
  const std::string text = slurp(store.incident_path(id));
  std::string forged = text;
  const auto title = forged.find("Checkout API 500s");
  REQUIRE(title != std::string::npos);
  forged.replace(title, 8, "Checkin!");
  try {
    store.merge(id, forged, "origin/main:incidents/" + id + ".json");
    FAIL("merged a forged event");
  } catch (const DataError& e) {
    CHECK(e.exit_code() == ExitCode::corrupt_state);
    CHECK_THAT(e.what(), Catch::Contains("origin/main:incidents/" + id + ".json") &&
                             Catch::Contains("same id") && Catch::Contains(created.events[0].id));
  }
  CHECK_THROWS_AS(store.merge(id, "{\"schema\":2}", "remote"), DataError);
  CHECK_THROWS_AS(store.merge("../etc", text, "remote"), DataError);
  CHECK_THROWS_AS(store.merge("zzzz0000", text, "remote"), DataError);  // its "id" says otherwise
  CHECK(slurp(store.incident_path(id)) == text);
}

TEST_CASE("export and import: a store copied through ndjson is byte-identical, and a second import changes nothing") {
  ScratchDir home;
  Store here(home.path() / "here");
  const std::string first = here.create(opened_event("first")).id;
  here.append_events(first, add(event_type::acknowledged));
  const std::string second = here.create(opened_event("second")).id;
  here.append_events(second, add(event_type::closed));
  std::string ndjson;
  const Store::Exported exported = here.export_incidents(std::nullopt, [&](const std::string& line) { ndjson += line; });
  CHECK(exported.incidents == 2);
  CHECK(exported.unreadable.empty());
  CHECK(std::count(ndjson.begin(), ndjson.end(), '\n') == 2);

  Store there(home.path() / "there");
  const auto imported = there.import_incidents(ndjson, "stdin");
  REQUIRE(imported.size() == 2);
  CHECK(imported[0].created);
  CHECK(imported[1].created);
  for (const auto& id : {first, second}) {
    CHECK(slurp(there.incident_path(id)) == slurp(here.incident_path(id)));
  }
  const auto again = there.import_incidents(ndjson, "stdin");
  REQUIRE(again.size() == 2);
  CHECK_FALSE(again[0].created);
  CHECK(again[0].events_added == 0);
  CHECK(again[1].events_added == 0);
}

TEST_CASE("import checks every line before it writes any, and names the bad one") {
  ScratchDir home;
  Store here(home.path() / "here");
  const std::string id = here.create(opened_event()).id;
  std::string good;
  here.export_incidents(std::nullopt, [&](const std::string& line) { good += line; });
  Store there(home.path() / "there");
  for (const std::string& bad : {std::string("{not json}\n"), std::string("{\"schema\":2,\"id\":\"../x\",\"events\":[]}\n"),
                                 std::string("{\"schema\":9,\"id\":\"abc\",\"events\":[]}\n")}) {
    INFO(bad);
    try {
      there.import_incidents(good + "\n" + bad, "stdin");
      FAIL("imported a bad line");
    } catch (const DataError& e) {
      CHECK(e.exit_code() == ExitCode::corrupt_state);
      CHECK(e.pos().path == "stdin");
      CHECK(e.pos().line == 3);  // a blank line is counted, not read
    }
    CHECK_FALSE(std::filesystem::exists(there.incident_path(id)));
  }
  // Two lines that give one event id to two different events: refused, nothing written.
  std::string forged = good;
  forged.replace(forged.find("Checkout"), 8, "Checkin!");
  CHECK_THROWS_AS(there.import_incidents(good + forged, "stdin"), DataError);
  CHECK_FALSE(std::filesystem::exists(there.incident_path(id)));
}

// What hooks run for (hooks.hpp): the events this store wrote, as stored; none for a merge
// (those ran their hooks on the laptop that wrote them).
TEST_CASE("on_commit is told the events this store wrote, none for a merge") {
  ScratchDir home;
  Store store(home.path() / "state");
  std::vector<std::vector<Event>> told;
  store.on_commit([&](const Incident&, const std::vector<Event>& written) { told.push_back(written); });
  const Incident created = store.create(opened_event());
  const Incident acked = store.append_events(created.id, add(event_type::acknowledged));
  REQUIRE(told.size() == 2);
  REQUIRE(told[0].size() == 1);
  CHECK(told[0][0] == created.events.at(0));
  REQUIRE(told[1].size() == 1);
  CHECK(told[1][0] == acked.events.at(1));  // with its id and seq

  ScratchDir other_home;
  Store other(other_home.path() / "state");
  std::size_t other_told = 0;
  other.on_commit([&](const Incident&, const std::vector<Event>& written) {
    ++other_told;
    CHECK(written.empty());
  });
  const auto merged = other.merge(created.id, serialize_incident(acked), "teammate");
  CHECK(merged.created);
  CHECK(other_told == 1);
}
