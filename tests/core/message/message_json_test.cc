#include "core/message/message_json.h"

#include <gtest/gtest.h>

#include <string>

#include "core/common/json.h"

namespace routesim::message {
namespace {

using namespace std::string_view_literals;

json::Value parseJson(std::string_view text) {
  auto r = json::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? std::move(r).value() : json::Value();
}

Message readOk(std::string_view text) {
  auto r = messageFromJson(parseJson(text), "$.message");
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? std::move(r).value() : Message{};
}

Error readError(std::string_view text) {
  auto r = messageFromJson(parseJson(text), "$.message");
  EXPECT_FALSE(r.ok()) << text << " was accepted";
  return r.ok() ? Error(ErrorCode::kInternal, "accepted") : r.error();
}

uint32_t offsetOf(std::string_view text, std::string_view needle) {
  return static_cast<uint32_t>(text.find(needle));
}

bool startsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

TEST(MessageJsonTest, ReadsIdsAndProperties) {
  Message m = readOk(R"({"deviceId": "d1", "moduleId": "m1",
      "appProperties": {"temp": "21", "flag": null},
      "systemProperties": {"contentType": "application/json", "messageId": "id-1"}})");
  EXPECT_EQ(m.device_id, "d1");
  EXPECT_EQ(m.module_id, "m1");
  ASSERT_EQ(m.app_properties.size(), 2u);
  EXPECT_EQ(m.app_properties.find("TEMP")->value, "21");
  ASSERT_NE(m.app_properties.find("flag"), nullptr);
  EXPECT_FALSE(m.app_properties.find("flag")->value.has_value());
  EXPECT_EQ(m.system_properties.find("messageId")->value, "id-1");
  EXPECT_TRUE(m.body.empty()) << "no body at all is an empty body";
  EXPECT_EQ(m.source, MessageSource::kDeviceMessages);
  EXPECT_FALSE(m.twin.has_value());
}

TEST(MessageJsonTest, IgnoresUnknownKeys) {
  Message m = readOk(R"({"expect": true, "note": [1, 2], "bodyText": "x"})");
  EXPECT_EQ(m.body.view(), "x");
}

TEST(MessageJsonTest, WritesBodyAsCompactJsonInKeyOrder) {
  Message m = readOk(R"({"body": { "zeta" : [1, 2.50, 1E3], "alpha": {"s": "a\u0041"} }})");
  EXPECT_EQ(m.body.view(), R"({"zeta":[1,2.50,1E3],"alpha":{"s":"aA"}})");
  EXPECT_GE(m.body.capacity(), m.body.size() + PaddedBytes::kPadding);
}

TEST(MessageJsonTest, WritesScalarBodyAsJson) {
  EXPECT_EQ(readOk(R"({"body": "hi"})").body.view(), R"("hi")");
  EXPECT_EQ(readOk(R"({"body": 1.50})").body.view(), "1.50");
  EXPECT_EQ(readOk(R"({"body": null})").body.view(), "null");
}

TEST(MessageJsonTest, TakesBodyTextAsIs) {
  Message m = readOk(R"({"bodyText": "{\"a\": 1,, malformed\n\u0001 csv,line"})");
  EXPECT_EQ(m.body.view(), "{\"a\": 1,, malformed\n\x01 csv,line");
}

TEST(MessageJsonTest, DecodesBodyBase64) {
  Message m = readOk(R"({"bodyBase64": "AAEC/w=="})");
  EXPECT_EQ(m.body.view(), "\x00\x01\x02\xFF"sv);
}

TEST(MessageJsonTest, RejectsBadBase64WithPathAndOffset) {
  std::string_view text = R"({"bodyBase64": "AA!C"})";
  Error e = readError(text);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(startsWith(e.message(), "$.message.bodyBase64: ")) << e.message();
  EXPECT_NE(e.message().find("character 2"), std::string::npos) << e.message();
  EXPECT_TRUE(e.hasSpan());
  EXPECT_EQ(e.span().offset, offsetOf(text, "\"AA!C\""));
}

TEST(MessageJsonTest, RejectsBodyAndBodyTextTogether) {
  std::string_view text = R"({"body": {"a": 1}, "bodyText": "x"})";
  Error e = readError(text);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(startsWith(e.message(), "$.message.bodyText: ")) << e.message();
  EXPECT_NE(e.message().find("'body'"), std::string::npos) << e.message();
  EXPECT_EQ(e.span().offset, offsetOf(text, "\"x\""));
}

TEST(MessageJsonTest, RejectsBodyTextAndBodyBase64Together) {
  std::string_view text = R"({"bodyText": "x", "bodyBase64": "AA=="})";
  Error e = readError(text);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(startsWith(e.message(), "$.message.bodyBase64: ")) << e.message();
  EXPECT_NE(e.message().find("'bodyText'"), std::string::npos) << e.message();
  EXPECT_EQ(e.span().offset, offsetOf(text, "\"AA==\""));
}

TEST(MessageJsonTest, RejectsAppPropertyThatIsNotAString) {
  std::string_view text = R"({"appProperties": {"ok": "1", "x": 5}})";
  Error e = readError(text);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(e.message(), "$.message.appProperties.x: expected a string or null, found number");
  EXPECT_TRUE(e.hasSpan());
  EXPECT_EQ(e.span().offset, offsetOf(text, "5"));
}

TEST(MessageJsonTest, NamesPropertyWithSpecialCharactersInBrackets) {
  Error e = readError(R"({"systemProperties": {"a b": true}})");
  EXPECT_EQ(e.message(),
            "$.message.systemProperties[\"a b\"]: expected a string or null, found boolean");
}

TEST(MessageJsonTest, RejectsPropertiesThatAreNotAnObject) {
  std::string_view text = R"({"appProperties": ["a"]})";
  Error e = readError(text);
  EXPECT_EQ(e.message(), "$.message.appProperties: expected an object of strings, found array");
  EXPECT_EQ(e.span().offset, offsetOf(text, "["));
}

TEST(MessageJsonTest, RejectsWrongTypesOfIdsAndBodies) {
  EXPECT_EQ(readError(R"({"deviceId": 7})").message(),
            "$.message.deviceId: expected a string, found number");
  EXPECT_EQ(readError(R"({"moduleId": null})").message(),
            "$.message.moduleId: expected a string, found null");
  EXPECT_EQ(readError(R"({"bodyText": {}})").message(),
            "$.message.bodyText: expected a string, found object");
  EXPECT_EQ(readError(R"({"bodyBase64": 1})").message(),
            "$.message.bodyBase64: expected a base64 string, found number");
}

TEST(MessageJsonTest, RejectsMessageThatIsNotAnObject) {
  Error e = readError(R"(  "text")");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(e.message(), "$.message: expected a message object, found string");
  EXPECT_EQ(e.span().offset, 2u);
}

TEST(MessageJsonTest, EncodesBodyTextAsUtf16LittleEndianWithoutBom) {
  Message m = readOk(R"({"systemProperties": {"contentEncoding": "UTF-16"}, "bodyText": "hé😀"})");
  EXPECT_EQ(m.body.view(), "\x68\x00\xE9\x00\x3D\xD8\x00\xDE"sv);
}

TEST(MessageJsonTest, EncodesBodyAsUtf32LittleEndianWithoutBom) {
  Message m = readOk(R"({"systemProperties": {"contentEncoding": "utf-32"}, "body": {"a": 1}})");
  EXPECT_EQ(m.body.view(), "{\0\0\0\"\0\0\0a\0\0\0\"\0\0\0:\0\0\0001\0\0\0}\0\0\0"sv);
}

TEST(MessageJsonTest, EncodesBodyWhateverTheOrderOfKeys) {
  // contentEncoding comes after the body in the object; it still applies.
  Message m = readOk(R"({"bodyText": "A", "systemProperties": {"contentEncoding": "utf-16"}})");
  EXPECT_EQ(m.body.view(), "A\0"sv);
}

TEST(MessageJsonTest, KeepsUtf8ForUnknownEncodingAndBase64Bytes) {
  EXPECT_EQ(
      readOk(R"({"systemProperties": {"contentEncoding": "gzip"}, "bodyText": "hé"})").body.view(),
      "hé");
  EXPECT_EQ(readOk(R"({"systemProperties": {"contentEncoding": "utf-16"}, "bodyBase64": "QQ=="})")
                .body.view(),
            "A")
      << "bodyBase64 gives the bytes themselves";
}

TEST(MessageJsonTest, NamesTextEncodings) {
  EXPECT_EQ(textEncodingOf("utf-16"), TextEncoding::kUtf16);
  EXPECT_EQ(textEncodingOf("UTF-16"), TextEncoding::kUtf16);
  EXPECT_EQ(textEncodingOf("Utf-32"), TextEncoding::kUtf32);
  EXPECT_EQ(textEncodingOf("utf-8"), TextEncoding::kUtf8);
  EXPECT_EQ(textEncodingOf(""), TextEncoding::kUtf8);
  EXPECT_EQ(textEncodingOf("utf-16be"), TextEncoding::kUtf8);
}

TEST(TwinJsonTest, ReadsTwinAsCompactJson) {
  auto r = twinFromJson(
      parseJson(
          R"({"tags": {"site": "A"}, "properties": {"desired": {}, "reported": {"v": 1.0}}})"),
      "$.twin");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->view(), R"({"tags":{"site":"A"},"properties":{"desired":{},"reported":{"v":1.0}}})");
  EXPECT_GE(r->capacity(), r->size() + PaddedBytes::kPadding);
}

TEST(TwinJsonTest, AcceptsEmptyTwin) {
  auto r = twinFromJson(parseJson("{}"), "$.twin");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->view(), "{}");
}

TEST(TwinJsonTest, RejectsTwinThatIsNotAnObject) {
  auto r = twinFromJson(parseJson("[1]"), "$.twin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(startsWith(r.error().message(), "$.twin: expected a twin object"))
      << r.error().message();
  EXPECT_NE(r.error().message().find("found array"), std::string::npos);
}

TEST(TwinJsonTest, RejectsTagsThatAreNotAnObject) {
  std::string_view text = R"({"tags": "x"})";
  auto r = twinFromJson(parseJson(text), "$.twin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "$.twin.tags: expected an object, found string");
  EXPECT_EQ(r.error().span().offset, offsetOf(text, "\"x\""));
}

TEST(TwinJsonTest, RejectsPropertiesSectionsThatAreNotObjects) {
  std::string_view text = R"({"properties": {"desired": {}, "reported": [1]}})";
  auto r = twinFromJson(parseJson(text), "$.twin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "$.twin.properties.reported: expected an object, found array");
  EXPECT_EQ(r.error().span().offset, offsetOf(text, "[1]"));
  auto p = twinFromJson(parseJson(R"({"properties": null})"), "$.twin");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message(), "$.twin.properties: expected an object, found null");
}

// Writes `m` with messageToJson and reads it back with messageFromJson.
Message roundTrip(const Message& m) {
  std::string text = messageToJson(m);
  auto parsed = json::parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  if (!parsed.ok()) return Message{};
  auto back = messageFromJson(*parsed, "$");
  EXPECT_TRUE(back.ok()) << text << ": " << (back.ok() ? "" : back.error().message());
  return back.ok() ? std::move(back).value() : Message{};
}

TEST(MessageToJsonTest, WritesJsonBodyAsBody) {
  Message m;
  m.system_properties.set("contentType", "Application/JSON");
  m.body.assign(R"({"a":[1,2.50]})");
  EXPECT_EQ(messageToJson(m),
            R"({"systemProperties":{"contentType":"Application/JSON"},"body":{"a":[1,2.50]}})");
}

TEST(MessageToJsonTest, WritesTextAsBodyText) {
  Message m;
  m.body.assign("a,b\n1,2");
  EXPECT_EQ(messageToJson(m), R"({"bodyText":"a,b\n1,2"})");
  // JSON content that is not in compact form stays text, so its bytes survive.
  Message spaced;
  spaced.system_properties.set("contentType", "application/json");
  spaced.body.assign(R"({ "a": 1 })");
  EXPECT_EQ(messageToJson(spaced),
            R"({"systemProperties":{"contentType":"application/json"},"bodyText":"{ \"a\": 1 }"})");
}

TEST(MessageToJsonTest, WritesBytesThatAreNotTextAsBodyBase64) {
  Message m;
  m.body.assign("\x00\xFF\x10"sv);
  EXPECT_EQ(messageToJson(m), R"({"bodyBase64":"AP8Q"})");
}

TEST(MessageToJsonTest, WritesIdsAndPropertiesIncludingNull) {
  Message m;
  m.device_id = "d1";
  m.module_id = "m\"1";
  m.app_properties.set("k", "v");
  m.app_properties.set("n", std::nullopt);
  EXPECT_EQ(messageToJson(m),
            R"({"deviceId":"d1","moduleId":"m\"1","appProperties":{"k":"v","n":null}})");
  EXPECT_EQ(messageToJson(Message{}), "{}");
}

TEST(MessageToJsonTest, RoundTripsJsonBodyInUtf16) {
  Message original = readOk(
      R"({"deviceId": "d", "systemProperties": {"contentType": "application/json", "contentEncoding": "utf-16"}, "body": {"t": "é😀"}})");
  std::string text = messageToJson(original);
  EXPECT_NE(text.find(R"("body":{"t":"é😀"})"), std::string::npos) << text;
  Message back = roundTrip(original);
  EXPECT_EQ(back.body.view(), original.body.view());
  EXPECT_EQ(back.device_id, "d");
  EXPECT_EQ(back.system_properties.find("contentEncoding")->value, "utf-16");
}

TEST(MessageToJsonTest, RoundTripsInvalidUtf16AsBase64) {
  Message m;
  m.system_properties.set("contentEncoding", "utf-16");
  m.body.assign("\x41\x00\x3D"sv);  // odd length
  std::string text = messageToJson(m);
  EXPECT_NE(text.find("\"bodyBase64\""), std::string::npos) << text;
  EXPECT_EQ(roundTrip(m).body.view(), m.body.view());
}

TEST(MessageToJsonTest, RoundTripsEveryBodyForm) {
  for (
      std::string_view input : {
          R"({"appProperties": {"a": "1", "b": null}, "bodyText": "plain \u0001 text"})"sv,
          R"({"systemProperties": {"contentType": "application/json"}, "body": [1, {"x": null}]})"sv,
          R"({"systemProperties": {"contentEncoding": "utf-32"}, "bodyText": "x😀"})"sv,
          R"({"bodyBase64": "gICA"})"sv,
      }) {
    Message original = readOk(input);
    Message back = roundTrip(original);
    EXPECT_EQ(back.body.view(), original.body.view()) << input;
    EXPECT_EQ(back.app_properties.size(), original.app_properties.size()) << input;
    EXPECT_EQ(messageToJson(back), messageToJson(original)) << input;
  }
}

}  // namespace
}  // namespace routesim::message
