// `routesim run SCENARIO [--report FILE.json] [--trace FILE.ndjson] [--out DIR]`: replays a
// scenario file in virtual time (tools/runner) and reports every message's fate.
#pragma once

#include <iosfwd>
#include <string>

namespace routesim::cli {

struct RunOptions {
  std::string scenario_file;
  std::string report_file;  // the JSON report; "-" writes it to stdout instead of the summary
  std::string trace_file;   // one NDJSON line per message outcome
  std::string html_file;    // the report as a self-contained HTML page
  std::string out_dir = "routesim-out";
  unsigned threads = 0;  // 0: hardware threads (runner::RunOptions::threads)
  bool quiet = false;
};

// 0: ran and every expectation held; 1: an expectation failed or the deployment failed
// unexpectedly; 2: the file is not valid JSON or breaks the scenario schema, or an output
// (report, trace, the endpoints' files under out_dir) could not be written.
int runRun(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace routesim::cli
