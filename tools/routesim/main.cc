// routesim: the command. Parses arguments and hands them to the libraries; no logic here.
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/routesim/bench_command.h"
#include "tools/routesim/eval_command.h"
#include "tools/routesim/generate_command.h"

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

  routesim::cli::BenchOptions bench;
  CLI::App* bench_cmd = app.add_subcommand(
      "bench",
      "Benchmark routing: push a message corpus through a route table and report "
      "throughput, latency and exact counts");
  bench_cmd
      ->add_option("--messages", bench.messages_file,
                   "NDJSON file of messages (each with a deviceId)")
      ->required();
  bench_cmd
      ->add_option("--routes", bench.routes_file,
                   "The `routing` object of an IoT Hub resource, as ARM writes it")
      ->required();
  bench_cmd->add_option("--threads", bench.threads, "Worker threads (default: hardware threads)");
  double seconds = 0;
  uint64_t passes = 0;
  double rate = 0;
  auto* seconds_opt =
      bench_cmd->add_option("--seconds", seconds, "Run time after a warm-up (default 10)");
  auto* passes_opt =
      bench_cmd->add_option("--passes", passes, "Exactly this many passes over the messages");
  auto* rate_opt =
      bench_cmd->add_option("--rate", rate, "Offered load, messages per second (open loop)");
  bench_cmd->add_option("--hub-name", bench.hub_name,
                        "Hub name for $iothubname (default routesim-hub)");
  seconds_opt->excludes(passes_opt);

  routesim::cli::GenerateOptions generate;
  CLI::App* generate_cmd = app.add_subcommand(
      "generate", "Write the seeded telemetry workload: messages (NDJSON) or a routing object");
  uint64_t gen_messages = 0;
  uint64_t gen_routes = 0;
  uint64_t gen_seed = 0;
  auto* gen_messages_opt =
      generate_cmd->add_option("--messages", gen_messages, "Write this many messages as NDJSON");
  auto* gen_routes_opt = generate_cmd->add_option("--routes", gen_routes,
                                                  "Write a routing object with this many routes");
  auto* gen_seed_opt = generate_cmd->add_option("--seed", gen_seed, "Seed (default: the bench's)");
  generate_cmd->add_option("--devices", generate.devices, "Distinct devices (default 200)");
  gen_messages_opt->excludes(gen_routes_opt);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (generate_cmd->parsed()) {
    if (gen_messages_opt->count()) generate.messages = gen_messages;
    if (gen_routes_opt->count()) generate.routes = gen_routes;
    if (gen_seed_opt->count()) generate.seed = gen_seed;
    return routesim::cli::runGenerate(generate, std::cout, std::cerr);
  }
  if (bench_cmd->parsed()) {
    if (seconds_opt->count()) bench.seconds = seconds;
    if (passes_opt->count()) bench.passes = passes;
    if (rate_opt->count()) bench.rate = rate;
    return routesim::cli::runBench(bench, std::cout, std::cerr);
  }
  if (eval_cmd->parsed()) {
    eval.has_query = query_opt->count() > 0;
    return routesim::cli::runEval(eval, std::cin, std::cout, std::cerr);
  }
  return 2;
}
