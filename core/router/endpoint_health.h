// Delivery retries and endpoint health as IoT Hub reports them (reference §4). IoT Hub does not
// publish its retry schedule; routesim's (RetryPolicy below) is exponential backoff from 1 s,
// doubling to at most 60 s, retrying until the endpoint has failed continuously for an hour,
// when it is dead. That follows what IoT Hub does say (it keeps retrying an unhealthy endpoint;
// "dead" after more than an hour not accepting messages) and the 1-60 s backoff of IoT Edge's
// hub, the one implementation of the same routing engine that is public.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/router/endpoint.h"

namespace routesim::router {

struct RetryPolicy {
  uint64_t initial_backoff_ns = 1'000'000'000ull;  // 1 s
  double multiplier = 2.0;
  uint64_t max_backoff_ns = 60'000'000'000ull;   // 60 s
  uint64_t dead_after_ns = 3600'000'000'000ull;  // an hour of continuous failure
  // A dead endpoint is tried again with one message this often; success revives it.
  uint64_t dead_probe_ns = 300'000'000'000ull;  // 5 minutes
  // After a recovery the endpoint reports `degraded` until it has delivered without failure
  // for this long: one minute, Azure Monitor's grain (IoT Hub does not publish a figure).
  uint64_t degraded_ns = 60'000'000'000ull;

  // The wait before attempt `failures` + 1 (failures >= 1).
  uint64_t backoff(uint32_t failures) const;
};

// GetEndpointHealth's healthStatus values.
enum class HealthStatus : uint8_t { kUnknown, kHealthy, kUnhealthy, kDegraded, kDead };
std::string_view healthStatusName(HealthStatus status);  // "unknown", "healthy", ...

// What GetEndpointHealth returns for one endpoint; times on the router's clock (0: never).
struct EndpointHealthReport {
  HealthStatus status = HealthStatus::kUnknown;
  DeliveryFailure last_known_error = DeliveryFailure::kNone;
  std::string last_known_error_detail;
  uint64_t last_known_error_time_ns = 0;
  uint64_t last_successful_send_attempt_time_ns = 0;
  uint64_t last_send_attempt_time_ns = 0;
  uint32_t consecutive_failures = 0;
};

// One endpoint's health state machine. Not thread-safe: the worker delivering to the endpoint
// (one at a time) owns it; readers take snapshots under the router's claim.
class EndpointHealth {
 public:
  explicit EndpointHealth(const RetryPolicy& policy) : policy_(&policy) {}

  // Decides what to do with queued messages at `now`.
  enum class Action : uint8_t { kDeliver, kWait, kDrop, kProbe };
  Action next(uint64_t now) const;

  // Records an attempt's outcome (some messages delivered, or a failure).
  void succeeded(uint64_t now);
  void failed(uint64_t now, DeliveryFailure failure, std::string_view detail);

  // The status as GetEndpointHealth would report it at `now`.
  EndpointHealthReport report(uint64_t now) const;
  bool dead() const { return dead_; }
  // When the next attempt is due while failing (or the next probe while dead).
  uint64_t nextAttemptNs() const { return next_attempt_ns_; }

 private:
  const RetryPolicy* policy_;
  EndpointHealthReport r_;
  uint64_t failing_since_ns_ = 0;  // first failure of the current run of failures
  uint64_t next_attempt_ns_ = 0;
  uint64_t recovered_at_ns_ = 0;  // last recovery from failure (for `degraded`)
  bool recovering_ = false;
  bool dead_ = false;
};

}  // namespace routesim::router
