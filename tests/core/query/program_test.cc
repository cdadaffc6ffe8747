// Tests of core/query/program.h: the flat program's behaviour per message (input caching, scratch
// reuse, threads), and a differential test that checks, over thousands of random well- and
// ill-typed queries and random messages, that the compiled Program (alone and in a route table
// sharing one InputCatalog) gives the same TriState as the reference TreeEvaluator.
#include "core/query/program.h"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/common/utf.h"
#include "core/message/message_json.h"
#include "core/query/compiler.h"
#include "core/query/tree_evaluator.h"

namespace routesim::query {

// Readable TriState values in assertion messages (found by argument-dependent lookup).
inline void PrintTo(TriState t, std::ostream* os) { *os << triStateName(t); }

namespace {

using message::Message;
using message::MessageSource;

Message jsonMessage(std::string_view body) {
  Message m;
  m.system_properties.set("contentType", "application/json");
  m.system_properties.set("contentEncoding", "utf-8");
  m.body.assign(body);
  return m;
}

TriState evaluateOnce(std::string_view text, const Message& m,
                      MessageSource source = MessageSource::kDeviceMessages) {
  CompileOptions options;
  options.source = source;
  Result<Condition> c = Condition::compile(text, options);
  EXPECT_TRUE(c.ok()) << text << ": " << c.error().message();
  if (!c.ok()) return TriState::kUndefined;
  EvalScratch scratch;
  return c->evaluate(m, scratch);
}

// --- Program and MessageContext -------------------------------------------------------------

TEST(ProgramTest, EmptyConditionIsUndefined) {
  InputCatalog catalog;
  Result<Program> p = compileCondition("", {}, catalog);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->instructionCount(), 0u);
  Message m;
  EvalScratch scratch;
  MessageContext context(m, catalog, scratch);
  EXPECT_EQ(p->evaluate(context), TriState::kUndefined);
}

TEST(ProgramTest, ResultTypeAndDisassembly) {
  InputCatalog catalog;
  Result<Program> p = compileCondition("as_number(key2) * 2 = 6 AND $body.x", {}, catalog);
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->resultType(), StaticType::kBool);
  EXPECT_GT(p->instructionCount(), 0u);
  std::string listing = p->disassemble();
  EXPECT_NE(listing.find("load_input"), std::string::npos) << listing;
  EXPECT_NE(listing.find("compare"), std::string::npos) << listing;

  Result<Program> number = compileCondition("as_number(key2)", {}, catalog);
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(number->resultType(), StaticType::kNumber);
}

TEST(ProgramTest, ScratchReuseDoesNotLeakInputsBetweenMessages) {
  Result<Condition> c = Condition::compile("key1 = 'a' AND $body.x = 1");
  ASSERT_TRUE(c.ok());
  EvalScratch scratch;
  Message a = jsonMessage(R"({"x":1})");
  a.app_properties.set("key1", "a");
  Message b = jsonMessage(R"({"x":2})");
  b.app_properties.set("key1", "a");
  Message c2 = jsonMessage(R"({"x":1})");
  c2.app_properties.set("key1", "b");
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(c->evaluate(a, scratch), TriState::kTrue);
    EXPECT_EQ(c->evaluate(b, scratch), TriState::kFalse);
    EXPECT_EQ(c->evaluate(c2, scratch), TriState::kFalse);
    EXPECT_EQ(c->evaluate(Message(), scratch), TriState::kUndefined);
  }
}

TEST(ProgramTest, BodyIsParsedOnlyWhenAConditionReadsIt) {
  InputCatalog catalog;
  Result<Program> props = compileCondition("key1 = 'a'", {}, catalog);
  Result<Program> body = compileCondition("$body.x = 1", {}, catalog);
  ASSERT_TRUE(props.ok() && body.ok());
  Message m = jsonMessage(R"({"x":1})");
  m.app_properties.set("key1", "a");
  EvalScratch scratch;
  MessageContext context(m, catalog, scratch);
  EXPECT_EQ(props->evaluate(context), TriState::kTrue);
  EXPECT_FALSE(context.bodyParsed());
  EXPECT_EQ(body->evaluate(context), TriState::kTrue);
  EXPECT_TRUE(context.bodyParsed());
}

TEST(ProgramTest, RouteTableSharesOneCatalog) {
  InputCatalog catalog;
  std::vector<Program> routes;
  for (std::string_view text :
       {"$body.temp > 30", "$body.temp <= 30 AND key1 = 'hot'", "is_defined($body.temp)",
        "$twin.tags.site = 'paris'", "$body.temp > 30 OR $twin.tags.site = 'rome'"}) {
    Result<Program> p = compileCondition(text, {}, catalog);
    ASSERT_TRUE(p.ok()) << text << ": " << p.error().message();
    routes.push_back(std::move(*p));
  }
  EXPECT_EQ(catalog.bodyPaths().slotCount(), 1u);
  EXPECT_EQ(catalog.twinPaths().slotCount(), 1u);
  Message m = jsonMessage(R"({"temp":35})");
  m.twin = message::PaddedBytes(R"({"tags":{"site":"rome"}})");
  EvalScratch scratch;
  MessageContext context(m, catalog, scratch);
  std::vector<TriState> results;
  for (const Program& p : routes) results.push_back(p.evaluate(context));
  EXPECT_EQ(results, (std::vector<TriState>{TriState::kTrue, TriState::kFalse, TriState::kTrue,
                                            TriState::kFalse, TriState::kTrue}));
}

TEST(ProgramTest, TwinPathsSpelledInDifferentCaseInOneRouteTable) {
  // Twin names are case-insensitive (query-language.md, differences): routes that spell the same
  // twin path in different letter case, compiled into one table, must each read the twin.
  InputCatalog catalog;
  std::vector<Program> routes;
  for (std::string_view text : {"$twin.tags.site = 'paris'", "$TWIN.Tags.Site = 'paris'",
                                "$twin.TAGS.floor = 1", "$twin.tags.missing = null"}) {
    Result<Program> p = compileCondition(text, {}, catalog);
    ASSERT_TRUE(p.ok()) << text << ": " << p.error().message();
    routes.push_back(std::move(*p));
  }
  Message m;
  m.twin = message::PaddedBytes(R"({"tags":{"site":"paris","floor":1}})");
  EvalScratch scratch;
  MessageContext context(m, catalog, scratch);
  for (size_t i = 0; i < routes.size(); ++i) {
    EXPECT_EQ(routes[i].evaluate(context), TriState::kTrue) << "route " << i;
  }
}

TEST(ProgramTest, StringsMadeDuringEvaluationStayValidForTheMessage) {
  Result<Condition> c = Condition::compile(
      "concat(lower($body.a), upper($body.b), substring($body.c, 1)) = 'abcDEFhi' AND "
      "lower(concat(key1, key1)) = 'xyxy'");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EvalScratch scratch;
  Message m = jsonMessage(R"({"a":"ABC","b":"def","c":"ghi"})");
  m.app_properties.set("key1", "XY");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(c->evaluate(m, scratch), TriState::kTrue);
}

TEST(ProgramTest, LongStringsInTheArena) {
  std::string big(10000, 'a');
  Result<Condition> c = Condition::compile("length(concat($body.s, $body.s, 'b')) = 20001");
  ASSERT_TRUE(c.ok());
  EvalScratch scratch;
  EXPECT_EQ(c->evaluate(jsonMessage("{\"s\":\"" + big + "\"}"), scratch), TriState::kTrue);
}

TEST(ProgramTest, ManyCallArguments) {
  EXPECT_EQ(evaluateOnce("concat(key1, key1, key1, key1, key1, key1, key1, key1, key1, key1) = "
                         "'xxxxxxxxxx'",
                         [] {
                           Message m;
                           m.app_properties.set("key1", "x");
                           return m;
                         }()),
            TriState::kTrue);
}

TEST(ProgramTest, ShortCircuitStillGivesThreeValuedResults) {
  Message m;
  m.app_properties.set("key1", "a");
  EXPECT_EQ(evaluateOnce("key1 = 'b' AND none = 'x'", m), TriState::kFalse);
  EXPECT_EQ(evaluateOnce("key1 = 'a' AND none = 'x'", m), TriState::kUndefined);
  EXPECT_EQ(evaluateOnce("none = 'x' AND key1 = 'b'", m), TriState::kFalse);
  EXPECT_EQ(evaluateOnce("key1 = 'a' OR none = 'x'", m), TriState::kTrue);
  EXPECT_EQ(evaluateOnce("key1 = 'b' OR none = 'x'", m), TriState::kUndefined);
  EXPECT_EQ(evaluateOnce("none = 'x' OR key1 = 'a'", m), TriState::kTrue);
}

TEST(ProgramTest, EvaluateIsThreadSafeWithOneScratchPerThread) {
  Result<Condition> c = Condition::compile(
      "$body.n > 10 AND starts_with(lower(key1), 'dev') AND $twin.tags.site = 'paris'");
  ASSERT_TRUE(c.ok());
  std::vector<Message> messages;
  for (int i = 0; i < 20; ++i) {
    Message m = jsonMessage("{\"n\":" + std::to_string(i) + "}");
    m.app_properties.set("key1", i % 3 == 0 ? "DEVICE" : "other");
    m.twin = message::PaddedBytes(R"({"tags":{"site":"paris"}})");
    messages.push_back(std::move(m));
  }
  std::vector<TriState> expected;
  {
    EvalScratch scratch;
    for (const Message& m : messages) expected.push_back(c->evaluate(m, scratch));
  }
  std::array<int, 4> mismatches{};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      EvalScratch scratch;
      for (int round = 0; round < 500; ++round) {
        for (size_t i = 0; i < messages.size(); ++i) {
          if (c->evaluate(messages[i], scratch) != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches, (std::array<int, 4>{}));
}

// --- Differential test: Program vs TreeEvaluator ----------------------------------------

// A seeded generator of routing conditions over a fixed vocabulary of application properties,
// system properties and $body / $twin paths. Mostly well-typed, with a share of deliberately
// ill-typed operands so that compile errors are exercised too. Uses mt19937's raw output
// (portable), never std distributions (implementation-defined).
class QueryGenerator {
 public:
  enum Type { kNum, kStr, kBool, kAny };

  explicit QueryGenerator(uint32_t seed) : rng_(seed) {}

  void setTwinChange(bool on) { twin_change_ = on; }

  std::string query() {
    Type top = chance(85) ? kBool : kAny;
    return gen(top, 1 + static_cast<int>(rnd(4)));
  }

 private:
  uint32_t rnd(uint32_t n) { return rng_() % n; }
  bool chance(uint32_t percent) { return rnd(100) < percent; }
  template <size_t N>
  std::string pick(const std::array<const char*, N>& items) {
    return items[rnd(N)];
  }

  // A function or keyword name in a random letter case.
  std::string name(std::string_view n) {
    std::string s(n);
    uint32_t style = rnd(10);
    for (char& c : s) {
      if (style == 0 || (style == 1 && chance(50))) c = static_cast<char>(std::toupper(c));
    }
    return s;
  }

  std::string dynamicLeaf() {
    static constexpr std::array<const char*, 22> kPaths = {"$body.a",
                                                           "$body.s",
                                                           "$body.b",
                                                           "$body.n",
                                                           "$body.obj",
                                                           "$body.obj.x",
                                                           "$body.obj.y.z",
                                                           "$body.arr",
                                                           "$body.arr[0]",
                                                           "$body.arr[1]",
                                                           "$body.arr[7]",
                                                           "$body.missing",
                                                           "$BODY.a",
                                                           "{$body.a}",
                                                           "$body.é",
                                                           "$twin.tags.site",
                                                           "$TWIN.Tags.Site",
                                                           "$twin.tags.nested",
                                                           "$twin.properties.desired.x",
                                                           "$twin.properties.reported.fw",
                                                           "{$twin.tags.site}",
                                                           "$twin.tags.missing"};
    return pick(kPaths);
  }

  std::string leaf(Type t) {
    static constexpr std::array<const char*, 14> kNumbers = {"0",
                                                             "1",
                                                             "-1",
                                                             "3",
                                                             "2.5",
                                                             "-0.5",
                                                             ".5",
                                                             "1e3",
                                                             "10e1000",
                                                             "0x10",
                                                             "0xFFFFFFFFFFFFFFFF",
                                                             "(3 / 0)",
                                                             "(3 % 0)",
                                                             "50"};
    static constexpr std::array<const char*, 20> kStrings = {
        "'value1'",  "'3'",      "''",       "'é'",          "'😀'",        "'ABC'", "\"abc\"",
        "'\\u00e9'", "key1",     "key2",     "none",         "null_value", "$sys1", "{$sys1}",
        "$sys4",     "$sysnull", "$missing", "$contentType", "TRUE",       "'zz'"};
    static constexpr std::array<const char*, 4> kBools = {"true", "false", "null", "undefined"};
    static constexpr std::array<const char*, 5> kTwinChange = {
        "twin_change_includes(properties.desired.x)", "twin_change_includes(tags.site)",
        "twin_change_includes(properties.reported.fw)", "twin_change_includes(tags.nested)",
        "twin_change_includes(properties.desired.missing)"};
    if (chance(30)) return dynamicLeaf();
    switch (t) {
      case kNum:
        return chance(15) ? "as_number(" + leaf(kStr) + ")" : pick(kNumbers);
      case kStr:
        return pick(kStrings);
      case kBool:
        if (twin_change_ && chance(30)) return name(pick(kTwinChange));
        return pick(kBools);
      case kAny:
        break;
    }
    return leaf(static_cast<Type>(rnd(3)));
  }

  std::string gen(Type t, int depth) {
    if (chance(7)) t = kAny;  // a deliberately arbitrary (often ill-typed) operand
    if (t == kAny) t = static_cast<Type>(rnd(3));
    if (depth <= 0 || chance(20)) return leaf(t);
    int d = depth - 1;
    switch (t) {
      case kNum:
        return numberExpr(d);
      case kStr:
        return stringExpr(d);
      default:
        return boolExpr(d);
    }
  }

  std::string numberExpr(int d) {
    static constexpr std::array<const char*, 5> kArith = {"+", "-", "*", "/", "%"};
    static constexpr std::array<const char*, 8> kUnary = {
        "abs", "exp", "square", "sqrt", "ceiling", "floor", "sign", "as_number"};
    switch (rnd(7)) {
      case 0:
      case 1:
        return "(" + gen(kNum, d) + " " + pick(kArith) + " " + gen(kNum, d) + ")";
      case 2:
        return "(- " + gen(kNum, d) + ")";
      case 3:
        return name(pick(kUnary)) + "(" + gen(kNum, d) + ")";
      case 4:
        return name("power") + "(" + gen(kNum, d) + ", " + gen(kNum, d) + ")";
      case 5:
        return chance(50) ? name("length") + "(" + gen(kStr, d) + ")"
                          : name("index_of") + "(" + gen(kStr, d) + ", " + gen(kStr, d) + ")";
      default:
        return "(" + gen(kNum, d) + " ?? " + gen(kNum, d) + ")";
    }
  }

  std::string stringExpr(int d) {
    switch (rnd(6)) {
      case 0: {
        std::string s = name("concat") + "(" + gen(kStr, d) + ", " + gen(kStr, d);
        if (chance(40)) s += ", " + gen(kStr, d);
        return s + ")";
      }
      case 1:
        return "(" + gen(kStr, d) + " || " + gen(kStr, d) + ")";
      case 2:
        return name(chance(50) ? "lower" : "upper") + "(" + gen(kStr, d) + ")";
      case 3: {
        std::string s = name("substring") + "(" + gen(kStr, d) + ", " + gen(kNum, d);
        if (chance(50)) s += ", " + gen(kNum, d);
        return s + ")";
      }
      case 4:
        return "(" + gen(kStr, d) + " ?? " + gen(kStr, d) + ")";
      default:
        return leaf(kStr);
    }
  }

  std::string boolExpr(int d) {
    static constexpr std::array<const char*, 7> kCompare = {"=", "!=", "<>", "<", "<=", ">", ">="};
    static constexpr std::array<const char*, 8> kPredicates = {
        "is_defined", "is_null",  "is_number", "is_string",
        "is_bool",    "is_array", "is_object", "is_primitive"};
    static constexpr std::array<const char*, 3> kStringPredicates = {"starts_with", "ends_with",
                                                                     "contains"};
    switch (rnd(8)) {
      case 0:
      case 1: {
        Type operand = static_cast<Type>(rnd(3));
        return "(" + gen(operand, d) + " " + pick(kCompare) + " " + gen(operand, d) + ")";
      }
      case 2:
        return "(" + gen(kBool, d) + " " + name("and") + " " + gen(kBool, d) + ")";
      case 3:
        return "(" + gen(kBool, d) + " " + name("or") + " " + gen(kBool, d) + ")";
      case 4:
        return name("not") + " (" + gen(kBool, d) + ")";
      case 5:
        return name(pick(kPredicates)) + "(" + gen(kAny, d) + ")";
      case 6:
        return name(pick(kStringPredicates)) + "(" + gen(kStr, d) + ", " + gen(kStr, d) + ")";
      default:
        return "(" + gen(kBool, d) + " ?? " + gen(kBool, d) + ")";
    }
  }

  std::mt19937 rng_;
  bool twin_change_ = false;
};

// Random messages over the same vocabulary: properties present, missing or null; bodies of
// every JSON kind at each path, sometimes invalid, not JSON by content type, or UTF-16; twins
// present or absent, with names in random letter case.
class MessageGenerator {
 public:
  explicit MessageGenerator(uint32_t seed) : rng_(seed) {}

  Message message(MessageSource source) {
    Message m;
    m.source = source;
    static constexpr std::array<const char*, 13> kValues = {
        "value1", "3", "", "abc", "ABC", "é", "😀", "1,000", " 5 ", "(5)", "10e1000", "true", "zz"};
    for (const char* key : {"key1", "key2", "null_value", "TRUE"}) {
      uint32_t r = rnd(10);
      if (r < 6) m.app_properties.set(key, kValues[rnd(kValues.size())]);
      if (r == 6) m.app_properties.set(key, std::nullopt);
    }
    if (chance(15)) m.app_properties.set("$body.a", kValues[rnd(kValues.size())]);
    if (chance(15)) m.app_properties.set("$TWIN.tags.site", "from-app");
    if (chance(20)) m.app_properties.set("$sys4", "app4");
    for (const char* key : {"sys1", "sys4", "sysnull"}) {
      uint32_t r = rnd(10);
      if (r < 6) m.system_properties.set(key, kValues[rnd(kValues.size())]);
      if (r == 6) m.system_properties.set(key, std::nullopt);
    }
    std::string body = jsonObject();
    uint32_t shape = rnd(20);
    if (shape == 0) body += ",";              // invalid JSON after the values
    if (shape == 1) body = "[" + body + "]";  // not an object
    if (shape == 2) body = "not json";
    std::string type = shape == 3 ? "text/plain" : "application/json";
    std::string encoding = shape == 4 ? "utf-16" : (shape == 5 ? "ascii" : "utf-8");
    if (shape != 6) m.system_properties.set("contentType", type);
    m.system_properties.set("contentEncoding", encoding);
    m.body.assign(encoding == "utf-16" ? utf::utf8ToUtf16le(body) : body);
    if (!chance(20)) m.twin = message::PaddedBytes(twin());
    return m;
  }

 private:
  uint32_t rnd(size_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool chance(uint32_t percent) { return rnd(100) < percent; }

  std::string scalar() {
    static constexpr std::array<const char*, 16> kScalars = {
        "0",     "1",    "-1",    "3",     "50",     "2.5",  "1e300", "\"value1\"",
        "\"3\"", "\"\"", "\"é\"", "\"😀\"", "\"zz\"", "true", "false", "null"};
    return kScalars[rnd(kScalars.size())];
  }

  // A value of any JSON kind, nested at most `depth` levels.
  std::string value(int depth) {
    uint32_t r = rnd(10);
    if (depth > 0 && r == 0)
      return "{\"x\":" + value(depth - 1) + ",\"y\":{\"z\":" + scalar() + "}}";
    if (depth > 0 && r == 1) return "[" + scalar() + "," + value(depth - 1) + "]";
    return scalar();
  }

  std::string jsonObject() {
    std::string out = "{";
    auto member = [&](std::string_view key, const std::string& v) {
      if (out.size() > 1) out += ",";
      out += "\"" + std::string(key) + "\":" + v;
    };
    for (const char* key : {"a", "s", "b", "n", "obj", "arr", "é", "tags"}) {
      if (chance(80)) member(key, value(2));
    }
    if (chance(50)) {
      member("properties",
             "{\"desired\":{\"x\":" + value(1) + "},\"reported\":{\"fw\":" + scalar() + "}}");
    } else if (chance(50)) {
      member("properties", value(2));
    }
    return out + "}";
  }

  std::string twin() {
    auto cased = [&](std::string_view s) {
      std::string out(s);
      if (chance(25)) out[0] = static_cast<char>(std::toupper(out[0]));
      return out;
    };
    std::string tags = "{";
    if (chance(80)) tags += "\"" + cased("site") + "\":" + scalar();
    if (chance(50)) tags += std::string(tags.size() > 1 ? "," : "") + "\"nested\":" + value(2);
    tags += "}";
    return "{\"" + cased("tags") + "\":" + tags +
           ",\"properties\":{\"desired\":{\"x\":" + value(1) +
           "},\"reported\":{\"fw\":" + scalar() + "}}}";
  }

  std::mt19937 rng_;
};

struct CompiledQuery {
  std::string text;
  std::unique_ptr<BoundCondition> bound;
  std::optional<Program> program;
  std::unique_ptr<TreeEvaluator> tree;
  std::optional<Condition> standalone;
};

TEST(ProgramDifferentialTest, CompiledProgramAgreesWithTreeEvaluator) {
  constexpr int kBatches = 150;
  constexpr int kQueriesPerBatch = 20;
  constexpr int kMessages = 12;
  QueryGenerator queries(20240611);
  MessageGenerator messages(777);
  auto start = std::chrono::steady_clock::now();

  size_t compiled = 0;
  size_t compile_errors = 0;
  size_t evaluations = 0;
  std::array<size_t, 3> outcomes{};
  std::vector<std::string> mismatches;

  for (int batch = 0; batch < kBatches; ++batch) {
    MessageSource source =
        batch % 5 == 4 ? MessageSource::kTwinChangeEvents : MessageSource::kDeviceMessages;
    queries.setTwinChange(source == MessageSource::kTwinChangeEvents);
    CompileOptions options;
    options.source = source;

    // One catalog for the whole batch, as a route table compiles its routes.
    InputCatalog catalog;
    std::deque<CompiledQuery> batch_queries;
    for (int q = 0; q < kQueriesPerBatch; ++q) {
      CompiledQuery cq;
      cq.text = queries.query();
      Result<BoundCondition> bound = bindCondition(cq.text, options, catalog);
      Result<Condition> standalone = Condition::compile(cq.text, options);
      ASSERT_EQ(bound.ok(), standalone.ok()) << cq.text;
      if (!bound.ok()) {
        ++compile_errors;
        EXPECT_TRUE(bound.error().hasSpan()) << cq.text << ": " << bound.error().message();
        EXPECT_LE(bound.error().span().offset, cq.text.size()) << cq.text;
        continue;
      }
      ++compiled;
      cq.bound = std::make_unique<BoundCondition>(std::move(*bound));
      cq.program = Program::fromBound(*cq.bound);
      cq.tree = std::make_unique<TreeEvaluator>(*cq.bound, catalog);
      cq.standalone.emplace(std::move(*standalone));
      batch_queries.push_back(std::move(cq));
    }

    EvalScratch shared_scratch;
    EvalScratch own_scratch;
    for (int i = 0; i < kMessages; ++i) {
      Message m = messages.message(source);
      MessageContext context(m, catalog, shared_scratch);
      for (CompiledQuery& cq : batch_queries) {
        TriState program = cq.program->evaluate(context);
        TriState tree = cq.tree->evaluate(m);
        TriState standalone = cq.standalone->evaluate(m, own_scratch);
        ++evaluations;
        ++outcomes[static_cast<size_t>(tree)];
        if (program != tree || standalone != tree) {
          mismatches.push_back(
              cq.text + "  [batch " + std::to_string(batch) + ", message " + std::to_string(i) +
              ": program " + std::string(triStateName(program)) + ", standalone " +
              std::string(triStateName(standalone)) + ", tree " + std::string(triStateName(tree)) +
              "]\n  message: " + message::messageToJson(m) +
              "\n  twin: " + (m.twin ? std::string(m.twin->view()) : "(none)"));
        }
      }
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (size_t i = 0; i < mismatches.size() && i < 10; ++i) ADD_FAILURE() << mismatches[i];
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches";

  // The generator must exercise both paths and every outcome.
  size_t total = compiled + compile_errors;
  EXPECT_EQ(total, static_cast<size_t>(kBatches * kQueriesPerBatch));
  EXPECT_GT(compiled, total / 3) << compiled << " of " << total << " compiled";
  EXPECT_GT(compile_errors, total / 20) << compile_errors << " of " << total << " failed";
  for (size_t k = 0; k < outcomes.size(); ++k) {
    EXPECT_GT(outcomes[k], evaluations / 20)
        << triStateName(static_cast<TriState>(k)) << ": " << outcomes[k] << " of " << evaluations;
  }
  RecordProperty("queries", static_cast<int>(total));
  RecordProperty("evaluations", static_cast<int>(evaluations));
  std::cout << "[ differential ] " << total << " queries (" << compiled << " compiled), "
            << evaluations << " evaluations, true/false/undefined = " << outcomes[1] << "/"
            << outcomes[0] << "/" << outcomes[2] << ", " << seconds << " s\n";
}

}  // namespace
}  // namespace routesim::query
