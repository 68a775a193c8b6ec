// incident sync [--init REMOTE] [--status]: the state dir as a working copy of a git
// remote the team shares (sync.hpp). Says on stderr what came in and what went out;
// with --json, one document on stdout.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "commands.hpp"
#include "common.hpp"
#include "incident/sync.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace {

nlohmann::ordered_json incoming_json(const std::vector<IncomingIncident>& incoming) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& each : incoming) {
    nlohmann::ordered_json events = nlohmann::ordered_json::array();
    for (const auto& event : each.events) {
      events.push_back({{"id", event.id}, {"type", event.type}, {"at", format_rfc3339(event.at)}, {"by", event.by}});
    }
    out.push_back({{"id", each.id}, {"created", each.created}, {"events", events}});
  }
  return out;
}

// "  8jz52g56 (new): 4 events by alice, bob"
std::string incoming_text(const std::vector<IncomingIncident>& incoming, std::string_view verb) {
  if (incoming.empty()) {
    return fmt::format("Nothing {}.\n", verb == "came in" ? "came in" : "would come in");
  }
  std::size_t events = 0;
  std::size_t created = 0;
  for (const auto& each : incoming) {
    events += each.events.size();
    created += each.created ? 1 : 0;
  }
  std::string out = fmt::format("{}: {} event{} in {} incident{}{}\n", verb == "came in" ? "Came in" : "Would come in",
                                events, events == 1 ? "" : "s", incoming.size(), incoming.size() == 1 ? "" : "s",
                                created > 0 ? fmt::format(" ({} new here)", created) : "");
  for (const auto& each : incoming) {
    std::vector<std::string> by;
    std::map<std::string, std::size_t> kinds;
    for (const auto& event : each.events) {
      if (std::find(by.begin(), by.end(), event.by) == by.end()) {
        by.push_back(event.by);
      }
      ++kinds[event.type];
    }
    std::vector<std::string> what;
    for (const auto& [type, count] : kinds) {
      what.push_back(count == 1 ? type : fmt::format("{} {}", count, type));
    }
    out += fmt::format("  {}{}: {} event{} by {} ({})\n", each.id, each.created ? " (new)" : "", each.events.size(),
                       each.events.size() == 1 ? "" : "s", text::escape_control(text::join(by)), text::join(what));
  }
  return out;
}

}  // namespace

void register_sync(CLI::App& app, Context& ctx) {
  struct Options {
    std::string init;
    bool status = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("sync", "Share incidents through a git remote: commit, fetch, merge, push");
  command->add_option("--init", o->init, "Make the state dir a working copy of REMOTE (a git URL or path), then sync")
      ->type_name("REMOTE");
  command->add_flag("--status", o->status, "Say what would come in and go out, without changing anything");
  command->callback([&ctx, o, command] {
    if (o->status && command->count("--init") > 0) {
      throw UsageError("--status and --init do not go together");
    }
    Store store = open_store(ctx);
    SyncOptions options;
    options.actor = ctx.actor();
    if (o->status) {
      const SyncStatus status = sync_status(store, options);
      if (ctx.options.json) {
        ctx.out_json({{"incoming", incoming_json(status.incoming)}, {"outgoing", status.outgoing}});
        return;
      }
      std::string text = incoming_text(status.incoming, "would come in");
      text += status.outgoing.empty() ? "Nothing would go out.\n"
                                      : fmt::format("Would go out: {}\n", text::join(status.outgoing));
      ctx.hint(text);
      return;
    }
    const SyncReport report =
        command->count("--init") > 0 ? sync_init(store, o->init, options) : sync(store, options);
    if (ctx.options.json) {
      ctx.out_json({{"incoming", incoming_json(report.incoming)},
                    {"outgoing", report.outgoing},
                    {"committed", report.committed},
                    {"pushed", report.pushed},
                    {"push_attempts", report.attempts}});
      return;
    }
    std::string text = incoming_text(report.incoming, "came in");
    if (report.pushed) {
      text += report.outgoing.empty() ? "Went out: the merge, no incident changes.\n"
                                      : fmt::format("Went out: {}\n", text::join(report.outgoing));
    } else {
      text += "Nothing went out: the remote has everything.\n";
    }
    ctx.hint(text);
  });
}

}  // namespace incident::cli
