#include "endpoints/registry/endpoint_health_json.h"

#include <gtest/gtest.h>

namespace routesim::endpoints {
namespace {

TEST(EndpointHealthJsonTest, Rfc1123Times) {
  using namespace std::chrono;
  EXPECT_EQ(formatRfc1123(system_clock::time_point(seconds(1796247000))),
            "Wed, 02 Dec 2026 21:30:00 GMT");
  EXPECT_EQ(formatRfc1123(system_clock::time_point(seconds(0))), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(EndpointHealthJsonTest, WritesGetEndpointHealthsShapeAndReadsItBack) {
  EmulatorContext context;
  context.utc_at_zero_ns = 1796247000ll * 1'000'000'000ll;
  std::vector<metrics::EndpointDescription> endpoints = {{"events", "builtin", "builtIn.events"},
                                                         {"cold", "blobStorage", "storage"}};
  std::vector<router::EndpointHealthReport> reports(2);
  reports[0].status = router::HealthStatus::kHealthy;
  reports[0].last_successful_send_attempt_time_ns = 5'000'000'000;
  reports[0].last_send_attempt_time_ns = 5'000'000'000;
  reports[1].status = router::HealthStatus::kDead;
  reports[1].last_known_error = router::DeliveryFailure::kUnauthorized;
  reports[1].last_known_error_detail = "AuthorizationFailure: \"no\"";
  reports[1].last_known_error_time_ns = 3600'000'000'000;
  reports[1].last_send_attempt_time_ns = 3600'000'000'000;
  std::string text = endpointHealthJson(endpoints, reports, context);
  EXPECT_EQ(
      text,
      "{\"value\":[{\"endpointId\":\"events\",\"healthStatus\":\"healthy\","
      "\"lastKnownError\":null,\"lastKnownErrorTime\":null,"
      "\"lastSuccessfulSendAttemptTime\":\"Wed, 02 Dec 2026 21:30:05 GMT\","
      "\"lastSendAttemptTime\":\"Wed, 02 Dec 2026 21:30:05 GMT\","
      "\"lastKnownErrorDetail\":null},"
      "{\"endpointId\":\"cold\",\"healthStatus\":\"dead\",\"lastKnownError\":\"Unauthorized\","
      "\"lastKnownErrorTime\":\"Wed, 02 Dec 2026 22:30:00 GMT\","
      "\"lastSuccessfulSendAttemptTime\":null,"
      "\"lastSendAttemptTime\":\"Wed, 02 Dec 2026 22:30:00 GMT\","
      "\"lastKnownErrorDetail\":\"AuthorizationFailure: \\\"no\\\"\"}]}");
  Result<std::vector<EndpointHealthRow>> rows = readEndpointHealthJson(text);
  ASSERT_TRUE(rows.ok()) << rows.error().message();
  ASSERT_EQ(rows.value().size(), 2u);
  EXPECT_EQ(rows.value()[1].endpoint_id, "cold");
  EXPECT_EQ(rows.value()[1].health_status, "dead");
  EXPECT_EQ(rows.value()[1].last_known_error, "Unauthorized");
  EXPECT_EQ(rows.value()[1].last_known_error_detail, "AuthorizationFailure: \"no\"");
  EXPECT_FALSE(readEndpointHealthJson("[1]").ok());
  EXPECT_FALSE(readEndpointHealthJson("{\"value\": [3]}").ok());
}

}  // namespace
}  // namespace routesim::endpoints
