// "Hostile teammates and hostile files" (#10): what an attacker found with the installed
// binary, a runbook and write access to files, each pinned by a test that failed before
// its fix, through the real binary.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <string>

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
