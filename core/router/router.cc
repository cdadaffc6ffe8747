#include "core/router/router.h"

#include <concurrentqueue/concurrentqueue.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace routesim::router {
namespace {

// FNV-1a: a stable hash of the device id, so a device maps to the same shard on every run.
uint64_t hashDevice(std::string_view device_id) {
  uint64_t h = 1469598103934665603ull;
  for (char c : device_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// Items a queue preallocates; it grows in blocks up to the bound the router's counters keep.
// (Preallocating the whole bound made a router cost megabytes and page faults to create.)
constexpr size_t kInitialQueueItems = 2048;

void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Waits a little longer each time it is called while there is nothing to do.
class Backoff {
 public:
  void pause() {
    if (spins_ < 64) {
      cpuRelax();
    } else if (spins_ < 256) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    ++spins_;
  }
  void reset() { spins_ = 0; }

 private:
  unsigned spins_ = 0;
};

}  // namespace

struct Router::TableState {
  std::shared_ptr<const routing::RouteTable> table;
  std::vector<uint16_t> slot_of;  // table endpoint index -> router endpoint slot
};

struct Router::Shard {
  moodycamel::ConcurrentQueue<Envelope> queue;
  alignas(64) std::atomic<int64_t> size{0};
  explicit Shard(size_t capacity) : queue(capacity) {}
};

struct Router::EndpointSlot {
  size_t index;
  std::string name;
  routing::EndpointKind kind;
  std::unique_ptr<Endpoint> endpoint;
  moodycamel::ConcurrentQueue<OutboundMessage> queue;
  alignas(64) std::atomic<int64_t> size{0};
  alignas(64) std::atomic<bool> claimed{false};
  // Messages the endpoint refused, redelivered first, in order, and its health. Owned by the
  // claimer; `retry_size` and `wait_until_ns` mirror them for workers deciding whether to claim.
  std::vector<OutboundMessage> retry;
  std::atomic<size_t> retry_size{0};
  std::atomic<uint64_t> wait_until_ns{0};
  EndpointHealth health;

  EndpointSlot(size_t i, std::string n, routing::EndpointKind k, std::unique_ptr<Endpoint> e,
               size_t capacity, const RetryPolicy& policy)
      : index(i),
        name(std::move(n)),
        kind(k),
        endpoint(std::move(e)),
        queue(capacity),
        health(policy) {}
};

struct Router::Worker {
  size_t index = 0;
  query::EvalScratch scratch;
  routing::RoutingResult result;
  std::vector<moodycamel::ProducerToken> shard_tokens;  // this worker producing into each shard
  // This worker producing into each endpoint slot's queue; made on first use.
  std::vector<std::unique_ptr<moodycamel::ProducerToken>> endpoint_tokens;
  std::unique_ptr<moodycamel::ConsumerToken> consumer;  // this worker consuming its own shard
  std::vector<std::vector<OutboundMessage>> outbound;   // per endpoint slot, flushed per batch
  std::vector<Envelope> batch;
  std::vector<Envelope> submit_batch;
  std::vector<OutboundMessage> deliver_batch;
  metrics::WorkerMetrics* metrics = nullptr;
  // Work accounting: units are accepted messages and deliveries handed to endpoints.
  alignas(64) std::atomic<uint64_t> added{0};
  std::atomic<uint64_t> done{0};
  // Conservation: messages with at least one delivery, and deliveries created.
  std::atomic<uint64_t> routed_messages{0};
  std::atomic<uint64_t> deliveries_created{0};
  // The table epoch this worker last started a batch with (quiescent-state reclamation).
  alignas(64) std::atomic<uint64_t> observed_epoch{0};
  size_t drain_cursor = 0;

  void addWork(uint64_t n) {
    added.store(added.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }
  void doneWork(uint64_t n) {
    done.store(done.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }
};

Router::Router(std::shared_ptr<const routing::RouteTable> table, const EndpointRegistry& registry,
               std::vector<routing::EndpointConfig> configs, RouterOptions options)
    : options_(options),
      registry_(registry),
      configs_(std::move(configs)),
      clock_(options.clock != nullptr ? options.clock : &SteadyClock::instance()) {
  if (options_.workers == 0) options_.workers = std::max(1u, std::thread::hardware_concurrency());
  options_.max_endpoints = std::max(options_.max_endpoints, table->endpoints().size());
  for (size_t i = 0; i < options_.workers; ++i) {
    shards_.push_back(
        std::make_unique<Shard>(std::min<size_t>(options_.shard_capacity, kInitialQueueItems)));
  }
  slots_.resize(options_.max_endpoints);
  for (size_t i = 0; i <= options_.workers; ++i) {
    metrics_.push_back(std::make_unique<metrics::WorkerMetrics>(options_.max_endpoints));
  }
  auto makeWorker = [&](size_t index) {
    auto w = std::make_unique<Worker>();
    w->index = index;
    // The router reads bodies like On-Demand: unread parts are not syntax-checked.
    w->scratch.setValidation(message::Validation::kPaths);
    for (auto& shard : shards_) w->shard_tokens.emplace_back(shard->queue);
    if (index < shards_.size())
      w->consumer = std::make_unique<moodycamel::ConsumerToken>(shards_[index]->queue);
    w->outbound.resize(options_.max_endpoints);
    w->endpoint_tokens.resize(options_.max_endpoints);
    w->metrics = metrics_[std::min(index, options_.workers)].get();
    return w;
  };
  for (size_t i = 0; i < options_.workers; ++i) workers_.push_back(makeWorker(i));
  inline_worker_ = makeWorker(options_.workers);
  current_.store(makeState(std::move(table)), std::memory_order_release);
}

Router::~Router() {
  if (running_.load()) stop();
  delete current_.load();
}

Router::TableState* Router::makeState(std::shared_ptr<const routing::RouteTable> table) {
  auto* state = new TableState();
  for (const auto& e : table->endpoints()) {
    size_t count = slot_count_.load(std::memory_order_acquire);
    size_t slot = count;
    for (size_t s = 0; s < count; ++s) {
      if (slots_[s]->name == e.name && slots_[s]->kind == e.kind) {
        slot = s;
        break;
      }
    }
    if (slot == count) {
      if (count >= slots_.size()) {
        slot = 0;  // out of slots: counted against the built-in endpoint (reported by the caller)
      } else {
        const routing::EndpointConfig* config = nullptr;
        for (const auto& c : configs_) {
          if (c.name == e.name) config = &c;
        }
        slots_[count] = std::make_unique<EndpointSlot>(
            count, e.name, e.kind, registry_.create(e.kind, e.name, config),
            std::min<size_t>(options_.endpoint_capacity, kInitialQueueItems), options_.retry);
        slot_count_.store(count + 1, std::memory_order_release);
      }
    }
    state->slot_of.push_back(static_cast<uint16_t>(slot));
  }
  state->table = std::move(table);
  return state;
}

std::shared_ptr<const routing::RouteTable> Router::table() const {
  return current_.load(std::memory_order_acquire)->table;
}

size_t Router::shardBacklog(size_t shard) const {
  int64_t n = shards_[shard]->size.load(std::memory_order_relaxed);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

size_t Router::shardOf(std::string_view device_id) const {
  return static_cast<size_t>(hashDevice(device_id) % shards_.size());
}

void Router::start(IngressSource* source) {
  source_ = source;
  stopping_.store(false);
  running_.store(true);
  for (size_t i = 0; i < workers_.size(); ++i) threads_.emplace_back([this, i] { workerLoop(i); });
}

void Router::stop() {
  if (!running_.load()) return;
  drain();
  stopping_.store(true, std::memory_order_release);
  for (auto& t : threads_) t.join();
  threads_.clear();
  running_.store(false);
  if (pending() == 0) retired_tables_.clear();
}

uint64_t Router::pending() const {
  // Read completions before additions: an addition always happens before its completion, so
  // this never under-counts work still in flight.
  uint64_t done = 0;
  for (const auto& w : workers_) done += w->done.load(std::memory_order_acquire);
  done += inline_worker_->done.load(std::memory_order_acquire);
  uint64_t added = external_added_.load(std::memory_order_acquire);
  for (const auto& w : workers_) added += w->added.load(std::memory_order_acquire);
  added += inline_worker_->added.load(std::memory_order_acquire);
  return added - done;
}

void Router::deliverInline() {
  // Deliver everything that can go now; what a failing endpoint refuses waits for its retry
  // time (on the router's clock) and goes on a later call.
  while (drainEndpoints(*inline_worker_) != 0) {
  }
}

void Router::drain() {
  if (!running_.load()) {  // inline mode: retry what endpoints refused
    deliverInline();
    return;
  }
  // The caller is not on the message path: poll gently, so it does not take the workers' cores.
  while (pending() != 0 || (source_ != nullptr && !source_->exhausted())) {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
}

SubmitResult Router::submit(const message::Message& message, uint64_t ingress_ns) {
  return submitTo(nullptr, message, ingress_ns);
}

SubmitResult Router::submitFrom(size_t worker, const message::Message& message,
                                uint64_t ingress_ns) {
  return submitTo(workers_[worker].get(), message, ingress_ns);
}

void Router::countRejectedAtIngress(uint64_t count) {
  metrics::WorkerMetrics& m = *metrics_.back();  // the slot shared by non-worker threads
  m.ingress_attempts.addShared(count);
  m.ingress_rejected.addShared(count);
}

SubmitResult Router::submitTo(Worker* producer, const message::Message& message,
                              uint64_t ingress_ns) {
  metrics::WorkerMetrics& m = producer ? *producer->metrics : *metrics_.back();
  auto count = [&](metrics::Counter& c) {
    if (producer) {
      c.add();
    } else {
      c.addShared();
    }
  };
  count(m.ingress_attempts);
  size_t size = message::messageSize(message);
  if (size > message::kMaxMessageBytes) {
    count(m.ingress_rejected);
    return SubmitResult::kTooLarge;
  }
  Shard& shard = *shards_[shardOf(message.device_id)];
  const auto capacity = static_cast<int64_t>(options_.shard_capacity);
  Backoff backoff;
  // Reserve a place; when the shard is full, give the reservation back (so waiting producers
  // never count against the room they wait for) and either answer Busy or wait and retry.
  while (shard.size.fetch_add(1, std::memory_order_acq_rel) >= capacity) {
    shard.size.fetch_sub(1, std::memory_order_acq_rel);
    if (options_.when_full == WhenFull::kBusy) {
      count(m.busy);
      count(m.ingress_throttled);
      return SubmitResult::kBusy;
    }
    // Backpressure: a worker keeps its own shard and endpoints moving meanwhile.
    while (shard.size.load(std::memory_order_acquire) >= capacity) {
      if (producer != nullptr && producer->consumer != nullptr) {
        routeBatch(*producer);
        drainEndpoints(*producer);
      }
      backoff.pause();
    }
  }
  count(m.ingress_accepted);
  if (producer) {
    producer->addWork(1);
  } else {
    external_added_.fetch_add(1, std::memory_order_acq_rel);
  }
  Envelope env{&message, ingress_ns, static_cast<uint32_t>(size)};
  bool ok = producer ? shard.queue.enqueue(producer->shard_tokens[shardOf(message.device_id)], env)
                     : shard.queue.enqueue(env);
  if (!ok) {  // allocation failure: undo, as Busy
    shard.size.fetch_sub(1, std::memory_order_acq_rel);
    return SubmitResult::kBusy;
  }
  return SubmitResult::kAccepted;
}

size_t Router::submitOwnShardBatch(size_t worker, std::span<const message::Message* const> messages,
                                   std::span<const uint64_t> ingress_ns) {
  Worker& w = *workers_[worker];
  metrics::WorkerMetrics& m = *w.metrics;
  Shard& shard = *shards_[worker];
  std::vector<Envelope>& batch = w.submit_batch;
  batch.clear();
  for (size_t i = 0; i < messages.size(); ++i) {
    size_t size = message::messageSize(*messages[i]);
    if (size > message::kMaxMessageBytes) {
      m.ingress_rejected.add();
      continue;
    }
    batch.push_back(Envelope{messages[i], ingress_ns[i], static_cast<uint32_t>(size)});
  }
  m.ingress_attempts.add(messages.size());
  if (batch.empty()) return 0;
  auto n = static_cast<int64_t>(batch.size());
  Backoff backoff;
  while (shard.size.load(std::memory_order_acquire) + n >
             static_cast<int64_t>(options_.shard_capacity) &&
         shard.size.load(std::memory_order_acquire) > 0) {
    // Our own shard is full: route some of it first.
    if (routeBatch(w) == 0 && drainEndpoints(w) == 0) backoff.pause();
  }
  shard.size.fetch_add(n, std::memory_order_acq_rel);
  m.ingress_accepted.add(batch.size());
  w.addWork(batch.size());
  shard.queue.enqueue_bulk(w.shard_tokens[worker], batch.begin(), batch.size());
  return batch.size();
}

SubmitResult Router::processInline(const message::Message& message, uint64_t ingress_ns) {
  Worker& w = *inline_worker_;
  w.metrics->ingress_attempts.add();
  size_t size = message::messageSize(message);
  if (size > message::kMaxMessageBytes) {
    w.metrics->ingress_rejected.add();
    return SubmitResult::kTooLarge;
  }
  w.metrics->ingress_accepted.add();
  w.addWork(1);
  const TableState& state = *current_.load(std::memory_order_acquire);
  routeOne(w, state, Envelope{&message, ingress_ns, static_cast<uint32_t>(size)});
  flushOutbound(w);
  deliverInline();
  return SubmitResult::kAccepted;
}

void Router::routeOne(Worker& w, const TableState& state, const Envelope& env) {
  const message::Message& m = *env.message;
  auto source = static_cast<size_t>(m.source);
  state.table->route(m, w.scratch, w.result, env.size);
  metrics::WorkerMetrics& mt = *w.metrics;
  OutcomeObserver* observer = options_.observer;
  if (observer != nullptr) observer->routed(m, w.result, clock_->nowNs());
  if (w.result.outcome == routing::RoutingResult::Outcome::kOrphaned) {
    mt.orphaned[source].add();
    w.doneWork(1);
    return;
  }
  w.routed_messages.store(w.routed_messages.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
  uint64_t handed = 0;
  for (const routing::Delivery& d : w.result.deliveries) {
    uint16_t slot = state.slot_of[d.endpoint];
    if (d.invalid) {
      mt.endpoints[slot].invalid[source].add();
      mt.egress_invalid.add();
      if (observer != nullptr) {
        observer->outcome(m, slot, OutcomeObserver::Outcome::kInvalid, clock_->nowNs());
      }
      continue;
    }
    uint16_t partition = 0;
    if (d.endpoint == 0) {  // the built-in endpoint is always the table's first
      partition = static_cast<uint16_t>(
          routing::builtinPartition(m.device_id, options_.builtin_partitions));
    }
    w.outbound[slot].push_back(OutboundMessage{env.message, state.table.get(), env.ingress_ns,
                                               d.size, d.endpoint, partition, d.fallback});
    ++handed;
  }
  w.deliveries_created.store(
      w.deliveries_created.load(std::memory_order_relaxed) + w.result.deliveries.size(),
      std::memory_order_relaxed);
  // The message's unit becomes one unit per delivery still in flight.
  w.addWork(handed);
  w.doneWork(1);
}

void Router::flushOutbound(Worker& w) {
  size_t count = slot_count_.load(std::memory_order_acquire);
  for (size_t s = 0; s < count; ++s) {
    std::vector<OutboundMessage>& out = w.outbound[s];
    if (out.empty()) continue;
    EndpointSlot& slot = *slots_[s];
    auto n = static_cast<int64_t>(out.size());
    Backoff backoff;
    // Backpressure towards the endpoint: help deliver until there is room. Not in inline mode,
    // where time stands still during the call: a failing endpoint's queue holds what it must
    // (as IoT Hub keeps messages for an unhealthy endpoint) and grows past the capacity.
    while (&w != inline_worker_.get() &&
           slot.size.load(std::memory_order_acquire) + n >
               static_cast<int64_t>(options_.endpoint_capacity) &&
           slot.size.load(std::memory_order_acquire) > 0) {
      if (drainEndpoints(w) == 0) backoff.pause();
    }
    slot.size.fetch_add(n, std::memory_order_acq_rel);
    auto& token = w.endpoint_tokens[s];
    if (!token) token = std::make_unique<moodycamel::ProducerToken>(slot.queue);
    slot.queue.enqueue_bulk(*token, out.begin(), out.size());
    out.clear();
  }
}

size_t Router::routeBatch(Worker& w) {
  // Start of a batch: take the current table and tell reclamation which epoch we are in.
  uint64_t epoch = epoch_.load(std::memory_order_acquire);
  const TableState& state = *current_.load(std::memory_order_acquire);
  w.observed_epoch.store(epoch, std::memory_order_release);
  if (w.consumer == nullptr) return 0;
  Shard& shard = *shards_[w.index];
  w.batch.resize(options_.batch_size);
  size_t n = shard.queue.try_dequeue_bulk(*w.consumer, w.batch.begin(), options_.batch_size);
  if (n == 0) return 0;
  shard.size.fetch_sub(static_cast<int64_t>(n), std::memory_order_acq_rel);
  for (size_t i = 0; i < n; ++i) routeOne(w, state, w.batch[i]);
  flushOutbound(w);
  return n;
}

size_t Router::deliverFrom(Worker& w, EndpointSlot& slot) {
  std::vector<OutboundMessage>& batch = w.deliver_batch;
  batch.clear();
  // Refused messages first, then the queue, up to one batch.
  batch.insert(batch.end(), slot.retry.begin(), slot.retry.end());
  slot.retry.clear();
  size_t from_queue = 0;
  if (batch.size() < options_.batch_size) {
    size_t want = options_.batch_size - batch.size();
    // Up to half the batch from this worker's own deliveries (in its cache: no cross-core
    // traffic), the rest from the queue as a whole, which favours the longest backlog: a
    // slot's owner drains every producer, and none starves behind the owner's own traffic.
    // One deliverer at a time per endpoint and FIFO per producer keep every device's order.
    // Appended (the batch keeps its capacity): not a whole batch of entries set up for the
    // one message an inline run usually finds.
    if (const auto& token = w.endpoint_tokens[slot.index]) {
      from_queue = slot.queue.try_dequeue_bulk_from_producer(*token, std::back_inserter(batch),
                                                             (want + 1) / 2);
    }
    if (from_queue < want) {
      from_queue += slot.queue.try_dequeue_bulk(std::back_inserter(batch), want - from_queue);
    }
    slot.size.fetch_sub(static_cast<int64_t>(from_queue), std::memory_order_acq_rel);
  }
  if (batch.empty()) return 0;
  const uint64_t t = clock_->nowNs();
  metrics::EndpointCounters& c = w.metrics->endpoints[slot.index];
  uint64_t busy_until = 0;  // a slow endpoint takes no other batch before this time
  auto publishRetry = [&] {
    slot.retry_size.store(slot.retry.size(), std::memory_order_release);
    uint64_t retry_at = slot.health.dead() || slot.retry.empty() ? 0 : slot.health.nextAttemptNs();
    slot.wait_until_ns.store(std::max(retry_at, busy_until), std::memory_order_release);
  };
  // Messages for a dead endpoint are dropped (counted, not sent to fallback), except one probe
  // every RetryPolicy::dead_probe_ns that may revive it.
  auto dropFrom = [&](size_t first) {
    for (size_t i = first; i < batch.size(); ++i) {
      c.dropped[static_cast<size_t>(batch[i].message->source)].add();
      if (options_.observer != nullptr) {
        options_.observer->outcome(*batch[i].message, slot.index,
                                   OutcomeObserver::Outcome::kDropped, t);
      }
    }
    w.metrics->egress_dropped.add(batch.size() - first);
    w.doneWork(batch.size() - first);
  };
  EndpointHealth::Action action = slot.health.next(t);
  if (action == EndpointHealth::Action::kDrop) {
    dropFrom(0);
    publishRetry();
    return batch.size();
  }
  std::span<const OutboundMessage> attempt(batch);
  if (action == EndpointHealth::Action::kProbe) attempt = attempt.first(1);
  DeliveryReport report = slot.endpoint->deliver(attempt);
  size_t delivered = std::min(report.delivered, attempt.size());
  const uint64_t done_at = t + report.busy_ns;
  if (report.busy_ns != 0) busy_until = done_at;
  uint64_t fallback = 0;
  uint64_t bytes = 0;
  for (size_t i = 0; i < delivered; ++i) {
    const OutboundMessage& m = batch[i];
    c.delivered[static_cast<size_t>(m.message->source)].add();
    c.latency.record(done_at > m.ingress_ns ? done_at - m.ingress_ns : 0);
    bytes += m.size;
    fallback += m.fallback ? 1 : 0;
    if (options_.observer != nullptr) {
      options_.observer->outcome(*m.message, slot.index, OutcomeObserver::Outcome::kDelivered,
                                 done_at);
    }
  }
  c.bytes.add(bytes);
  c.fallback.add(fallback);
  w.metrics->egress_success.add(delivered);
  w.metrics->egress_fallback.add(fallback);
  w.doneWork(delivered);
  if (delivered > 0) slot.health.succeeded(t);
  if (delivered < attempt.size() && report.failure != DeliveryFailure::kNone) {
    slot.health.failed(t, report.failure, report.detail);
  }
  if (slot.health.dead()) {
    dropFrom(delivered);  // the endpoint died with this attempt (or the probe failed)
  } else {
    // What was not delivered (refused, or not attempted behind a probe) goes first next time.
    slot.retry.assign(batch.begin() + static_cast<ptrdiff_t>(delivered), batch.end());
    for (OutboundMessage& m : slot.retry) m.retried = true;
  }
  publishRetry();
  return delivered;
}

size_t Router::drainEndpoints(Worker& w, bool help) {
  size_t count = slot_count_.load(std::memory_order_acquire);
  size_t total = 0;
  const size_t workers = workers_.size();
  const bool all = help || workers <= 1 || stopping_.load(std::memory_order_acquire);
  const auto pressure = static_cast<int64_t>(2 * options_.batch_size);
  for (size_t k = 0; k < count; ++k) {
    size_t s = (w.drain_cursor + k) % count;
    EndpointSlot& slot = *slots_[s];
    int64_t queued = slot.size.load(std::memory_order_acquire);
    if (queued <= 0 && slot.retry_size.load(std::memory_order_acquire) == 0) continue;
    if (!all && s % workers != w.index && queued < pressure) continue;
    // A failing endpoint waits out its backoff; the queue holds its messages meanwhile.
    uint64_t wait_until = slot.wait_until_ns.load(std::memory_order_acquire);
    if (wait_until != 0 && clock_->nowNs() < wait_until) continue;
    bool expected = false;
    if (!slot.claimed.compare_exchange_strong(expected, true, std::memory_order_acquire)) continue;
    // Take what every producer queued since last time (up to a bound), so a slot drained by
    // its owner alone does not fall behind producers on several workers.
    for (size_t round = 0; round < workers; ++round) {
      size_t n = deliverFrom(w, slot);
      total += n;
      if (n < options_.batch_size || slot.size.load(std::memory_order_acquire) <= 0) break;
    }
    slot.claimed.store(false, std::memory_order_release);
  }
  w.drain_cursor = count ? (w.drain_cursor + 1) % count : 0;
  return total;
}

void Router::workerLoop(size_t index) {
  Worker& w = *workers_[index];
  Backoff backoff;
  while (true) {
    size_t work = 0;
    if (source_ != nullptr && !source_->exhausted()) work += source_->produce(index, *this);
    work += routeBatch(w);
    work += drainEndpoints(w, /*help=*/false);
    if (work != 0) {
      backoff.reset();
      continue;
    }
    if (stopping_.load(std::memory_order_acquire)) break;
    backoff.pause();
  }
}

SwapStats Router::swapTable(std::shared_ptr<const routing::RouteTable> next) {
  SwapStats stats;
  auto t0 = std::chrono::steady_clock::now();
  TableState* state = makeState(std::move(next));
  TableState* old = current_.exchange(state, std::memory_order_acq_rel);
  uint64_t epoch = epoch_.fetch_add(1, std::memory_order_acq_rel) + 1;
  auto t1 = std::chrono::steady_clock::now();
  stats.publish = t1 - t0;
  if (running_.load()) {
    // Every worker starts its next batch (or idle turn) with the new epoch; only then is the
    // old table unreachable.
    for (const auto& w : workers_) {
      while (w->observed_epoch.load(std::memory_order_acquire) < epoch) std::this_thread::yield();
    }
  }
  // Deliveries the old table routed may still be queued (or waiting for a retry) and carry
  // it for enrichments: keep it alive until a moment with nothing in flight.
  retired_tables_.push_back(old->table);
  delete old;
  if (pending() == 0) retired_tables_.clear();
  stats.quiesce = std::chrono::steady_clock::now() - t1;
  return stats;
}

metrics::MetricsSnapshot Router::metrics() const {
  metrics::MetricsSnapshot s = metrics::MetricsSnapshot::sum(metrics_);
  s.endpoints.resize(slot_count_.load(std::memory_order_acquire));
  return s;
}

std::vector<metrics::EndpointDescription> Router::endpointDescriptions() const {
  std::vector<metrics::EndpointDescription> out;
  size_t count = slot_count_.load(std::memory_order_acquire);
  for (size_t s = 0; s < count; ++s) {
    out.push_back({slots_[s]->name, std::string(routing::endpointTypeName(slots_[s]->kind)),
                   std::string(routing::endpointMetricName(slots_[s]->kind))});
  }
  return out;
}

template <typename F>
void Router::forEachSlotClaimed(F&& f) const {
  size_t count = slot_count_.load(std::memory_order_acquire);
  for (size_t s = 0; s < count; ++s) {
    EndpointSlot& slot = *slots_[s];
    // The claim makes this thread the endpoint's only user (its deliverer owns its state).
    bool expected = false;
    while (!slot.claimed.compare_exchange_weak(expected, true, std::memory_order_acquire)) {
      expected = false;
      std::this_thread::yield();
    }
    f(slot);
    slot.claimed.store(false, std::memory_order_release);
  }
}

std::vector<EndpointHealthReport> Router::health() const {
  std::vector<EndpointHealthReport> out;
  uint64_t now = clock_->nowNs();
  forEachSlotClaimed([&](EndpointSlot& slot) { out.push_back(slot.health.report(now)); });
  return out;
}

void Router::tickEndpoints() {
  uint64_t now = clock_->nowNs();
  forEachSlotClaimed([&](EndpointSlot& slot) { slot.endpoint->tick(now); });
}

void Router::flushEndpoints() {
  uint64_t now = clock_->nowNs();
  forEachSlotClaimed([&](EndpointSlot& slot) { slot.endpoint->flush(now); });
}

Status Router::checkConservation() const {
  if (uint64_t in_flight = pending(); in_flight != 0) {
    return Error(ErrorCode::kInternal, "conservation: " + std::to_string(in_flight) +
                                           " units still in flight; drain() first");
  }
  metrics::MetricsSnapshot s = metrics();
  uint64_t routed = inline_worker_->routed_messages.load();
  uint64_t created = inline_worker_->deliveries_created.load();
  for (const auto& w : workers_) {
    routed += w->routed_messages.load();
    created += w->deliveries_created.load();
  }
  uint64_t terminal = 0;
  for (const auto& e : s.endpoints) terminal += e.delivered + e.invalid + e.dropped;
  if (s.ingress_accepted != s.orphanedTotal() + routed) {
    return Error(ErrorCode::kInternal,
                 "conservation: accepted " + std::to_string(s.ingress_accepted) + " != orphaned " +
                     std::to_string(s.orphanedTotal()) + " + routed " + std::to_string(routed));
  }
  if (created != terminal) {
    return Error(ErrorCode::kInternal, "conservation: deliveries " + std::to_string(created) +
                                           " != delivered + invalid + dropped " +
                                           std::to_string(terminal));
  }
  return {};
}

}  // namespace routesim::router
