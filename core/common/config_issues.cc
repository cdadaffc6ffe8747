#include "core/common/config_issues.h"

#include "core/common/diagnostic.h"

namespace routesim {

bool ConfigIssues::hasErrors() const { return errorCount() > 0; }

size_t ConfigIssues::errorCount() const {
  size_t n = 0;
  for (const ConfigIssue& i : items_) n += i.severity == ConfigIssue::Severity::kError ? 1 : 0;
  return n;
}

std::string ConfigIssues::format(std::string_view file, std::string_view text) const {
  std::string out;
  for (const ConfigIssue& i : items_) {
    LineColumn lc = locate(text, i.offset);
    out += std::string(file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) +
           (i.severity == ConfigIssue::Severity::kError ? ": error: " : ": warning: ") + i.path +
           ": " + i.message;
    if (!i.code.empty()) out += " [" + i.code + "]";
    out += "\n";
  }
  return out;
}

}  // namespace routesim
