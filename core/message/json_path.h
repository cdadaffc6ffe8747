// The restricted JSON path of routing queries ($body.<path>, $twin.<path>, twin_change_includes):
//   path := segment ('.' segment)*      segment := name | name '[' digits ']'
// where a name is 1+ characters other than ( ) < > @ , ; : \ " / [ ] ? = { } . tab CR LF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace routesim::message {

struct PathSegment {
  std::string name;
  std::optional<uint64_t> index;  // name[index]; saturates at UINT64_MAX (never matches)
  friend bool operator==(const PathSegment&, const PathSegment&) = default;
};

using JsonPath = std::vector<PathSegment>;

// Parses `text`; an error's span is relative to `text` (ErrorCode::kInvalidPath).
Result<JsonPath> parseJsonPath(std::string_view text);

// "a.b[2].c"
std::string formatJsonPath(const JsonPath& path);

}  // namespace routesim::message
