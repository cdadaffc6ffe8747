#include "core/common/file_io.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace routesim {

Result<std::string> readFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error(ErrorCode::kIo, path + ": is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kIo, path + ": cannot open: " + std::strerror(errno));
  // One read into a buffer of the file's size (a stream copy of a large file doubled its way
  // there, copying and faulting in pages many times over).
  std::string data;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > 0) {
    data.resize(static_cast<size_t>(size));
    in.read(data.data(), static_cast<std::streamsize>(size));
    data.resize(static_cast<size_t>(in.gcount()));
    if (in.bad()) return Error(ErrorCode::kIo, path + ": read failed: " + std::strerror(errno));
    if (in.eof() || in.peek() == std::char_traits<char>::eof()) return data;
  }
  // Not a regular file (a pipe, /dev/stdin) or it grew: read to the end.
  std::ostringstream rest;
  rest << in.rdbuf();
  if (in.bad()) return Error(ErrorCode::kIo, path + ": read failed: " + std::strerror(errno));
  data += std::move(rest).str();
  return data;
}

Status writeFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error(ErrorCode::kIo, path + ": cannot create: " + std::strerror(errno));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Error(ErrorCode::kIo, path + ": write failed: " + std::strerror(errno));
  return {};
}

}  // namespace routesim
