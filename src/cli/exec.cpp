// incident exec [ID] [--step ITEM] [--shell] -- CMD ARGS...: runs a command on the record.
// Its start is one write and its end (exit code, the redacted tail of its output, how
// long it ran, and the step ticked when it exited 0) another: the store is not locked
// while it runs. Its output streams to stderr as it comes (stdout stays for --json), and
// `incident exec` exits with its exit code (127 when it could not be started).
#include <signal.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/exec.hpp"
#include "incident/incident_json.hpp"
#include "incident/process.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace exec_command {

// A command may run for hours (a migration); there is no deadline but the user's Ctrl-C.
constexpr std::chrono::milliseconds k_no_deadline = std::chrono::hours(24 * 365);
// What is kept of the output while it runs: enough for the tail's lines, whatever the
// command prints in all.
constexpr std::size_t k_kept_bytes = 64 * 1024;
constexpr int k_cannot_start = 127;

// SIGINT and SIGQUIT ignored while the command runs, as system(3) does: the terminal's
// Ctrl-C reaches the command (it runs in the foreground, in our process group) and this
// process lives on to record how it ended. The command gets them at their defaults
// (ProcessOptions::foreground).
class IgnoreInterrupts {
public:
  IgnoreInterrupts() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGINT, &ignore, &m_int);
    ::sigaction(SIGQUIT, &ignore, &m_quit);
  }
  IgnoreInterrupts(const IgnoreInterrupts&) = delete;
  IgnoreInterrupts& operator=(const IgnoreInterrupts&) = delete;
  ~IgnoreInterrupts() {
    ::sigaction(SIGINT, &m_int, nullptr);
    ::sigaction(SIGQUIT, &m_quit, nullptr);
  }

private:
  struct sigaction m_int {};
  struct sigaction m_quit {};
};

struct Ran {
  int exit_code = 0;
  std::string output;  // the end of stdout and stderr as they interleaved
  std::string failure;  // it could not be started: why
  Seconds duration{0};
};

Ran run(const std::vector<std::string>& argv) {
  Ran ran;
  ProcessOptions options;
  options.timeout = k_no_deadline;
  options.foreground = true;
  options.on_output = [&ran](int, std::string_view chunk) {
    std::fwrite(chunk.data(), 1, chunk.size(), stderr);  // as the command wrote it, as a shell would show it
    ran.output.append(chunk);
    if (ran.output.size() > 2 * k_kept_bytes) {
      ran.output.erase(0, ran.output.size() - k_kept_bytes);
    }
  };
  const auto started = std::chrono::steady_clock::now();
  try {
    ran.exit_code = run_process(argv, options).exit_code;
  } catch (const Error& error) {
    ran.exit_code = k_cannot_start;
    ran.failure = error.what();
  }
  std::fflush(stderr);
  ran.duration = std::chrono::duration_cast<Seconds>(std::chrono::steady_clock::now() - started);
  return ran;
}

}  // namespace exec_command

void register_exec(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id;
    std::string step;
    bool shell = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "exec", "Run a command on the record: exit code, output's tail (exec [ID] -- CMD ARGS...)");
  command->add_option("ID", o->id, "Incident id (optional when one is open)");
  command->add_option("--step", o->step, "The checklist item the command does: ticked when it exits 0")
      ->type_name("ITEM");
  command->add_flag("--shell", o->shell, "Run the words after -- as one line of sh -c (pipes, globs)");
  command->callback([&ctx, o] {
    using namespace exec_command;
    const std::vector<std::string>& words = ctx.trailing_words;
    if (words.empty()) {
      throw UsageError("no command to run: give it after --, e.g. incident exec -- kubectl rollout status deploy/api");
    }
    const std::vector<std::string> argv =
        o->shell ? std::vector<std::string>{"sh", "-c", text::join(words, " ")} : words;
    // Read before anything is recorded: a bad pattern is refused, not half applied.
    const Redactor redactor(load_exec_settings(ctx.config_file()).redact);
    ExecRequest request{{}, o->step};
    for (const auto& argument : argv) {
      request.command.push_back(redactor.redact_argument(argument));
    }
    const Runbook* runbook = o->step.empty() ? nullptr : &ctx.runbook();
    Store store = open_store(ctx);
    const std::string id = store.resolve_id(o->id);
    const auto [opened, step] = store.append(
        id, [&](const Incident& current) { return start_exec(runbook, current, request, stamp(ctx, "")); });
    // From the recorded start to the recorded end: a Ctrl-C is the command's (once it
    // runs), never a start left without its end.
    const IgnoreInterrupts ignore;
    if (runbook != nullptr) {
      warn_if_runbook_differs(ctx, *runbook, opened);
    }
    ctx.hint(fmt::format("Running on {}{}: {}\n", id,
                         step.label.empty() ? "" : fmt::format(" (step {})", text::escape_control(step.label)),
                         text::escape_control(format_command(request.command))));

    const Ran ran = run(argv);

    ExecEnd end;
    end.command = request.command;
    end.item = step.item;
    end.started = opened.events.back().id;  // the highest seq: the event just written
    end.exit_code = ran.exit_code;
    end.output = ran.failure.empty()
                     ? redactor.redact_text(last_lines(ran.output, k_exec_tail_lines, k_exec_tail_bytes))
                     : ran.failure;
    end.duration = ran.duration;
    const auto finished = [&] {
      try {
        return store.append(id,
                            [&](const Incident& current) { return finish_exec(runbook, current, end, stamp(ctx, "")); });
      } catch (const Error&) {
        // The command ran: say how it ended before the reason it is not on the record.
        ctx.warn(fmt::format("the command exited {}, but its end could not be recorded on {}", ran.exit_code, id));
        throw;
      }
    }();
    const Incident& incident = finished.incident;
    const Marked& marked = finished.outcome;
    if (!ran.failure.empty()) {
      ctx.hint(fmt::format("incident: error: {} (recorded on {}, exit code {})\n", text::escape_control(ran.failure),
                           id, k_cannot_start));
    } else {
      ctx.hint(fmt::format("Recorded on {}: exit code {} after {}s.\n", id, ran.exit_code, ran.duration.count()));
    }
    for (const auto& line : marked.lines) {
      ctx.hint(fmt::format("Checked {}\n", text::escape_control(line)));
    }
    if (ctx.options.json) {
      auto document = incident_json(incident, true, now());
      document["exec"] = {{"exit_code", ran.exit_code}, {"duration_seconds", ran.duration.count()},
                          {"output", end.output}, {"step", step.item.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(step.item)}};
      ctx.out_json(document);
    }
    ctx.exit_code = ran.exit_code;
  });
}

}  // namespace incident::cli
