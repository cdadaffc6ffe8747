// Replay speed of `routesim run` (bench/RESULTS.md, replay section): runner::runScenario on a
// bundled scenario, as `routesim run --quiet --out DIR --threads T` replays it, at T = 1 (all on
// one thread, the output written at the end) and T = 2 (a helper writes the event hubs'
// partitions during the replay). items_per_second is simulated messages per wall second, the
// issue's measure; each iteration replays the whole scenario and writes its output under a
// temporary folder, as the command does.
//
// The scenario is scenarios/load-10k-devices.scenario.json (600,000 messages); the environment
// variable ROUTESIM_REPLAY_SCENARIO names another file. Each iteration takes seconds: run with
// --benchmark_repetitions to see the spread on a noisy machine.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/scenario/scenario.h"
#include "tools/runner/scenario_run.h"

namespace routesim::bench {
namespace {

std::string scenarioPath() {
  const char* chosen = std::getenv("ROUTESIM_REPLAY_SCENARIO");
  return chosen != nullptr
             ? chosen
             : std::string(ROUTESIM_SCENARIOS_DIR) + "/load-10k-devices.scenario.json";
}

void BM_Replay(benchmark::State& state) {
  const std::string path = scenarioPath();
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  scenario::LoadedScenario loaded = scenario::readScenario(text.str());
  if (!in || !loaded.fileOk()) {
    state.SkipWithError(("cannot read the scenario " + path).c_str());
    return;
  }
  const std::filesystem::path out = std::filesystem::temp_directory_path() /
                                    ("routesim-replay-bench-" + std::to_string(::getpid()));
  runner::RunOptions options;
  options.out_dir = out;
  options.threads = static_cast<unsigned>(state.range(0));
  uint64_t messages = 0;
  uint64_t deliveries = 0;
  bool held = true;
  for (auto _ : state) {
    std::filesystem::remove_all(out);
    std::filesystem::create_directories(out);
    runner::RunReport report =
        runner::runScenario(loaded.scenario, loaded.deployment_errors, options);
    messages += report.generated;
    deliveries += report.delivered;
    held = held && report.exitCode() == 0 && !report.save_error;
  }
  std::filesystem::remove_all(out);
  if (!held) state.SkipWithError("the scenario's expectations did not hold or its output failed");
  state.SetItemsProcessed(static_cast<int64_t>(messages));
  state.counters["deliveries"] =
      benchmark::Counter(static_cast<double>(deliveries), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Replay)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace routesim::bench
