#include "core/query/program.h"

#include <array>

namespace routesim::query {

Program Program::fromBound(const BoundCondition& bound) {
  Program p;
  p.pool_ = bound.pool;
  p.type_ = bound.type;
  if (!bound.root) return p;  // empty condition: undefined
  if (bound.root->kind == BoundKind::kConstant) {
    p.constant_result_ = finalResult(bound.type, bound.root->constant);
    return p;
  }
  p.is_constant_ = false;
  p.result_ = p.emit(*bound.root);
  if (p.result_ & kConstant) {  // cannot happen for a non-constant root; keep it total
    p.is_constant_ = true;
    p.constant_result_ = finalResult(bound.type, p.constants_[p.result_ & ~kConstant]);
  }
  return p;
}

uint32_t Program::emit(const BoundExpr& e) {
  if (e.kind == BoundKind::kConstant) {
    constants_.push_back(e.constant);
    return static_cast<uint32_t>(constants_.size() - 1) | kConstant;
  }
  Instr in;
  switch (e.kind) {
    case BoundKind::kInput:
      in.op = OpCode::kLoadInput;
      in.a = e.input;
      break;
    case BoundKind::kNegate:
      in.op = OpCode::kNegate;
      in.a = emit(*e.children[0]);
      break;
    case BoundKind::kNot:
      in.op = OpCode::kNot;
      in.dynamic = e.dynamic;
      in.a = emit(*e.children[0]);
      break;
    case BoundKind::kArith:
      in.op = OpCode::kArith;
      in.sub = static_cast<uint8_t>(e.arith);
      in.a = emit(*e.children[0]);
      in.b = emit(*e.children[1]);
      break;
    case BoundKind::kCompare:
      in.op = OpCode::kCompare;
      in.sub = static_cast<uint8_t>(e.cmp);
      in.domain = e.domain;
      in.a = emit(*e.children[0]);
      in.b = emit(*e.children[1]);
      break;
    case BoundKind::kCoalesce:
      in.op = OpCode::kCoalesce;
      in.domain = e.domain;
      in.a = emit(*e.children[0]);
      in.b = emit(*e.children[1]);
      break;
    case BoundKind::kAnd:
    case BoundKind::kOr: {
      bool is_and = e.kind == BoundKind::kAnd;
      uint32_t left = emit(*e.children[0]);
      uint32_t dst = newRegister();
      size_t short_at = code_.size();
      if (!e.dynamic) {
        // Bool logic: `false AND x` and `true OR x` do not need x (it has no side effects).
        Instr sc;
        sc.op = is_and ? OpCode::kAndShort : OpCode::kOrShort;
        sc.a = left;
        sc.dst = dst;
        code_.push_back(sc);
      }
      uint32_t right = emit(*e.children[1]);
      in.op = is_and ? OpCode::kAnd : OpCode::kOr;
      in.dynamic = e.dynamic;
      in.a = left;
      in.b = right;
      in.dst = dst;
      code_.push_back(in);
      if (!e.dynamic) code_[short_at].target = static_cast<uint32_t>(code_.size());
      return dst;
    }
    case BoundKind::kCall: {
      std::vector<uint32_t> refs;
      for (const auto& c : e.children) refs.push_back(emit(*c));
      in.op = OpCode::kCall;
      in.sub = static_cast<uint8_t>(e.fn);
      in.a = static_cast<uint32_t>(args_.size());
      in.b = static_cast<uint32_t>(refs.size());
      args_.insert(args_.end(), refs.begin(), refs.end());
      break;
    }
    case BoundKind::kConstant:
      break;
  }
  in.dst = newRegister();
  code_.push_back(in);
  return in.dst;
}

TriState Program::evaluate(MessageContext& context) const {
  if (is_constant_) return constant_result_;
  std::span<Value> regs = context.registers(register_count_);
  auto operand = [&](uint32_t ref) -> const Value& {
    return (ref & kConstant) ? constants_[ref & ~kConstant] : regs[ref];
  };
  const size_t n = code_.size();
  for (size_t pc = 0; pc < n; ++pc) {
    const Instr& in = code_[pc];
    switch (in.op) {
      case OpCode::kLoadInput:
        regs[in.dst] = context.input(in.a);
        break;
      case OpCode::kNegate:
        regs[in.dst] = negate(operand(in.a));
        break;
      case OpCode::kNot:
        regs[in.dst] = logicalNot(operand(in.a), in.dynamic);
        break;
      case OpCode::kArith:
        regs[in.dst] = arithmetic(static_cast<ArithOp>(in.sub), operand(in.a), operand(in.b));
        break;
      case OpCode::kCompare:
        regs[in.dst] =
            compare(in.domain, static_cast<CompareOp>(in.sub), operand(in.a), operand(in.b));
        break;
      case OpCode::kAndShort:
        if (operand(in.a).isBool(false)) {
          regs[in.dst] = Value::ofBool(false);
          pc = in.target - 1;
        }
        break;
      case OpCode::kOrShort:
        if (operand(in.a).isBool(true)) {
          regs[in.dst] = Value::ofBool(true);
          pc = in.target - 1;
        }
        break;
      case OpCode::kAnd:
        regs[in.dst] = logicalAnd(operand(in.a), operand(in.b), in.dynamic);
        break;
      case OpCode::kOr:
        regs[in.dst] = logicalOr(operand(in.a), operand(in.b), in.dynamic);
        break;
      case OpCode::kCoalesce:
        regs[in.dst] = coalesce(in.domain, operand(in.a), operand(in.b));
        break;
      case OpCode::kCall: {
        std::array<Value, 8> inline_args;
        std::vector<Value> many;
        std::span<Value> args;
        if (in.b <= inline_args.size()) {
          args = std::span<Value>(inline_args.data(), in.b);
        } else {
          many.resize(in.b);
          args = many;
        }
        for (uint32_t k = 0; k < in.b; ++k) args[k] = operand(args_[in.a + k]);
        regs[in.dst] = call(static_cast<Builtin>(in.sub), args, context.arena());
        break;
      }
    }
  }
  return finalResult(type_, operand(result_));
}

std::string Program::disassemble() const {
  static constexpr std::array<const char*, 11> kNames = {
      "load_input", "negate", "not", "arith",    "compare", "and_short",
      "or_short",   "and",    "or",  "coalesce", "call"};
  std::string out;
  auto ref = [&](uint32_t r) {
    return (r & kConstant) ? "c" + std::to_string(r & ~kConstant) : "r" + std::to_string(r);
  };
  for (size_t i = 0; i < code_.size(); ++i) {
    const Instr& in = code_[i];
    out += std::to_string(i) + ": r" + std::to_string(in.dst) + " = " +
           kNames[static_cast<size_t>(in.op)];
    switch (in.op) {
      case OpCode::kLoadInput:
        out += " #" + std::to_string(in.a);
        break;
      case OpCode::kCall:
        out += " fn" + std::to_string(in.sub) + "(";
        for (uint32_t k = 0; k < in.b; ++k) out += (k ? ", " : "") + ref(args_[in.a + k]);
        out += ")";
        break;
      case OpCode::kAndShort:
      case OpCode::kOrShort:
        out += " " + ref(in.a) + " -> " + std::to_string(in.target);
        break;
      case OpCode::kNegate:
      case OpCode::kNot:
        out += " " + ref(in.a);
        break;
      default:
        out += " " + ref(in.a) + ", " + ref(in.b);
    }
    out += "\n";
  }
  return out;
}

}  // namespace routesim::query
