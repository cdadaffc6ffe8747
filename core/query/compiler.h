// Compiling a routing condition: lexer -> parser -> binder -> flat Program. `Condition` bundles
// a program with its own input catalog for standalone use (routesim eval); route tables compile
// every route against one shared InputCatalog instead.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/message/message.h"
#include "core/query/binder.h"
#include "core/query/input.h"
#include "core/query/program.h"

namespace routesim::query {

// Parses and binds `text`; the first compile error, with its span in `text` (bytes).
Result<BoundCondition> bindCondition(std::string_view text, const CompileOptions& options,
                                     InputCatalog& catalog);

// Compiles `text` against a shared catalog.
Result<Program> compileCondition(std::string_view text, const CompileOptions& options,
                                 InputCatalog& catalog);

class Condition {
 public:
  static Result<Condition> compile(std::string_view text, const CompileOptions& options = {});

  // Evaluates on one message. Thread-safe given one scratch per thread.
  TriState evaluate(const message::Message& message, EvalScratch& scratch) const {
    MessageContext context(message, *catalog_, scratch);
    return program_.evaluate(context);
  }

  const Program& program() const { return program_; }
  const InputCatalog& catalog() const { return *catalog_; }
  const std::string& text() const { return text_; }

 private:
  Condition(std::string text, std::shared_ptr<InputCatalog> catalog, Program program)
      : text_(std::move(text)), catalog_(std::move(catalog)), program_(std::move(program)) {}

  std::string text_;
  std::shared_ptr<InputCatalog> catalog_;
  Program program_;
};

}  // namespace routesim::query
