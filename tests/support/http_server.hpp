#pragma once
// A real HTTP/1.1 server on 127.0.0.1 for tests of code that posts to webhooks: it records
// what it receives and answers with replies the test scripts (status, headers, body, and a
// delay to make a client time out).
//
// One request per connection: every reply says `Connection: close` and the server closes
// after it. Each connection is served on its own thread, so a delayed reply holds up no
// other client. Nothing here blocks forever: reads give up after 10 s of silence from the
// client, and stopping the server (the destructor) cuts short every read, write and delay.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace incident::test {

// A request as received.
struct HttpRequest {
  std::string method;  // "POST"
  std::string target;  // "/hooks/abc?x=1", as sent on the request line
  // Names lower-cased, values trimmed of spaces and tabs; a header sent more than once has
  // its values joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;  // by Content-Length, or decoded from chunked transfer-encoding
};

// How to answer one request.
struct HttpReply {
  int status = 200;  // three digits; 204 and 304 are sent without a body
  // Extra headers, e.g. {"Retry-After", "1"}. A Content-Type here replaces the default
  // `text/plain`; Content-Length and Connection are always the server's own (any given
  // here are dropped).
  std::vector<std::pair<std::string, std::string>> headers{};  // {}: so {.delay = 1s} needs no .headers
  std::string body = "ok";
  // Waits this long before answering. Cut short, with no reply, when the server stops.
  // After a delay, a client that has closed its side of the connection is taken as gone:
  // it gets no reply and the request is not counted as answered.
  std::chrono::milliseconds delay{0};
};

class HttpServer {
public:
  // Listens on 127.0.0.1 on an ephemeral port and starts serving. Throws
  // std::runtime_error when the socket cannot be set up.
  HttpServer();
  // Stops: cuts short every delay and read, closes every socket, joins every thread.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] int port() const { return m_port; }
  // "http://127.0.0.1:PORT" followed by `path` (which should start with '/').
  [[nodiscard]] std::string url(std::string_view path = "/") const;

  // Queues a reply: the next request received (in arrival order) gets it.
  void script(HttpReply reply);
  // The reply when the queue is empty (at first: 200 "ok").
  void set_default(HttpReply reply);

  // Every request fully received, in arrival order. A request refused as malformed (400),
  // with a header section over 64 KiB (431) or a body over 1 MiB (413) is not among them.
  [[nodiscard]] std::vector<HttpRequest> requests() const;
  // The requests whose whole reply was written to the client, in the order they were
  // answered. Not those whose client had gone when the delay ended, nor those whose write
  // failed or was cut short by the server stopping.
  [[nodiscard]] std::vector<HttpRequest> answered() const;

  // Waits (up to `timeout`) until requests().size() >= n; returns whether it happened.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
  // Waits (up to `timeout`) until every connection accepted so far is closed, so that
  // answered() is final for them; returns whether it happened. A connection the server
  // has not yet accepted does not count: wait_for_requests() first.
  bool wait_until_idle(std::chrono::milliseconds timeout) const;

private:
  void accept_loop();
  void serve(int fd);

  int m_listen_fd = -1;
  // A pipe written once when stopping: every poll() in the server watches its read end,
  // so a thread blocked on a socket wakes up.
  int m_wake_read = -1;
  int m_wake_write = -1;
  int m_port = 0;

  mutable std::mutex m_mutex;
  // Signalled on every change below: a request recorded, a connection closed, stopping.
  mutable std::condition_variable m_changed;
  bool m_stopping = false;
  std::deque<HttpReply> m_script;
  HttpReply m_default;
  std::vector<HttpRequest> m_requests;
  std::vector<HttpRequest> m_answered;
  std::size_t m_open = 0;  // connections accepted and not yet closed

  // Touched only by the accepting thread until the destructor has joined it.
  std::vector<std::thread> m_connections;
  std::thread m_acceptor;
};

}  // namespace incident::test
