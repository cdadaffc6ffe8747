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

namespace {

// Whether `name`, ASCII, folds to `folded` (utf::foldCase maps ASCII to upper case).
bool asciiFoldsTo(std::string_view name, std::string_view folded) {
  if (name.size() != folded.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != folded[i]) return false;
  }
  return true;
}

bool isAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void assignValue(std::optional<std::string>& to, std::optional<std::string_view> value) {
  if (!value) {
    to.reset();
  } else if (to) {
    to->assign(*value);  // keeps the capacity
  } else {
    to.emplace(*value);
  }
}

}  // namespace

void PropertyMap::set(std::string_view name, std::optional<std::string_view> value) {
  const bool ascii = isAscii(name);
  std::string folded_other;  // non-ASCII names only
  if (!ascii) folded_other = utf::foldCase(name);
  for (size_t i = 0; i < size_; ++i) {
    Property& p = items_[i];
    if (ascii ? asciiFoldsTo(name, p.folded) : p.folded == folded_other) {
      p.name.assign(name);
      assignValue(p.value, value);
      return;
    }
  }
  if (size_ == items_.size()) items_.emplace_back();
  Property& p = items_[size_++];
  assignValue(p.value, value);
  // A map refilled message after message mostly sets the same names in the same order: an
  // entry left with this very name keeps its folded form.
  if (p.name == name && !p.folded.empty()) return;
  p.name.assign(name);
  if (ascii) {
    p.folded.assign(name);
    for (char& c : p.folded) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
  } else {
    p.folded = std::move(folded_other);
  }
}

const Property* PropertyMap::find(std::string_view name) const {
  return findFolded(utf::foldCase(name));
}

bool PropertyMap::erase(std::string_view name) {
  const bool ascii = isAscii(name);
  std::string folded_other;  // non-ASCII names only
  if (!ascii) folded_other = utf::foldCase(name);
  auto in_use = items_.begin() + static_cast<std::ptrdiff_t>(size_);
  auto it = std::find_if(items_.begin(), in_use, [&](const Property& p) {
    return ascii ? asciiFoldsTo(name, p.folded) : p.folded == folded_other;
  });
  if (it == in_use) return false;
  std::rotate(it, it + 1, in_use);  // the erased entry's strings move past the end, for reuse
  --size_;
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
