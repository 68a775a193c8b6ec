// incident flag [ID] TRIGGER..., unflag [ID] TRIGGER...: declare (or withdraw) the
// escalation triggers a responder judges, e.g. security or data-loss, on the record.
// `incident status` then counts them. Nothing on stdout; what changed goes to stderr.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <set>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/sla.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace flag_command {

void register_flagging(CLI::App& app, Context& ctx, bool raise) {
  struct Options {
    std::vector<std::string> positionals;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(raise ? "flag" : "unflag",
                                     raise ? "Declare escalation triggers (multiple-systems, security, data-loss)"
                                           : "Withdraw declared escalation triggers");
  command->add_option("[ID] TRIGGER", o->positionals, "Incident id (optional when one is open), then triggers")
      ->required();
  add_at_option(*command, o->at);
  command->callback([&ctx, o, raise] {
    const Runbook& runbook = ctx.runbook();
    std::vector<std::string> words = o->positionals;
    std::string id;
    // The first of several words is the incident unless it names a trigger (an evaluated
    // one too, so that `flag sla-exceeded security` is refused for what it is).
    if (words.size() > 1 && runbook.escalation.find_trigger(text::to_lower(words.front())) == nullptr) {
      id = words.front();
      words.erase(words.begin());
    }
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const auto [incident, flagged] = store.append(store.resolve_id(id), [&](const Incident& current) {
      return flag_triggers(runbook, current, words, raise, when);
    });
    warn_if_runbook_differs(ctx, runbook, incident);
    for (const auto& line : flagged.lines) {
      ctx.hint(fmt::format("{} {}\n", raise ? "Flagged" : "Unflagged", line));
    }
    const Assessment assessment = assess(runbook, as_it_stood(incident, flagged.at), flagged.at);
    if (assessment.escalation_recommended) {
      ctx.hint(fmt::format("Escalation to level {} is recommended: incident escalate {}\n",
                           assessment.recommended_level, incident.id));
    }
    print_result(ctx, incident, "");
  });
}

}  // namespace flag_command

void register_flag(CLI::App& app, Context& ctx) { flag_command::register_flagging(app, ctx, true); }
void register_unflag(CLI::App& app, Context& ctx) { flag_command::register_flagging(app, ctx, false); }

}  // namespace incident::cli
