// Fuzzes the readers of the resources a hub sends to: ARM templates and resources arrays
// (storage accounts, Event Hubs and Service Bus namespaces with their children) and the official
// emulators' Config.json (comments allowed), as `routesim bench --resources` and scenarios read
// them. Any crash or sanitizer report is a finding, as is an issue whose offset points outside
// the text.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/common/config_issues.h"
#include "endpoints/registry/emulators.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  routesim::endpoints::EmulatorResources resources;
  routesim::ConfigIssues issues;
  routesim::endpoints::readResourceFile(text, "fuzz.json", resources, issues);
  for (const auto& item : issues.items()) {
    if (item.offset > size) std::abort();
  }
  (void)issues.format("fuzz.json", text);
  return 0;
}
