#include "core/query/value.h"

namespace routesim::query {

std::string_view staticTypeName(StaticType type) {
  switch (type) {
    case StaticType::kNumber:
      return "number";
    case StaticType::kString:
      return "string";
    case StaticType::kBool:
      return "bool";
    case StaticType::kNull:
      return "null";
    case StaticType::kUndefined:
      return "undefined";
    case StaticType::kDynamic:
      return "dynamic";
  }
  return "unknown";
}

std::string_view triStateName(TriState t) {
  switch (t) {
    case TriState::kFalse:
      return "false";
    case TriState::kTrue:
      return "true";
    case TriState::kUndefined:
      return "undefined";
  }
  return "undefined";
}

}  // namespace routesim::query
