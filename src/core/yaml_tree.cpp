#include "yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <fmt/format.h>

#include <sstream>

#include "incident/text.hpp"

namespace incident::yaml {

namespace {

// Builds Nodes from parser events. Containers under construction live on m_stack; a
// finished node is attached to its parent (a sequence item, or alternately the key and
// the value of a map entry).
class TreeBuilder final : public YAML::EventHandler {
public:
  TreeBuilder(const std::string& source, std::string_view text)
      : m_source(source), m_text(text), m_bom(text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0) {}

  Node take_root() { return std::move(m_root); }
  [[nodiscard]] bool has_root() const { return m_has_root; }
  // Where the (last) document started: its '---', or its first token.
  [[nodiscard]] const YAML::Mark& document_start() const { return m_document_start; }

  void OnDocumentStart(const YAML::Mark& mark) override { m_document_start = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    refuse_anchor(mark, anchor);
    Node node = make(Node::Kind::null, mark);
    place_empty_item(node, mark);
    attach(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override {
    fail(mark, "aliases (*name) are not allowed in a runbook; write the value out");
  }

  void OnAnchor(const YAML::Mark& mark, const std::string& /*name*/) override {
    fail(mark, "anchors (&name) are not allowed in a runbook");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag);
    Node node = make(Node::Kind::scalar, mark);
    node.value = value;
    // yaml-cpp reports "!" for quoted (non-plain) scalars and "?" for plain ones.
    node.quoted = tag == "!";
    if (node.quoted) {
      refuse_unclosed_quote(node);
      check_escaped_text(node);
    }
    attach(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(Node::Kind::sequence, mark, tag, anchor);
    m_stack.back().block = style != YAML::EmitterStyle::Flow;
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(Node::Kind::map, mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

private:
  struct Frame {
    Node node;
    bool have_key = false;
    Node key;
    bool block = false;  // a block sequence ("- item" lines)
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    throw DataError({m_source, mark.line + 1, mark.column + 1}, message);
  }

  void refuse_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) const {
    if (anchor != YAML::NullAnchor) {
      fail(mark, "anchors (&name) are not allowed in a runbook");
    }
  }

  void refuse_tag(const YAML::Mark& mark, const std::string& tag) const {
    if (!tag.empty() && tag != "?" && tag != "!") {
      // yaml-cpp resolves "!!str" to "tag:yaml.org,2002:str"; show it as written.
      constexpr std::string_view k_core = "tag:yaml.org,2002:";
      const std::string shown = tag.rfind(k_core, 0) == 0 ? "!!" + tag.substr(k_core.size()) : tag;
      fail(mark, fmt::format("tags ({}) are not allowed in a runbook", text::escape_control(shown)));
    }
  }

  // The text of a 1-based line, without its newline. yaml-cpp's marks do not count a
  // byte order mark, so neither does line 1 here.
  std::string_view line_text(int line) {
    if (m_line_starts.empty()) {
      m_line_starts.push_back(m_bom);
      for (std::size_t i = m_bom; i < m_text.size(); ++i) {
        if (m_text[i] == '\n') {
          m_line_starts.push_back(i + 1);
        }
      }
    }
    if (line < 1 || static_cast<std::size_t>(line) > m_line_starts.size()) {
      return {};
    }
    const auto index = static_cast<std::size_t>(line);
    const std::size_t start = m_line_starts[index - 1];
    const std::size_t end = index < m_line_starts.size() ? m_line_starts[index] - 1 : m_text.size();
    return m_text.substr(start, end - start);
  }

  // yaml-cpp takes a quoted scalar whose closing quote is missing to run to the end of
  // the text, silently swallowing the rest of the file; refuse it where it starts.
  void refuse_unclosed_quote(const Node& node) {
    const std::string_view line = line_text(node.line);
    const auto column = static_cast<std::size_t>(node.column - 1);
    if (column >= line.size() || (line[column] != '"' && line[column] != '\'')) {
      return;  // a block scalar (| or >)
    }
    const char quote = line[column];
    const std::string_view rest = m_text.substr(static_cast<std::size_t>(line.data() - m_text.data()) + column + 1);
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (quote == '"' && rest[i] == '\\') {
        ++i;  // an escape: the next character is not a quote
      } else if (rest[i] == quote) {
        if (quote == '\'' && i + 1 < rest.size() && rest[i + 1] == '\'') {
          ++i;  // '' is a quote inside single quotes
          continue;
        }
        return;
      }
    }
    throw DataError({m_source, node.line, node.column},
                    fmt::format("missing closing {} (the quoted text starting here never ends)", quote));
  }

  // The file's bytes were checked before parsing, but the escapes of a double-quoted
  // scalar make new ones. \0, \x00 and \u0000 make a NUL byte, which a runbook never
  // holds. yaml-cpp decodes \N (U+0085) and \_ (U+00A0) to a bare Latin-1 byte rather than
  // UTF-8; as the text around them is valid UTF-8, a lone 0x85 or 0xA0 can only be one of
  // them, so it is encoded as the character the escape means.
  void check_escaped_text(Node& node) const {
    std::string_view rest = node.value;
    std::string repaired;
    while (auto bad = text::find_invalid_text(rest)) {
      const auto byte = static_cast<unsigned char>(rest[bad->offset]);
      if (byte == 0) {
        throw DataError({m_source, node.line, node.column},
                        "NUL byte in text (an escape such as \\0 or \\u0000 in quotes)");
      }
      if (byte != 0x85 && byte != 0xA0) {
        throw DataError({m_source, node.line, node.column}, fmt::format("{} (from an escape in quotes)", bad->what));
      }
      repaired.append(rest.substr(0, bad->offset));
      repaired += '\xC2';
      repaired += static_cast<char>(byte);
      rest.remove_prefix(bad->offset + 1);
    }
    if (!repaired.empty()) {
      repaired.append(rest);
      node.value = std::move(repaired);
    }
  }

  // yaml-cpp marks an empty item of a block sequence ("-" and nothing after it) at the
  // token that follows it, often on a later line; move it back to its "-". The items'
  // "-" all sit in the sequence's column.
  void place_empty_item(Node& node, const YAML::Mark& mark) {
    if (m_stack.empty() || m_stack.back().node.kind != Node::Kind::sequence || !m_stack.back().block) {
      return;
    }
    const Node& sequence = m_stack.back().node;
    const auto dash = static_cast<std::size_t>(sequence.column - 1);
    // At the end of the text yaml-cpp may mark the "-" itself; elsewhere the mark is the
    // next token, which may be the next item's "-".
    const bool at_end = mark.pos < 0 || static_cast<std::size_t>(mark.pos) + m_bom >= m_text.size();
    // The item's "-" comes after the previous item's start (which bounds the search).
    const int first = sequence.items.empty() ? sequence.line : sequence.items.back().line;
    for (int line = node.line; line >= first; --line) {
      const std::string_view content = line_text(line);
      if (dash >= content.size() || content[dash] != '-') {
        continue;
      }
      if (line == node.line && !at_end) {
        if (sequence.column < node.column) {
          return;  // "- ~": an explicit null, already marked where it is written
        }
        continue;  // the next item's "-"
      }
      node.line = line;
      node.column = sequence.column;
      return;
    }
  }

  static Node make(Node::Kind kind, const YAML::Mark& mark) {
    Node node;
    node.kind = kind;
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    return node;
  }

  void open(Node::Kind kind, const YAML::Mark& mark, const std::string& tag,
            YAML::anchor_t anchor) {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag);
    if (m_stack.size() >= static_cast<std::size_t>(k_max_depth)) {
      fail(mark, fmt::format("nesting is deeper than {} levels", k_max_depth));
    }
    m_stack.push_back(Frame{make(kind, mark), false, {}, false});
  }

  void close() {
    Node node = std::move(m_stack.back().node);
    m_stack.pop_back();
    attach(std::move(node));
  }

  void attach(Node node) {
    if (m_stack.empty()) {
      m_root = std::move(node);
      m_has_root = true;
      return;
    }
    Frame& top = m_stack.back();
    if (top.node.kind == Node::Kind::sequence) {
      top.node.items.push_back(std::move(node));
    } else if (!top.have_key) {
      if (node.kind != Node::Kind::scalar) {
        throw DataError({m_source, node.line, node.column}, "a mapping key must be plain text");
      }
      top.key = std::move(node);
      top.have_key = true;
    } else {
      top.node.entries.emplace_back(std::move(top.key), std::move(node));
      top.have_key = false;
    }
  }

  const std::string& m_source;
  std::string_view m_text;
  std::size_t m_bom;  // 3 when the text starts with a UTF-8 byte order mark
  std::vector<std::size_t> m_line_starts;  // built on first use
  YAML::Mark m_document_start;
  std::vector<Frame> m_stack;
  Node m_root;
  bool m_has_root = false;
};

}  // namespace

Node::Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;
Node::~Node() = default;

std::string_view kind_name(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null: return "nothing";
    case Node::Kind::scalar: return "text";
    case Node::Kind::sequence: return "a list";
    case Node::Kind::map: return "a mapping";
  }
  return "?";
}

Node parse(std::string_view text, const std::string& source_name) {
  if (text.size() > k_max_bytes) {
    throw DataError({source_name, 0, 0},
                    fmt::format("file is larger than {} bytes ({} bytes)", k_max_bytes, text.size()));
  }
  if (auto bad = text::find_invalid_text(text)) {
    throw DataError({source_name, bad->line, bad->column}, bad->what);
  }
  std::istringstream in{std::string(text)};
  TreeBuilder builder(source_name, text);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder) || !builder.has_root()) {
      throw DataError({source_name, 0, 0}, "the file is empty");
    }
    TreeBuilder extra(source_name, text);
    if (parser.HandleNextDocument(extra)) {
      throw DataError({source_name, extra.document_start().line + 1, extra.document_start().column + 1},
                      "more than one YAML document ('---') in the file");
    }
  } catch (const YAML::Exception& e) {
    // e.msg is the bare message; e.what() repeats the position in yaml-cpp's own format.
    throw DataError({source_name, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
  Node root = builder.take_root();
  if (root.kind == Node::Kind::null) {
    throw DataError({source_name, 0, 0}, "the file is empty");
  }
  return root;
}

}  // namespace incident::yaml
