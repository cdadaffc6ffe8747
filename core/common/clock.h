// One clock interface for wall time (bench, serve: a monotonic clock) and virtual time (replay:
// a clock the scenario moves), so delivery retries, endpoint health and latency work the same
// way in both.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace routesim {

class Clock {
 public:
  virtual ~Clock() = default;
  // Nanoseconds since the clock's origin; never decreases. Thread-safe.
  virtual uint64_t nowNs() const = 0;
};

// std::chrono::steady_clock.
class SteadyClock final : public Clock {
 public:
  uint64_t nowNs() const override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
  }
  // A shared instance (the default of components that take a Clock*).
  static const SteadyClock& instance() {
    static const SteadyClock clock;
    return clock;
  }
};

// Virtual time: stands still until set or advanced. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(uint64_t start_ns = 0) : now_(start_ns) {}
  uint64_t nowNs() const override { return now_.load(std::memory_order_acquire); }
  void advance(uint64_t ns) { now_.fetch_add(ns, std::memory_order_acq_rel); }
  // Moves to `ns` if that is later (time never goes back).
  void set(uint64_t ns) {
    uint64_t cur = now_.load(std::memory_order_acquire);
    while (ns > cur && !now_.compare_exchange_weak(cur, ns, std::memory_order_acq_rel)) {
    }
  }

 private:
  std::atomic<uint64_t> now_;
};

inline constexpr uint64_t kNsPerSecond = 1'000'000'000ull;

}  // namespace routesim
