// A Service Bus namespace: its queues and topics (with subscriptions) built from a
// NamespaceConfig, found by path ignoring letter case, with auto-forwarding wired between them.
// The namespace owns its entities; find() hands out shared owners. Thread-safe after create().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "endpoints/servicebus/queue.h"
#include "endpoints/servicebus/servicebus_config.h"
#include "endpoints/servicebus/topic.h"

namespace routesim::endpoints::servicebus {

class Namespace {
 public:
  // Builds the entities of `config`, which should be free of configuration errors; a rule whose
  // filter or action did not compile is an error here. `utc_at_zero_ns` maps the router's clock
  // to UTC for EnqueuedTimeUtc (EmulatorContext::utc_at_zero_ns).
  static Result<std::shared_ptr<Namespace>> create(const NamespaceConfig& config,
                                                   int64_t utc_at_zero_ns = 0);

  const std::string& name() const { return name_; }
  const std::string& sku() const { return sku_; }
  // UTC at the router's clock time 0, as given to create().
  int64_t utcAtZeroNs() const { return utc_at_zero_ns_; }

  // The entity at `path`, ignoring letter case, or null. Paths:
  //   "<queue>", "<topic>", "<topic>/Subscriptions/<subscription>",
  //   and "<queue or subscription path>/$DeadLetterQueue" for the dead-letter sub-queue.
  // A dead-letter queue is handed out as a shared owner of its parent.
  std::shared_ptr<Entity> find(std::string_view path) const;
  // The same for entities that hold messages (queue, subscription, dead-letter queue).
  std::shared_ptr<Queue> findQueue(std::string_view path) const;
  std::shared_ptr<Topic> findTopic(std::string_view name) const;

  const std::vector<std::shared_ptr<Queue>>& queues() const { return queues_; }
  const std::vector<std::shared_ptr<Topic>>& topics() const { return topics_; }

  // tick() on every entity.
  void tick(uint64_t now_ns);

 private:
  std::string name_;
  std::string sku_;
  int64_t utc_at_zero_ns_ = 0;
  std::vector<std::shared_ptr<Queue>> queues_;
  std::vector<std::shared_ptr<Topic>> topics_;
};

}  // namespace routesim::endpoints::servicebus
