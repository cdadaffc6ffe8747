#include "core/common/utf.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace routesim::utf {
namespace {

using namespace std::string_view_literals;

constexpr size_t kNpos = std::string_view::npos;

// Decodes the code point at `at` and returns it with the index it advanced to.
std::pair<char32_t, size_t> decodeAt(std::string_view text, size_t at = 0) {
  char32_t cp = decode(text, at);
  return {cp, at};
}

TEST(UtfDecodeTest, DecodesOneToFourByteSequencesAndAdvances) {
  EXPECT_EQ(decodeAt("A"), (std::pair<char32_t, size_t>{U'A', 1}));
  EXPECT_EQ(decodeAt("é"), (std::pair<char32_t, size_t>{U'\u00E9', 2}));
  EXPECT_EQ(decodeAt("€"), (std::pair<char32_t, size_t>{U'\u20AC', 3}));
  EXPECT_EQ(decodeAt("😀"), (std::pair<char32_t, size_t>{U'\U0001F600', 4}));
  EXPECT_EQ(decodeAt("a€b", 1), (std::pair<char32_t, size_t>{U'\u20AC', 4}));
}

TEST(UtfDecodeTest, ReadsInvalidBytesAsReplacementOneByteEach) {
  EXPECT_EQ(decodeAt("\x80"), (std::pair<char32_t, size_t>{0xFFFD, 1}));
  EXPECT_EQ(decodeAt("\xFF"), (std::pair<char32_t, size_t>{0xFFFD, 1}));
  // Truncated sequences: at the end of the text and before a non-continuation byte.
  EXPECT_EQ(decodeAt("\xE2\x82"), (std::pair<char32_t, size_t>{0xFFFD, 1}));
  EXPECT_EQ(decodeAt("\xC3("), (std::pair<char32_t, size_t>{0xFFFD, 1}));
  // Overlong encoding of '/' and a code point above U+10FFFF.
  EXPECT_EQ(decodeAt("\xC0\xAF"), (std::pair<char32_t, size_t>{0xFFFD, 1}));
  EXPECT_EQ(decodeAt("\xF4\x90\x80\x80"), (std::pair<char32_t, size_t>{0xFFFD, 1}));
}

TEST(UtfDecodeTest, DecodesThreeByteSurrogateAsItself) {
  EXPECT_EQ(decodeAt("\xED\xA0\x80"), (std::pair<char32_t, size_t>{0xD800, 3}));
}

TEST(UtfAppendTest, EncodesEveryLengthAndLoneSurrogateAsThreeBytes) {
  std::string out;
  append(out, U'A');
  append(out, U'\u00E9');
  append(out, U'\u20AC');
  append(out, U'\U0001F600');
  EXPECT_EQ(out, "Aé€😀");
  std::string surrogate;
  append(surrogate, 0xDC00);
  EXPECT_EQ(surrogate, "\xED\xB0\x80");
}

TEST(UtfCountTest, CountsCodePointsWithInvalidBytesAsOneEach) {
  EXPECT_EQ(codePointCount(""), 0u);
  EXPECT_EQ(codePointCount("aé€😀"), 4u);
  EXPECT_EQ(codePointCount("a\xFF\xFE"
                           "b"),
            4u);
}

TEST(UtfCountTest, Utf16LengthCountsSupplementaryCharactersAsTwoUnits) {
  EXPECT_EQ(utf16Length(""), 0u);
  EXPECT_EQ(utf16Length("abc"), 3u);
  EXPECT_EQ(utf16Length("é€"), 2u);
  EXPECT_EQ(utf16Length("a😀"), 3u);
  EXPECT_EQ(utf16Length("😀😀"), 4u);
}

TEST(UtfCountTest, ByteOffsetOfUtf16UnitMapsUnitsToBytes) {
  std::string_view text = "a😀b";  // units: a | high low | b
  EXPECT_EQ(byteOffsetOfUtf16Unit(text, 0), 0u);
  EXPECT_EQ(byteOffsetOfUtf16Unit(text, 1), 1u);
  EXPECT_EQ(byteOffsetOfUtf16Unit(text, 3), 5u);
  EXPECT_EQ(byteOffsetOfUtf16Unit(text, 4), 6u);  // the end
  EXPECT_EQ(byteOffsetOfUtf16Unit("é€x", 2), 5u);
}

TEST(UtfCountTest, ByteOffsetOfUtf16UnitIsNposInsidePairOrPastEnd) {
  std::string_view text = "a😀b";
  EXPECT_EQ(byteOffsetOfUtf16Unit(text, 2), kNpos);
  EXPECT_EQ(byteOffsetOfUtf16Unit(text, 5), kNpos);
  EXPECT_EQ(byteOffsetOfUtf16Unit("", 1), kNpos);
}

TEST(UtfCompareOrdinalTest, OrdersEqualPrefixAndAsciiText) {
  EXPECT_EQ(compareOrdinal("abc", "abc"), 0);
  EXPECT_EQ(compareOrdinal("", ""), 0);
  EXPECT_LT(compareOrdinal("ab", "abc"), 0);
  EXPECT_GT(compareOrdinal("abc", "ab"), 0);
  EXPECT_LT(compareOrdinal("B", "a"), 0);
  EXPECT_LT(compareOrdinal("a", "é"), 0);
  EXPECT_GT(compareOrdinal("é", "z"), 0);
}

TEST(UtfCompareOrdinalTest, SortsSupplementaryBeforeUpperBmp) {
  // UTF-16 order: U+10000 is D800 DC00, which sorts before E000..FFFF (code point order would
  // put it after them).
  EXPECT_LT(compareOrdinal("\U00010000", "\uE000"), 0);
  EXPECT_GT(compareOrdinal("\uE000", "\U00010000"), 0);
  EXPECT_LT(compareOrdinal("\U0010FFFF", "\uFFFD"), 0);
  EXPECT_GT(compareOrdinal("x\uFFFF", "x\U0001F600"), 0);
  // Below the surrogate range the order is the code point order.
  EXPECT_LT(compareOrdinal("\uD7FF", "\U00010000"), 0);
}

TEST(UtfCompareOrdinalTest, ComparesCodePointsThatDifferInContinuationByte) {
  EXPECT_LT(compareOrdinal("é", "ê"), 0);
  EXPECT_GT(compareOrdinal("😁", "😀"), 0);
  EXPECT_LT(compareOrdinal("k€", "k₭"), 0);
}

TEST(UtfTranscodeTest, WritesUtf16LittleEndianWithSurrogatePairsAndNoBom) {
  EXPECT_EQ(utf8ToUtf16le(""), "");
  EXPECT_EQ(utf8ToUtf16le("A€😀"), "\x41\x00\xAC\x20\x3D\xD8\x00\xDE"sv);
}

TEST(UtfTranscodeTest, WritesUtf32LittleEndianWithNoBom) {
  EXPECT_EQ(utf8ToUtf32le("A😀"), "\x41\x00\x00\x00\x00\xF6\x01\x00"sv);
}

TEST(UtfTranscodeTest, ReadsUtf16LittleEndianWithSurrogatePairs) {
  std::string out;
  ASSERT_TRUE(utf16leToUtf8("\x41\x00\xAC\x20\x3D\xD8\x00\xDE"sv, out));
  EXPECT_EQ(out, "A€😀");
}

TEST(UtfTranscodeTest, RoundTripsUtf16AndUtf32) {
  const std::string text = "routing é ß € 😀 \U0010FFFF end";
  std::string back;
  ASSERT_TRUE(utf16leToUtf8(utf8ToUtf16le(text), back));
  EXPECT_EQ(back, text);
  ASSERT_TRUE(utf32leToUtf8(utf8ToUtf32le(text), back));
  EXPECT_EQ(back, text);
}

TEST(UtfTranscodeTest, RejectsInvalidUtf16) {
  std::string out;
  EXPECT_FALSE(utf16leToUtf8("\x41"sv, out)) << "odd length";
  EXPECT_FALSE(utf16leToUtf8("\x41\x00\x3D\xD8"sv, out)) << "high surrogate at the end";
  EXPECT_FALSE(utf16leToUtf8("\x3D\xD8\x41\x00"sv, out)) << "high surrogate before a non-low unit";
  EXPECT_FALSE(utf16leToUtf8("\x00\xDE\x41\x00"sv, out)) << "lone low surrogate";
}

TEST(UtfTranscodeTest, ReadsUtf32LittleEndian) {
  std::string out;
  ASSERT_TRUE(utf32leToUtf8("\x41\x00\x00\x00\x00\xF6\x01\x00"sv, out));
  EXPECT_EQ(out, "A😀");
}

TEST(UtfTranscodeTest, RejectsInvalidUtf32) {
  std::string out;
  EXPECT_FALSE(utf32leToUtf8("\x41\x00\x00\x00\x42"sv, out)) << "length not a multiple of 4";
  EXPECT_FALSE(utf32leToUtf8("\x00\xD8\x00\x00"sv, out)) << "surrogate code point";
  EXPECT_FALSE(utf32leToUtf8("\x00\x00\x11\x00"sv, out)) << "above U+10FFFF";
}

// Short texts take an ASCII shortcut, long ones go to simdjson: a bad or a good non-ASCII byte
// at any position of any length on both sides of the cut is seen.
TEST(UtfValidityTest, EveryPositionOfShortAndLongTexts) {
  for (size_t len = 0; len <= 72; ++len) {
    EXPECT_TRUE(isValidUtf8(std::string(len, 'a'))) << len;
    for (size_t at = 0; at < len; ++at) {
      std::string bad(len, 'a');
      bad[at] = '\xFF';
      EXPECT_FALSE(isValidUtf8(bad)) << len << " " << at;
      if (at + 1 < len) {
        std::string good(len, 'a');
        good[at] = '\xC3';  // é
        good[at + 1] = '\xA9';
        EXPECT_TRUE(isValidUtf8(good)) << len << " " << at;
      }
    }
  }
}

// isValidUtf8 (simdjson's SIMD validator) and firstInvalidUtf8 (scalar) agree on every
// sequence of up to three bytes from a set of edge values, and on longer mixes.
TEST(UtfValidityTest, FastValidatorAgreesWithTheScalarOne) {
  const unsigned char edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
                                 0xC2, 0xDF, 0xE0, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  size_t compared = 0;
  for (unsigned char a : edges) {
    for (unsigned char b : edges) {
      for (unsigned char c : edges) {
        for (size_t len = 1; len <= 3; ++len) {
          const char bytes[3] = {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)};
          std::string s = std::string(40, 'x') + std::string(bytes, len) + "\xF0\x9F\x98\x80";
          ASSERT_EQ(isValidUtf8(s), firstInvalidUtf8(s) == std::string_view::npos)
              << int(a) << " " << int(b) << " " << int(c) << " len " << len;
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 21u * 21u * 21u * 3u);
}

TEST(UtfValidityTest, AcceptsWellFormedUtf8) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ascii"));
  EXPECT_TRUE(isValidUtf8("é€😀\U0010FFFF"));
  EXPECT_TRUE(isValidUtf8("\xEF\xBF\xBD")) << "an encoded U+FFFD is not an invalid byte";
}

TEST(UtfValidityTest, RejectsMalformedUtf8) {
  EXPECT_FALSE(isValidUtf8("a\xFF"));
  EXPECT_FALSE(isValidUtf8("\x80"));
  EXPECT_FALSE(isValidUtf8("\xE2\x82")) << "truncated";
  EXPECT_FALSE(isValidUtf8("\xC0\xAF")) << "overlong";
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80")) << "surrogate";
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80")) << "above U+10FFFF";
}

TEST(UtfCaseTest, MapsAsciiCase) {
  EXPECT_EQ(toLowerInvariant("Hello-World_1 @[`{"), "hello-world_1 @[`{");
  EXPECT_EQ(toUpperInvariant("Hello-World_1 @[`{"), "HELLO-WORLD_1 @[`{");
}

TEST(UtfCaseTest, MapsLatinAndGreekLetters) {
  EXPECT_EQ(toLowerInvariant("ÉCOLE"), "école");
  EXPECT_EQ(toUpperInvariant("école"), "ÉCOLE");
  EXPECT_EQ(toLowerInvariant("ΣΑΣ"), "σασ");  // simple mapping: no final sigma
}

TEST(UtfCaseTest, UsesSimpleMappingThatKeepsUtf16Length) {
  // Full case mapping would give "STRASSE"; ToUpperInvariant keeps ß.
  EXPECT_EQ(toUpperInvariant("straße"), "STRAßE");
  EXPECT_EQ(utf16Length(toUpperInvariant("straße")), utf16Length("straße"));
}

TEST(UtfCaseTest, MapsSupplementaryLetters) {
  EXPECT_EQ(toLowerInvariant("\U00010400"), "\U00010428");  // DESERET CAPITAL LONG I
  EXPECT_EQ(toUpperInvariant("\U00010428"), "\U00010400");
}

TEST(UtfCaseTest, KeepsTurkishDottedAndDotlessIAsDotNetInvariantDoes) {
  // .NET's invariant casing maps U+0131 (dotless i) and U+0130 (I with dot) to themselves.
  EXPECT_EQ(toUpperInvariant("ı"), "ı");
  EXPECT_EQ(toLowerInvariant("İ"), "İ");
}

TEST(UtfCaseTest, EqualsIgnoreCaseComparesAsciiWithoutCase) {
  EXPECT_TRUE(equalsIgnoreCase("contentType", "CONTENTTYPE"));
  EXPECT_TRUE(equalsIgnoreCase("", ""));
  EXPECT_FALSE(equalsIgnoreCase("abc", "abd"));
  EXPECT_FALSE(equalsIgnoreCase("ab", "abc"));
  EXPECT_FALSE(equalsIgnoreCase("abc", "ab"));
  EXPECT_FALSE(equalsIgnoreCase("@", "`")) << "only letters fold";
}

TEST(UtfCaseTest, EqualsIgnoreCaseFoldsNonAsciiLetters) {
  EXPECT_TRUE(equalsIgnoreCase("École", "éCOLE"));
  EXPECT_TRUE(equalsIgnoreCase("aé", "Aé"));
  EXPECT_FALSE(equalsIgnoreCase("é", "e"));
  EXPECT_FALSE(equalsIgnoreCase("é", "éa"));
  EXPECT_FALSE(equalsIgnoreCase("straße", "STRASSE"));
}

TEST(UtfCaseTest, StartsWithIgnoreCase) {
  EXPECT_TRUE(startsWithIgnoreCase("$Body.temp", "$body"));
  EXPECT_TRUE(startsWithIgnoreCase("abc", ""));
  EXPECT_FALSE(startsWithIgnoreCase("ab", "abc"));
  EXPECT_FALSE(startsWithIgnoreCase("$twin.x", "$body"));
}

}  // namespace
}  // namespace routesim::utf
