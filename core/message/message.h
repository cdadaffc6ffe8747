// The device message as IoT Hub routes it: application and system properties (open maps looked
// up case-insensitively, values a string or null), body bytes, the routing source, and the
// device or module twin. Plain data: immutable once built, safe to share across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace routesim::message {

// IoT Hub's routing sources (ARM RoutingSource values).
enum class MessageSource : uint8_t {
  kDeviceMessages,
  kTwinChangeEvents,
  kDeviceLifecycleEvents,
  kDeviceConnectionStateEvents,
  kDeviceJobLifecycleEvents,
  kDigitalTwinChangeEvents,
};

std::string_view sourceName(MessageSource source);
// Parses an ARM RoutingSource name ("DeviceMessages", ...; letter case ignored).
std::optional<MessageSource> parseSource(std::string_view name);

struct Property {
  std::string name;
  std::optional<std::string> value;  // nullopt: present without a value (JSON null)
  std::string folded;                // utf::foldCase(name), the key lookups compare
};

// An ordered property bag with case-insensitive names; setting a name that is already present
// (in any letter case) replaces it, so a name occurs at most once, as in IoT Hub.
//
// clear() keeps the entries' strings: a map refilled for message after message (the scenario
// generator's) reuses them instead of allocating each name, value and folded name again.
class PropertyMap {
 public:
  PropertyMap() = default;
  PropertyMap(const PropertyMap& other) : items_(other.begin(), other.end()), size_(other.size_) {}
  PropertyMap& operator=(const PropertyMap& other) {
    if (this != &other) {
      clear();
      for (const Property& p : other) set(p.name, p.value);
    }
    return *this;
  }
  PropertyMap(PropertyMap&& other) noexcept
      : items_(std::move(other.items_)), size_(std::exchange(other.size_, 0)) {}
  PropertyMap& operator=(PropertyMap&& other) noexcept {
    items_ = std::move(other.items_);
    size_ = std::exchange(other.size_, 0);
    other.items_.clear();
    return *this;
  }

  void set(std::string_view name, std::optional<std::string_view> value);
  void clear() { size_ = 0; }
  // The property named `name` ignoring case, or nullptr. Linear: bags hold a handful of entries.
  const Property* find(std::string_view name) const;
  // The same for a name already folded with utf::foldCase: a length check and memcmp per entry.
  const Property* findFolded(std::string_view folded) const {
    for (const Property& p : *this) {
      if (p.folded.size() == folded.size() &&
          std::char_traits<char>::compare(p.folded.data(), folded.data(), folded.size()) == 0) {
        return &p;
      }
    }
    return nullptr;
  }
  bool erase(std::string_view name);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  using const_iterator = std::vector<Property>::const_iterator;
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.begin() + static_cast<std::ptrdiff_t>(size_); }

 private:
  std::vector<Property> items_;  // [0, size_) in use; the rest kept for reuse
  size_t size_ = 0;
};

// Bytes with simdjson's padding guaranteed past the end, so On-Demand can read them in place.
class PaddedBytes {
 public:
  static constexpr size_t kPadding = 64;

  PaddedBytes() { data_.reserve(kPadding); }
  explicit PaddedBytes(std::string_view bytes) { assign(bytes); }
  PaddedBytes(const PaddedBytes& other) { assign(other.view()); }
  PaddedBytes& operator=(const PaddedBytes& other) {
    if (this != &other) assign(other.view());
    return *this;
  }
  PaddedBytes(PaddedBytes&&) noexcept = default;
  PaddedBytes& operator=(PaddedBytes&&) noexcept = default;

  void assign(std::string_view bytes) {
    data_.clear();
    data_.reserve(bytes.size() + kPadding);
    data_.assign(bytes);
  }
  std::string_view view() const { return data_; }
  const char* data() const { return data_.data(); }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  size_t capacity() const { return data_.capacity(); }

 private:
  std::string data_;
};

// IoT Hub's per-message limit (256 KB), counted by messageSize().
inline constexpr size_t kMaxMessageBytes = 262144;

struct Message {
  std::string device_id;  // empty when unknown (eval); the hub's stamp otherwise
  std::string module_id;
  PropertyMap app_properties;
  PropertyMap system_properties;
  PaddedBytes body;
  MessageSource source = MessageSource::kDeviceMessages;
  // The device's (or module's) twin as JSON {"tags", "properties": {"desired", "reported"}};
  // absent when the sender has none, which makes every $twin path undefined.
  std::optional<PaddedBytes> twin;
  // The producer's own bookkeeping (the scenario runner's message number); routing ignores it.
  uint64_t tag = 0;
};

// Size as IoT Hub counts it (reference §1.3): body bytes + the bytes of every system-property
// value + the bytes of every application-property name and value.
size_t messageSize(const Message& message);

}  // namespace routesim::message
