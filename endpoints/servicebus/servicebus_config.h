// Service Bus namespaces as configuration describes them: from an ARM template's `resources`
// (Microsoft.ServiceBus/namespaces with queues, topics, subscriptions and rules, nested or as
// separate resources) or from the official Service Bus emulator's Config.json. Values are parsed
// and checked here (durations, ranges, SQL filters compiled) with errors that name JSON paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/config_issues.h"
#include "core/common/error.h"
#include "core/common/json.h"
#include "endpoints/servicebus/brokered_message.h"
#include "endpoints/servicebus/rule.h"

namespace routesim::endpoints::servicebus {

// An entity's status (ARM EntityStatus values that can be set).
enum class EntityStatus : uint8_t { kActive, kDisabled, kSendDisabled, kReceiveDisabled };
std::string_view entityStatusName(EntityStatus status);

inline constexpr uint64_t kMinute = 60 * kNsPerSecond;  // kNsPerSecond: core/common/clock.h

struct QueueConfig {
  std::string name;
  uint64_t default_message_ttl_ns = kNever;  // P10675199DT2H48M5.4775807S (TimeSpan.MaxValue)
  uint32_t max_delivery_count = 10;
  bool dead_lettering_on_message_expiration = false;
  bool requires_session = false;
  bool requires_duplicate_detection = false;
  uint64_t duplicate_detection_window_ns = 10 * kMinute;
  bool enable_partitioning = false;
  int64_t max_size_megabytes = 1024;
  int64_t max_message_size_kilobytes = 0;  // 0: the tier's limit (256 KB; Premium 1024 KB)
  uint64_t lock_duration_ns = kMinute;
  EntityStatus status = EntityStatus::kActive;
  std::string forward_to;
  std::string forward_dead_lettered_messages_to;
  std::string path;  // JSON path of the definition
  uint32_t offset = 0;
};

struct RuleConfig {
  std::string name;
  bool correlation = false;  // filterType CorrelationFilter; otherwise SqlFilter
  std::string sql_expression;
  CorrelationFilter correlation_filter;
  std::string action_expression;                 // empty: no action
  std::optional<SqlFilter> compiled_filter;      // for SqlFilter rules that compiled
  std::optional<SqlRuleAction> compiled_action;  // when action_expression compiled
  std::string path;
  uint32_t offset = 0;

  // The rule, when its filter and action compiled (nullopt otherwise).
  std::optional<Rule> build() const;
};

struct SubscriptionConfig {
  std::string name;
  uint64_t default_message_ttl_ns = kNever;
  uint32_t max_delivery_count = 10;
  bool dead_lettering_on_message_expiration = false;
  bool dead_lettering_on_filter_evaluation_exceptions = true;
  bool requires_session = false;
  uint64_t lock_duration_ns = kMinute;
  EntityStatus status = EntityStatus::kActive;
  std::string forward_to;
  std::string forward_dead_lettered_messages_to;
  std::vector<RuleConfig> rules;  // empty: the $Default rule (true filter)
  std::string path;
  uint32_t offset = 0;
};

struct TopicConfig {
  std::string name;
  uint64_t default_message_ttl_ns = kNever;
  bool requires_duplicate_detection = false;
  uint64_t duplicate_detection_window_ns = 10 * kMinute;
  bool enable_partitioning = false;
  int64_t max_size_megabytes = 1024;
  int64_t max_message_size_kilobytes = 0;
  EntityStatus status = EntityStatus::kActive;
  std::vector<SubscriptionConfig> subscriptions;
  std::string path;
  uint32_t offset = 0;
};

struct NamespaceConfig {
  std::string name;
  std::string location;
  std::string sku = "Standard";  // Basic | Standard | Premium
  std::vector<QueueConfig> queues;
  std::vector<TopicConfig> topics;
  std::string path;
  uint32_t offset = 0;
};

// The largest message an entity of `sku` accepts: 256 KB for Basic and Standard; Premium
// maxMessageSizeInKilobytes (default 1024 KB).
uint64_t maxMessageBytes(std::string_view sku, int64_t max_message_size_kilobytes);

// Reads every Microsoft.ServiceBus/namespaces resource in an ARM `resources` array found at
// `path`, with child resources nested (type "queues" / "topics" / "subscriptions" / "rules" or
// the full type) or as top-level resources named "ns/queue", "ns/topic/sub", "ns/topic/sub/rule"
// (in any order). Other resource types are ignored. ARM expressions ("[parameters('x')]") are
// not evaluated: such names are errors. Problems go to `issues` with JSON paths; what could be
// read is returned.
std::vector<NamespaceConfig> readArmNamespaces(const json::Value& resources, std::string_view path,
                                               ConfigIssues& issues);

// The namespace the emulator's Config.json declares (it cannot be renamed).
inline constexpr std::string_view kEmulatorNamespaceName = "sbemulatorns";

// Imports the official Service Bus emulator's Config.json (`//` and `/* */` comments allowed)
// with its schema's rules and defaults: one namespace "sbemulatorns", queues + topics <= 50,
// MaxDeliveryCount 1-10 (default 3), DefaultMessageTimeToLive PT5M-PT1H (default PT1H),
// LockDuration PT5S-PT5M (default PT1M), FilterType Correlation | Sql. A file that is not JSON is
// an error (with the offset); schema violations go to `issues` (offsets into `text`).
Result<NamespaceConfig> importEmulatorConfig(std::string_view text, std::string_view file_name,
                                             ConfigIssues& issues);

}  // namespace routesim::endpoints::servicebus
