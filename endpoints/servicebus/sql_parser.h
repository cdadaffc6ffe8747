// Parser of Service Bus SQL filters and rule actions (learn.microsoft.com "Subscription Rule SQL
// Filter Syntax" and "SQL Action Syntax"). Precedence, loosest first: OR, AND, NOT, the
// predicates (comparison, [NOT] IN, [NOT] LIKE ... ESCAPE, IS [NOT] NULL, EXISTS), + -, * / %,
// unary + -. Shapes known before evaluation are checked here: a condition where a value belongs
// (or the reverse) is a compile error, as are unknown system properties and functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/common/error.h"
#include "endpoints/servicebus/sql_ast.h"

namespace routesim::endpoints::servicebus::sql {

// Service Bus quotas: "Size of SQL filters or actions: maximum length of filter condition
// string: 1024 (1K)" and "Number of expressions per action: 32".
inline constexpr size_t kMaxExpressionLength = 1024;
inline constexpr size_t kMaxActionStatements = 32;
// Parentheses, NOT, signs and function arguments nested deeper than this are refused: the
// parser and the evaluator recurse. Chains of binary operators (a = 1 OR a = 2 OR ...) do not
// nest; kMaxExpressionLength bounds how deep their trees grow.
inline constexpr uint32_t kMaxDepth = 128;

// Parses a filter condition into ast.root. Errors carry the span of the offending text:
// ErrorCode::kSyntax for grammar, kType for a value where a condition belongs (and the reverse),
// kInvalidInput for unknown system properties and parameters, kUnknownFunction, kLimit.
Result<Ast> parseFilter(std::string_view text);

// Parses a rule action: SET <property> = <expression> and REMOVE <property> statements, each
// optionally followed by ';'. Only writable system properties may be targets.
Result<Ast> parseAction(std::string_view text);

}  // namespace routesim::endpoints::servicebus::sql
