// `routesim run`: replays a scenario in virtual time (DESIGN.md "routesim run").
//
// The scenario's resources are deployed (routing table, the Storage / Event Hubs / Service Bus
// emulators its endpoints name, the ingress and egress policies, fault injection), then its
// traffic is generated and replayed on one thread against a ManualClock: each message passes the
// ingress policy of its device's network location, is stamped and routed inline, and every
// delivery meets the endpoint's egress policy, faults and retries at its virtual time. Timeline
// events redeploy resources (what Azure would refuse leaves the deployment as it was and is
// reported), inject faults and add or remove device groups. Once a virtual second the router
// retries what failing endpoints hold and endpoints see the time (Storage windows); health is
// sampled then. The same scenario gives the same report, byte for byte, on any machine.
//
// Accounting: every generated message is rejected at ingress, too large, orphaned, or has one
// outcome per endpoint it was routed to: delivered, dropped (dead endpoint), invalid, or still in
// flight (queued for a retry) when the run ends.
//
// Lives in tools/ because it joins core (scenario, router, policy) with endpoints/ (emulators,
// egress gate, faults), which core must not depend on.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "core/common/config_issues.h"
#include "core/policy/denial_ledger.h"
#include "core/router/endpoint_health.h"
#include "core/scenario/scenario.h"

namespace routesim::runner {

struct RunOptions {
  std::filesystem::path out_dir = "routesim-out";  // blobs, partitions, queues
  std::ostream* trace = nullptr;                   // one NDJSON line per message outcome
  // Called about once per virtual minute with the fraction of the duration replayed.
  std::function<void(double)> progress;
  // Threads the run may use (0: one per hardware thread). The replay itself is one thread; with
  // two or more, a helper writes the event hubs' partitions under out_dir while it goes on. The
  // report and the files are the same whatever the number.
  unsigned threads = 0;
};

struct EndpointResult {
  std::string name;
  std::string type;  // IoT Hub's EndpointType value
  uint64_t delivered = 0;
  uint64_t dropped = 0;
  uint64_t invalid = 0;
  router::EndpointHealthReport health;
};

struct HealthTransition {
  uint64_t at_ns = 0;
  std::string endpoint;
  router::HealthStatus from = router::HealthStatus::kUnknown;
  router::HealthStatus to = router::HealthStatus::kUnknown;
  std::string last_known_error;
};

struct TimelineResult {
  uint64_t at_ns = 0;
  std::string path;  // the event's JSON path
  std::string action;
  std::string subject;  // resource, endpoint or group
  bool ok = true;
  std::vector<ConfigIssue> errors;  // Azure's refusal of a redeployment
  bool expected = false;            // a deployment expectation said it would be refused
};

// Counts over one minute of virtual time (Azure Monitor's PT1M grain).
struct MinutePoint {
  uint64_t attempts = 0;  // d2c.telemetry.ingress.allProtocol
  uint64_t accepted = 0;  // d2c.telemetry.ingress.success
  uint64_t rejected = 0;  // refused at ingress (network policy or size)
  uint64_t orphaned = 0;
  std::vector<uint64_t> delivered;  // per endpoint, report order
  std::vector<uint64_t> dropped;
  std::vector<uint64_t> invalid;
};

struct ExpectationResult {
  std::string text;
  std::string path;
  bool ok = false;
  std::string expected;
  std::string actual;
};

struct RunReport {
  std::string scenario;
  uint64_t seed = 1;
  policy::Profile profile = policy::Profile::kCurrent;
  uint64_t duration_ns = 0;
  uint64_t start_unix_ns = 0;

  bool deployment_ok = true;
  bool deployment_failure_expected = false;  // a deployment expectation says it fails, and it did
  std::vector<ConfigIssue> deployment_errors;

  // Every generated message's fate.
  uint64_t generated = 0;
  uint64_t rejected_at_ingress = 0;  // refused by the hub's network policy
  uint64_t too_large = 0;            // over 256 KB
  uint64_t accepted = 0;
  uint64_t orphaned = 0;
  uint64_t delivered = 0;  // deliveries (one message may go to several endpoints)
  uint64_t dropped = 0;
  uint64_t invalid = 0;
  uint64_t in_flight = 0;

  std::vector<std::pair<std::string, double>> metrics;  // IoT Hub metric names
  std::vector<EndpointResult> endpoints;
  std::vector<policy::Denial> denials;
  std::vector<HealthTransition> transitions;
  std::vector<TimelineResult> timeline;
  std::vector<MinutePoint> series;
  std::vector<ExpectationResult> expectations;
  // Why the emulators' state could not be written under the output folder (not part of the
  // JSON report: it depends on the machine, not on the scenario).
  std::optional<std::string> save_error;

  bool expectationsHold() const;
  // Exit status of `routesim run`: 0, or 1 when an expectation failed or a deployment (at the
  // start or on the timeline) failed without the scenario expecting it.
  int exitCode() const;
};

// Replays `scenario` (read without file errors; `deployment_errors` as readScenario found them).
RunReport runScenario(const scenario::Scenario& scenario,
                      const std::vector<ConfigIssue>& deployment_errors, const RunOptions& options);

// The report as JSON (DESIGN.md's shape plus series, transitions and the timeline), pretty
// printed, deterministic.
std::string reportJson(const RunReport& report);
// The report as one self-contained HTML file (inline SVG charts per minute, no script, no
// network): summary, expectations, ingress and each endpoint over time, health transitions,
// denials with explanations, the timeline.
std::string reportHtml(const RunReport& report);
// A readable summary for the terminal.
void printSummary(const RunReport& report, std::ostream& out);

}  // namespace routesim::runner
