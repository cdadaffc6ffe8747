#include "core/message/json_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/common/utf.h"

namespace routesim::message {
namespace {

using namespace std::string_view_literals;

JsonPath path(std::string_view text) {
  auto r = parseJsonPath(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? std::move(r).value() : JsonPath{};
}

// A reader, a path set and the document bytes of one test.
class JsonReaderTest : public ::testing::Test {
 protected:
  uint32_t add(std::string_view p) { return paths_.add(path(p)); }

  bool extract(std::string_view text, Validation validation = Validation::kFull) {
    doc_.assign(text);
    out_.assign(paths_.slotCount() + 1, JsonScalar{});
    return reader_.extract(doc_.view(), doc_.capacity(), paths_,
                           std::span<JsonScalar>(out_.data(), paths_.slotCount()), validation);
  }

  const JsonScalar& at(uint32_t slot) const { return out_[slot]; }

  PathSet paths_;
  JsonReader reader_;
  PaddedBytes doc_;
  std::vector<JsonScalar> out_;
};

TEST(PathSetTest, InternsEqualPathsInOneSlot) {
  PathSet set;
  uint32_t a = set.add(path("a.b"));
  uint32_t b = set.add(path("a.c"));
  uint32_t again = set.add(path("a.b"));
  EXPECT_EQ(a, again);
  EXPECT_NE(a, b);
  EXPECT_EQ(set.slotCount(), 2u);
  EXPECT_EQ(set.pathOf(b), path("a.c"));
}

TEST(PathSetTest, GivesPrefixesAndIndexesTheirOwnSlots) {
  PathSet set;
  uint32_t a = set.add(path("a"));
  uint32_t ab = set.add(path("a.b"));
  uint32_t a0 = set.add(path("a[0]"));
  uint32_t a1 = set.add(path("a[1]"));
  EXPECT_EQ(set.slotCount(), 4u);
  EXPECT_NE(a, ab);
  EXPECT_NE(a, a0);
  EXPECT_NE(a0, a1);
  EXPECT_EQ(set.add(path("a[0]")), a0);
  EXPECT_EQ(set.keyMatch(), PathSet::KeyMatch::kExact);
  EXPECT_EQ(PathSet(PathSet::KeyMatch::kIgnoreCase).keyMatch(), PathSet::KeyMatch::kIgnoreCase);
}

TEST_F(JsonReaderTest, ExtractsSeveralPathsInOnePass) {
  uint32_t ab = add("a.b");
  uint32_t ac = add("a.c");
  uint32_t arr0 = add("arr[0]");
  uint32_t arr1k = add("arr[1].k");
  uint32_t n = add("n");
  uint32_t deep = add("x.y.z");
  ASSERT_TRUE(extract(
      R"({"a": {"b": 1.5, "c": "text"}, "arr": [10, {"k": true}], "n": null, "x": {"y": {"z": false}}})"));
  EXPECT_EQ(at(ab).kind, JsonKind::kNumber);
  EXPECT_EQ(at(ab).number, 1.5);
  EXPECT_EQ(at(ac).kind, JsonKind::kString);
  EXPECT_EQ(at(ac).string, "text");
  EXPECT_EQ(at(arr0).kind, JsonKind::kNumber);
  EXPECT_EQ(at(arr0).number, 10.0);
  EXPECT_EQ(at(arr1k).kind, JsonKind::kBool);
  EXPECT_TRUE(at(arr1k).boolean);
  EXPECT_EQ(at(n).kind, JsonKind::kNull);
  EXPECT_EQ(at(deep).kind, JsonKind::kBool);
  EXPECT_FALSE(at(deep).boolean);
}

TEST_F(JsonReaderTest, ReportsMissingPaths) {
  uint32_t absent = add("absent");
  uint32_t through_scalar = add("a.b.c");
  uint32_t past_end = add("arr[5]");
  uint32_t index_of_object = add("a[0]");
  uint32_t name_in_array = add("arr.k");
  ASSERT_TRUE(extract(R"({"a": {"b": 1}, "arr": [1, 2]})"));
  EXPECT_EQ(at(absent).kind, JsonKind::kMissing);
  EXPECT_EQ(at(through_scalar).kind, JsonKind::kMissing);
  EXPECT_EQ(at(past_end).kind, JsonKind::kMissing);
  EXPECT_EQ(at(index_of_object).kind, JsonKind::kMissing);
  EXPECT_EQ(at(name_in_array).kind, JsonKind::kMissing);
}

TEST_F(JsonReaderTest, ReportsObjectsAndArraysByKind) {
  uint32_t obj = add("obj");
  uint32_t arr = add("arr");
  uint32_t inner = add("obj.list");
  uint32_t leaf = add("obj.list[0]");
  ASSERT_TRUE(extract(R"({"obj": {"list": ["v"]}, "arr": []})"));
  EXPECT_EQ(at(obj).kind, JsonKind::kObject);
  EXPECT_EQ(at(arr).kind, JsonKind::kArray);
  EXPECT_EQ(at(inner).kind, JsonKind::kArray);
  EXPECT_EQ(at(leaf).kind, JsonKind::kString);
  EXPECT_EQ(at(leaf).string, "v");
}

TEST_F(JsonReaderTest, TakesFirstOccurrenceOfDuplicateKeys) {
  uint32_t a = add("a");
  uint32_t ox = add("o.x");
  ASSERT_TRUE(extract(R"({"a": 1, "o": {"x": "first"}, "a": 2, "o": {"x": "second"}})"));
  EXPECT_EQ(at(a).number, 1.0);
  EXPECT_EQ(at(ox).string, "first");
}

TEST_F(JsonReaderTest, MatchesKeysExactlyByDefault) {
  uint32_t temp = add("Temp");
  ASSERT_TRUE(extract(R"({"TEMP": 3, "temp": 4})"));
  EXPECT_EQ(at(temp).kind, JsonKind::kMissing);
}

TEST(JsonReaderIgnoreCaseTest, MatchesKeysIgnoringCase) {
  PathSet set(PathSet::KeyMatch::kIgnoreCase);
  uint32_t temp = set.add(path("Temp.Unit"));
  JsonReader reader;
  PaddedBytes doc(R"({"TEMP": {"unit": "C"}, "temp": {"UNIT": "F"}})");
  std::vector<JsonScalar> out(set.slotCount());
  ASSERT_TRUE(reader.extract(doc.view(), doc.capacity(), set, out));
  EXPECT_EQ(out[temp].kind, JsonKind::kString);
  EXPECT_EQ(out[temp].string, "C") << "the first key matching in any case wins";
}

TEST(JsonReaderIgnoreCaseTest, FoldsNonAsciiKeys) {
  PathSet set(PathSet::KeyMatch::kIgnoreCase);
  uint32_t t = set.add(path("température"));
  JsonReader reader;
  PaddedBytes doc(R"({"TEMPÉRATURE": 1})");
  std::vector<JsonScalar> out(set.slotCount());
  ASSERT_TRUE(reader.extract(doc.view(), doc.capacity(), set, out));
  EXPECT_EQ(out[t].kind, JsonKind::kNumber);
}

TEST_F(JsonReaderTest, MatchesKeysAfterUnescaping) {
  uint32_t a = add("A");
  uint32_t e = add("é");
  uint32_t quote = paths_.add(JsonPath{{"q\"k", std::nullopt}});
  ASSERT_TRUE(extract(R"({"\u0041": 5, "\u00e9": "acute", "q\"k": true})"));
  EXPECT_EQ(at(a).kind, JsonKind::kNumber);
  EXPECT_EQ(at(a).number, 5.0);
  EXPECT_EQ(at(e).string, "acute");
  EXPECT_EQ(at(quote).kind, JsonKind::kBool);
}

TEST_F(JsonReaderTest, UnescapesStringValues) {
  uint32_t s = add("s");
  ASSERT_TRUE(extract(R"({"s": "a\"b\\c\u00e9\n"})"));
  EXPECT_EQ(at(s).string, "a\"b\\cé\n");
}

TEST_F(JsonReaderTest, ReadsOutOfRangeNumbersAsInfinity) {
  uint32_t big = add("big");
  uint32_t neg = add("neg");
  uint32_t tiny = add("tiny");
  ASSERT_TRUE(extract(R"({"big": 1e400, "neg": -1e400 , "tiny": 1e-400})"));
  EXPECT_EQ(at(big).kind, JsonKind::kNumber);
  EXPECT_EQ(at(big).number, std::numeric_limits<double>::infinity());
  EXPECT_EQ(at(neg).number, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(at(tiny).kind, JsonKind::kNumber);
  EXPECT_EQ(at(tiny).number, 0.0);
}

TEST_F(JsonReaderTest, FailsOnSyntaxErrorAnywhereWithFullValidation) {
  uint32_t a = add("a");
  EXPECT_FALSE(extract(R"({"a":1,"b":[tru]})"));
  EXPECT_EQ(at(a).kind, JsonKind::kUndefined);
  EXPECT_FALSE(extract(R"({"a":1,"b":{"c":01}})"));
  EXPECT_EQ(at(a).kind, JsonKind::kUndefined);
  EXPECT_FALSE(extract(R"({"a":1,"b":"\x"})"));
  EXPECT_FALSE(extract(R"({"a":1,"b":[1.]})"));
  EXPECT_FALSE(extract(R"({"a":1,"b":nul})"));
  EXPECT_FALSE(extract(R"({"a":1,"b":[1,]})"));
}

TEST_F(JsonReaderTest, FailsOnSyntaxErrorInIgnoredDuplicate) {
  uint32_t a = add("a");
  EXPECT_FALSE(extract(R"({"a": 1, "a": tru})"));
  EXPECT_EQ(at(a).kind, JsonKind::kUndefined);
}

// A string followed by ':' where ',' belongs; On-Demand alone would skip it as a key. Found by
// query_fuzz: the verdict must not depend on which paths a caller reads.
TEST_F(JsonReaderTest, FailsOnColonAfterUnreadString) {
  uint32_t site = add("tags.site");
  EXPECT_FALSE(extract(R"({"":"":{""[]}}})"));
  EXPECT_FALSE(extract(R"({"tags":"x":{"s":1}})"));
  EXPECT_FALSE(extract(R"({"q":["x":1]})"));
  EXPECT_EQ(at(site).kind, JsonKind::kUndefined);
  EXPECT_TRUE(extract(R"({"":"","tags":{"site":"x"}})"));
  EXPECT_EQ(at(site).kind, JsonKind::kString);
}

// Keys are strings too: with full validation a bad escape or a control character in any key
// fails the document, whether or not a path reads inside it. Found by query_fuzz.
TEST_F(JsonReaderTest, FailsOnBadKeyAnywhereWithFullValidation) {
  uint32_t x = add("x");
  EXPECT_FALSE(extract(R"({"a":{"\ub":[10,5]},"x":1})"));
  EXPECT_EQ(at(x).kind, JsonKind::kUndefined);
  EXPECT_FALSE(extract(R"({"a":[{"\q":1}],"x":1})"));
  EXPECT_FALSE(extract("{\"a\":{\"k\x01\":1},\"x\":1}"));
  EXPECT_FALSE(extract(R"({"\ud800":1,"x":1})"));
  ASSERT_TRUE(extract(R"({"a":{"\u0062\"":[10,5]},"x":1})"));
  EXPECT_EQ(at(x).kind, JsonKind::kNumber);
  ASSERT_TRUE(extract(R"({"a":{"\ub":1},"x":1})", Validation::kPaths));
}

// simdjson's rules for surrogate escapes hold for strings no path reads, so the verdict does
// not depend on which paths are read.
TEST_F(JsonReaderTest, AppliesSurrogateRulesToUnreadStrings) {
  uint32_t x = add("x");
  for (const char* bad : {R"({"s":"\ud800","x":1})", R"({"s":"\udc00","x":1})",
                          R"({"s":"\ud800\u0041","x":1})", R"({"s":"\ud800x","x":1})"}) {
    EXPECT_FALSE(extract(bad)) << bad;
  }
  ASSERT_TRUE(extract(R"({"s":"\ud83d\ude00","x":1})"));
  EXPECT_EQ(at(x).kind, JsonKind::kNumber);
  uint32_t s = add("s");
  EXPECT_FALSE(extract(R"({"s":"\ud800","x":1})"));
  EXPECT_EQ(at(s).kind, JsonKind::kUndefined);
}

TEST_F(JsonReaderTest, FailsOnSyntaxErrorInTheValueItReads) {
  uint32_t a = add("a");
  EXPECT_FALSE(extract(R"({"a":tru})"));
  EXPECT_EQ(at(a).kind, JsonKind::kUndefined);
  EXPECT_FALSE(extract(R"({"a":-})"));
}

TEST(JsonReaderEmptySetTest, ValidatesDocumentWithNoPaths) {
  PathSet set;
  JsonReader reader;
  std::vector<JsonScalar> out(1);
  PaddedBytes good(R"({"a": [1, {"b": null}]})");
  EXPECT_TRUE(reader.extract(good.view(), good.capacity(), set, std::span<JsonScalar>()));
  PaddedBytes bad(R"({"a": [1, {"b": nul}]})");
  EXPECT_FALSE(reader.extract(bad.view(), bad.capacity(), set, std::span<JsonScalar>()));
}

TEST_F(JsonReaderTest, SkipsUnreadValuesWithPathValidation) {
  uint32_t a = add("a");
  ASSERT_TRUE(extract(R"({"a":1,"b":[tru]})", Validation::kPaths));
  EXPECT_EQ(at(a).kind, JsonKind::kNumber);
  EXPECT_EQ(at(a).number, 1.0);
}

TEST_F(JsonReaderTest, FailsOnNonObjectRoot) {
  uint32_t a = add("a");
  EXPECT_FALSE(extract("[1, 2]"));
  EXPECT_EQ(at(a).kind, JsonKind::kUndefined);
  EXPECT_FALSE(extract(R"("a")"));
  EXPECT_FALSE(extract("42"));
  EXPECT_FALSE(extract("null"));
  EXPECT_FALSE(extract(""));
}

TEST_F(JsonReaderTest, FailsOnTrailingContent) {
  uint32_t a = add("a");
  EXPECT_FALSE(extract(R"({"a": 1} x)"));
  EXPECT_EQ(at(a).kind, JsonKind::kUndefined);
  EXPECT_FALSE(extract(R"({"a": 1}{})"));
  EXPECT_FALSE(extract(R"({"a": 1}])"));
  EXPECT_FALSE(extract(R"({"a": 1},)"));
  EXPECT_FALSE(extract(R"({"a": 1} "x")"));
  EXPECT_TRUE(extract("{\"a\": 1}  \r\n\t"));
}

TEST_F(JsonReaderTest, FailsWhenCapacityLacksPadding) {
  uint32_t a = add("a");
  doc_.assign(R"({"a": 1})");
  std::vector<JsonScalar> out(paths_.slotCount());
  EXPECT_FALSE(reader_.extract(doc_.view(), doc_.size() + 1, paths_, out));
  EXPECT_EQ(out[a].kind, JsonKind::kUndefined);
}

TEST_F(JsonReaderTest, ResetsResultsOnEveryExtract) {
  uint32_t a = add("a");
  uint32_t b = add("b");
  ASSERT_TRUE(extract(R"({"a": 1, "b": 2})"));
  EXPECT_EQ(at(b).kind, JsonKind::kNumber);
  ASSERT_TRUE(extract(R"({"a": "x"})"));
  EXPECT_EQ(at(a).kind, JsonKind::kString);
  EXPECT_EQ(at(b).kind, JsonKind::kMissing);
}

// A message whose system properties carry contentType / contentEncoding when given.
Message messageWith(std::optional<std::string_view> type, std::optional<std::string_view> encoding,
                    std::string_view body) {
  Message m;
  if (type) m.system_properties.set("contentType", *type);
  if (encoding) m.system_properties.set("contentEncoding", *encoding);
  m.body.assign(body);
  return m;
}

TEST(JsonBodyTest, ReturnsUtf8BodyWhenPropertiesSayJson) {
  JsonReader reader;
  Message m = messageWith("application/json", "utf-8", R"({"a":1})");
  auto text = reader.jsonBody(m);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->text, R"({"a":1})");
  EXPECT_GE(text->capacity, text->text.size() + PaddedBytes::kPadding);
}

TEST(JsonBodyTest, MatchesPropertyValuesIgnoringCase) {
  JsonReader reader;
  Message m = messageWith("Application/JSON", "UTF-8", "{}");
  ASSERT_TRUE(reader.jsonBody(m).has_value());
  m.system_properties.erase("contentType");
  m.system_properties.set("CONTENTTYPE", "application/json");
  EXPECT_TRUE(reader.jsonBody(m).has_value()) << "property names are case-insensitive too";
}

TEST(JsonBodyTest, ReturnsNothingUnlessBothPropertiesSayJson) {
  JsonReader reader;
  EXPECT_FALSE(reader.jsonBody(messageWith(std::nullopt, "utf-8", "{}")).has_value());
  EXPECT_FALSE(reader.jsonBody(messageWith("application/json", std::nullopt, "{}")).has_value());
  EXPECT_FALSE(reader.jsonBody(messageWith("text/plain", "utf-8", "{}")).has_value());
  EXPECT_FALSE(reader.jsonBody(messageWith("application/json", "gzip", "{}")).has_value());
  Message null_type = messageWith(std::nullopt, "utf-8", "{}");
  null_type.system_properties.set("contentType", std::nullopt);
  EXPECT_FALSE(reader.jsonBody(null_type).has_value());
}

TEST(JsonBodyTest, TranscodesUtf16AndUtf32Bodies) {
  JsonReader reader;
  const std::string json = R"({"t":"é😀"})";
  auto utf16 = reader.jsonBody(messageWith("application/json", "utf-16", utf::utf8ToUtf16le(json)));
  ASSERT_TRUE(utf16.has_value());
  EXPECT_EQ(utf16->text, json);
  EXPECT_GE(utf16->capacity, utf16->text.size() + PaddedBytes::kPadding);
  auto utf32 = reader.jsonBody(messageWith("application/json", "Utf-32", utf::utf8ToUtf32le(json)));
  ASSERT_TRUE(utf32.has_value());
  EXPECT_EQ(utf32->text, json);
}

TEST(JsonBodyTest, ReturnsNothingForBodyThatDoesNotDecode) {
  JsonReader reader;
  EXPECT_FALSE(reader.jsonBody(messageWith("application/json", "utf-16", "{\0}"sv)).has_value());
  EXPECT_FALSE(
      reader.jsonBody(messageWith("application/json", "utf-32", "\x00\xD8\x00\x00"sv)).has_value());
}

TEST(JsonBodyTest, SkipsByteOrderMark) {
  JsonReader reader;
  // The text of a UTF-8 body points into the message, so the message must outlive it.
  Message with_bom = messageWith("application/json", "utf-8", "\xEF\xBB\xBF{\"a\":1}");
  auto utf8 = reader.jsonBody(with_bom);
  ASSERT_TRUE(utf8.has_value());
  EXPECT_EQ(utf8->text, R"({"a":1})");
  EXPECT_GE(utf8->capacity, utf8->text.size() + PaddedBytes::kPadding);
  auto utf16 = reader.jsonBody(messageWith("application/json", "utf-16", "\xFF\xFE{\0}\0"sv));
  ASSERT_TRUE(utf16.has_value());
  EXPECT_EQ(utf16->text, "{}");
}

TEST(JsonBodyTest, FeedsExtract) {
  JsonReader reader;
  PathSet set;
  uint32_t t = set.add(path("t"));
  Message m = messageWith("application/json", "utf-16", utf::utf8ToUtf16le(R"({"t": 21.5})"));
  auto text = reader.jsonBody(m);
  ASSERT_TRUE(text.has_value());
  std::vector<JsonScalar> out(set.slotCount());
  ASSERT_TRUE(reader.extract(text->text, text->capacity, set, out));
  EXPECT_EQ(out[t].kind, JsonKind::kNumber);
  EXPECT_EQ(out[t].number, 21.5);
}

}  // namespace
}  // namespace routesim::message
