#include "core/scenario/expectations.h"

#include <charconv>
#include <cmath>

#include "core/common/config_reader.h"
#include "core/common/duration.h"

namespace routesim::scenario {
namespace {

std::string number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::optional<Comparison> readComparison(const json::Value& v, const std::string& path,
                                         ConfigIssues& issues) {
  Comparison c;
  if (v.is(json::Type::kNumber)) {
    c.equals = v.number();
    return c;
  }
  if (!v.is(json::Type::kObject)) {
    issues.error(path, "InvalidComparison",
                 "expected a number or an object with equals / min / max", v.offset());
    return std::nullopt;
  }
  ObjectReader r(v, path, issues);
  for (auto [key, field] :
       {std::pair<std::string_view, std::optional<double>*>{"equals", &c.equals},
        {"min", &c.min},
        {"max", &c.max}}) {
    if (const json::Value* x = r.get(key)) {
      if (x->is(json::Type::kNumber)) {
        *field = x->number();
      } else {
        issues.error(r.pathOf(key), "InvalidComparison", "expected a number", x->offset());
      }
    }
  }
  r.warnUnknownKeys();
  if (!c.equals && !c.min && !c.max) {
    issues.error(path, "InvalidComparison", "give at least one of equals, min, max", v.offset());
    return std::nullopt;
  }
  if (c.min && c.max && *c.max < *c.min) {
    issues.error(path, "InvalidComparison", "max is below min", v.offset());
    return std::nullopt;
  }
  return c;
}

std::optional<uint64_t> readTime(ObjectReader& r, const json::Value& item, std::string_view key,
                                 uint64_t duration_ns, ConfigIssues& issues) {
  std::optional<std::string> text = r.string(key);
  if (!text) return std::nullopt;
  auto d = parseIsoDuration(*text);
  if (!d.ok() || *d > duration_ns) {
    issues.error(r.pathOf(key), "InvalidTime",
                 d.ok() ? "the time " + *text + " comes after the scenario's duration " +
                              formatIsoDuration(duration_ns)
                        : "expected an ISO 8601 duration from the start: " + d.error().message(),
                 memberOffset(item, key));
    return std::nullopt;
  }
  return *d;
}

}  // namespace

bool Comparison::holds(double actual) const {
  if (equals && actual != *equals) return false;
  if (min && actual < *min) return false;
  if (max && actual > *max) return false;
  return true;
}

std::string Comparison::describe() const {
  std::string s;
  if (equals) s = "= " + number(*equals);
  if (min && max)
    return (s.empty() ? "" : s + ", ") + "between " + number(*min) + " and " + number(*max);
  if (min) s += (s.empty() ? "" : ", ") + std::string(">= ") + number(*min);
  if (max) s += (s.empty() ? "" : ", ") + std::string("<= ") + number(*max);
  return s;
}

std::vector<Expectation> readExpectations(const json::Value& expect, const std::string& path,
                                          uint64_t duration_ns, ConfigIssues& issues) {
  std::vector<Expectation> out;
  if (!expect.is(json::Type::kArray)) {
    issues.error(path, "InvalidExpectations", "expected an array of expectations", expect.offset());
    return out;
  }
  using Kind = Expectation::Kind;
  size_t index = 0;
  for (const json::Value& item : expect.items()) {
    std::string at = path + "[" + std::to_string(index++) + "]";
    ObjectReader r(item, at, issues);
    if (!r.ok()) continue;
    size_t errors = issues.errorCount();
    Expectation e;
    e.path = at;
    e.offset = item.offset();
    e.text = r.string("text", /*required=*/true).value_or("");
    int subjects = 0;
    for (std::string_view key : {"metric", "denial", "group", "deployment"})
      subjects += item.find(key) ? 1 : 0;
    if (item.find("endpoint") && !item.find("group")) ++subjects;
    if (subjects != 1) {
      issues.error(at, "InvalidExpectation",
                   "an expectation has exactly one subject: metric, endpoint, denial, group or "
                   "deployment",
                   item.offset());
      r.warnUnknownKeys();
      continue;
    }
    if (auto metric = r.string("metric")) {
      e.kind = Kind::kMetric;
      e.metric = *metric;
      e.equals_metric = r.string("equalsMetric");
      if (const json::Value* v = r.get("equals")) {
        if (auto c = readComparison(*v, r.pathOf("equals"), issues)) e.comparison = *c;
      } else if (const json::Value* v2 = r.get("value")) {
        if (auto c = readComparison(*v2, r.pathOf("value"), issues)) e.comparison = *c;
      } else if (!e.equals_metric) {
        issues.error(at, "InvalidExpectation",
                     "a metric expectation needs equals, value or equalsMetric", item.offset());
      }
    } else if (const json::Value* denial = r.object("denial")) {
      e.kind = Kind::kDenial;
      ObjectReader dr(*denial, r.pathOf("denial"), issues);
      e.denial_kind = dr.string("kind");
      if (e.denial_kind && *e.denial_kind != "ingress" && *e.denial_kind != "egress") {
        issues.error(dr.pathOf("kind"), "InvalidExpectation", "expected \"ingress\" or \"egress\"",
                     memberOffset(*denial, "kind"));
      }
      e.source = dr.string("source");
      e.target = dr.string("target");
      e.code = dr.string("code");
      e.reason = dr.string("reason");
      if (const json::Value* st = dr.get("status")) {
        // An HTTP status, or null for a connection refused below HTTP.
        if (st->is(json::Type::kNull)) {
          e.match_status = true;
        } else if (st->is(json::Type::kNumber) && st->number() >= 100 && st->number() <= 599 &&
                   st->number() == static_cast<double>(static_cast<int>(st->number()))) {
          e.match_status = true;
          e.status = static_cast<int>(st->number());
        } else {
          issues.error(dr.pathOf("status"), "InvalidExpectation",
                       "expected an HTTP status (100-599) or null (refused below HTTP)",
                       st->offset());
        }
      }
      dr.warnUnknownKeys();
      e.seen = r.boolean("seen").value_or(true);
      if (const json::Value* v = r.get("count")) {
        if (auto c = readComparison(*v, r.pathOf("count"), issues)) e.comparison = *c;
      }
    } else if (auto group = r.string("group")) {
      e.kind = Kind::kFate;
      e.group = *group;
      e.endpoint = r.string("deliveredTo", /*required=*/true).value_or("");
      e.within_ns = readTime(r, item, "within", UINT64_MAX, issues);
      e.comparison.min = 1;  // every message by default
      if (const json::Value* v = r.get("fraction")) {
        if (auto c = readComparison(*v, r.pathOf("fraction"), issues)) e.comparison = *c;
      }
    } else if (auto deployment = r.string("deployment")) {
      e.kind = Kind::kDeployment;
      if (*deployment != "succeeds" && *deployment != "fails") {
        issues.error(r.pathOf("deployment"), "InvalidExpectation",
                     "expected \"succeeds\" or \"fails\"", memberOffset(item, "deployment"));
      }
      e.deployment_succeeds = *deployment == "succeeds";
      e.code = r.string("code");
      // With "at": the redeployment of a timeline event at that time, not the first one.
      e.deployment_at_ns = readTime(r, item, "at", duration_ns, issues);
    } else if (auto endpoint = r.string("endpoint")) {
      e.endpoint = *endpoint;
      if (auto health = r.string("health")) {
        e.kind = Kind::kHealth;
        bool known = false;
        for (auto s : {router::HealthStatus::kUnknown, router::HealthStatus::kHealthy,
                       router::HealthStatus::kUnhealthy, router::HealthStatus::kDegraded,
                       router::HealthStatus::kDead}) {
          if (router::healthStatusName(s) == *health) {
            e.health = s;
            known = true;
          }
        }
        if (!known) {
          issues.error(r.pathOf("health"), "InvalidExpectation",
                       "expected healthy, unhealthy, degraded, dead or unknown",
                       memberOffset(item, "health"));
        }
        e.at_ns = readTime(r, item, "at", duration_ns, issues).value_or(duration_ns);
      } else {
        e.kind = Kind::kEndpointCount;
        int counts = 0;
        for (std::string_view key : {"delivered", "dropped", "invalid"}) {
          if (const json::Value* v = r.get(key)) {
            ++counts;
            e.count = std::string(key);
            if (auto c = readComparison(*v, r.pathOf(key), issues)) e.comparison = *c;
          }
        }
        if (counts != 1) {
          issues.error(at, "InvalidExpectation",
                       "an endpoint expectation has one of health, delivered, dropped, invalid",
                       item.offset());
        }
        if (const json::Value* during = r.array("during")) {
          if (during->items().size() != 2 || !during->items()[0].is(json::Type::kString) ||
              !during->items()[1].is(json::Type::kString)) {
            issues.error(r.pathOf("during"), "InvalidExpectation",
                         "expected [from, until] as two ISO 8601 durations", during->offset());
          } else {
            auto from = parseIsoDuration(during->items()[0].text());
            auto until = parseIsoDuration(during->items()[1].text());
            if (!from.ok() || !until.ok() || *until < *from) {
              issues.error(r.pathOf("during"), "InvalidExpectation",
                           "expected [from, until] as two ISO 8601 durations, from <= until",
                           during->offset());
            } else {
              e.from_ns = *from;
              e.until_ns = *until;
            }
          }
        }
      }
    }
    r.warnUnknownKeys();
    if (issues.errorCount() == errors) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace routesim::scenario
