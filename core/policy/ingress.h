// Ingress to the hub (reference iothub.md §6): which path a client takes (public endpoint or a
// private endpoint), publicNetworkAccess, the classic ipFilterRules (ordered, first match, empty
// accepts all, not applied to the built-in Event Hub-compatible endpoint), networkRuleSets
// (allow-list, defaultAction, applyToBuiltInEventHubEndpoint) and minTlsVersion.
//
// IngressPolicy is compiled once per configuration change; decide() is a few comparisons and a
// binary search, with no allocation, so it can run per connection. Text (Azure's error, the
// rule that decided, the explanation with the fix) is produced only on request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/ip.h"
#include "core/policy/network.h"

namespace routesim::policy {

enum class TlsVersion : uint8_t { k1_0, k1_1, k1_2, k1_3 };
std::optional<TlsVersion> parseTlsVersion(std::string_view text);  // "1.0" .. "1.3"
std::string_view tlsVersionName(TlsVersion v);

struct ClassicIpFilterRule {
  std::string name;
  bool accept = true;  // Accept | Reject
  Cidr mask;
};

struct NetworkRuleSetRule {
  std::string name;
  Cidr mask;  // action is always Allow
};

struct HubNetworkRuleSet {
  bool default_allow = false;  // defaultAction Allow | Deny
  bool apply_to_builtin = false;
  std::vector<NetworkRuleSetRule> ip_rules;
};

// The ingress settings of a Microsoft.Devices/IotHubs resource.
struct HubIngressConfig {
  std::string hub;
  bool public_network_access = true;  // publicNetworkAccess Enabled | Disabled
  std::vector<ClassicIpFilterRule>
      ip_filter_rules;  // classic; ignored when network_rule_sets is set
  std::optional<HubNetworkRuleSet> network_rule_sets;
  std::optional<TlsVersion> min_tls;  // "1.2" or none
};

// What the client connects to: the device / service API (MQTT, AMQP, HTTPS) or the built-in
// Event Hub-compatible endpoint (messages/events readers).
enum class HubSurface : uint8_t { kDeviceApi, kBuiltInEvents };

enum class IngressPath : uint8_t { kPublic, kPrivateEndpoint };

enum class IngressReason : uint8_t {
  // allowed
  kPrivateEndpoint,           // through an approved private endpoint: public rules do not apply
  kNoPublicRestrictions,      // public endpoint, no IP rules
  kClassicRuleAccepted,       // ipFilterRules[rule] Accept matched first
  kClassicNoMatch,            // no classic rule matched: accepted
  kClassicNotApplied,         // classic rules do not apply to the built-in endpoint
  kDefaultActionAllow,        // networkRuleSets.defaultAction Allow
  kAllowRuleMatched,          // networkRuleSets.ipRules[rule] matched
  kRulesNotAppliedToBuiltIn,  // applyToBuiltInEventHubEndpoint false
  // denied
  kTlsBelowMinimum,             // client TLS below minTlsVersion: the handshake fails
  kPrivateEndpointNotApproved,  // resolves to a private endpoint that is not Approved
  kPublicNetworkAccessDisabled,
  kClassicRuleRejected,  // ipFilterRules[rule] Reject matched first
  kNotInAllowList,       // networkRuleSets.defaultAction Deny and no ipRule matched
};
std::string_view ingressReasonName(IngressReason reason);  // camelCase, stable (report "reason")

struct IngressDecision {
  bool allowed = true;
  IngressReason reason = IngressReason::kNoPublicRestrictions;
  IngressPath path = IngressPath::kPublic;
  int32_t rule = -1;              // index of the deciding rule in its list, or -1
  int32_t private_endpoint = -1;  // index into NetworkModel::private_endpoints, or -1
};

// What Azure returns for a denial. status is nullopt where the connection fails below HTTP
// (a TLS handshake refused, a private endpoint that does not forward).
struct AzureError {
  std::optional<int> status;
  std::string_view code;    // "IotHubUnauthorizedAccess", "AuthorizationFailure", ...
  uint32_t error_code = 0;  // IoT Hub's numeric code (401002) where there is one
  std::string message;
};

class IngressPolicy {
 public:
  // Copies what it needs from `config` and `network` (which may be discarded afterwards).
  IngressPolicy(const HubIngressConfig& config, const NetworkModel& network);

  IngressDecision decide(const ClientLocation& client, TlsVersion tls,
                         HubSurface surface = HubSurface::kDeviceApi) const;

  // Azure's answer to a denied decision (an allowed one gives an empty AzureError).
  static AzureError azureError(const IngressDecision& d);
  // What decided, as a path into the hub's properties: "properties.ipFilterRules[2] 'block-all'",
  // "properties.publicNetworkAccess", "privateEndpoint 'hub-pe'".
  std::string decidedBy(const IngressDecision& d) const;
  // One sentence: the decision, why, and (for a denial) the fix.
  std::string explain(const IngressDecision& d, const ClientLocation& client, TlsVersion tls) const;

  const HubIngressConfig& config() const { return config_; }

 private:
  HubIngressConfig config_;
  NetworkModel network_;
  IpRuleIndex classic_;  // ip_filter_rules in order
  IpRuleIndex allow_;    // network_rule_sets->ip_rules
  std::vector<bool> classic_accept_;
};

}  // namespace routesim::policy
