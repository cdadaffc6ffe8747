#include "core/common/json.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/common/utf.h"

namespace routesim::json {

std::string_view typeName(Type type) {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "boolean";
    case Type::kNumber:
      return "number";
    case Type::kString:
      return "string";
    case Type::kArray:
      return "array";
    case Type::kObject:
      return "object";
  }
  return "unknown";
}

const Value* Value::find(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.key == key) return m.value.get();
  }
  return nullptr;
}

void Value::writeCompact(std::string& out) const {
  switch (type_) {
    case Type::kNull:
      out += "null";
      break;
    case Type::kBool:
      out += boolean_ ? "true" : "false";
      break;
    case Type::kNumber:
      out += text_;
      break;
    case Type::kString:
      appendQuoted(out, text_);
      break;
    case Type::kArray: {
      out.push_back('[');
      bool first = true;
      for (const Value& v : items_) {
        if (!first) out.push_back(',');
        first = false;
        v.writeCompact(out);
      }
      out.push_back(']');
      break;
    }
    case Type::kObject: {
      out.push_back('{');
      bool first = true;
      for (const Member& m : members_) {
        if (!first) out.push_back(',');
        first = false;
        appendQuoted(out, m.key);
        out.push_back(':');
        m.value->writeCompact(out);
      }
      out.push_back('}');
      break;
    }
  }
}

// Walks an On-Demand document into a Value tree, remembering each value's offset.
class Builder {
 public:
  explicit Builder(const char* base) : base_(base) {}

  Status document(simdjson::ondemand::document& doc, Value& out) {
    simdjson::ondemand::json_type t;
    if (auto e = doc.type().get(t)) return fail(e, doc);
    std::string_view token;
    if (auto e = doc.raw_json_token().get(token)) return fail(e, doc);
    out.offset_ = offsetOf(token.data());
    switch (t) {
      case simdjson::ondemand::json_type::object:
      case simdjson::ondemand::json_type::array: {
        simdjson::ondemand::value v;
        if (auto e = doc.get_value().get(v)) return fail(e, doc);
        ROUTESIM_RETURN_IF_ERROR(value(v, out, 1));
        break;
      }
      case simdjson::ondemand::json_type::number: {
        // A root number's token runs to the end of the input: check what follows it here,
        // because get_double() does not advance past numbers it cannot represent (1e400).
        out.type_ = Type::kNumber;
        ROUTESIM_RETURN_IF_ERROR(numberText(token, out));
        double d;
        if (doc.get_double().get(d) != simdjson::SUCCESS)
          d = std::strtod(out.text_.c_str(), nullptr);
        out.number_ = d;
        size_t end = out.text_.size();
        while (end < token.size() && (token[end] == ' ' || token[end] == '\t' ||
                                      token[end] == '\n' || token[end] == '\r')) {
          ++end;
        }
        if (end < token.size()) {
          return Error::at(ErrorCode::kInvalidInput, {out.offset_ + static_cast<uint32_t>(end), 1},
                           "unexpected content after the JSON value");
        }
        return {};
      }
      case simdjson::ondemand::json_type::string: {
        out.type_ = Type::kString;
        std::string_view s;
        if (auto e = doc.get_string().get(s)) return fail(e, doc);
        out.text_.assign(s);
        break;
      }
      case simdjson::ondemand::json_type::boolean: {
        out.type_ = Type::kBool;
        if (auto e = doc.get_bool().get(out.boolean_)) return fail(e, doc);
        break;
      }
      case simdjson::ondemand::json_type::null: {
        bool is_null = false;
        if (auto e = doc.is_null().get(is_null)) return fail(e, doc);
        if (!is_null)
          return Error::at(ErrorCode::kInvalidInput, {out.offset_, 1}, "invalid JSON literal");
        out.type_ = Type::kNull;
        break;
      }
    }
    // At the end of the input current_location() fails; a location means more text follows.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS && rest != nullptr) {
      return Error::at(ErrorCode::kInvalidInput, {offsetOf(rest), 1},
                       "unexpected content after the JSON value");
    }
    return {};
  }

 private:
  Status value(simdjson::ondemand::value& v, Value& out, int depth) {
    std::string_view token = v.raw_json_token();
    out.offset_ = offsetOf(token.data());
    if (depth > kMaxNesting) {
      return Error::at(ErrorCode::kInvalidInput, {out.offset_, 1},
                       "JSON nested deeper than " + std::to_string(kMaxNesting) + " levels");
    }
    simdjson::ondemand::json_type t;
    if (auto e = v.type().get(t)) return fail(e, v);
    switch (t) {
      case simdjson::ondemand::json_type::object: {
        out.type_ = Type::kObject;
        simdjson::ondemand::object obj;
        if (auto e = v.get_object().get(obj)) return fail(e, v);
        for (auto field_result : obj) {
          // Fields and values are used in place: copying simdjson's small iterator structs out
          // of their results stalls store-to-load forwarding (see bench/RESULTS.md).
          if (auto e = field_result.error()) return fail(e, v);
          simdjson::ondemand::field& field = field_result.value_unsafe();
          Member& m = out.members_.emplace_back();
          m.key_offset = offsetOf(field.key().raw()) - 1;  // key() before it is consumed
          std::string_view key;
          if (auto e = field.unescaped_key().get(key)) return fail(e, v);
          m.key.assign(key);
          m.value = std::make_unique<Value>();
          ROUTESIM_RETURN_IF_ERROR(value(field.value(), *m.value, depth + 1));
        }
        break;
      }
      case simdjson::ondemand::json_type::array: {
        out.type_ = Type::kArray;
        simdjson::ondemand::array arr;
        if (auto e = v.get_array().get(arr)) return fail(e, v);
        for (auto item_result : arr) {
          if (auto e = item_result.error()) return fail(e, v);
          ROUTESIM_RETURN_IF_ERROR(
              value(item_result.value_unsafe(), out.items_.emplace_back(), depth + 1));
        }
        break;
      }
      case simdjson::ondemand::json_type::number: {
        out.type_ = Type::kNumber;
        ROUTESIM_RETURN_IF_ERROR(numberText(token, out));
        double d;
        if (v.get_double().get(d) != simdjson::SUCCESS) d = std::strtod(out.text_.c_str(), nullptr);
        out.number_ = d;
        break;
      }
      case simdjson::ondemand::json_type::string: {
        out.type_ = Type::kString;
        rawIfEscaped(token, out);
        std::string_view s;
        if (auto e = v.get_string().get(s)) return fail(e, v);
        out.text_.assign(s);
        break;
      }
      case simdjson::ondemand::json_type::boolean: {
        out.type_ = Type::kBool;
        if (auto e = v.get_bool().get(out.boolean_)) return fail(e, v);
        break;
      }
      case simdjson::ondemand::json_type::null: {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null)) return fail(e, v);
        if (!is_null)
          return Error::at(ErrorCode::kInvalidInput, {out.offset_, 1}, "invalid JSON literal");
        out.type_ = Type::kNull;
        break;
      }
    }
    return {};
  }

  // Keeps a string token's raw text (between the quotes) when it has escapes.
  static void rawIfEscaped(std::string_view token, Value& out) {
    if (token.size() < 2 || token.find('\\') == std::string_view::npos) return;
    size_t end = 1;
    while (end < token.size() && token[end] != '"') end += token[end] == '\\' ? 2 : 1;
    out.raw_.assign(token.substr(1, end - 1));
  }

  // Validates the JSON number grammar on the raw token and keeps its text.
  Status numberText(std::string_view token, Value& out) {
    size_t n = 0;
    while (n < token.size() && token[n] != ' ' && token[n] != '\t' && token[n] != '\n' &&
           token[n] != '\r' && token[n] != ',' && token[n] != ']' && token[n] != '}') {
      ++n;
    }
    std::string_view t = token.substr(0, n);
    size_t i = 0;
    auto digits = [&] {
      size_t start = i;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
      return i - start;
    };
    if (i < t.size() && t[i] == '-') ++i;
    size_t int_start = i;
    size_t int_digits = digits();
    bool ok = int_digits > 0 && !(int_digits > 1 && t[int_start] == '0');
    if (ok && i < t.size() && t[i] == '.') {
      ++i;
      ok = digits() > 0;
    }
    if (ok && i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
      ++i;
      if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
      ok = digits() > 0;
    }
    if (!ok || i != t.size()) {
      return Error::at(ErrorCode::kInvalidInput, {out.offset_, static_cast<uint32_t>(n ? n : 1)},
                       "invalid JSON number '" + std::string(t) + "'");
    }
    out.text_.assign(t);
    return {};
  }

  template <typename Cursor>
  Error fail(simdjson::error_code e, Cursor& at) {
    const char* loc = nullptr;
    uint32_t offset = 0;
    if (at.current_location().get(loc) == simdjson::SUCCESS && loc != nullptr)
      offset = offsetOf(loc);
    return Error::at(ErrorCode::kInvalidInput, {offset, 1},
                     std::string("invalid JSON: ") + simdjson::error_message(e));
  }

  uint32_t offsetOf(const char* p) const { return static_cast<uint32_t>(p - base_); }

  const char* base_;
};

// Where simdjson's first pass (which reports no position) found its error: the first bad
// UTF-8 byte, the first control character inside a string, or the opening quote of a string
// that never closes.
uint32_t locateFirstPassError(std::string_view text, simdjson::error_code error) {
  if (error == simdjson::UTF8_ERROR) {
    size_t bad = utf::firstInvalidUtf8(text);
    return bad == std::string_view::npos ? 0 : static_cast<uint32_t>(bad);
  }
  bool in_string = false;
  size_t open = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      } else if (static_cast<unsigned char>(c) < 0x20 && error == simdjson::UNESCAPED_CHARS) {
        return static_cast<uint32_t>(i);
      }
    } else if (c == '"') {
      in_string = true;
      open = i;
    }
  }
  return in_string ? static_cast<uint32_t>(open) : 0;
}

Result<Value> parse(std::string_view text) {
  // One parser and one padded buffer per thread, reused: allocating them per call dominated
  // reading files of many small documents (NDJSON).
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string buffer;
  buffer.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(text);
  simdjson::padded_string_view padded(buffer.data(), buffer.size(), buffer.capacity());
  simdjson::ondemand::document doc;
  auto error = parser.iterate(padded).get(doc);
  if (error) {
    return Error::at(ErrorCode::kInvalidInput, {locateFirstPassError(text, error), 1},
                     std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  Value root;
  Builder builder(buffer.data());
  Status status = builder.document(doc, root);
  if (!status.ok()) {
    Error e = std::move(status).error();
    // simdjson reports some errors at the end of the input; clamp to the text.
    SourceSpan span = e.span();
    if (span.offset > text.size()) span.offset = static_cast<uint32_t>(text.size());
    return Error::at(e.code(), span, e.message());
  }
  return root;
}

namespace {

// Whether any of the 8 bytes in `v` is below 0x20, '"' or '\\' (SWAR: each test sets the high
// bit of a byte that matches, and only where some byte matches; bytes >= 0x80 never do).
bool anyNeedsEscape(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto zeroByte = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  const uint64_t below_space = (v - kOnes * 0x20) & ~v & kHighs;
  return (below_space | zeroByte(v ^ (kOnes * '"')) | zeroByte(v ^ (kOnes * '\\'))) != 0;
}

}  // namespace

void appendQuoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied: runs without escapes go in one append
  for (size_t i = 0; i < s.size(); ++i) {
    // Eight bytes at a time while none needs an escape.
    while (i + 8 <= s.size()) {
      uint64_t v;
      std::memcpy(&v, s.data() + i, 8);
      if (anyNeedsEscape(v)) break;
      i += 8;
    }
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void appendNumber(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[64];
  if (d == std::trunc(d) && std::fabs(d) < 1e15) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
    out.append(buf, r.ptr);
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, r.ptr);
}

std::string pathJoin(std::string_view parent, std::string_view key) {
  std::string out(parent);
  bool plain = !key.empty();
  for (char c : key) {
    auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '_' || c == '-' || c == '$' || u >= 0x80)) plain = false;
  }
  if (plain) {
    out.push_back('.');
    out.append(key);
  } else {
    out += "[";
    appendQuoted(out, key);
    out += "]";
  }
  return out;
}

std::string pathIndex(std::string_view parent, size_t index) {
  std::string out(parent);
  out += '[' + std::to_string(index) + ']';
  return out;
}

}  // namespace routesim::json

namespace routesim::json {

Result<std::string> stripComments(std::string_view text) {
  std::string out(text);
  bool in_string = false;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      size_t start = i;
      size_t end = out.find("*/", i + 2);
      if (end == std::string::npos) {
        return Error::at(ErrorCode::kInvalidInput, {static_cast<uint32_t>(start), 2},
                         "unclosed /* comment");
      }
      for (; i < end + 2; ++i) {
        if (out[i] != '\n') out[i] = ' ';
      }
      --i;
    }
  }
  return out;
}

}  // namespace routesim::json
