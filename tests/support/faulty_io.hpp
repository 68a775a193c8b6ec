#pragma once
// An Io whose Nth file operation fails, for fault-injection tests: the SQLite ioerr idea.

#include <cerrno>

#include "incident/file_io.hpp"

namespace incident::test {

// Fails the Nth file operation (counting every call) with `error`.
class FaultyIo : public incident::Io {
public:
  explicit FaultyIo(int fail_at, int error = EIO) : m_fail_at(fail_at), m_error(error) {}
  int calls = 0;
  bool fired = false;

  int open(const char* path, int flags, mode_t mode) override { return step() ? Io::open(path, flags, mode) : -1; }
  ssize_t read(int fd, void* buffer, std::size_t size) override { return step() ? Io::read(fd, buffer, size) : -1; }
  ssize_t write(int fd, const void* data, std::size_t size) override {
    // The fault on a write is a short write first, then the error: writers must loop.
    if (calls + 1 == m_fail_at && size > 1 && !fired) {
      ++calls;
      fired = true;
      return Io::write(fd, data, size / 2) < 0 ? -1 : fail_after_short(fd, data, size);
    }
    return step() ? Io::write(fd, data, size) : -1;
  }
  int fsync(int fd) override { return step() ? Io::fsync(fd) : -1; }
  int fstat(int fd, struct stat* info) override { return step() ? Io::fstat(fd, info) : -1; }
  int close(int fd) override {
    // A failed close still releases the descriptor, as on Linux.
    const bool ok = step();
    Io::close(fd);
    return ok ? 0 : -1;
  }
  int rename(const char* from, const char* to) override { return step() ? Io::rename(from, to) : -1; }
  int unlink(const char* path) override { return Io::unlink(path); }  // cleanup must work
  int mkdir(const char* path, mode_t mode) override { return step() ? Io::mkdir(path, mode) : -1; }
  int flock(int fd, int operation) override { return step() ? Io::flock(fd, operation) : -1; }
  int lstat(const char* path, struct stat* info) override { return step() ? Io::lstat(path, info) : -1; }
  int stat(const char* path, struct stat* info) override { return step() ? Io::stat(path, info) : -1; }
  int fstatat(int dir_fd, const char* name, struct stat* info, int flags) override {
    return step() ? Io::fstatat(dir_fd, name, info, flags) : -1;
  }
  ssize_t pread(int fd, void* buffer, std::size_t size, off_t offset) override {
    return step() ? Io::pread(fd, buffer, size, offset) : -1;
  }
  ssize_t pwrite(int fd, const void* data, std::size_t size, off_t offset) override {
    return step() ? Io::pwrite(fd, data, size, offset) : -1;
  }
  int list_directory(const char* path, std::vector<std::string>& names) override {
    return step() ? Io::list_directory(path, names) : -1;
  }

private:
  bool step() {
    if (++calls == m_fail_at) {
      fired = true;
      errno = m_error;
      return false;
    }
    return true;
  }
  ssize_t fail_after_short(int, const void*, std::size_t) {
    errno = m_error;
    return -1;
  }
  int m_fail_at;
  int m_error;
};

}  // namespace incident::test
