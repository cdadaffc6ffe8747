#include "endpoints/eventhubs/eventhubs_config.h"

#include <array>
#include <limits>

#include "core/common/config_reader.h"
#include "core/common/diagnostic.h"
#include "core/common/utf.h"

namespace routesim::endpoints::eventhubs {
namespace {

constexpr std::string_view kProviderPrefix = "Microsoft.EventHub/";
constexpr std::string_view kNamespaceType = "Microsoft.EventHub/namespaces";
constexpr std::string_view kEventHubType = "Microsoft.EventHub/namespaces/eventhubs";
constexpr std::string_view kConsumerGroupType =
    "Microsoft.EventHub/namespaces/eventhubs/consumergroups";

// Microsoft.EventHub resource types that other features interpret (network rules) or that the
// emulator has no use for: accepted without a word.
constexpr std::array<std::string_view, 11> kOtherTypes = {
    "Microsoft.EventHub/namespaces/networkRuleSets",
    "Microsoft.EventHub/namespaces/authorizationRules",
    "Microsoft.EventHub/namespaces/eventhubs/authorizationRules",
    "Microsoft.EventHub/namespaces/privateEndpointConnections",
    "Microsoft.EventHub/namespaces/disasterRecoveryConfigs",
    "Microsoft.EventHub/namespaces/schemagroups",
    "Microsoft.EventHub/namespaces/applicationGroups",
    "Microsoft.EventHub/namespaces/ipfilterrules",
    "Microsoft.EventHub/namespaces/virtualnetworkrules",
    "Microsoft.EventHub/clusters",
    "Microsoft.EventHub/namespaces/disasterRecoveryConfigs/authorizationRules",
};

// Keys of any ARM template resource that say nothing about what is emulated here.
constexpr std::array<std::string_view, 17> kTemplateKeys = {
    "apiVersion", "dependsOn", "tags",      "comments", "condition", "copy",
    "scale",      "zones",     "identity",  "kind",     "id",        "etag",
    "systemData", "plan",      "managedBy", "metadata", "scope"};

// Namespace properties of other features (networking, TLS, auth, scaling, encryption) and
// read-only ones.
constexpr std::array<std::string_view, 18> kNamespacePropertyKeys = {"publicNetworkAccess",
                                                                     "minimumTlsVersion",
                                                                     "disableLocalAuth",
                                                                     "zoneRedundant",
                                                                     "isAutoInflateEnabled",
                                                                     "maximumThroughputUnits",
                                                                     "kafkaEnabled",
                                                                     "encryption",
                                                                     "privateEndpointConnections",
                                                                     "clusterArmId",
                                                                     "alternateName",
                                                                     "provisioningState",
                                                                     "status",
                                                                     "createdAt",
                                                                     "updatedAt",
                                                                     "serviceBusEndpoint",
                                                                     "metricId",
                                                                     "geoDataReplication"};

constexpr std::array<std::string_view, 6> kEventHubPropertyKeys = {
    "captureDescription", "partitionIds", "createdAt",
    "updatedAt",          "userMetadata", "messageTimestampDescription"};

constexpr std::array<std::string_view, 3> kConsumerGroupPropertyKeys = {"userMetadata", "createdAt",
                                                                        "updatedAt"};

template <size_t N>
void acceptSilently(ObjectReader& r, const std::array<std::string_view, N>& keys) {
  for (std::string_view k : keys) r.get(k);
}

// A member found ignoring letter case (ARM property names), without marking anything.
const json::Value* member(const json::Value& object, std::string_view key) {
  if (!object.is(json::Type::kObject)) return nullptr;
  for (const json::Member& m : object.members()) {
    if (utf::equalsIgnoreCase(m.key, key)) return m.value.get();
  }
  return nullptr;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.emplace_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

bool isTemplateExpression(const json::Value* v) {
  if (v == nullptr || !v->is(json::Type::kString)) return false;
  const std::string& t = v->text();
  return t.size() >= 2 && t.front() == '[' && t[1] != '[' && t.back() == ']';
}

void expressionError(ConfigIssues& issues, const std::string& path, const json::Value& v) {
  issues.error(
      path, "TemplateExpressionNotSupported",
      "ARM template expression '" + v.text() + "' is not evaluated; write the literal value",
      v.offset());
}

// A key read through ObjectReader, refusing template expressions.
const json::Value* getLiteral(ObjectReader& r, std::string_view key, ConfigIssues& issues) {
  const json::Value* v = r.get(key);
  if (isTemplateExpression(v)) {
    expressionError(issues, r.pathOf(key), *v);
    return nullptr;
  }
  return v;
}

// An integer member that must lie in [min, max]; otherwise ValueOutOfRange with `what` (the rule,
// e.g. "partitionCount must be between 1 and 32 in a Standard namespace") and the value found.
std::optional<int64_t> boundedInteger(ObjectReader& r, std::string_view key, int64_t min,
                                      int64_t max, const std::string& what, ConfigIssues& issues) {
  const json::Value* v = getLiteral(r, key, issues);
  if (v == nullptr) return std::nullopt;
  auto n = r.integer(key, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  if (!n) return std::nullopt;
  if (*n < min || *n > max) {
    issues.error(r.pathOf(key), "ValueOutOfRange", what + ", found " + v->text(), v->offset());
    return std::nullopt;
  }
  return n;
}

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Namespaces: 6-50 letters, digits and hyphens, starting with a letter, ending with a letter or
// digit.
bool validNamespaceName(std::string_view n) {
  if (n.size() < 6 || n.size() > 50) return false;
  bool letter0 = (n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z');
  if (!letter0 || !isAlnum(n.back())) return false;
  for (char c : n) {
    if (!isAlnum(c) && c != '-') return false;
  }
  return true;
}

// Event hubs (1-256) and consumer groups (1-50): letters, digits, '.', '-', '_', starting and
// ending with a letter or digit.
bool validEntityName(std::string_view n, size_t max) {
  if (n.empty() || n.size() > max) return false;
  if (!isAlnum(n.front()) || !isAlnum(n.back())) return false;
  for (char c : n) {
    if (!isAlnum(c) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// ARM: collecting the Microsoft.EventHub resources, nested or not, with their full names

enum class Kind : uint8_t { kNamespace, kEventHub, kConsumerGroup };

struct Entry {
  Kind kind;
  const json::Value* value;
  std::string path;
  std::vector<std::string> segments;  // full name: ns[/hub[/group]]
  std::string name_path;
  uint32_t name_offset;
};

size_t typeSegments(std::string_view full_type) {
  // "Microsoft.EventHub/namespaces/eventhubs" names "ns/hub": one segment per type level.
  size_t n = 0;
  for (char c : full_type) n += c == '/' ? 1 : 0;
  return n;
}

void collect(const json::Value& value, const std::string& path, std::string_view parent_type,
             const std::vector<std::string>& parent_segments, std::vector<Entry>& out,
             ConfigIssues& issues) {
  const bool nested = !parent_type.empty();
  if (!value.is(json::Type::kObject)) {
    if (nested) {
      issues.error(path, "InvalidType",
                   "expected a resource object, found " + std::string(json::typeName(value.type())),
                   value.offset());
    }
    return;
  }
  const json::Value* type = member(value, "type");
  if (type == nullptr || !type->is(json::Type::kString)) {
    if (nested) {
      issues.error(json::pathJoin(path, "type"),
                   type == nullptr ? "MissingProperty" : "InvalidType",
                   "a nested resource needs a 'type' string", value.offset());
    }
    return;
  }
  const std::string& written = type->text();
  const bool relative = nested && !utf::startsWithIgnoreCase(written, "Microsoft.");
  std::string full_type = relative ? std::string(parent_type) + "/" + written : written;
  if (!utf::startsWithIgnoreCase(full_type, kProviderPrefix)) return;  // another provider's
  if (full_type.find("/providers/") != std::string::npos) return;      // extension resources

  Kind kind;
  if (utf::equalsIgnoreCase(full_type, kNamespaceType)) {
    kind = Kind::kNamespace;
  } else if (utf::equalsIgnoreCase(full_type, kEventHubType)) {
    kind = Kind::kEventHub;
  } else if (utf::equalsIgnoreCase(full_type, kConsumerGroupType)) {
    kind = Kind::kConsumerGroup;
  } else {
    for (std::string_view other : kOtherTypes) {
      if (utf::equalsIgnoreCase(full_type, other)) return;
    }
    issues.warning(json::pathJoin(path, "type"), "UnknownResourceType",
                   "resource type '" + full_type + "' is not emulated and is ignored",
                   type->offset());
    return;
  }
  if (nested && kind == Kind::kNamespace) {
    issues.error(json::pathJoin(path, "type"), "InvalidResourceType",
                 "a namespace cannot be nested in another resource", type->offset());
    return;
  }

  const std::string name_path = json::pathJoin(path, "name");
  const json::Value* name = member(value, "name");
  if (name == nullptr || !name->is(json::Type::kString)) {
    issues.error(name_path, name == nullptr ? "MissingProperty" : "InvalidType",
                 "a resource needs a 'name' string",
                 name == nullptr ? value.offset() : name->offset());
    return;
  }
  if (isTemplateExpression(name)) {
    expressionError(issues, name_path, *name);
    return;
  }
  std::vector<std::string> written_segments = split(name->text(), '/');
  std::vector<std::string> segments;
  const size_t want = typeSegments(full_type);
  if (relative) {
    segments = parent_segments;
    segments.insert(segments.end(), written_segments.begin(), written_segments.end());
  } else {
    segments = written_segments;
  }
  bool prefix_ok = true;
  for (size_t i = 0; nested && !relative && i < parent_segments.size() && i < segments.size();
       ++i) {
    prefix_ok = prefix_ok && utf::equalsIgnoreCase(segments[i], parent_segments[i]);
  }
  if (segments.size() != want || !prefix_ok) {
    std::string example = kind == Kind::kNamespace  ? "'<namespace>'"
                          : kind == Kind::kEventHub ? "'<namespace>/<event hub>'"
                                                    : "'<namespace>/<event hub>/<consumer group>'";
    std::string message = "resource name '" + name->text() + "' does not fit type '" + written +
                          "'" + (relative ? " nested here" : "") + ": the full name must be " +
                          example;
    if (nested && !prefix_ok) {
      message += ", starting with its parent's name '" + join(parent_segments) + "'";
    }
    issues.error(name_path, "InvalidResourceName", message, name->offset());
    return;
  }
  for (const std::string& s : segments) {
    if (s.empty()) {
      issues.error(name_path, "InvalidResourceName",
                   "resource name '" + name->text() + "' has an empty segment", name->offset());
      return;
    }
  }
  out.push_back({kind, &value, path, segments, name_path, name->offset()});

  if (kind == Kind::kConsumerGroup) return;  // its children are not emulated
  if (const json::Value* children = member(value, "resources")) {
    const std::string children_path = json::pathJoin(path, "resources");
    if (!children->is(json::Type::kArray)) {
      issues.error(children_path, "InvalidType",
                   "expected an array, found " + std::string(json::typeName(children->type())),
                   children->offset());
      return;
    }
    for (size_t i = 0; i < children->items().size(); ++i) {
      collect(children->items()[i], json::pathIndex(children_path, i), full_type, segments, out,
              issues);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ARM: reading each resource

struct NamespaceState {
  NamespaceConfig config;
  NamespaceTier tier = NamespaceTier::kStandard;
};

void readSku(const json::Value& sku, const std::string& path, NamespaceState& ns,
             ConfigIssues& issues) {
  ObjectReader r(sku, path, issues);
  if (!r.ok()) return;
  std::optional<NamespaceTier> by_name;
  if (const json::Value* v = r.get("name", /*required=*/true)) {
    if (isTemplateExpression(v)) {
      expressionError(issues, r.pathOf("name"), *v);
    } else if (auto name = r.string("name")) {
      by_name = parseTier(*name);
      if (!by_name) {
        issues.error(r.pathOf("name"), "InvalidSku",
                     "unknown SKU '" + *name + "'; expected Basic, Standard or Premium",
                     v->offset());
      }
    }
  }
  if (const json::Value* v = getLiteral(r, "tier", issues)) {
    if (auto tier = r.string("tier")) {
      auto parsed = parseTier(*tier);
      if (!parsed) {
        issues.error(r.pathOf("tier"), "InvalidSku",
                     "unknown tier '" + *tier + "'; expected Basic, Standard or Premium",
                     v->offset());
      } else if (by_name && *parsed != *by_name) {
        issues.warning(r.pathOf("tier"), "SkuTierMismatch",
                       "tier '" + *tier + "' differs from the SKU name '" +
                           std::string(tierName(*by_name)) + "'; the name decides",
                       v->offset());
      } else if (!by_name) {
        by_name = parsed;
      }
    }
  }
  if (getLiteral(r, "capacity", issues) != nullptr) {
    if (auto capacity = r.integer("capacity", 0, 1000)) ns.config.capacity = *capacity;
  }
  r.warnUnknownKeys();
  if (by_name) {
    ns.tier = *by_name;
    ns.config.sku = std::string(tierName(*by_name));
  }
}

std::optional<NamespaceState> readNamespace(const Entry& e, ConfigIssues& issues) {
  ObjectReader r(*e.value, e.path, issues);
  NamespaceState ns;
  ns.config.name = e.segments[0];
  ns.config.path = e.path;
  ns.config.offset = e.value->offset();
  r.get("type");
  r.get("name");
  r.get("resources");
  acceptSilently(r, kTemplateKeys);
  if (!validNamespaceName(ns.config.name)) {
    issues.error(e.name_path, "InvalidNamespaceName",
                 "namespace name '" + ns.config.name +
                     "' must be 6 to 50 letters, digits and hyphens, start with a letter and end "
                     "with a letter or digit",
                 e.name_offset);
  }
  if (getLiteral(r, "location", issues) != nullptr) {
    ns.config.location = r.string("location").value_or("");
  }
  if (const json::Value* sku = r.object("sku")) readSku(*sku, r.pathOf("sku"), ns, issues);
  if (const json::Value* props = r.object("properties")) {
    ObjectReader pr(*props, r.pathOf("properties"), issues);
    acceptSilently(pr, kNamespacePropertyKeys);
    pr.warnUnknownKeys();
  }
  r.warnUnknownKeys();
  return ns;
}

// Reads an event hub's properties into `hub` with `ns`'s tier limits.
void readEventHubProperties(const json::Value& props, const std::string& path,
                            const NamespaceState& ns, EventHubConfig& hub, ConfigIssues& issues) {
  ObjectReader r(props, path, issues);
  if (!r.ok()) return;
  const TierLimits limits = TierLimits::forTier(ns.tier);
  const std::string tier(tierName(ns.tier));

  if (auto n =
          boundedInteger(r, "partitionCount", 1, limits.max_partitions,
                         "partitionCount must be between 1 and " +
                             std::to_string(limits.max_partitions) + " in a " + tier + " namespace",
                         issues)) {
    hub.partition_count = static_cast<uint32_t>(*n);
  }
  std::optional<int64_t> days;
  if (const json::Value* v = getLiteral(r, "messageRetentionInDays", issues)) {
    if (auto n = r.integer("messageRetentionInDays", std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<int64_t>::max())) {
      if (*n < 1 || *n > limits.max_retention_days) {
        issues.error(r.pathOf("messageRetentionInDays"), "ValueOutOfRange",
                     "The value '" + v->text() +
                         "' for MessageRetentionInDays isn't valid for the " + tier +
                         " tier: it must be between 1 and " +
                         std::to_string(limits.max_retention_days) + " day(s)",
                     v->offset());
      } else {
        days = *n;
        hub.retention_ns = static_cast<uint64_t>(*n) * kNsPerDay;
      }
    }
  }
  if (const json::Value* rd = r.object("retentionDescription")) {
    ObjectReader rr(*rd, r.pathOf("retentionDescription"), issues);
    if (const json::Value* v = getLiteral(rr, "cleanupPolicy", issues)) {
      if (auto policy = rr.string("cleanupPolicy")) {
        if (utf::equalsIgnoreCase(*policy, "Compact") ||
            utf::equalsIgnoreCase(*policy, "DeleteOrCompact")) {
          issues.warning(
              rr.pathOf("cleanupPolicy"), "NotEmulated",
              "log compaction ('" + *policy + "') is not emulated; events expire by time only",
              v->offset());
        } else if (!utf::equalsIgnoreCase(*policy, "Delete")) {
          issues.error(rr.pathOf("cleanupPolicy"), "InvalidCleanupPolicy",
                       "unknown cleanupPolicy '" + *policy +
                           "'; expected Delete, Compact or DeleteOrCompact",
                       v->offset());
        }
      }
    }
    const int64_t max_hours = int64_t{limits.max_retention_days} * 24;
    if (auto hours = boundedInteger(rr, "retentionTimeInHours", 1, max_hours,
                                    "retentionTimeInHours must be between 1 and " +
                                        std::to_string(max_hours) + " in a " + tier + " namespace",
                                    issues)) {
      if (days && *days * 24 != *hours) {
        const json::Value* v = rr.get("retentionTimeInHours");
        issues.warning(rr.pathOf("retentionTimeInHours"), "RetentionOverridden",
                       "retentionTimeInHours (" + v->text() +
                           ") decides the retention; messageRetentionInDays (" +
                           std::to_string(*days) + ") is ignored",
                       v->offset());
      }
      hub.retention_ns = static_cast<uint64_t>(*hours) * kNsPerHour;
    }
    rr.get("tombstoneRetentionTimeInHours");
    rr.get("minCompactionLagTimeInMinutes");
    rr.warnUnknownKeys();
  }
  if (const json::Value* v = getLiteral(r, "status", issues)) {
    if (auto status = r.string("status")) {
      if (auto parsed = parseEntityStatus(*status)) {
        hub.status = std::string(entityStatusName(*parsed));
      } else {
        issues.error(r.pathOf("status"), "InvalidEntityStatus",
                     "status '" + *status +
                         "' is not one the emulator acts on; expected Active, Disabled, "
                         "SendDisabled or ReceiveDisabled",
                     v->offset());
      }
    }
  }
  acceptSilently(r, kEventHubPropertyKeys);
  r.warnUnknownKeys();
}

NamespaceState* findNamespace(std::vector<NamespaceState>& all, std::string_view name) {
  for (NamespaceState& ns : all) {
    if (utf::equalsIgnoreCase(ns.config.name, name)) return &ns;
  }
  return nullptr;
}

EventHubConfig* findHub(NamespaceState& ns, std::string_view name) {
  for (EventHubConfig& h : ns.config.hubs) {
    if (utf::equalsIgnoreCase(h.name, name)) return &h;
  }
  return nullptr;
}

void readEventHub(const Entry& e, std::vector<NamespaceState>& all, ConfigIssues& issues) {
  ObjectReader r(*e.value, e.path, issues);
  r.get("type");
  r.get("name");
  r.get("resources");
  r.get("location");
  acceptSilently(r, kTemplateKeys);
  NamespaceState* ns = findNamespace(all, e.segments[0]);
  if (ns == nullptr) {
    issues.error(e.name_path, "ParentNotFound",
                 "event hub '" + join(e.segments) + "': namespace '" + e.segments[0] +
                     "' is not declared in these resources",
                 e.name_offset);
    r.warnUnknownKeys();
    return;
  }
  const std::string& name = e.segments[1];
  if (!validEntityName(name, 256)) {
    issues.error(e.name_path, "InvalidEventHubName",
                 "event hub name '" + name +
                     "' must be 1 to 256 letters, digits, '.', '-' and '_', starting and ending "
                     "with a letter or digit",
                 e.name_offset);
  }
  if (findHub(*ns, name) != nullptr) {
    issues.error(
        e.name_path, "DuplicateEventHub",
        "event hub '" + name + "' is declared twice in namespace '" + ns->config.name + "'",
        e.name_offset);
    r.warnUnknownKeys();
    return;
  }
  const TierLimits limits = TierLimits::forTier(ns->tier);
  if (ns->config.hubs.size() >= limits.max_event_hubs) {
    issues.error(e.name_path, "QuotaExceeded",
                 "a " + std::string(tierName(ns->tier)) + " namespace holds at most " +
                     std::to_string(limits.max_event_hubs) + " event hubs; '" + name +
                     "' would be one more",
                 e.name_offset);
    r.warnUnknownKeys();
    return;
  }
  EventHubConfig hub;
  hub.name = name;
  hub.max_event_bytes = limits.max_event_bytes;
  if (const json::Value* props = r.object("properties")) {
    readEventHubProperties(*props, r.pathOf("properties"), *ns, hub, issues);
  }
  r.warnUnknownKeys();
  ns->config.hubs.push_back(std::move(hub));
}

void readConsumerGroup(const Entry& e, std::vector<NamespaceState>& all, ConfigIssues& issues) {
  ObjectReader r(*e.value, e.path, issues);
  r.get("type");
  r.get("name");
  r.get("location");
  r.get("resources");
  acceptSilently(r, kTemplateKeys);
  if (const json::Value* props = r.object("properties")) {
    ObjectReader pr(*props, r.pathOf("properties"), issues);
    acceptSilently(pr, kConsumerGroupPropertyKeys);
    pr.warnUnknownKeys();
  }
  r.warnUnknownKeys();
  NamespaceState* ns = findNamespace(all, e.segments[0]);
  EventHubConfig* hub = ns == nullptr ? nullptr : findHub(*ns, e.segments[1]);
  if (hub == nullptr) {
    issues.error(e.name_path, "ParentNotFound",
                 "consumer group '" + join(e.segments) + "': " +
                     (ns == nullptr ? "namespace '" + e.segments[0] + "'"
                                    : "event hub '" + e.segments[0] + "/" + e.segments[1] + "'") +
                     " is not declared in these resources",
                 e.name_offset);
    return;
  }
  const std::string& name = e.segments[2];
  if (utf::equalsIgnoreCase(name, kDefaultConsumerGroup)) return;  // always there
  if (!validEntityName(name, 50)) {
    issues.error(e.name_path, "InvalidConsumerGroupName",
                 "consumer group name '" + name +
                     "' must be 1 to 50 letters, digits, '.', '-' and '_', starting and ending "
                     "with a letter or digit",
                 e.name_offset);
    return;
  }
  for (const std::string& g : hub->consumer_groups) {
    if (utf::equalsIgnoreCase(g, name)) {
      issues.error(
          e.name_path, "DuplicateConsumerGroup",
          "consumer group '" + name + "' is declared twice in event hub '" + hub->name + "'",
          e.name_offset);
      return;
    }
  }
  const TierLimits limits = TierLimits::forTier(ns->tier);
  if (hub->consumer_groups.size() + 1 >= limits.max_consumer_groups) {  // + $Default
    issues.error(e.name_path, "QuotaExceeded",
                 "an event hub in a " + std::string(tierName(ns->tier)) +
                     " namespace has at most " + std::to_string(limits.max_consumer_groups) +
                     " consumer group(s), $Default included; '" + name + "' would be one more",
                 e.name_offset);
    return;
  }
  hub->consumer_groups.push_back(name);
}

// ---------------------------------------------------------------------------------------------
// The emulator's Config.json

// ^[A-Za-z0-9]$|^[A-Za-z0-9][\w-\.\/]*[A-Za-z0-9]$ (the emulator schema's entity name pattern).
bool validEmulatorEntityName(std::string_view n) {
  if (n.empty() || !isAlnum(n.front()) || !isAlnum(n.back())) return false;
  for (char c : n) {
    if (!isAlnum(c) && c != '_' && c != '-' && c != '.' && c != '/') return false;
  }
  return true;
}

void readEmulatorEntity(const json::Value& value, const std::string& path, NamespaceConfig& ns,
                        ConfigIssues& issues) {
  ObjectReader r(value, path, issues);
  if (!r.ok()) return;
  EventHubConfig hub;
  hub.retention_ns = kEmulatorRetentionNs;
  bool ok = true;
  if (auto name = r.string("Name", /*required=*/true)) {
    hub.name = *name;
    if (!validEmulatorEntityName(*name)) {
      issues.error(r.pathOf("Name"), "InvalidEntityName",
                   "entity name '" + *name +
                       "' must match ^[A-Za-z0-9]$|^[A-Za-z0-9][\\w-\\.\\/]*[A-Za-z0-9]$",
                   r.get("Name")->offset());
      ok = false;
    }
    for (const EventHubConfig& h : ns.hubs) {
      if (utf::equalsIgnoreCase(h.name, *name)) {
        issues.error(r.pathOf("Name"), "DuplicateEntity",
                     "entity '" + *name + "' is declared twice", r.get("Name")->offset());
        ok = false;
      }
    }
  } else {
    ok = false;
  }
  if (const json::Value* v = r.get("PartitionCount", /*required=*/true)) {
    std::optional<int64_t> count;
    bool reported = false;
    if (v->is(json::Type::kString)) {
      const std::string& t = v->text();
      bool digits = !t.empty() && t.size() <= 9 && t.find_first_not_of("0123456789") == t.npos;
      if (digits) count = std::stoll(t);
    } else if (v->is(json::Type::kNumber)) {
      count = r.integer("PartitionCount", std::numeric_limits<int32_t>::min(),
                        std::numeric_limits<int32_t>::max());
      reported = !count;
    }
    if (!count) {
      if (!reported) {
        issues.error(r.pathOf("PartitionCount"), "InvalidType",
                     "expected a whole number of partitions (a string such as \"2\" or a "
                     "number), found " +
                         (v->is(json::Type::kString) ? "'" + v->text() + "'"
                                                     : std::string(json::typeName(v->type()))),
                     v->offset());
      }
      ok = false;
    } else if (*count < 1 || *count > 32) {
      issues.error(r.pathOf("PartitionCount"), "ValueOutOfRange",
                   "PartitionCount must be between 1 and 32, found " + v->text(), v->offset());
      ok = false;
    } else {
      hub.partition_count = static_cast<uint32_t>(*count);
    }
  } else {
    ok = false;
  }
  if (const json::Value* groups = r.array("ConsumerGroups")) {
    const std::string gpath = r.pathOf("ConsumerGroups");
    if (groups->items().empty() || groups->items().size() > 20) {
      issues.error(
          gpath, "ValueOutOfRange",
          "ConsumerGroups must have 1 to 20 items, found " + std::to_string(groups->items().size()),
          groups->offset());
      ok = false;
    }
    for (size_t i = 0; i < groups->items().size(); ++i) {
      ObjectReader gr(groups->items()[i], json::pathIndex(gpath, i), issues);
      if (!gr.ok()) {
        ok = false;
        continue;
      }
      if (auto name = gr.string("Name", /*required=*/true)) {
        const json::Value* nv = gr.get("Name");
        bool dup = false;
        for (const std::string& g : hub.consumer_groups) {
          dup = dup || utf::equalsIgnoreCase(g, *name);
        }
        if (utf::equalsIgnoreCase(*name, kDefaultConsumerGroup)) {
          issues.error(gr.pathOf("Name"), "ReservedConsumerGroupName",
                       "'" + *name + "' is created automatically and cannot be declared",
                       nv->offset());
          ok = false;
        } else if (name->empty()) {
          issues.error(gr.pathOf("Name"), "InvalidConsumerGroupName",
                       "a consumer group name cannot be empty", nv->offset());
          ok = false;
        } else if (dup) {
          issues.error(gr.pathOf("Name"), "DuplicateConsumerGroup",
                       "consumer group '" + *name + "' is declared twice", nv->offset());
          ok = false;
        } else {
          hub.consumer_groups.push_back(*name);
        }
      } else {
        ok = false;
      }
      gr.warnUnknownKeys();
    }
  }
  r.warnUnknownKeys();
  if (ok) ns.hubs.push_back(std::move(hub));
}

}  // namespace

std::string_view tierName(NamespaceTier tier) {
  switch (tier) {
    case NamespaceTier::kBasic:
      return "Basic";
    case NamespaceTier::kStandard:
      return "Standard";
    case NamespaceTier::kPremium:
      return "Premium";
  }
  return "Standard";
}

std::optional<NamespaceTier> parseTier(std::string_view name) {
  for (NamespaceTier t :
       {NamespaceTier::kBasic, NamespaceTier::kStandard, NamespaceTier::kPremium}) {
    if (utf::equalsIgnoreCase(tierName(t), name)) return t;
  }
  return std::nullopt;
}

TierLimits TierLimits::forTier(NamespaceTier tier) {
  switch (tier) {
    case NamespaceTier::kBasic:
      return {32, 1, 1, 10, kBasicMaxEventBytes};
    case NamespaceTier::kStandard:
      return {32, 20, 7, 10, kMaxEventBytes};
    case NamespaceTier::kPremium:
      return {100, 100, 90, 100, kMaxEventBytes};
  }
  return {32, 20, 7, 10, kMaxEventBytes};
}

std::vector<NamespaceConfig> readArmNamespaces(const json::Value& resources, std::string_view path,
                                               ConfigIssues& issues) {
  std::vector<NamespaceConfig> out;
  const std::string base(path);
  if (!resources.is(json::Type::kArray)) {
    issues.error(
        base, "InvalidType",
        "expected an array of resources, found " + std::string(json::typeName(resources.type())),
        resources.offset());
    return out;
  }
  std::vector<Entry> entries;
  for (size_t i = 0; i < resources.items().size(); ++i) {
    collect(resources.items()[i], json::pathIndex(base, i), "", {}, entries, issues);
  }
  std::vector<NamespaceState> namespaces;
  for (const Entry& e : entries) {
    if (e.kind != Kind::kNamespace) continue;
    if (findNamespace(namespaces, e.segments[0]) != nullptr) {
      issues.error(e.name_path, "DuplicateNamespace",
                   "namespace '" + e.segments[0] + "' is declared twice", e.name_offset);
      continue;
    }
    if (auto ns = readNamespace(e, issues)) namespaces.push_back(std::move(*ns));
  }
  for (const Entry& e : entries) {
    if (e.kind == Kind::kEventHub) readEventHub(e, namespaces, issues);
  }
  for (const Entry& e : entries) {
    if (e.kind == Kind::kConsumerGroup) readConsumerGroup(e, namespaces, issues);
  }
  out.reserve(namespaces.size());
  for (NamespaceState& ns : namespaces) {
    for (EventHubConfig& hub : ns.config.hubs) {
      hub.consumer_groups.insert(hub.consumer_groups.begin(), std::string(kDefaultConsumerGroup));
    }
    out.push_back(std::move(ns.config));
  }
  return out;
}

Result<NamespaceConfig> importEmulatorConfig(std::string_view text, std::string_view file_name,
                                             ConfigIssues& issues) {
  auto stripped = json::stripComments(text);
  if (!stripped.ok()) {
    return Error(ErrorCode::kInvalidInput, formatDiagnostic(file_name, text, stripped.error()));
  }
  auto parsed = json::parse(*stripped);
  if (!parsed.ok()) {
    return Error(ErrorCode::kInvalidInput, formatDiagnostic(file_name, text, parsed.error()));
  }
  const json::Value& root = *parsed;
  NamespaceConfig ns;
  ns.name = std::string(kEmulatorNamespaceName);
  ns.path = "$";
  ObjectReader r(root, "$", issues);
  if (const json::Value* user = r.object("UserConfig", /*required=*/true)) {
    ObjectReader ur(*user, r.pathOf("UserConfig"), issues);
    if (const json::Value* list = ur.array("NamespaceConfig", /*required=*/true)) {
      const std::string lpath = ur.pathOf("NamespaceConfig");
      if (list->items().size() != 1) {
        issues.error(lpath, "ValueOutOfRange",
                     "NamespaceConfig must have exactly 1 item, found " +
                         std::to_string(list->items().size()),
                     list->offset());
      }
      if (!list->items().empty()) {
        const std::string npath = json::pathIndex(lpath, 0);
        ObjectReader nr(list->items()[0], npath, issues);
        ns.offset = list->items()[0].offset();
        ns.path = npath;
        if (auto type = nr.string("Type")) {
          if (*type != "EventHub") {
            issues.error(nr.pathOf("Type"), "InvalidValue",
                         "Type must be \"EventHub\", found \"" + *type + "\"",
                         nr.get("Type")->offset());
          }
        }
        if (auto name = nr.string("Name")) {
          if (*name != kEmulatorNamespaceName) {
            issues.error(nr.pathOf("Name"), "InvalidValue",
                         "the emulator's namespace is always \"emulatorNs1\" (it cannot be "
                         "renamed), found \"" +
                             *name + "\"",
                         nr.get("Name")->offset());
          }
        }
        if (const json::Value* entities = nr.array("Entities", /*required=*/true)) {
          const std::string epath = nr.pathOf("Entities");
          if (entities->items().empty() || entities->items().size() > 10) {
            issues.error(epath, "ValueOutOfRange",
                         "Entities must have 1 to 10 items, found " +
                             std::to_string(entities->items().size()),
                         entities->offset());
          }
          for (size_t i = 0; i < entities->items().size(); ++i) {
            readEmulatorEntity(entities->items()[i], json::pathIndex(epath, i), ns, issues);
          }
        }
        nr.warnUnknownKeys();
      }
      for (size_t i = 1; i < list->items().size(); ++i) {
        // Read for their own problems only; the emulator has one namespace.
        NamespaceConfig extra;
        ObjectReader xr(list->items()[i], json::pathIndex(lpath, i), issues);
        if (const json::Value* entities = xr.array("Entities")) {
          for (size_t j = 0; j < entities->items().size(); ++j) {
            readEmulatorEntity(entities->items()[j], json::pathIndex(xr.pathOf("Entities"), j),
                               extra, issues);
          }
        }
        xr.get("Type");
        xr.get("Name");
        xr.warnUnknownKeys();
      }
    }
    if (const json::Value* logging = ur.object("LoggingConfig", /*required=*/true)) {
      ObjectReader lr(*logging, ur.pathOf("LoggingConfig"), issues);
      if (auto type = lr.string("Type", /*required=*/true)) {
        if (*type != "File" && *type != "Console" && *type != "File,Console" &&
            *type != "Console,File") {
          issues.error(lr.pathOf("Type"), "InvalidValue",
                       "LoggingConfig.Type must be \"File\", \"Console\", \"File,Console\" or "
                       "\"Console,File\", found \"" +
                           *type + "\"",
                       lr.get("Type")->offset());
        }
      }
      lr.warnUnknownKeys();
    }
    ur.warnUnknownKeys();
  }
  r.warnUnknownKeys();
  for (EventHubConfig& hub : ns.hubs) {
    hub.consumer_groups.insert(hub.consumer_groups.begin(), std::string(kDefaultConsumerGroup));
  }
  if (issues.hasErrors()) {
    ConfigIssues errors;
    for (const ConfigIssue& i : issues.items()) {
      if (i.severity == ConfigIssue::Severity::kError) {
        errors.error(i.path, i.code, i.message, i.offset);
      }
    }
    return Error(ErrorCode::kInvalidInput, errors.format(file_name, text));
  }
  return ns;
}

// ---------------------------------------------------------------------------------------------
// The IoT hub's built-in events endpoint

namespace {

constexpr std::string_view kIotHubType = "Microsoft.Devices/IotHubs";
constexpr std::string_view kIotHubConsumerGroupType =
    "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups";

// One consumer-group resource of the built-in endpoint, if `value` is one for `hub_name`.
void readBuiltinConsumerGroup(const json::Value& value, const std::string& path, bool nested,
                              std::string_view hub_name, BuiltinEventsConfig& config,
                              ConfigIssues& issues) {
  const json::Value* type = member(value, "type");
  if (type == nullptr || !type->is(json::Type::kString)) return;
  const bool relative = nested && !utf::startsWithIgnoreCase(type->text(), "Microsoft.");
  const std::string full_type =
      relative ? std::string(kIotHubType) + "/" + type->text() : type->text();
  if (!utf::equalsIgnoreCase(full_type, kIotHubConsumerGroupType)) return;

  ObjectReader r(value, path, issues);
  r.get("type");
  r.get("location");
  acceptSilently(r, kTemplateKeys);
  if (const json::Value* props = r.object("properties")) {
    ObjectReader pr(*props, r.pathOf("properties"), issues);
    pr.get("name");  // the group's name again (required by API versions from 2021)
    acceptSilently(pr, kConsumerGroupPropertyKeys);
    pr.warnUnknownKeys();
  }
  const json::Value* name = r.get("name", /*required=*/true);
  r.warnUnknownKeys();
  if (name == nullptr) return;
  const std::string name_path = r.pathOf("name");
  if (!name->is(json::Type::kString)) {
    issues.error(name_path, "InvalidType", "a resource needs a 'name' string", name->offset());
    return;
  }
  if (isTemplateExpression(name)) {
    expressionError(issues, name_path, *name);
    return;
  }
  std::vector<std::string> segments = split(name->text(), '/');
  if (relative) segments.insert(segments.begin(), std::string(hub_name));
  if (segments.size() != 3 || !utf::equalsIgnoreCase(segments[1], "events")) {
    issues.error(name_path, "InvalidResourceName",
                 "resource name '" + name->text() + "' does not fit type '" + type->text() +
                     "': the full name must be '<IoT hub>/events/<consumer group>' (the "
                     "built-in endpoint is 'events')",
                 name->offset());
    return;
  }
  if (!utf::equalsIgnoreCase(segments[0], hub_name)) return;  // another hub's
  const std::string& group = segments[2];
  if (utf::equalsIgnoreCase(group, kDefaultConsumerGroup)) return;  // always there
  if (!validEntityName(group, 50)) {
    issues.error(name_path, "InvalidConsumerGroupName",
                 "consumer group name '" + group +
                     "' must be 1 to 50 letters, digits, '.', '-' and '_', starting and ending "
                     "with a letter or digit",
                 name->offset());
    return;
  }
  for (const std::string& g : config.consumer_groups) {
    if (utf::equalsIgnoreCase(g, group)) {
      issues.error(name_path, "DuplicateConsumerGroup",
                   "consumer group '" + group + "' of the built-in endpoint is declared twice",
                   name->offset());
      return;
    }
  }
  if (config.consumer_groups.size() + 1 >= kBuiltinMaxConsumerGroups) {  // + $Default
    issues.error(name_path, "QuotaExceeded",
                 "the built-in endpoint has at most " + std::to_string(kBuiltinMaxConsumerGroups) +
                     " consumer groups, $Default included; '" + group + "' would be one more",
                 name->offset());
    return;
  }
  config.consumer_groups.push_back(group);
}

}  // namespace

BuiltinEventsConfig readBuiltinEventsEndpoint(const json::Value& event_hub_endpoints,
                                              std::string_view path, ConfigIssues& issues) {
  BuiltinEventsConfig config;
  ObjectReader r(event_hub_endpoints, std::string(path), issues);
  if (!r.ok()) return config;
  for (const json::Member& m : event_hub_endpoints.members()) {
    if (utf::equalsIgnoreCase(m.key, "events")) continue;
    issues.error(
        r.pathOf(m.key), "InvalidEventHubEndpoint",
        "an IoT hub has one Event Hubs-compatible endpoint, 'events'; found '" + m.key + "'",
        m.value->offset());
    r.get(m.key);  // reported here, not again as unknown
  }
  if (const json::Value* events = r.object("events", /*required=*/true)) {
    ObjectReader er(*events, r.pathOf("events"), issues);
    if (auto n = boundedInteger(er, "partitionCount", kBuiltinMinPartitions, kBuiltinMaxPartitions,
                                "the built-in endpoint's partitionCount must be between " +
                                    std::to_string(kBuiltinMinPartitions) + " and " +
                                    std::to_string(kBuiltinMaxPartitions),
                                issues)) {
      config.partition_count = static_cast<uint32_t>(*n);
    }
    if (auto n = boundedInteger(er, "retentionTimeInDays", 1, kBuiltinMaxRetentionDays,
                                "the built-in endpoint's retentionTimeInDays must be between 1 "
                                "and " +
                                    std::to_string(kBuiltinMaxRetentionDays),
                                issues)) {
      config.retention_days = static_cast<uint32_t>(*n);
    }
    er.get("partitionIds");  // read-only, reported by ARM
    er.get("path");
    er.get("endpoint");
    er.warnUnknownKeys();
  }
  r.warnUnknownKeys();
  return config;
}

void readBuiltinConsumerGroups(const json::Value& resources, std::string_view path,
                               std::string_view hub_name, BuiltinEventsConfig& config,
                               ConfigIssues& issues) {
  if (!resources.is(json::Type::kArray)) return;  // readArmNamespaces reports it
  const std::string base(path);
  for (size_t i = 0; i < resources.items().size(); ++i) {
    const json::Value& item = resources.items()[i];
    const std::string item_path = json::pathIndex(base, i);
    const json::Value* type = member(item, "type");
    const json::Value* name = member(item, "name");
    const bool is_hub = type != nullptr && type->is(json::Type::kString) &&
                        utf::equalsIgnoreCase(type->text(), kIotHubType);
    if (!is_hub) {
      readBuiltinConsumerGroup(item, item_path, /*nested=*/false, hub_name, config, issues);
      continue;
    }
    if (name == nullptr || !name->is(json::Type::kString) ||
        !utf::equalsIgnoreCase(name->text(), hub_name)) {
      continue;
    }
    const json::Value* children = member(item, "resources");
    if (children == nullptr || !children->is(json::Type::kArray)) continue;
    const std::string children_path = json::pathJoin(item_path, "resources");
    for (size_t j = 0; j < children->items().size(); ++j) {
      readBuiltinConsumerGroup(children->items()[j], json::pathIndex(children_path, j),
                               /*nested=*/true, hub_name, config, issues);
    }
  }
}

}  // namespace routesim::endpoints::eventhubs
