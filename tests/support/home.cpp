#include "support/home.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace incident::test {

std::string describe(const Result& result) {
  return "exit " + std::to_string(result.exit_code) + (result.timed_out ? " (timed out)" : "") + "\n--- stdout\n" +
         result.out + "--- stderr\n" + result.err;
}

Remote::Remote() {
  Launch how;
  how.program = "git";
  how.args = {"init", "--quiet", "--bare", path().string()};
  how.home = m_dir.path();
  how.timeout = k_time_limit;
  const Result result = launch(how);
  INFO("git init --bare\n" << describe(result));
  REQUIRE(result.exit_code == 0);
}

Result ok(const Home& home, const std::vector<std::string>& args) {
  auto result = home.run(args);
  INFO("incident " << Catch::Detail::stringify(args) << "\n" << describe(result));
  REQUIRE(result.exit_code == 0);
  return result;
}

std::string open_incident(const Home& home, std::vector<std::string> args) {
  args.insert(args.begin(), "open");
  if (std::find(args.begin(), args.end(), "--at") == args.end()) {
    args.insert(args.end(), {"--at", k_t0});
  }
  const auto result = ok(home, args);
  if (std::find(args.begin(), args.end(), "--json") != args.end()) {
    return nlohmann::json::parse(result.out)["id"].get<std::string>();
  }
  // stderr: "Recorded at ..." (the --at understood), then a line "Opened <id> ...".
  const std::string err = "\n" + result.err;
  const std::string marker = "\nOpened ";
  const auto at = err.find(marker);
  REQUIRE(at != std::string::npos);
  const auto start = at + marker.size();
  const auto end = err.find(' ', start);
  REQUIRE(end != std::string::npos);
  return err.substr(start, end - start);
}

nlohmann::json parse_json(const std::string& text) {
  INFO("not one JSON document:\n" << text);
  nlohmann::json document;
  REQUIRE_NOTHROW(document = nlohmann::json::parse(text));
  return document;
}

std::string masked(std::string text, const std::vector<std::string>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::string placeholder = "INC-000" + std::to_string(i + 1);
    placeholder.resize(ids[i].size(), '-');
    for (auto at = text.find(ids[i]); at != std::string::npos; at = text.find(ids[i], at + placeholder.size())) {
      text.replace(at, ids[i].size(), placeholder);
    }
  }
  return text;
}

void check_golden(const std::string& name, const std::string& actual) {
  const std::string mismatch = golden_mismatch(name, actual);
  INFO(mismatch);
  CHECK(mismatch.empty());
}

}  // namespace incident::test
