#include "core/message/message_json.h"

#include <algorithm>

#include "core/common/base64.h"
#include "core/common/utf.h"

namespace routesim::message {
namespace {

Error invalid(const json::Value& at, const std::string& path, std::string_view what) {
  return Error::at(ErrorCode::kInvalidInput, {at.offset(), 1}, path + ": " + std::string(what));
}

Error expected(const json::Value& at, const std::string& path, std::string_view expectation) {
  return invalid(
      at, path,
      "expected " + std::string(expectation) + ", found " + std::string(json::typeName(at.type())));
}

Status readProperties(const json::Value& value, const std::string& path, PropertyMap& out) {
  if (!value.is(json::Type::kObject)) return expected(value, path, "an object of strings");
  for (const json::Member& m : value.members()) {
    const json::Value& v = *m.value;
    std::string member_path = json::pathJoin(path, m.key);
    if (v.is(json::Type::kNull)) {
      out.set(m.key, std::nullopt);
    } else if (v.is(json::Type::kString)) {
      out.set(m.key, v.text());
    } else {
      return expected(v, member_path, "a string or null");
    }
  }
  return {};
}

}  // namespace

std::string encodeText(std::string_view utf8, TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf16:
      return utf::utf8ToUtf16le(utf8);
    case TextEncoding::kUtf32:
      return utf::utf8ToUtf32le(utf8);
    case TextEncoding::kUtf8:
      break;
  }
  return std::string(utf8);
}

TextEncoding textEncodingOf(std::string_view content_encoding) {
  if (utf::equalsIgnoreCase(content_encoding, "utf-16")) return TextEncoding::kUtf16;
  if (utf::equalsIgnoreCase(content_encoding, "utf-32")) return TextEncoding::kUtf32;
  return TextEncoding::kUtf8;
}

Result<Message> messageFromJson(const json::Value& value, std::string_view path_view) {
  std::string path(path_view);
  if (!value.is(json::Type::kObject)) return expected(value, path, "a message object");
  Message message;
  const json::Value* body = nullptr;
  const json::Value* body_text = nullptr;
  const json::Value* body_base64 = nullptr;
  std::string_view body_key;
  for (const json::Member& m : value.members()) {
    const json::Value& v = *m.value;
    std::string member_path = json::pathJoin(path, m.key);
    if (m.key == "deviceId" || m.key == "moduleId") {
      if (!v.is(json::Type::kString)) return expected(v, member_path, "a string");
      (m.key == "deviceId" ? message.device_id : message.module_id) = v.text();
    } else if (m.key == "appProperties") {
      ROUTESIM_RETURN_IF_ERROR(readProperties(v, member_path, message.app_properties));
    } else if (m.key == "systemProperties") {
      ROUTESIM_RETURN_IF_ERROR(readProperties(v, member_path, message.system_properties));
    } else if (m.key == "body" || m.key == "bodyText" || m.key == "bodyBase64") {
      if (body != nullptr || body_text != nullptr || body_base64 != nullptr) {
        return invalid(v, member_path,
                       "a message takes one of body, bodyText and bodyBase64, but '" +
                           std::string(body_key) + "' was given too");
      }
      body_key = m.key;
      if (m.key == "body") {
        body = &v;
      } else if (m.key == "bodyText") {
        if (!v.is(json::Type::kString)) return expected(v, member_path, "a string");
        body_text = &v;
      } else {
        if (!v.is(json::Type::kString)) return expected(v, member_path, "a base64 string");
        body_base64 = &v;
      }
    }
  }

  TextEncoding encoding = TextEncoding::kUtf8;
  if (const Property* p = message.system_properties.find("contentEncoding"); p && p->value) {
    encoding = textEncodingOf(*p->value);
  }
  if (body != nullptr) {
    message.body.assign(encodeText(body->compact(), encoding));
  } else if (body_text != nullptr) {
    message.body.assign(encodeText(body_text->text(), encoding));
  } else if (body_base64 != nullptr) {
    size_t bad = 0;
    auto bytes = base64::decode(body_base64->text(), &bad);
    if (!bytes) {
      return invalid(*body_base64, json::pathJoin(path, "bodyBase64"),
                     "not valid base64 at character " + std::to_string(bad));
    }
    message.body.assign(*bytes);
  }
  return message;
}

Result<PaddedBytes> twinFromJson(const json::Value& value, std::string_view path_view) {
  std::string path(path_view);
  if (!value.is(json::Type::kObject)) {
    return expected(value, path,
                    "a twin object {\"tags\", \"properties\": {\"desired\", \"reported\"}}");
  }
  for (const json::Member& m : value.members()) {
    std::string member_path = json::pathJoin(path, m.key);
    if ((m.key == "tags" || m.key == "properties") && !m.value->is(json::Type::kObject)) {
      return expected(*m.value, member_path, "an object");
    }
    if (m.key == "properties") {
      for (const json::Member& section : m.value->members()) {
        if ((section.key == "desired" || section.key == "reported") &&
            !section.value->is(json::Type::kObject)) {
          return expected(*section.value, json::pathJoin(member_path, section.key), "an object");
        }
      }
    }
  }
  return PaddedBytes(value.compact());
}

Result<std::vector<Message>> readMessageLines(std::string_view text, std::string_view file,
                                              bool require_device_id) {
  std::vector<Message> out;
  out.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto where = [&](uint32_t offset) {
      return std::string(file) + ":" + std::to_string(line_number) + ":" +
             std::to_string(
                 utf::codePointCount(line.substr(0, std::min<size_t>(offset, line.size()))) + 1) +
             ": ";
    };
    auto value = json::parse(line);
    if (!value.ok()) {
      return Error(ErrorCode::kInvalidInput,
                   where(value.error().span().offset) + value.error().message());
    }
    auto message = messageFromJson(*value, "$");
    if (!message.ok()) {
      return Error(ErrorCode::kInvalidInput,
                   where(message.error().span().offset) + message.error().message());
    }
    if (require_device_id && message->device_id.empty()) {
      return Error(ErrorCode::kInvalidInput,
                   where(value->offset()) +
                       "$.deviceId: every message needs a deviceId (the device "
                       "that sends it)");
    }
    out.push_back(std::move(*message));
  }
  return out;
}

std::string messageToJson(const Message& message) {
  std::string out = "{";
  auto key = [&](std::string_view k) {
    if (out.size() > 1) out.push_back(',');
    json::appendQuoted(out, k);
    out.push_back(':');
  };
  if (!message.device_id.empty()) {
    key("deviceId");
    json::appendQuoted(out, message.device_id);
  }
  if (!message.module_id.empty()) {
    key("moduleId");
    json::appendQuoted(out, message.module_id);
  }
  auto properties = [&](std::string_view name, const PropertyMap& map) {
    if (map.empty()) return;
    key(name);
    out.push_back('{');
    bool first = true;
    for (const Property& p : map) {
      if (!first) out.push_back(',');
      first = false;
      json::appendQuoted(out, p.name);
      out.push_back(':');
      if (p.value) {
        json::appendQuoted(out, *p.value);
      } else {
        out += "null";
      }
    }
    out.push_back('}');
  };
  properties("appProperties", message.app_properties);
  properties("systemProperties", message.system_properties);

  if (!message.body.empty()) {
    TextEncoding encoding = TextEncoding::kUtf8;
    bool json_content = false;
    if (const Property* p = message.system_properties.find("contentEncoding"); p && p->value) {
      encoding = textEncodingOf(*p->value);
    }
    if (const Property* p = message.system_properties.find("contentType"); p && p->value) {
      json_content = utf::equalsIgnoreCase(*p->value, "application/json");
    }
    std::string text;
    bool is_text = false;
    switch (encoding) {
      case TextEncoding::kUtf8:
        text.assign(message.body.view());
        is_text = utf::isValidUtf8(text);
        break;
      case TextEncoding::kUtf16:
        is_text = utf::utf16leToUtf8(message.body.view(), text);
        break;
      case TextEncoding::kUtf32:
        is_text = utf::utf32leToUtf8(message.body.view(), text);
        break;
    }
    if (is_text && json_content) {
      auto parsed = json::parse(text);
      if (parsed.ok() && parsed->compact() == text) {
        key("body");
        out += text;
        out.push_back('}');
        return out;
      }
    }
    if (is_text) {
      key("bodyText");
      json::appendQuoted(out, text);
    } else {
      key("bodyBase64");
      json::appendQuoted(out, base64::encode(message.body.view()));
    }
  }
  out.push_back('}');
  return out;
}

}  // namespace routesim::message
