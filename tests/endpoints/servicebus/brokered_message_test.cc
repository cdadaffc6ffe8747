#include "endpoints/servicebus/brokered_message.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace routesim::endpoints::servicebus {
namespace {

constexpr int64_t kJan2024 = 1704067200LL * 1'000'000'000LL;

EndpointMessage endpointMessage() {
  EndpointMessage e;
  e.body = "{\"t\":21.5}";
  e.properties = {{"level", "info"}, {"region", "west"}, {"empty", std::nullopt}};
  e.system_properties = {{"MessageId", "m-1"},
                         {"CorrelationId", "c-1"},
                         {"ContentType", "application/json"},
                         {"ContentEncoding", "utf-8"},
                         {"iothub-connection-device-id", "d1"},
                         {"iothub-message-source", "deviceMessages"}};
  e.message_id = "m-1";
  e.correlation_id = "c-1";
  e.content_type = "application/json";
  return e;
}

TEST(BrokeredMessageTest, MapsIotHubPropertiesAsTheServiceBusEndpointSendsThem) {
  BrokeredMessage m = fromEndpointMessage(endpointMessage());
  EXPECT_EQ(m.message_id, "m-1");
  EXPECT_EQ(m.correlation_id, "c-1");
  EXPECT_EQ(m.content_type, "application/json");
  EXPECT_EQ(m.body, "{\"t\":21.5}");
  // Broker properties are not repeated as application properties; the rest are.
  EXPECT_EQ(m.application_properties.find("MessageId"), nullptr);
  EXPECT_EQ(m.application_properties.find("ContentType"), nullptr);
  EXPECT_EQ(std::get<std::string>(*m.application_properties.find("ContentEncoding")), "utf-8");
  EXPECT_EQ(std::get<std::string>(*m.application_properties.find("iothub-connection-device-id")),
            "d1");
  EXPECT_EQ(std::get<std::string>(*m.application_properties.find("level")), "info");
  EXPECT_EQ(m.application_properties.find("empty")->index(), 0u);
  EXPECT_EQ(m.time_to_live_ns, kNever);  // IoT Hub sets none
}

TEST(ApplicationPropertiesTest, NamesIgnoreCaseAndKeepTheirPosition) {
  ApplicationProperties p;
  p.set("Alpha", int64_t{1});
  p.set("beta", std::string("b"));
  p.set("ALPHA", int64_t{2});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p.begin()->name, "Alpha");
  EXPECT_EQ(std::get<int64_t>(*p.find("alpha")), 2);
  EXPECT_TRUE(p.erase("BETA"));
  EXPECT_FALSE(p.erase("beta"));
  EXPECT_EQ(p.size(), 1u);
}

TEST(BrokeredMessageTest, CountsSizeFromBodyPropertiesAndBrokerStrings) {
  BrokeredMessage m;
  m.body = "12345";
  m.message_id = "ab";
  m.application_properties.set("k", std::string("vvv"));
  m.application_properties.set("n", int64_t{7});
  EXPECT_EQ(messageSize(m), 5u + 2u + (1u + 3u) + (1u + 8u));
}

TEST(BrokeredMessageTest, PrintsValuesAsDotNetDoes) {
  EXPECT_EQ(propertyValueText(PropertyValue(true)), "True");
  EXPECT_EQ(propertyValueText(PropertyValue(int64_t{-5})), "-5");
  EXPECT_EQ(propertyValueText(PropertyValue(2.5)), "2.5");
  EXPECT_EQ(propertyValueText(PropertyValue(std::nan(""))), "NaN");
  EXPECT_EQ(propertyValueText(PropertyValue()), "");
}

TEST(BrokeredMessageTest, FormatsAndParsesUtcWithSevenDigits) {
  EXPECT_EQ(formatUtc(kJan2024 + 685'000'000), "2024-01-01T00:00:00.6850000Z");
  EXPECT_EQ(parseUtc("2024-01-01T00:00:00.6850000Z"), kJan2024 + 685'000'000);
  EXPECT_EQ(formatUtc(0), "1970-01-01T00:00:00.0000000Z");
  EXPECT_FALSE(parseUtc("2024-01-01T00:00:00Z").has_value());
  EXPECT_FALSE(parseUtc("2024-13-01T00:00:00.0000000Z").has_value());
}

BrokeredMessage stored() {
  BrokeredMessage m = fromEndpointMessage(endpointMessage());
  m.subject = "alert";
  m.to = "ops";
  m.sequence_number = 9;
  m.enqueued_ns = 5'000'000'000;
  m.enqueued_time_utc_ns = kJan2024 + 5'000'000'000;
  m.expires_ns = 65'000'000'000;
  m.delivery_count = 2;
  m.lock_token = "tok";
  m.locked_until_ns = 35'000'000'000;
  m.dead_letter_reason = "MaxDeliveryCountExceeded";
  m.application_properties.set("count", int64_t{4});
  m.application_properties.set("ratio", 0.25);
  m.application_properties.set("whole", 3.0);
  m.application_properties.set("ok", false);
  return m;
}

TEST(BrokeredMessageTest, JsonRoundTripsEveryField) {
  BrokeredMessage m = stored();
  std::string json = messageToJson(m);
  EXPECT_NE(json.find("\"EnqueuedTimeUtc\":\"2024-01-01T00:00:05.0000000Z\""), std::string::npos);
  EXPECT_NE(json.find("\"ExpiresAtUtc\":\"2024-01-01T00:01:05.0000000Z\""), std::string::npos);
  EXPECT_NE(json.find("\"Body\":\"{\\\"t\\\":21.5}\""), std::string::npos);
  auto back = messageFromJson(json);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, m);
  // 3.0 stays a double, not an integer.
  EXPECT_TRUE(std::holds_alternative<double>(*back->application_properties.find("whole")));
}

TEST(BrokeredMessageTest, WritesABinaryBodyAsBase64) {
  BrokeredMessage m = stored();
  m.body = std::string("\xff\x00\x01", 3);
  std::string json = messageToJson(m);
  EXPECT_NE(json.find("\"BodyBase64\":\"/wAB\""), std::string::npos);
  auto back = messageFromJson(json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->body, m.body);
}

TEST(BrokeredMessageTest, ReplacesInvalidUtf8InStringsSoTheLineStaysJson) {
  BrokeredMessage m;
  m.application_properties.set("k", std::string("a\xff"));
  auto back = messageFromJson(messageToJson(m));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(std::get<std::string>(*back->application_properties.find("k")), "a\xEF\xBF\xBD");
  // A surrogate encoded as three bytes (WTF-8) is not UTF-8 either.
  BrokeredMessage s;
  s.message_id = "\xED\xA0\x80";
  auto surrogate = messageFromJson(messageToJson(s));
  ASSERT_TRUE(surrogate.ok()) << surrogate.error().message();
  EXPECT_EQ(surrogate->message_id, "\xEF\xBF\xBD");
}

TEST(BrokeredMessageTest, ReadErrorsNameTheMemberAndItsOffset) {
  auto r = messageFromJson(R"({"SequenceNumber":1,"DeliveryCount":"two"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().span().offset, 20u);
  EXPECT_EQ(r.error().message(), "message member 'DeliveryCount': expected a count");
  auto t = messageFromJson(R"({"EnqueuedTimeUtc":"yesterday"})");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message().find("expected a time like 2018-07-05T15:11:42.6850000Z"),
            std::string::npos);
  auto p = messageFromJson(R"({"ApplicationProperties":{"a":[1]}})");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().span().offset, 26u);  // the key "a"
  EXPECT_FALSE(messageFromJson("[1]").ok());
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
