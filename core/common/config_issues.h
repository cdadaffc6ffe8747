// Problems found in a configuration file (routing object, scenario): each with the JSON path and
// byte offset it concerns, an error code (Azure's where known) and a message. Errors make the
// configuration unusable; warnings (unknown keys, defaults assumed) do not.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace routesim {

struct ConfigIssue {
  enum class Severity : uint8_t { kError, kWarning };
  Severity severity = Severity::kError;
  std::string path;     // "$.routes[3].condition"
  std::string code;     // e.g. "IH400104" or routesim's "RouteNameInvalid"
  std::string message;  // what is wrong and what was expected
  uint32_t offset = 0;  // byte offset of the offending value in the file
};

class ConfigIssues {
 public:
  void error(std::string path, std::string code, std::string message, uint32_t offset) {
    items_.push_back({ConfigIssue::Severity::kError, std::move(path), std::move(code),
                      std::move(message), offset});
  }
  void warning(std::string path, std::string code, std::string message, uint32_t offset) {
    items_.push_back({ConfigIssue::Severity::kWarning, std::move(path), std::move(code),
                      std::move(message), offset});
  }

  bool hasErrors() const;
  size_t errorCount() const;
  const std::vector<ConfigIssue>& items() const { return items_; }

  // One line per issue: "<file>:<line>:<col>: error: <path>: <message> [<code>]", with the
  // line and column computed from `text` (the file's contents).
  std::string format(std::string_view file, std::string_view text) const;

 private:
  std::vector<ConfigIssue> items_;
};

}  // namespace routesim
