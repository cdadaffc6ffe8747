// Benchmarks of the network and identity policy (bench/RESULTS.md, policy section). The issue's
// bar: a decision costs under 5% of routing one message, so BM_RouteOneMessage (the 10-route
// table on the seeded telemetry, as a router worker runs it) is measured in the same binary and
// the ratio is taken within one run.
//   * BM_IngressDecide/<rules>: IngressPolicy::decide for clients cycling over 1,024 addresses,
//     with 10 classic ipFilterRules (first match), 100 networkRuleSets allow rules, or through a
//     private endpoint (with the 100 rules present but bypassed);
//   * BM_EgressDecide/<target>: EgressPolicy::decide, compiled per configuration change as the
//     gate does it, and BM_EgressPolicyBuild/<target>: that compilation (the whole decision from
//     scratch: auth, firewall, role lookup), for storage behind its firewall through the
//     trusted-services exception (identity, 10 role assignments, the matching one last), and an
//     Event Hubs namespace with 100 IP rules admitting the hub's key-based traffic by the last;
//   * BM_EgressGateDeliver: the per-batch cost the gate adds in front of an endpoint (cached
//     verdict: one atomic load and a clock read), against BM_CountingDeliver without it;
//   * BM_IngressPolicyBuild/allowList:100: compiling a hub's ingress settings (per change).
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <vector>

#include "core/common/clock.h"
#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/message/stamp.h"
#include "core/policy/egress.h"
#include "core/policy/ingress.h"
#include "core/routing/route_table.h"
#include "core/routing/routing_config.h"
#include "endpoints/egress/egress_gate.h"
#include "tools/telemetry/telemetry_generator.h"

namespace routesim::bench {
namespace {

using namespace policy;

constexpr size_t kPoolSize = 4096;
constexpr size_t kClients = 1024;

void BM_RouteOneMessage(benchmark::State& state) {
  static const std::vector<message::Message> messages = [] {
    auto m = telemetry::makeTelemetryPool(kPoolSize);
    auto now = std::chrono::system_clock::now();
    for (auto& msg : m) message::stampIngress(msg, now);
    return m;
  }();
  auto value = json::parse(telemetry::routingObjectJson(telemetry::routeConditions(10)));
  ConfigIssues issues;
  routing::RoutingConfig config =
      routing::readRoutingConfig(*value, "$", routing::RoutingLimits{}, issues);
  auto table = routing::RouteTable::build(config, {}, issues);
  if (issues.hasErrors() || !table) {
    state.SkipWithError("the routing object does not build");
    return;
  }
  query::EvalScratch scratch;
  scratch.setValidation(message::Validation::kPaths);
  routing::RoutingResult result;
  size_t i = 0;
  for (auto _ : state) {
    table->route(messages[i], scratch, result);
    benchmark::DoNotOptimize(result.deliveries.size());
    i = (i + 1) % kPoolSize;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RouteOneMessage);

Cidr block(uint32_t a, uint32_t b, uint32_t c, uint8_t prefix) {
  return Cidr{(a << 24) | (b << 16) | (c << 8), prefix};
}

// Clients spread over 203.0.0.0/16 (some inside the rules' /24 blocks, most outside), as
// internet devices, or on an on-premises network through the private endpoint.
std::vector<ClientLocation> clients(bool on_premises) {
  std::vector<ClientLocation> out;
  uint32_t x = 12345;
  for (size_t i = 0; i < kClients; ++i) {
    x = x * 1103515245u + 12345u;
    ClientLocation c;
    c.source_ip = (203u << 24) | ((x >> 8) & 0xFFFFu);
    if (on_premises) {
      c.network = ClientNetwork::kOnPremises;
      c.network_name = "plant";
      c.uses_private_dns = true;
    }
    out.push_back(c);
  }
  return out;
}

enum IngressCase { kClassic10, kAllowList100, kPrivateEndpoint };

HubIngressConfig ingressConfig(IngressCase which) {
  HubIngressConfig config;
  config.hub = "bench-hub";
  config.min_tls = TlsVersion::k1_2;
  if (which == kClassic10) {
    for (uint32_t i = 0; i < 9; ++i)
      config.ip_filter_rules.push_back(
          {"r" + std::to_string(i), i % 2 == 0, block(203, 0, i * 7, 24)});
    config.ip_filter_rules.push_back({"reject-rest", false, block(0, 0, 0, 0)});
  } else {
    HubNetworkRuleSet rs;
    for (uint32_t i = 0; i < 100; ++i)
      rs.ip_rules.push_back({"r" + std::to_string(i), block(203, 0, i * 2, 24)});
    config.network_rule_sets = rs;
  }
  return config;
}

NetworkModel plantNetwork() {
  NetworkModel n;
  n.vnets.push_back(
      {"plant-vnet", {block(10, 10, 0, 16)}, {{"endpoints", block(10, 10, 1, 24)}}, {}});
  n.on_premises.push_back({"plant", {block(192, 168, 70, 24)}, "plant-vnet", OnPremisesLink::kVpn});
  n.private_endpoints.push_back({"pe", "plant-vnet", "endpoints",
                                 (10u << 24) | (10u << 16) | (1u << 8) | 5u, "bench-hub", "iotHub",
                                 ConnectionState::kApproved, true});
  return n;
}

void BM_IngressDecide(benchmark::State& state) {
  auto which = static_cast<IngressCase>(state.range(0));
  IngressPolicy policy(ingressConfig(which == kPrivateEndpoint ? kAllowList100 : which),
                       plantNetwork());
  std::vector<ClientLocation> cs = clients(which == kPrivateEndpoint);
  size_t i = 0;
  uint64_t allowed = 0;
  for (auto _ : state) {
    IngressDecision d = policy.decide(cs[i], TlsVersion::k1_2);
    allowed += d.allowed;
    i = (i + 1) % kClients;
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["allowed"] =
      static_cast<double>(allowed) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_IngressDecide)
    ->ArgNames({"case"})
    ->Arg(kClassic10)
    ->Arg(kAllowList100)
    ->Arg(kPrivateEndpoint);

void BM_IngressPolicyBuild(benchmark::State& state) {
  HubIngressConfig config = ingressConfig(kAllowList100);
  NetworkModel network = plantNetwork();
  for (auto _ : state) {
    IngressPolicy policy(config, network);
    benchmark::DoNotOptimize(&policy);
  }
}
BENCHMARK(BM_IngressPolicyBuild)->ArgNames({"allowList"})->Arg(100);

struct EgressSetup {
  EgressHub hub;
  EgressEndpoint endpoint;
  Target target;
  RbacState rbac;
};

EgressSetup egressSetup(bool storage) {
  EgressSetup s;
  s.hub.name = "bench-hub";
  s.hub.location = "eastus";
  s.hub.identity.type = IdentityType::kSystemAssigned;
  s.hub.egress_ranges = {defaultHubEgressRange()};
  s.endpoint.name = "e";
  s.target.location = "westus2";
  s.target.default_allow = false;
  if (storage) {
    s.endpoint.auth = AuthType::kIdentityBased;
    s.target.kind = TargetKind::kStorage;
    s.target.ref.name = "acct";
    for (int i = 0; i < 10; ++i) {
      RoleAssignment a;
      a.name = "a" + std::to_string(i);
      a.principal_id = i == 9 ? "bench-hub" : "someone-" + std::to_string(i);
      a.role = findRole("Storage Blob Data Contributor");
      a.scope = *Scope::parse("acct");
      s.rbac.assignments.push_back(a);
    }
  } else {
    s.endpoint.auth = AuthType::kKeyBased;
    s.endpoint.has_connection_string = true;
    s.target.kind = TargetKind::kEventHubs;
    s.target.sku_tier = "Standard";
    s.target.ref.name = "ns";
    for (uint32_t i = 0; i < 99; ++i) s.target.ip_rules.push_back(block(198, 51, i, 24));
    s.target.ip_rules.push_back(Cidr{defaultHubEgressRange().first, 24});
  }
  return s;
}

void BM_EgressDecide(benchmark::State& state) {
  EgressSetup s = egressSetup(state.range(0) == 0);
  EgressPolicy policy(s.hub, s.endpoint, s.target, s.rbac);
  uint64_t now = 3600ULL * kNsPerSecond;
  uint64_t allowed = 0;
  for (auto _ : state) {
    EgressDecision d = policy.decide(now);
    allowed += d.allowed;
  }
  if (allowed != static_cast<uint64_t>(state.iterations())) state.SkipWithError("denied");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EgressDecide)->ArgNames({"target"})->Arg(0)->Arg(1);  // 0 storage, 1 Event Hubs

void BM_EgressPolicyBuild(benchmark::State& state) {
  EgressSetup s = egressSetup(state.range(0) == 0);
  for (auto _ : state) {
    EgressPolicy policy(s.hub, s.endpoint, s.target, s.rbac);
    benchmark::DoNotOptimize(&policy);
  }
}
BENCHMARK(BM_EgressPolicyBuild)->ArgNames({"target"})->Arg(0)->Arg(1);

std::vector<router::OutboundMessage> oneMessageBatch() {
  static const message::Message m = telemetry::makeTelemetryPool(1)[0];
  router::OutboundMessage o;
  o.message = &m;
  o.size = 100;
  return {o};
}

void BM_CountingDeliver(benchmark::State& state) {
  router::CountingEndpoint endpoint;
  auto batch = oneMessageBatch();
  for (auto _ : state) benchmark::DoNotOptimize(endpoint.deliver(batch).delivered);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_CountingDeliver);

void BM_EgressGateDeliver(benchmark::State& state) {
  EgressSetup s = egressSetup(true);
  auto set = std::make_shared<endpoints::egress::EgressPolicySet>();
  set->setHub(s.hub);
  set->setRbac(s.rbac);
  set->bind("e", s.endpoint, s.target);
  ManualClock clock(3600ULL * kNsPerSecond);
  endpoints::egress::EgressGateEndpoint gate(std::make_unique<router::CountingEndpoint>(), "e", set,
                                             &clock);
  auto batch = oneMessageBatch();
  for (auto _ : state) benchmark::DoNotOptimize(gate.deliver(batch).delivered);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EgressGateDeliver);

}  // namespace
}  // namespace routesim::bench
