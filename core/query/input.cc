#include "core/query/input.h"

#include <array>

#include "core/common/utf.h"

namespace routesim::query {
namespace {

Value propertyValue(const message::Property* p) {
  if (p == nullptr) return Value::undefined();
  if (!p->value) return Value::null();
  return Value::ofString(*p->value);
}

// JsonKind -> Kind: a missing path reads as null (routing semantics). A table, so converting
// a document's values is branch-free; the reader leaves unused fields zeroed. A NaN cannot come
// out of JSON, so numbers need no undefined check.
constexpr std::array<Kind, 8> kKindOfJson = {Kind::kUndefined, Kind::kNull,   Kind::kNull,
                                             Kind::kBool,      Kind::kNumber, Kind::kString,
                                             Kind::kObject,    Kind::kArray};

Value jsonValue(const message::JsonScalar& s) {
  return Value(kKindOfJson[static_cast<size_t>(s.kind)], s.boolean, s.number, s.string);
}

}  // namespace

InputCatalog::InputCatalog()
    : body_paths_(message::PathSet::KeyMatch::kExact),
      twin_paths_(message::PathSet::KeyMatch::kIgnoreCase) {}

uint32_t InputCatalog::intern(InputSlot slot) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    const InputSlot& s = slots_[i];
    if (s.kind == slot.kind && s.name == slot.name && s.app_name == slot.app_name &&
        s.path == slot.path) {
      return static_cast<uint32_t>(i);
    }
  }
  slot.folded_name = utf::foldCase(slot.name);
  slot.folded_app_name = utf::foldCase(slot.app_name);
  auto index = static_cast<uint32_t>(slots_.size());
  if (slot.kind == InputKind::kBodyPath || slot.kind == InputKind::kTwinChange)
    body_slots_.push_back(index);
  if (slot.kind == InputKind::kTwinPath) twin_slots_.push_back(index);
  if (slot.kind == InputKind::kAppProperty || slot.kind == InputKind::kSystemProperty ||
      slot.kind == InputKind::kDollarProperty) {
    property_slots_.push_back(index);
  }
  slots_.push_back(std::move(slot));
  return index;
}

uint32_t InputCatalog::property(InputKind kind, std::string_view name, std::string_view app_name) {
  return intern(InputSlot{kind, std::string(name), std::string(app_name), 0});
}

uint32_t InputCatalog::bodyPath(const message::JsonPath& path, std::string_view app_name) {
  return intern(InputSlot{InputKind::kBodyPath, {}, std::string(app_name), body_paths_.add(path)});
}

uint32_t InputCatalog::twinPath(const message::JsonPath& path, std::string_view app_name) {
  return intern(InputSlot{InputKind::kTwinPath, {}, std::string(app_name), twin_paths_.add(path)});
}

uint32_t InputCatalog::twinChange(const message::JsonPath& path) {
  return intern(InputSlot{InputKind::kTwinChange, {}, {}, body_paths_.add(path)});
}

MessageContext::MessageContext(const message::Message& message, const InputCatalog& catalog,
                               EvalScratch& scratch)
    : message_(message), catalog_(catalog), scratch_(scratch) {
  size_t n = catalog.slots().size();
  if (scratch_.slot_epoch_.size() < n) {
    scratch_.slot_epoch_.resize(n, 0);
    scratch_.slot_values_.resize(n);
  }
  if (++scratch_.epoch_ == 0) {  // wrapped: forget every cached input
    std::fill(scratch_.slot_epoch_.begin(), scratch_.slot_epoch_.end(), 0);
    scratch_.epoch_ = 1;
  }
  scratch_.arena_.reset();
}

void MessageContext::loadBody() {
  body_loaded_ = true;
  const message::PathSet& paths = catalog_.bodyPaths();
  auto& values = scratch_.body_values_;
  if (values.size() < paths.slotCount()) values.resize(paths.slotCount());
  auto body = scratch_.body_reader_.jsonBody(message_);
  if (!body) {
    std::fill(values.begin(), values.end(), message::JsonScalar{});
    return;
  }
  scratch_.body_reader_.extract(body->text, body->capacity, paths, values, scratch_.validation_);
}

void MessageContext::fillFromDocument(const std::vector<uint32_t>& slots,
                                      const std::vector<message::JsonScalar>& values) {
  bool overridable = hasDollarAppProperty();
  for (uint32_t slot : slots) {
    const InputSlot& s = catalog_.slots()[slot];
    if (overridable && !s.app_name.empty()) continue;  // resolve() checks the property first
    message::JsonKind k = values[s.path].kind;
    Value v;
    if (s.kind == InputKind::kTwinChange) {
      v = k == message::JsonKind::kUndefined ? Value::undefined()
                                             : Value::ofBool(k != message::JsonKind::kMissing);
    } else {
      v = jsonValue(values[s.path]);
    }
    scratch_.slot_values_[slot] = v;
    scratch_.slot_epoch_[slot] = scratch_.epoch_;
  }
}

void MessageContext::loadTwin() {
  twin_loaded_ = true;
  const message::PathSet& paths = catalog_.twinPaths();
  auto& values = scratch_.twin_values_;
  if (values.size() < paths.slotCount()) values.resize(paths.slotCount());
  if (!message_.twin) {
    std::fill(values.begin(), values.end(), message::JsonScalar{});
    return;
  }
  scratch_.twin_reader_.extract(message_.twin->view(), message_.twin->capacity(), paths, values,
                                scratch_.validation_);
}

bool MessageContext::hasDollarAppProperty() {
  if (dollar_app_property_ < 0) {
    dollar_app_property_ = 0;
    for (const message::Property& p : message_.app_properties) {
      if (!p.name.empty() && p.name[0] == '$') dollar_app_property_ = 1;
    }
  }
  return dollar_app_property_ == 1;
}

void MessageContext::resolveProperties() {
  bool dollar = hasDollarAppProperty();
  for (uint32_t slot : catalog_.propertySlots()) {
    const InputSlot& s = catalog_.slots()[slot];
    const message::Property* p = nullptr;
    if (s.kind == InputKind::kAppProperty) {
      p = message_.app_properties.findFolded(s.folded_name);
    } else if (s.kind == InputKind::kSystemProperty) {
      p = message_.system_properties.findFolded(s.folded_name);
    } else {
      if (dollar) p = message_.app_properties.findFolded(s.folded_app_name);
      if (p == nullptr) p = message_.system_properties.findFolded(s.folded_name);
    }
    scratch_.slot_values_[slot] = propertyValue(p);
    scratch_.slot_epoch_[slot] = scratch_.epoch_;
  }
}

void MessageContext::resolve(uint32_t slot) {
  const InputSlot& s = catalog_.slots()[slot];
  Value v;
  switch (s.kind) {
    case InputKind::kAppProperty:
    case InputKind::kSystemProperty:
    case InputKind::kDollarProperty:
      resolveProperties();
      return;
    case InputKind::kBodyPath:
    case InputKind::kTwinPath: {
      if (!s.app_name.empty() && hasDollarAppProperty()) {
        if (const message::Property* p = message_.app_properties.findFolded(s.folded_app_name)) {
          v = propertyValue(p);
          break;
        }
      }
      if (s.kind == InputKind::kBodyPath) {
        if (!body_loaded_) {
          loadBody();
          fillFromDocument(catalog_.bodySlots(), scratch_.body_values_);
        }
        v = jsonValue(scratch_.body_values_[s.path]);
      } else {
        if (!twin_loaded_) {
          loadTwin();
          fillFromDocument(catalog_.twinSlots(), scratch_.twin_values_);
        }
        v = jsonValue(scratch_.twin_values_[s.path]);
      }
      break;
    }
    case InputKind::kTwinChange: {
      if (!body_loaded_) {
        loadBody();
        fillFromDocument(catalog_.bodySlots(), scratch_.body_values_);
      }
      message::JsonKind k = scratch_.body_values_[s.path].kind;
      if (k == message::JsonKind::kUndefined) {
        v = Value::undefined();
      } else {
        v = Value::ofBool(k != message::JsonKind::kMissing);
      }
      break;
    }
  }
  scratch_.slot_values_[slot] = v;
  scratch_.slot_epoch_[slot] = scratch_.epoch_;
}

}  // namespace routesim::query
