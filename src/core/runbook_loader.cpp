#include "incident/runbook_loader.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <map>
#include <tuple>
#include <vector>
#include <set>

#include "incident/digest.hpp"
#include "incident/error.hpp"
#include "incident/file_io.hpp"
#include "incident/template.hpp"
#include "incident/text.hpp"
#include "yaml_tree.hpp"

namespace incident {

namespace {

using yaml::Node;

constexpr std::size_t k_max_template_bytes = std::size_t{64} * 1024;
constexpr std::size_t k_max_id_length = 64;

const char* const k_template_names[] = {"Initial Status Update", "Investigation Update",
                                        "Resolution Update"};

// Shared state of one load: where we are, for messages.
class Loader {
public:
  Loader(std::string source, std::filesystem::path bundled_templates, Io& io)
      : m_source(std::move(source)), m_bundled_templates(std::move(bundled_templates)), m_io(io) {}

  Runbook load(const Node& root);

  [[noreturn]] void fail(const Node& node, const std::string& message) const {
    throw DataError({m_source, node.line, node.column}, message);
  }

private:
  friend class MapReader;

  void read_severities(const Node& node, Runbook& runbook) const;
  void read_phases(const Node& node, Runbook& runbook);
  void read_templates(const Node* node, Runbook& runbook) const;
  void read_escalation(const Node& node, Runbook& runbook) const;
  std::vector<ChecklistItem> read_items(const Node& node);
  std::vector<EntryGroup> read_entry_groups(const Node& node) const;

  std::string text(const Node& node, std::string_view what) const;
  std::vector<std::string> text_list(const Node& node, std::string_view what, bool allow_empty = false) const;
  std::string id(const Node& node, std::string_view what) const;
  // Text that must be one of `known`.
  std::string one_of(const Node& node, std::string_view what, const std::vector<std::string>& known) const;
  Seconds duration(const Node& node, std::string_view what) const;
  Window window(const Node& node, std::string_view what) const;
  const std::vector<Node>& list(const Node& node, std::string_view what, bool allow_empty = false) const;

  // Keeps ids unique within one scope ("scenario id", "checklist item id", ...). `key` is
  // what must be unique (lower-cased for severities); `shown`, when given, is the value
  // as written, for the message.
  void claim(std::map<std::string, const Node*>& seen, const Node& node, const std::string& key,
             std::string_view what, std::string_view shown = {}) const;

  int schema_version(const Node& node) const;
  // A template `file:` as a path inside the runbook's directory, or fail() at the key:
  // relative, no "..", and no symbolic link on the way (a runbook must not read
  // /etc/shadow into a message).
  std::filesystem::path contained_template_path(const Node& node, const std::string& name) const;

  std::string m_source;
  std::filesystem::path m_bundled_templates;
  Io& m_io;
  std::map<std::string, const Node*> m_item_ids;
  // Each same_as met: where, the item's id, the id it names (checked once all are read).
  std::vector<std::tuple<const Node*, std::string, std::string>> m_same_as;
  void check_same_as() const;
};

// Reads one mapping: checks up front that every key is known and appears once, then
// hands out values by key.
class MapReader {
public:
  MapReader(const Loader& loader, const Node& node, std::string_view what,
            std::initializer_list<std::string_view> keys)
      : m_loader(loader), m_node(node), m_what(what) {
    if (node.kind != Node::Kind::map) {
      loader.fail(node, fmt::format("{} must be a mapping, found {}", what, yaml::kind_name(node)));
    }
    std::vector<std::string> known(keys.begin(), keys.end());
    for (const auto& [key, value] : node.entries) {
      if (std::find(known.begin(), known.end(), key.value) == known.end()) {
        loader.fail(key, fmt::format("unknown key '{}' in {}{}", text::escape_control(key.value), what,
                                     text::did_you_mean(key.value, known)));
      }
      if (auto [it, inserted] = m_keys.emplace(key.value, &key); !inserted) {
        loader.fail(key, fmt::format("duplicate key '{}' in {} (first at line {})", key.value, what,
                                     it->second->line));
      }
      m_values.emplace(key.value, &value);
    }
  }

  [[nodiscard]] const Node* find(std::string_view key) const {
    auto it = m_values.find(std::string(key));
    if (it == m_values.end() || it->second->kind == Node::Kind::null) {
      return nullptr;
    }
    return it->second;
  }

  [[nodiscard]] const Node& require(std::string_view key) const {
    const Node* value = find(key);
    if (value == nullptr) {
      // Point at the key when it is there without a value: yaml-cpp marks an empty value
      // at the token after it, often the next line.
      auto it = m_keys.find(std::string(key));
      if (it == m_keys.end()) {
        m_loader.fail(m_node, fmt::format("{} needs '{}'", m_what, key));
      }
      m_loader.fail(*it->second, fmt::format("{} needs a value for '{}'", m_what, key));
    }
    return *value;
  }

private:
  const Loader& m_loader;
  const Node& m_node;
  std::string m_what;
  std::map<std::string, const Node*> m_keys;
  std::map<std::string, const Node*> m_values;
};

std::string Loader::text(const Node& node, std::string_view what) const {
  if (node.kind != Node::Kind::scalar) {
    fail(node, fmt::format("{} must be text, found {}", what, yaml::kind_name(node)));
  }
  if (node.value.find_first_not_of(" \t\r\n") == std::string::npos) {
    fail(node, fmt::format("{} must not be empty", what));
  }
  return node.value;
}

const std::vector<Node>& Loader::list(const Node& node, std::string_view what, bool allow_empty) const {
  if (node.kind != Node::Kind::sequence) {
    fail(node, fmt::format("{} must be a list, found {}", what, yaml::kind_name(node)));
  }
  if (node.items.empty() && !allow_empty) {
    fail(node, fmt::format("{} must not be empty", what));
  }
  return node.items;
}

std::vector<std::string> Loader::text_list(const Node& node, std::string_view what, bool allow_empty) const {
  std::vector<std::string> out;
  for (const auto& item : list(node, what, allow_empty)) {
    out.push_back(text(item, fmt::format("each of {}", what)));
  }
  return out;
}

std::string Loader::id(const Node& node, std::string_view what) const {
  std::string value = text(node, what);
  const bool valid_start = (value[0] >= 'a' && value[0] <= 'z') || (value[0] >= '0' && value[0] <= '9');
  const bool valid_rest = std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
  if (!valid_start || !valid_rest || value.size() > k_max_id_length) {
    fail(node, fmt::format("{} '{}' is not a valid id (lower-case letters, digits, '.', '_', '-'; "
                           "at most {} characters)",
                           what, text::escape_control(value), k_max_id_length));
  }
  return value;
}

std::string Loader::one_of(const Node& node, std::string_view what, const std::vector<std::string>& known) const {
  std::string value = text(node, what);
  if (std::find(known.begin(), known.end(), value) == known.end()) {
    fail(node, fmt::format("{} '{}' is not known{} (known: {})", what, text::escape_control(value),
                           text::did_you_mean(value, known), text::join(known)));
  }
  return value;
}

Seconds Loader::duration(const Node& node, std::string_view what) const {
  const std::string value = text(node, what);
  auto parsed = parse_duration(value);
  if (!parsed) {
    fail(node, fmt::format("{} '{}' is not a duration (a whole number and a unit: 30s, 15m, 4h, 2d, 1w)",
                           what, text::escape_control(value)));
  }
  return *parsed;
}

Window Loader::window(const Node& node, std::string_view what) const {
  const std::string value = text(node, what);
  auto parsed = parse_window(value);
  if (!parsed) {
    fail(node, fmt::format("{} '{}' is not a window (FROM-TO and a unit, FROM < TO: 0-15m, 1-4h, 1-7d)",
                           what, text::escape_control(value)));
  }
  return *parsed;
}

void Loader::claim(std::map<std::string, const Node*>& seen, const Node& node, const std::string& key,
                   std::string_view what, std::string_view shown) const {
  if (auto [it, inserted] = seen.emplace(key, &node); !inserted) {
    fail(node, fmt::format("duplicate {} '{}' (first at line {})", what,
                           text::escape_control(shown.empty() ? key : shown), it->second->line));
  }
}

int Loader::schema_version(const Node& schema) const {
  int version = 0;
  const auto* end = schema.value.data() + schema.value.size();
  auto [ptr, ec] = std::from_chars(schema.value.data(), end, version);
  if (schema.kind != Node::Kind::scalar || schema.quoted || ec != std::errc{} || ptr != end || version < 1) {
    fail(schema, "schema must be a whole number (this version of incident reads schema 1)");
  }
  if (version > k_runbook_schema) {
    fail(schema, fmt::format("runbook schema {} is newer than this version of incident understands "
                             "(schema {}); upgrade incident",
                             version, k_runbook_schema));
  }
  return version;
}

std::filesystem::path Loader::contained_template_path(const Node& node, const std::string& name) const {
  const std::filesystem::path given(name);
  if (given.is_absolute()) {
    fail(node, fmt::format("template file '{}' is absolute; give a path inside the runbook's directory",
                           text::escape_control(name)));
  }
  std::filesystem::path path = std::filesystem::path(m_source).parent_path();
  for (const auto& part : given) {
    if (part == "..") {
      fail(node, fmt::format("template file '{}' climbs out of the runbook's directory with '..'",
                             text::escape_control(name)));
    }
    if (part.empty() || part == ".") {
      continue;
    }
    path /= part;
    struct stat info {};
    if (m_io.lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
      fail(node, fmt::format("template file '{}': {} is a symbolic link; template files must be real files "
                             "inside the runbook's directory",
                             text::escape_control(name), text::escape_control(path.string())));
    }
  }
  // What the name is, said where the runbook names it (its content's problems are said
  // in the file itself).
  if (struct stat info {}; m_io.lstat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    fail(node, fmt::format("template file '{}' is {}, not a regular file", text::escape_control(name),
                           file_kind(info.st_mode)));
  }
  return path;
}

Runbook Loader::load(const Node& root) {
  // A newer runbook may use keys this version does not know: refuse it for its schema
  // before complaining about them.
  if (root.kind == Node::Kind::map) {
    for (const auto& [key, value] : root.entries) {
      if (key.value == "schema") {
        (void)schema_version(value);
        break;
      }
    }
  }
  MapReader top(*this, root, "the runbook",
                {"schema", "title", "overview", "timezone", "severities", "phases", "scenarios", "templates",
                 "escalation", "resources", "post_incident", "emergency_contacts", "recovery",
                 "prevention", "notes"});
  Runbook runbook;
  runbook.source = m_source;

  runbook.schema = schema_version(top.require("schema"));
  runbook.title = text(top.require("title"), "title");
  if (const Node* node = top.find("overview")) {
    runbook.overview = text(*node, "overview");
  }
  if (const Node* node = top.find("timezone")) {
    runbook.timezone = text(*node, "timezone");
    if (!Zone::named(runbook.timezone)) {
      fail(*node, fmt::format("timezone '{}' is not a time zone this machine knows (e.g. UTC, Europe/Berlin; "
                              "zone names need the tzdata package)",
                              text::escape_control(runbook.timezone)));
    }
  }
  read_severities(top.require("severities"), runbook);
  read_phases(top.require("phases"), runbook);

  if (const Node* node = top.find("scenarios")) {
    std::map<std::string, const Node*> ids;
    std::map<std::string, const Node*> names;  // lower-cased, as `scenario NAME` matches
    std::vector<const Node*> name_nodes;
    for (const auto& item : list(*node, "scenarios")) {
      MapReader reader(*this, item, "a scenario", {"id", "name", "symptoms", "response", "escalation"});
      Scenario scenario;
      scenario.id = id(reader.require("id"), "scenario id");
      claim(ids, reader.require("id"), scenario.id, "scenario id");
      const Node& name_node = reader.require("name");
      scenario.name = text(name_node, "scenario name");
      claim(names, name_node, text::to_lower(scenario.name), "scenario name", scenario.name);
      name_nodes.push_back(&name_node);
      scenario.symptoms = text_list(reader.require("symptoms"), "symptoms");
      scenario.response = text_list(reader.require("response"), "response");
      if (const Node* escalation = reader.find("escalation")) {
        scenario.escalation = text_list(*escalation, "escalation");
      }
      runbook.scenarios.push_back(std::move(scenario));
    }
    // A name may not be another scenario's id (ids are lower-case): `scenario X` must
    // mean one scenario. A scenario may be named after its own id.
    for (std::size_t i = 0; i < runbook.scenarios.size(); ++i) {
      const Scenario& scenario = runbook.scenarios[i];
      const std::string name = text::to_lower(scenario.name);
      if (auto it = ids.find(name); it != ids.end() && name != scenario.id) {
        fail(*name_nodes[i], fmt::format("scenario name '{}' is also the id of the scenario at line {}",
                                         text::escape_control(scenario.name), it->second->line));
      }
    }
  }

  read_templates(top.find("templates"), runbook);
  if (const Node* node = top.find("escalation")) {
    read_escalation(*node, runbook);
  }
  if (const Node* node = top.find("resources")) {
    runbook.resources = read_entry_groups(*node);
  }
  if (const Node* node = top.find("post_incident")) {
    for (const auto& item : list(*node, "post_incident")) {
      MapReader reader(*this, item, "a post-incident group", {"name", "window", "items"});
      PostIncidentGroup group;
      group.name = text(reader.require("name"), "group name");
      group.window = window(reader.require("window"), "window");
      group.items = read_items(reader.require("items"));
      runbook.post_incident.push_back(std::move(group));
    }
  }
  if (const Node* node = top.find("emergency_contacts")) {
    runbook.emergency_contacts = read_entry_groups(*node);
  }
  if (const Node* node = top.find("recovery")) {
    std::map<std::string, const Node*> ids;
    for (const auto& item : list(*node, "recovery")) {
      MapReader reader(*this, item, "a recovery procedure", {"id", "name", "steps"});
      Procedure procedure;
      procedure.id = id(reader.require("id"), "procedure id");
      claim(ids, reader.require("id"), procedure.id, "procedure id");
      procedure.name = text(reader.require("name"), "procedure name");
      procedure.steps = text_list(reader.require("steps"), "steps");
      runbook.recovery.push_back(std::move(procedure));
    }
  }
  if (const Node* node = top.find("prevention")) {
    for (const auto& item : list(*node, "prevention")) {
      MapReader reader(*this, item, "a prevention group", {"name", "items"});
      runbook.prevention.push_back(
          {text(reader.require("name"), "group name"), text_list(reader.require("items"), "items")});
    }
  }
  if (const Node* node = top.find("notes")) {
    runbook.notes = text_list(*node, "notes");
  }
  check_same_as();
  return runbook;
}

// same_as names another item of the runbook, one that is not itself the same as a third.
void Loader::check_same_as() const {
  std::vector<std::string> ids;
  for (const auto& [id, node] : m_item_ids) {
    ids.push_back(id);
  }
  std::map<std::string_view, std::string_view> aliases;  // item id -> the id it is the same as
  for (const auto& [node, id, target] : m_same_as) {
    aliases.emplace(id, target);
  }
  for (const auto& [node, id, target] : m_same_as) {
    if (target == id) {
      fail(*node, fmt::format("item '{}' is the same as itself", id));
    }
    if (!m_item_ids.contains(target)) {
      fail(*node, fmt::format("same_as '{}' is not a checklist item{}", target, text::did_you_mean(target, ids)));
    }
    if (const auto other = aliases.find(target); other != aliases.end()) {
      fail(*node, fmt::format("same_as '{}' names an item that is itself the same as '{}'; name that one",
                              target, other->second));
    }
  }
}

void Loader::read_severities(const Node& node, Runbook& runbook) const {
  std::map<std::string, const Node*> ids;
  std::map<std::string, const Node*> names;
  for (const auto& item : list(node, "severities")) {
    MapReader reader(*this, item, "a severity", {"id", "name", "definition", "response_time", "update_every", "examples"});
    Severity severity;
    const Node& id_node = reader.require("id");
    severity.id = text(id_node, "severity id");
    const bool valid = std::all_of(severity.id.begin(), severity.id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    const char first = severity.id[0];
    if (!valid || !((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')) || severity.id.size() > 16) {
      fail(id_node, fmt::format("severity id '{}' is not valid (a letter, then letters, digits, '_' or '-'; "
                                "at most 16 characters)",
                                text::escape_control(severity.id)));
    }
    claim(ids, id_node, text::to_lower(severity.id), "severity id", severity.id);
    const Node& name_node = reader.require("name");
    severity.name = text(name_node, "severity name");
    if (const std::string word = text::mixed_script_word(severity.name); !word.empty()) {
      fail(name_node, fmt::format("severity name '{}' mixes Latin letters with Cyrillic or Greek ones in '{}': a "
                                  "look-alike of another name? Write each word in one script",
                                  text::escape_control(severity.name), text::escape_control(word)));
    }
    claim(names, name_node, text::to_lower(severity.name), "severity name", severity.name);
    severity.definition = text(reader.require("definition"), "definition");
    severity.response_time = duration(reader.require("response_time"), "response_time");
    if (const Node* every = reader.find("update_every")) {
      severity.update_every = duration(*every, "update_every");
    }
    if (const Node* examples = reader.find("examples")) {
      severity.examples = text_list(*examples, "examples");
    }
    runbook.severities.push_back(std::move(severity));
  }
  // A name may not be another severity's id: "-s P1" must mean one thing.
  for (const auto& severity : runbook.severities) {
    if (auto it = ids.find(text::to_lower(severity.name)); it != ids.end() && it->first != text::to_lower(severity.id)) {
      fail(*names.at(text::to_lower(severity.name)),
           fmt::format("severity name '{}' is also a severity id", severity.name));
    }
  }
}

std::vector<ChecklistItem> Loader::read_items(const Node& node) {
  std::vector<ChecklistItem> items;
  for (const auto& item : list(node, "items")) {
    MapReader reader(*this, item, "a checklist item", {"id", "text", "done_by", "same_as"});
    const Node& id_node = reader.require("id");
    ChecklistItem checklist_item{id(id_node, "item id"), text(reader.require("text"), "item text"), {}, {}};
    if (const Node* done_by = reader.find("done_by")) {
      checklist_item.done_by = one_of(*done_by, "done_by", done_by_names());
    }
    if (const Node* same_as = reader.find("same_as")) {
      checklist_item.same_as = id(*same_as, "same_as");
      m_same_as.emplace_back(same_as, checklist_item.id, checklist_item.same_as);
    }
    claim(m_item_ids, id_node, checklist_item.id, "checklist item id");
    items.push_back(std::move(checklist_item));
  }
  return items;
}

void Loader::read_phases(const Node& node, Runbook& runbook) {
  std::map<std::string, const Node*> ids;
  std::vector<std::string> severity_ids;
  for (const auto& severity : runbook.severities) {
    severity_ids.push_back(severity.id);
  }
  for (const auto& item : list(node, "phases")) {
    MapReader reader(*this, item, "a phase", {"id", "name", "window", "checklists"});
    Phase phase;
    phase.id = id(reader.require("id"), "phase id");
    claim(ids, reader.require("id"), phase.id, "phase id");
    phase.name = text(reader.require("name"), "phase name");
    phase.window = window(reader.require("window"), "window");
    std::map<std::string, const Node*> covered;
    for (const auto& checklist_node : list(reader.require("checklists"), "checklists")) {
      MapReader checklist_reader(*this, checklist_node, "a checklist", {"severities", "groups"});
      Checklist checklist;
      if (const Node* severities = checklist_reader.find("severities")) {
        for (const auto& severity_node : list(*severities, "severities")) {
          const std::string severity = text(severity_node, "severity");
          if (runbook.find_severity_by_id(severity) == nullptr) {
            fail(severity_node, fmt::format("severity '{}' is not defined{} (known: {})",
                                            text::escape_control(severity),
                                            text::did_you_mean(severity, severity_ids), text::join(severity_ids)));
          }
          checklist.severities.push_back(severity);
        }
      }
      for (const auto& severity : runbook.severities) {
        if (checklist.applies_to(severity.id)) {
          if (auto [it, inserted] = covered.emplace(severity.id, &checklist_node); !inserted) {
            fail(checklist_node, fmt::format("severity {} already has a checklist in phase '{}' (line {})",
                                             severity.id, phase.id, it->second->line));
          }
        }
      }
      for (const auto& group_node : list(checklist_reader.require("groups"), "groups")) {
        MapReader group_reader(*this, group_node, "a checklist group", {"name", "items"});
        ChecklistGroup group;
        group.name = text(group_reader.require("name"), "group name");
        group.items = read_items(group_reader.require("items"));
        checklist.groups.push_back(std::move(group));
      }
      phase.checklists.push_back(std::move(checklist));
    }
    runbook.phases.push_back(std::move(phase));
  }
}

void Loader::read_templates(const Node* node, Runbook& runbook) const {
  std::vector<std::string> keys(std::begin(k_template_keys), std::end(k_template_keys));
  std::optional<MapReader> reader;
  if (node != nullptr) {
    reader.emplace(*this, *node, "templates", std::initializer_list<std::string_view>{
                                                  k_template_keys[0], k_template_keys[1], k_template_keys[2]});
  }
  for (std::size_t i = 0; i < std::size(k_template_keys); ++i) {
    const std::string key(k_template_keys[i]);
    Template& tmpl = runbook.templates[i];
    tmpl.name = k_template_names[i];
    const Node* entry = reader ? reader->find(key) : nullptr;
    std::optional<MapReader> entry_reader;
    if (entry != nullptr) {
      entry_reader.emplace(*this, *entry, fmt::format("template '{}'", key),
                           std::initializer_list<std::string_view>{"name", "text", "file"});
      if (const Node* name = entry_reader->find("name")) {
        tmpl.name = text(*name, "template name");
      }
    }
    const Node* inline_text = entry_reader ? entry_reader->find("text") : nullptr;
    const Node* file = entry_reader ? entry_reader->find("file") : nullptr;
    if (inline_text != nullptr && file != nullptr) {
      fail(*file, fmt::format("template '{}' has both 'text' and 'file'; keep one", key));
    }
    const Node* blame = nullptr;  // where to point when the template text is wrong
    if (inline_text != nullptr) {
      tmpl.text = text(*inline_text, "template text");
      tmpl.source = m_source;
      tmpl.first_line = inline_text->line;
      blame = inline_text;
    } else {
      std::filesystem::path path;
      if (file != nullptr) {
        path = contained_template_path(*file, text(*file, "template file"));
      } else {
        path = m_bundled_templates / (key + ".txt");
      }
      std::optional<std::string> data;
      try {
        data = read_file_if_exists(path, k_max_template_bytes, m_io, /*no_follow=*/file != nullptr);
      } catch (const DataError&) {
        throw;  // too large: already "path: message"
      } catch (const Error& e) {
        if (file == nullptr) {
          throw;
        }
        fail(*file, fmt::format("template file: {}", e.what()));
      }
      if (!data) {
        if (file != nullptr) {
          fail(*file, fmt::format("template file '{}' does not exist", path.string()));
        }
        throw DataError({path.string(), 0, 0}, fmt::format("bundled template '{}' is missing", key));
      }
      tmpl.text = std::move(*data);
      tmpl.source = path.string();
      tmpl.from_file = true;
      if (auto bad = text::find_invalid_text(tmpl.text)) {
        throw DataError({tmpl.source, bad->line, bad->column}, bad->what);
      }
      if (tmpl.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw DataError({tmpl.source, 0, 0}, fmt::format("template '{}' is empty", key));
      }
    }
    if (auto problem = check_template(tmpl.text)) {
      if (blame != nullptr) {
        fail(*blame, fmt::format("template '{}', line {}: {}", key, problem->line, problem->message));
      }
      throw DataError({tmpl.source, problem->line, problem->column}, problem->message);
    }
  }
}

void Loader::read_escalation(const Node& node, Runbook& runbook) const {
  MapReader reader(*this, node, "escalation", {"triggers", "levels", "contacts"});
  Escalation& escalation = runbook.escalation;
  std::map<std::string, const Node*> contact_ids;
  if (const Node* contacts = reader.find("contacts")) {
    for (const auto& item : list(*contacts, "contacts")) {
      MapReader contact_reader(*this, item, "a contact", {"id", "name", "value"});
      Contact contact;
      contact.id = id(contact_reader.require("id"), "contact id");
      claim(contact_ids, contact_reader.require("id"), contact.id, "contact id");
      contact.name = text(contact_reader.require("name"), "contact name");
      contact.value = text(contact_reader.require("value"), "contact value");
      escalation.contacts.push_back(std::move(contact));
    }
  }
  std::vector<const Node*> escalate_to_nodes;  // per trigger; checked once the levels are known
  if (const Node* triggers = reader.find("triggers")) {
    std::map<std::string, const Node*> ids;
    for (const auto& item : list(*triggers, "triggers")) {
      MapReader trigger_reader(*this, item, "a trigger", {"id", "text", "after", "escalate_to"});
      EscalationTrigger trigger;
      trigger.id = id(trigger_reader.require("id"), "trigger id");
      claim(ids, trigger_reader.require("id"), trigger.id, "trigger id");
      trigger.text = text(trigger_reader.require("text"), "trigger text");
      if (const Node* after = trigger_reader.find("after")) {
        trigger.after = duration(*after, "after");
      }
      escalate_to_nodes.push_back(trigger_reader.find("escalate_to"));
      escalation.triggers.push_back(std::move(trigger));
    }
  }
  if (const Node* levels = reader.find("levels")) {
    std::vector<std::string> known;
    for (const auto& contact : escalation.contacts) {
      known.push_back(contact.id);
    }
    for (const auto& item : list(*levels, "levels")) {
      MapReader level_reader(*this, item, "an escalation level", {"level", "role", "contact"});
      EscalationLevel level;
      const Node& level_node = level_reader.require("level");
      const int expected = static_cast<int>(escalation.levels.size()) + 1;
      if (level_node.kind != Node::Kind::scalar || level_node.value != std::to_string(expected)) {
        fail(level_node, fmt::format("expected level {} here (levels are numbered 1, 2, 3, ... in order)", expected));
      }
      level.level = expected;
      level.role = text(level_reader.require("role"), "role");
      if (const Node* contact = level_reader.find("contact")) {
        level.contact = id(*contact, "contact");
        if (contact_ids.count(level.contact) == 0) {
          fail(*contact, fmt::format("contact '{}' is not defined{}{}", level.contact,
                                     text::did_you_mean(level.contact, known),
                                     known.empty() ? " (escalation has no contacts)"
                                                   : fmt::format(" (known: {})", text::join(known))));
        }
      }
      escalation.levels.push_back(std::move(level));
    }
  }
  const int top = static_cast<int>(escalation.levels.size());
  for (std::size_t i = 0; i < escalation.triggers.size(); ++i) {
    EscalationTrigger& trigger = escalation.triggers[i];
    const Node* level_node = escalate_to_nodes[i];
    if (level_node == nullptr) {
      trigger.escalate_to = std::min(2, std::max(top, 1));  // one step up from on-call
      continue;
    }
    int level = 0;
    const char* end = level_node->value.data() + level_node->value.size();
    auto [ptr, ec] = std::from_chars(level_node->value.data(), end, level);
    if (level_node->kind != Node::Kind::scalar || level_node->quoted || ec != std::errc{} || ptr != end ||
        level < 1 || level > top) {
      fail(*level_node, top == 0 ? std::string("escalate_to needs escalation levels, and there are none")
                           : fmt::format("escalate_to must be a level from 1 to {}", top));
    }
    trigger.escalate_to = level;
  }
}

std::vector<EntryGroup> Loader::read_entry_groups(const Node& node) const {
  std::vector<EntryGroup> groups;
  for (const auto& item : list(node, "groups")) {
    MapReader reader(*this, item, "a group", {"name", "entries"});
    EntryGroup group;
    group.name = text(reader.require("name"), "group name");
    for (const auto& entry_node : list(reader.require("entries"), "entries")) {
      MapReader entry_reader(*this, entry_node, "an entry", {"name", "value"});
      group.entries.push_back(
          {text(entry_reader.require("name"), "entry name"), text(entry_reader.require("value"), "entry value")});
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace

std::string runbook_digest(std::string_view yaml_text, const Runbook& runbook) {
  Sha256 hasher;
  hasher.update_u64(yaml_text.size());
  hasher.update(yaml_text);
  for (const auto& tmpl : runbook.templates) {
    hasher.update_u64(tmpl.text.size());
    hasher.update(tmpl.text);
  }
  return "sha256:" + to_hex(hasher.finish());
}

Runbook parse_runbook(std::string_view yaml_text, const std::string& source_name,
                      const std::filesystem::path& bundled_templates_dir, Io& io) {
  const Node root = yaml::parse(yaml_text, source_name);
  Loader loader(source_name, bundled_templates_dir, io);
  Runbook runbook = loader.load(root);
  // The identity does not depend on the working directory a later command runs in; when
  // the working directory is gone the name stays as given.
  std::error_code error;
  auto absolute = std::filesystem::absolute(source_name, error);
  runbook.source = error ? source_name : absolute.lexically_normal().string();
  runbook.digest = runbook_digest(yaml_text, runbook);
  return runbook;
}

Runbook load_runbook(const std::filesystem::path& path, const std::filesystem::path& bundled_templates_dir, Io& io) {
  const std::string text = read_file(path, yaml::k_max_bytes, io);
  return parse_runbook(text, path.string(), bundled_templates_dir, io);
}

}  // namespace incident
