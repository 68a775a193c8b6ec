// "An incident is a team event" (#11), posting to chat: the real binary against a real
// HTTP server on 127.0.0.1 (support/http_server.hpp) standing in for Slack, Mattermost,
// Teams and Discord; nothing reaches the network.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/home.hpp"
#include "support/http_server.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

namespace {

using Env = std::map<std::string, std::string>;

constexpr const char* k_webhook_secret = "T000/B000/s3cretWebhook";
constexpr const char* k_token = "xoxb-s3cret-bot-token";
// What the stand-in answers every request: Slack's Web API reads the ts, webhooks ignore it.
constexpr const char* k_slack_ok = R"({"ok":true,"channel":"C0INCIDENT","ts":"1764213120.000100"})";

void answer_like_slack(HttpServer& server) {
  HttpReply reply;
  reply.body = k_slack_ok;
  reply.headers = {{"Content-Type", "application/json"}};
  server.set_default(reply);
}

Env slack_bot(const HttpServer& server) {
  return {{"INCIDENT_SLACK_TOKEN", k_token},
          {"INCIDENT_SLACK_CHANNEL", "#incidents"},
          {"INCIDENT_SLACK_API_URL", server.url("/api")}};
}

Env every_target(const HttpServer& server) {
  Env env = slack_bot(server);
  env["INCIDENT_SLACK_WEBHOOK_URL"] = server.url(std::string("/slack-webhook/") + k_webhook_secret);
  env["INCIDENT_MATTERMOST_WEBHOOK_URL"] = server.url("/mattermost/hooks/s3cretMattermost");
  env["INCIDENT_TEAMS_WEBHOOK_URL"] = server.url("/teams/workflows/s3cretTeams");
  env["INCIDENT_DISCORD_WEBHOOK_URL"] = server.url("/discord/api/webhooks/1/s3cretDiscord");
  return env;
}

Result run_with(const Home& home, const std::vector<std::string>& args, const Env& env, int expected = 0) {
  const Result result = home.run(args, env);
  INFO("incident " << Catch::Detail::stringify(args) << "\n" << describe(result));
  REQUIRE(result.exit_code == expected);
  return result;
}

std::string open_json(const Home& home, const std::vector<std::string>& extra, const Env& env, int expected = 0) {
  std::vector<std::string> args = {"--json", "open", "db <!channel> & @here down", "-s", "P1", "--at", k_t0};
  args.insert(args.end(), extra.begin(), extra.end());
  return parse_json(run_with(home, args, env, expected).out)["id"].get<std::string>();
}

const HttpRequest* find_request(const std::vector<HttpRequest>& requests, const std::string& prefix) {
  const auto found = std::find_if(requests.begin(), requests.end(),
                                  [&](const HttpRequest& r) { return r.target.rfind(prefix, 0) == 0; });
  return found == requests.end() ? nullptr : &*found;
}

std::vector<fs::path> outbox_files(const Home& home) {
  std::vector<fs::path> files;
  if (fs::exists(home.state() / "outbox")) {
    for (const auto& entry : fs::directory_iterator(home.state() / "outbox")) {
      if (entry.path().extension() == ".json") {
        files.push_back(entry.path());
      }
    }
  }
  return files;
}

// How many of the server's answered requests carried `needle` in their body.
std::size_t answered_with(const HttpServer& server, const std::string& needle) {
  const auto answered = server.answered();
  return static_cast<std::size_t>(std::count_if(answered.begin(), answered.end(), [&](const HttpRequest& r) {
    return r.body.find(needle) != std::string::npos;
  }));
}

}  // namespace

TEST_CASE("chat: each target gets its own payload, escaped, with mentions neutralised") {
  HttpServer server;
  answer_like_slack(server);
  Home home;
  const std::string id = open_json(home, {"--post"}, every_target(server));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 5);

  const HttpRequest* webhook = find_request(requests, "/slack-webhook/");
  REQUIRE(webhook != nullptr);
  const auto hook = parse_json(webhook->body);
  CHECK_THAT(hook["text"].get<std::string>(),
             Catch::StartsWith("🚨 INCIDENT: db &lt;!channel&gt; &amp; @here down\nSeverity: High\n"));
  CHECK(webhook->headers.at("content-type") == "application/json; charset=utf-8");

  const HttpRequest* bot = find_request(requests, "/api/chat.postMessage");
  REQUIRE(bot != nullptr);
  CHECK(bot->headers.at("authorization") == std::string("Bearer ") + k_token);
  const auto posted = parse_json(bot->body);
  CHECK(posted["channel"] == "#incidents");
  CHECK_FALSE(posted.contains("thread_ts"));

  const HttpRequest* mattermost = find_request(requests, "/mattermost/");
  REQUIRE(mattermost != nullptr);
  CHECK_THAT(parse_json(mattermost->body)["text"].get<std::string>(),
             Catch::StartsWith("🚨 INCIDENT: db <!channel> & @\u200Bhere down\n"));

  const HttpRequest* teams = find_request(requests, "/teams/");
  REQUIRE(teams != nullptr);
  const auto card = parse_json(teams->body)["attachments"][0]["content"];
  CHECK(card["type"] == "AdaptiveCard");
  CHECK(card["body"][0]["text"] == "🚨 INCIDENT: db <!channel> & @\u200Bhere down");
  CHECK(card["body"][1]["text"] == "Severity: High");

  const HttpRequest* discord = find_request(requests, "/discord/");
  REQUIRE(discord != nullptr);
  const auto message = parse_json(discord->body);
  CHECK_THAT(message["content"].get<std::string>(), Catch::StartsWith("🚨 INCIDENT: db <!channel> & @here down\n"));
  CHECK(message["allowed_mentions"]["parse"] == nlohmann::json::array());

  // The Web API's first message opened the incident's thread: an event on the timeline.
  const auto shown = parse_json(run_with(home, {"--json", "show", id}, {}).out);
  const auto& events = shown["events"];
  CHECK(std::any_of(events.begin(), events.end(), [](const nlohmann::json& e) {
    return e["type"] == "chat_thread" && e["thread"] == "1764213120.000100" && e["channel"] == "C0INCIDENT";
  }));
  CHECK(outbox_files(home).empty());
}

TEST_CASE("chat: a later message replies in the incident's thread, from another laptop after a sync") {
  HttpServer server;
  answer_like_slack(server);
  const Remote bare;
  const fs::path remote = bare.path();

  Home alice, bob;
  const std::string id = open_json(alice, {"--post", "--as", "alice"}, slack_bot(server));
  run_with(alice, {"sync", "--init", remote.string()}, {});
  run_with(bob, {"sync", "--init", remote.string()}, {});
  run_with(bob, {"--as", "bob", "update", id, "--findings", "bad deploy", "--next", "roll back", "--post"},
           slack_bot(server));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  const auto reply = parse_json(requests[1].body);
  CHECK(reply["thread_ts"] == "1764213120.000100");
  CHECK(reply["channel"] == "C0INCIDENT");
  CHECK_FALSE(reply.contains("reply_broadcast"));

  // Optionally to the channel too.
  Env broadcast = slack_bot(server);
  broadcast["INCIDENT_SLACK_BROADCAST"] = "1";
  run_with(bob, {"post", id, "investigation"}, broadcast);
  REQUIRE(server.requests().size() == 3);
  CHECK(parse_json(server.requests()[2].body)["reply_broadcast"] == true);

  // Bob's reply did not start a second thread.
  const auto events = parse_json(run_with(bob, {"--json", "show", id}, {}).out)["events"];
  CHECK(std::count_if(events.begin(), events.end(), [](const nlohmann::json& e) { return e["type"] == "chat_thread"; }) ==
        1);
}

TEST_CASE("chat: a 429 is waited out as Retry-After says, then the message goes once") {
  HttpServer server;
  HttpReply limited;
  limited.status = 429;
  limited.headers = {{"Retry-After", "1"}};
  server.script(limited);
  Home home;
  const Env env = {{"INCIDENT_DISCORD_WEBHOOK_URL", server.url("/discord/w")}};
  const std::string id = open_json(home, {}, {});
  const Result posted = run_with(home, {"post", id, "initial"}, env);
  CHECK_THAT(posted.err, Catch::Contains("Posted to discord."));
  CHECK(server.requests().size() == 2);
  CHECK(answered_with(server, "INCIDENT: db") == 2);  // the 429 and the 200
  CHECK(outbox_files(home).empty());
}

TEST_CASE("chat: a 500 is a warning with its own exit code, the event is kept and the outbox sends it once") {
  HttpServer server;
  HttpReply failure;
  failure.status = 500;
  failure.body = "internal error";
  server.script(failure);
  Home home;
  const Env env = {{"INCIDENT_MATTERMOST_WEBHOOK_URL", server.url("/mattermost/hooks/x")}};
  const std::string id = open_json(home, {}, {});
  const Result failed =
      run_with(home, {"update", id, "--findings", "disk full", "--next", "clean up", "--post"}, env, 10);
  CHECK_THAT(failed.out, Catch::StartsWith("🔍 UPDATE:"));  // printed all the same
  CHECK_THAT(failed.err, Catch::Contains("incident: warning: mattermost: Investigation Update for " + id +
                                         " not posted: HTTP 500: internal error; it waits in the outbox"));
  CHECK_THAT(run_with(home, {"show", id}, {}).out, Catch::Contains("disk full"));
  REQUIRE(outbox_files(home).size() == 1);

  const Result retried = run_with(home, {"post", "--retry"}, env);
  CHECK_THAT(retried.err, Catch::Contains("Posted 1 earlier message from the outbox."));
  CHECK(outbox_files(home).empty());
  CHECK(answered_with(server, "disk full") == 2);  // the 500, then the one that went
  const Result again = run_with(home, {"post", "--retry"}, env);
  CHECK_THAT(again.err, Catch::Contains("The outbox is empty"));
  CHECK(server.requests().size() == 2);
}

TEST_CASE("chat: a timeout leaves the message queued, and the next successful post sends it first, once") {
  HttpServer server;
  HttpReply slow;
  slow.delay = std::chrono::seconds(20);
  server.script(slow);
  Home home;
  const Env env = {{"INCIDENT_DISCORD_WEBHOOK_URL", server.url("/discord/w")}, {"INCIDENT_CHAT_TIMEOUT", "1"}};
  const std::string id = open_json(home, {}, {});
  const Result timed_out = run_with(home, {"update", id, "--findings", "first", "--next", "x", "--post"}, env, 10);
  CHECK_THAT(timed_out.err, Catch::Contains("no answer: timed out after 1 s"));
  REQUIRE(outbox_files(home).size() == 1);
  CHECK(server.answered().empty());

  const Result next = run_with(home, {"update", id, "--findings", "second", "--next", "y", "--post"}, env);
  CHECK_THAT(next.err, Catch::Contains("Posted to discord.") && Catch::Contains("Posted 1 earlier message"));
  const auto answered = server.answered();
  REQUIRE(answered.size() == 2);
  CHECK_THAT(answered[0].body, Catch::Contains("Findings: first"));  // in the order they were written
  CHECK_THAT(answered[1].body, Catch::Contains("Findings: second"));
  CHECK(outbox_files(home).empty());
  run_with(home, {"post", "--retry"}, env);
  CHECK(server.answered().size() == 2);
}

TEST_CASE("chat: the URL and the token never appear in output, files or commits") {
  HttpServer server;
  answer_like_slack(server);
  const Remote bare;
  const fs::path remote = bare.path();

  Home home;
  Env env = every_target(server);
  std::vector<Result> results;
  results.push_back(home.run({"-v", "open", "db down", "-s", "P1", "--post"}, env));
  // Failures too: a server error quoting the secret, and no server at all.
  HttpReply echo;
  echo.status = 400;
  echo.body = std::string("bad token ") + k_token + " for " + k_webhook_secret;
  server.script(echo);
  results.push_back(home.run({"-v", "post", "initial"}, env));
  Env nowhere = env;
  nowhere["INCIDENT_SLACK_WEBHOOK_URL"] = std::string("http://127.0.0.1:1/") + k_webhook_secret;
  results.push_back(home.run({"-v", "--json", "post", "--retry"}, nowhere));
  results.push_back(home.run({"-v", "status"}, env));
  results.push_back(home.run({"sync", "--init", remote.string()}, env));
  for (const auto& result : results) {
    INFO(describe(result));
    CHECK(result.exit_code != 2);
    for (const std::string& secret : {std::string(k_token), std::string(k_webhook_secret), std::string("s3cret")}) {
      CHECK_THAT(result.out, !Catch::Contains(secret));
      CHECK_THAT(result.err, !Catch::Contains(secret));
    }
  }
  CHECK_THAT(results[1].err, Catch::Contains("HTTP 400: bad token <secret>"));
  for (const auto& entry : fs::recursive_directory_iterator(home.path())) {
    if (entry.is_regular_file()) {
      INFO(entry.path());
      CHECK_THAT(read_text(entry.path()), !Catch::Contains("s3cret"));
    }
  }
  Launch objects;
  objects.program = "git";
  objects.args = {"-C", remote.string(), "cat-file", "--batch-all-objects", "--batch"};
  objects.home = home.path();
  objects.timeout = k_time_limit;
  const Result all = launch(objects);
  REQUIRE(all.exit_code == 0);
  CHECK_THAT(all.out, Catch::Contains("chat_thread"));  // the objects were read
  CHECK_THAT(all.out, !Catch::Contains("s3cret"));
}

TEST_CASE("chat: nothing is recorded when --post has no target, or the config file is readable by others") {
  Home home;
  const Result none = home.run({"open", "db down", "-s", "P1", "--post"});
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.err, Catch::Contains("--post: no chat target is configured"));
  CHECK_FALSE(fs::exists(home.state() / "incidents"));

  const fs::path config = home.path() / ".config" / "incident" / "config.yaml";
  fs::create_directories(config.parent_path());
  std::ofstream(config) << "chat:\n  discord:\n    url: https://discord.test/api/webhooks/1/s3cret\n";
  ::chmod(config.c_str(), 0644);
  const Result readable = home.run({"open", "db down", "-s", "P1", "--post"});
  CHECK(readable.exit_code == 1);
  CHECK_THAT(readable.err, Catch::Contains("others can read or change it") && Catch::Contains("chmod 600"));
  CHECK_THAT(readable.err, !Catch::Contains("s3cret"));
  CHECK_FALSE(fs::exists(home.state() / "incidents"));
}

TEST_CASE("chat: the config file configures a target") {
  HttpServer server;
  Home home;
  const fs::path config = home.path() / ".config" / "incident" / "config.yaml";
  fs::create_directories(config.parent_path());
  std::ofstream(config) << "chat:\n  mattermost:\n    url: " << server.url("/hooks/from-file") << "\n";
  ::chmod(config.c_str(), 0600);
  const std::string id = open_json(home, {}, {});
  run_with(home, {"post", id, "initial"}, {});
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].target == "/hooks/from-file");
}

TEST_CASE("chat: commands that do not post never load libcurl") {
  HttpServer server;
  Home home;
  const Env env = {{"INCIDENT_DISCORD_WEBHOOK_URL", server.url("/d")}};
  const std::string id = open_json(home, {}, env);
  // The dynamic loader says what it loads (LD_DEBUG=libs, on stderr).
  Env debug = env;
  debug["LD_DEBUG"] = "libs";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"list"}, {"show", id}, {"status"}, {"render", id, "initial"}, {"update", id, "--findings", "a", "--next", "b"}}) {
    const Result result = home.run(args, debug);
    INFO(Catch::Detail::stringify(args) << "\n" << result.err.substr(0, 2000));
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, !Catch::Contains("libcurl"));
  }
  const Result posting = home.run({"post", id, "initial"}, debug);
  CHECK(posting.exit_code == 0);
  CHECK_THAT(posting.err, Catch::Contains("libcurl.so.4"));
}

TEST_CASE("chat: --copy hands the message to the clipboard tool, or says clearly that none works") {
  Home home;
  const std::string id = open_json(home, {}, {});
  const fs::path bin = home.path() / "bin";
  fs::create_directories(bin);
  const fs::path saved = home.path() / "clipboard.txt";
  {
    std::ofstream script(bin / "xclip");
    script << "#!/bin/sh\ncat > '" << saved.string() << "'\n";
  }
  fs::permissions(bin / "xclip", fs::perms::owner_all);
  const std::string path = bin.string() + ":/usr/bin:/bin";
  const Result copied = home.run({"render", id, "initial", "--copy"}, {{"PATH", path}, {"DISPLAY", ":0"}});
  INFO(describe(copied));
  CHECK(copied.exit_code == 0);
  CHECK_THAT(copied.err, Catch::Contains("Copied to the clipboard (xclip)."));
  CHECK(read_text(saved) == copied.out);

  // No tool, no display, no terminal (ctest in CI has none; from a terminal, OSC 52 would work).
  const int tty = ::open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (tty >= 0) {
    ::close(tty);
    WARN("a controlling terminal is open: the no-clipboard case is not checked");
    return;
  }
  const Result none = home.run({"render", id, "initial", "--copy"}, {{"PATH", "/usr/bin:/bin"}, {"DISPLAY", ""}});
  CHECK(none.exit_code == 10);
  CHECK_THAT(none.err, Catch::Contains("incident: warning: cannot copy: no clipboard tool worked"));
  CHECK_THAT(none.out, Catch::StartsWith("🚨 INCIDENT:"));
}
