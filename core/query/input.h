// The message inputs a condition reads (properties, $body / $twin paths) and their per-message
// resolution. An InputCatalog interns every input of every condition compiled against it (all
// routes of a table share one), so each message resolves an input at most once and parses its
// body at most once, in one pass over the union of the paths, and only when some condition
// actually reads the body.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/message/json_reader.h"
#include "core/message/message.h"
#include "core/query/string_arena.h"
#include "core/query/value.h"

namespace routesim::query {

enum class InputKind : uint8_t {
  kAppProperty,     // `name`: application property
  kSystemProperty,  // `{$name}`: system property
  kDollarProperty,  // `$name`: application property "$name", else system property "name"
  kBodyPath,        // `$body.path`: application property "$body.path" (if app_name), else body
  kTwinPath,        // `$twin.path`: application property "$twin.path" (if app_name), else twin
  kTwinChange,      // twin_change_includes(path): is the path in the notification body?
};

struct InputSlot {
  InputKind kind;
  std::string name;             // property name (system name for kDollarProperty)
  std::string app_name;         // application property consulted first; empty for none
  uint32_t path = 0;            // slot in the catalog's body or twin PathSet
  std::string folded_name;      // utf::foldCase(name): what lookups compare
  std::string folded_app_name;  // utf::foldCase(app_name)
};

class InputCatalog {
 public:
  InputCatalog();

  // The slot of an input, interned: equal inputs share a slot. Not thread-safe: build the
  // catalog while compiling, then share it read-only.
  uint32_t property(InputKind kind, std::string_view name, std::string_view app_name = {});
  uint32_t bodyPath(const message::JsonPath& path, std::string_view app_name);
  uint32_t twinPath(const message::JsonPath& path, std::string_view app_name);
  uint32_t twinChange(const message::JsonPath& path);

  const std::vector<InputSlot>& slots() const { return slots_; }
  // The slots that read the body (kBodyPath, kTwinChange) and the twin (kTwinPath): resolved
  // together, in one loop, when the document is first read.
  const std::vector<uint32_t>& bodySlots() const { return body_slots_; }
  const std::vector<uint32_t>& twinSlots() const { return twin_slots_; }
  // The property slots (kAppProperty, kSystemProperty, kDollarProperty): resolved together on
  // first use, in one loop.
  const std::vector<uint32_t>& propertySlots() const { return property_slots_; }
  const message::PathSet& bodyPaths() const { return body_paths_; }
  const message::PathSet& twinPaths() const { return twin_paths_; }

 private:
  uint32_t intern(InputSlot slot);

  std::vector<InputSlot> slots_;
  std::vector<uint32_t> body_slots_;
  std::vector<uint32_t> twin_slots_;
  std::vector<uint32_t> property_slots_;
  message::PathSet body_paths_;
  message::PathSet twin_paths_;
};

// Everything an evaluating thread reuses from message to message: JSON readers and their
// buffers, the input cache, registers and the string arena. One per thread; not thread-safe.
class EvalScratch {
 public:
  EvalScratch() = default;
  EvalScratch(const EvalScratch&) = delete;
  EvalScratch& operator=(const EvalScratch&) = delete;

  // How much of a body is syntax-checked (see message::Validation). kFull by default.
  void setValidation(message::Validation v) { validation_ = v; }

 private:
  friend class MessageContext;
  message::JsonReader body_reader_;
  message::JsonReader twin_reader_;
  std::vector<message::JsonScalar> body_values_;
  std::vector<message::JsonScalar> twin_values_;
  std::vector<Value> slot_values_;
  std::vector<uint32_t> slot_epoch_;
  uint32_t epoch_ = 0;
  std::vector<Value> registers_;
  StringArena arena_;
  message::Validation validation_ = message::Validation::kFull;
};

// One message's inputs, resolved on first use and cached for every condition that follows.
// Lives for one message; the message, catalog and scratch must outlive it.
class MessageContext {
 public:
  MessageContext(const message::Message& message, const InputCatalog& catalog,
                 EvalScratch& scratch);

  const Value& input(uint32_t slot) {
    if (scratch_.slot_epoch_[slot] != scratch_.epoch_) resolve(slot);
    return scratch_.slot_values_[slot];
  }
  StringArena& arena() { return scratch_.arena_; }
  std::span<Value> registers(size_t n) {
    if (scratch_.registers_.size() < n) scratch_.registers_.resize(n);
    return {scratch_.registers_.data(), n};
  }
  const message::Message& message() const { return message_; }
  bool bodyParsed() const { return body_loaded_; }

 private:
  void resolve(uint32_t slot);
  void loadBody();
  void loadTwin();
  void resolveProperties();
  // Fills the cache for every slot in `slots` that reads `values` directly (no application
  // property can override it in this message).
  void fillFromDocument(const std::vector<uint32_t>& slots,
                        const std::vector<message::JsonScalar>& values);

  // Whether some application property's name starts with '$': only then can one override
  // `$name`, `$body.path` or `$twin.path` (rare; checked once per message).
  bool hasDollarAppProperty();

  const message::Message& message_;
  const InputCatalog& catalog_;
  EvalScratch& scratch_;
  bool body_loaded_ = false;
  bool twin_loaded_ = false;
  int8_t dollar_app_property_ = -1;  // unknown until first needed
};

}  // namespace routesim::query
