// The run report as JSON and as a terminal summary.
#include <iomanip>
#include <ostream>

#include "core/common/duration.h"
#include "core/common/json.h"
#include "core/policy/profile.h"
#include "core/scenario/payload.h"
#include "tools/runner/scenario_run.h"

namespace routesim::runner {
namespace {

// A small pretty-printing JSON writer: two-space indent, one member or item per line, except
// arrays of numbers, which stay on one line (the per-minute series).
class Writer {
 public:
  std::string take() {
    out_ += '\n';
    return std::move(out_);
  }
  void beginObject() { open('{'); }
  void endObject() { close('}'); }
  void beginArray() { open('['); }
  void endArray() { close(']'); }
  void key(std::string_view k) {
    item();
    json::appendQuoted(out_, k);
    out_ += ": ";
    after_key_ = true;
  }
  void string(std::string_view v) {
    item();
    json::appendQuoted(out_, v);
  }
  void number(double v) {
    item();
    json::appendNumber(out_, v);
  }
  void integer(uint64_t v) {
    item();
    out_ += std::to_string(v);
  }
  void boolean(bool v) {
    item();
    out_ += v ? "true" : "false";
  }
  void null() {
    item();
    out_ += "null";
  }
  void numbers(const std::vector<uint64_t>& v) {
    item();
    out_ += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out_ += ", ";
      out_ += std::to_string(v[i]);
    }
    out_ += ']';
  }
  // Shorthands for members.
  void field(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void field(std::string_view k, uint64_t v) {
    key(k);
    integer(v);
  }
  void field(std::string_view k, bool v) {
    key(k);
    boolean(v);
  }

 private:
  void item() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
      newline();
    }
  }
  void open(char c) {
    item();
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += c;
  }
  void newline() {
    out_ += '\n';
    out_.append(2 * first_.size(), ' ');
  }

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

void writeIssue(Writer& w, const ConfigIssue& i) {
  w.beginObject();
  w.field("path", i.path);
  w.field("code", i.code);
  w.field("message", i.message);
  w.endObject();
}

std::string timeText(uint64_t ns) { return ns == 0 ? std::string() : formatIsoDuration(ns); }

}  // namespace

std::string reportJson(const RunReport& r) {
  Writer w;
  w.beginObject();
  w.field("scenario", r.scenario);
  w.field("seed", r.seed);
  w.field("profile", policy::profileName(r.profile));
  w.field("duration", formatIsoDuration(r.duration_ns));
  w.field("start", scenario::formatIsoTime(r.start_unix_ns));
  w.field("ok", r.exitCode() == 0);

  w.key("deployment");
  w.beginObject();
  w.field("ok", r.deployment_ok);
  w.key("errors");
  w.beginArray();
  for (const ConfigIssue& i : r.deployment_errors) writeIssue(w, i);
  w.endArray();
  w.endObject();

  w.key("messages");
  w.beginObject();
  w.field("generated", r.generated);
  w.field("rejectedAtIngress", r.rejected_at_ingress);
  w.field("tooLarge", r.too_large);
  w.field("accepted", r.accepted);
  w.field("orphaned", r.orphaned);
  w.key("deliveries");
  w.beginObject();
  w.field("delivered", r.delivered);
  w.field("dropped", r.dropped);
  w.field("invalid", r.invalid);
  w.field("inFlight", r.in_flight);
  w.endObject();
  w.endObject();

  w.key("metrics");
  w.beginObject();
  for (const auto& [name, value] : r.metrics) {
    w.key(name);
    w.number(value);
  }
  w.endObject();

  w.key("endpoints");
  w.beginObject();
  for (const EndpointResult& e : r.endpoints) {
    w.key(e.name);
    w.beginObject();
    w.field("type", e.type);
    w.field("delivered", e.delivered);
    w.field("dropped", e.dropped);
    w.field("invalid", e.invalid);
    w.field("health", router::healthStatusName(e.health.status));
    w.key("lastKnownError");
    if (e.health.last_known_error == router::DeliveryFailure::kNone) {
      w.null();
    } else {
      w.string(router::deliveryFailureName(e.health.last_known_error));
    }
    if (!e.health.last_known_error_detail.empty())
      w.field("lastKnownErrorDetail", e.health.last_known_error_detail);
    if (e.health.last_known_error_time_ns != 0)
      w.field("lastKnownErrorTime", timeText(e.health.last_known_error_time_ns));
    w.endObject();
  }
  w.endObject();

  w.key("denials");
  w.beginArray();
  for (const policy::Denial& d : r.denials) {
    w.beginObject();
    w.field("kind", policy::denialKindName(d.kind));
    w.field("source", d.source);
    w.field("target", d.target);
    w.key("status");
    if (d.status) {
      w.integer(static_cast<uint64_t>(*d.status));
    } else {
      w.null();
    }
    w.field("code", d.code);
    w.field("reason", d.reason);
    w.field("explanation", d.explanation);
    w.field("count", d.count);
    w.field("attempts", d.attempts);
    w.field("first", formatIsoDuration(d.first_ns));
    w.field("last", formatIsoDuration(d.last_ns));
    w.endObject();
  }
  w.endArray();

  w.key("healthTransitions");
  w.beginArray();
  for (const HealthTransition& t : r.transitions) {
    w.beginObject();
    w.field("at", formatIsoDuration(t.at_ns));
    w.field("endpoint", t.endpoint);
    w.field("from", router::healthStatusName(t.from));
    w.field("to", router::healthStatusName(t.to));
    if (!t.last_known_error.empty()) w.field("lastKnownError", t.last_known_error);
    w.endObject();
  }
  w.endArray();

  w.key("timeline");
  w.beginArray();
  for (const TimelineResult& t : r.timeline) {
    w.beginObject();
    w.field("at", formatIsoDuration(t.at_ns));
    w.field("path", t.path);
    w.field("action", t.action);
    w.field("subject", t.subject);
    w.field("ok", t.ok);
    if (!t.ok) w.field("expected", t.expected);
    if (!t.errors.empty()) {
      w.key("errors");
      w.beginArray();
      for (const ConfigIssue& i : t.errors) writeIssue(w, i);
      w.endArray();
    }
    w.endObject();
  }
  w.endArray();

  // Per-minute series: one array per counter, one entry per minute.
  w.key("series");
  w.beginObject();
  w.field("grain", "PT1M");
  auto column = [&](std::string_view name, auto get) {
    std::vector<uint64_t> v;
    for (const MinutePoint& p : r.series) v.push_back(get(p));
    w.key(name);
    w.numbers(v);
  };
  column("d2c.telemetry.ingress.allProtocol", [](const MinutePoint& p) { return p.attempts; });
  column("d2c.telemetry.ingress.success", [](const MinutePoint& p) { return p.accepted; });
  column("rejected", [](const MinutePoint& p) { return p.rejected; });
  column("orphaned", [](const MinutePoint& p) { return p.orphaned; });
  w.key("endpoints");
  w.beginObject();
  for (size_t s = 0; s < r.endpoints.size(); ++s) {
    w.key(r.endpoints[s].name);
    w.beginObject();
    column("delivered", [&](const MinutePoint& p) { return p.delivered[s]; });
    column("dropped", [&](const MinutePoint& p) { return p.dropped[s]; });
    column("invalid", [&](const MinutePoint& p) { return p.invalid[s]; });
    w.endObject();
  }
  w.endObject();
  w.endObject();

  w.key("expectations");
  w.beginArray();
  for (const ExpectationResult& e : r.expectations) {
    w.beginObject();
    w.field("text", e.text);
    w.field("path", e.path);
    w.field("ok", e.ok);
    w.field("expected", e.expected);
    w.field("actual", e.actual);
    w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.take();
}

void printSummary(const RunReport& r, std::ostream& out) {
  out << "scenario " << r.scenario << " (seed " << r.seed << ", profile "
      << policy::profileName(r.profile) << ", " << formatIsoDuration(r.duration_ns)
      << " of virtual time)\n";
  if (!r.deployment_ok) {
    out << "deployment failed:\n";
    for (const ConfigIssue& i : r.deployment_errors)
      out << "  " << i.path << ": " << i.code << ": " << i.message << "\n";
  } else {
    out << "messages: " << r.generated << " sent, " << r.rejected_at_ingress
        << " rejected at ingress, " << r.too_large << " too large, " << r.accepted << " accepted, "
        << r.orphaned << " orphaned\n";
    out << "deliveries: " << r.delivered << " delivered, " << r.dropped << " dropped, " << r.invalid
        << " invalid, " << r.in_flight << " in flight at the end\n";
    out << "endpoints:\n";
    for (const EndpointResult& e : r.endpoints) {
      out << "  " << std::left << std::setw(16) << e.name << std::setw(18) << e.type << std::right
          << std::setw(10) << e.delivered << " delivered" << std::setw(8) << e.dropped
          << " dropped  " << router::healthStatusName(e.health.status);
      if (e.health.last_known_error != router::DeliveryFailure::kNone)
        out << " (" << router::deliveryFailureName(e.health.last_known_error) << ")";
      out << "\n";
    }
    if (!r.denials.empty()) out << "denials:\n";
    for (const policy::Denial& d : r.denials) {
      out << "  " << policy::denialKindName(d.kind) << " " << d.source << " -> " << d.target << ": "
          << (d.status ? std::to_string(*d.status) : std::string("no HTTP")) << " " << d.code
          << " (" << d.reason << "), " << d.count << " messages\n";
      out << "    " << d.explanation << "\n";
    }
    for (const TimelineResult& t : r.timeline) {
      if (t.ok) continue;
      out << "timeline " << t.path << " at " << formatIsoDuration(t.at_ns) << " refused"
          << (t.expected ? " (as expected)" : "") << ":\n";
      for (const ConfigIssue& i : t.errors) out << "  " << i.code << ": " << i.message << "\n";
    }
  }
  if (!r.expectations.empty()) out << "expectations:\n";
  for (const ExpectationResult& e : r.expectations) {
    out << "  " << (e.ok ? "ok    " : "FAILED") << " " << e.text << "\n";
    if (!e.ok) out << "         expected " << e.expected << "; actual " << e.actual << "\n";
  }
  out << (r.exitCode() == 0 ? "result: ok\n" : "result: FAILED\n");
}

}  // namespace routesim::runner
