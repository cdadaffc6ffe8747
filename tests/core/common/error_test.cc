#include "core/common/error.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace routesim {
namespace {

Result<int> parsePositive(int v) {
  if (v <= 0) return Error::at(ErrorCode::kInvalidInput, {3, 2}, "not positive");
  return v;
}

Status checkEven(int v) {
  if (v % 2 != 0) return Error(ErrorCode::kType, "odd");
  return {};
}

// Records how far it got so tests can see whether the macro returned early.
Status chainStatus(int v, int& reached) {
  reached = 0;
  ROUTESIM_RETURN_IF_ERROR(checkEven(v));
  reached = 1;
  ROUTESIM_RETURN_IF_ERROR(parsePositive(v));
  reached = 2;
  return {};
}

Result<int> sumOfPositives(int a, int b) {
  ROUTESIM_ASSIGN_OR_RETURN(int x, parsePositive(a));
  ROUTESIM_ASSIGN_OR_RETURN(int y, parsePositive(b));
  return x + y;
}

Result<std::unique_ptr<int>> makeBox(int v) {
  if (v < 0) return Error(ErrorCode::kLimit, "negative");
  return std::make_unique<int>(v);
}

Result<int> unbox(int v) {
  ROUTESIM_ASSIGN_OR_RETURN(std::unique_ptr<int> box, makeBox(v));
  return *box * 10;
}

TEST(ResultTest, HoldsValue) {
  Result<std::string> r = std::string("hello");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), "hello");
  EXPECT_EQ(*r, "hello");
  EXPECT_EQ(r->size(), 5u);
}

TEST(ResultTest, HoldsErrorWithCodeMessageAndSpan) {
  Result<int> r = parsePositive(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().message(), "not positive");
  EXPECT_TRUE(r.error().hasSpan());
  EXPECT_EQ(r.error().span(), (SourceSpan{3, 2}));
}

TEST(ResultTest, MovesOutMoveOnlyValue) {
  Result<std::unique_ptr<int>> r = makeBox(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> box = std::move(r).value();
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(*box, 7);
}

TEST(ErrorTest, ErrorWithoutSpanReportsNoSpan) {
  Error e(ErrorCode::kIo, "disk");
  EXPECT_FALSE(e.hasSpan());
  EXPECT_EQ(e.span(), (SourceSpan{0, 0}));
}

TEST(ErrorTest, WithContextPrefixesMessageAndKeepsCodeAndSpan) {
  Error e = Error::at(ErrorCode::kSyntax, {4, 1}, "unexpected '@'");
  Error c = e.withContext("file.json:3:7: ");
  EXPECT_EQ(c.message(), "file.json:3:7: unexpected '@'");
  EXPECT_EQ(c.code(), ErrorCode::kSyntax);
  EXPECT_TRUE(c.hasSpan());
  EXPECT_EQ(c.span(), (SourceSpan{4, 1}));
  EXPECT_EQ(e.message(), "unexpected '@'");
}

TEST(ErrorTest, CodeNamesAreStable) {
  EXPECT_EQ(errorCodeName(ErrorCode::kSyntax), "syntax");
  EXPECT_EQ(errorCodeName(ErrorCode::kType), "type");
  EXPECT_EQ(errorCodeName(ErrorCode::kUnknownFunction), "unknown_function");
  EXPECT_EQ(errorCodeName(ErrorCode::kInvalidPath), "invalid_path");
  EXPECT_EQ(errorCodeName(ErrorCode::kInvalidInput), "invalid_input");
  EXPECT_EQ(errorCodeName(ErrorCode::kIo), "io");
  EXPECT_EQ(errorCodeName(ErrorCode::kLimit), "limit");
  EXPECT_EQ(errorCodeName(ErrorCode::kInternal), "internal");
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(static_cast<bool>(s));
}

TEST(StatusTest, HoldsError) {
  Status s = checkEven(3);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kType);
  EXPECT_EQ(s.error().message(), "odd");
}

TEST(ReturnIfErrorTest, ContinuesPastOkStatusAndResult) {
  int reached = -1;
  Status s = chainStatus(4, reached);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(reached, 2);
}

TEST(ReturnIfErrorTest, ReturnsErrorOfStatus) {
  int reached = -1;
  Status s = chainStatus(3, reached);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(reached, 0);
  EXPECT_EQ(s.error().code(), ErrorCode::kType);
  EXPECT_EQ(s.error().message(), "odd");
}

TEST(ReturnIfErrorTest, ReturnsErrorOfResultWithItsSpan) {
  int reached = -1;
  Status s = chainStatus(-2, reached);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(reached, 1);
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(s.error().span(), (SourceSpan{3, 2}));
}

TEST(AssignOrReturnTest, AssignsValuesOfSuccessiveResults) {
  Result<int> r = sumOfPositives(2, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 7);
}

TEST(AssignOrReturnTest, ReturnsFirstError) {
  Result<int> r = sumOfPositives(2, -5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().message(), "not positive");
}

TEST(AssignOrReturnTest, MovesMoveOnlyValue) {
  Result<int> ok = unbox(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 40);
  Result<int> bad = unbox(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kLimit);
}

}  // namespace
}  // namespace routesim
