#include "core/query/binder.h"

#include <cmath>
#include <cstdlib>
#include <optional>

#include "core/common/utf.h"
#include "core/message/json_path.h"

namespace routesim::query {
namespace {

using Expr = std::unique_ptr<BoundExpr>;

enum class Param : uint8_t { kNumber, kString, kAny };

struct Signature {
  std::vector<Param> params;
  bool variadic = false;  // the last parameter repeats
};

struct FunctionInfo {
  std::string_view name;
  Builtin fn;
  StaticType result;
  std::vector<Signature> signatures;
};

const std::vector<FunctionInfo>& functions() {
  using P = Param;
  static const std::vector<FunctionInfo> table = {
      {"abs", Builtin::kAbs, StaticType::kNumber, {{{P::kNumber}}}},
      {"exp", Builtin::kExp, StaticType::kNumber, {{{P::kNumber}}}},
      {"power", Builtin::kPower, StaticType::kNumber, {{{P::kNumber, P::kNumber}}}},
      {"square", Builtin::kSquare, StaticType::kNumber, {{{P::kNumber}}}},
      {"sqrt", Builtin::kSqrt, StaticType::kNumber, {{{P::kNumber}}}},
      {"ceiling", Builtin::kCeiling, StaticType::kNumber, {{{P::kNumber}}}},
      {"floor", Builtin::kFloor, StaticType::kNumber, {{{P::kNumber}}}},
      {"sign", Builtin::kSign, StaticType::kNumber, {{{P::kNumber}}}},
      {"as_number", Builtin::kAsNumber, StaticType::kNumber, {{{P::kString}}, {{P::kNumber}}}},
      {"is_bool", Builtin::kIsBool, StaticType::kBool, {{{P::kAny}}}},
      {"is_defined", Builtin::kIsDefined, StaticType::kBool, {{{P::kAny}}}},
      {"is_null", Builtin::kIsNull, StaticType::kBool, {{{P::kAny}}}},
      {"is_number", Builtin::kIsNumber, StaticType::kBool, {{{P::kAny}}}},
      {"is_string", Builtin::kIsString, StaticType::kBool, {{{P::kAny}}}},
      {"is_array", Builtin::kIsArray, StaticType::kBool, {{{P::kAny}}}},
      {"is_object", Builtin::kIsObject, StaticType::kBool, {{{P::kAny}}}},
      {"is_primitive", Builtin::kIsPrimitive, StaticType::kBool, {{{P::kAny}}}},
      {"concat", Builtin::kConcat, StaticType::kString, {{{P::kString, P::kString}, true}}},
      {"length", Builtin::kLength, StaticType::kNumber, {{{P::kString}}}},
      {"lower", Builtin::kLower, StaticType::kString, {{{P::kString}}}},
      {"upper", Builtin::kUpper, StaticType::kString, {{{P::kString}}}},
      {"substring",
       Builtin::kSubstring,
       StaticType::kString,
       {{{P::kString, P::kNumber}}, {{P::kString, P::kNumber, P::kNumber}}}},
      {"index_of", Builtin::kIndexOf, StaticType::kNumber, {{{P::kString, P::kString}}}},
      {"starts_with", Builtin::kStartsWith, StaticType::kBool, {{{P::kString, P::kString}}}},
      {"ends_with", Builtin::kEndsWith, StaticType::kBool, {{{P::kString, P::kString}}}},
      {"contains", Builtin::kContains, StaticType::kBool, {{{P::kString, P::kString}}}},
      {"twin_change_includes", Builtin::kTwinChangeIncludes, StaticType::kBool, {}},
  };
  return table;
}

std::string_view paramName(Param p) {
  switch (p) {
    case Param::kNumber:
      return "number";
    case Param::kString:
      return "string";
    case Param::kAny:
      return "any";
  }
  return "?";
}

bool accepts(Param p, StaticType t) {
  switch (p) {
    case Param::kNumber:
      return t == StaticType::kNumber || t == StaticType::kDynamic;
    case Param::kString:
      return t == StaticType::kString || t == StaticType::kDynamic;
    case Param::kAny:
      return true;
  }
  return false;
}

bool matches(const Signature& sig, const std::vector<StaticType>& args) {
  if (sig.variadic ? args.size() < sig.params.size() : args.size() != sig.params.size()) {
    return false;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    Param p = i < sig.params.size() ? sig.params[i] : sig.params.back();
    if (!accepts(p, args[i])) return false;
  }
  return true;
}

// Unescapes a string literal body: \" \' \\ and \uXXXX (UTF-16 units; pairs combine).
std::string unescape(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char e = body[i + 1];
    if (e == 'u' && i + 5 < body.size()) {
      auto unit = static_cast<char32_t>(
          std::strtoul(std::string(body.substr(i + 2, 4)).c_str(), nullptr, 16));
      i += 5;
      if (unit >= 0xD800 && unit <= 0xDBFF && i + 6 < body.size() && body[i + 1] == '\\' &&
          body[i + 2] == 'u') {
        auto low = static_cast<char32_t>(
            std::strtoul(std::string(body.substr(i + 3, 4)).c_str(), nullptr, 16));
        if (low >= 0xDC00 && low <= 0xDFFF) {
          utf::append(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
          i += 6;
          continue;
        }
      }
      utf::append(out, unit);
    } else {
      out.push_back(e);
      ++i;
    }
  }
  return out;
}

class Binder {
 public:
  Binder(std::string_view text, const Ast& ast, const CompileOptions& options,
         InputCatalog& catalog)
      : text_(text),
        ast_(ast),
        options_(options),
        catalog_(catalog),
        pool_(std::make_shared<StringPool>()) {}

  Result<BoundCondition> run() {
    const Node& root = ast_.node(ast_.root);
    BoundCondition out;
    out.pool = pool_;
    if (root.kind == NodeKind::kEmpty) return out;
    auto expr = bind(ast_.root);
    if (!expr.ok()) return std::move(expr).error();
    out.type = (*expr)->type;
    out.root = std::move(*expr);
    return out;
  }

 private:
  std::string_view textOf(SourceSpan s) const { return text_.substr(s.offset, s.length); }

  Expr constant(StaticType type, Value v, SourceSpan span) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundKind::kConstant;
    e->type = type;
    e->constant = v;
    e->span = span;
    return e;
  }

  Expr node(BoundKind kind, StaticType type, SourceSpan span, std::vector<Expr> children) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = kind;
    e->type = type;
    e->span = span;
    e->children = std::move(children);
    return e;
  }

  Error operandError(const Node& n, const std::vector<StaticType>& have,
                     const std::vector<StaticType>& expected) {
    auto list = [](const std::vector<StaticType>& types) {
      std::string s;
      for (size_t i = 0; i < types.size(); ++i) {
        if (i) s += " and ";
        s += "'" + std::string(staticTypeName(types[i])) + "'";
      }
      return s;
    };
    std::string arity = have.size() == 1 ? "unary " : "binary ";
    return Error::at(ErrorCode::kType, n.op_span,
                     "Invalid operands to " + arity + "operator '" +
                         std::string(textOf(n.op_span)) + "': have " + list(have) + ", expected " +
                         list(expected));
  }

  Result<Expr> bind(uint32_t index) {
    const Node& n = ast_.node(index);
    switch (n.kind) {
      case NodeKind::kEmpty:
        return constant(StaticType::kUndefined, Value::undefined(), n.span);
      case NodeKind::kLiteral:
        return literal(n);
      case NodeKind::kAppProperty:
        return input(StaticType::kString,
                     catalog_.property(InputKind::kAppProperty, textOf(n.op_span)), n.span);
      case NodeKind::kSysProperty:
        return sysProperty(n, /*escaped=*/false);
      case NodeKind::kEscapedProperty:
        return sysProperty(n, /*escaped=*/true);
      case NodeKind::kCall:
        return call(n);
      case NodeKind::kUnary:
        return unary(n);
      case NodeKind::kBinary:
        return binary(n);
    }
    return Error::at(ErrorCode::kInternal, n.span, "unknown node");
  }

  Expr input(StaticType type, uint32_t slot, SourceSpan span) {
    auto e = node(BoundKind::kInput, type, span, {});
    e->input = slot;
    return e;
  }

  Result<Expr> literal(const Node& n) {
    std::string_view t = textOf(n.span);
    switch (n.op) {
      case TokenKind::kTrue:
        return constant(StaticType::kBool, Value::ofBool(true), n.span);
      case TokenKind::kFalse:
        return constant(StaticType::kBool, Value::ofBool(false), n.span);
      case TokenKind::kNull:
        return constant(StaticType::kNull, Value::null(), n.span);
      case TokenKind::kUndefined:
        return constant(StaticType::kUndefined, Value::undefined(), n.span);
      case TokenKind::kString:
        return constant(StaticType::kString,
                        Value::ofString(pool_->store(unescape(t.substr(1, t.size() - 2)))), n.span);
      case TokenKind::kInteger:
      case TokenKind::kReal: {
        // A real literal with no mantissa digits ("e5") does not parse: undefined-typed.
        bool has_digit = false;
        for (char c : t) {
          if (c == 'e' || c == 'E') break;
          has_digit = has_digit || (c >= '0' && c <= '9');
        }
        if (!has_digit) return constant(StaticType::kUndefined, Value::undefined(), n.span);
        return constant(StaticType::kNumber,
                        Value::ofNumber(std::strtod(std::string(t).c_str(), nullptr)), n.span);
      }
      case TokenKind::kHex: {
        // Signed 64-bit two's complement; more than 16 significant digits do not parse.
        std::string_view digits = t.substr(2);
        while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
        if (digits.size() > 16) return constant(StaticType::kUndefined, Value::undefined(), n.span);
        auto bits = std::strtoull(std::string(digits).c_str(), nullptr, 16);
        return constant(StaticType::kNumber,
                        Value::ofNumber(static_cast<double>(static_cast<int64_t>(bits))), n.span);
      }
      default:
        return Error::at(ErrorCode::kInternal, n.span, "unexpected literal");
    }
  }

  // $name, $body.path, $twin.path, and their escaped {$...} forms.
  Result<Expr> sysProperty(const Node& n, bool escaped) {
    std::string_view token = textOf(n.op_span);  // includes the '$'
    bool has_bracket = token.find_first_of("[]") != std::string_view::npos;
    for (std::string_view prefix : {std::string_view("$body."), std::string_view("$twin.")}) {
      if (!utf::startsWithIgnoreCase(token, prefix)) continue;
      bool body = prefix == "$body.";
      std::string_view path_text = token.substr(prefix.size());
      auto path = message::parseJsonPath(path_text);
      if (!path.ok()) {
        return Error::at(ErrorCode::kInvalidPath, n.op_span,
                         std::string("Error in ") + (body ? "$body" : "$twin") + " query '" +
                             std::string(path_text) + "': " + path.error().message() +
                             " (at character " +
                             std::to_string(prefix.size() + path.error().span().offset + 1) + ")");
      }
      // The application property literally named "$body.<path>" wins, unless escaped or the
      // name has brackets (property names cannot).
      std::string_view app_name = escaped || has_bracket ? std::string_view() : token;
      uint32_t slot =
          body ? catalog_.bodyPath(*path, app_name) : catalog_.twinPath(*path, app_name);
      return input(StaticType::kDynamic, slot, n.span);
    }
    if (has_bracket) return constant(StaticType::kUndefined, Value::undefined(), n.span);
    std::string_view name = token.substr(1);
    uint32_t slot = escaped ? catalog_.property(InputKind::kSystemProperty, name)
                            : catalog_.property(InputKind::kDollarProperty, name, token);
    return input(StaticType::kString, slot, n.span);
  }

  Result<Expr> call(const Node& n) {
    std::string_view name = textOf(n.op_span);
    const FunctionInfo* info = nullptr;
    for (const FunctionInfo& f : functions()) {
      if (utf::equalsIgnoreCase(f.name, name)) info = &f;
    }
    if (info == nullptr) {
      return Error::at(ErrorCode::kUnknownFunction, n.op_span,
                       "Invalid built-in function '" + std::string(name) + "'");
    }
    if (info->fn == Builtin::kTwinChangeIncludes) return twinChangeIncludes(n, name);

    std::vector<Expr> args;
    std::vector<StaticType> types;
    for (uint32_t child : n.children) {
      auto arg = bind(child);
      if (!arg.ok()) return arg;
      types.push_back((*arg)->type);
      args.push_back(std::move(*arg));
    }
    bool ok = false;
    for (const Signature& sig : info->signatures) ok = ok || matches(sig, types);
    if (!ok) {
      std::string have;
      for (size_t i = 0; i < types.size(); ++i) {
        if (i) have += ", ";
        have += staticTypeName(types[i]);
      }
      std::string expected;
      for (const Signature& sig : info->signatures) {
        if (!expected.empty()) expected += " or ";
        expected += std::string(info->name) + "(";
        for (size_t i = 0; i < sig.params.size(); ++i) {
          if (i) expected += ", ";
          expected += paramName(sig.params[i]);
        }
        expected += sig.variadic ? ", ...)" : ")";
      }
      return Error::at(ErrorCode::kType, n.op_span,
                       "Invalid arguments to built-in function '" + std::string(name) +
                           "': " + std::string(name) + "(" + have + "); expected " + expected);
    }
    Builtin fn = info->fn;
    if (fn == Builtin::kIsBool && types[0] == StaticType::kBool) fn = Builtin::kIsBoolOnBool;
    if (fn == Builtin::kConcat) {
      for (Expr& arg : args) arg = stringOfDynamic(std::move(arg));
    }
    // Type predicates on arguments whose static type decides the answer fold here.
    if ((fn == Builtin::kIsArray || fn == Builtin::kIsObject) && types[0] != StaticType::kDynamic) {
      return constant(StaticType::kBool, Value::ofBool(false), n.span);
    }
    auto e = node(BoundKind::kCall, info->result, n.span, std::move(args));
    e->fn = fn;
    return fold(std::move(e));
  }

  // Concatenation takes a null-valued property as "", but a JSON null (or a missing path) is
  // the wrong dynamic kind for a string argument and makes the result undefined (§5).
  Expr stringOfDynamic(Expr arg) {
    if (arg->type != StaticType::kDynamic) return arg;
    SourceSpan span = arg->span;
    std::vector<Expr> children;
    children.push_back(std::move(arg));
    auto e = node(BoundKind::kCall, StaticType::kString, span, std::move(children));
    e->fn = Builtin::kStringOfDynamic;
    return e;
  }

  Result<Expr> twinChangeIncludes(const Node& n, std::string_view name) {
    if (options_.source != message::MessageSource::kTwinChangeEvents) {
      return Error::at(ErrorCode::kUnknownFunction, n.op_span,
                       "Invalid built-in function '" + std::string(name) +
                           "': it exists only in routes whose source is TwinChangeEvents");
    }
    auto argError = [&](const std::string& detail) {
      return Error::at(
          ErrorCode::kInvalidPath, n.op_span,
          "Invalid arguments to built-in function '" + std::string(name) + "': " + detail);
    };
    if (n.raw_args.empty()) return argError("the path argument is empty");
    auto path = message::parseJsonPath(n.raw_args);
    if (!path.ok()) return argError("'" + n.raw_args + "': " + path.error().message());
    bool supported = false;
    for (std::string_view prefix : {"properties.reported.", "properties.desired.", "tags."}) {
      supported = supported || utf::startsWithIgnoreCase(n.raw_args, prefix);
    }
    if (!supported) {
      return argError("'" + n.raw_args +
                      "' is not supported. Supported prefixes: 'properties.reported.', "
                      "'properties.desired.', 'tags.'");
    }
    return input(StaticType::kBool, catalog_.twinChange(*path), n.span);
  }

  Result<Expr> unary(const Node& n) {
    auto operand = bind(n.children[0]);
    if (!operand.ok()) return operand;
    StaticType t = (*operand)->type;
    std::vector<Expr> children;
    children.push_back(std::move(*operand));
    if (n.op == TokenKind::kMinus) {
      if (t != StaticType::kNumber) return operandError(n, {t}, {StaticType::kNumber});
      return fold(node(BoundKind::kNegate, StaticType::kNumber, n.span, std::move(children)));
    }
    if (t != StaticType::kBool && t != StaticType::kNull && t != StaticType::kDynamic) {
      return operandError(n, {t}, {StaticType::kBool});
    }
    auto e = node(BoundKind::kNot, StaticType::kBool, n.span, std::move(children));
    e->dynamic = t == StaticType::kDynamic;
    return fold(std::move(e));
  }

  Result<Expr> binary(const Node& n) {
    auto left = bind(n.children[0]);
    if (!left.ok()) return left;
    auto right = bind(n.children[1]);
    if (!right.ok()) return right;
    StaticType l = (*left)->type;
    StaticType r = (*right)->type;
    bool dynamic = l == StaticType::kDynamic || r == StaticType::kDynamic;
    std::vector<Expr> children;
    children.push_back(std::move(*left));
    children.push_back(std::move(*right));

    switch (n.op) {
      case TokenKind::kPlus:
      case TokenKind::kMinus:
      case TokenKind::kStar:
      case TokenKind::kSlash:
      case TokenKind::kPercent: {
        auto numeric = [](StaticType t) {
          return t == StaticType::kNumber || t == StaticType::kDynamic;
        };
        bool ok = numeric(l) && numeric(r) && !(n.op == TokenKind::kPercent && dynamic);
        if (!ok) return operandError(n, {l, r}, {StaticType::kNumber, StaticType::kNumber});
        auto e = node(BoundKind::kArith, dynamic ? StaticType::kDynamic : StaticType::kNumber,
                      n.span, std::move(children));
        e->arith = n.op == TokenKind::kPlus    ? ArithOp::kAdd
                   : n.op == TokenKind::kMinus ? ArithOp::kSub
                   : n.op == TokenKind::kStar  ? ArithOp::kMul
                   : n.op == TokenKind::kSlash ? ArithOp::kDiv
                                               : ArithOp::kMod;
        e->dynamic = dynamic;
        return fold(std::move(e));
      }
      case TokenKind::kConcat: {
        auto stringy = [](StaticType t) {
          return t == StaticType::kString || t == StaticType::kDynamic;
        };
        if (!stringy(l) || !stringy(r)) {
          return operandError(n, {l, r}, {StaticType::kString, StaticType::kString});
        }
        for (Expr& arg : children) arg = stringOfDynamic(std::move(arg));
        auto e = node(BoundKind::kCall, StaticType::kString, n.span, std::move(children));
        e->fn = Builtin::kConcat;
        return fold(std::move(e));
      }
      case TokenKind::kEq:
      case TokenKind::kBangEq:
      case TokenKind::kLtGt:
      case TokenKind::kLt:
      case TokenKind::kLe:
      case TokenKind::kGt:
      case TokenKind::kGe:
      case TokenKind::kCoalesce: {
        if (!comparable(l, r)) return operandError(n, {l, r}, {l, l});
        StaticType domain = dynamic ? StaticType::kDynamic : l;
        if (n.op == TokenKind::kCoalesce) {
          auto e = node(BoundKind::kCoalesce, domain, n.span, std::move(children));
          e->domain = domain;
          return fold(std::move(e));
        }
        auto e = node(BoundKind::kCompare, StaticType::kBool, n.span, std::move(children));
        e->domain = domain;
        e->cmp = n.op == TokenKind::kEq                                     ? CompareOp::kEq
                 : (n.op == TokenKind::kBangEq || n.op == TokenKind::kLtGt) ? CompareOp::kNe
                 : n.op == TokenKind::kLt                                   ? CompareOp::kLt
                 : n.op == TokenKind::kLe                                   ? CompareOp::kLe
                 : n.op == TokenKind::kGt                                   ? CompareOp::kGt
                                                                            : CompareOp::kGe;
        return fold(std::move(e));
      }
      case TokenKind::kAnd:
      case TokenKind::kOr:
        return logic(n, std::move(children), l, r);
      default:
        return Error::at(ErrorCode::kInternal, n.op_span, "unknown operator");
    }
  }

  // Comparison and ?? operands: the same static type, or a dynamic value with a number,
  // string, bool, null or dynamic one.
  static bool comparable(StaticType l, StaticType r) {
    if (l == StaticType::kDynamic || r == StaticType::kDynamic) {
      StaticType other = l == StaticType::kDynamic ? r : l;
      return other != StaticType::kUndefined;
    }
    return l == r;
  }

  Result<Expr> logic(const Node& n, std::vector<Expr> children, StaticType l, StaticType r) {
    auto logical = [](StaticType t) {
      return t == StaticType::kBool || t == StaticType::kNull || t == StaticType::kUndefined ||
             t == StaticType::kDynamic;
    };
    // As in the peer, a dynamic left operand lets any right operand through.
    if (!logical(l) || !(logical(r) || l == StaticType::kDynamic)) {
      return operandError(n, {l, r}, {StaticType::kBool, StaticType::kBool});
    }
    bool is_and = n.op == TokenKind::kAnd;
    bool dynamic = l == StaticType::kDynamic || r == StaticType::kDynamic;
    if (!dynamic) {
      // null in logic (§3.2): `null AND x` is null; `null OR b` is b; `null OR null` is null.
      bool ln = l == StaticType::kNull;
      bool rn = r == StaticType::kNull;
      if (is_and && (ln || rn)) return constant(StaticType::kNull, Value::null(), n.span);
      if (!is_and && ln && rn) return constant(StaticType::kNull, Value::null(), n.span);
      if (!is_and && (ln || rn)) {
        Expr other = std::move(children[ln ? 1 : 0]);
        if (other->type == StaticType::kUndefined) {
          return constant(StaticType::kBool, Value::undefined(), n.span);
        }
        return other;
      }
    }
    auto e = node(is_and ? BoundKind::kAnd : BoundKind::kOr, StaticType::kBool, n.span,
                  std::move(children));
    e->dynamic = dynamic;
    if (!dynamic) {
      // Short-circuit folding: false AND x = false, true OR x = true, whatever x is.
      for (const Expr& c : e->children) {
        if (c->kind == BoundKind::kConstant && c->constant.kind == Kind::kBool &&
            c->constant.boolean == !is_and) {
          return constant(StaticType::kBool, Value::ofBool(!is_and), n.span);
        }
      }
    }
    return fold(std::move(e));
  }

  // Replaces a node whose operands are all constants by its value.
  Result<Expr> fold(Expr e) {
    for (const Expr& c : e->children) {
      if (c->kind != BoundKind::kConstant) return e;
    }
    Value v;
    const auto& c = e->children;
    switch (e->kind) {
      case BoundKind::kNegate:
        v = negate(c[0]->constant);
        break;
      case BoundKind::kNot:
        v = logicalNot(c[0]->constant, e->dynamic);
        break;
      case BoundKind::kArith:
        v = arithmetic(e->arith, c[0]->constant, c[1]->constant);
        break;
      case BoundKind::kCompare:
        v = compare(e->domain, e->cmp, c[0]->constant, c[1]->constant);
        break;
      case BoundKind::kAnd:
        v = logicalAnd(c[0]->constant, c[1]->constant, e->dynamic);
        break;
      case BoundKind::kOr:
        v = logicalOr(c[0]->constant, c[1]->constant, e->dynamic);
        break;
      case BoundKind::kCoalesce:
        v = coalesce(e->domain, c[0]->constant, c[1]->constant);
        break;
      case BoundKind::kCall: {
        std::vector<Value> args;
        for (const Expr& a : c) args.push_back(a->constant);
        StringArena arena;
        v = query::call(e->fn, args, arena);
        if (v.kind == Kind::kString) v.string = pool_->store(v.string);
        break;
      }
      default:
        return e;
    }
    return constant(e->type, v, e->span);
  }

  std::string_view text_;
  const Ast& ast_;
  const CompileOptions& options_;
  InputCatalog& catalog_;
  std::shared_ptr<StringPool> pool_;
};

}  // namespace

Result<BoundCondition> bind(std::string_view text, const Ast& ast, const CompileOptions& options,
                            InputCatalog& catalog) {
  return Binder(text, ast, options, catalog).run();
}

}  // namespace routesim::query
