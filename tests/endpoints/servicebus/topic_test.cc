#include "endpoints/servicebus/topic.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace routesim::endpoints::servicebus {
namespace {

constexpr uint64_t kSecond = kNsPerSecond;

Rule sqlRule(std::string name, std::string_view filter, std::string_view action = "") {
  auto f = SqlFilter::compile(filter);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message());
  Rule r{std::move(name), *f, std::nullopt};
  if (!action.empty()) {
    auto a = SqlRuleAction::compile(action);
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message());
    r.action = *a;
  }
  return r;
}

struct SubscriptionSpec {
  std::string name;
  std::vector<Rule> rules;
  QueueSettings settings = {};
  EntityStatus status = EntityStatus::kActive;
  bool dead_letter_on_filter_errors = true;
};

std::shared_ptr<Topic> makeTopic(std::vector<SubscriptionSpec> specs, TopicSettings settings = {}) {
  std::vector<std::shared_ptr<Subscription>> subs;
  for (SubscriptionSpec& s : specs) {
    subs.push_back(std::make_shared<Subscription>("contoso-sb", "telemetry", s.name, s.settings,
                                                  s.status, std::move(s.rules),
                                                  s.dead_letter_on_filter_errors));
  }
  return std::make_shared<Topic>("contoso-sb", "telemetry", settings, EntityStatus::kActive,
                                 std::move(subs));
}

BrokeredMessage msg(std::string id, std::string level) {
  BrokeredMessage m;
  m.message_id = std::move(id);
  m.application_properties.set("level", std::move(level));
  return m;
}

SendResult send(Topic& t, std::vector<BrokeredMessage> messages, uint64_t now_ns = 0) {
  return t.send(messages, now_ns);
}

std::vector<std::string> ids(const Queue& q) {
  std::vector<std::string> out;
  for (const BrokeredMessage& m : q.peek(0, 1000)) out.push_back(m.message_id);
  return out;
}

std::string text(const BrokeredMessage& m, std::string_view property) {
  const PropertyValue* v = m.application_properties.find(property);
  return v == nullptr ? "<absent>" : propertyValueText(*v);
}

TEST(TopicTest, CopiesEachMessageIntoEverySubscriptionWhoseRuleMatches) {
  auto t = makeTopic({{"all", {defaultRule()}},
                      {"hot", {sqlRule("hot", "level = 'hot'")}},
                      {"cold", {sqlRule("cold", "level = 'cold'")}}});
  SendResult r = send(*t, {msg("1", "hot"), msg("2", "cold"), msg("3", "hot")}, 2 * kSecond);
  EXPECT_EQ(r.accepted, 3u);
  EXPECT_EQ(r.error, SendError::kNone);
  EXPECT_EQ(ids(*t->subscription("all")), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(ids(*t->subscription("HOT")), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(ids(*t->subscription("cold")), (std::vector<std::string>{"2"}));
  // The topic numbers messages; every copy carries its number.
  EXPECT_EQ(t->subscription("hot")->peek(0, 10)[1].sequence_number, 3);
  EXPECT_EQ(t->subscription("cold")->peek(0, 10)[0].sequence_number, 2);
  EXPECT_EQ(t->subscription("cold")->peek(0, 10)[0].enqueued_ns, 2 * kSecond);
}

TEST(TopicTest, RefusesAMessageNoSubscriptionTakes) {
  auto t = makeTopic({{"hot", {sqlRule("hot", "level = 'hot'")}}});
  SendResult r = send(*t, {msg("1", "hot"), msg("2", "cold"), msg("3", "hot")});
  EXPECT_EQ(r.accepted, 1u);
  EXPECT_EQ(r.error, SendError::kNoMatchingSubscriptions);
  EXPECT_EQ(r.detail,
            "no subscription of topic 'telemetry' takes the message with MessageId '2' (1 "
            "subscription, none with a matching rule)");
  EXPECT_EQ(ids(*t->subscription("hot")), (std::vector<std::string>{"1"}));
  // The refused message did not use up a sequence number.
  EXPECT_EQ(send(*t, {msg("3", "hot")}).accepted, 1u);
  EXPECT_EQ(t->subscription("hot")->peek(0, 10)[1].sequence_number, 2);
}

TEST(TopicTest, ATopicWithoutSubscriptionsRefusesEverything) {
  auto t = makeTopic({});
  EXPECT_EQ(send(*t, {msg("1", "hot")}).error, SendError::kNoMatchingSubscriptions);
}

TEST(TopicTest, UnknownIsNotAMatch) {
  auto t = makeTopic({{"s", {sqlRule("r", "missing = 1")}}});
  EXPECT_EQ(send(*t, {msg("1", "hot")}).error, SendError::kNoMatchingSubscriptions);
}

TEST(TopicTest, RulesWithoutActionsGiveOneCopy) {
  auto t = makeTopic({{"s", {sqlRule("a", "level = 'hot'"), sqlRule("b", "1=1")}}});
  send(*t, {msg("1", "hot")});
  EXPECT_EQ(t->subscription("s")->messageCount(), 1u);
}

TEST(TopicTest, EachMatchingRuleWithAnActionGivesItsOwnCopy) {
  auto t = makeTopic({{"s",
                       {sqlRule("plain", "1=1"),
                        sqlRule("tag", "level = 'hot'", "SET tier = 'gold'; SET sys.Label = 'hot'"),
                        sqlRule("skip", "level = 'cold'", "SET tier = 'none'")}}});
  send(*t, {msg("1", "hot")});
  std::vector<BrokeredMessage> got = t->subscription("s")->peek(0, 10);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(text(got[0], "tier"), "<absent>");
  EXPECT_EQ(text(got[0], "RuleName"), "<absent>");
  EXPECT_EQ(text(got[1], "tier"), "gold");
  EXPECT_EQ(got[1].subject, "hot");
  EXPECT_EQ(text(got[1], "RuleName"), "tag");
}

TEST(TopicTest, AFilterErrorDeadLettersTheMessageInThatSubscription) {
  auto t = makeTopic({{"bad", {sqlRule("div", "1 / 0 = 1")}}, {"all", {defaultRule()}}});
  EXPECT_EQ(send(*t, {msg("1", "hot")}).accepted, 1u);
  const Queue& bad = *t->subscription("bad");
  EXPECT_EQ(bad.messageCount(), 0u);
  std::vector<BrokeredMessage> dead = bad.deadLetterQueue()->peek(0, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].dead_letter_reason, "FilterEvaluationException");
  EXPECT_EQ(dead[0].dead_letter_error_description, "rule 'div': Attempted to divide by zero.");
  EXPECT_EQ(t->subscription("all")->messageCount(), 1u);
}

TEST(TopicTest, AFilterErrorDropsTheMessageWhenDeadLetteringIsOff) {
  SubscriptionSpec bad{"bad", {sqlRule("div", "1 / 0 = 1")}};
  bad.dead_letter_on_filter_errors = false;
  auto t = makeTopic({bad});
  EXPECT_EQ(send(*t, {msg("1", "hot")}).error, SendError::kNoMatchingSubscriptions);
  EXPECT_EQ(t->subscription("bad")->deadLetterMessageCount(), 0u);
}

TEST(TopicTest, DisabledSubscriptionsTakeNothing) {
  SubscriptionSpec off{"off", {defaultRule()}};
  off.status = EntityStatus::kDisabled;
  auto t = makeTopic({off, {"on", {defaultRule()}}});
  send(*t, {msg("1", "hot")});
  EXPECT_EQ(t->subscription("off")->messageCount(), 0u);
  EXPECT_EQ(t->subscription("on")->messageCount(), 1u);
}

TEST(TopicTest, TheShorterOfTopicAndSubscriptionTimeToLiveApplies) {
  SubscriptionSpec s{"s", {defaultRule()}};
  s.settings.default_message_ttl_ns = 30 * kSecond;
  SubscriptionSpec l{"l", {defaultRule()}};
  TopicSettings ts;
  ts.default_message_ttl_ns = 60 * kSecond;
  auto t = makeTopic({s, l}, ts);
  send(*t, {msg("1", "hot")}, kSecond);
  EXPECT_EQ(t->subscription("s")->peek(0, 1)[0].expires_ns, 31 * kSecond);
  EXPECT_EQ(t->subscription("l")->peek(0, 1)[0].expires_ns, 61 * kSecond);
  t->tick(31 * kSecond);
  EXPECT_EQ(t->subscription("s")->messageCount(), 0u);
  EXPECT_EQ(t->subscription("l")->messageCount(), 1u);
}

TEST(TopicTest, TheSizeQuotaCoversAllSubscriptions) {
  TopicSettings ts;
  ts.max_size_bytes = 1000;
  auto t = makeTopic({{"a", {defaultRule()}}, {"b", {defaultRule()}}}, ts);
  BrokeredMessage big = msg("1", "hot");
  big.body = std::string(300, 'x');  // ~315 bytes, twice per message
  EXPECT_EQ(send(*t, {big}).accepted, 1u);
  SendResult r = send(*t, {big});
  EXPECT_EQ(r.error, SendError::kQuotaExceeded);
  EXPECT_NE(r.detail.find("for Topic: 'contoso-sb:TOPIC:telemetry'"), std::string::npos)
      << r.detail;
  EXPECT_EQ(t->sizeBytes(), 2 * messageSize(t->subscription("a")->peek(0, 1)[0]));
}

TEST(TopicTest, RefusesAMessageOverTheSizeLimit) {
  TopicSettings ts;
  ts.max_message_bytes = 64;
  auto t = makeTopic({{"a", {defaultRule()}}}, ts);
  BrokeredMessage big = msg("1", "hot");
  big.body = std::string(100, 'x');
  EXPECT_EQ(send(*t, {big}).error, SendError::kMessageSizeExceeded);
}

TEST(TopicTest, ASessionfulSubscriptionDeadLettersMessagesWithoutSession) {
  SubscriptionSpec s{"sessions", {defaultRule()}};
  s.settings.requires_session = true;
  auto t = makeTopic({s});
  EXPECT_TRUE(t->requiresSession());
  EXPECT_EQ(send(*t, {msg("1", "hot")}).accepted, 1u);
  std::vector<BrokeredMessage> dead = t->subscription("sessions")->deadLetterQueue()->peek(0, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].dead_letter_reason, "Session ID is null.");
}

TEST(TopicTest, DropsDuplicatesWhenDetectionIsOn) {
  TopicSettings ts;
  ts.requires_duplicate_detection = true;
  ts.duplicate_detection_window_ns = 20 * kSecond;
  auto t = makeTopic({{"a", {defaultRule()}}}, ts);
  EXPECT_EQ(send(*t, {msg("1", "hot"), msg("1", "hot")}).accepted, 2u);
  EXPECT_EQ(t->subscription("a")->messageCount(), 1u);
  send(*t, {msg("1", "hot")}, 20 * kSecond);
  EXPECT_EQ(t->subscription("a")->messageCount(), 2u);
}

TEST(TopicTest, SubscriptionsSettleLikeQueues) {
  auto t = makeTopic({{"a", {defaultRule()}}});
  send(*t, {msg("1", "hot")});
  Subscription& a = *t->subscription("a");
  EXPECT_EQ(a.path(), "telemetry/Subscriptions/a");
  auto got = a.receive(1, ReceiveMode::kPeekLock, 0);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_TRUE(a.complete((*got)[0].lock_token, 0).ok());
  EXPECT_EQ(a.messageCount(), 0u);
  // A subscription takes no sends of its own.
  std::vector<BrokeredMessage> one{msg("2", "x")};
  EXPECT_EQ(a.send(one, 0).error, SendError::kNotSendable);
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
