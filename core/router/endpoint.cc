#include "core/router/endpoint.h"

#include <array>

namespace routesim::router {

std::string_view deliveryFailureName(DeliveryFailure failure) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "None",
      "Transient",
      "InternalError",
      "Unauthorized",
      "Throttled",
      "Timeout",
      "MaxMessageSizeExceeded",
      "PartitioningAndDuplicateDetectionNotSupported",
      "SessionfulEntityNotSupported",
      "NoMatchingSubscriptionsForMessage",
      "EndpointExternallyDisabled",
      "DeviceMaximumQueueDepthExceeded",
  };
  return kNames[static_cast<size_t>(failure)];
}

void EndpointRegistry::add(routing::EndpointKind kind, Factory factory) {
  factories_[static_cast<size_t>(kind)] = std::move(factory);
}

void EndpointRegistry::wrap(routing::EndpointKind kind, Wrapper wrapper) {
  Factory inner = factories_[static_cast<size_t>(kind)];
  add(kind, [inner = std::move(inner), wrapper = std::move(wrapper)](
                std::string_view name, const routing::EndpointConfig* config) {
    std::unique_ptr<Endpoint> endpoint =
        inner ? inner(name, config) : std::make_unique<CountingEndpoint>();
    return wrapper(std::move(endpoint), name, config);
  });
}

std::unique_ptr<Endpoint> EndpointRegistry::create(routing::EndpointKind kind,
                                                   std::string_view name,
                                                   const routing::EndpointConfig* config) const {
  const Factory& f = factories_[static_cast<size_t>(kind)];
  if (f) return f(name, config);
  return std::make_unique<CountingEndpoint>();
}

void registerCountingEndpoints(EndpointRegistry& registry) {
  for (auto kind : {routing::EndpointKind::kBuiltIn, routing::EndpointKind::kStorage,
                    routing::EndpointKind::kEventHubs, routing::EndpointKind::kServiceBusQueue,
                    routing::EndpointKind::kServiceBusTopic}) {
    registry.add(kind, [](std::string_view, const routing::EndpointConfig*) {
      return std::make_unique<CountingEndpoint>();
    });
  }
}

}  // namespace routesim::router
