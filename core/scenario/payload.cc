#include "core/scenario/payload.h"

#include <charconv>
#include <cmath>
#include <ctime>

#include "core/common/config_reader.h"
#include "core/common/duration.h"

namespace routesim::scenario {
namespace {

constexpr std::string_view kAlphanumeric =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

// `out` = the shortest text that reads back as `v`; integers without a fraction. Assigned in
// place: a variable's string keeps its capacity from one message to the next.
void assignNumber(std::string& out, double v) {
  char buf[32];
  std::to_chars_result r{};
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v);
  }
  out.assign(buf, r.ptr);
}

void assignInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.assign(buf, r.ptr);
}

bool validName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<double> number(ObjectReader& r, std::string_view key, ConfigIssues& issues) {
  const json::Value* v = r.get(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is(json::Type::kNumber)) {
    issues.error(r.pathOf(key), "InvalidVariable", "expected a number", v->offset());
    return std::nullopt;
  }
  return v->number();
}

}  // namespace

std::string formatIsoTime(uint64_t unix_ns) {
  return formatUtcTicks(static_cast<int64_t>(unix_ns));  // seven fractional digits, as .NET "o"
}

VariableSet VariableSet::fromSpecs(std::vector<VariableSpec> specs) {
  VariableSet s;
  s.specs_ = std::move(specs);
  return s;
}

std::optional<VariableSpec> readVariableSpec(const json::Value& item, const std::string& at,
                                             ConfigIssues& issues,
                                             std::optional<std::string> name) {
  ObjectReader r(item, at, issues);
  if (!r.ok()) return std::nullopt;
  VariableSpec v;
  size_t errors = issues.errorCount();
  if (!name) {
    name = r.string("name", /*required=*/true);
    if (name && !validName(*name)) {
      issues.error(
          r.pathOf("name"), "InvalidVariable",
          "a variable name is letters, digits and '_' (it is written $." + *name + " in templates)",
          memberOffset(item, "name"));
    }
  }
  if (name) v.name = *name;
  v.random = r.boolean("random").value_or(false);
  v.random_double = r.boolean("randomDouble").value_or(false);
  v.sequence = r.boolean("sequence").value_or(false);
  v.min = number(r, "min", issues);
  v.max = number(r, "max", issues);
  v.step = number(r, "step", issues);
  if (auto n = r.integer("customLengthString", 0, 1 << 20))
    v.custom_length_string = static_cast<uint32_t>(*n);
  if (const json::Value* values = r.array("values")) {
    size_t k = 0;
    for (const json::Value& x : values->items()) {
      std::string xpath = r.pathOf("values") + "[" + std::to_string(k++) + "]";
      if (x.is(json::Type::kString)) {
        v.values.push_back(std::string(x.text()));
      } else if (x.is(json::Type::kNumber) || x.is(json::Type::kBool)) {
        std::string text;
        x.writeCompact(text);
        v.values.push_back(std::move(text));
      } else {
        issues.error(xpath, "InvalidVariable", "expected a string, number or boolean", x.offset());
      }
    }
    if (v.values.empty()) {
      issues.error(r.pathOf("values"), "InvalidVariable", "values needs at least one entry",
                   values->offset());
    }
  }
  if (const json::Value* weights = r.array("weights")) {
    double total = 0;
    for (const json::Value& w : weights->items()) {
      if (!w.is(json::Type::kNumber) || !(w.number() >= 0)) {
        issues.error(r.pathOf("weights"), "InvalidVariable", "weights are non-negative numbers",
                     w.offset());
        break;
      }
      v.weights.push_back(w.number());
      total += w.number();
    }
    if (v.weights.size() != v.values.size() || !(total > 0)) {
      issues.error(r.pathOf("weights"), "InvalidVariable",
                   "weights needs one non-negative number per entry of values, not all zero",
                   weights->offset());
      v.weights.clear();
    }
  }
  int kinds = (v.random ? 1 : 0) + (v.random_double ? 1 : 0) + (v.custom_length_string ? 1 : 0) +
              (v.values.empty() ? 0 : 1);
  if (kinds > 1) {
    issues.error(at, "InvalidVariable",
                 "a variable is one of random, randomDouble, customLengthString or values",
                 item.offset());
  }
  if (v.sequence && v.values.empty()) {
    issues.error(at, "InvalidVariable", "sequence needs values", item.offset());
  }
  if (v.min && v.max && *v.max < *v.min) {
    issues.error(r.pathOf("max"), "InvalidVariable", "max is below min", item.offset());
  }
  if (v.random) {
    // Random integers are drawn between whole numbers a double holds exactly.
    constexpr double kLimit = 9007199254740992.0;  // 2^53
    for (const auto& [key, bound] : {std::pair{"min", v.min}, std::pair{"max", v.max}}) {
      if (bound && !(*bound >= -kLimit && *bound <= kLimit)) {
        issues.error(r.pathOf(key), "InvalidVariable",
                     std::string("a random integer's ") + key +
                         " lies between -9007199254740992 and 9007199254740992 (2^53)",
                     memberOffset(item, key));
      }
    }
  }
  if (v.step && *v.step == 0) {
    issues.error(r.pathOf("step"), "InvalidVariable", "step must not be 0", item.offset());
  }
  r.warnUnknownKeys();
  if (issues.errorCount() != errors) return std::nullopt;
  return v;
}

VariableSet VariableSet::read(const json::Value* variables, const std::string& path,
                              ConfigIssues& issues) {
  VariableSet set;
  if (variables == nullptr) return set;
  if (!variables->is(json::Type::kArray)) {
    issues.error(path, "InvalidVariables", "expected an array of variable objects",
                 variables->offset());
    return set;
  }
  size_t index = 0;
  for (const json::Value& item : variables->items()) {
    std::string at = path + "[" + std::to_string(index++) + "]";
    std::optional<VariableSpec> v = readVariableSpec(item, at, issues, std::nullopt);
    if (!v) continue;
    if (set.find(v->name) >= 0 || Builtins::isBuiltin(v->name)) {
      issues.error(at + ".name", "DuplicateVariable",
                   "variable '" + v->name + "' is defined twice or shadows a built-in",
                   memberOffset(item, "name"));
      continue;
    }
    set.specs_.push_back(std::move(*v));
  }
  return set;
}

int VariableSet::find(std::string_view name) const {
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void VariableSet::valueOf(size_t i, Rng& rng, VariableState& state, std::string& out) const {
  const VariableSpec& v = specs_[i];
  if (v.random) {
    if (v.min && v.max && *v.max > *v.min) {
      auto lo = static_cast<int64_t>(std::floor(*v.min));
      auto hi = static_cast<int64_t>(std::floor(*v.max));
      assignInt(out, hi <= lo ? lo : rng.range(lo, hi));
      return;
    }
    assignInt(out, rng.range(0, 2147483647));
    return;
  }
  if (v.random_double) {
    double lo = v.min.value_or(0);
    double hi = v.max.value_or(lo < 1 ? 1 : lo + 1);
    assignNumber(out, lo + (hi - lo) * rng.uniform());
    return;
  }
  if (v.custom_length_string) {
    out.resize(*v.custom_length_string);
    for (char& c : out) c = kAlphanumeric[rng.below(kAlphanumeric.size())];
    return;
  }
  if (!v.values.empty()) {
    if (v.sequence) {
      out.assign(v.values[state.positions[i]++ % v.values.size()]);
      return;
    }
    if (v.weights.empty()) {
      out.assign(v.values[rng.below(v.values.size())]);
      return;
    }
    double total = 0;
    for (double w : v.weights) total += w;
    double pick = rng.uniform() * total;
    for (size_t k = 0; k < v.weights.size(); ++k) {
      if (pick < v.weights[k]) {
        out.assign(v.values[k]);
        return;
      }
      pick -= v.weights[k];
    }
    out.assign(v.values.back());
    return;
  }
  double start = v.min.value_or(1);
  double& counter = state.counters[i];
  if (!state.started) {
    counter = start;
  } else {
    counter += v.step.value_or(1);
    if (v.max && counter > *v.max) counter = start;
  }
  assignNumber(out, counter);
}

bool Builtins::isBuiltin(std::string_view name) {
  for (std::string_view n : kNames) {
    if (n == name) return true;
  }
  return false;
}

std::optional<std::string> Builtins::get(std::string_view name) {
  std::string value;
  if (!append(name, value)) return std::nullopt;
  return value;
}

bool Builtins::append(std::string_view name, std::string& out) {
  auto appendUnsigned = [&out](uint64_t v) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
  };
  if (name == "DeviceId") {
    out += context_.device_id;
  } else if (name == "Time" || name == "LocalTime") {
    char time[kUtcTicksLength];
    std::string_view t = formatUtcTicks(static_cast<int64_t>(context_.unix_ns), time);
    if (name == "Time") {
      out += t;
    } else {
      out += t.substr(0, t.size() - 1);  // "+00:00" for the "Z"
      out += "+00:00";
    }
  } else if (name == "Ticks") {
    appendUnsigned(context_.unix_ns / 100 + 621355968000000000ULL);
  } else if (name == "Epoch") {
    appendUnsigned(context_.unix_ns / 1000000000ULL);
  } else if (name == "MachineName") {
    out += "routesim";
  } else if (name == "Guid") {
    if (!guid_) {
      uint64_t hi = rng_.next();
      uint64_t lo = rng_.next();
      hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
      lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
      char buf[40];
      std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                    static_cast<unsigned long long>(hi >> 32),
                    static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                    static_cast<unsigned long long>(hi & 0xFFFF),
                    static_cast<unsigned long long>(lo >> 48),
                    static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
      guid_ = buf;
    }
    out += *guid_;
  } else {
    return false;
  }
  return true;
}

PayloadTemplate PayloadTemplate::compile(std::string_view text, const VariableSet& variables) {
  PayloadTemplate t;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '.') {
      // The longest variable or built-in name starting here.
      size_t best = 0;
      int variable = -1;
      std::string_view builtin;
      std::string_view rest = text.substr(i + 2);
      for (size_t k = 0; k < variables.specs().size(); ++k) {
        const std::string& n = variables.specs()[k].name;
        if (n.size() > best && rest.substr(0, n.size()) == n) {
          best = n.size();
          variable = static_cast<int>(k);
          builtin = {};
        }
      }
      for (std::string_view n : Builtins::kNames) {
        if (n.size() > best && rest.substr(0, n.size()) == n) {
          best = n.size();
          variable = -1;
          builtin = n;
        }
      }
      if (best > 0) {
        if (!literal.empty()) t.segments_.push_back({std::move(literal), -1, {}});
        literal.clear();
        t.segments_.push_back({{}, variable, builtin});
        i += 2 + best;
        continue;
      }
      t.unresolved_.push_back(static_cast<uint32_t>(i));
    }
    literal.push_back(text[i++]);
  }
  if (!literal.empty()) t.segments_.push_back({std::move(literal), -1, {}});
  return t;
}

void PayloadTemplate::render(const std::vector<std::string>& values, Builtins& builtins,
                             std::string& out) const {
  out.clear();
  for (const Segment& s : segments_) {
    if (s.variable >= 0) {
      out += values[static_cast<size_t>(s.variable)];
    } else if (!s.builtin.empty()) {
      builtins.append(s.builtin, out);
    } else {
      out += s.literal;
    }
  }
}

PayloadMix PayloadMix::read(const json::Value& object, const std::string& path,
                            ConfigIssues& issues) {
  PayloadMix mix;
  mix.variables_ =
      VariableSet::read(object.find("variables"), json::pathJoin(path, "variables"), issues);
  auto warnUnresolved = [&](const PayloadTemplate& t, const std::string& at, uint32_t offset) {
    for (uint32_t u : t.unresolved()) {
      issues.warning(at, "UnknownPlaceholder",
                     "'$.' at template offset " + std::to_string(u) +
                         " names no variable or built-in; it is kept as written",
                     offset);
    }
  };
  const json::Value* single = object.find("template");
  const json::Value* list = object.find("payloads");
  if (single != nullptr && list != nullptr) {
    issues.error(json::pathJoin(path, "payloads"), "InvalidPayload",
                 "give either template or payloads, not both", list->offset());
    return mix;
  }
  if (single != nullptr) {
    if (!single->is(json::Type::kString)) {
      issues.error(json::pathJoin(path, "template"), "InvalidPayload", "expected a string",
                   single->offset());
      return mix;
    }
    PayloadChoice c;
    c.compiled = PayloadTemplate::compile(single->text(), mix.variables_);
    warnUnresolved(c.compiled, json::pathJoin(path, "template"), single->offset());
    mix.choices_.push_back(std::move(c));
    return mix;
  }
  if (list == nullptr) return mix;
  std::string lpath = json::pathJoin(path, "payloads");
  if (!list->is(json::Type::kArray) || list->items().empty()) {
    issues.error(lpath, "InvalidPayload", "expected a non-empty array of payload choices",
                 list->offset());
    return mix;
  }
  double total = 0;
  size_t index = 0;
  for (const json::Value& item : list->items()) {
    std::string at = lpath + "[" + std::to_string(index++) + "]";
    ObjectReader r(item, at, issues);
    if (!r.ok()) continue;
    PayloadChoice c;
    const json::Value* percent = r.get("percent", true);
    if (percent != nullptr) {
      if (!percent->is(json::Type::kNumber) || !(percent->number() > 0) ||
          percent->number() > 100) {
        issues.error(r.pathOf("percent"), "InvalidPayload", "expected a percentage in (0, 100]",
                     percent->offset());
      } else {
        c.percent = percent->number();
        total += c.percent;
      }
    }
    int kinds = 0;
    if (const json::Value* t = r.get("template")) {
      ++kinds;
      if (t->is(json::Type::kString)) {
        c.kind = PayloadChoice::Kind::kTemplate;
        c.compiled = PayloadTemplate::compile(t->text(), mix.variables_);
        warnUnresolved(c.compiled, r.pathOf("template"), t->offset());
      } else {
        issues.error(r.pathOf("template"), "InvalidPayload", "expected a string", t->offset());
      }
    }
    if (std::optional<std::string> fix = r.string("fix")) {
      ++kinds;
      c.kind = PayloadChoice::Kind::kFix;
      c.fixed = *fix;
    }
    if (std::optional<int64_t> size = r.integer("fixSize", 0, 262144)) {
      ++kinds;
      c.kind = PayloadChoice::Kind::kFixSize;
      c.fixed.assign(static_cast<size_t>(*size), '\0');
    }
    if (kinds != 1) {
      issues.error(at, "InvalidPayload",
                   "a payload choice has exactly one of template, fix, fixSize", item.offset());
    }
    r.warnUnknownKeys();
    mix.choices_.push_back(std::move(c));
  }
  if (std::fabs(total - 100) > 1e-9) {
    std::string sum;
    assignNumber(sum, total);
    issues.error(lpath, "InvalidPayload", "the percentages add up to " + sum + ", not 100",
                 list->offset());
  }
  return mix;
}

void PayloadMix::generate(Rng& rng, VariableState& state, const MessageContext& context,
                          std::string& out) const {
  out.clear();
  if (choices_.empty()) return;
  const PayloadChoice* choice = &choices_[0];
  if (choices_.size() > 1) {
    double pick = rng.uniform() * 100;
    for (const PayloadChoice& c : choices_) {
      choice = &c;
      if (pick < c.percent) break;
      pick -= c.percent;
    }
  }
  if (choice->kind != PayloadChoice::Kind::kTemplate) {
    out = choice->fixed;
    return;
  }
  Builtins builtins(context, rng);
  thread_local std::vector<std::string> values;
  variables_.next(
      rng, state, [&](std::string_view n) { return builtins.get(n); }, values);
  choice->compiled.render(values, builtins, out);
}

}  // namespace routesim::scenario
