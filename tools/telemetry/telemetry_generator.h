// Seeded, deterministic workloads for benchmarks (`routesim generate`, bench/): realistic IoT
// telemetry messages
// (JSON bodies of about 150..1000 bytes with nested objects and arrays, a few application
// properties, the system properties a device SDK stamps) and route tables of 1, 10 or 100
// routing conditions of the kinds real hubs use.
//
// Everything comes from std::mt19937_64 with a fixed seed and the generator's own integer-to-real
// mapping (no std::*_distribution, whose output differs between standard libraries), so every
// run on every machine benchmarks the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/message/message.h"

namespace routesim::telemetry {

inline constexpr uint64_t kTelemetrySeed = 0x7E1E'3E72'2024'0001ULL;
inline constexpr uint64_t kRouteSeed = 0x2047'E5EE'D000'0100ULL;

inline constexpr size_t kMinBodyBytes = 150;
inline constexpr size_t kMaxBodyBytes = 1000;
inline constexpr int kDeviceCount = 200;  // devices "dev-0" .. "dev-199"
inline constexpr int kSiteCount = 12;     // sites "plant-1" .. "plant-12"

// Telemetry as a fleet of environmental sensors sends it. Body (fields in this order; "?" marks
// sections not every message has):
//   {"deviceId", "ts", "seq", "sensors": {"temperature", "humidity", "pressure", "co2"?},
//    "location": {"lat", "lon", "site", "zone"}, "status", "readings"?: [numbers],
//    "samples"?: [numbers] (instead of readings), "firmware"?: {"version", "channel",
//    "autoUpdate"}, "battery"?: {"level", "charging"}, "diagnostics"?: {"uptimeSec", "resets",
//    "lastError"}, "tags"?: [strings]}
// with a body size drawn uniformly from [kMinBodyBytes, kMaxBodyBytes] and met by the length of
// the readings (or samples) array. Some values are what field devices really send: a null
// temperature from a failed sensor, a missing readings array, an empty one.
// Application properties: "level" (info / warning / critical), "site", and "schemaVersion" on
// most messages. System properties: messageId, connectionDeviceId, contentType
// "application/json" and contentEncoding "utf-8" (a few senders write "UTF-8" or
// "application/JSON"; about 2% of messages carry no contentType at all, so their bodies are
// not JSON to the router).
class TelemetryGenerator {
 public:
  explicit TelemetryGenerator(uint64_t seed = kTelemetrySeed, int devices = kDeviceCount)
      : rng_(seed), devices_(devices) {}

  message::Message next();

 private:
  std::mt19937_64 rng_;
  int devices_;
  uint64_t seq_ = 0;
};

// `count` messages from a generator seeded with `seed`.
std::vector<message::Message> makeTelemetryPool(size_t count, uint64_t seed = kTelemetrySeed,
                                                int devices = kDeviceCount);

// A routing object (ARM shape) over `conditions`: routes spread round-robin over five custom
// endpoints (two Event Hubs, a Service Bus queue and topic, a storage container), the fallback
// route to the built-in endpoint.
std::string routingObjectJson(const std::vector<std::string>& conditions);

// A route table's conditions. The first 10 are fixed (bench/core/query/evaluator_bench.cc
// hand-writes exactly these; routeConditions(1) is the first of them); routes 10.. repeat the
// ten templates with constants drawn from `seed`, so a 100-route table reads the same 13
// distinct $body paths as the 10-route one, as real route tables do (many routes per site,
// device or threshold over one message schema).
std::vector<std::string> routeConditions(size_t count, uint64_t seed = kRouteSeed);

}  // namespace routesim::telemetry
