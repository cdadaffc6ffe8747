// What a scenario's device groups send: telemetry at a rate per device (with bursts and a daily
// pattern), payloads (payload.h), application properties, content type and encoding; and the
// events that feed the other routing sources (twin changes, device lifecycle and connection
// state events).
//
//   {"group": "plant-7-sensors", "kind": "telemetry", "ratePerDevice": "1/10s",
//    "start": "PT0S", "stop": "PT30M",
//    "bursts": [{"at": "PT5M", "duration": "PT1M", "multiplier": 10}],
//    "dailyPattern": [0.2, 0.2, ..., 1.0],            // 24 hourly factors of virtual time
//    "contentType": "application/json", "contentEncoding": "utf-8",
//    "appProperties": {"site": "plant-7",             // a fixed value, or a variable spec
//                      "level": {"values": ["normal", "critical"], "weights": [90, 10]}},
//    "template": "...", "variables": [...]}           // or "payloads": [...]
//
// Rates are "count/duration": "1/10s", "5/s", "30/1m", "2/h", or with an ISO 8601 duration
// ("1/PT10S"). Kinds: telemetry (DeviceMessages), twinChange (TwinChangeEvents), lifecycle
// (DeviceLifecycleEvents), connectionState (DeviceConnectionStateEvents).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/message/message.h"
#include "core/scenario/payload.h"

namespace routesim::scenario {

// Messages per second from "count/duration"; errors name the offending character's offset.
Result<double> parseRate(std::string_view text);

struct Burst {
  uint64_t at_ns = 0;
  uint64_t duration_ns = 0;
  double multiplier = 1;
};

struct PropertySpec {
  std::string name;
  std::optional<std::string> fixed;  // a fixed value
  int variable = -1;                 // otherwise TrafficSpec::property_variables[variable]
};

struct TrafficSpec {
  std::string group;
  std::string path;
  message::MessageSource source = message::MessageSource::kDeviceMessages;
  double rate_per_device = 0;  // messages per second per device, before bursts and pattern
  uint64_t start_ns = 0;
  uint64_t stop_ns = UINT64_MAX;
  std::vector<Burst> bursts;
  std::optional<std::array<double, 24>> daily_pattern;
  std::optional<std::string> content_type;
  std::optional<std::string> content_encoding;
  std::vector<PropertySpec> app_properties;
  VariableSet property_variables;  // the generated application properties, by their names
  PayloadMix payload;

  // The rate multiplier at virtual time `t_ns` (bursts multiply; the daily pattern's hour is
  // taken from `unix_origin_ns + t_ns`).
  double factorAt(uint64_t t_ns, uint64_t unix_origin_ns) const;
};

// Reads the `traffic` array at `path`. `groups` are the device groups' names (a traffic entry
// must name one). Problems go to `issues` with JSON paths; entries with errors are left out.
std::vector<TrafficSpec> readTraffic(const json::Value& traffic, const std::string& path,
                                     const std::vector<std::string>& groups, ConfigIssues& issues);

}  // namespace routesim::scenario
