// Runs the routesim executable as a subprocess and checks the `routesim eval` contract of
// DESIGN.md ("Interfaces"): output lines, exit codes and diagnostics.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/file_io.h"
#include "core/common/json.h"

extern char** environ;

namespace routesim {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

json::Value parseJson(std::string_view text) {
  auto r = json::parse(text);
  EXPECT_TRUE(r.ok()) << "not JSON: " << text;
  return r.ok() ? std::move(r).value() : json::Value();
}

// The member `key` of an output object as compact JSON, or "<absent>".
std::string member(const json::Value& object, std::string_view key) {
  const json::Value* v = object.find(key);
  return v == nullptr ? "<absent>" : v->compact();
}

class RoutesimCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "routesim-main-test-XXXXXX").string();
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

  // Runs `routesim args...` with `stdin_text` on its standard input; stdout and stderr go to
  // files in the test's directory, so nothing can block on a full pipe.
  RunResult run(const std::vector<std::string>& args, std::string_view stdin_text = "") {
    std::string in_path = write("stdin.txt", stdin_text);
    std::string out_path = (dir_ / "stdout.txt").string();
    std::string err_path = (dir_ / "stderr.txt").string();
    std::vector<std::string> argv_storage = {ROUTESIM_BINARY};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    RunResult result;
    EXPECT_EQ(rc, 0) << "cannot start " << ROUTESIM_BINARY;
    if (rc != 0) return result;
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status)) << "routesim did not exit normally, status " << status;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = readFile(out_path).value();
    result.err = readFile(err_path).value();
    return result;
  }

  std::filesystem::path dir_;
};

constexpr char kSample[] = ROUTESIM_TEST_DATA_DIR "/conformance/edge-peer-sample.jsonl";

TEST_F(RoutesimCommandTest, CheckPassesOnConformanceSampleWithOneLinePerCaseInOrder) {
  std::vector<std::string> ids;
  for (const std::string& line : splitLines(readFile(kSample).value())) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ids.push_back(member(parseJson(line), "id"));
  }
  ASSERT_FALSE(ids.empty());

  RunResult r = run({"eval", "--cases", kSample, "--check"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = splitLines(r.out);
  ASSERT_EQ(lines.size(), ids.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    json::Value out = parseJson(lines[i]);
    EXPECT_EQ(member(out, "id"), ids[i]) << "line " << i + 1;
    EXPECT_NE(member(out, "result"), "<absent>") << lines[i];
  }
  EXPECT_NE(
      r.err.find("routesim eval --check: " + std::to_string(ids.size()) + " passed, 0 failed"),
      std::string::npos)
      << r.err;
}

TEST_F(RoutesimCommandTest, CheckExitsOneAndNamesCaseWithWrongExpect) {
  std::string cases = write("cases.jsonl",
                            R"({"id": "right", "query": "true", "message": {}, "expect": true}
{"id": "wrong", "query": "1 = 1", "message": {}, "expect": false}
)");
  RunResult r = run({"eval", "--cases", cases, "--check"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(splitLines(r.out).size(), 2u) << r.out;
  EXPECT_NE(r.err.find(cases + ":2: case \"wrong\": expected false, got true"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("query: 1 = 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 passed, 1 failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\"right\""), std::string::npos) << "passing cases are not reported";
}

TEST_F(RoutesimCommandTest, WithoutCheckIgnoresExpectAndExitsZero) {
  std::string cases =
      write("cases.jsonl", R"({"id": 1, "query": "1 = 1", "message": {}, "expect": false})");
  RunResult r = run({"eval", "--cases", cases});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"id\":1,\"result\":true}\n");
}

TEST_F(RoutesimCommandTest, LineThatIsNotJsonGetsInputErrorWhileOtherLinesEvaluate) {
  std::string cases = write("cases.jsonl", R"({"id": "a", "query": "true", "message": {}}
not json
{"id": 3, "query": "1 = 2", "message": {}}
)");
  RunResult r = run({"eval", "--cases", cases});
  EXPECT_EQ(r.exit_code, 2);
  std::vector<std::string> lines = splitLines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], R"({"id":"a","result":true})");
  json::Value bad = parseJson(lines[1]);
  EXPECT_EQ(member(bad, "id"), "null");
  EXPECT_EQ(member(bad, "line"), "2");
  EXPECT_EQ(member(bad, "result"), "\"input_error\"");
  ASSERT_NE(bad.find("error"), nullptr);
  EXPECT_FALSE(bad.find("error")->text().empty());
  EXPECT_EQ(lines[2], R"({"id":3,"result":false})");
  EXPECT_NE(r.err.find(cases + ":2: "), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, BadInputWinsOverCheckMismatch) {
  std::string cases =
      write("cases.jsonl", R"({"id": "w", "query": "true", "message": {}, "expect": false}
{"id":
)");
  RunResult r = run({"eval", "--cases", cases, "--check"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(splitLines(r.out).size(), 2u) << r.out;
}

TEST_F(RoutesimCommandTest, SkipsBlankLinesButCountsThemInLineNumbers) {
  std::string cases = write("cases.jsonl", "\n{\"id\": 1, \"query\": \"true\"}\n   \n{oops\n");
  RunResult r = run({"eval", "--cases", cases});
  EXPECT_EQ(r.exit_code, 2);
  std::vector<std::string> lines = splitLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0], R"({"id":1,"result":true})");
  EXPECT_EQ(member(parseJson(lines[1]), "line"), "4");
}

TEST_F(RoutesimCommandTest, ReadsCasesFromStdin) {
  RunResult r = run({"eval", "--cases", "-"},
                    "{\"id\": \"s1\", \"query\": \"$connectionDeviceId = 'x'\", \"message\": {}}\n"
                    "{\"id\": \"s2\", \"query\": \"k = 'v'\", \"message\": "
                    "{\"appProperties\": {\"K\": \"v\"}}}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = splitLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(member(parseJson(lines[0]), "id"), "\"s1\"");
  EXPECT_EQ(lines[1], R"({"id":"s2","result":true})");
}

TEST_F(RoutesimCommandTest, CaseWithBodyAndBodyTextIsInputError) {
  std::string cases =
      write("cases.jsonl",
            R"({"id": "both", "query": "true", "message": {"body": {"a": 1}, "bodyText": "x"}})");
  RunResult r = run({"eval", "--cases", cases});
  EXPECT_EQ(r.exit_code, 2);
  std::vector<std::string> lines = splitLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  json::Value out = parseJson(lines[0]);
  EXPECT_EQ(member(out, "id"), "\"both\"");
  EXPECT_EQ(member(out, "result"), "\"input_error\"");
  ASSERT_NE(out.find("error"), nullptr);
  EXPECT_EQ(out.find("error")->text().rfind("$.message.bodyText: ", 0), 0u)
      << out.find("error")->text();
  EXPECT_NE(r.err.find("case \"both\""), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, ExpectedInputErrorPassesCheck) {
  std::string cases = write(
      "cases.jsonl",
      R"({"id": "both", "query": "true", "message": {"body": 1, "bodyText": "x"}, "expect": "input_error"})");
  RunResult r = run({"eval", "--cases", cases, "--check"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 passed, 0 failed"), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, CompileErrorInCaseIsAResultNotBadInput) {
  std::string cases =
      write("cases.jsonl",
            R"({"id": "c", "query": "temp = 5", "message": {"appProperties": {"temp": "5"}}})");
  RunResult r = run({"eval", "--cases", cases});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json::Value out = parseJson(splitLines(r.out).at(0));
  EXPECT_EQ(member(out, "result"), "\"compile_error\"");
  EXPECT_EQ(member(out, "offset"), "5");
  EXPECT_EQ(member(out, "length"), "1");
}

TEST_F(RoutesimCommandTest, QueryCompileErrorExitsOneWithCaretLine) {
  std::string message = write("m.json", R"({"appProperties": {"temp": "5"}})");
  RunResult r = run({"eval", "--query", "temp = 5", "--message", message});
  EXPECT_EQ(r.exit_code, 1);
  std::vector<std::string> lines = splitLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  json::Value out = parseJson(lines[0]);
  EXPECT_EQ(member(out, "id"), "<absent>");
  EXPECT_EQ(member(out, "result"), "\"compile_error\"");
  EXPECT_EQ(member(out, "offset"), "5");
  EXPECT_EQ(member(out, "length"), "1");
  EXPECT_NE(r.err.find("query:1:6: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\n  temp = 5\n       ^\n"), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, QueryCompileErrorCountsCodePoints) {
  std::string message = write("m.json", "{}");
  RunResult r = run({"eval", "--query", "'é€' = @", "--message", message});
  EXPECT_EQ(r.exit_code, 1);
  json::Value out = parseJson(splitLines(r.out).at(0));
  EXPECT_EQ(member(out, "offset"), "7");
  EXPECT_EQ(member(out, "length"), "1");
  EXPECT_NE(r.err.find("query:1:8: error: "), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, QueryPrintsResultWithoutId) {
  std::string message = write("m.json", R"({"appProperties": {"temp": "5"}})");
  RunResult r = run({"eval", "--query", "temp = '5'", "--message", message});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"result\":true}\n");
}

TEST_F(RoutesimCommandTest, MessageFileWithInvalidJsonNamesFileLineAndColumn) {
  std::string message = write("m.json", "{\n  \"body\": tru\n}\n");
  RunResult r = run({"eval", "--query", "true", "--message", message});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(message + ":2:11: "), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, MessageFileWithTrailingContentNamesItsPosition) {
  std::string message = write("m.json", "{}\n  x");
  RunResult r = run({"eval", "--query", "true", "--message", message});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(message + ":2:3: "), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, MissingMessageExitsTwo) {
  RunResult r = run({"eval", "--query", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("--message"), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, UnreadableMessageFileExitsTwoNamingIt) {
  std::string missing = (dir_ / "absent.json").string();
  RunResult r = run({"eval", "--query", "true", "--message", missing});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, UnreadableCasesFileExitsTwoNamingIt) {
  std::string missing = (dir_ / "absent.jsonl").string();
  RunResult r = run({"eval", "--cases", missing});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
}

TEST_F(RoutesimCommandTest, CasesAndQueryTogetherExitTwo) {
  RunResult r = run({"eval", "--cases", "-", "--query", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
}

TEST_F(RoutesimCommandTest, MissingSubcommandExitsTwo) {
  RunResult r = run({});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace routesim
