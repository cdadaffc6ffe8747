// Unicode helpers over UTF-8 strings: code-point and UTF-16 counting, IoT Hub's ordinal (UTF-16
// code-unit) order, transcoding of UTF-16LE / UTF-32LE bodies, and invariant case mapping.
// All functions are pure and thread-safe; invalid UTF-8 bytes are read as U+FFFD, one byte each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace routesim::utf {

// Decodes the code point starting at text[i] and advances i past it (by 1 on an invalid byte,
// which decodes as U+FFFD). Surrogates encoded as 3 bytes (WTF-8) decode as themselves.
char32_t decode(std::string_view text, size_t& i);

// Appends the UTF-8 encoding of `cp`; a lone surrogate is written as 3 bytes (WTF-8).
void append(std::string& out, char32_t cp);

// Number of code points in `text`.
size_t codePointCount(std::string_view text);

// Number of UTF-16 code units `text` takes (.NET string.Length).
size_t utf16Length(std::string_view text);

// Byte offset in `text` of UTF-16 code unit index `unit`; npos when `unit` is past the end or
// falls inside a surrogate pair.
size_t byteOffsetOfUtf16Unit(std::string_view text, size_t unit);

// Three-way ordinal comparison in UTF-16 code-unit order (.NET string.CompareOrdinal).
int compareOrdinal(std::string_view a, std::string_view b);

// Transcodes little-endian UTF-16 / UTF-32 bytes to UTF-8. False when the bytes are not valid in
// that encoding (odd length, unpaired surrogate, code point out of range).
bool utf16leToUtf8(std::string_view bytes, std::string& out);
bool utf32leToUtf8(std::string_view bytes, std::string& out);

// UTF-8 to little-endian UTF-16 / UTF-32 bytes, no byte-order mark.
std::string utf8ToUtf16le(std::string_view text);
std::string utf8ToUtf32le(std::string_view text);

// True when every byte sequence in `text` is well-formed UTF-8.
bool isValidUtf8(std::string_view text);
// Byte offset of the first ill-formed sequence, or npos when `text` is well-formed UTF-8.
size_t firstInvalidUtf8(std::string_view text);

// Invariant-culture simple case mapping of every code point (.NET ToLowerInvariant /
// ToUpperInvariant): the result has the same number of UTF-16 code units.
std::string toLowerInvariant(std::string_view text);
std::string toUpperInvariant(std::string_view text);

// Case-insensitive equality as .NET's OrdinalIgnoreCase, which IoT Hub uses for property
// names: code points compare after invariant upper-casing.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

// The key equalsIgnoreCase compares: the invariant upper-case form (ASCII fast path), so that
// equalsIgnoreCase(a, b) == (foldCase(a) == foldCase(b)). Fold names once, compare with memcmp.
std::string foldCase(std::string_view text);
bool startsWithIgnoreCase(std::string_view text, std::string_view prefix);

// ASCII case-insensitive equality with a lower-case ASCII literal (content types, encodings).
inline bool equalsAsciiLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace routesim::utf
