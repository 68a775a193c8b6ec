// clipboard.hpp: base64 and the OSC 52 bytes, and copy_to_clipboard with fake tools on PATH.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "incident/clipboard.hpp"
#include "incident/error.hpp"
#include "support/temp_dir.hpp"

using namespace incident;
using incident::test::ScratchDir;
using incident::test::slurp;
namespace fs = std::filesystem;

namespace {

// PATH set for a test, and put back as it was (unset included) afterwards.
class ScopedPath {
public:
  explicit ScopedPath(const std::string& path) {
    if (const char* old = std::getenv("PATH")) {
      m_saved = old;
    }
    ::setenv("PATH", path.c_str(), 1);
  }
  ScopedPath(const ScopedPath&) = delete;
  ScopedPath& operator=(const ScopedPath&) = delete;
  ~ScopedPath() {
    if (m_saved) {
      ::setenv("PATH", m_saved->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }

private:
  std::optional<std::string> m_saved;
};

// A fake clipboard tool in `dir`: it saves its arguments (one a line) and its stdin next to itself.
void write_fake_tool(const fs::path& dir, const std::string& name) {
  const fs::path script = dir / name;
  std::ofstream(script) << "#!/bin/sh\n"
                        << "printf '%s\\n' \"$@\" >'" << (dir / (name + ".argv")).string() << "'\n"
                        << "exec /bin/cat >'" << (dir / (name + ".stdin")).string() << "'\n";
  fs::permissions(script, fs::perms::owner_all);
}

bool have_terminal() {
  const int fd = ::open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace

TEST_CASE("clipboard: base64 is RFC 4648's, padded") {
  // The test vectors of RFC 4648, section 10.
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foob") == "Zm9vYg==");
  CHECK(base64("fooba") == "Zm9vYmE=");
  CHECK(base64("foobar") == "Zm9vYmFy");
  // Every bit of a byte counts: no sign extension of a char above 0x7F.
  CHECK(base64(std::string("\xff\xfe\x00\x80", 4)) == "//4AgA==");
}

TEST_CASE("clipboard: the OSC 52 sequence, bare and wrapped for tmux and screen") {
  CHECK(osc52_sequence("hi", Multiplexer::none) == "\x1b]52;c;aGk=\a");
  CHECK(osc52_sequence("hi", Multiplexer::tmux) == "\x1bPtmux;\x1b\x1b]52;c;aGk=\a\x1b\\");
  CHECK(osc52_sequence("hi", Multiplexer::screen) == "\x1bP\x1b]52;c;aGk=\a\x1b\\");
  // An escape in the text cannot end the sequence early: it is inside the base64.
  CHECK(osc52_sequence("\x1b\\", Multiplexer::none) == "\x1b]52;c;G1w=\a");
}

TEST_CASE("clipboard: the environment decides the method") {
  // Read from the process environment; only what is set here is checked.
  const char* saved_tmux = std::getenv("TMUX");
  const std::optional<std::string> tmux = saved_tmux != nullptr ? std::optional<std::string>(saved_tmux) : std::nullopt;
  ::setenv("TMUX", "/tmp/tmux-1000/default,1,0", 1);
  CHECK(ClipboardEnvironment::current().multiplexer == Multiplexer::tmux);
  ::unsetenv("TMUX");
  const char* saved_sty = std::getenv("STY");
  const std::optional<std::string> sty = saved_sty != nullptr ? std::optional<std::string>(saved_sty) : std::nullopt;
  ::setenv("STY", "1234.pts-0.host", 1);
  CHECK(ClipboardEnvironment::current().multiplexer == Multiplexer::screen);
  ::unsetenv("STY");
  CHECK(ClipboardEnvironment::current().multiplexer == Multiplexer::none);  // TERM=screen* alone is not screen
  if (sty) {
    ::setenv("STY", sty->c_str(), 1);
  }
  if (tmux) {
    ::setenv("TMUX", tmux->c_str(), 1);
  }
}

TEST_CASE("clipboard: copy runs xclip on an X display with the text on its stdin") {
  ScratchDir dir;
  write_fake_tool(dir.path(), "xclip");
  write_fake_tool(dir.path(), "wl-copy");  // not on Wayland: never run
  const ScopedPath path(dir.path().string());
  ClipboardEnvironment env;
  env.x11 = true;
  const std::string text = "INC-42 db down\n  $(not a shell) 'quoted' \xc3\xa9\n";
  CHECK(copy_to_clipboard(text, env) == "xclip");
  CHECK(slurp(dir.path() / "xclip.stdin") == text);
  CHECK(slurp(dir.path() / "xclip.argv") == "-selection\nclipboard\n");
  CHECK_FALSE(fs::exists(dir.path() / "wl-copy.argv"));
}

TEST_CASE("clipboard: a tool that fails is passed over for the next") {
  ScratchDir dir;
  std::ofstream(dir.path() / "xclip") << "#!/bin/sh\nexit 1\n";
  fs::permissions(dir.path() / "xclip", fs::perms::owner_all);
  write_fake_tool(dir.path(), "xsel");
  const ScopedPath path(dir.path().string());
  ClipboardEnvironment env;
  env.x11 = true;
  CHECK(copy_to_clipboard("text", env) == "xsel");
  CHECK(slurp(dir.path() / "xsel.stdin") == "text");
  CHECK(slurp(dir.path() / "xsel.argv") == "--clipboard\n--input\n");
}

TEST_CASE("clipboard: with no tool and no terminal, copy says what it tried") {
  ScratchDir dir;  // PATH: an empty directory
  const ScopedPath path(dir.path().string());
  ClipboardEnvironment env;
  env.wayland = true;
  env.x11 = true;
  // Too long for OSC 52: refused before the terminal is opened, so this holds with one too.
  try {
    copy_to_clipboard(std::string(80'000, 'x'), env);
    FAIL("copy_to_clipboard did not throw");
  } catch (const Error& error) {
    CHECK(std::string(error.what()) ==
          "cannot copy: no clipboard tool worked (wl-copy, xclip, xsel, pbcopy: not installed; the text is too long "
          "for OSC 52 (106676 bytes, at most 100000)); install wl-clipboard or xclip, or run it in a terminal");
  }
  if (have_terminal()) {
    WARN("a controlling terminal is open: the no-terminal case is not checked (ctest runs without one)");
    return;
  }
  CHECK_THROWS_AS(copy_to_clipboard("text", env), Error);
  CHECK_THROWS_WITH(copy_to_clipboard("text", env),
                    "cannot copy: no clipboard tool worked (wl-copy, xclip, xsel, pbcopy: not installed; no terminal "
                    "for OSC 52); install wl-clipboard or xclip, or run it in a terminal");
  CHECK_THROWS_WITH(copy_to_clipboard("text", ClipboardEnvironment{}),
                    "cannot copy: no clipboard tool worked (wl-copy: no Wayland display; xclip, xsel: no X display; "
                    "pbcopy: not installed; no terminal for OSC 52); install wl-clipboard or xclip, or run it in a "
                    "terminal");
}
