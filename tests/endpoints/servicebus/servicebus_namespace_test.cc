#include "endpoints/servicebus/servicebus_namespace.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace routesim::endpoints::servicebus {
namespace {

NamespaceConfig config() {
  NamespaceConfig ns;
  ns.name = "contoso-sb";
  QueueConfig orders;
  orders.name = "orders";
  orders.max_delivery_count = 1;
  orders.forward_dead_lettered_messages_to = "parking";
  QueueConfig inbox;
  inbox.name = "inbox";
  inbox.forward_to = "orders";
  QueueConfig parking;
  parking.name = "parking";
  QueueConfig lost;
  lost.name = "lost";
  lost.forward_to = "nowhere";  // not an entity: messages stay
  ns.queues = {orders, inbox, parking, lost};
  TopicConfig t;
  t.name = "telemetry";
  SubscriptionConfig all;
  all.name = "all";  // no rules: $Default
  SubscriptionConfig relay;
  relay.name = "relay";
  relay.forward_to = "Orders";
  t.subscriptions = {all, relay};
  ns.topics = {t};
  return ns;
}

std::shared_ptr<Namespace> create(const NamespaceConfig& c = config()) {
  auto ns = Namespace::create(c, 1000);
  EXPECT_TRUE(ns.ok()) << (ns.ok() ? "" : ns.error().message());
  return ns.ok() ? *ns : nullptr;
}

SendResult sendOne(Entity& e, std::string id, uint64_t now_ns = 0) {
  BrokeredMessage m;
  m.message_id = std::move(id);
  std::vector<BrokeredMessage> batch{m};
  return e.send(batch, now_ns);
}

TEST(NamespaceTest, FindsEntitiesByPathIgnoringCase) {
  auto ns = create();
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(ns->name(), "contoso-sb");
  EXPECT_EQ(ns->utcAtZeroNs(), 1000);
  EXPECT_EQ(ns->find("ORDERS")->kind(), EntityKind::kQueue);
  EXPECT_EQ(ns->find("telemetry")->kind(), EntityKind::kTopic);
  EXPECT_EQ(ns->find("Telemetry/subscriptions/ALL")->kind(), EntityKind::kSubscription);
  auto dlq = ns->findQueue("orders/$deadletterqueue");
  ASSERT_NE(dlq, nullptr);
  EXPECT_EQ(dlq->kind(), EntityKind::kDeadLetterQueue);
  EXPECT_EQ(ns->findQueue("telemetry/Subscriptions/all/$DeadLetterQueue")->path(),
            "telemetry/Subscriptions/all/$DeadLetterQueue");
  EXPECT_EQ(ns->find("nope"), nullptr);
  EXPECT_EQ(ns->findQueue("telemetry"), nullptr);
  EXPECT_EQ(ns->findTopic("orders"), nullptr);
}

TEST(NamespaceTest, GivesASubscriptionWithoutRulesTheDefaultRule) {
  auto ns = create();
  auto t = ns->findTopic("telemetry");
  ASSERT_EQ(t->subscription("all")->rules().size(), 1u);
  EXPECT_EQ(t->subscription("all")->rules()[0].name, "$Default");
}

TEST(NamespaceTest, AutoForwardsBetweenEntities) {
  auto ns = create();
  EXPECT_EQ(sendOne(*ns->find("inbox"), "a").accepted, 1u);
  EXPECT_EQ(ns->findQueue("inbox")->messageCount(), 0u);
  ASSERT_EQ(ns->findQueue("orders")->messageCount(), 1u);
  // A subscription forwards its copies too.
  EXPECT_EQ(sendOne(*ns->find("telemetry"), "b").accepted, 1u);
  EXPECT_EQ(ns->findQueue("orders")->messageCount(), 2u);
  EXPECT_EQ(ns->findQueue("telemetry/Subscriptions/relay")->messageCount(), 0u);
  EXPECT_EQ(ns->findQueue("telemetry/Subscriptions/all")->messageCount(), 1u);
}

TEST(NamespaceTest, ForwardsDeadLetteredMessages) {
  auto ns = create();
  auto orders = ns->findQueue("orders");  // MaxDeliveryCount 1, dead letters to "parking"
  sendOne(*orders, "a");
  auto got = orders->receive(1, ReceiveMode::kPeekLock, 0);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(orders->abandon((*got)[0].lock_token, 0).ok());
  EXPECT_EQ(orders->deadLetterMessageCount(), 0u);
  std::vector<BrokeredMessage> parked = ns->findQueue("parking")->peek(0, 10);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].message_id, "a");
  EXPECT_EQ(parked[0].dead_letter_reason, "MaxDeliveryCountExceeded");
}

TEST(NamespaceTest, KeepsMessagesWhenTheForwardTargetIsUnknown) {
  auto ns = create();
  EXPECT_EQ(sendOne(*ns->find("lost"), "a").accepted, 1u);
  EXPECT_EQ(ns->findQueue("lost")->messageCount(), 1u);
}

TEST(NamespaceTest, StampsEnqueuedTimeWithTheUtcOrigin) {
  auto ns = create();
  sendOne(*ns->find("parking"), "a", 5);
  EXPECT_EQ(ns->findQueue("parking")->peek(0, 1)[0].enqueued_time_utc_ns, 1005);
}

TEST(NamespaceTest, RefusesARuleThatDidNotCompile) {
  NamespaceConfig c = config();
  RuleConfig bad;
  bad.name = "bad";
  bad.sql_expression = "a = ";
  bad.path = "$.resources[0].resources[1].resources[0].resources[0]";
  c.topics[0].subscriptions[0].rules.push_back(bad);
  auto ns = Namespace::create(c);
  ASSERT_FALSE(ns.ok());
  EXPECT_EQ(ns.error().message(),
            "rule 'bad' of telemetry/Subscriptions/all has a filter or action that does not "
            "compile ($.resources[0].resources[1].resources[0].resources[0])");
}

TEST(NamespaceTest, TickExpiresEveryEntity) {
  NamespaceConfig c = config();
  c.queues[2].default_message_ttl_ns = 10;
  c.topics[0].default_message_ttl_ns = 10;
  auto ns = create(c);
  sendOne(*ns->find("parking"), "a", 0);
  sendOne(*ns->find("telemetry"), "b", 0);
  ns->tick(10);
  EXPECT_EQ(ns->findQueue("parking")->messageCount(), 0u);
  EXPECT_EQ(ns->findQueue("telemetry/Subscriptions/all")->messageCount(), 0u);
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
