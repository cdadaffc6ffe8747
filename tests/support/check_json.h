// `routesim check FILE --format json` run in-process for tests: the exit code, what it printed
// and, unless the file itself was refused (exit 2), the parsed report.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>

#include "core/common/json.h"
#include "tools/routesim/check_command.h"

namespace routesim::testing {

struct CheckJson {
  int code = -1;
  std::string out;
  std::string err;
  json::Value json;
};

inline CheckJson runCheckJson(cli::CheckOptions options) {
  options.format = "json";
  std::ostringstream out, err;
  CheckJson r;
  r.code = cli::runCheck(options, out, err);
  r.out = out.str();
  r.err = err.str();
  if (r.code != 2) {
    auto parsed = json::parse(r.out);
    EXPECT_TRUE(parsed.ok()) << options.scenario_file << ": exit " << r.code << "\n"
                             << r.out << r.err;
    if (parsed.ok()) r.json = std::move(parsed).value();
  }
  return r;
}

}  // namespace routesim::testing
