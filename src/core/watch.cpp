#include "incident/watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "incident/checklist.hpp"
#include "incident/render.hpp"

namespace incident {

namespace {

// Each line of `text` fitted to `width`, as one ToneLine of `tone` per line.
void add_lines(std::vector<text::ToneLine>& out, std::string_view text, std::size_t width,
               text::Tone tone = text::Tone::plain) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    out.push_back({tone, fit_columns(text.substr(0, end), width) + "\n"});
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
}

}  // namespace

std::string fit_columns(std::string_view line, std::size_t width) {
  if (width == 0 || text::columns(line) <= width) {
    return std::string(line);
  }
  // Keep width - 1 code points, then the ellipsis.
  std::size_t kept = 0;
  std::size_t at = 0;
  while (at < line.size()) {
    const auto lead = static_cast<unsigned char>(line[at]);
    const std::size_t length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (kept + 1 >= width) {
      break;
    }
    at += std::min(length, line.size() - at);
    ++kept;
  }
  return std::string(line.substr(0, at)) + "…";
}

std::string watch_header(std::string_view what, Timestamp now, const Zone& zone) {
  const LocalTime local = to_local(now, zone);
  return fmt::format("{}  {:04}-{:02}-{:02} {:02}:{:02}:{:02} {}  q or Ctrl-C quits", what, local.year, local.month,
                     local.day, local.hour, local.minute, local.second, local.abbreviation);
}

std::vector<text::ToneLine> render_watch_overview(const std::vector<Summary>& incidents, Timestamp now,
                                                  const Zone& zone, std::size_t width) {
  std::vector<text::ToneLine> out;
  struct Row {
    const Summary* summary;
    Owed owes;
  };
  std::vector<Row> rows;
  for (const auto& summary : incidents) {
    if (summary.status != Status::closed && summary.started_at <= now) {
      rows.push_back({&summary, owed(summary, now)});
    }
  }
  if (rows.empty()) {
    add_lines(out, "No open incidents.", width);
    return out;
  }
  // The order `prompt` picks by: the most pressing first, a real incident before a drill.
  std::sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
    return std::tie(x.summary->drill, x.owes.rank, x.owes.remaining, x.summary->grade.severity, x.summary->id) <
           std::tie(y.summary->drill, y.owes.rank, y.owes.remaining, y.summary->grade.severity, y.summary->id);
  });
  (void)zone;  // times are relative here; the header gives the clock
  out.push_back({text::Tone::plain,
                 fit_columns(fmt::format("{:<10} {:<4} {:<13} {:<20} {:<8} {}", "ID", "SEV", "STATUS", "OWES", "AGE",
                                         "TITLE"),
                             width) +
                     "\n"});
  for (const auto& row : rows) {
    const Summary& s = *row.summary;
    const std::string title = text::escape_control(text::one_line(s.title));
    const std::string line =
        fmt::format("{:<10} {:<4} {:<13} {:<20} {:<8} {}{}", s.id, fit_columns(text::escape_control(s.grade.severity), 4),
                    status_name(s.status), row.owes.what, format_duration_short(incident_age(s, now)),
                    s.drill ? std::string(k_drill_mark) + " " : "", title);
    out.push_back({attention_tone(s, now), fit_columns(line, width) + "\n"});
  }
  return out;
}

std::vector<text::ToneLine> render_watch_incident(const Runbook& runbook, const Incident& incident,
                                                  const Assessment& assessment, const Zone& zone, std::size_t width,
                                                  std::size_t rows) {
  constexpr std::size_t k_events_unlimited = 10;
  constexpr std::size_t k_min_events = 3;
  std::vector<text::ToneLine> out;
  for (const auto& line : render_status(runbook, incident, assessment, zone, width)) {
    add_lines(out, line.text, width, line.tone);
  }
  std::vector<text::ToneLine> checklist;
  const Phase& phase = current_phase(runbook, incident, assessment.as_of);
  add_lines(checklist, render_incident_checklist(runbook, incident, assessment.as_of, &phase), width);
  // Two blank lines and the timeline's label besides the status, the checklist and events.
  const std::size_t total = incident.events.size();
  std::size_t events = std::min(total, k_events_unlimited);
  if (rows > 0) {
    const std::size_t room = rows > out.size() + 3 ? rows - out.size() - 3 : 0;
    events = std::min(total, std::max(k_min_events, room > checklist.size() ? room - checklist.size() : 0));
    const std::size_t for_checklist = room > events ? room - events : 0;
    if (checklist.size() > for_checklist) {
      const std::size_t kept = for_checklist > 0 ? for_checklist - 1 : 0;
      const std::size_t hidden = checklist.size() - kept;
      checklist.resize(kept);
      add_lines(checklist,
                fmt::format("  … {} more line{} (incident checklist {})", hidden, hidden == 1 ? "" : "s", incident.id),
                width);
    }
  }
  out.push_back({text::Tone::plain, "\n"});
  out.insert(out.end(), checklist.begin(), checklist.end());
  out.push_back({text::Tone::plain, "\n"});
  add_lines(out, events == total ? std::string("Timeline:") : fmt::format("Last {} of {} events:", events, total),
            width);
  for (auto it = incident.events.end() - static_cast<std::ptrdiff_t>(events); it != incident.events.end(); ++it) {
    add_lines(out, fmt::format("  {}  {}", format_local_clock(it->at, assessment.as_of, zone),
                               describe_event(incident, *it)),
              width);
  }
  return out;
}

}  // namespace incident
