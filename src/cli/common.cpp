#include "common.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "incident/clipboard.hpp"
#include "incident/error.hpp"
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
  store.on_commit([&ctx](const Incident& incident) {
    ctx.recorded.push_back(fmt::format("{} ({})", incident.id,
                                       incident.events.empty() ? "" : incident.events.back().type));
  });
  return store;
}

void add_at_option(CLI::App& command, std::string& at) {
  command.add_option("--at", at, "When it happened (RFC 3339, e.g. 2026-11-27T03:12:00Z); default now")
      ->type_name("TIME");
}

Timestamp as_of(const std::string& at_option) {
  if (at_option.empty()) {
    return now();
  }
  auto at = parse_rfc3339(at_option);
  if (!at) {
    throw UsageError(fmt::format("--at '{}' is not an RFC 3339 time (e.g. 2026-11-27T03:12:00Z)",
                                 text::escape_control(at_option)));
  }
  return *at;
}

Stamp stamp(const Context& ctx, const std::string& at_option) {
  Stamp result{ctx.actor(), now(), std::nullopt};
  if (!at_option.empty()) {
    result.at = as_of(at_option);
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
  print_message(ctx, incident, runbook.message_template(kind).name, render_message(runbook, kind, incident));
}

void print_message(Context& ctx, const Incident& incident, std::string_view name, const std::string& text,
                   std::optional<Timestamp> at, const ExtendJson& extend) {
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

}  // namespace incident::cli
