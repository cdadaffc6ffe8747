#include "core/common/diagnostic.h"

#include <gtest/gtest.h>

#include <string>

namespace routesim {
namespace {

std::pair<uint32_t, uint32_t> lineColumn(std::string_view text, size_t offset) {
  LineColumn lc = locate(text, offset);
  return {lc.line, lc.column};
}

TEST(DiagnosticTest, LocatesOffsetsOnFirstLine) {
  EXPECT_EQ(lineColumn("abc", 0), (std::pair<uint32_t, uint32_t>{1, 1}));
  EXPECT_EQ(lineColumn("abc", 2), (std::pair<uint32_t, uint32_t>{1, 3}));
  EXPECT_EQ(lineColumn("abc", 3), (std::pair<uint32_t, uint32_t>{1, 4}));
}

TEST(DiagnosticTest, LocatesOffsetsOnLaterLines) {
  std::string_view text = "ab\ncd\n\nx";
  EXPECT_EQ(lineColumn(text, 2), (std::pair<uint32_t, uint32_t>{1, 3}));  // the '\n' itself
  EXPECT_EQ(lineColumn(text, 3), (std::pair<uint32_t, uint32_t>{2, 1}));
  EXPECT_EQ(lineColumn(text, 4), (std::pair<uint32_t, uint32_t>{2, 2}));
  EXPECT_EQ(lineColumn(text, 7), (std::pair<uint32_t, uint32_t>{4, 1}));
}

TEST(DiagnosticTest, CountsColumnsInCodePoints) {
  EXPECT_EQ(lineColumn("é = @", 5), (std::pair<uint32_t, uint32_t>{1, 5}));
  // Line 2 is "€€x": x is the 7th byte of the line but the 3rd code point.
  std::string_view text = "ä\n€€x";
  EXPECT_EQ(lineColumn(text, text.find('x')), (std::pair<uint32_t, uint32_t>{2, 3}));
  EXPECT_EQ(lineColumn("😀@", 4), (std::pair<uint32_t, uint32_t>{1, 2}));
}

TEST(DiagnosticTest, CountsCrLfAsOneLineEnd) {
  std::string_view text = "a\r\nb\r\nc";
  EXPECT_EQ(lineColumn(text, text.find('b')), (std::pair<uint32_t, uint32_t>{2, 1}));
  EXPECT_EQ(lineColumn(text, text.find('c')), (std::pair<uint32_t, uint32_t>{3, 1}));
}

TEST(DiagnosticTest, ClampsOffsetPastTheEnd) {
  EXPECT_EQ(lineColumn("ab\ncd", 99), (std::pair<uint32_t, uint32_t>{2, 3}));
}

TEST(DiagnosticTest, CaretLinesPointAtSpan) {
  EXPECT_EQ(caretLines("3 = @ 3", {4, 1}), "  3 = @ 3\n      ^");
  EXPECT_EQ(caretLines("a AND bogus(1)", {6, 5}), "  a AND bogus(1)\n        ^~~~~");
}

TEST(DiagnosticTest, CaretLinesPadOneSpacePerCodePoint) {
  // "é" and "😀" are one column each, however many bytes they take.
  EXPECT_EQ(caretLines("é😀 = @", {9, 1}), "  é😀 = @\n       ^");
  EXPECT_EQ(caretLines("x = 'ééé'", {4, 8}), "  x = 'ééé'\n      ^~~~~");
}

TEST(DiagnosticTest, CaretLinesKeepTabsSoCaretsAlign) {
  EXPECT_EQ(caretLines("\ta = @", {5, 1}), "  \ta = @\n  \t    ^");
}

TEST(DiagnosticTest, CaretLinesShowOnlyTheLineOfTheSpan) {
  std::string_view text = "a = 1 AND\r\nb = @\nc = 2";
  EXPECT_EQ(caretLines(text, {static_cast<uint32_t>(text.find('@')), 1}), "  b = @\n      ^");
  // A span running past the end of its line is cut at the line end.
  EXPECT_EQ(caretLines("ab\ncd", {0, 10}), "  ab\n  ^~");
}

TEST(DiagnosticTest, CaretLinesMarkEmptySpanWithOneCaret) {
  EXPECT_EQ(caretLines("a = ", {4, 0}), "  a = \n      ^");
}

TEST(DiagnosticTest, FormatsErrorWithPositionAndCaret) {
  Error e = Error::at(ErrorCode::kSyntax, {4, 1}, "Syntax error: invalid symbol '@'");
  EXPECT_EQ(formatDiagnostic("query", "3 = @ 3", e),
            "query:1:5: error: Syntax error: invalid symbol '@'\n"
            "  3 = @ 3\n"
            "      ^");
}

TEST(DiagnosticTest, FormatsPositionOnLaterLineInCodePoints) {
  std::string_view text = "{\n  \"é\": @}";
  Error e = Error::at(ErrorCode::kInvalidInput, {static_cast<uint32_t>(text.find('@')), 1}, "bad");
  EXPECT_EQ(formatDiagnostic("m.json", text, e),
            "m.json:2:8: error: bad\n    \"é\": @}\n         ^");
}

TEST(DiagnosticTest, FormatsErrorWithoutSpanWithoutPosition) {
  Error e(ErrorCode::kIo, "cannot open");
  EXPECT_EQ(formatDiagnostic("cases.jsonl", "whatever", e), "cases.jsonl: error: cannot open");
}

}  // namespace
}  // namespace routesim
