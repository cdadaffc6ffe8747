#include "tools/runner/check.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>

#include "core/common/diagnostic.h"
#include "core/common/duration.h"
#include "core/common/json.h"
#include "core/common/utf.h"
#include "core/message/json_reader.h"
#include "core/message/stamp.h"
#include "core/policy/ingress.h"
#include "core/query/compiler.h"
#include "core/routing/route_table.h"
#include "core/scenario/generator.h"
#include "tools/runner/config_timeline.h"
#include "tools/runner/egress_binding.h"

namespace routesim::runner {
namespace {

using Severity = Finding::Severity;

constexpr uint32_t kSampleDevices = 1000;  // devices per group the route sample draws from

// A policy explanation is "decision: why; fix": split at the last "; ".
void splitExplanation(const std::string& text, Finding& f) {
  size_t at = text.rfind("; ");
  if (at == std::string::npos) {
    f.message = text;
    return;
  }
  f.message = text.substr(0, at);
  f.fix = text.substr(at + 2);
}

void setAzure(Finding& f, const policy::AzureError& e) {
  f.has_azure = true;
  f.azure_status = e.status;
  f.azure_code = std::string(e.code);
}

std::string routeSourceName(message::MessageSource s) {
  return std::string(message::sourceName(s));
}

// The scenario's traffic `kind` that sends messages of source `s`, or nothing.
std::optional<std::string_view> trafficKindOf(message::MessageSource s) {
  switch (s) {
    case message::MessageSource::kDeviceMessages:
      return "telemetry";
    case message::MessageSource::kTwinChangeEvents:
      return "twinChange";
    case message::MessageSource::kDeviceLifecycleEvents:
      return "lifecycle";
    case message::MessageSource::kDeviceConnectionStateEvents:
      return "connectionState";
    default:
      return std::nullopt;
  }
}

// Whether a condition can never be true whatever the message: its top-level AND holds
// comparisons of one input with constants that no value satisfies together (a = 'x' AND
// a = 'y'; n > 5 AND n < 3; n = 2 AND n <> 2). Returns why, or nothing.
std::optional<std::string> contradiction(std::string_view text, message::MessageSource source) {
  query::InputCatalog catalog;
  query::CompileOptions options;
  options.source = source;
  auto bound = query::bindCondition(text, options, catalog);
  if (!bound.ok() || !bound->root) return std::nullopt;
  std::vector<const query::BoundExpr*> conjuncts;
  std::vector<const query::BoundExpr*> stack{bound->root.get()};
  while (!stack.empty()) {
    const query::BoundExpr* e = stack.back();
    stack.pop_back();
    if (e->kind == query::BoundKind::kAnd) {
      // Reversed, so that the conjuncts come out in the order they are written.
      for (auto c = e->children.rbegin(); c != e->children.rend(); ++c) stack.push_back(c->get());
    } else {
      conjuncts.push_back(e);
    }
  }
  struct Bounds {
    std::string name;
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_open = false, hi_open = false;
    std::vector<double> not_equal;
    std::optional<std::string> equal_text;
    std::vector<std::string> not_equal_text;
    std::vector<std::string> said;  // the comparisons, as written
  };
  // By input as IoT Hub resolves it: property names ignore letter case ("level" and "LEVEL"
  // are one property), $body and $twin paths are compared as written.
  std::map<std::string, Bounds> inputs;
  auto inputKey = [&](uint32_t slot_index) {
    const query::InputSlot& slot = catalog.slots()[slot_index];
    std::string key(1, static_cast<char>(slot.kind));
    if (slot.kind == query::InputKind::kBodyPath || slot.kind == query::InputKind::kTwinPath) {
      key += std::to_string(slot.path) + '\0' + slot.app_name;
    } else {
      key += slot.folded_name + '\0' + slot.folded_app_name;
    }
    return key;
  };
  auto flip = [](query::CompareOp op) {
    switch (op) {
      case query::CompareOp::kLt:
        return query::CompareOp::kGt;
      case query::CompareOp::kLe:
        return query::CompareOp::kGe;
      case query::CompareOp::kGt:
        return query::CompareOp::kLt;
      case query::CompareOp::kGe:
        return query::CompareOp::kLe;
      default:
        return op;
    }
  };
  for (const query::BoundExpr* e : conjuncts) {
    if (e->kind != query::BoundKind::kCompare || e->children.size() != 2) continue;
    const query::BoundExpr* input = e->children[0].get();
    const query::BoundExpr* constant = e->children[1].get();
    query::CompareOp op = e->cmp;
    if (input->kind == query::BoundKind::kConstant) {
      std::swap(input, constant);
      op = flip(op);
    }
    if (input->kind != query::BoundKind::kInput || constant->kind != query::BoundKind::kConstant)
      continue;
    Bounds& b = inputs[inputKey(input->input)];
    b.name = std::string(text.substr(input->span.offset, input->span.length));
    b.said.emplace_back(text.substr(e->span.offset, e->span.length));
    const query::Value& v = constant->constant;
    if (v.kind == query::Kind::kString) {
      std::string s(v.string);
      if (op == query::CompareOp::kEq) {
        if (b.equal_text && *b.equal_text != s) return "'" + b.name + "' cannot equal two strings";
        b.equal_text = s;
      } else if (op == query::CompareOp::kNe) {
        b.not_equal_text.push_back(s);
      }
      if (b.equal_text && std::find(b.not_equal_text.begin(), b.not_equal_text.end(),
                                    *b.equal_text) != b.not_equal_text.end())
        return "'" + b.name + "' cannot both equal and differ from '" + *b.equal_text + "'";
      continue;
    }
    if (v.kind != query::Kind::kNumber) continue;
    double c = v.number;
    auto raiseLo = [&](double x, bool open) {
      if (x > b.lo || (x == b.lo && open)) {
        b.lo = x;
        b.lo_open = open;
      }
    };
    auto lowerHi = [&](double x, bool open) {
      if (x < b.hi || (x == b.hi && open)) {
        b.hi = x;
        b.hi_open = open;
      }
    };
    switch (op) {
      case query::CompareOp::kEq:
        raiseLo(c, false);
        lowerHi(c, false);
        break;
      case query::CompareOp::kNe:
        b.not_equal.push_back(c);
        break;
      case query::CompareOp::kLt:
        lowerHi(c, true);
        break;
      case query::CompareOp::kLe:
        lowerHi(c, false);
        break;
      case query::CompareOp::kGt:
        raiseLo(c, true);
        break;
      case query::CompareOp::kGe:
        raiseLo(c, false);
        break;
    }
    bool empty = b.lo > b.hi || (b.lo == b.hi && (b.lo_open || b.hi_open));
    if (!empty && b.lo == b.hi) {
      empty = std::find(b.not_equal.begin(), b.not_equal.end(), b.lo) != b.not_equal.end();
    }
    if (empty) {
      std::string all;
      for (const std::string& s : b.said) all += (all.empty() ? "" : " AND ") + s;
      return "no value of '" + b.name + "' satisfies " + all;
    }
  }
  return std::nullopt;
}

bool readsBody(const query::Condition& c) {
  for (const query::InputSlot& s : c.catalog().slots()) {
    if (s.kind == query::InputKind::kBodyPath) return true;
  }
  return false;
}

// The application properties `c` reads that none of `seen` (folded names) is.
std::vector<std::string> missingProperties(const query::Condition& c,
                                           const std::set<std::string>& seen) {
  std::vector<std::string> out;
  for (const query::InputSlot& s : c.catalog().slots()) {
    if (s.kind == query::InputKind::kAppProperty && !seen.count(s.folded_name))
      out.push_back(s.name);
  }
  return out;
}

std::string quotedList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

class Checker {
 public:
  Checker(const scenario::LoadedScenario& loaded, const CheckOptions& options)
      : sc_(loaded.scenario), loaded_(loaded), options_(options) {}

  std::vector<Finding> run() {
    deployment();
    if (deployment_failed_) return std::move(findings_);
    scenario::Deployment initial;
    initial.hub_name = sc_.hub_name;
    initial.routing = sc_.routing;
    initial.policy = sc_.policy;
    ConfigTimeline config(sc_, std::move(initial));
    // Changes at PT0S apply before any message, as in the run: they make the starting state.
    size_t first_later = 0;
    while (first_later < sc_.timeline.size() && sc_.timeline[first_later].at_ns == 0)
      change(config, sc_.timeline[first_later++]);
    ingress(config.deployment(), nullptr);
    egress(config.deployment(), config.rbac(), nullptr);
    routes();
    for (size_t i = first_later; i < sc_.timeline.size(); ++i) {
      if (change(config, sc_.timeline[i])) {
        ingress(config.deployment(), &sc_.timeline[i]);
        egress(config.deployment(), config.rbac(), &sc_.timeline[i]);
      }
    }
    return std::move(findings_);
  }

 private:
  void add(Finding f) { findings_.push_back(std::move(f)); }

  // What Azure refuses at deployment, as `run` reports it.
  void deployment() {
    for (const ConfigIssue& i : loaded_.deployment_errors) {
      Finding f;
      f.code = i.code;
      f.severity = Severity::kError;
      f.path = i.path;
      f.offset = i.offset;
      f.message = "Azure refuses the deployment: " + i.message;
      f.fix = "correct the resource at " + i.path;
      add(std::move(f));
      deployment_failed_ = true;
    }
    if (sc_.policy.hubs.empty()) deployment_failed_ = true;
  }

  // " from PT10M on, after the change at $.timeline[1]": when a finding comes from a change.
  static std::string since(const scenario::TimelineEvent* change) {
    if (change == nullptr) return {};
    return " from " + formatIsoDuration(change->at_ns) + " on, after the change at " + change->path;
  }

  // Reported once: the first configuration (the start, or a change) that shows it.
  bool firstTime(std::string key) { return reported_.insert(std::move(key)).second; }

  // Every device of every group against the hub's ingress settings of `deployment` (the
  // start's, or that of the timeline's `change`).
  void ingress(const scenario::Deployment& deployment, const scenario::TimelineEvent* change) {
    const policy::HubPolicyConfig& hub = deployment.policy.hubs[0];
    policy::IngressPolicy policy(hub.ingress, deployment.policy.network);
    for (const scenario::DeviceGroup& g : sc_.devices) {
      // Denied devices by reason: one finding per reason, with the first such device.
      std::map<policy::IngressReason, std::pair<uint32_t, uint32_t>> denied;  // first, count
      for (uint32_t d = 0; d < g.count; ++d) {
        policy::IngressDecision decision = policy.decide(g.locationOf(d), g.tls);
        if (decision.allowed) continue;
        auto [it, inserted] = denied.try_emplace(decision.reason, d, 0);
        ++it->second.second;
      }
      for (const auto& [reason, first_count] : denied) {
        auto [first, count] = first_count;
        if (!firstTime("ingress/" + utf::foldCase(g.name) + "/" +
                       std::string(policy::ingressReasonName(reason))))
          continue;
        policy::ClientLocation where = g.locationOf(first);
        policy::IngressDecision decision = policy.decide(where, g.tls);
        Finding f;
        f.code = "IngressDenied";
        f.severity = Severity::kError;
        f.path = change ? change->path : g.path;
        f.offset = change ? change->offset : 0;
        splitExplanation(policy.explain(decision, where, g.tls), f);
        f.message = "device group '" + g.name + "': " + std::to_string(count) + " of " +
                    std::to_string(g.count) + " devices are turned away" + since(change) + " (" +
                    std::string(policy::ingressReasonName(reason)) + ", decided by " +
                    policy.decidedBy(decision) + "): " + f.message;
        setAzure(f, policy::IngressPolicy::azureError(decision));
        add(std::move(f));
      }
    }
  }

  // Every custom endpoint against the egress policy of deployment `d` with role assignments
  // `rbac`, at the start or at the time of the timeline's `change`. A denial that ends by itself
  // (a role assignment made by the change, propagating) is a warning with its window.
  void egress(const scenario::Deployment& d, const policy::RbacState& rbac,
              const scenario::TimelineEvent* change) {
    const uint64_t now = change ? change->at_ns : 0;
    policy::EgressHub hub = policy::egressHub(d.policy.hubs[0], sc_.profile);
    for (const routing::EndpointConfig& c : d.routing.endpoints) {
      std::optional<EgressBinding> b = egressBinding(c, d);
      if (!b) continue;  // an unresolvable target is a deployment error already
      policy::EgressDecision decision =
          policy::decideEgress(hub, b->endpoint, b->target, rbac, now);
      if (decision.allowed) continue;
      const bool propagating = decision.reason == policy::EgressReason::kRolePropagating;
      if (!firstTime("egress/" + utf::foldCase(c.name) + "/" +
                     std::string(policy::egressReasonName(decision.reason))))
        continue;
      Finding f;
      f.code = propagating ? "RolePropagationDelay" : "EgressDenied";
      f.severity = propagating ? Severity::kWarning : Severity::kError;
      f.path = change ? change->path : c.path;
      f.offset = change ? change->offset : c.offset;
      splitExplanation(policy::explainEgress(decision, hub, b->endpoint, b->target), f);
      std::string window = since(change);
      if (propagating) {
        window = " from " + formatIsoDuration(now) + " until " +
                 formatIsoDuration(decision.changes_at_ns) + ", while role assignment '" +
                 (decision.role ? decision.role->name : std::string()) + "' propagates (" +
                 formatIsoDuration(rbac.propagation_ns) + ")" +
                 (change ? ", after the change at " + change->path : std::string());
        f.fix = "assign the role at least " + formatIsoDuration(rbac.propagation_ns) +
                " before routing to the endpoint, or expect the endpoint to fail (and IoT Hub "
                "to retry) until the assignment is in effect";
      }
      f.message = "endpoint '" + c.name + "' cannot deliver to " + b->target.ref.name + window +
                  " (" + std::string(policy::egressReasonName(decision.reason)) + "): " + f.message;
      setAzure(f, policy::egressAzureError(decision, b->target));
      add(std::move(f));
    }
  }

  // A configuration change of the timeline, redeployed as `routesim run` does: a refusal is a
  // finding at the change. True when the configuration changed (ingress and egress are then
  // decided again from its time).
  bool change(ConfigTimeline& config, const scenario::TimelineEvent& e) {
    if (!ConfigTimeline::changesConfiguration(e)) return false;
    std::vector<ConfigIssue> errors;
    if (config.apply(e, errors)) return true;
    for (const ConfigIssue& i : errors) {
      Finding f;
      f.code = i.code;
      f.severity = Severity::kError;
      f.path = i.path;
      f.offset = i.offset;
      f.message = "Azure refuses the change at " + formatIsoDuration(e.at_ns) + ": " + i.message +
                  " (the deployment before it stays in force)";
      f.fix = "correct the change at " + e.path;
      add(std::move(f));
    }
    return false;
  }

  // The route table on a sample of the scenario's own traffic.
  void routes() {
    routing::RouteTable::BuildOptions build;
    build.hub_name = sc_.hub_name;
    ConfigIssues issues;
    auto table = routing::RouteTable::build(sc_.routing, build, issues);
    if (!table) return;

    // Each route's condition on its own, to tell which routes match.
    struct RouteState {
      const routing::RouteConfig* config;
      std::optional<query::Condition> condition;
      uint64_t sampled = 0;  // messages of its source
      uint64_t matched = 0;
      uint64_t json = 0;                 // sampled messages with a JSON body
      std::set<std::string> properties;  // application properties they carried (folded)
    };
    std::vector<RouteState> routes;
    for (const routing::RouteConfig& r : sc_.routing.routes) {
      if (!r.enabled) continue;
      query::CompileOptions co;
      co.source = r.source;
      auto compiled = query::Condition::compile(r.condition, co);
      if (!compiled.ok()) continue;  // a deployment error already
      routes.push_back(RouteState{&r, std::move(*compiled)});
    }

    // A sample: the first messages of each traffic entry (the generator's streams, in time).
    std::vector<uint64_t> per_traffic(sc_.traffic.size(), 0);
    std::array<uint64_t, routing::kSourceCount> per_source{};
    uint64_t orphaned = 0, sampled = 0, invalid = 0;
    uint64_t invalid_fixed = 0;  // deliveries of the fixed payloads, routed apart
    // Per traffic entry: its first sampled message, and its messages over IoT Hub's limit
    // (how many, the largest size).
    std::vector<std::optional<message::Message>> exemplar(sc_.traffic.size());
    std::vector<std::pair<uint64_t, size_t>> too_large(sc_.traffic.size());
    std::map<std::string, uint64_t> reached;  // endpoint -> deliveries
    // The sample comes from each group's first devices: a group of millions costs no more.
    scenario::Scenario sample = sc_;
    for (scenario::DeviceGroup& g : sample.devices) g.count = std::min(g.count, kSampleDevices);
    scenario::TrafficGenerator generator(sample);
    scenario::GeneratedMessage g;
    query::EvalScratch scratch;
    routing::RoutingResult result;
    message::JsonReader reader;
    size_t remaining_entries = sc_.traffic.size();
    while (remaining_entries > 0 && generator.next(g)) {
      uint64_t& n = per_traffic[g.traffic];
      if (n >= options_.sample_per_traffic) continue;
      if (++n == options_.sample_per_traffic) --remaining_entries;
      message::Message& m = g.message;
      message::StampOptions stamp;
      auto when = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::nanoseconds(sc_.start_unix_ns + g.at_ns)));
      message::stampIngress(m, when, stamp);
      ++sampled;
      ++per_source[static_cast<size_t>(m.source)];
      if (!exemplar[g.traffic]) exemplar[g.traffic] = m;
      if (size_t size = message::messageSize(m); size > message::kMaxMessageBytes) {
        ++too_large[g.traffic].first;  // refused at ingress: never routed
        too_large[g.traffic].second = std::max(too_large[g.traffic].second, size);
        continue;
      }
      table->route(m, scratch, result);
      if (result.outcome == routing::RoutingResult::Outcome::kOrphaned &&
          m.source == message::MessageSource::kDeviceMessages) {
        ++orphaned;
      }
      for (const routing::Delivery& d : result.deliveries) {
        if (d.invalid) ++invalid;
        ++reached[utf::foldCase(table->endpoints()[d.endpoint].name)];
      }
      const bool json_body = reader.jsonBody(m).has_value();
      for (RouteState& r : routes) {
        if (r.config->source != m.source) continue;
        ++r.sampled;
        if (r.condition->evaluate(m, scratch) == query::TriState::kTrue) ++r.matched;
        if (r.matched == 0) {  // only needed to explain a route that never matches
          r.json += json_body ? 1 : 0;
          for (const message::Property& p : m.app_properties)
            r.properties.insert(utf::foldCase(p.name));
        }
      }
    }

    // Fixed payloads of a mix (`fix`, `fixSize`) whatever their share: the largest configured
    // payload is checked even when the sample did not draw it.
    for (size_t t = 0; t < sc_.traffic.size(); ++t) {
      if (!exemplar[t]) continue;
      for (const scenario::PayloadChoice& choice : sc_.traffic[t].payload.choices()) {
        if (choice.kind == scenario::PayloadChoice::Kind::kTemplate) continue;
        message::Message m = *exemplar[t];
        m.body.assign(choice.fixed);
        if (size_t size = message::messageSize(m); size > message::kMaxMessageBytes) {
          too_large[t].first += too_large[t].first == 0 ? 1 : 0;
          too_large[t].second = std::max(too_large[t].second, size);
          continue;
        }
        table->route(m, scratch, result);
        for (const routing::Delivery& d : result.deliveries) invalid_fixed += d.invalid ? 1 : 0;
      }
    }
    for (size_t t = 0; t < sc_.traffic.size(); ++t) {
      if (too_large[t].first == 0) continue;
      const scenario::TrafficSpec& spec = sc_.traffic[t];
      Finding f;
      f.code = "MessageTooLarge";
      f.severity = Severity::kError;
      f.path = spec.path;
      f.message = "traffic of group '" + spec.group + "' sends messages of up to " +
                  std::to_string(too_large[t].second) +
                  " bytes (body, system property values, application property names and "
                  "values), over IoT Hub's limit of 262144: the hub refuses them and the device "
                  "gets 413 MessageTooLarge (413001)";
      f.fix = "keep each message under 256 KB: shrink the payload or its properties, or split it";
      f.has_azure = true;
      f.azure_status = 413;
      f.azure_code = "MessageTooLarge";
      add(std::move(f));
    }
    for (const RouteState& r : routes) {
      Finding f;
      f.path = r.config->path;
      f.offset = r.config->condition_offset;
      if (auto why = contradiction(r.config->condition, r.config->source)) {
        f.code = "ConditionNeverTrue";
        f.severity = Severity::kError;
        f.message = "route '" + r.config->name + "' can never send anything: " + *why;
        f.fix = "correct the condition (OR where AND was meant, or the constants)";
      } else if (!options_.traffic) {
        continue;  // what the route does with messages needs the scenario's traffic
      } else if (r.sampled == 0 && per_source[static_cast<size_t>(r.config->source)] > 0) {
        continue;  // its traffic is all over the size limit (MessageTooLarge says so)
      } else if (r.sampled == 0) {
        f.code = "RouteSourceWithoutTraffic";
        f.severity = Severity::kInfo;
        f.message = "route '" + r.config->name + "' reads " + routeSourceName(r.config->source) +
                    ", which no traffic entry of the scenario sends";
        if (std::optional<std::string_view> kind = trafficKindOf(r.config->source)) {
          f.fix = "add a traffic entry with \"kind\": \"" + std::string(*kind) +
                  "\" to exercise it, or remove the route";
        } else {
          f.fix = "routesim does not generate " + routeSourceName(r.config->source) +
                  " (docs/scenario.md); remove the route if the hub will not see them";
        }
      } else if (r.matched == 0 && readsBody(*r.condition) && r.json == 0) {
        f.code = "BodyConditionWithoutJson";
        f.severity = Severity::kWarning;
        f.message = "route '" + r.config->name + "' reads $body, but none of the " +
                    std::to_string(r.sampled) + " sampled " + routeSourceName(r.config->source) +
                    " has contentType application/json with contentEncoding utf-8, utf-16 or "
                    "utf-32: IoT Hub cannot read their bodies, so the condition is never true";
        f.fix =
            "send contentType \"application/json\" and contentEncoding \"utf-8\" (system "
            "properties) from the devices";
      } else if (std::vector<std::string> missing = missingProperties(*r.condition, r.properties);
                 r.matched == 0 && !missing.empty()) {
        f.code = "PropertyNeverSent";
        f.severity = Severity::kWarning;
        f.message = "route '" + r.config->name + "' tests application propert" +
                    (missing.size() > 1 ? "ies " : "y ") + quotedList(missing) +
                    ", which none of the " + std::to_string(r.sampled) + " sampled " +
                    routeSourceName(r.config->source) + " carries, and it matched none of them";
        f.fix = "check the property name against the devices' appProperties";
      } else if (r.matched == 0) {
        f.code = "RouteNeverMatches";
        f.severity = Severity::kWarning;
        f.message = "route '" + r.config->name + "' matched none of " + std::to_string(r.sampled) +
                    " sampled " + routeSourceName(r.config->source) +
                    " of the scenario: its condition \"" + r.config->condition +
                    "\" is false or undefined on everything the devices send";
        f.fix =
            "check the condition against the devices' messages (routesim eval --query ... "
            "--message ...): property names, $body paths, and contentType application/json with "
            "contentEncoding utf-8 for $body";
      } else {
        continue;
      }
      add(std::move(f));
    }
    for (const routing::EndpointConfig& c : sc_.routing.endpoints) {
      bool routed = false;
      for (const routing::RouteConfig& r : sc_.routing.routes)
        routed = routed || (r.enabled && utf::equalsIgnoreCase(r.endpoint, c.name));
      if (sc_.routing.fallback && sc_.routing.fallback->enabled)
        routed = routed || utf::equalsIgnoreCase(sc_.routing.fallback->endpoint, c.name);
      if (routed) continue;
      Finding f;
      f.code = "EndpointUnreachable";
      f.severity = Severity::kWarning;
      f.path = c.path;
      f.offset = c.offset;
      f.message = "no enabled route sends to endpoint '" + c.name + "'";
      f.fix = "add a route with endpointNames [\"" + c.name + "\"], or remove the endpoint";
      add(std::move(f));
    }
    bool fallback = sc_.routing.fallback && sc_.routing.fallback->enabled;
    if (orphaned > 0 && !fallback) {
      Finding f;
      f.code = "OrphanedMessages";
      f.severity = Severity::kWarning;
      f.path = "$.resources[" + std::to_string(sc_.hub_index) + "].properties.routing";
      uint64_t device_messages = per_source[0];
      f.message = std::to_string(orphaned) + " of " + std::to_string(device_messages) +
                  " sampled device messages match no route and the fallback route is disabled: "
                  "IoT Hub drops them as orphaned (d2c.telemetry.egress.orphaned)";
      f.fix = "enable the fallback route (fallbackRoute.isEnabled true) or add a route for them";
      add(std::move(f));
    }
    if (invalid > 0 || invalid_fixed > 0) {
      Finding f;
      f.code = "EnrichedMessageTooLarge";
      f.severity = Severity::kWarning;
      f.path = "$.resources[" + std::to_string(sc_.hub_index) + "].properties.routing";
      f.message = (invalid > 0 ? std::to_string(invalid) + " sampled deliveries"
                               : "deliveries of the fixed payloads the traffic configures") +
                  " exceed 256 KB once their endpoint's enrichments are added: IoT Hub counts "
                  "them invalid (d2c.telemetry.egress.invalid)";
      f.fix = "shorten the enrichments or the payloads";
      add(std::move(f));
    }
  }

  const scenario::Scenario& sc_;
  const scenario::LoadedScenario& loaded_;
  CheckOptions options_;
  std::vector<Finding> findings_;
  std::set<std::string> reported_;  // ingress and egress denials already found
  bool deployment_failed_ = false;
};

}  // namespace

std::string_view severityName(Finding::Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "error";
}

std::vector<Finding> checkScenario(const scenario::LoadedScenario& loaded,
                                   const CheckOptions& options) {
  return Checker(loaded, options).run();
}

std::string findingsJson(const std::vector<Finding>& findings) {
  std::string out = "{\"findings\": [";
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    out += i ? ",\n  {" : "\n  {";
    out += "\"code\": ";
    json::appendQuoted(out, f.code);
    out += ", \"severity\": ";
    json::appendQuoted(out, severityName(f.severity));
    out += ", \"path\": ";
    json::appendQuoted(out, f.path);
    out += ", \"message\": ";
    json::appendQuoted(out, f.message);
    out += ", \"fix\": ";
    json::appendQuoted(out, f.fix);
    if (f.has_azure) {
      out += ", \"azure\": {\"status\": ";
      out += f.azure_status ? std::to_string(*f.azure_status) : "null";
      out += ", \"code\": ";
      json::appendQuoted(out, f.azure_code);
      out += "}";
    }
    out += "}";
  }
  out += findings.empty() ? "]}\n" : "\n]}\n";
  return out;
}

std::string findingsSarif(const std::vector<Finding>& findings, std::string_view file,
                          std::string_view text) {
  auto quoted = [](std::string& out, std::string_view s) { json::appendQuoted(out, s); };
  std::vector<std::string> rules;
  for (const Finding& f : findings) {
    if (std::find(rules.begin(), rules.end(), f.code) == rules.end()) rules.push_back(f.code);
  }
  std::string out =
      "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
      "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {\"name\": "
      "\"routesim\", "
      "\"rules\": [";
  for (size_t i = 0; i < rules.size(); ++i) {
    out += i ? ", {\"id\": " : "{\"id\": ";
    quoted(out, rules[i]);
    out += "}";
  }
  out += "]}},\n    \"results\": [";
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    out += i ? ",\n      {" : "\n      {";
    out += "\"ruleId\": ";
    quoted(out, f.code);
    out += ", \"ruleIndex\": " +
           std::to_string(std::find(rules.begin(), rules.end(), f.code) - rules.begin());
    out += ", \"level\": ";
    quoted(out, f.severity == Severity::kError     ? "error"
                : f.severity == Severity::kWarning ? "warning"
                                                   : "note");
    std::string message = f.message;
    if (!f.fix.empty()) message += ". Fix: " + f.fix;
    out += ", \"message\": {\"text\": ";
    quoted(out, message);
    out += "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ";
    quoted(out, file);
    out += "}";
    if (f.offset != 0 && !text.empty()) {
      LineColumn at = locate(text, f.offset);
      out += ", \"region\": {\"startLine\": " + std::to_string(at.line) +
             ", \"startColumn\": " + std::to_string(at.column) + "}";
    }
    out += "}, \"logicalLocations\": [{\"fullyQualifiedName\": ";
    quoted(out, f.path);
    out += "}]}]";
    if (f.has_azure) {
      out += ", \"properties\": {\"azureStatus\": ";
      out += f.azure_status ? std::to_string(*f.azure_status) : "null";
      out += ", \"azureCode\": ";
      quoted(out, f.azure_code);
      out += "}";
    }
    out += "}";
  }
  out += findings.empty() ? "]\n  }]\n}\n" : "\n    ]\n  }]\n}\n";
  return out;
}

void printFindings(const std::vector<Finding>& findings, std::ostream& out, std::string_view file,
                   std::string_view text) {
  size_t counts[3] = {0, 0, 0};
  for (const Finding& f : findings) {
    ++counts[static_cast<size_t>(f.severity)];
    if (!file.empty()) {
      out << file;
      if (f.offset != 0 && !text.empty()) {
        LineColumn at = locate(text, f.offset);
        out << ":" << at.line << ":" << at.column;
      }
      out << ": ";
    }
    out << severityName(f.severity) << " " << f.code << " at " << f.path << ": " << f.message
        << "\n";
    if (f.has_azure) {
      out << "  Azure: " << (f.azure_status ? std::to_string(*f.azure_status) : "no HTTP") << " "
          << f.azure_code << "\n";
    }
    if (!f.fix.empty()) out << "  fix: " << f.fix << "\n";
  }
  out << counts[0] << " error(s), " << counts[1] << " warning(s), " << counts[2] << " info\n";
}

}  // namespace routesim::runner
