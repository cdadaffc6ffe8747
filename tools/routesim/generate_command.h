// `routesim generate`: the seeded telemetry workload as files: messages as NDJSON, or a routing
// object with N routes over them (bench/workloads holds the 1-, 10- and 100-route files).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>

namespace routesim::cli {

struct GenerateOptions {
  std::optional<uint64_t> messages;  // how many messages
  std::optional<uint64_t> routes;    // or: a routing object with this many routes
  std::optional<uint64_t> seed;
  int devices = 200;
};

// Writes to `out`; 2 on bad options.
int runGenerate(const GenerateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace routesim::cli
