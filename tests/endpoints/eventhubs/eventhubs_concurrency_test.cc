// Writers and readers on one event hub at the same time: endpoints delivering batches on their
// threads while others read from positions, receive through consumer groups, checkpoint, read
// partition properties, expire and save. Run by the thread-sanitizer build (ctest -L
// concurrency).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/file_io.h"
#include "endpoints/eventhubs/event_hub.h"
#include "endpoints/eventhubs/eventhubs_endpoint.h"
#include "endpoints/eventhubs/persistence.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::endpoints::eventhubs {
namespace {

using router::OutboundMessage;
using router::testing::makeMessage;

constexpr int kDevices = 40;
constexpr int kPerDevice = 150;
constexpr size_t kBatch = 64;

std::string_view property(const PropertyList& list, std::string_view name) {
  for (const auto& [k, v] : list) {
    if (k == name && v) return *v;
  }
  return {};
}

// Device messages "dev-<d>" with "seq" 0..kPerDevice-1, interleaved; `first_device` offsets the
// names so two writers have distinct devices.
std::vector<message::Message> workload(int first_device) {
  std::vector<message::Message> out;
  for (int seq = 0; seq < kPerDevice; ++seq) {
    for (int d = 0; d < kDevices; ++d) {
      message::Message m =
          makeMessage("dev-" + std::to_string(first_device + d), seq, {{"level", "info"}},
                      "{\"reading\":" + std::to_string(seq) + "}");
      m.system_properties.set("messageId", std::to_string(seq));
      out.push_back(std::move(m));
    }
  }
  return out;
}

void deliverAll(router::Endpoint& endpoint, const std::vector<message::Message>& messages) {
  std::vector<OutboundMessage> out;
  for (const message::Message& m : messages) {
    OutboundMessage o;
    o.message = &m;
    o.partition = static_cast<uint16_t>(routing::builtinPartition(m.device_id, 4));
    out.push_back(o);
  }
  for (size_t at = 0; at < out.size(); at += kBatch) {
    size_t n = std::min(kBatch, out.size() - at);
    router::DeliveryReport r = endpoint.deliver(std::span(out).subspan(at, n));
    ASSERT_EQ(r.delivered, n) << r.detail;
  }
}

// Events of one partition must have contiguous sequence numbers and increasing offsets and times.
bool wellFormed(const std::vector<EventData>& events) {
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].sequence_number != events[i - 1].sequence_number + 1) return false;
    if (events[i].offset <= events[i - 1].offset) return false;
    if (events[i].enqueued_ns < events[i - 1].enqueued_ns) return false;
  }
  return true;
}

TEST(EventHubConcurrencyTest, WritersAndReadersShareAHub) {
  EventHubConfig config;
  config.name = "shared";
  config.consumer_groups = {"live"};
  EmulatorContext context;
  auto hub = *EventHub::create(config, context, "contoso-ns");
  // Two routing endpoints on one event hub (IoT Hub allows that), each on its own thread.
  EventHubsEndpoint writer_a(context, hub);
  EventHubsEndpoint writer_b(context, hub);
  const auto messages_a = workload(0);
  const auto messages_b = workload(1000);

  std::atomic<bool> done{false};
  std::atomic<int> bad_reads{0};
  std::atomic<uint64_t> reads{0};

  // Readers from positions and partition properties.
  std::thread position_reader([&] {
    while (!done.load(std::memory_order_acquire)) {
      for (uint32_t p = 0; p < hub->partitionCount(); ++p) {
        auto props = hub->partitionProperties(p);
        auto events = hub->read(p, EventPosition::earliest(), 500);
        auto tail = hub->read(
            p, EventPosition::fromSequenceNumber(props->last_enqueued_sequence_number), 10);
        if (!props.ok() || !events.ok() || !tail.ok() || !wellFormed(*events) ||
            (!events->empty() && events->front().sequence_number != 0)) {
          bad_reads.fetch_add(1);
        }
        reads.fetch_add(1, std::memory_order_relaxed);
      }
      hub->eventCount();
    }
  });

  // A consumer group receiving everything, checkpointing as it goes.
  std::map<std::string, std::vector<int64_t>> received;  // device -> seqs, this thread only
  std::vector<int64_t> next_expected(hub->partitionCount(), 0);
  auto drain = [&] {
    bool any = false;
    for (uint32_t p = 0; p < hub->partitionCount(); ++p) {
      auto batch = hub->receive("live", p, 100);
      if (!batch.ok()) {
        bad_reads.fetch_add(1);
        continue;
      }
      for (const EventData& e : *batch) {
        if (e.sequence_number != next_expected[p]++) bad_reads.fetch_add(1);
        received[e.partition_key].push_back(std::stoll(std::string(property(e.properties, "seq"))));
      }
      if (!batch->empty()) {
        any = true;
        if (!hub->checkpoint("live", p, batch->back().sequence_number).ok()) bad_reads.fetch_add(1);
      }
    }
    return any;
  };
  std::thread consumer([&] {
    while (!done.load(std::memory_order_acquire)) drain();
  });

  // Two savers taking snapshots into one folder while the writers run, and a loader reading
  // what they wrote.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("routesim-eh-concurrency-" + std::to_string(::getpid()));
  ASSERT_TRUE(saveEventHub(*hub, dir).ok());
  auto save_some = [&] {
    for (int i = 0; i < 3 && !done.load(std::memory_order_acquire); ++i) {
      if (!saveEventHub(*hub, dir).ok()) bad_reads.fetch_add(1);
    }
  };
  std::thread saver(save_some);
  std::thread other_saver(save_some);
  std::thread loader([&] {
    for (int i = 0; i < 3 && !done.load(std::memory_order_acquire); ++i) {
      auto loaded = loadEventHub(dir);
      if (!loaded.ok()) {
        ADD_FAILURE() << loaded.error().message();
        bad_reads.fetch_add(1);
      }
    }
  });

  std::thread ta([&] { deliverAll(writer_a, messages_a); });
  std::thread tb([&] { deliverAll(writer_b, messages_b); });
  ta.join();
  tb.join();
  saver.join();
  other_saver.join();
  loader.join();
  done.store(true, std::memory_order_release);
  position_reader.join();
  consumer.join();
  while (drain()) {
  }

  EXPECT_EQ(bad_reads.load(), 0);
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(hub->eventCount(), static_cast<uint64_t>(2 * kDevices * kPerDevice));
  ASSERT_EQ(received.size(), static_cast<size_t>(2 * kDevices));
  for (const auto& [device, seqs] : received) {
    ASSERT_EQ(seqs.size(), static_cast<size_t>(kPerDevice)) << device;
    for (int i = 0; i < kPerDevice; ++i) EXPECT_EQ(seqs[static_cast<size_t>(i)], i) << device;
  }
  auto loaded = loadEventHub(dir);
  EXPECT_TRUE(loaded.ok()) << loaded.error().message();
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
  std::filesystem::remove_all(dir);
}

TEST(EventHubConcurrencyTest, ExpiryWhileWritingAndReading) {
  ManualClock clock(0);
  EmulatorContext context;
  context.clock = &clock;
  EventHubConfig config;
  config.name = "short-lived";
  config.retention_ns = 1000;
  auto hub = *EventHub::create(config, context, "contoso-ns");
  BuiltinEventsEndpoint writer(context, hub);
  const auto messages = workload(0);

  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done.load(std::memory_order_acquire)) {
      for (uint32_t p = 0; p < hub->partitionCount(); ++p) {
        auto props = hub->partitionProperties(p);
        auto events =
            hub->read(p, EventPosition::fromSequenceNumber(props->beginning_sequence_number), 200);
        if (!events.ok() || !wellFormed(*events)) bad.fetch_add(1);
        if (props->retained_events > 0 &&
            props->beginning_sequence_number + static_cast<int64_t>(props->retained_events) - 1 !=
                props->last_enqueued_sequence_number) {
          bad.fetch_add(1);
        }
      }
    }
  });
  std::thread expirer([&] {
    while (!done.load(std::memory_order_acquire)) hub->expire(clock.nowNs());
  });
  std::thread ticking_writer([&] {
    std::vector<OutboundMessage> out;
    for (const message::Message& m : messages) {
      OutboundMessage o;
      o.message = &m;
      o.partition = static_cast<uint16_t>(routing::builtinPartition(m.device_id, 4));
      out.push_back(o);
    }
    for (size_t at = 0; at < out.size(); at += kBatch) {
      size_t n = std::min(kBatch, out.size() - at);
      if (writer.deliver(std::span(out).subspan(at, n)).delivered != n) bad.fetch_add(1);
      clock.advance(100);
      writer.tick(clock.nowNs());
    }
  });
  ticking_writer.join();
  done.store(true, std::memory_order_release);
  reader.join();
  expirer.join();
  EXPECT_EQ(bad.load(), 0);
  clock.advance(2000);
  hub->expire(clock.nowNs());
  EXPECT_EQ(hub->eventCount(), 0u);
  uint64_t last_total = 0;
  for (uint32_t p = 0; p < hub->partitionCount(); ++p) {
    last_total +=
        static_cast<uint64_t>(hub->partitionProperties(p)->last_enqueued_sequence_number + 1);
  }
  EXPECT_EQ(last_total, messages.size());
}

// Every file in `dir`, by name, with its bytes.
std::map<std::string, std::string> filesIn(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto bytes = readFile(entry.path().string());
    EXPECT_TRUE(bytes.ok()) << entry.path();
    out[entry.path().filename().string()] = bytes.ok() ? *bytes : "";
  }
  return out;
}

TEST(EventHubConcurrencyTest, SegmentsReadiedByAHelperWhileAWriterAppends) {
  EventHubConfig config;
  config.name = "readied";
  config.partition_count = 2;
  auto hub = *EventHub::create(config, EmulatorContext{}, "contoso-ns");
  constexpr int kEvents = 400;  // 8 MB per partition: full-size segments, several readied
  auto body = [](int i) { return std::string(40'000 + i % 13, static_cast<char>('a' + i % 26)); };
  std::atomic<bool> writing{true};
  std::atomic<int> bad{0};
  std::thread writer([&] {
    for (int i = 0; i < kEvents; ++i) {
      EventData e;
      e.body = body(i);
      if (!hub->append(static_cast<uint32_t>(i % 2), std::move(e)).ok()) bad.fetch_add(1);
    }
    writing.store(false, std::memory_order_release);
  });
  size_t readied = 0;
  std::thread helper([&] {
    while (writing.load(std::memory_order_acquire)) readied += hub->prepareSegments();
  });
  writer.join();
  helper.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_LE(readied, 40u);  // at most one per segment begun (4 of 2 MB and smaller ones each)
  for (uint32_t p = 0; p < 2; ++p) {
    auto events = hub->read(p, EventPosition::earliest(), kEvents);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), static_cast<size_t>(kEvents / 2));
    for (const EventData& e : *events) {
      ASSERT_EQ(e.body, body(static_cast<int>(e.sequence_number * 2 + p)));
    }
  }
}

TEST(EventHubConcurrencyTest, StreamingSaveFollowsAWriter) {
  EventHubConfig config;
  config.name = "streamed";
  config.partition_count = 4;
  config.consumer_groups = {"cg"};
  auto hub = *EventHub::create(config, EmulatorContext{}, "contoso-ns");
  const std::string suffix = std::to_string(::getpid());
  const std::filesystem::path streamed_dir =
      std::filesystem::temp_directory_path() / ("routesim-eh-streamed-" + suffix);
  const std::filesystem::path whole_dir =
      std::filesystem::temp_directory_path() / ("routesim-eh-streamed-whole-" + suffix);
  std::filesystem::remove_all(streamed_dir);
  std::filesystem::remove_all(whole_dir);
  struct RemoveAfterwards {
    std::vector<std::filesystem::path> dirs;
    ~RemoveAfterwards() {
      for (const auto& d : dirs) std::filesystem::remove_all(d);
    }
  } cleanup{{streamed_dir, whole_dir}};

  constexpr int kEvents = 10000;
  StreamingSave save(*hub, streamed_dir);
  std::atomic<bool> writing{true};
  std::atomic<size_t> streamed{0};  // events catchUp wrote while the writer ran
  std::atomic<int> bad{0};

  // Batches of 1 to 16 events and single appends, round the partitions.
  std::thread writer([&] {
    std::vector<EventData> batch;
    int i = 0;
    bool waited = false;
    while (i < kEvents) {
      const uint32_t p = static_cast<uint32_t>((i / 5) % 4);
      if (!waited && i >= kEvents / 2) {
        // Halfway, until the saver has written some: the two overlap, however they are scheduled.
        waited = true;
        // (Bounded: a save that never writes fails EXPECT_GT below instead of hanging.)
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (streamed.load(std::memory_order_acquire) == 0 &&
               std::chrono::steady_clock::now() < give_up) {
          std::this_thread::yield();
        }
      }
      auto make = [&](int n) {
        EventData e;
        e.body = "{\"n\":" + std::to_string(n) + "}";
        e.properties = {{"n", std::to_string(n)}};
        if (n % 3 == 0) e.partition_key = "dev-" + std::to_string(n % 7);
        return e;
      };
      if (i % 4 == 0) {
        if (!hub->append(p, make(i)).ok()) bad.fetch_add(1);
        ++i;
        continue;
      }
      const int n = std::min(1 + i % 16, kEvents - i);
      batch.clear();
      for (int k = 0; k < n; ++k) batch.push_back(make(i + k));
      if (hub->appendBatch(p, batch).appended != static_cast<size_t>(n)) bad.fetch_add(1);
      i += n;
    }
    writing.store(false, std::memory_order_release);
  });
  std::thread saver([&] {
    while (writing.load(std::memory_order_acquire)) {
      streamed.fetch_add(save.catchUp(64), std::memory_order_acq_rel);
    }
  });
  writer.join();
  saver.join();

  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(streamed.load(), 0u);
  EXPECT_LE(streamed.load(), static_cast<size_t>(kEvents));
  ASSERT_EQ(hub->eventCount(), static_cast<uint64_t>(kEvents));
  Status finished = save.finish(2);
  ASSERT_TRUE(finished.ok()) << finished.error().message();
  ASSERT_TRUE(saveEventHub(*hub, whole_dir).ok());

  const auto got = filesIn(streamed_dir);
  const auto want = filesIn(whole_dir);
  EXPECT_EQ(want.size(), 5u);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [name, bytes] : want) {
    auto it = got.find(name);
    ASSERT_NE(it, got.end()) << name;
    EXPECT_TRUE(it->second == bytes)
        << name << ": " << it->second.size() << " bytes, " << bytes.size() << " expected";
  }
  size_t lines = 0;  // one event a line
  for (const auto& [name, bytes] : got) {
    if (name != "eventhub.json")
      lines += static_cast<size_t>(std::count(bytes.begin(), bytes.end(), '\n'));
  }
  EXPECT_EQ(lines, static_cast<size_t>(kEvents));
}

}  // namespace
}  // namespace routesim::endpoints::eventhubs
