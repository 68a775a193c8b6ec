#include "support/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>
#include <stdexcept>

namespace incident::test {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr std::size_t k_max_header = 64 * 1024;  // the request line and header fields, CRLFs included
constexpr std::size_t k_max_body = 1024 * 1024;
constexpr std::size_t k_max_chunk_line = 1024;  // "size;extensions" in a chunked body
// A client silent for this long while the server waits for its request is given up on.
constexpr milliseconds k_idle_timeout{10'000};
// How long the server waits for the client to close once the reply is written (linger()).
constexpr milliseconds k_linger{1'000};
// (EWOULDBLOCK is EAGAIN on Linux, and GCC's -Wlogical-op objects to testing both.)

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("http server: ") + what + ": " + std::strerror(errno));
  }
}

// The parser is a straight line of reads; these leave it from any depth.
// The client closed, went silent, or the server is stopping: there is no one to answer.
struct Gone : std::exception {};
// The request cannot be accepted: answer `status` and close.
struct Refused : std::exception {
  explicit Refused(int code) : status(code) {}
  int status;
};

// Waits until `fd` reports `events` (or an error or hang-up, which the next call on it
// reports); false when the server is stopping (`wake_fd` readable) or `timeout` passes.
bool wait_ready(int fd, int wake_fd, short events, milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    std::array<pollfd, 2> fds{{{fd, events, 0}, {wake_fd, POLLIN, 0}}};
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<milliseconds::rep>(left, 0)));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    return ready > 0 && fds[1].revents == 0 && fds[0].revents != 0;
  }
}

bool is_token_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A method or a header name (RFC 9110 5.6.2).
bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return result;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Digits in base 10 or 16, at least one; values above k_max_body come back as
// k_max_body + 1, so a huge number is "too large" rather than an overflow.
std::optional<std::size_t> parse_size(std::string_view text, std::size_t base) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::size_t value = 0;
  for (const char c : text) {
    std::size_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::size_t>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<std::size_t>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<std::size_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = std::min(value * base + digit, k_max_body + 1);
  }
  return value;
}

// One client connection: owns the socket, and never waits on it past k_idle_timeout or
// the server stopping.
class Connection {
public:
  Connection(int fd, int wake_fd) : m_fd(fd), m_wake_fd(wake_fd) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { ::close(m_fd); }

  // The next line without its CRLF; Refused(status) when it is longer than `limit`.
  std::string line(std::size_t limit, int status);
  // Exactly `count` bytes.
  std::string take(std::size_t count);
  // Writes all of `bytes`; false when the client has gone or the server is stopping.
  bool send(std::string_view bytes) const;
  // Whether the client has closed its side of the connection (or reset it).
  [[nodiscard]] bool client_gone() const;
  // Closes the sending side, then reads until the client closes, for at most k_linger:
  // closing a socket with unread input sends a reset, which can destroy the reply before
  // the client has read it (a refused request whose body was never read, say).
  void linger() const;

private:
  // Waits for more bytes and appends them; throws Gone when none will come.
  void fill();
  [[nodiscard]] std::string_view pending() const { return std::string_view(m_buffer).substr(m_pos); }
  void consume(std::size_t count);

  int m_fd;
  int m_wake_fd;
  std::string m_buffer;  // received; the bytes before m_pos are consumed
  std::size_t m_pos = 0;
};

void Connection::fill() {
  std::array<char, 16 * 1024> chunk{};
  for (;;) {
    if (!wait_ready(m_fd, m_wake_fd, POLLIN, k_idle_timeout)) {
      throw Gone();
    }
    const ssize_t count = ::recv(m_fd, chunk.data(), chunk.size(), MSG_DONTWAIT);
    if (count > 0) {
      m_buffer.append(chunk.data(), static_cast<std::size_t>(count));
      return;
    }
    if (count < 0 && (errno == EINTR || errno == EAGAIN)) {
      continue;
    }
    throw Gone();  // 0: the client closed; otherwise a reset
  }
}

void Connection::consume(std::size_t count) {
  m_pos += count;
  // Drop the consumed bytes once they are most of the buffer: a body of many small chunks
  // then costs linear time and the buffer stays small.
  if (m_pos * 2 > m_buffer.size()) {
    m_buffer.erase(0, m_pos);
    m_pos = 0;
  }
}

std::string Connection::line(std::size_t limit, int status) {
  std::size_t searched = 0;  // CRLF is not in pending()[0, searched)
  for (;;) {
    const std::string_view rest = pending();
    const auto end = rest.find("\r\n", searched);
    if (end != std::string_view::npos) {
      if (end > limit) {
        throw Refused(status);
      }
      std::string text(rest.substr(0, end));
      consume(end + 2);
      return text;
    }
    if (rest.size() > limit + 1) {
      throw Refused(status);
    }
    searched = rest.empty() ? 0 : rest.size() - 1;  // a CR may end what has arrived
    fill();
  }
}

std::string Connection::take(std::size_t count) {
  while (pending().size() < count) {
    fill();
  }
  std::string bytes(pending().substr(0, count));
  consume(count);
  return bytes;
}

bool Connection::send(std::string_view bytes) const {
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a client that has gone is an EPIPE here, not a SIGPIPE killing the tests.
    const ssize_t count = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (count > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(count));
      continue;
    }
    const bool retry =
        count < 0 && (errno == EINTR || (errno == EAGAIN && wait_ready(m_fd, m_wake_fd, POLLOUT, k_idle_timeout)));
    if (!retry) {
      return false;
    }
  }
  return true;
}

bool Connection::client_gone() const {
  // POLLRDHUP: the client's FIN, even with bytes of its still unread (Linux).
  pollfd state{m_fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&state, 1, 0) <= 0) {
    return false;
  }
  if ((state.revents & (POLLHUP | POLLERR | POLLRDHUP)) != 0) {
    return true;
  }
  char byte = 0;
  return ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

void Connection::linger() const {
  ::shutdown(m_fd, SHUT_WR);
  std::array<char, 4096> sink{};
  const auto deadline = steady_clock::now() + k_linger;
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left <= milliseconds(0) || !wait_ready(m_fd, m_wake_fd, POLLIN, left)) {
      return;
    }
    const ssize_t count = ::recv(m_fd, sink.data(), sink.size(), MSG_DONTWAIT);
    if (count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN)) {
      return;
    }
  }
}

// "METHOD target HTTP/1.x", single spaces (RFC 9112 3).
void parse_request_line(std::string_view line, HttpRequest& request) {
  const auto first = line.find(' ');
  const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos) {
    throw Refused(400);
  }
  const auto method = line.substr(0, first);
  const auto target = line.substr(first + 1, second - first - 1);
  const auto version = line.substr(second + 1);
  const auto visible = [](char c) { return !is_control(c) && c != ' ' && static_cast<unsigned char>(c) < 0x80; };
  if (!is_token(method) || target.empty() || !std::all_of(target.begin(), target.end(), visible) ||
      (version != "HTTP/1.1" && version != "HTTP/1.0")) {
    throw Refused(400);
  }
  request.method = method;
  request.target = target;
}

// "Name: value". A space before the colon, or a folded line (one starting with a space),
// makes the name no token, and is refused (RFC 9112 5.1, 5.2).
void add_field(std::string_view field, std::map<std::string, std::string>& headers) {
  const auto colon = field.find(':');
  if (colon == std::string_view::npos) {
    throw Refused(400);
  }
  const auto name = field.substr(0, colon);
  const auto value = trim(field.substr(colon + 1));
  if (!is_token(name) || std::any_of(value.begin(), value.end(), [](char c) { return is_control(c) && c != '\t'; })) {
    throw Refused(400);
  }
  const auto [entry, added] = headers.try_emplace(lower(name), value);
  if (!added) {
    entry->second += ", ";
    entry->second += value;
  }
}

std::string read_chunked(Connection& client) {
  std::string body;
  for (;;) {
    const std::string line = client.line(k_max_chunk_line, 400);
    const auto size = parse_size(trim(std::string_view(line).substr(0, line.find(';'))), 16);  // extensions ignored
    if (!size) {
      throw Refused(400);
    }
    if (*size == 0) {
      break;
    }
    if (*size > k_max_body - body.size()) {
      throw Refused(413);
    }
    body += client.take(*size);
    if (client.take(2) != "\r\n") {
      throw Refused(400);
    }
  }
  // Trailer fields, up to an empty line: read, within the header limit, and dropped.
  std::size_t trailer_bytes = 0;
  for (;;) {
    const std::string field = client.line(k_max_header - trailer_bytes, 431);
    if (field.empty()) {
      return body;
    }
    trailer_bytes += field.size() + 2;
    if (trailer_bytes > k_max_header) {
      throw Refused(431);
    }
  }
}

std::string read_body(Connection& client, const std::map<std::string, std::string>& headers) {
  const auto encoding = headers.find("transfer-encoding");
  const auto length_field = headers.find("content-length");
  // Both framings at once is ambiguous, the stuff of request smuggling (RFC 9112 6.1).
  if (encoding != headers.end() && length_field != headers.end()) {
    throw Refused(400);
  }
  if (encoding != headers.end() && lower(encoding->second) != "chunked") {
    throw Refused(400);
  }
  std::size_t length = 0;
  if (length_field != headers.end()) {
    // Digits only: a repeated header ("5, 5") is refused too.
    const auto parsed = parse_size(length_field->second, 10);
    if (!parsed) {
      throw Refused(400);
    }
    if (*parsed > k_max_body) {
      throw Refused(413);
    }
    length = *parsed;
  }
  // curl asks before sending a large body, and waits a second for the go-ahead otherwise.
  const auto expect = headers.find("expect");
  if ((encoding != headers.end() || length > 0) && expect != headers.end() && lower(expect->second) == "100-continue" &&
      !client.send("HTTP/1.1 100 Continue\r\n\r\n")) {
    throw Gone();
  }
  return encoding != headers.end() ? read_chunked(client) : client.take(length);
}

HttpRequest read_request(Connection& client) {
  HttpRequest request;
  std::size_t header_bytes = 0;
  // The next line of the header section, which is k_max_header at most in all.
  const auto next_line = [&] {
    std::string text = client.line(k_max_header - header_bytes, 431);
    header_bytes += text.size() + 2;
    if (header_bytes > k_max_header) {
      throw Refused(431);
    }
    return text;
  };
  std::string request_line = next_line();
  while (request_line.empty()) {  // stray CRLFs before a request are to be ignored (RFC 9112 2.2)
    request_line = next_line();
  }
  parse_request_line(request_line, request);
  for (std::string field = next_line(); !field.empty(); field = next_line()) {
    add_field(field, request.headers);
  }
  request.body = read_body(client, request.headers);
  return request;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

std::string format_reply(const HttpReply& reply, bool head_request) {
  const bool bodyless = reply.status == 204 || reply.status == 304;  // RFC 9110 15.3.5, 15.4.5
  std::string text = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
  bool typed = false;
  for (const auto& [name, value] : reply.headers) {
    const std::string key = lower(name);
    if (key == "content-length" || key == "connection") {
      continue;
    }
    typed = typed || key == "content-type";
    text += name + ": " + value + "\r\n";
  }
  if (!bodyless) {
    if (!typed) {
      text += "Content-Type: text/plain\r\n";
    }
    text += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  }
  text += "Connection: close\r\n\r\n";
  if (!bodyless && !head_request) {
    text += reply.body;
  }
  return text;
}

}  // namespace

HttpServer::HttpServer() {
  std::array<int, 2> wake{-1, -1};
  check(::pipe2(wake.data(), O_CLOEXEC) == 0, "pipe2");
  m_wake_read = wake[0];
  m_wake_write = wake[1];
  try {
    // CLOEXEC: the tests spawn the binary, which must not inherit the server's sockets.
    // NONBLOCK: a connection reset between poll() and accept() must not block the loop.
    m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    check(m_listen_fd >= 0, "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;  // any free port
    check(::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr) == 1, "inet_pton");
    check(::bind(m_listen_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0, "bind");
    check(::listen(m_listen_fd, SOMAXCONN) == 0, "listen");
    socklen_t size = sizeof address;
    check(::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &size) == 0, "getsockname");
    m_port = ntohs(address.sin_port);
    m_acceptor = std::thread(&HttpServer::accept_loop, this);
  } catch (...) {
    if (m_listen_fd >= 0) {
      ::close(m_listen_fd);
    }
    ::close(m_wake_read);
    ::close(m_wake_write);
    throw;
  }
}

HttpServer::~HttpServer() {
  {
    const std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  // The pipe stays readable from now on, waking every poll() at once and for good.
  const char byte = 1;
  [[maybe_unused]] const ssize_t written = ::write(m_wake_write, &byte, 1);
  m_acceptor.join();
  // Only now is m_connections no longer growing.
  for (std::thread& connection : m_connections) {
    connection.join();
  }
  ::close(m_listen_fd);
  ::close(m_wake_read);
  ::close(m_wake_write);
}

std::string HttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(m_port) + std::string(path);
}

void HttpServer::script(HttpReply reply) {
  const std::lock_guard lock(m_mutex);
  m_script.push_back(std::move(reply));
}

void HttpServer::set_default(HttpReply reply) {
  const std::lock_guard lock(m_mutex);
  m_default = std::move(reply);
}

std::vector<HttpRequest> HttpServer::requests() const {
  const std::lock_guard lock(m_mutex);
  return m_requests;
}

std::vector<HttpRequest> HttpServer::answered() const {
  const std::lock_guard lock(m_mutex);
  return m_answered;
}

bool HttpServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, timeout, [&] { return m_requests.size() >= n; });
}

bool HttpServer::wait_until_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, timeout, [&] { return m_open == 0; });
}

void HttpServer::accept_loop() {
  for (;;) {
    std::array<pollfd, 2> fds{{{m_listen_fd, POLLIN, 0}, {m_wake_read, POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    if (fds[1].revents != 0) {
      return;
    }
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors or memory: pause rather than spin on a listener that stays ready.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::this_thread::sleep_for(milliseconds(10));
      }
      continue;
    }
    {
      const std::lock_guard lock(m_mutex);
      ++m_open;
    }
    try {
      m_connections.emplace_back(&HttpServer::serve, this, fd);
    } catch (const std::exception&) {  // no thread to be had: drop this connection
      ::close(fd);
      {
        const std::lock_guard lock(m_mutex);
        --m_open;
      }
      m_changed.notify_all();
    }
  }
}

void HttpServer::serve(int fd) {
  try {
    Connection client(fd, m_wake_read);
    std::optional<HttpRequest> request;
    try {
      request = read_request(client);
    } catch (const Refused& refused) {
      HttpReply refusal;
      refusal.status = refused.status;
      refusal.body = std::string(reason(refused.status)) + "\n";
      if (client.send(format_reply(refusal, false))) {
        client.linger();
      }
    } catch (const Gone&) {
      // Nothing to answer.
    }
    if (request) {
      HttpReply reply;
      bool stopped = false;
      {
        std::unique_lock lock(m_mutex);
        // Recorded and matched with its reply under one lock, so arrival order is both.
        m_requests.push_back(*request);
        if (m_script.empty()) {
          reply = m_default;
        } else {
          reply = std::move(m_script.front());
          m_script.pop_front();
        }
        m_changed.notify_all();
        stopped = m_changed.wait_for(lock, reply.delay, [this] { return m_stopping; });
      }
      if (!stopped && !(reply.delay > milliseconds(0) && client.client_gone()) &&
          client.send(format_reply(reply, request->method == "HEAD"))) {
        {
          const std::lock_guard lock(m_mutex);
          m_answered.push_back(std::move(*request));
        }
        client.linger();
      }
    }
  } catch (const std::exception&) {
    // Out of memory, say: the connection is dropped (closed by ~Connection) and the
    // request, if it got that far, stays unanswered.
  }
  {
    const std::lock_guard lock(m_mutex);
    --m_open;
  }
  m_changed.notify_all();
}

}  // namespace incident::test
