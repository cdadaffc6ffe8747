// Route-table evaluation throughput: the compiled Program (all routes against one shared
// InputCatalog, so a body is parsed once per message) beside two baselines that must give the
// same answers:
//   * BM_EvaluateHandWritten: the speed limit, the 10 routes of routeConditions(10) written by
//     hand in C++ over simdjson On-Demand (one pass over the body, no interpreter), and
//     BM_EvaluateHandWrittenDom, the same over a full DOM parse (whole-body validation, the
//     duty Validation::kFull has);
//   * BM_EvaluateTreeWalker: query::TreeEvaluator, the naive AST walk that looks every input up
//     by name and re-parses the body for every $body reference.
// Every benchmark checks at setup, on the whole message pool, that it agrees with the compiled
// table route by route (SkipWithError otherwise). Inputs come from telemetry_generator's fixed
// seeds and are built outside the timed loops. See bench/RESULTS.md.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/utf.h"
#include "core/message/json_reader.h"
#include "core/message/message.h"
#include "core/query/compiler.h"
#include "core/query/input.h"
#include "core/query/program.h"
#include "core/query/tree_evaluator.h"
#include "tools/telemetry/telemetry_generator.h"

namespace routesim::bench {
namespace {

using telemetry::makeTelemetryPool;
using telemetry::routeConditions;

namespace od = simdjson::ondemand;
using query::TriState;

constexpr size_t kPoolSize = 1024;  // messages, cycled; a power of two
static_assert((kPoolSize & (kPoolSize - 1)) == 0);

const std::vector<message::Message>& messagePool() {
  static const std::vector<message::Message> pool = makeTelemetryPool(kPoolSize);
  return pool;
}

double meanBodyBytes() {
  size_t total = 0;
  for (const auto& m : messagePool()) total += m.body.size();
  return static_cast<double>(total) / static_cast<double>(kPoolSize);
}

// ---------------------------------------------------------------------------------------------
// The compiled route table, and its answers on the pool (the reference for the baselines).
// ---------------------------------------------------------------------------------------------

struct CompiledTable {
  std::vector<std::string> queries;
  std::unique_ptr<query::InputCatalog> catalog;
  std::vector<query::Program> programs;
  std::vector<TriState> answers;  // [message * routes + route]
  std::string error;              // a query that did not compile
};

const CompiledTable& compiledTable(size_t routes) {
  static std::mutex mu;
  static std::map<size_t, std::unique_ptr<CompiledTable>> tables;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = tables[routes];
  if (slot) return *slot;
  slot = std::make_unique<CompiledTable>();
  CompiledTable& t = *slot;
  t.queries = routeConditions(routes);
  t.catalog = std::make_unique<query::InputCatalog>();
  for (const std::string& q : t.queries) {
    auto program = query::compileCondition(q, {}, *t.catalog);
    if (!program.ok()) {
      t.error = "route '" + q + "' does not compile: " + program.error().message();
      return t;
    }
    t.programs.push_back(std::move(program).value());
  }
  query::EvalScratch scratch;
  for (const message::Message& m : messagePool()) {
    query::MessageContext context(m, *t.catalog, scratch);
    for (const query::Program& p : t.programs) t.answers.push_back(p.evaluate(context));
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// The hand-written baseline: routeConditions(10), by hand.
//
//   0  $body.sensors.temperature > 30
//   1  level = 'critical'
//   2  $body.status = 'alarm'
//   3  $body.readings[0] > 10 AND level = 'warning'
//   4  $connectionDeviceId = 'dev-42'
//   5  $contentType = 'application/json' AND $body.sensors.humidity >= 80
//   6  site = 'plant-7' AND $body.sensors.pressure < 990
//   7  $body.firmware.channel = 'beta' AND $body.firmware.version <> '2.4.0'
//        AND $body.firmware.autoUpdate = true
//   8  $body.battery.level < 20 OR $body.status = 'lowBattery'
//   9  $body.location.site = 'plant-3' AND ($body.readings[1] > 50
//        OR $body.diagnostics.resets >= 3) AND $body.location.lat > 33
//
// It keeps the language's semantics for these routes (query-language.md §3.2, §4): property
// names ignore case; `$name` and `$body.path` first consult an application property of that
// literal name; a missing body path is null and compares with a number or string by kind order
// (so a missing battery level is not `< 20` but a missing readings[0] is `> 10`); a JSON object
// or array, or a body that is not JSON by contentType / contentEncoding, is undefined; the first
// occurrence of a repeated key wins. A route matches only when its condition is true, so
// three-valued AND / OR reduce to && / || over "is true".
// Differences, none of which the generated messages exercise (the setup check would notice):
// property names are compared as ASCII; UTF-16 / UTF-32 bodies are not transcoded (undefined);
// values no route reads are skipped by On-Demand without validating their syntax.
// ---------------------------------------------------------------------------------------------

// A value read from the body, in the dynamic kind order of comparisons
// (undefined < bool < number < string < null). kMissing ranks as null.
enum class JKind : uint8_t { kUndefined, kBool, kNumber, kString, kNull, kMissing, kComposite };

struct JValue {
  JKind kind = JKind::kMissing;
  bool boolean = false;
  double number = 0;
  std::string_view string;
};

inline int rankOf(JKind k) {
  return k == JKind::kMissing ? static_cast<int>(JKind::kNull) : static_cast<int>(k);
}
inline bool comparable(const JValue& v) {
  return v.kind != JKind::kUndefined && v.kind != JKind::kComposite;
}

// `v <op> number`: the sign of the order (v - c), or kind order when v is not a number.
inline int orderToNumber(const JValue& v, double c) {
  if (v.kind == JKind::kNumber) return v.number < c ? -1 : (v.number > c ? 1 : 0);
  return rankOf(v.kind) - static_cast<int>(JKind::kNumber);
}
inline bool gt(const JValue& v, double c) { return comparable(v) && orderToNumber(v, c) > 0; }
inline bool ge(const JValue& v, double c) { return comparable(v) && orderToNumber(v, c) >= 0; }
inline bool lt(const JValue& v, double c) { return comparable(v) && orderToNumber(v, c) < 0; }
inline bool eq(const JValue& v, std::string_view c) {
  return v.kind == JKind::kString && v.string == c;
}
inline bool ne(const JValue& v, std::string_view c) {
  return comparable(v) && (v.kind != JKind::kString || v.string != c);
}
inline bool isBool(const JValue& v, bool c) { return v.kind == JKind::kBool && v.boolean == c; }

// A string property's value as the language sees it: absent (undefined), null, or a string.
struct Prop {
  const message::Property* p = nullptr;
  bool is(std::string_view c) const { return p != nullptr && p->value && *p->value == c; }
};

// How the hand-written routes read the body: On-Demand (one pass, reads only what the routes
// need, skips the rest unvalidated) or a full DOM parse (every value validated, as
// Validation::kFull does, then the same one pass over the parsed document).
enum class BodyReader { kOnDemand, kDom };

class HandWritten10 {
 public:
  static constexpr size_t kRoutes = 10;

  // Bit r is set when route r matches.
  template <BodyReader kReader = BodyReader::kOnDemand>
  uint32_t evaluate(const message::Message& m) {
    // Application properties, one pass: level, site, and any "$..." override.
    Prop level, site;
    bool dollar = false;
    for (const message::Property& p : m.app_properties) {
      if (!p.name.empty() && p.name[0] == '$') {
        dollar = true;
      } else if (utf::equalsAsciiLower(p.name, "level")) {
        level.p = &p;
      } else if (utf::equalsAsciiLower(p.name, "site")) {
        site.p = &p;
      }
    }
    // System properties, one pass.
    Prop content_type, content_encoding, device;
    for (const message::Property& p : m.system_properties) {
      switch (p.name.size()) {
        case 11:
          if (utf::equalsAsciiLower(p.name, "contenttype")) content_type.p = &p;
          break;
        case 15:
          if (utf::equalsAsciiLower(p.name, "contentencoding")) content_encoding.p = &p;
          break;
        case 18:
          if (utf::equalsAsciiLower(p.name, "connectiondeviceid")) device.p = &p;
          break;
        default:
          break;
      }
    }

    Body b;
    const bool json = content_type.p && content_type.p->value && content_encoding.p &&
                      content_encoding.p->value &&
                      utf::equalsAsciiLower(*content_type.p->value, "application/json") &&
                      utf::equalsAsciiLower(*content_encoding.p->value, "utf-8");
    bool read_ok = false;
    if (json) {
      read_ok = kReader == BodyReader::kOnDemand ? readBody(m.body, b) : readBodyDom(m.body, b);
    }
    if (!read_ok) b = Body::undefined();

    Prop dollar_content_type = content_type;
    Prop dollar_device = device;
    if (dollar) applyOverrides(m, b, dollar_content_type, dollar_device);

    uint32_t r = 0;
    r |= static_cast<uint32_t>(gt(b.temperature, 30)) << 0;
    r |= static_cast<uint32_t>(level.is("critical")) << 1;
    r |= static_cast<uint32_t>(eq(b.status, "alarm")) << 2;
    r |= static_cast<uint32_t>(gt(b.readings0, 10) && level.is("warning")) << 3;
    r |= static_cast<uint32_t>(dollar_device.is("dev-42")) << 4;
    r |= static_cast<uint32_t>(dollar_content_type.is("application/json") && ge(b.humidity, 80))
         << 5;
    r |= static_cast<uint32_t>(site.is("plant-7") && lt(b.pressure, 990)) << 6;
    r |= static_cast<uint32_t>(eq(b.channel, "beta") && ne(b.version, "2.4.0") &&
                               isBool(b.auto_update, true))
         << 7;
    r |= static_cast<uint32_t>(lt(b.battery, 20) || eq(b.status, "lowBattery")) << 8;
    r |= static_cast<uint32_t>(eq(b.location_site, "plant-3") &&
                               (gt(b.readings1, 50) || ge(b.resets, 3)) && gt(b.lat, 33))
         << 9;
    return r;
  }

  // The body pass alone (for BM_ReadBodyHandWritten): the number of values found.
  size_t readOnly(const message::Message& m) {
    Body b;
    if (!readBody(m.body, b)) return 0;
    return static_cast<size_t>(b.temperature.kind != JKind::kMissing) +
           (b.status.kind != JKind::kMissing) + (b.readings0.kind != JKind::kMissing) +
           (b.lat.kind != JKind::kMissing);
  }

 private:
  struct Body {
    JValue temperature, humidity, pressure;  // sensors.*
    JValue status;
    JValue readings0, readings1;
    JValue location_site, lat;             // location.*
    JValue channel, version, auto_update;  // firmware.*
    JValue battery;                        // battery.level
    JValue resets;                         // diagnostics.resets
    static Body undefined() {
      Body b;
      for (JValue* v : b.all()) v->kind = JKind::kUndefined;
      return b;
    }
    std::array<JValue*, 13> all() {
      return {&temperature, &humidity,      &pressure, &status,  &readings0,
              &readings1,   &location_site, &lat,      &channel, &version,
              &auto_update, &battery,       &resets};
    }
  };

  // Reads a scalar (or notes a composite) into `out`, unless an earlier occurrence of the key
  // already did. False on a JSON error.
  static bool read(od::value v, JValue& out) {
    if (out.kind != JKind::kMissing) return true;  // first occurrence wins
    od::json_type t;
    if (v.type().get(t)) return false;
    switch (t) {
      case od::json_type::number:
        out.kind = JKind::kNumber;
        return v.get_double().get(out.number) == simdjson::SUCCESS;
      case od::json_type::string:
        out.kind = JKind::kString;
        return v.get_string().get(out.string) == simdjson::SUCCESS;
      case od::json_type::boolean:
        out.kind = JKind::kBool;
        return v.get_bool().get(out.boolean) == simdjson::SUCCESS;
      case od::json_type::null: {
        bool is_null = false;
        out.kind = JKind::kNull;
        return v.is_null().get(is_null) == simdjson::SUCCESS && is_null;
      }
      default:
        out.kind = JKind::kComposite;
        return true;
    }
  }

  // Iterates an object's fields once, calling on_field(raw key, value) for each; a false from
  // on_field is a JSON error. `seen` guards a repeated key: only its first object is read.
  template <typename F>
  static bool fields(od::value v, bool& seen, F&& on_field) {
    od::object obj;
    if (v.get_object().get(obj)) {
      // Not an object: the paths below it are missing, but it must still be a valid value.
      od::json_type t;
      return v.type().get(t) == simdjson::SUCCESS;
    }
    if (seen) return true;
    seen = true;
    for (auto f : obj) {
      od::field field;
      if (std::move(f).get(field)) return false;
      if (!on_field(field.key(), field.value())) return false;
    }
    return true;
  }

  bool readBody(const message::PaddedBytes& bytes, Body& b) {
    std::string_view text = bytes.view();
    size_t capacity = bytes.capacity();
    if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) {
      text.remove_prefix(3);
      capacity -= 3;
    }
    od::document doc;
    if (parser_.iterate(text.data(), text.size(), capacity).get(doc)) return false;
    od::object root;
    if (doc.get_object().get(root)) return false;
    bool sensors = false, location = false, readings = false, firmware = false, battery = false,
         diagnostics = false;
    for (auto f : root) {
      od::field field;
      if (std::move(f).get(field)) return false;
      od::raw_json_string key = field.key();
      bool ok = true;
      switch (key.raw()[0]) {
        case 's':
          if (key.unsafe_is_equal("sensors")) {
            ok = fields(field.value(), sensors, [&](od::raw_json_string k, od::value v) {
              if (k.unsafe_is_equal("temperature")) return read(v, b.temperature);
              if (k.unsafe_is_equal("humidity")) return read(v, b.humidity);
              if (k.unsafe_is_equal("pressure")) return read(v, b.pressure);
              return true;
            });
          } else if (key.unsafe_is_equal("status")) {
            ok = read(field.value(), b.status);
          }
          break;
        case 'r':
          if (key.unsafe_is_equal("readings")) {
            od::array arr;
            od::value v = field.value();
            if (v.get_array().get(arr)) {
              od::json_type t;
              ok = v.type().get(t) == simdjson::SUCCESS;
            } else if (!readings) {
              readings = true;
              size_t i = 0;
              for (auto item : arr) {
                od::value e;
                if (std::move(item).get(e)) return false;
                if (!read(e, i == 0 ? b.readings0 : b.readings1)) return false;
                if (++i == 2) break;  // the rest is skipped unread
              }
            }
          }
          break;
        case 'l':
          if (key.unsafe_is_equal("location")) {
            ok = fields(field.value(), location, [&](od::raw_json_string k, od::value v) {
              if (k.unsafe_is_equal("site")) return read(v, b.location_site);
              if (k.unsafe_is_equal("lat")) return read(v, b.lat);
              return true;
            });
          }
          break;
        case 'f':
          if (key.unsafe_is_equal("firmware")) {
            ok = fields(field.value(), firmware, [&](od::raw_json_string k, od::value v) {
              if (k.unsafe_is_equal("channel")) return read(v, b.channel);
              if (k.unsafe_is_equal("version")) return read(v, b.version);
              if (k.unsafe_is_equal("autoUpdate")) return read(v, b.auto_update);
              return true;
            });
          }
          break;
        case 'b':
          if (key.unsafe_is_equal("battery")) {
            ok = fields(field.value(), battery, [&](od::raw_json_string k, od::value v) {
              return k.unsafe_is_equal("level") ? read(v, b.battery) : true;
            });
          }
          break;
        case 'd':
          if (key.unsafe_is_equal("diagnostics")) {
            ok = fields(field.value(), diagnostics, [&](od::raw_json_string k, od::value v) {
              return k.unsafe_is_equal("resets") ? read(v, b.resets) : true;
            });
          }
          break;
        default:
          break;
      }
      if (!ok) return false;
    }
    // Trailing content after the object makes the document invalid.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS && rest != nullptr) return false;
    return true;
  }

  // The rare application properties named "$...": `$name` and `$body.path` read them first.
  static void applyOverrides(const message::Message& m, Body& b, Prop& content_type, Prop& device) {
    auto find = [&](std::string_view lower) -> const message::Property* {
      for (const message::Property& p : m.app_properties) {
        if (utf::equalsAsciiLower(p.name, lower)) return &p;
      }
      return nullptr;
    };
    if (const auto* p = find("$contenttype")) content_type.p = p;
    if (const auto* p = find("$connectiondeviceid")) device.p = p;
    auto body = [&](std::string_view lower, JValue& v) {
      if (const auto* p = find(lower)) {
        v = JValue{};
        if (p->value) {
          v.kind = JKind::kString;
          v.string = *p->value;
        } else {
          v.kind = JKind::kNull;
        }
      }
    };
    body("$body.sensors.temperature", b.temperature);
    body("$body.sensors.humidity", b.humidity);
    body("$body.sensors.pressure", b.pressure);
    body("$body.status", b.status);
    body("$body.readings[0]", b.readings0);
    body("$body.readings[1]", b.readings1);
    body("$body.location.site", b.location_site);
    body("$body.location.lat", b.lat);
    body("$body.firmware.channel", b.channel);
    body("$body.firmware.version", b.version);
    body("$body.firmware.autoupdate", b.auto_update);
    body("$body.battery.level", b.battery);
    body("$body.diagnostics.resets", b.resets);
  }

  // ---- The DOM variant: simdjson::dom validates the whole document while parsing it.
  static bool readDom(simdjson::dom::element v, JValue& out) {
    if (out.kind != JKind::kMissing) return true;  // first occurrence wins
    switch (v.type()) {
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        out.kind = JKind::kNumber;
        return v.get_double().get(out.number) == simdjson::SUCCESS;
      case simdjson::dom::element_type::STRING:
        out.kind = JKind::kString;
        return v.get_string().get(out.string) == simdjson::SUCCESS;
      case simdjson::dom::element_type::BOOL:
        out.kind = JKind::kBool;
        return v.get_bool().get(out.boolean) == simdjson::SUCCESS;
      case simdjson::dom::element_type::NULL_VALUE:
        out.kind = JKind::kNull;
        return true;
      default:
        out.kind = JKind::kComposite;
        return true;
    }
  }

  template <typename F>
  static void fieldsDom(simdjson::dom::element v, bool& seen, F&& on_field) {
    simdjson::dom::object obj;
    if (v.get_object().get(obj) || seen) return;
    seen = true;
    for (simdjson::dom::key_value_pair kv : obj) on_field(kv.key, kv.value);
  }

  bool readBodyDom(const message::PaddedBytes& bytes, Body& b) {
    std::string_view text = bytes.view();
    if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) text.remove_prefix(3);
    simdjson::dom::element root;
    if (dom_.parse(text.data(), text.size(), false).get(root)) return false;
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return false;
    bool sensors = false, location = false, readings = false, firmware = false, battery = false,
         diagnostics = false;
    for (simdjson::dom::key_value_pair kv : obj) {
      std::string_view key = kv.key;
      if (key == "sensors") {
        fieldsDom(kv.value, sensors, [&](std::string_view k, simdjson::dom::element v) {
          if (k == "temperature")
            readDom(v, b.temperature);
          else if (k == "humidity")
            readDom(v, b.humidity);
          else if (k == "pressure")
            readDom(v, b.pressure);
        });
      } else if (key == "status") {
        readDom(kv.value, b.status);
      } else if (key == "readings") {
        simdjson::dom::array arr;
        if (!kv.value.get_array().get(arr) && !readings) {
          readings = true;
          size_t i = 0;
          for (simdjson::dom::element e : arr) {
            readDom(e, i == 0 ? b.readings0 : b.readings1);
            if (++i == 2) break;
          }
        }
      } else if (key == "location") {
        fieldsDom(kv.value, location, [&](std::string_view k, simdjson::dom::element v) {
          if (k == "site")
            readDom(v, b.location_site);
          else if (k == "lat")
            readDom(v, b.lat);
        });
      } else if (key == "firmware") {
        fieldsDom(kv.value, firmware, [&](std::string_view k, simdjson::dom::element v) {
          if (k == "channel")
            readDom(v, b.channel);
          else if (k == "version")
            readDom(v, b.version);
          else if (k == "autoUpdate")
            readDom(v, b.auto_update);
        });
      } else if (key == "battery") {
        fieldsDom(kv.value, battery, [&](std::string_view k, simdjson::dom::element v) {
          if (k == "level") readDom(v, b.battery);
        });
      } else if (key == "diagnostics") {
        fieldsDom(kv.value, diagnostics, [&](std::string_view k, simdjson::dom::element v) {
          if (k == "resets") readDom(v, b.resets);
        });
      }
    }
    return true;
  }

  od::parser parser_;
  simdjson::dom::parser dom_;
};

// ---------------------------------------------------------------------------------------------
// Answer checks.
// ---------------------------------------------------------------------------------------------

// Empty when the hand-written routes agree with the compiled table on every pooled message.
template <BodyReader kReader>
std::string checkHandWritten(const CompiledTable& t) {
  HandWritten10 hand;
  const auto& pool = messagePool();
  for (size_t i = 0; i < pool.size(); ++i) {
    uint32_t got = hand.evaluate<kReader>(pool[i]);
    for (size_t r = 0; r < HandWritten10::kRoutes; ++r) {
      bool want = t.answers[i * HandWritten10::kRoutes + r] == TriState::kTrue;
      if (((got >> r) & 1u) != static_cast<uint32_t>(want)) {
        return "hand-written route " + std::to_string(r) + " (" + t.queries[r] + ") says " +
               (want ? "no match" : "match") + " on message " + std::to_string(i) + ": " +
               std::string(pool[i].body.view());
      }
    }
  }
  return {};
}

struct TreeTable {
  std::unique_ptr<query::InputCatalog> catalog;
  std::vector<query::BoundCondition> bound;
  std::vector<std::unique_ptr<query::TreeEvaluator>> evaluators;
  std::string error;
};

// Binds every route against one catalog, then builds one TreeEvaluator per route (they size
// their per-slot state from the complete catalog).
std::unique_ptr<TreeTable> makeTreeTable(const CompiledTable& t) {
  auto tt = std::make_unique<TreeTable>();
  tt->catalog = std::make_unique<query::InputCatalog>();
  for (const std::string& q : t.queries) {
    auto bound = query::bindCondition(q, {}, *tt->catalog);
    if (!bound.ok()) {
      tt->error = "route '" + q + "' does not bind: " + bound.error().message();
      return tt;
    }
    tt->bound.push_back(std::move(bound).value());
  }
  for (const auto& b : tt->bound) {
    tt->evaluators.push_back(std::make_unique<query::TreeEvaluator>(b, *tt->catalog));
  }
  const auto& pool = messagePool();
  const size_t n = t.queries.size();
  for (size_t i = 0; i < pool.size() && tt->error.empty(); ++i) {
    for (size_t r = 0; r < n; ++r) {
      TriState got = tt->evaluators[r]->evaluate(pool[i]);
      if (got != t.answers[i * n + r]) {
        tt->error = "tree walker route " + std::to_string(r) + " (" + t.queries[r] + ") gives " +
                    std::string(query::triStateName(got)) + ", compiled " +
                    std::string(query::triStateName(t.answers[i * n + r])) + " on message " +
                    std::to_string(i);
        break;
      }
    }
  }
  return tt;
}

void setCommonCounters(benchmark::State& state, uint64_t matches, size_t bytes) {
  const auto iterations = static_cast<int64_t>(state.iterations());
  state.SetItemsProcessed(iterations);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["matches/msg"] =
      iterations > 0 ? static_cast<double>(matches) / static_cast<double>(iterations) : 0;
}

// ---------------------------------------------------------------------------------------------
// Benchmarks. One iteration = one message against the whole route table (items = messages).
// ---------------------------------------------------------------------------------------------

// Building a route table: every query of the workload compiled into a fresh shared catalog.
// items = queries compiled.
void BM_CompileQuery(benchmark::State& state) {
  const auto queries = routeConditions(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    query::InputCatalog catalog;
    for (const std::string& q : queries) {
      auto program = query::compileCondition(q, {}, catalog);
      if (!program.ok()) {
        state.SkipWithError(("does not compile: " + q).c_str());
        return;
      }
      benchmark::DoNotOptimize(program);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * queries.size()));
}
BENCHMARK(BM_CompileQuery)->ArgNames({"routes"})->Arg(10)->Arg(100);

void runCompiled(benchmark::State& state, message::Validation validation) {
  const CompiledTable& t = compiledTable(static_cast<size_t>(state.range(0)));
  if (!t.error.empty()) {
    state.SkipWithError(t.error.c_str());
    return;
  }
  const auto& pool = messagePool();
  query::EvalScratch scratch;
  scratch.setValidation(validation);
  uint64_t matches = 0;
  size_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    const message::Message& m = pool[i];
    i = (i + 1) & (kPoolSize - 1);
    query::MessageContext context(m, *t.catalog, scratch);
    for (const query::Program& p : t.programs) matches += p.evaluate(context) == TriState::kTrue;
    bytes += m.body.size();
  }
  benchmark::DoNotOptimize(matches);
  setCommonCounters(state, matches, bytes);
  state.counters["body_paths"] = static_cast<double>(t.catalog->bodyPaths().slotCount());
}

// The compiled table as the router runs it (full body validation, IoT Hub's semantics).
// The router's configuration: bodies read like On-Demand (Validation::kPaths).
void BM_EvaluateCompiled(benchmark::State& state) {
  runCompiled(state, message::Validation::kPaths);
}
BENCHMARK(BM_EvaluateCompiled)->ArgNames({"routes"})->Arg(1)->Arg(10)->Arg(100);

// routesim eval's configuration: the whole body syntax-checked (Validation::kFull); compare
// with BM_EvaluateHandWrittenDom, which does the same duty.
void BM_EvaluateCompiledFullValidation(benchmark::State& state) {
  runCompiled(state, message::Validation::kFull);
}
BENCHMARK(BM_EvaluateCompiledFullValidation)->ArgNames({"routes"})->Arg(10)->Arg(100);

template <BodyReader kReader>
void runHandWritten(benchmark::State& state) {
  const CompiledTable& t = compiledTable(static_cast<size_t>(state.range(0)));
  if (!t.error.empty()) {
    state.SkipWithError(t.error.c_str());
    return;
  }
  if (std::string mismatch = checkHandWritten<kReader>(t); !mismatch.empty()) {
    state.SkipWithError(mismatch.c_str());
    return;
  }
  const auto& pool = messagePool();
  HandWritten10 hand;
  uint64_t matches = 0;
  size_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    const message::Message& m = pool[i];
    i = (i + 1) & (kPoolSize - 1);
    matches += static_cast<uint64_t>(std::popcount(hand.evaluate<kReader>(m)));
    bytes += m.body.size();
  }
  benchmark::DoNotOptimize(matches);
  setCommonCounters(state, matches, bytes);
}

// The speed limit: the 10 routes by hand over simdjson On-Demand.
void BM_EvaluateHandWritten(benchmark::State& state) {
  runHandWritten<BodyReader::kOnDemand>(state);
}
BENCHMARK(BM_EvaluateHandWritten)->ArgNames({"routes"})->Arg(HandWritten10::kRoutes);

// The same routes by hand over a full simdjson DOM parse: the hand-written speed limit for
// the router's semantics, where a syntax error anywhere in the body makes $body undefined
// (Validation::kFull). Compare with BM_EvaluateCompiled.
void BM_EvaluateHandWrittenDom(benchmark::State& state) { runHandWritten<BodyReader::kDom>(state); }
BENCHMARK(BM_EvaluateHandWrittenDom)->ArgNames({"routes"})->Arg(HandWritten10::kRoutes);

void BM_EvaluateTreeWalker(benchmark::State& state) {
  const CompiledTable& t = compiledTable(static_cast<size_t>(state.range(0)));
  if (!t.error.empty()) {
    state.SkipWithError(t.error.c_str());
    return;
  }
  auto tt = makeTreeTable(t);
  if (!tt->error.empty()) {
    state.SkipWithError(tt->error.c_str());
    return;
  }
  const auto& pool = messagePool();
  uint64_t matches = 0;
  size_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    const message::Message& m = pool[i];
    i = (i + 1) & (kPoolSize - 1);
    for (auto& e : tt->evaluators) matches += e->evaluate(m) == TriState::kTrue;
    bytes += m.body.size();
  }
  benchmark::DoNotOptimize(matches);
  setCommonCounters(state, matches, bytes);
}
BENCHMARK(BM_EvaluateTreeWalker)->ArgNames({"routes"})->Arg(10)->Arg(100);

// The one-pass extraction alone: the 10-route table's 13 body paths read by message::JsonReader
// (validation:0 = kFull, 1 = kPaths). items = messages.
void BM_ReadBodyPaths(benchmark::State& state) {
  const CompiledTable& t = compiledTable(10);
  if (!t.error.empty()) {
    state.SkipWithError(t.error.c_str());
    return;
  }
  const auto validation =
      state.range(0) == 0 ? message::Validation::kFull : message::Validation::kPaths;
  const message::PathSet& paths = t.catalog->bodyPaths();
  const auto& pool = messagePool();
  message::JsonReader reader;
  std::vector<message::JsonScalar> out(paths.slotCount());
  size_t found = 0;
  size_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    const message::Message& m = pool[i];
    i = (i + 1) & (kPoolSize - 1);
    if (auto body = reader.jsonBody(m)) {
      found += reader.extract(body->text, body->capacity, paths, out, validation);
    }
    bytes += m.body.size();
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["body_paths"] = static_cast<double>(paths.slotCount());
}
BENCHMARK(BM_ReadBodyPaths)->ArgNames({"validation"})->Arg(0)->Arg(1);

// A full DOM parse of each JSON body (simdjson::dom: every value validated and put on the tape),
// the floor for any reader that must reject a body with a syntax error anywhere, as
// Validation::kFull does. items = messages.
void BM_ParseBodyDom(benchmark::State& state) {
  const auto& pool = messagePool();
  simdjson::dom::parser parser;
  size_t ok = 0;
  size_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    const message::Message& m = pool[i];
    i = (i + 1) & (kPoolSize - 1);
    simdjson::dom::element root;
    ok += parser.parse(m.body.data(), m.body.size(), false).get(root) == simdjson::SUCCESS;
    bytes += m.body.size();
  }
  benchmark::DoNotOptimize(ok);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseBodyDom);

// The hand-written body pass alone (no properties, no comparisons).
void BM_ReadBodyHandWritten(benchmark::State& state) {
  const auto& pool = messagePool();
  HandWritten10 hand;
  size_t found = 0;
  size_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    const message::Message& m = pool[i];
    i = (i + 1) & (kPoolSize - 1);
    found += hand.readOnly(m);
    bytes += m.body.size();
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["mean_body_bytes"] = meanBodyBytes();
}
BENCHMARK(BM_ReadBodyHandWritten);

}  // namespace
}  // namespace routesim::bench
