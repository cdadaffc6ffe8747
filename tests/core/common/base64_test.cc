#include "core/common/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace routesim::base64 {
namespace {

TEST(Base64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg==");
  EXPECT_EQ(encode("fo"), "Zm8=");
  EXPECT_EQ(encode("foo"), "Zm9v");
  EXPECT_EQ(encode("foob"), "Zm9vYg==");
  EXPECT_EQ(encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, AppendKeepsWhatTheStringHeld) {
  std::string out = "body:";
  append(out, "foob");
  EXPECT_EQ(out, "body:Zm9vYg==");
  append(out, "");
  append(out, "fo");
  EXPECT_EQ(out, "body:Zm9vYg==Zm8=");
}

TEST(Base64Test, EncodesBytesAboveAsciiWithPlusAndSlash) {
  EXPECT_EQ(encode(std::string_view("\xFB\xFF\xFE", 3)), "+//+");
}

TEST(Base64Test, DecodesPaddedAndUnpaddedText) {
  EXPECT_EQ(decode(""), std::string());
  EXPECT_EQ(decode("Zg=="), "f");
  EXPECT_EQ(decode("Zg"), "f");
  EXPECT_EQ(decode("Zm8="), "fo");
  EXPECT_EQ(decode("Zm8"), "fo");
  EXPECT_EQ(decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(decode("+//+"), std::string("\xFB\xFF\xFE", 3));
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= bytes.size(); len += 37) {
    std::string_view slice(bytes.data(), len);
    auto back = decode(encode(slice));
    ASSERT_TRUE(back.has_value()) << len;
    EXPECT_EQ(*back, slice);
  }
}

TEST(Base64Test, ReportsOffsetOfBadCharacter) {
  size_t bad = 99;
  EXPECT_EQ(decode("Zm9v!mFy", &bad), std::nullopt);
  EXPECT_EQ(bad, 4u);
  EXPECT_EQ(decode("Zm9v Ym8", &bad), std::nullopt) << "whitespace is not allowed";
  EXPECT_EQ(bad, 4u);
  EXPECT_EQ(decode("Zg==Zg==", &bad), std::nullopt) << "padding inside the text";
  EXPECT_EQ(bad, 2u);
  EXPECT_EQ(decode("Zm9v-_", &bad), std::nullopt) << "the URL-safe alphabet is not accepted";
  EXPECT_EQ(bad, 4u);
}

TEST(Base64Test, ReportsBadCharacterBeforeBadLength) {
  // Nine characters is not a valid length, but the first bad character is the space at 4.
  size_t bad = 99;
  EXPECT_EQ(decode("Zm9v YmFy", &bad), std::nullopt);
  EXPECT_EQ(bad, 4u);
  EXPECT_EQ(decode("Zm9v!", &bad), std::nullopt);
  EXPECT_EQ(bad, 4u);
}

TEST(Base64Test, ReportsEndOfDataForBadLength) {
  size_t bad = 99;
  EXPECT_EQ(decode("Zm9vY", &bad), std::nullopt);
  EXPECT_EQ(bad, 5u);
  EXPECT_EQ(decode("Zm8==", &bad), std::nullopt) << "too much padding";
  EXPECT_EQ(bad, 3u);
}

TEST(Base64Test, DecodeWithoutOffsetPointerStillFails) { EXPECT_EQ(decode("@@@@"), std::nullopt); }

}  // namespace
}  // namespace routesim::base64
