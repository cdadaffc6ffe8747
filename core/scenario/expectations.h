// A scenario's expectations: assertions over the run that make `routesim run` exit 1 when one
// fails, each with a human `text` and exactly one subject:
//
//   {"text": "...", "metric": "d2c.telemetry.egress.dropped", "equals": 0}
//   {"text": "...", "metric": "d2c.telemetry.ingress.success", "equalsMetric":
//   "d2c.telemetry.ingress.allProtocol"}
//   {"text": "...", "endpoint": "cold", "delivered": {"min": 1}, "during": ["PT0M", "PT10M"]}
//   {"text": "...", "endpoint": "cold", "dropped": {"equals": 0}}
//   {"text": "...", "endpoint": "cold", "health": "unhealthy", "at": "PT15M"}
//   {"text": "...", "denial": {"kind": "egress", "target": "contosocold",
//                              "code": "AuthorizationPermissionMismatch"}, "seen": true}
//   {"text": "...", "group": "plant-7-sensors", "deliveredTo": "cold", "within": "PT10M",
//    "fraction": {"min": 1}}                      // message fates; fraction defaults to all
//   {"text": "...", "deployment": "fails", "code": "ProfileForbids"}   // or "succeeds"
//   {"text": "...", "deployment": "fails", "at": "PT5M"}   // the timeline's redeployment then
//
// A comparison is a number (equals) or an object with any of equals / min / max.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/router/endpoint_health.h"

namespace routesim::scenario {

struct Comparison {
  std::optional<double> equals;
  std::optional<double> min;
  std::optional<double> max;
  bool holds(double actual) const;
  std::string describe() const;  // "= 0", ">= 1", "between 1 and 5"
};

struct Expectation {
  enum class Kind : uint8_t { kMetric, kEndpointCount, kHealth, kDenial, kFate, kDeployment };
  Kind kind = Kind::kMetric;
  std::string text;
  std::string path;
  uint32_t offset = 0;  // byte offset of the expectation in the file
  // kMetric
  std::string metric;
  std::optional<std::string> equals_metric;
  // kEndpointCount / kHealth / kFate (deliveredTo)
  std::string endpoint;
  std::string count;  // "delivered" | "dropped" | "invalid"
  std::optional<uint64_t> from_ns;
  std::optional<uint64_t> until_ns;
  router::HealthStatus health = router::HealthStatus::kHealthy;
  uint64_t at_ns = 0;
  // kDenial
  std::optional<std::string> denial_kind;  // "ingress" | "egress"
  std::optional<std::string> source;
  std::optional<std::string> target;
  std::optional<std::string> code;  // also kDeployment
  std::optional<std::string> reason;
  bool match_status = false;  // "status" given: an HTTP status, or null (below HTTP)
  std::optional<int> status;
  bool seen = true;
  // kFate
  std::string group;
  std::optional<uint64_t> within_ns;
  // kDeployment
  bool deployment_succeeds = true;
  std::optional<uint64_t> deployment_at_ns;  // a timeline redeployment's time; none: the start
  Comparison comparison;  // kMetric, kEndpointCount, kFate (fraction), kDenial (count)
};

// Reads the `expect` array at `path`. `duration_ns` bounds times. Problems go to `issues`.
std::vector<Expectation> readExpectations(const json::Value& expect, const std::string& path,
                                          uint64_t duration_ns, ConfigIssues& issues);

}  // namespace routesim::scenario
