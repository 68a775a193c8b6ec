#include "incident/incident_json.hpp"

#include <nlohmann/json.hpp>

#include <variant>

#include "incident/sla.hpp"

namespace incident {

namespace {

using Json = nlohmann::ordered_json;

Json optional_time(const std::optional<Timestamp>& at) {
  return at ? Json(format_rfc3339(*at)) : Json(nullptr);
}

Json optional_text(const std::string& value) { return value.empty() ? Json(nullptr) : Json(value); }

}  // namespace

Json event_json(const Event& event) {
  Json out = {{"id", event.id},
              {"seq", event.seq},
              {"type", event.type},
              {"at", format_rfc3339(event.at)},
              {"recorded_at", optional_time(event.recorded_at)},
              {"by", event.by}};
  for (const auto& entry : event.fields) {
    const std::string& key = entry.first;  // a structured binding cannot be captured (clang 14)
    std::visit([&](const auto& v) { out[key] = v; }, entry.second);
  }
  return out;
}

void append_summary_json(json::Buffer& out, const Summary& summary, bool pretty, int depth) {
  json::ObjectWriter object(out, pretty, depth);
  auto text = [&](std::string_view key, const std::string& value) {
    if (value.empty()) {
      object.null_field(key);
    } else {
      object.field(key, value);
    }
  };
  Rfc3339Buffer buffer;
  auto time = [&](std::string_view key, const std::optional<Timestamp>& at) {
    if (at) {
      object.field(key, format_rfc3339(*at, buffer));
    } else {
      object.null_field(key);
    }
  };
  object.field("id", summary.id);
  object.field("title", summary.title);
  object.field("severity", summary.grade.severity);
  object.field("severity_name", summary.grade.severity_name);
  object.field("status", status_name(summary.status));
  object.bool_field("drill", summary.drill);  // an exercise (open --drill), not a real incident
  text("impact", summary.impact);
  text("commander", summary.commander);
  time("started_at", summary.started_at);
  time("acknowledged_at", summary.acknowledged_at);
  time("resolved_at", summary.resolved_at);
  time("closed_at", summary.closed_at);
  object.field("response_time_seconds", std::int64_t{summary.grade.response_time.count()});
  // The response SLA that applies (the grade in force at the response, once there is
  // one): a re-grade after the ack does not move the due time behind the verdict.
  const ResponseSla sla = response_sla(summary, summary.started_at);
  time("ack_due_at", sla.due);
  object.field("ack_sla_severity", sla.grade.severity);
  object.field("ack_sla_seconds", std::int64_t{sla.grade.response_time.count()});
  if (sla.responded_at) {
    object.field("ack_sla", sla_state_name(sla.state));
  } else {
    object.null_field("ack_sla");
  }
  if (summary.grade.update_every.count() > 0) {
    object.field("update_every_seconds", std::int64_t{summary.grade.update_every.count()});
  } else {
    object.null_field("update_every_seconds");
  }
  time("last_update_at", summary.last_update_at);
  object.close();
}

Json summary_json(const Summary& summary) {
  json::Buffer text;
  append_summary_json(text, summary, false, 0);
  return Json::parse(text.view());
}

Json incident_json(const Incident& incident, bool with_events, Timestamp as_of) {
  Json out = summary_json(summarize(incident, {}));
  out["response_sla"] = response_sla_json(response_sla(incident, as_of));
  out["acknowledged_by"] = optional_text(incident.acknowledged_by);
  out["findings"] = optional_text(incident.findings);
  out["next_steps"] = optional_text(incident.next_steps);
  out["eta"] = optional_text(incident.eta);
  out["root_cause"] = optional_text(incident.root_cause);
  out["fix"] = optional_text(incident.fix);
  out["monitoring"] = optional_text(incident.monitoring);
  Json flags = Json::array();
  for (const auto& [trigger, flag] : incident.flags) {
    flags.push_back(trigger);
  }
  out["flags"] = std::move(flags);
  out["escalation_level"] = incident.escalation_level();
  Json actions = Json::array();
  for (std::size_t i = 0; i < incident.actions.size(); ++i) {
    const ActionItem& action = incident.actions[i];
    actions.push_back({{"number", i + 1},
                       {"id", action.id},
                       {"text", action.text},
                       {"owner", optional_text(action.owner)},
                       {"due", optional_text(action.due)},
                       {"done", action.done_at.has_value()},
                       {"done_at", optional_time(action.done_at)}});
  }
  out["actions"] = std::move(actions);
  if (incident.runbook.empty()) {
    out["runbook"] = nullptr;
  } else {
    out["runbook"] = {{"source", incident.runbook.source}, {"digest", incident.runbook.digest}};
  }
  if (with_events) {
    Json events = Json::array();
    for (const auto& event : incident.events) {
      events.push_back(event_json(event));
    }
    out["events"] = std::move(events);
  }
  return out;
}

nlohmann::ordered_json escalations_json(const Incident& incident) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& record : incident.escalations) {
    out.push_back({{"level", record.level},
                   {"role", record.role},
                   {"at", format_rfc3339(record.at)},
                   {"by", record.by},
                   {"reason", record.reason}});
  }
  return out;
}

}  // namespace incident
