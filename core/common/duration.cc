#include "core/common/duration.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace routesim {
namespace {

constexpr uint64_t kSecond = 1'000'000'000ull;
constexpr uint64_t kMinute = 60 * kSecond;
constexpr uint64_t kHour = 60 * kMinute;
constexpr uint64_t kDay = 24 * kHour;
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

Error bad(std::string_view text, size_t at, std::string what) {
  return Error::at(ErrorCode::kInvalidInput, {static_cast<uint32_t>(at), 1},
                   "invalid ISO 8601 duration '" + std::string(text) + "' at offset " +
                       std::to_string(at) + ": " + what);
}

// a + b * unit, saturating.
uint64_t addScaled(uint64_t a, long double b, uint64_t unit) {
  long double v = static_cast<long double>(a) + b * static_cast<long double>(unit);
  v += 0.5L;  // to the nearest nanosecond (decimal fractions are inexact in binary)
  return v >= static_cast<long double>(kMax) ? kMax : static_cast<uint64_t>(v);
}

}  // namespace

Result<uint64_t> parseIsoDuration(std::string_view text) {
  size_t i = 0;
  if (text.empty() || (text[0] != 'P' && text[0] != 'p')) {
    return bad(text, 0, "expected 'P' (for example PT5M or P1D)");
  }
  ++i;
  bool in_time = false;
  bool any = false;
  // Designators in the order they may appear: date part Y M W D, time part H M S.
  std::string_view order = "YMWD";
  size_t next_allowed = 0;
  uint64_t total = 0;
  while (i < text.size()) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    if (c == 'T') {
      if (in_time) return bad(text, i, "a second 'T'");
      in_time = true;
      order = "HMS";
      next_allowed = 0;
      ++i;
      if (i == text.size()) return bad(text, i, "expected a number after 'T'");
      continue;
    }
    size_t start = i;
    long double value = 0;
    bool digits = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i] - '0');
      digits = true;
      ++i;
    }
    bool fraction = false;
    if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
      fraction = true;
      ++i;
      long double scale = 0.1L;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        value += (text[i] - '0') * scale;
        scale /= 10;
        digits = true;
        ++i;
      }
    }
    if (!digits) return bad(text, start, "expected a number");
    if (i == text.size()) return bad(text, i, "expected a designator (Y, M, W, D, H, M or S)");
    char d = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    size_t pos = order.find(d, next_allowed);
    if (pos == std::string_view::npos) {
      return bad(
          text, i,
          in_time ? "expected H, M or S in that order" : "expected Y, M, W or D in that order");
    }
    if (fraction && !(in_time && d == 'S')) {
      return bad(text, start, "only seconds may have a fraction");
    }
    next_allowed = pos + 1;
    uint64_t unit = 0;
    if (!in_time) {
      unit = d == 'Y' ? 365 * kDay : d == 'M' ? 30 * kDay : d == 'W' ? 7 * kDay : kDay;
    } else {
      unit = d == 'H' ? kHour : d == 'M' ? kMinute : kSecond;
    }
    total = addScaled(total, value, unit);
    any = true;
    ++i;
  }
  if (!any) return bad(text, text.size(), "expected at least one component (for example PT5M)");
  return total;
}

std::string formatIsoDuration(uint64_t ns) {
  std::string out = "P";
  uint64_t days = ns / kDay;
  ns %= kDay;
  if (days != 0) out += std::to_string(days) + "D";
  if (ns == 0) return days != 0 ? out : "PT0S";
  out += "T";
  uint64_t hours = ns / kHour;
  ns %= kHour;
  uint64_t minutes = ns / kMinute;
  ns %= kMinute;
  if (hours != 0) out += std::to_string(hours) + "H";
  if (minutes != 0) out += std::to_string(minutes) + "M";
  if (ns != 0) {
    out += std::to_string(ns / kSecond);
    if (uint64_t frac = ns % kSecond; frac != 0) {
      std::string f = std::to_string(frac);
      f.insert(0, 9 - f.size(), '0');
      while (f.back() == '0') f.pop_back();
      out += "." + f;
    }
    out += "S";
  }
  return out;
}

std::string formatUtcTicks(int64_t unix_ns) {
  char buf[kUtcTicksLength];
  return std::string(formatUtcTicks(unix_ns, buf));
}

std::string_view formatUtcTicks(int64_t unix_ns, char (&buf)[kUtcTicksLength]) {
  int64_t ticks = unix_ns >= 0 ? unix_ns / 100 : -((-unix_ns + 99) / 100);  // floor
  int64_t seconds = ticks >= 0 ? ticks / 10000000 : -((-ticks + 9999999) / 10000000);
  auto fraction = static_cast<uint32_t>(ticks - seconds * 10000000);
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  auto second_of_day = static_cast<uint32_t>(seconds - days * 86400);
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<uint32_t>(z - era * 146097);
  uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t year = static_cast<int64_t>(yoe) + era * 400;
  uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint32_t mp = (5 * doy + 2) / 153;
  uint32_t day = doy - (153 * mp + 2) / 5 + 1;
  uint32_t month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;

  // Two digits at a time from a table: the run formats a time or two per message.
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  auto pair = [&](size_t at, uint32_t v) {  // v < 100
    buf[at] = kPairs[2 * v];
    buf[at + 1] = kPairs[2 * v + 1];
  };
  const auto y = static_cast<uint32_t>(std::max<int64_t>(0, std::min<int64_t>(9999, year)));
  pair(0, y / 100);
  pair(2, y % 100);
  buf[4] = '-';
  pair(5, month);
  buf[7] = '-';
  pair(8, day);
  buf[10] = 'T';
  pair(11, second_of_day / 3600);
  buf[13] = ':';
  pair(14, second_of_day / 60 % 60);
  buf[16] = ':';
  pair(17, second_of_day % 60);
  buf[19] = '.';
  pair(20, fraction / 100000);  // seven digits: 2 + 2 + 2 + 1
  pair(22, fraction / 1000 % 100);
  pair(24, fraction / 10 % 100);
  buf[26] = static_cast<char>('0' + fraction % 10);
  buf[27] = 'Z';
  return {buf, kUtcTicksLength};
}

}  // namespace routesim
