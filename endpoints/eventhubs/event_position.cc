#include "endpoints/eventhubs/event_position.h"

#include <charconv>
#include <optional>

#include "core/common/utf.h"

namespace routesim::endpoints::eventhubs {
namespace {

constexpr std::string_view kExpected =
    "expected earliest, latest, offset:<n>, sequence:<n> (offset:><n> and sequence:><n> exclude "
    "that event) or time:<UTC time such as 2024-01-01T00:00:05Z>";

Error badPosition(std::string_view text, std::string_view why) {
  return Error(ErrorCode::kInvalidInput,
               "position '" + std::string(text) + "': " + std::string(why));
}

// Exactly `width` decimal digits at `text[at]`.
std::optional<int> digits(std::string_view text, size_t at, size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

EventPosition EventPosition::fromEnqueuedTimeUtc(std::chrono::system_clock::time_point utc,
                                                 const EmulatorContext& context) {
  const int64_t utc_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(utc.time_since_epoch()).count();
  const int64_t clock_ns = utc_ns - context.utc_at_zero_ns;
  return fromEnqueuedTime(clock_ns < 0 ? 0 : static_cast<uint64_t>(clock_ns));
}

std::string EventPosition::describe() const {
  const char* incl = inclusive_ ? " (inclusive)" : " (exclusive)";
  switch (kind_) {
    case Kind::kEarliest:
      return "earliest";
    case Kind::kLatest:
      return "latest";
    case Kind::kOffset:
      return "offset " + std::to_string(value_) + incl;
    case Kind::kSequenceNumber:
      return "sequence number " + std::to_string(value_) + incl;
    case Kind::kEnqueuedTime:
      return "enqueued at or after " + std::to_string(value_) + " ns";
  }
  return "";
}

Result<std::chrono::system_clock::time_point> parseUtcTime(std::string_view text) {
  using namespace std::chrono;
  auto bad = [&] {
    return Error(
        ErrorCode::kInvalidInput,
        "'" + std::string(text) + "' is not a UTC time; expected YYYY-MM-DDTHH:MM:SS[.fraction]Z");
  };
  // YYYY-MM-DDTHH:MM:SS is 19 characters; then an optional fraction and the Z.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T') ||
      text[13] != ':' || text[16] != ':') {
    return bad();
  }
  auto y = digits(text, 0, 4);
  auto mo = digits(text, 5, 2);
  auto d = digits(text, 8, 2);
  auto h = digits(text, 11, 2);
  auto mi = digits(text, 14, 2);
  auto s = digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) return bad();
  const year_month_day date{year(*y), month(static_cast<unsigned>(*mo)),
                            day(static_cast<unsigned>(*d))};
  if (!date.ok()) return bad();
  int64_t fraction_ns = 0;
  size_t at = 19;
  if (text[at] == '.') {
    size_t n = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++n) {
      if (n == 9) return bad();
      fraction_ns = fraction_ns * 10 + (text[at] - '0');
    }
    if (n == 0) return bad();
    for (; n < 9; ++n) fraction_ns *= 10;
  }
  if (at + 1 != text.size() || text[at] != 'Z') return bad();
  const auto t = sys_days(date) + hours(*h) + minutes(*mi) + seconds(*s) + nanoseconds(fraction_ns);
  return time_point_cast<system_clock::duration>(t);
}

Result<EventPosition> parseEventPosition(std::string_view text, const EmulatorContext& context) {
  if (utf::equalsAsciiLower(text, "earliest")) return EventPosition::earliest();
  if (utf::equalsAsciiLower(text, "latest")) return EventPosition::latest();
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return badPosition(text, kExpected);
  const std::string_view kind = text.substr(0, colon);
  std::string_view value = text.substr(colon + 1);
  if (utf::equalsAsciiLower(kind, "time")) {
    auto utc = parseUtcTime(value);
    if (!utc.ok()) return badPosition(text, utc.error().message());
    return EventPosition::fromEnqueuedTimeUtc(*utc, context);
  }
  const bool offset = utf::equalsAsciiLower(kind, "offset");
  if (!offset && !utf::equalsAsciiLower(kind, "sequence")) return badPosition(text, kExpected);
  const bool inclusive = value.empty() || value.front() != '>';
  if (!inclusive) value.remove_prefix(1);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || n < -1) {
    return badPosition(text, std::string(offset ? "an offset" : "a sequence number") +
                                 " must be a whole number (-1 or more), found '" +
                                 std::string(value) + "'");
  }
  return offset ? EventPosition::fromOffset(n, inclusive)
                : EventPosition::fromSequenceNumber(n, inclusive);
}

}  // namespace routesim::endpoints::eventhubs
