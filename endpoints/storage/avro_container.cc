#include "endpoints/storage/avro_container.h"

#include <zlib.h>

#include <cstring>

namespace routesim::endpoints::storage::avro {

namespace {

uint64_t zigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

}  // namespace

void appendLong(std::string& out, int64_t value) {
  uint64_t n = zigZag(value);
  char buf[10];
  size_t len = 0;
  while (n >= 0x80) {
    buf[len++] = static_cast<char>((n & 0x7F) | 0x80);
    n >>= 7;
  }
  buf[len++] = static_cast<char>(n);
  out.append(buf, len);
}

size_t longSize(int64_t value) {
  uint64_t n = zigZag(value);
  size_t len = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++len;
  }
  return len;
}

uint64_t blockSize(uint64_t count, uint64_t data_bytes) {
  return longSize(static_cast<int64_t>(count)) + longSize(static_cast<int64_t>(data_bytes)) +
         data_bytes + sizeof(SyncMarker);
}

void appendBytes(std::string& out, std::string_view bytes) {
  appendLong(out, static_cast<int64_t>(bytes.size()));
  out.append(bytes);
}

std::string header(bool deflate, const SyncMarker& sync) {
  std::string out;
  out.reserve(kMagic.size() + kMessageSchema.size() + 64);
  out.append(kMagic);
  appendLong(out, 2);  // one block of two metadata entries
  appendBytes(out, "avro.codec");
  appendBytes(out, deflate ? "deflate" : "null");
  appendBytes(out, "avro.schema");
  appendBytes(out, kMessageSchema);
  appendLong(out, 0);  // end of the map
  out.append(reinterpret_cast<const char*>(sync.data()), sync.size());
  return out;
}

SyncMarker syncMarkerFor(std::string_view seed) {
  // FNV-1a over the seed, then SplitMix64 to spread it over 16 bytes.
  uint64_t h = 1469598103934665603ull;
  for (char c : seed) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  SyncMarker marker{};
  for (size_t word = 0; word < 2; ++word) {
    h += 0x9E3779B97F4A7C15ull;
    uint64_t z = h;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    std::memcpy(marker.data() + word * 8, &z, 8);
  }
  return marker;
}

struct RawDeflater::State {
  z_stream stream{};
  bool ready = false;
};

RawDeflater::RawDeflater() : state_(std::make_unique<State>()) {
  // windowBits -15: raw deflate. Level 6 is zlib's default (what .NET's and Java's Avro use).
  state_->ready = deflateInit2(&state_->stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                               Z_DEFAULT_STRATEGY) == Z_OK;
}

RawDeflater::~RawDeflater() {
  if (state_->ready) deflateEnd(&state_->stream);
}

size_t RawDeflater::bound(size_t size) const {
  if (!state_->ready) return size + size / 8 + 64;
  return deflateBound(&state_->stream, static_cast<uLong>(size));
}

bool RawDeflater::compress(std::string_view in, std::string& out) {
  if (!state_->ready || deflateReset(&state_->stream) != Z_OK) return false;
  size_t start = out.size();
  out.resize(start + bound(in.size()));
  z_stream& s = state_->stream;
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data() + start);
  s.avail_out = static_cast<uInt>(out.size() - start);
  int rc = deflate(&s, Z_FINISH);
  if (rc != Z_STREAM_END) {
    out.resize(start);
    return false;
  }
  out.resize(out.size() - s.avail_out);
  return true;
}

bool appendBlock(std::string& out, uint64_t count, std::string_view records, const SyncMarker& sync,
                 RawDeflater* deflater) {
  size_t start = out.size();
  appendLong(out, static_cast<int64_t>(count));
  if (deflater == nullptr) {
    appendBytes(out, records);
  } else {
    std::string compressed;
    if (!deflater->compress(records, compressed)) {
      out.resize(start);
      return false;
    }
    appendBytes(out, compressed);
  }
  out.append(reinterpret_cast<const char*>(sync.data()), sync.size());
  return true;
}

}  // namespace routesim::endpoints::storage::avro
