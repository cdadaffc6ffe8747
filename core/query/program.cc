#include "core/query/program.h"

#include <array>

namespace routesim::query {
namespace {

// The operator that gives the same result with its operands exchanged (c < x  <=>  x > c).
CompareOp mirror(CompareOp op) {
  switch (op) {
    case CompareOp::kLt:
      return CompareOp::kGt;
    case CompareOp::kLe:
      return CompareOp::kGe;
    case CompareOp::kGt:
      return CompareOp::kLt;
    case CompareOp::kGe:
      return CompareOp::kLe;
    default:
      return op;
  }
}

// compare() for the shapes routes use most, inlined; anything else goes to compare().
inline Value compareFast(StaticType domain, CompareOp op, const Value& x, const Value& c) {
  if (x.kind == c.kind) {
    if (x.kind == Kind::kNumber)
      return truthOfOrder(op, x.number < c.number ? -1 : (x.number > c.number ? 1 : 0));
    if (x.kind == Kind::kString && (op == CompareOp::kEq || op == CompareOp::kNe)) {
      return Value::ofBool((x.string == c.string) == (op == CompareOp::kEq));
    }
  } else if (x.kind == Kind::kUndefined) {
    return {};
  }
  return compare(domain, op, x, c);
}

// Stores a bool-or-undefined result by its two meaningful fields: copying a whole 32-byte
// Value built piecewise on the stack stalls store-to-load forwarding.
inline void setTruth(Value& dst, const Value& v) {
  dst.kind = v.kind;
  dst.boolean = v.boolean;
}

}  // namespace

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
    case BoundKind::kCompare: {
      in.sub = static_cast<uint8_t>(e.cmp);
      in.domain = e.domain;
      const BoundExpr& l = *e.children[0];
      const BoundExpr& r = *e.children[1];
      // `property = 'x'`, `$body.t > 30` (either side): one instruction, no register traffic.
      if ((l.kind == BoundKind::kInput && r.kind == BoundKind::kConstant) ||
          (r.kind == BoundKind::kInput && l.kind == BoundKind::kConstant)) {
        bool swapped = l.kind == BoundKind::kConstant;
        in.op = OpCode::kCompareInputConst;
        in.a = swapped ? r.input : l.input;
        in.b = emit(swapped ? l : r) & ~kConstant;
        if (swapped) in.sub = static_cast<uint8_t>(mirror(e.cmp));
        break;
      }
      in.op = OpCode::kCompare;
      in.a = emit(l);
      in.b = emit(r);
      break;
    }
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
  if (code_.size() == 1 && code_[0].op == OpCode::kCompareInputConst) {
    // The most common route, `property = 'x'` or `$body.t > 30`: no loop, no registers.
    const Instr& in = code_[0];
    Value v = compareFast(in.domain, static_cast<CompareOp>(in.sub), context.input(in.a),
                          constants_[in.b]);
    return v.kind == Kind::kBool ? (v.boolean ? TriState::kTrue : TriState::kFalse)
                                 : TriState::kUndefined;
  }
  std::span<Value> regs = context.registers(register_count_);
  auto operand = [&](uint32_t ref) -> const Value& {
    return (ref & kConstant) ? constants_[ref & ~kConstant] : regs[ref];
  };
  // Direct threading (GCC's labels as values): one indirect jump per instruction site
  // predicts far better than one shared switch jump.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
  static constexpr void* kLabels[] = {
      &&load_input, &&op_negate, &&op_not, &&op_arith,    &&op_compare, &&and_short,
      &&or_short,   &&op_and,    &&op_or,  &&op_coalesce, &&op_call,    &&compare_input_const};
  const Instr* code = code_.data();
  const Instr* end = code + code_.size();
  const Instr* in = code;
#define ROUTESIM_NEXT()                      \
  do {                                       \
    if (++in == end) goto done;              \
    goto* kLabels[static_cast<int>(in->op)]; \
  } while (false)
  goto* kLabels[static_cast<int>(in->op)];
load_input:
  regs[in->dst] = context.input(in->a);
  ROUTESIM_NEXT();
op_negate:
  regs[in->dst] = negate(operand(in->a));
  ROUTESIM_NEXT();
op_not:
  regs[in->dst] = logicalNot(operand(in->a), in->dynamic);
  ROUTESIM_NEXT();
op_arith:
  regs[in->dst] = arithmetic(static_cast<ArithOp>(in->sub), operand(in->a), operand(in->b));
  ROUTESIM_NEXT();
op_compare:
  setTruth(regs[in->dst],
           compare(in->domain, static_cast<CompareOp>(in->sub), operand(in->a), operand(in->b)));
  ROUTESIM_NEXT();
compare_input_const:
  setTruth(regs[in->dst], compareFast(in->domain, static_cast<CompareOp>(in->sub),
                                      context.input(in->a), constants_[in->b]));
  ROUTESIM_NEXT();
and_short:
  if (operand(in->a).isBool(false)) {
    setTruth(regs[in->dst], Value::ofBool(false));
    in = code + in->target - 1;
  }
  ROUTESIM_NEXT();
or_short:
  if (operand(in->a).isBool(true)) {
    setTruth(regs[in->dst], Value::ofBool(true));
    in = code + in->target - 1;
  }
  ROUTESIM_NEXT();
op_and:
  setTruth(regs[in->dst], logicalAnd(operand(in->a), operand(in->b), in->dynamic));
  ROUTESIM_NEXT();
op_or:
  setTruth(regs[in->dst], logicalOr(operand(in->a), operand(in->b), in->dynamic));
  ROUTESIM_NEXT();
op_coalesce:
  regs[in->dst] = coalesce(in->domain, operand(in->a), operand(in->b));
  ROUTESIM_NEXT();
op_call : {
  std::array<Value, 8> inline_args;
  std::vector<Value> many;
  std::span<Value> args;
  if (in->b <= inline_args.size()) {
    args = std::span<Value>(inline_args.data(), in->b);
  } else {
    many.resize(in->b);
    args = many;
  }
  for (uint32_t k = 0; k < in->b; ++k) args[k] = operand(args_[in->a + k]);
  regs[in->dst] = call(static_cast<Builtin>(in->sub), args, context.arena());
}
  ROUTESIM_NEXT();
#undef ROUTESIM_NEXT
#pragma GCC diagnostic pop
done:
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
      case OpCode::kCompareInputConst:
        out += " #" + std::to_string(in.a) + ", c" + std::to_string(in.b);
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
