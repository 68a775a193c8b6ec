#include "incident/sync.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <system_error>

#include "incident/file_io.hpp"
#include "incident/incident_file.hpp"
#include "incident/process.hpp"
#include "incident/text.hpp"

namespace incident {

namespace fs = std::filesystem;

namespace {

// Only incident files and this file are committed.
constexpr std::string_view k_gitignore =
    "# Written by incident sync: only incident files travel; the index, the lock and temp\n"
    "# files are this machine's own.\n"
    "/*\n"
    "!/.gitignore\n"
    "!/incidents/\n"
    "/incidents/*\n"
    "!/incidents/*.json\n"
    "/incidents/.*\n";

constexpr std::size_t k_most_named = 10;  // incidents a commit message names

// git's name for nothing at all: update-ref's "the ref must not exist yet".
constexpr std::string_view k_no_commit = "0000000000000000000000000000000000000000";

// A name git accepts for an author: no angle brackets or controls; "incident" when
// nothing is left.
std::string git_name(std::string_view actor) {
  std::string name;
  for (const char c : actor) {
    if (c != '<' && c != '>' && static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) {
      name += c;
    }
  }
  const auto first = name.find_first_not_of(" .,;:'\"");
  return first == std::string::npos ? std::string("incident") : name;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// NUL-separated git output (-z) as a list.
std::vector<std::string> split_nul(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\0', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return out;
}

// "incidents/<id>.json" -> id; nullopt for any other path.
std::optional<std::string> incident_id_of(std::string_view path) {
  constexpr std::string_view prefix = "incidents/";
  constexpr std::string_view suffix = ".json";
  if (!path.starts_with(prefix) || !path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size()) {
    return std::nullopt;
  }
  std::string id(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
  if (!is_valid_incident_id(id)) {
    return std::nullopt;
  }
  return id;
}

class Git {
public:
  Git(fs::path root, const SyncOptions& options) : m_root(std::move(root)), m_options(options) {
    const std::string name = git_name(options.actor);
    m_environment = {{"GIT_TERMINAL_PROMPT", "0"},
                     {"GIT_AUTHOR_NAME", name},
                     {"GIT_AUTHOR_EMAIL", ""},
                     {"GIT_COMMITTER_NAME", name},
                     {"GIT_COMMITTER_EMAIL", ""},
                     {"LC_ALL", "C"}};
  }

  // Runs `git -C <root> ARGS`; throws SyncError with git's stderr when it fails and
  // `check`.
  ProcessResult run(const std::vector<std::string>& args, bool check = true) const {
    std::vector<std::string> argv = {"git", "-C", m_root.string(), "-c", "core.autocrlf=false",
                                     "-c", "core.quotepath=false"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result = run_process(argv, {{}, m_environment, m_options.git_timeout});
    if (result.timed_out) {
      throw SyncError(fmt::format("git {} gave no answer in {} s and was stopped", args.front(),
                                  m_options.git_timeout.count() / 1000));
    }
    if (check && result.exit_code != 0) {
      throw SyncError(fmt::format("git {} failed (exit {}): {}", args.front(), result.exit_code,
                                  text::one_line(trimmed(result.err.empty() ? result.out : result.err))));
    }
    return result;
  }

  std::string out(const std::vector<std::string>& args) const { return trimmed(run(args).out); }

  // The commits the refs name (nullopt for one that does not exist), in one call.
  std::vector<std::optional<std::string>> commits_of(const std::vector<std::string>& refs) const {
    std::vector<std::string> args = {"for-each-ref", "--format=%(refname) %(objectname)"};
    args.insert(args.end(), refs.begin(), refs.end());
    const std::string listed = run(args).out;
    std::vector<std::optional<std::string>> commits(refs.size());
    std::size_t start = 0;
    while (start < listed.size()) {
      const auto end = std::min(listed.find('\n', start), listed.size());
      const std::string_view line = std::string_view(listed).substr(start, end - start);
      const auto space = line.find(' ');
      for (std::size_t i = 0; i < refs.size() && space != std::string_view::npos; ++i) {
        if (line.substr(0, space) == refs[i]) {
          commits[i] = std::string(line.substr(space + 1));
        }
      }
      start = end + 1;
    }
    return commits;
  }

  std::optional<std::string> merge_base(const std::string& a, const std::string& b) const {
    ProcessResult result = run({"merge-base", a, b}, false);
    if (result.exit_code != 0) {
      return std::nullopt;
    }
    return trimmed(result.out);
  }

private:
  fs::path m_root;
  const SyncOptions& m_options;
  std::vector<std::pair<std::string, std::string>> m_environment;
};

struct Remote {
  std::optional<std::string> head;  // this machine's branch
  std::optional<std::string> remote;  // the remote's, as fetched
  std::optional<std::string> base;  // their merge base, when both exist and have one
  // The remote's commit is in this machine's history: nothing comes in.
  [[nodiscard]] bool remote_merged() const { return !remote || (head && base == remote); }
  // This machine's commit is in the remote's history: a fast-forward may do.
  [[nodiscard]] bool head_behind() const { return !head || (remote && base == head); }
};

// An incident file the remote has, as it is there.
struct IncomingFile {
  std::string id;
  std::string origin;  // "origin/main:incidents/<id>.json", for messages
  std::string text;
};

class Sync {
public:
  Sync(Store& store, const SyncOptions& options)
      : m_store(store), m_options(options), m_git(store.root(), options),
        m_remote_ref("refs/remotes/origin/" + options.branch), m_branch_ref("refs/heads/" + options.branch) {}

  void require_working_copy() const {
    std::error_code error;
    if (!fs::is_directory(m_store.root() / ".git", error)) {
      throw SyncError(fmt::format("{} is not synced yet: run 'incident sync --init REMOTE' (a git URL or path)",
                                  m_store.root().string()));
    }
    if (fs::exists(m_store.root() / ".git" / "MERGE_HEAD", error)) {
      throw SyncError(fmt::format("a git merge is unfinished in {}: run 'git -C {} merge --abort', then "
                                  "'incident sync' (it merges incident files itself)",
                                  m_store.root().string(), m_store.root().string()));
    }
  }

  // One sync at a time in a state dir (git's own locks would make a second one fail
  // half-way). Held, it also means a git lock file left in .git is a killed sync's: the
  // working copy is incident's own, so such a lock is removed.
  [[nodiscard]] fs::path sync_lock_path() const { return m_store.root() / ".git" / "incident-sync.lock"; }

  void remove_git_locks() const {
    const fs::path git_dir = m_store.root() / ".git";
    std::error_code error;
    for (const char* name : {"index.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "shallow.lock"}) {
      fs::remove(git_dir / name, error);
    }
    for (auto it = fs::recursive_directory_iterator(git_dir / "refs", error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (it->path().extension() == ".lock" && it->is_regular_file(error)) {
        fs::remove(it->path(), error);
      }
    }
  }

  void write_gitignore() const {
    const fs::path path = m_store.root() / ".gitignore";
    std::error_code error;
    if (fs::is_regular_file(path, error)) {
      if (read_file(path, 4096) == k_gitignore) {
        return;
      }
    }
    (void)write_file_atomic(path, std::string(k_gitignore), system_io(), false);
  }

  void fetch() const { m_git.run({"fetch", "--quiet", "--prune", "--no-tags", "origin"}); }

  Remote refs() const {
    const auto commits = m_git.commits_of({m_branch_ref, m_remote_ref});
    Remote at{commits[0], commits[1], std::nullopt};
    if (at.head && at.remote) {
      at.base = m_git.merge_base(*at.head, *at.remote);
    }
    return at;
  }

  // The incident files the remote changed since this machine last merged it.
  std::vector<IncomingFile> incoming_files(const Remote& at) const {
    std::vector<IncomingFile> files;
    if (at.remote_merged()) {
      return files;
    }
    std::set<std::string> changed;
    if (at.base) {
      for (auto& path : split_nul(m_git.run({"diff", "--name-only", "--no-renames", "-z", *at.base, *at.remote,
                                             "--", "incidents/"})
                                      .out)) {
        changed.insert(std::move(path));
      }
    }
    // Each entry: "<mode> <type> <object>\t<path>"; a file the remote removed has none.
    for (const auto& entry : split_nul(m_git.run({"ls-tree", "-r", "-z", *at.remote, "--", "incidents/"}).out)) {
      const auto tab = entry.find('\t');
      if (tab == std::string::npos) {
        continue;
      }
      const std::string path = entry.substr(tab + 1);
      const auto id = incident_id_of(path);
      if (!id || (at.base && changed.count(path) == 0)) {
        continue;  // not an incident file (never taken into this state dir), or not changed
      }
      const std::string origin = fmt::format("origin/{}:{}", m_options.branch, path);
      if (!entry.starts_with("100644 blob ") && !entry.starts_with("100755 blob ")) {
        throw DataError({origin, 0, 0}, "not a regular file in the remote (a link or a directory); refusing it",
                        ExitCode::corrupt_state);
      }
      const std::string object = entry.substr(12, tab - 12);
      files.push_back({*id, origin, m_git.run({"cat-file", "blob", object}).out});
    }
    return files;
  }

  // Each incoming file read as strictly as a local one, all before any is merged.
  static void check_incoming(const std::vector<IncomingFile>& files) {
    for (const auto& file : files) {
      if (file.text.size() > k_max_incident_file_bytes) {
        throw DataError({file.origin, 0, 0},
                        fmt::format("{} bytes, more than an incident file may hold", file.text.size()),
                        ExitCode::corrupt_state);
      }
      (void)fold(file.id, parse_incident_file(file.text, file.origin, file.id));
    }
  }

  // The local incident files git sees as changed, each read (a file a plain git merge
  // left with conflict markers is refused here, before anything is committed).
  std::vector<std::string> local_changes() const {
    std::vector<std::string> ids;
    const auto entries = split_nul(m_git.run({"status", "--porcelain", "-z", "--untracked-files=all", "--",
                                              "incidents/"})
                                       .out);
    for (const auto& entry : entries) {
      if (entry.size() < 4) {
        continue;
      }
      const auto id = incident_id_of(std::string_view(entry).substr(3));
      std::error_code error;
      if (id && fs::exists(m_store.incident_path(*id), error)) {
        (void)m_store.load(*id);
        ids.push_back(*id);
      }
    }
    return ids;
  }

  // One attempt: merge what came in, commit, push. False when the push lost a race.
  bool attempt(SyncReport& report) {
    fetch();
    const Remote at = refs();
    const std::vector<IncomingFile> files = incoming_files(at);
    check_incoming(files);
    for (const auto& file : files) {
      Store::Merged merged = m_store.merge(file.id, file.text, file.origin);
      if (!merged.added.empty()) {
        report.incoming.push_back({file.id, merged.created, std::move(merged.added)});
      }
    }
    m_git.run({"add", "--ignore-removal", "--", ".gitignore", "incidents/"});
    const std::string tree = m_git.out({"write-tree"});
    const bool merging = !at.remote_merged();
    std::vector<std::string> touched;
    {
      std::vector<std::string> args = {"diff", "--cached", "--name-only", "-z"};
      args.push_back(at.head ? *at.head : m_git.out({"hash-object", "-t", "tree", "/dev/null"}));
      args.insert(args.end(), {"--", "incidents/"});
      for (const auto& path : split_nul(m_git.run(args).out)) {
        if (const auto id = incident_id_of(path)) {
          touched.push_back(*id);
        }
      }
    }
    std::string next;
    if (at.head && !merging && tree == m_git.out({"rev-parse", *at.head + "^{tree}"})) {
      next = *at.head;  // nothing new here
    } else if (merging && at.head_behind() &&
               tree == m_git.out({"rev-parse", *at.remote + "^{tree}"})) {
      next = *at.remote;  // the remote's commit is exactly this: fast-forward
    } else {
      report.commit_message = commit_message(touched, merging);
      std::vector<std::string> args = {"commit-tree", tree};
      if (at.head) {
        args.insert(args.end(), {"-p", *at.head});
      }
      if (merging) {
        args.insert(args.end(), {"-p", *at.remote});
      }
      args.insert(args.end(), {"-m", report.commit_message});
      next = m_git.out(args);
      report.committed = true;
    }
    if (!at.head || next != *at.head) {
      m_git.run({"update-ref", m_branch_ref, next, at.head ? *at.head : std::string(k_no_commit)});
    }
    if (at.remote && next == *at.remote) {
      return true;  // the remote has it all
    }
    report.outgoing = changed_between(at.remote, next);
    ++report.attempts;
    const ProcessResult pushed = m_git.run(
        {"push", "--quiet", "--porcelain", "origin", fmt::format("{}:{}", m_branch_ref, m_branch_ref)}, false);
    if (pushed.exit_code == 0) {
      report.pushed = true;
      return true;
    }
    const std::string said = pushed.out + pushed.err;
    if (said.find("[rejected]") != std::string::npos || said.find("fetch first") != std::string::npos ||
        said.find("non-fast-forward") != std::string::npos) {
      return false;
    }
    throw SyncError(fmt::format("git push failed (exit {}): {}", pushed.exit_code,
                                text::one_line(trimmed(pushed.err.empty() ? pushed.out : pushed.err))));
  }

  // The incidents whose files differ between the remote's commit (none: all) and `next`.
  std::vector<std::string> changed_between(const std::optional<std::string>& remote, const std::string& next) const {
    std::vector<std::string> paths =
        remote ? split_nul(m_git.run({"diff", "--name-only", "-z", *remote, next, "--", "incidents/"}).out)
               : split_nul(m_git.run({"ls-tree", "-r", "--name-only", "-z", next, "--", "incidents/"}).out);
    std::vector<std::string> ids;
    for (const auto& path : paths) {
      if (const auto id = incident_id_of(path)) {
        ids.push_back(*id);
      }
    }
    return ids;
  }

  std::string commit_message(const std::vector<std::string>& touched, bool merging) const {
    std::vector<std::string> named(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(
                                                                           std::min(touched.size(), k_most_named)));
    std::string what = touched.empty() ? std::string(merging ? "merge" : "state")
                                       : text::join(named) + (touched.size() > named.size()
                                                                  ? fmt::format(" and {} more", touched.size() - named.size())
                                                                  : "");
    return fmt::format("incident sync: {} ({})", what, git_name(m_options.actor));
  }

  SyncReport run() {
    require_working_copy();
    const FileLock lock(sync_lock_path(), std::chrono::milliseconds{0});
    remove_git_locks();
    (void)local_changes();  // refuse a broken local file before anything goes out
    write_gitignore();
    SyncReport report;
    for (int i = 0; i < std::max(1, m_options.attempts); ++i) {
      if (attempt(report)) {
        return report;
      }
    }
    throw SyncError(fmt::format("the remote kept changing: {} pushes were refused because another machine pushed "
                                "first; run 'incident sync' again",
                                report.attempts));
  }

  SyncStatus status() {
    require_working_copy();
    const FileLock lock(sync_lock_path(), std::chrono::milliseconds{0});
    remove_git_locks();
    fetch();
    const Remote at = refs();
    SyncStatus status;
    status.remote_has_branch = at.remote.has_value();
    const std::vector<IncomingFile> files = incoming_files(at);
    check_incoming(files);
    for (const auto& file : files) {
      std::set<std::string> known;
      bool created = true;
      try {
        for (const auto& event : m_store.load(file.id).events) {
          known.insert(event.id);
        }
        created = false;
      } catch (const NotFoundError&) {
      }
      IncomingIncident incoming{file.id, created, {}};
      for (auto& event : parse_incident_file(file.text, file.origin, file.id)) {
        if (known.count(event.id) == 0) {
          incoming.events.push_back(std::move(event));
        }
      }
      std::sort(incoming.events.begin(), incoming.events.end());
      if (!incoming.events.empty()) {
        status.incoming.push_back(std::move(incoming));
      }
    }
    std::set<std::string> outgoing;
    for (const auto& id : local_changes()) {
      outgoing.insert(id);
    }
    if (at.head) {
      for (const auto& id : changed_between(at.remote ? at.base : std::nullopt, *at.head)) {
        outgoing.insert(id);
      }
    }
    status.outgoing.assign(outgoing.begin(), outgoing.end());
    return status;
  }

  void init(const std::string& remote) {
    if (remote.empty() || remote.front() == '-' || text::escape_control(remote) != remote) {
      throw UsageError(fmt::format("'{}' is not a git remote (a URL such as git@host:team/incidents.git, or a "
                                   "path)",
                                   text::escape_control(remote)));
    }
    std::error_code error;
    fs::create_directories(m_store.root() / "incidents", error);
    if (error) {
      throw Error(fmt::format("cannot create {}: {}", (m_store.root() / "incidents").string(), error.message()));
    }
    fs::permissions(m_store.root(), fs::perms::owner_all, error);
    fs::permissions(m_store.root() / "incidents", fs::perms::owner_all, error);
    if (fs::exists(m_store.root() / ".git", error)) {
      const ProcessResult url = m_git.run({"remote", "get-url", "origin"}, false);
      if (url.exit_code != 0 || trimmed(url.out) != remote) {
        throw SyncError(fmt::format("{} is already synced with {}; not changing it to {}", m_store.root().string(),
                                    url.exit_code == 0 ? trimmed(url.out) : std::string("no remote"), remote));
      }
      return;
    }
    m_git.run({"init", "--quiet", "--initial-branch=" + m_options.branch});
    m_git.run({"remote", "add", "origin", remote});
  }

private:
  Store& m_store;
  const SyncOptions& m_options;
  Git m_git;
  std::string m_remote_ref;
  std::string m_branch_ref;
};

}  // namespace

SyncReport sync_init(Store& store, const std::string& remote, const SyncOptions& options) {
  Sync sync(store, options);
  sync.init(remote);
  return sync.run();
}

SyncReport sync(Store& store, const SyncOptions& options) { return Sync(store, options).run(); }

SyncStatus sync_status(Store& store, const SyncOptions& options) { return Sync(store, options).status(); }

}  // namespace incident
