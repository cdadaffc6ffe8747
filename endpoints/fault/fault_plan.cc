#include "endpoints/fault/fault_plan.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/common/config_reader.h"
#include "core/common/duration.h"
#include "core/common/utf.h"

namespace routesim::endpoints::fault {
namespace {

using router::DeliveryFailure;

struct NamedError {
  std::string_view name;
  DeliveryFailure failure;
  std::string_view detail;
};

// The user-facing fault names, with the failure IoT Hub reports and the target's own words.
// "unreachable" (no route, DNS failure, a closed port) surfaces in IoT Hub as a Timeout: the
// send never completes. "quotaExceeded" is the target's entity-size quota, which IoT Hub's
// last-known-error list calls DeviceMaximumQueueDepthExceeded ("size limit reached").
constexpr std::array<NamedError, 5> kNamedErrors = {{
    {"transient", DeliveryFailure::kTransient,
     "ServiceUnavailable: The service was unable to process the request; please retry the "
     "operation."},
    {"throttled", DeliveryFailure::kThrottled,
     "ServerBusy: The request was terminated because the entity is being throttled. Error code "
     ": 50002."},
    {"unauthorized", DeliveryFailure::kUnauthorized,
     "Unauthorized: Unauthorized access. 'Send' claim(s) are required to perform this "
     "operation."},
    {"unreachable", DeliveryFailure::kTimeout,
     "Unreachable: The endpoint's host could not be reached; the send timed out."},
    {"quotaExceeded", DeliveryFailure::kDeviceMaximumQueueDepthExceeded,
     "QuotaExceeded: The maximum entity size has been reached or exceeded."},
}};

constexpr std::array<DeliveryFailure, 11> kFailures = {
    DeliveryFailure::kTransient,
    DeliveryFailure::kInternalError,
    DeliveryFailure::kUnauthorized,
    DeliveryFailure::kThrottled,
    DeliveryFailure::kTimeout,
    DeliveryFailure::kMaxMessageSizeExceeded,
    DeliveryFailure::kPartitioningAndDuplicateDetectionNotSupported,
    DeliveryFailure::kSessionfulEntityNotSupported,
    DeliveryFailure::kNoMatchingSubscriptionsForMessage,
    DeliveryFailure::kEndpointExternallyDisabled,
    DeliveryFailure::kDeviceMaximumQueueDepthExceeded,
};

}  // namespace

std::optional<InjectedError> parseInjectedError(std::string_view name) {
  for (const NamedError& e : kNamedErrors) {
    if (utf::equalsIgnoreCase(e.name, name)) return InjectedError{e.failure, std::string(e.detail)};
  }
  for (DeliveryFailure f : kFailures) {
    std::string_view n = router::deliveryFailureName(f);
    if (utf::equalsIgnoreCase(n, name)) {
      return InjectedError{f, std::string(n) + ": injected fault"};
    }
  }
  return std::nullopt;
}

void FaultPlan::add(std::string_view endpoint, Fault fault) {
  std::lock_guard lock(mu_);
  faults_[utf::foldCase(endpoint)].push_back(std::move(fault));
}

void FaultPlan::clear(std::string_view endpoint, uint64_t now_ns) {
  std::lock_guard lock(mu_);
  std::string key = utf::foldCase(endpoint);
  for (auto& [name, list] : faults_) {
    if (!endpoint.empty() && name != key) continue;
    for (Fault& f : list) f.until_ns = std::min(f.until_ns, now_ns);
  }
}

bool FaultPlan::empty() const {
  std::lock_guard lock(mu_);
  return faults_.empty();
}

FaultPlan::Snapshot FaultPlan::at(std::string_view endpoint, uint64_t now_ns) const {
  Snapshot s;
  std::lock_guard lock(mu_);
  if (faults_.empty()) return s;
  auto it = faults_.find(utf::foldCase(endpoint));
  if (it == faults_.end()) return s;
  for (const Fault& f : it->second) {
    if (now_ns < f.from_ns || now_ns >= f.until_ns) continue;
    if (f.error && !s.error) s.error = f.error;
    s.latency_ns += f.latency_ns;
    if (f.max_rate > 0 && (s.max_rate == 0 || f.max_rate < s.max_rate)) s.max_rate = f.max_rate;
  }
  return s;
}

FaultInjectingEndpoint::FaultInjectingEndpoint(std::unique_ptr<router::Endpoint> inner,
                                               std::string name,
                                               std::shared_ptr<const FaultPlan> plan,
                                               const Clock* clock)
    : inner_(std::move(inner)), name_(std::move(name)), plan_(std::move(plan)), clock_(clock) {}

router::DeliveryReport FaultInjectingEndpoint::deliver(
    std::span<const router::OutboundMessage> batch) {
  const uint64_t now = clock_->nowNs();
  FaultPlan::Snapshot s = plan_->at(name_, now);
  if (s.error) return {0, s.error->failure, s.error->detail, 0};
  if (s.max_rate <= 0) {
    router::DeliveryReport report = inner_->deliver(batch);
    report.busy_ns += s.latency_ns;
    return report;
  }
  // A token bucket holding one second of the rate: message i may go at start + i / rate. What
  // the bucket does not allow yet waits in the router's queue (backpressure, not a failure).
  const double interval = 1e9 / s.max_rate;
  const uint64_t burst = std::min<uint64_t>(now, kNsPerSecond);
  const uint64_t start = std::max(next_free_ns_, now - burst);
  if (start > now) return {0, router::DeliveryFailure::kNone, {}, start - now};
  const double due = static_cast<double>(now - start) / interval;  // may be huge or infinite
  const size_t allowed =
      due < static_cast<double>(batch.size()) ? static_cast<size_t>(due) + 1 : batch.size();
  router::DeliveryReport report = inner_->deliver(batch.first(std::min(batch.size(), allowed)));
  next_free_ns_ =
      saturatingAdd(start, saturatingNs(static_cast<double>(report.delivered) * interval));
  report.busy_ns += s.latency_ns + (next_free_ns_ > now ? next_free_ns_ - now : 0);
  return report;
}

void addFaultInjection(router::EndpointRegistry& registry, std::shared_ptr<const FaultPlan> plan,
                       const Clock* clock) {
  for (auto kind : {routing::EndpointKind::kBuiltIn, routing::EndpointKind::kStorage,
                    routing::EndpointKind::kEventHubs, routing::EndpointKind::kServiceBusQueue,
                    routing::EndpointKind::kServiceBusTopic}) {
    registry.wrap(kind, [plan, clock](std::unique_ptr<router::Endpoint> inner,
                                      std::string_view name, const routing::EndpointConfig*) {
      return std::make_unique<FaultInjectingEndpoint>(std::move(inner), std::string(name), plan,
                                                      clock);
    });
  }
}

std::vector<FaultSpec> readFaultSpecs(const json::Value& array, const std::string& path,
                                      uint64_t origin_ns, ConfigIssues& issues) {
  std::vector<FaultSpec> out;
  if (!array.is(json::Type::kArray)) {
    issues.error(path, "InvalidFaults", "expected an array of fault objects", array.offset());
    return out;
  }
  for (size_t i = 0; i < array.items().size(); ++i) {
    const json::Value& item = array.items()[i];
    ObjectReader r(item, path + "[" + std::to_string(i) + "]", issues);
    if (!r.ok()) continue;
    FaultSpec spec;
    spec.path = r.path();
    const size_t errors_before = issues.errorCount();
    auto duration = [&](std::string_view key) -> std::optional<uint64_t> {
      std::optional<std::string> text = r.string(key);
      if (!text) return std::nullopt;
      Result<uint64_t> d = parseIsoDuration(*text);
      if (!d.ok()) {
        issues.error(r.pathOf(key), "InvalidDuration", d.error().message(),
                     r.get(key)->offset() + 1 + d.error().span().offset);
        return std::nullopt;
      }
      return d.value();
    };
    bool ok = true;
    if (auto name = r.string("endpoint", /*required=*/true)) {
      spec.endpoint = *name;
    } else {
      ok = false;
    }
    uint64_t at = duration("at").value_or(0);
    spec.fault.from_ns = origin_ns + at;
    std::optional<uint64_t> length = duration("duration");
    std::optional<uint64_t> until = duration("until");
    if (length && until) {
      issues.error(r.pathOf("until"), "InvalidFault", "give either duration or until, not both",
                   r.get("until")->offset());
      ok = false;
    } else if (length) {
      spec.fault.until_ns =
          *length > UINT64_MAX - spec.fault.from_ns ? UINT64_MAX : spec.fault.from_ns + *length;
    } else if (until) {
      if (*until <= at) {
        issues.error(r.pathOf("until"), "InvalidFault", "until must be later than at",
                     r.get("until")->offset());
        ok = false;
      }
      spec.fault.until_ns = origin_ns + *until;
    }
    if (auto error = r.string("error")) {
      spec.fault.error = parseInjectedError(*error);
      if (!spec.fault.error) {
        issues.error(r.pathOf("error"), "InvalidFault",
                     "unknown error '" + *error +
                         "': expected transient, throttled, unauthorized, unreachable, "
                         "quotaExceeded or an IoT Hub last-known error such as InternalError",
                     r.get("error")->offset());
        ok = false;
      } else if (auto detail = r.string("detail")) {
        spec.fault.error->detail = *detail;
      }
    }
    spec.fault.latency_ns = duration("latency").value_or(0);
    if (const json::Value* rate = r.get("maxRate")) {
      if (!rate->is(json::Type::kNumber) || !(rate->number() > 0) ||
          !std::isfinite(rate->number())) {
        issues.error(r.pathOf("maxRate"), "InvalidFault",
                     "maxRate must be a positive number of messages per second", rate->offset());
        ok = false;
      } else {
        spec.fault.max_rate = rate->number();
      }
    }
    if (ok && !spec.fault.error && spec.fault.latency_ns == 0 && spec.fault.max_rate == 0) {
      issues.error(r.path(), "InvalidFault",
                   "a fault needs at least one of error, latency, maxRate", item.offset());
      ok = false;
    }
    r.warnUnknownKeys();
    if (ok && issues.errorCount() == errors_before) out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace routesim::endpoints::fault
