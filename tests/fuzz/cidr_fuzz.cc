// Fuzzes the IPv4 / CIDR / range parsers of core/policy (text from scenario files and ARM
// templates) and IpRuleIndex. The input is lines; each line is parsed as an address, a CIDR block
// and a range. Findings: a crash or sanitizer report, an error offset outside the text, a parsed
// value that does not survive format-and-parse, or the index disagreeing with a linear
// first-match scan over the parsed blocks.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/policy/ip.h"

using namespace routesim;
using namespace routesim::policy;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

template <typename T>
void checkError(const Result<T>& r, std::string_view text) {
  if (!r.ok()) check(r.error().span().offset <= text.size() && !r.error().message().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<IpRange> blocks;
  IpRuleIndex index;
  while (!input.empty()) {
    size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

    auto ip = parseIpv4(line);
    checkError(ip, line);
    if (ip.ok()) check(parseIpv4(formatIpv4(*ip)).ok() && *parseIpv4(formatIpv4(*ip)) == *ip);

    auto cidr = parseCidr(line);
    checkError(cidr, line);
    if (cidr.ok()) {
      auto again = parseCidr(formatCidr(*cidr));
      check(again.ok() && *again == *cidr);
      IpRange r = cidr->range();
      check(r.first <= r.last && r.contains(cidr->base));
      check(r.size() == (uint64_t{1} << (32 - cidr->prefix)));
      if (blocks.size() < 64) {
        blocks.push_back(r);
        index.add(r);
      }
    }

    auto range = parseIpRange(line);
    checkError(range, line);
    if (range.ok()) {
      auto again = parseIpRange(formatIpRange(*range));
      check(again.ok() && *again == *range);
    }
  }
  // Probe the index at every block's edges and just outside them.
  for (const IpRange& b : blocks) {
    for (uint64_t probe :
         {uint64_t{b.first} - 1, uint64_t{b.first}, uint64_t{b.last}, uint64_t{b.last} + 1}) {
      if (probe > 0xFFFFFFFFu) continue;
      auto a = static_cast<Ipv4>(probe);
      std::optional<uint32_t> expected;
      for (size_t i = 0; i < blocks.size(); ++i) {
        if (blocks[i].contains(a)) {
          expected = static_cast<uint32_t>(i);
          break;
        }
      }
      check(index.find(a) == expected);
    }
    check(index.covers(b));
  }
  return 0;
}
