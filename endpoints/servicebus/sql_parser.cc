#include "endpoints/servicebus/sql_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <string>

#include "core/common/utf.h"

namespace routesim::endpoints::servicebus::sql {
namespace {

struct SysName {
  std::string_view name;
  SysProperty property;
  bool settable;
};

constexpr std::array<SysName, 22> kSysNames = {{
    {"MessageId", SysProperty::kMessageId, true},
    {"CorrelationId", SysProperty::kCorrelationId, true},
    {"ContentType", SysProperty::kContentType, true},
    {"Label", SysProperty::kLabel, true},
    {"Subject", SysProperty::kLabel, true},
    {"To", SysProperty::kTo, true},
    {"ReplyTo", SysProperty::kReplyTo, true},
    {"ReplyToSessionId", SysProperty::kReplyToSessionId, true},
    {"SessionId", SysProperty::kSessionId, true},
    {"PartitionKey", SysProperty::kPartitionKey, true},
    {"ViaPartitionKey", SysProperty::kViaPartitionKey, false},
    {"SequenceNumber", SysProperty::kSequenceNumber, false},
    {"EnqueuedSequenceNumber", SysProperty::kEnqueuedSequenceNumber, false},
    {"DeliveryCount", SysProperty::kDeliveryCount, false},
    {"Size", SysProperty::kSize, false},
    {"EnqueuedTimeUtc", SysProperty::kEnqueuedTimeUtc, false},
    {"ExpiresAtUtc", SysProperty::kExpiresAtUtc, false},
    {"ScheduledEnqueueTimeUtc", SysProperty::kScheduledEnqueueTimeUtc, false},
    {"TimeToLive", SysProperty::kTimeToLive, false},
    {"LockToken", SysProperty::kLockToken, false},
    {"LockedUntilUtc", SysProperty::kLockedUntilUtc, false},
    {"DeadLetterSource", SysProperty::kDeadLetterSource, false},
}};

const SysName* findSys(std::string_view name) {
  for (const SysName& s : kSysNames) {
    if (utf::equalsIgnoreCase(s.name, name)) return &s;
  }
  return nullptr;
}

std::string_view shapeName(Shape s) {
  switch (s) {
    case Shape::kCondition:
      return "a condition";
    case Shape::kBoolean:
      return "a boolean";
    case Shape::kNumber:
      return "a number";
    case Shape::kString:
      return "a string";
    case Shape::kNull:
      return "NULL";
    case Shape::kAny:
      return "a value";
  }
  return "a value";
}

bool isComparison(TokenKind k) {
  switch (k) {
    case TokenKind::kEq:
    case TokenKind::kLtGt:
    case TokenKind::kBangEq:
    case TokenKind::kLt:
    case TokenKind::kLe:
    case TokenKind::kGt:
    case TokenKind::kGe:
      return true;
    default:
      return false;
  }
}

bool isKeyword(TokenKind k) {
  switch (k) {
    case TokenKind::kAnd:
    case TokenKind::kOr:
    case TokenKind::kNot:
    case TokenKind::kIn:
    case TokenKind::kLike:
    case TokenKind::kEscape:
    case TokenKind::kIs:
    case TokenKind::kNull:
    case TokenKind::kExists:
    case TokenKind::kTrue:
    case TokenKind::kFalse:
      return true;
    default:
      return false;
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(lex(text)) {}

  Result<Ast> filter() {
    ROUTESIM_RETURN_IF_ERROR(checkLength());
    if (peek().kind == TokenKind::kEnd) {
      return syntax(peek(), "a filter needs a condition (use 1=1 to match every message)");
    }
    ROUTESIM_ASSIGN_OR_RETURN(uint32_t root, condition(0));
    if (peek().kind != TokenKind::kEnd) return leftover(peek());
    ROUTESIM_RETURN_IF_ERROR(requireCondition(root, "a filter"));
    ast_.root = root;
    return std::move(ast_);
  }

  Result<Ast> action() {
    ROUTESIM_RETURN_IF_ERROR(checkLength());
    while (peek().kind != TokenKind::kEnd) {
      const Token& verb = peek();
      std::string_view word = textOf(verb);
      bool set = verb.kind == TokenKind::kIdentifier && utf::equalsIgnoreCase(word, "SET");
      bool remove = verb.kind == TokenKind::kIdentifier && utf::equalsIgnoreCase(word, "REMOVE");
      if (!set && !remove) return unexpected(verb, "SET or REMOVE");
      if (ast_.statements.size() == kMaxActionStatements) {
        return Error::at(ErrorCode::kLimit, spanOf(verb),
                         "an action has at most " + std::to_string(kMaxActionStatements) +
                             " statements (Service Bus' expressions-per-action quota)");
      }
      next();
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t target, property(/*for_write=*/true));
      Statement st;
      st.remove = remove;
      st.target = target;
      if (set) {
        if (peek().kind != TokenKind::kEq) {
          return unexpected(peek(), "'=' after " + describeToken(text_, tokens_[pos_ - 1]));
        }
        next();
        ROUTESIM_ASSIGN_OR_RETURN(st.value, additive(0));
        ROUTESIM_RETURN_IF_ERROR(requireValue(st.value));
      }
      st.span = join(spanOf(verb), ast_.nodes[set ? st.value : target].span);
      ast_.statements.push_back(st);
      if (peek().kind == TokenKind::kSemicolon || peek().kind == TokenKind::kComma) next();
    }
    return std::move(ast_);
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& next() { return tokens_[pos_++]; }
  static SourceSpan spanOf(const Token& t) { return {t.offset, t.length}; }
  static SourceSpan join(SourceSpan a, SourceSpan b) {
    uint32_t end = std::max(a.offset + a.length, b.offset + b.length);
    return {a.offset, end - a.offset};
  }
  std::string_view textOf(const Token& t) const { return text_.substr(t.offset, t.length); }

  Status checkLength() const {
    if (text_.size() <= kMaxExpressionLength) return {};
    size_t units = utf::utf16Length(text_);
    if (units <= kMaxExpressionLength) return {};
    size_t at = utf::byteOffsetOfUtf16Unit(text_, kMaxExpressionLength);
    if (at == std::string_view::npos) at = kMaxExpressionLength;
    return Error::at(
        ErrorCode::kLimit, {static_cast<uint32_t>(at), static_cast<uint32_t>(text_.size() - at)},
        "the expression is " + std::to_string(units) +
            " characters long; Service Bus allows at most " + std::to_string(kMaxExpressionLength));
  }

  Error syntax(const Token& at, std::string message) const {
    SourceSpan span = spanOf(at);
    if (at.kind == TokenKind::kEnd) span = {static_cast<uint32_t>(text_.size()), 1};
    return Error::at(ErrorCode::kSyntax, span, "Syntax error: " + message);
  }

  Error unexpected(const Token& t, std::string_view expectation) const {
    switch (t.kind) {
      case TokenKind::kUnknownChar:
        return syntax(t, "invalid character " + describeToken(text_, t));
      case TokenKind::kUnterminated:
        return syntax(t, text_[t.offset] == '\'' ? std::string("unterminated string")
                                                 : "unterminated identifier " +
                                                       std::string(1, text_[t.offset]) + "...");
      case TokenKind::kRParen:
        if (expectation.empty()) return syntax(t, "unmatched closing ')'");
        break;
      default:
        break;
    }
    return syntax(t, "expected " + std::string(expectation) + ", found " + describeToken(text_, t));
  }

  Error leftover(const Token& t) const {
    if (t.kind == TokenKind::kUnknownChar || t.kind == TokenKind::kUnterminated ||
        t.kind == TokenKind::kRParen) {
      return unexpected(t, "");
    }
    return syntax(t, "unexpected " + describeToken(text_, t) +
                         " after a complete expression (missing AND, OR or an operator?)");
  }

  Error tooDeep(const Token& at) const {
    return Error::at(ErrorCode::kLimit, spanOf(at), "the expression is nested too deeply");
  }

  uint32_t add(Node n) {
    ast_.nodes.push_back(std::move(n));
    return static_cast<uint32_t>(ast_.nodes.size() - 1);
  }

  const Node& node(uint32_t i) const { return ast_.nodes[i]; }

  Status requireCondition(uint32_t i, std::string_view where) const {
    Shape s = node(i).shape;
    if (s == Shape::kCondition || s == Shape::kBoolean || s == Shape::kAny) return {};
    return Error::at(ErrorCode::kType, node(i).span,
                     std::string(where) +
                         " needs a condition (a comparison, IN, LIKE, IS NULL, EXISTS, TRUE or "
                         "FALSE), found " +
                         std::string(shapeName(s)));
  }

  Status requireValue(uint32_t i) const {
    if (node(i).shape != Shape::kCondition) return {};
    return Error::at(ErrorCode::kType, node(i).span,
                     "a condition cannot be used as a value here (compare values, not "
                     "conditions)");
  }

  Result<uint32_t> condition(uint32_t depth) {
    if (depth > kMaxDepth) return tooDeep(peek());
    ROUTESIM_ASSIGN_OR_RETURN(uint32_t lhs, conjunction(depth));
    while (peek().kind == TokenKind::kOr) {
      const Token& op = next();
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t rhs, conjunction(depth));
      ROUTESIM_RETURN_IF_ERROR(requireCondition(lhs, "OR"));
      ROUTESIM_RETURN_IF_ERROR(requireCondition(rhs, "OR"));
      Node n{NodeKind::kOr, op.kind, join(node(lhs).span, node(rhs).span), spanOf(op), {lhs, rhs}};
      n.shape = Shape::kCondition;
      lhs = add(std::move(n));
    }
    return lhs;
  }

  Result<uint32_t> conjunction(uint32_t depth) {
    ROUTESIM_ASSIGN_OR_RETURN(uint32_t lhs, negation(depth));
    while (peek().kind == TokenKind::kAnd) {
      const Token& op = next();
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t rhs, negation(depth));
      ROUTESIM_RETURN_IF_ERROR(requireCondition(lhs, "AND"));
      ROUTESIM_RETURN_IF_ERROR(requireCondition(rhs, "AND"));
      Node n{NodeKind::kAnd, op.kind, join(node(lhs).span, node(rhs).span), spanOf(op), {lhs, rhs}};
      n.shape = Shape::kCondition;
      lhs = add(std::move(n));
    }
    return lhs;
  }

  Result<uint32_t> negation(uint32_t depth) {
    if (depth > kMaxDepth) return tooDeep(peek());
    if (peek().kind != TokenKind::kNot) return predicate(depth);
    const Token& op = next();
    ROUTESIM_ASSIGN_OR_RETURN(uint32_t operand, negation(depth + 1));
    ROUTESIM_RETURN_IF_ERROR(requireCondition(operand, "NOT"));
    Node n{NodeKind::kNot, op.kind, join(spanOf(op), node(operand).span), spanOf(op), {operand}};
    n.shape = Shape::kCondition;
    return add(std::move(n));
  }

  Result<uint32_t> predicate(uint32_t depth) {
    if (peek().kind == TokenKind::kExists) {
      const Token& kw = next();
      if (peek().kind != TokenKind::kLParen) return unexpected(peek(), "'(' after EXISTS");
      next();
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t prop, property(/*for_write=*/false));
      const Token& close = peek();
      if (close.kind != TokenKind::kRParen) {
        return unexpected(close, "')' after the property of EXISTS");
      }
      next();
      Node n{NodeKind::kExists, kw.kind, join(spanOf(kw), spanOf(close)), spanOf(kw), {prop}};
      n.shape = Shape::kCondition;
      return add(std::move(n));
    }
    ROUTESIM_ASSIGN_OR_RETURN(uint32_t lhs, additive(depth));
    const Token& op = peek();
    if (isComparison(op.kind)) {
      next();
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t rhs, additive(depth));
      ROUTESIM_RETURN_IF_ERROR(requireValue(lhs));
      ROUTESIM_RETURN_IF_ERROR(requireValue(rhs));
      Node n{NodeKind::kComparison,
             op.kind,
             join(node(lhs).span, node(rhs).span),
             spanOf(op),
             {lhs, rhs}};
      n.shape = Shape::kCondition;
      return add(std::move(n));
    }
    bool negated = false;
    const Token* not_token = nullptr;
    if (op.kind == TokenKind::kNot &&
        (peek(1).kind == TokenKind::kIn || peek(1).kind == TokenKind::kLike)) {
      not_token = &next();
      negated = true;
    }
    const Token& kw = peek();
    SourceSpan kw_span = not_token ? join(spanOf(*not_token), spanOf(kw)) : spanOf(kw);
    if (kw.kind == TokenKind::kIn) {
      next();
      ROUTESIM_RETURN_IF_ERROR(requireValue(lhs));
      if (peek().kind != TokenKind::kLParen) return unexpected(peek(), "'(' after IN");
      next();
      Node n{NodeKind::kIn, kw.kind, {}, kw_span, {lhs}};
      while (true) {
        ROUTESIM_ASSIGN_OR_RETURN(uint32_t item, additive(depth));
        ROUTESIM_RETURN_IF_ERROR(requireValue(item));
        n.children.push_back(item);
        if (peek().kind == TokenKind::kComma) {
          next();
          continue;
        }
        if (peek().kind != TokenKind::kRParen) {
          return unexpected(peek(), "',' or ')' in the IN list");
        }
        break;
      }
      n.span = join(node(lhs).span, spanOf(next()));
      n.negated = negated;
      n.shape = Shape::kCondition;
      return add(std::move(n));
    }
    if (kw.kind == TokenKind::kLike) {
      next();
      ROUTESIM_RETURN_IF_ERROR(requireValue(lhs));
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t pattern, additive(depth));
      ROUTESIM_RETURN_IF_ERROR(requireValue(pattern));
      ROUTESIM_RETURN_IF_ERROR(requireStringish(pattern, "a LIKE pattern"));
      Node n{NodeKind::kLike,
             kw.kind,
             join(node(lhs).span, node(pattern).span),
             kw_span,
             {lhs, pattern}};
      if (peek().kind == TokenKind::kEscape) {
        next();
        ROUTESIM_ASSIGN_OR_RETURN(uint32_t escape, additive(depth));
        ROUTESIM_RETURN_IF_ERROR(requireValue(escape));
        ROUTESIM_RETURN_IF_ERROR(requireStringish(escape, "ESCAPE"));
        const Node& e = node(escape);
        if (e.kind == NodeKind::kLiteral && e.value.index() == 1 &&
            utf::codePointCount(std::get<std::string>(e.value)) != 1) {
          return Error::at(ErrorCode::kType, e.span,
                           "ESCAPE needs a string of exactly one character");
        }
        n.children.push_back(escape);
        n.span = join(n.span, e.span);
      }
      n.negated = negated;
      n.shape = Shape::kCondition;
      return add(std::move(n));
    }
    if (kw.kind == TokenKind::kIs) {
      next();
      const Node& subject = node(lhs);
      if (subject.kind != NodeKind::kProperty && subject.kind != NodeKind::kPropertyOf) {
        return Error::at(
            ErrorCode::kType, subject.span,
            "IS [NOT] NULL applies to a property, found " + std::string(shapeName(subject.shape)));
      }
      bool is_not = false;
      if (peek().kind == TokenKind::kNot) {
        next();
        is_not = true;
      }
      if (peek().kind != TokenKind::kNull) {
        return unexpected(peek(), is_not ? "NULL after IS NOT" : "NULL or NOT NULL after IS");
      }
      const Token& null_token = next();
      Node n{NodeKind::kIsNull,
             kw.kind,
             join(subject.span, spanOf(null_token)),
             join(spanOf(kw), spanOf(null_token)),
             {lhs}};
      n.negated = is_not;
      n.shape = Shape::kCondition;
      return add(std::move(n));
    }
    return lhs;
  }

  Status requireStringish(uint32_t i, std::string_view what) const {
    Shape s = node(i).shape;
    if (s == Shape::kString || s == Shape::kNull || s == Shape::kAny) return {};
    return Error::at(ErrorCode::kType, node(i).span,
                     std::string(what) + " must be a string, found " + std::string(shapeName(s)));
  }

  Result<uint32_t> additive(uint32_t depth) {
    ROUTESIM_ASSIGN_OR_RETURN(uint32_t lhs, multiplicative(depth));
    while (peek().kind == TokenKind::kPlus || peek().kind == TokenKind::kMinus) {
      const Token& op = next();
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t rhs, multiplicative(depth));
      ROUTESIM_ASSIGN_OR_RETURN(lhs, arithmetic(op, lhs, rhs));
    }
    return lhs;
  }

  Result<uint32_t> multiplicative(uint32_t depth) {
    ROUTESIM_ASSIGN_OR_RETURN(uint32_t lhs, unary(depth));
    while (peek().kind == TokenKind::kStar || peek().kind == TokenKind::kSlash ||
           peek().kind == TokenKind::kPercent) {
      const Token& op = next();
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t rhs, unary(depth));
      ROUTESIM_ASSIGN_OR_RETURN(lhs, arithmetic(op, lhs, rhs));
    }
    return lhs;
  }

  Result<uint32_t> arithmetic(const Token& op, uint32_t lhs, uint32_t rhs) {
    for (uint32_t side : {lhs, rhs}) {
      Shape s = node(side).shape;
      if (s == Shape::kCondition || s == Shape::kBoolean) {
        return Error::at(ErrorCode::kType, node(side).span,
                         "operator " + describeToken(text_, op) + " does not apply to " +
                             std::string(shapeName(s)));
      }
      if (s == Shape::kString && op.kind != TokenKind::kPlus) {
        return Error::at(ErrorCode::kType, node(side).span,
                         "operator " + describeToken(text_, op) +
                             " does not apply to a string (only + joins strings)");
      }
    }
    Shape a = node(lhs).shape;
    Shape b = node(rhs).shape;
    Node n{NodeKind::kArithmetic,
           op.kind,
           join(node(lhs).span, node(rhs).span),
           spanOf(op),
           {lhs, rhs}};
    if (a == Shape::kNull || b == Shape::kNull) {
      n.shape = Shape::kNull;
    } else if (a == Shape::kString || b == Shape::kString) {
      n.shape = Shape::kString;
    } else if (a == Shape::kNumber && b == Shape::kNumber) {
      n.shape = Shape::kNumber;
    }
    return add(std::move(n));
  }

  Result<uint32_t> unary(uint32_t depth) {
    if (depth > kMaxDepth) return tooDeep(peek());
    const Token& t = peek();
    if (t.kind != TokenKind::kMinus && t.kind != TokenKind::kPlus) return primary(depth);
    next();
    // A minus sign directly before an integer literal: -9223372036854775808 must be in range.
    if (t.kind == TokenKind::kMinus && peek().kind == TokenKind::kInteger &&
        peek().offset == t.offset + 1) {
      const Token& lit = next();
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t n, integerLiteral(lit, /*negative=*/true));
      ast_.nodes[n].span = join(spanOf(t), spanOf(lit));
      return n;
    }
    ROUTESIM_ASSIGN_OR_RETURN(uint32_t operand, unary(depth + 1));
    Shape s = node(operand).shape;
    if (s == Shape::kCondition || s == Shape::kBoolean || s == Shape::kString) {
      return Error::at(
          ErrorCode::kType, node(operand).span,
          "unary " + describeToken(text_, t) + " does not apply to " + std::string(shapeName(s)));
    }
    Node n{t.kind == TokenKind::kMinus ? NodeKind::kNegate : NodeKind::kUnaryPlus,
           t.kind,
           join(spanOf(t), node(operand).span),
           spanOf(t),
           {operand}};
    n.shape = s;
    return add(std::move(n));
  }

  Result<uint32_t> integerLiteral(const Token& t, bool negative) {
    std::string digits = negative ? "-" : "";
    digits.append(textOf(t));
    int64_t v = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) {
      return Error::at(ErrorCode::kSyntax, spanOf(t),
                       "Syntax error: the integer " + describeToken(text_, t) +
                           " is out of the range of a 64-bit integer (System.Int64)");
    }
    Node n{NodeKind::kLiteral, t.kind, spanOf(t), spanOf(t), {}};
    n.value = v;
    n.shape = Shape::kNumber;
    return add(std::move(n));
  }

  Result<uint32_t> primary(uint32_t depth) {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::kLParen: {
        next();
        ROUTESIM_ASSIGN_OR_RETURN(uint32_t inner, condition(depth + 1));
        const Token& close = peek();
        if (close.kind == TokenKind::kEnd) return syntax(t, "missing closing ')'");
        if (close.kind != TokenKind::kRParen) {
          return unexpected(close, "')' to close the '(' at offset " + std::to_string(t.offset));
        }
        next();
        ast_.nodes[inner].span = join(spanOf(t), spanOf(close));
        return inner;
      }
      case TokenKind::kString: {
        next();
        Node n{NodeKind::kLiteral, t.kind, spanOf(t), spanOf(t), {}};
        n.value = unquote(text_, t);
        n.shape = Shape::kString;
        return add(std::move(n));
      }
      case TokenKind::kInteger:
        next();
        return integerLiteral(t, /*negative=*/false);
      case TokenKind::kDecimal:
      case TokenKind::kApproximate: {
        next();
        std::string s(textOf(t));
        Node n{NodeKind::kLiteral, t.kind, spanOf(t), spanOf(t), {}};
        n.value = std::strtod(s.c_str(), nullptr);
        n.shape = Shape::kNumber;
        return add(std::move(n));
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse: {
        next();
        Node n{NodeKind::kLiteral, t.kind, spanOf(t), spanOf(t), {}};
        n.value = t.kind == TokenKind::kTrue;
        n.shape = Shape::kBoolean;
        return add(std::move(n));
      }
      case TokenKind::kNull: {
        next();
        Node n{NodeKind::kLiteral, t.kind, spanOf(t), spanOf(t), {}};
        n.shape = Shape::kNull;
        return add(std::move(n));
      }
      case TokenKind::kParameter:
        return Error::at(ErrorCode::kInvalidInput, spanOf(t),
                         "parameter " + describeToken(text_, t) +
                             " has no value: ARM templates and Config.json cannot give filter "
                             "parameters");
      case TokenKind::kIdentifier:
        if (peek(1).kind == TokenKind::kLParen) return function(depth);
        return property(/*for_write=*/false);
      case TokenKind::kDelimited:
      case TokenKind::kQuoted:
        return property(/*for_write=*/false);
      default:
        if (t.kind == TokenKind::kEnd) return unexpected(t, "an expression");
        if (isKeyword(t.kind)) {
          return syntax(t, "expected an expression, found the keyword " + describeToken(text_, t) +
                               " (write [name] for a property with a reserved name)");
        }
        return unexpected(t, "an expression");
    }
  }

  Result<uint32_t> function(uint32_t depth) {
    const Token& name = next();
    const Token& open = next();  // '('
    std::string_view word = textOf(name);
    if (utf::equalsIgnoreCase(word, "newid")) {
      if (peek().kind != TokenKind::kRParen)
        return unexpected(peek(), "')': newid() takes no arguments");
      const Token& close = next();
      Node n{NodeKind::kNewId, name.kind, join(spanOf(name), spanOf(close)), spanOf(name), {}};
      n.shape = Shape::kString;
      return add(std::move(n));
    }
    if (utf::equalsIgnoreCase(word, "property") || utf::equalsIgnoreCase(word, "p")) {
      ROUTESIM_ASSIGN_OR_RETURN(uint32_t arg, additive(depth + 1));
      ROUTESIM_RETURN_IF_ERROR(requireValue(arg));
      ROUTESIM_RETURN_IF_ERROR(requireStringish(arg, "the name given to property()"));
      if (peek().kind != TokenKind::kRParen) {
        return unexpected(peek(), "')' to close " + std::string(word) + "(");
      }
      const Token& close = next();
      Node n{
          NodeKind::kPropertyOf, name.kind, join(spanOf(name), spanOf(close)), spanOf(name), {arg}};
      n.shape = Shape::kAny;
      return add(std::move(n));
    }
    (void)open;
    return Error::at(ErrorCode::kUnknownFunction, spanOf(name),
                     "unknown function " + describeToken(text_, name) +
                         " (Service Bus filters know newid(), property(name) and p(name))");
  }

  // [sys. | user.] name, where name is a regular, [delimited] or "quoted" identifier.
  Result<uint32_t> property(bool for_write) {
    const Token& first = peek();
    bool name_token = first.kind == TokenKind::kIdentifier || first.kind == TokenKind::kDelimited ||
                      first.kind == TokenKind::kQuoted;
    if (!name_token) return unexpected(first, "a property name");
    next();
    Node n{NodeKind::kProperty, first.kind, spanOf(first), spanOf(first), {}};
    n.shape = Shape::kAny;
    std::string_view word = textOf(first);
    bool scoped = first.kind == TokenKind::kIdentifier && peek().kind == TokenKind::kDot &&
                  (utf::equalsIgnoreCase(word, "sys") || utf::equalsIgnoreCase(word, "user"));
    if (!scoped) {
      n.name = first.kind == TokenKind::kIdentifier ? std::string(word) : unquote(text_, first);
      return add(std::move(n));
    }
    next();  // '.'
    const Token& name = peek();
    bool ok = name.kind == TokenKind::kIdentifier || name.kind == TokenKind::kDelimited ||
              name.kind == TokenKind::kQuoted || isKeyword(name.kind);
    if (!ok) return unexpected(name, "a property name after " + std::string(word) + ".");
    next();
    bool quoted = name.kind == TokenKind::kDelimited || name.kind == TokenKind::kQuoted;
    n.name = quoted ? unquote(text_, name) : std::string(textOf(name));
    n.span = join(spanOf(first), spanOf(name));
    n.op_span = n.span;
    if (utf::equalsIgnoreCase(word, "user")) return add(std::move(n));
    n.scope = Scope::kSys;
    const SysName* sys = findSys(n.name);
    if (sys == nullptr) {
      return Error::at(ErrorCode::kInvalidInput, n.span,
                       "unknown system property 'sys." + n.name +
                           "' (system properties are the message's broker properties, e.g. "
                           "sys.MessageId, sys.Label, sys.To; application properties need no "
                           "prefix or user.)");
    }
    if (for_write && !sys->settable) {
      return Error::at(ErrorCode::kInvalidInput, n.span,
                       "sys." + std::string(sys->name) +
                           " is set by the broker and cannot be changed by an action");
    }
    n.sys = sys->property;
    return add(std::move(n));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  Ast ast_;
};

}  // namespace

std::string_view sysPropertyName(SysProperty p) {
  for (const SysName& s : kSysNames) {
    if (s.property == p) return s.name;
  }
  return "";
}

Result<Ast> parseFilter(std::string_view text) { return Parser(text).filter(); }

Result<Ast> parseAction(std::string_view text) { return Parser(text).action(); }

}  // namespace routesim::endpoints::servicebus::sql
