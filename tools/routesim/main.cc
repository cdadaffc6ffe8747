// routesim: the command. Parses arguments and hands them to the libraries; no logic here.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "tools/routesim/bench_command.h"
#include "tools/routesim/check_command.h"
#include "tools/routesim/eval_command.h"
#include "tools/routesim/generate_command.h"
#include "tools/routesim/inspect_command.h"
#include "tools/routesim/run_command.h"

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

  routesim::cli::RunOptions run;
  CLI::App* run_cmd = app.add_subcommand(
      "run",
      "Replay a scenario file in virtual time: every message's fate, every denial, whether the "
      "expectations held");
  run_cmd->add_option("scenario", run.scenario_file, "Scenario file (JSON)")->required();
  run_cmd->add_option("--report", run.report_file,
                      "Write the JSON report here ('-': to stdout instead of the summary)");
  run_cmd->add_option("--html", run.html_file,
                      "Write the report as a self-contained HTML page (charts per minute)");
  run_cmd->add_option("--trace", run.trace_file, "Write one NDJSON line per message outcome here");
  run_cmd->add_option("--out", run.out_dir,
                      "Output folder of the endpoint emulators (default routesim-out)");
  run_cmd
      ->add_option("--threads", run.threads,
                   "Threads to use (default: hardware threads; 1: one). The replay is one; "
                   "the others write the endpoints' output meanwhile. The report and the "
                   "output do not depend on it")
      ->check(CLI::Range(1u, 1024u));
  run_cmd->add_flag("--quiet", run.quiet, "No progress line");

  routesim::cli::CheckOptions check;
  CLI::App* check_cmd = app.add_subcommand(
      "check",
      "Find firewall, identity, routing and ingress misconfigurations in a scenario file without "
      "traffic, with the error Azure would give and the fix");
  check_cmd->add_option("file", check.scenario_file, "Scenario file, or ARM deployment template")
      ->required();
  check_cmd->add_option("--parameters", check.parameters_file,
                        "ARM parameters file for a template (default: the defaultValues)");
  check_cmd->add_option("--format", check.format,
                        "text (default), json, or sarif (SARIF 2.1.0 for code scanning)");

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
  bench_cmd->add_flag("--emulators", bench.emulators,
                      "Deliver into the Storage, Event Hubs and Service Bus emulators instead of "
                      "counting sinks (output for `routesim inspect` in --out)");
  auto* bench_out_opt = bench_cmd->add_option(
      "--out", bench.out_dir, "Output folder of the emulators (default routesim-out)");
  bench_out_opt->needs(bench_cmd->get_option("--emulators"));
  bench_cmd
      ->add_option("--resources", bench.resources_files,
                   "ARM template, resources array or emulator Config.json declaring what the "
                   "endpoints send to (repeatable; default: created after the routes)")
      ->needs(bench_cmd->get_option("--emulators"));
  seconds_opt->excludes(passes_opt);

  routesim::cli::InspectOptions inspect;
  CLI::App* inspect_cmd =
      app.add_subcommand("inspect", "Read back what a run or bench left in its output folder");
  inspect_cmd->require_subcommand(1);
  inspect_cmd->fallthrough();
  inspect_cmd->add_option("--out", inspect.out_dir, "Output folder (default routesim-out)");
  inspect_cmd->add_option("--max", inspect.max,
                          "Records, events or messages to print at most (default 100; 0: all)");
  inspect_cmd->add_flag("--json", inspect.json, "Listings and health as JSON");
  struct Sub {
    CLI::App* app;
    routesim::cli::InspectWhat what;
  };
  std::vector<Sub> subs;
  auto sub = [&](const char* name, const char* help, routesim::cli::InspectWhat what) {
    CLI::App* a = inspect_cmd->add_subcommand(name, help);
    subs.push_back({a, what});
    return a;
  };
  using routesim::cli::InspectWhat;
  CLI::App* blobs_cmd =
      sub("blobs", "List the blobs the Storage endpoints wrote", InspectWhat::kBlobs);
  blobs_cmd->add_option("--account", inspect.account, "Only this storage account");
  blobs_cmd->add_option("--container", inspect.container, "Only this container");
  sub("blob", "Print a blob's records as JSON lines (Avro decoded)", InspectWhat::kBlob)
      ->add_option("name", inspect.blob, "<account>/<container>/<blob name>")
      ->required();
  std::optional<uint32_t> partition;
  std::optional<std::string> consumer_group;
  auto add_read_options = [&](CLI::App* a) {
    a->add_option("--partition", partition, "Only this partition (default: all)");
    a->add_option("--from", inspect.from,
                  "Start position: earliest (default), latest, offset:N, sequence:N "
                  "(offset:>N, sequence:>N exclusive), time:2026-01-01T00:00:00Z");
    a->add_option("--consumer-group", consumer_group,
                  "Read as this consumer group, from its checkpoint");
  };
  CLI::App* eventhub_cmd =
      sub("eventhub", "Read an event hub's partitions as JSON lines", InspectWhat::kEventHub);
  eventhub_cmd->add_option("--namespace", inspect.namespace_name, "Event Hubs namespace")
      ->required();
  eventhub_cmd->add_option("--hub", inspect.hub, "Event hub")->required();
  add_read_options(eventhub_cmd);
  CLI::App* events_cmd =
      sub("events", "Read the hub's built-in events endpoint as JSON lines", InspectWhat::kEvents);
  events_cmd->add_option("--hub", inspect.hub, "IoT hub name (default: the only one saved)");
  add_read_options(events_cmd);
  CLI::App* queue_cmd =
      sub("queue", "Peek or receive a Service Bus queue's messages", InspectWhat::kQueue);
  queue_cmd->add_option("--namespace", inspect.namespace_name, "Service Bus namespace")->required();
  queue_cmd->add_option("--queue", inspect.queue, "Queue")->required();
  CLI::App* subscription_cmd =
      sub("subscription", "Peek or receive a topic subscription's messages",
          InspectWhat::kSubscription);
  subscription_cmd->add_option("--namespace", inspect.namespace_name, "Service Bus namespace")
      ->required();
  subscription_cmd->add_option("--topic", inspect.topic, "Topic")->required();
  subscription_cmd->add_option("--subscription", inspect.subscription, "Subscription")->required();
  for (CLI::App* a : {queue_cmd, subscription_cmd}) {
    a->add_flag("--dead-letter", inspect.dead_letter, "The entity's dead-letter queue");
    a->add_flag("--receive", inspect.receive,
                "Receive and delete (the saved state loses them) instead of peeking");
  }
  sub("health", "Endpoint health as GetEndpointHealth returns it", InspectWhat::kHealth);

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

  if (run_cmd->parsed()) return routesim::cli::runRun(run, std::cout, std::cerr);
  if (check_cmd->parsed()) return routesim::cli::runCheck(check, std::cout, std::cerr);
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
  if (inspect_cmd->parsed()) {
    for (const Sub& s : subs) {
      if (s.app->parsed()) inspect.what = s.what;
    }
    inspect.partition = partition;
    inspect.consumer_group = consumer_group;
    return routesim::cli::runInspect(inspect, std::cout, std::cerr);
  }
  if (eval_cmd->parsed()) {
    eval.has_query = query_opt->count() > 0;
    return routesim::cli::runEval(eval, std::cin, std::cout, std::cerr);
  }
  return 2;
}
