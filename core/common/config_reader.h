// Reading configuration objects (ARM-shaped JSON) with errors and warnings that name JSON paths:
// typed getters for known keys, and a warning for every key nobody asked for, so a typo does
// not pass silently. Keys match ignoring letter case, as ARM matches property names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"

namespace routesim {

class ObjectReader {
 public:
  // `value` should be an object; otherwise an error is recorded and every getter finds nothing.
  ObjectReader(const json::Value& value, std::string path, ConfigIssues& issues);

  bool ok() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string pathOf(std::string_view key) const { return json::pathJoin(path_, key); }

  // The member's value (marking the key as known), or nullptr when absent. `required` records
  // an error when it is absent.
  const json::Value* get(std::string_view key, bool required = false);

  // Typed getters: nullopt when absent (an error when required) or of the wrong type (an error).
  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max,
                                 bool required = false);
  // An array member; nullptr when absent or not an array (an error).
  const json::Value* array(std::string_view key, bool required = false);
  // An object member; nullptr when absent or not an object (an error).
  const json::Value* object(std::string_view key, bool required = false);

  // Records a warning for each member no getter asked for. Call once, after reading.
  void warnUnknownKeys();

 private:
  void typeError(std::string_view key, const json::Value& v, std::string_view expected);

  const json::Value* object_;
  std::string path_;
  ConfigIssues& issues_;
  std::vector<bool> used_;
};

// The byte offset of `object`'s member `key` (letter case ignored, as ObjectReader matches keys),
// or of `object` itself when it has no such member: where an error about that member points.
uint32_t memberOffset(const json::Value& object, std::string_view key);

// Reads an array of strings; records errors for non-strings. nullopt when `value` is not an
// array.
std::optional<std::vector<std::string>> readStringArray(const json::Value& value,
                                                        const std::string& path,
                                                        ConfigIssues& issues);

}  // namespace routesim
