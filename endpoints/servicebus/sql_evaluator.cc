#include "endpoints/servicebus/sql_evaluator.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "core/common/duration.h"
#include "core/common/utf.h"

namespace routesim::endpoints::servicebus::sql {
namespace {

using Type = Value::Type;

Value unknown() { return Value{}; }
Value nullValue() {
  Value v;
  v.type = Type::kNull;
  return v;
}
Value boolValue(bool b) {
  Value v;
  v.type = Type::kBool;
  v.b = b;
  return v;
}
Value longValue(int64_t l) {
  Value v;
  v.type = Type::kLong;
  v.l = l;
  return v;
}
Value doubleValue(double d) {
  Value v;
  v.type = Type::kDouble;
  v.d = d;
  return v;
}
Value stringValue(std::string_view s) {
  Value v;
  v.type = Type::kString;
  v.s = s;
  return v;
}
Value fromProperty(const PropertyValue& p) {
  switch (p.index()) {
    case 1:
      return stringValue(std::get<std::string>(p));
    case 2:
      return longValue(std::get<int64_t>(p));
    case 3:
      return doubleValue(std::get<double>(p));
    case 4:
      return boolValue(std::get<bool>(p));
    default:
      return nullValue();
  }
}
Value optionalString(const std::string& s) { return s.empty() ? nullValue() : stringValue(s); }

bool missing(const Value& v) { return v.type == Type::kUnknown || v.type == Type::kNull; }
bool numeric(const Value& v) { return v.type == Type::kLong || v.type == Type::kDouble; }
double asDouble(const Value& v) { return v.type == Type::kLong ? static_cast<double>(v.l) : v.d; }

std::string_view opText(TokenKind k) {
  switch (k) {
    case TokenKind::kPlus:
      return "+";
    case TokenKind::kMinus:
      return "-";
    case TokenKind::kStar:
      return "*";
    case TokenKind::kSlash:
      return "/";
    case TokenKind::kPercent:
      return "%";
    default:
      return "?";
  }
}

// C#'s ToString() of a value, for string concatenation.
std::string textOf(const Value& v) {
  switch (v.type) {
    case Type::kString:
      return std::string(v.s);
    case Type::kLong:
      return std::to_string(v.l);
    case Type::kDouble:
      return propertyValueText(PropertyValue(v.d));
    case Type::kBool:
      return v.b ? "True" : "False";
    default:
      return "";
  }
}

std::string newGuid() {
  // Fixed seed: runs are reproducible (the text of newid() is never compared by Azure either).
  thread_local std::mt19937_64 rng(0x5eed5b5eedull);
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

}  // namespace

std::string_view truthName(Truth t) {
  switch (t) {
    case Truth::kFalse:
      return "false";
    case Truth::kTrue:
      return "true";
    case Truth::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view dotnetTypeName(const Value& v) {
  switch (v.type) {
    case Type::kBool:
      return "System.Boolean";
    case Type::kLong:
      return "System.Int64";
    case Type::kDouble:
      return "System.Double";
    case Type::kString:
      return "System.String";
    default:
      return "null";
  }
}

bool likeMatch(std::string_view s, std::string_view pattern, char32_t escape) {
  struct Item {
    enum Kind : uint8_t { kChar, kOne, kMany } kind;
    char32_t cp;
  };
  std::vector<Item> items;
  items.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size();) {
    char32_t cp = utf::decode(pattern, i);
    if (escape != 0 && cp == escape && i < pattern.size()) {
      items.push_back({Item::kChar, utf::decode(pattern, i)});
    } else if (cp == '%') {
      if (items.empty() || items.back().kind != Item::kMany) items.push_back({Item::kMany, 0});
    } else if (cp == '_') {
      items.push_back({Item::kOne, 0});
    } else {
      items.push_back({Item::kChar, cp});
    }
  }
  size_t p = 0;
  size_t i = 0;
  size_t star_p = std::string_view::npos;
  size_t star_i = 0;
  while (i < s.size()) {
    size_t next = i;
    char32_t cp = utf::decode(s, next);
    if (p < items.size() &&
        (items[p].kind == Item::kOne || (items[p].kind == Item::kChar && items[p].cp == cp))) {
      i = next;
      ++p;
    } else if (p < items.size() && items[p].kind == Item::kMany) {
      star_p = p++;
      star_i = i;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      utf::decode(s, star_i);
      i = star_i;
    } else {
      return false;
    }
  }
  while (p < items.size() && items[p].kind == Item::kMany) ++p;
  return p == items.size();
}

Value Evaluator::fail(SourceSpan span, std::string message) {
  if (!error_) error_ = Error::at(ErrorCode::kInvalidInput, span, std::move(message));
  return unknown();
}

std::string_view Evaluator::keep(std::string s) {
  strings_.push_front(std::move(s));
  return strings_.front();
}

Value Evaluator::userProperty(std::string_view name) {
  const PropertyValue* p = m_.application_properties.find(name);
  return p == nullptr ? unknown() : fromProperty(*p);
}

Value Evaluator::systemProperty(SysProperty p) {
  switch (p) {
    case SysProperty::kMessageId:
      return optionalString(m_.message_id);
    case SysProperty::kCorrelationId:
      return optionalString(m_.correlation_id);
    case SysProperty::kContentType:
      return optionalString(m_.content_type);
    case SysProperty::kLabel:
      return optionalString(m_.subject);
    case SysProperty::kTo:
      return optionalString(m_.to);
    case SysProperty::kReplyTo:
      return optionalString(m_.reply_to);
    case SysProperty::kReplyToSessionId:
      return optionalString(m_.reply_to_session_id);
    case SysProperty::kSessionId:
      return optionalString(m_.session_id);
    case SysProperty::kPartitionKey:
      return optionalString(m_.partition_key);
    case SysProperty::kViaPartitionKey:
    case SysProperty::kScheduledEnqueueTimeUtc:
      return nullValue();
    case SysProperty::kSequenceNumber:
    case SysProperty::kEnqueuedSequenceNumber:
      return longValue(m_.sequence_number);
    case SysProperty::kDeliveryCount:
      return longValue(m_.delivery_count);
    case SysProperty::kSize:
      return longValue(static_cast<int64_t>(messageSize(m_)));
    case SysProperty::kEnqueuedTimeUtc:
      return stringValue(keep(formatUtc(m_.enqueued_time_utc_ns)));
    case SysProperty::kExpiresAtUtc:
      if (m_.expires_ns == kNever) return stringValue("9999-12-31T23:59:59.9999999Z");
      return stringValue(keep(formatUtc(m_.enqueued_time_utc_ns +
                                        static_cast<int64_t>(m_.expires_ns - m_.enqueued_ns))));
    case SysProperty::kTimeToLive:
      return stringValue(keep(m_.time_to_live_ns == kNever
                                  ? "P10675199DT2H48M5.4775807S"
                                  : formatIsoDuration(m_.time_to_live_ns)));
    case SysProperty::kLockToken:
      return optionalString(m_.lock_token);
    case SysProperty::kLockedUntilUtc:
      if (m_.lock_token.empty()) return nullValue();
      return stringValue(keep(formatUtc(
          m_.enqueued_time_utc_ns + static_cast<int64_t>(m_.locked_until_ns - m_.enqueued_ns))));
    case SysProperty::kDeadLetterSource:
      return optionalString(m_.dead_letter_source);
  }
  return nullValue();
}

Truth Evaluator::truthOf(const Value& v, uint32_t node) {
  if (missing(v)) return Truth::kUnknown;
  if (v.type == Type::kBool) return v.b ? Truth::kTrue : Truth::kFalse;
  fail(ast_.node(node).span,
       "expected a boolean condition, found a value of type " + std::string(dotnetTypeName(v)));
  return Truth::kUnknown;
}

Truth Evaluator::compare(TokenKind op, const Value& a, const Value& b) const {
  if (missing(a) || missing(b)) return Truth::kUnknown;
  int c = 0;            // -1, 0, 1
  bool ordered = true;  // false: NaN or values of different types
  if (numeric(a) && numeric(b)) {
    if (a.type == Type::kLong && b.type == Type::kLong) {
      c = a.l < b.l ? -1 : (a.l > b.l ? 1 : 0);
    } else {
      double x = asDouble(a);
      double y = asDouble(b);
      if (std::isnan(x) || std::isnan(y)) {
        ordered = false;
      } else {
        c = x < y ? -1 : (x > y ? 1 : 0);
      }
    }
  } else if (a.type == Type::kString && b.type == Type::kString) {
    c = utf::compareOrdinal(a.s, b.s);
    c = c < 0 ? -1 : (c > 0 ? 1 : 0);
  } else if (a.type == Type::kBool && b.type == Type::kBool) {
    c = a.b == b.b ? 0 : (a.b ? 1 : -1);
  } else {
    ordered = false;
  }
  bool r = false;
  switch (op) {
    case TokenKind::kEq:
      r = ordered && c == 0;
      break;
    case TokenKind::kLtGt:
    case TokenKind::kBangEq:
      r = !ordered || c != 0;
      break;
    case TokenKind::kLt:
      r = ordered && c < 0;
      break;
    case TokenKind::kLe:
      r = ordered && c <= 0;
      break;
    case TokenKind::kGt:
      r = ordered && c > 0;
      break;
    case TokenKind::kGe:
      r = ordered && c >= 0;
      break;
    default:
      break;
  }
  return r ? Truth::kTrue : Truth::kFalse;
}

Value Evaluator::arithmetic(const Node& n, const Value& a, const Value& b) {
  if (missing(a) || missing(b)) return unknown();
  if (n.op == TokenKind::kPlus && (a.type == Type::kString || b.type == Type::kString)) {
    return stringValue(keep(textOf(a) + textOf(b)));
  }
  if (!numeric(a) || !numeric(b)) {
    return fail(n.op_span, "Operator '" + std::string(opText(n.op)) +
                               "' cannot be applied to operands of type '" +
                               std::string(dotnetTypeName(a)) + "' and '" +
                               std::string(dotnetTypeName(b)) + "'");
  }
  if (a.type == Type::kLong && b.type == Type::kLong) {
    // C# unchecked long arithmetic: wraps, except division and remainder by zero (and of
    // long.MinValue by -1), which throw.
    auto x = static_cast<uint64_t>(a.l);
    auto y = static_cast<uint64_t>(b.l);
    switch (n.op) {
      case TokenKind::kPlus:
        return longValue(static_cast<int64_t>(x + y));
      case TokenKind::kMinus:
        return longValue(static_cast<int64_t>(x - y));
      case TokenKind::kStar:
        return longValue(static_cast<int64_t>(x * y));
      case TokenKind::kSlash:
      case TokenKind::kPercent:
        if (b.l == 0) return fail(n.op_span, "Attempted to divide by zero.");
        if (b.l == -1 && a.l == std::numeric_limits<int64_t>::min()) {
          return fail(n.op_span, "Arithmetic operation resulted in an overflow.");
        }
        return longValue(n.op == TokenKind::kSlash ? a.l / b.l : a.l % b.l);
      default:
        break;
    }
    return unknown();
  }
  double x = asDouble(a);
  double y = asDouble(b);
  switch (n.op) {
    case TokenKind::kPlus:
      return doubleValue(x + y);
    case TokenKind::kMinus:
      return doubleValue(x - y);
    case TokenKind::kStar:
      return doubleValue(x * y);
    case TokenKind::kSlash:
      return doubleValue(x / y);
    case TokenKind::kPercent:
      return doubleValue(std::fmod(x, y));
    default:
      return unknown();
  }
}

Truth Evaluator::like(const Node& n) {
  Value v = value(n.children[0]);
  Value pattern = value(n.children[1]);
  Value escape;
  bool has_escape = n.children.size() > 2;
  if (has_escape) escape = value(n.children[2]);
  if (failed()) return Truth::kUnknown;
  if (missing(v) || missing(pattern) || (has_escape && missing(escape))) return Truth::kUnknown;
  if (v.type != Type::kString) {
    fail(ast_.node(n.children[0]).span,
         "LIKE applies to strings, found a value of type " + std::string(dotnetTypeName(v)));
    return Truth::kUnknown;
  }
  if (pattern.type != Type::kString) {
    fail(ast_.node(n.children[1]).span,
         "a LIKE pattern must be a string, found " + std::string(dotnetTypeName(pattern)));
    return Truth::kUnknown;
  }
  char32_t esc = 0;
  if (has_escape) {
    if (escape.type != Type::kString || utf::codePointCount(escape.s) != 1) {
      fail(ast_.node(n.children[2]).span, "ESCAPE needs a string of exactly one character");
      return Truth::kUnknown;
    }
    size_t i = 0;
    esc = utf::decode(escape.s, i);
  }
  bool match = likeMatch(v.s, pattern.s, esc);
  return match != n.negated ? Truth::kTrue : Truth::kFalse;
}

Truth Evaluator::condition(uint32_t index) {
  const Node& n = ast_.node(index);
  switch (n.kind) {
    case NodeKind::kAnd: {
      Truth a = condition(n.children[0]);
      if (failed() || a == Truth::kFalse) return a;
      Truth b = condition(n.children[1]);
      if (b == Truth::kFalse) return Truth::kFalse;
      return a == Truth::kTrue && b == Truth::kTrue ? Truth::kTrue : Truth::kUnknown;
    }
    case NodeKind::kOr: {
      Truth a = condition(n.children[0]);
      if (failed() || a == Truth::kTrue) return a;
      Truth b = condition(n.children[1]);
      if (b == Truth::kTrue) return Truth::kTrue;
      return a == Truth::kFalse && b == Truth::kFalse ? Truth::kFalse : Truth::kUnknown;
    }
    case NodeKind::kNot: {
      Truth a = condition(n.children[0]);
      if (a == Truth::kUnknown) return a;
      return a == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
    }
    case NodeKind::kComparison: {
      Value a = value(n.children[0]);
      Value b = value(n.children[1]);
      if (failed()) return Truth::kUnknown;
      return compare(n.op, a, b);
    }
    case NodeKind::kIn: {
      Value a = value(n.children[0]);
      if (failed() || missing(a)) return Truth::kUnknown;
      bool found = false;
      for (size_t k = 1; k < n.children.size() && !found; ++k) {
        Value item = value(n.children[k]);
        if (failed()) return Truth::kUnknown;
        found = compare(TokenKind::kEq, a, item) == Truth::kTrue;
      }
      return found != n.negated ? Truth::kTrue : Truth::kFalse;
    }
    case NodeKind::kLike:
      return like(n);
    case NodeKind::kIsNull: {
      Value a = value(n.children[0]);
      if (failed()) return Truth::kUnknown;
      return missing(a) != n.negated ? Truth::kTrue : Truth::kFalse;
    }
    case NodeKind::kExists: {
      const Node& p = ast_.node(n.children[0]);
      if (p.scope == Scope::kSys) {
        Value a = systemProperty(p.sys);
        return missing(a) ? Truth::kFalse : Truth::kTrue;
      }
      return m_.application_properties.find(p.name) != nullptr ? Truth::kTrue : Truth::kFalse;
    }
    default: {
      Value v = value(index);
      if (failed()) return Truth::kUnknown;
      return truthOf(v, index);
    }
  }
}

Value Evaluator::value(uint32_t index) {
  const Node& n = ast_.node(index);
  switch (n.kind) {
    case NodeKind::kLiteral:
      return fromProperty(n.value);
    case NodeKind::kProperty:
      return n.scope == Scope::kSys ? systemProperty(n.sys) : userProperty(n.name);
    case NodeKind::kNewId:
      return stringValue(keep(newGuid()));
    case NodeKind::kPropertyOf: {
      Value name = value(n.children[0]);
      if (failed() || missing(name)) return unknown();
      if (name.type != Type::kString) {
        return fail(ast_.node(n.children[0]).span,
                    "property() needs a string name, found " + std::string(dotnetTypeName(name)));
      }
      std::string_view s = name.s;
      if (s.size() > 4 && utf::startsWithIgnoreCase(s, "sys.")) {
        std::string_view sys = s.substr(4);
        for (uint8_t k = 0; k <= static_cast<uint8_t>(SysProperty::kDeadLetterSource); ++k) {
          auto p = static_cast<SysProperty>(k);
          if (utf::equalsIgnoreCase(sysPropertyName(p), sys) ||
              (p == SysProperty::kLabel && utf::equalsIgnoreCase(sys, "Subject"))) {
            return systemProperty(p);
          }
        }
        return fail(n.span, "the system property '" + std::string(s) + "' does not exist");
      }
      if (s.size() > 5 && utf::startsWithIgnoreCase(s, "user.")) s = s.substr(5);
      return userProperty(s);
    }
    case NodeKind::kNegate:
    case NodeKind::kUnaryPlus: {
      Value a = value(n.children[0]);
      if (failed() || missing(a)) return unknown();
      if (!numeric(a)) {
        return fail(n.op_span, "Operator '" + std::string(n.kind == NodeKind::kNegate ? "-" : "+") +
                                   "' cannot be applied to operand of type '" +
                                   std::string(dotnetTypeName(a)) + "'");
      }
      if (n.kind == NodeKind::kUnaryPlus) return a;
      if (a.type == Type::kLong)
        return longValue(static_cast<int64_t>(0 - static_cast<uint64_t>(a.l)));
      return doubleValue(-a.d);
    }
    case NodeKind::kArithmetic: {
      Value a = value(n.children[0]);
      Value b = value(n.children[1]);
      if (failed()) return unknown();
      return arithmetic(n, a, b);
    }
    default: {
      // A condition used as a value (a boolean).
      Truth t = condition(index);
      if (t == Truth::kUnknown) return unknown();
      return boolValue(t == Truth::kTrue);
    }
  }
}

}  // namespace routesim::endpoints::servicebus::sql
