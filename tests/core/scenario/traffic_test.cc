#include "core/scenario/traffic.h"

#include <gtest/gtest.h>

namespace routesim::scenario {
namespace {

constexpr uint64_t kMin = 60ULL * 1000000000ULL;

struct Read {
  std::vector<TrafficSpec> traffic;
  ConfigIssues issues;
};

Read read(std::string_view text) {
  Read r;
  auto value = json::parse(text);
  EXPECT_TRUE(value.ok()) << text;
  r.traffic = readTraffic(*value, "$.traffic", {"plant-7-sensors", "office"}, r.issues);
  return r;
}

TEST(RateTest, ParsesCountsPerDuration) {
  EXPECT_DOUBLE_EQ(*parseRate("1/10s"), 0.1);
  EXPECT_DOUBLE_EQ(*parseRate("5/s"), 5);
  EXPECT_DOUBLE_EQ(*parseRate("30/1m"), 0.5);
  EXPECT_DOUBLE_EQ(*parseRate("2/h"), 2.0 / 3600);
  EXPECT_DOUBLE_EQ(*parseRate("1/500ms"), 2);
  EXPECT_DOUBLE_EQ(*parseRate("6/PT1M"), 0.1);
  EXPECT_DOUBLE_EQ(*parseRate("0/s"), 0);
  // A duration past what nanoseconds in 64 bits hold is "never": the rate is as good as zero.
  auto glacial = parseRate("1/" + std::string(120, '9') + "d");
  ASSERT_TRUE(glacial.ok());
  EXPECT_LT(*glacial, 1e-10);
  for (auto [text, offset] : {std::pair<std::string_view, uint32_t>{"10s", 0},
                              {"x/s", 0},
                              {"1/10", 2},
                              {"1/PT", 4},
                              {"1/0s", 2},
                              {"1/10y", 2}}) {
    auto r = parseRate(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().span().offset, offset) << text << ": " << r.error().message();
  }
}

TEST(TrafficTest, ReadsTheSeedsTelemetry) {
  Read r = read(R"([{"group": "plant-7-sensors", "kind": "telemetry", "ratePerDevice": "1/10s",
    "contentType": "application/json", "contentEncoding": "utf-8",
    "appProperties": {"level": {"values": ["normal", "warning", "critical"], "weights": [80, 10, 10]},
                      "site": "plant-7"},
    "template": "{\"temperature\": $.Temperature}",
    "variables": [{"name": "Temperature", "randomDouble": true, "min": 15, "max": 45}]}])");
  ASSERT_FALSE(r.issues.hasErrors()) << r.issues.format("x", "");
  EXPECT_TRUE(r.issues.items().empty());
  ASSERT_EQ(r.traffic.size(), 1u);
  const TrafficSpec& t = r.traffic[0];
  EXPECT_EQ(t.source, message::MessageSource::kDeviceMessages);
  EXPECT_DOUBLE_EQ(t.rate_per_device, 0.1);
  EXPECT_EQ(t.content_type, "application/json");
  ASSERT_EQ(t.app_properties.size(), 2u);
  EXPECT_EQ(t.app_properties[0].name, "level");
  EXPECT_EQ(t.app_properties[0].variable, 0);
  EXPECT_EQ(t.app_properties[1].fixed, "plant-7");
  EXPECT_EQ(t.property_variables.specs()[0].weights.size(), 3u);
  EXPECT_FALSE(t.payload.empty());
}

TEST(TrafficTest, BurstsAndDailyPatternShapeTheRate) {
  std::string pattern = "[";
  for (int h = 0; h < 24; ++h) pattern += (h ? "," : "") + std::to_string(h == 3 ? 0.5 : 1.0);
  pattern += "]";
  Read r = read(R"([{"group": "office", "kind": "twinChange", "ratePerDevice": "1/m",
    "start": "PT1M", "stop": "PT2H",
    "bursts": [{"at": "PT5M", "duration": "PT1M", "multiplier": 10},
               {"at": "PT5M30S", "duration": "PT1M", "multiplier": 2}],
    "dailyPattern": )" +
                pattern + "}]");
  ASSERT_FALSE(r.issues.hasErrors()) << r.issues.format("x", "");
  const TrafficSpec& t = r.traffic[0];
  EXPECT_EQ(t.source, message::MessageSource::kTwinChangeEvents);
  EXPECT_EQ(t.start_ns, kMin);
  EXPECT_EQ(t.stop_ns, 120 * kMin);
  EXPECT_DOUBLE_EQ(t.factorAt(4 * kMin, 0), 1);
  EXPECT_DOUBLE_EQ(t.factorAt(5 * kMin, 0), 10);
  EXPECT_DOUBLE_EQ(t.factorAt(5 * kMin + 45000000000ULL, 0), 20);  // both bursts
  EXPECT_DOUBLE_EQ(t.factorAt(7 * kMin, 0), 1);
  EXPECT_DOUBLE_EQ(t.factorAt(7 * kMin, 3 * 60 * kMin), 0.5);  // 03:07 UTC
}

TEST(TrafficTest, BadEntriesAreErrorsWithPaths) {
  struct Case {
    std::string_view text;
    std::string_view path;
    std::string_view says;
  };
  for (
      const Case& c : {
          Case{R"([{"group": "nobody", "ratePerDevice": "1/s"}])", "$.traffic[0].group",
               "no device group"},
          Case{R"([{"group": "office"}])", "$.traffic[0].ratePerDevice", ""},
          Case{R"([{"group": "office", "ratePerDevice": "fast"}])", "$.traffic[0].ratePerDevice",
               "count/duration"},
          Case{R"([{"group": "office", "ratePerDevice": "1/s", "kind": "email"}])",
               "$.traffic[0].kind", "telemetry"},
          Case{R"([{"group": "office", "ratePerDevice": "1/s", "start": "10 minutes"}])",
               "$.traffic[0].start", "ISO 8601"},
          Case{R"([{"group": "office", "ratePerDevice": "1/s", "start": "PT2M", "stop": "PT1M"}])",
               "$.traffic[0].stop", "after start"},
          Case{
              R"([{"group": "office", "ratePerDevice": "1/s", "bursts": [{"at": "PT1M", "duration": "PT1M"}]}])",
              "$.traffic[0].bursts[0].multiplier", ""},
          Case{R"([{"group": "office", "ratePerDevice": "1/s", "dailyPattern": [1, 2]}])",
               "$.traffic[0].dailyPattern", "24"},
          Case{R"([{"group": "office", "ratePerDevice": "1/s", "appProperties": {"a": 3}}])",
               "$.traffic[0].appProperties.a", "string value"},
          Case{
              R"([{"group": "office", "ratePerDevice": "1/s", "appProperties": {"a": {"values": []}}}])",
              "$.traffic[0].appProperties.a.values", "at least one"},
          Case{
              R"([{"group": "office", "ratePerDevice": "1/s", "template": "x", "variables": [{"name": "1 x"}]}])",
              "$.traffic[0].variables[0].name", "letters"},
      }) {
    SCOPED_TRACE(c.text);
    Read r = read(c.text);
    ASSERT_TRUE(r.issues.hasErrors());
    const ConfigIssue& first = r.issues.items()[0];
    EXPECT_EQ(first.path, c.path) << first.message;
    EXPECT_NE(first.message.find(c.says), std::string::npos) << first.message;
    EXPECT_TRUE(r.traffic.empty());
  }
}

TEST(TrafficTest, UnknownKeysAndEmptyTelemetryAreWarnings) {
  Read r = read(R"([{"group": "office", "ratePerDevice": "1/s", "colour": "red"}])");
  EXPECT_FALSE(r.issues.hasErrors());
  ASSERT_EQ(r.issues.items().size(), 2u);
  EXPECT_EQ(r.issues.items()[0].code, "EmptyPayload");
  EXPECT_EQ(r.issues.items()[1].path, "$.traffic[0].colour");
}

}  // namespace
}  // namespace routesim::scenario
