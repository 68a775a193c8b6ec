#include "incident/runbook_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "incident/digest.hpp"
#include "incident/error.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/template.hpp"
#include "incident/text.hpp"
#include "yaml_tree.hpp"

// The cache file, format 2. Integers are little-endian; `str` is a u32 byte count and the
// bytes; `list<T>` is a u32 count and the elements; `bool` is one byte, 0 or 1.
//
//   magic        8 bytes "IRBCACHE"
//   format       u32 = k_runbook_cache_format
//   key          str source_name, str source, str templates_dir (RunbookCacheKey)
//   digest       str "sha256:<64 hex>": runbook_digest() of what the runbook was built from
//   runbook      u32 schema, str title, str overview,
//                list<severity: str id, str name, str definition, i64 response_time_s,
//                     i64 update_every_s, list<str> examples>,
//                list<phase: str id, str name, window, list<checklist: list<str> severities,
//                     list<group: str name, list<item>>>>,
//                list<scenario: str id, str name, list<str> symptoms, list<str> response,
//                     list<str> escalation>,
//                3 x template (initial, investigation, resolution): str name, str text,
//                     str source, u32 first_line, bool from_file,
//                list<trigger: str id, str text, bool has_after, i64 after_s, u32 escalate_to>,
//                list<level: u32 level, str role, str contact>,
//                list<contact: str id, str name, str value>,
//                list<entry group> resources, list<post-incident: str name, window, list<item>>,
//                list<entry group> emergency_contacts,
//                list<procedure: str id, str name, list<str> steps>,
//                list<item group: str name, list<str> items> prevention, list<str> notes,
//                str timezone
//                (window: i64 from_s, i64 to_s, u8 unit; item: str id, str text, str done_by, str same_as;
//                 entry group: str name, list<entry: str name, str value>)
//   checksum     u64 FNV-1a of every byte before it
//
// Nothing may follow the checksum. The digest is not a checksum of the file: it is what
// load_runbook_cached() recomputes from the files on disk to decide whether the entry is
// current; the checksum catches a file damaged in place.
//
// Version history:
//   1  first version.
//   2  an item's done_by and same_as, the runbook's timezone.

namespace incident {

namespace {

constexpr std::string_view k_magic = "IRBCACHE";
constexpr std::int64_t k_max_seconds = std::int64_t{100} * 366 * 24 * 3600;  // as parse_duration
constexpr std::size_t k_max_template_bytes = std::size_t{64} * 1024;  // as the loader

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// --- writing ---------------------------------------------------------------------------

class Writer {
public:
  void u8(std::uint8_t value) { m_out += static_cast<char>(value); }
  void u32(std::uint32_t value) {
    for (int i = 0; i < 4; ++i) {
      m_out += static_cast<char>((value >> (8 * i)) & 0xff);
    }
  }
  void u64(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      m_out += static_cast<char>((value >> (8 * i)) & 0xff);
    }
  }
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void count(std::size_t size) { u32(static_cast<std::uint32_t>(std::min<std::size_t>(size, UINT32_MAX))); }
  void str(std::string_view value) {
    count(value.size());
    m_out.append(value.substr(0, UINT32_MAX));
  }
  void strs(const std::vector<std::string>& values) {
    count(values.size());
    for (const auto& value : values) {
      str(value);
    }
  }
  void window(const Window& value) {
    i64(value.from.count());
    i64(value.to.count());
    u8(static_cast<std::uint8_t>(value.unit));
  }
  void items(const std::vector<ChecklistItem>& values) {
    count(values.size());
    for (const auto& item : values) {
      str(item.id);
      str(item.text);
      str(item.done_by);
      str(item.same_as);
    }
  }
  void entry_groups(const std::vector<EntryGroup>& groups) {
    count(groups.size());
    for (const auto& group : groups) {
      str(group.name);
      count(group.entries.size());
      for (const auto& entry : group.entries) {
        str(entry.name);
        str(entry.value);
      }
    }
  }
  std::string finish() {
    u64(fnv1a(m_out));
    return std::move(m_out);
  }
  [[nodiscard]] std::string& out() { return m_out; }

private:
  std::string m_out;
};

// --- reading ---------------------------------------------------------------------------

// Why a snapshot is refused; thrown inside decode_runbook_cache() only, and caught there.
struct Malformed {
  std::string what;
};

[[noreturn]] void malformed(std::string what) { throw Malformed{std::move(what)}; }

// Hands out the fields of the snapshot in order; any read past the end is Malformed.
class Reader {
public:
  explicit Reader(std::string_view bytes) : m_bytes(bytes) {}

  [[nodiscard]] std::size_t remaining() const { return m_bytes.size() - m_at; }

  std::string_view take(std::size_t size) {
    if (size > remaining()) {
      malformed("truncated");
    }
    const std::string_view out = m_bytes.substr(m_at, size);
    m_at += size;
    return out;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::uint32_t u32() {
    const std::string_view bytes = take(4);
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i) {
      value = (value << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    }
    return value;
  }
  // A u32 that the runbook holds as an int (a line, a level): one above INT32_MAX is
  // not what the writer wrote.
  int small_int() {
    const std::uint32_t value = u32();
    if (value > static_cast<std::uint32_t>(INT32_MAX)) {
      malformed("a number out of range");
    }
    return static_cast<int>(value);
  }
  std::uint64_t u64() {
    const std::string_view bytes = take(8);
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
      value = (value << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    }
    return value;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  bool boolean() {
    const std::uint8_t value = u8();
    if (value > 1) {
      malformed("a flag that is neither 0 nor 1");
    }
    return value == 1;
  }
  // A count of elements that each take at least 4 bytes, so a forged count cannot make
  // the reader loop or allocate beyond what the bytes hold.
  std::size_t count() {
    const std::uint32_t value = u32();
    if (value > remaining() / 4) {
      malformed("a count larger than the file");
    }
    return value;
  }
  // Bytes as they are (paths).
  std::string raw() {
    const std::uint32_t size = u32();
    return std::string(take(size));
  }
  // Text as the loader accepts it: valid UTF-8 without NUL bytes.
  std::string str() {
    std::string value = raw();
    if (text::find_invalid_text(value)) {
      malformed("text that is not valid UTF-8");
    }
    return value;
  }
  // Text the loader requires to be non-blank.
  std::string text() {
    std::string value = str();
    if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
      malformed("an empty text");
    }
    return value;
  }
  std::vector<std::string> texts(bool allow_empty) {
    const std::size_t size = count();
    if (size == 0 && !allow_empty) {
      malformed("an empty list");
    }
    std::vector<std::string> out;
    out.reserve(size);
    for (std::size_t i = 0; i < size; ++i) {
      out.push_back(text());
    }
    return out;
  }
  Seconds seconds(bool allow_zero) {
    const std::int64_t value = i64();
    if (value < (allow_zero ? 0 : 1) || value > k_max_seconds) {
      malformed("a duration out of range");
    }
    return Seconds{value};
  }
  Window window() {
    Window out;
    out.from = seconds(true);
    out.to = seconds(false);
    out.unit = static_cast<char>(u8());
    if (out.from >= out.to || std::string_view("smhdw").find(out.unit) == std::string_view::npos) {
      malformed("a window that does not go forward");
    }
    return out;
  }
  std::vector<ChecklistItem> items() {
    const std::size_t size = count();
    if (size == 0) {
      malformed("an empty list of items");
    }
    std::vector<ChecklistItem> out(size);
    for (auto& item : out) {
      item.id = text();
      item.text = text();
      item.done_by = str();
      item.same_as = str();
      if (!item.done_by.empty() && std::find(done_by_names().begin(), done_by_names().end(), item.done_by) ==
                                       done_by_names().end()) {
        malformed("an item done by an unknown command");
      }
    }
    return out;
  }
  std::vector<EntryGroup> entry_groups() {
    std::vector<EntryGroup> groups(count());
    for (auto& group : groups) {
      group.name = text();
      group.entries.resize(count());
      if (group.entries.empty()) {
        malformed("an empty entry group");
      }
      for (auto& entry : group.entries) {
        entry.name = text();
        entry.value = text();
      }
    }
    return groups;
  }

private:
  std::string_view m_bytes;
  std::size_t m_at = 0;
};

// --- the invariants a loaded runbook keeps (runbook_loader.cpp), checked again --------

bool is_id(std::string_view value) {
  if (value.empty() || value.size() > 64 || !((value[0] >= 'a' && value[0] <= 'z') || (value[0] >= '0' && value[0] <= '9'))) {
    return false;
  }
  return std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool is_severity_id(std::string_view value) {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (value.empty() || value.size() > 16 || !letter(value[0])) {
    return false;
  }
  return std::all_of(value.begin(), value.end(),
                     [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-'; });
}

void require_id(std::string_view value, std::set<std::string>& seen, std::string_view what) {
  if (!is_id(value)) {
    malformed(fmt::format("an invalid {}", what));
  }
  if (!seen.insert(std::string(value)).second) {
    malformed(fmt::format("a duplicate {}", what));
  }
}

void validate(const Runbook& runbook) {
  if (runbook.severities.empty() || runbook.phases.empty()) {
    malformed("no severities or no phases");
  }
  std::set<std::string> severity_ids;  // lower-cased, as the loader and `-s` compare them
  std::set<std::string> severity_names;
  for (const auto& severity : runbook.severities) {
    if (!is_severity_id(severity.id) || !severity_ids.insert(text::to_lower(severity.id)).second ||
        !severity_names.insert(text::to_lower(severity.name)).second) {
      malformed("an invalid or duplicate severity");
    }
  }
  for (const auto& severity : runbook.severities) {
    const std::string name = text::to_lower(severity.name);
    if (name != text::to_lower(severity.id) && severity_ids.count(name) != 0) {
      malformed("a severity name that is another severity's id");
    }
  }
  std::set<std::string> item_ids;
  std::set<std::string> phase_ids;
  for (const auto& phase : runbook.phases) {
    require_id(phase.id, phase_ids, "phase id");
    std::set<std::string> covered;
    for (const auto& checklist : phase.checklists) {
      for (const auto& severity : checklist.severities) {
        if (runbook.find_severity_by_id(severity) == nullptr) {
          malformed("a checklist for an undefined severity");
        }
      }
      for (const auto& severity : runbook.severities) {
        if (checklist.applies_to(severity.id) && !covered.insert(severity.id).second) {
          malformed("two checklists for one severity in a phase");
        }
      }
      for (const auto& group : checklist.groups) {
        for (const auto& item : group.items) {
          require_id(item.id, item_ids, "checklist item id");
        }
      }
    }
  }
  for (const auto& group : runbook.post_incident) {
    for (const auto& item : group.items) {
      require_id(item.id, item_ids, "checklist item id");
    }
  }
  std::set<std::string> scenario_ids;
  std::set<std::string> scenario_names;
  for (const auto& scenario : runbook.scenarios) {
    require_id(scenario.id, scenario_ids, "scenario id");
    if (!scenario_names.insert(text::to_lower(scenario.name)).second) {
      malformed("a duplicate scenario name");
    }
  }
  for (const auto& scenario : runbook.scenarios) {
    const std::string name = text::to_lower(scenario.name);
    if (name != scenario.id && scenario_ids.count(name) != 0) {
      malformed("a scenario name that is another scenario's id");
    }
  }
  for (const auto& tmpl : runbook.templates) {
    if (check_template(tmpl.text) || tmpl.first_line < 1 || tmpl.source.empty()) {
      malformed("an invalid template");
    }
  }
  const Escalation& escalation = runbook.escalation;
  std::set<std::string> contact_ids;
  for (const auto& contact : escalation.contacts) {
    require_id(contact.id, contact_ids, "contact id");
  }
  const int top = static_cast<int>(escalation.levels.size());
  for (int i = 0; i < top; ++i) {
    const EscalationLevel& level = escalation.levels[static_cast<std::size_t>(i)];
    if (level.level != i + 1 || (!level.contact.empty() && contact_ids.count(level.contact) == 0)) {
      malformed("an escalation level out of order or naming an undefined contact");
    }
  }
  std::set<std::string> trigger_ids;
  for (const auto& trigger : escalation.triggers) {
    require_id(trigger.id, trigger_ids, "trigger id");
    if (trigger.escalate_to < 1 || trigger.escalate_to > std::max(top, 1)) {
      malformed("a trigger escalating to an undefined level");
    }
  }
  std::set<std::string> procedure_ids;
  for (const auto& procedure : runbook.recovery) {
    require_id(procedure.id, procedure_ids, "procedure id");
  }
}

Runbook decode(std::string_view bytes, const RunbookCacheKey& key) {
  if (bytes.size() < k_magic.size() + 4 + 8 || bytes.substr(0, k_magic.size()) != k_magic) {
    malformed("not a runbook cache file");
  }
  Reader reader(bytes.substr(0, bytes.size() - 8));
  (void)reader.take(k_magic.size());
  if (const std::uint32_t format = reader.u32(); format != k_runbook_cache_format) {
    malformed(fmt::format("format {}, not {}", format, k_runbook_cache_format));
  }
  std::uint64_t checksum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    checksum |= std::uint64_t{static_cast<unsigned char>(bytes[bytes.size() - 8 + i])} << (8 * i);
  }
  if (checksum != fnv1a(bytes.substr(0, bytes.size() - 8))) {
    malformed("checksum mismatch");
  }
  RunbookCacheKey stored;
  stored.source_name = reader.raw();
  stored.source = reader.raw();
  stored.templates_dir = reader.raw();
  if (!(stored == key)) {
    malformed("written for another runbook");
  }

  Runbook runbook;
  runbook.source = key.source;
  runbook.digest = reader.str();
  if (runbook.digest.size() != 7 + 64 || runbook.digest.rfind("sha256:", 0) != 0 ||
      runbook.digest.find_first_not_of("0123456789abcdef", 7) != std::string::npos) {
    malformed("not a digest");
  }
  runbook.schema = static_cast<int>(reader.u32());
  if (runbook.schema != k_runbook_schema) {
    malformed("another runbook schema");
  }
  runbook.title = reader.text();
  runbook.overview = reader.str();
  runbook.severities.resize(reader.count());
  for (auto& severity : runbook.severities) {
    severity.id = reader.text();
    severity.name = reader.text();
    severity.definition = reader.text();
    severity.response_time = reader.seconds(false);
    severity.update_every = reader.seconds(true);
    severity.examples = reader.texts(true);
  }
  runbook.phases.resize(reader.count());
  for (auto& phase : runbook.phases) {
    phase.id = reader.text();
    phase.name = reader.text();
    phase.window = reader.window();
    phase.checklists.resize(reader.count());
    if (phase.checklists.empty()) {
      malformed("a phase without checklists");
    }
    for (auto& checklist : phase.checklists) {
      checklist.severities = reader.texts(true);
      checklist.groups.resize(reader.count());
      if (checklist.groups.empty()) {
        malformed("a checklist without groups");
      }
      for (auto& group : checklist.groups) {
        group.name = reader.text();
        group.items = reader.items();
      }
    }
  }
  runbook.scenarios.resize(reader.count());
  for (auto& scenario : runbook.scenarios) {
    scenario.id = reader.text();
    scenario.name = reader.text();
    scenario.symptoms = reader.texts(false);
    scenario.response = reader.texts(false);
    scenario.escalation = reader.texts(true);
  }
  for (auto& tmpl : runbook.templates) {
    tmpl.name = reader.text();
    tmpl.text = reader.text();
    tmpl.source = reader.raw();
    tmpl.first_line = reader.small_int();
    tmpl.from_file = reader.boolean();
  }
  runbook.escalation.triggers.resize(reader.count());
  for (auto& trigger : runbook.escalation.triggers) {
    trigger.id = reader.text();
    trigger.text = reader.text();
    const bool has_after = reader.boolean();
    const std::int64_t after = reader.i64();
    if (has_after) {
      if (after < 1 || after > k_max_seconds) {
        malformed("a duration out of range");
      }
      trigger.after = Seconds{after};
    } else if (after != 0) {
      malformed("a duration without its flag");  // the writer writes 0
    }
    trigger.escalate_to = reader.small_int();
  }
  runbook.escalation.levels.resize(reader.count());
  for (auto& level : runbook.escalation.levels) {
    level.level = reader.small_int();
    level.role = reader.text();
    level.contact = reader.str();
  }
  runbook.escalation.contacts.resize(reader.count());
  for (auto& contact : runbook.escalation.contacts) {
    contact.id = reader.text();
    contact.name = reader.text();
    contact.value = reader.text();
  }
  runbook.resources = reader.entry_groups();
  runbook.post_incident.resize(reader.count());
  for (auto& group : runbook.post_incident) {
    group.name = reader.text();
    group.window = reader.window();
    group.items = reader.items();
  }
  runbook.emergency_contacts = reader.entry_groups();
  runbook.recovery.resize(reader.count());
  for (auto& procedure : runbook.recovery) {
    procedure.id = reader.text();
    procedure.name = reader.text();
    procedure.steps = reader.texts(false);
  }
  runbook.prevention.resize(reader.count());
  for (auto& group : runbook.prevention) {
    group.name = reader.text();
    group.items = reader.texts(false);
  }
  runbook.notes = reader.texts(true);
  runbook.timezone = reader.text();
  if (reader.remaining() != 0) {
    malformed("bytes after the runbook");
  }
  validate(runbook);
  return runbook;
}

// --- the cache directory ------------------------------------------------------------

std::string absolute_normal(const std::filesystem::path& path) {
  std::error_code error;
  auto absolute = std::filesystem::absolute(path, error);
  return error ? path.string() : absolute.lexically_normal().string();
}

// The directory may hold entries only if no one but this user can have put them there.
bool private_directory(const std::filesystem::path& dir, Io& io, std::string& detail) {
  struct stat info {};
  if (io.lstat(dir.c_str(), &info) != 0) {
    detail = fmt::format("cannot stat {}: {}", dir.string(), std::strerror(errno));
    return false;
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() || (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    detail = fmt::format("{} is not a directory of this user's that only they may write to", dir.string());
    return false;
  }
  return true;
}

// Keeps the newest k_max_runbook_cache_entries entries (by mtime). Best effort: a failure
// here costs nothing but disk space.
void prune(const std::filesystem::path& dir, Io& io) {
  std::vector<std::string> names;
  if (io.list_directory(dir.c_str(), names) != 0) {
    return;
  }
  std::vector<std::pair<std::int64_t, std::filesystem::path>> entries;
  for (const auto& name : names) {
    if (name.starts_with("runbook-") && name.ends_with(".bin")) {
      const auto path = dir / name;
      struct stat info {};
      const bool regular = io.lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
      entries.emplace_back(regular ? identity_of(info).mtime_ns : INT64_MIN, path);
    }
  }
  if (entries.size() <= k_max_runbook_cache_entries) {
    return;
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = k_max_runbook_cache_entries; i < entries.size(); ++i) {
    io.unlink(entries[i].second.c_str());
  }
}

}  // namespace

RunbookCacheKey runbook_cache_key(const std::filesystem::path& runbook_path,
                                  const std::filesystem::path& bundled_templates_dir) {
  return {runbook_path.string(), absolute_normal(runbook_path), bundled_templates_dir.string()};
}

std::string runbook_cache_file_name(const RunbookCacheKey& key) {
  Sha256 hasher;
  for (const std::string* part : {&key.source_name, &key.source, &key.templates_dir}) {
    hasher.update_u64(part->size());
    hasher.update(*part);
  }
  return "runbook-" + to_hex(hasher.finish()).substr(0, 32) + ".bin";
}

std::string encode_runbook_cache(const Runbook& runbook, const RunbookCacheKey& key) {
  Writer w;
  w.out().append(k_magic);
  w.u32(k_runbook_cache_format);
  w.str(key.source_name);
  w.str(key.source);
  w.str(key.templates_dir);
  w.str(runbook.digest);
  w.u32(static_cast<std::uint32_t>(runbook.schema));
  w.str(runbook.title);
  w.str(runbook.overview);
  w.count(runbook.severities.size());
  for (const auto& severity : runbook.severities) {
    w.str(severity.id);
    w.str(severity.name);
    w.str(severity.definition);
    w.i64(severity.response_time.count());
    w.i64(severity.update_every.count());
    w.strs(severity.examples);
  }
  w.count(runbook.phases.size());
  for (const auto& phase : runbook.phases) {
    w.str(phase.id);
    w.str(phase.name);
    w.window(phase.window);
    w.count(phase.checklists.size());
    for (const auto& checklist : phase.checklists) {
      w.strs(checklist.severities);
      w.count(checklist.groups.size());
      for (const auto& group : checklist.groups) {
        w.str(group.name);
        w.items(group.items);
      }
    }
  }
  w.count(runbook.scenarios.size());
  for (const auto& scenario : runbook.scenarios) {
    w.str(scenario.id);
    w.str(scenario.name);
    w.strs(scenario.symptoms);
    w.strs(scenario.response);
    w.strs(scenario.escalation);
  }
  for (const auto& tmpl : runbook.templates) {
    w.str(tmpl.name);
    w.str(tmpl.text);
    w.str(tmpl.source);
    w.u32(static_cast<std::uint32_t>(tmpl.first_line));
    w.u8(tmpl.from_file ? 1 : 0);
  }
  w.count(runbook.escalation.triggers.size());
  for (const auto& trigger : runbook.escalation.triggers) {
    w.str(trigger.id);
    w.str(trigger.text);
    w.u8(trigger.after ? 1 : 0);
    w.i64(trigger.after ? trigger.after->count() : 0);
    w.u32(static_cast<std::uint32_t>(trigger.escalate_to));
  }
  w.count(runbook.escalation.levels.size());
  for (const auto& level : runbook.escalation.levels) {
    w.u32(static_cast<std::uint32_t>(level.level));
    w.str(level.role);
    w.str(level.contact);
  }
  w.count(runbook.escalation.contacts.size());
  for (const auto& contact : runbook.escalation.contacts) {
    w.str(contact.id);
    w.str(contact.name);
    w.str(contact.value);
  }
  w.entry_groups(runbook.resources);
  w.count(runbook.post_incident.size());
  for (const auto& group : runbook.post_incident) {
    w.str(group.name);
    w.window(group.window);
    w.items(group.items);
  }
  w.entry_groups(runbook.emergency_contacts);
  w.count(runbook.recovery.size());
  for (const auto& procedure : runbook.recovery) {
    w.str(procedure.id);
    w.str(procedure.name);
    w.strs(procedure.steps);
  }
  w.count(runbook.prevention.size());
  for (const auto& group : runbook.prevention) {
    w.str(group.name);
    w.strs(group.items);
  }
  w.strs(runbook.notes);
  w.str(runbook.timezone);
  return w.finish();
}

std::optional<Runbook> decode_runbook_cache(std::string_view bytes, const RunbookCacheKey& key,
                                            std::string* problem) {
  try {
    return decode(bytes, key);
  } catch (const Malformed& e) {
    if (problem != nullptr) {
      *problem = e.what;
    }
    return std::nullopt;
  }
}

std::string_view to_string(RunbookCacheOutcome outcome) {
  switch (outcome) {
    case RunbookCacheOutcome::hit:
      return "hit";
    case RunbookCacheOutcome::disabled:
      return "disabled";
    case RunbookCacheOutcome::missing:
      return "missing";
    case RunbookCacheOutcome::stale:
      return "stale";
    case RunbookCacheOutcome::corrupt:
      return "corrupt";
  }
  return "unknown";
}

CachedRunbook load_runbook_cached(const std::filesystem::path& runbook_path,
                                  const std::filesystem::path& bundled_templates_dir,
                                  const std::filesystem::path& cache_dir, Io& io) {
  // Read first, as load_runbook() does: a runbook that cannot be read is the same error
  // with or without a cache.
  const std::string yaml = read_file(runbook_path, yaml::k_max_bytes, io);
  CachedRunbook result;
  const RunbookCacheKey key = runbook_cache_key(runbook_path, bundled_templates_dir);
  std::filesystem::path file;
  bool usable = false;
  if (!cache_dir.empty()) {
    file = cache_dir / runbook_cache_file_name(key);
    struct stat info {};
    if (io.lstat(cache_dir.c_str(), &info) != 0 && errno == ENOENT) {
      result.outcome = RunbookCacheOutcome::missing;
      usable = true;  // created below
    } else if (private_directory(cache_dir, io, result.detail)) {
      usable = true;
      std::optional<std::string> bytes;
      try {
        bytes = read_file_if_exists(file, k_max_runbook_cache_bytes, io, /*no_follow=*/true);
        result.outcome = bytes ? RunbookCacheOutcome::corrupt : RunbookCacheOutcome::missing;
      } catch (const Error& e) {
        result.outcome = RunbookCacheOutcome::corrupt;
        result.detail = e.what();
      }
      std::string problem;
      std::optional<Runbook> cached = bytes ? decode_runbook_cache(*bytes, key, &problem) : std::nullopt;
      if (bytes && !cached) {
        result.detail = fmt::format("{}: {}", file.string(), problem);
      }
      if (cached) {
        // Current only if the files it was built from still hold what it was built from:
        // the digest of the YAML read now and of each template file read now.
        Runbook current;
        bool readable = true;
        for (std::size_t i = 0; i < std::size(current.templates) && readable; ++i) {
          const Template& tmpl = cached->templates[i];
          if (!tmpl.from_file) {
            current.templates[i].text = tmpl.text;  // inline: part of the YAML
            continue;
          }
          try {
            auto text = read_file_if_exists(tmpl.source, k_max_template_bytes, io);
            readable = text.has_value();
            current.templates[i].text = text ? std::move(*text) : std::string();
          } catch (const Error&) {
            readable = false;
          }
        }
        if (readable && runbook_digest(yaml, current) == cached->digest) {
          result.runbook = std::move(*cached);
          result.outcome = RunbookCacheOutcome::hit;
          return result;
        }
        result.outcome = RunbookCacheOutcome::stale;
        result.detail = "the runbook or a template it uses changed";
      }
    }
  }

  result.runbook = parse_runbook(yaml, runbook_path.string(), bundled_templates_dir, io);
  if (!usable) {
    result.outcome = RunbookCacheOutcome::disabled;
    return result;
  }
  try {
    make_directories(cache_dir, 0700, io);
    if (!private_directory(cache_dir, io, result.detail)) {
      return result;
    }
    const std::string encoded = encode_runbook_cache(result.runbook, key);
    if (encoded.size() > k_max_runbook_cache_bytes) {
      result.detail = fmt::format("not cached: {} bytes compiled", encoded.size());
      return result;
    }
    (void)write_file_atomic(file, encoded, io, /*durable=*/false);
    if (result.outcome == RunbookCacheOutcome::missing) {
      prune(cache_dir, io);
    }
  } catch (const Error& e) {
    result.detail = fmt::format("not cached: {}", e.what());
  }
  return result;
}

}  // namespace incident
