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
  std::string folded = utf::foldCase(name);
  std::optional<std::string> v =
      value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
  for (Property& p : items_) {
    if (p.folded == folded) {
      p.name.assign(name);
      p.value = std::move(v);
      return;
    }
  }
  items_.push_back(Property{std::string(name), std::move(v), std::move(folded)});
}

const Property* PropertyMap::find(std::string_view name) const {
  return findFolded(utf::foldCase(name));
}

bool PropertyMap::erase(std::string_view name) {
  std::string folded = utf::foldCase(name);
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const Property& p) { return p.folded == folded; });
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
