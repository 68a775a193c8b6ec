// incident init: the team's own runbook, started from the bundled one: runbook.yaml and its
// three message templates in the config dir ($XDG_CONFIG_HOME/incident), which every
// command then uses; stderr says what to edit first (the placeholder contacts and links).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "incident/error.hpp"
#include "incident/file_io.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/starter.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace init_command {

constexpr std::size_t k_most_bytes = std::size_t{1024} * 1024;
constexpr mode_t k_dir_mode = 0755;
constexpr std::string_view k_template_files[] = {"initial.txt", "investigation.txt", "resolution.txt"};

std::string read_bundled(const std::filesystem::path& path) {
  auto text = read_file_if_exists(path, k_most_bytes);
  if (!text) {
    throw Error(fmt::format("the bundled file {} is missing; reinstall incident", path.string()));
  }
  return std::move(*text);
}

void run(Context& ctx) {
  const auto dir = ctx.config_dir();
  const auto runbook = dir / "runbook.yaml";
  const auto bundled = ctx.data_dir();
  std::error_code ignored;
  if (std::filesystem::exists(runbook, ignored) || std::filesystem::is_symlink(runbook, ignored)) {
    throw ConflictError(fmt::format("{} exists: your team's runbook is already there; nothing was written "
                                    "(incident runbook validate checks it)",
                                    runbook.string()));
  }
  const std::string text = starter_runbook(read_bundled(bundled / "runbooks" / "default.yaml"));

  // Templates first, the runbook that names them last: whatever stops this half way, a
  // runbook.yaml is never there without its templates. A template that is there already
  // is kept when it is the bundled one, and refused otherwise (it is someone's work).
  std::vector<std::pair<std::filesystem::path, std::string>> templates;
  for (const auto name : k_template_files) {
    const auto target = dir / "templates" / name;
    std::string content = read_bundled(bundled / "templates" / name);
    if (auto existing = read_file_if_exists(target, k_most_bytes)) {
      if (*existing != content) {
        throw ConflictError(fmt::format("{} exists and differs from the bundled template; nothing was written "
                                        "(move it away to start afresh)",
                                        target.string()));
      }
      continue;
    }
    templates.emplace_back(target, std::move(content));
  }
  make_directories(dir / "templates", k_dir_mode);
  for (const auto& [target, content] : templates) {
    write_file_atomic(target, content);
  }
  write_file_atomic(runbook, text);
  // What was written must load, as every later command will load it.
  const Runbook loaded = load_runbook(runbook, bundled / "templates");

  const auto placeholders = find_placeholders(text);
  if (ctx.options.json) {
    nlohmann::ordered_json edit = nlohmann::ordered_json::array();
    for (const auto& each : placeholders) {
      edit.push_back({{"file", runbook.string()},
                      {"line", each.line},
                      {"section", each.section},
                      {"name", each.name},
                      {"value", each.value},
                      {"why", each.why}});
    }
    ctx.out_json({{"runbook", runbook.string()},
                  {"templates", (dir / "templates").string()},
                  {"digest", loaded.digest},
                  {"edit_first", edit}});
  }
  std::string said = fmt::format("Wrote your team's runbook {} and its message templates in {}.\n",
                                 runbook.string(), (dir / "templates").string());
  const SettingValue& setting = ctx.settings().get(SettingId::runbook);
  if (setting.source != SettingSource::fallback) {
    said += fmt::format("Commands use {} while {} names it; unset that to use the new one.\n", setting.value,
                        setting.where);
  } else {
    said += "Every command uses it from now on.\n";
  }
  if (!placeholders.empty()) {
    said += "\nEdit first (the bundled runbook's placeholders):\n";
    for (const auto& each : placeholders) {
      said += fmt::format("  {}:{}: {}: {} is '{}': {}\n", runbook.string(), each.line, each.section,
                          each.name.empty() ? std::string("an entry") : each.name, each.value, each.why);
    }
  }
  said += "\nThen: incident runbook validate, and keep the directory under version control with the team's "
          "other config.\n";
  ctx.hint(said);
}

}  // namespace init_command

void register_init(CLI::App& app, Context& ctx) {
  auto* command = app.add_subcommand(
      "init", "Start your team's own runbook: copy the bundled one and its templates into the config dir");
  command->callback([&ctx] { init_command::run(ctx); });
}

}  // namespace incident::cli
