#pragma once
// Sync over git: the state dir is a working copy of a remote every teammate shares, with
// the system `git` as a child process (process.hpp). git only stores and moves the files:
// it never merges them. An incident changed on two machines is merged here, as the union
// of both copies' events (Store::merge), and the merge commit is made with git's plumbing
// (write-tree, commit-tree, update-ref), so git never writes an incident file and no
// merge driver has to travel with a clone.
//
// What is committed: incidents/<id>.json and .gitignore. The index, the lock, temp files
// and anything else in the state dir are ignored. A file removed locally is not removed
// from the remote (an incident never disappears from a teammate's laptop).

#include <chrono>
#include <string>
#include <vector>

#include "incident/error.hpp"
#include "incident/event.hpp"
#include "incident/store.hpp"

namespace incident {

struct SyncOptions {
  std::string actor;  // the commits' author and committer (no git identity needed)
  std::string branch = "main";
  std::chrono::milliseconds git_timeout{120'000};  // each git command
  int attempts = 5;  // pushes tried when another machine pushed first
};

// What came in for one incident: events new here, by whom.
struct IncomingIncident {
  std::string id;
  bool created = false;  // the incident is new here
  std::vector<Event> events;
};

struct SyncReport {
  std::vector<IncomingIncident> incoming;
  std::vector<std::string> outgoing;  // incidents whose changes went to the remote
  bool committed = false;  // a commit was made
  bool pushed = false;
  int attempts = 0;  // pushes tried
  std::string commit_message;
};

// What a sync would do, without doing it (after a fetch).
struct SyncStatus {
  std::vector<IncomingIncident> incoming;  // events the remote has and this store lacks
  std::vector<std::string> outgoing;  // incidents changed here and not on the remote
  bool remote_has_branch = false;
};

// A git command failed: its stderr is in the message.
class SyncError : public Error {
public:
  using Error::Error;
};

// Makes the store's root a working copy of `remote` (any git URL or path) and syncs:
// the remote's incidents and the local ones end up in both. Throws SyncError when the
// root is already a working copy of another remote.
SyncReport sync_init(Store& store, const std::string& remote, const SyncOptions& options);

// Commits local changes, fetches, merges what came in, pushes; retries when it loses a
// push race. Throws SyncError when the root is not a working copy, a git command fails,
// or git left a merge unfinished; DataError when an incoming file is not a valid
// incident file (nothing of it is merged).
SyncReport sync(Store& store, const SyncOptions& options);

SyncStatus sync_status(Store& store, const SyncOptions& options);

}  // namespace incident
