#include "tools/routesim/run_command.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "tools/routesim/scenario_file.h"
#include "tools/runner/scenario_run.h"

namespace routesim::cli {

int runRun(const RunOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<ScenarioFile> file = loadScenarioFile(options.scenario_file, "routesim run", err);
  if (!file) return 2;
  const scenario::LoadedScenario& loaded = file->loaded;

  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    err << "routesim run: cannot create the output folder " << options.out_dir << ": "
        << ec.message() << "\n";
    return 2;
  }
  runner::RunOptions run;
  run.out_dir = options.out_dir;
  run.threads = options.threads;
  std::ofstream trace;
  if (!options.trace_file.empty()) {
    trace.open(options.trace_file, std::ios::binary);
    if (!trace) {
      err << "routesim run: cannot write " << options.trace_file << "\n";
      return 2;
    }
    run.trace = &trace;
  }
  if (!options.quiet && isatty(STDERR_FILENO)) {
    run.progress = [&err](double fraction) {
      err << "\rreplaying: " << static_cast<int>(fraction * 100) << "% of virtual time"
          << std::flush;
    };
  }
  std::vector<ConfigIssue> deployment;
  for (const ConfigIssue& i : loaded.deployment_errors) deployment.push_back(i);
  runner::RunReport report = runner::runScenario(loaded.scenario, deployment, run);
  if (run.progress) err << "\r" << std::string(40, ' ') << "\r";

  if (!options.html_file.empty()) {
    std::ofstream f(options.html_file, std::ios::binary);
    f << runner::reportHtml(report);
    if (!f) {
      err << "routesim run: cannot write " << options.html_file << "\n";
      return 2;
    }
  }
  std::string json = runner::reportJson(report);
  if (options.report_file == "-") {
    out << json;
  } else {
    if (!options.report_file.empty()) {
      std::ofstream f(options.report_file, std::ios::binary);
      f << json;
      if (!f) {
        err << "routesim run: cannot write " << options.report_file << "\n";
        return 2;
      }
    }
    runner::printSummary(report, out);
  }
  if (report.save_error) {
    err << "routesim run: the endpoints' output under " << options.out_dir
        << " is incomplete: " << *report.save_error << "\n";
    return 2;
  }
  return report.exitCode();
}

}  // namespace routesim::cli
