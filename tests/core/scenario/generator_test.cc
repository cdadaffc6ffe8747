#include "core/scenario/generator.h"

#include <gtest/gtest.h>

#include <map>

namespace routesim::scenario {
namespace {

constexpr uint64_t kS = 1000000000ULL;
constexpr uint64_t kMin = 60 * kS;

// A minimal valid scenario around `devices` and `traffic` (JSON arrays).
Scenario make(std::string_view devices, std::string_view traffic,
              std::string_view duration = "PT10M") {
  std::string text = R"({"name": "t", "seed": 3, "duration": ")" + std::string(duration) + R"(",
    "resources": [{"type": "Microsoft.Devices/IotHubs", "name": "hub", "location": "eastus",
                   "sku": {"name": "S1", "capacity": 1}, "properties": {}}],
    "devices": )" + std::string(devices) +
                     R"(, "traffic": )" + std::string(traffic) + "}";
  LoadedScenario loaded = readScenario(text);
  EXPECT_TRUE(loaded.fileOk()) << loaded.file_issues.format("t", text);
  EXPECT_TRUE(loaded.deployment_errors.empty());
  return std::move(loaded.scenario);
}

std::vector<GeneratedMessage> all(const Scenario& s) {
  TrafficGenerator g(s);
  std::vector<GeneratedMessage> out;
  GeneratedMessage m;
  while (g.next(m)) out.push_back(std::move(m));
  return out;
}

TEST(TrafficGeneratorTest, RatesTimesAndOrder) {
  Scenario s = make(R"([{"group": "g", "count": 10}])",
                    R"([{"group": "g", "ratePerDevice": "1/10s", "template": "{\"n\": $.N}",
                         "variables": [{"name": "N"}]}])");
  std::vector<GeneratedMessage> out = all(s);
  EXPECT_EQ(out.size(), 600u);  // 10 devices x 60 messages in ten minutes
  std::map<std::string, int> per_device;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(out[i - 1].at_ns, out[i].at_ns);
    }
    ++per_device[out[i].message.device_id];
  }
  EXPECT_EQ(per_device.size(), 10u);
  for (auto& [id, n] : per_device) EXPECT_EQ(n, 60) << id;
  // Devices are spread over the interval: device 5 of 10 starts at 5 s.
  EXPECT_EQ(out[0].message.device_id, "g-1");
  EXPECT_EQ(out[0].at_ns, 0u);
  EXPECT_EQ(out[5].message.device_id, "g-6");
  EXPECT_EQ(out[5].at_ns, 5 * kS);
  EXPECT_EQ(std::string(out[0].message.body.view()), "{\"n\": 1}");
  EXPECT_EQ(std::string(out[10].message.body.view()), "{\"n\": 2}");  // g-1's second message
}

// Groups the timeline adds send from their event on; removed ones stop at theirs. Traffic may
// name a group that only the timeline adds.
TEST(TrafficGeneratorTest, TimelineAddsAndRemovesDeviceGroups) {
  std::string text = R"({"name": "t", "duration": "PT10M",
    "resources": [{"type": "Microsoft.Devices/IotHubs", "name": "hub", "location": "eastus",
                   "sku": {"name": "S1", "capacity": 1}, "properties": {}}],
    "devices": [{"group": "early", "count": 2}],
    "traffic": [{"group": "early", "ratePerDevice": "1/min"},
                {"group": "late", "ratePerDevice": "1/min"}],
    "timeline": [{"at": "PT4M", "action": "addDevices", "group": {"group": "late", "count": 3}},
                 {"at": "PT5M", "action": "removeDevices", "group": "early"}]})";
  LoadedScenario loaded = readScenario(text);
  ASSERT_TRUE(loaded.fileOk()) << loaded.file_issues.format("t", text);
  ASSERT_EQ(loaded.scenario.devices.size(), 2u);
  EXPECT_EQ(loaded.scenario.devices[0].active_until_ns, 5 * kMin);
  EXPECT_EQ(loaded.scenario.devices[1].active_from_ns, 4 * kMin);
  std::map<std::string, int> per_group;
  for (const GeneratedMessage& m : all(loaded.scenario)) {
    const DeviceGroup& g = loaded.scenario.devices[m.group];
    EXPECT_GE(m.at_ns, g.active_from_ns) << g.name;
    EXPECT_LT(m.at_ns, g.active_until_ns) << g.name;
    ++per_group[g.name];
  }
  EXPECT_EQ(per_group["early"], 2 * 5);  // minutes 0-4
  EXPECT_EQ(per_group["late"], 3 * 6);   // minutes 4-9
}

// A hub deployed without routing settings gets the default fallback route to `events`.
TEST(TrafficGeneratorTest, HubWithoutRoutingHasTheDefaultFallbackRoute) {
  Scenario s = make(R"([{"group": "g"}])", "[]");
  ASSERT_TRUE(s.routing.fallback.has_value());
  EXPECT_EQ(s.routing.fallback->endpoint, "events");
  EXPECT_EQ(s.routing.fallback->condition, "true");
  EXPECT_TRUE(s.routing.fallback->enabled);
  EXPECT_TRUE(s.routing.routes.empty());
}

TEST(TrafficGeneratorTest, TimelineGroupErrors) {
  std::string text = R"({"name": "t", "duration": "PT10M",
    "resources": [{"type": "Microsoft.Devices/IotHubs", "name": "hub", "location": "eastus",
                   "sku": {"name": "S1", "capacity": 1}, "properties": {}}],
    "devices": [{"group": "g", "count": 2}],
    "timeline": [{"at": "PT1M", "action": "addDevices", "group": {"group": "g", "count": 3}},
                 {"at": "PT2M", "action": "removeDevices", "group": "nope"}]})";
  LoadedScenario loaded = readScenario(text);
  std::string errors = loaded.file_issues.format("t", text);
  EXPECT_NE(errors.find("$.timeline[0].group.group: device group 'g' already exists"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("$.timeline[1].group: no device group 'nope' exists at this time"),
            std::string::npos)
      << errors;
}

TEST(TrafficGeneratorTest, RatesAtTheEdgesOfTimeSendNothingOrEverything) {
  // One message per ~10^114 days: the first device's first message is due at the start, every
  // other device's share of the interval lies past the end of time.
  Scenario slow = make(R"([{"group": "g", "count": 50}])",
                       R"([{"group": "g", "ratePerDevice": "1/)" + std::string(120, '9') +
                           R"(d", "template": "{}"}])");
  std::vector<GeneratedMessage> few = all(slow);
  ASSERT_EQ(few.size(), 1u);
  EXPECT_EQ(few[0].at_ns, 0u);
  // A burst that multiplies the rate far past one message per nanosecond still moves forward.
  Scenario fast = make(R"([{"group": "g"}])",
                       R"([{"group": "g", "ratePerDevice": "1/s", "template": "{}",
                            "bursts": [{"at": "PT0S", "duration": "PT0.000001S",
                                        "multiplier": 1e300}]}])",
                       "PT0.000002S");
  // One per nanosecond through the burst's microsecond (the step is at least 1 ns), and the one
  // the last of them scheduled at its end; the next at 1 s lies past the duration.
  EXPECT_EQ(all(fast).size(), 1001u);
}

TEST(TrafficGeneratorTest, SameSeedSameMessages) {
  Scenario s = make(R"([{"group": "g", "count": 3}])",
                    R"([{"group": "g", "ratePerDevice": "1/s", "template": "$.Guid $.V",
                         "variables": [{"name": "V", "random": true, "min": 0, "max": 1000}],
                         "appProperties": {"level": {"values": ["a", "b"]}}}])",
                    "PT1M");
  std::vector<GeneratedMessage> a = all(s);
  std::vector<GeneratedMessage> b = all(s);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].at_ns, b[i].at_ns);
    EXPECT_EQ(a[i].message.body.view(), b[i].message.body.view());
    EXPECT_EQ(a[i].message.app_properties.find("level")->value,
              b[i].message.app_properties.find("level")->value);
  }
  EXPECT_NE(a[0].message.body.view(), a[1].message.body.view());
}

TEST(TrafficGeneratorTest, BurstsDailyPatternAndWindows) {
  std::string pattern = "[";
  for (int h = 0; h < 24; ++h) pattern += std::string(h ? "," : "") + (h == 0 ? "0" : "1");
  pattern += "]";
  // Starts at 00:00 UTC (2026-01-01): hour 0 is silent, then 1/min with a 10x burst at 1h30.
  Scenario s = make(R"([{"group": "g"}])",
                    R"([{"group": "g", "ratePerDevice": "1/m", "dailyPattern": )" + pattern +
                        R"(, "bursts": [{"at": "PT1H30M", "duration": "PT1M", "multiplier": 10}],
                         "template": "x"}])",
                    "PT2H");
  std::vector<GeneratedMessage> out = all(s);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].at_ns, 60 * kMin);  // nothing in hour 0
  int in_burst = 0;
  for (const GeneratedMessage& m : out) in_burst += (m.at_ns >= 90 * kMin && m.at_ns < 91 * kMin);
  EXPECT_EQ(in_burst, 10);
  EXPECT_NEAR(static_cast<double>(out.size()), 60 + 9, 2);

  Scenario windowed =
      make(R"([{"group": "g"}])",
           R"([{"group": "g", "ratePerDevice": "1/m", "start": "PT2M", "stop": "PT5M",
                                "template": "x"}])");
  std::vector<GeneratedMessage> w = all(windowed);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].at_ns, 2 * kMin);
  EXPECT_EQ(w[2].at_ns, 4 * kMin);
}

TEST(TrafficGeneratorTest, MessagesCarryPropertiesEncodingAndTwin) {
  Scenario s = make(R"([{"group": "g", "twin": {"tags": {"site": "p7"}}}])",
                    R"([{"group": "g", "ratePerDevice": "1/m", "contentType": "application/json",
                         "contentEncoding": "utf-16", "appProperties": {"site": "p7"},
                         "template": "{\"a\":1}"}])",
                    "PT1M");
  std::vector<GeneratedMessage> out = all(s);
  ASSERT_EQ(out.size(), 1u);
  const message::Message& m = out[0].message;
  EXPECT_EQ(m.source, message::MessageSource::kDeviceMessages);
  EXPECT_EQ(m.system_properties.find("contentEncoding")->value, "utf-16");
  EXPECT_EQ(m.body.size(), 14u);  // 7 characters in UTF-16
  EXPECT_EQ(m.app_properties.find("site")->value, "p7");
  ASSERT_TRUE(m.twin.has_value());
  EXPECT_EQ(m.twin->view(), R"({"tags":{"site":"p7"}})");
}

TEST(TrafficGeneratorTest, EventsOfOtherSourcesLookLikeIotHubs) {
  Scenario s = make(R"([{"group": "g", "twin": {"tags": {"site": "p7"}}}])",
                    R"([{"group": "g", "kind": "twinChange", "ratePerDevice": "1/m"},
                        {"group": "g", "kind": "connectionState", "ratePerDevice": "1/m"}])",
                    "PT1M");
  std::vector<GeneratedMessage> out = all(s);
  ASSERT_EQ(out.size(), 2u);
  const message::Message& twin = out[0].message;
  EXPECT_EQ(twin.source, message::MessageSource::kTwinChangeEvents);
  EXPECT_EQ(twin.app_properties.find("opType")->value, "updateTwin");
  EXPECT_EQ(twin.app_properties.find("iothub-message-schema")->value, "twinChangeNotification");
  EXPECT_EQ(twin.app_properties.find("hubName")->value, "hub");
  EXPECT_EQ(twin.system_properties.find("contentType")->value, "application/json");
  EXPECT_EQ(twin.body.view(), R"({"deviceId":"g-1","version":2,"tags":{"site":"p7"}})");
  const message::Message& conn = out[1].message;
  EXPECT_EQ(conn.source, message::MessageSource::kDeviceConnectionStateEvents);
  EXPECT_EQ(
      conn.body.view(),
      R"({"sequenceNumber":"0000000000000000000000000000000000000000000000000000000000000001"})");
}

}  // namespace
}  // namespace routesim::scenario
