// A Service Bus queue: FIFO storage with peek, ReceiveAndDelete and PeekLock receives (lock
// tokens expiring on the router's clock, complete / abandon / dead-letter), message expiry, the
// delivery-count limit, duplicate detection, the size quota, auto-forwarding, and the dead-letter
// sub-queue. The same class is a topic's subscription (Subscription derives from it) and the
// dead-letter sub-queue of either (kind kDeadLetterQueue: no expiry, no sub-queue of its own).
//
// Thread-safety: every public method is safe to call concurrently. A queue and its dead-letter
// sub-queue share one mutex, taken once per call (a send of a batch takes it once); no lock is
// held while a message is forwarded to another entity.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "endpoints/servicebus/entity.h"

namespace routesim::endpoints::servicebus {

struct QueueSettings {
  uint64_t default_message_ttl_ns = kNever;
  uint64_t lock_duration_ns = kMinute;
  uint32_t max_delivery_count = 10;
  bool dead_lettering_on_message_expiration = false;
  bool requires_session = false;
  bool requires_duplicate_detection = false;
  uint64_t duplicate_detection_window_ns = 10 * kMinute;
  bool enable_partitioning = false;
  uint64_t max_size_bytes = 1024ull * 1024 * 1024;
  uint64_t max_message_bytes = 256 * 1024;
  int64_t utc_at_zero_ns = 0;  // UTC of the router's clock time 0 (EnqueuedTimeUtc)

  static QueueSettings of(const QueueConfig& q, const NamespaceConfig& ns, int64_t utc_at_zero_ns);
  static QueueSettings of(const SubscriptionConfig& s, const TopicConfig& t,
                          const NamespaceConfig& ns, int64_t utc_at_zero_ns);
};

enum class ReceiveMode : uint8_t { kPeekLock, kReceiveAndDelete };

// Dead-letter reasons and descriptions the broker sets (learn.microsoft.com "Service Bus
// dead-letter queues").
inline constexpr std::string_view kMaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";
inline constexpr std::string_view kTtlExpired = "TTLExpiredException";
inline constexpr std::string_view kTtlExpiredDescription =
    "The message expired and was dead lettered.";
inline constexpr std::string_view kMaxTransferHopCountExceeded = "MaxTransferHopCountExceeded";
inline constexpr uint32_t kMaxTransferHops = 4;

class Queue : public Entity {
 public:
  // A queue (kind kQueue) or a subscription (kind kSubscription, via Subscription).
  Queue(EntityKind kind, std::string ns, std::string name, std::string path, QueueSettings settings,
        EntityStatus status);
  ~Queue() override;

  // Stores the messages (moving from them) in order. Refuses a message larger than the entity
  // allows, without a SessionId on a sessionful queue, or beyond the size quota; a duplicate
  // MessageId within the detection window is accepted and dropped. A queue with forwardTo passes
  // messages on (what the target refuses goes to this queue's dead-letter sub-queue).
  SendResult send(std::span<BrokeredMessage> messages, uint64_t now_ns) override;

  // Up to `max` messages from the first with sequence number >= `from_sequence`, in order,
  // locked or not, without changing them (expired messages not yet removed are included, as
  // Service Bus peeks them).
  std::vector<BrokeredMessage> peek(int64_t from_sequence, size_t max) const;

  // Every active message (locked ones included) and every message of the dead-letter
  // sub-queue, each in order, read under one lock: a message is in exactly one of the two.
  struct Contents {
    std::vector<BrokeredMessage> active;
    std::vector<BrokeredMessage> dead_letters;  // empty for a dead-letter queue
  };
  Contents contents() const;

  // Up to `max` messages in order, skipping locked ones; expired messages are removed first.
  // Each delivery increments the message's delivery count. PeekLock leaves the message in place
  // locked until now + lockDuration (its lock_token set); ReceiveAndDelete removes it. Fails
  // when the entity is Disabled or ReceiveDisabled.
  Result<std::vector<BrokeredMessage>> receive(size_t max, ReceiveMode mode, uint64_t now_ns);

  // Settles a locked message. A lock that expired (or was never given) is MessageLockLost.
  Status complete(std::string_view lock_token, uint64_t now_ns);
  // Unlocks it; a message already delivered maxDeliveryCount times is dead-lettered
  // (MaxDeliveryCountExceeded) instead.
  Status abandon(std::string_view lock_token, uint64_t now_ns);
  // Moves it to the dead-letter sub-queue with `reason` and `description` (not allowed on a
  // dead-letter queue).
  Status deadLetter(std::string_view lock_token, std::string_view reason,
                    std::string_view description, uint64_t now_ns);

  // Expired locks count as abandoned; expired messages are removed (dead-lettered with
  // TTLExpiredException when deadLetteringOnMessageExpiration).
  void tick(uint64_t now_ns) override;

  size_t messageCount() const;            // active messages, locked ones included
  size_t deadLetterMessageCount() const;  // 0 for a dead-letter queue
  uint64_t sizeBytes() const override;    // with the dead-letter sub-queue
  bool requiresSession() const override { return settings_.requires_session; }
  bool requiresDuplicateDetection() const override {
    return settings_.requires_duplicate_detection;
  }
  uint64_t maxMessageBytes() const override { return settings_.max_message_bytes; }
  uint64_t maxSizeBytes() const override { return settings_.max_size_bytes; }
  const QueueSettings& settings() const { return settings_; }

  // The dead-letter sub-queue ("<path>/$DeadLetterQueue"); nullptr for a dead-letter queue.
  Queue* deadLetterQueue() { return dead_letter_.get(); }
  const Queue* deadLetterQueue() const { return dead_letter_.get(); }

  // Auto-forwarding targets, set once by the namespace before use (weak: the namespace owns
  // every entity). Null: not forwarding.
  void setForwarding(std::weak_ptr<Entity> forward_to, std::weak_ptr<Entity> forward_dead_letters);
  bool forwards() const { return !forward_to_.expired(); }

 protected:
  // A dead-letter sub-queue of `parent` (shares its mutex and settings).
  explicit Queue(Queue& parent);

  std::unique_lock<std::mutex> lock() const { return std::unique_lock<std::mutex>(*mu_); }

  // Under lock(): stamps and stores `m` (keeping a sequence number already set when
  // `keep_sequence`), its expiry capped by `ttl_cap_ns` and the entity's default TTL.
  void enqueueLocked(BrokeredMessage m, uint64_t now_ns, uint64_t ttl_cap_ns, bool keep_sequence);
  // Under lock(): dead-letters a message that was never stored here (forwarding failures, filter
  // exceptions, sessions), or forwards it to forwardDeadLetteredMessagesTo after unlocking.
  void deadLetterNewLocked(BrokeredMessage m, std::string_view reason,
                           std::string_view description);
  // Without the lock: sends what dead-lettering set aside for forwardDeadLetteredMessagesTo.
  void flushForwards(uint64_t now_ns);
  // Sends `m` to the forwardTo target; what it refuses is dead-lettered here. No lock held.
  void forwardOne(BrokeredMessage m, uint64_t now_ns);
  // Under lock(): expires due locks and messages of the queue and its dead-letter queue.
  void expireAllLocked(uint64_t now_ns);

 private:
  struct Entry {
    BrokeredMessage m;
    uint64_t bytes = 0;
  };
  using TimeKey = std::pair<uint64_t, uint64_t>;  // (time, position)
  using MinHeap = std::priority_queue<TimeKey, std::vector<TimeKey>, std::greater<TimeKey>>;

  void storeLocked(BrokeredMessage m);
  void removeLocked(std::map<uint64_t, Entry>::iterator it);
  void moveToDeadLetterLocked(std::map<uint64_t, Entry>::iterator it, std::string_view reason,
                              std::string_view description);
  void unlockLocked(std::map<uint64_t, Entry>::iterator it);  // after abandon or lock expiry
  void expireLocked(uint64_t now_ns);
  bool duplicateLocked(const std::string& message_id, uint64_t now_ns);
  std::string newLockToken();
  Status lockLost(std::string_view lock_token) const;
  std::map<uint64_t, Entry>::iterator lockedEntry(std::string_view lock_token);

  QueueSettings settings_;
  std::mutex own_mu_;
  std::mutex* mu_;
  Queue* parent_ = nullptr;             // for a dead-letter queue
  std::unique_ptr<Queue> dead_letter_;  // null for a dead-letter queue

  std::map<uint64_t, Entry> entries_;                // by position (arrival order)
  std::unordered_map<std::string, uint64_t> locks_;  // lock token -> position
  MinHeap expiry_heap_;                              // unlocked messages with an expiry
  MinHeap lock_heap_;                                // locked messages
  uint64_t next_position_ = 1;
  int64_t next_sequence_ = 1;
  uint64_t lock_counter_ = 0;
  uint64_t token_seed_ = 0;
  std::atomic<uint64_t> bytes_{0};
  std::atomic<size_t> count_{0};

  std::unordered_map<std::string, uint64_t> seen_ids_;  // duplicate detection: id -> time
  std::deque<std::pair<uint64_t, std::string>> seen_order_;

  std::weak_ptr<Entity> forward_to_;
  std::weak_ptr<Entity> forward_dead_letters_;
  std::vector<BrokeredMessage> pending_dead_letter_forwards_;  // under the lock
};

}  // namespace routesim::endpoints::servicebus
