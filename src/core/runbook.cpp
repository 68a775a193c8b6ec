#include "incident/runbook.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

struct Unit {
  char symbol;
  std::int64_t seconds;
  std::string_view singular;
};

constexpr Unit k_units[] = {
    {'w', std::int64_t{7} * 24 * 3600, "week"}, {'d', std::int64_t{24} * 3600, "day"}, {'h', 3600, "hour"},
    {'m', 60, "minute"},          {'s', 1, "second"},
};

constexpr std::int64_t k_max_duration_seconds = std::int64_t{100} * 366 * 24 * 3600;

const Unit* find_unit(char symbol) {
  for (const auto& unit : k_units) {
    if (unit.symbol == symbol) {
      return &unit;
    }
  }
  return nullptr;
}

// A whole number of at most 9 digits, nothing else.
std::optional<std::int64_t> parse_count(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const auto* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (ec != std::errc{} || ptr != end) {
    return std::nullopt;
  }
  return value;
}

std::string plural(std::int64_t count, std::string_view singular) {
  return fmt::format("{} {}{}", count, singular, count == 1 ? "" : "s");
}

}  // namespace

bool Checklist::applies_to(std::string_view severity_id) const {
  return severities.empty() ||
         std::find(severities.begin(), severities.end(), severity_id) != severities.end();
}

const Checklist* Phase::checklist_for(std::string_view severity_id) const {
  for (const auto& checklist : checklists) {
    if (checklist.applies_to(severity_id)) {
      return &checklist;
    }
  }
  return nullptr;
}

const EscalationLevel* Escalation::find_level(int level) const {
  for (const auto& candidate : levels) {
    if (candidate.level == level) {
      return &candidate;
    }
  }
  return nullptr;
}

const EscalationTrigger* Escalation::find_trigger(std::string_view id) const {
  for (const auto& trigger : triggers) {
    if (trigger.id == id) {
      return &trigger;
    }
  }
  return nullptr;
}

const Contact* Escalation::contact_for(const EscalationLevel& level) const {
  for (const auto& contact : contacts) {
    if (contact.id == level.contact) {
      return &contact;
    }
  }
  return nullptr;
}

const std::vector<std::string>& done_by_names() {
  static const std::vector<std::string> names{"ack", "commander", "post-initial", "post-resolution"};
  return names;
}

const Severity* Runbook::find_severity_by_id(std::string_view id) const {
  for (const auto& severity : severities) {
    if (severity.id == id) {
      return &severity;
    }
  }
  return nullptr;
}

const Severity& Runbook::severity(std::string_view user_text) const {
  for (const auto& severity : severities) {
    if (text::iequals(severity.id, user_text) || text::iequals(severity.name, user_text)) {
      return severity;
    }
  }
  std::vector<std::string> valid;
  for (const auto& severity : severities) {
    valid.push_back(fmt::format("{} ({})", severity.id, severity.name));
  }
  throw UsageError(fmt::format("unknown severity '{}' (valid: {})",
                               text::escape_control(user_text), text::join(valid)));
}

const Scenario& Runbook::scenario(std::string_view user_text) const {
  std::vector<std::string> ids;
  for (const auto& scenario : scenarios) {
    if (text::iequals(scenario.id, user_text) || text::iequals(scenario.name, user_text)) {
      return scenario;
    }
    ids.push_back(scenario.id);
  }
  throw NotFoundError(fmt::format("no scenario '{}'{} (known: {})", text::escape_control(user_text),
                                  text::did_you_mean(user_text, ids), text::join(ids)));
}

std::optional<Seconds> parse_duration(std::string_view text) {
  if (text.size() < 2) {
    return std::nullopt;
  }
  const Unit* unit = find_unit(text.back());
  auto count = parse_count(text.substr(0, text.size() - 1));
  if (unit == nullptr || !count || *count <= 0 || *count > k_max_duration_seconds / unit->seconds) {
    return std::nullopt;
  }
  return Seconds{*count * unit->seconds};
}

std::string format_duration_words(Seconds duration) {
  const std::int64_t total = duration.count();
  for (const auto& unit : k_units) {
    // "24 hours" reads better than "1 day" for an SLA; days from two on.
    const bool readable = unit.symbol != 'w' && (unit.symbol != 'd' || total >= 2 * unit.seconds);
    if (total != 0 && total % unit.seconds == 0 && readable) {
      return plural(total / unit.seconds, unit.singular);
    }
  }
  return plural(total, "second");
}

std::string format_duration_short(Seconds duration) {
  const std::int64_t count = duration.count();
  std::string out = count < 0 ? "-" : "";
  // The magnitude, unsigned: the most negative count has no positive int64 counterpart.
  const std::uint64_t total =
      count < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  if (total < 60) {
    return out + fmt::format("{}s", total);
  }
  // As in format_duration_words: "24h" (the runbook's Low SLA) rather than "1d"; days
  // from two on.
  const std::uint64_t days = total >= std::uint64_t{2} * 86400 ? total / 86400 : 0;
  const std::uint64_t hours = (total - days * 86400) / 3600;
  const std::uint64_t minutes = total % 3600 / 60;
  if (days > 0) {
    out += fmt::format("{}d", days);
  }
  if (hours > 0) {
    out += fmt::format("{}h", hours);
  }
  if (minutes > 0 && days == 0) {
    out += fmt::format("{}m", minutes);
  }
  return out;
}

std::optional<Window> parse_window(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos || text.size() < dash + 3) {
    return std::nullopt;
  }
  const Unit* unit = find_unit(text.back());
  auto from = parse_count(text.substr(0, dash));
  auto to = parse_count(text.substr(dash + 1, text.size() - dash - 2));
  if (unit == nullptr || !from || !to || *from >= *to || *to > k_max_duration_seconds / unit->seconds) {
    return std::nullopt;
  }
  return Window{Seconds{*from * unit->seconds}, Seconds{*to * unit->seconds}, unit->symbol};
}

std::string format_window(const Window& window) {
  const Unit* found = find_unit(window.unit);
  const Unit& unit = found != nullptr ? *found : k_units[std::size(k_units) - 1];  // seconds
  const auto to = window.to.count() / unit.seconds;
  return fmt::format("{}-{} {}{}", window.from.count() / unit.seconds, to, unit.singular, to == 1 ? "" : "s");
}

}  // namespace incident
