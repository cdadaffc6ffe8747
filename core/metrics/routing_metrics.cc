#include "core/metrics/routing_metrics.h"

#include <algorithm>
#include <array>

namespace routesim::metrics {

std::string routingSourceDimension(size_t source) {
  static constexpr std::array<const char*, kSources> kNames = {
      "Device Messages",
      "Twin Change Events",
      "Device Lifecycle Events",
      "Device Connection State Events",
      "Device Job Lifecycle Events",
      "Digital Twin Change Events",
  };
  return source < kSources ? kNames[source] : "Unknown";
}

uint64_t MetricsSnapshot::orphanedTotal() const {
  uint64_t n = 0;
  for (uint64_t v : orphaned) n += v;
  return n;
}

MetricsSnapshot MetricsSnapshot::sum(const std::vector<std::unique_ptr<WorkerMetrics>>& workers) {
  MetricsSnapshot s;
  size_t endpoint_count = 0;
  for (const auto& w : workers) endpoint_count = std::max(endpoint_count, w->endpoints.size());
  s.endpoints.resize(endpoint_count);
  for (const auto& w : workers) {
    s.ingress_attempts += w->ingress_attempts.get();
    s.ingress_accepted += w->ingress_accepted.get();
    s.ingress_throttled += w->ingress_throttled.get();
    s.ingress_rejected += w->ingress_rejected.get();
    s.busy += w->busy.get();
    s.egress_success += w->egress_success.get();
    s.egress_dropped += w->egress_dropped.get();
    s.egress_invalid += w->egress_invalid.get();
    s.egress_fallback += w->egress_fallback.get();
    for (size_t k = 0; k < kSources; ++k) s.orphaned[k] += w->orphaned[k].get();
    for (size_t e = 0; e < w->endpoints.size(); ++e) {
      const EndpointCounters& c = w->endpoints[e];
      EndpointTotals& t = s.endpoints[e];
      for (size_t k = 0; k < kSources; ++k) {
        uint64_t d = c.delivered[k].get();
        uint64_t i = c.invalid[k].get();
        uint64_t x = c.dropped[k].get();
        t.delivered += d;
        t.invalid += i;
        t.dropped += x;
        t.delivered_by_source[k] += d;
        t.invalid_by_source[k] += i;
        t.dropped_by_source[k] += x;
      }
      t.fallback += c.fallback.get();
      t.bytes += c.bytes.get();
      t.latency.add(c.latency);
      s.latency.add(c.latency);
    }
  }
  return s;
}

std::vector<std::pair<std::string, double>> MetricsSnapshot::iotHubMetrics(
    const std::vector<EndpointDescription>& described) const {
  std::vector<std::pair<std::string, double>> out = {
      {"d2c.telemetry.ingress.allProtocol", static_cast<double>(ingress_attempts)},
      {"d2c.telemetry.ingress.success", static_cast<double>(ingress_accepted)},
      {"d2c.telemetry.ingress.sendThrottle", static_cast<double>(ingress_throttled)},
      {"d2c.telemetry.egress.success", static_cast<double>(egress_success)},
      {"d2c.telemetry.egress.dropped", static_cast<double>(egress_dropped)},
      {"d2c.telemetry.egress.orphaned", static_cast<double>(orphanedTotal())},
      {"d2c.telemetry.egress.invalid", static_cast<double>(egress_invalid)},
      {"d2c.telemetry.egress.fallback", static_cast<double>(egress_fallback)},
  };
  // Per endpoint type: deliveries, and the average ingress-to-endpoint latency in ms.
  std::vector<std::string> types;
  for (const EndpointDescription& e : described) {
    if (std::find(types.begin(), types.end(), e.metric_name) == types.end())
      types.push_back(e.metric_name);
  }
  for (const std::string& type : types) {
    uint64_t delivered = 0;
    HistogramSnapshot type_latency;
    for (size_t i = 0; i < described.size() && i < endpoints.size(); ++i) {
      if (described[i].metric_name != type) continue;
      delivered += endpoints[i].delivered;
      type_latency.add(endpoints[i].latency);
    }
    out.emplace_back("d2c.endpoints.egress." + type, static_cast<double>(delivered));
    out.emplace_back("d2c.endpoints.latency." + type, type_latency.mean() / 1e6);
  }
  uint64_t attempts = egress_success + egress_dropped + egress_invalid + orphanedTotal();
  out.emplace_back("RoutingDeliveries", static_cast<double>(attempts));
  return out;
}

std::vector<RoutingDeliveriesPoint> MetricsSnapshot::routingDeliveries(
    const std::vector<EndpointDescription>& described) const {
  std::vector<RoutingDeliveriesPoint> out;
  for (size_t i = 0; i < described.size() && i < endpoints.size(); ++i) {
    const EndpointTotals& t = endpoints[i];
    for (size_t k = 0; k < kSources; ++k) {
      auto point = [&](const char* reason, const char* result, uint64_t n) {
        if (n == 0) return;
        out.push_back(
            {described[i].type, described[i].name, reason, result, routingSourceDimension(k), n});
      };
      point("", "success", t.delivered_by_source[k]);
      point("invalid", "failure", t.invalid_by_source[k]);
      point("dropped", "failure", t.dropped_by_source[k]);
    }
  }
  for (size_t k = 0; k < kSources; ++k) {
    if (orphaned[k] != 0)
      out.push_back({"", "", "orphaned", "failure", routingSourceDimension(k), orphaned[k]});
  }
  return out;
}

}  // namespace routesim::metrics
