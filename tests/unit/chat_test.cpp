#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>

#include "incident/chat.hpp"
#include "incident/error.hpp"
#include "support/env.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::env_of;
using incident::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

fs::path write_config(const ScratchDir& dir, const std::string& text, mode_t mode = 0600) {
  const fs::path path = dir.path() / "config.yaml";
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

nlohmann::json body_of(const HttpRequest& request) { return nlohmann::json::parse(request.body); }

ChatTarget target(ChatKind kind) {
  ChatTarget t;
  t.kind = kind;
  t.url = "https://example.test/hook/s3cret";
  if (kind == ChatKind::slack) {
    t.url = "https://slack.test/api";
    t.token = "xoxb-s3cret";
    t.channel = "#incidents";
  }
  return t;
}

}  // namespace

TEST_CASE("chat: targets come from the environment, one per kind, in a fixed order") {
  const ChatConfig config = load_chat_config("", env_of({{"INCIDENT_DISCORD_WEBHOOK_URL", "https://discord.test/w/1"},
                                                         {"INCIDENT_SLACK_WEBHOOK_URL", "https://hooks.slack.test/x"},
                                                         {"INCIDENT_SLACK_TOKEN", "xoxb-1"},
                                                         {"INCIDENT_SLACK_CHANNEL", "C42"},
                                                         {"INCIDENT_SLACK_BROADCAST", "yes"},
                                                         {"INCIDENT_CHAT_TIMEOUT", "3"}}));
  REQUIRE(config.targets.size() == 3);
  CHECK(config.targets[0].name() == "slack-webhook");
  CHECK(config.targets[1].name() == "slack");
  CHECK(config.targets[1].url == "https://slack.com/api");
  CHECK(config.targets[1].channel == "C42");
  CHECK(config.targets[1].broadcast);
  CHECK(config.targets[2].name() == "discord");
  CHECK(config.timeout == std::chrono::seconds(3));
  CHECK(config.find("discord") == &config.targets[2]);
  CHECK(config.find("teams") == nullptr);
  CHECK(config.secrets() == std::vector<std::string>{"https://hooks.slack.test/x", "https://discord.test/w/1", "xoxb-1"});
  const ChatConfig slack = load_chat_config(
      "", env_of({{"INCIDENT_SLACK_WEBHOOK_URL", "https://hooks.slack.test/services/T01/B02/abcdefghijklmnopqrstuvwx"}}));
  CHECK(slack.secrets() == std::vector<std::string>{"https://hooks.slack.test/services/T01/B02/abcdefghijklmnopqrstuvwx",
                                                    "services/T01/B02/abcdefghijklmnopqrstuvwx",
                                                    "abcdefghijklmnopqrstuvwx"});
  CHECK(load_chat_config("", env_of({})).targets.empty());
}

TEST_CASE("chat: the config file, under the environment, field by field") {
  ScratchDir dir;
  const auto path = write_config(dir, R"(runbook: elsewhere.yaml
chat:
  timeout: 7s
  slack:
    token: xoxb-from-file
    channel: C1
  teams:
    url: https://teams.test/workflow/abc
)");
  const ChatConfig config = load_chat_config(path, env_of({{"INCIDENT_SLACK_CHANNEL", "C2"}}));
  REQUIRE(config.targets.size() == 2);
  CHECK(config.targets[0].token == "xoxb-from-file");
  CHECK(config.targets[0].channel == "C2");
  CHECK(config.targets[1].url == "https://teams.test/workflow/abc");
  CHECK(config.timeout == std::chrono::seconds(7));
  CHECK(load_chat_config(dir.path() / "absent.yaml", env_of({})).targets.empty());
}

TEST_CASE("chat: a config file holding a secret is refused when others can read it") {
  ScratchDir dir;
  const auto path = write_config(dir, "chat:\n  discord:\n    url: https://discord.test/w/s3cret\n", 0644);
  try {
    load_chat_config(path, env_of({}));
    FAIL("accepted a world-readable secret");
  } catch (const Error& error) {
    const std::string what = error.what();
    CHECK_THAT(what, Catch::Contains("chmod 600 " + path.string()));
    CHECK_THAT(what, Catch::Contains("mode 0644"));
    CHECK_THAT(what, !Catch::Contains("s3cret"));
  }
  ::chmod(path.c_str(), 0600);
  CHECK(load_chat_config(path, env_of({})).targets.size() == 1);
}

TEST_CASE("chat: a bad config file is reported with its position and a suggestion") {
  ScratchDir dir;
  const auto path = write_config(dir, "chat:\n  slak:\n    token: x\n");
  CHECK_THROWS_WITH(load_chat_config(path, env_of({})),
                    Catch::StartsWith(path.string() + ":2:3: unknown key 'slak' in chat (did you mean 'slack'?)"));
  const auto other = write_config(dir, "chat:\n  discord:\n    uri: https://x.test/\n");
  CHECK_THROWS_WITH(load_chat_config(other, env_of({})), Catch::Contains(":3:5: unknown key 'uri' in chat.discord"));
}

TEST_CASE("chat: unusable values are refused without quoting the secret") {
  const auto refused = [](std::map<std::string, std::string> variables) {
    try {
      load_chat_config("", env_of(std::move(variables)));
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  const std::string plain = refused({{"INCIDENT_DISCORD_WEBHOOK_URL", "http://discord.test/w/s3cret"}});
  CHECK_THAT(plain, Catch::Contains("INCIDENT_DISCORD_WEBHOOK_URL is an http:// URL to another machine"));
  CHECK_THAT(plain, !Catch::Contains("s3cret"));
  CHECK_THAT(refused({{"INCIDENT_TEAMS_WEBHOOK_URL", "file:///etc/s3cret"}}),
             Catch::Contains("INCIDENT_TEAMS_WEBHOOK_URL is not an https:// URL") && !Catch::Contains("s3cret"));
  CHECK_THAT(refused({{"INCIDENT_SLACK_TOKEN", "xoxb-s3cret"}}),
             Catch::Contains("no channel") && !Catch::Contains("s3cret"));
  CHECK_THAT(refused({{"INCIDENT_CHAT_TIMEOUT", "0"}}), Catch::Contains("not a number of seconds"));
  CHECK(refused({{"INCIDENT_MATTERMOST_WEBHOOK_URL", "http://127.0.0.1:8065/hooks/x"}}) == "accepted");
}

TEST_CASE("chat: redact cuts every secret out") {
  CHECK(redact("GET https://h.test/s3cret failed, s3cret again", {"https://h.test/s3cret", "s3cret"}) ==
        "GET <secret> failed, <secret> again");
}

TEST_CASE("chat: Slack text is escaped, so a channel-wide mention in user text is shown, not acted on") {
  CHECK(slack_escape("a & b <!channel> <@U1> <https://x|y>") ==
        "a &amp; b &lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt;");
  const auto webhook = chat_request(target(ChatKind::slack_webhook), "DB <!here> & more\nline 2", nullptr);
  CHECK(webhook.url == "https://example.test/hook/s3cret");
  CHECK(body_of(webhook) == nlohmann::json{{"text", "DB &lt;!here&gt; &amp; more\nline 2"}});
}

TEST_CASE("chat: the Slack Web API posts with the token, then replies in the thread") {
  ChatTarget slack = target(ChatKind::slack);
  const auto first = chat_request(slack, "first", nullptr);
  CHECK(first.url == "https://slack.test/api/chat.postMessage");
  CHECK(std::find(first.headers.begin(), first.headers.end(), "Authorization: Bearer xoxb-s3cret") != first.headers.end());
  CHECK(body_of(first) == nlohmann::json{{"channel", "#incidents"}, {"text", "first"}});
  const ChatThread thread{"C0123", "1700000000.000100"};
  CHECK(body_of(chat_request(slack, "later", &thread)) ==
        nlohmann::json{{"channel", "C0123"}, {"text", "later"}, {"thread_ts", "1700000000.000100"}});
  slack.broadcast = true;
  CHECK(body_of(chat_request(slack, "later", &thread))["reply_broadcast"] == true);
}

TEST_CASE("chat: Mattermost, Teams and Discord each get their own payload, mentions neutralised") {
  CHECK(neutralise_mentions("@channel @ALL @here, @everyone @alice @channels") ==
        "@\u200Bchannel @\u200BALL @\u200Bhere, @\u200Beveryone @alice @channels");
  CHECK(body_of(chat_request(target(ChatKind::mattermost), "hi @here", nullptr)) ==
        nlohmann::json{{"text", "hi @\u200Bhere"}});

  const auto teams = body_of(chat_request(target(ChatKind::teams), "Title\nline 1\n\nline 2\n", nullptr));
  CHECK(teams["type"] == "message");
  const auto& card = teams["attachments"][0];
  CHECK(card["contentType"] == "application/vnd.microsoft.card.adaptive");
  const auto& blocks = card["content"]["body"];
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0]["text"] == "Title");
  CHECK(blocks[0]["weight"] == "Bolder");
  CHECK(blocks[1]["spacing"] == "None");
  CHECK(blocks[2]["text"] == "line 2");
  CHECK(blocks[2]["spacing"] == "Medium");

  const auto discord = body_of(chat_request(target(ChatKind::discord), "hi @everyone <@123>", nullptr));
  CHECK(discord["content"] == "hi @everyone <@123>");
  CHECK(discord["allowed_mentions"] == nlohmann::json{{"parse", nlohmann::json::array()}});
  const std::string long_text(3000, 'x');
  const std::string cut = body_of(chat_request(target(ChatKind::discord), long_text, nullptr))["content"];
  CHECK(cut.size() < 2000);
  CHECK_THAT(cut, Catch::Contains("cut: Discord takes 2000 characters"));
}

TEST_CASE("chat: invalid UTF-8 in a message is replaced, never breaks the JSON") {
  const auto request = chat_request(target(ChatKind::mattermost), std::string("bad \xff byte"), nullptr);
  CHECK(body_of(request)["text"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("chat: what an answer means") {
  const ChatTarget webhook = target(ChatKind::slack_webhook);
  CHECK(judge_response(webhook, {200, "ok", {}}).kind == ChatVerdict::Kind::sent);
  CHECK(judge_response(webhook, {204, "", {}}).kind == ChatVerdict::Kind::sent);
  const auto limited = judge_response(webhook, {429, "slow down", std::chrono::seconds(7)});
  CHECK(limited.kind == ChatVerdict::Kind::rate_limited);
  CHECK(limited.wait == std::chrono::seconds(7));
  const auto failed = judge_response(webhook, {500, "boom\nsecond line", {}});
  CHECK(failed.kind == ChatVerdict::Kind::failed);
  CHECK(failed.error == "HTTP 500: boom");

  const ChatTarget slack = target(ChatKind::slack);
  const auto sent = judge_response(slack, {200, R"({"ok":true,"channel":"C9","ts":"17.1"})", {}});
  CHECK(sent.kind == ChatVerdict::Kind::sent);
  REQUIRE(sent.thread);
  CHECK(sent.thread->channel == "C9");
  CHECK(sent.thread->thread == "17.1");
  CHECK(judge_response(slack, {200, R"({"ok":false,"error":"channel_not_found"})", {}}).error ==
        "Slack: channel_not_found");
  CHECK(judge_response(slack, {200, "<html>", {}}).kind == ChatVerdict::Kind::failed);
  CHECK(judge_response(slack, {200, R"({"ok":false,"error":"ratelimited"})", {}}).kind ==
        ChatVerdict::Kind::rate_limited);
}
