#include "endpoints/servicebus/queue.h"

#include <cstdio>

#include "core/common/duration.h"

namespace routesim::endpoints::servicebus {
namespace {

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

constexpr std::string_view kSessionIdRequiredText =
    "The SessionId was not set on a message, and it cannot be sent to the entity. Entities that "
    "have session support enabled can only receive messages that have the SessionId set to a "
    "valid value.";

}  // namespace

QueueSettings QueueSettings::of(const QueueConfig& q, const NamespaceConfig& ns,
                                int64_t utc_at_zero_ns) {
  QueueSettings s;
  s.default_message_ttl_ns = q.default_message_ttl_ns;
  s.lock_duration_ns = q.lock_duration_ns;
  s.max_delivery_count = q.max_delivery_count;
  s.dead_lettering_on_message_expiration = q.dead_lettering_on_message_expiration;
  s.requires_session = q.requires_session;
  s.requires_duplicate_detection = q.requires_duplicate_detection;
  s.duplicate_detection_window_ns = q.duplicate_detection_window_ns;
  s.enable_partitioning = q.enable_partitioning;
  s.max_size_bytes = static_cast<uint64_t>(q.max_size_megabytes) * 1024 * 1024;
  s.max_message_bytes = servicebus::maxMessageBytes(ns.sku, q.max_message_size_kilobytes);
  s.utc_at_zero_ns = utc_at_zero_ns;
  return s;
}

QueueSettings QueueSettings::of(const SubscriptionConfig& sub, const TopicConfig& t,
                                const NamespaceConfig& ns, int64_t utc_at_zero_ns) {
  QueueSettings s;
  s.default_message_ttl_ns = sub.default_message_ttl_ns;
  s.lock_duration_ns = sub.lock_duration_ns;
  s.max_delivery_count = sub.max_delivery_count;
  s.dead_lettering_on_message_expiration = sub.dead_lettering_on_message_expiration;
  s.requires_session = sub.requires_session;
  s.max_size_bytes = static_cast<uint64_t>(t.max_size_megabytes) * 1024 * 1024;
  s.max_message_bytes = servicebus::maxMessageBytes(ns.sku, t.max_message_size_kilobytes);
  s.utc_at_zero_ns = utc_at_zero_ns;
  return s;
}

Queue::Queue(EntityKind kind, std::string ns, std::string name, std::string path,
             QueueSettings settings, EntityStatus status)
    : Entity(kind, ns, std::move(name), path, status),
      settings_(settings),
      mu_(&own_mu_),
      token_seed_(fnv1a(path)) {
  dead_letter_.reset(new Queue(*this));
}

Queue::Queue(Queue& parent)
    : Entity(EntityKind::kDeadLetterQueue, parent.namespaceName(), "$DeadLetterQueue",
             parent.path() + "/$DeadLetterQueue", EntityStatus::kActive),
      settings_(parent.settings_),
      mu_(&parent.own_mu_),
      parent_(&parent),
      token_seed_(fnv1a(parent.path() + "/$DeadLetterQueue")) {}

Queue::~Queue() = default;

void Queue::setForwarding(std::weak_ptr<Entity> forward_to,
                          std::weak_ptr<Entity> forward_dead_letters) {
  forward_to_ = std::move(forward_to);
  forward_dead_letters_ = std::move(forward_dead_letters);
}

std::string Queue::newLockToken() {
  uint64_t n = ++lock_counter_;
  char buf[40];
  std::snprintf(
      buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(token_seed_ >> 32),
      static_cast<unsigned>((token_seed_ >> 16) & 0xFFFF),
      static_cast<unsigned>(token_seed_ & 0xFFF), static_cast<unsigned>((n >> 48) & 0xFFF),
      static_cast<unsigned long long>(n & 0xFFFFFFFFFFFFull));
  return buf;
}

void Queue::storeLocked(BrokeredMessage m) {
  uint64_t position = next_position_++;
  uint64_t bytes = messageSize(m);
  if (kind() != EntityKind::kDeadLetterQueue && m.expires_ns != kNever) {
    expiry_heap_.push({m.expires_ns, position});
  }
  entries_.emplace(position, Entry{std::move(m), bytes});
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

void Queue::removeLocked(std::map<uint64_t, Entry>::iterator it) {
  if (!it->second.m.lock_token.empty()) locks_.erase(it->second.m.lock_token);
  bytes_.fetch_sub(it->second.bytes, std::memory_order_relaxed);
  count_.fetch_sub(1, std::memory_order_relaxed);
  entries_.erase(it);
}

void Queue::enqueueLocked(BrokeredMessage m, uint64_t now_ns, uint64_t ttl_cap_ns,
                          bool keep_sequence) {
  if (!keep_sequence) m.sequence_number = next_sequence_++;
  m.enqueued_ns = now_ns;
  m.enqueued_time_utc_ns = settings_.utc_at_zero_ns + static_cast<int64_t>(now_ns);
  uint64_t ttl = std::min({m.time_to_live_ns, ttl_cap_ns, settings_.default_message_ttl_ns});
  m.expires_ns = ttl == kNever ? kNever : saturatingAdd(now_ns, ttl);
  m.delivery_count = 0;
  m.lock_token.clear();
  m.locked_until_ns = 0;
  storeLocked(std::move(m));
}

void Queue::deadLetterNewLocked(BrokeredMessage m, std::string_view reason,
                                std::string_view description) {
  m.dead_letter_reason = std::string(reason);
  m.dead_letter_error_description = std::string(description);
  m.lock_token.clear();
  m.locked_until_ns = 0;
  if (!forward_dead_letters_.expired()) {
    pending_dead_letter_forwards_.push_back(std::move(m));
    return;
  }
  if (dead_letter_ != nullptr) dead_letter_->storeLocked(std::move(m));
}

void Queue::moveToDeadLetterLocked(std::map<uint64_t, Entry>::iterator it, std::string_view reason,
                                   std::string_view description) {
  if (!it->second.m.lock_token.empty()) locks_.erase(it->second.m.lock_token);
  bytes_.fetch_sub(it->second.bytes, std::memory_order_relaxed);
  count_.fetch_sub(1, std::memory_order_relaxed);
  BrokeredMessage m = std::move(it->second.m);
  entries_.erase(it);
  deadLetterNewLocked(std::move(m), reason, description);
}

void Queue::unlockLocked(std::map<uint64_t, Entry>::iterator it) {
  BrokeredMessage& m = it->second.m;
  locks_.erase(m.lock_token);
  m.lock_token.clear();
  m.locked_until_ns = 0;
  if (kind() != EntityKind::kDeadLetterQueue && m.delivery_count >= settings_.max_delivery_count) {
    moveToDeadLetterLocked(it, kMaxDeliveryCountExceeded,
                           "Message could not be consumed after " +
                               std::to_string(settings_.max_delivery_count) +
                               " delivery attempts.");
    return;
  }
  if (kind() != EntityKind::kDeadLetterQueue && m.expires_ns != kNever) {
    expiry_heap_.push({m.expires_ns, it->first});
  }
}

void Queue::expireLocked(uint64_t now_ns) {
  while (!lock_heap_.empty() && lock_heap_.top().first <= now_ns) {
    auto [until, position] = lock_heap_.top();
    lock_heap_.pop();
    auto it = entries_.find(position);
    if (it == entries_.end() || it->second.m.lock_token.empty() ||
        it->second.m.locked_until_ns != until) {
      continue;  // settled, or locked again since
    }
    unlockLocked(it);  // an expired lock counts as an abandon
  }
  while (!expiry_heap_.empty() && expiry_heap_.top().first <= now_ns) {
    auto [expires, position] = expiry_heap_.top();
    expiry_heap_.pop();
    auto it = entries_.find(position);
    if (it == entries_.end() || it->second.m.expires_ns != expires) continue;
    // A locked message expires when its lock ends (unlockLocked pushes it again).
    if (!it->second.m.lock_token.empty()) continue;
    if (settings_.dead_lettering_on_message_expiration) {
      moveToDeadLetterLocked(it, kTtlExpired, kTtlExpiredDescription);
    } else {
      removeLocked(it);
    }
  }
}

void Queue::expireAllLocked(uint64_t now_ns) {
  Queue* root = parent_ != nullptr ? parent_ : this;
  root->expireLocked(now_ns);
  if (root->dead_letter_ != nullptr) root->dead_letter_->expireLocked(now_ns);  // its locks
}

bool Queue::duplicateLocked(const std::string& message_id, uint64_t now_ns) {
  if (!settings_.requires_duplicate_detection || message_id.empty()) return false;
  while (!seen_order_.empty() && saturatingAdd(seen_order_.front().first,
                                               settings_.duplicate_detection_window_ns) <= now_ns) {
    auto found = seen_ids_.find(seen_order_.front().second);
    if (found != seen_ids_.end() && found->second == seen_order_.front().first) {
      seen_ids_.erase(found);
    }
    seen_order_.pop_front();
  }
  auto [it, inserted] = seen_ids_.emplace(message_id, now_ns);
  if (!inserted) return true;
  seen_order_.emplace_back(now_ns, message_id);
  return false;
}

SendResult Queue::send(std::span<BrokeredMessage> messages, uint64_t now_ns) {
  SendResult r;
  if (kind() != EntityKind::kQueue) {
    r.error = SendError::kNotSendable;
    r.detail =
        "messages cannot be sent to " + path() + " (" + std::string(entityKindName(kind())) + ")";
    return r;
  }
  EntityStatus st = status();
  if (st == EntityStatus::kDisabled || st == EntityStatus::kSendDisabled) {
    r.error = st == EntityStatus::kDisabled ? SendError::kEntityDisabled : SendError::kSendDisabled;
    r.detail = entityDisabledText(*this);
    return r;
  }
  auto refuse = [&](size_t i) -> bool {
    const BrokeredMessage& m = messages[i];
    uint64_t bytes = messageSize(m);
    if (bytes > settings_.max_message_bytes) {
      r.error = SendError::kMessageSizeExceeded;
      r.detail = messageSizeExceededText(bytes, settings_.max_message_bytes);
      return true;
    }
    if (settings_.requires_session && m.session_id.empty()) {
      r.error = SendError::kSessionIdRequired;
      r.detail = std::string(kSessionIdRequiredText);
      return true;
    }
    return false;
  };
  if (forwards()) {
    for (size_t i = 0; i < messages.size(); ++i) {
      if (refuse(i)) return r;
      forwardOne(std::move(messages[i]), now_ns);
      ++r.accepted;
    }
    flushForwards(now_ns);
    return r;
  }
  {
    auto guard = lock();
    expireAllLocked(now_ns);  // expired messages no longer count towards the quota
    for (size_t i = 0; i < messages.size(); ++i) {
      if (refuse(i)) break;
      BrokeredMessage& m = messages[i];
      if (duplicateLocked(m.message_id, now_ns)) {
        ++r.accepted;  // accepted, and dropped as a duplicate
        continue;
      }
      uint64_t size = sizeBytes();
      uint64_t bytes = messageSize(m);
      if (size + bytes > settings_.max_size_bytes) {
        r.error = SendError::kQuotaExceeded;
        r.detail = quotaExceededText(*this, size, settings_.max_size_bytes);
        break;
      }
      enqueueLocked(std::move(m), now_ns, kNever, /*keep_sequence=*/false);
      ++r.accepted;
    }
  }
  flushForwards(now_ns);
  return r;
}

void Queue::forwardOne(BrokeredMessage m, uint64_t now_ns) {
  std::shared_ptr<Entity> target = forward_to_.lock();
  std::string reason;
  std::string description;
  if (target == nullptr) {
    reason = "MessagingEntityNotFound";
    description = "The forwarding target of " + path() + " does not exist.";
  } else if (m.transfer_hops >= kMaxTransferHops) {
    reason = std::string(kMaxTransferHopCountExceeded);
    description =
        "The maximum number of allowed hops when forwarding between queues has been exceeded. "
        "This value is set to 4.";
  } else {
    BrokeredMessage copy = m;
    ++copy.transfer_hops;
    copy.sequence_number = 0;
    SendResult r = target->send(std::span<BrokeredMessage>(&copy, 1), now_ns);
    if (r.accepted == 1) return;
    reason = std::string(sendErrorName(r.error));
    description = r.detail;
  }
  m.dead_letter_source = path();
  auto guard = lock();
  deadLetterNewLocked(std::move(m), reason, description);
}

void Queue::flushForwards(uint64_t now_ns) {
  std::vector<BrokeredMessage> pending;
  {
    auto guard = lock();
    pending.swap(pending_dead_letter_forwards_);
  }
  if (pending.empty()) return;
  std::shared_ptr<Entity> target = forward_dead_letters_.lock();
  for (BrokeredMessage& m : pending) {
    bool sent = false;
    if (target != nullptr && m.transfer_hops < kMaxTransferHops) {
      BrokeredMessage copy = m;
      ++copy.transfer_hops;
      copy.sequence_number = 0;
      sent = target->send(std::span<BrokeredMessage>(&copy, 1), now_ns).accepted == 1;
    }
    if (!sent) {
      // Kept in this entity's own dead-letter sub-queue.
      auto guard = lock();
      if (dead_letter_ != nullptr) dead_letter_->storeLocked(std::move(m));
    }
  }
}

std::vector<BrokeredMessage> Queue::peek(int64_t from_sequence, size_t max) const {
  std::vector<BrokeredMessage> out;
  auto guard = lock();
  for (const auto& [position, e] : entries_) {
    if (out.size() >= max) break;
    if (e.m.sequence_number >= from_sequence) out.push_back(e.m);
  }
  return out;
}

Queue::Contents Queue::contents() const {
  Contents c;
  auto guard = lock();
  c.active.reserve(entries_.size());
  for (const auto& [position, e] : entries_) c.active.push_back(e.m);
  if (dead_letter_ != nullptr) {
    c.dead_letters.reserve(dead_letter_->entries_.size());
    for (const auto& [position, e] : dead_letter_->entries_) c.dead_letters.push_back(e.m);
  }
  return c;
}

Result<std::vector<BrokeredMessage>> Queue::receive(size_t max, ReceiveMode mode, uint64_t now_ns) {
  EntityStatus st = parent_ != nullptr ? parent_->status() : status();
  if (st == EntityStatus::kDisabled || st == EntityStatus::kReceiveDisabled) {
    return Error(ErrorCode::kInvalidInput,
                 "MessagingEntityDisabled: " + entityDisabledText(parent_ ? *parent_ : *this));
  }
  std::vector<BrokeredMessage> out;
  {
    auto guard = lock();
    expireAllLocked(now_ns);
    for (auto it = entries_.begin(); it != entries_.end() && out.size() < max;) {
      BrokeredMessage& m = it->second.m;
      if (!m.lock_token.empty()) {
        ++it;
        continue;
      }
      ++m.delivery_count;
      if (mode == ReceiveMode::kReceiveAndDelete) {
        bytes_.fetch_sub(it->second.bytes, std::memory_order_relaxed);
        count_.fetch_sub(1, std::memory_order_relaxed);
        out.push_back(std::move(m));
        it = entries_.erase(it);
        continue;
      }
      m.lock_token = newLockToken();
      m.locked_until_ns = saturatingAdd(now_ns, settings_.lock_duration_ns);
      locks_.emplace(m.lock_token, it->first);
      lock_heap_.push({m.locked_until_ns, it->first});
      out.push_back(m);
      ++it;
    }
  }
  (parent_ != nullptr ? parent_ : this)->flushForwards(now_ns);
  return out;
}

Status Queue::lockLost(std::string_view lock_token) const {
  return Error(ErrorCode::kInvalidInput,
               "MessageLockLost: the lock supplied (" + std::string(lock_token) +
                   ") is invalid. Either the lock expired, or the message has already been "
                   "removed from " +
                   path() + ".");
}

std::map<uint64_t, Queue::Entry>::iterator Queue::lockedEntry(std::string_view lock_token) {
  auto found = locks_.find(std::string(lock_token));
  if (found == locks_.end()) return entries_.end();
  return entries_.find(found->second);
}

Status Queue::complete(std::string_view lock_token, uint64_t now_ns) {
  {
    auto guard = lock();
    expireAllLocked(now_ns);
    auto it = lockedEntry(lock_token);
    if (it == entries_.end()) return lockLost(lock_token);
    removeLocked(it);
  }
  (parent_ != nullptr ? parent_ : this)->flushForwards(now_ns);
  return {};
}

Status Queue::abandon(std::string_view lock_token, uint64_t now_ns) {
  {
    auto guard = lock();
    expireAllLocked(now_ns);
    auto it = lockedEntry(lock_token);
    if (it == entries_.end()) return lockLost(lock_token);
    unlockLocked(it);
  }
  (parent_ != nullptr ? parent_ : this)->flushForwards(now_ns);
  return {};
}

Status Queue::deadLetter(std::string_view lock_token, std::string_view reason,
                         std::string_view description, uint64_t now_ns) {
  if (kind() == EntityKind::kDeadLetterQueue) {
    return Error(ErrorCode::kInvalidInput,
                 "InvalidOperation: a message in a dead-letter queue cannot be dead-lettered");
  }
  {
    auto guard = lock();
    expireAllLocked(now_ns);
    auto it = lockedEntry(lock_token);
    if (it == entries_.end()) return lockLost(lock_token);
    moveToDeadLetterLocked(it, reason, description);
  }
  flushForwards(now_ns);
  return {};
}

void Queue::tick(uint64_t now_ns) {
  {
    auto guard = lock();
    expireAllLocked(now_ns);
  }
  flushForwards(now_ns);
}

size_t Queue::messageCount() const { return count_.load(std::memory_order_relaxed); }

size_t Queue::deadLetterMessageCount() const {
  return dead_letter_ ? dead_letter_->messageCount() : 0;
}

uint64_t Queue::sizeBytes() const {
  uint64_t n = bytes_.load(std::memory_order_relaxed);
  if (dead_letter_ != nullptr) n += dead_letter_->bytes_.load(std::memory_order_relaxed);
  return n;
}

}  // namespace routesim::endpoints::servicebus
