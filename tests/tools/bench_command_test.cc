// runBench in-process, on files written to a temporary folder: exact counts with --passes,
// the JSON summary line of DESIGN.md ("Interfaces", routesim bench), and bad input (exit 2,
// naming the file, the line/column or the JSON path).
#include "tools/routesim/bench_command.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/file_io.h"
#include "core/common/json.h"

namespace routesim::cli {
namespace {

struct BenchRun {
  int exit_code;
  std::string out;
  std::string err;
};

BenchRun bench(const BenchOptions& options) {
  std::ostringstream out;
  std::ostringstream err;
  int code = runBench(options, out, err);
  return {code, out.str(), err.str()};
}

// The last line of `text` (without its newline).
std::string lastLine(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t.back() == '\n') t.pop_back();
  size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

std::vector<std::string> keysOf(const json::Value& v) {
  std::vector<std::string> keys;
  for (const json::Member& m : v.members()) keys.push_back(m.key);
  return keys;
}

double numberAt(const json::Value& v, std::string_view key) {
  const json::Value* x = v.find(key);
  EXPECT_NE(x, nullptr) << key;
  if (x == nullptr) return -1;
  EXPECT_TRUE(x->is(json::Type::kNumber)) << key;
  return x->number();
}

// A routing object: "hot" and "archive" are matched by routes, "idle" never; the fallback goes
// to the built-in endpoint; archive gets a 1,000-byte enrichment.
constexpr std::string_view kRoutes = R"({
  "endpoints": {
    "eventHubs": [{"name": "hot"}],
    "storageContainers": [{"name": "archive", "containerName": "c"}],
    "serviceBusQueues": [{"name": "idle"}]
  },
  "routes": [
    {"name": "r-hot", "source": "DeviceMessages", "condition": "level = 'hot'",
     "endpointNames": ["hot"], "isEnabled": true},
    {"name": "r-hot-again", "source": "DeviceMessages", "condition": "alert = 'yes'",
     "endpointNames": ["hot"], "isEnabled": true},
    {"name": "r-archive", "source": "DeviceMessages", "condition": "archive = 'yes'",
     "endpointNames": ["archive"], "isEnabled": true},
    {"name": "r-idle", "source": "DeviceMessages", "condition": "level = 'never'",
     "endpointNames": ["idle"], "isEnabled": true}
  ],
  "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                    "endpointNames": ["events"], "isEnabled": true},
  "enrichments": [{"key": "note", "value": "@NOTE@", "endpointNames": ["archive"]}]
})";

std::string routesText() {
  std::string text(kRoutes);
  text.replace(text.find("@NOTE@"), 6, std::string(1000, 'n'));
  return text;
}

// Per pass: hot 3 (one matched by two routes, delivered once), archive 2, idle 0, events 0 by
// routes; fallback 2; one message made invalid at archive by the enrichment; one rejected.
std::string corpusText() {
  std::string text =
      "{\"deviceId\": \"d1\", \"appProperties\": {\"level\": \"hot\"}, \"body\": {\"t\": 1}}\n"
      "{\"deviceId\": \"d2\", \"appProperties\": {\"level\": \"cold\"}, \"body\": {\"t\": 2}}\n"
      "\n"
      "{\"deviceId\": \"d3\", \"appProperties\": {\"level\": \"hot\", \"archive\": \"yes\"}, "
      "\"body\": {\"t\": 3}}\n"
      "{\"deviceId\": \"d1\", \"body\": {\"t\": 4}}\n"
      "{\"deviceId\": \"d4\", \"appProperties\": {\"archive\": \"yes\"}, \"bodyText\": \"x\"}\n"
      "{\"deviceId\": \"d5\", \"appProperties\": {\"alert\": \"yes\", \"level\": \"hot\"}}\n";
  // Fits before routing (the stamps add well under 400 bytes); over the limit with the
  // 1,000-byte enrichment: invalid at archive, and only there (it matches no other route).
  text += "{\"deviceId\": \"d6\", \"appProperties\": {\"archive\": \"yes\"}, \"bodyText\": \"" +
          std::string(262144 - 400, 'b') + "\"}\n";
  // Over the limit at ingress: rejected.
  text += "{\"deviceId\": \"d7\", \"bodyText\": \"" + std::string(262145, 'c') + "\"}\n";
  return text;
}
constexpr uint64_t kCorpusMessages = 8;

class BenchCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "routesim-bench-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, std::string_view content) {
    std::string path = (dir_ / name).string();
    Status s = writeFile(path, content);
    EXPECT_TRUE(s.ok()) << s.error().message();
    return path;
  }
  BenchOptions options(std::string_view routes, std::string_view messages) {
    BenchOptions o;
    o.routes_file = write("routes.json", routes);
    o.messages_file = write("messages.ndjson", messages);
    o.progress = false;
    o.threads = 1;
    o.passes = 1;
    return o;
  }
  // Runs and parses the summary line; fails the test if either does not work.
  json::Value summary(const BenchOptions& o, BenchRun* run_out = nullptr) {
    BenchRun run = bench(o);
    if (run_out) *run_out = run;
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto parsed = json::parse(lastLine(run.out));
    EXPECT_TRUE(parsed.ok()) << "last line is not JSON: " << lastLine(run.out);
    if (!parsed.ok()) return json::Value();
    EXPECT_TRUE(parsed->is(json::Type::kObject));
    return std::move(*parsed);
  }

  std::filesystem::path dir_;
};

TEST_F(BenchCommandTest, SummaryIsOneJsonObjectWithTheDesignKeys) {
  BenchOptions o = options(routesText(), corpusText());
  json::Value s = summary(o);
  EXPECT_EQ(keysOf(s), (std::vector<std::string>{"messages", "seconds", "messagesPerSecond",
                                                 "latencyMicros", "matched", "fallback", "orphaned",
                                                 "invalid", "rejected", "dropped"}));
  const json::Value* latency = s.find("latencyMicros");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(keysOf(*latency), (std::vector<std::string>{"p50", "p90", "p99", "p999", "max"}));
  double p50 = numberAt(*latency, "p50");
  double p90 = numberAt(*latency, "p90");
  double p99 = numberAt(*latency, "p99");
  double p999 = numberAt(*latency, "p999");
  double max = numberAt(*latency, "max");
  EXPECT_GE(p50, 0);
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
  EXPECT_LE(p99, p999);
  EXPECT_LE(p999, max);
  EXPECT_GE(numberAt(s, "seconds"), 0);
  EXPECT_GE(numberAt(s, "messagesPerSecond"), 0);
}

TEST_F(BenchCommandTest, MatchedListsEveryEndpointWithZeros) {
  BenchOptions o = options(routesText(), corpusText());
  json::Value s = summary(o);
  const json::Value* matched = s.find("matched");
  ASSERT_NE(matched, nullptr);
  ASSERT_TRUE(matched->is(json::Type::kObject));
  EXPECT_EQ(keysOf(*matched), (std::vector<std::string>{"events", "hot", "archive", "idle"}));
  EXPECT_EQ(numberAt(*matched, "events"), 0);  // reached only by the fallback route
  EXPECT_EQ(numberAt(*matched, "idle"), 0);
}

TEST_F(BenchCommandTest, PassesGiveExactCountsWhateverTheThreadCount) {
  std::vector<std::string> lines;
  for (size_t threads : {1u, 2u}) {
    BenchOptions o = options(routesText(), corpusText());
    o.threads = threads;
    o.passes = 3;
    json::Value s = summary(o);
    SCOPED_TRACE("threads " + std::to_string(threads));
    EXPECT_EQ(numberAt(s, "messages"), 3 * kCorpusMessages);
    const json::Value* matched = s.find("matched");
    ASSERT_NE(matched, nullptr);
    EXPECT_EQ(numberAt(*matched, "events"), 0);
    EXPECT_EQ(numberAt(*matched, "hot"), 3 * 3);
    EXPECT_EQ(numberAt(*matched, "archive"), 3 * 2);
    EXPECT_EQ(numberAt(*matched, "idle"), 0);
    EXPECT_EQ(numberAt(s, "fallback"), 3 * 2);
    EXPECT_EQ(numberAt(s, "orphaned"), 0);
    EXPECT_EQ(numberAt(s, "invalid"), 3 * 1);
    EXPECT_EQ(numberAt(s, "rejected"), 3 * 1);
    EXPECT_EQ(numberAt(s, "dropped"), 0);
    // Everything but time-dependent values, for the comparison across thread counts.
    std::string counts =
        "messages=" + s.find("messages")->compact() + " matched=" + matched->compact();
    for (const char* key : {"fallback", "orphaned", "invalid", "rejected", "dropped"})
      counts += std::string(" ") + key + "=" + s.find(key)->compact();
    lines.push_back(counts);
  }
  EXPECT_EQ(lines[0], lines[1]);
}

TEST_F(BenchCommandTest, ManyPassesOnFourThreadsStayExact) {
  BenchOptions o = options(routesText(), corpusText());
  o.threads = 4;
  o.passes = 50;
  json::Value s = summary(o);
  EXPECT_EQ(numberAt(s, "messages"), 50 * kCorpusMessages);
  EXPECT_EQ(numberAt(*s.find("matched"), "hot"), 50 * 3);
  EXPECT_EQ(numberAt(*s.find("matched"), "archive"), 50 * 2);
  EXPECT_EQ(numberAt(s, "fallback"), 50 * 2);
  EXPECT_EQ(numberAt(s, "invalid"), 50);
  EXPECT_EQ(numberAt(s, "rejected"), 50);
}

TEST_F(BenchCommandTest, WithoutFallbackRouteUnmatchedMessagesAreOrphaned) {
  BenchOptions o = options(R"({
    "endpoints": {"eventHubs": [{"name": "hot"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "level = 'hot'",
                "endpointNames": ["hot"], "isEnabled": true}]
  })",
                           "{\"deviceId\": \"a\", \"appProperties\": {\"level\": \"hot\"}}\n"
                           "{\"deviceId\": \"b\", \"appProperties\": {\"level\": \"cold\"}}\n"
                           "{\"deviceId\": \"c\"}\n");
  o.passes = 2;
  json::Value s = summary(o);
  EXPECT_EQ(numberAt(s, "messages"), 6);
  EXPECT_EQ(numberAt(*s.find("matched"), "hot"), 2);
  EXPECT_EQ(numberAt(*s.find("matched"), "events"), 0);
  EXPECT_EQ(numberAt(s, "fallback"), 0);
  EXPECT_EQ(numberAt(s, "orphaned"), 4);
}

TEST_F(BenchCommandTest, RejectedCountsAMessageOverTheSizeLimit) {
  std::string corpus = "{\"deviceId\": \"small\", \"body\": 1}\n";
  corpus += "{\"deviceId\": \"big\", \"bodyText\": \"" + std::string(262145, 'z') + "\"}\n";
  BenchOptions o = options(R"({"routes": [{"name": "all", "source": "DeviceMessages",
    "condition": "true", "endpointNames": ["events"], "isEnabled": true}]})",
                           corpus);
  o.passes = 2;
  json::Value s = summary(o);
  EXPECT_EQ(numberAt(s, "messages"), 4);
  EXPECT_EQ(numberAt(s, "rejected"), 2);
  EXPECT_EQ(numberAt(*s.find("matched"), "events"), 2);
  EXPECT_EQ(numberAt(s, "orphaned"), 0);
  EXPECT_EQ(numberAt(s, "invalid"), 0);
}

TEST_F(BenchCommandTest, SecondsRunReportsThroughput) {
  BenchOptions o = options(routesText(), corpusText());
  o.passes.reset();
  o.seconds = 0.3;
  o.threads = 2;
  BenchRun run;
  json::Value s = summary(o, &run);
  EXPECT_GT(numberAt(s, "messages"), 0);
  EXPECT_GE(numberAt(s, "seconds"), 0.3);
  EXPECT_GT(numberAt(s, "messagesPerSecond"), 0);
  EXPECT_GT(numberAt(*s.find("matched"), "hot"), 0);
  EXPECT_EQ(numberAt(*s.find("matched"), "idle"), 0);
  EXPECT_EQ(run.err.find("conservation"), std::string::npos) << run.err;
}

// --- bad input: exit 2 with a message that says where -------------------------------------

TEST_F(BenchCommandTest, MalformedMessageLineNamesFileAndLine) {
  BenchOptions o = options(routesText(),
                           "{\"deviceId\": \"d1\"}\n"
                           "\n"
                           "{\"deviceId\": \"d2\", \"body\": }\n");
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  // Line 3 (blank lines count), column 28: the '}' where the value of "body" should be.
  EXPECT_NE(r.err.find(o.messages_file + ":3:28:"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "no summary for bad input";
}

TEST_F(BenchCommandTest, MessageWithoutDeviceIdIsBadInput) {
  BenchOptions o = options(routesText(),
                           "{\"deviceId\": \"d1\"}\n"
                           "{\"appProperties\": {\"level\": \"hot\"}}\n");
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(o.messages_file + ":2:1: $.deviceId"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(BenchCommandTest, MissingMessagesFileIsNamed) {
  BenchOptions o = options(routesText(), "{\"deviceId\": \"d1\"}\n");
  o.messages_file = (dir_ / "no-such-messages.ndjson").string();
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(o.messages_file), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(BenchCommandTest, MissingRoutesFileIsNamed) {
  BenchOptions o = options(routesText(), "{\"deviceId\": \"d1\"}\n");
  o.routes_file = (dir_ / "no-such-routes.json").string();
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(o.routes_file), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(BenchCommandTest, DirectoryGivenAsMessagesFileIsNamed) {
  BenchOptions o = options(routesText(), "{\"deviceId\": \"d1\"}\n");
  o.messages_file = dir_.string();
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(o.messages_file), std::string::npos) << r.err;
}

TEST_F(BenchCommandTest, EmptyCorpusIsBadInput) {
  BenchOptions o = options(routesText(), "\n  \n");
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(o.messages_file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no messages"), std::string::npos) << r.err;
}

TEST_F(BenchCommandTest, RoutingJsonSyntaxErrorNamesLineAndColumn) {
  // Line 3 column 18 is the '}' where a member name should follow the ','.
  BenchOptions o = options(
      "{\n"
      "  \"routes\": [\n"
      "    {\"name\": \"r\",}\n"
      "  ]\n"
      "}\n",
      "{\"deviceId\": \"d1\"}\n");
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(o.routes_file + ":3:18:"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(BenchCommandTest, RoutingJsonTruncatedNamesTheFile) {
  BenchOptions o = options("{\"routes\": [", "{\"deviceId\": \"d1\"}\n");
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(o.routes_file + ":1:"), std::string::npos) << r.err;
}

TEST_F(BenchCommandTest, ConditionThatDoesNotCompileNamesItsPathAndCode) {
  BenchOptions o = options(R"({
  "routes": [
    {"name": "bad", "source": "DeviceMessages", "condition": "level = ",
     "endpointNames": ["events"], "isEnabled": true}
  ]
})",
                           "{\"deviceId\": \"d1\"}\n");
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("$.routes[0].condition"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("IH400104"), std::string::npos) << r.err;
  // Line 3, column 71: the end of the condition text (its closing quote), where an expression
  // was expected; the condition's own diagnostic says column 9.
  EXPECT_NE(r.err.find(o.routes_file + ":3:71: error: $.routes[0].condition"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("condition:1:9:"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(BenchCommandTest, UnknownEndpointNamesTheJsonPath) {
  BenchOptions o = options(R"({
  "endpoints": {"eventHubs": [{"name": "hot"}]},
  "routes": [
    {"name": "ok", "source": "DeviceMessages", "condition": "true",
     "endpointNames": ["hot"], "isEnabled": true},
    {"name": "typo", "source": "DeviceMessages", "condition": "true",
     "endpointNames": ["hto"], "isEnabled": true}
  ]
})",
                           "{\"deviceId\": \"d1\"}\n");
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("$.routes[1].endpointNames[0]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hto"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("EndpointNotFound"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(BenchCommandTest, SecondsAndPassesTogetherAreBadInput) {
  BenchOptions o = options(routesText(), "{\"deviceId\": \"d1\"}\n");
  o.seconds = 1;
  o.passes = 1;
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--seconds"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--passes"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(BenchCommandTest, NonPositiveSecondsOrRateIsBadInput) {
  BenchOptions o = options(routesText(), "{\"deviceId\": \"d1\"}\n");
  o.passes.reset();
  o.seconds = 0;
  EXPECT_EQ(bench(o).exit_code, 2);
  o.seconds.reset();
  o.passes = 1;
  o.rate = -5;
  BenchRun r = bench(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--rate"), std::string::npos) << r.err;
}

TEST_F(BenchCommandTest, ResourcesThatDoNotDeclareATargetNameTheEndpoint) {
  BenchOptions o = options(routesText(), corpusText());
  o.emulators = true;
  o.out_dir = (dir_ / "out").string();
  o.resources_files = {write("resources.json", R"([{"type": "Microsoft.EventHub/namespaces",
    "name": "other-ns", "sku": {"name": "Standard"}}])")};
  BenchRun run = bench(o);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("NamespaceNotFound"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("endpoint 'hot': Event Hubs namespace 'hot' is not among the resources"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("cannot be bound to the resources given"), std::string::npos) << run.err;
}

TEST_F(BenchCommandTest, ResourcesWithoutEmulatorsIsBadInput) {
  BenchOptions o = options(routesText(), corpusText());
  o.resources_files = {write("resources.json", "[]")};
  BenchRun run = bench(o);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--resources needs --emulators"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace routesim::cli
