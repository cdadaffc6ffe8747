#include "tools/runner/egress_binding.h"

#include "endpoints/registry/endpoint_target.h"

namespace routesim::runner {
namespace {

// The child entity an endpoint sends to, as RBAC scopes name it.
std::string entityChild(routing::EndpointKind kind, const std::string& entity) {
  switch (kind) {
    case routing::EndpointKind::kStorage:
      return "blobServices/default/containers/" + entity;
    case routing::EndpointKind::kEventHubs:
      return "eventhubs/" + entity;
    case routing::EndpointKind::kServiceBusQueue:
      return "queues/" + entity;
    case routing::EndpointKind::kServiceBusTopic:
      return "topics/" + entity;
    default:
      return {};
  }
}

}  // namespace

std::optional<EgressBinding> egressBinding(const routing::EndpointConfig& c,
                                           const scenario::Deployment& d) {
  auto target = endpoints::resolveTarget(c);
  if (!target.ok()) return std::nullopt;
  const policy::Target* t = policy::findTarget(d.policy, target->resource);
  if (t == nullptr) return std::nullopt;
  EgressBinding b;
  b.endpoint.name = c.name;
  b.endpoint.auth = c.authentication_type == "identityBased" ? policy::AuthType::kIdentityBased
                                                             : policy::AuthType::kKeyBased;
  b.endpoint.user_assigned_identity = c.user_assigned_identity;
  b.endpoint.has_connection_string = !c.connection_string.empty();
  b.endpoint.target_entity = t->ref;
  b.endpoint.target_entity.child = entityChild(c.kind, target->entity);
  b.target = *t;
  return b;
}

}  // namespace routesim::runner
