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

// Which incidents a listing holds.
enum class Scope {
  // What `list` shows a person: every incident not closed, except those resolved more
  // than k_recent_resolved before the listing's time, which are only counted (teams
  // forget `close`: 10,000 of them must not bury the open ones).
  current,
  open,  // every incident not closed
  all,  // every incident
};

// How long a resolved incident stays in `list`: its post-incident week.
inline constexpr Seconds k_recent_resolved{std::int64_t{7} * 24 * 3600};

struct Listing {
  std::vector<Summary> incidents;  // newest first
  std::size_t resolved_earlier = 0;  // Scope::current: resolved incidents left out
  std::vector<std::string> warnings;  // e.g. a corrupt file that was skipped
  std::vector<std::string> unreadable;  // the files skipped: "path: why", also in warnings
};

class Store {
public:
  static constexpr std::chrono::milliseconds k_default_lock_timeout{10'000};

  explicit Store(std::filesystem::path root, Io& io = system_io(),
                 std::chrono::milliseconds lock_timeout = k_default_lock_timeout);

  [[nodiscard]] const std::filesystem::path& root() const { return m_root; }

  // Called after each write that reached the disk (before the index is updated, the lock
  // still held: it must not wait for anything) with the incident and the events this
  // store wrote (create, append; none for a merge: those were written elsewhere), e.g. so
  // a caller can say what was recorded when it cannot print it, and run hooks later.
  using OnCommit = std::function<void(const Incident&, const std::vector<Event>& written)>;
  void on_commit(OnCommit callback) { m_on_commit = std::move(callback); }
  [[nodiscard]] std::filesystem::path incident_path(std::string_view id) const;

  // --- reading (no lock) ---

  // Throws NotFoundError, or DataError(corrupt_state) naming the file.
  [[nodiscard]] Incident load(std::string_view id) const;

  // What the user typed: "" means "the one open incident" (not closed: Scope::open);
  // otherwise a full id or a unique prefix. Throws UsageError (malformed,
  // ambiguous, several open), NotFoundError, or DataError when a file that may be the
  // open incident cannot be read.
  [[nodiscard]] std::string resolve_id(std::string_view user_text) const;

  // The incidents of `scope`, newest first; `as_of` (default: now) is the time
  // Scope::current judges "resolved earlier" by.
  [[nodiscard]] Listing list(Scope scope, std::optional<Timestamp> as_of = std::nullopt) const;

  // The same, handed to `visit` one at a time and decoded from the index only then (into
  // one reused Summary): output in bulk in memory that does not grow with the store.
  // Returns the rest of the listing (no incidents in it).
  using Visit = std::function<void(const Summary&)>;
  Listing visit(Scope scope, std::optional<Timestamp> as_of, const Visit& visit) const;

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

  // Merges a copy of incident `id` from elsewhere (a teammate's, through sync) into this
  // store, under the lock: the union of the two copies' events by event id, folded, so
  // any stores that merged each other's copies hold byte-identical files whatever the
  // order. `text` is read as strictly as a local file, its errors naming `origin`; an
  // event id the two copies give to different events is a DataError naming both. Writes
  // only when `text` brings events this store lacks.
  struct Merged {
    Incident incident;
    std::vector<Event> added;  // the events that were new here, in fold order
    bool created = false;  // the incident was not here before
  };
  Merged merge(const std::string& id, std::string_view text, const std::string& origin);

  // --- export and import (incident export, incident import) ---

  // Every incident started at or after `since` (every one when nullopt), closed and
  // resolved ones too, oldest first (by start, then id), each handed to `emit` as one
  // line of ndjson (serialize_incident_line: the whole file, every event as stored). A
  // file that cannot be read is not handed over but listed in `unreadable` ("path:
  // why"), for the caller to report: nothing is dropped silently. No lock.
  struct Exported {
    std::size_t incidents = 0;
    std::vector<std::string> unreadable;
  };
  Exported export_incidents(std::optional<Timestamp> since, const std::function<void(const std::string&)>& emit) const;

  // Imports ndjson (one incident document per line, as export writes it; blank lines are
  // skipped) as sync does: each incident through merge(), the union of the events, so a
  // second import of the same lines changes nothing. All or nothing: every line is read
  // and checked first (strictly, as a file: its document, its id, that it folds, that no
  // event id means two different events in it, in another line or in this store), and a
  // bad one is a DataError (corrupt_state) at `origin`:LINE, before anything is written.
  // One result per line, in order.
  struct Imported {
    std::string id;
    bool created = false;  // the incident was not in the store
    std::size_t events_added = 0;  // 0: unchanged
  };
  std::vector<Imported> import_incidents(std::string_view ndjson, const std::string& origin);

private:
  struct Loaded {
    Incident incident;
    FileIdentity file;
  };
  // The index (a cache of summaries, never the truth), in two files under <root>/index:
  //  - open.tsv, replaced on every write: its header (the incidents directory's mtime when
  //    it was written, the cutoff below, how many incidents not closed settled.tsv holds),
  //    the incidents not closed but those resolved before the cutoff, and the files a
  //    scan could not read;
  //  - settled.tsv, append-only: closed incidents and those resolved before the cutoff
  //    (k_recent_resolved before the write that moved them), the last line of an id
  //    winning, an id in open.tsv winning over all of its lines.
  // So a write costs what the active incidents cost, however many have settled. A
  // `dirty` marker exists while a write is under way: a reader that finds it rebuilds.
  struct Index {
    std::vector<Summary> open;
    std::vector<SkippedFile> skipped;  // files the last scan could not read
    std::vector<Summary> settled;  // as a scan finds them, or:
    std::string settled_log;  // settled.tsv, read only when a listing needs it
    std::vector<std::string> unreadable;  // files a scan could not read now (not written): "path: why"
    // The incidents directory's mtime when the index was written: a change made
    // without the lock (a sync, a crashed writer) changes it and the index is rebuilt.
    std::int64_t directory_mtime_ns = 0;
    Timestamp cutoff;  // settled.tsv holds every incident resolved before this
    std::size_t settled_open = 0;  // incidents in settled.tsv that are not closed
    bool from_scan = false;
  };

  void check_root() const;
  // Hands the index's incidents to `visit`, newest first, each id once.
  void walk(Index& index, Scope scope, Timestamp as_of, Listing& listing, const Visit& visit) const;
  // The index, current or rebuilt, or scanned from the files when it cannot be; with
  // settled.tsv when the listing may need it.
  [[nodiscard]] Index read_index(Scope scope, Timestamp as_of) const;
  void prepare_for_write() const;
  [[nodiscard]] Loaded load_file(std::string_view id) const;
  [[nodiscard]] std::int64_t directory_mtime() const;
  // The index when it can be trusted: whole, not marked dirty, written after the last
  // change to the incidents directory, and naming each file of open.tsv as it is now.
  // Which files changes the last: a reader checks them all; a writer, which keeps every
  // line but its incident's as it is (a stale line stays stale for the next reader), does
  // not.
  enum class Files { checked, unchecked };
  [[nodiscard]] std::optional<Index> read_current_index(Files files = Files::checked) const;
  // Whether an incident's file is still the one `file` names.
  [[nodiscard]] bool file_unchanged(std::string_view id, const FileIdentity& file) const;
  // An index file's text; nullopt when it is missing or cannot be read.
  [[nodiscard]] std::optional<std::string> read_index_file(std::string_view name) const;
  // Adds settled.tsv to a current index; false when it is missing or torn.
  bool read_settled(Index& index) const;
  // Reads every incident file; `locked` (the caller holds the lock) also removes the
  // temp files that killed writers left.
  [[nodiscard]] Index scan_all(bool locked) const;
  // Under the lock: scans and writes the index; false when it could not be written.
  bool rebuild_index(Index& index) const;
  void write_open_index(const Index& index) const;
  void append_settled(const std::vector<Summary>& summaries) const;
  // Records a write in an index that was current before it.
  void update_index(Index& index, const Incident* before, const Summary& after) const;
  void mark_dirty() const;
  Incident commit(const Incident* before, Incident after, const std::vector<Event>& written);
  [[nodiscard]] std::filesystem::path index_path(std::string_view name) const;

  std::filesystem::path m_root;
  Io& m_io;
  std::chrono::milliseconds m_lock_timeout;
  OnCommit m_on_commit;
};

}  // namespace incident
