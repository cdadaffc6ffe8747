#include "core/metrics/histogram.h"

#include <bit>
#include <cmath>

namespace routesim::metrics {

int LatencyHistogram::bucketOf(uint64_t value) {
  // Values below 16 have exact buckets 0..15. Above, an octave [2^m, 2^(m+1)) splits into 16
  // equal steps: bucket (m - 3) * 16 + (the 4 bits after the leading one).
  if (value < kSubBuckets) return static_cast<int>(value);
  int msb = 63 - std::countl_zero(value);
  int shift = msb - kSubBits;
  int bucket = (shift + 1) * kSubBuckets + static_cast<int>((value >> shift) - kSubBuckets);
  return bucket < kBuckets ? bucket : kBuckets - 1;
}

uint64_t LatencyHistogram::upperBoundOf(int bucket) {
  if (bucket < kSubBuckets) return static_cast<uint64_t>(bucket);
  int shift = bucket / kSubBuckets - 1;
  auto sub = static_cast<uint64_t>(bucket % kSubBuckets);
  return ((kSubBuckets + sub) << shift) + (uint64_t{1} << shift) - 1;
}

void HistogramSnapshot::add(const LatencyHistogram& h) {
  for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
    buckets_[static_cast<size_t>(i)] +=
        h.buckets_[static_cast<size_t>(i)].load(std::memory_order_relaxed);
  }
  count_ += h.count_.load(std::memory_order_relaxed);
  sum_ += h.sum_.load(std::memory_order_relaxed);
  uint64_t m = h.max_.load(std::memory_order_relaxed);
  if (m > max_) max_ = m;
}

void HistogramSnapshot::add(const HistogramSnapshot& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  if (other.max_ > max_) max_ = other.max_;
}

uint64_t HistogramSnapshot::percentile(double p) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      uint64_t bound = LatencyHistogram::upperBoundOf(static_cast<int>(i));
      return bound < max_ ? bound : max_;
    }
  }
  return max_;
}

}  // namespace routesim::metrics
