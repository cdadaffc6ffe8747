#include "core/policy/denial_ledger.h"

namespace routesim::policy {

std::string_view denialKindName(DenialKind kind) {
  return kind == DenialKind::kIngress ? "ingress" : "egress";
}

void DenialLedger::record(DenialKind kind, std::string_view source, std::string_view target,
                          const AzureError& error, std::string_view reason,
                          std::string_view explanation, uint64_t messages, uint64_t now_ns) {
  std::lock_guard lock(mu_);
  for (Denial& d : entries_) {
    if (d.kind == kind && d.source == source && d.target == target && d.code == error.code &&
        d.reason == reason) {
      d.count += messages;
      ++d.attempts;
      d.last_ns = now_ns;
      if (d.explanation != explanation) d.explanation = std::string(explanation);
      return;
    }
  }
  entries_.push_back(Denial{kind, std::string(source), std::string(target), error.status,
                            std::string(error.code), std::string(reason), std::string(explanation),
                            messages, 1, now_ns, now_ns});
}

std::vector<Denial> DenialLedger::snapshot() const {
  std::lock_guard lock(mu_);
  return entries_;
}

}  // namespace routesim::policy
