#include "core/scenario/devices.h"

#include <gtest/gtest.h>

namespace routesim::scenario {
namespace {

constexpr std::string_view kResources = R"([
  {"type": "Microsoft.Network/virtualNetworks", "name": "plant-vnet", "location": "eastus",
   "properties": {"addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
                  "subnets": [{"name": "endpoints", "properties": {"addressPrefix": "10.10.1.0/24"}},
                              {"name": "apps", "properties": {"addressPrefix": "10.10.2.0/24"}}]}},
  {"type": "routesim/onPremisesNetworks", "name": "plant-7",
   "properties": {"addressPrefixes": ["192.168.70.0/24"], "connectedTo": "plant-vnet",
                  "via": "ExpressRoutePrivatePeering"}}])";

struct Read {
  std::vector<DeviceGroup> groups;
  ConfigIssues issues;
};

Read read(std::string_view devices) {
  Read r;
  auto resources = json::parse(kResources);
  ConfigIssues resource_issues;
  policy::PolicyResources model = policy::readPolicyResources(
      *resources, "$.resources", policy::Profile::kCurrent, resource_issues);
  EXPECT_FALSE(resource_issues.hasErrors());
  auto value = json::parse(devices);
  EXPECT_TRUE(value.ok()) << devices;
  r.groups = readDeviceGroups(*value, "$.devices", model, r.issues);
  return r;
}

TEST(DeviceGroupsTest, ReadsTheSeedsGroup) {
  Read r = read(R"([{"group": "plant-7-sensors", "count": 200, "idPattern": "plant-7-dev-{index}",
    "location": {"network": "plant-7", "ipRange": "192.168.70.10-192.168.70.250",
                 "usesPrivateDnsZone": true},
    "tlsVersion": "1.2", "twin": {"tags": {"site": "plant-7"}}}])");
  ASSERT_FALSE(r.issues.hasErrors()) << r.issues.format("x", "");
  ASSERT_EQ(r.groups.size(), 1u);
  const DeviceGroup& g = r.groups[0];
  EXPECT_EQ(g.count, 200u);
  EXPECT_EQ(g.deviceId(0), "plant-7-dev-1");
  EXPECT_EQ(g.deviceId(199), "plant-7-dev-200");
  EXPECT_EQ(g.location.network, policy::ClientNetwork::kOnPremises);
  EXPECT_EQ(g.location.network_name, "plant-7");
  EXPECT_TRUE(g.location.uses_private_dns);
  EXPECT_EQ(policy::formatIpv4(g.addressOf(0)), "192.168.70.10");
  EXPECT_EQ(policy::formatIpv4(g.addressOf(240)), "192.168.70.250");
  EXPECT_EQ(policy::formatIpv4(g.addressOf(241)), "192.168.70.10");  // wraps
  EXPECT_EQ(policy::formatIpv4(g.locationOf(5).source_ip), "192.168.70.15");
  EXPECT_EQ(g.twin_json, R"({"tags":{"site":"plant-7"}})");
  EXPECT_EQ(g.tls, policy::TlsVersion::k1_2);
}

TEST(DeviceGroupsTest, PaddedIndexesVnetSubnetsAndDefaults) {
  Read r = read(R"([{"group": "a", "count": 3, "idPattern": "sim{index:6}",
                     "location": {"network": "plant-vnet/apps"}},
                    {"group": "solo", "idPattern": "the-one", "tlsVersion": "1.0",
                     "location": {"network": "internet", "ipRange": "203.0.113.7"}},
                    {"group": "plain"}])");
  ASSERT_FALSE(r.issues.hasErrors()) << r.issues.format("x", "");
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].deviceId(2), "sim000003");
  EXPECT_EQ(r.groups[0].location.network, policy::ClientNetwork::kVirtualNetwork);
  EXPECT_EQ(r.groups[0].location.subnet, "apps");
  EXPECT_EQ(policy::formatIpv4(r.groups[0].addressOf(0)), "10.10.2.0");
  EXPECT_EQ(r.groups[1].deviceId(0), "the-one");
  EXPECT_EQ(r.groups[1].tls, policy::TlsVersion::k1_0);
  EXPECT_EQ(policy::formatIpv4(r.groups[1].addressOf(3)), "203.0.113.7");
  EXPECT_EQ(r.groups[2].deviceId(0), "plain-1");
  EXPECT_EQ(r.groups[2].location.network, policy::ClientNetwork::kInternet);
}

TEST(DeviceGroupsTest, AssignDeviceIdOverwritesWhatTheStringHeld) {
  Read r = read(R"([{"group": "a", "count": 2000, "idPattern": "rack-{index:3}-east"},
                    {"group": "solo", "idPattern": "the-one"}])");
  ASSERT_FALSE(r.issues.hasErrors()) << r.issues.format("x", "");
  std::string id = "a much longer id left from the message before";
  r.groups[0].assignDeviceId(6, id);
  EXPECT_EQ(id, "rack-007-east");
  r.groups[0].assignDeviceId(1999, id);  // wider than the padding: all the digits
  EXPECT_EQ(id, "rack-2000-east");
  r.groups[1].assignDeviceId(0, id);
  EXPECT_EQ(id, "the-one");
  EXPECT_EQ(r.groups[0].deviceId(41), "rack-042-east");
}

TEST(DeviceGroupsTest, BadGroupsAreErrorsWithPaths) {
  struct Case {
    std::string_view devices;
    std::string_view path;
    std::string_view says;
  };
  for (const Case& c : {
           Case{R"([{"group": "g", "count": 2, "idPattern": "fixed"}])", "$.devices[0].idPattern",
                "needs {index}"},
           Case{R"([{"group": "g", "idPattern": "d{index:x}"}])", "$.devices[0].idPattern",
                "{index:N}"},
           Case{R"([{"group": "g", "idPattern": "d{index"}])", "$.devices[0].idPattern",
                "not closed"},
           Case{R"([{"group": "g", "idPattern": "bad id {index}"}])", "$.devices[0].idPattern",
                "device ids are"},
           Case{R"([{"group": "g"}, {"group": "G"}])", "$.devices[1].group", "defined twice"},
           Case{R"([{"group": "g", "count": 0}])", "$.devices[0].count", ""},
           Case{R"([{"group": "g", "tlsVersion": "1.4"}])", "$.devices[0].tlsVersion", "1.0"},
           Case{R"([{"group": "g", "location": {"network": "mars"}}])",
                "$.devices[0].location.network", "is not \"internet\""},
           Case{R"([{"group": "g", "location": {"network": "plant-vnet/nope"}}])",
                "$.devices[0].location.network", "no subnet"},
           Case{R"([{"group": "g", "location": {"network": "plant-7", "ipRange": "10.0.0.0/8"}}])",
                "$.devices[0].location.ipRange", "not inside"},
           Case{R"([{"group": "g", "location": {"ipRange": "10.0.0.300"}}])",
                "$.devices[0].location.ipRange", "over 255"},
           Case{R"([{"group": "g", "authMethod": "password"}])", "$.devices[0].authMethod", "sas"},
           Case{R"({"group": "g"})", "$.devices", "array"},
       }) {
    SCOPED_TRACE(c.devices);
    Read r = read(c.devices);
    ASSERT_TRUE(r.issues.hasErrors());
    const ConfigIssue& first = r.issues.items()[0];
    EXPECT_EQ(first.path, c.path) << first.message;
    EXPECT_NE(first.message.find(c.says), std::string::npos) << first.message;
  }
}

TEST(DeviceGroupsTest, UnknownKeysAreWarnings) {
  Read r = read(R"([{"group": "g", "colour": "red", "location": {"netwrok": "internet"}}])");
  EXPECT_FALSE(r.issues.hasErrors());
  ASSERT_EQ(r.issues.items().size(), 2u);
  EXPECT_EQ(r.issues.items()[0].path, "$.devices[0].location.netwrok");
  EXPECT_EQ(r.issues.items()[1].path, "$.devices[0].colour");
}

}  // namespace
}  // namespace routesim::scenario
