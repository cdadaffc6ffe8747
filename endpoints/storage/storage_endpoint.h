// The Azure Storage routing endpoint emulator: batches routed messages per built-in partition
// into one blob per batch window (or per chunk, when a window's data would pass
// maxChunkSizeInBytes) under <out_dir>/<account>/<container>/<fileNameFormat>, encoded as IoT Hub
// encodes them (Avro, Avro with deflate, JSON lines), and writes an empty blob for a window
// without data, as IoT Hub does. Invariant: a blob appears under its name only when complete,
// and never exceeds maxChunkSizeInBytes unless one record alone does. See
// docs/endpoints-storage.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/query/input.h"
#include "core/router/endpoint.h"
#include "endpoints/common/emulator_context.h"
#include "endpoints/storage/avro_container.h"
#include "endpoints/storage/record_codec.h"
#include "endpoints/storage/storage_config.h"

namespace routesim::endpoints::storage {

// Counters of one endpoint. A snapshot: each field is read atomically on its own.
struct StorageStats {
  uint64_t messages = 0;       // records accepted into chunks
  uint64_t bytes_written = 0;  // bytes written to blob files (headers and blocks)
  uint64_t blobs_written = 0;  // blobs completed under their names, empty ones included
  uint64_t empty_blobs = 0;    // of which written for a window without data
  uint64_t write_failures = 0;
};

// A blob's name becomes a file name here: written as "<dir>/.routesim-partial-<file>" and
// renamed when complete. listBlobs() skips these.
inline constexpr std::string_view kPartialPrefix = ".routesim-partial-";
// The marker file in every container folder this endpoint writes (listBlobs() looks for it).
inline constexpr std::string_view kContainerMarker = ".routesim-container";

class StorageEndpoint final : public router::Endpoint {
 public:
  // Batch windows are aligned to UTC: window k covers [k * F, (k + 1) * F) seconds since the
  // Unix epoch (F = batch_frequency_seconds), so a 300-second window starts at :00, :05, ...
  // whenever the endpoint was created; the first window is the one holding ctx.now(). A time
  // exactly at a window's end belongs to the next window. `options` should pass validate(); the
  // endpoint itself needs only checkUsable() (tests use small windows and chunks). With
  // unusable options every deliver() fails with kInternalError naming the problem. Creates no
  // file until the first blob is written.
  StorageEndpoint(const EmulatorContext& ctx, std::string endpoint_name, ContainerOptions options);
  // Completes the open chunks as flush() would (data accepted is not dropped), without closing
  // the running window or writing its empty blobs. A chunk that cannot be completed stays as
  // its partial file, which listBlobs() does not list.
  ~StorageEndpoint() override;

  StorageEndpoint(const StorageEndpoint&) = delete;
  StorageEndpoint& operator=(const StorageEndpoint&) = delete;

  // Closes the windows that ended by ctx.now(), then appends each message to its partition's
  // open chunk (the window is the delivery time's, not the enqueued time's), starting a new
  // chunk first when the message would take the chunk past max_chunk_bytes. A message accepted
  // may still sit in memory (a block of up to 64 KiB); it reaches the file by the end of its
  // window. On a file-system failure returns the messages accepted before it and kInternalError
  // with the path and reason; nothing accepted is lost or written twice, and the next call
  // retries the failed step.
  router::DeliveryReport deliver(std::span<const router::OutboundMessage> batch) override;
  // Closes the windows that ended by `now_ns` (router clock): their chunks are completed, and a
  // partition with no data in a window gets an empty blob for it. A failure is counted and kept
  // in lastError(); the next tick(), flush() or deliver() resumes where it stopped.
  void tick(uint64_t now_ns) override;
  // tick(now_ns), then completes every open chunk; the window keeps running (a later message
  // in it starts a new chunk). A window still running gets no empty blobs.
  void flush(uint64_t now_ns) override;

  // Thread-safe.
  StorageStats stats() const;
  // The most recent file-system failure ("" if none). Thread-safe.
  std::string lastError() const;

  const std::string& name() const { return name_; }
  const std::filesystem::path& containerDir() const { return container_dir_; }

 private:
  // One partition's open blob: records go to `block` (encoded, not yet compressed) and reach
  // the partial file a block at a time.
  struct Chunk {
    bool open = false;
    int fd = -1;
    std::filesystem::path partial_path;
    std::filesystem::path final_path;
    std::string blob_name;
    avro::SyncMarker sync{};
    uint64_t file_bytes = 0;  // bytes in the partial file (header and complete blocks)
    std::string block;
    uint64_t block_records = 0;
    uint64_t records = 0;
  };
  struct Partition {
    Chunk chunk;
    bool has_blob_in_window = false;  // a chunk or an empty blob exists for the current window
  };

  // Encodes `out` into record_ as this endpoint writes it: properties with the endpoint's
  // enrichments, system properties under Storage's names, the body as the encoding wants it.
  void encodeRecord(const router::OutboundMessage& out);
  Status advanceTo(uint64_t now_ns);
  Status closeWindow();
  Status openChunk(uint32_t partition, Chunk& chunk, int64_t start_utc_ns);
  Status writeBlock(Chunk& chunk);
  Status closeChunk(Chunk& chunk);
  Status writeEmptyBlob(uint32_t partition, int64_t start_utc_ns);
  Status ensureContainer();
  // Creates "<dir>/.routesim-partial-<file>" for the first free name among `base`, `base-1`,
  // `base-2` ... (a name is free when neither it nor its partial file exists).
  Status reserve(const std::string& base, Chunk& chunk);
  Status writeAll(Chunk& chunk, std::string_view bytes);
  // The most bytes `chunk` can have on disk with `extra` more encoded bytes in its block.
  uint64_t projectedSize(const Chunk& chunk, size_t extra) const;
  Partition& partitionFor(uint16_t partition);
  Status fail(Error error);
  int64_t windowStart(int64_t window) const { return window * window_ns_; }

  EmulatorContext ctx_;
  std::string name_;
  ContainerOptions options_;
  std::optional<FileNameFormat> format_;
  std::optional<Error> config_error_;
  std::filesystem::path container_dir_;
  bool container_ready_ = false;

  // Times in UTC nanoseconds since the Unix epoch.
  int64_t window_ns_ = 0;
  int64_t window_ = 0;       // index of the current window: [window_ * window_ns_, + window_ns_)
  int64_t last_utc_ns_ = 0;  // the latest time seen
  std::vector<Partition> partitions_;

  query::EvalScratch scratch_;
  JsonBodyCompactor compactor_;
  avro::RawDeflater deflater_;
  // Scratch, reused from message to message.
  std::vector<PropertyRef> properties_;
  std::vector<PropertyRef> system_properties_;
  message::PropertyMap enriched_;  // application properties with this endpoint's enrichments
  std::string enqueued_;           // an enqueuedTime stamped here
  std::string record_;             // one encoded record
  std::string body_;               // a compacted JSON body
  std::string out_;                // the bytes of one block write

  std::atomic<uint64_t> messages_{0};
  std::atomic<uint64_t> bytes_written_{0};
  std::atomic<uint64_t> blobs_written_{0};
  std::atomic<uint64_t> empty_blobs_{0};
  std::atomic<uint64_t> write_failures_{0};
  mutable std::mutex error_mu_;
  std::string last_error_;
};

}  // namespace routesim::endpoints::storage
