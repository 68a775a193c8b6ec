#pragma once
// After the incident: the postmortem draft (`incident report`) and the figures over many
// incidents (`incident stats`). Pure functions of incidents and the runbook.

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

#include "incident/incident.hpp"
#include "incident/runbook.hpp"
#include "incident/sla.hpp"
#include "incident/summary.hpp"

namespace incident {

// The facts a postmortem opens with, from the timeline.
struct ReportMetrics {
  std::optional<Seconds> time_to_acknowledge;
  ResponseSla response;  // the response SLA that applied and its verdict (sla.hpp)
  std::optional<Seconds> time_to_resolve;
  Seconds duration{0};  // start to resolution (or to `as_of` while unresolved)
  int updates = 0;
  // The longest silence between messages: the start (the Initial Status Update), each
  // update, the resolution (or `as_of` while unresolved).
  Seconds longest_gap{0};
  Timestamp longest_gap_from;
  Timestamp longest_gap_to;
};
ReportMetrics report_metrics(const Incident& incident, Timestamp as_of);

// The postmortem draft as GitHub-flavoured Markdown: title, summary table (severity,
// impact, commanders, duration), metrics, root cause / fix / monitoring, the timeline as a
// table, checklist completion with skipped items and their reasons, action items and the
// runbook's post-incident checklist with its state. User text is escaped for Markdown
// (and for the terminal). `as_of` stands in for the end of an unresolved incident.
std::string render_report_markdown(const Runbook& runbook, const Incident& incident, Timestamp as_of);
// The same facts as JSON.
nlohmann::ordered_json report_json(const Runbook& runbook, const Incident& incident, Timestamp as_of);

// A distribution of durations: nearest-rank percentiles (p50 is the ceil(n/2)-th
// smallest), the mean rounded to the second. Empty when count is 0.
struct DurationStats {
  std::size_t count = 0;
  Seconds mean{0};
  Seconds p50{0};
  Seconds p90{0};
  Seconds max{0};
};
DurationStats duration_stats(std::vector<Seconds> values);

struct SeverityStats {
  std::string severity;  // "P1", or "all"
  std::string severity_name;  // "High", or ""
  std::size_t incidents = 0;  // every incident counted (resolved or not)
  std::size_t resolved = 0;
  DurationStats time_to_acknowledge;  // resolved incidents that were acknowledged
  DurationStats time_to_resolve;  // resolved incidents
  // The response SLA over resolved incidents: met by the ack (or a resolution that came
  // first) within the SLA in force at the time.
  std::size_t sla_met = 0;
  std::size_t sla_breached = 0;
  [[nodiscard]] std::optional<double> compliance() const {
    const std::size_t judged = sla_met + sla_breached;
    return judged == 0 ? std::nullopt : std::optional<double>(static_cast<double>(sla_met) / static_cast<double>(judged));
  }
};

struct Stats {
  std::vector<SeverityStats> by_severity;  // in the runbook's order, then unknown ones
  SeverityStats all;
  bool drills_included = false;
  std::size_t drills_left_out = 0;  // drills (open --drill) not counted above
};
// From the index's summaries: stats never read the incident files. Drills are exercises,
// not incidents: left out (and counted in drills_left_out) unless `include_drills`.
Stats compute_stats(const Runbook& runbook, const std::vector<Summary>& incidents, bool include_drills = false);

// The table; then, when drills were left out, a line saying how many.
std::string render_stats(const Stats& stats);
nlohmann::ordered_json stats_json(const Stats& stats);

}  // namespace incident
