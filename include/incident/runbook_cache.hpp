#pragma once
// The runbook cache: a validated, compiled snapshot of a Runbook, so that a command that
// needs the runbook does not parse YAML (about 3 ms for the bundled 9 KB runbook, most of
// what `incident open` or `status` costs) when the runbook has not changed.
//
// One file per runbook location in the cache directory ($XDG_CACHE_HOME/incident, the
// caller decides), "runbook-<32 hex>.bin", the hex from the key below. It is used only
// when its content digest matches what is on disk now: the YAML file's bytes and the
// bytes of every template file the runbook read (runbook_digest()), so editing the YAML
// or a template file, bundled or `file:`, is seen at once. Anything wrong with the cache
// (missing, truncated, random bytes, another format version, a symbolic link, unreadable,
// a directory that is not the user's own) is never an error: the runbook is parsed and
// the entry rewritten; the result says what happened, for a debug log.
//
// The file format (all integers little-endian) is private to runbook_cache.cpp, which
// holds its specification and version history next to k_runbook_cache_format.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "incident/file_io.hpp"
#include "incident/runbook.hpp"

namespace incident {

// The cache file format. A file of any other version is rebuilt, never read.
inline constexpr std::uint32_t k_runbook_cache_format = 2;
// No cache file is read past, or written beyond, this size (the runbook itself is at
// most 1 MiB, its templates 64 KiB each).
inline constexpr std::size_t k_max_runbook_cache_bytes = std::size_t{4} * 1024 * 1024;
// At most this many entries are kept; writing a new one removes the oldest beyond it.
inline constexpr std::size_t k_max_runbook_cache_entries = 16;

// What a cached runbook was loaded under; an entry is used only for exactly this key.
struct RunbookCacheKey {
  std::string source_name;  // the runbook path as given to the loader (messages, `file:` paths)
  std::string source;  // the same, absolute and lexically normal (Runbook::source)
  std::string templates_dir;  // the bundled templates directory

  bool operator==(const RunbookCacheKey&) const = default;
};

RunbookCacheKey runbook_cache_key(const std::filesystem::path& runbook_path,
                                  const std::filesystem::path& bundled_templates_dir);

// The entry's file name in the cache directory: "runbook-" + 32 hex digits of the key's
// SHA-256 + ".bin".
std::string runbook_cache_file_name(const RunbookCacheKey& key);

// The compiled snapshot of a runbook that load_runbook() returned under `key` (so its
// digest and from_file flags are set). Never fails; the result may be larger than
// k_max_runbook_cache_bytes, in which case it is not written.
std::string encode_runbook_cache(const Runbook& runbook, const RunbookCacheKey& key);

// Reads a snapshot back: nullopt, with the reason in `*problem` when given, unless
// `bytes` is exactly a snapshot of this format, for this key, whose checksum matches and
// whose runbook keeps every invariant the loader guarantees (ids unique and referenced ids
// defined, valid UTF-8 text, templates that pass check_template, ...). Never throws
// (but std::bad_alloc), whatever the bytes; reads nothing outside them. It does not check
// that the snapshot is still current: load_runbook_cached() does.
std::optional<Runbook> decode_runbook_cache(std::string_view bytes, const RunbookCacheKey& key,
                                            std::string* problem = nullptr);

enum class RunbookCacheOutcome {
  hit,  // the cached runbook was current and used
  disabled,  // no cache directory given, or it is not a private directory of this user
  missing,  // no entry yet: parsed and written
  stale,  // the runbook or a template changed since the entry was written: parsed and rewritten
  corrupt,  // the entry could not be read or decoded: parsed and rewritten
};

std::string_view to_string(RunbookCacheOutcome outcome);

struct CachedRunbook {
  Runbook runbook;
  RunbookCacheOutcome outcome = RunbookCacheOutcome::disabled;
  std::string detail;  // why it was not a hit, and whether the entry could be written
};

// load_runbook(runbook_path, bundled_templates_dir, io), through the cache in `cache_dir`
// (empty: no cache). The directory is created (mode 0700) when missing and used only when
// it is a directory owned by this user that no one else may write to; entries are written
// with write_file_atomic (mode 0600, not synced: a cache), read without following a
// symbolic link and at most k_max_runbook_cache_bytes. The runbook returned is the one
// load_runbook() would return, digest included. Throws what load_runbook() throws, and
// only that: a problem with the cache is reported in the result, never thrown.
CachedRunbook load_runbook_cached(const std::filesystem::path& runbook_path,
                                  const std::filesystem::path& bundled_templates_dir,
                                  const std::filesystem::path& cache_dir, Io& io = system_io());

}  // namespace incident
