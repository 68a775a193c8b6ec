// The help formatter (help.hpp). CLI11's own prints its parser's view: "TITLE TEXT
// REQUIRED", "[[ID] [PHASE](0x)]", the app's footer under every command. This one prints
// what a responder needs at 3 a.m.: what the command does, how to call it, what each
// option means, and examples of that command.
#include "help.hpp"

#include "common.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace incident::cli {

namespace help_format {

// ---------------------------------------------------------------------------------------
// The examples of every command, keyed by its path ("open", "runbook validate"): each is
// a line that runs as typed (an ID such as 7f3a stands for yours), with what it shows.
// Every command and subcommand has some (tests/e2e/help_test.cpp checks); each line starts
// with "incident <path>", or runs it inside $(...).
struct Example {
  std::string_view path;
  std::string_view command;
  std::string_view comment;
};

constexpr Example k_command_examples[] = {
    {"open", R"(incident open "Checkout API 500s" -s P1 --impact "50% of checkouts fail")", ""},
    {"open", R"(incident open "Login errors" -s high --commander alice --at 03:12)", "it started at 03:12"},
    {"open", R"(incident open "Payments down" -s P0 --at "15m ago" --post)", "also post the message to chat"},
    {"open", R"(incident open "Game day: primary DB fails over" -s P2 --drill)", "an exercise: messages say so"},

    {"ack", "incident ack", "with one incident open, the ID may be left out"},
    {"ack", "incident ack 7f3a", "an id, or any unique prefix of it"},
    {"ack", R"(incident ack --at "5m ago")", "acked on the phone before reaching a terminal"},

    {"update", R"(incident update --findings "bad deploy" --next "rolling back" --eta 30m)", ""},
    {"update", R"(incident update 7f3a --findings "replica lag" --next "failing over to db-2")", ""},
    {"update", R"(incident update --findings "errors gone" --next "watching" --status monitoring)", ""},
    {"update", R"(incident update --findings "bad deploy" --next "rolling back" --post)", "also post it to chat"},

    {"note", R"(incident note "rollback started")", ""},
    {"note", R"(incident note 7f3a "paged the payments team")", "with several incidents open"},
    {"note", R"(incident note "failover done" --at 03:41)", "backfilled"},

    {"resolve", R"(incident resolve --root-cause "bad config" --fix "rolled back to 4.2.0")", ""},
    {"resolve", R"(incident resolve --root-cause OOM --fix "raised limit" --monitoring "memory")", ""},
    {"resolve", R"(incident resolve 7f3a --root-cause "expired TLS cert" --fix "renewed" --post)", ""},

    {"close", "incident close", "the one open incident, once resolved"},
    {"close", "incident close 7f3a", ""},

    {"reopen", "incident reopen 7f3a", "the errors came back: investigating again"},
    {"reopen", R"(incident reopen 7f3a --at "10m ago")", ""},

    {"severity", "incident severity P0", "re-grade the one open incident"},
    {"severity", R"(incident severity 7f3a low --reason "only internal tools affected")", ""},
    {"severity", "incident severity critical --post", "also post the line to chat"},

    {"handoff", "incident handoff bob", "bob becomes the incident commander"},
    {"handoff", R"(incident handoff 7f3a carol --reason "end of shift")", ""},
    {"handoff", "incident handoff bob --post", "also post the line to chat"},

    {"edit", R"(incident edit --title "Checkout API 500s in eu-west")", "a better title"},
    {"edit", R"(incident edit 7f3a --impact "all card payments fail")", ""},
    {"edit", R"(incident edit --impact "")", "clear the impact"},

    {"brief", "incident brief", "read up before you take over"},
    {"brief", "incident brief 7f3a --post", "post the briefing to chat"},
    {"brief", "incident brief --json | jq .brief", "the facts, for a script"},

    {"list", "incident list", "the incidents not closed, newest first"},
    {"list", "incident list --all --severity P0", ""},
    {"list", "incident list --status monitoring", ""},
    {"list", "incident list --ndjson | jq -r .id", "one JSON object per line"},

    {"show", "incident show", "the one open incident"},
    {"show", "incident show 7f3a", ""},
    {"show", "incident show 7f3a --json", ""},

    {"render", "incident render investigation", "the Investigation Update as things stand"},
    {"render", "incident render 7f3a resolution --copy", "and put it on the clipboard"},

    {"post", "incident post investigation", "post the Investigation Update again"},
    {"post", "incident post 7f3a brief", ""},
    {"post", "incident post --retry", "send what a failed post left in the outbox"},

    {"checklist", "incident checklist", "every phase, with what is done"},
    {"checklist", "incident checklist 7f3a investigation", "one phase"},
    {"checklist", "incident checklist --at 2026-11-27T04:00:00Z", "as it stood then"},

    {"check", "incident check initial.acknowledge initial.check-dashboard", "by the runbook's ids"},
    {"check", "incident check 3 4 5", "by the numbers incident checklist shows"},
    {"check", "incident check 7f3a post.system-stable", ""},

    {"uncheck", "incident uncheck initial.check-dashboard", ""},
    {"uncheck", "incident uncheck 7f3a 4", ""},

    {"skip", R"(incident skip initial.setup-channel --reason "channel already exists")", ""},
    {"skip", R"(incident skip 7f3a resolution.test-staging --reason "verified in production")", ""},

    {"status", "incident status", "SLA clocks, escalation triggers, what to do"},
    {"status", "incident status 7f3a --at 2026-11-27T04:00:00Z", "as it stood then"},
    {"status", "incident status --check --within 10m || notify-oncall", "for cron: exit 8 when something is due"},

    {"flag", "incident flag security", ""},
    {"flag", "incident flag 7f3a multiple-systems data-loss", ""},

    {"unflag", "incident unflag data-loss", "it was not"},
    {"unflag", "incident unflag 7f3a security", ""},

    {"escalate", "incident escalate", "to the level the triggers call for"},
    {"escalate", R"(incident escalate --level 3 --reason "customer data exposed")", ""},
    {"escalate", R"(incident escalate 7f3a --reason "no progress" --post)", ""},

    {"prompt", "incident prompt", "e.g. P0 7f3a ack 3m overdue; nothing when none is open"},
    {"prompt", "PS1='$(incident prompt 2>/dev/null) '$PS1", "in your shell prompt"},

    {"action", R"(incident action add "alert on replica lag" --owner alice --due 2026-12-15)", ""},
    {"action", "incident action done 2", ""},
    {"action", "incident action list 7f3a", ""},

    {"action add", R"(incident action add "alert on replica lag" --owner alice --due 2026-12-15)", ""},
    {"action add", R"(incident action add 7f3a "add a canary stage to deploys")", ""},

    {"action done", "incident action done 2", "the number incident action list shows"},
    {"action done", "incident action done 7f3a 1", ""},

    {"action list", "incident action list", ""},
    {"action list", "incident action list 7f3a --json", ""},

    {"exec", "incident exec --step 2 -- kubectl rollout status deploy/checkout", "ticks item 2 if it exits 0"},
    {"exec", "incident exec 7f3a -- ./scripts/failover.sh db-2", "its exit code is incident's"},
    {"exec", R"(incident exec --shell -- 'kubectl logs deploy/api | grep -c " 500 "')", "pipes need --shell"},

    {"report", "incident report > postmortem.md", "the postmortem draft, in Markdown"},
    {"report", "incident report 7f3a --format json", ""},
    {"report", "incident report --at 2026-11-27T06:00:00Z", "an unresolved incident as it stood then"},

    {"stats", "incident stats", "every incident, per severity"},
    {"stats", "incident stats --since 2026-01-01 --severity P0", ""},
    {"stats", "incident stats --json", ""},
    {"stats", "incident stats --drills", "count drills (open --drill) too"},

    {"sync", "incident sync --init git@git.example.com:sre/incidents.git", "once per laptop"},
    {"sync", "incident sync", "commit, fetch, merge, push"},
    {"sync", "incident sync --status", "what would come in and go out"},

    {"export", "incident export > incidents.ndjson", "every incident, one per line"},
    {"export", "incident export --since 2026-01-01 | gzip > 2026.ndjson.gz", "those started since"},

    {"import", "incident import < incidents.ndjson", "merged as sync merges: importing twice changes nothing"},
    {"import", "incident import --json < old-laptop.ndjson", "what came in, as JSON"},

    {"watch", "incident watch", "the open incidents, ack and update countdowns"},
    {"watch", "incident watch 7f3a", "one incident: status, checklist, last events"},
    {"watch", "incident watch | head", "not on a terminal: one frame"},

    {"severities", "incident severities", ""},
    {"severities", "incident severities --json | jq '.[0].response_time_seconds'", ""},

    {"scenario", "incident scenario", "the scenarios"},
    {"scenario", "incident scenario database", "symptoms, response and escalation"},
    {"scenario", R"(incident scenario "API Performance Issues")", "by name"},

    {"escalation", "incident escalation", "when to escalate, and to whom"},
    {"escalation", "incident escalation --json", ""},

    {"runbook", "incident runbook validate my-runbook.yaml", ""},
    {"runbook", "incident runbook show phases", "the phase checklists"},

    {"runbook validate", "incident runbook validate", "the runbook in use"},
    {"runbook validate", "incident runbook validate my-runbook.yaml", "before you commit it"},
    {"runbook validate", "incident runbook validate my-runbook.yaml --json", "the verdict, for CI"},

    {"init", "incident init", "copy the bundled runbook and templates into ~/.config/incident"},
    {"init", "incident init --json | jq -r '.edit_first[] | .line'", "the lines to edit first"},

    {"config", "incident config show", "each setting, its value and where it came from"},
    {"config", "incident config show --json", "the same for a script"},

    {"config show", "incident config show", ""},
    {"config show", "incident config show --as alice --color never", "what these options change"},

    {"runbook show", "incident runbook show", "the whole runbook"},
    {"runbook show", "incident runbook show escalation", ""},
    {"runbook show", "incident runbook show phases --runbook my-runbook.yaml", ""},

    {"completion", "incident completion bash > ~/.local/share/bash-completion/completions/incident",
     "bash: every new shell (a package installs it for you)"},
    {"completion", "incident completion zsh > ~/.zfunc/_incident", "zsh, with fpath+=(~/.zfunc) before compinit"},
    {"completion", "incident completion fish > ~/.config/fish/completions/incident.fish", ""},
    {"completion", R"x(eval "$(incident completion bash)")x", "this shell only"},
};

// Usage lines a command has besides the one built from its options.
struct Usage {
  std::string_view path;
  std::string_view line;
};

constexpr Usage k_more_usage[] = {
    {"post", "incident post --retry [options]"},
    {"status", "incident status --check [--within DURATION] [--at TIME] [options]"},
};

// ---------------------------------------------------------------------------------------
// Text.

constexpr std::size_t k_default_width = 80;
constexpr std::size_t k_indent = 2;  // of rows and examples
constexpr std::size_t k_gap = 2;  // between the two columns
constexpr std::size_t k_most_left = 26;  // a wider left column puts its description below
constexpr std::size_t k_least_right = 24;  // a narrower right column: descriptions below
constexpr std::size_t k_below_indent = 6;  // of a description below its names

using text::columns;
using text::fill;
using text::words_of;
using text::wrap_lines;

std::string indented(const std::vector<std::string>& lines, std::size_t indent) {
  std::string out;
  for (const auto& line : lines) {
    out += line.empty() ? std::string() : std::string(indent, ' ') + line;
    out += '\n';
  }
  return out;
}

std::string trimmed(std::string_view text) {
  const std::size_t start = text.find_first_not_of('\n');
  if (start == std::string_view::npos) {
    return {};
  }
  return std::string(text.substr(start, text.find_last_not_of('\n') - start + 1));
}

// A footer's own layout, kept: a line wider than `width` is filled under its second column
// (after a gap of two spaces or more), or under its label ("Exit codes: "), else under its
// own indent; a command line ("  incident list --all --json") is not broken.
std::string reflow(std::string_view text, std::size_t width) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (columns(line) <= width) {
      out += std::string(line) + "\n";
      continue;
    }
    const std::size_t lead = std::min(line.find_first_not_of(' '), line.size());
    std::size_t hang = std::string_view::npos;
    if (const std::size_t gap = line.find("  ", lead); gap != std::string_view::npos) {
      hang = line.find_first_not_of(' ', gap);
    } else if (line.substr(lead).starts_with("incident ")) {
      out += std::string(line) + "\n";
      continue;
    } else if (const std::size_t colon = line.find(": ", lead); colon != std::string_view::npos && colon < lead + 20) {
      hang = colon + 2;
    } else {
      hang = lead;  // prose: filled under its own indent
    }
    if (hang >= line.size() || width < hang + k_least_right) {
      out += std::string(line) + "\n";
      continue;
    }
    const auto lines = fill(words_of(line.substr(hang)), width - hang);
    out += std::string(line.substr(0, hang)) + lines.front() + "\n";
    out += indented(std::vector<std::string>(lines.begin() + 1, lines.end()), hang);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Rows: names on the left, what they mean on the right.

struct Row {
  std::string left;
  std::string right;
};

std::string render_rows(const std::vector<Row>& rows, std::size_t left_width, std::size_t width) {
  std::string out;
  const std::size_t right_at = k_indent + left_width + k_gap;
  const bool below = width < right_at + k_least_right;
  for (const auto& row : rows) {
    std::string line = std::string(k_indent, ' ') + row.left;
    if (row.right.empty()) {
      out += line + "\n";
      continue;
    }
    if (below) {
      out += line + "\n" + indented(wrap_lines(row.right, width - std::min(width, k_below_indent)), k_below_indent);
      continue;
    }
    auto lines = wrap_lines(row.right, width - right_at);
    if (columns(row.left) > left_width) {
      out += line + "\n" + indented(lines, right_at);
      continue;
    }
    line += std::string(right_at - columns(line), ' ') + lines.front() + "\n";
    lines.erase(lines.begin());
    out += line + indented(lines, right_at);
  }
  return out;
}

std::size_t left_width_of(const std::vector<std::vector<Row>>& sections) {
  std::size_t widest = 0;
  for (const auto& rows : sections) {
    for (const auto& row : rows) {
      const std::size_t here = columns(row.left);
      if (here <= k_most_left) {
        widest = std::max(widest, here);
      }
    }
  }
  return widest;
}

// ---------------------------------------------------------------------------------------
// What CLI11 knows of a command.

// "open", "runbook validate", or "" for the app.
std::string path_of(const CLI::App* app) {
  std::string path;
  for (const CLI::App* at = app; at->get_parent() != nullptr; at = at->get_parent()) {
    path = path.empty() ? at->get_name() : at->get_name() + " " + path;
  }
  return path;
}

bool shown(const CLI::Option* option) { return !option->get_group().empty(); }

// A flag takes no value (--post); an option does (--at TIME).
bool is_flag(const CLI::Option* option) { return option->get_type_size() == 0 || option->get_expected_max() == 0; }

// "SEV" for -s,--severity SEV: the type without the validators CLI11 appends (":not empty").
std::string type_of(const CLI::Option* option) {
  if (is_flag(option)) {
    return {};
  }
  if (!option->get_option_text().empty()) {
    return option->get_option_text();
  }
  const std::string type = option->get_type_name();
  return type.substr(0, type.find(':'));
}

bool many(const CLI::Option* option) { return option->get_expected_max() >= CLI::detail::expected_max_vector_size; }

// "-s, --severity SEV"
std::string names_of(const CLI::Option* option) {
  std::vector<std::string> names;
  for (const auto& name : option->get_snames()) {
    names.push_back("-" + name);
  }
  for (const auto& name : option->get_lnames()) {
    names.push_back("--" + name);
  }
  std::string out = CLI::detail::join(names, ", ");
  if (const std::string type = type_of(option); !type.empty()) {
    out += " " + type + (many(option) ? " ..." : "");
  }
  return out;
}

// "-s SEV" on the usage line: its first name and its type.
std::string usage_of(const CLI::Option* option) {
  std::string out = option->get_snames().empty() ? "--" + option->get_lnames().front() : "-" + option->get_snames().front();
  if (const std::string type = type_of(option); !type.empty()) {
    out += " " + type + (many(option) ? " ..." : "");
  }
  return out;
}

// A positional as it is named: "TITLE", "[ID]" when optional, "ITEM..." when it takes many.
// A name that says it all already ("[ID] TEXT", "[ID] [PHASE]") is shown as it is.
std::string positional_usage(const CLI::Option* option) {
  const std::string name = option->get_name(true, false);
  const std::string more = many(option) ? "..." : "";
  if (name.find_first_of(" [") != std::string::npos) {
    return name + more;
  }
  return option->get_required() ? name + more : "[" + name + more + "]";
}

std::string description_of(const CLI::Option* option) {
  std::vector<std::string> parts;
  if (!option->get_description().empty()) {
    parts.push_back(option->get_description());
  }
  if (option->get_required() && option->nonpositional()) {
    parts.emplace_back("(required)");
  }
  if (!option->get_envname().empty()) {
    parts.push_back("(env " + option->get_envname() + ")");
  }
  for (const auto* other : option->get_needs()) {
    parts.push_back("(with " + other->get_name() + ")");
  }
  for (const auto* other : option->get_excludes()) {
    parts.push_back("(not with " + other->get_name() + ")");
  }
  return CLI::detail::join(parts, " ");
}

std::vector<const CLI::App*> commands_of(const CLI::App* app) {
  return app->get_subcommands([](const CLI::App* sub) {
    return !sub->get_disabled() && !sub->get_name().empty() && !sub->get_group().empty();
  });
}

std::vector<const CLI::Option*> own_options(const CLI::App* app) {
  return app->get_options([app](const CLI::Option* option) {
    return shown(option) && option->nonpositional() && option != app->get_help_ptr();
  });
}

// The options of the commands above `app` that it accepts (they fall through), the
// app's first; then its own -h, --help. --version only at the top.
std::vector<const CLI::Option*> global_options(const CLI::App* app) {
  std::vector<const CLI::App*> above;
  for (const CLI::App* at = app->get_parent(); at != nullptr; at = at->get_parent()) {
    above.push_back(at);
  }
  std::reverse(above.begin(), above.end());
  std::vector<const CLI::Option*> options;
  for (const CLI::App* each : above) {
    for (const auto* option : each->get_options([each](const CLI::Option* o) {
           return shown(o) && o->nonpositional() && o != each->get_help_ptr() && !o->check_lname("version");
         })) {
      options.push_back(option);
    }
  }
  if (app->get_parent() == nullptr) {
    options = own_options(app);
  }
  if (app->get_help_ptr() != nullptr) {
    options.push_back(app->get_help_ptr());
  }
  return options;
}

std::vector<Row> rows_of(const std::vector<const CLI::Option*>& options) {
  std::vector<Row> rows;
  for (const auto* option : options) {
    rows.push_back({option->get_positional() ? option->get_name(true, false) : names_of(option), description_of(option)});
  }
  return rows;
}

// "Usage: incident open TITLE -s SEV [--impact TEXT] ... [options]", filled to `width`
// under its first words; then the command's other forms.
std::string usage_section(const CLI::App* app, const std::string& path, std::size_t width) {
  const std::string head = path.empty() ? "incident" : "incident " + path;
  std::vector<std::string> words{head};
  for (const auto* option : app->get_options([](const CLI::Option* o) { return shown(o) && o->get_positional(); })) {
    words.push_back(positional_usage(option));
  }
  // At the top, the options are the global ones: "[options]" says it.
  const auto options = app->get_parent() == nullptr ? std::vector<const CLI::Option*>{} : own_options(app);
  for (const auto* option : options) {
    if (option->get_required()) {
      words.push_back(usage_of(option));
    }
  }
  for (const auto* option : options) {
    if (!option->get_required() && !is_flag(option)) {
      words.push_back("[" + usage_of(option) + "]");
    }
  }
  if (!commands_of(app).empty()) {
    words.emplace_back(app->get_require_subcommand_min() > 0 ? "COMMAND" : "[COMMAND]");
  }
  words.emplace_back("[options]");

  const std::string label = "Usage: ";
  const std::size_t under = label.size() + columns(head) + 1;
  const bool hang = width >= under + k_least_right;
  const auto lines = fill(std::vector<std::string>(words.begin() + 1, words.end()), hang ? width - under : width);
  std::string out = label + head + " " + lines.front() + "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) {
    out += std::string(hang ? under : label.size(), ' ') + lines[i] + "\n";
  }
  for (const auto& usage : k_more_usage) {
    if (usage.path == path) {
      out += std::string(label.size(), ' ') + std::string(usage.line) + "\n";
    }
  }
  return out;
}

// "  # what it shows", filled to `width`, each line a comment.
std::string comment_above(std::string_view comment, std::size_t width) {
  const std::size_t prefix = k_indent + columns("# ");
  std::string out;
  for (const auto& line : fill(words_of(comment), width > prefix ? width - prefix : 1)) {
    out += std::string(k_indent, ' ') + "# " + line + "\n";
  }
  return out;
}

// "  incident open ...   # what it shows": comments aligned when they fit beside their
// examples, else on the line above.
std::string examples_section(const std::string& path, std::size_t width) {
  std::vector<const Example*> examples;
  for (const auto& example : k_command_examples) {
    if (example.path == path) {
      examples.push_back(&example);
    }
  }
  if (examples.empty()) {
    return {};
  }
  auto beside = [&](const Example* example, std::size_t at) {
    return at + columns("# ") + columns(example->comment) <= width;
  };
  std::size_t aligned = 0;
  for (const auto* example : examples) {
    const std::size_t after = k_indent + columns(example->command) + k_gap;
    if (!example->comment.empty() && beside(example, after)) {
      aligned = std::max(aligned, after);
    }
  }
  std::string out = "Examples:\n";
  for (const auto* example : examples) {
    const std::string line = std::string(k_indent, ' ') + std::string(example->command);
    const std::string comment = "# " + std::string(example->comment);
    if (example->comment.empty()) {
      out += line + "\n";
    } else if (aligned >= columns(line) + k_gap && beside(example, aligned)) {
      out += line + std::string(aligned - columns(line), ' ') + comment + "\n";
    } else if (beside(example, columns(line) + k_gap)) {
      out += line + std::string(k_gap, ' ') + comment + "\n";
    } else {
      out += comment_above(example->comment, width) + line + "\n";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------

class HelpFormatter : public CLI::Formatter {
public:
  explicit HelpFormatter(std::string global_footer) : m_global_footer(std::move(global_footer)) {}

  std::string make_help(const CLI::App* app, std::string /*name*/, CLI::AppFormatMode /*mode*/) const override {
    const std::size_t width = terminal_width() > 0 ? terminal_width() : k_default_width;
    const std::string path = path_of(app);
    const bool top = app->get_parent() == nullptr;

    const auto positionals =
        app->get_options([](const CLI::Option* option) { return shown(option) && option->get_positional(); });
    const auto own = top ? std::vector<const CLI::Option*>{} : own_options(app);
    const std::vector<Row> argument_rows = rows_of(positionals);
    const std::vector<Row> option_rows = rows_of(own);
    const std::vector<Row> global_rows = rows_of(global_options(app));
    std::vector<Row> command_rows;
    for (const auto* sub : commands_of(app)) {
      command_rows.push_back({sub->get_name(), sub->get_description()});
    }
    const std::size_t left = left_width_of({argument_rows, option_rows, global_rows, command_rows});

    std::vector<std::string> sections;
    if (!app->get_description().empty()) {
      sections.push_back(indented(wrap_lines(app->get_description(), width), 0));
    }
    sections.push_back(usage_section(app, path, width));
    auto add = [&](const std::string& title, const std::vector<Row>& rows) {
      if (!rows.empty()) {
        sections.push_back(title + ":\n" + render_rows(rows, left, width));
      }
    };
    add("Arguments", argument_rows);
    add("Commands", command_rows);
    add("Options", option_rows);
    add("Global options", global_rows);
    if (const std::string examples = examples_section(path, width); !examples.empty()) {
      sections.push_back(examples);
    }
    if (const std::string footer = trimmed(top ? m_global_footer : app->get_footer()); !footer.empty()) {
      sections.push_back(reflow(footer, width));
    }
    return CLI::detail::join(sections, "\n");
  }

private:
  std::string m_global_footer;
};

}  // namespace help_format

void install_help(CLI::App& app, std::string global_footer) {
  app.formatter(std::make_shared<help_format::HelpFormatter>(std::move(global_footer)));
}

namespace help_format {

std::vector<OptionDoc> docs_of(const std::vector<const CLI::Option*>& options) {
  std::vector<OptionDoc> docs;
  for (const auto& row : rows_of(options)) {
    docs.push_back({row.left, row.right});
  }
  return docs;
}

void add_command_docs(const CLI::App* app, std::vector<CommandDoc>& docs) {
  // Unwrapped: the reader (roff, a shell) fills lines itself.
  constexpr std::size_t k_unwrapped = 100'000;
  const std::string path = path_of(app);
  CommandDoc doc;
  doc.path = path;
  doc.description = app->get_description();
  for (const auto& line : wrap_lines(usage_section(app, path, k_unwrapped), k_unwrapped)) {
    const std::size_t start = line.find("incident");
    if (start != std::string::npos) {
      doc.usage.push_back(line.substr(start));
    }
  }
  doc.arguments = docs_of(positionals_of(*app));
  doc.options = docs_of(own_options(app));
  for (const auto& example : k_command_examples) {
    if (example.path == path) {
      doc.examples.push_back({std::string(example.command), std::string(example.comment)});
    }
  }
  doc.footer = trimmed(app->get_footer());
  docs.push_back(std::move(doc));
  for (const auto* sub : commands_of(app)) {
    add_command_docs(sub, docs);
  }
}

}  // namespace help_format

std::vector<CommandDoc> command_docs(const CLI::App& app) {
  std::vector<CommandDoc> docs;
  for (const auto* command : help_format::commands_of(&app)) {
    help_format::add_command_docs(command, docs);
  }
  return docs;
}

std::vector<OptionDoc> global_option_docs(const CLI::App& app) {
  return help_format::docs_of(help_format::global_options(&app));
}

std::vector<const CLI::App*> listed_commands(const CLI::App& app) { return help_format::commands_of(&app); }

std::vector<const CLI::Option*> accepted_options(const CLI::App& app) {
  std::vector<const CLI::Option*> options;
  if (app.get_parent() != nullptr) {
    options = help_format::own_options(&app);
  }
  const auto above = help_format::global_options(&app);
  options.insert(options.end(), above.begin(), above.end());
  return options;
}

std::vector<const CLI::Option*> positionals_of(const CLI::App& app) {
  return app.get_options(
      [](const CLI::Option* option) { return help_format::shown(option) && option->get_positional(); });
}

std::string value_type(const CLI::Option& option) { return help_format::type_of(&option); }

const CLI::App* find_subcommand(const CLI::App& app, std::string_view name) {
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == name) {
      return sub;
    }
  }
  return nullptr;
}

}  // namespace incident::cli
