// Benchmarks of the Event Hubs emulator (docs/endpoints-eventhubs.md, "Performance"):
//   * BM_DeliverEventHubs / BM_DeliverBuiltinEvents: batches of 64 routed telemetry messages
//     (JSON bodies of 200..400 bytes, ~300 on average, three application properties, the system
//     properties IoT Hub stamps) into a custom Event Hubs endpoint (partition by device id) and
//     the built-in endpoint (partition from the router), 4 partitions;
//   * BM_DeliverCounting: the same batches into router::CountingEndpoint, the floor any endpoint
//     stands on; BM_ToEndpointMessage: the per-message conversion alone (toEndpointMessage);
//   * BM_PartitionForKey: the lookup3 partition-key hash beside routing::builtinPartition (FNV-1a);
//   * BM_ReadPartition / BM_ReceiveConsumerGroup: reading events back (copies) from a position
//     and through a consumer group, 100 events per call;
//   * BM_SaveEventHub / BM_LoadEventHub: persistence of 64k events (NDJSON, base64 bodies).
// Inputs come from tools/telemetry's fixed seed, built outside the timed loops; delivery results
// are checked against the number of messages offered.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/endpoints/endpoint_bench_support.h"
#include "core/message/stamp.h"
#include "core/router/endpoint.h"
#include "core/routing/routing_config.h"
#include "endpoints/common/endpoint_message.h"
#include "endpoints/eventhubs/event_hub.h"
#include "endpoints/eventhubs/eventhubs_endpoint.h"
#include "endpoints/eventhubs/persistence.h"
#include "tools/telemetry/telemetry_generator.h"

namespace routesim::bench {
namespace {

using endpoints::EmulatorContext;
using endpoints::eventhubs::BuiltinEventsEndpoint;
using endpoints::eventhubs::EventData;
using endpoints::eventhubs::EventHub;
using endpoints::eventhubs::EventHubConfig;
using endpoints::eventhubs::EventHubsEndpoint;
using endpoints::eventhubs::EventPosition;

// Hubs are replaced after this many events (outside the timing) to bound memory.
constexpr int64_t kEventsPerHub = 1 << 20;

std::shared_ptr<EventHub> makeHub(const EmulatorContext& context) {
  EventHubConfig config;
  config.name = "telemetry";
  config.partition_count = kPartitions;
  config.consumer_groups = {"bench"};
  return *EventHub::create(config, context, "bench-ns");
}

template <typename EndpointT>
void deliverInto(benchmark::State& state) {
  const Batches& b = batches();
  EmulatorContext context;
  auto hub = makeHub(context);
  auto endpoint = std::make_unique<EndpointT>(context, hub);
  size_t at = 0;
  int64_t in_hub = 0;
  uint64_t delivered = 0;
  uint64_t offered = 0;
  for (auto _ : state) {
    auto batch = std::span(b.all).subspan(at, kBatch);
    delivered += endpoint->deliver(batch).delivered;
    offered += kBatch;
    at = (at + kBatch) % kPoolSize;
    in_hub += static_cast<int64_t>(kBatch);
    if (in_hub >= kEventsPerHub) {
      state.PauseTiming();
      if (hub->eventCount() != static_cast<uint64_t>(in_hub)) {
        state.SkipWithError("the hub does not hold what was delivered");
      }
      endpoint.reset();
      hub = makeHub(context);
      endpoint = std::make_unique<EndpointT>(context, hub);
      in_hub = 0;
      state.ResumeTiming();
    }
  }
  if (delivered != offered || hub->eventCount() != static_cast<uint64_t>(in_hub)) {
    state.SkipWithError("deliveries refused or lost");
  }
  state.SetItemsProcessed(static_cast<int64_t>(offered));
  state.SetBytesProcessed(static_cast<int64_t>(offered * b.bytes / kPoolSize));
  state.counters["msg_bytes"] = static_cast<double>(b.bytes) / kPoolSize;
  state.counters["body_bytes"] = static_cast<double>(b.body_bytes) / kPoolSize;
}

void BM_DeliverEventHubs(benchmark::State& state) { deliverInto<EventHubsEndpoint>(state); }
BENCHMARK(BM_DeliverEventHubs)->ArgNames({"batch"})->Arg(kBatch);

void BM_DeliverBuiltinEvents(benchmark::State& state) { deliverInto<BuiltinEventsEndpoint>(state); }
BENCHMARK(BM_DeliverBuiltinEvents)->ArgNames({"batch"})->Arg(kBatch);

void BM_DeliverCounting(benchmark::State& state) {
  const Batches& b = batches();
  router::CountingEndpoint endpoint;
  size_t at = 0;
  uint64_t offered = 0;
  for (auto _ : state) {
    endpoint.deliver(std::span(b.all).subspan(at, kBatch));
    offered += kBatch;
    at = (at + kBatch) % kPoolSize;
  }
  if (endpoint.messages() != offered) state.SkipWithError("the counting endpoint lost messages");
  state.SetItemsProcessed(static_cast<int64_t>(offered));
  state.SetBytesProcessed(static_cast<int64_t>(offered * b.bytes / kPoolSize));
}
BENCHMARK(BM_DeliverCounting)->ArgNames({"batch"})->Arg(kBatch);

void BM_ToEndpointMessage(benchmark::State& state) {
  const Batches& b = batches();
  query::EvalScratch scratch;
  size_t i = 0;
  for (auto _ : state) {
    endpoints::EndpointMessage m =
        endpoints::toEndpointMessage(b.all[i], routing::EndpointKind::kEventHubs, scratch);
    benchmark::DoNotOptimize(m);
    i = (i + 1) % kPoolSize;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ToEndpointMessage);

void BM_PartitionForKey(benchmark::State& state) {
  const bool lookup3 = state.range(0) == 0;
  state.SetLabel(lookup3 ? "lookup3 (Event Hubs)" : "fnv1a (builtinPartition)");
  const auto& messages = pool();
  size_t i = 0;
  uint64_t sum = 0;
  for (auto _ : state) {
    const std::string& key = messages[i].device_id;
    sum += lookup3 ? endpoints::eventhubs::partitionForKey(key, 32)
                   : routing::builtinPartition(key, 32);
    i = (i + 1) % kPoolSize;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_PartitionForKey)->ArgNames({"fnv"})->Arg(0)->Arg(1);

// A hub holding the pool `copies` times, delivered through the custom endpoint.
std::shared_ptr<EventHub> filledHub(size_t copies) {
  EmulatorContext context;
  auto hub = makeHub(context);
  EventHubsEndpoint endpoint(context, hub);
  const Batches& b = batches();
  for (size_t c = 0; c < copies; ++c) {
    for (size_t at = 0; at < kPoolSize; at += kBatch) {
      endpoint.deliver(std::span(b.all).subspan(at, kBatch));
    }
  }
  return hub;
}

uint64_t eventBytes(const std::vector<EventData>& events) {
  uint64_t n = 0;
  for (const EventData& e : events) n += endpoints::eventhubs::eventSize(e);
  return n;
}

void BM_ReadPartition(benchmark::State& state) {
  auto hub = filledHub(4);
  const auto last = hub->partitionProperties(0)->last_enqueued_sequence_number;
  int64_t seq = 0;
  uint64_t items = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto events = hub->read(0, EventPosition::fromSequenceNumber(seq), 100);
    items += events->size();
    bytes += eventBytes(*events);
    seq = seq + 100 > last ? 0 : seq + 100;
  }
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ReadPartition)->ArgNames({"max"})->Arg(100);

void BM_ReceiveConsumerGroup(benchmark::State& state) {
  auto hub = filledHub(4);
  uint64_t items = 0;
  uint64_t bytes = 0;
  uint32_t partition = 0;
  for (auto _ : state) {
    auto events = hub->receive("bench", partition, 100);
    if (events->empty()) {
      state.PauseTiming();
      (void)hub->seek("bench", partition, EventPosition::earliest());
      state.ResumeTiming();
      partition = (partition + 1) % kPartitions;
      continue;
    }
    items += events->size();
    bytes += eventBytes(*events);
  }
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ReceiveConsumerGroup)->ArgNames({"max"})->Arg(100);

std::filesystem::path benchDir() {
  return std::filesystem::temp_directory_path() /
         ("routesim-eh-bench-" + std::to_string(::getpid()));
}

void BM_SaveEventHub(benchmark::State& state) {
  auto hub = filledHub(16);  // 64k events
  const auto dir = benchDir();
  uint64_t bytes = 0;
  for (auto _ : state) {
    if (!endpoints::eventhubs::saveEventHub(*hub, dir).ok()) state.SkipWithError("save failed");
    for (uint32_t p = 0; p < kPartitions; ++p) {
      bytes += std::filesystem::file_size(dir / ("partition-" + std::to_string(p) + ".ndjson"));
    }
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * hub->eventCount()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_SaveEventHub)->Unit(benchmark::kMillisecond);

void BM_LoadEventHub(benchmark::State& state) {
  auto hub = filledHub(16);
  const auto dir = benchDir();
  if (!endpoints::eventhubs::saveEventHub(*hub, dir).ok()) state.SkipWithError("save failed");
  uint64_t file_bytes = 0;
  for (uint32_t p = 0; p < kPartitions; ++p) {
    file_bytes += std::filesystem::file_size(dir / ("partition-" + std::to_string(p) + ".ndjson"));
  }
  for (auto _ : state) {
    auto loaded = endpoints::eventhubs::loadEventHub(dir);
    if (!loaded.ok() || (*loaded)->eventCount() != hub->eventCount()) {
      state.SkipWithError("load failed or lost events");
      break;
    }
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * hub->eventCount()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file_bytes));
}
BENCHMARK(BM_LoadEventHub)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace routesim::bench
