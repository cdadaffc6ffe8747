// One routed message as a storage record, in both encodings IoT Hub writes (reference iothub.md
// §1.5): the Avro binary record Microsoft.Azure.Devices.Message and the JSON line with the same
// four fields. Shared by the endpoint (writing) and the blob reader (recordToJson), so that a
// message prints the same whichever encoding stored it.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "endpoints/common/endpoint_message.h"

namespace routesim::endpoints::storage {

// A property borrowed from wherever it lives (a message::PropertyMap, a PropertyList).
struct PropertyRef {
  std::string_view name;
  std::optional<std::string_view> value;  // nullopt: present without a value
};

// Appends a reference to every entry of `list`, in order. `list` must outlive the references.
void appendRefs(const PropertyList& list, std::vector<PropertyRef>& out);

// A record's fields, borrowed. A property or system property without a value (null) is written
// as the empty string: the Avro map holds strings only, and JSON writes the same so both
// encodings agree.
struct RecordView {
  std::string_view enqueued_time_utc;
  std::span<const PropertyRef> properties;
  std::span<const PropertyRef> system_properties;
  std::optional<std::string_view> body;  // nullopt: the Avro union's null branch, JSON null
  // JSON only: `body` is JSON text without insignificant whitespace, written as a JSON value
  // rather than as a base64 string.
  bool body_is_json = false;
};

// Appends the Avro binary encoding of the record (schema avro::kMessageSchema). Allocates only
// to grow `out`.
void appendAvroRecord(std::string& out, const RecordView& record);

// Appends the record as one compact JSON object, without a newline:
// {"EnqueuedTimeUtc":"...","Properties":{...},"SystemProperties":{...},"Body":...}
void appendJsonRecord(std::string& out, const RecordView& record);

// True when the system properties say contentType application/json and contentEncoding utf-8
// (letter case ignored in names and values): the condition under which IoT Hub writes the body
// of a JSON blob as JSON (reference iothub.md §1.5).
bool hasJsonContentType(std::span<const PropertyRef> system_properties);

// Checks that bytes are one valid JSON text (UTF-8 included) and removes insignificant
// whitespace, keeping every token as written. Holds a simdjson parser for reuse: not
// thread-safe, one per user.
class JsonBodyCompactor {
 public:
  JsonBodyCompactor();
  ~JsonBodyCompactor();
  JsonBodyCompactor(const JsonBodyCompactor&) = delete;
  JsonBodyCompactor& operator=(const JsonBodyCompactor&) = delete;

  // Replaces `out` with the compact form of `body`; false (out unspecified) when `body` is not
  // a valid JSON text.
  bool compact(std::string_view body, std::string& out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace routesim::endpoints::storage
