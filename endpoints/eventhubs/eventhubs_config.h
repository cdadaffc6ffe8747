// Event Hubs namespaces from configuration: the Microsoft.EventHub resources of an ARM template's
// `resources` array (namespaces, event hubs, consumer groups, nested or top-level), and the
// official Event Hubs emulator's Config.json. Every problem is reported with its JSON path;
// limits are the namespace tier's (Event Hubs quotas) or the emulator's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/error.h"
#include "core/common/json.h"
#include "endpoints/eventhubs/event_hub.h"

namespace routesim::endpoints::eventhubs {

enum class NamespaceTier : uint8_t { kBasic, kStandard, kPremium };
std::string_view tierName(NamespaceTier tier);  // "Basic", "Standard", "Premium"
// Parses a SKU name or tier, ignoring letter case.
std::optional<NamespaceTier> parseTier(std::string_view name);

// Event Hubs quotas that differ by tier (learn.microsoft.com event-hubs-quotas).
struct TierLimits {
  uint32_t max_partitions;       // per event hub: 32, 32, 100
  uint32_t max_consumer_groups;  // per event hub, $Default included: 1, 20, 100
  uint32_t max_retention_days;   // 1, 7, 90
  uint32_t max_event_hubs;       // per namespace: 10, 10, 100
  uint32_t max_event_bytes;      // 256 KB, 1 MB, 1 MB
  static TierLimits forTier(NamespaceTier tier);
};

struct NamespaceConfig {
  std::string name;
  std::string location;
  std::string sku = "Standard";  // Basic | Standard | Premium
  int64_t capacity = 1;          // throughput or processing units (not emulated)
  std::vector<EventHubConfig> hubs;
  std::string path;     // JSON path of the declaring object
  uint32_t offset = 0;  // its byte offset
};

// Reads the Microsoft.EventHub/namespaces resources of the ARM `resources` array found at
// `path` ("$.resources"), with their event hubs and consumer groups declared either in the
// namespace's (and event hub's) own `resources` arrays (type "eventhubs", "consumergroups",
// "eventhubs/consumergroups" or the full type with a full name) or as top-level resources of
// type Microsoft.EventHub/namespaces/eventhubs ("ns/hub") and .../eventhubs/consumergroups
// ("ns/hub/group"). Resources of other types are left to their readers; settings of features
// interpreted elsewhere (network rule sets, TLS, local auth, identity, tags ...) are accepted
// without a word; unknown keys among the ones read here get warnings. Namespaces come back in
// array order with whatever could be read; `issues` says whether it is usable.
std::vector<NamespaceConfig> readArmNamespaces(const json::Value& resources, std::string_view path,
                                               ConfigIssues& issues);

// IoT Hub's built-in `events` endpoint (Event Hubs-compatible): its settings, from the IoT hub
// resource's properties.eventHubEndpoints.events and its consumer-group resources.
inline constexpr uint32_t kBuiltinMinPartitions = 2;
inline constexpr uint32_t kBuiltinMaxPartitions = 32;
inline constexpr uint32_t kBuiltinMaxRetentionDays = 7;
inline constexpr uint32_t kBuiltinMaxConsumerGroups = 20;  // $Default included

struct BuiltinEventsConfig {
  uint32_t partition_count = 4;
  uint32_t retention_days = 1;
  std::vector<std::string> consumer_groups;  // besides $Default
};

// Reads an IoT hub's `properties.eventHubEndpoints` object found at `path`: exactly the key
// `events`, {partitionCount 2-32 (default 4), retentionTimeInDays 1-7 (default 1)}; the
// read-only partitionIds, path and endpoint are accepted and ignored. Problems go to `issues`
// with JSON paths; the result holds what could be read.
BuiltinEventsConfig readBuiltinEventsEndpoint(const json::Value& event_hub_endpoints,
                                              std::string_view path, ConfigIssues& issues);

// Adds to `config` the consumer groups that the ARM `resources` array at `path` declares for the
// built-in endpoint of IoT hub `hub_name`: resources of type
// Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups named "<hub>/events/<group>", at
// the top level or nested in the hub's resource (type "eventHubEndpoints/ConsumerGroups", name
// "events/<group>"). Other hubs' groups are left alone. Names compare ignoring letter case;
// $Default is always there; an invalid or duplicate name, or more than 20 groups ($Default
// included), is an error with its JSON path.
void readBuiltinConsumerGroups(const json::Value& resources, std::string_view path,
                               std::string_view hub_name, BuiltinEventsConfig& config,
                               ConfigIssues& issues);

// The namespace the emulator's `Name` must be, and its fixed retention.
inline constexpr std::string_view kEmulatorNamespaceName = "emulatorNs1";
inline constexpr uint64_t kEmulatorRetentionNs = kNsPerHour;

// Imports the official Event Hubs emulator's Config.json (comments allowed): UserConfig
// {NamespaceConfig: [exactly 1 {Type "EventHub", Name "emulatorNs1", Entities: [1..10 {Name,
// PartitionCount 1..32 (a string, as the emulator's schema has it, or a number), ConsumerGroups:
// [1..20 {Name, not $Default}]}]}], LoggingConfig: {Type File|Console|File,Console|Console,File}}.
// Hubs get the emulator's 1-hour retention. Problems go to `issues` with JSON paths; the error
// returned when any is an error lists them as "<file>:<line>:<col>: error: ...".
Result<NamespaceConfig> importEmulatorConfig(std::string_view text, std::string_view file_name,
                                             ConfigIssues& issues);

}  // namespace routesim::endpoints::eventhubs
