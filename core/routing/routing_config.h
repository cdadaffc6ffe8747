// The `routing` object of a Microsoft.Devices/IotHubs resource as ARM writes it (reference
// iothub.md §3): custom endpoints by kind, routes, the fallback route and enrichments, read and
// validated with errors that name JSON paths. Conditions are compiled later, by RouteTable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/message/message.h"

namespace routesim::routing {

enum class EndpointKind : uint8_t {
  kBuiltIn,  // "events", the Event Hubs-compatible built-in endpoint
  kStorage,
  kEventHubs,
  kServiceBusQueue,
  kServiceBusTopic,
};

// IoT Hub's EndpointType dimension value: builtin, blobStorage, eventHubs, serviceBusQueues,
// serviceBusTopics.
std::string_view endpointTypeName(EndpointKind kind);
// The suffix of the per-type metrics d2c.endpoints.egress.<x> / latency.<x>: builtIn.events,
// storage, eventHubs, serviceBusQueues, serviceBusTopics.
std::string_view endpointMetricName(EndpointKind kind);

inline constexpr std::string_view kBuiltInEndpointName = "events";

// The partition of the built-in (Event Hubs-compatible) endpoint that receives `device_id`'s
// messages: IoT Hub partitions by the originating device; the function it uses is not
// published, so routesim uses FNV-1a (32-bit) modulo the partition count, stable across runs.
uint32_t builtinPartition(std::string_view device_id, uint32_t partition_count);

// Byte offset in a JSON string literal's raw text (after its opening quote) of byte
// `unescaped_offset` of its value: escapes (\" \uXXXX ...) take more bytes raw than unescaped.
uint32_t rawStringOffset(std::string_view raw, uint32_t unescaped_offset);

struct EndpointConfig {
  std::string name;
  EndpointKind kind = EndpointKind::kBuiltIn;
  std::string path;          // JSON path of the endpoint object
  uint32_t offset = 0;       // byte offset of the endpoint object
  uint32_t name_offset = 0;  // byte offset of its "name" value

  std::string connection_string;
  std::string endpoint_uri;
  std::string entity_path;
  std::string authentication_type;     // "keyBased" | "identityBased" | "" (unspecified)
  std::string user_assigned_identity;  // identity.userAssignedIdentity
  std::string subscription_id;
  std::string resource_group;

  // Storage containers only.
  std::string container_name;
  std::string encoding = "avro";  // avro | avrodeflate | json (normalized to lower case)
  std::string file_name_format = "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}";
  int64_t batch_frequency_seconds = 300;
  int64_t max_chunk_bytes = 314572800;
};

struct RouteConfig {
  std::string name;
  message::MessageSource source = message::MessageSource::kDeviceMessages;
  std::string condition = "true";  // a missing or empty condition is true
  std::string endpoint;
  bool enabled = true;
  std::string path;
  uint32_t condition_offset = 0;  // byte offset of the condition string (its opening quote)
  uint32_t name_offset = 0;
  uint32_t endpoint_offset = 0;  // of endpointNames[0]
  // The condition's raw JSON text when it has escapes (so an error's offset in the condition
  // maps back to the file); empty otherwise.
  std::string condition_raw;
};

struct EnrichmentConfig {
  std::string key;
  std::string value;  // static text, "$iothubname", or a "$twin." path
  std::vector<std::string> endpoints;
  std::vector<uint32_t> endpoint_offsets;  // of each endpointNames entry
  std::string path;
  uint32_t offset = 0;
  uint32_t value_offset = 0;
};

struct RoutingConfig {
  std::vector<EndpointConfig> endpoints;  // custom endpoints; "events" is implicit
  std::vector<RouteConfig> routes;
  std::optional<RouteConfig> fallback;  // absent: fallback disabled (ARM 2023-06-30)
  std::vector<EnrichmentConfig> enrichments;
};

enum class HubTier : uint8_t { kFree, kBasic, kStandard };

// The tier of an IoT Hub SKU name (F1 free; B1-B3 basic; S1-S3 standard). nullopt if unknown.
std::optional<HubTier> tierOfSku(std::string_view sku);

struct RoutingLimits {
  size_t routes = 100;
  size_t custom_endpoints = 10;
  size_t enrichments = 10;
  static RoutingLimits forTier(HubTier tier);
};

// Reads and validates a routing object found at `path` ("$" for a bare routing file). Every
// problem goes to `issues` (errors with codes, warnings for unknown keys); the returned config
// holds what could be read. Conditions are only checked for compilation by RouteTable::build.
RoutingConfig readRoutingConfig(const json::Value& routing, const std::string& path,
                                const RoutingLimits& limits, ConfigIssues& issues);

}  // namespace routesim::routing
