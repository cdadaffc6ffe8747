#include "endpoints/servicebus/sql_filter.h"

#include "endpoints/servicebus/sql_parser.h"

namespace routesim::endpoints::servicebus {
namespace {

PropertyValue toProperty(const sql::Value& v) {
  switch (v.type) {
    case sql::Value::Type::kBool:
      return v.b;
    case sql::Value::Type::kLong:
      return v.l;
    case sql::Value::Type::kDouble:
      return v.d;
    case sql::Value::Type::kString:
      return std::string(v.s);
    default:
      return PropertyValue();
  }
}

std::string* stringField(BrokeredMessage& m, sql::SysProperty p) {
  switch (p) {
    case sql::SysProperty::kMessageId:
      return &m.message_id;
    case sql::SysProperty::kCorrelationId:
      return &m.correlation_id;
    case sql::SysProperty::kContentType:
      return &m.content_type;
    case sql::SysProperty::kLabel:
      return &m.subject;
    case sql::SysProperty::kTo:
      return &m.to;
    case sql::SysProperty::kReplyTo:
      return &m.reply_to;
    case sql::SysProperty::kReplyToSessionId:
      return &m.reply_to_session_id;
    case sql::SysProperty::kSessionId:
      return &m.session_id;
    case sql::SysProperty::kPartitionKey:
      return &m.partition_key;
    default:
      return nullptr;  // the parser refuses the others as targets
  }
}

}  // namespace

Result<SqlFilter> SqlFilter::compile(std::string_view text) {
  ROUTESIM_ASSIGN_OR_RETURN(sql::Ast ast, sql::parseFilter(text));
  SqlFilter f;
  f.text_ = std::string(text);
  f.ast_ = std::make_shared<const sql::Ast>(std::move(ast));
  return f;
}

SqlFilter SqlFilter::alwaysTrue() {
  auto f = compile("1=1");
  return std::move(f).value();
}

Result<Truth> SqlFilter::evaluate(const BrokeredMessage& m) const {
  if (ast_ == nullptr) return Truth::kFalse;  // a default-constructed filter matches nothing
  sql::Evaluator e(*ast_, m);
  Truth t = e.condition(ast_->root);
  if (e.failed()) return e.error();
  return t;
}

Result<SqlRuleAction> SqlRuleAction::compile(std::string_view text) {
  ROUTESIM_ASSIGN_OR_RETURN(sql::Ast ast, sql::parseAction(text));
  SqlRuleAction a;
  a.text_ = std::string(text);
  a.ast_ = std::make_shared<const sql::Ast>(std::move(ast));
  return a;
}

Status SqlRuleAction::apply(BrokeredMessage& m) const {
  if (ast_ == nullptr) return {};
  for (const sql::Statement& st : ast_->statements) {
    const sql::Node& target = ast_->node(st.target);
    if (st.remove) {
      if (target.scope == sql::Scope::kSys) {
        if (std::string* field = stringField(m, target.sys)) field->clear();
      } else {
        m.application_properties.erase(target.name);
      }
      continue;
    }
    PropertyValue value;
    {
      sql::Evaluator e(*ast_, m);
      sql::Value v = e.value(st.value);
      if (e.failed()) return e.error();
      value = toProperty(v);
    }
    if (target.scope == sql::Scope::kSys) {
      std::string* field = stringField(m, target.sys);
      if (field == nullptr) continue;
      if (value.index() == 0) {
        field->clear();
      } else if (value.index() == 1) {
        *field = std::move(std::get<std::string>(value));
      } else {
        return Error::at(ErrorCode::kInvalidInput, st.span,
                         "sys." + std::string(sql::sysPropertyName(target.sys)) +
                             " is a string; the value is not (no implicit conversion)");
      }
      continue;
    }
    const PropertyValue* existing = m.application_properties.find(target.name);
    if (existing != nullptr && existing->index() == 3 && value.index() == 2) {
      value = static_cast<double>(std::get<int64_t>(value));  // long -> double, implicit in C#
    }
    m.application_properties.set(target.name, std::move(value));
  }
  return {};
}

}  // namespace routesim::endpoints::servicebus
