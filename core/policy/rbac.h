// Azure RBAC as data (reference iothub.md §7): built-in role definitions with the data-plane
// permissions routing needs, role assignments (principal, role, scope) and the propagation delay
// before a new assignment takes effect (default PT5M of virtual time).
//
// Scopes are written as ARM writes them ("/subscriptions/S/resourceGroups/G/providers/
// Microsoft.Storage/storageAccounts/A") or by a resource's name ("contosocold"), as the scenario
// format allows; ResourceRef resolves both to one identity.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace routesim::policy {

// A resource's place in ARM's hierarchy. Names compare ignoring letter case, as ARM does.
struct ResourceRef {
  std::string subscription;    // empty: the scenario's (default) subscription
  std::string resource_group;  // empty: the scenario's (default) resource group
  std::string type;            // "Microsoft.Storage/storageAccounts"; empty when unknown
  std::string name;            // the top-level resource's name
  std::string child;  // a child entity ("eventhubs/telemetry", "blobServices/default/containers/c")
};

// A role assignment's scope.
struct Scope {
  enum class Level : uint8_t { kSubscription, kResourceGroup, kResource };
  Level level = Level::kResource;
  ResourceRef ref;
  // Parses an ARM scope ("/subscriptions/S", "/subscriptions/S/resourceGroups/G", a resource id,
  // optionally with a child path) or a bare resource name. nullopt when it is none of those.
  static std::optional<Scope> parse(std::string_view text);
  // Whether this scope includes `target` (a resource, or a child entity of one).
  bool covers(const ResourceRef& target, std::string_view default_subscription,
              std::string_view default_group) const;
};

// A data-plane permission a routing endpoint needs to send.
enum class DataAction : uint8_t {
  kBlobWrite,       // Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write
  kEventHubsSend,   // Microsoft.EventHub/namespaces/messages/send/action
  kServiceBusSend,  // Microsoft.ServiceBus/namespaces/messages/send/action
};

struct RoleDefinition {
  std::string_view name;  // "Storage Blob Data Contributor"
  std::string_view id;    // the built-in role's GUID
  bool blob_write = false;
  bool event_hubs_send = false;
  bool service_bus_send = false;
  bool grants(DataAction action) const;
};

// Built-in roles routesim knows: the data roles that grant sending (Storage Blob Data
// Contributor / Owner, Azure Event Hubs Data Sender / Owner, Azure Service Bus Data Sender /
// Owner) and the control-plane and read roles that do not (Owner, Contributor, Reader, Storage
// Account Contributor, the Data Reader / Receiver roles).
const std::vector<RoleDefinition>& builtinRoles();
// By name (ignoring letter case) or by GUID, bare or as a roleDefinitions resource id.
const RoleDefinition* findRole(std::string_view name_or_id);

struct RoleAssignment {
  std::string name;
  std::string principal_id;  // a principal id, or the name of the identity's resource
  const RoleDefinition* role = nullptr;
  Scope scope;
  uint64_t created_ns = 0;  // virtual time the assignment was made
  // Made before the run began (deployed with the scenario's resources): in effect from the
  // start, without waiting for propagation.
  bool preexisting = false;
};

inline constexpr uint64_t kDefaultPropagationNs = 5ULL * 60 * 1000000000ULL;  // PT5M

struct RbacState {
  std::vector<RoleAssignment> assignments;
  uint64_t propagation_ns = kDefaultPropagationNs;
  std::string default_subscription;
  std::string default_group;

  struct Grant {
    const RoleAssignment* effective = nullptr;  // an assignment in force at `now`
    const RoleAssignment* pending = nullptr;    // one made but not yet propagated
    uint64_t pending_effective_ns = 0;          // when `pending` takes effect
  };
  // The assignments that give `principal` `action` on `target` at virtual time `now_ns`.
  Grant find(std::string_view principal, DataAction action, const ResourceRef& target,
             uint64_t now_ns) const;
  // The same for a principal known by several names (its principal id, the resource holding the
  // identity); empty names are skipped. One pass over the assignments.
  Grant find(std::span<const std::string_view> principal_names, DataAction action,
             const ResourceRef& target, uint64_t now_ns) const;
};

}  // namespace routesim::policy
