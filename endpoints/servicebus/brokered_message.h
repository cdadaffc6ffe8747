// A Service Bus message as the emulator stores it: broker properties (MessageId, CorrelationId,
// Subject ...), typed application properties, the body, and what the broker stamps (sequence
// number, enqueue and expiry times, delivery count, dead-letter reason). Plain data: copies are
// independent, nothing here is shared between threads.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/common/error.h"
#include "core/common/json.h"
#include "endpoints/common/endpoint_message.h"

namespace routesim::endpoints::servicebus {

// An application property's value. Service Bus carries typed AMQP values; IoT Hub sends only
// strings, rule actions (SET x = x / 2) store numbers and booleans. monostate is null.
using PropertyValue = std::variant<std::monostate, std::string, int64_t, double, bool>;

// The value as text: strings as they are, numbers as C# prints them (invariant culture),
// booleans "True" / "False", null as "".
std::string propertyValueText(const PropertyValue& value);

struct ApplicationProperty {
  std::string name;
  PropertyValue value;
  friend bool operator==(const ApplicationProperty&, const ApplicationProperty&) = default;
};

// Application properties in insertion order; names compare ignoring case (Service Bus SQL
// filters look them up that way), so a name occurs at most once.
class ApplicationProperties {
 public:
  // The property named `name` (any letter case), or nullptr.
  const PropertyValue* find(std::string_view name) const;
  // Sets `name`, replacing a property of the same name in any case (keeping its position).
  void set(std::string_view name, PropertyValue value);
  // As set(), taking the name's storage when it is new.
  void emplace(std::string name, PropertyValue value);
  // Removes `name`; false when it was absent.
  bool erase(std::string_view name);

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  void reserve(size_t n) { items_.reserve(n); }
  friend bool operator==(const ApplicationProperties&, const ApplicationProperties&) = default;

 private:
  std::vector<ApplicationProperty> items_;
};

inline constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

struct BrokeredMessage {
  // Broker properties (empty: not set).
  std::string message_id;
  std::string correlation_id;
  std::string content_type;
  std::string subject;  // Label in the older SDKs and in filters (sys.Label)
  std::string to;
  std::string reply_to;
  std::string reply_to_session_id;
  std::string session_id;
  std::string partition_key;
  // The sender's own time to live; kNever when it set none (IoT Hub sets none).
  uint64_t time_to_live_ns = kNever;

  // Stamped by the entity that stores the message.
  int64_t sequence_number = 0;
  uint64_t enqueued_ns = 0;          // on the router's clock
  int64_t enqueued_time_utc_ns = 0;  // the same instant in UTC (ns since the Unix epoch)
  uint64_t expires_ns = kNever;      // on the router's clock; kNever: never expires
  uint32_t delivery_count = 0;       // deliveries so far (1 on the first receive)
  std::string lock_token;            // while locked by a PeekLock receive
  uint64_t locked_until_ns = 0;      // on the router's clock, while locked
  std::string dead_letter_reason;    // set when moved to the dead-letter sub-queue
  std::string dead_letter_error_description;
  std::string dead_letter_source;  // the entity a forwarded message was dead-lettered in
  uint32_t transfer_hops = 0;      // auto-forwards so far (at most 4); not persisted

  ApplicationProperties application_properties;
  std::string body;

  friend bool operator==(const BrokeredMessage&, const BrokeredMessage&) = default;
};

// The message an IoT Hub Service Bus endpoint sends for `e` (reference iothub.md §1.5):
// MessageId, CorrelationId and ContentType become broker properties; every other system property
// (iothub-connection-device-id, ContentEncoding, UserId, dt-*, iothub-message-source ...) and the
// application properties with enrichments become application properties.
BrokeredMessage fromEndpointMessage(EndpointMessage e);

// Bytes the message takes towards an entity's size quota and the message size limit: the body,
// every application property's name and value text, and the broker string properties.
uint64_t messageSize(const BrokeredMessage& m);

// One JSON object (no newline) with the .NET SDK's property names: SequenceNumber, MessageId,
// ..., EnqueuedTimeUtc, ExpiresAtUtc, DeliveryCount, DeadLetterReason, ApplicationProperties,
// Body (text when it is valid UTF-8, else BodyBase64), plus EnqueuedClockNs / ExpiresClockNs /
// LockedUntilClockNs (the router's clock) so that messageFromJson reads it back exactly. Other
// strings that are not valid UTF-8 are written with U+FFFD for their bad bytes; a double that is
// NaN or infinite is written as its text ("NaN", "Infinity") and reads back as a string.
std::string messageToJson(const BrokeredMessage& m);

// Reads what messageToJson wrote; unknown members are ignored. Errors (ErrorCode::kInvalidInput)
// name the offending member, with its byte offset in the text as the span.
Result<BrokeredMessage> messageFromJson(std::string_view json);
Result<BrokeredMessage> messageFromJson(const json::Value& object);

// ISO 8601 UTC with seven fractional digits (2018-07-05T15:11:42.6850000Z) and back.
std::string formatUtc(int64_t utc_ns);
std::optional<int64_t> parseUtc(std::string_view text);

}  // namespace routesim::endpoints::servicebus
