// `routesim check FILE [--format text|json|sarif] [--parameters P.json]`: what a scenario's
// configuration gets wrong, found without traffic (tools/runner/check.h). FILE is a scenario or
// an ARM deployment template (core/scenario/arm_template.h), whose resources are checked as a
// scenario without devices or traffic.
#pragma once

#include <iosfwd>
#include <string>

namespace routesim::cli {

struct CheckOptions {
  std::string scenario_file;
  std::string format = "text";  // text | json | sarif
  std::string parameters_file;  // an ARM parameters file, for a template
};

// 0: no finding of severity error; 1: at least one; 2: the file is not valid JSON or breaks
// the scenario schema, or bad options.
int runCheck(const CheckOptions& options, std::ostream& out, std::ostream& err);

}  // namespace routesim::cli
