// Benchmarks of the routing pipeline (bench/RESULTS.md, router section):
//   * BM_RouteTable/routes:N: RouteTable::route of the seeded telemetry against 1, 10 and 100
//     routes, as a router worker runs it (Validation::kPaths), one thread;
//   * BM_QueueHandoff/<queue>/batch:B: a producer thread handing 24-byte envelopes to a consumer
//     thread through moodycamel::ConcurrentQueue, beside the baseline std::mutex + std::deque;
//   * BM_Pipeline/threads:T: the whole Router (shards, queues, endpoints, metrics) on the 10-route
//     table with counting sinks, fed by its own workers as `routesim bench` does;
//   * BM_SwapTable: replacing the route table while the pipeline runs on two workers.
// Inputs come from tools/telemetry's fixed seeds, built outside the timed loops.
#include <benchmark/benchmark.h>
#include <concurrentqueue/concurrentqueue.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/message/stamp.h"
#include "core/router/corpus_source.h"
#include "core/router/router.h"
#include "core/routing/route_table.h"
#include "core/routing/routing_config.h"
#include "tools/telemetry/telemetry_generator.h"

namespace routesim::bench {
namespace {

constexpr size_t kPoolSize = 4096;

const std::vector<message::Message>& pool() {
  static const std::vector<message::Message> messages = [] {
    auto m = telemetry::makeTelemetryPool(kPoolSize);
    auto now = std::chrono::system_clock::now();
    for (auto& msg : m) message::stampIngress(msg, now);
    return m;
  }();
  return messages;
}

struct Table {
  routing::RoutingConfig config;
  std::shared_ptr<const routing::RouteTable> table;
};

Table makeTable(size_t routes) {
  std::string text = telemetry::routingObjectJson(telemetry::routeConditions(routes));
  auto value = json::parse(text);
  ConfigIssues issues;
  Table t;
  t.config = routing::readRoutingConfig(*value, "$", routing::RoutingLimits{}, issues);
  t.table = routing::RouteTable::build(t.config, {}, issues);
  if (issues.hasErrors()) t.table = nullptr;
  return t;
}

void BM_RouteTable(benchmark::State& state) {
  Table t = makeTable(static_cast<size_t>(state.range(0)));
  if (!t.table) {
    state.SkipWithError("the routing object does not build");
    return;
  }
  const auto& messages = pool();
  query::EvalScratch scratch;
  scratch.setValidation(message::Validation::kPaths);
  routing::RoutingResult result;
  size_t i = 0;
  uint64_t deliveries = 0;
  for (auto _ : state) {
    t.table->route(messages[i], scratch, result);
    deliveries += result.deliveries.size();
    i = (i + 1) % kPoolSize;
  }
  benchmark::DoNotOptimize(deliveries);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["deliveries/msg"] =
      static_cast<double>(deliveries) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_RouteTable)->ArgNames({"routes"})->Arg(1)->Arg(10)->Arg(100);

struct Envelope {
  const void* message;
  uint64_t ingress_ns;
  uint32_t size;
};

// The baseline a first version would use: a std::deque under a std::mutex.
class MutexQueue {
 public:
  void pushBulk(const Envelope* items, size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    q_.insert(q_.end(), items, items + n);
  }
  size_t popBulk(Envelope* out, size_t max) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = std::min(max, q_.size());
    std::copy_n(q_.begin(), n, out);
    q_.erase(q_.begin(), q_.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }

 private:
  std::mutex mu_;
  std::deque<Envelope> q_;
};

class MoodyQueue {
 public:
  MoodyQueue() : q_(1 << 16), consumer_(q_) {}
  void pushBulk(const Envelope* items, size_t n) {
    if (!producer_) producer_ = std::make_unique<moodycamel::ProducerToken>(q_);
    if (n == 1) {
      q_.enqueue(*producer_, *items);
    } else {
      q_.enqueue_bulk(*producer_, items, n);
    }
  }
  size_t popBulk(Envelope* out, size_t max) {
    if (max == 1) return q_.try_dequeue(consumer_, *out) ? 1 : 0;
    return q_.try_dequeue_bulk(consumer_, out, max);
  }

 private:
  moodycamel::ConcurrentQueue<Envelope> q_;
  moodycamel::ConsumerToken consumer_;
  std::unique_ptr<moodycamel::ProducerToken> producer_;  // used by the producer thread only
};

// One producer thread, the benchmark thread consuming; `batch` items per queue operation, a
// bound of 64 Ki queued items (the producer waits beyond it, as the router's backpressure).
template <typename Queue>
void BM_QueueHandoff(benchmark::State& state) {
  const auto batch = static_cast<size_t>(state.range(0));
  constexpr size_t kItems = 1 << 20;
  std::vector<Envelope> out(batch);
  for (auto _ : state) {
    Queue q;
    std::atomic<int64_t> queued{0};
    std::thread producer([&] {
      std::vector<Envelope> items(batch);
      for (size_t sent = 0; sent < kItems; sent += batch) {
        for (size_t k = 0; k < batch; ++k) items[k] = Envelope{nullptr, sent + k, 0};
        while (queued.load(std::memory_order_acquire) > (1 << 16)) std::this_thread::yield();
        q.pushBulk(items.data(), batch);
        queued.fetch_add(static_cast<int64_t>(batch), std::memory_order_acq_rel);
      }
    });
    size_t received = 0;
    uint64_t check = 0;
    while (received < kItems) {
      size_t n = q.popBulk(out.data(), batch);
      if (n == 0) {
        std::this_thread::yield();
        continue;
      }
      queued.fetch_sub(static_cast<int64_t>(n), std::memory_order_acq_rel);
      for (size_t k = 0; k < n; ++k) check += out[k].ingress_ns;
      received += n;
    }
    producer.join();
    if (check != static_cast<uint64_t>(kItems) * (kItems - 1) / 2) {
      state.SkipWithError("items lost or duplicated");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kItems));
}
BENCHMARK_TEMPLATE(BM_QueueHandoff, MoodyQueue)
    ->Name("BM_QueueHandoff/moodycamel")
    ->ArgNames({"batch"})
    ->Arg(1)
    ->Arg(64)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_QueueHandoff, MutexQueue)
    ->Name("BM_QueueHandoff/mutex_deque")
    ->ArgNames({"batch"})
    ->Arg(1)
    ->Arg(64)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Pipeline(benchmark::State& state) {
  Table t = makeTable(10);
  if (!t.table) {
    state.SkipWithError("the routing object does not build");
    return;
  }
  router::EndpointRegistry registry;
  router::registerCountingEndpoints(registry);
  constexpr uint64_t kPasses = 250;  // about a million messages: steady state dominates
  const auto& messages = pool();
  for (auto _ : state) {
    router::RouterOptions options;
    options.workers = static_cast<size_t>(state.range(0));
    router::Router r(t.table, registry, t.config.endpoints, options);
    router::CorpusSource source(r, messages, {kPasses, std::nullopt, 64});
    r.start(&source);
    r.stop();
    if (!r.checkConservation().ok()) {
      state.SkipWithError("conservation failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPasses * messages.size()));
}
BENCHMARK(BM_Pipeline)
    ->ArgNames({"threads"})
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The time to replace the route table while one or two workers route: publishing the new table (an
// atomic exchange) and waiting until no worker can still use the old one (then it is freed).
void BM_SwapTable(benchmark::State& state) {
  Table a = makeTable(10);
  Table b = makeTable(100);
  if (!a.table || !b.table) {
    state.SkipWithError("the routing object does not build");
    return;
  }
  router::EndpointRegistry registry;
  router::registerCountingEndpoints(registry);
  router::RouterOptions options;
  options.workers = static_cast<size_t>(state.range(0));
  router::Router r(a.table, registry, a.config.endpoints, options);
  router::CorpusSource source(r, pool(), {});  // until stop()
  r.start(&source);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  bool flip = false;
  double publish_ns = 0;
  for (auto _ : state) {
    router::SwapStats s = r.swapTable(flip ? a.table : b.table);
    publish_ns += static_cast<double>(s.publish.count());
    flip = !flip;
  }
  state.counters["publish_ns"] = publish_ns / static_cast<double>(state.iterations());
  source.stop();
  r.stop();
}
BENCHMARK(BM_SwapTable)
    ->ArgNames({"workers"})
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(2000);

}  // namespace
}  // namespace routesim::bench
