#include "core/policy/ip.h"

#include <gtest/gtest.h>

#include <random>

namespace routesim::policy {
namespace {

Ipv4 ip(std::string_view text) {
  auto r = parseIpv4(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : 0;
}

IpRange cidr(std::string_view text) {
  auto r = parseCidr(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? r->range() : IpRange{};
}

TEST(Ipv4Test, ParsesDottedQuads) {
  EXPECT_EQ(ip("0.0.0.0"), 0u);
  EXPECT_EQ(ip("10.0.0.1"), 0x0A000001u);
  EXPECT_EQ(ip("255.255.255.255"), 0xFFFFFFFFu);
  EXPECT_EQ(formatIpv4(0xC0A84601u), "192.168.70.1");
}

TEST(Ipv4Test, RejectsMalformedTextWithTheOffendingOffset) {
  struct Case {
    std::string_view text;
    uint32_t offset;
    std::string_view says;
  };
  for (const Case& c :
       {Case{"256.0.0.1", 0, "over 255"}, Case{"10.0.0", 6, "expected '.'"},
        Case{"10.0.0.1.", 8, "unexpected character"}, Case{"10..0.1", 3, "octet"},
        Case{"010.0.0.1", 0, "leading zero"}, Case{"10.0.0.1234", 7, "longer than 3"},
        Case{"", 0, "octet"}, Case{" 10.0.0.1", 0, "octet"}, Case{"fe80::1", 0, "IPv6"},
        Case{"::1", 0, "IPv6"}}) {
    SCOPED_TRACE(c.text);
    auto r = parseIpv4(c.text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().span().offset, c.offset);
    EXPECT_NE(r.error().message().find(c.says), std::string::npos) << r.error().message();
  }
}

TEST(CidrTest, ParsesBlocksAndBareAddresses) {
  EXPECT_EQ(cidr("10.0.0.0/16"), (IpRange{ip("10.0.0.0"), ip("10.0.255.255")}));
  EXPECT_EQ(cidr("10.0.0.7"), (IpRange{ip("10.0.0.7"), ip("10.0.0.7")}));
  EXPECT_EQ(cidr("0.0.0.0/0"), (IpRange{0, 0xFFFFFFFFu}));
  EXPECT_EQ(cidr("1.2.3.4/32"), (IpRange{ip("1.2.3.4"), ip("1.2.3.4")}));
  auto c = parseCidr("10.0.0.5/24");  // host bits cleared, as Azure normalizes them
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(formatCidr(*c), "10.0.0.0/24");
}

TEST(CidrTest, RejectsBadPrefixes) {
  for (auto [text, offset] : {std::pair<std::string_view, uint32_t>{"10.0.0.0/33", 9},
                              {"10.0.0.0/", 9},
                              {"10.0.0.0/8x", 10},
                              {"10.0.0.0/08", 9},
                              {"10.0.0.0-8", 8},
                              {"10.0.0.0/123", 11}}) {
    SCOPED_TRACE(text);
    auto r = parseCidr(text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().span().offset, offset) << r.error().message();
  }
}

TEST(IpRangeTest, ParsesRangesCidrsAndAddresses) {
  auto r = parseIpRange("192.168.70.10-192.168.70.250");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 241u);
  EXPECT_EQ(formatIpRange(*r), "192.168.70.10-192.168.70.250");
  EXPECT_EQ(parseIpRange("10.1.0.0/16")->size(), 65536u);
  EXPECT_EQ(parseIpRange("10.1.0.9")->size(), 1u);
  auto backwards = parseIpRange("10.0.0.9-10.0.0.1");
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error().span().offset, 9u);
  auto bad_end = parseIpRange("10.0.0.1-10.0.0.300");
  ASSERT_FALSE(bad_end.ok());
  EXPECT_EQ(bad_end.error().span().offset, 16u);
}

TEST(IpRuleIndexTest, FirstAddedRuleWins) {
  IpRuleIndex index;
  index.add(cidr("10.0.0.0/24"));  // 0
  index.add(cidr("10.0.0.0/16"));  // 1: shadowed for 10.0.0.x
  index.add(cidr("0.0.0.0/0"));    // 2: everything else
  EXPECT_EQ(index.find(ip("10.0.0.77")), 0u);
  EXPECT_EQ(index.find(ip("10.0.9.1")), 1u);
  EXPECT_EQ(index.find(ip("8.8.8.8")), 2u);
  EXPECT_EQ(index.find(ip("255.255.255.255")), 2u);
  EXPECT_EQ(index.ruleCount(), 3u);
}

TEST(IpRuleIndexTest, FindsNothingOutsideEveryRule) {
  IpRuleIndex index;
  EXPECT_EQ(index.find(ip("1.2.3.4")), std::nullopt);
  index.add(cidr("10.0.0.0/8"));
  index.add(cidr("192.168.0.0/16"));
  EXPECT_EQ(index.find(ip("11.0.0.0")), std::nullopt);
  EXPECT_EQ(index.find(ip("9.255.255.255")), std::nullopt);
  EXPECT_EQ(index.find(ip("192.168.255.255")), 1u);
}

TEST(IpRuleIndexTest, CoversOnlyWhenEveryAddressIsInSomeRule) {
  IpRuleIndex index;
  index.add(cidr("20.40.0.0/25"));
  EXPECT_FALSE(index.covers(cidr("20.40.0.0/24")));
  index.add(cidr("20.40.0.128/25"));
  EXPECT_TRUE(index.covers(cidr("20.40.0.0/24")));
  EXPECT_FALSE(index.covers(cidr("20.40.0.0/23")));
  EXPECT_TRUE(index.covers(cidr("20.40.0.200")));
  IpRuleIndex all;
  all.add(cidr("0.0.0.0/0"));
  EXPECT_TRUE(all.covers(IpRange{0, 0xFFFFFFFFu}));
}

// The index agrees with a linear first-match scan on random rule sets.
TEST(IpRuleIndexTest, AgreesWithLinearScan) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<IpRange> rules;
    IpRuleIndex index;
    int n = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < n; ++i) {
      Cidr c{static_cast<Ipv4>(rng()) & 0x0AFFFFFFu, static_cast<uint8_t>(8 + rng() % 25)};
      rules.push_back(c.range());
      index.add(c.range());
    }
    for (int probe = 0; probe < 200; ++probe) {
      Ipv4 a =
          probe % 2 ? static_cast<Ipv4>(rng()) & 0x0AFFFFFFu : rules[rng() % rules.size()].first;
      std::optional<uint32_t> expected;
      for (size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].contains(a)) {
          expected = static_cast<uint32_t>(i);
          break;
        }
      }
      ASSERT_EQ(index.find(a), expected) << formatIpv4(a);
    }
  }
}

}  // namespace
}  // namespace routesim::policy
