// Fuzzes one `routesim eval` case line end to end: JSON parsing, the message and twin JSON,
// the source name, and compiling and evaluating the query. Bad input must come back as an
// input_error or compile_error result, never as a crash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/common/json.h"
#include "core/query/case_runner.h"

using namespace routesim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto parsed = json::parse(line);
  if (!parsed.ok()) {
    if (parsed.error().span().offset > line.size()) std::abort();
    return 0;
  }
  static query::EvalScratch scratch;
  query::CaseResult r = query::runCase(*parsed, scratch);
  if (r.outcome == query::CaseOutcome::kCompileError && !r.offset) std::abort();
  std::string out = query::formatCaseResult(parsed->compact(), r);
  if (json::parse(out).ok() == false) std::abort();  // the output line is always valid JSON
  return 0;
}
