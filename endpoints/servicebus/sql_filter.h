// Compiled Service Bus SQL filters and SQL rule actions. Built once from text (errors carry the
// offending span; print them with formatDiagnostic from core/common/diagnostic.h); evaluate()
// and apply() are const and thread-safe, and allocate only for strings they compute.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "endpoints/servicebus/brokered_message.h"
#include "endpoints/servicebus/sql_ast.h"
#include "endpoints/servicebus/sql_evaluator.h"

namespace routesim::endpoints::servicebus {

using sql::Truth;

class SqlFilter {
 public:
  // Compiles `text` (learn.microsoft.com "Subscription Rule SQL Filter Syntax"); see
  // sql::parseFilter for the error codes.
  static Result<SqlFilter> compile(std::string_view text);
  // The filter that matches everything (TrueFilter, "1=1").
  static SqlFilter alwaysTrue();

  const std::string& text() const { return text_; }

  // kTrue, kFalse or kUnknown (the message matches only on kTrue). An evaluation error (Service
  // Bus' FilterException) is ErrorCode::kInvalidInput with the span of the failing operator.
  Result<Truth> evaluate(const BrokeredMessage& m) const;
  bool matches(const BrokeredMessage& m) const {
    auto r = evaluate(m);
    return r.ok() && *r == Truth::kTrue;
  }

 private:
  std::string text_;
  std::shared_ptr<const sql::Ast> ast_;
};

class SqlRuleAction {
 public:
  // Compiles `text` (learn.microsoft.com "Subscription Rule SQL Action Syntax"): SET and REMOVE
  // statements, at most 32. Empty text is an action that changes nothing.
  static Result<SqlRuleAction> compile(std::string_view text);

  const std::string& text() const { return text_; }
  bool empty() const { return ast_ == nullptr || ast_->statements.empty(); }

  // Runs the statements in order on `m`. SET of an expression that is unknown stores null;
  // SET of a user property that holds a double converts a long to double (C#'s implicit
  // conversion); a system property takes only a string (or null). Errors as SqlFilter's.
  Status apply(BrokeredMessage& m) const;

 private:
  std::string text_;
  std::shared_ptr<const sql::Ast> ast_;
};

}  // namespace routesim::endpoints::servicebus
