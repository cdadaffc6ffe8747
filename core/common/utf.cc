#include "core/common/utf.h"

#include <locale.h>  // NOLINT(modernize-deprecated-headers): newlocale / towlower_l are POSIX
#include <simdjson.h>

#include <clocale>
#include <cstdint>
#include <cstring>
#include <cwctype>

namespace routesim::utf {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Sort key of a code point in UTF-16 code-unit order: its first code unit, then its second (0
// for the BMP). Supplementary code points (surrogate pairs) so sort before U+E000..U+FFFF.
uint32_t utf16OrderKey(char32_t cp) {
  if (cp < 0x10000) return static_cast<uint32_t>(cp) << 16;
  char32_t v = cp - 0x10000;
  return ((0xD800 + (v >> 10)) << 16) | (0xDC00 + (v & 0x3FF));
}

locale_t utf8Locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return l;
  }();
  return loc;
}

template <typename Map>
std::string mapCase(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(map(static_cast<char32_t>(c))));
      ++i;
      continue;
    }
    char32_t cp = decode(text, i);
    char32_t mapped = map(cp);
    // Simple case mapping keeps the UTF-16 length; refuse mappings that would change it.
    if ((cp >= 0x10000) != (mapped >= 0x10000)) mapped = cp;
    append(out, mapped);
  }
  return out;
}

// .NET's invariant casing keeps U+0130 (capital I with dot) and U+0131 (dotless i) unchanged,
// where the Unicode simple mappings turn them into ASCII i / I.
char32_t lowerOf(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp == 0x130) return cp;
  if (locale_t l = utf8Locale())
    return static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), l));
  return cp;
}

char32_t upperOf(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  if (cp == 0x131) return cp;
  if (locale_t l = utf8Locale())
    return static_cast<char32_t>(towupper_l(static_cast<wint_t>(cp), l));
  return cp;
}

}  // namespace

char32_t decode(std::string_view text, size_t& i) {
  auto c0 = static_cast<unsigned char>(text[i]);
  if (c0 < 0x80) {
    ++i;
    return c0;
  }
  size_t need;
  char32_t cp;
  char32_t min;
  if ((c0 & 0xE0) == 0xC0) {
    need = 1, cp = c0 & 0x1F, min = 0x80;
  } else if ((c0 & 0xF0) == 0xE0) {
    need = 2, cp = c0 & 0x0F, min = 0x800;
  } else if ((c0 & 0xF8) == 0xF0) {
    need = 3, cp = c0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return kReplacement;
  }
  if (i + need >= text.size()) {
    ++i;
    return kReplacement;
  }
  for (size_t k = 1; k <= need; ++k) {
    auto c = static_cast<unsigned char>(text[i + k]);
    if (!isContinuation(c)) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF) {
    ++i;
    return kReplacement;
  }
  i += need + 1;
  return cp;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t codePointCount(std::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
    } else {
      decode(text, i);
    }
    ++n;
  }
  return n;
}

size_t utf16Length(std::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      ++n;
    } else {
      n += decode(text, i) >= 0x10000 ? 2 : 1;
    }
  }
  return n;
}

size_t byteOffsetOfUtf16Unit(std::string_view text, size_t unit) {
  size_t units = 0;
  size_t i = 0;
  while (units < unit) {
    if (i >= text.size()) return std::string_view::npos;
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      ++units;
    } else {
      units += decode(text, i) >= 0x10000 ? 2 : 1;
    }
  }
  return units == unit ? i : std::string_view::npos;
}

int compareOrdinal(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  if (i == n) return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  auto ca = static_cast<unsigned char>(a[i]);
  auto cb = static_cast<unsigned char>(b[i]);
  if (ca < 0x80 || cb < 0x80) return ca < cb ? -1 : 1;  // byte order == code point order here
  // Back up to the start of the code point that differs and compare UTF-16 sort keys.
  size_t s = i;
  while (s > 0 && isContinuation(static_cast<unsigned char>(a[s]))) --s;
  size_t ia = s;
  size_t ib = s;
  uint32_t ka = utf16OrderKey(decode(a, ia));
  uint32_t kb = utf16OrderKey(decode(b, ib));
  if (ka != kb) return ka < kb ? -1 : 1;
  // Identical code points (different invalid bytes): fall back to byte order.
  return ca < cb ? -1 : 1;
}

bool utf16leToUtf8(std::string_view bytes, std::string& out) {
  if (bytes.size() % 2 != 0) return false;
  out.clear();
  out.reserve(bytes.size());
  size_t n = bytes.size() / 2;
  auto unitAt = [&](size_t k) {
    return static_cast<char16_t>(static_cast<unsigned char>(bytes[2 * k]) |
                                 (static_cast<unsigned char>(bytes[2 * k + 1]) << 8));
  };
  for (size_t k = 0; k < n; ++k) {
    char16_t u = unitAt(k);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (k + 1 >= n) return false;
      char16_t lo = unitAt(k + 1);
      if (lo < 0xDC00 || lo > 0xDFFF) return false;
      append(out, 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (lo - 0xDC00));
      ++k;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return false;
    } else {
      append(out, u);
    }
  }
  return true;
}

bool utf32leToUtf8(std::string_view bytes, std::string& out) {
  if (bytes.size() % 4 != 0) return false;
  out.clear();
  out.reserve(bytes.size() / 2);
  for (size_t k = 0; k + 3 < bytes.size(); k += 4) {
    char32_t cp = static_cast<char32_t>(static_cast<unsigned char>(bytes[k])) |
                  (static_cast<char32_t>(static_cast<unsigned char>(bytes[k + 1])) << 8) |
                  (static_cast<char32_t>(static_cast<unsigned char>(bytes[k + 2])) << 16) |
                  (static_cast<char32_t>(static_cast<unsigned char>(bytes[k + 3])) << 24);
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    append(out, cp);
  }
  return true;
}

std::string utf8ToUtf16le(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  auto put = [&](char32_t u) {
    out.push_back(static_cast<char>(u & 0xFF));
    out.push_back(static_cast<char>((u >> 8) & 0xFF));
  };
  for (size_t i = 0; i < text.size();) {
    char32_t cp = decode(text, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

std::string utf8ToUtf32le(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 4);
  for (size_t i = 0; i < text.size();) {
    char32_t cp = decode(text, i);
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((cp >> (8 * b)) & 0xFF));
  }
  return out;
}

size_t firstInvalidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t before = i;
    char32_t cp = decode(text, i);
    if (cp == kReplacement && i == before + 1) return before;
    if (cp >= 0xD800 && cp <= 0xDFFF) return before;
  }
  return std::string_view::npos;
}

// simdjson's validator (SIMD) accepts exactly what firstInvalidUtf8 accepts: well-formed UTF-8
// without overlong forms, surrogates or code points past U+10FFFF (a test compares them).
bool isValidUtf8(std::string_view text) {
  // Short texts (property names and values, most of what is checked) are usually ASCII: eight
  // bytes at a time here is cheaper than the call into simdjson's vector code.
  const char* p = text.data();
  const size_t n = text.size();
  if (n < 64) {
    size_t i = 0;
    bool ascii = true;
    for (; ascii && i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      ascii = (w & 0x8080808080808080ull) == 0;
    }
    for (; ascii && i < n; ++i) ascii = (static_cast<unsigned char>(p[i]) & 0x80) == 0;
    if (ascii) return true;
  }
  return simdjson::validate_utf8(p, n);
}

std::string toLowerInvariant(std::string_view text) { return mapCase(text, lowerOf); }
std::string toUpperInvariant(std::string_view text) { return mapCase(text, upperOf); }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  auto asciiLower = [](unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; };
  size_t n = a.size() < b.size() ? a.size() : b.size();
  size_t i = 0;
  for (; i < n; ++i) {
    auto ca = static_cast<unsigned char>(a[i]);
    auto cb = static_cast<unsigned char>(b[i]);
    if (ca >= 0x80 || cb >= 0x80) break;
    if (asciiLower(ca) != asciiLower(cb)) return false;
  }
  if (i == n && a.size() == b.size()) return true;
  if (i == n) return false;  // one is a strict ASCII prefix of the other
  // Outside ASCII: compare code point by code point under simple case folding.
  size_t j = i;
  while (i < a.size() && j < b.size()) {
    char32_t ca = decode(a, i);
    char32_t cb = decode(b, j);
    if (ca != cb && upperOf(ca) != upperOf(cb)) return false;
  }
  return i == a.size() && j == b.size();
}

std::string foldCase(std::string_view text) {
  std::string out(text);
  bool ascii = true;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return ascii ? out : mapCase(text, upperOf);
}

bool startsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return equalsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

}  // namespace routesim::utf
