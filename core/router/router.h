// The routing pipeline: sharded, lock-free fan-out of device messages to endpoints.
//
//   submit() --(bounded MPSC queue per shard; shard = hash(deviceId) % shards)--> worker
//     worker: route against the current RouteTable, count, hand each delivery to its endpoint
//   --(bounded MPMC queue per endpoint)--> whichever worker claims the endpoint delivers a batch
//
// A device always maps to the same shard and every queue is FIFO per producer, and an endpoint
// is drained by one worker at a time, so per-device order holds end to end. A full queue is
// backpressure (the submitter helps and waits) or a Busy answer, never a silent drop. The route
// table is replaced whole while messages flow: a worker takes the current table once per batch
// (an atomic load) and old tables are freed once every worker has moved on (quiescent-state
// reclamation), so the message path takes no lock. Every accepted message ends orphaned or as
// one terminal outcome (delivered, invalid, dropped) per endpoint it was routed to;
// checkConservation() proves the totals add up.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/message/message.h"
#include "core/metrics/routing_metrics.h"
#include "core/router/endpoint.h"
#include "core/router/endpoint_health.h"
#include "core/routing/route_table.h"

namespace routesim::router {

class Router;

// A source of messages that the workers themselves pull from (the bench's traffic), so that
// producing, routing and delivering share the same threads.
class IngressSource {
 public:
  virtual ~IngressSource() = default;
  // Submits some messages through `router.submitFrom(worker, ...)`; returns how many.
  virtual size_t produce(size_t worker, Router& router) = 0;
  // True once the source will produce nothing more.
  virtual bool exhausted() const = 0;
};

// Told every accepted message's outcomes, for per-message accounting (a run's message fates,
// its trace). Called on the thread that reaches the outcome: the caller's in inline mode; any
// worker in threaded mode, where an observer must be thread-safe. Costs one pointer test per
// outcome when absent.
class OutcomeObserver {
 public:
  enum class Outcome : uint8_t { kDelivered, kDropped, kInvalid };
  virtual ~OutcomeObserver() = default;
  // `message` was routed: one terminal outcome per entry of result.deliveries follows (invalid
  // ones at once); none when it was orphaned, which is then its outcome.
  virtual void routed(const message::Message& message, const routing::RoutingResult& result,
                      uint64_t now_ns) = 0;
  // One delivery's terminal outcome at endpoint slot `slot` (endpointDescriptions() order).
  virtual void outcome(const message::Message& message, size_t slot, Outcome outcome,
                       uint64_t at_ns) = 0;
};

enum class WhenFull : uint8_t {
  kBackpressure,  // the submitter helps drain and waits for room
  kBusy,          // submit() returns kBusy at once
};

enum class SubmitResult : uint8_t { kAccepted, kBusy, kTooLarge };

struct RouterOptions {
  size_t workers = 0;                   // 0: the hardware threads
  size_t shard_capacity = 1u << 16;     // messages queued per shard
  size_t endpoint_capacity = 1u << 16;  // deliveries queued per endpoint
  size_t batch_size = 128;              // dequeue / deliver batch
  WhenFull when_full = WhenFull::kBackpressure;
  size_t max_endpoints = 32;            // endpoint slots (tables may add endpoints up to this)
  uint32_t builtin_partitions = 4;      // partitions of the built-in endpoint (IoT Hub: 2-32)
  const Clock* clock = nullptr;         // delivery retries, health and latency; null: steady clock
  RetryPolicy retry;                    // backoff, dead after an hour, probes (endpoint_health.h)
  OutcomeObserver* observer = nullptr;  // told every outcome (must outlive the router)
};

struct SwapStats {
  std::chrono::nanoseconds publish{0};  // store of the new table
  std::chrono::nanoseconds quiesce{0};  // until every worker routes with it; old table freed
};

class Router {
 public:
  // `registry` creates an endpoint for each endpoint of each table, by name (kept across
  // swaps). `configs` gives each custom endpoint's configuration to the registry (may be empty).
  Router(std::shared_ptr<const routing::RouteTable> table, const EndpointRegistry& registry,
         std::vector<routing::EndpointConfig> configs, RouterOptions options = {});
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Starts the worker threads; `source`, if given, is polled by the workers for traffic.
  void start(IngressSource* source = nullptr);
  // Waits until every accepted message reached its terminal outcome (and the source, if any,
  // is exhausted), then stops the workers.
  void stop();

  // Submits a message from any thread. The message must stay alive until drain() / stop()
  // return. `ingress_ns` is the router clock's time of arrival (see now()).
  SubmitResult submit(const message::Message& message, uint64_t ingress_ns);
  // The same from worker `worker` inside IngressSource::produce (uses its producer tokens).
  SubmitResult submitFrom(size_t worker, const message::Message& message, uint64_t ingress_ns);
  // Submits messages that all belong to `worker`'s own shard, in order, in one hand-off (one
  // queue operation and one counter update for the batch). Returns how many were accepted
  // (the rest were too large and counted as rejected). Always backpressure.
  size_t submitOwnShardBatch(size_t worker, std::span<const message::Message* const> messages,
                             std::span<const uint64_t> ingress_ns);

  // Routes and delivers `message` entirely on the calling thread (no workers): the
  // deterministic mode for replay, usually with a ManualClock. Do not mix with start(). What a
  // failing endpoint refuses stays queued, in order, until its retry time on the clock; the next
  // processInline() or drain() at or after that time tries it again. The router keeps a pointer
  // to `message`: it must stay alive until it reaches its outcome (checkConservation() holds
  // with nothing in flight), or until the router is destroyed.
  SubmitResult processInline(const message::Message& message, uint64_t ingress_ns);

  // Counts `count` messages the hub refused before they reached the router, by a decision made
  // outside it (the ingress network policy: a client refused with 401 still attempted to send):
  // d2c.telemetry.ingress.allProtocol and the rejected count grow, success does not. Any thread.
  void countRejectedAtIngress(uint64_t count = 1);

  // Blocks until every accepted message reached a terminal outcome (threaded mode); in inline
  // mode, tries queued deliveries again.
  void drain();

  // Passes the clock's current time to every endpoint's tick() (time-driven work: Storage
  // windows, retention, expiry), or, with flush, to flush() (the run's end). Each endpoint is
  // called under its delivery claim, so never at the same time as its deliver(). Any thread.
  void tickEndpoints();
  void flushEndpoints();

  // Replaces the route table. Returns when no worker can still route with the old one (it is
  // kept alive while deliveries it routed are in flight). Call from one thread at a time.
  SwapStats swapTable(std::shared_ptr<const routing::RouteTable> next);
  std::shared_ptr<const routing::RouteTable> table() const;

  metrics::MetricsSnapshot metrics() const;
  // Endpoint slot descriptions, in metrics' endpoint order.
  std::vector<metrics::EndpointDescription> endpointDescriptions() const;
  // Each endpoint slot's health as GetEndpointHealth reports it, in the same order.
  std::vector<EndpointHealthReport> health() const;
  // Every accepted message is orphaned or has terminal outcomes for all its deliveries.
  // Call when quiescent (after drain()).
  Status checkConservation() const;

  size_t workerCount() const { return workers_.size(); }
  // Messages waiting in shard `shard`'s queue (approximate while workers run).
  size_t shardBacklog(size_t shard) const;
  size_t shardOf(std::string_view device_id) const;
  uint64_t now() const { return clock_->nowNs(); }  // the router clock's time, nanoseconds

 private:
  struct Envelope {
    const message::Message* message;
    uint64_t ingress_ns;
    uint32_t size;  // message::messageSize, computed once at ingress
  };
  struct TableState;
  struct Shard;
  struct EndpointSlot;
  struct Worker;

  SubmitResult submitTo(Worker* producer, const message::Message& message, uint64_t ingress_ns);
  void workerLoop(size_t index);
  size_t routeBatch(Worker& w);
  // Delivers what endpoint queues hold. With `help` false (a worker's own loop) a worker takes
  // only the slots it owns (slot index modulo the worker count), other slots when their queue
  // is a quarter full, and every slot once the router is stopping: workers do not contend for
  // the same endpoints. Waiting for room (backpressure) and inline mode help with every slot.
  size_t drainEndpoints(Worker& w, bool help = true);
  template <typename F>
  void forEachSlotClaimed(F&& f) const;
  size_t deliverFrom(Worker& w, EndpointSlot& slot);
  void routeOne(Worker& w, const TableState& state, const Envelope& env);
  void flushOutbound(Worker& w);
  void deliverInline();
  TableState* makeState(std::shared_ptr<const routing::RouteTable> table);
  uint64_t pending() const;

  RouterOptions options_;
  const EndpointRegistry& registry_;
  std::vector<routing::EndpointConfig> configs_;
  const Clock* clock_;

  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::unique_ptr<EndpointSlot>> slots_;  // fixed size: options_.max_endpoints
  std::atomic<size_t> slot_count_{0};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<metrics::WorkerMetrics>> metrics_;  // [worker], plus one external
  std::vector<std::thread> threads_;

  std::atomic<TableState*> current_{nullptr};
  std::atomic<uint64_t> epoch_{1};
  std::vector<std::shared_ptr<const routing::RouteTable>> retired_tables_;

  IngressSource* source_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  // Work units for submissions from threads that are not workers.
  std::atomic<uint64_t> external_added_{0};
  std::unique_ptr<Worker> inline_worker_;
};

}  // namespace routesim::router
