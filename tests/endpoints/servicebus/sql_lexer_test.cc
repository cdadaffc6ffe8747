#include "endpoints/servicebus/sql_lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace routesim::endpoints::servicebus::sql {
namespace {

std::vector<TokenKind> kinds(std::string_view text) {
  std::vector<TokenKind> out;
  for (const Token& t : lex(text)) out.push_back(t.kind);
  return out;
}

TEST(SqlLexerTest, SplitsAComparisonIntoTokensWithOffsets) {
  std::string_view text = "sys.Label = 'a''b'";
  std::vector<Token> t = lex(text);
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0].kind, TokenKind::kIdentifier);
  EXPECT_EQ(t[1].kind, TokenKind::kDot);
  EXPECT_EQ(t[2].kind, TokenKind::kIdentifier);
  EXPECT_EQ(t[2].offset, 4u);
  EXPECT_EQ(t[2].length, 5u);
  EXPECT_EQ(t[3].kind, TokenKind::kEq);
  EXPECT_EQ(t[3].offset, 10u);
  EXPECT_EQ(t[4].kind, TokenKind::kString);
  EXPECT_EQ(t[4].offset, 12u);
  EXPECT_EQ(t[4].length, 6u);
  EXPECT_EQ(unquote(text, t[4]), "a'b");
  EXPECT_EQ(t[5].kind, TokenKind::kEnd);
  EXPECT_EQ(t[5].offset, text.size());
}

TEST(SqlLexerTest, ReadsDelimitedAndQuotedIdentifiers) {
  std::string_view text = "[my prop]]x] \"say \"\"hi\"\"\"";
  std::vector<Token> t = lex(text);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].kind, TokenKind::kDelimited);
  EXPECT_EQ(unquote(text, t[0]), "my prop]x");
  EXPECT_EQ(t[1].kind, TokenKind::kQuoted);
  EXPECT_EQ(unquote(text, t[1]), "say \"hi\"");
}

TEST(SqlLexerTest, ClassifiesNumbers) {
  EXPECT_EQ(
      kinds("12 3.5 2. 1e5 1.5E-3"),
      (std::vector<TokenKind>{TokenKind::kInteger, TokenKind::kDecimal, TokenKind::kDecimal,
                              TokenKind::kApproximate, TokenKind::kApproximate, TokenKind::kEnd}));
  // An exponent needs digits: "1e" is the integer 1 and the identifier e.
  EXPECT_EQ(kinds("1e"),
            (std::vector<TokenKind>{TokenKind::kInteger, TokenKind::kIdentifier, TokenKind::kEnd}));
}

TEST(SqlLexerTest, KeywordsIgnoreLetterCase) {
  EXPECT_EQ(kinds("and Or NOT like EsCaPe is null exists true FALSE in"),
            (std::vector<TokenKind>{TokenKind::kAnd, TokenKind::kOr, TokenKind::kNot,
                                    TokenKind::kLike, TokenKind::kEscape, TokenKind::kIs,
                                    TokenKind::kNull, TokenKind::kExists, TokenKind::kTrue,
                                    TokenKind::kFalse, TokenKind::kIn, TokenKind::kEnd}));
}

TEST(SqlLexerTest, ReadsEveryOperator) {
  EXPECT_EQ(kinds("( ) , . ; + - * / % = <> != < <= > >="),
            (std::vector<TokenKind>{TokenKind::kLParen, TokenKind::kRParen, TokenKind::kComma,
                                    TokenKind::kDot, TokenKind::kSemicolon, TokenKind::kPlus,
                                    TokenKind::kMinus, TokenKind::kStar, TokenKind::kSlash,
                                    TokenKind::kPercent, TokenKind::kEq, TokenKind::kLtGt,
                                    TokenKind::kBangEq, TokenKind::kLt, TokenKind::kLe,
                                    TokenKind::kGt, TokenKind::kGe, TokenKind::kEnd}));
}

TEST(SqlLexerTest, MarksUnterminatedStringsToTheEnd) {
  std::vector<Token> t = lex("a = 'abc");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[2].kind, TokenKind::kUnterminated);
  EXPECT_EQ(t[2].offset, 4u);
  EXPECT_EQ(t[2].length, 4u);
  EXPECT_EQ(lex("[abc")[0].kind, TokenKind::kUnterminated);
}

TEST(SqlLexerTest, MarksUnknownCharactersAndALoneBang) {
  std::vector<Token> t = lex("a # !b");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[1].kind, TokenKind::kUnknownChar);
  EXPECT_EQ(t[1].offset, 2u);
  EXPECT_EQ(t[2].kind, TokenKind::kUnknownChar);
  EXPECT_EQ(t[2].offset, 4u);
  EXPECT_EQ(t[3].kind, TokenKind::kIdentifier);
}

TEST(SqlLexerTest, ReadsParametersAndNonAsciiIdentifiers) {
  std::vector<Token> t = lex("@p1 température_2");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].kind, TokenKind::kParameter);
  EXPECT_EQ(t[0].length, 3u);
  EXPECT_EQ(t[1].kind, TokenKind::kIdentifier);
  EXPECT_EQ(t[1].length, std::string("température_2").size());
}

TEST(SqlLexerTest, DescribesTokensForDiagnostics) {
  std::string_view text = "a = ";
  std::vector<Token> t = lex(text);
  EXPECT_EQ(describeToken(text, t[1]), "'='");
  EXPECT_EQ(describeToken(text, t.back()), "the end of the expression");
  std::string long_name(60, 'x');
  EXPECT_EQ(describeToken(long_name, lex(long_name)[0]), "'" + std::string(37, 'x') + "...'");
}

}  // namespace
}  // namespace routesim::endpoints::servicebus::sql
