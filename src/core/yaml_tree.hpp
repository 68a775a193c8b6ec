#pragma once
// A small YAML document tree built from yaml-cpp's event parser, so that the loader sees
// every key (yaml-cpp's Node API silently keeps the first of duplicate keys), every
// position, and nothing hostile: anchors, aliases, tags, deep nesting and extra documents
// are refused while parsing, before any of them can cost memory or stack.
// Private to the library: yaml-cpp never leaks past this file and runbook_loader.cpp.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incident/error.hpp"

namespace incident::yaml {

inline constexpr int k_max_depth = 32;
inline constexpr std::size_t k_max_bytes = 1024 * 1024;

struct Node {
  // Declared here, defined in yaml_tree.cpp where Node is complete: a Node holds pairs of
  // Nodes, and clang (unlike GCC) instantiates their destructor, and so needs the pair
  // complete, while it is still checking Node's implicit default constructor.
  Node();
  Node(const Node&);
  Node(Node&&) noexcept;
  Node& operator=(const Node&);
  Node& operator=(Node&&) noexcept;
  ~Node();

  enum class Kind { null, scalar, sequence, map };
  Kind kind = Kind::null;
  int line = 0;  // 1-based
  int column = 0;  // 1-based
  bool quoted = false;  // scalar written in quotes (so `"1"` is text, not a number)
  std::string value;  // scalar text
  std::vector<Node> items;  // sequence items
  std::vector<std::pair<Node, Node>> entries;  // map entries in file order, duplicates kept
};

// Parses one YAML document. Throws DataError(path:line:col: ...) for a syntax error, an
// empty document, more than one document, an anchor/alias/tag, nesting deeper than
// k_max_depth, invalid UTF-8, a NUL byte or more than k_max_bytes of text.
Node parse(std::string_view text, const std::string& source_name);

// "mapping", "sequence", "text", "nothing": for "expected X, found Y" messages.
std::string_view kind_name(const Node& node);

}  // namespace incident::yaml
