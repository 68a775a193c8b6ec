#include "incident/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>
#include <stdexcept>

#include "incident/error.hpp"
#include "incident/incident_file.hpp"
#include "incident/random.hpp"
#include "incident/text.hpp"
#include "incident/time.hpp"

namespace incident {

namespace {

constexpr std::string_view k_id_alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t k_id_length = 8;
constexpr std::size_t k_max_id_length = 16;
// The index's format: a file with another header is rebuilt (it is a cache). 6 added the
// drill column to summary lines (summary.cpp).
constexpr std::string_view k_index_header = "incident-index 6";
constexpr std::size_t k_max_index_bytes = std::size_t{256} * 1024 * 1024;
constexpr mode_t k_dir_mode = 0700;
// How many incidents an "open incidents; give an ID" message names.
constexpr std::size_t k_max_choices = 10;

// A temp file of write_file_atomic(): .<name>.tmp-<random>.
bool is_temp_name(std::string_view name) { return name.starts_with('.') && name.find(".tmp-") != std::string_view::npos; }

// Removes the temp files that atomic writes killed mid-way left in `dir`. Only under the
// lock: every writer holds it while its temp file exists.
void remove_temp_files(Io& io, const std::filesystem::path& dir, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (is_temp_name(name)) {
      io.unlink((dir / name).c_str());
    }
  }
}

// The ids of the files in `dir` named <id>.json, and the names of the temp files that
// an atomic write killed mid-way left behind (.<id>.json.tmp-<random>).
std::vector<std::string> list_ids(Io& io, const std::filesystem::path& dir,
                                  std::vector<std::string>* temp_files = nullptr) {
  std::vector<std::string> names;
  if (io.list_directory(dir.c_str(), names) != 0) {
    if (errno == ENOENT) {
      return {};
    }
    throw Error(fmt::format("cannot list {}: {}", dir.string(), std::strerror(errno)));
  }
  std::vector<std::string> ids;
  for (auto& name : names) {
    if (temp_files != nullptr && is_temp_name(name)) {
      temp_files->push_back(std::move(name));
    } else if (name.size() > 5 && name.ends_with(".json")) {
      name.resize(name.size() - 5);
      if (is_valid_incident_id(name)) {
        ids.push_back(std::move(name));
      }
    }
  }
  return ids;
}

// Where an incident belongs in the index: settled.tsv once closed or resolved before the
// cutoff, open.tsv until then.
bool settles(const Summary& summary, Timestamp cutoff) {
  return summary.status == Status::closed ||
         (summary.status == Status::resolved && summary.resolved_at && *summary.resolved_at < cutoff);
}

// The cutoff a write moves resolved incidents to settled.tsv by. The clock, not an
// event's time: where a summary is kept only decides what a listing must read.
Timestamp settle_cutoff() { return now() - k_recent_resolved; }

// Appends each summary's index line and its newline.
void append_summary_lines(std::string& text, const std::vector<Summary>& summaries) {
  for (const auto& summary : summaries) {
    text += encode_summary(summary);
    text += '\n';
  }
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
  // The state dir and its two directories are this user's alone: a directory another
  // user can write to, or one that leads elsewhere, would let them plant or swap files
  // (a teammate's forged incident, a link that makes a write land outside).
  const auto check = [&](const std::filesystem::path& dir, bool top) {
    struct stat info {};
    if ((top ? m_io.stat(dir.c_str(), &info) : m_io.lstat(dir.c_str(), &info)) != 0) {
      return false;  // not there yet: readers find nothing, writers create it
    }
    if (!top && S_ISLNK(info.st_mode)) {
      throw Error(fmt::format("refusing to use state dir {}: {} is a symbolic link (make it a directory)",
                              m_root.string(), dir.string()));
    }
    if (!S_ISDIR(info.st_mode)) {
      throw Error(fmt::format("{}{} is not a directory", top ? "state dir " : "", dir.string()));
    }
    if (info.st_uid != ::geteuid()) {
      throw Error(fmt::format("refusing to use state dir {}: {} belongs to uid {}, not to you (uid {}); use a "
                              "state dir of your own (--state-dir)",
                              m_root.string(), dir.string(), info.st_uid, ::geteuid()));
    }
    if ((info.st_mode & (S_IWOTH | S_IWGRP)) != 0) {
      throw Error(fmt::format("refusing to use state dir {}: {} can be written by {} (chmod 700 {})",
                              m_root.string(), dir.string(),
                              (info.st_mode & S_IWOTH) != 0 ? "any user" : "its group", dir.string()));
    }
    return true;
  };
  if (check(m_root, true)) {
    check(m_root / "incidents", false);
    check(m_root / "index", false);
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
    const Listing open = list(Scope::open);
    if (!open.unreadable.empty()) {
      // It may be the open incident the user means: never act on another one instead.
      throw Error(fmt::format("cannot choose the open incident for you: {}; give an ID", open.unreadable.front()),
                  ExitCode::corrupt_state);
    }
    if (open.incidents.empty()) {
      throw NotFoundError("no open incident; give an ID (see 'incident list --all')");
    }
    if (open.incidents.size() > 1) {
      std::vector<std::string> choices;
      for (const auto& summary : open.incidents) {
        if (choices.size() == k_max_choices) {
          choices.push_back(fmt::format("and {} more (incident list)", open.incidents.size() - k_max_choices));
          break;
        }
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
  for (auto& candidate : list_ids(m_io, m_root / "incidents")) {
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

void Store::mark_dirty() const {
  const auto dirty = index_path("dirty");
  for (int attempt = 0;; ++attempt) {
    // Non-blocking: whatever sits at that path (a FIFO) must not hang a writer.
    Fd marker(m_io, m_io.open(dirty.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600));
    struct stat info {};
    const bool known = marker.valid() && m_io.fstat(marker.get(), &info) == 0;
    if (known && S_ISREG(info.st_mode)) {
      return;
    }
    const int error = known ? EINVAL : errno;
    // Not a regular file (a FIFO, a link, a socket): the index is ours to repair.
    if (attempt == 0 && m_io.lstat(dirty.c_str(), &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode) &&
        m_io.unlink(dirty.c_str()) == 0) {
      continue;
    }
    throw Error(fmt::format("cannot create {}: {} (nothing was recorded)", dirty.string(),
                            error == EINVAL ? "not a regular file" : std::strerror(error)));
  }
}

std::optional<std::string> Store::read_index_file(std::string_view name) const {
  // An index file that cannot be read (a link, a FIFO, a directory, too large) is stale:
  // the rebuild replaces it, and no command fails on it.
  try {
    return read_file_if_exists(index_path(name), k_max_index_bytes, m_io, true);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<Store::Index> Store::read_current_index(Files files) const {
  struct stat info {};
  if (m_io.lstat(index_path("dirty").c_str(), &info) == 0 || errno != ENOENT) {
    return std::nullopt;  // a write did not finish: the index may miss an incident
  }
  const std::optional<std::string> open_text = read_index_file("open.tsv");
  auto lines = open_text ? index_lines(*open_text) : std::nullopt;
  if (!lines) {
    return std::nullopt;
  }
  // "incident-index 6 <tab> directory mtime <tab> cutoff <tab> incidents settled not closed"
  std::array<std::string_view, 4> header;
  std::string_view rest = lines->front();
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto tab = rest.find('\t');
    if ((tab == std::string_view::npos) != (i + 1 == header.size())) {
      return std::nullopt;
    }
    header[i] = rest.substr(0, tab);
    rest = tab == std::string_view::npos ? std::string_view() : rest.substr(tab + 1);
  }
  const auto mtime = decode_index_number(header[1]);
  const auto cutoff = decode_index_number(header[2]);
  const auto settled_open = decode_index_number(header[3]);
  if (header[0] != k_index_header || !mtime || !cutoff || !settled_open || *settled_open < 0) {
    return std::nullopt;
  }
  if (*mtime != directory_mtime()) {
    return std::nullopt;  // the directory changed behind the index
  }
  Index index;
  index.directory_mtime_ns = *mtime;
  index.cutoff = Timestamp{Seconds{*cutoff}};
  index.settled_open = static_cast<std::size_t>(*settled_open);
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
  if (files == Files::unchecked) {
    return index;
  }
  // A file changed in place (not by rename) leaves the directory as it was.
  for (const auto& summary : index.open) {
    if (!file_unchanged(summary.id, summary.file)) {
      return std::nullopt;
    }
  }
  for (const auto& skipped : index.skipped) {
    if (!file_unchanged(skipped.id, skipped.file)) {
      return std::nullopt;
    }
  }
  return index;
}

bool Store::file_unchanged(std::string_view id, const FileIdentity& file) const {
  struct stat now {};
  return m_io.lstat(incident_path(id).c_str(), &now) == 0 && identity_of(now) == file;
}

bool Store::read_settled(Index& index) const {
  std::optional<std::string> text = read_index_file("settled.tsv");
  if (!text || !text->starts_with(k_index_header) || text->size() <= k_index_header.size() ||
      (*text)[k_index_header.size()] != '\n' || text->back() != '\n') {
    return false;  // missing, unreadable, another version, or its last line torn
  }
  index.settled_log = std::move(*text);
  return true;
}

Store::Index Store::scan_all(bool locked) const {
  const auto dir = m_root / "incidents";
  Index index;
  index.from_scan = true;
  index.cutoff = settle_cutoff();
  std::vector<std::string> temp_files;
  std::vector<std::string> ids = list_ids(m_io, dir, locked ? &temp_files : nullptr);
  remove_temp_files(m_io, dir, temp_files);
  index.directory_mtime_ns = directory_mtime();
  for (const auto& id : ids) {
    try {
      Loaded loaded = load_file(id);
      Summary summary = summarize(loaded.incident, loaded.file);
      if (settles(summary, index.cutoff)) {
        index.settled_open += summary.status == Status::closed ? 0 : 1;
        index.settled.push_back(std::move(summary));
      } else {
        index.open.push_back(std::move(summary));
      }
    } catch (const NotFoundError&) {
      // Removed while we listed: nothing to show.
    } catch (const DataError& e) {
      // A file that cannot be understood is remembered, with its identity, so that
      // readers report it without re-reading it until it changes.
      struct stat info {};
      if (m_io.lstat(incident_path(id).c_str(), &info) == 0) {
        index.skipped.push_back({id, identity_of(info), e.what()});
      } else {
        index.unreadable.emplace_back(e.what());
      }
    } catch (const Error& e) {
      // Could not be read now (an I/O error): not written to the index.
      index.unreadable.emplace_back(e.what());
    }
  }
  return index;
}

void Store::write_open_index(const Index& index) const {
  std::string text = fmt::format("{}\t{}\t{}\t{}\n", k_index_header, index.directory_mtime_ns,
                                 index.cutoff.time_since_epoch().count(), index.settled_open);
  append_summary_lines(text, index.open);
  for (const auto& skipped : index.skipped) {
    text += encode_skipped(skipped);
    text += '\n';
  }
  write_file_atomic(index_path("open.tsv"), text, m_io, false);
}

bool Store::rebuild_index(Index& index) const {
  index = scan_all(true);
  if (!index.unreadable.empty()) {
    return false;  // an incomplete scan is not written
  }
  try {
    make_directories(m_root / "index", k_dir_mode, m_io);
    if (std::vector<std::string> names; m_io.list_directory((m_root / "index").c_str(), names) == 0) {
      remove_temp_files(m_io, m_root / "index", names);  // what killed index writes left
    }
    std::string settled = std::string(k_index_header) + "\n";
    append_summary_lines(settled, index.settled);
    // settled.tsv first: until open.tsv names the directory as it is now, neither is read.
    write_file_atomic(index_path("settled.tsv"), settled, m_io, false);
    write_open_index(index);
    m_io.unlink(index_path("closed.tsv").c_str());  // what versions before 0.2 kept
    return m_io.unlink(index_path("dirty").c_str()) == 0 || errno == ENOENT;
  } catch (const Error&) {
    return false;  // a cache that could not be written: the next command tries again
  }
}

void Store::append_settled(const std::vector<Summary>& summaries) const {
  if (summaries.empty()) {
    return;
  }
  const auto path = index_path("settled.tsv");
  Fd fd(m_io, m_io.open(path.c_str(), O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0));
  struct stat info {};
  char last = '\0';
  // A missing log, or one whose last line is torn, cannot be appended to: the caller
  // leaves the index dirty and the next command rebuilds it.
  if (!fd.valid() || m_io.fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_size == 0 ||
      m_io.pread(fd.get(), &last, 1, info.st_size - 1) != 1 || last != '\n') {
    throw Error(fmt::format("cannot append to {}", path.string()));
  }
  std::string lines;
  append_summary_lines(lines, summaries);
  if (m_io.write(fd.get(), lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
    throw Error(fmt::format("cannot append to {}", path.string()));
  }
}

void Store::walk(Index& index, Scope scope, Timestamp as_of, Listing& listing, const Visit& visit) const {
  const Timestamp window_start = as_of - k_recent_resolved;
  auto in_scope = [&](const Summary& summary) {
    switch (scope) {
      case Scope::all: return true;
      case Scope::open: return summary.status != Status::closed;
      case Scope::current:
        if (summary.status == Status::closed) {
          return false;
        }
        if (summary.status == Status::resolved && summary.resolved_at && *summary.resolved_at < window_start) {
          ++listing.resolved_earlier;
          return false;
        }
        return true;
    }
    return false;
  };
  // What to list, as (start, id, where it is), sorted before anything is decoded: at
  // 10,000 incidents, decoding is most of the cost, and only the lines listed are.
  struct Pending {
    Timestamp started_at;
    std::string_view id;
    const Summary* summary = nullptr;  // or:
    std::string_view line;
    FileIdentity file;  // of a line: the file it was written from
  };
  std::vector<Pending> entries;
  for (const auto& summary : index.open) {
    entries.push_back({summary.started_at, summary.id, &summary, {}, {}});
  }
  for (const auto& summary : index.settled) {
    entries.push_back({summary.started_at, summary.id, &summary, {}, {}});
  }
  bool malformed = false;
  bool changed = false;
  std::deque<Summary> reread;  // settled incidents whose file changed behind the index
  if (!index.from_scan && index.settled_log.empty()) {
    listing.resolved_earlier += index.settled_open;  // each of them resolved before window_start
  } else if (!index.from_scan) {
    // The log may hold several lines for an id (closed, reopened, closed again): the
    // last one wins, and an id in open.tsv is newer than any of them.
    const std::size_t open_count = entries.size();
    std::string_view log = index.settled_log;
    log.remove_prefix(k_index_header.size() + 1);
    while (!log.empty()) {
      const auto end = log.find('\n');
      const std::string_view line = log.substr(0, end);
      log.remove_prefix(end + 1);
      if (const auto key = decode_summary_key(line)) {
        entries.push_back({key->started_at, key->id, nullptr, line, key->file});
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
    // A settled file is checked against its line before the line is believed (a hand
    // edit, a teammate's sync): one stat each, relative to the directory, the cost of
    // listing it at all.
    const auto dir = m_root / "incidents";
    const Fd dir_fd(m_io, m_io.open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0));
    if (!dir_fd.valid()) {
      throw Error(fmt::format("cannot read {}: {}", dir.string(), std::strerror(errno)));
    }
    std::string name;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (last[entries[i].id] != i) {
        continue;
      }
      Pending entry = entries[i];
      if (i >= open_count) {
        name.assign(entry.id).append(".json");
        struct stat info {};
        const bool present = m_io.fstatat(dir_fd.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0;
        if (!present || identity_of(info) != entry.file) {
          changed = true;
          if (!present && errno == ENOENT) {
            continue;  // removed behind the index
          }
          try {
            const Loaded loaded = load_file(entry.id);
            reread.push_back(summarize(loaded.incident, loaded.file));
            entry = {reread.back().started_at, reread.back().id, &reread.back(), {}, {}};
          } catch (const Error& e) {
            listing.warnings.push_back(fmt::format("skipping {}", e.what()));
            listing.unreadable.emplace_back(e.what());
            continue;
          }
        }
      }
      entries[kept++] = entry;
    }
    entries.resize(kept);
  }
  std::sort(entries.begin(), entries.end(), [](const Pending& a, const Pending& b) {
    return a.started_at != b.started_at ? a.started_at > b.started_at : a.id < b.id;
  });
  Summary decoded;
  for (const auto& entry : entries) {
    const Summary* summary = entry.summary;
    if (summary == nullptr) {
      if (decode_summary(entry.line, decoded) && is_valid_incident_id(decoded.id)) {
        summary = &decoded;
      } else {
        malformed = true;
        continue;
      }
    }
    if (in_scope(*summary)) {
      visit(*summary);
    }
  }
  if (malformed) {
    listing.warnings.push_back(fmt::format("skipping a malformed line of {}; the index is rebuilt by the next command",
                                           index_path("settled.tsv").string()));
  }
  if (malformed || changed) {
    // Found only while listing, too late to rebuild: the next command will.
    try {
      mark_dirty();
    } catch (const Error&) {
      // A reader cannot do more; the files it listed were read as they are.
    }
  }
}

Store::Index Store::read_index(Scope scope, Timestamp as_of) const {
  std::optional<Index> index = read_current_index();
  // settled.tsv is read only when what it holds may be listed: not for `list` at the
  // present, where every incident not closed in it is resolved before the window.
  if (index && (scope != Scope::current || index->cutoff > as_of - k_recent_resolved) && !read_settled(*index)) {
    index.reset();
  }
  if (index) {
    return std::move(*index);
  }
  Index scanned;
  struct stat info {};
  if (m_io.lstat((m_root / "incidents").c_str(), &info) == 0) {
    // Rebuild the index for the next reader when no writer is busy; otherwise the
    // writer will, and this listing comes from the files alone.
    try {
      const FileLock lock(m_root / "lock", std::chrono::milliseconds{0}, m_io);
      rebuild_index(scanned);
    } catch (const Error&) {
      scanned = scan_all(false);
    }
  }
  return scanned;
}

Listing Store::visit(Scope scope, std::optional<Timestamp> as_of, const Visit& visit) const {
  check_root();
  const Timestamp at = as_of.value_or(now());
  Index index = read_index(scope, at);
  Listing listing;
  walk(index, scope, at, listing, visit);
  for (auto& problem : index.unreadable) {
    listing.warnings.push_back(fmt::format("skipping {}", problem));
    listing.unreadable.push_back(std::move(problem));
  }
  for (const auto& skipped : index.skipped) {
    listing.warnings.push_back(fmt::format("skipping {}", skipped.message));
    listing.unreadable.push_back(skipped.message);
  }
  return listing;
}

Listing Store::list(Scope scope, std::optional<Timestamp> as_of) const {
  std::vector<Summary> incidents;
  Listing listing = visit(scope, as_of, [&](const Summary& summary) { incidents.push_back(summary); });
  listing.incidents = std::move(incidents);
  return listing;
}

void Store::prepare_for_write() const {
  check_root();
  make_directories(m_root, k_dir_mode, m_io);
  make_directories(m_root / "incidents", k_dir_mode, m_io);
  make_directories(m_root / "index", k_dir_mode, m_io);
}

Incident Store::commit(const Incident* before, Incident after, const std::vector<Event>& written) {
  const std::string text = serialize_incident(after);
  if (text.size() > k_max_incident_file_bytes) {
    throw Error(fmt::format("refusing to write {}: it would hold {} bytes, more than the {} an incident file may "
                            "(nothing was recorded)",
                            incident_path(after.id).string(), text.size(), k_max_incident_file_bytes));
  }
  // Read before our own write changes the directory: is the index current? Its lines
  // are not checked against their files here: each reader does.
  std::optional<Index> index = read_current_index(Files::unchecked);
  // The index may lag, never lose. An incident open.tsv lists is safe without help: once
  // its file is replaced, its line no longer names the file, and readers rebuild until
  // open.tsv is rewritten. One it does not list (new, or settled) could be missed by a
  // crash between the two writes if the directory's mtime did not move (coarse clock
  // ticks), so a marker stands from before its file changes until the index holds it.
  // A marker that cannot be made fails the command before anything is written.
  const bool listed = index && std::any_of(index->open.begin(), index->open.end(),
                                           [&](const Summary& summary) { return summary.id == after.id; });
  if (!listed) {
    mark_dirty();
  }
  const FileIdentity file = write_file_atomic(incident_path(after.id), text, m_io, true);
  if (m_on_commit) {
    m_on_commit(after, written);
  }
  // The incident is safely written: the command has succeeded. What follows only updates
  // the cache; when any of it fails the index is left for the next reader to rebuild.
  bool index_current = false;
  try {
    if (index) {
      update_index(*index, before, summarize(after, file));
      index_current = true;
    } else {
      index_current = rebuild_index(index.emplace());
    }
  } catch (const Error&) {
    index_current = false;
  }
  if (index_current && !listed) {
    m_io.unlink(index_path("dirty").c_str());
  } else if (!index_current && listed) {
    try {
      mark_dirty();  // open.tsv may no longer say what it holds
    } catch (const Error&) {
      // Its line names the old file: readers rebuild the index all the same.
    }
  }
  return after;
}

void Store::update_index(Index& index, const Incident* before, const Summary& after) const {
  const Timestamp cutoff = settle_cutoff();
  const bool was_listed = std::erase_if(index.open, [&](const Summary& s) { return s.id == after.id; }) > 0;
  std::erase_if(index.skipped, [&](const SkippedFile& s) { return s.id == after.id; });
  if (!was_listed && before != nullptr && is_open(before->status)) {
    // It was settled while resolved: its line there no longer counts.
    if (index.settled_open == 0) {
      throw Error("the index does not count what it holds");  // rebuilt by the next reader
    }
    --index.settled_open;
  }
  std::vector<Summary> settling;
  index.open.push_back(after);
  // This incident, and any other resolved before the cutoff since the last write.
  std::erase_if(index.open, [&](const Summary& summary) {
    if (!settles(summary, cutoff)) {
      return false;
    }
    // The writer did not check the others' lines (read_current_index): one that settles
    // is checked now, as `list` does not look at settled.tsv again.
    if (summary.id != after.id && !file_unchanged(summary.id, summary.file)) {
      throw Error("an incident file changed behind the index");  // rebuilt by the next reader
    }
    index.settled_open += summary.status == Status::closed ? 0 : 1;
    settling.push_back(summary);
    return true;
  });
  index.cutoff = std::max(index.cutoff, cutoff);
  // settled.tsv first: a crash before open.tsv is rewritten leaves the old open.tsv,
  // which no longer names the directory as it is, so it is not read.
  append_settled(settling);
  index.directory_mtime_ns = directory_mtime();
  write_open_index(index);
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
  const std::vector<Event> written = {opened};
  return commit(nullptr, fold(id, written), written);
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
    events.push_back(event);
  }
  return commit(&current.incident, fold(id, std::move(events)), added);
}

Store::Merged Store::merge(const std::string& id, std::string_view text, const std::string& origin) {
  if (!is_valid_incident_id(id)) {
    throw DataError({origin, 0, 0}, fmt::format("'{}' is not an incident id", text::escape_control(id)),
                    ExitCode::corrupt_state);
  }
  std::vector<Event> incoming = parse_incident_file(text, origin, id);
  // Read before the lock too: a copy that does not fold is refused before anything waits.
  (void)fold(id, incoming);
  prepare_for_write();
  FileLock lock(m_root / "lock", m_lock_timeout, m_io);
  std::optional<Loaded> current;
  try {
    current = load_file(id);
  } catch (const NotFoundError&) {
  }
  std::map<std::string, const Event*, std::less<>> known;
  std::vector<Event> events;
  if (current) {
    events = current->incident.events;
    for (const auto& event : events) {
      known.emplace(event.id, &event);
    }
  }
  Merged merged;
  merged.created = !current;
  for (auto& event : incoming) {
    const auto found = known.find(event.id);
    if (found == known.end()) {
      merged.added.push_back(event);
    } else if (!(*found->second == event)) {
      throw DataError({origin, 0, 0},
                      fmt::format("its event {} ({}) differs from event {} of {}, which has the same id", event.id,
                                  text::escape_control(event.type), found->second->id, incident_path(id).string()),
                      ExitCode::corrupt_state);
    }
  }
  if (merged.added.empty() && current) {
    merged.incident = current->incident;
    return merged;
  }
  std::sort(merged.added.begin(), merged.added.end());
  events.insert(events.end(), merged.added.begin(), merged.added.end());
  merged.incident = commit(current ? &current->incident : nullptr, fold(id, std::move(events)), {});
  return merged;
}

Store::Exported Store::export_incidents(std::optional<Timestamp> since,
                                        const std::function<void(const std::string&)>& emit) const {
  Listing listing = list(Scope::all);
  Exported exported;
  exported.unreadable = std::move(listing.unreadable);
  // Oldest first, as a log reads; the listing is newest first by (start, id).
  for (auto it = listing.incidents.rbegin(); it != listing.incidents.rend(); ++it) {
    if (since && it->started_at < *since) {
      continue;
    }
    Incident incident;
    try {
      incident = load(it->id);
    } catch (const NotFoundError&) {
      continue;  // removed since it was listed
    } catch (const DataError& e) {
      exported.unreadable.emplace_back(e.what());  // changed since it was listed
      continue;
    }
    emit(serialize_incident_line(incident));
    ++exported.incidents;
  }
  return exported;
}

std::vector<Store::Imported> Store::import_incidents(std::string_view ndjson, const std::string& origin) {
  struct Line {
    int number = 0;
    std::string_view text;
    std::string id;
  };
  std::vector<Line> lines;
  // Every event id seen so far, per incident: this store's copy, then earlier lines.
  std::map<std::string, std::map<std::string, Event, std::less<>>, std::less<>> known;
  int number = 0;
  while (!ndjson.empty()) {
    ++number;
    const auto end = ndjson.find('\n');
    std::string_view text = ndjson.substr(0, end);
    ndjson.remove_prefix(end == std::string_view::npos ? ndjson.size() : end + 1);
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    // Where in the line is known for a syntax error only: else the line's start.
    const auto bad = [&](const std::string& message, int column = 1) {
      return DataError({origin, number, column}, message, ExitCode::corrupt_state);
    };
    IncidentDocument document;
    try {
      document = parse_incident_document(text, origin);
    } catch (const DataError& e) {
      throw bad(e.message(), e.pos().line == 1 && e.pos().column > 0 ? e.pos().column : 1);
    }
    if (!is_valid_incident_id(document.id)) {
      throw bad(fmt::format("'{}' is not an incident id", text::escape_control(document.id)));
    }
    try {
      (void)fold(document.id, document.events);
    } catch (const Error& e) {
      throw bad(e.what());
    }
    auto [copy, first_seen] = known.try_emplace(document.id);
    if (first_seen) {
      try {
        Incident current = load(document.id);
        for (auto& event : current.events) {
          copy->second.emplace(event.id, std::move(event));
        }
      } catch (const NotFoundError&) {
      } catch (const DataError& e) {
        throw bad(fmt::format("cannot merge into {}", e.what()));
      }
    }
    for (auto& event : document.events) {
      const auto [seen, added] = copy->second.try_emplace(event.id, event);
      if (!added && !(seen->second == event)) {
        throw bad(fmt::format("its event {} ({}) differs from another event with the same id (incident {})",
                              event.id, text::escape_control(event.type), document.id));
      }
    }
    lines.push_back({number, text, std::move(document.id)});
  }
  std::vector<Imported> imported;
  for (const auto& line : lines) {
    const Merged merged = merge(line.id, line.text, fmt::format("{}:{}", origin, line.number));
    imported.push_back({line.id, merged.created, merged.added.size()});
  }
  return imported;
}

}  // namespace incident
