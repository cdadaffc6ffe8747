#include "core/router/endpoint_health.h"

#include <algorithm>
#include <cmath>

namespace routesim::router {

uint64_t RetryPolicy::backoff(uint32_t failures) const {
  double wait = static_cast<double>(initial_backoff_ns) *
                std::pow(multiplier, static_cast<double>(failures > 0 ? failures - 1 : 0));
  if (!(wait < static_cast<double>(max_backoff_ns))) return max_backoff_ns;
  return static_cast<uint64_t>(wait);
}

std::string_view healthStatusName(HealthStatus status) {
  switch (status) {
    case HealthStatus::kUnknown:
      return "unknown";
    case HealthStatus::kHealthy:
      return "healthy";
    case HealthStatus::kUnhealthy:
      return "unhealthy";
    case HealthStatus::kDegraded:
      return "degraded";
    case HealthStatus::kDead:
      return "dead";
  }
  return "unknown";
}

EndpointHealth::Action EndpointHealth::next(uint64_t now) const {
  if (dead_) return now >= next_attempt_ns_ ? Action::kProbe : Action::kDrop;
  if (r_.consecutive_failures > 0 && now < next_attempt_ns_) return Action::kWait;
  return Action::kDeliver;
}

void EndpointHealth::succeeded(uint64_t now) {
  if (r_.consecutive_failures > 0 || dead_) {
    recovering_ = true;
    recovered_at_ns_ = now;
  }
  r_.consecutive_failures = 0;
  dead_ = false;
  r_.last_successful_send_attempt_time_ns = now;
  r_.last_send_attempt_time_ns = now;
}

void EndpointHealth::failed(uint64_t now, DeliveryFailure failure, std::string_view detail) {
  if (r_.consecutive_failures == 0 && !dead_) failing_since_ns_ = now;
  ++r_.consecutive_failures;
  recovering_ = false;
  r_.last_known_error = failure;
  r_.last_known_error_detail.assign(detail);
  r_.last_known_error_time_ns = now;
  r_.last_send_attempt_time_ns = now;
  if (!dead_ && now - failing_since_ns_ >= policy_->dead_after_ns) dead_ = true;
  next_attempt_ns_ =
      now + (dead_ ? policy_->dead_probe_ns : policy_->backoff(r_.consecutive_failures));
}

EndpointHealthReport EndpointHealth::report(uint64_t now) const {
  EndpointHealthReport out = r_;
  if (dead_) {
    out.status = HealthStatus::kDead;
  } else if (r_.consecutive_failures > 0) {
    out.status = HealthStatus::kUnhealthy;
  } else if (r_.last_send_attempt_time_ns == 0) {
    out.status = HealthStatus::kUnknown;
  } else if (recovering_ && now - recovered_at_ns_ < policy_->degraded_ns) {
    out.status = HealthStatus::kDegraded;
  } else {
    out.status = HealthStatus::kHealthy;
  }
  return out;
}

}  // namespace routesim::router
