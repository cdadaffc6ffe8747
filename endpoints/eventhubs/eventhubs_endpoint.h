// IoT Hub's Event Hubs endpoints: a custom Event Hubs routing endpoint (events published with the
// device id as partition key, so a device's events stay in order in one partition) and the
// hub's built-in `events` endpoint (events written to the partition the router chose). Both
// store what toEndpointMessage gives for their kind: the body as sent, application properties
// with enrichments, IoT Hub's system properties under Event Hubs names.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/query/input.h"
#include "core/router/endpoint.h"
#include "endpoints/common/emulator_context.h"
#include "endpoints/eventhubs/event_hub.h"
#include "endpoints/eventhubs/eventhubs_config.h"

namespace routesim::endpoints::eventhubs {

// The partition Event Hubs assigns to `partition_key` among `partition_count` partitions:
// Jenkins' lookup3 (hashlittle2, seeds 0) over the key's UTF-8 bytes, the two 32-bit results
// XORed and narrowed to a signed 16-bit value h, partition |h % count|. This is the function the
// Azure SDKs' buffered producers use to predict the service's choice and describe as a port of
// the Event Hubs gateway's own; the service does not document one. Pure; never allocates.
uint32_t partitionForKey(std::string_view partition_key, uint32_t partition_count);
// The signed 16-bit hash above (exposed for tests against the SDKs' published vectors).
int16_t partitionKeyHash(std::string_view partition_key);

// Events staged for one partition during a delivery: the first `used` of `events`; the rest are
// kept, with their strings' storage, for the next batch.
struct StagedEvents {
  std::vector<EventData> events;
  size_t used = 0;
};

// A custom Event Hubs routing endpoint writing to `hub`. deliver() is called by one thread at a
// time (the router's promise); the hub may be shared with other endpoints and readers.
class EventHubsEndpoint final : public router::Endpoint {
 public:
  EventHubsEndpoint(const EmulatorContext& context, std::shared_ptr<EventHub> hub);

  // Appends the batch, each event to partitionForKey(device id). Fails the whole batch with
  // kEndpointExternallyDisabled when the hub is Disabled or SendDisabled; stops at the first
  // event over the hub's size limit with kMaxMessageSizeExceeded (Event Hubs' text in detail).
  router::DeliveryReport deliver(std::span<const router::OutboundMessage> batch) override;
  // Drops events past the hub's retention.
  void tick(uint64_t now_ns) override;
  // Saves the hub under <out>/eventhubs/<namespace>/<hub>/ (see persistence.h).
  void flush(uint64_t now_ns) override;

  const std::shared_ptr<EventHub>& hub() const { return hub_; }
  // The outcome of the last flush() (OK before the first).
  const Status& lastSaveStatus() const { return save_status_; }

 private:
  EmulatorContext context_;
  std::shared_ptr<EventHub> hub_;
  query::EvalScratch scratch_;
  std::vector<StagedEvents> staged_;  // per partition, reused across batches
  uint64_t delivery_id_ = 0;          // events offered so far (AMQP delivery ids)
  Status save_status_;
};

// The hub's built-in `events` endpoint. Each message goes to OutboundMessage::partition (the
// router's routing::builtinPartition of the device id); events carry no partition key, as IoT
// Hub writes to a partition directly.
class BuiltinEventsEndpoint final : public router::Endpoint {
 public:
  BuiltinEventsEndpoint(const EmulatorContext& context, std::shared_ptr<EventHub> hub);

  // As EventHubsEndpoint::deliver; a partition the hub does not have (a hub built with another
  // partition count than the router's) stops the batch there with kInternalError.
  router::DeliveryReport deliver(std::span<const router::OutboundMessage> batch) override;
  void tick(uint64_t now_ns) override;
  // Saves the hub under <out>/iothub/<hub name>/events/.
  void flush(uint64_t now_ns) override;

  const std::shared_ptr<EventHub>& hub() const { return hub_; }
  const Status& lastSaveStatus() const { return save_status_; }

 private:
  EmulatorContext context_;
  std::shared_ptr<EventHub> hub_;
  query::EvalScratch scratch_;
  std::vector<StagedEvents> staged_;
  uint64_t delivery_id_ = 0;
  Status save_status_;
};

// The event hub behind the built-in endpoint of `context.hub_name`, named "events" in the
// namespace named after the IoT hub. Errors (kLimit, naming the limit) for a partition count
// outside 2-32, retention outside 1-7 days, or more than 20 consumer groups ($Default included).
Result<std::shared_ptr<EventHub>> createBuiltinEventsHub(const EmulatorContext& context,
                                                         const BuiltinEventsConfig& config);

}  // namespace routesim::endpoints::eventhubs
