#include "core/query/number_parse.h"

#include <cstdlib>
#include <limits>
#include <string>

#include "core/common/utf.h"

namespace routesim::query {
namespace {

bool isWhite(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr std::string_view kCurrency = "\xC2\xA4";  // U+00A4, the invariant currency sign

std::optional<double> special(std::string_view s) {
  while (!s.empty() && isWhite(s.front())) s.remove_prefix(1);
  while (!s.empty() && isWhite(s.back())) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (utf::equalsIgnoreCase(s, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (utf::equalsIgnoreCase(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
  return std::nullopt;
}

}  // namespace

std::optional<double> parseLenientNumber(std::string_view s) {
  enum : unsigned { kSign = 1, kParens = 2, kDigits = 4, kDecimal = 8, kCurrencySeen = 16 };
  unsigned state = 0;
  bool negative = false;
  size_t i = 0;
  auto currencyAt = [&](size_t k) { return s.substr(k, kCurrency.size()) == kCurrency; };

  // Leading whitespace, sign or '(' and currency sign, in any order the .NET parser allows.
  while (i < s.size()) {
    char c = s[i];
    if (isWhite(c) && !(state & kSign)) {
      ++i;
    } else if ((c == '+' || c == '-') && !(state & kSign)) {
      state |= kSign;
      negative = c == '-';
      ++i;
    } else if (c == '(' && !(state & kSign)) {
      state |= kSign | kParens;
      negative = true;
      ++i;
    } else if (currencyAt(i) && !(state & kCurrencySeen)) {
      state |= kCurrencySeen;
      i += kCurrency.size();
    } else {
      break;
    }
  }

  std::string mantissa;
  int fraction_digits = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      state |= kDigits;
      mantissa.push_back(c);
      if (state & kDecimal) ++fraction_digits;
      ++i;
    } else if (c == '.' && !(state & kDecimal)) {
      state |= kDecimal;
      ++i;
    } else if (c == ',' && (state & kDigits) && !(state & kDecimal)) {
      ++i;
    } else {
      break;
    }
  }
  if (!(state & kDigits)) return special(s);

  long long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t mark = i++;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (exponent < 1000000) exponent = exponent * 10 + (s[i] - '0');
        ++i;
      }
      if (exp_negative) exponent = -exponent;
    } else {
      i = mark;  // not an exponent; the 'e' is left over and fails below
    }
  }

  while (i < s.size()) {
    char c = s[i];
    if (isWhite(c)) {
      ++i;
    } else if ((c == '+' || c == '-') && !(state & kSign)) {
      state |= kSign;
      negative = c == '-';
      ++i;
    } else if (c == ')' && (state & kParens)) {
      state &= ~static_cast<unsigned>(kParens);
      ++i;
    } else if (currencyAt(i) && !(state & kCurrencySeen)) {
      state |= kCurrencySeen;
      i += kCurrency.size();
    } else {
      break;
    }
  }
  if (state & kParens) return std::nullopt;
  while (i < s.size() && s[i] == '\0') ++i;  // .NET accepts trailing NULs
  if (i != s.size()) return special(s);

  std::string text = mantissa + "e" + std::to_string(exponent - fraction_digits);
  double value = std::strtod(text.c_str(), nullptr);
  return negative ? -value : value;
}

}  // namespace routesim::query
