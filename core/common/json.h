// A small immutable JSON document for configuration and input files (scenario, routes, eval
// cases, messages), read with simdjson On-Demand. Unlike simdjson's own values it keeps object
// members in input order and the byte offset of every value, so errors name file:line:column
// and JSON paths ("$.routes[3].condition"). Message bodies on the hot path never go through it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace routesim::json {

enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

std::string_view typeName(Type type);  // "null", "boolean", "number", "string", "array", "object"

class Value;

struct Member {
  std::string key;
  uint32_t key_offset = 0;
  std::unique_ptr<Value> value;
};

class Value {
 public:
  Value() = default;
  Value(Value&&) = default;
  Value& operator=(Value&&) = default;

  Type type() const { return type_; }
  bool is(Type t) const { return type_ == t; }
  uint32_t offset() const { return offset_; }  // byte offset of the value's first character

  bool boolean() const { return boolean_; }
  double number() const { return number_; }
  // The number exactly as written (e.g. "1.50e2"), or the string's unescaped text.
  const std::string& text() const { return text_; }
  const std::vector<Value>& items() const { return items_; }
  // A string's text as written between its quotes, when it holds escapes; empty otherwise (the
  // raw text is then text()).
  const std::string& rawString() const { return raw_; }
  const std::vector<Member>& members() const { return members_; }

  // The first member named `key` (exact match), or nullptr. Only for objects.
  const Value* find(std::string_view key) const;

  // Writes the value as compact JSON: no insignificant whitespace, members in input order,
  // numbers exactly as written, strings re-escaped minimally.
  void writeCompact(std::string& out) const;
  std::string compact() const {
    std::string s;
    writeCompact(s);
    return s;
  }

 private:
  friend class Builder;
  Type type_ = Type::kNull;
  bool boolean_ = false;
  double number_ = 0;
  uint32_t offset_ = 0;
  std::string text_;
  std::string raw_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

// Objects and arrays nested deeper than this are refused (as simdjson's DOM refuses them).
inline constexpr int kMaxNesting = 1024;

// Parses one complete JSON text. A syntax error carries the byte offset where it was found
// (ErrorCode::kInvalidInput); trailing non-whitespace after the value is an error.
Result<Value> parse(std::string_view text);

// `text` with // line and /* block */ comments outside strings replaced by spaces (newlines
// kept), so offsets, lines and columns still point into the original text. For files that
// allow comments, such as the Event Hubs and Service Bus emulators' Config.json. An unclosed
// block comment is an error at its offset.
Result<std::string> stripComments(std::string_view text);

// Appends `s` as a JSON string literal (with quotes) to `out`.
void appendQuoted(std::string& out, std::string_view s);

// Appends a number in the shortest form that reads back to the same double; integral values
// print without a fraction; NaN and infinities (not JSON) print as null.
void appendNumber(std::string& out, double d);

// A JSON path ("$.a.b[2]") builder for error messages.
std::string pathJoin(std::string_view parent, std::string_view key);
std::string pathIndex(std::string_view parent, size_t index);

}  // namespace routesim::json
