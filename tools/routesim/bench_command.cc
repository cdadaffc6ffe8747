#include "tools/routesim/bench_command.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/common/config_issues.h"
#include "core/common/file_io.h"
#include "core/common/json.h"
#include "core/message/message_json.h"
#include "core/message/stamp.h"
#include "core/router/corpus_source.h"
#include "core/router/router.h"
#include "core/routing/route_table.h"
#include "core/routing/routing_config.h"
#include "endpoints/registry/emulators.h"
#include "endpoints/registry/endpoint_health_json.h"

namespace routesim::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;

struct RunResult {
  metrics::MetricsSnapshot metrics;
  std::vector<metrics::EndpointDescription> endpoints;
  double seconds = 0;
};

// The emulators of a bench run: created for the endpoints the routes name, writing under
// `out_dir` on the wall clock.
std::unique_ptr<endpoints::Emulators> makeEmulators(
    const std::vector<routing::EndpointConfig>& configs, const BenchOptions& options,
    const endpoints::EmulatorResources& resources, const std::filesystem::path& out_dir,
    std::string_view routes_text, std::ostream& err) {
  endpoints::EmulatorContext context = endpoints::EmulatorContext::wallTime();
  context.out_dir = out_dir;
  context.hub_name = options.hub_name;
  ConfigIssues issues;
  auto emulators = endpoints::Emulators::create(context, resources, configs,
                                                options.resources_files.empty()
                                                    ? endpoints::MissingTargets::kCreate
                                                    : endpoints::MissingTargets::kError,
                                                issues);
  if (!issues.items().empty()) err << issues.format(options.routes_file, routes_text);
  if (!emulators) {
    err << "routesim bench: " << options.routes_file << ": " << issues.errorCount()
        << " endpoint(s) cannot be bound to the resources given\n";
  }
  return emulators;
}

// The resources of every --resources file; false (after printing the problems) when any has
// errors.
bool readResources(const BenchOptions& options, endpoints::EmulatorResources& resources,
                   std::ostream& err) {
  bool ok = true;
  for (const std::string& file : options.resources_files) {
    auto text = readFile(file);
    if (!text.ok()) {
      err << "routesim bench: " << text.error().message() << '\n';
      ok = false;
      continue;
    }
    ConfigIssues issues;
    endpoints::readResourceFile(*text, file, resources, issues);
    if (!issues.items().empty()) err << issues.format(file, *text);
    ok = ok && !issues.hasErrors();
  }
  return ok;
}

// Runs `fn` every `period` on its own thread until destroyed (time-driven emulator work while
// the router runs: Storage windows, retention, expiry).
class Ticker {
 public:
  Ticker(std::chrono::milliseconds period, std::function<void()> fn)
      : thread_([this, period, fn = std::move(fn)] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, period, [this] { return stop_; })) fn();
        }) {}
  ~Ticker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

RunResult runOnce(const std::shared_ptr<const routing::RouteTable>& table,
                  const std::vector<routing::EndpointConfig>& configs,
                  const std::vector<message::Message>& messages, const BenchOptions& options,
                  endpoints::Emulators* emulators, std::optional<uint64_t> passes,
                  std::optional<double> seconds, bool progress, std::ostream& err) {
  router::EndpointRegistry registry;
  router::registerCountingEndpoints(registry);
  if (emulators != nullptr) emulators->registerWith(registry);
  router::RouterOptions ro;
  ro.workers = options.threads;
  router::Router router(table, registry, configs, ro);
  router::CorpusSource source(router, messages, {passes, options.rate, 64});
  std::optional<Ticker> ticker;
  if (emulators != nullptr) {
    ticker.emplace(std::chrono::milliseconds(50), [&router] { router.tickEndpoints(); });
  }
  auto t0 = std::chrono::steady_clock::now();
  source.begin(router.now());
  router.start(&source);
  if (seconds) {
    auto deadline = t0 + std::chrono::duration<double>(*seconds);
    auto next_report = t0 + std::chrono::seconds(1);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (progress && std::chrono::steady_clock::now() >= next_report) {
        double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        uint64_t n = router.metrics().ingress_attempts;
        err << "\r  " << std::fixed << std::setprecision(1) << elapsed << " s  "
            << static_cast<uint64_t>(static_cast<double>(n) / elapsed) << " msg/s   " << std::flush;
        next_report += std::chrono::seconds(1);
      }
    }
    source.stop();
  }
  router.stop();  // drains: every accepted message reaches its outcome
  auto t1 = std::chrono::steady_clock::now();
  ticker.reset();
  if (emulators != nullptr) {
    router.flushEndpoints();  // Storage completes its open blobs
    Status saved = emulators->save();
    if (saved.ok()) {
      saved = writeFile((emulators->context().out_dir / "health.json").string(),
                        endpoints::endpointHealthJson(router.endpointDescriptions(),
                                                      router.health(), emulators->context()));
    }
    if (!saved.ok()) err << "routesim bench: " << saved.error().message() << '\n';
  }
  if (progress && seconds) err << "\r" << std::string(40, ' ') << "\r" << std::flush;
  RunResult r;
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.metrics = router.metrics();
  r.endpoints = router.endpointDescriptions();
  Status conservation = router.checkConservation();
  if (!conservation.ok()) err << "routesim bench: " << conservation.error().message() << '\n';
  return r;
}

std::string groupDigits(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string micros(uint64_t ns) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(ns < 10000 ? 2 : 1) << static_cast<double>(ns) / 1000.0;
  return o.str();
}

}  // namespace

int runBench(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  if (options.seconds && options.passes) {
    err << "routesim bench: give --seconds or --passes, not both\n";
    return kExitBadInput;
  }
  if (options.seconds && !(*options.seconds > 0)) {
    err << "routesim bench: --seconds must be positive\n";
    return kExitBadInput;
  }
  if (options.rate && !(*options.rate > 0)) {
    err << "routesim bench: --rate must be a positive number of messages per second\n";
    return kExitBadInput;
  }

  auto routes_text = readFile(options.routes_file);
  if (!routes_text.ok()) {
    err << "routesim bench: " << routes_text.error().message() << '\n';
    return kExitBadInput;
  }
  auto routes_json = json::parse(*routes_text);
  if (!routes_json.ok()) {
    ConfigIssues parse_issue;
    parse_issue.error("$", "InvalidJson", routes_json.error().message(),
                      routes_json.error().span().offset);
    err << parse_issue.format(options.routes_file, *routes_text);
    return kExitBadInput;
  }
  ConfigIssues issues;
  routing::RoutingConfig config =
      routing::readRoutingConfig(*routes_json, "$", routing::RoutingLimits{}, issues);
  routing::RouteTable::BuildOptions build;
  build.hub_name = options.hub_name;
  auto table = routing::RouteTable::build(config, build, issues);
  if (!issues.items().empty()) err << issues.format(options.routes_file, *routes_text);
  if (issues.hasErrors()) {
    err << "routesim bench: " << options.routes_file << ": " << issues.errorCount()
        << " error(s); the routing object is not valid\n";
    return kExitBadInput;
  }

  auto messages_text = readFile(options.messages_file);
  if (!messages_text.ok()) {
    err << "routesim bench: " << messages_text.error().message() << '\n';
    return kExitBadInput;
  }
  auto messages = message::readMessageLines(*messages_text, options.messages_file, true);
  if (!messages.ok()) {
    err << "routesim bench: " << messages.error().message() << '\n';
    return kExitBadInput;
  }
  if (messages->empty()) {
    err << "routesim bench: " << options.messages_file << ": no messages\n";
    return kExitBadInput;
  }
  // The hub stamps each message as it receives it; the bench stamps once, at load.
  auto received = std::chrono::system_clock::now();
  for (message::Message& m : *messages) message::stampIngress(m, received);

  bool progress = options.progress && isatty(STDERR_FILENO) != 0;
  std::optional<uint64_t> passes = options.passes;
  std::optional<double> seconds = options.seconds;
  if (!passes && !seconds) seconds = 10.0;
  if (!options.resources_files.empty() && !options.emulators) {
    err << "routesim bench: --resources needs --emulators\n";
    return kExitBadInput;
  }
  endpoints::EmulatorResources resources;
  if (!readResources(options, resources, err)) return kExitBadInput;
  std::filesystem::path out_dir = options.out_dir;
  if (seconds) {
    // Warm-up, not counted: caches, page faults, branch predictors, the thread pool. With
    // emulators it writes to a scratch folder, removed after.
    std::unique_ptr<endpoints::Emulators> warm;
    std::filesystem::path warm_dir = out_dir / ".routesim-warmup";
    if (options.emulators) {
      warm = makeEmulators(config.endpoints, options, resources, warm_dir, *routes_text, err);
      if (!warm) return kExitBadInput;
    }
    runOnce(table, config.endpoints, *messages, options, warm.get(), std::nullopt,
            std::min(1.0, std::max(0.1, *seconds / 10)), false, err);
    std::error_code ec;
    std::filesystem::remove_all(warm_dir, ec);
  }
  std::unique_ptr<endpoints::Emulators> emulators;
  if (options.emulators) {
    emulators = makeEmulators(config.endpoints, options, resources, out_dir, *routes_text, err);
    if (!emulators) return kExitBadInput;
  }
  RunResult r = runOnce(table, config.endpoints, *messages, options, emulators.get(), passes,
                        seconds, progress, err);

  const metrics::MetricsSnapshot& m = r.metrics;
  uint64_t total = m.ingress_attempts;
  double rate = r.seconds > 0 ? static_cast<double>(total) / r.seconds : 0;
  uint64_t fallback = 0;
  uint64_t invalid = 0;
  uint64_t dropped = 0;
  for (const auto& e : m.endpoints) {
    fallback += e.fallback;
    invalid += e.invalid;
    dropped += e.dropped;
  }

  // The readable table.
  out << "routesim bench: " << table->routeCount() << " routes, " << table->endpoints().size()
      << " endpoints, " << messages->size() << " messages, " << r.metrics.endpoints.size()
      << (emulators ? " emulated endpoints, " : " sinks, ")
      << (options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency()))
      << " threads\n";
  out << "  messages     " << groupDigits(total) << " in " << std::fixed << std::setprecision(2)
      << r.seconds << " s = " << groupDigits(static_cast<uint64_t>(rate)) << " msg/s\n";
  out << "  latency      p50 " << micros(m.latency.percentile(50)) << " us, p90 "
      << micros(m.latency.percentile(90)) << ", p99 " << micros(m.latency.percentile(99))
      << ", p99.9 " << micros(m.latency.percentile(99.9)) << ", max " << micros(m.latency.max())
      << "\n";
  out << "  endpoint                         matched\n";
  for (size_t i = 0; i < r.endpoints.size(); ++i) {
    std::string name = r.endpoints[i].name;
    out << "  " << name << std::string(name.size() < 28 ? 28 - name.size() : 1, ' ')
        << std::setw(12) << groupDigits(m.endpoints[i].delivered - m.endpoints[i].fallback) << "\n";
  }
  if (emulators) {
    out << "  emulators    output, saved state and health.json in " << out_dir.string()
        << " (routesim inspect --out " << out_dir.string() << " ...)\n";
  }
  out << "  fallback " << groupDigits(fallback) << ", orphaned " << groupDigits(m.orphanedTotal())
      << ", invalid " << groupDigits(invalid) << ", rejected " << groupDigits(m.ingress_rejected)
      << ", dropped " << groupDigits(dropped) << "\n";

  // The JSON summary, last.
  std::string j = "{\"messages\":" + std::to_string(total) + ",\"seconds\":";
  json::appendNumber(j, std::round(r.seconds * 1e6) / 1e6);
  j += ",\"messagesPerSecond\":";
  json::appendNumber(j, std::round(rate));
  j += ",\"latencyMicros\":{";
  const std::pair<const char*, double> points[] = {
      {"p50", 50}, {"p90", 90}, {"p99", 99}, {"p999", 99.9}};
  for (const auto& [name, p] : points) {
    j += "\"" + std::string(name) + "\":";
    json::appendNumber(j, std::round(static_cast<double>(m.latency.percentile(p)) / 10.0) / 100.0);
    j += ",";
  }
  j += "\"max\":";
  json::appendNumber(j, std::round(static_cast<double>(m.latency.max()) / 10.0) / 100.0);
  j += "},\"matched\":{";
  for (size_t i = 0; i < r.endpoints.size(); ++i) {
    if (i) j += ",";
    json::appendQuoted(j, r.endpoints[i].name);
    j += ":" + std::to_string(m.endpoints[i].delivered - m.endpoints[i].fallback);
  }
  j += "},\"fallback\":" + std::to_string(fallback) +
       ",\"orphaned\":" + std::to_string(m.orphanedTotal()) +
       ",\"invalid\":" + std::to_string(invalid) +
       ",\"rejected\":" + std::to_string(m.ingress_rejected) +
       ",\"dropped\":" + std::to_string(dropped) + "}";
  out << j << '\n';
  return kExitOk;
}

}  // namespace routesim::cli
