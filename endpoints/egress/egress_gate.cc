#include "endpoints/egress/egress_gate.h"

#include "core/common/utf.h"

namespace routesim::endpoints::egress {

void EgressPolicySet::setHub(policy::EgressHub hub) {
  std::lock_guard lock(mu_);
  hub_ = std::move(hub);
  compileAll();
  changed();
}

void EgressPolicySet::setRbac(policy::RbacState rbac) {
  std::lock_guard lock(mu_);
  rbac_ = std::move(rbac);
  compileAll();
  changed();
}

void EgressPolicySet::bind(std::string_view name, policy::EgressEndpoint endpoint,
                           policy::Target target) {
  std::lock_guard lock(mu_);
  Binding& b = bindings_[utf::foldCase(name)];
  b = Binding{std::move(endpoint), std::move(target), std::nullopt};
  compile(b);
  changed();
}

void EgressPolicySet::updateTarget(const policy::Target& target) {
  std::lock_guard lock(mu_);
  for (auto& [name, b] : bindings_) {
    if (utf::equalsIgnoreCase(b.target.ref.name, target.ref.name)) {
      b.target = target;
      compile(b);
    }
  }
  changed();
}

void EgressPolicySet::addRoleAssignment(policy::RoleAssignment assignment) {
  std::lock_guard lock(mu_);
  rbac_.assignments.push_back(std::move(assignment));
  compileAll();
  changed();
}

bool EgressPolicySet::removeRoleAssignment(std::string_view name) {
  std::lock_guard lock(mu_);
  size_t before = rbac_.assignments.size();
  std::erase_if(rbac_.assignments, [&](const policy::RoleAssignment& a) {
    return utf::equalsIgnoreCase(a.name, name);
  });
  if (rbac_.assignments.size() == before) return false;
  compileAll();
  changed();
  return true;
}

Verdict EgressPolicySet::decide(std::string_view endpoint, uint64_t now_ns) const {
  std::lock_guard lock(mu_);
  Verdict v;
  v.generation = generation();
  auto it = bindings_.find(utf::foldCase(endpoint));
  if (it == bindings_.end()) return v;
  const Binding& b = it->second;
  policy::EgressDecision d = b.compiled->decide(now_ns);
  v.bound = true;
  v.allowed = d.allowed;
  v.reason = d.reason;
  v.target = b.target.ref.name;
  v.changes_at_ns = d.changes_at_ns;
  v.error = policy::egressAzureError(d, b.target);
  v.explanation = policy::explainEgress(d, hub_, b.endpoint, b.target);
  return v;
}

void EgressPolicySet::setLedger(std::shared_ptr<policy::DenialLedger> ledger) {
  std::lock_guard lock(mu_);
  ledger_ = std::move(ledger);
}

void EgressPolicySet::recordDenial(std::string_view endpoint, const Verdict& verdict,
                                   size_t messages, uint64_t now_ns) {
  std::shared_ptr<policy::DenialLedger> ledger;
  {
    std::lock_guard lock(mu_);
    ledger = ledger_;
  }
  ledger->record(policy::DenialKind::kEgress, endpoint, verdict.target, verdict.error,
                 policy::egressReasonName(verdict.reason), verdict.explanation, messages, now_ns);
}

std::vector<policy::Denial> EgressPolicySet::denials() const {
  std::shared_ptr<policy::DenialLedger> ledger;
  {
    std::lock_guard lock(mu_);
    ledger = ledger_;
  }
  std::vector<policy::Denial> out;
  for (policy::Denial& d : ledger->snapshot()) {
    if (d.kind == policy::DenialKind::kEgress) out.push_back(std::move(d));
  }
  return out;
}

EgressGateEndpoint::EgressGateEndpoint(std::unique_ptr<router::Endpoint> inner, std::string name,
                                       std::shared_ptr<EgressPolicySet> policy, const Clock* clock)
    : inner_(std::move(inner)), name_(std::move(name)), policy_(std::move(policy)), clock_(clock) {}

router::DeliveryReport EgressGateEndpoint::deliver(std::span<const router::OutboundMessage> batch) {
  uint64_t now = clock_->nowNs();
  if (!cached_ || cached_->generation != policy_->generation() || now >= cached_->changes_at_ns)
    cached_ = policy_->decide(name_, now);
  if (!cached_->bound || cached_->allowed) return inner_->deliver(batch);
  size_t first_refusals = 0;  // messages affected: each counted at its first refusal only
  for (const router::OutboundMessage& m : batch) first_refusals += m.retried ? 0 : 1;
  policy_->recordDenial(name_, *cached_, first_refusals, now);
  std::string detail;
  if (cached_->error.status) detail = std::to_string(*cached_->error.status) + " ";
  detail += std::string(cached_->error.code) + ": " + cached_->error.message;
  return {0, router::DeliveryFailure::kUnauthorized, std::move(detail)};
}

void addEgressPolicy(router::EndpointRegistry& registry, std::shared_ptr<EgressPolicySet> policy,
                     const Clock* clock) {
  for (auto kind :
       {routing::EndpointKind::kStorage, routing::EndpointKind::kEventHubs,
        routing::EndpointKind::kServiceBusQueue, routing::EndpointKind::kServiceBusTopic}) {
    registry.wrap(kind, [policy, clock](std::unique_ptr<router::Endpoint> inner,
                                        std::string_view name, const routing::EndpointConfig*) {
      return std::make_unique<EgressGateEndpoint>(std::move(inner), std::string(name), policy,
                                                  clock);
    });
  }
}

}  // namespace routesim::endpoints::egress
