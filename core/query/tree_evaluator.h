// The naive way to evaluate a condition, kept as the baseline the compiled Program is measured
// against (bench/) and as an independent second evaluator for differential tests: walks the
// bound tree recursively, looks every property up by name at each use and re-parses the body
// for every $body reference. Shares only the operator semantics (ops.h) with Program.
#pragma once

#include <memory>
#include <vector>

#include "core/message/json_reader.h"
#include "core/message/message.h"
#include "core/query/binder.h"
#include "core/query/input.h"

namespace routesim::query {

class TreeEvaluator {
 public:
  TreeEvaluator(const BoundCondition& bound, const InputCatalog& catalog);
  ~TreeEvaluator();

  TriState evaluate(const message::Message& message);

 private:
  Value eval(const BoundExpr& e, const message::Message& m);
  Value input(uint32_t slot, const message::Message& m);
  Value path(bool body, uint32_t slot, const message::Message& m, bool twin_change);

  const BoundCondition& bound_;
  const InputCatalog& catalog_;
  message::JsonReader reader_;
  // One single-path set per catalog slot, read on its own each time it is used.
  std::vector<std::unique_ptr<message::PathSet>> single_paths_;
  std::vector<message::JsonScalar> out_;
  StringArena arena_;
};

}  // namespace routesim::query
