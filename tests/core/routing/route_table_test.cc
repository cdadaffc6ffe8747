#include "core/routing/route_table.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/message/message.h"
#include "core/routing/routing_config.h"

namespace routesim::routing {
namespace {

using message::Message;
using message::MessageSource;
using message::PaddedBytes;
using Outcome = RoutingResult::Outcome;

std::string dump(const ConfigIssues& issues) {
  std::string out;
  for (const ConfigIssue& i : issues.items()) {
    out += (i.severity == ConfigIssue::Severity::kError ? "error " : "warning ") + i.code + " " +
           i.path + " @" + std::to_string(i.offset) + ": " + i.message + "\n";
  }
  return out;
}

struct Built {
  RoutingConfig config;
  ConfigIssues issues;
  std::shared_ptr<const RouteTable> table;
};

// Reads `text` as a bare routing object and compiles it.
Built buildText(std::string_view text, const RouteTable::BuildOptions& options = {}) {
  Built b;
  auto value = json::parse(text);
  EXPECT_TRUE(value.ok()) << "test JSON does not parse: " << text;
  if (!value.ok()) return b;
  b.config = readRoutingConfig(*value, "$", {}, b.issues);
  b.table = RouteTable::build(b.config, options, b.issues);
  return b;
}

// Builds a table that must be free of issues.
std::shared_ptr<const RouteTable> table(std::string_view text,
                                        const RouteTable::BuildOptions& options = {}) {
  Built b = buildText(text, options);
  EXPECT_TRUE(b.issues.items().empty()) << dump(b.issues);
  EXPECT_NE(b.table, nullptr);
  return b.table;
}

std::string route(std::string_view name, std::string_view source, std::string_view condition,
                  std::string_view endpoint, bool enabled = true) {
  return R"({"name": ")" + std::string(name) + R"(", "source": ")" + std::string(source) +
         R"(", "condition": ")" + std::string(condition) + R"(", "endpointNames": [")" +
         std::string(endpoint) + R"("], "isEnabled": )" + (enabled ? "true" : "false") + "}";
}

std::string telemetryRoute(std::string_view name, std::string_view condition,
                           std::string_view endpoint, bool enabled = true) {
  return route(name, "DeviceMessages", condition, endpoint, enabled);
}

std::string fallback(std::string_view endpoint, std::string_view condition = "true",
                     bool enabled = true) {
  return R"("fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": ")" +
         std::string(condition) + R"(", "endpointNames": [")" + std::string(endpoint) +
         R"("], "isEnabled": )" + (enabled ? "true" : "false") + "}";
}

// Three custom endpoints (hot: Event Hubs, queue: Service Bus queue, archive: storage), the given
// routes and, after them, `rest` (e.g. a fallback or enrichments, with a leading comma).
std::string config(std::initializer_list<std::string> routes, std::string_view rest = "") {
  std::string out = R"({"endpoints": {
    "eventHubs": [{"name": "hot"}],
    "serviceBusQueues": [{"name": "queue"}],
    "storageContainers": [{"name": "archive", "containerName": "c"}]}, "routes": [)";
  bool first = true;
  for (const std::string& r : routes) {
    if (!first) out += ", ";
    out += r;
    first = false;
  }
  return out + "]" + std::string(rest) + "}";
}

Message telemetry(std::initializer_list<std::pair<std::string, std::string>> app = {}) {
  Message m;
  m.device_id = "d1";
  for (const auto& [k, v] : app) m.app_properties.set(k, v);
  return m;
}

Message jsonTelemetry(std::string_view body,
                      std::initializer_list<std::pair<std::string, std::string>> app = {}) {
  Message m = telemetry(app);
  m.body = PaddedBytes(body);
  m.system_properties.set("contentType", "application/json");
  m.system_properties.set("contentEncoding", "utf-8");
  return m;
}

Message event(MessageSource source) {
  Message m = jsonTelemetry(R"({"version": 2})");
  m.source = source;
  return m;
}

RoutingResult routeOf(const RouteTable& t, const Message& m) {
  query::EvalScratch scratch;
  RoutingResult out;
  t.route(m, scratch, out);
  return out;
}

std::vector<std::string> delivered(const RouteTable& t, const RoutingResult& r) {
  std::vector<std::string> out;
  for (const Delivery& d : r.deliveries) out.push_back(t.endpoints()[d.endpoint].name);
  return out;
}

using Names = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Building

TEST(RouteTableBuildTest, NumbersEndpointsBuiltInFirstThenFileOrder) {
  auto t = table(config({}));
  ASSERT_EQ(t->endpoints().size(), 4u);
  EXPECT_EQ(t->endpoints()[0].name, "events");
  EXPECT_EQ(t->endpoints()[0].kind, EndpointKind::kBuiltIn);
  EXPECT_EQ(t->endpoints()[1].name, "hot");
  EXPECT_EQ(t->endpoints()[1].kind, EndpointKind::kEventHubs);
  EXPECT_EQ(t->endpoints()[2].name, "queue");
  EXPECT_EQ(t->endpoints()[2].kind, EndpointKind::kServiceBusQueue);
  EXPECT_EQ(t->endpoints()[3].name, "archive");
  EXPECT_EQ(t->endpoints()[3].kind, EndpointKind::kStorage);
  EXPECT_EQ(t->endpointIndex("events"), 0);
  EXPECT_EQ(t->endpointIndex("archive"), 3);
  EXPECT_EQ(t->endpointIndex("nope"), -1);
  EXPECT_EQ(t->routeCount(), 0u);
  EXPECT_FALSE(t->hasFallback());
}

TEST(RouteTableBuildTest, CountsOnlyEnabledRoutes) {
  auto t = table(config({telemetryRoute("a", "true", "hot"),
                         telemetryRoute("b", "true", "queue", /*enabled=*/false),
                         route("c", "TwinChangeEvents", "true", "events")}));
  EXPECT_EQ(t->routeCount(), 2u);
}

TEST(RouteTableBuildTest, ConditionThatDoesNotCompileIsIH400104AtTheErrorInTheFile) {
  const std::string text = config({telemetryRoute("good", "level = 'a'", "hot"),
                                   telemetryRoute("bad", "level = 'a' AND @", "queue"),
                                   telemetryRoute("also-good", "true", "archive")});
  Built b = buildText(text);
  ASSERT_NE(b.table, nullptr);
  ASSERT_EQ(b.issues.items().size(), 1u) << dump(b.issues);
  const ConfigIssue& e = b.issues.items()[0];
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
  EXPECT_EQ(e.code, "IH400104");
  EXPECT_EQ(e.path, "$.routes[1].condition");
  // condition_offset (the opening quote) + 1 + the error's offset in the condition.
  size_t quote = text.find("\"level = 'a' AND @\"");
  ASSERT_NE(quote, std::string::npos);
  EXPECT_EQ(b.config.routes[1].condition_offset, quote);
  EXPECT_EQ(e.offset, quote + 1 + 16);
  EXPECT_EQ(text[e.offset], '@');
  EXPECT_NE(e.message.find("Invalid Routing Condition in route 'bad': condition:1:17: error: "),
            std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find("\n  level = 'a' AND @\n                  ^"), std::string::npos)
      << e.message;

  // The rest of the table still routes.
  EXPECT_EQ(b.table->routeCount(), 2u);
  RoutingResult r = routeOf(*b.table, telemetry({{"level", "a"}}));
  EXPECT_EQ(r.outcome, Outcome::kRouted);
  EXPECT_EQ(delivered(*b.table, r), (Names{"hot", "archive"}));
}

TEST(RouteTableBuildTest, CompileErrorOffsetCountsEscapesInTheFile) {
  // The condition text is `tag = "x" AND @`; in the file each '"' is written `\"`, so the '@'
  // lies two bytes further into the file than into the condition.
  const std::string text = config({telemetryRoute("bad", R"(tag = \"x\" AND @)", "hot")});
  Built b = buildText(text);
  ASSERT_EQ(b.issues.items().size(), 1u) << dump(b.issues);
  const ConfigIssue& e = b.issues.items()[0];
  EXPECT_EQ(e.code, "IH400104");
  EXPECT_EQ(e.path, "$.routes[0].condition");
  EXPECT_EQ(e.offset, text.find('@')) << "offset points at '" << text.substr(e.offset, 1) << "'";
}

TEST(RouteTableBuildTest, FallbackConditionThatDoesNotCompileDisablesFallback) {
  const std::string text = config({}, ", " + fallback("events", "a = = b"));
  Built b = buildText(text);
  ASSERT_EQ(b.issues.items().size(), 1u) << dump(b.issues);
  const ConfigIssue& e = b.issues.items()[0];
  EXPECT_EQ(e.code, "IH400104");
  EXPECT_EQ(e.path, "$.fallbackRoute.condition");
  EXPECT_NE(e.message.find("Invalid Routing Condition in route '$fallback'"), std::string::npos)
      << e.message;
  EXPECT_GT(e.offset, text.find("\"a = = b\""));
  EXPECT_LT(e.offset, text.find("\"a = = b\"") + 8);
  EXPECT_FALSE(b.table->hasFallback());
}

TEST(RouteTableBuildTest, TypeErrorIsAlsoIH400104) {
  // Application properties are strings: comparing one to a number does not compile.
  Built b = buildText(config({telemetryRoute("typed", "3 = key", "hot")}));
  ASSERT_EQ(b.issues.items().size(), 1u) << dump(b.issues);
  EXPECT_EQ(b.issues.items()[0].code, "IH400104");
  EXPECT_EQ(b.issues.items()[0].path, "$.routes[0].condition");
  EXPECT_EQ(b.table->routeCount(), 0u);
}

// ---------------------------------------------------------------------------------------------
// Routing

TEST(RouteTableRouteTest, FansOutToEveryEndpointWhoseRouteMatches) {
  auto t = table(config(
      {telemetryRoute("critical", "level = 'critical'", "hot"),
       telemetryRoute("all", "true", "queue"), telemetryRoute("info", "level = 'info'", "archive")},
      ", " + fallback("events")));
  RoutingResult r = routeOf(*t, telemetry({{"level", "critical"}}));
  EXPECT_EQ(r.outcome, Outcome::kRouted);
  EXPECT_EQ(delivered(*t, r), (Names{"hot", "queue"}));
  EXPECT_EQ(r.routes_matched, 2u);
  EXPECT_EQ(r.routes_undefined, 0u);
  for (const Delivery& d : r.deliveries) {
    EXPECT_FALSE(d.fallback);
    EXPECT_FALSE(d.invalid);
  }

  r = routeOf(*t, telemetry({{"level", "info"}}));
  EXPECT_EQ(delivered(*t, r), (Names{"queue", "archive"}));
}

TEST(RouteTableRouteTest, DeliversOncePerEndpointHoweverManyRoutesMatch) {
  auto t = table(config(
      {telemetryRoute("a", "true", "hot"), telemetryRoute("b", "level = 'x'", "hot"),
       telemetryRoute("c", "$body.temp > 30", "hot"), telemetryRoute("d", "true", "events")}));
  RoutingResult r = routeOf(*t, jsonTelemetry(R"({"temp": 35})", {{"level", "x"}}));
  EXPECT_EQ(r.outcome, Outcome::kRouted);
  EXPECT_EQ(r.routes_matched, 4u);
  EXPECT_EQ(delivered(*t, r), (Names{"events", "hot"}));
}

TEST(RouteTableRouteTest, BuiltInEndpointGetsOnlyWhatARouteSendsThere) {
  auto t = table(config({telemetryRoute("a", "level = 'x'", "hot")}));
  RoutingResult r = routeOf(*t, telemetry({{"level", "x"}}));
  EXPECT_EQ(delivered(*t, r), (Names{"hot"}));
}

TEST(RouteTableRouteTest, IgnoresDisabledRoutes) {
  auto t = table(config({telemetryRoute("off", "true", "hot", /*enabled=*/false),
                         telemetryRoute("on", "level = 'x'", "queue")}));
  RoutingResult r = routeOf(*t, telemetry({{"level", "x"}}));
  EXPECT_EQ(delivered(*t, r), (Names{"queue"}));
  EXPECT_EQ(r.routes_matched, 1u);

  r = routeOf(*t, telemetry({{"level", "y"}}));
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_TRUE(r.deliveries.empty());
  EXPECT_EQ(r.routes_matched, 0u);
}

TEST(RouteTableRouteTest, EvaluatesOnlyRoutesOfTheMessagesSource) {
  auto t = table(config({route("telemetry", "DeviceMessages", "true", "hot"),
                         route("twin", "TwinChangeEvents", "true", "queue"),
                         route("lifecycle", "DeviceLifecycleEvents", "true", "archive"),
                         route("connection", "DeviceConnectionStateEvents", "true", "events")}));
  EXPECT_EQ(delivered(*t, routeOf(*t, telemetry())), (Names{"hot"}));
  EXPECT_EQ(delivered(*t, routeOf(*t, event(MessageSource::kTwinChangeEvents))), (Names{"queue"}));
  EXPECT_EQ(delivered(*t, routeOf(*t, event(MessageSource::kDeviceLifecycleEvents))),
            (Names{"archive"}));
  EXPECT_EQ(delivered(*t, routeOf(*t, event(MessageSource::kDeviceConnectionStateEvents))),
            (Names{"events"}));
  RoutingResult r = routeOf(*t, event(MessageSource::kDeviceJobLifecycleEvents));
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_EQ(r.routes_matched, 0u);
}

TEST(RouteTableRouteTest, TwinChangeRoutesDoNotSeeTelemetry) {
  auto t = table(config({route("twin", "TwinChangeEvents", "true", "queue")}));
  RoutingResult r = routeOf(*t, telemetry());
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_TRUE(r.deliveries.empty());
}

TEST(RouteTableRouteTest, FallbackWhenNoRouteMatched) {
  auto t = table(config({telemetryRoute("x", "level = 'x'", "hot")}, ", " + fallback("events")));
  EXPECT_TRUE(t->hasFallback());
  RoutingResult r = routeOf(*t, telemetry({{"level", "y"}}));
  EXPECT_EQ(r.outcome, Outcome::kFallback);
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(t->endpoints()[r.deliveries[0].endpoint].name, "events");
  EXPECT_TRUE(r.deliveries[0].fallback);
  EXPECT_EQ(r.routes_matched, 0u);
}

TEST(RouteTableRouteTest, NoFallbackWhenARouteMatched) {
  auto t = table(config({telemetryRoute("x", "level = 'x'", "hot")}, ", " + fallback("events")));
  RoutingResult r = routeOf(*t, telemetry({{"level", "x"}}));
  EXPECT_EQ(r.outcome, Outcome::kRouted);
  EXPECT_EQ(delivered(*t, r), (Names{"hot"}));
  EXPECT_FALSE(r.deliveries[0].fallback);
}

TEST(RouteTableRouteTest, FallbackToACustomEndpoint) {
  auto t = table(config({}, ", " + fallback("archive")));
  RoutingResult r = routeOf(*t, telemetry());
  EXPECT_EQ(r.outcome, Outcome::kFallback);
  EXPECT_EQ(delivered(*t, r), (Names{"archive"}));
}

TEST(RouteTableRouteTest, FallbackWhenRoutesAreUndefined) {
  auto t = table(config({telemetryRoute("u", "missing = 'x'", "hot")}, ", " + fallback("events")));
  RoutingResult r = routeOf(*t, telemetry());
  EXPECT_EQ(r.routes_undefined, 1u);
  EXPECT_EQ(r.routes_matched, 0u);
  EXPECT_EQ(r.outcome, Outcome::kFallback);
  EXPECT_EQ(delivered(*t, r), (Names{"events"}));
}

TEST(RouteTableRouteTest, FallbackOnlyForDeviceMessages) {
  auto t = table(config({route("twin", "TwinChangeEvents", "opType = 'replaceTwin'", "queue")},
                        ", " + fallback("events")));
  Message twin_change = event(MessageSource::kTwinChangeEvents);
  twin_change.app_properties.set("opType", "updateTwin");
  RoutingResult r = routeOf(*t, twin_change);
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_TRUE(r.deliveries.empty());
  for (MessageSource s :
       {MessageSource::kDeviceLifecycleEvents, MessageSource::kDeviceConnectionStateEvents,
        MessageSource::kDeviceJobLifecycleEvents, MessageSource::kDigitalTwinChangeEvents}) {
    r = routeOf(*t, event(s));
    EXPECT_EQ(r.outcome, Outcome::kOrphaned) << message::sourceName(s);
    EXPECT_TRUE(r.deliveries.empty()) << message::sourceName(s);
  }
}

TEST(RouteTableRouteTest, FallbackConditionMustBeTrue) {
  auto t = table(config({}, ", " + fallback("events", "priority = 'high'")));
  RoutingResult r = routeOf(*t, telemetry({{"priority", "low"}}));
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_TRUE(r.deliveries.empty());
  r = routeOf(*t, telemetry());  // undefined is not true either
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  r = routeOf(*t, telemetry({{"priority", "high"}}));
  EXPECT_EQ(r.outcome, Outcome::kFallback);
  EXPECT_EQ(delivered(*t, r), (Names{"events"}));
}

TEST(RouteTableRouteTest, OrphanedWithoutFallbackRoute) {
  auto t = table(config({telemetryRoute("x", "level = 'x'", "hot")}));
  EXPECT_FALSE(t->hasFallback());
  RoutingResult r = routeOf(*t, telemetry({{"level", "y"}}));
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_TRUE(r.deliveries.empty());
}

TEST(RouteTableRouteTest, OrphanedWithDisabledFallback) {
  auto t = table(config({telemetryRoute("x", "level = 'x'", "hot")},
                        ", " + fallback("events", "true", /*enabled=*/false)));
  EXPECT_FALSE(t->hasFallback());
  RoutingResult r = routeOf(*t, telemetry({{"level", "y"}}));
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_TRUE(r.deliveries.empty());
}

TEST(RouteTableRouteTest, NoRoutesAndNoFallbackOrphansEverything) {
  auto t = table("{}");
  RoutingResult r = routeOf(*t, telemetry());
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_TRUE(r.deliveries.empty());
}

TEST(RouteTableRouteTest, CountsUndefinedConditions) {
  auto t = table(config({telemetryRoute("missing", "none = 'x'", "hot"),
                         telemetryRoute("false", "level = 'nope'", "queue"),
                         telemetryRoute("true", "level = 'x'", "archive"),
                         telemetryRoute("body", "$body.temp > 3", "events")}));
  // Not JSON (no content type): the body condition is undefined too.
  Message m = telemetry({{"level", "x"}});
  m.body = PaddedBytes("temp=5");
  RoutingResult r = routeOf(*t, m);
  EXPECT_EQ(r.routes_undefined, 2u);
  EXPECT_EQ(r.routes_matched, 1u);
  EXPECT_EQ(delivered(*t, r), (Names{"archive"}));
}

TEST(RouteTableRouteTest, RoutesOnJsonBody) {
  auto t = table(
      config({telemetryRoute("hot", "$body.temp > 30 AND $body.site.name = 'north'", "hot")}));
  RoutingResult r = routeOf(*t, jsonTelemetry(R"({"temp": 35, "site": {"name": "north"}})"));
  EXPECT_EQ(delivered(*t, r), (Names{"hot"}));
  EXPECT_TRUE(r.body_parsed);
  r = routeOf(*t, jsonTelemetry(R"({"temp": 25, "site": {"name": "north"}})"));
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
}

TEST(RouteTableRouteTest, RoutesOnTwin) {
  auto t = table(config({telemetryRoute("eu", "$twin.tags.region = 'eu'", "hot")}));
  Message m = telemetry();
  m.twin = PaddedBytes(R"({"tags": {"region": "eu"}, "properties": {"desired": {}}})");
  EXPECT_EQ(delivered(*t, routeOf(*t, m)), (Names{"hot"}));
  m.twin = PaddedBytes(R"({"tags": {"region": "us"}})");
  EXPECT_EQ(routeOf(*t, m).outcome, Outcome::kOrphaned);
  m.twin.reset();
  RoutingResult r = routeOf(*t, m);
  EXPECT_EQ(r.outcome, Outcome::kOrphaned);
  EXPECT_EQ(r.routes_undefined, 1u);
}

TEST(RouteTableRouteTest, BodyNotParsedWhenNoConditionNeedsIt) {
  auto t = table(config({telemetryRoute("prop", "level = 'x'", "hot"),
                         route("twinBody", "TwinChangeEvents", "$body.version > 1", "queue")}));
  RoutingResult r = routeOf(*t, jsonTelemetry(R"({"temp": 35})", {{"level", "x"}}));
  EXPECT_EQ(delivered(*t, r), (Names{"hot"}));
  EXPECT_FALSE(r.body_parsed);

  r = routeOf(*t, event(MessageSource::kTwinChangeEvents));
  EXPECT_EQ(delivered(*t, r), (Names{"queue"}));
  EXPECT_TRUE(r.body_parsed);
}

TEST(RouteTableRouteTest, ResultIsClearedBetweenMessages) {
  auto t = table(config(
      {telemetryRoute("x", "level = 'x'", "hot"), telemetryRoute("u", "none = 'y'", "queue")}));
  query::EvalScratch scratch;
  RoutingResult out;
  t->route(telemetry({{"level", "x"}}), scratch, out);
  EXPECT_EQ(out.outcome, Outcome::kRouted);
  t->route(telemetry({{"level", "z"}}), scratch, out);
  EXPECT_EQ(out.outcome, Outcome::kOrphaned);
  EXPECT_TRUE(out.deliveries.empty());
  EXPECT_EQ(out.routes_matched, 0u);
  EXPECT_EQ(out.routes_undefined, 1u);
}

// ---------------------------------------------------------------------------------------------
// Enrichments

std::string enrichments(std::initializer_list<std::pair<std::string, std::string>> kv,
                        std::string_view endpoints = R"(["hot"])") {
  std::string out = R"(, "enrichments": [)";
  bool first = true;
  for (const auto& [k, v] : kv) {
    if (!first) out += ", ";
    out += R"({"key": ")" + k + R"(", "value": ")" + v + R"(", "endpointNames": )" +
           std::string(endpoints) + "}";
    first = false;
  }
  return out + "]";
}

std::string appProperty(const Message& m, std::string_view name) {
  const message::Property* p = m.app_properties.find(name);
  if (p == nullptr) return "<absent>";
  return p->value.value_or("<null>");
}

Message enrichFor(const RouteTable& t, const Message& m, std::string_view endpoint) {
  query::EvalScratch scratch;
  int index = t.endpointIndex(endpoint);
  EXPECT_GE(index, 0) << endpoint;
  return t.enrich(m, static_cast<uint16_t>(index), scratch);
}

TEST(RouteTableEnrichTest, AddsStaticHubNameAndTwinValues) {
  RouteTable::BuildOptions options;
  options.hub_name = "contoso-hub";
  auto t = table(config({telemetryRoute("all", "true", "hot")},
                        enrichments({{"static", "plant-7"},
                                     {"hub", "$iothubname"},
                                     {"location", "$twin.tags.location"},
                                     {"mode", "$twin.properties.desired.mode"},
                                     {"rate", "$twin.properties.desired.rate"},
                                     {"count", "$twin.properties.reported.count"},
                                     {"on", "$twin.properties.reported.on"},
                                     {"floor", "$twin.tags.site.floor"}})),
                 options);
  Message m = telemetry({{"level", "x"}});
  m.twin = PaddedBytes(
      R"({"tags": {"location": "eu-west", "site": {"floor": 3}},
          "properties": {"desired": {"mode": "eco", "rate": 21.5},
                         "reported": {"count": 1000000, "on": true}}})");
  Message out = enrichFor(*t, m, "hot");
  EXPECT_EQ(appProperty(out, "level"), "x");
  EXPECT_EQ(appProperty(out, "static"), "plant-7");
  EXPECT_EQ(appProperty(out, "hub"), "contoso-hub");
  EXPECT_EQ(appProperty(out, "location"), "eu-west");
  EXPECT_EQ(appProperty(out, "mode"), "eco");
  EXPECT_EQ(appProperty(out, "rate"), "21.5");
  EXPECT_EQ(appProperty(out, "count"), "1000000");
  EXPECT_EQ(appProperty(out, "on"), "true");
  EXPECT_EQ(appProperty(out, "floor"), "3");
  EXPECT_EQ(out.app_properties.size(), 9u);
  // Body, system properties and source pass through.
  EXPECT_EQ(out.body.view(), m.body.view());
  EXPECT_EQ(out.device_id, "d1");
  EXPECT_EQ(out.source, MessageSource::kDeviceMessages);
}

TEST(RouteTableEnrichTest, EnrichedPropertiesEqualTheEnrichedMessagesIntoAReusedMap) {
  auto t = table(config({telemetryRoute("all", "true", "hot")},
                        enrichments({{"Level", "overridden"}, {"site", "$twin.tags.site"}})));
  query::EvalScratch scratch;
  const auto hot = static_cast<uint16_t>(t->endpointIndex("hot"));
  message::PropertyMap out;
  out.set("stale", "from the message before");  // replaced, not added to
  for (int i = 0; i < 2; ++i) {
    Message m = telemetry({{"level", "x"}, {"zone", std::to_string(i)}});
    m.twin = PaddedBytes(R"({"tags": {"site": "plant-)" + std::to_string(i) + R"("}})");
    t->enrichedProperties(m, hot, scratch, out);
    Message whole = enrichFor(*t, m, "hot");
    std::vector<std::string> got;
    std::vector<std::string> want;
    for (const message::Property& p : out) got.push_back(p.name + "=" + p.value.value_or("null"));
    for (const message::Property& p : whole.app_properties) {
      want.push_back(p.name + "=" + p.value.value_or("null"));
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(got, (std::vector<std::string>{"Level=overridden", "zone=" + std::to_string(i),
                                             "site=plant-" + std::to_string(i)}));
  }
}

TEST(RouteTableEnrichTest, HubNameDefaultsToRoutesimHub) {
  auto t = table(config({}, enrichments({{"hub", "$IoTHubName"}})));
  EXPECT_EQ(appProperty(enrichFor(*t, telemetry(), "hot"), "hub"), "routesim-hub");
}

TEST(RouteTableEnrichTest, TwinPathsMatchIgnoringCase) {
  auto t = table(config({}, enrichments({{"location", "$twin.Tags.Location"}})));
  Message m = telemetry();
  m.twin = PaddedBytes(R"({"tags": {"location": "north"}})");
  EXPECT_EQ(appProperty(enrichFor(*t, m, "hot"), "location"), "north");
}

TEST(RouteTableEnrichTest, MissingTwinPathStampsTheLiteralText) {
  auto t = table(config({}, enrichments({{"location", "$twin.tags.location"},
                                         {"mode", "$twin.properties.desired.mode"}})));
  Message m = telemetry();
  m.twin = PaddedBytes(R"({"tags": {"other": "x"}, "properties": {"desired": {}}})");
  Message out = enrichFor(*t, m, "hot");
  EXPECT_EQ(appProperty(out, "location"), "$twin.tags.location");
  EXPECT_EQ(appProperty(out, "mode"), "$twin.properties.desired.mode");
}

TEST(RouteTableEnrichTest, MessageWithoutTwinStampsTheLiteralText) {
  auto t = table(config({}, enrichments({{"location", "$twin.tags.location"}})));
  Message m = telemetry();
  ASSERT_FALSE(m.twin.has_value());
  EXPECT_EQ(appProperty(enrichFor(*t, m, "hot"), "location"), "$twin.tags.location");
}

TEST(RouteTableEnrichTest, OnlyOnTheirEndpoints) {
  auto t = table(config({telemetryRoute("a", "true", "hot"), telemetryRoute("b", "true", "queue"),
                         telemetryRoute("c", "true", "events")},
                        R"(, "enrichments": [
                          {"key": "both", "value": "1", "endpointNames": ["hot", "events"]},
                          {"key": "hotOnly", "value": "2", "endpointNames": ["hot"]}])"));
  EXPECT_TRUE(t->hasEnrichments(static_cast<uint16_t>(t->endpointIndex("hot"))));
  EXPECT_TRUE(t->hasEnrichments(static_cast<uint16_t>(t->endpointIndex("events"))));
  EXPECT_FALSE(t->hasEnrichments(static_cast<uint16_t>(t->endpointIndex("queue"))));

  Message m = telemetry({{"level", "x"}});
  Message hot = enrichFor(*t, m, "hot");
  EXPECT_EQ(appProperty(hot, "both"), "1");
  EXPECT_EQ(appProperty(hot, "hotOnly"), "2");
  Message events = enrichFor(*t, m, "events");
  EXPECT_EQ(appProperty(events, "both"), "1");
  EXPECT_EQ(appProperty(events, "hotOnly"), "<absent>");
  Message queue = enrichFor(*t, m, "queue");
  EXPECT_EQ(queue.app_properties.size(), 1u);
  EXPECT_EQ(appProperty(queue, "both"), "<absent>");

  // Delivery sizes: each endpoint's own enrichment bytes on top of the message's size.
  size_t base = message::messageSize(m);
  RoutingResult r = routeOf(*t, m);
  ASSERT_EQ(delivered(*t, r), (Names{"events", "hot", "queue"}));
  EXPECT_EQ(r.deliveries[0].size, base + 5);      // both=1
  EXPECT_EQ(r.deliveries[1].size, base + 5 + 8);  // both=1, hotOnly=2
  EXPECT_EQ(r.deliveries[2].size, base);
}

TEST(RouteTableEnrichTest, AppliedToTwinChangeAndLifecycleEvents) {
  auto t = table(config({route("twin", "TwinChangeEvents", "true", "hot"),
                         route("life", "DeviceLifecycleEvents", "true", "hot")},
                        enrichments({{"site", "north"}})));
  for (MessageSource s :
       {MessageSource::kTwinChangeEvents, MessageSource::kDeviceLifecycleEvents}) {
    Message m = event(s);
    EXPECT_EQ(appProperty(enrichFor(*t, m, "hot"), "site"), "north") << message::sourceName(s);
    RoutingResult r = routeOf(*t, m);
    ASSERT_EQ(r.deliveries.size(), 1u) << message::sourceName(s);
    EXPECT_EQ(r.deliveries[0].size, message::messageSize(m) + 9) << message::sourceName(s);
  }
}

TEST(RouteTableEnrichTest, NotAppliedToDigitalTwinChangeEvents) {
  auto t = table(config({route("dt", "DigitalTwinChangeEvents", "true", "hot")},
                        enrichments({{"site", "north"}, {"hub", "$iothubname"}})));
  Message m = event(MessageSource::kDigitalTwinChangeEvents);
  Message out = enrichFor(*t, m, "hot");
  EXPECT_EQ(out.app_properties.size(), m.app_properties.size());
  EXPECT_EQ(appProperty(out, "site"), "<absent>");
  RoutingResult r = routeOf(*t, m);
  ASSERT_EQ(delivered(*t, r), (Names{"hot"}));
  EXPECT_EQ(r.deliveries[0].size, message::messageSize(m));
}

TEST(RouteTableEnrichTest, DeliverySizeIncludesEnrichmentBytes) {
  auto t = table(config({telemetryRoute("a", "true", "hot")},
                        enrichments({{"location", "$twin.tags.location"}, {"k", "v"}})));
  Message m = jsonTelemetry(R"({"temp": 1})", {{"level", "x"}});
  m.twin = PaddedBytes(R"({"tags": {"location": "eu"}})");
  RoutingResult r = routeOf(*t, m);
  ASSERT_EQ(r.deliveries.size(), 1u);
  // location=eu (8 + 2) and k=v (1 + 1).
  EXPECT_EQ(r.deliveries[0].size, message::messageSize(m) + 12);
  EXPECT_EQ(r.deliveries[0].size, message::messageSize(enrichFor(*t, m, "hot")));

  // Without a twin the literal text is what is counted.
  m.twin.reset();
  r = routeOf(*t, m);
  EXPECT_EQ(r.deliveries[0].size, message::messageSize(m) + 8 + 19 + 2);
  EXPECT_EQ(r.deliveries[0].size, message::messageSize(enrichFor(*t, m, "hot")));
}

TEST(RouteTableEnrichTest, DeliverySizeMatchesEnrichedMessageWhenKeyReplacesAProperty) {
  // An enrichment whose key the message already carries replaces that property (property names
  // occur once, letter case ignored), so the size must not count the name twice.
  auto t = table(config({telemetryRoute("a", "true", "hot")}, enrichments({{"Region", "eu"}})));
  Message m = telemetry({{"region", "device-said"}});
  Message enriched = enrichFor(*t, m, "hot");
  EXPECT_EQ(enriched.app_properties.size(), 1u);
  EXPECT_EQ(appProperty(enriched, "region"), "eu");
  RoutingResult r = routeOf(*t, m);
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].size, message::messageSize(enriched));

  // Near the limit the overcount would make a valid message invalid: 262,140 bytes, of which
  // "region"="device-said" (17) becomes "Region"="eu" (8), is 262,131 bytes once enriched.
  m.body = PaddedBytes(std::string(message::kMaxMessageBytes - 4 - 17, 'x'));
  ASSERT_EQ(message::messageSize(m), 262140u);
  enriched = enrichFor(*t, m, "hot");
  EXPECT_EQ(message::messageSize(enriched), 262131u);
  r = routeOf(*t, m);
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].size, 262131u);
  EXPECT_FALSE(r.deliveries[0].invalid);
}

TEST(RouteTableEnrichTest, EnrichmentPushingPastTheLimitIsInvalidForThatEndpointOnly) {
  // big adds 7 bytes (k=123456), exact adds 5 (k=abcd), small adds 4 (k=v12); events none.
  auto t = table(R"({"endpoints": {"eventHubs": [{"name": "big"}, {"name": "exact"},
                                                 {"name": "small"}]},
    "routes": [)" +
                 telemetryRoute("a", "true", "big") + ", " + telemetryRoute("b", "true", "exact") +
                 ", " + telemetryRoute("c", "true", "small") + ", " +
                 telemetryRoute("d", "true", "events") + R"(],
    "enrichments": [{"key": "k", "value": "123456", "endpointNames": ["big"]},
                    {"key": "k", "value": "abcd", "endpointNames": ["exact"]},
                    {"key": "k", "value": "v12", "endpointNames": ["small"]}]})");
  Message m = telemetry();
  m.body = PaddedBytes(std::string(message::kMaxMessageBytes - 5, 'x'));
  ASSERT_EQ(message::messageSize(m), 262139u);

  RoutingResult r = routeOf(*t, m);
  EXPECT_EQ(r.outcome, Outcome::kRouted);
  ASSERT_EQ(delivered(*t, r), (Names{"events", "big", "exact", "small"}));
  EXPECT_FALSE(r.deliveries[0].invalid);
  EXPECT_EQ(r.deliveries[0].size, 262139u);
  EXPECT_TRUE(r.deliveries[1].invalid);
  EXPECT_EQ(r.deliveries[1].size, 262146u);
  EXPECT_FALSE(r.deliveries[2].invalid);  // exactly 256 KB is allowed
  EXPECT_EQ(r.deliveries[2].size, 262144u);
  EXPECT_FALSE(r.deliveries[3].invalid);
  EXPECT_EQ(r.deliveries[3].size, 262143u);
}

TEST(RouteTableEnrichTest, TwinValueThatIsNotAPathIsAnErrorAtBuild) {
  const std::string text =
      config({telemetryRoute("a", "true", "hot")}, enrichments({{"bad", "$twin.tags.a[x]"}}));
  Built b = buildText(text);
  ASSERT_EQ(b.issues.items().size(), 1u) << dump(b.issues);
  const ConfigIssue& e = b.issues.items()[0];
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
  EXPECT_EQ(e.code, "InvalidEnrichmentValue");
  EXPECT_EQ(e.path, "$.enrichments[0].value");
  EXPECT_NE(e.message.find("'$twin.tags.a[x]' is not a valid twin path"), std::string::npos)
      << e.message;
  // The table is built without that enrichment.
  ASSERT_NE(b.table, nullptr);
  EXPECT_FALSE(b.table->hasEnrichments(static_cast<uint16_t>(b.table->endpointIndex("hot"))));
  Message m = telemetry();
  EXPECT_EQ(appProperty(enrichFor(*b.table, m, "hot"), "bad"), "<absent>");
}

TEST(RouteTableEnrichTest, FallbackDeliveryIsEnrichedAndRechecked) {
  auto t = table(config({}, ", " + fallback("hot") + enrichments({{"k", "123456"}})));
  Message m = telemetry();
  m.body = PaddedBytes(std::string(message::kMaxMessageBytes - 5, 'x'));
  RoutingResult r = routeOf(*t, m);
  EXPECT_EQ(r.outcome, Outcome::kFallback);
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_TRUE(r.deliveries[0].fallback);
  EXPECT_TRUE(r.deliveries[0].invalid);
  EXPECT_EQ(r.deliveries[0].size, 262146u);
}

}  // namespace
}  // namespace routesim::routing
