#include "core/scenario/payload.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace routesim::scenario {
namespace {

constexpr uint64_t kT0 = 1764378123456789012ULL;  // 2025-11-29T01:02:03.4567890Z

struct Read {
  PayloadMix mix;
  ConfigIssues issues;
};

Read read(std::string_view traffic) {
  Read r;
  auto value = json::parse(traffic);
  EXPECT_TRUE(value.ok()) << traffic;
  r.mix = PayloadMix::read(*value, "$.traffic[0]", r.issues);
  return r;
}

std::vector<std::string> generate(const PayloadMix& mix, int n, uint64_t seed = 7,
                                  std::string_view device = "dev-1") {
  Rng rng = Rng::stream(seed, Rng::key(device));
  VariableState state;
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string body;
    mix.generate(rng, state, MessageContext{device, kT0 + static_cast<uint64_t>(i) * 1000000000ULL},
                 body);
    out.push_back(body);
  }
  return out;
}

TEST(PayloadTest, CountersStartAtMinStepAndWrapPastMax) {
  Read r = read(R"({"template": "c=$.C d=$.D",
    "variables": [{"name": "C"}, {"name": "D", "min": 10, "max": 14, "step": 2}]})");
  ASSERT_FALSE(r.issues.hasErrors());
  EXPECT_EQ(generate(r.mix, 4),
            (std::vector<std::string>{"c=1 d=10", "c=2 d=12", "c=3 d=14", "c=4 d=10"}));
}

TEST(PayloadTest, BuiltinsFollowVirtualTimeAndTheDevice) {
  Read r = read(R"({"template": "$.DeviceId|$.Time|$.LocalTime|$.Epoch|$.Ticks|$.MachineName"})");
  ASSERT_FALSE(r.issues.hasErrors());
  EXPECT_EQ(generate(r.mix, 1)[0],
            "dev-1|2025-11-29T01:02:03.4567890Z|2025-11-29T01:02:03.4567890+00:00|1764378123|"
            "638999749234567890|routesim");
}

TEST(PayloadTest, GuidIsVersion4AndOncePerMessage) {
  Read r = read(R"({"template": "$.Guid $.Guid"})");
  std::vector<std::string> out = generate(r.mix, 2);
  ASSERT_EQ(out[0].size(), 73u);
  EXPECT_EQ(out[0].substr(0, 36), out[0].substr(37));  // the same GUID twice in one message
  EXPECT_NE(out[0], out[1]);
  EXPECT_EQ(out[0][14], '4');
  EXPECT_NE(std::string("89ab").find(out[0][19]), std::string::npos);
}

TEST(PayloadTest, LongestNameWinsAndUnknownPlaceholdersStay) {
  Read r = read(R"({"template": "$.Var1 $.Var12 $.Nope $.",
    "variables": [{"name": "Var1", "values": ["a"]}, {"name": "Var12", "values": ["b"]}]})");
  ASSERT_FALSE(r.issues.hasErrors());
  EXPECT_EQ(generate(r.mix, 1)[0], "a b $.Nope $.");
  ASSERT_EQ(r.issues.items().size(), 2u);  // warnings for the two unresolved
  EXPECT_EQ(r.issues.items()[0].severity, ConfigIssue::Severity::kWarning);
  EXPECT_EQ(r.issues.items()[0].code, "UnknownPlaceholder");
}

TEST(PayloadTest, RandomValuesStayInRangeAndAreDeterministic) {
  Read r = read(R"({"template": "$.I $.D $.S",
    "variables": [{"name": "I", "random": true, "min": 20, "max": 90},
                  {"name": "D", "randomDouble": true, "min": 15, "max": 45},
                  {"name": "S", "customLengthString": 6}]})");
  ASSERT_FALSE(r.issues.hasErrors());
  std::vector<std::string> a = generate(r.mix, 500);
  EXPECT_EQ(a, generate(r.mix, 500));              // same seed, same stream
  EXPECT_NE(a, generate(r.mix, 500, 8));           // another seed
  EXPECT_NE(a, generate(r.mix, 500, 7, "dev-2"));  // another device
  std::set<int> ints;
  for (const std::string& s : a) {
    int i = std::stoi(s.substr(0, s.find(' ')));
    ints.insert(i);
    EXPECT_GE(i, 20);
    EXPECT_LT(i, 90);
    double d = std::stod(s.substr(s.find(' ') + 1));
    EXPECT_GE(d, 15);
    EXPECT_LT(d, 45);
    EXPECT_EQ(s.size() - s.rfind(' ') - 1, 6u);
  }
  EXPECT_GT(ints.size(), 60u);  // the range is covered
}

TEST(PayloadTest, WeightedValuesSequencesAndReferences) {
  Read r = read(R"({"template": "$.Level $.Seq",
    "variables": [{"name": "Counter"},
                  {"name": "Level", "values": ["normal", "warning", "critical"], "weights": [80, 10, 10]},
                  {"name": "Seq", "sequence": true, "values": ["$.Counter", "x", "$.DeviceId"]}]})");
  ASSERT_FALSE(r.issues.hasErrors());
  std::vector<std::string> out = generate(r.mix, 3000);
  EXPECT_EQ(out[0].substr(out[0].find(' ') + 1), "1");
  EXPECT_EQ(out[1].substr(out[1].find(' ') + 1), "x");
  EXPECT_EQ(out[2].substr(out[2].find(' ') + 1), "dev-1");
  EXPECT_EQ(out[3].substr(out[3].find(' ') + 1), "4");
  std::map<std::string, int> levels;
  for (const std::string& s : out) ++levels[s.substr(0, s.find(' '))];
  EXPECT_NEAR(levels["normal"], 2400, 120);
  EXPECT_NEAR(levels["warning"], 300, 60);
  EXPECT_NEAR(levels["critical"], 300, 60);
}

TEST(PayloadTest, MixChoosesByPercentage) {
  Read r = read(R"({"payloads": [{"percent": 25, "template": "t"}, {"percent": 65, "fix": "f"},
                                 {"percent": 10, "fixSize": 3}]})");
  ASSERT_FALSE(r.issues.hasErrors());
  std::map<std::string, int> seen;
  for (const std::string& s : generate(r.mix, 4000)) ++seen[s];
  EXPECT_NEAR(seen["t"], 1000, 100);
  EXPECT_NEAR(seen["f"], 2600, 120);
  EXPECT_NEAR(seen[std::string(3, '\0')], 400, 70);
}

TEST(PayloadTest, BadSpecificationsAreErrorsWithPaths) {
  struct Case {
    std::string_view traffic;
    std::string_view path;
    std::string_view says;
  };
  for (
      const Case& c : {
          Case{R"({"template": "x", "variables": [{"name": "a-b"}]})",
               "$.traffic[0].variables[0].name", "letters, digits"},
          Case{R"({"template": "x", "variables": [{"name": "A"}, {"name": "A"}]})",
               "$.traffic[0].variables[1].name", "twice"},
          Case{R"({"template": "x", "variables": [{"name": "Time"}]})",
               "$.traffic[0].variables[0].name", "built-in"},
          Case{R"({"template": "x", "variables": [{"name": "A", "min": 5, "max": 1}]})",
               "$.traffic[0].variables[0].max", "below min"},
          Case{
              R"({"template": "x", "variables": [{"name": "A", "random": true, "values": ["a"]}]})",
              "$.traffic[0].variables[0]", "one of"},
          Case{
              R"({"template": "x", "variables": [{"name": "A", "values": ["a", "b"], "weights": [1]}]})",
              "$.traffic[0].variables[0].weights", "one non-negative"},
          Case{R"({"template": "x", "variables": [{"name": "A", "sequence": true}]})",
               "$.traffic[0].variables[0]", "sequence needs values"},
          Case{R"({"template": "x", "variables": [{"name": "A", "step": 0}]})",
               "$.traffic[0].variables[0].step", "not be 0"},
          Case{R"({"template": "x", "variables": [{"name": "A", "random": true, "max": 1e300}]})",
               "$.traffic[0].variables[0].max", "2^53"},
          Case{R"({"template": "x", "variables": [{"name": "A", "random": true, "min": -1e19}]})",
               "$.traffic[0].variables[0].min", "2^53"},
          Case{R"({"template": "x", "variables": [{}]})", "$.traffic[0].variables[0].name", ""},
          Case{R"({"template": 3})", "$.traffic[0].template", "expected a string"},
          Case{R"({"template": "x", "payloads": []})", "$.traffic[0].payloads", "not both"},
          Case{R"({"payloads": [{"percent": 50, "fix": "a"}]})", "$.traffic[0].payloads",
               "add up to 50"},
          Case{R"({"payloads": [{"percent": 100, "fix": "a", "fixSize": 2}]})",
               "$.traffic[0].payloads[0]", "exactly one"},
          Case{R"({"payloads": [{"percent": 0, "fix": "a"}, {"percent": 100, "fix": "b"}]})",
               "$.traffic[0].payloads[0].percent", "(0, 100]"},
      }) {
    SCOPED_TRACE(c.traffic);
    Read r = read(c.traffic);
    ASSERT_TRUE(r.issues.hasErrors());
    const ConfigIssue& first = r.issues.items()[0];
    EXPECT_EQ(first.path, c.path) << first.message;
    EXPECT_NE(first.message.find(c.says), std::string::npos) << first.message;
  }
}

TEST(RngTest, RangesAreUniformAndStreamsIndependent) {
  Rng a = Rng::stream(1, 1);
  Rng b = Rng::stream(1, 2);
  EXPECT_NE(a.next(), b.next());
  Rng c(42);
  std::map<int64_t, int> counts;
  for (int i = 0; i < 60000; ++i) ++counts[c.range(-3, 3)];
  ASSERT_EQ(counts.size(), 6u);
  EXPECT_EQ(counts.begin()->first, -3);
  for (auto [v, n] : counts) EXPECT_NEAR(n, 10000, 400) << v;
  // Fixed outputs: the stream is part of the scenario format's determinism.
  Rng d(0);
  EXPECT_EQ(d.next(), 0xE220A8397B1DCDAFULL);
}

}  // namespace
}  // namespace routesim::scenario
