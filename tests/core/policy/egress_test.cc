#include "core/policy/egress.h"

#include <gtest/gtest.h>

namespace routesim::policy {
namespace {

constexpr uint64_t kMinute = 60ULL * 1000000000ULL;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The seed's egress: hub 'contoso-hub' (eastus, system-assigned identity) writing to storage
// account 'contosocold' behind its firewall (defaultAction Deny, bypass AzureServices).
class SeedEgressTest : public ::testing::Test {
 protected:
  SeedEgressTest() {
    hub_.name = "contoso-hub";
    hub_.ref.name = "contoso-hub";
    hub_.location = "eastus";
    hub_.identity.type = IdentityType::kSystemAssigned;
    hub_.egress_ranges = {defaultHubEgressRange()};
    endpoint_.name = "cold";
    endpoint_.auth = AuthType::kIdentityBased;
    endpoint_.target_entity = {"", "", "Microsoft.Storage/storageAccounts", "contosocold",
                               "blobServices/default/containers/telemetry"};
    target_.kind = TargetKind::kStorage;
    target_.ref = {"", "", "Microsoft.Storage/storageAccounts", "contosocold", ""};
    target_.location = "eastus";
    target_.default_allow = false;
    target_.bypass_azure_services = true;
  }

  void assign(std::string_view role, std::string_view scope, uint64_t at_ns = 0) {
    RoleAssignment a;
    a.name = "a" + std::to_string(rbac_.assignments.size());
    a.principal_id = "contoso-hub";
    a.role = findRole(role);
    a.scope = *Scope::parse(scope);
    a.created_ns = at_ns;
    rbac_.assignments.push_back(a);
  }

  EgressDecision decide(uint64_t now_ns = 60 * kMinute) {
    return decideEgress(hub_, endpoint_, target_, rbac_, now_ns);
  }
  std::string explain(const EgressDecision& d) {
    return explainEgress(d, hub_, endpoint_, target_);
  }

  EgressHub hub_;
  EgressEndpoint endpoint_;
  Target target_;
  RbacState rbac_;
};

TEST_F(SeedEgressTest, TrustedServicesWithPropagatedRoleIsAllowed) {
  assign("Storage Blob Data Contributor", "contosocold");
  EgressDecision d = decide();
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.network, EgressReason::kTrustedServices);
  EXPECT_EQ(d.reason, EgressReason::kRoleAssigned);
  EXPECT_EQ(d.changes_at_ns, UINT64_MAX);
  EXPECT_TRUE(contains(explain(d), "trusted Microsoft service")) << explain(d);
}

TEST_F(SeedEgressTest, MissingRoleIsStoragesPermissionMismatch) {
  assign("Contributor", "contosocold");
  assign("Storage Account Contributor", "contosocold");
  EgressDecision d = decide();
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kRoleMissing);
  AzureError e = egressAzureError(d, target_);
  EXPECT_EQ(e.status, 403);
  EXPECT_EQ(e.code, "AuthorizationPermissionMismatch");
  EXPECT_EQ(e.message,
            "This request is not authorized to perform this operation using this permission.");
  EXPECT_EQ(egressLastKnownError(d, target_), "Unauthorized");
  EXPECT_TRUE(contains(explain(d), "Storage Blob Data Contributor on 'contosocold'")) << explain(d);
}

TEST_F(SeedEgressTest, NewRoleTakesEffectAfterPropagation) {
  assign("Storage Blob Data Contributor", "contosocold", 20 * kMinute);
  EgressDecision early = decide(22 * kMinute);
  EXPECT_FALSE(early.allowed);
  EXPECT_EQ(early.reason, EgressReason::kRolePropagating);
  EXPECT_EQ(early.changes_at_ns, 25 * kMinute);
  EXPECT_TRUE(contains(explain(early), "not propagated")) << explain(early);
  EXPECT_TRUE(decide(25 * kMinute).allowed);
  rbac_.propagation_ns = 0;
  EXPECT_TRUE(decide(20 * kMinute).allowed);
}

TEST_F(SeedEgressTest, RoleScopesCoverTheAccountItsGroupAndSubscription) {
  hub_.ref = {"sub1", "rg1", "Microsoft.Devices/IotHubs", "contoso-hub", ""};
  target_.ref.subscription = endpoint_.target_entity.subscription = "sub1";
  target_.ref.resource_group = endpoint_.target_entity.resource_group = "rg1";
  for (std::string_view scope :
       {"/subscriptions/sub1", "/subscriptions/SUB1/resourceGroups/rg1",
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/"
        "contosocold",
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/"
        "contosocold/blobServices/default/containers/telemetry"}) {
    SCOPED_TRACE(scope);
    rbac_.assignments.clear();
    assign("ba92f5b4-2d11-453d-a403-e96b0029c9fe", scope);  // by role id
    EXPECT_TRUE(decide().allowed);
  }
  for (std::string_view scope :
       {"/subscriptions/sub2", "/subscriptions/sub1/resourceGroups/rg2",
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/other",
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/"
        "contosocold/blobServices/default/containers/archive"}) {
    SCOPED_TRACE(scope);
    rbac_.assignments.clear();
    assign("Storage Blob Data Contributor", scope);
    EXPECT_EQ(decide().reason, EgressReason::kRoleMissing);
  }
}

TEST_F(SeedEgressTest, KeyBasedCannotUseTheTrustedException) {
  endpoint_.auth = AuthType::kKeyBased;
  endpoint_.has_connection_string = true;
  EgressDecision d = decide();
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kFirewallKeyBased);
  AzureError e = egressAzureError(d, target_);
  EXPECT_EQ(e.status, 403);
  EXPECT_EQ(e.code, "AuthorizationFailure");
  EXPECT_EQ(e.message, "This request is not authorized to perform this operation.");
  // The sentence the issue gives as its example.
  EXPECT_EQ(
      explain(d),
      "denied: storage account 'contosocold' has networkAcls.defaultAction=Deny and the hub's "
      "endpoint 'cold' uses keyBased auth, so the trusted-services exception cannot apply; "
      "switch the endpoint to identityBased and give the hub's identity Storage Blob Data "
      "Contributor on 'contosocold'");
}

TEST_F(SeedEgressTest, IpRulesAdmitKeyBasedTrafficOnlyFromAnotherRegion) {
  endpoint_.auth = AuthType::kKeyBased;
  endpoint_.has_connection_string = true;
  target_.ip_rules = {Cidr{defaultHubEgressRange().first, 24}};
  EXPECT_EQ(decide().reason, EgressReason::kSameRegionIpRule);
  target_.location = "westus2";
  EgressDecision d = decide();
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.network, EgressReason::kIpRuleAllowsHub);
  EXPECT_EQ(d.rule, 0);
  target_.ip_rules = {Cidr{defaultHubEgressRange().first, 25}};  // half the hub's addresses
  EXPECT_FALSE(decide().allowed);
}

TEST_F(SeedEgressTest, FirewallDenialHidesAMissingRole) {
  target_.bypass_azure_services = false;
  EgressDecision d = decide();
  EXPECT_EQ(d.reason, EgressReason::kFirewallNoBypass);
  EXPECT_EQ(egressAzureError(d, target_).code, "AuthorizationFailure");
  target_.public_network_access = false;
  EXPECT_EQ(decide().reason, EgressReason::kPublicNetworkAccessDisabled);
}

TEST_F(SeedEgressTest, IdentityMismatchesAreConfigurationErrors) {
  hub_.identity.type = IdentityType::kNone;
  EgressDecision d = decide();
  EXPECT_EQ(d.reason, EgressReason::kManagedIdentityNotEnabled);
  AzureError e = egressAzureError(d, target_);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.error_code, 400032u);
  endpoint_.auth = AuthType::kKeyBased;
  endpoint_.has_connection_string = false;
  EXPECT_EQ(egressAzureError(decide(), target_).error_code, 400031u);
}

TEST_F(SeedEgressTest, UserAssignedIdentityUsesItsOwnPrincipal) {
  hub_.identity.type = IdentityType::kUserAssigned;
  hub_.identity.user_assigned = {
      {"/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/"
       "userAssignedIdentities/router-id",
       "p-123"}};
  endpoint_.user_assigned_identity = "router-id";
  assign("Storage Blob Data Contributor", "contosocold");  // to the hub's name: not this identity
  EXPECT_EQ(decide().reason, EgressReason::kRoleMissing);
  rbac_.assignments[0].principal_id = "p-123";
  EXPECT_TRUE(decide().allowed);
  rbac_.assignments[0].principal_id = "router-id";  // the identity resource's name stands for it
  EXPECT_TRUE(decide().allowed);
  endpoint_.user_assigned_identity = "someone-else";
  EXPECT_EQ(decide().reason, EgressReason::kManagedIdentityNotEnabled);
  hub_.profile = Profile::k2020_03;
  endpoint_.user_assigned_identity = "router-id";
  EXPECT_EQ(decide().reason, EgressReason::kIdentityNotInProfile);
}

TEST_F(SeedEgressTest, Profile2020OffersTheExceptionOnlyInThreeRegions) {
  assign("Storage Blob Data Contributor", "contosocold");
  hub_.profile = Profile::k2020_03;
  EXPECT_TRUE(decide().allowed);
  hub_.location = "West Europe";
  EgressDecision d = decide();
  EXPECT_EQ(d.reason, EgressReason::kFirewallRegionProfile);
  EXPECT_TRUE(contains(explain(d), "eastus, southcentralus, westus2")) << explain(d);
  hub_.profile = Profile::kCurrent;
  EXPECT_TRUE(decide().allowed);
}

class NamespaceEgressTest : public SeedEgressTest {
 protected:
  void use(TargetKind kind, std::string_view tier) {
    target_ = Target{};
    target_.kind = kind;
    target_.ref = {"", "", "", "contosons", ""};
    target_.sku_tier = std::string(tier);
    target_.location = "eastus";
    endpoint_.target_entity = {"", "", "", "contosons", "eventhubs/telemetry"};
  }
};

TEST_F(NamespaceEgressTest, DenyWithoutRulesIsOpenAndTiersWithoutFirewallAreOpen) {
  use(TargetKind::kEventHubs, "Standard");
  target_.default_allow = false;
  assign("Azure Event Hubs Data Sender", "contosons");
  EXPECT_EQ(decide().network, EgressReason::kNoFirewall);
  target_.ip_rules = {*parseCidr("198.51.100.0/24")};
  EgressDecision d = decide();
  EXPECT_EQ(d.reason, EgressReason::kFirewallNoBypass);
  AzureError e = egressAzureError(d, target_);
  EXPECT_EQ(e.status, 401);
  EXPECT_TRUE(contains(e.message, "Ip has been prevented to connect to the endpoint."))
      << e.message;
  target_.trusted_service_access = true;
  EXPECT_TRUE(decide().allowed);
  target_.sku_tier = "Basic";
  target_.trusted_service_access = false;
  EXPECT_EQ(decide().network, EgressReason::kNoFirewall);
  use(TargetKind::kServiceBus, "Standard");
  target_.default_allow = false;
  target_.ip_rules = {*parseCidr("198.51.100.0/24")};
  rbac_.assignments.clear();
  assign("Azure Service Bus Data Sender", "contosons");
  EXPECT_TRUE(decide().allowed);
  target_.sku_tier = "Premium";
  EXPECT_FALSE(decide().allowed);
}

TEST_F(NamespaceEgressTest, MissingSendRoleIsSubCode40100) {
  use(TargetKind::kServiceBus, "Premium");
  assign("Azure Service Bus Data Receiver", "contosons");
  assign("Owner", "contosons");
  EgressDecision d = decide();
  EXPECT_EQ(d.reason, EgressReason::kRoleMissing);
  AzureError e = egressAzureError(d, target_);
  EXPECT_EQ(e.status, 401);
  EXPECT_EQ(e.error_code, 40100u);
  EXPECT_TRUE(contains(e.message, "SubCode=40100")) << e.message;
  EXPECT_TRUE(contains(explain(d), "Azure Service Bus Data Sender")) << explain(d);
}

TEST(ScopeTest, ParsesArmScopesAndNames) {
  auto s = Scope::parse(
      "/subscriptions/s1/resourceGroups/g1/providers/Microsoft.EventHub/namespaces/ns/eventhubs/h");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->level, Scope::Level::kResource);
  EXPECT_EQ(s->ref.type, "Microsoft.EventHub/namespaces");
  EXPECT_EQ(s->ref.name, "ns");
  EXPECT_EQ(s->ref.child, "eventhubs/h");
  EXPECT_EQ(Scope::parse("/subscriptions/s1")->level, Scope::Level::kSubscription);
  EXPECT_EQ(Scope::parse("/subscriptions/s1/resourceGroups/g")->level,
            Scope::Level::kResourceGroup);
  EXPECT_EQ(Scope::parse("ns/eventhubs/h")->ref.child, "eventhubs/h");
  for (std::string_view bad : {"", "/", "/subscriptions", "/subscriptions/s/resourceGroups",
                               "/subscriptions/s/providers/x", "a//b", "/tenants/t"}) {
    EXPECT_FALSE(Scope::parse(bad)) << bad;
  }
}

TEST(RoleTest, FindsBuiltInRolesByNameOrId) {
  EXPECT_EQ(findRole("storage blob data contributor")->id, "ba92f5b4-2d11-453d-a403-e96b0029c9fe");
  EXPECT_EQ(
      findRole(
          "/providers/Microsoft.Authorization/roleDefinitions/2b629674-e913-4c01-ae53-ef4638d8f975")
          ->name,
      "Azure Event Hubs Data Sender");
  EXPECT_EQ(findRole("Made Up Role"), nullptr);
  EXPECT_FALSE(findRole("Owner")->grants(DataAction::kBlobWrite));
  EXPECT_TRUE(findRole("Azure Service Bus Data Owner")->grants(DataAction::kServiceBusSend));
}

TEST(IdentityTypeTest, ParsesArmSpellings) {
  EXPECT_EQ(parseIdentityType("SystemAssigned, UserAssigned"),
            IdentityType::kSystemAndUserAssigned);
  EXPECT_EQ(parseIdentityType("none"), IdentityType::kNone);
  EXPECT_EQ(parseIdentityType("Managed"), std::nullopt);
}

}  // namespace
}  // namespace routesim::policy
