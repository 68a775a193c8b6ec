// incident checklist [ID] [PHASE] [--at TIME]: the phase checklists for the incident's
// severity, each item [x], [ ] or [-] (skipped), with progress and the current phase as
// of --at (default now).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/checklist.hpp"
#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_checklist(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> positionals;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("checklist", "Show the incident's phase checklists and what is done");
  command->add_option("[ID] [PHASE]", o->positionals, "Incident id (optional when one is open), then a phase")
      ->expected(0, 2);
  add_as_of_option(*command, o->at);
  command->callback([&ctx, o] {
    const Runbook& runbook = ctx.runbook();
    std::string id;
    const Phase* phase = nullptr;
    // One word is a phase when it names one, else the id.
    if (o->positionals.size() == 2) {
      id = o->positionals[0];
    }
    if (!o->positionals.empty()) {
      const std::string& last = o->positionals.back();
      phase = find_phase(runbook, last);
      if (phase == nullptr && o->positionals.size() == 2) {
        std::vector<std::string> names;
        for (const auto& p : runbook.phases) {
          names.push_back(p.id);
        }
        throw UsageError(fmt::format("no phase '{}'{}; phases: {}", text::escape_control(last),
                                     text::did_you_mean(last, names), text::join(names)));
      }
      if (phase == nullptr) {
        id = last;
      }
    }
    const Timestamp at = as_of(ctx, o->at);
    const Store store = open_store(ctx);
    const Incident incident = store.load(store.resolve_id(id));
    (void)runbook_for(ctx, incident);
    if (ctx.options.json) {
      ctx.out_json(incident_checklist_json(runbook, incident, at, phase));
      return;
    }
    const std::string text = render_incident_checklist(runbook, incident, at, phase);
    if (text.empty()) {
      ctx.hint(fmt::format("The runbook has no checklist for {} in that phase.\n", incident.grade.severity));
    }
    ctx.out(text);
  });
}

}  // namespace incident::cli
