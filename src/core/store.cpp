#include "incident/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <array>
#include <set>
#include <stdexcept>

#include "incident/error.hpp"
#include "incident/incident_file.hpp"
#include "incident/random.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

constexpr std::string_view k_id_alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t k_id_length = 8;
constexpr std::size_t k_max_id_length = 16;
constexpr std::string_view k_index_header = "incident-index 4";
constexpr std::size_t k_max_index_bytes = std::size_t{256} * 1024 * 1024;
constexpr mode_t k_dir_mode = 0700;

// The ids of the files in `dir` named <id>.json, and the names of the temp files that
// an atomic write killed mid-way left behind (.<id>.json.tmp-<random>).
std::vector<std::string> list_ids(const std::filesystem::path& dir, std::vector<std::string>* temp_files = nullptr) {
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
    if (temp_files != nullptr && name.starts_with('.') && name.find(".json.tmp-") != std::string_view::npos) {
      temp_files->emplace_back(name);
    } else if (name.size() > 5 && name.ends_with(".json")) {
      name.remove_suffix(5);
      if (is_valid_incident_id(name)) {
        ids.emplace_back(name);
      }
    }
  }
  ::closedir(handle);
  return ids;
}

// The lines of an index file, header first; nullopt for an empty or torn file (the
// last line has no newline: a write was cut short).
std::optional<std::vector<std::string_view>> index_lines(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return std::nullopt;
  }
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return lines;
}

// An event this version made must be whole (every required field, each of its kind):
// one that is not is a bug here, never written.
void require_complete(const Event& event) {
  if (const std::string problem = check_event(event, true); !problem.empty()) {
    throw std::logic_error(fmt::format("an event made by this version is invalid: {}", problem));
  }
}

}  // namespace

bool is_valid_incident_id(std::string_view id) {
  return !id.empty() && id.size() <= k_max_id_length &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
}

std::string new_incident_id() {
  // 32 letters, so each byte's low 5 bits pick one without bias.
  std::array<unsigned char, k_id_length> bits{};
  random_bytes(bits.data(), bits.size());
  std::string id;
  for (const unsigned char b : bits) {
    id += k_id_alphabet[b & 31U];
  }
  return id;
}

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
  std::optional<std::string> text;
  try {
    text = read_file_if_exists(path, k_max_incident_file_bytes, m_io, true);
  } catch (const DataError& e) {
    // Too large, a link: the incident file is what cannot be read (not a runbook).
    throw DataError(e.pos(), e.message(), ExitCode::corrupt_state);
  }
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
        choices.push_back(fmt::format("{} ({} {})", summary.id, summary.grade.severity, text::escape_control(summary.title)));
      }
      throw UsageError(fmt::format("{} incidents are open; give an ID: {}", open.incidents.size(),
                                   text::join(choices, ", ")));
    }
    return open.incidents.front().id;
  }
  std::string id = text::to_lower(user_text);
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

std::int64_t Store::directory_mtime() const {
  struct stat info {};
  if (m_io.lstat((m_root / "incidents").c_str(), &info) != 0) {
    return 0;
  }
  return identity_of(info).mtime_ns;
}

std::optional<Store::Index> Store::read_current_index(bool with_closed) const {
  struct stat info {};
  if (m_io.lstat(index_path("dirty").c_str(), &info) == 0 || errno != ENOENT) {
    return std::nullopt;  // a write did not finish: the index may miss an incident
  }
  auto open_text = read_file_if_exists(index_path("open.tsv"), k_max_index_bytes, m_io, true);
  auto lines = open_text ? index_lines(*open_text) : std::nullopt;
  const std::string_view header = lines ? lines->front() : std::string_view();
  if (!header.starts_with(k_index_header) || header.size() < k_index_header.size() + 2 ||
      header[k_index_header.size()] != '\t') {
    return std::nullopt;
  }
  Index index;
  const auto mtime = decode_index_number(header.substr(k_index_header.size() + 1));
  if (!mtime || *mtime != directory_mtime()) {
    return std::nullopt;  // the directory changed behind the index
  }
  index.directory_mtime_ns = *mtime;
  for (std::size_t i = 1; i < lines->size(); ++i) {
    const std::string_view line = (*lines)[i];
    if (is_skipped_line(line)) {
      auto skipped = decode_skipped(line);
      if (!skipped || !is_valid_incident_id(skipped->id)) {
        return std::nullopt;
      }
      index.skipped.push_back(std::move(*skipped));
    } else {
      auto summary = decode_summary(line);
      if (!summary || !is_valid_incident_id(summary->id)) {
        return std::nullopt;
      }
      index.open.push_back(std::move(*summary));
    }
  }
  // A file changed in place (not by rename) leaves the directory as it was.
  auto unchanged = [&](std::string_view id, const FileIdentity& file) {
    struct stat now {};
    return m_io.lstat(incident_path(id).c_str(), &now) == 0 && identity_of(now) == file;
  };
  for (const auto& summary : index.open) {
    if (!unchanged(summary.id, summary.file)) {
      return std::nullopt;
    }
  }
  for (const auto& skipped : index.skipped) {
    if (!unchanged(skipped.id, skipped.file)) {
      return std::nullopt;
    }
  }
  if (with_closed) {
    auto closed_text = read_file_if_exists(index_path("closed.tsv"), k_max_index_bytes, m_io, true);
    if (!closed_text) {
      return std::nullopt;
    }
    index.closed_log = std::move(*closed_text);
    auto closed_lines = index_lines(index.closed_log);
    if (!closed_lines || closed_lines->front() != k_index_header) {
      return std::nullopt;
    }
    closed_lines->erase(closed_lines->begin());
    index.closed_lines = std::move(*closed_lines);
  }
  return index;
}

Store::Index Store::scan_all(bool locked) const {
  const auto dir = m_root / "incidents";
  Index index;
  std::vector<std::string> temp_files;
  std::vector<std::string> ids = list_ids(dir, locked ? &temp_files : nullptr);
  // Every writer holds the lock while its temp file exists: under the lock, any temp
  // file is what a killed writer left.
  for (const auto& name : temp_files) {
    m_io.unlink((dir / name).c_str());
  }
  index.directory_mtime_ns = directory_mtime();
  for (const auto& id : ids) {
    try {
      Loaded loaded = load_file(id);
      auto& bucket = is_open(loaded.incident.status) ? index.open : index.closed;
      bucket.push_back(summarize(loaded.incident, loaded.file));
    } catch (const NotFoundError&) {
      // Removed while we listed: nothing to show.
    } catch (const DataError& e) {
      // A file that cannot be understood is remembered, with its identity, so that
      // readers report it without re-reading it until it changes.
      struct stat info {};
      if (m_io.lstat(incident_path(id).c_str(), &info) == 0) {
        index.skipped.push_back({id, identity_of(info), e.what()});
      } else {
        index.warnings.push_back(fmt::format("skipping {}", e.what()));
      }
    } catch (const Error& e) {
      // Could not be read now (an I/O error): not written to the index.
      index.warnings.push_back(fmt::format("skipping {}", e.what()));
    }
  }
  return index;
}

void Store::write_open_index(const Index& index) const {
  std::string text = fmt::format("{}\t{}\n", k_index_header, index.directory_mtime_ns);
  for (const auto& summary : index.open) {
    text += encode_summary(summary);
    text += '\n';
  }
  for (const auto& skipped : index.skipped) {
    text += encode_skipped(skipped);
    text += '\n';
  }
  write_file_atomic(index_path("open.tsv"), text, m_io, false);
}

bool Store::rebuild_index(Index& index) const {
  index = scan_all(true);
  if (!index.warnings.empty()) {
    return false;  // an incomplete scan is not written
  }
  try {
    make_directories(m_root / "index", k_dir_mode, m_io);
    write_open_index(index);
    std::string closed = std::string(k_index_header) + "\n";
    for (const auto& summary : index.closed) {
      closed += encode_summary(summary);
      closed += '\n';
    }
    write_file_atomic(index_path("closed.tsv"), closed, m_io, false);
    m_io.unlink(index_path("dirty").c_str());
    return true;
  } catch (const Error&) {
    return false;  // a cache that could not be written: the next command tries again
  }
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

void Store::walk(Index& index, bool include_closed, const Visit& visit) const {
  // What to list, as (start, id, where it is), sorted before anything is decoded: at
  // 10,000 incidents, decoding is most of the cost, and only the lines listed are.
  struct Pending {
    Timestamp started_at;
    std::string_view id;
    const Summary* summary = nullptr;  // or:
    std::string_view line;
  };
  std::vector<Pending> entries;
  for (const auto& summary : index.open) {
    entries.push_back({summary.started_at, summary.id, &summary, {}});
  }
  bool malformed = false;
  if (include_closed) {
    // The closed log may hold several lines for an id (closed, reopened, closed again):
    // the last one wins, and an id in the open index is newer than any of them.
    const std::size_t open_count = entries.size();
    for (const auto& summary : index.closed) {
      entries.push_back({summary.started_at, summary.id, &summary, {}});
    }
    entries.reserve(entries.size() + index.closed_lines.size());
    for (const auto line : index.closed_lines) {
      if (const auto key = decode_summary_key(line)) {
        entries.push_back({key->started_at, key->id, nullptr, line});
      } else {
        malformed = true;
      }
    }
    std::unordered_map<std::string_view, std::size_t> last;
    last.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto [it, inserted] = last.try_emplace(entries[i].id, i);
      if (!inserted && it->second >= open_count) {
        it->second = i;
      }
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (last[entries[i].id] == i) {
        entries[kept++] = entries[i];
      }
    }
    entries.resize(kept);
  }
  std::sort(entries.begin(), entries.end(), [](const Pending& a, const Pending& b) {
    return a.started_at != b.started_at ? a.started_at > b.started_at : a.id < b.id;
  });
  Summary decoded;
  for (const auto& entry : entries) {
    if (entry.summary != nullptr) {
      visit(*entry.summary);
    } else if (decode_summary(entry.line, decoded) && is_valid_incident_id(decoded.id)) {
      visit(decoded);
    } else {
      malformed = true;
    }
  }
  if (malformed) {
    // Found only while listing, too late to rebuild: the next command will.
    index.warnings.push_back(fmt::format("skipping a malformed line of {}; the index is rebuilt by the next command",
                                         index_path("closed.tsv").string()));
    Fd marker(m_io, m_io.open(index_path("dirty").c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  }
}

std::vector<std::string> Store::visit(bool include_closed, const Visit& visit) const {
  check_root();
  auto index = read_current_index(include_closed);
  if (!index) {
    index.emplace();
    struct stat info {};
    if (m_io.lstat((m_root / "incidents").c_str(), &info) == 0) {
      // Rebuild the index for the next reader when no writer is busy; otherwise the
      // writer will, and this listing comes from the files alone.
      try {
        const FileLock lock(m_root / "lock", std::chrono::milliseconds{0}, m_io);
        rebuild_index(*index);
      } catch (const Error&) {
        *index = scan_all(false);
      }
    }
  }
  walk(*index, include_closed, visit);
  std::vector<std::string> warnings = std::move(index->warnings);
  for (const auto& skipped : index->skipped) {
    warnings.push_back(fmt::format("skipping {}", skipped.message));
  }
  return warnings;
}

Listing Store::list(bool include_closed) const {
  Listing listing;
  listing.warnings = visit(include_closed, [&](const Summary& summary) { listing.incidents.push_back(summary); });
  return listing;
}

void Store::prepare_for_write() const {
  check_root();
  make_directories(m_root, k_dir_mode, m_io);
  make_directories(m_root / "incidents", k_dir_mode, m_io);
  make_directories(m_root / "index", k_dir_mode, m_io);
}

Incident Store::commit(const Incident* before, Incident after) {
  const std::string text = serialize_incident(after);
  if (text.size() > k_max_incident_file_bytes) {
    throw Error(fmt::format("refusing to write {}: it would hold {} bytes, more than the {} an incident file may "
                            "(nothing was recorded)",
                            incident_path(after.id).string(), text.size(), k_max_incident_file_bytes));
  }
  const bool was_open = before != nullptr && is_open(before->status);
  const bool now_open = is_open(after.status);
  const auto dirty = index_path("dirty");
  // Read before our own write changes the directory: is the index current?
  std::optional<Index> index = read_current_index(false);
  // While an incident enters the open index, a crash between the two writes would leave
  // it out of `list`: the marker makes the next reader rebuild instead of trusting it.
  const bool entering = now_open && !was_open;
  if (entering) {
    Fd marker(m_io, m_io.open(dirty.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!marker.valid()) {
      throw Error(fmt::format("cannot create {}: {}", dirty.string(), std::strerror(errno)));
    }
  }
  const FileIdentity file = write_file_atomic(incident_path(after.id), text, m_io, true);
  // The incident is safely written: the command has succeeded. What follows only updates
  // the cache; when any of it fails the dirty marker stays (or is made) so that readers
  // rebuild the index instead of trusting it.
  bool index_current = false;
  try {
    index_current = index ? update_index(*index, summarize(after, file), now_open) : rebuild_index(index.emplace());
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

bool Store::update_index(Index& index, const Summary& summary, bool now_open) const {
  std::erase_if(index.open, [&](const Summary& s) { return s.id == summary.id; });
  if (now_open) {
    index.open.push_back(summary);
  }
  index.directory_mtime_ns = directory_mtime();
  write_open_index(index);
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
  require_complete(opened);
  return commit(nullptr, fold(id, {std::move(opened)}));
}

Incident Store::append_events(const std::string& id, const DecideEvents& decide) {
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
  if (seq + added.size() > k_max_event_seq) {
    throw Error(fmt::format("{} has used up its event sequence numbers ({}); it takes no more events",
                            incident_path(id).string(), k_max_event_seq));
  }
  for (auto& event : added) {
    require_complete(event);
    event.seq = ++seq;
    do {
      event.id = new_event_id();
    } while (!ids.insert(event.id).second);
    events.push_back(std::move(event));
  }
  return commit(&current.incident, fold(id, std::move(events)));
}

}  // namespace incident
