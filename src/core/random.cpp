#include "incident/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "incident/error.hpp"

namespace incident {

void random_bytes(void* buffer, std::size_t size) {
  auto* out = static_cast<unsigned char*>(buffer);
  while (size > 0) {
    const ssize_t got = ::getrandom(out, size, 0);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error(fmt::format("cannot get random bytes: {}", std::strerror(errno)));
    }
    out += got;
    size -= static_cast<std::size_t>(got);
  }
}

}  // namespace incident
