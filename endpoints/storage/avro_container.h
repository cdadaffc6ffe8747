// Avro object container files (Avro 1.11 specification, "Object Container Files") in the shape
// IoT Hub's storage routing writes: header {avro.codec, avro.schema} with the schema text byte
// for byte as IoT Hub's (reference ecosystem.md §A.4), blocks of records, codec null or deflate.
// Written by hand rather than with Avro C's avro_file_writer: Avro C re-serializes the schema
// ("string" becomes {"type":"string"}), so its header could not match IoT Hub's. Reading goes
// through Avro C (blob_reader.cc), which checks this writer against an implementation we did
// not write.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace routesim::endpoints::storage::avro {

// The schema IoT Hub writes in every routed blob, exactly.
inline constexpr std::string_view kMessageSchema =
    R"({"type":"record","name":"Message","namespace":"Microsoft.Azure.Devices","fields":[)"
    R"({"name":"EnqueuedTimeUtc","type":"string"},)"
    R"({"name":"Properties","type":{"type":"map","values":"string"}},)"
    R"({"name":"SystemProperties","type":{"type":"map","values":"string"}},)"
    R"({"name":"Body","type":["null","bytes"]}]})";

inline constexpr std::string_view kMagic{"Obj\x01", 4};

using SyncMarker = std::array<uint8_t, 16>;

// Appends `value` as an Avro long (zig-zag, then base-128 varint, low group first).
void appendLong(std::string& out, int64_t value);
// The bytes appendLong() writes for `value` (1 to 10).
size_t longSize(int64_t value);
// The bytes of a data block of `count` records whose (possibly compressed) data is `data_bytes`
// long: the count, the data size, the data and the sync marker.
uint64_t blockSize(uint64_t count, uint64_t data_bytes);
// Appends an Avro string or bytes value: its length as a long, then the bytes.
void appendBytes(std::string& out, std::string_view bytes);

// The container header: magic, the metadata map {avro.codec: "null"|"deflate", avro.schema:
// kMessageSchema} (in that order, as Avro C writes it), and `sync`.
std::string header(bool deflate, const SyncMarker& sync);

// A sync marker derived from `seed` (a blob's account/container/name), so that a rerun of the
// same scenario writes the same bytes. Avro only needs the marker to be unlikely in the data.
SyncMarker syncMarkerFor(std::string_view seed);

// Raw deflate (RFC 1951, no zlib wrapper), which the Avro "deflate" codec specifies. Keeps one
// zlib stream for reuse. Not thread-safe; one per writer.
class RawDeflater {
 public:
  RawDeflater();
  ~RawDeflater();
  RawDeflater(const RawDeflater&) = delete;
  RawDeflater& operator=(const RawDeflater&) = delete;

  // Appends `in` compressed to `out`. False on a zlib failure (out is then unchanged).
  bool compress(std::string_view in, std::string& out);
  // The most bytes compress() can produce for `size` input bytes.
  size_t bound(size_t size) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Appends one data block to `out`: record count, data size, `records` (the concatenated
// encoded records; deflated first when `deflater` is given), `sync`. False when deflate fails
// (out is then unchanged).
bool appendBlock(std::string& out, uint64_t count, std::string_view records, const SyncMarker& sync,
                 RawDeflater* deflater);

}  // namespace routesim::endpoints::storage::avro
