// `incident __man`: the manual page incident(1), in roff (man(7)), written from what
// --help shows (help.hpp: command_docs), the exit codes (error.hpp) and the environment
// (settings.hpp). The build runs it into share/man/man1/incident.1, so the page cannot
// drift from the commands. Every text is escaped: a backslash, a leading '.' or "'" or a
// character beyond ASCII in a description cannot break the page.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "help.hpp"
#include "incident/error.hpp"
#include "incident/roff.hpp"
#include "incident/settings.hpp"
#include "incident/text.hpp"
#include "version.hpp"

namespace incident::cli {

namespace man_page {

using roff::escape;
using roff::line;

// Lines kept as they are (usage, examples, a footer's table): no filling.
std::string verbatim(const std::vector<std::string>& lines) {
  std::string out = ".PP\n.RS 4\n.nf\n";
  for (const auto& each : lines) {
    out += "\\&" + escape(each) + "\n";
  }
  return out + ".fi\n.RE\n";
}

// ".TP" rows: "-s, --severity SEV" in bold, what it means below.
std::string rows(const std::vector<OptionDoc>& options) {
  std::string out;
  for (const auto& option : options) {
    out += ".TP\n\\fB" + escape(option.names) + "\\fR\n";
    if (!option.description.empty()) {
      out += line(option.description);
    }
  }
  return out;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    out.emplace_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::string command_section(const CommandDoc& doc) {
  std::string out = ".SS " + escape("incident " + doc.path) + "\n" + line(doc.description);
  out += verbatim(doc.usage);
  if (!doc.arguments.empty()) {
    out += ".PP\nArguments:\n.RS 4\n" + rows(doc.arguments) + ".RE\n";
  }
  if (!doc.options.empty()) {
    out += ".PP\nOptions:\n.RS 4\n" + rows(doc.options) + ".RE\n";
  }
  if (!doc.examples.empty()) {
    std::vector<std::string> examples;
    for (const auto& example : doc.examples) {
      if (!example.comment.empty()) {
        examples.push_back("# " + example.comment);
      }
      examples.push_back(example.command);
    }
    out += ".PP\nExamples:\n" + verbatim(examples);
  }
  if (!doc.footer.empty()) {
    out += verbatim(lines_of(doc.footer));
  }
  return out;
}

constexpr std::string_view k_description = R"(.B incident
turns the team's incident-response runbook (a YAML file) into live guidance during an
incident, and keeps each incident as an append-only timeline of events in a local JSON
file. Commands that record something print the message for the channel (the Initial
Status Update, the Investigation Update, the Resolution Update) on standard output,
exactly as it is to be pasted; what to do next, hints and warnings go to standard error.
With
.B \-\-json
standard output is exactly one JSON document.
.PP
An
.I ID
is an incident's id or any unique prefix of it; where exactly one incident is open it
may be left out.
.I SEV
is P0..P3 or a severity's name (critical, high, ...), in any case.
.I TIME
is what people type, in the user's zone:
.BR 03:12 ,
.BR "2026\-11\-27 03:12" ,
.BR "yesterday 23:50" ,
.BR \-15m ,
.BR "15m ago" ,
or RFC 3339 as scripts pass it.
Every command prints its own help with
.B \-\-help
(or
.BR "incident help COMMAND" ).
)";

constexpr std::string_view k_files_before_config = R"(.TP
.I $INCIDENT_HOME/incidents/ID.json
One file per incident: its events, the truth. The state dir defaults to
.I $XDG_DATA_HOME/incident
(else
.IR ~/.local/share/incident ).
.TP
.I $INCIDENT_HOME/index/
A summary index for
.B list
and
.BR prompt :
a cache, rebuilt when missing or stale.
.TP
.I $INCIDENT_HOME/lock
Serialises writes.
.TP
.I $INCIDENT_HOME/outbox/
Chat messages not yet posted.
.TP
.I $XDG_CONFIG_HOME/incident/runbook.yaml
The user's runbook (else
.IR ~/.config/incident/runbook.yaml ),
used when present and no
.B \-\-runbook
is given.
.TP
)";

constexpr std::string_view k_files_after_config = R"(.TP
.I $XDG_CACHE_HOME/incident/
The runbook cache (else
.IR ~/.cache/incident/ ).
.TP
.I PREFIX/share/incident/runbooks/default.yaml, PREFIX/share/incident/templates/
The bundled runbook and message templates, found relative to the binary.
)";

}  // namespace man_page

void print_man_page(const CLI::App& app, Context& ctx) {
  using man_page::escape;
  using man_page::line;
  std::string out;
  out += ".\\\" incident(1): written by 'incident __man' from the command definitions; do not edit.\n";
  out += fmt::format(".TH INCIDENT 1 \"\" \"{}\" \"User Commands\"\n", roff::escape(k_version));
  out += ".nh\n.ad l\n";  // no hyphenation, ragged right: names and options stay whole
  out += ".SH NAME\nincident \\- incident command from the terminal, driven by the team's runbook\n";
  out += ".SH SYNOPSIS\n.B incident\n[\\fIoptions\\fR] \\fICOMMAND\\fR [\\fIarguments\\fR]\n";
  out += ".SH DESCRIPTION\n" + std::string(man_page::k_description);
  out += ".SH COMMANDS\n";
  for (const auto& doc : command_docs(app)) {
    out += man_page::command_section(doc);
  }
  out += ".SH GLOBAL OPTIONS\nAccepted by every command, before or after its name.\n";
  out += man_page::rows(global_option_docs(app));
  out += ".SH ENVIRONMENT\n";
  for (const auto& variable : environment_variables()) {
    out += ".TP\n.B " + escape(variable.name) + "\n" + line(variable.meaning);
  }
  out += ".SH FILES\n" + std::string(man_page::k_files_before_config);
  std::vector<std::string> keys;
  for (const auto& setting : setting_specs()) {
    keys.emplace_back(setting.key);
  }
  keys.insert(keys.end(), std::begin(k_config_sections), std::end(k_config_sections));
  out += ".TP\n.I $XDG_CONFIG_HOME/incident/config.yaml\n" +
         line("The user's settings (else ~/.config/incident/config.yaml): " + text::join(keys, ", ") +
              "; an option or environment variable overrides each.");
  out += man_page::k_files_after_config;
  out += ".SH EXIT STATUS\n";
  for (const auto& code : exit_codes()) {
    out += fmt::format(".TP\n.B {}\n", static_cast<int>(code.code)) + line(code.meaning);
  }
  out +=
      ".SH SEE ALSO\n.BR git (1)\n.PP\nThe README and docs/ of the source tree: the runbook format, the incident file "
      "format and the threat model.\n";
  ctx.out(out);
}

}  // namespace incident::cli
