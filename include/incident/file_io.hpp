#pragma once
// All file I/O of the library goes through Io, one small interface over the POSIX calls
// it needs, so that tests can make the Nth operation fail (see tests/unit/store_test.cpp).
// On top of it: bounded reads, the atomic replace, and the lock.

#include <sys/stat.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace incident {

// The system calls the library uses, with their POSIX meaning: -1 and errno on failure.
class Io {
public:
  Io() = default;
  Io(const Io&) = delete;
  Io& operator=(const Io&) = delete;
  virtual ~Io() = default;
  virtual int open(const char* path, int flags, mode_t mode);
  virtual ssize_t read(int fd, void* buffer, std::size_t size);
  virtual ssize_t write(int fd, const void* data, std::size_t size);
  virtual int fsync(int fd);
  virtual int fstat(int fd, struct stat* info);
  virtual int close(int fd);
  virtual int rename(const char* from, const char* to);
  virtual int unlink(const char* path);
  virtual int mkdir(const char* path, mode_t mode);
  virtual int flock(int fd, int operation);
  virtual int lstat(const char* path, struct stat* info);
  virtual int stat(const char* path, struct stat* info);
  virtual int fstatat(int dir_fd, const char* name, struct stat* info, int flags);
  virtual ssize_t pread(int fd, void* buffer, std::size_t size, off_t offset);
  virtual ssize_t pwrite(int fd, const void* data, std::size_t size, off_t offset);
  // The names in a directory but "." and "..", appended to `names` (opendir/readdir).
  virtual int list_directory(const char* path, std::vector<std::string>& names);
};

// The real thing.
Io& system_io();

// A file descriptor closed on destruction.
class Fd {
public:
  Fd(Io& io, int fd) : m_io(&io), m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : m_io(other.m_io), m_fd(other.m_fd) { other.m_fd = -1; }
  ~Fd() { reset(); }
  [[nodiscard]] int get() const { return m_fd; }
  [[nodiscard]] bool valid() const { return m_fd >= 0; }
  // Closes now; returns close()'s result (0 when there was nothing to close).
  int reset();

private:
  Io* m_io;
  int m_fd;
};

// What a file that is not a regular file is, for messages: "a directory", "a FIFO", ...
std::string_view file_kind(mode_t mode);

// Reads the whole file. Throws Error("cannot read PATH: reason") when it cannot be opened
// or read; DataError("PATH: it is a FIFO, not a regular file; ...") when it is not a
// regular file, DataError(corrupt_state) for a symbolic link when no_follow, and
// DataError("PATH: file is larger than N bytes") when it holds more than max_bytes;
// never reads more than max_bytes + 1 bytes. Never blocks on a FIFO or device.
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes, Io& io = system_io(),
                      bool no_follow = false);

// Like read_file(), but nullopt when the file does not exist.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path, std::size_t max_bytes,
                                               Io& io = system_io(), bool no_follow = false);

struct FileIdentity {
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

FileIdentity identity_of(const struct stat& info);

// Replaces `path` with `data` so that a crash at any instant leaves either the old file
// or the complete new one: a temp file in the same directory (O_EXCL, O_NOFOLLOW, mode
// 0600), every byte written, fsync, rename over `path`, fsync of the directory (the
// fsyncs are skipped when !durable, for caches). On failure the temp file is removed, the
// old file is untouched, and Error says which step failed. Returns the new file's identity.
FileIdentity write_file_atomic(const std::filesystem::path& path, std::string_view data, Io& io = system_io(),
                               bool durable = true);

// Creates the directory and its missing parents with the given mode.
void make_directories(const std::filesystem::path& path, mode_t mode, Io& io = system_io());

// An exclusive lock on a lock file (never on the data file itself: rename swaps the
// data file's inode). Waits up to `timeout`, then throws Error(busy) naming the holder's
// pid when known. Released on destruction; the kernel releases it if the process dies.
// The longest a FileLock waits, whatever it is asked: a day.
inline constexpr std::chrono::milliseconds k_max_lock_wait{std::int64_t{24} * 3600 * 1000};

class FileLock {
public:
  FileLock(const std::filesystem::path& path, std::chrono::milliseconds timeout, Io& io = system_io());
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() = default;  // closing the descriptor releases the lock

private:
  Fd m_fd;
};

}  // namespace incident
