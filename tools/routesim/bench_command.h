// `routesim bench`: route a corpus of messages through a hub's route table as fast as the
// machine allows (or at a fixed offered rate) and report throughput, latency percentiles and
// exact per-endpoint counts (DESIGN.md "Interfaces", routesim bench).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace routesim::cli {

struct BenchOptions {
  std::string messages_file;       // NDJSON of message JSON, each with a deviceId
  std::string routes_file;         // the bare `routing` object of an IoT Hub resource
  size_t threads = 0;              // 0: hardware threads
  std::optional<double> seconds;   // closed-loop run time (default 10) after a warm-up
  std::optional<uint64_t> passes;  // exactly this many passes over the messages, no warm-up
  std::optional<double> rate;      // offered load in messages per second (open loop)
  std::string hub_name = "routesim-hub";
  // Deliver into the Storage, Event Hubs and Service Bus emulators (created for the endpoints
  // the routes name) instead of counting sinks; their output, saved state and endpoint health
  // go to `out_dir` for `routesim inspect`.
  bool emulators = false;
  std::string out_dir = "routesim-out";
  // With emulators: the resources the endpoints send to (ARM templates or resources arrays,
  // the official emulators' Config.json). Given any, a target they do not declare is an error;
  // given none, the bench creates what the routes name.
  std::vector<std::string> resources_files;
  bool progress = true;  // a progress line on stderr when it is a terminal
};

// Exit code: 0 success; 2 bad input (unreadable or invalid files, bad options).
int runBench(const BenchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace routesim::cli
