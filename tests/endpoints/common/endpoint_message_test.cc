#include "endpoints/common/endpoint_message.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/message/stamp.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::endpoints {
namespace {

using routing::EndpointKind;

std::optional<std::string> lookup(const PropertyList& list, std::string_view name) {
  for (const auto& [k, v] : list) {
    if (k == name) return v.value_or("<null>");
  }
  return std::nullopt;
}

message::Message stampedMessage() {
  message::Message m = router::testing::makeMessage("dev-1", 7, {{"level", "hot"}}, "{\"t\":1}");
  m.system_properties.set("messageId", "m-1");
  m.system_properties.set("correlationId", "c-1");
  m.system_properties.set("contentType", "Application/JSON");
  m.system_properties.set("contentEncoding", "UTF-8");
  m.system_properties.set("dt-subject", "thermostat1");
  message::stampIngress(m, std::chrono::system_clock::time_point(std::chrono::seconds(1530803502)));
  return m;
}

TEST(SystemPropertyNameTest, FollowsEachEndpointKindsNaming) {
  EXPECT_EQ(systemPropertyName(EndpointKind::kEventHubs, "connectionDeviceId"),
            "iothub-connection-device-id");
  EXPECT_EQ(systemPropertyName(EndpointKind::kBuiltIn, "messageId"), "message-id");
  EXPECT_EQ(systemPropertyName(EndpointKind::kBuiltIn, "enqueuedTime"), "iothub-enqueuedtime");
  EXPECT_EQ(systemPropertyName(EndpointKind::kEventHubs, "connectionDeviceGenerationId"),
            "iothub-connection-auth-generation-id");
  EXPECT_EQ(systemPropertyName(EndpointKind::kStorage, "connectionDeviceId"), "connectionDeviceId");
  EXPECT_EQ(systemPropertyName(EndpointKind::kServiceBusQueue, "messageId"), "MessageId");
  EXPECT_EQ(systemPropertyName(EndpointKind::kServiceBusTopic, "contentType"), "ContentType");
  EXPECT_EQ(systemPropertyName(EndpointKind::kServiceBusQueue, "enqueuedTime"), "");
  // Names IoT Hub passes through unchanged, whatever the kind; lookups ignore letter case.
  EXPECT_EQ(systemPropertyName(EndpointKind::kEventHubs, "dt-subject"), "dt-subject");
  EXPECT_EQ(systemPropertyName(EndpointKind::kEventHubs, "MESSAGEID"), "message-id");
}

// By a message's property (its folded name): the same names, whatever case the message used.
TEST(SystemPropertyNameTest, AMessagesPropertyIsRenamedByItsFoldedName) {
  message::PropertyMap sys;
  sys.set("ConnectionDeviceID", "dev-1");
  sys.set("dt-subject", "thermostat1");
  std::vector<std::string> storage, event_hubs;
  for (const message::Property& p : sys) {
    storage.emplace_back(systemPropertyName(EndpointKind::kStorage, p));
    event_hubs.emplace_back(systemPropertyName(EndpointKind::kEventHubs, p));
    EXPECT_EQ(systemPropertyName(EndpointKind::kStorage, p),
              systemPropertyName(EndpointKind::kStorage, p.name));
  }
  EXPECT_EQ(storage, (std::vector<std::string>{"connectionDeviceId", "dt-subject"}));
  EXPECT_EQ(event_hubs, (std::vector<std::string>{"iothub-connection-device-id", "dt-subject"}));
}

TEST(EndpointMessageTest, CarriesBodyPropertiesAndRenamedSystemProperties) {
  message::Message m = stampedMessage();
  router::OutboundMessage out{&m, nullptr, 42, 99, 0, 3, false};
  query::EvalScratch scratch;

  EndpointMessage eh = toEndpointMessage(out, EndpointKind::kEventHubs, scratch);
  EXPECT_EQ(eh.body, "{\"t\":1}");
  EXPECT_EQ(eh.device_id, "dev-1");
  EXPECT_EQ(eh.ingress_ns, 42u);
  EXPECT_EQ(eh.size, 99u);
  EXPECT_EQ(eh.partition, 3);
  EXPECT_EQ(eh.message_id, "m-1");
  EXPECT_EQ(eh.correlation_id, "c-1");
  EXPECT_EQ(eh.enqueued_time_utc, "2018-07-05T15:11:42.0000000Z");
  EXPECT_TRUE(eh.json_utf8);
  EXPECT_EQ(lookup(eh.properties, "level"), "hot");
  EXPECT_EQ(lookup(eh.properties, "seq"), "7");
  EXPECT_EQ(lookup(eh.system_properties, "iothub-connection-device-id"), "dev-1");
  EXPECT_EQ(lookup(eh.system_properties, "message-id"), "m-1");
  EXPECT_EQ(lookup(eh.system_properties, "iothub-enqueuedtime"), "2018-07-05T15:11:42.0000000Z");
  EXPECT_EQ(lookup(eh.system_properties, "dt-subject"), "thermostat1");
  EXPECT_EQ(lookup(eh.system_properties, "iothub-message-source"), "deviceMessages");
  EXPECT_EQ(lookup(eh.system_properties, "connectionDeviceId"), std::nullopt);

  EndpointMessage blob = toEndpointMessage(out, EndpointKind::kStorage, scratch);
  EXPECT_EQ(lookup(blob.system_properties, "connectionDeviceId"), "dev-1");
  EXPECT_EQ(lookup(blob.system_properties, "enqueuedTime"), "2018-07-05T15:11:42.0000000Z");
  EXPECT_EQ(lookup(blob.system_properties, "iothub-message-source"), std::nullopt);

  EndpointMessage sb = toEndpointMessage(out, EndpointKind::kServiceBusQueue, scratch);
  EXPECT_EQ(lookup(sb.system_properties, "MessageId"), "m-1");
  EXPECT_EQ(lookup(sb.system_properties, "CorrelationId"), "c-1");
  EXPECT_EQ(lookup(sb.system_properties, "iothub-connection-device-id"), "dev-1");
  EXPECT_EQ(lookup(sb.system_properties, "enqueuedTime"), std::nullopt);
  EXPECT_EQ(lookup(sb.system_properties, "iothub-enqueuedtime"), std::nullopt);
}

TEST(EndpointMessageTest, JsonBodyOnlyForApplicationJsonInUtf8) {
  query::EvalScratch scratch;
  for (auto [type, encoding, expect] :
       {std::tuple{"application/json", "utf-8", true},
        std::tuple{"APPLICATION/JSON", "UTF-8", true},
        std::tuple{"application/json", "utf-16", false}, std::tuple{"text/plain", "utf-8", false},
        std::tuple{"", "", false}}) {
    message::Message m = router::testing::makeMessage("d", 0);
    if (*type) m.system_properties.set("contentType", type);
    if (*encoding) m.system_properties.set("contentEncoding", encoding);
    router::OutboundMessage out{&m, nullptr, 0, 0, 0, 0, false};
    EXPECT_EQ(toEndpointMessage(out, EndpointKind::kStorage, scratch).json_utf8, expect)
        << type << " / " << encoding;
  }
}

TEST(EndpointMessageTest, AddsTheEndpointsEnrichmentsOnly) {
  router::testing::BuiltTable built = router::testing::buildTable(R"({
    "endpoints": {"eventHubs": [{"name": "hot"}, {"name": "cold"}]},
    "routes": [{"name": "r1", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["hot"], "isEnabled": true}],
    "enrichments": [{"key": "hub", "value": "$iothubname", "endpointNames": ["hot"]},
                    {"key": "where", "value": "$twin.tags.location", "endpointNames": ["hot"]}]
  })",
                                                                  "my-hub");
  ASSERT_NE(built.table, nullptr);
  message::Message m = stampedMessage();
  query::EvalScratch scratch;
  auto hot = static_cast<uint16_t>(built.table->endpointIndex("hot"));
  auto cold = static_cast<uint16_t>(built.table->endpointIndex("cold"));
  EndpointMessage to_hot = toEndpointMessage({&m, built.table.get(), 0, 0, hot, 0, false},
                                             EndpointKind::kEventHubs, scratch);
  EXPECT_EQ(lookup(to_hot.properties, "hub"), "my-hub");
  // No twin: the literal path text, as IoT Hub stamps it.
  EXPECT_EQ(lookup(to_hot.properties, "where"), "$twin.tags.location");
  EXPECT_EQ(lookup(to_hot.properties, "level"), "hot");
  EndpointMessage to_cold = toEndpointMessage({&m, built.table.get(), 0, 0, cold, 0, false},
                                              EndpointKind::kEventHubs, scratch);
  EXPECT_EQ(lookup(to_cold.properties, "hub"), std::nullopt);
}

}  // namespace
}  // namespace routesim::endpoints
