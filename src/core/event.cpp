#include "incident/event.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "incident/random.hpp"

namespace incident {

namespace {

constexpr std::int64_t k_max_seconds = std::int64_t{100} * 366 * 24 * 3600;
constexpr std::int64_t k_max_count = 1'000'000;

template <class T>
constexpr FieldSpec req(const Field<T>& f) {
  return {f.name, f.kind, true};
}
template <class T>
constexpr FieldSpec opt(const Field<T>& f) {
  return {f.name, f.kind, false};
}

// The definitions. A type's fields are what this version writes and what the fold reads.
constexpr FieldSpec k_opened[] = {req(field::title),          req(field::severity),       req(field::severity_name),
                                  req(field::response_time),  opt(field::update_every),   opt(field::impact),
                                  opt(field::commander),      opt(field::runbook),        opt(field::runbook_digest),
                                  opt(field::runbook_phases), opt(field::runbook_items), opt(field::dedup_key),
                                  opt(field::exercise)};
constexpr FieldSpec k_updated[] = {req(field::findings), req(field::next_steps), opt(field::eta), opt(field::eta_at),
                                   opt(field::status)};
constexpr FieldSpec k_resolved[] = {req(field::root_cause), req(field::fix), opt(field::monitoring)};
constexpr FieldSpec k_reopened[] = {opt(field::reason)};
constexpr FieldSpec k_noted[] = {req(field::text)};
constexpr FieldSpec k_severity_changed[] = {req(field::severity), req(field::severity_name),
                                            req(field::response_time), opt(field::update_every), opt(field::reason)};
constexpr FieldSpec k_handed_off[] = {req(field::commander), opt(field::reason)};
constexpr FieldSpec k_checked[] = {req(field::item), opt(field::via)};
constexpr FieldSpec k_item[] = {req(field::item)};
constexpr FieldSpec k_skipped[] = {req(field::item), req(field::reason)};
constexpr FieldSpec k_trigger[] = {req(field::trigger), opt(field::text)};  // text: the trigger's, as the runbook said it
constexpr FieldSpec k_escalated[] = {req(field::level), req(field::role), opt(field::contact), opt(field::reason)};
constexpr FieldSpec k_action_added[] = {req(field::text), opt(field::owner), opt(field::due)};
constexpr FieldSpec k_action_done[] = {req(field::action)};
constexpr FieldSpec k_chat_thread[] = {req(field::chat_target), req(field::channel), req(field::thread)};
constexpr FieldSpec k_edited[] = {opt(field::title), opt(field::impact)};
constexpr FieldSpec k_exec_started[] = {req(field::command), opt(field::item)};
constexpr FieldSpec k_exec_finished[] = {req(field::command), req(field::exit_code), opt(field::output),
                                         opt(field::duration),  opt(field::item),      opt(field::started)};

const std::array<EventType, 21> k_types = {{
    {event_type::opened, k_opened},
    {event_type::acknowledged, {}},
    {event_type::updated, k_updated},
    {event_type::resolved, k_resolved},
    {event_type::closed, {}},
    {event_type::reopened, k_reopened},
    {event_type::noted, k_noted},
    {event_type::severity_changed, k_severity_changed},
    {event_type::handed_off, k_handed_off},
    {event_type::checked, k_checked},
    {event_type::unchecked, k_item},
    {event_type::skipped, k_skipped},
    {event_type::flagged, k_trigger},
    {event_type::unflagged, k_trigger},
    {event_type::escalated, k_escalated},
    {event_type::action_added, k_action_added},
    {event_type::action_done, k_action_done},
    {event_type::chat_thread, k_chat_thread},
    {event_type::edited, k_edited},
    {event_type::exec_started, k_exec_started},
    {event_type::exec_finished, k_exec_finished},
}};

const FieldSpec& spec_of(const Event& event, std::string_view name, FieldKind kind) {
  const EventType* type = find_event_type(event.type);
  const FieldSpec* spec = type == nullptr ? nullptr : type->find(name);
  if (spec == nullptr || spec->kind != kind) {
    throw std::logic_error(fmt::format("event type '{}' has no {} field '{}'", event.type, field_kind_name(kind), name));
  }
  return *spec;
}

template <class T>
const T* find_value(const Event& event, std::string_view name) {
  const auto it = event.fields.find(name);
  return it == event.fields.end() ? nullptr : std::get_if<T>(&it->second);
}

}  // namespace

std::string_view field_kind_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::text: return "text";
    case FieldKind::line: return "one line of text";
    case FieldKind::seconds: return "a whole number of seconds";
    case FieldKind::count: return "a whole number from 1";
    case FieldKind::time: return "an RFC 3339 time";
    case FieldKind::list: return "a list of text";
    case FieldKind::exit_code: return "an exit code from 0 to 255";
  }
  return "text";
}

const FieldSpec* EventType::find(std::string_view field_name) const {
  const auto it = std::find_if(fields.begin(), fields.end(), [&](const FieldSpec& f) { return f.name == field_name; });
  return it == fields.end() ? nullptr : &*it;
}

std::span<const EventType> event_types() { return k_types; }

const EventType* find_event_type(std::string_view name) {
  const auto it = std::find_if(k_types.begin(), k_types.end(), [&](const EventType& t) { return t.name == name; });
  return it == k_types.end() ? nullptr : &*it;
}

const std::string& Event::get(const Field<std::string>& f) const {
  static const std::string empty;
  const std::string* value = find_value<std::string>(*this, f.name);
  return value == nullptr ? empty : *value;
}

std::optional<Seconds> Event::get(const Field<Seconds>& f) const {
  const std::int64_t* value = find_value<std::int64_t>(*this, f.name);
  return value == nullptr ? std::nullopt : std::optional<Seconds>(Seconds{*value});
}

std::optional<std::int64_t> Event::get(const Field<std::int64_t>& f) const {
  const std::int64_t* value = find_value<std::int64_t>(*this, f.name);
  return value == nullptr ? std::nullopt : std::optional<std::int64_t>(*value);
}

std::optional<Timestamp> Event::get(const Field<Timestamp>& f) const {
  const std::string* value = find_value<std::string>(*this, f.name);
  return value == nullptr ? std::nullopt : parse_rfc3339(*value);
}

const std::vector<std::string>& Event::get(const Field<std::vector<std::string>>& f) const {
  static const std::vector<std::string> empty;
  const auto* value = find_value<std::vector<std::string>>(*this, f.name);
  return value == nullptr ? empty : *value;
}

void Event::set(const Field<std::string>& f, std::string value) {
  spec_of(*this, f.name, f.kind);
  fields.insert_or_assign(std::string(f.name), std::move(value));
}

void Event::set(const Field<Seconds>& f, Seconds value) {
  spec_of(*this, f.name, f.kind);
  fields.insert_or_assign(std::string(f.name), std::int64_t{value.count()});
}

void Event::set(const Field<std::int64_t>& f, std::int64_t value) {
  spec_of(*this, f.name, f.kind);
  fields.insert_or_assign(std::string(f.name), value);
}

void Event::set(const Field<Timestamp>& f, Timestamp value) {
  spec_of(*this, f.name, f.kind);
  fields.insert_or_assign(std::string(f.name), format_rfc3339(value));
}

void Event::set(const Field<std::vector<std::string>>& f, std::vector<std::string> value) {
  spec_of(*this, f.name, f.kind);
  fields.insert_or_assign(std::string(f.name), std::move(value));
}

Event new_event(std::string_view type, Timestamp at, Timestamp recorded_at, std::string by) {
  if (find_event_type(type) == nullptr) {
    throw std::logic_error(fmt::format("no event type '{}'", type));
  }
  Event event;
  event.type = std::string(type);
  event.at = at;
  event.recorded_at = recorded_at;
  event.by = std::move(by);
  return event;
}

std::string check_event(const Event& event, bool require) {
  const EventType* type = find_event_type(event.type);
  for (const auto& [name, value] : event.fields) {
    const FieldSpec* spec = type == nullptr ? nullptr : type->find(name);
    if (spec == nullptr) {
      continue;  // from a newer version: kept as it is
    }
    bool ok = false;
    switch (spec->kind) {
      case FieldKind::text:
      case FieldKind::line: ok = std::holds_alternative<std::string>(value); break;
      case FieldKind::time: {
        const auto* text = std::get_if<std::string>(&value);
        ok = text != nullptr && parse_rfc3339(*text).has_value();
        break;
      }
      case FieldKind::seconds: {
        const auto* number = std::get_if<std::int64_t>(&value);
        ok = number != nullptr && *number >= 0 && *number <= k_max_seconds;
        break;
      }
      case FieldKind::count: {
        const auto* number = std::get_if<std::int64_t>(&value);
        ok = number != nullptr && *number >= 1 && *number <= k_max_count;
        break;
      }
      case FieldKind::list: ok = std::holds_alternative<std::vector<std::string>>(value); break;
      case FieldKind::exit_code: {
        const auto* number = std::get_if<std::int64_t>(&value);
        ok = number != nullptr && *number >= 0 && *number <= 255;
        break;
      }
    }
    if (!ok) {
      return spec->kind == FieldKind::seconds
                 ? fmt::format("\"{}\" must be a whole number of seconds, at most 100 years", name)
                 : fmt::format("\"{}\" must be {}", name, field_kind_name(spec->kind));
    }
  }
  if (require && type != nullptr) {
    for (const auto& spec : type->fields) {
      if (spec.required && !event.has(spec.name)) {
        return fmt::format("a '{}' event needs \"{}\"", event.type, spec.name);
      }
    }
  }
  return {};
}

bool operator<(const Event& a, const Event& b) {
  if (a.seq != b.seq) {
    return a.seq < b.seq;
  }
  return a.id < b.id;
}

std::string new_event_id() {
  std::array<std::uint64_t, 2> bits{};
  random_bytes(bits.data(), sizeof bits);
  return fmt::format("{:016x}{:016x}", bits[0], bits[1]);
}

}  // namespace incident
