#include "context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <map>
#include <stdexcept>
#include <cstdlib>
#include <string_view>

#include "incident/error.hpp"
#include "incident/runbook_cache.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::filesystem::path home_dir() {
  if (auto home = env("HOME"); !home.empty()) {
    return home;
  }
  if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir != nullptr) {
    return entry->pw_dir;
  }
  throw Error("cannot tell the home directory: HOME is not set");
}

// XDG base directory: $VAR if set to an absolute path, else ~/<fallback>.
std::filesystem::path xdg_dir(const char* variable, const char* fallback) {
  std::filesystem::path value = env(variable);
  if (!value.empty() && value.is_absolute()) {
    return value;
  }
  return home_dir() / fallback;
}

// Every byte this program prints goes through text::terminal_safe(). Output for the
// human on stderr is optional: failing to write it never fails the command.
void write_all(std::FILE* stream, std::string_view raw) {
  const std::string text = text::terminal_safe(raw);
  if (std::fwrite(text.data(), 1, text.size(), stream) != text.size() && stream == stdout) {
    throw OutputError();
  }
}

}  // namespace

namespace {

long long microseconds_since(std::chrono::steady_clock::time_point started) {
  return static_cast<long long>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
}

}  // namespace

const Runbook& Context::runbook() {
  if (!m_runbook) {
    const auto path = runbook_path();
    const auto started = std::chrono::steady_clock::now();
    CachedRunbook loaded = load_runbook_cached(path, data_dir() / "templates", cache_dir());
    m_runbook = std::move(loaded.runbook);
    spdlog::debug("loaded runbook {} in {} us (cache: {}{}{})", path.string(), microseconds_since(started),
                  to_string(loaded.outcome), loaded.detail.empty() ? "" : "; ",
                  text::escape_control(loaded.detail));
  }
  return *m_runbook;
}

const Runbook& Context::parse_runbook_now() {
  const auto path = runbook_path();
  const auto started = std::chrono::steady_clock::now();
  m_runbook = load_runbook(path, data_dir() / "templates");
  spdlog::debug("parsed runbook {} in {} us", path.string(), microseconds_since(started));
  return *m_runbook;
}

std::filesystem::path Context::runbook_path() const {
  if (!options.runbook.empty()) {
    return options.runbook;
  }
  std::error_code ignored;
  if (!env("HOME").empty() || !env("XDG_CONFIG_HOME").empty()) {
    auto user = xdg_dir("XDG_CONFIG_HOME", ".config") / "incident" / "runbook.yaml";
    if (std::filesystem::exists(user, ignored)) {
      return user;
    }
  }
  auto bundled = data_dir() / "runbooks" / "default.yaml";
  if (!std::filesystem::exists(bundled, ignored)) {
    throw Error(fmt::format("the bundled runbook is missing ({}); reinstall incident or pass --runbook FILE",
                            bundled.string()));
  }
  return bundled;
}

const std::filesystem::path& Context::data_dir() const {
  if (!m_data_dir) {
    std::error_code error;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) {
      throw Error(fmt::format("cannot locate the incident binary: {}", error.message()));
    }
    m_data_dir = exe.parent_path().parent_path() / "share" / "incident";
  }
  return *m_data_dir;
}

std::filesystem::path Context::config_dir() const { return xdg_dir("XDG_CONFIG_HOME", ".config") / "incident"; }

std::filesystem::path Context::config_file() const { return config_dir() / "config.yaml"; }

void Context::apply_settings() {
  std::map<SettingId, std::string> given = {{SettingId::state_dir, options.state_dir},
                                            {SettingId::runbook, options.runbook},
                                            {SettingId::actor, options.actor},
                                            {SettingId::output, options.json ? "json" : options.output},
                                            {SettingId::color, options.color}};
  if (options.json && !options.output.empty() && options.output != "json") {
    throw UsageError(fmt::format("--json and --output {} contradict each other; give one", options.output));
  }
  // Without a home there is no config file to read (a cron job's empty environment).
  ConfigFile config;
  if (!env("HOME").empty() || !env("XDG_CONFIG_HOME").empty()) {
    config = read_config_file(config_file());
  }
  Settings settings = Settings::resolve(given, process_env, config);
  options.state_dir = settings.value(SettingId::state_dir);
  options.runbook = settings.value(SettingId::runbook);
  options.actor = settings.value(SettingId::actor);
  options.output = settings.value(SettingId::output);
  options.json = options.output == "json";
  options.color = settings.value(SettingId::color).empty() ? "auto" : settings.value(SettingId::color);
  if (const SettingValue& zone = settings.get(SettingId::timezone); zone.source == SettingSource::config) {
    ::setenv("TZ", zone.value.c_str(), 1);
  }
  m_settings = std::move(settings);
}

const Settings& Context::settings() const {
  if (!m_settings) {
    throw std::logic_error("Context::settings() before apply_settings()");
  }
  return *m_settings;
}

const ChatConfig& Context::chat() {
  if (!m_chat) {
    ChatConfig config = load_chat_config(config_file());
    if (config.targets.empty()) {
      throw UsageError(fmt::format("--post: no chat target is configured; set INCIDENT_SLACK_WEBHOOK_URL (or "
                                   "another target's variable, see `incident help post`) or add a chat: section "
                                   "to {}",
                                   config_file().string()));
    }
    m_chat = std::move(config);
  }
  return *m_chat;
}

std::filesystem::path Context::state_dir() const {
  if (!options.state_dir.empty()) {
    return options.state_dir;
  }
  return xdg_dir("XDG_DATA_HOME", ".local/share") / "incident";
}

std::filesystem::path Context::cache_dir() const {
  // A cache is an optimisation: without a home to put it in, the runbook is parsed.
  try {
    return xdg_dir("XDG_CACHE_HOME", ".cache") / "incident";
  } catch (const Error&) {
    return {};
  }
}

std::string Context::actor() const {
  if (!options.actor.empty()) {
    return options.actor;
  }
  // A blank $USER (a cron job's or a container's) says nothing: the account name does.
  if (auto user = env("USER"); user.find_first_not_of(" \t") != std::string::npos) {
    return user;
  }
  if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_name != nullptr) {
    return entry->pw_name;
  }
  return "unknown";
}

void Context::out(std::string_view text) const { write_all(stdout, text); }

bool Context::colour() const {
  if (options.color == "always" || options.color == "never") {
    return options.color == "always";
  }
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) != 0 && (no_color == nullptr || *no_color == '\0') &&
         (term == nullptr || std::string_view(term) != "dumb");
}

void Context::out(const std::vector<text::ToneLine>& lines) const {
  const bool paint = colour();
  std::string screen;
  for (const auto& line : lines) {
    const std::string safe = text::terminal_safe(line.text);
    const char* sgr = line.tone == text::Tone::alarm ? "\x1b[31m" : line.tone == text::Tone::caution ? "\x1b[33m" : "";
    if (!paint || *sgr == '\0') {
      screen += safe;
      continue;
    }
    // Each physical line painted on its own, the reset before its newline, so a pager or a
    // terminal that wraps never carries the colour over.
    std::size_t at = 0;
    while (at < safe.size()) {
      const std::size_t end = std::min(safe.find('\n', at), safe.size());
      screen += fmt::format("{}{}\x1b[0m{}", sgr, std::string_view(safe).substr(at, end - at), end < safe.size() ? "\n" : "");
      at = end + 1;
    }
  }
  if (std::fwrite(screen.data(), 1, screen.size(), stdout) != screen.size()) {
    throw OutputError();
  }
}

void Context::out_json(const nlohmann::ordered_json& document) const {
  write_all(stdout, document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  write_all(stdout, "\n");
}

void Context::hint(std::string_view text) const { write_all(stderr, text); }

void Context::warn(std::string_view message) const {
  write_all(stderr, fmt::format("incident: warning: {}\n", text::escape_control(message)));
}

}  // namespace incident::cli
