// incident runbook validate [FILE] | runbook show [SECTION]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "incident/error.hpp"
#include "incident/render_runbook.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace runbook_command {

using Json = nlohmann::ordered_json;

Json valid_json(const Runbook& runbook, const std::string& path) {
  return Json{{"valid", true},
              {"file", path},
              {"schema", runbook.schema},
              {"title", runbook.title},
              {"severities", runbook.severities.size()},
              {"phases", runbook.phases.size()},
              {"scenarios", runbook.scenarios.size()}};
}

// The loader stops at the first problem: one error, where it is (the runbook or a template
// file it names) and what. A problem with the whole file has no line.
Json invalid_json(const DataError& error, const std::string& path) {
  const SourcePos& pos = error.pos();
  const bool placed = pos.line > 0;
  return Json{{"valid", false},
              {"file", path},
              {"errors", Json::array({Json{{"file", pos.path.empty() ? path : pos.path},
                                           {"line", placed ? Json(pos.line) : Json(nullptr)},
                                           {"column", placed && pos.column > 0 ? Json(pos.column) : Json(nullptr)},
                                           {"message", error.message()}}})}};
}

}  // namespace runbook_command

using runbook_command::invalid_json;
using runbook_command::valid_json;

void register_runbook(CLI::App& app, Context& ctx) {
  auto* runbook = app.add_subcommand("runbook", "Check or show the runbook");
  runbook->require_subcommand(1);

  auto* validate = runbook->add_subcommand(
      "validate",
      "Check a runbook file (default: the one in use); prints nothing and exits 0 when valid (--json: the verdict)");
  auto file = std::make_shared<std::string>();
  validate->add_option("FILE", *file, "Runbook YAML to check");
  validate->callback([&ctx, file, validate] {
    if (validate->count("FILE") > 0 && file->empty()) {
      throw UsageError("FILE is empty; name a runbook file, or leave it out to check the one in use");
    }
    const std::string path = file->empty() ? ctx.runbook_path().string() : *file;
    try {
      // The validator parses the YAML for real, never trusting the runbook cache.
      const Runbook given = file->empty() ? ctx.parse_runbook_now() : load_runbook(*file, ctx.data_dir() / "templates");
      if (ctx.options.json) {
        ctx.out_json(valid_json(given, path));
      }
    } catch (const DataError& e) {
      // The verdict is the document; the error is still the one line on stderr (exit 3).
      if (ctx.options.json) {
        ctx.out_json(invalid_json(e, path));
      }
      throw;
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
