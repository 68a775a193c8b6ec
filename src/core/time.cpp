#include "incident/time.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <mutex>
#include <vector>

#include "incident/error.hpp"

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

namespace {

Timestamp system_now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

}  // namespace

Timestamp now_from(const char* incident_now_value) {
  if (incident_now_value == nullptr || *incident_now_value == '\0') {
    return system_now();
  }
  if (auto at = parse_rfc3339(incident_now_value)) {
    return *at;
  }
  throw UsageError("INCIDENT_NOW is not an RFC 3339 time (e.g. 2026-11-27T03:12:00Z); unset it for the system clock");
}

Timestamp now() {
  // Read once: every command sees one clock, however long it runs. A bad value throws
  // here each time (a static whose initialiser throws is tried again).
  static const std::optional<Timestamp> fixed = []() -> std::optional<Timestamp> {
    const char* value = std::getenv("INCIDENT_NOW");
    if (value == nullptr || *value == '\0') {
      return std::nullopt;
    }
    return now_from(value);
  }();
  return fixed ? *fixed : system_now();
}

// ---- Time zones --------------------------------------------------------------------

// What time.cpp needs of a Zone beyond its public face.
struct ZoneAccess {
  static Zone make(Zone::Kind kind, std::string name, bool utc) { return Zone(kind, std::move(name), utc); }
  static bool is_plain_utc(const Zone& zone) { return zone.m_kind == Zone::Kind::utc; }
  static bool is_named(const Zone& zone) { return zone.m_kind == Zone::Kind::named; }
  static void set_utc(Zone& zone, bool utc) { zone.m_utc = utc; }
};

namespace {

// glibc keeps one zone, chosen by TZ: every conversion holds this mutex, and one in a
// named zone sets TZ for its duration.
std::mutex g_zone_mutex;

class ZoneScope {
public:
  explicit ZoneScope(const Zone& zone) : m_lock(g_zone_mutex) {
    if (ZoneAccess::is_named(zone)) {
      if (const char* old = std::getenv("TZ")) {
        m_saved = old;
      }
      if (::setenv("TZ", zone.name().c_str(), 1) != 0) {
        throw Error("cannot set TZ to convert a time");
      }
      m_switched = true;
    }
    ::tzset();  // for user(): TZ as it is now
  }
  ~ZoneScope() {
    if (m_switched) {
      if (m_saved) {
        ::setenv("TZ", m_saved->c_str(), 1);
      } else {
        ::unsetenv("TZ");
      }
      ::tzset();
    }
  }
  ZoneScope(const ZoneScope&) = delete;
  ZoneScope& operator=(const ZoneScope&) = delete;

  // The current rules are UTC all year.
  [[nodiscard]] static bool rules_are_utc() { return ::timezone == 0 && ::daylight == 0; }

private:
  std::lock_guard<std::mutex> m_lock;
  std::optional<std::string> m_saved;
  bool m_switched = false;
};

constexpr std::int64_t k_day = 86400;
// glibc converts these years (0001..9999) for any zone; times outside take the offset at
// the nearer end.
constexpr std::int64_t k_glibc_first = -62'135'596'800;  // 0001-01-01T00:00:00Z
constexpr std::int64_t k_glibc_last = k_last_second;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

int saturate_int(std::int64_t value) {
  return static_cast<int>(std::clamp<std::int64_t>(value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

std::string numeric_offset(std::int64_t offset) {
  const char sign = offset < 0 ? '-' : '+';
  const std::int64_t magnitude = offset < 0 ? -offset : offset;  // |offset| < 1 day
  const std::int64_t hours = magnitude / 3600;
  const std::int64_t minutes = magnitude / 60 % 60;
  const std::int64_t seconds = magnitude % 60;
  return seconds != 0 ? fmt::format("{}{:02}{:02}{:02}", sign, hours, minutes, seconds)
                      : fmt::format("{}{:02}{:02}", sign, hours, minutes);
}

// glibc's abbreviation when it is letters (and digits and signs, as in "<+0530>"), else
// the offset: tzdata writes "+04" for zones with no letters, and a TZif file's bytes are
// not ours to print.
std::string abbreviation(const char* glibc, std::int64_t offset) {
  if (glibc != nullptr) {
    const std::string_view text(glibc);
    const bool printable = !text.empty() && text.size() <= 16 && std::all_of(text.begin(), text.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-';
    });
    const bool letters = std::any_of(text.begin(), text.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    });
    if (printable && letters) {
      return std::string(text);
    }
  }
  return numeric_offset(offset);
}

// The local time of `count` seconds at `offset`, in 64-bit arithmetic (any Timestamp).
LocalTime local_from_offset(std::int64_t count, std::int64_t offset, std::string abbreviation_text) {
  std::int64_t local = 0;
  if (__builtin_add_overflow(count, offset, &local)) {
    local = offset > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  const Civil c = civil(Timestamp{Seconds{local}});
  LocalTime result;
  result.year = saturate_int(c.year);
  result.month = static_cast<int>(c.month);
  result.day = static_cast<int>(c.day);
  result.hour = static_cast<int>(c.hour);
  result.minute = static_cast<int>(c.minute);
  result.second = static_cast<int>(c.second);
  const std::int64_t weekday = (floor_div(local, k_day) + 4) % 7;  // 1970-01-01 was a Thursday
  result.weekday = static_cast<int>(weekday < 0 ? weekday + 7 : weekday);
  result.offset = Seconds{offset};
  result.abbreviation = std::move(abbreviation_text);
  return result;
}

// localtime_r under a held ZoneScope.
std::optional<std::tm> local_tm(std::int64_t count) {
  const auto t = static_cast<std::time_t>(count);
  std::tm tm{};
  if (::localtime_r(&t, &tm) == nullptr) {
    return std::nullopt;
  }
  return tm;
}

// ---- POSIX TZ strings ("CET-1CEST,M3.5.0,M10.5.0/3"), as glibc reads them, strictly:
// the whole string, every number in range.

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  [[nodiscard]] bool done() const { return pos == text.size(); }
  [[nodiscard]] char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  bool eat(char c) {
    if (peek() == c && !done()) {
      ++pos;
      return true;
    }
    return false;
  }
  // Up to `max_digits` digits (at least one): their value.
  std::optional<int> number(std::size_t max_digits) {
    std::size_t count = 0;
    int value = 0;
    while (!done() && peek() >= '0' && peek() <= '9') {
      if (++count > max_digits) {
        return std::nullopt;
      }
      value = value * 10 + (peek() - '0');
      ++pos;
    }
    if (count == 0) {
      return std::nullopt;
    }
    return value;
  }
};

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool posix_name(Cursor& in) {
  const std::size_t start = in.pos;
  if (in.eat('<')) {
    while (!in.done() && (is_alpha(in.peek()) || is_digit(in.peek()) || in.peek() == '+' || in.peek() == '-')) {
      ++in.pos;
    }
    const std::size_t length = in.pos - start - 1;
    return in.eat('>') && length >= 3;
  }
  while (!in.done() && is_alpha(in.peek())) {
    ++in.pos;
  }
  return in.pos - start >= 3;
}

// [+-]hh[:mm[:ss]], hh at most `max_hours`.
bool posix_time(Cursor& in, int max_hours) {
  if (!in.eat('+')) {
    in.eat('-');
  }
  const auto hours = in.number(max_hours > 99 ? 3 : 2);
  if (!hours || *hours > max_hours) {
    return false;
  }
  for (int part = 0; part < 2 && in.eat(':'); ++part) {
    const auto value = in.number(2);
    if (!value || *value > 59) {
      return false;
    }
  }
  return true;
}

// Jn (1..365), n (0..365) or Mm.w.d, then an optional /time (RFC 8536: -167..167 hours).
bool posix_rule_date(Cursor& in) {
  if (in.eat('J')) {
    const auto day = in.number(3);
    if (!day || *day < 1 || *day > 365) {
      return false;
    }
  } else if (in.eat('M')) {
    const auto month = in.number(2);
    if (!month || *month < 1 || *month > 12 || !in.eat('.')) {
      return false;
    }
    const auto week = in.number(1);
    if (!week || *week < 1 || *week > 5 || !in.eat('.')) {
      return false;
    }
    const auto weekday = in.number(1);
    if (!weekday || *weekday > 6) {
      return false;
    }
  } else {
    const auto day = in.number(3);
    if (!day || *day > 365) {
      return false;
    }
  }
  return !in.eat('/') || posix_time(in, 167);
}

bool is_posix_tz(std::string_view text) {
  Cursor in{text};
  if (!posix_name(in) || !(is_digit(in.peek()) || in.peek() == '+' || in.peek() == '-') || !posix_time(in, 24)) {
    return false;
  }
  if (in.done()) {
    return true;
  }
  if (!posix_name(in)) {
    return false;
  }
  if ((is_digit(in.peek()) || in.peek() == '+' || in.peek() == '-') && !posix_time(in, 24)) {
    return false;
  }
  if (in.done()) {
    return true;  // glibc's default rules (posixrules, else the US ones)
  }
  return in.eat(',') && posix_rule_date(in) && in.eat(',') && posix_rule_date(in) && in.done();
}

// A TZif file where glibc looks for `name`: the path itself when absolute, else under
// $TZDIR or /usr/share/zoneinfo.
bool is_tzif_file(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  std::string path;
  if (name.front() == '/') {
    path = std::string(name);
  } else {
    const char* dir = std::getenv("TZDIR");
    path = fmt::format("{}/{}", dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo", name);
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    return false;
  }
  struct stat info{};
  char magic[4] = {};
  const bool tzif = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && ::read(fd, magic, sizeof magic) == 4 &&
                    std::string_view(magic, 4) == "TZif";
  ::close(fd);
  return tzif;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == (y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y);
         });
}

}  // namespace

Zone Zone::utc() { return ZoneAccess::make(Kind::utc, "UTC", true); }

Zone Zone::user() {
  const char* tz = std::getenv("TZ");
  Zone zone = ZoneAccess::make(Kind::user, tz != nullptr ? tz : "", false);
  const ZoneScope scope(zone);
  ZoneAccess::set_utc(zone, ZoneScope::rules_are_utc());
  return zone;
}

std::optional<Zone> Zone::named(std::string_view name) {
  if (name.empty() || name.size() > 255 ||
      !std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < '\x7f'; })) {
    return std::nullopt;
  }
  if (iequals(name, "UTC")) {
    return ZoneAccess::make(Kind::utc, std::string(name), true);
  }
  // glibc ignores a leading colon, then tries a file, then the POSIX syntax.
  const std::string_view rest = name.front() == ':' ? name.substr(1) : name;
  if (!is_tzif_file(rest) && !is_posix_tz(rest)) {
    return std::nullopt;
  }
  Zone zone = ZoneAccess::make(Kind::named, std::string(name), false);
  const ZoneScope scope(zone);
  ZoneAccess::set_utc(zone, ZoneScope::rules_are_utc());
  return zone;
}

bool Zone::is_utc() const { return m_utc; }

const std::string& Zone::name() const { return m_name; }

LocalTime to_local(Timestamp at, const Zone& zone) {
  const std::int64_t count = at.time_since_epoch().count();
  if (ZoneAccess::is_plain_utc(zone)) {
    return local_from_offset(count, 0, "UTC");
  }
  const std::int64_t clamped = std::clamp(count, k_glibc_first, k_glibc_last);
  std::optional<std::tm> tm;
  std::string abbreviation_text;
  {
    const ZoneScope scope(zone);
    tm = local_tm(clamped);
    if (tm) {
      abbreviation_text = abbreviation(tm->tm_zone, tm->tm_gmtoff);
    }
  }
  if (!tm) {
    // Not for years 1..9999 in any zone glibc loads; there is no other answer to give.
    return local_from_offset(count, 0, "UTC");
  }
  if (clamped != count) {
    return local_from_offset(count, tm->tm_gmtoff, std::move(abbreviation_text));
  }
  LocalTime result;
  result.year = saturate_int(std::int64_t{tm->tm_year} + 1900);
  result.month = tm->tm_mon + 1;
  result.day = tm->tm_mday;
  result.hour = tm->tm_hour;
  result.minute = tm->tm_min;
  result.second = tm->tm_sec;
  result.weekday = tm->tm_wday;
  result.offset = Seconds{tm->tm_gmtoff};
  result.abbreviation = std::move(abbreviation_text);
  return result;
}

std::string format_local_minute(Timestamp at, const Zone& zone) {
  const LocalTime t = to_local(at, zone);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} {}", t.year, t.month, t.day, t.hour, t.minute, t.abbreviation);
}

std::string format_local_clock(Timestamp at, Timestamp reference, const Zone& zone) {
  const LocalTime t = to_local(at, zone);
  const LocalTime r = to_local(reference, zone);
  if (t.year == r.year && t.month == r.month && t.day == r.day) {
    return fmt::format("{:02}:{:02} {}", t.hour, t.minute, t.abbreviation);
  }
  const std::string_view month = k_month_names[static_cast<std::size_t>(t.month - 1)];
  if (t.year == r.year) {
    return fmt::format("{} {} {:02}:{:02} {}", month, t.day, t.hour, t.minute, t.abbreviation);
  }
  return fmt::format("{} {} {} {:02}:{:02} {}", month, t.day, t.year, t.hour, t.minute, t.abbreviation);
}

std::string format_relative(Timestamp at, Timestamp now) {
  const std::int64_t a = at.time_since_epoch().count();
  const std::int64_t n = now.time_since_epoch().count();
  const bool future = a > n;
  // Unsigned: the distance between any two int64 values fits.
  const std::uint64_t distance = future ? static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(n)
                                        : static_cast<std::uint64_t>(n) - static_cast<std::uint64_t>(a);
  if (distance < 60) {
    return "just now";
  }
  std::string amount;
  if (distance < 3600) {
    amount = fmt::format("{}m", distance / 60);
  } else if (distance < 86400) {
    const std::uint64_t minutes = distance % 3600 / 60;
    amount = minutes != 0 ? fmt::format("{}h {}m", distance / 3600, minutes) : fmt::format("{}h", distance / 3600);
  } else {
    const std::uint64_t hours = distance % 86400 / 3600;
    amount = hours != 0 ? fmt::format("{}d {}h", distance / 86400, hours) : fmt::format("{}d", distance / 86400);
  }
  return future ? "in " + amount : amount + " ago";
}

// ---- parse_when ----------------------------------------------------------------------

const char* const k_time_forms = "RFC 3339 (2026-11-27T03:12:00Z), 03:12, 2026-11-27 03:12, yesterday 23:50, -15m, 15m ago";

namespace {

// A wall-clock time in a zone.
struct Wall {
  std::int64_t year;
  unsigned month, day, hour, minute, second;
};

// The wall time as if it were UTC.
std::int64_t wall_seconds(const Wall& wall) {
  return days_from_civil(wall.year, wall.month, wall.day) * k_day + wall.hour * 3600 + wall.minute * 60 + wall.second;
}

// The instants a zone shows a wall time at: one, none (a gap: `after_gap` is the time the
// clocks show it as, after they jump) or two (a fold), earliest first.
struct Resolved {
  std::vector<std::int64_t> instants;
  std::int64_t after_gap = 0;
};

Resolved resolve(const Wall& wall, const Zone& zone) {
  const std::int64_t w = wall_seconds(wall);
  Resolved result;
  if (ZoneAccess::is_plain_utc(zone)) {
    result.instants.push_back(w);
    return result;
  }
  const ZoneScope scope(zone);
  // The offsets in force around the wall time: every 6 hours for two days either side,
  // and what mktime makes of it as standard time, daylight time and either.
  std::vector<std::int64_t> offsets;
  const auto add_offset = [&offsets](std::int64_t offset) {
    if (std::find(offsets.begin(), offsets.end(), offset) == offsets.end()) {
      offsets.push_back(offset);
    }
  };
  for (std::int64_t step = -8; step <= 8; ++step) {
    if (const auto tm = local_tm(w + step * 6 * 3600)) {
      add_offset(tm->tm_gmtoff);
    }
  }
  for (const int isdst : {-1, 0, 1}) {
    std::tm tm{};
    tm.tm_year = static_cast<int>(wall.year - 1900);
    tm.tm_mon = static_cast<int>(wall.month) - 1;
    tm.tm_mday = static_cast<int>(wall.day);
    tm.tm_hour = static_cast<int>(wall.hour);
    tm.tm_min = static_cast<int>(wall.minute);
    tm.tm_sec = static_cast<int>(wall.second);
    tm.tm_isdst = isdst;
    const std::time_t made = ::mktime(&tm);
    if (const auto back = local_tm(made)) {
      add_offset(back->tm_gmtoff);
    }
  }
  // Each offset gives a candidate; it is the wall time when the zone's offset then is it.
  for (const std::int64_t offset : offsets) {
    const std::int64_t candidate = w - offset;
    const auto tm = local_tm(candidate);
    if (tm && tm->tm_gmtoff == offset &&
        std::find(result.instants.begin(), result.instants.end(), candidate) == result.instants.end()) {
      result.instants.push_back(candidate);
    }
  }
  std::sort(result.instants.begin(), result.instants.end());
  if (result.instants.empty() && !offsets.empty()) {
    result.after_gap = w - *std::min_element(offsets.begin(), offsets.end());
  }
  return result;
}

ParsedWhen failed(std::string error) { return ParsedWhen{std::nullopt, std::move(error)}; }

const std::string& not_a_time() {
  static const std::string text = fmt::format("not a time: use {}", k_time_forms);
  return text;
}

constexpr std::string_view k_outside = "the time is outside 1970..9999";

ParsedWhen at_second(std::int64_t count) {
  if (count < k_first_second || count > k_last_second) {
    return failed(std::string(k_outside));
  }
  return ParsedWhen{Timestamp{Seconds{count}}, {}};
}

// "2026-03-29T03:30:00+02:00": how to say a time in the zone unambiguously.
std::string rfc3339_in(std::int64_t count, const Zone& zone) {
  const LocalTime t = to_local(Timestamp{Seconds{count}}, zone);
  const std::int64_t offset = t.offset.count();
  if (offset % 60 != 0) {
    return format_rfc3339(Timestamp{Seconds{count}});
  }
  const std::int64_t magnitude = offset < 0 ? -offset : offset;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", t.year, t.month, t.day, t.hour, t.minute,
                     t.second, offset < 0 ? '-' : '+', magnitude / 3600, magnitude / 60 % 60);
}

std::string zone_label(const Zone& zone) {
  const std::string& name = zone.name();
  if (name.empty() || name.size() > 255 ||
      !std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < '\x7f'; })) {
    return "the local time zone";
  }
  return name;
}

ParsedWhen from_resolved(const Resolved& resolved, const Zone& zone) {
  if (resolved.instants.size() == 1) {
    return at_second(resolved.instants.front());
  }
  if (resolved.instants.empty()) {
    return failed(fmt::format(
        "that local time does not exist in {} (the clocks skip it): give RFC 3339 with an offset, e.g. {}",
        zone_label(zone), rfc3339_in(resolved.after_gap, zone)));
  }
  return failed(fmt::format(
      "that local time happens twice in {} (the clocks go back): give RFC 3339 with an offset, {} (the first) or {} "
      "(the second)",
      zone_label(zone), rfc3339_in(resolved.instants.front(), zone), rfc3339_in(resolved.instants.back(), zone)));
}

bool wall_in_range(const Wall& wall) { return wall.year >= 1969 && wall.year <= 10000; }

ParsedWhen at_wall(const Wall& wall, const Zone& zone) {
  if (!wall_in_range(wall)) {
    return failed(std::string(k_outside));
  }
  return from_resolved(resolve(wall, zone), zone);
}

// The wall time's date moved by `days`.
Wall add_days(Wall wall, std::int64_t days) {
  const Civil c = civil(Timestamp{Seconds{(days_from_civil(wall.year, wall.month, wall.day) + days) * k_day}});
  wall.year = c.year;
  wall.month = c.month;
  wall.day = c.day;
  return wall;
}

Wall today_at(Timestamp now, const Zone& zone, unsigned hour, unsigned minute, unsigned second) {
  const LocalTime today = to_local(now, zone);
  return Wall{today.year, static_cast<unsigned>(today.month), static_cast<unsigned>(today.day), hour, minute, second};
}

enum class Status { ok, no, bad };

struct Clock {
  unsigned hour = 0, minute = 0, second = 0;
};

// h:mm, hh:mm, h:mm:ss or hh:mm:ss.
Status read_clock(Cursor& in, Clock& clock) {
  const std::size_t start = in.pos;
  const auto hour = in.number(2);
  if (!hour || !in.eat(':')) {
    in.pos = start;
    return Status::no;
  }
  const std::size_t minute_at = in.pos;
  const auto minute = in.number(2);
  if (!minute || in.pos - minute_at != 2) {
    in.pos = start;
    return Status::no;
  }
  int second = 0;
  if (in.eat(':')) {
    const std::size_t second_at = in.pos;
    const auto value = in.number(2);
    if (!value || in.pos - second_at != 2) {
      in.pos = start;
      return Status::no;
    }
    second = *value;
  }
  if (*hour > 23 || *minute > 59 || second > 59) {
    return Status::bad;
  }
  clock = Clock{static_cast<unsigned>(*hour), static_cast<unsigned>(*minute), static_cast<unsigned>(second)};
  return Status::ok;
}

std::size_t skip_spaces(Cursor& in) {
  const std::size_t start = in.pos;
  while (in.peek() == ' ' || in.peek() == '\t') {
    ++in.pos;
  }
  return in.pos - start;
}

// Units, largest first: their seconds and names.
struct Unit {
  std::int64_t seconds;
  std::array<std::string_view, 6> names;
};
constexpr std::array<Unit, 4> k_units = {{
    {86400, {"d", "day", "days"}},
    {3600, {"h", "hr", "hrs", "hour", "hours"}},
    {60, {"m", "min", "mins", "minute", "minutes"}},
    {1, {"s", "sec", "secs", "second", "seconds"}},
}};

constexpr std::size_t k_max_offset_digits = 10;

// "1h30m", "2 hours", "1h 30m", "90s": the whole of `in` as a duration in seconds.
Status read_duration(Cursor& in, std::int64_t& total) {
  total = 0;
  std::size_t next_unit = 0;  // units must come largest first, each once
  bool any = false;
  skip_spaces(in);
  while (!in.done()) {
    std::size_t digits_count = 0;
    while (in.pos + digits_count < in.text.size() && is_digit(in.text[in.pos + digits_count])) {
      ++digits_count;
    }
    if (digits_count == 0) {
      return Status::no;
    }
    if (digits_count > k_max_offset_digits) {
      return Status::bad;
    }
    const std::string_view digit_text = in.text.substr(in.pos, digits_count);
    in.pos += digits_count;
    std::int64_t value = 0;
    for (const char c : digit_text) {
      value = value * 10 + (c - '0');
    }
    skip_spaces(in);
    const std::size_t word_at = in.pos;
    while (!in.done() && is_alpha(in.peek())) {
      ++in.pos;
    }
    const std::string_view word = in.text.substr(word_at, in.pos - word_at);
    std::size_t unit = next_unit;
    while (unit < k_units.size() &&
           std::find(k_units[unit].names.begin(), k_units[unit].names.end(), word) == k_units[unit].names.end()) {
      ++unit;
    }
    if (word.empty() || unit == k_units.size()) {
      return Status::no;
    }
    total += value * k_units[unit].seconds;  // at most 4 * 10^10 days: no overflow
    next_unit = unit + 1;
    any = true;
    skip_spaces(in);
  }
  return any ? Status::ok : Status::no;
}

ParsedWhen before_now(Timestamp now, std::int64_t seconds) {
  std::int64_t at = 0;
  if (__builtin_sub_overflow(now.time_since_epoch().count(), seconds, &at)) {
    return failed(std::string(k_outside));
  }
  return at_second(at);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

ParsedWhen parse_when(std::string_view text, Timestamp now, const Zone& zone) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  if (text.empty()) {
    return failed(fmt::format("no time given: use {}", k_time_forms));
  }
  // Printable ASCII only (tabs between words aside): NULs, controls and UTF-8 are no time.
  if (!std::all_of(text.begin(), text.end(), [](char c) { return (c >= ' ' && c < '\x7f') || c == '\t'; })) {
    return failed(not_a_time());
  }
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  const std::string_view s = lower;

  if (s == "now") {
    return at_second(now.time_since_epoch().count());
  }
  if (const auto at = parse_rfc3339(s)) {
    return ParsedWhen{*at, {}};
  }

  // Offsets: "-15m", "15m ago"; "+15m" and "in 15m" are refused by name.
  const auto offset_form = [&](std::string_view body, bool past) -> std::optional<ParsedWhen> {
    Cursor in{body};
    std::int64_t seconds = 0;
    switch (read_duration(in, seconds)) {
      case Status::no:
        return std::nullopt;
      case Status::bad:
        return failed("the offset is too large");
      case Status::ok:
        break;
    }
    if (!past) {
      return failed("an offset is a time before now: use -15m or 15m ago");
    }
    return before_now(now, seconds);
  };
  std::optional<ParsedWhen> offset;
  if ((s.front() == '-' || s.front() == '+') && s.size() > 1 && is_space(s[1])) {
    return failed(not_a_time());  // "- 15m": the sign belongs to the number
  }
  if (s.front() == '-') {
    offset = offset_form(s.substr(1), true);
  } else if (s.front() == '+') {
    offset = offset_form(s.substr(1), false);
  } else if (s.size() > 4 && s.substr(s.size() - 3) == "ago" && is_space(s[s.size() - 4])) {
    offset = offset_form(s.substr(0, s.size() - 4), true);
  } else if (s.size() > 3 && s.substr(0, 2) == "in" && is_space(s[2])) {
    offset = offset_form(s.substr(3), false);
  }
  if (offset) {
    return *offset;
  }

  Cursor in{s};
  Clock clock;
  // "today 03:12", "yesterday 23:50"
  for (const auto& [word, days] : {std::pair<std::string_view, int>{"today", 0}, {"yesterday", -1}}) {
    if (s.substr(0, word.size()) == word && s.size() > word.size() && is_space(s[word.size()])) {
      in.pos = word.size();
      skip_spaces(in);
      const Status status = read_clock(in, clock);
      if (status == Status::bad) {
        return failed("not a valid time of day (00:00 to 23:59:59)");
      }
      if (status == Status::no || !in.done()) {
        return failed(not_a_time());
      }
      return at_wall(add_days(today_at(now, zone, clock.hour, clock.minute, clock.second), days), zone);
    }
  }

  // "2026-12-02 03:12", "2026-12-02T03:12:30"
  if (s.size() > 10 && s[4] == '-' && s[7] == '-') {
    const auto year = digits(s, 0, 4);
    const auto month = digits(s, 5, 2);
    const auto day = digits(s, 8, 2);
    if (!year || !month || !day) {
      return failed(not_a_time());
    }
    in.pos = 10;
    if (!in.eat('t') && skip_spaces(in) == 0) {
      return failed(not_a_time());
    }
    const Status status = read_clock(in, clock);
    if (status == Status::no || !in.done()) {
      return failed(not_a_time());
    }
    const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                           std::chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok()) {
      return failed("not a valid date");
    }
    if (status == Status::bad) {
      return failed("not a valid time of day (00:00 to 23:59:59)");
    }
    return at_wall(Wall{*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day), clock.hour, clock.minute,
                        clock.second},
                   zone);
  }

  // "03:12": today, or yesterday when today's is over 5 minutes ahead.
  const Status status = read_clock(in, clock);
  if (status == Status::bad && in.done()) {
    return failed("not a valid time of day (00:00 to 23:59:59)");
  }
  if (status != Status::ok || !in.done()) {
    return failed(not_a_time());
  }
  const Wall today = today_at(now, zone, clock.hour, clock.minute, clock.second);
  if (!wall_in_range(today)) {
    return failed(std::string(k_outside));
  }
  constexpr std::int64_t k_ahead = 5 * 60;
  std::int64_t latest = 0;
  if (__builtin_add_overflow(now.time_since_epoch().count(), k_ahead, &latest)) {
    latest = std::numeric_limits<std::int64_t>::max();
  }
  Resolved resolved = resolve(today, zone);
  const bool was_gap = resolved.instants.empty();
  std::erase_if(resolved.instants, [latest](std::int64_t at) { return at > latest; });
  if (was_gap ? resolved.after_gap > latest : resolved.instants.empty()) {
    return at_wall(add_days(today, -1), zone);
  }
  return from_resolved(resolved, zone);
}
}  // namespace incident
