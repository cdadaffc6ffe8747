#include "core/query/input.h"

namespace routesim::query {
namespace {

Value propertyValue(const message::Property* p) {
  if (p == nullptr) return Value::undefined();
  if (!p->value) return Value::null();
  return Value::ofString(*p->value);
}

Value jsonValue(const message::JsonScalar& s) {
  switch (s.kind) {
    case message::JsonKind::kUndefined:
      return Value::undefined();
    case message::JsonKind::kMissing:
    case message::JsonKind::kNull:
      return Value::null();
    case message::JsonKind::kBool:
      return Value::ofBool(s.boolean);
    case message::JsonKind::kNumber:
      return Value::ofNumber(s.number);
    case message::JsonKind::kString:
      return Value::ofString(s.string);
    case message::JsonKind::kObject:
      return Value{Kind::kObject, false, 0, {}};
    case message::JsonKind::kArray:
      return Value{Kind::kArray, false, 0, {}};
  }
  return Value::undefined();
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
  slots_.push_back(std::move(slot));
  return static_cast<uint32_t>(slots_.size() - 1);
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

void MessageContext::resolve(uint32_t slot) {
  const InputSlot& s = catalog_.slots()[slot];
  Value v;
  switch (s.kind) {
    case InputKind::kAppProperty:
      v = propertyValue(message_.app_properties.find(s.name));
      break;
    case InputKind::kSystemProperty:
      v = propertyValue(message_.system_properties.find(s.name));
      break;
    case InputKind::kDollarProperty:
      if (const message::Property* p = message_.app_properties.find(s.app_name)) {
        v = propertyValue(p);
      } else {
        v = propertyValue(message_.system_properties.find(s.name));
      }
      break;
    case InputKind::kBodyPath:
    case InputKind::kTwinPath: {
      if (!s.app_name.empty()) {
        if (const message::Property* p = message_.app_properties.find(s.app_name)) {
          v = propertyValue(p);
          break;
        }
      }
      if (s.kind == InputKind::kBodyPath) {
        if (!body_loaded_) loadBody();
        v = jsonValue(scratch_.body_values_[s.path]);
      } else {
        if (!twin_loaded_) loadTwin();
        v = jsonValue(scratch_.twin_values_[s.path]);
      }
      break;
    }
    case InputKind::kTwinChange: {
      if (!body_loaded_) loadBody();
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
