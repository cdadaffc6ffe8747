// ISO 8601 durations as Azure writes them (Service Bus `defaultMessageTimeToLive` "P14D",
// "PT1H", .NET TimeSpan.MaxValue "P10675199DT2H48M5.4775807S"; RBAC propagation "PT5M").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/error.h"

namespace routesim {

// Parses P[nY][nM][nW][nD][T[nH][nM][n[.f]S]] into nanoseconds (years are 365 days, months 30,
// as .NET's XmlConvert does). Letters are case-insensitive. Errors name the offset of the
// offending character; a result over ~292 years saturates at UINT64_MAX (Azure's "never").
Result<uint64_t> parseIsoDuration(std::string_view text);

// A count of nanoseconds computed in floating point (a rate's interval, a share of one) as an
// integer: NaN and negatives give 0, anything at or past UINT64_MAX saturates there ("never"),
// so that a far-out value from a user's file cannot overflow the conversion.
inline uint64_t saturatingNs(double ns) {
  if (!(ns > 0)) return 0;
  if (ns >= 18446744073709551615.0) return UINT64_MAX;
  return static_cast<uint64_t>(ns);
}

// a + b, or UINT64_MAX when the sum does not fit.
inline uint64_t saturatingAdd(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

// The shortest ISO 8601 form of `ns` ("PT5M", "P1DT2H", "PT0.5S", "PT0S").
std::string formatIsoDuration(uint64_t ns);

// A Unix time in nanoseconds as IoT Hub writes times: UTC with seven fractional digits (.NET
// ticks), "2018-07-05T15:11:42.6850000Z". Written by hand (no gmtime, no printf): the scenario
// replay stamps every message with it.
std::string formatUtcTicks(int64_t unix_ns);
// The same into a caller's buffer, without allocating: writes kUtcTicksLength characters.
inline constexpr size_t kUtcTicksLength = 28;
std::string_view formatUtcTicks(int64_t unix_ns, char (&out)[kUtcTicksLength]);

}  // namespace routesim
