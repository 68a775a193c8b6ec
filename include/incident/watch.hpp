#pragma once
// `incident watch`: the frames of the live view, redrawn every second on a terminal. Built
// from what `list`, `prompt` and `status` read (the index's summaries; one incident, its
// status and checklists), judged by the rules of sla.hpp: nothing here decides anything
// new. Lines are fitted to the terminal's width; the CLI draws them.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "incident/incident.hpp"
#include "incident/runbook.hpp"
#include "incident/sla.hpp"
#include "incident/summary.hpp"
#include "incident/text.hpp"
#include "incident/time.hpp"

namespace incident {

// `line` (one line, no newline) cut to `width` columns, ending in "…" when it was longer;
// as it is when width is 0 (unknown).
std::string fit_columns(std::string_view line, std::size_t width);

// The first line of every frame: what is shown and the moment, to the second, in `zone`
// ("Open incidents  2026-12-07 11:52:07 UTC  q or Ctrl-C quits").
std::string watch_header(std::string_view what, Timestamp now, const Zone& zone);

// The open incidents (a Scope::current listing), most pressing first (owed(): an overdue
// ack, then an overdue update, ...; drills after every real incident), one row each: id,
// severity, status, what it owes now ("ack 3m overdue", "update in 12m"), age, title (a
// drill marked), toned as `list` tones it. A line saying so when there are none.
std::vector<text::ToneLine> render_watch_overview(const std::vector<Summary>& incidents, Timestamp now,
                                                  const Zone& zone, std::size_t width);

// One incident (as it stood at the assessment's time): what `status` shows, the current
// phase's checklist and the last events of the timeline, in at most `rows` lines when
// the status leaves room (0: no limit; then the last 10 events). Room goes to the status
// first, then to at least 3 events, then to the checklist (cut with a line saying how
// many more lines `incident checklist` shows), then to more events.
std::vector<text::ToneLine> render_watch_incident(const Runbook& runbook, const Incident& incident,
                                                  const Assessment& assessment, const Zone& zone, std::size_t width,
                                                  std::size_t rows);

}  // namespace incident
