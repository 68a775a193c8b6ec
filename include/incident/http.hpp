#pragma once
// One HTTP POST, for chat (chat.hpp). libcurl is loaded (dlopen) by the first post, not
// linked: a command that does not post neither loads nor initialises it, so it costs
// nothing at start-up. Only http:// and https://, no redirects followed, a deadline for
// the whole request.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace incident {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; may hold a token: a secret
  std::string body;
};

struct HttpResponse {
  long status = 0;
  std::string body;  // at most 64 KiB of it
  std::optional<std::chrono::seconds> retry_after;  // the Retry-After header, in seconds
};

// Sends the request. Any answer is returned, whatever its status; throws Error when there
// is none (libcurl missing, cannot connect, timed out: "timed out after 10 s"). No message
// quotes the URL.
HttpResponse http_post(const HttpRequest& request, std::chrono::milliseconds timeout);

// Whether this process has loaded libcurl (for --verbose and the tests).
bool http_loaded();

}  // namespace incident
