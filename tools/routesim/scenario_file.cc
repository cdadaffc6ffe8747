#include "tools/routesim/scenario_file.h"

#include <ostream>

#include "core/common/file_io.h"

namespace routesim::cli {

std::optional<ScenarioFile> loadScenarioFile(const std::string& path, std::string_view command,
                                             std::ostream& err) {
  auto text = readFile(path);
  if (!text.ok()) {
    err << command << ": " << text.error().message() << "\n";
    return std::nullopt;
  }
  ScenarioFile file{std::move(*text), {}};
  file.loaded = scenario::readScenario(file.text);
  if (!file.loaded.file_issues.items().empty())
    err << file.loaded.file_issues.format(path, file.text);
  if (!file.loaded.fileOk()) return std::nullopt;
  return file;
}

}  // namespace routesim::cli
