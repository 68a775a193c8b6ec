#include "incident/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "incident/checklist.hpp"
#include "incident/incident_json.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

using Json = nlohmann::ordered_json;

Json optional_time(const std::optional<Timestamp>& at) {
  return at ? Json(format_rfc3339(*at)) : Json(nullptr);
}

Json optional_seconds(const std::optional<Seconds>& value) {
  return value ? Json(value->count()) : Json(nullptr);
}

// The lines of user text: split at each '\n' ("\r\n" too), each without its leading
// blanks (Markdown would drop them, or read four of them as code).
std::vector<std::string_view> lines_of(std::string_view value) {
  std::vector<std::string_view> lines;
  while (true) {
    const auto end = value.find('\n');
    std::string_view line = value.substr(0, end);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    line.remove_prefix(std::min(line.size(), line.find_first_not_of(" \t")));
    lines.push_back(line);
    if (end == std::string_view::npos) {
      return lines;
    }
    value.remove_prefix(end + 1);
  }
}

// One line of user text for Markdown: terminal controls escaped, and the characters that
// would start markup or an entity ("&amp;") or break a table cell backslash-escaped, so it
// renders as typed.
std::string md_line(std::string_view line) {
  std::string out;
  for (const char c : text::escape_control(line)) {
    if (std::string_view("\\`*_[]<>|#~&").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// md_line() for a line that starts a block: a list item ("- x", "+ x", "1. x", "2) x"), a
// rule ("---") or a heading underline ("===") is escaped too.
std::string md_block_line(std::string_view line) {
  std::string out = md_line(line);
  if (!out.empty() && (out[0] == '-' || out[0] == '+' || out[0] == '=')) {
    return '\\' + out;
  }
  const std::size_t digits = out.find_first_not_of("0123456789");
  if (digits > 0 && digits != std::string::npos && (out[digits] == '.' || out[digits] == ')')) {
    out.insert(digits, 1, '\\');
  }
  return out;
}

// User text inside a line (a table cell, the title): md_line() for each of its lines,
// joined by <br>, the one line break a table cell can hold.
std::string md(std::string_view value) {
  std::string out;
  bool first = true;
  for (const auto line : lines_of(value)) {
    out += first ? "" : "<br>";
    out += md_line(line);
    first = false;
  }
  return out;
}

// Lines of user text as Markdown lines, each a block start of its own: a line break
// between them is a hard break ("\" at the end of the line), a blank line separates
// paragraphs when `paragraphs` (else it is left out: it would end a list item), and each
// line after the first is indented by `indent`.
std::string md_lines(std::string_view value, bool paragraphs, std::string_view indent) {
  std::string out;
  bool blank = false;
  for (const auto line : lines_of(value)) {
    if (line.empty()) {
      blank = !out.empty();
      continue;
    }
    if (!out.empty()) {
      out += blank && paragraphs ? "\n\n" : "\\\n";
      out += indent;
    }
    blank = false;
    out += md_block_line(line);
  }
  return out;
}

// User text as a paragraph of its own (root cause, fix, monitoring).
std::string md_paragraph(std::string_view value) { return md_lines(value, true, ""); }

std::string or_tbd(const std::string& value) { return value.empty() ? "TBD" : md_paragraph(value); }

// " (recorded 40m later)" for an event written down a minute or more after it happened
// (backfilled with --at): the record says when it was known, not only when it happened.
std::string recorded_later(const Event& event) {
  if (!event.recorded_at || *event.recorded_at - event.at < Seconds{60}) {
    return {};
  }
  return fmt::format(" (recorded {} later)", format_duration_short(between(event.at, *event.recorded_at)));
}

// The severity and every re-grade: "Critical (P0) → High (P1)".
std::string severities_text(const Incident& incident) {
  std::vector<std::string> chain;
  const Grade* last = nullptr;
  for (const auto& grade : incident.grades) {
    if (last == nullptr || last->severity != grade.severity) {
      chain.push_back(fmt::format("{} ({})", md(grade.severity_name), md(grade.severity)));
    }
    last = &grade;
  }
  if (chain.empty()) {
    chain.push_back(fmt::format("{} ({})", md(incident.grade.severity_name), md(incident.grade.severity)));
  }
  return text::join(chain, " → ");
}

// The commanders in order: "alice, then bob (from 04:10Z)".
std::string commanders_text(const Incident& incident) {
  if (incident.commanders.empty()) {
    return "unassigned";
  }
  std::string out;
  for (std::size_t i = 0; i < incident.commanders.size(); ++i) {
    const CommanderTerm& term = incident.commanders[i];
    out += i == 0 ? md(term.name)
                  : fmt::format(", then {} (from {})", md(term.name), format_clock(term.from, incident.started_at));
  }
  return out;
}

// "- [x] text", "- [ ] text" or "- [-] text (skipped: reason)".
std::string item_line(const Incident& incident, const ChecklistEntry& entry) {
  const ItemState* state = entry_state(incident, entry);
  const ChecklistItem& item = *entry.item;
  if (state != nullptr && !state->skipped.empty()) {
    // The reason's lines stay in the list item: indented under its text.
    return fmt::format("- [-] {} (skipped: {})\n", md(item.text), md_lines(state->skipped, false, "  "));
  }
  return fmt::format("- [{}] {}\n", state != nullptr && state->checked ? "x" : " ", md(item.text));
}

// The timeline in the order things happened (a backfilled event is written after the
// ones it preceded); events at the same second keep their fold order.
std::vector<const Event*> chronological(const Incident& incident) {
  std::vector<const Event*> events;
  for (const auto& event : incident.events) {
    events.push_back(&event);
  }
  std::stable_sort(events.begin(), events.end(), [](const Event* a, const Event* b) { return a->at < b->at; });
  return events;
}

}  // namespace

ReportMetrics report_metrics(const Incident& incident, Timestamp as_of) {
  ReportMetrics m;
  if (incident.acknowledged_at) {
    m.time_to_acknowledge = between(incident.started_at, *incident.acknowledged_at);
  }
  m.response = response_sla(incident, as_of);
  if (incident.resolved_at) {
    m.time_to_resolve = between(incident.started_at, *incident.resolved_at);
  }
  const Timestamp end = incident.resolved_at.value_or(std::max(as_of, incident.started_at));
  m.duration = between(incident.started_at, end);
  m.updates = incident.updates;
  std::vector<Timestamp> messages{incident.started_at};
  for (const auto& event : incident.events) {
    if (event.type == event_type::updated) {
      messages.push_back(event.at);
    }
  }
  messages.push_back(end);
  std::sort(messages.begin(), messages.end());
  m.longest_gap_from = m.longest_gap_to = incident.started_at;
  for (std::size_t i = 1; i < messages.size(); ++i) {
    if (const Seconds gap = between(messages[i - 1], messages[i]); gap > m.longest_gap) {
      m.longest_gap = gap;
      m.longest_gap_from = messages[i - 1];
      m.longest_gap_to = messages[i];
    }
  }
  return m;
}

std::string render_report_markdown(const Runbook& runbook, const Incident& incident, Timestamp as_of) {
  const ReportMetrics m = report_metrics(incident, as_of);
  auto clock = [&](Timestamp at) { return format_clock(at, incident.started_at); };
  std::string out = fmt::format("# Postmortem: {}\n\n", md(incident.title));
  out += "| | |\n| --- | --- |\n";
  auto row = [&](std::string_view label, const std::string& value) { out += fmt::format("| {} | {} |\n", label, value); };
  row("Incident", fmt::format("`{}`", incident.id));
  row("Severity", severities_text(incident));
  row("Status", status_title(incident.status));
  row("Impact", incident.impact.empty() ? "TBD" : md(incident.impact));
  row("Commander", commanders_text(incident));
  row("Started", format_rfc3339(incident.started_at));
  if (incident.acknowledged_at) {
    row("Acknowledged", fmt::format("{} by {}", format_rfc3339(*incident.acknowledged_at), md(incident.acknowledged_by)));
  }
  if (incident.resolved_at) {
    row("Resolved", format_rfc3339(*incident.resolved_at));
  }
  if (incident.closed_at) {
    row("Closed", format_rfc3339(*incident.closed_at));
  }
  row("Duration", fmt::format("{}{}", format_duration_short(m.duration), incident.resolved_at ? "" : " (unresolved)"));

  out += "\n## Metrics\n\n| metric | value |\n| --- | --- |\n";
  row("Time to acknowledge",
      m.time_to_acknowledge
          ? fmt::format("{} (SLA {} for {}: {})", format_duration_short(*m.time_to_acknowledge),
                        format_duration_short(m.response.grade.response_time), md(m.response.grade.severity_name),
                        sla_state_name(m.response.state))
      : !m.response.by_resolution
          ? fmt::format("not acknowledged (SLA {})", format_duration_short(m.response.grade.response_time))
          : fmt::format("not acknowledged (SLA {} for {}: {}{})", format_duration_short(m.response.grade.response_time),
                        md(m.response.grade.severity_name), sla_state_name(m.response.state),
                        m.response.by_resolution ? " by the resolution" : ""));
  row("Time to resolve", m.time_to_resolve ? format_duration_short(*m.time_to_resolve) : std::string("unresolved"));
  row("Updates posted", std::to_string(m.updates));
  row("Longest gap between updates", fmt::format("{} ({} to {})", format_duration_short(m.longest_gap),
                                                 clock(m.longest_gap_from), clock(m.longest_gap_to)));
  std::vector<std::string> escalations;
  for (const auto& record : incident.escalations) {
    escalations.push_back(fmt::format("level {} at {} by {}", record.level, clock(record.at), md(record.by)));
  }
  row("Escalations", escalations.empty() ? std::string("none") : text::join(escalations, "; "));

  out += fmt::format("\n## Root cause\n\n{}\n", or_tbd(incident.root_cause));
  out += fmt::format("\n## Fix applied\n\n{}\n", or_tbd(incident.fix));
  out += fmt::format("\n## Monitoring\n\n{}\n", or_tbd(incident.monitoring));

  out += "\n## Timeline\n\n| time (UTC) | event |\n| --- | --- |\n";
  for (const Event* event : chronological(incident)) {
    // describe_event() has escaped the terminal controls but kept the line breaks, for md().
    out += fmt::format("| {} | {}{} |\n", format_rfc3339(event->at), md(describe_event(incident, *event, true)),
                       recorded_later(*event));
  }

  out += "\n## Checklists\n";
  const auto entries = checklist_entries(runbook, incident.grade.severity);
  const Phase* phase = nullptr;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const ChecklistEntry& entry = entries[i];
    if (entry.phase != phase) {
      phase = entry.phase;
      int done = 0;
      int skipped = 0;
      int total = 0;
      for (std::size_t j = i; j < entries.size() && entries[j].phase == phase; ++j) {
        const ItemState* state = entry_state(incident, entries[j]);
        done += state != nullptr && state->checked ? 1 : 0;
        skipped += state != nullptr && !state->skipped.empty() ? 1 : 0;
        ++total;
      }
      out += fmt::format("\n### {} ({}): {}/{} done{}\n\n", md(phase->name), format_window(phase->window), done, total,
                         skipped > 0 ? fmt::format(", {} skipped", skipped) : "");
    }
    out += item_line(incident, entry);
  }

  out += "\n## Action items\n\n";
  if (incident.actions.empty()) {
    out += "None yet (`incident action add`).\n";
  } else {
    out += "| # | action | owner | due | done |\n| --- | --- | --- | --- | --- |\n";
    for (std::size_t i = 0; i < incident.actions.size(); ++i) {
      const ActionItem& action = incident.actions[i];
      out += fmt::format("| {} | {} | {} | {} | {} |\n", i + 1, md(action.text),
                         action.owner.empty() ? "-" : md(action.owner), action.due.empty() ? "-" : action.due,
                         action.done_at ? format_rfc3339(*action.done_at) : "no");
    }
  }
  return out;
}

Json report_json(const Runbook& runbook, const Incident& incident, Timestamp as_of) {
  const ReportMetrics m = report_metrics(incident, as_of);
  Json commanders = Json::array();
  for (const auto& term : incident.commanders) {
    commanders.push_back({{"name", term.name}, {"from", format_rfc3339(term.from)}});
  }
  auto item_json = [&](const ChecklistEntry& entry) {
    const ItemState* state = entry_state(incident, entry);
    return Json{{"id", entry.item->id},
                {"text", entry.item->text},
                {"checked", state != nullptr && state->checked},
                {"skipped", state != nullptr && !state->skipped.empty() ? Json(state->skipped) : Json(nullptr)}};
  };
  Json phases = Json::array();
  for (const auto& entry : checklist_entries(runbook, incident.grade.severity)) {
    if (phases.empty() || phases.back()["id"] != entry.phase->id) {
      phases.push_back({{"id", entry.phase->id}, {"name", entry.phase->name}, {"items", Json::array()}});
    }
    phases.back()["items"].push_back(item_json(entry));
  }
  const Json escalations = escalations_json(incident);
  Json timeline = Json::array();
  for (const Event* event : chronological(incident)) {
    timeline.push_back({{"id", event->id},
                        {"type", event->type},
                        {"at", format_rfc3339(event->at)},
                        {"recorded_at", event->recorded_at ? Json(format_rfc3339(*event->recorded_at)) : Json(nullptr)},
                        {"by", event->by},
                        {"text", describe_event(incident, *event)}});
  }
  Json actions = Json::array();
  for (std::size_t i = 0; i < incident.actions.size(); ++i) {
    const ActionItem& action = incident.actions[i];
    actions.push_back({{"number", i + 1},
                       {"text", action.text},
                       {"owner", action.owner.empty() ? Json(nullptr) : Json(action.owner)},
                       {"due", action.due.empty() ? Json(nullptr) : Json(action.due)},
                       {"done_at", optional_time(action.done_at)}});
  }
  auto text_or_null = [](const std::string& value) { return value.empty() ? Json(nullptr) : Json(value); };
  return Json{
      {"id", incident.id},
      {"title", incident.title},
      {"severity", incident.grade.severity},
      {"severity_name", incident.grade.severity_name},
      {"status", status_name(incident.status)},
      {"impact", text_or_null(incident.impact)},
      {"commanders", commanders},
      {"started_at", format_rfc3339(incident.started_at)},
      {"acknowledged_at", optional_time(incident.acknowledged_at)},
      {"resolved_at", optional_time(incident.resolved_at)},
      {"closed_at", optional_time(incident.closed_at)},
      {"metrics",
       {{"time_to_acknowledge_seconds", optional_seconds(m.time_to_acknowledge)},
        {"ack_sla_seconds", m.response.grade.response_time.count()},
        {"ack_sla_met", m.response.state == SlaState::pending ? Json(nullptr)
                                                               : Json(m.response.state == SlaState::met)},
        {"response_sla", response_sla_json(m.response)},
        {"time_to_resolve_seconds", optional_seconds(m.time_to_resolve)},
        {"duration_seconds", m.duration.count()},
        {"updates", m.updates},
        {"longest_gap_seconds", m.longest_gap.count()},
        {"longest_gap_from", format_rfc3339(m.longest_gap_from)},
        {"longest_gap_to", format_rfc3339(m.longest_gap_to)}}},
      {"root_cause", text_or_null(incident.root_cause)},
      {"fix", text_or_null(incident.fix)},
      {"monitoring", text_or_null(incident.monitoring)},
      {"escalations", escalations},
      {"timeline", timeline},
      {"checklists", phases},
      {"action_items", actions},
  };
}

DurationStats duration_stats(std::vector<Seconds> values) {
  DurationStats stats;
  stats.count = values.size();
  if (values.empty()) {
    return stats;
  }
  std::sort(values.begin(), values.end());
  std::int64_t total = 0;
  for (const auto value : values) {
    total += value.count();
  }
  const auto n = static_cast<std::int64_t>(values.size());
  stats.mean = Seconds{(total + n / 2) / n};
  // Nearest rank: the ceil(q * n)-th smallest, 1-based.
  auto rank = [&](std::int64_t percent) {
    const std::int64_t k = (percent * n + 99) / 100;
    return values[static_cast<std::size_t>(std::max<std::int64_t>(k, 1) - 1)];
  };
  stats.p50 = rank(50);
  stats.p90 = rank(90);
  stats.max = values.back();
  return stats;
}

Stats compute_stats(const Runbook& runbook, const std::vector<Summary>& incidents, bool include_drills) {
  struct Collect {
    SeverityStats stats;
    std::vector<Seconds> ack;
    std::vector<Seconds> resolve;
  };
  auto group_of = [](const std::string& severity, const std::string& name) {
    Collect c;
    c.stats.severity = severity;
    c.stats.severity_name = name;
    return c;
  };
  std::vector<Collect> groups;
  std::map<std::string, std::size_t> index;
  for (const auto& severity : runbook.severities) {
    index.emplace(severity.id, groups.size());
    groups.push_back(group_of(severity.id, severity.name));
  }
  Collect all = group_of("all", "");
  std::size_t drills_left_out = 0;
  for (const auto& s : incidents) {
    if (s.drill && !include_drills) {
      ++drills_left_out;
      continue;
    }
    // One severity per incident: the one whose SLA its response is judged by (in force
    // when it was acknowledged, or resolved first), else its current one. A P0 acked late
    // and then downgraded is a P0 that missed the P0 SLA, not a P1 that met P1's.
    const ResponseSla sla = response_sla(s, s.resolved_at.value_or(s.started_at));
    auto [it, added] = index.emplace(sla.grade.severity, groups.size());
    if (added) {
      groups.push_back(group_of(sla.grade.severity, sla.grade.severity_name));
    }
    for (Collect* c : {&groups[it->second], &all}) {
      ++c->stats.incidents;
      if (!s.resolved_at) {
        continue;
      }
      ++c->stats.resolved;
      c->resolve.push_back(between(s.started_at, *s.resolved_at));
      if (s.acknowledged_at) {
        c->ack.push_back(between(s.started_at, *s.acknowledged_at));
      }
      ++(sla.state == SlaState::met ? c->stats.sla_met : c->stats.sla_breached);
    }
  }
  Stats stats;
  auto finish = [](Collect& c) {
    c.stats.time_to_acknowledge = duration_stats(std::move(c.ack));
    c.stats.time_to_resolve = duration_stats(std::move(c.resolve));
  };
  for (auto& group : groups) {
    finish(group);
  }
  finish(all);
  for (auto& group : groups) {
    stats.by_severity.push_back(std::move(group.stats));
  }
  stats.all = std::move(all.stats);
  stats.drills_included = include_drills;
  stats.drills_left_out = drills_left_out;
  return stats;
}

std::string render_stats(const Stats& stats) {
  auto d = [](const DurationStats& ds, Seconds DurationStats::*field) {
    return ds.count == 0 ? std::string("-") : format_duration_short(ds.*field);
  };
  std::string out = fmt::format("{:<5} {:>9} {:>8}   {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}   {}\n", "SEV", "INCIDENTS",
                                "RESOLVED", "TTA MEAN", "TTA P50", "TTA P90", "TTR MEAN", "TTR P50", "TTR P90",
                                "ACK SLA MET");
  auto line = [&](const SeverityStats& s) {
    const auto compliance = s.compliance();
    out += fmt::format("{:<5} {:>9} {:>8}   {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}   {}\n",
                       text::escape_control(s.severity), s.incidents, s.resolved,
                       d(s.time_to_acknowledge, &DurationStats::mean), d(s.time_to_acknowledge, &DurationStats::p50),
                       d(s.time_to_acknowledge, &DurationStats::p90), d(s.time_to_resolve, &DurationStats::mean),
                       d(s.time_to_resolve, &DurationStats::p50), d(s.time_to_resolve, &DurationStats::p90),
                       compliance ? fmt::format("{}/{} ({:.0f}%)", s.sla_met, s.sla_met + s.sla_breached,
                                                *compliance * 100.0)
                                  : std::string("-"));
  };
  for (const auto& s : stats.by_severity) {
    line(s);
  }
  line(stats.all);
  if (stats.drills_left_out > 0) {
    out += fmt::format("({} drill{} left out: incident stats --drills counts them)\n", stats.drills_left_out,
                       stats.drills_left_out == 1 ? "" : "s");
  }
  return out;
}

Json stats_json(const Stats& stats) {
  auto durations = [](const DurationStats& ds) {
    if (ds.count == 0) {
      return Json{{"count", 0}, {"mean_seconds", nullptr}, {"p50_seconds", nullptr}, {"p90_seconds", nullptr},
                  {"max_seconds", nullptr}};
    }
    return Json{{"count", ds.count},
                {"mean_seconds", ds.mean.count()},
                {"p50_seconds", ds.p50.count()},
                {"p90_seconds", ds.p90.count()},
                {"max_seconds", ds.max.count()}};
  };
  auto one = [&](const SeverityStats& s) {
    const auto compliance = s.compliance();
    return Json{{"severity", s.severity},
                {"severity_name", s.severity_name.empty() ? Json(nullptr) : Json(s.severity_name)},
                {"incidents", s.incidents},
                {"resolved", s.resolved},
                {"time_to_acknowledge", durations(s.time_to_acknowledge)},
                {"time_to_resolve", durations(s.time_to_resolve)},
                {"ack_sla", {{"met", s.sla_met},
                             {"breached", s.sla_breached},
                             {"compliance", compliance ? Json(*compliance) : Json(nullptr)}}}};
  };
  Json by = Json::array();
  for (const auto& s : stats.by_severity) {
    by.push_back(one(s));
  }
  return Json{{"by_severity", by},
              {"all", one(stats.all)},
              {"drills_included", stats.drills_included},
              {"drills_left_out", stats.drills_left_out}};
}

}  // namespace incident
