#include "incident/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace incident {

namespace {

// Reads exactly `count` digits at `pos`.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is(std::string_view text, std::size_t pos, char expected) {
  return pos < text.size() && text[pos] == expected;
}

// "00" to "99": two digits at a time (formatting four times per incident listed).
constexpr std::array<char, 200> k_pairs = [] {
  std::array<char, 200> pairs{};
  for (std::size_t i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// Writes `value` (below 10^width) as exactly `width` (2 or 4) digits.
char* put(char* out, unsigned value, int width) {
  if (width == 4) {
    out = put(out, value / 100, 2);
    value %= 100;
  }
  out[0] = k_pairs[std::size_t{2} * value];
  out[1] = k_pairs[std::size_t{2} * value + 1];
  return out + 2;
}

constexpr std::int64_t k_first_second = 0;               // 1970-01-01T00:00:00Z
constexpr std::int64_t k_last_second = 253'402'300'799;  // 9999-12-31T23:59:59Z

// The broken-down UTC time of any instant, computed in 64-bit integers (Howard Hinnant's
// days_from_civil inverse). Neither std::chrono's year_month_day (int years) nor fmt's
// chrono formatting (which goes through nanoseconds, overflowing after 2262) is safe for
// every Timestamp, and a time computed from a file's values (a start plus its SLA) can
// fall outside the years the tool reads.
struct Civil {
  std::int64_t year;
  unsigned month, day, hour, minute, second;
};

Civil civil(Timestamp at) {
  const std::int64_t count = at.time_since_epoch().count();
  std::int64_t days = count / 86400;
  std::int64_t second_of_day = count % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;  // days since 0000-03-01
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_era = z - era * 146097;  // [0, 146096]
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;  // [0, 399]
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;  // [0, 11], from March
  const auto day = static_cast<unsigned>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  const auto seconds = static_cast<unsigned>(second_of_day);
  return Civil{year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60};
}

constexpr std::string_view k_month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  auto year = digits(text, 0, 4);
  auto month = digits(text, 5, 2);
  auto day = digits(text, 8, 2);
  auto hour = digits(text, 11, 2);
  auto minute = digits(text, 14, 2);
  auto second = digits(text, 17, 2);
  const bool separators = is(text, 4, '-') && is(text, 7, '-') &&
                          (is(text, 10, 'T') || is(text, 10, 't') || is(text, 10, ' ')) && is(text, 13, ':') &&
                          is(text, 16, ':');
  if (!year || !month || !day || !hour || !minute || !second || !separators) {
    return std::nullopt;
  }
  // 60 is a leap second in RFC 3339; it is taken as 59 rather than refused.
  if (*year < 1970 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (is(text, pos, '.')) {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == start || pos - start > 9) {
      return std::nullopt;
    }
  }
  Timestamp at = sys_days{date} + hours{*hour} + minutes{*minute} + seconds{*second == 60 ? 59 : *second};
  if (pos + 1 == text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    return at;
  }
  if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') && is(text, pos + 3, ':')) {
    auto offset_hours = digits(text, pos + 1, 2);
    auto offset_minutes = digits(text, pos + 4, 2);
    if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) {
      return std::nullopt;
    }
    const seconds offset = hours{*offset_hours} + minutes{*offset_minutes};
    // Local time = UTC + offset, so UTC = local - offset.
    at = text[pos] == '+' ? at - offset : at + offset;
    // The years are those of the UTC time, the only form the tool writes: a local
    // 1970-01-01T00:30:00+01:00 is 1969 in UTC, and an event stored with it would be
    // written as a time no reader accepts.
    const std::int64_t utc = at.time_since_epoch().count();
    if (utc < k_first_second || utc > k_last_second) {
      return std::nullopt;
    }
    return at;
  }
  return std::nullopt;
}

// Hand-written: `list --json` formats four times per incident, and fmt's chrono
// formatting was a tenth of its cost at 10,000 incidents.
std::string_view format_rfc3339(Timestamp at, Rfc3339Buffer& buffer) {
  const Civil c = civil(at);
  if (c.year < 0 || c.year > 9999) {
    // Not an RFC 3339 year; shown all the same (a computed due time past 9999).
    const auto written = fmt::format_to_n(buffer.data(), buffer.size(), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year,
                                          c.month, c.day, c.hour, c.minute, c.second);
    return {buffer.data(), std::min(buffer.size(), written.size)};
  }
  char* p = put(buffer.data(), static_cast<unsigned>(c.year), 4);
  *p++ = '-';
  p = put(p, c.month, 2);
  *p++ = '-';
  p = put(p, c.day, 2);
  *p++ = 'T';
  p = put(p, c.hour, 2);
  *p++ = ':';
  p = put(p, c.minute, 2);
  *p++ = ':';
  p = put(p, c.second, 2);
  *p = 'Z';
  return {buffer.data(), 20};
}

std::string format_rfc3339(Timestamp at) {
  Rfc3339Buffer buffer;
  return std::string(format_rfc3339(at, buffer));
}

std::string format_minute(Timestamp at) {
  std::string full = format_rfc3339(at);  // "2026-11-27T03:12:00Z"
  if (full.size() != 20) {
    return full;
  }
  char text[17];  // "2026-11-27 03:12Z"
  std::copy_n(full.data(), 10, text);
  text[10] = ' ';
  std::copy_n(full.data() + 11, 5, text + 11);
  text[16] = 'Z';
  return std::string(text, sizeof text);
}

std::string format_clock(Timestamp at, Timestamp reference) {
  const Civil c = civil(at);
  const Civil r = civil(reference);
  if (c.year == r.year && c.month == r.month && c.day == r.day) {
    return fmt::format("{:02}:{:02}Z", c.hour, c.minute);
  }
  return fmt::format("{} {:02} {:02}:{:02}Z", k_month_names[c.month - 1], c.day, c.hour, c.minute);
}

Timestamp now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

}  // namespace incident
