// The egress policy between the router and a custom endpoint's target: each delivery to an
// endpoint bound here first passes the policy decision (hub identity, endpoint auth type, the
// target's firewall, RBAC with propagation), and a denial refuses the batch with the target's
// real error, as a failure that drives endpoint health (unhealthy, then dead) like any other.
//
// Decisions are cached per endpoint and recomputed only when the configuration changes (a
// generation counter: one atomic load per batch) or when a pending role assignment takes effect
// (the decision's changes_at_ns), so the message path takes no lock while nothing changes.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/policy/denial_ledger.h"
#include "core/policy/egress.h"
#include "core/router/endpoint.h"

namespace routesim::endpoints::egress {

// One endpoint's decision with its text, computed when the decision changes.
struct Verdict {
  bool bound = false;  // false: the endpoint is not under policy (built-in endpoint, bench)
  bool allowed = true;
  policy::EgressReason reason = policy::EgressReason::kNoFirewall;
  std::string target;  // the target resource's name
  policy::AzureError error;
  std::string explanation;
  uint64_t changes_at_ns = UINT64_MAX;
  uint64_t generation = 0;
};

// The hub, its endpoints' egress settings and targets, and RBAC. Thread-safe: the scenario's
// timeline changes it while endpoints deliver.
class EgressPolicySet {
 public:
  void setHub(policy::EgressHub hub);
  void setRbac(policy::RbacState rbac);
  // Puts endpoint `name` (letter case ignored) under policy, sending to `target`.
  void bind(std::string_view name, policy::EgressEndpoint endpoint, policy::Target target);
  // Replaces every bound target with `target`'s name (a firewall change on the timeline).
  void updateTarget(const policy::Target& target);
  void addRoleAssignment(policy::RoleAssignment assignment);
  // Removes the assignment named `name`; false when there is none. Takes effect at once.
  bool removeRoleAssignment(std::string_view name);

  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  Verdict decide(std::string_view endpoint, uint64_t now_ns) const;

  // Egress denials go to `ledger` (shared with ingress in a run); by default to the set's own.
  void setLedger(std::shared_ptr<policy::DenialLedger> ledger);
  void recordDenial(std::string_view endpoint, const Verdict& verdict, size_t messages,
                    uint64_t now_ns);
  std::vector<policy::Denial> denials() const;

 private:
  struct Binding {
    policy::EgressEndpoint endpoint;
    policy::Target target;
    std::optional<policy::EgressPolicy> compiled;  // rebuilt on every change
  };
  void compile(Binding& b) const { b.compiled.emplace(hub_, b.endpoint, b.target, rbac_); }
  void compileAll() {
    for (auto& [name, b] : bindings_) compile(b);
  }
  void changed() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  mutable std::mutex mu_;
  policy::EgressHub hub_;
  policy::RbacState rbac_;
  std::map<std::string, Binding> bindings_;  // by folded endpoint name
  std::atomic<uint64_t> generation_{1};
  std::shared_ptr<policy::DenialLedger> ledger_ = std::make_shared<policy::DenialLedger>();
};

// Wraps `inner`: deliveries pass the endpoint's cached verdict; a denial refuses the whole
// batch with DeliveryFailure::kUnauthorized and the target's error as detail.
class EgressGateEndpoint final : public router::Endpoint {
 public:
  EgressGateEndpoint(std::unique_ptr<router::Endpoint> inner, std::string name,
                     std::shared_ptr<EgressPolicySet> policy, const Clock* clock);

  router::DeliveryReport deliver(std::span<const router::OutboundMessage> batch) override;
  void tick(uint64_t now_ns) override { inner_->tick(now_ns); }
  void flush(uint64_t now_ns) override { inner_->flush(now_ns); }

  router::Endpoint& inner() { return *inner_; }

 private:
  std::unique_ptr<router::Endpoint> inner_;
  std::string name_;
  std::shared_ptr<EgressPolicySet> policy_;
  const Clock* clock_;
  std::optional<Verdict> cached_;
};

// Wraps every factory in `registry` (register emulators and fault injection first) so that each
// custom endpoint it creates passes `policy`. The built-in endpoint is not wrapped.
void addEgressPolicy(router::EndpointRegistry& registry, std::shared_ptr<EgressPolicySet> policy,
                     const Clock* clock);

}  // namespace routesim::endpoints::egress
