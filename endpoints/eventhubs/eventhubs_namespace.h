// An Event Hubs namespace: its event hubs by name (letter case ignored, as Azure's entity names),
// each shared between the endpoints that write to it and the readers that inspect it. Built once
// from configuration; lookups are thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "endpoints/common/emulator_context.h"
#include "endpoints/eventhubs/event_hub.h"
#include "endpoints/eventhubs/eventhubs_config.h"

namespace routesim::endpoints::eventhubs {

class Namespace {
 public:
  explicit Namespace(std::string name, std::string sku = "Standard")
      : name_(std::move(name)), sku_(std::move(sku)) {}

  // A namespace holding an EventHub for each of `config`'s hubs, on `context`'s clock. Errors
  // as EventHub::create and add() report them.
  static Result<std::shared_ptr<Namespace>> create(const NamespaceConfig& config,
                                                   const EmulatorContext& context);

  const std::string& name() const { return name_; }
  const std::string& sku() const { return sku_; }
  // "<name>.servicebus.windows.net", the host IoT Hub's endpoint URIs and connection strings
  // name.
  std::string host() const { return name_ + ".servicebus.windows.net"; }

  // Adds `hub`; an error if a hub of that name (any letter case) is already there. Thread-safe.
  Status add(std::shared_ptr<EventHub> hub);
  // The hub named `name` ignoring letter case, or null. Thread-safe.
  std::shared_ptr<EventHub> find(std::string_view name) const;
  // The same, or Event Hubs' error "The messaging entity 'sb://<host>/<name>' could not be
  // found. To know more visit https://aka.ms/sbResourceMgrExceptions."
  Result<std::shared_ptr<EventHub>> get(std::string_view name) const;
  // Every hub, in the order added. Thread-safe (a copy of the list).
  std::vector<std::shared_ptr<EventHub>> hubs() const;

  // Saves every hub under <out>/eventhubs/<namespace>/<hub>/ (persistence.h); stops at the
  // first error.
  Status save(const std::filesystem::path& out) const;

 private:
  std::string name_;
  std::string sku_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<EventHub>> hubs_;
};

}  // namespace routesim::endpoints::eventhubs
