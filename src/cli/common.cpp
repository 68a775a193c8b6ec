#include "common.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdlib>

#include "incident/error.hpp"
#include "incident/incident_file.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace {

constexpr Seconds k_future_slack{5 * 60};

}  // namespace

Store open_store(const Context& ctx) {
  auto timeout = Store::k_default_lock_timeout;
  if (const char* value = std::getenv("INCIDENT_LOCK_TIMEOUT_MS"); value != nullptr && *value != '\0') {
    std::int64_t ms = 0;
    const std::string_view text(value);
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc{} || ptr != text.data() + text.size() || ms < 0) {
      throw UsageError(fmt::format("INCIDENT_LOCK_TIMEOUT_MS must be a number of milliseconds, not '{}'",
                                   text::escape_control(text)));
    }
    timeout = std::chrono::milliseconds(ms);
  }
  return Store(ctx.state_dir(), system_io(), timeout);
}

void add_at_option(CLI::App& command, std::string& at) {
  command.add_option("--at", at, "When it happened (RFC 3339, e.g. 2026-11-27T03:12:00Z); default now")
      ->type_name("TIME");
}

Timestamp as_of(const std::string& at_option) {
  if (at_option.empty()) {
    return now();
  }
  auto at = parse_rfc3339(at_option);
  if (!at) {
    throw UsageError(fmt::format("--at '{}' is not an RFC 3339 time (e.g. 2026-11-27T03:12:00Z)",
                                 text::escape_control(at_option)));
  }
  return *at;
}

Timestamp event_time(const std::string& at_option, std::optional<Timestamp> not_before) {
  const Timestamp current = now();
  if (at_option.empty()) {
    return not_before && current < *not_before ? *not_before : current;
  }
  const Timestamp at = as_of(at_option);
  if (at > current + k_future_slack) {
    throw UsageError(fmt::format("--at {} is in the future (now is {})", format_rfc3339(at), format_rfc3339(current)));
  }
  if (not_before && at < *not_before) {
    throw UsageError(fmt::format("--at {} is before the incident started ({})", format_rfc3339(at),
                                 format_rfc3339(*not_before)));
  }
  return at;
}

std::string clean_text(std::string_view value, std::string_view what, std::size_t max_bytes, bool allow_empty) {
  std::string cleaned = text::replace_invalid_utf8(value);
  const auto first = cleaned.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    if (allow_empty) {
      return {};
    }
    throw UsageError(fmt::format("{} is empty", what));
  }
  cleaned = cleaned.substr(first, cleaned.find_last_not_of(" \t\r\n") - first + 1);
  if (cleaned.size() > max_bytes) {
    throw UsageError(fmt::format("{} is too long ({} bytes; at most {})", what, cleaned.size(), max_bytes));
  }
  return cleaned;
}

Event make_event(const Context& ctx, std::string_view type, Timestamp at) {
  Event event;
  event.type = std::string(type);
  event.at = at;
  event.by = clean_text(ctx.actor(), "--as", k_max_name_bytes);
  return event;
}

void set_grade(Event& event, const Severity& severity) {
  event.fields["severity"] = severity.id;
  event.fields["severity_name"] = severity.name;
  event.fields["response_time_seconds"] = std::to_string(severity.response_time.count());
  if (severity.update_every.count() > 0) {
    event.fields["update_every_seconds"] = std::to_string(severity.update_every.count());
  }
}

IdAndValue split_id_and_value(const std::vector<std::string>& positionals) {
  if (positionals.size() == 1) {
    return {"", positionals[0]};
  }
  return {positionals.at(0), positionals.at(1)};
}

void print_result(const Context& ctx, const Incident& incident, const std::string& text) {
  if (ctx.options.json) {
    ctx.out_json(incident_json(incident, true));
  } else {
    ctx.out(text);
  }
}

void conflict(const std::string& message) { throw Error(message, ExitCode::conflict); }

}  // namespace incident::cli
