// Parser of routing conditions (query-language.md §2): precedence climbing over the table
// prefix -/NOT > * / % > + - || > < <= > >= > = != <> > AND > OR > ??, all binary operators
// left-associative. Unlike the peer, tokens left over after a complete expression are an error.
#pragma once

#include <string_view>

#include "core/common/error.h"
#include "core/query/ast.h"

namespace routesim::query {

// Parses `text`; the first syntax error is returned with its span (ErrorCode::kSyntax).
Result<Ast> parse(std::string_view text);

}  // namespace routesim::query
