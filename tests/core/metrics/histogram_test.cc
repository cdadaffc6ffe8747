// LatencyHistogram's bucket layout and HistogramSnapshot's percentiles and merging.
#include "core/metrics/histogram.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace routesim::metrics {
namespace {

using H = LatencyHistogram;

// The largest value the layout represents exactly (the last bucket's upper bound).
constexpr uint64_t kLargestValue = (uint64_t{1} << 51) - 1;

// Checks the bucket contract for `v`: the bucket's bounds enclose v and are within 1/16.
void expectBucketHolds(uint64_t v) {
  int b = H::bucketOf(v);
  ASSERT_GE(b, 0) << v;
  ASSERT_LT(b, H::kBuckets) << v;
  uint64_t u = H::upperBoundOf(b);
  EXPECT_LE(v, u) << "value " << v << " bucket " << b;
  EXPECT_LT(static_cast<double>(u - v), static_cast<double>(v) / 16.0 + 1.0)
      << "value " << v << " bucket " << b << " upper " << u;
  if (b > 0) {
    EXPECT_LT(H::upperBoundOf(b - 1), v) << "value " << v << " belongs to an earlier bucket";
  }
}

TEST(LatencyHistogramTest, ValuesBelowSixteenHaveExactBuckets) {
  for (uint64_t v = 0; v < 16; ++v) {
    EXPECT_EQ(H::bucketOf(v), static_cast<int>(v));
    EXPECT_EQ(H::upperBoundOf(static_cast<int>(v)), v);
  }
  EXPECT_EQ(H::bucketOf(16), 16);
  EXPECT_EQ(H::upperBoundOf(16), 16u);
  EXPECT_EQ(H::bucketOf(31), 31);
  EXPECT_EQ(H::upperBoundOf(31), 31u);
  // From 32 on a bucket holds two or more values.
  EXPECT_EQ(H::bucketOf(32), H::bucketOf(33));
  EXPECT_EQ(H::upperBoundOf(H::bucketOf(32)), 33u);
}

TEST(LatencyHistogramTest, EveryValueUpToOneMillionLiesWithinOneSixteenthOfItsBound) {
  for (uint64_t v = 0; v <= (1u << 20); ++v) {
    expectBucketHolds(v);
    if (HasFailure()) return;
  }
}

TEST(LatencyHistogramTest, OctaveEdgesAndRandomLargeValuesLieWithinTheirBounds) {
  for (int bit = 4; bit <= 50; ++bit) {
    uint64_t p = uint64_t{1} << bit;
    for (uint64_t v : {p - 1, p, p + 1, p + p / 16 - 1, p + p / 16, p + p / 2}) {
      expectBucketHolds(v);
    }
  }
  expectBucketHolds(kLargestValue);
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    int bits = static_cast<int>(rng() % 51) + 1;
    uint64_t v = rng() & ((uint64_t{1} << bits) - 1);
    expectBucketHolds(v);
    if (HasFailure()) return;
  }
}

TEST(LatencyHistogramTest, BucketsAreMonotone) {
  uint64_t previous = 0;
  for (int b = 1; b < H::kBuckets; ++b) {
    uint64_t u = H::upperBoundOf(b);
    EXPECT_GT(u, previous) << "bucket " << b;
    // Each upper bound maps back to its own bucket, and the next value to the next bucket.
    EXPECT_EQ(H::bucketOf(u), b);
    if (b + 1 < H::kBuckets) {
      EXPECT_EQ(H::bucketOf(u + 1), b + 1);
    }
    previous = u;
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    uint64_t a = rng() & kLargestValue;
    uint64_t c = rng() & kLargestValue;
    if (a > c) std::swap(a, c);
    EXPECT_LE(H::bucketOf(a), H::bucketOf(c)) << a << " " << c;
  }
  EXPECT_EQ(H::upperBoundOf(H::kBuckets - 1), kLargestValue);
}

TEST(LatencyHistogramTest, ValuesPastTheRangeGoToTheLastBucket) {
  EXPECT_EQ(H::bucketOf(kLargestValue + 1), H::kBuckets - 1);
  EXPECT_EQ(H::bucketOf(std::numeric_limits<uint64_t>::max()), H::kBuckets - 1);
}

TEST(HistogramSnapshotTest, EmptySnapshotAnswersZero) {
  HistogramSnapshot s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.max(), 0u);
  EXPECT_EQ(s.mean(), 0.0);
  EXPECT_EQ(s.percentile(50), 0u);
  EXPECT_EQ(s.percentile(100), 0u);
  H h;
  s.add(h);
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.percentile(99), 0u);
}

// Checks that `actual` is the percentile of 1..n uniform: never below the exact rank value
// and within 1/16 above it.
void expectUniformPercentile(const HistogramSnapshot& s, double p, uint64_t exact) {
  uint64_t actual = s.percentile(p);
  EXPECT_GE(actual, exact) << "p" << p;
  EXPECT_LE(static_cast<double>(actual), static_cast<double>(exact) * (1.0 + 1.0 / 16.0))
      << "p" << p;
}

TEST(HistogramSnapshotTest, UniformDistributionPercentilesWithinOneSixteenth) {
  H h;
  for (uint64_t v = 1; v <= 10000; ++v) h.record(v);
  HistogramSnapshot s;
  s.add(h);
  EXPECT_EQ(s.count(), 10000u);
  EXPECT_EQ(s.max(), 10000u);
  EXPECT_DOUBLE_EQ(s.mean(), 5000.5);
  expectUniformPercentile(s, 50, 5000);
  expectUniformPercentile(s, 90, 9000);
  expectUniformPercentile(s, 99, 9900);
  expectUniformPercentile(s, 99.9, 9990);
  EXPECT_EQ(s.percentile(100), 10000u);
  EXPECT_EQ(s.percentile(0), 1u);  // the smallest rank is the first value
  // Percentiles never decrease with p.
  uint64_t previous = 0;
  for (double p = 0; p <= 100; p += 0.5) {
    uint64_t v = s.percentile(p);
    EXPECT_GE(v, previous) << "p" << p;
    previous = v;
  }
}

TEST(HistogramSnapshotTest, SmallValuesAreExact) {
  H h;
  for (uint64_t v = 1; v <= 10; ++v) h.record(v);
  HistogramSnapshot s;
  s.add(h);
  EXPECT_EQ(s.percentile(10), 1u);
  EXPECT_EQ(s.percentile(50), 5u);
  EXPECT_EQ(s.percentile(51), 6u);
  EXPECT_EQ(s.percentile(90), 9u);
  EXPECT_EQ(s.percentile(100), 10u);
}

TEST(HistogramSnapshotTest, PercentileIsCappedAtTheMaximumRecorded) {
  H h;
  for (int i = 0; i < 100; ++i) h.record(1000);  // bucket [992, 1023]
  HistogramSnapshot s;
  s.add(h);
  EXPECT_EQ(s.percentile(50), 1000u);
  EXPECT_EQ(s.percentile(99.9), 1000u);
  EXPECT_EQ(s.max(), 1000u);
}

TEST(HistogramSnapshotTest, BimodalDistributionSeparatesTheModes) {
  H h;
  for (int i = 0; i < 900; ++i) h.record(100);
  for (int i = 0; i < 100; ++i) h.record(1000000);
  HistogramSnapshot s;
  s.add(h);
  EXPECT_GE(s.percentile(50), 100u);
  EXPECT_LE(s.percentile(50), 106u);
  EXPECT_GE(s.percentile(90), 100u);  // rank 900 is the last of the first mode
  EXPECT_LE(s.percentile(90), 106u);
  EXPECT_EQ(s.percentile(90.1), 1000000u);
  EXPECT_EQ(s.percentile(99), 1000000u);
  EXPECT_EQ(s.max(), 1000000u);
  EXPECT_DOUBLE_EQ(s.mean(), (900.0 * 100 + 100.0 * 1000000) / 1000);
}

TEST(HistogramSnapshotTest, MergingHistogramsEqualsRecordingIntoOne) {
  H whole;
  H low;
  H high;
  std::mt19937_64 rng(3);
  std::vector<uint64_t> values;
  for (int i = 0; i < 20000; ++i) values.push_back(rng() % 5000000);
  for (size_t i = 0; i < values.size(); ++i) {
    whole.record(values[i]);
    (i % 3 == 0 ? low : high).record(values[i]);
  }
  HistogramSnapshot one;
  one.add(whole);
  HistogramSnapshot merged;
  merged.add(low);
  merged.add(high);
  HistogramSnapshot low_snapshot;
  low_snapshot.add(low);
  HistogramSnapshot high_snapshot;
  high_snapshot.add(high);
  HistogramSnapshot snapshot_merged;
  snapshot_merged.add(low_snapshot);
  snapshot_merged.add(high_snapshot);

  for (const HistogramSnapshot* s : {&merged, &snapshot_merged}) {
    EXPECT_EQ(s->count(), one.count());
    EXPECT_EQ(s->max(), one.max());
    EXPECT_DOUBLE_EQ(s->mean(), one.mean());
    for (double p : {0.0, 1.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
      EXPECT_EQ(s->percentile(p), one.percentile(p)) << "p" << p;
    }
  }
}

TEST(HistogramSnapshotTest, MergeKeepsTheLargerMaximum) {
  H a;
  H b;
  a.record(5);
  b.record(70000);
  b.record(3);
  HistogramSnapshot s;
  s.add(a);
  s.add(b);
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.max(), 70000u);
  EXPECT_EQ(s.percentile(100), 70000u);
  EXPECT_EQ(s.percentile(50), 5u);
  HistogramSnapshot t;
  t.add(b);
  HistogramSnapshot u;
  u.add(a);
  u.add(t);
  EXPECT_EQ(u.max(), 70000u);
  EXPECT_EQ(u.count(), 3u);
}

}  // namespace
}  // namespace routesim::metrics
