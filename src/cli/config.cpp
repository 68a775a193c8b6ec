// incident config show: each setting's effective value and where it came from (option,
// environment, config file, default), from the one table of settings (settings.hpp).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "incident/settings.hpp"
#include "incident/text.hpp"
#include "incident/time.hpp"

namespace incident::cli {

namespace config_command {

// The value a setting has in effect: what was set, else what its default comes to here.
std::string effective(Context& ctx, const SettingSpec& spec) {
  const SettingValue& value = ctx.settings().get(spec.id);
  switch (spec.id) {
    case SettingId::state_dir: return ctx.state_dir().string();
    case SettingId::runbook:
      try {
        return ctx.runbook_path().string();
      } catch (const Error& e) {
        return fmt::format("(none: {})", e.what());
      }
    case SettingId::actor: return ctx.actor();
    case SettingId::output: return ctx.options.output.empty() ? "text" : ctx.options.output;
    case SettingId::color: return ctx.options.color.empty() ? "auto" : ctx.options.color;
    case SettingId::timezone:
      return value.value.empty() ? (Zone::user().is_utc() ? "UTC (the system's)" : "the system's (/etc/localtime)")
                                 : value.value;
  }
  return value.value;
}

void show(Context& ctx) {
  const auto config = ctx.config_file();
  std::error_code ignored;
  const bool exists = std::filesystem::exists(config, ignored);
  struct Row {
    std::string name, value, source;
  };
  std::vector<Row> rows;
  nlohmann::ordered_json settings = nlohmann::ordered_json::array();
  for (const auto& spec : setting_specs()) {
    const SettingValue& value = ctx.settings().get(spec.id);
    const std::string shown = effective(ctx, spec);
    const std::string source = value.where.empty() ? std::string(source_name(value.source))
                                                   : fmt::format("{} ({})", source_name(value.source), value.where);
    rows.push_back({std::string(spec.key), shown, source});
    using Json = nlohmann::ordered_json;
    Json row = {{"name", spec.key}, {"value", shown}, {"source", source_name(value.source)}};
    row["where"] = value.where.empty() ? Json(nullptr) : Json(value.where);
    row["option"] = spec.option.empty() ? Json(nullptr) : Json(spec.option);
    row["variable"] = spec.variable;
    settings.push_back(std::move(row));
  }
  if (ctx.options.json) {
    ctx.out_json({{"config_file", config.string()}, {"config_file_exists", exists}, {"settings", settings}});
    return;
  }
  std::size_t name_width = 0;
  std::size_t value_width = 0;
  for (const auto& row : rows) {
    name_width = std::max(name_width, text::columns(row.name));
    value_width = std::max(value_width, text::columns(row.value));
  }
  std::string out = fmt::format("Config file: {}{}\n\n", config.string(), exists ? "" : " (none)");
  for (const auto& row : rows) {
    out += fmt::format("{}{}  {}{}  {}\n", row.name, std::string(name_width - text::columns(row.name), ' '), row.value,
                       std::string(value_width - text::columns(row.value), ' '), row.source);
  }
  ctx.out(out);
}

}  // namespace config_command

void register_config(CLI::App& app, Context& ctx) {
  auto* config = app.add_subcommand("config", "Show the settings in effect and where each came from");
  config->require_subcommand(1);
  auto* show = config->add_subcommand(
      "show", "Each setting's value and where it came from: option > environment > config file > default");
  show->callback([&ctx] { config_command::show(ctx); });
}

}  // namespace incident::cli
