// IoT Hub's Service Bus routing endpoints (reference iothub.md §3.2, §4): a queue or a topic of
// an emulated namespace. Each routed message becomes the brokered message IoT Hub sends
// (MessageId, CorrelationId and ContentType as broker properties; the other system properties,
// the application properties and the enrichments as application properties), enqueued at the
// context clock's time; refusals become IoT Hub's last-known errors.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/query/input.h"
#include "core/router/endpoint.h"
#include "endpoints/common/emulator_context.h"
#include "endpoints/servicebus/servicebus_namespace.h"

namespace routesim::endpoints::servicebus {

// A serviceBusQueues (kind kQueue) or serviceBusTopics (kind kTopic) endpoint sending to the
// entity at `entity_path` of `ns`. deliver(), tick() and flush() are called by one thread at a
// time (the router's promise); the namespace may be shared with other endpoints and readers.
class ServiceBusEndpoint final : public router::Endpoint {
 public:
  // Never fails: when `entity_path` names no entity of `kind`, entity() is null and every
  // delivery fails with kInternalError (MessagingEntityNotFound). Use create() to find that out
  // up front. `ns` must have been created with context.utc_at_zero_ns (EnqueuedTimeUtc).
  ServiceBusEndpoint(const EmulatorContext& context, std::shared_ptr<Namespace> ns,
                     std::string entity_path, EntityKind kind);

  // The endpoint, or ErrorCode::kInvalidInput naming the namespace and the entity when `kind` is
  // not kQueue or kTopic, the entity is missing or of the other kind, or `ns` was created with
  // another UTC origin than context.utc_at_zero_ns.
  static Result<std::unique_ptr<ServiceBusEndpoint>> create(const EmulatorContext& context,
                                                            std::shared_ptr<Namespace> ns,
                                                            std::string entity_path,
                                                            EntityKind kind);

  // Sends the batch in order, refusing the whole batch when the entity requires sessions
  // (kSessionfulEntityNotSupported; for a topic, any subscription), has duplicate detection
  // (kPartitioningAndDuplicateDetectionNotSupported) or is Disabled / SendDisabled
  // (kEndpointExternallyDisabled). Otherwise the messages before the first refusal are
  // delivered; that one and the rest fail with kMaxMessageSizeExceeded (over the tier's message
  // size), kDeviceMaximumQueueDepthExceeded (size quota; Service Bus' QuotaExceeded text in
  // detail) or, for a topic, kNoMatchingSubscriptionsForMessage. Every failure is retried by
  // the router. Allocates per message.
  router::DeliveryReport deliver(std::span<const router::OutboundMessage> batch) override;
  // Expires the entity's messages and locks due at `now_ns` (for a topic, its subscriptions').
  void tick(uint64_t now_ns) override;
  // Expires what is due in the whole namespace, then saves it under context.out_dir (see
  // persistence.h; nothing when out_dir is empty). The outcome is in lastSaveStatus().
  void flush(uint64_t now_ns) override;

  // The queue or topic, or null when it was not found.
  const std::shared_ptr<Entity>& entity() const { return entity_; }
  const std::shared_ptr<Namespace>& serviceBusNamespace() const { return namespace_; }
  EntityKind kind() const { return kind_; }
  // The outcome of the last flush() (OK before the first).
  const Status& lastSaveStatus() const { return save_status_; }

 private:
  // The failure that refuses every message sent to the entity now, if any.
  bool refuseAll(router::DeliveryReport& report) const;

  EmulatorContext context_;
  std::shared_ptr<Namespace> namespace_;
  std::string entity_path_;
  EntityKind kind_;
  std::shared_ptr<Entity> entity_;
  std::string not_found_;  // why entity_ is null
  query::EvalScratch scratch_;
  std::vector<BrokeredMessage> staged_;  // reused across batches
  Status save_status_;
};

}  // namespace routesim::endpoints::servicebus
