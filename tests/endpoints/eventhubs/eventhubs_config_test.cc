#include "endpoints/eventhubs/eventhubs_config.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "endpoints/eventhubs/eventhubs_endpoint.h"
#include "endpoints/eventhubs/eventhubs_namespace.h"

namespace routesim::endpoints::eventhubs {
namespace {

struct ArmRead {
  std::vector<NamespaceConfig> namespaces;
  ConfigIssues issues;
};

// Parses a template text and reads its "resources" at "$.resources".
ArmRead readTemplate(std::string_view text) {
  ArmRead r;
  auto root = json::parse(text);
  EXPECT_TRUE(root.ok()) << "test JSON does not parse: " << text;
  if (!root.ok()) return r;
  const json::Value* resources = root->find("resources");
  EXPECT_NE(resources, nullptr);
  if (resources == nullptr) return r;
  r.namespaces = readArmNamespaces(*resources, "$.resources", r.issues);
  return r;
}

// A template whose resources array is `resources` (JSON text of the items).
std::string withResources(std::string_view resources) {
  return R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [)" +
         std::string(resources) + "]}";
}

std::string dump(const ConfigIssues& issues) {
  std::string out;
  for (const ConfigIssue& i : issues.items()) {
    out += (i.severity == ConfigIssue::Severity::kError ? "error " : "warning ") + i.code + " " +
           i.path + " @" + std::to_string(i.offset) + ": " + i.message + "\n";
  }
  return out;
}

// The one issue with `code`; fails the test when there is not exactly one.
const ConfigIssue& single(const ConfigIssues& issues, std::string_view code) {
  static const ConfigIssue kNone{};
  const ConfigIssue* found = nullptr;
  int n = 0;
  for (const ConfigIssue& i : issues.items()) {
    if (i.code == code) {
      found = &i;
      ++n;
    }
  }
  EXPECT_EQ(n, 1) << "issues with code " << code << ":\n" << dump(issues);
  return found == nullptr ? kNone : *found;
}

constexpr std::string_view kNamespaceHead =
    R"({"type": "Microsoft.EventHub/namespaces", "apiVersion": "2024-01-01", "name": "contoso-ns", "location": "westeurope")";

// ---------------------------------------------------------------------------------------------
// ARM: shapes accepted

TEST(ArmNamespacesTest, ReadsNestedAndTopLevelChildResources) {
  const std::string text = withResources(R"(
    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "st1",
     "properties": {"whatever": 1}},
    {"type": "Microsoft.EventHub/namespaces", "apiVersion": "2024-01-01", "name": "contoso-ns",
     "location": "westeurope",
     "sku": {"name": "Standard", "tier": "Standard", "capacity": 2},
     "identity": {"type": "SystemAssigned"}, "tags": {"env": "dev"},
     "properties": {"minimumTlsVersion": "1.2", "publicNetworkAccess": "Enabled",
                    "disableLocalAuth": false, "zoneRedundant": true},
     "resources": [
       {"type": "eventhubs", "apiVersion": "2024-01-01", "name": "telemetry",
        "dependsOn": ["[resourceId('Microsoft.EventHub/namespaces', 'contoso-ns')]"],
        "properties": {"partitionCount": 8, "messageRetentionInDays": 3, "status": "Active",
                       "captureDescription": {"enabled": false}},
        "resources": [{"type": "consumergroups", "apiVersion": "2024-01-01", "name": "analytics",
                       "properties": {"userMetadata": "stream analytics"}}]},
       {"type": "networkRuleSets", "apiVersion": "2024-01-01", "name": "default",
        "properties": {"defaultAction": "Deny", "ipRules": [{"ipMask": "10.0.0.0/8"}]}},
       {"type": "Microsoft.EventHub/namespaces/eventhubs", "apiVersion": "2024-01-01",
        "name": "contoso-ns/alerts", "properties": {"partitionCount": 2}},
       {"type": "eventhubs/consumergroups", "name": "alerts/ops"},
       {"type": "authorizationRules", "name": "send", "properties": {"rights": ["Send"]}}
     ]},
    {"type": "Microsoft.EventHub/namespaces/eventhubs", "apiVersion": "2024-01-01",
     "name": "contoso-ns/audit",
     "properties": {"retentionDescription": {"cleanupPolicy": "Delete",
                                             "retentionTimeInHours": 36}}},
    {"type": "Microsoft.EventHub/namespaces/eventhubs/consumergroups", "apiVersion": "2024-01-01",
     "name": "contoso-ns/audit/archiver"},
    {"type": "Microsoft.EventHub/namespaces/networkRuleSets", "apiVersion": "2024-01-01",
     "name": "contoso-ns/default", "properties": {"defaultAction": "Allow"}},
    {"type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "contoso-hub"}
  )");
  ArmRead r = readTemplate(text);
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  ASSERT_EQ(r.namespaces.size(), 1u);
  const NamespaceConfig& ns = r.namespaces[0];
  EXPECT_EQ(ns.name, "contoso-ns");
  EXPECT_EQ(ns.location, "westeurope");
  EXPECT_EQ(ns.sku, "Standard");
  EXPECT_EQ(ns.capacity, 2);
  EXPECT_EQ(ns.path, "$.resources[1]");
  ASSERT_EQ(ns.hubs.size(), 3u);

  EXPECT_EQ(ns.hubs[0].name, "telemetry");
  EXPECT_EQ(ns.hubs[0].partition_count, 8u);
  EXPECT_EQ(ns.hubs[0].retention_ns, 3 * kNsPerDay);
  EXPECT_EQ(ns.hubs[0].status, "Active");
  EXPECT_EQ(ns.hubs[0].max_event_bytes, kMaxEventBytes);
  EXPECT_EQ(ns.hubs[0].consumer_groups, (std::vector<std::string>{"$Default", "analytics"}));

  EXPECT_EQ(ns.hubs[1].name, "alerts");
  EXPECT_EQ(ns.hubs[1].partition_count, 2u);
  EXPECT_EQ(ns.hubs[1].retention_ns, kNsPerDay);  // default
  EXPECT_EQ(ns.hubs[1].consumer_groups, (std::vector<std::string>{"$Default", "ops"}));

  EXPECT_EQ(ns.hubs[2].name, "audit");
  EXPECT_EQ(ns.hubs[2].partition_count, 4u);  // default
  EXPECT_EQ(ns.hubs[2].retention_ns, 36 * kNsPerHour);
  EXPECT_EQ(ns.hubs[2].consumer_groups, (std::vector<std::string>{"$Default", "archiver"}));
}

TEST(ArmNamespacesTest, NamespacesBuildHubsFoundByNameIgnoringCase) {
  ArmRead r = readTemplate(withResources(std::string(kNamespaceHead) + R"(,
     "resources": [{"type": "eventhubs", "name": "Telemetry"}]})"));
  ASSERT_EQ(r.namespaces.size(), 1u);
  auto ns = Namespace::create(r.namespaces[0], EmulatorContext{});
  ASSERT_TRUE(ns.ok()) << ns.error().message();
  EXPECT_EQ((*ns)->host(), "contoso-ns.servicebus.windows.net");
  ASSERT_NE((*ns)->find("telemetry"), nullptr);
  EXPECT_EQ((*ns)->find("TELEMETRY")->namespaceName(), "contoso-ns");
  auto missing = (*ns)->get("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(),
            "The messaging entity 'sb://contoso-ns.servicebus.windows.net/nope' could not be "
            "found. To know more visit https://aka.ms/sbResourceMgrExceptions.");
  auto twice = EventHub::create(EventHubConfig{"TELEMETRY"});
  EXPECT_FALSE((*ns)->add(*twice).ok());
}

TEST(ArmNamespacesTest, TopLevelChildrenMayComeBeforeTheirNamespace) {
  ArmRead r = readTemplate(withResources(R"(
    {"type": "Microsoft.EventHub/namespaces/eventhubs/consumergroups", "name": "contoso-ns/h/g"},
    {"type": "Microsoft.EventHub/namespaces/eventhubs", "name": "contoso-ns/h"},
    {"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns"})"));
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  ASSERT_EQ(r.namespaces.size(), 1u);
  ASSERT_EQ(r.namespaces[0].hubs.size(), 1u);
  EXPECT_EQ(r.namespaces[0].hubs[0].consumer_groups, (std::vector<std::string>{"$Default", "g"}));
}

TEST(ArmNamespacesTest, TypesAndKeysMatchIgnoringCase) {
  ArmRead r = readTemplate(withResources(R"(
    {"Type": "microsoft.eventhub/NAMESPACES", "Name": "contoso-ns", "SKU": {"Name": "premium"},
     "Resources": [{"TYPE": "EventHubs", "name": "h",
                    "Properties": {"PartitionCount": 64, "MessageRetentionInDays": 30}}]})"));
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  ASSERT_EQ(r.namespaces.size(), 1u);
  EXPECT_EQ(r.namespaces[0].sku, "Premium");
  ASSERT_EQ(r.namespaces[0].hubs.size(), 1u);
  EXPECT_EQ(r.namespaces[0].hubs[0].partition_count, 64u);
  EXPECT_EQ(r.namespaces[0].hubs[0].retention_ns, 30 * kNsPerDay);
}

TEST(ArmNamespacesTest, DefaultConsumerGroupMayBeDeclared) {
  ArmRead r = readTemplate(withResources(std::string(kNamespaceHead) + R"(,
     "resources": [{"type": "eventhubs", "name": "h",
                    "resources": [{"type": "consumergroups", "name": "$Default"}]}]})"));
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  EXPECT_EQ(r.namespaces[0].hubs[0].consumer_groups, (std::vector<std::string>{"$Default"}));
}

// ---------------------------------------------------------------------------------------------
// ARM: errors and warnings with their JSON paths

TEST(ArmNamespacesTest, PartitionCountOutOfRangeNamesItsPath) {
  const std::string text = withResources(std::string(kNamespaceHead) + R"(},
    {"type": "Microsoft.EventHub/namespaces/eventhubs", "name": "contoso-ns/h1",
     "properties": {"partitionCount": 40}},
    {"type": "Microsoft.EventHub/namespaces/eventhubs", "name": "contoso-ns/h2",
     "properties": {"partitionCount": 0}})");
  ArmRead r = readTemplate(text);
  ASSERT_EQ(r.issues.errorCount(), 2u) << dump(r.issues);
  const ConfigIssue& first = r.issues.items()[0];
  EXPECT_EQ(first.code, "ValueOutOfRange");
  EXPECT_EQ(first.path, "$.resources[1].properties.partitionCount");
  EXPECT_EQ(first.message,
            "partitionCount must be between 1 and 32 in a Standard namespace, found 40");
  EXPECT_EQ(first.offset, text.find("40"));
  EXPECT_EQ(r.issues.items()[1].path, "$.resources[2].properties.partitionCount");
  // The hubs are still there, with the default partition count.
  ASSERT_EQ(r.namespaces[0].hubs.size(), 2u);
  EXPECT_EQ(r.namespaces[0].hubs[0].partition_count, 4u);
}

TEST(ArmNamespacesTest, PremiumAllowsAHundredPartitions) {
  ArmRead r = readTemplate(withResources(R"(
    {"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns", "sku": {"name": "Premium"},
     "resources": [{"type": "eventhubs", "name": "ok", "properties": {"partitionCount": 100}},
                   {"type": "eventhubs", "name": "no", "properties": {"partitionCount": 101}}]})"));
  const ConfigIssue& e = single(r.issues, "ValueOutOfRange");
  EXPECT_EQ(e.path, "$.resources[0].resources[1].properties.partitionCount");
  EXPECT_EQ(e.message,
            "partitionCount must be between 1 and 100 in a Premium namespace, found 101");
}

TEST(ArmNamespacesTest, RetentionLimitsFollowTheTier) {
  ArmRead r = readTemplate(withResources(R"(
    {"type": "Microsoft.EventHub/namespaces", "name": "basic-ns", "sku": {"name": "Basic"},
     "resources": [{"type": "eventhubs", "name": "h",
                    "properties": {"messageRetentionInDays": 2}}]},
    {"type": "Microsoft.EventHub/namespaces", "name": "standard-ns",
     "resources": [{"type": "eventhubs", "name": "h",
                    "properties": {"messageRetentionInDays": 8,
                                   "retentionDescription": {"retentionTimeInHours": 169}}}]})"));
  ASSERT_EQ(r.issues.errorCount(), 3u) << dump(r.issues);
  EXPECT_EQ(r.issues.items()[0].path,
            "$.resources[0].resources[0].properties.messageRetentionInDays");
  EXPECT_EQ(r.issues.items()[0].message,
            "The value '2' for MessageRetentionInDays isn't valid for the Basic tier: it must be "
            "between 1 and 1 day(s)");
  EXPECT_EQ(r.issues.items()[1].path,
            "$.resources[1].resources[0].properties.messageRetentionInDays");
  EXPECT_EQ(r.issues.items()[2].path,
            "$.resources[1].resources[0].properties.retentionDescription.retentionTimeInHours");
  EXPECT_EQ(r.issues.items()[2].message,
            "retentionTimeInHours must be between 1 and 168 in a Standard namespace, found 169");
  // Basic namespaces refuse events over 256 KB.
  EXPECT_EQ(r.namespaces[0].hubs[0].max_event_bytes, kBasicMaxEventBytes);
}

TEST(ArmNamespacesTest, RetentionHoursOverrideDaysWithAWarning) {
  ArmRead r = readTemplate(withResources(std::string(kNamespaceHead) + R"(,
     "resources": [{"type": "eventhubs", "name": "h",
                    "properties": {"messageRetentionInDays": 1,
                                   "retentionDescription": {"cleanupPolicy": "Compact",
                                                            "retentionTimeInHours": 12,
                                                            "tombstoneRetentionTimeInHours": 1}}}]})"));
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
  EXPECT_EQ(single(r.issues, "RetentionOverridden").path,
            "$.resources[0].resources[0].properties.retentionDescription.retentionTimeInHours");
  EXPECT_EQ(single(r.issues, "NotEmulated").path,
            "$.resources[0].resources[0].properties.retentionDescription.cleanupPolicy");
  EXPECT_EQ(r.namespaces[0].hubs[0].retention_ns, 12 * kNsPerHour);
}

TEST(ArmNamespacesTest, StatusMustBeOneTheEmulatorActsOn) {
  ArmRead r = readTemplate(withResources(std::string(kNamespaceHead) + R"(,
     "resources": [{"type": "eventhubs", "name": "a", "properties": {"status": "sendDisabled"}},
                   {"type": "eventhubs", "name": "b", "properties": {"status": "Restoring"}}]})"));
  const ConfigIssue& e = single(r.issues, "InvalidEntityStatus");
  EXPECT_EQ(e.path, "$.resources[0].resources[1].properties.status");
  EXPECT_EQ(r.namespaces[0].hubs[0].status, "SendDisabled");
}

TEST(ArmNamespacesTest, MisspelledKeysOfInterpretedObjectsWarn) {
  const std::string text = withResources(R"(
    {"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns", "skus": {"name": "Basic"},
     "properties": {"minimumTlsVersion": "1.2", "minTls": "1.2"},
     "resources": [{"type": "eventhubs", "name": "h",
                    "properties": {"partitionCont": 8, "retentionDescription": {"hours": 2}}}]})");
  ArmRead r = readTemplate(text);
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
  std::vector<std::string> paths;
  for (const ConfigIssue& i : r.issues.items()) {
    EXPECT_EQ(i.code, "UnknownProperty");
    paths.push_back(i.path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "$.resources[0].properties.minTls",
                       "$.resources[0].skus",
                       "$.resources[0].resources[0].properties.retentionDescription.hours",
                       "$.resources[0].resources[0].properties.partitionCont",
                   }))
      << dump(r.issues);
  EXPECT_EQ(r.issues.items()[0].offset, text.find("\"minTls\""));
}

TEST(ArmNamespacesTest, MisspelledChildTypeWarns) {
  ArmRead r = readTemplate(withResources(std::string(kNamespaceHead) + R"(,
     "resources": [{"type": "eventhub", "name": "h"}]})"));
  const ConfigIssue& w = single(r.issues, "UnknownResourceType");
  EXPECT_EQ(w.severity, ConfigIssue::Severity::kWarning);
  EXPECT_EQ(w.path, "$.resources[0].resources[0].type");
  EXPECT_EQ(
      w.message,
      "resource type 'Microsoft.EventHub/namespaces/eventhub' is not emulated and is ignored");
  EXPECT_TRUE(r.namespaces[0].hubs.empty());
}

TEST(ArmNamespacesTest, ChildWithoutItsNamespaceIsParentNotFound) {
  ArmRead r = readTemplate(withResources(std::string(kNamespaceHead) + R"(},
    {"type": "Microsoft.EventHub/namespaces/eventhubs", "name": "other-ns/h"},
    {"type": "Microsoft.EventHub/namespaces/eventhubs/consumergroups",
     "name": "contoso-ns/missing/g"})"));
  ASSERT_EQ(r.issues.errorCount(), 2u) << dump(r.issues);
  EXPECT_EQ(r.issues.items()[0].code, "ParentNotFound");
  EXPECT_EQ(r.issues.items()[0].path, "$.resources[1].name");
  EXPECT_EQ(r.issues.items()[0].message,
            "event hub 'other-ns/h': namespace 'other-ns' is not declared in these resources");
  EXPECT_EQ(r.issues.items()[1].path, "$.resources[2].name");
  EXPECT_EQ(r.issues.items()[1].message,
            "consumer group 'contoso-ns/missing/g': event hub 'contoso-ns/missing' is not "
            "declared in these resources");
}

TEST(ArmNamespacesTest, NamesMustFitTheirTypes) {
  ArmRead r = readTemplate(withResources(std::string(kNamespaceHead) + R"(,
     "resources": [{"type": "Microsoft.EventHub/namespaces/eventhubs", "name": "other-ns/h"},
                   {"type": "eventhubs", "name": "a/b"}]},
    {"type": "Microsoft.EventHub/namespaces/eventhubs", "name": "just-a-hub"})"));
  ASSERT_EQ(r.issues.errorCount(), 3u) << dump(r.issues);
  for (const ConfigIssue& i : r.issues.items()) EXPECT_EQ(i.code, "InvalidResourceName");
  EXPECT_EQ(r.issues.items()[0].path, "$.resources[0].resources[0].name");
  EXPECT_EQ(
      r.issues.items()[0].message,
      "resource name 'other-ns/h' does not fit type 'Microsoft.EventHub/namespaces/eventhubs': "
      "the full name must be '<namespace>/<event hub>', starting with its parent's name "
      "'contoso-ns'");
  EXPECT_EQ(r.issues.items()[1].path, "$.resources[0].resources[1].name");
  EXPECT_EQ(r.issues.items()[2].path, "$.resources[1].name");
}

TEST(ArmNamespacesTest, InvalidNamesAndDuplicates) {
  ArmRead r = readTemplate(withResources(R"(
    {"type": "Microsoft.EventHub/namespaces", "name": "ns"},
    {"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns",
     "resources": [{"type": "eventhubs", "name": "-bad"},
                   {"type": "eventhubs", "name": "h"},
                   {"type": "eventhubs", "name": "H"},
                   {"type": "eventhubs/consumergroups", "name": "h/g!"},
                   {"type": "eventhubs/consumergroups", "name": "h/g"},
                   {"type": "eventhubs/consumergroups", "name": "h/G"}]},
    {"type": "Microsoft.EventHub/namespaces", "name": "CONTOSO-NS"})"));
  EXPECT_EQ(single(r.issues, "InvalidNamespaceName").path, "$.resources[0].name");
  EXPECT_EQ(single(r.issues, "InvalidEventHubName").path, "$.resources[1].resources[0].name");
  EXPECT_EQ(single(r.issues, "DuplicateEventHub").path, "$.resources[1].resources[2].name");
  EXPECT_EQ(single(r.issues, "InvalidConsumerGroupName").path, "$.resources[1].resources[3].name");
  EXPECT_EQ(single(r.issues, "DuplicateConsumerGroup").path, "$.resources[1].resources[5].name");
  EXPECT_EQ(single(r.issues, "DuplicateNamespace").path, "$.resources[2].name");
}

TEST(ArmNamespacesTest, QuotasPerTier) {
  std::string hubs;
  for (int i = 0; i < 11; ++i) {
    hubs += std::string(i ? "," : "") + R"({"type": "eventhubs", "name": "h)" + std::to_string(i) +
            "\"}";
  }
  std::string groups;
  for (int i = 0; i < 20; ++i) {
    groups += std::string(i ? "," : "") + R"({"type": "consumergroups", "name": "g)" +
              std::to_string(i) + "\"}";
  }
  ArmRead r = readTemplate(withResources(
      R"({"type": "Microsoft.EventHub/namespaces", "name": "many-hubs", "resources": [)" + hubs +
      R"(]},
      {"type": "Microsoft.EventHub/namespaces", "name": "many-groups",
       "resources": [{"type": "eventhubs", "name": "h", "resources": [)" +
      groups + R"(]}]},
      {"type": "Microsoft.EventHub/namespaces", "name": "basic-ns", "sku": {"name": "Basic"},
       "resources": [{"type": "eventhubs", "name": "h",
                      "resources": [{"type": "consumergroups", "name": "extra"}]}]})"));
  ASSERT_EQ(r.issues.errorCount(), 3u) << dump(r.issues);
  EXPECT_EQ(r.issues.items()[0].path, "$.resources[0].resources[10].name");
  EXPECT_EQ(r.issues.items()[0].message,
            "a Standard namespace holds at most 10 event hubs; 'h10' would be one more");
  EXPECT_EQ(r.issues.items()[1].path, "$.resources[1].resources[0].resources[19].name");
  EXPECT_EQ(r.issues.items()[2].path, "$.resources[2].resources[0].resources[0].name");
  EXPECT_EQ(r.issues.items()[2].message,
            "an event hub in a Basic namespace has at most 1 consumer group(s), $Default "
            "included; 'extra' would be one more");
  EXPECT_EQ(r.namespaces[0].hubs.size(), 10u);
  EXPECT_EQ(r.namespaces[1].hubs[0].consumer_groups.size(), 20u);
}

TEST(ArmNamespacesTest, SkuProblems) {
  ArmRead r = readTemplate(withResources(R"(
    {"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns",
     "sku": {"name": "Gold", "capacity": -1}},
    {"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns2",
     "sku": {"name": "Standard", "tier": "Premium"}})"));
  EXPECT_EQ(single(r.issues, "InvalidSku").path, "$.resources[0].sku.name");
  EXPECT_EQ(single(r.issues, "ValueOutOfRange").path, "$.resources[0].sku.capacity");
  const ConfigIssue& w = single(r.issues, "SkuTierMismatch");
  EXPECT_EQ(w.severity, ConfigIssue::Severity::kWarning);
  EXPECT_EQ(r.namespaces[1].sku, "Standard");
}

TEST(ArmNamespacesTest, TemplateExpressionsAreNotEvaluated) {
  ArmRead r = readTemplate(withResources(R"(
    {"type": "Microsoft.EventHub/namespaces", "name": "[parameters('namespaceName')]"},
    {"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns",
     "resources": [{"type": "eventhubs", "name": "h",
                    "properties": {"partitionCount": "[parameters('partitions')]"}}]})"));
  ASSERT_EQ(r.issues.errorCount(), 2u) << dump(r.issues);
  EXPECT_EQ(r.issues.items()[0].code, "TemplateExpressionNotSupported");
  EXPECT_EQ(r.issues.items()[0].path, "$.resources[0].name");
  EXPECT_EQ(r.issues.items()[1].path, "$.resources[1].resources[0].properties.partitionCount");
  ASSERT_EQ(r.namespaces.size(), 1u);
}

TEST(ArmNamespacesTest, ResourcesMustBeAnArray) {
  ConfigIssues issues;
  auto v = json::parse(R"({"type": "x"})");
  auto out = readArmNamespaces(*v, "$.resources", issues);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(single(issues, "InvalidType").path, "$.resources");
}

TEST(ArmNamespacesTest, TierNamesAndLimits) {
  EXPECT_EQ(parseTier("basic"), NamespaceTier::kBasic);
  EXPECT_EQ(parseTier("Dedicated"), std::nullopt);
  EXPECT_EQ(TierLimits::forTier(NamespaceTier::kStandard).max_consumer_groups, 20u);
  EXPECT_EQ(TierLimits::forTier(NamespaceTier::kPremium).max_partitions, 100u);
  EXPECT_EQ(TierLimits::forTier(NamespaceTier::kBasic).max_event_bytes, kBasicMaxEventBytes);
}

// ---------------------------------------------------------------------------------------------
// The emulator's Config.json

// The official sample (azure-event-hubs-emulator-installer Config.json), with comments.
constexpr std::string_view kOfficialSample = R"({
  // Event Hubs emulator configuration
  "UserConfig": {
    "NamespaceConfig": [
      {
        "Type": "EventHub",
        "Name": "emulatorNs1",
        "Entities": [
          {
            "Name": "eh1",
            "PartitionCount": "2", /* a string in the schema */
            "ConsumerGroups": [
              {
                "Name": "cg1"
              }
            ]
          }
        ]
      }
    ],
    "LoggingConfig": {
      "Type": "File"
    }
  }
})";

TEST(EmulatorConfigTest, ImportsTheOfficialSampleWithComments) {
  ConfigIssues issues;
  auto ns = importEmulatorConfig(kOfficialSample, "Config.json", issues);
  ASSERT_TRUE(ns.ok()) << ns.error().message();
  EXPECT_TRUE(issues.items().empty()) << dump(issues);
  EXPECT_EQ(ns->name, "emulatorNs1");
  ASSERT_EQ(ns->hubs.size(), 1u);
  EXPECT_EQ(ns->hubs[0].name, "eh1");
  EXPECT_EQ(ns->hubs[0].partition_count, 2u);
  EXPECT_EQ(ns->hubs[0].retention_ns, kNsPerHour);  // the emulator's fixed retention
  EXPECT_EQ(ns->hubs[0].consumer_groups, (std::vector<std::string>{"$Default", "cg1"}));
}

TEST(EmulatorConfigTest, AcceptsNumbersOptionalNamesAndNoConsumerGroups) {
  ConfigIssues issues;
  auto ns = importEmulatorConfig(R"({"UserConfig": {
      "NamespaceConfig": [{"Entities": [{"Name": "a.b/c_d-e", "PartitionCount": 32},
                                        {"Name": "x", "PartitionCount": "1"}]}],
      "LoggingConfig": {"Type": "Console,File"}}})",
                                 "Config.json", issues);
  ASSERT_TRUE(ns.ok()) << ns.error().message();
  ASSERT_EQ(ns->hubs.size(), 2u);
  EXPECT_EQ(ns->hubs[0].partition_count, 32u);
  EXPECT_EQ(ns->hubs[0].consumer_groups, (std::vector<std::string>{"$Default"}));
  EXPECT_EQ(ns->hubs[1].name, "x");
}

struct Violation {
  std::string json;  // replaces the entity list, or the whole UserConfig when it starts with '!'
  std::string path;
  std::string code;
};

TEST(EmulatorConfigTest, EnforcesTheSchemaWithPaths) {
  const std::vector<Violation> cases = {
      {R"([{"Name": "eh", "PartitionCount": "0"}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].PartitionCount", "ValueOutOfRange"},
      {R"([{"Name": "eh", "PartitionCount": "33"}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].PartitionCount", "ValueOutOfRange"},
      {R"([{"Name": "eh", "PartitionCount": "two"}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].PartitionCount", "InvalidType"},
      {R"([{"Name": "eh", "PartitionCount": 2.5}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].PartitionCount", "InvalidType"},
      {R"([{"Name": "eh"}])", "$.UserConfig.NamespaceConfig[0].Entities[0].PartitionCount",
       "MissingProperty"},
      {R"([{"PartitionCount": "2"}])", "$.UserConfig.NamespaceConfig[0].Entities[0].Name",
       "MissingProperty"},
      {R"([{"Name": "-eh", "PartitionCount": "2"}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].Name", "InvalidEntityName"},
      {R"([{"Name": "eh", "PartitionCount": "2"}, {"Name": "EH", "PartitionCount": "2"}])",
       "$.UserConfig.NamespaceConfig[0].Entities[1].Name", "DuplicateEntity"},
      {R"([])", "$.UserConfig.NamespaceConfig[0].Entities", "ValueOutOfRange"},
      {R"([{"Name": "eh", "PartitionCount": "2", "ConsumerGroups": []}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].ConsumerGroups", "ValueOutOfRange"},
      {R"([{"Name": "eh", "PartitionCount": "2", "ConsumerGroups": [{"Name": "$Default"}]}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].ConsumerGroups[0].Name",
       "ReservedConsumerGroupName"},
      {R"([{"Name": "eh", "PartitionCount": "2", "ConsumerGroups": [{"Name": "a"}, {"Name": "a"}]}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].ConsumerGroups[1].Name",
       "DuplicateConsumerGroup"},
      {R"([{"Name": "eh", "PartitionCount": "2", "ConsumerGroups": [{}]}])",
       "$.UserConfig.NamespaceConfig[0].Entities[0].ConsumerGroups[0].Name", "MissingProperty"},
      {R"!(!{"NamespaceConfig": [], "LoggingConfig": {"Type": "File"}})!",
       "$.UserConfig.NamespaceConfig", "ValueOutOfRange"},
      {R"!(!{"NamespaceConfig": [{"Entities": [{"Name": "a", "PartitionCount": "1"}]},
                                  {"Entities": [{"Name": "b", "PartitionCount": "1"}]}],
             "LoggingConfig": {"Type": "File"}})!",
       "$.UserConfig.NamespaceConfig", "ValueOutOfRange"},
      {R"!(!{"NamespaceConfig": [{"Type": "ServiceBus",
                                   "Entities": [{"Name": "a", "PartitionCount": "1"}]}],
             "LoggingConfig": {"Type": "File"}})!",
       "$.UserConfig.NamespaceConfig[0].Type", "InvalidValue"},
      {R"!(!{"NamespaceConfig": [{"Name": "myns",
                                   "Entities": [{"Name": "a", "PartitionCount": "1"}]}],
             "LoggingConfig": {"Type": "File"}})!",
       "$.UserConfig.NamespaceConfig[0].Name", "InvalidValue"},
      {R"!(!{"NamespaceConfig": [{"Entities": [{"Name": "a", "PartitionCount": "1"}]}]})!",
       "$.UserConfig.LoggingConfig", "MissingProperty"},
      {R"!(!{"NamespaceConfig": [{"Entities": [{"Name": "a", "PartitionCount": "1"}]}],
             "LoggingConfig": {"Type": "Syslog"}})!",
       "$.UserConfig.LoggingConfig.Type", "InvalidValue"},
  };
  for (const Violation& v : cases) {
    std::string text =
        v.json[0] == '!'
            ? R"({"UserConfig": )" + v.json.substr(1) + "}"
            : R"({"UserConfig": {"NamespaceConfig": [{"Type": "EventHub", "Name": "emulatorNs1",
                 "Entities": )" +
                  v.json + R"(}], "LoggingConfig": {"Type": "File"}}})";
    ConfigIssues issues;
    auto ns = importEmulatorConfig(text, "Config.json", issues);
    EXPECT_FALSE(ns.ok()) << text;
    const ConfigIssue& issue = single(issues, v.code);
    EXPECT_EQ(issue.path, v.path) << text;
    EXPECT_EQ(issue.severity, ConfigIssue::Severity::kError) << text;
  }
}

TEST(EmulatorConfigTest, TooManyEntitiesAndConsumerGroups) {
  std::string entities;
  for (int i = 0; i < 11; ++i) {
    entities += std::string(i ? "," : "") + R"({"Name": "e)" + std::to_string(i) +
                R"(", "PartitionCount": "1"})";
  }
  std::string groups;
  for (int i = 0; i < 21; ++i) {
    groups += std::string(i ? "," : "") + R"({"Name": "g)" + std::to_string(i) + "\"}";
  }
  ConfigIssues issues;
  auto ns = importEmulatorConfig(R"({"UserConfig": {"NamespaceConfig": [{"Entities": [)" +
                                     entities + R"(]}, {"Entities": [{"Name": "x",
                                     "PartitionCount": "1", "ConsumerGroups": [)" +
                                     groups + R"(]}]}], "LoggingConfig": {"Type": "File"}}})",
                                 "Config.json", issues);
  ASSERT_FALSE(ns.ok());
  std::vector<std::string> paths;
  for (const ConfigIssue& i : issues.items()) paths.push_back(i.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "$.UserConfig.NamespaceConfig",
                       "$.UserConfig.NamespaceConfig[0].Entities",
                       "$.UserConfig.NamespaceConfig[1].Entities[0].ConsumerGroups",
                   }))
      << dump(issues);
}

TEST(EmulatorConfigTest, ErrorListsProblemsWithLineAndColumn) {
  const std::string text =
      "{\"UserConfig\": {\n  \"NamespaceConfig\": [{\"Entities\": [\n"
      "    {\"Name\": \"eh\", \"PartitionCount\": \"40\"}]}],\n"
      "  \"LoggingConfig\": {\"Type\": \"File\"}, \"Extra\": 1}}";
  ConfigIssues issues;
  auto ns = importEmulatorConfig(text, "Config.json", issues);
  ASSERT_FALSE(ns.ok());
  EXPECT_EQ(ns.error().message(),
            "Config.json:3:38: error: $.UserConfig.NamespaceConfig[0].Entities[0].PartitionCount: "
            "PartitionCount must be between 1 and 32, found 40 [ValueOutOfRange]\n");
  // The unknown key is a warning, reported in `issues` only.
  const ConfigIssue& w = single(issues, "UnknownProperty");
  EXPECT_EQ(w.path, "$.UserConfig.Extra");
}

TEST(EmulatorConfigTest, SyntaxErrorsAndUnclosedCommentsName) {
  ConfigIssues issues;
  auto bad = importEmulatorConfig("{\n  \"UserConfig\": [\n}", "Config.json", issues);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message().rfind("Config.json:3:", 0), 0u) << bad.error().message();
  auto comment = importEmulatorConfig("{ /* never closed", "Config.json", issues);
  ASSERT_FALSE(comment.ok());
  EXPECT_EQ(comment.error().message().rfind("Config.json:1:3:", 0), 0u)
      << comment.error().message();
}

TEST(EmulatorConfigTest, ImportedNamespaceBuildsHubs) {
  ConfigIssues issues;
  auto config = importEmulatorConfig(kOfficialSample, "Config.json", issues);
  ASSERT_TRUE(config.ok());
  auto ns = Namespace::create(*config, EmulatorContext{});
  ASSERT_TRUE(ns.ok());
  auto hub = (*ns)->get("EH1");
  ASSERT_TRUE(hub.ok());
  EXPECT_EQ((*hub)->partitionCount(), 2u);
  EXPECT_TRUE((*hub)->hasConsumerGroup("cg1"));
  EXPECT_EQ((*hub)->entityName(), "emulatorNs1:eventhub:eh1");
}

// ---------------------------------------------------------------------------------------------
// The IoT hub's built-in events endpoint

TEST(BuiltinEventsConfigTest, ReadsEventHubEndpointsWithReadOnlyFields) {
  ConfigIssues issues;
  auto v = json::parse(R"({"events": {"partitionCount": 8, "retentionTimeInDays": 3,
      "partitionIds": ["0", "1"], "path": "contoso-hub", "endpoint": "sb://iothub-ns.servicebus.windows.net/"}})");
  BuiltinEventsConfig config =
      readBuiltinEventsEndpoint(*v, "$.resources[0].properties.eventHubEndpoints", issues);
  EXPECT_TRUE(issues.items().empty()) << dump(issues);
  EXPECT_EQ(config.partition_count, 8u);
  EXPECT_EQ(config.retention_days, 3u);

  auto defaults = json::parse(R"({"Events": {}})");
  config = readBuiltinEventsEndpoint(*defaults, "$.e", issues);
  EXPECT_TRUE(issues.items().empty()) << dump(issues);
  EXPECT_EQ(config.partition_count, 4u);
  EXPECT_EQ(config.retention_days, 1u);
}

TEST(BuiltinEventsConfigTest, LimitsAndShapeNameTheirPaths) {
  ConfigIssues issues;
  const std::string text =
      R"({"events": {"partitionCount": 1, "retentionTimeInDays": 8, "partitions": 2},)"
      R"( "telemetry": {"partitionCount": 4}})";
  auto v = json::parse(text);
  BuiltinEventsConfig config =
      readBuiltinEventsEndpoint(*v, "$.properties.eventHubEndpoints", issues);
  ASSERT_EQ(issues.errorCount(), 3u) << dump(issues);
  EXPECT_EQ(issues.items()[0].code, "InvalidEventHubEndpoint");
  EXPECT_EQ(issues.items()[0].path, "$.properties.eventHubEndpoints.telemetry");
  EXPECT_EQ(issues.items()[0].message,
            "an IoT hub has one Event Hubs-compatible endpoint, 'events'; found 'telemetry'");
  EXPECT_EQ(issues.items()[1].path, "$.properties.eventHubEndpoints.events.partitionCount");
  EXPECT_EQ(issues.items()[1].message,
            "the built-in endpoint's partitionCount must be between 2 and 32, found 1");
  EXPECT_EQ(issues.items()[1].offset, text.find("1,"));
  EXPECT_EQ(issues.items()[2].path, "$.properties.eventHubEndpoints.events.retentionTimeInDays");
  EXPECT_EQ(issues.items()[2].message,
            "the built-in endpoint's retentionTimeInDays must be between 1 and 7, found 8");
  EXPECT_EQ(single(issues, "UnknownProperty").path,
            "$.properties.eventHubEndpoints.events.partitions");
  EXPECT_EQ(config.partition_count, 4u);  // the default stays

  ConfigIssues missing;
  auto empty = json::parse("{}");
  readBuiltinEventsEndpoint(*empty, "$.p.eventHubEndpoints", missing);
  EXPECT_EQ(single(missing, "MissingProperty").path, "$.p.eventHubEndpoints.events");
}

TEST(BuiltinEventsConfigTest, ReadsTheHubsConsumerGroupResources) {
  auto root = json::parse(withResources(R"(
    {"type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "contoso-hub",
     "properties": {"eventHubEndpoints": {"events": {"partitionCount": 4}}},
     "resources": [
       {"type": "eventHubEndpoints/ConsumerGroups", "apiVersion": "2023-06-30",
        "name": "events/dashboard", "properties": {"name": "dashboard"},
        "dependsOn": ["contoso-hub"]},
       {"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups",
        "name": "contoso-hub/events/$Default"}]},
    {"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups",
     "apiVersion": "2023-06-30", "name": "CONTOSO-HUB/Events/asa"},
    {"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups",
     "name": "other-hub/events/not-ours"},
    {"type": "Microsoft.EventHub/namespaces", "name": "contoso-ns"})"));
  ASSERT_TRUE(root.ok());
  ConfigIssues issues;
  BuiltinEventsConfig config;
  readBuiltinConsumerGroups(*root->find("resources"), "$.resources", "contoso-hub", config, issues);
  EXPECT_TRUE(issues.items().empty()) << dump(issues);
  EXPECT_EQ(config.consumer_groups, (std::vector<std::string>{"dashboard", "asa"}));

  EmulatorContext context;
  context.hub_name = "contoso-hub";
  auto hub = createBuiltinEventsHub(context, config);
  ASSERT_TRUE(hub.ok()) << hub.error().message();
  EXPECT_TRUE((*hub)->hasConsumerGroup("ASA"));
}

TEST(BuiltinEventsConfigTest, ConsumerGroupProblemsNameTheirPaths) {
  std::string groups;
  for (int i = 0; i < 20; ++i) {
    groups += R"(, {"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups",
                   "name": "hub1/events/g)" +
              std::to_string(i) + "\"}";
  }
  auto root = json::parse(withResources(R"(
    {"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups",
     "name": "hub1/operationsMonitoringEvents/g"},
    {"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups", "name": "hub1/events/-x"},
    {"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups", "name": "hub1/events/G0"},
    {"type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups",
     "name": "[concat('hub1/events/', parameters('cg'))]"})" +
                                        groups));
  ASSERT_TRUE(root.ok());
  ConfigIssues issues;
  BuiltinEventsConfig config;
  readBuiltinConsumerGroups(*root->find("resources"), "$.resources", "hub1", config, issues);
  EXPECT_EQ(single(issues, "InvalidResourceName").path, "$.resources[0].name");
  EXPECT_EQ(single(issues, "InvalidConsumerGroupName").path, "$.resources[1].name");
  EXPECT_EQ(single(issues, "TemplateExpressionNotSupported").path, "$.resources[3].name");
  EXPECT_EQ(single(issues, "DuplicateConsumerGroup").path, "$.resources[4].name");  // g0 = G0
  const ConfigIssue& quota = single(issues, "QuotaExceeded");
  EXPECT_EQ(quota.path, "$.resources[23].name");
  EXPECT_EQ(quota.message,
            "the built-in endpoint has at most 20 consumer groups, $Default included; 'g19' would "
            "be one more");
  EXPECT_EQ(config.consumer_groups.size(), 19u);
}

}  // namespace
}  // namespace routesim::endpoints::eventhubs
