#include "core/message/json_path.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace routesim::message {
namespace {

JsonPath parseOk(std::string_view text) {
  auto r = parseJsonPath(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? std::move(r).value() : JsonPath{};
}

Error parseError(std::string_view text) {
  auto r = parseJsonPath(text);
  EXPECT_FALSE(r.ok()) << text << " parsed";
  return r.ok() ? Error(ErrorCode::kInternal, "parsed") : r.error();
}

TEST(JsonPathTest, ParsesSingleName) {
  EXPECT_EQ(parseOk("temp"), (JsonPath{{"temp", std::nullopt}}));
}

TEST(JsonPathTest, ParsesNestedNamesAndIndexes) {
  EXPECT_EQ(parseOk("a.b[2].c"), (JsonPath{{"a", std::nullopt}, {"b", 2}, {"c", std::nullopt}}));
  EXPECT_EQ(parseOk("list[0]"), (JsonPath{{"list", 0}}));
}

TEST(JsonPathTest, AllowsNameCharactersOutsideTheReservedSet) {
  EXPECT_EQ(parseOk("$sys-1_x"), (JsonPath{{"$sys-1_x", std::nullopt}}));
  EXPECT_EQ(parseOk("température.値"),
            (JsonPath{{"température", std::nullopt}, {"値", std::nullopt}}));
  EXPECT_EQ(parseOk("a b"), (JsonPath{{"a b", std::nullopt}}));
}

TEST(JsonPathTest, SaturatesHugeIndex) {
  JsonPath p = parseOk("a[99999999999999999999999]");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].index, UINT64_MAX);
  EXPECT_EQ(parseOk("a[18446744073709551615]")[0].index, UINT64_MAX);
  EXPECT_EQ(parseOk("a[18446744073709551614]")[0].index, UINT64_MAX - 1);
}

TEST(JsonPathTest, FormatsPathsBack) {
  EXPECT_EQ(formatJsonPath(parseOk("a.b[2].c")), "a.b[2].c");
  EXPECT_EQ(formatJsonPath(parseOk("x[007]")), "x[7]");
  EXPECT_EQ(formatJsonPath(JsonPath{}), "");
}

TEST(JsonPathTest, RejectsEmptyPath) {
  Error e = parseError("");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidPath);
  EXPECT_EQ(e.span(), (SourceSpan{0, 1}));
  EXPECT_EQ(e.message(), "the path is empty");
}

TEST(JsonPathTest, RejectsTrailingDot) {
  Error e = parseError("a.");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidPath);
  EXPECT_EQ(e.span(), (SourceSpan{2, 1}));
  EXPECT_EQ(e.message(), "expected a property name, found the end of the path");
}

TEST(JsonPathTest, RejectsEmptySegment) {
  Error e = parseError("a..b");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidPath);
  EXPECT_EQ(e.span(), (SourceSpan{2, 1}));
  EXPECT_EQ(e.message(), "expected a property name, found '.'");
  EXPECT_EQ(parseError(".a").span(), (SourceSpan{0, 1}));
  EXPECT_EQ(parseError("[0]").span(), (SourceSpan{0, 1}));
}

TEST(JsonPathTest, RejectsEmptyBrackets) {
  Error e = parseError("a[]");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidPath);
  EXPECT_EQ(e.span(), (SourceSpan{2, 1}));
  EXPECT_EQ(e.message(), "expected an array index (digits) after '[', found ']'");
}

TEST(JsonPathTest, RejectsQuotedKeyInBrackets) {
  Error e = parseError("a['x']");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidPath);
  EXPECT_EQ(e.span(), (SourceSpan{2, 1}));
  EXPECT_EQ(e.message(), "expected an array index (digits) after '[', found '''");
}

TEST(JsonPathTest, RejectsSlice) {
  Error e = parseError("a[1:2]");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidPath);
  EXPECT_EQ(e.span(), (SourceSpan{3, 1}));
  EXPECT_EQ(e.message(), "expected ']' to close the '[' at 1, found ':'");
}

TEST(JsonPathTest, RejectsUnclosedBracket) {
  Error e = parseError("a[1");
  EXPECT_EQ(e.span(), (SourceSpan{3, 1}));
  EXPECT_EQ(e.message(), "expected ']' to close the '[' at 1, found the end of the path");
}

TEST(JsonPathTest, RejectsNameAfterIndex) {
  Error e = parseError("a[0]b");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidPath);
  EXPECT_EQ(e.span(), (SourceSpan{4, 1}));
  EXPECT_EQ(e.message(), "expected '.' or the end of the path, found 'b'");
  EXPECT_EQ(parseError("a[0][1]").span(), (SourceSpan{4, 1}));
}

TEST(JsonPathTest, RejectsReservedCharacterInName) {
  Error e = parseError("a.b=c");
  EXPECT_EQ(e.span(), (SourceSpan{3, 1}));
  EXPECT_EQ(e.message(), "expected '.' or the end of the path, found '='");
  EXPECT_EQ(parseError("a(b)").span(), (SourceSpan{1, 1}));
}

}  // namespace
}  // namespace routesim::message
