// The message JSON of DESIGN.md ("Interfaces"), read and written:
//   {"deviceId"?, "moduleId"?, "appProperties"?, "systemProperties"?,
//    "body": <JSON> | "bodyText": "<text>" | "bodyBase64": "<bytes>"}
// and the twin document {"tags"?, "properties": {"desired"?, "reported"?}?}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/common/json.h"
#include "core/message/message.h"

namespace routesim::message {

enum class TextEncoding : uint8_t { kUtf8, kUtf16, kUtf32 };

// The encoding a contentEncoding value names for body bytes: "utf-16" / "utf-32" (any letter
// case) are little-endian without a byte-order mark; anything else, or none, is UTF-8.
TextEncoding textEncodingOf(std::string_view content_encoding);

// UTF-8 text as body bytes in `encoding` (UTF-16 / UTF-32 little-endian, no byte-order mark).
std::string encodeText(std::string_view utf8, TextEncoding encoding);

// Reads a message object. `path` is the JSON path of `value` for error messages; errors carry
// the offending value's byte offset as their span. Unknown keys are ignored. `body` is written
// as compact JSON and, like `bodyText`, encoded as the message's contentEncoding names.
Result<Message> messageFromJson(const json::Value& value, std::string_view path);

// Reads a twin document into compact JSON bytes.
Result<PaddedBytes> twinFromJson(const json::Value& value, std::string_view path);

// Reads NDJSON: one message object per line (blank lines skipped). With `require_device_id`,
// every message needs a non-empty "deviceId" (a hub receives it). The first bad line is an
// error "<file>:<line>:<column>: <JSON path>: <what was expected>" (ErrorCode::kInvalidInput).
Result<std::vector<Message>> readMessageLines(std::string_view text, std::string_view file,
                                              bool require_device_id);

// Writes a message as message JSON: `body` when the content is JSON that decodes, `bodyText`
// for other text, `bodyBase64` for bytes that are not text in the message's encoding.
std::string messageToJson(const Message& message);

}  // namespace routesim::message
