#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <string>

#include "incident/error.hpp"
#include "yaml_tree.hpp"

using namespace incident;

namespace {

using Kind = yaml::Node::Kind;

// The DataError yaml::parse throws for `text`, as "path:line:col: message".
std::string parse_error(std::string_view text) {
  try {
    (void)yaml::parse(text, "t.yaml");
  } catch (const DataError& e) {
    CHECK(e.exit_code() == ExitCode::invalid_runbook);
    return e.what();
  }
  return "(parsed without error)";
}

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) {
    out += unit;
  }
  return out;
}

}  // namespace

TEST_CASE("yaml parse builds a tree with 1-based positions and keeps duplicate keys") {
  const yaml::Node root = yaml::parse("a: 1\n"
                                      "b: \"1\"\n"
                                      "a: [x, 'y']\n"
                                      "c:\n"
                                      "  - k: v\n"
                                      "d:\n",
                                      "t.yaml");
  REQUIRE(root.kind == Kind::map);
  CHECK(root.line == 1);
  CHECK(root.column == 1);
  REQUIRE(root.entries.size() == 5);

  const auto& [a, one] = root.entries[0];
  CHECK(a.value == "a");
  CHECK(one.kind == Kind::scalar);
  CHECK(one.value == "1");
  CHECK_FALSE(one.quoted);
  CHECK(one.line == 1);
  CHECK(one.column == 4);

  const auto& quoted = root.entries[1].second;
  CHECK(quoted.value == "1");
  CHECK(quoted.quoted);
  CHECK(quoted.line == 2);
  CHECK(quoted.column == 4);

  // The duplicate is kept, in file order, for the loader to report.
  CHECK(root.entries[2].first.value == "a");
  CHECK(root.entries[2].first.line == 3);
  const auto& list = root.entries[2].second;
  REQUIRE(list.kind == Kind::sequence);
  CHECK(list.column == 4);
  REQUIRE(list.items.size() == 2);
  CHECK(list.items[0].value == "x");
  CHECK(list.items[0].column == 5);
  CHECK(list.items[1].value == "y");
  CHECK(list.items[1].quoted);
  CHECK(list.items[1].column == 8);

  const auto& block = root.entries[3].second;
  REQUIRE(block.kind == Kind::sequence);
  CHECK(block.line == 5);
  CHECK(block.column == 3);
  REQUIRE(block.items.size() == 1);
  CHECK(block.items[0].kind == Kind::map);
  CHECK(block.items[0].line == 5);
  CHECK(block.items[0].column == 5);

  CHECK(root.entries[4].first.value == "d");
  CHECK(root.entries[4].second.kind == Kind::null);
}

TEST_CASE("yaml kind_name names each kind for messages") {
  yaml::Node node;
  CHECK(yaml::kind_name(node) == "nothing");
  node.kind = Kind::scalar;
  CHECK(yaml::kind_name(node) == "text");
  node.kind = Kind::sequence;
  CHECK(yaml::kind_name(node) == "a list");
  node.kind = Kind::map;
  CHECK(yaml::kind_name(node) == "a mapping");
}

TEST_CASE("yaml an empty block-sequence item is positioned at its dash") {
  SECTION("between items") {
    const auto root = yaml::parse("a:\n  - x\n  -\n  - y\n", "t.yaml");
    const auto& items = root.entries.at(0).second.items;
    REQUIRE(items.size() == 3);
    CHECK(items[1].kind == Kind::null);
    CHECK(items[1].line == 3);
    CHECK(items[1].column == 3);
  }
  SECTION("before a comment, blank lines and a dedented key") {
    const auto root = yaml::parse("a:\n- x\n-   # nothing\n\n\nb: 1\n", "t.yaml");
    const auto& items = root.entries.at(0).second.items;
    REQUIRE(items.size() == 2);
    CHECK(items[1].kind == Kind::null);
    CHECK(items[1].line == 3);
    CHECK(items[1].column == 1);
  }
  SECTION("at the end of the text, with and without a newline") {
    for (const char* text : {"- x\n-", "- x\n-\n", "- x\n-  # c", "- x\n-\n\n\n"}) {
      INFO(text);
      const auto root = yaml::parse(text, "t.yaml");
      REQUIRE(root.items.size() == 2);
      CHECK(root.items[1].kind == Kind::null);
      CHECK(root.items[1].line == 2);
      CHECK(root.items[1].column == 1);
    }
  }
  SECTION("an explicit ~ stays where it is written") {
    const auto root = yaml::parse("- x\n-   ~\n- y\n", "t.yaml");
    REQUIRE(root.items.size() == 3);
    CHECK(root.items[1].kind == Kind::null);
    CHECK(root.items[1].line == 2);
    CHECK(root.items[1].column == 5);
  }
  SECTION("a nested compact sequence") {
    const auto root = yaml::parse("- -\n- x\n", "t.yaml");
    REQUIRE(root.items.size() == 2);
    REQUIRE(root.items[0].kind == Kind::sequence);
    REQUIRE(root.items[0].items.size() == 1);
    CHECK(root.items[0].items[0].kind == Kind::null);
    CHECK(root.items[0].items[0].line == 1);
    CHECK(root.items[0].items[0].column == 3);
  }
  SECTION("after a byte order mark") {
    const auto root = yaml::parse("\xEF\xBB\xBF-\n- b\n", "t.yaml");
    REQUIRE(root.items.size() == 2);
    CHECK(root.items[0].kind == Kind::null);
    CHECK(root.items[0].line == 1);
    CHECK(root.items[0].column == 1);
  }
}

TEST_CASE("yaml syntax errors carry the parser's message and position") {
  CHECK(parse_error("a: 1\nb: x\n  c: y\n") == "t.yaml:3:4: illegal map value");
  CHECK(parse_error("a: [x, y\n") == "t.yaml:2:1: end of sequence flow not found");
  CHECK(parse_error("a: {x: y\n") == "t.yaml:2:1: end of map flow not found");
  CHECK(parse_error("? [a]\n: b\n") == "t.yaml:1:3: a mapping key must be plain text");
}

TEST_CASE("yaml a quoted text without its closing quote is refused where it starts") {
  CHECK(parse_error("a: 1\nb: \"never closed\nc: 2\n") ==
        "t.yaml:2:4: missing closing \" (the quoted text starting here never ends)");
  CHECK(parse_error("a: 1\nb: 'never closed\nc: 2\n") ==
        "t.yaml:2:4: missing closing ' (the quoted text starting here never ends)");
  CHECK(parse_error("a: [\"x\", \"y]\n") == "t.yaml:1:10: missing closing \" (the quoted text starting here never ends)");
  CHECK(parse_error("\"key: 1\n") == "t.yaml:1:1: missing closing \" (the quoted text starting here never ends)");
  CHECK(parse_error("a: \"ends in an escaped quote\\\"\n") ==
        "t.yaml:1:4: missing closing \" (the quoted text starting here never ends)");
  CHECK(parse_error("a: 'ends in a doubled quote''\n") ==
        "t.yaml:1:4: missing closing ' (the quoted text starting here never ends)");

  // Escapes, doubled quotes, line breaks and quotes inside other scalars are fine.
  const auto root = yaml::parse("a: \"say \\\"hi\\\" \\\\\"\n"
                                "b: 'it''s'\n"
                                "c: \"two\n"
                                "  lines\"\n"
                                "d: |\n"
                                "  \"not a quoted scalar\n"
                                "e: don't \"mind\n",
                                "t.yaml");
  REQUIRE(root.entries.size() == 5);
  CHECK(root.entries[0].second.value == "say \"hi\" \\");
  CHECK(root.entries[1].second.value == "it's");
  CHECK(root.entries[2].second.value == "two lines");
  CHECK(root.entries[3].second.value == "\"not a quoted scalar\n");
  CHECK(root.entries[4].second.value == "don't \"mind");
}

TEST_CASE("yaml empty documents are refused") {
  for (const char* text : {"", "\n\n", "   \n\t\n", "# just a comment\n", "  # c\n\n# d", "---\n", "...\n", "~\n",
                           "null\n"}) {
    INFO(text);
    CHECK(parse_error(text) == "t.yaml: the file is empty");
  }
}

TEST_CASE("yaml a second document is refused at its start") {
  CHECK(parse_error("a: 1\n---\nb: 2\n") == "t.yaml:2:1: more than one YAML document ('---') in the file");
  CHECK(parse_error("a: 1\n...\n# c\nb: 2\n") == "t.yaml:4:1: more than one YAML document ('---') in the file");
  CHECK(parse_error("a: 1\n---\n") == "t.yaml:2:1: more than one YAML document ('---') in the file");
  // An explicit start and end of the one document are fine.
  CHECK(yaml::parse("---\na: 1\n...\n", "t.yaml").kind == Kind::map);
}

TEST_CASE("yaml anchors aliases and tags are refused where they are written") {
  CHECK(parse_error("a: 1\nb: &x 2\n") == "t.yaml:2:4: anchors (&name) are not allowed in a runbook");
  CHECK(parse_error("a: &x [1]\n") == "t.yaml:1:4: anchors (&name) are not allowed in a runbook");
  CHECK(parse_error("a: &x {k: v}\n") == "t.yaml:1:4: anchors (&name) are not allowed in a runbook");
  CHECK(parse_error("a: 1\nb: *x\n") == "t.yaml:2:4: the referenced anchor is not defined");
  // A self-referencing alias (a cycle) stops at the anchor.
  CHECK(parse_error("a: &a [*a]\n") == "t.yaml:1:4: anchors (&name) are not allowed in a runbook");
  CHECK(parse_error("!!str a: 1\n") == "t.yaml:1:1: tags (!!str) are not allowed in a runbook");
  CHECK(parse_error("a: !!str 1\n") == "t.yaml:1:4: tags (!!str) are not allowed in a runbook");
  CHECK(parse_error("a: !!seq [1]\n") == "t.yaml:1:4: tags (!!seq) are not allowed in a runbook");
  CHECK(parse_error("a: !!map {}\n") == "t.yaml:1:4: tags (!!map) are not allowed in a runbook");
  CHECK(parse_error("a: !local x\n") == "t.yaml:1:4: tags (!local) are not allowed in a runbook");
  CHECK(parse_error("a: !<tag:example.com,2024:x> y\n") ==
        "t.yaml:1:4: tags (tag:example.com,2024:x) are not allowed in a runbook");
  CHECK(parse_error("a: !!null\n") == "t.yaml:1:4: tags (!!null) are not allowed in a runbook");
}

TEST_CASE("yaml billion laughs is refused at the first anchor") {
  std::string text = "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'i'; ++name) {
    text += fmt::format("{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n", name, name,
                        fmt::arg("p", previous));
    previous = name;
  }
  CHECK(parse_error(text) == "t.yaml:1:4: anchors (&name) are not allowed in a runbook");
}

TEST_CASE("yaml nesting is limited to 32 levels") {
  const auto nested = yaml::parse(repeat("[", 32) + repeat("]", 32), "t.yaml");
  int depth = 0;
  const yaml::Node* node = &nested;
  while (node->kind == Kind::sequence) {
    ++depth;
    if (node->items.empty()) {
      break;
    }
    node = &node->items[0];
  }
  CHECK(depth == 32);
  CHECK(parse_error(repeat("[", 33) + repeat("]", 33)) == "t.yaml:1:33: nesting is deeper than 32 levels");
  CHECK(parse_error("a: " + repeat("[", 32) + repeat("]", 32)) == "t.yaml:1:35: nesting is deeper than 32 levels");

  // Block nesting counts the same way.
  std::string block;
  for (int level = 0; level < 40; ++level) {
    block += std::string(static_cast<std::size_t>(level) * 2, ' ') + "k:\n";
  }
  CHECK(parse_error(block) == "t.yaml:33:65: nesting is deeper than 32 levels");
}

TEST_CASE("yaml hostile nesting fails fast without exhausting the stack") {
  const auto start = std::chrono::steady_clock::now();
  // yaml-cpp reads an unclosed "[[" as a flow sequence holding a one-pair mapping, so the
  // limit is met halfway along the brackets.
  CHECK(parse_error(repeat("[", 10'000)) == "t.yaml:1:17: nesting is deeper than 32 levels");
  CHECK(parse_error(repeat("{", 10'000)) == "t.yaml:1:32: nesting is deeper than 32 levels");
  CHECK(parse_error(repeat("{a: ", 10'000)) == "t.yaml:1:125: nesting is deeper than 32 levels");
  CHECK(parse_error(repeat("- ", 10'000) + "x\n") == "t.yaml:1:65: nesting is deeper than 32 levels");
  CHECK(parse_error("a: " + repeat("[", 100'000) + repeat("]", 100'000)) ==
        "t.yaml:1:35: nesting is deeper than 32 levels");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("yaml text over 1 MiB is refused before parsing") {
  std::string text = "a: 1\n# ";
  text += std::string(yaml::k_max_bytes - text.size() - 1, 'x');
  text += '\n';
  REQUIRE(text.size() == yaml::k_max_bytes);
  CHECK(yaml::parse(text, "t.yaml").kind == Kind::map);
  text += ' ';
  CHECK(parse_error(text) == "t.yaml: file is larger than 1048576 bytes (1048577 bytes)");
}

TEST_CASE("yaml invalid UTF-8 and NUL bytes are refused with their position") {
  CHECK(parse_error("a: 1\nb: caf\xe9 au lait\n") == "t.yaml:2:7: invalid UTF-8 (byte 0xe9)");
  CHECK(parse_error("a: 1\nb: caf\xe9\n") == "t.yaml:2:7: invalid UTF-8 (truncated sequence)");
  CHECK(parse_error("a: 1\nb: \xc0\xaf\n") == "t.yaml:2:4: invalid UTF-8 (byte 0xc0)");
  CHECK(parse_error("a: 1\nb: \xed\xa0\x80\n") == "t.yaml:2:4: invalid UTF-8 (byte 0xed)");
  CHECK(parse_error(std::string_view("a: 1\nbb: x\0y\n", 12)) == "t.yaml:2:6: NUL byte in text");
  CHECK(parse_error(std::string_view("\0", 1)) == "t.yaml:1:1: NUL byte in text");
  CHECK(yaml::parse("a: \"caf\xc3\xa9 \xf0\x9f\x9a\xa8\"\n", "t.yaml").entries.at(0).second.value ==
        "caf\xc3\xa9 \xf0\x9f\x9a\xa8");
}

// Found by fuzz/runbook: the bytes are checked before parsing, but an escape in double
// quotes made a NUL byte of clean text, and it reached the runbook's fields.
TEST_CASE("yaml a NUL byte from an escape is refused where the text starts") {
  CHECK(parse_error("a: 1\nb: \"x\\0y\"\n") ==
        "t.yaml:2:4: NUL byte in text (an escape such as \\0 or \\u0000 in quotes)");
  CHECK(parse_error("a: [ok, \"\\x00\"]\n") ==
        "t.yaml:1:9: NUL byte in text (an escape such as \\0 or \\u0000 in quotes)");
  CHECK(parse_error("\"\\u0000\": 1\n") == "t.yaml:1:1: NUL byte in text (an escape such as \\0 or \\u0000 in quotes)");
  CHECK(yaml::parse("a: \"\\x41\\u00e9\\t\"\n", "t.yaml").entries.at(0).second.value == "A\xc3\xa9\t");
}

// Found by fuzz/runbook (its invariant that a loaded runbook is valid UTF-8), on a seed:
// yaml-cpp decodes \N and \_ to the bare bytes 0x85 and 0xA0, invalid UTF-8 in the value.
TEST_CASE("yaml the escapes for U+0085 and U+00A0 give those characters as UTF-8") {
  const auto value = [](std::string_view text) { return yaml::parse(text, "t.yaml").entries.at(0).second.value; };
  CHECK(value("a: \"x\\Ny\"\n") == "x\xc2\x85y");
  CHECK(value("a: \"\\_\"\n") == "\xc2\xa0");
  CHECK(value("a: \"\\N\\_\\u00e9\\N \\x85 \xc2\xa0\"\n") == "\xc2\x85\xc2\xa0\xc3\xa9\xc2\x85 \xc2\x85 \xc2\xa0");
  CHECK(yaml::parse("\"k\\N\": v\n", "t.yaml").entries.at(0).first.value == "k\xc2\x85");
}
