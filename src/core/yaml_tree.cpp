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
  explicit TreeBuilder(const std::string& source) : m_source(source) {}

  Node take_root() { return std::move(m_root); }
  [[nodiscard]] bool has_root() const { return m_has_root; }

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    refuse_anchor(mark, anchor);
    attach(make(Node::Kind::null, mark));
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
    attach(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(Node::Kind::sequence, mark, tag, anchor);
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
      fail(mark, fmt::format("tags ({}) are not allowed in a runbook", tag));
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
    m_stack.push_back(Frame{make(kind, mark), false, {}});
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
  std::vector<Frame> m_stack;
  Node m_root;
  bool m_has_root = false;
};

}  // namespace

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
  TreeBuilder builder(source_name);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder) || !builder.has_root()) {
      throw DataError({source_name, 0, 0}, "the file is empty");
    }
    TreeBuilder extra(source_name);
    if (parser.HandleNextDocument(extra)) {
      throw DataError({source_name, 0, 0}, "more than one YAML document ('---') in the file");
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
