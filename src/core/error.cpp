#include "incident/error.hpp"

#include <fmt/format.h>

namespace incident {

namespace {
std::string format_position(const SourcePos& pos, const std::string& message) {
  if (pos.line > 0) {
    return fmt::format("{}:{}:{}: {}", pos.path, pos.line, pos.column, message);
  }
  return fmt::format("{}: {}", pos.path, message);
}
}  // namespace

DataError::DataError(SourcePos pos, const std::string& message, ExitCode code)
    : Error(format_position(pos, message), code), m_pos(std::move(pos)), m_message(message) {}

}  // namespace incident
