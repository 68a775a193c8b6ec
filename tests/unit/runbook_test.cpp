#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <limits>
#include <string>

#include "incident/error.hpp"
#include "incident/runbook.hpp"
#include "incident/runbook_loader.hpp"

using namespace incident;
using namespace std::chrono_literals;

namespace {

const Runbook& default_runbook() {
  static const Runbook runbook =
      load_runbook(std::filesystem::path(INCIDENT_SOURCE_DIR) / "runbooks/default.yaml",
                   std::filesystem::path(INCIDENT_SOURCE_DIR) / "templates");
  return runbook;
}

template <typename Exception>
std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Exception& e) {
    return e.what();
  }
  return "(no exception)";
}

constexpr std::int64_t k_hundred_years = std::int64_t{100} * 366 * 24 * 3600;

}  // namespace

TEST_CASE("parse_duration accepts a positive whole number and one unit") {
  CHECK(parse_duration("30s") == Seconds{30});
  CHECK(parse_duration("15m") == Seconds{900});
  CHECK(parse_duration("1h") == Seconds{3600});
  CHECK(parse_duration("24h") == Seconds{86400});
  CHECK(parse_duration("2d") == Seconds{172800});
  CHECK(parse_duration("1w") == Seconds{604800});
  CHECK(parse_duration("1s") == Seconds{1});
  CHECK(parse_duration("999999999s") == Seconds{999999999});  // nine digits
}

TEST_CASE("parse_duration refuses everything else") {
  for (const char* text : {"", "m", "15", "0m", "0s", "-5m", "+5m", "15x", "15M", "15 m", " 15m", "15m ", "15 minutes",
                           "1h30m", "1.5h", "1e3s", "0x10s", "m15", "15mm", "١٥m"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("parse_duration refuses ten digits and anything over 100 years without overflowing") {
  CHECK_FALSE(parse_duration("1234567890s").has_value());
  CHECK_FALSE(parse_duration("0000000001s").has_value());
  CHECK_FALSE(parse_duration("99999999999999999999w").has_value());
  CHECK_FALSE(parse_duration("999999999w").has_value());
  CHECK_FALSE(parse_duration("999999999d").has_value());
  CHECK_FALSE(parse_duration("999999999h").has_value());
  // The limit is exactly 100 years of 366 days.
  CHECK(parse_duration("36600d") == Seconds{k_hundred_years});
  CHECK_FALSE(parse_duration("36601d").has_value());
  CHECK(parse_duration("5228w") == Seconds{5228LL * 604800});
  CHECK_FALSE(parse_duration("5229w").has_value());
  CHECK(parse_duration("878400h") == Seconds{k_hundred_years});
  CHECK_FALSE(parse_duration("878401h").has_value());
}

TEST_CASE("format_duration_words uses the largest unit that divides the duration") {
  CHECK(format_duration_words(900s) == "15 minutes");
  CHECK(format_duration_words(3600s) == "1 hour");
  CHECK(format_duration_words(14400s) == "4 hours");
  CHECK(format_duration_words(90s) == "90 seconds");
  CHECK(format_duration_words(5400s) == "90 minutes");
  CHECK(format_duration_words(60s) == "1 minute");
  CHECK(format_duration_words(1s) == "1 second");
  CHECK(format_duration_words(0s) == "0 seconds");
  CHECK(format_duration_words(3601s) == "3601 seconds");
  // A day reads as 24 hours; days from two on; never weeks.
  CHECK(format_duration_words(24h) == "24 hours");
  CHECK(format_duration_words(48h) == "2 days");
  CHECK(format_duration_words(168h) == "7 days");
  CHECK(format_duration_words(Seconds{k_hundred_years}) == "36600 days");
  CHECK(format_duration_words(Seconds{std::numeric_limits<std::int64_t>::max()}) == "9223372036854775807 seconds");
}

TEST_CASE("format_duration_short is compact") {
  CHECK(format_duration_short(0s) == "0s");
  CHECK(format_duration_short(59s) == "59s");
  CHECK(format_duration_short(60s) == "1m");
  CHECK(format_duration_short(61s) == "1m");
  CHECK(format_duration_short(900s) == "15m");
  CHECK(format_duration_short(3600s) == "1h");
  CHECK(format_duration_short(5400s) == "1h30m");
  CHECK(format_duration_short(86400s) == "24h");  // the Low SLA, as the runbook says it
  CHECK(format_duration_short(90000s) == "25h");
  CHECK(format_duration_short(90060s) == "25h1m");
  CHECK(format_duration_short(172800s) == "2d");
  CHECK(format_duration_short(176400s) == "2d1h");
  CHECK(format_duration_short(176460s) == "2d1h");  // minutes are dropped once there are days
  CHECK(format_duration_short(172860s) == "2d");
  CHECK(format_duration_short(-900s) == "-15m");
  CHECK(format_duration_short(-5s) == "-5s");
  CHECK(format_duration_short(Seconds{std::numeric_limits<std::int64_t>::max()}) == "106751991167300d15h");
  // The most negative count must not overflow when negated.
  CHECK(format_duration_short(Seconds{std::numeric_limits<std::int64_t>::min()}) == "-106751991167300d15h");
}

TEST_CASE("parse_window reads FROM-TO and one unit with FROM before TO") {
  auto window = parse_window("0-15m");
  REQUIRE(window);
  CHECK(window->from == 0s);
  CHECK(window->to == 900s);
  CHECK(window->unit == 'm');
  window = parse_window("1-4h");
  REQUIRE(window);
  CHECK(window->from == 1h);
  CHECK(window->to == 4h);
  CHECK(window->unit == 'h');
  CHECK(parse_window("24-48h")->to == 48h);
  CHECK(parse_window("1-7d")->unit == 'd');
  CHECK(parse_window("1-4w")->to == Seconds{4 * 604800});
  CHECK(parse_window("0-30s")->to == 30s);
  CHECK(parse_window("0-36600d")->to == Seconds{k_hundred_years});
}

TEST_CASE("parse_window refuses malformed and backwards windows") {
  for (const char* text : {"", "-", "0-", "-15m", "0-15", "15-15m", "30-15m", "0--15m", "0-15mm", "1-4hours", "a-5m",
                           "0-b5m", "1-2-3m", "0 -15m", "0- 15m", "0-15M", "15m", "0-1234567890s", "1234567890-2s",
                           "0-36601d", "0-99999999999999999999w"}) {
    INFO(text);
    CHECK_FALSE(parse_window(text).has_value());
  }
}

TEST_CASE("format_window shows the window in the unit it was written in") {
  CHECK(format_window({0s, 900s, 'm'}) == "0-15 minutes");
  CHECK(format_window({0s, 60s, 'm'}) == "0-1 minute");
  CHECK(format_window({1h, 4h, 'h'}) == "1-4 hours");
  CHECK(format_window({24h, 48h, 'h'}) == "24-48 hours");
  CHECK(format_window({24h, 168h, 'd'}) == "1-7 days");
  CHECK(format_window({Seconds{604800}, Seconds{4 * 604800}, 'w'}) == "1-4 weeks");
  CHECK(format_window({0s, 900s, 'x'}) == "0-900 seconds");  // an unknown unit falls back to seconds
  CHECK(format_window(*parse_window("15-60m")) == "15-60 minutes");
}

TEST_CASE("Runbook severity accepts ids and names in any case") {
  const Runbook& runbook = default_runbook();
  for (const char* text : {"p1", "P1", "high", "HIGH", "High", "hIgH"}) {
    INFO(text);
    CHECK(runbook.severity(text).id == "P1");
  }
  CHECK(runbook.severity("p0").name == "Critical");
  CHECK(runbook.severity("low").id == "P3");
}

TEST_CASE("Runbook severity throws a UsageError listing the valid values") {
  const Runbook& runbook = default_runbook();
  const std::string valid = " (valid: P0 (Critical), P1 (High), P2 (Medium), P3 (Low))";
  CHECK(message_of<UsageError>([&] { (void)runbook.severity("P5"); }) == "unknown severity 'P5'" + valid);
  CHECK(message_of<UsageError>([&] { (void)runbook.severity(""); }) == "unknown severity ''" + valid);
  CHECK(message_of<UsageError>([&] { (void)runbook.severity(" P1"); }) == "unknown severity ' P1'" + valid);
  CHECK(message_of<UsageError>([&] { (void)runbook.severity("P1\x1b[2J"); }) == "unknown severity 'P1\\e[2J'" + valid);
  try {
    (void)runbook.severity("P5");
  } catch (const Error& e) {
    CHECK(e.exit_code() == ExitCode::usage);
  }
}

TEST_CASE("Runbook scenario finds by id or name and suggests close ids") {
  const Runbook& runbook = default_runbook();
  CHECK(runbook.scenario("database").name == "Database Issues");
  CHECK(runbook.scenario("DATABASE").id == "database");
  CHECK(runbook.scenario("api performance issues").id == "api-performance");
  CHECK(runbook.scenario("Budget/Cost Issues").id == "budget");
  const std::string known = " (known: database, api-performance, authentication, rate-limiting, budget)";
  CHECK(message_of<NotFoundError>([&] { (void)runbook.scenario("databse"); }) ==
        "no scenario 'databse' (did you mean 'database'?)" + known);
  CHECK(message_of<NotFoundError>([&] { (void)runbook.scenario("api_performance"); }) ==
        "no scenario 'api_performance' (did you mean 'api-performance'?)" + known);
  CHECK(message_of<NotFoundError>([&] { (void)runbook.scenario("network"); }) == "no scenario 'network'" + known);
  try {
    (void)runbook.scenario("network");
  } catch (const Error& e) {
    CHECK(e.exit_code() == ExitCode::not_found);
  }
}

TEST_CASE("Runbook lookups by id are exact") {
  const Runbook& runbook = default_runbook();
  REQUIRE(runbook.find_severity_by_id("P2") != nullptr);
  CHECK(runbook.find_severity_by_id("P2")->name == "Medium");
  CHECK(runbook.find_severity_by_id("p2") == nullptr);
  CHECK(runbook.find_severity_by_id("Medium") == nullptr);
}

TEST_CASE("Checklist applies_to and Phase checklist_for") {
  Checklist every;
  Checklist urgent;
  urgent.severities = {"P0", "P1"};
  CHECK(every.applies_to("P3"));
  CHECK(urgent.applies_to("P1"));
  CHECK_FALSE(urgent.applies_to("p1"));
  CHECK_FALSE(urgent.applies_to("P2"));

  Phase phase;
  phase.checklists = {urgent};
  CHECK(phase.checklist_for("P0") == &phase.checklists[0]);
  CHECK(phase.checklist_for("P2") == nullptr);
  phase.checklists.push_back(every);
  CHECK(phase.checklist_for("P2") == &phase.checklists[1]);
  CHECK(phase.checklist_for("P1") == &phase.checklists[0]);
}

TEST_CASE("Escalation contact_for finds the level's contact") {
  Escalation escalation;
  escalation.contacts = {{"primary", "Primary", "[On-call engineer]"}, {"lead", "Lead", "#leads"}};
  EscalationLevel level{2, "Team lead", "lead"};
  REQUIRE(escalation.contact_for(level) != nullptr);
  CHECK(escalation.contact_for(level)->value == "#leads");
  level.contact.clear();
  CHECK(escalation.contact_for(level) == nullptr);
}
