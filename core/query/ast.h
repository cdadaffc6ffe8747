// Parse tree of a routing condition. Nodes live in one vector and refer to their children by
// index; every node carries the span of source text it covers, and operators and calls the
// span of their operator or function-name token (where the peer reports type errors).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/query/lexer.h"

namespace routesim::query {

enum class NodeKind : uint8_t {
  kEmpty,            // an empty condition
  kLiteral,          // token: kTrue, kFalse, kNull, kUndefined, kString, kInteger, kHex, kReal
  kAppProperty,      // bare identifier
  kSysProperty,      // $name / $body.path / $twin.path
  kEscapedProperty,  // { $name }
  kCall,             // name(args...)
  kUnary,            // op: kMinus, kNot
  kBinary,           // op: arithmetic, comparison, logic, ||, ??
};

struct Node {
  NodeKind kind = NodeKind::kEmpty;
  TokenKind op = TokenKind::kEnd;  // operator or literal token kind
  SourceSpan span;                 // the whole expression
  SourceSpan op_span;              // operator / function name / property token
  std::vector<uint32_t> children;
  uint32_t depth = 1;  // height of the subtree: the binder and evaluators recurse this deep
  // Call: the concatenated text of the argument tokens (whitespace and comments dropped),
  // which twin_change_includes takes as its path.
  std::string raw_args;
};

struct Ast {
  std::vector<Node> nodes;
  uint32_t root = 0;
  const Node& node(uint32_t i) const { return nodes[i]; }
};

}  // namespace routesim::query
