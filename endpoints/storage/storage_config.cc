#include "endpoints/storage/storage_config.h"

#include <array>
#include <cstdio>
#include <utility>

#include "core/common/json.h"
#include "core/common/utf.h"

namespace routesim::endpoints::storage {
namespace {

// In the order IoT Hub's documentation lists them (and missing-token messages name them).
constexpr std::array<std::string_view, 7> kTokens = {"{iothub}", "{partition}", "{YYYY}", "{MM}",
                                                     "{DD}",     "{HH}",        "{mm}"};

SourceSpan spanOf(size_t offset, size_t length) {
  return SourceSpan{static_cast<uint32_t>(offset), static_cast<uint32_t>(length)};
}

Error formatError(size_t offset, size_t length, std::string message) {
  return Error::at(ErrorCode::kInvalidInput, spanOf(offset, length),
                   std::move(message) + " at offset " + std::to_string(offset));
}

// "<path>.<property>" ("$.endpoints.storageContainers[0].containerName"), or the property alone
// without a path.
std::string where(std::string_view path, std::string_view property) {
  if (path.empty()) return std::string(property);
  if (property.empty()) return std::string(path);
  return json::pathJoin(path, property);
}

// "<where>: <message>", or the message alone when there is neither path nor property.
Error invalid(std::string_view path, std::string_view property, std::string_view message) {
  std::string at = where(path, property);
  if (at.empty()) return Error(ErrorCode::kInvalidInput, std::string(message));
  return Error(ErrorCode::kInvalidInput, at + ": " + std::string(message));
}

// The path rules: the name becomes <container>/<name> on a file system.
Status checkPath(std::string_view text) {
  if (text.empty()) return {};  // reported as missing every token
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') return formatError(i, 1, "'\\' is not allowed (use '/')");
    if (text[i] == '\0') return formatError(i, 1, "a NUL character is not allowed");
  }
  size_t start = 0;
  while (true) {
    size_t slash = text.find('/', start);
    size_t end = slash == std::string_view::npos ? text.size() : slash;
    std::string_view segment = text.substr(start, end - start);
    if (segment.empty()) {
      if (start == 0) return formatError(0, 1, "a blob name cannot start with '/'");
      if (end == text.size()) {
        return formatError(start - 1, 1, "a blob name cannot end with '/'");
      }
      return formatError(start, 1, "empty path segment ('//')");
    }
    if (segment == "." || segment == "..") {
      return formatError(start, segment.size(),
                         "path segment '" + std::string(segment) + "' is not allowed");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return {};
}

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

Status checkContainerName(std::string_view name, std::string_view path) {
  bool ok = name.size() >= 3 && name.size() <= 63 && isLowerAlnum(name.front()) &&
            isLowerAlnum(name.back()) && name.find("--") == std::string_view::npos;
  for (char c : name) ok = ok && (isLowerAlnum(c) || c == '-');
  if (ok) return {};
  return invalid(path, "containerName",
                 "must be 3 to 63 characters of lower-case letters, digits and '-', starting "
                 "and ending with a letter or digit, without '--'; found '" +
                     std::string(name) + "'");
}

Status checkAccountName(std::string_view name, std::string_view path,
                        std::string_view property = {}) {
  bool ok = name.size() >= 3 && name.size() <= 24;
  for (char c : name) ok = ok && isLowerAlnum(c);
  if (ok) return {};
  return invalid(path, property,
                 "storage account name must be 3 to 24 lower-case letters and digits; found '" +
                     std::string(name) + "'");
}

// A name that becomes one folder under the output folder. `subject` starts the message when
// no property names the value.
Status checkSegment(std::string_view name, std::string_view path, std::string_view property,
                    std::string_view subject) {
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos) {
    std::string message = property.empty() ? std::string(subject) + " must" : "must";
    return invalid(path, property,
                   message +
                       " be a non-empty name without '/', '\\' or NUL, and not '.' or "
                       "'..'; found '" +
                       std::string(name) + "'");
  }
  return {};
}

Status checkFileNameFormat(std::string_view text, std::string_view path) {
  auto parsed = FileNameFormat::parse(text);
  if (parsed.ok()) return {};
  const Error& e = parsed.error();
  return Error::at(e.code(), e.span(), where(path, "fileNameFormat") + ": " + e.message());
}

void appendPadded(std::string& out, int64_t value, int width) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(value));
  out.append(buf, static_cast<size_t>(n));
}

// A connection string's `key` value ("AccountName=x;AccountKey=..."), key case ignored.
std::string connectionStringValue(std::string_view text, std::string_view key) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view part = text.substr(start, end - start);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && utf::equalsIgnoreCase(part.substr(0, eq), key)) {
      return std::string(part.substr(eq + 1));
    }
    start = end + 1;
  }
  return {};
}

}  // namespace

Result<Encoding> parseEncoding(std::string_view text) {
  if (utf::equalsIgnoreCase(text, "avro")) return Encoding::kAvro;
  if (utf::equalsIgnoreCase(text, "avrodeflate")) return Encoding::kAvroDeflate;
  if (utf::equalsIgnoreCase(text, "json")) return Encoding::kJson;
  return Error(
      ErrorCode::kInvalidInput,
      "encoding must be 'avro', 'avrodeflate' or 'JSON', found '" + std::string(text) + "'");
}

std::string_view encodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kAvro:
      return "avro";
    case Encoding::kAvroDeflate:
      return "avrodeflate";
    case Encoding::kJson:
      return "JSON";
  }
  return "avro";
}

Result<FileNameFormat> FileNameFormat::parse(std::string_view text) {
  static constexpr std::array<Piece, 7> kPieces = {Piece::kIotHub, Piece::kPartition, Piece::kYear,
                                                   Piece::kMonth,  Piece::kDay,       Piece::kHour,
                                                   Piece::kMinute};
  FileNameFormat f;
  f.text_ = std::string(text);
  std::array<bool, 7> seen{};
  std::string literal;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '}') return formatError(i, 1, "'}' without a matching '{'");
    if (c != '{') {
      literal.push_back(c);
      ++i;
      continue;
    }
    size_t close = text.find('}', i);
    size_t next_open = text.find('{', i + 1);
    if (close == std::string_view::npos ||
        (next_open != std::string_view::npos && next_open < close)) {
      return formatError(i, 1, "'{' without a closing '}'");
    }
    std::string_view token = text.substr(i, close - i + 1);
    size_t which = kTokens.size();
    for (size_t t = 0; t < kTokens.size(); ++t) {
      if (token == kTokens[t]) which = t;
    }
    if (which == kTokens.size()) {
      return formatError(i, token.size(),
                         "unknown token '" + std::string(token) +
                             "' (the tokens are {iothub} {partition} {YYYY} {MM} {DD} {HH} {mm})");
    }
    if (!literal.empty()) f.parts_.push_back(Part{Piece::kLiteral, std::move(literal)});
    literal.clear();
    f.parts_.push_back(Part{kPieces[which], {}});
    seen[which] = true;
    i = close + 1;
  }
  if (!literal.empty()) f.parts_.push_back(Part{Piece::kLiteral, std::move(literal)});
  ROUTESIM_RETURN_IF_ERROR(checkPath(text));
  std::string missing;
  for (size_t t = 0; t < kTokens.size(); ++t) {
    if (!seen[t]) missing += (missing.empty() ? "" : " ") + std::string(kTokens[t]);
  }
  if (!missing.empty()) {
    return Error::at(ErrorCode::kInvalidInput, spanOf(0, text.size()),
                     "must contain all of {iothub} {partition} {YYYY} {MM} {DD} {HH} {mm} (in any "
                     "order); missing " +
                         missing);
  }
  return f;
}

std::string FileNameFormat::format(std::string_view hub, uint32_t partition,
                                   std::chrono::system_clock::time_point t) const {
  using namespace std::chrono;
  auto seconds = floor<std::chrono::seconds>(t);
  auto day = floor<days>(seconds);
  year_month_day ymd{day};
  hh_mm_ss<std::chrono::seconds> time{seconds - day};
  std::string out;
  out.reserve(text_.size() + hub.size() + 8);
  for (const Part& p : parts_) {
    switch (p.piece) {
      case Piece::kLiteral:
        out += p.literal;
        break;
      case Piece::kIotHub:
        out += hub;
        break;
      case Piece::kPartition:
        appendPadded(out, partition, 2);
        break;
      case Piece::kYear:
        appendPadded(out, static_cast<int>(ymd.year()), 4);
        break;
      case Piece::kMonth:
        appendPadded(out, static_cast<unsigned>(ymd.month()), 2);
        break;
      case Piece::kDay:
        appendPadded(out, static_cast<unsigned>(ymd.day()), 2);
        break;
      case Piece::kHour:
        appendPadded(out, time.hours().count(), 2);
        break;
      case Piece::kMinute:
        appendPadded(out, time.minutes().count(), 2);
        break;
    }
  }
  return out;
}

Status checkUsable(const ContainerOptions& options, std::string_view path) {
  ROUTESIM_RETURN_IF_ERROR(checkSegment(options.account, path, {}, "storage account name"));
  ROUTESIM_RETURN_IF_ERROR(checkSegment(options.container, path, "containerName", {}));
  ROUTESIM_RETURN_IF_ERROR(checkFileNameFormat(options.file_name_format, path));
  if (options.batch_frequency_seconds <= 0 ||
      options.batch_frequency_seconds > kMaxBatchFrequencySeconds) {
    return invalid(path, "batchFrequencyInSeconds",
                   "must be between 1 and 720 seconds, found " +
                       std::to_string(options.batch_frequency_seconds));
  }
  if (options.max_chunk_bytes <= 0) {
    return invalid(path, "maxChunkSizeInBytes",
                   "must be positive, found " + std::to_string(options.max_chunk_bytes));
  }
  return {};
}

Status validate(const ContainerOptions& options, std::string_view path) {
  ROUTESIM_RETURN_IF_ERROR(checkAccountName(options.account, path));
  ROUTESIM_RETURN_IF_ERROR(checkContainerName(options.container, path));
  ROUTESIM_RETURN_IF_ERROR(checkFileNameFormat(options.file_name_format, path));
  if (options.batch_frequency_seconds < kMinBatchFrequencySeconds ||
      options.batch_frequency_seconds > kMaxBatchFrequencySeconds) {
    return invalid(path, "batchFrequencyInSeconds",
                   "must be between 60 and 720 seconds, found " +
                       std::to_string(options.batch_frequency_seconds));
  }
  if (options.max_chunk_bytes < kMinChunkBytes || options.max_chunk_bytes > kMaxChunkBytes) {
    return invalid(path, "maxChunkSizeInBytes",
                   "must be between 10485760 (10 MiB) and 524288000 (500 MiB) bytes, found " +
                       std::to_string(options.max_chunk_bytes));
  }
  return {};
}

Result<ContainerOptions> containerOptionsFrom(const routing::EndpointConfig& config) {
  ContainerOptions o;
  std::string_view account_property;
  o.account = connectionStringValue(config.connection_string, "AccountName");
  if (!o.account.empty()) account_property = "connectionString";
  if (o.account.empty() && !config.endpoint_uri.empty()) {
    std::string_view uri = config.endpoint_uri;
    size_t scheme = uri.find("://");
    if (scheme != std::string_view::npos) uri.remove_prefix(scheme + 3);
    o.account = std::string(uri.substr(0, uri.find_first_of("./:")));
    account_property = "endpointUri";
  }
  if (o.account.empty()) o.account = "devstoreaccount1";
  o.container = config.container_name;
  auto encoding = parseEncoding(config.encoding);
  if (!encoding.ok()) {
    return invalid(config.path, "encoding",
                   "must be 'avro', 'avrodeflate' or 'JSON', found '" + config.encoding + "'");
  }
  o.encoding = *encoding;
  o.file_name_format = config.file_name_format;
  o.batch_frequency_seconds = config.batch_frequency_seconds;
  o.max_chunk_bytes = config.max_chunk_bytes;
  ROUTESIM_RETURN_IF_ERROR(checkAccountName(o.account, config.path, account_property));
  ROUTESIM_RETURN_IF_ERROR(validate(o, config.path));
  return o;
}

}  // namespace routesim::endpoints::storage
