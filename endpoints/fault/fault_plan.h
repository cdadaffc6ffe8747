// Fault injection: make an endpoint fail for a period with a chosen error (transient, throttled,
// unauthorized, unreachable, quota exceeded, or any of IoT Hub's last-known errors), add
// latency, or cap its rate. A FaultPlan holds the time ranges; FaultInjectingEndpoint wraps any
// endpoint and consults it on each delivery, on the router's clock, so the same plan works in
// virtual time (replay) and wall time (bench). The scenario runner and tests drive it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/router/endpoint.h"

namespace routesim::endpoints::fault {

// The errors a fault can inject, as users name them ("transient", "throttled",
// "unauthorized", "unreachable", "quotaExceeded"), or an IoT Hub last-known-error name
// ("InternalError", "Timeout", "EndpointExternallyDisabled", ...); letter case ignored.
// Returns the failure the router sees and the target's error text it carries by default.
struct InjectedError {
  router::DeliveryFailure failure = router::DeliveryFailure::kTransient;
  std::string detail;
};
std::optional<InjectedError> parseInjectedError(std::string_view name);

// One fault over [from_ns, until_ns) on the router's clock. Any of the three effects may be set.
struct Fault {
  uint64_t from_ns = 0;
  uint64_t until_ns = UINT64_MAX;
  std::optional<InjectedError> error;  // every delivery in the period fails with it
  uint64_t latency_ns = 0;             // each batch takes this long to be accepted
  double max_rate = 0;                 // messages per second the endpoint accepts; 0: no cap
};

// What applies at one moment: the first failing fault wins; latencies add; the lowest cap wins.
struct FaultState {
  const InjectedError* error = nullptr;
  uint64_t latency_ns = 0;
  double max_rate = 0;
  bool active() const { return error != nullptr || latency_ns != 0 || max_rate > 0; }
};

// The faults of every endpoint, by endpoint name (letter case ignored). Thread-safe: the
// scenario's timeline adds faults while endpoints deliver.
class FaultPlan {
 public:
  void add(std::string_view endpoint, Fault fault);
  // Ends every fault of `endpoint` (all endpoints when empty) at `now_ns`.
  void clear(std::string_view endpoint, uint64_t now_ns);
  bool empty() const;

  // The faults of `endpoint` in effect at `now_ns` (copied: the plan may change meanwhile).
  struct Snapshot {
    std::optional<InjectedError> error;
    uint64_t latency_ns = 0;
    double max_rate = 0;
  };
  Snapshot at(std::string_view endpoint, uint64_t now_ns) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Fault>> faults_;  // by folded endpoint name
};

// Wraps `inner`: a failing fault refuses the whole batch with its error (nothing reaches the
// inner endpoint); latency and a rate cap make the inner endpoint's deliveries take longer
// (DeliveryReport::busy_ns), so messages wait in the router's queue as for a slow target.
class FaultInjectingEndpoint final : public router::Endpoint {
 public:
  FaultInjectingEndpoint(std::unique_ptr<router::Endpoint> inner, std::string name,
                         std::shared_ptr<const FaultPlan> plan, const Clock* clock);

  router::DeliveryReport deliver(std::span<const router::OutboundMessage> batch) override;
  void tick(uint64_t now_ns) override { inner_->tick(now_ns); }
  void flush(uint64_t now_ns) override { inner_->flush(now_ns); }

  router::Endpoint& inner() { return *inner_; }

 private:
  std::unique_ptr<router::Endpoint> inner_;
  std::string name_;
  std::shared_ptr<const FaultPlan> plan_;
  const Clock* clock_;
  uint64_t next_free_ns_ = 0;  // the rate cap's bucket: when the next message may go
};

// Wraps every factory in `registry` so each endpoint it creates consults `plan` (an endpoint
// with no faults pays one lookup per batch). Register the emulators first.
void addFaultInjection(router::EndpointRegistry& registry, std::shared_ptr<const FaultPlan> plan,
                       const Clock* clock);

// Reads fault specifications:
//   [{"endpoint": "cold", "at": "PT10M", "duration": "PT1H", "error": "unauthorized",
//     "detail": "...", "latency": "PT0.2S", "maxRate": 100}]
// `at` (default PT0S) and `duration` (default: until the end) are ISO 8601 durations from
// `origin_ns`; `until` may be given instead of `duration`. At least one of error, latency and
// maxRate is required. Errors name JSON paths.
struct FaultSpec {
  std::string endpoint;
  std::string path;  // JSON path of the spec, for messages
  Fault fault;
};
std::vector<FaultSpec> readFaultSpecs(const json::Value& array, const std::string& path,
                                      uint64_t origin_ns, ConfigIssues& issues);

}  // namespace routesim::endpoints::fault
