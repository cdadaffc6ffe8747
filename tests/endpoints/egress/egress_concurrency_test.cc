// EgressGateEndpoint delivering on several threads while another thread changes the role
// assignments and the target's firewall, as a scenario timeline does. Every batch is either
// delivered whole or refused whole with the target's error, and once the changes stop the
// gates converge on the final configuration's verdict.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "endpoints/egress/egress_gate.h"

namespace routesim::endpoints::egress {
namespace {

TEST(EgressGateConcurrencyTest, VerdictsFollowChangesMadeWhileDelivering) {
  auto set = std::make_shared<EgressPolicySet>();
  policy::EgressHub hub;
  hub.name = "h";
  hub.location = "eastus";
  hub.identity.type = policy::IdentityType::kSystemAssigned;
  set->setHub(hub);
  policy::EgressEndpoint endpoint;
  endpoint.auth = policy::AuthType::kIdentityBased;
  policy::Target target;
  target.kind = policy::TargetKind::kStorage;
  target.ref.name = "acct";
  target.location = "eastus";
  target.default_allow = false;
  constexpr int kGates = 3;
  for (int g = 0; g < kGates; ++g) {
    endpoint.name = "e" + std::to_string(g);
    set->bind(endpoint.name, endpoint, target);
  }
  ManualClock clock(3600ULL * kNsPerSecond);

  std::vector<std::unique_ptr<EgressGateEndpoint>> gates;
  std::vector<router::CountingEndpoint*> sinks;
  for (int g = 0; g < kGates; ++g) {
    auto sink = std::make_unique<router::CountingEndpoint>();
    sinks.push_back(sink.get());
    gates.push_back(std::make_unique<EgressGateEndpoint>(std::move(sink), "e" + std::to_string(g),
                                                         set, &clock));
  }
  router::OutboundMessage m;
  std::vector<router::OutboundMessage> batch(4, m);

  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> accepted{0};
  for (int g = 0; g < kGates; ++g) {
    workers.emplace_back([&, g] {
      while (!stop.load(std::memory_order_acquire)) {
        router::DeliveryReport r = gates[static_cast<size_t>(g)]->deliver(batch);
        if (r.failure == router::DeliveryFailure::kNone) {
          EXPECT_EQ(r.delivered, batch.size());
          accepted.fetch_add(1, std::memory_order_relaxed);
        } else {
          EXPECT_EQ(r.delivered, 0u);
          EXPECT_EQ(r.failure, router::DeliveryFailure::kUnauthorized);
          EXPECT_FALSE(r.detail.empty());
          refused.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  policy::RoleAssignment role;
  role.principal_id = "h";
  role.role = policy::findRole("Storage Blob Data Contributor");
  role.scope = *policy::Scope::parse("acct");
  for (int i = 0; i < 300; ++i) {
    role.name = "r" + std::to_string(i);
    set->addRoleAssignment(role);
    std::this_thread::yield();
    target.bypass_azure_services = i % 2 == 0;
    set->updateTarget(target);
    std::this_thread::yield();
    set->removeRoleAssignment(role.name);
    clock.advance(kNsPerSecond);
  }
  // Final configuration: role in effect, trusted services on.
  role.name = "final";
  set->addRoleAssignment(role);
  target.bypass_azure_services = true;
  set->updateTarget(target);
  clock.advance(3600ULL * kNsPerSecond);
  uint64_t before = 0;
  for (auto* s : sinks) before += s->messages();
  while (true) {  // every gate delivers under the final configuration
    uint64_t now = 0;
    for (auto* s : sinks) now += s->messages();
    if (now >= before + 3 * kGates * batch.size()) break;
    std::this_thread::yield();
  }
  stop.store(true, std::memory_order_release);
  for (std::thread& t : workers) t.join();
  for (int g = 0; g < kGates; ++g) {
    EXPECT_EQ(gates[static_cast<size_t>(g)]->deliver(batch).delivered, batch.size());
  }
  EXPECT_GT(accepted.load(), 0u);
  uint64_t recorded = 0;
  for (const policy::Denial& d : set->denials()) recorded += d.attempts;
  EXPECT_EQ(recorded, refused.load());
}

}  // namespace
}  // namespace routesim::endpoints::egress
