#pragma once
// Loading and validating a runbook file. Everything is checked before a Runbook is
// returned: nothing is ever half-loaded or silently defaulted.

#include <filesystem>
#include <string>
#include <string_view>

#include "incident/file_io.hpp"
#include "incident/runbook.hpp"

namespace incident {

inline constexpr int k_runbook_schema = 1;

// Reads and validates the runbook at `path`. Templates the runbook does not override
// are read from `bundled_templates_dir/<key>.txt`. Every file is read through `io`.
// The result's `source` is `path` made absolute and lexically normal, its `digest` is
// runbook_digest() of what was read.
// Throws DataError ("path:line:column: message", exit code invalid_runbook) for any
// problem in the file or a template it uses, Error when a file cannot be read.
Runbook load_runbook(const std::filesystem::path& path, const std::filesystem::path& bundled_templates_dir,
                     Io& io = system_io());

// The same from text already in memory; `source_name` is used in messages and its
// directory resolves `file:` templates (read through `io`).
Runbook parse_runbook(std::string_view yaml_text, const std::string& source_name,
                      const std::filesystem::path& bundled_templates_dir, Io& io = system_io());

// The content digest of a runbook, "sha256:<64 lower-case hex digits>": SHA-256 over four
// fields, in this order, each preceded by its length in bytes as 8 big-endian bytes (so no
// field's end can be moved into the next one):
//   1. the runbook file's bytes, exactly as read (`yaml_text`);
//   2. the text of the `initial` template;
//   3. the text of the `investigation` template;
//   4. the text of the `resolution` template;
// each template's text as the runbook uses it, whether inline, from a `file:` or bundled.
std::string runbook_digest(std::string_view yaml_text, const Runbook& runbook);

}  // namespace incident
