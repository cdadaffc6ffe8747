#include "endpoints/eventhubs/persistence.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/file_io.h"
#include "core/common/json.h"
#include "endpoints/eventhubs/eventhubs_config.h"
#include "endpoints/eventhubs/eventhubs_namespace.h"

namespace routesim::endpoints::eventhubs {
namespace {

// A folder of its own for one test in one process, removed afterwards.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view name)
      : path_(std::filesystem::temp_directory_path() /
              ("routesim-eh-" + std::string(name) + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

EventData event(std::string body, PropertyList properties = {}, PropertyList system = {},
                std::string key = "") {
  EventData e;
  e.body = std::move(body);
  e.properties = std::move(properties);
  e.system_properties = std::move(system);
  e.partition_key = std::move(key);
  return e;
}

void expectSameEvents(const std::vector<EventData>& a, const std::vector<EventData>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].sequence_number, b[i].sequence_number);
    EXPECT_EQ(a[i].offset, b[i].offset);
    EXPECT_EQ(a[i].enqueued_ns, b[i].enqueued_ns);
    EXPECT_EQ(a[i].enqueued_time_utc, b[i].enqueued_time_utc);
    EXPECT_EQ(a[i].partition_key, b[i].partition_key);
    EXPECT_EQ(a[i].properties, b[i].properties);
    EXPECT_EQ(a[i].system_properties, b[i].system_properties);
    EXPECT_EQ(a[i].body, b[i].body);
  }
}

TEST(EventJsonTest, WritesOneObjectPerEventWithBase64AndText) {
  EventData e = event("{\"t\":1}", {{"level", "hot"}, {"n", std::nullopt}},
                      {{"iothub-connection-device-id", "dev-1"}}, "dev-1");
  e.sequence_number = 3;
  e.offset = 120;
  e.enqueued_ns = 42;
  e.enqueued_time_utc = "2024-01-01T00:00:00.0000000Z";
  EXPECT_EQ(eventToJson(e),
            R"({"sequenceNumber":3,"offset":120,"enqueuedTimeUtc":"2024-01-01T00:00:00.0000000Z",)"
            R"("enqueuedNs":42,"partitionKey":"dev-1","properties":{"level":"hot","n":null},)"
            R"("systemProperties":{"iothub-connection-device-id":"dev-1"},"body":"eyJ0Ijox)"
            R"(fQ==","bodyText":"{\"t\":1}"})");
}

TEST(EventJsonTest, BinaryBodiesHaveNoTextAndRoundTrip) {
  EventData e = event(std::string("\xff\x00\x01 bin", 7));
  std::string line = eventToJson(e);
  EXPECT_EQ(line.find("bodyText"), std::string::npos);
  EXPECT_NE(line.find("\"partitionKey\":null"), std::string::npos);
  auto back = eventFromJson(line);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->body, e.body);
  EXPECT_EQ(back->partition_key, "");
}

TEST(EventJsonTest, InvalidUtf8InPropertiesStaysValidJson) {
  EventData e = event("x", {{"bad\xc3", "v\xff"}});
  std::string line = eventToJson(e);
  ASSERT_TRUE(json::parse(line).ok()) << line;
  auto back = eventFromJson(line);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->properties[0].first, "bad\xef\xbf\xbd");
  EXPECT_EQ(back->properties[0].second, "v\xef\xbf\xbd");
}

TEST(EventJsonTest, LargeNumbersReadBackExactly) {
  EventData e = event("x");
  e.enqueued_ns = 9'007'199'254'740'993ull;  // 2^53 + 1: not exact as a double
  e.offset = 9'007'199'254'740'995ll;
  auto back = eventFromJson(eventToJson(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->enqueued_ns, e.enqueued_ns);
  EXPECT_EQ(back->offset, e.offset);
}

TEST(EventJsonTest, MalformedLinesNameTheField) {
  auto missing = eventFromJson(R"({"sequenceNumber":1})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), "'offset' must be an integer");
  auto bad_body = eventFromJson(
      R"({"sequenceNumber":1,"offset":0,"enqueuedTimeUtc":"t","enqueuedNs":1,"partitionKey":null,)"
      R"("properties":{},"systemProperties":{},"body":"@@@"})");
  ASSERT_FALSE(bad_body.ok());
  EXPECT_EQ(bad_body.error().message(), "'body' is not base64 (offset 0)");
  auto huge = eventFromJson(R"({"sequenceNumber":9223372036854775807,"offset":0})");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().message(), "'sequenceNumber' and 'offset' must be between 0 and 2^62");
  auto negative = eventFromJson(R"({"sequenceNumber":1,"offset":-5})");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().message(), "'sequenceNumber' and 'offset' must be between 0 and 2^62");
}

TEST(PersistenceTest, LayoutPaths) {
  EXPECT_EQ(eventHubDir("out", "ns", "hub"), std::filesystem::path("out/eventhubs/ns/hub"));
  EXPECT_EQ(builtinEventsDir("out", "my-hub"), std::filesystem::path("out/iothub/my-hub/events"));
}

TEST(PersistenceTest, SaveAndLoadRoundTrip) {
  ScratchDir dir("roundtrip");
  ManualClock clock(kNsPerSecond);
  EmulatorContext context;
  context.clock = &clock;
  context.utc_at_zero_ns = 1704067200LL * 1'000'000'000LL;
  EventHubConfig config;
  config.name = "telemetry";
  config.partition_count = 3;
  config.retention_ns = 2 * kNsPerHour;
  config.consumer_groups = {"analytics", "archive"};
  config.max_event_bytes = kBasicMaxEventBytes;
  auto created = EventHub::create(config, context, "contoso-ns");
  ASSERT_TRUE(created.ok());
  std::shared_ptr<EventHub> hub = *created;

  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(hub->append(static_cast<uint32_t>(i % 3),
                            event("{\"i\":" + std::to_string(i) + "}",
                                  {{"seq", std::to_string(i)}, {"flag", std::nullopt}},
                                  {{"message-id", "m" + std::to_string(i)}},
                                  "dev-" + std::to_string(i % 3)))
                    .ok());
    clock.advance(kNsPerHour / 2);
  }
  ASSERT_TRUE(hub->append(1, event(std::string("\x00\xff", 2))).ok());  // binary body
  // Expire the first events so the saved partitions start past sequence number 0.
  hub->expire(kNsPerSecond + 2 * kNsPerHour + kNsPerHour / 2 + 1);
  ASSERT_TRUE(hub->checkpoint("analytics", 0, 2).ok());
  ASSERT_TRUE(hub->checkpoint("$Default", 1, 2).ok());
  hub->setStatus(EntityStatus::kSendDisabled);

  ASSERT_TRUE(saveEventHub(*hub, dir.path()).ok());
  auto loaded_r = loadEventHub(dir.path());
  ASSERT_TRUE(loaded_r.ok()) << loaded_r.error().message();
  std::shared_ptr<EventHub> loaded = *loaded_r;

  EXPECT_EQ(loaded->name(), "telemetry");
  EXPECT_EQ(loaded->namespaceName(), "contoso-ns");
  EXPECT_EQ(loaded->partitionCount(), 3u);
  EXPECT_EQ(loaded->retentionNs(), 2 * kNsPerHour);
  EXPECT_EQ(loaded->maxEventBytes(), kBasicMaxEventBytes);
  EXPECT_EQ(loaded->status(), EntityStatus::kSendDisabled);
  EXPECT_EQ(loaded->context().utc_at_zero_ns, context.utc_at_zero_ns);
  EXPECT_EQ(loaded->consumerGroups(), hub->consumerGroups());
  for (uint32_t p = 0; p < 3; ++p) {
    auto a = hub->read(p, EventPosition::earliest(), 100);
    auto b = loaded->read(p, EventPosition::earliest(), 100);
    ASSERT_TRUE(a.ok() && b.ok());
    expectSameEvents(*a, *b);
    auto pa = hub->partitionProperties(p);
    auto pb = loaded->partitionProperties(p);
    EXPECT_EQ(pa->beginning_sequence_number, pb->beginning_sequence_number);
    EXPECT_EQ(pa->last_enqueued_sequence_number, pb->last_enqueued_sequence_number);
    EXPECT_EQ(pa->last_enqueued_offset, pb->last_enqueued_offset);
    EXPECT_EQ(pa->last_enqueued_time_utc, pb->last_enqueued_time_utc);
    EXPECT_EQ(pa->retained_bytes, pb->retained_bytes);
  }
  EXPECT_EQ(loaded->partitionProperties(0)->beginning_sequence_number, 1)
      << "the test meant to expire some events";
  EXPECT_EQ(*loaded->checkpointOf("analytics", 0), std::optional<int64_t>(2));
  EXPECT_EQ(*loaded->checkpointOf("$Default", 1), std::optional<int64_t>(2));
  EXPECT_EQ(*loaded->checkpointOf("archive", 0), std::nullopt);

  // Readers restart after their checkpoints; the sequence continues.
  auto after = loaded->receive("analytics", 0, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_FALSE(after->empty());
  EXPECT_EQ(after->front().sequence_number, 3);
  auto next = loaded->append(0, event("more"));
  auto original_next = hub->append(0, event("more"));
  ASSERT_TRUE(next.ok() && original_next.ok());
  EXPECT_EQ(next->sequence_number, 4);
  EXPECT_EQ(next->offset, original_next->offset);
}

TEST(PersistenceTest, EmptyHubRoundTrips) {
  ScratchDir dir("empty");
  EventHubConfig config;
  config.name = "empty";
  auto hub = *EventHub::create(config, EmulatorContext{}, "ns");
  ASSERT_TRUE(saveEventHub(*hub, dir.path()).ok());
  auto loaded = loadEventHub(dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ((*loaded)->eventCount(), 0u);
  EXPECT_EQ((*loaded)->partitionProperties(2)->last_enqueued_sequence_number, -1);
}

TEST(PersistenceTest, HubFileIsReadableJson) {
  ScratchDir dir("hubfile");
  EventHubConfig config;
  config.name = "h";
  config.partition_count = 2;
  config.consumer_groups = {"cg"};
  auto hub = *EventHub::create(config, EmulatorContext{}, "ns");
  ASSERT_TRUE(hub->append(1, event("x")).ok());
  ASSERT_TRUE(hub->checkpoint("cg", 1, 0).ok());
  ASSERT_TRUE(saveEventHub(*hub, dir.path()).ok());
  auto text = readFile((dir.path() / "eventhub.json").string());
  ASSERT_TRUE(text.ok());
  auto v = json::parse(*text);
  ASSERT_TRUE(v.ok()) << *text;
  EXPECT_EQ(v->find("name")->text(), "h");
  EXPECT_EQ(v->find("messageRetention")->text(), "P1D");
  EXPECT_EQ(v->find("status")->text(), "Active");
  const auto& groups = v->find("consumerGroups")->items();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].find("name")->text(), "cg");
  EXPECT_EQ(groups[1].find("checkpoints")->compact(), "[null,0]");
  auto lines = readFile((dir.path() / "partition-1.ndjson").string());
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(std::count(lines->begin(), lines->end(), '\n'), 1);
  auto empty = readFile((dir.path() / "partition-0.ndjson").string());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
  // No temporary files are left behind.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST(PersistenceTest, LoadReportsFileAndLine) {
  ScratchDir dir("badline");
  EventHubConfig config;
  config.name = "h";
  config.partition_count = 1;
  auto hub = *EventHub::create(config, EmulatorContext{}, "ns");
  ASSERT_TRUE(hub->append(0, event("a")).ok());
  ASSERT_TRUE(hub->append(0, event("b")).ok());
  ASSERT_TRUE(saveEventHub(*hub, dir.path()).ok());
  std::string file = (dir.path() / "partition-0.ndjson").string();
  auto text = readFile(file);
  ASSERT_TRUE(text.ok());
  std::string broken = *text;
  broken.insert(broken.find('\n') + 1, "{\"sequenceNumber\": \"x\"}\n");
  ASSERT_TRUE(writeFile(file, broken).ok());
  auto loaded = loadEventHub(dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message(), file + ":2: 'sequenceNumber' must be an integer");

  // Events out of order are refused too.
  std::string first = text->substr(0, text->find('\n') + 1);
  ASSERT_TRUE(writeFile(file, first + first).ok());
  auto unordered = loadEventHub(dir.path());
  ASSERT_FALSE(unordered.ok());
  EXPECT_NE(unordered.error().message().find("does not follow sequence number 0"),
            std::string::npos)
      << unordered.error().message();

  auto missing = loadEventHub(dir.path() / "nowhere");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kIo);
}

TEST(PersistenceTest, PartitionNewerThanTheHubFileIsLoadedAsItIs) {
  // A reader that loads while a save is under way sees the new partition files beside the old
  // eventhub.json: the counters follow the partition's last event.
  ScratchDir old_dir("torn-old");
  ScratchDir new_dir("torn-new");
  EventHubConfig config;
  config.name = "h";
  config.partition_count = 1;
  auto hub = *EventHub::create(config, EmulatorContext{}, "ns");
  ASSERT_TRUE(hub->append(0, event("a")).ok());
  ASSERT_TRUE(saveEventHub(*hub, old_dir.path()).ok());
  ASSERT_TRUE(hub->append(0, event("bb")).ok());
  ASSERT_TRUE(hub->append(0, event("ccc")).ok());
  ASSERT_TRUE(saveEventHub(*hub, new_dir.path()).ok());
  std::filesystem::copy_file(new_dir.path() / "partition-0.ndjson",
                             old_dir.path() / "partition-0.ndjson",
                             std::filesystem::copy_options::overwrite_existing);

  auto loaded = loadEventHub(old_dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  auto events = (*loaded)->read(0, EventPosition::earliest(), 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  auto props = (*loaded)->partitionProperties(0);
  EXPECT_EQ(props->last_enqueued_sequence_number, 2);
  EXPECT_EQ(props->last_enqueued_offset, 3);
  EXPECT_EQ(props->last_enqueued_time_utc, events->back().enqueued_time_utc);
  auto next = (*loaded)->append(0, event("d"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sequence_number, 3);
  EXPECT_EQ(next->offset, 6);
}

TEST(PersistenceTest, FindsSavedHubsOfBothLayouts) {
  ScratchDir out("find");
  EmulatorContext context;
  context.out_dir = out.path();
  context.hub_name = "contoso-hub";
  ConfigIssues issues;
  auto config = importEmulatorConfig(R"({"UserConfig": {"NamespaceConfig": [{"Entities": [
      {"Name": "eh2", "PartitionCount": "1"}, {"Name": "eh1", "PartitionCount": "2"}]}],
      "LoggingConfig": {"Type": "File"}}})",
                                     "Config.json", issues);
  ASSERT_TRUE(config.ok()) << config.error().message();
  auto ns = Namespace::create(*config, context);
  ASSERT_TRUE(ns.ok()) << ns.error().message();
  ASSERT_TRUE((*ns)->save(out.path()).ok());
  EventHubConfig builtin;
  builtin.name = "events";
  auto events = *EventHub::create(builtin, context, "contoso-hub");
  ASSERT_TRUE(saveEventHub(*events, builtinEventsDir(out.path(), "contoso-hub")).ok());
  // Folders without eventhub.json are not hubs.
  std::filesystem::create_directories(out.path() / "eventhubs" / "emulatorNs1" / "stray");
  std::filesystem::create_directories(out.path() / "iothub" / "other-hub" / "events");

  auto found = findSavedEventHubs(out.path());
  ASSERT_TRUE(found.ok()) << found.error().message();
  ASSERT_EQ(found->size(), 3u);
  EXPECT_TRUE((*found)[0].builtin);
  EXPECT_EQ((*found)[0].namespace_name, "contoso-hub");
  EXPECT_EQ((*found)[0].hub_name, "events");
  EXPECT_EQ((*found)[0].dir, out.path() / "iothub" / "contoso-hub" / "events");
  EXPECT_FALSE((*found)[1].builtin);
  EXPECT_EQ((*found)[1].namespace_name, "emulatorNs1");
  EXPECT_EQ((*found)[1].hub_name, "eh1");
  EXPECT_EQ((*found)[1].dir, eventHubDir(out.path(), "emulatorNs1", "eh1"));
  EXPECT_EQ((*found)[2].hub_name, "eh2");
  auto eh1 = loadEventHub((*found)[1].dir);
  ASSERT_TRUE(eh1.ok()) << eh1.error().message();
  EXPECT_EQ((*eh1)->partitionCount(), 2u);
  EXPECT_EQ((*eh1)->namespaceName(), "emulatorNs1");

  auto none = findSavedEventHubs(out.path() / "nothing-here");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(PersistenceTest, ReadsAPartitionFromAnOffsetAfterLoad) {
  // What `routesim inspect eventhub` does: load a saved hub, read a partition from a position
  // given as text.
  ScratchDir dir("inspect");
  EmulatorContext context;
  context.utc_at_zero_ns = 1704067200LL * 1'000'000'000LL;
  EventHubConfig config;
  config.name = "h";
  config.partition_count = 1;
  auto hub = *EventHub::create(config, context, "ns");
  for (std::string body : {"aa", "bbb", "c", "dddd"}) ASSERT_TRUE(hub->append(0, event(body)).ok());
  ASSERT_TRUE(saveEventHub(*hub, dir.path()).ok());
  auto loaded = loadEventHub(dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  auto from = parseEventPosition("offset:5", (*loaded)->context());  // "bbb" is at 2, "c" at 5
  ASSERT_TRUE(from.ok());
  auto events = (*loaded)->read(0, *from, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].body, "c");
  EXPECT_EQ((*events)[0].sequence_number, 2);
  EXPECT_EQ((*events)[1].offset, 6);
  auto exclusive = (*loaded)->read(0, *parseEventPosition("offset:>5", context), 10);
  ASSERT_TRUE(exclusive.ok());
  ASSERT_EQ(exclusive->size(), 1u);
  EXPECT_EQ((*exclusive)[0].body, "dddd");
}

}  // namespace
}  // namespace routesim::endpoints::eventhubs
