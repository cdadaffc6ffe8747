// The scenario's resources through its timeline. Each configuration change (add, remove, patch
// or set a resource) redeploys the resources whole, as an ARM deployment would: the result is
// the next deployment, or the errors Azure refuses the change with (the scenario keeps the
// deployment it had). `routesim run` swaps its route table and policies to each new deployment;
// `routesim check` decides ingress and egress again at each one, so both see the same changes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/config_issues.h"
#include "core/policy/rbac.h"
#include "core/scenario/scenario.h"

namespace routesim::runner {

class ConfigTimeline {
 public:
  // `initial`: the deployment of `sc.resources` at the start of the run. Its role assignments
  // are in force from the start (they exist before the scenario begins).
  ConfigTimeline(const scenario::Scenario& sc, scenario::Deployment initial);

  // add, remove, patch or set: the events apply() takes.
  static bool changesConfiguration(const scenario::TimelineEvent& e);

  // Redeploys with `e` applied at `e.at_ns`. On success deployment() and rbac() are the new ones
  // (an assignment that appears takes effect after the propagation delay). On refusal the errors
  // are located at the event (its path and offset; the path inside the resources is in the
  // message) and nothing changes.
  bool apply(const scenario::TimelineEvent& e, std::vector<ConfigIssue>& errors);

  const scenario::Deployment& deployment() const { return deployment_; }
  const policy::RbacState& rbac() const { return rbac_; }

 private:
  bool redeploy(std::vector<std::string> next, const scenario::TimelineEvent& e,
                std::vector<ConfigIssue>& errors);

  const scenario::Scenario& sc_;
  std::vector<std::string> resources_;  // compact JSON, one per resource
  scenario::Deployment deployment_;
  policy::RbacState rbac_;
};

// The resources (JSON texts) as one JSON array.
std::string resourcesArray(const std::vector<std::string>& resources);

}  // namespace routesim::runner
