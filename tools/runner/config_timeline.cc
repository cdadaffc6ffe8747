#include "tools/runner/config_timeline.h"

#include <algorithm>
#include <optional>

#include "core/common/json.h"
#include "core/common/utf.h"
#include "core/policy/profile.h"

namespace routesim::runner {
namespace {

using scenario::TimelineEvent;

std::optional<std::string> stringMember(const json::Value& v, std::string_view key) {
  const json::Value* m = v.find(key);
  if (m == nullptr || !m->is(json::Type::kString)) return std::nullopt;
  return std::string(m->text());
}

}  // namespace

std::string resourcesArray(const std::vector<std::string>& resources) {
  std::string out = "[";
  for (size_t i = 0; i < resources.size(); ++i) {
    if (i) out += ',';
    out += resources[i];
  }
  out += ']';
  return out;
}

ConfigTimeline::ConfigTimeline(const scenario::Scenario& sc, scenario::Deployment initial)
    : sc_(sc), resources_(sc.resources), deployment_(std::move(initial)) {
  rbac_ = policy::rbacState(deployment_.policy);
  for (policy::RoleAssignment& a : rbac_.assignments) a.preexisting = true;
}

bool ConfigTimeline::changesConfiguration(const TimelineEvent& e) {
  switch (e.action) {
    case TimelineEvent::Action::kAdd:
    case TimelineEvent::Action::kRemove:
    case TimelineEvent::Action::kPatch:
    case TimelineEvent::Action::kSet:
      return true;
    default:
      return false;
  }
}

bool ConfigTimeline::apply(const TimelineEvent& e, std::vector<ConfigIssue>& errors) {
  std::vector<std::string> next = resources_;
  auto find = [&]() -> int {
    for (size_t i = 0; i < next.size(); ++i) {
      auto v = json::parse(next[i]);
      auto name = v.ok() ? stringMember(*v, "name") : std::nullopt;
      if (name && utf::equalsIgnoreCase(*name, e.resource)) return static_cast<int>(i);
    }
    return -1;
  };
  const int at = e.action == TimelineEvent::Action::kAdd ? -1 : find();
  if (e.action != TimelineEvent::Action::kAdd && at < 0) {
    errors.push_back({ConfigIssue::Severity::kError, json::pathJoin(e.path, "resource"),
                      "ResourceNotFound",
                      "no resource named '" + e.resource + "' is deployed at this time", e.offset});
    return false;
  }
  if (e.action == TimelineEvent::Action::kAdd) {
    next.push_back(e.json);
  } else if (e.action == TimelineEvent::Action::kRemove) {
    next.erase(next.begin() + at);
  } else {
    auto target = json::parse(next[static_cast<size_t>(at)]);
    auto change = json::parse(e.json);
    if (e.action == TimelineEvent::Action::kPatch) {
      next[static_cast<size_t>(at)] = scenario::mergePatch(*target, *change);
    } else if (auto set = scenario::setProperty(*target, e.property, *change)) {
      next[static_cast<size_t>(at)] = *set;
    } else {
      errors.push_back(
          {ConfigIssue::Severity::kError, json::pathJoin(e.path, "path"), "InvalidPath",
           "'" + e.property + "' does not lead through objects of '" + e.resource + "'", e.offset});
      return false;
    }
  }
  return redeploy(std::move(next), e, errors);
}

bool ConfigTimeline::redeploy(std::vector<std::string> next, const TimelineEvent& e,
                              std::vector<ConfigIssue>& errors) {
  auto parsed = json::parse(resourcesArray(next));
  ConfigIssues issues;
  scenario::Deployment d;
  if (parsed.ok()) {
    d = scenario::readDeployment(*parsed, "$.resources", sc_.profile, issues);
  } else {
    issues.error("$.resources", "InvalidJson", parsed.error().message(), 0);
  }
  // Endpoints are bound to their emulators when the run starts.
  if (!issues.hasErrors()) {
    std::vector<std::string> before, after;
    for (const auto& c : deployment_.routing.endpoints) before.push_back(utf::foldCase(c.name));
    for (const auto& c : d.routing.endpoints) after.push_back(utf::foldCase(c.name));
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    if (before != after) {
      issues.error("$.resources", "EndpointsChangedDuringRun",
                   "routesim binds routing endpoints when the run starts: declare every endpoint "
                   "from the start and change routes instead",
                   0);
    }
  }
  if (!issues.hasErrors() && d.policy.hubs.empty()) {
    issues.error("$.resources", "MissingHub", "the change removes the IoT hub", 0);
  }
  if (!issues.hasErrors() && !deployment_.policy.hubs.empty()) {
    const policy::HubPolicyConfig& old_hub = deployment_.policy.hubs[0];
    const policy::HubPolicyConfig& new_hub = d.policy.hubs[0];
    // Set only when the hub is created (reference iothub.md §3.1, §6.4).
    if (old_hub.ingress.min_tls != new_hub.ingress.min_tls) {
      issues.error(new_hub.path + ".properties.minTlsVersion", "PropertyReadOnlyAfterCreation",
                   "minTlsVersion is set only when a hub is created; create a new hub to change it",
                   0);
    }
    if (old_hub.partition_count != new_hub.partition_count) {
      issues.error(new_hub.path + ".properties.eventHubEndpoints.events.partitionCount",
                   "PropertyReadOnlyAfterCreation",
                   "the built-in endpoint's partition count is fixed when a hub is created", 0);
    }
    policy::ProfileRules rules{sc_.profile};
    if (!rules.identityAfterCreation() &&
        old_hub.identity.hasSystemAssigned() != new_hub.identity.hasSystemAssigned()) {
      issues.error(new_hub.path + ".identity", "ProfileForbids",
                   "under profile 2020-03 a hub's managed identity is set only when the hub is "
                   "created; create a new hub with the identity",
                   0);
    }
  }
  if (issues.hasErrors()) {
    for (const ConfigIssue& i : issues.items()) {
      if (i.severity != ConfigIssue::Severity::kError) continue;
      // Located at the event that made the change (the file's line and column); the path
      // inside the redeployed resources goes into the message.
      errors.push_back({i.severity, e.path, i.code,
                        "redeploying the resources, " + i.path + ": " + i.message, e.offset});
    }
    return false;
  }

  // Role assignments: those kept keep their creation time; new ones propagate from now.
  policy::RbacState rbac = policy::rbacState(d.policy);
  rbac.propagation_ns = rbac_.propagation_ns;
  for (policy::RoleAssignment& a : rbac.assignments) {
    a.created_ns = e.at_ns;
    for (const policy::RoleAssignment& old : rbac_.assignments) {
      if (utf::equalsIgnoreCase(old.name, a.name)) {
        a.created_ns = old.created_ns;
        a.preexisting = old.preexisting;
      }
    }
  }
  rbac_ = std::move(rbac);
  resources_ = std::move(next);
  deployment_ = std::move(d);
  return true;
}

}  // namespace routesim::runner
