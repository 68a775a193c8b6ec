// incident action add [ID] TEXT [--owner N] [--due DATE], action done [ID] N, action list
// [ID]: the postmortem's action items, on the record. They may be added and done after the
// incident is closed (the postmortem comes later). `list` prints them; the others print
// nothing on stdout.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <CLI/CLI.hpp>

#include <charconv>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/incident_json.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace action_command {

std::string render_actions(const Incident& incident) {
  if (incident.actions.empty()) {
    return {};
  }
  std::string out;
  for (std::size_t i = 0; i < incident.actions.size(); ++i) {
    const ActionItem& action = incident.actions[i];
    std::vector<std::string> notes;
    if (!action.owner.empty()) {
      notes.push_back("owner: " + text::escape_control(action.owner));
    }
    if (!action.due.empty()) {
      notes.push_back("due " + action.due);
    }
    if (action.done_at) {
      notes.push_back(fmt::format("done {} by {}", format_rfc3339(*action.done_at), text::escape_control(action.done_by)));
    }
    out += fmt::format("{:>3}. [{}] {}{}\n", i + 1, action.done_at ? "x" : " ", text::escape_control(action.text),
                       notes.empty() ? "" : " (" + text::join(notes, ", ") + ")");
  }
  return out;
}

void register_add(CLI::App& parent, Context& ctx) {
  struct Options {
    std::vector<std::string> positionals;
    std::string owner, due, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = parent.add_subcommand("add", "Add an action item");
  command->add_option("[ID] TEXT", o->positionals, "Incident id (optional when one is open), then the action")
      ->required()
      ->expected(1, 2);
  command->add_option("--owner", o->owner, "Who will do it")->type_name("NAME");
  command->add_option("--due", o->due, "When it is due (YYYY-MM-DD)")->type_name("DATE");
  add_at_option(*command, o->at);
  command->callback([&ctx, o] {
    const auto [id, value] = split_id_and_value(o->positionals);
    const ActionRequest request{value, o->owner, o->due};
    check_action(request);
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const Incident incident =
        store.append(store.resolve_id(id), [&](const Incident& current) { return add_action(current, request, when); })
            .incident;
    ctx.hint(fmt::format("Added action {} to {}\n", incident.actions.size(), incident.id));
    print_result(ctx, incident, "");
  });
}

void register_done(CLI::App& parent, Context& ctx) {
  struct Options {
    std::vector<std::string> positionals;
    std::string at;
  };
  auto o = std::make_shared<Options>();
  auto* command = parent.add_subcommand("done", "Mark an action item done");
  command->add_option("[ID] N", o->positionals, "Incident id (optional when one is open), then the action's number")
      ->required()
      ->expected(1, 2);
  add_at_option(*command, o->at);
  command->callback([&ctx, o] {
    const auto [id, value] = split_id_and_value(o->positionals);
    std::size_t number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc{} || end != value.data() + value.size() || number == 0) {
      throw UsageError(fmt::format("'{}' is not an action number (see 'incident action list')",
                                   text::escape_control(value)));
    }
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    const auto [incident, done] = store.append(
        store.resolve_id(id), [&](const Incident& current) { return complete_action(current, number, when); });
    ctx.hint(fmt::format("{} action {}: {}\n", done.already ? "Already done:" : "Done:", number,
                         text::escape_control(incident.actions[number - 1].text)));
    print_result(ctx, incident, "");
  });
}

void register_list_actions(CLI::App& parent, Context& ctx) {
  struct Options {
    std::string id;
  };
  auto o = std::make_shared<Options>();
  auto* command = parent.add_subcommand("list", "List the action items");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: the one open incident)");
  command->callback([&ctx, o] {
    const Store store = open_store(ctx);
    const Incident incident = store.load(store.resolve_id(o->id));
    if (ctx.options.json) {
      ctx.out_json(incident_json(incident, false, now())["actions"]);
      return;
    }
    const std::string text = render_actions(incident);
    if (text.empty()) {
      ctx.hint(fmt::format("{} has no action items; add one: incident action add {} TEXT\n", incident.id, incident.id));
    }
    ctx.out(text);
  });
}

}  // namespace action_command

void register_action(CLI::App& app, Context& ctx) {
  auto* command = app.add_subcommand("action", "Postmortem action items: add, done, list");
  command->require_subcommand(1);
  action_command::register_add(*command, ctx);
  action_command::register_done(*command, ctx);
  action_command::register_list_actions(*command, ctx);
}

}  // namespace incident::cli
