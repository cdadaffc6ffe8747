#include "core/common/error.h"

namespace routesim {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kSyntax:
      return "syntax";
    case ErrorCode::kType:
      return "type";
    case ErrorCode::kUnknownFunction:
      return "unknown_function";
    case ErrorCode::kInvalidPath:
      return "invalid_path";
    case ErrorCode::kInvalidInput:
      return "invalid_input";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kLimit:
      return "limit";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Error Error::withContext(std::string_view context) const {
  std::string message;
  message.reserve(context.size() + message_.size());
  message.append(context);
  message.append(message_);
  return Error(code_, std::move(message), span_, has_span_);
}

}  // namespace routesim
