// Truth tables for IngressPolicy written from the reference (iothub.md §0 items 9-10, §6), not
// from the implementation: every combination of client location, DNS, private endpoint state and
// DNS integration, publicNetworkAccess, IP filtering model, minTlsVersion, client TLS and hub
// surface is decided by a small oracle below and compared with IngressPolicy::decide().
//
// Oracle (one rule per reference fact):
//  - A private path exists only when the client reaches the private endpoint's VNet (it sits in
//    it, in a VNet peered with it, or on an on-premises network linked to one of those), the
//    endpoint has private DNS zone integration and the client resolves through that zone
//    (network.h contract). Otherwise the client uses the public endpoint.
//  - On the private path, an endpoint that is not Approved does not forward: the connection
//    fails below HTTP (status null). An Approved endpoint bypasses publicNetworkAccess and every
//    IP rule (§6.3 "IP filter/public toggle restrict the public endpoint while the private
//    endpoint keeps working"). It covers the built-in Event Hub-compatible endpoint too (§6.3).
//  - minTlsVersion 1.2 refuses TLS 1.0 / 1.1 clients (§6.4) at the handshake, on either path, so
//    before any HTTP answer: status null.
//  - Public path: publicNetworkAccess Disabled blocks every public client (§0.9, §6.3) with
//    401 IotHubUnauthorizedAccess (errorCode 401002, §6.2).
//  - networkRuleSets, when set, replaces the classic list (ingress.h): defaultAction Allow is open;
//    Deny is an allow-list (anything not allowed is blocked, an empty list blocks all, §6.2);
//    applyToBuiltInEventHubEndpoint false leaves the built-in endpoint open (§6.2).
//  - Classic ipFilterRules: in order, first match decides, empty list accepts all, no match
//    accepts; not applied to the built-in endpoint (§6.1). Rejection is 401 (§6.1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/ingress.h"
#include "core/policy/ip.h"
#include "core/policy/network.h"

namespace routesim::policy {
namespace {

constexpr std::string_view kHub = "contoso-hub";
constexpr std::string_view kPeName = "hub-pe";

Ipv4 ip(std::string_view text) {
  auto r = parseIpv4(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : 0;
}

Cidr cidr(std::string_view text) {
  auto r = parseCidr(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : Cidr{};
}

Cidr host(Ipv4 address) { return Cidr{address, 32}; }

bool containsIgnoringCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

// ---------------------------------------------------------------------------------------------
// The network: the hub's private endpoint sits in hub-vnet; peer-vnet is peered with it (the
// peering is declared on peer-vnet's side only: either side suffices); other-vnet is unrelated.
// ---------------------------------------------------------------------------------------------
NetworkModel buildNetwork(bool pe_dns_integration, ConnectionState pe_state) {
  NetworkModel n;
  VirtualNetwork hub_vnet;
  hub_vnet.name = "hub-vnet";
  hub_vnet.address_space = {cidr("10.10.0.0/16")};
  hub_vnet.subnets = {{"endpoints", cidr("10.10.1.0/24")}, {"workloads", cidr("10.10.2.0/24")}};
  VirtualNetwork peer_vnet;
  peer_vnet.name = "peer-vnet";
  peer_vnet.address_space = {cidr("10.20.0.0/16")};
  peer_vnet.subnets = {{"apps", cidr("10.20.1.0/24")}};
  peer_vnet.peerings = {"hub-vnet"};
  VirtualNetwork other_vnet;
  other_vnet.name = "other-vnet";
  other_vnet.address_space = {cidr("10.30.0.0/16")};
  other_vnet.subnets = {{"apps", cidr("10.30.1.0/24")}};
  n.vnets = {hub_vnet, peer_vnet, other_vnet};

  n.on_premises = {
      {"plant-er",
       {cidr("192.168.70.0/24")},
       "hub-vnet",
       OnPremisesLink::kExpressRoutePrivatePeering},
      {"plant-vpn", {cidr("192.168.71.0/24")}, "hub-vnet", OnPremisesLink::kVpn},
      {"branch-peer", {cidr("192.168.72.0/24")}, "peer-vnet", OnPremisesLink::kVpn},
      {"branch-other",
       {cidr("192.168.73.0/24")},
       "other-vnet",
       OnPremisesLink::kExpressRoutePrivatePeering},
  };

  PrivateEndpoint pe;
  pe.name = std::string(kPeName);
  pe.vnet = "hub-vnet";
  pe.subnet = "endpoints";
  pe.private_ip = ip("10.10.1.5");
  pe.target = std::string(kHub);
  pe.group_id = "iotHub";
  pe.state = pe_state;
  pe.dns_integration = pe_dns_integration;
  n.private_endpoints = {pe};
  return n;
}

struct LocationCase {
  std::string_view name;
  ClientNetwork network;
  std::string_view network_name;
  std::string_view subnet;
  std::string_view source_ip;
  std::string_view public_ip;  // the address the public endpoint sees
  bool reaches_pe_vnet;        // the oracle's reading of "can reach the endpoint's VNet"
};

const std::vector<LocationCase>& locations() {
  static const std::vector<LocationCase> kLocations = {
      {"Internet", ClientNetwork::kInternet, "", "", "203.0.113.10", "203.0.113.10", false},
      {"OnPremExpressRouteToPeVnet", ClientNetwork::kOnPremises, "plant-er", "", "192.168.70.20",
       "198.51.100.7", true},
      {"OnPremVpnToPeVnet", ClientNetwork::kOnPremises, "plant-vpn", "", "192.168.71.20",
       "198.51.100.8", true},
      {"OnPremVpnToPeeredVnet", ClientNetwork::kOnPremises, "branch-peer", "", "192.168.72.20",
       "198.51.100.9", true},
      {"OnPremToUnrelatedVnet", ClientNetwork::kOnPremises, "branch-other", "", "192.168.73.20",
       "198.51.100.10", false},
      {"InPeVnet", ClientNetwork::kVirtualNetwork, "hub-vnet", "workloads", "10.10.2.4",
       "20.10.0.4", true},
      {"InPeeredVnet", ClientNetwork::kVirtualNetwork, "peer-vnet", "apps", "10.20.1.4",
       "20.20.0.4", true},
      {"InUnrelatedVnet", ClientNetwork::kVirtualNetwork, "other-vnet", "apps", "10.30.1.4",
       "20.30.0.4", false},
  };
  return kLocations;
}

ClientLocation buildClient(const LocationCase& loc, bool uses_private_dns) {
  ClientLocation c;
  c.network = loc.network;
  c.network_name = std::string(loc.network_name);
  c.subnet = std::string(loc.subnet);
  c.source_ip = ip(loc.source_ip);
  if (loc.public_ip != loc.source_ip) c.public_ip = ip(loc.public_ip);
  c.uses_private_dns = uses_private_dns;
  return c;
}

// ---------------------------------------------------------------------------------------------
// IP filtering variants. Rules are written per client (its public address); unrelated ranges
// (198.18.0.0/15, 198.20.0.0/16) hold none of the clients' addresses.
// ---------------------------------------------------------------------------------------------
enum class Filter {
  kNone,            // no classic rules, no networkRuleSets
  kClassicAccept,   // [Reject lab, Accept client, Reject all]: rule 1 accepts
  kClassicReject,   // [Accept lab, Reject client, Accept all]: rule 1 rejects (first match)
  kClassicNoMatch,  // [Reject lab, Accept partner]: nothing matches: accepted
  kNrsDenyMatch,    // networkRuleSets Deny, ipRules [office, client]: rule 1 allows
  kNrsDenyNoMatch,  // Deny, ipRules [office]
  kNrsDenyEmpty,    // Deny, no ipRules: blocks all
  kNrsAllow,        // defaultAction Allow, ipRules [office]: open
};

constexpr Filter kFilters[] = {
    Filter::kNone,         Filter::kClassicAccept,  Filter::kClassicReject, Filter::kClassicNoMatch,
    Filter::kNrsDenyMatch, Filter::kNrsDenyNoMatch, Filter::kNrsDenyEmpty,  Filter::kNrsAllow};

std::string_view filterName(Filter f) {
  switch (f) {
    case Filter::kNone:
      return "noIpRules";
    case Filter::kClassicAccept:
      return "classicAcceptsClient";
    case Filter::kClassicReject:
      return "classicRejectsClientFirst";
    case Filter::kClassicNoMatch:
      return "classicNoMatch";
    case Filter::kNrsDenyMatch:
      return "nrsDenyWithMatchingAllow";
    case Filter::kNrsDenyNoMatch:
      return "nrsDenyNoMatch";
    case Filter::kNrsDenyEmpty:
      return "nrsDenyEmpty";
    case Filter::kNrsAllow:
      return "nrsDefaultAllow";
  }
  return "?";
}

bool isNrs(Filter f) {
  return f == Filter::kNrsDenyMatch || f == Filter::kNrsDenyNoMatch || f == Filter::kNrsDenyEmpty ||
         f == Filter::kNrsAllow;
}

HubIngressConfig buildConfig(Filter filter, bool public_access, bool min_tls_12,
                             bool apply_to_builtin, Ipv4 client_public) {
  HubIngressConfig cfg;
  cfg.hub = std::string(kHub);
  cfg.public_network_access = public_access;
  if (min_tls_12) cfg.min_tls = TlsVersion::k1_2;
  switch (filter) {
    case Filter::kNone:
      break;
    case Filter::kClassicAccept:
      cfg.ip_filter_rules = {{"lab", false, cidr("198.18.0.0/15")},
                             {"allow-client", true, host(client_public)},
                             {"block-all", false, cidr("0.0.0.0/0")}};
      break;
    case Filter::kClassicReject:
      cfg.ip_filter_rules = {{"lab", true, cidr("198.18.0.0/15")},
                             {"block-client", false, host(client_public)},
                             {"allow-all", true, cidr("0.0.0.0/0")}};
      break;
    case Filter::kClassicNoMatch:
      cfg.ip_filter_rules = {{"lab", false, cidr("198.18.0.0/15")},
                             {"partner", true, cidr("198.20.0.0/16")}};
      break;
    case Filter::kNrsDenyMatch:
    case Filter::kNrsDenyNoMatch:
    case Filter::kNrsDenyEmpty:
    case Filter::kNrsAllow: {
      // A classic list that would reject the client: networkRuleSets must make it irrelevant.
      cfg.ip_filter_rules = {{"legacy-block", false, host(client_public)}};
      HubNetworkRuleSet nrs;
      nrs.default_allow = filter == Filter::kNrsAllow;
      nrs.apply_to_builtin = apply_to_builtin;
      if (filter == Filter::kNrsDenyMatch) {
        nrs.ip_rules = {{"office", cidr("198.18.0.0/15")}, {"client", host(client_public)}};
      } else if (filter == Filter::kNrsDenyNoMatch || filter == Filter::kNrsAllow) {
        nrs.ip_rules = {{"office", cidr("198.18.0.0/15")}};
      }
      cfg.network_rule_sets = nrs;
      break;
    }
  }
  return cfg;
}

// ---------------------------------------------------------------------------------------------
// The oracle.
// ---------------------------------------------------------------------------------------------
struct Expected {
  bool allowed = true;
  IngressPath path = IngressPath::kPublic;
  std::vector<IngressReason> reasons;  // any of these
  std::optional<int> status;           // for a denial: 401, or nullopt below HTTP
  int rule = -2;                       // -2: not checked
  // Words (any of, ignoring case) that decidedBy() / explain() must contain; empty: not checked.
  std::vector<std::string_view> decided_by_words;
  std::vector<std::string_view> explain_words;
};

struct Row {
  const LocationCase* loc;
  bool client_dns;
  bool pe_dns;
  ConnectionState pe_state;
  bool public_access;
  Filter filter;
  bool min_tls_12;
  TlsVersion tls;
  HubSurface surface;
  bool apply_to_builtin;
};

std::string rowName(const Row& r) {
  std::string s;
  s += "location=" + std::string(r.loc->name);
  s += " usesPrivateDns=" + std::string(r.client_dns ? "true" : "false");
  s += " peDnsIntegration=" + std::string(r.pe_dns ? "on" : "off");
  s += " peState=" + std::string(connectionStateName(r.pe_state));
  s += " publicNetworkAccess=" + std::string(r.public_access ? "Enabled" : "Disabled");
  s += " filter=" + std::string(filterName(r.filter));
  s += " minTls=" + std::string(r.min_tls_12 ? "1.2" : "none");
  s += " clientTls=" + std::string(tlsVersionName(r.tls));
  s += " surface=" +
       std::string(r.surface == HubSurface::kDeviceApi ? "deviceApi" : "builtInEvents");
  s += " applyToBuiltIn=" + std::string(r.apply_to_builtin ? "true" : "false");
  return s;
}

Expected oracle(const Row& r) {
  Expected e;
  const bool builtin = r.surface == HubSurface::kBuiltInEvents;
  const bool tls_low = r.min_tls_12 && r.tls < TlsVersion::k1_2;
  const bool private_path = r.loc->reaches_pe_vnet && r.pe_dns && r.client_dns;

  auto deny = [&](std::optional<int> status, std::vector<IngressReason> reasons) {
    e.allowed = false;
    e.status = status;
    e.reasons = std::move(reasons);
  };
  auto allow = [&](std::vector<IngressReason> reasons) {
    e.allowed = true;
    e.reasons = std::move(reasons);
  };

  if (private_path) {
    e.path = IngressPath::kPrivateEndpoint;
    if (r.pe_state != ConnectionState::kApproved) {
      // The endpoint does not forward. With a TLS too old as well, either cause may be named.
      std::vector<IngressReason> reasons = {IngressReason::kPrivateEndpointNotApproved};
      if (tls_low) reasons.push_back(IngressReason::kTlsBelowMinimum);
      deny(std::nullopt, reasons);
      e.decided_by_words = {kPeName, "minTlsVersion"};
      e.explain_words = {kPeName, connectionStateName(r.pe_state), "Approved", "TLS"};
    } else if (tls_low) {
      deny(std::nullopt, {IngressReason::kTlsBelowMinimum});
      e.decided_by_words = {"minTlsVersion"};
      e.explain_words = {"TLS"};
    } else {
      allow({IngressReason::kPrivateEndpoint});
      e.decided_by_words = {kPeName};
    }
    return e;
  }

  e.path = IngressPath::kPublic;
  if (tls_low) {
    deny(std::nullopt, {IngressReason::kTlsBelowMinimum});
    e.decided_by_words = {"minTlsVersion"};
    e.explain_words = {"TLS"};
    return e;
  }
  if (!r.public_access) {
    deny(401, {IngressReason::kPublicNetworkAccessDisabled});
    e.decided_by_words = {"publicNetworkAccess"};
    e.explain_words = {"publicNetworkAccess"};
    return e;
  }

  if (isNrs(r.filter)) {
    const bool rules_apply = !builtin || r.apply_to_builtin;
    if (r.filter == Filter::kNrsAllow) {
      if (rules_apply) {
        allow({IngressReason::kDefaultActionAllow});
      } else {
        allow({IngressReason::kDefaultActionAllow, IngressReason::kRulesNotAppliedToBuiltIn});
      }
    } else if (!rules_apply) {
      allow({IngressReason::kRulesNotAppliedToBuiltIn});
    } else if (r.filter == Filter::kNrsDenyMatch) {
      allow({IngressReason::kAllowRuleMatched});
      e.rule = 1;
    } else {
      deny(401, {IngressReason::kNotInAllowList});
      e.decided_by_words = {"networkRuleSets"};
      e.explain_words = {"networkRuleSets", "ipRules", "IP rule", "allow"};
    }
    return e;
  }

  // Classic list (or none at all).
  if (r.filter == Filter::kNone) {
    if (builtin) {
      allow({IngressReason::kNoPublicRestrictions, IngressReason::kClassicNotApplied});
    } else {
      allow({IngressReason::kNoPublicRestrictions});
    }
    return e;
  }
  if (builtin) {
    allow({IngressReason::kClassicNotApplied});
    return e;
  }
  switch (r.filter) {
    case Filter::kClassicAccept:
      allow({IngressReason::kClassicRuleAccepted});
      e.rule = 1;
      break;
    case Filter::kClassicReject:
      deny(401, {IngressReason::kClassicRuleRejected});
      e.rule = 1;
      e.decided_by_words = {"ipFilterRules[1]"};
      e.explain_words = {"block-client", "ipFilterRules"};
      break;
    case Filter::kClassicNoMatch:
      allow({IngressReason::kClassicNoMatch});
      break;
    default:
      break;
  }
  return e;
}

std::string reasonsText(const std::vector<IngressReason>& reasons) {
  std::string s;
  for (IngressReason r : reasons) {
    if (!s.empty()) s += "|";
    s += std::string(ingressReasonName(r));
  }
  return s;
}

// Compares one row; returns the mismatch description (empty when the row agrees).
std::string checkRow(const Row& r) {
  const NetworkModel network = buildNetwork(r.pe_dns, r.pe_state);
  const ClientLocation client = buildClient(*r.loc, r.client_dns);
  const HubIngressConfig cfg = buildConfig(r.filter, r.public_access, r.min_tls_12,
                                           r.apply_to_builtin, client.publicAddress());
  const IngressPolicy policy(cfg, network);
  const IngressDecision d = policy.decide(client, r.tls, r.surface);
  const Expected e = oracle(r);

  std::string problems;
  auto problem = [&](const std::string& p) { problems += "\n    " + p; };

  if (d.allowed != e.allowed) {
    problem(std::string("allowed: expected ") + (e.allowed ? "true" : "false") + ", got " +
            (d.allowed ? "true" : "false") + " (reason " +
            std::string(ingressReasonName(d.reason)) + ")");
  }
  if (d.path != e.path) {
    problem(std::string("path: expected ") +
            (e.path == IngressPath::kPublic ? "public" : "privateEndpoint") + ", got " +
            (d.path == IngressPath::kPublic ? "public" : "privateEndpoint"));
  }
  if (std::find(e.reasons.begin(), e.reasons.end(), d.reason) == e.reasons.end()) {
    problem("reason: expected " + reasonsText(e.reasons) + ", got " +
            std::string(ingressReasonName(d.reason)));
  }
  if (e.rule != -2 && d.rule != e.rule) {
    problem("rule: expected " + std::to_string(e.rule) + ", got " + std::to_string(d.rule));
  }
  const int32_t expected_pe = e.path == IngressPath::kPrivateEndpoint ? 0 : -1;
  if (d.private_endpoint != expected_pe) {
    problem("private_endpoint: expected " + std::to_string(expected_pe) + ", got " +
            std::to_string(d.private_endpoint));
  }

  const AzureError err = IngressPolicy::azureError(d);
  if (e.allowed) {
    if (err.status.has_value()) problem("azureError of an allowed decision has a status");
  } else if (!d.allowed) {
    if (err.status != e.status) {
      problem("status: expected " + (e.status ? std::to_string(*e.status) : std::string("null")) +
              ", got " + (err.status ? std::to_string(*err.status) : std::string("null")));
    }
    if (e.status == 401) {
      if (err.code != "IotHubUnauthorizedAccess") {
        problem("code: expected IotHubUnauthorizedAccess, got '" + std::string(err.code) + "'");
      }
      if (err.error_code != 401002) {
        problem("error_code: expected 401002, got " + std::to_string(err.error_code));
      }
    }
  }

  const std::string decided = policy.decidedBy(d);
  const std::string explanation = policy.explain(d, client, r.tls);
  if (decided.empty()) problem("decidedBy is empty");
  if (explanation.empty()) problem("explain is empty");
  if (d.allowed == e.allowed && d.reason == e.reasons.front()) {
    bool ok = e.decided_by_words.empty();
    for (std::string_view w : e.decided_by_words) ok = ok || containsIgnoringCase(decided, w);
    if (!ok) problem("decidedBy '" + decided + "' names none of the expected settings");
    if (!e.allowed) {
      bool eok = e.explain_words.empty();
      for (std::string_view w : e.explain_words) eok = eok || containsIgnoringCase(explanation, w);
      if (!eok) problem("explain '" + explanation + "' names none of the expected settings");
    }
  }
  return problems;
}

// One parameterized suite per client location; every other dimension is looped over inside.
class IngressTruthTable : public ::testing::TestWithParam<size_t> {};

constexpr ConnectionState kStates[] = {ConnectionState::kApproved, ConnectionState::kPending,
                                       ConnectionState::kRejected, ConnectionState::kDisconnected};
constexpr TlsVersion kTls[] = {TlsVersion::k1_0, TlsVersion::k1_1, TlsVersion::k1_2};
struct SurfaceCase {
  HubSurface surface;
  bool apply_to_builtin;
};
constexpr SurfaceCase kSurfaces[] = {{HubSurface::kDeviceApi, false},
                                     {HubSurface::kDeviceApi, true},
                                     {HubSurface::kBuiltInEvents, true},
                                     {HubSurface::kBuiltInEvents, false}};

constexpr size_t kMaxReported = 40;

TEST_P(IngressTruthTable, EveryCombinationMatchesTheReference) {
  const LocationCase& loc = locations()[GetParam()];
  size_t rows = 0;
  size_t failures = 0;
  for (bool client_dns : {false, true}) {
    for (bool pe_dns : {false, true}) {
      for (ConnectionState state : kStates) {
        for (bool public_access : {true, false}) {
          for (Filter filter : kFilters) {
            for (bool min_tls : {false, true}) {
              for (TlsVersion tls : kTls) {
                for (const SurfaceCase& s : kSurfaces) {
                  const Row row{&loc,   client_dns, pe_dns, state,     public_access,
                                filter, min_tls,    tls,    s.surface, s.apply_to_builtin};
                  ++rows;
                  const std::string problems = checkRow(row);
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
  }
  EXPECT_EQ(failures, 0u) << failures << " of " << rows << " rows disagree for location "
                          << loc.name << " (first " << kMaxReported << " shown)";
  EXPECT_EQ(rows, 2u * 2 * 4 * 2 * 8 * 2 * 3 * 4);
  RecordProperty("rows", static_cast<int>(rows));
}

INSTANTIATE_TEST_SUITE_P(Locations, IngressTruthTable,
                         ::testing::Range<size_t>(0, locations().size()),
                         [](const ::testing::TestParamInfo<size_t>& param) {
                           return std::string(locations()[param.param].name);
                         });

// ---------------------------------------------------------------------------------------------
// Reachability, as the oracle reads it (network.h contract).
// ---------------------------------------------------------------------------------------------
TEST(IngressTruthTableNetwork, ReachesThePrivateEndpointVnetExactlyAsTheOracleAssumes) {
  const NetworkModel n = buildNetwork(true, ConnectionState::kApproved);
  for (const LocationCase& loc : locations()) {
    SCOPED_TRACE(std::string(loc.name));
    EXPECT_EQ(n.reaches(buildClient(loc, true), "hub-vnet"), loc.reaches_pe_vnet);
  }
  EXPECT_TRUE(n.peered("hub-vnet", "peer-vnet"));
  EXPECT_TRUE(n.peered("peer-vnet", "hub-vnet"));
  EXPECT_FALSE(n.peered("hub-vnet", "other-vnet"));
}

// ---------------------------------------------------------------------------------------------
// Named scenarios from the seed.
// ---------------------------------------------------------------------------------------------
class IngressSeedTest : public ::testing::Test {
 protected:
  // contoso-hub: publicNetworkAccess Disabled, minTlsVersion 1.2, private endpoint hub-pe
  // (Approved, DNS zone group) in plant-vnet; plant-7 on premises via ExpressRoute.
  NetworkModel seedNetwork(ConnectionState state = ConnectionState::kApproved) const {
    NetworkModel n;
    VirtualNetwork v;
    v.name = "plant-vnet";
    v.address_space = {cidr("10.10.0.0/16")};
    v.subnets = {{"endpoints", cidr("10.10.1.0/24")}};
    n.vnets = {v};
    n.on_premises = {{"plant-7",
                      {cidr("192.168.70.0/24")},
                      "plant-vnet",
                      OnPremisesLink::kExpressRoutePrivatePeering}};
    PrivateEndpoint pe;
    pe.name = "hub-pe";
    pe.vnet = "plant-vnet";
    pe.subnet = "endpoints";
    pe.private_ip = ip("10.10.1.5");
    pe.target = "contoso-hub";
    pe.state = state;
    pe.dns_integration = true;
    n.private_endpoints = {pe};
    return n;
  }
  HubIngressConfig seedConfig() const {
    HubIngressConfig c;
    c.hub = "contoso-hub";
    c.public_network_access = false;
    c.min_tls = TlsVersion::k1_2;
    return c;
  }
  ClientLocation plantDevice(bool uses_private_dns) const {
    ClientLocation c;
    c.network = ClientNetwork::kOnPremises;
    c.network_name = "plant-7";
    c.source_ip = ip("192.168.70.42");
    c.uses_private_dns = uses_private_dns;
    return c;
  }
};

TEST_F(IngressSeedTest, OnPremViaExpressRouteWithDnsForwardingIsAllowedThroughPrivateEndpoint) {
  const IngressPolicy policy(seedConfig(), seedNetwork());
  const ClientLocation device = plantDevice(/*uses_private_dns=*/true);
  for (HubSurface surface : {HubSurface::kDeviceApi, HubSurface::kBuiltInEvents}) {
    const IngressDecision d = policy.decide(device, TlsVersion::k1_2, surface);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.path, IngressPath::kPrivateEndpoint);
    EXPECT_EQ(d.reason, IngressReason::kPrivateEndpoint);
    EXPECT_EQ(d.private_endpoint, 0);
    EXPECT_FALSE(IngressPolicy::azureError(d).status.has_value());
    EXPECT_TRUE(containsIgnoringCase(policy.decidedBy(d), "hub-pe")) << policy.decidedBy(d);
    EXPECT_FALSE(policy.explain(d, device, TlsVersion::k1_2).empty());
  }
}

TEST_F(IngressSeedTest, OnPremWithoutDnsForwardingGoesPublicAndIsRefusedWith401) {
  const IngressPolicy policy(seedConfig(), seedNetwork());
  const ClientLocation device = plantDevice(/*uses_private_dns=*/false);
  const IngressDecision d = policy.decide(device, TlsVersion::k1_2);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.path, IngressPath::kPublic);
  EXPECT_EQ(d.reason, IngressReason::kPublicNetworkAccessDisabled);
  const AzureError err = IngressPolicy::azureError(d);
  EXPECT_EQ(err.status, 401);
  EXPECT_EQ(err.code, "IotHubUnauthorizedAccess");
  EXPECT_EQ(err.error_code, 401002u);
  EXPECT_TRUE(
      containsIgnoringCase(policy.explain(d, device, TlsVersion::k1_2), "publicNetworkAccess"));
  EXPECT_TRUE(containsIgnoringCase(policy.decidedBy(d), "publicNetworkAccess"));
}

TEST_F(IngressSeedTest, InternetClientIsRefusedWhenPublicAccessIsDisabled) {
  const IngressPolicy policy(seedConfig(), seedNetwork());
  ClientLocation c;
  c.source_ip = ip("203.0.113.10");
  c.uses_private_dns = true;  // resolving through the zone does not help from the internet
  const IngressDecision d = policy.decide(c, TlsVersion::k1_2);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.path, IngressPath::kPublic);
  EXPECT_EQ(IngressPolicy::azureError(d).status, 401);
}

TEST_F(IngressSeedTest, OldTlsFailsTheHandshakeOnThePrivatePath) {
  const IngressPolicy policy(seedConfig(), seedNetwork());
  const ClientLocation device = plantDevice(true);
  for (TlsVersion tls : {TlsVersion::k1_0, TlsVersion::k1_1}) {
    const IngressDecision d = policy.decide(device, tls);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.reason, IngressReason::kTlsBelowMinimum);
    EXPECT_FALSE(IngressPolicy::azureError(d).status.has_value());
  }
  EXPECT_TRUE(policy.decide(device, TlsVersion::k1_3).allowed);
}

TEST_F(IngressSeedTest, PendingPrivateEndpointFailsBelowHttp) {
  const IngressPolicy policy(seedConfig(), seedNetwork(ConnectionState::kPending));
  const ClientLocation device = plantDevice(true);
  const IngressDecision d = policy.decide(device, TlsVersion::k1_2);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.path, IngressPath::kPrivateEndpoint);
  EXPECT_EQ(d.reason, IngressReason::kPrivateEndpointNotApproved);
  EXPECT_FALSE(IngressPolicy::azureError(d).status.has_value());
}

TEST(IngressClassicOrderTest, FirstMatchingRuleDecidesEvenWhenALaterRuleIsBroader) {
  NetworkModel n;
  HubIngressConfig c;
  c.hub = "h";
  c.ip_filter_rules = {{"accept-office", true, cidr("198.51.100.0/24")},
                       {"reject-all", false, cidr("0.0.0.0/0")}};
  const IngressPolicy policy(c, n);
  ClientLocation office;
  office.source_ip = ip("198.51.100.77");
  ClientLocation stranger;
  stranger.source_ip = ip("203.0.113.1");
  IngressDecision d = policy.decide(office, TlsVersion::k1_2);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kClassicRuleAccepted);
  EXPECT_EQ(d.rule, 0);
  d = policy.decide(stranger, TlsVersion::k1_2);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kClassicRuleRejected);
  EXPECT_EQ(d.rule, 1);
  EXPECT_TRUE(containsIgnoringCase(policy.decidedBy(d), "ipFilterRules[1]")) << policy.decidedBy(d);
  // The classic list is not applied to the built-in Event Hub-compatible endpoint.
  EXPECT_TRUE(policy.decide(stranger, TlsVersion::k1_2, HubSurface::kBuiltInEvents).allowed);
}

TEST(IngressNetworkRuleSetsTest, DenyWithEmptyListBlocksAllButTheUnreplicatedBuiltInEndpoint) {
  NetworkModel n;
  HubIngressConfig c;
  c.hub = "h";
  c.network_rule_sets = HubNetworkRuleSet{false, false, {}};
  const IngressPolicy policy(c, n);
  ClientLocation client;
  client.source_ip = ip("203.0.113.1");
  const IngressDecision d = policy.decide(client, TlsVersion::k1_2);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, IngressReason::kNotInAllowList);
  EXPECT_EQ(IngressPolicy::azureError(d).status, 401);
  const IngressDecision b = policy.decide(client, TlsVersion::k1_2, HubSurface::kBuiltInEvents);
  EXPECT_TRUE(b.allowed);
  EXPECT_EQ(b.reason, IngressReason::kRulesNotAppliedToBuiltIn);
}

TEST(IngressNetworkRuleSetsTest, PrivateAddressOnThePublicPathMatchesOnlyACatchAll) {
  // network.h: without a public (NAT) address, the source address is what the public endpoint
  // sees; a private address matches no public IP rule except a catch-all.
  NetworkModel n;
  VirtualNetwork v;
  v.name = "app-vnet";
  v.address_space = {cidr("10.50.0.0/16")};
  v.subnets = {{"apps", cidr("10.50.1.0/24")}};
  n.vnets = {v};
  HubIngressConfig c;
  c.hub = "h";
  c.network_rule_sets = HubNetworkRuleSet{false, true, {{"office", cidr("198.51.100.0/24")}}};
  ClientLocation client;
  client.network = ClientNetwork::kVirtualNetwork;
  client.network_name = "app-vnet";
  client.subnet = "apps";
  client.source_ip = ip("10.50.1.10");
  EXPECT_FALSE(IngressPolicy(c, n).decide(client, TlsVersion::k1_2).allowed);
  c.network_rule_sets->ip_rules.push_back({"everything", cidr("0.0.0.0/0")});
  const IngressDecision d = IngressPolicy(c, n).decide(client, TlsVersion::k1_2);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.rule, 1);
}

}  // namespace
}  // namespace routesim::policy
