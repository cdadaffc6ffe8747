#include "endpoints/eventhubs/event_hub.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <new>
#include <utility>

#include "core/common/duration.h"
#include "core/common/utf.h"
#include "core/message/stamp.h"

namespace routesim::endpoints::eventhubs {

namespace {

constexpr std::array<std::string_view, 4> kStatusNames = {"Active", "Disabled", "SendDisabled",
                                                          "ReceiveDisabled"};

size_t propertyBytes(const PropertyList& list) {
  size_t n = 0;
  for (const auto& [name, value] : list) n += name.size() + (value ? value->size() : 0);
  return n;
}

Error invalidSequenceNumber(int64_t supplied, int64_t last) {
  return Error(ErrorCode::kInvalidInput, "The supplied sequence number '" +
                                             std::to_string(supplied) +
                                             "' is invalid. The last sequence number in the "
                                             "system is '" +
                                             std::to_string(last) + "'.");
}

// What a sender published (partition key, properties, body) encoded as one block, compactly:
// a replay keeps hundreds of thousands of events, and every byte stored is a byte of memory the
// kernel first has to zero. Numbers are unsigned LEB128 varints (1 byte below 128). A string is
// its length and its bytes. A property name is tagged: tag = 2 * index + 1 for the index-th
// name of kKnownNames (IoT Hub's system properties as Event Hubs receives them; exact case),
// otherwise tag = 2 * length followed by the bytes. A property value is 0 when missing, else
// length + 1 and the bytes. A property list is its count and its pairs.
constexpr std::array<std::string_view, 13> kKnownNames = {
    "message-id",
    "user-id",
    "correlation-id",
    "content-type",
    "content-encoding",
    "iothub-connection-device-id",
    "iothub-connection-module-id",
    "iothub-connection-auth-generation-id",
    "iothub-connection-auth-method",
    "iothub-enqueuedtime",
    "iothub-message-source",
    "dt-subject",
    "dt-dataschema",
};

// The index of `name` in kKnownNames, or -1. Checked by length first: most lengths differ.
int knownName(std::string_view name) {
  for (size_t i = 0; i < kKnownNames.size(); ++i) {
    if (kKnownNames[i].size() == name.size() && kKnownNames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

size_t varintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* putVarint(char* out, uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

char* putBytes(char* out, std::string_view s) {
  if (!s.empty()) std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

size_t nameSize(std::string_view name) {
  return knownName(name) >= 0 ? 1 : varintSize(2 * name.size()) + name.size();
}

char* putName(char* out, std::string_view name) {
  if (int k = knownName(name); k >= 0) return putVarint(out, 2 * static_cast<uint64_t>(k) + 1);
  return putBytes(putVarint(out, 2 * name.size()), name);
}

size_t encodedSize(const PropertyList& list) {
  size_t n = varintSize(list.size());
  for (const auto& [name, value] : list) {
    n += nameSize(name) + (value ? varintSize(value->size() + 1) + value->size() : 1);
  }
  return n;
}

char* putProperties(char* out, const PropertyList& list) {
  out = putVarint(out, list.size());
  for (const auto& [name, value] : list) {
    out = putName(out, name);
    out = value ? putBytes(putVarint(out, value->size() + 1), *value) : putVarint(out, 0);
  }
  return out;
}

size_t encodedSize(const EventData& e) {
  return varintSize(e.partition_key.size()) + e.partition_key.size() + encodedSize(e.properties) +
         encodedSize(e.system_properties) + varintSize(e.body.size()) + e.body.size();
}

// Writes exactly encodedSize(e) bytes at `out`.
void encodePublished(const EventData& e, char* out) {
  out = putBytes(putVarint(out, e.partition_key.size()), e.partition_key);
  out = putProperties(out, e.properties);
  out = putProperties(out, e.system_properties);
  putBytes(putVarint(out, e.body.size()), e.body);
}

// Reads a block encodePublished wrote (only this file writes them: a malformed block is a bug).
class PublishedReader {
 public:
  explicit PublishedReader(std::string_view block) : block_(block) {}

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      assert(at_ < block_.size());
      auto byte = static_cast<uint8_t>(block_[at_++]);
      v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return v;
    }
  }
  void string(std::string& out) { out.assign(bytes(varint())); }
  void properties(PropertyList& out) {
    out.resize(varint());
    for (auto& [name, value] : out) {
      const uint64_t tag = varint();
      if (tag & 1) {
        assert((tag >> 1) < kKnownNames.size());
        name.assign(kKnownNames[tag >> 1]);
      } else {
        name.assign(bytes(tag >> 1));
      }
      const uint64_t n = varint();
      if (n == 0) {
        value.reset();
      } else if (value) {
        value->assign(bytes(n - 1));  // keeps the capacity of a reused EventData
      } else {
        value.emplace(bytes(n - 1));
      }
    }
  }
  bool done() const { return at_ == block_.size(); }

 private:
  std::string_view bytes(uint64_t n) {
    assert(at_ + n <= block_.size());
    std::string_view s = block_.substr(at_, n);
    at_ += n;
    return s;
  }

  std::string_view block_;
  size_t at_ = 0;
};

}  // namespace

size_t eventSize(const EventData& event) {
  return event.body.size() + propertyBytes(event.properties) +
         propertyBytes(event.system_properties);
}

std::string_view entityStatusName(EntityStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}

std::optional<EntityStatus> parseEntityStatus(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (utf::equalsIgnoreCase(kStatusNames[i], name)) return static_cast<EntityStatus>(i);
  }
  return std::nullopt;
}

std::string messageSizeExceededText(uint64_t delivery_id, size_t size, size_t limit) {
  return "The received message (delivery-id:" + std::to_string(delivery_id) +
         ", size:" + std::to_string(size) + " bytes) exceeds the limit (" + std::to_string(limit) +
         " bytes) currently allowed on the link.";
}

// ---------------------------------------------------------------------------------------------
// Partitions

// An event as a partition keeps it: its place in the log, and what was published, encoded
// (encodePublished) in one of the partition's segments. The enqueued time's text is made again
// from enqueued_ns when the event is read.
struct EventHub::StoredEvent {
  int64_t sequence_number = 0;
  int64_t offset = 0;
  uint64_t enqueued_ns = 0;
  uint32_t size = 0;        // eventSize()
  uint32_t block_size = 0;  // encodedSize()
  uint64_t segment = 0;     // the number of the segment holding the block
  const char* block = nullptr;

  std::string_view published() const { return {block, block_size}; }
};

namespace {

// A segment's bytes. Full-size segments (a multiple of 2 MiB) are 2 MiB aligned and marked for
// transparent huge pages: a replay stores hundreds of MB of events, and one page fault per
// 2 MiB instead of per 4 KiB is most of what storing them costs the kernel.
struct FreeBytes {
  void operator()(char* p) const { std::free(p); }
};
using SegmentBytes = std::unique_ptr<char[], FreeBytes>;
constexpr size_t kHugePageBytes = size_t{2} << 20;

SegmentBytes allocateSegment(size_t capacity) {
  char* p = nullptr;
  if (capacity % kHugePageBytes == 0) {
    p = static_cast<char*>(std::aligned_alloc(kHugePageBytes, capacity));
#ifdef MADV_HUGEPAGE
    if (p != nullptr) (void)::madvise(p, capacity, MADV_HUGEPAGE);  // advice: may be refused
#endif
  } else {
    p = static_cast<char*>(std::malloc(capacity));
  }
  if (p == nullptr) throw std::bad_alloc();
  return SegmentBytes(p);
}

// For arrays that grow large: 2 MiB or more is taken in whole huge pages (allocateSegment), so
// a vector of hundreds of thousands of entries growing faults once per 2 MiB, not per 4 KiB.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  explicit HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    // n * sizeof(T), rounded up to whole huge pages below, must not wrap.
    if (n > (std::numeric_limits<size_t>::max() - kHugePageBytes) / sizeof(T)) {
      throw std::bad_array_new_length();
    }
    size_t bytes = n * sizeof(T);
    if (bytes >= kHugePageBytes) {
      bytes = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    }
    return reinterpret_cast<T*>(allocateSegment(bytes).release());
  }
  void deallocate(T* p, size_t) { std::free(p); }
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }
};

// A FIFO in one vector: popping from the front moves a start index, and the popped prefix is
// let go of once it is at least half of the vector. std::deque allocates a block per 512 bytes
// (ten events); a replay appends hundreds of thousands.
template <typename T>
class FifoVector {
 public:
  using Items = std::vector<T, HugePageAllocator<T>>;
  using iterator = typename Items::iterator;
  using const_iterator = typename Items::const_iterator;

  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  T& operator[](size_t i) { return items_[head_ + i]; }
  const T& operator[](size_t i) const { return items_[head_ + i]; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& back() { return items_.back(); }
  const T& back() const { return items_.back(); }
  iterator begin() { return items_.begin() + static_cast<ptrdiff_t>(head_); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin() + static_cast<ptrdiff_t>(head_); }
  const_iterator end() const { return items_.end(); }

  T& emplace_back() { return items_.emplace_back(); }
  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      clear();
    } else if (head_ >= 1024 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  Items items_;
  size_t head_ = 0;
};

}  // namespace

struct EventHub::Partition {
  // A consumer group's reader on this partition. `position` is where the next receive starts;
  // after a receive it is "after the last event returned".
  struct Reader {
    EventPosition position = EventPosition::earliest();
    std::optional<int64_t> checkpoint;
  };

  // Encoded events back to back. A retained event costs no allocation of its own: segments grow
  // from kFirstSegmentBytes to kMaxSegmentBytes and one is freed when its last event expires.
  struct Segment {
    SegmentBytes bytes;
    size_t capacity = 0;
    size_t used = 0;
  };
  static constexpr size_t kFirstSegmentBytes = size_t{4} << 10;
  static constexpr size_t kMaxSegmentBytes = kHugePageBytes;

  mutable std::mutex mu;
  FifoVector<StoredEvent> events;  // sequence numbers contiguous, offsets and times increasing
  std::deque<Segment> segments;
  Segment spare;               // of next_segment_bytes, made ready by prepareSegments()
  uint64_t first_segment = 0;  // the number of segments.front()
  size_t next_segment_bytes = kFirstSegmentBytes;
  uint64_t retained_bytes = 0;
  uint64_t generation = 0;  // PartitionState::generation
  PartitionCursor cursor;
  std::vector<Reader> readers;  // one per consumer group, in config order
  // The last enqueued time formatted (a batch's events share one).
  uint64_t formatted_ns = std::numeric_limits<uint64_t>::max();
  std::string formatted_utc;

  // Stores `event` (eventSize() `size`) at the end of the log, its place still to be given.
  StoredEvent& store(const EventData& event, size_t size) {
    const size_t n = encodedSize(event);
    if (segments.empty() || segments.back().capacity - segments.back().used < n) {
      const size_t capacity = std::max(n, next_segment_bytes);
      next_segment_bytes = std::min(kMaxSegmentBytes, next_segment_bytes * 2);
      if (spare.bytes && spare.capacity >= capacity) {
        segments.push_back(std::move(spare));
      } else {
        segments.push_back({allocateSegment(capacity), capacity, 0});
      }
      spare = {};  // used, or too small for this event: the next one is made for the next size
    }
    Segment& s = segments.back();
    char* block = s.bytes.get() + s.used;
    encodePublished(event, block);
    s.used += n;
    StoredEvent& stored = events.emplace_back();
    stored.size = static_cast<uint32_t>(size);
    stored.block_size = static_cast<uint32_t>(n);
    stored.segment = first_segment + segments.size() - 1;
    stored.block = block;
    return stored;
  }

  // The size of the next segment when it is wanted soon (the current one is half used) and
  // not made ready yet, else 0. mu held.
  size_t spareWanted() const {
    const bool soon = !segments.empty() && segments.back().used * 2 >= segments.back().capacity;
    return soon && !spare.bytes ? next_segment_bytes : 0;
  }

  // Drops the first retained event, and the segments no retained event is in any more.
  void dropFirst() {
    retained_bytes -= events.front().size;
    events.pop_front();
    const uint64_t keep_from =
        events.empty() ? first_segment + segments.size() : events.front().segment;
    while (first_segment < keep_from) {
      segments.pop_front();
      ++first_segment;
    }
  }

  // Its counters, checkpoints, first sequence number and generation. mu held.
  PartitionState state() const {
    PartitionState s;
    s.cursor = cursor;
    s.first_sequence_number = firstSequenceNumber();
    s.generation = generation;
    s.checkpoints.reserve(readers.size());
    for (const Reader& r : readers) s.checkpoints.push_back(r.checkpoint);
    return s;
  }

  // The indexes in `events` of up to `max` events from sequence number `from` on (from the
  // first retained one when `from` is older): [first, last). mu held.
  std::pair<size_t, size_t> indexesFrom(int64_t from, size_t max) const {
    const int64_t first = firstSequenceNumber();
    const size_t start = from <= first ? 0 : static_cast<size_t>(from - first);
    if (start >= events.size()) return {events.size(), events.size()};
    return {start, start + std::min(max, events.size() - start)};
  }

  int64_t firstSequenceNumber() const {
    return events.empty() ? cursor.next_sequence_number : events.front().sequence_number;
  }

  // Index in `events` of the first event at `from`, events.size() when there is none yet.
  Result<size_t> startIndex(const EventPosition& from) const {
    switch (from.kind()) {
      case EventPosition::Kind::kEarliest:
        return size_t{0};
      case EventPosition::Kind::kLatest:
        return events.size();
      case EventPosition::Kind::kSequenceNumber: {
        // The first sequence number wanted may be the next one (nothing yet), not beyond it.
        const int64_t v = from.value();
        const int64_t next = cursor.next_sequence_number;
        if (v > next || (!from.inclusive() && v == next)) {
          return invalidSequenceNumber(v, next - 1);
        }
        const int64_t target = from.inclusive() ? v : v + 1;
        const int64_t first = firstSequenceNumber();
        return target <= first ? size_t{0} : static_cast<size_t>(target - first);
      }
      case EventPosition::Kind::kOffset: {
        auto it = from.inclusive()
                      ? std::partition_point(
                            events.begin(), events.end(),
                            [&](const StoredEvent& e) { return e.offset < from.value(); })
                      : std::partition_point(
                            events.begin(), events.end(),
                            [&](const StoredEvent& e) { return e.offset <= from.value(); });
        return static_cast<size_t>(it - events.begin());
      }
      case EventPosition::Kind::kEnqueuedTime: {
        auto t = static_cast<uint64_t>(from.value());
        auto it = std::partition_point(events.begin(), events.end(),
                                       [&](const StoredEvent& e) { return e.enqueued_ns < t; });
        return static_cast<size_t>(it - events.begin());
      }
    }
    return size_t{0};
  }

  std::vector<EventData> copy(size_t start, size_t max, const EmulatorContext& context) const {
    std::vector<EventData> out;
    if (start >= events.size()) return out;
    size_t n = std::min(max, events.size() - start);
    out.resize(n);
    TimeText time;
    for (size_t i = 0; i < n; ++i) decode(events[start + i], context, time, out[i]);
    return out;
  }
};

void EventHub::decode(const StoredEvent& stored, const EmulatorContext& context, TimeText& time,
                      EventData& out) {
  decode(stored.sequence_number, stored.offset, stored.enqueued_ns, stored.published(), context,
         time, out);
}

void EventHub::decode(int64_t sequence_number, int64_t offset, uint64_t enqueued_ns,
                      std::string_view published, const EmulatorContext& context, TimeText& time,
                      EventData& out) {
  out.sequence_number = sequence_number;
  out.offset = offset;
  out.enqueued_ns = enqueued_ns;
  if (enqueued_ns != time.ns || time.text.empty()) {
    time.ns = enqueued_ns;
    time.text = message::formatIotHubTime(context.utc(enqueued_ns));
  }
  out.enqueued_time_utc = time.text;
  PublishedReader r(published);
  r.string(out.partition_key);
  r.properties(out.properties);
  r.properties(out.system_properties);
  r.string(out.body);
  assert(r.done());
}

Result<std::shared_ptr<EventHub>> EventHub::create(EventHubConfig config, EmulatorContext context,
                                                   std::string namespace_name) {
  if (config.partition_count < 1 || config.partition_count > kMaxPartitionCount) {
    return Error(ErrorCode::kInvalidInput, "event hub '" + config.name +
                                               "': partition count must be between 1 and " +
                                               std::to_string(kMaxPartitionCount) + ", found " +
                                               std::to_string(config.partition_count));
  }
  if (config.retention_ns == 0) {
    return Error(ErrorCode::kInvalidInput,
                 "event hub '" + config.name + "': the retention must be positive");
  }
  if (config.max_event_bytes == 0) {
    return Error(ErrorCode::kInvalidInput,
                 "event hub '" + config.name + "': the maximum event size must be positive");
  }
  if (!parseEntityStatus(config.status)) {
    return Error(ErrorCode::kInvalidInput,
                 "event hub '" + config.name + "': unknown status '" + config.status +
                     "'; expected Active, Disabled, SendDisabled or ReceiveDisabled");
  }
  std::vector<std::string> groups = {std::string(kDefaultConsumerGroup)};
  for (std::string& g : config.consumer_groups) {
    if (g.empty()) {
      return Error(ErrorCode::kInvalidInput,
                   "event hub '" + config.name + "': a consumer group name is empty");
    }
    bool seen = false;
    for (const std::string& have : groups) seen = seen || utf::equalsIgnoreCase(have, g);
    if (seen && !utf::equalsIgnoreCase(g, kDefaultConsumerGroup)) {
      return Error(ErrorCode::kInvalidInput,
                   "event hub '" + config.name + "': consumer group '" + g + "' is declared twice");
    }
    if (!seen) groups.push_back(std::move(g));
  }
  config.consumer_groups = std::move(groups);
  return std::make_shared<EventHub>(std::move(config), std::move(context),
                                    std::move(namespace_name));
}

EventHub::EventHub(EventHubConfig config, EmulatorContext context, std::string namespace_name)
    : config_(std::move(config)),
      context_(std::move(context)),
      namespace_name_(std::move(namespace_name)) {
  status_.store(parseEntityStatus(config_.status).value_or(EntityStatus::kActive));
  partitions_.reserve(config_.partition_count);
  for (uint32_t i = 0; i < config_.partition_count; ++i) {
    auto p = std::make_unique<Partition>();
    p->readers.resize(config_.consumer_groups.size());
    partitions_.push_back(std::move(p));
  }
}

std::string EventHub::entityName() const { return namespace_name_ + ":eventhub:" + config_.name; }

Status EventHub::checkSend() const {
  switch (status()) {
    case EntityStatus::kDisabled:
      return Error(ErrorCode::kInvalidInput,
                   "Messaging entity '" + entityName() + "' is currently disabled.");
    case EntityStatus::kSendDisabled:
      return Error(ErrorCode::kInvalidInput, "Messaging entity '" + entityName() +
                                                 "' is currently disabled for Send operations.");
    case EntityStatus::kActive:
    case EntityStatus::kReceiveDisabled:
      break;
  }
  return {};
}

Error EventHub::partitionOutOfRange() const {
  return Error(ErrorCode::kInvalidInput,
               "The specified partition is invalid for an EventHub partition sender or receiver. "
               "It should be between 0 and " +
                   std::to_string(config_.partition_count - 1) + ".");
}

int EventHub::groupIndex(std::string_view group) const {
  for (size_t i = 0; i < config_.consumer_groups.size(); ++i) {
    if (utf::equalsIgnoreCase(config_.consumer_groups[i], group)) return static_cast<int>(i);
  }
  return -1;
}

Error EventHub::groupNotFound(std::string_view group) const {
  return Error(ErrorCode::kInvalidInput, "The messaging entity '" + entityName() + "|" +
                                             std::string(group) +
                                             "' could not be found. To know more visit "
                                             "https://aka.ms/sbResourceMgrExceptions.");
}

// ---------------------------------------------------------------------------------------------
// Writing

void EventHub::appendLocked(Partition& p, const EventData& published, size_t size,
                            uint64_t now_ns) {
  StoredEvent& event = p.store(published, size);
  PartitionCursor& c = p.cursor;
  uint64_t t = std::max(now_ns, c.last_enqueued_ns);
  if (t != p.formatted_ns) {
    p.formatted_ns = t;
    char text[kUtcTicksLength];
    const auto since_epoch = context_.utc(t).time_since_epoch();
    p.formatted_utc.assign(formatUtcTicks(
        std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count(), text));
    c.last_enqueued_time_utc = p.formatted_utc;
  } else if (t != c.last_enqueued_ns) {
    c.last_enqueued_time_utc = p.formatted_utc;
  }  // else: an append at this time set it already (restore() forgets formatted_ns)
  event.sequence_number = c.next_sequence_number++;
  event.offset = c.next_offset;
  event.enqueued_ns = t;
  c.last_offset = c.next_offset;
  c.next_offset += event.size;
  c.last_enqueued_ns = t;
  p.retained_bytes += event.size;
}

Result<EventData> EventHub::append(uint32_t partition, EventData event) {
  if (partition >= partitions_.size()) return partitionOutOfRange();
  size_t size = eventSize(event);
  if (size > config_.max_event_bytes) {
    return Error(ErrorCode::kLimit, messageSizeExceededText(0, size, config_.max_event_bytes));
  }
  uint64_t now = context_.now();
  Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  appendLocked(p, event, size, now);
  const StoredEvent& placed = p.events.back();
  event.sequence_number = placed.sequence_number;
  event.offset = placed.offset;
  event.enqueued_ns = placed.enqueued_ns;
  event.enqueued_time_utc = p.formatted_utc;
  return event;
}

EventHub::BatchResult EventHub::appendBatch(uint32_t partition, std::span<EventData> events) {
  BatchResult r;
  if (events.empty()) return r;
  if (partition >= partitions_.size()) {
    r.error = partitionOutOfRange();
    return r;
  }
  uint64_t now = context_.now();
  Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  for (const EventData& e : events) {
    size_t size = eventSize(e);
    if (size > config_.max_event_bytes) {
      r.error = Error(ErrorCode::kLimit,
                      messageSizeExceededText(r.appended, size, config_.max_event_bytes));
      break;
    }
    appendLocked(p, e, size, now);
    ++r.appended;
  }
  return r;
}

size_t EventHub::expire(uint64_t now_ns) {
  size_t dropped = 0;
  for (auto& part : partitions_) {
    Partition& p = *part;
    std::lock_guard lock(p.mu);
    while (!p.events.empty()) {
      const StoredEvent& e = p.events.front();
      if (now_ns <= e.enqueued_ns || now_ns - e.enqueued_ns <= config_.retention_ns) break;
      p.dropFirst();
      ++dropped;
    }
  }
  return dropped;
}

// ---------------------------------------------------------------------------------------------
// Reading

Result<std::vector<EventData>> EventHub::read(uint32_t partition, const EventPosition& from,
                                              size_t max) const {
  if (partition >= partitions_.size()) return partitionOutOfRange();
  const Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  ROUTESIM_ASSIGN_OR_RETURN(size_t start, p.startIndex(from));
  return p.copy(start, max, context_);
}

Result<PartitionProperties> EventHub::partitionProperties(uint32_t partition) const {
  if (partition >= partitions_.size()) return partitionOutOfRange();
  const Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  PartitionProperties props;
  props.id = partition;
  props.beginning_sequence_number = p.firstSequenceNumber();
  props.last_enqueued_sequence_number = p.cursor.next_sequence_number - 1;
  props.last_enqueued_offset = p.cursor.last_offset;
  props.last_enqueued_ns = p.cursor.last_enqueued_ns;
  props.last_enqueued_time_utc = p.cursor.last_enqueued_time_utc;
  props.is_empty = p.events.empty();
  props.retained_events = p.events.size();
  props.retained_bytes = p.retained_bytes;
  return props;
}

size_t EventHub::prepareSegments() const {
  constexpr size_t kPageBytes = 4096;
  size_t made = 0;
  for (const auto& p : partitions_) {
    size_t capacity = 0;
    {
      std::lock_guard lock(p->mu);
      capacity = p->spareWanted();
    }
    if (capacity == 0) continue;
    // Allocated and first touched without the lock: that is the slow part.
    SegmentBytes bytes = allocateSegment(capacity);
    for (size_t at = 0; at < capacity; at += kPageBytes) bytes.get()[at] = 0;
    std::lock_guard lock(p->mu);
    if (p->spareWanted() == capacity) {
      p->spare = {std::move(bytes), capacity, 0};
      ++made;
    }
  }
  return made;
}

uint64_t EventHub::eventCount() const {
  uint64_t n = 0;
  for (const auto& p : partitions_) {
    std::lock_guard lock(p->mu);
    n += p->events.size();
  }
  return n;
}

Result<std::vector<EventData>> EventHub::receive(std::string_view group, uint32_t partition,
                                                 size_t max) {
  int g = groupIndex(group);
  if (g < 0) return groupNotFound(group);
  if (partition >= partitions_.size()) return partitionOutOfRange();
  switch (status()) {
    case EntityStatus::kDisabled:
      return Error(ErrorCode::kInvalidInput,
                   "Messaging entity '" + entityName() + "' is currently disabled.");
    case EntityStatus::kReceiveDisabled:
      return Error(ErrorCode::kInvalidInput, "Messaging entity '" + entityName() +
                                                 "' is currently disabled for Receive operations.");
    case EntityStatus::kActive:
    case EntityStatus::kSendDisabled:
      break;
  }
  Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  Partition::Reader& reader = p.readers[static_cast<size_t>(g)];
  ROUTESIM_ASSIGN_OR_RETURN(size_t start, p.startIndex(reader.position));
  std::vector<EventData> out = p.copy(start, max, context_);
  if (!out.empty()) {
    reader.position = EventPosition::fromSequenceNumber(out.back().sequence_number, false);
  } else if (reader.position.kind() == EventPosition::Kind::kLatest) {
    // "Latest" is where the stream ends when reading begins.
    reader.position = EventPosition::fromSequenceNumber(p.cursor.next_sequence_number, true);
  }
  return out;
}

Status EventHub::seek(std::string_view group, uint32_t partition, const EventPosition& position) {
  int g = groupIndex(group);
  if (g < 0) return groupNotFound(group);
  if (partition >= partitions_.size()) return partitionOutOfRange();
  Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  p.readers[static_cast<size_t>(g)].position = position;
  return {};
}

Status EventHub::checkpoint(std::string_view group, uint32_t partition, int64_t sequence_number) {
  int g = groupIndex(group);
  if (g < 0) return groupNotFound(group);
  if (partition >= partitions_.size()) return partitionOutOfRange();
  Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  int64_t last = p.cursor.next_sequence_number - 1;
  if (sequence_number < 0 || sequence_number > last) {
    return invalidSequenceNumber(sequence_number, last);
  }
  p.readers[static_cast<size_t>(g)].checkpoint = sequence_number;
  return {};
}

Result<std::optional<int64_t>> EventHub::checkpointOf(std::string_view group,
                                                      uint32_t partition) const {
  int g = groupIndex(group);
  if (g < 0) return groupNotFound(group);
  if (partition >= partitions_.size()) return partitionOutOfRange();
  const Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  return p.readers[static_cast<size_t>(g)].checkpoint;
}

// ---------------------------------------------------------------------------------------------
// Persistence support

Result<EventHub::PartitionState> EventHub::forEachEvent(
    uint32_t partition, const std::function<void(const EventData&)>& fn) const {
  return forEachEvent(partition, 0, std::numeric_limits<size_t>::max(), fn);
}

Result<EventHub::PartitionState> EventHub::forEachEvent(
    uint32_t partition, int64_t from, size_t max,
    const std::function<void(const EventData&)>& fn) const {
  if (partition >= partitions_.size()) return partitionOutOfRange();
  const Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  const auto [start, end] = p.indexesFrom(from, max);
  EventData event;  // reused: its strings keep their capacity from one event to the next
  TimeText time;
  for (size_t i = start; i < end; ++i) {
    decode(p.events[i], context_, time, event);
    fn(event);
  }
  return p.state();
}

EventHub::CopiedEvents::CopiedEvents() = default;
EventHub::CopiedEvents::~CopiedEvents() = default;

Result<EventHub::PartitionState> EventHub::copyEvents(uint32_t partition, int64_t from, size_t max,
                                                      CopiedEvents& out) const {
  out.places_.clear();
  out.bytes_.clear();
  if (partition >= partitions_.size()) return partitionOutOfRange();
  const Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  const auto [start, end] = p.indexesFrom(from, max);
  for (size_t i = start; i < end; ++i) {
    const StoredEvent& e = p.events[i];
    out.places_.push_back(
        {e.sequence_number, e.offset, e.enqueued_ns, out.bytes_.size(), e.block_size});
    out.bytes_.append(e.block, e.block_size);
  }
  return p.state();
}

void EventHub::forEachCopied(const CopiedEvents& copies,
                             const std::function<void(const EventData&)>& fn) const {
  EventData event;
  TimeText time;
  const std::string_view bytes = copies.bytes_;
  for (const CopiedEvents::Place& place : copies.places_) {
    decode(place.sequence_number, place.offset, place.enqueued_ns,
           bytes.substr(place.block_at, place.block_size), context_, time, event);
    fn(event);
  }
}

Status EventHub::restore(uint32_t partition, const PartitionState& state,
                         std::vector<EventData> events) {
  const PartitionCursor& cursor = state.cursor;
  const std::vector<std::optional<int64_t>>& checkpoints = state.checkpoints;
  if (partition >= partitions_.size()) return partitionOutOfRange();
  std::string where = "partition " + std::to_string(partition) + ": ";
  for (size_t i = 0; i < events.size(); ++i) {
    const EventData& e = events[i];
    if (i > 0) {
      const EventData& prev = events[i - 1];
      if (e.sequence_number != prev.sequence_number + 1 || e.offset <= prev.offset ||
          e.enqueued_ns < prev.enqueued_ns) {
        return Error(ErrorCode::kInvalidInput,
                     where + "event with sequence number " + std::to_string(e.sequence_number) +
                         " does not follow sequence number " +
                         std::to_string(prev.sequence_number) +
                         " (sequence numbers must be contiguous, offsets and enqueued times "
                         "increasing)");
      }
    }
  }
  if (!events.empty() && (events.back().sequence_number >= cursor.next_sequence_number ||
                          events.back().offset >= cursor.next_offset)) {
    return Error(ErrorCode::kInvalidInput,
                 where +
                     "the last event is at or past the partition's next sequence number or "
                     "offset");
  }
  if (checkpoints.size() > config_.consumer_groups.size()) {
    return Error(ErrorCode::kInvalidInput, where + "more checkpoints than consumer groups");
  }
  for (const std::optional<int64_t>& cp : checkpoints) {
    if (cp && (*cp < 0 || *cp >= cursor.next_sequence_number)) {
      return invalidSequenceNumber(*cp, cursor.next_sequence_number - 1);
    }
  }
  Partition& p = *partitions_[partition];
  std::lock_guard lock(p.mu);
  p.cursor = cursor;
  p.formatted_ns = std::numeric_limits<uint64_t>::max();  // the cursor's text is the file's
  ++p.generation;
  p.events.clear();
  p.segments.clear();
  p.first_segment = 0;
  p.next_segment_bytes = Partition::kFirstSegmentBytes;
  p.retained_bytes = 0;
  for (const EventData& e : events) {
    StoredEvent& stored = p.store(e, eventSize(e));
    stored.sequence_number = e.sequence_number;
    stored.offset = e.offset;
    stored.enqueued_ns = e.enqueued_ns;
    p.retained_bytes += stored.size;
  }
  for (size_t g = 0; g < p.readers.size(); ++g) {
    Partition::Reader& r = p.readers[g];
    r.checkpoint = g < checkpoints.size() ? checkpoints[g] : std::nullopt;
    r.position = r.checkpoint ? EventPosition::fromSequenceNumber(*r.checkpoint, false)
                              : EventPosition::earliest();
  }
  return {};
}

}  // namespace routesim::endpoints::eventhubs
