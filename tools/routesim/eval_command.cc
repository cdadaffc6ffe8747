#include "tools/routesim/eval_command.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

#include "core/common/diagnostic.h"
#include "core/common/file_io.h"
#include "core/common/json.h"
#include "core/query/case_runner.h"

namespace routesim::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;

// Reads and parses a JSON file, with file:line:column in the error.
Result<json::Value> readJsonFile(const std::string& path) {
  ROUTESIM_ASSIGN_OR_RETURN(std::string text, readFile(path));
  auto value = json::parse(text);
  if (!value.ok()) {
    LineColumn lc = locate(text, value.error().span().offset);
    return Error(ErrorCode::kInvalidInput, path + ":" + std::to_string(lc.line) + ":" +
                                               std::to_string(lc.column) + ": " +
                                               value.error().message());
  }
  return value;
}

std::string describeExpect(const json::Value& v) { return v.compact(); }

int runCases(const EvalOptions& options, std::istream& stdin_stream, std::ostream& out,
             std::ostream& err) {
  std::ifstream file;
  std::istream* in = &stdin_stream;
  std::string name = options.cases == "-" ? "<stdin>" : options.cases;
  if (options.cases != "-") {
    file.open(options.cases, std::ios::binary);
    if (!file) {
      err << "routesim eval: " << options.cases << ": cannot open the cases file\n";
      return kExitBadInput;
    }
    in = &file;
  }

  query::EvalScratch scratch;
  bool bad_input = false;
  size_t passed = 0;
  size_t failed = 0;
  size_t unchecked = 0;
  std::string line;
  size_t line_number = 0;
  while (std::getline(*in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are not cases

    auto parsed = json::parse(line);
    if (!parsed.ok()) {
      query::CaseResult r;
      r.outcome = query::CaseOutcome::kInputError;
      r.error = "line " + std::to_string(line_number) + ", column " +
                std::to_string(locate(line, parsed.error().span().offset).column) + ": " +
                parsed.error().message();
      out << query::formatCaseResult("null", r, line_number) << '\n';
      err << name << ':' << line_number << ": " << r.error << '\n';
      bad_input = true;
      continue;
    }
    const json::Value& c = *parsed;
    std::string id = "null";
    if (c.is(json::Type::kObject)) {
      if (const json::Value* v = c.find("id")) id = v->compact();
    }
    query::CaseResult r = query::runCase(c, scratch);
    bool has_line = !c.is(json::Type::kObject);
    out << query::formatCaseResult(id, r, has_line ? line_number : 0) << '\n';

    const json::Value* expect = c.is(json::Type::kObject) ? c.find("expect") : nullptr;
    std::optional<query::CaseOutcome> expected;
    if (expect != nullptr) expected = query::parseExpect(*expect);
    if (r.outcome == query::CaseOutcome::kInputError) {
      bool anticipated =
          options.check && expected.has_value() && *expected == query::CaseOutcome::kInputError;
      if (!anticipated) {
        err << name << ':' << line_number << ": case " << id << ": " << r.error << '\n';
        bad_input = true;
      }
    }
    if (!options.check) continue;
    if (expect == nullptr) {
      ++unchecked;
    } else if (!expected) {
      err << name << ':' << line_number << ": case " << id << ": \"expect\" must be true, false, "
          << "\"undefined\", \"compile_error\" or \"input_error\", found "
          << describeExpect(*expect) << '\n';
      bad_input = true;
    } else if (*expected == r.outcome) {
      ++passed;
    } else {
      ++failed;
      err << name << ':' << line_number << ": case " << id << ": expected "
          << query::caseOutcomeName(*expected) << ", got " << query::caseOutcomeName(r.outcome);
      if (!r.error.empty()) err << " (" << r.error << ")";
      if (const json::Value* q = c.find("query"); q && q->is(json::Type::kString)) {
        err << "\n    query: " << q->text();
      }
      err << '\n';
    }
  }
  if (in->bad()) {
    err << "routesim eval: " << name << ": read error\n";
    return kExitBadInput;
  }
  if (options.check) {
    err << "routesim eval --check: " << passed << " passed, " << failed << " failed";
    if (unchecked) err << ", " << unchecked << " without \"expect\"";
    err << '\n';
  }
  if (bad_input) return kExitBadInput;
  return failed > 0 ? kExitFailed : kExitOk;
}

int runSingle(const EvalOptions& options, std::ostream& out, std::ostream& err) {
  if (options.message_file.empty()) {
    err << "routesim eval: --query needs --message FILE (a message JSON object)\n";
    return kExitBadInput;
  }
  auto message = readJsonFile(options.message_file);
  if (!message.ok()) {
    err << "routesim eval: " << message.error().message() << '\n';
    return kExitBadInput;
  }
  std::optional<json::Value> twin;
  if (!options.twin_file.empty()) {
    auto t = readJsonFile(options.twin_file);
    if (!t.ok()) {
      err << "routesim eval: " << t.error().message() << '\n';
      return kExitBadInput;
    }
    twin = std::move(*t);
  }
  json::Value source;
  std::optional<json::Value> source_value;
  if (!options.source.empty()) {
    std::string quoted;
    json::appendQuoted(quoted, options.source);  // the name taken literally, as a JSON string
    auto s = json::parse(quoted);
    if (!s.ok()) {
      err << "routesim eval: --source: not a source name: " << options.source << '\n';
      return kExitBadInput;
    }
    source_value = std::move(*s);
  }
  query::EvalScratch scratch;
  // The files are the message and the twin themselves: their JSON paths start at "$".
  query::CaseResult r =
      query::runQuery(options.query, &*message, twin ? &*twin : nullptr,
                      source_value ? &*source_value : nullptr, scratch, "$", "$twin");
  std::string where = options.message_file;
  if (r.outcome == query::CaseOutcome::kInputError && r.error.rfind("$twin", 0) == 0) {
    where = options.twin_file;
    r.error.replace(0, 5, "$");
  }
  out << query::formatCaseResult("", r, 0, /*with_id=*/false) << '\n';
  if (r.outcome == query::CaseOutcome::kInputError) {
    if (r.error.rfind("$.source", 0) == 0) where = "--source";
    err << "routesim eval: " << where << ": " << r.error << '\n';
    return kExitBadInput;
  }
  if (r.outcome == query::CaseOutcome::kCompileError) {
    Error e = Error::at(ErrorCode::kSyntax, {r.error_byte_offset, r.error_byte_length}, r.error);
    err << formatDiagnostic("query", options.query, e) << '\n';
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

int runEval(const EvalOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  if (options.has_query == !options.cases.empty()) {
    err << "routesim eval: give either --cases FILE.jsonl or --query Q --message M.json\n";
    return kExitBadInput;
  }
  if (options.has_query) return runSingle(options, out, err);
  return runCases(options, in, out, err);
}

}  // namespace routesim::cli
