#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "incident/error.hpp"
#include "incident/file_io.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::ScratchDir;
using incident::test::slurp;

namespace {

// Plants a symbolic link at the temp file's name just before the writer opens it: an
// attacker who wins the race to the name.
class SymlinkRaceIo : public Io {
public:
  explicit SymlinkRaceIo(std::filesystem::path target) : m_target(std::move(target)) {}
  int open(const char* path, int flags, mode_t mode) override {
    if (std::string_view(path).find(".tmp-") != std::string_view::npos) {
      REQUIRE(::symlink(m_target.c_str(), path) == 0);
    }
    return Io::open(path, flags, mode);
  }

private:
  std::filesystem::path m_target;
};

}  // namespace

TEST_CASE("write_file_atomic replaces the file whole, private, with no temp file left") {
  ScratchDir dir;
  const auto path = dir.path() / "a.json";
  write_file_atomic(path, "one\n");
  write_file_atomic(path, "two\n");
  CHECK(slurp(path) == "two\n");
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("a symbolic link raced into the temp file's name is not written through") {
  ScratchDir dir;
  const auto outside = dir.path() / "outside.txt";
  std::ofstream(outside) << "precious\n";
  const auto path = dir.path() / "store" / "a.json";
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << "old\n";
  SymlinkRaceIo io(outside);
  try {
    write_file_atomic(path, "new\n", io);
    FAIL("the write went through a symbolic link");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("cannot create") && Catch::Contains("File exists"));
  }
  CHECK(slurp(outside) == "precious\n");
  CHECK(slurp(path) == "old\n");
}

TEST_CASE("read_file refuses a symbolic link when asked not to follow, and bounds what it reads") {
  ScratchDir dir;
  const auto target = dir.path() / "target";
  std::ofstream(target) << std::string(100, 'x');
  const auto link = dir.path() / "link";
  REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
  CHECK_THROWS_AS(read_file(link, 1000, system_io(), true), DataError);
  CHECK(read_file(link, 1000).size() == 100);
  CHECK_THROWS_AS(read_file(target, 99), DataError);
  CHECK(read_file(target, 100).size() == 100);
}
