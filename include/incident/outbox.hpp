#pragma once
// Messages on their way to chat. Each message for each target is first written to the
// outbox (<state dir>/outbox, one JSON file per message and target, named so that a
// listing is the order they were queued in), then sent, then removed: a post that fails,
// times out or is killed leaves it there for the next post or `incident post --retry`.
// One sender at a time (the outbox's lock), so a message is never sent twice by two
// commands; an entry leaves the outbox only when its target has answered that it has it.
// (A target that took a message but whose answer never came, a timeout, cannot be told
// from one that did not: that message is sent again. Webhooks have no idempotency key.)
// The outbox is local to the machine: sync never commits it.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "incident/chat.hpp"
#include "incident/http.hpp"
#include "incident/store.hpp"
#include "incident/writes.hpp"

namespace incident {

struct OutboxEntry {
  std::string id;  // the file's name without .json
  std::string target;  // a chat target's name (chat_kind_name)
  std::string incident;  // the incident's id
  std::string name;  // the message's name ("Investigation Update")
  std::string text;  // the message, as printed
  Timestamp queued_at;
  int attempts = 0;
  std::string last_error;  // "" until an attempt failed; never holds a secret
};

class Outbox {
public:
  explicit Outbox(std::filesystem::path dir, Io& io = system_io());
  [[nodiscard]] const std::filesystem::path& dir() const { return m_dir; }

  // Writes a new entry (atomic, mode 0600) and returns it.
  OutboxEntry add(std::string target, std::string incident, std::string name, std::string text, Timestamp now);

  struct Pending {
    std::vector<OutboxEntry> entries;  // oldest first
    std::vector<std::string> unreadable;  // "path: why" for a file that is not an entry (left alone)
  };
  [[nodiscard]] Pending pending() const;

  void save(const OutboxEntry& entry);  // after an attempt: attempts, last_error
  void remove(const OutboxEntry& entry);

  // The lock senders hold; Error(busy) after `timeout`.
  [[nodiscard]] FileLock lock(std::chrono::milliseconds timeout) const;

private:
  [[nodiscard]] std::filesystem::path path_of(const std::string& id) const;
  std::filesystem::path m_dir;
  Io* m_io;
};

// How deliver() posts; http_post unless a test says otherwise.
using Poster = std::function<HttpResponse(const HttpRequest&, std::chrono::milliseconds)>;

// The longest deliver() waits on one target's Retry-After before leaving the message for
// later, and how often it asks again.
inline constexpr std::chrono::seconds k_max_rate_limit_wait{30};
inline constexpr int k_rate_limit_tries = 3;

struct DeliveryReport {
  std::vector<OutboxEntry> sent;
  std::vector<OutboxEntry> waiting;  // still in the outbox; last_error says why
  std::vector<std::string> warnings;  // one line each: an unreadable entry, a target not configured here
};

// Sends every entry waiting in the outbox, oldest first, under the outbox's lock. A
// target's later messages wait behind one that failed (the channel reads in order); other
// targets go on. A target that threads gets the incident's thread from its file, and its
// first message's thread is recorded as a chat_thread event (through `store`, by
// `stamp`'s actor). Errors are redacted of the config's secrets.
DeliveryReport deliver(Outbox& outbox, Store& store, const ChatConfig& config, const Stamp& stamp,
                       const Poster& post = http_post);

}  // namespace incident
