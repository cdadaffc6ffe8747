#include "core/routing/routing_config.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"

namespace routesim::routing {
namespace {

using message::MessageSource;

struct ReadResult {
  RoutingConfig config;
  ConfigIssues issues;
};

// Parses `text` (a bare routing object) and reads it at path "$".
ReadResult readText(std::string_view text, const RoutingLimits& limits = {}) {
  ReadResult r;
  auto value = json::parse(text);
  EXPECT_TRUE(value.ok()) << "test JSON does not parse: " << text;
  if (!value.ok()) return r;
  r.config = readRoutingConfig(*value, "$", limits, r.issues);
  return r;
}

std::vector<const ConfigIssue*> withCode(const ConfigIssues& issues, std::string_view code) {
  std::vector<const ConfigIssue*> out;
  for (const ConfigIssue& i : issues.items()) {
    if (i.code == code) out.push_back(&i);
  }
  return out;
}

// Every issue as "severity code path", for failure messages.
std::string dump(const ConfigIssues& issues) {
  std::string out;
  for (const ConfigIssue& i : issues.items()) {
    out += (i.severity == ConfigIssue::Severity::kError ? "error " : "warning ") + i.code + " " +
           i.path + " @" + std::to_string(i.offset) + ": " + i.message + "\n";
  }
  return out;
}

// The one issue with `code`; fails the test when there is not exactly one.
const ConfigIssue& single(const ConfigIssues& issues, std::string_view code) {
  static const ConfigIssue kNone{};
  auto found = withCode(issues, code);
  EXPECT_EQ(found.size(), 1u) << "issues with code " << code << ":\n" << dump(issues);
  return found.empty() ? kNone : *found.front();
}

size_t offsetOf(std::string_view text, std::string_view needle, size_t from = 0) {
  size_t at = text.find(needle, from);
  EXPECT_NE(at, std::string_view::npos) << needle;
  return at;
}

// A routing object with one Event Hubs endpoint named `name`.
std::string withEventHub(std::string_view name) {
  return R"({"endpoints": {"eventHubs": [{"name": ")" + std::string(name) + R"("}]}})";
}

std::string routeJson(std::string_view name, std::string_view endpoint,
                      std::string_view extra = "") {
  return R"({"name": ")" + std::string(name) +
         R"(", "source": "DeviceMessages", "condition": "true", "endpointNames": [")" +
         std::string(endpoint) + R"("], "isEnabled": true)" + std::string(extra) + "}";
}

// ---------------------------------------------------------------------------------------------
// A well-formed file

TEST(RoutingConfigTest, ReadsCompleteRoutingObject) {
  const std::string text = R"({
    "endpoints": {
      "storageContainers": [{"name": "archive", "containerName": "c1", "encoding": "JSON",
        "fileNameFormat": "{iothub}/{YYYY}/{MM}/{DD}/{HH}/{mm}/{partition}",
        "batchFrequencyInSeconds": 60, "maxChunkSizeInBytes": 10485760,
        "connectionString": "DefaultEndpointsProtocol=https;AccountName=a",
        "authenticationType": "identityBased",
        "identity": {"userAssignedIdentity": "/subscriptions/s/id1"},
        "subscriptionId": "sub", "resourceGroup": "rg"}],
      "eventHubs": [{"name": "hot", "endpointUri": "sb://ns.servicebus.windows.net",
        "entityPath": "telemetry", "authenticationType": "keyBased"}]
    },
    "routes": [
      {"name": "toArchive", "source": "DeviceMessages", "condition": "level = 'info'",
       "endpointNames": ["archive"], "isEnabled": true},
      {"name": "twin", "source": "TwinChangeEvents", "condition": "true",
       "endpointNames": ["events"], "isEnabled": false}
    ],
    "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                      "endpointNames": ["events"], "isEnabled": true},
    "enrichments": [{"key": "hub", "value": "$iothubname", "endpointNames": ["hot", "events"]}]
  })";
  ReadResult r = readText(text);
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);

  ASSERT_EQ(r.config.endpoints.size(), 2u);
  const EndpointConfig& s = r.config.endpoints[0];
  EXPECT_EQ(s.name, "archive");
  EXPECT_EQ(s.kind, EndpointKind::kStorage);
  EXPECT_EQ(s.path, "$.endpoints.storageContainers[0]");
  EXPECT_EQ(s.container_name, "c1");
  EXPECT_EQ(s.encoding, "json");  // normalized to lower case
  EXPECT_EQ(s.file_name_format, "{iothub}/{YYYY}/{MM}/{DD}/{HH}/{mm}/{partition}");
  EXPECT_EQ(s.batch_frequency_seconds, 60);
  EXPECT_EQ(s.max_chunk_bytes, 10485760);
  EXPECT_EQ(s.authentication_type, "identityBased");
  EXPECT_EQ(s.user_assigned_identity, "/subscriptions/s/id1");
  EXPECT_EQ(s.subscription_id, "sub");
  EXPECT_EQ(s.resource_group, "rg");
  const EndpointConfig& h = r.config.endpoints[1];
  EXPECT_EQ(h.name, "hot");
  EXPECT_EQ(h.kind, EndpointKind::kEventHubs);
  EXPECT_EQ(h.path, "$.endpoints.eventHubs[0]");
  EXPECT_EQ(h.endpoint_uri, "sb://ns.servicebus.windows.net");
  EXPECT_EQ(h.entity_path, "telemetry");
  EXPECT_EQ(h.authentication_type, "keyBased");

  ASSERT_EQ(r.config.routes.size(), 2u);
  EXPECT_EQ(r.config.routes[0].name, "toArchive");
  EXPECT_EQ(r.config.routes[0].source, MessageSource::kDeviceMessages);
  EXPECT_EQ(r.config.routes[0].condition, "level = 'info'");
  EXPECT_EQ(r.config.routes[0].endpoint, "archive");
  EXPECT_TRUE(r.config.routes[0].enabled);
  EXPECT_EQ(r.config.routes[0].path, "$.routes[0]");
  EXPECT_EQ(r.config.routes[0].condition_offset, offsetOf(text, "\"level = 'info'\""));
  EXPECT_EQ(r.config.routes[1].source, MessageSource::kTwinChangeEvents);
  EXPECT_FALSE(r.config.routes[1].enabled);
  EXPECT_EQ(r.config.routes[1].path, "$.routes[1]");

  ASSERT_TRUE(r.config.fallback.has_value());
  EXPECT_EQ(r.config.fallback->endpoint, "events");
  EXPECT_EQ(r.config.fallback->path, "$.fallbackRoute");
  EXPECT_TRUE(r.config.fallback->enabled);

  ASSERT_EQ(r.config.enrichments.size(), 1u);
  EXPECT_EQ(r.config.enrichments[0].key, "hub");
  EXPECT_EQ(r.config.enrichments[0].value, "$iothubname");
  EXPECT_EQ(r.config.enrichments[0].endpoints, (std::vector<std::string>{"hot", "events"}));
  EXPECT_EQ(r.config.enrichments[0].path, "$.enrichments[0]");
}

TEST(RoutingConfigTest, EmptyObjectIsAValidConfigWithoutFallback) {
  ReadResult r = readText("{}");
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  EXPECT_TRUE(r.config.endpoints.empty());
  EXPECT_TRUE(r.config.routes.empty());
  EXPECT_FALSE(r.config.fallback.has_value());
  EXPECT_TRUE(r.config.enrichments.empty());
}

TEST(RoutingConfigTest, NullFallbackRouteMeansFallbackDisabled) {
  ReadResult r = readText(R"({"fallbackRoute": null})");
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  EXPECT_FALSE(r.config.fallback.has_value());
}

TEST(RoutingConfigTest, RoutingObjectThatIsNotAnObjectIsAnError) {
  ReadResult r = readText(R"([1, 2])");
  const ConfigIssue& e = single(r.issues, "InvalidType");
  EXPECT_EQ(e.path, "$");
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
}

TEST(RoutingConfigTest, PathsStartAtTheGivenRoot) {
  auto value = json::parse(R"({"routes": [{"name": "r", "source": "Nope", "endpointNames":
    ["events"], "isEnabled": true}]})");
  ASSERT_TRUE(value.ok());
  ConfigIssues issues;
  readRoutingConfig(*value, "$.resources[3].properties.routing", {}, issues);
  const ConfigIssue& e = single(issues, "InvalidRoutingSource");
  EXPECT_EQ(e.path, "$.resources[3].properties.routing.routes[0].source");
}

// ---------------------------------------------------------------------------------------------
// Endpoint names

TEST(RoutingConfigTest, AcceptsEndpointNamesOfAllowedCharactersUpTo64) {
  for (std::string name : {std::string("a"), std::string("A-b.c_9"), std::string(64, 'x'),
                           std::string("..."), std::string("-_-")}) {
    ReadResult r = readText(withEventHub(name));
    EXPECT_FALSE(r.issues.hasErrors()) << name << "\n" << dump(r.issues);
    ASSERT_EQ(r.config.endpoints.size(), 1u);
    EXPECT_EQ(r.config.endpoints[0].name, name);
  }
}

TEST(RoutingConfigTest, RejectsEndpointNamesBreakingThePattern) {
  for (std::string name :
       {std::string(""), std::string(65, 'x'), std::string("has space"), std::string("slash/name"),
        std::string("at@sign"), std::string("caf\xc3\xa9"), std::string("colon:x")}) {
    std::string text = withEventHub(name);
    ReadResult r = readText(text);
    const ConfigIssue& e = single(r.issues, "InvalidEndpointName");
    EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
    EXPECT_EQ(e.path, "$.endpoints.eventHubs[0].name") << name;
    EXPECT_EQ(e.offset, offsetOf(text, "\"" + name + "\"")) << name;
    EXPECT_NE(e.message.find("'" + name + "'"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("1 to 64 characters"), std::string::npos) << e.message;
  }
}

TEST(RoutingConfigTest, RejectsReservedEndpointNamesInAnyLetterCase) {
  for (std::string name : {"events", "EVENTS", "Events", "fileNotifications", "FILENOTIFICATIONS",
                           "filenotifications", "$default", "$DEFAULT"}) {
    std::string text = withEventHub(name);
    ReadResult r = readText(text);
    const ConfigIssue& e = single(r.issues, "ReservedEndpointName");
    EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
    EXPECT_EQ(e.path, "$.endpoints.eventHubs[0].name") << name;
    EXPECT_EQ(e.offset, offsetOf(text, "\"" + name + "\"")) << name;
    EXPECT_NE(e.message.find("'" + name + "' is a reserved endpoint name"), std::string::npos)
        << e.message;
  }
}

TEST(RoutingConfigTest, ReservedNameAsSubstringIsAllowed) {
  ReadResult r = readText(withEventHub("events2"));
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
  r = readText(withEventHub("myfileNotifications"));
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
}

TEST(RoutingConfigTest, MissingEndpointNameIsAnError) {
  ReadResult r = readText(R"({"endpoints": {"serviceBusQueues": [{"entityPath": "q"}]}})");
  const ConfigIssue& e = single(r.issues, "MissingProperty");
  EXPECT_EQ(e.path, "$.endpoints.serviceBusQueues[0].name");
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
}

TEST(RoutingConfigTest, RejectsDuplicateEndpointNamesAcrossKindsIgnoringCase) {
  const std::string text = R"({"endpoints": {
    "eventHubs": [{"name": "Sink"}],
    "serviceBusQueues": [{"name": "other"}, {"name": "SINK"}]}})";
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "DuplicateEndpointName");
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
  EXPECT_EQ(e.path, "$.endpoints.serviceBusQueues[1].name");
  // The offset is that of the value the path names: the duplicate name itself.
  EXPECT_EQ(e.offset, offsetOf(text, "\"SINK\""));
  EXPECT_NE(e.message.find("'SINK'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("$.endpoints.eventHubs[0]"), std::string::npos) << e.message;
}

TEST(RoutingConfigTest, RejectsDuplicateEndpointNamesWithinOneKind) {
  ReadResult r = readText(
      R"({"endpoints": {"storageContainers": [{"name": "s", "containerName": "a"},
                                              {"name": "s", "containerName": "b"}]}})");
  const ConfigIssue& e = single(r.issues, "DuplicateEndpointName");
  EXPECT_EQ(e.path, "$.endpoints.storageContainers[1].name");
  EXPECT_NE(e.message.find("$.endpoints.storageContainers[0]"), std::string::npos) << e.message;
}

TEST(RoutingConfigTest, KeepsEndpointsInFileOrderAcrossKinds) {
  ReadResult r = readText(R"({"endpoints": {
    "serviceBusTopics": [{"name": "t1"}],
    "serviceBusQueues": [{"name": "q1"}, {"name": "q2"}],
    "storageContainers": [{"name": "s1", "containerName": "c"}],
    "eventHubs": [{"name": "e1"}]}})");
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
  std::vector<std::string> names;
  std::vector<EndpointKind> kinds;
  for (const EndpointConfig& e : r.config.endpoints) {
    names.push_back(e.name);
    kinds.push_back(e.kind);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"t1", "q1", "q2", "s1", "e1"}));
  EXPECT_EQ(kinds,
            (std::vector<EndpointKind>{
                EndpointKind::kServiceBusTopic, EndpointKind::kServiceBusQueue,
                EndpointKind::kServiceBusQueue, EndpointKind::kStorage, EndpointKind::kEventHubs}));
  EXPECT_EQ(r.config.endpoints[2].path, "$.endpoints.serviceBusQueues[1]");
}

TEST(RoutingConfigTest, CosmosEndpointsAreIgnoredWithAWarning) {
  ReadResult r = readText(R"({"endpoints": {"cosmosDBSqlContainers": [{"name": "c"}]}})");
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
  const ConfigIssue& w = single(r.issues, "UnsupportedEndpointType");
  EXPECT_EQ(w.severity, ConfigIssue::Severity::kWarning);
  EXPECT_EQ(w.path, "$.endpoints.cosmosDBSqlContainers");
  EXPECT_TRUE(r.config.endpoints.empty());
}

TEST(RoutingConfigTest, RejectsUnknownAuthenticationType) {
  const std::string text = R"({"endpoints": {"eventHubs": [{"name": "e",
    "authenticationType": "sasToken"}]}})";
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "InvalidAuthenticationType");
  EXPECT_EQ(e.path, "$.endpoints.eventHubs[0].authenticationType");
  EXPECT_EQ(e.offset, offsetOf(text, "\"sasToken\""));
  EXPECT_NE(e.message.find("'sasToken'"), std::string::npos) << e.message;
}

// ---------------------------------------------------------------------------------------------
// Storage settings

std::string storage(std::string_view extra) {
  return R"({"endpoints": {"storageContainers": [{"name": "s", "containerName": "c")" +
         std::string(extra) + "}]}}";
}

TEST(RoutingConfigTest, StorageDefaults) {
  ReadResult r = readText(storage(""));
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  ASSERT_EQ(r.config.endpoints.size(), 1u);
  const EndpointConfig& s = r.config.endpoints[0];
  EXPECT_EQ(s.encoding, "avro");
  EXPECT_EQ(s.file_name_format, "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}");
  EXPECT_EQ(s.batch_frequency_seconds, 300);
  EXPECT_EQ(s.max_chunk_bytes, 314572800);
}

TEST(RoutingConfigTest, StorageContainerNameIsRequired) {
  ReadResult r = readText(R"({"endpoints": {"storageContainers": [{"name": "s"}]}})");
  const ConfigIssue& e = single(r.issues, "MissingProperty");
  EXPECT_EQ(e.path, "$.endpoints.storageContainers[0].containerName");
}

TEST(RoutingConfigTest, AcceptsFileNameFormatTokensInAnyOrder) {
  ReadResult r = readText(
      storage(R"(, "fileNameFormat": "x/{mm}-{HH}-{DD}-{MM}-{YYYY}/{partition}/{iothub}")"));
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
  EXPECT_EQ(r.config.endpoints[0].file_name_format,
            "x/{mm}-{HH}-{DD}-{MM}-{YYYY}/{partition}/{iothub}");
}

TEST(RoutingConfigTest, FileNameFormatMissingTokensListsThem) {
  const std::string text = storage(R"(, "fileNameFormat": "{iothub}/{YYYY}/{MM}/{HH}")");
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "InvalidFileNameFormat");
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
  EXPECT_EQ(e.path, "$.endpoints.storageContainers[0].fileNameFormat");
  EXPECT_EQ(e.offset, offsetOf(text, "\"{iothub}/{YYYY}"));
  EXPECT_NE(e.message.find("missing {partition}, {DD}, {mm}"), std::string::npos) << e.message;
}

TEST(RoutingConfigTest, FileNameFormatTokensAreCaseSensitive) {
  // {mm} (minutes) and {MM} (month) differ; {yyyy} is not {YYYY}.
  ReadResult r =
      readText(storage(R"(, "fileNameFormat": "{iothub}/{partition}/{yyyy}/{MM}/{DD}/{HH}/{MM}")"));
  const ConfigIssue& e = single(r.issues, "InvalidFileNameFormat");
  EXPECT_NE(e.message.find("missing {YYYY}, {mm}"), std::string::npos) << e.message;
}

TEST(RoutingConfigTest, BatchFrequencyMustBeBetween60And720) {
  for (int ok : {60, 300, 720}) {
    ReadResult r = readText(storage(", \"batchFrequencyInSeconds\": " + std::to_string(ok)));
    EXPECT_FALSE(r.issues.hasErrors()) << ok << "\n" << dump(r.issues);
    EXPECT_EQ(r.config.endpoints[0].batch_frequency_seconds, ok);
  }
  for (int bad : {59, 721, 0, -1}) {
    std::string text = storage(", \"batchFrequencyInSeconds\": " + std::to_string(bad));
    ReadResult r = readText(text);
    const ConfigIssue& e = single(r.issues, "ValueOutOfRange");
    EXPECT_EQ(e.path, "$.endpoints.storageContainers[0].batchFrequencyInSeconds") << bad;
    EXPECT_EQ(e.offset, offsetOf(text, ": " + std::to_string(bad)) + 2) << bad;
    EXPECT_NE(e.message.find("between 60 and 720"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("found " + std::to_string(bad)), std::string::npos) << e.message;
  }
}

TEST(RoutingConfigTest, BatchFrequencyMustBeAnInteger) {
  ReadResult r = readText(storage(R"(, "batchFrequencyInSeconds": 60.5)"));
  const ConfigIssue& e = single(r.issues, "InvalidType");
  EXPECT_EQ(e.path, "$.endpoints.storageContainers[0].batchFrequencyInSeconds");
  r = readText(storage(R"(, "batchFrequencyInSeconds": "60")"));
  EXPECT_EQ(single(r.issues, "InvalidType").path,
            "$.endpoints.storageContainers[0].batchFrequencyInSeconds");
}

TEST(RoutingConfigTest, MaxChunkSizeMustBeBetween10And500MiB) {
  for (int64_t ok : {10485760LL, 314572800LL, 524288000LL}) {
    ReadResult r = readText(storage(", \"maxChunkSizeInBytes\": " + std::to_string(ok)));
    EXPECT_FALSE(r.issues.hasErrors()) << ok << "\n" << dump(r.issues);
    EXPECT_EQ(r.config.endpoints[0].max_chunk_bytes, ok);
  }
  for (int64_t bad : {10485759LL, 524288001LL}) {
    ReadResult r = readText(storage(", \"maxChunkSizeInBytes\": " + std::to_string(bad)));
    const ConfigIssue& e = single(r.issues, "ValueOutOfRange");
    EXPECT_EQ(e.path, "$.endpoints.storageContainers[0].maxChunkSizeInBytes") << bad;
    EXPECT_NE(e.message.find("between 10485760 and 524288000"), std::string::npos) << e.message;
  }
}

TEST(RoutingConfigTest, AcceptsEncodingsIgnoringCaseAndNormalizes) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"avro", "avro"},
                                                                  {"Avro", "avro"},
                                                                  {"AvroDeflate", "avrodeflate"},
                                                                  {"avrodeflate", "avrodeflate"},
                                                                  {"JSON", "json"},
                                                                  {"json", "json"}};
  for (const auto& [given, normalized] : cases) {
    ReadResult r = readText(storage(", \"encoding\": \"" + given + "\""));
    EXPECT_FALSE(r.issues.hasErrors()) << given << "\n" << dump(r.issues);
    EXPECT_EQ(r.config.endpoints[0].encoding, normalized) << given;
  }
}

TEST(RoutingConfigTest, RejectsUnknownEncoding) {
  const std::string text = storage(R"(, "encoding": "parquet")");
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "InvalidEncoding");
  EXPECT_EQ(e.path, "$.endpoints.storageContainers[0].encoding");
  EXPECT_EQ(e.offset, offsetOf(text, "\"parquet\""));
  EXPECT_NE(e.message.find("'parquet'"), std::string::npos) << e.message;
}

// ---------------------------------------------------------------------------------------------
// Routes

std::string routes(std::initializer_list<std::string> items, std::string_view rest = "") {
  std::string out = R"({"endpoints": {"eventHubs": [{"name": "hub1"}]}, "routes": [)";
  bool first = true;
  for (const std::string& item : items) {
    if (!first) out += ", ";
    out += item;
    first = false;
  }
  return out + "]" + std::string(rest) + "}";
}

TEST(RoutingConfigTest, RejectsRouteNamesBreakingThePattern) {
  for (std::string name :
       {std::string(65, 'r'), std::string("my route"), std::string("r#1"), std::string("")}) {
    std::string text = routes({routeJson(name, "events")});
    ReadResult r = readText(text);
    const ConfigIssue& e = single(r.issues, "InvalidRouteName");
    EXPECT_EQ(e.path, "$.routes[0].name") << name;
    EXPECT_EQ(e.offset, offsetOf(text, "\"" + name + "\"")) << name;
    EXPECT_NE(e.message.find("'" + name + "'"), std::string::npos) << e.message;
  }
  ReadResult r = readText(routes({routeJson(std::string(64, 'r'), "events")}));
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
}

TEST(RoutingConfigTest, RouteNameIsRequired) {
  ReadResult r = readText(
      routes({R"({"source": "DeviceMessages", "endpointNames": ["events"], "isEnabled": true})"}));
  const ConfigIssue& e = single(r.issues, "MissingProperty");
  EXPECT_EQ(e.path, "$.routes[0].name");
}

TEST(RoutingConfigTest, RejectsDuplicateRouteNamesIgnoringCase) {
  std::string text = routes(
      {routeJson("first", "events"), routeJson("second", "hub1"), routeJson("FIRST", "hub1")});
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "DuplicateRouteName");
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
  EXPECT_EQ(e.path, "$.routes[2].name");
  // The offset is that of the value the path names: the duplicate name itself.
  EXPECT_EQ(e.offset, offsetOf(text, "\"FIRST\""));
  EXPECT_NE(e.message.find("'FIRST'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("$.routes[0]"), std::string::npos) << e.message;
}

TEST(RoutingConfigTest, ReadsEverySourceNameIgnoringCase) {
  const std::vector<std::pair<std::string, MessageSource>> cases = {
      {"DeviceMessages", MessageSource::kDeviceMessages},
      {"twinchangeevents", MessageSource::kTwinChangeEvents},
      {"DeviceLifecycleEvents", MessageSource::kDeviceLifecycleEvents},
      {"DEVICECONNECTIONSTATEEVENTS", MessageSource::kDeviceConnectionStateEvents},
      {"DeviceJobLifecycleEvents", MessageSource::kDeviceJobLifecycleEvents},
      {"DigitalTwinChangeEvents", MessageSource::kDigitalTwinChangeEvents}};
  for (const auto& [name, source] : cases) {
    ReadResult r = readText(routes({R"({"name": "r", "source": ")" + name +
                                    R"(", "endpointNames": ["events"], "isEnabled": true})"}));
    EXPECT_FALSE(r.issues.hasErrors()) << name << "\n" << dump(r.issues);
    ASSERT_EQ(r.config.routes.size(), 1u);
    EXPECT_EQ(r.config.routes[0].source, source) << name;
  }
}

TEST(RoutingConfigTest, RejectsUnknownSource) {
  for (std::string source : {"Telemetry", "Invalid", ""}) {
    std::string text = routes({R"({"name": "r", "source": ")" + source +
                               R"(", "endpointNames": ["events"], "isEnabled": true})"});
    ReadResult r = readText(text);
    const ConfigIssue& e = single(r.issues, "InvalidRoutingSource");
    EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
    EXPECT_EQ(e.path, "$.routes[0].source") << source;
    EXPECT_EQ(e.offset, offsetOf(text, "\"" + source + "\", \"endpointNames\"")) << source;
    EXPECT_NE(e.message.find("unknown source '" + source + "'"), std::string::npos) << e.message;
  }
}

TEST(RoutingConfigTest, SourceIsRequired) {
  ReadResult r =
      readText(routes({R"({"name": "r", "endpointNames": ["events"], "isEnabled": true})"}));
  EXPECT_EQ(single(r.issues, "MissingProperty").path, "$.routes[0].source");
}

TEST(RoutingConfigTest, FallbackSourceMustBeDeviceMessages) {
  const std::string text = R"({"fallbackRoute": {"source": "TwinChangeEvents",
    "endpointNames": ["events"], "isEnabled": true}})";
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "InvalidFallbackSource");
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
  EXPECT_EQ(e.path, "$.fallbackRoute.source");
  EXPECT_EQ(e.offset, offsetOf(text, "\"TwinChangeEvents\""));
  EXPECT_EQ(e.message, "the fallback route's source must be DeviceMessages");
}

TEST(RoutingConfigTest, FallbackNameIsOptional) {
  ReadResult r = readText(
      R"({"fallbackRoute": {"source": "DeviceMessages", "endpointNames": ["events"],
                            "isEnabled": true}})");
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  ASSERT_TRUE(r.config.fallback.has_value());
  EXPECT_EQ(r.config.fallback->name, "$fallback");
  EXPECT_EQ(r.config.fallback->condition, "true");
}

TEST(RoutingConfigTest, RouteMustNameExactlyOneEndpoint) {
  for (std::string names : {"[]", R"(["events", "hub1"])"}) {
    std::string text = routes({R"({"name": "r", "source": "DeviceMessages", "endpointNames": )" +
                               names + R"(, "isEnabled": true})"});
    ReadResult r = readText(text);
    const ConfigIssue& e = single(r.issues, "InvalidEndpointNames");
    EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
    EXPECT_EQ(e.path, "$.routes[0].endpointNames") << names;
    EXPECT_EQ(e.offset, offsetOf(text, names)) << names;
    size_t count = names == "[]" ? 0 : 2;
    EXPECT_EQ(e.message, "a route names exactly one endpoint, found " + std::to_string(count));
  }
}

TEST(RoutingConfigTest, FallbackMustNameExactlyOneEndpoint) {
  ReadResult r = readText(
      R"({"endpoints": {"eventHubs": [{"name": "hub1"}]}, "fallbackRoute": {"source":
        "DeviceMessages", "endpointNames": ["events", "hub1"], "isEnabled": true}})");
  const ConfigIssue& e = single(r.issues, "InvalidEndpointNames");
  EXPECT_EQ(e.path, "$.fallbackRoute.endpointNames");
}

TEST(RoutingConfigTest, EndpointNamesIsRequired) {
  ReadResult r =
      readText(routes({R"({"name": "r", "source": "DeviceMessages", "isEnabled": true})"}));
  EXPECT_EQ(single(r.issues, "MissingProperty").path, "$.routes[0].endpointNames");
}

TEST(RoutingConfigTest, RouteNamingUnknownEndpointIsEndpointNotFound) {
  std::string text = routes({routeJson("ok", "hub1"), routeJson("bad", "nowhere")});
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "EndpointNotFound");
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
  EXPECT_EQ(e.path, "$.routes[1].endpointNames[0]");
  // The offset is that of the value the path names: the unknown name itself.
  EXPECT_EQ(e.offset, offsetOf(text, "\"nowhere\""));
  EXPECT_NE(e.message.find("route 'bad' names endpoint 'nowhere'"), std::string::npos) << e.message;
}

TEST(RoutingConfigTest, FallbackNamingUnknownEndpointIsEndpointNotFound) {
  const std::string text = R"({"fallbackRoute": {"source": "DeviceMessages",
    "endpointNames": ["gone"], "isEnabled": true}})";
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "EndpointNotFound");
  EXPECT_EQ(e.path, "$.fallbackRoute.endpointNames[0]");
  EXPECT_EQ(e.offset, offsetOf(text, "\"gone\""));
  EXPECT_NE(e.message.find("'gone'"), std::string::npos) << e.message;
}

TEST(RoutingConfigTest, BuiltInEventsEndpointNeedsNoDefinition) {
  ReadResult r = readText(R"({"routes": [{"name": "r", "source": "DeviceMessages",
    "endpointNames": ["events"], "isEnabled": true}], "fallbackRoute": {"source":
    "DeviceMessages", "endpointNames": ["events"], "isEnabled": true}, "enrichments": [
    {"key": "k", "value": "v", "endpointNames": ["events"]}]})");
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
}

TEST(RoutingConfigTest, MissingOrEmptyConditionIsTrue) {
  ReadResult r = readText(routes(
      {R"({"name": "a", "source": "DeviceMessages", "endpointNames": ["events"], "isEnabled": true})",
       R"({"name": "b", "source": "DeviceMessages", "condition": "", "endpointNames": ["events"],
           "isEnabled": true})",
       R"({"name": "c", "source": "DeviceMessages", "condition": "  \t\n ",
           "endpointNames": ["events"], "isEnabled": true})",
       R"({"name": "d", "source": "DeviceMessages", "condition": null,
           "endpointNames": ["events"], "isEnabled": true})"}));
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  ASSERT_EQ(r.config.routes.size(), 4u);
  for (const RouteConfig& route : r.config.routes) EXPECT_EQ(route.condition, "true") << route.name;
}

TEST(RoutingConfigTest, ConditionOfWrongTypeIsAnError) {
  std::string text = routes({R"({"name": "r", "source": "DeviceMessages", "condition": 42,
    "endpointNames": ["events"], "isEnabled": true})"});
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "InvalidType");
  EXPECT_EQ(e.path, "$.routes[0].condition");
  EXPECT_EQ(e.offset, offsetOf(text, "42"));
  EXPECT_EQ(e.message, "expected a string, found number");
}

TEST(RoutingConfigTest, MissingIsEnabledWarnsAndEnablesTheRoute) {
  std::string text = routes({R"({"name": "r", "source": "DeviceMessages",
    "endpointNames": ["events"]})"});
  ReadResult r = readText(text);
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
  const ConfigIssue& w = single(r.issues, "MissingProperty");
  EXPECT_EQ(w.severity, ConfigIssue::Severity::kWarning);
  EXPECT_EQ(w.path, "$.routes[0].isEnabled");
  EXPECT_EQ(w.offset, offsetOf(text, R"({"name": "r")"));
  EXPECT_NE(w.message.find("taken as enabled"), std::string::npos) << w.message;
  ASSERT_EQ(r.config.routes.size(), 1u);
  EXPECT_TRUE(r.config.routes[0].enabled);
}

TEST(RoutingConfigTest, IsEnabledOfWrongTypeIsAnError) {
  ReadResult r = readText(routes({R"({"name": "r", "source": "DeviceMessages",
    "endpointNames": ["events"], "isEnabled": "yes"})"}));
  const ConfigIssue& e = single(r.issues, "InvalidType");
  EXPECT_EQ(e.path, "$.routes[0].isEnabled");
  EXPECT_EQ(e.message, "expected true or false, found string");
}

// ---------------------------------------------------------------------------------------------
// Unknown keys and key case

TEST(RoutingConfigTest, UnknownKeysWarnWithTheirJsonPath) {
  const std::string text = R"({
    "endpoints": {"eventHubs": [{"name": "e", "colour": "red"}], "queues": []},
    "routes": [{"name": "r", "source": "DeviceMessages", "conditon": "x = 'y'",
                "endpointNames": ["events"], "isEnabled": true}],
    "fallbackRoute": {"source": "DeviceMessages", "endpointNames": ["events"],
                      "isEnabled": true, "extra": 1},
    "enrichments": [{"key": "k", "value": "v", "endpointNames": ["events"], "note": "n"}],
    "topLevelTypo": true
  })";
  ReadResult r = readText(text);
  EXPECT_FALSE(r.issues.hasErrors()) << dump(r.issues);
  auto unknown = withCode(r.issues, "UnknownProperty");
  std::vector<std::string> paths;
  for (const ConfigIssue* w : unknown) {
    EXPECT_EQ(w->severity, ConfigIssue::Severity::kWarning);
    paths.push_back(w->path);
  }
  EXPECT_EQ(paths,
            (std::vector<std::string>{"$.endpoints.eventHubs[0].colour", "$.endpoints.queues",
                                      "$.routes[0].conditon", "$.fallbackRoute.extra",
                                      "$.enrichments[0].note", "$.topLevelTypo"}));
  for (const ConfigIssue* w : unknown) {
    std::string key = w->path.substr(w->path.rfind('.') + 1);
    EXPECT_EQ(w->offset, offsetOf(text, "\"" + key + "\"")) << key;
    EXPECT_EQ(w->message, "unknown property '" + key + "' is ignored");
  }
  // The misspelt condition is not read: the route keeps the default condition.
  ASSERT_EQ(r.config.routes.size(), 1u);
  EXPECT_EQ(r.config.routes[0].condition, "true");
}

TEST(RoutingConfigTest, MatchesKeysIgnoringCase) {
  ReadResult r = readText(R"({
    "ENDPOINTS": {"EventHubs": [{"NAME": "e1"}], "STORAGECONTAINERS": [{"Name": "s1",
      "ContainerName": "c", "Encoding": "json", "BatchFrequencyInSeconds": 120}]},
    "Routes": [{"Name": "r", "Source": "DeviceMessages", "Condition": "a = 'b'",
                "EndpointNames": ["e1"], "IsEnabled": false}],
    "FallbackRoute": {"SOURCE": "DeviceMessages", "ENDPOINTNAMES": ["s1"], "ISENABLED": true},
    "Enrichments": [{"KEY": "k", "VALUE": "v", "endpointnames": ["e1"]}]
  })");
  EXPECT_TRUE(r.issues.items().empty()) << dump(r.issues);
  ASSERT_EQ(r.config.endpoints.size(), 2u);
  EXPECT_EQ(r.config.endpoints[0].name, "e1");
  EXPECT_EQ(r.config.endpoints[0].kind, EndpointKind::kEventHubs);
  EXPECT_EQ(r.config.endpoints[1].name, "s1");
  EXPECT_EQ(r.config.endpoints[1].encoding, "json");
  EXPECT_EQ(r.config.endpoints[1].batch_frequency_seconds, 120);
  ASSERT_EQ(r.config.routes.size(), 1u);
  EXPECT_EQ(r.config.routes[0].condition, "a = 'b'");
  EXPECT_EQ(r.config.routes[0].endpoint, "e1");
  EXPECT_FALSE(r.config.routes[0].enabled);
  ASSERT_TRUE(r.config.fallback.has_value());
  EXPECT_EQ(r.config.fallback->endpoint, "s1");
  ASSERT_EQ(r.config.enrichments.size(), 1u);
  EXPECT_EQ(r.config.enrichments[0].endpoints, (std::vector<std::string>{"e1"}));
}

// ---------------------------------------------------------------------------------------------
// Enrichments

std::string enrichment(std::string_view key, std::string_view value,
                       std::string_view endpoints = R"(["events"])") {
  return R"({"enrichments": [{"key": ")" + std::string(key) + R"(", "value": ")" +
         std::string(value) + R"(", "endpointNames": )" + std::string(endpoints) + "}]}";
}

TEST(RoutingConfigTest, AcceptsEnrichmentKeysOfAllowedCharacters) {
  for (std::string key : {"deviceLocation", "a-b_c.d", "K9"}) {
    ReadResult r = readText(enrichment(key, "v"));
    EXPECT_FALSE(r.issues.hasErrors()) << key << "\n" << dump(r.issues);
  }
}

TEST(RoutingConfigTest, RejectsEnrichmentKeysWithOtherCharacters) {
  for (std::string key : {"", "has space", "$key", "a/b", "k:v"}) {
    std::string text = enrichment(key, "v");
    ReadResult r = readText(text);
    const ConfigIssue& e = single(r.issues, "InvalidEnrichmentKey");
    EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
    EXPECT_EQ(e.path, "$.enrichments[0].key") << key;
    EXPECT_EQ(e.offset, offsetOf(text, "\"" + key + "\", \"value\"")) << key;
    EXPECT_NE(e.message.find("'" + key + "'"), std::string::npos) << e.message;
  }
}

TEST(RoutingConfigTest, AcceptsTwinEnrichmentValuesUnderTagsDesiredAndReported) {
  for (std::string value : {"$twin.tags.location", "$twin.properties.desired.mode",
                            "$twin.properties.reported.fw.version", "$TWIN.Tags.x", "$iothubname",
                            "static text", "$other"}) {
    ReadResult r = readText(enrichment("k", value));
    EXPECT_FALSE(r.issues.hasErrors()) << value << "\n" << dump(r.issues);
    ASSERT_EQ(r.config.enrichments.size(), 1u);
    EXPECT_EQ(r.config.enrichments[0].value, value);
  }
}

TEST(RoutingConfigTest, RejectsTwinEnrichmentValuesOutsideTagsAndProperties) {
  for (std::string value :
       {"$twin.deviceId", "$twin.properties.other.x", "$twin.", "$twin.Tags", "$Twin.version"}) {
    std::string text = enrichment("k", value);
    ReadResult r = readText(text);
    const ConfigIssue& e = single(r.issues, "InvalidEnrichmentValue");
    EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
    EXPECT_EQ(e.path, "$.enrichments[0].value") << value;
    EXPECT_EQ(e.offset, offsetOf(text, "\"" + value + "\"")) << value;
    EXPECT_NE(e.message.find("'" + value + "'"), std::string::npos) << e.message;
  }
}

TEST(RoutingConfigTest, EnrichmentNeedsAtLeastOneEndpoint) {
  std::string text = enrichment("k", "v", "[]");
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "InvalidEndpointNames");
  EXPECT_EQ(e.path, "$.enrichments[0].endpointNames");
  EXPECT_EQ(e.offset, offsetOf(text, "[]"));
}

TEST(RoutingConfigTest, EnrichmentNamingUnknownEndpointIsEndpointNotFound) {
  const std::string text = enrichment("k", "v", R"(["events", "missing"])");
  ReadResult r = readText(text);
  const ConfigIssue& e = single(r.issues, "EndpointNotFound");
  EXPECT_EQ(e.severity, ConfigIssue::Severity::kError);
  // Path and offset name the unknown entry, as for a route ($.routes[N].endpointNames[0]).
  EXPECT_EQ(e.path, "$.enrichments[0].endpointNames[1]");
  EXPECT_EQ(e.offset, offsetOf(text, "\"missing\""));
  EXPECT_NE(e.message.find("enrichment 'k' names endpoint 'missing'"), std::string::npos)
      << e.message;
}

TEST(RoutingConfigTest, EnrichmentKeyAndValueAreRequired) {
  ReadResult r = readText(R"({"enrichments": [{"endpointNames": ["events"]}]})");
  auto missing = withCode(r.issues, "MissingProperty");
  ASSERT_EQ(missing.size(), 2u) << dump(r.issues);
  EXPECT_EQ(missing[0]->path, "$.enrichments[0].key");
  EXPECT_EQ(missing[1]->path, "$.enrichments[0].value");
}

// ---------------------------------------------------------------------------------------------
// Tier limits

TEST(RoutingLimitsTest, ForTierGivesPaidAndFreeLimits) {
  RoutingLimits free = RoutingLimits::forTier(HubTier::kFree);
  EXPECT_EQ(free.routes, 5u);
  EXPECT_EQ(free.custom_endpoints, 1u);
  EXPECT_EQ(free.enrichments, 2u);
  for (HubTier paid : {HubTier::kBasic, HubTier::kStandard}) {
    RoutingLimits l = RoutingLimits::forTier(paid);
    EXPECT_EQ(l.routes, 100u);
    EXPECT_EQ(l.custom_endpoints, 10u);
    EXPECT_EQ(l.enrichments, 10u);
  }
  RoutingLimits defaults;
  EXPECT_EQ(defaults.routes, 100u);
  EXPECT_EQ(defaults.custom_endpoints, 10u);
  EXPECT_EQ(defaults.enrichments, 10u);
}

TEST(RoutingLimitsTest, TierOfSku) {
  EXPECT_EQ(tierOfSku("F1"), HubTier::kFree);
  EXPECT_EQ(tierOfSku("f1"), HubTier::kFree);
  EXPECT_EQ(tierOfSku("B1"), HubTier::kBasic);
  EXPECT_EQ(tierOfSku("B3"), HubTier::kBasic);
  EXPECT_EQ(tierOfSku("S1"), HubTier::kStandard);
  EXPECT_EQ(tierOfSku("s3"), HubTier::kStandard);
  EXPECT_EQ(tierOfSku("S4"), std::nullopt);
  EXPECT_EQ(tierOfSku(""), std::nullopt);
}

std::string nRoutes(size_t n) {
  std::string out = R"({"routes": [)";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += routeJson("r" + std::to_string(i), "events");
  }
  return out + "]}";
}

std::string nEndpoints(size_t n) {
  std::string out = R"({"endpoints": {"eventHubs": [)";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += R"({"name": "e)" + std::to_string(i) + R"("})";
  }
  return out + "]}}";
}

std::string nEnrichments(size_t n) {
  std::string out = R"({"enrichments": [)";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += R"({"key": "k)" + std::to_string(i) + R"(", "value": "v", "endpointNames": ["events"]})";
  }
  return out + "]}";
}

TEST(RoutingLimitsTest, RouteLimitPerTier) {
  const RoutingLimits paid = RoutingLimits::forTier(HubTier::kStandard);
  const RoutingLimits free = RoutingLimits::forTier(HubTier::kFree);
  EXPECT_FALSE(readText(nRoutes(100), paid).issues.hasErrors());
  EXPECT_FALSE(readText(nRoutes(5), free).issues.hasErrors());

  ReadResult r = readText(nRoutes(101), paid);
  const ConfigIssue& e = single(r.issues, "RouteLimitExceeded");
  EXPECT_EQ(e.path, "$.routes");
  EXPECT_EQ(e.offset, 11u);  // the '[' after {"routes":
  EXPECT_EQ(e.message, "101 routes exceed this tier's limit of 100");
  EXPECT_EQ(r.issues.errorCount(), 1u) << dump(r.issues);

  r = readText(nRoutes(6), free);
  EXPECT_EQ(single(r.issues, "RouteLimitExceeded").message,
            "6 routes exceed this tier's limit of 5");
}

TEST(RoutingLimitsTest, CustomEndpointLimitPerTier) {
  const RoutingLimits paid = RoutingLimits::forTier(HubTier::kBasic);
  const RoutingLimits free = RoutingLimits::forTier(HubTier::kFree);
  EXPECT_FALSE(readText(nEndpoints(10), paid).issues.hasErrors());
  EXPECT_FALSE(readText(nEndpoints(1), free).issues.hasErrors());

  ReadResult r = readText(nEndpoints(11), paid);
  const ConfigIssue& e = single(r.issues, "EndpointLimitExceeded");
  EXPECT_EQ(e.path, "$.endpoints");
  EXPECT_EQ(e.offset, 14u);  // the '{' after {"endpoints":
  EXPECT_EQ(e.message, "11 custom endpoints exceed this tier's limit of 10");

  r = readText(nEndpoints(2), free);
  EXPECT_EQ(single(r.issues, "EndpointLimitExceeded").message,
            "2 custom endpoints exceed this tier's limit of 1");
}

TEST(RoutingLimitsTest, EnrichmentLimitPerTier) {
  const RoutingLimits paid = RoutingLimits::forTier(HubTier::kStandard);
  const RoutingLimits free = RoutingLimits::forTier(HubTier::kFree);
  EXPECT_FALSE(readText(nEnrichments(10), paid).issues.hasErrors());
  EXPECT_FALSE(readText(nEnrichments(2), free).issues.hasErrors());

  ReadResult r = readText(nEnrichments(11), paid);
  const ConfigIssue& e = single(r.issues, "EnrichmentLimitExceeded");
  EXPECT_EQ(e.path, "$.enrichments");
  EXPECT_EQ(e.message, "11 enrichments exceed this tier's limit of 10");

  r = readText(nEnrichments(3), free);
  EXPECT_EQ(single(r.issues, "EnrichmentLimitExceeded").message,
            "3 enrichments exceed this tier's limit of 2");
}

// ---------------------------------------------------------------------------------------------
// Endpoint type names and the built-in partition

TEST(EndpointNamesTest, EndpointTypeNameIsIotHubsEndpointTypeDimension) {
  EXPECT_EQ(endpointTypeName(EndpointKind::kBuiltIn), "builtin");
  EXPECT_EQ(endpointTypeName(EndpointKind::kStorage), "blobStorage");
  EXPECT_EQ(endpointTypeName(EndpointKind::kEventHubs), "eventHubs");
  EXPECT_EQ(endpointTypeName(EndpointKind::kServiceBusQueue), "serviceBusQueues");
  EXPECT_EQ(endpointTypeName(EndpointKind::kServiceBusTopic), "serviceBusTopics");
}

TEST(EndpointNamesTest, EndpointMetricNameIsTheEgressMetricSuffix) {
  EXPECT_EQ(endpointMetricName(EndpointKind::kBuiltIn), "builtIn.events");
  EXPECT_EQ(endpointMetricName(EndpointKind::kStorage), "storage");
  EXPECT_EQ(endpointMetricName(EndpointKind::kEventHubs), "eventHubs");
  EXPECT_EQ(endpointMetricName(EndpointKind::kServiceBusQueue), "serviceBusQueues");
  EXPECT_EQ(endpointMetricName(EndpointKind::kServiceBusTopic), "serviceBusTopics");
}

TEST(BuiltinPartitionTest, IsStableAndInRange) {
  for (uint32_t count : {1u, 2u, 4u, 32u}) {
    for (int i = 0; i < 200; ++i) {
      std::string id = "device-" + std::to_string(i);
      uint32_t p = builtinPartition(id, count);
      EXPECT_LT(p, count) << id;
      EXPECT_EQ(builtinPartition(id, count), p) << id;
    }
  }
  EXPECT_EQ(builtinPartition("anything", 1), 0u);
  EXPECT_EQ(builtinPartition("", 4), builtinPartition("", 4));
}

TEST(BuiltinPartitionTest, IsFnv1aModuloPartitionCount) {
  // FNV-1a 32-bit of "a" is 0xe40c292c; of the empty string, the offset basis 0x811c9dc5.
  EXPECT_EQ(builtinPartition("a", 1000003), 0xe40c292cu % 1000003u);
  EXPECT_EQ(builtinPartition("", 7), 0x811c9dc5u % 7u);
}

TEST(BuiltinPartitionTest, ZeroPartitionsGivesZero) { EXPECT_EQ(builtinPartition("d1", 0), 0u); }

TEST(BuiltinPartitionTest, SpreadsDevicesOverPartitions) {
  std::vector<int> counts(4, 0);
  for (int i = 0; i < 1000; ++i) ++counts[builtinPartition("device-" + std::to_string(i), 4)];
  for (int p = 0; p < 4; ++p) EXPECT_GE(counts[p], 150) << "partition " << p;
}

}  // namespace
}  // namespace routesim::routing
