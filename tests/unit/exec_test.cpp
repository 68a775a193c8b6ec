#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "incident/error.hpp"
#include "incident/exec.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::ScratchDir;

namespace {

std::string numbered(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) {
    out += "line " + std::to_string(i) + "\n";
  }
  return out;
}

std::filesystem::path config(const ScratchDir& dir, const std::string& text) {
  const auto path = dir.path() / "config.yaml";
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("last_lines keeps the last lines within a byte cap") {
  CHECK(last_lines("", 20, 4096).empty());
  CHECK(last_lines("one\ntwo\n", 20, 4096) == "one\ntwo");
  CHECK(last_lines(numbered(1, 30), 20, 4096) == numbered(11, 29) + "line 30");
  // Fewer lines when more would pass the cap: whole lines only.
  CHECK(last_lines(numbered(1, 30), 20, 23) == "line 28\nline 29\nline 30");
  CHECK(last_lines(numbered(1, 30), 20, 22) == "line 29\nline 30");
  // One last line longer than the cap keeps its end, from a character boundary.
  const std::string wide = "ab" + std::string(10, 'x') + "\xc3\xa9" + "yz";  // é
  CHECK(last_lines(wide, 20, 4) == "\xc3\xa9yz");
  CHECK(last_lines(wide, 20, 3) == "yz");
  CHECK(last_lines("\n\nlast\n", 2, 100) == "\nlast");
  CHECK(last_lines(std::string(10'000, 'a'), 20, 4096).size() == 4096);
}

TEST_CASE("the default patterns redact the lines that hold secrets, and only those") {
  const Redactor redactor;
  CHECK(redactor.redact_text("deploying v4.2\npassword=hunter2\nok") == "deploying v4.2\n[redacted]\nok");
  CHECK(redactor.redact_text("PASSWORD: x") == "[redacted]");
  CHECK(redactor.redact_text("export GITHUB_TOKEN=ghp_x") == "[redacted]");
  CHECK(redactor.redact_text("Authorization: Bearer abc") == "[redacted]");
  CHECK(redactor.redact_text("curl -H 'authorization:x'") == "[redacted]");
  CHECK(redactor.redact_text("key AKIAABCDEFGHIJKLMNOP used") == "[redacted]");
  CHECK(redactor.redact_text("api_key=1") == "[redacted]");
  CHECK(redactor.redact_text("the secret sauce") == "[redacted]");
  CHECK(redactor.redact_text("all replicas healthy\n3/3 ready") == "all replicas healthy\n3/3 ready");
  CHECK(redactor.redact_text("AKIA is a prefix") == "AKIA is a prefix");
  // A private key: every line of the block.
  CHECK(redactor.redact_text("before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----\n"
                             "after") == "before\n[redacted]\n[redacted]\n[redacted]\n[redacted]\nafter");
  // A tail that cut the block's start still hides the key's lines.
  CHECK(redactor.redact_text("MIIEow\nAAAA\n-----END PRIVATE KEY-----\nafter") ==
        "[redacted]\n[redacted]\n[redacted]\nafter");
  // A block that never ends hides the rest.
  CHECK(redactor.redact_text("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl") == "[redacted]\n[redacted]");
}

TEST_CASE("arguments that look like secrets are redacted whole") {
  const Redactor redactor;
  CHECK(redactor.redact_argument("kubectl") == "kubectl");
  CHECK(redactor.redact_argument("--password=hunter2") == "[redacted]");
  CHECK(redactor.redact_argument("Authorization: Bearer x") == "[redacted]");
  CHECK(redactor.redact_argument("echo ok\nexport TOKEN=1") == "[redacted]");
  CHECK(format_command({"sh", "-c", "echo hi; exit 4"}) == "sh -c 'echo hi; exit 4'");
  CHECK(format_command({"curl", "[redacted]", ""}) == "curl [redacted] ''");
  CHECK(format_command({"sh", "-c", "echo 'hi'"}) == R"(sh -c 'echo '\''hi'\''')");
}

TEST_CASE("exec: redact: in the config file adds patterns") {
  ScratchDir dir;
  CHECK(load_exec_settings(dir.path() / "none.yaml").redact.empty());
  const auto path = config(dir, "chat:\n  timeout: 5\nexec:\n  redact: ['^X-Internal:', 'acct-[0-9]+']\n");
  const ExecSettings settings = load_exec_settings(path);
  REQUIRE(settings.redact.size() == 2);
  const Redactor redactor(settings.redact);
  CHECK(redactor.redact_text("x-internal: 1\nacct-42 charged\nacct-x fine") == "[redacted]\n[redacted]\nacct-x fine");
  CHECK(redactor.redact_text("password=1") == "[redacted]");  // the defaults stay
}

TEST_CASE("a bad exec: section is refused with its position") {
  ScratchDir dir;
  const auto refused = [&](const std::string& text) {
    try {
      (void)load_exec_settings(config(dir, text));
    } catch (const DataError& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refused("exec:\n  redact: ['(unclosed']\n"),
             Catch::Contains("config.yaml:2:12: exec.redact: '(unclosed' is not a valid regular expression"));
  CHECK_THAT(refused("exec:\n  redcat: []\n"), Catch::Contains("config.yaml:2:3: unknown key 'redcat' in exec") &&
                                                   Catch::Contains("did you mean 'redact'"));
  CHECK_THAT(refused("exec:\n  redact: password\n"),
             Catch::Contains("exec.redact must be a list of regular expressions, found text"));
  CHECK_THAT(refused("exec: []\n"), Catch::Contains("exec must be a mapping"));
  CHECK_THAT(refused("exec:\n  redact: ['']\n"), Catch::Contains("non-empty regular expression"));
  CHECK_THROWS_AS(Redactor({"(bad"}), UsageError);
}
