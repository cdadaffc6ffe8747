#include "core/common/base64.h"

#include <array>
#include <cstdint>

namespace routesim::base64 {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> makeTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kTable = makeTable();

}  // namespace

std::string encode(std::string_view bytes) {
  std::string out;
  append(out, bytes);
  return out;
}

void append(std::string& out, std::string_view bytes) {
  const size_t at = out.size();
  out.resize(at + (bytes.size() + 2) / 3 * 4);
  char* to = out.data() + at;
  const auto* from = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{from[i]} << 16) | (uint32_t{from[i + 1]} << 8) | from[i + 2];
    to[0] = kAlphabet[(v >> 18) & 63];
    to[1] = kAlphabet[(v >> 12) & 63];
    to[2] = kAlphabet[(v >> 6) & 63];
    to[3] = kAlphabet[v & 63];
    to += 4;
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{from[i]} << 16;
    if (rest == 2) v |= uint32_t{from[i + 1]} << 8;
    to[0] = kAlphabet[(v >> 18) & 63];
    to[1] = kAlphabet[(v >> 12) & 63];
    to[2] = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    to[3] = '=';
  }
}

std::optional<std::string> decode(std::string_view text, size_t* bad_offset) {
  auto fail = [&](size_t at) -> std::optional<std::string> {
    if (bad_offset != nullptr) *bad_offset = at;
    return std::nullopt;
  };
  size_t n = text.size();
  size_t pad = 0;
  while (pad < 2 && n > 0 && text[n - 1] == '=') {
    --n;
    ++pad;
  }
  // Characters first, so the error points at the first bad one; then the length.
  for (size_t i = 0; i < n; ++i) {
    if (kTable[static_cast<unsigned char>(text[i])] < 0) return fail(i);
  }
  if (n % 4 == 1) return fail(n);
  if (pad > 0 && (n + pad) % 4 != 0) return fail(n);
  std::string out;
  out.reserve(n / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 6) | static_cast<uint32_t>(kTable[static_cast<unsigned char>(text[i])]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace routesim::base64
