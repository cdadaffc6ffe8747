// MetricsSnapshot: summing worker blocks, IoT Hub's metric names and values, and the
// RoutingDeliveries dimensions (reference iothub.md §5).
#include "core/metrics/routing_metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace routesim::metrics {
namespace {

constexpr size_t kDevice = 0;     // MessageSource::kDeviceMessages
constexpr size_t kTwin = 1;       // kTwinChangeEvents
constexpr size_t kLifecycle = 2;  // kDeviceLifecycleEvents

std::map<std::string, double> asMap(const std::vector<std::pair<std::string, double>>& list) {
  std::map<std::string, double> m;
  for (const auto& [name, value] : list) {
    EXPECT_TRUE(m.emplace(name, value).second) << "metric listed twice: " << name;
  }
  return m;
}

std::vector<std::string> namesOf(const std::vector<std::pair<std::string, double>>& list) {
  std::vector<std::string> names;
  for (const auto& [name, value] : list) names.push_back(name);
  return names;
}

TEST(RoutingSourceDimensionTest, NamesEverySourceAsAzureMonitorDoes) {
  EXPECT_EQ(routingSourceDimension(0), "Device Messages");
  EXPECT_EQ(routingSourceDimension(1), "Twin Change Events");
  EXPECT_EQ(routingSourceDimension(2), "Device Lifecycle Events");
  EXPECT_EQ(routingSourceDimension(3), "Device Connection State Events");
  EXPECT_EQ(routingSourceDimension(4), "Device Job Lifecycle Events");
  EXPECT_EQ(routingSourceDimension(5), "Digital Twin Change Events");
  EXPECT_EQ(routingSourceDimension(6), "Unknown");
}

TEST(CounterTest, AddsAndAddsShared) {
  Counter c;
  EXPECT_EQ(c.get(), 0u);
  c.add();
  c.add(4);
  c.addShared(10);
  c.addShared();
  EXPECT_EQ(c.get(), 16u);
}

TEST(MetricsSnapshotTest, SumsEveryWorkerBlock) {
  std::vector<std::unique_ptr<WorkerMetrics>> workers;
  workers.push_back(std::make_unique<WorkerMetrics>(2));
  workers.push_back(std::make_unique<WorkerMetrics>(3));  // a block may know more endpoints
  workers.push_back(std::make_unique<WorkerMetrics>(1));
  for (size_t i = 0; i < workers.size(); ++i) {
    WorkerMetrics& w = *workers[i];
    uint64_t k = i + 1;  // 1, 2, 3
    w.ingress_attempts.add(10 * k);
    w.ingress_accepted.add(9 * k);
    w.ingress_throttled.add(k);
    w.ingress_rejected.add(2 * k);
    w.busy.add(3 * k);
    w.egress_success.add(7 * k);
    w.egress_dropped.add(k);
    w.egress_invalid.add(4 * k);
    w.egress_fallback.add(5 * k);
    w.orphaned[kDevice].add(k);
    w.orphaned[kTwin].add(10 * k);
    for (size_t e = 0; e < w.endpoints.size(); ++e) {
      EndpointCounters& c = w.endpoints[e];
      c.delivered[kDevice].add(100 * (e + 1));
      c.delivered[kLifecycle].add(k);
      c.invalid[kDevice].add(e + 1);
      c.dropped[kTwin].add(2);
      c.fallback.add(e);
      c.bytes.add(1000 * k);
      c.latency.record(1000 * k);
    }
  }
  MetricsSnapshot s = MetricsSnapshot::sum(workers);
  EXPECT_EQ(s.ingress_attempts, 60u);
  EXPECT_EQ(s.ingress_accepted, 54u);
  EXPECT_EQ(s.ingress_throttled, 6u);
  EXPECT_EQ(s.ingress_rejected, 12u);
  EXPECT_EQ(s.busy, 18u);
  EXPECT_EQ(s.egress_success, 42u);
  EXPECT_EQ(s.egress_dropped, 6u);
  EXPECT_EQ(s.egress_invalid, 24u);
  EXPECT_EQ(s.egress_fallback, 30u);
  EXPECT_EQ(s.orphaned[kDevice], 6u);
  EXPECT_EQ(s.orphaned[kTwin], 60u);
  EXPECT_EQ(s.orphanedTotal(), 66u);
  ASSERT_EQ(s.endpoints.size(), 3u);

  // Endpoint 0 is known to all three blocks (k = 1, 2, 3), endpoint 1 to blocks 1 and 2,
  // endpoint 2 to block 2 only.
  const EndpointTotals& e0 = s.endpoints[0];
  EXPECT_EQ(e0.delivered_by_source[kDevice], 300u);
  EXPECT_EQ(e0.delivered_by_source[kLifecycle], 6u);
  EXPECT_EQ(e0.delivered, 306u);
  EXPECT_EQ(e0.invalid_by_source[kDevice], 3u);
  EXPECT_EQ(e0.invalid, 3u);
  EXPECT_EQ(e0.dropped_by_source[kTwin], 6u);
  EXPECT_EQ(e0.dropped, 6u);
  EXPECT_EQ(e0.fallback, 0u);
  EXPECT_EQ(e0.bytes, 6000u);
  EXPECT_EQ(e0.latency.count(), 3u);
  EXPECT_EQ(e0.latency.max(), 3000u);

  const EndpointTotals& e1 = s.endpoints[1];
  EXPECT_EQ(e1.delivered, 2u * 200 + 1 + 2);
  EXPECT_EQ(e1.invalid, 4u);
  EXPECT_EQ(e1.dropped, 4u);
  EXPECT_EQ(e1.fallback, 2u);
  EXPECT_EQ(e1.bytes, 3000u);
  EXPECT_EQ(e1.latency.count(), 2u);

  const EndpointTotals& e2 = s.endpoints[2];
  EXPECT_EQ(e2.delivered, 300u + 2);
  EXPECT_EQ(e2.invalid, 3u);
  EXPECT_EQ(e2.dropped, 2u);
  EXPECT_EQ(e2.fallback, 2u);
  EXPECT_EQ(e2.bytes, 2000u);
  EXPECT_EQ(e2.latency.count(), 1u);
  EXPECT_EQ(e2.latency.max(), 2000u);

  // The overall latency holds every endpoint's deliveries.
  EXPECT_EQ(s.latency.count(), 6u);
  EXPECT_EQ(s.latency.max(), 3000u);
  // Block 1 recorded 1 us at 2 endpoints, block 2 2 us at 3, block 3 3 us at 1.
  EXPECT_DOUBLE_EQ(s.latency.mean(), (2 * 1000.0 + 3 * 2000.0 + 3000.0) / 6);
}

TEST(MetricsSnapshotTest, SumOfNoWorkersIsEmpty) {
  std::vector<std::unique_ptr<WorkerMetrics>> none;
  MetricsSnapshot s = MetricsSnapshot::sum(none);
  EXPECT_EQ(s.ingress_attempts, 0u);
  EXPECT_TRUE(s.endpoints.empty());
  EXPECT_EQ(s.latency.count(), 0u);
  EXPECT_EQ(s.orphanedTotal(), 0u);
}

// A snapshot with known totals over four endpoints of three types.
struct Fixture {
  using H = LatencyHistogram;
  MetricsSnapshot s;
  std::vector<EndpointDescription> described = {
      {"events", "builtin", "builtIn.events"},
      {"hubA", "eventHubs", "eventHubs"},
      {"archive", "blobStorage", "storage"},
      {"hubB", "eventHubs", "eventHubs"},
  };

  Fixture() {
    s.ingress_attempts = 120;
    s.ingress_accepted = 110;
    s.ingress_throttled = 7;
    s.ingress_rejected = 3;
    s.egress_success = 150;
    s.egress_dropped = 4;
    s.egress_invalid = 2;
    s.egress_fallback = 9;
    s.orphaned[kDevice] = 5;
    s.orphaned[kTwin] = 1;
    s.endpoints.resize(4);
    auto deliver = [](EndpointTotals& t, size_t source, uint64_t n) {
      t.delivered_by_source[source] += n;
      t.delivered += n;
    };
    deliver(s.endpoints[0], kDevice, 60);
    s.endpoints[0].fallback = 9;
    deliver(s.endpoints[1], kDevice, 40);
    deliver(s.endpoints[1], kTwin, 10);
    deliver(s.endpoints[2], kDevice, 25);
    deliver(s.endpoints[3], kDevice, 15);
    s.endpoints[2].invalid_by_source[kDevice] = 2;
    s.endpoints[2].invalid = 2;
    s.endpoints[3].dropped_by_source[kLifecycle] = 4;
    s.endpoints[3].dropped = 4;
    // Latency: events 1 ms and 3 ms; hubA 2 ms; hubB 4 ms and 6 ms; storage none.
    H events;
    events.record(1000000);
    events.record(3000000);
    s.endpoints[0].latency.add(events);
    H hub_a;
    hub_a.record(2000000);
    s.endpoints[1].latency.add(hub_a);
    H hub_b;
    hub_b.record(4000000);
    hub_b.record(6000000);
    s.endpoints[3].latency.add(hub_b);
  }
};

TEST(MetricsSnapshotTest, IotHubMetricsUseAzureMonitorNamesInStableOrder) {
  Fixture f;
  auto metrics = f.s.iotHubMetrics(f.described);
  std::vector<std::string> expected = {
      "d2c.telemetry.ingress.allProtocol",
      "d2c.telemetry.ingress.success",
      "d2c.telemetry.ingress.sendThrottle",
      "d2c.telemetry.egress.success",
      "d2c.telemetry.egress.dropped",
      "d2c.telemetry.egress.orphaned",
      "d2c.telemetry.egress.invalid",
      "d2c.telemetry.egress.fallback",
      "d2c.endpoints.egress.builtIn.events",
      "d2c.endpoints.latency.builtIn.events",
      "d2c.endpoints.egress.eventHubs",
      "d2c.endpoints.latency.eventHubs",
      "d2c.endpoints.egress.storage",
      "d2c.endpoints.latency.storage",
      "RoutingDeliveries",
  };
  EXPECT_EQ(namesOf(metrics), expected);
  // The same call gives the same list.
  EXPECT_EQ(namesOf(f.s.iotHubMetrics(f.described)), expected);
}

TEST(MetricsSnapshotTest, IotHubMetricsValues) {
  Fixture f;
  auto m = asMap(f.s.iotHubMetrics(f.described));
  EXPECT_EQ(m["d2c.telemetry.ingress.allProtocol"], 120);
  EXPECT_EQ(m["d2c.telemetry.ingress.success"], 110);
  EXPECT_EQ(m["d2c.telemetry.ingress.sendThrottle"], 7);
  EXPECT_EQ(m["d2c.telemetry.egress.success"], 150);
  EXPECT_EQ(m["d2c.telemetry.egress.dropped"], 4);
  EXPECT_EQ(m["d2c.telemetry.egress.orphaned"], 6);
  EXPECT_EQ(m["d2c.telemetry.egress.invalid"], 2);
  EXPECT_EQ(m["d2c.telemetry.egress.fallback"], 9);
  // Per type: both Event Hubs endpoints add up; latency is the average in milliseconds.
  EXPECT_EQ(m["d2c.endpoints.egress.builtIn.events"], 60);
  EXPECT_EQ(m["d2c.endpoints.egress.eventHubs"], 65);
  EXPECT_EQ(m["d2c.endpoints.egress.storage"], 25);
  EXPECT_DOUBLE_EQ(m["d2c.endpoints.latency.builtIn.events"], 2.0);
  EXPECT_DOUBLE_EQ(m["d2c.endpoints.latency.eventHubs"], 4.0);  // (2 + 4 + 6) / 3
  EXPECT_DOUBLE_EQ(m["d2c.endpoints.latency.storage"], 0.0);    // nothing delivered
  // Every delivery attempt: successes, dropped, invalid and orphaned.
  EXPECT_EQ(m["RoutingDeliveries"], 150 + 4 + 2 + 6);
}

TEST(MetricsSnapshotTest, IotHubMetricsListOnlyTypesPresent) {
  MetricsSnapshot s;
  s.endpoints.resize(1);
  auto names = namesOf(s.iotHubMetrics({{"q", "serviceBusQueues", "serviceBusQueues"}}));
  ASSERT_EQ(names.size(), 11u);
  EXPECT_EQ(names[8], "d2c.endpoints.egress.serviceBusQueues");
  EXPECT_EQ(names[9], "d2c.endpoints.latency.serviceBusQueues");
  EXPECT_EQ(names[10], "RoutingDeliveries");
  auto none = namesOf(s.iotHubMetrics({}));
  EXPECT_EQ(none.size(), 9u);
  EXPECT_EQ(none.back(), "RoutingDeliveries");
}

TEST(MetricsSnapshotTest, RoutingDeliveriesCarryEveryDimension) {
  Fixture f;
  auto points = f.s.routingDeliveries(f.described);
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::map<Key, uint64_t> got;
  for (const RoutingDeliveriesPoint& p : points) {
    EXPECT_NE(p.count, 0u) << "a zero point is not listed";
    auto key = Key{p.endpoint_type, p.endpoint_name, p.failure_reason, p.result, p.routing_source};
    EXPECT_TRUE(got.emplace(key, p.count).second) << "duplicate point for " << p.endpoint_name;
  }
  std::map<Key, uint64_t> expected = {
      {{"builtin", "events", "", "success", "Device Messages"}, 60},
      {{"eventHubs", "hubA", "", "success", "Device Messages"}, 40},
      {{"eventHubs", "hubA", "", "success", "Twin Change Events"}, 10},
      {{"blobStorage", "archive", "", "success", "Device Messages"}, 25},
      {{"blobStorage", "archive", "invalid", "failure", "Device Messages"}, 2},
      {{"eventHubs", "hubB", "", "success", "Device Messages"}, 15},
      {{"eventHubs", "hubB", "dropped", "failure", "Device Lifecycle Events"}, 4},
      {{"", "", "orphaned", "failure", "Device Messages"}, 5},
      {{"", "", "orphaned", "failure", "Twin Change Events"}, 1},
  };
  EXPECT_EQ(got, expected);
  // The points add up to the RoutingDeliveries total.
  uint64_t total = 0;
  for (const RoutingDeliveriesPoint& p : points) total += p.count;
  EXPECT_EQ(static_cast<double>(total), asMap(f.s.iotHubMetrics(f.described))["RoutingDeliveries"]);
}

TEST(MetricsSnapshotTest, RoutingDeliveriesResultMatchesFailureReason) {
  Fixture f;
  for (const RoutingDeliveriesPoint& p : f.s.routingDeliveries(f.described)) {
    if (p.failure_reason.empty()) {
      EXPECT_EQ(p.result, "success");
    } else {
      EXPECT_EQ(p.result, "failure");
      EXPECT_TRUE(p.failure_reason == "invalid" || p.failure_reason == "dropped" ||
                  p.failure_reason == "orphaned")
          << p.failure_reason;
    }
  }
}

}  // namespace
}  // namespace routesim::metrics
