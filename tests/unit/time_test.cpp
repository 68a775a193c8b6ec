#include <catch2/catch.hpp>

#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "incident/error.hpp"
#include "incident/time.hpp"

using namespace incident;

TEST_CASE("parse_rfc3339 reads UTC and offsets and normalises to UTC", "[time]") {
  auto utc = parse_rfc3339("2026-11-27T03:12:00Z");
  REQUIRE(utc);
  CHECK(format_rfc3339(*utc) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27T04:12:00+01:00")) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-26T22:12:00-05:00")) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27t03:12:00.123456z")) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27 03:12:00Z")) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2024-02-29T00:00:00Z")) == "2024-02-29T00:00:00Z");
}

TEST_CASE("parse_rfc3339 refuses anything else", "[time]") {
  for (const char* bad : {"", "2026-11-27", "2026-11-27T03:12Z", "2026-11-27T03:12:00", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-27T24:00:00Z",
                          "2026-11-27T03:60:00Z", "2026-11-27T03:12:00+1:00", "2026-11-27T03:12:00+01:00x",
                          "1969-12-31T23:59:59Z", "2026-11-27T03:12:00.Z", "２０２６-11-27T03:12:00Z",
                          "2026-11-27T03:12:00+24:00", "now", "2026-11-27T03:12:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
}

TEST_CASE("format_clock shows the day only when it differs", "[time]") {
  const auto at = *parse_rfc3339("2026-11-27T03:27:00Z");
  CHECK(format_clock(at, *parse_rfc3339("2026-11-27T03:12:00Z")) == "03:27Z");
  CHECK(format_clock(at, *parse_rfc3339("2026-11-26T23:12:00Z")) == "Nov 27 03:27Z");
  CHECK(format_minute(at) == "2026-11-27 03:27Z");
}

TEST_CASE("RFC 3339 formatting covers the whole range the tool reads", "[time]") {
  for (const char* text : {"1970-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2000-02-29T12:00:00Z",
                           "2100-03-01T00:00:01Z", "9999-12-31T23:59:59Z"}) {
    CHECK(format_rfc3339(*parse_rfc3339(text)) == text);
  }
  // Every day for ten years round-trips (the hand-written formatter against the parser).
  Timestamp at = *parse_rfc3339("2024-01-01T07:08:09Z");
  for (int day = 0; day < 3660; ++day, at += std::chrono::hours(24) + std::chrono::seconds(61)) {
    const std::string text = format_rfc3339(at);
    REQUIRE(parse_rfc3339(text) == at);
  }
}

// Found writing fuzz/time's round-trip invariant: the year range applies to the UTC time.
// A local time in 1970 with a positive offset (or in 9999 with a negative one) is outside
// it, and was accepted, then written as "1969-12-31T23:30:00Z", which no reader accepts.
TEST_CASE("parse_rfc3339 refuses a time whose UTC is outside 1970..9999", "[time]") {
  CHECK_FALSE(parse_rfc3339("1970-01-01T00:30:00+01:00").has_value());
  CHECK_FALSE(parse_rfc3339("9999-12-31T23:30:00-01:00").has_value());
  CHECK(format_rfc3339(*parse_rfc3339("1970-01-01T01:00:00+01:00")) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("9999-12-31T22:59:59-01:00")) == "9999-12-31T23:59:59Z");
}

// Found by fuzz/time and fuzz/incident_file: format_clock went through fmt's chrono
// formatting, which converts to nanoseconds and overflowed (undefined behaviour) for any
// time after 2262; so did format_rfc3339 for a computed time past 9999.
TEST_CASE("formatting is defined for every time (far ones too)", "[time]") {
  const auto far = *parse_rfc3339("9999-12-31T23:59:59Z");
  CHECK(format_clock(far, far) == "23:59Z");
  CHECK(format_clock(far, Timestamp{}) == "Dec 31 23:59Z");
  CHECK(format_clock(*parse_rfc3339("2400-03-01T00:00:00Z") - std::chrono::seconds(1), Timestamp{}) == "Feb 29 23:59Z");
  CHECK(format_rfc3339(far + std::chrono::seconds(1)) == "10000-01-01T00:00:00Z");
  CHECK(format_rfc3339(far + std::chrono::hours(24 * 366 * 100)) == "10100-03-16T23:59:59Z");
  CHECK(format_rfc3339(Timestamp{} - std::chrono::seconds(1)) == "1969-12-31T23:59:59Z");
  CHECK(format_rfc3339(Timestamp{std::chrono::seconds{std::numeric_limits<std::int64_t>::max()}}) ==
        "292277026596-12-04T15:30:07Z");
  CHECK(format_minute(far) == "9999-12-31 23:59Z");
}

// ---- Zones, local times, parse_when ------------------------------------------------
// POSIX TZ strings, so nothing here needs tzdata.

namespace {

constexpr const char* k_cet = "CET-1CEST,M3.5.0,M10.5.0/3";  // 2026: +02:00 from Mar 29 to Oct 25
constexpr const char* k_us_east = "EST5EDT,M3.2.0,M11.1.0";  // 2026: -04:00 from Mar 8 to Nov 1

Zone zone(const char* name) {
  auto z = Zone::named(name);
  REQUIRE(z.has_value());
  return *z;
}

Timestamp at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  REQUIRE(t.has_value());
  return *t;
}

// parse_when's time as RFC 3339 UTC, or "error: ..." (each error checked for its form).
std::string when(std::string_view text, const char* now_text, const Zone& z) {
  const ParsedWhen parsed = parse_when(text, at(now_text), z);
  if (parsed.at) {
    CHECK(parsed.error.empty());
    return format_rfc3339(*parsed.at);
  }
  CHECK_FALSE(parsed.error.empty());
  CHECK(parsed.error.find('\n') == std::string::npos);
  CHECK(parsed.error.back() != '.');
  return "error: " + parsed.error;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Sets an environment variable for a scope (nullptr: unset), then puts it back.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const char* value) : m_name(name) {
    if (const char* old = std::getenv(name)) {
      m_saved = old;
    }
    set(value);
  }
  ~ScopedEnv() { set(m_saved ? m_saved->c_str() : nullptr); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  void set(const char* value) {
    if (value != nullptr) {
      ::setenv(m_name, value, 1);
    } else {
      ::unsetenv(m_name);
    }
  }
  const char* m_name;
  std::optional<std::string> m_saved;
};

}  // namespace

TEST_CASE("Zone::named accepts zone files and POSIX TZ strings and nothing else", "[time]") {
  CHECK_FALSE(Zone::named("Nonexistent/Zone").has_value());
  for (std::string_view bad :
       {std::string_view(""), std::string_view("Foo"), std::string_view("AB1"), std::string_view("XYZ25"),
        std::string_view("CET-1CEST,M3.5.0,M10.5.0/3junk"), std::string_view("CET-1CEST,M13.5.0,M10.5.0/3"),
        std::string_view("CET-1CEST,M3.6.0,M10.5.0"), std::string_view("CET-1CEST,M3.5.7,M10.5.0"),
        std::string_view("CET-1CEST,M3.5.0"), std::string_view("CET-1:60"), std::string_view("<AB>-1"),
        std::string_view("<+0530-5:30"), std::string_view("IST-5:30 "), std::string_view(" UTC"),
        std::string_view("UTC\0x", 5), std::string_view("Z\xc3\xbcrich"), std::string_view("Europe/../../etc/passwd"),
        std::string_view("/etc/passwd"), std::string_view(":"), std::string_view("/"), std::string_view("Europe")}) {
    INFO(std::string(bad));
    CHECK_FALSE(Zone::named(bad).has_value());
  }
  CHECK_FALSE(Zone::named(std::string(300, 'A') + "-1").has_value());
  for (const char* good : {k_cet, k_us_east, "IST-5:30", "<+0530>-5:30", "UTC0", "EST5EDT", "CET-1CEST",
                           "XXX-1YYY,J60/2,300/-1", "AAA+12:30:15BBB-13,M1.1.1/167,M12.5.6/-167", ":IST-5:30"}) {
    INFO(good);
    const auto z = Zone::named(good);
    REQUIRE(z.has_value());
    CHECK(z->name() == good);
  }
  CHECK(Zone::utc().is_utc());
  CHECK(Zone::utc().name() == "UTC");
  CHECK(zone("UTC").is_utc());
  CHECK(zone("utc").is_utc());
  CHECK(zone("UTC0").is_utc());
  CHECK_FALSE(zone(k_cet).is_utc());
  CHECK_FALSE(zone("IST-5:30").is_utc());
  CHECK_FALSE(zone("GMT0BST,M3.5.0/1,M10.5.0").is_utc());
}

TEST_CASE("Zone::named finds zone files only where glibc looks", "[time]") {
  if (!Zone::named("Europe/Berlin")) {
    WARN("no tzdata (Europe/Berlin): zone files not tested");
    return;
  }
  CHECK(to_local(at("2026-07-01T12:00:00Z"), zone("Europe/Berlin")).abbreviation == "CEST");
  const ScopedEnv tzdir("TZDIR", "/nonexistent-zoneinfo");
  CHECK_FALSE(Zone::named("Europe/Berlin").has_value());  // never silently UTC
}

TEST_CASE("conversions in a named zone put TZ back", "[time]") {
  {
    const ScopedEnv tz("TZ", nullptr);
    CHECK(Zone::user().name().empty());
    (void)to_local(at("2026-12-02T02:12:00Z"), zone(k_cet));
    CHECK(std::getenv("TZ") == nullptr);
  }
  const ScopedEnv tz("TZ", "IST-5:30");
  const Zone user = Zone::user();
  CHECK(user.name() == "IST-5:30");
  CHECK_FALSE(user.is_utc());
  (void)to_local(at("2026-12-02T02:12:00Z"), zone(k_cet));
  (void)parse_when("2026-12-02 03:12", at("2026-12-02T09:00:00Z"), zone(k_cet));
  REQUIRE(std::getenv("TZ") != nullptr);
  CHECK(std::string(std::getenv("TZ")) == "IST-5:30");
  const LocalTime local = to_local(at("2026-12-02T02:12:00Z"), user);
  CHECK(local.offset == std::chrono::seconds(19800));
  CHECK(local.abbreviation == "IST");
  CHECK(format_local_minute(at("2026-12-02T02:12:00Z"), user) == "2026-12-02 07:42 IST");
  CHECK(when("2026-12-02 07:42", "2026-12-02T09:00:00Z", user) == "2026-12-02T02:12:00Z");
}

TEST_CASE("to_local gives the wall clock, offset and abbreviation", "[time]") {
  const LocalTime winter = to_local(at("2026-12-02T02:12:00Z"), zone(k_cet));
  CHECK(winter.year == 2026);
  CHECK(winter.month == 12);
  CHECK(winter.day == 2);
  CHECK(winter.hour == 3);
  CHECK(winter.minute == 12);
  CHECK(winter.second == 0);
  CHECK(winter.weekday == 3);
  CHECK(winter.offset == std::chrono::seconds(3600));
  CHECK(winter.abbreviation == "CET");
  const LocalTime summer = to_local(at("2026-07-01T12:00:30Z"), zone(k_cet));
  CHECK(summer.hour == 14);
  CHECK(summer.second == 30);
  CHECK(summer.offset == std::chrono::seconds(7200));
  CHECK(summer.abbreviation == "CEST");
  CHECK(to_local(at("2026-12-02T02:12:00Z"), zone("<+0530>-5:30")).abbreviation == "+0530");
  CHECK(to_local(at("2026-12-02T02:12:00Z"), zone("<-03>3")).abbreviation == "-0300");
  const LocalTime utc = to_local(at("2026-12-02T02:12:00Z"), Zone::utc());
  CHECK(utc.hour == 2);
  CHECK(utc.abbreviation == "UTC");
  CHECK(utc.weekday == 3);
  CHECK(to_local(at("2026-11-29T23:30:00Z"), zone(k_us_east)).weekday == 0);  // Sunday 18:30 EST
}

TEST_CASE("to_local is defined for every time", "[time]") {
  const Timestamp largest{std::chrono::seconds{std::numeric_limits<std::int64_t>::max()}};
  const Timestamp smallest{std::chrono::seconds{std::numeric_limits<std::int64_t>::min()}};
  for (const Zone& z : {Zone::utc(), zone(k_cet), zone("IST-5:30"), zone("<-03>3")}) {
    for (const Timestamp t : {largest, smallest, Timestamp{}, at("9999-12-31T23:59:59Z") + std::chrono::seconds(1)}) {
      const LocalTime local = to_local(t, z);
      CHECK(local.weekday >= 0);
      CHECK(local.weekday <= 6);
      CHECK(local.month >= 1);
      CHECK(local.month <= 12);
      (void)format_local_minute(t, z);
      (void)format_local_clock(t, Timestamp{}, z);
    }
  }
  CHECK(to_local(largest, Zone::utc()).year == std::numeric_limits<int>::max());
  CHECK(to_local(at("9999-12-31T23:59:59Z") + std::chrono::seconds(1), zone(k_cet)).year == 10000);
  CHECK(format_local_minute(at("9999-12-31T23:30:00Z"), zone(k_cet)) == "10000-01-01 00:30 CET");
}

TEST_CASE("format_local_minute and format_local_clock label the zone", "[time]") {
  const Zone cet = zone(k_cet);
  CHECK(format_local_minute(at("2026-12-02T02:12:00Z"), cet) == "2026-12-02 03:12 CET");
  CHECK(format_local_minute(at("2026-07-01T02:12:00Z"), cet) == "2026-07-01 04:12 CEST");
  CHECK(format_local_minute(at("2026-12-02T02:12:00Z"), Zone::utc()) == "2026-12-02 02:12 UTC");
  CHECK(format_local_minute(at("2026-12-02T02:12:00Z"), zone("IST-5:30")) == "2026-12-02 07:42 IST");
  CHECK(format_local_clock(at("2026-12-02T02:12:00Z"), at("2026-12-02T09:00:00Z"), cet) == "03:12 CET");
  CHECK(format_local_clock(at("2026-12-01T02:12:00Z"), at("2026-12-02T09:00:00Z"), cet) == "Dec 1 03:12 CET");
  CHECK(format_local_clock(at("2025-12-31T22:30:00Z"), at("2026-01-01T09:00:00Z"), cet) == "Dec 31 2025 23:30 CET");
  // The day is the zone's: 23:30Z on Dec 1 is 00:30 on Dec 2 in CET, not in UTC.
  CHECK(format_local_clock(at("2026-12-01T23:30:00Z"), at("2026-12-02T10:00:00Z"), cet) == "00:30 CET");
  CHECK(format_local_clock(at("2026-12-01T23:30:00Z"), at("2026-12-02T10:00:00Z"), Zone::utc()) == "Dec 1 23:30 UTC");
}

TEST_CASE("format_relative counts down to the minute", "[time]") {
  const Timestamp now = at("2026-12-02T09:00:00Z");
  using std::chrono::seconds;
  CHECK(format_relative(now, now) == "just now");
  CHECK(format_relative(now - seconds(59), now) == "just now");
  CHECK(format_relative(now + seconds(59), now) == "just now");
  CHECK(format_relative(now - seconds(60), now) == "1m ago");
  CHECK(format_relative(now - seconds(119), now) == "1m ago");
  CHECK(format_relative(now - seconds(18 * 60 + 5), now) == "18m ago");
  CHECK(format_relative(now - seconds(3600), now) == "1h ago");
  CHECK(format_relative(now - seconds(2 * 3600 + 5 * 60 + 59), now) == "2h 5m ago");
  CHECK(format_relative(now - seconds(3 * 86400 + 4 * 3600 + 59 * 60), now) == "3d 4h ago");
  CHECK(format_relative(now - seconds(3 * 86400 + 59 * 60), now) == "3d ago");
  CHECK(format_relative(now + seconds(4 * 60), now) == "in 4m");
  CHECK(format_relative(now + seconds(70 * 60), now) == "in 1h 10m");
  CHECK(format_relative(now + seconds(86400), now) == "in 1d");
  const Timestamp largest{seconds{std::numeric_limits<std::int64_t>::max()}};
  const Timestamp smallest{seconds{std::numeric_limits<std::int64_t>::min()}};
  CHECK(format_relative(smallest, largest) == "213503982334601d 7h ago");
  CHECK(format_relative(largest, smallest) == "in 213503982334601d 7h");
}

TEST_CASE("parse_when reads RFC 3339, now and offsets before now", "[time]") {
  const Zone cet = zone(k_cet);
  const char* now = "2026-12-02T09:00:00Z";
  CHECK(when("2026-11-27T03:12:00Z", now, cet) == "2026-11-27T03:12:00Z");
  CHECK(when("2026-11-27T04:12:00+01:00", now, zone(k_us_east)) == "2026-11-27T03:12:00Z");
  CHECK(when("  2026-11-27t03:12:00z\n", now, cet) == "2026-11-27T03:12:00Z");
  CHECK(when("2026-11-27 03:12:00Z", now, cet) == "2026-11-27T03:12:00Z");
  CHECK(when("now", now, cet) == now);
  CHECK(when(" NOW\t", now, cet) == now);
  CHECK(when("-15m", now, cet) == "2026-12-02T08:45:00Z");
  CHECK(when("-2h", now, cet) == "2026-12-02T07:00:00Z");
  CHECK(when("-1h30m", now, cet) == "2026-12-02T07:30:00Z");
  CHECK(when("-90s", now, cet) == "2026-12-02T08:58:30Z");
  CHECK(when("-1d", now, cet) == "2026-12-01T09:00:00Z");
  CHECK(when("-1d2h3m4s", now, cet) == "2026-12-01T06:56:56Z");
  CHECK(when("-0m", now, cet) == now);
  CHECK(when("15m ago", now, cet) == "2026-12-02T08:45:00Z");
  CHECK(when("1h30m ago", now, cet) == "2026-12-02T07:30:00Z");
  CHECK(when("1h 30m ago", now, cet) == "2026-12-02T07:30:00Z");
  CHECK(when("2 hours ago", now, cet) == "2026-12-02T07:00:00Z");
  CHECK(when("1 Hour AGO", now, cet) == "2026-12-02T08:00:00Z");
  CHECK(when("10 minutes ago", now, cet) == "2026-12-02T08:50:00Z");
  CHECK(when("1 day 2 hrs 5 mins 10 secs ago", now, cet) == "2026-12-01T06:54:50Z");
  CHECK(when("45 seconds  ago", now, cet) == "2026-12-02T08:59:15Z");
  CHECK(when("3 days ago", now, cet) == "2026-11-29T09:00:00Z");
  // Offsets are the same in every zone.
  CHECK(when("-15m", now, Zone::utc()) == "2026-12-02T08:45:00Z");
}

TEST_CASE("parse_when reads clock times and local dates in the zone", "[time]") {
  const Zone cet = zone(k_cet);
  const char* now = "2026-12-02T09:00:00Z";  // 10:00 CET
  CHECK(when("03:12", now, cet) == "2026-12-02T02:12:00Z");
  CHECK(when("3:12", now, cet) == "2026-12-02T02:12:00Z");
  CHECK(when("03:12:30", now, cet) == "2026-12-02T02:12:30Z");
  CHECK(when("00:00", now, cet) == "2026-12-01T23:00:00Z");
  CHECK(when("03:12", now, Zone::utc()) == "2026-12-02T03:12:00Z");
  CHECK(when("03:12", now, zone("IST-5:30")) == "2026-12-01T21:42:00Z");
  CHECK(when("2026-12-02 03:12", now, cet) == "2026-12-02T02:12:00Z");
  CHECK(when("2026-12-02  03:12:30", now, cet) == "2026-12-02T02:12:30Z");
  CHECK(when("2026-12-02T03:12", now, cet) == "2026-12-02T02:12:00Z");
  CHECK(when("2026-12-02t03:12:30", now, cet) == "2026-12-02T02:12:30Z");
  CHECK(when("2026-07-01 03:12", now, cet) == "2026-07-01T01:12:00Z");  // summer time
  CHECK(when("2026-12-24 18:00", now, cet) == "2026-12-24T17:00:00Z");  // the future, as given
  CHECK(when("yesterday 23:50", now, cet) == "2026-12-01T22:50:00Z");
  CHECK(when("Yesterday  3:05:09", now, cet) == "2026-12-01T02:05:09Z");
  CHECK(when("today 03:12", now, cet) == "2026-12-02T02:12:00Z");
  CHECK(when("TODAY 23:00", now, cet) == "2026-12-02T22:00:00Z");  // as given, even ahead
  CHECK(when("yesterday 12:00", "2026-01-01T10:00:00Z", cet) == "2025-12-31T11:00:00Z");
  CHECK(when("yesterday 12:00", "2024-03-01T10:00:00Z", Zone::utc()) == "2024-02-29T12:00:00Z");
  // Today's date is the zone's: 23:30Z on Dec 1 is already Dec 2 in CET.
  CHECK(when("00:10", "2026-12-01T23:30:00Z", cet) == "2026-12-01T23:10:00Z");
  CHECK(when("today 00:10", "2026-12-01T23:30:00Z", cet) == "2026-12-01T23:10:00Z");
}

TEST_CASE("parse_when takes a clock time over 5 minutes ahead as yesterday's", "[time]") {
  const Zone cet = zone(k_cet);
  // At 00:10, "23:50" is yesterday.
  CHECK(when("23:50", "2026-12-01T23:10:00Z", cet) == "2026-12-01T22:50:00Z");
  CHECK(when("23:50", "2026-12-02T00:10:00Z", Zone::utc()) == "2026-12-01T23:50:00Z");
  const char* now = "2026-12-02T09:00:00Z";  // 10:00 CET
  CHECK(when("10:05", now, cet) == "2026-12-02T09:05:00Z");  // 5 minutes ahead: today (clocks differ)
  CHECK(when("10:05:01", now, cet) == "2026-12-01T09:05:01Z");
  CHECK(when("10:06", now, cet) == "2026-12-01T09:06:00Z");
  CHECK(when("10:00", now, cet) == now);
  // Across a month and a year.
  CHECK(when("23:59", "2026-01-01T00:00:00Z", Zone::utc()) == "2025-12-31T23:59:00Z");
}

TEST_CASE("parse_when refuses a local time in a DST gap or fold and suggests an offset", "[time]") {
  const Zone cet = zone(k_cet);
  const char* now = "2026-12-02T09:00:00Z";
  const std::string gap = when("2026-03-29 02:30", now, cet);
  CHECK(contains(gap, "does not exist in CET-1CEST,M3.5.0,M10.5.0/3"));
  CHECK(contains(gap, "RFC 3339 with an offset"));
  CHECK(contains(gap, "2026-03-29T03:30:00+02:00"));
  const std::string fold = when("2026-10-25 02:30", now, cet);
  CHECK(contains(fold, "happens twice in CET-1CEST,M3.5.0,M10.5.0/3"));
  CHECK(contains(fold, "RFC 3339 with an offset"));
  CHECK(contains(fold, "2026-10-25T02:30:00+02:00 (the first) or 2026-10-25T02:30:00+01:00 (the second)"));
  // The suggestions are what they say.
  CHECK(when("2026-10-25T02:30:00+02:00", now, cet) == "2026-10-25T00:30:00Z");
  CHECK(when("2026-10-25T02:30:00+01:00", now, cet) == "2026-10-25T01:30:00Z");
  CHECK(when("2026-03-29 02:00", now, cet).rfind("error: ", 0) == 0);
  CHECK(when("2026-03-29 02:59:59", now, cet).rfind("error: ", 0) == 0);
  CHECK(when("2026-10-25 02:00", now, cet).rfind("error: ", 0) == 0);
  // Either side of them, one answer.
  CHECK(when("2026-03-29 01:59:59", now, cet) == "2026-03-29T00:59:59Z");
  CHECK(when("2026-03-29 03:00", now, cet) == "2026-03-29T01:00:00Z");
  CHECK(when("2026-10-25 01:59:59", now, cet) == "2026-10-24T23:59:59Z");
  CHECK(when("2026-10-25 03:00", now, cet) == "2026-10-25T02:00:00Z");
  // The US rules, and "yesterday" and "today" landing in them.
  const Zone east = zone(k_us_east);
  CHECK(contains(when("2026-03-08 02:30", now, east), "does not exist"));
  CHECK(contains(when("2026-11-01 01:30", now, east), "2026-11-01T01:30:00-04:00 (the first) or "
                                                      "2026-11-01T01:30:00-05:00 (the second)"));
  CHECK(contains(when("yesterday 01:30", "2026-11-02T15:00:00Z", east), "happens twice"));
  CHECK(contains(when("today 02:30", "2026-03-08T15:00:00Z", east), "does not exist"));
  CHECK(contains(when("today 02:30", "2026-03-08T15:00:00Z", east), "EST5EDT,M3.2.0,M11.1.0"));
  // A user zone without a name is called what it is.
  {
    const ScopedEnv tz("TZ", nullptr);
    const ScopedEnv tz2("TZ", k_cet);
    CHECK(contains(when("2026-10-25 02:30", now, Zone::user()), "happens twice in CET-1CEST"));
  }
}

TEST_CASE("parse_when's clock time near a DST change uses the instants not ahead of now", "[time]") {
  const Zone cet = zone(k_cet);
  // 02:40 CEST, the first 02:40 of Oct 25: the second 02:30 is 50 minutes ahead.
  CHECK(when("02:30", "2026-10-25T00:40:00Z", cet) == "2026-10-25T00:30:00Z");
  // 02:40 CET, the second time round: both 02:30s have passed.
  CHECK(contains(when("02:30", "2026-10-25T01:40:00Z", cet), "happens twice"));
  // Later that day: both passed.
  CHECK(contains(when("02:30", "2026-10-25T12:00:00Z", cet), "happens twice"));
  // 01:30 CET on Mar 29: today's 02:30 would be ahead (if it existed), so yesterday's.
  CHECK(when("02:30", "2026-03-29T00:30:00Z", cet) == "2026-03-28T01:30:00Z");
  // 07:00 CEST on Mar 29: today's 02:30 does not exist.
  CHECK(contains(when("02:30", "2026-03-29T05:00:00Z", cet), "does not exist"));
}

TEST_CASE("parse_when refuses garbage with one line", "[time]") {
  const Zone cet = zone(k_cet);
  const char* now = "2026-12-02T09:00:00Z";
  for (std::string_view bad :
       {std::string_view(""), std::string_view("   "), std::string_view("yesterday"), std::string_view("today"),
        std::string_view("tomorrow 03:12"), std::string_view("03:12pm"), std::string_view("3:1"),
        std::string_view("03:123"), std::string_view("003:12"), std::string_view("03:12:3"),
        std::string_view("03:12:30:00"), std::string_view("2026-12-02"), std::string_view("2026-12-02 03"),
        std::string_view("2026-12-0203:12"), std::string_view("2026-12-02 03:12 CET"), std::string_view("20261202 03:12"),
        std::string_view("-15"), std::string_view("-m"), std::string_view("-"), std::string_view("- 15m"),
        std::string_view("15m"), std::string_view("ago"), std::string_view(" ago"), std::string_view("15mago"),
        std::string_view("-15m ago"), std::string_view("-30m1h"), std::string_view("-1h1h"),
        std::string_view("-1w"), std::string_view("-1.5h"), std::string_view("15 lightyears ago"),
        std::string_view("yesterday 23:50 ago"), std::string_view("nowish"), std::string_view("now now"),
        std::string_view("03:12\0", 6), std::string_view("\0", 1), std::string_view("\xef\xbc\x90\x33:12"),
        std::string_view("03:12\x1b[31m"), std::string_view("today\n03:12"), std::string_view("1h30m ago\x7f")}) {
    INFO(std::string(bad));
    const std::string result = when(bad, now, cet);
    CHECK(result.rfind("error: ", 0) == 0);
  }
  CHECK(when("tomorrow", now, cet) == std::string("error: not a time: use ") + k_time_forms);
  CHECK(contains(when("", now, cet), "no time given"));
  CHECK(contains(when("+15m", now, cet), "before now"));
  CHECK(contains(when("in 15m", now, cet), "before now"));
  CHECK(contains(when("24:00", now, cet), "not a valid time of day"));
  CHECK(contains(when("23:60", now, cet), "not a valid time of day"));
  CHECK(contains(when("today 25:00", now, cet), "not a valid time of day"));
  CHECK(contains(when("2026-12-02 23:59:60", now, cet), "not a valid time of day"));
  CHECK(contains(when("2026-02-29 03:12", now, cet), "not a valid date"));
  CHECK(contains(when("2026-13-01 03:12", now, cet), "not a valid date"));
  CHECK(contains(when("2026-00-10 03:12", now, cet), "not a valid date"));
  CHECK(contains(when("1969-12-31 23:00", now, Zone::utc()), "outside 1970..9999"));
  CHECK(contains(when("0000-01-01 00:00", now, cet), "outside 1970..9999"));
  CHECK(contains(when("1970-01-01 00:30", now, cet), "outside 1970..9999"));  // 1969 in UTC
  CHECK(when("1970-01-01 01:00", now, cet) == "1970-01-01T00:00:00Z");
  CHECK(when("9999-12-31 23:59:59", now, Zone::utc()) == "9999-12-31T23:59:59Z");
  CHECK(contains(when("9999-12-31 23:59:59", now, zone("<-03>3")), "outside 1970..9999"));
}

TEST_CASE("parse_when is defined for huge numbers and far clocks", "[time]") {
  const Zone cet = zone(k_cet);
  const char* now = "2026-12-02T09:00:00Z";
  CHECK(contains(when("-99999999999d", now, cet), "too large"));
  CHECK(contains(when("99999999999999999999 days ago", now, cet), "too large"));
  CHECK(contains(when("-9999999999d", now, cet), "outside 1970..9999"));
  CHECK(contains(when("-9999999999d23h59m59s", now, cet), "outside 1970..9999"));
  CHECK(contains(when("-9223372036854775807s", now, cet), "too large"));
  CHECK(contains(when("-99999999999999999999999999999999m", now, cet), "too large"));
  // 2026-12-02 is day 20789 of the epoch.
  CHECK(contains(when("-20790d", now, cet), "outside 1970..9999"));
  CHECK(when("-20789d", now, cet) == "1970-01-01T09:00:00Z");
  CHECK(when("-20424d", now, cet) == "1971-01-01T09:00:00Z");
  const std::string digits(100000, '9');
  CHECK(contains(when(digits + "s ago", now, cet), "too large"));
  CHECK(when(digits, now, cet).rfind("error: ", 0) == 0);
  using std::chrono::seconds;
  for (const Timestamp far : {Timestamp{seconds{std::numeric_limits<std::int64_t>::max()}},
                              Timestamp{seconds{std::numeric_limits<std::int64_t>::min()}},
                              Timestamp{seconds{std::numeric_limits<std::int64_t>::max() - 10}}}) {
    for (const Zone& z : {cet, Zone::utc()}) {
      for (const char* text : {"now", "03:12", "23:59", "today 03:12", "yesterday 03:12", "-15m", "15m ago",
                               "-9999999999d", "2026-12-02 03:12"}) {
        INFO(text);
        const ParsedWhen parsed = parse_when(text, far, z);
        CHECK((parsed.at.has_value() != !parsed.error.empty()));
      }
    }
  }
}

TEST_CASE("now_from reads INCIDENT_NOW as a fixed clock", "[time]") {
  const Timestamp before = now_from(nullptr);
  CHECK(std::chrono::abs(between(before, now_from(""))) < std::chrono::seconds(5));
  CHECK(std::chrono::abs(between(before, Timestamp{std::chrono::floor<std::chrono::seconds>(
                                             std::chrono::system_clock::now())})) < std::chrono::seconds(5));
  CHECK(now_from("2026-11-27T03:12:00Z") == at("2026-11-27T03:12:00Z"));
  CHECK(now_from("2026-11-27T04:12:00+01:00") == at("2026-11-27T03:12:00Z"));
  for (const char* bad : {"yesterday", "2026-11-27T03:12:00", "2026-11-27 03:12", " ", "-15m"}) {
    INFO(bad);
    CHECK_THROWS_AS(now_from(bad), UsageError);
  }
  try {
    now_from("junk\x1b]");
  } catch (const UsageError& error) {
    const std::string what = error.what();
    CHECK(contains(what, "INCIDENT_NOW"));
    CHECK_FALSE(contains(what, "junk"));
    CHECK(what.find('\n') == std::string::npos);
  }
}

TEST_CASE("k_time_forms lists the forms people type", "[time]") {
  CHECK(std::string(k_time_forms) ==
        "RFC 3339 (2026-11-27T03:12:00Z), 03:12, 2026-11-27 03:12, yesterday 23:50, -15m, 15m ago");
}
