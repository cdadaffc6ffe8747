// The threaded router: many producers, 1 to 4 workers, tiny queues (Busy and backpressure),
// endpoints that refuse part of a batch, route tables swapped under load, and an
// IngressSource-driven run as the bench does it. Labelled "concurrency" for the TSan build.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/router/endpoint.h"
#include "core/router/router.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::router {
namespace {

using testing::Attempt;
using testing::buildTable;
using testing::BuiltTable;
using testing::Expectation;
using testing::kStandardRouting;
using testing::makeMessage;
using testing::Recorder;
using testing::Workload;

const std::vector<std::string> kStandardEndpoints = {"events", "hot", "archive", "alerts"};

// Ends the test process with a message if the test has not finished within `limit`: a router
// that deadlocks fails the test instead of hanging the suite (ctest runs each test alone).
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit) {
    thread_ = std::thread([this, limit] {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!cv_.wait_for(lock, limit, [this] { return done_; })) {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::fprintf(stderr, "%s.%s: no progress after %lld s: the router deadlocked\n",
                     info ? info->test_suite_name() : "?", info ? info->name() : "?",
                     static_cast<long long>(limit.count()));
        std::fflush(stderr);
        std::_Exit(1);
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

constexpr std::chrono::seconds kDeadlockLimit{30};

void expectConserved(const Router& router) {
  Status s = router.checkConservation();
  EXPECT_TRUE(s.ok()) << s.error().message();
}

// Submits each producer's list from its own thread, in order; returns the results by message.
std::vector<SubmitResult> submitConcurrently(Router& router, const Workload& w) {
  std::vector<SubmitResult> results(w.messages.size(), SubmitResult::kBusy);
  std::vector<std::thread> producers;
  std::atomic<bool> go{false};
  for (const std::vector<size_t>& list : w.producers) {
    producers.emplace_back([&router, &w, &list, &results, &go] {
      while (!go.load()) std::this_thread::yield();
      for (size_t i : list) results[i] = router.submit(w.messages[i], router.now());
    });
  }
  go.store(true);
  for (std::thread& t : producers) t.join();
  return results;
}

// The totals of an inline run over `w` with the same table: the reference.
metrics::MetricsSnapshot inlineTotals(const BuiltTable& built, const Workload& w) {
  EndpointRegistry registry;
  registerCountingEndpoints(registry);
  Router router(built.table, registry, built.configs, RouterOptions{.workers = 1});
  for (const message::Message& m : w.messages) (void)router.processInline(m, router.now());
  return router.metrics();
}

void expectSameTotals(const metrics::MetricsSnapshot& got, const metrics::MetricsSnapshot& want) {
  EXPECT_EQ(got.ingress_attempts, want.ingress_attempts);
  EXPECT_EQ(got.ingress_accepted, want.ingress_accepted);
  EXPECT_EQ(got.ingress_rejected, want.ingress_rejected);
  EXPECT_EQ(got.egress_success, want.egress_success);
  EXPECT_EQ(got.egress_invalid, want.egress_invalid);
  EXPECT_EQ(got.egress_dropped, want.egress_dropped);
  EXPECT_EQ(got.egress_fallback, want.egress_fallback);
  EXPECT_EQ(got.orphaned, want.orphaned);
  ASSERT_EQ(got.endpoints.size(), want.endpoints.size());
  for (size_t e = 0; e < got.endpoints.size(); ++e) {
    EXPECT_EQ(got.endpoints[e].delivered_by_source, want.endpoints[e].delivered_by_source) << e;
    EXPECT_EQ(got.endpoints[e].invalid_by_source, want.endpoints[e].invalid_by_source) << e;
    EXPECT_EQ(got.endpoints[e].fallback, want.endpoints[e].fallback) << e;
    EXPECT_EQ(got.endpoints[e].bytes, want.endpoints[e].bytes) << e;
    EXPECT_EQ(got.endpoints[e].latency.count(), want.endpoints[e].latency.count()) << e;
  }
}

// Every accepted message of `w` reached each expected endpoint exactly once, in order per
// device, and nothing else arrived.
void expectExactDeliveries(Recorder& recorder, const Workload& w,
                           const std::vector<SubmitResult>& results) {
  for (const std::string& name : kStandardEndpoints) {
    std::map<std::string, std::vector<int64_t>> want;
    for (size_t i = 0; i < w.messages.size(); ++i) {
      if (results[i] == SubmitResult::kAccepted && w.expect[i].delivered.count(name))
        want[w.messages[i].device_id].push_back(testing::seqOf(w.messages[i]));
    }
    auto got = recorder[name].acceptedByDevice();
    testing::expectIncreasingPerDevice(got, name);
    EXPECT_EQ(got, want) << name;
    EXPECT_FALSE(recorder[name].overlapped.load()) << name << ": deliver() ran on two threads";
  }
}

class RouterThreadsTest : public ::testing::TestWithParam<size_t> {
 protected:
  RouterThreadsTest() : recorder_(kStandardEndpoints) { recorder_.registerWith(registry_); }
  Recorder recorder_;
  EndpointRegistry registry_;
};

INSTANTIATE_TEST_SUITE_P(Workers, RouterThreadsTest, ::testing::Values(1u, 2u, 4u),
                         [](const ::testing::TestParamInfo<size_t>& p) {
                           return std::to_string(p.param) + "workers";
                         });

TEST_P(RouterThreadsTest, ConcurrentProducersGiveTheInlineTotals) {
  Watchdog watchdog(kDeadlockLimit);
  BuiltTable built = buildTable(kStandardRouting);
  Workload w = testing::standardWorkload(24, 60, 4);
  RouterOptions options;
  options.workers = GetParam();
  options.batch_size = 16;
  Router router(built.table, registry_, built.configs, options);
  router.start();
  std::vector<SubmitResult> results = submitConcurrently(router, w);
  router.stop();

  for (size_t i = 0; i < w.messages.size(); ++i) {
    EXPECT_EQ(results[i], w.expect[i].rejected ? SubmitResult::kTooLarge : SubmitResult::kAccepted)
        << "message " << i;
  }
  expectConserved(router);
  expectSameTotals(router.metrics(), inlineTotals(built, w));
  expectExactDeliveries(recorder_, w, results);
}

TEST_P(RouterThreadsTest, BackpressureWithSmallQueuesNeverLosesAMessage) {
  Watchdog watchdog(kDeadlockLimit);
  BuiltTable built = buildTable(kStandardRouting);
  Workload w = testing::standardWorkload(16, 50, 4);
  RouterOptions options;
  options.workers = GetParam();
  options.shard_capacity = 8;  // at least the producers of one shard (see below)
  options.endpoint_capacity = 2;
  options.batch_size = 2;
  options.when_full = WhenFull::kBackpressure;
  // A slow endpoint keeps the queues full.
  recorder_["hot"].hook = [](std::span<const OutboundMessage>) { std::this_thread::yield(); };
  Router router(built.table, registry_, built.configs, options);
  router.start();
  std::vector<SubmitResult> results = submitConcurrently(router, w);
  router.stop();

  for (size_t i = 0; i < w.messages.size(); ++i) {
    EXPECT_EQ(results[i], w.expect[i].rejected ? SubmitResult::kTooLarge : SubmitResult::kAccepted)
        << "message " << i;
  }
  metrics::MetricsSnapshot m = router.metrics();
  EXPECT_EQ(m.busy, 0u);
  EXPECT_EQ(m.ingress_throttled, 0u);
  expectConserved(router);
  expectSameTotals(m, inlineTotals(built, w));
  expectExactDeliveries(recorder_, w, results);
}

// Backpressure must hold however small the queues: here the shard holds 2 messages and up to 4
// producers wait on one shard at once.
TEST(RouterBackpressureTest, MoreWaitingProducersThanShardCapacityStillProgress) {
  Watchdog watchdog(std::chrono::seconds(15));
  Recorder recorder(kStandardEndpoints);
  EndpointRegistry registry;
  recorder.registerWith(registry);
  BuiltTable built = buildTable(kStandardRouting);
  Workload w = testing::standardWorkload(16, 50, 4);
  RouterOptions options;
  options.workers = 1;
  options.shard_capacity = 2;
  options.endpoint_capacity = 2;
  options.batch_size = 2;
  options.when_full = WhenFull::kBackpressure;
  Router router(built.table, registry, built.configs, options);
  router.start();
  std::vector<SubmitResult> results = submitConcurrently(router, w);
  router.stop();

  for (size_t i = 0; i < w.messages.size(); ++i) {
    EXPECT_EQ(results[i], w.expect[i].rejected ? SubmitResult::kTooLarge : SubmitResult::kAccepted)
        << "message " << i;
  }
  expectConserved(router);
  expectSameTotals(router.metrics(), inlineTotals(built, w));
  expectExactDeliveries(recorder, w, results);
}

TEST_P(RouterThreadsTest, BusyWithTinyQueuesIsAnsweredAndNothingAcceptedIsLost) {
  Watchdog watchdog(kDeadlockLimit);
  BuiltTable built = buildTable(kStandardRouting);
  Workload w = testing::standardWorkload(16, 40, 4);
  RouterOptions options;
  options.workers = GetParam();
  options.shard_capacity = 2;
  options.endpoint_capacity = 2;
  options.batch_size = 2;
  options.when_full = WhenFull::kBusy;
  // Every endpoint holds its first deliveries until some producer has been told Busy, so the
  // shards are certain to fill; after that it delivers freely.
  std::atomic<bool> saw_busy{false};
  for (const std::string& name : kStandardEndpoints) {
    recorder_[name].hook = [&saw_busy](std::span<const OutboundMessage>) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!saw_busy.load() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    };
  }
  Router router(built.table, registry_, built.configs, options);
  router.start();
  std::vector<SubmitResult> results(w.messages.size(), SubmitResult::kAccepted);
  std::vector<std::thread> producers;
  for (const std::vector<size_t>& list : w.producers) {
    producers.emplace_back([&router, &w, &list, &results, &saw_busy] {
      for (size_t i : list) {
        results[i] = router.submit(w.messages[i], router.now());
        if (results[i] == SubmitResult::kBusy) saw_busy.store(true);
      }
    });
  }
  for (std::thread& t : producers) t.join();
  saw_busy.store(true);
  router.stop();

  uint64_t accepted = 0;
  uint64_t busy = 0;
  uint64_t too_large = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (w.expect[i].rejected) {
      EXPECT_EQ(results[i], SubmitResult::kTooLarge);
    } else {
      EXPECT_NE(results[i], SubmitResult::kTooLarge) << "message " << i;
    }
    accepted += results[i] == SubmitResult::kAccepted;
    busy += results[i] == SubmitResult::kBusy;
    too_large += results[i] == SubmitResult::kTooLarge;
  }
  EXPECT_GE(busy, 1u);
  EXPECT_GT(accepted, 0u);
  EXPECT_EQ(accepted + busy + too_large, w.messages.size());
  metrics::MetricsSnapshot m = router.metrics();
  EXPECT_EQ(m.ingress_attempts, w.messages.size());
  EXPECT_EQ(m.ingress_accepted, accepted);
  EXPECT_EQ(m.busy, busy);
  EXPECT_EQ(m.ingress_throttled, busy);  // d2c.telemetry.ingress.sendThrottle
  EXPECT_EQ(m.ingress_rejected, too_large);
  expectConserved(router);
  expectExactDeliveries(recorder_, w, results);
  // The counts add up over what was accepted.
  uint64_t delivered = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i] == SubmitResult::kAccepted) delivered += w.expect[i].delivered.size();
  }
  EXPECT_EQ(m.egress_success, delivered);
}

TEST_P(RouterThreadsTest, EndpointRefusingPartOfBatchesStillGetsEverythingInOrder) {
  Watchdog watchdog(kDeadlockLimit);
  BuiltTable built = buildTable(kStandardRouting);
  Workload w = testing::standardWorkload(16, 60, 4);
  RouterOptions options;
  options.workers = GetParam();
  options.batch_size = 8;
  options.retry =
      testing::immediateRetry();  // this test is about order and at-least-once, not timing
  // "hot" refuses a whole batch every fourth call and the second half every fourth call after
  // that; "archive" takes one message per call when the call number is odd.
  recorder_["hot"].policy = [](uint64_t call, size_t batch) -> size_t {
    if (call % 4 == 0) return 0;
    if (call % 4 == 1) return batch / 2;
    return batch;
  };
  recorder_["archive"].policy = [](uint64_t call, size_t batch) -> size_t {
    return call % 2 == 1 ? 1 : batch;
  };
  Router router(built.table, registry_, built.configs, options);
  router.start();
  std::vector<SubmitResult> results = submitConcurrently(router, w);
  router.stop();

  expectConserved(router);
  expectSameTotals(router.metrics(), inlineTotals(built, w));
  // Accepted deliveries: exactly once, in order. Attempts: at least once, original order kept.
  expectExactDeliveries(recorder_, w, results);
  for (std::string name : {"hot", "archive"}) {
    testing::expectOrderedAtLeastOnce(recorder_[name].attemptsByDevice(), w.expectedAt(name), name);
    EXPECT_GT(recorder_[name].attempts.size(), recorder_[name].accepted().size())
        << name << " never refused anything; the test does not test retries";
  }
}

TEST_P(RouterThreadsTest, IngressSourceRunAsTheBenchDoes) {
  Watchdog watchdog(kDeadlockLimit);
  BuiltTable built = buildTable(kStandardRouting);
  Workload w = testing::standardWorkload(24, 50, 1);
  RouterOptions options;
  options.workers = GetParam();
  options.batch_size = 32;
  Router router(built.table, registry_, built.configs, options);

  // Worker k feeds, in corpus order, the messages of the devices its shard owns, in batches
  // through submitOwnShardBatch (even workers) or one by one through submitFrom (odd ones).
  class Source final : public IngressSource {
   public:
    Source(const Router& router, const Workload& w) : feeders_(router.workerCount()) {
      for (const message::Message& m : w.messages) {
        feeders_[router.shardOf(m.device_id)].list.push_back(&m);
      }
      for (Feeder& f : feeders_) f.done.store(f.list.empty());
    }
    size_t produce(size_t worker, Router& router) override {
      Feeder& f = feeders_[worker];
      if (f.done.load()) return 0;
      size_t n = std::min<size_t>(7, f.list.size() - f.cursor);
      if (worker % 2 == 0) {
        std::vector<uint64_t> times(n, router.now());
        f.accepted +=
            router.submitOwnShardBatch(worker, std::span(f.list).subspan(f.cursor, n), times);
      } else {
        for (size_t i = 0; i < n; ++i) {
          SubmitResult r = router.submitFrom(worker, *f.list[f.cursor + i], router.now());
          f.accepted += r == SubmitResult::kAccepted;
        }
      }
      f.cursor += n;
      if (f.cursor == f.list.size()) f.done.store(true);
      return n;
    }
    bool exhausted() const override {
      for (const Feeder& f : feeders_) {
        if (!f.done.load()) return false;
      }
      return true;
    }
    uint64_t accepted() const {
      uint64_t n = 0;
      for (const Feeder& f : feeders_) n += f.accepted;
      return n;
    }

   private:
    struct Feeder {
      std::vector<const message::Message*> list;
      size_t cursor = 0;
      uint64_t accepted = 0;
      std::atomic<bool> done{false};
    };
    std::vector<Feeder> feeders_;
  };

  Source source(router, w);
  router.start(&source);
  router.stop();
  EXPECT_TRUE(source.exhausted());
  metrics::MetricsSnapshot m = router.metrics();
  EXPECT_EQ(source.accepted(), w.messages.size() - 1);
  EXPECT_EQ(m.ingress_accepted, w.messages.size() - 1);
  expectConserved(router);
  expectSameTotals(m, inlineTotals(built, w));
  std::vector<SubmitResult> results;
  for (const Expectation& e : w.expect)
    results.push_back(e.rejected ? SubmitResult::kTooLarge : SubmitResult::kAccepted);
  expectExactDeliveries(recorder_, w, results);
}

// Table A sends everything to "a", table B everything to "b"; tables are swapped back and forth
// while producers submit. Each message is routed by exactly one table, so it reaches exactly one
// of the two endpoints, and the table it carries names that endpoint.
TEST_P(RouterThreadsTest, SwapUnderLoadRoutesEachMessageWithExactlyOneTable) {
  Watchdog watchdog(kDeadlockLimit);
  Recorder recorder({"a", "b"});
  EndpointRegistry registry;
  recorder.registerWith(registry);
  constexpr std::string_view kA = R"({"endpoints": {"eventHubs": [{"name": "a"}]},
    "routes": [{"name": "all", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["a"], "isEnabled": true}]})";
  constexpr std::string_view kB = R"({"endpoints": {"serviceBusQueues": [{"name": "b"}]},
    "routes": [{"name": "all", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["b"], "isEnabled": true}]})";
  // Every table this test makes, kept alive, so the check of the carried table is reliable.
  std::vector<std::shared_ptr<const routing::RouteTable>> tables;
  for (int i = 0; i < 24; ++i) {
    tables.push_back(buildTable(i % 2 == 0 ? kA : kB).table);
    recorder.watch(tables.back());
  }
  Workload w;
  w.producers.resize(4);
  for (int i = 0; i < 4000; ++i) {
    size_t device = static_cast<size_t>(i) % 20;
    w.producers[device % 4].push_back(w.messages.size());
    w.messages.push_back(makeMessage("dev-" + std::to_string(device), i / 20));
    w.expect.emplace_back();
  }
  RouterOptions options;
  options.workers = GetParam();
  options.batch_size = 8;
  Router router(tables[0], registry, {}, options);
  router.start();

  std::atomic<bool> producing{true};
  std::vector<SwapStats> stats;
  std::thread swapper([&] {
    size_t next = 1;
    // At least one swap, even when the producers finish first.
    while ((stats.empty() || producing.load()) && next < tables.size()) {
      stats.push_back(router.swapTable(tables[next]));
      EXPECT_EQ(router.table(), tables[next]);
      ++next;
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
  });
  std::thread reader([&] {  // metrics are readable while workers write them
    while (producing.load()) {
      metrics::MetricsSnapshot m = router.metrics();
      EXPECT_LE(m.egress_success, m.ingress_accepted);
      EXPECT_LE(router.endpointDescriptions().size(), 3u);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  std::vector<SubmitResult> results = submitConcurrently(router, w);
  producing.store(false);
  swapper.join();
  reader.join();
  router.stop();

  for (SubmitResult r : results) ASSERT_EQ(r, SubmitResult::kAccepted);
  EXPECT_FALSE(stats.empty());
  for (const SwapStats& s : stats) {
    EXPECT_GE(s.publish.count(), 0);
    EXPECT_GE(s.quiesce.count(), 0);
  }
  expectConserved(router);
  std::map<std::pair<std::string, int64_t>, int> seen;
  for (std::string name : {"a", "b"}) {
    for (const Attempt& a : recorder[name].attempts) {
      EXPECT_TRUE(a.accepted);
      ++seen[{a.device, a.seq}];
    }
    testing::expectIncreasingPerDevice(recorder[name].acceptedByDevice(), name);
    EXPECT_EQ(recorder[name].dead_table.load(), 0u) << name;
    EXPECT_EQ(recorder[name].wrong_table.load(), 0u) << name;
    EXPECT_FALSE(recorder[name].overlapped.load()) << name;
  }
  EXPECT_EQ(seen.size(), w.messages.size());
  for (const auto& [key, n] : seen) {
    ASSERT_EQ(n, 1) << key.first << " seq " << key.second << " reached " << n << " endpoints";
  }
  metrics::MetricsSnapshot m = router.metrics();
  EXPECT_EQ(m.ingress_accepted, w.messages.size());
  EXPECT_EQ(m.egress_success, w.messages.size());
  EXPECT_EQ(m.orphanedTotal(), 0u);
  auto described = router.endpointDescriptions();
  ASSERT_EQ(described.size(), 3u);  // events, a, b: slots are kept across swaps
  EXPECT_EQ(described[1].name, "a");
  EXPECT_EQ(described[2].name, "b");
  EXPECT_EQ(m.endpoints[1].delivered + m.endpoints[2].delivered, w.messages.size());
  EXPECT_EQ(m.endpoints[1].delivered, recorder["a"].attempts.size());
  EXPECT_EQ(m.endpoints[2].delivered, recorder["b"].attempts.size());
}

// OutboundMessage::table is "the table that routed it (for enrichments)": an endpoint may read
// it (RouteTable::enrich) while delivering. Deliveries still queued or waiting for a retry when a
// swap returns must not carry a table that the swap freed. The test keeps only weak references
// to the tables; endpoint "a" refuses everything until the swap to table B has returned.
TEST_P(RouterThreadsTest, TableCarriedByAQueuedDeliveryStaysAliveAfterSwap) {
  Watchdog watchdog(kDeadlockLimit);
  Recorder recorder({"a", "b"});
  EndpointRegistry registry;
  recorder.registerWith(registry);
  constexpr std::string_view kA = R"({"endpoints": {"eventHubs": [{"name": "a"}]},
    "routes": [{"name": "all", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["a"], "isEnabled": true}],
    "enrichments": [{"key": "k", "value": "v", "endpointNames": ["a"]}]})";
  constexpr std::string_view kB = R"({"endpoints": {"eventHubs": [{"name": "b"}]},
    "routes": [{"name": "all", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["b"], "isEnabled": true}]})";
  std::atomic<bool> swapped{false};
  std::atomic<uint64_t> offered{0};
  recorder["a"].hook = [&offered](std::span<const OutboundMessage> batch) {
    offered.fetch_add(batch.size());
  };
  recorder["a"].policy = [&swapped](uint64_t, size_t batch) -> size_t {
    return swapped.load() ? batch : 0;
  };
  std::vector<message::Message> messages;
  for (int i = 0; i < 64; ++i) messages.push_back(makeMessage("d" + std::to_string(i % 8), i / 8));
  RouterOptions options;
  options.workers = GetParam();
  options.batch_size = 4;
  options.retry = testing::immediateRetry();
  {
    auto a_table = buildTable(kA).table;
    auto b_table = buildTable(kB).table;
    recorder.watch(a_table);
    recorder.watch(b_table);
    Router router(a_table, registry, {}, options);
    a_table.reset();  // the router holds the only reference now
    router.start();
    for (const message::Message& m : messages) {
      ASSERT_EQ(router.submit(m, router.now()), SubmitResult::kAccepted);
    }
    // Table A has routed and handed over some deliveries, which "a" keeps refusing.
    while (offered.load() == 0) std::this_thread::yield();
    router.swapTable(b_table);
    swapped.store(true);
    router.stop();
    expectConserved(router);
    EXPECT_EQ(router.metrics().egress_success, messages.size());
  }
  EXPECT_GT(recorder["a"].accepted().size(), 0u);
  EXPECT_EQ(recorder["a"].dead_table.load(), 0u)
      << "deliveries handed to endpoint a after their routing table was freed";
  EXPECT_EQ(recorder["a"].wrong_table.load(), 0u);
  EXPECT_EQ(recorder["b"].dead_table.load(), 0u);
}

}  // namespace
}  // namespace routesim::router
