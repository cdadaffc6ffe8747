#include "tools/routesim/check_command.h"

#include <iostream>

#include "tools/routesim/scenario_file.h"
#include "tools/runner/check.h"

namespace routesim::cli {

int runCheck(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format != "text" && options.format != "json" && options.format != "sarif") {
    err << "routesim check: --format is text, json or sarif, not '" << options.format << "'\n";
    return 2;
  }
  std::optional<ScenarioFile> file = loadScenarioFile(options.scenario_file, "routesim check", err);
  if (!file) return 2;
  std::vector<runner::Finding> findings = runner::checkScenario(file->loaded);
  if (options.format == "json") {
    out << runner::findingsJson(findings);
  } else if (options.format == "sarif") {
    out << runner::findingsSarif(findings, options.scenario_file, file->text);
  } else {
    runner::printFindings(findings, out, options.scenario_file, file->text);
  }
  for (const runner::Finding& f : findings) {
    if (f.severity == runner::Finding::Severity::kError) return 1;
  }
  return 0;
}

}  // namespace routesim::cli
