// An event hub as the Event Hubs service keeps it: partitions of events with sequence numbers
// (from 0 per partition), byte offsets and enqueued times; reads from any EventPosition the SDKs
// define; consumer groups with per-partition reader positions and checkpoints; time-based
// retention. A partition keeps its events encoded back to back in segments (no allocation per
// retained event); reads hand out copies. Thread-safe: each partition has one mutex, taken once
// per append batch and once per read, so one or more writers (endpoints) and any number of
// readers (inspect, tests) may share a hub.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "endpoints/common/emulator_context.h"
#include "endpoints/common/endpoint_message.h"
#include "endpoints/eventhubs/event_position.h"

namespace routesim::endpoints::eventhubs {

inline constexpr uint64_t kNsPerHour = 3600 * kNsPerSecond;
inline constexpr uint64_t kNsPerDay = 24 * kNsPerHour;

// Largest event a publication may carry: 1 MB on Standard and Premium, 256 KB on Basic.
inline constexpr uint32_t kMaxEventBytes = 1048576;
inline constexpr uint32_t kBasicMaxEventBytes = 262144;
// Partitions an EventHub accepts (Dedicated's ceiling); tiers and IoT Hub allow fewer, which the
// configuration readers check.
inline constexpr uint32_t kMaxPartitionCount = 1024;
// The consumer group every event hub has; it cannot be created or deleted.
inline constexpr std::string_view kDefaultConsumerGroup = "$Default";

// One event as stored in a partition. sequence_number, offset and the enqueued times are assigned
// by EventHub::append; the rest is what the sender published.
struct EventData {
  int64_t sequence_number = 0;
  int64_t offset = 0;              // byte position in the partition's log
  uint64_t enqueued_ns = 0;        // the router's clock
  std::string enqueued_time_utc;   // ISO 8601, 7 fractional digits (as IoT Hub writes times)
  std::string partition_key;       // empty: none (the built-in endpoint's events)
  PropertyList properties;         // application properties
  PropertyList system_properties;  // IoT Hub's, under Event Hubs names (iothub-connection-...)
  std::string body;
};

// Bytes an event counts toward the size limit and advances the partition's offset by: body +
// every application and system property's name and value bytes.
size_t eventSize(const EventData& event);

// Event Hubs' entity status values that the emulator acts on (ARM EntityStatus).
enum class EntityStatus : uint8_t { kActive, kDisabled, kSendDisabled, kReceiveDisabled };
std::string_view entityStatusName(EntityStatus status);  // "Active", "Disabled", ...
// Parses a status name, ignoring letter case; nullopt for anything else.
std::optional<EntityStatus> parseEntityStatus(std::string_view name);

struct EventHubConfig {
  std::string name;
  uint32_t partition_count = 4;
  uint64_t retention_ns = kNsPerDay;
  std::vector<std::string> consumer_groups;   // $Default is always present (added when missing)
  std::string status = "Active";              // Active | Disabled | SendDisabled | ReceiveDisabled
  uint32_t max_event_bytes = kMaxEventBytes;  // 256 KB for Basic namespaces
};

// What the SDKs' GetPartitionProperties returns. A partition that never had an event reports
// last_enqueued_sequence_number = -1 and last_enqueued_offset = -1; one whose events all expired
// keeps its last-enqueued values and has beginning_sequence_number = last + 1.
struct PartitionProperties {
  uint32_t id = 0;
  int64_t beginning_sequence_number = 0;
  int64_t last_enqueued_sequence_number = -1;
  int64_t last_enqueued_offset = -1;
  uint64_t last_enqueued_ns = 0;
  std::string last_enqueued_time_utc;  // empty when nothing was ever enqueued
  bool is_empty = true;
  size_t retained_events = 0;
  uint64_t retained_bytes = 0;  // eventSize() summed over the retained events
};

// The persisted state of one partition beyond its events (so that a hub whose events expired
// still continues its sequence numbers and offsets after load).
struct PartitionCursor {
  int64_t next_sequence_number = 0;
  int64_t next_offset = 0;
  int64_t last_offset = -1;  // offset of the last event enqueued, -1 if none
  uint64_t last_enqueued_ns = 0;
  std::string last_enqueued_time_utc;
};

class EventHub {
 public:
  // A hub for `config` (validated: 1..kMaxPartitionCount partitions, a known status, non-empty
  // and unique consumer group names, a non-zero retention). `context` gives enqueued times;
  // `namespace_name` appears in error texts and the on-disk layout.
  static Result<std::shared_ptr<EventHub>> create(EventHubConfig config,
                                                  EmulatorContext context = {},
                                                  std::string namespace_name = {});

  const std::string& name() const { return config_.name; }
  const std::string& namespaceName() const { return namespace_name_; }
  uint32_t partitionCount() const { return config_.partition_count; }
  uint64_t retentionNs() const { return config_.retention_ns; }
  uint32_t maxEventBytes() const { return config_.max_event_bytes; }
  // The configuration it was created with; consumer_groups starts with $Default. Immutable
  // (status() is the current status, config().status the initial one).
  const EventHubConfig& config() const { return config_; }
  const EmulatorContext& context() const { return context_; }
  // "<namespace>:eventhub:<hub>", the entity name Event Hubs' error texts use.
  std::string entityName() const;

  EntityStatus status() const { return status_.load(std::memory_order_acquire); }
  void setStatus(EntityStatus status) { status_.store(status, std::memory_order_release); }
  // OK, or the service's error for a disabled entity ("Messaging entity '<ns>:eventhub:<hub>'
  // is currently disabled for Send operations."). Senders (endpoints) call it; append does not.
  Status checkSend() const;

  // Appends `event` to `partition` and returns it as stored (sequence number, offset, enqueued
  // time assigned; the enqueued time never goes back in a partition). Errors: partition out of
  // range (kInvalidInput), event over maxEventBytes() (kLimit, Event Hubs' text).
  Result<EventData> append(uint32_t partition, EventData event);
  // Appends `events` in order under one lock, moving from them. Stops at the first event that
  // is refused (size): returns how many were appended, with the error if one stopped it.
  struct BatchResult {
    size_t appended = 0;
    std::optional<Error> error;
  };
  BatchResult appendBatch(uint32_t partition, std::span<EventData> events);

  // Up to `max` events from `from` in sequence order (copies). A sequence number past the end
  // of the stream (beyond last + 1) is an error in the service's words; latest, a future time
  // or an offset past the end give no events. Error for a partition out of range.
  Result<std::vector<EventData>> read(uint32_t partition, const EventPosition& from,
                                      size_t max) const;
  Result<PartitionProperties> partitionProperties(uint32_t partition) const;
  // Total retained events over all partitions.
  uint64_t eventCount() const;

  // Consumer groups (names compare ignoring letter case, as Azure's entity names do). An unknown
  // group is an error in Event Hubs' words ("The messaging entity '...|group' could not be
  // found.").
  const std::vector<std::string>& consumerGroups() const { return config_.consumer_groups; }
  bool hasConsumerGroup(std::string_view group) const { return groupIndex(group) >= 0; }
  // The next up to `max` events for `group` on `partition`, from its reader position, which then
  // moves past them. A group starts at the earliest event (the .NET processor's default); after
  // load it starts after its checkpoint. Error when the hub is Disabled or ReceiveDisabled.
  Result<std::vector<EventData>> receive(std::string_view group, uint32_t partition, size_t max);
  // Moves `group`'s reader position on `partition` (resolved at the next receive, as a link
  // opened at that position is).
  Status seek(std::string_view group, uint32_t partition, const EventPosition& position);
  // Records that `group` processed `partition` up to and including `sequence_number`. Error if
  // it is negative or past the last enqueued sequence number (the service's text).
  Status checkpoint(std::string_view group, uint32_t partition, int64_t sequence_number);
  // The last checkpoint, nullopt if none.
  Result<std::optional<int64_t>> checkpointOf(std::string_view group, uint32_t partition) const;

  // Drops, from every partition, the events older than the retention (now - enqueued >
  // retention). Returns how many were dropped.
  size_t expire(uint64_t now_ns);

  // For persistence. forEachEvent calls `fn` on every retained event of `partition` in order
  // while holding the partition's lock (writers wait), and returns the partition's counters and
  // checkpoints (one per consumer group, in consumerGroups() order) as of that moment.
  struct PartitionState {
    PartitionCursor cursor;
    std::vector<std::optional<int64_t>> checkpoints;
    // The first retained event's sequence number (cursor.next_sequence_number when none).
    int64_t first_sequence_number = 0;
    // Changes when restore() replaces the partition's events: sequence numbers seen before then
    // may name other events now.
    uint64_t generation = 0;
  };
  Result<PartitionState> forEachEvent(uint32_t partition,
                                      const std::function<void(const EventData&)>& fn) const;
  // The same for at most `max` retained events from sequence number `from` on (from the first
  // retained one when `from` is older).
  Result<PartitionState> forEachEvent(uint32_t partition, int64_t from, size_t max,
                                      const std::function<void(const EventData&)>& fn) const;

  // For a save that follows a running hub (StreamingSave): copyEvents copies up to `max`
  // retained events from `from` on as they are stored, holding the partition's lock only for
  // a copy of their bytes; forEachCopied decodes the copies without it.
  class CopiedEvents {
   public:
    CopiedEvents();
    ~CopiedEvents();
    CopiedEvents(const CopiedEvents&) = delete;
    CopiedEvents& operator=(const CopiedEvents&) = delete;
    size_t size() const { return places_.size(); }

   private:
    friend class EventHub;
    struct Place {
      int64_t sequence_number;
      int64_t offset;
      uint64_t enqueued_ns;
      size_t block_at;  // in bytes_
      uint32_t block_size;
    };
    std::vector<Place> places_;
    std::string bytes_;  // the events' encoded blocks back to back
  };
  Result<PartitionState> copyEvents(uint32_t partition, int64_t from, size_t max,
                                    CopiedEvents& out) const;
  void forEachCopied(const CopiedEvents& copies,
                     const std::function<void(const EventData&)>& fn) const;
  // For a helper thread beside the appends: gets a segment ready, its pages allocated and
  // touched, for each partition whose current segment is at least half used, so that the next
  // append does not wait for the kernel to find and zero fresh memory (a tenth of a replay).
  // Changes nothing a reader sees; returns how many segments it made ready.
  size_t prepareSegments() const;
  // Replaces a partition's events and state with saved ones (loadEventHub, on a hub nobody else
  // uses yet). Each group's reader then starts after its checkpoint. Errors when the events are
  // not in order or do not fit the counters.
  Status restore(uint32_t partition, const PartitionState& state, std::vector<EventData> events);

  // Use create(); public for std::make_shared.
  EventHub(EventHubConfig config, EmulatorContext context, std::string namespace_name);
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

 private:
  struct StoredEvent;
  struct Partition;
  // The last enqueued time formatted while decoding (consecutive events often share one).
  struct TimeText {
    uint64_t ns = 0;
    std::string text;
  };
  // Fills `out` with `stored` as it was published and placed.
  static void decode(const StoredEvent& stored, const EmulatorContext& context, TimeText& time,
                     EventData& out);
  // The same from the place's fields and the published block.
  static void decode(int64_t sequence_number, int64_t offset, uint64_t enqueued_ns,
                     std::string_view published, const EmulatorContext& context, TimeText& time,
                     EventData& out);
  int groupIndex(std::string_view group) const;
  Error groupNotFound(std::string_view group) const;
  Error partitionOutOfRange() const;
  // Stores `published` (eventSize() `size`) at the end of `p` and gives it its place (sequence
  // number, offset, enqueued time). p.mu held.
  void appendLocked(Partition& p, const EventData& published, size_t size, uint64_t now_ns);

  EventHubConfig config_;
  EmulatorContext context_;
  std::string namespace_name_;
  std::atomic<EntityStatus> status_{EntityStatus::kActive};
  std::vector<std::unique_ptr<Partition>> partitions_;
};

// The Event Hubs text for an event over the limit: "The received message (delivery-id:<id>,
// size:<size> bytes) exceeds the limit (<limit> bytes) currently allowed on the link."
std::string messageSizeExceededText(uint64_t delivery_id, size_t size, size_t limit);

}  // namespace routesim::endpoints::eventhubs
