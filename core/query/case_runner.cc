#include "core/query/case_runner.h"

#include <array>

#include "core/common/utf.h"
#include "core/message/message_json.h"
#include "core/query/compiler.h"

namespace routesim::query {
namespace {

constexpr std::array<std::string_view, 5> kOutcomeNames = {"true", "false", "undefined",
                                                           "compile_error", "input_error"};

CaseResult inputError(std::string message) {
  CaseResult r;
  r.outcome = CaseOutcome::kInputError;
  r.error = std::move(message);
  return r;
}

}  // namespace

std::string_view caseOutcomeName(CaseOutcome outcome) {
  return kOutcomeNames[static_cast<size_t>(outcome)];
}

std::optional<CaseOutcome> parseExpect(const json::Value& expect) {
  if (expect.is(json::Type::kBool))
    return expect.boolean() ? CaseOutcome::kTrue : CaseOutcome::kFalse;
  if (!expect.is(json::Type::kString)) return std::nullopt;
  for (size_t i = 0; i < kOutcomeNames.size(); ++i) {
    if (expect.text() == kOutcomeNames[i]) return static_cast<CaseOutcome>(i);
  }
  return std::nullopt;
}

CaseResult runQuery(std::string_view query, const json::Value* message_json,
                    const json::Value* twin_json, const json::Value* source_json,
                    EvalScratch& scratch, std::string_view message_path,
                    std::string_view twin_path) {
  message::Message message;
  if (message_json != nullptr) {
    auto m = message::messageFromJson(*message_json, message_path);
    if (!m.ok()) return inputError(m.error().message());
    message = std::move(*m);
  }
  if (twin_json != nullptr) {
    auto t = message::twinFromJson(*twin_json, twin_path);
    if (!t.ok()) return inputError(t.error().message());
    message.twin = std::move(*t);
  }
  CompileOptions options;
  if (source_json != nullptr) {
    std::optional<message::MessageSource> source;
    if (source_json->is(json::Type::kString)) source = message::parseSource(source_json->text());
    if (!source) {
      return inputError(
          "$.source: expected one of DeviceMessages, TwinChangeEvents, DeviceLifecycleEvents, "
          "DeviceConnectionStateEvents, DeviceJobLifecycleEvents, DigitalTwinChangeEvents, found " +
          (source_json->is(json::Type::kString)
               ? "'" + source_json->text() + "'"
               : std::string(json::typeName(source_json->type()))));
    }
    options.source = *source;
  }
  message.source = options.source;

  auto condition = Condition::compile(query, options);
  if (!condition.ok()) {
    const Error& e = condition.error();
    CaseResult r;
    r.outcome = CaseOutcome::kCompileError;
    r.error = e.message();
    SourceSpan span = e.span();
    uint32_t begin = std::min<uint32_t>(span.offset, static_cast<uint32_t>(query.size()));
    uint32_t end =
        std::min<uint32_t>(span.offset + span.length, static_cast<uint32_t>(query.size()));
    r.offset = static_cast<uint32_t>(utf::codePointCount(query.substr(0, begin)));
    // A span past the end (an error at end of input) keeps its length of 1.
    r.length = end > begin
                   ? static_cast<uint32_t>(utf::codePointCount(query.substr(begin, end - begin)))
                   : span.length;
    r.error_byte_offset = span.offset;
    r.error_byte_length = span.length;
    return r;
  }
  CaseResult r;
  switch (condition->evaluate(message, scratch)) {
    case TriState::kTrue:
      r.outcome = CaseOutcome::kTrue;
      break;
    case TriState::kFalse:
      r.outcome = CaseOutcome::kFalse;
      break;
    case TriState::kUndefined:
      r.outcome = CaseOutcome::kUndefined;
      break;
  }
  return r;
}

CaseResult runCase(const json::Value& c, EvalScratch& scratch) {
  if (!c.is(json::Type::kObject)) {
    return inputError("$: expected a case object, found " + std::string(json::typeName(c.type())));
  }
  const json::Value* query = c.find("query");
  if (query == nullptr) return inputError("$.query: missing; every case needs a query string");
  if (!query->is(json::Type::kString)) {
    return inputError("$.query: expected a string, found " +
                      std::string(json::typeName(query->type())));
  }
  return runQuery(query->text(), c.find("message"), c.find("twin"), c.find("source"), scratch);
}

std::string formatCaseResult(std::string_view id_json, const CaseResult& r, size_t line,
                             bool with_id) {
  std::string out = "{";
  if (with_id) {
    out += "\"id\":";
    out += id_json;
    out += ",";
  }
  if (line != 0) out += "\"line\":" + std::to_string(line) + ",";
  out += "\"result\":";
  switch (r.outcome) {
    case CaseOutcome::kTrue:
      out += "true";
      break;
    case CaseOutcome::kFalse:
      out += "false";
      break;
    default:
      json::appendQuoted(out, caseOutcomeName(r.outcome));
  }
  if (!r.error.empty()) {
    out += ",\"error\":";
    json::appendQuoted(out, r.error);
  }
  if (r.offset) out += ",\"offset\":" + std::to_string(*r.offset);
  if (r.length) out += ",\"length\":" + std::to_string(*r.length);
  out += "}";
  return out;
}

}  // namespace routesim::query
