#include "endpoints/servicebus/rule.h"

#include <gtest/gtest.h>

#include <string>

namespace routesim::endpoints::servicebus {
namespace {

BrokeredMessage message() {
  BrokeredMessage m;
  m.message_id = "m1";
  m.correlation_id = "order-17";
  m.content_type = "application/json";
  m.subject = "alert";
  m.to = "ops";
  m.reply_to = "replies";
  m.application_properties.set("iothub-connection-device-id", std::string("d1"));
  m.application_properties.set("level", int64_t{3});
  m.application_properties.set("ratio", 0.5);
  m.application_properties.set("urgent", true);
  return m;
}

TEST(CorrelationFilterTest, MatchesEveryGivenFieldExactly) {
  CorrelationFilter f;
  f.correlation_id = "order-17";
  f.label = "alert";
  EXPECT_TRUE(f.matches(message()));
  f.label = "ALERT";  // string comparisons are case-sensitive
  EXPECT_FALSE(f.matches(message()));
}

TEST(CorrelationFilterTest, ChecksEachBrokerProperty) {
  BrokeredMessage m = message();
  auto only = [](auto set) {
    CorrelationFilter f;
    set(f);
    return f;
  };
  EXPECT_TRUE(only([](CorrelationFilter& f) { f.message_id = "m1"; }).matches(m));
  EXPECT_TRUE(only([](CorrelationFilter& f) { f.to = "ops"; }).matches(m));
  EXPECT_TRUE(only([](CorrelationFilter& f) { f.reply_to = "replies"; }).matches(m));
  EXPECT_TRUE(only([](CorrelationFilter& f) { f.content_type = "application/json"; }).matches(m));
  EXPECT_FALSE(only([](CorrelationFilter& f) { f.session_id = "s1"; }).matches(m));
  EXPECT_FALSE(only([](CorrelationFilter& f) { f.reply_to_session_id = "s1"; }).matches(m));
}

TEST(CorrelationFilterTest, MatchesApplicationPropertiesByNameIgnoringCase) {
  CorrelationFilter f;
  f.properties.emplace_back("IoTHub-Connection-Device-Id", std::string("d1"));
  EXPECT_TRUE(f.matches(message()));
  f.properties.emplace_back("missing", std::string("x"));
  EXPECT_FALSE(f.matches(message()));
}

TEST(CorrelationFilterTest, ComparesNumbersAsNumbersAndTypesStrictly) {
  CorrelationFilter f;
  f.properties.emplace_back("level", 3.0);  // a long property equals the double 3.0
  EXPECT_TRUE(f.matches(message()));
  CorrelationFilter g;
  g.properties.emplace_back("level", std::string("3"));  // a string never equals a number
  EXPECT_FALSE(g.matches(message()));
  CorrelationFilter h;
  h.properties.emplace_back("urgent", true);
  h.properties.emplace_back("ratio", 0.5);
  EXPECT_TRUE(h.matches(message()));
}

TEST(CorrelationFilterTest, TellsAnEmptyFilter) {
  CorrelationFilter f;
  EXPECT_TRUE(f.empty());
  f.to = "x";
  EXPECT_FALSE(f.empty());
}

TEST(RuleTest, DefaultRuleMatchesEverything) {
  Rule r = defaultRule();
  EXPECT_EQ(r.name, "$Default");
  EXPECT_FALSE(r.hasAction());
  auto v = r.evaluate(BrokeredMessage{});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Truth::kTrue);
}

TEST(RuleTest, EvaluatesSqlAndCorrelationFilters) {
  Rule sql{"hot", *SqlFilter::compile("level > 2"), std::nullopt};
  EXPECT_EQ(*sql.evaluate(message()), Truth::kTrue);
  CorrelationFilter c;
  c.correlation_id = "other";
  Rule corr{"corr", c, std::nullopt};
  EXPECT_EQ(*corr.evaluate(message()), Truth::kFalse);
}

TEST(RuleTest, PassesOnAFilterEvaluationError) {
  Rule r{"bad", *SqlFilter::compile("level / 0 = 1"), std::nullopt};
  auto v = r.evaluate(message());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message(), "Attempted to divide by zero.");
}

TEST(RuleTest, HasAnActionOnlyWhenItChangesSomething) {
  Rule r{"r", SqlFilter::alwaysTrue(), *SqlRuleAction::compile("")};
  EXPECT_FALSE(r.hasAction());
  r.action = *SqlRuleAction::compile("SET x = 1");
  EXPECT_TRUE(r.hasAction());
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
