#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include "incident/error.hpp"
#include "incident/render_runbook.hpp"
#include "incident/runbook_cache.hpp"
#include "incident/runbook_loader.hpp"
#include "support/faulty_io.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::FaultyIo;
using incident::test::ScratchDir;
using incident::test::slurp;

namespace {

namespace fs = std::filesystem;

const fs::path k_source_dir = INCIDENT_SOURCE_DIR;

void write(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(out.good());
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

// A runbook of its own (the bundled one, copied) with a `file:` template beside it and a
// copy of the bundled templates, so that tests can edit every file a runbook is built from.
struct Fixture {
  ScratchDir dir;
  fs::path runbook = dir.path() / "runbook.yaml";
  fs::path templates = dir.path() / "templates";
  fs::path cache = dir.path() / "cache" / "incident";
  fs::path file_template = dir.path() / "closing.txt";

  Fixture() {
    fs::create_directories(templates);
    for (const char* key : {"initial", "investigation", "resolution"}) {
      fs::copy_file(k_source_dir / "templates" / (std::string(key) + ".txt"), templates / (std::string(key) + ".txt"));
    }
    write(file_template, "Resolved: {{title}} ({{severity}})\n");
    std::string yaml = slurp(k_source_dir / "runbooks" / "default.yaml");
    const std::string bundled = "  resolution:\n    name: Resolution Update\n";
    REQUIRE(yaml.find(bundled) != std::string::npos);
    yaml.replace(yaml.find(bundled), bundled.size(), "  resolution:\n    file: closing.txt\n");
    write(runbook, yaml);
  }
  [[nodiscard]] CachedRunbook load(Io& io = system_io()) const {
    return load_runbook_cached(runbook, templates, cache, io);
  }
  [[nodiscard]] fs::path entry() const {
    return cache / runbook_cache_file_name(runbook_cache_key(runbook, templates));
  }
};

// The whole runbook as JSON: what every view of it shows.
std::string everything(const Runbook& runbook) {
  return runbook_json(runbook).dump() + runbook.source + runbook.digest;
}

// `bytes` with its last 8 bytes (the checksum) recomputed, as a forger would.
std::string with_checksum(std::string bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i + 8 < bytes.size(); ++i) {
    hash ^= static_cast<unsigned char>(bytes[i]);
    hash *= 0x100000001b3ULL;
  }
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[bytes.size() - 8 + i] = static_cast<char>((hash >> (8 * i)) & 0xff);
  }
  return bytes;
}

}  // namespace

TEST_CASE("runbook cache a snapshot decodes to the runbook it was made from") {
  Fixture fx;
  const Runbook parsed = load_runbook(fx.runbook, fx.templates);
  const RunbookCacheKey key = runbook_cache_key(fx.runbook, fx.templates);
  const std::string bytes = encode_runbook_cache(parsed, key);
  std::string problem;
  const auto decoded = decode_runbook_cache(bytes, key, &problem);
  INFO(problem);
  REQUIRE(decoded);
  CHECK(everything(*decoded) == everything(parsed));
  CHECK(encode_runbook_cache(*decoded, key) == bytes);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(decoded->templates[i].text == parsed.templates[i].text);
    CHECK(decoded->templates[i].source == parsed.templates[i].source);
    CHECK(decoded->templates[i].from_file == parsed.templates[i].from_file);
    CHECK(decoded->templates[i].first_line == parsed.templates[i].first_line);
  }
  CHECK(decoded->templates[2].from_file);
  CHECK(decoded->templates[2].source == fx.file_template.string());
}

TEST_CASE("runbook cache the digest is the same from the YAML and from the cache") {
  Fixture fx;
  const Runbook parsed = load_runbook(fx.runbook, fx.templates);
  const CachedRunbook first = fx.load();
  CHECK(first.outcome == RunbookCacheOutcome::missing);
  const CachedRunbook second = fx.load();
  INFO(second.detail);
  REQUIRE(second.outcome == RunbookCacheOutcome::hit);
  CHECK(first.runbook.digest == parsed.digest);
  CHECK(second.runbook.digest == parsed.digest);
  CHECK(second.runbook.source == parsed.source);
  CHECK(everything(second.runbook) == everything(parsed));
}

TEST_CASE("runbook cache the directory is 0700 and the entry 0600") {
  Fixture fx;
  (void)fx.load();
  CHECK(mode_of(fx.cache) == 0700);
  CHECK(mode_of(fx.entry()) == 0600);
  CHECK(fs::file_size(fx.entry()) < k_max_runbook_cache_bytes);
}

TEST_CASE("runbook cache a damaged snapshot is refused, whatever the damage") {
  Fixture fx;
  const RunbookCacheKey key = runbook_cache_key(fx.runbook, fx.templates);
  const std::string bytes = encode_runbook_cache(load_runbook(fx.runbook, fx.templates), key);
  std::string problem;

  SECTION("every truncation") {
    for (std::size_t size = 0; size < bytes.size(); size += (size < 64 || size + 64 > bytes.size()) ? 1U : 13U) {
      INFO("size " << size);
      CHECK_FALSE(decode_runbook_cache(std::string_view(bytes).substr(0, size), key));
    }
  }
  SECTION("a flipped bit anywhere") {
    for (std::size_t at = 0; at < bytes.size(); at += 11) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
      INFO("byte " << at);
      CHECK_FALSE(decode_runbook_cache(damaged, key));
    }
  }
  SECTION("bytes after the end") {
    CHECK_FALSE(decode_runbook_cache(bytes + "x", key));
  }
  SECTION("random bytes, with and without a valid header") {
    std::mt19937 random(20261127);
    for (int i = 0; i < 200; ++i) {
      std::string noise(static_cast<std::size_t>(random() % 400), '\0');
      for (auto& c : noise) {
        c = static_cast<char>(random());
      }
      CHECK_FALSE(decode_runbook_cache(noise, key));
      CHECK_FALSE(decode_runbook_cache(with_checksum(bytes.substr(0, 12) + noise + "12345678"), key));
    }
  }
  SECTION("another format version, even with a valid checksum") {
    std::string other = bytes;
    other[8] = static_cast<char>(k_runbook_cache_format + 1);
    CHECK_FALSE(decode_runbook_cache(with_checksum(other), key, &problem));
    CHECK(problem == fmt::format("format {}, not {}", k_runbook_cache_format + 1, k_runbook_cache_format));
  }
  SECTION("another runbook's snapshot") {
    RunbookCacheKey other = key;
    other.source_name += "x";
    CHECK_FALSE(decode_runbook_cache(bytes, other, &problem));
    CHECK(problem == "written for another runbook");
  }
}

TEST_CASE("runbook cache a well-formed snapshot of a runbook the loader would refuse is refused") {
  Fixture fx;
  const RunbookCacheKey key = runbook_cache_key(fx.runbook, fx.templates);
  const Runbook good = load_runbook(fx.runbook, fx.templates);
  REQUIRE(decode_runbook_cache(encode_runbook_cache(good, key), key));
  std::string problem;
  const auto refused = [&](const Runbook& bad) {
    problem.clear();
    return !decode_runbook_cache(encode_runbook_cache(bad, key), key, &problem);
  };
  Runbook bad = good;
  bad.phases[0].checklists[0].severities = {"P9"};
  CHECK(refused(bad));
  CHECK(problem == "a checklist for an undefined severity");
  bad = good;
  bad.post_incident[0].items[0].id = bad.phases[0].checklists[0].groups[0].items[0].id;
  CHECK(refused(bad));
  CHECK(problem == "a duplicate checklist item id");
  bad = good;
  bad.escalation.triggers[0].escalate_to = 99;
  CHECK(refused(bad));
  bad = good;
  bad.escalation.levels[0].contact = "nobody";
  CHECK(refused(bad));
  bad = good;
  bad.templates[0].text = "{{nope}}";
  CHECK(refused(bad));
  bad = good;
  bad.title = "bad \xff UTF-8";
  CHECK(refused(bad));
  bad = good;
  bad.severities[1].name = bad.severities[0].id;
  CHECK(refused(bad));
  bad = good;
  bad.scenarios[1].name = bad.scenarios[0].id;
  CHECK(refused(bad));
  bad = good;
  bad.phases[0].window = {Seconds{10}, Seconds{5}, 'm'};
  CHECK(refused(bad));
  bad = good;
  bad.severities[0].response_time = Seconds{0};
  CHECK(refused(bad));
  bad = good;
  bad.digest = "sha256:nothex";
  CHECK(refused(bad));
}

TEST_CASE("runbook cache a corrupt cache is rebuilt, never an error") {
  Fixture fx;
  const std::string digest = fx.load().runbook.digest;
  REQUIRE(fx.load().outcome == RunbookCacheOutcome::hit);
  const std::string good = slurp(fx.entry());

  const auto rebuilt = [&](RunbookCacheOutcome expected) {
    const CachedRunbook damaged = fx.load();
    INFO(damaged.detail);
    CHECK(damaged.outcome == expected);
    CHECK(damaged.runbook.digest == digest);
    const CachedRunbook again = fx.load();
    INFO(again.detail);
    CHECK(again.outcome == RunbookCacheOutcome::hit);
    CHECK(slurp(fx.entry()) == good);
  };
  SECTION("truncated") {
    write(fx.entry(), good.substr(0, good.size() / 2));
    rebuilt(RunbookCacheOutcome::corrupt);
  }
  SECTION("empty") {
    write(fx.entry(), "");
    rebuilt(RunbookCacheOutcome::corrupt);
  }
  SECTION("random bytes") {
    std::string noise(good.size(), '\0');
    std::mt19937 random(7);
    for (auto& c : noise) {
      c = static_cast<char>(random());
    }
    write(fx.entry(), noise);
    rebuilt(RunbookCacheOutcome::corrupt);
  }
  SECTION("another format version") {
    std::string other = good;
    other[8] = static_cast<char>(k_runbook_cache_format + 1);
    write(fx.entry(), with_checksum(other));
    rebuilt(RunbookCacheOutcome::corrupt);
  }
  SECTION("larger than the limit") {
    write(fx.entry(), std::string(k_max_runbook_cache_bytes + 1, 'x'));
    rebuilt(RunbookCacheOutcome::corrupt);
  }
  SECTION("a symbolic link is not followed, and is replaced") {
    const fs::path target = fx.dir.path() / "elsewhere.bin";
    write(target, good);
    fs::remove(fx.entry());
    fs::create_symlink(target, fx.entry());
    const CachedRunbook linked = fx.load();
    CHECK(linked.outcome == RunbookCacheOutcome::corrupt);
    CHECK_THAT(linked.detail, Catch::Contains("symbolic link"));
    CHECK(linked.runbook.digest == digest);
    CHECK(fs::is_regular_file(fs::symlink_status(fx.entry())));
    CHECK(slurp(target) == good);
  }
  SECTION("a directory in its place") {
    fs::remove(fx.entry());
    fs::create_directory(fx.entry());
    const CachedRunbook blocked = fx.load();
    CHECK(blocked.outcome == RunbookCacheOutcome::corrupt);
    CHECK(blocked.runbook.digest == digest);
    CHECK_THAT(blocked.detail, Catch::Contains("not cached"));
  }
}

TEST_CASE("runbook cache a change to any file the runbook is built from invalidates it") {
  Fixture fx;
  const std::string before = fx.load().runbook.digest;
  REQUIRE(fx.load().outcome == RunbookCacheOutcome::hit);
  const auto reloaded = [&](std::string_view expect_in_runbook) {
    const CachedRunbook changed = fx.load();
    CHECK(changed.outcome == RunbookCacheOutcome::stale);
    CHECK(changed.runbook.digest != before);
    CHECK(changed.runbook.digest == load_runbook(fx.runbook, fx.templates).digest);
    CHECK_THAT(everything(changed.runbook), Catch::Contains(std::string(expect_in_runbook)));
    CHECK(fx.load().outcome == RunbookCacheOutcome::hit);
  };
  SECTION("the YAML") {
    std::string yaml = slurp(fx.runbook);
    yaml.replace(yaml.find("title: "), 7, "title: Edited ");
    write(fx.runbook, yaml);
    reloaded("Edited ");
  }
  SECTION("the YAML, same size, same mtime") {
    const auto mtime = fs::last_write_time(fx.runbook);
    std::string yaml = slurp(fx.runbook);
    yaml[yaml.find("title: ") + 7] = 'X';
    write(fx.runbook, yaml);
    fs::last_write_time(fx.runbook, mtime);
    reloaded("\"title\":\"X");
  }
  SECTION("a file: template") {
    write(fx.file_template, "Fixed: {{title}}\n");
    const CachedRunbook changed = fx.load();
    CHECK(changed.outcome == RunbookCacheOutcome::stale);
    CHECK(changed.runbook.message_template(TemplateKind::resolution).text == "Fixed: {{title}}\n");
  }
  SECTION("a bundled template") {
    write(fx.templates / "initial.txt", "Opened: {{title}}\n");
    const CachedRunbook changed = fx.load();
    CHECK(changed.outcome == RunbookCacheOutcome::stale);
    CHECK(changed.runbook.message_template(TemplateKind::initial).text == "Opened: {{title}}\n");
  }
  SECTION("a template removed is the loader's error, as without a cache") {
    fs::remove(fx.file_template);
    CHECK_THROWS_AS(fx.load(), DataError);
    CHECK_THROWS_AS(fx.load(), DataError);
  }
  SECTION("a runbook made invalid is the loader's error, as without a cache") {
    write(fx.runbook, slurp(fx.runbook) + "bogus: 1\n");
    CHECK_THROWS_WITH(fx.load(), Catch::Contains("unknown key 'bogus'"));
  }
}

TEST_CASE("runbook cache a cache directory that is not private is not used") {
  Fixture fx;
  SECTION("writable by others") {
    fs::create_directories(fx.cache);
    fs::permissions(fx.cache, fs::perms::all);
    const CachedRunbook loaded = fx.load();
    CHECK(loaded.outcome == RunbookCacheOutcome::disabled);
    CHECK_FALSE(fs::exists(fx.entry()));
    CHECK(loaded.runbook.digest == load_runbook(fx.runbook, fx.templates).digest);
  }
  SECTION("a file") {
    fs::create_directories(fx.cache.parent_path());
    write(fx.cache, "not a directory");
    CHECK(fx.load().outcome == RunbookCacheOutcome::disabled);
  }
  SECTION("a symbolic link to a directory") {
    fs::create_directories(fx.dir.path() / "real");
    fs::create_directories(fx.cache.parent_path());
    fs::create_directory_symlink(fx.dir.path() / "real", fx.cache);
    CHECK(fx.load().outcome == RunbookCacheOutcome::disabled);
    CHECK(fs::is_empty(fx.dir.path() / "real"));
  }
  SECTION("none given") {
    CHECK(load_runbook_cached(fx.runbook, fx.templates, {}).outcome == RunbookCacheOutcome::disabled);
  }
}

TEST_CASE("runbook cache keeps a bounded number of entries") {
  Fixture fx;
  fs::create_directories(fx.cache);
  fs::permissions(fx.cache, fs::perms::owner_all, fs::perm_options::replace);
  for (int i = 0; i < 40; ++i) {
    write(fx.cache / fmt::format("runbook-{:032x}.bin", i), "old");
  }
  write(fx.cache / "unrelated.txt", "kept");
  CHECK(fx.load().outcome == RunbookCacheOutcome::missing);
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(fx.cache)) {
    entries += entry.path().extension() == ".bin" ? 1U : 0U;
  }
  CHECK(entries == k_max_runbook_cache_entries);
  CHECK(fs::exists(fx.entry()));
  CHECK(fs::exists(fx.cache / "unrelated.txt"));
}

TEST_CASE("runbook cache a failed file operation anywhere is the loader's error or a parse, never wrong") {
  Fixture fx;
  const std::string digest = load_runbook(fx.runbook, fx.templates).digest;
  for (const bool warm : {false, true}) {
    if (warm) {
      REQUIRE(fx.load().outcome != RunbookCacheOutcome::disabled);
    } else {
      fs::remove_all(fx.cache);
    }
    FaultyIo counting(std::numeric_limits<int>::max());
    (void)fx.load(counting);
    for (int fail_at = 1; fail_at <= counting.calls + 1; ++fail_at) {
      if (!warm) {
        fs::remove_all(fx.cache);
      }
      FaultyIo io(fail_at);
      INFO((warm ? "warm" : "cold") << " cache, failing operation " << fail_at);
      try {
        const CachedRunbook loaded = fx.load(io);
        CHECK(loaded.runbook.digest == digest);
      } catch (const Error& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("cannot read"));
      }
      // Whatever failed, the next load is right.
      CHECK(fx.load().runbook.digest == digest);
    }
  }
}
