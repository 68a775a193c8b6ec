#pragma once
// Shared by the fuzz targets: the input as text, the bundled data, and FUZZ_CHECK, which
// aborts (a crash libFuzzer saves the input for) when an invariant does not hold.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(condition, ...)                                                           \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::fprintf(stderr, __VA_ARGS__);                                                     \
      std::fputc('\n', stderr);                                                              \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

namespace incident::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The repository's bundled runbook and templates, as the built binary finds them.
inline const std::string k_runbook_path = INCIDENT_SOURCE_DIR "/runbooks/default.yaml";
inline const std::string k_templates_dir = INCIDENT_SOURCE_DIR "/templates";

}  // namespace incident::fuzz
