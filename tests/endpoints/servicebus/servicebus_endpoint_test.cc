#include "endpoints/servicebus/servicebus_endpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/message/stamp.h"
#include "endpoints/servicebus/persistence.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::endpoints::servicebus {
namespace {

using router::DeliveryFailure;
using router::OutboundMessage;

constexpr uint64_t kSecond = kNsPerSecond;
constexpr int64_t kJan2024 = 1704067200LL * 1'000'000'000LL;

message::Message stamped(std::string device, int64_t seq, std::string level = "hot",
                         std::string body = "{\"t\":21.5}") {
  message::Message m =
      router::testing::makeMessage(std::move(device), seq, {{"level", level}}, std::move(body));
  m.system_properties.set("messageId", "m-" + std::to_string(seq));
  m.system_properties.set("correlationId", "c-" + std::to_string(seq));
  m.system_properties.set("contentType", "application/json");
  m.system_properties.set("contentEncoding", "utf-8");
  message::stampIngress(m, std::chrono::system_clock::time_point(std::chrono::seconds(1704067200)));
  return m;
}

std::vector<OutboundMessage> outbound(const std::vector<message::Message>& messages) {
  std::vector<OutboundMessage> out;
  for (const message::Message& m : messages) {
    OutboundMessage o;
    o.message = &m;
    o.size = static_cast<uint32_t>(message::messageSize(m));
    out.push_back(o);
  }
  return out;
}

// A folder of its own for one test in one process (build trees may run tests at the same time).
std::filesystem::path scratchDir(std::string_view name) {
  return std::filesystem::temp_directory_path() /
         ("routesim-sb-" + std::string(name) + "-" + std::to_string(::getpid()));
}

// contoso-sb: queue "orders"; topic "telemetry" with subscriptions "hot" (level = 'hot') and
// "all" ($Default) unless a test changes the config.
NamespaceConfig baseConfig() {
  NamespaceConfig ns;
  ns.name = "contoso-sb";
  QueueConfig q;
  q.name = "orders";
  ns.queues.push_back(q);
  TopicConfig t;
  t.name = "telemetry";
  SubscriptionConfig hot;
  hot.name = "hot";
  RuleConfig rule;
  rule.name = "hot-only";
  rule.sql_expression = "level = 'hot'";
  rule.compiled_filter = *SqlFilter::compile(rule.sql_expression);
  hot.rules.push_back(rule);
  t.subscriptions.push_back(hot);
  ns.topics.push_back(t);
  return ns;
}

struct NamespaceSetup {
  ManualClock clock{5 * kSecond};
  EmulatorContext context;
  std::shared_ptr<Namespace> ns;

  explicit NamespaceSetup(const NamespaceConfig& config = baseConfig()) {
    context.clock = &clock;
    context.utc_at_zero_ns = kJan2024;
    context.out_dir.clear();
    ns = *Namespace::create(config, context.utc_at_zero_ns);
  }

  std::unique_ptr<ServiceBusEndpoint> endpoint(std::string path, EntityKind kind) {
    auto e = ServiceBusEndpoint::create(context, ns, std::move(path), kind);
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message());
    return e.ok() ? std::move(e).value() : nullptr;
  }
};

std::string text(const BrokeredMessage& m, std::string_view property) {
  const PropertyValue* v = m.application_properties.find(property);
  return v == nullptr ? "<absent>" : propertyValueText(*v);
}

TEST(ServiceBusEndpointTest, SendsMessagesAsIotHubDoes) {
  NamespaceSetup s;
  auto endpoint = s.endpoint("orders", EntityKind::kQueue);
  std::vector<message::Message> messages = {stamped("d1", 1), stamped("d2", 2)};
  router::DeliveryReport r = endpoint->deliver(outbound(messages));
  EXPECT_EQ(r.delivered, 2u);
  EXPECT_EQ(r.failure, DeliveryFailure::kNone);
  std::vector<BrokeredMessage> got = s.ns->findQueue("orders")->peek(0, 10);
  ASSERT_EQ(got.size(), 2u);
  const BrokeredMessage& m = got[0];
  EXPECT_EQ(m.message_id, "m-1");
  EXPECT_EQ(m.correlation_id, "c-1");
  EXPECT_EQ(m.content_type, "application/json");
  EXPECT_EQ(m.body, "{\"t\":21.5}");
  EXPECT_EQ(text(m, "level"), "hot");
  EXPECT_EQ(text(m, "seq"), "1");
  EXPECT_EQ(text(m, "ContentEncoding"), "utf-8");
  EXPECT_EQ(text(m, "iothub-connection-device-id"), "d1");
  EXPECT_EQ(text(m, "iothub-message-source"), "deviceMessages");
  EXPECT_EQ(text(m, "MessageId"), "<absent>");
  EXPECT_EQ(text(m, "iothub-enqueuedtime"), "<absent>");  // IoT Hub sends no enqueued time
  // The broker stamps the context clock's time.
  EXPECT_EQ(m.enqueued_ns, 5 * kSecond);
  EXPECT_EQ(formatUtc(m.enqueued_time_utc_ns), "2024-01-01T00:00:05.0000000Z");
  EXPECT_EQ(got[1].sequence_number, 2);
}

TEST(ServiceBusEndpointTest, AddsThisEndpointsEnrichments) {
  auto built = router::testing::buildTable(R"({
    "endpoints": {"serviceBusQueues": [{"name": "sbq"}], "eventHubs": [{"name": "other"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["sbq"], "isEnabled": true}],
    "enrichments": [{"key": "hub", "value": "$iothubname", "endpointNames": ["sbq"]},
                    {"key": "elsewhere", "value": "x", "endpointNames": ["other"]}]
  })",
                                           "contoso-hub");
  ASSERT_NE(built.table, nullptr);
  NamespaceSetup s;
  auto endpoint = s.endpoint("orders", EntityKind::kQueue);
  std::vector<message::Message> messages = {stamped("d1", 1)};
  std::vector<OutboundMessage> out = outbound(messages);
  out[0].table = built.table.get();
  out[0].table_endpoint = static_cast<uint16_t>(built.table->endpointIndex("sbq"));
  ASSERT_EQ(endpoint->deliver(out).delivered, 1u);
  BrokeredMessage m = s.ns->findQueue("orders")->peek(0, 1)[0];
  EXPECT_EQ(text(m, "hub"), "contoso-hub");
  EXPECT_EQ(text(m, "elsewhere"), "<absent>");
}

TEST(ServiceBusEndpointTest, FansOutToMatchingSubscriptions) {
  NamespaceConfig c = baseConfig();
  SubscriptionConfig all;
  all.name = "all";
  c.topics[0].subscriptions.push_back(all);
  NamespaceSetup s(c);
  auto endpoint = s.endpoint("telemetry", EntityKind::kTopic);
  std::vector<message::Message> messages = {stamped("d1", 1, "hot"), stamped("d1", 2, "cold")};
  EXPECT_EQ(endpoint->deliver(outbound(messages)).delivered, 2u);
  EXPECT_EQ(s.ns->findQueue("telemetry/Subscriptions/hot")->messageCount(), 1u);
  EXPECT_EQ(s.ns->findQueue("telemetry/Subscriptions/all")->messageCount(), 2u);
}

TEST(ServiceBusEndpointTest, AMessageNoSubscriptionTakesFailsAndIsRetried) {
  NamespaceSetup s;
  auto endpoint = s.endpoint("telemetry", EntityKind::kTopic);
  std::vector<message::Message> messages = {stamped("d1", 1, "hot"), stamped("d1", 2, "cold"),
                                            stamped("d1", 3, "hot")};
  router::DeliveryReport r = endpoint->deliver(outbound(messages));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.failure, DeliveryFailure::kNoMatchingSubscriptionsForMessage);
  EXPECT_EQ(r.detail,
            "NoMatchingSubscription: no subscription of topic 'telemetry' takes the message with "
            "MessageId 'm-2' (1 subscription, none with a matching rule)");
  // The router retries from the refused message: it fails again, nothing is duplicated.
  std::vector<OutboundMessage> rest = outbound(messages);
  rest.erase(rest.begin());
  EXPECT_EQ(endpoint->deliver(rest).delivered, 0u);
  EXPECT_EQ(s.ns->findQueue("telemetry/Subscriptions/hot")->messageCount(), 1u);
}

TEST(ServiceBusEndpointTest, RefusesSessionfulEntities) {
  NamespaceConfig c = baseConfig();
  c.queues[0].requires_session = true;
  c.topics[0].subscriptions[0].requires_session = true;
  NamespaceSetup s(c);
  std::vector<message::Message> messages = {stamped("d1", 1)};
  router::DeliveryReport q = s.endpoint("orders", EntityKind::kQueue)->deliver(outbound(messages));
  EXPECT_EQ(q.delivered, 0u);
  EXPECT_EQ(q.failure, DeliveryFailure::kSessionfulEntityNotSupported);
  EXPECT_EQ(q.detail,
            "SessionfulEntityNotSupported: queue 'orders' requires sessions; IoT Hub cannot route "
            "to entities with sessions enabled");
  router::DeliveryReport t =
      s.endpoint("telemetry", EntityKind::kTopic)->deliver(outbound(messages));
  EXPECT_EQ(t.failure, DeliveryFailure::kSessionfulEntityNotSupported);
  EXPECT_NE(t.detail.find("subscription 'hot' requires sessions"), std::string::npos) << t.detail;
  EXPECT_EQ(s.ns->findQueue("orders")->messageCount(), 0u);
}

TEST(ServiceBusEndpointTest, RefusesDuplicateDetection) {
  NamespaceConfig c = baseConfig();
  c.queues[0].requires_duplicate_detection = true;
  c.queues[0].enable_partitioning = true;
  c.topics[0].requires_duplicate_detection = true;
  NamespaceSetup s(c);
  std::vector<message::Message> messages = {stamped("d1", 1)};
  EXPECT_EQ(s.endpoint("orders", EntityKind::kQueue)->deliver(outbound(messages)).failure,
            DeliveryFailure::kPartitioningAndDuplicateDetectionNotSupported);
  router::DeliveryReport t =
      s.endpoint("telemetry", EntityKind::kTopic)->deliver(outbound(messages));
  EXPECT_EQ(t.failure, DeliveryFailure::kPartitioningAndDuplicateDetectionNotSupported);
  EXPECT_EQ(t.delivered, 0u);
}

TEST(ServiceBusEndpointTest, ReportsADisabledEntityAsExternallyDisabled) {
  NamespaceSetup s;
  auto endpoint = s.endpoint("orders", EntityKind::kQueue);
  std::vector<message::Message> messages = {stamped("d1", 1)};
  for (EntityStatus status : {EntityStatus::kDisabled, EntityStatus::kSendDisabled}) {
    endpoint->entity()->setStatus(status);
    router::DeliveryReport r = endpoint->deliver(outbound(messages));
    EXPECT_EQ(r.failure, DeliveryFailure::kEndpointExternallyDisabled);
    EXPECT_EQ(r.detail,
              "Messaging entity 'contoso-sb:Queue:orders' is currently disabled (status " +
                  std::string(entityStatusName(status)) + ").");
  }
  endpoint->entity()->setStatus(EntityStatus::kReceiveDisabled);  // sends still work
  EXPECT_EQ(endpoint->deliver(outbound(messages)).delivered, 1u);
}

TEST(ServiceBusEndpointTest, ReportsTheSizeQuotaAsMaximumQueueDepth) {
  NamespaceConfig c = baseConfig();
  c.queues[0].max_size_megabytes = 1;
  NamespaceSetup s(c);
  auto endpoint = s.endpoint("orders", EntityKind::kQueue);
  std::vector<message::Message> messages;
  for (int i = 0; i < 6; ++i) messages.push_back(stamped("d1", i, "hot", std::string(200000, 'x')));
  router::DeliveryReport r = endpoint->deliver(outbound(messages));
  EXPECT_EQ(r.delivered, 5u);
  EXPECT_EQ(r.failure, DeliveryFailure::kDeviceMaximumQueueDepthExceeded);
  EXPECT_EQ(r.detail.rfind("QuotaExceeded: The maximum entity size has been reached or exceeded "
                           "for Queue: 'contoso-sb:QUEUE:orders'.",
                           0),
            0u)
      << r.detail;
  EXPECT_NE(r.detail.find("Max entity size in bytes: 1048576. QuotaType: EntitySize"),
            std::string::npos);
}

TEST(ServiceBusEndpointTest, RefusesAMessageOverTheTiersSizeLimit) {
  NamespaceSetup s;
  auto endpoint = s.endpoint("orders", EntityKind::kQueue);
  std::vector<message::Message> messages = {stamped("d1", 1),
                                            stamped("d1", 2, "hot", std::string(262144, 'x'))};
  router::DeliveryReport r = endpoint->deliver(outbound(messages));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.failure, DeliveryFailure::kMaxMessageSizeExceeded);
  EXPECT_NE(r.detail.find("exceeds the limit (262144 bytes)"), std::string::npos) << r.detail;
  // Premium takes up to 1 MB by default.
  NamespaceConfig premium = baseConfig();
  premium.sku = "Premium";
  NamespaceSetup p(premium);
  EXPECT_EQ(p.endpoint("orders", EntityKind::kQueue)->deliver(outbound(messages)).delivered, 2u);
}

TEST(ServiceBusEndpointTest, CreateNamesAMissingOrMismatchedEntity) {
  NamespaceSetup s;
  auto missing = ServiceBusEndpoint::create(s.context, s.ns, "nope", EntityKind::kQueue);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(),
            "MessagingEntityNotFound: the messaging entity 'contoso-sb:Queue:nope' could not be "
            "found");
  auto topic_as_queue =
      ServiceBusEndpoint::create(s.context, s.ns, "telemetry", EntityKind::kQueue);
  ASSERT_FALSE(topic_as_queue.ok());
  EXPECT_NE(topic_as_queue.error().message().find("('telemetry' is a Topic, not a queue)"),
            std::string::npos);
  auto queue_as_topic = ServiceBusEndpoint::create(s.context, s.ns, "orders", EntityKind::kTopic);
  ASSERT_FALSE(queue_as_topic.ok());
  EXPECT_NE(queue_as_topic.error().message().find("('orders' is a Queue, not a topic)"),
            std::string::npos);
  auto sub = ServiceBusEndpoint::create(s.context, s.ns, "telemetry/Subscriptions/hot",
                                        EntityKind::kSubscription);
  ASSERT_FALSE(sub.ok());
  EXPECT_NE(sub.error().message().find("sends to a queue or a topic"), std::string::npos);
  EmulatorContext other = s.context;
  other.utc_at_zero_ns = 0;
  auto utc = ServiceBusEndpoint::create(other, s.ns, "orders", EntityKind::kQueue);
  ASSERT_FALSE(utc.ok());
  EXPECT_NE(utc.error().message().find("another UTC origin"), std::string::npos);
}

TEST(ServiceBusEndpointTest, AnUnresolvedEndpointFailsEveryDelivery) {
  NamespaceSetup s;
  ServiceBusEndpoint endpoint(s.context, s.ns, "nope", EntityKind::kQueue);
  EXPECT_EQ(endpoint.entity(), nullptr);
  std::vector<message::Message> messages = {stamped("d1", 1)};
  router::DeliveryReport r = endpoint.deliver(outbound(messages));
  EXPECT_EQ(r.failure, DeliveryFailure::kInternalError);
  EXPECT_EQ(r.detail.rfind("MessagingEntityNotFound: ", 0), 0u);
  EXPECT_EQ(endpoint.deliver({}).failure, DeliveryFailure::kNone);
}

TEST(ServiceBusEndpointTest, TickExpiresAndDeadLettersMessages) {
  NamespaceConfig c = baseConfig();
  c.queues[0].default_message_ttl_ns = 60 * kSecond;
  c.queues[0].dead_lettering_on_message_expiration = true;
  NamespaceSetup s(c);
  auto endpoint = s.endpoint("orders", EntityKind::kQueue);
  std::vector<message::Message> messages = {stamped("d1", 1)};
  ASSERT_EQ(endpoint->deliver(outbound(messages)).delivered, 1u);
  endpoint->tick(64 * kSecond);
  EXPECT_EQ(s.ns->findQueue("orders")->messageCount(), 1u);
  endpoint->tick(65 * kSecond);  // enqueued at 5 s
  EXPECT_EQ(s.ns->findQueue("orders")->messageCount(), 0u);
  std::vector<BrokeredMessage> dead = s.ns->findQueue("orders/$DeadLetterQueue")->peek(0, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].dead_letter_reason, "TTLExpiredException");
}

TEST(ServiceBusEndpointTest, FlushSavesTheNamespaceUnderTheOutputFolder) {
  NamespaceSetup s;
  std::filesystem::path dir = scratchDir("flush");
  std::filesystem::remove_all(dir);
  s.context.out_dir = dir;
  auto endpoint = s.endpoint("orders", EntityKind::kQueue);
  std::vector<message::Message> messages = {stamped("d1", 1), stamped("d2", 2)};
  ASSERT_EQ(endpoint->deliver(outbound(messages)).delivered, 2u);
  endpoint->flush(6 * kSecond);
  ASSERT_TRUE(endpoint->lastSaveStatus().ok()) << endpoint->lastSaveStatus().error().message();
  auto loaded = loadNamespace(namespaceDir(dir, "contoso-sb"));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  const EntitySnapshot* orders = loaded->find("orders");
  ASSERT_NE(orders, nullptr);
  ASSERT_EQ(orders->active.size(), 2u);
  EXPECT_EQ(orders->active[1].message_id, "m-2");
  std::filesystem::remove_all(dir);
}

TEST(ServiceBusEndpointTest, FlushWithoutAnOutputFolderWritesNothing) {
  NamespaceSetup s;
  auto endpoint = s.endpoint("orders", EntityKind::kQueue);
  endpoint->flush(6 * kSecond);
  EXPECT_TRUE(endpoint->lastSaveStatus().ok());
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
