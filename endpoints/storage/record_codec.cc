#include "endpoints/storage/record_codec.h"

#include <simdjson.h>

#include "core/common/base64.h"
#include "core/common/json.h"
#include "core/common/utf.h"
#include "endpoints/storage/avro_container.h"

namespace routesim::endpoints::storage {
namespace {

void appendAvroMap(std::string& out, std::span<const PropertyRef> list) {
  if (!list.empty()) {
    avro::appendLong(out, static_cast<int64_t>(list.size()));  // one block holds every entry
    for (const PropertyRef& p : list) {
      avro::appendBytes(out, p.name);
      avro::appendBytes(out, p.value.value_or(std::string_view()));
    }
  }
  avro::appendLong(out, 0);
}

void appendJsonMap(std::string& out, std::span<const PropertyRef> list) {
  out.push_back('{');
  bool first = true;
  for (const PropertyRef& p : list) {
    if (!first) out.push_back(',');
    first = false;
    json::appendQuoted(out, p.name);
    out.push_back(':');
    json::appendQuoted(out, p.value.value_or(std::string_view()));
  }
  out.push_back('}');
}

}  // namespace

void appendRefs(const PropertyList& list, std::vector<PropertyRef>& out) {
  for (const auto& [name, value] : list) {
    out.push_back({name, value ? std::optional<std::string_view>(*value) : std::nullopt});
  }
}

void appendAvroRecord(std::string& out, const RecordView& record) {
  avro::appendBytes(out, record.enqueued_time_utc);
  appendAvroMap(out, record.properties);
  appendAvroMap(out, record.system_properties);
  if (record.body) {
    avro::appendLong(out, 1);  // union branch 1: bytes
    avro::appendBytes(out, *record.body);
  } else {
    avro::appendLong(out, 0);  // union branch 0: null
  }
}

void appendJsonRecord(std::string& out, const RecordView& record) {
  out += R"({"EnqueuedTimeUtc":)";
  json::appendQuoted(out, record.enqueued_time_utc);
  out += R"(,"Properties":)";
  appendJsonMap(out, record.properties);
  out += R"(,"SystemProperties":)";
  appendJsonMap(out, record.system_properties);
  out += R"(,"Body":)";
  if (!record.body) {
    out += "null";
  } else if (record.body_is_json) {
    out += *record.body;
  } else {
    out.push_back('"');
    out += base64::encode(*record.body);
    out.push_back('"');
  }
  out.push_back('}');
}

bool hasJsonContentType(std::span<const PropertyRef> system_properties) {
  bool json_type = false;
  bool utf8 = false;
  for (const PropertyRef& p : system_properties) {
    if (!p.value) continue;
    if (utf::equalsIgnoreCase(p.name, "contentType")) {
      json_type = utf::equalsAsciiLower(*p.value, "application/json");
    } else if (utf::equalsIgnoreCase(p.name, "contentEncoding")) {
      utf8 = utf::equalsAsciiLower(*p.value, "utf-8");
    }
  }
  return json_type && utf8;
}

struct JsonBodyCompactor::State {
  simdjson::dom::parser parser;
};

JsonBodyCompactor::JsonBodyCompactor() : state_(std::make_unique<State>()) {}
JsonBodyCompactor::~JsonBodyCompactor() = default;

bool JsonBodyCompactor::compact(std::string_view body, std::string& out) {
  // The DOM parse validates the whole text (structure, UTF-8, numbers, literals); minify then
  // drops whitespace outside strings without rewriting any token.
  simdjson::dom::element root;
  if (state_->parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root) !=
      simdjson::SUCCESS) {
    return false;
  }
  out.resize(body.size());
  size_t length = 0;
  if (simdjson::minify(body.data(), body.size(), out.data(), length) != simdjson::SUCCESS) {
    return false;
  }
  out.resize(length);
  return true;
}

}  // namespace routesim::endpoints::storage
