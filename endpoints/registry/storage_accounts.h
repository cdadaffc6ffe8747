// Storage accounts and their blob containers in ARM's shape (Microsoft.Storage/storageAccounts
// with blobServices/containers children, nested or as top-level resources), as a scenario's
// `resources` array gives them. The account's network settings (networkAcls,
// publicNetworkAccess) are accepted here and interpreted by the network policy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"

namespace routesim::endpoints {

struct StorageAccountConfig {
  std::string name;
  std::string location;
  std::string sku = "Standard_LRS";
  std::string kind = "StorageV2";
  bool hierarchical_namespace = false;  // isHnsEnabled (ADLS Gen2)
  std::vector<std::string> containers;
  std::string path;  // JSON path of the account resource
};

// Picks the storage accounts out of an ARM `resources` array (other types are ignored).
// Account names: 3-24 lower-case letters and digits; container names: 3-63 lower-case letters,
// digits and single hyphens, starting and ending with a letter or digit (Azure's rules).
// A container whose account is not in the array is an error naming its path.
std::vector<StorageAccountConfig> readArmStorageAccounts(const json::Value& resources,
                                                         const std::string& path,
                                                         ConfigIssues& issues);

}  // namespace routesim::endpoints
