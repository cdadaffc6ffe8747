#include "core/scenario/expectations.h"

#include <gtest/gtest.h>

namespace routesim::scenario {
namespace {

constexpr uint64_t kMin = 60ULL * 1000000000ULL;
using Kind = Expectation::Kind;

struct Read {
  std::vector<Expectation> expect;
  ConfigIssues issues;
};

Read read(std::string_view text) {
  Read r;
  auto value = json::parse(text);
  EXPECT_TRUE(value.ok()) << text;
  r.expect = readExpectations(*value, "$.expect", 30 * kMin, r.issues);
  return r;
}

TEST(ExpectationsTest, ReadsTheSeedsExpectations) {
  Read r = read(R"([
    {"text": "no device is turned away at the hub", "metric": "d2c.telemetry.ingress.success",
     "equalsMetric": "d2c.telemetry.ingress.allProtocol"},
    {"text": "critical hot readings reach storage before the role is removed", "endpoint": "cold",
     "delivered": {"min": 1}, "during": ["PT0M", "PT10M"]},
    {"text": "the missing role is reported as Storage reports it",
     "denial": {"kind": "egress", "target": "contosocold", "code": "AuthorizationPermissionMismatch"},
     "seen": true},
    {"text": "the endpoint turns unhealthy while the role is missing", "endpoint": "cold",
     "health": "unhealthy", "at": "PT15M"},
    {"text": "nothing is lost", "metric": "d2c.telemetry.egress.dropped", "equals": 0},
    {"text": "every plant message reaches cold within ten minutes", "group": "plant-7-sensors",
     "deliveredTo": "cold", "within": "PT10M"},
    {"text": "the 2020 profile refuses the hub", "deployment": "fails", "code": "ProfileForbids"}])");
  ASSERT_FALSE(r.issues.hasErrors()) << r.issues.format("x", "");
  EXPECT_TRUE(r.issues.items().empty());
  ASSERT_EQ(r.expect.size(), 7u);
  EXPECT_EQ(r.expect[0].kind, Kind::kMetric);
  EXPECT_EQ(r.expect[0].equals_metric, "d2c.telemetry.ingress.allProtocol");
  EXPECT_EQ(r.expect[1].kind, Kind::kEndpointCount);
  EXPECT_EQ(r.expect[1].count, "delivered");
  EXPECT_EQ(r.expect[1].until_ns, 10 * kMin);
  EXPECT_TRUE(r.expect[1].comparison.holds(1));
  EXPECT_FALSE(r.expect[1].comparison.holds(0));
  EXPECT_EQ(r.expect[2].kind, Kind::kDenial);
  EXPECT_EQ(r.expect[2].code, "AuthorizationPermissionMismatch");
  EXPECT_TRUE(r.expect[2].seen);
  EXPECT_EQ(r.expect[3].kind, Kind::kHealth);
  EXPECT_EQ(r.expect[3].health, router::HealthStatus::kUnhealthy);
  EXPECT_EQ(r.expect[3].at_ns, 15 * kMin);
  EXPECT_EQ(r.expect[4].comparison.describe(), "= 0");
  EXPECT_EQ(r.expect[5].kind, Kind::kFate);
  EXPECT_EQ(r.expect[5].within_ns, 10 * kMin);
  EXPECT_EQ(r.expect[5].comparison.describe(), ">= 1");
  EXPECT_EQ(r.expect[6].kind, Kind::kDeployment);
  EXPECT_FALSE(r.expect[6].deployment_succeeds);
}

TEST(ExpectationsTest, ComparisonsDescribeThemselves) {
  Comparison c;
  c.min = 1;
  c.max = 5;
  EXPECT_EQ(c.describe(), "between 1 and 5");
  EXPECT_TRUE(c.holds(5));
  EXPECT_FALSE(c.holds(5.5));
  Comparison d;
  d.max = 0.25;
  EXPECT_EQ(d.describe(), "<= 0.25");
}

TEST(ExpectationsTest, BadExpectationsAreErrorsWithPaths) {
  struct Case {
    std::string_view text;
    std::string_view path;
    std::string_view says;
  };
  for (const Case& c : {
           Case{R"([{"metric": "x", "equals": 1}])", "$.expect[0].text", ""},
           Case{R"([{"text": "t"}])", "$.expect[0]", "exactly one subject"},
           Case{R"([{"text": "t", "metric": "m", "denial": {}}])", "$.expect[0]",
                "exactly one subject"},
           Case{R"([{"text": "t", "metric": "m"}])", "$.expect[0]", "needs equals"},
           Case{R"([{"text": "t", "metric": "m", "equals": "zero"}])", "$.expect[0].equals",
                "number or an object"},
           Case{R"([{"text": "t", "metric": "m", "equals": {"min": 5, "max": 1}}])",
                "$.expect[0].equals", "below min"},
           Case{R"([{"text": "t", "endpoint": "cold"}])", "$.expect[0]",
                "one of health, delivered"},
           Case{R"([{"text": "t", "endpoint": "cold", "health": "sad"}])", "$.expect[0].health",
                "healthy, unhealthy"},
           Case{R"([{"text": "t", "endpoint": "cold", "health": "dead", "at": "PT2H"}])",
                "$.expect[0].at", "after the scenario's duration"},
           Case{R"([{"text": "t", "endpoint": "cold", "delivered": 1, "during": ["PT5M"]}])",
                "$.expect[0].during", "[from, until]"},
           Case{R"([{"text": "t", "denial": {"kind": "sideways"}}])", "$.expect[0].denial.kind",
                "ingress"},
           Case{R"([{"text": "t", "group": "g"}])", "$.expect[0].deliveredTo", ""},
           Case{R"([{"text": "t", "deployment": "maybe"}])", "$.expect[0].deployment", "succeeds"},
       }) {
    SCOPED_TRACE(c.text);
    Read r = read(c.text);
    ASSERT_TRUE(r.issues.hasErrors());
    const ConfigIssue& first = r.issues.items()[0];
    EXPECT_EQ(first.path, c.path) << first.message;
    EXPECT_NE(first.message.find(c.says), std::string::npos) << first.message;
    EXPECT_TRUE(r.expect.empty());
  }
}

}  // namespace
}  // namespace routesim::scenario
