#include "endpoints/registry/storage_accounts.h"

#include <cctype>

#include "core/common/config_reader.h"
#include "core/common/utf.h"

namespace routesim::endpoints {
namespace {

constexpr std::string_view kAccountType = "Microsoft.Storage/storageAccounts";
constexpr std::string_view kBlobServicesType = "Microsoft.Storage/storageAccounts/blobServices";
constexpr std::string_view kContainerType =
    "Microsoft.Storage/storageAccounts/blobServices/containers";

// ARM resource keys every resource may carry; accepted without interpretation.
void acceptCommonKeys(ObjectReader& r) {
  for (std::string_view key : {"apiVersion", "dependsOn", "tags", "comments", "condition", "copy",
                               "identity", "scope", "id", "extendedLocation"}) {
    r.get(key);
  }
}

bool validAccountName(std::string_view n) {
  if (n.size() < 3 || n.size() > 24) return false;
  for (char c : n) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c))))
      return false;
  }
  return true;
}

bool validContainerName(std::string_view n) {
  if (n == "$root" || n == "$logs" || n == "$web") return true;
  if (n.size() < 3 || n.size() > 63) return false;
  auto alnum = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c));
  };
  if (!alnum(n.front()) || !alnum(n.back())) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    if (n[i] == '-') {
      if (n[i + 1] == '-') return false;
    } else if (!alnum(n[i])) {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> splitName(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    parts.push_back(name.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

struct PendingContainer {
  std::string account;
  std::string name;
  std::string path;
  uint32_t offset;
};

class Reader {
 public:
  Reader(ConfigIssues& issues) : issues_(issues) {}

  void resource(const json::Value& value, const std::string& path,
                const StorageAccountConfig* parent, bool under_blob_services) {
    if (!value.is(json::Type::kObject)) return;  // the resources reader reports non-objects
    const json::Value* type_v = value.find("type");
    if (type_v == nullptr || !type_v->is(json::Type::kString)) return;
    std::string_view type = type_v->text();
    // Nested children may use the short type ("blobServices", "containers", or
    // "blobServices/containers" named "default/<container>" directly under the account).
    bool is_account = parent == nullptr && utf::equalsIgnoreCase(type, kAccountType);
    bool is_services =
        utf::equalsIgnoreCase(type, kBlobServicesType) ||
        (parent != nullptr && !under_blob_services && utf::equalsIgnoreCase(type, "blobServices"));
    bool is_container = utf::equalsIgnoreCase(type, kContainerType) ||
                        (parent != nullptr && utf::equalsIgnoreCase(type, "containers")) ||
                        (parent != nullptr && !under_blob_services &&
                         utf::equalsIgnoreCase(type, "blobServices/containers")) ||
                        (under_blob_services && utf::equalsIgnoreCase(type, "containers"));
    if (!is_account && !is_services && !is_container) return;

    ObjectReader r(value, path, issues_);
    r.get("type");
    acceptCommonKeys(r);
    std::string name = r.string("name", /*required=*/true).value_or("");
    const json::Value* name_v = r.get("name");
    uint32_t name_offset = name_v != nullptr ? name_v->offset() : value.offset();
    std::vector<std::string_view> parts = splitName(name);

    if (is_account) {
      StorageAccountConfig a;
      a.name = name;
      a.path = path;
      a.location = r.string("location").value_or("");
      if (const json::Value* sku = r.object("sku")) {
        ObjectReader sr(*sku, r.pathOf("sku"), issues_);
        a.sku = sr.string("name").value_or(a.sku);
        sr.string("tier");
        sr.warnUnknownKeys();
      }
      a.kind = r.string("kind").value_or(a.kind);
      if (const json::Value* props = r.object("properties")) {
        ObjectReader pr(*props, r.pathOf("properties"), issues_);
        a.hierarchical_namespace = pr.boolean("isHnsEnabled").value_or(false);
        // Interpreted by the network policy and other features, not here.
        for (std::string_view key : {"networkAcls",
                                     "publicNetworkAccess",
                                     "minimumTlsVersion",
                                     "supportsHttpsTrafficOnly",
                                     "allowBlobPublicAccess",
                                     "allowSharedKeyAccess",
                                     "accessTier",
                                     "encryption",
                                     "allowCrossTenantReplication",
                                     "defaultToOAuthAuthentication",
                                     "dnsEndpointType",
                                     "isSftpEnabled",
                                     "isLocalUserEnabled",
                                     "largeFileSharesState",
                                     "routingPreference",
                                     "allowedCopyScope",
                                     "keyPolicy",
                                     "sasPolicy",
                                     "azureFilesIdentityBasedAuthentication",
                                     "customDomain",
                                     "immutableStorageWithVersioning",
                                     "isNfsV3Enabled"}) {
          pr.get(key);
        }
        pr.warnUnknownKeys();
      }
      if (!validAccountName(name) && !name.empty()) {
        issues_.error(r.pathOf("name"), "AccountNameInvalid",
                      "'" + name +
                          "' is not a valid storage account name: 3-24 lower-case letters and "
                          "digits",
                      name_offset);
      }
      // routesim's shorthand for blobServices/containers children: "containers": ["name", ...].
      if (const json::Value* names = r.array("containers")) {
        for (size_t i = 0; i < names->items().size(); ++i) {
          const json::Value& c = names->items()[i];
          std::string at = json::pathIndex(r.pathOf("containers"), i);
          if (!c.is(json::Type::kString)) {
            issues_.error(at, "InvalidType", "expected a container name (string)", c.offset());
            continue;
          }
          std::string container(c.text());
          if (!validContainerName(container)) {
            issues_.error(at, "ContainerNameInvalid",
                          "'" + container +
                              "' is not a valid container name: 3-63 lower-case letters, digits "
                              "and single hyphens, starting and ending with a letter or digit",
                          c.offset());
          }
          pending_.push_back({name, container, at, c.offset()});
        }
      }
      size_t index = accounts_.size();
      accounts_.push_back(std::move(a));
      if (const json::Value* children = r.array("resources")) {
        for (size_t i = 0; i < children->items().size(); ++i) {
          resource(children->items()[i], r.pathOf("resources") + "[" + std::to_string(i) + "]",
                   &accounts_[index], false);
          // accounts_ may not grow while reading children (containers are pending), so the
          // parent pointer stays valid.
        }
      }
      r.warnUnknownKeys();
      return;
    }

    // blobServices ("default") and containers: names give the ancestors when top-level.
    std::string account;
    std::string container;
    if (is_services) {
      if (parent != nullptr) {
        account = parent->name;
      } else if (parts.size() == 2) {
        account = std::string(parts[0]);
      } else {
        issues_.error(r.pathOf("name"), "InvalidResourceName",
                      "a blobServices resource is named '<account>/default', found '" + name + "'",
                      name_offset);
      }
      r.object("properties");  // versioning, soft delete, CORS: not modelled
      if (const json::Value* children = r.array("resources")) {
        StorageAccountConfig holder;
        holder.name = account;
        for (size_t i = 0; i < children->items().size(); ++i) {
          resource(children->items()[i], r.pathOf("resources") + "[" + std::to_string(i) + "]",
                   &holder, true);
        }
      }
      r.warnUnknownKeys();
      return;
    }
    if (parent != nullptr && under_blob_services) {
      account = parent->name;
      container = name;
    } else if (parent != nullptr) {
      // Directly under the account: "default/<container>".
      account = parent->name;
      container = parts.size() == 2 ? std::string(parts[1]) : name;
    } else if (parts.size() == 3) {
      account = std::string(parts[0]);
      container = std::string(parts[2]);
    } else {
      issues_.error(
          r.pathOf("name"), "InvalidResourceName",
          "a container resource is named '<account>/default/<container>', found '" + name + "'",
          name_offset);
      r.warnUnknownKeys();
      return;
    }
    if (const json::Value* props = r.object("properties")) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      for (std::string_view key :
           {"publicAccess", "metadata", "defaultEncryptionScope", "denyEncryptionScopeOverride",
            "immutableStorageWithVersioning"}) {
        pr.get(key);
      }
      pr.warnUnknownKeys();
    }
    if (!validContainerName(container)) {
      issues_.error(r.pathOf("name"), "ContainerNameInvalid",
                    "'" + container +
                        "' is not a valid container name: 3-63 lower-case letters, digits and "
                        "single hyphens, starting and ending with a letter or digit",
                    name_offset);
    }
    pending_.push_back({account, container, r.pathOf("name"), name_offset});
    r.warnUnknownKeys();
  }

  std::vector<StorageAccountConfig> finish() {
    for (size_t i = 0; i < accounts_.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (accounts_[i].name == accounts_[j].name) {
          issues_.error(accounts_[i].path + ".name", "StorageAccountAlreadyExists",
                        "storage account '" + accounts_[i].name + "' is declared twice (first at " +
                            accounts_[j].path + ")",
                        0);
        }
      }
    }
    for (PendingContainer& c : pending_) {
      StorageAccountConfig* owner = nullptr;
      for (StorageAccountConfig& a : accounts_) {
        if (a.name == c.account) owner = &a;
      }
      if (owner == nullptr) {
        issues_.error(c.path, "ParentResourceNotFound",
                      "container '" + c.name + "' belongs to storage account '" + c.account +
                          "', which is not among the resources",
                      c.offset);
        continue;
      }
      bool duplicate = false;
      for (const std::string& existing : owner->containers) duplicate |= existing == c.name;
      if (duplicate) {
        issues_.error(c.path, "ContainerAlreadyExists",
                      "container '" + c.name + "' is declared twice in account '" + c.account + "'",
                      c.offset);
        continue;
      }
      owner->containers.push_back(c.name);
    }
    return std::move(accounts_);
  }

 private:
  ConfigIssues& issues_;
  std::vector<StorageAccountConfig> accounts_;
  std::vector<PendingContainer> pending_;
};

}  // namespace

std::vector<StorageAccountConfig> readArmStorageAccounts(const json::Value& resources,
                                                         const std::string& path,
                                                         ConfigIssues& issues) {
  Reader reader(issues);
  if (!resources.is(json::Type::kArray)) {
    issues.error(path, "InvalidType", "expected an array of resources", resources.offset());
    return {};
  }
  for (size_t i = 0; i < resources.items().size(); ++i) {
    reader.resource(resources.items()[i], path + "[" + std::to_string(i) + "]", nullptr, false);
  }
  return reader.finish();
}

}  // namespace routesim::endpoints
