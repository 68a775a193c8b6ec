#include "incident/time.hpp"

#include <fmt/chrono.h>
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
  out[0] = k_pairs[2 * value];
  out[1] = k_pairs[2 * value + 1];
  return out + 2;
}

// The broken-down UTC time, for the years the tool reads and writes (1970..9999);
// nullopt outside them.
struct Civil {
  unsigned year, month, day, hour, minute, second;
};

std::optional<Civil> civil(Timestamp at) {
  using namespace std::chrono;
  constexpr std::int64_t k_last = 253'402'300'799;  // 9999-12-31T23:59:59Z
  const std::int64_t count = at.time_since_epoch().count();
  if (count < 0 || count > k_last) {
    return std::nullopt;
  }
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const auto second_of_day = static_cast<unsigned>((at - day).count());
  return Civil{static_cast<unsigned>(static_cast<int>(date.year())), static_cast<unsigned>(date.month()),
               static_cast<unsigned>(date.day()), second_of_day / 3600, second_of_day / 60 % 60,
               second_of_day % 60};
}

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
    return text[pos] == '+' ? at - offset : at + offset;
  }
  return std::nullopt;
}

// Hand-written: `list --json` formats four times per incident, and fmt's chrono
// formatting was a tenth of its cost at 10,000 incidents.
std::string_view format_rfc3339(Timestamp at, Rfc3339Buffer& buffer) {
  const auto c = civil(at);
  if (!c) {
    const auto written = fmt::format_to_n(buffer.data(), buffer.size(), "{:%Y-%m-%dT%H:%M:%SZ}", at);
    return {buffer.data(), std::min(buffer.size(), written.size)};
  }
  char* p = put(buffer.data(), c->year, 4);
  *p++ = '-';
  p = put(p, c->month, 2);
  *p++ = '-';
  p = put(p, c->day, 2);
  *p++ = 'T';
  p = put(p, c->hour, 2);
  *p++ = ':';
  p = put(p, c->minute, 2);
  *p++ = ':';
  p = put(p, c->second, 2);
  *p = 'Z';
  return {buffer.data(), 20};
}

std::string format_rfc3339(Timestamp at) {
  Rfc3339Buffer buffer;
  return std::string(format_rfc3339(at, buffer));
}

std::string format_minute(Timestamp at) {
  const std::string full = format_rfc3339(at);  // "2026-11-27T03:12:00Z"
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
  using namespace std::chrono;
  if (floor<days>(at) == floor<days>(reference)) {
    return fmt::format("{:%H:%MZ}", at);
  }
  return fmt::format("{:%b %d %H:%MZ}", at);
}

Timestamp now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

}  // namespace incident
