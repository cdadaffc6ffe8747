#include "endpoints/servicebus/topic.h"

#include <optional>

#include "core/common/utf.h"

namespace routesim::endpoints::servicebus {

Subscription::Subscription(std::string ns, const std::string& topic_path, std::string name,
                           QueueSettings settings, EntityStatus status, std::vector<Rule> rules,
                           bool dead_lettering_on_filter_evaluation_exceptions)
    : Queue(EntityKind::kSubscription, std::move(ns), name, topic_path + "/Subscriptions/" + name,
            settings, status),
      rules_(std::move(rules)),
      dead_letter_on_filter_errors_(dead_lettering_on_filter_evaluation_exceptions) {}

bool Subscription::select(const BrokeredMessage& m, std::vector<BrokeredMessage>& changed,
                          std::string& error) const {
  bool plain = false;
  const size_t first = changed.size();
  for (const Rule& rule : rules_) {
    auto verdict = rule.evaluate(m);
    if (!verdict.ok()) {
      changed.resize(first);
      error = "rule '" + rule.name + "': " + verdict.error().message();
      return false;
    }
    if (*verdict != Truth::kTrue) continue;
    if (!rule.hasAction()) {
      plain = true;  // every action-less rule together: one copy of `m` as it is
      continue;
    }
    BrokeredMessage copy = m;
    Status applied = rule.action->apply(copy);
    if (!applied.ok()) {
      changed.resize(first);
      error = "rule '" + rule.name + "' action: " + applied.error().message();
      return false;
    }
    copy.application_properties.set(kRuleNameProperty, rule.name);
    changed.push_back(std::move(copy));
  }
  return plain;
}

TopicSettings TopicSettings::of(const TopicConfig& t, const NamespaceConfig& ns,
                                int64_t utc_at_zero_ns) {
  TopicSettings s;
  s.default_message_ttl_ns = t.default_message_ttl_ns;
  s.requires_duplicate_detection = t.requires_duplicate_detection;
  s.duplicate_detection_window_ns = t.duplicate_detection_window_ns;
  s.enable_partitioning = t.enable_partitioning;
  s.max_size_bytes = static_cast<uint64_t>(t.max_size_megabytes) * 1024 * 1024;
  s.max_message_bytes = servicebus::maxMessageBytes(ns.sku, t.max_message_size_kilobytes);
  s.utc_at_zero_ns = utc_at_zero_ns;
  return s;
}

Topic::Topic(std::string ns, std::string name, TopicSettings settings, EntityStatus status,
             std::vector<std::shared_ptr<Subscription>> subscriptions)
    : Entity(EntityKind::kTopic, std::move(ns), name, name, status),
      settings_(settings),
      subscriptions_(std::move(subscriptions)) {}

std::shared_ptr<Subscription> Topic::subscription(std::string_view name) const {
  for (const auto& s : subscriptions_) {
    if (utf::equalsIgnoreCase(s->name(), name)) return s;
  }
  return nullptr;
}

bool Topic::requiresSession() const {
  for (const auto& s : subscriptions_) {
    if (s->requiresSession()) return true;
  }
  return false;
}

uint64_t Topic::sizeBytes() const {
  uint64_t n = 0;
  for (const auto& s : subscriptions_) n += s->sizeBytes();
  return n;
}

void Topic::tick(uint64_t now_ns) {
  for (const auto& s : subscriptions_) s->tick(now_ns);
}

SendResult Topic::send(std::span<BrokeredMessage> messages, uint64_t now_ns) {
  SendResult r;
  EntityStatus st = status();
  if (st == EntityStatus::kDisabled || st == EntityStatus::kSendDisabled) {
    r.error = st == EntityStatus::kDisabled ? SendError::kEntityDisabled : SendError::kSendDisabled;
    r.detail = entityDisabledText(*this);
    return r;
  }
  // One copy for one subscription: `m` as sent (changed empty) or as a rule's action changed it.
  struct Take {
    Subscription* sub;
    std::optional<BrokeredMessage> changed;
    std::string_view reason;  // empty: stored; else dead-lettered
    std::string description;
  };
  std::vector<std::pair<Subscription*, BrokeredMessage>> forwards;
  {
    std::unique_lock<std::mutex> topic_guard(mu_);
    std::vector<std::unique_lock<std::mutex>> guards;
    guards.reserve(subscriptions_.size());
    for (const auto& s : subscriptions_) guards.push_back(s->lock());
    for (const auto& s : subscriptions_) s->expireAllLocked(now_ns);

    std::vector<BrokeredMessage> changed;
    std::vector<Take> takes;
    for (size_t i = 0; i < messages.size(); ++i) {
      BrokeredMessage& m = messages[i];
      const uint64_t bytes = messageSize(m);
      if (bytes > settings_.max_message_bytes) {
        r.error = SendError::kMessageSizeExceeded;
        r.detail = messageSizeExceededText(bytes, settings_.max_message_bytes);
        break;
      }
      // Duplicate detection on the topic: a MessageId seen within the window is dropped.
      if (settings_.requires_duplicate_detection && !m.message_id.empty()) {
        while (!seen_order_.empty() &&
               seen_order_.front().first + settings_.duplicate_detection_window_ns <= now_ns) {
          auto found = seen_ids_.find(seen_order_.front().second);
          if (found != seen_ids_.end() && found->second == seen_order_.front().first) {
            seen_ids_.erase(found);
          }
          seen_order_.pop_front();
        }
        if (seen_ids_.count(m.message_id) != 0) {
          ++r.accepted;
          continue;
        }
      }
      // What filters see: the topic's sequence number and enqueue time.
      m.sequence_number = next_sequence_;
      m.enqueued_ns = now_ns;
      m.enqueued_time_utc_ns = settings_.utc_at_zero_ns + static_cast<int64_t>(now_ns);
      uint64_t ttl = std::min(m.time_to_live_ns, settings_.default_message_ttl_ns);
      m.expires_ns = ttl == kNever || now_ns > kNever - ttl ? kNever : now_ns + ttl;

      takes.clear();
      for (const auto& s : subscriptions_) {
        EntityStatus ss = s->status();
        if (ss == EntityStatus::kDisabled || ss == EntityStatus::kSendDisabled) continue;
        changed.clear();
        std::string error;
        const bool plain = s->select(m, changed, error);
        if (!error.empty()) {
          if (s->deadLetteringOnFilterEvaluationExceptions()) {
            takes.push_back({s.get(), std::nullopt, kFilterEvaluationException, std::move(error)});
          }
          continue;
        }
        auto take = [&](std::optional<BrokeredMessage> c) {
          const std::string& session = c ? c->session_id : m.session_id;
          if (s->requiresSession() && session.empty()) {
            takes.push_back({s.get(), std::move(c), kSessionIdIsNull,
                             std::string(kSessionIdIsNullDescription)});
          } else {
            takes.push_back({s.get(), std::move(c), {}, {}});
          }
        };
        if (plain) take(std::nullopt);
        for (BrokeredMessage& c : changed) take(std::move(c));
      }
      if (takes.empty()) {
        r.error = SendError::kNoMatchingSubscriptions;
        r.detail =
            "no subscription of topic '" + path() + "' takes the message" +
            (m.message_id.empty() ? std::string() : " with MessageId '" + m.message_id + "'") +
            " (" + std::to_string(subscriptions_.size()) +
            (subscriptions_.size() == 1 ? " subscription" : " subscriptions") +
            ", none with a matching rule)";
        break;
      }
      uint64_t total = 0;
      size_t last_plain = takes.size();
      for (size_t k = 0; k < takes.size(); ++k) {
        total += takes[k].changed ? messageSize(*takes[k].changed) : bytes;
        if (!takes[k].changed) last_plain = k;
      }
      uint64_t size = sizeBytes();
      if (size + total > settings_.max_size_bytes) {
        r.error = SendError::kQuotaExceeded;
        r.detail = quotaExceededText(*this, size, settings_.max_size_bytes);
        break;
      }
      ++next_sequence_;
      if (settings_.requires_duplicate_detection && !m.message_id.empty()) {
        seen_ids_[m.message_id] = now_ns;
        seen_order_.emplace_back(now_ns, m.message_id);
      }
      for (size_t k = 0; k < takes.size(); ++k) {
        Take& t = takes[k];
        // The last subscription that takes `m` as it is gets `m` itself; the others a copy.
        BrokeredMessage copy = t.changed ? std::move(*t.changed)
                                         : (k == last_plain ? std::move(m) : BrokeredMessage(m));
        if (!t.reason.empty()) {
          t.sub->deadLetterNewLocked(std::move(copy), t.reason, t.description);
        } else if (t.sub->forwards()) {
          forwards.emplace_back(t.sub, std::move(copy));
        } else {
          t.sub->enqueueLocked(std::move(copy), now_ns, settings_.default_message_ttl_ns,
                               /*keep_sequence=*/true);
        }
      }
      ++r.accepted;
    }
  }
  for (auto& [sub, m] : forwards) sub->forwardOne(std::move(m), now_ns);
  for (const auto& s : subscriptions_) s->flushForwards(now_ns);
  return r;
}

}  // namespace routesim::endpoints::servicebus
