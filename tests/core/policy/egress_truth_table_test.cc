// Truth tables for decideEgress written from the reference (iothub.md §0 items 11-12, §7, §8),
// not from the implementation: every combination of endpoint auth type, hub identity, role
// (none / the right data role / roles that grant no data access), role scope, propagation,
// target kind and tier, target firewall, trusted-services switch, region and profile is decided
// by a small oracle below and compared with decideEgress().
//
// Oracle (one rule per reference fact):
//  - identityBased with a hub that lacks that identity: 400032 ManagedIdentityNotEnabled, checked
//    when the endpoint is configured, so before anything at the target (§7, egress.h).
//  - 2020-03 profile: no user-assigned identities (2021, §7); the trusted-services exception only
//    for hubs in East US / South Central US / West US 2 (§7, §0.11).
//  - At the target, network rules run before authorization (§8.2, §0.12): a firewall denial
//    hides a missing role.
//  - publicNetworkAccess Disabled: private endpoints only (§8.2), no exception for the hub.
//  - Firewall tiers: Service Bus firewall only in Premium, Event Hubs not in Basic (§8.2): on the
//    other tiers the rules are not enforced. defaultAction Allow is open. Event Hubs / Service Bus
//    Deny with zero IP and zero VNet rules allows everything (§8.2).
//  - Deny: the trusted-services exception lets the hub through only with identity-based auth, a
//    hub identity, and bypass AzureServices (Storage) / trustedServiceAccessEnabled (EH/SB) (§7).
//    An IP rule covering the hub's egress addresses (AzureIoTHub tag) lets its traffic through,
//    except to a storage account in the hub's own region (§7).
//  - Authorization: key-based needs no role. Identity-based needs a propagated data role
//    (Storage Blob Data Contributor / Azure Event Hubs Data Sender / Azure Service Bus Data
//    Sender) at the resource or above; Owner, Contributor, Storage Account Contributor grant no
//    data access (§7). A new assignment takes effect after the propagation delay (PT5M).
//  - Errors: Storage firewall 403 AuthorizationFailure "This request is not authorized to perform
//    this operation."; EH/SB firewall 401 "Ip has been prevented to connect to the endpoint."
//    (§8.1, §8.2); missing role: Storage 403 AuthorizationPermissionMismatch (DESIGN.md), EH/SB
//    401 SubCode=40100 (§8.2).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/egress.h"
#include "core/policy/ingress.h"
#include "core/policy/ip.h"
#include "core/policy/profile.h"
#include "core/policy/rbac.h"

namespace routesim::policy {
namespace {

constexpr uint64_t kSecond = 1000000000ULL;
constexpr uint64_t kMinute = 60 * kSecond;
constexpr uint64_t kNow = 60 * kMinute;  // one hour of virtual time
constexpr uint64_t kNever = UINT64_MAX;

constexpr std::string_view kSub = "sub1";
constexpr std::string_view kGroup = "rg1";
constexpr std::string_view kRgId = "/subscriptions/sub1/resourceGroups/rg1";
constexpr std::string_view kSubId = "/subscriptions/sub1";
constexpr std::string_view kHubId =
    "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Devices/IotHubs/contoso-hub";
constexpr std::string_view kUaiId =
    "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/"
    "userAssignedIdentities/hub-uai";
constexpr std::string_view kSystemPrincipal = "11111111-1111-1111-1111-111111111111";
constexpr std::string_view kUaiPrincipal = "22222222-2222-2222-2222-222222222222";

bool containsIgnoringCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

Cidr cidr(std::string_view text) {
  auto r = parseCidr(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : Cidr{};
}

Scope scopeOf(std::string_view arm_id) {
  auto s = Scope::parse(arm_id);
  EXPECT_TRUE(s.has_value()) << arm_id;
  return s.value_or(Scope{});
}

ResourceRef refOf(std::string_view arm_id) { return scopeOf(arm_id).ref; }

const RoleDefinition* role(std::string_view name) {
  const RoleDefinition* r = findRole(name);
  EXPECT_NE(r, nullptr) << "built-in role missing: " << name;
  return r;
}

// Exact CIDR decomposition of an address range (for IP rules covering the hub's egress range).
std::vector<Cidr> cidrsFor(const IpRange& range) {
  std::vector<Cidr> out;
  uint64_t start = range.first;
  const uint64_t end = range.last;
  while (start <= end) {
    int prefix = 32;
    while (prefix > 0) {
      const uint64_t size = 1ULL << (32 - (prefix - 1));
      if ((start & (size - 1)) != 0 || start + size - 1 > end) break;
      --prefix;
    }
    out.push_back(Cidr{static_cast<Ipv4>(start), static_cast<uint8_t>(prefix)});
    start += 1ULL << (32 - prefix);
  }
  return out;
}

bool overlaps(const IpRange& a, const IpRange& b) { return a.first <= b.last && b.first <= a.last; }

// An IP rule that holds none of the hub's egress addresses.
Cidr unrelatedRule() {
  const IpRange hub = defaultHubEgressRange();
  for (std::string_view candidate : {"198.18.0.0/24", "203.0.113.0/24", "192.0.2.0/24"}) {
    const Cidr c = cidr(candidate);
    if (!overlaps(c.range(), hub)) return c;
  }
  ADD_FAILURE() << "no unrelated IP rule candidate outside the hub's egress range";
  return cidr("198.18.0.0/24");
}

// ---------------------------------------------------------------------------------------------
// Dimensions.
// ---------------------------------------------------------------------------------------------
enum class Auth { kKeyBased, kSystemIdentity, kUserIdentity };
constexpr Auth kAuths[] = {Auth::kKeyBased, Auth::kSystemIdentity, Auth::kUserIdentity};
std::string_view authName(Auth a) {
  switch (a) {
    case Auth::kKeyBased:
      return "keyBased";
    case Auth::kSystemIdentity:
      return "identityBased(system)";
    case Auth::kUserIdentity:
      return "identityBased(userAssigned)";
  }
  return "?";
}

constexpr IdentityType kHubIdentities[] = {IdentityType::kNone, IdentityType::kSystemAssigned,
                                           IdentityType::kUserAssigned,
                                           IdentityType::kSystemAndUserAssigned};
std::string_view identityName(IdentityType t) {
  switch (t) {
    case IdentityType::kNone:
      return "None";
    case IdentityType::kSystemAssigned:
      return "SystemAssigned";
    case IdentityType::kUserAssigned:
      return "UserAssigned";
    case IdentityType::kSystemAndUserAssigned:
      return "SystemAssigned,UserAssigned";
  }
  return "?";
}

enum class RoleChoice {
  kNone,
  kDataRole,           // the right data role for the target kind
  kOtherKindDataRole,  // a data sender role for another kind of target
  kReaderRole,         // the target kind's data reader / receiver role
  kContributor,
  kOwner,
  kStorageAccountContributor,
};
std::string_view roleChoiceName(RoleChoice r) {
  switch (r) {
    case RoleChoice::kNone:
      return "none";
    case RoleChoice::kDataRole:
      return "dataRole";
    case RoleChoice::kOtherKindDataRole:
      return "otherKindDataRole";
    case RoleChoice::kReaderRole:
      return "readerRole";
    case RoleChoice::kContributor:
      return "Contributor";
    case RoleChoice::kOwner:
      return "Owner";
    case RoleChoice::kStorageAccountContributor:
      return "StorageAccountContributor";
  }
  return "?";
}

enum class ScopeChoice { kResource, kResourceGroup, kSubscription, kOtherResource };
std::string_view scopeName(ScopeChoice s) {
  switch (s) {
    case ScopeChoice::kResource:
      return "resource";
    case ScopeChoice::kResourceGroup:
      return "resourceGroup";
    case ScopeChoice::kSubscription:
      return "subscription";
    case ScopeChoice::kOtherResource:
      return "otherResource";
  }
  return "?";
}

struct RoleCase {
  RoleChoice role = RoleChoice::kNone;
  ScopeChoice scope = ScopeChoice::kResource;
  bool pending = false;  // made 1 minute before now (PT5M delay) vs long ago
};

std::vector<RoleCase> roleCases() {
  std::vector<RoleCase> out = {{RoleChoice::kNone, ScopeChoice::kResource, false}};
  for (ScopeChoice s : {ScopeChoice::kResource, ScopeChoice::kResourceGroup,
                        ScopeChoice::kSubscription, ScopeChoice::kOtherResource}) {
    for (bool pending : {false, true}) out.push_back({RoleChoice::kDataRole, s, pending});
  }
  // A role that grants no data access grants none at any scope: the resource and the
  // subscription are enough to show it.
  for (RoleChoice r :
       {RoleChoice::kOtherKindDataRole, RoleChoice::kReaderRole, RoleChoice::kContributor,
        RoleChoice::kOwner, RoleChoice::kStorageAccountContributor}) {
    for (ScopeChoice s : {ScopeChoice::kResource, ScopeChoice::kSubscription}) {
      for (bool pending : {false, true}) out.push_back({r, s, pending});
    }
  }
  return out;
}

struct TargetCase {
  std::string_view name;
  TargetKind kind;
  std::string_view tier;
};
constexpr TargetCase kTargets[] = {
    {"Storage", TargetKind::kStorage, ""},
    {"EventHubsBasic", TargetKind::kEventHubs, "Basic"},
    {"EventHubsStandard", TargetKind::kEventHubs, "Standard"},
    {"EventHubsPremium", TargetKind::kEventHubs, "Premium"},
    {"ServiceBusStandard", TargetKind::kServiceBus, "Standard"},
    {"ServiceBusPremium", TargetKind::kServiceBus, "Premium"},
};

enum class Firewall {
  kPublicAccessDisabled,  // publicNetworkAccess Disabled (defaultAction Allow, to show it wins)
  kAllow,                 // defaultAction Allow (with an unrelated IP rule: not enforced)
  kDenyNoRules,           // Deny, zero IP and zero VNet rules
  kDenyVnetRuleOnly,      // Deny, zero IP rules, one VNet rule (the hub is in no VNet)
  kDenyUnrelatedIp,       // Deny, an IP rule that does not hold the hub's addresses
  kDenyHubRange,          // Deny, IP rules covering the hub's egress range
};
constexpr Firewall kFirewalls[] = {Firewall::kPublicAccessDisabled, Firewall::kAllow,
                                   Firewall::kDenyNoRules,          Firewall::kDenyVnetRuleOnly,
                                   Firewall::kDenyUnrelatedIp,      Firewall::kDenyHubRange};
std::string_view firewallName(Firewall f) {
  switch (f) {
    case Firewall::kPublicAccessDisabled:
      return "publicNetworkAccessDisabled";
    case Firewall::kAllow:
      return "defaultActionAllow";
    case Firewall::kDenyNoRules:
      return "denyNoRules";
    case Firewall::kDenyVnetRuleOnly:
      return "denyVnetRuleOnly";
    case Firewall::kDenyUnrelatedIp:
      return "denyUnrelatedIpRule";
    case Firewall::kDenyHubRange:
      return "denyIpRuleForHubEgressRange";
  }
  return "?";
}

struct ProfileCase {
  std::string_view name;
  Profile profile;
  std::string_view hub_location;
  bool isolation_region;  // the trusted-services exception exists for this hub
};
constexpr ProfileCase kProfiles[] = {
    {"current/eastus", Profile::kCurrent, "eastus", true},
    {"current/westeurope", Profile::kCurrent, "westeurope", true},
    {"2020-03/eastus", Profile::k2020_03, "eastus", true},
    {"2020-03/westeurope", Profile::k2020_03, "westeurope", false},
};

struct Row {
  Auth auth;
  IdentityType hub_identity;
  RoleCase role;
  const TargetCase* target;
  Firewall firewall;
  bool bypass;  // bypass AzureServices (Storage) / trustedServiceAccessEnabled (EH/SB)
  bool same_region;
  const ProfileCase* profile;
};

std::string rowName(const Row& r) {
  std::string s;
  s += "auth=" + std::string(authName(r.auth));
  s += " hubIdentity=" + std::string(identityName(r.hub_identity));
  s += " role=" + std::string(roleChoiceName(r.role.role));
  if (r.role.role != RoleChoice::kNone) {
    s += "@" + std::string(scopeName(r.role.scope));
    s += r.role.pending ? " (made 1 min ago)" : " (made long ago)";
  }
  s += " target=" + std::string(r.target->name);
  s += " firewall=" + std::string(firewallName(r.firewall));
  s += " bypass/trusted=" + std::string(r.bypass ? "on" : "off");
  s += " region=" + std::string(r.same_region ? "same" : "different");
  s += " profile=" + std::string(r.profile->name);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Builders.
// ---------------------------------------------------------------------------------------------
std::string resourceId(TargetKind kind) {
  switch (kind) {
    case TargetKind::kStorage:
      return "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/"
             "contosocold";
    case TargetKind::kEventHubs:
      return "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.EventHub/namespaces/"
             "contosoeh";
    case TargetKind::kServiceBus:
      return "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ServiceBus/namespaces/"
             "contososb";
  }
  return "";
}
std::string otherResourceId(TargetKind kind) {
  switch (kind) {
    case TargetKind::kStorage:
      return "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/"
             "otheracct";
    case TargetKind::kEventHubs:
      return "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.EventHub/namespaces/"
             "otherns";
    case TargetKind::kServiceBus:
      return "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ServiceBus/namespaces/"
             "otherns";
  }
  return "";
}
std::string entityId(TargetKind kind) {
  switch (kind) {
    case TargetKind::kStorage:
      return resourceId(kind) + "/blobServices/default/containers/telemetry";
    case TargetKind::kEventHubs:
      return resourceId(kind) + "/eventhubs/telemetry";
    case TargetKind::kServiceBus:
      return resourceId(kind) + "/queues/orders";
  }
  return "";
}

std::string_view dataRoleName(TargetKind kind) {
  switch (kind) {
    case TargetKind::kStorage:
      return "Storage Blob Data Contributor";
    case TargetKind::kEventHubs:
      return "Azure Event Hubs Data Sender";
    case TargetKind::kServiceBus:
      return "Azure Service Bus Data Sender";
  }
  return "";
}

std::string_view roleNameFor(RoleChoice choice, TargetKind kind) {
  switch (choice) {
    case RoleChoice::kNone:
      return "";
    case RoleChoice::kDataRole:
      return dataRoleName(kind);
    case RoleChoice::kOtherKindDataRole:
      return kind == TargetKind::kStorage     ? "Azure Event Hubs Data Sender"
             : kind == TargetKind::kEventHubs ? "Azure Service Bus Data Sender"
                                              : "Storage Blob Data Contributor";
    case RoleChoice::kReaderRole:
      return kind == TargetKind::kStorage     ? "Storage Blob Data Reader"
             : kind == TargetKind::kEventHubs ? "Azure Event Hubs Data Receiver"
                                              : "Azure Service Bus Data Receiver";
    case RoleChoice::kContributor:
      return "Contributor";
    case RoleChoice::kOwner:
      return "Owner";
    case RoleChoice::kStorageAccountContributor:
      return "Storage Account Contributor";
  }
  return "";
}

EgressHub buildHub(IdentityType identity, const ProfileCase& profile) {
  EgressHub hub;
  hub.name = "contoso-hub";
  hub.ref = refOf(kHubId);
  hub.location = std::string(profile.hub_location);
  hub.identity.type = identity;
  if (hub.identity.hasSystemAssigned())
    hub.identity.system_principal_id = std::string(kSystemPrincipal);
  if (identity == IdentityType::kUserAssigned || identity == IdentityType::kSystemAndUserAssigned) {
    hub.identity.user_assigned = {{std::string(kUaiId), std::string(kUaiPrincipal)}};
  }
  hub.egress_ranges = {defaultHubEgressRange()};
  hub.profile = profile.profile;
  return hub;
}

EgressEndpoint buildEndpoint(Auth auth, TargetKind kind) {
  EgressEndpoint e;
  e.name = "custom";
  e.target_entity = refOf(entityId(kind));
  switch (auth) {
    case Auth::kKeyBased:
      e.auth = AuthType::kKeyBased;
      e.has_connection_string = true;
      break;
    case Auth::kSystemIdentity:
      e.auth = AuthType::kIdentityBased;
      break;
    case Auth::kUserIdentity:
      e.auth = AuthType::kIdentityBased;
      e.user_assigned_identity = std::string(kUaiId);
      break;
  }
  return e;
}

Target buildTarget(const TargetCase& tc, Firewall fw, bool bypass, bool same_region,
                   std::string_view hub_location) {
  Target t;
  t.kind = tc.kind;
  t.ref = refOf(resourceId(tc.kind));
  t.location = same_region ? std::string(hub_location) : std::string("centralus");
  t.sku_tier = std::string(tc.tier);
  // The switch that does not belong to this kind is set the other way: it must be ignored.
  if (tc.kind == TargetKind::kStorage) {
    t.bypass_azure_services = bypass;
    t.trusted_service_access = !bypass;
  } else {
    t.trusted_service_access = bypass;
    t.bypass_azure_services = !bypass;
  }
  switch (fw) {
    case Firewall::kPublicAccessDisabled:
      t.public_network_access = false;
      t.default_allow = true;
      break;
    case Firewall::kAllow:
      t.default_allow = true;
      t.ip_rules = {unrelatedRule()};
      break;
    case Firewall::kDenyNoRules:
      t.default_allow = false;
      break;
    case Firewall::kDenyVnetRuleOnly:
      t.default_allow = false;
      t.virtual_network_rules = 1;
      break;
    case Firewall::kDenyUnrelatedIp:
      t.default_allow = false;
      t.ip_rules = {unrelatedRule()};
      break;
    case Firewall::kDenyHubRange:
      t.default_allow = false;
      t.ip_rules = cidrsFor(defaultHubEgressRange());
      break;
  }
  return t;
}

uint64_t createdAt(const RoleCase& rc) { return rc.pending ? kNow - kMinute : 0; }

RbacState buildRbac(const RoleCase& rc, Auth auth, TargetKind kind) {
  RbacState rbac;
  rbac.default_subscription = std::string(kSub);
  rbac.default_group = std::string(kGroup);
  if (rc.role == RoleChoice::kNone) return rbac;
  RoleAssignment a;
  a.name = "assignment";
  a.principal_id = std::string(auth == Auth::kUserIdentity ? kUaiPrincipal : kSystemPrincipal);
  a.role = role(roleNameFor(rc.role, kind));
  switch (rc.scope) {
    case ScopeChoice::kResource:
      a.scope = scopeOf(resourceId(kind));
      break;
    case ScopeChoice::kResourceGroup:
      a.scope = scopeOf(kRgId);
      break;
    case ScopeChoice::kSubscription:
      a.scope = scopeOf(kSubId);
      break;
    case ScopeChoice::kOtherResource:
      a.scope = scopeOf(otherResourceId(kind));
      break;
  }
  a.created_ns = createdAt(rc);
  rbac.assignments.push_back(a);
  return rbac;
}

// ---------------------------------------------------------------------------------------------
// The oracle.
// ---------------------------------------------------------------------------------------------
enum class Outcome { kAllowed, kDenied, kUnspecified };

enum class Err {
  kNone,
  kIdentityNotEnabled,   // 400 ManagedIdentityNotEnabled 400032
  kConfigAny,            // a configuration refusal; 400032 or the profile's own reason
  kStorageFirewall,      // 403 AuthorizationFailure + message
  kHubsFirewall,         // 401 "Ip has been prevented ..."
  kStoragePublicAccess,  // 403
  kHubsPublicAccess,     // 401
  kStorageRbac,          // 403 AuthorizationPermissionMismatch
  kHubsRbac,             // 401 SubCode 40100
};

struct Expected {
  Outcome outcome = Outcome::kAllowed;
  std::vector<EgressReason> reasons;  // d.reason: any of these
  std::vector<EgressReason> network;  // d.network: any of these (empty: not checked)
  Err err = Err::kNone;
  std::optional<uint64_t> changes_at;  // checked when set
  bool expect_role = false;            // d.role is the data-role assignment
  std::string_view unspecified_why;
};

Expected oracle(const Row& r) {
  Expected e;
  const TargetKind kind = r.target->kind;
  const bool storage = kind == TargetKind::kStorage;
  const bool identity = r.auth != Auth::kKeyBased;
  const bool hub_sys = r.hub_identity == IdentityType::kSystemAssigned ||
                       r.hub_identity == IdentityType::kSystemAndUserAssigned;
  const bool hub_uai = r.hub_identity == IdentityType::kUserAssigned ||
                       r.hub_identity == IdentityType::kSystemAndUserAssigned;
  const bool is2020 = r.profile->profile == Profile::k2020_03;
  const bool grants =
      r.role.role == RoleChoice::kDataRole && r.role.scope != ScopeChoice::kOtherResource;
  const bool grant_pending = grants && r.role.pending;
  // A decision changes by itself only when a matching assignment is still propagating.
  if (!grant_pending) e.changes_at = kNever;

  auto unspecified = [&](std::string_view why) {
    e.outcome = Outcome::kUnspecified;
    e.unspecified_why = why;
    return e;
  };

  // 1. Configuration of the endpoint's identity.
  if (is2020 && (r.auth == Auth::kUserIdentity || hub_uai)) {
    if (r.auth == Auth::kUserIdentity || (r.auth == Auth::kSystemIdentity && !hub_sys)) {
      e.outcome = Outcome::kDenied;
      e.reasons = {EgressReason::kIdentityNotInProfile, EgressReason::kManagedIdentityNotEnabled};
      e.err = Err::kConfigAny;
      return e;
    }
    return unspecified("a user-assigned hub identity cannot exist in the 2020-03 profile");
  }
  if ((r.auth == Auth::kSystemIdentity && !hub_sys) ||
      (r.auth == Auth::kUserIdentity && !hub_uai)) {
    e.outcome = Outcome::kDenied;
    e.reasons = {EgressReason::kManagedIdentityNotEnabled};
    e.err = Err::kIdentityNotEnabled;
    return e;
  }

  // 2. The target's network rules.
  const bool firewall_tier = storage ||
                             (kind == TargetKind::kEventHubs && r.target->tier != "Basic") ||
                             (kind == TargetKind::kServiceBus && r.target->tier == "Premium");
  std::vector<EgressReason> passes;
  if (r.firewall == Firewall::kPublicAccessDisabled) {
    if (!firewall_tier) {
      return unspecified("publicNetworkAccess Disabled on a tier without network rules");
    }
    e.outcome = Outcome::kDenied;
    e.reasons = {EgressReason::kPublicNetworkAccessDisabled};
    e.network = e.reasons;
    e.err = storage ? Err::kStoragePublicAccess : Err::kHubsPublicAccess;
    return e;
  }
  if (!firewall_tier || r.firewall == Firewall::kAllow ||
      (!storage && r.firewall == Firewall::kDenyNoRules)) {
    passes = {EgressReason::kNoFirewall};
  } else {
    if (identity && r.bypass && r.profile->isolation_region) {
      passes.push_back(EgressReason::kTrustedServices);
    }
    const bool same_region_storage = storage && r.same_region;
    if (r.firewall == Firewall::kDenyHubRange && !same_region_storage) {
      passes.push_back(EgressReason::kIpRuleAllowsHub);
    }
    if (passes.empty()) {
      e.outcome = Outcome::kDenied;
      if (!identity) {
        e.reasons = {EgressReason::kFirewallKeyBased};
      } else if (!r.bypass) {
        e.reasons = {EgressReason::kFirewallNoBypass};
      } else {
        e.reasons = {EgressReason::kFirewallRegionProfile};
      }
      if (r.firewall == Firewall::kDenyHubRange && same_region_storage) {
        e.reasons.push_back(EgressReason::kSameRegionIpRule);
      }
      e.network = e.reasons;
      if (is2020 && identity && !r.profile->isolation_region) {
        // §7: in 2020 a managed identity could not be given to a hub outside the isolation
        // regions at all, so refusing the identity itself is as right as the firewall denial.
        e.reasons.push_back(EgressReason::kIdentityNotInProfile);
        e.network.clear();
      }
      e.err = storage ? Err::kStorageFirewall : Err::kHubsFirewall;
      return e;
    }
  }
  e.network = passes;

  if (is2020 && identity && !r.profile->isolation_region) {
    return unspecified("a managed identity outside the 2020-03 isolation regions (§7)");
  }

  // 3. Authorization at the target.
  if (!identity) {
    e.outcome = Outcome::kAllowed;
    e.reasons = {EgressReason::kKeyBased};
    return e;
  }
  if (grants && !r.role.pending) {
    e.outcome = Outcome::kAllowed;
    e.reasons = {EgressReason::kRoleAssigned};
    e.expect_role = true;
    return e;
  }
  e.outcome = Outcome::kDenied;
  e.err = storage ? Err::kStorageRbac : Err::kHubsRbac;
  if (grant_pending) {
    e.reasons = {EgressReason::kRolePropagating};
    e.changes_at = createdAt(r.role) + kDefaultPropagationNs;
    e.expect_role = true;
  } else {
    e.reasons = {EgressReason::kRoleMissing};
  }
  return e;
}

std::string reasonsText(const std::vector<EgressReason>& reasons) {
  std::string s;
  for (EgressReason r : reasons) {
    if (!s.empty()) s += "|";
    s += std::string(egressReasonName(r));
  }
  return s;
}

bool contains(const std::vector<EgressReason>& v, EgressReason r) {
  return std::find(v.begin(), v.end(), r) != v.end();
}

std::string statusText(const std::optional<int>& s) { return s ? std::to_string(*s) : "null"; }

// Compares one row; returns the mismatch description (empty when it agrees or is unspecified).
std::string checkRow(const Row& r, bool* unspecified) {
  const Expected e = oracle(r);
  *unspecified = e.outcome == Outcome::kUnspecified;
  if (*unspecified) return "";

  const TargetKind kind = r.target->kind;
  const EgressHub hub = buildHub(r.hub_identity, *r.profile);
  const EgressEndpoint endpoint = buildEndpoint(r.auth, kind);
  const Target target = buildTarget(*r.target, r.firewall, r.bypass, r.same_region, hub.location);
  const RbacState rbac = buildRbac(r.role, r.auth, kind);
  const EgressDecision d = decideEgress(hub, endpoint, target, rbac, kNow);

  std::string problems;
  auto problem = [&](const std::string& p) { problems += "\n    " + p; };

  const bool want_allowed = e.outcome == Outcome::kAllowed;
  if (d.allowed != want_allowed) {
    problem(std::string("allowed: expected ") + (want_allowed ? "true" : "false") + " (" +
            reasonsText(e.reasons) + "), got " + (d.allowed ? "true" : "false") + " (reason " +
            std::string(egressReasonName(d.reason)) + ", network " +
            std::string(egressReasonName(d.network)) + ")");
    return problems;  // the details below would only repeat it
  }
  if (!contains(e.reasons, d.reason)) {
    problem("reason: expected " + reasonsText(e.reasons) + ", got " +
            std::string(egressReasonName(d.reason)));
  }
  if (!e.network.empty() && !contains(e.network, d.network)) {
    problem("network: expected " + reasonsText(e.network) + ", got " +
            std::string(egressReasonName(d.network)));
  }
  if (e.changes_at && d.changes_at_ns != *e.changes_at) {
    problem("changes_at_ns: expected " +
            (*e.changes_at == kNever ? std::string("UINT64_MAX") : std::to_string(*e.changes_at)) +
            ", got " + std::to_string(d.changes_at_ns));
  }
  if (e.expect_role) {
    if (d.role == nullptr || d.role->role == nullptr) {
      problem("role: expected the data-role assignment, got none");
    } else if (d.role->role->name != dataRoleName(kind)) {
      problem("role: expected " + std::string(dataRoleName(kind)) + ", got " +
              std::string(d.role->role->name));
    }
  }

  Err expected_err = e.err;
  if (d.reason == EgressReason::kIdentityNotInProfile) expected_err = Err::kConfigAny;
  const AzureError err = egressAzureError(d, target);
  const std::string explanation = explainEgress(d, hub, endpoint, target);
  if (explanation.empty()) problem("explainEgress is empty");
  if (!d.allowed && egressLastKnownError(d, target).empty()) problem("lastKnownError is empty");
  auto expectStatus = [&](int status) {
    if (err.status != status) {
      problem("status: expected " + std::to_string(status) + ", got " + statusText(err.status));
    }
  };
  switch (expected_err) {
    case Err::kNone:
      if (err.status.has_value()) problem("azureError of an allowed decision has a status");
      break;
    case Err::kIdentityNotEnabled:
      expectStatus(400);
      if (err.code != "ManagedIdentityNotEnabled") {
        problem("code: expected ManagedIdentityNotEnabled, got '" + std::string(err.code) + "'");
      }
      if (err.error_code != 400032) {
        problem("error_code: expected 400032, got " + std::to_string(err.error_code));
      }
      if (!containsIgnoringCase(explanation, "identity")) {
        problem("explain does not mention the identity: '" + explanation + "'");
      }
      break;
    case Err::kConfigAny:
      if (d.reason == EgressReason::kManagedIdentityNotEnabled) {
        expectStatus(400);
        if (err.error_code != 400032) {
          problem("error_code: expected 400032, got " + std::to_string(err.error_code));
        }
      }
      break;
    case Err::kStorageFirewall:
      expectStatus(403);
      if (err.code != "AuthorizationFailure") {
        problem("code: expected AuthorizationFailure, got '" + std::string(err.code) + "'");
      }
      if (!containsIgnoringCase(err.message,
                                "This request is not authorized to perform this operation.")) {
        problem("message: expected Storage's AuthorizationFailure text, got '" +
                std::string(err.message) + "'");
      }
      break;
    case Err::kHubsFirewall:
      expectStatus(401);
      if (!containsIgnoringCase(err.message, "Ip has been prevented to connect to the endpoint.")) {
        problem("message: expected 'Ip has been prevented to connect to the endpoint.', got '" +
                std::string(err.message) + "'");
      }
      break;
    case Err::kStoragePublicAccess:
      expectStatus(403);
      break;
    case Err::kHubsPublicAccess:
      expectStatus(401);
      break;
    case Err::kStorageRbac:
      expectStatus(403);
      if (err.code != "AuthorizationPermissionMismatch") {
        problem("code: expected AuthorizationPermissionMismatch, got '" + std::string(err.code) +
                "'");
      }
      break;
    case Err::kHubsRbac:
      expectStatus(401);
      if (!containsIgnoringCase(err.message, "40100") && !containsIgnoringCase(err.code, "40100")) {
        problem("message/code: expected SubCode 40100, got code '" + std::string(err.code) +
                "' message '" + std::string(err.message) + "'");
      }
      break;
  }
  if (d.reason == EgressReason::kRoleMissing &&
      !containsIgnoringCase(explanation, dataRoleName(kind))) {
    problem("explain for a missing role does not name " + std::string(dataRoleName(kind)) + ": '" +
            explanation + "'");
  }
  if (d.reason == EgressReason::kPublicNetworkAccessDisabled &&
      !containsIgnoringCase(explanation, "publicNetworkAccess")) {
    problem("explain does not name publicNetworkAccess: '" + explanation + "'");
  }
  return problems;
}

constexpr size_t kMaxReported = 40;

// One parameterized suite per target (kind and tier); every other dimension is looped inside.
class EgressTruthTable : public ::testing::TestWithParam<size_t> {};

TEST_P(EgressTruthTable, EveryCombinationMatchesTheReference) {
  const TargetCase& tc = kTargets[GetParam()];
  const std::vector<RoleCase> roles = roleCases();
  size_t rows = 0;
  size_t unspecified_rows = 0;
  size_t failures = 0;
  for (Auth auth : kAuths) {
    for (IdentityType identity : kHubIdentities) {
      for (const RoleCase& rc : roles) {
        for (Firewall fw : kFirewalls) {
          for (bool bypass : {true, false}) {
            for (bool same_region : {true, false}) {
              for (const ProfileCase& profile : kProfiles) {
                const Row row{auth, identity, rc, &tc, fw, bypass, same_region, &profile};
                ++rows;
                bool unspecified = false;
                const std::string problems = checkRow(row, &unspecified);
                if (unspecified) ++unspecified_rows;
                if (!problems.empty()) {
                  ++failures;
                  if (failures <= kMaxReported) {
                    SCOPED_TRACE(rowName(row));
                    ADD_FAILURE() << "row disagrees with the reference:" << problems;
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0u) << failures << " of " << rows << " rows disagree for " << tc.name
                          << " (first " << kMaxReported << " shown)";
  EXPECT_EQ(rows, 3u * 4 * roles.size() * 6 * 2 * 2 * 4);
  RecordProperty("rows", static_cast<int>(rows));
  RecordProperty("unspecified_rows", static_cast<int>(unspecified_rows));
  std::printf("[ rows     ] %s: %zu rows, %zu checked, %zu left unspecified\n",
              std::string(tc.name).c_str(), rows, rows - unspecified_rows, unspecified_rows);
}

INSTANTIATE_TEST_SUITE_P(Targets, EgressTruthTable,
                         ::testing::Range<size_t>(0, std::size(kTargets)),
                         [](const ::testing::TestParamInfo<size_t>& param) {
                           return std::string(kTargets[param.param].name);
                         });

TEST(EgressTruthTableTiers, FirewallExistsOnTheTiersTheReferenceNames) {
  for (const TargetCase& tc : kTargets) {
    SCOPED_TRACE(std::string(tc.name));
    Target t;
    t.kind = tc.kind;
    t.sku_tier = std::string(tc.tier);
    const bool expected = tc.kind == TargetKind::kStorage ||
                          (tc.kind == TargetKind::kEventHubs && tc.tier != "Basic") ||
                          (tc.kind == TargetKind::kServiceBus && tc.tier == "Premium");
    EXPECT_EQ(t.firewallSupported(), expected);
  }
}

TEST(EgressTruthTableRoles, OnlyTheDataRolesGrantSending) {
  struct R {
    std::string_view name;
    bool blob, eh, sb;
  };
  const R roles[] = {
      {"Storage Blob Data Contributor", true, false, false},
      {"Azure Event Hubs Data Sender", false, true, false},
      {"Azure Service Bus Data Sender", false, false, true},
      {"Storage Blob Data Reader", false, false, false},
      {"Azure Event Hubs Data Receiver", false, false, false},
      {"Azure Service Bus Data Receiver", false, false, false},
      {"Contributor", false, false, false},
      {"Owner", false, false, false},
      {"Storage Account Contributor", false, false, false},
      {"Reader", false, false, false},
  };
  for (const R& r : roles) {
    SCOPED_TRACE(std::string(r.name));
    const RoleDefinition* def = role(r.name);
    if (def == nullptr) continue;
    EXPECT_EQ(def->grants(DataAction::kBlobWrite), r.blob);
    EXPECT_EQ(def->grants(DataAction::kEventHubsSend), r.eh);
    EXPECT_EQ(def->grants(DataAction::kServiceBusSend), r.sb);
  }
}

// ---------------------------------------------------------------------------------------------
// Named scenarios from the seed (examples/storage-behind-firewall.scenario.json): contoso-hub in
// eastus, 2020-03, system-assigned identity (no principal id: the hub's name stands for it);
// contosocold in eastus with networkAcls Deny + bypass AzureServices and no rules; the role
// assignment names the principal "contoso-hub" and the scope "contosocold".
// ---------------------------------------------------------------------------------------------
class EgressSeedTest : public ::testing::Test {
 protected:
  EgressSeedTest() {
    hub_.name = "contoso-hub";
    hub_.ref = refOf(kHubId);
    hub_.location = "eastus";
    hub_.identity.type = IdentityType::kSystemAssigned;
    hub_.egress_ranges = {defaultHubEgressRange()};
    hub_.profile = Profile::k2020_03;

    endpoint_.name = "cold";
    endpoint_.auth = AuthType::kIdentityBased;
    endpoint_.target_entity = refOf(entityId(TargetKind::kStorage));

    storage_.kind = TargetKind::kStorage;
    storage_.ref = refOf(resourceId(TargetKind::kStorage));
    storage_.location = "eastus";
    storage_.default_allow = false;
    storage_.bypass_azure_services = true;

    rbac_.default_subscription = std::string(kSub);
    rbac_.default_group = std::string(kGroup);
  }

  void grant(uint64_t created_ns) {
    RoleAssignment a;
    a.name = "hub-writes-cold";
    a.principal_id = "contoso-hub";
    a.role = role("Storage Blob Data Contributor");
    a.scope = scopeOf("contosocold");
    a.created_ns = created_ns;
    rbac_.assignments.push_back(a);
  }

  EgressHub hub_;
  EgressEndpoint endpoint_;
  Target storage_;
  RbacState rbac_;
};

TEST_F(EgressSeedTest, BypassAzureServicesSystemIdentityPropagatedRoleIsAllowedViaTrustedServices) {
  grant(0);
  EXPECT_EQ(endpointPrincipal(hub_, endpoint_), "contoso-hub");
  const EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 10 * kMinute);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.network, EgressReason::kTrustedServices);
  EXPECT_EQ(d.reason, EgressReason::kRoleAssigned);
  ASSERT_NE(d.role, nullptr);
  EXPECT_EQ(d.role->name, "hub-writes-cold");
  EXPECT_EQ(d.changes_at_ns, kNever);
  EXPECT_FALSE(egressAzureError(d, storage_).status.has_value());
}

TEST_F(EgressSeedTest, RemovedRoleIsAuthorizationPermissionMismatch) {
  const EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 15 * kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.network, EgressReason::kTrustedServices);
  EXPECT_EQ(d.reason, EgressReason::kRoleMissing);
  const AzureError err = egressAzureError(d, storage_);
  EXPECT_EQ(err.status, 403);
  EXPECT_EQ(err.code, "AuthorizationPermissionMismatch");
  EXPECT_FALSE(egressLastKnownError(d, storage_).empty());
  EXPECT_TRUE(containsIgnoringCase(explainEgress(d, hub_, endpoint_, storage_),
                                   "Storage Blob Data Contributor"));
}

TEST_F(EgressSeedTest, RegrantedRoleTakesEffectAfterTheFiveMinuteDelay) {
  grant(20 * kMinute);
  EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 21 * kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kRolePropagating);
  EXPECT_EQ(d.changes_at_ns, 25 * kMinute);
  EXPECT_EQ(egressAzureError(d, storage_).code, "AuthorizationPermissionMismatch");
  d = decideEgress(hub_, endpoint_, storage_, rbac_, 25 * kMinute);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kRoleAssigned);
}

TEST_F(EgressSeedTest, ConfiguredPropagationDelayIsHonoured) {
  rbac_.propagation_ns = 30 * kMinute;
  grant(20 * kMinute);
  EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 45 * kMinute);
  EXPECT_EQ(d.reason, EgressReason::kRolePropagating);
  EXPECT_EQ(d.changes_at_ns, 50 * kMinute);
  EXPECT_TRUE(decideEgress(hub_, endpoint_, storage_, rbac_, 50 * kMinute).allowed);
}

TEST_F(EgressSeedTest, KeyBasedEndpointIsStoppedByTheStorageFirewall) {
  grant(0);
  endpoint_.auth = AuthType::kKeyBased;
  endpoint_.has_connection_string = true;
  const EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 10 * kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kFirewallKeyBased);
  const AzureError err = egressAzureError(d, storage_);
  EXPECT_EQ(err.status, 403);
  EXPECT_EQ(err.code, "AuthorizationFailure");
  EXPECT_TRUE(containsIgnoringCase(err.message,
                                   "This request is not authorized to perform this operation."));
}

TEST_F(EgressSeedTest, FirewallDenialHidesAMissingRole) {
  storage_.bypass_azure_services = false;
  const EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 10 * kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kFirewallNoBypass);
  EXPECT_EQ(egressAzureError(d, storage_).code, "AuthorizationFailure");
}

TEST_F(EgressSeedTest, HubOutsideTheIsolationRegionsIn2020GetsNoTrustedException) {
  grant(0);
  hub_.location = "westeurope";
  storage_.location = "westeurope";
  const EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 10 * kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.reason == EgressReason::kFirewallRegionProfile ||
              d.reason == EgressReason::kIdentityNotInProfile)
      << egressReasonName(d.reason);
  hub_.profile = Profile::kCurrent;
  EXPECT_TRUE(decideEgress(hub_, endpoint_, storage_, rbac_, 10 * kMinute).allowed);
}

TEST_F(EgressSeedTest, IdentityBasedWithoutHubIdentityIs400032) {
  grant(0);
  hub_.identity.type = IdentityType::kNone;
  const EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 10 * kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kManagedIdentityNotEnabled);
  const AzureError err = egressAzureError(d, storage_);
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.error_code, 400032u);
  EXPECT_EQ(err.code, "ManagedIdentityNotEnabled");
}

TEST_F(EgressSeedTest, KeyBasedWithoutConnectionStringIs400031) {
  endpoint_.auth = AuthType::kKeyBased;
  endpoint_.has_connection_string = false;
  storage_.default_allow = true;
  const EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 10 * kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kInvalidAuthenticationType);
  const AzureError err = egressAzureError(d, storage_);
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.error_code, 400031u);
}

TEST_F(EgressSeedTest, RoleForTheSystemIdentityDoesNotServeAUserAssignedEndpoint) {
  grant(0);
  hub_.profile = Profile::kCurrent;
  hub_.identity.type = IdentityType::kSystemAndUserAssigned;
  hub_.identity.user_assigned = {{std::string(kUaiId), std::string(kUaiPrincipal)}};
  endpoint_.user_assigned_identity = "hub-uai";  // a name matches the resource id's last segment
  EXPECT_EQ(endpointPrincipal(hub_, endpoint_), kUaiPrincipal);
  const EgressDecision d = decideEgress(hub_, endpoint_, storage_, rbac_, 10 * kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kRoleMissing);
}

TEST(EgressRegionTest, StorageInTheHubsRegionIgnoresAnIpRuleForTheHubWhateverTheSpelling) {
  EgressHub hub;
  hub.name = "contoso-hub";
  hub.ref = refOf(kHubId);
  hub.location = "eastus";
  hub.egress_ranges = {defaultHubEgressRange()};
  EgressEndpoint ep;
  ep.name = "cold";
  ep.auth = AuthType::kKeyBased;
  ep.has_connection_string = true;
  ep.target_entity = refOf(entityId(TargetKind::kStorage));
  Target t;
  t.kind = TargetKind::kStorage;
  t.ref = refOf(resourceId(TargetKind::kStorage));
  t.location = "East US";  // the display name of the hub's region
  t.default_allow = false;
  t.ip_rules = cidrsFor(defaultHubEgressRange());
  RbacState rbac;
  rbac.default_subscription = std::string(kSub);
  rbac.default_group = std::string(kGroup);
  EgressDecision d = decideEgress(hub, ep, t, rbac, kNow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, EgressReason::kSameRegionIpRule);
  t.location = "West US 2";
  d = decideEgress(hub, ep, t, rbac, kNow);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.network, EgressReason::kIpRuleAllowsHub);
  EXPECT_EQ(d.reason, EgressReason::kKeyBased);
}

TEST(EgressHubsTest, EventHubsDenyWithoutRulesIsOpenToAKey) {
  EgressHub hub;
  hub.name = "contoso-hub";
  hub.location = "eastus";
  hub.egress_ranges = {defaultHubEgressRange()};
  EgressEndpoint ep;
  ep.name = "eh";
  ep.auth = AuthType::kKeyBased;
  ep.has_connection_string = true;
  ep.target_entity = refOf(entityId(TargetKind::kEventHubs));
  Target t;
  t.kind = TargetKind::kEventHubs;
  t.ref = refOf(resourceId(TargetKind::kEventHubs));
  t.location = "eastus";
  t.sku_tier = "Standard";
  t.default_allow = false;
  RbacState rbac;
  EgressDecision d = decideEgress(hub, ep, t, rbac, kNow);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.network, EgressReason::kNoFirewall);
  t.ip_rules = {unrelatedRule()};
  d = decideEgress(hub, ep, t, rbac, kNow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(egressAzureError(d, t).status, 401);
}

}  // namespace
}  // namespace routesim::policy
