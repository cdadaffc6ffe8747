#include "core/message/json_reader.h"

#include <simdjson.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "core/common/json.h"
#include "core/common/utf.h"

namespace routesim::message {

namespace od = simdjson::ondemand;

PathSet::PathSet(KeyMatch match) : match_(match) { nodes_.emplace_back(); }

uint32_t PathSet::childField(uint32_t node, const std::string& name) {
  // Names that the document matches alike share a node: under kIgnoreCase, "Site" and "site"
  // are one path, so both spellings read the same value.
  for (const auto& [key, child] : nodes_[node].fields) {
    if (match_ == KeyMatch::kExact ? key == name : utf::equalsIgnoreCase(key, name)) return child;
  }
  auto child = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();
  nodes_[node].fields.emplace_back(name, child);
  nodes_[node].max_field_length = std::max(nodes_[node].max_field_length, name.size());
  auto first = static_cast<unsigned char>(name[0]);
  nodes_[node].first_bytes[first >> 6] |= uint64_t{1} << (first & 63);
  if (match_ == KeyMatch::kIgnoreCase) {  // either letter case may start a matching key
    for (unsigned char c : {static_cast<unsigned char>(std::tolower(first)),
                            static_cast<unsigned char>(std::toupper(first))}) {
      nodes_[node].first_bytes[c >> 6] |= uint64_t{1} << (c & 63);
    }
  }
  return child;
}

uint32_t PathSet::childElement(uint32_t node, uint64_t index) {
  for (const auto& [i, child] : nodes_[node].elements) {
    if (i == index) return child;
  }
  auto child = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();
  nodes_[node].elements.emplace_back(index, child);
  nodes_[node].max_element = std::max(nodes_[node].max_element, index);
  return child;
}

uint32_t PathSet::add(const JsonPath& path) {
  uint32_t node = 0;
  for (const PathSegment& segment : path) {
    node = childField(node, segment.name);
    if (segment.index) node = childElement(node, *segment.index);
  }
  if (nodes_[node].slot < 0) {
    nodes_[node].slot = static_cast<int32_t>(slot_count_++);
    paths_.push_back(path);
  }
  return static_cast<uint32_t>(nodes_[node].slot);
}

namespace {

constexpr uint32_t kNoNode = UINT32_MAX;

std::string_view trimRight(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool validNumber(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i - start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  size_t int_start = i;
  size_t n = digits();
  if (n == 0 || (n > 1 && t[int_start] == '0')) return false;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == t.size();
}

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

unsigned hex4(const char* p) {
  unsigned v = 0;
  for (int k = 0; k < 4; ++k) {
    char c = p[k];
    unsigned d =
        c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a') + 10;
    v = v << 4 | d;
  }
  return v;
}

// The content of a string token, between its quotes (stage 1 already checked the quotes and
// UTF-8): the escapes and control characters that simdjson only checks when it unescapes,
// with its rules, so a string reads the same whether or not a path reads it. A \u escape of a
// high surrogate must be followed by one of a low surrogate; a lone low surrogate is an error.
bool validStringContent(std::string_view t) {
  auto hexAt = [&](size_t i) {  // four hex digits at t[i..i+3]
    return i + 4 <= t.size() && isHex(t[i]) && isHex(t[i + 1]) && isHex(t[i + 2]) &&
           isHex(t[i + 3]);
  };
  for (size_t i = 0; i < t.size(); ++i) {
    auto c = static_cast<unsigned char>(t[i]);
    if (c < 0x20) return false;
    if (c != '\\') continue;
    if (i + 1 >= t.size()) return false;
    char e = t[i + 1];
    if (e == 'u') {
      if (!hexAt(i + 2)) return false;
      unsigned cp = hex4(t.data() + i + 2);
      i += 5;
      if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (i + 2 >= t.size() || t[i + 1] != '\\' || t[i + 2] != 'u' || !hexAt(i + 3)) return false;
        unsigned low = hex4(t.data() + i + 3);
        if (low < 0xDC00 || low > 0xDFFF) return false;
        i += 6;
      }
    } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
               e == 't') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

// A raw string token "...".
bool validStringToken(std::string_view t) {
  return t.size() >= 2 && t.front() == '"' && t.back() == '"' &&
         validStringContent(t.substr(1, t.size() - 2));
}

// Parses a number token that simdjson refused (out of double range): IEEE semantics, so
// 1e400 is +Infinity as .NET Core reads it.
bool parseWideNumber(std::string_view token, double& out) {
  token = trimRight(token);
  size_t n = 0;
  while (n < token.size() && token[n] != ',' && token[n] != ']' && token[n] != '}') ++n;
  token = trimRight(token.substr(0, n));
  if (!validNumber(token)) return false;
  std::string copy(token);
  out = std::strtod(copy.c_str(), nullptr);
  return true;
}

}  // namespace

struct JsonReader::Impl {
  od::parser parser;
  std::string transcoded;
  // Per-extraction state.
  const PathSet* paths = nullptr;
  std::span<JsonScalar> out;
  std::vector<uint8_t> seen;  // per trie node: the first occurrence of a key wins
  Validation validation = Validation::kFull;

  bool keyMatches(std::string_view key, const std::string& name) const {
    if (paths->keyMatch() == PathSet::KeyMatch::kExact) return key == name;
    return utf::equalsIgnoreCase(key, name);
  }

  // The raw key of a field (as written, without its quotes) and whether it has escapes.
  static std::string_view rawKey(od::field& field, bool& escaped) {
    const char* raw = field.key().raw();
    size_t n = 0;
    escaped = false;
    // Stage 1 checked the closing quote, so this stops inside the document.
    while (raw[n] != '"') {
      if (raw[n] == '\\') {
        escaped = true;
        ++n;
      }
      ++n;
    }
    return std::string_view(raw, n);
  }

  bool scalar(od::value& v, od::json_type t, JsonScalar& s) {
    switch (t) {
      case od::json_type::number: {
        double d;
        if (v.get_double().get(d) != simdjson::SUCCESS) {
          if (!parseWideNumber(v.raw_json_token(), d)) return false;
        }
        s.kind = JsonKind::kNumber;
        s.number = d;
        return true;
      }
      case od::json_type::string: {
        std::string_view str;
        if (v.get_string().get(str)) return false;
        s.kind = JsonKind::kString;
        s.string = str;
        return true;
      }
      case od::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) return false;
        s.kind = JsonKind::kBool;
        s.boolean = b;
        return true;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (v.is_null().get(is_null) || !is_null) return false;
        s.kind = JsonKind::kNull;
        return true;
      }
      default:
        return false;
    }
  }

  // Validates a scalar that no path reads, from its raw token.
  static bool validateScalar(od::value& v, od::json_type t) {
    std::string_view token = trimRight(v.raw_json_token());
    switch (t) {
      case od::json_type::number:
        return validNumber(token);
      case od::json_type::string:
        return validStringToken(token);
      case od::json_type::boolean:
        return token == "true" || token == "false";
      case od::json_type::null:
        return token == "null";
      default:
        return false;
    }
  }

  bool visit(od::value& v, uint32_t node_id, int depth) {
    if (depth > json::kMaxNesting) return false;
    od::json_type t;
    if (v.type().get(t)) return false;
    const PathSet::Node* node = node_id == kNoNode ? nullptr : &paths->nodes_[node_id];
    bool is_container = t == od::json_type::object || t == od::json_type::array;
    if (node != nullptr && node->slot >= 0) {
      JsonScalar& s = out[static_cast<size_t>(node->slot)];
      if (t == od::json_type::object) {
        s.kind = JsonKind::kObject;
      } else if (t == od::json_type::array) {
        s.kind = JsonKind::kArray;
      } else {
        return scalar(v, t, s);
      }
    }
    if (!is_container) {
      if (node != nullptr && node->slot >= 0) return true;
      if (!validateScalar(v, t)) return false;
      // Consume an unread string: On-Demand skips an unconsumed string followed by ':' as if it
      // were a key, so {"a":"x":1} would otherwise pass unchecked.
      od::raw_json_string raw;
      return t != od::json_type::string || v.get_raw_json_string().get(raw) == simdjson::SUCCESS;
    }
    bool descend = validation == Validation::kFull ||
                   (node != nullptr &&
                    (t == od::json_type::object ? !node->fields.empty() : !node->elements.empty()));
    if (!descend) return true;  // skipped unread; its brackets were balanced by stage 1
    if (t == od::json_type::object) {
      od::object obj;
      if (v.get_object().get(obj)) return false;
      return object(obj, node_id, depth);
    }
    od::array arr;
    if (v.get_array().get(arr)) return false;
    return array(arr, node_id, depth);
  }

  bool object(od::object& obj, uint32_t node_id, int depth) {
    const PathSet::Node* node = node_id == kNoNode ? nullptr : &paths->nodes_[node_id];
    for (auto field_result : obj) {
      if (field_result.error()) return false;
      od::field& field = field_result.value_unsafe();
      uint32_t child = kNoNode;
      bool escaped = false;
      std::string_view key = rawKey(field, escaped);
      // Every key is checked in full validation, read or not (as every string value is).
      if (validation == Validation::kFull && !validStringContent(key)) return false;
      if (node != nullptr && !node->fields.empty()) {
        if (escaped && field.unescaped_key().get(key)) return false;
        for (const auto& [name, id] : node->fields) {
          if (keyMatches(key, name)) {
            if (!seen[id]) {
              seen[id] = 1;
              child = id;
            }
            break;
          }
        }
      }
      if (!visit(field.value(), child, depth + 1)) return false;
    }
    return true;
  }

  bool array(od::array& arr, uint32_t node_id, int depth) {
    const PathSet::Node* node = node_id == kNoNode ? nullptr : &paths->nodes_[node_id];
    uint64_t index = 0;
    for (auto item_result : arr) {
      if (item_result.error()) return false;
      od::value& item = item_result.value_unsafe();
      uint32_t child = kNoNode;
      if (node != nullptr) {
        for (const auto& [i, id] : node->elements) {
          if (i == index) {
            child = id;
            break;
          }
        }
      }
      if (!visit(item, child, depth + 1)) return false;
      ++index;
    }
    return true;
  }
};

// The On-Demand fast path (Validation::kPaths): keys compared in place against the node's
// children, values no path reads skipped unread, arrays left after their last wanted index.
struct FastWalker {
  JsonReader::Impl& im;
  const std::vector<PathSet::Node>& nodes;
  bool maybe_escaped_keys;  // the document has a backslash somewhere
  bool ignore_case;

  // The child of `node` a raw key (as it appears in the document, after its opening quote)
  // names, or kNoNode.
  uint32_t match(const PathSet::Node& node, od::field& field) {
    const char* raw = field.key().raw();
    auto first = static_cast<unsigned char>(raw[0]);
    bool candidate = (node.first_bytes[first >> 6] >> (first & 63)) & 1;
    if (!candidate && !maybe_escaped_keys && (!ignore_case || first < 0x80)) return kNoNode;
    if (!ignore_case) {
      for (const auto& [name, child] : node.fields) {
        if (raw[0] != name[0]) continue;
        size_t n = name.size();
        size_t i = 1;
        while (i < n && raw[i] == name[i]) ++i;
        if (i == n && raw[n] == '"') return child;
      }
      if (!maybe_escaped_keys) return kNoNode;
      // An escaped key can only unescape to a name of length L if it has a backslash within
      // its first L + 1 bytes; look no further than the longest child name.
      size_t limit = node.max_field_length + 1;
      bool escaped = false;
      for (size_t i = 0; i < limit && raw[i] != '"'; ++i) {
        if (raw[i] == '\\') {
          escaped = true;
          break;
        }
      }
      if (!escaped) return kNoNode;
    }
    // Letter case ignored, or a key with escapes: compare the unescaped key.
    std::string_view key;
    if (field.unescaped_key().get(key)) return kNoNode;
    for (const auto& [name, child] : node.fields) {
      if (ignore_case ? utf::equalsIgnoreCase(key, name) : key == name) return child;
    }
    return kNoNode;
  }

  bool value(od::value& v, uint32_t node_id, int depth) {
    if (depth > json::kMaxNesting) return false;
    const PathSet::Node& node = nodes[node_id];
    od::json_type t;
    if (v.type().get(t)) return false;
    if (t == od::json_type::object) {
      if (node.slot >= 0) im.out[static_cast<size_t>(node.slot)].kind = JsonKind::kObject;
      if (node.fields.empty()) return true;
      od::object obj;
      if (v.get_object().get(obj)) return false;
      return object(obj, node_id, depth);
    }
    if (t == od::json_type::array) {
      if (node.slot >= 0) im.out[static_cast<size_t>(node.slot)].kind = JsonKind::kArray;
      if (node.elements.empty()) return true;
      od::array arr;
      if (v.get_array().get(arr)) return false;
      return array(arr, node, depth);
    }
    if (node.slot < 0) return true;
    return im.scalar(v, t, im.out[static_cast<size_t>(node.slot)]);
  }

  bool object(od::object& obj, uint32_t node_id, int depth) {
    const PathSet::Node& node = nodes[node_id];
    size_t wanted = node.fields.size();
    for (auto field_result : obj) {
      // Used in place: copying the field out of its result costs a store-forwarding stall.
      if (field_result.error()) return false;
      od::field& field = field_result.value_unsafe();
      uint32_t child = match(node, field);
      if (child == kNoNode || im.seen[child]) continue;  // the first occurrence of a key wins
      im.seen[child] = 1;
      // Below the root, once every wanted member is read the rest of the object is skipped
      // unread (the root is read to its end, so trailing content is still caught).
      bool last = --wanted == 0 && depth > 1;
      const PathSet::Node& c = nodes[child];
      if (c.leaf()) {  // a value read as it is: no recursion
        od::value& v = field.value();
        od::json_type t;
        if (v.type().get(t)) return false;
        JsonScalar& out = im.out[static_cast<size_t>(c.slot)];
        if (t == od::json_type::object) {
          out.kind = JsonKind::kObject;
        } else if (t == od::json_type::array) {
          out.kind = JsonKind::kArray;
        } else if (!im.scalar(v, t, out)) {
          return false;
        }
        if (last) break;
        continue;
      }
      if (!value(field.value(), child, depth + 1)) return false;
      if (last) break;
    }
    return true;
  }

  bool array(od::array& arr, const PathSet::Node& node, int depth) {
    uint64_t index = 0;
    for (auto item_result : arr) {
      if (item_result.error()) return false;
      od::value& item = item_result.value_unsafe();
      for (const auto& [i, child] : node.elements) {
        if (i == index) {
          if (!value(item, child, depth + 1)) return false;
          break;
        }
      }
      if (index++ == node.max_element) break;  // the rest is skipped unread
    }
    return true;
  }
};

JsonReader::JsonReader() : impl_(std::make_unique<Impl>()) {}
JsonReader::~JsonReader() = default;

bool JsonReader::extract(std::string_view text, size_t capacity, const PathSet& paths,
                         std::span<JsonScalar> out, Validation validation) {
  Impl& im = *impl_;
  for (size_t i = 0; i < paths.slotCount(); ++i) out[i] = JsonScalar{};
  auto fail = [&] {
    for (size_t i = 0; i < paths.slotCount(); ++i) out[i] = JsonScalar{};
    return false;
  };
  if (capacity < text.size() + simdjson::SIMDJSON_PADDING) return fail();
  od::document doc;
  if (im.parser.iterate(text.data(), text.size(), capacity).get(doc)) return fail();
  od::json_type t;
  if (doc.type().get(t) || t != od::json_type::object) return fail();
  od::object root;
  if (doc.get_object().get(root)) return fail();

  im.paths = &paths;
  im.out = out;
  im.validation = validation;
  im.seen.assign(paths.nodes_.size(), 0);
  if (validation == Validation::kPaths) {
    FastWalker walker{im, paths.nodes_, std::memchr(text.data(), '\\', text.size()) != nullptr,
                      paths.keyMatch() == PathSet::KeyMatch::kIgnoreCase};
    if (!walker.object(root, 0, 1)) return fail();
  } else if (!im.object(root, 0, 1)) {
    return fail();
  }
  // At the end of the input current_location() fails; a location means trailing content.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS && rest != nullptr) return fail();
  for (size_t i = 0; i < paths.slotCount(); ++i) {
    if (out[i].kind == JsonKind::kUndefined) out[i].kind = JsonKind::kMissing;
  }
  return true;
}

std::optional<JsonReader::Text> JsonReader::jsonBody(const Message& message) {
  const Property* type = message.system_properties.findFolded("CONTENTTYPE");
  if (type == nullptr || !type->value || !utf::equalsAsciiLower(*type->value, "application/json")) {
    return std::nullopt;
  }
  const Property* encoding = message.system_properties.findFolded("CONTENTENCODING");
  if (encoding == nullptr || !encoding->value) return std::nullopt;
  std::string_view enc = *encoding->value;
  std::string_view text;
  size_t capacity;
  if (utf::equalsAsciiLower(enc, "utf-8")) {
    text = message.body.view();
    capacity = message.body.capacity();
  } else if (utf::equalsAsciiLower(enc, "utf-16") || utf::equalsAsciiLower(enc, "utf-32")) {
    std::string& buffer = impl_->transcoded;
    bool ok = utf::equalsAsciiLower(enc, "utf-16")
                  ? utf::utf16leToUtf8(message.body.view(), buffer)
                  : utf::utf32leToUtf8(message.body.view(), buffer);
    if (!ok) return std::nullopt;
    buffer.reserve(buffer.size() + PaddedBytes::kPadding);
    text = buffer;
    capacity = buffer.capacity();
  } else {
    return std::nullopt;
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
    capacity -= 3;
  }
  return Text{text, capacity};
}

}  // namespace routesim::message
