// `routesim check`, one finding code at a time: for each code a small scenario that triggers it
// (the code, its severity, the JSON path it names and, for denials, the error Azure gives) and
// the same scenario with the one change a user would make to fix it (the code is gone).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/file_io.h"
#include "core/common/json.h"
#include "tests/support/check_json.h"
#include "tests/support/temp_dir.h"
#include "tools/routesim/check_command.h"

namespace routesim {
namespace {

// ---------------------------------------------------------------------------------------------
// Scenario texts: a small base with named parts to substitute.

std::string route(const std::string& name, const std::string& condition,
                  const std::string& endpoint = "events", bool enabled = true,
                  const std::string& source = "DeviceMessages") {
  return R"({"name": ")" + name + R"(", "source": ")" + source + R"(", "condition": ")" +
         condition + R"(", "endpointNames": [")" + endpoint + R"("], "isEnabled": )" +
         (enabled ? "true" : "false") + "}";
}

// Telemetry from group 'g': appProperties level normal or critical, a JSON body {"t": 0..99}
// (readable by IoT Hub only with `json`: contentType application/json, contentEncoding utf-8).
std::string telemetry(bool json = true) {
  return std::string(R"({"group": "g", "kind": "telemetry", "ratePerDevice": "1/10s", )") +
         (json ? R"("contentType": "application/json", "contentEncoding": "utf-8", )" : "") +
         R"("appProperties": {"level": {"values": ["normal", "critical"], "sequence": true}},
            "template": "{\"t\": $.T}",
            "variables": [{"name": "T", "random": true, "min": 0, "max": 100}]})";
}

std::string twinChanges() {
  return R"({"group": "g", "kind": "twinChange", "ratePerDevice": "1/10s"})";
}

std::string enrichment(const std::string& key, const std::string& value,
                       const std::string& endpoint = "events") {
  return R"({"key": ")" + key + R"(", "value": ")" + value + R"(", "endpointNames": [")" +
         endpoint + R"("]})";
}

// An Event Hubs namespace 'ehns' (SKU `sku`) with event hubs h1..hN, and the endpoints to them.
std::string eventHubsNamespace(int hubs, const std::string& sku = "Standard",
                               const std::string& properties = "") {
  std::string entities;
  for (int i = 1; i <= hubs; ++i) {
    entities += std::string(i > 1 ? ", " : "") + R"({"type": "eventhubs", "name": "h)" +
                std::to_string(i) + R"("})";
  }
  return R"({"type": "Microsoft.EventHub/namespaces", "name": "ehns", "location": "eastus",
            "sku": {"name": ")" +
         sku + R"("}, )" + (properties.empty() ? "" : R"("properties": {)" + properties + "}, ") +
         R"("resources": [)" + entities + "]}";
}
std::string eventHubEndpoint(const std::string& name, int hub) {
  return R"({"name": ")" + name +
         R"(", "connectionString": "Endpoint=sb://ehns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5;EntityPath=h)" +
         std::to_string(hub) + R"("})";
}
std::string eventHubEndpoints(int count) {
  std::string list;
  for (int i = 1; i <= count; ++i)
    list += std::string(i > 1 ? ", " : "") + eventHubEndpoint("eh" + std::to_string(i), i);
  return R"({"eventHubs": [)" + list + "]}";
}

// A storage container endpoint 'archive' to account 'archive7' (container 'telemetry').
std::string storageEndpoint(const std::string& authentication) {
  return R"({"storageContainers": [{"name": "archive",
      "connectionString": "DefaultEndpointsProtocol=https;AccountName=archive7;AccountKey=a2V5;EndpointSuffix=core.windows.net",
      "containerName": "telemetry", "authenticationType": ")" +
         authentication + R"(", "encoding": "JSON"}]})";
}
// The account behind a firewall that lets trusted Azure services through.
const char* const kFirewalledStorage = R"({"type": "Microsoft.Storage/storageAccounts",
    "name": "archive7", "location": "eastus", "sku": {"name": "Standard_LRS"},
    "properties": {"publicNetworkAccess": "Enabled",
      "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"}},
    "containers": ["telemetry"]})";
const char* const kHubWritesStorage = R"({"type": "Microsoft.Authorization/roleAssignments",
    "name": "hub-writes-archive", "properties": {"principalId": "hub",
      "roleDefinitionName": "Storage Blob Data Contributor", "scope": "archive7"}})";
const char* const kSystemAssigned = R"("identity": {"type": "SystemAssigned"},)";

// The scenario: hub 'hub' is $.resources[0]; group 'g' is $.devices[0].
struct Spec {
  std::string profile = "current";
  std::string location = "eastus";
  std::string sku = "S1";
  std::string identity;        // members of the hub resource, each followed by a comma
  std::string hub_properties;  // members of the hub's properties, each followed by a comma
  std::string endpoints = "{}";
  std::vector<std::string> routes = {route("critical", "level = 'critical'")};
  bool fallback = true;
  std::vector<std::string> enrichments;
  std::vector<std::string> resources;  // after the hub
  std::string tls = "1.2";
  std::string ip_range = "203.0.113.10-203.0.113.12";
  std::vector<std::string> traffic = {telemetry()};
  std::vector<std::string> timeline;
};

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ",\n    ") + i;
  return out;
}

// `text` with each ${name} replaced by vars[name], in one pass (replacements are not scanned).
std::string substitute(std::string_view text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (size_t at = 0; at < text.size();) {
    size_t open = text.find("${", at);
    if (open == std::string_view::npos) {
      out += text.substr(at);
      break;
    }
    size_t close = text.find('}', open);
    out += text.substr(at, open - at);
    out += vars.at(std::string(text.substr(open + 2, close - open - 2)));
    at = close + 1;
  }
  return out;
}

const char* const kBaseScenario =
    R"({"name": "findings", "profile": "${profile}", "duration": "PT1M",
  "resources": [
    {"type": "Microsoft.Devices/IotHubs", "name": "hub", "location": "${location}",
     "sku": {"name": "${sku}", "capacity": 1}, ${identity}
     "properties": {${hub_properties}
       "routing": {
         "endpoints": ${endpoints},
         "routes": [${routes}],
         "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                           "endpointNames": ["events"], "isEnabled": ${fallback}},
         "enrichments": [${enrichments}]}}}${resources}],
  "devices": [{"group": "g", "count": 3, "tlsVersion": "${tls}",
               "location": {"network": "internet", "ipRange": "${ip_range}"}}],
  "traffic": [${traffic}],
  "timeline": [${timeline}]})";

std::string scenarioText(const Spec& s) {
  return substitute(kBaseScenario,
                    {{"profile", s.profile},
                     {"location", s.location},
                     {"sku", s.sku},
                     {"identity", s.identity},
                     {"hub_properties", s.hub_properties},
                     {"endpoints", s.endpoints},
                     {"routes", joined(s.routes)},
                     {"fallback", s.fallback ? "true" : "false"},
                     {"enrichments", joined(s.enrichments)},
                     {"resources", s.resources.empty() ? "" : ",\n    " + joined(s.resources)},
                     {"tls", s.tls},
                     {"ip_range", s.ip_range},
                     {"traffic", joined(s.traffic)},
                     {"timeline", joined(s.timeline)}});
}

std::vector<std::string> numbered(int count, const std::function<std::string(int)>& make) {
  std::vector<std::string> out;
  for (int i = 1; i <= count; ++i) out.push_back(make(i));
  return out;
}
std::vector<std::string> routesToEvents(int count) {
  return numbered(count, [](int i) { return route("r" + std::to_string(i), "true"); });
}
std::vector<std::string> enrichmentsOfEvents(int count) {
  return numbered(count, [](int i) { return enrichment("k" + std::to_string(i), "v"); });
}

// ---------------------------------------------------------------------------------------------
// The table.

const std::string kHub = "$.resources[0]";
const std::string kRouting = kHub + ".properties.routing";

struct Case {
  std::string name;  // the test's name
  std::string code;
  std::string severity;              // error | warning | info
  std::string path;                  // the finding's JSON path
  std::optional<std::string> azure;  // "STATUS CODE" ("null CODE" below HTTP); none: absent
  Spec trigger;                      // has the finding
  std::function<void(Spec&)> fix;    // the one change that removes it
  bool deployment = false;           // a deployment refusal: nothing else is checked
};

// gtest prints the parameter into the test's listing (and so ctest's name): the case's name.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> cases() {
  std::vector<Case> c;

  // --- Deployment: what Azure refuses (nothing else is checked then).
  c.push_back({.name = "IH400104_ConditionDoesNotCompile",
               .code = "IH400104",
               .severity = "error",
               .path = kRouting + ".routes[0].condition",
               .trigger = {.routes = {route("critical", "level = ")}},
               .fix = [](Spec& s) { s.routes[0] = route("critical", "level = 'critical'"); },
               .deployment = true});
  c.push_back({.name = "EndpointNotFound_RouteNamesAMisspeltEndpoint",
               .code = "EndpointNotFound",
               .severity = "error",
               .path = kRouting + ".routes[0].endpointNames[0]",
               .trigger = {.routes = {route("critical", "true", "evnets")}},
               .fix = [](Spec& s) { s.routes[0] = route("critical", "true", "events"); },
               .deployment = true});
  c.push_back({.name = "DuplicateRouteName",
               .code = "DuplicateRouteName",
               .severity = "error",
               .path = kRouting + ".routes[1].name",
               .trigger = {.routes = {route("critical", "level = 'critical'"),
                                      route("Critical", "level = 'normal'")}},
               .fix = [](Spec& s) { s.routes[1] = route("normal", "level = 'normal'"); },
               .deployment = true});
  // Tier limits: F1 5 routes / 1 custom endpoint / 2 enrichments; S1 100 / 10 / 10.
  c.push_back({.name = "RouteLimitExceeded_F1SixRoutes",
               .code = "RouteLimitExceeded",
               .severity = "error",
               .path = kRouting + ".routes",
               .trigger = {.sku = "F1", .routes = routesToEvents(6)},
               .fix = [](Spec& s) { s.routes.pop_back(); },
               .deployment = true});
  c.push_back({.name = "RouteLimitExceeded_F1SixRoutesUpgradedToS1",
               .code = "RouteLimitExceeded",
               .severity = "error",
               .path = kRouting + ".routes",
               .trigger = {.sku = "F1", .routes = routesToEvents(6)},
               .fix = [](Spec& s) { s.sku = "S1"; },
               .deployment = true});
  c.push_back({.name = "RouteLimitExceeded_S1HundredAndOneRoutes",
               .code = "RouteLimitExceeded",
               .severity = "error",
               .path = kRouting + ".routes",
               .trigger = {.routes = routesToEvents(101)},
               .fix = [](Spec& s) { s.routes.pop_back(); },
               .deployment = true});
  c.push_back({.name = "EndpointLimitExceeded_F1TwoEndpoints",
               .code = "EndpointLimitExceeded",
               .severity = "error",
               .path = kRouting + ".endpoints",
               .trigger = {.sku = "F1",
                           .endpoints = eventHubEndpoints(2),
                           .routes = {route("eh1", "true", "eh1"), route("eh2", "true", "eh2")},
                           .resources = {eventHubsNamespace(2)}},
               .fix =
                   [](Spec& s) {
                     s.endpoints = eventHubEndpoints(1);
                     s.routes.pop_back();
                   },
               .deployment = true});
  c.push_back({.name = "EndpointLimitExceeded_S1ElevenEndpoints",
               .code = "EndpointLimitExceeded",
               .severity = "error",
               .path = kRouting + ".endpoints",
               .trigger = {.endpoints = eventHubEndpoints(11),
                           .routes = numbered(11,
                                              [](int i) {
                                                std::string n = "eh" + std::to_string(i);
                                                return route(n, "true", n);
                                              }),
                           .resources = {eventHubsNamespace(11)}},
               .fix =
                   [](Spec& s) {
                     s.endpoints = eventHubEndpoints(10);
                     s.routes.pop_back();
                   },
               .deployment = true});
  c.push_back({.name = "EnrichmentLimitExceeded_F1ThreeEnrichments",
               .code = "EnrichmentLimitExceeded",
               .severity = "error",
               .path = kRouting + ".enrichments",
               .trigger = {.sku = "F1", .enrichments = enrichmentsOfEvents(3)},
               .fix = [](Spec& s) { s.enrichments.pop_back(); },
               .deployment = true});
  c.push_back({.name = "EnrichmentLimitExceeded_S1ElevenEnrichments",
               .code = "EnrichmentLimitExceeded",
               .severity = "error",
               .path = kRouting + ".enrichments",
               .trigger = {.enrichments = enrichmentsOfEvents(11)},
               .fix = [](Spec& s) { s.enrichments.pop_back(); },
               .deployment = true});
  // March 2020: minTlsVersion only in East US, South Central US and West US 2.
  c.push_back({.name = "ProfileForbids_2020MinTlsInWestEurope",
               .code = "ProfileForbids",
               .severity = "error",
               .path = kHub + ".properties.minTlsVersion",
               .trigger = {.profile = "2020-03",
                           .location = "westeurope",
                           .hub_properties = R"("minTlsVersion": "1.2",)"},
               .fix = [](Spec& s) { s.location = "eastus"; },
               .deployment = true});
  c.push_back(
      {.name = "ProfileForbids_2020HubIdentityInWestEurope",
       .code = "ProfileForbids",
       .severity = "error",
       .path = kHub + ".identity.type",
       .trigger = {.profile = "2020-03", .location = "westeurope", .identity = kSystemAssigned},
       .fix = [](Spec& s) { s.profile = "current"; },
       .deployment = true});
  c.push_back({.name = "FirewallNotAvailableInTier_EventHubsBasic",
               .code = "FirewallNotAvailableInTier",
               .severity = "error",
               .path = "$.resources[1].properties.publicNetworkAccess",
               .trigger = {.resources = {eventHubsNamespace(
                               1, "Basic", R"("publicNetworkAccess": "Disabled")")}},
               .fix =
                   [](Spec& s) {
                     s.resources[0] =
                         eventHubsNamespace(1, "Standard", R"("publicNetworkAccess": "Disabled")");
                   },
               .deployment = true});

  // --- Ingress: devices the hub turns away.
  c.push_back({.name = "IngressDenied_TlsBelowMinimum",
               .code = "IngressDenied",
               .severity = "error",
               .path = "$.devices[0]",
               .azure = "null TlsVersionNotSupported",
               .trigger = {.hub_properties = R"("minTlsVersion": "1.2",)", .tls = "1.0"},
               .fix = [](Spec& s) { s.tls = "1.2"; }});
  c.push_back({.name = "IngressDenied_IpNotInAllowList",
               .code = "IngressDenied",
               .severity = "error",
               .path = "$.devices[0]",
               .azure = "401 IotHubUnauthorizedAccess",
               .trigger = {.hub_properties = R"("networkRuleSets": {"defaultAction": "Deny",
                   "applyToBuiltInEventHubEndpoint": true,
                   "ipRules": [{"filterName": "plant", "action": "Allow", "ipMask": "198.51.100.0/24"}]},)"},
               .fix = [](Spec& s) { s.ip_range = "198.51.100.10-198.51.100.12"; }});

  // --- Egress: custom endpoints their target refuses.
  c.push_back({.name = "EgressDenied_KeyBasedBehindStorageFirewall",
               .code = "EgressDenied",
               .severity = "error",
               .path = kRouting + ".endpoints.storageContainers[0]",
               .azure = "403 AuthorizationFailure",
               .trigger = {.identity = kSystemAssigned,
                           .endpoints = storageEndpoint("keyBased"),
                           .routes = {route("critical", "level = 'critical'", "archive")},
                           .resources = {kFirewalledStorage, kHubWritesStorage}},
               .fix = [](Spec& s) { s.endpoints = storageEndpoint("identityBased"); }});
  c.push_back({.name = "EgressDenied_StorageRoleMissing",
               .code = "EgressDenied",
               .severity = "error",
               .path = kRouting + ".endpoints.storageContainers[0]",
               .azure = "403 AuthorizationPermissionMismatch",
               .trigger = {.identity = kSystemAssigned,
                           .endpoints = storageEndpoint("identityBased"),
                           .routes = {route("critical", "level = 'critical'", "archive")},
                           .resources = {kFirewalledStorage}},
               .fix = [](Spec& s) { s.resources.push_back(kHubWritesStorage); }});
  c.push_back({.name = "EgressDenied_HubIdentityMissing",
               .code = "EgressDenied",
               .severity = "error",
               .path = kRouting + ".endpoints.storageContainers[0]",
               .azure = "400 ManagedIdentityNotEnabled",
               .trigger = {.endpoints = storageEndpoint("identityBased"),
                           .routes = {route("critical", "level = 'critical'", "archive")},
                           .resources = {kFirewalledStorage, kHubWritesStorage}},
               .fix = [](Spec& s) { s.identity = kSystemAssigned; }});

  c.push_back(
      {.name = "RolePropagationDelay_RoleAssignedWhenTheRunStarts",
       .code = "RolePropagationDelay",
       .severity = "warning",
       .path = kRouting + ".endpoints.storageContainers[0]",
       .azure = "403 AuthorizationPermissionMismatch",
       .trigger = {.identity = kSystemAssigned,
                   .endpoints = storageEndpoint("identityBased"),
                   .routes = {route("critical", "level = 'critical'", "archive")},
                   .resources = {kFirewalledStorage},
                   .timeline = {std::string(R"({"at": "PT0S", "action": "add", "resource": )") +
                                kHubWritesStorage + "}"}},
       .fix = [](Spec& s) {
         s.timeline.clear();  // assigned before the run: in effect from the start
         s.resources.push_back(kHubWritesStorage);
       }});

  // --- Timeline: configuration changes, redeployed as the run does.
  c.push_back({.name = "PropertyReadOnlyAfterCreation_MinTlsSetOnTheTimeline",
               .code = "PropertyReadOnlyAfterCreation",
               .severity = "error",
               .path = "$.timeline[0]",
               .trigger = {.timeline = {R"({"at": "PT30S", "action": "set", "resource": "hub",
                                           "path": "properties.minTlsVersion", "value": "1.2"})"}},
               .fix = [](Spec& s) {
                 s.timeline.clear();
                 s.hub_properties = R"("minTlsVersion": "1.2",)";
               }});
  c.push_back({.name = "IngressDenied_PublicAccessDisabledOnTheTimeline",
               .code = "IngressDenied",
               .severity = "error",
               .path = "$.timeline[0]",
               .azure = "401 IotHubUnauthorizedAccess",
               .trigger = {.timeline = {R"({"at": "PT30S", "action": "set", "resource": "hub",
                                           "path": "properties.publicNetworkAccess",
                                           "value": "Disabled"})"}},
               .fix = [](Spec& s) {
                 s.timeline[0] = R"({"at": "PT30S", "action": "set", "resource": "hub",
                                    "path": "properties.publicNetworkAccess", "value": "Enabled"})";
               }});

  // --- Routes, on the scenario's own traffic.
  c.push_back(
      {.name = "ConditionNeverTrue_AndWhereOrWasMeant",
       .code = "ConditionNeverTrue",
       .severity = "error",
       .path = kRouting + ".routes[0]",
       .trigger = {.routes = {route("critical", "level = 'critical' AND level = 'normal'")}},
       .fix = [](Spec& s) {
         s.routes[0] = route("critical", "level = 'critical' OR level = 'normal'");
       }});
  c.push_back(
      {.name = "ConditionNeverTrue_EmptyRange",
       .code = "ConditionNeverTrue",
       .severity = "error",
       .path = kRouting + ".routes[0]",
       .trigger = {.routes = {route("hot", "$body.t > 50 AND $body.t < 40")}},
       .fix = [](Spec& s) { s.routes[0] = route("hot", "$body.t > 40 AND $body.t < 50"); }});
  c.push_back({.name = "RouteNeverMatches_ValueNeverSent",
               .code = "RouteNeverMatches",
               .severity = "warning",
               .path = kRouting + ".routes[0]",
               .trigger = {.routes = {route("critical", "level = 'urgent'")}},
               .fix = [](Spec& s) { s.routes[0] = route("critical", "level = 'critical'"); }});
  c.push_back({.name = "BodyConditionWithoutJson",
               .code = "BodyConditionWithoutJson",
               .severity = "warning",
               .path = kRouting + ".routes[0]",
               .trigger = {.routes = {route("hot", "$body.t > 50")}, .traffic = {telemetry(false)}},
               .fix = [](Spec& s) { s.traffic[0] = telemetry(true); }});
  c.push_back({.name = "PropertyNeverSent_MisspeltProperty",
               .code = "PropertyNeverSent",
               .severity = "warning",
               .path = kRouting + ".routes[0]",
               .trigger = {.routes = {route("critical", "levle = 'critical'")}},
               .fix = [](Spec& s) { s.routes[0] = route("critical", "level = 'critical'"); }});
  c.push_back({.name = "RouteSourceWithoutTraffic_TwinChanges",
               .code = "RouteSourceWithoutTraffic",
               .severity = "info",
               .path = kRouting + ".routes[1]",
               .trigger = {.routes = {route("critical", "level = 'critical'"),
                                      route("twins", "true", "events", true, "TwinChangeEvents")}},
               .fix = [](Spec& s) { s.traffic.push_back(twinChanges()); }});
  c.push_back({.name = "EndpointUnreachable_OnlyRouteDisabled",
               .code = "EndpointUnreachable",
               .severity = "warning",
               .path = kRouting + ".endpoints.eventHubs[0]",
               .trigger = {.endpoints = eventHubEndpoints(1),
                           .routes = {route("critical", "level = 'critical'"),
                                      route("to-eh1", "level = 'normal'", "eh1", false)},
                           .resources = {eventHubsNamespace(1)}},
               .fix = [](Spec& s) { s.routes[1] = route("to-eh1", "level = 'normal'", "eh1"); }});
  c.push_back({.name = "OrphanedMessages_FallbackDisabled",
               .code = "OrphanedMessages",
               .severity = "warning",
               .path = kRouting,
               .trigger = {.fallback = false},
               .fix = [](Spec& s) { s.fallback = true; }});
  {
    // Payloads just under 256 KB pass ingress; the long enrichment on 'events' pushes them over.
    std::string site;
    for (int i = 0; i < 6; ++i) site += "plant-seven-assembly-line-four;";
    Spec big{.routes = {route("all", "true")}, .enrichments = {enrichment("site", site)}};
    big.traffic = {R"({"group": "g", "ratePerDevice": "1/10s",
                       "payloads": [{"percent": 100, "fixSize": 262000}]})"};
    Spec huge;
    huge.traffic.push_back(R"({"group": "g", "ratePerDevice": "1/10s",
                               "payloads": [{"percent": 100, "fixSize": 262140}]})");
    c.push_back({.name = "MessageTooLarge_PayloadAtTheLimitBeforeProperties",
                 .code = "MessageTooLarge",
                 .severity = "error",
                 .path = "$.traffic[1]",
                 .azure = "413 MessageTooLarge",
                 .trigger = huge,
                 .fix = [](Spec& s) {
                   s.traffic[1] = R"({"group": "g", "ratePerDevice": "1/10s",
                                      "payloads": [{"percent": 100, "fixSize": 200000}]})";
                 }});
    c.push_back({.name = "EnrichedMessageTooLarge_LongEnrichment",
                 .code = "EnrichedMessageTooLarge",
                 .severity = "warning",
                 .path = kRouting,
                 .trigger = big,
                 .fix = [](Spec& s) { s.enrichments[0] = enrichment("site", "p7"); }});
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Running `routesim check --format json`.

struct Checked : testing::CheckJson {
  std::vector<const json::Value*> withCode(std::string_view finding_code) const {
    std::vector<const json::Value*> found;
    if (const json::Value* list = json.find("findings")) {
      for (const json::Value& f : list->items()) {
        if (f.find("code")->text() == finding_code) found.push_back(&f);
      }
    }
    return found;
  }
};

class CheckFindingsTest : public ::testing::TestWithParam<Case> {
 protected:
  Checked check(const Spec& spec, const std::string& name) {
    std::string file = (tmp_.path() / (name + ".scenario.json")).string();
    std::ofstream(file) << scenarioText(spec);
    cli::CheckOptions o;
    o.scenario_file = file;
    Checked c{testing::runCheckJson(o)};
    EXPECT_NE(c.code, 2) << name << "\n" << c.err;
    return c;
  }

  testing::TempDir tmp_{"routesim-check-findings-test"};
};

std::string azureOf(const json::Value& finding) {
  const json::Value* azure = finding.find("azure");
  if (azure == nullptr) return "";
  const json::Value* status = azure->find("status");
  return (status->is(json::Type::kNull) ? std::string("null") : status->text()) + " " +
         azure->find("code")->text();
}

TEST_P(CheckFindingsTest, TriggerHasTheCodeAndTheFixDoesNot) {
  const Case& c = GetParam();
  Checked bad = check(c.trigger, "trigger");
  ASSERT_NE(bad.code, 2) << bad.err;
  std::vector<const json::Value*> found = bad.withCode(c.code);
  ASSERT_FALSE(found.empty()) << c.code << " expected in\n" << bad.out;
  // The trigger's one change gives this code and nothing else (the base has no finding).
  EXPECT_EQ(found.size(), bad.json.find("findings")->items().size()) << bad.out;
  std::set<std::string> paths;
  for (const json::Value* f : found) {
    EXPECT_EQ(f->find("severity")->text(), c.severity) << f->compact();
    EXPECT_FALSE(f->find("message")->text().empty()) << f->compact();
    EXPECT_FALSE(f->find("fix")->text().empty()) << f->compact();
    EXPECT_EQ(azureOf(*f), c.azure.value_or("")) << f->compact();
    paths.insert(f->find("path")->text());
  }
  EXPECT_TRUE(paths.count(c.path)) << c.path << " expected among the paths of\n" << bad.out;
  EXPECT_EQ(bad.code, c.severity == "error" ? 1 : 0) << bad.out;
  if (c.deployment) {
    // Azure's refusal, reported as such.
    for (const json::Value* f : found) {
      EXPECT_NE(f->find("message")->text().find("Azure refuses the deployment"), std::string::npos)
          << f->compact();
    }
  }

  Spec fixed_spec = c.trigger;
  c.fix(fixed_spec);
  Checked fixed = check(fixed_spec, "fixed");
  ASSERT_NE(fixed.code, 2) << fixed.err;
  EXPECT_TRUE(fixed.withCode(c.code).empty()) << c.code << " not expected in\n" << fixed.out;
  EXPECT_TRUE(fixed.json.find("findings")->items().empty()) << fixed.out;
  EXPECT_EQ(fixed.code, 0) << fixed.out;
}

// A refused deployment is all `check` reports: what would follow from the deployment (here a
// disabled fallback orphaning messages, and a device group below the TLS minimum) is not checked.
TEST_F(CheckFindingsTest, NothingElseIsCheckedAfterARefusedDeployment) {
  Spec spec{.hub_properties = R"("minTlsVersion": "1.2",)",
            .routes = {route("critical", "level = ")},
            .fallback = false,
            .tls = "1.0"};
  Checked refused = check(spec, "refused");
  EXPECT_EQ(refused.code, 1) << refused.out;
  ASSERT_EQ(refused.json.find("findings")->items().size(), 1u) << refused.out;
  EXPECT_EQ(refused.json.find("findings")->items()[0].find("code")->text(), "IH400104");
  spec.routes[0] = route("critical", "level = 'critical'");
  Checked deployed = check(spec, "deployed");
  std::set<std::string> codes;
  for (const json::Value& f : deployed.json.find("findings")->items())
    codes.insert(f.find("code")->text());
  EXPECT_EQ(codes, (std::set<std::string>{"IngressDenied", "OrphanedMessages"})) << deployed.out;
}

INSTANTIATE_TEST_SUITE_P(Codes, CheckFindingsTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& p) { return p.param.name; });

// The base the cases change is clean: whatever a case's trigger reports comes from its change.
TEST(CheckFindingsBaseTest, BaseScenarioHasNoFindings) {
  testing::TempDir tmp{"routesim-check-findings-base"};
  std::string file = (tmp.path() / "base.scenario.json").string();
  std::ofstream(file) << scenarioText(Spec{});
  cli::CheckOptions o;
  o.scenario_file = file;
  o.format = "json";
  std::ostringstream out, err;
  EXPECT_EQ(cli::runCheck(o, out, err), 0) << out.str() << err.str();
  auto parsed = json::parse(out.str());
  ASSERT_TRUE(parsed.ok()) << out.str();
  EXPECT_TRUE(parsed->find("findings")->items().empty()) << out.str();
}

// Every code the table exercises is documented in docs/check.md (as `CODE`); the deployment
// codes are also explained where check.md sends the reader (scenario.md, routing.md, policy.md).
TEST(CheckFindingsDocsTest, EveryCodeIsDocumented) {
  const std::string docs = std::string(ROUTESIM_SCENARIOS_DIR) + "/../docs/";
  auto read = [&](const std::string& name) {
    auto text = readFile(docs + name);
    EXPECT_TRUE(text.ok()) << docs + name;
    return text.ok() ? *text : std::string();
  };
  const std::string check_md = read("check.md");
  const std::string deployment_docs = read("scenario.md") + read("routing.md") + read("policy.md");
  for (const Case& c : cases()) {
    const std::string quoted = "`" + c.code + "`";
    EXPECT_NE(check_md.find(quoted), std::string::npos)
        << c.code << " is not documented in " << docs << "check.md";
    if (c.deployment) {
      EXPECT_NE(deployment_docs.find(quoted), std::string::npos)
          << c.code << " is explained neither in scenario.md, routing.md nor policy.md";
    }
  }
}

}  // namespace
}  // namespace routesim
