#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

#include "incident/error.hpp"
#include "incident/outbox.hpp"
#include "incident/writes.hpp"
#include "support/default_runbook.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::default_runbook;
using incident::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

const Timestamp k_t0 = *parse_rfc3339("2026-11-27T03:12:00Z");

struct Fixture {
  ScratchDir dir;
  Store store{dir.path() / "state"};
  Outbox outbox{dir.path() / "state" / "outbox"};
  Stamp stamp{"alice", k_t0 + std::chrono::minutes(5), std::nullopt};
  std::string id = store.create(open_incident(default_runbook(), {"db down", "P1", "", "", ""}, {"alice", k_t0, {}})).id;
};

ChatConfig config_of(std::vector<ChatKind> kinds) {
  ChatConfig config;
  for (const auto kind : kinds) {
    ChatTarget target;
    target.kind = kind;
    target.url = kind == ChatKind::slack ? "https://slack.test/api" : "https://hooks.test/" + std::string(chat_kind_name(kind));
    target.token = kind == ChatKind::slack ? "xoxb-s3cret" : "";
    target.channel = "#incidents";
    config.targets.push_back(target);
  }
  return config;
}

// A chat service in memory: answers from a script, then 200; records what it was sent.
struct FakeChat {
  std::vector<HttpResponse> script;
  std::vector<HttpRequest> received;
  Poster poster() {
    return [this](const HttpRequest& request, std::chrono::milliseconds) {
      received.push_back(request);
      if (!script.empty()) {
        HttpResponse next = script.front();
        script.erase(script.begin());
        return next;
      }
      const bool slack = request.url.ends_with("chat.postMessage");
      return HttpResponse{200, slack ? R"({"ok":true,"channel":"C9","ts":"17.1"})" : "ok", {}};
    };
  }
};

std::string text_sent(const HttpRequest& request) {
  const auto body = nlohmann::json::parse(request.body);
  return body.contains("text") ? body["text"].get<std::string>() : body["content"].get<std::string>();
}

}  // namespace

TEST_CASE("outbox: entries are kept in the order they were queued, and survive a reload") {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    f.outbox.add("discord", f.id, "Note", "message " + std::to_string(i), k_t0);
  }
  const auto pending = Outbox(f.outbox.dir()).pending();
  REQUIRE(pending.entries.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(pending.entries[static_cast<std::size_t>(i)].text == "message " + std::to_string(i));
    CHECK(pending.entries[static_cast<std::size_t>(i)].incident == f.id);
  }
  CHECK(pending.unreadable.empty());
}

TEST_CASE("outbox: a delivered message leaves the outbox, and is never sent again") {
  Fixture f;
  FakeChat chat;
  f.outbox.add("discord", f.id, "Initial", "opened", k_t0);
  const auto report = deliver(f.outbox, f.store, config_of({ChatKind::discord}), f.stamp, chat.poster());
  CHECK(report.sent.size() == 1);
  CHECK(report.waiting.empty());
  CHECK(f.outbox.pending().entries.empty());
  CHECK(deliver(f.outbox, f.store, config_of({ChatKind::discord}), f.stamp, chat.poster()).sent.empty());
  CHECK(chat.received.size() == 1);
}

TEST_CASE("outbox: after a failure a target's later messages wait behind it, other targets go on") {
  Fixture f;
  FakeChat chat;
  chat.script = {HttpResponse{500, "down", {}}};
  f.outbox.add("discord", f.id, "A", "first", k_t0);
  f.outbox.add("discord", f.id, "B", "second", k_t0);
  f.outbox.add("mattermost", f.id, "A", "first", k_t0);
  const auto config = config_of({ChatKind::mattermost, ChatKind::discord});
  const auto report = deliver(f.outbox, f.store, config, f.stamp, chat.poster());
  CHECK(chat.received.size() == 2);  // discord's first (500), mattermost's; not discord's second
  REQUIRE(report.sent.size() == 1);
  CHECK(report.sent[0].target == "mattermost");
  REQUIRE(report.waiting.size() == 2);
  CHECK(report.waiting[0].last_error == "HTTP 500: down");
  CHECK(report.waiting[0].attempts == 1);
  CHECK(f.outbox.pending().entries.front().attempts == 1);  // saved

  const auto later = deliver(f.outbox, f.store, config, f.stamp, chat.poster());
  REQUIRE(later.sent.size() == 2);
  CHECK(later.sent[0].text == "first");
  CHECK(later.sent[1].text == "second");
  CHECK(f.outbox.pending().entries.empty());
}

TEST_CASE("outbox: Retry-After is waited out, then the message goes") {
  Fixture f;
  FakeChat chat;
  chat.script = {HttpResponse{429, "", std::chrono::seconds(1)}};
  f.outbox.add("discord", f.id, "A", "first", k_t0);
  const auto report = deliver(f.outbox, f.store, config_of({ChatKind::discord}), f.stamp, chat.poster());
  CHECK(report.sent.size() == 1);
  CHECK(chat.received.size() == 2);
}

TEST_CASE("outbox: a Retry-After longer than the wait allowed leaves the message queued") {
  Fixture f;
  FakeChat chat;
  chat.script = {HttpResponse{429, "", k_max_rate_limit_wait + std::chrono::seconds(1)}};
  f.outbox.add("discord", f.id, "A", "first", k_t0);
  const auto report = deliver(f.outbox, f.store, config_of({ChatKind::discord}), f.stamp, chat.poster());
  CHECK(report.sent.empty());
  REQUIRE(report.waiting.size() == 1);
  CHECK_THAT(report.waiting[0].last_error, Catch::Contains("rate limited"));
}

TEST_CASE("outbox: the first Slack message's thread is recorded, and later ones reply in it") {
  Fixture f;
  FakeChat chat;
  const auto config = config_of({ChatKind::slack});
  f.outbox.add("slack", f.id, "Initial", "opened", k_t0);
  deliver(f.outbox, f.store, config, f.stamp, chat.poster());
  const Incident after = f.store.load(f.id);
  REQUIRE(after.chat_threads.count("slack") == 1);
  CHECK(after.chat_threads.at("slack").thread == "17.1");
  CHECK(after.events.back().type == event_type::chat_thread);
  CHECK(after.events.back().by == "alice");

  f.outbox.add("slack", f.id, "Update", "later", k_t0);
  deliver(f.outbox, f.store, config, f.stamp, chat.poster());
  REQUIRE(chat.received.size() == 2);
  const auto body = nlohmann::json::parse(chat.received[1].body);
  CHECK(body["thread_ts"] == "17.1");
  CHECK(body["channel"] == "C9");
  CHECK(f.store.load(f.id).events.size() == after.events.size());  // one thread event, not two
}

TEST_CASE("outbox: a message for a target not configured here waits, with one warning") {
  Fixture f;
  FakeChat chat;
  f.outbox.add("teams", f.id, "A", "one", k_t0);
  f.outbox.add("teams", f.id, "B", "two", k_t0);
  const auto report = deliver(f.outbox, f.store, config_of({ChatKind::discord}), f.stamp, chat.poster());
  CHECK(report.waiting.size() == 2);
  REQUIRE(report.warnings.size() == 1);
  CHECK_THAT(report.warnings[0], Catch::Contains("teams") && Catch::Contains("not configured here"));
  CHECK(chat.received.empty());
}

TEST_CASE("outbox: a file that is not an entry is reported and left alone") {
  Fixture f;
  FakeChat chat;
  f.outbox.add("discord", f.id, "A", "one", k_t0);
  const fs::path junk = f.outbox.dir() / "00000000000000000000-junk.json";
  std::ofstream(junk) << "{ not json";
  const auto report = deliver(f.outbox, f.store, config_of({ChatKind::discord}), f.stamp, chat.poster());
  CHECK(report.sent.size() == 1);
  REQUIRE(report.warnings.size() == 1);
  CHECK_THAT(report.warnings[0], Catch::Contains(junk.string()));
  CHECK(fs::exists(junk));
}

TEST_CASE("outbox: an error that quotes a secret is stored redacted") {
  Fixture f;
  FakeChat chat;
  chat.script = {HttpResponse{400, "bad token xoxb-s3cret for https://slack.test/api", {}}};
  f.outbox.add("slack", f.id, "A", "one", k_t0);
  const auto report = deliver(f.outbox, f.store, config_of({ChatKind::slack}), f.stamp, chat.poster());
  REQUIRE(report.waiting.size() == 1);
  CHECK(report.waiting[0].last_error == "HTTP 400: bad token <secret> for https://slack.test/api");
  for (const auto& entry : fs::directory_iterator(f.outbox.dir())) {
    CHECK_THAT(test::slurp(entry.path()), !Catch::Contains("s3cret"));
  }
}

TEST_CASE("outbox: a message's text is sent as queued") {
  Fixture f;
  FakeChat chat;
  f.outbox.add("discord", f.id, "A", "line 1\nline 2 é", k_t0);
  deliver(f.outbox, f.store, config_of({ChatKind::discord}), f.stamp, chat.poster());
  REQUIRE(chat.received.size() == 1);
  CHECK(text_sent(chat.received[0]) == "line 1\nline 2 é");
}
