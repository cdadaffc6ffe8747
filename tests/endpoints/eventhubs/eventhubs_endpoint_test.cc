#include "endpoints/eventhubs/eventhubs_endpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/message/stamp.h"
#include "endpoints/eventhubs/persistence.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::endpoints::eventhubs {
namespace {

using router::DeliveryFailure;
using router::OutboundMessage;
using router::testing::makeMessage;

std::optional<std::string> lookup(const PropertyList& list, std::string_view name) {
  for (const auto& [k, v] : list) {
    if (k == name) return v.value_or("<null>");
  }
  return std::nullopt;
}

message::Message stamped(std::string device, int64_t seq, std::string body = "{\"t\":21.5}") {
  message::Message m = makeMessage(std::move(device), seq, {{"level", "info"}}, std::move(body));
  m.system_properties.set("messageId", "m-" + std::to_string(seq));
  m.system_properties.set("contentType", "application/json");
  m.system_properties.set("contentEncoding", "utf-8");
  message::stampIngress(m, std::chrono::system_clock::time_point(std::chrono::seconds(1704067200)));
  return m;
}

// OutboundMessages for `messages`, with `partition` set by `partition_of` (built-in endpoint).
std::vector<OutboundMessage> outbound(const std::vector<message::Message>& messages,
                                      uint32_t builtin_partitions = 4) {
  std::vector<OutboundMessage> out;
  for (const message::Message& m : messages) {
    OutboundMessage o;
    o.message = &m;
    o.size = static_cast<uint32_t>(message::messageSize(m));
    o.partition = static_cast<uint16_t>(routing::builtinPartition(m.device_id, builtin_partitions));
    out.push_back(o);
  }
  return out;
}

// A folder of its own for one test in one process (build trees may run tests at the same time).
std::filesystem::path scratchDir(std::string_view name) {
  return std::filesystem::temp_directory_path() /
         ("routesim-eh-" + std::string(name) + "-" + std::to_string(::getpid()));
}

struct HubSetup {
  ManualClock clock{5 * kNsPerSecond};
  EmulatorContext context;
  std::shared_ptr<EventHub> hub;

  explicit HubSetup(EventHubConfig config = {}) {
    context.clock = &clock;
    context.utc_at_zero_ns = 1704067200LL * 1'000'000'000LL;
    context.hub_name = "contoso-hub";
    if (config.name.empty()) config.name = "telemetry";
    hub = *EventHub::create(std::move(config), context, "contoso-ns");
  }

  std::vector<EventData> all(uint32_t partition) const {
    auto r = hub->read(partition, EventPosition::earliest(), 1'000'000);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<EventData>{};
  }
};

// ---------------------------------------------------------------------------------------------
// Partition keys

TEST(PartitionKeyHashTest, MatchesTheAzureSdkVectors) {
  // Azure.Messaging.EventHubs PartitionResolverTests.PartitionHashTestCases.
  const std::vector<std::pair<std::string, int16_t>> cases = {
      {"7", -15263},
      {"131", 30562},
      {"7149583486996073602", 12977},
      {"FWfAT", -22341},
      {"sOdeEAsyQoEuEFPGerWO", -6503},
      {"FAyAIctPeCgmiwLKbJcyswoHglHVjQdvtBowLACDNORsYvOcLddNJYDmhAVkbyLOrHTKLneMNcbgWVlasVywOByANj"
       "s",
       5226},
      {"1XYM6!(7(lF5wq4k4m*e$Nc!1ezLJv*1YK1Y-C^*&B$O)lq^iUkG(TNzXG;Zi#z2Og*Qq0#^*k):vXh$3,C7We7%"
       "W0meJ;b3,rQCg^J;^twXgs5E$$hWKxqp",
       23950},
      {"E(x;RRIaQcJs*P;D&jTPau-4K04oqr:lF6Z):ERpo&;9040qyV@G1_c9mgOs-8_8/10Fwa-7b7-yP!T-!IH&968)"
       "FWuI;(^g$2fN;)HJ^^yTn:",
       -29304},
      {"!c*_!I@1^c", 15372},
      {"p4*!jioeO/z-!-;w:dh", -3104},
      {"$0cb", 26269},
      {"-4189260826195535198", 453},
  };
  for (const auto& [key, hash] : cases) EXPECT_EQ(partitionKeyHash(key), hash) << key;
}

TEST(PartitionKeyHashTest, PartitionIsTheAbsoluteRemainder) {
  EXPECT_EQ(partitionForKey("7", 4), 3u);  // |-15263 % 4|
  EXPECT_EQ(partitionForKey("7", 32), 31u);
  EXPECT_EQ(partitionForKey("131", 32), 2u);
  EXPECT_EQ(partitionForKey("7149583486996073602", 32), 17u);
  EXPECT_EQ(partitionForKey("FWfAT", 3), 0u);
  EXPECT_EQ(partitionForKey("anything", 1), 0u);
}

TEST(PartitionKeyHashTest, SpreadsDevicesOverPartitions) {
  std::map<uint32_t, int> counts;
  for (int i = 0; i < 4000; ++i) ++counts[partitionForKey("device-" + std::to_string(i), 8)];
  ASSERT_EQ(counts.size(), 8u);
  for (const auto& [partition, n] : counts) {
    EXPECT_GT(n, 350) << "partition " << partition;
    EXPECT_LT(n, 650) << "partition " << partition;
  }
}

// ---------------------------------------------------------------------------------------------
// Custom Event Hubs endpoint

TEST(EventHubsEndpointTest, KeepsEachDevicesEventsInOrderInItsPartition) {
  HubSetup s;
  EventHubsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages;
  for (int seq = 0; seq < 20; ++seq) {
    for (int d = 0; d < 50; ++d) messages.push_back(stamped("dev-" + std::to_string(d), seq));
  }
  auto out = outbound(messages);
  for (size_t at = 0; at < out.size(); at += 64) {
    size_t n = std::min<size_t>(64, out.size() - at);
    router::DeliveryReport r = endpoint.deliver(std::span(out).subspan(at, n));
    ASSERT_EQ(r.delivered, n);
    ASSERT_EQ(r.failure, DeliveryFailure::kNone);
  }
  std::map<std::string, std::vector<int64_t>> seen;
  size_t total = 0;
  for (uint32_t p = 0; p < 4; ++p) {
    int64_t expect_seq = 0;
    for (const EventData& e : s.all(p)) {
      EXPECT_EQ(e.sequence_number, expect_seq++);
      EXPECT_EQ(partitionForKey(e.partition_key, 4), p) << e.partition_key;
      EXPECT_EQ(lookup(e.system_properties, "iothub-connection-device-id"), e.partition_key);
      seen[e.partition_key].push_back(std::stoll(*lookup(e.properties, "seq")));
      ++total;
    }
  }
  EXPECT_EQ(total, messages.size());
  ASSERT_EQ(seen.size(), 50u);
  for (const auto& [device, seqs] : seen) {
    ASSERT_EQ(seqs.size(), 20u) << device;
    for (int64_t i = 0; i < 20; ++i) EXPECT_EQ(seqs[static_cast<size_t>(i)], i) << device;
  }
}

TEST(EventHubsEndpointTest, SameDeviceSamePartitionAcrossHubs) {
  HubSetup a;
  HubSetup b;
  EventHubsEndpoint ea(a.context, a.hub);
  EventHubsEndpoint eb(b.context, b.hub);
  std::vector<message::Message> messages = {stamped("thermostat-17", 0)};
  auto out = outbound(messages);
  ASSERT_EQ(ea.deliver(out).delivered, 1u);
  ASSERT_EQ(eb.deliver(out).delivered, 1u);
  uint32_t p = partitionForKey("thermostat-17", 4);
  EXPECT_EQ(a.all(p).size(), 1u);
  EXPECT_EQ(b.all(p).size(), 1u);
}

TEST(EventHubsEndpointTest, StoresBodyPropertiesAndEventHubsSystemPropertyNames) {
  HubSetup s;
  EventHubsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages = {stamped("dev-1", 7, "{\"temp\":30}")};
  messages[0].system_properties.set("correlationId", "c-9");
  messages[0].system_properties.set("dt-subject", "thermostat1");
  auto out = outbound(messages);
  ASSERT_EQ(endpoint.deliver(out).delivered, 1u);
  auto events = s.all(partitionForKey("dev-1", 4));
  ASSERT_EQ(events.size(), 1u);
  const EventData& e = events[0];
  EXPECT_EQ(e.body, "{\"temp\":30}");
  EXPECT_EQ(e.partition_key, "dev-1");
  EXPECT_EQ(e.enqueued_ns, 5 * kNsPerSecond);
  EXPECT_EQ(e.enqueued_time_utc, "2024-01-01T00:00:05.0000000Z");
  EXPECT_EQ(lookup(e.properties, "level"), "info");
  EXPECT_EQ(lookup(e.properties, "seq"), "7");
  EXPECT_EQ(lookup(e.system_properties, "message-id"), "m-7");
  EXPECT_EQ(lookup(e.system_properties, "correlation-id"), "c-9");
  EXPECT_EQ(lookup(e.system_properties, "content-type"), "application/json");
  EXPECT_EQ(lookup(e.system_properties, "content-encoding"), "utf-8");
  EXPECT_EQ(lookup(e.system_properties, "iothub-connection-device-id"), "dev-1");
  EXPECT_TRUE(lookup(e.system_properties, "iothub-connection-auth-generation-id").has_value());
  EXPECT_TRUE(lookup(e.system_properties, "iothub-connection-auth-method").has_value());
  EXPECT_EQ(lookup(e.system_properties, "iothub-enqueuedtime"), "2024-01-01T00:00:00.0000000Z");
  EXPECT_EQ(lookup(e.system_properties, "iothub-message-source"), "deviceMessages");
  EXPECT_EQ(lookup(e.system_properties, "dt-subject"), "thermostat1");
  // IoT Hub's own spellings do not appear.
  EXPECT_EQ(lookup(e.system_properties, "connectionDeviceId"), std::nullopt);
  EXPECT_EQ(lookup(e.system_properties, "messageId"), std::nullopt);
}

TEST(EventHubsEndpointTest, CarriesTheEndpointsEnrichments) {
  auto built = router::testing::buildTable(R"({
    "endpoints": {"eventHubs": [{"name": "hot"}], "serviceBusQueues": [{"name": "cold"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["hot"], "isEnabled": true}],
    "enrichments": [{"key": "hub", "value": "$iothubname", "endpointNames": ["hot"]},
                    {"key": "other", "value": "x", "endpointNames": ["cold"]}]
  })",
                                           "contoso-hub");
  ASSERT_NE(built.table, nullptr);
  uint16_t hot = 0;
  for (size_t i = 0; i < built.table->endpoints().size(); ++i) {
    if (built.table->endpoints()[i].name == "hot") hot = static_cast<uint16_t>(i);
  }
  HubSetup s;
  EventHubsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages = {stamped("dev-2", 0)};
  auto out = outbound(messages);
  out[0].table = built.table.get();
  out[0].table_endpoint = hot;
  ASSERT_EQ(endpoint.deliver(out).delivered, 1u);
  auto events = s.all(partitionForKey("dev-2", 4));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(lookup(events[0].properties, "hub"), "contoso-hub");
  EXPECT_EQ(lookup(events[0].properties, "other"), std::nullopt);
}

TEST(EventHubsEndpointTest, DisabledHubFailsTheWholeBatch) {
  HubSetup s;
  EventHubsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages = {stamped("dev-1", 0), stamped("dev-2", 1)};
  auto out = outbound(messages);

  s.hub->setStatus(EntityStatus::kDisabled);
  router::DeliveryReport r = endpoint.deliver(out);
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(r.failure, DeliveryFailure::kEndpointExternallyDisabled);
  EXPECT_EQ(r.detail, "Messaging entity 'contoso-ns:eventhub:telemetry' is currently disabled.");

  s.hub->setStatus(EntityStatus::kSendDisabled);
  r = endpoint.deliver(out);
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(r.failure, DeliveryFailure::kEndpointExternallyDisabled);
  EXPECT_EQ(s.hub->eventCount(), 0u);

  s.hub->setStatus(EntityStatus::kReceiveDisabled);  // sends still work
  r = endpoint.deliver(out);
  EXPECT_EQ(r.delivered, 2u);
  EXPECT_EQ(r.failure, DeliveryFailure::kNone);
}

TEST(EventHubsEndpointTest, StatusFromConfigurationApplies) {
  EventHubConfig c;
  c.status = "SendDisabled";
  HubSetup s(c);
  EventHubsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages = {stamped("dev-1", 0)};
  auto out = outbound(messages);
  EXPECT_EQ(endpoint.deliver(out).failure, DeliveryFailure::kEndpointExternallyDisabled);
}

TEST(EventHubsEndpointTest, EventOverOneMegabyteStopsTheBatchThere) {
  HubSetup s;
  EventHubsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages = {stamped("dev-1", 0), stamped("dev-1", 1),
                                            stamped("dev-1", 2)};
  // Body such that the event is the limit + 1 bytes (system and application properties count).
  EventData probe;
  {
    HubSetup t;
    EventHubsEndpoint e(t.context, t.hub);
    std::vector<message::Message> single = {messages[1]};
    auto one = outbound(single);
    ASSERT_EQ(e.deliver(one).delivered, 1u);
    probe = t.all(partitionForKey("dev-1", 4))[0];
  }
  size_t others = eventSize(probe) - probe.body.size();
  messages[1].body.assign(std::string(kMaxEventBytes + 1 - others, 'x'));
  auto out = outbound(messages);
  router::DeliveryReport r = endpoint.deliver(out);
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.failure, DeliveryFailure::kMaxMessageSizeExceeded);
  EXPECT_EQ(r.detail,
            "The received message (delivery-id:1, size:1048577 bytes) exceeds the limit (1048576 "
            "bytes) currently allowed on the link.");
  EXPECT_EQ(s.hub->eventCount(), 1u);

  // Exactly the limit is accepted.
  messages[1].body.assign(std::string(kMaxEventBytes - others, 'x'));
  auto retry = outbound(messages);
  r = endpoint.deliver(std::span(retry).subspan(1));
  EXPECT_EQ(r.delivered, 2u);
  EXPECT_EQ(r.failure, DeliveryFailure::kNone);
  auto events = s.all(partitionForKey("dev-1", 4));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(eventSize(events[1]), kMaxEventBytes);
}

TEST(EventHubsEndpointTest, BasicTierLimitIs256Kilobytes) {
  EventHubConfig c;
  c.max_event_bytes = kBasicMaxEventBytes;
  HubSetup s(c);
  EventHubsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages = {stamped("dev-1", 0, std::string(262144, 'x'))};
  auto out = outbound(messages);
  router::DeliveryReport r = endpoint.deliver(out);
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(r.failure, DeliveryFailure::kMaxMessageSizeExceeded);
  EXPECT_NE(r.detail.find("exceeds the limit (262144 bytes)"), std::string::npos) << r.detail;
}

TEST(EventHubsEndpointTest, TickExpiresAndFlushSavesUnderTheNamespaceLayout) {
  EventHubConfig c;
  c.retention_ns = kNsPerHour;
  HubSetup s(c);
  std::filesystem::path out_dir = scratchDir("endpoint-flush");
  std::filesystem::remove_all(out_dir);
  s.context.out_dir = out_dir;
  EventHubsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages = {stamped("dev-1", 0)};
  auto out = outbound(messages);
  ASSERT_EQ(endpoint.deliver(out).delivered, 1u);
  endpoint.tick(s.clock.nowNs() + kNsPerHour);
  EXPECT_EQ(s.hub->eventCount(), 1u);
  endpoint.tick(s.clock.nowNs() + kNsPerHour + 1);
  EXPECT_EQ(s.hub->eventCount(), 0u);

  ASSERT_EQ(endpoint.deliver(out).delivered, 1u);
  endpoint.flush(s.clock.nowNs());
  ASSERT_TRUE(endpoint.lastSaveStatus().ok()) << endpoint.lastSaveStatus().error().message();
  std::filesystem::path dir = out_dir / "eventhubs" / "contoso-ns" / "telemetry";
  EXPECT_TRUE(std::filesystem::exists(dir / "eventhub.json"));
  for (int p = 0; p < 4; ++p) {
    EXPECT_TRUE(std::filesystem::exists(dir / ("partition-" + std::to_string(p) + ".ndjson")));
  }
  auto loaded = loadEventHub(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ((*loaded)->eventCount(), 1u);
  std::filesystem::remove_all(out_dir);
}

// ---------------------------------------------------------------------------------------------
// Built-in endpoint

TEST(BuiltinEventsEndpointTest, WritesToThePartitionTheRouterChose) {
  HubSetup s;
  BuiltinEventsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages;
  messages.reserve(12);
  for (int d = 0; d < 12; ++d) messages.push_back(stamped("dev-" + std::to_string(d), d));
  auto out = outbound(messages);
  out[0].partition = 3;  // whatever the router says wins
  ASSERT_EQ(endpoint.deliver(out).delivered, messages.size());
  size_t total = 0;
  for (uint32_t p = 0; p < 4; ++p) {
    for (const EventData& e : s.all(p)) {
      std::string device = *lookup(e.system_properties, "iothub-connection-device-id");
      uint32_t want = device == "dev-0" ? 3 : routing::builtinPartition(device, 4);
      EXPECT_EQ(p, want) << device;
      EXPECT_EQ(e.partition_key, "");  // IoT Hub writes to the partition directly
      EXPECT_EQ(lookup(e.system_properties, "message-id"), "m-" + device.substr(4));
      EXPECT_EQ(lookup(e.system_properties, "iothub-message-source"), "deviceMessages");
      ++total;
    }
  }
  EXPECT_EQ(total, messages.size());
}

TEST(BuiltinEventsEndpointTest, PartitionOutOfRangeStopsTheBatch) {
  HubSetup s;
  BuiltinEventsEndpoint endpoint(s.context, s.hub);
  std::vector<message::Message> messages = {stamped("a", 0), stamped("b", 1), stamped("c", 2)};
  auto out = outbound(messages);
  out[0].partition = 0;
  out[1].partition = 9;
  router::DeliveryReport r = endpoint.deliver(out);
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.failure, DeliveryFailure::kInternalError);
  EXPECT_EQ(r.detail, "partition 9 is out of range: the built-in endpoint has 4 partitions");
  EXPECT_EQ(s.hub->eventCount(), 1u);
}

TEST(BuiltinEventsEndpointTest, FlushSavesUnderTheIotHubLayout) {
  EmulatorContext context;
  std::filesystem::path out_dir = scratchDir("builtin-flush");
  std::filesystem::remove_all(out_dir);
  context.out_dir = out_dir;
  context.hub_name = "contoso-hub";
  BuiltinEventsConfig config;
  config.consumer_groups = {"dashboard"};
  auto hub = createBuiltinEventsHub(context, config);
  ASSERT_TRUE(hub.ok()) << hub.error().message();
  EXPECT_EQ((*hub)->name(), "events");
  EXPECT_EQ((*hub)->namespaceName(), "contoso-hub");
  EXPECT_EQ((*hub)->retentionNs(), kNsPerDay);
  BuiltinEventsEndpoint endpoint(context, *hub);
  std::vector<message::Message> messages = {stamped("dev-1", 0)};
  auto out = outbound(messages);
  ASSERT_EQ(endpoint.deliver(out).delivered, 1u);
  endpoint.flush(context.now());
  ASSERT_TRUE(endpoint.lastSaveStatus().ok());
  auto loaded = loadEventHub(out_dir / "iothub" / "contoso-hub" / "events");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ((*loaded)->eventCount(), 1u);
  EXPECT_EQ((*loaded)->consumerGroups(), (std::vector<std::string>{"$Default", "dashboard"}));
  std::filesystem::remove_all(out_dir);
}

TEST(BuiltinEventsHubTest, EnforcesIotHubLimits) {
  EmulatorContext context;
  BuiltinEventsConfig c;
  c.partition_count = 1;
  auto r = createBuiltinEventsHub(context, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimit);
  EXPECT_EQ(r.error().message(),
            "the built-in endpoint's partition count must be between 2 and 32, found 1");
  c.partition_count = 33;
  EXPECT_FALSE(createBuiltinEventsHub(context, c).ok());
  c.partition_count = 32;
  EXPECT_TRUE(createBuiltinEventsHub(context, c).ok());
  c.partition_count = 2;
  c.retention_days = 8;
  EXPECT_FALSE(createBuiltinEventsHub(context, c).ok());
  c.retention_days = 0;
  EXPECT_FALSE(createBuiltinEventsHub(context, c).ok());
  c.retention_days = 7;
  auto week = createBuiltinEventsHub(context, c);
  ASSERT_TRUE(week.ok());
  EXPECT_EQ((*week)->retentionNs(), 7 * kNsPerDay);
  for (int i = 0; i < 19; ++i) c.consumer_groups.push_back("cg" + std::to_string(i));
  EXPECT_TRUE(createBuiltinEventsHub(context, c).ok());  // 20 with $Default
  c.consumer_groups.push_back("one-too-many");
  auto many = createBuiltinEventsHub(context, c);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().message(),
            "the built-in endpoint allows 20 consumer groups ($Default included), found 21");
}

}  // namespace
}  // namespace routesim::endpoints::eventhubs
