// RFC 4648 base64 (standard alphabet, '=' padding), for bodyBase64 fields and endpoint output.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace routesim::base64 {

std::string encode(std::string_view bytes);
// The same appended to `out`.
void append(std::string& out, std::string_view bytes);
// Decodes padded or unpadded base64; whitespace is not allowed. nullopt on any bad character
// or length, with the offset of the first bad character in *bad_offset when given.
std::optional<std::string> decode(std::string_view text, size_t* bad_offset = nullptr);

}  // namespace routesim::base64
