#include "endpoints/fault/fault_plan.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/common/clock.h"
#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/router/router.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::endpoints::fault {
namespace {

using router::DeliveryFailure;
using router::HealthStatus;
using router::testing::buildTable;
using router::testing::BuiltTable;
using router::testing::makeMessage;

constexpr uint64_t kS = kNsPerSecond;

TEST(InjectedErrorTest, NamesMapToIotHubsLastKnownErrors) {
  struct Case {
    std::string_view name;
    DeliveryFailure failure;
    std::string_view detail_starts;
  };
  for (const Case& c :
       {Case{"transient", DeliveryFailure::kTransient, "ServiceUnavailable"},
        Case{"Throttled", DeliveryFailure::kThrottled, "ServerBusy"},
        Case{"unauthorized", DeliveryFailure::kUnauthorized, "Unauthorized"},
        Case{"unreachable", DeliveryFailure::kTimeout, "Unreachable"},
        Case{"quotaexceeded", DeliveryFailure::kDeviceMaximumQueueDepthExceeded, "QuotaExceeded"},
        Case{"InternalError", DeliveryFailure::kInternalError, "InternalError"},
        Case{"endpointexternallydisabled", DeliveryFailure::kEndpointExternallyDisabled,
             "EndpointExternallyDisabled"}}) {
    std::optional<InjectedError> e = parseInjectedError(c.name);
    ASSERT_TRUE(e.has_value()) << c.name;
    EXPECT_EQ(e->failure, c.failure) << c.name;
    EXPECT_EQ(e->detail.rfind(c.detail_starts, 0), 0u) << e->detail;
  }
  EXPECT_FALSE(parseInjectedError("flaky").has_value());
  EXPECT_FALSE(parseInjectedError("None").has_value());
}

TEST(FaultPlanTest, AppliesFaultsOnlyInsideTheirPeriod) {
  FaultPlan plan;
  EXPECT_TRUE(plan.empty());
  plan.add("Cold", {10 * kS, 20 * kS, parseInjectedError("unauthorized"), 0, 0});
  plan.add("cold", {15 * kS, 30 * kS, std::nullopt, 2 * kS, 0});
  plan.add("cold", {0, UINT64_MAX, std::nullopt, 1 * kS, 50});
  plan.add("cold", {0, UINT64_MAX, std::nullopt, 0, 10});
  EXPECT_FALSE(plan.empty());

  FaultPlan::Snapshot s = plan.at("COLD", 9 * kS);
  EXPECT_FALSE(s.error.has_value());
  EXPECT_EQ(s.latency_ns, 1 * kS);
  EXPECT_EQ(s.max_rate, 10);  // the lowest cap wins
  s = plan.at("cold", 10 * kS);
  ASSERT_TRUE(s.error.has_value());
  EXPECT_EQ(s.error->failure, DeliveryFailure::kUnauthorized);
  s = plan.at("cold", 16 * kS);
  EXPECT_EQ(s.latency_ns, 3 * kS);  // latencies add
  s = plan.at("cold", 20 * kS);     // the end is exclusive
  EXPECT_FALSE(s.error.has_value());
  EXPECT_FALSE(plan.at("hot", 12 * kS).error.has_value());

  plan.clear("cold", 25 * kS);
  s = plan.at("cold", 26 * kS);
  EXPECT_EQ(s.latency_ns, 0u);
  EXPECT_EQ(s.max_rate, 0);
}

class FaultRouterTest : public ::testing::Test {
 protected:
  FaultRouterTest() : plan_(std::make_shared<FaultPlan>()) {
    router::registerCountingEndpoints(registry_);
    addFaultInjection(registry_, plan_, &clock_);
  }

  std::unique_ptr<router::Router> makeRouter(const BuiltTable& built) {
    router::RouterOptions options;
    options.workers = 1;
    options.clock = &clock_;
    return std::make_unique<router::Router>(built.table, registry_, built.configs, options);
  }

  uint64_t delivered(router::Router& r, std::string_view endpoint) {
    metrics::MetricsSnapshot m = r.metrics();
    std::vector<metrics::EndpointDescription> d = r.endpointDescriptions();
    for (size_t i = 0; i < d.size(); ++i) {
      if (d[i].name == endpoint) return m.endpoints[i].delivered;
    }
    ADD_FAILURE() << "no endpoint " << endpoint;
    return 0;
  }
  router::EndpointHealthReport health(router::Router& r, std::string_view endpoint) {
    std::vector<metrics::EndpointDescription> d = r.endpointDescriptions();
    for (size_t i = 0; i < d.size(); ++i) {
      if (d[i].name == endpoint) return r.health()[i];
    }
    ADD_FAILURE() << "no endpoint " << endpoint;
    return {};
  }

  ManualClock clock_{1000 * kS};
  std::shared_ptr<FaultPlan> plan_;
  router::EndpointRegistry registry_;
  router::testing::MessageKeeper kept_;
};

constexpr std::string_view kTwoEndpoints = R"({
  "endpoints": {"eventHubs": [{"name": "hot"}],
                "serviceBusQueues": [{"name": "cold"}]},
  "routes": [{"name": "h", "source": "DeviceMessages", "condition": "true",
              "endpointNames": ["hot"], "isEnabled": true},
             {"name": "c", "source": "DeviceMessages", "condition": "true",
              "endpointNames": ["cold"], "isEnabled": true}]})";

TEST_F(FaultRouterTest, FailingPeriodMakesTheEndpointUnhealthyThenItRecovers) {
  BuiltTable built = buildTable(kTwoEndpoints);
  plan_->add("cold", {1000 * kS, 1010 * kS, parseInjectedError("unauthorized"), 0, 0});
  auto router = makeRouter(built);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", i)), clock_.nowNs()),
              router::SubmitResult::kAccepted);
  }
  EXPECT_EQ(delivered(*router, "hot"), 5u);
  EXPECT_EQ(delivered(*router, "cold"), 0u);
  router::EndpointHealthReport h = health(*router, "cold");
  EXPECT_EQ(h.status, HealthStatus::kUnhealthy);
  EXPECT_EQ(h.last_known_error, DeliveryFailure::kUnauthorized);
  EXPECT_NE(h.last_known_error_detail.find("'Send' claim"), std::string::npos);
  EXPECT_EQ(health(*router, "hot").status, HealthStatus::kHealthy);

  // Retries at 1, 2, 4 s after each failure fail inside the period; the first after it succeeds.
  for (int step = 0; step < 30; ++step) {
    clock_.advance(kS);
    router->drain();
  }
  EXPECT_EQ(delivered(*router, "cold"), 5u);
  h = health(*router, "cold");
  EXPECT_EQ(h.status, HealthStatus::kDegraded);
  EXPECT_GE(h.last_successful_send_attempt_time_ns, 1010 * kS);
  Status conservation = router->checkConservation();
  EXPECT_TRUE(conservation.ok()) << conservation.error().message();
  EXPECT_EQ(router->metrics().egress_success, 10u);
  EXPECT_EQ(router->metrics().egress_dropped, 0u);
}

TEST_F(FaultRouterTest, LatencyDelaysCompletionAndShowsInTheLatencyMetric) {
  BuiltTable built = buildTable(kTwoEndpoints);
  plan_->add("hot", {0, UINT64_MAX, std::nullopt, 2 * kS, 0});
  auto router = makeRouter(built);
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", 0)), clock_.nowNs()),
            router::SubmitResult::kAccepted);
  ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d", 1)), clock_.nowNs()),
            router::SubmitResult::kAccepted);
  // The first batch took 2 s; the endpoint takes nothing else meanwhile.
  EXPECT_EQ(delivered(*router, "hot"), 1u);
  clock_.advance(2 * kS);
  router->drain();
  EXPECT_EQ(delivered(*router, "hot"), 2u);
  metrics::MetricsSnapshot m = router->metrics();
  size_t hot = 0;
  for (const auto& d : router->endpointDescriptions()) {
    if (d.name == "hot") break;
    ++hot;
  }
  EXPECT_EQ(m.endpoints[hot].latency.count(), 2u);
  EXPECT_GE(m.endpoints[hot].latency.max(), 4 * kS - kS / 10);       // waited 2 s, then took 2 s
  EXPECT_EQ(health(*router, "hot").status, HealthStatus::kHealthy);  // slow is not failing
}

TEST_F(FaultRouterTest, RateCapSpreadsDeliveriesOverVirtualTime) {
  BuiltTable built = buildTable(kTwoEndpoints);
  plan_->add("cold", {0, UINT64_MAX, std::nullopt, 0, 10});  // 10 messages per second
  auto router = makeRouter(built);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(router->processInline(kept_.keep(makeMessage("d" + std::to_string(i % 7), i)),
                                    clock_.nowNs()),
              router::SubmitResult::kAccepted);
  }
  uint64_t seconds = 0;
  while (delivered(*router, "cold") < 100 && seconds < 100) {
    clock_.advance(kS);
    ++seconds;
    router->drain();
  }
  EXPECT_EQ(delivered(*router, "cold"), 100u);
  // 100 messages at 10/s: about 10 s (the first batch went at once), never much faster.
  EXPECT_GE(seconds, 8u);
  EXPECT_LE(seconds, 12u);
  EXPECT_TRUE(router->checkConservation().ok());
}

TEST_F(FaultRouterTest, ConservationHoldsUnderMixedFaultsIncludingADeadEndpoint) {
  BuiltTable built = buildTable(R"({
    "endpoints": {"eventHubs": [{"name": "hot"}],
                  "serviceBusQueues": [{"name": "cold"}],
                  "storageContainers": [{"name": "archive", "containerName": "a"}]},
    "routes": [{"name": "h", "source": "DeviceMessages", "condition": "k = 'h'",
                "endpointNames": ["hot"], "isEnabled": true},
               {"name": "c", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["cold"], "isEnabled": true},
               {"name": "a", "source": "DeviceMessages", "condition": "k = 'a'",
                "endpointNames": ["archive"], "isEnabled": true}],
    "fallbackRoute": {"source": "DeviceMessages", "condition": "true",
                      "endpointNames": ["events"], "isEnabled": true}})");
  // cold is down for 2 hours (dead after 1), hot throttles for 5 minutes, archive is slow.
  plan_->add("cold", {1000 * kS, 1000 * kS + 7200 * kS, parseInjectedError("unreachable"), 0, 0});
  plan_->add("hot", {1100 * kS, 1400 * kS, parseInjectedError("throttled"), 0, 0});
  plan_->add("archive", {0, UINT64_MAX, std::nullopt, kS / 2, 0});
  auto router = makeRouter(built);
  uint64_t to_cold = 0;
  uint64_t to_hot = 0;
  uint64_t to_archive = 0;
  for (int minute = 0; minute < 180; ++minute) {
    for (int i = 0; i < 10; ++i) {
      std::string k = i % 3 == 0 ? "h" : i % 3 == 1 ? "a" : "x";
      ASSERT_EQ(router->processInline(
                    kept_.keep(makeMessage("dev" + std::to_string(i), minute, {{"k", k}})),
                    clock_.nowNs()),
                router::SubmitResult::kAccepted);
      ++to_cold;
      to_hot += k == "h";
      to_archive += k == "a";
    }
    for (int s = 0; s < 60; s += 5) {
      clock_.advance(5 * kS);
      router->drain();
    }
  }
  // Revived by a probe about two hours in, and healthy again after five quiet minutes.
  router::EndpointHealthReport cold = health(*router, "cold");
  EXPECT_EQ(cold.status, HealthStatus::kHealthy);
  EXPECT_EQ(cold.last_known_error, DeliveryFailure::kTimeout);
  EXPECT_GE(cold.last_known_error_time_ns, 1000 * kS + 3600 * kS);
  Status conservation = router->checkConservation();
  ASSERT_TRUE(conservation.ok()) << conservation.error().message();
  metrics::MetricsSnapshot m = router->metrics();
  // Every delivery ended exactly once: delivered or dropped (cold while dead).
  EXPECT_EQ(delivered(*router, "hot"), to_hot);
  EXPECT_EQ(delivered(*router, "archive"), to_archive);
  EXPECT_GT(m.egress_dropped, 0u);
  EXPECT_LT(m.egress_dropped, to_cold);
  EXPECT_EQ(delivered(*router, "cold") + m.egress_dropped, to_cold);
  EXPECT_EQ(m.egress_success, to_hot + to_archive + delivered(*router, "cold"));
  EXPECT_EQ(m.egress_fallback, 0u);  // every message matched "c": dropped ones not re-routed
}

// Accepts every batch whole.
class AcceptAll final : public router::Endpoint {
 public:
  router::DeliveryReport deliver(std::span<const router::OutboundMessage> batch) override {
    return {batch.size(), DeliveryFailure::kNone, {}, 0};
  }
};

TEST(FaultInjectingEndpointTest, RateCapsAtTheEdgesOfDoublesStayInRange) {
  ManualClock clock{1000 * kS};
  std::vector<router::OutboundMessage> batch(8);
  for (double rate : {1e-300, 1e300}) {
    SCOPED_TRACE(rate);
    auto plan = std::make_shared<FaultPlan>();
    plan->add("x", {0, UINT64_MAX, std::nullopt, 0, rate});
    FaultInjectingEndpoint endpoint(std::make_unique<AcceptAll>(), "x", plan, &clock);
    router::DeliveryReport first = endpoint.deliver(batch);
    if (rate < 1) {
      // One message goes; the next may go only after the end of time.
      EXPECT_EQ(first.delivered, 1u);
      EXPECT_EQ(first.busy_ns, UINT64_MAX - clock.nowNs());
      EXPECT_EQ(endpoint.deliver(batch).delivered, 0u);
    } else {
      EXPECT_EQ(first.delivered, batch.size());  // no cap worth the name: all of it at once
      EXPECT_EQ(endpoint.deliver(batch).delivered, batch.size());
    }
  }
}

TEST(FaultSpecTest, ReadsSpecsRelativeToTheOrigin) {
  auto value = json::parse(R"([
    {"endpoint": "cold", "at": "PT10M", "duration": "PT1H", "error": "unauthorized"},
    {"endpoint": "hot", "until": "PT30S", "latency": "PT0.25S", "maxRate": 200,
     "error": "throttled", "detail": "custom text"}])");
  ASSERT_TRUE(value.ok());
  ConfigIssues issues;
  std::vector<FaultSpec> specs = readFaultSpecs(value.value(), "$.faults", 100, issues);
  ASSERT_FALSE(issues.hasErrors()) << issues.format("f.json", "");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].endpoint, "cold");
  EXPECT_EQ(specs[0].fault.from_ns, 100 + 600 * kS);
  EXPECT_EQ(specs[0].fault.until_ns, 100 + 4200 * kS);
  EXPECT_EQ(specs[0].fault.error->failure, DeliveryFailure::kUnauthorized);
  EXPECT_EQ(specs[1].fault.from_ns, 100u);
  EXPECT_EQ(specs[1].fault.until_ns, 100 + 30 * kS);
  EXPECT_EQ(specs[1].fault.latency_ns, kS / 4);
  EXPECT_EQ(specs[1].fault.max_rate, 200);
  EXPECT_EQ(specs[1].fault.error->detail, "custom text");
  EXPECT_EQ(specs[1].path, "$.faults[1]");
}

TEST(FaultSpecTest, BadSpecsAreErrorsNamingTheirPath) {
  struct Case {
    std::string_view text;
    std::string_view path;
    std::string_view says;
  };
  for (const Case& c : {
           Case{R"([{"at": "PT1M", "error": "transient"}])", "$.f[0].endpoint", "endpoint"},
           Case{R"([{"endpoint": "x", "error": "flaky"}])", "$.f[0].error",
                "unknown error 'flaky'"},
           Case{R"([{"endpoint": "x", "at": "10 minutes", "error": "transient"}])", "$.f[0].at",
                "ISO 8601"},
           Case{R"([{"endpoint": "x", "duration": "PT1M", "until": "PT2M", "error": "transient"}])",
                "$.f[0].until", "not both"},
           Case{R"([{"endpoint": "x", "at": "PT5M", "until": "PT2M", "error": "transient"}])",
                "$.f[0].until", "later than at"},
           Case{R"([{"endpoint": "x", "maxRate": -3}])", "$.f[0].maxRate", "positive"},
           Case{R"([{"endpoint": "x"}])", "$.f[0]", "at least one of"},
           Case{R"({"endpoint": "x"})", "$.f", "array"},
       }) {
    auto value = json::parse(c.text);
    ASSERT_TRUE(value.ok()) << c.text;
    ConfigIssues issues;
    std::vector<FaultSpec> specs = readFaultSpecs(value.value(), "$.f", 0, issues);
    EXPECT_TRUE(specs.empty()) << c.text;
    ASSERT_TRUE(issues.hasErrors()) << c.text;
    EXPECT_EQ(issues.items()[0].path, c.path) << c.text;
    EXPECT_NE(issues.items()[0].message.find(c.says), std::string::npos)
        << c.text << ": " << issues.items()[0].message;
  }
  // An unknown key is a warning, not an error.
  auto value = json::parse(R"([{"endpoint": "x", "error": "transient", "eror": 1}])");
  ConfigIssues issues;
  EXPECT_EQ(readFaultSpecs(value.value(), "$.f", 0, issues).size(), 1u);
  EXPECT_FALSE(issues.hasErrors());
  ASSERT_EQ(issues.items().size(), 1u);
  EXPECT_EQ(issues.items()[0].path, "$.f[0].eror");
}

}  // namespace
}  // namespace routesim::endpoints::fault
