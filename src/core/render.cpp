#include "incident/render.hpp"

#include <fmt/format.h>

#include "incident/exec.hpp"
#include "incident/sla.hpp"
#include "incident/template.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

std::string or_tbd(const std::string& value) { return value.empty() ? "TBD" : value; }

// One-line form of user text for tables.
std::string cell(std::string_view value, std::size_t width) {
  const std::string escaped = text::escape_control(value);
  return escaped.size() > width ? text::cut(escaped, width - 1) : escaped;
}

// " for Critical (P0)" when the SLA that applied is not the current severity's.
std::string graded_as(const Incident& incident, const ResponseSla& sla) {
  if (sla.grade.severity == incident.grade.severity) {
    return {};
  }
  return fmt::format(" for {} ({})", text::escape_control(sla.grade.severity_name),
                     text::escape_control(sla.grade.severity));
}

}  // namespace

Zone team_zone(const Runbook& runbook) { return Zone::named(runbook.timezone).value_or(Zone::utc()); }

std::string placeholder_value(const Runbook& runbook, const Incident& incident, std::string_view name,
                              Timestamp as_of) {
  // Times for the channel: in the team's zone, always labelled.
  const Zone zone = team_zone(runbook);
  auto moment = [&](const std::optional<Timestamp>& at) { return at ? format_local_minute(*at, zone) : std::string(); };
  auto entries = [](const std::vector<EntryGroup>& groups) {
    std::vector<std::string> lines;
    for (const auto& group : groups) {
      for (const auto& entry : group.entries) {
        lines.push_back(fmt::format("{}: {}", entry.name, entry.value));
      }
    }
    return text::join(lines, "\n");
  };
  if (name == "id") {
    return incident.id;
  }
  if (name == "title") {
    return incident.title;
  }
  if (name == "severity") {
    return incident.grade.severity;
  }
  if (name == "severity_name") {
    return incident.grade.severity_name;
  }
  if (name == "status") {
    return status_title(incident.status);
  }
  if (name == "impact") {
    return or_tbd(incident.impact);
  }
  if (name == "started_at") {
    return moment(incident.started_at);
  }
  if (name == "acknowledged_at") {
    return moment(incident.acknowledged_at);
  }
  if (name == "resolved_at") {
    return moment(incident.resolved_at);
  }
  if (name == "duration") {
    return format_duration_short(incident_age(incident, std::max(as_of, incident.started_at)));
  }
  if (name == "next_update") {
    const auto due = is_active(incident.status) ? next_update_due(incident) : std::nullopt;
    return due ? format_local_minute(*due, zone) : std::string("none");
  }
  if (name == "commander") {
    return incident.commander.empty() ? "unassigned" : incident.commander;
  }
  if (name == "findings") {
    return or_tbd(incident.findings);
  }
  if (name == "next_steps") {
    return or_tbd(incident.next_steps);
  }
  if (name == "eta") {
    if (incident.eta_at) {
      return fmt::format("{} (by {})", incident.eta, format_local_clock(*incident.eta_at, as_of, zone));
    }
    return or_tbd(incident.eta);
  }
  if (name == "eta_at") {
    return incident.eta_at ? format_local_minute(*incident.eta_at, zone) : std::string("TBD");
  }
  if (name == "root_cause") {
    return or_tbd(incident.root_cause);
  }
  if (name == "fix") {
    return or_tbd(incident.fix);
  }
  if (name == "monitoring") {
    return or_tbd(incident.monitoring);
  }
  if (name == "links") {
    return entries(runbook.resources);
  }
  if (name == "contacts") {
    return entries(runbook.emergency_contacts);
  }
  return {};
}

std::string render_message(const Runbook& runbook, TemplateKind kind, const Incident& incident, Timestamp as_of) {
  // A value can never forge a line of the message: one that must stay on its line loses
  // its line breaks, a multi-line one has its continuation lines indented.
  std::string out = expand_template(runbook.message_template(kind).text, [&](std::string_view name) {
    const std::string value = placeholder_value(runbook, incident, name, as_of);
    const bool multi_line = name == "impact" || name == "findings" || name == "next_steps" ||
                            name == "root_cause" || name == "fix" || name == "monitoring" || name == "links" ||
                            name == "contacts";
    return text::escape_control(multi_line ? text::indent_continuation(value, "  ") : text::one_line(value), true);
  });
  if (out.empty() || out.back() != '\n') {
    out += '\n';
  }
  return out;
}

std::string mark_drill(const IncidentFacts& incident, std::string message) {
  if (!incident.drill) {
    return message;
  }
  return std::string(k_drill_banner) + message;
}

std::vector<text::ToneLine> render_list(const std::vector<Summary>& incidents, Timestamp now, const Zone& zone) {
  if (incidents.empty()) {
    return {};
  }
  // The zone's label once, in the header: "STARTED (CET)".
  const std::string started = fmt::format("STARTED ({})", to_local(incidents.front().started_at, zone).abbreviation);
  std::vector<text::ToneLine> out;
  out.push_back({text::Tone::plain, fmt::format("{:<10} {:<4} {:<13} {:<17} {:<12} {:<14} {}\n", "ID", "SEV", "STATUS",
                                                started, "AGE", "COMMANDER", "TITLE")});
  for (const auto& summary : incidents) {
    const LocalTime local = to_local(summary.started_at, zone);
    out.push_back({attention_tone(summary, now),
                   fmt::format("{:<10} {:<4} {:<13} {:04}-{:02}-{:02} {:02}:{:02}  {:<12} {:<14} {}\n", summary.id,
                               cell(summary.grade.severity, 4), status_name(summary.status), local.year, local.month,
                               local.day, local.hour, local.minute, format_relative(summary.started_at, now),
                               summary.commander.empty() ? "-" : cell(summary.commander, 14),
                               summary.drill ? fmt::format("{} {}", k_drill_mark, cell(summary.title, 200))
                                             : cell(summary.title, 200))});
  }
  return out;
}

std::string render_resolved_earlier(std::size_t count, Seconds window) {
  return fmt::format("... and {} {} resolved more than {} ago, never closed (incident list --all)\n", count,
                     count == 1 ? "incident" : "incidents", format_duration_words(window));
}

std::string describe_event(const Incident& incident, const Event& event, bool keep_newlines) {
  using namespace event_type;
  const std::string by = text::escape_control(event.by, keep_newlines);
  auto f = [&](const Field<std::string>& which) { return text::escape_control(event.get(which), keep_newlines); };
  const std::string_view type = event.type;
  if (type == opened) {
    return fmt::format("{} opened it as {} ({}): {}", by, f(field::severity), f(field::severity_name), f(field::title));
  }
  if (type == acknowledged) {
    return fmt::format("{} acknowledged", by);
  }
  if (type == updated) {
    std::string out = fmt::format("{} posted an update", by);
    if (event.has(field::status.name)) {
      out += fmt::format(" (status: {})", f(field::status));
    }
    out += fmt::format(": findings: {}; next: {}", f(field::findings), f(field::next_steps));
    if (event.has(field::eta.name)) {
      out += fmt::format("; ETA: {}", f(field::eta));
    }
    return out;
  }
  if (type == resolved) {
    std::string out = fmt::format("{} resolved it: root cause: {}; fix: {}", by, f(field::root_cause), f(field::fix));
    if (event.has(field::monitoring.name)) {
      out += fmt::format("; monitoring: {}", f(field::monitoring));
    }
    return out;
  }
  if (type == closed) {
    return fmt::format("{} closed it", by);
  }
  if (type == reopened) {
    return fmt::format("{} reopened it", by);
  }
  if (type == noted) {
    return fmt::format("{}: {}", by, f(field::text));
  }
  // ": why", when the event gives a reason.
  auto because = [&] { return event.has(field::reason.name) ? fmt::format(": {}", f(field::reason)) : std::string(); };
  if (type == severity_changed) {
    return fmt::format("{} changed the severity to {} ({}){}", by, f(field::severity), f(field::severity_name),
                       because());
  }
  if (type == checked || type == unchecked) {
    return fmt::format("{} {} {}{}", by, type, f(field::item),
                       event.has(field::via.name) ? fmt::format(" (by incident {})", f(field::via)) : "");
  }
  if (type == edited) {
    std::vector<std::string> changes;
    if (event.has(field::title.name)) {
      changes.push_back(fmt::format("changed the title to: {}", f(field::title)));
    }
    if (event.has(field::impact.name)) {
      changes.push_back(event.get(field::impact).empty() ? std::string("cleared the impact")
                                                         : fmt::format("changed the impact to: {}", f(field::impact)));
    }
    return fmt::format("{} {}", by, text::join(changes, "; "));
  }
  if (type == skipped) {
    return fmt::format("{} skipped {}: {}", by, f(field::item), f(field::reason));
  }
  if (type == handed_off) {
    return fmt::format("{} handed command to {}{}", by, f(field::commander), because());
  }
  if (type == flagged || type == unflagged) {
    return fmt::format("{} {} {}{}", by, type == flagged ? "flagged" : "withdrew the flag", f(field::trigger),
                       event.has(field::text.name) ? fmt::format(" ({})", f(field::text)) : "");
  }
  if (type == escalated) {
    std::string out = fmt::format("{} escalated to level {}", by, event.get(field::level).value_or(0));
    if (event.has(field::role.name)) {
      out += fmt::format(", {}", f(field::role));
    }
    if (event.has(field::reason.name)) {
      out += fmt::format(": {}", f(field::reason));
    }
    return out;
  }
  if (type == chat_thread) {
    return fmt::format("{} posted the first message to {} (channel {}, thread {})", by, f(field::chat_target),
                       f(field::channel), f(field::thread));
  }
  if (type == action_added) {
    std::string out = fmt::format("{} added an action item: {}", by, f(field::text));
    if (event.has(field::owner.name)) {
      out += fmt::format(" (owner: {})", f(field::owner));
    }
    if (event.has(field::due.name)) {
      out += fmt::format(" (due {})", f(field::due));
    }
    return out;
  }
  if (type == action_done) {
    for (std::size_t i = 0; i < incident.actions.size(); ++i) {
      if (incident.actions[i].id == event.get(field::action)) {
        return fmt::format("{} marked action item {} done: {}", by, i + 1,
                           text::escape_control(incident.actions[i].text, keep_newlines));
      }
    }
    return fmt::format("{} marked an action item done", by);
  }
  if (type == exec_started) {
    std::string out = fmt::format("{} ran: {}", by, text::escape_control(format_command(event.get(field::command))));
    if (event.has(field::item.name)) {
      out += fmt::format(" (step {})", f(field::item));
    }
    return out;
  }
  if (type == exec_finished) {
    std::string out = fmt::format("{}'s command exited {}", by, event.get(field::exit_code).value_or(0));
    if (const auto duration = event.get(field::duration)) {
      out += fmt::format(" after {}", format_duration_short(*duration));
    }
    out += fmt::format(": {}", text::escape_control(format_command(event.get(field::command))));
    if (const std::string& output = event.get(field::output); !output.empty()) {
      // The timeline shows its last line; the file and --json keep the tail.
      const std::size_t last = output.rfind('\n');
      out += fmt::format(" (output: {}{})", last == std::string::npos ? "" : "... ",
                         text::escape_control(last == std::string::npos ? output : output.substr(last + 1), keep_newlines));
    }
    return out;
  }
  return fmt::format("{} {}", by, text::escape_control(event.type));
}

std::string render_show(const Incident& incident, Timestamp as_of, const Zone& zone) {
  const auto when = [&](Timestamp at) { return format_local_minute(at, zone); };
  auto line = [](std::string_view label, const std::string& value) {
    return fmt::format("{:<14}{}\n", label, text::escape_control(value));
  };
  std::string out = incident.drill ? std::string(k_drill_banner) : std::string();
  out += fmt::format("{} {}\n", incident.id, text::escape_control(incident.title));
  out += line("Severity:", fmt::format("{} ({})", text::escape_control(incident.grade.severity_name),
                                               text::escape_control(incident.grade.severity)));
  out += line("Status:", status_title(incident.status));
  out += line("Impact:", or_tbd(incident.impact));
  out += line("Commander:", incident.commander.empty() ? "unassigned" : incident.commander);
  out += line("Started:", fmt::format("{} ({})", when(incident.started_at), format_relative(incident.started_at, as_of)));
  const ResponseSla sla = response_sla(incident, as_of);
  if (incident.acknowledged_at) {
    out += line("Acknowledged:",
                fmt::format("{} by {} (after {}; SLA {}{}: {})", when(*incident.acknowledged_at),
                            incident.acknowledged_by,
                            format_duration_short(*incident.acknowledged_at - incident.started_at),
                            format_duration_short(sla.grade.response_time), graded_as(incident, sla),
                            sla_state_name(sla.state)));
  } else if (sla.by_resolution) {
    out += line("Acknowledged:", fmt::format("no (resolved first; SLA {}{}: {})",
                                             format_duration_short(sla.grade.response_time),
                                             graded_as(incident, sla), sla_state_name(sla.state)));
  } else {
    out += line("Acknowledged:", fmt::format("no (due {}{})", when(sla.due),
                                             sla.state == SlaState::breached ? ", overdue" : ""));
  }
  if (incident.resolved_at) {
    out += line("Resolved:", fmt::format("{} (after {})", when(*incident.resolved_at),
                                         format_duration_short(*incident.resolved_at - incident.started_at)));
  }
  if (incident.closed_at) {
    out += line("Closed:", when(*incident.closed_at));
  }
  out += "\nTimeline:\n";
  for (const auto& event : incident.events) {
    out += fmt::format("  {}  {}\n", when(event.at), describe_event(incident, event));
  }
  return out;
}

std::string ack_deadline(const Incident& incident, Timestamp now, const Zone& zone) {
  const ResponseSla sla = response_sla(incident, now);
  std::string out = fmt::format("ack by {}: {} for {}", format_local_clock(sla.due, now, zone),
                                format_duration_short(sla.grade.response_time), text::escape_control(sla.grade.severity_name));
  if (!sla.responded_at && sla.state == SlaState::breached) {
    out += fmt::format(", already overdue by {}", format_duration_short(sla.late_by(now)));
  } else if (!sla.responded_at) {
    out += fmt::format(", {}", due_words(sla.due, now));
  }
  return out;
}

}  // namespace incident
