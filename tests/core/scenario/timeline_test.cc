#include "core/scenario/timeline.h"

#include <gtest/gtest.h>

namespace routesim::scenario {
namespace {

constexpr uint64_t kMin = 60ULL * 1000000000ULL;
using Action = TimelineEvent::Action;

struct Read {
  std::vector<TimelineEvent> events;
  ConfigIssues issues;
};

Read read(std::string_view text, uint64_t duration = 30 * kMin) {
  Read r;
  auto value = json::parse(text);
  EXPECT_TRUE(value.ok()) << text;
  r.events = readTimeline(*value, "$.timeline", duration, r.issues);
  return r;
}

json::Value parse(std::string_view text) { return std::move(json::parse(text)).value(); }

TEST(TimelineTest, ReadsEveryActionInTimeOrder) {
  Read r = read(R"([
    {"at": "PT20M", "action": "add", "resource": {"type": "Microsoft.Authorization/roleAssignments",
      "name": "again", "properties": {"principalId": "contoso-hub"}}},
    {"at": "PT10M", "action": "remove", "resource": "hub-writes-cold"},
    {"at": "PT5M", "action": "patch", "resource": "contosocold",
     "patch": {"properties": {"networkAcls": {"defaultAction": "Allow"}}}},
    {"at": "PT5M", "action": "set", "resource": "contoso-hub", "path": "properties.publicNetworkAccess",
     "value": "Enabled"},
    {"at": "PT1M", "action": "fault", "endpoint": "cold", "error": "unreachable", "duration": "PT10M"},
    {"at": "PT12M", "action": "clearFaults", "endpoint": "cold"},
    {"at": "PT15M", "action": "addDevices", "group": {"group": "late", "count": 3}},
    {"at": "PT25M", "action": "removeDevices", "group": "late"}])");
  ASSERT_FALSE(r.issues.hasErrors()) << r.issues.format("x", "");
  ASSERT_EQ(r.events.size(), 8u);
  std::vector<Action> order;
  for (const TimelineEvent& e : r.events) order.push_back(e.action);
  EXPECT_EQ(order, (std::vector<Action>{Action::kFault, Action::kPatch, Action::kSet,
                                        Action::kRemove, Action::kClearFaults, Action::kAddDevices,
                                        Action::kAdd, Action::kRemoveDevices}));
  EXPECT_EQ(r.events[0].endpoint, "cold");
  EXPECT_EQ(r.events[1].json, R"({"properties":{"networkAcls":{"defaultAction":"Allow"}}})");
  EXPECT_EQ(r.events[1].path, "$.timeline[2]");  // same time: file order kept
  EXPECT_EQ(r.events[2].property, "properties.publicNetworkAccess");
  EXPECT_EQ(r.events[2].json, "\"Enabled\"");
  EXPECT_EQ(r.events[3].resource, "hub-writes-cold");
  EXPECT_EQ(r.events[5].group, "late");
  EXPECT_EQ(r.events[6].resource, "again");
  EXPECT_EQ(r.events[6].at_ns, 20 * kMin);
  EXPECT_EQ(timelineActionName(Action::kClearFaults), "clearFaults");
}

TEST(TimelineTest, BadEventsAreErrorsWithPaths) {
  struct Case {
    std::string_view text;
    std::string_view path;
    std::string_view says;
  };
  for (const Case& c : {
           Case{R"([{"action": "remove", "resource": "x"}])", "$.timeline[0].at", ""},
           Case{R"([{"at": "soon", "action": "remove", "resource": "x"}])", "$.timeline[0].at",
                "ISO 8601"},
           Case{R"([{"at": "PT2H", "action": "remove", "resource": "x"}])", "$.timeline[0].at",
                "after the scenario's duration PT30M"},
           Case{R"([{"at": "PT1M", "action": "explode"}])", "$.timeline[0].action",
                "expected one of add, remove"},
           Case{R"([{"at": "PT1M", "action": "add", "resource": {"name": "x"}}])",
                "$.timeline[0].resource", "\"type\" and \"name\""},
           Case{R"([{"at": "PT1M", "action": "patch", "resource": "x"}])", "$.timeline[0].patch",
                ""},
           Case{R"([{"at": "PT1M", "action": "set", "resource": "x", "path": "a..b", "value": 1}])",
                "$.timeline[0].path", "dotted"},
           Case{R"([{"at": "PT1M", "action": "fault", "endpoint": "cold"}])", "$.timeline[0]",
                "at least one of"},
           Case{R"({"at": "PT1M"})", "$.timeline", "array"},
       }) {
    SCOPED_TRACE(c.text);
    Read r = read(c.text);
    ASSERT_TRUE(r.issues.hasErrors());
    const ConfigIssue& first = r.issues.items()[0];
    EXPECT_EQ(first.path, c.path) << first.message;
    EXPECT_NE(first.message.find(c.says), std::string::npos) << first.message;
    EXPECT_TRUE(r.events.empty());
  }
}

TEST(MergePatchTest, FollowsRfc7386) {
  json::Value target = parse(R"({"a":"b","c":{"d":"e","f":"g"},"keep":[1,2]})");
  EXPECT_EQ(mergePatch(target, parse(R"({"a":"z","c":{"f":null},"new":{"x":1}})")),
            R"({"a":"z","c":{"d":"e"},"keep":[1,2],"new":{"x":1}})");
  EXPECT_EQ(mergePatch(target, parse(R"({"keep":null})")), R"({"a":"b","c":{"d":"e","f":"g"}})");
  EXPECT_EQ(mergePatch(target, parse(R"(["replaced"])")), R"(["replaced"])");
  EXPECT_EQ(mergePatch(parse(R"({"a":[1]})"), parse(R"({"a":{"b":null,"c":1}})")),
            R"({"a":{"c":1}})");
}

TEST(SetPropertyTest, SetsNestedPropertiesCreatingObjects) {
  json::Value hub = parse(R"({"name":"h","properties":{"publicNetworkAccess":"Disabled","x":1}})");
  EXPECT_EQ(setProperty(hub, "properties.publicNetworkAccess", parse("\"Enabled\"")),
            R"({"name":"h","properties":{"publicNetworkAccess":"Enabled","x":1}})");
  EXPECT_EQ(
      setProperty(hub, "properties.networkRuleSets.defaultAction", parse("\"Deny\"")),
      R"({"name":"h","properties":{"publicNetworkAccess":"Disabled","x":1,"networkRuleSets":{"defaultAction":"Deny"}}})");
  EXPECT_EQ(setProperty(hub, "properties.x", parse("null")),
            R"({"name":"h","properties":{"publicNetworkAccess":"Disabled","x":null}})");
  EXPECT_EQ(setProperty(hub, "name.inner", parse("1")), std::nullopt);  // "name" is a string
}

}  // namespace
}  // namespace routesim::scenario
