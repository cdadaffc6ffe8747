#include "tools/routesim/check_command.h"

#include <iostream>

#include "core/common/file_io.h"
#include "core/scenario/scenario.h"
#include "tools/runner/check.h"

namespace routesim::cli {

int runCheck(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format != "text" && options.format != "json" && options.format != "sarif") {
    err << "routesim check: --format is text, json or sarif, not '" << options.format << "'\n";
    return 2;
  }
  auto text = readFile(options.scenario_file);
  if (!text.ok()) {
    err << "routesim check: " << text.error().message() << "\n";
    return 2;
  }
  scenario::LoadedScenario loaded = scenario::readScenario(*text);
  if (!loaded.file_issues.items().empty())
    err << loaded.file_issues.format(options.scenario_file, *text);
  if (!loaded.fileOk()) return 2;
  std::vector<runner::Finding> findings = runner::checkScenario(loaded);
  if (options.format == "json") {
    out << runner::findingsJson(findings);
  } else if (options.format == "sarif") {
    out << runner::findingsSarif(findings, options.scenario_file, *text);
  } else {
    runner::printFindings(findings, out, options.scenario_file, *text);
  }
  for (const runner::Finding& f : findings) {
    if (f.severity == runner::Finding::Severity::kError) return 1;
  }
  return 0;
}

}  // namespace routesim::cli
