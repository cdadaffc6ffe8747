// What queues, topics, subscriptions and dead-letter sub-queues have in common: a kind, a name,
// a path in the namespace, a status, a size towards the quota, and time (tick) for expiry.
// Entities are thread-safe: any number of senders (endpoints, forwarding) and readers.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "endpoints/servicebus/brokered_message.h"
#include "endpoints/servicebus/servicebus_config.h"

namespace routesim::endpoints::servicebus {

enum class EntityKind : uint8_t { kQueue, kTopic, kSubscription, kDeadLetterQueue };
std::string_view entityKindName(EntityKind kind);  // "Queue", "Topic", "Subscription", ...

// Why a send was refused (Service Bus' exception, as routesim names it).
enum class SendError : uint8_t {
  kNone,
  kEntityDisabled,           // MessagingEntityDisabledException (status Disabled)
  kSendDisabled,             // MessagingEntityDisabledException (status SendDisabled)
  kMessageSizeExceeded,      // MessageSizeExceededException
  kQuotaExceeded,            // QuotaExceededException (QuotaType: EntitySize)
  kSessionIdRequired,        // InvalidOperationException: a sessionful queue needs SessionId
  kNoMatchingSubscriptions,  // NoMatchingSubscriptionException (topics)
  kNotSendable,              // subscriptions and dead-letter queues take no sends
};
std::string_view sendErrorName(SendError error);

// The first `accepted` messages of a send were stored (or, for a duplicate within the detection
// window, accepted and dropped); when `error` is set the rest were not.
struct SendResult {
  size_t accepted = 0;
  SendError error = SendError::kNone;
  std::string detail;  // Service Bus' message text
};

class Entity {
 public:
  virtual ~Entity() = default;
  Entity(const Entity&) = delete;
  Entity& operator=(const Entity&) = delete;

  EntityKind kind() const { return kind_; }
  // "orders", "events/Subscriptions/audit", "orders/$DeadLetterQueue".
  const std::string& path() const { return path_; }
  // The last segment of the path ("orders", "audit", "$DeadLetterQueue").
  const std::string& name() const { return name_; }
  const std::string& namespaceName() const { return namespace_; }

  EntityStatus status() const { return status_.load(std::memory_order_acquire); }
  void setStatus(EntityStatus status) { status_.store(status, std::memory_order_release); }

  // Stores `messages` in order, stamping sequence numbers and enqueue / expiry times at
  // `now_ns` (the router's clock). Queues and topics only; thread-safe.
  virtual SendResult send(std::span<BrokeredMessage> messages, uint64_t now_ns);
  // Expires messages and locks due at `now_ns`. Thread-safe.
  virtual void tick(uint64_t now_ns) = 0;
  // Bytes stored towards the entity's size quota (a queue with its dead-letter sub-queue; a topic
  // with all its subscriptions). Thread-safe.
  virtual uint64_t sizeBytes() const = 0;
  // Whether a delivery from IoT Hub would be refused at once (reference §3.2): sessions or
  // duplicate detection on the entity (for a topic: sessions on any subscription).
  virtual bool requiresSession() const = 0;
  virtual bool requiresDuplicateDetection() const = 0;
  virtual uint64_t maxMessageBytes() const = 0;
  virtual uint64_t maxSizeBytes() const = 0;

 protected:
  Entity(EntityKind kind, std::string ns, std::string name, std::string path, EntityStatus status)
      : kind_(kind),
        namespace_(std::move(ns)),
        name_(std::move(name)),
        path_(std::move(path)),
        status_(status) {}

 private:
  EntityKind kind_;
  std::string namespace_;
  std::string name_;
  std::string path_;
  std::atomic<EntityStatus> status_;
};

// Service Bus' texts for refused sends.
std::string quotaExceededText(const Entity& entity, uint64_t size_bytes, uint64_t max_bytes);
std::string entityDisabledText(const Entity& entity);
std::string messageSizeExceededText(uint64_t size, uint64_t max);

}  // namespace routesim::endpoints::servicebus
