#include "incident/guidance.hpp"

#include <fmt/format.h>

#include "incident/sla.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

// "level 3, Senior engineer ([Phone/Email])"
std::string level_words(const Runbook& runbook, int number) {
  const EscalationLevel* level = runbook.escalation.find_level(number);
  if (level == nullptr) {
    return fmt::format("level {}", number);
  }
  const Contact* contact = runbook.escalation.contact_for(*level);
  return fmt::format("level {}, {}{}", number, text::escape_control(level->role),
                     contact == nullptr ? "" : fmt::format(" ({})", text::escape_control(contact->value)));
}

std::string next_update_words(const Assessment& a, const Zone& zone) {
  if (!a.active || !a.next_update_due) {
    return {};
  }
  const Timestamp due = *a.next_update_due;
  return fmt::format("Next update {} {} (every {}): incident update --findings ... --next ...\n",
                     due < a.as_of ? "overdue, it was due" : "due", when_words(due, a.as_of, zone),
                     format_duration_short(a.update_every));
}

}  // namespace

std::string when_words(Timestamp at, Timestamp now, const Zone& zone) {
  return fmt::format("{} ({})", format_local_clock(at, now, zone), format_relative(at, now));
}

std::string after_ack(const Runbook& runbook, const Incident& incident, Timestamp now, const Zone& zone) {
  const Assessment a = assess(runbook, as_it_stood(incident, now), now);
  std::string out;
  if (a.response.state == SlaState::breached) {
    out += fmt::format("The response SLA was missed: {} for {}, acknowledged {} late.\n",
                       format_duration_short(a.response.grade.response_time),
                       text::escape_control(a.response.grade.severity_name),
                       format_duration_short(a.response.late_by(now)));
    const int level = default_escalation_level(a);
    if (runbook.escalation.find_level(level) != nullptr) {
      out += fmt::format("The runbook recommends escalating to {}: incident escalate {} --reason \"ack SLA missed\"\n",
                         level_words(runbook, level), incident.id);
    }
  }
  out += next_update_words(a, zone);
  return out;
}

std::string after_update(const Runbook& runbook, const Incident& after, const PreviousEta& before, Timestamp now,
                         const Zone& zone) {
  std::string out;
  if (after.eta.empty() && !before.eta.empty()) {
    out += fmt::format("This update gives no ETA; the last one was {}{}.\n", text::escape_control(before.eta),
                       before.eta_at ? fmt::format(" (by {})", format_local_clock(*before.eta_at, now, zone)) : "");
  }
  out += next_update_words(assess(runbook, as_it_stood(after, now), now), zone);
  return out;
}

std::string after_severity(const Runbook& runbook, const Incident& incident, Timestamp now, const Zone& zone) {
  const Assessment a = assess(runbook, as_it_stood(incident, now), now);
  const ResponseSla& sla = a.response;
  std::string out = fmt::format("Now {} ({}): respond within {}", text::escape_control(incident.grade.severity_name),
                                text::escape_control(incident.grade.severity),
                                format_duration_short(incident.grade.response_time));
  if (sla.responded_at) {
    out += fmt::format(" ({} under {} ({}))", sla_state_name(sla.state), text::escape_control(sla.grade.severity_name),
                       format_duration_short(sla.grade.response_time));
  } else {
    out += fmt::format(", ack {}", sla.state == SlaState::breached
                                       ? fmt::format("overdue by {}", format_duration_short(sla.late_by(now)))
                                       : "due " + when_words(sla.due, now, zone));
  }
  out += a.update_every.count() > 0 ? fmt::format("; updates every {}.\n", format_duration_short(a.update_every))
                                    : "; no update cadence.\n";
  out += next_update_words(a, zone);
  return out;
}

bool is_placeholder_contact(std::string_view value) {
  // "[Senior engineer]", or "Secondary: [Phone/Email]" as an escalation record names it.
  const std::size_t open = value.find('[');
  return open != std::string_view::npos && open + 1 < value.size() && value.back() == ']';
}

std::optional<std::string> placeholder_contact_warning(const Runbook& runbook, std::string_view contact) {
  if (!is_placeholder_contact(contact)) {
    return std::nullopt;
  }
  return fmt::format("the contact '{}' is the runbook's placeholder, not a person: fill in escalation.contacts "
                     "in {} (or start your team's own runbook from it and set INCIDENT_RUNBOOK)",
                     text::escape_control(contact), text::escape_control(runbook.source));
}

}  // namespace incident
