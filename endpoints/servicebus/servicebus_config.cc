#include "endpoints/servicebus/servicebus_config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>

#include "core/common/config_reader.h"
#include "core/common/diagnostic.h"
#include "core/common/duration.h"
#include "core/common/utf.h"
#include "core/routing/routing_config.h"

namespace routesim::endpoints::servicebus {
namespace {

constexpr std::string_view kNamespaceType = "Microsoft.ServiceBus/namespaces";

// Keys every ARM resource may carry that routesim does not interpret: accepted silently.
constexpr std::array<std::string_view, 19> kEnvelopeKeys = {"apiVersion",
                                                            "location",
                                                            "tags",
                                                            "dependsOn",
                                                            "identity",
                                                            "id",
                                                            "condition",
                                                            "comments",
                                                            "copy",
                                                            "scope",
                                                            "zones",
                                                            "kind",
                                                            "plan",
                                                            "systemData",
                                                            "etag",
                                                            "managedBy",
                                                            "extendedLocation",
                                                            "metadata",
                                                            "$schema"};

void acceptSilently(ObjectReader& r, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) r.get(k);
}
void acceptEnvelope(ObjectReader& r) {
  for (std::string_view k : kEnvelopeKeys) r.get(k);
}

bool isArmExpression(std::string_view s) { return s.size() >= 2 && s.front() == '['; }

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Queue / topic names (ARM): letters, digits, '.', '-', '_' and '/', starting and ending with a
// letter or digit, up to 260 characters. Subscriptions and rules: up to 50, no '/'.
bool validEntityName(std::string_view name, size_t max_length, bool allow_slash) {
  if (name.empty() || name.size() > max_length) return false;
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!(alnum(c) || c == '.' || c == '-' || c == '_' || (allow_slash && c == '/'))) return false;
  }
  return true;
}

// Namespace names: 6 to 50 letters, digits and hyphens, starting with a letter and ending with a
// letter or digit.
bool validNamespaceName(std::string_view name) {
  if (name.size() < 6 || name.size() > 50) return false;
  bool letter =
      (name.front() >= 'a' && name.front() <= 'z') || (name.front() >= 'A' && name.front() <= 'Z');
  if (!letter || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return alnum(c) || c == '-'; });
}

std::vector<std::string> splitName(std::string_view name) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    parts.emplace_back(
        name.substr(start, slash == std::string_view::npos ? name.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

// Reads typed values from one object, reporting with its path.
class Reader {
 public:
  Reader(ObjectReader& r, ConfigIssues& issues) : r_(r), issues_(issues) {}

  // An ISO 8601 duration between min and max (inclusive).
  std::optional<uint64_t> duration(std::string_view key, uint64_t min, uint64_t max,
                                   bool emulator_pattern = false) {
    const json::Value* v = r_.get(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is(json::Type::kString)) {
      issues_.error(
          r_.pathOf(key), "InvalidType",
          "expected an ISO 8601 duration string, found " + std::string(json::typeName(v->type())),
          v->offset());
      return std::nullopt;
    }
    if (emulator_pattern && !emulatorDuration(v->text())) {
      issues_.error(r_.pathOf(key), "InvalidDuration",
                    "'" + v->text() +
                        "' does not match the emulator schema's duration pattern "
                        "(P[nY][nM][nD][T[nH][nM][nS]], whole numbers, e.g. PT5M)",
                    v->offset());
      return std::nullopt;
    }
    auto d = parseIsoDuration(v->text());
    if (!d.ok()) {
      uint32_t at = v->offset() + 1 +
                    routing::rawStringOffset(
                        v->rawString().empty() ? std::string_view(v->text()) : v->rawString(),
                        d.error().span().offset);
      issues_.error(r_.pathOf(key), "InvalidDuration", d.error().message(), at);
      return std::nullopt;
    }
    if (*d < min || *d > max) {
      issues_.error(
          r_.pathOf(key), "ValueOutOfRange",
          "'" + v->text() + "' must be between " + formatIsoDuration(min) + " and " +
              (max == kNever ? std::string("P10675199DT2H48M5.4775807S") : formatIsoDuration(max)),
          v->offset());
      return std::nullopt;
    }
    return *d;
  }

  std::optional<EntityStatus> status(std::string_view key) {
    auto s = r_.string(key);
    if (!s) return std::nullopt;
    for (EntityStatus st : {EntityStatus::kActive, EntityStatus::kDisabled,
                            EntityStatus::kSendDisabled, EntityStatus::kReceiveDisabled}) {
      if (utf::equalsIgnoreCase(*s, entityStatusName(st))) return st;
    }
    issues_.error(r_.pathOf(key), "InvalidStatus",
                  "status '" + *s +
                      "' cannot be set; expected Active, Disabled, SendDisabled or "
                      "ReceiveDisabled",
                  r_.get(key)->offset());
    return std::nullopt;
  }

  // A forwarding target: "" or an entity name.
  std::optional<std::string> target(std::string_view key) {
    auto s = r_.string(key);
    if (!s || s->empty()) return s;
    if (!validEntityName(*s, 260, true)) {
      issues_.error(r_.pathOf(key), "InvalidEntityName",
                    "'" + *s + "' is not a queue or topic name", r_.get(key)->offset());
      return std::nullopt;
    }
    return s;
  }

 private:
  // ^P(?!$)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$
  static bool emulatorDuration(std::string_view s) {
    if (s.size() < 2 || s[0] != 'P') return false;
    std::string_view order = "YMD";
    size_t next = 0;
    bool time = false;
    size_t i = 1;
    while (i < s.size()) {
      if (s[i] == 'T' && !time) {
        time = true;
        order = "HMS";
        next = 0;
        ++i;
        continue;
      }
      size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == start || i == s.size()) return false;
      size_t at = order.find(s[i], next);
      if (at == std::string_view::npos) return false;
      next = at + 1;
      ++i;
    }
    return true;
  }

  ObjectReader& r_;
  ConfigIssues& issues_;
};

void compileRule(RuleConfig& rule, const json::Value* sql_value, const json::Value* action_value,
                 const std::string& sql_path, const std::string& action_path,
                 ConfigIssues& issues) {
  auto report = [&](const Error& e, const json::Value& v, const std::string& path,
                    std::string_view code) {
    std::string_view raw = v.rawString().empty() ? std::string_view(v.text()) : v.rawString();
    uint32_t at = v.offset() + 1 + routing::rawStringOffset(raw, e.span().offset);
    issues.error(
        path, std::string(code),
        e.message() + " (at offset " + std::to_string(e.span().offset) + " of the expression)", at);
  };
  if (!rule.correlation && sql_value != nullptr) {
    auto f = SqlFilter::compile(rule.sql_expression);
    if (f.ok()) {
      rule.compiled_filter = std::move(f).value();
    } else {
      report(f.error(), *sql_value, sql_path, "InvalidSqlFilter");
    }
  }
  if (!rule.action_expression.empty() && action_value != nullptr) {
    auto a = SqlRuleAction::compile(rule.action_expression);
    if (a.ok()) {
      rule.compiled_action = std::move(a).value();
    } else {
      report(a.error(), *action_value, action_path, "InvalidSqlAction");
    }
  }
}

// A correlation filter's `properties` object: strings, booleans, integers (longs; beyond their
// range, doubles) and other numbers (doubles).
void readCorrelationProperties(const json::Value& object, const std::string& path,
                               CorrelationFilter& c, ConfigIssues& issues) {
  for (const json::Member& m : object.members()) {
    const json::Value& v = *m.value;
    switch (v.type()) {
      case json::Type::kString:
        c.properties.emplace_back(m.key, v.text());
        break;
      case json::Type::kBool:
        c.properties.emplace_back(m.key, v.boolean());
        break;
      case json::Type::kNumber: {
        const std::string& t = v.text();
        int64_t n = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (ec == std::errc() && end == t.data() + t.size()) {
          c.properties.emplace_back(m.key, n);
        } else {
          c.properties.emplace_back(m.key, v.number());
        }
        break;
      }
      default:
        issues.error(json::pathJoin(path, m.key), "InvalidType",
                     "a correlation property value must be a string, number or boolean, found " +
                         std::string(json::typeName(v.type())),
                     v.offset());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ARM

class ArmReader {
 public:
  explicit ArmReader(ConfigIssues& issues) : issues_(issues) {}

  std::vector<NamespaceConfig> run(const json::Value& resources, std::string_view path) {
    std::string base(path);
    if (!resources.is(json::Type::kArray)) {
      issues_.error(
          base, "InvalidType",
          "expected the resources array, found " + std::string(json::typeName(resources.type())),
          resources.offset());
      return {};
    }
    for (size_t i = 0; i < resources.items().size(); ++i) {
      const json::Value& res = resources.items()[i];
      std::string p = json::pathIndex(base, i);
      std::string type = typeOf(res);
      if (utf::equalsIgnoreCase(type, kNamespaceType)) {
        readNamespace(res, p);
      } else if (type.size() > kNamespaceType.size() &&
                 utf::startsWithIgnoreCase(type, std::string(kNamespaceType) + "/")) {
        deferred_.push_back({type.substr(kNamespaceType.size() + 1), &res, p});
      }
      // Other resource types belong to other features.
    }
    // Separate child resources, parents first (ARM orders them by dependsOn, not position).
    std::stable_sort(deferred_.begin(), deferred_.end(), [](const Child& a, const Child& b) {
      return std::count(a.type.begin(), a.type.end(), '/') <
             std::count(b.type.begin(), b.type.end(), '/');
    });
    for (const Child& c : deferred_) readTopLevelChild(c);
    for (NamespaceConfig& ns : namespaces_) validate(ns);
    return std::move(namespaces_);
  }

 private:
  struct Child {
    std::string type;  // after "Microsoft.ServiceBus/namespaces/"
    const json::Value* value;
    std::string path;
  };

  static std::string typeOf(const json::Value& res) {
    if (!res.is(json::Type::kObject)) return "";
    for (const json::Member& m : res.members()) {
      if (utf::equalsIgnoreCase(m.key, "type") && m.value->is(json::Type::kString)) {
        return m.value->text();
      }
    }
    return "";
  }

  // The resource's name; errors for a missing name or an ARM expression.
  std::optional<std::string> nameOf(ObjectReader& r) {
    auto name = r.string("name", /*required=*/true);
    if (!name) return std::nullopt;
    if (isArmExpression(*name)) {
      issues_.error(
          r.pathOf("name"), "ArmExpressionNotSupported",
          "ARM expressions are not evaluated; give the name as text (found '" + *name + "')",
          r.get("name")->offset());
      return std::nullopt;
    }
    return name;
  }

  void readNamespace(const json::Value& res, const std::string& path) {
    ObjectReader r(res, path, issues_);
    if (!r.ok()) return;
    r.get("type");
    NamespaceConfig ns;
    ns.path = path;
    ns.offset = res.offset();
    auto name = nameOf(r);
    if (name) {
      ns.name = *name;
      if (!validNamespaceName(*name)) {
        issues_.error(r.pathOf("name"), "InvalidNamespaceName",
                      "namespace name '" + *name +
                          "' must be 6 to 50 letters, digits and hyphens, start with a letter "
                          "and end with a letter or digit",
                      r.get("name")->offset());
      }
    }
    ns.location = r.string("location").value_or("");
    if (const json::Value* sku = r.object("sku")) {
      ObjectReader s(*sku, r.pathOf("sku"), issues_);
      if (auto sku_name = s.string("name", /*required=*/true)) {
        bool known = false;
        for (std::string_view tier : {"Basic", "Standard", "Premium"}) {
          if (utf::equalsIgnoreCase(*sku_name, tier)) {
            ns.sku = std::string(tier);
            known = true;
          }
        }
        if (!known) {
          issues_.error(s.pathOf("name"), "InvalidSku",
                        "expected Basic, Standard or Premium, found '" + *sku_name + "'",
                        s.get("name")->offset());
        }
      }
      acceptSilently(s, {"tier", "capacity"});
      s.warnUnknownKeys();
    }
    if (const json::Value* props = r.object("properties")) {
      ObjectReader p(*props, r.pathOf("properties"), issues_);
      acceptSilently(p, {"minimumTlsVersion", "publicNetworkAccess", "disableLocalAuth",
                         "zoneRedundant", "encryption", "privateEndpointConnections",
                         "alternateName", "premiumMessagingPartitions", "createdAt", "updatedAt",
                         "serviceBusEndpoint", "metricId", "status", "provisioningState",
                         "platformCapabilities", "geoDataReplication"});
      p.warnUnknownKeys();
    }
    size_t index = namespaces_.size();
    namespaces_.push_back(std::move(ns));
    if (const json::Value* children = r.array("resources")) {
      for (size_t i = 0; i < children->items().size(); ++i) {
        readNestedChild(index, children->items()[i], json::pathIndex(r.pathOf("resources"), i), {});
      }
    }
    acceptEnvelope(r);
    r.warnUnknownKeys();
  }

  // A child resource nested in its parent's `resources`. `parents`: topic (and subscription)
  // names above it.
  void readNestedChild(size_t ns_index, const json::Value& res, const std::string& path,
                       std::vector<std::string> parents) {
    std::string type = typeOf(res);
    const size_t depth = parents.size();
    // The short type ("queues") or the full one ("Microsoft.ServiceBus/namespaces/queues").
    std::string prefix = std::string(kNamespaceType) + (depth >= 1 ? "/topics" : "") +
                         (depth >= 2 ? "/subscriptions" : "") + "/";
    std::string last;
    if (utf::startsWithIgnoreCase(type, prefix)) {
      last = type.substr(prefix.size());
    } else if (!utf::startsWithIgnoreCase(type, std::string(kNamespaceType) + "/")) {
      last = type;
    }
    if (last.find('/') != std::string::npos) last.clear();
    bool queue = depth == 0 && utf::equalsIgnoreCase(last, "queues");
    bool topic = depth == 0 && utf::equalsIgnoreCase(last, "topics");
    bool sub = depth == 1 && utf::equalsIgnoreCase(last, "subscriptions");
    bool rule = depth == 2 && utf::equalsIgnoreCase(last, "rules");
    if (!queue && !topic && !sub && !rule) return;  // networkRuleSets, AuthorizationRules ...
    ObjectReader r(res, path, issues_);
    if (!r.ok()) return;
    r.get("type");
    auto name = nameOf(r);
    if (!name) return;
    // A nested name may repeat its parents: "ns/topic/sub" as well as "sub".
    std::string short_name = *name;
    if (name->find('/') != std::string::npos && !queue && !topic) {
      std::vector<std::string> parts = splitName(*name);
      std::vector<std::string> want = {namespaces_[ns_index].name};
      want.insert(want.end(), parents.begin(), parents.end());
      bool ok = parts.size() == want.size() + 1;
      for (size_t i = 0; ok && i < want.size(); ++i) ok = utf::equalsIgnoreCase(parts[i], want[i]);
      if (!ok) {
        issues_.error(r.pathOf("name"), "InvalidChildName",
                      "child resource name '" + *name + "' does not start with its parents' '" +
                          joinNames(want) + "/'",
                      r.get("name")->offset());
        return;
      }
      short_name = parts.back();
    } else if ((queue || topic) &&
               utf::startsWithIgnoreCase(*name, namespaces_[ns_index].name + "/")) {
      short_name = name->substr(namespaces_[ns_index].name.size() + 1);
    }
    NamespaceConfig& ns = namespaces_[ns_index];
    if (queue) {
      readQueue(ns, r, short_name, res);
    } else if (topic) {
      size_t t = readTopic(ns, r, short_name, res);
      if (const json::Value* children = r.array("resources")) {
        for (size_t i = 0; i < children->items().size(); ++i) {
          readNestedChild(ns_index, children->items()[i], json::pathIndex(r.pathOf("resources"), i),
                          {ns.topics[t].name});
        }
      }
    } else if (sub) {
      TopicConfig* tc = findTopic(namespaces_[ns_index], parents[0]);
      if (tc == nullptr) return;
      size_t s = readSubscription(*tc, r, short_name, res);
      std::string sub_name = tc->subscriptions[s].name;
      if (const json::Value* children = r.array("resources")) {
        for (size_t i = 0; i < children->items().size(); ++i) {
          readNestedChild(ns_index, children->items()[i], json::pathIndex(r.pathOf("resources"), i),
                          {parents[0], sub_name});
        }
      }
    } else {
      TopicConfig* tc = findTopic(namespaces_[ns_index], parents[0]);
      SubscriptionConfig* sc = tc ? findSubscription(*tc, parents[1]) : nullptr;
      if (sc == nullptr) return;
      readRule(*sc, r, short_name, res);
    }
    acceptEnvelope(r);
    r.get("resources");
    r.warnUnknownKeys();
  }

  static std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : "/") + n;
    return out;
  }

  void readTopLevelChild(const Child& c) {
    std::string last = c.type;
    size_t levels = static_cast<size_t>(std::count(last.begin(), last.end(), '/')) + 1;
    bool queue = utf::equalsIgnoreCase(last, "queues");
    bool topic = utf::equalsIgnoreCase(last, "topics");
    bool sub = utf::equalsIgnoreCase(last, "topics/subscriptions");
    bool rule = utf::equalsIgnoreCase(last, "topics/subscriptions/rules");
    if (!queue && !topic && !sub && !rule) return;  // other child types: other features
    ObjectReader r(*c.value, c.path, issues_);
    if (!r.ok()) return;
    r.get("type");
    auto name = nameOf(r);
    if (!name) return;
    std::vector<std::string> parts = splitName(*name);
    if (parts.size() != levels + 1 ||
        std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      static constexpr std::array<std::string_view, 4> kShapes = {
          "namespace/queue", "namespace/topic", "namespace/topic/subscription",
          "namespace/topic/subscription/rule"};
      std::string_view shape = queue   ? kShapes[0]
                               : topic ? kShapes[1]
                               : sub   ? kShapes[2]
                                       : kShapes[3];
      issues_.error(
          r.pathOf("name"), "InvalidChildName",
          "a " + c.type + " resource is named '" + std::string(shape) + "', found '" + *name + "'",
          r.get("name")->offset());
      return;
    }
    NamespaceConfig* ns = findNamespace(parts[0]);
    if (ns == nullptr) {
      issues_.error(r.pathOf("name"), "ParentNotFound",
                    "namespace '" + parts[0] + "' is not declared in this template",
                    r.get("name")->offset());
      return;
    }
    if (queue) {
      readQueue(*ns, r, parts[1], *c.value);
    } else if (topic) {
      readTopic(*ns, r, parts[1], *c.value);
    } else {
      TopicConfig* tc = findTopic(*ns, parts[1]);
      if (tc == nullptr) {
        issues_.error(r.pathOf("name"), "ParentNotFound",
                      "topic '" + parts[0] + "/" + parts[1] + "' is not declared in this template",
                      r.get("name")->offset());
        return;
      }
      if (sub) {
        readSubscription(*tc, r, parts[2], *c.value);
      } else {
        SubscriptionConfig* sc = findSubscription(*tc, parts[2]);
        if (sc == nullptr) {
          issues_.error(r.pathOf("name"), "ParentNotFound",
                        "subscription '" + parts[0] + "/" + parts[1] + "/" + parts[2] +
                            "' is not declared in this template",
                        r.get("name")->offset());
          return;
        }
        readRule(*sc, r, parts[3], *c.value);
      }
    }
    if (const json::Value* children = r.get("resources")) {
      if (children->is(json::Type::kArray) && !children->items().empty()) {
        issues_.warning(r.pathOf("resources"), "NotRead",
                        "resources nested in a separately declared child are not read; declare "
                        "them at the top level or nest the whole tree in the namespace",
                        children->offset());
      }
    }
    acceptEnvelope(r);
    r.warnUnknownKeys();
  }

  NamespaceConfig* findNamespace(std::string_view name) {
    for (NamespaceConfig& ns : namespaces_) {
      if (utf::equalsIgnoreCase(ns.name, name)) return &ns;
    }
    return nullptr;
  }
  static TopicConfig* findTopic(NamespaceConfig& ns, std::string_view name) {
    for (TopicConfig& t : ns.topics) {
      if (utf::equalsIgnoreCase(t.name, name)) return &t;
    }
    return nullptr;
  }
  static SubscriptionConfig* findSubscription(TopicConfig& t, std::string_view name) {
    for (SubscriptionConfig& s : t.subscriptions) {
      if (utf::equalsIgnoreCase(s.name, name)) return &s;
    }
    return nullptr;
  }

  bool checkName(ObjectReader& r, const std::string& name, size_t max, bool slash,
                 std::string_view what) {
    if (validEntityName(name, max, slash)) return true;
    issues_.error(r.pathOf("name"), "InvalidEntityName",
                  std::string(what) + " name '" + name + "' must be 1 to " + std::to_string(max) +
                      " letters, digits, '.', '-', '_'" + (slash ? ", '/'" : "") +
                      ", starting and ending with a letter or digit",
                  r.get("name")->offset());
    return false;
  }

  void readQueue(NamespaceConfig& ns, ObjectReader& r, const std::string& name,
                 const json::Value& res) {
    QueueConfig q;
    q.name = name;
    q.path = r.path();
    q.offset = res.offset();
    checkName(r, name, 260, true, "queue");
    if (const json::Value* props = r.object("properties")) {
      ObjectReader p(*props, r.pathOf("properties"), issues_);
      Reader v(p, issues_);
      q.lock_duration_ns =
          v.duration("lockDuration", 5 * kNsPerSecond, 5 * kMinute).value_or(q.lock_duration_ns);
      q.max_size_megabytes = p.integer("maxSizeInMegabytes", 1, 81920).value_or(1024);
      q.requires_duplicate_detection = p.boolean("requiresDuplicateDetection").value_or(false);
      q.requires_session = p.boolean("requiresSession").value_or(false);
      q.default_message_ttl_ns =
          v.duration("defaultMessageTimeToLive", kNsPerSecond, kNever).value_or(kNever);
      q.dead_lettering_on_message_expiration =
          p.boolean("deadLetteringOnMessageExpiration").value_or(false);
      q.duplicate_detection_window_ns = v.duration("duplicateDetectionHistoryTimeWindow",
                                                   20 * kNsPerSecond, 7 * 24 * 60 * kMinute)
                                            .value_or(q.duplicate_detection_window_ns);
      q.max_delivery_count =
          static_cast<uint32_t>(p.integer("maxDeliveryCount", 1, INT32_MAX).value_or(10));
      q.status = v.status("status").value_or(EntityStatus::kActive);
      q.enable_partitioning = p.boolean("enablePartitioning").value_or(false);
      q.forward_to = v.target("forwardTo").value_or("");
      q.forward_dead_lettered_messages_to = v.target("forwardDeadLetteredMessagesTo").value_or("");
      q.max_message_size_kilobytes = maxMessageSize(ns, p);
      v.duration("autoDeleteOnIdle", 5 * kMinute, kNever);
      p.boolean("enableBatchedOperations");
      p.boolean("enableExpress");
      acceptSilently(p, {"accessedAt", "countDetails", "createdAt", "messageCount", "sizeInBytes",
                         "updatedAt"});
      p.warnUnknownKeys();
    }
    ns.queues.push_back(std::move(q));
  }

  int64_t maxMessageSize(const NamespaceConfig& ns, ObjectReader& p) {
    auto kb = p.integer("maxMessageSizeInKilobytes", 1024, 102400);
    if (kb && ns.sku != "Premium") {
      issues_.warning(p.pathOf("maxMessageSizeInKilobytes"), "PremiumOnly",
                      "maxMessageSizeInKilobytes applies to Premium namespaces only; " + ns.sku +
                          " accepts messages up to 256 KB",
                      p.get("maxMessageSizeInKilobytes")->offset());
      return 0;
    }
    return kb.value_or(0);
  }

  size_t readTopic(NamespaceConfig& ns, ObjectReader& r, const std::string& name,
                   const json::Value& res) {
    TopicConfig t;
    t.name = name;
    t.path = r.path();
    t.offset = res.offset();
    checkName(r, name, 260, true, "topic");
    if (const json::Value* props = r.object("properties")) {
      ObjectReader p(*props, r.pathOf("properties"), issues_);
      Reader v(p, issues_);
      t.default_message_ttl_ns =
          v.duration("defaultMessageTimeToLive", kNsPerSecond, kNever).value_or(kNever);
      t.max_size_megabytes = p.integer("maxSizeInMegabytes", 1, 81920).value_or(1024);
      t.requires_duplicate_detection = p.boolean("requiresDuplicateDetection").value_or(false);
      t.duplicate_detection_window_ns = v.duration("duplicateDetectionHistoryTimeWindow",
                                                   20 * kNsPerSecond, 7 * 24 * 60 * kMinute)
                                            .value_or(t.duplicate_detection_window_ns);
      t.status = v.status("status").value_or(EntityStatus::kActive);
      t.enable_partitioning = p.boolean("enablePartitioning").value_or(false);
      t.max_message_size_kilobytes = maxMessageSize(ns, p);
      v.duration("autoDeleteOnIdle", 5 * kMinute, kNever);
      p.boolean("enableBatchedOperations");
      p.boolean("enableExpress");
      p.boolean("supportOrdering");
      acceptSilently(p, {"accessedAt", "countDetails", "createdAt", "sizeInBytes",
                         "subscriptionCount", "updatedAt"});
      p.warnUnknownKeys();
    }
    ns.topics.push_back(std::move(t));
    return ns.topics.size() - 1;
  }

  size_t readSubscription(TopicConfig& topic, ObjectReader& r, const std::string& name,
                          const json::Value& res) {
    SubscriptionConfig s;
    s.name = name;
    s.path = r.path();
    s.offset = res.offset();
    checkName(r, name, 50, false, "subscription");
    if (const json::Value* props = r.object("properties")) {
      ObjectReader p(*props, r.pathOf("properties"), issues_);
      Reader v(p, issues_);
      s.lock_duration_ns =
          v.duration("lockDuration", 5 * kNsPerSecond, 5 * kMinute).value_or(s.lock_duration_ns);
      s.requires_session = p.boolean("requiresSession").value_or(false);
      s.default_message_ttl_ns =
          v.duration("defaultMessageTimeToLive", kNsPerSecond, kNever).value_or(kNever);
      s.dead_lettering_on_filter_evaluation_exceptions =
          p.boolean("deadLetteringOnFilterEvaluationExceptions").value_or(true);
      s.dead_lettering_on_message_expiration =
          p.boolean("deadLetteringOnMessageExpiration").value_or(false);
      s.max_delivery_count =
          static_cast<uint32_t>(p.integer("maxDeliveryCount", 1, INT32_MAX).value_or(10));
      s.status = v.status("status").value_or(EntityStatus::kActive);
      s.forward_to = v.target("forwardTo").value_or("");
      s.forward_dead_lettered_messages_to = v.target("forwardDeadLetteredMessagesTo").value_or("");
      v.duration("autoDeleteOnIdle", 5 * kMinute, kNever);
      v.duration("duplicateDetectionHistoryTimeWindow", 20 * kNsPerSecond, 7 * 24 * 60 * kMinute);
      p.boolean("enableBatchedOperations");
      p.boolean("isClientAffine");
      p.object("clientAffineProperties");
      acceptSilently(p, {"accessedAt", "countDetails", "createdAt", "messageCount", "updatedAt"});
      p.warnUnknownKeys();
    }
    topic.subscriptions.push_back(std::move(s));
    return topic.subscriptions.size() - 1;
  }

  void readRule(SubscriptionConfig& sub, ObjectReader& r, const std::string& name,
                const json::Value& res) {
    RuleConfig rule;
    rule.name = name;
    rule.path = r.path();
    rule.offset = res.offset();
    if (name != kDefaultRuleName) checkName(r, name, 50, false, "rule");
    const json::Value* props = r.object("properties");
    if (props == nullptr) {
      if (r.get("properties") == nullptr) {
        issues_.error(r.pathOf("properties"), "MissingFilter",
                      "a rule needs properties with a sqlFilter or a correlationFilter",
                      res.offset());
      }
      return;
    }
    ObjectReader p(*props, r.pathOf("properties"), issues_);
    const json::Value* sql = p.object("sqlFilter");
    const json::Value* corr = p.object("correlationFilter");
    auto type = p.string("filterType");
    if (type) {
      if (utf::equalsIgnoreCase(*type, "SqlFilter")) {
        rule.correlation = false;
      } else if (utf::equalsIgnoreCase(*type, "CorrelationFilter")) {
        rule.correlation = true;
      } else {
        issues_.error(p.pathOf("filterType"), "InvalidFilterType",
                      "expected SqlFilter or CorrelationFilter, found '" + *type + "'",
                      p.get("filterType")->offset());
        return;
      }
    } else {
      rule.correlation = corr != nullptr && sql == nullptr;
    }
    const json::Value* sql_text = nullptr;
    std::string sql_path;
    if (sql != nullptr) {
      ObjectReader f(*sql, p.pathOf("sqlFilter"), issues_);
      if (!rule.correlation) {
        sql_text = f.get("sqlExpression", /*required=*/true);
        if (sql_text != nullptr && !sql_text->is(json::Type::kString)) {
          issues_.error(f.pathOf("sqlExpression"), "InvalidType", "expected a string",
                        sql_text->offset());
          sql_text = nullptr;
        }
        if (sql_text != nullptr) rule.sql_expression = sql_text->text();
        sql_path = f.pathOf("sqlExpression");
      } else {
        f.get("sqlExpression");
      }
      f.integer("compatibilityLevel", 20, 20);
      f.boolean("requiresPreprocessing");
      f.warnUnknownKeys();
    } else if (!rule.correlation) {
      issues_.error(p.pathOf("sqlFilter"), "MissingFilter",
                    "filterType SqlFilter needs sqlFilter.sqlExpression", props->offset());
    }
    if (corr != nullptr) {
      ObjectReader f(*corr, p.pathOf("correlationFilter"), issues_);
      CorrelationFilter& c = rule.correlation_filter;
      c.correlation_id = f.string("correlationId").value_or("");
      c.message_id = f.string("messageId").value_or("");
      c.to = f.string("to").value_or("");
      c.reply_to = f.string("replyTo").value_or("");
      c.label = f.string("label").value_or("");
      c.session_id = f.string("sessionId").value_or("");
      c.reply_to_session_id = f.string("replyToSessionId").value_or("");
      c.content_type = f.string("contentType").value_or("");
      f.boolean("requiresPreprocessing");
      if (const json::Value* cp = f.object("properties"))
        readCorrelationProperties(*cp, f.pathOf("properties"), c, issues_);
      f.warnUnknownKeys();
      if (rule.correlation && c.empty()) {
        issues_.error(p.pathOf("correlationFilter"), "EmptyCorrelationFilter",
                      "a correlation filter needs at least one property to match", corr->offset());
      }
    } else if (rule.correlation) {
      issues_.error(p.pathOf("correlationFilter"), "MissingFilter",
                    "filterType CorrelationFilter needs correlationFilter", props->offset());
    }
    const json::Value* action_text = nullptr;
    std::string action_path;
    if (const json::Value* action = p.object("action")) {
      ObjectReader a(*action, p.pathOf("action"), issues_);
      if (auto text = a.string("sqlExpression")) {
        rule.action_expression = *text;
        action_text = a.get("sqlExpression");
      }
      action_path = a.pathOf("sqlExpression");
      a.integer("compatibilityLevel", 20, 20);
      a.boolean("requiresPreprocessing");
      a.warnUnknownKeys();
    }
    p.warnUnknownKeys();
    compileRule(rule, sql_text, action_text, sql_path, action_path, issues_);
    sub.rules.push_back(std::move(rule));
  }

  void validate(NamespaceConfig& ns) { validateNamespace(ns, issues_); }

 public:
  static void validateNamespace(NamespaceConfig& ns, ConfigIssues& issues) {
    std::vector<std::pair<std::string, std::string>> names;  // name, path
    auto duplicate = [&](const std::string& name, const std::string& path, uint32_t offset,
                         std::string_view what) {
      for (const auto& [n, p] : names) {
        if (utf::equalsIgnoreCase(n, name)) {
          issues.error(path, "DuplicateEntityName",
                       std::string(what) + " '" + name + "' is already declared at " + p, offset);
          return;
        }
      }
      names.emplace_back(name, path);
    };
    for (const QueueConfig& q : ns.queues) duplicate(q.name, q.path, q.offset, "entity");
    for (TopicConfig& t : ns.topics) {
      duplicate(t.name, t.path, t.offset, "entity");
      if (ns.sku == "Basic") {
        issues.error(t.path, "TopicsNotSupported",
                     "the Basic tier has no topics; use Standard or Premium", t.offset);
      }
      std::vector<std::pair<std::string, std::string>> subs;
      for (SubscriptionConfig& s : t.subscriptions) {
        for (const auto& [n, p] : subs) {
          if (utf::equalsIgnoreCase(n, s.name)) {
            issues.error(s.path, "DuplicateEntityName",
                         "subscription '" + s.name + "' is already declared at " + p, s.offset);
          }
        }
        subs.emplace_back(s.name, s.path);
        std::vector<std::pair<std::string, std::string>> rules;
        for (const RuleConfig& r : s.rules) {
          for (const auto& [n, p] : rules) {
            if (utf::equalsIgnoreCase(n, r.name)) {
              issues.error(r.path, "DuplicateEntityName",
                           "rule '" + r.name + "' is already declared at " + p, r.offset);
            }
          }
          rules.emplace_back(r.name, r.path);
        }
      }
    }
    auto targetExists = [&](const std::string& target) {
      for (const auto& [n, p] : names) {
        if (utf::equalsIgnoreCase(n, target)) return true;
      }
      return false;
    };
    auto checkTarget = [&](const std::string& target, const std::string& path, uint32_t offset) {
      if (target.empty() || targetExists(target)) return;
      issues.warning(path, "ForwardTargetNotFound",
                     "forwarding target '" + target + "' is not a queue or topic of namespace '" +
                         ns.name + "'; messages are kept in the source entity",
                     offset);
    };
    for (const QueueConfig& q : ns.queues) {
      checkTarget(q.forward_to, q.path, q.offset);
      checkTarget(q.forward_dead_lettered_messages_to, q.path, q.offset);
    }
    for (const TopicConfig& t : ns.topics) {
      for (const SubscriptionConfig& s : t.subscriptions) {
        checkTarget(s.forward_to, s.path, s.offset);
        checkTarget(s.forward_dead_lettered_messages_to, s.path, s.offset);
      }
    }
  }

 private:
  ConfigIssues& issues_;
  std::vector<NamespaceConfig> namespaces_;
  std::vector<Child> deferred_;
};

// ---------------------------------------------------------------------------------------------
// The official emulator's Config.json

class EmulatorReader {
 public:
  explicit EmulatorReader(ConfigIssues& issues) : issues_(issues) {}

  NamespaceConfig run(const json::Value& root) {
    NamespaceConfig ns;
    ns.name = std::string(kEmulatorNamespaceName);
    ns.path = "$.UserConfig.Namespaces[0]";
    ObjectReader r(root, "$", issues_);
    const json::Value* user = r.object("UserConfig", /*required=*/true);
    r.get("$schema");
    r.warnUnknownKeys();
    if (user == nullptr) return ns;
    ObjectReader u(*user, r.pathOf("UserConfig"), issues_);
    const json::Value* namespaces = u.array("Namespaces", /*required=*/true);
    if (const json::Value* logging = u.object("Logging", /*required=*/true)) {
      ObjectReader l(*logging, u.pathOf("Logging"), issues_);
      if (auto type = l.string("Type", /*required=*/true)) {
        static constexpr std::array<std::string_view, 4> kTypes = {"File", "Console",
                                                                   "File,Console", "Console,File"};
        if (std::find(kTypes.begin(), kTypes.end(), *type) == kTypes.end()) {
          issues_.error(
              l.pathOf("Type"), "InvalidValue",
              "expected File, Console, File,Console or Console,File, found '" + *type + "'",
              l.get("Type")->offset());
        }
      }
      l.warnUnknownKeys();
    }
    u.warnUnknownKeys();
    if (namespaces == nullptr) return ns;
    if (namespaces->items().size() != 1) {
      issues_.error(u.pathOf("Namespaces"), "InvalidCount",
                    "the emulator has exactly one namespace, found " +
                        std::to_string(namespaces->items().size()),
                    namespaces->offset());
      if (namespaces->items().empty()) return ns;
    }
    const json::Value& nsv = namespaces->items()[0];
    ns.offset = nsv.offset();
    ObjectReader n(nsv, ns.path, issues_);
    if (!n.ok()) return ns;
    if (auto name = n.string("Name", /*required=*/true)) {
      if (*name != kEmulatorNamespaceName) {
        issues_.error(n.pathOf("Name"), "InvalidValue",
                      "the emulator's namespace is named 'sbemulatorns' (it cannot be renamed), "
                      "found '" +
                          *name + "'",
                      n.get("Name")->offset());
      }
    }
    const json::Value* queues = n.array("Queues", /*required=*/true);
    const json::Value* topics = n.array("Topics", /*required=*/true);
    size_t nq = queues ? queues->items().size() : 0;
    size_t nt = topics ? topics->items().size() : 0;
    if (nq + nt > 50) {
      issues_.error(ns.path, "QuotaExceeded",
                    "the emulator allows 50 queues and topics together, found " +
                        std::to_string(nq) + " queues and " + std::to_string(nt) + " topics",
                    nsv.offset());
    }
    for (size_t i = 0; i < nq; ++i) {
      readQueue(ns, queues->items()[i], json::pathIndex(n.pathOf("Queues"), i));
    }
    for (size_t i = 0; i < nt; ++i) {
      readTopic(ns, topics->items()[i], json::pathIndex(n.pathOf("Topics"), i));
    }
    n.warnUnknownKeys();
    ArmReader::validateNamespace(ns, issues_);
    return ns;
  }

 private:
  // ^[A-Za-z0-9]$|^[A-Za-z0-9][\w-\.\/]*[A-Za-z0-9]$
  bool name(ObjectReader& r, std::string& out) {
    auto s = r.string("Name", /*required=*/true);
    if (!s) return false;
    out = *s;
    bool ok = !s->empty() && alnum(s->front()) && alnum(s->back()) &&
              std::all_of(s->begin(), s->end(), [](char c) {
                return alnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
              });
    if (!ok) {
      issues_.error(r.pathOf("Name"), "InvalidEntityName",
                    "'" + *s +
                        "' does not match the emulator schema's name pattern (letters, digits, "
                        "'_', '-', '.', '/', starting and ending with a letter or digit)",
                    r.get("Name")->offset());
    }
    return true;
  }

  uint64_t ttl(Reader& v) {
    return v.duration("DefaultMessageTimeToLive", 5 * kMinute, 60 * kMinute, true)
        .value_or(60 * kMinute);
  }
  uint64_t lock(Reader& v) {
    return v.duration("LockDuration", 5 * kNsPerSecond, 5 * kMinute, true).value_or(kMinute);
  }
  uint64_t window(Reader& v) {
    return v.duration("DuplicateDetectionHistoryTimeWindow", 5 * kNsPerSecond, 5 * kMinute, true)
        .value_or(20 * kNsPerSecond);
  }

  void readQueue(NamespaceConfig& ns, const json::Value& value, const std::string& path) {
    ObjectReader r(value, path, issues_);
    if (!r.ok()) return;
    QueueConfig q;
    q.path = path;
    q.offset = value.offset();
    q.max_size_megabytes = 100;  // the emulator's queue or topic size quota
    q.max_delivery_count = 3;
    q.default_message_ttl_ns = 60 * kMinute;
    q.duplicate_detection_window_ns = 20 * kNsPerSecond;
    name(r, q.name);
    if (const json::Value* props = r.object("Properties")) {
      ObjectReader p(*props, r.pathOf("Properties"), issues_);
      Reader v(p, issues_);
      q.dead_lettering_on_message_expiration =
          p.boolean("DeadLetteringOnMessageExpiration").value_or(false);
      q.default_message_ttl_ns = ttl(v);
      q.duplicate_detection_window_ns = window(v);
      q.forward_dead_lettered_messages_to = v.target("ForwardDeadLetteredMessagesTo").value_or("");
      q.forward_to = v.target("ForwardTo").value_or("");
      q.lock_duration_ns = lock(v);
      q.max_delivery_count =
          static_cast<uint32_t>(p.integer("MaxDeliveryCount", 1, 10).value_or(3));
      q.requires_duplicate_detection = p.boolean("RequiresDuplicateDetection").value_or(false);
      q.requires_session = p.boolean("RequiresSession").value_or(false);
      p.warnUnknownKeys();
    }
    r.warnUnknownKeys();
    ns.queues.push_back(std::move(q));
  }

  void readTopic(NamespaceConfig& ns, const json::Value& value, const std::string& path) {
    ObjectReader r(value, path, issues_);
    if (!r.ok()) return;
    TopicConfig t;
    t.path = path;
    t.offset = value.offset();
    t.max_size_megabytes = 100;
    t.default_message_ttl_ns = 60 * kMinute;
    t.duplicate_detection_window_ns = 20 * kNsPerSecond;
    name(r, t.name);
    if (const json::Value* props = r.object("Properties")) {
      ObjectReader p(*props, r.pathOf("Properties"), issues_);
      Reader v(p, issues_);
      t.default_message_ttl_ns = ttl(v);
      t.duplicate_detection_window_ns = window(v);
      t.requires_duplicate_detection = p.boolean("RequiresDuplicateDetection").value_or(false);
      p.warnUnknownKeys();
    }
    size_t rules = 0;
    size_t sql_filters = 0;
    if (const json::Value* subs = r.array("Subscriptions", /*required=*/true)) {
      if (subs->items().empty() || subs->items().size() > 50) {
        issues_.error(r.pathOf("Subscriptions"), "InvalidCount",
                      "a topic has 1 to 50 subscriptions in the emulator, found " +
                          std::to_string(subs->items().size()),
                      subs->offset());
      }
      for (size_t i = 0; i < subs->items().size(); ++i) {
        readSubscription(t, subs->items()[i], json::pathIndex(r.pathOf("Subscriptions"), i));
      }
      for (const SubscriptionConfig& s : t.subscriptions) {
        rules += s.rules.size();
        for (const RuleConfig& rc : s.rules) sql_filters += rc.correlation ? 0 : 1;
      }
    }
    if (rules > 1000) {
      issues_.error(path, "QuotaExceeded",
                    "the emulator allows 1000 rules per topic, found " + std::to_string(rules),
                    value.offset());
    }
    if (sql_filters > 20) {
      issues_.warning(path, "QuotaExceeded",
                      "the emulator's default quota is 20 SQL filters per topic, found " +
                          std::to_string(sql_filters),
                      value.offset());
    }
    r.warnUnknownKeys();
    ns.topics.push_back(std::move(t));
  }

  void readSubscription(TopicConfig& t, const json::Value& value, const std::string& path) {
    ObjectReader r(value, path, issues_);
    if (!r.ok()) return;
    SubscriptionConfig s;
    s.path = path;
    s.offset = value.offset();
    s.max_delivery_count = 3;
    s.default_message_ttl_ns = 60 * kMinute;
    name(r, s.name);
    if (const json::Value* props = r.object("Properties")) {
      ObjectReader p(*props, r.pathOf("Properties"), issues_);
      Reader v(p, issues_);
      s.dead_lettering_on_message_expiration =
          p.boolean("DeadLetteringOnMessageExpiration").value_or(false);
      s.default_message_ttl_ns = ttl(v);
      s.lock_duration_ns = lock(v);
      s.max_delivery_count =
          static_cast<uint32_t>(p.integer("MaxDeliveryCount", 1, 10).value_or(3));
      s.forward_dead_lettered_messages_to = v.target("ForwardDeadLetteredMessagesTo").value_or("");
      s.forward_to = v.target("ForwardTo").value_or("");
      s.requires_session = p.boolean("RequiresSession").value_or(false);
      p.warnUnknownKeys();
    }
    if (const json::Value* rules = r.array("Rules")) {
      for (size_t i = 0; i < rules->items().size(); ++i) {
        readRule(s, rules->items()[i], json::pathIndex(r.pathOf("Rules"), i));
      }
    }
    r.warnUnknownKeys();
    t.subscriptions.push_back(std::move(s));
  }

  void readRule(SubscriptionConfig& s, const json::Value& value, const std::string& path) {
    ObjectReader r(value, path, issues_);
    if (!r.ok()) return;
    RuleConfig rule;
    rule.path = path;
    rule.offset = value.offset();
    name(r, rule.name);
    const json::Value* props = r.object("Properties", /*required=*/true);
    r.warnUnknownKeys();
    if (props == nullptr) return;
    ObjectReader p(*props, r.pathOf("Properties"), issues_);
    auto type = p.string("FilterType", /*required=*/true);
    if (!type) return;
    if (*type == "Correlation") {
      rule.correlation = true;
    } else if (*type != "Sql") {
      issues_.error(p.pathOf("FilterType"), "InvalidFilterType",
                    "expected Correlation or Sql, found '" + *type + "'",
                    p.get("FilterType")->offset());
      return;
    }
    const json::Value* sql_text = nullptr;
    std::string sql_path;
    if (const json::Value* sql = p.object("SqlFilter", /*required=*/!rule.correlation)) {
      ObjectReader f(*sql, p.pathOf("SqlFilter"), issues_);
      sql_path = f.pathOf("SqlExpression");
      if (auto text = f.string("SqlExpression", /*required=*/!rule.correlation)) {
        rule.sql_expression = *text;
        sql_text = f.get("SqlExpression");
      }
      f.warnUnknownKeys();
    }
    if (const json::Value* corr = p.object("CorrelationFilter", /*required=*/rule.correlation)) {
      ObjectReader f(*corr, p.pathOf("CorrelationFilter"), issues_);
      CorrelationFilter& c = rule.correlation_filter;
      c.content_type = f.string("ContentType").value_or("");
      c.correlation_id = f.string("CorrelationId").value_or("");
      c.label = f.string("Label").value_or("");
      c.message_id = f.string("MessageId").value_or("");
      c.reply_to = f.string("ReplyTo").value_or("");
      c.reply_to_session_id = f.string("ReplyToSessionId").value_or("");
      c.session_id = f.string("SessionId").value_or("");
      c.to = f.string("To").value_or("");
      if (const json::Value* cp = f.object("Properties")) {
        if (cp->members().empty()) {
          issues_.error(f.pathOf("Properties"), "InvalidCount",
                        "CorrelationFilter.Properties needs at least one property", cp->offset());
        }
        readCorrelationProperties(*cp, f.pathOf("Properties"), c, issues_);
      }
      f.warnUnknownKeys();
      if (corr->members().empty()) {
        issues_.error(p.pathOf("CorrelationFilter"), "InvalidCount",
                      "CorrelationFilter needs at least one property", corr->offset());
      }
    }
    const json::Value* action_text = nullptr;
    std::string action_path;
    if (const json::Value* action = p.object("Action")) {
      ObjectReader a(*action, p.pathOf("Action"), issues_);
      action_path = a.pathOf("SqlExpression");
      if (auto text = a.string("SqlExpression")) {
        rule.action_expression = *text;
        action_text = a.get("SqlExpression");
      }
      a.warnUnknownKeys();
    }
    p.warnUnknownKeys();
    compileRule(rule, sql_text, action_text, sql_path, action_path, issues_);
    s.rules.push_back(std::move(rule));
  }

  ConfigIssues& issues_;
};

}  // namespace

std::string_view entityStatusName(EntityStatus status) {
  switch (status) {
    case EntityStatus::kActive:
      return "Active";
    case EntityStatus::kDisabled:
      return "Disabled";
    case EntityStatus::kSendDisabled:
      return "SendDisabled";
    case EntityStatus::kReceiveDisabled:
      return "ReceiveDisabled";
  }
  return "Active";
}

std::optional<Rule> RuleConfig::build() const {
  Rule r;
  r.name = name;
  if (correlation) {
    r.filter = correlation_filter;
  } else if (compiled_filter) {
    r.filter = *compiled_filter;
  } else {
    return std::nullopt;
  }
  if (!action_expression.empty()) {
    if (!compiled_action) return std::nullopt;
    r.action = *compiled_action;
  }
  return r;
}

uint64_t maxMessageBytes(std::string_view sku, int64_t max_message_size_kilobytes) {
  if (utf::equalsIgnoreCase(sku, "Premium")) {
    return static_cast<uint64_t>(max_message_size_kilobytes > 0 ? max_message_size_kilobytes
                                                                : 1024) *
           1024;
  }
  return 256 * 1024;
}

std::vector<NamespaceConfig> readArmNamespaces(const json::Value& resources, std::string_view path,
                                               ConfigIssues& issues) {
  return ArmReader(issues).run(resources, path);
}

Result<NamespaceConfig> importEmulatorConfig(std::string_view text, std::string_view file_name,
                                             ConfigIssues& issues) {
  // "<file>:<line>:<column>: " for an error with a position in `text`.
  auto located = [&](const Error& e) {
    std::string where(file_name);
    if (e.hasSpan()) {
      LineColumn lc = locate(text, e.span().offset);
      where += ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
    }
    return e.withContext(where + ": ");
  };
  auto stripped = json::stripComments(text);
  if (!stripped.ok()) return located(stripped.error());
  auto root = json::parse(*stripped);
  if (!root.ok()) return located(root.error());
  return EmulatorReader(issues).run(*root);
}

}  // namespace routesim::endpoints::servicebus
