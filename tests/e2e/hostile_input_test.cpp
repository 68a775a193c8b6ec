// Hostile runbooks through the real binary. Whatever the file holds, `incident` must answer
// with a documented exit code (3, invalid runbook, for bad content), nothing on stdout and
// exactly one line on stderr ("incident: error: ..."), quickly. Never a crash: an exit code
// of 128 or more means a signal, and a sanitizer report (exit 1, many lines on stderr) fails
// the one-line check.
//
// Small fixtures live in tests/data/hostile/; big ones are generated here into a TempDir.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "support/process.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

namespace {

constexpr std::chrono::seconds k_time_limit{60};
constexpr std::size_t k_max_runbook_bytes = 1024 * 1024;  // docs/runbook.md: at most 1 MiB

Result run_cli(const std::vector<std::string>& args, const fs::path& home) {
  Launch how;
  how.args = args;
  how.home = home;
  how.timeout = k_time_limit;
  return launch(how);
}

std::string describe(const Result& result) {
  std::string err = result.err.size() > 2000 ? result.err.substr(0, 2000) + "...(truncated)" : result.err;
  return "exit " + std::to_string(result.exit_code) + (result.timed_out ? " (timed out)" : "") + ", stdout " +
         std::to_string(result.out.size()) + " bytes\n--- stderr\n" + err;
}

std::string minimal_runbook() { return read_text(fs::path(INCIDENT_SOURCE_DIR) / "runbooks/examples/minimal.yaml"); }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

std::string repeated(const std::string& unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) {
    out += unit;
  }
  return out;
}

// What a rejected file must produce: `expected_prefix` is what stderr starts with after
// "incident: error: " (typically "PATH:LINE:" or "PATH: "), `fragment` is part of the message.
struct Rejection {
  int exit_code = 3;
  std::string expected_prefix;
  std::string fragment;
};

void check_one_line_error(const Result& result, const Rejection& expected) {
  INFO(describe(result));
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code < 128);  // 128 + N: killed by signal N (a crash)
  CHECK(result.exit_code == expected.exit_code);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::StartsWith("incident: error: " + expected.expected_prefix));
  CHECK_THAT(result.err, Catch::Contains(expected.fragment));
  CHECK(result.err.find('\n') == result.err.size() - 1);
}

// The file is rejected the same way by `runbook validate FILE` and when it is the runbook
// in use (--runbook FILE severities).
void check_rejected(const fs::path& file, const Rejection& expected) {
  TempDir home;
  const auto validated = run_cli({"runbook", "validate", file.string()}, home.path());
  {
    INFO("incident runbook validate " << file.string());
    check_one_line_error(validated, expected);
  }
  const auto used = run_cli({"--runbook", file.string(), "severities"}, home.path());
  {
    INFO("incident --runbook " << file.string() << " severities");
    check_one_line_error(used, expected);
    CHECK(used.err == validated.err);
  }
}

// A valid runbook: validate prints nothing and exits 0.
void check_accepted(const fs::path& file) {
  TempDir home;
  const auto result = run_cli({"runbook", "validate", file.string()}, home.path());
  INFO(describe(result));
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

}  // namespace

TEST_CASE("hostile fixture files are rejected with one line and exit 3") {
  struct Fixture {
    std::string file;
    std::string position;  // ":LINE:" or ": " (the whole file)
    std::string fragment;
  };
  const std::vector<Fixture> fixtures = {
      {"alias-cycle.yaml", ":1:", "anchors (&name) are not allowed"},
      {"billion-laughs.yaml", ":2:", "anchors (&name) are not allowed"},
      {"alias-in-runbook.yaml", ":4:", "anchors (&name) are not allowed"},
      {"merge-key.yaml", ":3:", "anchors (&name) are not allowed"},
      {"tag.yaml", ":2:", "tags (!!str) are not allowed"},
      {"custom-tag.yaml", ":2:", "tags (!custom) are not allowed"},
      {"invalid-utf8.yaml", ":2:8:", "invalid UTF-8 (byte 0xff)"},
      {"overlong-utf8.yaml", ":2:17:", "invalid UTF-8"},
      {"surrogate-utf8.yaml", ":2:18:", "invalid UTF-8"},
      {"truncated-utf8.yaml", ":2:18:", "invalid UTF-8"},
      {"nul-byte.yaml", ":2:9:", "NUL byte"},
      {"empty.yaml", ": ", "empty"},
      {"only-document-marker.yaml", ": ", "empty"},
      {"only-markers.yaml", ": ", "empty"},
      {"only-comment.yaml", ": ", "empty"},
      {"two-documents.yaml", "", "more than one YAML document"},
      {"control-characters-in-key.yaml", ":2:", "unknown key 'title\\n\\e[2J\\e]0;pwned\\x07'"},
      {"huge-schema.yaml", ":1:", "schema must be a whole number"},
      {"tab-indent.yaml", ":2:", ""},
      {"unclosed-flow.yaml", "", ""},
      {"unclosed-map.yaml", "", ""},
      {"unterminated-quote.yaml", ":2:", ""},
      {"complex-key.yaml", ":1:", ""},
      {"top-level-list.yaml", ":1:1:", "must be a mapping"},
      {"top-level-scalar.yaml", ":1:1:", "must be a mapping"},
  };
  for (const auto& fixture : fixtures) {
    DYNAMIC_SECTION(fixture.file) {
      const fs::path file = data_path("hostile/" + fixture.file);
      REQUIRE(fs::exists(file));
      check_rejected(file, {3, file.string() + fixture.position, fixture.fragment});
    }
  }
}

TEST_CASE("deeply nested flow collections are refused without a stack overflow") {
  TempDir dir;
  const std::map<std::string, std::string> inputs = {
      {"100k open brackets", std::string(100000, '[')},
      {"100k closed brackets", std::string(100000, '[') + std::string(100000, ']') + "\n"},
      {"100k open braces", repeated("{a: ", 100000)},
      {"100k nested block sequences", repeated("- ", 100000) + "x\n"},
  };
  for (const auto& [name, text] : inputs) {
    DYNAMIC_SECTION(name) {
      const fs::path file = dir.path() / "nested.yaml";
      write_text(file, text);
      check_rejected(file, {3, file.string() + ":1:", "nesting is deeper than 32 levels"});
    }
  }
}

TEST_CASE("deeply nested block mappings are refused") {
  TempDir dir;
  std::string text;
  for (std::size_t level = 0; level < 300; ++level) {
    text += std::string(2 * level, ' ') + "k" + std::to_string(level) + ":\n";
  }
  text += std::string(600, ' ') + "bottom\n";
  const fs::path file = dir.path() / "deep-maps.yaml";
  write_text(file, text);
  // The 33rd mapping opens on line 33.
  check_rejected(file, {3, file.string() + ":33:", "nesting is deeper than 32 levels"});
}

TEST_CASE("a file over 1 MiB is refused before it is parsed") {
  TempDir dir;
  SECTION("2 MiB of comments") {
    const fs::path file = dir.path() / "big.yaml";
    write_text(file, "schema: 1\n" + repeated("# " + std::string(1021, 'x') + "\n", 2048));
    REQUIRE(fs::file_size(file) > 2 * k_max_runbook_bytes);
    check_rejected(file, {3, file.string() + ": ", "larger than 1048576 bytes"});
  }
  SECTION("a 1 MiB single-line scalar") {
    const fs::path file = dir.path() / "long-line.yaml";
    write_text(file, "title: " + std::string(k_max_runbook_bytes, 'x') + "\n");
    check_rejected(file, {3, file.string() + ": ", "larger than 1048576 bytes"});
  }
  SECTION("one byte over the limit") {
    const fs::path file = dir.path() / "limit-plus-one.yaml";
    std::string text = minimal_runbook();
    text += "# " + std::string(k_max_runbook_bytes + 1 - text.size() - 3, 'x') + "\n";
    REQUIRE(text.size() == k_max_runbook_bytes + 1);
    write_text(file, text);
    check_rejected(file, {3, file.string() + ": ", "larger than 1048576 bytes"});
  }
}

TEST_CASE("a valid runbook of exactly 1 MiB is accepted") {
  TempDir dir;
  const fs::path file = dir.path() / "limit.yaml";
  std::string text = minimal_runbook();
  text += "# " + std::string(k_max_runbook_bytes - text.size() - 3, 'x') + "\n";
  REQUIRE(text.size() == k_max_runbook_bytes);
  write_text(file, text);
  check_accepted(file);
}

TEST_CASE("a valid runbook with a scalar of almost 1 MiB is accepted and shown whole") {
  TempDir dir;
  const fs::path file = dir.path() / "big-overview.yaml";
  const std::string from = "overview: What the payments on-call engineer does when card payments misbehave.";
  const std::string base = minimal_runbook();
  const std::size_t length = k_max_runbook_bytes - (base.size() - from.size()) - 100;
  const std::string overview(length, 'o');
  write_text(file, replaced(base, from, "overview: " + overview));
  check_accepted(file);
  TempDir home;
  const auto shown = run_cli({"--runbook", file.string(), "runbook", "show", "overview"}, home.path());
  INFO(describe(shown));
  CHECK(shown.exit_code == 0);
  CHECK(shown.err.empty());
  CHECK(shown.out == overview + "\n");
}

TEST_CASE("a valid runbook with 50000 notes is accepted and shown whole") {
  TempDir dir;
  const fs::path file = dir.path() / "many-notes.yaml";
  std::string notes;
  for (std::size_t i = 0; i < 50000; ++i) {
    notes += "  - note " + std::to_string(i) + "\n";
  }
  write_text(file, replaced(minimal_runbook(), "  - Never retry a card payment by hand\n", notes));
  check_accepted(file);
  TempDir home;
  const auto shown = run_cli({"--runbook", file.string(), "runbook", "show", "notes"}, home.path());
  INFO(describe(shown));
  CHECK(shown.exit_code == 0);
  CHECK(std::count(shown.out.begin(), shown.out.end(), '\n') == 50000);
  CHECK_THAT(shown.out, Catch::StartsWith("- note 0\n") && Catch::EndsWith("- note 49999\n"));
}

TEST_CASE("binary garbage from a fixed seed is rejected") {
  TempDir dir;
  for (const std::uint32_t seed : {1U, 42U, 20240601U}) {
    DYNAMIC_SECTION("seed " << seed) {
      std::mt19937 random(seed);
      std::string bytes(64 * 1024, '\0');
      for (auto& byte : bytes) {
        byte = static_cast<char>(random() & 0xFFU);
      }
      const fs::path file = dir.path() / "garbage.bin";
      write_text(file, bytes);
      check_rejected(file, {3, file.string() + ":", ""});
    }
  }
}

TEST_CASE("random YAML punctuation from fixed seeds is rejected") {
  // Valid UTF-8, so it reaches the YAML parser: flow indicators, anchors, tags, quotes,
  // block scalars, comments and indentation in random order.
  const std::string alphabet = "[]{}:-,&*!|>'\"#%@` \n\n\n\t?\\abcP0é";
  TempDir dir;
  for (std::uint32_t seed = 0; seed < 50; ++seed) {
    std::mt19937 random(seed);
    const std::size_t length = 1 + random() % 2000;
    std::string text;
    while (text.size() < length) {
      const std::size_t pick = random() % alphabet.size();
      if ((static_cast<unsigned char>(alphabet[pick]) & 0xC0U) == 0x80U) {
        continue;  // never split the UTF-8 sequence of 'é'
      }
      text += alphabet[pick];
      if (static_cast<unsigned char>(alphabet[pick]) >= 0xC0U) {
        text += alphabet[pick + 1];
      }
    }
    const fs::path file = dir.path() / ("random-" + std::to_string(seed) + ".yaml");
    write_text(file, text);
    TempDir home;
    const auto result = run_cli({"runbook", "validate", file.string()}, home.path());
    INFO("seed " << seed << ": " << describe(result));
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("incident: error: " + file.string()));
    CHECK(result.err.find('\n') == result.err.size() - 1);
  }
}

TEST_CASE("a key repeated 10000 times is reported once") {
  TempDir dir;
  SECTION("a known key") {
    const fs::path file = dir.path() / "repeated-title.yaml";
    write_text(file, "schema: 1\n" + repeated("title: again\n", 10000));
    check_rejected(file, {3, file.string() + ":3:1: ", "duplicate key 'title'"});
  }
  SECTION("an unknown key") {
    const fs::path file = dir.path() / "repeated-unknown.yaml";
    write_text(file, repeated("key: again\n", 10000));
    check_rejected(file, {3, file.string() + ":1:1: ", "unknown key 'key'"});
  }
  SECTION("a list item key") {
    const fs::path file = dir.path() / "repeated-item-key.yaml";
    write_text(file, replaced(minimal_runbook(), "    name: Major\n", repeated("    name: Major\n", 10000)));
    check_rejected(file, {3, file.string() + ":", "duplicate key 'name'"});
  }
}

TEST_CASE("50000 distinct unknown keys are reported at the first") {
  TempDir dir;
  std::string text;
  for (std::size_t i = 0; i < 50000; ++i) {
    text += "key" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  }
  const fs::path file = dir.path() / "wide.yaml";
  write_text(file, text);
  check_rejected(file, {3, file.string() + ":1:1: ", "unknown key 'key0'"});
}

TEST_CASE("a very long unknown key is reported on one line") {
  TempDir dir;
  SECTION("1000 characters: an unknown key") {
    const fs::path file = dir.path() / "long-key.yaml";
    write_text(file, "schema: 1\n" + std::string(1000, 'k') + ": x\n");
    check_rejected(file, {3, file.string() + ":2:1: ", "unknown key 'kkkk"});
  }
  SECTION("500 KB: longer than YAML allows an implicit key") {
    const fs::path file = dir.path() / "huge-key.yaml";
    write_text(file, "schema: 1\n" + std::string(500 * 1024, 'k') + ": x\n");
    check_rejected(file, {3, file.string() + ":2:", ""});
  }
}

TEST_CASE("an error far down a big file has the right line number") {
  TempDir dir;
  const std::string base = minimal_runbook();
  const std::string padding = repeated("# padding\n", 60000);
  const auto base_lines = static_cast<std::size_t>(std::count(base.begin(), base.end(), '\n'));
  const fs::path file = dir.path() / "late-error.yaml";
  write_text(file, base + padding + "mistake: here\n");
  check_rejected(file, {3, file.string() + ":" + std::to_string(base_lines + 60000 + 1) + ":1: ",
                        "unknown key 'mistake'"});
}

TEST_CASE("a hostile file name is shown on one line") {
  TempDir dir;
  const fs::path file = dir.path() / "evil\nname\x1b[31m.yaml";
  write_text(file, "schema: 1\ntitle: Broken\n");
  TempDir home;
  const auto result = run_cli({"runbook", "validate", file.string()}, home.path());
  INFO(describe(result));
  CHECK(result.exit_code == 3);
  CHECK(result.out.empty());
  CHECK(result.err.find('\n') == result.err.size() - 1);
  CHECK(result.err.find('\x1b') == std::string::npos);
  CHECK_THAT(result.err, Catch::Contains("evil\\nname\\e[31m.yaml"));

  const fs::path missing = dir.path() / "no\nsuch\x1b[2J.yaml";
  const auto not_there = run_cli({"runbook", "validate", missing.string()}, home.path());
  INFO(describe(not_there));
  CHECK(not_there.exit_code != 0);
  CHECK(not_there.exit_code < 128);
  CHECK(not_there.err.find('\n') == not_there.err.size() - 1);
  CHECK(not_there.err.find('\x1b') == std::string::npos);
}

TEST_CASE("a hostile scenario name or section is shown on one line") {
  TempDir home;
  for (const auto& args : {std::vector<std::string>{"scenario", "data\nbase\x1b[2J"},
                           std::vector<std::string>{"runbook", "show", "sever\nities\x1b]0;x\x07"},
                           std::vector<std::string>{"scenario", std::string(100000, 'x')},
                           std::vector<std::string>{"scenario", "\xff\xfe"}}) {
    const auto result = run_cli(args, home.path());
    INFO(describe(result));
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code < 128);
    CHECK(result.exit_code != 0);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("incident: error: "));
    // The error is one line; a usage error (exit 2) adds the line naming the help to read.
    std::string error = result.err;
    if (const std::string hint = "\nRun 'incident " + args[0] + " "; result.exit_code == 2) {
      const auto at = error.find(hint);
      REQUIRE(at != std::string::npos);
      CHECK_THAT(error.substr(at + 1), Catch::EndsWith(" --help' for usage.\n"));
      error.resize(at + 1);
    }
    CHECK(error.find('\n') == error.size() - 1);
    CHECK(result.err.find('\x1b') == std::string::npos);
    CHECK(result.err.find('\x07') == std::string::npos);
  }
}

TEST_CASE("a hostile template file is an invalid runbook reported at its file key") {
  // docs/runbook.md: `file:` is "a path relative to the runbook's directory"; whatever it
  // names, validate answers PATH:LINE:COL of the runbook (exit 3), without hanging on a FIFO
  // or reading a device.
  TempDir dir;
  const fs::path fifo = dir.path() / "fifo.txt";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  fs::create_directories(dir.path() / "a-directory");
  write_text(dir.path() / "binary.txt", std::string(100 * 1024, '\xff'));
  write_text(dir.path() / "bad-placeholder.txt", "{{title}} {{nope}}\n");

  const std::string base = minimal_runbook();
  const auto start = base.find("  initial:\n");
  const auto end = base.find("\nescalation:\n");
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  const auto file_line = std::count(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(start), '\n') + 2;

  const std::vector<std::pair<std::string, std::string>> targets = {
      {"missing.txt", "missing"},
      {"/dev/zero", "device"},
      {"a-directory", "directory"},
      {"fifo.txt", "FIFO"},
  };
  for (const auto& [target, name] : targets) {
    DYNAMIC_SECTION(name) {
      const fs::path file = dir.path() / "runbook.yaml";
      write_text(file, base.substr(0, start) + "  initial:\n    file: " + target + "\n" + base.substr(end));
      check_rejected(file, {3, file.string() + ":" + std::to_string(file_line) + ":", ""});
    }
  }
  // "Hostile teammates and hostile files" (#10), 2: `file: /etc/shadow` printed the shadow
  // file as the Initial Status Update. A template file is a real file inside the
  // runbook's directory: not absolute, not climbing with "..", no symbolic link on the way.
  fs::create_directories(dir.path() / "inner");
  write_text(dir.path() / "inner" / "fine.txt", "{{title}}\n");
  fs::create_symlink("/etc/passwd", dir.path() / "passwd.txt");
  fs::create_symlink("/etc", dir.path() / "etc-link");
  struct Outside {
    std::string label, target, fragment;
  };
  for (const auto& [label, target, fragment] : std::vector<Outside>{
           {"absolute", "/etc/passwd", "is absolute"},
           {"out and back in", "../" + dir.path().filename().string() + "/inner/fine.txt",
            "climbs out of the runbook's directory"},
           {"climbing", "inner/../../passwd", "climbs out of the runbook's directory"},
           {"a link", "passwd.txt", "is a symbolic link"},
           {"through a linked directory", "etc-link/passwd", "is a symbolic link"}}) {
    DYNAMIC_SECTION("outside: " << label) {
      const fs::path file = dir.path() / "runbook.yaml";
      write_text(file, base.substr(0, start) + "  initial:\n    file: " + target + "\n" + base.substr(end));
      check_rejected(file, {3, file.string() + ":" + std::to_string(file_line) + ":", fragment});
    }
  }
  DYNAMIC_SECTION("inside, in a subdirectory") {
    const fs::path file = dir.path() / "runbook.yaml";
    write_text(file, base.substr(0, start) + "  initial:\n    file: ./inner/fine.txt\n" + base.substr(end));
    TempDir home;
    CHECK(run_cli({"runbook", "validate", file.string()}, home.path()).exit_code == 0);
  }
  // Bad content in the template file is reported in that file (its own PATH:LINE:COL).
  for (const auto& [target, fragment] : std::vector<std::pair<std::string, std::string>>{
           {"binary.txt", "larger than 65536 bytes"}, {"bad-placeholder.txt", "unknown placeholder '{{nope}}'"}}) {
    DYNAMIC_SECTION(target) {
      const fs::path file = dir.path() / "runbook.yaml";
      write_text(file, base.substr(0, start) + "  initial:\n    file: " + target + "\n" + base.substr(end));
      check_rejected(file, {3, (dir.path() / target).string(), fragment});
    }
  }
}
