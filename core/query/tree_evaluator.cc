#include "core/query/tree_evaluator.h"

namespace routesim::query {
namespace {

Value propertyValue(const message::Property* p) {
  if (p == nullptr) return Value::undefined();
  if (!p->value) return Value::null();
  return Value::ofString(*p->value);
}

}  // namespace

TreeEvaluator::TreeEvaluator(const BoundCondition& bound, const InputCatalog& catalog)
    : bound_(bound), catalog_(catalog), out_(1) {
  for (const InputSlot& s : catalog.slots()) {
    if (s.kind == InputKind::kBodyPath || s.kind == InputKind::kTwinChange) {
      auto set = std::make_unique<message::PathSet>(message::PathSet::KeyMatch::kExact);
      set->add(catalog.bodyPaths().pathOf(s.path));
      single_paths_.push_back(std::move(set));
    } else if (s.kind == InputKind::kTwinPath) {
      auto set = std::make_unique<message::PathSet>(message::PathSet::KeyMatch::kIgnoreCase);
      set->add(catalog.twinPaths().pathOf(s.path));
      single_paths_.push_back(std::move(set));
    } else {
      single_paths_.push_back(nullptr);
    }
  }
}

TreeEvaluator::~TreeEvaluator() = default;

TriState TreeEvaluator::evaluate(const message::Message& message) {
  arena_.reset();
  if (!bound_.root) return TriState::kUndefined;
  return finalResult(bound_.type, eval(*bound_.root, message));
}

Value TreeEvaluator::path(bool body, uint32_t slot, const message::Message& m, bool twin_change) {
  const message::PathSet& set = *single_paths_[slot];
  bool ok = false;
  if (body) {
    if (auto text = reader_.jsonBody(m))
      ok = reader_.extract(text->text, text->capacity, set, out_);
  } else if (m.twin) {
    ok = reader_.extract(m.twin->view(), m.twin->capacity(), set, out_);
  }
  if (!ok) return Value::undefined();
  const message::JsonScalar& s = out_[0];
  if (twin_change) return Value::ofBool(s.kind != message::JsonKind::kMissing);
  switch (s.kind) {
    case message::JsonKind::kMissing:
    case message::JsonKind::kNull:
      return Value::null();
    case message::JsonKind::kBool:
      return Value::ofBool(s.boolean);
    case message::JsonKind::kNumber:
      return Value::ofNumber(s.number);
    case message::JsonKind::kString:
      return Value::ofString(arena_.store(s.string));
    case message::JsonKind::kObject:
      return Value{Kind::kObject, false, 0, {}};
    case message::JsonKind::kArray:
      return Value{Kind::kArray, false, 0, {}};
    case message::JsonKind::kUndefined:
      break;
  }
  return Value::undefined();
}

Value TreeEvaluator::input(uint32_t slot, const message::Message& m) {
  const InputSlot& s = catalog_.slots()[slot];
  switch (s.kind) {
    case InputKind::kAppProperty:
      return propertyValue(m.app_properties.find(s.name));
    case InputKind::kSystemProperty:
      return propertyValue(m.system_properties.find(s.name));
    case InputKind::kDollarProperty:
      if (const message::Property* p = m.app_properties.find(s.app_name)) return propertyValue(p);
      return propertyValue(m.system_properties.find(s.name));
    case InputKind::kBodyPath:
    case InputKind::kTwinPath:
      if (!s.app_name.empty()) {
        if (const message::Property* p = m.app_properties.find(s.app_name)) return propertyValue(p);
      }
      return path(s.kind == InputKind::kBodyPath, slot, m, false);
    case InputKind::kTwinChange:
      return path(true, slot, m, true);
  }
  return Value::undefined();
}

Value TreeEvaluator::eval(const BoundExpr& e, const message::Message& m) {
  const auto& c = e.children;
  switch (e.kind) {
    case BoundKind::kConstant:
      return e.constant;
    case BoundKind::kInput:
      return input(e.input, m);
    case BoundKind::kNegate:
      return negate(eval(*c[0], m));
    case BoundKind::kNot:
      return logicalNot(eval(*c[0], m), e.dynamic);
    case BoundKind::kArith:
      return arithmetic(e.arith, eval(*c[0], m), eval(*c[1], m));
    case BoundKind::kCompare:
      return compare(e.domain, e.cmp, eval(*c[0], m), eval(*c[1], m));
    case BoundKind::kAnd:
      return logicalAnd(eval(*c[0], m), eval(*c[1], m), e.dynamic);
    case BoundKind::kOr:
      return logicalOr(eval(*c[0], m), eval(*c[1], m), e.dynamic);
    case BoundKind::kCoalesce:
      return coalesce(e.domain, eval(*c[0], m), eval(*c[1], m));
    case BoundKind::kCall: {
      std::vector<Value> args;
      for (const auto& a : c) args.push_back(eval(*a, m));
      return call(e.fn, args, arena_);
    }
  }
  return Value::undefined();
}

}  // namespace routesim::query
