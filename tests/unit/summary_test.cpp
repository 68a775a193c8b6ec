#include <catch2/catch.hpp>

#include "incident/summary.hpp"

using namespace incident;

TEST_CASE("summaries round-trip through their index line, whatever the text holds") {
  Summary summary;
  summary.id = "k3x9m2qa";
  summary.status = Status::monitoring;
  summary.grade.severity = "P1";
  summary.grade.severity_name = "High";
  summary.grade.response_time = Seconds{3600};
  summary.started_at = *parse_rfc3339("2026-11-27T03:12:00Z");
  summary.acknowledged_at = *parse_rfc3339("2026-11-27T03:20:00Z");
  summary.commander = "alice\tand\\bob";
  summary.title = "tabs\there\nnewline \\n literal\r";
  summary.impact = "";
  summary.grade.update_every = Seconds{1800};
  summary.last_update_at = *parse_rfc3339("2026-11-27T03:40:00Z");
  summary.response_grade.response_time = Seconds{900};
  summary.file = {123, 456, 789};
  const std::string line = encode_summary(summary);
  CHECK(line.find('\n') == std::string::npos);
  auto decoded = decode_summary(line);
  REQUIRE(decoded);
  CHECK(*decoded == summary);
}

TEST_CASE("malformed index lines are refused") {
  // id, started, status, the grade (severity, severity_name, response, update_every), the
  // response grade (the same four), acked, resolved, closed, last_update, commander,
  // title, impact, drill, inode, size, mtime
  auto line = [](const std::string& started, const std::string& status, const std::string& response,
                 const std::string& title, const std::string& mtime, const std::string& drill = "0") {
    return "id\t" + started + "\t" + status + "\tP1\tHigh\t" + response + "\t0\tP1\tHigh\t" + response +
           "\t0\t-\t-\t-\t-\t\t" + title + "\t\t" + drill + "\t1\t2\t" + mtime;
  };
  CHECK(decode_summary(line("0", "closed", "1", "ok", "3")).has_value());
  CHECK(decode_summary(line("0", "closed", "1", "ok", "-3")).has_value());  // a file from before 1970
  CHECK_FALSE(decode_summary("").has_value());
  CHECK_FALSE(decode_summary("a\tb").has_value());
  CHECK_FALSE(decode_summary(line("0", "bogus", "1", "ok", "3")).has_value());
  CHECK_FALSE(decode_summary(line("0", "closed", "x", "ok", "3")).has_value());
  CHECK_FALSE(decode_summary(line("0", "closed", "1", "bad\\q", "3")).has_value());
  CHECK_FALSE(decode_summary(line("0", "closed", "1", "ok", "3") + "\textra").has_value());
  for (const char* number : {"", "+1", " 1", "1 ", "0x1", "-", "99999999999999999999", "9223372036854775808"}) {
    INFO(number);
    CHECK_FALSE(decode_summary(line("0", "closed", "1", "ok", number)).has_value());
  }
  CHECK(decode_summary(line("0", "closed", "1", "ok", "9223372036854775807")).has_value());
  // Times outside 1970..9999 and responses outside 0..100 years are not believed.
  CHECK_FALSE(decode_summary(line("-1", "closed", "1", "ok", "3")).has_value());
  CHECK_FALSE(decode_summary(line("253402300800", "closed", "1", "ok", "3")).has_value());
  CHECK(decode_summary(line("253402300799", "closed", "1", "ok", "3")).has_value());
  CHECK_FALSE(decode_summary(line("0", "closed", "-1", "ok", "3")).has_value());
  CHECK_FALSE(decode_summary(line("0", "closed", "3162240001", "ok", "3")).has_value());
  // The drill column (index format 6) is "0" or "1", nothing else.
  CHECK(decode_summary(line("0", "closed", "1", "ok", "3", "1"))->drill);
  CHECK_FALSE(decode_summary(line("0", "closed", "1", "ok", "3", "0"))->drill);
  for (const char* drill : {"", "2", "yes", "true"}) {
    INFO(drill);
    CHECK_FALSE(decode_summary(line("0", "closed", "1", "ok", "3", drill)).has_value());
  }
}

TEST_CASE("a drill's summary says so through its index line") {
  Summary summary;
  summary.id = "d1";
  summary.grade.severity = "P2";
  summary.title = "Game day";
  summary.file = {1, 2, 3};
  for (const bool drill : {true, false}) {
    summary.drill = drill;
    const auto decoded = decode_summary(encode_summary(summary));
    REQUIRE(decoded);
    CHECK(decoded->drill == drill);
    CHECK(*decoded == summary);
  }
}

TEST_CASE("the key of an index line is read without decoding the rest") {
  const auto key = decode_summary_key("k3x9m2qa\t1795800000\tanything at all\t12\t340\t-5");
  REQUIRE(key);
  CHECK(key->id == "k3x9m2qa");
  CHECK(key->started_at.time_since_epoch().count() == 1795800000);
  CHECK(key->file == FileIdentity{12, 340, -5});
  CHECK_FALSE(decode_summary_key("k3x9m2qa\t1795800000").has_value());  // no other field
  CHECK_FALSE(decode_summary_key("k3x9m2qa\t1795800000\tx\t12\t340").has_value());  // no identity
  CHECK_FALSE(decode_summary_key("k3x9m2qa\t1795800000\tx\t12\tbig\t1").has_value());
  CHECK_FALSE(decode_summary_key("\t1795800000\tx").has_value());
  CHECK_FALSE(decode_summary_key("k3x9m2qa\tsoon\tx").has_value());
}

TEST_CASE("a skipped file's line round-trips and is never taken for a summary") {
  const SkippedFile skipped{"k3x9m2qa", {1, 2, -3}, "/s/k3x9m2qa.json:1:2: not a valid incident file:\ttab\nnewline"};
  const std::string line = encode_skipped(skipped);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(is_skipped_line(line));
  const auto decoded = decode_skipped(line);
  REQUIRE(decoded);
  CHECK(decoded->id == skipped.id);
  CHECK(decoded->file == skipped.file);
  CHECK(decoded->message == skipped.message);
  CHECK_FALSE(decode_summary(line).has_value());
  CHECK_FALSE(decode_skipped("!\tk3x9m2qa\t1\t2\t3").has_value());
  CHECK_FALSE(decode_skipped("!\t\t1\t2\t3\tm").has_value());
  CHECK_FALSE(decode_skipped("k3x9m2qa\t1\t2\t3\t4\tm").has_value());
}
