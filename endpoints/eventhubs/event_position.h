// Where to start reading in an event hub's partition, as the Event Hubs SDKs define positions
// (.NET EventPosition), and the text form commands and tests write them in. A value type:
// immutable, cheap to copy, resolved against a partition only when reading starts.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "endpoints/common/emulator_context.h"

namespace routesim::endpoints::eventhubs {

// The earliest retained event; latest (only events enqueued after reading starts); an offset or
// sequence number, inclusive (the default) or not; or an enqueued time, reading the first event
// enqueued on or after it.
class EventPosition {
 public:
  enum class Kind : uint8_t { kEarliest, kLatest, kOffset, kSequenceNumber, kEnqueuedTime };

  static EventPosition earliest() { return EventPosition(Kind::kEarliest, 0, true); }
  static EventPosition latest() { return EventPosition(Kind::kLatest, 0, false); }
  static EventPosition fromOffset(int64_t offset, bool inclusive = true) {
    return EventPosition(Kind::kOffset, offset, inclusive);
  }
  static EventPosition fromSequenceNumber(int64_t sequence_number, bool inclusive = true) {
    return EventPosition(Kind::kSequenceNumber, sequence_number, inclusive);
  }
  // `enqueued_ns` on the hub's clock (EventData::enqueued_ns).
  static EventPosition fromEnqueuedTime(uint64_t enqueued_ns) {
    return EventPosition(Kind::kEnqueuedTime, static_cast<int64_t>(enqueued_ns), true);
  }
  // `utc` converted to the clock of a hub on `context` (EventHub::context()); a time before the
  // clock's origin is its origin.
  static EventPosition fromEnqueuedTimeUtc(std::chrono::system_clock::time_point utc,
                                           const EmulatorContext& context);

  Kind kind() const { return kind_; }
  int64_t value() const { return value_; }  // offset, sequence number or enqueued ns
  bool inclusive() const { return inclusive_; }
  // "earliest", "latest", "offset 120 (inclusive)", "sequence number 4 (exclusive)",
  // "enqueued at or after 1000 ns".
  std::string describe() const;

  friend bool operator==(const EventPosition&, const EventPosition&) = default;

 private:
  EventPosition(Kind kind, int64_t value, bool inclusive)
      : kind_(kind), value_(value), inclusive_(inclusive) {}
  Kind kind_;
  int64_t value_;
  bool inclusive_;
};

// Parses the text form of a position (keywords ignore letter case): "earliest", "latest",
// "offset:<n>", "sequence:<n>" ("offset:><n>", "sequence:><n>" exclude that event), or
// "time:<UTC>" with <UTC> as IoT Hub writes times ("2024-01-01T00:00:05Z", up to 9 fractional
// digits), converted with `context` (the hub's). kInvalidInput naming the text and what was
// expected otherwise.
Result<EventPosition> parseEventPosition(std::string_view text, const EmulatorContext& context);

// Parses "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" (a real calendar date and time of day). kInvalidInput
// otherwise.
Result<std::chrono::system_clock::time_point> parseUtcTime(std::string_view text);

}  // namespace routesim::endpoints::eventhubs
