// IPv4 addresses, CIDR blocks and address ranges as Azure's network rules write them
// ("10.0.0.4", "10.0.0.0/16", "192.168.70.10-192.168.70.250"), and IpRuleIndex: rules compiled
// into disjoint sorted intervals so that "which rule decides this address" is a binary search,
// whatever the number of rules. Azure's IoT Hub, Storage, Event Hubs and Service Bus rules are
// IPv4 only (reference iothub.md §6.2, §8); an IPv6 text is an error that says so.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace routesim::policy {

// An IPv4 address as a host-order integer (10.0.0.1 is 0x0A000001).
using Ipv4 = uint32_t;

// Parses dotted-quad text: four decimal octets 0-255, no leading zeros beyond "0" (Azure rejects
// "010.0.0.1"; octal readings are a classic firewall-rule mistake), no spaces. Errors carry the
// offset of the offending character (ErrorCode::kInvalidInput).
Result<Ipv4> parseIpv4(std::string_view text);
std::string formatIpv4(Ipv4 ip);

// An inclusive address interval.
struct IpRange {
  Ipv4 first = 0;
  Ipv4 last = 0;
  bool contains(Ipv4 ip) const { return ip >= first && ip <= last; }
  bool contains(const IpRange& r) const { return r.first >= first && r.last <= last; }
  uint64_t size() const { return uint64_t{last} - first + 1; }
  friend bool operator==(const IpRange&, const IpRange&) = default;
};

// A CIDR block. parseCidr accepts "a.b.c.d/n" (n 0-32) and a bare address (= /32). Host bits
// set below the prefix ("10.0.0.5/24") are accepted and cleared, as Azure normalizes them.
struct Cidr {
  Ipv4 base = 0;
  uint8_t prefix = 32;
  IpRange range() const;
  bool contains(Ipv4 ip) const { return range().contains(ip); }
  friend bool operator==(const Cidr&, const Cidr&) = default;
};
Result<Cidr> parseCidr(std::string_view text);
std::string formatCidr(const Cidr& cidr);

// A client address range: a CIDR block, a bare address, or "first-last" (first <= last).
Result<IpRange> parseIpRange(std::string_view text);
std::string formatIpRange(const IpRange& range);

// Rules compiled for lookup: add() rules in evaluation order; find(ip) gives the index of the
// first added rule whose range contains ip (first match wins, as in IoT Hub's classic IP filter),
// or nullopt. With allow-only rules the order does not matter and any match is the answer.
// Build once (per configuration change), query many times: O(log n) per lookup.
class IpRuleIndex {
 public:
  void add(const IpRange& range);
  std::optional<uint32_t> find(Ipv4 ip) const;
  // Whether every address of `range` is covered by some rule (used for "does the allow-list
  // cover all of the hub's egress addresses").
  bool covers(const IpRange& range) const;
  size_t ruleCount() const { return rules_; }
  bool empty() const { return rules_ == 0; }

 private:
  struct Interval {
    Ipv4 first;
    Ipv4 last;
    uint32_t rule;
  };
  void rebuild(const IpRange& range, uint32_t rule);
  std::vector<Interval> intervals_;  // sorted, disjoint
  size_t rules_ = 0;
};

}  // namespace routesim::policy
