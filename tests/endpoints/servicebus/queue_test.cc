#include "endpoints/servicebus/queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace routesim::endpoints::servicebus {
namespace {

constexpr uint64_t kSecond = kNsPerSecond;
constexpr int64_t kJan2024 = 1704067200LL * 1'000'000'000LL;

QueueSettings settings() {
  QueueSettings s;
  s.lock_duration_ns = 30 * kSecond;
  s.max_delivery_count = 3;
  s.utc_at_zero_ns = kJan2024;
  return s;
}

std::unique_ptr<Queue> makeQueue(QueueSettings s = settings(),
                                 EntityStatus status = EntityStatus::kActive) {
  return std::make_unique<Queue>(EntityKind::kQueue, "contoso-sb", "orders", "orders", s, status);
}

BrokeredMessage msg(std::string id, std::string body = "{}") {
  BrokeredMessage m;
  m.message_id = std::move(id);
  m.body = std::move(body);
  return m;
}

SendResult sendAll(Entity& e, std::vector<BrokeredMessage> messages, uint64_t now_ns) {
  return e.send(messages, now_ns);
}

std::vector<std::string> ids(const std::vector<BrokeredMessage>& messages) {
  std::vector<std::string> out;
  for (const BrokeredMessage& m : messages) out.push_back(m.message_id);
  return out;
}

std::vector<BrokeredMessage> receive(Queue& q, size_t max, ReceiveMode mode, uint64_t now_ns) {
  auto r = q.receive(max, mode, now_ns);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : std::vector<BrokeredMessage>{};
}

TEST(QueueTest, DeliversInArrivalOrderWithSequenceNumbersAndEnqueueTimes) {
  auto q = makeQueue();
  SendResult r = sendAll(*q, {msg("a"), msg("b")}, 5 * kSecond);
  EXPECT_EQ(r.accepted, 2u);
  EXPECT_EQ(r.error, SendError::kNone);
  EXPECT_EQ(sendAll(*q, {msg("c")}, 6 * kSecond).accepted, 1u);
  EXPECT_EQ(q->messageCount(), 3u);
  auto got = receive(*q, 10, ReceiveMode::kReceiveAndDelete, 7 * kSecond);
  EXPECT_EQ(ids(got), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].sequence_number, 1);
  EXPECT_EQ(got[2].sequence_number, 3);
  EXPECT_EQ(got[0].enqueued_ns, 5 * kSecond);
  EXPECT_EQ(formatUtc(got[2].enqueued_time_utc_ns), "2024-01-01T00:00:06.0000000Z");
  EXPECT_EQ(got[0].delivery_count, 1u);
  EXPECT_EQ(q->messageCount(), 0u);
  EXPECT_EQ(q->sizeBytes(), 0u);
}

TEST(QueueTest, PeekChangesNothing) {
  auto q = makeQueue();
  sendAll(*q, {msg("a"), msg("b"), msg("c")}, 0);
  EXPECT_EQ(ids(q->peek(2, 10)), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(ids(q->peek(0, 1)), (std::vector<std::string>{"a"}));
  EXPECT_EQ(q->peek(0, 10)[0].delivery_count, 0u);
  EXPECT_EQ(q->messageCount(), 3u);
}

TEST(QueueTest, PeekLockHidesALockedMessageUntilCompleted) {
  auto q = makeQueue();
  sendAll(*q, {msg("a"), msg("b")}, 0);
  auto first = receive(*q, 1, ReceiveMode::kPeekLock, kSecond);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].message_id, "a");
  EXPECT_FALSE(first[0].lock_token.empty());
  EXPECT_EQ(first[0].locked_until_ns, 31 * kSecond);
  auto second = receive(*q, 5, ReceiveMode::kPeekLock, 2 * kSecond);
  EXPECT_EQ(ids(second), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(q->complete(first[0].lock_token, 3 * kSecond).ok());
  EXPECT_EQ(q->messageCount(), 1u);
  Status again = q->complete(first[0].lock_token, 3 * kSecond);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message().rfind("MessageLockLost: ", 0), 0u);
}

TEST(QueueTest, AnExpiredLockReleasesTheMessageWithAHigherDeliveryCount) {
  auto q = makeQueue();
  sendAll(*q, {msg("a")}, 0);
  auto first = receive(*q, 1, ReceiveMode::kPeekLock, 0);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(receive(*q, 1, ReceiveMode::kPeekLock, 29 * kSecond).empty());
  auto again = receive(*q, 1, ReceiveMode::kPeekLock, 30 * kSecond);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delivery_count, 2u);
  EXPECT_NE(again[0].lock_token, first[0].lock_token);
  EXPECT_FALSE(q->complete(first[0].lock_token, 31 * kSecond).ok());  // the old lock is lost
  EXPECT_TRUE(q->complete(again[0].lock_token, 31 * kSecond).ok());
}

TEST(QueueTest, AbandonMakesTheMessageAvailableAgain) {
  auto q = makeQueue();
  sendAll(*q, {msg("a"), msg("b")}, 0);
  auto got = receive(*q, 1, ReceiveMode::kPeekLock, 0);
  ASSERT_TRUE(q->abandon(got[0].lock_token, kSecond).ok());
  auto again = receive(*q, 1, ReceiveMode::kPeekLock, 2 * kSecond);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message_id, "a");  // still first in line
  EXPECT_EQ(again[0].delivery_count, 2u);
}

TEST(QueueTest, DeadLettersAfterMaxDeliveryCount) {
  auto q = makeQueue();  // MaxDeliveryCount 3
  sendAll(*q, {msg("a")}, 0);
  for (int i = 1; i <= 3; ++i) {
    auto got = receive(*q, 1, ReceiveMode::kPeekLock, static_cast<uint64_t>(i) * kSecond);
    ASSERT_EQ(got.size(), 1u) << "delivery " << i;
    EXPECT_EQ(got[0].delivery_count, static_cast<uint32_t>(i));
    ASSERT_TRUE(q->abandon(got[0].lock_token, static_cast<uint64_t>(i) * kSecond).ok());
  }
  EXPECT_EQ(q->messageCount(), 0u);
  ASSERT_EQ(q->deadLetterMessageCount(), 1u);
  std::vector<BrokeredMessage> dead = q->deadLetterQueue()->peek(0, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].dead_letter_reason, "MaxDeliveryCountExceeded");
  EXPECT_EQ(dead[0].dead_letter_error_description,
            "Message could not be consumed after 3 delivery attempts.");
  EXPECT_EQ(dead[0].delivery_count, 3u);
  EXPECT_EQ(q->deadLetterQueue()->path(), "orders/$DeadLetterQueue");
}

TEST(QueueTest, ExpiredLocksCountTowardsMaxDeliveryCount) {
  QueueSettings s = settings();
  s.max_delivery_count = 1;
  auto q = makeQueue(s);
  sendAll(*q, {msg("a")}, 0);
  ASSERT_EQ(receive(*q, 1, ReceiveMode::kPeekLock, 0).size(), 1u);
  q->tick(30 * kSecond);
  EXPECT_EQ(q->messageCount(), 0u);
  EXPECT_EQ(q->deadLetterMessageCount(), 1u);
}

TEST(QueueTest, ReceivesAndCompletesFromTheDeadLetterQueue) {
  auto q = makeQueue();
  sendAll(*q, {msg("a")}, 0);
  auto got = receive(*q, 1, ReceiveMode::kPeekLock, 0);
  ASSERT_TRUE(q->deadLetter(got[0].lock_token, "Poison", "cannot parse", kSecond).ok());
  Queue& dlq = *q->deadLetterQueue();
  auto dead = receive(dlq, 1, ReceiveMode::kPeekLock, 2 * kSecond);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].dead_letter_reason, "Poison");
  EXPECT_EQ(dead[0].dead_letter_error_description, "cannot parse");
  Status no = dlq.deadLetter(dead[0].lock_token, "x", "y", 2 * kSecond);
  ASSERT_FALSE(no.ok());
  EXPECT_NE(no.error().message().find("cannot be dead-lettered"), std::string::npos);
  EXPECT_TRUE(dlq.complete(dead[0].lock_token, 3 * kSecond).ok());
  EXPECT_EQ(q->deadLetterMessageCount(), 0u);
}

TEST(QueueTest, ExpiresMessagesPastTheirTimeToLive) {
  QueueSettings s = settings();
  s.default_message_ttl_ns = 10 * kSecond;
  auto q = makeQueue(s);
  sendAll(*q, {msg("a")}, 0);
  sendAll(*q, {msg("b")}, 5 * kSecond);
  EXPECT_EQ(q->peek(0, 10)[0].expires_ns, 10 * kSecond);
  q->tick(9 * kSecond);
  EXPECT_EQ(q->messageCount(), 2u);
  q->tick(10 * kSecond);
  EXPECT_EQ(ids(q->peek(0, 10)), (std::vector<std::string>{"b"}));
  EXPECT_EQ(q->deadLetterMessageCount(), 0u);  // dropped: no dead-lettering on expiration
}

TEST(QueueTest, DeadLettersExpiredMessagesWhenAskedTo) {
  QueueSettings s = settings();
  s.default_message_ttl_ns = 10 * kSecond;
  s.dead_lettering_on_message_expiration = true;
  auto q = makeQueue(s);
  sendAll(*q, {msg("a")}, 0);
  // A receive after the expiry finds nothing: expiry comes first.
  EXPECT_TRUE(receive(*q, 1, ReceiveMode::kReceiveAndDelete, 11 * kSecond).empty());
  auto dead = q->deadLetterQueue()->peek(0, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].dead_letter_reason, "TTLExpiredException");
  EXPECT_EQ(dead[0].dead_letter_error_description, "The message expired and was dead lettered.");
  // The dead-letter queue does not expire what it holds.
  q->tick(1000 * kSecond);
  EXPECT_EQ(q->deadLetterMessageCount(), 1u);
}

TEST(QueueTest, ASendersTimeToLiveShorterThanTheDefaultWins) {
  QueueSettings s = settings();
  s.default_message_ttl_ns = 60 * kSecond;
  auto q = makeQueue(s);
  BrokeredMessage m = msg("a");
  m.time_to_live_ns = 5 * kSecond;
  sendAll(*q, {m}, 0);
  EXPECT_EQ(q->peek(0, 1)[0].expires_ns, 5 * kSecond);
}

TEST(QueueTest, ALockedMessageExpiresWhenItsLockEnds) {
  QueueSettings s = settings();
  s.default_message_ttl_ns = 10 * kSecond;
  auto q = makeQueue(s);
  sendAll(*q, {msg("a")}, 0);
  auto got = receive(*q, 1, ReceiveMode::kPeekLock, 5 * kSecond);  // locked until 35 s
  q->tick(20 * kSecond);
  EXPECT_EQ(q->messageCount(), 1u);
  EXPECT_TRUE(q->complete(got[0].lock_token, 20 * kSecond).ok());
  sendAll(*q, {msg("b")}, 20 * kSecond);
  receive(*q, 1, ReceiveMode::kPeekLock, 21 * kSecond);  // locked until 51 s
  q->tick(51 * kSecond);
  EXPECT_EQ(q->messageCount(), 0u);
}

TEST(QueueTest, RefusesSendsBeyondTheSizeQuotaWithServiceBusText) {
  QueueSettings s = settings();
  s.max_size_bytes = 1000;
  auto q = makeQueue(s);
  SendResult r = sendAll(*q,
                         {msg("a", std::string(399, 'x')), msg("b", std::string(399, 'x')),
                          msg("c", std::string(399, 'x'))},
                         0);
  EXPECT_EQ(r.accepted, 2u);
  EXPECT_EQ(r.error, SendError::kQuotaExceeded);
  EXPECT_EQ(r.detail,
            "The maximum entity size has been reached or exceeded for Queue: "
            "'contoso-sb:QUEUE:orders'. Size of entity in bytes:800, Max entity size in bytes: "
            "1000. QuotaType: EntitySize");
  // Space comes back when messages leave.
  receive(*q, 1, ReceiveMode::kReceiveAndDelete, 0);
  EXPECT_EQ(sendAll(*q, {msg("c", std::string(399, 'x'))}, 0).accepted, 1u);
}

TEST(QueueTest, DeadLetteredMessagesCountTowardsTheQuota) {
  QueueSettings s = settings();
  s.max_size_bytes = 500;
  s.max_delivery_count = 1;
  auto q = makeQueue(s);
  sendAll(*q, {msg("a", std::string(399, 'x'))}, 0);
  auto got = receive(*q, 1, ReceiveMode::kPeekLock, 0);
  ASSERT_TRUE(q->abandon(got[0].lock_token, 0).ok());
  EXPECT_EQ(q->deadLetterMessageCount(), 1u);
  EXPECT_EQ(q->sizeBytes(), 400u);
  EXPECT_EQ(sendAll(*q, {msg("b", std::string(399, 'x'))}, 0).error, SendError::kQuotaExceeded);
}

TEST(QueueTest, RefusesAMessageOverTheSizeLimit) {
  QueueSettings s = settings();
  s.max_message_bytes = 100;
  auto q = makeQueue(s);
  SendResult r = sendAll(*q, {msg("a"), msg("b", std::string(150, 'x')), msg("c")}, 0);
  EXPECT_EQ(r.accepted, 1u);
  EXPECT_EQ(r.error, SendError::kMessageSizeExceeded);
  EXPECT_EQ(r.detail,
            "The received message (size 151 bytes) exceeds the limit (100 bytes) currently "
            "allowed on the link.");
}

TEST(QueueTest, DisabledQueuesRefuseSendsOrReceives) {
  auto disabled = makeQueue(settings(), EntityStatus::kDisabled);
  SendResult r = sendAll(*disabled, {msg("a")}, 0);
  EXPECT_EQ(r.error, SendError::kEntityDisabled);
  EXPECT_EQ(r.detail,
            "Messaging entity 'contoso-sb:Queue:orders' is currently disabled (status Disabled).");
  auto send_disabled = makeQueue(settings(), EntityStatus::kSendDisabled);
  EXPECT_EQ(sendAll(*send_disabled, {msg("a")}, 0).error, SendError::kSendDisabled);
  auto receive_disabled = makeQueue(settings(), EntityStatus::kReceiveDisabled);
  EXPECT_EQ(sendAll(*receive_disabled, {msg("a")}, 0).accepted, 1u);
  auto r2 = receive_disabled->receive(1, ReceiveMode::kPeekLock, 0);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().message().rfind("MessagingEntityDisabled: ", 0), 0u);
  receive_disabled->setStatus(EntityStatus::kActive);
  EXPECT_EQ(receive(*receive_disabled, 1, ReceiveMode::kPeekLock, 0).size(), 1u);
}

TEST(QueueTest, DropsDuplicatesWithinTheDetectionWindow) {
  QueueSettings s = settings();
  s.requires_duplicate_detection = true;
  s.duplicate_detection_window_ns = 20 * kSecond;
  auto q = makeQueue(s);
  EXPECT_EQ(sendAll(*q, {msg("a"), msg("a"), msg("b")}, 0).accepted, 3u);
  EXPECT_EQ(q->messageCount(), 2u);
  EXPECT_EQ(sendAll(*q, {msg("a")}, 19 * kSecond).accepted, 1u);
  EXPECT_EQ(q->messageCount(), 2u);
  sendAll(*q, {msg("a")}, 20 * kSecond);
  EXPECT_EQ(q->messageCount(), 3u);
}

TEST(QueueTest, SessionfulQueueNeedsASessionId) {
  QueueSettings s = settings();
  s.requires_session = true;
  auto q = makeQueue(s);
  SendResult r = sendAll(*q, {msg("a")}, 0);
  EXPECT_EQ(r.error, SendError::kSessionIdRequired);
  BrokeredMessage m = msg("b");
  m.session_id = "s1";
  EXPECT_EQ(sendAll(*q, {m}, 0).accepted, 1u);
}

TEST(QueueTest, DeadLetterQueueTakesNoSends) {
  auto q = makeQueue();
  SendResult r = sendAll(*q->deadLetterQueue(), {msg("a")}, 0);
  EXPECT_EQ(r.error, SendError::kNotSendable);
}

TEST(QueueTest, ContentsHoldsActiveAndDeadLetteredMessagesInOrder) {
  QueueSettings s = settings();
  s.max_delivery_count = 1;
  auto q = makeQueue(s);
  sendAll(*q, {msg("a"), msg("b"), msg("c")}, 0);
  auto got = receive(*q, 1, ReceiveMode::kPeekLock, 0);
  ASSERT_TRUE(q->abandon(got[0].lock_token, 0).ok());
  receive(*q, 1, ReceiveMode::kPeekLock, 0);  // "b" stays, locked
  Queue::Contents c = q->contents();
  EXPECT_EQ(ids(c.active), (std::vector<std::string>{"b", "c"}));
  EXPECT_FALSE(c.active[0].lock_token.empty());
  EXPECT_EQ(ids(c.dead_letters), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
