// Reads the values of a set of JSON paths out of a message body or twin in one forward pass
// with simdjson On-Demand: the paths of every route are merged into one trie (PathSet), so a
// document is parsed once per message and each distinct path read once, however many routes
// use it. A JsonReader owns simdjson's parser and buffers: one per thread, reused per message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/message/json_path.h"
#include "core/message/message.h"

namespace routesim::message {

// The JSON kind of a value read at a path. kMissing: the document has no such path (routing
// queries read it as null); kUndefined: the document itself could not be read.
enum class JsonKind : uint8_t {
  kUndefined,
  kMissing,
  kNull,
  kBool,
  kNumber,
  kString,
  kObject,
  kArray
};

struct JsonScalar {
  JsonKind kind = JsonKind::kUndefined;
  bool boolean = false;
  double number = 0;
  std::string_view string;  // valid until the reader's next extract()
};

// An immutable-after-build set of JSON paths compiled into a trie. Paths are interned: adding
// an equal path again (equal ignoring case under kIgnoreCase) returns the same slot.
struct FastWalker;

class PathSet {
 public:
  enum class KeyMatch : uint8_t { kExact, kIgnoreCase };

  explicit PathSet(KeyMatch match = KeyMatch::kExact);

  // The slot of `path` (interned). Not thread-safe; build before sharing.
  uint32_t add(const JsonPath& path);
  size_t slotCount() const { return slot_count_; }
  KeyMatch keyMatch() const { return match_; }
  const JsonPath& pathOf(uint32_t slot) const { return paths_[slot]; }

 private:
  friend class JsonReader;
  friend struct FastWalker;
  struct Node {
    std::vector<std::pair<std::string, uint32_t>> fields;  // member name -> child node
    std::vector<std::pair<uint64_t, uint32_t>> elements;   // array index -> child node
    uint64_t max_element = 0;                              // the largest index in `elements`
    size_t max_field_length = 0;                           // the longest name in `fields`
    std::array<uint64_t, 4> first_bytes{};                 // bit set: some field starts with it
    bool leaf() const { return fields.empty() && elements.empty(); }
    int32_t slot = -1;
  };
  uint32_t childField(uint32_t node, const std::string& name);
  uint32_t childElement(uint32_t node, uint64_t index);

  KeyMatch match_;
  std::vector<Node> nodes_;  // nodes_[0] is the document root
  std::vector<JsonPath> paths_;
  uint32_t slot_count_ = 0;
};

// How much of a document extract() checks for JSON syntax errors.
// kFull validates every value: a body with a syntax error anywhere reads as undefined, as IoT
//   Hub parses the whole body (routesim eval).
// kPaths reads like simdjson On-Demand, the router's mode: the document must be one complete
//   object and every value read must be valid, but values no path reads are skipped unchecked
//   (and arrays are left after their last wanted index).
enum class Validation : uint8_t { kFull, kPaths };

class JsonReader {
 public:
  JsonReader();
  ~JsonReader();
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Reads every path of `paths` from the UTF-8 JSON `text` into `out` (out.size() >=
  // paths.slotCount()). `capacity` bytes must be readable from text.data() (capacity >=
  // text.size() + PaddedBytes::kPadding). Returns false, leaving `out` all kUndefined, when the
  // text is not a JSON object. Strings in `out` stay valid until the next call.
  bool extract(std::string_view text, size_t capacity, const PathSet& paths,
               std::span<JsonScalar> out, Validation validation = Validation::kFull);

  // The message's body as UTF-8 JSON text, when its system properties say it is JSON:
  // contentType application/json and contentEncoding utf-8 / utf-16 / utf-32 (letter case
  // ignored). UTF-16/32 bodies are transcoded into a buffer owned by the reader. nullopt when
  // the body is not JSON by those properties or does not decode. A byte-order mark is skipped.
  struct Text {
    std::string_view text;
    size_t capacity;  // readable bytes from text.data()
  };
  std::optional<Text> jsonBody(const Message& message);

 private:
  friend struct FastWalker;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace routesim::message
