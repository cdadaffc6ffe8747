#include "endpoints/servicebus/entity.h"

namespace routesim::endpoints::servicebus {

std::string_view entityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kQueue:
      return "Queue";
    case EntityKind::kTopic:
      return "Topic";
    case EntityKind::kSubscription:
      return "Subscription";
    case EntityKind::kDeadLetterQueue:
      return "DeadLetterQueue";
  }
  return "Queue";
}

std::string_view sendErrorName(SendError error) {
  switch (error) {
    case SendError::kNone:
      return "None";
    case SendError::kEntityDisabled:
    case SendError::kSendDisabled:
      return "MessagingEntityDisabled";
    case SendError::kMessageSizeExceeded:
      return "MessageSizeExceeded";
    case SendError::kQuotaExceeded:
      return "QuotaExceeded";
    case SendError::kSessionIdRequired:
      return "SessionIdRequired";
    case SendError::kNoMatchingSubscriptions:
      return "NoMatchingSubscription";
    case SendError::kNotSendable:
      return "InvalidOperation";
  }
  return "None";
}

SendResult Entity::send(std::span<BrokeredMessage> messages, uint64_t now_ns) {
  (void)messages;
  (void)now_ns;
  SendResult r;
  r.error = SendError::kNotSendable;
  r.detail =
      "messages cannot be sent to " + path() + " (" + std::string(entityKindName(kind())) + ")";
  return r;
}

std::string quotaExceededText(const Entity& entity, uint64_t size_bytes, uint64_t max_bytes) {
  std::string kind(entityKindName(entity.kind()));
  std::string upper;
  for (char c : kind) upper.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
  return "The maximum entity size has been reached or exceeded for " + kind + ": '" +
         entity.namespaceName() + ":" + upper + ":" + entity.path() +
         "'. Size of entity in bytes:" + std::to_string(size_bytes) +
         ", Max entity size in bytes: " + std::to_string(max_bytes) + ". QuotaType: EntitySize";
}

std::string entityDisabledText(const Entity& entity) {
  return "Messaging entity '" + entity.namespaceName() + ":" +
         std::string(entityKindName(entity.kind())) + ":" + entity.path() +
         "' is currently disabled (status " + std::string(entityStatusName(entity.status())) + ").";
}

std::string messageSizeExceededText(uint64_t size, uint64_t max) {
  return "The received message (size " + std::to_string(size) + " bytes) exceeds the limit (" +
         std::to_string(max) +
         " bytes) currently allowed on the "
         "link.";
}

}  // namespace routesim::endpoints::servicebus
