// incident severity [ID] SEV [--reason T] [--at TIME]: re-grade the incident, on the record.
// stdout: a one-line message for the channel.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "incident/guidance.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_severity(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> positionals;
    std::string at, reason;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("severity", "Change an incident's severity");
  command->add_option("[ID] SEV", o->positionals, "Incident id (optional when one is open), then P0..P3 or a name")
      ->required()
      ->expected(1, 2);
  command->add_option("--reason", o->reason, "Why (shown in the message and on the timeline)")->type_name("TEXT");
  add_at_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o] {
    // References, not a structured binding: clang 14 cannot capture one in a lambda.
    const IdAndValue given = split_id_and_value(o->positionals);
    const std::string& id = given.id;
    const std::string& value = given.value;
    const Runbook& runbook = ctx.runbook();
    (void)runbook.severity(value);  // refused before the store is touched
    const std::string reason = clean_text(o->reason, "--reason", k_max_text_bytes, true);
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const auto [incident, regrade] = store.append(
        store.resolve_id(id), [&](const Incident& current) { return change_severity(runbook, current, value, o->reason, when); });
    warn_if_runbook_differs(ctx, runbook, incident);
    const std::string now_is = fmt::format("{} ({})", text::escape_control(incident.grade.severity_name),
                                           text::escape_control(incident.grade.severity));
    if (!regrade.changed) {
      ctx.hint(fmt::format("{} is already {}; nothing recorded.\n", incident.id, now_is));
      print_result(ctx, incident, "");
      return;
    }
    print_message(ctx, incident, "Severity change",
                  fmt::format("⚠️ SEVERITY: {} is now {}, was {} ({}){}\n", text::escape_control(incident.title),
                              now_is, text::escape_control(regrade.previous.severity_name),
                              text::escape_control(regrade.previous.severity),
                              reason.empty() ? "" : ": " + text::one_line(text::escape_control(reason))));
    ctx.hint(after_severity(runbook, incident, when.now, Zone::user()));
  });
}

}  // namespace incident::cli
