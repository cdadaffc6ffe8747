#include "core/policy/ingress.h"

#include <gtest/gtest.h>

#include "core/policy/denial_ledger.h"

namespace routesim::policy {
namespace {

Ipv4 ip(std::string_view text) { return *parseIpv4(text); }
Cidr cidr(std::string_view text) { return *parseCidr(text); }

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The seed: a plant's on-premises network joined to a VNet by ExpressRoute, a private endpoint to
// the hub in that VNet, and the hub's public access switched off.
class SeedIngressTest : public ::testing::Test {
 protected:
  SeedIngressTest() {
    network_.vnets.push_back(
        {"plant-vnet", {cidr("10.10.0.0/16")}, {{"endpoints", cidr("10.10.1.0/24")}}, {}});
    network_.vnets.push_back({"hub-spoke", {cidr("10.20.0.0/16")}, {}, {"plant-vnet"}});
    network_.vnets.push_back({"elsewhere", {cidr("10.30.0.0/16")}, {}, {}});
    network_.on_premises.push_back({"plant-7",
                                    {cidr("192.168.70.0/24")},
                                    "plant-vnet",
                                    OnPremisesLink::kExpressRoutePrivatePeering});
    network_.private_endpoints.push_back({"hub-pe", "plant-vnet", "endpoints", ip("10.10.1.5"),
                                          "contoso-hub", "iotHub", ConnectionState::kApproved,
                                          true});
    config_.hub = "contoso-hub";
    config_.public_network_access = false;
    config_.min_tls = TlsVersion::k1_2;
  }

  IngressDecision decide(const ClientLocation& c, TlsVersion tls = TlsVersion::k1_2,
                         HubSurface surface = HubSurface::kDeviceApi) {
    policy_.emplace(config_, network_);
    return policy_->decide(c, tls, surface);
  }

  static ClientLocation plant(bool private_dns) {
    ClientLocation c;
    c.network = ClientNetwork::kOnPremises;
    c.network_name = "plant-7";
    c.source_ip = ip("192.168.70.20");
    c.public_ip = ip("203.0.113.9");
    c.uses_private_dns = private_dns;
    return c;
  }

  NetworkModel network_;
  HubIngressConfig config_;
  std::optional<IngressPolicy> policy_;
};

TEST_F(SeedIngressTest, OnPremisesThroughPrivateEndpointIsAllowed) {
  IngressDecision d = decide(plant(true));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.path, IngressPath::kPrivateEndpoint);
  EXPECT_EQ(d.reason, IngressReason::kPrivateEndpoint);
  EXPECT_EQ(policy_->decidedBy(d), "private endpoint 'hub-pe'");
  std::string why = policy_->explain(d, plant(true), TlsVersion::k1_2);
  EXPECT_TRUE(contains(why, "10.10.1.5")) << why;
  EXPECT_EQ(ingressReasonName(d.reason), "privateEndpoint");
}

TEST_F(SeedIngressTest, WithoutPrivateDnsTheClientGoesPublicAndIsRefused) {
  IngressDecision d = decide(plant(false));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.path, IngressPath::kPublic);
  EXPECT_EQ(d.reason, IngressReason::kPublicNetworkAccessDisabled);
  AzureError e = IngressPolicy::azureError(d);
  EXPECT_EQ(e.status, 401);
  EXPECT_EQ(e.code, "IotHubUnauthorizedAccess");
  EXPECT_EQ(e.error_code, 401002u);
  EXPECT_EQ(policy_->decidedBy(d), "properties.publicNetworkAccess");
  std::string why = policy_->explain(d, plant(false), TlsVersion::k1_2);
  EXPECT_TRUE(contains(why, "publicNetworkAccess=Disabled")) << why;
  EXPECT_TRUE(contains(why, "private DNS zone")) << why;
}

TEST_F(SeedIngressTest, PeeredVnetReachesThePrivateEndpointUnrelatedVnetDoesNot) {
  ClientLocation peered{ClientNetwork::kVirtualNetwork, "hub-spoke", "", ip("10.20.0.4"), {}, true};
  EXPECT_TRUE(decide(peered).allowed);
  ClientLocation other{ClientNetwork::kVirtualNetwork, "elsewhere", "", ip("10.30.0.4"), {}, true};
  IngressDecision d = decide(other);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kPublicNetworkAccessDisabled);
}

TEST_F(SeedIngressTest, PrivateEndpointOfAnotherHubOrSubResourceDoesNotCount) {
  network_.private_endpoints[0].target = "other-hub";
  EXPECT_FALSE(decide(plant(true)).allowed);
  network_.private_endpoints[0].target = "CONTOSO-HUB";  // names ignore case
  network_.private_endpoints[0].group_id = "blob";
  EXPECT_FALSE(decide(plant(true)).allowed);
}

TEST_F(SeedIngressTest, PendingPrivateEndpointFailsBelowHttp) {
  network_.private_endpoints[0].state = ConnectionState::kPending;
  IngressDecision d = decide(plant(true));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kPrivateEndpointNotApproved);
  EXPECT_EQ(IngressPolicy::azureError(d).status, std::nullopt);
  EXPECT_TRUE(contains(policy_->explain(d, plant(true), TlsVersion::k1_2), "Pending"));
}

TEST_F(SeedIngressTest, TlsBelowMinimumFailsOnEveryPath) {
  IngressDecision d = decide(plant(true), TlsVersion::k1_1);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kTlsBelowMinimum);
  EXPECT_EQ(IngressPolicy::azureError(d).status, std::nullopt);
  EXPECT_EQ(policy_->decidedBy(d), "properties.minTlsVersion");
  std::string why = policy_->explain(d, plant(true), TlsVersion::k1_1);
  EXPECT_TRUE(contains(why, "TLS 1.1")) << why;
  EXPECT_TRUE(decide(plant(true), TlsVersion::k1_3).allowed);
  config_.min_tls.reset();
  EXPECT_TRUE(decide(plant(true), TlsVersion::k1_0).allowed);
}

ClientLocation internet(std::string_view address) {
  ClientLocation c;
  c.source_ip = ip(address);
  return c;
}

TEST(ClassicIpFilterTest, FirstMatchInListOrderDecides) {
  HubIngressConfig config;
  config.hub = "h";
  config.ip_filter_rules = {{"allow-plant", true, cidr("192.168.100.0/22")},
                            {"block-all", false, cidr("0.0.0.0/0")},
                            {"never-reached", true, cidr("8.8.8.0/24")}};
  IngressPolicy policy(config, {});
  IngressDecision in = policy.decide(internet("192.168.101.7"), TlsVersion::k1_2);
  EXPECT_TRUE(in.allowed);
  EXPECT_EQ(in.rule, 0);
  IngressDecision out = policy.decide(internet("8.8.8.8"), TlsVersion::k1_2);
  EXPECT_FALSE(out.allowed);
  EXPECT_EQ(out.reason, IngressReason::kClassicRuleRejected);
  EXPECT_EQ(policy.decidedBy(out), "properties.ipFilterRules[1] 'block-all'");
  EXPECT_TRUE(contains(policy.explain(out, internet("8.8.8.8"), TlsVersion::k1_2), "8.8.8.8"));
  // Not applied to the built-in Event Hub-compatible endpoint.
  EXPECT_TRUE(
      policy.decide(internet("8.8.8.8"), TlsVersion::k1_2, HubSurface::kBuiltInEvents).allowed);
}

TEST(ClassicIpFilterTest, NoMatchAndEmptyListAccept) {
  HubIngressConfig config;
  config.hub = "h";
  IngressPolicy open(config, {});
  EXPECT_EQ(open.decide(internet("1.2.3.4"), TlsVersion::k1_2).reason,
            IngressReason::kNoPublicRestrictions);
  config.ip_filter_rules = {{"block-one", false, cidr("1.2.3.4")}};
  IngressPolicy one(config, {});
  IngressDecision d = one.decide(internet("1.2.3.5"), TlsVersion::k1_2);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kClassicNoMatch);
}

TEST(NetworkRuleSetsTest, AllowListWithDefaultDenyAndBuiltInSwitch) {
  HubIngressConfig config;
  config.hub = "h";
  config.ip_filter_rules = {{"ignored", false, cidr("0.0.0.0/0")}};  // networkRuleSets win
  config.network_rule_sets = HubNetworkRuleSet{false, false, {{"office", cidr("203.0.113.0/24")}}};
  IngressPolicy policy(config, {});
  IngressDecision ok = policy.decide(internet("203.0.113.50"), TlsVersion::k1_2);
  EXPECT_TRUE(ok.allowed);
  EXPECT_EQ(policy.decidedBy(ok), "properties.networkRuleSets.ipRules[0] 'office'");
  IngressDecision no = policy.decide(internet("198.51.100.1"), TlsVersion::k1_2);
  EXPECT_FALSE(no.allowed);
  EXPECT_EQ(no.reason, IngressReason::kNotInAllowList);
  EXPECT_EQ(IngressPolicy::azureError(no).status, 401);
  EXPECT_TRUE(contains(policy.explain(no, internet("198.51.100.1"), TlsVersion::k1_2),
                       "defaultAction=Deny"));
  EXPECT_TRUE(policy.decide(internet("198.51.100.1"), TlsVersion::k1_2, HubSurface::kBuiltInEvents)
                  .allowed);
  config.network_rule_sets->apply_to_builtin = true;
  IngressPolicy applied(config, {});
  EXPECT_FALSE(
      applied.decide(internet("198.51.100.1"), TlsVersion::k1_2, HubSurface::kBuiltInEvents)
          .allowed);
  config.network_rule_sets->default_allow = true;
  IngressPolicy allow(config, {});
  EXPECT_EQ(allow.decide(internet("198.51.100.1"), TlsVersion::k1_2).reason,
            IngressReason::kDefaultActionAllow);
}

TEST(NetworkRuleSetsTest, OnPremisesClientOnThePublicPathIsSeenByItsPublicAddress) {
  HubIngressConfig config;
  config.hub = "h";
  config.network_rule_sets = HubNetworkRuleSet{false, false, {{"plant-nat", cidr("203.0.113.9")}}};
  NetworkModel network;
  network.on_premises.push_back({"plant", {cidr("192.168.70.0/24")}, "", OnPremisesLink::kVpn});
  IngressPolicy policy(config, network);
  ClientLocation c{ClientNetwork::kOnPremises, "plant",           "",
                   ip("192.168.70.20"),        ip("203.0.113.9"), false};
  EXPECT_TRUE(policy.decide(c, TlsVersion::k1_2).allowed);
  c.public_ip.reset();
  EXPECT_FALSE(policy.decide(c, TlsVersion::k1_2).allowed);
}

// What the run's report lists: one entry per (kind, source, target, code, reason).
TEST_F(SeedIngressTest, DenialsAreCountedPerGroupCodeAndReason) {
  DenialLedger ledger;
  for (int i = 0; i < 3; ++i) {
    IngressDecision d = decide(plant(false));
    ASSERT_FALSE(d.allowed);
    ledger.record(DenialKind::kIngress, "plant-7-sensors", "contoso-hub",
                  IngressPolicy::azureError(d), ingressReasonName(d.reason),
                  policy_->explain(d, plant(false), TlsVersion::k1_2), 10, 100u * i);
  }
  IngressDecision tls = decide(plant(true), TlsVersion::k1_0);
  ledger.record(DenialKind::kIngress, "plant-7-sensors", "contoso-hub",
                IngressPolicy::azureError(tls), ingressReasonName(tls.reason),
                policy_->explain(tls, plant(true), TlsVersion::k1_0), 1, 500);
  std::vector<Denial> all = ledger.snapshot();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(denialKindName(all[0].kind), "ingress");
  EXPECT_EQ(all[0].status, 401);
  EXPECT_EQ(all[0].code, "IotHubUnauthorizedAccess");
  EXPECT_EQ(all[0].reason, "publicNetworkAccessDisabled");
  EXPECT_EQ(all[0].count, 30u);
  EXPECT_EQ(all[0].attempts, 3u);
  EXPECT_EQ(all[0].first_ns, 0u);
  EXPECT_EQ(all[0].last_ns, 200u);
  EXPECT_EQ(all[1].status, std::nullopt);
  EXPECT_EQ(all[1].reason, "tlsBelowMinimum");
}

}  // namespace
}  // namespace routesim::policy
