// An incident file, as the store reads incidents/<id>.json: parse the events strictly,
// fold them, then do what a write and the next read do: serialize, parse, fold again.
// Also everything a reader derives from a file: the index line (summarize, encode,
// decode), `show`, the three messages, `--json`.
//
// Invariants: only incident::Error escapes; a file that parses and folds re-serializes
// (schema 1 upgraded to 2) to a file that parses to the same events and serializes to
// the same text (the tool never writes a file it cannot read back); its index line
// decodes to the same summary;
// the file's schema is one this version reads, its durations at most 100 years.

#include <nlohmann/json.hpp>

#include <algorithm>

#include "fuzz_support.hpp"
#include "incident/error.hpp"
#include "incident/incident_file.hpp"
#include "incident/incident_json.hpp"
#include "incident/render.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/summary.hpp"

using namespace incident;

namespace {

// The id the seeds carry (the store passes the file name's id; the file must match it).
const std::string k_id = "fuzz0001";
const std::string k_path = "incidents/fuzz0001.json";
constexpr std::int64_t k_hundred_years = std::int64_t{100} * 366 * 24 * 3600;

const Runbook& bundled_runbook() {
  static const Runbook runbook = load_runbook(fuzz::k_runbook_path, fuzz::k_templates_dir);
  return runbook;
}

bool same_event(const Event& a, const Event& b) {
  return a.id == b.id && a.seq == b.seq && a.type == b.type && a.at == b.at && a.recorded_at == b.recorded_at &&
         a.by == b.by && a.fields == b.fields;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  Incident incident;
  std::vector<Event> events;
  try {
    events = parse_incident_file(text, k_path, k_id);
    incident = fold(k_id, events);
  } catch (const Error&) {
    return 0;
  }

  // The fast reader of the layout this version writes reads what the general one does.
  const std::vector<Event> general = parse_incident_document_general(text, k_path, &k_id).events;
  FUZZ_CHECK(general.size() == events.size() && std::equal(general.begin(), general.end(), events.begin(), same_event),
             "the fast reader read %zu events, the general one %zu", events.size(), general.size());

  // What the file may claim: a version this one reads, durations a runbook can set.
  const auto document = nlohmann::json::parse(text);
  FUZZ_CHECK(document.at("schema").is_number_unsigned() && document.at("schema").get<std::uint64_t>() >= 1 &&
                 document.at("schema").get<std::uint64_t>() <= static_cast<std::uint64_t>(k_incident_schema),
             "read a file of schema %s", document.at("schema").dump().c_str());
  for (const auto duration : {incident.grade.response_time, incident.grade.update_every, incident.response_grade.response_time}) {
    FUZZ_CHECK(duration.count() >= 0 && duration.count() <= k_hundred_years, "a duration of %lld s",
               static_cast<long long>(duration.count()));
  }

  const std::string written = serialize_incident(incident);
  Incident reread;
  try {
    reread = fold(k_id, parse_incident_file(written, k_path, k_id));
  } catch (const Error& e) {
    FUZZ_CHECK(false, "the file written does not read back: %s\n%s", e.what(), written.c_str());
  }
  FUZZ_CHECK(reread.events.size() == incident.events.size(), "%zu events, %zu read back", incident.events.size(),
             reread.events.size());
  for (std::size_t i = 0; i < incident.events.size(); ++i) {
    FUZZ_CHECK(same_event(incident.events[i], reread.events[i]), "event %zu (%s) differs when read back", i,
               incident.events[i].id.c_str());
  }
  const std::string rewritten = serialize_incident(reread);
  FUZZ_CHECK(rewritten == written, "written twice, two texts:\n%s\n---\n%s", written.c_str(), rewritten.c_str());

  // The index line the store keeps for it.
  const Summary summary = summarize(incident, {1, static_cast<std::uint64_t>(size), 2});
  const std::string line = encode_summary(summary);
  auto decoded = decode_summary(line);
  FUZZ_CHECK(decoded.has_value(), "its index line does not decode: %s", line.c_str());
  FUZZ_CHECK(*decoded == summary, "its index line decodes to another summary: %s", line.c_str());
  auto key = decode_summary_key(line);
  FUZZ_CHECK(key && key->id == summary.id && key->started_at == summary.started_at && key->file == summary.file,
             "its index key: %s", line.c_str());

  // What readers print.
  const auto replace = nlohmann::ordered_json::error_handler_t::replace;
  (void)incident_json(incident, true, incident.started_at).dump(2, ' ', false, replace);
  (void)summary_json(summary).dump(2, ' ', false, replace);
  (void)text::plain(render_list({summary}, incident.started_at, Zone::utc()));
  (void)render_show(incident, incident.started_at, Zone::utc());
  (void)ack_deadline(incident, incident.started_at, Zone::utc());
  for (const auto& event : incident.events) {
    (void)describe_event(incident, event);
  }
  for (auto kind : {TemplateKind::initial, TemplateKind::investigation, TemplateKind::resolution}) {
    (void)render_message(bundled_runbook(), kind, incident, incident.started_at);
  }
  return 0;
}
