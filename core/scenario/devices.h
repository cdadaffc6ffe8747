// Device groups of a scenario: how many devices, their ids, where they sit on the network (the
// internet with a source address range, an on-premises network, or a VNet subnet), whether they
// resolve the hub through its private DNS zone, their TLS version, twin and auth method.
//
//   {"group": "plant-7-sensors", "count": 200, "idPattern": "plant-7-dev-{index}",
//    "location": {"network": "plant-7", "ipRange": "192.168.70.10-192.168.70.250",
//                 "usesPrivateDnsZone": true, "publicIp": "203.0.113.9"},
//    "tlsVersion": "1.2", "authMethod": "sas", "twin": {"tags": {"site": "plant-7"}}}
//
// `idPattern` takes {index} (1-based, as the IoT Telemetry Simulator numbers devices) or
// {index:N} (zero-padded to N digits); without a placeholder the group has one device. Devices
// take the addresses of `ipRange` in order, wrapping when the group is larger (several devices
// behind one address). `network` is "internet" (the default), an on-premises network's name, or
// a VNet as "vnet/subnet" (or "vnet" with "subnet"). `publicIp` is the address an on-premises
// or VNet device appears from on the hub's public endpoint (its NAT).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/policy/arm_policy.h"
#include "core/policy/ingress.h"
#include "core/policy/network.h"

namespace routesim::scenario {

struct DeviceGroup {
  std::string name;
  std::string path;  // JSON path of the group
  uint32_t count = 1;
  std::string id_pattern;
  policy::ClientLocation location;  // source_ip is the first device's; see addressOf()
  policy::IpRange ip_range;
  policy::TlsVersion tls = policy::TlsVersion::k1_2;
  std::string auth_method = "sas";  // connectionAuthMethod: sas | x509Certificate | ...
  std::string twin_json;            // compact JSON of the twin; empty: none
  // When the group exists on the timeline: [active_from_ns, active_until_ns) of virtual time
  // (addDevices / removeDevices events); the whole run otherwise.
  uint64_t active_from_ns = 0;
  uint64_t active_until_ns = UINT64_MAX;

  // Device `i` (0-based) of the group.
  std::string deviceId(uint32_t i) const;
  // The same into `out`, reusing its storage (once per generated message).
  void assignDeviceId(uint32_t i, std::string& out) const;
  policy::Ipv4 addressOf(uint32_t i) const;
  policy::ClientLocation locationOf(uint32_t i) const;
};

// Reads the `devices` array at `path`, resolving networks against `resources` (on-premises
// networks and VNets). Problems go to `issues` with JSON paths; groups with errors are left out.
// Reads one device group object at JSON path `at`; nullopt (with errors in `issues`) when it
// has errors.
std::optional<DeviceGroup> readDeviceGroup(const json::Value& group, const std::string& at,
                                           const policy::PolicyResources& resources,
                                           ConfigIssues& issues);

std::vector<DeviceGroup> readDeviceGroups(const json::Value& devices, const std::string& path,
                                          const policy::PolicyResources& resources,
                                          ConfigIssues& issues);

}  // namespace routesim::scenario
