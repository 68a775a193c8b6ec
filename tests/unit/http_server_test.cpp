// The test HTTP server (tests/support/http_server.cpp), driven by plain POSIX sockets so
// that what is on the wire is exactly what the test wrote.

#include "support/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

using incident::test::HttpReply;
using incident::test::HttpServer;
using namespace std::chrono_literals;
using namespace std::string_literals;

// Generous for a sanitizer build; waiting longer means the server is stuck.
constexpr std::chrono::milliseconds k_patience = 10s;

// A client connection. Reads fail (throw) after 20 s of silence rather than hang a test.
class Client {
public:
  explicit Client(int port) {
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    check(m_fd >= 0, "socket");
    const timeval limit{20, 0};
    check(::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) == 0, "setsockopt");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    check(::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr) == 1, "inet_pton");
    check(::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0, "connect");
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() { close(); }

  void send(std::string_view bytes) const {
    while (!bytes.empty()) {
      const ssize_t count = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      check(count > 0 || errno == EINTR, "send");
      bytes.remove_prefix(count > 0 ? static_cast<std::size_t>(count) : 0);
    }
  }

  // What the server sends up to and including `marker`; the rest stays for later reads.
  std::string read_until(std::string_view marker) {
    while (m_buffer.find(marker) == std::string::npos) {
      check(receive(), "the server closed before the marker");
    }
    const auto end = m_buffer.find(marker) + marker.size();
    std::string text = m_buffer.substr(0, end);
    m_buffer.erase(0, end);
    return text;
  }

  // Everything until the server closes the connection.
  std::string read_to_end() {
    while (receive()) {
    }
    return std::exchange(m_buffer, {});
  }

  void close() {
    if (m_fd >= 0) {
      ::close(m_fd);
      m_fd = -1;
    }
  }

private:
  static void check(bool ok, const char* what) {
    if (!ok) {
      throw std::runtime_error(std::string("test client: ") + what + ": " + std::strerror(errno));
    }
  }

  // Appends what arrives next; false at the end of the stream.
  bool receive() {
    std::array<char, 4096> chunk{};
    for (;;) {
      const ssize_t count = ::recv(m_fd, chunk.data(), chunk.size(), 0);
      if (count > 0) {
        m_buffer.append(chunk.data(), static_cast<std::size_t>(count));
        return true;
      }
      if (count == 0) {
        return false;
      }
      check(errno == EINTR, "recv");
    }
  }

  int m_fd = -1;
  std::string m_buffer;
};

struct Response {
  int status = 0;
  std::string head;  // status line and header fields, without the blank line
  std::string body;
};

Response parse_response(const std::string& raw) {
  Response response;
  const auto end = raw.find("\r\n\r\n");
  response.head = raw.substr(0, end);
  response.body = end == std::string::npos ? "" : raw.substr(end + 4);
  if (raw.rfind("HTTP/1.1 ", 0) == 0 && raw.size() >= 12) {
    response.status = std::stoi(raw.substr(9, 3));
  }
  return response;
}

// The values of header `name` (as the server spells it), joined with ", "; "" when absent.
std::string header(const Response& response, std::string_view name) {
  std::string values;
  const std::string key = "\r\n" + std::string(name) + ": ";
  for (auto at = response.head.find(key); at != std::string::npos; at = response.head.find(key, at + 1)) {
    const auto start = at + key.size();
    const auto value = response.head.substr(start, response.head.find("\r\n", start) - start);
    values += values.empty() ? value : ", " + value;
  }
  return values;
}

Response exchange(int port, std::string_view request) {
  Client client(port);
  client.send(request);
  return parse_response(client.read_to_end());
}

std::string post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

}  // namespace

TEST_CASE("http server: a POST is recorded and answered 200 ok") {
  HttpServer server;
  CHECK(server.port() > 0);
  CHECK(server.url("/hooks/abc") == "http://127.0.0.1:" + std::to_string(server.port()) + "/hooks/abc");

  const std::string body = R"({"text":"SEV1 declared"})";
  const Response response = exchange(server.port(),
                                     "POST /hooks/abc?x=1 HTTP/1.1\r\n"
                                     "Host: 127.0.0.1\r\n"
                                     "Content-Type:   application/json \t\r\n"
                                     "X-Custom: A\r\n"
                                     "x-custom: B\r\n"
                                     "Content-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body);
  CHECK(response.head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(header(response, "Content-Type") == "text/plain");
  CHECK(header(response, "Content-Length") == "2");
  CHECK(header(response, "Connection") == "close");
  CHECK(response.body == "ok");

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/hooks/abc?x=1");
  CHECK(requests[0].headers.at("content-type") == "application/json");
  CHECK(requests[0].headers.at("x-custom") == "A, B");
  CHECK(requests[0].headers.at("host") == "127.0.0.1");
  CHECK(requests[0].body == body);
  REQUIRE(server.answered().size() == 1);
  CHECK(server.answered()[0].body == body);
}

TEST_CASE("http server: a scripted reply is used once, then the default") {
  HttpServer server;
  server.script({.status = 429, .headers = {{"Retry-After", "1"}}, .body = "slow down"});

  const Response limited = exchange(server.port(), post("/one", "a"));
  CHECK(limited.status == 429);
  CHECK(limited.head.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0) == 0);
  CHECK(header(limited, "Retry-After") == "1");
  CHECK(limited.body == "slow down");

  const Response next = exchange(server.port(), post("/two", "b"));
  CHECK(next.status == 200);
  CHECK(header(next, "Retry-After").empty());
  CHECK(next.body == "ok");

  server.set_default({.status = 503, .body = "down"});
  CHECK(exchange(server.port(), post("/three", "c")).status == 503);
  CHECK(exchange(server.port(), post("/four", "d")).body == "down");
  CHECK(server.requests().size() == 4);
  CHECK(server.answered().size() == 4);
}

TEST_CASE("http server: reply headers replace the content type but not the framing") {
  HttpServer server;
  server.script(
      {.headers = {{"Content-Type", "application/json"}, {"Content-Length", "999"}, {"Connection", "keep-alive"}},
       .body = R"({"ok":true})"});
  server.script({.status = 204, .body = "not sent"});

  const Response json = exchange(server.port(), post("/", "x"));
  CHECK(header(json, "Content-Type") == "application/json");
  CHECK(header(json, "Content-Length") == "11");
  CHECK(header(json, "Connection") == "close");
  CHECK(json.body == R"({"ok":true})");

  // Discord answers a webhook with 204, which has no body (RFC 9110 15.3.5).
  const Response empty = exchange(server.port(), post("/", "y"));
  CHECK(empty.head.rfind("HTTP/1.1 204 No Content\r\n", 0) == 0);
  CHECK(header(empty, "Content-Length").empty());
  CHECK(empty.body.empty());
}

TEST_CASE("http server: a chunked body is decoded") {
  HttpServer server;
  const Response response = exchange(server.port(),
                                     "POST /chunked HTTP/1.1\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n"
                                     "5;name=value\r\nhello\r\n"
                                     "1\r\n,\r\n"
                                     "B\r\n wide world\r\n"
                                     "0\r\n"
                                     "X-Trailer: dropped\r\n\r\n");
  CHECK(response.status == 200);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].body == "hello, wide world");
}

TEST_CASE("http server: Expect 100-continue gets the go-ahead before the body") {
  HttpServer server;
  Client client(server.port());
  client.send("POST /big HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  CHECK(client.read_until("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  client.send("hello");
  CHECK(parse_response(client.read_to_end()).status == 200);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].body == "hello");
}

TEST_CASE("http server: a malformed or oversized request is refused and not recorded") {
  struct Case {
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"GARBAGE\r\n\r\n", 400},
      {"POST /x HTTP/2.0\r\n\r\n", 400},
      {"POST  /x HTTP/1.1\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nName : value\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nA: 1\0 2\r\n\r\n"s, 400},
      {"POST /x HTTP/1.1\r\nContent-Length: 2x\r\n\r\nab", 400},
      {"POST /x HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", 400},
      {"POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n", 413},
      {"POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", 413},
      {"POST /x HTTP/1.1\r\nX-Big: " + std::string(70'000, 'a') + "\r\n\r\n", 431},
  };
  HttpServer server;
  for (const Case& refused : cases) {
    INFO(refused.request.substr(0, 80));
    const Response response = exchange(server.port(), refused.request);
    CHECK(response.status == refused.status);
    CHECK(header(response, "Connection") == "close");
  }
  CHECK(server.requests().empty());
  CHECK(server.answered().empty());

  // The server is none the worse for them.
  CHECK(exchange(server.port(), post("/after", "fine")).status == 200);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("http server: a delayed reply reaches a client that waits") {
  HttpServer server;
  server.script({.body = "late", .delay = 200ms});
  const Response response = exchange(server.port(), post("/slow", "x"));
  CHECK(response.status == 200);
  CHECK(response.body == "late");
  CHECK(server.answered().size() == 1);
}

TEST_CASE("http server: a client that leaves during the delay is not answered") {
  HttpServer server;
  server.script({.delay = 1s});
  Client client(server.port());
  client.send(post("/timeout", "x"));
  REQUIRE(server.wait_for_requests(1, k_patience));
  client.close();  // as a client whose timeout is shorter than the delay does

  REQUIRE(server.wait_until_idle(k_patience));
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].target == "/timeout");
  CHECK(server.answered().empty());
}

TEST_CASE("http server: a delayed reply does not hold up another client") {
  HttpServer server;
  server.script({.delay = 60s});
  Client first(server.port());
  first.send(post("/first", "1"));
  REQUIRE(server.wait_for_requests(1, k_patience));

  // While the first waits out its minute, the second is served.
  const Response second = exchange(server.port(), post("/second", "2"));
  CHECK(second.status == 200);
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[0].target == "/first");
  const auto answered = server.answered();
  REQUIRE(answered.size() == 1);
  CHECK(answered[0].target == "/second");
}  // and the server stops with the first still pending

TEST_CASE("http server: concurrent clients are all recorded and answered") {
  HttpServer server;
  constexpr int k_clients = 8;
  std::vector<int> statuses(k_clients, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < k_clients; ++i) {
    clients.emplace_back([&server, &statuses, i] {
      // No Catch assertions off the main thread (Catch2 v2 is not thread-safe).
      try {
        statuses[static_cast<std::size_t>(i)] = exchange(server.port(), post("/c/" + std::to_string(i), "x")).status;
      } catch (const std::exception&) {
        statuses[static_cast<std::size_t>(i)] = -1;
      }
    });
  }
  for (std::thread& client : clients) {
    client.join();
  }
  CHECK(statuses == std::vector<int>(k_clients, 200));
  std::set<std::string> targets;
  for (const auto& request : server.requests()) {
    targets.insert(request.target);
  }
  CHECK(targets.size() == k_clients);
  CHECK(targets.count("/c/0") == 1);
  CHECK(targets.count("/c/7") == 1);
  CHECK(server.answered().size() == k_clients);
}

TEST_CASE("http server: wait_for_requests gives up after its timeout") {
  const HttpServer server;
  CHECK_FALSE(server.wait_for_requests(1, 50ms));
  CHECK(server.wait_for_requests(0, 0ms));
}

TEST_CASE("http server: stopping cuts a pending delay short") {
  std::optional<HttpServer> server;
  server.emplace();
  server->script({.delay = 60s});
  Client client(server->port());
  client.send(post("/pending", "x"));
  REQUIRE(server->wait_for_requests(1, k_patience));

  const auto start = std::chrono::steady_clock::now();
  server.reset();
  CHECK(std::chrono::steady_clock::now() - start < 30s);  // not the minute of the delay
  CHECK(client.read_to_end().empty());                    // closed, with no reply
}
