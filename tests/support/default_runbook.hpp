#pragma once
// The bundled runbook, loaded once per test binary from the source tree.

#include <filesystem>

#include "incident/runbook.hpp"
#include "incident/runbook_loader.hpp"

namespace incident::test {

inline const Runbook& default_runbook() {
  static const Runbook runbook =
      load_runbook(std::filesystem::path(INCIDENT_SOURCE_DIR) / "runbooks/default.yaml",
                   std::filesystem::path(INCIDENT_SOURCE_DIR) / "templates");
  return runbook;
}

}  // namespace incident::test
