// Tests of core/query/binder.h against query-language.md §3 (static types and compile-time
// checking), §4 (property resolution), §5 (function signatures) and §5.1 (twin_change_includes),
// plus the binder's constant folding (a query of literals compiles to no instructions).
#include "core/query/binder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

#include "core/query/compiler.h"

namespace routesim::query {

// Readable TriState values in assertion messages (found by argument-dependent lookup).
inline void PrintTo(TriState t, std::ostream* os) { *os << triStateName(t); }

namespace {

using message::MessageSource;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Result<BoundCondition> bindText(std::string_view text, InputCatalog& catalog,
                                MessageSource source = MessageSource::kDeviceMessages) {
  CompileOptions options;
  options.source = source;
  return bindCondition(text, options, catalog);
}

// The static type of a query that must compile.
StaticType typeOf(std::string_view text) {
  InputCatalog catalog;
  Result<BoundCondition> bound = bindText(text, catalog);
  EXPECT_TRUE(bound.ok()) << text << ": " << bound.error().message();
  return bound.ok() ? bound->type : StaticType::kUndefined;
}

std::string typeName(std::string_view text) { return std::string(staticTypeName(typeOf(text))); }

Error bindError(std::string_view text, MessageSource source = MessageSource::kDeviceMessages) {
  InputCatalog catalog;
  Result<BoundCondition> bound = bindText(text, catalog, source);
  EXPECT_FALSE(bound.ok()) << "'" << text << "' compiled";
  if (bound.ok()) return Error(ErrorCode::kInternal, "compiled");
  return bound.error();
}

void expectError(std::string_view text, ErrorCode code, uint32_t offset, uint32_t length) {
  Error e = bindError(text);
  EXPECT_EQ(e.code(), code) << text << ": " << e.message();
  EXPECT_TRUE(e.hasSpan()) << text;
  EXPECT_EQ(e.span(), (SourceSpan{offset, length}))
      << text << ": at " << e.span().offset << "+" << e.span().length << ": " << e.message();
}

void expectTypeError(std::string_view text) {
  Error e = bindError(text);
  EXPECT_EQ(e.code(), ErrorCode::kType) << text << ": " << e.message();
}

void expectCompiles(std::string_view text, MessageSource source = MessageSource::kDeviceMessages) {
  InputCatalog catalog;
  Result<BoundCondition> bound = bindText(text, catalog, source);
  EXPECT_TRUE(bound.ok()) << text << ": " << bound.error().message();
}

// The result of a condition on a message without properties, body or twin.
TriState evaluateOnEmptyMessage(std::string_view text) {
  Result<Condition> c = Condition::compile(text);
  EXPECT_TRUE(c.ok()) << text << ": " << c.error().message();
  if (!c.ok()) return TriState::kUndefined;
  message::Message m;
  EvalScratch scratch;
  return c->evaluate(m, scratch);
}

size_t instructionCount(std::string_view text) {
  InputCatalog catalog;
  Result<Program> program = compileCondition(text, {}, catalog);
  EXPECT_TRUE(program.ok()) << text << ": " << program.error().message();
  return program.ok() ? program->instructionCount() : 0;
}

// --- Static types (§3) ------------------------------------------------------------------------

TEST(BinderTest, LiteralTypes) {
  EXPECT_EQ(typeOf("true"), StaticType::kBool);
  EXPECT_EQ(typeOf("false"), StaticType::kBool);
  EXPECT_EQ(typeOf("'s'"), StaticType::kString);
  EXPECT_EQ(typeOf("\"s\""), StaticType::kString);
  EXPECT_EQ(typeOf("3"), StaticType::kNumber);
  EXPECT_EQ(typeOf("-3"), StaticType::kNumber);
  EXPECT_EQ(typeOf("12.34"), StaticType::kNumber);
  EXPECT_EQ(typeOf("1e-6"), StaticType::kNumber);
  EXPECT_EQ(typeOf("10e1000"), StaticType::kNumber);
  EXPECT_EQ(typeOf("0x1F"), StaticType::kNumber);
  EXPECT_EQ(typeOf("null"), StaticType::kNull);
  EXPECT_EQ(typeOf("undefined"), StaticType::kUndefined);
}

TEST(BinderTest, HexLiteralBeyond64BitsIsUndefinedTyped) {
  EXPECT_EQ(typeOf("0xFFFFFFFFFFFFFFFF"), StaticType::kNumber);
  EXPECT_EQ(typeOf("0x10000000000000000"), StaticType::kUndefined);
  expectTypeError("0x10000000000000000 = 1");
}

TEST(BinderTest, PropertiesAreStrings) {
  EXPECT_EQ(typeOf("key1"), StaticType::kString);
  EXPECT_EQ(typeOf("TRUE"), StaticType::kString);
  EXPECT_EQ(typeOf("$connectionDeviceId"), StaticType::kString);
  EXPECT_EQ(typeOf("{$sys1}"), StaticType::kString);
  EXPECT_EQ(typeOf("$body"), StaticType::kString);  // the system property "body"
  EXPECT_EQ(typeOf("$twin"), StaticType::kString);
  EXPECT_EQ(typeOf("$"), StaticType::kString);
}

TEST(BinderTest, BodyAndTwinPathsAreDynamic) {
  EXPECT_EQ(typeOf("$body.x"), StaticType::kDynamic);
  EXPECT_EQ(typeOf("$BODY.a.b[3].c"), StaticType::kDynamic);
  EXPECT_EQ(typeOf("$bODy.x"), StaticType::kDynamic);
  EXPECT_EQ(typeOf("{$body.x}"), StaticType::kDynamic);
  EXPECT_EQ(typeOf("$twin.tags.x"), StaticType::kDynamic);
  EXPECT_EQ(typeOf("$TWIN.properties.desired.x"), StaticType::kDynamic);
  EXPECT_EQ(typeOf("{$twin.tags.x}"), StaticType::kDynamic);
}

TEST(BinderTest, EscapedNameWithBracketsIsUndefinedTyped) {
  EXPECT_EQ(typeOf("$xyz[0]"), StaticType::kUndefined);
  expectTypeError("$xyz[0] = 'a'");
}

TEST(BinderTest, OperatorResultTypes) {
  EXPECT_EQ(typeName("1 + 2"), "number");
  EXPECT_EQ(typeName("1 % 2"), "number");
  EXPECT_EQ(typeName("- 2"), "number");
  EXPECT_EQ(typeName("'a' || 'b'"), "string");
  EXPECT_EQ(typeName("key1 || $body.x"), "string");
  EXPECT_EQ(typeName("1 < 2"), "bool");
  EXPECT_EQ(typeName("key1 = 'a'"), "bool");
  EXPECT_EQ(typeName("$body.x = 1"), "bool");
  EXPECT_EQ(typeName("null = null"), "bool");
  EXPECT_EQ(typeName("undefined = undefined"), "bool");
  EXPECT_EQ(typeName("NOT true"), "bool");
  EXPECT_EQ(typeName("NOT null"), "bool");
  EXPECT_EQ(typeName("NOT $body.x"), "bool");
  EXPECT_EQ(typeName("true AND key1 = 'a'"), "bool");
  EXPECT_EQ(typeName("undefined OR key1 = 'a'"), "bool");
  EXPECT_EQ(typeName("$body.a AND $body.b"), "bool");
}

TEST(BinderTest, CoalesceHasItsOperandsType) {
  EXPECT_EQ(typeName("key1 ?? key2"), "string");
  EXPECT_EQ(typeName("3 % 0 ?? 12.34"), "number");
  EXPECT_EQ(typeName("(key1 = 'a') ?? false"), "bool");
  EXPECT_EQ(typeName("$body.x ?? 3"), "dynamic");
  EXPECT_EQ(typeName("3 ?? $body.x"), "dynamic");
}

TEST(BinderTest, NullInLogicIsNull) {
  // §3.2: `null AND x` is null; `null OR b` is b; `null OR null` is null.
  EXPECT_EQ(typeName("null AND true"), "null");
  EXPECT_EQ(typeName("key1 = 'a' AND null"), "null");
  EXPECT_EQ(typeName("null OR null"), "null");
  EXPECT_EQ(typeName("null AND null"), "null");
  EXPECT_EQ(typeName("null OR key1 = 'a'"), "bool");
}

TEST(BinderTest, FunctionResultTypes) {
  for (std::string_view q :
       {"abs(1)", "exp(1)", "power(2, 3)", "square(2)", "sqrt(4)", "ceiling(1.5)", "floor(1.5)",
        "sign(-1)", "as_number('1')", "as_number(1)", "length('a')", "index_of('a', 'b')"}) {
    EXPECT_EQ(typeOf(q), StaticType::kNumber) << q;
  }
  for (std::string_view q : {"concat('a', 'b')", "lower('A')", "upper('a')", "substring('ab', 1)",
                             "substring('ab', 0, 1)"}) {
    EXPECT_EQ(typeOf(q), StaticType::kString) << q;
  }
  for (std::string_view q :
       {"is_bool(1)", "is_defined(1)", "is_null(1)", "is_number(1)", "is_string(1)",
        "is_array($body.x)", "is_object($body.x)", "is_primitive($body.x)", "is_array(1)",
        "starts_with('a', 'b')", "ends_with('a', 'b')", "contains('a', 'b')"}) {
    EXPECT_EQ(typeOf(q), StaticType::kBool) << q;
  }
}

TEST(BinderTest, TwinChangeIncludesIsBool) {
  InputCatalog catalog;
  auto bound = bindText("twin_change_includes(tags.x)", catalog, MessageSource::kTwinChangeEvents);
  ASSERT_TRUE(bound.ok()) << bound.error().message();
  EXPECT_EQ(bound->type, StaticType::kBool);
}

TEST(BinderTest, EmptyConditionHasNoRoot) {
  InputCatalog catalog;
  auto bound = bindText("  ", catalog);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->root, nullptr);
  EXPECT_EQ(evaluateOnEmptyMessage(""), TriState::kUndefined);
}

// --- Compile-time type errors (§3.1, §5, "Compile-error messages") ------------------------

TEST(BinderTest, PropertyComparedWithNumberIsTypeErrorAtOperator) {
  Error e = bindError("key2 = 3");
  EXPECT_EQ(e.code(), ErrorCode::kType);
  EXPECT_EQ(e.span(), (SourceSpan{5, 1}));
  EXPECT_THAT(e.message(), StartsWith("Invalid operands to binary operator '='"));
}

TEST(BinderTest, PeerOperandErrorMessage) {
  Error e = bindError("3 + '4' = 7");
  EXPECT_EQ(e.code(), ErrorCode::kType);
  EXPECT_EQ(e.span(), (SourceSpan{2, 1}));
  EXPECT_EQ(e.message(),
            "Invalid operands to binary operator '+': have 'number' and 'string', expected "
            "'number' and 'number'");
}

TEST(BinderTest, PeerInvalidArgumentsMessage) {
  Error e = bindError("as_number(true) = true");
  EXPECT_EQ(e.code(), ErrorCode::kType);
  EXPECT_EQ(e.span(), (SourceSpan{0, 9}));
  EXPECT_THAT(e.message(),
              StartsWith("Invalid arguments to built-in function 'as_number': as_number(bool)"));
}

TEST(BinderTest, UnknownFunction) {
  Error e = bindError("nope(true) = true");
  EXPECT_EQ(e.code(), ErrorCode::kUnknownFunction);
  EXPECT_EQ(e.span(), (SourceSpan{0, 4}));
  EXPECT_EQ(e.message(), "Invalid built-in function 'nope'");
}

TEST(BinderTest, FunctionsAbsentFromTheLanguageAreUnknown) {
  for (std::string_view q :
       {"ST_DISTANCE(1, 2)", "RIGHT('a', 1)", "LEFT('a', 1)", "LTRIM('a')", "RTRIM('a')",
        "REPLACE('a', 'b', 'c')", "REVERSE('a')", "LOG(1)", "LOG10(1)", "SIN(1)", "ROUND(1.5)",
        "TRUNC(1.5)", "PI()", "RAND()", "ARRAY_LENGTH($body.a)", "ARRAY_CONTAINS($body.a, 1)"}) {
    Error e = bindError(q);
    EXPECT_EQ(e.code(), ErrorCode::kUnknownFunction) << q;
    EXPECT_EQ(e.span().offset, 0u) << q;
    EXPECT_THAT(e.message(), StartsWith("Invalid built-in function")) << q;
  }
}

TEST(BinderTest, FunctionNamesAreCaseInsensitive) {
  expectCompiles("AS_NUMBER('1') = 1");
  expectCompiles("Is_Defined(key1)");
  expectCompiles("iS_oBjEcT($body.x)");
  expectCompiles("twin_CHANGE_includes(tags.x)", MessageSource::kTwinChangeEvents);
}

TEST(BinderTest, ArithmeticOperandTypes) {
  expectCompiles("1 + 2 - 3 * 4 / 5 % 6");
  expectCompiles("$body.a + 1");
  expectCompiles("1 * $body.a");
  expectCompiles("$body.a - $body.b");
  expectError("3 + undefined", ErrorCode::kType, 2, 1);
  expectError("3 + true", ErrorCode::kType, 2, 1);
  expectError("'a' + 'b'", ErrorCode::kType, 4, 1);
  expectError("3 + none", ErrorCode::kType, 2, 1);
  expectError("3 - null", ErrorCode::kType, 2, 1);
  expectError("null * null", ErrorCode::kType, 5, 1);
  expectError("$body.a + 'x'", ErrorCode::kType, 8, 1);
}

TEST(BinderTest, ModuloWithDynamicOperandIsTypeError) {
  expectError("$body.a % 2", ErrorCode::kType, 8, 1);
  expectError("5 % $body.a", ErrorCode::kType, 2, 1);
}

TEST(BinderTest, UnaryOperandTypes) {
  expectCompiles("- 3");
  expectCompiles("NOT true");
  expectCompiles("NOT null");
  expectCompiles("NOT $body.flag");
  expectError("- (key1)", ErrorCode::kType, 0, 1);
  expectError("- true", ErrorCode::kType, 0, 1);
  expectError("- $body.x", ErrorCode::kType, 0, 1);  // §3.1 (derived): no negation of dynamic
  expectError("NOT key1", ErrorCode::kType, 0, 3);
  expectError("NOT undefined", ErrorCode::kType, 0, 3);
  expectError("NOT 3", ErrorCode::kType, 0, 3);
  expectError("NOT key1 = 'x'", ErrorCode::kType, 0, 3);  // (NOT key1) = 'x'
}

TEST(BinderTest, ConcatOperandTypes) {
  expectCompiles("'a' || key1 || $body.s");
  expectError("'a' || null", ErrorCode::kType, 4, 2);
  expectError("'a' || undefined", ErrorCode::kType, 4, 2);
  expectError("'a' || true", ErrorCode::kType, 4, 2);
  expectError("'a' || 1", ErrorCode::kType, 4, 2);
}

TEST(BinderTest, ComparisonNeedsSameStaticType) {
  expectError("3 = null", ErrorCode::kType, 2, 1);
  expectError("undefined = 3", ErrorCode::kType, 10, 1);
  expectError("key1 = null", ErrorCode::kType, 5, 1);
  expectError("$body.x = undefined", ErrorCode::kType, 8, 1);
  expectError("undefined <> $body.x", ErrorCode::kType, 10, 2);
  expectError("true < 1", ErrorCode::kType, 5, 1);
  expectError("key1 >= 3", ErrorCode::kType, 5, 2);
  expectError("(key1 ?? 12.34)", ErrorCode::kType, 6, 2);
  expectError("(as_number(key2) ?? key1)", ErrorCode::kType, 17, 2);
  expectError("key1 ?? \"hello\" = \"value1\"", ErrorCode::kType, 5, 2);
}

TEST(BinderTest, ComparisonsThatCompile) {
  for (std::string_view q :
       {"undefined < undefined", "null = null", "true = false", "'a' < 'b'", "3 >= 4",
        "$body.x = 50", "$body.x = 'a'", "$body.x = true", "$body.x = null", "50 = $body.x",
        "null <> $body.x", "$body.x = $twin.y", "$body.x = key1", "undefined ?? undefined"}) {
    expectCompiles(q);
  }
}

TEST(BinderTest, LogicOperandTypes) {
  expectCompiles("true AND false OR undefined");
  expectCompiles("null AND true");
  expectCompiles("undefined OR undefined");
  expectCompiles("$body.a AND true");
  expectCompiles("true AND $body.a");
  expectError("none and true", ErrorCode::kType, 5, 3);
  expectError("none or true", ErrorCode::kType, 5, 2);
  expectError("undefined and \"hello\"", ErrorCode::kType, 10, 3);
  expectError("true AND 1", ErrorCode::kType, 5, 3);
  expectError("'a' AND $body.x", ErrorCode::kType, 4, 3);
}

TEST(BinderTest, DynamicLeftOperandOfLogicLetsAnythingThrough) {
  // §3.1: "A peer bug lets anything through on the right when the left operand is dynamic".
  expectCompiles("$body.x AND 'a'");
  expectCompiles("$body.x OR 3");
}

TEST(BinderTest, FunctionArgumentTypes) {
  expectError("length(null)", ErrorCode::kType, 0, 6);
  expectError("length(undefined)", ErrorCode::kType, 0, 6);
  expectError("length(true)", ErrorCode::kType, 0, 6);
  expectError("length(3)", ErrorCode::kType, 0, 6);
  expectError("abs(null)", ErrorCode::kType, 0, 3);
  expectError("abs(key1)", ErrorCode::kType, 0, 3);
  expectError("contains('hello', undefined)", ErrorCode::kType, 0, 8);
  expectError("concat('a', true)", ErrorCode::kType, 0, 6);
  expectError("concat('a', null)", ErrorCode::kType, 0, 6);
  expectError("concat('a')", ErrorCode::kType, 0, 6);
  expectError("concat(3)", ErrorCode::kType, 0, 6);
  expectError("as_number(null)", ErrorCode::kType, 0, 9);
  expectError("substring('a')", ErrorCode::kType, 0, 9);
  expectError("substring('a', 1, 2, 3)", ErrorCode::kType, 0, 9);
  expectError("substring('a', '1')", ErrorCode::kType, 0, 9);
  expectError("power(2)", ErrorCode::kType, 0, 5);
  expectError("power(2, 3, 4)", ErrorCode::kType, 0, 5);
  expectError("index_of('hello', 'a', 'b')", ErrorCode::kType, 0, 8);
  expectError("starts_with()", ErrorCode::kType, 0, 11);
  expectError("is_defined()", ErrorCode::kType, 0, 10);
  expectError("is_null(1, 2)", ErrorCode::kType, 0, 7);
  expectError("sqrt(key1)", ErrorCode::kType, 0, 4);
  expectError("  lower(false)", ErrorCode::kType, 2, 5);
}

TEST(BinderTest, DynamicArgumentsAreAcceptedWhereNumberOrStringIs) {
  expectCompiles("abs($body.x)");
  expectCompiles("power($body.x, $twin.y)");
  expectCompiles("length($body.s)");
  expectCompiles("substring($body.s, $body.start, $body.len)");
  expectCompiles("concat($body.a, 'x', $twin.b, key1)");
  expectCompiles("as_number($body.x)");
  expectCompiles("contains($body.s, $body.t)");
}

TEST(BinderTest, TypePredicatesAcceptAnyArgument) {
  for (std::string_view fn : {"is_bool", "is_defined", "is_null", "is_number", "is_string",
                              "is_array", "is_object", "is_primitive"}) {
    for (std::string_view arg :
         {"1", "'a'", "true", "null", "undefined", "key1", "$body.x", "$twin.x", "1 = 1"}) {
      expectCompiles(std::string(fn) + "(" + std::string(arg) + ")");
    }
  }
}

TEST(BinderTest, FirstErrorIsInOperandsBeforeTheirOperator) {
  expectError("(1 + 'a') = (key1 + 1)", ErrorCode::kType, 3, 1);
  expectError("nope(1) + 'a'", ErrorCode::kUnknownFunction, 0, 4);
  expectError("abs(key1) = 'x'", ErrorCode::kType, 0, 3);
  expectError("key1 = 1 AND nope()", ErrorCode::kType, 5, 1);
}

TEST(BinderTest, ErrorSpansAreBytesAfterNonAsciiText) {
  expectError("'é' = 3", ErrorCode::kType, 5, 1);
}

// --- Paths (§4.1) ---------------------------------------------------------------------------

TEST(BinderTest, BadBodyPathsAreInvalidPathErrors) {
  expectError("$body.properties[]", ErrorCode::kInvalidPath, 0, 18);
  expectError("$body.a.", ErrorCode::kInvalidPath, 0, 8);
  expectError("$body.a..b = 1", ErrorCode::kInvalidPath, 0, 10);
  expectError("$body.a['x'] = 1", ErrorCode::kInvalidPath, 0, 12);
  expectError("$body. = 1", ErrorCode::kInvalidPath, 0, 6);
  expectError("$body.a[-1] = 1", ErrorCode::kInvalidPath, 0, 11);
  expectError("$body.a[0][0] = 1", ErrorCode::kInvalidPath, 0, 13);
  expectError("x = 'a' AND $body.a[x] = 1", ErrorCode::kInvalidPath, 12, 10);
}

TEST(BinderTest, BadTwinPathsAreInvalidPathErrors) {
  expectError("$twin.a[] = 1", ErrorCode::kInvalidPath, 0, 9);
  expectError("$twin.tags..x = 1", ErrorCode::kInvalidPath, 0, 13);
  expectError("{$twin.} = 1", ErrorCode::kInvalidPath, 1, 6);
}

// --- Resolution into the catalog (§4) ---------------------------------------------------------

TEST(BinderTest, ResolvesEachPropertySyntaxToItsInputKind) {
  InputCatalog catalog;
  ASSERT_TRUE(bindText("key1 = 'a' AND $sys1 = 'b' AND {$sys2} = 'c' AND $body.x = 1 AND "
                       "{$body.y} = 2 AND $twin.tags.t = 3 AND {$twin.tags.u} = 4",
                       catalog)
                  .ok());
  const auto& slots = catalog.slots();
  ASSERT_EQ(slots.size(), 7u);
  EXPECT_EQ(slots[0].kind, InputKind::kAppProperty);
  EXPECT_EQ(slots[0].name, "key1");
  EXPECT_EQ(slots[1].kind, InputKind::kDollarProperty);
  EXPECT_EQ(slots[1].name, "sys1");
  EXPECT_EQ(slots[1].app_name, "$sys1");
  EXPECT_EQ(slots[2].kind, InputKind::kSystemProperty);
  EXPECT_EQ(slots[2].name, "sys2");
  EXPECT_EQ(slots[3].kind, InputKind::kBodyPath);
  EXPECT_EQ(slots[3].app_name, "$body.x");
  EXPECT_EQ(slots[4].kind, InputKind::kBodyPath);
  EXPECT_EQ(slots[4].app_name, "");  // escaped: the body only
  EXPECT_EQ(slots[5].kind, InputKind::kTwinPath);
  EXPECT_EQ(slots[5].app_name, "$twin.tags.t");
  EXPECT_EQ(slots[6].kind, InputKind::kTwinPath);
  EXPECT_EQ(slots[6].app_name, "");
  EXPECT_EQ(catalog.bodyPaths().slotCount(), 2u);
  EXPECT_EQ(catalog.twinPaths().slotCount(), 2u);
}

TEST(BinderTest, BodyPrefixIsCaseInsensitiveButPathIsKept) {
  InputCatalog catalog;
  ASSERT_TRUE(bindText("$BODY.Temp = 1", catalog).ok());
  ASSERT_EQ(catalog.slots().size(), 1u);
  EXPECT_EQ(catalog.slots()[0].kind, InputKind::kBodyPath);
  EXPECT_EQ(message::formatJsonPath(catalog.bodyPaths().pathOf(catalog.slots()[0].path)), "Temp");
}

TEST(BinderTest, EqualInputsShareOneSlot) {
  InputCatalog catalog;
  ASSERT_TRUE(bindText("key1 = 'a' OR key1 = 'b' OR $body.a.b = 1 OR $body.a.b = 2", catalog).ok());
  EXPECT_EQ(catalog.slots().size(), 2u);
  // A second condition compiled against the same catalog reuses the slots.
  ASSERT_TRUE(bindText("$body.a.b > 3 AND key1 <> 'c'", catalog).ok());
  EXPECT_EQ(catalog.slots().size(), 2u);
  EXPECT_EQ(catalog.bodyPaths().slotCount(), 1u);
}

// --- twin_change_includes (§5.1) ----------------------------------------------------------

TEST(BinderTest, TwinChangeIncludesOnlyOnTwinChangeEvents) {
  expectCompiles("twin_change_includes(properties.desired.x)", MessageSource::kTwinChangeEvents);
  expectCompiles("twin_change_includes(properties.reported.a.b)", MessageSource::kTwinChangeEvents);
  expectCompiles("twin_change_includes(tags.site)", MessageSource::kTwinChangeEvents);
  expectCompiles("twin_change_includes(TAGS.site)", MessageSource::kTwinChangeEvents);
  for (MessageSource source :
       {MessageSource::kDeviceMessages, MessageSource::kDeviceLifecycleEvents,
        MessageSource::kDeviceConnectionStateEvents, MessageSource::kDigitalTwinChangeEvents}) {
    Error e = bindError("twin_change_includes(tags.site)", source);
    EXPECT_EQ(e.code(), ErrorCode::kUnknownFunction);
    EXPECT_EQ(e.span(), (SourceSpan{0, 20}));
    EXPECT_THAT(e.message(), StartsWith("Invalid built-in function 'twin_change_includes'"));
  }
}

TEST(BinderTest, TwinChangeIncludesPathIsCheckedAtCompileTime) {
  for (std::string_view q :
       {"twin_change_includes()", "twin_change_includes(      )", "twin_change_includes(123abc)",
        "twin_change_includes(properties.desired)", "twin_change_includes(foo.bar)",
        "twin_change_includes(properties.desired.twin,,,,,)",
        "twin_change_includes(properties.desired.twin[0].test1)",
        "twin_change_includes(properties.reportedWeatherTwin)", "twin_change_includes(tags.)"}) {
    Error e = bindError(q, MessageSource::kTwinChangeEvents);
    EXPECT_NE(e.code(), ErrorCode::kInternal) << q;
  }
}

TEST(BinderTest, TwinChangeIncludesArgumentIsNotEvaluated) {
  // The argument is a raw path, not an expression: names that would not type-check are fine.
  InputCatalog catalog;
  auto bound = bindText(
      "twin_change_includes(properties.desired.x) AND NOT "
      "twin_change_includes(tags.y)",
      catalog, MessageSource::kTwinChangeEvents);
  ASSERT_TRUE(bound.ok()) << bound.error().message();
  ASSERT_EQ(catalog.slots().size(), 2u);
  EXPECT_EQ(catalog.slots()[0].kind, InputKind::kTwinChange);
  EXPECT_EQ(catalog.slots()[1].kind, InputKind::kTwinChange);
}

// --- is_bool variants ------------------------------------------------------------------------

Builtin rootFunction(std::string_view text) {
  InputCatalog catalog;
  auto bound = bindText(text, catalog);
  EXPECT_TRUE(bound.ok()) << text;
  if (!bound.ok() || bound->root == nullptr) return Builtin::kAbs;
  EXPECT_EQ(bound->root->kind, BoundKind::kCall) << text;
  return bound->root->fn;
}

TEST(BinderTest, IsBoolOnBoolTypedArgumentIsTheBoolVariant) {
  EXPECT_EQ(rootFunction("is_bool(key1 = 'a')"), Builtin::kIsBoolOnBool);
  EXPECT_EQ(rootFunction("is_bool(NOT (key1 = 'a'))"), Builtin::kIsBoolOnBool);
  EXPECT_EQ(rootFunction("is_bool($body.x)"), Builtin::kIsBool);
  EXPECT_EQ(rootFunction("is_bool(key1)"), Builtin::kIsBool);
  EXPECT_EQ(rootFunction("is_bool(as_number(key1))"), Builtin::kIsBool);
}

TEST(BinderTest, IsBoolResults) {
  EXPECT_EQ(evaluateOnEmptyMessage("is_bool(true)"), TriState::kTrue);
  EXPECT_EQ(evaluateOnEmptyMessage("is_bool(undefined AND true)"), TriState::kUndefined);
  EXPECT_EQ(evaluateOnEmptyMessage("is_bool(key1 = 'a')"), TriState::kUndefined);  // key1 missing
  EXPECT_EQ(evaluateOnEmptyMessage("is_bool(12.34)"), TriState::kFalse);
  EXPECT_EQ(evaluateOnEmptyMessage("is_bool(null)"), TriState::kFalse);
  EXPECT_EQ(evaluateOnEmptyMessage("is_bool(undefined)"), TriState::kFalse);
  EXPECT_EQ(evaluateOnEmptyMessage("is_bool(none)"), TriState::kFalse);
}

// --- Constant folding ------------------------------------------------------------------------

TEST(BinderTest, QueriesOfLiteralsFoldToNoInstructions) {
  struct Case {
    std::string_view query;
    TriState expect;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"true", TriState::kTrue},
           {"3 + 4 = 7", TriState::kTrue},
           {"3 + 4 < 7", TriState::kFalse},
           {"'a' || 'b' = 'ab'", TriState::kTrue},
           {"lower('ABC') = 'abc'", TriState::kTrue},
           {"concat('a', 'b', 'c') = 'abc'", TriState::kTrue},
           {"substring('hello', 1, 2) = 'el'", TriState::kTrue},
           {"is_defined(undefined)", TriState::kFalse},
           {"NOT (1 = 2) AND (2 > 1)", TriState::kTrue},
           {"power(10, 4000) = 3 / 0", TriState::kTrue},
           {"exp(4000) = 3 / 0", TriState::kTrue},
           {"(3 % 0 ?? 12.34) = 12.34", TriState::kTrue},
           {"undefined OR undefined", TriState::kUndefined},
           {"null", TriState::kFalse},
           {"null AND null", TriState::kFalse},
           {"(null AND true) = null", TriState::kTrue},
           {"3", TriState::kUndefined},
           {"'a string'", TriState::kUndefined},
           {"undefined", TriState::kUndefined},
           {"is_array(3)", TriState::kFalse},
           {"is_object('x')", TriState::kFalse},
           {"is_primitive(null)", TriState::kTrue},
           {"'\\u0041' = 'A'", TriState::kTrue},
           {"'\\ud83d\\ude00' = '😀'", TriState::kTrue},
           {"'a\\'b' = \"a'b\"", TriState::kTrue},
           {"'a\\\\b' = \"a\\\\b\"", TriState::kTrue},
           {"0xFFFFFFFFFFFFFFFF = -1", TriState::kTrue},
           {"0x7FFFFFFFFFFFFFFF > 0", TriState::kTrue},
           {"0x10 = 16", TriState::kTrue},
       }) {
    EXPECT_EQ(instructionCount(c.query), 0u) << c.query;
    EXPECT_EQ(evaluateOnEmptyMessage(c.query), c.expect) << c.query;
  }
}

TEST(BinderTest, ShortCircuitFoldsAroundInputs) {
  // false AND x = false and true OR x = true, whatever x is.
  EXPECT_EQ(instructionCount("false AND key1 = 'x'"), 0u);
  EXPECT_EQ(instructionCount("key1 = 'x' AND false"), 0u);
  EXPECT_EQ(instructionCount("true OR key1 = 'x'"), 0u);
  EXPECT_EQ(evaluateOnEmptyMessage("false AND key1 = 'x'"), TriState::kFalse);
  EXPECT_EQ(evaluateOnEmptyMessage("true OR key1 = 'x'"), TriState::kTrue);
}

TEST(BinderTest, ConditionsReadingInputsHaveInstructions) {
  EXPECT_GT(instructionCount("key1 = 'x'"), 0u);
  EXPECT_GT(instructionCount("true AND key1 = 'x'"), 0u);
  EXPECT_GT(instructionCount("$body.x = 1"), 0u);
  EXPECT_GT(instructionCount("is_defined($twin.tags.x)"), 0u);
}

TEST(BinderTest, FoldedStringConstantsOutliveTheText) {
  InputCatalog catalog;
  std::string text = "concat('ab', 'cd')";
  Result<BoundCondition> bound = bindText(text, catalog);
  ASSERT_TRUE(bound.ok());
  text.assign(text.size(), 'x');  // the constant must not point into the text
  ASSERT_NE(bound->root, nullptr);
  EXPECT_EQ(bound->root->kind, BoundKind::kConstant);
  EXPECT_EQ(bound->root->constant.kind, Kind::kString);
  EXPECT_EQ(bound->root->constant.string, "abcd");
}

}  // namespace
}  // namespace routesim::query
