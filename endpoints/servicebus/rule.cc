#include "endpoints/servicebus/rule.h"

namespace routesim::endpoints::servicebus {
namespace {

bool valueEquals(const PropertyValue& a, const PropertyValue& b) {
  auto number = [](const PropertyValue& v, double& out) {
    if (v.index() == 2) {
      out = static_cast<double>(std::get<int64_t>(v));
      return true;
    }
    if (v.index() == 3) {
      out = std::get<double>(v);
      return true;
    }
    return false;
  };
  if (a.index() == 2 && b.index() == 2) return std::get<int64_t>(a) == std::get<int64_t>(b);
  double x = 0;
  double y = 0;
  if (number(a, x) && number(b, y)) return x == y;
  if (a.index() != b.index()) return false;
  if (a.index() == 1) return std::get<std::string>(a) == std::get<std::string>(b);
  if (a.index() == 4) return std::get<bool>(a) == std::get<bool>(b);
  return false;  // null matches nothing
}

bool fieldMatches(const std::string& wanted, const std::string& actual) {
  return wanted.empty() || wanted == actual;
}

}  // namespace

bool CorrelationFilter::empty() const {
  return correlation_id.empty() && message_id.empty() && to.empty() && reply_to.empty() &&
         label.empty() && session_id.empty() && reply_to_session_id.empty() &&
         content_type.empty() && properties.empty();
}

bool CorrelationFilter::matches(const BrokeredMessage& m) const {
  if (!fieldMatches(correlation_id, m.correlation_id) || !fieldMatches(message_id, m.message_id) ||
      !fieldMatches(to, m.to) || !fieldMatches(reply_to, m.reply_to) ||
      !fieldMatches(label, m.subject) || !fieldMatches(session_id, m.session_id) ||
      !fieldMatches(reply_to_session_id, m.reply_to_session_id) ||
      !fieldMatches(content_type, m.content_type)) {
    return false;
  }
  for (const auto& [name, value] : properties) {
    const PropertyValue* actual = m.application_properties.find(name);
    if (actual == nullptr || !valueEquals(value, *actual)) return false;
  }
  return true;
}

Result<Truth> Rule::evaluate(const BrokeredMessage& m) const {
  if (const auto* c = std::get_if<CorrelationFilter>(&filter)) {
    return c->matches(m) ? Truth::kTrue : Truth::kFalse;
  }
  return std::get<SqlFilter>(filter).evaluate(m);
}

Rule defaultRule() {
  Rule r;
  r.name = std::string(kDefaultRuleName);
  r.filter = SqlFilter::alwaysTrue();
  return r;
}

}  // namespace routesim::endpoints::servicebus
