// Egress from the hub to a custom endpoint's target (reference iothub.md §7, §8): the hub's
// identity, the endpoint's authenticationType, RBAC data roles with their propagation delay, and
// the target's own firewall (Storage networkAcls; Event Hubs / Service Bus network rule sets and
// their tier limits), including the trusted-services exception and the hub's public egress
// addresses (the AzureIoTHub service tag) for key-based traffic.
//
// Azure's order: the endpoint's authentication settings are checked when the endpoint is
// configured (400031 / 400032); at send time the target's network rules run before its
// authorization (Event Hubs / Service Bus document it; Storage behaves the same), so a firewall
// denial hides a missing role.
//
// EgressPolicy compiles an endpoint's settings once per configuration change; its decide() is a
// comparison. A decision holds until the configuration changes or, when a role assignment
// is propagating, until `changes_at_ns` (callers cache it until then).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/ingress.h"
#include "core/policy/ip.h"
#include "core/policy/profile.h"
#include "core/policy/rbac.h"

namespace routesim::policy {

enum class IdentityType : uint8_t { kNone, kSystemAssigned, kUserAssigned, kSystemAndUserAssigned };
// "None" | "SystemAssigned" | "UserAssigned" | "SystemAssigned, UserAssigned" (ignoring case and
// spaces around the comma).
std::optional<IdentityType> parseIdentityType(std::string_view text);

struct UserAssignedIdentity {
  std::string resource_id;  // as the hub's identity.userAssignedIdentities key, or a name
  std::string principal_id;
};

struct HubIdentity {
  IdentityType type = IdentityType::kNone;
  std::string system_principal_id;  // the hub's own name stands for it when empty
  std::vector<UserAssignedIdentity> user_assigned;
  bool hasSystemAssigned() const {
    return type == IdentityType::kSystemAssigned || type == IdentityType::kSystemAndUserAssigned;
  }
  // The user-assigned identity `id` names (a resource id or a name; the last segment of a
  // resource id matches a name), or nullptr.
  const UserAssignedIdentity* findUserAssigned(std::string_view id) const;
};

enum class AuthType : uint8_t { kKeyBased, kIdentityBased };

enum class TargetKind : uint8_t { kStorage, kEventHubs, kServiceBus };
std::string_view targetKindName(TargetKind k);  // "storage account" | "Event Hubs namespace" | ...

// A target resource and its firewall.
struct Target {
  TargetKind kind = TargetKind::kStorage;
  ResourceRef ref;                    // the account / namespace
  std::string location;               // region
  std::string sku_tier;               // Event Hubs / Service Bus: "Basic" | "Standard" | "Premium"
  bool public_network_access = true;  // publicNetworkAccess Enabled | Disabled
  bool default_allow = true;          // networkAcls / networkRuleSets defaultAction
  std::vector<Cidr> ip_rules;
  size_t virtual_network_rules = 0;  // the hub is never in a customer VNet: counted, never matched
  // Storage only.
  bool bypass_azure_services = true;               // networkAcls.bypass contains AzureServices
  std::vector<std::string> resource_access_rules;  // resourceAccessRules[].resourceId
  // Event Hubs / Service Bus only.
  bool trusted_service_access = false;  // trustedServiceAccessEnabled
  // Whether the tier has a firewall at all (Service Bus: Premium only; Event Hubs: not Basic).
  bool firewallSupported() const;
};

// A custom routing endpoint as egress sees it.
struct EgressEndpoint {
  std::string name;
  AuthType auth = AuthType::kKeyBased;
  std::string user_assigned_identity;  // identity.userAssignedIdentity; empty: system-assigned
  bool has_connection_string = false;  // keyBased needs one; identityBased uses endpointUri
  ResourceRef target_entity;           // the target and the entity (hub, queue, topic, container)
};

// The hub as a client of its targets.
struct EgressHub {
  std::string name;
  ResourceRef ref;
  std::string location;
  HubIdentity identity;
  // The hub's public egress addresses (its region's AzureIoTHub service-tag prefixes). routesim's
  // default stands in for the real tag, which changes over time: configure the real prefixes to
  // test IP rules written for them.
  std::vector<IpRange> egress_ranges;
  Profile profile = Profile::kCurrent;
};

// routesim's default for the AzureIoTHub service tag (documented as a stand-in).
IpRange defaultHubEgressRange();

enum class EgressReason : uint8_t {
  // allowed
  kNoFirewall,            // the target accepts public traffic (defaultAction Allow, or EH/SB
                          // Deny without rules, or a tier without a firewall)
  kTrustedServices,       // the trusted-services exception, with the hub's identity
  kResourceInstanceRule,  // Storage resourceAccessRules names the hub
  kIpRuleAllowsHub,       // an IP rule covers the hub's egress addresses
  kKeyBased,              // (auth) the connection string's key
  kRoleAssigned,          // (auth) a propagated data role
  // denied at configuration (400)
  kManagedIdentityNotEnabled,  // 400032: identityBased but the hub lacks that identity
  kInvalidAuthenticationType,  // 400031: keyBased without a connection string and similar
  kIdentityNotInProfile,       // the profile does not allow this identity kind here
  // denied by the target's network rules
  kPublicNetworkAccessDisabled,
  kFirewallKeyBased,       // Deny + keyBased: the trusted exception cannot apply
  kFirewallNoBypass,       // identityBased but bypass / trustedServiceAccess is off
  kFirewallRegionProfile,  // the exception does not exist in the hub's region (2020-03)
  kSameRegionIpRule,       // IP rule for the hub's addresses, but storage in the same region
  kFirewallDenied,         // Deny and nothing above applies
  // denied by authorization
  kRoleMissing,
  kRolePropagating,  // assigned, not yet in effect
};
std::string_view egressReasonName(EgressReason reason);  // camelCase, stable

struct EgressDecision {
  bool allowed = true;
  EgressReason network =
      EgressReason::kNoFirewall;                  // why the network layer let it through (or not)
  EgressReason reason = EgressReason::kKeyBased;  // the deciding reason (a denial's cause)
  int32_t rule = -1;                              // deciding IP rule, or -1
  const RoleAssignment* role = nullptr;           // the effective or pending assignment, if any
  // Virtual time when this decision may change by itself (a pending role taking effect);
  // UINT64_MAX when only a configuration change can change it.
  uint64_t changes_at_ns = UINT64_MAX;
};

// The principal an identity-based endpoint uses: the user-assigned identity's principal, or the
// system-assigned one (the hub's name when no principal id is configured).
std::string_view endpointPrincipal(const EgressHub& hub, const EgressEndpoint& endpoint);

// An endpoint's egress compiled once per configuration change (hub, endpoint, target or role
// assignments): the authentication settings and the target's network rules are decided at
// construction, and the role assignments that could authorize the endpoint's identity are
// reduced to the earliest time one is in effect, so decide() only compares that with `now_ns`.
// `rbac` must outlive the policy (decisions point at its assignments).
class EgressPolicy {
 public:
  EgressPolicy(const EgressHub& hub, const EgressEndpoint& endpoint, const Target& target,
               const RbacState& rbac);
  EgressDecision decide(uint64_t now_ns) const;

 private:
  EgressDecision fixed_;                  // the decision up to authorization
  bool final_ = true;                     // fixed_ is the answer (a denial, or key-based)
  const RoleAssignment* role_ = nullptr;  // the matching assignment in effect earliest
  uint64_t role_effective_ns_ = UINT64_MAX;
};

// EgressPolicy(hub, endpoint, target, rbac).decide(now_ns).
EgressDecision decideEgress(const EgressHub& hub, const EgressEndpoint& endpoint,
                            const Target& target, const RbacState& rbac, uint64_t now_ns);

// Azure's error for a denied decision (empty for an allowed one): Storage 403 AuthorizationFailure
// or AuthorizationPermissionMismatch; Event Hubs / Service Bus 401 "Ip has been prevented to
// connect to the endpoint." or SubCode 40100; 400031 / 400032 at configuration.
AzureError egressAzureError(const EgressDecision& d, const Target& target);
// The endpoint health's lastKnownError for a denial ("Unauthorized", "Forbidden", ...).
std::string_view egressLastKnownError(const EgressDecision& d, const Target& target);
// One sentence: what was decided, why, and the fix for a denial.
std::string explainEgress(const EgressDecision& d, const EgressHub& hub,
                          const EgressEndpoint& endpoint, const Target& target);

}  // namespace routesim::policy
