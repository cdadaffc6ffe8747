// Tests of core/query/case_runner.h: the `routesim eval` case format of DESIGN.md ("Interfaces"):
// outcomes, compile-error positions in code points, input errors naming their JSON path, and
// the output line.
#include "core/query/case_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

#include "core/common/json.h"

namespace routesim::query {

// Readable outcomes in assertion messages (found by argument-dependent lookup).
inline void PrintTo(CaseOutcome o, std::ostream* os) { *os << caseOutcomeName(o); }

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

CaseResult run(std::string_view case_json) {
  Result<json::Value> c = json::parse(case_json);
  EXPECT_TRUE(c.ok()) << case_json << ": " << c.error().message();
  if (!c.ok()) return {};
  EvalScratch scratch;
  return runCase(*c, scratch);
}

// Runs `query` (JSON-escaped by the caller where needed) on a message.
CaseResult runQueryText(std::string_view query, std::string_view message_json = "{}") {
  std::string line = "{\"id\":\"t\",\"query\":";
  json::appendQuoted(line, query);
  line += ",\"message\":" + std::string(message_json) + "}";
  return run(line);
}

TEST(CaseRunnerTest, OutcomeNames) {
  EXPECT_EQ(caseOutcomeName(CaseOutcome::kTrue), "true");
  EXPECT_EQ(caseOutcomeName(CaseOutcome::kFalse), "false");
  EXPECT_EQ(caseOutcomeName(CaseOutcome::kUndefined), "undefined");
  EXPECT_EQ(caseOutcomeName(CaseOutcome::kCompileError), "compile_error");
  EXPECT_EQ(caseOutcomeName(CaseOutcome::kInputError), "input_error");
}

TEST(CaseRunnerTest, ParseExpect) {
  auto expect = [](std::string_view text) { return parseExpect(*json::parse(text)); };
  EXPECT_EQ(expect("true"), CaseOutcome::kTrue);
  EXPECT_EQ(expect("false"), CaseOutcome::kFalse);
  EXPECT_EQ(expect("\"undefined\""), CaseOutcome::kUndefined);
  EXPECT_EQ(expect("\"compile_error\""), CaseOutcome::kCompileError);
  EXPECT_EQ(expect("\"input_error\""), CaseOutcome::kInputError);
  EXPECT_EQ(expect("\"true\""), CaseOutcome::kTrue);
  EXPECT_EQ(expect("\"maybe\""), std::nullopt);
  EXPECT_EQ(expect("1"), std::nullopt);
  EXPECT_EQ(expect("null"), std::nullopt);
  EXPECT_EQ(expect("\"Undefined\""), std::nullopt);
}

TEST(CaseRunnerTest, EvaluatesTriStateResults) {
  std::string_view message = R"j({"appProperties":{"key1":"value1"}})j";
  EXPECT_EQ(runQueryText("key1 = 'value1'", message).outcome, CaseOutcome::kTrue);
  EXPECT_EQ(runQueryText("key1 = 'other'", message).outcome, CaseOutcome::kFalse);
  EXPECT_EQ(runQueryText("none = 'x'", message).outcome, CaseOutcome::kUndefined);
  EXPECT_EQ(runQueryText("", message).outcome, CaseOutcome::kUndefined);
}

TEST(CaseRunnerTest, SuccessHasNoErrorOrPosition) {
  CaseResult r = runQueryText("true");
  EXPECT_EQ(r.outcome, CaseOutcome::kTrue);
  EXPECT_TRUE(r.error.empty());
  EXPECT_FALSE(r.offset.has_value());
  EXPECT_FALSE(r.length.has_value());
}

TEST(CaseRunnerTest, MessageIsOptional) {
  CaseResult r = run(R"j({"id":1,"query":"is_defined(key1)"})j");
  EXPECT_EQ(r.outcome, CaseOutcome::kFalse);
  r = run(R"j({"id":1,"query":"$body.x = 1"})j");
  EXPECT_EQ(r.outcome, CaseOutcome::kUndefined);
}

TEST(CaseRunnerTest, UnknownKeysAreIgnored) {
  CaseResult r = run(R"j({"id":"x","query":"true","note":"anything","expect":false,)j"
                     R"j("expect_offset":3,"extra":[1]})j");
  EXPECT_EQ(r.outcome, CaseOutcome::kTrue);  // the runner does not compare with "expect"
}

TEST(CaseRunnerTest, CompileErrorWithPosition) {
  CaseResult r = runQueryText("key2 = 3");
  EXPECT_EQ(r.outcome, CaseOutcome::kCompileError);
  EXPECT_THAT(r.error, StartsWith("Invalid operands to binary operator '='"));
  EXPECT_EQ(r.offset, 5u);
  EXPECT_EQ(r.length, 1u);
  EXPECT_EQ(r.error_byte_offset, 5u);
  EXPECT_EQ(r.error_byte_length, 1u);
}

TEST(CaseRunnerTest, CompileErrorAtEndOfInputHasLengthOne) {
  CaseResult r = runQueryText("as_number(\"2\" = 24");
  EXPECT_EQ(r.outcome, CaseOutcome::kCompileError);
  EXPECT_EQ(r.offset, 18u);
  EXPECT_EQ(r.length, 1u);
}

TEST(CaseRunnerTest, PeerCompileErrorPositions) {
  struct Case {
    std::string_view query;
    uint32_t offset;
    uint32_t length;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"3 + '4' = 7", 2, 1},
           {"as_number(true) = true", 0, 9},
           {"nope(true) = true", 0, 4},
           {"(2 + 22 = 24", 0, 1},
           {"(2 + 22 )) = 24", 9, 1},
           {"as_number(\"2\")) = 24", 14, 1},
           {"\"2 = 24", 0, 7},
           {"3 = @ 3", 4, 1},
       }) {
    CaseResult r = runQueryText(c.query);
    EXPECT_EQ(r.outcome, CaseOutcome::kCompileError) << c.query;
    EXPECT_EQ(r.offset, c.offset) << c.query << ": " << r.error;
    EXPECT_EQ(r.length, c.length) << c.query << ": " << r.error;
  }
}

TEST(CaseRunnerTest, CompileErrorPositionsCountCodePoints) {
  // 'é' is 2 bytes, 1 code point: the '=' is at byte 5, code point 4.
  CaseResult r = runQueryText("'é' = 3");
  EXPECT_EQ(r.outcome, CaseOutcome::kCompileError);
  EXPECT_EQ(r.offset, 4u);
  EXPECT_EQ(r.length, 1u);
  EXPECT_EQ(r.error_byte_offset, 5u);
  EXPECT_EQ(r.error_byte_length, 1u);

  // 3-byte and 4-byte characters before the error.
  r = runQueryText("'日本😀' = 3");
  EXPECT_EQ(r.offset, 6u);
  EXPECT_EQ(r.error_byte_offset, 13u);

  // A span that itself holds non-ASCII text.
  r = runQueryText("nöpe(1)");
  EXPECT_EQ(r.outcome, CaseOutcome::kCompileError);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.length, 4u);
  EXPECT_EQ(r.error_byte_length, 5u);

  r = runQueryText("\"é😀");
  EXPECT_THAT(r.error, HasSubstr("unterminated string"));
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.length, 3u);
}

TEST(CaseRunnerTest, SourceSelectsTwinChangeIncludes) {
  std::string_view body = R"j({"systemProperties":{"contentType":"application/json",)j"
                          R"j("contentEncoding":"utf-8"},"body":{"tags":{"a":1}}})j";
  std::string line = std::string(R"j({"query":"twin_change_includes(tags.a)","message":)j") +
                     std::string(body) + "}";
  EXPECT_EQ(run(line).outcome, CaseOutcome::kCompileError);
  std::string twin = std::string(R"j({"query":"twin_change_includes(tags.a)","message":)j") +
                     std::string(body) + R"j(,"source":"TwinChangeEvents"})j";
  EXPECT_EQ(run(twin).outcome, CaseOutcome::kTrue);
  std::string lower = std::string(R"j({"query":"twin_change_includes(tags.a)","message":)j") +
                      std::string(body) + R"j(,"source":"twinchangeevents"})j";
  EXPECT_EQ(run(lower).outcome, CaseOutcome::kTrue);
}

TEST(CaseRunnerTest, TwinIsRead) {
  CaseResult r = run(R"j({"query":"$twin.tags.site = 'paris'","twin":{"tags":{"site":"paris"},)j"
                     R"j("properties":{"desired":{},"reported":{}}}})j");
  EXPECT_EQ(r.outcome, CaseOutcome::kTrue);
  r = run(R"j({"query":"$twin.tags.site = 'paris'"})j");
  EXPECT_EQ(r.outcome, CaseOutcome::kUndefined);
}

TEST(CaseRunnerTest, BodyIsEncodedAsContentEncodingNames) {
  for (std::string_view encoding : {"utf-8", "utf-16", "UTF-16", "utf-32", "UTF-32"}) {
    std::string message =
        R"j({"systemProperties":{"contentType":"application/json","contentEncoding":")j" +
        std::string(encoding) + R"j("},"body":{"s":"héllo😀","n":21.5}})j";
    EXPECT_EQ(runQueryText("$body.s = 'héllo😀' AND $body.n = 21.5", message).outcome,
              CaseOutcome::kTrue)
        << encoding;
  }
}

TEST(CaseRunnerTest, InputErrorsNameTheirJsonPath) {
  struct Case {
    std::string_view line;
    std::string_view path;
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"j([1])j", "$"},
           {R"j("query")j", "$"},
           {R"j({"id":1})j", "$.query"},
           {R"j({"id":1,"query":3})j", "$.query"},
           {R"j({"id":1,"query":null})j", "$.query"},
           {R"j({"query":"true","message":[]})j", "$.message"},
           {R"j({"query":"true","message":{"appProperties":{"k":1}}})j",
            "$.message.appProperties.k"},
           {R"j({"query":"true","message":{"systemProperties":[]}})j",
            "$.message.systemProperties"},
           {R"j({"query":"true","message":{"body":{},"bodyText":""}})j", "$.message.bodyText"},
           {R"j({"query":"true","message":{"bodyText":1}})j", "$.message.bodyText"},
           {R"j({"query":"true","message":{"bodyBase64":"!!"}})j", "$.message.bodyBase64"},
           {R"j({"query":"true","twin":"x"})j", "$.twin"},
           {R"j({"query":"true","twin":{"tags":[]}})j", "$.twin.tags"},
           {R"j({"query":"true","twin":{"properties":{"desired":1}}})j",
            "$.twin.properties.desired"},
           {R"j({"query":"true","source":"Nope"})j", "$.source"},
           {R"j({"query":"true","source":1})j", "$.source"},
       }) {
    CaseResult r = run(c.line);
    EXPECT_EQ(r.outcome, CaseOutcome::kInputError) << c.line;
    EXPECT_THAT(r.error, HasSubstr(std::string(c.path))) << c.line;
    EXPECT_FALSE(r.offset.has_value()) << c.line;
  }
}

TEST(CaseRunnerTest, InputErrorWinsOverCompileError) {
  CaseResult r = run(R"j({"query":"key2 = 3","message":{"appProperties":{"k":1}}})j");
  EXPECT_EQ(r.outcome, CaseOutcome::kInputError);
}

TEST(CaseRunnerTest, RunQueryWithoutMessage) {
  EvalScratch scratch;
  CaseResult r = runQuery("is_defined(key1)", nullptr, nullptr, nullptr, scratch);
  EXPECT_EQ(r.outcome, CaseOutcome::kFalse);
  Result<json::Value> twin = json::parse(R"j({"tags":{"x":1}})j");
  Result<json::Value> source = json::parse(R"j("DeviceMessages")j");
  r = runQuery("$twin.tags.x = 1", nullptr, &*twin, &*source, scratch);
  EXPECT_EQ(r.outcome, CaseOutcome::kTrue);
}

TEST(CaseRunnerTest, FormatsResults) {
  CaseResult ok;
  ok.outcome = CaseOutcome::kTrue;
  EXPECT_EQ(formatCaseResult("\"c1\"", ok), R"j({"id":"c1","result":true})j");
  ok.outcome = CaseOutcome::kFalse;
  EXPECT_EQ(formatCaseResult("7", ok), R"j({"id":7,"result":false})j");
  ok.outcome = CaseOutcome::kUndefined;
  EXPECT_EQ(formatCaseResult("\"c1\"", ok, 0, false), R"j({"result":"undefined"})j");

  CaseResult err = runQueryText("key2 = 3");
  std::string line = formatCaseResult("\"c2\"", err);
  EXPECT_THAT(line,
              StartsWith(R"j({"id":"c2","result":"compile_error","error":"Invalid operands)j"));
  EXPECT_THAT(line, HasSubstr(R"j("offset":5,"length":1})j"));

  CaseResult input;
  input.outcome = CaseOutcome::kInputError;
  input.error = "bad \"quote\"";
  EXPECT_EQ(formatCaseResult("null", input, 12),
            R"j({"id":null,"line":12,"result":"input_error","error":"bad \"quote\""})j");
}

TEST(CaseRunnerTest, FormattedLineIsValidJson) {
  CaseResult err = runQueryText("'日本' = 3 \\");
  std::string line = formatCaseResult("\"x\"", err);
  Result<json::Value> parsed = json::parse(line);
  ASSERT_TRUE(parsed.ok()) << line;
  const json::Value* result = parsed->find("result");
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(result->text(), "compile_error");
}

}  // namespace
}  // namespace routesim::query
