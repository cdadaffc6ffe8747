// Fuzzes the Service Bus SQL filter and rule action language: compile arbitrary text, evaluate
// or apply it to a message with typed properties, and write the result out. Input layout:
//   byte 0: flags (bit 0: the text is a rule action, not a filter)
//   then the text up to the first NUL byte, then the value of the string property "s".
// Any crash or sanitizer report is a finding, as is an error whose span points outside the text
// or a changed message whose JSON form does not read back.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "endpoints/servicebus/sql_filter.h"

using namespace routesim;
using namespace routesim::endpoints::servicebus;

namespace {

void checkSpan(const Error& e, std::string_view text) {
  if (e.hasSpan() && e.span().offset > text.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool action = (data[0] & 1) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nul = rest.find('\0');
  std::string_view text = rest.substr(0, nul);
  std::string_view value =
      nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);

  BrokeredMessage m;
  m.message_id = "m1";
  m.subject = "alert";
  m.sequence_number = 7;
  m.application_properties.set("s", std::string(value));
  m.application_properties.set("n", int64_t{-3});
  m.application_properties.set("big", int64_t{INT64_MIN});
  m.application_properties.set("d", 2.5);
  m.application_properties.set("b", true);
  m.application_properties.set("z", PropertyValue());

  if (!action) {
    auto filter = SqlFilter::compile(text);
    if (!filter.ok()) {
      checkSpan(filter.error(), text);
      return 0;
    }
    auto verdict = filter->evaluate(m);
    if (!verdict.ok()) checkSpan(verdict.error(), text);
    return 0;
  }
  auto compiled = SqlRuleAction::compile(text);
  if (!compiled.ok()) {
    checkSpan(compiled.error(), text);
    return 0;
  }
  Status applied = compiled->apply(m);
  if (!applied.ok()) {
    checkSpan(applied.error(), text);
    return 0;
  }
  if (!messageFromJson(messageToJson(m)).ok()) std::abort();
  return 0;
}
