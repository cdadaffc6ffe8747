// A topic subscription's rule: a filter (SQL or correlation) and an optional SQL action. Rules
// are immutable once built; matching is const and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/common/error.h"
#include "endpoints/servicebus/brokered_message.h"
#include "endpoints/servicebus/sql_filter.h"

namespace routesim::endpoints::servicebus {

// Equality on the given fields, all of which must match (learn.microsoft.com "Topic filters":
// "for string expressions, the comparison is case-sensitive"; several fields are a logical AND).
// An empty field is not given. Property names are looked up ignoring case, as in SQL filters;
// values match when they are equal and of comparable types (numbers compare as numbers).
struct CorrelationFilter {
  std::string correlation_id;
  std::string message_id;
  std::string to;
  std::string reply_to;
  std::string label;  // the message's Subject
  std::string session_id;
  std::string reply_to_session_id;
  std::string content_type;
  std::vector<std::pair<std::string, PropertyValue>> properties;

  bool empty() const;
  bool matches(const BrokeredMessage& m) const;
};

struct Rule {
  std::string name;
  std::variant<SqlFilter, CorrelationFilter> filter;
  std::optional<SqlRuleAction> action;  // absent or empty: the message is not changed

  // The filter's verdict; a SQL filter can fail to evaluate (FilterException).
  Result<Truth> evaluate(const BrokeredMessage& m) const;
  bool hasAction() const { return action.has_value() && !action->empty(); }
};

// The rule every subscription gets when it is created without one: "$Default", TrueFilter.
Rule defaultRule();

inline constexpr std::string_view kDefaultRuleName = "$Default";

}  // namespace routesim::endpoints::servicebus
