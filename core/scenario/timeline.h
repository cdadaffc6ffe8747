// A scenario's timeline: what changes at which virtual time.
//
//   {"at": "PT10M", "action": "remove", "resource": "hub-writes-cold"}
//   {"at": "PT20M", "action": "add", "resource": {"type": "...", "name": "...", ...}}
//   {"at": "PT5M", "action": "patch", "resource": "contosocold",
//    "patch": {"properties": {"networkAcls": {"defaultAction": "Allow"}}}}   // RFC 7386
//   {"at": "PT5M", "action": "set", "resource": "contoso-hub",
//    "path": "properties.publicNetworkAccess", "value": "Enabled"}
//   {"at": "PT1M", "action": "fault", "endpoint": "cold", "error": "unreachable",
//    "duration": "PT10M", "latency": "PT0.2S", "maxRate": 100}
//   {"at": "PT1M", "action": "clearFaults", "endpoint": "cold"}
//   {"at": "PT15M", "action": "addDevices", "group": {...a device group...}}
//   {"at": "PT25M", "action": "removeDevices", "group": "plant-7-sensors"}
//
// Resources are named as elsewhere (name, or "parent/child" for child resources); a change is a
// redeployment of that resource, so what Azure would refuse is a deployment failure at that
// time. Events apply in time order; events at the same time in file order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"

namespace routesim::scenario {

struct TimelineEvent {
  enum class Action : uint8_t {
    kAdd,
    kRemove,
    kPatch,
    kSet,
    kFault,
    kClearFaults,
    kAddDevices,
    kRemoveDevices,
  };
  Action action = Action::kAdd;
  uint64_t at_ns = 0;
  std::string path;      // JSON path of the event, for messages
  uint32_t offset = 0;   // byte offset of the event in the file
  std::string resource;  // kRemove, kPatch, kSet: the resource's name; kAdd: the new one's
  std::string json;      // kAdd: the resource; kPatch: the patch; kSet: the value;
                         // kAddDevices: the group; kFault: the fault object (compact JSON)
  std::string property;  // kSet: "properties.publicNetworkAccess"
  std::string endpoint;  // kFault, kClearFaults
  std::string group;     // kRemoveDevices (and kAddDevices: the new group's name)
};

std::string_view timelineActionName(TimelineEvent::Action a);

// Reads the `timeline` array at `path`, sorted by time (stable). `duration_ns` is the
// scenario's: an event after it is an error. Problems go to `issues` with JSON paths.
std::vector<TimelineEvent> readTimeline(const json::Value& timeline, const std::string& path,
                                        uint64_t duration_ns, ConfigIssues& issues);

// RFC 7386 JSON merge patch of `target` by `patch`, as compact JSON (keys in target order, new
// keys after; a null in the patch removes the member).
std::string mergePatch(const json::Value& target, const json::Value& patch);

// `target` with the member at the dotted `property` path ("properties.networkAcls.defaultAction")
// set to `value` (compact JSON), creating objects on the way; nullopt when a step of the path
// is not an object.
std::optional<std::string> setProperty(const json::Value& target, std::string_view property,
                                       const json::Value& value);

}  // namespace routesim::scenario
