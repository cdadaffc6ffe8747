// Fuzzes compile + evaluate on arbitrary query text and message bytes. Input layout:
//   byte 0: flags (bits 0-1 contentEncoding utf-8 / utf-16 / utf-32 / none; bit 2: the body
//           bytes are also the twin; bit 3: TwinChangeEvents source)
//   then the query text up to the first NUL byte, then the body bytes.
// Any crash, sanitizer report or disagreement between Program and TreeEvaluator is a finding.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/message/message.h"
#include "core/query/compiler.h"
#include "core/query/tree_evaluator.h"

using namespace routesim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nul = rest.find('\0');
  std::string_view query = rest.substr(0, nul);
  std::string_view body = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);

  message::Message m;
  m.app_properties.set("a", "1");
  m.app_properties.set("b", std::nullopt);
  m.app_properties.set("$x", "y");
  m.app_properties.set("$body.a", "app");
  m.system_properties.set("contentType", "application/json");
  static constexpr const char* kEncodings[] = {"utf-8", "UTF-16", "utf-32", nullptr};
  if (const char* enc = kEncodings[flags & 3]) m.system_properties.set("contentEncoding", enc);
  m.system_properties.set("connectionDeviceId", "d1");
  m.body.assign(body);
  if (flags & 4) m.twin = message::PaddedBytes(body);

  query::CompileOptions options;
  if (flags & 8) options.source = message::MessageSource::kTwinChangeEvents;
  m.source = options.source;

  query::InputCatalog catalog;
  auto bound = query::bindCondition(query, options, catalog);
  if (!bound.ok()) {
    // Errors must point inside the query (or just past its end).
    if (bound.error().span().offset > query.size()) std::abort();
    return 0;
  }
  query::Program program = query::Program::fromBound(*bound);
  static query::EvalScratch scratch;
  query::MessageContext context(m, catalog, scratch);
  query::TriState compiled = program.evaluate(context);
  query::TreeEvaluator tree(*bound, catalog);
  if (tree.evaluate(m) != compiled) std::abort();
  return 0;
}
