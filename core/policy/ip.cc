#include "core/policy/ip.h"

#include <algorithm>

namespace routesim::policy {
namespace {

Error invalid(size_t offset, std::string message) {
  return Error::at(ErrorCode::kInvalidInput, SourceSpan{static_cast<uint32_t>(offset), 1},
                   std::move(message));
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Parses an address starting at `text[0]`, stopping at the end or at the first character that
// cannot continue it; `end` receives that position.
Result<Ipv4> parseAddressPrefix(std::string_view text, size_t& end) {
  if (text.find(':') != std::string_view::npos)
    return invalid(0, "IPv6 addresses are not supported: Azure's network rules are IPv4 only");
  Ipv4 value = 0;
  size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= text.size() || text[i] != '.') {
        return invalid(i, "expected '.' and the next octet of an IPv4 address (a.b.c.d)");
      }
      ++i;
    }
    size_t start = i;
    uint32_t n = 0;
    while (i < text.size() && isDigit(text[i]) && i - start < 3) n = n * 10 + (text[i++] - '0');
    if (i == start) return invalid(i, "expected a decimal octet 0-255");
    if (i < text.size() && isDigit(text[i])) return invalid(start, "octet longer than 3 digits");
    if (n > 255) return invalid(start, "octet " + std::to_string(n) + " is over 255");
    if (i - start > 1 && text[start] == '0')
      return invalid(start,
                     "octet with a leading zero (Azure rejects it; it reads as octal elsewhere)");
    value = (value << 8) | n;
  }
  end = i;
  return value;
}

}  // namespace

Result<Ipv4> parseIpv4(std::string_view text) {
  size_t end = 0;
  auto r = parseAddressPrefix(text, end);
  if (!r.ok()) return r;
  if (end != text.size()) return invalid(end, "unexpected character after the IPv4 address");
  return r;
}

std::string formatIpv4(Ipv4 ip) {
  return std::to_string(ip >> 24) + '.' + std::to_string((ip >> 16) & 255) + '.' +
         std::to_string((ip >> 8) & 255) + '.' + std::to_string(ip & 255);
}

IpRange Cidr::range() const {
  uint32_t host = prefix >= 32 ? 0 : (prefix == 0 ? 0xFFFFFFFFu : (0xFFFFFFFFu >> prefix));
  return IpRange{base & ~host, (base & ~host) | host};
}

Result<Cidr> parseCidr(std::string_view text) {
  size_t end = 0;
  auto ip = parseAddressPrefix(text, end);
  if (!ip.ok()) return ip.error();
  if (end == text.size()) return Cidr{*ip, 32};
  if (text[end] != '/')
    return invalid(end, "expected '/' and a prefix length, or the end of the CIDR block");
  size_t start = end + 1;
  size_t i = start;
  uint32_t n = 0;
  while (i < text.size() && isDigit(text[i]) && i - start < 2) n = n * 10 + (text[i++] - '0');
  if (i == start) return invalid(start, "expected a prefix length 0-32 after '/'");
  if (i != text.size()) return invalid(i, "unexpected character after the prefix length");
  if (n > 32) return invalid(start, "prefix length " + std::to_string(n) + " is over 32");
  if (i - start > 1 && text[start] == '0')
    return invalid(start, "prefix length with a leading zero");
  Cidr c{*ip, static_cast<uint8_t>(n)};
  c.base = c.range().first;  // Azure normalizes host bits away
  return c;
}

std::string formatCidr(const Cidr& cidr) {
  return formatIpv4(cidr.base) + '/' + std::to_string(cidr.prefix);
}

Result<IpRange> parseIpRange(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    auto c = parseCidr(text);
    if (!c.ok()) return c.error();
    return c->range();
  }
  auto first = parseIpv4(text.substr(0, dash));
  if (!first.ok()) return first.error();
  auto last = parseIpv4(text.substr(dash + 1));
  if (!last.ok()) {
    SourceSpan s = last.error().span();
    return invalid(dash + 1 + s.offset, last.error().message());
  }
  if (*last < *first) return invalid(dash + 1, "the range's last address is below its first");
  return IpRange{*first, *last};
}

std::string formatIpRange(const IpRange& range) {
  if (range.first == range.last) return formatIpv4(range.first);
  return formatIpv4(range.first) + '-' + formatIpv4(range.last);
}

void IpRuleIndex::add(const IpRange& range) {
  rebuild(range, static_cast<uint32_t>(rules_));
  ++rules_;
}

// Inserts the parts of `range` no earlier rule covers, keeping intervals sorted and disjoint.
void IpRuleIndex::rebuild(const IpRange& range, uint32_t rule) {
  std::vector<Interval> out;
  out.reserve(intervals_.size() + 2);
  uint64_t cursor = range.first;  // the next address of `range` not yet placed
  for (const Interval& iv : intervals_) {
    if (cursor <= range.last && iv.first > cursor) {
      uint64_t gap_end = std::min<uint64_t>(range.last, uint64_t{iv.first} - 1);
      out.push_back({static_cast<Ipv4>(cursor), static_cast<Ipv4>(gap_end), rule});
      cursor = gap_end + 1;
    }
    out.push_back(iv);
    if (iv.last >= cursor) cursor = uint64_t{iv.last} + 1;
  }
  if (cursor <= range.last) out.push_back({static_cast<Ipv4>(cursor), range.last, rule});
  intervals_ = std::move(out);
}

std::optional<uint32_t> IpRuleIndex::find(Ipv4 ip) const {
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), ip,
                             [](Ipv4 v, const Interval& iv) { return v < iv.first; });
  if (it == intervals_.begin()) return std::nullopt;
  --it;
  if (ip > it->last) return std::nullopt;
  return it->rule;
}

bool IpRuleIndex::covers(const IpRange& range) const {
  uint64_t next = range.first;
  for (const Interval& iv : intervals_) {
    if (iv.last < next) continue;
    if (iv.first > next) return false;
    next = uint64_t{iv.last} + 1;
    if (next > range.last) return true;
  }
  return false;
}

}  // namespace routesim::policy
