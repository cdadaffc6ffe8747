// Expected failures as values: Error (code, message, source span) and Result<T> / Status.
// Nothing on the message path throws; parse, bind and config errors travel as these values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace routesim {

// What kind of failure an Error describes. Stable: tests and callers switch on it.
enum class ErrorCode : uint8_t {
  kSyntax,           // query text does not parse
  kType,             // operands or arguments of the wrong static type
  kUnknownFunction,  // call of a name that is not a built-in function (for this source)
  kInvalidPath,      // a $body / $twin / twin_change_includes path that breaks the path grammar
  kInvalidInput,     // a message, case line or config value that is not what was expected
  kIo,               // a file that could not be read or written
  kLimit,            // a size or count limit was exceeded
  kInternal,         // a broken invariant surfaced as a value (a bug, reported, not crashed on)
};

std::string_view errorCodeName(ErrorCode code);

// A byte range in some source text (query, file). Empty when the error has no position.
struct SourceSpan {
  uint32_t offset = 0;
  uint32_t length = 0;
  friend bool operator==(const SourceSpan&, const SourceSpan&) = default;
};

class Error {
 public:
  Error(ErrorCode code, std::string message, SourceSpan span = {}, bool has_span = false)
      : code_(code), message_(std::move(message)), span_(span), has_span_(has_span) {}

  static Error at(ErrorCode code, SourceSpan span, std::string message) {
    return Error(code, std::move(message), span, /*has_span=*/true);
  }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  SourceSpan span() const { return span_; }
  bool hasSpan() const { return has_span_; }

  // The same error with `context` prefixed to the message ("file.json:3:7: " + message).
  Error withContext(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
  SourceSpan span_;
  bool has_span_;
};

// Either a value or an Error. Check ok() before value(); value() on an error is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error, for operations without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

}  // namespace routesim

#define ROUTESIM_CONCAT_INNER_(a, b) a##b
#define ROUTESIM_CONCAT_(a, b) ROUTESIM_CONCAT_INNER_(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define ROUTESIM_RETURN_IF_ERROR(expr)            \
  do {                                            \
    auto&& routesim_status_ = (expr);             \
    if (!routesim_status_.ok()) {                 \
      return std::move(routesim_status_).error(); \
    }                                             \
  } while (false)

// `ROUTESIM_ASSIGN_OR_RETURN(auto x, makeX());` declares x from a Result or returns its error.
#define ROUTESIM_ASSIGN_OR_RETURN(decl, expr) \
  ROUTESIM_ASSIGN_OR_RETURN_IMPL_(ROUTESIM_CONCAT_(routesim_result_, __LINE__), decl, expr)
#define ROUTESIM_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) {                                       \
    return std::move(tmp).error();                       \
  }                                                      \
  decl = std::move(tmp).value()
