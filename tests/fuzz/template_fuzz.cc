// Fuzzes the ARM template reader (`routesim check template.json`): the template language's
// parser and evaluator over parameters, variables and resources. Any crash or sanitizer report
// is a finding, as is an issue whose offset points outside the text or an expansion that is not
// JSON.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/common/json.h"
#include "core/scenario/arm_template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace routesim;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto root = json::parse(text);
  if (!root.ok()) return 0;
  ConfigIssues issues;
  auto expanded = scenario::expandTemplate(*root, nullptr, {}, issues);
  for (const auto& item : issues.items()) {
    if (item.offset > size) std::abort();
  }
  if (expanded && !json::parse(expanded->resources).ok()) std::abort();
  return 0;
}
