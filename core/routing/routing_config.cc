#include "core/routing/routing_config.h"

#include <array>
#include <cstdlib>

#include "core/common/config_reader.h"
#include "core/common/utf.h"

namespace routesim::routing {
namespace {

struct KindInfo {
  std::string_view arm_key;  // property of routing.endpoints
  EndpointKind kind;
};

constexpr std::array<KindInfo, 4> kKinds = {{
    {"storageContainers", EndpointKind::kStorage},
    {"eventHubs", EndpointKind::kEventHubs},
    {"serviceBusQueues", EndpointKind::kServiceBusQueue},
    {"serviceBusTopics", EndpointKind::kServiceBusTopic},
}};

// ^[A-Za-z0-9-._]{1,64}$, the ARM pattern for route and endpoint names.
bool validName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool validEnrichmentKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

constexpr std::array<std::string_view, 3> kReservedEndpointNames = {"events", "fileNotifications",
                                                                    "$default"};

constexpr std::array<std::string_view, 7> kFileNameTokens = {
    "{iothub}", "{partition}", "{YYYY}", "{MM}", "{DD}", "{HH}", "{mm}"};

void readEndpoint(const json::Value& value, const std::string& path, EndpointKind kind,
                  std::vector<EndpointConfig>& out, ConfigIssues& issues) {
  ObjectReader r(value, path, issues);
  if (!r.ok()) return;
  EndpointConfig e;
  e.kind = kind;
  e.path = path;
  e.offset = value.offset();
  if (auto name = r.string("name", /*required=*/true)) {
    e.name = *name;
    e.name_offset = r.get("name")->offset();
    if (!validName(e.name)) {
      issues.error(r.pathOf("name"), "InvalidEndpointName",
                   "endpoint name '" + e.name +
                       "' must be 1 to 64 characters of letters, digits, '-', '.' and '_'",
                   r.get("name")->offset());
    }
    for (std::string_view reserved : kReservedEndpointNames) {
      if (utf::equalsIgnoreCase(e.name, reserved)) {
        issues.error(
            r.pathOf("name"), "ReservedEndpointName",
            "'" + e.name + "' is a reserved endpoint name (events, fileNotifications, $default)",
            r.get("name")->offset());
      }
    }
  }
  e.connection_string = r.string("connectionString").value_or("");
  e.endpoint_uri = r.string("endpointUri").value_or("");
  e.entity_path = r.string("entityPath").value_or("");
  e.subscription_id = r.string("subscriptionId").value_or("");
  e.resource_group = r.string("resourceGroup").value_or("");
  r.string("id");
  if (auto auth = r.string("authenticationType")) {
    if (utf::equalsIgnoreCase(*auth, "keyBased")) {
      e.authentication_type = "keyBased";
    } else if (utf::equalsIgnoreCase(*auth, "identityBased")) {
      e.authentication_type = "identityBased";
    } else {
      issues.error(r.pathOf("authenticationType"), "InvalidAuthenticationType",
                   "expected 'keyBased' or 'identityBased', found '" + *auth + "'",
                   r.get("authenticationType")->offset());
    }
  }
  if (const json::Value* identity = r.object("identity")) {
    ObjectReader ir(*identity, r.pathOf("identity"), issues);
    e.user_assigned_identity = ir.string("userAssignedIdentity").value_or("");
    ir.warnUnknownKeys();
  }
  if (kind == EndpointKind::kStorage) {
    e.container_name = r.string("containerName", /*required=*/true).value_or("");
    if (auto enc = r.string("encoding")) {
      if (utf::equalsIgnoreCase(*enc, "avro") || utf::equalsIgnoreCase(*enc, "avrodeflate") ||
          utf::equalsIgnoreCase(*enc, "json")) {
        e.encoding = utf::toLowerInvariant(*enc);
      } else {
        issues.error(r.pathOf("encoding"), "InvalidEncoding",
                     "expected 'avro', 'avrodeflate' or 'JSON', found '" + *enc + "'",
                     r.get("encoding")->offset());
      }
    }
    if (auto format = r.string("fileNameFormat")) {
      e.file_name_format = *format;
      std::string missing;
      for (std::string_view token : kFileNameTokens) {
        if (format->find(token) == std::string::npos)
          missing += (missing.empty() ? "" : ", ") + std::string(token);
      }
      if (!missing.empty()) {
        issues.error(r.pathOf("fileNameFormat"), "InvalidFileNameFormat",
                     "fileNameFormat must contain all of {iothub} {partition} {YYYY} {MM} {DD} "
                     "{HH} {mm} (in any order); missing " +
                         missing,
                     r.get("fileNameFormat")->offset());
      }
    }
    e.batch_frequency_seconds = r.integer("batchFrequencyInSeconds", 60, 720).value_or(300);
    e.max_chunk_bytes = r.integer("maxChunkSizeInBytes", 10485760, 524288000).value_or(314572800);
  }
  // connectionString / endpointUri are optional here (`routesim bench` needs only names and
  // kinds); the scenario checks them against the target resources.
  r.warnUnknownKeys();
  out.push_back(std::move(e));
}

std::optional<RouteConfig> readRoute(const json::Value& value, const std::string& path,
                                     bool fallback, ConfigIssues& issues) {
  ObjectReader r(value, path, issues);
  if (!r.ok()) return std::nullopt;
  RouteConfig route;
  route.path = path;
  if (auto name = r.string("name", /*required=*/!fallback)) {
    route.name = *name;
    route.name_offset = r.get("name")->offset();
    if (!fallback && !validName(route.name)) {
      issues.error(r.pathOf("name"), "InvalidRouteName",
                   "route name '" + route.name +
                       "' must be 1 to 64 characters of letters, digits, '-', '.' and '_'",
                   r.get("name")->offset());
    }
  }
  if (fallback && route.name.empty()) route.name = "$fallback";
  if (auto source = r.string("source", /*required=*/true)) {
    auto parsed = message::parseSource(*source);
    if (!parsed) {
      issues.error(r.pathOf("source"), "InvalidRoutingSource",
                   "unknown source '" + *source +
                       "'; expected DeviceMessages, TwinChangeEvents, DeviceLifecycleEvents, "
                       "DeviceConnectionStateEvents, DeviceJobLifecycleEvents or "
                       "DigitalTwinChangeEvents",
                   r.get("source")->offset());
    } else if (fallback && *parsed != message::MessageSource::kDeviceMessages) {
      issues.error(r.pathOf("source"), "InvalidFallbackSource",
                   "the fallback route's source must be DeviceMessages", r.get("source")->offset());
    } else {
      route.source = *parsed;
    }
  }
  if (const json::Value* condition = r.get("condition")) {
    if (condition->is(json::Type::kString)) {
      route.condition_offset = condition->offset();
      route.condition_raw = condition->rawString();
      // A missing or empty condition is true (IoT Hub's default).
      bool blank = condition->text().find_first_not_of(" \t\r\n") == std::string::npos;
      route.condition = blank ? "true" : condition->text();
    } else if (!condition->is(json::Type::kNull)) {
      issues.error(r.pathOf("condition"), "InvalidType",
                   "expected a string, found " + std::string(json::typeName(condition->type())),
                   condition->offset());
    }
  }
  if (const json::Value* names = r.get("endpointNames", /*required=*/true)) {
    auto list = readStringArray(*names, r.pathOf("endpointNames"), issues);
    if (list && list->size() != 1) {
      issues.error(r.pathOf("endpointNames"), "InvalidEndpointNames",
                   "a route names exactly one endpoint, found " + std::to_string(list->size()),
                   names->offset());
    } else if (list) {
      route.endpoint = (*list)[0];
      route.endpoint_offset = names->items()[0].offset();
    }
  }
  if (const json::Value* enabled = r.get("isEnabled")) {
    if (enabled->is(json::Type::kBool)) {
      route.enabled = enabled->boolean();
    } else {
      issues.error(r.pathOf("isEnabled"), "InvalidType",
                   "expected true or false, found " + std::string(json::typeName(enabled->type())),
                   enabled->offset());
    }
  } else {
    issues.warning(r.pathOf("isEnabled"), "MissingProperty",
                   "isEnabled is missing (ARM requires it); the route is taken as enabled",
                   value.offset());
  }
  r.warnUnknownKeys();
  return route;
}

bool readEnrichment(const json::Value& value, const std::string& path,
                    std::vector<EnrichmentConfig>& out, ConfigIssues& issues) {
  ObjectReader r(value, path, issues);
  if (!r.ok()) return false;
  EnrichmentConfig e;
  e.path = path;
  e.offset = value.offset();
  if (auto key = r.string("key", /*required=*/true)) {
    e.key = *key;
    if (!validEnrichmentKey(e.key)) {
      issues.error(r.pathOf("key"), "InvalidEnrichmentKey",
                   "enrichment key '" + e.key + "' may only hold letters, digits, '-', '_' and '.'",
                   r.get("key")->offset());
    }
  }
  if (auto v = r.string("value", /*required=*/true)) {
    e.value = *v;
    e.value_offset = r.get("value")->offset();
    if (v->rfind("$twin", 0) == 0 || utf::startsWithIgnoreCase(*v, "$twin.")) {
      bool ok = utf::startsWithIgnoreCase(*v, "$twin.tags.") ||
                utf::startsWithIgnoreCase(*v, "$twin.properties.desired.") ||
                utf::startsWithIgnoreCase(*v, "$twin.properties.reported.");
      if (!ok) {
        issues.error(r.pathOf("value"), "InvalidEnrichmentValue",
                     "a twin enrichment reads $twin.tags.*, $twin.properties.desired.* or "
                     "$twin.properties.reported.*, found '" +
                         *v + "'",
                     r.get("value")->offset());
      }
    }
  }
  if (const json::Value* names = r.get("endpointNames", /*required=*/true)) {
    if (auto list = readStringArray(*names, r.pathOf("endpointNames"), issues)) {
      if (list->empty()) {
        issues.error(r.pathOf("endpointNames"), "InvalidEndpointNames",
                     "an enrichment names at least one endpoint", names->offset());
      }
      e.endpoints = std::move(*list);
      for (const json::Value& item : names->items()) e.endpoint_offsets.push_back(item.offset());
    }
  }
  r.warnUnknownKeys();
  out.push_back(std::move(e));
  return true;
}

}  // namespace

std::string_view endpointTypeName(EndpointKind kind) {
  switch (kind) {
    case EndpointKind::kBuiltIn:
      return "builtin";
    case EndpointKind::kStorage:
      return "blobStorage";
    case EndpointKind::kEventHubs:
      return "eventHubs";
    case EndpointKind::kServiceBusQueue:
      return "serviceBusQueues";
    case EndpointKind::kServiceBusTopic:
      return "serviceBusTopics";
  }
  return "unknown";
}

std::string_view endpointMetricName(EndpointKind kind) {
  switch (kind) {
    case EndpointKind::kBuiltIn:
      return "builtIn.events";
    case EndpointKind::kStorage:
      return "storage";
    case EndpointKind::kEventHubs:
      return "eventHubs";
    case EndpointKind::kServiceBusQueue:
      return "serviceBusQueues";
    case EndpointKind::kServiceBusTopic:
      return "serviceBusTopics";
  }
  return "unknown";
}

uint32_t builtinPartition(std::string_view device_id, uint32_t partition_count) {
  uint32_t h = 2166136261u;
  for (char c : device_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return partition_count == 0 ? 0 : h % partition_count;
}

uint32_t rawStringOffset(std::string_view raw, uint32_t unescaped_offset) {
  uint32_t produced = 0;
  size_t i = 0;
  while (i < raw.size() && produced < unescaped_offset) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      if (raw[i + 1] == 'u' && i + 5 < raw.size()) {
        // \uXXXX is one UTF-16 unit: 1 to 3 UTF-8 bytes (a surrogate pair: 4 for two escapes).
        unsigned unit = static_cast<unsigned>(
            std::strtoul(std::string(raw.substr(i + 2, 4)).c_str(), nullptr, 16));
        produced +=
            unit < 0x80 ? 1 : (unit < 0x800 ? 2 : (unit >= 0xD800 && unit <= 0xDFFF ? 2 : 3));
        i += 6;
      } else {
        produced += 1;
        i += 2;
      }
    } else {
      produced += 1;
      i += 1;
    }
  }
  return static_cast<uint32_t>(i);
}

std::optional<HubTier> tierOfSku(std::string_view sku) {
  if (utf::equalsIgnoreCase(sku, "F1")) return HubTier::kFree;
  if (utf::equalsIgnoreCase(sku, "B1") || utf::equalsIgnoreCase(sku, "B2") ||
      utf::equalsIgnoreCase(sku, "B3")) {
    return HubTier::kBasic;
  }
  if (utf::equalsIgnoreCase(sku, "S1") || utf::equalsIgnoreCase(sku, "S2") ||
      utf::equalsIgnoreCase(sku, "S3")) {
    return HubTier::kStandard;
  }
  return std::nullopt;
}

RoutingLimits RoutingLimits::forTier(HubTier tier) {
  if (tier == HubTier::kFree) return RoutingLimits{5, 1, 2};
  return RoutingLimits{100, 10, 10};
}

RoutingConfig readRoutingConfig(const json::Value& routing, const std::string& path,
                                const RoutingLimits& limits, ConfigIssues& issues) {
  RoutingConfig config;
  ObjectReader r(routing, path, issues);
  if (!r.ok()) return config;

  if (const json::Value* endpoints = r.object("endpoints")) {
    ObjectReader er(*endpoints, r.pathOf("endpoints"), issues);
    // In the file's order, so reports list endpoints as the user wrote them.
    for (const json::Member& member : endpoints->members()) {
      for (const KindInfo& k : kKinds) {
        if (!utf::equalsIgnoreCase(member.key, k.arm_key)) continue;
        const json::Value* list = er.array(k.arm_key);
        if (list == nullptr) break;
        for (size_t i = 0; i < list->items().size(); ++i) {
          readEndpoint(list->items()[i], json::pathIndex(er.pathOf(member.key), i), k.kind,
                       config.endpoints, issues);
        }
        break;
      }
    }
    if (const json::Value* cosmos = er.get("cosmosDBSqlContainers")) {
      if (!cosmos->items().empty()) {
        issues.warning(er.pathOf("cosmosDBSqlContainers"), "UnsupportedEndpointType",
                       "Cosmos DB endpoints are not emulated; they are ignored", cosmos->offset());
      }
    }
    er.warnUnknownKeys();
  }

  // Endpoint names are unique across every kind (letter case ignored).
  for (size_t i = 0; i < config.endpoints.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!config.endpoints[i].name.empty() &&
          utf::equalsIgnoreCase(config.endpoints[i].name, config.endpoints[j].name)) {
        issues.error(json::pathJoin(config.endpoints[i].path, "name"), "DuplicateEndpointName",
                     "endpoint name '" + config.endpoints[i].name + "' is already used at " +
                         config.endpoints[j].path,
                     config.endpoints[i].name_offset);
        break;
      }
    }
  }
  if (config.endpoints.size() > limits.custom_endpoints) {
    issues.error(r.pathOf("endpoints"), "EndpointLimitExceeded",
                 std::to_string(config.endpoints.size()) +
                     " custom endpoints exceed this tier's limit of " +
                     std::to_string(limits.custom_endpoints),
                 r.get("endpoints")->offset());
  }

  // Endpoint names are unique ignoring case, so references resolve ignoring case too.
  auto endpointExists = [&](std::string_view name) {
    if (utf::equalsIgnoreCase(name, kBuiltInEndpointName)) return true;
    for (const EndpointConfig& e : config.endpoints) {
      if (utf::equalsIgnoreCase(e.name, name)) return true;
    }
    return false;
  };

  if (const json::Value* routes = r.array("routes")) {
    for (size_t i = 0; i < routes->items().size(); ++i) {
      std::string route_path = json::pathIndex(r.pathOf("routes"), i);
      auto route = readRoute(routes->items()[i], route_path, /*fallback=*/false, issues);
      if (!route) continue;
      for (const RouteConfig& other : config.routes) {
        if (!route->name.empty() && utf::equalsIgnoreCase(other.name, route->name)) {
          issues.error(json::pathJoin(route_path, "name"), "DuplicateRouteName",
                       "route name '" + route->name + "' is already used at " + other.path,
                       route->name_offset);
          break;
        }
      }
      if (!route->endpoint.empty() && !endpointExists(route->endpoint)) {
        issues.error(json::pathIndex(json::pathJoin(route_path, "endpointNames"), 0),
                     "EndpointNotFound",
                     "route '" + route->name + "' names endpoint '" + route->endpoint +
                         "', which is not 'events' nor a defined endpoint",
                     route->endpoint_offset);
      }
      config.routes.push_back(std::move(*route));
    }
    if (config.routes.size() > limits.routes) {
      issues.error(r.pathOf("routes"), "RouteLimitExceeded",
                   std::to_string(config.routes.size()) + " routes exceed this tier's limit of " +
                       std::to_string(limits.routes),
                   routes->offset());
    }
  }

  if (const json::Value* fallback = r.get("fallbackRoute")) {
    if (!fallback->is(json::Type::kNull)) {
      auto route = readRoute(*fallback, r.pathOf("fallbackRoute"), /*fallback=*/true, issues);
      if (route && !route->endpoint.empty() && !endpointExists(route->endpoint)) {
        issues.error(json::pathIndex(json::pathJoin(r.pathOf("fallbackRoute"), "endpointNames"), 0),
                     "EndpointNotFound",
                     "the fallback route names endpoint '" + route->endpoint +
                         "', which is not 'events' nor a defined endpoint",
                     route->endpoint_offset);
      }
      if (route) config.fallback = std::move(*route);
    }
  }

  if (const json::Value* enrichments = r.array("enrichments")) {
    for (size_t i = 0; i < enrichments->items().size(); ++i) {
      if (!readEnrichment(enrichments->items()[i], json::pathIndex(r.pathOf("enrichments"), i),
                          config.enrichments, issues)) {
        continue;
      }
      const EnrichmentConfig& e = config.enrichments.back();
      for (size_t k = 0; k < e.endpoints.size(); ++k) {
        if (!endpointExists(e.endpoints[k])) {
          issues.error(json::pathIndex(json::pathJoin(e.path, "endpointNames"), k),
                       "EndpointNotFound",
                       "enrichment '" + e.key + "' names endpoint '" + e.endpoints[k] +
                           "', which is not 'events' nor a defined endpoint",
                       e.endpoint_offsets[k]);
        }
      }
    }
    if (config.enrichments.size() > limits.enrichments) {
      issues.error(r.pathOf("enrichments"), "EnrichmentLimitExceeded",
                   std::to_string(config.enrichments.size()) +
                       " enrichments exceed this tier's limit of " +
                       std::to_string(limits.enrichments),
                   enrichments->offset());
    }
  }
  r.warnUnknownKeys();
  return config;
}

}  // namespace routesim::routing
