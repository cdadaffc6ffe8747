// The emulated Azure resources a hub routes to (storage accounts, Event Hubs and Service Bus
// namespaces, the hub's built-in `events` endpoint) and the routing endpoints over them: the
// registry that makes `routesim run` and `routesim bench --emulators` deliver into real
// emulators instead of counting sinks.
//
// Each routing endpoint names its target in its connection string or endpoint URI
// (resolveTarget). Emulators::create binds every endpoint of a routing configuration to its
// target up front, so that a typo in a namespace or entity name is found before the first
// message, as IoT Hub finds it when the endpoint is created. A scenario declares its resources
// (MissingTargets::kError); the bench creates what its routes name (MissingTargets::kCreate).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/error.h"
#include "core/common/json.h"
#include "core/router/endpoint.h"
#include "core/routing/routing_config.h"
#include "endpoints/common/emulator_context.h"
#include "endpoints/eventhubs/eventhubs_config.h"
#include "endpoints/eventhubs/eventhubs_endpoint.h"
#include "endpoints/eventhubs/eventhubs_namespace.h"
#include "endpoints/eventhubs/persistence.h"
#include "endpoints/registry/endpoint_target.h"
#include "endpoints/registry/storage_accounts.h"
#include "endpoints/servicebus/servicebus_config.h"
#include "endpoints/servicebus/servicebus_namespace.h"

namespace routesim::endpoints {

// The resources a scenario declares, in ARM's shape.
struct EmulatorResources {
  std::vector<StorageAccountConfig> storage_accounts;
  std::vector<eventhubs::NamespaceConfig> event_hubs;
  std::vector<servicebus::NamespaceConfig> service_bus;
  eventhubs::BuiltinEventsConfig builtin_events;
};

// Reads storage accounts, Event Hubs and Service Bus namespaces from an ARM `resources` array at
// `path` (other resource types are left to their readers). Problems go to `issues`.
EmulatorResources readArmResources(const json::Value& resources, std::string_view path,
                                   ConfigIssues& issues);

// Adds the resources of one file to `into`: an ARM template (an object with a `resources`
// array), a bare `resources` array, or the official Event Hubs or Service Bus emulator's
// Config.json (an object with `UserConfig`; comments allowed). Problems go to `issues` with
// JSON paths and byte offsets into `text`.
void readResourceFile(std::string_view text, std::string_view file_name, EmulatorResources& into,
                      ConfigIssues& issues);

enum class MissingTargets : uint8_t {
  kError,   // a target that is not among the resources is a configuration error
  kCreate,  // created with defaults (the bench: its routes name endpoints only)
};

class Emulators {
 public:
  // Builds every resource and binds each of `endpoints` to its target. A connection string for
  // the official emulators (Endpoint=sb://localhost, or UseDevelopmentEmulator=true) names the
  // namespace their Config.json declares (emulatorNs1, sbemulatorns). Problems (a target that
  // cannot be resolved or, with kError, is missing) go to `issues` at the endpoint's JSON path;
  // the result is null when `issues` has errors. With kCreate a missing target is created: a
  // storage container; an Event Hubs namespace (Standard) with a 4-partition hub; a Service Bus
  // namespace (Standard) with the queue, or the topic and one subscription "all" with the
  // default rule (a topic without subscriptions would refuse every message).
  static std::unique_ptr<Emulators> create(const EmulatorContext& context,
                                           EmulatorResources resources,
                                           std::span<const routing::EndpointConfig> endpoints,
                                           MissingTargets missing, ConfigIssues& issues);

  Emulators(const Emulators&) = delete;
  Emulators& operator=(const Emulators&) = delete;

  // Registers a factory for every endpoint kind that creates the emulator's endpoint for an
  // endpoint bound by create() (the built-in `events` included). The factories point at this
  // object: it must outlive every router built from `registry`. An endpoint name that was not
  // bound gets an endpoint that fails every delivery with kInternalError naming it.
  void registerWith(router::EndpointRegistry& registry);

  // Writes Event Hubs (custom and built-in) and Service Bus state under the output folder, for
  // `routesim inspect` (Storage blobs are files already: its endpoints write them as they go,
  // and flush() completes them). The endpoints' flush() does not save these: call save() after
  // the router's flushEndpoints(). Stops at the first failure. With saveInBackground(), only
  // what the helper thread has not written yet is left to write.
  Status save();

  // Lets save() use up to `threads` threads (0, the default: one per hardware thread). With 2
  // or more, a helper thread starts writing the event hubs' partitions under the output folder
  // while the run goes on (eventhubs::StreamingSave), and save() finishes them: the files are
  // the same either way. Before save().
  void saveInBackground(unsigned threads);

  ~Emulators();

  const EmulatorContext& context() const { return context_; }
  const std::shared_ptr<eventhubs::EventHub>& builtinEvents() const { return builtin_events_; }
  // Namespaces by name, ignoring letter case; null when absent.
  std::shared_ptr<eventhubs::Namespace> eventHubsNamespace(std::string_view name) const;
  std::shared_ptr<servicebus::Namespace> serviceBusNamespace(std::string_view name) const;
  const std::vector<std::shared_ptr<eventhubs::Namespace>>& eventHubsNamespaces() const {
    return event_hubs_;
  }
  const std::vector<std::shared_ptr<servicebus::Namespace>>& serviceBusNamespaces() const {
    return service_bus_;
  }
  // The target each bound endpoint resolved to, by endpoint name (as written).
  const std::map<std::string, EndpointTarget, std::less<>>& targets() const { return targets_; }

 private:
  // The endpoints it creates leave saving to save() (save_on_flush off).
  explicit Emulators(const EmulatorContext& context);

  std::vector<std::unique_ptr<eventhubs::StreamingSave>> eventHubSaves() const;
  std::unique_ptr<router::Endpoint> makeEndpoint(routing::EndpointKind kind, std::string_view name,
                                                 const routing::EndpointConfig* config) const;

  class BackgroundSave;

  EmulatorContext context_;
  std::shared_ptr<eventhubs::EventHub> builtin_events_;
  std::vector<std::shared_ptr<eventhubs::Namespace>> event_hubs_;
  std::vector<std::shared_ptr<servicebus::Namespace>> service_bus_;
  std::map<std::string, EndpointTarget, std::less<>> targets_;
  unsigned threads_ = 0;  // saveInBackground's
  // Last: destroyed (its helper stopped) before the hubs it reads.
  std::unique_ptr<BackgroundSave> background_;
};

}  // namespace routesim::endpoints
