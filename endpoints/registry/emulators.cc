#include "endpoints/registry/emulators.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "core/common/utf.h"
#include "endpoints/eventhubs/persistence.h"
#include "endpoints/servicebus/persistence.h"
#include "endpoints/servicebus/servicebus_endpoint.h"
#include "endpoints/storage/storage_config.h"
#include "endpoints/storage/storage_endpoint.h"

namespace routesim::endpoints {
namespace {

using routing::EndpointKind;

// Azure's entity and namespace names compare ignoring (ASCII) letter case.
bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

template <typename T>
T* findByName(std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const T& item) { return sameName(item.name, name); });
  return it == items.end() ? nullptr : &*it;
}

// An endpoint whose emulator could not be made: every delivery fails, naming why, so that the
// failure shows in the endpoint's health instead of messages vanishing.
class UnavailableEndpoint final : public router::Endpoint {
 public:
  explicit UnavailableEndpoint(std::string why) : why_(std::move(why)) {}
  router::DeliveryReport deliver(std::span<const router::OutboundMessage>) override {
    return {0, router::DeliveryFailure::kInternalError, why_};
  }

 private:
  std::string why_;
};

// The Event Hubs / Service Bus text for an entity the namespace does not have.
std::string entityNotFound(const EndpointTarget& t) {
  std::string host = t.host.empty() ? t.resource + ".servicebus.windows.net" : t.host;
  return "The messaging entity 'sb://" + host + "/" + t.entity + "' could not be found.";
}

// The container options of a storage endpoint bound to `target`: the account and container the
// target names (so that blobs land under <out>/<account>/<container>), the rest from `config`.
Result<storage::ContainerOptions> containerOptions(const routing::EndpointConfig& config,
                                                   const EndpointTarget& target) {
  storage::ContainerOptions o;
  o.account = target.resource;
  o.container = target.entity;
  auto encoding = storage::parseEncoding(config.encoding);
  if (!encoding.ok()) return encoding.error();
  o.encoding = *encoding;
  o.file_name_format = config.file_name_format;
  o.batch_frequency_seconds = config.batch_frequency_seconds;
  o.max_chunk_bytes = config.max_chunk_bytes;
  return o;
}

// A connection string written for the official Event Hubs / Service Bus emulators points at
// the namespace their Config.json declares, whatever host it names.
void mapDevelopmentEmulator(const routing::EndpointConfig& c, EndpointTarget& t) {
  if (c.kind == EndpointKind::kStorage || c.kind == EndpointKind::kBuiltIn) return;
  bool emulator =
      utf::equalsAsciiLower(connectionStringValue(c.connection_string, "UseDevelopmentEmulator"),
                            "true") ||
      utf::equalsAsciiLower(t.host, "localhost") || t.host.starts_with("localhost:") ||
      t.host == "127.0.0.1";
  if (!emulator) return;
  t.resource = std::string(c.kind == EndpointKind::kEventHubs ? eventhubs::kEmulatorNamespaceName
                                                              : servicebus::kEmulatorNamespaceName);
}

struct Binder {
  EmulatorResources& resources;
  MissingTargets missing;
  ConfigIssues& issues;

  bool creating() const { return missing == MissingTargets::kCreate; }

  void fail(const routing::EndpointConfig& c, std::string code, std::string message) {
    issues.error(c.path, std::move(code), "endpoint '" + c.name + "': " + message, c.offset);
  }

  void storage(const routing::EndpointConfig& c, const EndpointTarget& t) {
    if (t.entity.empty()) {
      fail(c, "InvalidEndpoint", "storageContainers endpoints need a containerName");
      return;
    }
    auto options = containerOptions(c, t);
    Status usable = !options.ok() ? Status(options.error())
                    : creating()  ? storage::checkUsable(*options)
                                  : storage::validate(*options);
    if (!usable.ok()) {
      fail(c, "InvalidEndpoint", usable.error().message());
      return;
    }
    auto& accounts = resources.storage_accounts;
    auto account =
        std::find_if(accounts.begin(), accounts.end(),
                     [&](const StorageAccountConfig& a) { return a.name == t.resource; });
    if (account == accounts.end()) {
      if (!creating()) {
        fail(c, "StorageAccountNotFound",
             "storage account '" + t.resource +
                 "' is not among the resources (declare a Microsoft.Storage/storageAccounts "
                 "resource of that name)");
        return;
      }
      accounts.push_back({.name = t.resource, .containers = {}});
      account = accounts.end() - 1;
    }
    if (std::find(account->containers.begin(), account->containers.end(), t.entity) ==
        account->containers.end()) {
      if (!creating()) {
        fail(c, "ContainerNotFound",
             "The specified container does not exist. (container '" + t.entity +
                 "' in storage account '" + t.resource + "')");
        return;
      }
      account->containers.push_back(t.entity);
    }
  }

  void eventHubs(const routing::EndpointConfig& c, const EndpointTarget& t) {
    eventhubs::NamespaceConfig* ns = findByName(resources.event_hubs, t.resource);
    if (ns == nullptr) {
      if (!creating()) {
        fail(c, "NamespaceNotFound",
             "Event Hubs namespace '" + t.resource +
                 "' is not among the resources (declare a Microsoft.EventHub/namespaces "
                 "resource of that name)");
        return;
      }
      resources.event_hubs.push_back({.name = t.resource});
      ns = &resources.event_hubs.back();
    }
    if (findByName(ns->hubs, t.entity) != nullptr) return;
    if (!creating()) {
      fail(c, "EntityNotFound", entityNotFound(t));
      return;
    }
    ns->hubs.push_back({.name = t.entity});
  }

  void serviceBus(const routing::EndpointConfig& c, const EndpointTarget& t) {
    bool queue = c.kind == EndpointKind::kServiceBusQueue;
    servicebus::NamespaceConfig* ns = findByName(resources.service_bus, t.resource);
    if (ns == nullptr) {
      if (!creating()) {
        fail(c, "NamespaceNotFound",
             "Service Bus namespace '" + t.resource +
                 "' is not among the resources (declare a Microsoft.ServiceBus/namespaces "
                 "resource of that name)");
        return;
      }
      resources.service_bus.push_back({.name = t.resource});
      ns = &resources.service_bus.back();
    }
    bool has_queue = findByName(ns->queues, t.entity) != nullptr;
    bool has_topic = findByName(ns->topics, t.entity) != nullptr;
    if (queue ? has_queue : has_topic) return;
    if (queue ? has_topic : has_queue) {
      fail(c, "EntityKindMismatch",
           "'" + t.entity + "' in Service Bus namespace '" + t.resource + "' is a " +
               (queue ? "topic" : "queue") + ", but the endpoint is in " +
               (queue ? "serviceBusQueues" : "serviceBusTopics"));
      return;
    }
    if (!creating()) {
      fail(c, "EntityNotFound", entityNotFound(t));
      return;
    }
    if (queue) {
      ns->queues.push_back({.name = t.entity});
    } else {
      servicebus::TopicConfig topic{.name = t.entity};
      topic.subscriptions.push_back({.name = "all"});
      ns->topics.push_back(std::move(topic));
    }
  }
};

}  // namespace

EmulatorResources readArmResources(const json::Value& resources, std::string_view path,
                                   ConfigIssues& issues) {
  EmulatorResources r;
  r.storage_accounts = readArmStorageAccounts(resources, std::string(path), issues);
  r.event_hubs = eventhubs::readArmNamespaces(resources, path, issues);
  r.service_bus = servicebus::readArmNamespaces(resources, path, issues);
  // The built-in endpoint as the (first) IoT hub declares it.
  for (size_t i = 0; i < resources.items().size(); ++i) {
    const json::Value& res = resources.items()[i];
    const json::Value* type = res.find("type");
    if (type == nullptr || !type->is(json::Type::kString) ||
        !utf::equalsIgnoreCase(type->text(), "Microsoft.Devices/IotHubs"))
      continue;
    const json::Value* props = res.find("properties");
    const json::Value* events = props != nullptr ? props->find("eventHubEndpoints") : nullptr;
    if (events != nullptr) {
      std::string at = json::pathJoin(json::pathJoin(json::pathIndex(path, i), "properties"),
                                      "eventHubEndpoints");
      r.builtin_events = eventhubs::readBuiltinEventsEndpoint(*events, at, issues);
    }
    break;
  }
  return r;
}

void readResourceFile(std::string_view text, std::string_view file_name, EmulatorResources& into,
                      ConfigIssues& issues) {
  Result<std::string> plain = json::stripComments(text);
  Result<json::Value> value = plain.ok() ? json::parse(*plain) : Result<json::Value>(plain.error());
  if (!value.ok()) {
    issues.error("$", "InvalidJson", value.error().message(), value.error().span().offset);
    return;
  }
  auto append = [](auto& to, auto&& from) {
    for (auto& item : from) to.push_back(std::move(item));
  };
  if (const json::Value* user = value->find("UserConfig")) {
    if (user->find("NamespaceConfig") != nullptr) {  // the Event Hubs emulator's schema
      auto ns = eventhubs::importEmulatorConfig(text, file_name, issues);
      if (ns.ok()) into.event_hubs.push_back(*std::move(ns));
    } else {  // the Service Bus emulator's ("Namespaces")
      auto ns = servicebus::importEmulatorConfig(text, file_name, issues);
      if (ns.ok()) into.service_bus.push_back(*std::move(ns));
    }
    return;
  }
  bool bare = value->is(json::Type::kArray);
  const json::Value* resources = bare ? &*value : value->find("resources");
  if (resources == nullptr || !resources->is(json::Type::kArray)) {
    issues.error("$", "InvalidResources",
                 "expected an ARM template (an object with a \"resources\" array), a resources "
                 "array, or an Event Hubs / Service Bus emulator Config.json (\"UserConfig\")",
                 value->offset());
    return;
  }
  EmulatorResources read = readArmResources(*resources, bare ? "$" : "$.resources", issues);
  append(into.storage_accounts, read.storage_accounts);
  append(into.event_hubs, read.event_hubs);
  append(into.service_bus, read.service_bus);
}

std::unique_ptr<Emulators> Emulators::create(const EmulatorContext& context,
                                             EmulatorResources resources,
                                             std::span<const routing::EndpointConfig> endpoints,
                                             MissingTargets missing, ConfigIssues& issues) {
  std::unique_ptr<Emulators> e(new Emulators(context));
  Binder binder{resources, missing, issues};
  for (const routing::EndpointConfig& c : endpoints) {
    if (c.kind == EndpointKind::kBuiltIn) continue;
    Result<EndpointTarget> target = resolveTarget(c);
    if (!target.ok()) {
      binder.fail(c, "InvalidEndpoint", target.error().message());
      continue;
    }
    mapDevelopmentEmulator(c, *target);
    switch (c.kind) {
      case EndpointKind::kStorage:
        binder.storage(c, *target);
        break;
      case EndpointKind::kEventHubs:
        binder.eventHubs(c, *target);
        break;
      case EndpointKind::kServiceBusQueue:
      case EndpointKind::kServiceBusTopic:
        binder.serviceBus(c, *target);
        break;
      case EndpointKind::kBuiltIn:
        break;
    }
    e->targets_.emplace(c.name, *std::move(target));
  }

  auto builtin = eventhubs::createBuiltinEventsHub(context, resources.builtin_events);
  if (!builtin.ok()) {
    issues.error("$.properties.eventHubEndpoints.events", "InvalidBuiltinEndpoint",
                 builtin.error().message(), 0);
  } else {
    e->builtin_events_ = *std::move(builtin);
  }
  for (const eventhubs::NamespaceConfig& c : resources.event_hubs) {
    auto ns = eventhubs::Namespace::create(c, context);
    if (!ns.ok()) {
      issues.error(c.path, "InvalidNamespace", ns.error().message(), c.offset);
      continue;
    }
    e->event_hubs_.push_back(*std::move(ns));
  }
  for (const servicebus::NamespaceConfig& c : resources.service_bus) {
    auto ns = servicebus::Namespace::create(c, context.utc_at_zero_ns);
    if (!ns.ok()) {
      issues.error(c.path, "InvalidNamespace", ns.error().message(), c.offset);
      continue;
    }
    e->service_bus_.push_back(*std::move(ns));
  }
  if (issues.hasErrors()) return nullptr;
  return e;
}

std::shared_ptr<eventhubs::Namespace> Emulators::eventHubsNamespace(std::string_view name) const {
  for (const auto& ns : event_hubs_) {
    if (sameName(ns->name(), name)) return ns;
  }
  return nullptr;
}

std::shared_ptr<servicebus::Namespace> Emulators::serviceBusNamespace(std::string_view name) const {
  for (const auto& ns : service_bus_) {
    if (sameName(ns->name(), name)) return ns;
  }
  return nullptr;
}

void Emulators::registerWith(router::EndpointRegistry& registry) {
  for (EndpointKind kind :
       {EndpointKind::kBuiltIn, EndpointKind::kStorage, EndpointKind::kEventHubs,
        EndpointKind::kServiceBusQueue, EndpointKind::kServiceBusTopic}) {
    registry.add(kind, [this, kind](std::string_view name, const routing::EndpointConfig* config) {
      return makeEndpoint(kind, name, config);
    });
  }
}

std::unique_ptr<router::Endpoint> Emulators::makeEndpoint(
    EndpointKind kind, std::string_view name, const routing::EndpointConfig* config) const {
  if (kind == EndpointKind::kBuiltIn) {
    if (!builtin_events_) return std::make_unique<UnavailableEndpoint>("no built-in events hub");
    return std::make_unique<eventhubs::BuiltinEventsEndpoint>(context_, builtin_events_);
  }
  auto bound = targets_.find(name);
  if (config == nullptr || bound == targets_.end()) {
    return std::make_unique<UnavailableEndpoint>("endpoint '" + std::string(name) +
                                                 "' is not bound to an emulated resource");
  }
  const EndpointTarget& t = bound->second;
  switch (kind) {
    case EndpointKind::kStorage: {
      auto options = containerOptions(*config, t);
      if (!options.ok()) return std::make_unique<UnavailableEndpoint>(options.error().message());
      return std::make_unique<storage::StorageEndpoint>(context_, std::string(name), *options);
    }
    case EndpointKind::kEventHubs: {
      auto ns = eventHubsNamespace(t.resource);
      auto hub = ns ? ns->find(t.entity) : nullptr;
      if (!hub) return std::make_unique<UnavailableEndpoint>(entityNotFound(t));
      return std::make_unique<eventhubs::EventHubsEndpoint>(context_, std::move(hub));
    }
    case EndpointKind::kServiceBusQueue:
    case EndpointKind::kServiceBusTopic: {
      auto ns = serviceBusNamespace(t.resource);
      if (!ns) return std::make_unique<UnavailableEndpoint>(entityNotFound(t));
      auto endpoint = servicebus::ServiceBusEndpoint::create(context_, std::move(ns), t.entity,
                                                             kind == EndpointKind::kServiceBusQueue
                                                                 ? servicebus::EntityKind::kQueue
                                                                 : servicebus::EntityKind::kTopic);
      if (!endpoint.ok()) return std::make_unique<UnavailableEndpoint>(endpoint.error().message());
      return std::unique_ptr<router::Endpoint>(std::move(*endpoint));
    }
    case EndpointKind::kBuiltIn:
      break;
  }
  return std::make_unique<UnavailableEndpoint>("unknown endpoint kind");
}

// Drives the StreamingSave of every event hub from one helper thread: it writes what the run
// appended since its last round, sleeping a little when there was nothing, and gets the hubs'
// next segments ready (EventHub::prepareSegments) so that the run's appends find them.
class Emulators::BackgroundSave {
 public:
  // With `helper` false nothing happens before finish().
  explicit BackgroundSave(std::vector<std::unique_ptr<eventhubs::StreamingSave>> saves,
                          bool helper = true)
      : saves_(std::move(saves)) {
    if (helper) thread_ = std::thread([this] { loop(); });
  }
  ~BackgroundSave() { stop(); }

  // Stops the helper and finishes every save on up to `threads` threads.
  Status finish(unsigned threads) {
    stop();
    Status first;
    for (auto& s : saves_) {
      Status done = s->finish(threads);
      if (first.ok() && !done.ok()) first = std::move(done);
    }
    return first;
  }

 private:
  // Events per partition and round. Small: they are copied out under the partition's lock,
  // which the run's appends wait for.
  static constexpr size_t kEventsPerRound = 256;

  void loop() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      size_t written = 0;
      for (auto& s : saves_) {
        s->hub().prepareSegments();
        written += s->catchUp(kEventsPerRound);
      }
      lock.lock();
      if (written == 0) wake_.wait_for(lock, std::chrono::milliseconds(2));
    }
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  std::vector<std::unique_ptr<eventhubs::StreamingSave>> saves_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

Emulators::Emulators(const EmulatorContext& context) : context_(context) {
  context_.save_on_flush = false;
}

Emulators::~Emulators() = default;

std::vector<std::unique_ptr<eventhubs::StreamingSave>> Emulators::eventHubSaves() const {
  std::vector<std::unique_ptr<eventhubs::StreamingSave>> saves;
  const std::filesystem::path& out = context_.out_dir;
  if (builtin_events_) {
    saves.push_back(std::make_unique<eventhubs::StreamingSave>(
        *builtin_events_, eventhubs::builtinEventsDir(out, context_.hub_name)));
  }
  for (const auto& ns : event_hubs_) {
    for (const auto& hub : ns->hubs()) {
      saves.push_back(std::make_unique<eventhubs::StreamingSave>(
          *hub, eventhubs::eventHubDir(out, ns->name(), hub->name())));
    }
  }
  return saves;
}

void Emulators::saveInBackground(unsigned threads) {
  threads_ = threads;
  if (threads >= 2 && !background_) background_ = std::make_unique<BackgroundSave>(eventHubSaves());
}

Status Emulators::save() {
  if (!background_) background_ = std::make_unique<BackgroundSave>(eventHubSaves(), false);
  Status s = background_->finish(threads_);
  background_.reset();
  if (!s.ok()) return s;
  for (const auto& ns : service_bus_) {
    ROUTESIM_RETURN_IF_ERROR(servicebus::saveNamespace(*ns, context_.out_dir));
  }
  return Status();
}

}  // namespace routesim::endpoints
