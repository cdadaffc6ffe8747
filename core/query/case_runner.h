// The case format of `routesim eval` (DESIGN.md "Interfaces"): one JSON object per line,
//   {"id", "query", "message"?, "twin"?, "source"?, "expect"?}
// evaluated into {"id", "result": true|false|"undefined"|"compile_error"|"input_error",
// "error"?, "offset"?, "length"?}. Offsets and lengths count Unicode code points.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/json.h"
#include "core/query/input.h"

namespace routesim::query {

enum class CaseOutcome : uint8_t { kTrue, kFalse, kUndefined, kCompileError, kInputError };

std::string_view caseOutcomeName(CaseOutcome outcome);  // "true", ..., "compile_error"
// Reads an "expect" value: true, false, or one of the outcome strings; nullopt otherwise.
std::optional<CaseOutcome> parseExpect(const json::Value& expect);

struct CaseResult {
  CaseOutcome outcome = CaseOutcome::kUndefined;
  std::string error;               // compile or input error text
  std::optional<uint32_t> offset;  // compile errors: code points into the query
  std::optional<uint32_t> length;
  uint32_t error_byte_offset = 0;  // the same position in bytes, for caret diagnostics
  uint32_t error_byte_length = 0;
};

// Evaluates one case object. Never fails: bad input becomes kInputError with its JSON path.
CaseResult runCase(const json::Value& case_object, EvalScratch& scratch);

// Evaluates `query` on a message (DESIGN.md message JSON), an optional twin and a source name.
// Input errors name JSON paths under `message_path` / `twin_path` ("$.message" in a case line,
// "$" for a message file of its own).
CaseResult runQuery(std::string_view query, const json::Value* message, const json::Value* twin,
                    const json::Value* source, EvalScratch& scratch,
                    std::string_view message_path = "$.message",
                    std::string_view twin_path = "$.twin");

// The output object: {"id": <id_json>, "line"?: n, "result": ..., "error"?, "offset"?, "length"?}.
// `id_json` is compact JSON (e.g. "\"c1\"" or "null"); `line` is printed when non-zero.
std::string formatCaseResult(std::string_view id_json, const CaseResult& result, size_t line = 0,
                             bool with_id = true);

}  // namespace routesim::query
