// runEval in-process: streams instead of the process's stdin/stdout/stderr.
#include "tools/routesim/eval_command.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "core/common/file_io.h"

namespace routesim::cli {
namespace {

struct EvalRun {
  int exit_code;
  std::string out;
  std::string err;
};

EvalRun eval(const EvalOptions& options, const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  int code = runEval(options, in, out, err);
  return {code, out.str(), err.str()};
}

class EvalCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "routesim-eval-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, std::string_view content) {
    std::string path = (dir_ / name).string();
    Status s = writeFile(path, content);
    EXPECT_TRUE(s.ok()) << s.error().message();
    return path;
  }

  EvalOptions queryOptions(std::string query, std::string message_json) {
    EvalOptions o;
    o.query = std::move(query);
    o.has_query = true;
    o.message_file = write("message.json", message_json);
    return o;
  }

  std::filesystem::path dir_;
};

TEST_F(EvalCommandTest, EvaluatesCasesFromGivenInputStream) {
  EvalOptions o;
  o.cases = "-";
  o.check = true;
  EvalRun r = eval(o,
                   "{\"id\": \"t\", \"query\": \"a = 'x'\", \"message\": {\"appProperties\": "
                   "{\"a\": \"x\"}}, \"expect\": true}\n"
                   "{\"id\": \"u\", \"query\": \"$body.v = 1\", \"message\": {\"bodyText\": "
                   "\"not json\"}, \"expect\": \"undefined\"}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"id\":\"t\",\"result\":true}\n{\"id\":\"u\",\"result\":\"undefined\"}\n");
  EXPECT_EQ(r.err, "routesim eval --check: 2 passed, 0 failed\n");
}

TEST_F(EvalCommandTest, ReportsMismatchOnErrorStreamWithStdinName) {
  EvalOptions o;
  o.cases = "-";
  o.check = true;
  EvalRun r = eval(o, "{\"id\": 7, \"query\": \"true\", \"expect\": \"undefined\"}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("<stdin>:1: case 7: expected undefined, got true"), std::string::npos)
      << r.err;
}

TEST_F(EvalCommandTest, RejectsUnknownExpectValue) {
  EvalOptions o;
  o.cases = "-";
  o.check = true;
  EvalRun r = eval(o, "{\"id\": 1, \"query\": \"true\", \"expect\": \"yes\"}\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("\"expect\" must be"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("found \"yes\""), std::string::npos) << r.err;
}

TEST_F(EvalCommandTest, ReadsCrLfLines) {
  EvalOptions o;
  o.cases = "-";
  EvalRun r =
      eval(o, "{\"id\": 1, \"query\": \"true\"}\r\n\r\n{\"id\": 2, \"query\": \"false\"}\r\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"id\":1,\"result\":true}\n{\"id\":2,\"result\":false}\n");
}

TEST_F(EvalCommandTest, RequiresEitherCasesOrQuery) {
  EvalRun neither = eval(EvalOptions{});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("give either --cases"), std::string::npos) << neither.err;
  EvalOptions both;
  both.cases = "-";
  both.has_query = true;
  both.query = "true";
  EXPECT_EQ(eval(both).exit_code, 2);
}

TEST_F(EvalCommandTest, EvaluatesQueryOnMessageFile) {
  EvalRun r = eval(queryOptions("$body.temp > 20",
                                R"({"systemProperties": {"contentType": "application/json",
                                     "contentEncoding": "utf-8"}, "body": {"temp": 25}})"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"result\":true}\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(EvalCommandTest, ReadsTwinFile) {
  EvalOptions o = queryOptions("$twin.tags.site = 'A'", "{}");
  o.twin_file = write("twin.json", R"({"tags": {"site": "A"}})");
  EvalRun r = eval(o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"result\":true}\n");
}

TEST_F(EvalCommandTest, NamesTwinFileForTwinInputError) {
  EvalOptions o = queryOptions("true", "{}");
  o.twin_file = write("twin.json", R"({"tags": 1})");
  EvalRun r = eval(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.out,
      "{\"result\":\"input_error\",\"error\":\"$.tags: expected an object, found number\"}\n");
  // The twin file is the twin: its JSON paths start at the file's root.
  EXPECT_NE(r.err.find(o.twin_file + ": $.tags: "), std::string::npos) << r.err;
}

TEST_F(EvalCommandTest, NamesMessageFileForMessageInputError) {
  EvalOptions o = queryOptions("true", R"({"appProperties": {"x": 5}})");
  EvalRun r = eval(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(o.message_file + ": $.appProperties.x: "), std::string::npos) << r.err;
}

TEST_F(EvalCommandTest, RejectsUnknownSource) {
  EvalOptions o = queryOptions("true", "{}");
  o.source = "Bogus";
  EvalRun r = eval(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--source"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'Bogus'"), std::string::npos) << r.err;
}

TEST_F(EvalCommandTest, TakesSourceNameLiterally) {
  // A source name is not JSON: an escape sequence in it names no source.
  EvalOptions o = queryOptions("true", "{}");
  o.source = "\\u0044eviceMessages";
  EvalRun r = eval(o);
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST_F(EvalCommandTest, AcceptsSourceNameInAnyCase) {
  EvalOptions o = queryOptions("true", "{}");
  o.source = "twinchangeevents";
  EvalRun r = eval(o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(EvalCommandTest, CompileErrorPrintsDiagnosticAndExitsOne) {
  EvalRun r = eval(queryOptions("3 = @ 3", "{}"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\"result\":\"compile_error\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"offset\":4,\"length\":1"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("query:1:5: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\n  3 = @ 3\n      ^\n"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace routesim::cli
