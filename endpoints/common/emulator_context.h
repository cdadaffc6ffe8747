// What every endpoint emulator shares: the router's clock and the UTC time it stands for (blob
// names, enqueued times), the output folder, the hub's name and its built-in partition count.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/clock.h"

namespace routesim::endpoints {

struct EmulatorContext {
  const Clock* clock = &SteadyClock::instance();
  // UTC, in nanoseconds since the Unix epoch, at the clock's time 0. Replay sets it to the
  // scenario's start; wallTime() pairs a steady clock with the system clock.
  int64_t utc_at_zero_ns = 0;
  std::filesystem::path out_dir = "routesim-out";  // blobs and persisted entities go here
  std::string hub_name = "routesim-hub";
  uint32_t builtin_partitions = 4;
  // Whether an Event Hubs or Service Bus endpoint writes its entity's state on flush(). An owner
  // that saves every entity once at the end (Emulators::save) turns it off: an entity is then
  // written once, not once per endpoint flush and again by the owner.
  bool save_on_flush = true;

  std::chrono::system_clock::time_point utc(uint64_t clock_ns) const {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(utc_at_zero_ns + static_cast<int64_t>(clock_ns))));
  }
  uint64_t now() const { return clock->nowNs(); }

  // A context on the steady clock whose time 0 maps to the system clock's "now" minus the
  // steady clock's reading: clock times then read as the current UTC time.
  static EmulatorContext wallTime() {
    EmulatorContext c;
    c.clock = &SteadyClock::instance();
    int64_t system_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    c.utc_at_zero_ns = system_ns - static_cast<int64_t>(c.clock->nowNs());
    return c;
  }
};

}  // namespace routesim::endpoints
