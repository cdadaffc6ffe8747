// `routesim bench --emulators` then `routesim inspect` in-process: what the bench's routes
// delivered is what inspect reads back from the output folder (blobs decoded, event hub
// partitions, the built-in endpoint, queues and subscriptions, health), and bad requests name
// what was looked for (exit 2).
#include "tools/routesim/inspect_command.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/file_io.h"
#include "core/common/json.h"
#include "tools/routesim/bench_command.h"

namespace routesim::cli {
namespace {

namespace fs = std::filesystem;

struct Output {
  int exit_code;
  std::string out;
  std::string err;
};

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Every endpoint kind. "hot" (Event Hubs) takes level = 'hot'; "ops" (a queue) takes
// alarm = 'yes'; "fan" (a topic) takes everything with a level; "cold" (Storage, JSON lines)
// takes archive = 'yes'; the rest falls back to the built-in endpoint.
constexpr std::string_view kRoutes = R"json({
  "endpoints": {
    "eventHubs": [{"name": "hot"}],
    "serviceBusQueues": [{"name": "ops"}],
    "serviceBusTopics": [{"name": "fan"}],
    "storageContainers": [{"name": "cold", "containerName": "archive", "encoding": "JSON"}]
  },
  "routes": [
    {"name": "r-hot", "source": "DeviceMessages", "condition": "level = 'hot'",
     "endpointNames": ["hot"], "isEnabled": true},
    {"name": "r-ops", "source": "DeviceMessages", "condition": "alarm = 'yes'",
     "endpointNames": ["ops"], "isEnabled": true},
    {"name": "r-fan", "source": "DeviceMessages", "condition": "is_defined(level)",
     "endpointNames": ["fan"], "isEnabled": true},
    {"name": "r-cold", "source": "DeviceMessages", "condition": "archive = 'yes'",
     "endpointNames": ["cold"], "isEnabled": true}
  ],
  "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                    "endpointNames": ["events"], "isEnabled": true}
})json";

// Per pass: hot 2, ops 1, fan 3, cold 2, fallback (events) 1.
constexpr std::string_view kMessages =
    R"({"deviceId": "d1", "appProperties": {"level": "hot"}, "body": {"t": 1}}
{"deviceId": "d2", "appProperties": {"level": "cold", "archive": "yes"}, "body": {"t": 2}}
{"deviceId": "d3", "appProperties": {"level": "hot", "alarm": "yes"}, "body": {"t": 3}}
{"deviceId": "d4", "appProperties": {"archive": "yes"}, "body": {"t": 4}}
{"deviceId": "d5", "body": {"t": 5}}
)";
constexpr uint64_t kPasses = 3;

class InspectCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (fs::temp_directory_path() / "routesim-inspect-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    BenchOptions o;
    o.routes_file = (dir_ / "routes.json").string();
    o.messages_file = (dir_ / "messages.ndjson").string();
    ASSERT_TRUE(writeFile(o.routes_file, kRoutes).ok());
    ASSERT_TRUE(writeFile(o.messages_file, kMessages).ok());
    o.progress = false;
    o.threads = 2;
    o.passes = kPasses;
    o.emulators = true;
    o.out_dir = (dir_ / "out").string();
    std::ostringstream out;
    std::ostringstream err;
    bench_exit_ = runBench(o, out, err);
    bench_out_ = out.str() + err.str();
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void SetUp() override { ASSERT_EQ(bench_exit_, 0) << bench_out_; }

  static InspectOptions options(InspectWhat what) {
    InspectOptions o;
    o.what = what;
    o.out_dir = (dir_ / "out").string();
    o.max = 0;
    return o;
  }
  static Output inspect(const InspectOptions& o) {
    std::ostringstream out;
    std::ostringstream err;
    int code = runInspect(o, out, err);
    return {code, out.str(), err.str()};
  }

  static fs::path dir_;
  static int bench_exit_;
  static std::string bench_out_;
};

fs::path InspectCommandTest::dir_;
int InspectCommandTest::bench_exit_ = -1;
std::string InspectCommandTest::bench_out_;

TEST_F(InspectCommandTest, BlobsListTheStorageEndpointsOutput) {
  InspectOptions o = options(InspectWhat::kBlobs);
  o.json = true;
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = linesOf(r.out);
  ASSERT_FALSE(lines.empty());
  // The bench names the account after the endpoint (no connection string); d2 and d4 routed.
  uint64_t records = 0;
  for (const std::string& line : lines) {
    auto blob = json::parse(line);
    ASSERT_TRUE(blob.ok()) << line;
    EXPECT_EQ(blob->find("account")->text(), "cold");
    EXPECT_EQ(blob->find("container")->text(), "archive");
    InspectOptions b = options(InspectWhat::kBlob);
    b.blob = "cold/archive/" + std::string(blob->find("name")->text());
    Output read = inspect(b);
    ASSERT_EQ(read.exit_code, 0) << read.err;
    for (const std::string& record : linesOf(read.out)) {
      auto parsed = json::parse(record);
      ASSERT_TRUE(parsed.ok()) << record;
      EXPECT_NE(parsed->find("EnqueuedTimeUtc"), nullptr) << record;
      EXPECT_EQ(parsed->find("Properties")->find("archive")->text(), "yes") << record;
      ++records;
    }
  }
  EXPECT_EQ(records, 2 * kPasses);
}

TEST_F(InspectCommandTest, BlobsFilterByAccountAndContainer) {
  InspectOptions o = options(InspectWhat::kBlobs);
  o.account = "nosuchaccount";
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("0 blob(s)"), std::string::npos) << r.err;
}

TEST_F(InspectCommandTest, EventHubPartitionsHoldWhatTheRoutesDelivered) {
  InspectOptions o = options(InspectWhat::kEventHub);
  o.namespace_name = "hot";
  o.hub = "hot";
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = linesOf(r.out);
  EXPECT_EQ(lines.size(), 2 * kPasses);
  for (const std::string& line : lines) {
    auto e = json::parse(line);
    ASSERT_TRUE(e.ok()) << line;
    EXPECT_NE(e->find("partition"), nullptr);
    EXPECT_NE(e->find("sequenceNumber"), nullptr);
    EXPECT_EQ(e->find("properties")->find("level")->text(), "hot");
    // Event Hubs endpoints get the device id as partition key.
    std::string_view key = e->find("partitionKey")->text();
    EXPECT_TRUE(key == "d1" || key == "d3") << line;
  }
}

TEST_F(InspectCommandTest, EventHubReadsFromASequenceNumberInOnePartition) {
  InspectOptions all = options(InspectWhat::kEventHub);
  all.namespace_name = "hot";
  all.hub = "hot";
  auto first = json::parse(linesOf(inspect(all).out).at(0));
  ASSERT_TRUE(first.ok());
  InspectOptions o = all;
  o.partition = static_cast<uint32_t>(first->find("partition")->number());
  o.from = "sequence:1";
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& line : linesOf(r.out)) {
    auto e = json::parse(line);
    ASSERT_TRUE(e.ok());
    EXPECT_GE(e->find("sequenceNumber")->number(), 1);
    EXPECT_EQ(e->find("partition")->number(), *o.partition);
  }
}

TEST_F(InspectCommandTest, BuiltInEventsHoldTheFallback) {
  Output r = inspect(options(InspectWhat::kEvents));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = linesOf(r.out);
  EXPECT_EQ(lines.size(), kPasses);  // d5, once per pass
  for (const std::string& line : lines) EXPECT_NE(line.find("\"d5\""), std::string::npos) << line;
}

TEST_F(InspectCommandTest, QueuePeekShowsTheRoutedMessagesInOrder) {
  InspectOptions o = options(InspectWhat::kQueue);
  o.namespace_name = "ops";
  o.queue = "ops";
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(linesOf(r.out).size(), kPasses);
  EXPECT_NE(r.err.find("peeked"), std::string::npos) << r.err;
  // Peeking leaves them there.
  EXPECT_EQ(linesOf(inspect(o).out).size(), kPasses);
}

TEST_F(InspectCommandTest, SubscriptionOfTheBenchsTopicGetsEveryMessageWithALevel) {
  InspectOptions o = options(InspectWhat::kSubscription);
  o.namespace_name = "fan";
  o.topic = "fan";
  o.subscription = "all";
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(linesOf(r.out).size(), 3 * kPasses);
  o.dead_letter = true;
  Output dlq = inspect(o);
  ASSERT_EQ(dlq.exit_code, 0) << dlq.err;
  EXPECT_EQ(dlq.out, "");
}

TEST_F(InspectCommandTest, ReceiveDeletesFromTheSavedQueue) {
  InspectOptions o = options(InspectWhat::kSubscription);
  o.namespace_name = "fan";
  o.topic = "fan";
  o.subscription = "all";
  o.receive = true;
  o.max = 2;
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(linesOf(r.out).size(), 2u);
  EXPECT_NE(r.err.find("received and deleted"), std::string::npos) << r.err;
  o.receive = false;
  o.max = 0;
  EXPECT_EQ(linesOf(inspect(o).out).size(), 3 * kPasses - 2);
}

TEST_F(InspectCommandTest, HealthShowsEveryEndpointHealthy) {
  InspectOptions o = options(InspectWhat::kHealth);
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (std::string_view name : {"hot", "ops", "fan", "cold", "events"}) {
    EXPECT_NE(r.out.find(std::string(name)), std::string::npos) << r.out;
  }
  EXPECT_EQ(r.out.find("unhealthy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("healthy"), std::string::npos) << r.out;
}

TEST_F(InspectCommandTest, MissingOutputFolderIsBadInput) {
  InspectOptions o = options(InspectWhat::kBlobs);
  o.out_dir = (dir_ / "nowhere").string();
  Output r = inspect(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nowhere: no such output folder"), std::string::npos) << r.err;
}

TEST_F(InspectCommandTest, UnknownEntitiesAreNamed) {
  InspectOptions q = options(InspectWhat::kQueue);
  q.namespace_name = "ops";
  q.queue = "nope";
  Output r = inspect(q);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no queue 'nope' in namespace 'ops'"), std::string::npos) << r.err;

  InspectOptions h = options(InspectWhat::kEventHub);
  h.namespace_name = "hot";
  h.hub = "cold";
  r = inspect(h);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no event hub 'cold' in namespace 'hot' saved in"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(saved: hot/hot)"), std::string::npos) << r.err;

  InspectOptions b = options(InspectWhat::kBlob);
  b.blob = "cold/archive/none.json";
  r = inspect(b);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such blob"), std::string::npos) << r.err;
}

TEST_F(InspectCommandTest, HubNamesIgnoreLetterCase) {
  InspectOptions o = options(InspectWhat::kEventHub);
  o.namespace_name = "HOT";
  o.hub = "Hot";
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(linesOf(r.out).size(), 2 * kPasses);
}

TEST_F(InspectCommandTest, BadStartPositionNamesTheOption) {
  InspectOptions o = options(InspectWhat::kEvents);
  o.from = "offset:x";
  Output r = inspect(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--from: "), std::string::npos) << r.err;
}

TEST_F(InspectCommandTest, ConsumerGroupReadsAndUnknownGroupIsNamed) {
  InspectOptions o = options(InspectWhat::kEvents);
  o.consumer_group = "$Default";
  Output r = inspect(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(linesOf(r.out).size(), kPasses);
  o.consumer_group = "analytics";
  r = inspect(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no consumer group 'analytics'"), std::string::npos) << r.err;
}

TEST_F(InspectCommandTest, PartitionOutOfRangeNamesTheRange) {
  InspectOptions o = options(InspectWhat::kEvents);
  o.partition = 9;
  Output r = inspect(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--partition 9: the hub has 4 partitions (0-3)"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace routesim::cli
