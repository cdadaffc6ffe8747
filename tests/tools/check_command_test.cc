// `routesim check`: findings, exit codes, the JSON shape, and agreement with `routesim run` on
// every bundled scenario (a check that says "denied" and a run that delivers are a bug).
#include "tools/routesim/check_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "core/common/file_io.h"
#include "core/common/json.h"
#include "tests/support/check_json.h"
#include "tests/support/temp_dir.h"
#include "tools/routesim/run_command.h"

namespace routesim {
namespace {

class CheckCommandTest : public ::testing::Test {
 protected:
  using Result = testing::CheckJson;
  Result check(const std::string& file) {
    cli::CheckOptions o;
    o.scenario_file = file;
    return testing::runCheckJson(o);
  }
  json::Value runReport(const std::string& file) {
    cli::RunOptions o;
    o.scenario_file = file;
    o.report_file = (dir_ / "report.json").string();
    o.out_dir = (dir_ / "out").string();
    o.quiet = true;
    std::ostringstream out, err;
    cli::runRun(o, out, err);
    auto text = readFile(o.report_file);
    EXPECT_TRUE(text.ok());
    auto parsed = json::parse(text.ok() ? *text : "{}");
    return parsed.ok() ? std::move(parsed).value() : json::Value();
  }

  testing::TempDir tmp_{"routesim-check-test"};
  const std::filesystem::path& dir_ = tmp_.path();
};

const std::string kScenarios = ROUTESIM_SCENARIOS_DIR;

std::set<std::string> findingSubjects(const json::Value& findings, std::string_view code) {
  std::set<std::string> out;
  for (const json::Value& f : findings.find("findings")->items()) {
    if (f.find("code")->text() != code) continue;
    // "endpoint 'x' ..." or "device group 'x': ..."
    std::string message(f.find("message")->text());
    size_t open = message.find('\'');
    out.insert(message.substr(open + 1, message.find('\'', open + 1) - open - 1));
  }
  return out;
}

TEST_F(CheckCommandTest, KeyBasedStorageBehindFirewallIsAnErrorWithAzuresAnswer) {
  Result r = check(kScenarios + "/storage-keybased-denied.scenario.json");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const json::Value& f = r.json.find("findings")->items().at(0);
  EXPECT_EQ(f.find("code")->text(), "EgressDenied");
  EXPECT_EQ(f.find("severity")->text(), "error");
  EXPECT_EQ(f.find("path")->text(),
            "$.resources[0].properties.routing.endpoints.storageContainers[0]");
  EXPECT_EQ(f.find("azure")->find("status")->number(), 403);
  EXPECT_EQ(f.find("azure")->find("code")->text(), "AuthorizationFailure");
  EXPECT_NE(f.find("fix")->text().find("identityBased"), std::string::npos);
}

TEST_F(CheckCommandTest, CleanScenarioHasNoErrors) {
  Result r = check(kScenarios + "/storage-trusted-services.scenario.json");
  EXPECT_EQ(r.code, 0) << r.out;
  for (const json::Value& f : r.json.find("findings")->items())
    EXPECT_NE(f.find("severity")->text(), "error") << f.compact();
}

TEST_F(CheckCommandTest, IngressDenialNamesTheGroupAndTheDecidingSetting) {
  Result r = check(kScenarios + "/tls-minimum-version.scenario.json");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(findingSubjects(r.json, "IngressDenied"), std::set<std::string>{"legacy-gateways"});
  const json::Value& f = r.json.find("findings")->items().at(0);
  EXPECT_TRUE(f.find("azure")->find("status")->is(json::Type::kNull));  // handshake refused
  EXPECT_EQ(f.find("azure")->find("code")->text(), "TlsVersionNotSupported");
}

TEST_F(CheckCommandTest, RoutesThatNeverMatchUnreachableEndpointsAndOrphans) {
  std::string text = R"({"name": "r", "duration": "PT5M",
    "resources": [{"type": "Microsoft.Devices/IotHubs", "name": "hub", "location": "eastus",
      "sku": {"name": "S1", "capacity": 1},
      "properties": {"routing": {
        "endpoints": {"eventHubs": [{"name": "spare",
          "connectionString": "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a2V5;EntityPath=h1"}]},
        "routes": [
          {"name": "hot", "source": "DeviceMessages", "condition": "$body.t > 50",
           "endpointNames": ["events"], "isEnabled": true},
          {"name": "never", "source": "DeviceMessages", "condition": "kind = 'z'",
           "endpointNames": ["events"], "isEnabled": true},
          {"name": "twins", "source": "TwinChangeEvents", "condition": "true",
           "endpointNames": ["events"], "isEnabled": true}]}}},
      {"type": "Microsoft.EventHub/namespaces", "name": "ns1", "location": "eastus",
       "sku": {"name": "Standard"}, "resources": [{"type": "eventhubs", "name": "h1"}]}],
    "devices": [{"group": "g", "count": 5}],
    "traffic": [{"group": "g", "ratePerDevice": "1/10s", "appProperties": {"kind": "x"},
                 "contentType": "application/json", "contentEncoding": "utf-8",
                 "template": "{\"t\": $.T}", "variables": [{"name": "T", "random": true, "min": 0, "max": 100}]}]})";
  std::string file = (dir_ / "s.json").string();
  std::ofstream(file) << text;
  Result r = check(file);
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // warnings only
  std::map<std::string, std::string> codes;
  for (const json::Value& f : r.json.find("findings")->items())
    codes[std::string(f.find("code")->text())] = std::string(f.find("message")->text());
  EXPECT_NE(codes["RouteNeverMatches"].find("route 'never'"), std::string::npos) << r.out;
  EXPECT_NE(codes["RouteSourceWithoutTraffic"].find("route 'twins'"), std::string::npos) << r.out;
  EXPECT_NE(codes["EndpointUnreachable"].find("'spare'"), std::string::npos) << r.out;
  EXPECT_NE(codes["OrphanedMessages"].find("match no route"), std::string::npos) << r.out;
}

// SARIF 2.1.0's required fields (sarif-schema-2.1.0.json): version, runs[].tool.driver.name,
// results[].message.text; ruleId naming a rule of the driver; level one of the schema's values.
TEST_F(CheckCommandTest, SarifHasTheSchemasRequiredFields) {
  cli::CheckOptions o;
  o.scenario_file = kScenarios + "/storage-keybased-denied.scenario.json";
  o.format = "sarif";
  std::ostringstream out, err;
  EXPECT_EQ(cli::runCheck(o, out, err), 1);
  auto sarif = json::parse(out.str());
  ASSERT_TRUE(sarif.ok()) << out.str();
  EXPECT_EQ(sarif->find("version")->text(), "2.1.0");
  const json::Value& run = sarif->find("runs")->items().at(0);
  const json::Value& driver = *run.find("tool")->find("driver");
  EXPECT_EQ(driver.find("name")->text(), "routesim");
  std::set<std::string> rules;
  for (const json::Value& r : driver.find("rules")->items())
    rules.insert(std::string(r.find("id")->text()));
  const json::Value& results = *run.find("results");
  ASSERT_EQ(results.items().size(), 1u);
  for (const json::Value& r : results.items()) {
    EXPECT_TRUE(rules.count(std::string(r.find("ruleId")->text())));
    std::string level(r.find("level")->text());
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note" || level == "none");
    EXPECT_FALSE(r.find("message")->find("text")->text().empty());
    const json::Value& physical = *r.find("locations")->items().at(0).find("physicalLocation");
    EXPECT_EQ(physical.find("artifactLocation")->find("uri")->text(), o.scenario_file);
    EXPECT_EQ(physical.find("region")->find("startLine")->number(), 20);  // the endpoint object
  }
}

// Conditions no message can satisfy, found statically (the sample would not tell a route that
// matches nothing yet from one that never can).
TEST_F(CheckCommandTest, ContradictionsAreErrorsAndSatisfiableConditionsAreNot) {
  std::string text = R"X({"name": "m", "duration": "PT1M",
 "resources": [{"type": "Microsoft.Devices/IotHubs", "name": "h", "location": "eastus", "sku": {"name": "S1", "capacity": 1},
   "properties": {"routing": {"routes": [
     {"name": "r1", "source": "DeviceMessages", "condition": "a = 'x' AND a = 'y'", "endpointNames": ["events"], "isEnabled": true},
     {"name": "r2", "source": "DeviceMessages", "condition": "$body.t > 5 AND b = 'q' AND $body.t < 3", "endpointNames": ["events"], "isEnabled": true},
     {"name": "r3", "source": "DeviceMessages", "condition": "$body.t >= 5 AND $body.t <= 5 AND $body.t <> 5", "endpointNames": ["events"], "isEnabled": true},
     {"name": "r4", "source": "DeviceMessages", "condition": "$body.t >= 5 AND $body.t <= 5", "endpointNames": ["events"], "isEnabled": true},
     {"name": "r5", "source": "DeviceMessages", "condition": "(a = 'x' OR a = 'y') AND a <> 'z'", "endpointNames": ["events"], "isEnabled": true},
     {"name": "r6", "source": "DeviceMessages", "condition": "5 < $body.t AND $body.t < 5", "endpointNames": ["events"], "isEnabled": true},
     {"name": "r7", "source": "DeviceMessages", "condition": "a = 'x' AND A = 'y'", "endpointNames": ["events"], "isEnabled": true},
     {"name": "r8", "source": "DeviceMessages", "condition": "$body.t = 1 AND $body.T = 2", "endpointNames": ["events"], "isEnabled": true}],
     "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true", "endpointNames": ["events"], "isEnabled": true}}}}],
 "devices": [{"group": "g", "count": 3}],
 "traffic": [{"group": "g", "ratePerDevice": "1/s", "appProperties": {"a": "x"}, "contentType": "application/json", "contentEncoding": "utf-8", "template": "{\"t\": 5}"}]})X";
  std::string file = (dir_ / "c.json").string();
  std::ofstream(file) << text;
  Result r = check(file);
  EXPECT_EQ(r.code, 1);
  std::set<std::string> never;
  std::map<std::string, std::string> why;
  for (const json::Value& f : r.json.find("findings")->items()) {
    if (f.find("code")->text() != "ConditionNeverTrue") continue;
    std::string message(f.find("message")->text());
    std::string route = message.substr(7, message.find('\'', 7) - 7);  // route 'NAME' ...
    never.insert(route);
    why[route] = message;
  }
  // r4 (t = 5 exactly) and r5 (an OR inside the AND) can be true; property names ignore letter
  // case (r7: one property), $body paths do not (r8: two members).
  EXPECT_EQ(never, (std::set<std::string>{"r1", "r2", "r3", "r6", "r7"})) << r.out;
  // The comparisons named in the order they are written.
  EXPECT_NE(why["r2"].find("satisfies $body.t > 5 AND $body.t < 3"), std::string::npos)
      << why["r2"];
}

// Why a route never matches, when the sample shows it: bodies IoT Hub cannot read, a property
// no device sends.
TEST_F(CheckCommandTest, ExplainsBodyWithoutJsonAndPropertiesNeverSent) {
  std::string text = R"({"name": "m", "duration": "PT1M",
    "resources": [{"type": "Microsoft.Devices/IotHubs", "name": "h", "location": "eastus",
      "sku": {"name": "S1", "capacity": 1}, "properties": {"routing": {"routes": [
        {"name": "hot", "source": "DeviceMessages", "condition": "$body.t > 1",
         "endpointNames": ["events"], "isEnabled": true},
        {"name": "zone", "source": "DeviceMessages", "condition": "zone = 'b' OR Level = 'x'",
         "endpointNames": ["events"], "isEnabled": true},
        {"name": "lvl", "source": "DeviceMessages", "condition": "LEVEL = 'critical'",
         "endpointNames": ["events"], "isEnabled": true}],
      "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                        "endpointNames": ["events"], "isEnabled": true}}}}],
    "devices": [{"group": "g", "count": 3}],
    "traffic": [{"group": "g", "ratePerDevice": "1/s", "appProperties": {"level": "critical"},
                 "template": "{\"t\": 5}"}]})";
  std::string file = (dir_ / "b.json").string();
  std::ofstream(file) << text;
  Result r = check(file);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::map<std::string, std::string> codes;
  for (const json::Value& f : r.json.find("findings")->items())
    codes[std::string(f.find("code")->text())] = std::string(f.find("message")->text());
  EXPECT_EQ(codes.size(), 2u) << r.out;  // 'lvl' matches: property names ignore letter case
  EXPECT_NE(codes["BodyConditionWithoutJson"].find("route 'hot'"), std::string::npos) << r.out;
  EXPECT_NE(codes["PropertyNeverSent"].find("route 'zone' tests application property 'zone'"),
            std::string::npos)
      << r.out;
}

// Payloads just under 256 KB pass ingress; the endpoint's enrichment pushes them over.
TEST_F(CheckCommandTest, EnrichmentsOverTheSizeLimitAreFoundAndSmallPayloadsAreNot) {
  auto scenario = [](int size) {
    return R"({"name": "e", "duration": "PT1M",
      "resources": [{"type": "Microsoft.Devices/IotHubs", "name": "h", "location": "eastus",
        "sku": {"name": "S1", "capacity": 1}, "properties": {"routing": {
          "routes": [{"name": "all", "source": "DeviceMessages", "condition": "true",
                      "endpointNames": ["events"], "isEnabled": true}],
          "enrichments": [{"key": "site", "value": "plant-seven-assembly-line-four",
                           "endpointNames": ["events"]}]}}}],
      "devices": [{"group": "g", "count": 2}],
      "traffic": [{"group": "g", "ratePerDevice": "1/10s",
                   "payloads": [{"percent": 100, "fixSize": )" +
           std::to_string(size) + "}]}]}";
  };
  std::string big = (dir_ / "big.json").string();
  std::ofstream(big) << scenario(262000);
  Result r = check(big);
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // a warning
  ASSERT_EQ(r.json.find("findings")->items().size(), 1u) << r.out;
  EXPECT_EQ(r.json.find("findings")->items()[0].find("code")->text(), "EnrichedMessageTooLarge");
  // A few bytes more and the stamped message itself is over the limit: refused at ingress (as
  // `routesim run` counts it, "too large"), never routed, so no enrichment finding.
  std::string huge = (dir_ / "huge.json").string();
  std::ofstream(huge) << scenario(262130);
  Result h = check(huge);
  EXPECT_EQ(h.code, 1) << h.out;
  ASSERT_EQ(h.json.find("findings")->items().size(), 1u) << h.out;
  const json::Value& too_large = h.json.find("findings")->items()[0];
  EXPECT_EQ(too_large.find("code")->text(), "MessageTooLarge");
  EXPECT_EQ(too_large.find("path")->text(), "$.traffic[0]");
  EXPECT_EQ(too_large.find("azure")->find("status")->number(), 413);

  std::string small = (dir_ / "small.json").string();
  std::ofstream(small) << scenario(1000);
  Result s = check(small);
  EXPECT_EQ(s.code, 0);
  EXPECT_TRUE(s.json.find("findings")->items().empty()) << s.out;
}

// The timeline's configuration changes are redeployed as `routesim run` redeploys them: a refused
// change is an error at the change; a change that shuts out devices or stops an endpoint is found
// from its time on; a role assigned on the timeline is denied while it propagates (a warning with
// its window). Denials already found at the start are not repeated.
TEST_F(CheckCommandTest, TimelineChangesAreCheckedFromTheirTime) {
  std::string text = R"({"name": "t", "duration": "PT30M",
    "resources": [
      {"type": "Microsoft.Devices/IotHubs", "name": "hub", "location": "westeurope",
       "sku": {"name": "S1", "capacity": 1}, "identity": {"type": "SystemAssigned"},
       "properties": {"routing": {
         "endpoints": {"storageContainers": [{"name": "archive", "authenticationType": "identityBased",
           "endpointUri": "https://acct.blob.core.windows.net/", "containerName": "c",
           "fileNameFormat": "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}"}]},
         "routes": [{"name": "all", "source": "DeviceMessages", "condition": "true",
                     "endpointNames": ["archive"], "isEnabled": true}]}}},
      {"type": "Microsoft.Storage/storageAccounts", "name": "acct", "location": "westeurope",
       "sku": {"name": "Standard_LRS"}, "containers": ["c"],
       "properties": {"networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"}}},
      {"type": "Microsoft.Authorization/roleAssignments", "name": "writer",
       "properties": {"principalId": "hub", "roleDefinitionName": "Storage Blob Data Contributor",
                      "scope": "acct"}}],
    "devices": [{"group": "g", "count": 4, "tlsVersion": "1.2"}],
    "traffic": [{"group": "g", "ratePerDevice": "1/m", "template": "{}"}],
    "timeline": [
      {"at": "PT5M", "action": "set", "resource": "hub", "path": "properties.publicNetworkAccess",
       "value": "Disabled"},
      {"at": "PT6M", "action": "set", "resource": "hub", "path": "properties.minTlsVersion",
       "value": "1.2"},
      {"at": "PT7M", "action": "remove", "resource": "writer"},
      {"at": "PT8M", "action": "remove", "resource": "nothing-by-this-name"},
      {"at": "PT10M", "action": "add", "resource": {"type": "Microsoft.Authorization/roleAssignments",
       "name": "writer-again", "properties": {"principalId": "hub",
       "roleDefinitionName": "Storage Blob Data Contributor", "scope": "acct"}}},
      {"at": "PT12M", "action": "set", "resource": "hub", "path": "properties.publicNetworkAccess",
       "value": "Enabled"},
      {"at": "PT13M", "action": "set", "resource": "hub", "path": "properties.publicNetworkAccess",
       "value": "Disabled"},
      {"at": "PT14M", "action": "remove", "resource": "hub"}]})";
  std::string file = (dir_ / "t.json").string();
  std::ofstream(file) << text;
  Result r = check(file);
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  std::vector<std::string> seen;
  for (const json::Value& f : r.json.find("findings")->items()) {
    seen.push_back(std::string(f.find("code")->text()) + " " + std::string(f.find("path")->text()));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "IngressDenied $.timeline[0]",
                      "PropertyReadOnlyAfterCreation $.timeline[1]",
                      "EgressDenied $.timeline[2]",
                      "ResourceNotFound $.timeline[3].resource",
                      "RolePropagationDelay $.timeline[4]",
                      "MissingHub $.timeline[7]",
                  }))
      << r.out;
  const json::Value& items = *r.json.find("findings");
  EXPECT_NE(items.items()[0].find("message")->text().find("from PT5M on"), std::string::npos);
  EXPECT_EQ(items.items()[0].find("azure")->find("code")->text(), "IotHubUnauthorizedAccess");
  EXPECT_EQ(items.items()[2].find("azure")->find("code")->text(),
            "AuthorizationPermissionMismatch");
  const json::Value& propagation = items.items()[4];
  EXPECT_EQ(propagation.find("severity")->text(), "warning");
  EXPECT_NE(propagation.find("message")->text().find("from PT10M until PT15M"), std::string::npos)
      << propagation.find("message")->text();
  EXPECT_NE(propagation.find("message")->text().find("'writer-again'"), std::string::npos);
}

// An ARM deployment template is checked as a scenario without devices or traffic: its
// parameters' defaults or a parameters file, expressions evaluated, findings located in the
// template.
TEST_F(CheckCommandTest, ArmTemplatesAreCheckedWithTheirParameters) {
  const std::string tmpl = kScenarios + "/arm/hub-to-firewalled-storage.json";
  Result defaults = check(tmpl);
  EXPECT_EQ(defaults.code, 1) << defaults.out << defaults.err;
  ASSERT_EQ(defaults.json.find("findings")->items().size(), 1u) << defaults.out;
  const json::Value& f = defaults.json.find("findings")->items()[0];
  EXPECT_EQ(f.find("code")->text(), "EgressDenied");
  EXPECT_EQ(f.find("path")->text(),
            "$.resources[1].properties.routing.endpoints.storageContainers[0]");
  EXPECT_EQ(f.find("azure")->find("code")->text(), "AuthorizationFailure");  // keyBased default

  cli::CheckOptions o;
  o.scenario_file = tmpl;
  o.parameters_file = kScenarios + "/arm/hub-to-firewalled-storage.parameters.json";
  o.format = "json";
  std::ostringstream out, err;
  EXPECT_EQ(cli::runCheck(o, out, err), 0) << out.str() << err.str();  // identity + role: clean
  EXPECT_NE(out.str().find("\"findings\": []"), std::string::npos) << out.str();

  // Text output points into the template: line and column of the endpoint.
  o.parameters_file.clear();
  o.format = "text";
  std::ostringstream text, text_err;
  EXPECT_EQ(cli::runCheck(o, text, text_err), 1);
  EXPECT_NE(text.str().find("hub-to-firewalled-storage.json:48:15: error EgressDenied"),
            std::string::npos)
      << text.str();
}

TEST_F(CheckCommandTest, ArmTemplatePathsSkipResourcesWhoseConditionIsFalse) {
  std::string text =
      R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {"condition": false, "type": "Microsoft.Storage/storageAccounts", "name": "unused"},
    {"type": "Microsoft.Devices/IotHubs", "name": "h", "location": "eastus",
     "sku": {"name": "S1", "capacity": 1},
     "properties": {"routing": {"routes": [{"name": "never", "source": "DeviceMessages",
       "condition": "[concat('a = ', '''x'' AND a = ''y''')]", "endpointNames": ["events"],
       "isEnabled": true}]}}}]})";
  std::string file = (dir_ / "t.json").string();
  std::ofstream(file) << text;
  Result r = check(file);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  ASSERT_EQ(r.json.find("findings")->items().size(), 1u) << r.out;
  EXPECT_EQ(r.json.find("findings")->items()[0].find("code")->text(), "ConditionNeverTrue");
  EXPECT_EQ(r.json.find("findings")->items()[0].find("path")->text(),
            "$.resources[1].properties.routing.routes[0]");
}

TEST_F(CheckCommandTest, ArmTemplateErrorsExitTwoWithWhere) {
  std::string text =
      R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {"hub": {"type": "string"}},
  "resources": [{"type": "Microsoft.Devices/IotHubs", "name": "[parameters('hub')]"}]})";
  std::string file = (dir_ / "bad.json").string();
  std::ofstream(file) << text;
  Result r = check(file);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.json:3:65: error: $.resources[0].name"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("parameter 'hub' has no value"), std::string::npos) << r.err;
  // --parameters with a scenario file is a usage error.
  cli::CheckOptions o;
  o.scenario_file = kScenarios + "/storage-keybased-denied.scenario.json";
  o.parameters_file = file;
  std::ostringstream out, err;
  EXPECT_EQ(cli::runCheck(o, out, err), 2);
  EXPECT_NE(err.str().find("--parameters goes with an ARM template"), std::string::npos);
}

TEST_F(CheckCommandTest, BadFilesAndOptionsExitTwo) {
  std::string file = (dir_ / "bad.json").string();
  std::ofstream(file) << "{\"name\": 1}";
  EXPECT_EQ(check(file).code, 2);
  cli::CheckOptions o;
  o.scenario_file = kScenarios + "/storage-trusted-services.scenario.json";
  o.format = "yaml";
  std::ostringstream out, err;
  EXPECT_EQ(cli::runCheck(o, out, err), 2);
}

// The same decisions as `routesim run`: on every bundled scenario, the endpoints check says are
// denied (at the start, after a change of the timeline, or while a new role propagates) are the
// ones the run reports egress denials for, and the groups check says are turned away are the
// ones the run reports ingress denials for.
TEST_F(CheckCommandTest, AgreesWithRunOnEveryBundledScenario) {
  size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kScenarios)) {
    std::string path = entry.path().string();
    if (path.size() < 14 || path.substr(path.size() - 14) != ".scenario.json") continue;
    auto text = readFile(path);
    ASSERT_TRUE(text.ok());
    auto doc = json::parse(*text);
    ASSERT_TRUE(doc.ok()) << path;
    // The load scenario's run is the replay benchmark (long under sanitizers); it has no denials.
    double devices = 0;
    for (const json::Value& g : doc->find("devices")->items())
      devices += g.find("count") ? g.find("count")->number() : 1;
    if (devices > 1000) continue;
    Result c = check(path);
    ASSERT_NE(c.code, 2) << path << c.err;
    json::Value report = runReport(path);
    if (!report.find("deployment")->find("ok")->boolean()) continue;
    std::set<std::string> egress, ingress;
    for (const json::Value& d : report.find("denials")->items()) {
      (d.find("kind")->text() == "egress" ? egress : ingress)
          .insert(std::string(d.find("source")->text()));
    }
    std::set<std::string> denied = findingSubjects(c.json, "EgressDenied");
    denied.merge(findingSubjects(c.json, "RolePropagationDelay"));
    EXPECT_EQ(denied, egress) << path;
    EXPECT_EQ(findingSubjects(c.json, "IngressDenied"), ingress) << path;
    ++compared;
  }
  EXPECT_GE(compared, 12u);
}

}  // namespace
}  // namespace routesim
