#include "core/policy/ingress.h"

#include "core/common/utf.h"

namespace routesim::policy {

std::optional<TlsVersion> parseTlsVersion(std::string_view text) {
  if (text == "1.0") return TlsVersion::k1_0;
  if (text == "1.1") return TlsVersion::k1_1;
  if (text == "1.2") return TlsVersion::k1_2;
  if (text == "1.3") return TlsVersion::k1_3;
  return std::nullopt;
}

std::string_view tlsVersionName(TlsVersion v) {
  switch (v) {
    case TlsVersion::k1_0:
      return "1.0";
    case TlsVersion::k1_1:
      return "1.1";
    case TlsVersion::k1_2:
      return "1.2";
    case TlsVersion::k1_3:
      return "1.3";
  }
  return "1.2";
}

std::string_view ingressReasonName(IngressReason reason) {
  switch (reason) {
    case IngressReason::kPrivateEndpoint:
      return "privateEndpoint";
    case IngressReason::kNoPublicRestrictions:
      return "noPublicRestrictions";
    case IngressReason::kClassicRuleAccepted:
      return "ipFilterRuleAccepted";
    case IngressReason::kClassicNoMatch:
      return "ipFilterNoMatch";
    case IngressReason::kClassicNotApplied:
      return "ipFilterNotAppliedToBuiltIn";
    case IngressReason::kDefaultActionAllow:
      return "defaultActionAllow";
    case IngressReason::kAllowRuleMatched:
      return "ipRuleAllowed";
    case IngressReason::kRulesNotAppliedToBuiltIn:
      return "rulesNotAppliedToBuiltIn";
    case IngressReason::kTlsBelowMinimum:
      return "tlsBelowMinimum";
    case IngressReason::kPrivateEndpointNotApproved:
      return "privateEndpointNotApproved";
    case IngressReason::kPublicNetworkAccessDisabled:
      return "publicNetworkAccessDisabled";
    case IngressReason::kClassicRuleRejected:
      return "ipFilterRuleRejected";
    case IngressReason::kNotInAllowList:
      return "ipNotInAllowList";
  }
  return "unknown";
}

IngressPolicy::IngressPolicy(const HubIngressConfig& config, const NetworkModel& network)
    : config_(config), network_(network) {
  for (const ClassicIpFilterRule& r : config_.ip_filter_rules) {
    classic_.add(r.mask.range());
    classic_accept_.push_back(r.accept);
  }
  if (config_.network_rule_sets) {
    for (const NetworkRuleSetRule& r : config_.network_rule_sets->ip_rules)
      allow_.add(r.mask.range());
  }
  // Only the hub's own private endpoints count.
  std::erase_if(network_.private_endpoints, [&](const PrivateEndpoint& pe) {
    return !utf::equalsIgnoreCase(pe.target, config_.hub) ||
           !utf::equalsIgnoreCase(pe.group_id, "iotHub");
  });
}

IngressDecision IngressPolicy::decide(const ClientLocation& client, TlsVersion tls,
                                      HubSurface surface) const {
  IngressDecision d;
  const bool tls_refused = config_.min_tls && tls < *config_.min_tls;
  // Name resolution: a private endpoint's IP only through its private DNS zone, and only useful
  // where the client can route to that VNet. The TLS handshake then happens on the path taken
  // (a private endpoint that is not approved forwards nothing, so there is no handshake).
  if (client.uses_private_dns && client.network != ClientNetwork::kInternet) {
    int32_t not_approved = -1;
    for (size_t i = 0; i < network_.private_endpoints.size(); ++i) {
      const PrivateEndpoint& pe = network_.private_endpoints[i];
      if (!pe.dns_integration || !network_.reaches(client, pe.vnet)) continue;
      if (pe.state == ConnectionState::kApproved) {
        d.path = IngressPath::kPrivateEndpoint;
        d.private_endpoint = static_cast<int32_t>(i);
        d.allowed = !tls_refused;
        d.reason = tls_refused ? IngressReason::kTlsBelowMinimum : IngressReason::kPrivateEndpoint;
        return d;
      }
      if (not_approved < 0) not_approved = static_cast<int32_t>(i);
    }
    if (not_approved >= 0) {
      d.allowed = false;
      d.path = IngressPath::kPrivateEndpoint;
      d.reason = IngressReason::kPrivateEndpointNotApproved;
      d.private_endpoint = not_approved;
      return d;
    }
  }
  if (tls_refused) {
    d.allowed = false;
    d.reason = IngressReason::kTlsBelowMinimum;
    return d;
  }
  // The public endpoint.
  if (!config_.public_network_access) {
    d.allowed = false;
    d.reason = IngressReason::kPublicNetworkAccessDisabled;
    return d;
  }
  Ipv4 ip = client.publicAddress();
  if (config_.network_rule_sets) {
    const HubNetworkRuleSet& rs = *config_.network_rule_sets;
    if (surface == HubSurface::kBuiltInEvents && !rs.apply_to_builtin) {
      d.reason = IngressReason::kRulesNotAppliedToBuiltIn;
    } else if (rs.default_allow) {
      d.reason = IngressReason::kDefaultActionAllow;
    } else if (auto rule = allow_.find(ip)) {
      d.reason = IngressReason::kAllowRuleMatched;
      d.rule = static_cast<int32_t>(*rule);
    } else {
      d.allowed = false;
      d.reason = IngressReason::kNotInAllowList;
    }
    return d;
  }
  if (classic_.empty()) {
    d.reason = IngressReason::kNoPublicRestrictions;
  } else if (surface == HubSurface::kBuiltInEvents) {
    d.reason = IngressReason::kClassicNotApplied;
  } else if (auto rule = classic_.find(ip)) {
    d.rule = static_cast<int32_t>(*rule);
    d.allowed = classic_accept_[*rule];
    d.reason =
        d.allowed ? IngressReason::kClassicRuleAccepted : IngressReason::kClassicRuleRejected;
  } else {
    d.reason = IngressReason::kClassicNoMatch;
  }
  return d;
}

AzureError IngressPolicy::azureError(const IngressDecision& d) {
  if (d.allowed) return {};
  switch (d.reason) {
    case IngressReason::kTlsBelowMinimum:
      // The handshake is refused: no HTTP status. routesim's code (Azure documents none).
      return {std::nullopt, "TlsVersionNotSupported", 0,
              "The TLS handshake failed: the hub requires TLS 1.2 or later."};
    case IngressReason::kPrivateEndpointNotApproved:
      return {std::nullopt, "PrivateEndpointConnectionNotApproved", 0,
              "The connection timed out: the private endpoint does not forward traffic until its "
              "connection is approved."};
    default:
      return {401, "IotHubUnauthorizedAccess", 401002, "Unauthorized"};
  }
}

std::string IngressPolicy::decidedBy(const IngressDecision& d) const {
  auto quoted = [](const std::string& s) { return " '" + s + "'"; };
  switch (d.reason) {
    case IngressReason::kPrivateEndpoint:
    case IngressReason::kPrivateEndpointNotApproved:
      return "private endpoint" +
             quoted(network_.private_endpoints[static_cast<size_t>(d.private_endpoint)].name);
    case IngressReason::kTlsBelowMinimum:
      return "properties.minTlsVersion";
    case IngressReason::kPublicNetworkAccessDisabled:
      return "properties.publicNetworkAccess";
    case IngressReason::kClassicRuleAccepted:
    case IngressReason::kClassicRuleRejected:
      return "properties.ipFilterRules[" + std::to_string(d.rule) + "]" +
             quoted(config_.ip_filter_rules[static_cast<size_t>(d.rule)].name);
    case IngressReason::kClassicNoMatch:
    case IngressReason::kClassicNotApplied:
      return "properties.ipFilterRules";
    case IngressReason::kAllowRuleMatched:
      return "properties.networkRuleSets.ipRules[" + std::to_string(d.rule) + "]" +
             quoted(config_.network_rule_sets->ip_rules[static_cast<size_t>(d.rule)].name);
    case IngressReason::kDefaultActionAllow:
    case IngressReason::kNotInAllowList:
      return "properties.networkRuleSets.defaultAction";
    case IngressReason::kRulesNotAppliedToBuiltIn:
      return "properties.networkRuleSets.applyToBuiltInEventHubEndpoint";
    case IngressReason::kNoPublicRestrictions:
      return "properties.publicNetworkAccess";
  }
  return "";
}

std::string IngressPolicy::explain(const IngressDecision& d, const ClientLocation& client,
                                   TlsVersion tls) const {
  const std::string hub = "hub '" + config_.hub + "'";
  const std::string ip = formatIpv4(client.publicAddress());
  auto pe = [&]() -> const PrivateEndpoint& {
    return network_.private_endpoints[static_cast<size_t>(d.private_endpoint)];
  };
  switch (d.reason) {
    case IngressReason::kPrivateEndpoint:
      return "allowed: the client resolves " + hub + " to private endpoint '" + pe().name + "' (" +
             formatIpv4(pe().private_ip) + " in '" + pe().vnet +
             "'), so public network rules do not apply";
    case IngressReason::kNoPublicRestrictions:
      return "allowed: " + hub + " accepts public connections and has no IP filter rules";
    case IngressReason::kClassicRuleAccepted:
      return "allowed: " + ip + " matches " + decidedBy(d) + " (Accept), the first matching rule";
    case IngressReason::kClassicNoMatch:
      return "allowed: " + ip + " matches none of " + hub +
             "'s ipFilterRules, and the classic IP filter accepts what no rule matches";
    case IngressReason::kClassicNotApplied:
      return "allowed: the classic ipFilterRules of " + hub +
             " do not apply to the built-in Event Hub-compatible endpoint";
    case IngressReason::kDefaultActionAllow:
      return "allowed: " + hub + " has networkRuleSets.defaultAction=Allow";
    case IngressReason::kAllowRuleMatched:
      return "allowed: " + ip + " matches " + decidedBy(d);
    case IngressReason::kRulesNotAppliedToBuiltIn:
      return "allowed: networkRuleSets.applyToBuiltInEventHubEndpoint is false, so the built-in "
             "endpoint of " +
             hub + " is open to all addresses";
    case IngressReason::kTlsBelowMinimum:
      return "denied: the client offers TLS " + std::string(tlsVersionName(tls)) + " but " + hub +
             " has minTlsVersion=" + std::string(tlsVersionName(*config_.min_tls)) +
             "; upgrade the client to TLS 1.2 with one of the ECDHE-RSA AES-GCM/CBC suites";
    case IngressReason::kPrivateEndpointNotApproved:
      return "denied: the client resolves " + hub + " to private endpoint '" + pe().name +
             "', whose connection is " + std::string(connectionStateName(pe().state)) +
             "; approve the private endpoint connection on the hub";
    case IngressReason::kPublicNetworkAccessDisabled: {
      std::string why =
          client.network == ClientNetwork::kInternet
              ? "the client is on the internet"
              : (client.uses_private_dns ? "no approved private endpoint with private DNS "
                                           "integration is reachable from '" +
                                               client.network_name + "'"
                                         : "the client does not resolve the hub through the "
                                           "private DNS zone (privatelink.azure-devices.net)");
      return "denied: " + hub + " has publicNetworkAccess=Disabled and " + why +
             "; connect through a private endpoint the client can reach, with private DNS "
             "integration (or DNS forwarding from on-premises)";
    }
    case IngressReason::kClassicRuleRejected:
      return "denied: " + ip + " matches " + decidedBy(d) +
             " (Reject), the first matching rule; add an Accept rule for it above that rule";
    case IngressReason::kNotInAllowList:
      return "denied: " + hub +
             " has networkRuleSets.defaultAction=Deny and no ipRules entry allows " + ip +
             "; add an ipRules entry (action Allow) covering it";
  }
  return "";
}

}  // namespace routesim::policy
