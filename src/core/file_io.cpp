#include "incident/file_io.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/time.h>
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdint>

#include "incident/error.hpp"
#include "incident/random.hpp"

namespace incident {

int Io::open(const char* path, int flags, mode_t mode) { return ::open(path, flags, mode); }
ssize_t Io::read(int fd, void* buffer, std::size_t size) { return ::read(fd, buffer, size); }
ssize_t Io::write(int fd, const void* data, std::size_t size) { return ::write(fd, data, size); }
int Io::fsync(int fd) { return ::fsync(fd); }
int Io::fstat(int fd, struct stat* info) { return ::fstat(fd, info); }
int Io::close(int fd) { return ::close(fd); }
int Io::rename(const char* from, const char* to) { return ::rename(from, to); }
int Io::unlink(const char* path) { return ::unlink(path); }
int Io::mkdir(const char* path, mode_t mode) { return ::mkdir(path, mode); }
int Io::flock(int fd, int operation) { return ::flock(fd, operation); }
int Io::lstat(const char* path, struct stat* info) { return ::lstat(path, info); }
int Io::stat(const char* path, struct stat* info) { return ::stat(path, info); }
int Io::fstatat(int dir_fd, const char* name, struct stat* info, int flags) {
  return ::fstatat(dir_fd, name, info, flags);
}
ssize_t Io::pread(int fd, void* buffer, std::size_t size, off_t offset) { return ::pread(fd, buffer, size, offset); }
ssize_t Io::pwrite(int fd, const void* data, std::size_t size, off_t offset) {
  return ::pwrite(fd, data, size, offset);
}

int Io::list_directory(const char* path, std::vector<std::string>& names) {
  DIR* handle = ::opendir(path);
  if (handle == nullptr) {
    return -1;
  }
  for (;;) {
    errno = 0;  // readdir() returns null at the end and on an error: errno tells them apart
    const dirent* entry = ::readdir(handle);
    if (entry == nullptr) {
      break;
    }
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") {
      names.emplace_back(name);
    }
  }
  const int error = errno;
  ::closedir(handle);
  errno = error;
  return error == 0 ? 0 : -1;
}

Io& system_io() {
  static Io io;
  return io;
}

int Fd::reset() {
  int result = 0;
  if (m_fd >= 0) {
    result = m_io->close(m_fd);
    m_fd = -1;
  }
  return result;
}

namespace {

[[noreturn]] void fail(std::string_view action, const std::filesystem::path& path, int error) {
  throw Error(fmt::format("cannot {} {}: {}", action, path.string(), std::strerror(error)));
}

std::string random_suffix() {
  std::uint64_t bits = 0;
  random_bytes(&bits, sizeof bits);
  return fmt::format("{:016x}", bits);
}

// Writes every byte, looping over short writes and EINTR.
bool write_all(Io& io, int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t written = io.write(fd, data.data() + done, data.size() - done);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    if (written == 0) {
      errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(written);
  }
  return true;
}

}  // namespace

namespace {

void ignore_signal(int /*signal*/) {}

// Blocks in flock() so that waiters are woken as soon as the lock is free (polling
// starves under contention), with a repeating SIGALRM that interrupts the wait so it
// stays bounded. False with errno set when the lock was not taken.
bool wait_for_lock(Io& io, int fd, std::chrono::milliseconds timeout) {
  if (io.flock(fd, LOCK_EX | LOCK_NB) == 0) {
    return true;
  }
  if (errno != EWOULDBLOCK || timeout.count() <= 0) {
    return false;
  }
  struct sigaction action {};
  action.sa_handler = ignore_signal;  // no SA_RESTART: flock() returns EINTR
  sigemptyset(&action.sa_mask);
  struct sigaction previous_action {};
  ::sigaction(SIGALRM, &action, &previous_action);
  itimerval tick{};
  tick.it_value.tv_usec = 50'000;
  tick.it_interval.tv_usec = 50'000;
  itimerval previous_timer{};
  ::setitimer(ITIMER_REAL, &tick, &previous_timer);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool locked = false;
  int error = 0;
  for (;;) {
    if (io.flock(fd, LOCK_EX) == 0) {
      locked = true;
      break;
    }
    error = errno;
    if (error != EINTR || std::chrono::steady_clock::now() >= deadline) {
      break;
    }
  }
  ::setitimer(ITIMER_REAL, &previous_timer, nullptr);
  ::sigaction(SIGALRM, &previous_action, nullptr);
  errno = error;
  return locked;
}

}  // namespace

FileIdentity identity_of(const struct stat& info) {
  return {static_cast<std::uint64_t>(info.st_ino), static_cast<std::uint64_t>(info.st_size),
          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
}

std::string_view file_kind(mode_t mode) {
  if (S_ISREG(mode)) {
    return "a regular file";
  }
  if (S_ISDIR(mode)) {
    return "a directory";
  }
  if (S_ISLNK(mode)) {
    return "a symbolic link";
  }
  if (S_ISFIFO(mode)) {
    return "a FIFO";
  }
  return S_ISSOCK(mode) ? "a socket" : "a device";
}

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path, std::size_t max_bytes, Io& io,
                                               bool no_follow) {
  const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (no_follow ? O_NOFOLLOW : 0);
  Fd fd(io, io.open(path.c_str(), flags, 0));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      return std::nullopt;
    }
    if (errno == ELOOP && no_follow) {
      // Reported like any file that cannot be trusted: named, and left alone.
      throw DataError({path.string(), 0, 0}, "it is a symbolic link; refusing to follow it",
                      ExitCode::corrupt_state);
    }
    fail("read", path, errno);
  }
  struct stat info {};
  if (io.fstat(fd.get(), &info) != 0) {
    fail("read", path, errno);
  }
  if (!S_ISREG(info.st_mode)) {
    // Like a link: a file that is not what it should be is named and left alone.
    throw DataError({path.string(), 0, 0},
                    fmt::format("it is {}, not a regular file; refusing to read it", file_kind(info.st_mode)));
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
    const ssize_t got = io.read(fd.get(), data.data() + used, data.size() - used);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail("read", path, errno);
    }
    if (got == 0) {
      break;
    }
    used += static_cast<std::size_t>(got);
  }
  data.resize(used);
  return data;
}

std::string read_file(const std::filesystem::path& path, std::size_t max_bytes, Io& io, bool no_follow) {
  auto data = read_file_if_exists(path, max_bytes, io, no_follow);
  if (!data) {
    fail("read", path, ENOENT);
  }
  return std::move(*data);
}

FileIdentity write_file_atomic(const std::filesystem::path& path, std::string_view data, Io& io, bool durable) {
  const auto directory = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  const auto temp = directory / fmt::format(".{}.tmp-{}", path.filename().string(), random_suffix());
  Fd fd(io, io.open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    fail("create", temp, errno);
  }
  // From here on, any failure removes the temp file; the old file was never touched.
  auto abandon = [&](std::string_view action, const std::filesystem::path& subject) {
    const int error = errno;
    fd.reset();
    io.unlink(temp.c_str());
    fail(action, subject, error);
  };
  // Named by the file being replaced: the temp file is gone by the time anyone reads this.
  if (!write_all(io, fd.get(), data)) {
    abandon("write", path);
  }
  if (durable && io.fsync(fd.get()) != 0) {
    abandon("sync", path);
  }
  struct stat info {};
  if (io.fstat(fd.get(), &info) != 0) {
    abandon("stat", temp);
  }
  if (fd.reset() != 0) {
    const int error = errno;
    io.unlink(temp.c_str());
    fail("close", temp, error);
  }
  if (io.rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    io.unlink(temp.c_str());
    fail("replace", path, error);
  }
  if (durable) {
    // The rename is only durable once the directory entry is on disk.
    Fd dir(io, io.open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0));
    if (!dir.valid() || io.fsync(dir.get()) != 0) {
      fail("sync directory", directory, errno);
    }
  }
  return identity_of(info);
}

void make_directories(const std::filesystem::path& path, mode_t mode, Io& io) {
  if (path.empty()) {
    return;
  }
  if (io.mkdir(path.c_str(), mode) == 0 || errno == EEXIST) {
    return;
  }
  if (errno == ENOENT && path.has_parent_path() && path.parent_path() != path) {
    make_directories(path.parent_path(), mode, io);
    if (io.mkdir(path.c_str(), mode) == 0 || errno == EEXIST) {
      return;
    }
  }
  fail("create directory", path, errno);
}

FileLock::FileLock(const std::filesystem::path& path, std::chrono::milliseconds timeout, Io& io)
    : m_fd(io, io.open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600)) {
  if (!m_fd.valid()) {
    fail("open lock file", path, errno);
  }
  struct stat info {};
  if (io.fstat(m_fd.get(), &info) != 0) {
    fail("open lock file", path, errno);
  }
  if (!S_ISREG(info.st_mode)) {
    throw Error(fmt::format("cannot lock {}: not a regular file (remove it)", path.string()));
  }
  // A hard link to a file elsewhere would have that file truncated and overwritten
  // with our pid; one owned by someone else is not ours to lock either.
  if (info.st_nlink != 1 || info.st_uid != ::geteuid()) {
    throw Error(fmt::format("cannot lock {}: it is {} (remove it; the next command makes a new one)", path.string(),
                            info.st_nlink != 1 ? "a hard link to another file" : "owned by another user"));
  }
  // Any longer wait is a mistake; the clamp keeps the deadline's arithmetic in range.
  timeout = std::clamp(timeout, std::chrono::milliseconds{0}, k_max_lock_wait);
  if (!wait_for_lock(io, m_fd.get(), timeout)) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      fail("lock", path, errno);
    }
    // A holder writes its pid into the file when it takes the lock; the pid may be stale
    // (a holder that never wrote one, e.g. another tool), so it is named only if alive.
    std::string holder = "another process";
    char buffer[32] = {};
    const ssize_t got = io.pread(m_fd.get(), buffer, sizeof buffer - 1, 0);
    long pid = 0;
    if (got > 0 && std::sscanf(buffer, "%ld", &pid) == 1 && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0) {
      holder = fmt::format("process {}", pid);
    }
    throw Error(fmt::format("the incident store is busy: {} has held {} for over {} ms; try again", holder,
                            path.string(), timeout.count()),
                ExitCode::busy);
  }
  // Name ourselves for a process that finds the lock busy (best effort). The pid is
  // padded to a fixed width and written over the last holder's: truncating the file
  // first cost a quarter of a millisecond of every write (ext4 frees the block).
  const std::string pid = fmt::format("{:<20}\n", ::getpid());
  (void)io.pwrite(m_fd.get(), pid.data(), pid.size(), 0);
}

}  // namespace incident
