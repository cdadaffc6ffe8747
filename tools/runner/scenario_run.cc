#include "tools/runner/scenario_run.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "core/common/clock.h"
#include "core/common/duration.h"
#include "core/common/json.h"
#include "core/common/utf.h"
#include "core/message/stamp.h"
#include "core/policy/ingress.h"
#include "core/router/router.h"
#include "core/routing/route_table.h"
#include "core/scenario/generator.h"
#include "endpoints/egress/egress_gate.h"
#include "endpoints/fault/fault_plan.h"
#include "endpoints/registry/emulators.h"
#include "endpoints/registry/endpoint_target.h"
#include "endpoints/storage/storage_endpoint.h"
#include "tools/runner/config_timeline.h"
#include "tools/runner/egress_binding.h"

namespace routesim::runner {
namespace {

using router::HealthStatus;
using router::OutcomeObserver;
using scenario::Expectation;
using scenario::TimelineEvent;

constexpr uint64_t kSecondNs = 1000000000ULL;
constexpr uint64_t kMinuteNs = 60 * kSecondNs;

std::string_view stampAuth(std::string_view auth_method) {
  return auth_method == "sas" ? "sas" : "x509";
}

// A run's outputs replace the previous run's: a container folder routesim wrote before (its
// marker file says so) is emptied, or the blobs of both runs would sit side by side (a chunk
// takes the next free name, "00-1"). Event Hubs and Service Bus files are rewritten whole by
// their save anyway. Folders without the marker are left alone.
void clearPreviousBlobs(const endpoints::EmulatorResources& resources,
                        const std::filesystem::path& out) {
  for (const endpoints::StorageAccountConfig& account : resources.storage_accounts) {
    for (const std::string& container : account.containers) {
      const std::filesystem::path dir = out / account.name / container;
      std::error_code ec;
      if (std::filesystem::exists(dir / endpoints::storage::kContainerMarker, ec))
        std::filesystem::remove_all(dir, ec);
    }
  }
}

std::string formatCount(double v) {
  std::string s;
  json::appendNumber(s, v);
  return s;
}

// One message between its generation and its last outcome.
struct Pending {
  scenario::GeneratedMessage generated;
  uint32_t outstanding = 0;  // deliveries without a terminal outcome yet
  bool in_use = false;
};

// A fate expectation's counters: the group's messages the routes sent to the endpoint, and those
// delivered there within the window.
struct FateCounter {
  const Expectation* e = nullptr;
  std::vector<char> groups;  // per device group: whether the expectation is about it
  int slot = -1;             // the endpoint's slot
  uint64_t total = 0;
  uint64_t within = 0;
};

// An endpoint count expectation's counter over its window.
struct CountCounter {
  const Expectation* e = nullptr;
  int slot = -1;
  OutcomeObserver::Outcome outcome = OutcomeObserver::Outcome::kDelivered;
  uint64_t count = 0;
};

class Run final : public OutcomeObserver {
 public:
  Run(const scenario::Scenario& sc, const RunOptions& options, RunReport& report)
      : sc_(sc), options_(options), report_(report) {}

  void execute(const std::vector<ConfigIssue>& deployment_errors);

  // OutcomeObserver.
  void routed(const message::Message& m, const routing::RoutingResult& result,
              uint64_t now_ns) override;
  void outcome(const message::Message& m, size_t slot, Outcome outcome, uint64_t at_ns) override;

 private:
  bool deploy();
  void bindEgress(const scenario::Deployment& d);
  void applyEvent(const TimelineEvent& e, size_t index);
  void redeployed();
  void tick(uint64_t t);
  void sampleHealth(uint64_t t);
  std::vector<HealthStatus> healthNow() const;
  void sendNext();
  // --threads, 0 resolved to the hardware's.
  unsigned threads() const {
    return options_.threads != 0 ? options_.threads
                                 : std::max(1u, std::thread::hardware_concurrency());
  }
  struct DeviceIngress;
  const DeviceIngress& decisionFor(uint32_t group, uint32_t device);
  void countFatesForDenied(const message::Message& m, uint32_t group);
  void release(Pending& p);
  void releaseDone();
  MinutePoint& minute(uint64_t t);
  void finish();
  void evaluateExpectations();
  void evaluateRedeployment(const Expectation& e, ExpectationResult& r);
  void traceLine(const Pending& p, std::string_view outcome, std::string_view endpoint,
                 uint64_t at_ns, std::string_view detail = {});

  const scenario::Scenario& sc_;
  const RunOptions& options_;
  RunReport& report_;

  ManualClock clock_;
  std::optional<ConfigTimeline> config_;  // the deployment in force, from deploy() on
  std::unique_ptr<endpoints::Emulators> emulators_;
  router::EndpointRegistry registry_;
  std::shared_ptr<endpoints::fault::FaultPlan> faults_ =
      std::make_shared<endpoints::fault::FaultPlan>();
  std::shared_ptr<endpoints::egress::EgressPolicySet> egress_ =
      std::make_shared<endpoints::egress::EgressPolicySet>();
  std::shared_ptr<policy::DenialLedger> ledger_ = std::make_shared<policy::DenialLedger>();
  std::unique_ptr<policy::IngressPolicy> ingress_;
  struct DeviceIngress {
    policy::IngressDecision decision;
    std::string explanation;  // denied devices only
  };
  std::vector<std::vector<std::optional<DeviceIngress>>> decisions_;  // [group][device]
  std::unique_ptr<router::Router> router_;
  scenario::TrafficGenerator* generator_ = nullptr;
  std::vector<std::string> slot_names_;
  std::vector<std::optional<endpoints::fault::Fault>> event_faults_;  // per timeline event

  std::deque<Pending> pool_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> done_;  // released after the router call that finished them returns

  std::vector<HealthStatus> health_;
  std::map<uint64_t, std::vector<HealthStatus>> checkpoints_;  // health expectations' times
  std::vector<FateCounter> fates_;
  std::vector<CountCounter> counts_;
  query::EvalScratch scratch_;
  routing::RoutingResult denied_result_;
};

MinutePoint& Run::minute(uint64_t t) {
  size_t i = static_cast<size_t>(std::min(t, sc_.duration_ns - 1) / kMinuteNs);
  return report_.series[i];
}

void Run::execute(const std::vector<ConfigIssue>& deployment_errors) {
  report_.scenario = sc_.name;
  report_.seed = sc_.seed;
  report_.profile = sc_.profile;
  report_.duration_ns = sc_.duration_ns;
  report_.start_unix_ns = sc_.start_unix_ns;
  report_.deployment_errors = deployment_errors;
  if (deployment_errors.empty()) deploy();
  report_.deployment_ok = report_.deployment_errors.empty();
  if (!report_.deployment_ok) {
    // Nothing ran: the hub's metrics are all zero.
    report_.metrics = metrics::MetricsSnapshot{}.iotHubMetrics({});
    evaluateExpectations();
    return;
  }

  size_t minutes = static_cast<size_t>((sc_.duration_ns + kMinuteNs - 1) / kMinuteNs);
  report_.series.resize(minutes);
  for (MinutePoint& p : report_.series) {
    p.delivered.assign(slot_names_.size(), 0);
    p.dropped.assign(slot_names_.size(), 0);
    p.invalid.assign(slot_names_.size(), 0);
  }
  for (const Expectation& e : sc_.expect) {
    if (e.kind == Expectation::Kind::kHealth) checkpoints_[e.at_ns];
    if (e.kind == Expectation::Kind::kFate) {
      FateCounter f{&e};
      for (const scenario::DeviceGroup& g : sc_.devices)
        f.groups.push_back(utf::equalsIgnoreCase(e.group, g.name) ? 1 : 0);
      for (size_t s = 0; s < slot_names_.size(); ++s) {
        if (utf::equalsIgnoreCase(slot_names_[s], e.endpoint)) f.slot = static_cast<int>(s);
      }
      fates_.push_back(std::move(f));
    }
    if (e.kind == Expectation::Kind::kEndpointCount) {
      CountCounter c{&e};
      for (size_t s = 0; s < slot_names_.size(); ++s) {
        if (utf::equalsIgnoreCase(slot_names_[s], e.endpoint)) c.slot = static_cast<int>(s);
      }
      c.outcome = e.count == "dropped"   ? Outcome::kDropped
                  : e.count == "invalid" ? Outcome::kInvalid
                                         : Outcome::kDelivered;
      counts_.push_back(c);
    }
  }
  health_ = healthNow();

  scenario::TrafficGenerator generator(sc_);
  generator_ = &generator;
  size_t next_event = 0;
  uint64_t next_tick = kSecondNs;
  auto next_checkpoint = checkpoints_.begin();
  uint64_t next_progress = kMinuteNs;
  const uint64_t end = sc_.duration_ns;
  for (;;) {
    uint64_t t_event =
        next_event < sc_.timeline.size() ? sc_.timeline[next_event].at_ns : UINT64_MAX;
    uint64_t t_check = next_checkpoint != checkpoints_.end() ? next_checkpoint->first : UINT64_MAX;
    uint64_t t_msg = generator.peekTime();
    // At one time: timeline events, then the tick, then health checkpoints, then messages.
    if (t_event != UINT64_MAX && t_event <= std::min({next_tick, t_check, t_msg}) &&
        t_event < end) {
      clock_.set(t_event);
      applyEvent(sc_.timeline[next_event], next_event);
      ++next_event;
      continue;
    }
    if (next_tick <= std::min(t_check, t_msg) && next_tick < end) {
      tick(next_tick);
      next_tick += kSecondNs;
      if (options_.progress && next_tick >= next_progress) {
        options_.progress(static_cast<double>(next_tick) / static_cast<double>(end));
        next_progress += kMinuteNs;
      }
      continue;
    }
    if (t_check <= t_msg && t_check < end) {
      clock_.set(t_check);
      router_->drain();
      releaseDone();
      next_checkpoint->second = healthNow();
      ++next_checkpoint;
      continue;
    }
    if (t_msg < end) {
      sendNext();
      continue;
    }
    break;
  }
  // Events at the very end (a redeployment at `duration`) still apply.
  clock_.set(end);
  for (; next_event < sc_.timeline.size(); ++next_event)
    applyEvent(sc_.timeline[next_event], next_event);
  finish();
  for (; next_checkpoint != checkpoints_.end(); ++next_checkpoint)
    next_checkpoint->second = healthNow();
  evaluateExpectations();
}

bool Run::deploy() {
  ConfigIssues issues;
  auto parsed = json::parse(resourcesArray(sc_.resources));
  if (!parsed.ok()) {
    report_.deployment_errors.push_back(
        {ConfigIssue::Severity::kError, "$.resources", "InvalidJson", parsed.error().message(), 0});
    return false;
  }
  const json::Value& resources = *parsed;
  scenario::Deployment deployment =
      scenario::readDeployment(resources, "$.resources", sc_.profile, issues);
  endpoints::EmulatorResources emulated =
      endpoints::readArmResources(resources, "$.resources", issues);
  if (deployment.policy.hubs.empty()) {
    issues.error("$.resources", "MissingHub", "a scenario needs one Microsoft.Devices/IotHubs", 0);
  }
  const policy::HubPolicyConfig* hub =
      deployment.policy.hubs.empty() ? nullptr : &deployment.policy.hubs[0];
  endpoints::EmulatorContext context;
  context.clock = &clock_;
  context.utc_at_zero_ns = static_cast<int64_t>(sc_.start_unix_ns);
  context.out_dir = options_.out_dir;
  context.hub_name = sc_.hub_name;
  context.builtin_partitions = hub ? hub->partition_count : 4;
  if (!issues.hasErrors()) {
    clearPreviousBlobs(emulated, options_.out_dir);
    emulators_ =
        endpoints::Emulators::create(context, std::move(emulated), deployment.routing.endpoints,
                                     endpoints::MissingTargets::kError, issues);
  }
  for (const ConfigIssue& i : issues.items()) {
    if (i.severity == ConfigIssue::Severity::kError) report_.deployment_errors.push_back(i);
  }
  if (!report_.deployment_errors.empty()) return false;

  // Fault specifications of the timeline, read once (their errors are the file's: exit 2).
  event_faults_.resize(sc_.timeline.size());
  for (size_t i = 0; i < sc_.timeline.size(); ++i) {
    const TimelineEvent& e = sc_.timeline[i];
    if (e.action != TimelineEvent::Action::kFault) continue;
    auto spec = json::parse("[" + e.json + "]");
    ConfigIssues fault_issues;
    auto specs = endpoints::fault::readFaultSpecs(*spec, e.path, 0, fault_issues);
    if (!specs.empty()) event_faults_[i] = specs[0].fault;
  }

  emulators_->registerWith(registry_);
  emulators_->saveInBackground(threads());
  endpoints::fault::addFaultInjection(registry_, faults_, &clock_);
  egress_->setLedger(ledger_);
  config_.emplace(sc_, std::move(deployment));
  const scenario::Deployment& deployed = config_->deployment();
  hub = &deployed.policy.hubs[0];
  egress_->setHub(policy::egressHub(*hub, sc_.profile));
  egress_->setRbac(config_->rbac());
  bindEgress(deployed);
  endpoints::egress::addEgressPolicy(registry_, egress_, &clock_);
  ingress_ = std::make_unique<policy::IngressPolicy>(hub->ingress, deployed.policy.network);
  decisions_.assign(sc_.devices.size(), {});
  for (size_t g = 0; g < sc_.devices.size(); ++g) decisions_[g].resize(sc_.devices[g].count);

  routing::RouteTable::BuildOptions build;
  build.hub_name = sc_.hub_name;
  ConfigIssues table_issues;
  auto table = routing::RouteTable::build(deployed.routing, build, table_issues);
  router::RouterOptions ro;
  ro.workers = 1;
  ro.clock = &clock_;
  ro.observer = this;
  ro.builtin_partitions = context.builtin_partitions;
  router_ = std::make_unique<router::Router>(table, registry_, deployed.routing.endpoints, ro);
  for (const auto& d : router_->endpointDescriptions()) slot_names_.push_back(d.name);
  return true;
}

void Run::bindEgress(const scenario::Deployment& d) {
  for (const routing::EndpointConfig& c : d.routing.endpoints) {
    if (auto b = egressBinding(c, d)) egress_->bind(c.name, b->endpoint, b->target);
  }
}

void Run::applyEvent(const TimelineEvent& e, size_t index) {
  TimelineResult r;
  r.at_ns = e.at_ns;
  r.path = e.path;
  r.action = std::string(scenario::timelineActionName(e.action));
  switch (e.action) {
    case TimelineEvent::Action::kFault: {
      r.subject = e.endpoint;
      if (const auto& f = event_faults_[index]) faults_->add(e.endpoint, *f);
      break;
    }
    case TimelineEvent::Action::kClearFaults:
      r.subject = e.endpoint;
      faults_->clear(e.endpoint, e.at_ns);
      break;
    case TimelineEvent::Action::kAddDevices:
    case TimelineEvent::Action::kRemoveDevices:
      r.subject = e.group;  // the generator starts and stops the group's streams
      break;
    case TimelineEvent::Action::kAdd:
    case TimelineEvent::Action::kRemove:
    case TimelineEvent::Action::kPatch:
    case TimelineEvent::Action::kSet:
      r.subject = e.resource;
      r.ok = config_->apply(e, r.errors);
      if (r.ok) redeployed();
      break;
  }
  report_.timeline.push_back(std::move(r));
  releaseDone();
}

void Run::redeployed() {
  const scenario::Deployment& d = config_->deployment();
  // Routing: a new table swapped in whole.
  routing::RouteTable::BuildOptions build;
  build.hub_name = sc_.hub_name;
  ConfigIssues table_issues;
  router_->swapTable(routing::RouteTable::build(d.routing, build, table_issues));
  // Ingress: a new policy; every device decides again.
  const policy::HubPolicyConfig& hub = d.policy.hubs[0];
  ingress_ = std::make_unique<policy::IngressPolicy>(hub.ingress, d.policy.network);
  for (auto& group : decisions_) std::fill(group.begin(), group.end(), std::nullopt);
  // Egress: the hub, the targets' firewalls, and role assignments (new ones propagate).
  egress_->setHub(policy::egressHub(hub, sc_.profile));
  egress_->setRbac(config_->rbac());
  bindEgress(d);
}

void Run::tick(uint64_t t) {
  clock_.set(t);
  router_->drain();
  router_->tickEndpoints();
  releaseDone();
  sampleHealth(t);
}

std::vector<HealthStatus> Run::healthNow() const {
  std::vector<HealthStatus> v;
  for (const router::EndpointHealthReport& h : router_->health()) v.push_back(h.status);
  return v;
}

void Run::sampleHealth(uint64_t t) {
  std::vector<router::EndpointHealthReport> now = router_->health();
  for (size_t s = 0; s < now.size() && s < health_.size(); ++s) {
    if (now[s].status == health_[s]) continue;
    report_.transitions.push_back(
        HealthTransition{t, slot_names_[s], health_[s], now[s].status,
                         now[s].last_known_error == router::DeliveryFailure::kNone
                             ? std::string()
                             : std::string(router::deliveryFailureName(now[s].last_known_error))});
    health_[s] = now[s].status;
  }
}

const Run::DeviceIngress& Run::decisionFor(uint32_t group, uint32_t device) {
  auto& slot = decisions_[group][device];
  if (!slot) {
    const scenario::DeviceGroup& g = sc_.devices[group];
    policy::ClientLocation where = g.locationOf(device);
    slot = DeviceIngress{ingress_->decide(where, g.tls), {}};
    if (!slot->decision.allowed)
      slot->explanation = ingress_->explain(slot->decision, where, g.tls);
  }
  return *slot;
}

void Run::sendNext() {
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<uint32_t>(pool_.size());
    pool_.emplace_back();
  }
  Pending& p = pool_[index];
  p.in_use = true;
  p.outstanding = 0;
  generator_->next(p.generated);
  const uint64_t t = p.generated.at_ns;
  clock_.set(t);
  message::Message& m = p.generated.message;
  m.tag = index;
  ++report_.generated;
  MinutePoint& point = minute(t);
  ++point.attempts;

  const scenario::DeviceGroup& group = sc_.devices[p.generated.group];
  const DeviceIngress& in = decisionFor(p.generated.group, p.generated.device);
  if (!in.decision.allowed) {
    ++report_.rejected_at_ingress;
    ++point.rejected;
    router_->countRejectedAtIngress();
    policy::AzureError error = policy::IngressPolicy::azureError(in.decision);
    ledger_->record(policy::DenialKind::kIngress, group.name, sc_.hub_name, error,
                    policy::ingressReasonName(in.decision.reason), in.explanation, 1, t);
    countFatesForDenied(m, p.generated.group);
    traceLine(p, "rejectedAtIngress", {}, t, error.code);
    release(p);
    return;
  }
  message::StampOptions stamp;
  stamp.auth_type = std::string(stampAuth(group.auth_method));
  auto enqueued = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(sc_.start_unix_ns + t)));
  message::stampIngress(m, enqueued, stamp);
  router::SubmitResult r = router_->processInline(m, t);
  if (r == router::SubmitResult::kTooLarge) {
    ++report_.too_large;
    ++point.rejected;
    traceLine(p, "tooLarge", {}, t);
    release(p);
    return;
  }
  ++report_.accepted;
  ++point.accepted;
  releaseDone();
}

void Run::countFatesForDenied(const message::Message& m, uint32_t group) {
  if (fates_.empty()) return;
  auto table = router_->table();
  table->route(m, scratch_, denied_result_, static_cast<uint32_t>(message::messageSize(m)));
  for (FateCounter& f : fates_) {
    if (!f.groups[group]) continue;
    for (const routing::Delivery& d : denied_result_.deliveries) {
      if (utf::equalsIgnoreCase(table->endpoints()[d.endpoint].name, f.e->endpoint)) ++f.total;
    }
  }
}

void Run::routed(const message::Message& m, const routing::RoutingResult& result, uint64_t now_ns) {
  Pending& p = pool_[m.tag];
  p.outstanding = static_cast<uint32_t>(result.deliveries.size());
  std::shared_ptr<const routing::RouteTable> table;
  for (FateCounter& f : fates_) {
    if (!f.groups[p.generated.group]) continue;
    if (!table) table = router_->table();
    for (const routing::Delivery& d : result.deliveries) {
      if (utf::equalsIgnoreCase(table->endpoints()[d.endpoint].name, f.e->endpoint)) ++f.total;
    }
  }
  if (result.deliveries.empty()) {
    ++report_.orphaned;
    ++minute(now_ns).orphaned;
    traceLine(p, "orphaned", {}, now_ns);
    done_.push_back(static_cast<uint32_t>(m.tag));
  }
}

void Run::outcome(const message::Message& m, size_t slot, Outcome outcome, uint64_t at_ns) {
  Pending& p = pool_[m.tag];
  MinutePoint& point = minute(at_ns);
  std::string_view name;
  switch (outcome) {
    case Outcome::kDelivered:
      ++report_.delivered;
      ++point.delivered[slot];
      name = "delivered";
      break;
    case Outcome::kDropped:
      ++report_.dropped;
      ++point.dropped[slot];
      name = "dropped";
      break;
    case Outcome::kInvalid:
      ++report_.invalid;
      ++point.invalid[slot];
      name = "invalid";
      break;
  }
  for (CountCounter& c : counts_) {
    if (c.slot != static_cast<int>(slot) || c.outcome != outcome) continue;
    if (c.e->from_ns && at_ns < *c.e->from_ns) continue;
    if (c.e->until_ns && at_ns >= *c.e->until_ns) continue;
    ++c.count;
  }
  if (outcome == Outcome::kDelivered) {
    for (FateCounter& f : fates_) {
      if (!f.groups[p.generated.group] || f.slot != static_cast<int>(slot)) continue;
      if (!f.e->within_ns || at_ns - p.generated.at_ns <= *f.e->within_ns) ++f.within;
    }
  }
  traceLine(p, name, slot_names_[slot], at_ns);
  if (--p.outstanding == 0) done_.push_back(static_cast<uint32_t>(m.tag));
}

void Run::release(Pending& p) {
  p.in_use = false;
  free_.push_back(static_cast<uint32_t>(p.generated.message.tag));
}

void Run::releaseDone() {
  for (uint32_t i : done_) {
    pool_[i].in_use = false;
    free_.push_back(i);
  }
  done_.clear();
}

void Run::traceLine(const Pending& p, std::string_view outcome, std::string_view endpoint,
                    uint64_t at_ns, std::string_view detail) {
  if (options_.trace == nullptr) return;
  std::string line = "{\"sent\":";
  json::appendQuoted(line, formatIsoDuration(p.generated.at_ns));
  line += ",\"at\":";
  json::appendQuoted(line, formatIsoDuration(at_ns));
  line += ",\"group\":";
  json::appendQuoted(line, sc_.devices[p.generated.group].name);
  line += ",\"device\":";
  json::appendQuoted(line, p.generated.message.device_id);
  line += ",\"outcome\":";
  json::appendQuoted(line, outcome);
  if (!endpoint.empty()) {
    line += ",\"endpoint\":";
    json::appendQuoted(line, endpoint);
  }
  if (!detail.empty()) {
    line += ",\"code\":";
    json::appendQuoted(line, detail);
  }
  line += "}\n";
  *options_.trace << line;
}

void Run::finish() {
  router_->drain();
  releaseDone();
  router_->flushEndpoints();
  sampleHealth(sc_.duration_ns);
  for (const Pending& p : pool_) report_.in_flight += p.in_use ? p.outstanding : 0;

  router::Router& r = *router_;
  metrics::MetricsSnapshot snap = r.metrics();
  std::vector<metrics::EndpointDescription> described = r.endpointDescriptions();
  report_.metrics = snap.iotHubMetrics(described);
  std::vector<router::EndpointHealthReport> health = r.health();
  for (size_t s = 0; s < described.size(); ++s) {
    EndpointResult e;
    e.name = described[s].name;
    e.type = described[s].type;
    e.delivered = snap.endpoints[s].delivered;
    e.dropped = snap.endpoints[s].dropped;
    e.invalid = snap.endpoints[s].invalid;
    e.health = health[s];
    report_.endpoints.push_back(std::move(e));
  }
  report_.denials = ledger_->snapshot();
  if (Status saved = emulators_->save(); !saved.ok()) report_.save_error = saved.error().message();
}

// A deployment expectation with "at": the redeployments of the timeline events at that time.
void Run::evaluateRedeployment(const Expectation& e, ExpectationResult& r) {
  std::string when = " at " + formatIsoDuration(*e.deployment_at_ns);
  r.expected = (e.deployment_succeeds ? "redeployment succeeds" : "redeployment fails") +
               (e.code ? " with " + *e.code : std::string()) + when;
  size_t events = 0;
  bool failed = false, code_seen = !e.code;
  std::string codes;
  for (TimelineResult& t : report_.timeline) {
    if (t.at_ns != *e.deployment_at_ns) continue;
    if (t.action != "add" && t.action != "remove" && t.action != "patch" && t.action != "set")
      continue;
    ++events;
    if (t.ok) continue;
    failed = true;
    for (const ConfigIssue& i : t.errors) {
      code_seen = code_seen || (e.code && i.code == *e.code);
      codes += (codes.empty() ? "" : ", ") + i.code;
    }
  }
  if (events == 0) {
    r.actual = "no resource change" + when;
    return;
  }
  r.actual = failed ? "refused with " + codes : "redeployed";
  r.ok = e.deployment_succeeds ? !failed : failed && code_seen;
  if (!e.deployment_succeeds && r.ok) {
    for (TimelineResult& t : report_.timeline)
      t.expected |= !t.ok && t.at_ns == *e.deployment_at_ns;
  }
}

void Run::evaluateExpectations() {
  auto metric = [&](std::string_view name) -> std::optional<double> {
    for (const auto& [n, v] : report_.metrics) {
      if (n == name) return v;
    }
    return std::nullopt;
  };
  auto slotOf = [&](std::string_view name) -> int {
    for (size_t s = 0; s < report_.endpoints.size(); ++s) {
      if (utf::equalsIgnoreCase(report_.endpoints[s].name, name)) return static_cast<int>(s);
    }
    return -1;
  };
  size_t fate = 0, count = 0;
  for (const Expectation& e : sc_.expect) {
    ExpectationResult r;
    r.text = e.text;
    r.path = e.path;
    switch (e.kind) {
      case Expectation::Kind::kDeployment: {
        if (e.deployment_at_ns) {
          evaluateRedeployment(e, r);
          break;
        }
        bool code_seen = !e.code;
        std::string codes;
        for (const ConfigIssue& i : report_.deployment_errors) {
          if (e.code && i.code == *e.code) code_seen = true;
          codes += (codes.empty() ? "" : ", ") + i.code;
        }
        r.expected = e.deployment_succeeds
                         ? "deployment succeeds"
                         : "deployment fails" + (e.code ? " with " + *e.code : "");
        r.actual =
            report_.deployment_ok ? "deployment succeeded" : "deployment failed with " + codes;
        r.ok = e.deployment_succeeds ? report_.deployment_ok : !report_.deployment_ok && code_seen;
        if (!e.deployment_succeeds && r.ok) report_.deployment_failure_expected = true;
        break;
      }
      case Expectation::Kind::kMetric: {
        std::optional<double> v = metric(e.metric);
        if (e.equals_metric) {
          std::optional<double> other = metric(*e.equals_metric);
          r.expected =
              e.metric + " = " + *e.equals_metric + (other ? " (" + formatCount(*other) + ")" : "");
          r.actual = v ? formatCount(*v) : "no metric " + e.metric + " in this run";
          r.ok = v && other && *v == *other;
        } else {
          r.expected = e.metric + " " + e.comparison.describe();
          r.actual = v ? formatCount(*v) : "no metric " + e.metric + " in this run";
          r.ok = v && e.comparison.holds(*v);
        }
        break;
      }
      case Expectation::Kind::kEndpointCount: {
        r.expected = e.endpoint + " " + e.count + " " + e.comparison.describe();
        if (e.from_ns) {
          r.expected += " during [" + formatIsoDuration(*e.from_ns) + ", " +
                        formatIsoDuration(*e.until_ns) + ")";
        }
        if (!report_.deployment_ok) {
          r.actual = "nothing ran: the deployment failed";
          break;
        }
        const CountCounter& c = counts_[count++];  // one per endpoint count, in order
        if (slotOf(e.endpoint) < 0) {
          r.actual = "no endpoint " + e.endpoint + " in this run";
          break;
        }
        r.actual = std::to_string(c.count);
        r.ok = e.comparison.holds(static_cast<double>(c.count));
        break;
      }
      case Expectation::Kind::kHealth: {
        r.expected = e.endpoint + " " + std::string(router::healthStatusName(e.health)) + " at " +
                     formatIsoDuration(e.at_ns);
        int s = slotOf(e.endpoint);
        auto it = checkpoints_.find(e.at_ns);
        if (s < 0 || it == checkpoints_.end() || static_cast<size_t>(s) >= it->second.size()) {
          r.actual = "no endpoint " + e.endpoint + " in this run";
          break;
        }
        HealthStatus h = it->second[static_cast<size_t>(s)];
        r.actual = std::string(router::healthStatusName(h));
        r.ok = h == e.health;
        break;
      }
      case Expectation::Kind::kDenial: {
        uint64_t messages = 0;
        size_t matches = 0;
        for (const policy::Denial& d : report_.denials) {
          if (e.denial_kind && policy::denialKindName(d.kind) != *e.denial_kind) continue;
          if (e.source && !utf::equalsIgnoreCase(d.source, *e.source)) continue;
          if (e.target && !utf::equalsIgnoreCase(d.target, *e.target)) continue;
          if (e.code && d.code != *e.code) continue;
          if (e.reason && d.reason != *e.reason) continue;
          if (e.match_status && d.status != e.status) continue;
          ++matches;
          messages += d.count;
        }
        std::string what = "a denial";
        if (e.denial_kind) what += " kind " + *e.denial_kind;
        if (e.source) what += " from " + *e.source;
        if (e.target) what += " to " + *e.target;
        if (e.code) what += " with " + *e.code;
        if (e.reason) what += " (" + *e.reason + ")";
        if (e.match_status)
          what += " status " + (e.status ? std::to_string(*e.status) : std::string("none"));
        bool has_count = e.comparison.equals || e.comparison.min || e.comparison.max;
        if (e.seen) {
          r.expected = what + (has_count ? ", messages " + e.comparison.describe() : " seen");
          r.ok = matches > 0 && (!has_count || e.comparison.holds(static_cast<double>(messages)));
        } else {
          r.expected = "no " + what.substr(2);
          r.ok = matches == 0;
        }
        r.actual = matches == 0 ? "none seen"
                                : std::to_string(matches) + " seen, " + std::to_string(messages) +
                                      " messages";
        break;
      }
      case Expectation::Kind::kFate: {
        r.expected = "fraction of " + e.group + "'s messages routed to " + e.endpoint +
                     " delivered" +
                     (e.within_ns ? " within " + formatIsoDuration(*e.within_ns) : "") + " " +
                     e.comparison.describe();
        if (!report_.deployment_ok) {
          r.actual = "nothing ran";
          break;
        }
        const FateCounter& f = fates_[fate++];
        if (f.total == 0) {
          r.actual = "no message of " + e.group + " was routed to " + e.endpoint;
          break;
        }
        double fraction = static_cast<double>(f.within) / static_cast<double>(f.total);
        r.actual = formatCount(fraction) + " (" + std::to_string(f.within) + " of " +
                   std::to_string(f.total) + ")";
        r.ok = e.comparison.holds(fraction);
        break;
      }
    }
    report_.expectations.push_back(std::move(r));
  }
}

}  // namespace

bool RunReport::expectationsHold() const {
  for (const ExpectationResult& e : expectations) {
    if (!e.ok) return false;
  }
  return true;
}

int RunReport::exitCode() const {
  if (!expectationsHold()) return 1;
  for (const TimelineResult& t : timeline) {
    if (!t.ok && !t.expected) return 1;  // Azure refused a change nothing said it would
  }
  return deployment_ok || deployment_failure_expected ? 0 : 1;
}

RunReport runScenario(const scenario::Scenario& scenario,
                      const std::vector<ConfigIssue>& deployment_errors,
                      const RunOptions& options) {
  RunReport report;
  Run run(scenario, options, report);
  run.execute(deployment_errors);
  return report;
}

}  // namespace routesim::runner
