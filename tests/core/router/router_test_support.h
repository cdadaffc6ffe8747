// Shared by the router tests: route tables from routing JSON text, messages built in code, and
// recording endpoints that keep (deviceId, "seq" property) per delivery attempt and accept all
// or part of each batch as a test policy says.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"
#include "core/message/message.h"
#include "core/router/endpoint.h"
#include "core/router/router.h"
#include "core/routing/route_table.h"
#include "core/routing/routing_config.h"

namespace routesim::router::testing {

struct BuiltTable {
  std::shared_ptr<const routing::RouteTable> table;
  std::vector<routing::EndpointConfig> configs;
};

// Builds a table from a bare routing object; fails the test on any error in the text.
inline BuiltTable buildTable(std::string_view text, std::string hub_name = "routesim-hub") {
  BuiltTable out;
  auto value = json::parse(text);
  EXPECT_TRUE(value.ok()) << "test routing JSON does not parse: "
                          << (value.ok() ? "" : value.error().message());
  if (!value.ok()) return out;
  ConfigIssues issues;
  routing::RoutingConfig config =
      routing::readRoutingConfig(*value, "$", routing::RoutingLimits{}, issues);
  routing::RouteTable::BuildOptions options;
  options.hub_name = std::move(hub_name);
  out.table = routing::RouteTable::build(config, options, issues);
  EXPECT_FALSE(issues.hasErrors()) << issues.format("routes.json", text);
  EXPECT_NE(out.table, nullptr);
  out.configs = config.endpoints;
  return out;
}

// A device message with `seq` as the application property "seq".
inline message::Message makeMessage(
    std::string device, int64_t seq,
    std::vector<std::pair<std::string, std::string>> properties = {}, std::string body = "{}",
    message::MessageSource source = message::MessageSource::kDeviceMessages) {
  message::Message m;
  m.device_id = std::move(device);
  m.source = source;
  m.app_properties.set("seq", std::to_string(seq));
  for (const auto& [name, value] : properties) m.app_properties.set(name, value);
  m.body.assign(body);
  return m;
}

// Inline routing keeps a pointer to each message until it reaches its outcome (a refused
// delivery waits in its queue for its retry time), so a test that routes temporaries keeps
// them here, in a fixture member that outlives the router.
class MessageKeeper {
 public:
  const message::Message& keep(message::Message m) { return kept_.emplace_back(std::move(m)); }

 private:
  std::deque<message::Message> kept_;
};

// Replaces `m`'s body with filler so that messageSize(m) == `size`.
inline void resizeTo(message::Message& m, size_t size, char fill = 'x') {
  size_t others = message::messageSize(m) - m.body.size();
  m.body.assign(std::string(size - others, fill));
}

// One delivery attempt as an endpoint saw it.
struct Attempt {
  std::string device;
  int64_t seq = -1;
  bool accepted = false;
  bool fallback = false;
  uint32_t size = 0;
  uint16_t partition = 0;
  const routing::RouteTable* table = nullptr;
  uint16_t table_endpoint = 0;
};

// How many messages of a batch to accept: (the endpoint's call number from 0, batch size).
using AcceptPolicy = std::function<size_t(uint64_t call, size_t batch)>;

// What one named endpoint saw. Written only inside deliver(), which the router calls from one
// thread at a time per endpoint: the vectors have no lock on purpose, so a sanitizer build
// checks that promise. Read them after Router::stop() or in inline mode.
struct Recording {
  std::string name;
  AcceptPolicy policy;                                         // null: accept everything
  std::function<void(std::span<const OutboundMessage>)> hook;  // called first, may block
  std::vector<Attempt> attempts;                               // every message offered, in order
  uint64_t calls = 0;
  std::atomic<int> inside{0};            // threads inside deliver() now
  std::atomic<bool> overlapped{false};   // two threads were inside deliver() at once
  std::atomic<uint64_t> dead_table{0};   // deliveries whose routing table was already freed
  std::atomic<uint64_t> wrong_table{0};  // the routing table does not name this endpoint there

  // Accepted deliveries only, in order.
  std::vector<Attempt> accepted() const {
    std::vector<Attempt> out;
    for (const Attempt& a : attempts) {
      if (a.accepted) out.push_back(a);
    }
    return out;
  }
  // Accepted "seq" values per device, in delivery order.
  std::map<std::string, std::vector<int64_t>> acceptedByDevice() const {
    std::map<std::string, std::vector<int64_t>> out;
    for (const Attempt& a : attempts) {
      if (a.accepted) out[a.device].push_back(a.seq);
    }
    return out;
  }
  std::map<std::string, std::vector<int64_t>> attemptsByDevice() const {
    std::map<std::string, std::vector<int64_t>> out;
    for (const Attempt& a : attempts) out[a.device].push_back(a.seq);
    return out;
  }
};

// Owns the recordings of every endpoint name a test uses (all made before the router starts)
// and, optionally, weak references to route tables so endpoints can tell whether the table a
// delivery carries is still alive.
class Recorder {
 public:
  explicit Recorder(std::vector<std::string> names) {
    for (std::string& n : names) {
      auto r = std::make_unique<Recording>();
      r->name = n;
      recordings_.emplace(std::move(n), std::move(r));
    }
  }

  Recording& operator[](const std::string& name) {
    auto it = recordings_.find(name);
    EXPECT_NE(it, recordings_.end()) << "no recording named " << name;
    return *it->second;
  }
  Recording* find(std::string_view name) {
    auto it = recordings_.find(std::string(name));
    return it == recordings_.end() ? nullptr : it->second.get();
  }

  // Call before the router starts: deliveries routed by `table` are then checked.
  void watch(const std::shared_ptr<const routing::RouteTable>& table) {
    watched_.emplace(table.get(), table);
  }
  // The table if it is watched and alive; null (and `known` false) if not watched.
  std::shared_ptr<const routing::RouteTable> lock(const routing::RouteTable* table,
                                                  bool& known) const {
    auto it = watched_.find(table);
    known = it != watched_.end();
    return known ? it->second.lock() : nullptr;
  }

  // Registers, for every endpoint kind, a factory that creates a RecordingEndpoint for names
  // that have a recording and a CountingEndpoint for the rest.
  void registerWith(EndpointRegistry& registry);

 private:
  std::map<std::string, std::unique_ptr<Recording>> recordings_;
  std::map<const routing::RouteTable*, std::weak_ptr<const routing::RouteTable>> watched_;
};

// A retry policy with no backoff: a refused delivery is tried again at the next chance (for
// tests about order and counting rather than timing).
inline RetryPolicy immediateRetry() {
  RetryPolicy p;
  p.initial_backoff_ns = 0;
  p.max_backoff_ns = 0;
  return p;
}

inline int64_t seqOf(const message::Message& m) {
  const message::Property* p = m.app_properties.find("seq");
  if (p == nullptr || !p->value) return -1;
  return std::stoll(*p->value);
}

class RecordingEndpoint final : public Endpoint {
 public:
  RecordingEndpoint(Recording& recording, const Recorder& recorder)
      : r_(recording), recorder_(recorder) {}

  DeliveryReport deliver(std::span<const OutboundMessage> batch) override {
    if (r_.inside.fetch_add(1) != 0) r_.overlapped.store(true);
    if (r_.hook) r_.hook(batch);
    size_t accept =
        r_.policy ? std::min(r_.policy(r_.calls, batch.size()), batch.size()) : batch.size();
    ++r_.calls;
    for (size_t i = 0; i < batch.size(); ++i) {
      const OutboundMessage& m = batch[i];
      r_.attempts.push_back(Attempt{m.message->device_id, seqOf(*m.message), i < accept, m.fallback,
                                    m.size, m.partition, m.table, m.table_endpoint});
      bool known = false;
      auto table = recorder_.lock(m.table, known);
      if (known && table == nullptr) {
        r_.dead_table.fetch_add(1);
      } else if (table != nullptr) {
        const auto& endpoints = table->endpoints();
        if (m.table_endpoint >= endpoints.size() || endpoints[m.table_endpoint].name != r_.name)
          r_.wrong_table.fetch_add(1);
      }
    }
    r_.inside.fetch_sub(1);
    if (accept < batch.size()) return {accept, DeliveryFailure::kTransient, "test refusal"};
    return {accept, DeliveryFailure::kNone, {}};
  }

 private:
  Recording& r_;
  const Recorder& recorder_;
};

inline void Recorder::registerWith(EndpointRegistry& registry) {
  for (auto kind : {routing::EndpointKind::kBuiltIn, routing::EndpointKind::kStorage,
                    routing::EndpointKind::kEventHubs, routing::EndpointKind::kServiceBusQueue,
                    routing::EndpointKind::kServiceBusTopic}) {
    registry.add(
        kind,
        [this](std::string_view name, const routing::EndpointConfig*) -> std::unique_ptr<Endpoint> {
          if (Recording* r = find(name)) return std::make_unique<RecordingEndpoint>(*r, *this);
          return std::make_unique<CountingEndpoint>();
        });
  }
}

// Per device, the sequence is strictly increasing (exactly once, in order).
inline void expectIncreasingPerDevice(const std::map<std::string, std::vector<int64_t>>& by_device,
                                      std::string_view what) {
  for (const auto& [device, seqs] : by_device) {
    for (size_t i = 1; i < seqs.size(); ++i) {
      if (seqs[i] <= seqs[i - 1]) {
        ADD_FAILURE() << what << ": device " << device << " got seq " << seqs[i] << " after "
                      << seqs[i - 1] << " (position " << i << ")";
        return;
      }
    }
  }
}

// Per device, an at-least-once ordered stream (reference §4: [1,2,1,2,3,1,2,3,4] for
// [1,2,3,4]): each element is at most one past the largest seen so far among `expected`
// (so nothing is skipped), and every expected element appears.
inline void expectOrderedAtLeastOnce(const std::map<std::string, std::vector<int64_t>>& by_device,
                                     const std::map<std::string, std::vector<int64_t>>& expected,
                                     std::string_view what) {
  for (const auto& [device, want] : expected) {
    auto it = by_device.find(device);
    std::vector<int64_t> got = it == by_device.end() ? std::vector<int64_t>{} : it->second;
    // Positions of each expected seq in `want`.
    std::map<int64_t, size_t> rank;
    for (size_t i = 0; i < want.size(); ++i) rank[want[i]] = i;
    size_t next = 0;  // the first rank not seen yet
    for (int64_t seq : got) {
      auto r = rank.find(seq);
      if (r == rank.end()) {
        ADD_FAILURE() << what << ": device " << device << " got unexpected seq " << seq;
        return;
      }
      if (r->second > next) {
        ADD_FAILURE() << what << ": device " << device << " got seq " << seq << " before seq "
                      << want[next];
        return;
      }
      if (r->second == next) ++next;
    }
    EXPECT_EQ(next, want.size()) << what << ": device " << device << " is missing seq "
                                 << (next < want.size() ? want[next] : -1);
  }
  for (const auto& [device, got] : by_device) {
    EXPECT_TRUE(expected.count(device)) << what << ": unexpected device " << device;
  }
}

// The standard routing object of these tests: three custom endpoints of three kinds, routes
// that overlap (deduplicated per endpoint), a twin-change route, the fallback to the built-in
// endpoint, and an enrichment (15 bytes: "hub" + "routesim-hub") on the archive endpoint only.
inline constexpr std::string_view kStandardRouting = R"({
  "endpoints": {
    "eventHubs": [{"name": "hot"}],
    "storageContainers": [{"name": "archive", "containerName": "archive"}],
    "serviceBusQueues": [{"name": "alerts"}]
  },
  "routes": [
    {"name": "r-hot", "source": "DeviceMessages", "condition": "level = 'hot'",
     "endpointNames": ["hot"], "isEnabled": true},
    {"name": "r-archive", "source": "DeviceMessages", "condition": "archive = 'yes'",
     "endpointNames": ["archive"], "isEnabled": true},
    {"name": "r-alert", "source": "DeviceMessages", "condition": "level = 'hot' AND alert = 'yes'",
     "endpointNames": ["alerts"], "isEnabled": true},
    {"name": "r-alert-hot", "source": "DeviceMessages", "condition": "alert = 'yes'",
     "endpointNames": ["hot"], "isEnabled": true},
    {"name": "r-twin", "source": "TwinChangeEvents", "condition": "kind = 'ok'",
     "endpointNames": ["alerts"], "isEnabled": true},
    {"name": "r-off", "source": "DeviceMessages", "condition": "true",
     "endpointNames": ["alerts"], "isEnabled": false}
  ],
  "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                    "endpointNames": ["events"], "isEnabled": true},
  "enrichments": [{"key": "hub", "value": "$iothubname", "endpointNames": ["archive"]}]
})";

inline constexpr size_t kArchiveEnrichmentBytes = 15;

// What the standard table must do with a message, worked out independently of the router.
struct Expectation {
  bool rejected = false;            // over 256 KB at ingress
  std::set<std::string> delivered;  // endpoints that receive it
  std::set<std::string> invalid;    // endpoints where enrichment makes it too large
  bool fallback = false;            // delivered by the fallback route
  bool orphaned = false;
};

struct Workload {
  std::vector<message::Message> messages;
  std::vector<Expectation> expect;
  // Indexes into `messages` per producer; a device's messages are all in one list, in order.
  std::vector<std::vector<size_t>> producers;

  uint64_t count(const std::function<bool(const Expectation&)>& pred) const {
    uint64_t n = 0;
    for (const Expectation& e : expect) n += pred(e) ? 1 : 0;
    return n;
  }
  uint64_t deliveredTo(const std::string& endpoint) const {
    return count([&](const Expectation& e) { return e.delivered.count(endpoint) != 0; });
  }
  uint64_t invalidAt(const std::string& endpoint) const {
    return count([&](const Expectation& e) { return e.invalid.count(endpoint) != 0; });
  }
  // The (device -> seqs in order) an endpoint must receive.
  std::map<std::string, std::vector<int64_t>> expectedAt(const std::string& endpoint) const {
    std::map<std::string, std::vector<int64_t>> out;
    for (size_t i = 0; i < messages.size(); ++i) {
      if (expect[i].delivered.count(endpoint))
        out[messages[i].device_id].push_back(seqOf(messages[i]));
    }
    return out;
  }
};

// `devices` x `per_device` regular device messages (message i: device "dev-<i % devices>",
// seq i / devices), then special ones: one too large at ingress, two that enrichment makes
// invalid at "archive", and ten twin-change events (even ones routed, odd ones orphaned).
// Regular message i: level hot if i % 3 == 0, alert if i % 5 == 0, archive if i % 4 == 0, so
// hot = i%3==0 || i%5==0, alerts = i%15==0, archive = i%4==0, else fallback to events.
inline Workload standardWorkload(size_t devices, size_t per_device, size_t producers) {
  Workload w;
  w.producers.resize(producers);
  auto add = [&](message::Message m, Expectation e, size_t producer) {
    w.producers[producer].push_back(w.messages.size());
    w.messages.push_back(std::move(m));
    w.expect.push_back(std::move(e));
  };
  for (size_t i = 0; i < devices * per_device; ++i) {
    std::vector<std::pair<std::string, std::string>> props = {
        {"level", i % 3 == 0 ? "hot" : "cold"}};
    if (i % 5 == 0) props.emplace_back("alert", "yes");
    if (i % 4 == 0) props.emplace_back("archive", "yes");
    Expectation e;
    if (i % 3 == 0 || i % 5 == 0) e.delivered.insert("hot");
    if (i % 15 == 0) e.delivered.insert("alerts");
    if (i % 4 == 0) e.delivered.insert("archive");
    if (e.delivered.empty()) {
      e.delivered.insert("events");
      e.fallback = true;
    }
    size_t device = i % devices;
    add(makeMessage("dev-" + std::to_string(device), static_cast<int64_t>(i / devices),
                    std::move(props), "{\"i\":" + std::to_string(i) + "}"),
        std::move(e), device % producers);
  }
  // One byte over the limit: rejected at ingress.
  {
    message::Message m = makeMessage("big-dev", 0);
    resizeTo(m, message::kMaxMessageBytes + 1);
    Expectation e;
    e.rejected = true;
    add(std::move(m), std::move(e), 0);
  }
  // Within the limit by 5 bytes; archive's 15 enrichment bytes make it invalid there.
  for (int64_t seq = 0; seq < 2; ++seq) {
    std::vector<std::pair<std::string, std::string>> props = {{"archive", "yes"}};
    if (seq == 1) props.emplace_back("level", "hot");
    message::Message m = makeMessage("inv-dev", seq, props, "");
    resizeTo(m, message::kMaxMessageBytes - 5, 'y');
    Expectation e;
    e.invalid.insert("archive");
    if (seq == 1) e.delivered.insert("hot");
    add(std::move(m), std::move(e), 0);
  }
  for (int64_t seq = 0; seq < 10; ++seq) {
    std::vector<std::pair<std::string, std::string>> props;
    if (seq % 2 == 0) props.emplace_back("kind", "ok");
    Expectation e;
    if (seq % 2 == 0) {
      e.delivered.insert("alerts");
    } else {
      e.orphaned = true;  // no fallback for twin change events
    }
    add(makeMessage("twin-dev", seq, props, "{}", message::MessageSource::kTwinChangeEvents),
        std::move(e), producers > 1 ? 1 : 0);
  }
  return w;
}

}  // namespace routesim::router::testing
