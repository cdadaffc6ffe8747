// Binder: resolves a parse tree into a typed expression tree. Gives every node its static type,
// rejects operands and arguments of the wrong type (the compile errors of query-language.md §3.1
// and §5, e.g. `key2 = 3`), resolves properties and $body / $twin paths to catalog inputs, picks
// each operator's run-time domain, and folds constant sub-expressions.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/message/message.h"
#include "core/query/ast.h"
#include "core/query/input.h"
#include "core/query/ops.h"
#include "core/query/value.h"

namespace routesim::query {

enum class BoundKind : uint8_t {
  kConstant,
  kInput,  // input slot
  kNegate,
  kNot,
  kArith,     // arith
  kCompare,   // cmp, domain
  kAnd,       // dynamic
  kOr,        // dynamic
  kCoalesce,  // domain
  kCall,      // fn
};

struct BoundExpr {
  BoundKind kind = BoundKind::kConstant;
  StaticType type = StaticType::kUndefined;
  Value constant;
  uint32_t input = 0;
  ArithOp arith = ArithOp::kAdd;
  CompareOp cmp = CompareOp::kEq;
  StaticType domain = StaticType::kUndefined;
  bool dynamic = false;
  Builtin fn = Builtin::kAbs;
  SourceSpan span;
  std::vector<std::unique_ptr<BoundExpr>> children;
};

// Stable storage for string constants (unescaped literals, folded results).
class StringPool {
 public:
  std::string_view store(std::string_view s) { return strings_.emplace_back(s); }

 private:
  std::deque<std::string> strings_;
};

struct CompileOptions {
  // The route's source: twin_change_includes exists only on TwinChangeEvents routes.
  message::MessageSource source = message::MessageSource::kDeviceMessages;
};

struct BoundCondition {
  std::unique_ptr<BoundExpr> root;  // null for an empty condition (undefined)
  StaticType type = StaticType::kUndefined;
  std::shared_ptr<StringPool> pool;
};

// Binds `ast` (parsed from `text`), interning its inputs in `catalog`. The first error in the
// peer's order (operands before their operator) is returned with its span.
Result<BoundCondition> bind(std::string_view text, const Ast& ast, const CompileOptions& options,
                            InputCatalog& catalog);

}  // namespace routesim::query
