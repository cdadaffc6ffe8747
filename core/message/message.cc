#include "core/message/message.h"

#include <algorithm>
#include <array>

#include "core/common/utf.h"

namespace routesim::message {
namespace {

constexpr std::array<std::string_view, 6> kSourceNames = {
    "DeviceMessages",           "TwinChangeEvents",
    "DeviceLifecycleEvents",    "DeviceConnectionStateEvents",
    "DeviceJobLifecycleEvents", "DigitalTwinChangeEvents",
};

}  // namespace

std::string_view sourceName(MessageSource source) {
  return kSourceNames[static_cast<size_t>(source)];
}

std::optional<MessageSource> parseSource(std::string_view name) {
  for (size_t i = 0; i < kSourceNames.size(); ++i) {
    if (utf::equalsIgnoreCase(kSourceNames[i], name)) return static_cast<MessageSource>(i);
  }
  return std::nullopt;
}

void PropertyMap::set(std::string_view name, std::optional<std::string_view> value) {
  for (Property& p : items_) {
    if (utf::equalsIgnoreCase(p.name, name)) {
      p.name.assign(name);
      p.value = value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
      return;
    }
  }
  items_.push_back(Property{
      std::string(name), value ? std::optional<std::string>(std::string(*value)) : std::nullopt});
}

const Property* PropertyMap::find(std::string_view name) const {
  for (const Property& p : items_) {
    if (utf::equalsIgnoreCase(p.name, name)) return &p;
  }
  return nullptr;
}

bool PropertyMap::erase(std::string_view name) {
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const Property& p) { return utf::equalsIgnoreCase(p.name, name); });
  if (it == items_.end()) return false;
  items_.erase(it);
  return true;
}

size_t messageSize(const Message& message) {
  size_t size = message.body.size();
  for (const Property& p : message.system_properties) size += p.value ? p.value->size() : 0;
  for (const Property& p : message.app_properties) {
    size += p.name.size() + (p.value ? p.value->size() : 0);
  }
  return size;
}

}  // namespace routesim::message
