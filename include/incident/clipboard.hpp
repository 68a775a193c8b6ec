#pragma once
// Putting text on the user's clipboard: a clipboard tool of the desktop when there is one
// (wl-copy, xclip, xsel, pbcopy), else the terminal, asked with an OSC 52 escape sequence
// (which also reaches a laptop's clipboard over SSH and from inside tmux).

#include <string>
#include <string_view>

namespace incident {

// The terminal multiplexer between us and the terminal: its own escape sequences are
// interpreted by it, so OSC 52 has to be wrapped to reach the terminal outside.
enum class Multiplexer { none, tmux, screen };

// The OSC 52 escape sequence that asks the terminal to put `text` on the clipboard:
// ESC ] 52 ; c ; BASE64(text) BEL; inside tmux wrapped in the DCS passthrough
// (ESC P tmux; ... with every ESC doubled ... ESC \), inside GNU screen in ESC P ... ESC \.
// (tmux 3.3 and later pass a DCS on only with `set -g allow-passthrough on`.)
std::string osc52_sequence(std::string_view text, Multiplexer multiplexer);

// RFC 4648 base64: the standard alphabet, padded with '='.
std::string base64(std::string_view bytes);

// What decides the method; from the process environment by default.
struct ClipboardEnvironment {
  bool wayland = false;                         // WAYLAND_DISPLAY set and non-empty
  bool x11 = false;                             // DISPLAY set and non-empty
  Multiplexer multiplexer = Multiplexer::none;  // TMUX set -> tmux; else STY set (GNU screen) -> screen
  static ClipboardEnvironment current();
};

// Puts `text` on the clipboard with the first of these that works:
//   wl-copy                                (when wayland)
//   xclip -selection clipboard, then xsel --clipboard --input   (when x11)
//   pbcopy                                 (macOS; tried when it is on PATH)
// each a program found on PATH and run without a shell, with the text on its stdin, its
// output thrown away and 5 s to exit (a tool that is not installed is skipped; one that
// exits non-zero or times out counts as failed); then OSC 52 written to the controlling
// terminal (/dev/tty) when there is one and the sequence is at most 100,000 bytes (what
// xterm accepts by default; many terminals take less). A terminal cannot say whether it
// honoured OSC 52: writing it counts as working.
// Returns what worked: "wl-copy", "xclip", "xsel", "pbcopy" or "the terminal (OSC 52)".
// Throws Error when nothing worked, one line naming what was tried and why each failed:
// "cannot copy: no clipboard tool worked (wl-copy, xclip, xsel, pbcopy: not installed; no
// terminal for OSC 52); install wl-clipboard or xclip, or run it in a terminal".
std::string copy_to_clipboard(std::string_view text, const ClipboardEnvironment& env = ClipboardEnvironment::current());

}  // namespace incident
