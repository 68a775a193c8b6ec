// incident watch [ID] [--at TIME]: a live view, redrawn every second. Without ID, the open
// incidents and what each owes (the ack, the next update) counting down; with ID, what
// `status` shows of that incident, its current phase's checklist and its last events.
// It reads what `status` and `list` read (no lock, no write).
//
// On a terminal (stdout): the alternate screen, the cursor hidden, keys read one at a time
// (no echo); `q` (or Ctrl-D) quits with 0, Ctrl-C with 130 (SIGTERM 143, SIGHUP 129), and
// every way out restores the terminal: the termios settings, the cursor and the screen
// (the last bytes written). Not on a terminal (or TERM=dumb): one frame, printed as text,
// and exit 0 (a script or a test sees what the screen would show).
//
// The clock moves: each frame is "now" (or --at, or INCIDENT_NOW) plus the time watched.
// INCIDENT_WATCH_INTERVAL_MS (hidden, for tests) sets the redraw interval (default 1000).
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>

#include "commands.hpp"
#include "common.hpp"
#include "incident/error.hpp"
#include "incident/sla.hpp"
#include "incident/watch.hpp"

namespace incident::cli {

namespace watch_command {

constexpr std::chrono::milliseconds k_default_interval{1000};
constexpr std::size_t k_default_rows = 24;

// The signal that ends the watch (SIGINT, SIGTERM, SIGHUP), or SIGWINCH (redraw): set by
// the handler, read by the loop.
volatile std::sig_atomic_t g_signal = 0;

extern "C" void record_signal(int signal_number) {
  if (signal_number != SIGWINCH || g_signal == 0) {  // a resize never hides a signal that ends the watch
    g_signal = signal_number;
  }
}

std::chrono::milliseconds interval() {
  const char* value = std::getenv("INCIDENT_WATCH_INTERVAL_MS");
  if (value == nullptr || *value == '\0') {
    return k_default_interval;
  }
  const std::string_view text(value);
  long ms = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (error != std::errc{} || end != text.data() + text.size() || ms < 10 || ms > 60'000) {
    throw UsageError(fmt::format("INCIDENT_WATCH_INTERVAL_MS must be a number of milliseconds from 10 to 60000, "
                                 "not '{}'",
                                 text::escape_control(text)));
  }
  return std::chrono::milliseconds(ms);
}

// The terminal's rows: the window size when stdout is a terminal, else $LINES, else 24.
std::size_t terminal_rows() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0) {
    return size.ws_row;
  }
  if (const char* lines = std::getenv("LINES"); lines != nullptr) {
    std::size_t value = 0;
    const std::string_view text(lines);
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc{} && end == text.data() + text.size() && value > 0) {
      return value;
    }
  }
  return k_default_rows;
}

// The terminal while watching: the alternate screen, the cursor hidden, stdin (when a
// terminal) without echo or line buffering and Ctrl-Z off, and handlers for the signals
// that end the watch. The destructor puts all of it back, in every case: a quit, a
// signal, an exception. The last bytes it writes show the cursor and leave the alternate
// screen.
class Screen {
public:
  Screen() {
    m_keys = isatty(STDIN_FILENO) != 0 && tcgetattr(STDIN_FILENO, &m_saved) == 0;
    struct sigaction action {};
    action.sa_handler = record_signal;  // no SA_RESTART: poll() returns at once
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
      ::sigaction(k_signals[i], &action, &m_previous[i]);
    }
    if (m_keys) {
      termios raw = m_saved;
      raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);  // ISIG stays: Ctrl-C is SIGINT
      raw.c_cc[VMIN] = 1;
      raw.c_cc[VTIME] = 0;
      raw.c_cc[VSUSP] = _POSIX_VDISABLE;  // stopped, the screen would stay as it is
      tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    write_raw("\x1b[?1049h\x1b[?25l");
  }
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;
  ~Screen() {
    if (m_keys) {
      tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
    }
    write_raw("\x1b[?25h\x1b[?1049l");
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
      ::sigaction(k_signals[i], &m_previous[i], nullptr);
    }
  }

  // The frame over the last one: from the top left, each line cleared to its end, and
  // the rest of the screen cleared, in one write (no flicker).
  void draw(const std::string& frame) {
    std::string out = "\x1b[H";
    std::string_view rest = frame;
    bool first = true;
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      out += first ? "" : "\x1b[K\r\n";
      out += rest.substr(0, end);
      first = false;
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    out += "\x1b[K\x1b[J";
    write_raw(out);
  }

  // Waits until `deadline` for a key: true when one that quits came (q, Q, Ctrl-D);
  // false at the deadline or when a signal arrived (see g_signal).
  bool wait_for_quit(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || g_signal != 0) {
        return false;
      }
      pollfd fd{m_keys ? STDIN_FILENO : -1, POLLIN, 0};  // a negative fd is ignored: a plain sleep
      const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
      if (ready <= 0) {
        continue;  // the deadline, or a signal (EINTR): checked above
      }
      char keys[64];
      const ssize_t n = ::read(STDIN_FILENO, keys, sizeof keys);
      if (n <= 0) {
        m_keys = n < 0 && errno == EINTR;  // end of input: wait on the clock alone
        continue;
      }
      for (ssize_t i = 0; i < n; ++i) {
        if (keys[i] == 'q' || keys[i] == 'Q' || keys[i] == '\x04') {
          return true;
        }
      }
    }
  }

private:
  static constexpr std::array<int, 4> k_signals = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};

  static void write_raw(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return;  // the terminal is gone: nothing left to restore on it
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  bool m_keys = false;
  termios m_saved{};
  std::array<struct sigaction, 4> m_previous{};
};

// What a frame shows: the open incidents, or one incident.
class Watch {
public:
  Watch(Context& ctx, const std::string& id_option, Timestamp start) : m_store(open_store(ctx)) {
    if (!id_option.empty()) {
      m_id = m_store.resolve_id(id_option);
      // Up front, before the screen is taken: a runbook that does not fit is an error,
      // one that differs a warning the user can read.
      m_runbook = &runbook_for(ctx, as_it_stood(m_store.load(m_id), start));
    }
  }

  // The frame as of `at`, for a screen of `rows` (0: not a terminal); errors reading the
  // store are shown in the frame rather than ending the watch (a sync may be under way).
  std::vector<text::ToneLine> frame(Timestamp at, std::size_t width, std::size_t rows) const {
    const Zone zone = Zone::user();
    std::vector<text::ToneLine> lines;
    lines.push_back({text::Tone::plain,
                     fit_columns(watch_header(m_id.empty() ? "Open incidents" : "Incident " + m_id, at, zone), width) +
                         "\n"});
    try {
      if (m_id.empty()) {
        const Listing listing = m_store.list(Scope::current, at);
        for (const auto& warning : listing.warnings) {
          lines.push_back({text::Tone::alarm, fit_columns(text::escape_control(warning), width) + "\n"});
        }
        const auto overview = render_watch_overview(listing.incidents, at, zone, width);
        lines.insert(lines.end(), overview.begin(), overview.end());
        return lines;
      }
      const Incident incident = as_it_stood(m_store.load(m_id), at);
      const Assessment assessment = assess(*m_runbook, incident, at);
      const auto view =
          render_watch_incident(*m_runbook, incident, assessment, zone, width, rows > lines.size() ? rows - lines.size() : 0);
      lines.insert(lines.end(), view.begin(), view.end());
    } catch (const Error& e) {
      lines.push_back({text::Tone::alarm, fit_columns(text::escape_control(e.what()), width) + "\n"});
    }
    return lines;
  }

private:
  Store m_store;
  std::string m_id;
  const Runbook* m_runbook = nullptr;
};

// At most `rows` lines: the last one says how many more a taller terminal would show.
void fit_rows(std::vector<text::ToneLine>& lines, std::size_t rows, std::size_t width) {
  if (rows == 0 || lines.size() <= rows) {
    return;
  }
  const std::size_t hidden = lines.size() - rows + 1;
  lines.resize(rows - 1);
  lines.push_back({text::Tone::plain, fit_columns(fmt::format("… {} more line{}", hidden, hidden == 1 ? "" : "s"), width) + "\n"});
}

void run(Context& ctx, const std::string& id, const std::string& at_option) {
  if (ctx.options.json) {
    throw UsageError("watch is a view for people; scripts read incident status --json or incident list --json");
  }
  const auto every = interval();
  const Timestamp start = as_of(ctx, at_option);
  const Watch watch(ctx, id, start);
  // A terminal that cannot move its cursor (TERM=dumb) gets what a pipe gets.
  const char* term = std::getenv("TERM");
  if (isatty(STDOUT_FILENO) == 0 || (term != nullptr && std::string_view(term) == "dumb")) {
    ctx.out(watch.frame(start, terminal_width(), 0));
    return;
  }
  const auto began = std::chrono::steady_clock::now();
  g_signal = 0;
  Screen screen;
  for (;;) {
    if (g_signal == SIGWINCH) {
      g_signal = 0;  // a resize: this frame fits the new size
    }
    const Timestamp at = start + std::chrono::duration_cast<Seconds>(std::chrono::steady_clock::now() - began);
    const std::size_t width = terminal_width();
    const std::size_t rows = terminal_rows();
    auto lines = watch.frame(at, width, rows);
    fit_rows(lines, rows, width);
    screen.draw(ctx.screen_text(lines));
    if (screen.wait_for_quit(std::chrono::steady_clock::now() + every)) {
      return;
    }
    if (const int signal_number = g_signal; signal_number != 0 && signal_number != SIGWINCH) {
      ctx.exit_code = 128 + signal_number;  // as a shell reports a command the signal ended
      return;
    }
  }
}

}  // namespace watch_command

void register_watch(CLI::App& app, Context& ctx) {
  struct Options {
    std::string id, at;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "watch", "A live view on the terminal: the open incidents, or one incident, redrawn every second (q quits)");
  command->add_option("ID", o->id, "Incident id or unique prefix (default: every open incident)");
  add_as_of_option(*command, o->at, "Start the clock at this time (it moves on from there)");
  command->callback([&ctx, o] { watch_command::run(ctx, o->id, o->at); });
}

}  // namespace incident::cli
