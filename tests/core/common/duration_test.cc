#include "core/common/duration.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <limits>

namespace routesim {
namespace {

constexpr uint64_t kS = 1'000'000'000ull;

uint64_t parsed(std::string_view text) {
  Result<uint64_t> r = parseIsoDuration(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? r.value() : 0;
}

TEST(IsoDurationTest, ParsesAzureDefaults) {
  EXPECT_EQ(parsed("PT1H"), 3600 * kS);
  EXPECT_EQ(parsed("PT5M"), 300 * kS);
  EXPECT_EQ(parsed("P14D"), 14 * 86400 * kS);
  EXPECT_EQ(parsed("PT20S"), 20 * kS);
  EXPECT_EQ(parsed("P1DT2H3M4S"), (86400 + 7200 + 180 + 4) * kS);
  EXPECT_EQ(parsed("P2W"), 14 * 86400 * kS);
  EXPECT_EQ(parsed("PT0.5S"), kS / 2);
  EXPECT_EQ(parsed("pt1m"), 60 * kS);  // letter case is ignored
  EXPECT_EQ(parsed("P1Y"), 365 * 86400 * kS);
  EXPECT_EQ(parsed("P1M"), 30 * 86400 * kS);
  EXPECT_EQ(parsed("PT1M"), 60 * kS);  // M after T is minutes
}

TEST(IsoDurationTest, TimeSpanMaxValueSaturates) {
  EXPECT_EQ(parsed("P10675199DT2H48M5.4775807S"), std::numeric_limits<uint64_t>::max());
}

TEST(IsoDurationTest, RejectsMalformedTextNamingTheOffset) {
  struct Case {
    std::string_view text;
    uint32_t offset;
    std::string_view says;
  };
  for (const Case& c : {Case{"", 0, "expected 'P'"}, Case{"1H", 0, "expected 'P'"},
                        Case{"P", 1, "at least one component"}, Case{"PT", 2, "after 'T'"},
                        Case{"PT5", 3, "expected a designator"}, Case{"P5H", 2, "Y, M, W or D"},
                        Case{"PT5D", 3, "H, M or S"}, Case{"PT1S2M", 5, "H, M or S"},
                        Case{"P1.5D", 1, "only seconds"}, Case{"PTxS", 2, "expected a number"},
                        Case{"P1DT1HT", 6, "a second 'T'"}}) {
    Result<uint64_t> r = parseIsoDuration(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().span().offset, c.offset) << c.text << ": " << r.error().message();
    EXPECT_NE(r.error().message().find(c.says), std::string::npos) << r.error().message();
  }
}

TEST(IsoDurationTest, FormatsTheShortestFormAndRoundTrips) {
  EXPECT_EQ(formatIsoDuration(0), "PT0S");
  EXPECT_EQ(formatIsoDuration(300 * kS), "PT5M");
  EXPECT_EQ(formatIsoDuration(86400 * kS), "P1D");
  EXPECT_EQ(formatIsoDuration((86400 + 7200) * kS), "P1DT2H");
  EXPECT_EQ(formatIsoDuration(kS / 2), "PT0.5S");
  for (uint64_t ns : {uint64_t{1}, 999 * kS, 3 * 86400 * kS + 61 * kS + 7}) {
    EXPECT_EQ(parsed(formatIsoDuration(ns)), ns) << formatIsoDuration(ns);
  }
}

TEST(UtcTicksTest, WritesIotHubTimes) {
  EXPECT_EQ(formatUtcTicks(0), "1970-01-01T00:00:00.0000000Z");
  EXPECT_EQ(formatUtcTicks(1530803502685000000LL), "2018-07-05T15:11:42.6850000Z");
  EXPECT_EQ(formatUtcTicks(1767225600LL * 1000000000LL + 1234567), "2026-01-01T00:00:00.0012345Z");
  EXPECT_EQ(formatUtcTicks(951782400LL * 1000000000LL), "2000-02-29T00:00:00.0000000Z");
  EXPECT_EQ(formatUtcTicks(-100), "1969-12-31T23:59:59.9999999Z");
  EXPECT_EQ(formatUtcTicks(1566049559987654300LL), "2019-08-17T13:45:59.9876543Z");
}

// Against the C library's gmtime from 1900 to 2261 (the range of int64 nanoseconds).
TEST(UtcTicksTest, AgreesWithGmtime) {
  for (int64_t s = -2208988800LL; s < 9200000000LL; s += 86400 * 37 + 3671) {
    time_t t = static_cast<time_t>(s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char want[96];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.0000030Z", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    ASSERT_EQ(formatUtcTicks(s * 1000000000LL + 3000), want) << s;
    char buf[kUtcTicksLength];
    ASSERT_EQ(formatUtcTicks(s * 1000000000LL + 3000, buf), want) << s;
  }
}

}  // namespace
}  // namespace routesim
