// Tests of core/query/parser.h against query-language.md §2: the grammar, the precedence table,
// node spans, and the syntax errors of §2.4 and "Compile-error messages" (with routesim's
// difference: tokens left over after a complete expression are an error).
#include "core/query/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace routesim::query {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The tree as an S-expression: operators and calls by their source text, leaves by their text.
std::string sexpr(std::string_view text, const Ast& ast, uint32_t index) {
  const Node& n = ast.node(index);
  auto op = [&] { return std::string(text.substr(n.op_span.offset, n.op_span.length)); };
  switch (n.kind) {
    case NodeKind::kEmpty:
      return "<empty>";
    case NodeKind::kLiteral:
    case NodeKind::kAppProperty:
    case NodeKind::kSysProperty:
      return op();
    case NodeKind::kEscapedProperty:
      return "{" + op() + "}";
    case NodeKind::kCall: {
      std::string s = op() + "(";
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) s += ", ";
        s += sexpr(text, ast, n.children[i]);
      }
      return s + ")";
    }
    case NodeKind::kUnary:
      return "(" + op() + " " + sexpr(text, ast, n.children[0]) + ")";
    case NodeKind::kBinary:
      return "(" + op() + " " + sexpr(text, ast, n.children[0]) + " " +
             sexpr(text, ast, n.children[1]) + ")";
  }
  return "?";
}

std::string tree(std::string_view text) {
  Result<Ast> ast = parse(text);
  if (!ast.ok()) return "error: " + ast.error().message();
  return sexpr(text, *ast, ast->root);
}

// The error of a query that must not parse.
Error parseError(std::string_view text) {
  Result<Ast> ast = parse(text);
  EXPECT_FALSE(ast.ok()) << "'" << text << "' parsed as " << tree(text);
  if (ast.ok()) return Error(ErrorCode::kInternal, "parsed");
  return ast.error();
}

void expectSyntaxErrorAt(std::string_view text, uint32_t offset, uint32_t length) {
  Error e = parseError(text);
  EXPECT_EQ(e.code(), ErrorCode::kSyntax) << text << ": " << e.message();
  EXPECT_TRUE(e.hasSpan()) << text;
  EXPECT_EQ(e.span(), (SourceSpan{offset, length}))
      << text << ": at " << e.span().offset << "+" << e.span().length << ": " << e.message();
  EXPECT_THAT(e.message(), StartsWith("Syntax error")) << text;
}

TEST(ParserTest, EmptyConditionParsesToEmptyNode) {
  for (std::string_view text : {"", "   ", "\t\r\n", "/* only a comment */"}) {
    Result<Ast> ast = parse(text);
    ASSERT_TRUE(ast.ok()) << "'" << text << "': " << ast.error().message();
    EXPECT_EQ(ast->node(ast->root).kind, NodeKind::kEmpty);
  }
}

TEST(ParserTest, Primaries) {
  EXPECT_EQ(tree("true"), "true");
  EXPECT_EQ(tree("'s'"), "'s'");
  EXPECT_EQ(tree("0x1F"), "0x1F");
  EXPECT_EQ(tree("key1"), "key1");
  EXPECT_EQ(tree("$sys1"), "$sys1");
  EXPECT_EQ(tree("$body.a[1].b"), "$body.a[1].b");
  EXPECT_EQ(tree("{ $sys1 }"), "{$sys1}");
  EXPECT_EQ(tree("{$body.x}"), "{$body.x}");
}

TEST(ParserTest, NodeKinds) {
  auto rootKind = [](std::string_view text) {
    Result<Ast> ast = parse(text);
    EXPECT_TRUE(ast.ok()) << text;
    return ast.ok() ? ast->node(ast->root).kind : NodeKind::kEmpty;
  };
  EXPECT_EQ(rootKind("null"), NodeKind::kLiteral);
  EXPECT_EQ(rootKind("undefined"), NodeKind::kLiteral);
  EXPECT_EQ(rootKind("key1"), NodeKind::kAppProperty);
  EXPECT_EQ(rootKind("TRUE"), NodeKind::kAppProperty);
  EXPECT_EQ(rootKind("$"), NodeKind::kAppProperty);
  EXPECT_EQ(rootKind("$x"), NodeKind::kSysProperty);
  EXPECT_EQ(rootKind("$twin.tags.x"), NodeKind::kSysProperty);
  EXPECT_EQ(rootKind("{$x}"), NodeKind::kEscapedProperty);
  EXPECT_EQ(rootKind("f()"), NodeKind::kCall);
  EXPECT_EQ(rootKind("- 1"), NodeKind::kUnary);
  EXPECT_EQ(rootKind("NOT true"), NodeKind::kUnary);
  EXPECT_EQ(rootKind("1 + 1"), NodeKind::kBinary);
}

TEST(ParserTest, MultiplicativeBindsTighterThanAdditive) {
  EXPECT_EQ(tree("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(tree("1 * 2 + 3"), "(+ (* 1 2) 3)");
  EXPECT_EQ(tree("1 - 6 / 2 % 3"), "(- 1 (% (/ 6 2) 3))");
}

TEST(ParserTest, ConcatSharesAdditiveLevel) {
  EXPECT_EQ(tree("'a' || 'b' = 'ab'"), "(= (|| 'a' 'b') 'ab')");
  EXPECT_EQ(tree("a || b + c"), "(+ (|| a b) c)");
}

TEST(ParserTest, AdditiveBindsTighterThanRelational) {
  EXPECT_EQ(tree("3 + 4 < 7"), "(< (+ 3 4) 7)");
}

TEST(ParserTest, RelationalBindsTighterThanEquality) {
  EXPECT_EQ(tree("1 < 2 = true"), "(= (< 1 2) true)");
  EXPECT_EQ(tree("true <> 1 >= 2"), "(<> true (>= 1 2))");
}

TEST(ParserTest, EqualityBindsTighterThanAnd) {
  EXPECT_EQ(tree("a = 'x' AND b != 'y'"), "(AND (= a 'x') (!= b 'y'))");
}

TEST(ParserTest, AndBindsTighterThanOr) {
  EXPECT_EQ(tree("a OR b AND c"), "(OR a (AND b c))");
  EXPECT_EQ(tree("a AND b OR c"), "(OR (AND a b) c)");
}

TEST(ParserTest, CoalesceIsLoosest) {
  EXPECT_EQ(tree("key1 ?? \"hello\" = \"value1\""), "(?? key1 (= \"hello\" \"value1\"))");
  EXPECT_EQ(tree("a ?? b OR c"), "(?? a (OR b c))");
}

TEST(ParserTest, BinaryOperatorsAreLeftAssociative) {
  EXPECT_EQ(tree("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(tree("8 / 4 / 2"), "(/ (/ 8 4) 2)");
  EXPECT_EQ(tree("a ?? b ?? c"), "(?? (?? a b) c)");
  EXPECT_EQ(tree("a OR b OR c"), "(OR (OR a b) c)");
  EXPECT_EQ(tree("a = b = c"), "(= (= a b) c)");
  EXPECT_EQ(tree("'a' || 'b' || 'c'"), "(|| (|| 'a' 'b') 'c')");
}

TEST(ParserTest, PrefixNotBindsTighterThanComparison) {
  EXPECT_EQ(tree("NOT a = b"), "(= (NOT a) b)");
  EXPECT_EQ(tree("NOT a AND b"), "(AND (NOT a) b)");
  EXPECT_EQ(tree("NOT (a = b)"), "(NOT (= a b))");
  EXPECT_EQ(tree("not not true"), "(not (not true))");
  EXPECT_EQ(tree("Not($body.x)"), "(Not $body.x)");
}

TEST(ParserTest, PrefixMinusBindsTighterThanMultiplication) {
  EXPECT_EQ(tree("- x * 2"), "(* (- x) 2)");
  EXPECT_EQ(tree("- -3"), "(- -3)");
  EXPECT_EQ(tree("1 - -2"), "(- 1 -2)");
}

TEST(ParserTest, ParenthesesGroup) {
  EXPECT_EQ(tree("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(tree("((((true))))"), "true");
  EXPECT_EQ(tree("a ?? (b = c)"), "(?? a (= b c))");
}

TEST(ParserTest, FunctionCalls) {
  EXPECT_EQ(tree("f()"), "f()");
  EXPECT_EQ(tree("f(a, b + 1, g(2))"), "f(a, (+ b 1), g(2))");
  EXPECT_EQ(tree("AS_NUMBER(key2) = 3"), "(= AS_NUMBER(key2) 3)");
  EXPECT_EQ(tree("nope(true) = true"), "(= nope(true) true)");
}

TEST(ParserTest, CallKeepsRawArgumentTextWithoutWhitespaceOrComments) {
  std::string_view text = "twin_change_includes( properties.desired.x /* c */ )";
  Result<Ast> ast = parse(text);
  ASSERT_TRUE(ast.ok()) << ast.error().message();
  const Node& call = ast->node(ast->root);
  ASSERT_EQ(call.kind, NodeKind::kCall);
  EXPECT_EQ(call.raw_args, "properties.desired.x");
  EXPECT_EQ(call.op_span, (SourceSpan{0, 20}));

  text = "f( a + b /* c */ ,\t'x y' )";
  ast = parse(text);
  ASSERT_TRUE(ast.ok()) << ast.error().message();
  EXPECT_EQ(ast->node(ast->root).raw_args, "a+b,'x y'");
}

TEST(ParserTest, SpansCoverExpressionAndOperatorToken) {
  std::string_view text = "(1 + 2) * abs(x)";
  Result<Ast> ast = parse(text);
  ASSERT_TRUE(ast.ok());
  const Node& mul = ast->node(ast->root);
  EXPECT_EQ(mul.span, (SourceSpan{0, 16}));
  EXPECT_EQ(mul.op_span, (SourceSpan{8, 1}));
  const Node& paren = ast->node(mul.children[0]);
  EXPECT_EQ(paren.span, (SourceSpan{0, 7}));  // the parentheses are part of the operand
  EXPECT_EQ(paren.op_span, (SourceSpan{3, 1}));
  const Node& call = ast->node(mul.children[1]);
  EXPECT_EQ(call.span, (SourceSpan{10, 6}));
  EXPECT_EQ(call.op_span, (SourceSpan{10, 3}));
}

TEST(ParserTest, EscapedPropertySpans) {
  std::string_view text = "{ $sys1 } = 'x'";
  Result<Ast> ast = parse(text);
  ASSERT_TRUE(ast.ok());
  const Node& prop = ast->node(ast->node(ast->root).children[0]);
  EXPECT_EQ(prop.kind, NodeKind::kEscapedProperty);
  EXPECT_EQ(prop.span, (SourceSpan{0, 9}));
  EXPECT_EQ(prop.op_span, (SourceSpan{2, 5}));
}

TEST(ParserTest, UnaryNodeSpans) {
  std::string_view text = "NOT  flag";
  Result<Ast> ast = parse(text);
  ASSERT_TRUE(ast.ok());
  const Node& n = ast->node(ast->root);
  EXPECT_EQ(n.span, (SourceSpan{0, 9}));
  EXPECT_EQ(n.op_span, (SourceSpan{0, 3}));
}

// --- Syntax errors (query-language.md §2.4 and "Compile-error messages") -------------------

TEST(ParserTest, MissingClosingParenthesisPointsAtTheOpeningOne) {
  Error e = parseError("(2 + 22 = 24");
  EXPECT_EQ(e.code(), ErrorCode::kSyntax);
  EXPECT_EQ(e.message(), "Syntax error: missing closing ')'");
  EXPECT_EQ(e.span(), (SourceSpan{0, 1}));
}

TEST(ParserTest, MissingClosingParenthesisOfInnerGroup) {
  Error e = parseError("true AND (1 = (2 + 3)");
  EXPECT_EQ(e.message(), "Syntax error: missing closing ')'");
  EXPECT_EQ(e.span(), (SourceSpan{9, 1}));
}

TEST(ParserTest, UnmatchedClosingParenthesis) {
  Error e = parseError("(2 + 22 )) = 24");
  EXPECT_EQ(e.code(), ErrorCode::kSyntax);
  EXPECT_EQ(e.message(), "Syntax error: unmatched closing ')'");
  EXPECT_EQ(e.span(), (SourceSpan{9, 1}));

  e = parseError("as_number(\"2\")) = 24");
  EXPECT_EQ(e.message(), "Syntax error: unmatched closing ')'");
  EXPECT_EQ(e.span(), (SourceSpan{14, 1}));
}

TEST(ParserTest, UnclosedCallReportsEndOfInput) {
  // The peer: "Syntax error." at (1,19)-(1,20), i.e. offset 18, one past the last character.
  expectSyntaxErrorAt("as_number(\"2\" = 24", 18, 1);
}

TEST(ParserTest, UnterminatedStringSpansToEndOfInput) {
  Error e = parseError("\"2 = 24");
  EXPECT_EQ(e.code(), ErrorCode::kSyntax);
  EXPECT_EQ(e.message(), "Syntax error: unterminated string");
  EXPECT_EQ(e.span(), (SourceSpan{0, 7}));

  e = parseError("\"unterminated = 'unterminated'");
  EXPECT_EQ(e.message(), "Syntax error: unterminated string");
  EXPECT_EQ(e.span().offset, 0u);
}

TEST(ParserTest, UnterminatedStringAfterOperator) {
  Error e = parseError("key1 = 'abc");
  EXPECT_EQ(e.message(), "Syntax error: unterminated string");
  EXPECT_EQ(e.span().offset, 7u);
}

TEST(ParserTest, InvalidSymbol) {
  Error e = parseError("3 = @ 3");
  EXPECT_EQ(e.code(), ErrorCode::kSyntax);
  EXPECT_EQ(e.message(), "Syntax error: invalid symbol '@'");
  EXPECT_EQ(e.span(), (SourceSpan{4, 1}));

  e = parseError("@32 = 32");
  EXPECT_EQ(e.message(), "Syntax error: invalid symbol '@'");
  EXPECT_EQ(e.span(), (SourceSpan{0, 1}));

  e = parseError("(@)");
  EXPECT_EQ(e.message(), "Syntax error: invalid symbol '@'");
  EXPECT_EQ(e.span(), (SourceSpan{1, 1}));
}

TEST(ParserTest, InvalidSymbolAfterBodyQueryReportsTheFirstOne) {
  // query-language.md §2.4 lists `$body;@` among the queries the peer reports as "invalid
  // symbol '@'"; routesim reports the first invalid symbol (docs/query-language.md).
  Error e = parseError("$body;@");
  EXPECT_EQ(e.code(), ErrorCode::kSyntax);
  EXPECT_THAT(e.message(), HasSubstr("invalid symbol ';'"));
  EXPECT_EQ(e.span(), (SourceSpan{5, 1}));
}

TEST(ParserTest, OtherUnknownCharacters) {
  for (std::string_view text : {"key1 ; 3", "a : b", "a ? b", "x \\ y"}) {
    Error e = parseError(text);
    EXPECT_EQ(e.code(), ErrorCode::kSyntax) << text;
    EXPECT_THAT(e.message(), HasSubstr("invalid symbol")) << text;
  }
}

TEST(ParserTest, QueryPathIsNeverAnExpression) {
  expectSyntaxErrorAt("32 = [32]", 5, 4);
  expectSyntaxErrorAt("a[0] = 1", 0, 4);
}

TEST(ParserTest, DoubleEqualsIsSyntaxError) {
  expectSyntaxErrorAt("3 == 3", 3, 1);
  Error e = parseError("true == test");
  EXPECT_EQ(e.code(), ErrorCode::kSyntax);
}

TEST(ParserTest, LeftoverTokensAreErrors) {
  // routesim rejects what the peer silently ignores (query-language.md, differences).
  expectSyntaxErrorAt("3 $ 4", 2, 1);
  expectSyntaxErrorAt("\"it\"\"s\"", 4, 3);
  expectSyntaxErrorAt("3 -4", 2, 2);
  expectSyntaxErrorAt("true false", 5, 5);
  expectSyntaxErrorAt("key1 = 'a' key2", 11, 4);
  expectSyntaxErrorAt("$body.properties,reported", 16, 1);
  expectSyntaxErrorAt("f(1) 2", 5, 1);
  expectSyntaxErrorAt("(1) (2)", 4, 1);
  expectSyntaxErrorAt("$body.properties []", 17, 2);
  expectSyntaxErrorAt("$ sys1 = 'sysvalue1'", 2, 4);
}

TEST(ParserTest, IncompleteExpressions) {
  expectSyntaxErrorAt("1 +", 3, 1);
  expectSyntaxErrorAt("NOT", 3, 1);
  expectSyntaxErrorAt("-", 1, 1);
  expectSyntaxErrorAt("key1 = ", 7, 1);
  expectSyntaxErrorAt("()", 1, 1);
  expectSyntaxErrorAt("f(1,)", 4, 1);
  expectSyntaxErrorAt("f(,1)", 2, 1);
  expectSyntaxErrorAt("f(1 2)", 4, 1);
  expectSyntaxErrorAt("AND true", 0, 3);
  expectSyntaxErrorAt("= 3", 0, 1);
}

TEST(ParserTest, EscapedPropertyNeedsSystemPropertyAndClosingBrace) {
  expectSyntaxErrorAt("{key1} = 'a'", 1, 4);
  expectSyntaxErrorAt("{$sys1 = 'a'", 7, 1);
  expectSyntaxErrorAt("{} = 'a'", 1, 1);
  expectSyntaxErrorAt("} = 'a'", 0, 1);
}

TEST(ParserTest, RouteKeywordsAreSyntaxErrorsInConditions) {
  expectSyntaxErrorAt("SELECT", 0, 6);
  expectSyntaxErrorAt("key1 = 'a' WHERE key2 = 'b'", 11, 5);
  expectSyntaxErrorAt("from = 'x'", 0, 4);
  expectSyntaxErrorAt("into", 0, 4);
}

TEST(ParserTest, LogicalKeywordsCannotBePropertyNames) {
  expectSyntaxErrorAt("not = 'x'", 4, 1);
  expectSyntaxErrorAt("and = 'x'", 0, 3);
  expectSyntaxErrorAt("OR = 'x'", 0, 2);
}

TEST(ParserTest, ModeratelyDeepNestingParses) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "(";
  text += "true";
  for (int i = 0; i < 100; ++i) text += ")";
  EXPECT_EQ(tree(text), "true");

  std::string chain = "1";
  for (int i = 0; i < 100; ++i) chain += " + 1";
  EXPECT_TRUE(parse(chain).ok());
}

TEST(ParserTest, ExtremeNestingFailsCleanly) {
  // Not in the spec; what a user expects is an error, never a crash.
  for (std::string_view unit : {"(", "abs("}) {  // never closed: always an error
    std::string text;
    for (int i = 0; i < 100000; ++i) text += unit;
    text += "1";
    Result<Ast> ast = parse(text);
    ASSERT_FALSE(ast.ok()) << unit;
    EXPECT_EQ(ast.error().code(), ErrorCode::kSyntax);
  }
  for (std::string_view unit : {"NOT ", "- "}) {  // valid syntax; a depth limit may refuse it
    std::string text;
    for (int i = 0; i < 100000; ++i) text += unit;
    text += "1";
    Result<Ast> ast = parse(text);
    if (!ast.ok()) {
      EXPECT_EQ(ast.error().code(), ErrorCode::kSyntax);
    }
  }
  std::string chain = "1";
  for (int i = 0; i < 100000; ++i) chain += " + 1";
  Result<Ast> ast = parse(chain);
  if (!ast.ok()) {
    EXPECT_EQ(ast.error().code(), ErrorCode::kSyntax);
  }
}

}  // namespace
}  // namespace routesim::query
