// A compiled, immutable route table: every enabled route's condition compiled against one
// shared input catalog (so a message's body is parsed once and each distinct $body / $twin path
// read once, whatever the number of routes), routes grouped by source, endpoints numbered, and
// enrichments resolved per endpoint. route() is const and thread-safe given one scratch per
// thread; a new table replaces an old one whole (see router::Router).
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/message/message.h"
#include "core/query/input.h"
#include "core/query/program.h"
#include "core/routing/routing_config.h"

namespace routesim::routing {

inline constexpr size_t kMaxEndpoints = 128;  // the built-in endpoint plus custom ones
inline constexpr size_t kSourceCount = 6;

struct Delivery {
  uint16_t endpoint = 0;  // index into RouteTable::endpoints()
  bool fallback = false;  // delivered by the fallback route
  bool invalid = false;   // over 256 KB once this endpoint's enrichments are added
  uint32_t size = 0;      // message size with the endpoint's enrichments
};

struct RoutingResult {
  enum class Outcome : uint8_t { kRouted, kFallback, kOrphaned };
  Outcome outcome = Outcome::kOrphaned;
  std::vector<Delivery> deliveries;  // one per endpoint, in endpoint order
  uint32_t routes_matched = 0;       // routes whose condition was true
  uint32_t routes_undefined = 0;     // routes whose condition was undefined (logged by IoT Hub)
  bool body_parsed = false;          // some condition needed the body

  void clear() {
    outcome = Outcome::kOrphaned;
    deliveries.clear();
    routes_matched = routes_undefined = 0;
    body_parsed = false;
  }
};

class RouteTable {
 public:
  struct Endpoint {
    std::string name;
    EndpointKind kind;
  };

  struct BuildOptions {
    std::string hub_name = "routesim-hub";  // the value of $iothubname in enrichments
  };

  // Compiles `config`. A condition that does not compile is an error in `issues` (code
  // IH400104, "Invalid Routing Condition", with the caret diagnostic and the byte offset of
  // the error in the file) and the table is still built without that route. Returns null only
  // when `issues` already held errors that make routing meaningless (none today).
  static std::shared_ptr<const RouteTable> build(const RoutingConfig& config,
                                                 const BuildOptions& options, ConfigIssues& issues);

  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  // Index of the endpoint named `name`, or -1.
  int endpointIndex(std::string_view name) const;
  size_t routeCount() const { return route_count_; }
  bool hasFallback() const { return fallback_ != nullptr; }
  const query::InputCatalog& catalog() const { return catalog_; }

  // Decides where `message` goes. Thread-safe; allocation-free in steady state. `size` is
  // message::messageSize(message) when the caller already has it (0: computed here).
  void route(const message::Message& message, query::EvalScratch& scratch, RoutingResult& out,
             size_t size = 0) const;

  // The message as `endpoint` receives it: with that endpoint's enrichments as application
  // properties (the literal text where a $twin path is missing, as IoT Hub stamps it).
  message::Message enrich(const message::Message& message, uint16_t endpoint,
                          query::EvalScratch& scratch) const;
  // Only its application properties, into `out` (whose entries' storage is reused): what an
  // endpoint that copies properties rather than the message needs.
  void enrichedProperties(const message::Message& message, uint16_t endpoint,
                          query::EvalScratch& scratch, message::PropertyMap& out) const;
  bool hasEnrichments(uint16_t endpoint) const { return !enrichments_[endpoint].empty(); }

 private:
  struct CompiledRoute {
    std::string name;
    query::Program program;
    uint16_t endpoint;
  };
  struct Enrichment {
    std::string key;
    std::string value;       // static text, the hub name, or the $twin path's literal text
    int32_t twin_slot = -1;  // catalog input for a $twin value, else -1
    std::string folded_key;  // utf::foldCase(key)
  };

  // Appends the enrichment values of `endpoint` for `message` to `out` as (key, value) pairs and
  // returns the change in message size (modulo 2^64: negative when an enrichment's value is
  // shorter than the property it replaces).
  size_t enrichmentValues(query::MessageContext& context, uint16_t endpoint,
                          std::vector<std::pair<std::string_view, std::string>>* out) const;
  // Sets `endpoint`'s enrichments of `message` in `properties` (its application properties or
  // a copy of them).
  void applyEnrichments(const message::Message& message, uint16_t endpoint,
                        query::EvalScratch& scratch, message::PropertyMap& properties) const;

  std::vector<Endpoint> endpoints_;
  std::array<std::vector<CompiledRoute>, kSourceCount> routes_;
  std::unique_ptr<CompiledRoute> fallback_;
  std::vector<std::vector<Enrichment>> enrichments_;  // per endpoint
  query::InputCatalog catalog_;
  size_t route_count_ = 0;
};

}  // namespace routesim::routing
