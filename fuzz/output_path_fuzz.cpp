// The whole output path, in process: any bytes in any field of an incident file (as a
// teammate's laptop or a hand edit may leave it) and in the arguments of the commands
// that write, through every command that prints: the three messages, show, status,
// status --check, list, checklist, brief, report, prompt, stats, their JSON, and every error
// and hint on stderr. The commands are the binary's own (incident_cli, run through
// incident::cli::run against a state dir in a temporary directory), with the bundled
// runbook.
//
// Input: one mode byte, then strings separated by 0xFF (a byte UTF-8 never holds). Two
// incidents made once by the real commands (one resolved and closed, one under way with
// every kind of event) get the strings in place of their string fields, in order and
// cycling; the mode's bits choose which fields: 1 free text (title, impact, findings,
// notes, reasons...), 2 names (by, commander), 4 what the file copies from the runbook
// (severity name, contact, role, runbook path), 8 ids the runbook defines (severity,
// items, triggers, digest, runbook items and phases), 16 the events' own ids and times.
// The strings are written into the JSON as they are (raw bytes, controls as \u escapes).
//
// Invariants, for every command:
// - stdout and stderr are safe for a terminal and a paste: well-formed UTF-8, no C0
//   control but '\n' and '\t', no DEL, no C1 control, bidi control, zero-width
//   character or U+2028/U+2029 (text::is_hidden_control), no other line break;
// - a --json command that succeeds prints one JSON document;
// - data cannot forge a line: when the files read, a command that succeeds (but for the
//   messages and the report, whose multi-line values take lines of their own) prints as
//   many lines on stdout and on stderr as it does with every string replaced by a
//   harmless token (equal strings by equal tokens, strings equal but for case by case
//   variants of one token); and the report has as many lines that start Markdown
//   markup (its paragraphs of user text are escaped so that none of theirs does);
// - a message is its template line by line: each template line gives one line that
//   starts with the template's own text up to its first placeholder, followed by one
//   line indented by two spaces per line break in its multi-line values (impact,
//   findings, next steps, root cause, fix, monitoring), and nothing else.
// Then the strings as arguments of note, handoff, escalate, update and open (--as too),
// and the messages and views of what those wrote, checked the same way.

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "fuzz_support.hpp"
#include "incident/error.hpp"
#include "incident/incident.hpp"
#include "incident/incident_file.hpp"
#include "incident/render.hpp"
#include "incident/runbook_loader.hpp"
#include "incident/template.hpp"
#include "incident/text.hpp"

using namespace incident;
namespace fs = std::filesystem;

namespace {

const std::string k_at = "2026-01-27T04:00:00Z";

struct Output {
  int exit = 0;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  FUZZ_CHECK(out.good(), "cannot write %s", path.c_str());
}

// The fixture: a temporary root with the state, cache and config dirs, and the two
// incidents the strings go into.
struct World {
  fs::path root;
  fs::path state;
  std::vector<std::string> ids;  // the closed one, then the one under way
  std::vector<nlohmann::ordered_json> documents;
  Runbook runbook;
};

// Runs the command line with stdout and stderr captured in files of the root.
Output run_cli(const World& world, std::vector<std::string> args) {
  args.insert(args.begin(), "incident");
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  const fs::path out_path = world.root / "stdout";
  const fs::path err_path = world.root / "stderr";
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_out = ::dup(1);
  const int saved_err = ::dup(2);
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FUZZ_CHECK(saved_out >= 0 && saved_err >= 0 && out_fd >= 0 && err_fd >= 0, "cannot capture the output");
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  Output result;
  result.exit = cli::run(static_cast<int>(args.size()), argv.data());
  std::fflush(stdout);
  std::fflush(stderr);
  std::clearerr(stdout);
  ::dup2(saved_out, 1);
  ::dup2(saved_err, 2);
  for (const int fd : {saved_out, saved_err, out_fd, err_fd}) {
    ::close(fd);
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

std::string describe(const std::vector<std::string>& args) {
  std::string line = "incident";
  for (const auto& arg : args) {
    line += " '" + text::terminal_safe(text::escape_control(text::replace_invalid_utf8(arg))) + "'";
  }
  return line;
}

// The next code point of well-formed UTF-8 at text[i] (advancing i), or -1 when the bytes
// there are not well-formed (overlong, surrogate, beyond U+10FFFF, cut short).
long next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t length = 0;
  long value = 0;
  long least = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, value = lead & 0x1F, least = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, value = lead & 0x0F, least = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, value = lead & 0x07, least = 0x10000;
  } else {
    return -1;
  }
  if (i + length > text.size()) {
    return -1;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return -1;
    }
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < least || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return -1;
  }
  i += length;
  return value;
}

void check_terminal_safe(std::string_view printed, const char* stream, const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < printed.size();) {
    const std::size_t at = i;
    const long code_point = next_code_point(printed, i);
    FUZZ_CHECK(code_point >= 0, "%s of %s: a byte that is not well-formed UTF-8 at %zu", stream,
               describe(args).c_str(), at);
    const bool control = code_point < 0x20 ? code_point != '\n' && code_point != '\t' : code_point == 0x7F;
    FUZZ_CHECK(!control && !text::is_hidden_control(static_cast<char32_t>(code_point)),
               "%s of %s: U+%04lX at %zu", stream, describe(args).c_str(), code_point, at);
    FUZZ_CHECK(text::line_break_at(printed, at) == 0 || code_point == '\n', "%s of %s: a line break U+%04lX at %zu",
               stream, describe(args).c_str(), code_point, at);
  }
}

// Every invariant that holds for one command's output on its own.
Output checked(const World& world, const std::vector<std::string>& args) {
  Output output = run_cli(world, args);
  check_terminal_safe(output.out, "stdout", args);
  check_terminal_safe(output.err, "stderr", args);
  const bool json = std::find(args.begin(), args.end(), "--json") != args.end();
  if (json && output.exit == 0) {
    FUZZ_CHECK(nlohmann::json::accept(output.out), "stdout of %s is not one JSON document:\n%s",
               describe(args).c_str(), output.out.c_str());
  }
  return output;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      break;
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The lines of a Markdown document that start a heading, table row, list item, rule,
// quote or code span: what the report's own structure is made of, and what its
// paragraphs of user text (one line per line of the text) may never start with.
std::size_t markup_lines(std::string_view document) {
  std::size_t count = 0;
  for (const auto& line : lines_of(document)) {
    const std::size_t digits = line.find_first_not_of("0123456789");
    const bool numbered = digits > 0 && digits != std::string::npos && (line[digits] == '.' || line[digits] == ')');
    count += !line.empty() && (std::string_view("#|-+*=>`").find(line[0]) != std::string_view::npos || numbered);
  }
  return count;
}

std::size_t line_breaks(std::string_view value) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t length = text::line_break_at(value, i);
    count += length > 0 ? 1 : 0;
    i += length > 0 ? length : 1;
  }
  return count;
}

bool is_multi_line(std::string_view placeholder) {
  return placeholder == "impact" || placeholder == "findings" || placeholder == "next_steps" ||
         placeholder == "root_cause" || placeholder == "fix" || placeholder == "monitoring" ||
         placeholder == "links" || placeholder == "contacts";
}

// The message printed for `kind` is the template, line by line (see the invariants above).
void check_message(const World& world, const std::string& id, TemplateKind kind, const std::string& printed,
                   const std::vector<std::string>& args) {
  const fs::path file = world.state / "incidents" / (id + ".json");
  Incident incident;
  try {
    incident = fold(id, parse_incident_file(read_file(file), file.string(), id));
  } catch (const Error& e) {
    FUZZ_CHECK(false, "%s printed a message for a file the library does not read: %s", describe(args).c_str(),
               e.what());
  }
  const std::vector<std::string> out = lines_of(printed);
  std::size_t at = 0;
  for (const auto& line : lines_of(world.runbook.message_template(kind).text)) {
    FUZZ_CHECK(at < out.size(), "%s: the message ends before its template does:\n%s", describe(args).c_str(),
               printed.c_str());
    const auto first = line.find("{{");
    const std::string_view own = std::string_view(line).substr(0, first);
    FUZZ_CHECK(out[at].starts_with(own), "%s: line %zu is not its template's '%s':\n%s", describe(args).c_str(),
               at + 1, line.c_str(), printed.c_str());
    FUZZ_CHECK(first != std::string::npos || out[at] == line, "%s: line %zu is not the template's '%s':\n%s",
               describe(args).c_str(), at + 1, line.c_str(), printed.c_str());
    std::size_t continuations = 0;
    for (auto open = first; open != std::string::npos; open = line.find("{{", open + 2)) {
      const auto close = line.find("}}", open);
      const std::string name = line.substr(open + 2, close - open - 2);
      if (is_multi_line(name)) {
        continuations += line_breaks(placeholder_value(world.runbook, incident, name, incident.started_at));
      }
    }
    ++at;
    for (std::size_t k = 0; k < continuations; ++k, ++at) {
      FUZZ_CHECK(at < out.size() && out[at].starts_with("  "),
                 "%s: line %zu should continue a value, indented:\n%s", describe(args).c_str(), at + 1,
                 printed.c_str());
    }
  }
  FUZZ_CHECK(at == out.size(), "%s: %zu lines, the template makes %zu:\n%s", describe(args).c_str(), out.size(), at,
             printed.c_str());
}

enum FieldClass : unsigned {
  free_text = 1,
  names = 2,
  runbook_text = 4,
  runbook_ids = 8,
  event_keys = 16,
};

unsigned class_of(std::string_view key) {
  static const std::map<std::string, unsigned, std::less<>> classes = {
      {"title", free_text},        {"impact", free_text},       {"findings", free_text},
      {"next_steps", free_text},   {"eta", free_text},          {"root_cause", free_text},
      {"fix", free_text},          {"monitoring", free_text},   {"text", free_text},
      {"reason", free_text},       {"owner", free_text},        {"by", names},
      {"commander", names},        {"severity_name", runbook_text}, {"contact", runbook_text},
      {"role", runbook_text},      {"runbook", runbook_text},   {"severity", runbook_ids},
      {"item", runbook_ids},       {"trigger", runbook_ids},    {"runbook_digest", runbook_ids},
      {"runbook_items", runbook_ids}, {"runbook_phases", runbook_ids}, {"id", event_keys},
      {"at", event_keys},          {"recorded_at", event_keys}};
  const auto found = classes.find(key);
  return found == classes.end() ? 0 : found->second;
}

// JSON string text for raw bytes: quotes, backslashes and controls escaped, every other
// byte as it is (so a file may hold bytes that are not UTF-8, as a hostile one can).
std::string json_quoted(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      static const char* digits = "0123456789abcdef";
      out += "\\u00";
      out += digits[byte >> 4];
      out += digits[byte & 0xF];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The file text of `document` with its chosen string fields taken from `strings` in
// turn: each is first set to a marker, then the marker's quoted text is replaced.
std::string substituted(nlohmann::ordered_json document, unsigned mode, const std::vector<std::string>& strings,
                        std::size_t& next) {
  std::vector<std::string> used;
  auto take = [&](nlohmann::ordered_json& value) {
    value = "@@fuzz" + std::to_string(used.size()) + "@@";
    used.push_back(strings[next++ % strings.size()]);
  };
  for (auto& event : document.at("events")) {
    for (auto& [key, value] : event.items()) {
      if (value.is_string() && (class_of(key) & mode) != 0) {
        take(value);
      }
    }
    if (!event.contains("fields")) {
      continue;
    }
    for (auto& [key, value] : event.at("fields").items()) {
      if ((class_of(key) & mode) == 0) {
        continue;
      }
      if (value.is_string()) {
        take(value);
      } else if (value.is_array()) {
        for (auto& element : value) {
          take(element);
        }
      }
    }
  }
  std::string text = document.dump(2);
  for (std::size_t i = used.size(); i-- > 0;) {  // @@fuzz12@@ before @@fuzz1@@
    const std::string marker = "\"@@fuzz" + std::to_string(i) + "@@\"";
    text.replace(text.find(marker), marker.size(), json_quoted(used[i]));
  }
  return text;
}

// A harmless stand-in for each string: an id-like string stays as it is, as does one of
// only ASCII white space; any other is "~vN~" with the case of its letters varied, so
// that equal strings get equal tokens and strings equal but for case get tokens equal
// but for case.
std::vector<std::string> tokens_for(const std::vector<std::string>& strings) {
  std::vector<std::string> classes;  // lower-case forms, in order of appearance
  std::vector<std::vector<std::string>> variants;
  std::vector<std::string> tokens;
  for (const auto& s : strings) {
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
    });
    const bool blank = std::all_of(s.begin(), s.end(), [](char c) { return std::strchr(" \t\n\r\v\f", c) != nullptr; });
    if (plain || blank) {
      tokens.push_back(s);
      continue;
    }
    const std::string lower = text::to_lower(s);
    auto at = static_cast<std::size_t>(std::find(classes.begin(), classes.end(), lower) - classes.begin());
    if (at == classes.size()) {
      classes.push_back(lower);
      variants.emplace_back();
    }
    auto& seen = variants[at];
    auto variant = static_cast<std::size_t>(std::find(seen.begin(), seen.end(), s) - seen.begin());
    if (variant == seen.size()) {
      seen.push_back(s);
    }
    std::string token = "~v" + std::to_string(at) + "~";
    for (std::size_t bit = 0; (variant >> bit) != 0; ++bit) {
      token += (variant >> bit) & 1U ? 'X' : 'x';
    }
    tokens.push_back(token);
  }
  return tokens;
}

std::string first_id_of(const std::string& json) { return nlohmann::json::parse(json).at("id").get<std::string>(); }

World make_world() {
  World world;
  char pattern[] = "/tmp/incident-fuzz-output.XXXXXX";
  FUZZ_CHECK(::mkdtemp(pattern) != nullptr, "cannot make a temporary directory");
  world.root = pattern;
  world.state = world.root / "state";
  ::setenv("INCIDENT_HOME", world.state.c_str(), 1);
  ::setenv("XDG_CACHE_HOME", (world.root / "cache").c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", (world.root / "config").c_str(), 1);
  ::setenv("XDG_DATA_HOME", (world.root / "data").c_str(), 1);
  ::setenv("HOME", world.root.c_str(), 1);
  ::setenv("INCIDENT_USER", "alice", 1);
  ::setenv("NO_COLOR", "1", 1);
  ::setenv("TZ", "UTC", 1);
  ::unsetenv("INCIDENT_RUNBOOK");
  ::unsetenv("INCIDENT_LOCK_TIMEOUT_MS");
  static fs::path created;  // removed at exit
  created = world.root;
  std::atexit([] {
    std::error_code ignored;
    fs::remove_all(created, ignored);
  });

  auto must = [&](std::vector<std::string> args) {
    const Output output = run_cli(world, args);
    FUZZ_CHECK(output.exit == 0, "setting up: %s exited %d: %s", describe(args).c_str(), output.exit,
               output.err.c_str());
    return output;
  };
  const std::string t = "2026-01-27T03:";
  // The one resolved, reopened, resolved again and closed.
  const std::string a = first_id_of(
      must({"--json", "open", "db down", "-s", "P0", "--impact", "all writes fail", "--at", t + "00:00Z"}).out);
  must({"ack", a, "--at", t + "05:00Z"});
  must({"update", a, "--findings", "disk full", "--next", "grow it", "--eta", "20m", "--at", t + "10:00Z"});
  must({"resolve", a, "--root-cause", "log growth", "--fix", "rotated", "--monitoring", "disk use", "--at",
        t + "20:00Z"});
  must({"action", "add", a, "alert on disk use", "--owner", "carol", "--at", t + "21:00Z"});
  must({"reopen", a, "--at", t + "22:00Z"});
  must({"resolve", a, "--root-cause", "log growth", "--fix", "rotated", "--monitoring", "disk use", "--at",
        t + "25:00Z"});
  must({"close", a, "--at", t + "30:00Z"});
  // The one under way, with every other kind of event.
  const std::string b = first_id_of(
      must({"--json", "open", "checkout 500s", "-s", "P1", "--impact", "half of checkouts", "--at", t + "12:00Z"})
          .out);
  must({"--as", "bob", "ack", b, "--at", t + "20:00Z"});
  must({"update", b, "--findings", "bad deploy", "--next", "roll back", "--eta", "30m", "--at", t + "30:00Z"});
  must({"note", b, "rollback started", "--at", t + "31:00Z"});
  must({"severity", b, "P0", "--at", t + "32:00Z"});
  must({"handoff", b, "carol", "--at", t + "33:00Z"});
  must({"check", b, "initial.check-dashboard", "--at", t + "34:00Z"});
  must({"skip", b, "initial.check-external", "--reason", "no external calls", "--at", t + "34:00Z"});
  must({"flag", b, "security", "--at", t + "35:00Z"});
  must({"escalate", b, "--reason", "no progress", "--at", t + "36:00Z"});
  must({"action", "add", b, "add a canary", "--owner", "dave", "--at", t + "37:00Z"});
  world.ids = {a, b};
  for (const auto& id : world.ids) {
    world.documents.push_back(nlohmann::ordered_json::parse(read_file(world.state / "incidents" / (id + ".json"))));
  }
  const fs::path data = fs::path(INCIDENT_FUZZ_DATA_DIR);
  world.runbook = load_runbook(data / "runbooks" / "default.yaml", data / "templates");
  return world;
}

// The state dir holding the two incidents as `texts` say, and nothing else.
void install(const World& world, const std::vector<std::string>& texts) {
  fs::remove_all(world.state / "index");
  fs::remove_all(world.state / "incidents");
  fs::create_directories(world.state / "incidents");
  fs::permissions(world.state / "incidents", fs::perms::owner_all);
  for (std::size_t i = 0; i < world.ids.size(); ++i) {
    write_file(world.state / "incidents" / (world.ids[i] + ".json"), texts[i]);
  }
}

std::vector<std::string> files_for(const World& world, unsigned mode, const std::vector<std::string>& strings) {
  std::vector<std::string> texts;
  std::size_t next = 0;
  for (const auto& document : world.documents) {
    texts.push_back(substituted(document, mode, strings, next));
  }
  return texts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const World world = make_world();
  const std::string_view input = fuzz::as_text(data, size);
  const unsigned mode = input.empty() ? 0 : static_cast<unsigned char>(input.front());
  std::vector<std::string> strings;
  std::string_view rest = input.empty() ? input : input.substr(1);
  while (strings.size() < 32) {
    const auto cut = rest.find('\xFF');
    strings.emplace_back(rest.substr(0, cut));
    if (cut == std::string_view::npos) {
      break;
    }
    rest = rest.substr(cut + 1);
  }

  const std::string& a = world.ids[0];
  const std::string& b = world.ids[1];
  const std::vector<std::vector<std::string>> reads = {
      {"show", a},
      {"show", b},
      {"--json", "show", b},
      {"status", a, "--at", k_at},
      {"status", b, "--at", k_at},
      {"--json", "status", b, "--at", k_at},
      {"status", "--check", "--at", k_at},
      {"--json", "status", "--check", "--at", k_at},
      {"list"},
      {"list", "--all"},
      {"--json", "list", "--all"},
      {"checklist", b},
      {"brief", b, "--at", k_at},
      {"--json", "brief", b, "--at", k_at},
      {"action", "list", a},
      {"report", a},
      {"prompt"},
      {"stats"},
      {"--json", "stats"},
      {"render", a, "resolution"},
      {"render", b, "initial"},
      {"render", b, "investigation"},
      {"--json", "render", b, "investigation"},
  };
  auto message_kind = [](const std::vector<std::string>& args) -> std::optional<TemplateKind> {
    if (args.size() != 3 || args[0] != "render") {
      return std::nullopt;
    }
    return args[2] == "initial" ? TemplateKind::initial
           : args[2] == "investigation" ? TemplateKind::investigation
                                        : TemplateKind::resolution;
  };

  // The harmless twin first: how many lines each command prints when no string is odd.
  install(world, files_for(world, mode, tokens_for(strings)));
  std::vector<Output> twins;
  for (const auto& args : reads) {
    twins.push_back(run_cli(world, args));
  }

  const std::vector<std::string> files = files_for(world, mode, strings);
  install(world, files);
  // Files the library does not read are skipped with a warning, where their twins are
  // read: the line counts are compared only when both read.
  bool readable = true;
  for (std::size_t i = 0; i < files.size(); ++i) {
    try {
      (void)fold(world.ids[i], parse_incident_file(files[i], "fuzz", world.ids[i]));
    } catch (const Error&) {
      readable = false;
    }
  }
  for (std::size_t i = 0; i < reads.size(); ++i) {
    const auto& args = reads[i];
    const Output output = checked(world, args);
    const Output& twin = twins[i];
    const auto kind = message_kind(args);
    const bool report = args[0] == "report";
    if (!kind && readable && output.exit == 0 && twin.exit == 0) {
      FUZZ_CHECK(!report || markup_lines(output.out) == markup_lines(twin.out),
                 "%s: %zu lines start Markdown markup, %zu with harmless strings:\n%s\n---\n%s",
                 describe(args).c_str(), markup_lines(output.out), markup_lines(twin.out), output.out.c_str(),
                 twin.out.c_str());
      FUZZ_CHECK(report || lines_of(output.out).size() == lines_of(twin.out).size(),
                 "%s: %zu lines on stdout, %zu with harmless strings:\n%s\n---\n%s", describe(args).c_str(),
                 lines_of(output.out).size(), lines_of(twin.out).size(), output.out.c_str(), twin.out.c_str());
      FUZZ_CHECK(lines_of(output.err).size() == lines_of(twin.err).size(),
                 "%s: %zu lines on stderr, %zu with harmless strings:\n%s\n---\n%s", describe(args).c_str(),
                 lines_of(output.err).size(), lines_of(twin.err).size(), output.err.c_str(), twin.err.c_str());
    }
    if (kind && output.exit == 0) {
      check_message(world, args[1], *kind, output.out, args);
    }
  }

  // The strings as arguments (a command line holds no NUL byte), against the files as
  // the strings left them, then what was written, read back.
  auto arg = [&](std::size_t k) {
    const std::string& s = strings[k % strings.size()];
    return s.substr(0, s.find('\0'));
  };
  const std::vector<std::vector<std::string>> writes = {
      {"note", b, arg(0), "--at", k_at},
      {"--as", arg(1), "handoff", b, arg(2), "--at", k_at},
      {"escalate", b, "--reason", arg(3), "--at", k_at},
      {"update", b, "--findings", arg(4), "--next", arg(5), "--eta", arg(6), "--at", k_at},
      {"--json", "open", arg(7), "-s", "P2", "--impact", arg(8), "--at", k_at},
      {"resolve", b, "--root-cause", arg(9), "--fix", arg(10), "--monitoring", arg(11), "--at", k_at},
  };
  for (const auto& args : writes) {
    (void)checked(world, args);
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"show", b}, {"list", "--all"}, {"render", b, "investigation"}, {"render", b, "resolution"}}) {
    const Output output = checked(world, args);
    if (const auto kind = message_kind(args); kind && output.exit == 0) {
      check_message(world, args[1], *kind, output.out, args);
    }
  }
  return 0;
}
