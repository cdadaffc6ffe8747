#include "core/router/corpus_source.h"

#include <algorithm>
#include <span>

#include "core/common/duration.h"

namespace routesim::router {

CorpusSource::CorpusSource(const Router& router, const std::vector<message::Message>& messages,
                           Options options)
    : options_(options), feeders_(router.workerCount()) {
  for (const message::Message& m : messages)
    feeders_[router.shardOf(m.device_id)].list.push_back(&m);
  for (Feeder& f : feeders_) {
    if (options_.rate && !messages.empty()) {
      f.rate = *options_.rate * static_cast<double>(f.list.size()) /
               static_cast<double>(messages.size());
    }
    if (f.list.empty() || (options_.passes && *options_.passes == 0)) f.done.store(true);
  }
}

size_t CorpusSource::produce(size_t worker, Router& router) {
  Feeder& f = feeders_[worker];
  if (f.done.load(std::memory_order_relaxed)) return 0;
  if (stop_.load(std::memory_order_acquire)) {
    f.done.store(true, std::memory_order_release);
    return 0;
  }
  const size_t batch = options_.batch;
  uint64_t now = router.now();
  size_t n;
  if (options_.rate) {
    double due = static_cast<double>(now - start_ns_) * 1e-9 * f.rate;
    double sent = static_cast<double>(f.sent);
    n = due > sent ? std::min<size_t>(static_cast<size_t>(due - sent), 4 * batch) : 0;
  } else {
    if (router.shardBacklog(worker) > 4 * batch) return 0;
    n = batch;
  }
  n = std::min(n, f.list.size() - f.cursor);  // up to the end of this pass
  if (n == 0) return 0;
  f.times.resize(n);
  for (size_t i = 0; i < n; ++i) {
    f.times[i] =
        options_.rate
            ? saturatingAdd(start_ns_, saturatingNs(static_cast<double>(f.sent + i) / f.rate * 1e9))
            : now;
  }
  router.submitOwnShardBatch(worker, std::span(f.list).subspan(f.cursor, n), f.times);
  f.sent += n;
  f.cursor += n;
  if (f.cursor == f.list.size()) {
    f.cursor = 0;
    if (options_.passes && ++f.passes == *options_.passes)
      f.done.store(true, std::memory_order_release);
  }
  return n;
}

bool CorpusSource::exhausted() const {
  if (stop_.load(std::memory_order_acquire)) return true;
  for (const Feeder& f : feeders_) {
    if (!f.done.load(std::memory_order_acquire)) return false;
  }
  return true;
}

}  // namespace routesim::router
