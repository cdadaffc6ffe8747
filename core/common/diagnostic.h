// Human-readable diagnostics: line/column of a byte offset, and an error printed with the
// offending source line and a caret line under the span, as compilers print them:
//   query:1:5: error: Syntax error: invalid symbol '@'
//     3 = @ 3
//         ^
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/error.h"

namespace routesim {

struct LineColumn {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in code points
};

// Line and column of `byte_offset` in `text` (lines end at \n; \r\n counts as one end).
LineColumn locate(std::string_view text, size_t byte_offset);

// The source line holding `span` and a caret line under it (tabs kept so carets align).
std::string caretLines(std::string_view text, SourceSpan span);

// "<origin>:<line>:<col>: error: <message>\n<caret lines>" for an error with a span in `text`;
// "<origin>: error: <message>" when the error has none.
std::string formatDiagnostic(std::string_view origin, std::string_view text, const Error& error);

}  // namespace routesim
