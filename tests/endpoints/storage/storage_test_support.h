// Shared by the storage endpoint tests: a temporary output folder (under TMPDIR, removed
// afterwards), an emulator context on a ManualClock whose time 0 is 2024-03-01T10:00:00Z,
// stamped device messages, and helpers that read blobs back in chunk order.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/clock.h"
#include "core/message/message.h"
#include "core/message/stamp.h"
#include "core/router/endpoint.h"
#include "endpoints/common/emulator_context.h"
#include "endpoints/storage/blob_reader.h"
#include "endpoints/storage/storage_config.h"
#include "endpoints/storage/storage_endpoint.h"

namespace routesim::endpoints::storage::testing {

namespace fs = std::filesystem;

// A fresh folder under the temporary directory (TMPDIR), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "routesim-storage-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// 2024-03-01T10:00:00Z in nanoseconds since the Unix epoch.
inline constexpr int64_t kUtcAtZeroNs = 1709287200LL * 1'000'000'000LL;

inline uint64_t seconds(double s) { return static_cast<uint64_t>(s * 1e9); }

// A context on `clock`: hub "myhub", `partitions` built-in partitions, output under `dir`.
inline EmulatorContext makeContext(const ManualClock& clock, const fs::path& dir,
                                   uint32_t partitions = 2) {
  EmulatorContext ctx;
  ctx.clock = &clock;
  ctx.utc_at_zero_ns = kUtcAtZeroNs;
  ctx.out_dir = dir;
  ctx.hub_name = "myhub";
  ctx.builtin_partitions = partitions;
  return ctx;
}

inline ContainerOptions makeOptions(Encoding encoding, int64_t window_seconds = 60,
                                    int64_t max_chunk_bytes = kMaxChunkBytes) {
  ContainerOptions o;
  o.account = "acct1";
  o.container = "archive";
  o.encoding = encoding;
  o.batch_frequency_seconds = window_seconds;
  o.max_chunk_bytes = max_chunk_bytes;
  return o;
}

inline std::chrono::system_clock::time_point utcAt(double clock_seconds) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(kUtcAtZeroNs + static_cast<int64_t>(seconds(clock_seconds)))));
}

// A device message with application property "seq", stamped as received at clock time
// `at_seconds`, with optional content type and encoding.
inline message::Message deviceMessage(std::string device, int64_t seq, std::string body,
                                      std::string content_type = "",
                                      std::string content_encoding = "", double at_seconds = 0) {
  message::Message m;
  m.device_id = std::move(device);
  m.app_properties.set("seq", std::to_string(seq));
  m.body.assign(body);
  if (!content_type.empty()) m.system_properties.set("contentType", content_type);
  if (!content_encoding.empty()) m.system_properties.set("contentEncoding", content_encoding);
  message::stampIngress(m, utcAt(at_seconds));
  return m;
}

inline router::OutboundMessage outbound(const message::Message& m, uint16_t partition,
                                        uint64_t ingress_ns = 0) {
  router::OutboundMessage o;
  o.message = &m;
  o.ingress_ns = ingress_ns;
  o.size = static_cast<uint32_t>(message::messageSize(m));
  o.partition = partition;
  return o;
}

inline std::string readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<BlobInfo> blobs(const fs::path& out_dir) {
  auto listed = listBlobs(out_dir);
  EXPECT_TRUE(listed.ok()) << (listed.ok() ? "" : listed.error().message());
  return listed.ok() ? std::move(listed).value() : std::vector<BlobInfo>{};
}

inline std::vector<std::string> blobNames(const fs::path& out_dir) {
  std::vector<std::string> names;
  for (const BlobInfo& b : blobs(out_dir)) names.push_back(b.name);
  return names;
}

inline std::vector<BlobRecord> records(const fs::path& path) {
  auto read = readBlob(path);
  EXPECT_TRUE(read.ok()) << (read.ok() ? "" : read.error().message());
  return read.ok() ? std::move(read).value() : std::vector<BlobRecord>{};
}

inline std::optional<std::string> lookup(const PropertyList& list, std::string_view name) {
  for (const auto& [k, v] : list) {
    if (k == name) return v.value_or("<null>");
  }
  return std::nullopt;
}

inline int64_t seqOf(const BlobRecord& r) {
  auto seq = lookup(r.properties, "seq");
  return seq ? std::stoll(*seq) : -1;
}

// The blob's chunk number in its minute: 0 for "name", n for "name-n".
inline int chunkNumber(std::string_view name) {
  size_t dash = name.rfind('-');
  size_t slash = name.rfind('/');
  if (dash == std::string_view::npos || (slash != std::string_view::npos && dash < slash)) return 0;
  return std::stoi(std::string(name.substr(dash + 1)));
}

// The name without its chunk suffix ("myhub/00/2024/03/01/10/00-2" -> ".../10/00").
inline std::string_view chunkBase(std::string_view name) {
  size_t dash = name.rfind('-');
  size_t slash = name.rfind('/');
  if (dash == std::string_view::npos || (slash != std::string_view::npos && dash < slash)) {
    return name;
  }
  return name.substr(0, dash);
}

// The {partition} of a name in the default format: its second segment.
inline std::string_view partitionOf(std::string_view name) {
  size_t first = name.find('/');
  if (first == std::string_view::npos) return {};
  size_t second = name.find('/', first + 1);
  return name.substr(first + 1, second == std::string_view::npos ? second : second - first - 1);
}

// The "seq" of every record of the container's blobs for `partition` (default name format),
// blobs in name order with the chunks of one name in chunk order.
inline std::vector<int64_t> seqsOfPartition(const fs::path& out_dir, std::string_view partition) {
  std::vector<BlobInfo> list = blobs(out_dir);
  std::stable_sort(list.begin(), list.end(), [](const BlobInfo& a, const BlobInfo& b) {
    std::string_view a_base = chunkBase(a.name);
    std::string_view b_base = chunkBase(b.name);
    if (a_base != b_base) return a_base < b_base;
    return chunkNumber(a.name) < chunkNumber(b.name);
  });
  std::vector<int64_t> seqs;
  for (const BlobInfo& b : list) {
    if (partitionOf(b.name) != partition) continue;
    for (const BlobRecord& r : records(b.path)) seqs.push_back(seqOf(r));
  }
  return seqs;
}

inline std::vector<int64_t> range(int64_t from, int64_t to) {
  std::vector<int64_t> v;
  for (int64_t i = from; i < to; ++i) v.push_back(i);
  return v;
}

inline std::string encodingParamName(const ::testing::TestParamInfo<Encoding>& info) {
  switch (info.param) {
    case Encoding::kAvro:
      return "avro";
    case Encoding::kAvroDeflate:
      return "avrodeflate";
    case Encoding::kJson:
      return "json";
  }
  return "unknown";
}

}  // namespace routesim::endpoints::storage::testing
