#pragma once
// The incident store: one JSON file per incident under <root>/incidents, a summary
// index under <root>/index (a cache, rebuilt when missing or marked dirty, never the
// truth) and one lock file, <root>/lock, that serialises every write.
//
// Reading commands take no lock: files are only ever replaced by rename, so a reader
// sees the old or the new file, never a torn one. Writing commands lock, re-read the
// incident under the lock, append their events and replace the file atomically.

#include <chrono>
#include <filesystem>
#include <functional>
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

  // Open incidents (not closed), or all of them.
  [[nodiscard]] Listing list(bool include_closed) const;

  // --- writing (under the lock) ---

  // Creates an incident from its `opened` event (id, seq and event id are assigned).
  Incident create(Event opened);

  // Re-reads the incident under the lock and calls decide() with it; the events it
  // returns (it may return none, or throw to refuse) are appended with fresh ids and
  // seqs and the file is replaced atomically. Returns the incident after the write.
  using Decide = std::function<std::vector<Event>(const Incident&)>;
  Incident append(const std::string& id, const Decide& decide);

private:
  struct Loaded {
    Incident incident;
    FileIdentity file;
  };
  struct Index {
    std::vector<Summary> open;
    std::vector<Summary> closed;  // append-only log: the last line of an id wins
    std::vector<std::string> warnings;
  };

  void check_root() const;
  void prepare_for_write() const;
  [[nodiscard]] Loaded load_file(std::string_view id) const;
  [[nodiscard]] std::optional<Index> read_index(bool with_closed) const;
  [[nodiscard]] Index scan_all() const;
  void write_index(const Index& index) const;
  void write_open_index(const std::vector<Summary>& open) const;
  void append_closed(const Summary& summary) const;
  // Brings the index up to date after a write; false when it may still be behind.
  bool update_index(const Summary& summary, bool now_open) const;
  Incident commit(const Incident* before, Incident after);
  [[nodiscard]] std::filesystem::path index_path(std::string_view name) const;

  std::filesystem::path m_root;
  Io& m_io;
  std::chrono::milliseconds m_lock_timeout;
};

}  // namespace incident
