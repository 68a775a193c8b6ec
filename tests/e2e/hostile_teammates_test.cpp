// "Hostile teammates and hostile files" (#10): what an attacker found with the installed
// binary, a runbook and write access to files, each pinned by a test that failed before
// its fix, through the real binary.
#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

// "Hostile teammates and hostile files" (#10), 1: a newline in the title or a name reached
// the paste-ready message unchanged (`ack --as $'mallory\n\n✅ RESOLVED: db down'` made
// `render initial` show a fake resolution).
TEST_CASE("no field can forge a line of a message") {
  Home home;
  const std::string breaks[] = {"\n", "\r", "\u2028", "\u2029", "\u0085", "\v"};
  for (const auto& line_break : breaks) {
    INFO("line break " << Catch::Detail::stringify(line_break));
    const std::string forged = "x" + line_break + "Severity: Low";
    const auto title = home.run({"open", forged, "-s", "P0"});
    CHECK(title.exit_code == 2);
    CHECK_THAT(title.err, Catch::Contains("TITLE must be one line"));
    CHECK(home.run({"open", "db down", "-s", "P0", "--commander", forged}).exit_code == 2);
    CHECK(home.run({"--as", "mallory" + line_break + "✅ RESOLVED: db down", "open", "db down", "-s", "P0"}).exit_code == 2);
    CHECK(home.run({"open", "db down", "-s", "P0"}, {{"INCIDENT_USER", "eve" + line_break + "Status: Resolved"}}).exit_code == 2);
  }
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1", "--json", "--impact",
                                              "half of checkouts fail\nSeverity: Low\u2028Status: Resolved"});
  CHECK(home.run({"handoff", id, "bob\u2029Severity: Low"}).exit_code == 2);
  CHECK(home.run({"update", id, "--findings", "f", "--next", "n", "--eta", "30m\nStatus: Resolved"}).exit_code == 2);

  auto lines_starting = [](const std::string& text, const std::string& prefix) {
    int count = 0;
    std::size_t at = 0;
    for (;;) {
      if (text.compare(at, prefix.size(), prefix) == 0) {
        ++count;
      }
      at = text.find('\n', at);
      if (at == std::string::npos) {
        return count;
      }
      ++at;
    }
  };
  const std::string message = ok(home, {"render", id, "initial"}).out;
  CHECK(lines_starting(message, "Severity:") == 1);
  CHECK(lines_starting(message, "Status:") == 1);
  CHECK_THAT(message, Catch::Contains("Impact: half of checkouts fail\n  Severity: Low\n  Status: Resolved\n"));

  // A file that arrives with a forged title (a teammate's laptop, a sync) is neutralised.
  const fs::path file = home.state() / "incidents" / (id + ".json");
  std::string text = slurp(file);
  const auto at = text.find("Checkout API 500s");
  REQUIRE(at != std::string::npos);
  text.replace(at, 17, "Checkout\\n\\n✅ RESOLVED: db down\\u2028Status: Resolved");
  write_text(file, text);
  const std::string forged = ok(home, {"render", id, "initial"}).out;
  CHECK(lines_starting(forged, "✅") == 0);
  CHECK(lines_starting(forged, "Status:") == 1);
  CHECK_THAT(forged, Catch::StartsWith("🚨 INCIDENT: Checkout ✅ RESOLVED: db down Status: Resolved\n"));
}

// 9: `open.tsv` as a symlink, FIFO, directory or 300 MB file failed every command, writes
// included. An unreadable index is stale: rebuilt, never blocking a write.
TEST_CASE("an index file that cannot be read is rebuilt, never a failure") {
  for (const std::string kind : {"symlink", "fifo", "directory", "huge"}) {
    for (const std::string name : {"open.tsv", "settled.tsv"}) {
      DYNAMIC_SECTION(kind << " at " << name) {
        Home home;
        const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1", "--json"});
        ok(home, {"list", "--all"});
        const fs::path file = home.state() / "index" / name;
        fs::remove(file);
        if (kind == "symlink") {
          fs::create_symlink("/etc/passwd", file);
        } else if (kind == "fifo") {
          REQUIRE(::mkfifo(file.c_str(), 0600) == 0);
        } else if (kind == "directory") {
          fs::create_directories(file / "inside");
        } else {
          write_text(file, "");
          fs::resize_file(file, std::uintmax_t{300} * 1024 * 1024);  // sparse
        }
        ok(home, {"note", id, "written past the broken index"});
        CHECK_THAT(ok(home, {"list"}).out, Catch::Contains(id));
        CHECK_THAT(ok(home, {"list", "--all"}).out, Catch::Contains(id));
        CHECK(ok(home, {"stats", "--json"}).exit_code == 0);
        if (kind != "directory") {
          CHECK(fs::is_regular_file(fs::symlink_status(file)));  // healed by the rebuild
          CHECK(fs::file_size(file) < 4096);
        }
      }
    }
  }
}

namespace {

// Bytes that must never reach a terminal raw: ESC, BEL, the 8-bit CSI, a bidi override,
// a zero-width space, a line separator.
bool has_raw_control(const std::string& text) {
  for (const std::string raw : {"\x1b", "\x07", "\u009b", "\u202e", "\u200b", "\u2028"}) {
    if (text.find(raw) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void check_clean(const Result& result) {
  INFO(describe(result));
  CHECK_FALSE(has_raw_control(result.out));
  CHECK_FALSE(has_raw_control(result.err));
}

}  // namespace

// 4 and 8: runbook text (a severity name, a checklist item), copied into incident files
// too, was printed raw: an OSC 52 clipboard write reached `status`; bidi overrides and
// zero-width characters passed to every output.
TEST_CASE("no byte from a runbook or an incident file drives a terminal") {
  Home home;
  std::string yaml = read_text(fs::path(INCIDENT_TEST_DATA) / "runbooks" / "sre.yaml");
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = yaml.find(from);
    REQUIRE(at != std::string::npos);
    yaml.replace(at, from.size(), to);
  };
  replace("name: Major", R"(name: "Major\e]52;c;aGk=\a\u202e")");
  replace("text: Page the payment provider's support line", R"(text: "Page\e[2J the\u200b provider\u2028x")");
  const fs::path runbook = home.path() / "hostile.yaml";
  write_text(runbook, yaml);
  const auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--runbook", runbook.string()});
    return args;
  };
  const std::string title = "db \u202edown\u200b \u009b31m";
  const auto opened = home.run(with({"--json", "open", title, "-s", "SEV1", "--at", k_t0}));
  REQUIRE(opened.exit_code == 0);
  check_clean(opened);
  const std::string id = parse_json(opened.out)["id"];
  // JSON escapes them, so a script reads exactly what was written.
  CHECK(parse_json(opened.out)["title"] == title);
  CHECK_THAT(opened.out, Catch::Contains("\\u202e"));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"severities"}, {"checklist", id}, {"status", id}, {"show", id}, {"list"}, {"render", id, "initial"},
           {"escalate", id}, {"--json", "show", id}, {"--json", "list"}, {"--json", "status", id}, {"report", id}}) {
    INFO(Catch::Detail::stringify(args));
    check_clean(home.run(with(args)));
  }
}

// 10: `open >/dev/full` exited 1 with no hint that the incident was created, so a hook
// that retries opened a duplicate; a failure to print guidance on stderr failed the command.
TEST_CASE("an output failure after a write says what was recorded") {
  Home home;
  Launch how = home.how({"-c", "exec \"$0\" open 'db down' -s P1 >/dev/full", binary()});
  how.program = "/bin/sh";
  const Result lost = launch(how);
  INFO(describe(lost));
  CHECK(lost.exit_code == 9);
  CHECK_THAT(lost.err, Catch::Contains("recorded ") && Catch::Contains("do not repeat the command"));
  const auto listed = parse_json(ok(home, {"--json", "list"}).out);
  REQUIRE(listed.size() == 1);
  CHECK_THAT(lost.err, Catch::Contains("incident show " + listed[0]["id"].get<std::string>()));

  how.args = {"-c", "exec \"$0\" open 'db down' -s P1 2>/dev/full", binary()};
  CHECK(launch(how).exit_code == 0);
  CHECK(parse_json(ok(home, {"--json", "list"}).out).size() == 2);

  // Nothing was recorded: a plain failure.
  how.args = {"-c", "exec \"$0\" severities >/dev/full", binary()};
  const Result nothing = launch(how);
  CHECK(nothing.exit_code == 1);
  CHECK_THAT(nothing.err, !Catch::Contains("recorded"));
}

// 11: a hard-linked `lock` had the file it links to truncated and overwritten with a pid.
TEST_CASE("a hard-linked lock file is refused, its target untouched") {
  Home home;
  const std::string id = open_incident(home, {"db down", "-s", "P1", "--json"});
  const fs::path precious = home.path() / "precious.txt";
  write_text(precious, "keep me\n");
  fs::remove(home.state() / "lock");
  fs::create_hard_link(precious, home.state() / "lock");
  const Result refused = home.run({"note", id, "x"});
  INFO(describe(refused));
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("hard link"));
  CHECK(read_text(precious) == "keep me\n");
  fs::remove(home.state() / "lock");
  ok(home, {"note", id, "x"});
}

// 14: with the only open incident unreadable, `list` said "No open incidents." and exited
// 0, and `prompt` went silent: a P0 vanished from everyone's prompt.
TEST_CASE("an unreadable incident file is never silence") {
  Home home;
  const std::string id = open_incident(home, {"db down", "-s", "P0", "--json"});
  write_text(home.file(id), "{\"schema\": 2, \"id\": \"");
  const Result list = home.run({"list"});
  INFO(describe(list));
  CHECK(list.exit_code == 5);
  CHECK_THAT(list.err, Catch::Contains(home.file(id).string()) && Catch::Contains("may be an open incident"));
  CHECK_THAT(list.err, !Catch::Contains("No open incidents."));
  CHECK(home.run({"--json", "list"}).exit_code == 5);
  const Result prompt = home.run({"prompt"});
  CHECK(prompt.exit_code == 5);
  CHECK(prompt.out == "1 unreadable (incident list)\n");
  const std::string other = open_incident(home, {"api slow", "-s", "P2", "--json"});
  const Result both = home.run({"prompt"});
  CHECK_THAT(both.out, Catch::Contains(other.substr(0, 4)) && Catch::Contains("+1 unreadable"));
}

// Low: an error message echoed a 131 KB argument whole.
TEST_CASE("an error quotes a huge argument cut short") {
  Home home;
  const Result result = home.run({"show", std::string(100 * 1024, 'a')});
  CHECK(result.exit_code != 0);
  CHECK(result.err.size() < 4096);
  CHECK_THAT(result.err, Catch::Contains("…"));
}

// 3: nine `skip` commands with 8 KiB reasons of control characters (six bytes each in
// JSON) exited 0 and left an incident too large to read. Caps are on the stored size, and
// a write whose result would be over the read limit is refused before it happens.
TEST_CASE("a write that would make an incident unreadable is refused before it happens") {
  Home home;
  const std::string id = open_incident(home, {"db down", "-s", "P1", "--json"});
  const Result controls = home.run({"skip", id, "1", "--reason", std::string(8 * 1024, '\x01')});
  INFO(describe(controls));
  CHECK(controls.exit_code == 2);
  CHECK_THAT(controls.err, Catch::Contains("--reason is too long (49152 bytes as stored"));
  ok(home, {"skip", id, "1", "--reason", std::string(1000, '\x01')});  // 6000 bytes stored

  // An incident file a little under the 16 MiB read limit (a teammate's long log paste).
  constexpr std::size_t k_limit = std::size_t{16} * 1024 * 1024;
  ok(home, {"note", id, "filler"});
  std::string text = read_text(home.file(id));
  const auto filler = text.find("\"filler\"");
  REQUIRE(filler != std::string::npos);
  text.replace(filler + 1, 6, std::string(k_limit - text.size() - 2000, 'x'));
  write_text(home.file(id), text);
  const std::string before = read_text(home.file(id));
  REQUIRE(before.size() < k_limit);
  REQUIRE(before.size() > k_limit - 4000);

  const Result refused = home.run({"note", id, std::string(4000, 'y')});
  INFO(describe(refused));
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("refusing to write " + home.file(id).string()) &&
                              Catch::Contains("nothing was recorded"));
  CHECK(read_text(home.file(id)) == before);
  // Still readable, listed, and it can still be resolved.
  CHECK_THAT(ok(home, {"list"}).out, Catch::Contains(id));
  ok(home, {"resolve", id, "--root-cause", "disk", "--fix", "grew it"});
  CHECK(parse_json(ok(home, {"show", id, "--json"}).out)["status"] == "resolved");
}

// Low: `.open.tsv.tmp-*` files that killed commands left in index/ were never removed.
TEST_CASE("a rebuild of the index removes the temp files killed writes left there") {
  Home home;
  const std::string id = open_incident(home, {"db down", "-s", "P1", "--json"});
  const fs::path stale = home.state() / "index" / ".open.tsv.tmp-0123456789";
  const fs::path stale_settled = home.state() / "index" / ".settled.tsv.tmp-abcdefghij";
  write_text(stale, "half an ind");
  write_text(stale_settled, "half");
  ok(home, {"list"});
  CHECK(fs::exists(stale));  // the index was current: no rebuild, nothing to tidy
  fs::remove(home.state() / "index" / "open.tsv");
  CHECK_THAT(ok(home, {"list"}).out, Catch::Contains(id));
  CHECK_FALSE(fs::exists(stale));
  CHECK_FALSE(fs::exists(stale_settled));
  CHECK(fs::exists(home.state() / "index" / "open.tsv"));
}

// Low: a blank $USER (cron, containers) failed every write with "--as is empty".
TEST_CASE("a blank $USER falls back to the account name") {
  Home home;
  const Result opened = home.run({"open", "db down", "-s", "P1", "--json"}, {{"USER", "  "}});
  INFO(describe(opened));
  REQUIRE(opened.exit_code == 0);
  const passwd* account = ::getpwuid(::getuid());
  REQUIRE(account != nullptr);
  const auto id = parse_json(opened.out)["id"].get<std::string>();
  CHECK(parse_json(read_text(home.file(id)))["events"][0]["by"] == account->pw_name);
}

// Low: a directory or FIFO named <id>.json in incidents/ failed index writes (exit 1)
// while a symbolic link was skipped with exit 5: all are named, skipped and remembered.
TEST_CASE("whatever stands at an incident's name, it is skipped alike and never blocks a write") {
  Home home;
  const std::string id = open_incident(home, {"db down", "-s", "P1", "--json"});
  const fs::path dir = home.state() / "incidents";
  fs::create_directory(dir / "aaaabbbb.json");
  REQUIRE(::mkfifo((dir / "ccccdddd.json").c_str(), 0600) == 0);
  fs::create_symlink("/etc/passwd", dir / "eeeeffff.json");
  fs::remove_all(home.state() / "index");
  for (int i = 0; i < 2; ++i) {
    INFO("list number " << i + 1);
    const Result list = home.run({"list"});
    INFO(describe(list));
    CHECK(list.exit_code == 5);
    CHECK_THAT(list.out, Catch::Contains(id));
    CHECK_THAT(list.err, Catch::Contains((dir / "aaaabbbb.json").string() + ": it is a directory, not a regular file"));
    CHECK_THAT(list.err, Catch::Contains((dir / "ccccdddd.json").string() + ": it is a FIFO, not a regular file"));
    CHECK_THAT(list.err, Catch::Contains((dir / "eeeeffff.json").string() + ": it is a symbolic link"));
    CHECK_THAT(list.err, Catch::Contains("3 incident files cannot be read"));
    // The first list wrote the index, remembering all three.
    CHECK(fs::exists(home.state() / "index" / "open.tsv"));
  }
  ok(home, {"note", id, "writes go on"});
  const Result shown = home.run({"show", "ccccdddd"});
  CHECK(shown.exit_code == 5);
}

// Low: a runbook with "Сritical" (a Cyrillic С) beside "Critical" was valid.
TEST_CASE("a severity name that mixes scripts is an invalid runbook") {
  Home home;
  std::string yaml = read_text(fs::path(INCIDENT_SOURCE_DIR) / "runbooks/default.yaml");
  const auto at = yaml.find("name: High");
  REQUIRE(at != std::string::npos);
  yaml.replace(at, 10, "name: \xD0\xA1ritical");
  const fs::path file = home.path() / "look-alike.yaml";
  write_text(file, yaml);
  const Result result = home.run({"runbook", "validate", file.string()});
  INFO(describe(result));
  CHECK(result.exit_code == 3);
  const auto line = std::count(yaml.begin(), yaml.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: " + file.string() + ":" + std::to_string(line) + ":") &&
                             Catch::Contains("mixes Latin letters with Cyrillic or Greek ones"));
}

// 11, 12, 13: symlinked index/ and incidents/ were followed (files deleted and written
// outside), permissions were checked only at the top, and two state dirs sharing
// incidents/ through a link had separate locks (62 of 185 notes lost).
TEST_CASE("a state dir that others can write to or that leads elsewhere is refused, untouched") {
  Home home;
  const std::string id = open_incident(home, {"db down", "-s", "P1", "--json"});
  const fs::path root = home.state();
  auto refused = [&](const std::string& fragment) {
    for (const auto& args : {std::vector<std::string>{"list"}, std::vector<std::string>{"note", id, "x"},
                             std::vector<std::string>{"open", "another", "-s", "P2"}}) {
      const Result result = home.run(args);
      INFO(Catch::Detail::stringify(args) << "\n" << describe(result));
      CHECK(result.exit_code == 1);
      CHECK(result.out.empty());
      CHECK_THAT(result.err, Catch::StartsWith("incident: error: ") && Catch::Contains(fragment));
    }
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
      const fs::path real = home.path() / ("real-" + name);
      fs::rename(root / name, real);
      fs::create_directory_symlink(real, root / name);
      std::vector<std::string> before;
      for (const auto& entry : fs::directory_iterator(real)) {
        before.push_back(entry.path().filename().string() + ":" + read_text(entry.path()));
      }
      refused((root / name).string() + " is a symbolic link");
      std::vector<std::string> after;
      for (const auto& entry : fs::directory_iterator(real)) {
        after.push_back(entry.path().filename().string() + ":" + read_text(entry.path()));
      }
      std::sort(before.begin(), before.end());
      std::sort(after.begin(), after.end());
      CHECK(after == before);
    }
  }
  SECTION("two state dirs sharing incidents/ through a link: refused, so no lock can miss a writer") {
    const fs::path second = home.path() / "second";
    fs::create_directory(second);
    fs::permissions(second, fs::perms::owner_all, fs::perm_options::replace);
    fs::create_directory_symlink(root / "incidents", second / "incidents");
    const Result shared = home.run({"--state-dir", second.string(), "note", id, "from the second dir"});
    INFO(describe(shared));
    CHECK(shared.exit_code == 1);
    CHECK_THAT(shared.err, Catch::Contains((second / "incidents").string() + " is a symbolic link"));
    CHECK_THAT(read_text(home.file(id)), !Catch::Contains("from the second dir"));
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
