// The interface every routing endpoint implements (counting sink here; Storage, Event Hubs and
// Service Bus emulators under endpoints/), the messages handed to it, the typed failures it
// reports (IoT Hub's last-known-error values), and the registry that creates endpoints by kind.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/message/message.h"
#include "core/routing/routing_config.h"

namespace routesim::routing {
class RouteTable;
}

namespace routesim::router {

// One message on its way to one endpoint.
struct OutboundMessage {
  const message::Message* message = nullptr;   // valid until deliver() returns
  const routing::RouteTable* table = nullptr;  // the table that routed it (for enrichments)
  uint64_t ingress_ns = 0;                     // when the hub accepted it (clock of the router)
  uint32_t size = 0;                           // size with this endpoint's enrichments
  uint16_t table_endpoint = 0;                 // the endpoint's index in `table`
  uint16_t partition = 0;                      // built-in endpoint: the device's partition
  bool fallback = false;
  bool retried = false;  // refused before: this delivery is a retry (endpoints count once)
};

// IoT Hub's last-known-error values for endpoints (reference §4).
enum class DeliveryFailure : uint8_t {
  kNone,
  kTransient,
  kInternalError,
  kUnauthorized,
  kThrottled,
  kTimeout,
  kMaxMessageSizeExceeded,
  kPartitioningAndDuplicateDetectionNotSupported,
  kSessionfulEntityNotSupported,
  kNoMatchingSubscriptionsForMessage,
  kEndpointExternallyDisabled,
  kDeviceMaximumQueueDepthExceeded,
};

std::string_view deliveryFailureName(DeliveryFailure failure);

// The outcome of deliver(): the first `delivered` messages of the batch were accepted. If
// `failure` is set, the rest were refused: a failed attempt that counts against the endpoint's
// health and is retried, in order, after a backoff. Without a failure the rest were simply not
// taken yet (a busy or rate-capped endpoint): they go first once `busy_ns` has passed.
struct DeliveryReport {
  size_t delivered = 0;
  DeliveryFailure failure = DeliveryFailure::kNone;
  std::string detail;
  // How long the endpoint took to accept the batch, on the router's clock (a slow or
  // rate-capped endpoint): the delivery completes that much later (latency metrics) and the
  // endpoint gets no other batch until then. 0 for an endpoint that answers at once.
  uint64_t busy_ns = 0;
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // Delivers a batch in order. Called by one thread at a time per endpoint, never at the same
  // time as tick() or flush().
  virtual DeliveryReport deliver(std::span<const OutboundMessage> batch) = 0;
  // Time passed to `now_ns` on the router's clock with or without messages: endpoints that act
  // on time (Storage closing a batch window, Event Hubs retention, Service Bus expiry) do it here.
  virtual void tick(uint64_t now_ns) { (void)now_ns; }
  // The run ends at `now_ns`: write out whatever is buffered (Storage's open batch).
  virtual void flush(uint64_t now_ns) { (void)now_ns; }
};

// Accepts everything and counts it. Thread-safe.
class CountingEndpoint final : public Endpoint {
 public:
  DeliveryReport deliver(std::span<const OutboundMessage> batch) override {
    uint64_t bytes = 0;
    for (const OutboundMessage& m : batch) bytes += m.size;
    messages_.fetch_add(batch.size(), std::memory_order_relaxed);
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
    return {batch.size(), DeliveryFailure::kNone, {}};
  }
  uint64_t messages() const { return messages_.load(std::memory_order_relaxed); }
  uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> messages_{0};
  std::atomic<uint64_t> bytes_{0};
};

// Creates endpoints by kind. Filled by explicit registration calls (no static initializers).
class EndpointRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Endpoint>(std::string_view name,
                                                          const routing::EndpointConfig*)>;

  void add(routing::EndpointKind kind, Factory factory);
  // The factory registered for `kind`, or null (to wrap it, as fault injection does).
  const Factory* factory(routing::EndpointKind kind) const {
    const Factory& f = factories_[static_cast<size_t>(kind)];
    return f ? &f : nullptr;
  }
  // Wraps the factory of `kind` (a counting endpoint's when none is registered): endpoints it
  // creates are `wrap(inner, name, config)`. Decorators (fault injection, the egress policy)
  // register this way, after the emulators.
  using Wrapper = std::function<std::unique_ptr<Endpoint>(
      std::unique_ptr<Endpoint> inner, std::string_view name, const routing::EndpointConfig*)>;
  void wrap(routing::EndpointKind kind, Wrapper wrapper);

  // The endpoint for `name` of `kind`; `config` is null for the built-in endpoint. A kind with
  // no factory gets a counting endpoint.
  std::unique_ptr<Endpoint> create(routing::EndpointKind kind, std::string_view name,
                                   const routing::EndpointConfig* config) const;

 private:
  std::array<Factory, 5> factories_;
};

// Registers a counting endpoint for every kind (the bench's sinks).
void registerCountingEndpoints(EndpointRegistry& registry);

}  // namespace routesim::router
