#include "core/policy/arm_policy.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace routesim::policy {
namespace {

constexpr uint64_t kMinute = 60ULL * 1000000000ULL;

Ipv4 ip(std::string_view text) { return *parseIpv4(text); }
Cidr cidr(std::string_view text) { return *parseCidr(text); }

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

struct Parsed {
  json::Value doc;
  ConfigIssues issues;
  PolicyResources res;
};

// Reads `text`, a JSON array of resources, as "$.resources".
Parsed read(const std::string& text, Profile profile = Profile::kCurrent) {
  Parsed p;
  auto doc = json::parse(text);
  EXPECT_TRUE(doc.ok()) << doc.error().message();
  if (!doc.ok()) return p;
  p.doc = std::move(doc).value();
  p.res = readPolicyResources(p.doc, "$.resources", profile, p.issues);
  return p;
}

std::string dump(const ConfigIssues& issues) {
  std::string out;
  for (const ConfigIssue& i : issues.items()) {
    out += (i.severity == ConfigIssue::Severity::kError ? "error " : "warning ") + i.path + " [" +
           i.code + "] @" + std::to_string(i.offset) + ": " + i.message + "\n";
  }
  return out;
}

// The byte offset of `needle` in `text`, which must occur exactly once.
uint32_t offsetOf(std::string_view text, std::string_view needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string_view::npos) << needle;
  EXPECT_EQ(text.find(needle, at + 1), std::string_view::npos) << "not unique: " << needle;
  return static_cast<uint32_t>(at);
}

const ConfigIssue* findIssue(const ConfigIssues& issues, std::string_view code) {
  for (const ConfigIssue& i : issues.items()) {
    if (i.code == code) return &i;
  }
  return nullptr;
}

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ",\n" : "") + items[i];
  return out + "]";
}

// ---------------------------------------------------------------------------------------------
// The seed: /work/shared/examples/storage-behind-firewall.scenario.json's resources.

constexpr std::string_view kSeedResources = R"([
    {
      "type": "Microsoft.Network/virtualNetworks",
      "name": "plant-vnet",
      "location": "eastus",
      "properties": {
        "addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
        "subnets": [{"name": "endpoints", "properties": {"addressPrefix": "10.10.1.0/24"}}]
      }
    },
    {
      "type": "routesim/onPremisesNetworks",
      "name": "plant-7",
      "properties": {"addressPrefixes": ["192.168.70.0/24"], "connectedTo": "plant-vnet", "via": "ExpressRoutePrivatePeering"}
    },
    {
      "type": "Microsoft.Devices/IotHubs",
      "name": "contoso-hub",
      "location": "eastus",
      "sku": {"name": "S1", "capacity": 1},
      "identity": {"type": "SystemAssigned"},
      "properties": {
        "minTlsVersion": "1.2",
        "publicNetworkAccess": "Disabled",
        "eventHubEndpoints": {"events": {"partitionCount": 4, "retentionTimeInDays": 1}},
        "routing": {
          "endpoints": {
            "storageContainers": [
              {
                "name": "cold",
                "endpointUri": "https://contosocold.blob.core.windows.net/",
                "containerName": "telemetry",
                "authenticationType": "identityBased",
                "encoding": "avro",
                "fileNameFormat": "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}",
                "batchFrequencyInSeconds": 60,
                "maxChunkSizeInBytes": 10485760
              }
            ]
          },
          "routes": [
            {"name": "critical-to-cold", "source": "DeviceMessages", "condition": "level = 'critical' AND $body.temperature > 30", "endpointNames": ["cold"], "isEnabled": true}
          ],
          "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true", "endpointNames": ["events"], "isEnabled": true},
          "enrichments": [{"key": "site", "value": "$twin.tags.site", "endpointNames": ["cold"]}]
        }
      }
    },
    {
      "type": "Microsoft.Network/privateEndpoints",
      "name": "hub-pe",
      "location": "eastus",
      "properties": {
        "subnet": {"id": "plant-vnet/endpoints"},
        "privateIPAddress": "10.10.1.5",
        "privateLinkServiceConnections": [{"name": "hub", "properties": {"privateLinkServiceId": "contoso-hub", "groupIds": ["iotHub"], "privateLinkServiceConnectionState": {"status": "Approved"}}}],
        "privateDnsZoneIntegration": true
      }
    },
    {
      "type": "Microsoft.Storage/storageAccounts",
      "name": "contosocold",
      "location": "eastus",
      "sku": {"name": "Standard_LRS"},
      "properties": {
        "publicNetworkAccess": "Enabled",
        "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": []}
      },
      "containers": ["telemetry"]
    },
    {
      "type": "Microsoft.Authorization/roleAssignments",
      "name": "hub-writes-cold",
      "properties": {"principalId": "contoso-hub", "roleDefinitionName": "Storage Blob Data Contributor", "scope": "contosocold"}
    }
  ])";

TEST(ArmPolicySeedTest, ReadsTheExampleIntoTheModelWithoutIssues) {
  Parsed p = read(std::string(kSeedResources), Profile::k2020_03);
  EXPECT_TRUE(p.issues.items().empty()) << dump(p.issues);
  const PolicyResources& r = p.res;

  ASSERT_EQ(r.hubs.size(), 1u);
  const HubPolicyConfig& hub = r.hubs[0];
  EXPECT_EQ(hub.name, "contoso-hub");
  EXPECT_EQ(hub.path, "$.resources[2]");
  EXPECT_EQ(hub.ref.type, "Microsoft.Devices/IotHubs");
  EXPECT_EQ(hub.ref.name, "contoso-hub");
  EXPECT_EQ(hub.location, "eastus");
  EXPECT_EQ(hub.sku, "S1");
  EXPECT_EQ(hub.partition_count, 4u);
  EXPECT_EQ(hub.identity.type, IdentityType::kSystemAssigned);
  EXPECT_TRUE(hub.identity.user_assigned.empty());
  EXPECT_EQ(hub.ingress.hub, "contoso-hub");
  EXPECT_FALSE(hub.ingress.public_network_access);
  EXPECT_TRUE(hub.ingress.ip_filter_rules.empty());
  EXPECT_FALSE(hub.ingress.network_rule_sets.has_value());
  ASSERT_TRUE(hub.ingress.min_tls.has_value());
  EXPECT_EQ(*hub.ingress.min_tls, TlsVersion::k1_2);

  ASSERT_EQ(r.network.vnets.size(), 1u);
  const VirtualNetwork& vnet = r.network.vnets[0];
  EXPECT_EQ(vnet.name, "plant-vnet");
  ASSERT_EQ(vnet.address_space.size(), 1u);
  EXPECT_EQ(vnet.address_space[0], cidr("10.10.0.0/16"));
  ASSERT_EQ(vnet.subnets.size(), 1u);
  EXPECT_EQ(vnet.subnets[0].name, "endpoints");
  EXPECT_EQ(vnet.subnets[0].prefix, cidr("10.10.1.0/24"));
  EXPECT_TRUE(vnet.peerings.empty());

  ASSERT_EQ(r.network.on_premises.size(), 1u);
  const OnPremisesNetwork& plant = r.network.on_premises[0];
  EXPECT_EQ(plant.name, "plant-7");
  ASSERT_EQ(plant.address_prefixes.size(), 1u);
  EXPECT_EQ(plant.address_prefixes[0], cidr("192.168.70.0/24"));
  EXPECT_EQ(plant.connected_to, "plant-vnet");
  EXPECT_EQ(plant.via, OnPremisesLink::kExpressRoutePrivatePeering);

  ASSERT_EQ(r.network.private_endpoints.size(), 1u);
  const PrivateEndpoint& pe = r.network.private_endpoints[0];
  EXPECT_EQ(pe.name, "hub-pe");
  EXPECT_EQ(pe.vnet, "plant-vnet");
  EXPECT_EQ(pe.subnet, "endpoints");
  EXPECT_EQ(pe.private_ip, ip("10.10.1.5"));
  EXPECT_EQ(pe.target, "contoso-hub");
  EXPECT_EQ(pe.group_id, "iotHub");
  EXPECT_EQ(pe.state, ConnectionState::kApproved);
  EXPECT_TRUE(pe.dns_integration);

  ASSERT_EQ(r.targets.size(), 1u);
  const Target& cold = r.targets[0];
  EXPECT_EQ(cold.kind, TargetKind::kStorage);
  EXPECT_EQ(cold.ref.type, "Microsoft.Storage/storageAccounts");
  EXPECT_EQ(cold.ref.name, "contosocold");
  EXPECT_EQ(cold.location, "eastus");
  EXPECT_TRUE(cold.public_network_access);
  EXPECT_FALSE(cold.default_allow);
  EXPECT_TRUE(cold.bypass_azure_services);
  EXPECT_TRUE(cold.ip_rules.empty());
  EXPECT_EQ(cold.virtual_network_rules, 0u);
  EXPECT_EQ(findTarget(r, "CONTOSOCOLD"), &cold);
  EXPECT_EQ(findTarget(r,
                       "/subscriptions/s/resourceGroups/g/providers/"
                       "Microsoft.Storage/storageAccounts/contosocold"),
            &cold);
  EXPECT_EQ(findTarget(r, "contoso-hub"), nullptr);
  EXPECT_EQ(findHub(r, "Contoso-Hub"), &hub);

  EXPECT_TRUE(r.identities.empty());
  ASSERT_EQ(r.role_assignments.size(), 1u);
  const RoleAssignment& a = r.role_assignments[0];
  EXPECT_EQ(a.name, "hub-writes-cold");
  EXPECT_EQ(a.principal_id, "contoso-hub");
  ASSERT_NE(a.role, nullptr);
  EXPECT_EQ(a.role->name, "Storage Blob Data Contributor");
  EXPECT_EQ(a.scope.level, Scope::Level::kResource);
  EXPECT_EQ(a.scope.ref.name, "contosocold");
  EXPECT_EQ(a.created_ns, 0u);
}

TEST(ArmPolicySeedTest, PlantClientWithPrivateDnsIsAllowedThroughThePrivateEndpoint) {
  Parsed p = read(std::string(kSeedResources), Profile::k2020_03);
  ASSERT_FALSE(p.issues.hasErrors()) << dump(p.issues);
  const HubPolicyConfig* hub = findHub(p.res, "contoso-hub");
  ASSERT_NE(hub, nullptr);
  IngressPolicy policy(hub->ingress, p.res.network);

  ClientLocation plant;
  plant.network = ClientNetwork::kOnPremises;
  plant.network_name = "plant-7";
  plant.source_ip = ip("192.168.70.10");
  plant.uses_private_dns = true;
  IngressDecision d = policy.decide(plant, TlsVersion::k1_2);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kPrivateEndpoint);
  EXPECT_EQ(d.path, IngressPath::kPrivateEndpoint);
  EXPECT_EQ(d.private_endpoint, 0);

  // Without the private zone the name resolves to the public endpoint, which is closed.
  plant.uses_private_dns = false;
  d = policy.decide(plant, TlsVersion::k1_2);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kPublicNetworkAccessDisabled);
}

TEST(ArmPolicySeedTest, ColdEndpointIsAllowedThroughTrustedServicesWithTheRole) {
  Parsed p = read(std::string(kSeedResources), Profile::k2020_03);
  ASSERT_FALSE(p.issues.hasErrors()) << dump(p.issues);
  const HubPolicyConfig* hub = findHub(p.res, "contoso-hub");
  const Target* cold = findTarget(p.res, "contosocold");
  ASSERT_NE(hub, nullptr);
  ASSERT_NE(cold, nullptr);
  EgressHub egress = egressHub(*hub, Profile::k2020_03);
  EgressEndpoint endpoint;
  endpoint.name = "cold";
  endpoint.auth = AuthType::kIdentityBased;
  endpoint.target_entity = {"", "", "Microsoft.Storage/storageAccounts", "contosocold",
                            "blobServices/default/containers/telemetry"};
  RbacState rbac = rbacState(p.res);

  EgressDecision d = decideEgress(egress, endpoint, *cold, rbac, 10 * kMinute);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.network, EgressReason::kTrustedServices);
  EXPECT_EQ(d.reason, EgressReason::kRoleAssigned);
  ASSERT_NE(d.role, nullptr);
  EXPECT_EQ(d.role->name, "hub-writes-cold");

  // Before the role has propagated (created at 0, PT5M), it is pending.
  d = decideEgress(egress, endpoint, *cold, rbac, kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kRolePropagating);
}

// ---------------------------------------------------------------------------------------------
// Errors: one per case, with its code, JSON path, byte offset and what was expected.

std::string hub(std::string_view props, std::string_view location = "eastus",
                std::string_view extra = "") {
  return R"({"type": "Microsoft.Devices/IotHubs", "name": "h1", "location": ")" +
         std::string(location) + R"(", "sku": {"name": "S1"})" + std::string(extra) +
         R"(, "properties": )" + std::string(props) + "}";
}

const std::string kVnet =
    R"({"type": "Microsoft.Network/virtualNetworks", "name": "v1", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}, "subnets": [{"name": "s1", "properties": {"addressPrefix": "10.1.1.0/24"}}]}})";

std::string privateEndpoint(std::string_view subnet, std::string_view service,
                            std::string_view extra_props = "",
                            std::string_view status = "Approved") {
  return R"({"type": "Microsoft.Network/privateEndpoints", "name": "pe1", "properties": {"subnet": {"id": ")" +
         std::string(subnet) +
         R"("}, "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": ")" +
         std::string(service) +
         R"(", "groupIds": ["iotHub"], "privateLinkServiceConnectionState": {"status": ")" +
         std::string(status) + R"("}}}])" + std::string(extra_props) + "}}";
}

std::string filterRules(size_t n) {
  std::vector<std::string> rules;
  for (size_t i = 0; i < n; ++i) {
    rules.push_back(R"({"filterName": "r)" + std::to_string(i) +
                    R"(", "action": "Accept", "ipMask": "10.0.0.)" + std::to_string(i) + R"("})");
  }
  return join(rules);
}

std::string allowRules(size_t n) {
  std::vector<std::string> rules;
  for (size_t i = 0; i < n; ++i) {
    rules.push_back(R"({"filterName": "a)" + std::to_string(i) +
                    R"(", "action": "Allow", "ipMask": "10.0.)" + std::to_string(i) + R"(.0/24"})");
  }
  return join(rules);
}

struct ErrorCase {
  std::string name;
  std::string resources;
  Profile profile;
  std::string code;
  std::string path;
  std::string needle;  // the offending value's text, unique in `resources`
  std::string message;
};

std::vector<ErrorCase> errorCases() {
  const std::string kCurrent;
  std::vector<ErrorCase>
      cases =
          {
              {"BadCidrInIpFilterRule",
               join({hub(
                   R"({"ipFilterRules": [{"filterName": "a", "action": "Accept", "ipMask": "10.0.0.0/8"}, {"filterName": "b", "action": "Reject", "ipMask": "10.0.0.256/24"}]})")}),
               Profile::kCurrent, "InvalidIpAddress",
               "$.resources[0].properties.ipFilterRules[1].ipMask", R"("10.0.0.256/24")",
               "octet 256 is over 255"},
              {"Ipv6InNetworkRuleSets",
               join({hub(
                   R"({"networkRuleSets": {"defaultAction": "Deny", "applyToBuiltInEventHubEndpoint": true, "ipRules": [{"filterName": "v6", "action": "Allow", "ipMask": "2001:db8::/32"}]}})")}),
               Profile::kCurrent, "InvalidIpAddress",
               "$.resources[0].properties.networkRuleSets.ipRules[0].ipMask", R"("2001:db8::/32")",
               "IPv6 addresses are not supported"},
              {"DuplicateFilterNameIgnoringCase",
               join({hub(
                   R"({"ipFilterRules": [{"filterName": "Office", "action": "Accept", "ipMask": "10.0.0.0/8"}, {"filterName": "office", "action": "Reject", "ipMask": "0.0.0.0/0"}]})")}),
               Profile::kCurrent, "DuplicateFilterName",
               "$.resources[0].properties.ipFilterRules[1].filterName", R"("office")",
               "already used by ipFilterRules[0]"},
              {"DuplicateFilterNameInNetworkRuleSets",
               join({hub(
                   R"({"networkRuleSets": {"applyToBuiltInEventHubEndpoint": false, "ipRules": [{"filterName": "lab", "ipMask": "10.0.0.0/8"}, {"filterName": "LAB", "ipMask": "10.1.0.0/16"}]}})")}),
               Profile::kCurrent, "DuplicateFilterName",
               "$.resources[0].properties.networkRuleSets.ipRules[1].filterName", R"("LAB")",
               "already used by ipRules[0]"},
              {"MoreThanTenIpFilterRules",
               join({hub(R"({"ipFilterRules": )" + filterRules(11) + "}")}), Profile::kCurrent,
               "TooManyRules", "$.resources[0].properties.ipFilterRules[10]",
               R"({"filterName": "r10")", "at most 10 rules, found 11"},
              {"MoreThanHundredNetworkRuleSetRules",
               join({hub(
                   R"({"networkRuleSets": {"defaultAction": "Deny", "applyToBuiltInEventHubEndpoint": true, "ipRules": )" +
                   allowRules(101) + "}}")}),
               Profile::kCurrent, "TooManyRules",
               "$.resources[0].properties.networkRuleSets.ipRules[100]", R"({"filterName": "a100")",
               "at most 100 rules, found 101"},
              {"IpFilterActionNotAcceptOrReject",
               join({hub(
                   R"({"ipFilterRules": [{"filterName": "a", "action": "Allow", "ipMask": "10.0.0.0/8"}]})")}),
               Profile::kCurrent, "InvalidValue",
               "$.resources[0].properties.ipFilterRules[0].action", R"("Allow")",
               "expected Accept or Reject, found 'Allow'"},
              {"NetworkRuleSetActionNotAllow",
               join({hub(
                   R"({"networkRuleSets": {"defaultAction": "Allow", "applyToBuiltInEventHubEndpoint": true, "ipRules": [{"filterName": "a", "action": "Deny", "ipMask": "10.0.0.0/8"}]}})")}),
               Profile::kCurrent, "InvalidValue",
               "$.resources[0].properties.networkRuleSets.ipRules[0].action", R"("Deny")",
               "expected Allow"},
              {"BadDefaultAction",
               join({hub(
                   R"({"networkRuleSets": {"defaultAction": "Block", "applyToBuiltInEventHubEndpoint": true, "ipRules": []}})")}),
               Profile::kCurrent, "InvalidValue",
               "$.resources[0].properties.networkRuleSets.defaultAction", R"("Block")",
               "expected Allow or Deny, found 'Block'"},
              {"BadPublicNetworkAccess", join({hub(R"({"publicNetworkAccess": "Off"})")}),
               Profile::kCurrent, "InvalidValue", "$.resources[0].properties.publicNetworkAccess",
               R"("Off")", "expected Enabled or Disabled, found 'Off'"},
              {"BadIdentityType",
               join({hub("{}", "eastus", R"(, "identity": {"type": "Managed"})")}),
               Profile::kCurrent, "InvalidValue", "$.resources[0].identity.type", R"("Managed")",
               "expected None, SystemAssigned, UserAssigned or 'SystemAssigned, UserAssigned'"},
              {"BadConnectionState",
               join({kVnet, hub("{}"), privateEndpoint("v1/s1", "h1", "", "Approve")}),
               Profile::kCurrent, "InvalidValue",
               "$.resources[2].properties.privateLinkServiceConnections[0].properties."
               "privateLinkServiceConnectionState.status",
               R"("Approve")",
               "expected Approved, Pending, Rejected or Disconnected, found 'Approve'"},
              {"BadMinTlsVersion", join({hub(R"({"minTlsVersion": "1.1"})")}), Profile::kCurrent,
               "InvalidValue", "$.resources[0].properties.minTlsVersion", R"("1.1")",
               "expected \"1.2\""},
              {"PrivateEndpointVnetMissing",
               join({kVnet, hub("{}"), privateEndpoint("other-vnet/s1", "h1")}), Profile::kCurrent,
               "SubnetNotFound", "$.resources[2].properties.subnet.id", R"("other-vnet/s1")",
               "virtual network 'other-vnet' is not among the resources"},
              {"PrivateEndpointSubnetMissing",
               join({kVnet, hub("{}"), privateEndpoint("v1/s9", "h1")}), Profile::kCurrent,
               "SubnetNotFound", "$.resources[2].properties.subnet.id", R"("v1/s9")",
               "has no subnet 's9' (its subnets: s1)"},
              {"PrivateEndpointHubMissing",
               join({kVnet, hub("{}"), privateEndpoint("v1/s1", "h2")}), Profile::kCurrent,
               "PrivateLinkServiceNotFound",
               "$.resources[2].properties.privateLinkServiceConnections[0].properties."
               "privateLinkServiceId",
               R"("h2")", "names no IoT hub among the resources"},
              {"PrivateEndpointHubIdMissing",
               join({kVnet, hub("{}"),
                     privateEndpoint("v1/s1",
                                     "/subscriptions/s/resourceGroups/g/providers/"
                                     "Microsoft.Devices/IotHubs/h2")}),
               Profile::kCurrent, "PrivateLinkServiceNotFound",
               "$.resources[2].properties.privateLinkServiceConnections[0].properties."
               "privateLinkServiceId",
               R"("/subscriptions/s/resourceGroups/g/providers/Microsoft.Devices/IotHubs/h2")",
               "names no IoT hub"},
              {"OnPremisesConnectedToMissingVnet",
               join(
                   {kVnet,
                    R"({"type": "routesim/onPremisesNetworks", "name": "site", "properties": {"addressPrefixes": ["192.168.1.0/24"], "connectedTo": "v2", "via": "Vpn"}})"}),
               Profile::kCurrent, "VirtualNetworkNotFound", "$.resources[1].properties.connectedTo",
               R"("v2")", "connected to virtual network 'v2', which is not among the resources"},
              {"OnPremisesBadVia",
               join(
                   {kVnet,
                    R"({"type": "routesim/onPremisesNetworks", "name": "site", "properties": {"addressPrefixes": ["192.168.1.0/24"], "connectedTo": "v1", "via": "Satellite"}})"}),
               Profile::kCurrent, "InvalidValue", "$.resources[1].properties.via", R"("Satellite")",
               "expected Vpn or ExpressRoutePrivatePeering"},
              {"PrivateIpOutsideSubnet",
               join({kVnet, hub("{}"),
                     privateEndpoint("v1/s1", "h1", R"(, "privateIPAddress": "10.1.2.5")")}),
               Profile::kCurrent, "PrivateIpOutsideSubnet",
               "$.resources[2].properties.privateIPAddress", R"("10.1.2.5")",
               "10.1.2.5 is outside subnet 'v1/s1' (10.1.1.0/24)"},
              {"PrivateIpReserved",
               join({kVnet, hub("{}"),
                     privateEndpoint("v1/s1", "h1", R"(, "privateIPAddress": "10.1.1.2")")}),
               Profile::kCurrent, "PrivateIpReserved", "$.resources[2].properties.privateIPAddress",
               R"("10.1.1.2")", "first four and the last address"},
              {"SubnetOutsideAddressSpace",
               join(
                   {R"({"type": "Microsoft.Network/virtualNetworks", "name": "v1", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}, "subnets": [{"name": "s1", "properties": {"addressPrefix": "10.2.1.0/24"}}]}})"}),
               Profile::kCurrent, "SubnetOutsideAddressSpace",
               "$.resources[0].properties.subnets[0].properties.addressPrefix", R"("10.2.1.0/24")",
               "outside virtual network 'v1''s address space (10.1.0.0/16)"},
              {"UnknownRole",
               join(
                   {R"({"type": "Microsoft.Authorization/roleAssignments", "name": "ra", "properties": {"principalId": "h1", "roleDefinitionName": "Blob Writer", "scope": "acct"}})"}),
               Profile::kCurrent, "RoleDefinitionNotFound",
               "$.resources[0].properties.roleDefinitionName", R"("Blob Writer")",
               "unknown role 'Blob Writer'; the built-in roles routesim knows (by name or id): "
               "Storage "
               "Blob Data Contributor, Storage Blob Data Owner"},
              {"InvalidScope", join({R"({"type": "Microsoft.Authorization/roleAssignments", "name": "ra", "scope": "/resourceGroups/g", "properties": {"principalId": "h1", "roleDefinitionName": "Reader"}})"}),
               Profile::kCurrent, "InvalidScope", "$.resources[0].scope", R"("/resourceGroups/g")",
               "expected a resource name or an ARM scope"},
              {"StorageBypassBadValue",
               join(
                   {R"({"type": "Microsoft.Storage/storageAccounts", "name": "acct", "properties": {"networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices, Everything"}}})"}),
               Profile::kCurrent, "InvalidValue", "$.resources[0].properties.networkAcls.bypass",
               R"("AzureServices, Everything")",
               "comma-separated list of AzureServices, Logging and Metrics"},
              {"StorageIpRuleBadValue",
               join(
                   {R"({"type": "Microsoft.Storage/storageAccounts", "name": "acct", "properties": {"networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "1.2.3", "action": "Allow"}]}}})"}),
               Profile::kCurrent, "InvalidIpAddress",
               "$.resources[0].properties.networkAcls.ipRules[0].value", R"("1.2.3")",
               "expected '.' and the next octet"},
              {"ServiceBusStandardFirewall",
               join(
                   {R"({"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb", "sku": {"name": "Standard"}, "resources": [{"type": "networkRuleSets", "name": "default", "properties": {"defaultAction": "Deny", "ipRules": [{"ipMask": "203.0.113.0/24", "action": "Allow"}]}}]})"}),
               Profile::kCurrent, "FirewallNotAvailableInTier",
               "$.resources[0].resources[0].properties.defaultAction", R"("Deny")",
               "Service Bus namespace 'contoso-sb' is Standard: IP firewall rules, virtual network "
               "rules "
               "and private access need Premium"},
              {"EventHubsBasicPublicAccessDisabled",
               join(
                   {R"({"type": "Microsoft.EventHub/namespaces", "name": "contoso-eh", "sku": {"name": "Basic", "tier": "Basic"}, "properties": {"publicNetworkAccess": "Disabled"}})"}),
               Profile::kCurrent, "FirewallNotAvailableInTier",
               "$.resources[0].properties.publicNetworkAccess", R"("Disabled")",
               "Event Hubs namespace 'contoso-eh' is Basic"},
              {"RuleSetWithoutParent",
               join(
                   {R"({"type": "Microsoft.EventHub/namespaces/networkRuleSets", "name": "missing-ns/default", "properties": {"defaultAction": "Allow"}})"}),
               Profile::kCurrent, "ParentResourceNotFound", "$.resources[0].name",
               R"("missing-ns/default")",
               "belongs to 'missing-ns', which is not among the resources"},
              {"DuplicateVnetIgnoringCase",
               join(
                   {kVnet,
                    R"({"type": "Microsoft.Network/virtualNetworks", "name": "V1", "properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}}})"}),
               Profile::kCurrent, "DuplicateResource", "$.resources[1].name", R"("V1")",
               "virtual network 'V1' is declared twice (first at $.resources[0])"},
              {"TemplateExpression",
               join({hub(
                   R"({"ipFilterRules": [{"filterName": "a", "action": "Accept", "ipMask": "[parameters('mask')]"}]})")}),
               Profile::kCurrent, "TemplateExpressionNotSupported",
               "$.resources[0].properties.ipFilterRules[0].ipMask", R"("[parameters('mask')]")",
               "is not evaluated"},
              {"MissingApplyToBuiltIn",
               join({hub(R"({"networkRuleSets": {"defaultAction": "Allow", "ipRules": []}})")}),
               Profile::kCurrent, "MissingProperty",
               "$.resources[0].properties.networkRuleSets.applyToBuiltInEventHubEndpoint",
               R"({"defaultAction": "Allow", "ipRules": []})", "applyToBuiltInEventHubEndpoint"},

              // Profile 2020-03.
              {"Profile2020NetworkRuleSets",
               join({hub(
                   R"({"networkRuleSets": {"defaultAction": "Deny", "applyToBuiltInEventHubEndpoint": true, "ipRules": []}})")}),
               Profile::k2020_03, "ProfileForbids", "$.resources[0].properties.networkRuleSets",
               R"({"defaultAction": "Deny")",
               "profile 2020-03: networkRuleSets came with API 2020-08-31"},
              {"Profile2020UserAssignedIdentity",
               join({hub(
                   "{}", "eastus",
                   R"(, "identity": {"type": "UserAssigned", "userAssignedIdentities": {"id1": {"principalId": "p1"}}})")}),
               Profile::k2020_03, "ProfileForbids", "$.resources[0].identity.type",
               R"("UserAssigned")",
               "profile 2020-03: user-assigned identities on a hub came in 2021"},
              {"Profile2020HubIdentityOutsideRegions",
               join({hub("{}", "westeurope", R"(, "identity": {"type": "SystemAssigned"})")}),
               Profile::k2020_03, "ProfileForbids", "$.resources[0].identity.type",
               R"("SystemAssigned")",
               "profile 2020-03: a hub identity is available only in eastus, southcentralus, "
               "westus2; hub "
               "'h1' is in westeurope"},
              {"Profile2020MinTlsOutsideRegions",
               join({hub(R"({"minTlsVersion": "1.2"})", "westeurope")}), Profile::k2020_03,
               "ProfileForbids", "$.resources[0].properties.minTlsVersion", R"("1.2")",
               "profile 2020-03: minTlsVersion is available only in eastus, southcentralus, "
               "westus2; hub "
               "'h1' is in westeurope"},
              {"Profile2020PrivateEndpointOutsideRegions",
               join({kVnet, hub("{}", "westeurope"), privateEndpoint("v1/s1", "h1")}),
               Profile::k2020_03, "ProfileForbids",
               "$.resources[2].properties.privateLinkServiceConnections[0].properties."
               "privateLinkServiceId",
               R"("h1", "groupIds")",
               "profile 2020-03: a private endpoint to a hub is available only in eastus, "
               "southcentralus, westus2; hub 'h1' is in westeurope"},
              {"Profile2020PrivateEndpointNeedsIdentity",
               join({kVnet, hub("{}", "eastus"), privateEndpoint("v1/s1", "h1")}),
               Profile::k2020_03, "ProfileForbids",
               "$.resources[2].properties.privateLinkServiceConnections[0].properties."
               "privateLinkServiceId",
               R"("h1", "groupIds")", "needed a hub created with a managed identity"},
          };
  return cases;
}

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ArmPolicyErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ArmPolicyErrorTest, ReportsTheErrorAtItsPathAndOffset) {
  const ErrorCase& c = GetParam();
  Parsed p = read(c.resources, c.profile);
  EXPECT_EQ(p.issues.errorCount(), 1u) << dump(p.issues);
  const ConfigIssue* issue = findIssue(p.issues, c.code);
  ASSERT_NE(issue, nullptr) << dump(p.issues);
  EXPECT_EQ(issue->severity, ConfigIssue::Severity::kError);
  EXPECT_EQ(issue->path, c.path);
  EXPECT_EQ(issue->offset, offsetOf(c.resources, c.needle)) << dump(p.issues);
  EXPECT_TRUE(contains(issue->message, c.message)) << issue->message;
}

INSTANTIATE_TEST_SUITE_P(Cases, ArmPolicyErrorTest, ::testing::ValuesIn(errorCases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(ArmPolicyProfileTest, CurrentProfileAllowsWhat2020Forbids) {
  const std::string resources = join(
      {kVnet,
       hub(R"({"minTlsVersion": "1.2", "networkRuleSets": {"defaultAction": "Deny", "applyToBuiltInEventHubEndpoint": true, "ipRules": [{"filterName": "lab", "action": "Allow", "ipMask": "10.0.0.0/8"}]}})",
           "westeurope",
           R"(, "identity": {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {"id1": {"principalId": "p1"}}})"),
       privateEndpoint("v1/s1", "h1")});
  Parsed current = read(resources, Profile::kCurrent);
  EXPECT_FALSE(current.issues.hasErrors()) << dump(current.issues);
  ASSERT_EQ(current.res.hubs.size(), 1u);
  const HubPolicyConfig& h = current.res.hubs[0];
  ASSERT_TRUE(h.ingress.network_rule_sets.has_value());
  EXPECT_FALSE(h.ingress.network_rule_sets->default_allow);
  EXPECT_TRUE(h.ingress.network_rule_sets->apply_to_builtin);
  ASSERT_EQ(h.ingress.network_rule_sets->ip_rules.size(), 1u);
  EXPECT_EQ(h.ingress.network_rule_sets->ip_rules[0].name, "lab");
  EXPECT_EQ(h.identity.type, IdentityType::kSystemAndUserAssigned);
  ASSERT_EQ(h.identity.user_assigned.size(), 1u);
  EXPECT_EQ(h.identity.user_assigned[0].principal_id, "p1");

  Parsed old = read(resources, Profile::k2020_03);
  std::vector<std::string> paths;
  for (const ConfigIssue& i : old.issues.items()) {
    if (i.code == "ProfileForbids") paths.push_back(i.path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "$.resources[1].identity.type",
                       "$.resources[1].properties.networkRuleSets",
                       "$.resources[1].properties.minTlsVersion",
                       "$.resources[2].properties.privateLinkServiceConnections[0].properties."
                       "privateLinkServiceId",
                   }))
      << dump(old.issues);
}

TEST(ArmPolicyTierTest, FirewallsThatTheTierHasAreAccepted) {
  const std::string resources = join({
      // Premium Service Bus: a firewall is available.
      R"({"type": "Microsoft.ServiceBus/namespaces", "name": "sb-premium", "sku": {"name": "Premium"}, "resources": [{"type": "networkRuleSets", "name": "default", "properties": {"defaultAction": "Deny", "ipRules": [{"ipMask": "203.0.113.0/24", "action": "Allow"}]}}]})",
      // Standard Service Bus with Deny but no rules restricts nothing.
      R"({"type": "Microsoft.ServiceBus/namespaces", "name": "sb-standard", "sku": {"name": "Standard"}, "resources": [{"type": "Microsoft.ServiceBus/namespaces/networkRuleSets", "name": "sb-standard/default", "properties": {"defaultAction": "Deny"}}]})",
      // Standard Event Hubs, top-level rule set named "<ns>/default".
      R"({"type": "Microsoft.EventHub/namespaces", "name": "eh-standard", "location": "westus2", "sku": {"name": "Standard"}})",
      R"({"type": "Microsoft.EventHub/namespaces/networkRuleSets", "name": "eh-standard/default", "properties": {"defaultAction": "Deny", "publicNetworkAccess": "Enabled", "trustedServiceAccessEnabled": true, "ipRules": [{"ipMask": "198.51.100.7", "action": "Allow"}], "virtualNetworkRules": [{"subnet": {"id": "v1/s1"}, "ignoreMissingVnetServiceEndpoint": true}]}})",
  });
  Parsed p = read(resources);
  EXPECT_TRUE(p.issues.items().empty()) << dump(p.issues);
  ASSERT_EQ(p.res.targets.size(), 3u);
  const Target* premium = findTarget(p.res, "sb-premium");
  ASSERT_NE(premium, nullptr);
  EXPECT_EQ(premium->kind, TargetKind::kServiceBus);
  EXPECT_EQ(premium->sku_tier, "Premium");
  EXPECT_FALSE(premium->default_allow);
  ASSERT_EQ(premium->ip_rules.size(), 1u);
  EXPECT_EQ(premium->ip_rules[0], cidr("203.0.113.0/24"));
  const Target* eh = findTarget(p.res, "eh-standard");
  ASSERT_NE(eh, nullptr);
  EXPECT_EQ(eh->kind, TargetKind::kEventHubs);
  EXPECT_EQ(eh->ref.type, "Microsoft.EventHub/namespaces");
  EXPECT_EQ(eh->location, "westus2");
  EXPECT_TRUE(eh->trusted_service_access);
  EXPECT_TRUE(eh->public_network_access);
  EXPECT_EQ(eh->virtual_network_rules, 1u);
  ASSERT_EQ(eh->ip_rules.size(), 1u);
  EXPECT_EQ(eh->ip_rules[0], cidr("198.51.100.7/32"));
  // A namespace without a rule set is open.
  const Target* standard = findTarget(p.res, "sb-standard");
  ASSERT_NE(standard, nullptr);
  EXPECT_FALSE(standard->default_allow);
  EXPECT_TRUE(standard->ip_rules.empty());
}

// ---------------------------------------------------------------------------------------------
// Private endpoint connection states, children and references.

TEST(ArmPolicyPrivateEndpointTest, HubSideConnectionStateWinsAndIsReportedWhenItDiffers) {
  const std::string resources = join({
      kVnet,
      hub(R"({"publicNetworkAccess": "Disabled", "privateEndpointConnections": [{"properties": {"privateEndpoint": {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateEndpoints/pe1"}, "privateLinkServiceConnectionState": {"status": "Rejected", "description": "not this one"}}}]})"),
      privateEndpoint("v1/s1", "h1", R"(, "privateDnsZoneIntegration": true)"),
  });
  Parsed p = read(resources);
  EXPECT_FALSE(p.issues.hasErrors()) << dump(p.issues);
  const ConfigIssue* w = findIssue(p.issues, "ConnectionStateMismatch");
  ASSERT_NE(w, nullptr) << dump(p.issues);
  EXPECT_EQ(w->severity, ConfigIssue::Severity::kWarning);
  EXPECT_EQ(w->path,
            "$.resources[2].properties.privateLinkServiceConnections[0].properties."
            "privateLinkServiceConnectionState.status");
  EXPECT_TRUE(contains(w->message, "says Approved but hub 'h1' says Rejected")) << w->message;
  ASSERT_EQ(p.res.network.private_endpoints.size(), 1u);
  EXPECT_EQ(p.res.network.private_endpoints[0].state, ConnectionState::kRejected);

  IngressPolicy policy(p.res.hubs[0].ingress, p.res.network);
  ClientLocation client;
  client.network = ClientNetwork::kVirtualNetwork;
  client.network_name = "v1";
  client.subnet = "s1";
  client.source_ip = ip("10.1.1.20");
  client.uses_private_dns = true;
  IngressDecision d = policy.decide(client, TlsVersion::k1_2);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kPrivateEndpointNotApproved);
}

TEST(ArmPolicyPrivateEndpointTest, ManualConnectionIsPendingUntilTheHubApprovesIt) {
  const std::string pe =
      R"({"type": "Microsoft.Network/privateEndpoints", "name": "pe1", "properties": {"subnet": {"id": "v1/s1"}, "manualPrivateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "h1", "groupIds": ["iotHub"], "requestMessage": "please"}}]}})";
  Parsed pending = read(join({kVnet, hub("{}"), pe}));
  EXPECT_TRUE(pending.issues.items().empty()) << dump(pending.issues);
  ASSERT_EQ(pending.res.network.private_endpoints.size(), 1u);
  EXPECT_EQ(pending.res.network.private_endpoints[0].state, ConnectionState::kPending);

  // The hub approves it through a top-level privateEndpointConnections resource.
  Parsed approved = read(join(
      {kVnet, hub("{}"), pe,
       R"({"type": "Microsoft.Devices/IotHubs/privateEndpointConnections", "name": "h1/pe1.conn", "properties": {"privateEndpoint": {"id": "pe1"}, "privateLinkServiceConnectionState": {"status": "Approved"}}})"}));
  EXPECT_TRUE(approved.issues.items().empty()) << dump(approved.issues);
  ASSERT_EQ(approved.res.network.private_endpoints.size(), 1u);
  EXPECT_EQ(approved.res.network.private_endpoints[0].state, ConnectionState::kApproved);
}

TEST(ArmPolicyPrivateEndpointTest, HubConnectionToAnUnknownEndpointIsAWarning) {
  Parsed p = read(join({hub(
      R"({"privateEndpointConnections": [{"properties": {"privateEndpoint": {"id": "ghost"}, "privateLinkServiceConnectionState": {"status": "Approved"}}}]})")}));
  EXPECT_FALSE(p.issues.hasErrors()) << dump(p.issues);
  const ConfigIssue* w = findIssue(p.issues, "PrivateEndpointNotFound");
  ASSERT_NE(w, nullptr) << dump(p.issues);
  EXPECT_EQ(
      w->path,
      "$.resources[0].properties.privateEndpointConnections[0].properties.privateEndpoint.id");
}

TEST(ArmPolicyPrivateEndpointTest, ReadsChildResourcesFullIdsAndAssignsAnAddress) {
  const std::string resources = join({
      R"({"type": "Microsoft.Network/virtualNetworks", "name": "v1", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}},
          "resources": [{"type": "subnets", "name": "s2", "properties": {"addressPrefix": "10.1.2.0/24"}}]})",
      R"({"type": "Microsoft.Network/virtualNetworks/subnets", "name": "v1/s3", "properties": {"addressPrefixes": ["10.1.3.0/24"]}})",
      R"({"type": "Microsoft.Network/virtualNetworks", "name": "v2", "properties": {"addressSpace": {"addressPrefixes": ["10.2.0.0/16"]}}})",
      R"({"type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "name": "v1/to-v2", "properties": {"remoteVirtualNetwork": {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v2"}, "allowForwardedTraffic": true}})",
      hub("{}"),
      R"({"type": "Microsoft.Network/privateEndpoints", "name": "pe1",
          "properties": {"subnet": {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v1/subnets/s3"},
                         "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Devices/IotHubs/h1", "groupIds": ["iotHub"]}}]},
          "resources": [{"type": "privateDnsZoneGroups", "name": "default", "properties": {"privateDnsZoneConfigs": [{"name": "z", "properties": {"privateDnsZoneId": "privatelink.azure-devices.net"}}]}}]})",
  });
  Parsed p = read(resources);
  EXPECT_TRUE(p.issues.items().empty()) << dump(p.issues);
  const VirtualNetwork* v1 = p.res.network.findVnet("v1");
  ASSERT_NE(v1, nullptr);
  ASSERT_EQ(v1->subnets.size(), 2u);
  EXPECT_EQ(v1->subnets[0].name, "s2");
  EXPECT_EQ(v1->subnets[1].name, "s3");
  EXPECT_EQ(v1->subnets[1].prefix, cidr("10.1.3.0/24"));
  EXPECT_EQ(v1->peerings, (std::vector<std::string>{"v2"}));
  EXPECT_TRUE(p.res.network.peered("v2", "v1"));

  ASSERT_EQ(p.res.network.private_endpoints.size(), 1u);
  const PrivateEndpoint& pe = p.res.network.private_endpoints[0];
  EXPECT_EQ(pe.vnet, "v1");
  EXPECT_EQ(pe.subnet, "s3");
  EXPECT_EQ(pe.private_ip, ip("10.1.3.4"));  // the first address after Azure's reserved ones
  EXPECT_EQ(pe.target, "h1");
  EXPECT_EQ(pe.state, ConnectionState::kApproved);
  EXPECT_TRUE(pe.dns_integration);

  // A client in the peered VNet reaches the hub through the endpoint.
  IngressPolicy policy(p.res.hubs[0].ingress, p.res.network);
  ClientLocation client;
  client.network = ClientNetwork::kVirtualNetwork;
  client.network_name = "v2";
  client.source_ip = ip("10.2.0.9");
  client.uses_private_dns = true;
  EXPECT_EQ(policy.decide(client, TlsVersion::k1_2).reason, IngressReason::kPrivateEndpoint);
}

// ---------------------------------------------------------------------------------------------
// Identities and roles.

TEST(ArmPolicyIdentityTest, UserAssignedIdentityResolvesItsPrincipalAndItsRole) {
  const std::string resources = join({
      R"({"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "name": "hub-id", "location": "eastus", "properties": {"principalId": "11111111-2222-3333-4444-555555555555"}})",
      hub("{}", "eastus",
          R"(, "identity": {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/hub-id": {}}})"),
      R"({"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns", "location": "eastus", "sku": {"name": "Standard", "tier": "Standard"},
          "resources": [{"type": "networkRuleSets", "name": "default", "properties": {"defaultAction": "Deny", "trustedServiceAccessEnabled": true, "ipRules": [{"ipMask": "203.0.113.0/24", "action": "Allow"}]}},
                        {"type": "eventhubs", "name": "telemetry", "properties": {"partitionCount": 4}}]})",
      R"({"type": "Microsoft.Authorization/roleAssignments", "name": "hub-sends",
          "scope": "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventHub/namespaces/contoso-ns",
          "properties": {"principalId": "hub-id", "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/2b629674-e913-4c01-ae53-ef4638d8f975", "principalType": "ServicePrincipal"}})",
  });
  Parsed p = read(resources);
  EXPECT_TRUE(p.issues.items().empty()) << dump(p.issues);
  ASSERT_EQ(p.res.identities.size(), 1u);
  EXPECT_EQ(p.res.identities[0].resource_id, "hub-id");
  EXPECT_EQ(p.res.identities[0].principal_id, "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(findIdentity(p.res, "HUB-ID"), &p.res.identities[0]);

  const HubPolicyConfig* h = findHub(p.res, "h1");
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(h->identity.user_assigned.size(), 1u);
  EXPECT_EQ(h->identity.user_assigned[0].principal_id, "11111111-2222-3333-4444-555555555555");

  ASSERT_EQ(p.res.role_assignments.size(), 1u);
  EXPECT_EQ(p.res.role_assignments[0].role->name, "Azure Event Hubs Data Sender");
  EXPECT_EQ(p.res.role_assignments[0].scope.ref.subscription, "s");

  EgressEndpoint endpoint;
  endpoint.name = "ehep";
  endpoint.auth = AuthType::kIdentityBased;
  endpoint.user_assigned_identity =
      "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/"
      "userAssignedIdentities/hub-id";
  endpoint.target_entity = {"", "", "Microsoft.EventHub/namespaces", "contoso-ns",
                            "eventhubs/telemetry"};
  RbacState rbac = rbacState(p.res);
  rbac.default_subscription = "s";
  rbac.default_group = "g";
  EgressDecision d = decideEgress(egressHub(*h, Profile::kCurrent), endpoint,
                                  *findTarget(p.res, "contoso-ns"), rbac, 10 * kMinute);
  EXPECT_TRUE(d.allowed) << egressReasonName(d.reason);
  EXPECT_EQ(d.network, EgressReason::kTrustedServices);
  EXPECT_EQ(d.reason, EgressReason::kRoleAssigned);
}

TEST(ArmPolicyIdentityTest, AssignmentWithoutScopeCoversTheResourceGroup) {
  Parsed p = read(join(
      {R"({"type": "Microsoft.Authorization/roleAssignments", "name": "ra", "properties": {"principalId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Devices/IotHubs/h1", "roleDefinitionName": "storage blob data owner"}})",
       hub("{}", "eastus", R"(, "identity": {"type": "SystemAssigned"})")}));
  EXPECT_TRUE(p.issues.items().empty()) << dump(p.issues);
  ASSERT_EQ(p.res.role_assignments.size(), 1u);
  const RoleAssignment& a = p.res.role_assignments[0];
  EXPECT_EQ(a.principal_id, "h1");
  EXPECT_EQ(a.role->name, "Storage Blob Data Owner");
  EXPECT_EQ(a.scope.level, Scope::Level::kResourceGroup);
}

TEST(ArmPolicyIdentityTest, UnknownPrincipalAndScopeAreWarnings) {
  const std::string resources = join(
      {R"({"type": "Microsoft.Authorization/roleAssignments", "name": "ra", "properties": {"principalId": "contoso-hb", "roleDefinitionName": "Reader", "scope": "contosocld"}})"});
  Parsed p = read(resources);
  EXPECT_FALSE(p.issues.hasErrors()) << dump(p.issues);
  const ConfigIssue* principal = findIssue(p.issues, "PrincipalNotFound");
  ASSERT_NE(principal, nullptr) << dump(p.issues);
  EXPECT_EQ(principal->path, "$.resources[0].properties.principalId");
  EXPECT_EQ(principal->offset, offsetOf(resources, R"("contoso-hb")"));
  const ConfigIssue* scope = findIssue(p.issues, "ScopeNotFound");
  ASSERT_NE(scope, nullptr) << dump(p.issues);
  EXPECT_EQ(scope->path, "$.resources[0].properties.scope");
}

// ---------------------------------------------------------------------------------------------
// Unknown keys: warned about only inside what this reader owns.

TEST(ArmPolicyUnknownKeysTest, WarnsInsideOwnedObjects) {
  const std::string resources = join({
      hub(R"({"ipFilterRules": [{"filterName": "a", "action": "Accept", "ipMask": "10.0.0.0/8", "priority": 1}]})"),
      R"({"type": "Microsoft.Storage/storageAccounts", "name": "acct", "properties": {"networkAcls": {"defaultAction": "Allow", "bypas": "None"}}})",
      R"({"type": "routesim/onPremisesNetworks", "name": "site", "properties": {"addressPrefixes": ["192.168.1.0/24"], "connectedTo": "v1", "bandwidth": "1Gbps"}})",
      kVnet,
  });
  Parsed p = read(resources);
  EXPECT_FALSE(p.issues.hasErrors()) << dump(p.issues);
  std::vector<std::string> warned;
  for (const ConfigIssue& i : p.issues.items()) {
    EXPECT_EQ(i.code, "UnknownProperty");
    warned.push_back(i.path);
  }
  EXPECT_EQ(warned, (std::vector<std::string>{
                        "$.resources[0].properties.ipFilterRules[0].priority",
                        "$.resources[1].properties.networkAcls.bypas",
                        "$.resources[2].properties.bandwidth",
                    }));
}

TEST(ArmPolicyUnknownKeysTest, LeavesOtherReadersKeysAlone) {
  const std::string resources = join({
      hub(R"({"eventHubEndpoints": {"events": {"partitionCount": 8, "retentionTimeInDays": 1}}, "routing": {"routes": []}, "storageEndpoints": {}, "messagingEndpoints": {}, "enableFileUploadNotifications": false, "cloudToDevice": {}, "features": "None"})",
          "eastus",
          R"(, "tags": {"env": "test"}, "resources": [{"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups", "name": "h1/events/cg1"}])"),
      R"({"type": "Microsoft.Storage/storageAccounts", "name": "acct", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}, "containers": ["c1"], "properties": {"supportsHttpsTrafficOnly": true, "isHnsEnabled": false},
          "resources": [{"type": "blobServices/containers", "name": "default/c2"}]})",
      R"({"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns", "sku": {"name": "Standard", "capacity": 1}, "properties": {"kafkaEnabled": true},
          "eventhubs": [], "resources": [{"type": "eventhubs", "name": "telemetry", "properties": {"partitionCount": 4}}]})",
      R"({"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb", "sku": {"name": "Premium"}, "properties": {"zoneRedundant": true},
          "queues": [], "topics": [], "resources": [{"type": "queues", "name": "q1"}, {"type": "topics", "name": "t1"}]})",
      R"({"type": "Microsoft.Web/sites", "name": "app", "properties": {"anything": 1}})",
  });
  Parsed p = read(resources);
  EXPECT_TRUE(p.issues.items().empty()) << dump(p.issues);
  ASSERT_EQ(p.res.hubs.size(), 1u);
  EXPECT_EQ(p.res.hubs[0].partition_count, 8u);
  EXPECT_EQ(p.res.targets.size(), 3u);
}

TEST(ArmPolicyReadTest, ResourcesMustBeAnArray) {
  Parsed p;
  auto doc = json::parse(R"({"type": "Microsoft.Devices/IotHubs"})");
  ASSERT_TRUE(doc.ok());
  PolicyResources r = readPolicyResources(*doc, "$.resources", Profile::kCurrent, p.issues);
  EXPECT_TRUE(r.hubs.empty());
  const ConfigIssue* e = findIssue(p.issues, "InvalidType");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->path, "$.resources");
  EXPECT_EQ(e->offset, 0u);
}

TEST(ArmPolicyReadTest, ClassicRulesAreKeptInOrderAndTheirActionsRead) {
  Parsed p = read(join({hub(
      R"({"ipFilterRules": [{"filterName": "block-lab", "action": "Reject", "ipMask": "10.1.0.0/16"}, {"filterName": "corp", "action": "accept", "ipMask": "10.0.0.0/8"}]})")}));
  EXPECT_TRUE(p.issues.items().empty()) << dump(p.issues);
  const auto& rules = p.res.hubs[0].ingress.ip_filter_rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].name, "block-lab");
  EXPECT_FALSE(rules[0].accept);
  EXPECT_EQ(rules[1].name, "corp");
  EXPECT_TRUE(rules[1].accept);
  EXPECT_EQ(rules[1].mask, cidr("10.0.0.0/8"));

  IngressPolicy policy(p.res.hubs[0].ingress, p.res.network);
  ClientLocation client;
  client.source_ip = ip("10.1.2.3");
  IngressDecision d = policy.decide(client, TlsVersion::k1_2);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kClassicRuleRejected);
  EXPECT_EQ(d.rule, 0);
}

}  // namespace
}  // namespace routesim::policy
