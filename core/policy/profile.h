// Region / time profiles (DESIGN.md "profile"): what Azure allowed when. `current` is today's
// service; `2020-03` is the seed's time: private endpoints, the trusted-services exception and
// minTlsVersion only in East US, South Central US and West US 2; a managed identity only when
// the hub is created; no networkRuleSets (API 2020-08-31) and no user-assigned identities (2021).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace routesim::policy {

enum class Profile : uint8_t { kCurrent, k2020_03 };
std::optional<Profile> parseProfile(std::string_view text);  // "current" | "2020-03"
std::string_view profileName(Profile p);

// Canonical region name: lower case without spaces ("East US" -> "eastus").
std::string regionKey(std::string_view location);
// Whether two locations name the same region ("West US 2" == "westus2"), without allocating.
bool sameRegion(std::string_view a, std::string_view b);

struct ProfileRules {
  Profile profile = Profile::kCurrent;
  // Whether the network-isolation features (private endpoints, trusted-services exception,
  // minTlsVersion) exist in `location` under this profile.
  bool networkIsolationIn(std::string_view location) const;
  bool identityAfterCreation() const { return profile == Profile::kCurrent; }
  bool userAssignedIdentities() const { return profile == Profile::kCurrent; }
  bool networkRuleSets() const { return profile == Profile::kCurrent; }
  // The regions the 2020-03 profile allows, for messages: "eastus, southcentralus, westus2".
  static std::string_view isolationRegions();
};

}  // namespace routesim::policy
