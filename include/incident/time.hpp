#pragma once
// Points in time: whole seconds, UTC. Parsed from RFC 3339 and shown as RFC 3339 UTC
// ("2026-11-27T03:12:00Z"), the only forms the tool stores. For people, times are also
// read as they type them (parse_when: "03:12", "yesterday 23:50", "-15m") and shown in a
// time zone (Zone, to_local, format_local_*), through glibc's zone rules.

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace incident {

using Timestamp = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

// The whole seconds from `from` to `to` (negative when `to` is earlier).
inline Seconds between(Timestamp from, Timestamp to) { return std::chrono::duration_cast<Seconds>(to - from); }

// Strict RFC 3339: "YYYY-MM-DDTHH:MM:SS" plus optional fraction (dropped), then "Z" or
// "+HH:MM"/"-HH:MM" (normalised to UTC). 't'/'z' and a space for 'T' are accepted.
// Years 1970..9999. Returns nullopt for anything else, including impossible dates.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// "2026-11-27T03:12:00Z"
std::string format_rfc3339(Timestamp at);
// The same, written into `buffer` (no allocation, for output in bulk).
using Rfc3339Buffer = std::array<char, 32>;
std::string_view format_rfc3339(Timestamp at, Rfc3339Buffer& buffer);

// "2026-11-27 03:12Z", for tables.
std::string format_minute(Timestamp at);

// "03:27Z" when `at` is on the same UTC day as `reference`, else "Nov 28 03:27Z".
std::string format_clock(Timestamp at, Timestamp reference);

// The current time, truncated to seconds; the time INCIDENT_NOW gives (RFC 3339) when it is
// set and not empty, a fixed clock for tests (read once per process). Throws UsageError
// when INCIDENT_NOW is set to anything else.
Timestamp now();
// now() for the given value of INCIDENT_NOW (nullptr or "" for the system clock), read
// afresh: what now() does once, for tests.
Timestamp now_from(const char* incident_now_value);

// A time zone: UTC, the user's (the process's TZ: glibc's rules, TZ variable, else
// /etc/localtime, else UTC), or a named one (the runbook's team zone: "UTC",
// "Europe/Berlin", or a POSIX TZ string like "CET-1CEST,M3.5.0,M10.5.0/3").
// Conversions in a named zone set TZ for the moment they take, under a mutex, and put it
// back; another thread reading TZ (getenv, localtime) meanwhile would see the zone.
class Zone {
public:
  static Zone utc();
  // TZ as it is now.
  static Zone user();
  // nullopt when the name is not a zone glibc can load (no TZif file of that name under
  // $TZDIR or /usr/share/zoneinfo, or at that absolute path, and not a valid POSIX TZ
  // string), or holds anything but printable ASCII. Never silently UTC. "UTC" (any case)
  // is UTC without tzdata.
  static std::optional<Zone> named(std::string_view name);
  // True when the zone is UTC all year (offset 0, no daylight saving): utc(), named("UTC"),
  // "Etc/UTC", "UTC0", and user() on a machine set to UTC.
  [[nodiscard]] bool is_utc() const;
  // "UTC", "" for user() with no TZ, or the name given (user(): TZ's value).
  [[nodiscard]] const std::string& name() const;

private:
  friend struct ZoneAccess;
  enum class Kind : unsigned char { utc, user, named };
  Zone(Kind kind, std::string name, bool utc) : m_kind(kind), m_name(std::move(name)), m_utc(utc) {}
  Kind m_kind;
  std::string m_name;
  bool m_utc;
};

// A time as the wall clock of a zone shows it.
struct LocalTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int weekday = 0;         // 0 = Sunday
  Seconds offset{0};       // from UTC: local = UTC + offset
  std::string abbreviation;  // "CET", "UTC", or "+0530" when glibc's has no letters
};
// Defined for every Timestamp: outside years 1..9999 the offset is the zone's at the
// nearer end, and years beyond int saturate.
LocalTime to_local(Timestamp at, const Zone& zone);

// "2026-12-02 03:12 CET"
std::string format_local_minute(Timestamp at, const Zone& zone);
// "03:12 CET" when `at` is on the same local day as `reference`, else "Dec 1 03:12 CET",
// or "Dec 1 2025 03:12 CET" when the year differs too.
std::string format_local_clock(Timestamp at, Timestamp reference, const Zone& zone);

// Relative to now: "just now" (under a minute either way), "18m ago", "2h 5m ago",
// "3d 4h ago", "in 4m", "in 1h 10m" (truncated: 119 s ago is "1m ago"; a zero second part
// is dropped: "2h ago").
std::string format_relative(Timestamp at, Timestamp now);

// What people type for a time, read in `zone`, relative to `now`:
//  RFC 3339 (as parse_rfc3339; the zone is ignored since it carries its own offset);
//  "now"; "03:12" or "3:12" or "03:12:30" (today in zone; if that lies in the future by
//  more than 5 minutes, the same clock time yesterday - at 00:10, "23:50" is yesterday);
//  "2026-12-02 03:12" and "2026-12-02 03:12:30" and "2026-12-02T03:12" (local, in zone);
//  "yesterday 23:50", "today 03:12" (as given, even in the future);
//  "-15m", "-2h", "-1h30m", "-90s", "-1d", and "15m ago", "1h30m ago", "2 hours ago",
//  "10 minutes ago", "1h 30m ago" (offsets before now; units s, m, h, d, or sec(s),
//  second(s), min(s), minute(s), hr(s), hour(s), day(s), largest first, each once).
//  Case-insensitive words; surrounding whitespace ignored. A local time that does not
//  exist (DST gap) or exists twice (DST fold) in the zone is an error naming that and
//  suggesting RFC 3339 with an offset. A result outside 1970..9999 (UTC) is an error.
//  Anything else: error.
struct ParsedWhen {
  std::optional<Timestamp> at;
  std::string error;  // one line, no trailing period, without the input echoed
};
ParsedWhen parse_when(std::string_view text, Timestamp now, const Zone& zone);

// The accepted forms, for usage errors and --help: "RFC 3339 (2026-11-27T03:12:00Z),
// 03:12, 2026-11-27 03:12, yesterday 23:50, -15m, 15m ago".
extern const char* const k_time_forms;

}  // namespace incident
