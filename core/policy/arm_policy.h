// Reading the network-isolation model out of an ARM `resources` array (a scenario's or an ARM
// template's): IoT hubs' ingress settings and identities, virtual networks, on-premises networks
// (routesim/onPremisesNetworks), private endpoints, the routing targets' firewalls (Storage
// networkAcls; Event Hubs / Service Bus networkRuleSets), user-assigned identities and role
// assignments (reference iothub.md §6-§8).
//
// Resources refer to each other by name ("scope": "contosocold", "subnet": {"id":
// "plant-vnet/endpoints"}) or by full ARM resource id; names match ignoring letter case. Other
// resource types are ignored. Unknown keys are warned about only inside what this reader owns
// (ipFilterRules, networkRuleSets, networkAcls, identity, and the network, identity and role
// assignment resources); the hub's, storage accounts' and namespaces' other keys belong to other
// readers (routing, containers, event hubs, queues, topics) and are not looked at here.
//
// Choices where Azure's documents are silent or the scenario format adds conveniences:
// - A private endpoint's connection state comes from its own privateLinkServiceConnectionState
//   (default Approved for privateLinkServiceConnections, Pending for
//   manualPrivateLinkServiceConnections). When the hub's privateEndpointConnections list the
//   endpoint, the hub's state wins (the service side approves or rejects); a different state on
//   the endpoint is reported as a warning.
// - A private endpoint without an address gets the first free one of its subnet after Azure's
//   four reserved ones (x.x.x.4 upward).
// - An Event Hubs / Service Bus namespace is publicly closed when either its own
//   publicNetworkAccess or its networkRuleSets' says Disabled; a rule set's defaultAction
//   defaults to Allow (as the current APIs do); an absent rule set leaves the namespace open.
// - A hub's networkRuleSets.defaultAction defaults to Deny (the SDK's default);
//   applyToBuiltInEventHubEndpoint is required, as in ARM.
// - A role assignment's scope is its top-level "scope" (as ARM extension resources write it) or
//   properties.scope; without either it is the deployment's resource group. A principalId written
//   as a resource id stands for that resource's name.
// - A hub's classic ipFilterRules beside networkRuleSets are kept but reported (a warning) as
//   ignored. Under profile 2020-03 a private endpoint to a hub also needs the hub to have a
//   managed identity (iothub.md §6.3, "required MSI hub").
// - A user-assigned identity entry without a principalId takes the identity resource's, or its
//   name when the resource is not among the resources (a warning).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/policy/egress.h"
#include "core/policy/ingress.h"
#include "core/policy/network.h"
#include "core/policy/profile.h"
#include "core/policy/rbac.h"

namespace routesim::policy {

// A Microsoft.Devices/IotHubs resource as the policy sees it.
struct HubPolicyConfig {
  std::string name;
  std::string path;  // JSON path of the hub resource
  ResourceRef ref;
  std::string location;
  std::string sku;  // sku.name ("S1")
  HubIngressConfig ingress;
  HubIdentity identity;
  // properties.eventHubEndpoints.events.partitionCount (validated by the built-in endpoint's
  // reader); 4 when absent (2 on F1), as IoT Hub creates it.
  uint32_t partition_count = 4;
};

struct PolicyResources {
  std::vector<HubPolicyConfig> hubs;
  NetworkModel network;
  std::vector<Target> targets;  // storage accounts, Event Hubs / Service Bus namespaces
  std::vector<UserAssignedIdentity> identities;  // resource_id: the identity resource's name
  std::vector<RoleAssignment> role_assignments;  // created_ns 0
  // The subscription and resource group of resources named without them: empty in a scenario
  // (a scope's ids then match any); an ARM template's stand-ins, which its resourceId() writes.
  std::string default_subscription;
  std::string default_group;
};

// Reads the resources this model covers out of `resources` (an array; `path` is its JSON path,
// e.g. "$.resources"), checking them against `profile`. Problems go to `issues` with JSON paths
// and byte offsets; the returned model holds what could be read.
PolicyResources readPolicyResources(const json::Value& resources, std::string_view path,
                                    Profile profile, ConfigIssues& issues);

// Lookups by name (ignoring letter case) or by full ARM resource id; nullptr when absent.
const HubPolicyConfig* findHub(const PolicyResources& r, std::string_view name);
const Target* findTarget(const PolicyResources& r, std::string_view name);
const UserAssignedIdentity* findIdentity(const PolicyResources& r, std::string_view name);

// The hub as a client of its targets under `profile`, with routesim's default egress range.
EgressHub egressHub(const HubPolicyConfig& hub, Profile profile);
// The role assignments as RBAC state (default propagation delay, default subscription and group).
RbacState rbacState(const PolicyResources& r);

}  // namespace routesim::policy
