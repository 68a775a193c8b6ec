// The time-like values users and files give: RFC 3339 times (`--since`, every event's
// "at"), what people type for `--at` (parse_when: "03:12", "yesterday 23:50", "15m ago"),
// durations (`--within`, the runbook's response_time, update_every, after) and windows
// (the runbook's phase and post-incident windows).
//
// Invariants: a time that parses formats to a time that parses back to the same instant
// (events are written with format_rfc3339 and read with parse_rfc3339); parse_when gives
// exactly one of a time in 1970..9999 or a one-line error, and a relative form is never
// after now; a duration is positive and at most 100 years; a window is non-empty and
// written back as FROM-TO and its unit, it parses to itself.

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "incident/runbook.hpp"
#include "incident/time.hpp"

using namespace incident;

namespace {

constexpr std::int64_t k_hundred_years = std::int64_t{100} * 366 * 24 * 3600;

std::int64_t unit_seconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86400;
    case 'w':
      return 7 * 86400;
    default:
      return 0;
  }
}

void check_time(std::string_view text) {
  const auto at = parse_rfc3339(text);
  if (!at) {
    return;
  }
  const std::string written = format_rfc3339(*at);
  const auto reread = parse_rfc3339(written);
  FUZZ_CHECK(reread.has_value(), "'%.*s' formats as '%s', which does not parse", static_cast<int>(text.size()),
             text.data(), written.c_str());
  FUZZ_CHECK(*reread == *at, "'%s' parses to another instant", written.c_str());
  FUZZ_CHECK(format_rfc3339(*reread) == written, "'%s' formats differently the second time", written.c_str());
  Rfc3339Buffer buffer;
  FUZZ_CHECK(format_rfc3339(*at, buffer) == written, "the two format_rfc3339 disagree on '%s'", written.c_str());
  (void)format_minute(*at);
  (void)format_clock(*at, *at);
  (void)format_clock(*at, Timestamp{});
}

void check_when(std::string_view text) {
  static const Timestamp now = *parse_rfc3339("2026-12-02T09:00:00Z");
  static const Zone cet = *Zone::named("CET-1CEST,M3.5.0,M10.5.0/3");
  static const Zone utc = Zone::utc();
  static const Timestamp first = *parse_rfc3339("1970-01-01T00:00:00Z");
  static const Timestamp last = *parse_rfc3339("9999-12-31T23:59:59Z");
  for (const Zone* zone : {&cet, &utc}) {
    const ParsedWhen parsed = parse_when(text, now, *zone);
    FUZZ_CHECK(parsed.at.has_value() != !parsed.error.empty(), "'%.*s': a time and an error, or neither",
               static_cast<int>(text.size()), text.data());
    if (!parsed.at) {
      FUZZ_CHECK(parsed.error.find('\n') == std::string::npos, "a two-line error: %s", parsed.error.c_str());
      continue;
    }
    FUZZ_CHECK(*parsed.at >= first && *parsed.at <= last, "'%.*s' read as %s", static_cast<int>(text.size()),
               text.data(), format_rfc3339(*parsed.at).c_str());
    const bool relative = !text.empty() && (text.front() == '-' || text.ends_with("ago"));
    FUZZ_CHECK(!relative || *parsed.at <= now, "'%.*s' is after now", static_cast<int>(text.size()), text.data());
    (void)format_local_minute(*parsed.at, *zone);
    (void)format_local_clock(*parsed.at, now, *zone);
    (void)format_relative(*parsed.at, now);
  }
}

void check_duration(std::string_view text) {
  const auto duration = parse_duration(text);
  if (!duration) {
    return;
  }
  FUZZ_CHECK(duration->count() > 0 && duration->count() <= k_hundred_years, "duration of %lld s",
             static_cast<long long>(duration->count()));
  (void)format_duration_words(*duration);
  (void)format_duration_short(*duration);
  (void)format_duration_short(-*duration);
}

void check_window(std::string_view text) {
  const auto window = parse_window(text);
  if (!window) {
    return;
  }
  const std::int64_t unit = unit_seconds(window->unit);
  FUZZ_CHECK(unit > 0, "window unit '%c'", window->unit);
  FUZZ_CHECK(window->from.count() >= 0 && window->from < window->to && window->to.count() <= k_hundred_years,
             "window %lld-%lld s", static_cast<long long>(window->from.count()),
             static_cast<long long>(window->to.count()));
  FUZZ_CHECK(window->from.count() % unit == 0 && window->to.count() % unit == 0, "window not in its unit");
  (void)format_window(*window);
  const std::string written =
      fmt::format("{}-{}{}", window->from.count() / unit, window->to.count() / unit, window->unit);
  const auto reread = parse_window(written);
  FUZZ_CHECK(reread && reread->from == window->from && reread->to == window->to && reread->unit == window->unit,
             "window '%s' does not parse back", written.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  check_time(text);
  check_when(text);
  check_duration(text);
  check_window(text);
  return 0;
}
