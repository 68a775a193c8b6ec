#include "incident/sla.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

#include "incident/error.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

using Json = nlohmann::ordered_json;

constexpr Seconds k_default_no_progress{2 * 3600};

Json optional_time(const std::optional<Timestamp>& at) {
  return at ? Json(format_rfc3339(*at)) : Json(nullptr);
}

// "5m overdue" / "in 5m", for a deadline seen from `now`.

std::string level_words(const Escalation& escalation, int number) {
  const EscalationLevel* level = escalation.find_level(number);
  if (level == nullptr) {
    return fmt::format("level {}", number);
  }
  const Contact* contact = escalation.contact_for(*level);
  return fmt::format("level {}, {}{}", number, level->role,
                     contact == nullptr ? "" : fmt::format(" ({}: {})", contact->name, contact->value));
}

}  // namespace

text::Tone due_tone(Timestamp due, Timestamp now) {
  constexpr Seconds k_due_soon{5 * 60};
  return due < now ? text::Tone::alarm : due - now <= k_due_soon ? text::Tone::caution : text::Tone::plain;
}

text::Tone attention_tone(const IncidentFacts& incident, Timestamp now) {
  if (!is_active(incident.status)) {
    return text::Tone::plain;
  }
  std::optional<Timestamp> first = next_update_due(incident);
  if (const ResponseSla sla = response_sla(incident, now); !sla.responded_at) {
    first = first ? std::min(*first, sla.due) : sla.due;
  }
  return first ? due_tone(*first, now) : text::Tone::plain;
}

std::string due_words(Timestamp due, Timestamp now) {
  return due < now ? fmt::format("overdue by {}", format_duration_short(between(due, now)))
                   : fmt::format("due in {}", format_duration_short(between(now, due)));
}

Incident as_it_stood(const Incident& incident, Timestamp at) {
  if (at < incident.started_at) {
    throw UsageError(fmt::format("--at {} is before {} started ({})", format_rfc3339(at), incident.id,
                                 format_rfc3339(incident.started_at)));
  }
  std::vector<Event> events;
  for (const auto& event : incident.events) {
    if (event.at <= at) {
      events.push_back(event);
    }
  }
  return fold(incident.id, std::move(events));
}

std::string_view sla_state_name(SlaState state) {
  switch (state) {
    case SlaState::pending: return "pending";
    case SlaState::met: return "met";
    case SlaState::breached: return "breached";
  }
  return "pending";
}

Seconds ResponseSla::late_by(Timestamp as_of) const {
  const Timestamp end = responded_at.value_or(as_of);
  return end > due ? between(due, end) : Seconds{0};
}

ResponseSla response_sla(const IncidentFacts& incident, Timestamp as_of) {
  ResponseSla sla;
  sla.responded_at = incident.responded_at();
  // Once responded to, the SLA is the one in force then: a later re-grade must not move
  // the due time behind a verdict already given.
  sla.grade = sla.responded_at ? incident.response_grade : incident.grade;
  sla.due = incident.started_at + sla.grade.response_time;
  sla.by_resolution = sla.responded_at && !incident.acknowledged_at;
  if (sla.responded_at) {
    sla.state = *sla.responded_at <= sla.due ? SlaState::met : SlaState::breached;
  } else {
    sla.state = as_of > sla.due ? SlaState::breached : SlaState::pending;
  }
  return sla;
}

std::optional<Timestamp> next_update_due(const IncidentFacts& incident) {
  if (!is_active(incident.status) || incident.grade.update_every.count() <= 0) {
    return std::nullopt;
  }
  return incident.last_update_at.value_or(incident.started_at) + incident.grade.update_every;
}

Seconds incident_age(const IncidentFacts& incident, Timestamp as_of) {
  const Timestamp end = incident.resolved_at && !is_active(incident.status) ? *incident.resolved_at : as_of;
  return between(incident.started_at, std::max(end, incident.started_at));
}

Json response_sla_json(const ResponseSla& sla) {
  return Json{{"severity", sla.grade.severity},
              {"severity_name", sla.grade.severity_name},
              {"sla_seconds", sla.grade.response_time.count()},
              {"due_at", format_rfc3339(sla.due)},
              {"state", sla_state_name(sla.state)},
              {"met", sla.state == SlaState::met},
              {"breached", sla.state == SlaState::breached},
              {"overdue", !sla.responded_at && sla.state == SlaState::breached},
              {"responded_at", optional_time(sla.responded_at)},
              {"responded_by", sla.responded_at ? Json(sla.by_resolution ? "resolution" : "acknowledgement")
                                                : Json(nullptr)}};
}

Assessment assess(const Runbook& runbook, const Incident& incident, Timestamp as_of) {
  Assessment a;
  a.as_of = as_of;
  a.age = incident_age(incident, as_of);
  a.active = is_active(incident.status);
  a.response = response_sla(incident, as_of);

  a.any_update = incident.last_update_at.has_value();
  a.last_update_at = incident.last_update_at.value_or(incident.started_at);
  a.update_every = incident.grade.update_every;
  a.next_update_due = next_update_due(incident);

  const Escalation& escalation = runbook.escalation;
  a.escalated_level = incident.escalation_level();
  for (const auto& trigger : escalation.triggers) {
    TriggerState state;
    state.trigger = &trigger;
    if (trigger.id == "sla-exceeded") {
      if (a.response.state == SlaState::breached) {
        state.holds = true;
        state.since = a.response.due;
        // The response may be the resolution (it came before any ack): say which it was.
        state.detail = a.response.responded_at
                           ? fmt::format("{} {} late", a.response.by_resolution ? "resolved" : "acknowledged",
                                         format_duration_short(a.response.late_by(as_of)))
                           : fmt::format("not acknowledged, {} past the {} SLA",
                                         format_duration_short(a.response.late_by(as_of)),
                                         format_duration_short(a.response.grade.response_time));
      }
    } else if (trigger.id == "no-progress") {
      const Seconds after = trigger.after.value_or(k_default_no_progress);
      const Seconds quiet = between(a.last_update_at, as_of);
      if (a.active && quiet >= after) {
        state.holds = true;
        state.since = a.last_update_at + after;
        state.detail = a.any_update ? fmt::format("no update for {}", format_duration_short(quiet))
                                    : fmt::format("no update since the start, {} ago", format_duration_short(quiet));
      }
    } else if (const auto flag = incident.flags.find(trigger.id); flag != incident.flags.end()) {
      state.holds = true;
      state.since = flag->second.at;
      state.detail = fmt::format("flagged by {}", flag->second.by);
    }
    if (state.holds) {
      a.recommended_level = std::max(a.recommended_level, trigger.escalate_to);
    }
    a.triggers.push_back(std::move(state));
  }
  a.escalation_recommended = a.active && a.recommended_level > a.escalated_level;
  return a;
}

std::vector<text::ToneLine> render_status(const Runbook& runbook, const Incident& incident, const Assessment& a,
                                          const Zone& zone, std::size_t width) {
  constexpr std::size_t k_label = 14;
  // A value too long for the width continues under itself, broken between words.
  const auto fit = [&](std::string_view head, std::size_t indent, const std::string& value) {
    if (width < indent + 20) {
      return fmt::format("{}{}\n", head, value);
    }
    std::string out;
    for (const auto& part : text::wrap_lines(value, width - indent)) {
      out += (out.empty() ? std::string(head) : std::string(indent, ' ')) + part + "\n";
    }
    return out;
  };
  const auto line = [&](std::string_view label, const std::string& value, text::Tone tone = text::Tone::plain) {
    return text::ToneLine{tone, fit(fmt::format("{:<{}}", label, k_label), k_label, value)};
  };
  const auto clock = [&](Timestamp at) { return format_local_clock(at, a.as_of, zone); };
  std::vector<text::ToneLine> out;
  if (incident.drill) {
    out.push_back({text::Tone::plain, std::string(k_drill_banner)});
  }
  out.push_back({text::Tone::plain, fit(incident.id + " ", incident.id.size() + 1, text::escape_control(incident.title))});
  // The runbook lists severities most severe first: the top one is red, the next yellow.
  const auto& severities = runbook.severities;
  const auto rank = std::find_if(severities.begin(), severities.end(),
                                 [&](const Severity& s) { return s.id == incident.grade.severity; }) -
                    severities.begin();
  out.push_back(line("Severity:",
                     fmt::format("{} ({})", text::escape_control(incident.grade.severity_name),
                                 text::escape_control(incident.grade.severity)),
                     !a.active   ? text::Tone::plain
                     : rank == 0 ? text::Tone::alarm
                     : rank == 1 ? text::Tone::caution
                                 : text::Tone::plain));
  out.push_back(line("Status:", status_title(incident.status)));
  out.push_back(
      line("Commander:", incident.commander.empty() ? "unassigned" : text::escape_control(incident.commander)));
  out.push_back(line("As of:", fmt::format("{} ({} {})", format_local_minute(a.as_of, zone),
                                           a.active ? "age" : "duration", format_duration_short(a.age))));

  const ResponseSla& sla = a.response;
  std::string response = fmt::format("{}, due {}: ", format_duration_short(sla.grade.response_time), clock(sla.due));
  text::Tone response_tone = sla.state == SlaState::breached ? text::Tone::alarm : text::Tone::plain;
  if (sla.responded_at) {
    response += fmt::format("{} ({} after {}{})", sla_state_name(sla.state),
                            sla.by_resolution ? "resolved" : "acknowledged",
                            format_duration_short(between(incident.started_at, *sla.responded_at)),
                            sla.by_resolution ? "" : " by " + text::escape_control(incident.acknowledged_by));
  } else if (sla.state == SlaState::breached) {
    response += fmt::format("breached (not acknowledged, {})", due_words(sla.due, a.as_of));
  } else {
    response += fmt::format("pending ({})", due_words(sla.due, a.as_of));
    response_tone = due_tone(sla.due, a.as_of);
  }
  out.push_back(line("Response SLA:", response, response_tone));

  std::string updates = a.update_every.count() > 0
                            ? fmt::format("every {}; ", format_duration_short(a.update_every))
                            : std::string("no cadence set; ");
  updates += a.any_update ? fmt::format("last {} ago ({}, {} in all)",
                                        format_duration_short(between(a.last_update_at, a.as_of)),
                                        clock(a.last_update_at), incident.updates)
                          : std::string("none since the Initial Status Update");
  text::Tone updates_tone = text::Tone::plain;
  if (a.next_update_due) {
    updates += fmt::format("; next {}: {}", clock(*a.next_update_due), due_words(*a.next_update_due, a.as_of));
    updates_tone = due_tone(*a.next_update_due, a.as_of);
  }
  out.push_back(line("Updates:", updates, updates_tone));

  if (!a.triggers.empty()) {
    out.push_back({text::Tone::plain, "Escalation triggers:\n"});
    std::vector<std::string> declarable;
    for (const auto& state : a.triggers) {
      out.push_back({state.holds && a.active ? text::Tone::alarm : text::Tone::plain,
                     fit(state.holds ? "  [!] " : "  [ ] ", 6,
                         state.trigger->text + (state.holds ? ": " + text::escape_control(state.detail) : ""))});
      if (!state.holds && state.trigger->is_declared()) {
        declarable.push_back(state.trigger->id);
      }
    }
    if (a.active && !declarable.empty()) {
      out.push_back({text::Tone::plain,
                     fit("  ", 2, fmt::format("(declare one: incident flag {} {})", incident.id, text::join(declarable, "|")))});
    }
  }
  const Escalation& escalation = runbook.escalation;
  std::string escalation_line;
  if (a.escalated_level > 0) {
    const auto& last = *std::max_element(
        incident.escalations.begin(), incident.escalations.end(),
        [](const EscalationRecord& x, const EscalationRecord& y) { return x.level < y.level; });
    escalation_line = fmt::format("escalated to level {} at {} by {}", last.level, clock(last.at),
                                  text::escape_control(last.by));
  }
  if (a.escalation_recommended) {
    escalation_line += fmt::format("{}{} recommended; next: incident escalate {}",
                                   escalation_line.empty() ? "" : "; ",
                                   level_words(escalation, a.recommended_level), incident.id);
  } else if (escalation_line.empty()) {
    escalation_line = a.active ? "not needed (no trigger holds)" : "not needed";
  }
  out.push_back(line("Escalation:", escalation_line, a.escalation_recommended ? text::Tone::alarm : text::Tone::plain));
  return out;
}

Json status_json(const Runbook& runbook, const Incident& incident, const Assessment& a) {
  Json triggers = Json::array();
  for (const auto& state : a.triggers) {
    triggers.push_back({{"id", state.trigger->id},
                        {"text", state.trigger->text},
                        {"declarable", state.trigger->is_declared()},
                        {"flagged", incident.flags.contains(state.trigger->id)},
                        {"holds", state.holds},
                        {"since", optional_time(state.since)},
                        {"detail", state.holds ? Json(state.detail) : Json(nullptr)},
                        {"escalate_to", state.trigger->escalate_to}});
  }
  Json recommended = nullptr;
  if (a.recommended_level > 0) {
    recommended = {{"level", a.recommended_level}, {"role", nullptr}, {"contact", nullptr}};
    if (const EscalationLevel* level = runbook.escalation.find_level(a.recommended_level)) {
      recommended["role"] = level->role;
      if (const Contact* contact = runbook.escalation.contact_for(*level)) {
        recommended["contact"] = {{"id", contact->id}, {"name", contact->name}, {"value", contact->value}};
      }
    }
  }
  Json response = response_sla_json(a.response);
  response["acknowledged_at"] = optional_time(incident.acknowledged_at);
  const bool update_overdue = a.next_update_due && *a.next_update_due < a.as_of;
  return Json{
      {"id", incident.id},
      {"title", incident.title},
      {"severity", incident.grade.severity},
      {"severity_name", incident.grade.severity_name},
      {"status", status_name(incident.status)},
      {"commander", incident.commander.empty() ? Json(nullptr) : Json(incident.commander)},
      {"as_of", format_rfc3339(a.as_of)},
      {"started_at", format_rfc3339(incident.started_at)},
      {"age_seconds", a.age.count()},
      {"active", a.active},
      {"response", response},
      {"updates",
       {{"every_seconds", a.update_every.count() > 0 ? Json(a.update_every.count()) : Json(nullptr)},
        {"count", incident.updates},
        {"last_at", a.any_update ? Json(format_rfc3339(a.last_update_at)) : Json(nullptr)},
        {"seconds_since_last", between(a.last_update_at, a.as_of).count()},
        {"next_due_at", optional_time(a.next_update_due)},
        {"overdue", update_overdue}}},
      {"triggers", triggers},
      {"escalation",
       {{"level", a.escalated_level},
        {"recommended", a.escalation_recommended},
        {"recommended_level", a.recommended_level > 0 ? Json(a.recommended_level) : Json(nullptr)},
        {"recommendation", recommended}}},
  };
}

std::vector<Problem> check_problems(const Incident& incident, const Assessment& a, Seconds within, const Zone& zone) {
  std::vector<Problem> problems;
  if (!a.active) {
    return problems;
  }
  const std::string who = fmt::format("{} {}", incident.id, text::escape_control(incident.grade.severity));
  // A drill's title marked as `list` marks it: cron mail about an exercise says so.
  const std::string title = (incident.drill ? std::string(k_drill_mark) + " " : std::string()) +
                            text::escape_control(incident.title);
  auto clock = [&](Timestamp at) { return format_local_clock(at, a.as_of, zone); };
  const Timestamp ack_due = a.response.due;
  if (!a.response.responded_at && ack_due - a.as_of <= within) {
    problems.push_back({"ack", ack_due < a.as_of,
                        fmt::format("{} ack {} ({}): {}", who, due_words(ack_due, a.as_of), clock(ack_due), title)});
  }
  if (a.next_update_due && *a.next_update_due - a.as_of <= within) {
    problems.push_back({"update", *a.next_update_due < a.as_of,
                        fmt::format("{} update {} ({}): {}", who, due_words(*a.next_update_due, a.as_of),
                                    clock(*a.next_update_due), title)});
  }
  if (a.escalation_recommended) {
    std::vector<std::string> reasons;
    for (const auto& state : a.triggers) {
      if (state.holds && state.trigger->escalate_to > a.escalated_level) {
        reasons.push_back(state.trigger->text);
      }
    }
    problems.push_back({"escalation", true,
                        fmt::format("{} escalation to level {} recommended ({}): {}", who, a.recommended_level,
                                    text::join(reasons, "; "), title)});
  }
  return problems;
}

int default_escalation_level(const Assessment& a) {
  return std::max({a.recommended_level, a.escalated_level + 1, 2});
}

std::string render_escalation(const Incident& incident, const EscalationRecord& record) {
  std::string out = fmt::format("⬆️ ESCALATION: {}\n", text::escape_control(incident.title));
  out += fmt::format("Severity: {}\n", text::escape_control(incident.grade.severity_name));
  out += fmt::format("Status: {}\n", status_title(incident.status));
  out += fmt::format("Escalated to: Level {}, {}\n", record.level, text::escape_control(record.role));
  if (!record.contact.empty()) {
    out += fmt::format("Contact: {}\n", text::escape_control(record.contact));
  }
  out += fmt::format("Reason: {}\n", record.reason.empty() ? "TBD" : text::escape_control(record.reason));
  out += fmt::format("Commander: {}\n", incident.commander.empty() ? "unassigned"
                                                                   : text::escape_control(incident.commander));
  return out;
}

Owed owed(const IncidentFacts& s, Timestamp now) {
  if (!is_active(s.status)) {
    return {5, Seconds{0}, std::string(status_name(s.status))};
  }
  if (!s.acknowledged_at) {
    const Seconds left = between(now, response_sla(s, now).due);
    return {left.count() < 0 ? 0 : 2, left,
            left.count() < 0 ? fmt::format("ack {} overdue", format_duration_short(-left))
                             : fmt::format("ack in {}", format_duration_short(left))};
  }
  if (const auto due = next_update_due(s)) {
    const Seconds left = between(now, *due);
    return {left.count() < 0 ? 1 : 3, left,
            left.count() < 0 ? fmt::format("update {} overdue", format_duration_short(-left))
                             : fmt::format("update in {}", format_duration_short(left))};
  }
  return {4, Seconds{0}, std::string(status_name(s.status))};
}

std::string prompt_line(const std::vector<Summary>& open_incidents, Timestamp now) {
  struct Candidate {
    int rank;  // Owed::rank; a drill after every real incident (+6)
    Seconds remaining;
    const Summary* summary;
    std::string what;
  };
  std::vector<Candidate> candidates;
  for (const auto& s : open_incidents) {
    if (s.status == Status::closed) {
      continue;
    }
    Owed what = owed(s, now);
    candidates.push_back({what.rank, what.remaining, &s, std::move(what.what)});
  }
  if (candidates.empty()) {
    return {};
  }
  // A real incident is always more pressing than an exercise.
  for (auto& candidate : candidates) {
    candidate.rank += candidate.summary->drill ? 6 : 0;
  }
  const auto first = std::min_element(candidates.begin(), candidates.end(), [](const auto& x, const auto& y) {
    return std::tie(x.rank, x.remaining, x.summary->grade.severity, x.summary->id) <
           std::tie(y.rank, y.remaining, y.summary->grade.severity, y.summary->id);
  });
  // The shortest prefix of the id, four characters at least, that no other open id shares.
  const std::string& id = first->summary->id;
  std::size_t length = std::min<std::size_t>(4, id.size());
  for (const auto& other : open_incidents) {
    while (&other != first->summary && length < id.size() && other.id.compare(0, length, id, 0, length) == 0) {
      ++length;
    }
  }
  std::string line = fmt::format("{}{} {} {}", first->summary->drill ? std::string(k_drill_mark) + " " : "",
                                 text::escape_control(first->summary->grade.severity), id.substr(0, length),
                                 first->what);
  if (candidates.size() > 1) {
    line += fmt::format(" +{}", candidates.size() - 1);
  }
  return line;
}

}  // namespace incident
