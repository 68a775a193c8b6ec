#include "incident/http.hpp"

#include <dlfcn.h>
#include <gnu/libc-version.h>

// Only the declarations and constants: the functions are looked up at run time. (The
// type-checking macros would shadow the names used below.)
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <fmt/format.h>

#include <mutex>
#include <string_view>

#include "incident/error.hpp"

namespace incident {

namespace {

constexpr std::size_t k_max_body = 64 * 1024;

// libcurl's functions, from the shared library.
struct Curl {
  CURLcode (*global_init)(long) = nullptr;
  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
};

bool g_loaded = false;

template <class F>
void bind(void* library, F& slot, const char* name) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) {
    throw Error(fmt::format("cannot post: libcurl has no {} (too old?)", name));
  }
  slot = reinterpret_cast<F>(symbol);  // NOLINT: dlsym's contract
}

const Curl& curl() {
  static std::once_flag once;
  static Curl functions;
  static std::string failure;
  std::call_once(once, [] {
    void* library = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      failure = "cannot post: libcurl is not installed (Debian: apt install libcurl4)";
      return;
    }
#if defined(INCIDENT_STATIC_LIBC)
    // This binary has its own libc; libcurl brought the system's. They work together only
    // when they are the same glibc.
    using Version = const char* (*)();
    const auto shared_version = reinterpret_cast<Version>(::dlsym(library, "gnu_get_libc_version"));  // NOLINT
    if (shared_version == nullptr || std::string_view(shared_version()) != gnu_get_libc_version()) {
      failure = fmt::format(
          "cannot post: this incident binary was linked statically with glibc {} and the system's is {}; "
          "rebuild it (cmake -DINCIDENT_STATIC=OFF links libc shared)",
          gnu_get_libc_version(), shared_version == nullptr ? "unknown" : shared_version());
      return;
    }
#endif
    try {
      bind(library, functions.global_init, "curl_global_init");
      bind(library, functions.easy_init, "curl_easy_init");
      bind(library, functions.easy_setopt, "curl_easy_setopt");
      bind(library, functions.easy_perform, "curl_easy_perform");
      bind(library, functions.easy_getinfo, "curl_easy_getinfo");
      bind(library, functions.easy_cleanup, "curl_easy_cleanup");
      bind(library, functions.easy_strerror, "curl_easy_strerror");
      bind(library, functions.slist_append, "curl_slist_append");
      bind(library, functions.slist_free_all, "curl_slist_free_all");
    } catch (const Error& error) {
      failure = error.what();
      return;
    }
    if (functions.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      failure = "cannot post: libcurl did not initialise";
      return;
    }
    g_loaded = true;
  });
  if (!failure.empty()) {
    throw Error(failure);
  }
  return functions;
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* sink) {
  auto* body = static_cast<std::string*>(sink);
  const std::size_t bytes = size * count;
  if (body->size() < k_max_body) {
    body->append(data, std::min(bytes, k_max_body - body->size()));
  }
  return bytes;
}

// Frees what libcurl gave when the request is done, however it ends.
struct Handles {
  const Curl& c;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  ~Handles() {
    if (headers != nullptr) {
      c.slist_free_all(headers);
    }
    if (easy != nullptr) {
      c.easy_cleanup(easy);
    }
  }
};

}  // namespace

bool http_loaded() { return g_loaded; }

HttpResponse http_post(const HttpRequest& request, std::chrono::milliseconds timeout) {
  const Curl& c = curl();
  Handles handles{c};
  handles.easy = c.easy_init();
  if (handles.easy == nullptr) {
    throw Error("cannot post: libcurl could not start a request");
  }
  for (const auto& header : request.headers) {
    curl_slist* more = c.slist_append(handles.headers, header.c_str());
    if (more == nullptr) {
      throw Error("cannot post: out of memory");
    }
    handles.headers = more;
  }
  // "Expect: 100-continue" would cost a round trip on bodies over 1 KiB.
  handles.headers = c.slist_append(handles.headers, "Expect:");

  HttpResponse response;
  char error_text[CURL_ERROR_SIZE] = {};
  CURL* easy = handles.easy;
  const long milliseconds = static_cast<long>(timeout.count());
  c.easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  c.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  c.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  c.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  c.easy_setopt(easy, CURLOPT_TIMEOUT_MS, milliseconds);
  c.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds);
  c.easy_setopt(easy, CURLOPT_POST, 1L);
  c.easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  c.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  c.easy_setopt(easy, CURLOPT_HTTPHEADER, handles.headers);
  c.easy_setopt(easy, CURLOPT_USERAGENT, "incident");
  c.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &collect);
  c.easy_setopt(easy, CURLOPT_WRITEDATA, &response.body);
  c.easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  const CURLcode code = c.easy_perform(easy);
  if (code != CURLE_OK) {
    if (code == CURLE_OPERATION_TIMEDOUT) {
      throw Error(fmt::format("no answer: timed out after {} s", (timeout.count() + 999) / 1000));
    }
    // libcurl's own words name the host and port at most, never the path or a header.
    throw Error(fmt::format("no answer: {}", error_text[0] != '\0' ? error_text : c.easy_strerror(code)));
  }
  c.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t retry_after = 0;
  if (c.easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
    response.retry_after = std::chrono::seconds(retry_after);
  }
  return response;
}

}  // namespace incident
