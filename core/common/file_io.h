// Whole-file reads and writes with errors that name the file.
#pragma once

#include <string>
#include <string_view>

#include "core/common/error.h"

namespace routesim {

// The file's bytes; ErrorCode::kIo "<path>: <reason>" when it cannot be read.
Result<std::string> readFile(const std::string& path);

// Writes `bytes` to `path` (replacing it); ErrorCode::kIo on failure.
Status writeFile(const std::string& path, std::string_view bytes);

}  // namespace routesim
