#include "core/scenario/scenario.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace routesim::scenario {
namespace {

constexpr uint64_t kMin = 60ULL * 1000000000ULL;

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string seedScenario() {
  return readFile(std::string(ROUTESIM_SCENARIOS_DIR) + "/storage-behind-firewall.scenario.json");
}

// Replaces the first occurrence of `from` in `text`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(ScenarioTest, ReadsTheSeedScenario) {
  LoadedScenario loaded = readScenario(seedScenario());
  ASSERT_TRUE(loaded.fileOk()) << loaded.file_issues.format("seed", seedScenario());
  EXPECT_TRUE(loaded.file_issues.items().empty())
      << loaded.file_issues.format("seed", seedScenario());
  const Scenario& s = loaded.scenario;
  // Under the 2020-03 profile the hub in eastus deploys.
  EXPECT_TRUE(loaded.deployment_errors.empty());
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.profile, policy::Profile::k2020_03);
  EXPECT_EQ(s.duration_ns, 30 * kMin);
  EXPECT_EQ(s.hub_name, "contoso-hub");
  EXPECT_EQ(s.resources.size(), 6u);
  ASSERT_EQ(s.routing.routes.size(), 1u);
  EXPECT_EQ(s.routing.routes[0].endpoint, "cold");
  ASSERT_EQ(s.policy.hubs.size(), 1u);
  EXPECT_FALSE(s.policy.hubs[0].ingress.public_network_access);
  ASSERT_EQ(s.devices.size(), 1u);
  EXPECT_EQ(s.devices[0].count, 200u);
  ASSERT_EQ(s.traffic.size(), 1u);
  EXPECT_DOUBLE_EQ(s.traffic[0].rate_per_device, 0.1);
  ASSERT_EQ(s.timeline.size(), 2u);
  EXPECT_EQ(s.timeline[0].action, TimelineEvent::Action::kRemove);
  EXPECT_EQ(s.expect.size(), 6u);
}

TEST(ScenarioTest, AzureRefusalsAreDeploymentFailuresNotFileErrors) {
  // The same hub in West Europe under 2020-03: the profile forbids its isolation settings.
  std::string text =
      replaced(seedScenario(), "\"name\": \"contoso-hub\",\n      \"location\": \"eastus\"",
               "\"name\": \"contoso-hub\",\n      \"location\": \"westeurope\"");
  LoadedScenario loaded = readScenario(text);
  EXPECT_TRUE(loaded.fileOk()) << loaded.file_issues.format("seed", text);
  ASSERT_FALSE(loaded.deployment_errors.empty());
  EXPECT_EQ(loaded.deployment_errors[0].code, "ProfileForbids");
  EXPECT_EQ(loaded.deployment_errors[0].path.substr(0, 15), "$.resources[2].");

  // A condition that does not compile is refused at deployment too.
  std::string bad_condition =
      replaced(seedScenario(), "level = 'critical' AND", "level = = 'critical' AND");
  LoadedScenario refused = readScenario(bad_condition);
  EXPECT_TRUE(refused.fileOk());
  ASSERT_EQ(refused.deployment_errors.size(), 1u);
  EXPECT_EQ(refused.deployment_errors[0].path,
            "$.resources[2].properties.routing.routes[0].condition");
}

TEST(ScenarioTest, SchemaErrorsAreFileErrorsWithPaths) {
  struct Case {
    std::string from;
    std::string to;
    std::string_view path;
  };
  for (const Case& c : {
           Case{R"("duration": "PT30M")", R"("duration": 30)", "$.duration"},
           Case{R"("duration": "PT30M")", R"("duration": "half an hour")", "$.duration"},
           Case{R"("profile": "2020-03")", R"("profile": "2019")", "$.profile"},
           Case{R"("count": 200)", R"("count": "many")", "$.devices[0].count"},
           Case{R"("ratePerDevice": "1/10s")", R"("ratePerDevice": "often")",
                "$.traffic[0].ratePerDevice"},
           Case{R"("at": "PT10M")", R"("at": "PT2H")", "$.timeline[0].at"},
           Case{R"("type": "Microsoft.Devices/IotHubs")", R"("type": "Microsoft.Devices/Other")",
                "$.resources"},
           Case{R"("sku": {"name": "S1", "capacity": 1})", R"("sku": "S1")", "$.resources[2].sku"},
       }) {
    SCOPED_TRACE(c.to);
    LoadedScenario loaded = readScenario(replaced(seedScenario(), c.from, c.to));
    ASSERT_FALSE(loaded.fileOk());
    bool found = false;
    for (const ConfigIssue& i : loaded.file_issues.items()) found = found || i.path == c.path;
    EXPECT_TRUE(found) << loaded.file_issues.format("x", "");
  }
  LoadedScenario not_json = readScenario("{\"name\": ");
  ASSERT_FALSE(not_json.fileOk());
  EXPECT_EQ(not_json.file_issues.items()[0].code, "InvalidJson");
}

// Keys match ignoring letter case, as ARM matches them; errors about such keys still point at
// their values (scenario_fuzz found a null dereference here).
TEST(ScenarioTest, KeysInOtherLetterCaseAreReadAndLocated) {
  std::string text = seedScenario();
  size_t traffic = text.find("\"traffic\"");
  size_t at = text.find("\"group\": \"plant-7-sensors\"", traffic);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 26, "\"GROUP\": \"nobody\"");
  text = replaced(text, R"("tlsVersion": "1.2")", R"("TLSVersion": "9")");
  LoadedScenario loaded = readScenario(text);
  ASSERT_FALSE(loaded.fileOk());
  bool group = false;
  bool tls = false;
  for (const ConfigIssue& i : loaded.file_issues.items()) {
    if (i.path == "$.traffic[0].group") {
      group = true;
      EXPECT_EQ(text.substr(i.offset, 8), "\"nobody\"");
    }
    if (i.path == "$.devices[0].tlsVersion") {
      tls = true;
      EXPECT_EQ(text.substr(i.offset, 3), "\"9\"");
    }
  }
  EXPECT_TRUE(group && tls) << loaded.file_issues.format("x", text);
}

TEST(ScenarioTest, UnknownTopLevelKeysAreWarnings) {
  std::string text = replaced(seedScenario(), R"("seed": 42)", R"("seed": 42, "sead": 1)");
  LoadedScenario loaded = readScenario(text);
  EXPECT_TRUE(loaded.fileOk());
  ASSERT_FALSE(loaded.file_issues.items().empty());
  EXPECT_EQ(loaded.file_issues.items().back().path, "$.sead");
  EXPECT_EQ(loaded.file_issues.items().back().severity, ConfigIssue::Severity::kWarning);
}

}  // namespace
}  // namespace routesim::scenario
