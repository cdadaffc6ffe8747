#include "endpoints/servicebus/sql_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace routesim::endpoints::servicebus::sql {
namespace {

// The error of parsing `text` as a filter; fails the test when it parses.
Error filterError(std::string_view text) {
  auto r = parseFilter(text);
  EXPECT_FALSE(r.ok()) << "parsed: " << text;
  return r.ok() ? Error(ErrorCode::kInternal, "parsed") : r.error();
}

Error actionError(std::string_view text) {
  auto r = parseAction(text);
  EXPECT_FALSE(r.ok()) << "parsed: " << text;
  return r.ok() ? Error(ErrorCode::kInternal, "parsed") : r.error();
}

void expectError(const Error& e, ErrorCode code, uint32_t offset, std::string_view fragment) {
  EXPECT_EQ(e.code(), code) << e.message();
  EXPECT_TRUE(e.hasSpan());
  EXPECT_EQ(e.span().offset, offset) << e.message();
  EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
}

TEST(SqlParserTest, ParsesPrecedenceOrOverAndOverNot) {
  auto ast = parseFilter("a = 1 OR NOT b = 2 AND c = 3");
  ASSERT_TRUE(ast.ok()) << ast.error().message();
  const Node& root = ast->node(ast->root);
  EXPECT_EQ(root.kind, NodeKind::kOr);
  const Node& rhs = ast->node(root.children[1]);
  EXPECT_EQ(rhs.kind, NodeKind::kAnd);
  EXPECT_EQ(ast->node(rhs.children[0]).kind, NodeKind::kNot);
  EXPECT_EQ(rhs.span.offset, 9u);  // "NOT b = 2 AND c = 3"
}

TEST(SqlParserTest, ReadsScopedPropertyNames) {
  auto ast = parseFilter("sys.label = 'x' AND user.[my prop] = 1 AND \"q\" = 2");
  ASSERT_TRUE(ast.ok()) << ast.error().message();
  std::vector<const Node*> props;
  for (const Node& n : ast->nodes) {
    if (n.kind == NodeKind::kProperty) props.push_back(&n);
  }
  ASSERT_EQ(props.size(), 3u);
  EXPECT_EQ(props[0]->scope, Scope::kSys);
  EXPECT_EQ(props[0]->sys, SysProperty::kLabel);
  EXPECT_EQ(props[1]->scope, Scope::kUser);
  EXPECT_EQ(props[1]->name, "my prop");
  EXPECT_EQ(props[2]->name, "q");
  EXPECT_EQ(sysPropertyName(SysProperty::kLabel), "Label");
}

TEST(SqlParserTest, RejectsAnEmptyFilter) {
  expectError(filterError(""), ErrorCode::kSyntax, 0, "a filter needs a condition");
  expectError(filterError("   "), ErrorCode::kSyntax, 3, "a filter needs a condition");
}

TEST(SqlParserTest, RejectsAMissingOperandAtTheEnd) {
  expectError(filterError("a = "), ErrorCode::kSyntax, 4,
              "expected an expression, found the end of the expression");
}

TEST(SqlParserTest, RejectsUnbalancedParentheses) {
  expectError(filterError("(a = 1"), ErrorCode::kSyntax, 0, "missing closing ')'");
  expectError(filterError("a = 1)"), ErrorCode::kSyntax, 5, "unmatched closing ')'");
  expectError(filterError("(a = 1 b"), ErrorCode::kSyntax, 7,
              "expected ')' to close the '(' at offset 0, found 'b'");
}

TEST(SqlParserTest, RejectsUnterminatedStringsAndUnknownCharacters) {
  expectError(filterError("a = 'abc"), ErrorCode::kSyntax, 4, "unterminated string");
  expectError(filterError("[abc = 1"), ErrorCode::kSyntax, 0, "unterminated identifier [...");
  expectError(filterError("a # 1"), ErrorCode::kSyntax, 2, "invalid character '#'");
}

TEST(SqlParserTest, RejectsTwoExpressionsWithoutAnOperator) {
  expectError(filterError("a = 1 b = 2"), ErrorCode::kSyntax, 6,
              "unexpected 'b' after a complete expression");
}

TEST(SqlParserTest, RejectsAKeywordWhereAnExpressionBelongs) {
  expectError(filterError("a = AND"), ErrorCode::kSyntax, 4, "the keyword 'AND'");
}

TEST(SqlParserTest, RejectsValuesWhereConditionsBelong) {
  expectError(filterError("1 + 2"), ErrorCode::kType, 0, "a filter needs a condition");
  expectError(filterError("'abc'"), ErrorCode::kType, 0, "found a string");
  expectError(filterError("a = 1 AND 5"), ErrorCode::kType, 10, "AND needs a condition");
  expectError(filterError("NOT 'x'"), ErrorCode::kType, 4, "NOT needs a condition");
}

TEST(SqlParserTest, RejectsConditionsWhereValuesBelong) {
  expectError(filterError("(a = 1) + 2 = 3"), ErrorCode::kType, 0,
              "operator '+' does not apply to a condition");
  expectError(filterError("(a = 1) = (b = 1)"), ErrorCode::kType, 0,
              "a condition cannot be used as a value");
  expectError(filterError("'a' * 2 = 1"), ErrorCode::kType, 0,
              "operator '*' does not apply to a string");
  expectError(filterError("-'a' = 1"), ErrorCode::kType, 1, "unary '-' does not apply to a string");
}

TEST(SqlParserTest, AcceptsAPropertyAsACondition) {
  // A property may hold a boolean: checked when evaluated.
  EXPECT_TRUE(parseFilter("flag").ok());
  EXPECT_TRUE(parseFilter("flag AND TRUE").ok());
}

TEST(SqlParserTest, RejectsUnknownSystemPropertiesAndFunctions) {
  expectError(filterError("a = 1 OR sys.Foo = 1"), ErrorCode::kInvalidInput, 9,
              "unknown system property 'sys.Foo'");
  expectError(filterError("upper(a) = 'X'"), ErrorCode::kUnknownFunction, 0,
              "unknown function 'upper'");
  expectError(filterError("newid(1) = 'x'"), ErrorCode::kSyntax, 6, "newid() takes no arguments");
}

TEST(SqlParserTest, RejectsParametersThatConfigCannotGive) {
  expectError(filterError("a = @p"), ErrorCode::kInvalidInput, 4, "parameter '@p' has no value");
}

TEST(SqlParserTest, ChecksLikeAndEscapeOperands) {
  expectError(filterError("a LIKE 5"), ErrorCode::kType, 7, "a LIKE pattern must be a string");
  expectError(filterError("a LIKE 'x' ESCAPE 'ab'"), ErrorCode::kType, 18,
              "ESCAPE needs a string of exactly one character");
  EXPECT_TRUE(parseFilter("a NOT LIKE 'x!%' ESCAPE '!'").ok());
}

TEST(SqlParserTest, AppliesIsNullToPropertiesOnly) {
  expectError(filterError("1 IS NULL"), ErrorCode::kType, 0, "IS [NOT] NULL applies to a property");
  expectError(filterError("a IS 1"), ErrorCode::kSyntax, 5, "expected NULL or NOT NULL after IS");
  EXPECT_TRUE(parseFilter("p('a') IS NOT NULL").ok());
}

TEST(SqlParserTest, RejectsAnOpenInList) {
  expectError(filterError("a IN (1, 2"), ErrorCode::kSyntax, 10,
              "expected ',' or ')' in the IN list, found the end of the expression");
  expectError(filterError("a IN 1"), ErrorCode::kSyntax, 5, "expected '(' after IN");
}

TEST(SqlParserTest, ChecksIntegerRange) {
  expectError(filterError("a = 9223372036854775808"), ErrorCode::kSyntax, 4,
              "out of the range of a 64-bit integer");
  auto ast = parseFilter("a = -9223372036854775808");
  ASSERT_TRUE(ast.ok()) << ast.error().message();
}

TEST(SqlParserTest, LimitsTheExpressionTo1024Characters) {
  std::string text = "a = '" + std::string(1020, 'x') + "'";  // 1026 characters
  expectError(filterError(text), ErrorCode::kLimit, 1024, "Service Bus allows at most 1024");
  // Counted in UTF-16 units, as .NET counts: 1000 'é' (2 bytes each) fit.
  std::string wide = "a = '";
  for (int i = 0; i < 1000; ++i) wide += "é";
  wide += "'";
  EXPECT_TRUE(parseFilter(wide).ok());
}

TEST(SqlParserTest, LimitsNestingButNotFlatChains) {
  std::string deep = std::string(129, '(') + "a = 1" + std::string(129, ')');
  expectError(filterError(deep), ErrorCode::kLimit, 129, "nested too deeply");
  std::string ok = std::string(128, '(') + "a = 1" + std::string(128, ')');
  EXPECT_TRUE(parseFilter(ok).ok());
  std::string chain = "a=0";
  for (int i = 1; i < 140; ++i) chain += " OR a=" + std::to_string(i % 10);
  ASSERT_LE(chain.size(), kMaxExpressionLength);
  EXPECT_TRUE(parseFilter(chain).ok());
}

TEST(SqlParserTest, ParsesActionStatements) {
  auto ast = parseAction("SET a = 1; REMOVE b; set sys.Label = 'x'");
  ASSERT_TRUE(ast.ok()) << ast.error().message();
  ASSERT_EQ(ast->statements.size(), 3u);
  EXPECT_FALSE(ast->statements[0].remove);
  EXPECT_TRUE(ast->statements[1].remove);
  EXPECT_EQ(ast->statements[1].span.offset, 11u);
  EXPECT_TRUE(parseAction("").ok());
}

TEST(SqlParserTest, RejectsBadActions) {
  expectError(actionError("DELETE a"), ErrorCode::kSyntax, 0,
              "expected SET or REMOVE, found 'DELETE'");
  expectError(actionError("SET a 1"), ErrorCode::kSyntax, 6, "expected '=' after 'a'");
  expectError(actionError("SET sys.SequenceNumber = 1"), ErrorCode::kInvalidInput, 4,
              "is set by the broker");
  expectError(actionError("SET a = (b = 1)"), ErrorCode::kType, 8,
              "a condition cannot be used as a value");
  std::string many;
  for (int i = 0; i < 33; ++i) many += "SET a" + std::to_string(i) + " = 1; ";
  Error e = actionError(many);
  EXPECT_EQ(e.code(), ErrorCode::kLimit);
  EXPECT_EQ(e.span().offset, many.find("SET a32"));
}

}  // namespace
}  // namespace routesim::endpoints::servicebus::sql
