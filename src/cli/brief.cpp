// incident brief [ID] [--at TIME]: the briefing for whoever takes over (brief.hpp), on
// stdout, ready to paste or read; with --json the incident, the briefing's facts and the
// message.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/brief.hpp"
#include "incident/incident_json.hpp"

namespace incident::cli {

void register_brief(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("brief", "The briefing for whoever takes over an incident");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  command->add_option("--at", o->at, "As of this time (RFC 3339); default now")->type_name("TIME");
  command->callback([&ctx, o] {
    const Timestamp at = as_of(o->at);
    const Store store = open_store(ctx);
    const Incident incident = as_it_stood(store.load(store.resolve_id(o->id)), at);
    const Runbook& runbook = runbook_for(ctx, incident);
    const Assessment assessment = assess(runbook, incident, at);
    const std::string text = render_brief(runbook, incident, assessment);
    if (ctx.options.json) {
      auto document = incident_json(incident, true, at);
      document["brief"] = brief_json(runbook, incident, assessment);
      document["message"] = {{"name", "Handover brief"}, {"text", text}};
      ctx.out_json(document);
    } else {
      ctx.out(text);
    }
  });
}

}  // namespace incident::cli
