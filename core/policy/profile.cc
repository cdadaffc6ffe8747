#include "core/policy/profile.h"

namespace routesim::policy {

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
    if (c == ' ' || c == '-' || c == '_') continue;
    key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return key;
}

bool ProfileRules::networkIsolationIn(std::string_view location) const {
  if (profile == Profile::kCurrent) return true;
  std::string key = regionKey(location);
  return key == "eastus" || key == "southcentralus" || key == "westus2";
}

std::string_view ProfileRules::isolationRegions() { return "eastus, southcentralus, westus2"; }

}  // namespace routesim::policy
