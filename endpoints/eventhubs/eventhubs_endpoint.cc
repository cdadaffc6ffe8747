#include "endpoints/eventhubs/eventhubs_endpoint.h"

#include <cstdlib>
#include <utility>

#include "endpoints/common/endpoint_message.h"
#include "endpoints/eventhubs/persistence.h"

namespace routesim::endpoints::eventhubs {
namespace {

constexpr uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

// Bob Jenkins' lookup3 (public domain), hashlittle2 read byte by byte: the same result on every
// host byte order. Returns c and b, the primary and secondary hashes.
std::pair<uint32_t, uint32_t> lookup3(std::string_view key, uint32_t seed1, uint32_t seed2) {
  auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(key[i])); };
  auto word = [&](size_t i) {
    return byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) << 24);
  };
  uint32_t a = 0xdeadbeefu + static_cast<uint32_t>(key.size()) + seed1;
  uint32_t b = a;
  uint32_t c = a + seed2;
  size_t i = 0;
  size_t left = key.size();
  while (left > 12) {
    a += word(i);
    b += word(i + 4);
    c += word(i + 8);
    a -= c;
    a ^= rotl(c, 4);
    c += b;
    b -= a;
    b ^= rotl(a, 6);
    a += c;
    c -= b;
    c ^= rotl(b, 8);
    b += a;
    a -= c;
    a ^= rotl(c, 16);
    c += b;
    b -= a;
    b ^= rotl(a, 19);
    a += c;
    c -= b;
    c ^= rotl(b, 4);
    b += a;
    i += 12;
    left -= 12;
  }
  if (left == 0) return {c, b};
  // The last 1..12 bytes, little-endian into a, b, c.
  for (size_t j = 0; j < left; ++j) {
    uint32_t v = byte(i + j) << (8 * (j % 4));
    if (j < 4) {
      a += v;
    } else if (j < 8) {
      b += v;
    } else {
      c += v;
    }
  }
  c ^= b;
  c -= rotl(b, 14);
  a ^= c;
  a -= rotl(c, 11);
  b ^= a;
  b -= rotl(a, 25);
  c ^= b;
  c -= rotl(b, 16);
  a ^= c;
  a -= rotl(c, 4);
  b ^= a;
  b -= rotl(a, 14);
  c ^= b;
  c -= rotl(b, 24);
  return {c, b};
}

// Shared by both endpoints: converts the batch, stops at the first event that cannot be
// delivered, then appends what was accepted, one lock per partition. `partition_of` gives a
// message's partition, or false with a detail when it has none. Events are staged in objects
// kept across batches (their strings keep their storage).
template <typename PartitionOf>
router::DeliveryReport deliverBatch(EventHub& hub, std::span<const router::OutboundMessage> batch,
                                    routing::EndpointKind kind, query::EvalScratch& scratch,
                                    std::vector<StagedEvents>& staged, uint64_t& delivery_id,
                                    PartitionOf partition_of) {
  router::DeliveryReport report;
  if (Status s = hub.checkSend(); !s.ok()) {
    report.failure = router::DeliveryFailure::kEndpointExternallyDisabled;
    report.detail = s.error().message();
    return report;
  }
  staged.resize(hub.partitionCount());
  const bool keyed = kind == routing::EndpointKind::kEventHubs;
  size_t accepted = 0;
  for (; accepted < batch.size(); ++accepted) {
    const router::OutboundMessage& out = batch[accepted];
    uint32_t partition = 0;
    if (!partition_of(out, partition, report.detail)) {
      report.failure = router::DeliveryFailure::kInternalError;
      break;
    }
    StagedEvents& into = staged[partition];
    if (into.used == into.events.size()) into.events.emplace_back();
    EventData& e = into.events[into.used];
    if (keyed) {
      e.partition_key.assign(out.message->device_id);
    } else {
      e.partition_key.clear();
    }
    assignEndpointProperties(out, kind, scratch, e.properties, e.system_properties);
    e.body.assign(out.message->body.view());
    size_t size = eventSize(e);
    if (size > hub.maxEventBytes()) {
      report.failure = router::DeliveryFailure::kMaxMessageSizeExceeded;
      report.detail = messageSizeExceededText(delivery_id, size, hub.maxEventBytes());
      break;
    }
    ++delivery_id;
    ++into.used;
  }
  size_t appended = 0;
  for (uint32_t p = 0; p < staged.size(); ++p) {
    StagedEvents& from = staged[p];
    if (from.used == 0) continue;
    EventHub::BatchResult r = hub.appendBatch(p, std::span(from.events).first(from.used));
    appended += r.appended;
    if (r.error && report.failure == router::DeliveryFailure::kNone) {
      // Not reachable: sizes and partitions were checked above.
      report.failure = router::DeliveryFailure::kInternalError;
      report.detail = r.error->message();
    }
    from.used = 0;
  }
  report.delivered = appended < accepted ? appended : accepted;
  return report;
}

}  // namespace

int16_t partitionKeyHash(std::string_view partition_key) {
  auto [c, b] = lookup3(partition_key, 0, 0);
  return static_cast<int16_t>(static_cast<uint16_t>(c ^ b));
}

uint32_t partitionForKey(std::string_view partition_key, uint32_t partition_count) {
  if (partition_count <= 1) return 0;
  int h = partitionKeyHash(partition_key);
  return static_cast<uint32_t>(std::abs(h % static_cast<int>(partition_count)));
}

// ---------------------------------------------------------------------------------------------

EventHubsEndpoint::EventHubsEndpoint(const EmulatorContext& context, std::shared_ptr<EventHub> hub)
    : context_(context), hub_(std::move(hub)) {}

router::DeliveryReport EventHubsEndpoint::deliver(std::span<const router::OutboundMessage> batch) {
  const uint32_t partitions = hub_->partitionCount();
  return deliverBatch(
      *hub_, batch, routing::EndpointKind::kEventHubs, scratch_, staged_, delivery_id_,
      [partitions](const router::OutboundMessage& out, uint32_t& partition, std::string&) {
        partition = partitionForKey(out.message->device_id, partitions);
        return true;
      });
}

void EventHubsEndpoint::tick(uint64_t now_ns) { hub_->expire(now_ns); }

void EventHubsEndpoint::flush(uint64_t now_ns) {
  hub_->expire(now_ns);
  if (!context_.save_on_flush) return;
  save_status_ =
      saveEventHub(*hub_, eventHubDir(context_.out_dir, hub_->namespaceName(), hub_->name()));
}

BuiltinEventsEndpoint::BuiltinEventsEndpoint(const EmulatorContext& context,
                                             std::shared_ptr<EventHub> hub)
    : context_(context), hub_(std::move(hub)) {}

router::DeliveryReport BuiltinEventsEndpoint::deliver(
    std::span<const router::OutboundMessage> batch) {
  const uint32_t partitions = hub_->partitionCount();
  return deliverBatch(
      *hub_, batch, routing::EndpointKind::kBuiltIn, scratch_, staged_, delivery_id_,
      [partitions](const router::OutboundMessage& out, uint32_t& partition, std::string& detail) {
        if (out.partition >= partitions) {
          detail = "partition " + std::to_string(out.partition) +
                   " is out of range: the built-in endpoint has " + std::to_string(partitions) +
                   " partitions";
          return false;
        }
        partition = out.partition;
        return true;
      });
}

void BuiltinEventsEndpoint::tick(uint64_t now_ns) { hub_->expire(now_ns); }

void BuiltinEventsEndpoint::flush(uint64_t now_ns) {
  hub_->expire(now_ns);
  if (!context_.save_on_flush) return;
  save_status_ = saveEventHub(*hub_, builtinEventsDir(context_.out_dir, context_.hub_name));
}

// ---------------------------------------------------------------------------------------------

Result<std::shared_ptr<EventHub>> createBuiltinEventsHub(const EmulatorContext& context,
                                                         const BuiltinEventsConfig& config) {
  if (config.partition_count < kBuiltinMinPartitions ||
      config.partition_count > kBuiltinMaxPartitions) {
    return Error(ErrorCode::kLimit, "the built-in endpoint's partition count must be between " +
                                        std::to_string(kBuiltinMinPartitions) + " and " +
                                        std::to_string(kBuiltinMaxPartitions) + ", found " +
                                        std::to_string(config.partition_count));
  }
  if (config.retention_days < 1 || config.retention_days > kBuiltinMaxRetentionDays) {
    return Error(ErrorCode::kLimit, "the built-in endpoint's retention must be between 1 and " +
                                        std::to_string(kBuiltinMaxRetentionDays) + " days, found " +
                                        std::to_string(config.retention_days));
  }
  EventHubConfig hub;
  hub.name = "events";
  hub.partition_count = config.partition_count;
  hub.retention_ns = config.retention_days * kNsPerDay;
  hub.consumer_groups = config.consumer_groups;
  ROUTESIM_ASSIGN_OR_RETURN(auto created,
                            EventHub::create(std::move(hub), context, context.hub_name));
  if (created->consumerGroups().size() > kBuiltinMaxConsumerGroups) {
    return Error(ErrorCode::kLimit, "the built-in endpoint allows " +
                                        std::to_string(kBuiltinMaxConsumerGroups) +
                                        " consumer groups ($Default included), found " +
                                        std::to_string(created->consumerGroups().size()));
  }
  return created;
}

}  // namespace routesim::endpoints::eventhubs
