// incident check [ID] ITEM..., uncheck [ID] ITEM..., skip [ID] ITEM --reason T: the state
// of checklist items, on the record. ITEM is the stable id from the runbook
// ("initial.acknowledge") or the number `incident checklist` shows. The three share
// everything but the event they record, so they live together.
#include <fmt/format.h>
#include <CLI/CLI.hpp>


#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace check_command {

void register_marking(CLI::App& app, Context& ctx, std::string_view type) {
  struct Options {
    std::vector<std::string> positionals;
    std::string reason;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  const bool skip = type == event_type::skipped;
  const char* description = type == event_type::checked     ? "Mark checklist items done"
                            : type == event_type::unchecked ? "Mark checklist items not done"
                                                            : "Skip checklist items, with the reason";
  auto* command = app.add_subcommand(std::string(type == event_type::checked     ? "check"
                                                 : type == event_type::unchecked ? "uncheck"
                                                                                 : "skip"),
                                     description);
  command
      ->add_option("[ID] ITEM", o->positionals,
                   "Incident id (optional when one is open), then items: ids or numbers from 'incident checklist'")
      ->required();
  if (skip) {
    command->add_option("--reason", o->reason, "Why it is skipped")->required();
  }
  add_at_option(*command, o->at);
  command->callback([&ctx, o, type] {
    const Runbook& runbook = ctx.runbook();
    MarkRequest request{type, o->positionals, o->reason};
    std::string id;
    if (request.items.size() > 1 && !looks_like_item(runbook, request.items.front())) {
      id = request.items.front();
      request.items.erase(request.items.begin());
    }
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const auto [incident, marked] = store.append(
        store.resolve_id(id), [&](const Incident& current) { return mark_items(runbook, current, request, when); });
    warn_if_runbook_differs(ctx, runbook, incident);
    const char* verb = type == event_type::checked     ? "Checked"
                       : type == event_type::unchecked ? "Unchecked"
                                                       : "Skipped";
    for (const auto& line : marked.lines) {
      ctx.hint(fmt::format("{} {}\n", verb, text::escape_control(line)));
    }
    print_result(ctx, incident, "");
  });
}

}  // namespace check_command

void register_check(CLI::App& app, Context& ctx) {
  check_command::register_marking(app, ctx, event_type::checked);
}
void register_uncheck(CLI::App& app, Context& ctx) {
  check_command::register_marking(app, ctx, event_type::unchecked);
}
void register_skip(CLI::App& app, Context& ctx) {
  check_command::register_marking(app, ctx, event_type::skipped);
}

}  // namespace incident::cli
