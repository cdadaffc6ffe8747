// Reading back what the storage endpoint emulator wrote (for `routesim inspect` and tests):
// the blobs under an output folder, and the records of one blob in either encoding (Avro
// container of either codec, read with Avro C; or JSON lines). Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "endpoints/common/endpoint_message.h"

namespace routesim::endpoints::storage {

struct BlobInfo {
  std::string account;
  std::string container;
  std::string name;  // the blob name, '/'-separated, relative to the container
  std::filesystem::path path;
  uint64_t size = 0;
};

// Every complete blob under `out_dir`, sorted by account, container and name (byte order, as
// Azure's List Blobs). A container is a folder <out_dir>/<account>/<container> holding the
// marker file `.routesim-container` the endpoint writes; other folders (the Event Hubs and
// Service Bus emulators' `eventhubs`, `servicebus`, ...) are skipped, and so are chunks still
// being written (".routesim-partial-*"). kIo naming the folder when it cannot be listed.
Result<std::vector<BlobInfo>> listBlobs(const std::filesystem::path& out_dir);

struct BlobRecord {
  std::string enqueued_time_utc;
  PropertyList properties;
  PropertyList system_properties;
  std::optional<std::string> body;  // nullopt: Body was null
  // The body is JSON as IoT Hub's JSON encoding writes it: contentType application/json and
  // contentEncoding utf-8 and a valid JSON text. For a JSON-lines blob `body` is then the JSON
  // text of the Body value; for an Avro blob, the bytes as stored.
  bool body_was_json = false;
};

// The records of the blob at `path`: an Avro object container (magic "Obj\x01", codec null or
// deflate, the Microsoft.Azure.Devices.Message fields) or JSON lines (blank lines skipped; an
// empty file has no records). Errors (kIo, kInvalidInput) start with the path and name the
// record ("record 3", from 0) or line and column ("path:4:17: ..."). A JSON-lines Body string
// is base64 when it is canonical base64 and either the message is not JSON content or the
// bytes it decodes to are not valid JSON; otherwise it is the body's own JSON string value
// (see blob_reader.cc for the one ambiguous case).
Result<std::vector<BlobRecord>> readBlob(const std::filesystem::path& path);

// The record as one compact JSON line (no newline) in IoT Hub's JSON encoding: Body as the
// JSON value when body_was_json, else base64 text; null values of properties as "".
std::string recordToJson(const BlobRecord& record);

}  // namespace routesim::endpoints::storage
