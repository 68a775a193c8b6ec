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
#include "incident/incident_file.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace {

// YYYY-MM-DD, a real date.
std::string parse_date(const std::string& value) {
  if (value.empty()) {
    return {};
  }
  if (value.size() != 10 || !parse_rfc3339(value + "T00:00:00Z")) {
    throw UsageError(fmt::format("--due '{}' is not a date (YYYY-MM-DD)", text::escape_control(value)));
  }
  return value;
}

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
    const std::string text = clean_text(value, "the action", k_max_text_bytes);
    const std::string owner = clean_text(o->owner, "--owner", k_max_name_bytes, true);
    const std::string due = parse_date(o->due);
    Store store = open_store(ctx);
    const Incident incident = store.append(store.resolve_id(id), [&](const Incident& current) {
      Event event = make_event(ctx, event_type::action_added, event_time(o->at, current.started_at));
      event.fields["text"] = text;
      if (!owner.empty()) {
        event.fields["owner"] = owner;
      }
      if (!due.empty()) {
        event.fields["due"] = due;
      }
      return std::vector<Event>{std::move(event)};
    });
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
    Store store = open_store(ctx);
    bool already = false;
    const Incident incident = store.append(store.resolve_id(id), [&](const Incident& current) {
      if (number > current.actions.size()) {
        throw UsageError(fmt::format("{} has no action {} (it has {})", current.id, number, current.actions.size()));
      }
      const ActionItem& action = current.actions[number - 1];
      already = action.done_at.has_value();
      if (already) {
        return std::vector<Event>{};
      }
      Event event = make_event(ctx, event_type::action_done, event_time(o->at, current.started_at));
      event.fields["action"] = action.id;
      return std::vector<Event>{std::move(event)};
    });
    ctx.hint(fmt::format("{} action {}: {}\n", already ? "Already done:" : "Done:", number,
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
      ctx.out_json(incident_json(incident, false)["actions"]);
      return;
    }
    const std::string text = render_actions(incident);
    if (text.empty()) {
      ctx.hint(fmt::format("{} has no action items; add one: incident action add {} TEXT\n", incident.id, incident.id));
    }
    ctx.out(text);
  });
}

}  // namespace

void register_action(CLI::App& app, Context& ctx) {
  auto* command = app.add_subcommand("action", "Postmortem action items: add, done, list");
  command->require_subcommand(1);
  register_add(*command, ctx);
  register_done(*command, ctx);
  register_list_actions(*command, ctx);
}

}  // namespace incident::cli
