// IoT Hub's routing metrics (reference §5) as lock-free counters: each worker thread owns a
// WorkerMetrics block and is its only writer; readers sum the blocks into a MetricsSnapshot.
// Names follow Azure Monitor: d2c.telemetry.ingress.*, d2c.telemetry.egress.*,
// d2c.endpoints.egress.<type>, d2c.endpoints.latency.<type>, RoutingDeliveries.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics/histogram.h"

namespace routesim::metrics {

inline constexpr size_t kSources = 6;  // message::MessageSource values

// A counter with one writer: increments are a relaxed load and store (no locked instruction);
// readers on other threads see a recent value.
class Counter {
 public:
  void add(uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // For a counter written by several threads (an atomic read-modify-write).
  void addShared(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

struct EndpointCounters {
  std::array<Counter, kSources> delivered;  // successful deliveries, by routing source
  std::array<Counter, kSources> invalid;    // over the size limit after enrichment
  std::array<Counter, kSources> dropped;    // for a dead endpoint
  Counter fallback;                         // deliveries made by the fallback route
  Counter bytes;                            // bytes delivered
  LatencyHistogram latency;                 // ingress to endpoint hand-off, nanoseconds
};

// One worker's counters. Cache-line aligned so workers never share a line.
struct alignas(64) WorkerMetrics {
  explicit WorkerMetrics(size_t endpoint_count) : endpoints(endpoint_count) {}

  Counter ingress_attempts;                // d2c.telemetry.ingress.allProtocol
  Counter ingress_accepted;                // d2c.telemetry.ingress.success
  Counter ingress_throttled;               // d2c.telemetry.ingress.sendThrottle
  Counter ingress_rejected;                // refused at ingress (over 256 KB, ingress policy)
  Counter busy;                            // submissions answered Busy (full queue)
  Counter egress_success;                  // d2c.telemetry.egress.success (per endpoint delivery)
  Counter egress_dropped;                  // d2c.telemetry.egress.dropped
  Counter egress_invalid;                  // d2c.telemetry.egress.invalid
  Counter egress_fallback;                 // d2c.telemetry.egress.fallback
  std::array<Counter, kSources> orphaned;  // d2c.telemetry.egress.orphaned, by source
  std::vector<EndpointCounters> endpoints;
};

struct EndpointTotals {
  uint64_t delivered = 0;
  uint64_t fallback = 0;
  uint64_t invalid = 0;
  uint64_t dropped = 0;
  uint64_t bytes = 0;
  std::array<uint64_t, kSources> delivered_by_source{};
  std::array<uint64_t, kSources> invalid_by_source{};
  std::array<uint64_t, kSources> dropped_by_source{};
  HistogramSnapshot latency;
};

struct EndpointDescription {
  std::string name;
  std::string type;         // EndpointType value: builtin, blobStorage, eventHubs, ...
  std::string metric_name;  // d2c.endpoints.*.<metric_name>: builtIn.events, storage, ...
};

// One RoutingDeliveries data point with its dimensions.
struct RoutingDeliveriesPoint {
  std::string endpoint_type;
  std::string endpoint_name;
  std::string failure_reason;  // "" (null), "invalid", "dropped", "orphaned"
  std::string result;          // "success" | "failure"
  std::string routing_source;  // "Device Messages", "Twin Change Events", ...
  uint64_t count = 0;
};

struct MetricsSnapshot {
  uint64_t ingress_attempts = 0;
  uint64_t ingress_accepted = 0;
  uint64_t ingress_throttled = 0;
  uint64_t ingress_rejected = 0;
  uint64_t busy = 0;
  uint64_t egress_success = 0;
  uint64_t egress_dropped = 0;
  uint64_t egress_invalid = 0;
  uint64_t egress_fallback = 0;
  std::array<uint64_t, kSources> orphaned{};
  std::vector<EndpointTotals> endpoints;
  HistogramSnapshot latency;  // every delivery

  uint64_t orphanedTotal() const;
  // Sums `workers` (any may be written concurrently; totals are then a recent view).
  static MetricsSnapshot sum(const std::vector<std::unique_ptr<WorkerMetrics>>& workers);

  // IoT Hub's metric names with totals (latency metrics: average milliseconds), in a stable
  // order, for every endpoint type present in `endpoints`.
  std::vector<std::pair<std::string, double>> iotHubMetrics(
      const std::vector<EndpointDescription>& described) const;
  std::vector<RoutingDeliveriesPoint> routingDeliveries(
      const std::vector<EndpointDescription>& described) const;
};

// The RoutingSource dimension value of a message source ("Device Messages", ...).
std::string routingSourceDimension(size_t source);

}  // namespace routesim::metrics
