#pragma once
// Chat targets a message can be posted to: a Slack incoming webhook, Slack's Web API with
// a bot token (chat.postMessage, which threads), and Mattermost, Microsoft Teams and
// Discord webhooks. Where they are configured (environment and the user's config file),
// what each is sent (its own payload, escaped and with channel-wide mentions
// neutralised) and what its answer means. No I/O but reading the config file: the HTTP is
// http.hpp's, the queue and the sending outbox.hpp's.
//
// A webhook URL and a token are secrets: nothing here puts one into a message, an error
// or a file; ChatConfig::secrets() lists them so the callers can redact what a server or
// libcurl says.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incident/http.hpp"
#include "incident/incident.hpp"
#include "incident/settings.hpp"

namespace incident {

enum class ChatKind { slack_webhook, slack, mattermost, teams, discord };
// The target's name, in messages, the config file and outbox entries: "slack-webhook",
// "slack", "mattermost", "teams", "discord".
std::string_view chat_kind_name(ChatKind kind);

struct ChatTarget {
  ChatKind kind = ChatKind::slack_webhook;
  std::string url;  // the webhook; for `slack`, the Web API's base (https://slack.com/api)
  std::string token;  // `slack` only: the bot token (xoxb-...)
  std::string channel;  // `slack` only: the channel's id or name
  bool broadcast = false;  // `slack` only: thread replies are also sent to the channel

  [[nodiscard]] std::string_view name() const { return chat_kind_name(kind); }
  // Whether its messages of one incident reply in one thread (chat_thread events).
  [[nodiscard]] bool threads() const { return kind == ChatKind::slack; }
};

struct ChatConfig {
  std::vector<ChatTarget> targets;  // at most one per kind, in ChatKind order
  std::chrono::milliseconds timeout{10'000};  // per request, connecting included

  [[nodiscard]] const ChatTarget* find(std::string_view name) const;
  // Every URL and token, longest first: to cut out of anything shown.
  [[nodiscard]] std::vector<std::string> secrets() const;
};

// The environment variables, one per setting (documented in README.md). Each overrides the
// config file's value of that setting.
const std::vector<EnvironmentVariable>& chat_variables();

// The configuration: the `chat:` section of config_file (absent file: none), then the
// environment on top. Throws DataError ("path:line:column: ...", with did-you-mean) for a
// bad config file, and Error when the file holds a secret but is readable or writable by
// others than its owner ("chmod 600 PATH"), or a value is unusable (a URL that is not
// https://, or http:// to another host than this one; a token without a channel). No
// message ever quotes a URL or token.
ChatConfig load_chat_config(const std::filesystem::path& config_file, const EnvLookup& env = process_env);

// `text` with each secret replaced by "<secret>".
std::string redact(std::string text, const std::vector<std::string>& secrets);

// --- what a target is sent ---

// Slack's escaping of message text: & < > as &amp; &lt; &gt; (so "<!channel>", "<@U123>"
// and links in user text are shown, never acted on).
std::string slack_escape(std::string_view text);
// "@channel", "@all", "@here" and "@everyone" with a zero-width space after the '@', so
// they are read but notify nobody (Mattermost parses them in plain text).
std::string neutralise_mentions(std::string_view text);

// The request that posts `text` (a message as printed) to the target; `thread` is the
// incident's thread there, for a target that threads.
HttpRequest chat_request(const ChatTarget& target, std::string_view text, const ChatThread* thread);

// What a target's answer means.
struct ChatVerdict {
  enum class Kind { sent, rate_limited, failed };
  Kind kind = Kind::failed;
  std::string error;  // failed, rate_limited: one line ("HTTP 500: ...", "Slack: channel_not_found")
  std::chrono::seconds wait{0};  // rate_limited: how long the target asks us to wait
  std::optional<ChatThread> thread;  // sent to a target that threads: where the message is
};
ChatVerdict judge_response(const ChatTarget& target, const HttpResponse& response);

}  // namespace incident
