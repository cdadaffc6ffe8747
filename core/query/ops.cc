#include "core/query/ops.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/common/utf.h"
#include "core/query/number_parse.h"

namespace routesim::query {
namespace {

int numberOrder(double x, double y) { return x < y ? -1 : (x > y ? 1 : 0); }

int rank(Kind k) {
  return k == Kind::kArray ? static_cast<int>(Kind::kObject) : static_cast<int>(k);
}

bool isAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// A number argument: defined JSON / static numbers only.
bool numberArg(const Value& v, double& out) {
  if (v.kind != Kind::kNumber) return false;
  out = v.number;
  return true;
}

// An index argument, truncated toward zero as .NET's (int) cast does; false when NaN or out of
// the int range (.NET yields int.MinValue there, which every bounds check rejects).
bool indexArg(const Value& v, long long& out) {
  double d;
  if (!numberArg(v, d)) return false;
  if (!(d > -2147483649.0 && d < 2147483648.0)) return false;
  out = static_cast<long long>(std::trunc(d));
  return true;
}

// Substring by UTF-16 code units [start, start + count).
std::string_view utf16Slice(std::string_view s, size_t start, size_t count, StringArena& arena) {
  if (isAscii(s)) return s.substr(start, count);
  size_t from = utf::byteOffsetOfUtf16Unit(s, start);
  size_t to = utf::byteOffsetOfUtf16Unit(s, start + count);
  if (from != std::string_view::npos && to != std::string_view::npos)
    return s.substr(from, to - from);
  // A bound splits a surrogate pair: rebuild with lone surrogates, as .NET would keep them.
  std::string units = utf::utf8ToUtf16le(s);
  std::string slice = units.substr(start * 2, count * 2);
  std::string out;
  for (size_t k = 0; k + 1 < slice.size(); k += 2) {
    char32_t u =
        static_cast<unsigned char>(slice[k]) | (static_cast<unsigned char>(slice[k + 1]) << 8);
    if (u >= 0xD800 && u <= 0xDBFF && k + 3 < slice.size()) {
      char32_t lo = static_cast<unsigned char>(slice[k + 2]) |
                    (static_cast<unsigned char>(slice[k + 3]) << 8);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        utf::append(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        k += 2;
        continue;
      }
    }
    utf::append(out, u);
  }
  return arena.store(out);
}

std::string_view mapCase(std::string_view s, bool upper, StringArena& arena) {
  if (isAscii(s)) {
    char* p = arena.allocate(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      p[i] = c;
    }
    return {p, s.size()};
  }
  return arena.store(upper ? utf::toUpperInvariant(s) : utf::toLowerInvariant(s));
}

Value stringPredicate(Builtin fn, const Value& s, const Value& t) {
  if (s.kind != Kind::kString || t.kind != Kind::kString) return {};
  std::string_view a = s.string;
  std::string_view b = t.string;
  switch (fn) {
    case Builtin::kStartsWith:
      return Value::ofBool(a.substr(0, b.size()) == b);
    case Builtin::kEndsWith:
      return Value::ofBool(a.size() >= b.size() && a.substr(a.size() - b.size()) == b);
    case Builtin::kContains:
      return Value::ofBool(a.find(b) != std::string_view::npos);
    default:
      return {};
  }
}

}  // namespace

Value compare(StaticType domain, CompareOp op, const Value& a, const Value& b) {
  switch (domain) {
    case StaticType::kNumber:
      if (a.kind != Kind::kNumber || b.kind != Kind::kNumber) return {};
      return truthOfOrder(op, numberOrder(a.number, b.number));
    case StaticType::kString:
      if (a.kind != Kind::kString || b.kind != Kind::kString) return {};
      if (op == CompareOp::kEq || op == CompareOp::kNe) {
        return Value::ofBool((a.string == b.string) == (op == CompareOp::kEq));
      }
      return truthOfOrder(op, utf::compareOrdinal(a.string, b.string));
    case StaticType::kBool:
      if (a.kind != Kind::kBool || b.kind != Kind::kBool) return {};
      return truthOfOrder(op, static_cast<int>(a.boolean) - static_cast<int>(b.boolean));
    case StaticType::kNull:
      return truthOfOrder(op, 0);
    case StaticType::kUndefined:
      return {};
    case StaticType::kDynamic: {
      if (a.isUndefinedOrComposite() || b.isUndefinedOrComposite()) return {};
      if (a.kind != b.kind) return truthOfOrder(op, rank(a.kind) - rank(b.kind));
      switch (a.kind) {
        case Kind::kBool:
          return truthOfOrder(op, static_cast<int>(a.boolean) - static_cast<int>(b.boolean));
        case Kind::kNumber:
          return truthOfOrder(op, numberOrder(a.number, b.number));
        case Kind::kString:
          return truthOfOrder(op, utf::compareOrdinal(a.string, b.string));
        case Kind::kNull:
          return truthOfOrder(op, 0);
        default:
          return {};
      }
    }
  }
  return {};
}

Value arithmetic(ArithOp op, const Value& a, const Value& b) {
  if (a.kind != Kind::kNumber || b.kind != Kind::kNumber) return {};
  double x = a.number;
  double y = b.number;
  switch (op) {
    case ArithOp::kAdd:
      return Value::ofNumber(x + y);
    case ArithOp::kSub:
      return Value::ofNumber(x - y);
    case ArithOp::kMul:
      return Value::ofNumber(x * y);
    case ArithOp::kDiv:
      return Value::ofNumber(x / y);
    case ArithOp::kMod:
      return Value::ofNumber(std::fmod(x, y));
  }
  return {};
}

Value negate(const Value& a) {
  if (a.kind != Kind::kNumber) return {};
  return Value::ofNumber(-a.number);
}

Value logicalNot(const Value& a, bool dynamic) {
  if (a.kind == Kind::kNull && !dynamic) return Value::ofBool(true);
  if (a.kind != Kind::kBool) return {};
  return Value::ofBool(!a.boolean);
}

Value logicalAnd(const Value& a, const Value& b, bool dynamic) {
  bool a_bool = a.kind == Kind::kBool;
  bool b_bool = b.kind == Kind::kBool;
  if (dynamic && !(a_bool && b_bool)) return {};
  if (a_bool && !a.boolean) return Value::ofBool(false);
  if (b_bool && !b.boolean) return Value::ofBool(false);
  if (a_bool && b_bool) return Value::ofBool(true);
  return {};
}

Value logicalOr(const Value& a, const Value& b, bool dynamic) {
  bool a_bool = a.kind == Kind::kBool;
  bool b_bool = b.kind == Kind::kBool;
  if (dynamic && !(a_bool && b_bool)) return {};
  if (a_bool && a.boolean) return Value::ofBool(true);
  if (b_bool && b.boolean) return Value::ofBool(true);
  if (a_bool && b_bool) return Value::ofBool(false);
  return {};
}

bool isDefined(const Value& a) { return !a.isUndefinedOrComposite(); }

Value coalesce(StaticType domain, const Value& a, const Value& b) {
  if (domain == StaticType::kUndefined) return b;
  return isDefined(a) ? a : b;
}

Value call(Builtin fn, std::span<const Value> args, StringArena& arena) {
  double x;
  double y;
  switch (fn) {
    case Builtin::kAbs:
      return numberArg(args[0], x) ? Value::ofNumber(std::fabs(x)) : Value{};
    case Builtin::kExp:
      return numberArg(args[0], x) ? Value::ofNumber(std::exp(x)) : Value{};
    case Builtin::kPower:
      return numberArg(args[0], x) && numberArg(args[1], y) ? Value::ofNumber(std::pow(x, y))
                                                            : Value{};
    case Builtin::kSquare:
      return numberArg(args[0], x) ? Value::ofNumber(x * x) : Value{};
    case Builtin::kSqrt:
      return numberArg(args[0], x) ? Value::ofNumber(std::sqrt(x)) : Value{};
    case Builtin::kCeiling:
      return numberArg(args[0], x) ? Value::ofNumber(std::ceil(x)) : Value{};
    case Builtin::kFloor:
      return numberArg(args[0], x) ? Value::ofNumber(std::floor(x)) : Value{};
    case Builtin::kSign:
      if (!numberArg(args[0], x)) return {};
      return Value::ofNumber(x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0));
    case Builtin::kAsNumber: {
      const Value& v = args[0];
      if (v.kind == Kind::kNumber) return v;
      if (v.kind != Kind::kString) return {};
      auto parsed = parseLenientNumber(v.string);
      return parsed ? Value::ofNumber(*parsed) : Value{};
    }
    case Builtin::kIsBool:
      return Value::ofBool(args[0].kind == Kind::kBool);
    case Builtin::kIsBoolOnBool:
      return args[0].kind == Kind::kBool ? Value::ofBool(true) : Value{};
    case Builtin::kIsDefined:
      return Value::ofBool(isDefined(args[0]));
    case Builtin::kIsNull:
      return Value::ofBool(args[0].kind == Kind::kNull);
    case Builtin::kIsNumber:
      return Value::ofBool(args[0].kind == Kind::kNumber && std::isfinite(args[0].number));
    case Builtin::kIsString:
      return Value::ofBool(args[0].kind == Kind::kString);
    case Builtin::kIsArray:
      return Value::ofBool(args[0].kind == Kind::kArray);
    case Builtin::kIsObject:
      return Value::ofBool(args[0].kind == Kind::kObject);
    case Builtin::kIsPrimitive: {
      Kind k = args[0].kind;
      return Value::ofBool(k == Kind::kBool || k == Kind::kNumber || k == Kind::kString ||
                           k == Kind::kNull);
    }
    case Builtin::kConcat: {
      size_t total = 0;
      for (const Value& v : args) {
        if (v.kind == Kind::kString) {
          total += v.string.size();
        } else if (v.kind != Kind::kNull) {
          return {};
        }
      }
      char* p = total ? arena.allocate(total) : nullptr;
      size_t at = 0;
      for (const Value& v : args) {
        if (v.kind == Kind::kString && !v.string.empty()) {
          std::memcpy(p + at, v.string.data(), v.string.size());
          at += v.string.size();
        }
      }
      return Value::ofString(std::string_view(p, total));
    }
    case Builtin::kLength:
      if (args[0].kind != Kind::kString) return {};
      return Value::ofNumber(static_cast<double>(
          isAscii(args[0].string) ? args[0].string.size() : utf::utf16Length(args[0].string)));
    case Builtin::kLower:
    case Builtin::kUpper:
      if (args[0].kind != Kind::kString) return {};
      return Value::ofString(mapCase(args[0].string, fn == Builtin::kUpper, arena));
    case Builtin::kSubstring: {
      if (args[0].kind != Kind::kString) return {};
      long long start;
      if (!indexArg(args[1], start)) return {};
      std::string_view s = args[0].string;
      auto length = static_cast<long long>(isAscii(s) ? s.size() : utf::utf16Length(s));
      if (args.size() == 2) {
        if (start < 0 || start > length) return {};
        return Value::ofString(
            utf16Slice(s, static_cast<size_t>(start), static_cast<size_t>(length - start), arena));
      }
      long long count;
      if (!indexArg(args[2], count)) return {};
      if (start < 0 || start >= length || count < 0 || count > length - start) return {};
      return Value::ofString(
          utf16Slice(s, static_cast<size_t>(start), static_cast<size_t>(count), arena));
    }
    case Builtin::kIndexOf: {
      if (args[0].kind != Kind::kString || args[1].kind != Kind::kString) return {};
      size_t at = args[0].string.find(args[1].string);
      if (at == std::string_view::npos) return Value::ofNumber(-1);
      std::string_view before = args[0].string.substr(0, at);
      return Value::ofNumber(
          static_cast<double>(isAscii(before) ? before.size() : utf::utf16Length(before)));
    }
    case Builtin::kStartsWith:
    case Builtin::kEndsWith:
    case Builtin::kContains:
      return stringPredicate(fn, args[0], args[1]);
    case Builtin::kStringOfDynamic:
      return args[0].kind == Kind::kString ? args[0] : Value{};
    case Builtin::kTwinChangeIncludes:
      return {};
  }
  return {};
}

TriState finalResult(StaticType type, const Value& v) {
  switch (type) {
    case StaticType::kBool:
    case StaticType::kDynamic:
      if (v.kind == Kind::kBool) return v.boolean ? TriState::kTrue : TriState::kFalse;
      return TriState::kUndefined;
    case StaticType::kNull:
      return TriState::kFalse;
    default:
      return TriState::kUndefined;
  }
}

}  // namespace routesim::query
