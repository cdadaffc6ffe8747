// Denials as a run's report lists them (DESIGN.md, `routesim run`): one entry per (kind, source,
// target, code, reason), with Azure's status and code, routesim's reason, the explanation with
// the fix, how many messages were affected and how many attempts were refused. Thread-safe:
// endpoints and ingress record into it while the run goes on; recording takes a lock, which is
// fine because only denials are recorded (a refused attempt, not every message).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/ingress.h"

namespace routesim::policy {

enum class DenialKind : uint8_t { kIngress, kEgress };
std::string_view denialKindName(DenialKind kind);  // "ingress" | "egress"

struct Denial {
  DenialKind kind = DenialKind::kEgress;
  std::string source;         // ingress: the device group; egress: the hub's endpoint
  std::string target;         // ingress: the hub; egress: the target resource
  std::optional<int> status;  // HTTP status, or none where the connection fails below HTTP
  std::string code;           // Azure's error code text
  std::string reason;         // routesim's machine-readable reason
  std::string explanation;    // one sentence with the fix (the latest one recorded)
  uint64_t count = 0;         // messages affected (egress: carried by refused attempts)
  uint64_t attempts = 0;      // refused connection or delivery attempts
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
};

class DenialLedger {
 public:
  // Adds `messages` and one attempt to the entry for (kind, source, target, error code, reason),
  // creating it with `explanation` (kept up to date) at `now_ns`.
  void record(DenialKind kind, std::string_view source, std::string_view target,
              const AzureError& error, std::string_view reason, std::string_view explanation,
              uint64_t messages, uint64_t now_ns);
  // The entries in the order they first occurred.
  std::vector<Denial> snapshot() const;

 private:
  mutable std::mutex mu_;
  std::vector<Denial> entries_;
};

}  // namespace routesim::policy
