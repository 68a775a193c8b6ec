#pragma once
// The incident store: one JSON file per incident under <root>/incidents, a summary
// index under <root>/index (a cache, rebuilt when missing or stale, never the truth) and
// one lock file, <root>/lock, that serialises every write.
//
// Reading commands never wait for the lock: files are only ever replaced by rename, so a
// reader sees the old or the new file, never a torn one (a reader that finds the index
// stale rebuilds it only if it can take the lock at once). Writing commands lock, re-read
// the incident under the lock, append their events and replace the file atomically.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incident/file_io.hpp"
#include "incident/incident.hpp"
#include "incident/summary.hpp"

namespace incident {

// Incident ids: 8 characters of lower-case Crockford base32 when generated; a user may
// type any unique prefix. Anything but 1..16 letters and digits is refused before it
// touches the file system.
bool is_valid_incident_id(std::string_view id);
std::string new_incident_id();

struct Listing {
  std::vector<Summary> incidents;  // newest first
  std::vector<std::string> warnings;  // e.g. a corrupt file that was skipped
};

class Store {
public:
  static constexpr std::chrono::milliseconds k_default_lock_timeout{10'000};

  explicit Store(std::filesystem::path root, Io& io = system_io(),
                 std::chrono::milliseconds lock_timeout = k_default_lock_timeout);

  [[nodiscard]] const std::filesystem::path& root() const { return m_root; }
  [[nodiscard]] std::filesystem::path incident_path(std::string_view id) const;

  // --- reading (no lock) ---

  // Throws NotFoundError, or DataError(corrupt_state) naming the file.
  [[nodiscard]] Incident load(std::string_view id) const;

  // What the user typed: "" means "the one open incident"; otherwise a full id or a
  // unique prefix. Throws UsageError (malformed, ambiguous, several open) or NotFoundError.
  [[nodiscard]] std::string resolve_id(std::string_view user_text) const;

  // Open incidents (not closed), or all of them, newest first.
  [[nodiscard]] Listing list(bool include_closed) const;

  // The same, handed to `visit` one at a time and decoded from the index only then (into
  // one reused Summary): output in bulk in memory that does not grow with the store.
  // Returns the warnings (files that could not be read, a malformed index line).
  using Visit = std::function<void(const Summary&)>;
  std::vector<std::string> visit(bool include_closed, const Visit& visit) const;

  // --- writing (under the lock) ---

  // Creates an incident from its `opened` event (id, seq and event id are assigned).
  Incident create(Event opened);

  // Re-reads the incident under the lock and calls decide() with it: a write of
  // writes.hpp, returning a Decision (events and outcome). Its events (it may return none,
  // or throw to refuse) are appended with fresh ids and seqs and the file is replaced
  // atomically. Returns the incident after the write and the decision's outcome. Throws
  // Error, writing nothing, when the file would grow past what a read accepts or its
  // sequence counter is exhausted.
  template <class Outcome>
  struct Written {
    Incident incident;
    Outcome outcome;
  };
  template <class Decide>
  auto append(const std::string& id, Decide&& decide) {
    using Outcome = decltype(decide(std::declval<const Incident&>()).outcome);
    std::optional<Outcome> outcome;
    Incident incident = append_events(id, [&](const Incident& current) {
      auto decision = decide(current);
      outcome.emplace(std::move(decision.outcome));
      return std::move(decision.events);
    });
    return Written<Outcome>{std::move(incident), std::move(*outcome)};
  }

  // The same, for a decide() that returns only events.
  using DecideEvents = std::function<std::vector<Event>(const Incident&)>;
  Incident append_events(const std::string& id, const DecideEvents& decide);

private:
  struct Loaded {
    Incident incident;
    FileIdentity file;
  };
  struct Index {
    std::vector<Summary> open;
    // The closed incidents, as a scan finds them or as lines of the append-only log
    // (decoded only when listed; the last line of an id wins).
    std::vector<Summary> closed;
    std::string closed_log;
    std::vector<std::string_view> closed_lines;  // into closed_log
    std::vector<SkippedFile> skipped;  // files the last scan could not read
    std::vector<std::string> warnings;  // files a scan could not read now (not written)
    // The incidents directory's mtime when the index was written: a change made
    // without the lock (a sync, a crashed writer) changes it and the index is rebuilt.
    std::int64_t directory_mtime_ns = 0;
  };

  void check_root() const;
  // Hands the index's incidents to `visit`, newest first, each id once.
  void walk(Index& index, bool include_closed, const Visit& visit) const;
  void prepare_for_write() const;
  [[nodiscard]] Loaded load_file(std::string_view id) const;
  [[nodiscard]] std::int64_t directory_mtime() const;
  // The index when it can be trusted: whole, not marked dirty, written after the last
  // change to the incidents directory, and naming each open file as it is now.
  [[nodiscard]] std::optional<Index> read_current_index(bool with_closed) const;
  // Reads every incident file; `locked` (the caller holds the lock) also removes the
  // temp files that killed writers left.
  [[nodiscard]] Index scan_all(bool locked) const;
  // Under the lock: scans and writes the index; false when it could not be written.
  bool rebuild_index(Index& index) const;
  void write_open_index(const Index& index) const;
  void append_closed(const Summary& summary) const;
  // Records a write in an index that was current before it.
  bool update_index(Index& index, const Summary& summary, bool now_open) const;
  Incident commit(const Incident* before, Incident after);
  [[nodiscard]] std::filesystem::path index_path(std::string_view name) const;

  std::filesystem::path m_root;
  Io& m_io;
  std::chrono::milliseconds m_lock_timeout;
};

}  // namespace incident
