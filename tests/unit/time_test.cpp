#include <catch2/catch.hpp>

#include <limits>

#include "incident/time.hpp"

using namespace incident;

TEST_CASE("parse_rfc3339 reads UTC and offsets and normalises to UTC") {
  auto utc = parse_rfc3339("2026-11-27T03:12:00Z");
  REQUIRE(utc);
  CHECK(format_rfc3339(*utc) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27T04:12:00+01:00")) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-26T22:12:00-05:00")) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27t03:12:00.123456z")) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27 03:12:00Z")) == "2026-11-27T03:12:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2024-02-29T00:00:00Z")) == "2024-02-29T00:00:00Z");
}

TEST_CASE("parse_rfc3339 refuses anything else") {
  for (const char* bad : {"", "2026-11-27", "2026-11-27T03:12Z", "2026-11-27T03:12:00", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-27T24:00:00Z",
                          "2026-11-27T03:60:00Z", "2026-11-27T03:12:00+1:00", "2026-11-27T03:12:00+01:00x",
                          "1969-12-31T23:59:59Z", "2026-11-27T03:12:00.Z", "２０２６-11-27T03:12:00Z",
                          "2026-11-27T03:12:00+24:00", "now", "2026-11-27T03:12:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
}

TEST_CASE("format_clock shows the day only when it differs") {
  const auto at = *parse_rfc3339("2026-11-27T03:27:00Z");
  CHECK(format_clock(at, *parse_rfc3339("2026-11-27T03:12:00Z")) == "03:27Z");
  CHECK(format_clock(at, *parse_rfc3339("2026-11-26T23:12:00Z")) == "Nov 27 03:27Z");
  CHECK(format_minute(at) == "2026-11-27 03:27Z");
}

TEST_CASE("RFC 3339 formatting covers the whole range the tool reads") {
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
TEST_CASE("parse_rfc3339 refuses a time whose UTC is outside 1970..9999") {
  CHECK_FALSE(parse_rfc3339("1970-01-01T00:30:00+01:00").has_value());
  CHECK_FALSE(parse_rfc3339("9999-12-31T23:30:00-01:00").has_value());
  CHECK(format_rfc3339(*parse_rfc3339("1970-01-01T01:00:00+01:00")) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("9999-12-31T22:59:59-01:00")) == "9999-12-31T23:59:59Z");
}

// Found by fuzz/time and fuzz/incident_file: format_clock went through fmt's chrono
// formatting, which converts to nanoseconds and overflowed (undefined behaviour) for any
// time after 2262; so did format_rfc3339 for a computed time past 9999.
TEST_CASE("formatting is defined for every time (far ones too)") {
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
