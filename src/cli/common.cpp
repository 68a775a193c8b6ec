#include "common.hpp"

#include <CLI/CLI.hpp>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <utility>

#include "incident/clipboard.hpp"
#include "incident/error.hpp"
#include "incident/hooks.hpp"
#include "incident/incident_json.hpp"
#include "incident/outbox.hpp"
#include "incident/render.hpp"
#include "incident/text.hpp"

namespace incident::cli {

Store open_store(const Context& ctx) {
  auto timeout = Store::k_default_lock_timeout;
  if (const char* value = std::getenv("INCIDENT_LOCK_TIMEOUT_MS"); value != nullptr && *value != '\0') {
    std::int64_t ms = 0;
    const std::string_view text(value);
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc{} || ptr != text.data() + text.size() || ms < 0 || ms > k_max_lock_wait.count()) {
      throw UsageError(fmt::format("INCIDENT_LOCK_TIMEOUT_MS must be a number of milliseconds from 0 to {} (a day), "
                                   "not '{}'",
                                   k_max_lock_wait.count(), text::escape_control(text)));
    }
    timeout = std::chrono::milliseconds(ms);
  }
  Store store(ctx.state_dir(), system_io(), timeout);
  store.on_commit([&ctx](const Incident& incident, const std::vector<Event>& written) {
    ctx.recorded.push_back(fmt::format("{} ({})", incident.id,
                                       incident.events.empty() ? "" : incident.events.back().type));
    ctx.hint(std::exchange(ctx.understood_at, {}));
    if (!ctx.options.no_hooks && !written.empty()) {
      ctx.hook_writes.push_back(StoredWrite{incident, written});
    }
  });
  return store;
}

void add_at_option(CLI::App& command, std::string& at) {
  command.add_option("--at", at, fmt::format("When it happened: {}; default now", k_time_forms))->type_name("TIME");
}

void add_as_of_option(CLI::App& command, std::string& at, std::string_view what) {
  command.add_option("--at", at, fmt::format("{}: {}; default now", what, k_time_forms))->type_name("TIME");
}

namespace {

// --at as people type it, read in their zone; a usage error that shows the forms.
Timestamp read_time(const std::string& at_option, Timestamp current) {
  const ParsedWhen parsed = parse_when(at_option, current, Zone::user());
  if (!parsed.at) {
    // Every refusal shows the forms, once.
    const bool shows_forms = parsed.error.find(k_time_forms) != std::string::npos;
    throw UsageError(fmt::format("--at '{}': {}{}", text::escape_control(at_option), parsed.error,
                                 shows_forms ? "" : fmt::format(" (accepted: {})", k_time_forms)));
  }
  return *parsed.at;
}

// "2026-12-02 03:12 CET (18m ago)"
std::string understood(Timestamp at, Timestamp current) {
  const Zone zone = Zone::user();
  std::string out = format_local_minute(at, zone);
  if (!zone.is_utc()) {
    out += fmt::format(", {}", format_local_minute(at, Zone::utc()));
  }
  return fmt::format("{} ({})", out, format_relative(at, current));
}

}  // namespace

Timestamp as_of(const Context& ctx, const std::string& at_option) {
  const Timestamp current = now();
  if (at_option.empty()) {
    return current;
  }
  const Timestamp at = read_time(at_option, current);
  if (!parse_rfc3339(at_option)) {  // a form that needed reading: say how it was read
    ctx.hint(fmt::format("As of {}.\n", understood(at, current)));
  }
  return at;
}

Stamp stamp(const Context& ctx, const std::string& at_option) {
  Stamp result{ctx.actor(), now(), std::nullopt};
  if (!at_option.empty()) {
    result.at = read_time(at_option, result.now);
    if (!parse_rfc3339(at_option)) {  // said once the write is on the record (open_store)
      ctx.understood_at = fmt::format("Recorded at {}.\n", understood(*result.at, result.now));
    }
  }
  return result;
}

void warn_if_runbook_differs(Context& ctx, const Runbook& runbook, const Incident& incident) {
  if (const auto warning = runbook_fit(runbook, incident)) {
    ctx.warn(*warning);
  }
}

const Runbook& runbook_for(Context& ctx, const Incident& incident) {
  const Runbook& runbook = ctx.runbook();
  warn_if_runbook_differs(ctx, runbook, incident);
  return runbook;
}

const Runbook* runbook_if_usable(Context& ctx) {
  try {
    return &ctx.runbook();
  } catch (const DataError& error) {
    ctx.warn(fmt::format("{} (checklist items are not ticked)", error.what()));
    return nullptr;
  }
}

std::string ticked_lines(const Ticked& ticked) {
  std::string out;
  for (const auto& item : ticked.items) {
    out += fmt::format("Ticked {}\n", item);
  }
  return out;
}

std::size_t terminal_width() {
  if (const char* variable = std::getenv("COLUMNS"); variable != nullptr) {
    const std::string_view text = variable;
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc{} && end == text.data() + text.size() && value > 0) {
      return value;
    }
  }
  winsize size{};
  if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) {
    return size.ws_col;
  }
  return 0;
}

bool can_ask() { return isatty(STDIN_FILENO) != 0 && isatty(STDERR_FILENO) != 0; }

void ask_if_missing(const Context& ctx, std::string& value, std::string_view option, std::string_view label,
                    std::string_view current) {
  if (!value.empty()) {
    return;
  }
  if (!can_ask()) {
    throw UsageError(fmt::format("{} is required", option));
  }
  const std::string shown = current.empty() ? std::string()
                                            : fmt::format(" (now: {})", text::cut(text::one_line(text::escape_control(current)), 60));
  ctx.hint(fmt::format("{}{}: ", label, shown));
  std::string answer;
  if (!std::getline(std::cin, answer) || answer.find_first_not_of(" \t\r") == std::string::npos) {
    ctx.hint("\n");
    throw Error(fmt::format("no {} given; nothing recorded", text::to_lower(label)));
  }
  value = std::move(answer);
}

IdAndValue split_id_and_value(const std::vector<std::string>& positionals) {
  if (positionals.size() == 1) {
    return {"", positionals[0]};
  }
  return {positionals.at(0), positionals.at(1)};
}

void print_result(const Context& ctx, const Incident& incident, const std::string& text) {
  if (ctx.options.json) {
    ctx.out_json(incident_json(incident, true, now()));
  } else {
    ctx.out(text);
  }
}

void add_message_options(CLI::App& command, Context& ctx) {
  command.add_flag_callback(
      "--post",
      [&ctx] {
        ctx.delivery.post = true;
        ctx.chat();
      },
      "Also post the message to the chat targets configured (README: Posting to chat)");
  command.add_flag("--copy", ctx.delivery.copy, "Also put the message on the clipboard");
}

TemplateKind parse_template_kind(std::string_view name) {
  for (std::size_t i = 0; i < std::size(k_template_keys); ++i) {
    if (text::iequals(k_template_keys[i], name)) {
      return static_cast<TemplateKind>(i);
    }
  }
  const std::vector<std::string> keys(std::begin(k_template_keys), std::end(k_template_keys));
  throw UsageError(fmt::format("no message '{}'{} (messages: {})", text::escape_control(name),
                               text::did_you_mean(name, keys), text::join(keys)));
}

void print_template(Context& ctx, const Runbook& runbook, TemplateKind kind, const Incident& incident) {
  print_message(ctx, incident, runbook.message_template(kind).name, render_message(runbook, kind, incident, now()));
  // Posting (or copying) the message completes the runbook's item for it, once it went out.
  const bool sent = (ctx.delivery.post || ctx.delivery.copy) &&
                    ctx.exit_code != static_cast<int>(ExitCode::not_delivered);
  const char* command = kind == TemplateKind::initial      ? "post-initial"
                        : kind == TemplateKind::resolution ? "post-resolution"
                                                           : nullptr;
  if (sent && command != nullptr) {
    Store store = open_store(ctx);
    const Stamp when = stamp(ctx, "");
    const Ticked ticked =
        store.append(incident.id, [&](const Incident& current) { return complete_by(runbook, current, command, when); })
            .outcome;
    ctx.hint(ticked_lines(ticked));
  }
}

void print_message(Context& ctx, const Incident& incident, std::string_view name, const std::string& message,
                   std::optional<Timestamp> at, const ExtendJson& extend) {
  // Every message for the channel passes here: printed, in the JSON, posted and copied, a
  // drill's says so first.
  const std::string text = mark_drill(incident, message);
  if (ctx.options.json) {
    auto document = incident_json(incident, true, at.value_or(now()));
    if (extend) {
      extend(document);
    }
    document["message"] = {{"name", name}, {"text", text}};
    ctx.out_json(document);
  } else {
    ctx.out(text);
  }
  if (ctx.delivery.post) {
    post_message(ctx, incident.id, name, text);
  }
  if (ctx.delivery.copy) {
    copy_message(ctx, text);
  }
}

void post_message(Context& ctx, const std::string& incident_id, std::string_view name, const std::string& text) {
  const ChatConfig& config = ctx.chat();
  Outbox outbox(ctx.state_dir() / "outbox");
  std::vector<std::string> queued;
  for (const auto& target : config.targets) {
    queued.push_back(outbox.add(std::string(target.name()), incident_id, std::string(name), text, now()).id);
  }
  spdlog::debug("posting {} to {}", name, queued.size() == 1 ? "1 target" : fmt::format("{} targets", queued.size()));
  Store store = open_store(ctx);
  try {
    report_delivery(ctx, deliver(outbox, store, config, stamp(ctx, ""), http_post), queued);
  } catch (const Error& error) {
    if (error.exit_code() != ExitCode::busy) {
      throw;
    }
    // Another command is posting (a slow target): this message is queued, not lost.
    ctx.warn(fmt::format("{}: not posted yet, it waits in the outbox: incident post --retry", error.what()));
    ctx.exit_code = static_cast<int>(ExitCode::not_delivered);
  }
}

void report_delivery(Context& ctx, const DeliveryReport& report, const std::vector<std::string>& queued) {
  const auto is_new = [&](const OutboxEntry& entry) {
    return std::find(queued.begin(), queued.end(), entry.id) != queued.end();
  };
  std::vector<std::string> posted_to;
  std::size_t earlier = 0;
  for (const auto& entry : report.sent) {
    if (is_new(entry)) {
      posted_to.push_back(entry.target);
    } else {
      ++earlier;
    }
  }
  if (!posted_to.empty()) {
    ctx.hint(fmt::format("Posted to {}.\n", text::join(posted_to)));
  }
  if (earlier > 0) {
    ctx.hint(fmt::format("Posted {} earlier message{} from the outbox.\n", earlier, earlier == 1 ? "" : "s"));
  }
  for (const auto& warning : report.warnings) {
    ctx.warn(warning);
  }
  for (const auto& entry : report.waiting) {
    ctx.warn(fmt::format("{}: {} for {} not posted{}; it waits in the outbox: incident post --retry",
                         entry.target, entry.name, entry.incident,
                         entry.last_error.empty() ? std::string(" (an earlier one failed)") : ": " + entry.last_error));
  }
  if (!report.waiting.empty()) {
    ctx.exit_code = static_cast<int>(ExitCode::not_delivered);
  }
}

void copy_message(Context& ctx, const std::string& text) {
  try {
    ctx.hint(fmt::format("Copied to the clipboard ({}).\n", copy_to_clipboard(text)));
  } catch (const Error& error) {
    ctx.warn(error.what());
    ctx.exit_code = static_cast<int>(ExitCode::not_delivered);
  }
}

void run_command_hooks(const Context& ctx) {
  if (ctx.hook_writes.empty() || ctx.options.no_hooks) {
    return;
  }
  const std::vector<StoredWrite> writes = std::exchange(ctx.hook_writes, {});
  try {
    const std::filesystem::path dir = ctx.config_file().parent_path() / "hooks";
    const HookFiles files = find_hooks(dir);
    for (const auto& ignored : files.ignored) {
      spdlog::debug("hooks: ignoring {}", text::escape_control(ignored));
    }
    if (files.hooks.empty()) {
      spdlog::debug("hooks: none in {}", text::escape_control(dir.string()));
      return;
    }
    const char* timeout = std::getenv("INCIDENT_HOOK_TIMEOUT");
    HookOptions options;
    options.timeout = parse_hook_timeout(timeout == nullptr ? "" : timeout);
    options.environment = {{"INCIDENT_HOME", ctx.state_dir().string()}};
    options.now = now();
    for (const auto& run : incident::run_hooks(files, writes, options)) {
      if (run.failed()) {
        ctx.warn(describe_hook_run(run));
      } else {
        spdlog::debug("{}", text::escape_control(describe_hook_run(run)));
      }
    }
  } catch (const Error& error) {
    // What was recorded stays recorded, and the command's exit code stays its own.
    ctx.warn(fmt::format("hooks not run: {}", error.what()));
  }
}

}  // namespace incident::cli
