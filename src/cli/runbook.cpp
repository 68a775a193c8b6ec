// incident runbook validate [FILE] | runbook show [SECTION]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "incident/error.hpp"
#include "incident/render_runbook.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/text.hpp"

namespace incident::cli {

void register_runbook(CLI::App& app, Context& ctx) {
  auto* runbook = app.add_subcommand("runbook", "Check or show the runbook");
  runbook->require_subcommand(1);

  auto* validate = runbook->add_subcommand(
      "validate", "Check a runbook file (default: the one in use); prints nothing and exits 0 when valid");
  auto file = std::make_shared<std::string>();
  validate->add_option("FILE", *file, "Runbook YAML to check");
  validate->callback([&ctx, file, validate] {
    if (validate->count("FILE") > 0 && file->empty()) {
      throw UsageError("FILE is empty; name a runbook file, or leave it out to check the one in use");
    }
    // The validator parses the YAML for real, never trusting the runbook cache.
    if (file->empty()) {
      (void)ctx.parse_runbook_now();
    } else {
      (void)load_runbook(*file, ctx.data_dir() / "templates");
    }
  });

  auto* show = runbook->add_subcommand("show", "Show the whole runbook, or one section of it");
  auto section = std::make_shared<std::string>();
  show->add_option("SECTION", *section, "One of: " + text::join(runbook_sections()));
  show->callback([&ctx, section, show] {
    if (show->count("SECTION") > 0 && section->empty()) {
      throw UsageError("SECTION is empty; leave it out to show the whole runbook");
    }
    if (!section->empty()) {
      require_runbook_section(*section);
    }
    show_runbook_section(ctx, *section);
  });
}

void show_runbook_section(Context& ctx, std::string_view section) {
  if (ctx.options.json) {
    ctx.out_json(runbook_json(ctx.runbook(), section));
  } else {
    ctx.out(render_runbook_text(ctx.runbook(), section));
  }
}

}  // namespace incident::cli
