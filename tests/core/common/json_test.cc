#include "core/common/json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace routesim::json {
namespace {

Value parseOk(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? std::move(r).value() : Value();
}

Error parseError(std::string_view text) {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << text << " parsed";
  return r.ok() ? Error(ErrorCode::kInternal, "parsed") : r.error();
}

uint32_t offsetOf(std::string_view text, std::string_view needle) {
  return static_cast<uint32_t>(text.find(needle));
}

TEST(JsonTest, ParsesScalars) {
  EXPECT_TRUE(parseOk("null").is(Type::kNull));
  Value t = parseOk("true");
  ASSERT_TRUE(t.is(Type::kBool));
  EXPECT_TRUE(t.boolean());
  Value f = parseOk("false");
  ASSERT_TRUE(f.is(Type::kBool));
  EXPECT_FALSE(f.boolean());
  Value n = parseOk("-12.5e1");
  ASSERT_TRUE(n.is(Type::kNumber));
  EXPECT_DOUBLE_EQ(n.number(), -125.0);
  EXPECT_EQ(n.text(), "-12.5e1");
  Value s = parseOk(R"("hi")");
  ASSERT_TRUE(s.is(Type::kString));
  EXPECT_EQ(s.text(), "hi");
}

TEST(JsonTest, UnescapesStrings) {
  Value s = parseOk(R"("a\"b\\c\/d\n\u00e9\ud83d\ude00")");
  ASSERT_TRUE(s.is(Type::kString));
  EXPECT_EQ(s.text(), "a\"b\\c/d\né😀");
}

TEST(JsonTest, ParsesArraysAndObjects) {
  Value v = parseOk(R"({"list": [1, "two", null, [], {}], "obj": {"k": false}})");
  ASSERT_TRUE(v.is(Type::kObject));
  ASSERT_EQ(v.members().size(), 2u);
  const Value* list = v.find("list");
  ASSERT_NE(list, nullptr);
  ASSERT_TRUE(list->is(Type::kArray));
  ASSERT_EQ(list->items().size(), 5u);
  EXPECT_EQ(list->items()[0].number(), 1.0);
  EXPECT_EQ(list->items()[1].text(), "two");
  EXPECT_TRUE(list->items()[2].is(Type::kNull));
  EXPECT_TRUE(list->items()[3].is(Type::kArray));
  EXPECT_TRUE(list->items()[3].items().empty());
  EXPECT_TRUE(list->items()[4].is(Type::kObject));
  const Value* obj = v.find("obj");
  ASSERT_NE(obj, nullptr);
  ASSERT_NE(obj->find("k"), nullptr);
  EXPECT_FALSE(obj->find("k")->boolean());
  EXPECT_EQ(obj->find("K"), nullptr) << "find is exact";
}

TEST(JsonTest, KeepsMemberOrderAsWritten) {
  Value v = parseOk(R"({"zeta": 1, "alpha": 2, "mid": 3})");
  ASSERT_EQ(v.members().size(), 3u);
  EXPECT_EQ(v.members()[0].key, "zeta");
  EXPECT_EQ(v.members()[1].key, "alpha");
  EXPECT_EQ(v.members()[2].key, "mid");
}

TEST(JsonTest, FindReturnsFirstOfDuplicateKeys) {
  Value v = parseOk(R"({"a": 1, "a": 2})");
  ASSERT_EQ(v.members().size(), 2u);
  ASSERT_NE(v.find("a"), nullptr);
  EXPECT_EQ(v.find("a")->text(), "1");
}

TEST(JsonTest, RecordsOffsetsOfValuesAndKeys) {
  std::string_view text = R"( {"a": [1, "x"], "b": null, "c": {"d": true}})";
  Value v = parseOk(text);
  EXPECT_EQ(v.offset(), 1u);
  const Value* a = v.find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->offset(), offsetOf(text, "[1"));
  EXPECT_EQ(a->items()[0].offset(), offsetOf(text, "1,"));
  EXPECT_EQ(a->items()[1].offset(), offsetOf(text, "\"x\""));
  EXPECT_EQ(v.find("b")->offset(), offsetOf(text, "null"));
  EXPECT_EQ(v.find("c")->find("d")->offset(), offsetOf(text, "true"));
  EXPECT_EQ(v.members()[1].key_offset, offsetOf(text, "\"b\""));
  EXPECT_EQ(parseOk("  42").offset(), 2u);
}

TEST(JsonTest, CompactKeepsNumbersAsWrittenAndDropsWhitespace) {
  Value v = parseOk(
      R"({ "b" : [ 1 , 2.50 , -0 , 1E+2, 100000000000000000000001 ] , "a" : { } , "t": true, "f": false, "n": null })");
  EXPECT_EQ(
      v.compact(),
      R"({"b":[1,2.50,-0,1E+2,100000000000000000000001],"a":{},"t":true,"f":false,"n":null})");
}

TEST(JsonTest, CompactReEscapesStringsMinimally) {
  Value v = parseOk(R"({"s\u0041": "\u0041\/\t\u0001é\u00e9"})");
  EXPECT_EQ(v.compact(), "{\"sA\":\"A/\\t\\u0001éé\"}");
}

TEST(JsonTest, ReadsOutOfRangeNumberAsInfinity) {
  Value nested = parseOk("[1e400, -1e400]");
  ASSERT_EQ(nested.items().size(), 2u);
  EXPECT_EQ(nested.items()[0].number(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(nested.items()[1].number(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(nested.compact(), "[1e400,-1e400]");
}

TEST(JsonTest, ParsesOutOfRangeNumberAtTheRoot) {
  Value root = parseOk("1e400");
  ASSERT_TRUE(root.is(Type::kNumber));
  EXPECT_EQ(root.number(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(root.text(), "1e400");
}

TEST(JsonTest, ReportsOffsetOfTrailingContent) {
  Error e = parseError("{} x");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(e.hasSpan());
  EXPECT_EQ(e.span().offset, 3u);
  EXPECT_EQ(e.message(), "unexpected content after the JSON value");
  EXPECT_EQ(parseError("[1] [2]").span().offset, 4u);
  EXPECT_EQ(parseError(R"({"a":1}})").span().offset, 7u);
}

TEST(JsonTest, RejectsNumberWithLeadingZero) {
  Error root = parseError("01");
  EXPECT_EQ(root.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(root.span(), (SourceSpan{0, 2}));
  EXPECT_EQ(root.message(), "invalid JSON number '01'");
  std::string_view text = R"({"a": 01})";
  Error nested = parseError(text);
  EXPECT_EQ(nested.span(), (SourceSpan{6, 2}));
  EXPECT_EQ(nested.message(), "invalid JSON number '01'");
}

TEST(JsonTest, RejectsNumberWithoutFractionDigits) {
  Error root = parseError("1.");
  EXPECT_EQ(root.span(), (SourceSpan{0, 2}));
  EXPECT_EQ(root.message(), "invalid JSON number '1.'");
  Error nested = parseError(R"({"x": [1.]})");
  EXPECT_EQ(nested.span().offset, 7u);
  EXPECT_EQ(nested.message(), "invalid JSON number '1.'");
  EXPECT_EQ(parseError("[1.5e+]").message(), "invalid JSON number '1.5e+'");
}

TEST(JsonTest, ReportsOffsetOfBadLiteral) {
  Error root = parseError("tru");
  EXPECT_EQ(root.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(root.span().offset, 0u);
  EXPECT_NE(root.message().find("invalid JSON"), std::string::npos) << root.message();
  EXPECT_EQ(parseError("[tru]").span().offset, 1u);
  EXPECT_EQ(parseError(R"({"a": tru})").span().offset, 6u);
  EXPECT_EQ(parseError(R"({"a":fals})").span().offset, 5u);
  EXPECT_EQ(parseError("nul").message(), "invalid JSON literal");
}

TEST(JsonTest, ReportsUnterminatedArrayAndObjectAtTheEnd) {
  Error array = parseError("[1, 2");
  EXPECT_EQ(array.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(array.span().offset, 5u);
  Error object = parseError(R"({"a": 1)");
  EXPECT_EQ(object.span().offset, 7u);
}

TEST(JsonTest, ReportsUnterminatedStringWhereItIs) {
  Error root = parseError(R"("abc)");
  EXPECT_EQ(root.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(root.message().find("never closed"), std::string::npos) << root.message();
  EXPECT_EQ(root.span().offset, 0u);
  // In a member, the error points at the string's opening quote or at the end of the text,
  // not at the start of the document.
  std::string_view text = R"({"a": "xyz)";
  Error member = parseError(text);
  EXPECT_EQ(member.code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(member.span().offset == 6u || member.span().offset == text.size())
      << "offset " << member.span().offset;
}

TEST(JsonTest, ReportsUnescapedControlCharacterWhereItIs) {
  // The tab inside the string is on line 2; the error must not point at the document start.
  std::string_view text = "{\n\"a\": \"x\ty\"}";
  Error e = parseError(text);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(e.message().find("must be escaped"), std::string::npos) << e.message();
  EXPECT_GE(e.span().offset, offsetOf(text, "\"x")) << "offset " << e.span().offset;
  EXPECT_LE(e.span().offset, offsetOf(text, "\t")) << "offset " << e.span().offset;
}

TEST(JsonTest, ReportsInvalidUtf8WhereItIs) {
  std::string_view text = "{\"a\": \"\xFF\"}";
  Error e = parseError(text);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(e.message().find("UTF-8"), std::string::npos) << e.message();
  EXPECT_GE(e.span().offset, 6u) << "offset " << e.span().offset;
  EXPECT_LE(e.span().offset, 7u) << "offset " << e.span().offset;
}

TEST(JsonTest, RejectsEmptyText) {
  Error e = parseError("  ");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(e.span().offset, 0u);
}

TEST(JsonTest, NamesTypes) {
  EXPECT_EQ(typeName(Type::kNull), "null");
  EXPECT_EQ(typeName(Type::kBool), "boolean");
  EXPECT_EQ(typeName(Type::kNumber), "number");
  EXPECT_EQ(typeName(Type::kString), "string");
  EXPECT_EQ(typeName(Type::kArray), "array");
  EXPECT_EQ(typeName(Type::kObject), "object");
}

TEST(JsonTest, AppendQuotedEscapesQuotesBackslashesAndControlCharacters) {
  std::string out = "x=";
  appendQuoted(out, "q\"b\\ n\n r\r t\t b\b f\f \x01 \x1f é \x7f");
  EXPECT_EQ(out, "x=\"q\\\"b\\\\ n\\n r\\r t\\t b\\b f\\f \\u0001 \\u001f é \x7f\"");
  std::string nul;
  appendQuoted(nul, std::string_view("a\0b", 3));
  EXPECT_EQ(nul, "\"a\\u0000b\"");
}

TEST(JsonTest, AppendQuotedOutputParsesBack) {
  const std::string original = "line1\nline2\t\"quoted\" \\ \x02 😀";
  std::string quoted;
  appendQuoted(quoted, original);
  EXPECT_EQ(parseOk(quoted).text(), original);
}

// Every byte value at every position of a word-sized scan: the output parses back to the input,
// and the only bytes left raw are those JSON allows raw (no control character, quote or
// backslash outside an escape).
TEST(JsonTest, AppendQuotedEscapesEveryByteWhereverItFalls) {
  for (int byte = 1; byte < 128; ++byte) {  // ASCII: every string of it is valid UTF-8
    for (size_t at = 0; at < 19; ++at) {
      std::string s(19, 'a');
      s[at] = static_cast<char>(byte);
      std::string quoted;
      appendQuoted(quoted, s);
      ASSERT_EQ(parseOk(quoted).text(), s) << "byte " << byte << " at " << at;
      const bool raw = byte >= 0x20 && byte != '"' && byte != '\\';
      EXPECT_EQ(quoted.size(),
                raw ? 21u : 21u + (byte < 0x20 && !std::strchr("\b\f\n\r\t", byte) ? 5u : 1u))
          << "byte " << byte << " at " << at;
    }
  }
  for (int byte = 0x80; byte < 256; ++byte) {  // bytes past ASCII are copied as they are
    std::string s(19, 'a');
    s[11] = static_cast<char>(byte);
    std::string quoted;
    appendQuoted(quoted, s);
    EXPECT_EQ(quoted, "\"" + s + "\"");
  }
}

TEST(JsonTest, AppendNumberWritesShortestRoundTripForm) {
  auto number = [](double d) {
    std::string s;
    appendNumber(s, d);
    return s;
  };
  EXPECT_EQ(number(3.0), "3");
  EXPECT_EQ(number(-42.0), "-42");
  EXPECT_EQ(number(123456789012345.0), "123456789012345");
  EXPECT_EQ(number(-0.5), "-0.5");
  EXPECT_EQ(number(0.1), "0.1");
  EXPECT_EQ(number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(std::stod(number(1e21)), 1e21);
  EXPECT_EQ(std::stod(number(1.0 / 3.0)), 1.0 / 3.0);
}

TEST(JsonTest, AppendNumberWritesNullForNanAndInfinity) {
  std::string s;
  appendNumber(s, std::nan(""));
  s += ',';
  appendNumber(s, std::numeric_limits<double>::infinity());
  s += ',';
  appendNumber(s, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(s, "null,null,null");
}

TEST(JsonTest, PathJoinUsesDotForPlainNamesAndBracketsOtherwise) {
  EXPECT_EQ(pathJoin("$", "routes"), "$.routes");
  EXPECT_EQ(pathJoin("$.message", "$sys-1_é"), "$.message.$sys-1_é");
  EXPECT_EQ(pathJoin("$.appProperties", "a b"), "$.appProperties[\"a b\"]");
  EXPECT_EQ(pathJoin("$", "a.b"), "$[\"a.b\"]");
  EXPECT_EQ(pathJoin("$", ""), "$[\"\"]");
  EXPECT_EQ(pathJoin("$", "q\""), "$[\"q\\\"\"]");
}

TEST(JsonTest, PathIndexAppendsBracketedIndex) {
  EXPECT_EQ(pathIndex("$.routes", 3), "$.routes[3]");
  EXPECT_EQ(pathJoin(pathIndex("$.routes", 0), "condition"), "$.routes[0].condition");
}

}  // namespace
}  // namespace routesim::json

namespace routesim::json {
namespace {

TEST(JsonStripCommentsTest, BlanksCommentsKeepingOffsetsAndStrings) {
  std::string text =
      "{\n  // line comment\n  \"a\": \"// not a comment\", /* block\n spans */ \"b\": "
      "\"/*x*/\\\"//\"\n}";
  Result<std::string> stripped = stripComments(text);
  ASSERT_TRUE(stripped.ok());
  ASSERT_EQ(stripped.value().size(), text.size());
  EXPECT_EQ(std::count(stripped.value().begin(), stripped.value().end(), '\n'),
            std::count(text.begin(), text.end(), '\n'));
  Result<Value> v = parse(stripped.value());
  ASSERT_TRUE(v.ok()) << v.error().message();
  ASSERT_NE(v.value().find("a"), nullptr);
  EXPECT_EQ(v.value().find("a")->text(), "// not a comment");
  EXPECT_EQ(v.value().find("b")->text(), "/*x*/\"//");
  // The value after the comments is where it was in the original text.
  EXPECT_EQ(text.substr(v.value().find("b")->offset(), 1), "\"");
}

TEST(JsonStripCommentsTest, UnclosedBlockCommentIsAnErrorAtItsStart) {
  Result<std::string> r = stripComments("{\"a\": 1 /* never closed");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().span().offset, 8u);
  EXPECT_NE(r.error().message().find("unclosed"), std::string::npos);
}

}  // namespace
}  // namespace routesim::json
