#include "endpoints/registry/storage_accounts.h"

#include <gtest/gtest.h>

namespace routesim::endpoints {
namespace {

std::vector<StorageAccountConfig> read(std::string_view text, ConfigIssues& issues) {
  auto value = json::parse(text);
  EXPECT_TRUE(value.ok()) << text;
  return readArmStorageAccounts(value.value(), "$.resources", issues);
}

TEST(StorageAccountsTest, ReadsNestedAndTopLevelContainers) {
  ConfigIssues issues;
  auto accounts = read(R"([
    {"type": "Microsoft.Devices/IotHubs", "name": "hub"},
    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "contosocold",
     "location": "westus2", "kind": "StorageV2", "sku": {"name": "Standard_GRS"},
     "properties": {"isHnsEnabled": true, "networkAcls": {"defaultAction": "Deny"},
                    "publicNetworkAccess": "Enabled"},
     "resources": [{"type": "blobServices", "name": "default",
                    "resources": [{"type": "containers", "name": "archive"}]},
                   {"type": "blobServices/containers", "name": "default/raw-1"}]},
    {"type": "Microsoft.Storage/storageAccounts/blobServices/containers",
     "name": "contosocold/default/raw-2", "properties": {"publicAccess": "None"}}
  ])",
                       issues);
  ASSERT_FALSE(issues.hasErrors()) << issues.format("s.json", "");
  EXPECT_TRUE(issues.items().empty());
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].name, "contosocold");
  EXPECT_EQ(accounts[0].location, "westus2");
  EXPECT_EQ(accounts[0].sku, "Standard_GRS");
  EXPECT_TRUE(accounts[0].hierarchical_namespace);
  EXPECT_EQ(accounts[0].containers, (std::vector<std::string>{"archive", "raw-1", "raw-2"}));
  EXPECT_EQ(accounts[0].path, "$.resources[1]");
}

TEST(StorageAccountsTest, ErrorsNameThePathAndAzuresRule) {
  struct Case {
    std::string_view text;
    std::string_view path;
    std::string_view says;
  };
  for (const Case& c : {
           Case{R"([{"type": "Microsoft.Storage/storageAccounts", "name": "Contoso_Cold"}])",
                "$.resources[0].name", "3-24 lower-case"},
           Case{R"([{"type": "Microsoft.Storage/storageAccounts", "name": "acct1",
                     "resources": [{"type": "blobServices", "name": "default",
                                    "resources": [{"type": "containers", "name": "Bad--Name"}]}]}])",
                "$.resources[0].resources[0].resources[0].name", "3-63 lower-case"},
           Case{R"([{"type": "Microsoft.Storage/storageAccounts/blobServices/containers",
                     "name": "nowhere/default/c1x"}])",
                "$.resources[0].name", "not among the resources"},
           Case{R"([{"type": "Microsoft.Storage/storageAccounts/blobServices/containers",
                     "name": "c1x"}])",
                "$.resources[0].name", "<account>/default/<container>"},
           Case{R"([{"type": "Microsoft.Storage/storageAccounts", "name": "acct1"},
                    {"type": "Microsoft.Storage/storageAccounts", "name": "acct1"}])",
                "$.resources[1].name", "declared twice"},
       }) {
    ConfigIssues issues;
    read(c.text, issues);
    ASSERT_TRUE(issues.hasErrors()) << c.text;
    EXPECT_EQ(issues.items()[0].path, c.path) << c.text;
    EXPECT_NE(issues.items()[0].message.find(c.says), std::string::npos)
        << issues.items()[0].message;
  }
}

TEST(StorageAccountsTest, MisspelledKeysAreWarnings) {
  ConfigIssues issues;
  auto accounts = read(R"([{"type": "Microsoft.Storage/storageAccounts", "name": "acct1",
                            "locaton": "x", "properties": {"isHnsEnabld": true}}])",
                       issues);
  EXPECT_FALSE(issues.hasErrors());
  ASSERT_EQ(issues.items().size(), 2u);
  EXPECT_EQ(issues.items()[0].path, "$.resources[0].properties.isHnsEnabld");
  EXPECT_EQ(issues.items()[1].path, "$.resources[0].locaton");
  EXPECT_EQ(accounts.size(), 1u);
}

}  // namespace
}  // namespace routesim::endpoints
