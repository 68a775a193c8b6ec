// incident brief [ID] [--at TIME]: the briefing for whoever takes over (brief.hpp), on
// stdout, ready to paste or read; with --json the incident, the briefing's facts and the
// message.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/brief.hpp"

namespace incident::cli {

void print_brief(Context& ctx, const std::string& id, const std::string& at_option) {
  const Timestamp at = as_of(ctx, at_option);
  const Store store = open_store(ctx);
  const Incident incident = as_it_stood(store.load(store.resolve_id(id)), at);
  const Runbook& runbook = runbook_for(ctx, incident);
  const Assessment assessment = assess(runbook, incident, at);
  const std::string text = render_brief(runbook, incident, assessment);
  print_message(ctx, incident, "Handover brief", text, at, [&](nlohmann::ordered_json& document) {
    document["brief"] = brief_json(runbook, incident, assessment);
  });
}

void register_brief(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("brief", "The briefing for whoever takes over an incident");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  add_as_of_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o] { print_brief(ctx, o->id, o->at); });
}

}  // namespace incident::cli
