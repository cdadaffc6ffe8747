// How a deployment's routing endpoint meets the egress policy: its authentication settings and
// the target resource its connection string or endpoint URI names. Shared by `routesim run`
// (which binds every endpoint to the egress gate) and `routesim check` (which decides each one
// without traffic), so that both make the same decisions.
#pragma once

#include <optional>

#include "core/policy/egress.h"
#include "core/routing/routing_config.h"
#include "core/scenario/scenario.h"

namespace routesim::runner {

struct EgressBinding {
  policy::EgressEndpoint endpoint;
  policy::Target target;
};

// nullopt for an endpoint whose target cannot be resolved or is not among the deployment's
// resources (the emulators report those as deployment errors).
std::optional<EgressBinding> egressBinding(const routing::EndpointConfig& config,
                                           const scenario::Deployment& deployment);

}  // namespace routesim::runner
