#include "incident/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "incident/error.hpp"

namespace incident {

namespace {

class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  [[nodiscard]] int get() const { return m_fd; }

private:
  int m_fd;
};

[[noreturn]] void fail(const std::filesystem::path& path, int error) {
  throw Error(fmt::format("cannot read {}: {}", path.string(), std::strerror(error)));
}

}  // namespace

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path,
                                               std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      return std::nullopt;
    }
    fail(path, errno);
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    fail(path, errno);
  }
  if (!S_ISREG(info.st_mode)) {
    throw Error(fmt::format("cannot read {}: not a regular file", path.string()));
  }
  std::string data;
  data.resize(std::min<std::size_t>(static_cast<std::size_t>(info.st_size), max_bytes) + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == data.size()) {
      if (data.size() > max_bytes) {
        throw DataError({path.string(), 0, 0}, fmt::format("file is larger than {} bytes", max_bytes));
      }
      data.resize(std::min(data.size() * 2, max_bytes + 1));
    }
    const ssize_t got = ::read(fd.get(), data.data() + used, data.size() - used);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail(path, errno);
    }
    if (got == 0) {
      break;
    }
    used += static_cast<std::size_t>(got);
  }
  data.resize(used);
  return data;
}

std::string read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  auto data = read_file_if_exists(path, max_bytes);
  if (!data) {
    fail(path, ENOENT);
  }
  return std::move(*data);
}

}  // namespace incident
