// Benchmarks of the Service Bus emulator (docs/endpoints-servicebus.md, "Performance"):
//   * BM_DeliverQueue: batches of 64 routed telemetry messages (JSON bodies of 200..400 bytes,
//     three application properties, the system properties IoT Hub stamps) through a
//     serviceBusQueues endpoint: conversion to brokered messages, stamping, FIFO storage;
//   * BM_DeliverTopic: the same batches into a topic with N subscriptions, each with a SQL filter
//     (a LIKE on sys.MessageId, an IN list and EXISTS); every message matches exactly one
//     subscription, so each is evaluated against N filters and stored once;
//   * BM_DeliverCounting: the same batches into router::CountingEndpoint, the floor;
//   * BM_EvaluateSqlFilter: compiled SQL filters on brokered messages, beside
//     BM_EvaluateCorrelationFilter, the correlation filter that selects the same messages (the
//     two are checked to agree before timing);
//   * BM_ReceiveAndDelete: reading a queue back, 100 messages per call;
//   * BM_SaveNamespace: persistence of a queue of 64k messages (NDJSON).
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
#include "endpoints/common/endpoint_message.h"
#include "endpoints/servicebus/persistence.h"
#include "endpoints/servicebus/servicebus_endpoint.h"
#include "tools/telemetry/telemetry_generator.h"

namespace routesim::bench {
namespace {

using endpoints::EmulatorContext;
using endpoints::servicebus::BrokeredMessage;
using endpoints::servicebus::CorrelationFilter;
using endpoints::servicebus::EntityKind;
using endpoints::servicebus::Namespace;
using endpoints::servicebus::NamespaceConfig;
using endpoints::servicebus::Queue;
using endpoints::servicebus::QueueConfig;
using endpoints::servicebus::ReceiveMode;
using endpoints::servicebus::RuleConfig;
using endpoints::servicebus::ServiceBusEndpoint;
using endpoints::servicebus::SqlFilter;
using endpoints::servicebus::SubscriptionConfig;
using endpoints::servicebus::TopicConfig;

// Namespaces are replaced after this many messages (outside the timing) to bound memory.
constexpr uint64_t kMessagesPerNamespace = 1 << 14;

// The pool as a topic endpoint sends it (what filters see).
const std::vector<BrokeredMessage>& brokered() {
  static const std::vector<BrokeredMessage> messages = [] {
    std::vector<BrokeredMessage> out;
    query::EvalScratch scratch;
    for (const router::OutboundMessage& o : batches().all) {
      out.push_back(endpoints::servicebus::fromEndpointMessage(
          endpoints::toEndpointMessage(o, routing::EndpointKind::kServiceBusTopic, scratch)));
    }
    return out;
  }();
  return messages;
}

constexpr std::string_view kHexDigits = "0123456789abcdef";

// Subscription i of n takes the messages whose MessageId starts with a hex digit d, d % n == i.
std::string partitionFilter(size_t i, size_t n) {
  std::string digits;
  for (size_t d = i; d < kHexDigits.size(); d += n) {
    digits +=
        (digits.empty() ? "" : " OR ") + std::string("sys.MessageId LIKE '") + kHexDigits[d] + "%'";
  }
  return "(" + digits + ") AND level IN ('info', 'warning', 'critical') AND EXISTS(site)";
}

NamespaceConfig benchNamespace(size_t subscriptions) {
  NamespaceConfig ns;
  ns.name = "bench-sb";
  ns.sku = "Premium";
  QueueConfig q;
  q.name = "telemetry-q";
  q.max_size_megabytes = 81920;
  ns.queues.push_back(q);
  TopicConfig t;
  t.name = "telemetry-t";
  t.max_size_megabytes = 81920;
  for (size_t i = 0; i < subscriptions; ++i) {
    SubscriptionConfig s;
    s.name = "sub-" + std::to_string(i);
    RuleConfig r;
    r.name = "part";
    r.sql_expression = partitionFilter(i, subscriptions);
    r.compiled_filter = SqlFilter::compile(r.sql_expression).value();
    s.rules.push_back(r);
    t.subscriptions.push_back(s);
  }
  ns.topics.push_back(t);
  return ns;
}

void deliverInto(benchmark::State& state, EntityKind kind, size_t subscriptions) {
  const Batches& b = batches();
  EmulatorContext context;
  context.out_dir.clear();
  const NamespaceConfig config = benchNamespace(subscriptions);
  const std::string entity = kind == EntityKind::kQueue ? "telemetry-q" : "telemetry-t";
  auto make = [&] {
    auto ns = Namespace::create(config, context.utc_at_zero_ns).value();
    return ServiceBusEndpoint::create(context, ns, entity, kind).value();
  };
  auto endpoint = make();
  size_t at = 0;
  uint64_t in_namespace = 0;
  uint64_t delivered = 0;
  uint64_t offered = 0;
  for (auto _ : state) {
    delivered += endpoint->deliver(std::span(b.all).subspan(at, kBatch)).delivered;
    offered += kBatch;
    at = (at + kBatch) % kPoolSize;
    in_namespace += kBatch;
    if (in_namespace >= kMessagesPerNamespace) {
      state.PauseTiming();
      endpoint = make();
      in_namespace = 0;
      state.ResumeTiming();
    }
  }
  if (delivered != offered) state.SkipWithError("deliveries refused");
  state.SetItemsProcessed(static_cast<int64_t>(offered));
  state.SetBytesProcessed(static_cast<int64_t>(offered * b.bytes / kPoolSize));
  state.counters["msg_bytes"] = static_cast<double>(b.bytes) / kPoolSize;
}

void BM_DeliverQueue(benchmark::State& state) { deliverInto(state, EntityKind::kQueue, 1); }
BENCHMARK(BM_DeliverQueue)->ArgNames({"batch"})->Arg(kBatch);

void BM_DeliverTopic(benchmark::State& state) {
  deliverInto(state, EntityKind::kTopic, static_cast<size_t>(state.range(0)));
}
BENCHMARK(BM_DeliverTopic)->ArgNames({"subscriptions"})->Arg(1)->Arg(4)->Arg(16);

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

// Filters and their correlation-filter equivalents (empty where there is none).
struct FilterCase {
  std::string_view label;
  std::string_view sql;
};
constexpr FilterCase kFilters[] = {
    {"equality", "level = 'critical'"},
    {"in+and", "site IN ('plant-1', 'plant-2', 'plant-3') AND level <> 'info'"},
    {"like+or", "sys.MessageId LIKE '%ab%' OR schemaVersion = '2'"},
    {"arithmetic", "EXISTS(site) AND sys.Size * 2 > 1200"},
};

void BM_EvaluateSqlFilter(benchmark::State& state) {
  const FilterCase& c = kFilters[state.range(0)];
  state.SetLabel(std::string(c.label));
  SqlFilter filter = SqlFilter::compile(c.sql).value();
  const auto& messages = brokered();
  size_t i = 0;
  uint64_t matched = 0;
  for (auto _ : state) {
    matched += filter.matches(messages[i]) ? 1 : 0;
    i = (i + 1) % messages.size();
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["match_rate"] =
      benchmark::Counter(static_cast<double>(matched), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_EvaluateSqlFilter)->ArgNames({"filter"})->DenseRange(0, 3);

void BM_EvaluateCorrelationFilter(benchmark::State& state) {
  state.SetLabel("equality");
  CorrelationFilter filter;
  filter.properties.emplace_back("level", std::string("critical"));
  SqlFilter same = SqlFilter::compile(kFilters[0].sql).value();
  const auto& messages = brokered();
  for (const BrokeredMessage& m : messages) {
    if (filter.matches(m) != same.matches(m)) {
      state.SkipWithError("the correlation filter and the SQL filter disagree");
      return;
    }
  }
  size_t i = 0;
  uint64_t matched = 0;
  for (auto _ : state) {
    matched += filter.matches(messages[i]) ? 1 : 0;
    i = (i + 1) % messages.size();
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateCorrelationFilter);

// A namespace whose queue holds the pool `copies` times.
std::shared_ptr<Namespace> filledNamespace(size_t copies) {
  EmulatorContext context;
  context.out_dir.clear();
  auto ns = Namespace::create(benchNamespace(1), context.utc_at_zero_ns).value();
  auto endpoint =
      ServiceBusEndpoint::create(context, ns, "telemetry-q", EntityKind::kQueue).value();
  const Batches& b = batches();
  for (size_t c = 0; c < copies; ++c) {
    for (size_t at = 0; at < kPoolSize; at += kBatch) {
      endpoint->deliver(std::span(b.all).subspan(at, kBatch));
    }
  }
  return ns;
}

void BM_ReceiveAndDelete(benchmark::State& state) {
  constexpr size_t kPerCall = 100;
  std::shared_ptr<Namespace> ns = filledNamespace(16);
  std::shared_ptr<Queue> q = ns->findQueue("telemetry-q");
  uint64_t received = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto got = q->receive(kPerCall, ReceiveMode::kReceiveAndDelete, 0);
    if (!got.ok() || got->size() != kPerCall) {
      state.PauseTiming();
      ns = filledNamespace(16);
      q = ns->findQueue("telemetry-q");
      state.ResumeTiming();
      continue;
    }
    received += got->size();
    for (const BrokeredMessage& m : *got) bytes += m.body.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(received));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ReceiveAndDelete);

void BM_SaveNamespace(benchmark::State& state) {
  std::shared_ptr<Namespace> ns = filledNamespace(16);  // 64k messages
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("routesim-sb-bench-" + std::to_string(::getpid()));
  const uint64_t messages = ns->findQueue("telemetry-q")->messageCount();
  const uint64_t bytes = ns->findQueue("telemetry-q")->sizeBytes();
  for (auto _ : state) {
    Status s = endpoints::servicebus::saveNamespace(*ns, dir);
    if (!s.ok()) {
      state.SkipWithError(s.error().message().c_str());
      break;
    }
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_SaveNamespace)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace routesim::bench
