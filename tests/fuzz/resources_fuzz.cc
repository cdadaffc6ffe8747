// Fuzzes the readers of the resources around a hub: ARM templates and resources arrays (storage
// accounts, Event Hubs and Service Bus namespaces with their children, and the network-isolation
// model: hubs' ingress settings and identities, VNets, on-premises networks, private endpoints,
// target firewalls, identities, role assignments, under both profiles) and the official
// emulators' Config.json (comments allowed), as `routesim bench --resources` and scenarios read
// them. Any crash or sanitizer report is a finding, as is an issue whose offset points outside
// the text, or a policy model the decisions cannot run on.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/policy/arm_policy.h"
#include "endpoints/registry/emulators.h"

namespace {

void checkOffsets(const routesim::ConfigIssues& issues, size_t size) {
  for (const auto& item : issues.items()) {
    if (item.offset > size) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace routesim;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  endpoints::EmulatorResources resources;
  ConfigIssues issues;
  endpoints::readResourceFile(text, "fuzz.json", resources, issues);
  checkOffsets(issues, size);
  (void)issues.format("fuzz.json", text);

  auto value = json::parse(text);
  if (!value.ok()) return 0;
  const json::Value* array = value->is(json::Type::kArray) ? &*value : value->find("resources");
  if (array == nullptr) return 0;
  for (policy::Profile profile : {policy::Profile::kCurrent, policy::Profile::k2020_03}) {
    ConfigIssues policy_issues;
    policy::PolicyResources model =
        policy::readPolicyResources(*array, "$.resources", profile, policy_issues);
    checkOffsets(policy_issues, size);
    // Whatever was read must be decidable: every hub against every target and client.
    policy::RbacState rbac = policy::rbacState(model);
    for (const policy::HubPolicyConfig& hub : model.hubs) {
      policy::IngressPolicy ingress(hub.ingress, model.network);
      policy::ClientLocation client;
      client.network = policy::ClientNetwork::kOnPremises;
      if (!model.network.on_premises.empty())
        client.network_name = model.network.on_premises[0].name;
      client.uses_private_dns = true;
      policy::IngressDecision d = ingress.decide(client, policy::TlsVersion::k1_2);
      (void)ingress.explain(d, client, policy::TlsVersion::k1_2);
      (void)ingress.decidedBy(d);
      policy::EgressHub egress = policy::egressHub(hub, profile);
      for (const policy::Target& target : model.targets) {
        policy::EgressEndpoint endpoint;
        endpoint.name = "e";
        endpoint.auth = policy::AuthType::kIdentityBased;
        endpoint.target_entity = target.ref;
        policy::EgressDecision e = policy::decideEgress(egress, endpoint, target, rbac, 0);
        (void)policy::explainEgress(e, egress, endpoint, target);
        (void)policy::egressAzureError(e, target);
      }
    }
  }
  return 0;
}
