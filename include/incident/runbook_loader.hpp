#pragma once
// Loading and validating a runbook file. Everything is checked before a Runbook is
// returned: nothing is ever half-loaded or silently defaulted.

#include <filesystem>
#include <string>
#include <string_view>

#include "incident/runbook.hpp"

namespace incident {

inline constexpr int k_runbook_schema = 1;

// Reads and validates the runbook at `path`. Templates the runbook does not override
// are read from `bundled_templates_dir/<key>.txt`.
// Throws DataError ("path:line:column: message", exit code invalid_runbook) for any
// problem in the file or a template it uses, Error when a file cannot be read.
Runbook load_runbook(const std::filesystem::path& path,
                     const std::filesystem::path& bundled_templates_dir);

// The same from text already in memory; `source_name` is used in messages and its
// directory resolves `file:` templates.
Runbook parse_runbook(std::string_view yaml_text, const std::string& source_name,
                      const std::filesystem::path& bundled_templates_dir);

}  // namespace incident
