#include "endpoints/storage/blob_reader.h"

#include <avro.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/common/base64.h"
#include "core/common/diagnostic.h"
#include "core/common/file_io.h"
#include "core/common/json.h"
#include "endpoints/storage/avro_container.h"
#include "endpoints/storage/record_codec.h"
#include "endpoints/storage/storage_endpoint.h"

namespace routesim::endpoints::storage {
namespace {

namespace fs = std::filesystem;

bool isJsonContent(const PropertyList& system_properties) {
  std::vector<PropertyRef> refs;
  appendRefs(system_properties, refs);
  return hasJsonContentType(refs);
}

// ---------------------------------------------------------------------------------------------
// Avro, through Avro C.
// ---------------------------------------------------------------------------------------------

// Owns the Avro C objects of one read.
struct AvroRead {
  avro_file_reader_t reader = nullptr;
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  avro_value_t value{};
  bool has_value = false;

  ~AvroRead() {
    if (has_value) avro_value_decref(&value);
    if (iface != nullptr) avro_value_iface_decref(iface);
    if (schema != nullptr) avro_schema_decref(schema);
    if (reader != nullptr) avro_file_reader_close(reader);
  }
};

std::string avroMessage() {
  std::string s = avro_strerror();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "unknown Avro error" : s;
}

bool isType(avro_schema_t schema, avro_type_t type) {
  return schema != nullptr && avro_typeof(schema) == type;
}

// The writer's schema has IoT Hub's four fields with their types (other names and extra
// fields are tolerated: readers resolve by field name).
Status checkSchema(avro_schema_t schema) {
  auto field = [&](const char* name) { return avro_schema_record_field_get(schema, name); };
  auto isStringMap = [&](avro_schema_t s) {
    return isType(s, AVRO_MAP) && isType(avro_schema_map_values(s), AVRO_STRING);
  };
  if (!isType(schema, AVRO_RECORD)) return Error(ErrorCode::kInvalidInput, "not a record");
  if (!isType(field("EnqueuedTimeUtc"), AVRO_STRING)) {
    return Error(ErrorCode::kInvalidInput, "no string field EnqueuedTimeUtc");
  }
  if (!isStringMap(field("Properties"))) {
    return Error(ErrorCode::kInvalidInput, "no map<string> field Properties");
  }
  if (!isStringMap(field("SystemProperties"))) {
    return Error(ErrorCode::kInvalidInput, "no map<string> field SystemProperties");
  }
  avro_schema_t body = field("Body");
  bool body_ok = isType(body, AVRO_UNION) && avro_schema_union_size(body) == 2 &&
                 isType(avro_schema_union_branch(body, 0), AVRO_NULL) &&
                 isType(avro_schema_union_branch(body, 1), AVRO_BYTES);
  if (!body_ok) return Error(ErrorCode::kInvalidInput, "no [\"null\",\"bytes\"] field Body");
  return {};
}

Result<std::string> stringValue(avro_value_t& value) {
  const char* text = nullptr;
  size_t size = 0;  // Avro C counts the terminating NUL
  if (avro_value_get_string(&value, &text, &size) != 0)
    return Error(ErrorCode::kInvalidInput, avroMessage());
  return std::string(text, size > 0 ? size - 1 : 0);
}

Result<PropertyList> mapValue(avro_value_t& record, const char* name) {
  avro_value_t map;
  if (avro_value_get_by_name(&record, name, &map, nullptr) != 0) {
    return Error(ErrorCode::kInvalidInput, std::string(name) + ": " + avroMessage());
  }
  size_t count = 0;
  if (avro_value_get_size(&map, &count) != 0) {
    return Error(ErrorCode::kInvalidInput, std::string(name) + ": " + avroMessage());
  }
  PropertyList list;
  list.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    avro_value_t element;
    const char* key = nullptr;
    if (avro_value_get_by_index(&map, i, &element, &key) != 0) {
      return Error(ErrorCode::kInvalidInput, std::string(name) + ": " + avroMessage());
    }
    ROUTESIM_ASSIGN_OR_RETURN(std::string text, stringValue(element));
    list.emplace_back(key != nullptr ? key : "", std::move(text));
  }
  return list;
}

Result<BlobRecord> recordOf(avro_value_t& record, JsonBodyCompactor& compactor) {
  BlobRecord r;
  avro_value_t field;
  if (avro_value_get_by_name(&record, "EnqueuedTimeUtc", &field, nullptr) != 0) {
    return Error(ErrorCode::kInvalidInput, "EnqueuedTimeUtc: " + avroMessage());
  }
  ROUTESIM_ASSIGN_OR_RETURN(r.enqueued_time_utc, stringValue(field));
  ROUTESIM_ASSIGN_OR_RETURN(r.properties, mapValue(record, "Properties"));
  ROUTESIM_ASSIGN_OR_RETURN(r.system_properties, mapValue(record, "SystemProperties"));
  avro_value_t branch;
  int discriminant = 0;
  if (avro_value_get_by_name(&record, "Body", &field, nullptr) != 0 ||
      avro_value_get_discriminant(&field, &discriminant) != 0 ||
      avro_value_get_current_branch(&field, &branch) != 0) {
    return Error(ErrorCode::kInvalidInput, "Body: " + avroMessage());
  }
  if (discriminant == 1) {
    const void* bytes = nullptr;
    size_t size = 0;
    if (avro_value_get_bytes(&branch, &bytes, &size) != 0) {
      return Error(ErrorCode::kInvalidInput, "Body: " + avroMessage());
    }
    r.body.emplace(static_cast<const char*>(bytes), size);
    std::string scratch;
    r.body_was_json = isJsonContent(r.system_properties) && compactor.compact(*r.body, scratch);
  }
  return r;
}

Result<std::vector<BlobRecord>> readAvro(const fs::path& path) {
  const std::string where = path.string() + ": ";
  AvroRead read;
  if (avro_file_reader(path.c_str(), &read.reader) != 0) {
    read.reader = nullptr;
    return Error(ErrorCode::kInvalidInput,
                 where + "not a readable Avro container: " + avroMessage());
  }
  read.schema = avro_file_reader_get_writer_schema(read.reader);
  Status schema_ok = checkSchema(read.schema);
  if (!schema_ok.ok()) {
    return Error(ErrorCode::kInvalidInput,
                 where + "not IoT Hub's Microsoft.Azure.Devices.Message schema: " +
                     schema_ok.error().message());
  }
  read.iface = avro_generic_class_from_schema(read.schema);
  if (read.iface == nullptr || avro_generic_value_new(read.iface, &read.value) != 0) {
    return Error(ErrorCode::kInternal, where + avroMessage());
  }
  read.has_value = true;
  std::vector<BlobRecord> records;
  JsonBodyCompactor compactor;
  while (true) {
    int rc = avro_file_reader_read_value(read.reader, &read.value);
    if (rc == EOF) break;
    std::string record = "record " + std::to_string(records.size()) + ": ";
    if (rc != 0) return Error(ErrorCode::kInvalidInput, where + record + avroMessage());
    auto r = recordOf(read.value, compactor);
    if (!r.ok()) return std::move(r).error().withContext(where + record);
    records.push_back(std::move(r).value());
    avro_value_reset(&read.value);
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// JSON lines.
// ---------------------------------------------------------------------------------------------

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The text of member `index`'s value in `line` (the object `object` parsed from it), exactly
// as written: from the value's offset to the comma before the next key, or to the closing
// brace, less whitespace.
std::string_view rawMemberText(std::string_view line, const json::Value& object, size_t index) {
  const auto& members = object.members();
  size_t start = members[index].value->offset();
  size_t end;
  if (index + 1 < members.size()) {
    end = members[index + 1].key_offset;
    while (end > start && isJsonSpace(line[end - 1])) --end;
    if (end > start && line[end - 1] == ',') --end;
  } else {
    end = line.rfind('}');
    if (end == std::string_view::npos || end < start) end = line.size();
  }
  while (end > start && isJsonSpace(line[end - 1])) --end;
  return line.substr(start, end - start);
}

struct LineError {
  std::string_view line;
  const std::string& where;  // "path:<line>"
  Error at(uint32_t offset, const std::string& message) const {
    LineColumn lc = locate(line, offset);
    return Error(ErrorCode::kInvalidInput,
                 where + ":" + std::to_string(lc.column) + ": " + message);
  }
};

Result<PropertyList> jsonMap(const json::Value& record, std::string_view name,
                             const LineError& err) {
  const json::Value* map = record.find(name);
  if (map == nullptr) return err.at(record.offset(), "missing field " + std::string(name));
  if (!map->is(json::Type::kObject)) {
    return err.at(map->offset(), std::string(name) + " must be an object, found " +
                                     std::string(json::typeName(map->type())));
  }
  PropertyList list;
  list.reserve(map->members().size());
  for (const json::Member& m : map->members()) {
    if (m.value->is(json::Type::kNull)) {
      list.emplace_back(m.key, std::nullopt);
    } else if (m.value->is(json::Type::kString)) {
      list.emplace_back(m.key, m.value->text());
    } else {
      return err.at(m.value->offset(), std::string(name) + "." + m.key +
                                           " must be a string, found " +
                                           std::string(json::typeName(m.value->type())));
    }
  }
  return list;
}

Result<BlobRecord> jsonRecord(std::string_view line, const LineError& err,
                              JsonBodyCompactor& compactor) {
  auto parsed = json::parse(line);
  if (!parsed.ok()) return err.at(parsed.error().span().offset, parsed.error().message());
  const json::Value& v = *parsed;
  if (!v.is(json::Type::kObject)) return err.at(v.offset(), "expected a JSON object");
  BlobRecord r;
  const json::Value* time = v.find("EnqueuedTimeUtc");
  if (time == nullptr) return err.at(v.offset(), "missing field EnqueuedTimeUtc");
  if (!time->is(json::Type::kString)) {
    return err.at(time->offset(), "EnqueuedTimeUtc must be a string");
  }
  r.enqueued_time_utc = time->text();
  ROUTESIM_ASSIGN_OR_RETURN(r.properties, jsonMap(v, "Properties", err));
  ROUTESIM_ASSIGN_OR_RETURN(r.system_properties, jsonMap(v, "SystemProperties", err));
  size_t body_index = v.members().size();
  for (size_t i = 0; i < v.members().size(); ++i) {
    if (v.members()[i].key == "Body") {
      body_index = i;
      break;
    }
  }
  if (body_index == v.members().size()) return err.at(v.offset(), "missing field Body");
  const json::Value& body = *v.members()[body_index].value;
  if (body.is(json::Type::kNull)) return r;
  std::string_view raw = rawMemberText(line, v, body_index);
  if (!body.is(json::Type::kString)) {
    r.body.emplace(raw);
    r.body_was_json = true;
    return r;
  }
  // IoT Hub writes a JSON-content body as JSON when it is valid JSON and as base64 otherwise,
  // and every other body as base64. A string is therefore base64 when it is canonical base64
  // (padded, as IoT Hub writes it) and either the message is not JSON content or the decoded
  // bytes are not valid JSON (else they would have been written as JSON); otherwise it is a
  // JSON-content body that is a JSON string. A JSON string body that is itself canonical base64
  // of invalid JSON ("abcd") cannot be told apart and reads as base64; recordToJson prints
  // both the same.
  auto decoded = base64::decode(body.text());
  if (decoded && base64::encode(*decoded) != body.text()) decoded.reset();
  if (isJsonContent(r.system_properties)) {
    std::string scratch;
    if (decoded && !compactor.compact(*decoded, scratch)) {
      r.body = std::move(decoded);
    } else {
      r.body.emplace(raw);
      r.body_was_json = true;
    }
    return r;
  }
  if (!decoded) return err.at(body.offset(), "Body is neither JSON content nor base64");
  r.body = std::move(decoded);
  return r;
}

Result<std::vector<BlobRecord>> readJsonLines(const fs::path& path) {
  ROUTESIM_ASSIGN_OR_RETURN(std::string text, readFile(path.string()));
  std::vector<BlobRecord> records;
  JsonBodyCompactor compactor;
  size_t start = 0;
  uint32_t line_number = 0;
  while (start < text.size()) {
    ++line_number;
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (std::all_of(line.begin(), line.end(), isJsonSpace)) continue;
    std::string where = path.string() + ":" + std::to_string(line_number);
    ROUTESIM_ASSIGN_OR_RETURN(BlobRecord r, jsonRecord(line, LineError{line, where}, compactor));
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace

Result<std::vector<BlobInfo>> listBlobs(const std::filesystem::path& out_dir) {
  std::error_code ec;
  if (!fs::is_directory(out_dir, ec)) {
    return Error(ErrorCode::kIo, out_dir.string() + ": not a folder");
  }
  std::vector<BlobInfo> blobs;
  auto listError = [](const fs::path& p, const std::error_code& e) {
    return Error(ErrorCode::kIo, p.string() + ": cannot list: " + e.message());
  };
  for (fs::directory_iterator accounts(out_dir, ec), end; !ec && accounts != end;
       accounts.increment(ec)) {
    if (!accounts->is_directory(ec)) continue;
    for (fs::directory_iterator containers(accounts->path(), ec); !ec && containers != end;
         containers.increment(ec)) {
      const fs::path& container = containers->path();
      if (!containers->is_directory(ec) || !fs::exists(container / kContainerMarker, ec)) {
        continue;
      }
      for (fs::recursive_directory_iterator files(container, ec), files_end;
           !ec && files != files_end; files.increment(ec)) {
        if (!files->is_regular_file(ec)) continue;
        std::string file = files->path().filename().string();
        if (file.rfind(kPartialPrefix, 0) == 0) continue;
        if (file == kContainerMarker && files->path().parent_path() == container) continue;
        BlobInfo info;
        info.account = accounts->path().filename().string();
        info.container = container.filename().string();
        info.name = files->path().lexically_relative(container).generic_string();
        info.path = files->path();
        info.size = files->file_size(ec);
        if (ec) return listError(files->path(), ec);
        blobs.push_back(std::move(info));
      }
      if (ec) return listError(container, ec);
    }
    if (ec) return listError(accounts->path(), ec);
  }
  if (ec) return listError(out_dir, ec);
  std::sort(blobs.begin(), blobs.end(), [](const BlobInfo& a, const BlobInfo& b) {
    return std::tie(a.account, a.container, a.name) < std::tie(b.account, b.container, b.name);
  });
  return blobs;
}

Result<std::vector<BlobRecord>> readBlob(const std::filesystem::path& path) {
  char magic[4] = {};
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Error(ErrorCode::kIo, path.string() + ": cannot open: " + std::strerror(errno));
    }
    in.read(magic, sizeof magic);
    if (in.gcount() == static_cast<std::streamsize>(sizeof magic) &&
        std::string_view(magic, sizeof magic) == avro::kMagic) {
      in.close();
      return readAvro(path);
    }
  }
  return readJsonLines(path);
}

std::string recordToJson(const BlobRecord& record) {
  std::vector<PropertyRef> properties;
  std::vector<PropertyRef> system_properties;
  appendRefs(record.properties, properties);
  appendRefs(record.system_properties, system_properties);
  RecordView view{record.enqueued_time_utc, properties, system_properties, std::nullopt, false};
  std::string compact;
  if (record.body) {
    view.body = *record.body;
    if (record.body_was_json) {
      JsonBodyCompactor compactor;
      if (compactor.compact(*record.body, compact)) {
        view.body = compact;
        view.body_is_json = true;
      }
    }
  }
  std::string out;
  appendJsonRecord(out, view);
  return out;
}

}  // namespace routesim::endpoints::storage
