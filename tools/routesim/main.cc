// routesim: the command. Parses arguments and hands them to the libraries; no logic here.
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/routesim/eval_command.h"

int main(int argc, char** argv) {
  CLI::App app{"routesim: offline simulator and benchmark of Azure IoT Hub message routing"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "routesim 0.1.0");

  routesim::cli::EvalOptions eval;
  CLI::App* eval_cmd = app.add_subcommand(
      "eval", "Evaluate routing queries on messages (a cases file, or one query on one message)");
  auto* cases_opt = eval_cmd->add_option("--cases", eval.cases,
                                         "JSONL file of cases {id, query, message, twin?, source?, "
                                         "expect?}; '-' reads stdin");
  eval_cmd->add_flag("--check", eval.check,
                     "Compare each result with the case's \"expect\"; exit 1 on any mismatch");
  auto* query_opt = eval_cmd->add_option("--query", eval.query, "One routing query to evaluate");
  eval_cmd->add_option("--message", eval.message_file, "Message JSON file for --query");
  eval_cmd->add_option("--twin", eval.twin_file, "Twin JSON file for --query");
  eval_cmd->add_option("--source", eval.source,
                       "Routing source for --query (default DeviceMessages)");
  cases_opt->excludes(query_opt);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (eval_cmd->parsed()) {
    eval.has_query = query_opt->count() > 0;
    return routesim::cli::runEval(eval, std::cin, std::cout, std::cerr);
  }
  return 2;
}
