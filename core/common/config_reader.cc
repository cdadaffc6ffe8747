#include "core/common/config_reader.h"

#include <cmath>

#include "core/common/utf.h"

namespace routesim {

ObjectReader::ObjectReader(const json::Value& value, std::string path, ConfigIssues& issues)
    : object_(value.is(json::Type::kObject) ? &value : nullptr),
      path_(std::move(path)),
      issues_(issues) {
  if (object_ == nullptr) {
    issues_.error(path_, "InvalidType",
                  "expected an object, found " + std::string(json::typeName(value.type())),
                  value.offset());
    return;
  }
  used_.assign(object_->members().size(), false);
}

uint32_t memberOffset(const json::Value& object, std::string_view key) {
  if (object.is(json::Type::kObject)) {
    for (const json::Member& m : object.members()) {
      if (utf::equalsIgnoreCase(m.key, key)) return m.value->offset();
    }
  }
  return object.offset();
}

const json::Value* ObjectReader::get(std::string_view key, bool required) {
  if (object_ == nullptr) return nullptr;
  const auto& members = object_->members();
  for (size_t i = 0; i < members.size(); ++i) {
    if (utf::equalsIgnoreCase(members[i].key, key)) {
      used_[i] = true;
      return members[i].value.get();
    }
  }
  if (required) {
    issues_.error(pathOf(key), "MissingProperty",
                  "required property '" + std::string(key) + "' is missing", object_->offset());
  }
  return nullptr;
}

void ObjectReader::typeError(std::string_view key, const json::Value& v,
                             std::string_view expected) {
  issues_.error(
      pathOf(key), "InvalidType",
      "expected " + std::string(expected) + ", found " + std::string(json::typeName(v.type())),
      v.offset());
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const json::Value* v = get(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is(json::Type::kString)) {
    typeError(key, *v, "a string");
    return std::nullopt;
  }
  return v->text();
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const json::Value* v = get(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is(json::Type::kBool)) {
    typeError(key, *v, "true or false");
    return std::nullopt;
  }
  return v->boolean();
}

std::optional<int64_t> ObjectReader::integer(std::string_view key, int64_t min, int64_t max,
                                             bool required) {
  const json::Value* v = get(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is(json::Type::kNumber) || v->number() != std::trunc(v->number())) {
    typeError(key, *v, "an integer");
    return std::nullopt;
  }
  double d = v->number();
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
    issues_.error(pathOf(key), "ValueOutOfRange",
                  "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                      ", found " + v->text(),
                  v->offset());
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

const json::Value* ObjectReader::array(std::string_view key, bool required) {
  const json::Value* v = get(key, required);
  if (v == nullptr) return nullptr;
  if (!v->is(json::Type::kArray)) {
    typeError(key, *v, "an array");
    return nullptr;
  }
  return v;
}

const json::Value* ObjectReader::object(std::string_view key, bool required) {
  const json::Value* v = get(key, required);
  if (v == nullptr) return nullptr;
  if (!v->is(json::Type::kObject)) {
    typeError(key, *v, "an object");
    return nullptr;
  }
  return v;
}

void ObjectReader::warnUnknownKeys() {
  if (object_ == nullptr) return;
  const auto& members = object_->members();
  for (size_t i = 0; i < members.size(); ++i) {
    if (!used_[i]) {
      issues_.warning(json::pathJoin(path_, members[i].key), "UnknownProperty",
                      "unknown property '" + members[i].key + "' is ignored",
                      members[i].key_offset);
    }
  }
}

std::optional<std::vector<std::string>> readStringArray(const json::Value& value,
                                                        const std::string& path,
                                                        ConfigIssues& issues) {
  if (!value.is(json::Type::kArray)) {
    issues.error(path, "InvalidType",
                 "expected an array of strings, found " + std::string(json::typeName(value.type())),
                 value.offset());
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < value.items().size(); ++i) {
    const json::Value& item = value.items()[i];
    if (!item.is(json::Type::kString)) {
      issues.error(json::pathIndex(path, i), "InvalidType",
                   "expected a string, found " + std::string(json::typeName(item.type())),
                   item.offset());
      continue;
    }
    out.push_back(item.text());
  }
  return out;
}

}  // namespace routesim
