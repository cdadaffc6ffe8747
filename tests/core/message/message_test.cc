#include "core/message/message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace routesim::message {
namespace {

std::vector<std::string> names(const PropertyMap& map) {
  std::vector<std::string> out;
  for (const Property& p : map) out.push_back(p.name);
  return out;
}

TEST(PropertyMapTest, FindsNamesIgnoringCase) {
  PropertyMap map;
  map.set("contentType", "application/json");
  const Property* p = map.find("CONTENTTYPE");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "contentType");
  ASSERT_TRUE(p->value.has_value());
  EXPECT_EQ(*p->value, "application/json");
  EXPECT_EQ(map.find("contentEncoding"), nullptr);
  EXPECT_EQ(map.find("contentTyp"), nullptr);
}

TEST(PropertyMapTest, SetReplacesNameGivenInAnyCase) {
  PropertyMap map;
  map.set("Key", "1");
  map.set("other", "x");
  map.set("KEY", "2");
  ASSERT_EQ(map.size(), 2u);
  const Property* p = map.find("key");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->value, "2");
  // The replaced property keeps its place in the bag.
  EXPECT_EQ(map.begin()->value, "2");
  EXPECT_EQ(names(map)[1], "other");
}

TEST(PropertyMapTest, KeepsInsertionOrder) {
  PropertyMap map;
  map.set("b", "1");
  map.set("a", "2");
  map.set("c", "3");
  EXPECT_EQ(names(map), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(PropertyMapTest, StoresNullValueDistinctFromEmptyAndMissing) {
  PropertyMap map;
  map.set("nothing", std::nullopt);
  map.set("empty", "");
  ASSERT_NE(map.find("nothing"), nullptr);
  EXPECT_FALSE(map.find("nothing")->value.has_value());
  ASSERT_NE(map.find("empty"), nullptr);
  EXPECT_EQ(map.find("empty")->value, "");
  EXPECT_EQ(map.find("absent"), nullptr);
  map.set("NOTHING", "now");
  EXPECT_EQ(map.find("nothing")->value, "now");
  map.set("Empty", std::nullopt);
  EXPECT_FALSE(map.find("empty")->value.has_value());
}

TEST(PropertyMapTest, EraseRemovesNameIgnoringCase) {
  PropertyMap map;
  map.set("a", "1");
  map.set("Temp", "2");
  map.set("c", "3");
  EXPECT_TRUE(map.erase("TEMP"));
  EXPECT_EQ(map.find("temp"), nullptr);
  EXPECT_EQ(names(map), (std::vector<std::string>{"a", "c"}));
  EXPECT_FALSE(map.erase("temp"));
  EXPECT_EQ(map.size(), 2u);
}

TEST(PropertyMapTest, EraseFoldsNamesBeyondAscii) {
  PropertyMap map;
  map.set("Straße", "1");
  map.set("TEMP", "2");
  map.set("ÉTÉ", "3");
  EXPECT_FALSE(map.erase("strasse-not"));
  EXPECT_TRUE(map.erase("été"));
  EXPECT_TRUE(map.erase("temp"));
  EXPECT_EQ(names(map), (std::vector<std::string>{"Straße"}));
  EXPECT_FALSE(map.erase("TEMP"));
}

TEST(PropertyMapTest, StartsEmpty) {
  PropertyMap map;
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.begin(), map.end());
  EXPECT_EQ(map.find(""), nullptr);
}

std::vector<std::string> entries(const PropertyMap& m) {
  std::vector<std::string> out;
  for (const Property& p : m) out.push_back(p.name + "=" + p.value.value_or("null"));
  return out;
}

TEST(PropertyMapTest, ClearEmptiesAndRefillingReusesEntries) {
  PropertyMap m;
  m.set("level", "critical");
  m.set("Site", std::nullopt);
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.find("level"), nullptr);  // cleared entries are not found
  m.set("zone", "b");
  m.set("LEVEL", "low");
  EXPECT_EQ(entries(m), (std::vector<std::string>{"zone=b", "LEVEL=low"}));
  EXPECT_EQ(m.find("level")->value, "low");
  EXPECT_EQ(m.find("site"), nullptr);
  m.set("Zone", std::nullopt);  // a reused entry loses its old value
  EXPECT_EQ(entries(m), (std::vector<std::string>{"Zone=null", "LEVEL=low"}));
}

TEST(PropertyMapTest, EraseKeepsOrderAndCopiesHoldOnlyWhatIsInUse) {
  PropertyMap m;
  for (std::string_view n : {"a", "b", "c", "d"}) m.set(n, std::string(n) + "!");
  EXPECT_TRUE(m.erase("B"));
  EXPECT_FALSE(m.erase("b"));
  EXPECT_EQ(entries(m), (std::vector<std::string>{"a=a!", "c=c!", "d=d!"}));
  m.set("e", "e!");
  EXPECT_EQ(entries(m), (std::vector<std::string>{"a=a!", "c=c!", "d=d!", "e=e!"}));
  PropertyMap copy = m;
  copy.set("f", "f!");
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(copy.size(), 5u);
  copy = m;
  EXPECT_EQ(entries(copy), entries(m));
  PropertyMap moved = std::move(copy);
  EXPECT_EQ(entries(moved), entries(m));
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  copy.set("g", "g!");
  EXPECT_EQ(entries(copy), (std::vector<std::string>{"g=g!"}));
}

TEST(PropertyMapTest, NonAsciiNamesFoldAsUtfDoes) {
  PropertyMap m;
  m.set("Température", "1");
  m.set("TEMPÉRATURE", "2");
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.find("température")->value, "2");
}

TEST(MessageSizeTest, CountsBodySystemValuesAndAppNamesAndValues) {
  Message m;
  m.device_id = "device-with-a-long-id";                       // not counted
  m.body.assign("0123456789");                                 // 10
  m.system_properties.set("contentType", "application/json");  // value only: 16
  m.system_properties.set("messageId", std::nullopt);          // 0
  m.app_properties.set("k", "vv");                             // 1 + 2
  m.app_properties.set("flag", std::nullopt);                  // 4
  m.twin = PaddedBytes("{\"tags\":{}}");                       // not counted
  EXPECT_EQ(messageSize(m), 10u + 16u + 3u + 4u);
}

TEST(MessageSizeTest, CountsBytesNotCharacters) {
  Message m;
  m.body.assign("é");              // 2 bytes
  m.app_properties.set("ü", "€");  // 2 + 3
  EXPECT_EQ(messageSize(m), 7u);
  EXPECT_EQ(messageSize(Message{}), 0u);
}

TEST(MessageSizeTest, LimitIsIotHubs256KiB) { EXPECT_EQ(kMaxMessageBytes, 256u * 1024u); }

TEST(MessageSourceTest, ParsesArmNamesIgnoringCase) {
  EXPECT_EQ(parseSource("DeviceMessages"), MessageSource::kDeviceMessages);
  EXPECT_EQ(parseSource("twinchangeevents"), MessageSource::kTwinChangeEvents);
  EXPECT_EQ(parseSource("DEVICELIFECYCLEEVENTS"), MessageSource::kDeviceLifecycleEvents);
  EXPECT_EQ(parseSource("DeviceConnectionStateEvents"),
            MessageSource::kDeviceConnectionStateEvents);
  EXPECT_EQ(parseSource("DeviceJobLifecycleEvents"), MessageSource::kDeviceJobLifecycleEvents);
  EXPECT_EQ(parseSource("DigitalTwinChangeEvents"), MessageSource::kDigitalTwinChangeEvents);
}

TEST(MessageSourceTest, RejectsUnknownNames) {
  EXPECT_EQ(parseSource(""), std::nullopt);
  EXPECT_EQ(parseSource("DeviceMessage"), std::nullopt);
  EXPECT_EQ(parseSource("DeviceMessagesX"), std::nullopt);
  EXPECT_EQ(parseSource("Invalid"), std::nullopt);
}

TEST(MessageSourceTest, NamesRoundTrip) {
  for (auto s :
       {MessageSource::kDeviceMessages, MessageSource::kTwinChangeEvents,
        MessageSource::kDeviceLifecycleEvents, MessageSource::kDeviceConnectionStateEvents,
        MessageSource::kDeviceJobLifecycleEvents, MessageSource::kDigitalTwinChangeEvents}) {
    EXPECT_EQ(parseSource(sourceName(s)), s) << sourceName(s);
  }
  EXPECT_EQ(sourceName(MessageSource::kTwinChangeEvents), "TwinChangeEvents");
}

TEST(PaddedBytesTest, KeepsPaddingPastTheEnd) {
  PaddedBytes b("{\"a\":1}");
  EXPECT_EQ(b.view(), "{\"a\":1}");
  EXPECT_GE(b.capacity(), b.size() + PaddedBytes::kPadding);
  PaddedBytes copy = b;
  EXPECT_EQ(copy.view(), b.view());
  EXPECT_GE(copy.capacity(), copy.size() + PaddedBytes::kPadding);
  PaddedBytes assigned;
  EXPECT_TRUE(assigned.empty());
  EXPECT_GE(assigned.capacity(), PaddedBytes::kPadding);
  assigned = b;
  EXPECT_GE(assigned.capacity(), assigned.size() + PaddedBytes::kPadding);
  const std::string big(1000, 'x');
  assigned.assign(big);
  EXPECT_EQ(assigned.size(), 1000u);
  EXPECT_GE(assigned.capacity(), 1000u + PaddedBytes::kPadding);
}

}  // namespace
}  // namespace routesim::message
