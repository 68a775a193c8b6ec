// Shell completion (src/cli/completion.cpp): `incident __complete WORDS...` answers from
// the command definitions, the runbook and the store, and never says anything else; the
// scripts `incident completion bash|zsh|fish` print parse in their shell and, sourced in a
// real bash and fish, complete a partial command line through the binary.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/process.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

namespace {


// The values `incident __complete words...` offers (descriptions dropped); the run must
// exit 0 and say nothing on stderr.
std::vector<std::string> values(const Home& home, std::vector<std::string> words,
                                const std::map<std::string, std::string>& env = {}) {
  words.insert(words.begin(), "__complete");
  const Result result = home.run(words, env);
  INFO(describe(result));
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  std::vector<std::string> out;
  for (const auto& line : lines_of(result.out)) {
    out.push_back(line.substr(0, line.find('\t')));
  }
  return out;
}

// The lines themselves, "value<TAB>description".
std::vector<std::string> lines(const Home& home, std::vector<std::string> words) {
  words.insert(words.begin(), "__complete");
  const Result result = home.run(words);
  INFO(describe(result));
  CHECK(result.exit_code == 0);
  return lines_of(result.out);
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

using Catch::Matchers::VectorContains;

// The script `incident completion shell` prints, written into the home.
fs::path script(const Home& home, const std::string& shell) {
  const Result result = home.run({"completion", shell});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.err.empty());
  const fs::path path = home.path() / ("completion." + shell);
  write_text(path, result.out);
  return path;
}

// Runs `program args...` in the home with the binary's directory first on PATH, as a
// user who installed it.
Result shell(const Home& home, const std::string& program, const std::vector<std::string>& args) {
  Launch how = home.how(args, {{"PATH", fs::path(binary()).parent_path().string() + ":/usr/bin:/bin"}});
  how.program = program;
  return launch(how);
}

bool have(const std::string& program) {
  return fs::exists(program);
}

// `incident <line><TAB>` in bash: the script sourced, COMP_* set as readline sets them,
// the function called; COMPREPLY one per line.
std::vector<std::string> bash_complete(const Home& home, const fs::path& path, const std::vector<std::string>& words) {
  std::string array = "incident";
  std::string line = "incident";
  for (const auto& word : words) {
    array += " '" + word + "'";
    line += " " + word;
  }
  const std::string code = "source '" + path.string() + "'; COMP_WORDS=(" + array +
                           "); COMP_CWORD=" + std::to_string(words.size()) + "; COMP_LINE='" + line +
                           "'; COMP_POINT=" + std::to_string(line.size()) +
                           "; _incident; printf '%s\\n' \"${COMPREPLY[@]}\"";
  const Result result = shell(home, "/bin/bash", {"--norc", "--noprofile", "-c", code});
  INFO(describe(result));
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  return lines_of(result.out);
}

}  // namespace

TEST_CASE("__complete offers the commands and options from the definitions", "[completion]") {
  Home home;
  const auto commands = values(home, {""});
  for (const std::string command : {"open", "ack", "update", "check", "runbook", "completion", "help"}) {
    CHECK_THAT(commands, VectorContains(command));
  }
  CHECK_FALSE(has(commands, "__complete"));
  CHECK(values(home, {"ac"}) == std::vector<std::string>{"ack", "action"});
  CHECK(values(home, {"AC"}) == std::vector<std::string>{"ack", "action"});  // any case
  CHECK_THAT(lines(home, {"res"}),
             VectorContains(std::string("resolve\tResolve an incident; prints the Resolution Update")));

  // A command's own options, the global ones and --help; not another command's.
  const auto open_options = values(home, {"open", "--"});
  for (const std::string option :
       {"--severity", "--impact", "--ack", "--at", "--post", "--json", "--state-dir", "--help"}) {
    CHECK_THAT(open_options, VectorContains(option));
  }
  CHECK_FALSE(has(open_options, "--findings"));
  CHECK_THAT(values(home, {"open", "-"}), VectorContains(std::string("-s")));
  CHECK(values(home, {"update", "--fi"}) == std::vector<std::string>{"--findings"});
  // Subcommands, and the words of `incident help`.
  CHECK(values(home, {"runbook", ""}) == std::vector<std::string>{"validate", "show"});
  CHECK(values(home, {"action", ""}) == std::vector<std::string>{"add", "done", "list"});
  CHECK(values(home, {"help", "run"}) == std::vector<std::string>{"runbook"});
  CHECK(values(home, {"help", "runbook", ""}) == std::vector<std::string>{"validate", "show"});
  CHECK(values(home, {"completion", ""}) == std::vector<std::string>{"bash", "zsh", "fish"});
  CHECK(values(home, {"--color", ""}) == std::vector<std::string>{"auto", "always", "never"});
}

TEST_CASE("every command help lists is offered", "[completion]") {
  Home home;
  const Result help = home.run({"--help"});
  REQUIRE(help.exit_code == 0);
  const auto offered = values(home, {""});
  bool in_commands = false;
  int seen = 0;
  for (const auto& line : lines_of(help.out)) {
    if (line == "Commands:") {
      in_commands = true;
    } else if (line.empty()) {
      in_commands = false;
    } else if (in_commands && line.size() > 2 && line[2] != ' ') {
      const std::string name = line.substr(2, line.find(' ', 2) - 2);
      CHECK_THAT(offered, VectorContains(name));
      ++seen;
    }
  }
  CHECK(seen > 30);
}

TEST_CASE("__complete offers values from the runbook", "[completion]") {
  Home home;
  CHECK(values(home, {"open", "T", "-s", ""}) ==
        std::vector<std::string>{"P0", "P1", "P2", "P3", "critical", "high", "medium", "low"});
  CHECK(values(home, {"open", "T", "--severity", "h"}) == std::vector<std::string>{"high"});
  CHECK(values(home, {"severity", "P"}) == std::vector<std::string>{"P0", "P1", "P2", "P3"});
  const auto items = values(home, {"check", ""});
  CHECK_THAT(items, VectorContains(std::string("initial.acknowledge")));
  CHECK_THAT(items, VectorContains(std::string("post.system-stable")));
  CHECK_THAT(lines(home, {"check", "initial.ack"}),
             VectorContains(std::string("initial.acknowledge\tAcknowledge the incident in the incident channel")));
  CHECK_THAT(values(home, {"skip", "initial.acknowledge", "init"}),
             VectorContains(std::string("initial.setup-channel")));
  CHECK(values(home, {"flag", ""}) == std::vector<std::string>{"multiple-systems", "security", "data-loss"});
  CHECK(values(home, {"unflag", "sec"}) == std::vector<std::string>{"security"});
  CHECK_THAT(values(home, {"scenario", ""}), VectorContains(std::string("database")));
  CHECK_THAT(values(home, {"runbook", "show", ""}), VectorContains(std::string("post-incident")));
  CHECK(values(home, {"render", ""}) == std::vector<std::string>{"initial", "investigation", "resolution"});
  CHECK(values(home, {"render", "initial", ""}).empty());
  CHECK(values(home, {"post", ""}) == std::vector<std::string>{"initial", "investigation", "resolution", "brief"});
  CHECK(values(home, {"update", "--status", ""}) ==
        std::vector<std::string>{"investigating", "identified", "monitoring"});
  CHECK(values(home, {"list", "--status", ""}) ==
        std::vector<std::string>{"investigating", "identified", "monitoring", "resolved", "closed"});
  CHECK_THAT(values(home, {"checklist", ""}), VectorContains(std::string("investigation")));
  // Files and directories are the shell's to complete.
  CHECK(values(home, {"--runbook", ""}) == std::vector<std::string>{":files"});
  CHECK(values(home, {"open", "--state-dir", "/tm"}) == std::vector<std::string>{":dirs"});
  CHECK(values(home, {"runbook", "validate", ""}) == std::vector<std::string>{":files"});
  // A value that is free text has no candidates.
  CHECK(values(home, {"open", ""}).empty());
  CHECK(values(home, {"note", ""}).empty());
}

TEST_CASE("__complete offers the open incidents, with their titles", "[completion]") {
  Home home;
  CHECK(values(home, {"ack", ""}).empty());
  const std::string first = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  CHECK(lines(home, {"ack", ""}) == std::vector<std::string>{first + "\tCheckout API 500s (P1, investigating)"});
  CHECK(values(home, {"show", first.substr(0, 3)}) == std::vector<std::string>{first});
  // With one incident open its ID may be left out: `check` offers the items alone.
  CHECK_FALSE(has(values(home, {"check", ""}), first));
  const std::string second = open_incident(home, {"Login errors", "-s", "P2", "--at", "2026-11-27T03:20:00Z"});
  const auto both = values(home, {"ack", ""});
  CHECK(both == std::vector<std::string>{second, first});  // newest first, as list shows them
  const auto items_and_ids = values(home, {"check", ""});
  CHECK_THAT(items_and_ids, VectorContains(first));
  CHECK_THAT(items_and_ids, VectorContains(std::string("initial.acknowledge")));
  // The store named on the line is the one read.
  Home other;
  CHECK(values(other, {"--state-dir", home.state().string(), "ack", ""}) == both);
  CHECK(values(other, {"ack", "--state-dir=" + home.state().string(), ""}) == both);
  CHECK(values(other, {"ack", ""}).empty());
  // ... and the one the config file names, as for any command.
  fs::create_directories(other.path() / ".config" / "incident");
  write_text(other.path() / ".config" / "incident" / "config.yaml", "state_dir: " + home.state().string() + "\n");
  CHECK(values(other, {"ack", ""}, {{"INCIDENT_HOME", ""}}) == both);
}

TEST_CASE("__complete says nothing about a broken runbook or store", "[completion]") {
  Home home;
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  write_text(home.path() / "broken.yaml", "severities: [\n");
  CHECK(values(home, {"check", ""}, {{"INCIDENT_RUNBOOK", (home.path() / "broken.yaml").string()}}).empty());
  CHECK(values(home, {"--runbook", (home.path() / "missing.yaml").string(), "open", "T", "-s", ""}).empty());
  fs::permissions(home.state(), fs::perms::group_write, fs::perm_options::add);
  CHECK(values(home, {"ack", ""}).empty());
  fs::permissions(home.state(), fs::perms::group_write, fs::perm_options::remove);
  write_text(home.file(id), "{ not json");
  CHECK(values(home, {"ack", ""}).empty());
  // Words that make no sense: nothing, quietly.
  CHECK(values(home, {"nosuch", "--what", ""}).empty());
  CHECK(values(home, {"open", "-s"}) == std::vector<std::string>{"-s"});
  CHECK(values(home, {}).size() > 30);  // no word at all: as for ""
}

TEST_CASE("the completion scripts parse in their shells", "[completion]") {
  Home home;
  for (const std::string name : {"bash", "zsh", "fish"}) {
    const std::string program = "/usr/bin/" + name;
    if (!have(program)) {
      WARN(name << " is not installed (scripts/deps.sh installs it): its script is not checked");
      continue;
    }
    const fs::path path = script(home, name);
    const Result result = shell(home, program, {"-n", path.string()});
    INFO(name << "\n" << describe(result));
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
  }
  const Result unknown = home.run({"completion", "tcsh"});
  CHECK(unknown.exit_code == 2);
  // --json: one document, the script in it.
  const Result json = home.run({"completion", "fish", "--json"});
  REQUIRE(json.exit_code == 0);
  const auto document = parse_json(json.out);
  CHECK(document["shell"] == "fish");
  CHECK(document["script"] == read_text(script(home, "fish")));
}

TEST_CASE("bash completes a partial command line through the script", "[completion]") {
  Home home;
  REQUIRE(have("/bin/bash"));
  const fs::path path = script(home, "bash");
  CHECK(bash_complete(home, path, {"ac"}) == std::vector<std::string>{"ack", "action"});
  CHECK(bash_complete(home, path, {"open", "T", "-s", ""}) ==
        std::vector<std::string>{"P0", "P1", "P2", "P3", "critical", "high", "medium", "low"});
  CHECK_THAT(bash_complete(home, path, {"check", ""}), VectorContains(std::string("initial.acknowledge")));
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  CHECK(bash_complete(home, path, {"ack", ""}) == std::vector<std::string>{id});
  // Files: the shell's own, in the working directory (here the test's own).
  write_text(home.path() / "runbook-one.yaml", "");
  CHECK(bash_complete(home, path, {"--runbook", (home.path() / "runbook-o").string()}) ==
        std::vector<std::string>{(home.path() / "runbook-one.yaml").string()});
  // bash splits --runbook=FILE at the '='.
  CHECK(bash_complete(home, path, {"--color", "=", "al"}) == std::vector<std::string>{"always"});
}

TEST_CASE("fish completes a partial command line through the script", "[completion]") {
  Home home;
  if (!have("/usr/bin/fish")) {
    WARN("fish is not installed (scripts/deps.sh installs it)");
    return;
  }
  const fs::path path = script(home, "fish");
  auto complete = [&](const std::string& line) {
    const Result result = shell(home, "/usr/bin/fish",
                                {"--no-config", "-c", "source '" + path.string() + "'; complete -C '" + line + "'"});
    INFO(describe(result));
    CHECK(result.exit_code == 0);
    return lines_of(result.out);
  };
  const auto commands = complete("incident ac");
  CHECK(commands.size() == 2);
  CHECK_THAT(commands,
             VectorContains(std::string("ack\tAcknowledge an incident (you become commander if there is none)")));
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  CHECK(complete("incident ack ") == std::vector<std::string>{id + "\tCheckout API 500s (P1, investigating)"});
  CHECK_THAT(complete("incident flag "), VectorContains(std::string("security\tSecurity implications")));
}

TEST_CASE("zsh completes a partial command line through the script", "[completion]") {
  Home home;
  if (!have("/usr/bin/zsh")) {
    WARN("zsh is not installed (scripts/deps.sh installs it)");
    return;
  }
  const fs::path path = script(home, "zsh");
  // An interactive zsh on a pseudo-terminal (zsh/zpty), with compinit and the script; the
  // line typed with a TAB; its screen read until `wanted` shows (at most 10 s).
  auto complete = [&](const std::string& line, const std::string& wanted) {
    const std::string driver =
        "zmodload zsh/zpty\n"
        "zpty z zsh -f -i\n"
        "zpty -w z 'PS1=\"> \"; autoload -U compinit; compinit -u -D; source " +
        path.string() +
        "'\n"
        "zpty -n -w z $'" +
        line +
        "\\t'\n"  // typed, never run
        "out=''\n"
        "for i in {1..100}; do\n"
        "  while zpty -r -t z chunk; do out+=$chunk; done\n"
        "  [[ $out == *" +
        wanted +
        "* ]] && break\n"
        "  sleep 0.1\n"
        "done\n"
        "zpty -d z\n"
        "[[ $out == *" +
        wanted + "* ]] && print FOUND\n";
    write_text(home.path() / "driver.zsh", driver);
    const Result result = shell(home, "/usr/bin/zsh", {"-f", (home.path() / "driver.zsh").string()});
    INFO(line << " -> " << wanted << "\n" << describe(result));
    return result.exit_code == 0 && result.out.find("FOUND") != std::string::npos;
  };
  // `wanted` is a zsh pattern: the descriptions are aligned in a column.
  CHECK(complete("incident ac", "'action'*'-- Postmortem action items'"));
  CHECK(complete("incident ac", "'ack'*'-- Acknowledge an incident'"));
  const std::string id = open_incident(home, {"Checkout API 500s", "-s", "P1"});
  CHECK(complete("incident ack ", "'incident ack " + id + "'"));  // the one candidate, inserted
  CHECK(complete("incident open T -s ", "'P1'*'-- High'"));
  CHECK_FALSE(complete("incident open T -s ", "'nosuch'"));  // the driver can fail
}
