// incident update [ID] --findings T --next T [--eta T] [--status S] [--at TIME]
// stdout: the Investigation Update.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_update(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, findings, next, eta, status, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("update", "Record an investigation update; prints the Investigation Update");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  command->add_option("--findings", o->findings, "What we have discovered")->required()->type_name("TEXT");
  command->add_option("--next", o->next, "What we are doing next")->required()->type_name("TEXT");
  command->add_option("--eta", o->eta, "Estimated resolution time")->type_name("TEXT");
  command->add_option("--status", o->status, "investigating, identified or monitoring")->type_name("STATUS");
  add_at_option(*command, o->at);
  command->callback([&ctx, o] {
    std::optional<Status> status;
    if (!o->status.empty()) {
      status = parse_status(o->status);
      if (!status || !is_active(*status)) {
        throw UsageError(fmt::format("--status '{}' is not one of investigating, identified, monitoring "
                                     "(use 'incident resolve' to resolve)",
                                     text::escape_control(o->status)));
      }
    }
    const std::string findings = clean_text(o->findings, "--findings", k_max_text_bytes);
    const std::string next = clean_text(o->next, "--next", k_max_text_bytes);
    const std::string eta = clean_text(o->eta, "--eta", k_max_name_bytes, true);
    const Runbook& runbook = ctx.runbook();
    Store store = open_store(ctx);
    const Incident incident = store.append(store.resolve_id(o->id), [&](const Incident& current) {
      if (!is_active(current.status)) {
        conflict(fmt::format("{} is {}; reopen it first ('incident reopen {}')", current.id,
                             status_name(current.status), current.id));
      }
      Event event = make_event(ctx, event_type::updated, event_time(o->at, current.started_at));
      event.fields["findings"] = findings;
      event.fields["next_steps"] = next;
      if (!eta.empty()) {
        event.fields["eta"] = eta;
      }
      if (status) {
        event.fields["status"] = std::string(status_name(*status));
      }
      return std::vector<Event>{std::move(event)};
    });
    print_result(ctx, incident, render_message(runbook, TemplateKind::investigation, incident));
  });
}

}  // namespace incident::cli
