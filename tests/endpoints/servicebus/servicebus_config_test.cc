#include "endpoints/servicebus/servicebus_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace routesim::endpoints::servicebus {
namespace {

constexpr uint64_t kSecond = kNsPerSecond;

// The ARM template's `resources`, read; the JSON must parse.
std::vector<NamespaceConfig> readArm(std::string_view text, ConfigIssues& issues) {
  auto root = json::parse(text);
  EXPECT_TRUE(root.ok()) << (root.ok() ? "" : root.error().message());
  if (!root.ok()) return {};
  const json::Value* resources = root->find("resources");
  EXPECT_NE(resources, nullptr);
  return readArmNamespaces(*resources, "$.resources", issues);
}

const ConfigIssue* findIssue(const ConfigIssues& issues, std::string_view code) {
  for (const ConfigIssue& i : issues.items()) {
    if (i.code == code) return &i;
  }
  return nullptr;
}

void expectIssue(const ConfigIssues& issues, std::string_view code, std::string_view path,
                 std::string_view fragment,
                 ConfigIssue::Severity severity = ConfigIssue::Severity::kError) {
  const ConfigIssue* i = findIssue(issues, code);
  ASSERT_NE(i, nullptr) << "no issue " << code << " in:\n" << issues.format("t.json", "");
  EXPECT_EQ(i->path, path);
  EXPECT_EQ(i->severity, severity);
  EXPECT_NE(i->message.find(fragment), std::string::npos) << i->message;
}

// A namespace with a queue, and a topic whose subscriptions and rules are nested in it; a second
// subscription and its rule are declared as top-level resources, the rule first.
constexpr std::string_view kTemplate = R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {"type": "Microsoft.Storage/storageAccounts", "name": "ignored"},
    {
      "type": "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules",
      "apiVersion": "2022-10-01-preview",
      "name": "contoso-sb/telemetry/by-device/d1-only",
      "dependsOn": ["[resourceId('Microsoft.ServiceBus/namespaces/topics/subscriptions', 'contoso-sb', 'telemetry', 'by-device')]"],
      "properties": {
        "filterType": "CorrelationFilter",
        "correlationFilter": {"properties": {"iothub-connection-device-id": "d1", "level": 3}}
      }
    },
    {
      "type": "Microsoft.ServiceBus/namespaces",
      "apiVersion": "2022-10-01-preview",
      "name": "contoso-sb",
      "location": "westus2",
      "sku": {"name": "Standard", "tier": "Standard"},
      "properties": {"minimumTlsVersion": "1.2"},
      "resources": [
        {
          "type": "queues",
          "apiVersion": "2022-10-01-preview",
          "name": "orders",
          "dependsOn": ["[resourceId('Microsoft.ServiceBus/namespaces', 'contoso-sb')]"],
          "properties": {
            "lockDuration": "PT30S",
            "maxSizeInMegabytes": 2048,
            "requiresDuplicateDetection": false,
            "requiresSession": false,
            "defaultMessageTimeToLive": "P14D",
            "deadLetteringOnMessageExpiration": true,
            "duplicateDetectionHistoryTimeWindow": "PT10M",
            "maxDeliveryCount": 5,
            "status": "Active",
            "enablePartitioning": false,
            "enableExpress": false,
            "forwardDeadLetteredMessagesTo": "parking"
          }
        },
        {"type": "Microsoft.ServiceBus/namespaces/queues", "name": "contoso-sb/parking"},
        {
          "type": "topics",
          "name": "telemetry",
          "properties": {"defaultMessageTimeToLive": "PT1H", "supportOrdering": true},
          "resources": [
            {
              "type": "subscriptions",
              "name": "hot",
              "properties": {"maxDeliveryCount": 3, "lockDuration": "PT5S",
                             "deadLetteringOnFilterEvaluationExceptions": false},
              "resources": [
                {
                  "type": "rules",
                  "name": "hot-only",
                  "properties": {
                    "filterType": "SqlFilter",
                    "sqlFilter": {"sqlExpression": "level = 'hot'"},
                    "action": {"sqlExpression": "SET sys.Label = 'hot'"}
                  }
                }
              ]
            }
          ]
        }
      ]
    },
    {
      "type": "Microsoft.ServiceBus/namespaces/topics/subscriptions",
      "name": "contoso-sb/telemetry/by-device",
      "properties": {"requiresSession": false}
    }
  ]
})";

TEST(ArmServiceBusConfigTest, ReadsNestedAndTopLevelResources) {
  ConfigIssues issues;
  std::vector<NamespaceConfig> ns = readArm(kTemplate, issues);
  EXPECT_FALSE(issues.hasErrors()) << issues.format("template.json", kTemplate);
  EXPECT_TRUE(issues.items().empty()) << issues.format("template.json", kTemplate);
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_EQ(ns[0].name, "contoso-sb");
  EXPECT_EQ(ns[0].sku, "Standard");
  EXPECT_EQ(ns[0].location, "westus2");

  ASSERT_EQ(ns[0].queues.size(), 2u);
  const QueueConfig& q = ns[0].queues[0];
  EXPECT_EQ(q.name, "orders");
  EXPECT_EQ(q.path, "$.resources[2].resources[0]");
  EXPECT_EQ(q.lock_duration_ns, 30 * kSecond);
  EXPECT_EQ(q.max_size_megabytes, 2048);
  EXPECT_EQ(q.default_message_ttl_ns, 14 * 24 * 3600 * kSecond);
  EXPECT_TRUE(q.dead_lettering_on_message_expiration);
  EXPECT_EQ(q.duplicate_detection_window_ns, 10 * kMinute);
  EXPECT_EQ(q.max_delivery_count, 5u);
  EXPECT_EQ(q.forward_dead_lettered_messages_to, "parking");
  const QueueConfig& parking = ns[0].queues[1];
  EXPECT_EQ(parking.name, "parking");  // "ns/queue" with the full type, nested
  EXPECT_EQ(parking.default_message_ttl_ns, kNever);
  EXPECT_EQ(parking.max_delivery_count, 10u);
  EXPECT_EQ(parking.lock_duration_ns, kMinute);

  ASSERT_EQ(ns[0].topics.size(), 1u);
  const TopicConfig& t = ns[0].topics[0];
  EXPECT_EQ(t.default_message_ttl_ns, 3600 * kSecond);
  ASSERT_EQ(t.subscriptions.size(), 2u);
  const SubscriptionConfig& hot = t.subscriptions[0];
  EXPECT_EQ(hot.name, "hot");
  EXPECT_EQ(hot.lock_duration_ns, 5 * kSecond);
  EXPECT_FALSE(hot.dead_lettering_on_filter_evaluation_exceptions);
  ASSERT_EQ(hot.rules.size(), 1u);
  EXPECT_FALSE(hot.rules[0].correlation);
  EXPECT_EQ(hot.rules[0].sql_expression, "level = 'hot'");
  EXPECT_EQ(hot.rules[0].action_expression, "SET sys.Label = 'hot'");
  ASSERT_TRUE(hot.rules[0].build().has_value());
  EXPECT_TRUE(hot.rules[0].build()->hasAction());

  const SubscriptionConfig& by_device = t.subscriptions[1];
  EXPECT_EQ(by_device.name, "by-device");
  EXPECT_EQ(by_device.path, "$.resources[3]");
  ASSERT_EQ(by_device.rules.size(), 1u);  // declared before its subscription in the file
  const RuleConfig& rule = by_device.rules[0];
  EXPECT_EQ(rule.name, "d1-only");
  EXPECT_TRUE(rule.correlation);
  ASSERT_EQ(rule.correlation_filter.properties.size(), 2u);
  EXPECT_EQ(rule.correlation_filter.properties[0].first, "iothub-connection-device-id");
  EXPECT_EQ(std::get<int64_t>(rule.correlation_filter.properties[1].second), 3);
}

TEST(ArmServiceBusConfigTest, ReportsDurationsOutOfRangeWithTheirPath) {
  ConfigIssues issues;
  readArm(R"({"resources": [{"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb",
      "resources": [{"type": "queues", "name": "q", "properties": {"lockDuration": "PT10M"}}]}]})",
          issues);
  expectIssue(issues, "ValueOutOfRange", "$.resources[0].resources[0].properties.lockDuration",
              "'PT10M' must be between PT5S and PT5M");
}

TEST(ArmServiceBusConfigTest, ReportsMalformedDurationsAtTheBadCharacter) {
  std::string_view text =
      R"({"resources": [{"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb",
      "resources": [{"type": "queues", "name": "q", "properties": {"defaultMessageTimeToLive": "P1X"}}]}]})";
  ConfigIssues issues;
  readArm(text, issues);
  expectIssue(issues, "InvalidDuration",
              "$.resources[0].resources[0].properties.defaultMessageTimeToLive", "");
  const ConfigIssue* i = findIssue(issues, "InvalidDuration");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(text.substr(i->offset, 1), "X");
}

TEST(ArmServiceBusConfigTest, ReportsASqlFilterThatDoesNotCompileAtItsOffset) {
  std::string_view text =
      R"({"resources": [{"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb",
  "resources": [{"type": "topics", "name": "t", "resources": [{"type": "subscriptions", "name": "s",
  "resources": [{"type": "rules", "name": "r", "properties": {"filterType": "SqlFilter",
  "sqlFilter": {"sqlExpression": "level = "}}}]}]}]}]})";
  ConfigIssues issues;
  std::vector<NamespaceConfig> ns = readArm(text, issues);
  expectIssue(
      issues, "InvalidSqlFilter",
      "$.resources[0].resources[0].resources[0].resources[0].properties.sqlFilter.sqlExpression",
      "(at offset 8 of the expression)");
  const ConfigIssue* i = findIssue(issues, "InvalidSqlFilter");
  ASSERT_NE(i, nullptr);
  // The offset points into the file, just after "level = ".
  EXPECT_EQ(text.substr(i->offset - 8, 8), "level = ");
  // The rule is kept but cannot be built.
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_FALSE(ns[0].topics[0].subscriptions[0].rules[0].build().has_value());
}

TEST(ArmServiceBusConfigTest, ReportsAnActionThatDoesNotCompile) {
  ConfigIssues issues;
  readArm(R"({"resources": [{"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb",
  "resources": [{"type": "topics", "name": "t", "resources": [{"type": "subscriptions", "name": "s",
  "resources": [{"type": "rules", "name": "r", "properties": {"sqlFilter": {"sqlExpression": "1=1"},
  "action": {"sqlExpression": "SET sys.DeliveryCount = 1"}}}]}]}]}]})",
          issues);
  expectIssue(
      issues, "InvalidSqlAction",
      "$.resources[0].resources[0].resources[0].resources[0].properties.action.sqlExpression",
      "is set by the broker");
}

TEST(ArmServiceBusConfigTest, RefusesArmExpressionsAsNames) {
  ConfigIssues issues;
  readArm(R"({"resources": [{"type": "Microsoft.ServiceBus/namespaces",
      "name": "[parameters('ns')]"}]})",
          issues);
  expectIssue(issues, "ArmExpressionNotSupported", "$.resources[0].name",
              "ARM expressions are not evaluated");
}

TEST(ArmServiceBusConfigTest, ReportsATopLevelChildWithoutItsParent) {
  ConfigIssues issues;
  readArm(R"({"resources": [
      {"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb"},
      {"type": "Microsoft.ServiceBus/namespaces/topics/subscriptions", "name": "contoso-sb/nope/s"},
      {"type": "Microsoft.ServiceBus/namespaces/queues", "name": "contoso-sb"}]})",
          issues);
  expectIssue(issues, "ParentNotFound", "$.resources[1].name",
              "topic 'contoso-sb/nope' is not declared");
  expectIssue(issues, "InvalidChildName", "$.resources[2].name",
              "is named 'namespace/queue', found 'contoso-sb'");
}

TEST(ArmServiceBusConfigTest, WarnsAboutUnknownPropertiesAndPremiumOnlySettings) {
  ConfigIssues issues;
  readArm(R"({"resources": [{"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb",
      "resources": [{"type": "queues", "name": "q",
          "properties": {"lockDurations": "PT1M", "maxMessageSizeInKilobytes": 2048}}]}]})",
          issues);
  EXPECT_FALSE(issues.hasErrors());
  expectIssue(issues, "UnknownProperty", "$.resources[0].resources[0].properties.lockDurations",
              "unknown property 'lockDurations'", ConfigIssue::Severity::kWarning);
  expectIssue(issues, "PremiumOnly",
              "$.resources[0].resources[0].properties.maxMessageSizeInKilobytes",
              "Standard accepts messages up to 256 KB", ConfigIssue::Severity::kWarning);
}

TEST(ArmServiceBusConfigTest, ChecksNamesTiersAndDuplicates) {
  ConfigIssues issues;
  readArm(R"({"resources": [{"type": "Microsoft.ServiceBus/namespaces", "name": "sb",
      "sku": {"name": "Basic"},
      "resources": [{"type": "queues", "name": "Orders"}, {"type": "queues", "name": "orders"},
                    {"type": "topics", "name": "t"}, {"type": "queues", "name": "-bad"}]}]})",
          issues);
  expectIssue(issues, "InvalidNamespaceName", "$.resources[0].name",
              "must be 6 to 50 letters, digits and hyphens");
  expectIssue(issues, "DuplicateEntityName", "$.resources[0].resources[1]",
              "entity 'orders' is already declared at $.resources[0].resources[0]");
  expectIssue(issues, "TopicsNotSupported", "$.resources[0].resources[2]",
              "Basic tier has no topics");
  expectIssue(issues, "InvalidEntityName", "$.resources[0].resources[3].name",
              "queue name '-bad' must be 1 to 260");
}

TEST(ArmServiceBusConfigTest, FormatsIssuesWithFileLineAndColumn) {
  std::string text =
      "{\"resources\": [{\"type\": \"Microsoft.ServiceBus/namespaces\", \"name\": \"contoso-sb\",\n"
      "  \"resources\": [{\"type\": \"queues\", \"name\": \"q\",\n"
      "    \"properties\": {\"maxDeliveryCount\": 0}}]}]}";
  ConfigIssues issues;
  readArm(text, issues);
  std::string formatted = issues.format("template.json", text);
  EXPECT_NE(formatted.find("template.json:3:40: error: "
                           "$.resources[0].resources[0].properties.maxDeliveryCount"),
            std::string::npos)
      << formatted;
}

TEST(ServiceBusConfigTest, MessageSizeLimitFollowsTheTier) {
  EXPECT_EQ(maxMessageBytes("Standard", 0), 256u * 1024);
  EXPECT_EQ(maxMessageBytes("Basic", 4096), 256u * 1024);
  EXPECT_EQ(maxMessageBytes("Premium", 0), 1024u * 1024);
  EXPECT_EQ(maxMessageBytes("premium", 102400), 100u * 1024 * 1024);
}

// ---------------------------------------------------------------------------------------------
// The official emulator's Config.json

// The shape of the emulator installer's sample, comments included.
constexpr std::string_view kEmulatorConfig = R"({
  "UserConfig": {
    "Namespaces": [
      {
        "Name": "sbemulatorns",
        "Queues": [
          {
            "Name": "queue.1",
            "Properties": {
              "DeadLetteringOnMessageExpiration": false,
              "DefaultMessageTimeToLive": "PT1H",
              "DuplicateDetectionHistoryTimeWindow": "PT20S",
              "ForwardDeadLetteredMessagesTo": "",
              "ForwardTo": "",
              "LockDuration": "PT1M",
              "MaxDeliveryCount": 3,
              "RequiresDuplicateDetection": false,
              "RequiresSession": false
            }
          },
          { "Name": "queue.2" } // defaults only
        ],
        "Topics": [
          {
            "Name": "topic.1",
            "Properties": {
              "DefaultMessageTimeToLive": "PT30M",
              "DuplicateDetectionHistoryTimeWindow": "PT20S",
              "RequiresDuplicateDetection": false
            },
            "Subscriptions": [
              {
                "Name": "subscription.1",
                "Properties": {
                  "DeadLetteringOnMessageExpiration": true,
                  "DefaultMessageTimeToLive": "PT10M",
                  "LockDuration": "PT5S",
                  "MaxDeliveryCount": 10,
                  "ForwardDeadLetteredMessagesTo": "",
                  "ForwardTo": "",
                  "RequiresSession": false
                },
                "Rules": [
                  {
                    "Name": "app-prop-filter-1",
                    "Properties": {
                      "FilterType": "Correlation",
                      "CorrelationFilter": {
                        "ContentType": "application/text",
                        "CorrelationId": "id1",
                        "Label": "subject1",
                        "MessageId": "msgid1",
                        "ReplyTo": "someQueue",
                        "ReplyToSessionId": "sessionId",
                        "SessionId": "session1",
                        "To": "xyz",
                        "Properties": { "prop3": "value3" }
                      }
                    }
                  }
                ]
              },
              {
                "Name": "subscription.2",
                /* SQL filter with an action, as in the emulator's documentation */
                "Rules": [
                  {
                    "Name": "sql-filter-1",
                    "Properties": {
                      "FilterType": "Sql",
                      "SqlFilter": { "SqlExpression": "sys.MessageId = '123456' AND userProp1 = 'value1'" },
                      "Action": { "SqlExpression": "SET sys.To = 'Entity'" }
                    }
                  }
                ]
              }
            ]
          }
        ]
      }
    ],
    "Logging": { "Type": "File" }
  }
})";

TEST(EmulatorConfigTest, ImportsTheSampleWithComments) {
  ConfigIssues issues;
  auto ns = importEmulatorConfig(kEmulatorConfig, "Config.json", issues);
  ASSERT_TRUE(ns.ok()) << ns.error().message();
  EXPECT_TRUE(issues.items().empty()) << issues.format("Config.json", kEmulatorConfig);
  EXPECT_EQ(ns->name, "sbemulatorns");
  ASSERT_EQ(ns->queues.size(), 2u);
  EXPECT_EQ(ns->queues[0].name, "queue.1");
  EXPECT_EQ(ns->queues[0].max_delivery_count, 3u);
  EXPECT_EQ(ns->queues[0].lock_duration_ns, kMinute);
  // Emulator defaults: MaxDeliveryCount 3, TTL 1 h, lock 1 min, 100 MB per entity.
  const QueueConfig& q2 = ns->queues[1];
  EXPECT_EQ(q2.max_delivery_count, 3u);
  EXPECT_EQ(q2.default_message_ttl_ns, 60 * kMinute);
  EXPECT_EQ(q2.lock_duration_ns, kMinute);
  EXPECT_EQ(q2.max_size_megabytes, 100);
  ASSERT_EQ(ns->topics.size(), 1u);
  const TopicConfig& t = ns->topics[0];
  EXPECT_EQ(t.default_message_ttl_ns, 30 * kMinute);
  ASSERT_EQ(t.subscriptions.size(), 2u);
  const SubscriptionConfig& s1 = t.subscriptions[0];
  EXPECT_TRUE(s1.dead_lettering_on_message_expiration);
  EXPECT_EQ(s1.default_message_ttl_ns, 10 * kMinute);
  EXPECT_EQ(s1.lock_duration_ns, 5 * kSecond);
  EXPECT_EQ(s1.max_delivery_count, 10u);
  ASSERT_EQ(s1.rules.size(), 1u);
  const CorrelationFilter& c = s1.rules[0].correlation_filter;
  EXPECT_TRUE(s1.rules[0].correlation);
  EXPECT_EQ(c.content_type, "application/text");
  EXPECT_EQ(c.label, "subject1");
  EXPECT_EQ(c.reply_to_session_id, "sessionId");
  EXPECT_EQ(c.to, "xyz");
  ASSERT_EQ(c.properties.size(), 1u);
  EXPECT_EQ(std::get<std::string>(c.properties[0].second), "value3");
  const RuleConfig& sql = t.subscriptions[1].rules[0];
  EXPECT_FALSE(sql.correlation);
  ASSERT_TRUE(sql.build().has_value());
  EXPECT_EQ(sql.build()->action->text(), "SET sys.To = 'Entity'");
  EXPECT_EQ(t.subscriptions[1].max_delivery_count, 3u);
}

// Config.json with `from` replaced by `to` (which must occur in the sample).
std::string edited(std::string_view from, std::string_view to) {
  std::string text(kEmulatorConfig);
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

ConfigIssues importIssues(const std::string& text) {
  ConfigIssues issues;
  auto ns = importEmulatorConfig(text, "Config.json", issues);
  EXPECT_TRUE(ns.ok()) << (ns.ok() ? "" : ns.error().message());
  return issues;
}

TEST(EmulatorConfigTest, ChecksMaxDeliveryCountRange) {
  ConfigIssues issues = importIssues(edited("\"MaxDeliveryCount\": 3", "\"MaxDeliveryCount\": 11"));
  expectIssue(issues, "ValueOutOfRange",
              "$.UserConfig.Namespaces[0].Queues[0].Properties.MaxDeliveryCount",
              "must be between 1 and 10, found 11");
}

TEST(EmulatorConfigTest, ChecksTimeToLiveRangeAndPattern) {
  ConfigIssues range = importIssues(edited("\"PT1H\"", "\"PT2H\""));
  expectIssue(range, "ValueOutOfRange",
              "$.UserConfig.Namespaces[0].Queues[0].Properties.DefaultMessageTimeToLive",
              "'PT2H' must be between PT5M and PT1H");
  ConfigIssues pattern = importIssues(edited("\"PT1M\"", "\"PT1.5M\""));
  expectIssue(pattern, "InvalidDuration",
              "$.UserConfig.Namespaces[0].Queues[0].Properties.LockDuration",
              "does not match the emulator schema's duration pattern");
}

TEST(EmulatorConfigTest, RefusesARenamedNamespace) {
  ConfigIssues issues = importIssues(edited("\"sbemulatorns\"", "\"myns\""));
  expectIssue(issues, "InvalidValue", "$.UserConfig.Namespaces[0].Name",
              "the emulator's namespace is named 'sbemulatorns'");
}

TEST(EmulatorConfigTest, RefusesUnknownFilterTypes) {
  ConfigIssues issues =
      importIssues(edited("\"FilterType\": \"Sql\"", "\"FilterType\": \"Regex\""));
  expectIssue(
      issues, "InvalidFilterType",
      "$.UserConfig.Namespaces[0].Topics[0].Subscriptions[1].Rules[0].Properties.FilterType",
      "expected Correlation or Sql, found 'Regex'");
}

TEST(EmulatorConfigTest, ReportsASqlFilterThatDoesNotCompile) {
  ConfigIssues issues = importIssues(edited("userProp1 = 'value1'", "userProp1 = 'value1"));
  expectIssue(issues, "InvalidSqlFilter",
              "$.UserConfig.Namespaces[0].Topics[0].Subscriptions[1].Rules[0].Properties.SqlFilter."
              "SqlExpression",
              "unterminated string");
}

TEST(EmulatorConfigTest, ReadsTypedCorrelationPropertiesAndRefusesObjects) {
  std::string text =
      edited("\"Properties\": { \"prop3\": \"value3\" }",
             "\"Properties\": { \"n\": 7, \"big\": 99999999999999999999, \"obj\": {} }");
  ConfigIssues issues;
  auto ns = importEmulatorConfig(text, "Config.json", issues);
  ASSERT_TRUE(ns.ok());
  expectIssue(issues, "InvalidType",
              "$.UserConfig.Namespaces[0].Topics[0].Subscriptions[0].Rules[0].Properties."
              "CorrelationFilter.Properties.obj",
              "must be a string, number or boolean, found object");
  const auto& props = ns->topics[0].subscriptions[0].rules[0].correlation_filter.properties;
  ASSERT_EQ(props.size(), 2u);
  EXPECT_EQ(std::get<int64_t>(props[0].second), 7);
  EXPECT_EQ(std::get<double>(props[1].second), 1e20);  // beyond a long: a double
}

TEST(EmulatorConfigTest, RequiresLoggingAndAtLeastOneSubscription) {
  ConfigIssues logging = importIssues(edited("\"Logging\": { \"Type\": \"File\" }", "\"X\": 1"));
  expectIssue(logging, "MissingProperty", "$.UserConfig.Logging",
              "required property 'Logging' is missing");
  std::string no_subs = R"({"UserConfig": {"Namespaces": [{"Name": "sbemulatorns", "Queues": [],
      "Topics": [{"Name": "t", "Subscriptions": []}]}], "Logging": {"Type": "Console"}}})";
  ConfigIssues subs = importIssues(no_subs);
  expectIssue(subs, "InvalidCount", "$.UserConfig.Namespaces[0].Topics[0].Subscriptions",
              "a topic has 1 to 50 subscriptions in the emulator, found 0");
}

TEST(EmulatorConfigTest, ReportsJsonSyntaxErrorsWithLineAndColumn) {
  ConfigIssues issues;
  auto r = importEmulatorConfig("{\n  \"UserConfig\": {,\n}", "Config.json", issues);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().rfind("Config.json:2:", 0), 0u) << r.error().message();
  auto c = importEmulatorConfig("{ /* never closed", "Config.json", issues);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message().rfind("Config.json:1:3: ", 0), 0u) << c.error().message();
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
