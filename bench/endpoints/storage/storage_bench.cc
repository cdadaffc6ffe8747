// Benchmarks of the Storage endpoint emulator (docs/endpoints-storage.md, "Performance"):
//   * BM_DeliverStorage/encoding:0|1|2 (avro, avrodeflate, JSON): batches of 64 routed telemetry
//     messages (JSON bodies of 200..400 bytes, three application properties, the system
//     properties IoT Hub stamps) over 4 partitions into a StorageEndpoint writing real blob files
//     under /tmp. Virtual time advances one second per batch, so the 60-second windows close
//     (chunks completed and renamed) every 60 batches, as in a run.
//   * BM_WriteRawBodies/batched:0|1, the baseline: the same bodies appended to one file with
//     plain write() calls, one per message (0) or one per batch of 64 (1).
// Items are messages and bytes are message-body bytes everywhere, so MB/s compare directly.
// Inputs come from tools/telemetry's fixed seed, built outside the timed loops. Outside the
// timing, every generation of blobs is read back (blob_reader) and must hold exactly the records
// delivered, and the raw file exactly the bytes written. Files live in a mkdtemp folder under
// /tmp, removed at the end.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/endpoints/endpoint_bench_support.h"
#include "core/common/clock.h"
#include "core/message/stamp.h"
#include "core/router/endpoint.h"
#include "core/routing/routing_config.h"
#include "endpoints/common/emulator_context.h"
#include "endpoints/storage/blob_reader.h"
#include "endpoints/storage/storage_config.h"
#include "endpoints/storage/storage_endpoint.h"
#include "tools/telemetry/telemetry_generator.h"

namespace routesim::bench {
namespace {

namespace fs = std::filesystem;
using endpoints::EmulatorContext;
using endpoints::storage::ContainerOptions;
using endpoints::storage::Encoding;
using endpoints::storage::StorageEndpoint;

// After this many messages the blobs are checked and removed (outside the timing), which
// bounds the disk a long run takes.
constexpr uint64_t kMessagesPerGeneration = 1 << 16;

// A fresh folder under /tmp, removed with its contents.
class BenchDir {
 public:
  BenchDir() {
    std::string pattern = "/tmp/routesim-storage-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~BenchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Empties `dir` (its contents, not the folder itself).
void clear(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
}

// The records in every blob under `out`, or -1 when one cannot be listed or read.
int64_t recordsUnder(const fs::path& out) {
  auto blobs = endpoints::storage::listBlobs(out);
  if (!blobs.ok()) return -1;
  int64_t n = 0;
  for (const auto& b : *blobs) {
    auto records = endpoints::storage::readBlob(b.path);
    if (!records.ok()) return -1;
    n += static_cast<int64_t>(records->size());
  }
  return n;
}

void BM_DeliverStorage(benchmark::State& state) {
  const Batches& b = batches();
  BenchDir dir;
  if (dir.path().empty()) {
    state.SkipWithError("mkdtemp under /tmp failed");
    return;
  }
  ManualClock clock;
  EmulatorContext context;
  context.clock = &clock;
  context.utc_at_zero_ns = 1704067200LL * 1'000'000'000LL;
  context.out_dir = dir.path();
  context.hub_name = "bench-hub";
  context.builtin_partitions = kPartitions;
  ContainerOptions options;
  options.account = "benchaccount";
  options.container = "telemetry";
  options.encoding = static_cast<Encoding>(state.range(0));
  options.batch_frequency_seconds = 60;

  auto endpoint = std::make_unique<StorageEndpoint>(context, "archive", options);
  size_t at = 0;
  uint64_t delivered = 0;
  uint64_t in_generation = 0;
  uint64_t file_bytes = 0;
  // Completes the generation's blobs, checks that they hold every record, removes them.
  auto endGeneration = [&]() -> bool {
    endpoint.reset();
    int64_t found = recordsUnder(dir.path());
    if (found != static_cast<int64_t>(in_generation)) {
      state.SkipWithError("the blobs do not hold the records delivered");
      return false;
    }
    std::error_code ec;
    for (const auto& f : fs::recursive_directory_iterator(dir.path(), ec)) {
      if (f.is_regular_file(ec)) file_bytes += f.file_size(ec);
    }
    clear(dir.path());
    in_generation = 0;
    return true;
  };
  for (auto _ : state) {
    auto batch = std::span(b.all).subspan(at, kBatch);
    router::DeliveryReport report = endpoint->deliver(batch);
    delivered += report.delivered;
    in_generation += report.delivered;
    at = (at + kBatch) % kPoolSize;
    clock.advance(kNsPerSecond);
    if (report.delivered != kBatch) {
      std::fprintf(stderr, "BM_DeliverStorage: %s\n", report.detail.c_str());
      state.SkipWithError("a delivery failed");
      break;
    }
    if (in_generation >= kMessagesPerGeneration) {
      state.PauseTiming();
      if (!endGeneration()) break;
      endpoint = std::make_unique<StorageEndpoint>(context, "archive", options);
      state.ResumeTiming();
    }
  }
  if (in_generation > 0) endGeneration();  // the timed loop is over
  state.SetItemsProcessed(static_cast<int64_t>(delivered));
  state.SetBytesProcessed(static_cast<int64_t>(delivered * b.body_bytes / kPoolSize));
  state.counters["body_bytes"] = static_cast<double>(b.body_bytes) / kPoolSize;
  state.counters["file_bytes"] =
      delivered == 0 ? 0.0 : static_cast<double>(file_bytes) / static_cast<double>(delivered);
  state.SetLabel(std::string(endpoints::storage::encodingName(options.encoding)));
}
BENCHMARK(BM_DeliverStorage)
    ->ArgNames({"encoding"})
    ->Arg(static_cast<int>(Encoding::kAvro))
    ->Arg(static_cast<int>(Encoding::kAvroDeflate))
    ->Arg(static_cast<int>(Encoding::kJson));

bool writeAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void BM_WriteRawBodies(benchmark::State& state) {
  const Batches& b = batches();
  const bool batched = state.range(0) != 0;
  BenchDir dir;
  if (dir.path().empty()) {
    state.SkipWithError("mkdtemp under /tmp failed");
    return;
  }
  const fs::path file = dir.path() / "bodies";
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    state.SkipWithError("cannot create the file");
    return;
  }
  std::string buffer;
  size_t at = 0;
  uint64_t written = 0;
  uint64_t messages = 0;
  uint64_t in_file = 0;  // bytes since the file was last truncated
  for (auto _ : state) {
    bool ok = true;
    if (batched) {
      buffer.clear();
      for (size_t i = at; i < at + kBatch; ++i) buffer += b.all[i].message->body.view();
      ok = writeAll(fd, buffer.data(), buffer.size());
      in_file += buffer.size();
      written += buffer.size();
    } else {
      for (size_t i = at; i < at + kBatch && ok; ++i) {
        std::string_view body = b.all[i].message->body.view();
        ok = writeAll(fd, body.data(), body.size());
        in_file += body.size();
        written += body.size();
      }
    }
    if (!ok) {
      state.SkipWithError("write failed");
      break;
    }
    messages += kBatch;
    at = (at + kBatch) % kPoolSize;
    if (messages % kMessagesPerGeneration == 0) {
      state.PauseTiming();
      std::error_code ec;
      if (fs::file_size(file, ec) != in_file) {
        state.SkipWithError("the file does not hold the bytes written");
        break;
      }
      if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
        state.SkipWithError("truncate failed");
        break;
      }
      in_file = 0;
      state.ResumeTiming();
    }
  }
  ::close(fd);
  state.SetItemsProcessed(static_cast<int64_t>(messages));
  state.SetBytesProcessed(static_cast<int64_t>(written));
  state.counters["body_bytes"] = static_cast<double>(b.body_bytes) / kPoolSize;
}
BENCHMARK(BM_WriteRawBodies)->ArgNames({"batched"})->Arg(0)->Arg(1);

}  // namespace
}  // namespace routesim::bench
