#include <catch2/catch.hpp>

#include "incident/text.hpp"

#include <fmt/format.h>

using namespace incident;

TEST_CASE("find_invalid_text accepts clean UTF-8 and reports the first bad byte with its position") {
  CHECK_FALSE(text::find_invalid_text("plain ascii\nand 🚨 emoji, ünïcödé").has_value());
  auto nul = text::find_invalid_text(std::string_view("ab\ncd\0e", 7));
  REQUIRE(nul);
  CHECK(nul->line == 2);
  CHECK(nul->column == 3);
  CHECK(nul->what == "NUL byte in text");
  auto bad = text::find_invalid_text("ok\n  \xff");
  REQUIRE(bad);
  CHECK(bad->line == 2);
  CHECK(bad->column == 3);
  CHECK(bad->what == "invalid UTF-8 (byte 0xff)");
  CHECK(text::find_invalid_text("\xc0\xaf"));  // overlong '/'
  CHECK(text::find_invalid_text("\xed\xa0\x80"));  // surrogate
  CHECK(text::find_invalid_text("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK(text::find_invalid_text("\xe2\x82"));  // truncated
}

TEST_CASE("did_you_mean suggests only close candidates") {
  const std::vector<std::string> keys = {"response_time", "definition", "examples"};
  CHECK(text::did_you_mean("respone_time", keys) == " (did you mean 'response_time'?)");
  CHECK(text::did_you_mean("Definition", keys) == " (did you mean 'definition'?)");
  CHECK(text::did_you_mean("colour", keys).empty());
  CHECK(text::did_you_mean(std::string(1000, 'x'), keys).empty());
}

// An abbreviation is too far from the name for an edit distance ("sev" is five edits from
// "severity") but is what people type for an option.
TEST_CASE("did_you_mean suggests the one candidate a word of three or more characters begins") {
  const std::vector<std::string> options = {"severity", "impact", "commander", "at", "state-dir", "help"};
  CHECK(text::did_you_mean("sev", options) == " (did you mean 'severity'?)");
  CHECK(text::did_you_mean("Comm", options) == " (did you mean 'commander'?)");
  CHECK(text::did_you_mean("se", options).empty());  // too short to tell
  const std::vector<std::string> commands = {"severity", "severities", "status"};
  CHECK(text::did_you_mean("sev", commands).empty());  // which one?
  CHECK(text::did_you_mean("severiti", commands) == " (did you mean 'severity'?)");  // close beats prefix
}

TEST_CASE("escape_control makes terminal escapes visible") {
  CHECK(text::escape_control("a\x1b[31mred") == "a\\e[31mred");
  CHECK(text::escape_control("tab\there") == "tab\\there");
  CHECK(text::escape_control("two\nlines") == "two\\nlines");
  CHECK(text::escape_control("two\nlines", true) == "two\nlines");
  CHECK(text::escape_control("two\r\nlines\rback", true) == "two\nlines\\rback");
  CHECK(text::escape_control("c1 \xc2\x9b csi") == "c1 \\u009b csi");
  CHECK(text::escape_control("caf\xc3\xa9") == "caf\xc3\xa9");
}

// "Hostile teammates and hostile files" (#10), 4 and 8: the one path to a terminal.
TEST_CASE("terminal_safe finds a byte to show at every offset of the eight it reads at once") {
  const std::string ascii = "0123456789abcdefghijklmnopqrstuv";
  for (const std::string& bad : {std::string("\x01"), std::string("\x1b"), std::string("\x1f"), std::string("\x7f"),
                                std::string("\x9b"), std::string("\xff"), std::string("\xe2\x80\xae")}) {
    for (std::size_t at = 0; at <= 17; ++at) {
      const std::string prefix = ascii.substr(0, at);
      const std::string suffix = ascii.substr(at);
      INFO(at << " " << Catch::Detail::stringify(bad));
      CHECK(text::terminal_safe(prefix + bad + suffix) == prefix + text::terminal_safe(bad) + suffix);
      CHECK(text::terminal_safe(bad) != bad);
    }
  }
}

TEST_CASE("terminal_safe leaves text and JSON alone and shows every byte that could drive a terminal") {
  const std::string plain = "Checkout API 500s — ünïcödé 🚨\n\tindented";
  CHECK(text::terminal_safe(plain) == plain);
  const std::string json = "{\n  \"title\": \"a\\u001b]52;c;eA==\\u0007b\"\n}\n";
  CHECK(text::terminal_safe(json) == json);  // an escaped control in JSON is already text
  CHECK(text::terminal_safe("osc \x1b]52;c;eA==\x07 end") == "osc \\e]52;c;eA==\\x07 end");
  CHECK(text::terminal_safe("cr\rover") == "cr\\rover");
  CHECK(text::terminal_safe("del\x7f") == "del\\u007f");
  CHECK(text::terminal_safe("c1 \xc2\x9b" "2J") == "c1 \\u009b2J");
  CHECK(text::terminal_safe("lone \x9b" "2J") == "lone \\x9b2J");
  CHECK(text::terminal_safe("cut \xe2\x80") == "cut \\xe2\\x80");
  CHECK(text::terminal_safe("over\xc0\x9b") == "over\\xc0\\x9b");  // an overlong encoding
  for (const char32_t code : {U'\u061c', U'\u200b', U'\u200d', U'\u200e', U'\u200f', U'\u2028', U'\u2029',
                              U'\u202a', U'\u202e', U'\u2060', U'\u2064', U'\u2066', U'\u2069', U'\ufeff'}) {
    std::string encoded;
    if (code < 0x800) {
      encoded += static_cast<char>(0xC0 | (code >> 6U));
    } else {
      encoded += static_cast<char>(0xE0 | (code >> 12U));
      encoded += static_cast<char>(0x80 | ((code >> 6U) & 0x3FU));
    }
    encoded += static_cast<char>(0x80 | (code & 0x3FU));
    INFO(static_cast<unsigned>(code));
    CHECK(text::is_hidden_control(code));
    CHECK(text::terminal_safe("a" + encoded + "b") == fmt::format("a\\u{:04x}b", static_cast<unsigned>(code)));
  }
  // Neighbours that are ordinary text.
  for (const char32_t code : {U'\u061b', U'\u200a', U'\u2010', U'\u2027', U'\u202f', U'\u2065', U'\u206a', U'\ufefe', U'\u00a0'}) {
    INFO(static_cast<unsigned>(code));
    CHECK_FALSE(text::is_hidden_control(code));
  }
}

TEST_CASE("line breaks, as terminals and chat clients show them, are found, joined or indented") {
  CHECK_FALSE(text::has_line_break("one line\ttab"));
  for (const char* line_break : {"\n", "\r", "\r\n", "\v", "\f", "\u0085", "\u2028", "\u2029"}) {
    const std::string text = std::string("a ") + line_break + " b" + line_break + line_break + "c";
    INFO(Catch::Detail::stringify(text));
    CHECK(text::has_line_break(text));
    CHECK(text::one_line(text) == "a b c");
    CHECK(text::indent_continuation(std::string("a") + line_break + "b", "  ") == "a\n  b");
  }
  CHECK(text::one_line("\nleading and trailing\n") == "leading and trailing");
  CHECK(text::indent_continuation("no break", "  ") == "no break");
  CHECK_FALSE(text::has_line_break("\xe2\x80\xa7 \xc2\x84"));  // neighbours of U+2028 and U+0085
}

// "Hostile teammates and hostile files" (#10), low: "Сritical" (a Cyrillic С) passed as a
// second severity beside "Critical".
TEST_CASE("mixed_script_word finds a word that mixes Latin with Cyrillic or Greek letters") {
  CHECK(text::mixed_script_word("Critical").empty());
  CHECK(text::mixed_script_word("Критический").empty());
  CHECK(text::mixed_script_word("Κρίσιμο, Critical, Kritisch-Ärger 1").empty());
  CHECK(text::mixed_script_word("\u0421ritical") == "\u0421ritical");  // Cyrillic Es
  CHECK(text::mixed_script_word("Very Hi\u0261h").empty());  // Latin small script g: Latin
  CHECK(text::mixed_script_word("Very \u0397igh") == "\u0397igh");  // Greek Eta
  CHECK(text::mixed_script_word("P0 crit\u0456cal!") == "crit\u0456cal");  // Cyrillic i, then a break
}

TEST_CASE("cut keeps short text and cuts long text at a character boundary") {
  CHECK(text::cut("abc", 3) == "abc");
  CHECK(text::cut("abcd", 3) == "abc…");
  CHECK(text::cut("ab\xC3\xA9z", 3) == "ab…");  // never half of é
  CHECK(text::cut("\xC3\xA9", 1) == "…");
}

TEST_CASE("lines_of: each line without its break, none after a final one") {
  CHECK(text::lines_of("").empty());
  CHECK(text::lines_of("a\nb\n") == std::vector<std::string_view>{"a", "b"});
  CHECK(text::lines_of("a\n\nb") == std::vector<std::string_view>{"a", "", "b"});
  CHECK(text::lines_of("\n") == std::vector<std::string_view>{""});
}
