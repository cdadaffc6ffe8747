// Reading a scenario file for the commands that take one (`run`, `check`): the file's text and
// what readScenario made of it, with its warnings and errors printed as file:line:column.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "core/scenario/scenario.h"

namespace routesim::cli {

struct ScenarioFile {
  std::string text;
  scenario::LoadedScenario loaded;
};

// nullopt (exit status 2) when the file cannot be read or has file errors; problems go to `err`
// prefixed by `command` ("routesim run").
std::optional<ScenarioFile> loadScenarioFile(const std::string& path, std::string_view command,
                                             std::ostream& err);

}  // namespace routesim::cli
