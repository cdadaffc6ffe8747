// A scenario file (DESIGN.md "routesim run"): one JSON object with name, description, seed,
// profile, duration, resources (ARM's shape), devices, traffic, timeline and expect.
//
// Reading sorts problems the way `routesim run` reports them:
// - The file is not valid JSON, or breaks the scenario's own schema (a wrong type, a missing
//   required field, anything wrong in devices / traffic / timeline / expect, no hub): a file
//   error, exit 2, with file:line:column, the JSON path and what was expected.
// - Configuration Azure would refuse when deploying the resources (a condition that does not
//   compile, tier limits, names, a setting the profile forbids, a firewall on a tier without
//   one...): a deployment failure with Azure's error code, which the report lists and a
//   scenario may expect. These are the errors under $.resources other than wrong types and
//   missing fields.
// Unknown keys are warnings with their paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/policy/arm_policy.h"
#include "core/policy/profile.h"
#include "core/routing/routing_config.h"
#include "core/scenario/devices.h"
#include "core/scenario/expectations.h"
#include "core/scenario/timeline.h"
#include "core/scenario/traffic.h"

namespace routesim::scenario {

struct Scenario {
  std::string name;
  std::string description;
  uint64_t seed = 1;
  policy::Profile profile = policy::Profile::kCurrent;
  uint64_t duration_ns = 0;
  // Virtual time zero as a Unix time (for Time payloads and the daily pattern): "start" when
  // given, else 2026-01-01T00:00:00Z so reports do not depend on the day they are made.
  uint64_t start_unix_ns = 1767225600ULL * 1000000000ULL;

  std::vector<std::string> resources;  // each resource as compact JSON, in file order
  size_t hub_index = 0;                // which of them is the Microsoft.Devices/IotHubs
  std::string hub_name;
  routing::RoutingConfig routing;
  policy::PolicyResources policy;

  std::vector<DeviceGroup> devices;
  std::vector<TrafficSpec> traffic;
  std::vector<TimelineEvent> timeline;
  std::vector<Expectation> expect;
};

struct LoadedScenario {
  Scenario scenario;
  ConfigIssues file_issues;                    // errors here: exit 2; warnings: shown
  std::vector<ConfigIssue> deployment_errors;  // Azure would refuse the deployment
  bool fileOk() const { return !file_issues.hasErrors(); }
};

// What a `resources` array deploys: the hub (there must be exactly one), its routing
// configuration (conditions compiled, so that one Azure would refuse is an error) and the
// network-isolation model. Read at load and again for each redeployment on the timeline.
struct Deployment {
  size_t hub_index = 0;
  std::string hub_name;
  routing::RoutingConfig routing;
  policy::PolicyResources policy;
};
Deployment readDeployment(const json::Value& resources, std::string_view path,
                          policy::Profile profile, ConfigIssues& issues);

// Reads a scenario from `text` (the file's contents; comments are not allowed in JSON).
LoadedScenario readScenario(std::string_view text);

}  // namespace routesim::scenario
