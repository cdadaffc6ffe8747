// Endpoint health in the shape of IoT Hub's GetEndpointHealth REST answer
// (GET .../routingEndpointsHealth): {"value": [{"endpointId", "healthStatus", "lastKnownError",
// "lastKnownErrorTime", "lastSuccessfulSendAttemptTime", "lastSendAttemptTime"}]}, times in
// RFC 1123 form ("Sat, 28 Nov 2026 21:30:00 GMT") as that API writes them; plus routesim's
// "lastKnownErrorDetail" with the target's own error text.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/metrics/routing_metrics.h"
#include "core/router/endpoint_health.h"
#include "endpoints/common/emulator_context.h"

namespace routesim::endpoints {

// "Sat, 28 Nov 2026 21:30:00 GMT".
std::string formatRfc1123(std::chrono::system_clock::time_point t);

std::string endpointHealthJson(const std::vector<metrics::EndpointDescription>& endpoints,
                               const std::vector<router::EndpointHealthReport>& reports,
                               const EmulatorContext& context);

// One row of a health document read back (for `routesim inspect health`).
struct EndpointHealthRow {
  std::string endpoint_id;
  std::string health_status;
  std::string last_known_error;
  std::string last_known_error_detail;
  std::string last_known_error_time;
  std::string last_successful_send_attempt_time;
  std::string last_send_attempt_time;
};
Result<std::vector<EndpointHealthRow>> readEndpointHealthJson(std::string_view text);

}  // namespace routesim::endpoints
