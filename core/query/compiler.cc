#include "core/query/compiler.h"

#include "core/query/parser.h"

namespace routesim::query {

Result<BoundCondition> bindCondition(std::string_view text, const CompileOptions& options,
                                     InputCatalog& catalog) {
  ROUTESIM_ASSIGN_OR_RETURN(Ast ast, parse(text));
  return bind(text, ast, options, catalog);
}

Result<Program> compileCondition(std::string_view text, const CompileOptions& options,
                                 InputCatalog& catalog) {
  ROUTESIM_ASSIGN_OR_RETURN(BoundCondition bound, bindCondition(text, options, catalog));
  return Program::fromBound(bound);
}

Result<Condition> Condition::compile(std::string_view text, const CompileOptions& options) {
  auto catalog = std::make_shared<InputCatalog>();
  ROUTESIM_ASSIGN_OR_RETURN(Program program, compileCondition(text, options, *catalog));
  return Condition(std::string(text), std::move(catalog), std::move(program));
}

}  // namespace routesim::query
