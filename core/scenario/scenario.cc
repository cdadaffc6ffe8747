#include "core/scenario/scenario.h"

#include <cstdlib>

#include "core/common/config_reader.h"
#include "core/common/duration.h"
#include "core/common/json.h"
#include "core/common/utf.h"
#include "core/routing/route_table.h"

namespace routesim::scenario {
namespace {

bool underResources(std::string_view path) {
  return path.substr(0, 12) == "$.resources[" || path == "$.resources";
}

bool schemaCode(std::string_view code) {
  return code == "InvalidType" || code == "MissingProperty" || code == "InvalidJson";
}

// "2026-01-01T00:00:00Z" -> Unix nanoseconds (UTC only, whole seconds).
std::optional<uint64_t> parseUtcTime(std::string_view t) {
  int y, mo, d, h, mi, s;
  char z = 0;
  if (std::sscanf(std::string(t).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s,
                  &z) != 7 ||
      z != 'Z' || t.size() != 20)
    return std::nullopt;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
    return std::nullopt;
  // Days from civil (Howard Hinnant's algorithm).
  int yy = y - (mo <= 2 ? 1 : 0);
  int era = yy / 400;
  int yoe = yy - era * 400;
  int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return static_cast<uint64_t>(((days * 24 + h) * 60 + mi) * 60 + s) * 1000000000ULL;
}

// The index K of a path "$.timeline[K]".
size_t eventIndex(std::string_view path) {
  size_t open = path.rfind('[');
  return static_cast<size_t>(
      std::strtoull(std::string(path.substr(open + 1)).c_str(), nullptr, 10));
}

// Device groups the timeline adds become groups active from their event; removed ones end at
// theirs. A group name is active at most once at a time.
void applyDeviceEvents(const json::Value& timeline, Scenario& sc, ConfigIssues& issues) {
  auto active = [&](std::string_view name, uint64_t at_ns) -> DeviceGroup* {
    for (DeviceGroup& g : sc.devices) {
      if (utf::equalsIgnoreCase(g.name, name) && g.active_from_ns <= at_ns &&
          at_ns < g.active_until_ns)
        return &g;
    }
    return nullptr;
  };
  for (const TimelineEvent& e : sc.timeline) {
    if (e.action == TimelineEvent::Action::kRemoveDevices) {
      if (DeviceGroup* g = active(e.group, e.at_ns)) {
        g->active_until_ns = e.at_ns;
      } else {
        issues.error(json::pathJoin(e.path, "group"), "UnknownDeviceGroup",
                     "no device group '" + e.group + "' exists at this time", e.offset);
      }
      continue;
    }
    if (e.action != TimelineEvent::Action::kAddDevices) continue;
    const json::Value& item = timeline.items()[eventIndex(e.path)];
    const json::Value* group = item.find("group");
    if (group == nullptr) continue;  // readTimeline reported it
    std::optional<DeviceGroup> g =
        readDeviceGroup(*group, json::pathJoin(e.path, "group"), sc.policy, issues);
    if (!g) continue;
    if (active(g->name, e.at_ns) != nullptr) {
      issues.error(json::pathJoin(json::pathJoin(e.path, "group"), "group"), "DuplicateDeviceGroup",
                   "device group '" + g->name + "' already exists at this time",
                   memberOffset(*group, "group"));
      continue;
    }
    g->active_from_ns = e.at_ns;
    sc.devices.push_back(std::move(*g));
  }
}

// Names the timeline and the expectations use must exist: a typo never passes silently.
void checkReferences(const Scenario& sc, const json::Value* resources, ConfigIssues& issues) {
  auto in = [](const std::vector<std::string>& names, std::string_view name) {
    for (const std::string& n : names) {
      if (utf::equalsIgnoreCase(n, name)) return true;
    }
    return false;
  };
  auto list = [](const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
    return out.empty() ? std::string("none") : out;
  };
  std::vector<std::string> endpoints{"events"};
  for (const routing::EndpointConfig& c : sc.routing.endpoints) endpoints.push_back(c.name);
  std::vector<std::string> groups;
  for (const DeviceGroup& g : sc.devices) groups.push_back(g.name);
  std::vector<std::string> names{sc.hub_name};
  if (resources != nullptr) {
    for (const json::Value& res : resources->items()) {
      if (const json::Value* n = res.find("name"); n && n->is(json::Type::kString))
        names.emplace_back(n->text());
    }
  }
  for (const TimelineEvent& e : sc.timeline) {
    if (e.action == TimelineEvent::Action::kFault ||
        (e.action == TimelineEvent::Action::kClearFaults && !e.endpoint.empty())) {
      if (!in(endpoints, e.endpoint)) {
        issues.error(
            json::pathJoin(e.path, "endpoint"), "UnknownEndpoint",
            "the hub has no endpoint '" + e.endpoint + "'; its endpoints: " + list(endpoints),
            e.offset);
      }
    }
  }
  for (const Expectation& e : sc.expect) {
    switch (e.kind) {
      case Expectation::Kind::kEndpointCount:
      case Expectation::Kind::kHealth:
      case Expectation::Kind::kFate:
        if (!in(endpoints, e.endpoint)) {
          issues.error(
              json::pathJoin(e.path,
                             e.kind == Expectation::Kind::kFate ? "deliveredTo" : "endpoint"),
              "UnknownEndpoint",
              "the hub has no endpoint '" + e.endpoint + "'; its endpoints: " + list(endpoints),
              e.offset);
        }
        if (e.kind == Expectation::Kind::kFate && !in(groups, e.group)) {
          issues.error(json::pathJoin(e.path, "group"), "UnknownDeviceGroup",
                       "no device group '" + e.group + "'; the groups: " + list(groups), e.offset);
        }
        break;
      case Expectation::Kind::kDenial: {
        std::vector<std::string> sources = groups;
        sources.insert(sources.end(), endpoints.begin(), endpoints.end());
        if (e.source && !in(sources, *e.source)) {
          issues.error(json::pathJoin(json::pathJoin(e.path, "denial"), "source"), "UnknownName",
                       "'" + *e.source +
                           "' is neither a device group (ingress) nor an endpoint (egress); "
                           "they are " +
                           list(sources),
                       e.offset);
        }
        if (e.target && !in(names, *e.target)) {
          issues.error(json::pathJoin(json::pathJoin(e.path, "denial"), "target"), "UnknownName",
                       "'" + *e.target + "' is not the hub or a resource of the scenario",
                       e.offset);
        }
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace

Deployment readDeployment(const json::Value& resources, std::string_view path,
                          policy::Profile profile, ConfigIssues& issues) {
  Deployment d;
  int hubs = 0;
  for (size_t i = 0; i < resources.items().size(); ++i) {
    const json::Value* type = resources.items()[i].find("type");
    if (type != nullptr && type->is(json::Type::kString) &&
        type->text() == "Microsoft.Devices/IotHubs") {
      if (hubs++ == 0) d.hub_index = i;
    }
  }
  if (hubs != 1) {
    issues.error(std::string(path), hubs == 0 ? "MissingHub" : "SeveralHubs",
                 hubs == 0 ? "a scenario needs one Microsoft.Devices/IotHubs resource"
                           : "a scenario has one Microsoft.Devices/IotHubs resource, not " +
                                 std::to_string(hubs),
                 resources.offset());
  } else {
    const json::Value& hub = resources.items()[d.hub_index];
    std::string hub_path = json::pathIndex(path, d.hub_index);
    if (const json::Value* name = hub.find("name"); name && name->is(json::Type::kString))
      d.hub_name = std::string(name->text());
    routing::RoutingLimits limits;
    if (const json::Value* sku = hub.find("sku")) {
      if (const json::Value* sku_name = sku->find("name");
          sku_name && sku_name->is(json::Type::kString)) {
        if (auto tier = routing::tierOfSku(sku_name->text()))
          limits = routing::RoutingLimits::forTier(*tier);
      }
    }
    const json::Value* props = hub.find("properties");
    const json::Value* routing_value = props ? props->find("routing") : nullptr;
    if (routing_value != nullptr) {
      d.routing = routing::readRoutingConfig(
          *routing_value, json::pathJoin(json::pathJoin(hub_path, "properties"), "routing"), limits,
          issues);
      // Conditions compile when the hub is deployed: a bad one is Azure's refusal.
      if (!issues.hasErrors()) (void)routing::RouteTable::build(d.routing, {}, issues);
    } else {
      // A hub created without routing settings has the default fallback route: telemetry
      // goes to the built-in endpoint (as the portal and CLI create it).
      routing::RouteConfig fallback;
      fallback.name = "$fallback";
      fallback.endpoint = "events";
      d.routing.fallback = fallback;
    }
  }
  d.policy = policy::readPolicyResources(resources, path, profile, issues);
  return d;
}

LoadedScenario readScenario(std::string_view text) {
  LoadedScenario out;
  Scenario& sc = out.scenario;
  ConfigIssues issues;
  auto value = json::parse(text);
  if (!value.ok()) {
    out.file_issues.error("$", "InvalidJson", value.error().message(), value.error().span().offset);
    return out;
  }
  const json::Value& root = *value;
  ObjectReader r(root, "$", issues);
  if (!r.ok()) {
    out.file_issues = std::move(issues);
    return out;
  }
  sc.name = r.string("name", /*required=*/true).value_or("");
  sc.description = r.string("description").value_or("");
  if (auto seed = r.integer("seed", 0, INT64_MAX)) sc.seed = static_cast<uint64_t>(*seed);
  if (auto profile = r.string("profile")) {
    if (auto p = policy::parseProfile(*profile)) {
      sc.profile = *p;
    } else {
      issues.error("$.profile", "InvalidProfile", "expected \"current\" or \"2020-03\"",
                   memberOffset(root, "profile"));
    }
  }
  if (auto duration = r.string("duration", /*required=*/true)) {
    auto d = parseIsoDuration(*duration);
    if (!d.ok() || *d == 0 || *d == UINT64_MAX) {
      issues.error("$.duration", "InvalidDuration",
                   "expected a positive ISO 8601 duration such as \"PT30M\"" +
                       (d.ok() ? std::string() : ": " + d.error().message()),
                   memberOffset(root, "duration"));
    } else {
      sc.duration_ns = *d;
    }
  }
  if (auto start = r.string("start")) {
    if (auto t = parseUtcTime(*start)) {
      sc.start_unix_ns = *t;
    } else {
      issues.error("$.start", "InvalidTime", "expected a UTC time such as \"2026-01-01T00:00:00Z\"",
                   memberOffset(root, "start"));
    }
  }

  // Resources: kept as written for redeployments on the timeline, and read into the models.
  const json::Value* resources = r.array("resources", /*required=*/true);
  if (resources != nullptr) {
    for (const json::Value& res : resources->items()) {
      std::string compact;
      res.writeCompact(compact);
      sc.resources.push_back(std::move(compact));
    }
    Deployment d = readDeployment(*resources, "$.resources", sc.profile, issues);
    sc.hub_index = d.hub_index;
    sc.hub_name = std::move(d.hub_name);
    sc.routing = std::move(d.routing);
    sc.policy = std::move(d.policy);
  }

  std::vector<std::string> group_names;
  if (const json::Value* devices = r.get("devices", /*required=*/true)) {
    sc.devices = readDeviceGroups(*devices, "$.devices", sc.policy, issues);
  }
  if (const json::Value* timeline = r.get("timeline")) {
    sc.timeline = readTimeline(*timeline, "$.timeline", sc.duration_ns, issues);
    applyDeviceEvents(*timeline, sc, issues);
  }
  for (const DeviceGroup& g : sc.devices) group_names.push_back(g.name);
  if (const json::Value* traffic = r.get("traffic")) {
    sc.traffic = readTraffic(*traffic, "$.traffic", group_names, issues);
  }
  if (const json::Value* expect = r.get("expect")) {
    sc.expect = readExpectations(*expect, "$.expect", sc.duration_ns, issues);
  }
  if (!issues.hasErrors()) checkReferences(sc, resources, issues);
  r.warnUnknownKeys();

  // Sort: Azure's refusals under $.resources are deployment failures; the rest is the file's.
  for (const ConfigIssue& i : issues.items()) {
    if (i.severity == ConfigIssue::Severity::kError && underResources(i.path) &&
        !schemaCode(i.code) && i.code != "MissingHub" && i.code != "SeveralHubs") {
      out.deployment_errors.push_back(i);
    } else if (i.severity == ConfigIssue::Severity::kError) {
      out.file_issues.error(i.path, i.code, i.message, i.offset);
    } else {
      out.file_issues.warning(i.path, i.code, i.message, i.offset);
    }
  }
  return out;
}

}  // namespace routesim::scenario
