// One writer (a routing endpoint) sending into a queue and a topic while receivers settle
// messages and another thread expires, peeks and snapshots: nothing is lost or received twice,
// each receiver sees the queue's order, and the thread sanitizer finds no race.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "endpoints/servicebus/persistence.h"
#include "endpoints/servicebus/servicebus_endpoint.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::endpoints::servicebus {
namespace {

constexpr int kMessages = 2000;
constexpr int kBatch = 16;

NamespaceConfig config() {
  NamespaceConfig ns;
  ns.name = "contoso-sb";
  QueueConfig q;
  q.name = "orders";
  q.lock_duration_ns = 3600 * kNsPerSecond;  // no lock expires during the test
  ns.queues.push_back(q);
  TopicConfig t;
  t.name = "telemetry";
  SubscriptionConfig all;
  all.name = "all";
  SubscriptionConfig even;
  even.name = "even";
  RuleConfig rule;
  rule.name = "even";
  rule.sql_expression =
      "seq LIKE '%0' OR seq LIKE '%2' OR seq LIKE '%4' OR seq LIKE '%6' OR "
      "seq LIKE '%8'";
  rule.compiled_filter = *SqlFilter::compile(rule.sql_expression);
  even.rules.push_back(rule);
  t.subscriptions = {all, even};
  ns.topics.push_back(t);
  return ns;
}

// Delivers kMessages messages ("seq" 0..kMessages-1) through `endpoint` in batches, retrying
// what it does not take.
void writeAll(ServiceBusEndpoint& endpoint, ManualClock& clock) {
  std::vector<message::Message> messages;
  messages.reserve(kMessages);
  for (int i = 0; i < kMessages; ++i) {
    messages.push_back(router::testing::makeMessage("d" + std::to_string(i % 7), i));
  }
  for (int start = 0; start < kMessages;) {
    std::vector<router::OutboundMessage> batch;
    for (int i = start; i < std::min(kMessages, start + kBatch); ++i) {
      router::OutboundMessage o;
      o.message = &messages[static_cast<size_t>(i)];
      batch.push_back(o);
    }
    router::DeliveryReport r = endpoint.deliver(batch);
    ASSERT_EQ(r.failure, router::DeliveryFailure::kNone) << r.detail;
    start += static_cast<int>(r.delivered);
    clock.advance(1000);
  }
}

TEST(ServiceBusConcurrencyTest, ReceiversSettleEveryMessageOnceAndInOrder) {
  ManualClock clock;
  EmulatorContext context;
  context.clock = &clock;
  auto ns = *Namespace::create(config(), context.utc_at_zero_ns);
  auto queue_endpoint =
      ServiceBusEndpoint::create(context, ns, "orders", EntityKind::kQueue).value();
  auto topic_endpoint =
      ServiceBusEndpoint::create(context, ns, "telemetry", EntityKind::kTopic).value();
  std::shared_ptr<Queue> orders = ns->findQueue("orders");
  std::shared_ptr<Queue> all = ns->findQueue("telemetry/Subscriptions/all");
  std::shared_ptr<Queue> even = ns->findQueue("telemetry/Subscriptions/even");

  std::atomic<bool> writing{true};
  std::atomic<int> settled{0};
  std::vector<std::vector<int64_t>> seen(2);
  auto lockingReceiver = [&](size_t me) {
    while (settled.load() < kMessages) {
      auto got = orders->receive(8, ReceiveMode::kPeekLock, clock.nowNs());
      ASSERT_TRUE(got.ok());
      for (const BrokeredMessage& m : *got) {
        seen[me].push_back(m.sequence_number);
        ASSERT_TRUE(orders->complete(m.lock_token, clock.nowNs()).ok());
        settled.fetch_add(1);
      }
      if (got->empty()) std::this_thread::yield();
    }
  };
  std::atomic<int> all_count{0};
  std::atomic<int> even_count{0};
  auto deletingReceiver = [&](Queue& q, std::atomic<int>& count, int expected) {
    while (count.load() < expected) {
      auto got = q.receive(16, ReceiveMode::kReceiveAndDelete, clock.nowNs());
      ASSERT_TRUE(got.ok());
      count.fetch_add(static_cast<int>(got->size()));
      if (got->empty()) std::this_thread::yield();
    }
  };
  auto observer = [&] {
    while (writing.load()) {
      ns->tick(clock.nowNs());
      NamespaceSnapshot s = snapshotNamespace(*ns);
      EXPECT_EQ(s.entities.size(), 4u);
      (void)orders->peek(0, 4);
      (void)topic_endpoint->entity()->sizeBytes();
    }
  };

  std::vector<std::thread> threads;
  threads.emplace_back(lockingReceiver, 0);
  threads.emplace_back(lockingReceiver, 1);
  threads.emplace_back(deletingReceiver, std::ref(*all), std::ref(all_count), kMessages);
  threads.emplace_back(deletingReceiver, std::ref(*even), std::ref(even_count), kMessages / 2);
  threads.emplace_back(observer);
  std::thread writer([&] {
    writeAll(*queue_endpoint, clock);
    writeAll(*topic_endpoint, clock);
    writing.store(false);
  });
  writer.join();
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(settled.load(), kMessages);
  std::set<int64_t> unique;
  for (const auto& one : seen) {
    for (size_t i = 1; i < one.size(); ++i) EXPECT_LT(one[i - 1], one[i]);
    unique.insert(one.begin(), one.end());
  }
  EXPECT_EQ(unique.size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(*unique.begin(), 1);
  EXPECT_EQ(*unique.rbegin(), kMessages);
  EXPECT_EQ(all_count.load(), kMessages);
  EXPECT_EQ(even_count.load(), kMessages / 2);
  EXPECT_EQ(orders->messageCount(), 0u);
  EXPECT_EQ(orders->sizeBytes(), 0u);
  EXPECT_EQ(ns->findTopic("telemetry")->sizeBytes(), 0u);
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
