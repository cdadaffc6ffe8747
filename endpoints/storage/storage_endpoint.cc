#include "endpoints/storage/storage_endpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/common/file_io.h"
#include "core/common/json.h"
#include "core/message/stamp.h"
#include "core/routing/route_table.h"
#include "endpoints/common/endpoint_message.h"

namespace routesim::endpoints::storage {
namespace {

// Records are encoded into a block in memory and written a block at a time: Avro C uses 16 KiB
// blocks, Java's Avro about 64 KB; 64 KiB gives deflate enough text to work with.
constexpr size_t kBlockBytes = 64 * 1024;

// Past this many names taken in a row, something other than chunks of this endpoint fills the
// folder: give up with an error rather than probe forever.
constexpr int kMaxSuffix = 100000;

Error ioError(const std::filesystem::path& path, std::string_view what, int err) {
  return Error(ErrorCode::kIo,
               path.string() + ": " + std::string(what) + ": " + std::strerror(err));
}

// "name" -> "name-<n>", or "name-<n>.ext" when the last path segment has an extension, so a
// format ending in ".avro" keeps it.
std::string withSuffix(const std::string& base, int n) {
  size_t segment = base.rfind('/');
  segment = segment == std::string::npos ? 0 : segment + 1;
  size_t dot = base.rfind('.');
  std::string suffix = "-" + std::to_string(n);
  if (dot == std::string::npos || dot <= segment) return base + suffix;
  return base.substr(0, dot) + suffix + base.substr(dot);
}

// Floor division: the window of a time before the epoch is still the one that holds it.
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::chrono::system_clock::time_point utcTime(int64_t utc_ns) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(utc_ns)));
}

}  // namespace

StorageEndpoint::StorageEndpoint(const EmulatorContext& ctx, std::string endpoint_name,
                                 ContainerOptions options)
    : ctx_(ctx), name_(std::move(endpoint_name)), options_(std::move(options)) {
  Status usable = checkUsable(options_);
  if (usable.ok()) {
    format_.emplace(std::move(FileNameFormat::parse(options_.file_name_format)).value());
  } else {
    config_error_.emplace(
        std::move(usable).error().withContext("storage endpoint '" + name_ + "': "));
  }
  container_dir_ = ctx_.out_dir / options_.account / options_.container;
  window_ns_ =
      std::max<int64_t>(options_.batch_frequency_seconds, 1) * static_cast<int64_t>(kNsPerSecond);
  last_utc_ns_ = ctx_.utc_at_zero_ns + static_cast<int64_t>(ctx_.now());
  window_ = floorDiv(last_utc_ns_, window_ns_);
  partitions_.resize(std::max<uint32_t>(ctx_.builtin_partitions, 1));
}

StorageEndpoint::~StorageEndpoint() {
  for (Partition& p : partitions_) {
    Chunk& c = p.chunk;
    if (!c.open) continue;
    if (!closeChunk(c).ok() && c.fd >= 0) {
      ::close(c.fd);  // the partial file stays behind, for whoever looks into the failure
      c.fd = -1;
    }
  }
}

router::DeliveryReport StorageEndpoint::deliver(std::span<const router::OutboundMessage> batch) {
  if (config_error_) {
    return {0, router::DeliveryFailure::kInternalError, config_error_->message()};
  }
  auto failed = [&](size_t delivered, Status status) -> router::DeliveryReport {
    Status s = fail(std::move(status).error());
    return {delivered, router::DeliveryFailure::kInternalError, s.error().message()};
  };
  Status status = advanceTo(ctx_.now());
  if (!status.ok()) return failed(0, std::move(status));

  for (size_t i = 0; i < batch.size(); ++i) {
    encodeRecord(batch[i]);
    uint16_t index = batch[i].partition;
    Partition& p = partitionFor(index);
    Chunk& c = p.chunk;
    if (c.open && c.records > 0 &&
        projectedSize(c, record_.size()) > static_cast<uint64_t>(options_.max_chunk_bytes)) {
      status = closeChunk(c);
      if (!status.ok()) return failed(i, std::move(status));
    }
    if (!c.open) {
      // The window's first chunk is named after the window's start; a chunk that a full one
      // made necessary, after the time it started.
      int64_t start = p.has_blob_in_window ? last_utc_ns_ : windowStart(window_);
      status = openChunk(index, c, start);
      if (!status.ok()) return failed(i, std::move(status));
      p.has_blob_in_window = true;
    }
    if (!c.block.empty() && c.block.size() + record_.size() > kBlockBytes) {
      status = writeBlock(c);
      if (!status.ok()) return failed(i, std::move(status));
    }
    c.block += record_;
    ++c.block_records;
    ++c.records;
    messages_.fetch_add(1, std::memory_order_relaxed);
  }
  return {batch.size(), router::DeliveryFailure::kNone, {}};
}

void StorageEndpoint::tick(uint64_t now_ns) {
  if (config_error_) return;
  Status status = advanceTo(now_ns);
  if (!status.ok()) (void)fail(std::move(status).error());
}

void StorageEndpoint::flush(uint64_t now_ns) {
  if (config_error_) return;
  Status status = advanceTo(now_ns);
  if (!status.ok()) {
    (void)fail(std::move(status).error());
    return;  // the windows before must be complete before later chunks close
  }
  for (Partition& p : partitions_) {
    if (!p.chunk.open) continue;
    status = closeChunk(p.chunk);
    if (!status.ok()) (void)fail(std::move(status).error());
  }
}

void StorageEndpoint::encodeRecord(const router::OutboundMessage& out) {
  const message::Message& m = *out.message;
  // The application properties as this endpoint receives them: with its enrichments, if any.
  const message::PropertyMap* app = &m.app_properties;
  if (out.table != nullptr && out.table->hasEnrichments(out.table_endpoint)) {
    out.table->enrichedProperties(m, out.table_endpoint, scratch_, enriched_);
    app = &enriched_;
  }
  auto valueOf = [](const message::Property& p) -> std::optional<std::string_view> {
    if (!p.value) return std::nullopt;
    return std::string_view(*p.value);
  };
  properties_.clear();
  for (const message::Property& p : *app) properties_.push_back({p.name, valueOf(p)});
  // System properties under Storage's names (IoT Hub's own: connectionDeviceId, ...).
  system_properties_.clear();
  size_t enqueued = system_properties_.max_size();  // its index, when the message has one
  for (const message::Property& p : m.system_properties) {
    std::string_view name = systemPropertyName(routing::EndpointKind::kStorage, p);
    if (name == "enqueuedTime") enqueued = system_properties_.size();
    system_properties_.push_back({name, valueOf(p)});
  }
  if (enqueued == system_properties_.max_size()) {
    enqueued = system_properties_.size();
    system_properties_.push_back({"enqueuedTime", std::nullopt});
  }
  std::optional<std::string_view>& enqueued_time = system_properties_[enqueued].value;
  if (!enqueued_time || enqueued_time->empty()) {
    // Every message IoT Hub routes carries enqueuedTime; give an unstamped one the time the
    // router accepted it, in the record and in its system properties.
    enqueued_ = message::formatIotHubTime(ctx_.utc(out.ingress_ns));
    enqueued_time = enqueued_;
  }
  RecordView view{*enqueued_time, properties_, system_properties_, m.body.view(), false};
  record_.clear();
  if (options_.encoding == Encoding::kJson) {
    if (hasJsonContentType(system_properties_) && compactor_.compact(*view.body, body_)) {
      view.body = body_;
      view.body_is_json = true;
    }
    appendJsonRecord(record_, view);
    record_.push_back('\n');
  } else {
    appendAvroRecord(record_, view);
  }
}

StorageStats StorageEndpoint::stats() const {
  StorageStats s;
  s.messages = messages_.load(std::memory_order_relaxed);
  s.bytes_written = bytes_written_.load(std::memory_order_relaxed);
  s.blobs_written = blobs_written_.load(std::memory_order_relaxed);
  s.empty_blobs = empty_blobs_.load(std::memory_order_relaxed);
  s.write_failures = write_failures_.load(std::memory_order_relaxed);
  return s;
}

std::string StorageEndpoint::lastError() const {
  std::lock_guard<std::mutex> lock(error_mu_);
  return last_error_;
}

Status StorageEndpoint::fail(Error error) {
  write_failures_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(error_mu_);
    last_error_ = error.message();
  }
  return error;
}

StorageEndpoint::Partition& StorageEndpoint::partitionFor(uint16_t partition) {
  // Partitions come from the hub's built-in partition count; one past it still gets its own
  // blobs rather than being refused (and then empty blobs too, from then on).
  if (partition >= partitions_.size()) partitions_.resize(size_t{partition} + 1);
  return partitions_[partition];
}

Status StorageEndpoint::advanceTo(uint64_t now_ns) {
  last_utc_ns_ = std::max(last_utc_ns_, ctx_.utc_at_zero_ns + static_cast<int64_t>(now_ns));
  while (last_utc_ns_ >= windowStart(window_ + 1)) ROUTESIM_RETURN_IF_ERROR(closeWindow());
  return {};
}

Status StorageEndpoint::closeWindow() {
  // Each step marks itself done, so a retry after a failure resumes where it stopped.
  for (size_t i = 0; i < partitions_.size(); ++i) {
    Partition& p = partitions_[i];
    if (p.chunk.open) {
      ROUTESIM_RETURN_IF_ERROR(closeChunk(p.chunk));
    } else if (!p.has_blob_in_window) {
      ROUTESIM_RETURN_IF_ERROR(writeEmptyBlob(static_cast<uint32_t>(i), windowStart(window_)));
      p.has_blob_in_window = true;
    }
  }
  ++window_;
  for (Partition& p : partitions_) p.has_blob_in_window = false;
  return {};
}

Status StorageEndpoint::ensureContainer() {
  if (container_ready_) return {};
  std::error_code ec;
  std::filesystem::create_directories(container_dir_, ec);
  if (ec) {
    return Error(ErrorCode::kIo,
                 container_dir_.string() + ": cannot create the container folder: " + ec.message());
  }
  std::filesystem::path marker = container_dir_ / kContainerMarker;
  if (!std::filesystem::exists(marker, ec)) {
    std::string text = R"({"writer":"routesim storage endpoint","account":)";
    json::appendQuoted(text, options_.account);
    text += R"(,"container":)";
    json::appendQuoted(text, options_.container);
    text += "}\n";
    ROUTESIM_RETURN_IF_ERROR(writeFile(marker.string(), text));
  }
  container_ready_ = true;
  return {};
}

Status StorageEndpoint::reserve(const std::string& base, Chunk& chunk) {
  for (int n = 0; n <= kMaxSuffix; ++n) {
    std::string name = n == 0 ? base : withSuffix(base, n);
    std::filesystem::path final_path = container_dir_ / name;
    std::filesystem::path dir = final_path.parent_path();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error(ErrorCode::kIo, dir.string() + ": cannot create folder: " + ec.message());
    std::filesystem::path partial =
        dir / (std::string(kPartialPrefix) + final_path.filename().string());
    // The partial file is the reservation: created exclusively first, then the final name
    // checked, so two writers into one container never pick the same name.
    int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return ioError(partial, "cannot create", errno);
    }
    if (std::filesystem::exists(final_path, ec) || ec) {
      ::close(fd);
      ::unlink(partial.c_str());
      continue;
    }
    chunk.fd = fd;
    chunk.partial_path = std::move(partial);
    chunk.final_path = std::move(final_path);
    chunk.blob_name = std::move(name);
    return {};
  }
  return Error(ErrorCode::kIo, (container_dir_ / base).string() + ": " +
                                   std::to_string(kMaxSuffix) + " names taken after it");
}

Status StorageEndpoint::openChunk(uint32_t partition, Chunk& chunk, int64_t start_utc_ns) {
  ROUTESIM_RETURN_IF_ERROR(ensureContainer());
  std::string base = format_->format(ctx_.hub_name, partition, utcTime(start_utc_ns));
  ROUTESIM_RETURN_IF_ERROR(reserve(base, chunk));
  chunk.file_bytes = 0;
  chunk.block.clear();
  chunk.block_records = 0;
  chunk.records = 0;
  chunk.sync =
      avro::syncMarkerFor(options_.account + "/" + options_.container + "/" + chunk.blob_name);
  if (options_.encoding != Encoding::kJson) {
    Status status =
        writeAll(chunk, avro::header(options_.encoding == Encoding::kAvroDeflate, chunk.sync));
    if (!status.ok()) {
      ::close(chunk.fd);
      ::unlink(chunk.partial_path.c_str());
      chunk.fd = -1;
      return status;
    }
  }
  chunk.open = true;
  return {};
}

Status StorageEndpoint::writeAll(Chunk& chunk, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(chunk.fd, bytes.data() + done, bytes.size() - done,
                         static_cast<off_t>(chunk.file_bytes + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      // Take back what part of the write landed, so a retry appends to a clean end.
      if (::ftruncate(chunk.fd, static_cast<off_t>(chunk.file_bytes)) != 0) {
        return ioError(chunk.partial_path, "write failed, then truncate failed", err);
      }
      return ioError(chunk.partial_path, "write failed", err);
    }
    done += static_cast<size_t>(n);
  }
  chunk.file_bytes += bytes.size();
  bytes_written_.fetch_add(bytes.size(), std::memory_order_relaxed);
  return {};
}

Status StorageEndpoint::writeBlock(Chunk& chunk) {
  if (chunk.block.empty()) return {};
  if (options_.encoding == Encoding::kJson) {
    ROUTESIM_RETURN_IF_ERROR(writeAll(chunk, chunk.block));
  } else {
    out_.clear();
    avro::RawDeflater* deflater =
        options_.encoding == Encoding::kAvroDeflate ? &deflater_ : nullptr;
    if (!avro::appendBlock(out_, chunk.block_records, chunk.block, chunk.sync, deflater)) {
      return Error(ErrorCode::kInternal, chunk.partial_path.string() + ": deflate failed");
    }
    ROUTESIM_RETURN_IF_ERROR(writeAll(chunk, out_));
  }
  chunk.block.clear();
  chunk.block_records = 0;
  return {};
}

Status StorageEndpoint::closeChunk(Chunk& chunk) {
  ROUTESIM_RETURN_IF_ERROR(writeBlock(chunk));
  if (chunk.fd >= 0) {
    ::close(chunk.fd);  // written with pwrite, unbuffered: nothing is left to fail here
    chunk.fd = -1;
  }
  if (::rename(chunk.partial_path.c_str(), chunk.final_path.c_str()) != 0) {
    return ioError(chunk.partial_path, "cannot rename to " + chunk.final_path.string(), errno);
  }
  chunk.open = false;
  blobs_written_.fetch_add(1, std::memory_order_relaxed);
  return {};
}

Status StorageEndpoint::writeEmptyBlob(uint32_t partition, int64_t start_utc_ns) {
  Chunk chunk;
  ROUTESIM_RETURN_IF_ERROR(openChunk(partition, chunk, start_utc_ns));
  Status status = closeChunk(chunk);
  if (!status.ok()) {
    if (chunk.fd >= 0) ::close(chunk.fd);
    ::unlink(chunk.partial_path.c_str());
    return status;
  }
  empty_blobs_.fetch_add(1, std::memory_order_relaxed);
  return {};
}

uint64_t StorageEndpoint::projectedSize(const Chunk& chunk, size_t extra) const {
  // The bytes of a block of `count` records encoded in `n` bytes. Exact for JSON and the null
  // codec; for deflate the compressed size is known only once the block is deflated, so its
  // worst case counts and a deflate chunk ends up to one block's worth early.
  auto blockBytes = [&](uint64_t count, size_t n) -> uint64_t {
    if (count == 0) return 0;
    switch (options_.encoding) {
      case Encoding::kJson:
        return n;
      case Encoding::kAvro:
        return avro::blockSize(count, n);
      case Encoding::kAvroDeflate:
        return avro::blockSize(count, deflater_.bound(n));
    }
    return n;
  };
  // deliver() writes the open block out first when `extra` would take it past kBlockBytes.
  if (!chunk.block.empty() && chunk.block.size() + extra > kBlockBytes) {
    return chunk.file_bytes + blockBytes(chunk.block_records, chunk.block.size()) +
           blockBytes(1, extra);
  }
  return chunk.file_bytes + blockBytes(chunk.block_records + 1, chunk.block.size() + extra);
}

}  // namespace routesim::endpoints::storage
