// Tests of core/query/number_parse.h: as_number's string parsing, .NET double.Parse with
// NumberStyles.Any and the invariant culture (query-language.md §5 and Surprises 17).
#include "core/query/number_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace routesim::query {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void expectParses(std::string_view text, double expected) {
  std::optional<double> v = parseLenientNumber(text);
  ASSERT_TRUE(v.has_value()) << "'" << text << "' did not parse";
  if (std::isinf(expected)) {
    EXPECT_EQ(*v, expected) << "'" << text << "'";
  } else {
    EXPECT_DOUBLE_EQ(*v, expected) << "'" << text << "'";
  }
}

void expectRejects(std::string_view text) {
  std::optional<double> v = parseLenientNumber(text);
  EXPECT_FALSE(v.has_value()) << "'" << text << "' parsed as " << *v;
}

TEST(NumberParseTest, PlainNumbers) {
  expectParses("3", 3);
  expectParses("0", 0);
  expectParses("123456789", 123456789);
  expectParses("12.34", 12.34);
  expectParses("0.5", 0.5);
  expectParses("10000000000000000000000000", 1e25);
}

TEST(NumberParseTest, DecimalPointWithoutDigitsOnOneSide) {
  expectParses(".5", 0.5);
  expectParses("5.", 5);
  expectParses("-.25", -0.25);
  expectRejects(".");
  expectRejects("-.");
}

TEST(NumberParseTest, SurroundingWhitespace) {
  expectParses(" 3 ", 3);
  expectParses("\t\n 42 \r\n", 42);
  expectParses("\v\f7", 7);
  expectRejects("1 000");
  expectRejects("   ");
  expectRejects("");
}

TEST(NumberParseTest, LeadingAndTrailingSign) {
  expectParses("+3", 3);
  expectParses("-3", -3);
  expectParses("5-", -5);
  expectParses("5+", 5);
  expectParses(" -3.5 ", -3.5);
  expectParses("3.5- ", -3.5);
  expectRejects("--3");
  expectRejects("-3-");
  expectRejects("+-3");
  expectRejects("- 3");     // no white space between a leading sign and the digits
  expectParses("3 -", -3);  // trailing white space and sign in any order
  expectParses("3- ", -3);
}

TEST(NumberParseTest, ParenthesesMeanNegative) {
  expectParses("(5)", -5);
  expectParses(" (1.5) ", -1.5);
  expectParses("(1,000)", -1000);
  expectRejects("(5");
  expectRejects("5)");
  expectRejects("-(5)");
  expectRejects("(-5)");
  expectRejects("()");
}

TEST(NumberParseTest, GroupSeparators) {
  expectParses("1,000", 1000);
  expectParses("1,000,000.5", 1000000.5);
  expectParses("1,0,0", 100);  // .NET does not check group sizes
  expectParses("1,", 1);
  expectRejects(",1");
  expectRejects("1.000,5");  // no separators after the decimal point
}

TEST(NumberParseTest, Exponent) {
  expectParses("1e3", 1000);
  expectParses("1E3", 1000);
  expectParses("1e+3", 1000);
  expectParses("1e-3", 0.001);
  expectParses("10e10", 1e11);
  expectParses("1.5e2", 150);
  expectParses(".5e1", 5);
  expectParses("1,000e1", 10000);
  expectRejects("1e");
  expectRejects("1e+");
  expectRejects("e5");
  expectRejects("1e5.5");
  expectRejects("1e 5");
}

TEST(NumberParseTest, OverflowGivesInfinity) {
  expectParses("10e1000", kInf);
  expectParses("-10e1000", -kInf);
  expectParses("1e309", kInf);
  expectParses("(1e400)", -kInf);
  expectParses("1e-400", 0);
  std::string huge(400, '9');
  expectParses(huge, kInf);
}

TEST(NumberParseTest, CurrencySign) {
  expectParses(
      "\xC2\xA4"
      "5",
      5);                        // ¤5
  expectParses("5\xC2\xA4", 5);  // 5¤
  expectParses(
      "-\xC2\xA4"
      "5",
      -5);  // -¤5
  expectRejects("$5");
  expectRejects(
      "\xC2\xA4\xC2\xA4"
      "5");  // one currency sign at most
}

TEST(NumberParseTest, InfinityAndNaNSymbols) {
  expectParses("Infinity", kInf);
  expectParses("-Infinity", -kInf);
  expectParses("+Infinity", kInf);
  expectParses(" infinity ", kInf);  // case-insensitive, as .NET Core 3.0+
  std::optional<double> nan = parseLenientNumber("NaN");
  ASSERT_TRUE(nan.has_value());
  EXPECT_TRUE(std::isnan(*nan));
  expectRejects("Inf");
  expectRejects("∞");
}

TEST(NumberParseTest, HexadecimalIsNotAccepted) {
  expectRejects("0x10");
  expectRejects("0X1F");
  expectRejects("&H10");
}

TEST(NumberParseTest, Garbage) {
  expectRejects("apple");
  expectRejects("3a");
  expectRejects("a3");
  expectRejects("1.2.3");
  expectRejects("1..2");
  expectRejects("true");
  expectRejects("١٢٣");  // only ASCII digits
}

TEST(NumberParseTest, TrailingNulCharactersAreIgnored) {
  expectParses(std::string_view("3\0\0", 3), 3);
  expectRejects(std::string_view("3\0x", 3));
}

}  // namespace
}  // namespace routesim::query
