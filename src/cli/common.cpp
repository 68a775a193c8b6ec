#include "common.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdlib>

#include "incident/error.hpp"
#include "incident/incident_json.hpp"
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

void print_template(const Context& ctx, const Runbook& runbook, TemplateKind kind, const Incident& incident) {
  print_message(ctx, incident, runbook.message_template(kind).name, render_message(runbook, kind, incident));
}

void print_message(const Context& ctx, const Incident& incident, std::string_view name, const std::string& text) {
  if (ctx.options.json) {
    auto document = incident_json(incident, true, now());
    document["message"] = {{"name", name}, {"text", text}};
    ctx.out_json(document);
  } else {
    ctx.out(text);
  }
}

}  // namespace incident::cli
