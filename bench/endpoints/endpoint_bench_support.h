// What the endpoint emulator benchmarks share: a fixed pool of routed telemetry (JSON bodies of
// 200..400 bytes, three application properties, the system properties IoT Hub stamps) from
// tools/telemetry's fixed seed, and the same pool as the router hands it to an endpoint, in
// consecutive batches of kBatch. Built once, outside any timing.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/message/message.h"
#include "core/message/stamp.h"
#include "core/router/endpoint.h"
#include "core/routing/routing_config.h"
#include "tools/telemetry/telemetry_generator.h"

namespace routesim::bench {

inline constexpr size_t kBatch = 64;
inline constexpr size_t kPoolSize = 4096;
inline constexpr uint32_t kPartitions = 4;  // of the built-in endpoint

inline const std::vector<message::Message>& pool() {
  static const std::vector<message::Message> messages = [] {
    std::vector<message::Message> out;
    telemetry::TelemetryGenerator gen;
    auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1704067200));
    while (out.size() < kPoolSize) {
      message::Message m = gen.next();
      if (m.body.size() < 200 || m.body.size() > 400) continue;
      message::stampIngress(m, now);
      out.push_back(std::move(m));
    }
    return out;
  }();
  return messages;
}

struct Batches {
  std::vector<router::OutboundMessage> all;  // kPoolSize, consecutive batches of kBatch
  uint64_t bytes = 0;                        // IoT Hub sizes of the whole pool
  uint64_t body_bytes = 0;                   // body bytes of the whole pool
};

inline const Batches& batches() {
  static const Batches b = [] {
    Batches out;
    for (const message::Message& m : pool()) {
      router::OutboundMessage o;
      o.message = &m;
      o.size = static_cast<uint32_t>(message::messageSize(m));
      o.partition = static_cast<uint16_t>(routing::builtinPartition(m.device_id, kPartitions));
      out.all.push_back(o);
      out.bytes += o.size;
      out.body_bytes += m.body.size();
    }
    return out;
  }();
  return b;
}

}  // namespace routesim::bench
