#include "core/policy/egress.h"

#include "core/common/utf.h"

namespace routesim::policy {
namespace {

bool same(std::string_view a, std::string_view b) { return utf::equalsIgnoreCase(a, b); }

std::string_view lastSegment(std::string_view id) {
  size_t slash = id.rfind('/');
  return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

// Whether the union of `rules` covers every address of `range`, without building an index (a
// target has at most a few hundred rules and the hub's range is usually covered by one).
bool rulesCover(const std::vector<Cidr>& rules, const IpRange& range) {
  uint64_t next = range.first;
  while (next <= range.last) {
    uint64_t reach = next;
    for (const Cidr& c : rules) {
      IpRange r = c.range();
      if (r.contains(static_cast<Ipv4>(next)) && uint64_t{r.last} + 1 > reach)
        reach = uint64_t{r.last} + 1;
    }
    if (reach == next) return false;
    next = reach;
  }
  return true;
}

int32_t firstRuleContaining(const std::vector<Cidr>& rules, Ipv4 ip) {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].contains(ip)) return static_cast<int32_t>(i);
  }
  return -1;
}

DataAction actionFor(TargetKind kind) {
  switch (kind) {
    case TargetKind::kStorage:
      return DataAction::kBlobWrite;
    case TargetKind::kEventHubs:
      return DataAction::kEventHubsSend;
    case TargetKind::kServiceBus:
      return DataAction::kServiceBusSend;
  }
  return DataAction::kBlobWrite;
}

std::string_view roleFor(TargetKind kind) {
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

// The names a principal goes by in role assignments: its principal id and the resource that
// holds the identity (the scenario format lets an assignment name either).
struct Principal {
  std::string_view ids[3];
};

Principal principalOf(const EgressHub& hub, const EgressEndpoint& endpoint) {
  if (!endpoint.user_assigned_identity.empty()) {
    const UserAssignedIdentity* u = hub.identity.findUserAssigned(endpoint.user_assigned_identity);
    if (u == nullptr) return {};
    return {{u->principal_id, u->resource_id, lastSegment(u->resource_id)}};
  }
  return {{hub.identity.system_principal_id, hub.name, hub.ref.name}};
}

}  // namespace

std::optional<IdentityType> parseIdentityType(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ') compact += c;
  }
  if (same(compact, "None")) return IdentityType::kNone;
  if (same(compact, "SystemAssigned")) return IdentityType::kSystemAssigned;
  if (same(compact, "UserAssigned")) return IdentityType::kUserAssigned;
  if (same(compact, "SystemAssigned,UserAssigned")) return IdentityType::kSystemAndUserAssigned;
  return std::nullopt;
}

const UserAssignedIdentity* HubIdentity::findUserAssigned(std::string_view id) const {
  if (type != IdentityType::kUserAssigned && type != IdentityType::kSystemAndUserAssigned)
    return nullptr;
  for (const UserAssignedIdentity& u : user_assigned) {
    if (same(u.resource_id, id) || same(lastSegment(u.resource_id), lastSegment(id))) return &u;
  }
  return nullptr;
}

std::string_view targetKindName(TargetKind k) {
  switch (k) {
    case TargetKind::kStorage:
      return "storage account";
    case TargetKind::kEventHubs:
      return "Event Hubs namespace";
    case TargetKind::kServiceBus:
      return "Service Bus namespace";
  }
  return "";
}

bool Target::firewallSupported() const {
  switch (kind) {
    case TargetKind::kStorage:
      return true;
    case TargetKind::kEventHubs:
      return !same(sku_tier, "Basic");
    case TargetKind::kServiceBus:
      return same(sku_tier, "Premium");
  }
  return true;
}

IpRange defaultHubEgressRange() {
  // A documentation-free stand-in for the AzureIoTHub service tag: 20.40.0.0/24.
  return IpRange{(20u << 24) | (40u << 16), (20u << 24) | (40u << 16) | 255u};
}

std::string_view egressReasonName(EgressReason reason) {
  switch (reason) {
    case EgressReason::kNoFirewall:
      return "noFirewall";
    case EgressReason::kTrustedServices:
      return "trustedServices";
    case EgressReason::kResourceInstanceRule:
      return "resourceInstanceRule";
    case EgressReason::kIpRuleAllowsHub:
      return "ipRuleAllowsHub";
    case EgressReason::kKeyBased:
      return "keyBased";
    case EgressReason::kRoleAssigned:
      return "roleAssigned";
    case EgressReason::kManagedIdentityNotEnabled:
      return "managedIdentityNotEnabled";
    case EgressReason::kInvalidAuthenticationType:
      return "invalidAuthenticationType";
    case EgressReason::kIdentityNotInProfile:
      return "identityNotInProfile";
    case EgressReason::kPublicNetworkAccessDisabled:
      return "publicNetworkAccessDisabled";
    case EgressReason::kFirewallKeyBased:
      return "firewallKeyBased";
    case EgressReason::kFirewallNoBypass:
      return "firewallNoTrustedServices";
    case EgressReason::kFirewallRegionProfile:
      return "trustedServicesNotInRegion";
    case EgressReason::kSameRegionIpRule:
      return "ipRuleSameRegionStorage";
    case EgressReason::kFirewallDenied:
      return "firewallDenied";
    case EgressReason::kRoleMissing:
      return "roleMissing";
    case EgressReason::kRolePropagating:
      return "rolePropagating";
  }
  return "unknown";
}

std::string_view endpointPrincipal(const EgressHub& hub, const EgressEndpoint& endpoint) {
  Principal p = principalOf(hub, endpoint);
  for (std::string_view id : p.ids) {
    if (!id.empty()) return id;
  }
  return {};
}

EgressPolicy::EgressPolicy(const EgressHub& hub, const EgressEndpoint& endpoint,
                           const Target& target, const RbacState& rbac) {
  EgressDecision& d = fixed_;
  auto deny = [&d](EgressReason r) {
    d.allowed = false;
    d.reason = r;
  };
  const ProfileRules rules{hub.profile};
  const bool identity = endpoint.auth == AuthType::kIdentityBased;

  // 1. The endpoint's authentication settings (checked when the endpoint is configured).
  if (!identity) {
    if (!endpoint.has_connection_string) {
      deny(EgressReason::kInvalidAuthenticationType);
      return;
    }
  } else if (!endpoint.user_assigned_identity.empty()) {
    if (!rules.userAssignedIdentities()) {
      deny(EgressReason::kIdentityNotInProfile);
      return;
    }
    if (hub.identity.findUserAssigned(endpoint.user_assigned_identity) == nullptr) {
      deny(EgressReason::kManagedIdentityNotEnabled);
      return;
    }
  } else if (!hub.identity.hasSystemAssigned()) {
    {
      deny(EgressReason::kManagedIdentityNotEnabled);
      return;
    }
  }

  // 2. The target's network rules, before its authorization.
  const bool storage = target.kind == TargetKind::kStorage;
  const bool enforced = target.firewallSupported();
  if (enforced && !target.public_network_access) {
    d.network = EgressReason::kPublicNetworkAccessDisabled;
    {
      deny(d.network);
      return;
    }
  }
  bool open = !enforced || target.default_allow ||
              (!storage && target.ip_rules.empty() && target.virtual_network_rules == 0);
  if (open) {
    d.network = EgressReason::kNoFirewall;
  } else {
    const bool bypass = storage ? target.bypass_azure_services : target.trusted_service_access;
    const bool region_ok = rules.networkIsolationIn(hub.location);
    bool instance_rule = false;
    if (storage && identity && hub.profile == Profile::kCurrent) {
      for (const std::string& id : target.resource_access_rules) {
        if (same(lastSegment(id), hub.name)) instance_rule = true;
      }
    }
    bool ip_covers = !hub.egress_ranges.empty();
    for (const IpRange& r : hub.egress_ranges)
      ip_covers = ip_covers && rulesCover(target.ip_rules, r);
    const bool same_region = storage && sameRegion(hub.location, target.location);
    if (ip_covers) d.rule = firstRuleContaining(target.ip_rules, hub.egress_ranges.front().first);

    if (instance_rule) {
      d.network = EgressReason::kResourceInstanceRule;
    } else if (identity && bypass && region_ok) {
      d.network = EgressReason::kTrustedServices;
    } else if (ip_covers && !same_region) {
      d.network = EgressReason::kIpRuleAllowsHub;
    } else {
      EgressReason why = EgressReason::kFirewallDenied;
      if (ip_covers && same_region) {
        why = EgressReason::kSameRegionIpRule;
      } else if (!identity) {
        why = EgressReason::kFirewallKeyBased;
      } else if (!bypass) {
        why = EgressReason::kFirewallNoBypass;
      } else if (!region_ok) {
        why = EgressReason::kFirewallRegionProfile;
      }
      d.network = why;
      {
        deny(why);
        return;
      }
    }
  }

  // 3. Authorization: key-based is decided; identity-based needs a role (decide()).
  if (!identity) {
    d.reason = EgressReason::kKeyBased;
    return;
  }
  final_ = false;
  const ResourceRef& entity =
      endpoint.target_entity.name.empty() ? target.ref : endpoint.target_entity;
  // The earliest time an assignment for the identity is in effect: before it the role is
  // pending (or missing), from it on the endpoint is authorized.
  RbacState::Grant g = rbac.find(principalOf(hub, endpoint).ids, actionFor(target.kind), entity, 0);
  if (g.effective != nullptr) {
    role_ = g.effective;
    role_effective_ns_ = 0;
  } else if (g.pending != nullptr) {
    role_ = g.pending;
    role_effective_ns_ = g.pending_effective_ns;
  }
}

EgressDecision EgressPolicy::decide(uint64_t now_ns) const {
  if (final_) return fixed_;
  EgressDecision d = fixed_;
  d.role = role_;
  if (role_ != nullptr && now_ns >= role_effective_ns_) {
    d.reason = EgressReason::kRoleAssigned;
    return d;
  }
  d.allowed = false;
  if (role_ != nullptr) {
    d.changes_at_ns = role_effective_ns_;
    d.reason = EgressReason::kRolePropagating;
    return d;
  }
  d.reason = EgressReason::kRoleMissing;
  return d;
}

EgressDecision decideEgress(const EgressHub& hub, const EgressEndpoint& endpoint,
                            const Target& target, const RbacState& rbac, uint64_t now_ns) {
  return EgressPolicy(hub, endpoint, target, rbac).decide(now_ns);
}

AzureError egressAzureError(const EgressDecision& d, const Target& target) {
  if (d.allowed) return {};
  const bool storage = target.kind == TargetKind::kStorage;
  switch (d.reason) {
    case EgressReason::kManagedIdentityNotEnabled:
    case EgressReason::kIdentityNotInProfile:
      return {400, "ManagedIdentityNotEnabled", 400032,
              "Managed identity is not enabled for the IoT hub, or the identity the endpoint names "
              "is not assigned to it."};
    case EgressReason::kInvalidAuthenticationType:
      return {400, "InvalidEndpointAuthenticationType", 400031,
              "The endpoint's authentication type does not match its settings: keyBased needs a "
              "connection string."};
    case EgressReason::kRoleMissing:
    case EgressReason::kRolePropagating: {
      if (storage)
        return {403, "AuthorizationPermissionMismatch", 0,
                "This request is not authorized to perform this operation using this permission."};
      std::string host = target.ref.name + ".servicebus.windows.net";
      return {401, "Unauthorized", 40100,
              "SubCode=40100: Unauthorized : Unauthorized access for 'Send' operation on endpoint "
              "sb://" +
                  host + "/."};
    }
    default:
      if (storage)
        return {403, "AuthorizationFailure", 0,
                "This request is not authorized to perform this operation."};
      return {
          401, "Unauthorized", 0,
          "Ip has been prevented to connect to the endpoint. For more information see: Virtual "
          "Network service endpoints: Event Hubs: https://go.microsoft.com/fwlink/?linkid=2044192 "
          "Service Bus: https://go.microsoft.com/fwlink/?linkid=2044235 IP Filters: Event Hubs: "
          "https://go.microsoft.com/fwlink/?linkid=2044428 Service Bus: "
          "https://go.microsoft.com/fwlink/?linkid=2044183"};
  }
}

std::string_view egressLastKnownError(const EgressDecision& d, const Target& target) {
  (void)target;
  return d.allowed ? std::string_view() : "Unauthorized";
}

std::string explainEgress(const EgressDecision& d, const EgressHub& hub,
                          const EgressEndpoint& endpoint, const Target& target) {
  const std::string kind(targetKindName(target.kind));
  const std::string tgt = kind + " '" + target.ref.name + "'";
  const std::string ep = "the hub's endpoint '" + endpoint.name + "'";
  const std::string role(roleFor(target.kind));
  const std::string grant = "give the hub's identity " + role + " on '" + target.ref.name + "'";
  const std::string bypass_setting = target.kind == TargetKind::kStorage
                                         ? "networkAcls.bypass=AzureServices"
                                         : "trustedServiceAccessEnabled=true";
  const std::string acl = target.kind == TargetKind::kStorage ? "networkAcls" : "networkRuleSets";
  std::string principal(endpointPrincipal(hub, endpoint));
  switch (d.reason) {
    case EgressReason::kKeyBased:
    case EgressReason::kRoleAssigned: {
      std::string net;
      switch (d.network) {
        case EgressReason::kTrustedServices:
          net = tgt + " admits the hub as a trusted Microsoft service (" + bypass_setting + ")";
          break;
        case EgressReason::kResourceInstanceRule:
          net = tgt + " has a resource instance rule for hub '" + hub.name + "'";
          break;
        case EgressReason::kIpRuleAllowsHub:
          net = tgt + "'s " + acl + ".ipRules cover the hub's egress addresses";
          break;
        default:
          net = tgt + " accepts public traffic";
      }
      if (d.reason == EgressReason::kKeyBased)
        return "allowed: " + net + " and " + ep + " authenticates with its connection string's key";
      return "allowed: " + net + " and '" + principal + "' holds " +
             std::string(d.role->role->name) + " on it through role assignment '" + d.role->name +
             "'";
    }
    case EgressReason::kManagedIdentityNotEnabled:
      if (!endpoint.user_assigned_identity.empty())
        return "denied: " + ep + " uses identityBased auth with user-assigned identity '" +
               endpoint.user_assigned_identity + "', which is not assigned to hub '" + hub.name +
               "'; add it to the hub's identity.userAssignedIdentities";
      return "denied: " + ep + " uses identityBased auth but hub '" + hub.name +
             "' has no system-assigned identity; set the hub's identity.type to SystemAssigned";
    case EgressReason::kIdentityNotInProfile:
      return "denied: " + ep + " names user-assigned identity '" + endpoint.user_assigned_identity +
             "', but profile " + std::string(profileName(hub.profile)) +
             " has no user-assigned identities for IoT Hub; use the system-assigned identity";
    case EgressReason::kInvalidAuthenticationType:
      return "denied: " + ep +
             " uses keyBased auth without a connection string; give it a "
             "connection string or switch it to identityBased";
    case EgressReason::kPublicNetworkAccessDisabled:
      return "denied: " + tgt +
             " has publicNetworkAccess=Disabled, which admits private endpoints "
             "only and IoT Hub cannot send through one; set publicNetworkAccess=Enabled with " +
             acl + ".defaultAction=Deny and " + bypass_setting;
    case EgressReason::kFirewallKeyBased:
      return "denied: " + tgt + " has " + acl + ".defaultAction=Deny and " + ep +
             " uses keyBased auth, so the trusted-services exception cannot apply; switch the "
             "endpoint "
             "to identityBased and " +
             grant;
    case EgressReason::kFirewallNoBypass:
      return "denied: " + tgt + " has " + acl + ".defaultAction=Deny without " + bypass_setting +
             ", so the hub is not admitted as a trusted Microsoft service; set " + bypass_setting;
    case EgressReason::kFirewallRegionProfile:
      return "denied: " + tgt + " relies on the trusted-services exception, which profile " +
             std::string(profileName(hub.profile)) + " offers only to hubs in " +
             std::string(ProfileRules::isolationRegions()) + " and hub '" + hub.name + "' is in " +
             hub.location + "; create the hub in one of those regions";
    case EgressReason::kSameRegionIpRule:
      return "denied: " + tgt +
             "'s ipRules cover the hub's egress addresses, but the account is in the "
             "hub's own region, where Azure services reach storage over private addresses that IP "
             "rules "
             "do not see; switch " +
             ep + " to identityBased, set networkAcls.bypass=AzureServices and " + grant;
    case EgressReason::kFirewallDenied:
      return "denied: " + tgt + " has " + acl +
             ".defaultAction=Deny and no rule admits the hub; "
             "switch " +
             ep + " to identityBased with " + bypass_setting +
             ", or allow the hub's "
             "AzureIoTHub service-tag addresses in " +
             acl + ".ipRules";
    case EgressReason::kRoleMissing:
      return "denied: '" + principal + "' (the identity " + ep +
             " uses) has no role granting send on " + tgt +
             " (Owner, Contributor and Storage Account Contributor give no data access); " + grant;
    case EgressReason::kRolePropagating:
      return "denied: role assignment '" + d.role->name + "' gives '" + principal + "' " +
             std::string(d.role->role->name) + " on " + tgt +
             " but has not propagated yet; wait until it takes effect (assign roles before "
             "creating the endpoint)";
    default:
      return "";
  }
}

}  // namespace routesim::policy
