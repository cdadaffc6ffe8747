// `routesim run`: exit codes, the report's shape and accounting, determinism, timeline
// redeployments, and expectations that fail with their expected and actual values.
#include "tools/routesim/run_command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "core/common/file_io.h"
#include "core/common/json.h"
#include "tests/support/temp_dir.h"

namespace routesim {
namespace {

const std::string kExample =
    std::string(ROUTESIM_SCENARIOS_DIR) + "/storage-behind-firewall.scenario.json";

// A small scenario: internet devices, a hub with one Storage endpoint behind a firewall that
// admits trusted services; `hub_extra` goes into the hub's properties, `tail` after "devices".
std::string smallScenario(
    std::string_view hub_extra, std::string_view tail,
    std::string_view storage_acls = R"("defaultAction": "Deny", "bypass": "AzureServices")",
    std::string_view auth = "identityBased") {
  std::string s = R"({
  "name": "small", "seed": 7, "duration": "PT10M",
  "resources": [
    {"type": "Microsoft.Devices/IotHubs", "name": "hub", "location": "eastus",
     "sku": {"name": "S1", "capacity": 1}, "identity": {"type": "SystemAssigned"},
     "properties": {)";
  s += hub_extra;
  s += R"(
       "routing": {
         "endpoints": {"storageContainers": [{"name": "cold",
           "endpointUri": "https://acct.blob.core.windows.net/", "containerName": "data1",
           "authenticationType": ")";
  s += auth;
  s += R"(", "encoding": "json", "batchFrequencyInSeconds": 60,
           "connectionString": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5"}]},
         "routes": [{"name": "all", "source": "DeviceMessages", "condition": "true",
                     "endpointNames": ["cold"], "isEnabled": true}]}}},
    {"type": "Microsoft.Storage/storageAccounts", "name": "acct", "location": "eastus",
     "sku": {"name": "Standard_LRS"}, "properties": {"networkAcls": {)";
  s += storage_acls;
  s += R"(}}, "containers": ["data1"]},
    {"type": "Microsoft.Authorization/roleAssignments", "name": "ra",
     "properties": {"principalId": "hub", "roleDefinitionName": "Storage Blob Data Contributor",
                    "scope": "acct"}}
  ],
  "devices": [{"group": "g", "count": 10, "idPattern": "d-{index}",
               "location": {"ipRange": "203.0.113.1-203.0.113.20"}}],
  "traffic": [{"group": "g", "ratePerDevice": "1/10s", "contentType": "application/json",
               "contentEncoding": "utf-8", "template": "{\"v\": $.V}",
               "variables": [{"name": "V", "random": true, "min": 1, "max": 9}]}])";
  s += tail;
  s += "\n}\n";
  return s;
}

class RunCommandTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  struct Result {
    int code = -1;
    std::string out;
    std::string err;
    std::string report;
    json::Value json;
  };
  Result run(const std::string& file, const std::string& tag = "r", unsigned threads = 0) {
    cli::RunOptions o;
    o.scenario_file = file;
    o.report_file = (dir_ / (tag + ".json")).string();
    o.out_dir = (dir_ / (tag + "-out")).string();
    o.threads = threads;
    o.quiet = true;
    std::ostringstream out, err;
    Result r;
    r.code = cli::runRun(o, out, err);
    r.out = out.str();
    r.err = err.str();
    if (auto text = readFile(o.report_file); text.ok()) {
      r.report = *text;
      auto parsed = json::parse(r.report);
      EXPECT_TRUE(parsed.ok()) << r.report;
      if (parsed.ok()) r.json = std::move(parsed).value();
    }
    return r;
  }

  static double number(const json::Value& v, std::initializer_list<std::string_view> path) {
    const json::Value* at = &v;
    for (std::string_view k : path) {
      at = at->find(k);
      if (at == nullptr) return -1;
    }
    return at->number();
  }

  testing::TempDir tmp_{"routesim-run-test"};
  const std::filesystem::path& dir_ = tmp_.path();
};

TEST_F(RunCommandTest, ExampleScenarioHoldsItsExpectations) {
  Result r = run(kExample);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("result: ok"), std::string::npos) << r.out;
  const json::Value& j = r.json;
  EXPECT_EQ(j.find("scenario")->text(), "storage-behind-firewall");
  EXPECT_EQ(number(j, {"seed"}), 42);
  EXPECT_EQ(j.find("profile")->text(), "2020-03");
  EXPECT_TRUE(j.find("deployment")->find("ok")->boolean());
  // The role removed at PT10M shows as Storage reports it, on the cold endpoint.
  bool seen = false;
  for (const json::Value& d : j.find("denials")->items()) {
    if (d.find("code")->text() == "AuthorizationPermissionMismatch") {
      seen = true;
      EXPECT_EQ(d.find("kind")->text(), "egress");
      EXPECT_EQ(d.find("source")->text(), "cold");
      EXPECT_EQ(d.find("target")->text(), "contosocold");
      EXPECT_EQ(number(d, {"status"}), 403);
      EXPECT_FALSE(d.find("explanation")->text().empty());
    }
  }
  EXPECT_TRUE(seen) << r.report;
  EXPECT_EQ(j.find("endpoints")->find("cold")->find("type")->text(), "blobStorage");
  EXPECT_EQ(j.find("endpoints")->find("events")->find("type")->text(), "builtin");
  for (const json::Value& e : j.find("expectations")->items()) {
    EXPECT_TRUE(e.find("ok")->boolean()) << e.compact();
  }
  // Health went unhealthy after the removal and back after the new role propagated.
  std::string transitions = j.find("healthTransitions")->compact();
  EXPECT_NE(transitions.find(R"("endpoint":"cold","from":"healthy","to":"unhealthy")"),
            std::string::npos)
      << transitions;
  // Blobs were written under --out.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "r-out" / "contosocold" / "telemetry"));
}

TEST_F(RunCommandTest, EveryMessageIsAccountedFor) {
  Result r = run(kExample);
  const json::Value& m = *r.json.find("messages");
  double generated = number(m, {"generated"});
  EXPECT_GT(generated, 0);
  EXPECT_EQ(generated,
            number(m, {"rejectedAtIngress"}) + number(m, {"tooLarge"}) + number(m, {"accepted"}));
  EXPECT_EQ(generated, number(r.json, {"metrics", "d2c.telemetry.ingress.allProtocol"}));
  EXPECT_EQ(number(m, {"accepted"}), number(r.json, {"metrics", "d2c.telemetry.ingress.success"}));
  const json::Value& d = *m.find("deliveries");
  EXPECT_EQ(number(d, {"delivered"}), number(r.json, {"metrics", "d2c.telemetry.egress.success"}));
  EXPECT_EQ(number(d, {"dropped"}), number(r.json, {"metrics", "d2c.telemetry.egress.dropped"}));
  // The per-minute series sums to the totals.
  const json::Value& series = *r.json.find("series");
  double attempts = 0;
  for (const json::Value& v : series.find("d2c.telemetry.ingress.allProtocol")->items())
    attempts += v.number();
  EXPECT_EQ(attempts, generated);
  EXPECT_EQ(series.find("d2c.telemetry.ingress.allProtocol")->items().size(), 30u);  // PT30M
  double cold = 0;
  for (const json::Value& v : series.find("endpoints")->find("cold")->find("delivered")->items())
    cold += v.number();
  EXPECT_EQ(cold, number(r.json, {"endpoints", "cold", "delivered"}));
}

// Running again into the same folder replaces the previous run's blobs rather than adding to
// them; a folder routesim did not write is left alone.
TEST_F(RunCommandTest, RunningAgainReplacesThePreviousRunsBlobs) {
  auto blobs = [&] {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_ / "again-out")) {
      if (e.is_regular_file()) names.push_back(e.path().lexically_relative(dir_).string());
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  ASSERT_EQ(run(kExample, "again").code, 0);
  std::vector<std::string> first = blobs();
  ASSERT_FALSE(first.empty());
  std::filesystem::create_directories(dir_ / "again-out" / "mine");
  std::ofstream(dir_ / "again-out" / "mine" / "notes.txt") << "keep";
  ASSERT_EQ(run(kExample, "again").code, 0);
  std::vector<std::string> second = blobs();
  second.erase(std::remove(second.begin(), second.end(), "again-out/mine/notes.txt"), second.end());
  EXPECT_EQ(second, first);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "again-out" / "mine" / "notes.txt"));
}

// Every file under `dir`, by its path relative to `dir`, with its bytes.
std::map<std::string, std::string> filesUnder(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    auto bytes = readFile(e.path().string());
    files[e.path().lexically_relative(dir).string()] = bytes.ok() ? *bytes : "(unreadable)";
  }
  return files;
}

// One thread, or a helper writing the event hubs' partitions while the replay runs: the same
// report and the same files (blobs, partitions, queues) under --out.
TEST_F(RunCommandTest, ReportAndOutputAreByteIdenticalAcrossThreadCounts) {
  for (const char* name : {"storage-behind-firewall", "eventhubs-trusted-services",
                           "servicebus-premium-trusted-services", "endpoint-outage-dead"}) {
    SCOPED_TRACE(name);
    const std::string file = std::string(ROUTESIM_SCENARIOS_DIR) + "/" + name + ".scenario.json";
    Result a = run(file, std::string(name) + "-1", 1);
    Result b = run(file, std::string(name) + "-4", 4);
    ASSERT_FALSE(a.report.empty()) << a.err;
    EXPECT_EQ(a.code, b.code);
    EXPECT_EQ(a.report, b.report);
    auto files_a = filesUnder(dir_ / (std::string(name) + "-1-out"));
    auto files_b = filesUnder(dir_ / (std::string(name) + "-4-out"));
    EXPECT_FALSE(files_a.empty());
    ASSERT_EQ(files_a.size(), files_b.size());
    for (const auto& [path, bytes] : files_a) {
      auto other = files_b.find(path);
      ASSERT_NE(other, files_b.end()) << path;
      EXPECT_TRUE(other->second == bytes) << path << " differs";
    }
  }
  // The built-in endpoint's partitions are among the files compared.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "eventhubs-trusted-services-4-out" / "iothub"));
}

TEST_F(RunCommandTest, AnOutputFolderThatCannotBeCreatedIsExitTwo) {
  std::ofstream(dir_ / "a-file") << "not a folder";
  cli::RunOptions o;
  o.scenario_file = kExample;
  o.out_dir = (dir_ / "a-file" / "out").string();
  o.quiet = true;
  std::ostringstream out, err;
  EXPECT_EQ(cli::runRun(o, out, err), 2);
  EXPECT_NE(err.str().find("cannot create the output folder " + o.out_dir), std::string::npos)
      << err.str();
  EXPECT_EQ(out.str(), "");
}

TEST_F(RunCommandTest, FailedExpectationExitsOneWithExpectedAndActual) {
  std::string file = write("s.json", smallScenario("", R"(,
  "expect": [{"text": "nothing is delivered to cold", "endpoint": "cold", "delivered": 0}])"));
  Result r = run(file);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAILED nothing is delivered to cold"), std::string::npos) << r.out;
  const json::Value& e = r.json.find("expectations")->items().at(0);
  EXPECT_FALSE(e.find("ok")->boolean());
  EXPECT_EQ(e.find("expected")->text(), "cold delivered = 0");
  EXPECT_EQ(e.find("actual")->text(), "600");  // 10 devices, one message per 10 s, 10 minutes
}

TEST_F(RunCommandTest, KeyBasedAuthThroughTheFirewallIsDeniedAsStorageDeniesIt) {
  std::string file = write(
      "s.json", smallScenario("", R"(,
  "expect": [
    {"text": "denied", "denial": {"kind": "egress", "code": "AuthorizationFailure", "status": 403},
     "seen": true},
    {"text": "not a 401", "denial": {"kind": "egress", "status": 401}, "seen": false},
    {"text": "unhealthy", "endpoint": "cold", "health": "unhealthy", "at": "PT5M"},
    {"text": "none delivered", "endpoint": "cold", "delivered": 0}])",
                              R"("defaultAction": "Deny", "bypass": "AzureServices")", "keyBased"));
  Result r = run(file);
  EXPECT_EQ(r.code, 0) << r.out << r.report;
}

TEST_F(RunCommandTest, IngressDenialCountsEveryMessageOfTheGroup) {
  std::string file = write("s.json", smallScenario(R"("publicNetworkAccess": "Disabled",)", R"(,
  "expect": [
    {"text": "all turned away", "denial": {"kind": "ingress", "source": "g", "target": "hub"},
     "count": 600},
    {"text": "no success", "metric": "d2c.telemetry.ingress.success", "equals": 0},
    {"text": "fates count denied messages", "group": "g", "deliveredTo": "cold",
     "fraction": {"max": 0}}])"));
  Result r = run(file);
  EXPECT_EQ(r.code, 0) << r.out << r.report;
  EXPECT_EQ(number(r.json, {"messages", "rejectedAtIngress"}), 600);
  EXPECT_EQ(number(r.json, {"metrics", "d2c.telemetry.ingress.allProtocol"}), 600);
}

TEST_F(RunCommandTest, TimelineOpensTheHubAndFaultsTakeTheEndpointDown) {
  std::string file = write("s.json", smallScenario(R"("publicNetworkAccess": "Disabled",)", R"(,
  "timeline": [
    {"at": "PT5M", "action": "set", "resource": "hub", "path": "properties.publicNetworkAccess",
     "value": "Enabled"},
    {"at": "PT7M", "action": "fault", "endpoint": "cold", "error": "unreachable"}],
  "expect": [
    {"text": "nothing before", "endpoint": "cold", "delivered": 0, "during": ["PT0M", "PT5M"]},
    {"text": "delivered after", "endpoint": "cold", "delivered": {"min": 1},
     "during": ["PT5M", "PT7M"]},
    {"text": "down with the fault", "endpoint": "cold", "health": "unhealthy", "at": "PT9M"}])"));
  Result r = run(file);
  EXPECT_EQ(r.code, 0) << r.out << r.report;
  const json::Value& timeline = *r.json.find("timeline");
  ASSERT_EQ(timeline.items().size(), 2u);
  EXPECT_TRUE(timeline.items()[0].find("ok")->boolean());
  // Deliveries refused by the fault are still queued at the end, not lost.
  EXPECT_GT(number(r.json, {"messages", "deliveries", "inFlight"}), 0);
}

TEST_F(RunCommandTest, RedeploymentAzureRefusesKeepsTheOldOneAndIsReported) {
  const std::string timeline = R"(,
  "timeline": [{"at": "PT2M", "action": "patch", "resource": "hub",
                "patch": {"properties": {"routing": {"routes": [{"name": "all",
                  "source": "DeviceMessages", "condition": "bad ===", "endpointNames": ["cold"],
                  "isEnabled": true}]}}}}],
  "expect": [{"text": "still routed", "endpoint": "cold", "delivered": {"min": 500}})";
  // Expected: the refusal is reported and the old routes keep working.
  Result r = run(write("s.json", smallScenario("", timeline + R"(,
    {"text": "Azure refuses the condition", "deployment": "fails", "code": "IH400104",
     "at": "PT2M"}])")));
  EXPECT_EQ(r.code, 0) << r.out << r.report;
  const json::Value& event = r.json.find("timeline")->items().at(0);
  EXPECT_FALSE(event.find("ok")->boolean());
  EXPECT_TRUE(event.find("expected")->boolean());
  EXPECT_EQ(event.find("errors")->items().at(0).find("code")->text(), "IH400104");
  // Not expected: the run fails.
  Result u = run(write("u.json", smallScenario("", timeline + "]")), "u");
  EXPECT_EQ(u.code, 1) << u.out;
  EXPECT_NE(u.out.find("refused"), std::string::npos) << u.out;
  for (const json::Value& e : u.json.find("expectations")->items())
    EXPECT_TRUE(e.find("ok")->boolean());
}

TEST_F(RunCommandTest, ReadOnlyHubPropertiesCannotChangeOnTheTimeline) {
  Result r = run(write("s.json", smallScenario(R"("minTlsVersion": "1.2",)", R"(,
  "timeline": [{"at": "PT1M", "action": "patch", "resource": "hub",
                "patch": {"properties": {"minTlsVersion": null}}}],
  "expect": [{"text": "refused", "deployment": "fails", "at": "PT1M",
              "code": "PropertyReadOnlyAfterCreation"}])")));
  EXPECT_EQ(r.code, 0) << r.out << r.report;
}

TEST_F(RunCommandTest, NamesInExpectationsAndFaultsMustExist) {
  Result r = run(write("s.json", smallScenario("", R"(,
  "timeline": [{"at": "PT1M", "action": "fault", "endpoint": "colt", "error": "transient"}],
  "expect": [{"text": "typo", "endpoint": "col", "delivered": 0},
             {"text": "typo", "denial": {"source": "gg"}, "seen": false}])")));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("$.timeline[0].endpoint"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the hub has no endpoint 'col'; its endpoints: 'events', 'cold'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("$.expect[1].denial.source"), std::string::npos) << r.err;
}

TEST_F(RunCommandTest, UnexpectedDeploymentFailureExitsOneAndExpectedOneZero) {
  std::string bad_condition = smallScenario("", "");
  bad_condition.replace(bad_condition.find(R"("condition": "true")"), 19, R"("condition": "a = ")");
  Result r = run(write("a.json", bad_condition));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_FALSE(r.json.find("deployment")->find("ok")->boolean());
  EXPECT_EQ(r.json.find("deployment")->find("errors")->items().at(0).find("code")->text(),
            "IH400104");
  EXPECT_NE(r.out.find("deployment failed"), std::string::npos);
  EXPECT_EQ(number(r.json, {"metrics", "d2c.telemetry.ingress.allProtocol"}), 0);  // nothing ran

  std::string expected = bad_condition;
  expected.insert(expected.rfind('}'),
                  R"(, "expect": [{"text": "Azure refuses it", "deployment": "fails",
                                   "code": "IH400104"}])");
  Result e = run(write("b.json", expected));
  EXPECT_EQ(e.code, 0) << e.out;
}

TEST_F(RunCommandTest, FileErrorsExitTwoWithLineAndColumn) {
  Result r = run(write("bad.json", "{\"name\": \"x\", \"duration\": 5}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.json:1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("$.duration"), std::string::npos) << r.err;
  Result missing = run((dir_ / "nope.json").string());
  EXPECT_EQ(missing.code, 2);
}

TEST_F(RunCommandTest, BuiltInEndpointHasTheHubsPartitionCount) {
  std::string text =
      smallScenario(R"("eventHubEndpoints": {"events": {"partitionCount": 8}},)", "");
  const std::string to_cold = R"("endpointNames": ["cold"])";
  text.replace(text.find(to_cold), to_cold.size(), R"("endpointNames": ["events"])");
  Result r = run(write("s.json", text));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(number(r.json, {"endpoints", "events", "delivered"}), 600);
  std::filesystem::path events = dir_ / "r-out" / "iothub" / "hub" / "events";
  for (int p = 0; p < 8; ++p) {
    EXPECT_TRUE(std::filesystem::exists(events / ("partition-" + std::to_string(p) + ".ndjson")))
        << p;
  }
}

TEST_F(RunCommandTest, TraceHasOneLinePerOutcome) {
  cli::RunOptions o;
  o.scenario_file = write("s.json", smallScenario("", ""));
  o.trace_file = (dir_ / "trace.ndjson").string();
  o.out_dir = (dir_ / "out").string();
  o.quiet = true;
  std::ostringstream out, err;
  EXPECT_EQ(cli::runRun(o, out, err), 0) << err.str();
  auto text = readFile(o.trace_file);
  ASSERT_TRUE(text.ok());
  size_t lines = 0;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line); ++lines) {
    auto v = json::parse(line);
    ASSERT_TRUE(v.ok()) << line;
    EXPECT_EQ(v->find("outcome")->text(), "delivered");
    EXPECT_EQ(v->find("endpoint")->text(), "cold");
  }
  EXPECT_EQ(lines, 600u);
}

}  // namespace
}  // namespace routesim
