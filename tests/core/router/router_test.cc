// Router in inline mode (processInline: the deterministic, single-thread path), the endpoint
// registry and the counting endpoint. The threaded pipeline is in router_concurrency_test.cc.
#include "core/router/router.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/router/endpoint.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::router {
namespace {

using testing::Attempt;
using testing::buildTable;
using testing::BuiltTable;
using testing::Expectation;
using testing::kStandardRouting;
using testing::makeMessage;
using testing::MessageKeeper;
using testing::Recorder;
using testing::Workload;

constexpr size_t kDevice = 0;  // MessageSource::kDeviceMessages
constexpr size_t kTwin = 1;    // MessageSource::kTwinChangeEvents

const std::vector<std::string> kStandardEndpoints = {"events", "hot", "archive", "alerts"};

// Index of `name` in the router's endpoint descriptions (= metrics' endpoint order), or -1.
int slotOf(const Router& router, const std::string& name) {
  auto described = router.endpointDescriptions();
  for (size_t i = 0; i < described.size(); ++i) {
    if (described[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::map<std::string, double> metricMap(const Router& router) {
  std::map<std::string, double> out;
  for (const auto& [name, value] : router.metrics().iotHubMetrics(router.endpointDescriptions()))
    out[name] = value;
  return out;
}

class RouterInlineTest : public ::testing::Test {
 protected:
  RouterInlineTest() : recorder_(kStandardEndpoints) { recorder_.registerWith(registry_); }

  std::unique_ptr<Router> makeRouter(const BuiltTable& built, RouterOptions options = {}) {
    options.workers = options.workers ? options.workers : 2;
    return std::make_unique<Router>(built.table, registry_, built.configs, options);
  }

  // Runs `w` inline; checks each SubmitResult against the expectation.
  void runInline(Router& router, const Workload& w) {
    for (size_t i = 0; i < w.messages.size(); ++i) {
      SubmitResult r = router.processInline(w.messages[i], router.now());
      EXPECT_EQ(r, w.expect[i].rejected ? SubmitResult::kTooLarge : SubmitResult::kAccepted)
          << "message " << i;
    }
  }

  Recorder recorder_;
  EndpointRegistry registry_;
  MessageKeeper kept_;  // outlives each test's router
};

TEST_F(RouterInlineTest, DeliversExactCountsPerEndpoint) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  Workload w = testing::standardWorkload(6, 40, 1);
  runInline(*router, w);

  for (const std::string& name : kStandardEndpoints) {
    std::vector<Attempt> got = recorder_[name].accepted();
    EXPECT_EQ(got.size(), w.deliveredTo(name)) << name;
    EXPECT_EQ(recorder_[name].attempts.size(), got.size()) << name << " retried something";
    EXPECT_EQ(recorder_[name].acceptedByDevice(), w.expectedAt(name)) << name;
    EXPECT_FALSE(recorder_[name].overlapped.load()) << name;
    int slot = slotOf(*router, name);
    ASSERT_GE(slot, 0) << name;
    metrics::MetricsSnapshot m = router->metrics();
    const metrics::EndpointTotals& t = m.endpoints[static_cast<size_t>(slot)];
    EXPECT_EQ(t.delivered, w.deliveredTo(name)) << name;
    EXPECT_EQ(t.invalid, w.invalidAt(name)) << name;
    EXPECT_EQ(t.dropped, 0u) << name;
    EXPECT_EQ(t.latency.count(), t.delivered) << name;
  }
  // Sanity of the oracle: every kind of outcome occurs.
  EXPECT_GT(w.deliveredTo("alerts"), 0u);
  EXPECT_GT(w.deliveredTo("events"), 0u);
  EXPECT_EQ(w.invalidAt("archive"), 2u);
  EXPECT_TRUE(router->checkConservation().ok()) << router->checkConservation().error().message();
}

TEST_F(RouterInlineTest, FallbackDeliveriesAreMarkedAndCounted) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  Workload w = testing::standardWorkload(4, 30, 1);
  runInline(*router, w);

  uint64_t fallback = w.count([](const Expectation& e) { return e.fallback; });
  for (const Attempt& a : recorder_["events"].attempts) EXPECT_TRUE(a.fallback);
  for (std::string name : {"hot", "archive", "alerts"}) {
    for (const Attempt& a : recorder_[name].attempts) EXPECT_FALSE(a.fallback) << name;
  }
  metrics::MetricsSnapshot m = router->metrics();
  EXPECT_EQ(m.egress_fallback, fallback);
  EXPECT_EQ(m.endpoints[static_cast<size_t>(slotOf(*router, "events"))].fallback, fallback);
  EXPECT_EQ(m.endpoints[static_cast<size_t>(slotOf(*router, "hot"))].fallback, 0u);
}

TEST_F(RouterInlineTest, MetricsCountIngressEgressOrphanedAndInvalid) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  Workload w = testing::standardWorkload(5, 24, 1);
  runInline(*router, w);

  uint64_t total = w.messages.size();
  uint64_t rejected = w.count([](const Expectation& e) { return e.rejected; });
  uint64_t delivered = 0;
  uint64_t invalid = 0;
  for (const Expectation& e : w.expect) {
    delivered += e.delivered.size();
    invalid += e.invalid.size();
  }
  metrics::MetricsSnapshot m = router->metrics();
  EXPECT_EQ(rejected, 1u);
  EXPECT_EQ(m.ingress_attempts, total);
  EXPECT_EQ(m.ingress_accepted, total - rejected);
  EXPECT_EQ(m.ingress_rejected, rejected);
  EXPECT_EQ(m.ingress_throttled, 0u);
  EXPECT_EQ(m.busy, 0u);
  EXPECT_EQ(m.egress_success, delivered);
  EXPECT_EQ(m.egress_invalid, invalid);
  EXPECT_EQ(m.egress_dropped, 0u);
  EXPECT_EQ(m.egress_fallback, w.count([](const Expectation& e) { return e.fallback; }));
  EXPECT_EQ(m.orphaned[kDevice], 0u);  // the fallback catches every device message
  EXPECT_EQ(m.orphaned[kTwin], 5u);
  EXPECT_EQ(m.orphanedTotal(), 5u);
  EXPECT_EQ(m.latency.count(), delivered);

  auto named = metricMap(*router);
  EXPECT_EQ(named["d2c.telemetry.ingress.allProtocol"], static_cast<double>(total));
  EXPECT_EQ(named["d2c.telemetry.ingress.success"], static_cast<double>(total - rejected));
  EXPECT_EQ(named["d2c.telemetry.ingress.sendThrottle"], 0);
  EXPECT_EQ(named["d2c.telemetry.egress.success"], static_cast<double>(delivered));
  EXPECT_EQ(named["d2c.telemetry.egress.invalid"], static_cast<double>(invalid));
  EXPECT_EQ(named["d2c.telemetry.egress.orphaned"], 5);
  EXPECT_EQ(named["d2c.telemetry.egress.dropped"], 0);
  EXPECT_EQ(named["d2c.telemetry.egress.fallback"], static_cast<double>(w.deliveredTo("events")));
  EXPECT_EQ(named["d2c.endpoints.egress.builtIn.events"],
            static_cast<double>(w.deliveredTo("events")));
  EXPECT_EQ(named["d2c.endpoints.egress.eventHubs"], static_cast<double>(w.deliveredTo("hot")));
  EXPECT_EQ(named["d2c.endpoints.egress.storage"], static_cast<double>(w.deliveredTo("archive")));
  EXPECT_EQ(named["d2c.endpoints.egress.serviceBusQueues"],
            static_cast<double>(w.deliveredTo("alerts")));
  for (const char* type : {"builtIn.events", "eventHubs", "storage", "serviceBusQueues"}) {
    std::string name = std::string("d2c.endpoints.latency.") + type;
    ASSERT_TRUE(named.count(name)) << name;
    EXPECT_GE(named[name], 0.0) << name;
  }
  EXPECT_EQ(named["RoutingDeliveries"], static_cast<double>(delivered + invalid + 5));
  EXPECT_TRUE(router->checkConservation().ok());
}

// Clients the ingress policy refuses (401 before any message is accepted) count as attempts,
// not successes, and conservation still holds over what was accepted.
TEST_F(RouterInlineTest, RejectedAtIngressCountsAttemptsNotSuccess) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d1", 1)), router->now()),
            SubmitResult::kAccepted);
  router->countRejectedAtIngress(3);
  metrics::MetricsSnapshot m = router->metrics();
  EXPECT_EQ(m.ingress_attempts, 4u);
  EXPECT_EQ(m.ingress_accepted, 1u);
  EXPECT_EQ(m.ingress_rejected, 3u);
  std::map<std::string, double> names = metricMap(*router);
  EXPECT_EQ(names["d2c.telemetry.ingress.allProtocol"], 4);
  EXPECT_EQ(names["d2c.telemetry.ingress.success"], 1);
  Status conservation = router->checkConservation();
  EXPECT_TRUE(conservation.ok()) << conservation.error().message();
}

TEST_F(RouterInlineTest, RoutingDeliveriesSplitBySourceAndReason) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  Workload w = testing::standardWorkload(3, 20, 1);
  runInline(*router, w);

  std::map<std::string, uint64_t> got;
  for (const auto& p : router->metrics().routingDeliveries(router->endpointDescriptions())) {
    got[p.endpoint_type + "|" + p.endpoint_name + "|" + p.failure_reason + "|" + p.result + "|" +
        p.routing_source] += p.count;
  }
  uint64_t twin_alerts = 5;
  std::map<std::string, uint64_t> expected = {
      {"builtin|events||success|Device Messages", w.deliveredTo("events")},
      {"eventHubs|hot||success|Device Messages", w.deliveredTo("hot")},
      {"blobStorage|archive||success|Device Messages", w.deliveredTo("archive")},
      {"blobStorage|archive|invalid|failure|Device Messages", 2},
      {"serviceBusQueues|alerts||success|Device Messages", w.deliveredTo("alerts") - twin_alerts},
      {"serviceBusQueues|alerts||success|Twin Change Events", twin_alerts},
      {"||orphaned|failure|Twin Change Events", 5},
  };
  EXPECT_EQ(got, expected);
}

TEST_F(RouterInlineTest, EndpointDescriptionsFollowTheTableOrder) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  auto described = router->endpointDescriptions();
  ASSERT_EQ(described.size(), 4u);
  EXPECT_EQ(described[0].name, "events");
  EXPECT_EQ(described[0].type, "builtin");
  EXPECT_EQ(described[0].metric_name, "builtIn.events");
  EXPECT_EQ(described[1].name, "hot");
  EXPECT_EQ(described[1].type, "eventHubs");
  EXPECT_EQ(described[1].metric_name, "eventHubs");
  EXPECT_EQ(described[2].name, "archive");
  EXPECT_EQ(described[2].type, "blobStorage");
  EXPECT_EQ(described[2].metric_name, "storage");
  EXPECT_EQ(described[3].name, "alerts");
  EXPECT_EQ(described[3].type, "serviceBusQueues");
  EXPECT_EQ(described[3].metric_name, "serviceBusQueues");
  // Metrics list the same endpoints, in the same order, before any message.
  EXPECT_EQ(router->metrics().endpoints.size(), 4u);
  EXPECT_EQ(router->table(), built.table);
}

TEST_F(RouterInlineTest, UnmatchedMessagesAreOrphanedWithoutFallback) {
  BuiltTable built = buildTable(R"({
    "endpoints": {"serviceBusTopics": [{"name": "t"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "k = 'v'",
                "endpointNames": ["t"], "isEnabled": true}]
  })");
  auto router = makeRouter(built);
  EXPECT_EQ(router->processInline(kept_.keep(makeMessage("d1", 0, {{"k", "v"}})), router->now()),
            SubmitResult::kAccepted);
  EXPECT_EQ(router->processInline(kept_.keep(makeMessage("d1", 1, {{"k", "w"}})), router->now()),
            SubmitResult::kAccepted);
  EXPECT_EQ(router->processInline(kept_.keep(makeMessage("d2", 0)), router->now()),
            SubmitResult::kAccepted);
  metrics::MetricsSnapshot m = router->metrics();
  EXPECT_EQ(m.ingress_accepted, 3u);
  EXPECT_EQ(m.orphaned[kDevice], 2u);
  EXPECT_EQ(m.egress_success, 1u);
  EXPECT_EQ(m.egress_fallback, 0u);
  EXPECT_EQ(m.endpoints[static_cast<size_t>(slotOf(*router, "t"))].delivered, 1u);
  EXPECT_EQ(m.endpoints[static_cast<size_t>(slotOf(*router, "events"))].delivered, 0u);
  EXPECT_EQ(metricMap(*router)["d2c.endpoints.egress.serviceBusTopics"], 1);
  EXPECT_TRUE(router->checkConservation().ok());
}

TEST_F(RouterInlineTest, DisabledFallbackOrphans) {
  BuiltTable built = buildTable(R"({
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "k = 'v'",
                "endpointNames": ["events"], "isEnabled": true}],
    "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                      "endpointNames": ["events"], "isEnabled": false}
  })");
  auto router = makeRouter(built);
  EXPECT_EQ(router->processInline(kept_.keep(makeMessage("hot", 0)), router->now()),
            SubmitResult::kAccepted);
  metrics::MetricsSnapshot m = router->metrics();
  EXPECT_EQ(m.orphaned[kDevice], 1u);
  EXPECT_EQ(m.egress_success, 0u);
  EXPECT_TRUE(recorder_["events"].attempts.empty());
  EXPECT_TRUE(router->checkConservation().ok());
}

TEST_F(RouterInlineTest, MessageOfExactlyTheLimitIsAcceptedAndOneByteMoreRejected) {
  BuiltTable built = buildTable(R"({"routes": [{"name": "r", "source": "DeviceMessages",
    "condition": "true", "endpointNames": ["events"], "isEnabled": true}]})");
  auto router = makeRouter(built);
  message::Message at_limit = makeMessage("d", 0);
  testing::resizeTo(at_limit, message::kMaxMessageBytes);
  ASSERT_EQ(message::messageSize(at_limit), message::kMaxMessageBytes);
  message::Message over = makeMessage("d", 1);
  testing::resizeTo(over, message::kMaxMessageBytes + 1);
  ASSERT_EQ(message::messageSize(over), message::kMaxMessageBytes + 1);

  EXPECT_EQ(router->processInline(at_limit, router->now()), SubmitResult::kAccepted);
  EXPECT_EQ(router->processInline(over, router->now()), SubmitResult::kTooLarge);
  metrics::MetricsSnapshot m = router->metrics();
  EXPECT_EQ(m.ingress_attempts, 2u);
  EXPECT_EQ(m.ingress_accepted, 1u);
  EXPECT_EQ(m.ingress_rejected, 1u);
  EXPECT_EQ(m.egress_success, 1u);
  EXPECT_EQ(m.orphanedTotal(), 0u);
  ASSERT_EQ(recorder_["events"].attempts.size(), 1u);
  EXPECT_EQ(recorder_["events"].attempts[0].seq, 0);
  EXPECT_EQ(recorder_["events"].attempts[0].size, message::kMaxMessageBytes);
  EXPECT_TRUE(router->checkConservation().ok());
}

TEST_F(RouterInlineTest, EnrichmentMakesDeliveryInvalidOnlyPastTheLimit) {
  // "tag" + "routesim-hub" = 15 bytes on archive only.
  BuiltTable built = buildTable(R"({
    "endpoints": {"storageContainers": [{"name": "archive", "containerName": "c"}]},
    "routes": [
      {"name": "a", "source": "DeviceMessages", "condition": "true", "endpointNames": ["archive"],
       "isEnabled": true},
      {"name": "h", "source": "DeviceMessages", "condition": "true", "endpointNames": ["events"],
       "isEnabled": true}],
    "enrichments": [{"key": "tag", "value": "$iothubname", "endpointNames": ["archive"]}]
  })");
  auto router = makeRouter(built);
  auto sized = [](int64_t seq, size_t size) {
    message::Message m = makeMessage("d", seq);
    testing::resizeTo(m, size);
    return m;
  };
  message::Message fits = sized(0, message::kMaxMessageBytes - 15);  // exactly the limit
  message::Message over = sized(1, message::kMaxMessageBytes - 14);  // one byte past
  EXPECT_EQ(router->processInline(fits, router->now()), SubmitResult::kAccepted);
  EXPECT_EQ(router->processInline(over, router->now()), SubmitResult::kAccepted);

  ASSERT_EQ(recorder_["archive"].attempts.size(), 1u);
  EXPECT_EQ(recorder_["archive"].attempts[0].seq, 0);
  EXPECT_EQ(recorder_["archive"].attempts[0].size, message::kMaxMessageBytes);
  ASSERT_EQ(recorder_["events"].attempts.size(), 2u);  // no enrichment there: both valid
  EXPECT_EQ(recorder_["events"].attempts[1].size, message::kMaxMessageBytes - 14);
  metrics::MetricsSnapshot m = router->metrics();
  const auto& archive = m.endpoints[static_cast<size_t>(slotOf(*router, "archive"))];
  EXPECT_EQ(archive.delivered, 1u);
  EXPECT_EQ(archive.invalid, 1u);
  EXPECT_EQ(archive.invalid_by_source[kDevice], 1u);
  EXPECT_EQ(archive.bytes, message::kMaxMessageBytes);
  EXPECT_EQ(m.egress_invalid, 1u);
  EXPECT_EQ(m.egress_success, 3u);
  EXPECT_TRUE(router->checkConservation().ok());
}

TEST_F(RouterInlineTest, DeliveredSizeAndBytesIncludeTheEndpointsEnrichments) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  message::Message m = makeMessage("d", 0, {{"archive", "yes"}, {"level", "hot"}}, "{\"a\":1}");
  size_t base = message::messageSize(m);
  ASSERT_EQ(router->processInline(m, router->now()), SubmitResult::kAccepted);
  ASSERT_EQ(recorder_["archive"].attempts.size(), 1u);
  ASSERT_EQ(recorder_["hot"].attempts.size(), 1u);
  EXPECT_EQ(recorder_["archive"].attempts[0].size, base + testing::kArchiveEnrichmentBytes);
  EXPECT_EQ(recorder_["hot"].attempts[0].size, base);
  metrics::MetricsSnapshot s = router->metrics();
  EXPECT_EQ(s.endpoints[static_cast<size_t>(slotOf(*router, "archive"))].bytes,
            base + testing::kArchiveEnrichmentBytes);
  EXPECT_EQ(s.endpoints[static_cast<size_t>(slotOf(*router, "hot"))].bytes, base);
}

TEST_F(RouterInlineTest, BuiltInEndpointGetsTheDevicesPartition) {
  BuiltTable built = buildTable(kStandardRouting);
  RouterOptions options;
  options.builtin_partitions = 8;
  auto router = makeRouter(built, options);
  for (int d = 0; d < 40; ++d) {
    ASSERT_EQ(router->processInline(kept_.keep(makeMessage("device-" + std::to_string(d), 0)),
                                    router->now()),
              SubmitResult::kAccepted);
  }
  ASSERT_EQ(recorder_["events"].attempts.size(), 40u);
  std::set<uint16_t> seen;
  for (const Attempt& a : recorder_["events"].attempts) {
    EXPECT_EQ(a.partition, routing::builtinPartition(a.device, 8)) << a.device;
    EXPECT_LT(a.partition, 8u);
    seen.insert(a.partition);
  }
  EXPECT_GT(seen.size(), 1u);  // 40 devices spread over the partitions
}

TEST_F(RouterInlineTest, LatencyMeasuresFromTheGivenIngressTime) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  uint64_t ingress = router->now() - 5'000'000;  // 5 ms ago
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", 0, {{"level", "hot"}})), ingress),
            SubmitResult::kAccepted);
  metrics::MetricsSnapshot m = router->metrics();
  const auto& hot = m.endpoints[static_cast<size_t>(slotOf(*router, "hot"))];
  ASSERT_EQ(hot.latency.count(), 1u);
  EXPECT_GE(hot.latency.max(), 5'000'000u);
  EXPECT_LT(hot.latency.max(), 5'000'000'000u);
  EXPECT_GE(metricMap(*router)["d2c.endpoints.latency.eventHubs"], 5.0);
  // An ingress time in the future counts as zero latency, not a huge unsigned value.
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", 1, {{"level", "hot"}})),
                                  router->now() + 60'000'000'000),
            SubmitResult::kAccepted);
  m = router->metrics();
  EXPECT_EQ(m.endpoints[static_cast<size_t>(slotOf(*router, "hot"))].latency.count(), 2u);
  EXPECT_LT(m.endpoints[static_cast<size_t>(slotOf(*router, "hot"))].latency.max(), 5'000'000'000u);
}

TEST_F(RouterInlineTest, TwinChangeEventsUseTheirOwnRoutesAndNoFallback) {
  BuiltTable built = buildTable(kStandardRouting);
  auto router = makeRouter(built);
  message::MessageSource twin = message::MessageSource::kTwinChangeEvents;
  // level = 'hot' routes device messages to "hot"; for a twin change event it is not a route.
  EXPECT_EQ(router->processInline(kept_.keep(makeMessage("d", 0, {{"level", "hot"}}, "{}", twin)),
                                  router->now()),
            SubmitResult::kAccepted);
  EXPECT_EQ(router->processInline(kept_.keep(makeMessage("d", 1, {{"kind", "ok"}}, "{}", twin)),
                                  router->now()),
            SubmitResult::kAccepted);
  EXPECT_TRUE(recorder_["hot"].attempts.empty());
  EXPECT_TRUE(recorder_["events"].attempts.empty());
  ASSERT_EQ(recorder_["alerts"].attempts.size(), 1u);
  EXPECT_EQ(recorder_["alerts"].attempts[0].seq, 1);
  metrics::MetricsSnapshot m = router->metrics();
  EXPECT_EQ(m.orphaned[kTwin], 1u);
  EXPECT_EQ(m.endpoints[static_cast<size_t>(slotOf(*router, "alerts"))].delivered_by_source[kTwin],
            1u);
  EXPECT_TRUE(router->checkConservation().ok());
}

// A transient refusal must not strand a message: processInline "routes and delivers entirely on
// the calling thread", and drain() is a no-op inline, so nothing else would ever retry it.
TEST_F(RouterInlineTest, RefusedDeliveryWaitsForItsRetryTimeOnTheClock) {
  BuiltTable built = buildTable(R"({"routes": [{"name": "r", "source": "DeviceMessages",
    "condition": "true", "endpointNames": ["events"], "isEnabled": true}]})");
  // Refuse every first attempt, accept every second.
  recorder_["events"].policy = [](uint64_t call, size_t batch) {
    return call % 2 == 0 ? 0 : batch;
  };
  ManualClock clock(1000 * kNsPerSecond);
  RouterOptions options;
  options.clock = &clock;
  auto router = makeRouter(built, options);
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", 0)), clock.nowNs()),
            SubmitResult::kAccepted);
  EXPECT_EQ(recorder_["events"].accepted().size(), 0u);
  EndpointHealthReport h = router->health()[0];
  EXPECT_EQ(h.status, HealthStatus::kUnhealthy);
  EXPECT_EQ(h.last_known_error, DeliveryFailure::kTransient);
  EXPECT_EQ(h.last_known_error_time_ns, 1000 * kNsPerSecond);
  EXPECT_EQ(h.last_successful_send_attempt_time_ns, 0u);

  router->drain();  // not due yet: the first retry waits 1 s
  EXPECT_EQ(recorder_["events"].accepted().size(), 0u);
  clock.advance(kNsPerSecond);
  router->drain();
  EXPECT_EQ(recorder_["events"].accepted().size(), 1u);
  h = router->health()[0];
  EXPECT_EQ(h.status, HealthStatus::kDegraded);  // recovering
  EXPECT_EQ(h.last_successful_send_attempt_time_ns, 1001 * kNsPerSecond);
  Status conservation = router->checkConservation();
  EXPECT_TRUE(conservation.ok()) << conservation.error().message();
  EXPECT_EQ(router->metrics().egress_success, 1u);
  EXPECT_EQ(router->metrics().latency.max(), kNsPerSecond);  // ingress to delivery
}

// Inline, time stands still during a call: a failing endpoint's queue must grow past its
// capacity instead of waiting for room that only a later time could make (found by a scenario
// with 2,000 devices sending to an endpoint that was down: the replay hung).
TEST_F(RouterInlineTest, FailingEndpointQueueGrowsPastCapacityInsteadOfWaiting) {
  BuiltTable built = buildTable(R"({"routes": [{"name": "r", "source": "DeviceMessages",
    "condition": "true", "endpointNames": ["events"], "isEnabled": true}]})");
  bool up = false;
  recorder_["events"].policy = [&up](uint64_t, size_t batch) -> size_t { return up ? batch : 0; };
  ManualClock clock(0);
  RouterOptions options;
  options.clock = &clock;
  options.endpoint_capacity = 8;
  auto router = makeRouter(built, options);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", i)), clock.nowNs()),
              SubmitResult::kAccepted);
  }
  EXPECT_EQ(recorder_["events"].accepted().size(), 0u);
  up = true;
  for (int s = 0; s < 10; ++s) {
    clock.advance(kNsPerSecond);
    router->drain();
  }
  ASSERT_EQ(recorder_["events"].accepted().size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(recorder_["events"].accepted()[i].seq, i);  // in order
  Status conservation = router->checkConservation();
  EXPECT_TRUE(conservation.ok()) << conservation.error().message();
}

TEST_F(RouterInlineTest, EndpointFailingForAnHourIsDeadDropsAndRevivesOnAProbe) {
  BuiltTable built = buildTable(R"({"endpoints": {"eventHubs": [{"name": "hot"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["hot"], "isEnabled": true}],
    "fallbackRoute": {"source": "DeviceMessages", "condition": "true",
                      "endpointNames": ["events"], "isEnabled": true}})");
  bool up = false;
  recorder_["hot"].policy = [&up](uint64_t, size_t batch) -> size_t { return up ? batch : 0; };
  ManualClock clock(0);
  RouterOptions options;
  options.clock = &clock;
  options.retry.degraded_ns = 600 * kNsPerSecond;  // outlasts the six minutes of probing below
  auto router = makeRouter(built, options);
  int seq = 0;
  // One message a minute for an hour and a bit: retries back off, then the endpoint dies.
  for (int minute = 0; minute <= 61; ++minute) {
    ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", seq++)), clock.nowNs()),
              SubmitResult::kAccepted);
    for (int s = 0; s < 60; ++s) {
      clock.advance(kNsPerSecond);
      router->drain();
    }
  }
  EndpointHealthReport h = router->health()[1];
  EXPECT_EQ(h.status, HealthStatus::kDead);
  metrics::MetricsSnapshot m = router->metrics();
  // Every message was dropped (none delivered, none sent to fallback instead).
  EXPECT_EQ(m.endpoints[1].delivered, 0u);
  EXPECT_EQ(m.egress_dropped, static_cast<uint64_t>(seq));
  EXPECT_EQ(m.endpoints[1].dropped, static_cast<uint64_t>(seq));
  EXPECT_EQ(m.egress_fallback, 0u);
  EXPECT_TRUE(router->checkConservation().ok());

  // The endpoint comes back: the next probe (at most 5 minutes later) revives it.
  up = true;
  for (int minute = 0; minute < 6; ++minute) {
    ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", seq++)), clock.nowNs()),
              SubmitResult::kAccepted);
    clock.advance(60 * kNsPerSecond);
    router->drain();
  }
  h = router->health()[1];
  EXPECT_EQ(h.status, HealthStatus::kDegraded);
  EXPECT_GT(router->metrics().endpoints[1].delivered, 0u);
  clock.advance(601 * kNsPerSecond);
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", seq++)), clock.nowNs()),
            SubmitResult::kAccepted);
  EXPECT_EQ(router->health()[1].status, HealthStatus::kHealthy);
  EXPECT_EQ(router->health()[0].status, HealthStatus::kUnknown);  // events: never tried
  Status conservation = router->checkConservation();
  EXPECT_TRUE(conservation.ok()) << conservation.error().message();
}

TEST(RetryPolicyTest, BacksOffExponentiallyFromOneSecondToAMinute) {
  RetryPolicy p;
  EXPECT_EQ(p.backoff(1), 1 * kNsPerSecond);
  EXPECT_EQ(p.backoff(2), 2 * kNsPerSecond);
  EXPECT_EQ(p.backoff(6), 32 * kNsPerSecond);
  EXPECT_EQ(p.backoff(7), 60 * kNsPerSecond);
  EXPECT_EQ(p.backoff(100), 60 * kNsPerSecond);
  EXPECT_EQ(healthStatusName(HealthStatus::kDegraded), "degraded");
}

TEST_F(RouterInlineTest, SwapTableRoutesLaterMessagesWithTheNewTable) {
  BuiltTable a = buildTable(R"({"endpoints": {"eventHubs": [{"name": "hot"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["hot"], "isEnabled": true}]})");
  BuiltTable b = buildTable(R"({"endpoints": {"serviceBusQueues": [{"name": "alerts"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["alerts"], "isEnabled": true}]})");
  auto router = std::make_unique<Router>(a.table, registry_, b.configs, RouterOptions{});
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", 0)), router->now()),
            SubmitResult::kAccepted);
  SwapStats stats = router->swapTable(b.table);
  EXPECT_GE(stats.publish.count(), 0);
  EXPECT_GE(stats.quiesce.count(), 0);
  EXPECT_EQ(router->table(), b.table);
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", 1)), router->now()),
            SubmitResult::kAccepted);

  ASSERT_EQ(recorder_["hot"].attempts.size(), 1u);
  EXPECT_EQ(recorder_["hot"].attempts[0].seq, 0);
  ASSERT_EQ(recorder_["alerts"].attempts.size(), 1u);
  EXPECT_EQ(recorder_["alerts"].attempts[0].seq, 1);
  // The old table's endpoint keeps its slot and its counts.
  auto described = router->endpointDescriptions();
  ASSERT_EQ(described.size(), 3u);
  EXPECT_EQ(described[0].name, "events");
  EXPECT_EQ(described[1].name, "hot");
  EXPECT_EQ(described[2].name, "alerts");
  EXPECT_EQ(described[2].type, "serviceBusQueues");
  metrics::MetricsSnapshot m = router->metrics();
  EXPECT_EQ(m.endpoints[1].delivered, 1u);
  EXPECT_EQ(m.endpoints[2].delivered, 1u);
  EXPECT_TRUE(router->checkConservation().ok());
}

TEST_F(RouterInlineTest, EndpointFactoryReceivesTheCustomEndpointsConfig) {
  BuiltTable built = buildTable(kStandardRouting);
  std::map<std::string, std::string> seen;  // name -> container name or "<null>"
  EndpointRegistry registry;
  for (auto kind : {routing::EndpointKind::kBuiltIn, routing::EndpointKind::kStorage,
                    routing::EndpointKind::kEventHubs, routing::EndpointKind::kServiceBusQueue}) {
    registry.add(kind, [&seen](std::string_view name, const routing::EndpointConfig* config) {
      seen[std::string(name)] =
          config ? "config:" + config->name + ":" + config->container_name : std::string("<null>");
      return std::make_unique<CountingEndpoint>();
    });
  }
  Router router(built.table, registry, built.configs, RouterOptions{.workers = 1});
  std::map<std::string, std::string> expected = {{"events", "<null>"},
                                                 {"hot", "config:hot:"},
                                                 {"archive", "config:archive:archive"},
                                                 {"alerts", "config:alerts:"}};
  EXPECT_EQ(seen, expected);
}

TEST(RouterShardTest, ShardOfIsStableAndInRange) {
  BuiltTable built = buildTable(kStandardRouting);
  EndpointRegistry registry;
  registerCountingEndpoints(registry);
  Router four(built.table, registry, built.configs, RouterOptions{.workers = 4});
  Router again(built.table, registry, built.configs, RouterOptions{.workers = 4});
  EXPECT_EQ(four.workerCount(), 4u);
  std::set<size_t> used;
  for (int d = 0; d < 200; ++d) {
    std::string id = "device-" + std::to_string(d);
    size_t s = four.shardOf(id);
    EXPECT_LT(s, 4u);
    EXPECT_EQ(s, four.shardOf(id));
    EXPECT_EQ(s, again.shardOf(id));
    used.insert(s);
  }
  EXPECT_EQ(used.size(), 4u);
  for (size_t s = 0; s < 4; ++s) EXPECT_EQ(four.shardBacklog(s), 0u);
  Router defaulted(built.table, registry, built.configs, RouterOptions{});
  EXPECT_GE(defaulted.workerCount(), 1u);  // 0 workers: the hardware threads
}

TEST(EndpointRegistryTest, KindWithoutFactoryGetsACountingEndpoint) {
  EndpointRegistry registry;
  auto e = registry.create(routing::EndpointKind::kStorage, "s", nullptr);
  ASSERT_NE(e, nullptr);
  EXPECT_NE(dynamic_cast<CountingEndpoint*>(e.get()), nullptr);
}

TEST(EndpointRegistryTest, FactoryIsChosenByKind) {
  EndpointRegistry registry;
  std::string created;
  registry.add(routing::EndpointKind::kEventHubs,
               [&created](std::string_view name, const routing::EndpointConfig*) {
                 created = std::string(name);
                 return std::make_unique<CountingEndpoint>();
               });
  registry.create(routing::EndpointKind::kServiceBusTopic, "topic", nullptr);
  EXPECT_EQ(created, "");
  registry.create(routing::EndpointKind::kEventHubs, "hub", nullptr);
  EXPECT_EQ(created, "hub");
}

TEST(CountingEndpointTest, AcceptsEverythingAndCountsBytes) {
  CountingEndpoint e;
  message::Message m = makeMessage("d", 0);
  std::vector<OutboundMessage> batch(3);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].message = &m;
    batch[i].size = static_cast<uint32_t>(10 * (i + 1));
  }
  DeliveryReport r = e.deliver(batch);
  EXPECT_EQ(r.delivered, 3u);
  EXPECT_EQ(r.failure, DeliveryFailure::kNone);
  EXPECT_EQ(e.messages(), 3u);
  EXPECT_EQ(e.bytes(), 60u);
  r = e.deliver(std::span<const OutboundMessage>(batch).first(1));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(e.messages(), 4u);
  EXPECT_EQ(e.bytes(), 70u);
}

TEST(DeliveryFailureTest, NamesAreIotHubsLastKnownErrors) {
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kNone), "None");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kTransient), "Transient");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kInternalError), "InternalError");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kUnauthorized), "Unauthorized");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kThrottled), "Throttled");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kTimeout), "Timeout");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kMaxMessageSizeExceeded),
            "MaxMessageSizeExceeded");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kPartitioningAndDuplicateDetectionNotSupported),
            "PartitioningAndDuplicateDetectionNotSupported");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kSessionfulEntityNotSupported),
            "SessionfulEntityNotSupported");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kNoMatchingSubscriptionsForMessage),
            "NoMatchingSubscriptionsForMessage");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kEndpointExternallyDisabled),
            "EndpointExternallyDisabled");
  EXPECT_EQ(deliveryFailureName(DeliveryFailure::kDeviceMaximumQueueDepthExceeded),
            "DeviceMaximumQueueDepthExceeded");
}

}  // namespace
}  // namespace routesim::router

namespace routesim::router {
namespace {

// Records the times tick() and flush() were called with.
class TimedEndpoint final : public Endpoint {
 public:
  explicit TimedEndpoint(std::vector<std::string>* log) : log_(log) {}
  DeliveryReport deliver(std::span<const OutboundMessage> batch) override {
    return {batch.size(), DeliveryFailure::kNone, {}};
  }
  void tick(uint64_t now_ns) override { log_->push_back("tick " + std::to_string(now_ns)); }
  void flush(uint64_t now_ns) override { log_->push_back("flush " + std::to_string(now_ns)); }

 private:
  std::vector<std::string>* log_;
};

TEST(RouterTimeTest, TickAndFlushReachEveryEndpointWithTheClocksTime) {
  testing::BuiltTable built = testing::buildTable(R"({"endpoints": {"eventHubs": [{"name": "hot"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["hot"], "isEnabled": true}]})");
  std::vector<std::string> log;
  EndpointRegistry registry;
  for (auto kind : {routing::EndpointKind::kBuiltIn, routing::EndpointKind::kEventHubs}) {
    registry.add(kind, [&log](std::string_view, const routing::EndpointConfig*) {
      return std::make_unique<TimedEndpoint>(&log);
    });
  }
  ManualClock clock(5);
  RouterOptions options;
  options.clock = &clock;
  options.workers = 1;
  Router router(built.table, registry, built.configs, options);
  router.tickEndpoints();
  clock.advance(10);
  router.flushEndpoints();
  // Two endpoint slots (events and hot), each told the time.
  EXPECT_EQ(log, (std::vector<std::string>{"tick 5", "tick 5", "flush 15", "flush 15"}));
}

}  // namespace
}  // namespace routesim::router
