// incident report [ID] [--format markdown|json] [--at TIME]: the postmortem draft, from the
// timeline: summary, metrics, root cause, the timeline as a table, checklists, action items
// and the runbook's post-incident checklist. Markdown that renders well on GitHub.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/report.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_report(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, format = "markdown", at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("report", "Draft the postmortem from the timeline (Markdown)");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  command->add_option("--format", o->format, "markdown (default) or json")->type_name("FORMAT");
  add_as_of_option(*command, o->at, "As of this time, for an unresolved incident");
  command->callback([&ctx, o] {
    const std::string format = text::to_lower(o->format);
    if (format != "markdown" && format != "md" && format != "json") {
      throw UsageError(fmt::format("--format '{}' is not one of: markdown, json", text::escape_control(o->format)));
    }
    const Timestamp at = as_of(ctx, o->at);
    const Store store = open_store(ctx);
    const Incident incident = store.load(store.resolve_id(o->id));
    const Runbook& runbook = runbook_for(ctx, incident);
    if (format == "json" || ctx.options.json) {
      ctx.out_json(report_json(runbook, incident, at));
    } else {
      ctx.out(render_report_markdown(runbook, incident, at));
    }
  });
}

}  // namespace incident::cli
