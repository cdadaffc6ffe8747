#include "endpoints/eventhubs/event_position.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/common/clock.h"
#include "core/message/stamp.h"

namespace routesim::endpoints::eventhubs {
namespace {

using std::chrono::system_clock;

constexpr int64_t k2024Ns = 1704067200LL * 1'000'000'000LL;  // 2024-01-01T00:00:00Z

EmulatorContext contextAt2024() {
  EmulatorContext c;
  c.utc_at_zero_ns = k2024Ns;
  return c;
}

system_clock::time_point utcNs(int64_t ns) {
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(std::chrono::nanoseconds(ns)));
}

EventPosition parsed(std::string_view text) {
  auto r = parseEventPosition(text, contextAt2024());
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : EventPosition::latest();
}

std::string parseError(std::string_view text) {
  auto r = parseEventPosition(text, contextAt2024());
  EXPECT_FALSE(r.ok()) << text << " parsed as " << (r.ok() ? r->describe() : "");
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
  return r.error().message();
}

TEST(EventPositionTest, DescribesItself) {
  EXPECT_EQ(EventPosition::earliest().describe(), "earliest");
  EXPECT_EQ(EventPosition::latest().describe(), "latest");
  EXPECT_EQ(EventPosition::fromOffset(12, false).describe(), "offset 12 (exclusive)");
  EXPECT_EQ(EventPosition::fromSequenceNumber(3).describe(), "sequence number 3 (inclusive)");
  EXPECT_EQ(EventPosition::fromEnqueuedTime(1000).describe(), "enqueued at or after 1000 ns");
}

TEST(EventPositionTest, EnqueuedTimeUtcIsConvertedToTheHubsClock) {
  const EmulatorContext context = contextAt2024();
  EXPECT_EQ(EventPosition::fromEnqueuedTimeUtc(utcNs(k2024Ns + 5 * kNsPerSecond), context),
            EventPosition::fromEnqueuedTime(5 * kNsPerSecond));
  // Before the clock's origin: its origin.
  EXPECT_EQ(EventPosition::fromEnqueuedTimeUtc(utcNs(k2024Ns - kNsPerSecond), context),
            EventPosition::fromEnqueuedTime(0));
}

TEST(ParseEventPositionTest, KeywordsIgnoreLetterCase) {
  EXPECT_EQ(parsed("earliest"), EventPosition::earliest());
  EXPECT_EQ(parsed("EARLIEST"), EventPosition::earliest());
  EXPECT_EQ(parsed("Latest"), EventPosition::latest());
  EXPECT_EQ(parsed("Offset:7"), EventPosition::fromOffset(7));
  EXPECT_EQ(parsed("TIME:2024-01-01T00:00:00Z"), EventPosition::fromEnqueuedTime(0));
}

TEST(ParseEventPositionTest, OffsetsAndSequenceNumbersInclusiveOrNot) {
  EXPECT_EQ(parsed("offset:120"), EventPosition::fromOffset(120, true));
  EXPECT_EQ(parsed("offset:>120"), EventPosition::fromOffset(120, false));
  EXPECT_EQ(parsed("offset:-1"), EventPosition::fromOffset(-1, true));  // the SDKs' start
  EXPECT_EQ(parsed("sequence:4"), EventPosition::fromSequenceNumber(4, true));
  EXPECT_EQ(parsed("sequence:>4"), EventPosition::fromSequenceNumber(4, false));
  EXPECT_EQ(parsed("sequence:9223372036854775807"),
            EventPosition::fromSequenceNumber(9223372036854775807LL));
}

TEST(ParseEventPositionTest, TimesAreUtcOnTheHubsClock) {
  EXPECT_EQ(parsed("time:2024-01-01T00:00:05Z"), EventPosition::fromEnqueuedTime(5 * kNsPerSecond));
  EXPECT_EQ(parsed("time:2024-01-01T00:00:05.0000010Z"),
            EventPosition::fromEnqueuedTime(5 * kNsPerSecond + 1000));
  EXPECT_EQ(parsed("time:2024-01-01T00:00:05.5Z"),
            EventPosition::fromEnqueuedTime(5 * kNsPerSecond + kNsPerSecond / 2));
  EXPECT_EQ(parsed("time:2024-01-01T00:00:00.000000001Z"), EventPosition::fromEnqueuedTime(1));
  EXPECT_EQ(parsed("time:2024-01-02T00:00:00Z"),
            EventPosition::fromEnqueuedTime(uint64_t{24 * 3600} * kNsPerSecond));
  EXPECT_EQ(parsed("time:2023-12-31T23:59:59Z"), EventPosition::fromEnqueuedTime(0));
}

TEST(ParseEventPositionTest, ErrorsNameTheTextAndWhatWasExpected) {
  const std::string expected =
      "expected earliest, latest, offset:<n>, sequence:<n> (offset:><n> and sequence:><n> "
      "exclude that event) or time:<UTC time such as 2024-01-01T00:00:05Z>";
  EXPECT_EQ(parseError("first"), "position 'first': " + expected);
  EXPECT_EQ(parseError("seq:3"), "position 'seq:3': " + expected);
  EXPECT_EQ(parseError(""), "position '': " + expected);
  EXPECT_EQ(parseError("offset:abc"),
            "position 'offset:abc': an offset must be a whole number (-1 or more), found 'abc'");
  EXPECT_EQ(parseError("sequence:-2"),
            "position 'sequence:-2': a sequence number must be a whole number (-1 or more), "
            "found '-2'");
  EXPECT_EQ(parseError("offset:"),
            "position 'offset:': an offset must be a whole number (-1 or more), found ''");
  EXPECT_EQ(parseError("offset:>"),
            "position 'offset:>': an offset must be a whole number (-1 or more), found ''");
  EXPECT_EQ(parseError("offset:1.5"),
            "position 'offset:1.5': an offset must be a whole number (-1 or more), found '1.5'");
  EXPECT_EQ(parseError("offset:99999999999999999999"),
            "position 'offset:99999999999999999999': an offset must be a whole number (-1 or "
            "more), found '99999999999999999999'");
  EXPECT_EQ(parseError("time:yesterday"),
            "position 'time:yesterday': 'yesterday' is not a UTC time; expected "
            "YYYY-MM-DDTHH:MM:SS[.fraction]Z");
}

TEST(ParseUtcTimeTest, RefusesWhatIsNotACalendarTimeInUtc) {
  for (std::string_view bad : {
           "2024-02-30T00:00:00Z",             // no such day
           "2023-02-29T00:00:00Z",             // not a leap year
           "2024-13-01T00:00:00Z",             // month
           "2024-01-01T24:00:00Z",             // hour
           "2024-01-01T00:60:00Z",             // minute
           "2024-01-01T00:00:60Z",             // second
           "2024-01-01 00:00:00Z",             // separator
           "2024-01-01T00:00:00",              // no zone
           "2024-01-01T00:00:00+01:00",        // not UTC
           "2024-01-01T00:00:00.Z",            // empty fraction
           "2024-01-01T00:00:00.0000000001Z",  // more than nanoseconds
           "2024-1-01T00:00:00Z",              // short field
           "2024-01-01T00:00:00Zjunk",         // trailing text
       }) {
    auto r = parseUtcTime(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_TRUE(parseUtcTime("2024-02-29T23:59:59.9999999Z").ok());
}

TEST(ParseUtcTimeTest, ReadsBackWhatIotHubWrites) {
  const auto t = utcNs(k2024Ns + int64_t{12 * 3600} * static_cast<int64_t>(kNsPerSecond) +
                       1234567800);  // 100 ns resolution
  const std::string text = message::formatIotHubTime(t);
  EXPECT_EQ(text, "2024-01-01T12:00:01.2345678Z");
  auto back = parseUtcTime(text);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, t);
}

}  // namespace
}  // namespace routesim::endpoints::eventhubs
