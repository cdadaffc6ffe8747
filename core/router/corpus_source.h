// An IngressSource that feeds a corpus of messages held in memory (routesim bench, benchmarks):
// worker w sends, in corpus order, the messages of the devices its shard owns, so a device's
// messages arrive in corpus order and no extra thread competes for the cores. Closed loop keeps
// a few batches queued per shard; open loop (a rate) sends each message when it is due and
// stamps it with that time, so latency includes any time the router fell behind.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/message/message.h"
#include "core/router/router.h"

namespace routesim::router {

class CorpusSource final : public IngressSource {
 public:
  struct Options {
    std::optional<uint64_t> passes;  // send each message this many times; unset: until stop()
    std::optional<double> rate;      // messages per second in total; unset: closed loop
    size_t batch = 64;               // messages per hand-off
  };

  // `router` gives the shards; `messages` must outlive the run.
  CorpusSource(const Router& router, const std::vector<message::Message>& messages,
               Options options);

  // The open loop's time zero (the router's now()); call just before Router::start.
  void begin(uint64_t start_ns) { start_ns_ = start_ns; }
  // Ends feeding; exhausted() becomes true once every worker has seen it.
  void stop() { stop_.store(true, std::memory_order_release); }

  size_t produce(size_t worker, Router& router) override;
  bool exhausted() const override;

 private:
  struct Feeder {
    std::vector<const message::Message*> list;
    std::vector<uint64_t> times;
    size_t cursor = 0;
    uint64_t passes = 0;
    uint64_t sent = 0;
    double rate = 0;
    std::atomic<bool> done{false};
  };

  Options options_;
  uint64_t start_ns_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<Feeder> feeders_;
};

}  // namespace routesim::router
