#include "endpoints/egress/egress_gate.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/common/clock.h"
#include "core/router/router.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::endpoints::egress {
namespace {

using router::DeliveryFailure;
using router::HealthStatus;
using router::testing::buildTable;
using router::testing::BuiltTable;
using router::testing::makeMessage;

constexpr uint64_t kS = kNsPerSecond;
constexpr uint64_t kMin = 60 * kS;

constexpr std::string_view kRoutes = R"({
  "endpoints": {"storageContainers": [{"name": "cold", "containerName": "telemetry"}],
                "eventHubs": [{"name": "hot"}]},
  "routes": [{"name": "c", "source": "DeviceMessages", "condition": "true",
              "endpointNames": ["cold"], "isEnabled": true},
             {"name": "h", "source": "DeviceMessages", "condition": "true",
              "endpointNames": ["hot"], "isEnabled": true}]})";

// The seed's egress on the router: 'cold' writes to storage account 'contosocold' behind its
// firewall through the trusted-services exception; 'hot' is not under policy.
class EgressGateTest : public ::testing::Test {
 protected:
  EgressGateTest() : policy_(std::make_shared<EgressPolicySet>()) {
    router::registerCountingEndpoints(registry_);
    addEgressPolicy(registry_, policy_, &clock_);
    policy::EgressHub hub;
    hub.name = "contoso-hub";
    hub.location = "eastus";
    hub.identity.type = policy::IdentityType::kSystemAssigned;
    hub.egress_ranges = {policy::defaultHubEgressRange()};
    policy_->setHub(hub);
    policy::EgressEndpoint endpoint;
    endpoint.name = "cold";
    endpoint.auth = policy::AuthType::kIdentityBased;
    policy::Target target;
    target.kind = policy::TargetKind::kStorage;
    target.ref.name = "contosocold";
    target.location = "eastus";
    target.default_allow = false;
    policy_->bind("cold", endpoint, target);
  }

  policy::RoleAssignment role(std::string name, uint64_t at_ns) {
    policy::RoleAssignment a;
    a.name = std::move(name);
    a.principal_id = "contoso-hub";
    a.role = policy::findRole("Storage Blob Data Contributor");
    a.scope = *policy::Scope::parse("contosocold");
    a.created_ns = at_ns;
    return a;
  }

  std::unique_ptr<router::Router> makeRouter(const BuiltTable& built) {
    router::RouterOptions options;
    options.workers = 1;
    options.clock = &clock_;
    return std::make_unique<router::Router>(built.table, registry_, built.configs, options);
  }

  size_t index(router::Router& r, std::string_view endpoint) {
    std::vector<metrics::EndpointDescription> d = r.endpointDescriptions();
    for (size_t i = 0; i < d.size(); ++i) {
      if (d[i].name == endpoint) return i;
    }
    ADD_FAILURE() << "no endpoint " << endpoint;
    return 0;
  }
  uint64_t delivered(router::Router& r, std::string_view endpoint) {
    return r.metrics().endpoints[index(r, endpoint)].delivered;
  }
  router::EndpointHealthReport health(router::Router& r, std::string_view endpoint) {
    return r.health()[index(r, endpoint)];
  }
  void send(router::Router& r, int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_EQ(
          r.processInline(kept_.keep(makeMessage("d" + std::to_string(i % 3), i)), clock_.nowNs()),
          router::SubmitResult::kAccepted);
    }
  }
  void runFor(router::Router& r, uint64_t ns) {
    for (uint64_t t = 0; t < ns; t += kS) {
      clock_.advance(kS);
      r.drain();
    }
  }

  ManualClock clock_{0};
  std::shared_ptr<EgressPolicySet> policy_;
  router::EndpointRegistry registry_;
  router::testing::MessageKeeper kept_;
};

TEST_F(EgressGateTest, MissingRoleRefusesWithStoragesErrorAndTheEndpointTurnsUnhealthy) {
  BuiltTable built = buildTable(kRoutes);
  auto router = makeRouter(built);
  send(*router, 6);
  runFor(*router, 5 * kMin);  // retried a few times
  EXPECT_EQ(delivered(*router, "hot"), 6u);
  EXPECT_EQ(delivered(*router, "cold"), 0u);
  router::EndpointHealthReport h = health(*router, "cold");
  EXPECT_EQ(h.status, HealthStatus::kUnhealthy);
  EXPECT_EQ(h.last_known_error, DeliveryFailure::kUnauthorized);
  EXPECT_EQ(h.last_known_error_detail,
            "403 AuthorizationPermissionMismatch: This request is not authorized to perform this "
            "operation using this permission.");
  std::vector<policy::Denial> denials = policy_->denials();
  ASSERT_EQ(denials.size(), 1u);
  EXPECT_EQ(denials[0].source, "cold");
  EXPECT_EQ(denials[0].target, "contosocold");
  EXPECT_EQ(denials[0].status, 403);
  EXPECT_EQ(denials[0].code, "AuthorizationPermissionMismatch");
  EXPECT_EQ(denials[0].reason, "roleMissing");
  EXPECT_NE(denials[0].explanation.find("Storage Blob Data Contributor"), std::string::npos);
  EXPECT_GE(denials[0].attempts, 3u);
  EXPECT_EQ(denials[0].count, 6u);  // each message counted once, however often it is retried
  EXPECT_EQ(denials[0].kind, policy::DenialKind::kEgress);
}

TEST_F(EgressGateTest, RoleGrantedOnTheTimelineWorksAfterPropagationAndNothingIsLost) {
  BuiltTable built = buildTable(kRoutes);
  auto router = makeRouter(built);
  send(*router, 6);
  runFor(*router, 2 * kMin);
  policy_->addRoleAssignment(role("hub-writes-cold", clock_.nowNs()));
  runFor(*router, 4 * kMin);  // still propagating (PT5M)
  EXPECT_EQ(delivered(*router, "cold"), 0u);
  EXPECT_EQ(policy_->denials().back().reason, "rolePropagating");
  runFor(*router, 3 * kMin);  // in effect; the next retry (at most 60 s apart) gets through
  EXPECT_EQ(delivered(*router, "cold"), 6u);
  EXPECT_NE(health(*router, "cold").status, HealthStatus::kUnhealthy);
  Status conservation = router->checkConservation();
  EXPECT_TRUE(conservation.ok()) << conservation.error().message();
  EXPECT_EQ(router->metrics().egress_dropped, 0u);
}

TEST_F(EgressGateTest, RemovingTheRoleDeniesAtOnceAndFirewallChangesApply) {
  policy_->addRoleAssignment(role("hub-writes-cold", 0));
  clock_.advance(10 * kMin);
  BuiltTable built = buildTable(kRoutes);
  auto router = makeRouter(built);
  send(*router, 3);
  EXPECT_EQ(delivered(*router, "cold"), 3u);
  ASSERT_TRUE(policy_->removeRoleAssignment("HUB-WRITES-COLD"));
  EXPECT_FALSE(policy_->removeRoleAssignment("hub-writes-cold"));
  send(*router, 3);
  EXPECT_EQ(delivered(*router, "cold"), 3u);
  EXPECT_EQ(health(*router, "cold").status, HealthStatus::kUnhealthy);
  // Opening the firewall does not help a missing role; an IP rule for the hub does not either
  // (identity-based sends still need the role).
  policy::Target open;
  open.kind = policy::TargetKind::kStorage;
  open.ref.name = "contosocold";
  open.location = "eastus";
  policy_->updateTarget(open);
  runFor(*router, 2 * kMin);
  EXPECT_EQ(delivered(*router, "cold"), 3u);
  policy_->addRoleAssignment(role("again", 0));  // made long ago: in effect at once
  runFor(*router, 2 * kMin);
  EXPECT_EQ(delivered(*router, "cold"), 6u);
}

TEST_F(EgressGateTest, FirewallDenialIsAuthorizationFailureAndDeadEndpointsDrop) {
  policy_->addRoleAssignment(role("r", 0));
  policy::Target closed;
  closed.kind = policy::TargetKind::kStorage;
  closed.ref.name = "contosocold";
  closed.location = "eastus";
  closed.default_allow = false;
  closed.bypass_azure_services = false;
  policy_->updateTarget(closed);
  clock_.advance(10 * kMin);
  BuiltTable built = buildTable(kRoutes);
  auto router = makeRouter(built);
  send(*router, 4);
  EXPECT_EQ(health(*router, "cold").last_known_error_detail,
            "403 AuthorizationFailure: This request is not authorized to perform this operation.");
  runFor(*router, 61 * kMin);  // an hour of continuous failure: dead, messages dropped
  EXPECT_EQ(health(*router, "cold").status, HealthStatus::kDead);
  EXPECT_EQ(router->metrics().egress_dropped, 4u);
  Status conservation = router->checkConservation();
  EXPECT_TRUE(conservation.ok()) << conservation.error().message();
  EXPECT_EQ(policy_->denials()[0].reason, "firewallNoTrustedServices");
}

}  // namespace
}  // namespace routesim::endpoints::egress
