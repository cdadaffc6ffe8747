#include "endpoints/eventhubs/eventhubs_namespace.h"

#include "core/common/utf.h"
#include "endpoints/eventhubs/persistence.h"

namespace routesim::endpoints::eventhubs {

Result<std::shared_ptr<Namespace>> Namespace::create(const NamespaceConfig& config,
                                                     const EmulatorContext& context) {
  auto ns = std::make_shared<Namespace>(config.name, config.sku);
  for (const EventHubConfig& hub : config.hubs) {
    ROUTESIM_ASSIGN_OR_RETURN(auto created, EventHub::create(hub, context, config.name));
    ROUTESIM_RETURN_IF_ERROR(ns->add(std::move(created)));
  }
  return ns;
}

Status Namespace::add(std::shared_ptr<EventHub> hub) {
  std::lock_guard lock(mu_);
  for (const auto& h : hubs_) {
    if (utf::equalsIgnoreCase(h->name(), hub->name())) {
      return Error(ErrorCode::kInvalidInput,
                   "namespace '" + name_ + "' already has an event hub '" + h->name() + "'");
    }
  }
  hubs_.push_back(std::move(hub));
  return {};
}

std::shared_ptr<EventHub> Namespace::find(std::string_view name) const {
  std::lock_guard lock(mu_);
  for (const auto& h : hubs_) {
    if (utf::equalsIgnoreCase(h->name(), name)) return h;
  }
  return nullptr;
}

Result<std::shared_ptr<EventHub>> Namespace::get(std::string_view name) const {
  if (auto hub = find(name)) return hub;
  return Error(ErrorCode::kInvalidInput, "The messaging entity 'sb://" + host() + "/" +
                                             std::string(name) +
                                             "' could not be found. To know more visit "
                                             "https://aka.ms/sbResourceMgrExceptions.");
}

std::vector<std::shared_ptr<EventHub>> Namespace::hubs() const {
  std::lock_guard lock(mu_);
  return hubs_;
}

Status Namespace::save(const std::filesystem::path& out) const {
  for (const auto& hub : hubs()) {
    ROUTESIM_RETURN_IF_ERROR(saveEventHub(*hub, eventHubDir(out, name_, hub->name())));
  }
  return {};
}

}  // namespace routesim::endpoints::eventhubs
