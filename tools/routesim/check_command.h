// `routesim check SCENARIO [--format text|json]`: what the scenario's configuration gets wrong,
// found without traffic (tools/runner/check.h).
#pragma once

#include <iosfwd>
#include <string>

namespace routesim::cli {

struct CheckOptions {
  std::string scenario_file;
  std::string format = "text";  // text | json | sarif
};

// 0: no finding of severity error; 1: at least one; 2: the file is not valid JSON or breaks
// the scenario schema, or bad options.
int runCheck(const CheckOptions& options, std::ostream& out, std::ostream& err);

}  // namespace routesim::cli
