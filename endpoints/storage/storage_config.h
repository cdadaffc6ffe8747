// A storage-container routing endpoint's settings as IoT Hub defines them (reference iothub.md
// §3.2): the blob encoding, the blob file name format with its seven mandatory tokens, the batch
// window and the chunk size limit, checked against IoT Hub's ranges. Pure values; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/routing/routing_config.h"

namespace routesim::endpoints::storage {

enum class Encoding : uint8_t { kAvro, kAvroDeflate, kJson };

// "avro", "avrodeflate" or "json" (letter case ignored, as ARM accepts "JSON" and "AvroDeflate").
// kInvalidInput naming the accepted values otherwise.
Result<Encoding> parseEncoding(std::string_view text);
// The service's spelling: "avro", "avrodeflate", "JSON".
std::string_view encodingName(Encoding encoding);

// A parsed fileNameFormat. Tokens are case-sensitive ({MM} is the month, {mm} the minute).
class FileNameFormat {
 public:
  // IoT Hub's default, {iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}.
  static constexpr std::string_view kDefault = "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}";

  // Parses `text`: every one of {iothub} {partition} {YYYY} {MM} {DD} {HH} {mm} must occur at
  // least once, in any order. Errors are kInvalidInput with a span and the offset in the
  // message: the first malformed piece (an unknown {token}, an unclosed '{', a stray '}', or a
  // path that a file system cannot hold: a leading or trailing '/', an empty, "." or ".."
  // segment, a '\\' or NUL), else every missing token (span: the whole text). Messages do not
  // name the property; validate() prefixes "fileNameFormat: ".
  static Result<FileNameFormat> parse(std::string_view text);

  // The blob name for `hub`, `partition` (two digits at least, "00", as IoT Hub writes it) and
  // the UTC calendar time of `t`. Allocates the result only.
  std::string format(std::string_view hub, uint32_t partition,
                     std::chrono::system_clock::time_point t) const;

  const std::string& text() const { return text_; }

 private:
  enum class Piece : uint8_t { kLiteral, kIotHub, kPartition, kYear, kMonth, kDay, kHour, kMinute };
  struct Part {
    Piece piece = Piece::kLiteral;
    std::string literal;
  };
  std::string text_;
  std::vector<Part> parts_;
};

struct ContainerOptions {
  std::string account;    // storage account: <out_dir>/<account>/<container>/...
  std::string container;  // containerName
  Encoding encoding = Encoding::kAvro;
  std::string file_name_format = std::string(FileNameFormat::kDefault);
  int64_t batch_frequency_seconds = 300;  // batchFrequencyInSeconds
  int64_t max_chunk_bytes = 314572800;    // maxChunkSizeInBytes
};

inline constexpr int64_t kMinBatchFrequencySeconds = 60;
inline constexpr int64_t kMaxBatchFrequencySeconds = 720;
inline constexpr int64_t kMinChunkBytes = 10485760;
inline constexpr int64_t kMaxChunkBytes = 524288000;

// IoT Hub's rules: batchFrequencyInSeconds 60..720, maxChunkSizeInBytes 10485760..524288000,
// a fileNameFormat that parses, an Azure container name (3-63 of a-z 0-9 '-', starting and
// ending with a letter or digit, no "--") and account name (3-24 of a-z 0-9). The first
// violation as kInvalidInput, "<where>: <what was expected>, found <value>", where <where> is
// the ARM property ("batchFrequencyInSeconds") joined to `path` when one is given
// ("$.endpoints.storageContainers[0].batchFrequencyInSeconds"); the account, which no single
// property holds, is reported at `path` itself.
Status validate(const ContainerOptions& options, std::string_view path = {});

// What StorageEndpoint needs to work at all, looser than validate() so that tests and
// benchmarks can use small windows and chunks: a parsing fileNameFormat, a window of 1 to 720
// seconds, a positive chunk size, and account and container names that are single path
// segments. Errors as validate()'s.
Status checkUsable(const ContainerOptions& options, std::string_view path = {});

// The options of a storageContainers endpoint read by routing::readRoutingConfig. The account
// is the connection string's AccountName, else the first label of endpointUri's host
// (https://<account>.blob.core.windows.net), else "devstoreaccount1" (Azurite's account).
// Fails as validate() does, at the endpoint's JSON path (config.path); an account name Azure
// would refuse is reported at the property it came from (connectionString or endpointUri).
Result<ContainerOptions> containerOptionsFrom(const routing::EndpointConfig& config);

}  // namespace routesim::endpoints::storage
