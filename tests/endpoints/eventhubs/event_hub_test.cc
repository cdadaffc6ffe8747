#include "endpoints/eventhubs/event_hub.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/common/clock.h"

namespace routesim::endpoints::eventhubs {
namespace {

EventData event(std::string body, PropertyList properties = {}) {
  EventData e;
  e.body = std::move(body);
  e.properties = std::move(properties);
  return e;
}

// A hub on a manual clock whose time 0 is 2024-01-01T00:00:00Z.
struct Fixture {
  ManualClock clock{1000};
  std::shared_ptr<EventHub> hub;

  explicit Fixture(EventHubConfig config = {}) {
    EmulatorContext context;
    context.clock = &clock;
    context.utc_at_zero_ns = 1704067200LL * 1'000'000'000LL;
    if (config.name.empty()) config.name = "telemetry";
    auto created = EventHub::create(std::move(config), context, "contoso-ns");
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message());
    hub = std::move(created).value();
  }

  EventData append(uint32_t partition, std::string body, PropertyList properties = {}) {
    auto r = hub->append(partition, event(std::move(body), std::move(properties)));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return r.ok() ? *r : EventData{};
  }
};

std::vector<int64_t> sequenceNumbers(const Result<std::vector<EventData>>& events) {
  std::vector<int64_t> out;
  EXPECT_TRUE(events.ok()) << (events.ok() ? "" : events.error().message());
  if (!events.ok()) return out;
  for (const EventData& e : *events) out.push_back(e.sequence_number);
  return out;
}

using Seq = std::vector<int64_t>;

// ---------------------------------------------------------------------------------------------
// Sequence numbers, offsets, enqueued times

TEST(EventHubTest, SequenceNumbersStartAtZeroPerPartition) {
  Fixture f;
  EXPECT_EQ(f.append(0, "a").sequence_number, 0);
  EXPECT_EQ(f.append(0, "b").sequence_number, 1);
  EXPECT_EQ(f.append(1, "c").sequence_number, 0);
  EXPECT_EQ(f.append(0, "d").sequence_number, 2);
  EXPECT_EQ(f.append(1, "e").sequence_number, 1);
}

TEST(EventHubTest, OffsetsAreBytePositionsFromEarlierEventSizes) {
  Fixture f;
  EventData a = f.append(0, "hello", {{"k", "vv"}});           // 5 + 1 + 2 = 8 bytes
  EventData b = f.append(0, "xyz", {{"flag", std::nullopt}});  // 3 + 4 = 7 bytes
  EventData c = f.append(0, "");
  EXPECT_EQ(a.offset, 0);
  EXPECT_EQ(b.offset, 8);
  EXPECT_EQ(c.offset, 15);
  EXPECT_EQ(eventSize(a), 8u);
  EXPECT_EQ(eventSize(b), 7u);
  // Another partition has its own log.
  EXPECT_EQ(f.append(2, "q").offset, 0);
}

TEST(EventHubTest, EventSizeCountsBodyAndEveryPropertyNameAndValue) {
  EventData e = event("12345", {{"ab", "cde"}, {"n", std::nullopt}});
  e.system_properties = {{"message-id", "m1"}};
  EXPECT_EQ(eventSize(e), 5u + 5u + 1u + 12u);
}

TEST(EventHubTest, AssignsEnqueuedTimesFromTheClockThatNeverGoBack) {
  Fixture f;
  EventData a = f.append(0, "a");
  EXPECT_EQ(a.enqueued_ns, 1000u);
  EXPECT_EQ(a.enqueued_time_utc, "2024-01-01T00:00:00.0000010Z");
  f.clock.advance(2 * kNsPerSecond);
  EventData b = f.append(0, "b");
  EXPECT_EQ(b.enqueued_ns, 1000u + 2 * kNsPerSecond);
  EXPECT_EQ(b.enqueued_time_utc, "2024-01-01T00:00:02.0000010Z");
}

TEST(EventHubTest, AppendRefusesAPartitionOutOfRange) {
  Fixture f;
  auto r = f.hub->append(4, event("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().message(),
            "The specified partition is invalid for an EventHub partition sender or receiver. It "
            "should be between 0 and 3.");
}

TEST(EventHubTest, AppendRefusesEventsOverTheSizeLimitInEventHubsWords) {
  Fixture f;
  EventData big = event(std::string(kMaxEventBytes - 3, 'x'), {{"ab", "cd"}});  // limit + 1
  auto r = f.hub->append(0, big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimit);
  EXPECT_EQ(r.error().message(),
            "The received message (delivery-id:0, size:1048577 bytes) exceeds the limit (1048576 "
            "bytes) currently allowed on the link.");
  big.body.pop_back();  // exactly the limit
  EXPECT_TRUE(f.hub->append(0, big).ok());
}

TEST(EventHubTest, AppendBatchStopsAtTheFirstRefusedEvent) {
  EventHubConfig config;
  config.max_event_bytes = 10;
  Fixture f(config);
  std::vector<EventData> batch = {event("1234"), event("12345678901"), event("ok")};
  EventHub::BatchResult r = f.hub->appendBatch(1, batch);
  EXPECT_EQ(r.appended, 1u);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code(), ErrorCode::kLimit);
  EXPECT_EQ(sequenceNumbers(f.hub->read(1, EventPosition::earliest(), 10)), Seq({0}));
}

TEST(EventHubTest, CreateValidatesTheConfiguration) {
  EventHubConfig c;
  c.name = "h";
  auto message = [](const EventHubConfig& config) {
    auto r = EventHub::create(config);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message();
  };
  c.partition_count = 0;
  EXPECT_EQ(message(c), "event hub 'h': partition count must be between 1 and 1024, found 0");
  c.partition_count = kMaxPartitionCount + 1;
  EXPECT_EQ(message(c), "event hub 'h': partition count must be between 1 and 1024, found 1025");
  c.partition_count = kMaxPartitionCount;
  EXPECT_TRUE(EventHub::create(c).ok());
  c.partition_count = 2;
  c.retention_ns = 0;
  EXPECT_EQ(message(c), "event hub 'h': the retention must be positive");
  c.retention_ns = kNsPerHour;
  c.consumer_groups = {""};
  EXPECT_EQ(message(c), "event hub 'h': a consumer group name is empty");
  c.consumer_groups = {};
  c.status = "Paused";
  auto bad_status = EventHub::create(c);
  ASSERT_FALSE(bad_status.ok());
  EXPECT_NE(bad_status.error().message().find("unknown status 'Paused'"), std::string::npos);
  c.status = "sendDISABLED";
  auto ok = EventHub::create(c);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->status(), EntityStatus::kSendDisabled);
  c.consumer_groups = {"a", "A"};
  EXPECT_EQ(message(c), "event hub 'h': consumer group 'A' is declared twice");
  c.consumer_groups = {"$default", "a"};  // $Default may be named; it is there anyway
  auto groups = EventHub::create(c);
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ((*groups)->consumerGroups(), (std::vector<std::string>{"$Default", "a"}));
}

// ---------------------------------------------------------------------------------------------
// Positions

// Partition 0 holds sequence numbers 0..4 (bodies "e0".."e4", 2 bytes each so offsets 0, 2,
// 4, 6, 8), enqueued one second apart from t = 1000 ns.
void addFiveEvents(Fixture& f) {
  for (int i = 0; i < 5; ++i) {
    f.append(0, "e" + std::to_string(i));
    f.clock.advance(kNsPerSecond);
  }
}

TEST(ReadFromPositionTest, EarliestReadsFromTheFirstRetainedEvent) {
  Fixture f;
  addFiveEvents(f);
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::earliest(), 100)), Seq({0, 1, 2, 3, 4}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::earliest(), 2)), Seq({0, 1}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(1, EventPosition::earliest(), 100)), Seq({}));
}

TEST(ReadFromPositionTest, LatestReadsNothingAlreadyEnqueued) {
  Fixture f;
  addFiveEvents(f);
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::latest(), 100)), Seq({}));
}

TEST(ReadFromPositionTest, SequenceNumberIsInclusiveByDefault) {
  Fixture f;
  addFiveEvents(f);
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromSequenceNumber(2), 100)),
            Seq({2, 3, 4}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromSequenceNumber(2, false), 100)),
            Seq({3, 4}));
  // Just past the end: nothing yet, no error.
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromSequenceNumber(5), 100)), Seq({}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromSequenceNumber(4, false), 100)),
            Seq({}));
}

TEST(ReadFromPositionTest, SequenceNumberBeyondTheStreamIsTheServicesError) {
  Fixture f;
  addFiveEvents(f);
  auto r = f.hub->read(0, EventPosition::fromSequenceNumber(71181), 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "The supplied sequence number '71181' is invalid. The last sequence number in the "
            "system is '4'.");
  auto after_next = f.hub->read(0, EventPosition::fromSequenceNumber(5, false), 10);
  ASSERT_FALSE(after_next.ok());
  EXPECT_EQ(after_next.error().message(),
            "The supplied sequence number '5' is invalid. The last sequence number in the system "
            "is '4'.");
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_FALSE(f.hub->read(0, EventPosition::fromSequenceNumber(max, false), 10).ok());
  EXPECT_FALSE(f.hub->read(0, EventPosition::fromSequenceNumber(max), 10).ok());
}

TEST(ReadFromPositionTest, OffsetInclusiveAndExclusive) {
  Fixture f;
  addFiveEvents(f);
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromOffset(4), 100)), Seq({2, 3, 4}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromOffset(4, false), 100)), Seq({3, 4}));
  // An offset between events starts at the next one either way.
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromOffset(5), 100)), Seq({3, 4}));
  // The SDKs' "-1" (start of stream) and an offset past the end.
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromOffset(-1), 100)),
            Seq({0, 1, 2, 3, 4}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromOffset(1000), 100)), Seq({}));
}

TEST(ReadFromPositionTest, EnqueuedTimeReadsEventsOnOrAfterIt) {
  Fixture f;
  addFiveEvents(f);
  uint64_t t2 = 1000 + 2 * kNsPerSecond;
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromEnqueuedTime(t2), 100)),
            Seq({2, 3, 4}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromEnqueuedTime(t2 + 1), 100)),
            Seq({3, 4}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromEnqueuedTime(0), 100)),
            Seq({0, 1, 2, 3, 4}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromEnqueuedTime(t2 * 10), 100)),
            Seq({}));
}

TEST(EventHubTest, ReadReturnsStoredEventsUnchanged) {
  Fixture f;
  f.append(3, "body", {{"level", "hot"}, {"empty", std::nullopt}});
  auto r = f.hub->read(3, EventPosition::earliest(), 1);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  const EventData& e = (*r)[0];
  EXPECT_EQ(e.body, "body");
  ASSERT_EQ(e.properties.size(), 2u);
  EXPECT_EQ(e.properties[0].first, "level");
  EXPECT_EQ(e.properties[0].second, "hot");
  EXPECT_FALSE(e.properties[1].second.has_value());
}

// The stored form is compact (varint lengths, well-known system property names as one byte):
// every kind of name and value comes back exactly, and sizes and offsets are Event Hubs' (the
// published bytes), not the stored ones.
TEST(EventHubTest, EveryKindOfNameAndValueRoundTripsThroughTheCompactForm) {
  Fixture f;
  const std::string len127(127, 'a'), len128(128, 'b'), len16384(16384, 'c');
  EventData in;
  in.partition_key = "key-" + len128;
  in.properties = {{"level", "hot"},
                   {"", ""},
                   {"missing", std::nullopt},
                   {"content-type", "a name IoT Hub uses, as an application property"},
                   {len127, len128},
                   {"ümlaut ✓", std::string("\0\xFF raw", 6)},
                   {"long", len16384}};
  in.system_properties = {{"content-type", "application/json"},
                          {"Content-Type", "another case is another name"},
                          {"iothub-connection-device-id", "dev-1"},
                          {"iothub-connection-auth-method", std::nullopt},
                          {"iothub-enqueuedtime", ""},
                          {"dt-dataschema", "dtmi:x;1"},
                          {"x-custom", "v"}};
  in.body = std::string("\0binary\x80", 8) + len16384;
  auto placed = f.hub->append(1, in);
  ASSERT_TRUE(placed.ok());
  auto second = f.hub->append(1, event("next"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->offset, static_cast<int64_t>(eventSize(in)));

  auto r = f.hub->read(1, EventPosition::earliest(), 2);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  const EventData& out = (*r)[0];
  EXPECT_EQ(out.partition_key, in.partition_key);
  EXPECT_EQ(out.properties, in.properties);
  EXPECT_EQ(out.system_properties, in.system_properties);
  EXPECT_EQ(out.body, in.body);
  EXPECT_EQ((*r)[1].body, "next");
  EXPECT_TRUE((*r)[1].properties.empty());
  EXPECT_TRUE((*r)[1].partition_key.empty());
}

// ---------------------------------------------------------------------------------------------
// Partition properties

TEST(PartitionPropertiesTest, EmptyPartitionNeverWritten) {
  Fixture f;
  auto p = f.hub->partitionProperties(1);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->id, 1u);
  EXPECT_TRUE(p->is_empty);
  EXPECT_EQ(p->beginning_sequence_number, 0);
  EXPECT_EQ(p->last_enqueued_sequence_number, -1);
  EXPECT_EQ(p->last_enqueued_offset, -1);
  EXPECT_EQ(p->last_enqueued_time_utc, "");
  EXPECT_FALSE(f.hub->partitionProperties(9).ok());
}

TEST(PartitionPropertiesTest, ReportsTheLastEnqueuedEvent) {
  Fixture f;
  addFiveEvents(f);
  auto p = f.hub->partitionProperties(0);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->is_empty);
  EXPECT_EQ(p->beginning_sequence_number, 0);
  EXPECT_EQ(p->last_enqueued_sequence_number, 4);
  EXPECT_EQ(p->last_enqueued_offset, 8);
  EXPECT_EQ(p->last_enqueued_ns, 1000 + 4 * kNsPerSecond);
  EXPECT_EQ(p->last_enqueued_time_utc, "2024-01-01T00:00:04.0000010Z");
  EXPECT_EQ(p->retained_events, 5u);
  EXPECT_EQ(p->retained_bytes, 10u);
  EXPECT_EQ(f.hub->eventCount(), 5u);
}

// ---------------------------------------------------------------------------------------------
// Consumer groups and checkpoints

EventHubConfig withGroups(std::vector<std::string> groups) {
  EventHubConfig c;
  c.consumer_groups = std::move(groups);
  return c;
}

TEST(ConsumerGroupTest, DefaultGroupAlwaysExists) {
  Fixture f;
  EXPECT_EQ(f.hub->consumerGroups(), (std::vector<std::string>{"$Default"}));
  EXPECT_TRUE(f.hub->hasConsumerGroup("$default"));  // letter case ignored
}

TEST(ConsumerGroupTest, ReceiveStartsAtEarliestAndAdvances) {
  Fixture f(withGroups({"analytics"}));
  for (int i = 0; i < 5; ++i) f.append(0, "e");
  EXPECT_EQ(sequenceNumbers(f.hub->receive("analytics", 0, 2)), Seq({0, 1}));
  EXPECT_EQ(sequenceNumbers(f.hub->receive("analytics", 0, 2)), Seq({2, 3}));
  EXPECT_EQ(sequenceNumbers(f.hub->receive("analytics", 0, 2)), Seq({4}));
  EXPECT_EQ(sequenceNumbers(f.hub->receive("analytics", 0, 2)), Seq({}));
  f.append(0, "later");
  EXPECT_EQ(sequenceNumbers(f.hub->receive("ANALYTICS", 0, 2)), Seq({5}));
}

TEST(ConsumerGroupTest, GroupsAndPartitionsHaveIndependentReaders) {
  Fixture f(withGroups({"a", "b"}));
  for (int i = 0; i < 3; ++i) {
    f.append(0, "p0");
    f.append(1, "p1");
  }
  EXPECT_EQ(sequenceNumbers(f.hub->receive("a", 0, 10)), Seq({0, 1, 2}));
  EXPECT_EQ(sequenceNumbers(f.hub->receive("b", 0, 1)), Seq({0}));
  EXPECT_EQ(sequenceNumbers(f.hub->receive("a", 1, 2)), Seq({0, 1}));
  EXPECT_EQ(sequenceNumbers(f.hub->receive("$Default", 0, 10)), Seq({0, 1, 2}));
}

TEST(ConsumerGroupTest, UnknownGroupIsMessagingEntityNotFound) {
  Fixture f;
  const std::string expected =
      "The messaging entity 'contoso-ns:eventhub:telemetry|nobody' could not be found. To know "
      "more visit https://aka.ms/sbResourceMgrExceptions.";
  auto r = f.hub->receive("nobody", 0, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), expected);
  Status c = f.hub->checkpoint("nobody", 0, 0);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message(), expected);
  EXPECT_FALSE(f.hub->seek("nobody", 0, EventPosition::earliest()).ok());
  EXPECT_FALSE(f.hub->checkpointOf("nobody", 0).ok());
}

TEST(ConsumerGroupTest, SeekToLatestResolvesWhenReadingBegins) {
  Fixture f(withGroups({"live"}));
  f.append(0, "old");
  ASSERT_TRUE(f.hub->seek("live", 0, EventPosition::latest()).ok());
  f.append(0, "before-first-receive");  // enqueued before the reader starts: not seen
  EXPECT_EQ(sequenceNumbers(f.hub->receive("live", 0, 10)), Seq({}));
  f.append(0, "new");
  EXPECT_EQ(sequenceNumbers(f.hub->receive("live", 0, 10)), Seq({2}));
}

TEST(ConsumerGroupTest, SeekToSequenceNumberAndEnqueuedTime) {
  Fixture f;
  addFiveEvents(f);
  ASSERT_TRUE(f.hub->seek("$Default", 0, EventPosition::fromSequenceNumber(3)).ok());
  EXPECT_EQ(sequenceNumbers(f.hub->receive("$Default", 0, 10)), Seq({3, 4}));
  ASSERT_TRUE(
      f.hub->seek("$Default", 0, EventPosition::fromEnqueuedTime(1000 + kNsPerSecond)).ok());
  EXPECT_EQ(sequenceNumbers(f.hub->receive("$Default", 0, 2)), Seq({1, 2}));
}

TEST(ConsumerGroupTest, CheckpointsAreRecordedPerGroupAndPartition) {
  Fixture f(withGroups({"a"}));
  for (int i = 0; i < 3; ++i) f.append(2, "e");
  EXPECT_EQ(*f.hub->checkpointOf("a", 2), std::nullopt);
  ASSERT_TRUE(f.hub->checkpoint("a", 2, 1).ok());
  EXPECT_EQ(*f.hub->checkpointOf("a", 2), std::optional<int64_t>(1));
  EXPECT_EQ(*f.hub->checkpointOf("$Default", 2), std::nullopt);
  EXPECT_EQ(*f.hub->checkpointOf("a", 0), std::nullopt);
  // The checkpoint does not move the reader.
  EXPECT_EQ(sequenceNumbers(f.hub->receive("a", 2, 10)), Seq({0, 1, 2}));
}

TEST(ConsumerGroupTest, CheckpointPastTheLastEventIsTheServicesError) {
  Fixture f;
  f.append(0, "e");
  Status s = f.hub->checkpoint("$Default", 0, 5);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "The supplied sequence number '5' is invalid. The last sequence number in the system "
            "is '0'.");
  EXPECT_FALSE(f.hub->checkpoint("$Default", 0, -1).ok());
  EXPECT_FALSE(f.hub->checkpoint("$Default", 1, 0).ok());  // nothing there yet
  EXPECT_FALSE(f.hub->checkpoint("$Default", 7, 0).ok());  // no such partition
}

// ---------------------------------------------------------------------------------------------
// Status

TEST(EntityStatusTest, SendChecksFollowTheStatus) {
  Fixture f;
  EXPECT_TRUE(f.hub->checkSend().ok());
  f.hub->setStatus(EntityStatus::kDisabled);
  ASSERT_FALSE(f.hub->checkSend().ok());
  EXPECT_EQ(f.hub->checkSend().error().message(),
            "Messaging entity 'contoso-ns:eventhub:telemetry' is currently disabled.");
  f.hub->setStatus(EntityStatus::kSendDisabled);
  EXPECT_EQ(f.hub->checkSend().error().message(),
            "Messaging entity 'contoso-ns:eventhub:telemetry' is currently disabled for Send "
            "operations.");
  f.hub->setStatus(EntityStatus::kReceiveDisabled);
  EXPECT_TRUE(f.hub->checkSend().ok());
}

TEST(EntityStatusTest, ReceiveFailsWhenDisabledOrReceiveDisabled) {
  Fixture f;
  f.append(0, "e");
  f.hub->setStatus(EntityStatus::kReceiveDisabled);
  auto r = f.hub->receive("$Default", 0, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "Messaging entity 'contoso-ns:eventhub:telemetry' is currently disabled for Receive "
            "operations.");
  f.hub->setStatus(EntityStatus::kDisabled);
  EXPECT_FALSE(f.hub->receive("$Default", 0, 1).ok());
  f.hub->setStatus(EntityStatus::kSendDisabled);
  EXPECT_EQ(sequenceNumbers(f.hub->receive("$Default", 0, 1)), Seq({0}));
}

TEST(EntityStatusTest, NamesParseIgnoringCase) {
  EXPECT_EQ(parseEntityStatus("active"), EntityStatus::kActive);
  EXPECT_EQ(parseEntityStatus("ReceiveDisabled"), EntityStatus::kReceiveDisabled);
  EXPECT_EQ(parseEntityStatus("Restoring"), std::nullopt);
  EXPECT_EQ(entityStatusName(EntityStatus::kSendDisabled), "SendDisabled");
}

// ---------------------------------------------------------------------------------------------
// Retention

TEST(RetentionTest, ExpireDropsEventsOlderThanTheRetention) {
  EventHubConfig c;
  c.retention_ns = kNsPerHour;
  Fixture f(c);
  f.append(0, "t0");  // enqueued at 1000
  f.clock.advance(uint64_t{30 * 60} * kNsPerSecond);
  f.append(0, "t30m");  // 1000 + 30 min
  f.append(1, "other");
  EXPECT_EQ(f.hub->expire(f.clock.nowNs()), 0u);

  // Exactly one hour old is still retained; one nanosecond more is not.
  uint64_t t0 = 1000;
  EXPECT_EQ(f.hub->expire(t0 + kNsPerHour), 0u);
  EXPECT_EQ(f.hub->expire(t0 + kNsPerHour + 1), 1u);
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::earliest(), 10)), Seq({1}));

  auto p = f.hub->partitionProperties(0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->beginning_sequence_number, 1);
  EXPECT_EQ(p->last_enqueued_sequence_number, 1);

  EXPECT_EQ(f.hub->expire(t0 + 2 * kNsPerHour), 2u);
  p = f.hub->partitionProperties(0);
  EXPECT_TRUE(p->is_empty);
  EXPECT_EQ(p->beginning_sequence_number, 2);      // last + 1
  EXPECT_EQ(p->last_enqueued_sequence_number, 1);  // kept
  EXPECT_EQ(p->last_enqueued_offset, 2);
  EXPECT_EQ(p->retained_bytes, 0u);

  // The sequence and offsets continue after everything expired.
  f.clock.set(t0 + 3 * kNsPerHour);
  EventData next = f.append(0, "new");
  EXPECT_EQ(next.sequence_number, 2);
  EXPECT_EQ(next.offset, 6);
}

TEST(RetentionTest, ReadersBehindTheRetentionContinueFromTheBeginning) {
  EventHubConfig c;
  c.retention_ns = kNsPerHour;
  c.consumer_groups = {"slow"};
  Fixture f(c);
  for (int i = 0; i < 3; ++i) f.append(0, "old");
  EXPECT_EQ(sequenceNumbers(f.hub->receive("slow", 0, 1)), Seq({0}));
  f.clock.advance(2 * kNsPerHour);
  f.append(0, "new");
  f.hub->expire(f.clock.nowNs());
  EXPECT_EQ(sequenceNumbers(f.hub->receive("slow", 0, 10)), Seq({3}));
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::fromSequenceNumber(1), 10)), Seq({3}));
}

TEST(RetentionTest, EventsStayIntactAsOlderOnesExpireInLargeNumbers) {
  // Enough events (of varied sizes, some over a megabyte) to span many storage segments; expiry
  // in steps must leave every later event readable, byte for byte.
  EventHubConfig c;
  c.retention_ns = 10 * kNsPerSecond;
  c.partition_count = 1;
  Fixture f(c);
  auto body = [](int i) {
    size_t n = i % 500 == 499 ? kMaxEventBytes - 64 : static_cast<size_t>(40 + (i * 37) % 900);
    return std::string(n, static_cast<char>('a' + i % 26));
  };
  constexpr int kEvents = 6000;
  for (int i = 0; i < kEvents; ++i) {
    f.append(0, body(i), {{"i", std::to_string(i)}, {"none", std::nullopt}});
    if (i % 100 == 99) f.clock.advance(kNsPerSecond);  // 100 events per second
  }
  for (int second = 1; second <= 60; second += 7) {
    f.hub->expire(1000 + (10 + second) * kNsPerSecond + 1);
    auto events = f.hub->read(0, EventPosition::earliest(), kEvents);
    ASSERT_TRUE(events.ok());
    const int first = std::min(kEvents, (second + 1) * 100);
    ASSERT_EQ(events->size(), static_cast<size_t>(kEvents - first)) << "second " << second;
    for (const EventData& e : *events) {
      const int i = static_cast<int>(e.sequence_number);
      ASSERT_EQ(e.body, body(i));
      ASSERT_EQ(e.properties, (PropertyList{{"i", std::to_string(i)}, {"none", std::nullopt}}));
    }
  }
  // The log continues after everything expired.
  f.hub->expire(1000 + 200 * kNsPerSecond);
  EXPECT_EQ(f.hub->eventCount(), 0u);
  EventData next = f.append(0, "after");
  EXPECT_EQ(next.sequence_number, kEvents);
  EXPECT_EQ(sequenceNumbers(f.hub->read(0, EventPosition::earliest(), 10)), Seq({kEvents}));
}

// ---------------------------------------------------------------------------------------------
// Segments made ready by a helper

TEST(PrepareSegmentsTest, ReadiesASegmentOnlyForAPartitionAboutToNeedOne) {
  EventHubConfig c;
  c.partition_count = 2;
  Fixture f(c);
  EXPECT_EQ(f.hub->prepareSegments(), 0u);  // nothing stored: no partition is growing
  auto body = [](int i) { return std::string(50'000 + i % 7, static_cast<char>('a' + i % 26)); };
  constexpr int kEvents = 300;  // 15 MB in partition 0: many full-size segments
  size_t readied = 0;
  bool again_was_zero = true;
  for (int i = 0; i < kEvents; ++i) {
    f.append(0, body(i), {{"i", std::to_string(i)}});
    const size_t made = f.hub->prepareSegments();
    readied += made;
    // One is kept ready per partition: asking again at once makes none.
    if (made > 0 && f.hub->prepareSegments() != 0) again_was_zero = false;
  }
  EXPECT_TRUE(again_was_zero);
  // Segments grow from 4 KB to 2 MB; a 2 MB one holds about 40 events of 50 KB, so the 15 MB
  // fill 7 of those and a few smaller first ones. At most one is readied per segment begun.
  EXPECT_GE(readied, 7u);
  EXPECT_LE(readied, 20u);
  // The events stored in readied segments read back byte for byte; partition 1 is untouched.
  auto events = f.hub->read(0, EventPosition::earliest(), kEvents);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<size_t>(kEvents));
  for (const EventData& e : *events) {
    const int i = static_cast<int>(e.sequence_number);
    ASSERT_EQ(e.body, body(i));
    ASSERT_EQ(e.properties, (PropertyList{{"i", std::to_string(i)}}));
  }
  EXPECT_EQ(sequenceNumbers(f.hub->read(1, EventPosition::earliest(), 10)), Seq({}));
}

}  // namespace
}  // namespace routesim::endpoints::eventhubs
