// `routesim check`: what can be proved wrong from a scenario's configuration alone, before any
// traffic (DESIGN.md "routesim check"). Each finding has a stable code, a severity, the JSON
// path it is about, what is wrong, the fix, and the error Azure would return at run time.
//
// The decisions are the ones `routesim run` makes, from the same code: the deployment (what
// Azure refuses), the ingress policy for every device of every group, the egress policy for
// every custom endpoint at the start of the run, the route table evaluated on a sample of the
// scenario's own traffic (the first messages of each traffic entry), and each configuration
// change of the timeline redeployed as the run does it (ConfigTimeline): a refused change, and
// ingress and egress decided again from its time (a new role assignment's propagation window).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/scenario/scenario.h"

namespace routesim::runner {

struct Finding {
  enum class Severity : uint8_t { kError, kWarning, kInfo };
  std::string code;  // stable: Azure's code for a deployment refusal, else routesim's
  Severity severity = Severity::kError;
  std::string path;  // JSON path in the scenario file
  uint32_t offset = 0;
  std::string message;  // what is wrong and why
  std::string fix;
  // The error Azure returns at run time, where there is one (status null: below HTTP).
  bool has_azure = false;
  std::optional<int> azure_status;
  std::string azure_code;
};

std::string_view severityName(Finding::Severity s);  // "error" | "warning" | "info"

struct CheckOptions {
  // Messages of each traffic entry routed for the route findings (from each group's first
  // 1,000 devices).
  size_t sample_per_traffic = 200;
  // False for a configuration without devices and traffic (an ARM template): the findings that
  // need the scenario's own messages (routes never matching, orphans, sizes, sources without
  // traffic) are not made; contradictions and unreachable endpoints still are.
  bool traffic = true;
};

// Checks `loaded` (read without file errors). Findings in a stable order: deployment, ingress
// per device group, egress per endpoint, routes, then the timeline's changes in time order. An
// ingress or egress denial is reported once, at the first configuration that shows it.
std::vector<Finding> checkScenario(const scenario::LoadedScenario& loaded,
                                   const CheckOptions& options = {});

// {"findings": [{"code", "severity", "path", "message", "fix", "azure"?: {"status", "code"}}]}
std::string findingsJson(const std::vector<Finding>& findings);
// SARIF 2.1.0 for code-scanning tools: one run of the tool "routesim", a rule per finding code,
// a result per finding located in `file` (its text gives lines and columns) with the JSON path
// as a logical location.
std::string findingsSarif(const std::vector<Finding>& findings, std::string_view file,
                          std::string_view text);
// One block per finding: "FILE:LINE:COL: error CODE at PATH: message\n  fix: ...", then a
// count line. Without `text`, no line and column.
void printFindings(const std::vector<Finding>& findings, std::ostream& out,
                   std::string_view file = {}, std::string_view text = {});

}  // namespace routesim::runner
