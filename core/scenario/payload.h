// Message payloads for scenario traffic, in the manner of Azure's IoT Telemetry Simulator
// (reference ecosystem.md §A.5), so its users recognise the format: a `template` text with
// `$.Name` placeholders, `variables` ({name, random, randomDouble, min, max, step, values,
// weights, sequence, customLengthString}), the built-ins DeviceId, Guid, Time, LocalTime,
// Ticks, Epoch and MachineName, and a payload mix by percentage (template / fix / fixSize).
//
// Semantics (the simulator's, made deterministic):
// - A placeholder is `$.` followed by the longest variable or built-in name that matches there
//   (as the simulator replaces longer names first); any other `$.` text stays as written.
// - `random`: an integer in [min, max) when both are given and max > min, else in [0, 2^31-1).
//   `randomDouble`: a real in [min, max) (default [0, 1)). `customLengthString`: that many
//   random letters and digits. `values`: one at random (by `weights` when given, else evenly),
//   or in order, cycling, with `sequence`; a value written "$.Name" is that variable's or
//   built-in's value for the same message. Otherwise a counter per device: min (default 1)
//   on the first message, then + step (default 1), wrapping back to min past max.
// - Time and LocalTime are the virtual time in ISO 8601 with seven fractional digits (UTC:
//   "Z" and "+00:00"); Ticks are .NET ticks; Epoch Unix seconds; Guid a version-4 GUID from the
//   scenario's random stream; MachineName "routesim".
// Every random draw comes from the caller's Rng (a per-device stream), in a fixed order, so the
// same seed gives the same payloads on every machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/scenario/random.h"

namespace routesim::scenario {

struct VariableSpec {
  std::string name;
  bool random = false;
  bool random_double = false;
  bool sequence = false;
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> step;
  std::optional<uint32_t> custom_length_string;
  std::vector<std::string> values;
  std::vector<double> weights;  // empty: even
};

// One device's state across its messages: counters and sequence positions.
struct VariableState {
  std::vector<double> counters;
  std::vector<uint64_t> positions;
  bool started = false;
};

// What the built-ins are for one message.
struct MessageContext {
  std::string_view device_id;
  uint64_t unix_ns = 0;  // virtual time since 1970-01-01T00:00:00Z
};

// Reads one variable object at `path`: its name from `name` when given (application
// properties are keyed by name), else from its "name" member. nullopt after an error.
std::optional<VariableSpec> readVariableSpec(const json::Value& item, const std::string& path,
                                             ConfigIssues& issues, std::optional<std::string> name);

class VariableSet {
 public:
  // Reads an array of variable objects at `path` (absent: no variables). Problems go to
  // `issues` with JSON paths; invalid variables are left out.
  static VariableSet read(const json::Value* variables, const std::string& path,
                          ConfigIssues& issues);
  static VariableSet fromSpecs(std::vector<VariableSpec> specs);

  const std::vector<VariableSpec>& specs() const { return specs_; }
  // The index of variable `name` (exact match), or -1.
  int find(std::string_view name) const;

  // The values of every variable for one message, in spec order. `builtin` gives a built-in's
  // text by name (used by values written "$.Name").
  template <typename Builtin>
  void next(Rng& rng, VariableState& state, Builtin&& builtin, std::vector<std::string>& out) const;

 private:
  // Assigns variable i's next value to `out` (in place: `out` keeps its capacity).
  void valueOf(size_t i, Rng& rng, VariableState& state, std::string& out) const;
  std::vector<VariableSpec> specs_;
};

// The built-in values, computed on demand for one message (Guid draws from the Rng once).
class Builtins {
 public:
  static constexpr std::string_view kNames[] = {"DeviceId", "Guid",  "Time",       "LocalTime",
                                                "Ticks",    "Epoch", "MachineName"};
  Builtins(const MessageContext& context, Rng& rng) : context_(context), rng_(rng) {}
  static bool isBuiltin(std::string_view name);
  // The value of built-in `name`, or nullopt when `name` is not one.
  std::optional<std::string> get(std::string_view name);
  // The same appended to `out`; false (nothing appended) when `name` is not one.
  bool append(std::string_view name, std::string& out);

 private:
  const MessageContext& context_;
  Rng& rng_;
  std::optional<std::string> guid_;
};

// A compiled template: literal text and placeholders.
class PayloadTemplate {
 public:
  // Placeholders resolve against `variables` and the built-ins; `$.` text that names neither is
  // kept literally and listed in unresolved() (offsets into `text`), for a warning.
  static PayloadTemplate compile(std::string_view text, const VariableSet& variables);
  const std::vector<uint32_t>& unresolved() const { return unresolved_; }

  // Renders with this message's variable values (VariableSet::next) and built-ins.
  void render(const std::vector<std::string>& values, Builtins& builtins, std::string& out) const;

 private:
  struct Segment {
    std::string literal;  // used when variable < 0 and builtin empty
    int variable = -1;
    std::string_view builtin;
  };
  std::vector<Segment> segments_;
  std::vector<uint32_t> unresolved_;
};

// A payload mix: each message takes one entry, chosen by percentage.
struct PayloadChoice {
  enum class Kind : uint8_t { kTemplate, kFix, kFixSize };
  Kind kind = Kind::kTemplate;
  double percent = 100;
  PayloadTemplate compiled;  // kTemplate
  std::string fixed;         // kFix: the text; kFixSize: that many zero bytes
};

class PayloadMix {
 public:
  // Reads a traffic entry's payload: either `template` (with `variables`), or `payloads`: an
  // array of {"percent": p, "template": "..."} | {"percent": p, "fix": "..."} |
  // {"percent": p, "fixSize": n}, percentages summing to 100. `object` is the traffic entry.
  static PayloadMix read(const json::Value& object, const std::string& path, ConfigIssues& issues);

  const VariableSet& variables() const { return variables_; }
  bool empty() const { return choices_.empty(); }
  const std::vector<PayloadChoice>& choices() const { return choices_; }

  // The body of one message of a device.
  void generate(Rng& rng, VariableState& state, const MessageContext& context,
                std::string& out) const;

 private:
  VariableSet variables_;
  std::vector<PayloadChoice> choices_;
};

// "2026-11-29T01:02:03.1234567Z" for nanoseconds since the Unix epoch.
std::string formatIsoTime(uint64_t unix_ns);

template <typename Builtin>
void VariableSet::next(Rng& rng, VariableState& state, Builtin&& builtin,
                       std::vector<std::string>& out) const {
  if (!state.started) {
    state.counters.assign(specs_.size(), 0);
    state.positions.assign(specs_.size(), 0);
  }
  out.resize(specs_.size());
  // Variables without references first, then values that name another variable or built-in.
  for (size_t i = 0; i < specs_.size(); ++i) valueOf(i, rng, state, out[i]);
  for (size_t i = 0; i < specs_.size(); ++i) {
    const std::string& v = out[i];
    if (specs_[i].values.empty() || v.size() < 3 || v[0] != '$' || v[1] != '.') continue;
    std::string_view name = std::string_view(v).substr(2);
    int j = find(name);
    if (j >= 0 && specs_[static_cast<size_t>(j)].values.empty()) {
      out[i] = out[static_cast<size_t>(j)];
    } else if (std::optional<std::string> b = builtin(name)) {
      out[i] = std::move(*b);
    }
  }
  state.started = true;
}

}  // namespace routesim::scenario
