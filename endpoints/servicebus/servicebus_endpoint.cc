#include "endpoints/servicebus/servicebus_endpoint.h"

#include <utility>

#include "endpoints/common/endpoint_message.h"
#include "endpoints/servicebus/persistence.h"

namespace routesim::endpoints::servicebus {
namespace {

using router::DeliveryFailure;

std::string_view kindWord(EntityKind kind) {
  return kind == EntityKind::kTopic ? "topic" : "queue";
}

// The queue or topic at `path`, or null with the reason in `why`.
std::shared_ptr<Entity> resolve(const Namespace& ns, const std::string& path, EntityKind kind,
                                std::string& why) {
  if (kind != EntityKind::kQueue && kind != EntityKind::kTopic) {
    why = "a Service Bus routing endpoint sends to a queue or a topic, not a " +
          std::string(entityKindName(kind));
    return nullptr;
  }
  std::shared_ptr<Entity> found;
  if (kind == EntityKind::kTopic) {
    found = ns.findTopic(path);
  } else if (std::shared_ptr<Queue> q = ns.findQueue(path); q && q->kind() == EntityKind::kQueue) {
    found = std::move(q);
  }
  if (found != nullptr) return found;
  why = "MessagingEntityNotFound: the messaging entity '" + ns.name() + ":" +
        std::string(entityKindName(kind)) + ":" + path + "' could not be found";
  std::shared_ptr<Entity> other = kind == EntityKind::kTopic ? ns.find(path) : ns.findTopic(path);
  if (other != nullptr) {
    why += " ('" + path + "' is a " + std::string(entityKindName(other->kind())) + ", not a " +
           std::string(kindWord(kind)) + ")";
  }
  return nullptr;
}

DeliveryFailure failureOf(SendError error) {
  switch (error) {
    case SendError::kNone:
      return DeliveryFailure::kNone;
    case SendError::kEntityDisabled:
    case SendError::kSendDisabled:
      return DeliveryFailure::kEndpointExternallyDisabled;
    case SendError::kMessageSizeExceeded:
      return DeliveryFailure::kMaxMessageSizeExceeded;
    case SendError::kQuotaExceeded:
      return DeliveryFailure::kDeviceMaximumQueueDepthExceeded;
    case SendError::kNoMatchingSubscriptions:
      return DeliveryFailure::kNoMatchingSubscriptionsForMessage;
    case SendError::kSessionIdRequired:
      return DeliveryFailure::kSessionfulEntityNotSupported;
    case SendError::kNotSendable:
      return DeliveryFailure::kInternalError;
  }
  return DeliveryFailure::kInternalError;
}

}  // namespace

ServiceBusEndpoint::ServiceBusEndpoint(const EmulatorContext& context,
                                       std::shared_ptr<Namespace> ns, std::string entity_path,
                                       EntityKind kind)
    : context_(context),
      namespace_(std::move(ns)),
      entity_path_(std::move(entity_path)),
      kind_(kind) {
  if (namespace_ == nullptr) {
    not_found_ =
        "MessagingEntityNotFound: no Service Bus namespace for entity '" + entity_path_ + "'";
    return;
  }
  entity_ = resolve(*namespace_, entity_path_, kind_, not_found_);
}

Result<std::unique_ptr<ServiceBusEndpoint>> ServiceBusEndpoint::create(
    const EmulatorContext& context, std::shared_ptr<Namespace> ns, std::string entity_path,
    EntityKind kind) {
  auto endpoint =
      std::make_unique<ServiceBusEndpoint>(context, std::move(ns), std::move(entity_path), kind);
  if (endpoint->entity() == nullptr) return Error(ErrorCode::kInvalidInput, endpoint->not_found_);
  if (endpoint->namespace_->utcAtZeroNs() != context.utc_at_zero_ns) {
    return Error(ErrorCode::kInvalidInput,
                 "Service Bus namespace '" + endpoint->namespace_->name() +
                     "' was created with another UTC origin than the endpoint's context (give "
                     "Namespace::create the context's utc_at_zero_ns)");
  }
  return endpoint;
}

bool ServiceBusEndpoint::refuseAll(router::DeliveryReport& report) const {
  if (entity_ == nullptr) {
    report.failure = DeliveryFailure::kInternalError;
    report.detail = not_found_;
    return true;
  }
  const std::string where = std::string(kindWord(kind_)) + " '" + entity_->path() + "'";
  if (entity_->requiresSession()) {
    report.failure = DeliveryFailure::kSessionfulEntityNotSupported;
    report.detail = "SessionfulEntityNotSupported: " + where;
    if (kind_ == EntityKind::kTopic) {
      for (const auto& s : static_cast<const Topic&>(*entity_).subscriptions()) {
        if (s->requiresSession()) {
          report.detail += ": subscription '" + s->name() + "' requires sessions";
          break;
        }
      }
    } else {
      report.detail += " requires sessions";
    }
    report.detail += "; IoT Hub cannot route to entities with sessions enabled";
    return true;
  }
  if (entity_->requiresDuplicateDetection()) {
    report.failure = DeliveryFailure::kPartitioningAndDuplicateDetectionNotSupported;
    report.detail = "PartitioningAndDuplicateDetectionNotSupported: " + where +
                    " has duplicate detection enabled; IoT Hub cannot route to entities with "
                    "duplicate detection";
    return true;
  }
  EntityStatus status = entity_->status();
  if (status == EntityStatus::kDisabled || status == EntityStatus::kSendDisabled) {
    report.failure = DeliveryFailure::kEndpointExternallyDisabled;
    report.detail = entityDisabledText(*entity_);
    return true;
  }
  return false;
}

router::DeliveryReport ServiceBusEndpoint::deliver(std::span<const router::OutboundMessage> batch) {
  router::DeliveryReport report;
  if (batch.empty() || refuseAll(report)) return report;
  const routing::EndpointKind kind = kind_ == EntityKind::kTopic
                                         ? routing::EndpointKind::kServiceBusTopic
                                         : routing::EndpointKind::kServiceBusQueue;
  staged_.clear();
  staged_.reserve(batch.size());
  for (const router::OutboundMessage& out : batch) {
    staged_.push_back(fromEndpointMessage(toEndpointMessage(out, kind, scratch_)));
  }
  SendResult sent = entity_->send(staged_, context_.now());
  staged_.clear();
  report.delivered = sent.accepted;
  if (sent.error != SendError::kNone) {
    report.failure = failureOf(sent.error);
    report.detail = std::string(sendErrorName(sent.error)) + ": " + sent.detail;
  }
  return report;
}

void ServiceBusEndpoint::tick(uint64_t now_ns) {
  if (entity_ != nullptr) entity_->tick(now_ns);
}

void ServiceBusEndpoint::flush(uint64_t now_ns) {
  if (namespace_ == nullptr) return;
  namespace_->tick(now_ns);
  if (context_.out_dir.empty() || !context_.save_on_flush) return;
  save_status_ = saveNamespace(*namespace_, context_.out_dir);
}

}  // namespace routesim::endpoints::servicebus
