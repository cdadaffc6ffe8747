// Fuzzes `routesim check` (its input is a scenario file): the loader, then the checker on what
// loads (deployment, ingress for every device, egress for every endpoint, routes on a sample of
// the traffic). Any crash or sanitizer report is a finding, as is a finding whose offset points
// outside the text or that has no code, path or message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/scenario/scenario.h"
#include "tools/runner/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace routesim;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  scenario::LoadedScenario loaded = scenario::readScenario(text);
  if (!loaded.fileOk()) return 0;
  // Groups of millions of devices are valid; keep an input's work bounded.
  uint64_t devices = 0;
  for (const scenario::DeviceGroup& g : loaded.scenario.devices) devices += g.count;
  if (devices > 100000) return 0;
  runner::CheckOptions options;
  options.sample_per_traffic = 20;
  for (const runner::Finding& f : runner::checkScenario(loaded, options)) {
    if (f.offset > size || f.code.empty() || f.path.empty() || f.message.empty()) std::abort();
  }
  (void)runner::findingsSarif(runner::checkScenario(loaded, options), "fuzz.json", text);
  return 0;
}
