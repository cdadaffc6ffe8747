#include "core/query/parser.h"

#include <algorithm>
#include <string>

namespace routesim::query {
namespace {

// Binary operator precedence: higher binds tighter; 0 = not a binary operator.
int precedence(TokenKind k) {
  switch (k) {
    case TokenKind::kStar:
    case TokenKind::kSlash:
    case TokenKind::kPercent:
      return 7;
    case TokenKind::kPlus:
    case TokenKind::kMinus:
    case TokenKind::kConcat:
      return 6;
    case TokenKind::kLt:
    case TokenKind::kLe:
    case TokenKind::kGt:
    case TokenKind::kGe:
      return 5;
    case TokenKind::kEq:
    case TokenKind::kBangEq:
    case TokenKind::kLtGt:
      return 4;
    case TokenKind::kAnd:
      return 3;
    case TokenKind::kOr:
      return 2;
    case TokenKind::kCoalesce:
      return 1;
    default:
      return 0;
  }
}

// Deeper nesting than this is refused rather than risking the stack.
constexpr int kMaxDepth = 512;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(lex(text)) {}

  Result<Ast> run() {
    if (peek().kind == TokenKind::kEnd) {
      ast_.root = add(Node{NodeKind::kEmpty, TokenKind::kEnd, {0, 0}, {0, 0}, {}, 1, {}});
      return std::move(ast_);
    }
    auto root = expression(1, 0);
    if (!root.ok()) return std::move(root).error();
    if (peek().kind != TokenKind::kEnd) return leftover(peek());
    ast_.root = *root;
    return std::move(ast_);
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_++]; }
  static SourceSpan spanOf(const Token& t) { return {t.offset, t.length}; }
  static SourceSpan join(SourceSpan a, SourceSpan b) {
    return {a.offset, b.offset + b.length - a.offset};
  }
  std::string_view textOf(const Token& t) const { return text_.substr(t.offset, t.length); }

  uint32_t add(Node node) {
    for (uint32_t child : node.children) {
      node.depth = std::max(node.depth, ast_.nodes[child].depth + 1);
    }
    ast_.nodes.push_back(std::move(node));
    return static_cast<uint32_t>(ast_.nodes.size() - 1);
  }

  Error syntax(const Token& at, std::string message) const {
    SourceSpan span = spanOf(at);
    if (at.kind == TokenKind::kEnd) span = {static_cast<uint32_t>(text_.size()), 1};
    return Error::at(ErrorCode::kSyntax, span, "Syntax error: " + message);
  }

  // The error for a token that cannot start or continue an expression.
  Error unexpected(const Token& t, std::string_view expectation) const {
    switch (t.kind) {
      case TokenKind::kUnknownChar:
        return syntax(t, "invalid symbol " + describeToken(text_, t));
      case TokenKind::kUnterminatedString:
        return syntax(t, "unterminated string");
      case TokenKind::kRParen:
        return syntax(t, "unmatched closing ')'");
      case TokenKind::kQueryPath:
        return syntax(t, describeToken(text_, t) +
                             " is not a valid name: '[' and ']' are only allowed in $body and "
                             "$twin paths");
      case TokenKind::kSelect:
      case TokenKind::kFrom:
      case TokenKind::kWhere:
      case TokenKind::kInto:
        return syntax(t, "unexpected keyword " + describeToken(text_, t) +
                             " (SELECT, FROM, WHERE and INTO are reserved)");
      default:
        return syntax(
            t, "expected " + std::string(expectation) + ", found " + describeToken(text_, t));
    }
  }

  Error leftover(const Token& t) const {
    switch (t.kind) {
      case TokenKind::kUnknownChar:
      case TokenKind::kUnterminatedString:
      case TokenKind::kRParen:
      case TokenKind::kQueryPath:
        return unexpected(t, "");
      default:
        return syntax(t, "unexpected " + describeToken(text_, t) +
                             " after a complete expression (missing operator?)");
    }
  }

  Result<uint32_t> expression(int min_precedence, int depth) {
    if (depth > kMaxDepth) return syntax(peek(), "the condition is nested too deeply");
    auto left = unary(depth + 1);
    if (!left.ok()) return left;
    uint32_t lhs = *left;
    while (true) {
      const Token& op = peek();
      int p = precedence(op.kind);
      if (p == 0 || p < min_precedence) break;
      next();
      auto right = expression(p + 1, depth + 1);
      if (!right.ok()) return right;
      SourceSpan span = join(ast_.nodes[lhs].span, ast_.nodes[*right].span);
      lhs = add(Node{NodeKind::kBinary, op.kind, span, spanOf(op), {lhs, *right}, 1, {}});
      if (ast_.nodes[lhs].depth > kMaxDepth)
        return syntax(op, "the condition is nested too deeply");
    }
    return lhs;
  }

  Result<uint32_t> unary(int depth) {
    if (depth > kMaxDepth) return syntax(peek(), "the condition is nested too deeply");
    const Token& t = peek();
    if (t.kind == TokenKind::kMinus || t.kind == TokenKind::kNot) {
      next();
      auto operand = unary(depth + 1);
      if (!operand.ok()) return operand;
      SourceSpan span = join(spanOf(t), ast_.nodes[*operand].span);
      return add(Node{NodeKind::kUnary, t.kind, span, spanOf(t), {*operand}, 1, {}});
    }
    return primary(depth);
  }

  Result<uint32_t> primary(int depth) {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::kLParen: {
        next();
        auto inner = expression(1, depth + 1);
        if (!inner.ok()) return inner;
        const Token& close = peek();
        if (close.kind == TokenKind::kEnd) return syntax(t, "missing closing ')'");
        if (close.kind != TokenKind::kRParen) {
          if (close.kind == TokenKind::kUnknownChar ||
              close.kind == TokenKind::kUnterminatedString || close.kind == TokenKind::kQueryPath) {
            return unexpected(close, "");
          }
          return syntax(close, "expected ')' to close the '(' at offset " +
                                   std::to_string(t.offset) + ", found " +
                                   describeToken(text_, close));
        }
        next();
        Node& n = ast_.nodes[*inner];
        n.span = join(spanOf(t), spanOf(close));
        return *inner;
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse:
      case TokenKind::kNull:
      case TokenKind::kUndefined:
      case TokenKind::kString:
      case TokenKind::kInteger:
      case TokenKind::kHex:
      case TokenKind::kReal:
        next();
        return add(Node{NodeKind::kLiteral, t.kind, spanOf(t), spanOf(t), {}, 1, {}});
      case TokenKind::kSysProp:
        next();
        return add(Node{NodeKind::kSysProperty, t.kind, spanOf(t), spanOf(t), {}, 1, {}});
      case TokenKind::kLBrace: {
        next();
        const Token& prop = peek();
        if (prop.kind != TokenKind::kSysProp) {
          return unexpected(prop, "a system property ($name) after '{'");
        }
        next();
        const Token& close = peek();
        if (close.kind != TokenKind::kRBrace) {
          return unexpected(close, "'}' after " + describeToken(text_, prop));
        }
        next();
        return add(Node{NodeKind::kEscapedProperty,
                        prop.kind,
                        join(spanOf(t), spanOf(close)),
                        spanOf(prop),
                        {},
                        1,
                        {}});
      }
      case TokenKind::kId: {
        next();
        if (peek().kind != TokenKind::kLParen) {
          return add(Node{NodeKind::kAppProperty, t.kind, spanOf(t), spanOf(t), {}, 1, {}});
        }
        return call(t, depth);
      }
      default:
        return unexpected(t, "an expression");
    }
  }

  Result<uint32_t> call(const Token& name, int depth) {
    size_t open_index = pos_;
    next();  // '('
    Node node{NodeKind::kCall, TokenKind::kId, {}, spanOf(name), {}, 1, {}};
    if (peek().kind != TokenKind::kRParen) {
      while (true) {
        auto arg = expression(1, depth + 1);
        if (!arg.ok()) return arg;
        node.children.push_back(*arg);
        const Token& sep = peek();
        if (sep.kind == TokenKind::kComma) {
          next();
          continue;
        }
        if (sep.kind == TokenKind::kRParen) break;
        return unexpected(sep, "',' or ')' in the arguments of " + describeToken(text_, name));
      }
    }
    const Token& close = next();
    for (size_t k = open_index + 1; k + 1 < pos_; ++k) node.raw_args.append(textOf(tokens_[k]));
    node.span = join(spanOf(name), spanOf(close));
    return add(std::move(node));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  Ast ast_;
};

}  // namespace

Result<Ast> parse(std::string_view text) { return Parser(text).run(); }

}  // namespace routesim::query
