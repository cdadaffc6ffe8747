#include "endpoints/servicebus/sql_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace routesim::endpoints::servicebus {
namespace {

BrokeredMessage sample() {
  BrokeredMessage m;
  m.message_id = "m1";
  m.correlation_id = "c1";
  m.subject = "alert";
  m.content_type = "application/json";
  m.sequence_number = 42;
  m.delivery_count = 1;
  m.enqueued_time_utc_ns = 1704067200LL * 1'000'000'000LL;  // 2024-01-01T00:00:00Z
  m.application_properties.set("color", std::string("red"));
  m.application_properties.set("name", std::string("device-7"));
  m.application_properties.set("n", int64_t{2});
  m.application_properties.set("d", 2.5);
  m.application_properties.set("flag", true);
  m.application_properties.set("nothing", PropertyValue());
  m.application_properties.set("my prop", std::string("x"));
  m.application_properties.set("code", std::string("50%off"));
  m.application_properties.set("accent", std::string("é"));
  return m;
}

// "true", "false", "unknown", or "error@<offset>: <message>" for an evaluation error.
std::string eval(std::string_view text, const BrokeredMessage& m = sample()) {
  auto f = SqlFilter::compile(text);
  if (!f.ok()) return "compile error: " + f.error().message();
  auto r = f->evaluate(m);
  if (!r.ok()) {
    return "error@" + std::to_string(r.error().span().offset) + ": " + r.error().message();
  }
  return std::string(truthName(*r));
}

TEST(SqlFilterTest, ComparesUserPropertiesCaseSensitivelyByValue) {
  EXPECT_EQ(eval("color = 'red'"), "true");
  EXPECT_EQ(eval("COLOR = 'red'"), "true");   // names ignore case
  EXPECT_EQ(eval("color = 'RED'"), "false");  // values do not
  EXPECT_EQ(eval("color <> 'blue'"), "true");
  EXPECT_EQ(eval("color != 'red'"), "false");
  EXPECT_EQ(eval("name > 'device-10'"), "true");  // ordinal
}

TEST(SqlFilterTest, ReadsScopedAndQuotedNames) {
  EXPECT_EQ(eval("user.color = 'red'"), "true");
  EXPECT_EQ(eval("[my prop] = 'x'"), "true");
  EXPECT_EQ(eval("user.[my prop] = 'x'"), "true");
  EXPECT_EQ(eval("\"color\" = 'red'"), "true");
  EXPECT_EQ(eval("property('my prop') = 'x'"), "true");
  EXPECT_EQ(eval("p('sys.MessageId') = 'm1'"), "true");
  EXPECT_EQ(eval("p('user.color') = 'red'"), "true");
}

TEST(SqlFilterTest, ReadsSystemProperties) {
  EXPECT_EQ(eval("sys.MessageId = 'm1'"), "true");
  EXPECT_EQ(eval("sys.CorrelationId = 'c1'"), "true");
  EXPECT_EQ(eval("sys.Label = 'alert' AND sys.Subject = 'alert'"), "true");
  EXPECT_EQ(eval("sys.ContentType = 'application/json'"), "true");
  EXPECT_EQ(eval("sys.SequenceNumber = 42"), "true");
  EXPECT_EQ(eval("sys.DeliveryCount >= 1"), "true");
  EXPECT_EQ(eval("sys.EnqueuedTimeUtc = '2024-01-01T00:00:00.0000000Z'"), "true");
  EXPECT_EQ(eval("sys.To = 'x'"), "unknown");  // not set: null
  EXPECT_EQ(eval("sys.To IS NULL"), "true");
  EXPECT_EQ(eval("sys.Size > 0"), "true");
}

TEST(SqlFilterTest, MissingPropertiesAreUnknownInThreeValuedLogic) {
  EXPECT_EQ(eval("missing = 1"), "unknown");
  EXPECT_EQ(eval("missing = 1 OR color = 'red'"), "true");
  EXPECT_EQ(eval("missing = 1 OR color = 'blue'"), "unknown");
  EXPECT_EQ(eval("missing = 1 AND color = 'red'"), "unknown");
  EXPECT_EQ(eval("missing = 1 AND color = 'blue'"), "false");
  EXPECT_EQ(eval("NOT (missing = 1)"), "unknown");
  EXPECT_EQ(eval("NOT (color = 'blue')"), "true");
  EXPECT_EQ(eval("nothing = 1"), "unknown");  // present with a null value
  EXPECT_EQ(eval("missing + 1 = 2"), "unknown");
}

TEST(SqlFilterTest, OnlyTrueMatches) {
  auto f = SqlFilter::compile("missing = 1");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->matches(sample()));
  EXPECT_TRUE(SqlFilter::compile("color = 'red'")->matches(sample()));
  EXPECT_TRUE(SqlFilter::alwaysTrue().matches(sample()));
  EXPECT_EQ(SqlFilter::alwaysTrue().text(), "1=1");
}

TEST(SqlFilterTest, IsNullAndExistsTellMissingFromNull) {
  EXPECT_EQ(eval("missing IS NULL"), "true");
  EXPECT_EQ(eval("nothing IS NULL"), "true");
  EXPECT_EQ(eval("color IS NOT NULL"), "true");
  EXPECT_EQ(eval("EXISTS(nothing)"), "true");
  EXPECT_EQ(eval("EXISTS(missing)"), "false");
  EXPECT_EQ(eval("EXISTS(user.COLOR)"), "true");
  EXPECT_EQ(eval("EXISTS(sys.MessageId)"), "true");
  EXPECT_EQ(eval("EXISTS(sys.ReplyTo)"), "false");
  EXPECT_EQ(eval("NOT EXISTS(missing)"), "true");
}

TEST(SqlFilterTest, MatchesLikePatterns) {
  EXPECT_EQ(eval("name LIKE 'dev%'"), "true");
  EXPECT_EQ(eval("name LIKE '_evice-_'"), "true");
  EXPECT_EQ(eval("name LIKE 'dev'"), "false");
  EXPECT_EQ(eval("name NOT LIKE 'x%'"), "true");
  EXPECT_EQ(eval("name LIKE 'DEV%'"), "false");  // case-sensitive
  EXPECT_EQ(eval("accent LIKE '_'"), "true");    // one code point
  EXPECT_EQ(eval("missing LIKE 'a%'"), "unknown");
  EXPECT_EQ(eval("missing NOT LIKE 'a%'"), "unknown");
}

TEST(SqlFilterTest, LikeEscapeMakesWildcardsLiteral) {
  EXPECT_EQ(eval("code LIKE '50!%%' ESCAPE '!'"), "true");
  BrokeredMessage m = sample();
  m.application_properties.set("code", std::string("500"));
  EXPECT_EQ(eval("code LIKE '50!%%' ESCAPE '!'", m), "false");
  EXPECT_EQ(eval("code LIKE '50%'", m), "true");
  m.application_properties.set("code", std::string("a_b"));
  EXPECT_EQ(eval("code LIKE 'a\\_b' ESCAPE '\\'", m), "true");
  m.application_properties.set("code", std::string("axb"));
  EXPECT_EQ(eval("code LIKE 'a\\_b' ESCAPE '\\'", m), "false");
}

TEST(SqlFilterTest, LikeOnANumberIsAnEvaluationError) {
  EXPECT_EQ(eval("n LIKE '2'"),
            "error@0: LIKE applies to strings, found a value of type System.Int64");
}

TEST(SqlFilterTest, LikeMatchHandlesBacktracking) {
  EXPECT_TRUE(sql::likeMatch("abcabd", "%ab_", 0));
  EXPECT_TRUE(sql::likeMatch("aaa", "%a%a%a%", 0));
  EXPECT_FALSE(sql::likeMatch("aa", "%a%a%a%", 0));
  EXPECT_TRUE(sql::likeMatch("", "%", 0));
  EXPECT_FALSE(sql::likeMatch("", "_", 0));
  EXPECT_TRUE(sql::likeMatch("x%y", "x#%y", U'#'));
  EXPECT_FALSE(sql::likeMatch("xzy", "x#%y", U'#'));
  EXPECT_TRUE(sql::likeMatch("日本語", "日_語", 0));
}

TEST(SqlFilterTest, InComparesAgainstEachItem) {
  EXPECT_EQ(eval("color IN ('blue', 'red')"), "true");
  EXPECT_EQ(eval("color IN ('blue')"), "false");
  EXPECT_EQ(eval("color NOT IN ('blue')"), "true");
  EXPECT_EQ(eval("color NOT IN ('red', 'blue')"), "false");
  EXPECT_EQ(eval("n IN (1, 2.0)"), "true");  // long and double compare as numbers
  EXPECT_EQ(eval("missing IN ('a')"), "unknown");
  EXPECT_EQ(eval("missing NOT IN ('a')"), "unknown");
}

TEST(SqlFilterTest, ArithmeticPromotesAndConcatenates) {
  EXPECT_EQ(eval("n * 2 = 4"), "true");
  EXPECT_EQ(eval("n / 4 = 0"), "true");  // long division
  EXPECT_EQ(eval("n / 4.0 = 0.5"), "true");
  EXPECT_EQ(eval("d + n = 4.5"), "true");
  EXPECT_EQ(eval("7 % 3 = 1"), "true");
  EXPECT_EQ(eval("-n = -2"), "true");
  EXPECT_EQ(eval("color + '-' + n = 'red-2'"), "true");
  EXPECT_EQ(eval("d / 0 > 1000"), "true");  // double division: infinity
}

TEST(SqlFilterTest, ArithmeticErrorsNameTheOperator) {
  EXPECT_EQ(eval("n / 0 = 1"), "error@2: Attempted to divide by zero.");
  EXPECT_EQ(eval("n % 0 = 1"), "error@2: Attempted to divide by zero.");
  EXPECT_EQ(eval("n - color = 1"),
            "error@2: Operator '-' cannot be applied to operands of type 'System.Int64' and "
            "'System.String'");
  EXPECT_EQ(eval("-color = 1"),
            "error@0: Operator '-' cannot be applied to operand of type 'System.String'");
}

TEST(SqlFilterTest, ValuesOfDifferentTypesAreNeverEqual) {
  EXPECT_EQ(eval("n = '2'"), "false");
  EXPECT_EQ(eval("n <> '2'"), "true");
  EXPECT_EQ(eval("n < '3'"), "false");
  EXPECT_EQ(eval("n = 2.0"), "true");
  EXPECT_EQ(eval("d > 2"), "true");
  EXPECT_EQ(eval("flag = TRUE"), "true");
}

TEST(SqlFilterTest, BooleanPropertiesAndLiteralsAreConditions) {
  EXPECT_EQ(eval("flag"), "true");
  EXPECT_EQ(eval("NOT flag"), "false");
  EXPECT_EQ(eval("TRUE"), "true");
  EXPECT_EQ(eval("FALSE OR flag"), "true");
  EXPECT_EQ(eval("missing"), "unknown");
  EXPECT_EQ(eval("name"),
            "error@0: expected a boolean condition, found a value of type System.String");
}

TEST(SqlFilterTest, PropertyFunctionErrors) {
  EXPECT_EQ(eval("p('sys.Nope') = 1"), "error@0: the system property 'sys.Nope' does not exist");
  EXPECT_EQ(eval("p(n) = 1"), "error@2: property() needs a string name, found System.Int64");
}

TEST(SqlFilterTest, NewIdGivesDistinctGuids) {
  EXPECT_EQ(eval("newid() = newid()"), "false");
  EXPECT_EQ(eval("newid() LIKE '________-____-4___-____-____________'"), "true");
}

TEST(SqlFilterTest, ShortCircuitsBeforeAnError) {
  EXPECT_EQ(eval("color = 'blue' AND n / 0 = 1"), "false");
  EXPECT_EQ(eval("color = 'red' OR n / 0 = 1"), "true");
}

// ---------------------------------------------------------------------------------------------
// Actions

BrokeredMessage applied(std::string_view action, BrokeredMessage m = sample()) {
  auto a = SqlRuleAction::compile(action);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message());
  if (!a.ok()) return m;
  Status s = a->apply(m);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message());
  return m;
}

TEST(SqlRuleActionTest, SetsAndRemovesUserProperties) {
  BrokeredMessage m = applied("SET color = 'green'; SET extra = n * 10; REMOVE name");
  EXPECT_EQ(std::get<std::string>(*m.application_properties.find("color")), "green");
  EXPECT_EQ(std::get<int64_t>(*m.application_properties.find("extra")), 20);
  EXPECT_EQ(m.application_properties.find("name"), nullptr);
}

TEST(SqlRuleActionTest, RunsStatementsInOrder) {
  BrokeredMessage m = applied("SET a = 1; SET b = a + 1; SET a = b * 10");
  EXPECT_EQ(std::get<int64_t>(*m.application_properties.find("a")), 20);
  EXPECT_EQ(std::get<int64_t>(*m.application_properties.find("b")), 2);
}

TEST(SqlRuleActionTest, SetsSystemProperties) {
  BrokeredMessage m = applied("SET sys.To = 'Entity'; SET sys.Label = color; REMOVE sys.MessageId");
  EXPECT_EQ(m.to, "Entity");
  EXPECT_EQ(m.subject, "red");
  EXPECT_EQ(m.message_id, "");
}

TEST(SqlRuleActionTest, KeepsADoublePropertyADouble) {
  BrokeredMessage m = applied("SET d = 3");
  ASSERT_TRUE(std::holds_alternative<double>(*m.application_properties.find("d")));
  EXPECT_EQ(std::get<double>(*m.application_properties.find("d")), 3.0);
}

TEST(SqlRuleActionTest, SetOfAnUnknownValueStoresNull) {
  BrokeredMessage m = applied("SET copy = missing");
  ASSERT_NE(m.application_properties.find("copy"), nullptr);
  EXPECT_EQ(m.application_properties.find("copy")->index(), 0u);
}

TEST(SqlRuleActionTest, RefusesANonStringForASystemProperty) {
  auto a = SqlRuleAction::compile("SET sys.Label = n");
  ASSERT_TRUE(a.ok());
  BrokeredMessage m = sample();
  Status s = a->apply(m);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().span().offset, 0u);
  EXPECT_NE(s.error().message().find("sys.Label is a string"), std::string::npos);
}

TEST(SqlRuleActionTest, ReportsEvaluationErrorsWithTheirOffset) {
  auto a = SqlRuleAction::compile("SET x = n / 0");
  ASSERT_TRUE(a.ok());
  BrokeredMessage m = sample();
  Status s = a->apply(m);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().span().offset, 10u);
  EXPECT_EQ(s.error().message(), "Attempted to divide by zero.");
}

TEST(SqlRuleActionTest, EmptyActionChangesNothing) {
  auto a = SqlRuleAction::compile("");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->empty());
  EXPECT_EQ(applied(""), sample());
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
