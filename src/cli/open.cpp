// incident open TITLE -s SEV [--impact T] [--commander N] [--ack] [--dedup-key KEY] [--drill] [--at TIME]
// stdout: the Initial Status Update. stderr: the id, the ack deadline and the first
// phase's checklist for the severity.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "commands.hpp"
#include "common.hpp"
#include "incident/checklist.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace {

// 'it'\''s' for a POSIX shell.
// `word` as one word for sh: as it is when it holds only characters no shell treats
// specially, else in single quotes.
std::string shell_quote(std::string_view word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-./:=@+,%").find(c) != std::string_view::npos;
  });
  if (plain) {
    return std::string(word);
  }
  std::string out = "'";
  for (const char c : word) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

struct Options {
  std::string title, severity, impact, commander, at, dedup_key;
  bool ack = false;
  bool drill = false;
};

// Declaring an incident is never blocked by a typo in the team's runbook: its error, and
// the command that opens the incident with the bundled runbook instead.
const Runbook& runbook_or_way_out(Context& ctx, const Options& o) {
  try {
    return ctx.runbook();
  } catch (const DataError&) {
    const auto bundled = ctx.data_dir() / "runbooks" / "default.yaml";
    if (ctx.runbook_path() != bundled) {
      std::string command = fmt::format("incident --runbook {} open {} -s {}", shell_quote(bundled.string()),
                                        shell_quote(o.title), shell_quote(o.severity));
      for (const auto& [option, value] : {std::pair<const char*, const std::string&>{"--impact", o.impact},
                                          {"--commander", o.commander}, {"--at", o.at}, {"--dedup-key", o.dedup_key}}) {
        if (!value.empty()) {
          command += fmt::format(" {} {}", option, shell_quote(value));
        }
      }
      if (o.ack) {
        command += " --ack";
      }
      if (o.drill) {
        command += " --drill";
      }
      ctx.hint(fmt::format("The runbook {} cannot be used (the error follows). To open the incident now with the "
                           "bundled runbook:\n  {}\n",
                           text::escape_control(ctx.runbook_path().string()), text::escape_control(command)));
    }
    throw;
  }
}

// The open incident that already carries `key`, if any: a drill only for a drill, so an
// exercise with an alert's key never swallows the real alert.
std::optional<Incident> find_by_dedup_key(const Store& store, const std::string& key, bool drill) {
  for (const auto& summary : store.list(Scope::open).incidents) {
    if (summary.drill != drill) {
      continue;
    }
    Incident incident = store.load(summary.id);
    if (incident.dedup_key == key) {
      return incident;
    }
  }
  return std::nullopt;
}

}  // namespace

void register_open(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("open", "Open an incident; prints the Initial Status Update");
  command->add_option("TITLE", o->title, "What is happening, e.g. \"Checkout API 500s\"")->required();
  command->add_option("-s,--severity", o->severity, "P0..P3, or a name: critical, high, medium, low")
      ->required()
      ->type_name("SEV");
  command->add_option("--impact", o->impact, "Who or what is affected")->type_name("TEXT");
  command->add_option("--commander", o->commander, "Incident commander (default: whoever acks first)")
      ->type_name("NAME");
  command->add_flag("--ack", o->ack, "Acknowledge it too: you are on it and become commander");
  command->add_option("--dedup-key", o->dedup_key,
                      "For alert hooks: when an open incident has this key, print it instead of opening another")
      ->type_name("KEY");
  command->add_flag("--drill", o->drill,
                    "An exercise, not a real incident: its messages say so, stats leave it out");
  add_at_option(*command, o->at);
  add_message_options(*command, ctx);
  command->callback([&ctx, o] {
    if (o->ack && !o->commander.empty()) {
      throw UsageError("--ack makes you the commander; give --ack or --commander, not both");
    }
    const Runbook& runbook = runbook_or_way_out(ctx, *o);
    const std::string key = clean_line(o->dedup_key, "--dedup-key", k_max_name_bytes, true);
    const Stamp when = stamp(ctx, o->at);
    Store store = open_store(ctx);
    if (!key.empty()) {
      if (auto existing = find_by_dedup_key(store, key, o->drill)) {
        ctx.hint(fmt::format("{} is already open for --dedup-key {}; nothing recorded.\n", existing->id,
                             text::escape_control(key)));
        print_template(ctx, runbook, TemplateKind::initial, *existing);
        return;
      }
    }
    Incident incident =
        store.create(open_incident(runbook, {o->title, o->severity, o->impact, o->commander, key, o->drill}, when));
    Ticked ticked;
    if (o->ack || !o->commander.empty()) {
      auto written = store.append(incident.id, [&](const Incident& current) {
        return o->ack ? acknowledge(&runbook, current, when) : complete_by(runbook, current, "commander", when);
      });
      incident = std::move(written.incident);
      ticked = std::move(written.outcome);
    }
    print_template(ctx, runbook, TemplateKind::initial, incident);

    std::string guidance = fmt::format("Opened {} ({} {}{}); {}.\n", incident.id, incident.grade.severity,
                                       text::escape_control(incident.grade.severity_name),
                                       incident.drill ? ", a drill" : "",
                                       o->ack ? fmt::format("acknowledged by {}", text::escape_control(incident.commander))
                                              : ack_deadline(incident, when.now, Zone::user()));
    guidance += ticked_lines(ticked);
    if (!runbook.phases.empty()) {
      guidance += "\n" + render_incident_checklist(runbook, incident, when.now, &runbook.phases.front());
    }
    guidance += o->ack ? fmt::format("\nNext: incident check {} ITEM as you go; incident update ...\n", incident.id)
                       : fmt::format("\nNext: incident ack {}\n", incident.id);
    ctx.hint(guidance);
  });
}

}  // namespace incident::cli
