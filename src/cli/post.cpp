// incident post [ID] MESSAGE: prints a message for the incident's current state and posts
// it to the chat targets configured (MESSAGE: initial, investigation, resolution or
// brief); incident post --retry: sends what waits in the outbox (outbox.hpp).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "incident/outbox.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace {

nlohmann::ordered_json entries_json(const std::vector<OutboxEntry>& entries) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& entry : entries) {
    out.push_back({{"target", entry.target},
                   {"incident", entry.incident},
                   {"name", entry.name},
                   {"queued_at", format_rfc3339(entry.queued_at)},
                   {"attempts", entry.attempts},
                   {"last_error", entry.last_error}});
  }
  return out;
}

void retry(Context& ctx) {
  const ChatConfig& config = ctx.chat();
  Outbox outbox(ctx.state_dir() / "outbox");
  Store store = open_store(ctx);
  const DeliveryReport report = deliver(outbox, store, config, stamp(ctx, ""), http_post);
  if (ctx.options.json) {
    ctx.out_json({{"sent", entries_json(report.sent)},
                  {"waiting", entries_json(report.waiting)},
                  {"warnings", report.warnings}});
  }
  if (report.sent.empty() && report.waiting.empty()) {
    ctx.hint("The outbox is empty: nothing waits to be posted.\n");
  }
  report_delivery(ctx, report, {});
}

}  // namespace

void register_post(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> positionals;
    bool retry = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "post", "Post a message to chat (initial, investigation, resolution or brief), or retry the outbox");
  command->add_option("[ID] MESSAGE", o->positionals,
                      "Incident id (optional when one is open), then initial, investigation, resolution or brief")
      ->expected(1, 2)
      ->type_name("POSTABLE");  // a message or the briefing, for completion
  command->add_flag("--retry", o->retry, "Send the messages that wait in the outbox (a post that failed)");
  command->add_flag("--copy", ctx.delivery.copy, "Also put the message on the clipboard");
  command->footer([] {
    std::string out = "\nChat targets (environment; or the chat: section of the config file):\n";
    for (const auto& variable : chat_variables()) {
      out += fmt::format("  {:33} {}\n", variable.name, variable.meaning);
    }
    return out;
  }());
  command->callback([&ctx, o] {
    if (o->retry) {
      if (!o->positionals.empty()) {
        throw UsageError("post --retry takes no message: it sends what waits in the outbox");
      }
      retry(ctx);
      return;
    }
    if (o->positionals.empty()) {
      throw UsageError("post needs a MESSAGE (initial, investigation, resolution or brief), or --retry");
    }
    ctx.chat();  // before anything is printed: no target is a usage error
    ctx.delivery.post = true;
    const auto [id, name] = split_id_and_value(o->positionals);
    if (text::iequals(name, "brief")) {
      print_brief(ctx, id, "");
      return;
    }
    const TemplateKind kind = parse_template_kind(name);
    const Store store = open_store(ctx);
    const Incident incident = store.load(store.resolve_id(id));
    print_template(ctx, runbook_for(ctx, incident), kind, incident);
  });
}

}  // namespace incident::cli
