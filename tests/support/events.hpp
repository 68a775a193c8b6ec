#pragma once
// Event fields written as text in tests (as schema 1 stored them), typed as the event
// type's definition says: seconds and counts become numbers.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "incident/event.hpp"

namespace incident::test {

inline std::map<std::string, FieldValue, std::less<>> to_fields(std::string_view type,
                                                                 const std::map<std::string, std::string>& text) {
  std::map<std::string, FieldValue, std::less<>> fields;
  const EventType* definition = find_event_type(type);
  for (const auto& [name, value] : text) {
    const FieldSpec* spec = definition == nullptr ? nullptr : definition->find(name);
    if (spec != nullptr && (spec->kind == FieldKind::seconds || spec->kind == FieldKind::count)) {
      fields.emplace(name, std::int64_t{std::stoll(value)});
    } else {
      fields.emplace(name, value);
    }
  }
  return fields;
}

}  // namespace incident::test
