// A Service Bus topic and its subscriptions. A message sent to the topic is copied into every
// subscription with a matching rule (learn.microsoft.com "Topic filters and actions"): all
// matching rules without an action together give one copy; each matching rule with an action
// gives its own copy, changed by the action and carrying the application property RuleName. A
// filter or action that fails to evaluate dead-letters the message in that subscription
// (deadLetteringOnFilterEvaluationExceptions, the default) or drops it there. A message that no
// subscription takes is refused (NoMatchingSubscriptionException).
//
// Thread-safety: as Queue. A send takes the topic's mutex and every subscription's mutex once
// (in a fixed order; readers take one at a time, so there is no lock cycle).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "endpoints/servicebus/queue.h"
#include "endpoints/servicebus/rule.h"

namespace routesim::endpoints::servicebus {

// Dead-letter reasons for messages a subscription could not take (routesim's names where the
// docs give none; see docs/endpoints-servicebus.md).
inline constexpr std::string_view kFilterEvaluationException = "FilterEvaluationException";
inline constexpr std::string_view kSessionIdIsNull = "Session ID is null.";
inline constexpr std::string_view kSessionIdIsNullDescription =
    "Session enabled entity doesn't allow a message whose session identifier is null.";
// The application property a copy made by a rule with an action carries.
inline constexpr std::string_view kRuleNameProperty = "RuleName";

class Topic;

class Subscription final : public Queue {
 public:
  Subscription(std::string ns, const std::string& topic_path, std::string name,
               QueueSettings settings, EntityStatus status, std::vector<Rule> rules,
               bool dead_lettering_on_filter_evaluation_exceptions);

  const std::vector<Rule>& rules() const { return rules_; }
  bool deadLetteringOnFilterEvaluationExceptions() const { return dead_letter_on_filter_errors_; }

 private:
  friend class Topic;

  // What this subscription takes of `m`: true when a rule without an action matched (one copy
  // of `m` as it is), plus the copies changed by matching rules with actions, appended to
  // `changed`; or an evaluation error in `error` (then false and nothing appended). Const;
  // needs no lock.
  bool select(const BrokeredMessage& m, std::vector<BrokeredMessage>& changed,
              std::string& error) const;

  std::vector<Rule> rules_;
  bool dead_letter_on_filter_errors_;
};

struct TopicSettings {
  uint64_t default_message_ttl_ns = kNever;
  bool requires_duplicate_detection = false;
  uint64_t duplicate_detection_window_ns = 10 * kMinute;
  bool enable_partitioning = false;
  uint64_t max_size_bytes = 1024ull * 1024 * 1024;
  uint64_t max_message_bytes = 256 * 1024;
  int64_t utc_at_zero_ns = 0;

  static TopicSettings of(const TopicConfig& t, const NamespaceConfig& ns, int64_t utc_at_zero_ns);
};

class Topic final : public Entity {
 public:
  Topic(std::string ns, std::string name, TopicSettings settings, EntityStatus status,
        std::vector<std::shared_ptr<Subscription>> subscriptions);

  // Copies each message into the subscriptions that take it (see the file comment). Refuses a
  // message too large, one no subscription takes, or one whose copies would pass the topic's
  // size quota (all subscriptions together); stops at the first refusal.
  SendResult send(std::span<BrokeredMessage> messages, uint64_t now_ns) override;
  void tick(uint64_t now_ns) override;
  uint64_t sizeBytes() const override;
  bool requiresSession() const override;  // any subscription requires sessions
  bool requiresDuplicateDetection() const override {
    return settings_.requires_duplicate_detection;
  }
  uint64_t maxMessageBytes() const override { return settings_.max_message_bytes; }
  uint64_t maxSizeBytes() const override { return settings_.max_size_bytes; }
  const TopicSettings& settings() const { return settings_; }

  const std::vector<std::shared_ptr<Subscription>>& subscriptions() const { return subscriptions_; }
  // The subscription named `name` (letter case ignored), or null.
  std::shared_ptr<Subscription> subscription(std::string_view name) const;

 private:
  TopicSettings settings_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_;
  std::mutex mu_;  // sequence numbers and duplicate detection
  int64_t next_sequence_ = 1;
  std::unordered_map<std::string, uint64_t> seen_ids_;
  std::deque<std::pair<uint64_t, std::string>> seen_order_;
};

}  // namespace routesim::endpoints::servicebus
