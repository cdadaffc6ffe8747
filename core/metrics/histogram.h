// Latency histogram with log-linear buckets (HdrHistogram's layout): for each power of two,
// 16 linear sub-buckets, so any recorded value is within 1/16 (6.25 %) of its bucket's bounds.
// One writer thread per histogram (record() is a relaxed increment, no read-modify-write
// contention); any thread may read. Snapshots merge histograms and answer percentiles.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace routesim::metrics {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 4;
  static constexpr int kSubBuckets = 1 << kSubBits;
  static constexpr int kExponents = 48;  // values up to 2^48 ns (about 78 hours)
  static constexpr int kBuckets = kExponents * kSubBuckets;

  // Records `value` (nanoseconds). Single writer; lock-free; never allocates.
  void record(uint64_t value) {
    int b = bucketOf(value);
    buckets_[b].store(buckets_[b].load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    count_.store(count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    sum_.store(sum_.load(std::memory_order_relaxed) + value, std::memory_order_relaxed);
    if (value > max_.load(std::memory_order_relaxed)) max_.store(value, std::memory_order_relaxed);
  }

  static int bucketOf(uint64_t value);
  // The highest value bucket `b` holds (what percentiles report: never an underestimate).
  static uint64_t upperBoundOf(int bucket);

 private:
  friend class HistogramSnapshot;
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_{0};
  std::atomic<uint64_t> max_{0};
};

// A point-in-time sum of histograms.
class HistogramSnapshot {
 public:
  HistogramSnapshot() : buckets_(LatencyHistogram::kBuckets, 0) {}

  void add(const LatencyHistogram& h);
  void add(const HistogramSnapshot& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
  }
  // The value at percentile `p` (0..100): the upper bound of the bucket holding it, capped at
  // the maximum recorded. 0 when empty.
  uint64_t percentile(double p) const;

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

}  // namespace routesim::metrics
