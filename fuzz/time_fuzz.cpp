// The time-like values users and files give: RFC 3339 times (`--at`, `--since`, every
// event's "at"), durations (`--within`, the runbook's response_time, update_every, after)
// and windows (the runbook's phase and post-incident windows).
//
// Invariants: a time that parses formats to a time that parses back to the same instant
// (events are written with format_rfc3339 and read with parse_rfc3339); a duration is
// positive and at most 100 years; a window is non-empty and written back as FROM-TO and
// its unit, it parses to itself.

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
  check_duration(text);
  check_window(text);
  return 0;
}
