// Tests of core/query/lexer.h against query-language.md §1: longest match at each position, the
// earlier rule winning ties, and the consequences the spec lists under "Consequences of longest
// match".
#include "core/query/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace routesim::query {
namespace {

using K = TokenKind;

struct Lexed {
  std::vector<TokenKind> kinds;
  std::vector<std::string> texts;
};

// Every token but the final kEnd, with its text.
Lexed lexAll(std::string_view text) {
  Lexed out;
  for (const Token& t : lex(text)) {
    if (t.kind == K::kEnd) break;
    out.kinds.push_back(t.kind);
    out.texts.emplace_back(text.substr(t.offset, t.length));
  }
  return out;
}

std::vector<TokenKind> kinds(std::string_view text) { return lexAll(text).kinds; }

// A text that lexes as exactly one token of `kind` covering all of it.
void expectSingle(std::string_view text, TokenKind kind) {
  Lexed l = lexAll(text);
  ASSERT_EQ(l.kinds.size(), 1u) << "'" << text << "' lexed as " << l.kinds.size() << " tokens";
  EXPECT_EQ(l.kinds[0], kind) << "'" << text << "'";
  EXPECT_EQ(l.texts[0], text);
}

TEST(LexerTest, EmptyTextIsOnlyTheEndToken) {
  std::vector<Token> tokens = lex("");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].kind, K::kEnd);
  EXPECT_EQ(tokens[0].offset, 0u);
  EXPECT_EQ(tokens[0].length, 1u);
}

TEST(LexerTest, EndTokenSitsAtEndOfInputWithLengthOne) {
  std::vector<Token> tokens = lex("key1 = 'x'  ");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens.back().kind, K::kEnd);
  EXPECT_EQ(tokens.back().offset, 12u);
  EXPECT_EQ(tokens.back().length, 1u);
}

TEST(LexerTest, TokensCarryByteOffsetsAndLengths) {
  std::vector<Token> tokens = lex("  key1 <= 'abc'");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, K::kId);
  EXPECT_EQ(tokens[0].offset, 2u);
  EXPECT_EQ(tokens[0].length, 4u);
  EXPECT_EQ(tokens[1].kind, K::kLe);
  EXPECT_EQ(tokens[1].offset, 7u);
  EXPECT_EQ(tokens[1].length, 2u);
  EXPECT_EQ(tokens[2].kind, K::kString);
  EXPECT_EQ(tokens[2].offset, 10u);
  EXPECT_EQ(tokens[2].length, 5u);
}

TEST(LexerTest, OffsetsCountBytesOfNonAsciiText) {
  std::vector<Token> tokens = lex("'é' = x");  // é is two bytes
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].length, 4u);
  EXPECT_EQ(tokens[1].offset, 5u);
  EXPECT_EQ(tokens[2].offset, 7u);
}

TEST(LexerTest, WhitespaceIsSkipped) {
  EXPECT_EQ(kinds(" \t\r\n3\t=\n\r3 "), (std::vector<K>{K::kInteger, K::kEq, K::kInteger}));
}

TEST(LexerTest, CommentsAreSkipped) {
  EXPECT_EQ(kinds("/* a comment */ 3 /* another */ = /**/ 3 /* last */"),
            (std::vector<K>{K::kInteger, K::kEq, K::kInteger}));
  EXPECT_EQ(kinds("/* a * b / c */"), std::vector<K>{});
}

TEST(LexerTest, CommentIsNonGreedy) {
  Lexed l = lexAll("/* x */ a /* y */");
  ASSERT_EQ(l.kinds.size(), 1u);
  EXPECT_EQ(l.texts[0], "a");
}

TEST(LexerTest, IdentifierAbsorbsOperatorCharacters) {
  expectSingle("a+b", K::kId);
  expectSingle("temp-1", K::kId);
  expectSingle("x*y", K::kId);
  expectSingle("a.b", K::kId);
  expectSingle("a%b", K::kId);
  expectSingle("a!b", K::kId);
  expectSingle("a||b", K::kId);
  expectSingle("&&", K::kId);
  expectSingle("a$b", K::kId);
  expectSingle("a#b", K::kId);
}

TEST(LexerTest, DigitsFollowedByIdentifierCharactersAreOneIdentifier) {
  expectSingle("3+4", K::kId);  // longer than the INTEGER 3
  expectSingle("12abc", K::kId);
  expectSingle("1.", K::kId);  // a REAL needs digits after the '.'
}

TEST(LexerTest, RelationalCharactersEndAnIdentifier) {
  EXPECT_EQ(kinds("temp>5"), (std::vector<K>{K::kId, K::kGt, K::kInteger}));
  EXPECT_EQ(kinds("temp<5"), (std::vector<K>{K::kId, K::kLt, K::kInteger}));
  EXPECT_EQ(kinds("a=b"), (std::vector<K>{K::kId, K::kEq, K::kId}));
  Lexed l = lexAll("a!=b");  // '!' belongs to the identifier
  EXPECT_EQ(l.kinds, (std::vector<K>{K::kId, K::kEq, K::kId}));
  EXPECT_EQ(l.texts[0], "a!");
}

TEST(LexerTest, SlashSplitsBecauseItIsNotAnIdentifierCharacter) {
  EXPECT_EQ(kinds("3/0"), (std::vector<K>{K::kInteger, K::kSlash, K::kInteger}));
}

TEST(LexerTest, MinusSignIsPartOfIntegerLiteral) {
  expectSingle("-1", K::kInteger);
  expectSingle("-0", K::kInteger);
  expectSingle("123", K::kInteger);
}

TEST(LexerTest, SpacingAroundMinusDecidesSubtraction) {
  Lexed l = lexAll("3 -4");
  EXPECT_EQ(l.kinds, (std::vector<K>{K::kInteger, K::kInteger}));
  EXPECT_EQ(l.texts[1], "-4");
  EXPECT_EQ(kinds("3 - 4"), (std::vector<K>{K::kInteger, K::kMinus, K::kInteger}));
  EXPECT_EQ(kinds("1 - -2"), (std::vector<K>{K::kInteger, K::kMinus, K::kInteger}));
  EXPECT_EQ(kinds("x -1"), (std::vector<K>{K::kId, K::kInteger}));
  EXPECT_EQ(kinds("- 5"), (std::vector<K>{K::kMinus, K::kInteger}));
}

TEST(LexerTest, HexLiterals) {
  expectSingle("0xDEADBEEF", K::kHex);
  expectSingle("0X1f", K::kHex);
  expectSingle("0x10000000000000000", K::kHex);
}

TEST(LexerTest, RealLiterals) {
  expectSingle("12.34", K::kReal);
  expectSingle(".5", K::kReal);
  expectSingle("-.5", K::kReal);
  expectSingle("-1.5", K::kReal);
  expectSingle("1e-6", K::kReal);
  expectSingle("1E+6", K::kReal);
  expectSingle("10e1000", K::kReal);
  expectSingle("1.5e3", K::kReal);
  expectSingle("-2e5", K::kReal);
}

TEST(LexerTest, ExponentWithoutMantissaIsRealByRuleOrder) {
  // REAL `-?[0-9]*[eE][+-]?[0-9]+` matches `e5` as long as ID does; REAL is listed first.
  expectSingle("e5", K::kReal);
  expectSingle("E10", K::kReal);
  expectSingle("e5x", K::kId);  // longer as an identifier
}

TEST(LexerTest, LowercaseLiteralsAreKeywordsOnlyInLowercase) {
  expectSingle("true", K::kTrue);
  expectSingle("false", K::kFalse);
  expectSingle("null", K::kNull);
  expectSingle("undefined", K::kUndefined);
  expectSingle("TRUE", K::kId);
  expectSingle("True", K::kId);
  expectSingle("NULL", K::kId);
  expectSingle("False", K::kId);
  expectSingle("Undefined", K::kId);
}

TEST(LexerTest, LiteralPrefixOfLongerNameIsIdentifier) {
  expectSingle("true1", K::kId);
  expectSingle("nullx", K::kId);
  expectSingle("falsey", K::kId);
  expectSingle("undefined_value", K::kId);
}

TEST(LexerTest, LogicalKeywordsInAnyCase) {
  for (std::string_view w : {"and", "AND", "And", "aNd"}) expectSingle(w, K::kAnd);
  for (std::string_view w : {"or", "OR", "Or"}) expectSingle(w, K::kOr);
  for (std::string_view w : {"not", "NOT", "Not"}) expectSingle(w, K::kNot);
  EXPECT_EQ(kinds("NOT(x)"), (std::vector<K>{K::kNot, K::kLParen, K::kId, K::kRParen}));
  expectSingle("android", K::kId);
  expectSingle("band", K::kId);
  expectSingle("nothing", K::kId);
  expectSingle("order", K::kId);
}

TEST(LexerTest, RouteKeywordsInAnyCase) {
  expectSingle("select", K::kSelect);
  expectSingle("SELECT", K::kSelect);
  expectSingle("From", K::kFrom);
  expectSingle("wHeRe", K::kWhere);
  expectSingle("INTO", K::kInto);
  expectSingle("selection", K::kId);
  expectSingle("fromage", K::kId);
}

TEST(LexerTest, Operators) {
  EXPECT_EQ(kinds("( ) , + - * / %"),
            (std::vector<K>{K::kLParen, K::kRParen, K::kComma, K::kPlus, K::kMinus, K::kStar,
                            K::kSlash, K::kPercent}));
  EXPECT_EQ(kinds("= != <> <= >= > < || ??"),
            (std::vector<K>{K::kEq, K::kBangEq, K::kLtGt, K::kLe, K::kGe, K::kGt, K::kLt,
                            K::kConcat, K::kCoalesce}));
  EXPECT_EQ(kinds("{ }"), (std::vector<K>{K::kLBrace, K::kRBrace}));
}

TEST(LexerTest, DoubleEqualsIsTwoEqualsTokens) {
  EXPECT_EQ(kinds("3 == 3"), (std::vector<K>{K::kInteger, K::kEq, K::kEq, K::kInteger}));
}

TEST(LexerTest, ConcatOperatorWinsOverIdentifierOfSameLength) {
  expectSingle("||", K::kConcat);
  EXPECT_EQ(kinds("'a' || 'b'"), (std::vector<K>{K::kString, K::kConcat, K::kString}));
}

TEST(LexerTest, SystemProperties) {
  expectSingle("$connectionDeviceId", K::kSysProp);
  expectSingle("$body.a.b[0].c", K::kSysProp);
  expectSingle("$body.Welcome!.he", K::kSysProp);
  expectSingle("$twin.properties.desired.x", K::kSysProp);
  expectSingle("$body.température", K::kSysProp);
  expectSingle("$a-b+c*d'e|f&g#h$i%j", K::kSysProp);
}

TEST(LexerTest, SystemPropertyStopsAtExcludedCharacters) {
  Lexed l = lexAll("$body.a=1");
  EXPECT_EQ(l.kinds, (std::vector<K>{K::kSysProp, K::kEq, K::kInteger}));
  EXPECT_EQ(l.texts[0], "$body.a");
  l = lexAll("{$sys1}");
  EXPECT_EQ(l.kinds, (std::vector<K>{K::kLBrace, K::kSysProp, K::kRBrace}));
  EXPECT_EQ(l.texts[1], "$sys1");
  EXPECT_EQ(kinds("$body;@"), (std::vector<K>{K::kSysProp, K::kUnknownChar, K::kUnknownChar}));
}

TEST(LexerTest, LoneDollarIsIdentifier) {
  expectSingle("$", K::kId);
  EXPECT_EQ(kinds("3 $ 4"), (std::vector<K>{K::kInteger, K::kId, K::kInteger}));
  EXPECT_EQ(kinds("$ sys1"), (std::vector<K>{K::kId, K::kId}));
}

TEST(LexerTest, BracketedTextIsQueryPath) {
  expectSingle("a[0]", K::kQueryPath);
  expectSingle("[32]", K::kQueryPath);
  expectSingle("[]", K::kQueryPath);
  EXPECT_EQ(kinds("32 = [32]"), (std::vector<K>{K::kInteger, K::kEq, K::kQueryPath}));
}

TEST(LexerTest, Strings) {
  expectSingle("'abc'", K::kString);
  expectSingle("\"abc\"", K::kString);
  expectSingle("''", K::kString);
  expectSingle("\"\"", K::kString);
  expectSingle("'a\"b'", K::kString);
  expectSingle("\"a'b\"", K::kString);
  expectSingle("'a\\'b'", K::kString);
  expectSingle("\"a\\\"b\"", K::kString);
  expectSingle("'a\\\\b'", K::kString);
  expectSingle("'\\u00e9'", K::kString);
  expectSingle("'line1\nline2'", K::kString);
  expectSingle("'ünïcödé 😀'", K::kString);
}

TEST(LexerTest, StringFollowedByOperatorCharacters) {
  EXPECT_EQ(kinds("'a' AND 'b'"), (std::vector<K>{K::kString, K::kAnd, K::kString}));
  EXPECT_EQ(kinds("\"a\"AND"), (std::vector<K>{K::kString, K::kAnd}));
}

TEST(LexerTest, SingleQuotedStringSwallowedByIdentifier) {
  expectSingle("'a'AND", K::kId);
  expectSingle("'it''s'", K::kId);
  expectSingle("'a'x", K::kId);
}

TEST(LexerTest, DoubledDoubleQuotesAreTwoStrings) {
  Lexed l = lexAll("\"it\"\"s\"");
  EXPECT_EQ(l.kinds, (std::vector<K>{K::kString, K::kString}));
  EXPECT_EQ(l.texts[0], "\"it\"");
  EXPECT_EQ(l.texts[1], "\"s\"");
}

TEST(LexerTest, UnterminatedStrings) {
  EXPECT_EQ(kinds("'abc")[0], K::kUnterminatedString);
  EXPECT_EQ(kinds("\"2 = 24")[0], K::kUnterminatedString);
  Lexed l = lexAll("\"unterminated = 'unterminated'");
  ASSERT_EQ(l.kinds.size(), 1u);
  EXPECT_EQ(l.kinds[0], K::kUnterminatedString);
}

TEST(LexerTest, UnknownEscapeBreaksTheString) {
  // \n is not an escape: the string does not lex as a STRING token.
  EXPECT_EQ(kinds("'a\\nb'")[0], K::kUnterminatedString);
  EXPECT_EQ(kinds("\"a\\tb\"")[0], K::kUnterminatedString);
  EXPECT_EQ(kinds("'\\u12'")[0], K::kUnterminatedString);    // \u needs 4 hex digits
  EXPECT_EQ(kinds("'\\U0041'")[0], K::kUnterminatedString);  // lowercase u only
}

TEST(LexerTest, UnknownCharacters) {
  for (std::string_view c : {"@", ";", ":", "\\", "?"}) expectSingle(c, K::kUnknownChar);
  EXPECT_EQ(kinds("3 = @ 3"), (std::vector<K>{K::kInteger, K::kEq, K::kUnknownChar, K::kInteger}));
  EXPECT_EQ(kinds("a ? b"), (std::vector<K>{K::kId, K::kUnknownChar, K::kId}));
}

TEST(LexerTest, NonAsciiIdentifiers) {
  expectSingle("température", K::kId);
  expectSingle("日本", K::kId);
}

TEST(LexerTest, DescribeToken) {
  std::string_view text = "key1 = 'x'";
  std::vector<Token> tokens = lex(text);
  EXPECT_EQ(describeToken(text, tokens[0]), "'key1'");
  EXPECT_EQ(describeToken(text, tokens[2]), "''x''");
  EXPECT_EQ(describeToken(text, tokens.back()), "the end of the condition");
}

}  // namespace
}  // namespace routesim::query
