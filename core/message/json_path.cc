#include "core/message/json_path.h"

namespace routesim::message {
namespace {

bool isNameChar(char c) {
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '/':
    case '[':
    case ']':
    case '?':
    case '=':
    case '{':
    case '}':
    case '.':
    case '\t':
    case '\r':
    case '\n':
      return false;
    default:
      return true;
  }
}

Error pathError(size_t at, size_t length, std::string message) {
  return Error::at(ErrorCode::kInvalidPath,
                   {static_cast<uint32_t>(at), static_cast<uint32_t>(length == 0 ? 1 : length)},
                   std::move(message));
}

std::string describe(std::string_view text, size_t at) {
  if (at >= text.size()) return "the end of the path";
  return "'" + std::string(1, text[at]) + "'";
}

}  // namespace

Result<JsonPath> parseJsonPath(std::string_view text) {
  JsonPath path;
  if (text.empty()) return pathError(0, 0, "the path is empty");
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < text.size() && isNameChar(text[i])) ++i;
    if (i == start) {
      return pathError(i, 1, "expected a property name, found " + describe(text, i));
    }
    PathSegment segment{std::string(text.substr(start, i - start)), std::nullopt};
    if (i < text.size() && text[i] == '[') {
      size_t bracket = i++;
      size_t digits_start = i;
      uint64_t index = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        uint64_t digit = static_cast<uint64_t>(text[i] - '0');
        index = index > (UINT64_MAX - digit) / 10 ? UINT64_MAX : index * 10 + digit;
        ++i;
      }
      if (i == digits_start) {
        return pathError(i, 1,
                         "expected an array index (digits) after '[', found " + describe(text, i));
      }
      if (i >= text.size() || text[i] != ']') {
        return pathError(i, 1,
                         "expected ']' to close the '[' at " + std::to_string(bracket) +
                             ", found " + describe(text, i));
      }
      ++i;
      segment.index = index;
    }
    path.push_back(std::move(segment));
    if (i == text.size()) return path;
    if (text[i] != '.') {
      return pathError(i, 1, "expected '.' or the end of the path, found " + describe(text, i));
    }
    ++i;
  }
}

std::string formatJsonPath(const JsonPath& path) {
  std::string out;
  for (const PathSegment& s : path) {
    if (!out.empty()) out.push_back('.');
    out += s.name;
    if (s.index) out += '[' + std::to_string(*s.index) + ']';
  }
  return out;
}

}  // namespace routesim::message
