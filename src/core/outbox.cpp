#include "incident/outbox.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <thread>

#include "incident/error.hpp"
#include "incident/random.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

constexpr int k_entry_schema = 1;
constexpr std::size_t k_max_entry_bytes = 256 * 1024;
constexpr std::string_view k_suffix = ".json";

std::string entry_json(const OutboxEntry& entry) {
  const nlohmann::ordered_json document = {
      {"schema", k_entry_schema},   {"target", entry.target},
      {"incident", entry.incident}, {"name", entry.name},
      {"text", entry.text},         {"queued_at", format_rfc3339(entry.queued_at)},
      {"attempts", entry.attempts}, {"last_error", entry.last_error},
  };
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// The entry in `text`, or why it is not one.
OutboxEntry parse_entry(const std::string& id, const std::string& text) {
  const auto document = nlohmann::json::parse(text, nullptr, false);
  if (!document.is_object()) {
    throw Error("not a JSON object");
  }
  const auto string_of = [&](const char* key) {
    const auto found = document.find(key);
    if (found == document.end() || !found->is_string()) {
      throw Error(fmt::format("'{}' is missing or not text", key));
    }
    return found->get<std::string>();
  };
  if (const auto schema = document.find("schema"); schema == document.end() || *schema != k_entry_schema) {
    throw Error("not an outbox entry of schema 1 (from a newer version?)");
  }
  OutboxEntry entry;
  entry.id = id;
  entry.target = string_of("target");
  entry.incident = string_of("incident");
  entry.name = string_of("name");
  entry.text = string_of("text");
  entry.last_error = string_of("last_error");
  const auto queued = parse_rfc3339(string_of("queued_at"));
  if (!queued) {
    throw Error("'queued_at' is not an RFC 3339 time");
  }
  entry.queued_at = *queued;
  if (const auto attempts = document.find("attempts"); attempts != document.end() && attempts->is_number_integer()) {
    entry.attempts = static_cast<int>(std::clamp<std::int64_t>(attempts->get<std::int64_t>(), 0, 1'000'000));
  }
  return entry;
}

}  // namespace

Outbox::Outbox(std::filesystem::path dir, Io& io) : m_dir(std::move(dir)), m_io(&io) {}

std::filesystem::path Outbox::path_of(const std::string& id) const { return m_dir / (id + std::string(k_suffix)); }

OutboxEntry Outbox::add(std::string target, std::string incident, std::string name, std::string text, Timestamp now) {
  make_directories(m_dir, 0700, *m_io);
  std::uint32_t random = 0;
  random_bytes(&random, sizeof random);
  const auto nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  OutboxEntry entry;
  entry.id = fmt::format("{:020}-{:08x}-{}", nanoseconds, random, target);
  entry.target = std::move(target);
  entry.incident = std::move(incident);
  entry.name = std::move(name);
  entry.text = std::move(text);
  entry.queued_at = now;
  write_file_atomic(path_of(entry.id), entry_json(entry), *m_io);
  return entry;
}

Outbox::Pending Outbox::pending() const {
  Pending pending;
  std::vector<std::string> names;
  if (m_io->list_directory(m_dir.c_str(), names) != 0) {
    return pending;  // no outbox yet
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (name.size() <= k_suffix.size() || name.front() == '.' || !name.ends_with(k_suffix)) {
      continue;  // the lock, a temp file of a write in progress
    }
    const std::string id = name.substr(0, name.size() - k_suffix.size());
    const auto path = path_of(id);
    try {
      pending.entries.push_back(parse_entry(id, read_file(path, k_max_entry_bytes, *m_io, true)));
    } catch (const Error& error) {
      pending.unreadable.push_back(fmt::format("{}: {}", path.string(), error.what()));
    }
  }
  return pending;
}

void Outbox::save(const OutboxEntry& entry) { write_file_atomic(path_of(entry.id), entry_json(entry), *m_io); }

void Outbox::remove(const OutboxEntry& entry) {
  const auto path = path_of(entry.id);
  if (m_io->unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw Error(fmt::format("cannot remove {} (it was sent; remove it by hand or it is sent again): {}",
                            path.string(), std::strerror(errno)));
  }
}

FileLock Outbox::lock(std::chrono::milliseconds timeout) const {
  make_directories(m_dir, 0700, *m_io);
  return FileLock(m_dir / ".lock", timeout, *m_io);
}

namespace {

// One entry to its target: the verdict of the last answer, waiting out rate limits.
ChatVerdict send(const OutboxEntry& entry, const ChatTarget& target, const ChatThread* thread,
                 const ChatConfig& config, const Poster& post) {
  const HttpRequest request = chat_request(target, entry.text, thread);
  ChatVerdict verdict;
  std::chrono::seconds waited{0};
  for (int attempt = 1; attempt <= k_rate_limit_tries; ++attempt) {
    try {
      verdict = judge_response(target, post(request, config.timeout));
    } catch (const Error& error) {
      verdict = ChatVerdict{ChatVerdict::Kind::failed, error.what(), {}, {}};
    }
    if (verdict.kind != ChatVerdict::Kind::rate_limited || attempt == k_rate_limit_tries ||
        waited + verdict.wait > k_max_rate_limit_wait) {
      break;
    }
    std::this_thread::sleep_for(verdict.wait);
    waited += verdict.wait;
  }
  return verdict;
}

}  // namespace

DeliveryReport deliver(Outbox& outbox, Store& store, const ChatConfig& config, const Stamp& stamp,
                       const Poster& post) {
  DeliveryReport report;
  const FileLock lock = outbox.lock(Store::k_default_lock_timeout);
  Outbox::Pending pending = outbox.pending();
  for (const auto& unreadable : pending.unreadable) {
    report.warnings.push_back(fmt::format("{} is not an outbox entry; it is left alone", unreadable));
  }
  const auto secrets = config.secrets();
  std::set<std::string> blocked;  // targets whose earlier message failed
  std::set<std::string> unknown;
  for (auto& entry : pending.entries) {
    const ChatTarget* target = config.find(entry.target);
    if (target == nullptr || blocked.count(entry.target) > 0) {
      if (target == nullptr && unknown.insert(entry.target).second) {
        report.warnings.push_back(fmt::format("messages for {} wait in {}: it is not configured here",
                                              text::escape_control(entry.target), outbox.dir().string()));
      }
      report.waiting.push_back(entry);
      continue;
    }
    std::optional<ChatThread> thread;
    if (target->threads() && is_valid_incident_id(entry.incident)) {
      try {
        const Incident incident = store.load(entry.incident);
        if (const auto found = incident.chat_threads.find(target->name()); found != incident.chat_threads.end()) {
          thread = found->second;
        }
      } catch (const Error& error) {
        report.warnings.push_back(fmt::format("{}: posted outside its thread: {}", entry.incident, error.what()));
      }
    }
    const ChatVerdict verdict = send(entry, *target, thread ? &*thread : nullptr, config, post);
    if (verdict.kind != ChatVerdict::Kind::sent) {
      ++entry.attempts;
      entry.last_error = text::escape_control(redact(verdict.error, secrets));
      outbox.save(entry);
      blocked.insert(entry.target);
      report.waiting.push_back(entry);
      continue;
    }
    outbox.remove(entry);
    report.sent.push_back(entry);
    if (verdict.thread && !thread && is_valid_incident_id(entry.incident)) {
      try {
        store.append(entry.incident, [&](const Incident& incident) {
          return record_chat_thread(incident, target->name(), verdict.thread->channel, verdict.thread->thread, stamp);
        });
      } catch (const Error& error) {
        report.warnings.push_back(
            fmt::format("{}: the thread was not recorded, later messages start their own: {}", entry.incident,
                        error.what()));
      }
    }
  }
  return report;
}

}  // namespace incident
