#include "incident/clipboard.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "incident/error.hpp"
#include "incident/process.hpp"

namespace incident {

namespace {

// xterm's default limit on an OSC string (its maxStringParse); kitty, alacritty, iTerm2 and
// tmux take at least this much, some terminals less. Longer is refused rather than cut short.
constexpr std::size_t k_osc52_max_bytes = 100'000;

// A clipboard tool reads its stdin and exits at once (leaving a daemon to serve the selection).
constexpr std::chrono::seconds k_tool_timeout{5};

constexpr std::string_view k_terminal = "the terminal (OSC 52)";

// Whether posix_spawnp would find `program`: an executable regular file in a PATH entry
// (an empty entry is the working directory; no PATH is glibc's default, /bin:/usr/bin).
// Asked beforehand so "not installed" is known, not read back from run_process's message.
bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/bin:/usr/bin";
  while (true) {
    const std::size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : std::string(dir)) / program;
    std::error_code ignored;
    if (std::filesystem::is_regular_file(candidate, ignored) && ::access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
    if (colon == std::string_view::npos) {
      return false;
    }
    dirs.remove_prefix(colon + 1);
  }
}

// Runs a clipboard tool with `text` on its stdin: "" when it worked, else why not.
std::string run_tool(const std::vector<std::string>& argv, std::string_view text) {
  if (!on_path(argv.front())) {
    return "not installed";
  }
  ProcessOptions options;
  options.input = std::string(text);
  options.capture_output = false;  // else we would wait for the daemon it leaves behind
  options.timeout = k_tool_timeout;
  try {
    const ProcessResult result = run_process(argv, options);
    if (result.timed_out) {
      return fmt::format("no exit within {} s", k_tool_timeout.count());
    }
    if (result.exit_code != 0) {
      return fmt::format("exit status {}", result.exit_code);
    }
    return "";
  } catch (const Error& error) {
    return error.what();
  }
}

// Writes the OSC 52 sequence to the controlling terminal: "" when it was written, else why
// not. /dev/tty, not stdout: stdout may be a pipe or a file, and the sequence is for the
// terminal alone. O_NOCTTY: opening it must never give a process without one a terminal.
std::string write_to_terminal(std::string_view text, Multiplexer multiplexer) {
  const std::string sequence = osc52_sequence(text, multiplexer);
  if (sequence.size() > k_osc52_max_bytes) {
    return fmt::format("the text is too long for OSC 52 ({} bytes, at most {})", sequence.size(), k_osc52_max_bytes);
  }
  const int fd = ::open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return "no terminal for OSC 52";
  }
  std::size_t written = 0;
  while (written < sequence.size()) {
    const ssize_t put = ::write(fd, sequence.data() + written, sequence.size() - written);
    if (put < 0 && errno == EINTR) {
      continue;
    }
    if (put < 0) {
      const int write_errno = errno;
      ::close(fd);
      return fmt::format("cannot write OSC 52 to the terminal: {}", std::strerror(write_errno));
    }
    written += static_cast<std::size_t>(put);
  }
  ::close(fd);
  return "";
}

// What was tried and why it failed; an empty method: the reason names it ("no terminal for OSC 52").
struct Failure {
  std::string method;
  std::string reason;
};

// "wl-copy, xclip: not installed; no terminal for OSC 52": methods with the same reason
// together, in the order they were tried.
std::string describe(const std::vector<Failure>& failures) {
  std::string out;
  std::vector<bool> done(failures.size(), false);
  for (std::size_t i = 0; i < failures.size(); ++i) {
    if (done[i]) {
      continue;
    }
    std::string methods;
    for (std::size_t j = i; j < failures.size(); ++j) {
      if (!done[j] && !failures[j].method.empty() && failures[j].reason == failures[i].reason) {
        methods += (methods.empty() ? "" : ", ") + failures[j].method;
        done[j] = true;
      }
    }
    done[i] = true;
    out += (out.empty() ? "" : "; ") + (methods.empty() ? "" : methods + ": ") + failures[i].reason;
  }
  return out;
}

bool set_and_not_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

}  // namespace

std::string base64(std::string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t at = 0; at < bytes.size(); at += 3) {
    const std::size_t left = bytes.size() - at;
    // Three bytes, the missing ones zero, as 24 bits: four 6-bit digits.
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 16U;
    if (left > 1) {
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8U;
    }
    if (left > 2) {
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2]));
    }
    out += k_alphabet[(group >> 18U) & 0x3FU];
    out += k_alphabet[(group >> 12U) & 0x3FU];
    out += left > 1 ? k_alphabet[(group >> 6U) & 0x3FU] : '=';
    out += left > 2 ? k_alphabet[group & 0x3FU] : '=';
  }
  return out;
}

std::string osc52_sequence(std::string_view text, Multiplexer multiplexer) {
  // "c": the clipboard selection (not the X primary one). BEL ends it: older terminals
  // know no other terminator.
  const std::string osc = "\x1b]52;c;" + base64(text) + "\a";
  switch (multiplexer) {
    case Multiplexer::none:
      return osc;
    case Multiplexer::tmux: {
      // tmux hands the DCS body to the terminal, an ESC in it written as two.
      std::string out = "\x1bPtmux;";
      for (const char c : osc) {
        out += c;
        if (c == '\x1b') {
          out += c;
        }
      }
      return out + "\x1b\\";
    }
    case Multiplexer::screen:
      return "\x1bP" + osc + "\x1b\\";
  }
  return osc;
}

ClipboardEnvironment ClipboardEnvironment::current() {
  ClipboardEnvironment env;
  env.wayland = set_and_not_empty("WAYLAND_DISPLAY");
  env.x11 = set_and_not_empty("DISPLAY");
  // By the variables each sets, not TERM: tmux sets TERM=screen* too, and over ssh from
  // inside tmux TERM says screen while the sequence must stay bare.
  if (set_and_not_empty("TMUX")) {
    env.multiplexer = Multiplexer::tmux;
  } else if (set_and_not_empty("STY")) {
    env.multiplexer = Multiplexer::screen;
  }
  return env;
}

std::string copy_to_clipboard(std::string_view text, const ClipboardEnvironment& env) {
  struct Tool {
    std::vector<std::string> argv;
    std::string unusable;  // why it is not tried here; empty: it is
  };
  const std::vector<Tool> tools = {
      {{"wl-copy"}, env.wayland ? "" : "no Wayland display"},
      {{"xclip", "-selection", "clipboard"}, env.x11 ? "" : "no X display"},
      {{"xsel", "--clipboard", "--input"}, env.x11 ? "" : "no X display"},
      {{"pbcopy"}, ""},
  };
  std::vector<Failure> failures;
  for (const Tool& tool : tools) {
    std::string reason = tool.unusable.empty() ? run_tool(tool.argv, text) : tool.unusable;
    if (reason.empty()) {
      return tool.argv.front();
    }
    failures.push_back({tool.argv.front(), std::move(reason)});
  }
  std::string reason = write_to_terminal(text, env.multiplexer);
  if (reason.empty()) {
    return std::string(k_terminal);
  }
  failures.push_back({"", std::move(reason)});
  throw Error(
      fmt::format("cannot copy: no clipboard tool worked ({}); install wl-clipboard or xclip, or run it in a terminal",
                  describe(failures)));
}

}  // namespace incident
