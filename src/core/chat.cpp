#include "incident/chat.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "incident/error.hpp"
#include "incident/file_io.hpp"
#include "incident/text.hpp"
#include "config_reader.hpp"
#include "yaml_tree.hpp"

namespace incident {

namespace {

constexpr std::array<std::string_view, 5> k_kind_names = {"slack-webhook", "slack", "mattermost", "teams", "discord"};
constexpr std::string_view k_slack_api = "https://slack.com/api";
constexpr std::chrono::seconds k_max_timeout{300};
// Discord refuses content longer than this many characters.
constexpr std::size_t k_discord_limit = 2000;
// A part of a webhook's path this long may be its secret (Slack's is 24 characters,
// Discord's token 68); shorter ones are words like "services" and "webhooks".
constexpr std::size_t k_min_secret_part = 12;

// A target's settings as read so far; empty strings are unset.
struct TargetSettings {
  std::string url, token, channel, broadcast, api_url;
};

const std::vector<EnvironmentVariable> k_variables = {
    {"INCIDENT_SLACK_WEBHOOK_URL", "a Slack incoming webhook (secret)"},
    {"INCIDENT_SLACK_TOKEN", "a Slack bot token for chat.postMessage, which threads (secret)"},
    {"INCIDENT_SLACK_CHANNEL", "the channel the bot posts to (id or name)"},
    {"INCIDENT_SLACK_BROADCAST", "1: thread replies are also sent to the channel"},
    {"INCIDENT_SLACK_API_URL", "the Slack Web API (default https://slack.com/api)"},
    {"INCIDENT_MATTERMOST_WEBHOOK_URL", "a Mattermost incoming webhook (secret)"},
    {"INCIDENT_TEAMS_WEBHOOK_URL", "a Microsoft Teams workflow webhook (secret)"},
    {"INCIDENT_DISCORD_WEBHOOK_URL", "a Discord webhook (secret)"},
    {"INCIDENT_CHAT_TIMEOUT", "seconds a post may take, connecting included (default 10)"},
};

// --- the config file ---

struct FileConfig {
  std::array<TargetSettings, 5> targets;
  std::string timeout;
  bool has_secret = false;
};

FileConfig read_chat_section(const std::filesystem::path& path) {
  FileConfig config;
  const auto chat = read_config_section(path, "chat");
  if (chat) {
    const ConfigReader& reader = chat->reader;
    const yaml::Node& section = chat->node;
    std::vector<std::string> known(k_kind_names.begin(), k_kind_names.end());
    known.emplace_back("timeout");
    reader.check_keys(section, known, "chat");
    for (const auto& [name, value] : section.entries) {
      if (name.value == "timeout") {
        config.timeout = reader.scalar(value, "chat.timeout");
        continue;
      }
      const auto kind = static_cast<std::size_t>(
          std::find(k_kind_names.begin(), k_kind_names.end(), name.value) - k_kind_names.begin());
      const std::string what = "chat." + name.value;
      reader.expect_map(value, what);
      const bool slack = name.value == "slack";
      reader.check_keys(value,
                        slack ? std::vector<std::string>{"token", "channel", "broadcast", "api_url"}
                              : std::vector<std::string>{"url"},
                        what);
      TargetSettings& settings = config.targets.at(kind);
      for (const auto& [field, setting] : value.entries) {
        std::string& slot = field.value == "url"       ? settings.url
                            : field.value == "token"   ? settings.token
                            : field.value == "channel" ? settings.channel
                            : field.value == "broadcast" ? settings.broadcast
                                                         : settings.api_url;
        slot = reader.scalar(setting, what + "." + field.value);
        config.has_secret = config.has_secret || field.value == "url" || field.value == "token";
      }
    }
  }
  if (config.has_secret) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      throw Error(fmt::format("{} holds chat secrets but others can read or change it (mode {:04o}); run: chmod 600 {}",
                              path.string(), info.st_mode & 07777, path.string()));
    }
  }
  return config;
}

// --- checking values (never quoting a secret) ---

bool starts_with_icase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text::iequals(text.substr(0, prefix.size()), prefix);
}

// A URL or token cannot hold a blank or a line break (a paste that took too much).
bool has_blank(std::string_view value) {
  return text::has_line_break(value) || value.find_first_of(" \t") != std::string_view::npos;
}

// An https:// URL, or http:// to this machine (a local relay, the tests' server).
void check_url(const std::string& url, std::string_view where) {
  if (has_blank(url)) {
    throw Error(fmt::format("{} is not a URL (it holds a space or line break)", where));
  }
  if (starts_with_icase(url, "https://") && url.size() > 8) {
    return;
  }
  if (starts_with_icase(url, "http://")) {
    const std::string_view rest = std::string_view(url).substr(7);
    const std::string_view host = rest.substr(0, rest.find_first_of(":/?#"));
    if (host == "127.0.0.1" || host == "localhost" || host == "[::1]") {
      return;
    }
    throw Error(fmt::format("{} is an http:// URL to another machine: the secret would travel unencrypted; "
                            "use https://",
                            where));
  }
  throw Error(fmt::format("{} is not an https:// URL", where));
}

std::chrono::milliseconds parse_timeout(const std::string& value, std::string_view where) {
  std::string_view digits = value;
  if (!digits.empty() && digits.back() == 's') {
    digits.remove_suffix(1);
  }
  long long seconds = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || seconds < 1 ||
      seconds > k_max_timeout.count()) {
    throw UsageError(fmt::format("{}: '{}' is not a number of seconds from 1 to {}", where,
                                 text::escape_control(value), k_max_timeout.count()));
  }
  return std::chrono::seconds(seconds);
}

bool parse_flag(const std::string& value, std::string_view where) {
  const std::string lower = text::to_lower(value);
  if (lower == "1" || lower == "true" || lower == "yes") {
    return true;
  }
  if (lower.empty() || lower == "0" || lower == "false" || lower == "no") {
    return false;
  }
  throw UsageError(fmt::format("{}: '{}' is not true or false", where, text::escape_control(value)));
}

// The environment's value when set, else the file's; `where` names what the value came from.
struct Value {
  std::string text;
  std::string where;
};
Value pick(const EnvLookup& env, std::string_view variable, const std::string& file_value, std::string_view file_key) {
  if (auto value = env(variable)) {
    return {*value, std::string(variable)};
  }
  return {file_value, fmt::format("chat.{} in the config file", file_key)};
}

std::string json_text(const nlohmann::json& document) { return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// The text cut to Discord's limit, at a line break where one is near, with a note.
std::string discord_content(std::string_view text) {
  std::size_t characters = 0;
  std::size_t cut = 0;  // byte offset where the limit falls
  for (std::size_t at = 0; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0U) != 0x80) {
      if (++characters > k_discord_limit - 80) {
        cut = at;
        break;
      }
    }
  }
  if (cut == 0) {
    return std::string(text);
  }
  const auto line_end = text.rfind('\n', cut);
  if (line_end != std::string_view::npos && line_end > cut / 2) {
    cut = line_end;
  }
  return fmt::format("{}\n… (cut: Discord takes {} characters; see `incident show`)", text.substr(0, cut),
                     k_discord_limit);
}

// One Adaptive Card text block per line: Teams' markdown joins single line breaks.
nlohmann::json teams_card(std::string_view text) {
  nlohmann::json body = nlohmann::json::array();
  bool gap = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(start, end - start);
    if (line.find_first_not_of(' ') == std::string_view::npos) {
      gap = true;
    } else {
      nlohmann::json block = {{"type", "TextBlock"}, {"text", std::string(line)}, {"wrap", true}};
      block["spacing"] = gap ? "Medium" : "None";
      if (body.empty()) {
        block["weight"] = "Bolder";
      }
      body.push_back(std::move(block));
      gap = false;
    }
    start = end + 1;
  }
  return {{"type", "message"},
          {"attachments",
           {{{"contentType", "application/vnd.microsoft.card.adaptive"},
             {"contentUrl", nullptr},
             {"content",
              {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
               {"type", "AdaptiveCard"},
               {"version", "1.4"},
               {"body", body}}}}}}};
}

std::string first_line(std::string_view text, std::size_t most = 200) {
  const std::string line = text::cut(text.substr(0, text.find_first_of("\r\n")), most);
  return text::escape_control(text::replace_invalid_utf8(line));
}

}  // namespace

std::string_view chat_kind_name(ChatKind kind) { return k_kind_names.at(static_cast<std::size_t>(kind)); }

const ChatTarget* ChatConfig::find(std::string_view name) const {
  const auto found = std::find_if(targets.begin(), targets.end(), [&](const ChatTarget& t) { return t.name() == name; });
  return found == targets.end() ? nullptr : &*found;
}

std::vector<std::string> ChatConfig::secrets() const {
  std::vector<std::string> out;
  for (const auto& target : targets) {
    if (!target.token.empty()) {
      out.push_back(target.token);
    }
    if (target.kind == ChatKind::slack || target.url.empty()) {
      continue;  // the Web API's address is no secret
    }
    // A webhook's secret is in its path: the whole URL, the path, and each long part of it
    // (a server may quote any of them).
    out.push_back(target.url);
    const auto host_end = target.url.find('/', target.url.find("://") + 3);
    if (host_end == std::string::npos) {
      continue;
    }
    const std::string path = target.url.substr(host_end + 1);
    if (path.size() >= k_min_secret_part) {
      out.push_back(path);
    }
    std::size_t start = 0;
    while (start < path.size()) {
      const auto end = std::min(path.find_first_of("/?&=", start), path.size());
      if (end - start >= k_min_secret_part) {
        out.push_back(path.substr(start, end - start));
      }
      start = end + 1;
    }
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const std::vector<EnvironmentVariable>& chat_variables() { return k_variables; }

ChatConfig load_chat_config(const std::filesystem::path& config_file, const EnvLookup& env) {
  const FileConfig file = config_file.empty() ? FileConfig{} : read_chat_section(config_file);
  ChatConfig config;
  if (const Value timeout = pick(env, "INCIDENT_CHAT_TIMEOUT", file.timeout, "timeout"); !timeout.text.empty()) {
    config.timeout = parse_timeout(timeout.text, timeout.where);
  }
  const std::array<std::string_view, 5> url_variables = {"INCIDENT_SLACK_WEBHOOK_URL", "", "INCIDENT_MATTERMOST_WEBHOOK_URL",
                                                        "INCIDENT_TEAMS_WEBHOOK_URL", "INCIDENT_DISCORD_WEBHOOK_URL"};
  for (std::size_t i = 0; i < k_kind_names.size(); ++i) {
    const TargetSettings& settings = file.targets.at(i);
    ChatTarget target;
    target.kind = static_cast<ChatKind>(i);
    if (target.kind == ChatKind::slack) {
      const Value token = pick(env, "INCIDENT_SLACK_TOKEN", settings.token, "slack.token");
      if (token.text.empty()) {
        continue;
      }
      if (has_blank(token.text)) {
        throw Error(fmt::format("{} is not a token (it holds a space or line break)", token.where));
      }
      const Value channel = pick(env, "INCIDENT_SLACK_CHANNEL", settings.channel, "slack.channel");
      if (channel.text.empty()) {
        throw Error(fmt::format("{} is set but no channel: set INCIDENT_SLACK_CHANNEL (or chat.slack.channel)",
                                token.where));
      }
      const Value api = pick(env, "INCIDENT_SLACK_API_URL", settings.api_url, "slack.api_url");
      target.url = api.text.empty() ? std::string(k_slack_api) : api.text;
      check_url(target.url, api.where);
      while (!target.url.empty() && target.url.back() == '/') {
        target.url.pop_back();
      }
      target.token = token.text;
      target.channel = text::one_line(channel.text);
      const Value broadcast = pick(env, "INCIDENT_SLACK_BROADCAST", settings.broadcast, "slack.broadcast");
      target.broadcast = parse_flag(broadcast.text, broadcast.where);
    } else {
      const Value url = pick(env, url_variables.at(i), settings.url, fmt::format("{}.url", k_kind_names.at(i)));
      if (url.text.empty()) {
        continue;
      }
      check_url(url.text, url.where);
      target.url = url.text;
    }
    config.targets.push_back(std::move(target));
  }
  return config;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 8)) {
      text.replace(at, secret.size(), "<secret>");
    }
  }
  return text;
}

std::string slack_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string neutralise_mentions(std::string_view text) {
  static constexpr std::array<std::string_view, 4> k_words = {"channel", "all", "here", "everyone"};
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size(); ++at) {
    out += text[at];
    if (text[at] != '@') {
      continue;
    }
    for (const auto word : k_words) {
      const std::string_view rest = text.substr(at + 1);
      const bool ends = rest.size() == word.size() || !std::isalnum(static_cast<unsigned char>(rest[word.size()]));
      if (rest.size() >= word.size() && text::iequals(rest.substr(0, word.size()), word) && ends) {
        out += "\u200B";
        break;
      }
    }
  }
  return out;
}

HttpRequest chat_request(const ChatTarget& target, std::string_view text, const ChatThread* thread) {
  HttpRequest request;
  request.url = target.url;
  request.headers.emplace_back("Content-Type: application/json; charset=utf-8");
  const std::string clean = text::replace_invalid_utf8(text);
  switch (target.kind) {
    case ChatKind::slack_webhook:
      request.body = json_text({{"text", slack_escape(clean)}});
      break;
    case ChatKind::slack: {
      request.url += "/chat.postMessage";
      request.headers.push_back("Authorization: Bearer " + target.token);
      nlohmann::json body = {{"channel", target.channel}, {"text", slack_escape(clean)}};
      if (thread != nullptr && !thread->thread.empty()) {
        body["channel"] = thread->channel.empty() ? target.channel : thread->channel;
        body["thread_ts"] = thread->thread;
        if (target.broadcast) {
          body["reply_broadcast"] = true;
        }
      }
      request.body = json_text(body);
      break;
    }
    case ChatKind::mattermost:
      request.body = json_text({{"text", neutralise_mentions(clean)}});
      break;
    case ChatKind::teams:
      request.body = json_text(teams_card(neutralise_mentions(clean)));
      break;
    case ChatKind::discord:
      // allowed_mentions with nothing to parse: @everyone, @here and <@id> notify nobody.
      request.body = json_text({{"content", discord_content(clean)}, {"allowed_mentions", {{"parse", nlohmann::json::array()}}}});
      break;
  }
  return request;
}

ChatVerdict judge_response(const ChatTarget& target, const HttpResponse& response) {
  ChatVerdict verdict;
  if (response.status == 429) {
    verdict.kind = ChatVerdict::Kind::rate_limited;
    verdict.wait = response.retry_after.value_or(std::chrono::seconds(1));
    verdict.error = fmt::format("rate limited (HTTP 429, retry after {} s)", verdict.wait.count());
    return verdict;
  }
  if (response.status < 200 || response.status > 299) {
    verdict.error = response.body.empty() ? fmt::format("HTTP {}", response.status)
                                          : fmt::format("HTTP {}: {}", response.status, first_line(response.body));
    return verdict;
  }
  if (target.kind != ChatKind::slack) {
    verdict.kind = ChatVerdict::Kind::sent;
    return verdict;
  }
  // The Web API answers 200 with {"ok": false, "error": "..."} for most failures.
  const auto answer = nlohmann::json::parse(response.body, nullptr, false);
  if (!answer.is_object()) {
    verdict.error = "Slack's answer is not JSON";
    return verdict;
  }
  const auto text_of = [&](const char* key) {
    const auto found = answer.find(key);
    return found != answer.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  if (const auto ok = answer.find("ok"); ok == answer.end() || !ok->is_boolean() || !ok->get<bool>()) {
    const std::string error = text_of("error");
    if (error == "ratelimited") {
      verdict.kind = ChatVerdict::Kind::rate_limited;
      verdict.wait = response.retry_after.value_or(std::chrono::seconds(1));
      verdict.error = "rate limited (Slack: ratelimited)";
      return verdict;
    }
    verdict.error = fmt::format("Slack: {}", error.empty() ? std::string("not ok") : first_line(error));
    return verdict;
  }
  verdict.kind = ChatVerdict::Kind::sent;
  if (const std::string ts = text_of("ts"); !ts.empty()) {
    const std::string channel = text_of("channel");
    verdict.thread = ChatThread{channel.empty() ? target.channel : channel, ts};
  }
  return verdict;
}

}  // namespace incident
