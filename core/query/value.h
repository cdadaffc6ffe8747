// Values of the routing condition language. Every expression has a static type fixed at compile
// time (number, string, bool, null, undefined, or dynamic for $body/$twin values); at run time
// a Value carries the kind it actually has. Values never own memory: strings point into the
// message, the compiled program's constants, or the evaluation's scratch arena.
#pragma once

#include <cstdint>
#include <string_view>

namespace routesim::query {

enum class StaticType : uint8_t { kNumber, kString, kBool, kNull, kUndefined, kDynamic };

// The type name used in diagnostics ("number", "string", "bool", "null", "undefined", "dynamic").
std::string_view staticTypeName(StaticType type);

// Run-time kind. Declared in IoT Hub's cross-kind order for dynamic comparisons:
// undefined < bool < number < string < null < object (arrays rank with objects).
enum class Kind : uint8_t { kUndefined, kBool, kNumber, kString, kNull, kObject, kArray };

struct Value {
  Kind kind = Kind::kUndefined;
  bool boolean = false;
  double number = 0;
  std::string_view string;

  // Member-wise copies: values are usually built field by field right before they are copied,
  // and a whole-struct (32-byte vector) copy of such a value stalls store-to-load forwarding.
  constexpr Value() = default;
  constexpr Value(Kind k, bool b, double d, std::string_view s)
      : kind(k), boolean(b), number(d), string(s) {}
  constexpr Value(const Value& o)
      : kind(o.kind), boolean(o.boolean), number(o.number), string(o.string) {}
  constexpr Value& operator=(const Value& o) {
    kind = o.kind;
    boolean = o.boolean;
    number = o.number;
    string = o.string;
    return *this;
  }

  static Value undefined() { return {}; }
  static Value null() { return {Kind::kNull, false, 0, {}}; }
  static Value ofBool(bool b) { return {Kind::kBool, b, 0, {}}; }
  // NaN is the undefined number: it is stored as kUndefined.
  static Value ofNumber(double d) { return d != d ? Value{} : Value{Kind::kNumber, false, d, {}}; }
  static Value ofString(std::string_view s) { return {Kind::kString, false, 0, s}; }

  bool isBool(bool b) const { return kind == Kind::kBool && boolean == b; }
  // Objects and arrays are undefined to every operator except IS_ARRAY / IS_OBJECT /
  // IS_PRIMITIVE.
  bool isUndefinedOrComposite() const {
    return kind == Kind::kUndefined || kind == Kind::kObject || kind == Kind::kArray;
  }
};

// The outcome of a route condition before it is reduced to "route or not".
enum class TriState : uint8_t { kFalse, kTrue, kUndefined };

std::string_view triStateName(TriState t);  // "false", "true", "undefined"

}  // namespace routesim::query
