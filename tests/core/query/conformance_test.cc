// Data-driven conformance test: every line of tests/data/conformance/edge-peer-sample.jsonl (cases
// from the edge peer's unit tests) and of tests/data/query/routesim-cases.jsonl (routesim's own
// cases: $twin, IS_ARRAY / IS_OBJECT / IS_PRIMITIVE, encodings, large and deep bodies, ...) is
// one test instance, named by its id, that runs query::runCase and compares with "expect" and,
// where present, "expect_offset" / "expect_length" (code points).
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/json.h"
#include "core/query/case_runner.h"

namespace routesim::query {
namespace {

constexpr const char* kPeerSample = ROUTESIM_TEST_DATA_DIR "/conformance/edge-peer-sample.jsonl";
constexpr const char* kRoutesimCases = ROUTESIM_TEST_DATA_DIR "/query/routesim-cases.jsonl";

struct CaseLine {
  std::string file;
  size_t line = 0;  // 1-based
  std::string id;   // the case's id, or a placeholder for an unreadable line
  std::string text;
  std::string error;  // set when the file could not be read at all
};

// Short, as CTest appends it to every test name.
void PrintTo(const CaseLine& c, std::ostream* os) {
  *os << c.file.substr(c.file.find_last_of('/') + 1) << ":" << c.line;
}

std::string idOf(const std::string& text, size_t line) {
  // Fast path for lines that begin {"id": "<plain text>", so that registering the instances
  // does not parse every (possibly 200 KB) line in every test process.
  for (std::string_view prefix : {"{\"id\": \"", "{\"id\":\""}) {
    if (text.compare(0, prefix.size(), prefix) != 0) continue;
    size_t end = text.find('"', prefix.size());
    std::string id = text.substr(prefix.size(), end - prefix.size());
    if (end != std::string::npos && id.find('\\') == std::string::npos) return id;
  }
  Result<json::Value> v = json::parse(text);
  if (v.ok() && v->is(json::Type::kObject)) {
    if (const json::Value* id = v->find("id")) {
      if (id->is(json::Type::kString)) return id->text();
      if (id->is(json::Type::kNumber)) return id->text();
    }
  }
  return "line_" + std::to_string(line);
}

std::vector<CaseLine> readCases(const char* path) {
  std::vector<CaseLine> cases;
  std::ifstream in(path);
  if (!in) {
    cases.push_back({path, 0, "unreadable_file", "", std::string("cannot open ") + path});
    return cases;
  }
  std::string text;
  size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    cases.push_back({path, line, idOf(text, line), text, ""});
  }
  if (cases.empty())
    cases.push_back({path, 0, "empty_file", "", std::string("no cases in ") + path});
  return cases;
}

// gtest parameter names allow only [A-Za-z0-9_]; ids are made unique with a line suffix.
std::string paramName(const ::testing::TestParamInfo<CaseLine>& info) {
  std::string name;
  for (char c : info.param.id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    name.push_back(ok ? c : '_');
  }
  if (name.empty()) name = "case";
  return name + "_L" + std::to_string(info.param.line);
}

class ConformanceTest : public ::testing::TestWithParam<CaseLine> {};

TEST_P(ConformanceTest, MatchesExpectation) {
  const CaseLine& c = GetParam();
  ASSERT_TRUE(c.error.empty()) << c.error;
  Result<json::Value> parsed = json::parse(c.text);
  ASSERT_TRUE(parsed.ok()) << c.file << ":" << c.line << ": " << parsed.error().message();
  const json::Value& object = *parsed;
  ASSERT_TRUE(object.is(json::Type::kObject)) << c.file << ":" << c.line;

  const json::Value* expect_json = object.find("expect");
  ASSERT_NE(expect_json, nullptr) << c.id << ": no \"expect\"";
  std::optional<CaseOutcome> expect = parseExpect(*expect_json);
  ASSERT_TRUE(expect.has_value()) << c.id << ": bad \"expect\" " << expect_json->compact();

  EvalScratch scratch;
  CaseResult r = runCase(object, scratch);

  std::string context;
  if (const json::Value* q = object.find("query"); q && q->is(json::Type::kString)) {
    context += "\n  query:  " + q->text();
  }
  if (const json::Value* note = object.find("note"); note && note->is(json::Type::kString)) {
    context += "\n  note:   " + note->text();
  }
  if (!r.error.empty()) context += "\n  error:  " + r.error;
  context += "\n  at " + c.file + ":" + std::to_string(c.line);

  EXPECT_EQ(caseOutcomeName(r.outcome), caseOutcomeName(*expect))
      << c.id << ": expected " << caseOutcomeName(*expect) << ", got " << caseOutcomeName(r.outcome)
      << context;

  if (const json::Value* offset = object.find("expect_offset")) {
    ASSERT_TRUE(offset->is(json::Type::kNumber)) << c.id;
    ASSERT_TRUE(r.offset.has_value()) << c.id << ": no error position" << context;
    EXPECT_EQ(*r.offset, static_cast<uint32_t>(offset->number()))
        << c.id << ": error offset (code points)" << context;
  }
  if (const json::Value* length = object.find("expect_length")) {
    ASSERT_TRUE(length->is(json::Type::kNumber)) << c.id;
    ASSERT_TRUE(r.length.has_value()) << c.id << ": no error position" << context;
    EXPECT_EQ(*r.length, static_cast<uint32_t>(length->number()))
        << c.id << ": error length (code points)" << context;
  }
}

INSTANTIATE_TEST_SUITE_P(EdgePeerSample, ConformanceTest,
                         ::testing::ValuesIn(readCases(kPeerSample)), paramName);
INSTANTIATE_TEST_SUITE_P(RoutesimCases, ConformanceTest,
                         ::testing::ValuesIn(readCases(kRoutesimCases)), paramName);

// --- The case files themselves ------------------------------------------------------------

void checkFile(const char* path, size_t minimum_cases) {
  std::vector<CaseLine> cases = readCases(path);
  ASSERT_TRUE(cases.front().error.empty()) << cases.front().error;
  EXPECT_GE(cases.size(), minimum_cases) << path;
  std::set<std::string> ids;
  for (const CaseLine& c : cases) {
    Result<json::Value> v = json::parse(c.text);
    ASSERT_TRUE(v.ok()) << path << ":" << c.line << ": " << v.error().message();
    ASSERT_TRUE(v->is(json::Type::kObject)) << path << ":" << c.line;
    for (const char* key : {"id", "query", "expect"}) {
      EXPECT_NE(v->find(key), nullptr) << path << ":" << c.line << ": missing \"" << key << "\"";
    }
    if (const json::Value* id = v->find("id"); id && id->is(json::Type::kString)) {
      EXPECT_EQ(c.id, id->text()) << path << ":" << c.line;
    }
    EXPECT_TRUE(ids.insert(c.id).second) << path << ":" << c.line << ": duplicate id " << c.id;
  }
}

TEST(ConformanceFilesTest, PeerSampleIsWellFormed) { checkFile(kPeerSample, 190); }

TEST(ConformanceFilesTest, RoutesimCasesAreWellFormed) { checkFile(kRoutesimCases, 150); }

TEST(ConformanceFilesTest, RoutesimCasesCoverEveryOutcomeAndPositions) {
  std::vector<CaseLine> cases = readCases(kRoutesimCases);
  std::set<std::string> outcomes;
  size_t with_positions = 0;
  size_t twin_change = 0;
  for (const CaseLine& c : cases) {
    Result<json::Value> v = json::parse(c.text);
    if (!v.ok() || !v->is(json::Type::kObject)) continue;
    if (const json::Value* e = v->find("expect")) {
      if (auto outcome = parseExpect(*e)) outcomes.insert(std::string(caseOutcomeName(*outcome)));
    }
    if (v->find("expect_offset") != nullptr) ++with_positions;
    if (const json::Value* s = v->find("source"); s && s->text() == "TwinChangeEvents") {
      ++twin_change;
    }
  }
  EXPECT_EQ(outcomes, (std::set<std::string>{"true", "false", "undefined", "compile_error"}));
  EXPECT_GE(with_positions, 5u);
  EXPECT_GE(twin_change, 5u);
}

}  // namespace
}  // namespace routesim::query
