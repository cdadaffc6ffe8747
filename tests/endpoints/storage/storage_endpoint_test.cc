#include "endpoints/storage/storage_endpoint.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/common/base64.h"
#include "endpoints/storage/avro_container.h"
#include "tests/core/router/router_test_support.h"
#include "tests/endpoints/storage/storage_test_support.h"

namespace routesim::endpoints::storage {
namespace {

using namespace testing;  // NOLINT: the storage test helpers
using router::DeliveryFailure;
using router::OutboundMessage;

constexpr const char* kTelemetry = R"({"temperature":21.5,"humidity":40})";

std::string randomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

class StorageEndpointTest : public ::testing::TestWithParam<Encoding> {
 protected:
  ManualClock clock_;
  TempDir dir_;
  EmulatorContext ctx_ = makeContext(clock_, dir_.path());
};

// --- windows -------------------------------------------------------------------------------

TEST_P(StorageEndpointTest, WritesOneBlobPerPartitionWhenTheWindowEnds) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  std::vector<message::Message> msgs;
  for (int i = 0; i < 5; ++i) msgs.push_back(deviceMessage("dev-1", i, kTelemetry));
  std::vector<OutboundMessage> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(outbound(msgs[i], i % 2 == 0 ? 0 : 1));

  clock_.set(seconds(10));
  auto report = ep.deliver(batch);
  EXPECT_EQ(report.delivered, 5u);
  EXPECT_EQ(report.failure, DeliveryFailure::kNone);

  // Until the window ends nothing is listed (the chunks are partial files).
  clock_.set(seconds(59.999));
  ep.tick(clock_.nowNs());
  EXPECT_TRUE(blobNames(dir_.path()).empty());

  clock_.set(seconds(60));
  ep.tick(clock_.nowNs());
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/01/2024/03/01/10/00"}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "01"), (std::vector<int64_t>{1, 3}));
  for (const BlobInfo& b : blobs(dir_.path())) {
    EXPECT_EQ(b.account, "acct1");
    EXPECT_EQ(b.container, "archive");
    EXPECT_EQ(b.path, dir_.path() / "acct1" / "archive" / b.name);
    EXPECT_EQ(b.size, fs::file_size(b.path));
  }
  // No partial file is left behind.
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(kPartialPrefix), std::string::npos)
        << entry.path();
  }
}

TEST_P(StorageEndpointTest, DeliverSeeingTimePassedClosesTheWindowFirst) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  message::Message b = deviceMessage("dev-1", 1, kTelemetry);
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  clock_.set(seconds(61));  // no tick: deliver sees the time
  EXPECT_EQ(ep.deliver(std::vector{outbound(b, 0)}).delivered, 1u);
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/01/2024/03/01/10/00"}));
  ep.flush(clock_.nowNs());
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/01",
                                      "myhub/01/2024/03/01/10/00"}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0, 1}));
}

TEST_P(StorageEndpointTest, AMessageExactlyAtTheWindowEndGoesToTheNextWindow) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  message::Message b = deviceMessage("dev-1", 1, kTelemetry);
  clock_.set(seconds(60) - 1);  // the last nanosecond of [10:00:00, 10:01:00)
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  EXPECT_TRUE(blobNames(dir_.path()).empty());
  clock_.set(seconds(60));  // 10:01:00 is the next window's first instant
  EXPECT_EQ(ep.deliver(std::vector{outbound(b, 0)}).delivered, 1u);
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/01/2024/03/01/10/00"}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0}));
  ep.flush(seconds(60));
  EXPECT_EQ(records(dir_.path() / "acct1/archive/myhub/00/2024/03/01/10/01").size(), 1u);
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0, 1}));
}

TEST_P(StorageEndpointTest, WindowsAreAlignedToUtcWheneverTheEndpointStarts) {
  clock_.set(seconds(90));  // created at 10:01:30, inside the UTC window [10:00, 10:02)
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 120));
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  clock_.set(seconds(200));  // 10:03:20, in [10:02, 10:04): the first window ends first
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 1)}).delivered, 1u);
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/01/2024/03/01/10/00"}));
  ep.tick(seconds(240) - 1);
  EXPECT_EQ(blobNames(dir_.path()).size(), 2u);
  ep.tick(seconds(240));
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/02",
                                      "myhub/01/2024/03/01/10/00", "myhub/01/2024/03/01/10/02"}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "01"), (std::vector<int64_t>{0}));
  EXPECT_EQ(ep.stats().empty_blobs, 3u);
}

TEST_P(StorageEndpointTest, AWindowThatDoesNotDivideTheHourStillStartsAtAMultipleOfItsLength) {
  // 420 s windows: 10:00:00 UTC lies in [09:57:00, 10:04:00) (1709287020 = 4069731 * 420).
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 420));
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  ep.tick(seconds(240) - 1);
  EXPECT_TRUE(blobNames(dir_.path()).empty());
  ep.tick(seconds(240));
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/09/57", "myhub/01/2024/03/01/09/57"}));
}

TEST_P(StorageEndpointTest, WritesAnEmptyBlobPerPartitionForEveryWindowWithoutData) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 1)}).delivered, 1u);
  clock_.set(seconds(185));  // three windows end at once
  ep.tick(clock_.nowNs());
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/01",
                                      "myhub/00/2024/03/01/10/02", "myhub/01/2024/03/01/10/00",
                                      "myhub/01/2024/03/01/10/01", "myhub/01/2024/03/01/10/02"}));
  for (const BlobInfo& b : blobs(dir_.path())) {
    if (b.name == "myhub/01/2024/03/01/10/00") {
      EXPECT_EQ(records(b.path).size(), 1u);
      continue;
    }
    // Avro: a valid container with its header and no blocks. JSON: zero bytes.
    EXPECT_TRUE(records(b.path).empty()) << b.name;
    if (GetParam() == Encoding::kJson) {
      EXPECT_EQ(b.size, 0u) << b.name;
    } else {
      bool deflate = GetParam() == Encoding::kAvroDeflate;
      EXPECT_EQ(readBytes(b.path),
                avro::header(deflate, avro::syncMarkerFor("acct1/archive/" + b.name)))
          << b.name;
    }
  }
  StorageStats s = ep.stats();
  EXPECT_EQ(s.blobs_written, 6u);
  EXPECT_EQ(s.empty_blobs, 5u);
  EXPECT_EQ(s.messages, 1u);
}

TEST_P(StorageEndpointTest, FlushWritesOpenChunksButNoEmptyBlobsForTheRunningWindow) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  clock_.set(seconds(70));  // the first window (no data) ended
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  ep.flush(seconds(90));
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/01",
                                      "myhub/01/2024/03/01/10/00"}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0}));
  EXPECT_EQ(ep.stats().empty_blobs, 2u);
  // A second flush has nothing to write.
  ep.flush(seconds(95));
  EXPECT_EQ(blobNames(dir_.path()).size(), 3u);
}

// --- chunks --------------------------------------------------------------------------------

TEST_P(StorageEndpointTest, StartsANewChunkBeforeAMessageWouldPassMaxChunkBytes) {
  constexpr int64_t kMax = 4096;
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 300, kMax));
  std::vector<message::Message> msgs;
  for (int i = 0; i < 120; ++i) {
    msgs.push_back(deviceMessage("dev-7", i,
                                 R"({"temperature":)" + std::to_string(20 + i % 7) +
                                     R"(,"site":"plant-)" + std::to_string(i * 7919 % 1000) +
                                     R"(","readings":[1.5,2.25,3.125,4.0625]})",
                                 "application/json", "utf-8"));
  }
  // Several batches; the clock stays within the minute 10:00.
  for (int b = 0; b < 4; ++b) {
    std::vector<OutboundMessage> batch;
    for (int i = b * 30; i < b * 30 + 30; ++i) batch.push_back(outbound(msgs[i], 0));
    clock_.set(seconds(b * 10));
    EXPECT_EQ(ep.deliver(batch).delivered, 30u);
  }
  ep.flush(seconds(45));
  std::vector<BlobInfo> list = blobs(dir_.path());
  ASSERT_GE(list.size(), 4u);
  for (const BlobInfo& b : list) {
    EXPECT_LE(b.size, static_cast<uint64_t>(kMax)) << b.name;
    EXPECT_EQ(b.name.rfind("myhub/00/2024/03/01/10/00", 0), 0u) << b.name;
    EXPECT_GT(records(b.path).size(), 0u) << b.name;
  }
  // Chunks of one minute: "00", "00-1", "00-2", ...
  std::vector<int> numbers;
  for (const BlobInfo& b : list) numbers.push_back(chunkNumber(b.name));
  std::sort(numbers.begin(), numbers.end());
  for (size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(numbers[i], static_cast<int>(i));
  // Nothing lost, nothing twice, in order across the chunks.
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), range(0, 120));
  EXPECT_EQ(ep.stats().messages, 120u);
  EXPECT_EQ(ep.stats().blobs_written, list.size());
}

TEST_P(StorageEndpointTest, NamesAChunkAfterTheTimeItStarted) {
  constexpr int64_t kMax = 1024;
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 300, kMax));
  std::string body(700, 'x');
  message::Message a = deviceMessage("dev-1", 0, body);
  message::Message b = deviceMessage("dev-1", 1, body);
  clock_.set(seconds(5));
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  clock_.set(seconds(130));  // 10:02:10, same window; b does not fit beside a
  EXPECT_EQ(ep.deliver(std::vector{outbound(b, 0)}).delivered, 1u);
  ep.flush(seconds(140));
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/02"}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0, 1}));
}

TEST_P(StorageEndpointTest, SplitsAtTheSmallestChunkSizeIotHubAllows) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60, kMinChunkBytes));
  // 50 messages of 250,000-byte bodies: 12.5 MB, more than one 10 MiB chunk.
  std::vector<message::Message> msgs;
  std::mt19937_64 rng(42);  // incompressible bodies: deflate must not make them fit
  for (int i = 0; i < 50; ++i) msgs.push_back(deviceMessage("dev-1", i, randomBytes(rng, 250000)));
  std::vector<OutboundMessage> batch;
  for (const auto& m : msgs) batch.push_back(outbound(m, 1));
  EXPECT_EQ(ep.deliver(batch).delivered, 50u);
  ep.flush(seconds(1));
  std::vector<BlobInfo> list = blobs(dir_.path());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "myhub/01/2024/03/01/10/00");
  EXPECT_EQ(list[1].name, "myhub/01/2024/03/01/10/00-1");
  for (const BlobInfo& b : list) EXPECT_LE(b.size, static_cast<uint64_t>(kMinChunkBytes));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "01"), range(0, 50));
  if (GetParam() == Encoding::kAvro) {
    // The first chunk is as full as the limit allows: one more record would not have fitted.
    EXPECT_GT(list[0].size + 250000 + 300, static_cast<uint64_t>(kMinChunkBytes));
  }
}

// With the null codec and JSON lines a chunk's size is known exactly before a record is added:
// a chunk holds every record that fits in maxChunkSizeInBytes and not one more.
class StorageChunkBoundaryTest : public StorageEndpointTest {
 protected:
  // The size of a blob holding the first `n` of `msgs`, written without a practical limit.
  uint64_t blobSizeOf(const std::vector<message::Message>& msgs, size_t n) {
    TempDir dir;
    ManualClock clock;
    StorageEndpoint ep(makeContext(clock, dir.path()), "archive", makeOptions(GetParam(), 60));
    std::vector<OutboundMessage> batch;
    for (size_t i = 0; i < n; ++i) batch.push_back(outbound(msgs[i], 0));
    EXPECT_EQ(ep.deliver(batch).delivered, n);
    ep.flush(seconds(1));
    std::vector<BlobInfo> list = blobs(dir.path());
    return list.size() == 1 ? list[0].size : 0;
  }
};

TEST_P(StorageChunkBoundaryTest, AChunkHoldsExactlyTheRecordsThatFit) {
  std::vector<message::Message> msgs;  // records of one size: seq has one digit
  for (int i = 0; i < 7; ++i) msgs.push_back(deviceMessage("dev-1", i, kTelemetry));
  const uint64_t three = blobSizeOf(msgs, 3);
  ASSERT_GT(three, blobSizeOf(msgs, 2));
  struct Case {
    uint64_t max_chunk_bytes;
    std::vector<size_t> records_per_chunk;
  };
  for (const Case& c : {Case{three, {3, 3, 1}}, Case{three - 1, {2, 2, 2, 1}}}) {
    SCOPED_TRACE(c.max_chunk_bytes);
    TempDir dir;
    StorageEndpoint ep(makeContext(clock_, dir.path()), "archive",
                       makeOptions(GetParam(), 60, static_cast<int64_t>(c.max_chunk_bytes)));
    std::vector<OutboundMessage> batch;
    for (const auto& m : msgs) batch.push_back(outbound(m, 0));
    EXPECT_EQ(ep.deliver(batch).delivered, msgs.size());
    ep.flush(seconds(1));
    std::vector<BlobInfo> list = blobs(dir.path());
    std::sort(list.begin(), list.end(), [](const BlobInfo& a, const BlobInfo& b) {
      return chunkNumber(a.name) < chunkNumber(b.name);
    });
    std::vector<size_t> per_chunk;
    for (const BlobInfo& b : list) {
      per_chunk.push_back(records(b.path).size());
      EXPECT_LE(b.size, c.max_chunk_bytes) << b.name;
    }
    EXPECT_EQ(per_chunk, c.records_per_chunk);
    EXPECT_EQ(list.front().size, blobSizeOf(msgs, c.records_per_chunk.front()));
    EXPECT_EQ(seqsOfPartition(dir.path(), "00"), range(0, 7));
  }
}

INSTANTIATE_TEST_SUITE_P(ExactSizeEncodings, StorageChunkBoundaryTest,
                         ::testing::Values(Encoding::kAvro, Encoding::kJson), encodingParamName);

// --- records -------------------------------------------------------------------------------

TEST_P(StorageEndpointTest, RecordsReadBackWithEveryField) {
  router::testing::BuiltTable built = router::testing::buildTable(R"({
    "endpoints": {"storageContainers": [{"name": "archive", "containerName": "archive"}]},
    "routes": [{"name": "all", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["archive"], "isEnabled": true}],
    "enrichments": [{"key": "hub", "value": "$iothubname", "endpointNames": ["archive"]},
                    {"key": "site", "value": "plant-7", "endpointNames": ["archive"]}]
  })",
                                                                  "myhub");
  ASSERT_NE(built.table, nullptr);
  auto archive = static_cast<uint16_t>(built.table->endpointIndex("archive"));

  message::Message m;
  m.device_id = "thermostat-1";
  m.app_properties.set("seq", "0");
  m.app_properties.set("level", "warning");
  m.app_properties.set("flag", std::nullopt);  // present without a value
  m.body.assign(R"({ "temperature": 21.5, "ok": true })");
  m.system_properties.set("messageId", "msg-0001");
  m.system_properties.set("correlationId", "corr-9");
  m.system_properties.set("contentType", "application/json");
  m.system_properties.set("contentEncoding", "utf-8");
  m.system_properties.set("dt-subject", "thermostat1");
  message::stampIngress(m,
                        utcAt(5) + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                       std::chrono::nanoseconds(123456700)));

  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam()));
  OutboundMessage out = outbound(m, 0);
  out.table = built.table.get();
  out.table_endpoint = archive;
  EXPECT_EQ(ep.deliver(std::vector{out}).delivered, 1u);
  ep.flush(seconds(6));

  std::vector<BlobInfo> list = blobs(dir_.path());
  ASSERT_EQ(list.size(), 1u);
  std::vector<BlobRecord> rs = records(list[0].path);
  ASSERT_EQ(rs.size(), 1u);
  const BlobRecord& r = rs[0];
  EXPECT_EQ(r.enqueued_time_utc, "2024-03-01T10:00:05.1234567Z");
  EXPECT_EQ(r.properties, (PropertyList{{"seq", "0"},
                                        {"level", "warning"},
                                        {"flag", ""},
                                        {"hub", "myhub"},
                                        {"site", "plant-7"}}));
  PropertyList expected_system = {
      {"messageId", "msg-0001"},
      {"correlationId", "corr-9"},
      {"contentType", "application/json"},
      {"contentEncoding", "utf-8"},
      {"dt-subject", "thermostat1"},
      {"connectionDeviceId", "thermostat-1"},
      {"connectionDeviceGenerationId", message::generationIdOf("thermostat-1")},
      {"connectionAuthMethod",
       R"({"scope":"device","type":"sas","issuer":"iothub","acceptingIpFilterRule":null})"},
      {"enqueuedTime", "2024-03-01T10:00:05.1234567Z"},
  };
  EXPECT_EQ(r.system_properties, expected_system);
  ASSERT_TRUE(r.body.has_value());
  EXPECT_TRUE(r.body_was_json);
  if (GetParam() == Encoding::kJson) {
    EXPECT_EQ(*r.body, R"({"temperature":21.5,"ok":true})");  // whitespace dropped
    EXPECT_EQ(readBytes(list[0].path), recordToJson(r) + "\n");
  } else {
    EXPECT_EQ(*r.body, R"({ "temperature": 21.5, "ok": true })");  // bytes as sent
  }
  EXPECT_EQ(
      recordToJson(r),
      R"({"EnqueuedTimeUtc":"2024-03-01T10:00:05.1234567Z",)"
      R"("Properties":{"seq":"0","level":"warning","flag":"","hub":"myhub","site":"plant-7"},)"
      R"("SystemProperties":{"messageId":"msg-0001","correlationId":"corr-9",)"
      R"("contentType":"application/json","contentEncoding":"utf-8","dt-subject":"thermostat1",)"
      R"("connectionDeviceId":"thermostat-1","connectionDeviceGenerationId":")" +
          message::generationIdOf("thermostat-1") +
          R"(","connectionAuthMethod":"{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":)"
          R"(\"iothub\",\"acceptingIpFilterRule\":null}","enqueuedTime":)"
          R"("2024-03-01T10:00:05.1234567Z"},"Body":{"temperature":21.5,"ok":true}})");
}

TEST_P(StorageEndpointTest, UnstampedMessagesGetTheirIngressTimeAsEnqueuedTime) {
  message::Message m;
  m.device_id = "dev-1";
  m.body.assign("raw");
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam()));
  EXPECT_EQ(ep.deliver(std::vector{outbound(m, 0, seconds(5.5))}).delivered, 1u);
  ep.flush(seconds(6));
  std::vector<BlobInfo> list = blobs(dir_.path());
  ASSERT_EQ(list.size(), 1u);
  std::vector<BlobRecord> rs = records(list[0].path);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].enqueued_time_utc, "2024-03-01T10:00:05.5000000Z");
  EXPECT_EQ(lookup(rs[0].system_properties, "enqueuedTime"), "2024-03-01T10:00:05.5000000Z");
  EXPECT_EQ(rs[0].body, "raw");
  EXPECT_FALSE(rs[0].body_was_json);
}

struct BodyCase {
  const char* name;
  std::string body;
  const char* content_type;
  const char* content_encoding;
  bool as_json;            // JSON encoding writes Body as a JSON value
  std::string json_value;  // the Body as written in the JSON line
  // What readBlob gives for the JSON line when it differs from the rule "the JSON text if
  // as_json, else the body's bytes": the one ambiguous case, read as base64.
  std::optional<std::string> json_read_body = std::nullopt;
};

std::vector<BodyCase> bodyCases() {
  auto b64 = [](std::string_view s) { return "\"" + base64::encode(s) + "\""; };
  return {
      {"json_utf8", R"({"a":1})", "application/json", "utf-8", true, R"({"a":1})"},
      {"letter_case_ignored", "{\n  \"a\": [1, 2],\n  \"s\": \"x y\"\n}", "Application/JSON",
       "UTF-8", true, R"({"a":[1,2],"s":"x y"})"},
      {"json_scalar", "42", "application/json", "utf-8", true, "42"},
      {"json_string", R"("hello world")", "application/json", "utf-8", true, R"("hello world")"},
      {"json_string_that_is_base64", R"("abcd")", "application/json", "utf-8", true, R"("abcd")",
       *base64::decode("abcd")},
      {"invalid_json", "not json", "application/json", "utf-8", false, b64("not json")},
      {"empty_body", "", "application/json", "utf-8", false, R"("")"},
      {"utf16", R"({"a":1})", "application/json", "utf-16", false, b64(R"({"a":1})")},
      {"text_plain", R"({"a":1})", "text/plain", "utf-8", false, b64(R"({"a":1})")},
      {"no_content_type", R"({"a":1})", "", "", false, b64(R"({"a":1})")},
      {"binary", std::string("\x00\xff\x10\n", 4), "", "", false,
       b64(std::string("\x00\xff\x10\n", 4))},
      {"invalid_utf8_json", "\"\xff\"", "application/json", "utf-8", false, b64("\"\xff\"")},
  };
}

TEST(StorageEndpointJsonTest, BodyIsJsonOnlyForValidJsonInApplicationJsonUtf8) {
  ManualClock clock;
  TempDir avro_dir;
  TempDir json_dir;
  std::vector<BodyCase> cases = bodyCases();
  std::vector<message::Message> msgs;
  for (size_t i = 0; i < cases.size(); ++i) {
    msgs.push_back(deviceMessage("dev-1", static_cast<int64_t>(i), cases[i].body,
                                 cases[i].content_type, cases[i].content_encoding));
  }
  std::vector<OutboundMessage> batch;
  for (const auto& m : msgs) batch.push_back(outbound(m, 0));
  {
    StorageEndpoint json(makeContext(clock, json_dir.path()), "j", makeOptions(Encoding::kJson));
    StorageEndpoint avro(makeContext(clock, avro_dir.path()), "a", makeOptions(Encoding::kAvro));
    EXPECT_EQ(json.deliver(batch).delivered, cases.size());
    EXPECT_EQ(avro.deliver(batch).delivered, cases.size());
    json.flush(seconds(1));
    avro.flush(seconds(1));
  }
  std::vector<BlobInfo> json_blobs = blobs(json_dir.path());
  std::vector<BlobInfo> avro_blobs = blobs(avro_dir.path());
  ASSERT_EQ(json_blobs.size(), 1u);
  ASSERT_EQ(avro_blobs.size(), 1u);

  std::string text = readBytes(json_blobs[0].path);
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "every line ends with a newline";
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::vector<BlobRecord> from_json = records(json_blobs[0].path);
  std::vector<BlobRecord> from_avro = records(avro_blobs[0].path);
  ASSERT_EQ(lines.size(), cases.size());
  ASSERT_EQ(from_json.size(), cases.size());
  ASSERT_EQ(from_avro.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const BodyCase& c = cases[i];
    SCOPED_TRACE(c.name);
    std::string suffix = ",\"Body\":" + c.json_value + "}";
    ASSERT_GE(lines[i].size(), suffix.size());
    EXPECT_EQ(lines[i].substr(lines[i].size() - suffix.size()), suffix);
    // Read back from JSON lines: the JSON text, or the bytes the base64 stood for.
    if (c.json_read_body) {
      EXPECT_FALSE(from_json[i].body_was_json);
      EXPECT_EQ(from_json[i].body, *c.json_read_body);
    } else {
      EXPECT_EQ(from_json[i].body_was_json, c.as_json);
      EXPECT_EQ(from_json[i].body, c.as_json ? c.json_value : c.body);
    }
    EXPECT_EQ(recordToJson(from_json[i]), lines[i]);
    // Read back from Avro: the bytes as sent, printed exactly as the JSON encoding wrote them.
    EXPECT_EQ(from_avro[i].body, c.body);
    EXPECT_EQ(from_avro[i].body_was_json, c.as_json);
    EXPECT_EQ(recordToJson(from_avro[i]), lines[i]);
  }
}

// --- failures ------------------------------------------------------------------------------

TEST_P(StorageEndpointTest, ReportsAFolderItCannotCreateAndLosesNothingOnRetry) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  std::vector<message::Message> msgs;
  for (int i = 0; i < 6; ++i) msgs.push_back(deviceMessage("dev-1", i, kTelemetry));
  // A file where partition 01's folder must go.
  fs::path blocker = dir_.path() / "acct1" / "archive" / "myhub" / "01";
  fs::create_directories(blocker.parent_path());
  { std::ofstream(blocker) << "in the way"; }

  std::vector<OutboundMessage> batch;
  for (int i = 0; i < 6; ++i) batch.push_back(outbound(msgs[i], i < 2 ? 0 : i % 2));
  // Partitions: 0, 0, 0, 1, 0, 1 -> the fourth message cannot be stored.
  auto report = ep.deliver(batch);
  EXPECT_EQ(report.delivered, 3u);
  EXPECT_EQ(report.failure, DeliveryFailure::kInternalError);
  EXPECT_NE(report.detail.find("myhub/01"), std::string::npos) << report.detail;
  EXPECT_EQ(ep.stats().write_failures, 1u);
  EXPECT_EQ(ep.lastError(), report.detail);

  // Still blocked: the retry of the rest fails the same way, accepting nothing.
  std::vector<OutboundMessage> rest(batch.begin() + 3, batch.end());
  EXPECT_EQ(ep.deliver(rest).delivered, 0u);

  fs::remove(blocker);
  report = ep.deliver(rest);
  EXPECT_EQ(report.delivered, 3u);
  EXPECT_EQ(report.failure, DeliveryFailure::kNone);
  ep.flush(seconds(30));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0, 1, 2, 4}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "01"), (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(ep.stats().messages, 6u);
}

TEST_P(StorageEndpointTest, RetriesAWindowsEmptyBlobsAfterAFailure) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  fs::path blocker = dir_.path() / "acct1" / "archive" / "myhub" / "01";
  fs::create_directories(blocker.parent_path());
  { std::ofstream(blocker) << "in the way"; }
  ep.tick(seconds(60));
  EXPECT_EQ(ep.stats().write_failures, 1u);
  EXPECT_NE(ep.lastError().find("myhub/01"), std::string::npos);
  // Until the window is closed, deliveries are refused (their window is not current yet).
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).failure, DeliveryFailure::kInternalError);
  fs::remove(blocker);
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  ep.flush(seconds(61));
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/01",
                                      "myhub/01/2024/03/01/10/00"}));
  EXPECT_EQ(ep.stats().empty_blobs, 2u);
}

// RLIMIT_FSIZE makes a block write fail part-way (EFBIG) without root privileges mattering.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old_);
    rlimit l = old_;
    l.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &l) == 0;
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    signal(SIGXFSZ, old_handler_);
  }
  bool ok() const { return ok_; }

 private:
  rlimit old_{};
  sighandler_t old_handler_;
  bool ok_ = false;
};

TEST_P(StorageEndpointTest, AFailedBlockWriteIsTakenBackAndRetried) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  std::vector<message::Message> msgs;
  std::mt19937_64 rng(7);  // incompressible, so deflate blocks are as large as the others
  for (int i = 0; i < 400; ++i) msgs.push_back(deviceMessage("dev-1", i, randomBytes(rng, 1000)));
  std::vector<OutboundMessage> batch;
  for (const auto& m : msgs) batch.push_back(outbound(m, 0));
  size_t delivered = 0;
  {
    // Room for the header and one 64 KiB block, not two.
    FileSizeLimit limit(100000);
    ASSERT_TRUE(limit.ok());
    auto report = ep.deliver(batch);
    delivered = report.delivered;
    EXPECT_EQ(report.failure, DeliveryFailure::kInternalError);
    EXPECT_NE(report.detail.find("write failed"), std::string::npos) << report.detail;
  }
  EXPECT_GT(delivered, 60u);
  EXPECT_LT(delivered, 400u);
  std::vector<OutboundMessage> rest(batch.begin() + static_cast<std::ptrdiff_t>(delivered),
                                    batch.end());
  auto report = ep.deliver(rest);
  EXPECT_EQ(report.delivered, rest.size()) << report.detail;
  ep.flush(seconds(10));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), range(0, 400));
}

TEST_P(StorageEndpointTest, UnusableOptionsRefuseEveryDelivery) {
  ContainerOptions o = makeOptions(GetParam());
  o.file_name_format = "{iothub}/{partition}/{YYYY}/{MM}/{DD}";
  StorageEndpoint ep(ctx_, "archive", o);
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  auto report = ep.deliver(std::vector{outbound(a, 0)});
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.failure, DeliveryFailure::kInternalError);
  EXPECT_EQ(report.detail.rfind("storage endpoint 'archive': fileNameFormat: must contain", 0), 0u)
      << report.detail;
  EXPECT_NE(report.detail.find("missing {HH} {mm}"), std::string::npos);
  ep.flush(seconds(600));
  EXPECT_FALSE(fs::exists(dir_.path() / "acct1"));
}

// --- names, listing, stats -----------------------------------------------------------------

TEST_P(StorageEndpointTest, ATakenNameGetsANumericSuffixBeforeTheExtension) {
  ContainerOptions o = makeOptions(GetParam());
  o.file_name_format = "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}.data";
  fs::path taken = dir_.path() / "acct1" / "archive" / "myhub/00/2024/03/01/10/00.data";
  fs::create_directories(taken.parent_path());
  { std::ofstream(taken) << "someone else's"; }
  StorageEndpoint ep(ctx_, "archive", o);
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  ep.flush(seconds(1));
  EXPECT_EQ(readBytes(taken), "someone else's");
  EXPECT_EQ(blobNames(dir_.path()), (std::vector<std::string>{"myhub/00/2024/03/01/10/00-1.data",
                                                              "myhub/00/2024/03/01/10/00.data"}));
  EXPECT_EQ(records(dir_.path() / "acct1/archive/myhub/00/2024/03/01/10/00-1.data").size(), 1u);
}

TEST_P(StorageEndpointTest, StatsCountMessagesBytesAndBlobs) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  std::vector<message::Message> msgs;
  for (int i = 0; i < 10; ++i) msgs.push_back(deviceMessage("dev-1", i, kTelemetry));
  std::vector<OutboundMessage> batch;
  for (const auto& m : msgs) batch.push_back(outbound(m, 1));
  EXPECT_EQ(ep.deliver(batch).delivered, 10u);
  ep.tick(seconds(60));
  ep.flush(seconds(61));
  StorageStats s = ep.stats();
  std::vector<BlobInfo> list = blobs(dir_.path());
  uint64_t bytes = 0;
  for (const BlobInfo& b : list) bytes += b.size;
  EXPECT_EQ(s.messages, 10u);
  EXPECT_EQ(s.blobs_written, list.size());
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(s.empty_blobs, 1u);
  EXPECT_EQ(s.bytes_written, bytes);
  EXPECT_EQ(s.write_failures, 0u);
  EXPECT_EQ(ep.lastError(), "");
}

TEST_P(StorageEndpointTest, APartitionBeyondTheBuiltinCountStillGetsItsBlobs) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 5)}).delivered, 1u);
  ep.tick(seconds(60));
  std::vector<std::string> names = blobNames(dir_.path());
  EXPECT_NE(std::find(names.begin(), names.end(), "myhub/05/2024/03/01/10/00"), names.end());
  EXPECT_EQ(seqsOfPartition(dir_.path(), "05"), (std::vector<int64_t>{0}));
}

TEST_P(StorageEndpointTest, DestroyingTheEndpointCompletesOpenChunks) {
  {
    StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
    message::Message a = deviceMessage("dev-1", 0, kTelemetry);
    EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  }
  EXPECT_EQ(blobNames(dir_.path()), (std::vector<std::string>{"myhub/00/2024/03/01/10/00"}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0}));
}

TEST_P(StorageEndpointTest, TheSameRunWritesTheSameBytes) {
  TempDir other;
  std::vector<message::Message> msgs;
  for (int i = 0; i < 50; ++i) msgs.push_back(deviceMessage("dev-1", i, kTelemetry));
  std::vector<OutboundMessage> batch;
  for (size_t i = 0; i < msgs.size(); ++i) batch.push_back(outbound(msgs[i], i % 2));
  for (const fs::path& dir : {dir_.path(), other.path()}) {
    ManualClock clock;
    StorageEndpoint ep(makeContext(clock, dir), "archive", makeOptions(GetParam(), 60));
    EXPECT_EQ(ep.deliver(batch).delivered, 50u);
    ep.flush(seconds(120));
  }
  std::vector<BlobInfo> a = blobs(dir_.path());
  std::vector<BlobInfo> b = blobs(other.path());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(readBytes(a[i].path), readBytes(b[i].path)) << a[i].name;
  }
}

TEST_P(StorageEndpointTest, DataAfterAFlushInTheSameWindowGoesToANewChunk) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  message::Message b = deviceMessage("dev-1", 1, kTelemetry);
  clock_.set(seconds(10));
  EXPECT_EQ(ep.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  ep.flush(clock_.nowNs());
  EXPECT_EQ(blobNames(dir_.path()), (std::vector<std::string>{"myhub/00/2024/03/01/10/00"}));
  std::string first = readBytes(dir_.path() / "acct1/archive/myhub/00/2024/03/01/10/00");
  clock_.set(seconds(20));
  EXPECT_EQ(ep.deliver(std::vector{outbound(b, 0)}).delivered, 1u);
  ep.tick(seconds(60));
  // The completed blob is never reopened; the window's other partition still gets its empty blob.
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/00-1",
                                      "myhub/01/2024/03/01/10/00"}));
  EXPECT_EQ(readBytes(dir_.path() / "acct1/archive/myhub/00/2024/03/01/10/00"), first);
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(ep.stats().empty_blobs, 1u);
}

TEST_P(StorageEndpointTest, ARestartedEndpointKeepsEarlierBlobsAndNamesAroundThem) {
  message::Message a = deviceMessage("dev-1", 0, kTelemetry);
  message::Message b = deviceMessage("dev-1", 1, kTelemetry);
  clock_.set(seconds(10));
  {
    StorageEndpoint before(ctx_, "archive", makeOptions(GetParam(), 60));
    EXPECT_EQ(before.deliver(std::vector{outbound(a, 0)}).delivered, 1u);
  }  // stopped mid-window: its chunk is completed
  const fs::path first = dir_.path() / "acct1/archive/myhub/00/2024/03/01/10/00";
  std::string first_bytes = readBytes(first);
  ASSERT_FALSE(first_bytes.empty());

  clock_.set(seconds(20));
  StorageEndpoint after(ctx_, "archive", makeOptions(GetParam(), 60));
  EXPECT_EQ(after.deliver(std::vector{outbound(b, 0)}).delivered, 1u);
  after.tick(seconds(60));
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/00-1",
                                      "myhub/01/2024/03/01/10/00"}));
  EXPECT_EQ(readBytes(first), first_bytes);
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0, 1}));
}

TEST_P(StorageEndpointTest, TwoEndpointsOnOneContainerNeverOverwriteEachOther) {
  StorageEndpoint first(ctx_, "archive-a", makeOptions(GetParam(), 60));
  StorageEndpoint second(ctx_, "archive-b", makeOptions(GetParam(), 60));
  std::vector<message::Message> msgs;
  for (int i = 0; i < 6; ++i) msgs.push_back(deviceMessage("dev-1", i, kTelemetry));
  for (int i = 0; i < 6; ++i) {
    StorageEndpoint& ep = i < 3 ? first : second;
    EXPECT_EQ(ep.deliver(std::vector{outbound(msgs[i], 0)}).delivered, 1u);
  }
  first.tick(seconds(60));
  second.tick(seconds(60));
  EXPECT_EQ(blobNames(dir_.path()),
            (std::vector<std::string>{"myhub/00/2024/03/01/10/00", "myhub/00/2024/03/01/10/00-1",
                                      "myhub/01/2024/03/01/10/00", "myhub/01/2024/03/01/10/00-1"}));
  // The first endpoint reserved the plain name when it opened its chunk.
  EXPECT_EQ(records(dir_.path() / "acct1/archive/myhub/00/2024/03/01/10/00").size(), 3u);
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), range(0, 6));
}

// Drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the calling thread's effective set (and
// restores them), so that file modes bind even when the tests run as root.
class ScopedFileModesEnforced {
 public:
  ScopedFileModesEnforced() {
    header_.version = _LINUX_CAPABILITY_VERSION_3;
    header_.pid = 0;
    if (syscall(SYS_capget, &header_, saved_) != 0) return;
    __user_cap_data_struct lowered[2] = {saved_[0], saved_[1]};
    for (int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH}) {
      lowered[cap / 32].effective &= ~(1u << (cap % 32));
    }
    ok_ = syscall(SYS_capset, &header_, lowered) == 0;
  }
  ~ScopedFileModesEnforced() {
    if (ok_) syscall(SYS_capset, &header_, saved_);
  }
  ScopedFileModesEnforced(const ScopedFileModesEnforced&) = delete;
  ScopedFileModesEnforced& operator=(const ScopedFileModesEnforced&) = delete;
  bool ok() const { return ok_; }

 private:
  __user_cap_header_struct header_{};
  __user_cap_data_struct saved_[2]{};
  bool ok_ = false;
};

TEST_P(StorageEndpointTest, AReadOnlyFolderIsReportedWithItsPathAndNothingIsLost) {
  StorageEndpoint ep(ctx_, "archive", makeOptions(GetParam(), 60));
  std::vector<message::Message> msgs;
  for (int i = 0; i < 8; ++i) msgs.push_back(deviceMessage("dev-1", i, kTelemetry));
  EXPECT_EQ(ep.deliver(std::vector{outbound(msgs[0], 0), outbound(msgs[1], 1)}).delivered, 2u);
  ep.tick(seconds(60));  // the hour folders exist now

  const fs::path folder = dir_.path() / "acct1/archive/myhub/00/2024/03/01/10";
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  router::DeliveryReport report;
  {
    ScopedFileModesEnforced modes;
    ASSERT_TRUE(modes.ok());
    // The folder is really read-only to this thread now.
    int probe = ::open((folder / "probe").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    ASSERT_LT(probe, 0) << "the folder is still writable";
    ASSERT_EQ(errno, EACCES);

    clock_.set(seconds(70));
    std::vector<OutboundMessage> batch;
    for (int i = 2; i < 8; ++i) batch.push_back(outbound(msgs[i], i % 2));  // 1 goes first
    report = ep.deliver(batch);
  }
  EXPECT_EQ(report.delivered, 0u);  // message 2, partition 0, is the first one refused
  EXPECT_EQ(report.failure, DeliveryFailure::kInternalError);
  EXPECT_EQ(report.detail,
            (folder / ".routesim-partial-01").string() + ": cannot create: Permission denied");
  EXPECT_EQ(ep.lastError(), report.detail);
  EXPECT_EQ(ep.stats().write_failures, 1u);

  fs::permissions(folder, fs::perms::owner_write, fs::perm_options::add);
  std::vector<OutboundMessage> batch;
  for (int i = 2; i < 8; ++i) batch.push_back(outbound(msgs[i], i % 2));
  report = ep.deliver(batch);
  EXPECT_EQ(report.delivered, 6u) << report.detail;
  ep.flush(seconds(80));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "00"), (std::vector<int64_t>{0, 2, 4, 6}));
  EXPECT_EQ(seqsOfPartition(dir_.path(), "01"), (std::vector<int64_t>{1, 3, 5, 7}));
}

INSTANTIATE_TEST_SUITE_P(Encodings, StorageEndpointTest,
                         ::testing::Values(Encoding::kAvro, Encoding::kAvroDeflate,
                                           Encoding::kJson),
                         encodingParamName);

}  // namespace
}  // namespace routesim::endpoints::storage
