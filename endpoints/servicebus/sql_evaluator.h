// Evaluates a parsed SQL filter or action against one message, with the documented semantics: a
// missing user property is unknown, AND / OR / NOT are three-valued, operators bind as C# binds
// them (long and double promote; + joins strings). What C# cannot bind or compute (arithmetic on
// mismatched types, integer division by zero, LIKE on a number ...) is an evaluation error, Service
// Bus' FilterException. Comparisons of values of different types are not errors: = and IN find
// no match, <> and != are true, ordering is false (routesim's reading; see the docs).
#pragma once

#include <cstdint>
#include <forward_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "endpoints/servicebus/brokered_message.h"
#include "endpoints/servicebus/sql_ast.h"

namespace routesim::endpoints::servicebus::sql {

enum class Truth : uint8_t { kFalse, kTrue, kUnknown };

std::string_view truthName(Truth t);  // "false", "true", "unknown"

// A value during evaluation. Strings point into the message, the tree or the evaluator.
struct Value {
  enum class Type : uint8_t { kUnknown, kNull, kBool, kLong, kDouble, kString };
  Type type = Type::kUnknown;
  bool b = false;
  int64_t l = 0;
  double d = 0;
  std::string_view s;
};

// One evaluation: not thread-safe, cheap to construct. Strings it computes live as long as it.
class Evaluator {
 public:
  Evaluator(const Ast& ast, const BrokeredMessage& message) : ast_(ast), m_(message) {}

  // The condition at `node` as a truth value; check failed() afterwards.
  Truth condition(uint32_t node);
  // The value at `node`; check failed() afterwards.
  Value value(uint32_t node);

  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  Value fail(SourceSpan span, std::string message);
  Truth truthOf(const Value& v, uint32_t node);
  Value systemProperty(SysProperty p);
  Value userProperty(std::string_view name);
  Value arithmetic(const Node& n, const Value& a, const Value& b);
  Truth compare(TokenKind op, const Value& a, const Value& b) const;
  Truth like(const Node& n);
  std::string_view keep(std::string s);

  const Ast& ast_;
  const BrokeredMessage& m_;
  std::forward_list<std::string> strings_;  // stable addresses; allocates only when used
  std::optional<Error> error_;
};

// .NET's name of the value's type, for error messages ("System.String", "System.Int64" ...).
std::string_view dotnetTypeName(const Value& v);

// SQL LIKE: % any run of characters, _ any one character (code points), `escape` (0: none)
// makes the next pattern character literal. Case-sensitive.
bool likeMatch(std::string_view value, std::string_view pattern, char32_t escape);

}  // namespace routesim::endpoints::servicebus::sql
