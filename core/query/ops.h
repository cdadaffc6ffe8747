// Run-time semantics of the condition language's operators and built-in functions
// (query-language.md §3.2, §5). One implementation shared by the compiled program, constant
// folding and the reference tree evaluator, so the three cannot disagree. All functions are
// pure; string results are written to the caller's arena.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/query/string_arena.h"
#include "core/query/value.h"

namespace routesim::query {

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod };

// The bool an operator gives for a three-way order (negative, zero, positive). Inline: the
// interpreter's fast paths use it too.
inline Value truthOfOrder(CompareOp op, int order) {
  switch (op) {
    case CompareOp::kEq:
      return Value::ofBool(order == 0);
    case CompareOp::kNe:
      return Value::ofBool(order != 0);
    case CompareOp::kLt:
      return Value::ofBool(order < 0);
    case CompareOp::kLe:
      return Value::ofBool(order <= 0);
    case CompareOp::kGt:
      return Value::ofBool(order > 0);
    case CompareOp::kGe:
      return Value::ofBool(order >= 0);
  }
  return {};
}

// Comparison in the domain the binder chose from the operands' static types: kNumber,
// kString, kBool, kNull, kUndefined, or kDynamic when either side is a $body / $twin value.
Value compare(StaticType domain, CompareOp op, const Value& a, const Value& b);

// IEEE arithmetic: defined when both operands are numbers (static, or JSON numbers for
// dynamic operands); a NaN result is undefined.
Value arithmetic(ArithOp op, const Value& a, const Value& b);
Value negate(const Value& a);

// NOT of a bool or null (-> true) value; `dynamic`: defined only for a JSON boolean.
Value logicalNot(const Value& a, bool dynamic);
// Three-valued AND / OR of bool values (undefined-typed operands are the undefined bool);
// `dynamic`: defined only when both operands are JSON booleans.
Value logicalAnd(const Value& a, const Value& b, bool dynamic);
Value logicalOr(const Value& a, const Value& b, bool dynamic);

// `a ?? b` in the given domain: a when a is defined (JSON null counts as defined), else b.
Value coalesce(StaticType domain, const Value& a, const Value& b);

// is_defined: false for undefined (a missing property, NaN, the undefined bool, an unreadable
// body) and for JSON objects and arrays; a null-valued property and JSON null are defined.
bool isDefined(const Value& a);

enum class Builtin : uint8_t {
  kAbs,
  kExp,
  kPower,
  kSquare,
  kSqrt,
  kCeiling,
  kFloor,
  kSign,
  kAsNumber,
  kIsBool,        // on a non-bool static type: true only for a JSON boolean
  kIsBoolOnBool,  // on a bool-typed argument: undefined for the undefined bool
  kIsDefined,
  kIsNull,
  kIsNumber,
  kIsString,
  kIsArray,
  kIsObject,
  kIsPrimitive,
  kConcat,
  kLength,
  kLower,
  kUpper,
  kSubstring,
  kIndexOf,
  kStartsWith,
  kEndsWith,
  kContains,
  kTwinChangeIncludes,  // evaluated from its path slot, never through call()
  // Internal: a dynamic argument where a string is expected. A JSON string passes; any other
  // kind, JSON null included, is undefined (only a null-valued *property* is a null string).
  kStringOfDynamic,
};

// Calls a built-in on already-evaluated arguments (arity checked by the binder).
Value call(Builtin fn, std::span<const Value> args, StringArena& arena);

// The truth value of a condition's result, reduced by its static type (§3.2 "Final result").
TriState finalResult(StaticType type, const Value& v);

}  // namespace routesim::query
