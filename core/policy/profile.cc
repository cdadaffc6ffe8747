#include "core/policy/profile.h"

namespace routesim::policy {
namespace {

bool skipped(char c) { return c == ' ' || c == '-' || c == '_'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::optional<Profile> parseProfile(std::string_view text) {
  if (text == "current") return Profile::kCurrent;
  if (text == "2020-03") return Profile::k2020_03;
  return std::nullopt;
}

std::string_view profileName(Profile p) { return p == Profile::kCurrent ? "current" : "2020-03"; }

std::string regionKey(std::string_view location) {
  std::string key;
  key.reserve(location.size());
  for (char c : location) {
    if (!skipped(c)) key += lower(c);
  }
  return key;
}

bool sameRegion(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  for (;;) {
    while (i < a.size() && skipped(a[i])) ++i;
    while (j < b.size() && skipped(b[j])) ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (lower(a[i++]) != lower(b[j++])) return false;
  }
}

bool ProfileRules::networkIsolationIn(std::string_view location) const {
  if (profile == Profile::kCurrent) return true;
  return sameRegion(location, "eastus") || sameRegion(location, "southcentralus") ||
         sameRegion(location, "westus2");
}

std::string_view ProfileRules::isolationRegions() { return "eastus, southcentralus, westus2"; }

}  // namespace routesim::policy
