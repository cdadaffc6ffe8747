#include "endpoints/eventhubs/persistence.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <map>
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

// --- StreamingSave ------------------------------------------------------------------------------

// Every file under `dir` (recursively), by its path relative to `dir`, with its bytes.
std::map<std::string, std::string> filesUnder(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    auto bytes = readFile(entry.path().string());
    EXPECT_TRUE(bytes.ok()) << entry.path();
    out[std::filesystem::relative(entry.path(), dir).string()] = bytes.ok() ? *bytes : "";
  }
  return out;
}

// Whether `got` holds the same files as `want`, byte for byte (naming the first difference).
::testing::AssertionResult sameFiles(const std::filesystem::path& got,
                                     const std::filesystem::path& want) {
  const auto a = filesUnder(got);
  const auto b = filesUnder(want);
  if (b.empty()) return ::testing::AssertionFailure() << want << " holds no files";
  for (const auto& [name, bytes] : b) {
    auto it = a.find(name);
    if (it == a.end()) return ::testing::AssertionFailure() << got << " lacks " << name;
    if (it->second != bytes) {
      size_t at = 0;
      while (at < bytes.size() && at < it->second.size() && bytes[at] == it->second[at]) ++at;
      return ::testing::AssertionFailure()
             << name << " differs at byte " << at << " (" << it->second.size() << " bytes, "
             << bytes.size() << " expected)";
    }
  }
  for (const auto& [name, bytes] : a) {
    if (b.count(name) == 0) return ::testing::AssertionFailure() << got << " has extra " << name;
  }
  return ::testing::AssertionSuccess();
}

// The names of the temporary files ("<file>.tmp-<pid>-<n>") under `dir`.
std::vector<std::string> temporaryFiles(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) out.push_back(name);
  }
  return out;
}

std::shared_ptr<EventHub> streamedHub(ManualClock& clock, uint32_t partitions,
                                      uint64_t retention_ns = kNsPerDay) {
  EmulatorContext context;
  context.clock = &clock;
  context.utc_at_zero_ns = 1704067200LL * 1'000'000'000LL;
  EventHubConfig config;
  config.name = "telemetry";
  config.partition_count = partitions;
  config.retention_ns = retention_ns;
  config.consumer_groups = {"analytics"};
  auto created = EventHub::create(config, context, "contoso-ns");
  EXPECT_TRUE(created.ok()) << created.error().message();
  return *created;
}

// The sequence numbers retained in `partition`.
std::vector<int64_t> sequenceNumbers(const EventHub& hub, uint32_t partition) {
  auto events = hub.read(partition, EventPosition::earliest(), 1000);
  EXPECT_TRUE(events.ok());
  std::vector<int64_t> out;
  if (events.ok()) {
    for (const EventData& e : *events) out.push_back(e.sequence_number);
  }
  return out;
}

TEST(StreamingSaveTest, CatchUpsBetweenAppendsWriteWhatSaveEventHubWrites) {
  ScratchDir streamed("stream-interleaved");
  ScratchDir whole("stream-interleaved-whole");
  ManualClock clock(kNsPerSecond);
  auto hub = streamedHub(clock, 4);
  StreamingSave save(*hub, streamed.path());

  // What each catchUp(max) should write: up to `max` of each partition's unwritten events.
  std::vector<size_t> appended(4, 0);
  std::vector<size_t> written(4, 0);
  auto catchUp = [&](size_t max) {
    size_t expected = 0;
    for (uint32_t p = 0; p < 4; ++p) {
      const size_t n = std::min(max, appended[p] - written[p]);
      written[p] += n;
      expected += n;
    }
    EXPECT_EQ(save.catchUp(max), expected);
  };
  catchUp(2);  // nothing yet

  for (int i = 0; i < 40; ++i) {
    const uint32_t p = static_cast<uint32_t>(i % 3);  // partition 3 stays empty
    const std::string n = std::to_string(i);
    EventData e;
    switch (i % 4) {
      case 0:
        e = event("{\"i\":" + n + "}", {{"seq", n}}, {{"message-id", "m" + n}}, "dev-" + n);
        break;
      case 1:
        e = event(std::string("\x00\xff\x10 bin", 7), {{"flag", std::nullopt}, {"unit", "C"}});
        break;
      case 2:
        e = event("", {}, {{"iothub-connection-device-id", "dev-2"}});
        break;
      default:
        e = event("text " + n, {{"bad\xc3", "v\xff"}, {"seq", n}});
        break;
    }
    ASSERT_TRUE(hub->append(p, std::move(e)).ok());
    ++appended[p];
    if (i % 2 == 1) clock.advance(kNsPerSecond / 3);
    if (i % 8 == 7) catchUp(2);  // about 2.7 appended per partition: it lags behind
  }
  std::vector<EventData> batch = {event("b0", {{"batch", "1"}}), event("b1"),
                                  event(std::string("\x01\x00", 2))};
  auto appended_batch = hub->appendBatch(1, batch);
  ASSERT_EQ(appended_batch.appended, 3u);
  appended[1] += 3;
  catchUp(2);
  ASSERT_GT(written[0] + written[1] + written[2], 0u);
  ASSERT_LT(written[0] + written[1] + written[2], 43u) << "finish() should have some left";

  // Until finish(), only temporary files: nothing a reader would take for a saved hub.
  EXPECT_FALSE(std::filesystem::exists(streamed.path() / "partition-0.ndjson"));
  EXPECT_FALSE(std::filesystem::exists(streamed.path() / "eventhub.json"));
  EXPECT_FALSE(temporaryFiles(streamed.path()).empty());

  // Checkpoints, status and an event after the last catch-up.
  ASSERT_TRUE(hub->checkpoint("analytics", 0, 3).ok());
  ASSERT_TRUE(hub->checkpoint("$Default", 2, 1).ok());
  hub->setStatus(EntityStatus::kSendDisabled);
  ASSERT_TRUE(hub->append(2, event("last", {{"k", "v"}})).ok());

  Status finished = save.finish();
  ASSERT_TRUE(finished.ok()) << finished.error().message();
  ASSERT_TRUE(saveEventHub(*hub, whole.path()).ok());
  EXPECT_TRUE(sameFiles(streamed.path(), whole.path()));

  auto files = filesUnder(streamed.path());
  EXPECT_EQ(files.size(), 5u);  // 4 partitions and eventhub.json
  EXPECT_EQ(files["partition-3.ndjson"], "");
  EXPECT_EQ(
      std::count(files["partition-1.ndjson"].begin(), files["partition-1.ndjson"].end(), '\n'), 16);
  auto loaded = loadEventHub(streamed.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ((*loaded)->eventCount(), 44u);
  EXPECT_EQ((*loaded)->status(), EntityStatus::kSendDisabled);
  EXPECT_EQ(*(*loaded)->checkpointOf("analytics", 0), std::optional<int64_t>(3));
  // Bodies (binary and empty ones too) and places read back exactly; property names and values
  // that are not UTF-8 come back with U+FFFD, so they are not compared here.
  for (uint32_t p = 0; p < 4; ++p) {
    auto a = hub->read(p, EventPosition::earliest(), 100);
    auto b = (*loaded)->read(p, EventPosition::earliest(), 100);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), b->size()) << p;
    for (size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].sequence_number, (*b)[i].sequence_number);
      EXPECT_EQ((*a)[i].offset, (*b)[i].offset);
      EXPECT_EQ((*a)[i].enqueued_time_utc, (*b)[i].enqueued_time_utc);
      EXPECT_EQ((*a)[i].partition_key, (*b)[i].partition_key);
      EXPECT_EQ((*a)[i].body, (*b)[i].body);
    }
  }
}

TEST(StreamingSaveTest, ExpiredEventsAreWrittenAgainFromTheFirstRetained) {
  ScratchDir streamed("stream-expiry");
  ScratchDir whole("stream-expiry-whole");
  ManualClock clock(0);
  auto hub = streamedHub(clock, 5, 10 * kNsPerSecond);
  auto append = [&](uint32_t p, int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(hub->append(p, event("p" + std::to_string(p) + "-" + std::to_string(i),
                                       {{"at", std::to_string(clock.nowNs())}}))
                      .ok());
    }
  };
  StreamingSave save(*hub, streamed.path());

  append(0, 3);  // t = 0 s
  append(1, 3);
  clock.advance(5 * kNsPerSecond);  // t = 5 s
  append(2, 3);
  append(0, 2);
  append(4, 1);
  EXPECT_EQ(save.catchUp(100), 12u);

  // t = 12 s: the events of t = 0 expire, after they were written. Partition 1 loses all it
  // had, partition 0 its first three.
  clock.advance(7 * kNsPerSecond);
  EXPECT_EQ(hub->expire(clock.nowNs()), 6u);
  append(1, 2);
  append(0, 1);
  append(4, 1);
  EXPECT_EQ(save.catchUp(1), 3u);  // partitions 0, 1 and 4 have one more each

  // t = 16 s: the events of t = 5 expire, after the last catch-up: partition 2 keeps none,
  // partition 4 its second event only.
  clock.advance(4 * kNsPerSecond);
  EXPECT_EQ(hub->expire(clock.nowNs()), 6u);
  append(3, 1);
  ASSERT_EQ(sequenceNumbers(*hub, 0), (std::vector<int64_t>{5}));
  ASSERT_EQ(sequenceNumbers(*hub, 1), (std::vector<int64_t>{3, 4}));
  ASSERT_EQ(sequenceNumbers(*hub, 2), (std::vector<int64_t>{}));
  ASSERT_EQ(sequenceNumbers(*hub, 4), (std::vector<int64_t>{1}));

  Status finished = save.finish(2);
  ASSERT_TRUE(finished.ok()) << finished.error().message();
  ASSERT_TRUE(saveEventHub(*hub, whole.path()).ok());
  EXPECT_TRUE(sameFiles(streamed.path(), whole.path()));
  EXPECT_TRUE(temporaryFiles(streamed.path()).empty());

  auto loaded = loadEventHub(streamed.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ((*loaded)->eventCount(), 5u);
  EXPECT_EQ(sequenceNumbers(**loaded, 0), (std::vector<int64_t>{5}));
  EXPECT_EQ(sequenceNumbers(**loaded, 1), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(sequenceNumbers(**loaded, 2), (std::vector<int64_t>{}));
  EXPECT_EQ(sequenceNumbers(**loaded, 3), (std::vector<int64_t>{0}));
  EXPECT_EQ(sequenceNumbers(**loaded, 4), (std::vector<int64_t>{1}));
  for (uint32_t p = 0; p < 5; ++p) {
    auto a = hub->read(p, EventPosition::earliest(), 100);
    auto b = (*loaded)->read(p, EventPosition::earliest(), 100);
    ASSERT_TRUE(a.ok() && b.ok());
    expectSameEvents(*a, *b);
    auto pa = hub->partitionProperties(p);
    auto pb = (*loaded)->partitionProperties(p);
    EXPECT_EQ(pa->beginning_sequence_number, pb->beginning_sequence_number) << p;
    EXPECT_EQ(pa->last_enqueued_sequence_number, pb->last_enqueued_sequence_number) << p;
  }
  EXPECT_EQ((*loaded)->partitionProperties(2)->beginning_sequence_number, 3);
}

TEST(StreamingSaveTest, RestoredPartitionsAreWrittenAgain) {
  ScratchDir streamed("stream-restore");
  ScratchDir whole("stream-restore-whole");
  ManualClock clock(kNsPerSecond);
  auto hub = streamedHub(clock, 3);
  for (uint32_t p = 0; p < 3; ++p) {
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(hub->append(p, event("old-" + std::to_string(p) + "-" + std::to_string(i))).ok());
      clock.advance(kNsPerSecond);
    }
  }
  // Other events with the same sequence numbers (0, 1, 2): only the generation tells them apart
  // from the ones written.
  ManualClock other_clock(100 * kNsPerSecond);
  auto other = streamedHub(other_clock, 3);
  for (uint32_t p = 1; p < 3; ++p) {
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(other
                      ->append(p, event("new-" + std::to_string(p) + "-" + std::to_string(i),
                                        {{"restored", "yes"}}))
                      .ok());
      other_clock.advance(kNsPerSecond);
    }
  }
  auto restore = [&](uint32_t p) {
    std::vector<EventData> events;
    auto state = other->forEachEvent(p, [&](const EventData& e) { events.push_back(e); });
    ASSERT_TRUE(state.ok());
    Status restored = hub->restore(p, *state, std::move(events));
    ASSERT_TRUE(restored.ok()) << restored.error().message();
  };

  StreamingSave save(*hub, streamed.path());
  EXPECT_EQ(save.catchUp(100), 15u);
  restore(1);  // before a catch-up
  ASSERT_TRUE(hub->append(1, event("after-restore")).ok());
  ASSERT_TRUE(hub->append(0, event("more")).ok());
  // Partition 0's new event; partition 1 has nothing from sequence number 5 on.
  EXPECT_EQ(save.catchUp(100), 1u);
  restore(2);  // after the last one

  Status finished = save.finish();
  ASSERT_TRUE(finished.ok()) << finished.error().message();
  ASSERT_TRUE(saveEventHub(*hub, whole.path()).ok());
  EXPECT_TRUE(sameFiles(streamed.path(), whole.path()));

  auto loaded = loadEventHub(streamed.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  for (uint32_t p = 0; p < 3; ++p) {
    auto a = hub->read(p, EventPosition::earliest(), 100);
    auto b = (*loaded)->read(p, EventPosition::earliest(), 100);
    ASSERT_TRUE(a.ok() && b.ok());
    expectSameEvents(*a, *b);
  }
  auto p1 = (*loaded)->read(1, EventPosition::earliest(), 100);
  ASSERT_EQ(p1->size(), 4u);
  EXPECT_EQ((*p1)[0].body, "new-1-0");
  EXPECT_EQ((*p1)[3].body, "after-restore");
  auto p2 = (*loaded)->read(2, EventPosition::earliest(), 100);
  ASSERT_EQ(p2->size(), 3u);
  EXPECT_EQ((*p2)[0].body, "new-2-0");
  EXPECT_EQ((*loaded)->read(0, EventPosition::earliest(), 100)->size(), 6u);
}

TEST(StreamingSaveTest, LeavesNoTemporaryFiles) {
  ScratchDir dir("stream-tmp");
  ManualClock clock(kNsPerSecond);
  auto hub = streamedHub(clock, 3);
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(hub->append(static_cast<uint32_t>(i % 2), event("e" + std::to_string(i))).ok());
  }
  {
    StreamingSave abandoned(*hub, dir.path());
    EXPECT_EQ(abandoned.catchUp(2), 4u);
    ASSERT_TRUE(hub->append(0, event("more")).ok());
    EXPECT_EQ(abandoned.catchUp(2), 4u);
    EXPECT_FALSE(temporaryFiles(dir.path()).empty()) << "catchUp writes temporary files";
  }
  EXPECT_EQ(temporaryFiles(dir.path()), std::vector<std::string>{});
  EXPECT_TRUE(filesUnder(dir.path()).empty()) << "an abandoned save leaves nothing";

  { StreamingSave never_caught_up(*hub, dir.path()); }
  EXPECT_TRUE(filesUnder(dir.path()).empty());

  {
    StreamingSave save(*hub, dir.path());
    EXPECT_EQ(save.catchUp(3), 6u);
    Status finished = save.finish();
    ASSERT_TRUE(finished.ok()) << finished.error().message();
    EXPECT_EQ(temporaryFiles(dir.path()), std::vector<std::string>{});
  }
  EXPECT_EQ(temporaryFiles(dir.path()), std::vector<std::string>{});
  EXPECT_EQ(filesUnder(dir.path()).size(), 4u);
}

TEST(StreamingSaveTest, FinishingTwiceIsAnError) {
  ScratchDir streamed("stream-twice");
  ScratchDir whole("stream-twice-whole");
  ManualClock clock(kNsPerSecond);
  auto hub = streamedHub(clock, 2);
  ASSERT_TRUE(hub->append(0, event("a")).ok());
  StreamingSave save(*hub, streamed.path());
  EXPECT_EQ(save.catchUp(10), 1u);
  ASSERT_TRUE(hub->append(1, event("b")).ok());
  Status first = save.finish();
  ASSERT_TRUE(first.ok()) << first.error().message();
  ASSERT_TRUE(saveEventHub(*hub, whole.path()).ok());

  // Later events are not the save's: catchUp writes nothing and finish() refuses.
  ASSERT_TRUE(hub->append(0, event("c")).ok());
  EXPECT_EQ(save.catchUp(10), 0u);
  Status second = save.finish();
  ASSERT_FALSE(second.ok());
  EXPECT_FALSE(second.error().message().empty());
  EXPECT_TRUE(sameFiles(streamed.path(), whole.path())) << "the saved files stay as they were";
  EXPECT_TRUE(temporaryFiles(streamed.path()).empty());
}

TEST(StreamingSaveTest, OneThreadOrFourWriteTheSameBytes) {
  ScratchDir one("stream-threads-1");
  ScratchDir four("stream-threads-4");
  ScratchDir whole("stream-threads-whole");
  ManualClock clock(kNsPerSecond);
  auto hub = streamedHub(clock, 6);
  auto append = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      const uint32_t p = static_cast<uint32_t>((i * 7) % 5);  // partition 5 stays empty
      ASSERT_TRUE(hub->append(p, event(std::string(static_cast<size_t>(i % 50), 'x'),
                                       {{"i", std::to_string(i)}}, {}, "key-" + std::to_string(i)))
                      .ok());
      clock.advance(kNsPerSecond / 10);
    }
  };
  StreamingSave save_one(*hub, one.path());
  StreamingSave save_four(*hub, four.path());
  append(0, 100);
  EXPECT_EQ(save_one.catchUp(3), 15u);
  EXPECT_EQ(save_four.catchUp(7), 35u);
  append(100, 200);
  EXPECT_GT(save_one.catchUp(30), 0u);
  ASSERT_TRUE(hub->checkpoint("analytics", 4, 10).ok());

  Status a = save_one.finish(1);
  ASSERT_TRUE(a.ok()) << a.error().message();
  Status b = save_four.finish(4);
  ASSERT_TRUE(b.ok()) << b.error().message();
  ASSERT_TRUE(saveEventHub(*hub, whole.path()).ok());
  EXPECT_TRUE(sameFiles(one.path(), four.path()));
  EXPECT_TRUE(sameFiles(four.path(), whole.path()));
  EXPECT_EQ(filesUnder(one.path()).size(), 7u);
}

// A write that fails while catching up (here: the file size limit, as a full disk would) is
// reported by finish(), and the partial temporary file goes away with the save.
TEST(StreamingSaveTest, WriteErrorWhileCatchingUpIsReportedAndCleanedUp) {
  ScratchDir dir("stream-write-error");
  ManualClock clock(kNsPerSecond);
  auto hub = streamedHub(clock, 2);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(hub->append(0, event(std::string(4096, static_cast<char>('a' + i)))).ok());
  }
  ASSERT_TRUE(hub->append(1, event("small")).ok());
  {
    StreamingSave save(*hub, dir.path());
    rlimit saved_limit{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved_limit), 0);
    rlimit small = saved_limit;
    small.rlim_cur = 1000;
    auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const size_t wrote = save.catchUp(100);
    ::setrlimit(RLIMIT_FSIZE, &saved_limit);
    std::signal(SIGXFSZ, saved_handler);
    EXPECT_EQ(wrote, 21u);

    Status finished = save.finish();
    ASSERT_FALSE(finished.ok());
    EXPECT_EQ(finished.error().code(), ErrorCode::kIo) << finished.error().message();
    EXPECT_EQ(temporaryFiles(dir.path()), std::vector<std::string>{})
        << "after finish() failed: " << finished.error().message();
  }
  EXPECT_EQ(temporaryFiles(dir.path()), std::vector<std::string>{});
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "eventhub.json"));
}

}  // namespace
}  // namespace routesim::endpoints::eventhubs
