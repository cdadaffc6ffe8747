// Fuzzes the scenario loader (routesim run's input): the top level, the resources read into the
// routing and policy models, devices, traffic with payload templates, the timeline and the
// expectations. Any crash or sanitizer report is a finding, as is an issue whose offset points
// outside the text; a loaded scenario's payload generators must run.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace routesim;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  scenario::LoadedScenario loaded = scenario::readScenario(text);
  for (const auto& item : loaded.file_issues.items()) {
    if (item.offset > size) std::abort();
  }
  for (const auto& item : loaded.deployment_errors) {
    if (item.offset > size) std::abort();
  }
  (void)loaded.file_issues.format("fuzz.json", text);
  // Generate a few payloads of every traffic entry for its group's first devices.
  for (const scenario::TrafficSpec& t : loaded.scenario.traffic) {
    scenario::Rng rng = scenario::Rng::stream(loaded.scenario.seed, scenario::Rng::key(t.group));
    scenario::VariableState state;
    std::string body;
    for (int i = 0; i < 4; ++i) {
      t.payload.generate(rng, state, {"device", static_cast<uint64_t>(i) * 1000000000ULL}, body);
      if (body.size() > (1u << 24)) std::abort();
    }
  }
  return 0;
}
