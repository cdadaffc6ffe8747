// `routesim eval`: run query cases from a JSONL file (optionally checking their "expect"), or
// one query on one message file. Streams are parameters so tests run it in-process.
#pragma once

#include <iosfwd>
#include <string>

namespace routesim::cli {

struct EvalOptions {
  std::string cases;  // path, or "-" for stdin; empty when --query is used
  bool check = false;
  std::string query;
  bool has_query = false;
  std::string message_file;
  std::string twin_file;
  std::string source;
};

// Exit code per DESIGN.md: 0 every line read; 1 a --check mismatch (or, with --query, a compile
// error); 2 bad input (an unreadable file, a line that is not a valid case); 2 wins over 1.
int runEval(const EvalOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace routesim::cli
