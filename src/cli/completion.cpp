// incident completion bash|zsh|fish: the shell's completion script; and the hidden
// `incident __complete WORDS...` that each script calls on every <TAB> (as gh and cobra
// do). The scripts hold no command, option or value of their own: __complete reads them
// from the CLI11 definitions (through help.hpp, what --help shows), the runbook and the
// store, so a new command or option completes without touching a script.
//
// __complete's contract (the scripts rely on it): WORDS are the words after `incident` up
// to the cursor, the last one the word being completed (possibly ""). It prints the
// candidates that start with that word (any case), one per line, `value<TAB>description`
// or `value`; or one line `:files` (complete file names) or `:dirs` (directories). It
// never prints anything else, on stdout or stderr, and always exits 0: a broken runbook
// or store gives no candidates, never an error in the middle of a command line.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "help.hpp"
#include "incident/render_runbook.hpp"
#include "incident/text.hpp"

namespace incident::cli {

namespace completion_command {

// Each script asks `incident __complete` (the command as typed: ./bin/incident too) for
// the words up to the cursor, with stderr dropped.
constexpr std::string_view k_bash_script = R"(# bash completion for incident (incident completion bash)
_incident() {
    local cur="${COMP_WORDS[COMP_CWORD]}" line
    local IFS=$'\n'
    local -a lines
    mapfile -t lines < <(command "${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    COMPREPLY=()
    case "${lines[0]-}" in
        :files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
        :dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
    esac
    for line in "${lines[@]}"; do
        [[ -n "$line" ]] && COMPREPLY+=("${line%%$'\t'*}")
    done
    return 0
}
complete -F _incident incident
)";

constexpr std::string_view k_zsh_script = R"(#compdef incident
# zsh completion for incident (incident completion zsh)
_incident() {
  local -a lines candidates
  local line value
  lines=("${(@f)$(_call_program candidates "${(q)words[1]}" __complete "${(@qq)${(@Q)words[2,CURRENT]}}" 2>/dev/null)}")
  case "${lines[1]}" in
    :files) _files; return ;;
    :dirs) _files -/; return ;;
  esac
  for line in "${lines[@]}"; do
    [[ -z "$line" ]] && continue
    value="${line%%$'\t'*}"
    if [[ "$line" == *$'\t'* ]]; then
      candidates+=("${value//:/\\:}:${line#*$'\t'}")
    else
      candidates+=("${value//:/\\:}")
    fi
  done
  (( ${#candidates} )) && _describe -t values incident candidates
}
if [[ "${funcstack[1]}" == _incident ]]; then
  _incident "$@"
else
  compdef _incident incident
fi
)";

constexpr std::string_view k_fish_script = R"(# fish completion for incident (incident completion fish)
function __incident_complete
    set -l tokens (commandline -opc)
    set -l program $tokens[1]
    set -e tokens[1]
    set -l current (commandline -ct)
    set -l lines (command $program __complete $tokens $current 2>/dev/null)
    switch "$lines[1]"
        case :files
            __fish_complete_path $current
        case :dirs
            __fish_complete_directories $current
        case '*'
            printf '%s\n' $lines
    end
end
complete -c incident -f -a '(__incident_complete)'
)";

struct Shell {
  std::string_view name;
  std::string_view script;
};

constexpr Shell k_shells[] = {{"bash", k_bash_script}, {"zsh", k_zsh_script}, {"fish", k_fish_script}};

// ---------------------------------------------------------------------------------------
// Candidates.

struct Candidate {
  std::string value;
  std::string description;
};
using Candidates = std::vector<Candidate>;

// One line of a description, short: it comes from files anyone may have written.
std::string one_description(std::string_view text) {
  constexpr std::size_t k_most = 70;
  std::string line;
  for (const char c : text) {
    line += c == '\t' || c == '\n' || c == '\r' ? ' ' : c;
  }
  return text::cut(text::escape_control(line), k_most);
}

// A value the shell can insert as one word: no spaces, quotes or control characters.
bool insertable(std::string_view value) {
  return !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '\x7f' || c == '"' || c == '\'' || c == '\\';
  });
}

// The runbook's values of a kind; none when it cannot be loaded.
Candidates runbook_values(Context& ctx, std::string_view kind) {
  Candidates out;
  const Runbook& runbook = ctx.runbook();
  if (kind == "SEV") {
    for (const auto& severity : runbook.severities) {
      out.push_back({severity.id, severity.name});
    }
    for (const auto& severity : runbook.severities) {
      out.push_back({text::to_lower(severity.name), severity.id});
    }
  } else if (kind == "ITEM" || kind == "STEP") {
    for (const auto& phase : runbook.phases) {
      for (const auto& checklist : phase.checklists) {
        for (const auto& group : checklist.groups) {
          for (const auto& item : group.items) {
            out.push_back({item.id, item.text});
          }
        }
      }
    }
    for (const auto& group : runbook.post_incident) {
      for (const auto& item : group.items) {
        out.push_back({item.id, item.text});
      }
    }
  } else if (kind == "TRIGGER") {
    for (const auto& trigger : runbook.escalation.triggers) {
      if (trigger.is_declared()) {
        out.push_back({trigger.id, trigger.text});
      }
    }
  } else if (kind == "SCENARIO") {
    for (const auto& scenario : runbook.scenarios) {
      out.push_back({scenario.id, scenario.name});
    }
  } else if (kind == "PHASE") {
    for (const auto& phase : runbook.phases) {
      out.push_back({phase.id, phase.name});
    }
  }
  return out;
}

// The incidents not closed (what `list` shows), newest first: the id and what it is.
Candidates incident_ids(Context& ctx) {
  Candidates out;
  (void)open_store(ctx).visit(Scope::current, std::nullopt, [&](const Summary& summary) {
    out.push_back(
        {summary.id, fmt::format("{} ({}, {})", summary.title, summary.grade.severity, status_name(summary.status))});
  });
  return out;
}

// "{auto,always,never}" in a type name ("WHEN:{auto,always,never}"): CLI::IsMember's set.
Candidates member_values(const CLI::Option& option) {
  Candidates out;
  const std::string type = option.get_type_name();
  const auto open = type.find('{');
  const auto close = type.find('}', open);
  if (open == std::string::npos || close == std::string::npos) {
    return out;
  }
  std::string_view members(type.data() + open + 1, close - open - 1);
  while (!members.empty()) {
    const auto comma = members.find(',');
    out.push_back({std::string(members.substr(0, comma)), ""});
    members = comma == std::string_view::npos ? std::string_view() : members.substr(comma + 1);
  }
  return out;
}

// The values of a kind: the word an option's type or a positional's name says ("SEV",
// "ITEM", "FILE"). `command` is the command being completed.
Candidates values_of_kind(Context& ctx, std::string_view kind, const CLI::App& command) {
  if (kind == "ID") {
    return incident_ids(ctx);
  }
  if (kind == "FILE") {
    return {{":files", ""}};
  }
  if (kind == "DIR") {
    return {{":dirs", ""}};
  }
  if (kind == "STATUS") {
    // `update --status` records one of the active statuses; `list --status` filters by any.
    Candidates out;
    for (const Status status :
         {Status::investigating, Status::identified, Status::monitoring, Status::resolved, Status::closed}) {
      if (command.get_name() != "update" || is_active(status)) {
        out.push_back({std::string(status_name(status)), ""});
      }
    }
    return out;
  }
  if (kind == "SECTION") {
    Candidates out;
    for (const auto& section : runbook_sections()) {
      out.push_back({section, ""});
    }
    return out;
  }
  if (kind == "MESSAGE" || kind == "POSTABLE") {
    Candidates out;
    for (const auto key : k_template_keys) {
      out.push_back({std::string(key), ""});
    }
    if (kind == "POSTABLE") {
      out.push_back({"brief", "the handover briefing"});
    }
    return out;
  }
  return runbook_values(ctx, kind);
}

// "SEV" of "SEV:not empty"; "" when the type is CLI11's default for text.
std::string kind_of_type(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  return type.substr(0, type.find(':'));
}

// ---------------------------------------------------------------------------------------
// Where the cursor is: the command the words lead to and what the current word is for.

struct Position {
  const CLI::App* command = nullptr;
  std::vector<std::string> positionals;   // the words given to the command's arguments
  const CLI::Option* value_of = nullptr;  // the current word is this option's value
  bool after_dashes = false;              // a "--" came: every word is an argument
  bool help = false;                      // `incident help COMMAND...`: only command names follow
};

// An option `command` accepts by `name` ("--at", "-s"), hidden ones too; nullptr if none.
const CLI::Option* find_option(const CLI::App& command, const std::string& name) {
  for (const CLI::App* at = &command; at != nullptr; at = at->get_parent()) {
    for (const auto* option : at->get_options()) {
      if (option->nonpositional() && option->check_name(name)) {
        return option;
      }
    }
  }
  return nullptr;
}

bool takes_value(const CLI::Option& option) {
  return !value_type(option).empty();
}

// Reads the words before the current one as CLI11 would. A global option's value is kept
// in ctx (--state-dir, --runbook), for the store and the runbook to come from there.
Position locate(const CLI::App& app, Context& ctx, const std::vector<std::string>& words) {
  Position at;
  at.command = &app;
  const std::size_t current = words.size() - 1;
  auto keep = [&](const CLI::Option& option, const std::string& value) {
    if (option.check_name("--state-dir")) {
      ctx.options.state_dir = value;
    } else if (option.check_name("--runbook")) {
      ctx.options.runbook = value;
    }
  };
  for (std::size_t i = 0; i < current; ++i) {
    const std::string& word = words[i];
    if (!at.after_dashes && word == "--") {
      at.after_dashes = true;
      continue;
    }
    if (!at.after_dashes && word.size() > 1 && word[0] == '-') {
      const CLI::Option* valued = nullptr;
      if (word[1] == '-') {
        const auto equals = word.find('=');
        const CLI::Option* option = find_option(*at.command, word.substr(0, equals));
        if (option != nullptr && takes_value(*option)) {
          if (equals != std::string::npos) {
            keep(*option, word.substr(equals + 1));
          } else {
            valued = option;
          }
        }
      } else {
        // -s P1, -sP1, -av: letters until one that takes a value.
        for (std::size_t letter = 1; letter < word.size(); ++letter) {
          const CLI::Option* option = find_option(*at.command, std::string{'-', word[letter]});
          if (option == nullptr) {
            break;
          }
          if (takes_value(*option)) {
            if (letter + 1 == word.size()) {
              valued = option;
            }
            break;
          }
        }
      }
      if (valued != nullptr) {
        // bash splits "--runbook=FILE" at the "=": "--runbook" "=" "FILE".
        if (i + 1 < current && words[i + 1] == "=") {
          ++i;
        }
        if (i + 1 == current) {
          at.value_of = valued;
          return at;
        }
        keep(*valued, words[++i]);
      }
      continue;
    }
    if (at.command == &app && word == "help" && at.positionals.empty() && !at.help) {
      at.help = true;
      continue;
    }
    if (at.positionals.empty() && !at.after_dashes) {
      if (const CLI::App* sub = find_subcommand(*at.command, word); sub != nullptr) {
        at.command = sub;
        continue;
      }
    }
    at.positionals.push_back(word);
  }
  return at;
}

Candidates option_candidates(const CLI::App& command) {
  Candidates out;
  for (const auto* option : accepted_options(command)) {
    for (const auto& name : option->get_lnames()) {
      out.push_back({"--" + name, option->get_description()});
    }
    for (const auto& name : option->get_snames()) {
      out.push_back({"-" + name, option->get_description()});
    }
  }
  return out;
}

Candidates command_candidates(const CLI::App& command, bool with_help) {
  Candidates out;
  for (const auto* sub : listed_commands(command)) {
    out.push_back({sub->get_name(), sub->get_description()});
  }
  if (with_help) {
    out.push_back({"help", "Show the help of a command"});
  }
  return out;
}

bool among(const Candidates& candidates, std::string_view word) {
  return std::any_of(candidates.begin(), candidates.end(),
                     [&](const Candidate& each) { return text::iequals(each.value, word); });
}

// The values for the positional words[given] of `command`. A name of two words, "[ID]
// ITEM", takes the incident's id first when several are open (with one open it may be
// left out), then its values.
Candidates argument_candidates(Context& ctx, const CLI::App& command, const std::vector<std::string>& given) {
  std::size_t index = given.size();
  for (const auto* positional : positionals_of(command)) {
    const int most = positional->get_expected_max();
    const bool unlimited = most >= CLI::detail::expected_max_vector_size;
    if (!unlimited && index >= static_cast<std::size_t>(most)) {
      index -= static_cast<std::size_t>(most);
      continue;
    }
    std::vector<std::string> name;
    for (auto word : text::words_of(positional->get_name(true, false))) {
      if (word.size() > 2 && word.front() == '[' && word.back() == ']') {
        word = word.substr(1, word.size() - 2);
      }
      name.push_back(word);
    }
    if (name.empty()) {
      return {};
    }
    // A type name of its own says what the value is where the name cannot (scenario NAME).
    const std::string type = kind_of_type(*positional);
    const std::string value_kind = type != "TEXT" && !type.empty() ? type : name.back();
    if (name.size() == 1) {
      return values_of_kind(ctx, value_kind, command);
    }
    Candidates values = values_of_kind(ctx, value_kind, command);
    if (index == 0) {
      Candidates ids = incident_ids(ctx);
      if (ids.size() > 1) {
        values.insert(values.end(), ids.begin(), ids.end());
      }
      return values;
    }
    // "[ID] MESSAGE" takes two words at most: after a message, nothing.
    if (!unlimited && index == 1 && among(values, given[given.size() - 1])) {
      return {};
    }
    return values;
  }
  return {};
}

Candidates candidates_for(const CLI::App& app, Context& ctx, const std::vector<std::string>& words) {
  const Position at = locate(app, ctx, words);
  try {
    // The environment and the config file under the options on the line, as for a command.
    ctx.apply_settings();
  } catch (const std::exception&) {
    // A broken config file: the defaults, for what the store and the runbook offer.
  }
  const std::string& word = words.back();
  if (at.value_of != nullptr) {
    Candidates members = member_values(*at.value_of);
    return members.empty() ? values_of_kind(ctx, kind_of_type(*at.value_of), *at.command) : members;
  }
  if (!at.after_dashes && word.starts_with('-')) {
    return option_candidates(*at.command);
  }
  if (at.help) {
    return command_candidates(*at.command, false);
  }
  if (at.positionals.empty() && !listed_commands(*at.command).empty()) {
    return command_candidates(*at.command, at.command == &app);
  }
  const auto positionals = positionals_of(*at.command);
  if (positionals.size() == 1 && at.positionals.empty()) {
    if (Candidates members = member_values(*positionals.front()); !members.empty()) {
      return members;
    }
  }
  return argument_candidates(ctx, *at.command, at.positionals);
}

void print_candidates(const Candidates& candidates, std::string_view word) {
  std::string out;
  for (const auto& candidate : candidates) {
    if (candidate.value == ":files" || candidate.value == ":dirs") {
      out = candidate.value + "\n";
      break;
    }
    if (!insertable(candidate.value) || candidate.value.size() < word.size() ||
        !text::iequals(std::string_view(candidate.value).substr(0, word.size()), word)) {
      continue;
    }
    out += candidate.value;
    if (const std::string description = one_description(candidate.description); !description.empty()) {
      out += "\t" + description;
    }
    out += "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace completion_command

void register_completion(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* command = app.add_subcommand("completion", "Print the completion script for a shell (bash, zsh or fish)");
  command->add_option("SHELL", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  command->callback([&ctx, shell] {
    for (const auto& each : completion_command::k_shells) {
      if (each.name == *shell && ctx.options.json) {
        // Exactly one JSON document, as every command prints with --json.
        ctx.out_json({{"shell", each.name}, {"script", each.script}});
      } else if (each.name == *shell) {
        ctx.out(each.script);
      }
    }
  });
}

void complete_command_line(const CLI::App& app, Context& ctx, const std::vector<std::string>& words) {
  // Nothing may reach the shell but candidates: no log line, no warning, no error.
  spdlog::set_level(spdlog::level::off);
  try {
    const std::vector<std::string> line = words.empty() ? std::vector<std::string>{""} : words;
    completion_command::print_candidates(completion_command::candidates_for(app, ctx, line), line.back());
  } catch (...) {
    // A broken runbook or store, a word that makes no sense: no candidates.
  }
}

}  // namespace incident::cli
