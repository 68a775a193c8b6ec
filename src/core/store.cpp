#include "incident/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "incident/error.hpp"
#include "incident/incident_file.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

constexpr std::string_view k_id_alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t k_id_length = 8;
constexpr std::size_t k_max_id_length = 16;
constexpr std::string_view k_index_header = "incident-index 1";
constexpr std::size_t k_max_index_bytes = std::size_t{256} * 1024 * 1024;
constexpr mode_t k_dir_mode = 0700;

std::mt19937_64& generator() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

// The ids of the files in `dir` named <id>.json.
std::vector<std::string> list_ids(const std::filesystem::path& dir) {
  std::vector<std::string> ids;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    if (errno == ENOENT) {
      return ids;
    }
    throw Error(fmt::format("cannot list {}: {}", dir.string(), std::strerror(errno)));
  }
  while (const dirent* entry = ::readdir(handle)) {
    std::string_view name = entry->d_name;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".json") {
      name.remove_suffix(5);
      if (is_valid_incident_id(name)) {
        ids.emplace_back(name);
      }
    }
  }
  ::closedir(handle);
  return ids;
}

std::optional<std::vector<Summary>> parse_index(std::string_view text) {
  std::vector<Summary> out;
  std::size_t start = 0;
  bool header = true;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      return std::nullopt;  // a torn last line: rebuild
    }
    const auto line = text.substr(start, end - start);
    start = end + 1;
    if (header) {
      if (line != k_index_header) {
        return std::nullopt;
      }
      header = false;
      continue;
    }
    auto summary = decode_summary(line);
    if (!summary) {
      return std::nullopt;
    }
    out.push_back(std::move(*summary));
  }
  if (header) {
    return std::nullopt;
  }
  return out;
}

std::string format_index(const std::vector<Summary>& summaries) {
  std::string out = std::string(k_index_header) + "\n";
  for (const auto& summary : summaries) {
    out += encode_summary(summary);
    out += '\n';
  }
  return out;
}

void newest_first(std::vector<Summary>& summaries) {
  std::sort(summaries.begin(), summaries.end(), [](const Summary& a, const Summary& b) {
    return a.started_at != b.started_at ? a.started_at > b.started_at : a.id < b.id;
  });
}

}  // namespace

bool is_valid_incident_id(std::string_view id) {
  return !id.empty() && id.size() <= k_max_id_length &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
}

std::string new_incident_id() {
  std::string id;
  std::uniform_int_distribution<std::size_t> pick(0, k_id_alphabet.size() - 1);
  for (std::size_t i = 0; i < k_id_length; ++i) {
    id += k_id_alphabet[pick(generator())];
  }
  return id;
}

std::string new_event_id() { return fmt::format("{:012x}", generator()() & 0xFFFF'FFFF'FFFFULL); }

Store::Store(std::filesystem::path root, Io& io, std::chrono::milliseconds lock_timeout)
    : m_root(std::move(root)), m_io(io), m_lock_timeout(lock_timeout) {}

std::filesystem::path Store::incident_path(std::string_view id) const {
  return m_root / "incidents" / (std::string(id) + ".json");
}

std::filesystem::path Store::index_path(std::string_view name) const { return m_root / "index" / name; }

void Store::check_root() const {
  struct stat info {};
  if (::stat(m_root.c_str(), &info) != 0) {
    return;  // not there yet: readers find nothing, writers create it
  }
  if (!S_ISDIR(info.st_mode)) {
    throw Error(fmt::format("state dir {} is not a directory", m_root.string()));
  }
  if ((info.st_mode & S_IWOTH) != 0) {
    throw Error(fmt::format("refusing to use state dir {}: any user can write to it (chmod 700 {})",
                            m_root.string(), m_root.string()));
  }
}

Store::Loaded Store::load_file(std::string_view id) const {
  const auto path = incident_path(id);
  auto text = read_file_if_exists(path, k_max_incident_file_bytes, m_io, true);
  if (!text) {
    throw NotFoundError(fmt::format("no incident '{}'", id));
  }
  struct stat info {};
  if (m_io.lstat(path.c_str(), &info) != 0) {
    throw Error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  auto events = parse_incident_file(*text, path.string(), std::string(id));
  try {
    return Loaded{fold(std::string(id), std::move(events)), identity_of(info)};
  } catch (const DataError&) {
    throw;
  } catch (const Error& e) {
    throw DataError({path.string(), 0, 0}, e.what(), ExitCode::corrupt_state);
  }
}

Incident Store::load(std::string_view id) const {
  check_root();
  if (!is_valid_incident_id(id)) {
    throw UsageError(fmt::format("'{}' is not an incident id", text::escape_control(id)));
  }
  return load_file(id).incident;
}

std::string Store::resolve_id(std::string_view user_text) const {
  check_root();
  if (user_text.empty()) {
    const Listing open = list(false);
    if (open.incidents.empty()) {
      throw NotFoundError("no open incident; give an ID (see 'incident list --all')");
    }
    if (open.incidents.size() > 1) {
      std::vector<std::string> choices;
      for (const auto& summary : open.incidents) {
        choices.push_back(fmt::format("{} ({} {})", summary.id, summary.severity, text::escape_control(summary.title)));
      }
      throw UsageError(fmt::format("{} incidents are open; give an ID: {}", open.incidents.size(),
                                   text::join(choices, ", ")));
    }
    return open.incidents.front().id;
  }
  const std::string id = text::to_lower(user_text);
  if (!is_valid_incident_id(id)) {
    throw UsageError(fmt::format("'{}' is not an incident id (ids are letters and digits, e.g. 7f3a9c2e)",
                                 text::escape_control(user_text)));
  }
  struct stat info {};
  if (m_io.lstat(incident_path(id).c_str(), &info) == 0) {
    return id;
  }
  std::vector<std::string> matches;
  for (auto& candidate : list_ids(m_root / "incidents")) {
    if (candidate.compare(0, id.size(), id) == 0) {
      matches.push_back(std::move(candidate));
    }
  }
  if (matches.empty()) {
    throw NotFoundError(fmt::format("no incident '{}'", id));
  }
  if (matches.size() > 1) {
    std::sort(matches.begin(), matches.end());
    throw UsageError(fmt::format("'{}' matches {} incidents: {}; type more of the id", id, matches.size(),
                                 text::join(matches, ", ")));
  }
  return matches.front();
}

std::optional<Store::Index> Store::read_index(bool with_closed) const {
  struct stat info {};
  if (m_io.lstat(index_path("dirty").c_str(), &info) == 0 || errno != ENOENT) {
    return std::nullopt;  // a write did not finish: the index may miss an incident
  }
  Index index;
  auto open_text = read_file_if_exists(index_path("open.tsv"), k_max_index_bytes, m_io, true);
  auto open = open_text ? parse_index(*open_text) : std::nullopt;
  if (!open) {
    return std::nullopt;
  }
  index.open = std::move(*open);
  if (with_closed) {
    auto closed_text = read_file_if_exists(index_path("closed.tsv"), k_max_index_bytes, m_io, true);
    auto closed = closed_text ? parse_index(*closed_text) : std::nullopt;
    if (!closed) {
      return std::nullopt;
    }
    index.closed = std::move(*closed);
  }
  return index;
}

Store::Index Store::scan_all() const {
  Index index;
  for (const auto& id : list_ids(m_root / "incidents")) {
    try {
      Loaded loaded = load_file(id);
      auto& bucket = is_open(loaded.incident.status) ? index.open : index.closed;
      bucket.push_back(summarize(loaded.incident, loaded.file));
    } catch (const NotFoundError&) {
      // Removed while we listed: nothing to show.
    } catch (const Error& e) {
      index.warnings.push_back(fmt::format("skipping {}", e.what()));
    }
  }
  return index;
}

void Store::write_open_index(const std::vector<Summary>& open) const {
  write_file_atomic(index_path("open.tsv"), format_index(open), m_io, false);
}

void Store::write_index(const Index& index) const {
  write_open_index(index.open);
  write_file_atomic(index_path("closed.tsv"), format_index(index.closed), m_io, false);
}

void Store::append_closed(const Summary& summary) const {
  const auto path = index_path("closed.tsv");
  Fd fd(m_io, m_io.open(path.c_str(), O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0));
  struct stat info {};
  char last = '\0';
  // A missing log, or one whose last line is torn, cannot be appended to: the caller
  // marks the index dirty and the next writer rebuilds it.
  if (!fd.valid() || m_io.fstat(fd.get(), &info) != 0 || info.st_size == 0 ||
      ::pread(fd.get(), &last, 1, info.st_size - 1) != 1 || last != '\n') {
    throw Error(fmt::format("cannot append to {}", path.string()));
  }
  const std::string line = encode_summary(summary) + "\n";
  if (m_io.write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    throw Error(fmt::format("cannot append to {}", path.string()));
  }
}

Listing Store::list(bool include_closed) const {
  check_root();
  Listing listing;
  auto index = read_index(include_closed);
  if (!index) {
    index = scan_all();
  } else {
    // The index may be behind an incident file changed outside the lock protocol (a
    // crash, a sync, an editor): re-read the open ones whose file is not the indexed one.
    for (auto& summary : index->open) {
      struct stat info {};
      const auto path = incident_path(summary.id);
      if (m_io.lstat(path.c_str(), &info) != 0) {
        summary.id.clear();
        continue;
      }
      if (identity_of(info) == summary.file) {
        continue;
      }
      try {
        Loaded loaded = load_file(summary.id);
        summary = summarize(loaded.incident, loaded.file);
      } catch (const Error& e) {
        index->warnings.push_back(fmt::format("skipping {}", e.what()));
        summary.id.clear();
      }
    }
    std::erase_if(index->open, [](const Summary& s) { return s.id.empty(); });
  }
  listing.warnings = std::move(index->warnings);
  std::set<std::string> seen;
  for (auto& summary : index->open) {
    seen.insert(summary.id);
    if (include_closed || is_open(summary.status)) {
      listing.incidents.push_back(std::move(summary));
    }
  }
  if (include_closed) {
    // The closed log may hold several lines for an id (closed, reopened, closed again):
    // the last one wins, and an id in the open index is newer than any of them.
    std::map<std::string, std::size_t> last;
    for (std::size_t i = 0; i < index->closed.size(); ++i) {
      last[index->closed[i].id] = i;
    }
    for (std::size_t i = 0; i < index->closed.size(); ++i) {
      auto& summary = index->closed[i];
      if (last[summary.id] == i && seen.count(summary.id) == 0) {
        listing.incidents.push_back(std::move(summary));
      }
    }
  }
  newest_first(listing.incidents);
  return listing;
}

void Store::prepare_for_write() const {
  check_root();
  make_directories(m_root, k_dir_mode, m_io);
  make_directories(m_root / "incidents", k_dir_mode, m_io);
  make_directories(m_root / "index", k_dir_mode, m_io);
}

Incident Store::commit(const Incident* before, Incident after) {
  const bool was_open = before != nullptr && is_open(before->status);
  const bool now_open = is_open(after.status);
  const auto dirty = index_path("dirty");
  // While an incident enters the open index, a crash between the two writes would leave
  // it out of `list`: the marker makes the next reader rebuild instead of trusting it.
  const bool entering = now_open && !was_open;
  if (entering) {
    Fd marker(m_io, m_io.open(dirty.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!marker.valid()) {
      throw Error(fmt::format("cannot create {}: {}", dirty.string(), std::strerror(errno)));
    }
  }
  const FileIdentity file = write_file_atomic(incident_path(after.id), serialize_incident(after), m_io, true);
  // The incident is safely written: the command has succeeded. What follows only updates
  // the cache; when any of it fails the dirty marker stays (or is made) so that readers
  // rescan the files instead of trusting the index.
  bool index_current = false;
  try {
    index_current = update_index(summarize(after, file), now_open);
  } catch (const Error&) {
    index_current = false;
  }
  if (index_current) {
    m_io.unlink(dirty.c_str());
  } else if (!entering) {
    Fd marker(m_io, m_io.open(dirty.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  }
  return after;
}

bool Store::update_index(const Summary& summary, bool now_open) const {
  auto index = read_index(false);
  if (!index) {
    // Missing, torn or marked dirty: rebuild it from the files (ours included). A file
    // that cannot be read keeps it dirty, so that every reader reports it until fixed.
    const Index rebuilt = scan_all();
    write_index(rebuilt);
    return rebuilt.warnings.empty();
  }
  std::erase_if(index->open, [&](const Summary& s) { return s.id == summary.id; });
  if (now_open) {
    index->open.push_back(summary);
  }
  write_open_index(index->open);
  if (!now_open) {
    append_closed(summary);  // the last line of an id wins
  }
  return true;
}

Incident Store::create(Event opened) {
  prepare_for_write();
  FileLock lock(m_root / "lock", m_lock_timeout, m_io);
  std::string id;
  for (int attempt = 0;; ++attempt) {
    id = new_incident_id();
    struct stat info {};
    if (m_io.lstat(incident_path(id).c_str(), &info) != 0 && errno == ENOENT) {
      break;
    }
    if (attempt == 20) {
      throw Error("cannot find a free incident id");
    }
  }
  opened.seq = 1;
  opened.id = new_event_id();
  return commit(nullptr, fold(id, {std::move(opened)}));
}

Incident Store::append(const std::string& id, const Decide& decide) {
  prepare_for_write();
  FileLock lock(m_root / "lock", m_lock_timeout, m_io);
  const Loaded current = load_file(id);
  std::vector<Event> added = decide(current.incident);
  if (added.empty()) {
    return current.incident;
  }
  std::vector<Event> events = current.incident.events;
  std::set<std::string> ids;
  for (const auto& event : events) {
    ids.insert(event.id);
  }
  std::uint64_t seq = current.incident.max_seq;
  for (auto& event : added) {
    event.seq = ++seq;
    do {
      event.id = new_event_id();
    } while (!ids.insert(event.id).second);
    events.push_back(std::move(event));
  }
  return commit(&current.incident, fold(id, std::move(events)));
}

}  // namespace incident
