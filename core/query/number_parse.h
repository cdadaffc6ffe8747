// as_number's string parsing: .NET double.Parse with NumberStyles.Any and the invariant culture,
// as IoT Hub's engine uses it: surrounding whitespace, a leading or trailing sign, parentheses
// for negatives, ',' group separators, '.' decimals, an exponent, the currency sign '¤', and
// "Infinity" / "NaN"; overflow gives ±Infinity. Hexadecimal is not accepted.
#pragma once

#include <optional>
#include <string_view>

namespace routesim::query {

std::optional<double> parseLenientNumber(std::string_view text);

}  // namespace routesim::query
