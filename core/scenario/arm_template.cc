#include "core/scenario/arm_template.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "core/common/utf.h"

namespace routesim::scenario {
namespace {

struct ArmMember;

// A value of the template language.
struct ArmValue {
  enum class Kind : uint8_t { kNull, kBool, kInt, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  std::string s;  // kString: the text; kNumber: the number as written
  std::vector<ArmValue> items;
  std::vector<ArmMember> members;  // in the order written

  // Defined below ArmMember, which they need complete.
  static ArmValue string(std::string text);
  static ArmValue integer(int64_t n);
  static ArmValue boolean(bool x);
  const ArmValue* member(std::string_view key) const;
};

struct ArmMember {
  ArmMember(std::string k, ArmValue v) : key(std::move(k)), value(std::move(v)) {}
  std::string key;
  ArmValue value;
};

ArmValue ArmValue::string(std::string text) {
  ArmValue v;
  v.kind = Kind::kString;
  v.s = std::move(text);
  return v;
}

ArmValue ArmValue::integer(int64_t n) {
  ArmValue v;
  v.kind = Kind::kInt;
  v.i = n;
  return v;
}

ArmValue ArmValue::boolean(bool x) {
  ArmValue v;
  v.kind = Kind::kBool;
  v.b = x;
  return v;
}

const ArmValue* ArmValue::member(std::string_view key) const {
  for (const ArmMember& m : members) {
    if (utf::equalsIgnoreCase(m.key, key)) return &m.value;  // ARM property names ignore case
  }
  return nullptr;
}

std::string_view kindName(ArmValue::Kind k) {
  switch (k) {
    case ArmValue::Kind::kNull:
      return "null";
    case ArmValue::Kind::kBool:
      return "a bool";
    case ArmValue::Kind::kInt:
    case ArmValue::Kind::kNumber:
      return "a number";
    case ArmValue::Kind::kString:
      return "a string";
    case ArmValue::Kind::kArray:
      return "an array";
    case ArmValue::Kind::kObject:
      return "an object";
  }
  return "a value";
}

void writeJson(const ArmValue& v, std::string& out) {
  switch (v.kind) {
    case ArmValue::Kind::kNull:
      out += "null";
      return;
    case ArmValue::Kind::kBool:
      out += v.b ? "true" : "false";
      return;
    case ArmValue::Kind::kInt:
      out += std::to_string(v.i);
      return;
    case ArmValue::Kind::kNumber:
      out += v.s;
      return;
    case ArmValue::Kind::kString:
      json::appendQuoted(out, v.s);
      return;
    case ArmValue::Kind::kArray:
      out += '[';
      for (size_t k = 0; k < v.items.size(); ++k) {
        if (k) out += ',';
        writeJson(v.items[k], out);
      }
      out += ']';
      return;
    case ArmValue::Kind::kObject:
      out += '{';
      for (size_t k = 0; k < v.members.size(); ++k) {
        if (k) out += ',';
        json::appendQuoted(out, v.members[k].key);
        out += ':';
        writeJson(v.members[k].value, out);
      }
      out += '}';
      return;
  }
}

// The text a value has where a string is wanted (concat, format, string()).
std::string textOf(const ArmValue& v) {
  switch (v.kind) {
    case ArmValue::Kind::kString:
      return v.s;
    case ArmValue::Kind::kInt:
      return std::to_string(v.i);
    case ArmValue::Kind::kNumber:
      return v.s;
    case ArmValue::Kind::kBool:
      return v.b ? "True" : "False";  // as ARM's string() writes them
    case ArmValue::Kind::kNull:
      return "";
    default: {
      std::string out;
      writeJson(v, out);
      return out;
    }
  }
}

bool equalValues(const ArmValue& a, const ArmValue& b) {
  if (a.kind != b.kind) return false;
  std::string x, y;
  writeJson(a, x);
  writeJson(b, y);
  return x == y;
}

// Whether `v` holds more than `budget` bytes of text and structure (stops counting past it).
bool heavierThan(const ArmValue& v, size_t& budget) {
  size_t own = 8 + v.s.size();
  if (own > budget) return true;
  budget -= own;
  for (const ArmValue& item : v.items) {
    if (heavierThan(item, budget)) return true;
  }
  for (const ArmMember& m : v.members) {
    if (m.key.size() > budget) return true;
    budget -= m.key.size();
    if (heavierThan(m.value, budget)) return true;
  }
  return false;
}

// A deterministic stand-in for Azure's hashes: FNV-1a over the arguments.
uint64_t hashOf(const std::vector<ArmValue>& args, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (const ArmValue& a : args) {
    for (unsigned char c : textOf(a)) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xFF;  // separates ("ab", "c") from ("a", "bc")
    h *= 1099511628211ULL;
  }
  return h;
}

// An expression's syntax tree.
struct Node {
  enum class Kind : uint8_t { kString, kInt, kCall, kMember, kIndex };
  Kind kind = Kind::kString;
  std::string text;  // kString: the text; kCall: the function; kMember: the property
  int64_t number = 0;
  std::vector<Node> args;  // kCall: arguments; kMember / kIndex: [target] or [target, index]
  size_t at = 0;           // offset in the expression, for messages
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  // The whole expression, or an error message with its offset.
  std::optional<Node> parse(std::string& error, size_t& error_at) {
    std::optional<Node> n = expression();
    skipSpace();
    if (n && i_ != s_.size()) fail("unexpected '" + std::string(1, s_[i_]) + "'");
    if (!error_.empty()) {
      error = error_;
      error_at = error_at_;
      return std::nullopt;
    }
    return n;
  }

 private:
  void fail(std::string what) {
    if (error_.empty()) {
      error_ = std::move(what);
      error_at_ = i_;
    }
  }
  void skipSpace() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool eat(char c) {
    skipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  std::optional<Node> expression() {
    // Nesting past this is refused rather than recursed into (the parser and the evaluator
    // recurse per level).
    constexpr int kMaxDepth = 64;
    if (++depth_ > kMaxDepth) {
      fail("the expression nests deeper than 64 levels");
      return std::nullopt;
    }
    std::optional<Node> n = primary();
    while (n && error_.empty()) {
      skipSpace();
      if (eat('.')) {
        skipSpace();
        size_t start = i_;
        while (i_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '$'))
          ++i_;
        if (start == i_) {
          fail("expected a property name after '.'");
          return std::nullopt;
        }
        Node m;
        m.kind = Node::Kind::kMember;
        m.text = std::string(s_.substr(start, i_ - start));
        m.at = start;
        m.args.push_back(std::move(*n));
        n = std::move(m);
      } else if (i_ < s_.size() && s_[i_] == '[') {
        size_t at = i_++;
        std::optional<Node> index = expression();
        if (!index) return std::nullopt;
        if (!eat(']')) {
          fail("expected ']'");
          return std::nullopt;
        }
        Node x;
        x.kind = Node::Kind::kIndex;
        x.at = at;
        x.args.push_back(std::move(*n));
        x.args.push_back(std::move(*index));
        n = std::move(x);
      } else {
        break;
      }
    }
    --depth_;
    return n;
  }

  std::optional<Node> primary() {
    skipSpace();
    if (i_ >= s_.size()) {
      fail("expected a value");
      return std::nullopt;
    }
    Node n;
    n.at = i_;
    char c = s_[i_];
    if (c == '\'') {
      ++i_;
      n.kind = Node::Kind::kString;
      for (;;) {
        if (i_ >= s_.size()) {
          fail("unterminated string: expected a closing '");
          return std::nullopt;
        }
        if (s_[i_] == '\'') {
          if (i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {  // '' is one quote
            n.text += '\'';
            i_ += 2;
            continue;
          }
          ++i_;
          break;
        }
        n.text += s_[i_++];
      }
      return n;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = i_++;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      n.kind = Node::Kind::kInt;
      auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + i_, n.number);
      if (ec != std::errc() || end != s_.data() + i_) {
        i_ = start;
        fail("expected an integer");
        return std::nullopt;
      }
      return n;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t start = i_;
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
        ++i_;
      n.kind = Node::Kind::kCall;
      n.text = std::string(s_.substr(start, i_ - start));
      if (!eat('(')) {
        fail("expected '(' after the function name '" + n.text + "'");
        return std::nullopt;
      }
      if (eat(')')) return n;
      for (;;) {
        std::optional<Node> arg = expression();
        if (!arg) return std::nullopt;
        n.args.push_back(std::move(*arg));
        if (eat(')')) return n;
        if (!eat(',')) {
          fail("expected ',' or ')' in the arguments of " + n.text + "()");
          return std::nullopt;
        }
      }
    }
    fail("expected a function call, a 'string' or an integer");
    return std::nullopt;
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string error_;
  size_t error_at_ = 0;
  int depth_ = 0;
};

// A value the template builds larger than this is refused (variables that double a string at
// each step would otherwise take all memory).
constexpr size_t kMaxValueBytes = size_t{1} << 20;

// Keys of a template section (parameters, variables) looked up ignoring case, as ARM does.
std::string keyOf(std::string_view name) { return utf::foldCase(name); }

class Evaluator {
 public:
  Evaluator(const json::Value& root, const json::Value* parameters, const TemplateOptions& options,
            ConfigIssues& issues)
      : root_(root), parameters_(parameters), options_(options), issues_(issues) {
    if (const json::Value* p = root.find("parameters"); p && p->is(json::Type::kObject)) {
      for (const json::Member& m : p->members()) params_[keyOf(m.key)] = &m;
    }
    if (const json::Value* v = root.find("variables"); v && v->is(json::Type::kObject)) {
      for (const json::Member& m : v->members()) vars_[keyOf(m.key)] = &m;
    }
    if (parameters_ && parameters_->is(json::Type::kObject)) {
      if (const json::Value* p = parameters_->find("parameters"); p && p->is(json::Type::kObject)) {
        for (const json::Member& m : p->members()) given_[keyOf(m.key)] = &m;
      }
    }
  }

  // `v` (at `path`) with every expression in it evaluated.
  std::optional<ArmValue> evaluate(const json::Value& v, const std::string& path) {
    switch (v.type()) {
      case json::Type::kNull:
        return ArmValue{};
      case json::Type::kBool:
        return ArmValue::boolean(v.boolean());
      case json::Type::kNumber: {
        int64_t n = 0;
        const std::string& t = v.text();
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (ec == std::errc() && end == t.data() + t.size()) return ArmValue::integer(n);
        ArmValue x;
        x.kind = ArmValue::Kind::kNumber;
        x.s = t;
        return x;
      }
      case json::Type::kString: {
        const std::string& t = v.text();
        if (t.size() >= 2 && t[0] == '[' && t[1] == '[') return ArmValue::string(t.substr(1));
        if (t.size() >= 2 && t.front() == '[' && t.back() == ']') {
          // Where the expression starts in the file, when the string has no escapes to count.
          const bool plain = v.rawString().empty();
          return expression(std::string_view(t).substr(1, t.size() - 2), path, v.offset(), plain);
        }
        return ArmValue::string(t);
      }
      case json::Type::kArray: {
        ArmValue a;
        a.kind = ArmValue::Kind::kArray;
        for (size_t k = 0; k < v.items().size(); ++k) {
          std::optional<ArmValue> item = evaluate(v.items()[k], json::pathIndex(path, k));
          if (!item) return std::nullopt;
          a.items.push_back(std::move(*item));
        }
        return a;
      }
      case json::Type::kObject: {
        ArmValue o;
        o.kind = ArmValue::Kind::kObject;
        for (const json::Member& m : v.members()) {
          std::optional<ArmValue> value = evaluate(*m.value, json::pathJoin(path, m.key));
          if (!value) return std::nullopt;
          o.members.emplace_back(m.key, std::move(*value));
        }
        return o;
      }
    }
    return std::nullopt;
  }

  bool failed() const { return failed_; }
  void error(const std::string& path, std::string code, std::string message, uint32_t offset) {
    failed_ = true;
    issues_.error(path, std::move(code), std::move(message), offset);
  }

 private:
  struct Context {
    const std::string& path;
    uint32_t offset;  // the string's, in the file
    bool plain;       // no escapes: offset + 2 + i is the expression's character i
    uint32_t at(size_t i) const { return plain ? offset + 2 + static_cast<uint32_t>(i) : offset; }
  };

  std::optional<ArmValue> expression(std::string_view text, const std::string& path,
                                     uint32_t offset, bool plain) {
    Parser parser(text);
    std::string message;
    size_t at = 0;
    Context c{path, offset, plain};
    std::optional<Node> node = parser.parse(message, at);
    if (!node) {
      error(path, "InvalidTemplateExpression",
            "at character " + std::to_string(at + 1) + " of the expression: " + message, c.at(at));
      return std::nullopt;
    }
    return eval(*node, c);
  }

  std::nullopt_t fail(const Context& c, const Node& n, std::string message) {
    error(c.path, "InvalidTemplateExpression",
          "at character " + std::to_string(n.at + 1) + " of the expression: " + message,
          c.at(n.at));
    return std::nullopt;
  }

  std::optional<ArmValue> eval(const Node& n, const Context& c) {
    switch (n.kind) {
      case Node::Kind::kString:
        return ArmValue::string(n.text);
      case Node::Kind::kInt:
        return ArmValue::integer(n.number);
      case Node::Kind::kMember: {
        std::optional<ArmValue> target = eval(n.args[0], c);
        if (!target) return std::nullopt;
        if (target->kind != ArmValue::Kind::kObject)
          return fail(c, n, "'." + n.text + "' of " + std::string(kindName(target->kind)));
        const ArmValue* m = target->member(n.text);
        if (m == nullptr) return fail(c, n, "the object has no property '" + n.text + "'");
        return *m;
      }
      case Node::Kind::kIndex: {
        std::optional<ArmValue> target = eval(n.args[0], c);
        std::optional<ArmValue> index = target ? eval(n.args[1], c) : std::nullopt;
        if (!index) return std::nullopt;
        if (target->kind == ArmValue::Kind::kArray && index->kind == ArmValue::Kind::kInt) {
          if (index->i < 0 || static_cast<size_t>(index->i) >= target->items.size())
            return fail(c, n, "index " + std::to_string(index->i) + " is out of range");
          return target->items[static_cast<size_t>(index->i)];
        }
        if (target->kind == ArmValue::Kind::kObject && index->kind == ArmValue::Kind::kString) {
          const ArmValue* m = target->member(index->s);
          if (m == nullptr) return fail(c, n, "the object has no property '" + index->s + "'");
          return *m;
        }
        return fail(c, n,
                    "cannot index " + std::string(kindName(target->kind)) + " with " +
                        std::string(kindName(index->kind)));
      }
      case Node::Kind::kCall: {
        std::optional<ArmValue> v = call(n, c);
        size_t budget = kMaxValueBytes;
        if (v && heavierThan(*v, budget))
          return fail(c, n, n.text + "() builds a value over 1 MiB");
        return v;
      }
    }
    return std::nullopt;
  }

  std::optional<ArmValue> call(const Node& n, const Context& c) {
    const std::string name = utf::toLowerInvariant(n.text);
    // Lazy: only the branch taken is evaluated (as ARM does).
    if (name == "if") {
      if (n.args.size() != 3) return fail(c, n, "if() takes a condition and two values");
      std::optional<ArmValue> cond = eval(n.args[0], c);
      if (!cond) return std::nullopt;
      if (cond->kind != ArmValue::Kind::kBool) return fail(c, n, "if()'s condition is not a bool");
      return eval(n.args[cond->b ? 1 : 2], c);
    }
    std::vector<ArmValue> a;
    for (const Node& arg : n.args) {
      std::optional<ArmValue> v = eval(arg, c);
      if (!v) return std::nullopt;
      a.push_back(std::move(*v));
    }
    auto want = [&](size_t lo, size_t hi) { return a.size() >= lo && a.size() <= hi; };
    auto arity = [&](std::string what) { return fail(c, n, n.text + "() takes " + what); };
    auto isString = [&](size_t k) { return a[k].kind == ArmValue::Kind::kString; };

    if (name == "parameters" || name == "variables") {
      if (!want(1, 1) || !isString(0)) return arity("one name");
      return name == "parameters" ? parameter(a[0].s, n, c) : variable(a[0].s, n, c);
    }
    if (name == "concat") {
      if (!a.empty() && a[0].kind == ArmValue::Kind::kArray) {
        ArmValue out;
        out.kind = ArmValue::Kind::kArray;
        for (ArmValue& x : a) {
          if (x.kind != ArmValue::Kind::kArray)
            return fail(c, n, "concat() mixes arrays and strings");
          for (ArmValue& item : x.items) out.items.push_back(std::move(item));
          if (out.items.size() > 100000)
            return fail(c, n, "concat() builds an array over 100,000 items");
        }
        return out;
      }
      std::string out;
      for (const ArmValue& x : a) {
        out += textOf(x);
        if (out.size() > kMaxValueBytes) return fail(c, n, "concat() builds a string over 1 MiB");
      }
      return ArmValue::string(std::move(out));
    }
    if (name == "format") {
      if (a.empty() || !isString(0)) return arity("a format string and values");
      std::string out;
      const std::string& f = a[0].s;
      for (size_t k = 0; k < f.size(); ++k) {
        if (f[k] == '{' && k + 1 < f.size() && f[k + 1] == '{') {
          out += '{';
          ++k;
        } else if (f[k] == '}' && k + 1 < f.size() && f[k + 1] == '}') {
          out += '}';
          ++k;
        } else if (f[k] == '{') {
          const size_t close = f.find('}', k);
          if (close == std::string::npos) return fail(c, n, "format(): '{' without '}'");
          size_t index = 0;
          // A format such as {0:D} is written as {0}: the number is read up to the ':'.
          auto [end, ec] = std::from_chars(f.data() + k + 1, f.data() + close, index);
          if (ec != std::errc() || index >= a.size() - 1)
            return fail(c, n,
                        "format(): '{" + f.substr(k + 1, close - k - 1) + "}' names no argument");
          (void)end;
          out += textOf(a[index + 1]);
          if (out.size() > kMaxValueBytes) return fail(c, n, "format() builds a string over 1 MiB");
          k = close;
        } else {
          out += f[k];
        }
      }
      return ArmValue::string(std::move(out));
    }
    if (name == "tolower" || name == "toupper") {
      if (!want(1, 1) || !isString(0)) return arity("one string");
      return ArmValue::string(name == "tolower" ? utf::toLowerInvariant(a[0].s)
                                                : utf::toUpperInvariant(a[0].s));
    }
    if (name == "string") {
      if (!want(1, 1)) return arity("one value");
      return ArmValue::string(textOf(a[0]));
    }
    if (name == "int") {
      if (!want(1, 1)) return arity("one value");
      if (a[0].kind == ArmValue::Kind::kInt) return a[0];
      int64_t v = 0;
      const std::string t = textOf(a[0]);
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || end != t.data() + t.size())
        return fail(c, n, "int(): '" + t + "' is not an integer");
      return ArmValue::integer(v);
    }
    if (name == "bool") {
      if (!want(1, 1)) return arity("one value");
      if (a[0].kind == ArmValue::Kind::kBool) return a[0];
      std::string t = utf::toLowerInvariant(textOf(a[0]));
      if (t == "true" || t == "1") return ArmValue::boolean(true);
      if (t == "false" || t == "0") return ArmValue::boolean(false);
      return fail(c, n, "bool(): '" + t + "' is not a bool");
    }
    if (name == "true" || name == "false") return ArmValue::boolean(name == "true");
    if (name == "null") return ArmValue{};
    if (name == "length" || name == "empty") {
      if (!want(1, 1)) return arity("one value");
      size_t len = a[0].kind == ArmValue::Kind::kString   ? a[0].s.size()
                   : a[0].kind == ArmValue::Kind::kArray  ? a[0].items.size()
                   : a[0].kind == ArmValue::Kind::kObject ? a[0].members.size()
                                                          : 0;
      if (name == "empty") return ArmValue::boolean(len == 0);
      return ArmValue::integer(static_cast<int64_t>(len));
    }
    if (name == "replace") {
      if (!want(3, 3) || !isString(0) || !isString(1) || !isString(2))
        return arity("three strings");
      std::string out = a[0].s;
      if (!a[1].s.empty()) {
        for (size_t at = 0; (at = out.find(a[1].s, at)) != std::string::npos; at += a[2].s.size()) {
          out.replace(at, a[1].s.size(), a[2].s);
          if (out.size() > kMaxValueBytes)
            return fail(c, n, "replace() builds a string over 1 MiB");
        }
      }
      return ArmValue::string(std::move(out));
    }
    if (name == "startswith" || name == "endswith" || name == "contains") {
      if (!want(2, 2)) return arity("two values");
      if (name == "contains" && a[0].kind == ArmValue::Kind::kArray) {
        for (const ArmValue& x : a[0].items)
          if (equalValues(x, a[1])) return ArmValue::boolean(true);
        return ArmValue::boolean(false);
      }
      if (name == "contains" && a[0].kind == ArmValue::Kind::kObject)
        return ArmValue::boolean(a[0].member(textOf(a[1])) != nullptr);
      std::string s = utf::toLowerInvariant(textOf(a[0]));
      std::string t = utf::toLowerInvariant(textOf(a[1]));
      bool r = name == "contains" ? s.find(t) != std::string::npos
               : name == "startswith"
                   ? s.rfind(t, 0) == 0
                   : s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
      return ArmValue::boolean(r);
    }
    if (name == "equals") {
      if (!want(2, 2)) return arity("two values");
      return ArmValue::boolean(equalValues(a[0], a[1]));
    }
    if (name == "not") {
      if (!want(1, 1) || a[0].kind != ArmValue::Kind::kBool) return arity("one bool");
      return ArmValue::boolean(!a[0].b);
    }
    if (name == "and" || name == "or") {
      if (a.size() < 2) return arity("two bools or more");
      bool r = name == "and";
      for (const ArmValue& x : a) {
        if (x.kind != ArmValue::Kind::kBool) return arity("bools");
        r = name == "and" ? (r && x.b) : (r || x.b);
      }
      return ArmValue::boolean(r);
    }
    if (name == "first" || name == "last") {
      if (!want(1, 1)) return arity("one array or string");
      if (a[0].kind == ArmValue::Kind::kArray) {
        if (a[0].items.empty()) return ArmValue{};
        return name == "first" ? a[0].items.front() : a[0].items.back();
      }
      if (!isString(0)) return arity("one array or string");
      if (a[0].s.empty()) return ArmValue::string("");
      return ArmValue::string(std::string(1, name == "first" ? a[0].s.front() : a[0].s.back()));
    }
    if (name == "createarray") {
      ArmValue out;
      out.kind = ArmValue::Kind::kArray;
      out.items = std::move(a);
      return out;
    }
    if (name == "createobject") {
      if (a.size() % 2 != 0) return arity("key, value pairs");
      ArmValue out;
      out.kind = ArmValue::Kind::kObject;
      for (size_t k = 0; k < a.size(); k += 2) {
        if (!isString(k)) return arity("string keys");
        out.members.emplace_back(a[k].s, std::move(a[k + 1]));
      }
      return out;
    }
    if (name == "union") {
      if (a.empty() || a[0].kind != ArmValue::Kind::kObject) return arity("objects");
      ArmValue out = a[0];
      for (size_t k = 1; k < a.size(); ++k) {
        if (a[k].kind != ArmValue::Kind::kObject) return arity("objects");
        for (const ArmMember& m : a[k].members) {
          auto it = std::find_if(out.members.begin(), out.members.end(), [&](const ArmMember& o) {
            return utf::equalsIgnoreCase(o.key, m.key);
          });
          if (it != out.members.end()) {
            it->value = m.value;
          } else {
            out.members.push_back(m);
          }
        }
      }
      return out;
    }
    if (name == "resourcegroup") {
      ArmValue rg;
      rg.kind = ArmValue::Kind::kObject;
      rg.members.emplace_back("id", ArmValue::string(resourceGroupId()));
      rg.members.emplace_back("name", ArmValue::string(options_.resource_group));
      rg.members.emplace_back("type", ArmValue::string("Microsoft.Resources/resourceGroups"));
      rg.members.emplace_back("location", ArmValue::string(options_.location));
      return rg;
    }
    if (name == "subscription") {
      ArmValue s;
      s.kind = ArmValue::Kind::kObject;
      s.members.emplace_back("id", ArmValue::string("/subscriptions/" + options_.subscription_id));
      s.members.emplace_back("subscriptionId", ArmValue::string(options_.subscription_id));
      s.members.emplace_back("tenantId", ArmValue::string(kTenant));
      s.members.emplace_back("displayName", ArmValue::string("routesim"));
      return s;
    }
    if (name == "tenant") {
      ArmValue t;
      t.kind = ArmValue::Kind::kObject;
      t.members.emplace_back("tenantId", ArmValue::string(kTenant));
      return t;
    }
    if (name == "environment") {
      ArmValue suffixes;
      suffixes.kind = ArmValue::Kind::kObject;
      suffixes.members.emplace_back("storage", ArmValue::string("core.windows.net"));
      ArmValue e;
      e.kind = ArmValue::Kind::kObject;
      e.members.emplace_back("name", ArmValue::string("AzureCloud"));
      e.members.emplace_back("suffixes", std::move(suffixes));
      return e;
    }
    if (name == "deployment") {
      ArmValue d;
      d.kind = ArmValue::Kind::kObject;
      d.members.emplace_back("name", ArmValue::string("routesim-check"));
      return d;
    }
    if (name == "resourceid" || name == "subscriptionresourceid") {
      // [subscriptionId], [resourceGroupName], type, name... : a type of k segments after the
      // provider takes k names.
      size_t type_at = 0;
      while (type_at < a.size() &&
             !(isString(type_at) && a[type_at].s.find('/') != std::string::npos))
        ++type_at;
      if (type_at == a.size())
        return arity("a resource type such as 'Microsoft.Storage/storageAccounts' and names");
      for (const ArmValue& x : a) {
        if (x.kind != ArmValue::Kind::kString) return arity("strings");
      }
      std::string subscription = options_.subscription_id;
      std::string group = options_.resource_group;
      if (type_at >= 2) {
        subscription = a[0].s;
        group = a[1].s;
      } else if (type_at == 1) {
        (name == "subscriptionresourceid" ? subscription : group) = a[0].s;
      }
      const std::string& type = a[type_at].s;
      std::vector<std::string> types;
      size_t slash = type.find('/');
      std::string provider = type.substr(0, slash);
      for (size_t at = slash; at != std::string::npos;) {
        size_t next = type.find('/', at + 1);
        types.push_back(type.substr(at + 1, next == std::string::npos ? next : next - at - 1));
        at = next;
      }
      if (a.size() - type_at - 1 != types.size()) {
        return fail(c, n,
                    n.text + "(): '" + type + "' takes " + std::to_string(types.size()) +
                        " name(s), found " + std::to_string(a.size() - type_at - 1));
      }
      std::string id = "/subscriptions/" + subscription;
      if (name == "resourceid") id += "/resourceGroups/" + group;
      id += "/providers/" + provider;
      for (size_t k = 0; k < types.size(); ++k) id += "/" + types[k] + "/" + a[type_at + 1 + k].s;
      return ArmValue::string(std::move(id));
    }
    if (name == "uniquestring") {
      if (a.empty()) return arity("one value or more");
      static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
      uint64_t h = hashOf(a, 0);
      std::string out;
      for (int k = 0; k < 13; ++k) {
        out += kAlphabet[h & 31];
        h = (h >> 5) | (hashOf(a, static_cast<uint64_t>(k) + 1) << 59);
      }
      return ArmValue::string(std::move(out));
    }
    if (name == "guid") {
      if (a.empty()) return arity("one value or more");
      static constexpr char kHex[] = "0123456789abcdef";
      uint64_t hi = hashOf(a, 1), lo = hashOf(a, 2);
      std::string out;
      for (int k = 0; k < 32; ++k) {
        if (k == 8 || k == 12 || k == 16 || k == 20) out += '-';
        uint64_t word = k < 16 ? hi : lo;
        out += kHex[(word >> (4 * (15 - (k % 16)))) & 15];
      }
      return ArmValue::string(std::move(out));
    }
    if (name == "listkeys" || name == "listconnectionstrings") {
      if (a.empty() || !isString(0)) return arity("a resource id and an API version");
      return keysOf(a[0].s);
    }
    if (name == "reference") {
      // A deployed resource's runtime state: only the managed identity's ids, which routesim
      // models as the resource's name (a hub's system-assigned principal, a user-assigned
      // identity's principal). Any other property is an error naming it.
      if (a.empty() || !isString(0)) return arity("a resource id or name");
      const std::string id = a[0].s.substr(a[0].s.rfind('/') + 1);
      ArmValue identity;
      identity.kind = ArmValue::Kind::kObject;
      identity.members.emplace_back("principalId", ArmValue::string(id));
      identity.members.emplace_back("tenantId", ArmValue::string(kTenant));
      ArmValue out = identity;
      out.members.emplace_back("clientId", ArmValue::string(id));
      out.members.emplace_back("identity", std::move(identity));
      return out;
    }
    return fail(c, n,
                "the function '" + n.text +
                    "' is not supported by routesim's template "
                    "reader (docs/check.md lists those that are)");
  }

  std::string resourceGroupId() const {
    return "/subscriptions/" + options_.subscription_id + "/resourceGroups/" +
           options_.resource_group;
  }

  // What listKeys gives, in the shapes Storage ("keys": [{"value"}]) and Event Hubs / Service Bus
  // ("primaryKey", "primaryConnectionString") use. The emulators do not check keys.
  static ArmValue keysOf(const std::string& resource_id) {
    const std::string key = "cm91dGVzaW0tZW11bGF0b3Ita2V5";  // base64 "routesim-emulator-key"
    std::string host = resource_id.substr(resource_id.rfind('/') + 1);
    ArmValue keys;
    keys.kind = ArmValue::Kind::kArray;
    for (const char* key_name : {"key1", "key2"}) {
      ArmValue k;
      k.kind = ArmValue::Kind::kObject;
      k.members.emplace_back("keyName", ArmValue::string(key_name));
      k.members.emplace_back("value", ArmValue::string(key));
      k.members.emplace_back("permissions", ArmValue::string("FULL"));
      keys.items.push_back(std::move(k));
    }
    ArmValue out;
    out.kind = ArmValue::Kind::kObject;
    out.members.emplace_back("keys", std::move(keys));
    out.members.emplace_back("keyName", ArmValue::string("RootManageSharedAccessKey"));
    out.members.emplace_back("primaryKey", ArmValue::string(key));
    out.members.emplace_back("secondaryKey", ArmValue::string(key));
    std::string connection =
        "Endpoint=sb://" + host +
        ".servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
        "SharedAccessKey=" +
        key;
    out.members.emplace_back("primaryConnectionString", ArmValue::string(connection));
    out.members.emplace_back("secondaryConnectionString", ArmValue::string(connection));
    return out;
  }

  std::optional<ArmValue> parameter(const std::string& name, const Node& n, const Context& c) {
    const std::string key = keyOf(name);
    if (auto it = param_values_.find(key); it != param_values_.end()) return it->second;
    auto declared = params_.find(key);
    if (declared == params_.end())
      return fail(c, n, "the template declares no parameter '" + name + "'");
    const json::Member& m = *declared->second;
    const std::string at = json::pathJoin("$.parameters", m.key);
    std::optional<ArmValue> value;
    if (auto given = given_.find(key); given != given_.end()) {
      const json::Value* v = given->second->value->find("value");
      if (v == nullptr) {
        return fail(c, n,
                    "the parameters file gives '" + name +
                        "' no \"value\" (a Key Vault reference cannot be read offline)");
      }
      value =
          evaluate(*v, "parameters file: " + json::pathJoin("$.parameters", given->second->key));
    } else if (const json::Value* d = m.value->find("defaultValue")) {
      if (!evaluating_.insert("p:" + key).second)
        return fail(c, n, "parameter '" + name + "' refers to itself");
      value = evaluate(*d, json::pathJoin(at, "defaultValue"));
      evaluating_.erase("p:" + key);
    } else {
      return fail(c, n,
                  "parameter '" + name +
                      "' has no value: give it a defaultValue or pass --parameters FILE");
    }
    if (!value) return std::nullopt;
    if (const json::Value* allowed = m.value->find("allowedValues");
        allowed && allowed->is(json::Type::kArray)) {
      bool ok = false;
      for (const json::Value& x : allowed->items()) {
        std::optional<ArmValue> option = evaluate(x, json::pathJoin(at, "allowedValues"));
        ok = ok || (option && equalValues(*option, *value));
      }
      if (!ok) return fail(c, n, "parameter '" + name + "' is not one of its allowedValues");
    }
    param_values_[key] = *value;
    return value;
  }

  std::optional<ArmValue> variable(const std::string& name, const Node& n, const Context& c) {
    const std::string key = keyOf(name);
    if (auto it = var_values_.find(key); it != var_values_.end()) return it->second;
    auto declared = vars_.find(key);
    if (declared == vars_.end())
      return fail(c, n, "the template declares no variable '" + name + "'");
    if (!evaluating_.insert("v:" + key).second)
      return fail(c, n, "variable '" + name + "' refers to itself");
    std::optional<ArmValue> value =
        evaluate(*declared->second->value, json::pathJoin("$.variables", declared->second->key));
    evaluating_.erase("v:" + key);
    if (!value) return std::nullopt;
    var_values_[key] = *value;
    return value;
  }

  static constexpr const char* kTenant = "00000000-0000-0000-0000-000000000000";

  const json::Value& root_;
  const json::Value* parameters_;
  const TemplateOptions& options_;
  ConfigIssues& issues_;
  std::map<std::string, const json::Member*> params_, vars_, given_;
  std::map<std::string, ArmValue> param_values_, var_values_;
  std::set<std::string> evaluating_;
  bool failed_ = false;
};

// Template-only members of a resource that the scenario's resource readers do not take.
bool templateOnly(std::string_view key) {
  for (std::string_view k :
       {"apiVersion", "dependsOn", "condition", "comments", "metadata", "tags", "zones"}) {
    if (utf::equalsIgnoreCase(k, key)) return true;
  }
  return false;
}

// Drops the template-only members of the child resources nested in `resource`.
void stripChildren(ArmValue& resource) {
  for (ArmMember& m : resource.members) {
    if (!utf::equalsIgnoreCase(m.key, "resources") || m.value.kind != ArmValue::Kind::kArray)
      continue;
    for (ArmValue& child : m.value.items) {
      if (child.kind != ArmValue::Kind::kObject) continue;
      std::erase_if(child.members, [](const ArmMember& c) { return templateOnly(c.key); });
      stripChildren(child);
    }
  }
}

}  // namespace

bool isDeploymentTemplate(const json::Value& root) {
  if (!root.is(json::Type::kObject)) return false;
  const json::Value* schema = root.find("$schema");
  return schema != nullptr && schema->is(json::Type::kString) &&
         utf::toLowerInvariant(schema->text()).find("deploymenttemplate.json") != std::string::npos;
}

std::optional<ExpandedTemplate> expandTemplate(const json::Value& root,
                                               const json::Value* parameters,
                                               const TemplateOptions& options,
                                               ConfigIssues& issues) {
  Evaluator evaluator(root, parameters, options, issues);
  const json::Value* resources = root.find("resources");
  if (resources == nullptr || !resources->is(json::Type::kArray)) {
    evaluator.error("$.resources", "InvalidTemplate", "expected a \"resources\" array",
                    resources ? resources->offset() : 0);
    return std::nullopt;
  }
  if (parameters != nullptr && !parameters->is(json::Type::kObject)) {
    evaluator.error("parameters file: $", "InvalidTemplate",
                    "expected a parameters file: {\"parameters\": {\"name\": {\"value\": ...}}}",
                    0);
    return std::nullopt;
  }
  ExpandedTemplate out;
  out.resources = "[";
  size_t written = 0;
  for (size_t k = 0; k < resources->items().size(); ++k) {
    const json::Value& r = resources->items()[k];
    const std::string path = json::pathIndex("$.resources", k);
    if (!r.is(json::Type::kObject)) {
      evaluator.error(path, "InvalidTemplate", "expected a resource object", r.offset());
      continue;
    }
    if (const json::Value* copy = r.find("copy")) {
      evaluator.error(json::pathJoin(path, "copy"), "UnsupportedTemplateFeature",
                      "copy loops are not supported: write each resource out", copy->offset());
      continue;
    }
    if (const json::Value* condition = r.find("condition")) {
      std::optional<ArmValue> v = evaluator.evaluate(*condition, json::pathJoin(path, "condition"));
      if (!v) continue;
      if (v->kind != ArmValue::Kind::kBool) {
        evaluator.error(json::pathJoin(path, "condition"), "InvalidTemplate",
                        "a resource's condition is a bool", condition->offset());
        continue;
      }
      if (!v->b) continue;  // not deployed
    }
    ArmValue resource;
    resource.kind = ArmValue::Kind::kObject;
    bool ok = true;
    for (const json::Member& m : r.members()) {
      if (templateOnly(m.key)) continue;
      std::optional<ArmValue> v = evaluator.evaluate(*m.value, json::pathJoin(path, m.key));
      if (!v) {
        ok = false;
        break;
      }
      resource.members.emplace_back(m.key, std::move(*v));
    }
    if (!ok) continue;
    stripChildren(resource);
    if (written++) out.resources += ',';
    writeJson(resource, out.resources);
    out.template_index.push_back(k);
  }
  out.resources += ']';
  if (evaluator.failed()) return std::nullopt;
  return out;
}

}  // namespace routesim::scenario
