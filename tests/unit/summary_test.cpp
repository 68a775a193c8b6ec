#include <catch2/catch.hpp>

#include "incident/summary.hpp"

using namespace incident;

TEST_CASE("summaries round-trip through their index line, whatever the text holds") {
  Summary summary;
  summary.id = "k3x9m2qa";
  summary.status = Status::monitoring;
  summary.severity = "P1";
  summary.severity_name = "High";
  summary.response_time = Seconds{3600};
  summary.started_at = *parse_rfc3339("2026-11-27T03:12:00Z");
  summary.acknowledged_at = *parse_rfc3339("2026-11-27T03:20:00Z");
  summary.commander = "alice\tand\\bob";
  summary.title = "tabs\there\nnewline \\n literal\r";
  summary.impact = "";
  summary.file = {123, 456, 789};
  const std::string line = encode_summary(summary);
  CHECK(line.find('\n') == std::string::npos);
  auto decoded = decode_summary(line);
  REQUIRE(decoded);
  CHECK(*decoded == summary);
}

TEST_CASE("malformed index lines are refused") {
  CHECK_FALSE(decode_summary("").has_value());
  CHECK_FALSE(decode_summary("a\tb").has_value());
  CHECK_FALSE(decode_summary("id\tbogus\tP1\tHigh\t3600\t0\t-\t-\t-\t\tt\t\t1\t2\t3").has_value());
  CHECK_FALSE(decode_summary("id\tclosed\tP1\tHigh\tx\t0\t-\t-\t-\t\tt\t\t1\t2\t3").has_value());
  CHECK_FALSE(decode_summary("id\tclosed\tP1\tHigh\t1\t0\t-\t-\t-\t\tbad\\q\t\t1\t2\t3").has_value());
  CHECK(decode_summary("id\tclosed\tP1\tHigh\t1\t0\t-\t-\t-\t\tok\t\t1\t2\t3").has_value());
}
