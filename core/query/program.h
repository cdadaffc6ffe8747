// A compiled routing condition: a flat, immutable register program built once from the bound
// tree. evaluate() is const and thread-safe (all mutable state is in the caller's
// MessageContext) and does not allocate once the scratch has grown to size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/query/binder.h"
#include "core/query/input.h"
#include "core/query/ops.h"
#include "core/query/value.h"

namespace routesim::query {

class Program {
 public:
  // Flattens a bound condition. The condition's string pool is shared, not copied.
  static Program fromBound(const BoundCondition& bound);

  // The condition's tri-state result for the message behind `context`.
  TriState evaluate(MessageContext& context) const;

  StaticType resultType() const { return type_; }
  size_t instructionCount() const { return code_.size(); }
  // A readable listing of the instructions, for tests and `routesim eval --explain`.
  std::string disassemble() const;

 private:
  enum class OpCode : uint8_t {
    kLoadInput,          // dst = input(a)
    kNegate,             // dst = -a
    kNot,                // dst = NOT a
    kArith,              // dst = a (sub) b
    kCompare,            // dst = a (sub) b in domain
    kAndShort,           // if a is false: dst = false, jump to target
    kOrShort,            // if a is true: dst = true, jump to target
    kAnd,                // dst = a AND b
    kOr,                 // dst = a OR b
    kCoalesce,           // dst = a ?? b in domain
    kCall,               // dst = fn(args[a .. a+b))
    kCompareInputConst,  // dst = input(a) (sub) constants[b] in domain: the common route shape
  };

  struct Instr {
    OpCode op;
    uint8_t sub = 0;  // ArithOp, CompareOp or Builtin
    StaticType domain = StaticType::kUndefined;
    bool dynamic = false;
    uint32_t dst = 0;
    uint32_t a = 0;
    uint32_t b = 0;
    uint32_t target = 0;  // jump target for short-circuits
  };

  // Operand references: a register index, or a constant with kConstant set.
  static constexpr uint32_t kConstant = 0x80000000u;

  uint32_t emit(const BoundExpr& e);
  uint32_t newRegister() { return register_count_++; }

  std::vector<Instr> code_;
  std::vector<Value> constants_;
  std::vector<uint32_t> args_;
  uint32_t register_count_ = 0;
  uint32_t result_ = 0;
  StaticType type_ = StaticType::kUndefined;
  // A condition that folded to a constant (or is empty) has no code.
  bool is_constant_ = true;
  TriState constant_result_ = TriState::kUndefined;
  std::shared_ptr<StringPool> pool_;
};

}  // namespace routesim::query
