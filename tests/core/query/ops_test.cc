// Tests of core/query/ops.h against query-language.md §3.2 (run-time semantics of operators) and
// §5 (built-in functions), each at its edges: bounds, UTF-16 indices, overflow to infinity,
// NaN as undefined, the tri-state logic tables, and the cross-kind order of dynamic values.
#include "core/query/ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

namespace routesim::query {

// Readable TriState values in assertion messages (found by argument-dependent lookup).
inline void PrintTo(TriState t, std::ostream* os) { *os << triStateName(t); }

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Value num(double d) { return Value::ofNumber(d); }
Value str(std::string_view s) { return Value::ofString(s); }
Value boolean(bool b) { return Value::ofBool(b); }
Value null() { return Value::null(); }
Value undef() { return Value::undefined(); }
Value object() { return Value{Kind::kObject, false, 0, {}}; }
Value array() { return Value{Kind::kArray, false, 0, {}}; }
// A number Value holding NaN, bypassing ofNumber's normalisation, to check that functions
// never treat it as a defined index or operand.
Value rawNaN() { return Value{Kind::kNumber, false, kNaN, {}}; }

// A Value as text for readable failures: 3, 'abc', true, null, undefined, object, array.
std::string show(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined:
      return "undefined";
    case Kind::kBool:
      return v.boolean ? "true" : "false";
    case Kind::kNumber: {
      std::string s = std::to_string(v.number);
      return std::isinf(v.number) ? (v.number > 0 ? "+Inf" : "-Inf") : s;
    }
    case Kind::kString:
      return "'" + std::string(v.string) + "'";
    case Kind::kNull:
      return "null";
    case Kind::kObject:
      return "object";
    case Kind::kArray:
      return "array";
  }
  return "?";
}

class OpsTest : public ::testing::Test {
 protected:
  Value fn(Builtin f, std::initializer_list<Value> args) {
    std::vector<Value> v(args);
    return call(f, v, arena_);
  }
  StringArena arena_;
};

void expectNumber(const Value& v, double expected) {
  ASSERT_EQ(v.kind, Kind::kNumber) << show(v);
  if (std::isinf(expected)) {
    EXPECT_EQ(v.number, expected);
  } else {
    EXPECT_DOUBLE_EQ(v.number, expected);
  }
}
void expectString(const Value& v, std::string_view expected) {
  ASSERT_EQ(v.kind, Kind::kString) << show(v);
  EXPECT_EQ(v.string, expected);
}
void expectBool(const Value& v, bool expected) {
  ASSERT_EQ(v.kind, Kind::kBool) << show(v);
  EXPECT_EQ(v.boolean, expected);
}
void expectUndefined(const Value& v) { EXPECT_EQ(v.kind, Kind::kUndefined) << show(v); }

// --- Value -------------------------------------------------------------------------------------

TEST(ValueTest, NaNIsTheUndefinedNumber) {
  EXPECT_EQ(Value::ofNumber(kNaN).kind, Kind::kUndefined);
  EXPECT_EQ(Value::ofNumber(kInf).kind, Kind::kNumber);
}

// --- substring ----------------------------------------------------------------------------

TEST_F(OpsTest, SubstringWithStart) {
  expectString(fn(Builtin::kSubstring, {str("hello"), num(1)}), "ello");
  expectString(fn(Builtin::kSubstring, {str("hello"), num(0)}), "hello");
  expectString(fn(Builtin::kSubstring, {str("abc"), num(3)}), "");  // start may equal length
  expectUndefined(fn(Builtin::kSubstring, {str("abc"), num(4)}));
  expectUndefined(fn(Builtin::kSubstring, {str("abc"), num(-1)}));
  expectString(fn(Builtin::kSubstring, {str(""), num(0)}), "");
}

TEST_F(OpsTest, SubstringTruncatesIndices) {
  expectString(fn(Builtin::kSubstring, {str("hello"), num(-0.5)}), "hello");  // -0.5 -> 0
  expectString(fn(Builtin::kSubstring, {str("hello"), num(1.9)}), "ello");
  expectString(fn(Builtin::kSubstring, {str("abc"), num(3.99)}), "");
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), num(-1.5)}));
  expectString(fn(Builtin::kSubstring, {str("hello"), num(-0.5), num(1)}), "h");
  expectString(fn(Builtin::kSubstring, {str("hello"), num(1.9), num(2.9)}), "el");
  expectString(fn(Builtin::kSubstring, {str("hello"), num(0), num(-0.5)}), "");
}

TEST_F(OpsTest, SubstringRejectsNaNAndInfiniteIndices) {
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), rawNaN()}));
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), undef()}));
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), num(kInf)}));
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), num(-kInf)}));
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), num(0), rawNaN()}));
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), rawNaN(), num(1)}));
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), num(0), num(kInf)}));
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), num(1e10)}));
}

TEST_F(OpsTest, SubstringWithStartAndLength) {
  expectString(fn(Builtin::kSubstring, {str("hello"), num(1), num(2)}), "el");
  expectString(fn(Builtin::kSubstring, {str("hello"), num(0), num(5)}), "hello");
  expectString(fn(Builtin::kSubstring, {str("hello"), num(2), num(3)}), "llo");
  expectString(fn(Builtin::kSubstring, {str("hello"), num(4), num(0)}), "");
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), num(2), num(4)}));
  expectUndefined(fn(Builtin::kSubstring, {str("hello"), num(0), num(6)}));
  expectUndefined(fn(Builtin::kSubstring, {str("abc"), num(1), num(-2)}));
  // With a length, start must be inside the string: substring('abc', 3, 0) is undefined.
  expectUndefined(fn(Builtin::kSubstring, {str("abc"), num(3), num(0)}));
  expectUndefined(fn(Builtin::kSubstring, {str(""), num(0), num(0)}));
  expectUndefined(fn(Builtin::kSubstring, {str("abc"), num(-1), num(1)}));
}

TEST_F(OpsTest, SubstringCountsUtf16CodeUnits) {
  expectString(fn(Builtin::kSubstring, {str("héllo"), num(1), num(1)}), "é");
  expectString(fn(Builtin::kSubstring, {str("😀x"), num(2)}), "x");
  expectString(fn(Builtin::kSubstring, {str("a😀b"), num(1), num(2)}), "😀");
  expectString(fn(Builtin::kSubstring, {str("日本語"), num(1)}), "本語");
  expectUndefined(fn(Builtin::kSubstring, {str("😀"), num(3)}));
  expectString(fn(Builtin::kSubstring, {str("😀"), num(2)}), "");
}

TEST_F(OpsTest, SubstringSplittingASurrogatePairKeepsOneCodeUnit) {
  Value half = fn(Builtin::kSubstring, {str("😀x"), num(0), num(1)});
  ASSERT_EQ(half.kind, Kind::kString);
  expectNumber(fn(Builtin::kLength, {half}), 1);
}

TEST_F(OpsTest, SubstringOfNonStringIsUndefined) {
  expectUndefined(fn(Builtin::kSubstring, {null(), num(0)}));
  expectUndefined(fn(Builtin::kSubstring, {undef(), num(0)}));
  expectUndefined(fn(Builtin::kSubstring, {num(12), num(0)}));
  expectUndefined(fn(Builtin::kSubstring, {object(), num(0)}));
  expectUndefined(fn(Builtin::kSubstring, {str("abc"), str("1")}));
}

// --- index_of, length ------------------------------------------------------------------------

TEST_F(OpsTest, IndexOf) {
  expectNumber(fn(Builtin::kIndexOf, {str("abc"), str("c")}), 2);
  expectNumber(fn(Builtin::kIndexOf, {str("abcabc"), str("bc")}), 1);
  expectNumber(fn(Builtin::kIndexOf, {str("abc"), str("d")}), -1);
  expectNumber(fn(Builtin::kIndexOf, {str("ABC"), str("b")}), -1);  // case-sensitive
  expectNumber(fn(Builtin::kIndexOf, {str(""), str("a")}), -1);
}

TEST_F(OpsTest, IndexOfEmptyNeedleIsZero) {
  expectNumber(fn(Builtin::kIndexOf, {str("abc"), str("")}), 0);
  expectNumber(fn(Builtin::kIndexOf, {str(""), str("")}), 0);
}

TEST_F(OpsTest, IndexOfCountsUtf16CodeUnits) {
  expectNumber(fn(Builtin::kIndexOf, {str("héllo"), str("l")}), 2);
  expectNumber(fn(Builtin::kIndexOf, {str("😀x"), str("x")}), 2);
  expectNumber(fn(Builtin::kIndexOf, {str("a😀b😀"), str("😀")}), 1);
  expectNumber(fn(Builtin::kIndexOf, {str("日本語"), str("語")}), 2);
  expectNumber(fn(Builtin::kIndexOf, {str("😀😀é"), str("é")}), 4);
}

TEST_F(OpsTest, IndexOfUndefinedOrNullIsUndefined) {
  expectUndefined(fn(Builtin::kIndexOf, {null(), str("a")}));
  expectUndefined(fn(Builtin::kIndexOf, {str("a"), undef()}));
  expectUndefined(fn(Builtin::kIndexOf, {num(1), str("1")}));
}

TEST_F(OpsTest, LengthIsUtf16CodeUnits) {
  expectNumber(fn(Builtin::kLength, {str("")}), 0);
  expectNumber(fn(Builtin::kLength, {str("abc")}), 3);
  expectNumber(fn(Builtin::kLength, {str("é")}), 1);
  expectNumber(fn(Builtin::kLength, {str("日本")}), 2);
  expectNumber(fn(Builtin::kLength, {str("😀")}), 2);  // a supplementary character
  expectNumber(fn(Builtin::kLength, {str("a😀b")}), 4);
  expectNumber(fn(Builtin::kLength, {str("𝄞𝄞")}), 4);
}

TEST_F(OpsTest, LengthOfNonStringIsUndefined) {
  expectUndefined(fn(Builtin::kLength, {null()}));
  expectUndefined(fn(Builtin::kLength, {undef()}));
  expectUndefined(fn(Builtin::kLength, {num(123)}));
  expectUndefined(fn(Builtin::kLength, {array()}));
}

// --- lower, upper ----------------------------------------------------------------------------

TEST_F(OpsTest, LowerAndUpperAscii) {
  expectString(fn(Builtin::kLower, {str("HeLLo 123!")}), "hello 123!");
  expectString(fn(Builtin::kUpper, {str("HeLLo 123!")}), "HELLO 123!");
  expectString(fn(Builtin::kLower, {str("")}), "");
}

TEST_F(OpsTest, LowerAndUpperNonAscii) {
  expectString(fn(Builtin::kLower, {str("ÀÉÎÕÜ")}), "àéîõü");
  expectString(fn(Builtin::kUpper, {str("àéîõü")}), "ÀÉÎÕÜ");
  expectString(fn(Builtin::kUpper, {str("ÿ")}), "Ÿ");
  expectString(fn(Builtin::kLower, {str("ПРИВЕТ")}), "привет");
  expectString(fn(Builtin::kUpper, {str("αβγ")}), "ΑΒΓ");
  expectString(fn(Builtin::kLower, {str("ΣΑΣ")}), "σασ");  // no final-sigma rule
  expectString(fn(Builtin::kUpper, {str("日本😀")}), "日本😀");
}

TEST_F(OpsTest, UpperKeepsLengthWithSharpS) {
  // Invariant simple case mapping: ß has no single-character uppercase and stays.
  expectString(fn(Builtin::kUpper, {str("straße")}), "STRAßE");
}

TEST_F(OpsTest, LowerUpperOfNonStringIsUndefined) {
  expectUndefined(fn(Builtin::kLower, {null()}));
  expectUndefined(fn(Builtin::kUpper, {undef()}));
  expectUndefined(fn(Builtin::kUpper, {num(1)}));
}

// --- concat ----------------------------------------------------------------------------------

TEST_F(OpsTest, Concat) {
  expectString(fn(Builtin::kConcat, {str("a"), str("b")}), "ab");
  expectString(fn(Builtin::kConcat, {str("a"), str(""), str("é"), str("😀")}), "aé😀");
  expectString(fn(Builtin::kConcat, {str(""), str("")}), "");
}

TEST_F(OpsTest, ConcatWithNullValuedPropertiesContributesEmptyString) {
  expectString(fn(Builtin::kConcat, {str("a"), null(), str("d")}), "ad");
  expectString(fn(Builtin::kConcat, {null(), null()}), "");
}

TEST_F(OpsTest, ConcatWithUndefinedOrWrongKindIsUndefined) {
  expectUndefined(fn(Builtin::kConcat, {str("a"), undef()}));
  expectUndefined(fn(Builtin::kConcat, {undef(), str("a"), str("b")}));
  expectUndefined(fn(Builtin::kConcat, {str("a"), num(1)}));
  expectUndefined(fn(Builtin::kConcat, {str("a"), boolean(true)}));
  expectUndefined(fn(Builtin::kConcat, {str("a"), object()}));
}

// --- starts_with, ends_with, contains ------------------------------------------------------

TEST_F(OpsTest, StringPredicates) {
  expectBool(fn(Builtin::kStartsWith, {str("value1value1"), str("value1")}), true);
  expectBool(fn(Builtin::kStartsWith, {str("abc"), str("")}), true);
  expectBool(fn(Builtin::kStartsWith, {str("abc"), str("ABC")}), false);
  expectBool(fn(Builtin::kStartsWith, {str("ab"), str("abc")}), false);
  expectBool(fn(Builtin::kEndsWith, {str("abc"), str("bc")}), true);
  expectBool(fn(Builtin::kEndsWith, {str("abc"), str("")}), true);
  expectBool(fn(Builtin::kEndsWith, {str("bc"), str("abc")}), false);
  expectBool(fn(Builtin::kEndsWith, {str("abc"), str("B")}), false);
  expectBool(fn(Builtin::kContains, {str("abc"), str("ab")}), true);
  expectBool(fn(Builtin::kContains, {str("abc"), str("")}), true);
  expectBool(fn(Builtin::kContains, {str(""), str("")}), true);
  expectBool(fn(Builtin::kContains, {str("abc"), str("ac")}), false);
  expectBool(fn(Builtin::kContains, {str("héllo😀"), str("é")}), true);
  expectBool(fn(Builtin::kEndsWith, {str("héllo😀"), str("😀")}), true);
}

TEST_F(OpsTest, StringPredicatesOnUndefinedOrNullAreUndefined) {
  for (Builtin f : {Builtin::kStartsWith, Builtin::kEndsWith, Builtin::kContains}) {
    expectUndefined(fn(f, {undef(), str("1")}));
    expectUndefined(fn(f, {null(), str("1")}));
    expectUndefined(fn(f, {str("1"), undef()}));
    expectUndefined(fn(f, {num(1), str("1")}));
  }
}

// --- math ------------------------------------------------------------------------------------

TEST_F(OpsTest, MathFunctions) {
  expectNumber(fn(Builtin::kAbs, {num(-3)}), 3);
  expectNumber(fn(Builtin::kAbs, {num(50.4)}), 50.4);
  expectNumber(fn(Builtin::kAbs, {num(-kInf)}), kInf);
  expectNumber(fn(Builtin::kExp, {num(0)}), 1);
  expectNumber(fn(Builtin::kExp, {num(-4000)}), 0);
  expectNumber(fn(Builtin::kPower, {num(2), num(10)}), 1024);
  expectNumber(fn(Builtin::kPower, {num(2), num(-1)}), 0.5);
  expectNumber(fn(Builtin::kPower, {num(0), num(0)}), 1);
  expectNumber(fn(Builtin::kSquare, {num(-3)}), 9);
  expectNumber(fn(Builtin::kSqrt, {num(16)}), 4);
  expectNumber(fn(Builtin::kSqrt, {num(kInf)}), kInf);
  expectNumber(fn(Builtin::kCeiling, {num(2.1)}), 3);
  expectNumber(fn(Builtin::kCeiling, {num(-2.1)}), -2);
  expectNumber(fn(Builtin::kFloor, {num(2.9)}), 2);
  expectNumber(fn(Builtin::kFloor, {num(-2.1)}), -3);
}

TEST_F(OpsTest, OverflowGivesPositiveInfinity) {
  expectNumber(fn(Builtin::kExp, {num(4000)}), kInf);
  expectNumber(fn(Builtin::kPower, {num(10), num(4000)}), kInf);
  expectNumber(fn(Builtin::kSquare, {num(1e200)}), kInf);
  expectNumber(fn(Builtin::kSquare, {num(-1e200)}), kInf);
}

TEST_F(OpsTest, NaNResultsAreUndefined) {
  expectUndefined(fn(Builtin::kSqrt, {num(-4)}));
  expectUndefined(fn(Builtin::kPower, {num(-8), num(1.0 / 3)}));
}

TEST_F(OpsTest, Sign) {
  expectNumber(fn(Builtin::kSign, {num(2.1)}), 1);
  expectNumber(fn(Builtin::kSign, {num(-0.5)}), -1);
  expectNumber(fn(Builtin::kSign, {num(0)}), 0);
  expectNumber(fn(Builtin::kSign, {num(-0.0)}), 0);
  expectNumber(fn(Builtin::kSign, {num(kInf)}), 1);
  expectNumber(fn(Builtin::kSign, {num(-kInf)}), -1);
}

TEST_F(OpsTest, MathOnUndefinedOrWrongKindIsUndefined) {
  for (Builtin f : {Builtin::kAbs, Builtin::kExp, Builtin::kSquare, Builtin::kSqrt,
                    Builtin::kCeiling, Builtin::kFloor, Builtin::kSign}) {
    expectUndefined(fn(f, {undef()}));
    expectUndefined(fn(f, {str("3")}));
    expectUndefined(fn(f, {null()}));
    expectUndefined(fn(f, {boolean(true)}));
  }
  expectUndefined(fn(Builtin::kPower, {num(2), undef()}));
  expectUndefined(fn(Builtin::kPower, {str("2"), num(2)}));
}

// --- as_number -------------------------------------------------------------------------------

TEST_F(OpsTest, AsNumberParsesLeniently) {
  expectNumber(fn(Builtin::kAsNumber, {str("3")}), 3);
  expectNumber(fn(Builtin::kAsNumber, {str(" 3 ")}), 3);
  expectNumber(fn(Builtin::kAsNumber, {str("1,000")}), 1000);
  expectNumber(fn(Builtin::kAsNumber, {str("(5)")}), -5);
  expectNumber(fn(Builtin::kAsNumber, {str("5-")}), -5);
  expectNumber(fn(Builtin::kAsNumber, {str("10e10")}), 1e11);
  expectNumber(fn(Builtin::kAsNumber, {str("10e1000")}), kInf);
  expectNumber(fn(Builtin::kAsNumber, {str("-10e1000")}), -kInf);
  expectNumber(fn(Builtin::kAsNumber, {str("10000000000000000000000000")}), 1e25);
}

TEST_F(OpsTest, AsNumberRejects) {
  expectUndefined(fn(Builtin::kAsNumber, {str("0x10")}));
  expectUndefined(fn(Builtin::kAsNumber, {str("apple")}));
  expectUndefined(fn(Builtin::kAsNumber, {str("")}));
  expectUndefined(fn(Builtin::kAsNumber, {str("NaN")}));  // parses, but NaN is undefined
  expectUndefined(fn(Builtin::kAsNumber, {null()}));
  expectUndefined(fn(Builtin::kAsNumber, {undef()}));
  expectUndefined(fn(Builtin::kAsNumber, {boolean(true)}));
  expectUndefined(fn(Builtin::kAsNumber, {object()}));
}

TEST_F(OpsTest, AsNumberOfNumberIsIdentity) {
  expectNumber(fn(Builtin::kAsNumber, {num(4)}), 4);
  expectNumber(fn(Builtin::kAsNumber, {num(kInf)}), kInf);
}

// --- type predicates ----------------------------------------------------------------------

TEST_F(OpsTest, IsDefined) {
  expectBool(fn(Builtin::kIsDefined, {undef()}), false);
  expectBool(fn(Builtin::kIsDefined, {null()}), true);
  expectBool(fn(Builtin::kIsDefined, {num(kInf)}), true);
  expectBool(fn(Builtin::kIsDefined, {num(0)}), true);
  expectBool(fn(Builtin::kIsDefined, {str("")}), true);
  expectBool(fn(Builtin::kIsDefined, {boolean(false)}), true);
  expectBool(fn(Builtin::kIsDefined, {object()}), false);
  expectBool(fn(Builtin::kIsDefined, {array()}), false);
  EXPECT_FALSE(isDefined(undef()));
  EXPECT_TRUE(isDefined(null()));
  EXPECT_FALSE(isDefined(object()));
}

TEST_F(OpsTest, IsNull) {
  expectBool(fn(Builtin::kIsNull, {null()}), true);
  expectBool(fn(Builtin::kIsNull, {undef()}), false);
  expectBool(fn(Builtin::kIsNull, {str("")}), false);
  expectBool(fn(Builtin::kIsNull, {num(0)}), false);
  expectBool(fn(Builtin::kIsNull, {num(kInf)}), false);
  expectBool(fn(Builtin::kIsNull, {boolean(false)}), false);
  expectBool(fn(Builtin::kIsNull, {object()}), false);
}

TEST_F(OpsTest, IsNumberRequiresFiniteNumber) {
  expectBool(fn(Builtin::kIsNumber, {num(3)}), true);
  expectBool(fn(Builtin::kIsNumber, {num(-0.5)}), true);
  expectBool(fn(Builtin::kIsNumber, {num(kInf)}), false);
  expectBool(fn(Builtin::kIsNumber, {num(-kInf)}), false);
  expectBool(fn(Builtin::kIsNumber, {undef()}), false);
  expectBool(fn(Builtin::kIsNumber, {str("3")}), false);
  expectBool(fn(Builtin::kIsNumber, {null()}), false);
}

TEST_F(OpsTest, IsString) {
  expectBool(fn(Builtin::kIsString, {str("a")}), true);
  expectBool(fn(Builtin::kIsString, {str("")}), true);
  expectBool(fn(Builtin::kIsString, {null()}), false);
  expectBool(fn(Builtin::kIsString, {undef()}), false);
  expectBool(fn(Builtin::kIsString, {num(12.34)}), false);
  expectBool(fn(Builtin::kIsString, {boolean(false)}), false);
}

TEST_F(OpsTest, IsBoolVariants) {
  expectBool(fn(Builtin::kIsBool, {boolean(true)}), true);
  expectBool(fn(Builtin::kIsBool, {boolean(false)}), true);
  expectBool(fn(Builtin::kIsBool, {undef()}), false);
  expectBool(fn(Builtin::kIsBool, {null()}), false);
  expectBool(fn(Builtin::kIsBool, {num(12.34)}), false);
  expectBool(fn(Builtin::kIsBool, {str("true")}), false);
  expectBool(fn(Builtin::kIsBoolOnBool, {boolean(false)}), true);
  expectUndefined(fn(Builtin::kIsBoolOnBool, {undef()}));  // the undefined bool
}

TEST_F(OpsTest, IsArrayIsObjectIsPrimitive) {
  expectBool(fn(Builtin::kIsArray, {array()}), true);
  expectBool(fn(Builtin::kIsArray, {object()}), false);
  expectBool(fn(Builtin::kIsObject, {object()}), true);
  expectBool(fn(Builtin::kIsObject, {array()}), false);
  for (const Value& v : {num(1), str("a"), boolean(true), null()}) {
    expectBool(fn(Builtin::kIsPrimitive, {v}), true);
    expectBool(fn(Builtin::kIsArray, {v}), false);
    expectBool(fn(Builtin::kIsObject, {v}), false);
  }
  expectBool(fn(Builtin::kIsPrimitive, {object()}), false);
  expectBool(fn(Builtin::kIsPrimitive, {array()}), false);
  // On undefined all three are false.
  expectBool(fn(Builtin::kIsPrimitive, {undef()}), false);
  expectBool(fn(Builtin::kIsArray, {undef()}), false);
  expectBool(fn(Builtin::kIsObject, {undef()}), false);
}

// --- arithmetic ----------------------------------------------------------------------------

TEST(ArithmeticTest, IeeeDoubleArithmetic) {
  expectNumber(arithmetic(ArithOp::kAdd, num(1), num(2)), 3);
  expectNumber(arithmetic(ArithOp::kSub, num(1), num(-2)), 3);
  expectNumber(arithmetic(ArithOp::kMul, num(3), num(4)), 12);
  expectNumber(arithmetic(ArithOp::kDiv, num(7), num(2)), 3.5);
  expectNumber(arithmetic(ArithOp::kDiv, num(3), num(0)), kInf);
  expectNumber(arithmetic(ArithOp::kDiv, num(-3), num(0)), -kInf);
  expectNumber(arithmetic(ArithOp::kAdd, num(1e308), num(1e308)), kInf);
}

TEST(ArithmeticTest, ModuloKeepsSignOfDividend) {
  expectNumber(arithmetic(ArithOp::kMod, num(-7), num(3)), -1);
  expectNumber(arithmetic(ArithOp::kMod, num(7), num(-3)), 1);
  expectNumber(arithmetic(ArithOp::kMod, num(5.5), num(2)), 1.5);
}

TEST(ArithmeticTest, NaNResultsAreUndefined) {
  expectUndefined(arithmetic(ArithOp::kMod, num(3), num(0)));
  expectUndefined(arithmetic(ArithOp::kDiv, num(0), num(0)));
  expectUndefined(arithmetic(ArithOp::kSub, num(kInf), num(kInf)));
  expectUndefined(arithmetic(ArithOp::kMul, num(0), num(kInf)));
}

TEST(ArithmeticTest, NonNumberOperandsAreUndefined) {
  expectUndefined(arithmetic(ArithOp::kAdd, num(3), undef()));
  expectUndefined(arithmetic(ArithOp::kAdd, undef(), num(3)));
  expectUndefined(arithmetic(ArithOp::kAdd, str("3"), num(3)));
  expectUndefined(arithmetic(ArithOp::kAdd, null(), num(3)));
  expectUndefined(arithmetic(ArithOp::kAdd, boolean(true), num(3)));
  expectUndefined(arithmetic(ArithOp::kAdd, object(), num(3)));
}

TEST(ArithmeticTest, Negate) {
  expectNumber(negate(num(3)), -3);
  expectNumber(negate(num(-kInf)), kInf);
  expectUndefined(negate(undef()));
  expectUndefined(negate(str("3")));
}

// --- comparison ----------------------------------------------------------------------------

constexpr CompareOp kAllOps[] = {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt,
                                 CompareOp::kLe, CompareOp::kGt, CompareOp::kGe};

// Expected results for (=, !=, <, <=, >, >=) of a pair whose order is `order`.
void expectOrder(StaticType domain, const Value& a, const Value& b, int order) {
  bool expected[] = {order == 0, order != 0, order<0, order <= 0, order> 0, order >= 0};
  for (int i = 0; i < 6; ++i) {
    Value v = compare(domain, kAllOps[i], a, b);
    ASSERT_EQ(v.kind, Kind::kBool) << show(a) << " op" << i << " " << show(b);
    EXPECT_EQ(v.boolean, expected[i]) << show(a) << " op" << i << " " << show(b);
  }
}

void expectAllUndefined(StaticType domain, const Value& a, const Value& b) {
  for (CompareOp op : kAllOps) {
    EXPECT_EQ(compare(domain, op, a, b).kind, Kind::kUndefined) << show(a) << " vs " << show(b);
  }
}

TEST(CompareTest, Numbers) {
  expectOrder(StaticType::kNumber, num(3), num(3), 0);
  expectOrder(StaticType::kNumber, num(3), num(4), -1);
  expectOrder(StaticType::kNumber, num(-0.0), num(0), 0);
  expectOrder(StaticType::kNumber, num(kInf), num(kInf), 0);  // exp(4000) = 3/0 is true
  expectOrder(StaticType::kNumber, num(-kInf), num(kInf), -1);
  expectAllUndefined(StaticType::kNumber, num(3), undef());
  expectAllUndefined(StaticType::kNumber, undef(), undef());
}

TEST(CompareTest, StringsAreOrdinalAndCaseSensitive) {
  expectOrder(StaticType::kString, str("a"), str("a"), 0);
  expectOrder(StaticType::kString, str("a"), str("b"), -1);
  expectOrder(StaticType::kString, str("B"), str("a"), -1);
  expectOrder(StaticType::kString, str("ab"), str("abc"), -1);
  expectOrder(StaticType::kString, str(""), str("a"), -1);
  expectOrder(StaticType::kString, str("value1"), str("VALUE1"), 1);
}

TEST(CompareTest, StringsCompareInUtf16CodeUnitOrder) {
  expectOrder(StaticType::kString, str("é"), str("z"), 1);
  expectOrder(StaticType::kString, str("ä"), str("é"), -1);
  expectOrder(StaticType::kString, str("日本"), str("日本"), 0);
  // U+1F600 is the surrogate pair D83D DE00, which sorts below U+E000..U+FFFF in UTF-16 order
  // (code-point order would say the opposite).
  expectOrder(StaticType::kString, str("😀"), str("\xEE\x80\x80"), -1);    // U+E000
  expectOrder(StaticType::kString, str("😀"), str("\xEF\xBD\xA1"), -1);    // U+FF61
  expectOrder(StaticType::kString, str("😀"), str("\xED\x9F\xBF"), 1);     // U+D7FF
  expectOrder(StaticType::kString, str("a😀"), str("a\xEF\xBF\xBF"), -1);  // U+FFFF
}

TEST(CompareTest, NullOrUndefinedStringsAreUndefined) {
  expectAllUndefined(StaticType::kString, null(), str("a"));  // a null-valued property
  expectAllUndefined(StaticType::kString, null(), null());
  expectAllUndefined(StaticType::kString, str("a"), undef());
}

TEST(CompareTest, Bools) {
  expectOrder(StaticType::kBool, boolean(false), boolean(true), -1);
  expectOrder(StaticType::kBool, boolean(true), boolean(true), 0);
  expectAllUndefined(StaticType::kBool, boolean(true), undef());
}

TEST(CompareTest, NullEqualsNull) { expectOrder(StaticType::kNull, null(), null(), 0); }

TEST(CompareTest, UndefinedDomainIsAlwaysUndefined) {
  expectAllUndefined(StaticType::kUndefined, undef(), undef());
}

TEST(CompareTest, DynamicSameKindsCompareNaturally) {
  expectOrder(StaticType::kDynamic, num(50), num(50), 0);
  expectOrder(StaticType::kDynamic, num(10), num(50), -1);
  expectOrder(StaticType::kDynamic, str("WA"), str("Redmond"), 1);
  expectOrder(StaticType::kDynamic, boolean(false), boolean(true), -1);
  expectOrder(StaticType::kDynamic, null(), null(), 0);
  expectOrder(StaticType::kDynamic, str("😀"), str("\xEE\x80\x80"), -1);
}

TEST(CompareTest, DynamicCrossKindOrderNeverCoerces) {
  // undefined < bool < number < string < null < object; undefined operands give undefined.
  expectOrder(StaticType::kDynamic, num(50), str("50"), -1);  // $body.temp = '50' is false
  expectOrder(StaticType::kDynamic, num(50), str("100"), -1);
  expectOrder(StaticType::kDynamic, boolean(true), num(0), -1);
  expectOrder(StaticType::kDynamic, str("zzz"), null(), -1);
  expectOrder(StaticType::kDynamic, null(), str("100"), 1);  // $body.missing <> '100' is true
  expectOrder(StaticType::kDynamic, boolean(true), null(), -1);
  expectOrder(StaticType::kDynamic, num(1e300), str(""), -1);
  expectOrder(StaticType::kDynamic, num(1), boolean(false), 1);
}

TEST(CompareTest, DynamicUndefinedObjectsAndArraysAreUndefined) {
  expectAllUndefined(StaticType::kDynamic, undef(), num(1));
  expectAllUndefined(StaticType::kDynamic, null(), undef());
  expectAllUndefined(StaticType::kDynamic, object(), null());  // $body.obj <> null
  expectAllUndefined(StaticType::kDynamic, array(), num(1));
  expectAllUndefined(StaticType::kDynamic, str("a"), object());
}

// --- logic ------------------------------------------------------------------------------------

// 'T', 'F' or 'U' for a logic result.
char tri(const Value& v) {
  if (v.kind == Kind::kBool) return v.boolean ? 'T' : 'F';
  return v.kind == Kind::kUndefined ? 'U' : '?';
}

Value fromTri(char c) { return c == 'T' ? boolean(true) : c == 'F' ? boolean(false) : undef(); }

TEST(LogicTest, ThreeValuedAndTable) {
  // rows: left T F U; columns: right T F U
  const char* table[] = {"TFU", "FFF", "UFU"};
  const char names[] = "TFU";
  for (int l = 0; l < 3; ++l) {
    for (int r = 0; r < 3; ++r) {
      EXPECT_EQ(tri(logicalAnd(fromTri(names[l]), fromTri(names[r]), false)), table[l][r])
          << names[l] << " AND " << names[r];
    }
  }
}

TEST(LogicTest, ThreeValuedOrTable) {
  const char* table[] = {"TTT", "TFU", "TUU"};
  const char names[] = "TFU";
  for (int l = 0; l < 3; ++l) {
    for (int r = 0; r < 3; ++r) {
      EXPECT_EQ(tri(logicalOr(fromTri(names[l]), fromTri(names[r]), false)), table[l][r])
          << names[l] << " OR " << names[r];
    }
  }
}

TEST(LogicTest, Not) {
  EXPECT_EQ(tri(logicalNot(boolean(true), false)), 'F');
  EXPECT_EQ(tri(logicalNot(boolean(false), false)), 'T');
  EXPECT_EQ(tri(logicalNot(undef(), false)), 'U');
  EXPECT_EQ(tri(logicalNot(null(), false)), 'T');  // NOT null is true
  // On a dynamic ($body) operand only a JSON boolean has a defined negation.
  EXPECT_EQ(tri(logicalNot(boolean(true), true)), 'F');
  EXPECT_EQ(tri(logicalNot(null(), true)), 'U');
}

TEST(LogicTest, DynamicOperandsNeedTwoJsonBooleans) {
  EXPECT_EQ(tri(logicalAnd(boolean(true), boolean(true), true)), 'T');
  EXPECT_EQ(tri(logicalAnd(boolean(true), boolean(false), true)), 'F');
  EXPECT_EQ(tri(logicalOr(boolean(false), boolean(true), true)), 'T');
  EXPECT_EQ(tri(logicalOr(boolean(false), boolean(false), true)), 'F');
  // $body.missing AND false is undefined, not false.
  EXPECT_EQ(tri(logicalAnd(null(), boolean(false), true)), 'U');
  EXPECT_EQ(tri(logicalAnd(boolean(false), undef(), true)), 'U');
  EXPECT_EQ(tri(logicalOr(boolean(true), null(), true)), 'U');
  EXPECT_EQ(tri(logicalOr(boolean(true), num(1), true)), 'U');
  EXPECT_EQ(tri(logicalAnd(str("true"), boolean(true), true)), 'U');
}

// --- coalesce ------------------------------------------------------------------------------

TEST(CoalesceTest, ReturnsLeftWhenDefined) {
  expectNumber(coalesce(StaticType::kNumber, num(5), num(3)), 5);
  expectNumber(coalesce(StaticType::kNumber, undef(), num(12.34)), 12.34);  // 3 % 0 ?? 12.34
  expectNumber(coalesce(StaticType::kNumber, num(kInf), num(1)), kInf);
  expectString(coalesce(StaticType::kString, str("a"), str("b")), "a");
  expectString(coalesce(StaticType::kString, undef(), str("b")), "b");
  expectUndefined(coalesce(StaticType::kString, undef(), undef()));  // (none ?? none)
  expectBool(coalesce(StaticType::kBool, undef(), boolean(false)), false);
}

TEST(CoalesceTest, NullValuedPropertyIsDefined) {
  EXPECT_EQ(coalesce(StaticType::kString, null(), str("b")).kind, Kind::kNull);
}

TEST(CoalesceTest, DynamicNullAndMissingAreDefined) {
  EXPECT_EQ(coalesce(StaticType::kDynamic, null(), num(3)).kind, Kind::kNull);
  expectNumber(coalesce(StaticType::kDynamic, undef(), num(3)), 3);
  expectNumber(coalesce(StaticType::kDynamic, object(), num(3)), 3);
  expectNumber(coalesce(StaticType::kDynamic, array(), num(3)), 3);
  expectString(coalesce(StaticType::kDynamic, str("x"), num(3)), "x");
}

// --- final result ----------------------------------------------------------------------------

TEST(FinalResultTest, ReducesByStaticType) {
  EXPECT_EQ(finalResult(StaticType::kBool, boolean(true)), TriState::kTrue);
  EXPECT_EQ(finalResult(StaticType::kBool, boolean(false)), TriState::kFalse);
  EXPECT_EQ(finalResult(StaticType::kBool, undef()), TriState::kUndefined);
  EXPECT_EQ(finalResult(StaticType::kNull, null()), TriState::kFalse);  // top-level null is false
  EXPECT_EQ(finalResult(StaticType::kNumber, num(3)), TriState::kUndefined);
  EXPECT_EQ(finalResult(StaticType::kString, str("a string")), TriState::kUndefined);
  EXPECT_EQ(finalResult(StaticType::kUndefined, undef()), TriState::kUndefined);
  EXPECT_EQ(finalResult(StaticType::kDynamic, boolean(true)), TriState::kTrue);
  EXPECT_EQ(finalResult(StaticType::kDynamic, boolean(false)), TriState::kFalse);
  EXPECT_EQ(finalResult(StaticType::kDynamic, num(1)), TriState::kUndefined);
  EXPECT_EQ(finalResult(StaticType::kDynamic, str("true")), TriState::kUndefined);
  EXPECT_EQ(finalResult(StaticType::kDynamic, null()), TriState::kUndefined);
  EXPECT_EQ(finalResult(StaticType::kDynamic, object()), TriState::kUndefined);
}

TEST(TriStateTest, Names) {
  EXPECT_EQ(triStateName(TriState::kTrue), "true");
  EXPECT_EQ(triStateName(TriState::kFalse), "false");
  EXPECT_EQ(triStateName(TriState::kUndefined), "undefined");
}

}  // namespace
}  // namespace routesim::query
