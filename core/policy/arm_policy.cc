#include "core/policy/arm_policy.h"

#include <initializer_list>
#include <optional>
#include <utility>

#include "core/common/config_reader.h"
#include "core/common/utf.h"

namespace routesim::policy {
namespace {

constexpr std::string_view kHubType = "Microsoft.Devices/IotHubs";
constexpr std::string_view kHubConnectionType =
    "Microsoft.Devices/IotHubs/privateEndpointConnections";
constexpr std::string_view kVnetType = "Microsoft.Network/virtualNetworks";
constexpr std::string_view kSubnetType = "Microsoft.Network/virtualNetworks/subnets";
constexpr std::string_view kPeeringType =
    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";
constexpr std::string_view kOnPremisesType = "routesim/onPremisesNetworks";
constexpr std::string_view kPrivateEndpointType = "Microsoft.Network/privateEndpoints";
constexpr std::string_view kDnsZoneGroupType =
    "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";
constexpr std::string_view kStorageType = "Microsoft.Storage/storageAccounts";
constexpr std::string_view kEventHubsType = "Microsoft.EventHub/namespaces";
constexpr std::string_view kEventHubsRulesType = "Microsoft.EventHub/namespaces/networkRuleSets";
constexpr std::string_view kServiceBusType = "Microsoft.ServiceBus/namespaces";
constexpr std::string_view kServiceBusRulesType = "Microsoft.ServiceBus/namespaces/networkRuleSets";
constexpr std::string_view kIdentityResourceType =
    "Microsoft.ManagedIdentity/userAssignedIdentities";
constexpr std::string_view kRoleAssignmentType = "Microsoft.Authorization/roleAssignments";

constexpr size_t kMaxIpFilterRules = 10;         // iothub.md §6.1
constexpr size_t kMaxNetworkRuleSetRules = 100;  // iothub.md §6.2

bool same(std::string_view a, std::string_view b) { return utf::equalsIgnoreCase(a, b); }

std::string_view lastSegment(std::string_view id) {
  while (!id.empty() && id.back() == '/') id.remove_suffix(1);
  size_t slash = id.rfind('/');
  return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    parts.push_back(
        text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// A member found ignoring letter case (ARM property names), without marking anything: for keys
// of objects that other readers own.
const json::Value* member(const json::Value& object, std::string_view key) {
  if (!object.is(json::Type::kObject)) return nullptr;
  for (const json::Member& m : object.members()) {
    if (same(m.key, key)) return m.value.get();
  }
  return nullptr;
}

const json::Value* memberObject(const json::Value& object, std::string_view key) {
  const json::Value* v = member(object, key);
  return v != nullptr && v->is(json::Type::kObject) ? v : nullptr;
}

std::optional<std::string> memberString(const json::Value& object, std::string_view key) {
  const json::Value* v = member(object, key);
  if (v == nullptr || !v->is(json::Type::kString)) return std::nullopt;
  return v->text();
}

bool isExpression(const json::Value& v) {
  if (!v.is(json::Type::kString)) return false;
  const std::string& t = v.text();
  return t.size() >= 2 && t.front() == '[' && t[1] != '[' && t.back() == ']';
}

std::string alternatives(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

bool looksLikeGuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (i == 8 || i == 13 || i == 18 || i == 23 ? c != '-' : !hex) return false;
  }
  return true;
}

// IoT Hub's filterName: 1-128 ASCII letters, digits and - : / \ . + % _ # * ? ! ( ) , = @ ; '
bool validFilterName(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  constexpr std::string_view kPunctuation = "-:/\\.+%_#*?!(),=@;'";
  for (char c : n) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kPunctuation.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// A resource named by name or by full ARM id: its type (empty for a bare name) and name.
struct NameRef {
  std::string type;
  std::string name;
};

NameRef nameRef(std::string_view text) {
  if (!text.empty() && text[0] == '/') {
    if (auto scope = Scope::parse(text); scope && scope->level == Scope::Level::kResource) {
      if (scope->ref.child.empty()) return {scope->ref.type, scope->ref.name};
    }
    return {"", std::string(lastSegment(text))};
  }
  return {"", std::string(text)};
}

bool refMatches(const NameRef& ref, std::string_view type, std::string_view name) {
  return same(ref.name, name) && (ref.type.empty() || same(ref.type, type));
}

std::string_view targetType(TargetKind kind) {
  switch (kind) {
    case TargetKind::kStorage:
      return kStorageType;
    case TargetKind::kEventHubs:
      return kEventHubsType;
    case TargetKind::kServiceBus:
      return kServiceBusType;
  }
  return kStorageType;
}

// ---------------------------------------------------------------------------------------------
// Reading state: the model plus where each part came from, for the checks that need the whole
// array (references between resources, written in any order).

struct Where {
  std::string path;
  uint32_t offset = 0;
};

struct HubConnection {  // an entry of a hub's privateEndpointConnections
  std::string private_endpoint;
  std::optional<ConnectionState> state;
  Where where;  // privateEndpoint.id
};

struct IdentityRef {  // an entry of a hub's identity.userAssignedIdentities
  size_t index = 0;
  bool explicit_principal = false;
  Where where;
};

struct HubState {
  HubPolicyConfig config;
  Where name;
  std::vector<HubConnection> connections;
  std::vector<IdentityRef> identity_refs;
};

struct SubnetInfo {
  Where name;
  Where prefix;
};

struct VnetState {
  VirtualNetwork vnet;
  std::string path;
  Where name;
  std::vector<SubnetInfo> subnets;  // parallel to vnet.subnets
  std::vector<Where> peerings;      // parallel to vnet.peerings
};

struct OnPremisesState {
  OnPremisesNetwork network;
  std::string path;
  Where name;
  Where connected_to;
};

struct PeConnection {
  std::string service;  // privateLinkServiceId as written
  Where where;
  std::string group;  // first of groupIds; empty when not given
  std::optional<ConnectionState> state;
  Where state_where;
  bool manual = false;
  // Resolved.
  int32_t hub = -1;
  int32_t target = -1;
  std::optional<ConnectionState> hub_state;  // the hub's privateEndpointConnections say so
};

struct PeState {
  std::string name;
  std::string path;
  Where name_where;
  std::string subnet_ref;
  Where subnet_where;
  std::optional<Ipv4> ip;
  Where ip_where;
  bool dns = false;
  std::vector<PeConnection> connections;
};

struct TargetState {
  Target target;
  std::string path;
  // Namespaces: where publicNetworkAccess / the rule set said what, for the tier check.
  std::optional<Where> public_access_disabled;
  bool has_rule_set = false;
  Where rule_set;
  Where default_action;
};

struct IdentityState {
  UserAssignedIdentity identity;
  std::string path;
  Where name;
};

struct RoleState {
  RoleAssignment assignment;
  std::string path;
  Where name;
  Where principal;
  std::optional<Where> scope;
};

enum class ChildKind : uint8_t {
  kSubnet,
  kPeering,
  kDnsZoneGroup,
  kEventHubsRules,
  kServiceBusRules,
  kHubConnection
};

std::string_view childTypeName(ChildKind kind) {
  switch (kind) {
    case ChildKind::kSubnet:
      return kSubnetType;
    case ChildKind::kPeering:
      return kPeeringType;
    case ChildKind::kDnsZoneGroup:
      return kDnsZoneGroupType;
    case ChildKind::kEventHubsRules:
      return kEventHubsRulesType;
    case ChildKind::kServiceBusRules:
      return kServiceBusRulesType;
    case ChildKind::kHubConnection:
      return kHubConnectionType;
  }
  return "";
}

struct Child {
  ChildKind kind;
  const json::Value* value;
  std::string path;
  std::string parent;
  std::string name;
  Where name_where;
};

template <typename T>
struct Choice {
  std::string_view name;
  T value;
};

class Reader {
 public:
  Reader(Profile profile, ConfigIssues& issues) : rules_{profile}, issues_(issues) {}

  void resource(const json::Value& v, const std::string& path) {
    if (!v.is(json::Type::kObject)) return;  // the scenario's resources reader reports it
    const json::Value* type = member(v, "type");
    if (type == nullptr || !type->is(json::Type::kString)) return;
    const std::string& t = type->text();
    if (same(t, kHubType)) {
      readHub(v, path);
    } else if (same(t, kVnetType)) {
      readVnet(v, path);
    } else if (same(t, kOnPremisesType)) {
      readOnPremises(v, path);
    } else if (same(t, kPrivateEndpointType)) {
      readPrivateEndpoint(v, path);
    } else if (same(t, kStorageType)) {
      readStorage(v, path);
    } else if (same(t, kEventHubsType)) {
      readNamespace(v, path, TargetKind::kEventHubs);
    } else if (same(t, kServiceBusType)) {
      readNamespace(v, path, TargetKind::kServiceBus);
    } else if (same(t, kIdentityResourceType)) {
      readIdentity(v, path);
    } else if (same(t, kRoleAssignmentType)) {
      readRoleAssignment(v, path);
    } else {
      for (ChildKind kind :
           {ChildKind::kSubnet, ChildKind::kPeering, ChildKind::kDnsZoneGroup,
            ChildKind::kEventHubsRules, ChildKind::kServiceBusRules, ChildKind::kHubConnection}) {
        if (same(t, childTypeName(kind))) collectChild(kind, v, path, "");
      }
    }
  }

  PolicyResources finish() {
    readChildren();
    checkDuplicates();
    checkVnets();
    checkOnPremises();
    resolvePrivateEndpoints();
    resolveHubIdentities();
    checkTiers();
    checkRoleAssignments();

    PolicyResources out;
    for (HubState& h : hubs_) out.hubs.push_back(std::move(h.config));
    for (VnetState& v : vnets_) out.network.vnets.push_back(std::move(v.vnet));
    for (OnPremisesState& o : on_premises_) out.network.on_premises.push_back(std::move(o.network));
    out.network.private_endpoints = std::move(private_endpoints_);
    for (TargetState& t : targets_) out.targets.push_back(std::move(t.target));
    for (IdentityState& i : identities_) out.identities.push_back(std::move(i.identity));
    for (RoleState& r : roles_) {
      if (r.assignment.role != nullptr) out.role_assignments.push_back(std::move(r.assignment));
    }
    return out;
  }

 private:
  // --- value helpers ---------------------------------------------------------------------------

  void expressionError(const std::string& path, const json::Value& v) {
    issues_.error(
        path, "TemplateExpressionNotSupported",
        "ARM template expression '" + v.text() + "' is not evaluated; write the literal value",
        v.offset());
  }

  // A string member, refusing template expressions.
  std::optional<std::string> str(ObjectReader& r, std::string_view key, bool required = false) {
    const json::Value* v = r.get(key, required);
    if (v == nullptr) return std::nullopt;
    if (isExpression(*v)) {
      expressionError(r.pathOf(key), *v);
      return std::nullopt;
    }
    return r.string(key);
  }

  Where where(ObjectReader& r, std::string_view key, uint32_t fallback = 0) {
    const json::Value* v = r.get(key);
    return {r.pathOf(key), v != nullptr ? v->offset() : fallback};
  }

  // A string member that must be one of `choices` (ignoring letter case).
  template <typename T>
  std::optional<T> choose(ObjectReader& r, std::string_view key,
                          std::initializer_list<Choice<T>> choices, bool required = false,
                          std::string_view note = {}) {
    auto text = str(r, key, required);
    if (!text) return std::nullopt;
    std::vector<std::string_view> names;
    for (const Choice<T>& c : choices) {
      if (same(c.name, *text)) return c.value;
      names.push_back(c.name);
    }
    std::string expected = names.size() == 1 ? std::string(names[0]) : alternatives(names);
    issues_.error(r.pathOf(key), "InvalidValue",
                  "expected " + expected + std::string(note) + ", found '" + *text + "'",
                  r.get(key)->offset());
    return std::nullopt;
  }

  std::optional<bool> enabledDisabled(ObjectReader& r, std::string_view key,
                                      std::string_view note = {}) {
    return choose<bool>(r, key, {{"Enabled", true}, {"Disabled", false}}, false, note);
  }

  std::optional<Cidr> cidrAt(std::string_view text, const std::string& path, uint32_t offset) {
    auto c = parseCidr(text);
    if (!c.ok()) {
      issues_.error(path, "InvalidIpAddress",
                    "expected an IPv4 address or CIDR block (a.b.c.d or a.b.c.d/n), found '" +
                        std::string(text) + "': " + c.error().message(),
                    offset);
      return std::nullopt;
    }
    return *c;
  }

  std::optional<Cidr> cidr(ObjectReader& r, std::string_view key, bool required = false) {
    auto text = str(r, key, required);
    if (!text) return std::nullopt;
    return cidrAt(*text, r.pathOf(key), r.get(key)->offset());
  }

  std::optional<Ipv4> ipv4(ObjectReader& r, std::string_view key, Where& at) {
    auto text = str(r, key);
    if (!text) return std::nullopt;
    at = where(r, key);
    auto ip = parseIpv4(*text);
    if (!ip.ok()) {
      issues_.error(
          at.path, "InvalidIpAddress",
          "expected an IPv4 address (a.b.c.d), found '" + *text + "': " + ip.error().message(),
          at.offset);
      return std::nullopt;
    }
    return *ip;
  }

  std::vector<Cidr> cidrList(const json::Value& list, const std::string& path) {
    std::vector<Cidr> out;
    for (size_t i = 0; i < list.items().size(); ++i) {
      const json::Value& item = list.items()[i];
      const std::string item_path = json::pathIndex(path, i);
      if (isExpression(item)) {
        expressionError(item_path, item);
      } else if (!item.is(json::Type::kString)) {
        issues_.error(item_path, "InvalidType",
                      "expected a string, found " + std::string(json::typeName(item.type())),
                      item.offset());
      } else if (auto c = cidrAt(item.text(), item_path, item.offset())) {
        out.push_back(*c);
      }
    }
    return out;
  }

  void tooMany(const json::Value& list, const std::string& path, size_t max,
               std::string_view what) {
    if (list.items().size() <= max) return;
    issues_.error(json::pathIndex(path, max), "TooManyRules",
                  std::string(what) + " allows at most " + std::to_string(max) + " rules, found " +
                      std::to_string(list.items().size()),
                  list.items()[max].offset());
  }

  // filterName: required, valid, unique in its list ignoring letter case.
  std::optional<std::string> filterName(ObjectReader& r, std::vector<std::string>& seen,
                                        std::vector<size_t>& seen_index, size_t index,
                                        std::string_view list) {
    auto name = str(r, "filterName", /*required=*/true);
    if (!name) return std::nullopt;
    Where at = where(r, "filterName");
    if (!validFilterName(*name)) {
      issues_.error(at.path, "InvalidFilterName",
                    "expected a filterName of 1-128 ASCII letters, digits and - : / \\ . + % _ # "
                    "* ? ! ( ) , = @ ; ', found '" +
                        *name + "'",
                    at.offset);
      return std::nullopt;
    }
    for (size_t i = 0; i < seen.size(); ++i) {
      if (same(seen[i], *name)) {
        issues_.error(at.path, "DuplicateFilterName",
                      "filterName '" + *name + "' is already used by " + std::string(list) + "[" +
                          std::to_string(seen_index[i]) +
                          "]; filter names must be unique, ignoring letter case",
                      at.offset);
        return std::nullopt;
      }
    }
    seen.push_back(*name);
    seen_index.push_back(index);
    return name;
  }

  void profileError(const Where& at, const std::string& what) {
    issues_.error(at.path, "ProfileForbids",
                  "profile " + std::string(profileName(rules_.profile)) + ": " + what, at.offset);
  }

  // The 2020-03 region limit of `feature` for `hub`; true when allowed.
  bool regionAllows(const HubPolicyConfig& hub, const Where& at, std::string_view feature) {
    if (rules_.networkIsolationIn(hub.location)) return true;
    profileError(at, std::string(feature) + " is available only in " +
                         std::string(ProfileRules::isolationRegions()) + "; hub '" + hub.name +
                         "' is in " + (hub.location.empty() ? "no stated region" : hub.location));
    return false;
  }

  // ARM keys every resource may carry; accepted without interpretation.
  static void acceptResourceKeys(ObjectReader& r) {
    for (std::string_view key :
         {"type", "apiVersion", "dependsOn", "tags", "comments", "condition", "copy", "id", "etag",
          "systemData", "location", "extendedLocation", "zones", "metadata"}) {
      r.get(key);
    }
  }

  static void accept(ObjectReader& r, std::initializer_list<std::string_view> keys) {
    for (std::string_view key : keys) r.get(key);
  }

  // A resource name that this reader owns: required, literal, not empty.
  std::optional<std::string> resourceName(ObjectReader& r) {
    auto name = str(r, "name", /*required=*/true);
    if (name && name->empty()) {
      issues_.error(r.pathOf("name"), "InvalidResourceName", "a resource name cannot be empty",
                    r.get("name")->offset());
      return std::nullopt;
    }
    return name;
  }

  // --- child resources -------------------------------------------------------------------------

  // A child resource, nested (`parent` set; written type relative or full, name "<child>" or
  // "<parent>/<child>") or top-level (full type, name "<parent>/<child>"). Read once its parent is
  // known, in finish().
  void collectChild(ChildKind kind, const json::Value& v, const std::string& path,
                    std::string_view parent) {
    const std::string name_path = json::pathJoin(path, "name");
    const json::Value* name = member(v, "name");
    if (name == nullptr || !name->is(json::Type::kString)) {
      issues_.error(name_path, name == nullptr ? "MissingProperty" : "InvalidType",
                    "a resource needs a 'name' string",
                    name == nullptr ? v.offset() : name->offset());
      return;
    }
    if (isExpression(*name)) {
      expressionError(name_path, *name);
      return;
    }
    auto parts = split(name->text(), '/');
    bool empty_part = false;
    for (std::string_view p : parts) empty_part = empty_part || p.empty();
    Child c{kind, &v, path, "", "", {name_path, name->offset()}};
    if (!parent.empty() && parts.size() == 1 && !empty_part) {
      c.parent = std::string(parent);
      c.name = std::string(parts[0]);
    } else if (parts.size() == 2 && !empty_part && (parent.empty() || same(parts[0], parent))) {
      c.parent = std::string(parts[0]);
      c.name = std::string(parts[1]);
    } else {
      std::string expected =
          parent.empty() ? "'<parent>/<name>'" : "'<name>' or '" + std::string(parent) + "/<name>'";
      issues_.error(name_path, "InvalidResourceName",
                    "a " + std::string(childTypeName(kind)) + " resource" +
                        (parent.empty() ? "" : " nested in '" + std::string(parent) + "'") +
                        " is named " + expected + ", found '" + name->text() + "'",
                    name->offset());
      return;
    }
    children_.push_back(std::move(c));
  }

  // Nested children of `v` (a resource of type `parent_type` named `parent`) of the `wanted`
  // kinds; other types are left to other readers.
  void collectNested(const json::Value* children, const std::string& path,
                     std::string_view parent_type, std::string_view parent,
                     std::initializer_list<ChildKind> wanted) {
    if (children == nullptr || !children->is(json::Type::kArray)) return;
    for (size_t i = 0; i < children->items().size(); ++i) {
      const json::Value& c = children->items()[i];
      const json::Value* type = member(c, "type");
      if (type == nullptr || !type->is(json::Type::kString)) continue;
      const std::string& written = type->text();
      std::string full = utf::startsWithIgnoreCase(written, "Microsoft.")
                             ? written
                             : std::string(parent_type) + "/" + written;
      for (ChildKind kind : wanted) {
        if (same(full, childTypeName(kind)))
          collectChild(kind, c, json::pathIndex(path, i), parent);
      }
    }
  }

  void readChildren() {
    for (const Child& c : children_) {
      bool found = false;
      switch (c.kind) {
        case ChildKind::kSubnet:
        case ChildKind::kPeering:
          for (VnetState& v : vnets_) {
            if (!found && same(v.vnet.name, c.parent)) {
              found = true;
              if (c.kind == ChildKind::kSubnet) {
                readSubnet(*c.value, c.path, &c.name, v);
              } else {
                readPeering(*c.value, c.path, &c.name, v);
              }
            }
          }
          break;
        case ChildKind::kDnsZoneGroup:
          for (PeState& pe : private_endpoints_state_) {
            if (!found && same(pe.name, c.parent)) {
              found = true;
              readDnsZoneGroup(*c.value, c.path, pe);
            }
          }
          break;
        case ChildKind::kEventHubsRules:
        case ChildKind::kServiceBusRules: {
          TargetKind kind = c.kind == ChildKind::kEventHubsRules ? TargetKind::kEventHubs
                                                                 : TargetKind::kServiceBus;
          for (TargetState& t : targets_) {
            if (!found && t.target.kind == kind && same(t.target.ref.name, c.parent)) {
              found = true;
              readRuleSet(c, t);
            }
          }
          break;
        }
        case ChildKind::kHubConnection:
          for (HubState& h : hubs_) {
            if (!found && same(h.config.name, c.parent)) {
              found = true;
              readHubConnection(*c.value, c.path, h);
            }
          }
          break;
      }
      if (!found) {
        issues_.error(c.name_where.path, "ParentResourceNotFound",
                      "this " + std::string(childTypeName(c.kind)) + " resource belongs to '" +
                          c.parent + "', which is not among the resources",
                      c.name_where.offset);
      }
    }
  }

  // --- Microsoft.Devices/IotHubs ---------------------------------------------------------------

  void readHub(const json::Value& v, const std::string& path) {
    // The hub resource is shared with the routing and built-in endpoint readers: only the keys
    // read here are looked at, and unknown keys are not reported from here.
    ObjectReader r(v, path, issues_);
    auto name = str(r, "name", /*required=*/true);
    if (!name) return;
    HubState h;
    HubPolicyConfig& hub = h.config;
    hub.name = *name;
    hub.path = path;
    hub.ref = {"", "", std::string(kHubType), *name, ""};
    hub.ingress.hub = *name;
    h.name = where(r, "name");
    hub.location = str(r, "location").value_or("");
    if (const json::Value* sku = r.object("sku")) {
      ObjectReader sr(*sku, r.pathOf("sku"), issues_);
      hub.sku = str(sr, "name").value_or("");
    }
    if (same(hub.sku, "F1")) hub.partition_count = 2;
    if (const json::Value* identity = r.object("identity")) {
      readHubIdentity(*identity, r.pathOf("identity"), h);
    }
    if (const json::Value* props = memberObject(v, "properties")) {
      readHubProperties(*props, r.pathOf("properties"), h);
    }
    collectNested(member(v, "resources"), json::pathJoin(path, "resources"), kHubType, hub.name,
                  {ChildKind::kHubConnection});
    hubs_.push_back(std::move(h));
  }

  void readHubIdentity(const json::Value& v, const std::string& path, HubState& h) {
    ObjectReader r(v, path, issues_);
    if (!r.ok()) return;
    HubIdentity& id = h.config.identity;
    auto type_text = str(r, "type", /*required=*/true);
    Where type_at = where(r, "type", v.offset());
    bool type_ok = false;
    if (type_text) {
      if (auto t = parseIdentityType(*type_text)) {
        id.type = *t;
        type_ok = true;
      } else {
        issues_.error(type_at.path, "InvalidValue",
                      "expected None, SystemAssigned, UserAssigned or 'SystemAssigned, "
                      "UserAssigned', found '" +
                          *type_text + "'",
                      type_at.offset);
      }
    }
    id.system_principal_id = str(r, "principalId").value_or("");
    str(r, "tenantId");
    const bool user =
        id.type == IdentityType::kUserAssigned || id.type == IdentityType::kSystemAndUserAssigned;
    const std::string map_path = r.pathOf("userAssignedIdentities");
    if (const json::Value* map = r.object("userAssignedIdentities")) {
      for (const json::Member& m : map->members()) {
        const std::string entry_path = json::pathJoin(map_path, m.key);
        UserAssignedIdentity u;
        u.resource_id = m.key;
        IdentityRef ref{id.user_assigned.size(), false, {entry_path, m.key_offset}};
        ObjectReader ur(*m.value, entry_path, issues_);
        if (auto p = str(ur, "principalId")) {
          u.principal_id = *p;
          ref.explicit_principal = true;
        }
        str(ur, "clientId");
        ur.warnUnknownKeys();
        h.identity_refs.push_back(std::move(ref));
        id.user_assigned.push_back(std::move(u));
      }
      if (type_ok && !user && !map->members().empty()) {
        issues_.error(map_path, "InvalidIdentity",
                      "userAssignedIdentities need identity type UserAssigned or "
                      "'SystemAssigned, UserAssigned', found '" +
                          *type_text + "'",
                      map->offset());
      }
    }
    if (type_ok && user && id.user_assigned.empty()) {
      issues_.error(
          map_path, "InvalidIdentity",
          "identity type '" + *type_text + "' needs at least one entry in userAssignedIdentities",
          v.offset());
    }
    r.warnUnknownKeys();

    if (type_ok && id.type != IdentityType::kNone) {
      if (user && !rules_.userAssignedIdentities()) {
        profileError(type_at,
                     "user-assigned identities on a hub came in 2021 (API 2021-03-31); hub '" +
                         h.config.name + "' declares '" + *type_text + "'");
      } else {
        regionAllows(h.config, type_at, "a hub identity");
      }
    }
  }

  void readHubProperties(const json::Value& props, const std::string& path, HubState& h) {
    ObjectReader r(props, path, issues_);  // shared: unknown keys are not reported here
    HubIngressConfig& in = h.config.ingress;
    if (auto pna = enabledDisabled(r, "publicNetworkAccess")) in.public_network_access = *pna;
    if (const json::Value* rules = r.array("ipFilterRules")) {
      readIpFilterRules(*rules, r.pathOf("ipFilterRules"), in);
    }
    if (const json::Value* nrs = r.object("networkRuleSets")) {
      readHubNetworkRuleSets(*nrs, r.pathOf("networkRuleSets"), in);
      if (!rules_.networkRuleSets()) {
        profileError({r.pathOf("networkRuleSets"), nrs->offset()},
                     "networkRuleSets came with API 2020-08-31; hub '" + h.config.name +
                         "' can use the classic ipFilterRules");
      } else if (!in.ip_filter_rules.empty()) {
        issues_.warning(r.pathOf("ipFilterRules"), "IpFilterRulesIgnored",
                        "the classic ipFilterRules are ignored when networkRuleSets is set",
                        r.get("ipFilterRules")->offset());
      }
    }
    if (auto tls = str(r, "minTlsVersion")) {
      Where at = where(r, "minTlsVersion");
      if (*tls != "1.2") {
        issues_.error(
            at.path, "InvalidValue",
            "expected \"1.2\" (the only minTlsVersion IoT Hub accepts), found '" + *tls + "'",
            at.offset);
      } else {
        regionAllows(h.config, at, "minTlsVersion");
        in.min_tls = TlsVersion::k1_2;
      }
    }
    if (const json::Value* conns = r.array("privateEndpointConnections")) {
      for (size_t i = 0; i < conns->items().size(); ++i) {
        readHubConnection(conns->items()[i],
                          json::pathIndex(r.pathOf("privateEndpointConnections"), i), h);
      }
    }
    // Validated by the built-in endpoint's reader.
    if (const json::Value* ehe = memberObject(props, "eventHubEndpoints")) {
      if (const json::Value* events = memberObject(*ehe, "events")) {
        const json::Value* n = member(*events, "partitionCount");
        if (n != nullptr && n->is(json::Type::kNumber) && n->number() >= 1 && n->number() <= 128 &&
            n->number() == static_cast<double>(static_cast<int>(n->number())))
          h.config.partition_count = static_cast<uint32_t>(n->number());
      }
    }
  }

  void readIpFilterRules(const json::Value& list, const std::string& path, HubIngressConfig& in) {
    tooMany(list, path, kMaxIpFilterRules, "IoT Hub's ipFilterRules");
    std::vector<std::string> seen;
    std::vector<size_t> seen_index;
    for (size_t i = 0; i < list.items().size(); ++i) {
      ObjectReader r(list.items()[i], json::pathIndex(path, i), issues_);
      if (!r.ok()) continue;
      auto name = filterName(r, seen, seen_index, i, "ipFilterRules");
      auto accept = choose<bool>(r, "action", {{"Accept", true}, {"Reject", false}}, true);
      auto mask = cidr(r, "ipMask", /*required=*/true);
      r.warnUnknownKeys();
      if (name && accept && mask) in.ip_filter_rules.push_back({*name, *accept, *mask});
    }
  }

  void readHubNetworkRuleSets(const json::Value& v, const std::string& path, HubIngressConfig& in) {
    ObjectReader r(v, path, issues_);
    HubNetworkRuleSet rs;  // defaultAction Deny when absent (the SDK's default)
    if (auto a = choose<bool>(r, "defaultAction", {{"Allow", true}, {"Deny", false}})) {
      rs.default_allow = *a;
    }
    if (auto b = r.boolean("applyToBuiltInEventHubEndpoint", /*required=*/true)) {
      rs.apply_to_builtin = *b;
    }
    if (const json::Value* list = r.array("ipRules")) {
      const std::string list_path = r.pathOf("ipRules");
      tooMany(*list, list_path, kMaxNetworkRuleSetRules, "IoT Hub's networkRuleSets.ipRules");
      std::vector<std::string> seen;
      std::vector<size_t> seen_index;
      for (size_t i = 0; i < list->items().size(); ++i) {
        ObjectReader rr(list->items()[i], json::pathIndex(list_path, i), issues_);
        if (!rr.ok()) continue;
        auto name = filterName(rr, seen, seen_index, i, "ipRules");
        choose<bool>(rr, "action", {{"Allow", true}}, false,
                     " (networkRuleSets rules only allow; defaultAction denies the rest)");
        auto mask = cidr(rr, "ipMask", /*required=*/true);
        rr.warnUnknownKeys();
        if (name && mask) rs.ip_rules.push_back({*name, *mask});
      }
    }
    r.warnUnknownKeys();
    in.network_rule_sets = std::move(rs);
  }

  // An entry of properties.privateEndpointConnections or a privateEndpointConnections resource.
  void readHubConnection(const json::Value& v, const std::string& path, HubState& h) {
    ObjectReader r(v, path, issues_);
    if (!r.ok()) return;
    acceptResourceKeys(r);
    r.get("name");
    HubConnection c;
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (const json::Value* pe = pr.object("privateEndpoint", /*required=*/true)) {
        ObjectReader er(*pe, pr.pathOf("privateEndpoint"), issues_);
        if (auto id = str(er, "id", /*required=*/true)) {
          c.private_endpoint = std::string(nameRef(*id).name);
          c.where = where(er, "id");
        }
        er.warnUnknownKeys();
      }
      if (const json::Value* st = pr.object("privateLinkServiceConnectionState")) {
        c.state = connectionState(*st, pr.pathOf("privateLinkServiceConnectionState"), nullptr);
      }
      accept(pr, {"provisioningState", "groupIds"});
      pr.warnUnknownKeys();
    }
    r.warnUnknownKeys();
    if (!c.private_endpoint.empty()) h.connections.push_back(std::move(c));
  }

  // privateLinkServiceConnectionState {status, description, actionsRequired}.
  std::optional<ConnectionState> connectionState(const json::Value& v, const std::string& path,
                                                 Where* at) {
    ObjectReader r(v, path, issues_);
    std::optional<ConnectionState> state;
    if (auto status = str(r, "status")) {
      Where w = where(r, "status");
      state = parseConnectionState(*status);
      if (!state) {
        issues_.error(
            w.path, "InvalidValue",
            "expected Approved, Pending, Rejected or Disconnected, found '" + *status + "'",
            w.offset);
      }
      if (at != nullptr) *at = w;
    }
    accept(r, {"description", "actionsRequired"});
    r.warnUnknownKeys();
    return state;
  }

  // --- Microsoft.Network/virtualNetworks -------------------------------------------------------

  void readVnet(const json::Value& v, const std::string& path) {
    ObjectReader r(v, path, issues_);
    acceptResourceKeys(r);
    auto name = resourceName(r);
    if (!name) {
      r.warnUnknownKeys();
      return;
    }
    VnetState s;
    s.vnet.name = *name;
    s.path = path;
    s.name = where(r, "name");
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (const json::Value* space = pr.object("addressSpace", /*required=*/true)) {
        ObjectReader ar(*space, pr.pathOf("addressSpace"), issues_);
        if (const json::Value* list = ar.array("addressPrefixes", /*required=*/true)) {
          s.vnet.address_space = cidrList(*list, ar.pathOf("addressPrefixes"));
        }
        accept(ar, {"ipamPoolPrefixAllocations"});
        ar.warnUnknownKeys();
      }
      if (const json::Value* subnets = pr.array("subnets")) {
        for (size_t i = 0; i < subnets->items().size(); ++i) {
          readSubnet(subnets->items()[i], json::pathIndex(pr.pathOf("subnets"), i), nullptr, s);
        }
      }
      if (const json::Value* peerings = pr.array("virtualNetworkPeerings")) {
        for (size_t i = 0; i < peerings->items().size(); ++i) {
          readPeering(peerings->items()[i], json::pathIndex(pr.pathOf("virtualNetworkPeerings"), i),
                      nullptr, s);
        }
      }
      accept(pr, {"dhcpOptions", "enableDdosProtection", "enableVmProtection", "ddosProtectionPlan",
                  "encryption", "bgpCommunities", "flowTimeoutInMinutes", "ipAllocations",
                  "privateEndpointVNetPolicies", "provisioningState", "resourceGuid"});
      pr.warnUnknownKeys();
    }
    r.array("resources");
    collectNested(member(v, "resources"), r.pathOf("resources"), kVnetType, *name,
                  {ChildKind::kSubnet, ChildKind::kPeering});
    r.warnUnknownKeys();
    vnets_.push_back(std::move(s));
  }

  // An entry of properties.subnets, or a subnets resource (`name` given by collectChild).
  void readSubnet(const json::Value& v, const std::string& path, const std::string* name,
                  VnetState& s) {
    ObjectReader r(v, path, issues_);
    if (!r.ok()) return;
    acceptResourceKeys(r);
    std::optional<std::string> subnet_name;
    if (name != nullptr) {
      r.get("name");
      subnet_name = *name;
    } else {
      subnet_name = resourceName(r);
    }
    SubnetInfo info{where(r, "name", v.offset()), {}};
    std::optional<Cidr> prefix;
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (pr.get("addressPrefix") != nullptr) {
        prefix = cidr(pr, "addressPrefix");
        info.prefix = where(pr, "addressPrefix");
      } else if (const json::Value* list = pr.array("addressPrefixes")) {
        // One prefix per subnet is modelled: the first.
        std::vector<Cidr> all = cidrList(*list, pr.pathOf("addressPrefixes"));
        if (!all.empty()) prefix = all.front();
        info.prefix = {json::pathIndex(pr.pathOf("addressPrefixes"), 0),
                       list->items().empty() ? list->offset() : list->items()[0].offset()};
      } else {
        issues_.error(pr.pathOf("addressPrefix"), "MissingProperty",
                      "a subnet needs properties.addressPrefix (a CIDR block inside the virtual "
                      "network's address space)",
                      props->offset());
      }
      accept(pr, {"networkSecurityGroup", "routeTable", "natGateway", "serviceEndpoints",
                  "serviceEndpointPolicies", "delegations", "privateEndpointNetworkPolicies",
                  "privateLinkServiceNetworkPolicies", "applicationGatewayIPConfigurations",
                  "ipAllocations", "defaultOutboundAccess", "sharingScope", "provisioningState",
                  "purpose", "ipamPoolPrefixAllocations", "ipConfigurations", "privateEndpoints",
                  "resourceNavigationLinks", "serviceAssociationLinks"});
      pr.warnUnknownKeys();
    }
    r.warnUnknownKeys();
    if (subnet_name && prefix) {
      s.vnet.subnets.push_back({*subnet_name, *prefix});
      s.subnets.push_back(std::move(info));
    }
  }

  void readPeering(const json::Value& v, const std::string& path, const std::string* name,
                   VnetState& s) {
    ObjectReader r(v, path, issues_);
    if (!r.ok()) return;
    acceptResourceKeys(r);
    if (name != nullptr) {
      r.get("name");
    } else {
      str(r, "name");
    }
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (const json::Value* remote = pr.object("remoteVirtualNetwork", /*required=*/true)) {
        ObjectReader rr(*remote, pr.pathOf("remoteVirtualNetwork"), issues_);
        if (auto id = str(rr, "id", /*required=*/true)) {
          s.vnet.peerings.push_back(nameRef(*id).name);
          s.peerings.push_back(where(rr, "id"));
        }
        rr.warnUnknownKeys();
      }
      accept(pr,
             {"allowVirtualNetworkAccess", "allowForwardedTraffic", "allowGatewayTransit",
              "useRemoteGateways", "doNotVerifyRemoteGateways", "peeringState", "peeringSyncLevel",
              "remoteAddressSpace", "remoteVirtualNetworkAddressSpace", "remoteBgpCommunities",
              "remoteVirtualNetworkEncryption", "peerCompleteVnets", "enableOnlyIPv6Peering",
              "localSubnetNames", "remoteSubnetNames", "localAddressSpace",
              "localVirtualNetworkAddressSpace", "provisioningState", "resourceGuid"});
      pr.warnUnknownKeys();
    }
    r.warnUnknownKeys();
  }

  // --- routesim/onPremisesNetworks -------------------------------------------------------------

  void readOnPremises(const json::Value& v, const std::string& path) {
    ObjectReader r(v, path, issues_);
    acceptResourceKeys(r);
    auto name = resourceName(r);
    OnPremisesState s;
    s.path = path;
    s.name = where(r, "name");
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (const json::Value* list = pr.array("addressPrefixes", /*required=*/true)) {
        s.network.address_prefixes = cidrList(*list, pr.pathOf("addressPrefixes"));
      }
      if (auto to = str(pr, "connectedTo", /*required=*/true)) {
        s.network.connected_to = nameRef(*to).name;
        s.connected_to = where(pr, "connectedTo");
      }
      if (auto via = choose<OnPremisesLink>(
              pr, "via",
              {{"Vpn", OnPremisesLink::kVpn},
               {"ExpressRoutePrivatePeering", OnPremisesLink::kExpressRoutePrivatePeering}})) {
        s.network.via = *via;
      }
      pr.warnUnknownKeys();
    }
    r.warnUnknownKeys();
    if (!name) return;
    s.network.name = *name;
    on_premises_.push_back(std::move(s));
  }

  // --- Microsoft.Network/privateEndpoints ------------------------------------------------------

  void readPrivateEndpoint(const json::Value& v, const std::string& path) {
    ObjectReader r(v, path, issues_);
    acceptResourceKeys(r);
    auto name = resourceName(r);
    PeState pe;
    pe.path = path;
    pe.name_where = where(r, "name");
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (const json::Value* subnet = pr.object("subnet", /*required=*/true)) {
        ObjectReader sr(*subnet, pr.pathOf("subnet"), issues_);
        if (auto id = str(sr, "id", /*required=*/true)) {
          pe.subnet_ref = *id;
          pe.subnet_where = where(sr, "id");
        }
        sr.warnUnknownKeys();
      }
      if (pr.get("privateIPAddress") != nullptr) {
        pe.ip = ipv4(pr, "privateIPAddress", pe.ip_where);
      }
      if (const json::Value* configs = pr.array("ipConfigurations")) {
        for (size_t i = 0; i < configs->items().size(); ++i) {
          const std::string config_path = json::pathIndex(pr.pathOf("ipConfigurations"), i);
          ObjectReader cr(configs->items()[i], config_path, issues_);
          str(cr, "name");
          accept(cr, {"etag", "type"});
          if (const json::Value* cp = cr.object("properties")) {
            ObjectReader cpr(*cp, cr.pathOf("properties"), issues_);
            Where at;
            if (cpr.get("privateIPAddress") != nullptr) {
              auto ip = ipv4(cpr, "privateIPAddress", at);
              if (ip && !pe.ip && pe.ip_where.path.empty()) {
                pe.ip = ip;
                pe.ip_where = at;
              }
            }
            accept(cpr, {"groupId", "memberName"});
            cpr.warnUnknownKeys();
          }
          cr.warnUnknownKeys();
        }
      }
      for (bool manual : {false, true}) {
        const std::string_view key =
            manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections";
        if (const json::Value* list = pr.array(key)) {
          for (size_t i = 0; i < list->items().size(); ++i) {
            readPeConnection(list->items()[i], json::pathIndex(pr.pathOf(key), i), manual, pe);
          }
        }
      }
      if (auto dns = pr.boolean("privateDnsZoneIntegration")) pe.dns = *dns;
      accept(pr, {"customDnsConfigs", "applicationSecurityGroups", "customNetworkInterfaceName",
                  "networkInterfaces", "provisioningState", "ipVersionType"});
      pr.warnUnknownKeys();
      if (pr.get("privateLinkServiceConnections") == nullptr &&
          pr.get("manualPrivateLinkServiceConnections") == nullptr) {
        issues_.error(pr.pathOf("privateLinkServiceConnections"), "MissingProperty",
                      "a private endpoint needs privateLinkServiceConnections or "
                      "manualPrivateLinkServiceConnections naming the resource it connects to",
                      props->offset());
      }
    }
    r.array("resources");
    if (name) {
      collectNested(member(v, "resources"), r.pathOf("resources"), kPrivateEndpointType, *name,
                    {ChildKind::kDnsZoneGroup});
    }
    r.warnUnknownKeys();
    if (!name) return;
    pe.name = *name;
    private_endpoints_state_.push_back(std::move(pe));
  }

  void readPeConnection(const json::Value& v, const std::string& path, bool manual, PeState& pe) {
    ObjectReader r(v, path, issues_);
    if (!r.ok()) return;
    accept(r, {"name", "id", "type", "etag"});
    PeConnection c;
    c.manual = manual;
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (auto id = str(pr, "privateLinkServiceId", /*required=*/true)) {
        c.service = *id;
        c.where = where(pr, "privateLinkServiceId");
      }
      if (const json::Value* groups = pr.get("groupIds")) {
        if (auto list = readStringArray(*groups, pr.pathOf("groupIds"), issues_)) {
          if (!list->empty()) c.group = list->front();
        }
      }
      if (const json::Value* st = pr.object("privateLinkServiceConnectionState")) {
        c.state_where = {pr.pathOf("privateLinkServiceConnectionState"), st->offset()};
        c.state =
            connectionState(*st, pr.pathOf("privateLinkServiceConnectionState"), &c.state_where);
      }
      accept(pr, {"requestMessage", "provisioningState"});
      pr.warnUnknownKeys();
    }
    r.warnUnknownKeys();
    if (!c.service.empty()) pe.connections.push_back(std::move(c));
  }

  void readDnsZoneGroup(const json::Value& v, const std::string& path, PeState& pe) {
    ObjectReader r(v, path, issues_);
    acceptResourceKeys(r);
    r.get("name");
    if (const json::Value* props = r.object("properties")) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      accept(pr, {"privateDnsZoneConfigs", "provisioningState"});
      pr.warnUnknownKeys();
    }
    r.warnUnknownKeys();
    pe.dns = true;
  }

  // --- targets ---------------------------------------------------------------------------------

  void readStorage(const json::Value& v, const std::string& path) {
    // Shared with the storage accounts reader, which validates the name, location and the rest.
    auto name = memberString(v, "name");
    if (!name || name->empty()) return;
    TargetState t;
    t.path = path;
    t.target.kind = TargetKind::kStorage;
    t.target.ref = {"", "", std::string(kStorageType), *name, ""};
    t.target.location = memberString(v, "location").value_or("");
    if (const json::Value* props = memberObject(v, "properties")) {
      ObjectReader pr(*props, json::pathJoin(path, "properties"), issues_);
      if (auto pna = enabledDisabled(pr, "publicNetworkAccess",
                                     " (SecuredByPerimeter: network security perimeters are not "
                                     "modelled)")) {
        t.target.public_network_access = *pna;
      }
      if (const json::Value* acls = pr.object("networkAcls")) {
        readNetworkAcls(*acls, pr.pathOf("networkAcls"), t.target);
      }
    }
    targets_.push_back(std::move(t));
  }

  void readNetworkAcls(const json::Value& v, const std::string& path, Target& t) {
    ObjectReader r(v, path, issues_);
    if (auto a =
            choose<bool>(r, "defaultAction", {{"Allow", true}, {"Deny", false}}, /*required=*/true))
      t.default_allow = *a;
    if (auto bypass = str(r, "bypass")) {
      Where at = where(r, "bypass");
      bool azure = false;
      bool none = false;
      size_t count = 0;
      for (std::string_view item : split(*bypass, ',')) {
        item = trim(item);
        ++count;
        if (same(item, "AzureServices")) {
          azure = true;
        } else if (same(item, "None")) {
          none = true;
        } else if (!same(item, "Logging") && !same(item, "Metrics")) {
          issues_.error(at.path, "InvalidValue",
                        "expected 'None' or a comma-separated list of AzureServices, Logging and "
                        "Metrics, found '" +
                            *bypass + "'",
                        at.offset);
          break;
        }
      }
      if (none && count > 1) {
        issues_.error(at.path, "InvalidValue",
                      "bypass 'None' cannot be combined with other values, found '" + *bypass + "'",
                      at.offset);
      }
      t.bypass_azure_services = azure;
    }
    if (const json::Value* list = r.array("ipRules")) {
      for (size_t i = 0; i < list->items().size(); ++i) {
        ObjectReader rr(list->items()[i], json::pathIndex(r.pathOf("ipRules"), i), issues_);
        if (!rr.ok()) continue;
        auto mask = cidr(rr, "value", /*required=*/true);
        choose<bool>(rr, "action", {{"Allow", true}});
        rr.warnUnknownKeys();
        if (mask) t.ip_rules.push_back(*mask);
      }
    }
    if (const json::Value* list = r.array("virtualNetworkRules")) {
      for (size_t i = 0; i < list->items().size(); ++i) {
        ObjectReader rr(list->items()[i], json::pathIndex(r.pathOf("virtualNetworkRules"), i),
                        issues_);
        if (!rr.ok()) continue;
        str(rr, "id", /*required=*/true);
        choose<bool>(rr, "action", {{"Allow", true}});
        accept(rr, {"state"});
        rr.warnUnknownKeys();
        ++t.virtual_network_rules;
      }
    }
    if (const json::Value* list = r.array("resourceAccessRules")) {
      for (size_t i = 0; i < list->items().size(); ++i) {
        ObjectReader rr(list->items()[i], json::pathIndex(r.pathOf("resourceAccessRules"), i),
                        issues_);
        if (!rr.ok()) continue;
        str(rr, "tenantId");
        if (auto id = str(rr, "resourceId", /*required=*/true)) {
          t.resource_access_rules.push_back(*id);
        }
        rr.warnUnknownKeys();
      }
    }
    accept(r, {"ipv6Rules"});
    r.warnUnknownKeys();
  }

  void readNamespace(const json::Value& v, const std::string& path, TargetKind kind) {
    // Shared with the Event Hubs / Service Bus readers, which validate name, SKU and entities.
    auto name = memberString(v, "name");
    if (!name || name->empty()) return;
    TargetState t;
    t.path = path;
    t.target.kind = kind;
    t.target.ref = {"", "", std::string(targetType(kind)), *name, ""};
    t.target.location = memberString(v, "location").value_or("");
    t.target.sku_tier = "Standard";
    if (const json::Value* sku = memberObject(v, "sku")) {
      for (std::string_view key : {"tier", "name"}) {
        if (auto text = memberString(*sku, key)) {
          for (std::string_view tier : {"Basic", "Standard", "Premium"}) {
            if (same(*text, tier)) t.target.sku_tier = std::string(tier);
          }
        }
      }
    }
    if (const json::Value* props = memberObject(v, "properties")) {
      ObjectReader pr(*props, json::pathJoin(path, "properties"), issues_);
      if (auto pna = enabledDisabled(pr, "publicNetworkAccess",
                                     " (SecuredByPerimeter: network security perimeters are not "
                                     "modelled)")) {
        if (!*pna) {
          t.target.public_network_access = false;
          t.public_access_disabled = where(pr, "publicNetworkAccess");
        }
      }
    }
    collectNested(member(v, "resources"), json::pathJoin(path, "resources"), targetType(kind),
                  *name,
                  {kind == TargetKind::kEventHubs ? ChildKind::kEventHubsRules
                                                  : ChildKind::kServiceBusRules});
    targets_.push_back(std::move(t));
  }

  // A namespace's networkRuleSets resource ("default").
  void readRuleSet(const Child& c, TargetState& t) {
    if (!same(c.name, "default")) {
      issues_.error(c.name_where.path, "InvalidResourceName",
                    "a namespace's network rule set is named 'default' ('<namespace>/default' at "
                    "the top level), found '" +
                        c.name + "'",
                    c.name_where.offset);
      return;
    }
    if (t.has_rule_set) {
      issues_.error(c.name_where.path, "DuplicateResource",
                    "namespace '" + t.target.ref.name + "' already has its network rule set (at " +
                        t.rule_set.path + ")",
                    c.name_where.offset);
      return;
    }
    ObjectReader r(*c.value, c.path, issues_);
    acceptResourceKeys(r);
    r.get("name");
    t.has_rule_set = true;
    t.rule_set = {c.path, c.value->offset()};
    t.default_action = t.rule_set;
    Target& target = t.target;
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (auto a = choose<bool>(pr, "defaultAction", {{"Allow", true}, {"Deny", false}})) {
        target.default_allow = *a;
        t.default_action = where(pr, "defaultAction");
      }
      if (auto pna = enabledDisabled(pr, "publicNetworkAccess",
                                     " (SecuredByPerimeter: network security perimeters are not "
                                     "modelled)")) {
        if (!*pna) {
          target.public_network_access = false;
          t.public_access_disabled = where(pr, "publicNetworkAccess");
        }
      }
      if (auto trusted = pr.boolean("trustedServiceAccessEnabled")) {
        target.trusted_service_access = *trusted;
      }
      if (const json::Value* list = pr.array("ipRules")) {
        for (size_t i = 0; i < list->items().size(); ++i) {
          ObjectReader rr(list->items()[i], json::pathIndex(pr.pathOf("ipRules"), i), issues_);
          if (!rr.ok()) continue;
          auto mask = cidr(rr, "ipMask", /*required=*/true);
          choose<bool>(rr, "action", {{"Allow", true}});
          rr.warnUnknownKeys();
          if (mask) target.ip_rules.push_back(*mask);
        }
      }
      if (const json::Value* list = pr.array("virtualNetworkRules")) {
        for (size_t i = 0; i < list->items().size(); ++i) {
          ObjectReader rr(list->items()[i], json::pathIndex(pr.pathOf("virtualNetworkRules"), i),
                          issues_);
          if (!rr.ok()) continue;
          if (const json::Value* subnet = rr.object("subnet", /*required=*/true)) {
            ObjectReader sr(*subnet, rr.pathOf("subnet"), issues_);
            str(sr, "id", /*required=*/true);
            sr.warnUnknownKeys();
          }
          rr.boolean("ignoreMissingVnetServiceEndpoint");
          rr.warnUnknownKeys();
          ++target.virtual_network_rules;
        }
      }
      accept(pr, {"provisioningState"});
      pr.warnUnknownKeys();
    }
    r.warnUnknownKeys();
  }

  // --- identities and role assignments --------------------------------------------------------

  void readIdentity(const json::Value& v, const std::string& path) {
    ObjectReader r(v, path, issues_);
    acceptResourceKeys(r);
    auto name = resourceName(r);
    IdentityState s;
    s.path = path;
    s.name = where(r, "name");
    std::optional<std::string> principal;
    if (const json::Value* props = r.object("properties")) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      principal = str(pr, "principalId");
      accept(pr, {"clientId", "tenantId", "isolationScope"});
      pr.warnUnknownKeys();
    }
    r.warnUnknownKeys();
    if (!name) return;
    s.identity.resource_id = *name;
    s.identity.principal_id = principal.value_or(*name);
    identities_.push_back(std::move(s));
  }

  void readRoleAssignment(const json::Value& v, const std::string& path) {
    ObjectReader r(v, path, issues_);
    acceptResourceKeys(r);
    auto name = resourceName(r);
    RoleState s;
    s.path = path;
    s.name = where(r, "name");
    auto top_scope = str(r, "scope");
    std::optional<std::string> scope_text = top_scope;
    if (top_scope) s.scope = where(r, "scope");
    bool ok = name.has_value();
    if (const json::Value* props = r.object("properties", /*required=*/true)) {
      ObjectReader pr(*props, r.pathOf("properties"), issues_);
      if (auto principal = str(pr, "principalId", /*required=*/true)) {
        s.principal = where(pr, "principalId");
        // A resource id stands for the resource's name, as a name does.
        s.assignment.principal_id = (!principal->empty() && (*principal)[0] == '/')
                                        ? std::string(lastSegment(*principal))
                                        : *principal;
      } else {
        ok = false;
      }
      auto role_name = str(pr, "roleDefinitionName");
      auto role_id = str(pr, "roleDefinitionId");
      const RoleDefinition* by_name = role_name ? findRole(*role_name) : nullptr;
      const RoleDefinition* by_id = role_id ? findRole(*role_id) : nullptr;
      if (role_name && by_name == nullptr) unknownRole(pr, "roleDefinitionName", *role_name);
      if (role_id && by_id == nullptr) unknownRole(pr, "roleDefinitionId", *role_id);
      if (!role_name && !role_id && pr.get("roleDefinitionName") == nullptr &&
          pr.get("roleDefinitionId") == nullptr) {
        issues_.error(pr.pathOf("roleDefinitionId"), "MissingProperty",
                      "a role assignment needs roleDefinitionId or roleDefinitionName",
                      props->offset());
      }
      if (by_name != nullptr && by_id != nullptr && by_name != by_id) {
        Where at = where(pr, "roleDefinitionId");
        issues_.error(at.path, "RoleDefinitionMismatch",
                      "roleDefinitionId names '" + std::string(by_id->name) +
                          "' but roleDefinitionName names '" + std::string(by_name->name) + "'",
                      at.offset);
      } else {
        s.assignment.role = by_name != nullptr ? by_name : by_id;
      }
      if (auto inner_scope = str(pr, "scope")) {
        if (!top_scope) {
          scope_text = inner_scope;
          s.scope = where(pr, "scope");
        } else if (!same(*inner_scope, *top_scope)) {
          Where at = where(pr, "scope");
          issues_.warning(at.path, "ScopeMismatch",
                          "properties.scope '" + *inner_scope + "' differs from the scope '" +
                              *top_scope + "' the assignment is made at; the latter applies",
                          at.offset);
        }
      }
      accept(pr, {"principalType", "description", "condition", "conditionVersion",
                  "delegatedManagedIdentityResourceId", "createdOn", "updatedOn", "createdBy",
                  "updatedBy"});
      pr.warnUnknownKeys();
    } else {
      ok = false;
    }
    r.warnUnknownKeys();
    if (scope_text) {
      auto scope = Scope::parse(*scope_text);
      if (!scope) {
        issues_.error(s.scope->path, "InvalidScope",
                      "expected a resource name or an ARM scope (/subscriptions/S[/resourceGroups/"
                      "G[/providers/<namespace>/<type>/<name>]]), found '" +
                          *scope_text + "'",
                      s.scope->offset);
        ok = false;
      } else {
        s.assignment.scope = *scope;
      }
    } else {
      // ARM: an assignment without a scope is made at the deployment's resource group.
      s.assignment.scope.level = Scope::Level::kResourceGroup;
    }
    if (!ok) s.assignment.role = nullptr;
    if (name) s.assignment.name = *name;
    roles_.push_back(std::move(s));
  }

  void unknownRole(ObjectReader& r, std::string_view key, const std::string& text) {
    std::vector<std::string_view> names;
    for (const RoleDefinition& d : builtinRoles()) names.push_back(d.name);
    std::string known;
    for (std::string_view n : names) known += (known.empty() ? "" : ", ") + std::string(n);
    Where at = where(r, key);
    issues_.error(
        at.path, "RoleDefinitionNotFound",
        "unknown role '" + text + "'; the built-in roles routesim knows (by name or id): " + known,
        at.offset);
  }

  // --- checks across resources -----------------------------------------------------------------

  void duplicate(
      const std::vector<std::pair<std::string_view, std::pair<Where, std::string>>>& entries,
      std::string_view what) {
    for (size_t i = 0; i < entries.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (same(entries[i].first, entries[j].first)) {
          issues_.error(entries[i].second.first.path, "DuplicateResource",
                        std::string(what) + " '" + std::string(entries[i].first) +
                            "' is declared twice (first at " + entries[j].second.second + ")",
                        entries[i].second.first.offset);
          break;
        }
      }
    }
  }

  void checkDuplicates() {
    using Entries = std::vector<std::pair<std::string_view, std::pair<Where, std::string>>>;
    Entries hubs, vnets, on_premises, pes, identities, roles;
    for (const HubState& h : hubs_) hubs.push_back({h.config.name, {h.name, h.config.path}});
    for (const VnetState& v : vnets_) vnets.push_back({v.vnet.name, {v.name, v.path}});
    for (const OnPremisesState& o : on_premises_) {
      on_premises.push_back({o.network.name, {o.name, o.path}});
    }
    for (const PeState& p : private_endpoints_state_) {
      pes.push_back({p.name, {p.name_where, p.path}});
    }
    for (const IdentityState& i : identities_) {
      identities.push_back({i.identity.resource_id, {i.name, i.path}});
    }
    for (const RoleState& r : roles_) {
      if (!r.assignment.name.empty()) roles.push_back({r.assignment.name, {r.name, r.path}});
    }
    duplicate(hubs, "IoT hub");
    duplicate(vnets, "virtual network");
    duplicate(on_premises, "on-premises network");
    duplicate(pes, "private endpoint");
    duplicate(identities, "user-assigned identity");
    duplicate(roles, "role assignment");
  }

  void checkVnets() {
    for (VnetState& s : vnets_) {
      const VirtualNetwork& v = s.vnet;
      for (size_t i = 0; i < v.subnets.size(); ++i) {
        const Subnet& sub = v.subnets[i];
        const SubnetInfo& info = s.subnets[i];
        bool inside = v.address_space.empty();
        for (const Cidr& space : v.address_space) {
          inside = inside || space.range().contains(sub.prefix.range());
        }
        if (!inside) {
          std::string spaces;
          for (const Cidr& space : v.address_space) {
            spaces += (spaces.empty() ? "" : ", ") + formatCidr(space);
          }
          issues_.error(info.prefix.path, "SubnetOutsideAddressSpace",
                        "subnet '" + sub.name + "' (" + formatCidr(sub.prefix) +
                            ") is outside virtual network '" + v.name + "''s address space (" +
                            spaces + ")",
                        info.prefix.offset);
        }
        for (size_t j = 0; j < i; ++j) {
          const Subnet& other = v.subnets[j];
          if (same(other.name, sub.name)) {
            issues_.error(info.name.path, "DuplicateResource",
                          "virtual network '" + v.name + "' has two subnets named '" + sub.name +
                              "' (first at " + s.subnets[j].name.path + ")",
                          info.name.offset);
            break;
          }
          IpRange a = sub.prefix.range();
          IpRange b = other.prefix.range();
          if (a.first <= b.last && b.first <= a.last) {
            issues_.error(info.prefix.path, "SubnetsOverlap",
                          "subnet '" + sub.name + "' (" + formatCidr(sub.prefix) +
                              ") overlaps subnet '" + other.name + "' (" +
                              formatCidr(other.prefix) + ")",
                          info.prefix.offset);
            break;
          }
        }
      }
      for (size_t i = 0; i < v.peerings.size(); ++i) {
        if (findVnet(v.peerings[i]) == nullptr) {
          issues_.warning(s.peerings[i].path, "RemoteVirtualNetworkNotFound",
                          "virtual network '" + v.peerings[i] +
                              "' is not among the resources; the peering connects nothing here",
                          s.peerings[i].offset);
        }
      }
    }
  }

  const VnetState* findVnet(std::string_view name) const {
    for (const VnetState& v : vnets_) {
      if (same(v.vnet.name, name)) return &v;
    }
    return nullptr;
  }

  void checkOnPremises() {
    for (OnPremisesState& o : on_premises_) {
      if (o.network.connected_to.empty()) continue;
      if (const VnetState* v = findVnet(o.network.connected_to)) {
        o.network.connected_to = v->vnet.name;
        continue;
      }
      issues_.error(o.connected_to.path, "VirtualNetworkNotFound",
                    "on-premises network '" + o.network.name +
                        "' is connected to virtual network '" + o.network.connected_to +
                        "', which is not among the resources",
                    o.connected_to.offset);
    }
  }

  // The subnet a private endpoint's subnet.id names ("vnet/subnet" or a subnet resource id).
  std::pair<const VirtualNetwork*, const Subnet*> resolveSubnet(const PeState& pe) {
    std::string vnet_name;
    std::string subnet_name;
    if (!pe.subnet_ref.empty() && pe.subnet_ref[0] == '/') {
      auto parts = split(pe.subnet_ref, '/');
      for (size_t i = 0; i + 3 < parts.size(); ++i) {
        if (same(parts[i], "virtualNetworks") && same(parts[i + 2], "subnets")) {
          vnet_name = std::string(parts[i + 1]);
          subnet_name = std::string(parts[i + 3]);
        }
      }
    } else {
      auto parts = split(pe.subnet_ref, '/');
      if (parts.size() == 2) {
        vnet_name = std::string(parts[0]);
        subnet_name = std::string(parts[1]);
      }
    }
    if (vnet_name.empty() || subnet_name.empty()) {
      issues_.error(pe.subnet_where.path, "InvalidResourceId",
                    "expected '<virtual network>/<subnet>' or a subnet resource id "
                    "(.../providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>), "
                    "found '" +
                        pe.subnet_ref + "'",
                    pe.subnet_where.offset);
      return {nullptr, nullptr};
    }
    const VnetState* v = findVnet(vnet_name);
    if (v == nullptr) {
      issues_.error(pe.subnet_where.path, "SubnetNotFound",
                    "private endpoint '" + pe.name + "': virtual network '" + vnet_name +
                        "' is not among the resources",
                    pe.subnet_where.offset);
      return {nullptr, nullptr};
    }
    const Subnet* s = v->vnet.findSubnet(subnet_name);
    if (s == nullptr) {
      std::string names;
      for (const Subnet& sub : v->vnet.subnets) names += (names.empty() ? "" : ", ") + sub.name;
      issues_.error(pe.subnet_where.path, "SubnetNotFound",
                    "private endpoint '" + pe.name + "': virtual network '" + v->vnet.name +
                        "' has no subnet '" + subnet_name +
                        "' (its subnets: " + (names.empty() ? "none" : names) + ")",
                    pe.subnet_where.offset);
      return {&v->vnet, nullptr};
    }
    return {&v->vnet, s};
  }

  // What a private link connection's privateLinkServiceId names: a hub or a target.
  void resolveService(PeState& pe, PeConnection& c) {
    NameRef ref = nameRef(c.service);
    for (size_t i = 0; i < hubs_.size(); ++i) {
      if (refMatches(ref, kHubType, hubs_[i].config.name)) {
        c.hub = static_cast<int32_t>(i);
        return;
      }
    }
    for (size_t i = 0; i < targets_.size(); ++i) {
      const Target& t = targets_[i].target;
      if (refMatches(ref, t.ref.type, t.ref.name)) {
        c.target = static_cast<int32_t>(i);
        return;
      }
    }
    bool modelled = ref.type.empty() || same(ref.type, kHubType) || same(ref.type, kStorageType) ||
                    same(ref.type, kEventHubsType) || same(ref.type, kServiceBusType);
    if (!modelled) return;  // a private endpoint to a service routesim does not model
    std::string what = ref.type.empty() || same(ref.type, kHubType)
                           ? "names no IoT hub among the resources"
                           : "names no " + ref.type + " resource among the resources";
    issues_.error(
        c.where.path, "PrivateLinkServiceNotFound",
        "private endpoint '" + pe.name + "': privateLinkServiceId '" + c.service + "' " + what,
        c.where.offset);
  }

  void resolvePrivateEndpoints() {
    for (PeState& pe : private_endpoints_state_) {
      for (PeConnection& c : pe.connections) resolveService(pe, c);
    }
    // The hub's side of each connection: it approves or rejects, so its state wins.
    for (size_t h = 0; h < hubs_.size(); ++h) {
      for (const HubConnection& hc : hubs_[h].connections) {
        bool found = false;
        for (PeState& pe : private_endpoints_state_) {
          if (!same(pe.name, hc.private_endpoint)) continue;
          for (PeConnection& c : pe.connections) {
            if (c.hub != static_cast<int32_t>(h)) continue;
            found = true;
            if (!hc.state) continue;
            c.hub_state = hc.state;
            if (c.state && *c.state != *hc.state) {
              issues_.warning(c.state_where.path, "ConnectionStateMismatch",
                              "private endpoint '" + pe.name + "' says " +
                                  std::string(connectionStateName(*c.state)) + " but hub '" +
                                  hubs_[h].config.name + "' says " +
                                  std::string(connectionStateName(*hc.state)) +
                                  "; the hub's privateEndpointConnections decide",
                              c.state_where.offset);
            }
          }
        }
        if (!found) {
          issues_.warning(hc.where.path, "PrivateEndpointNotFound",
                          "hub '" + hubs_[h].config.name +
                              "' lists a connection from private "
                              "endpoint '" +
                              hc.private_endpoint +
                              "', which is not among the resources or does not connect to this "
                              "hub; the connection is ignored",
                          hc.where.offset);
        }
      }
    }

    // Addresses: explicit ones checked, the others assigned after Azure's reserved ones.
    struct Placed {
      const VirtualNetwork* vnet;
      const Subnet* subnet;
    };
    std::vector<Placed> placed;
    std::vector<std::pair<const Subnet*, Ipv4>> used;
    for (PeState& pe : private_endpoints_state_) {
      auto [vnet, subnet] = pe.subnet_ref.empty()
                                ? std::pair<const VirtualNetwork*, const Subnet*>{}
                                : resolveSubnet(pe);
      placed.push_back({vnet, subnet});
      if (subnet == nullptr || !pe.ip) continue;
      IpRange range = subnet->prefix.range();
      if (!range.contains(*pe.ip)) {
        issues_.error(pe.ip_where.path, "PrivateIpOutsideSubnet",
                      "private endpoint '" + pe.name + "': " + formatIpv4(*pe.ip) +
                          " is outside subnet '" + vnet->name + "/" + subnet->name + "' (" +
                          formatCidr(subnet->prefix) + ")",
                      pe.ip_where.offset);
        pe.ip.reset();
        continue;
      }
      if (range.size() >= 8 && (*pe.ip < range.first + 4 || *pe.ip == range.last)) {
        issues_.error(pe.ip_where.path, "PrivateIpReserved",
                      "private endpoint '" + pe.name + "': " + formatIpv4(*pe.ip) +
                          " is reserved: Azure keeps the first four and the last address of subnet "
                          "'" +
                          subnet->name + "' (" + formatCidr(subnet->prefix) + ")",
                      pe.ip_where.offset);
        pe.ip.reset();
        continue;
      }
      for (const auto& [s, ip] : used) {
        if (s == subnet && ip == *pe.ip) {
          issues_.error(pe.ip_where.path, "PrivateIpInUse",
                        "private endpoint '" + pe.name + "': " + formatIpv4(*pe.ip) +
                            " is already used by another private endpoint in subnet '" +
                            subnet->name + "'",
                        pe.ip_where.offset);
        }
      }
      used.push_back({subnet, *pe.ip});
    }
    for (size_t i = 0; i < private_endpoints_state_.size(); ++i) {
      PeState& pe = private_endpoints_state_[i];
      const Subnet* subnet = placed[i].subnet;
      if (subnet == nullptr || pe.ip) continue;
      IpRange range = subnet->prefix.range();
      for (uint64_t a = uint64_t{range.first} + (range.size() >= 8 ? 4 : 0); a <= range.last; ++a) {
        bool taken = false;
        for (const auto& [s, ip] : used) taken = taken || (s == subnet && ip == a);
        if (!taken) {
          pe.ip = static_cast<Ipv4>(a);
          used.push_back({subnet, *pe.ip});
          break;
        }
      }
    }

    for (size_t i = 0; i < private_endpoints_state_.size(); ++i) {
      PeState& pe = private_endpoints_state_[i];
      if (placed[i].subnet == nullptr || !pe.ip) continue;
      for (PeConnection& c : pe.connections) {
        PrivateEndpoint out;
        out.name = pe.name;
        out.vnet = placed[i].vnet->name;
        out.subnet = placed[i].subnet->name;
        out.private_ip = *pe.ip;
        out.dns_integration = pe.dns;
        out.state = c.hub_state ? *c.hub_state
                    : c.state   ? *c.state
                    : c.manual  ? ConnectionState::kPending
                                : ConnectionState::kApproved;
        if (c.hub >= 0) {
          const HubPolicyConfig& hub = hubs_[c.hub].config;
          out.target = hub.name;
          out.group_id = c.group.empty() ? "iotHub" : c.group;
          if (!same(out.group_id, "iotHub")) {
            issues_.warning(c.where.path, "UnexpectedGroupId",
                            "private endpoint '" + pe.name + "' to hub '" + hub.name +
                                "' has target sub-resource '" + out.group_id +
                                "'; only 'iotHub' carries device and service traffic",
                            c.where.offset);
          }
          if (regionAllows(hub, c.where, "a private endpoint to a hub") &&
              rules_.profile == Profile::k2020_03 && hub.identity.type == IdentityType::kNone) {
            profileError(c.where,
                         "a private endpoint needed a hub created with a managed "
                         "identity; hub '" +
                             hub.name + "' has none");
          }
        } else if (c.target >= 0) {
          const Target& t = targets_[c.target].target;
          out.target = t.ref.name;
          out.group_id = !c.group.empty()                 ? c.group
                         : t.kind == TargetKind::kStorage ? "blob"
                                                          : "namespace";
        } else {
          continue;
        }
        private_endpoints_.push_back(std::move(out));
      }
    }
  }

  void resolveHubIdentities() {
    for (HubState& h : hubs_) {
      for (const IdentityRef& ref : h.identity_refs) {
        UserAssignedIdentity& u = h.config.identity.user_assigned[ref.index];
        NameRef name = nameRef(u.resource_id);
        const IdentityState* found = nullptr;
        for (const IdentityState& i : identities_) {
          if (refMatches(name, kIdentityResourceType, i.identity.resource_id)) found = &i;
        }
        if (found != nullptr) {
          if (!ref.explicit_principal) {
            u.principal_id = found->identity.principal_id;
          } else if (u.principal_id != found->identity.principal_id &&
                     found->identity.principal_id != found->identity.resource_id) {
            issues_.warning(ref.where.path, "PrincipalIdMismatch",
                            "principalId '" + u.principal_id + "' differs from identity '" +
                                found->identity.resource_id + "''s principalId '" +
                                found->identity.principal_id + "'; the hub's entry is used",
                            ref.where.offset);
          }
        } else if (!ref.explicit_principal) {
          u.principal_id = name.name;
          issues_.warning(ref.where.path, "UserAssignedIdentityNotFound",
                          "user-assigned identity '" + name.name +
                              "' is not among the resources; its name stands for its principal id",
                          ref.where.offset);
        }
      }
    }
  }

  void checkTiers() {
    for (TargetState& t : targets_) {
      const Target& target = t.target;
      if (target.kind == TargetKind::kStorage || target.firewallSupported()) continue;
      const bool rules =
          !target.default_allow && (!target.ip_rules.empty() || target.virtual_network_rules > 0);
      if (!rules && !t.public_access_disabled) continue;
      const Where& at = t.public_access_disabled ? *t.public_access_disabled : t.default_action;
      std::string what =
          target.kind == TargetKind::kServiceBus
              ? "Service Bus namespace '" + target.ref.name + "' is " + target.sku_tier +
                    ": IP firewall rules, virtual network rules and private access need Premium"
              : "Event Hubs namespace '" + target.ref.name +
                    "' is Basic: IP firewall rules, virtual network rules and private access are "
                    "not available in Basic";
      issues_.error(at.path, "FirewallNotAvailableInTier",
                    what + " (" +
                        (t.public_access_disabled ? "publicNetworkAccess Disabled"
                                                  : "defaultAction Deny with rules") +
                        " restricts it)",
                    at.offset);
    }
  }

  void checkRoleAssignments() {
    for (const RoleState& r : roles_) {
      const RoleAssignment& a = r.assignment;
      if (a.role == nullptr) continue;
      const std::string& p = a.principal_id;
      bool known = looksLikeGuid(p);
      for (const HubState& h : hubs_) {
        known = known || same(h.config.name, p) ||
                (!h.config.identity.system_principal_id.empty() &&
                 same(h.config.identity.system_principal_id, p));
        for (const UserAssignedIdentity& u : h.config.identity.user_assigned) {
          known = known || same(u.principal_id, p) || same(lastSegment(u.resource_id), p);
        }
      }
      for (const IdentityState& i : identities_) {
        known = known || same(i.identity.resource_id, p) || same(i.identity.principal_id, p);
      }
      if (!known) {
        issues_.warning(r.principal.path, "PrincipalNotFound",
                        "principalId '" + p +
                            "' is neither a GUID nor the name of a hub or user-assigned identity "
                            "among the resources",
                        r.principal.offset);
      }
      if (a.scope.level != Scope::Level::kResource || !r.scope) continue;
      const std::string& n = a.scope.ref.name;
      bool found = false;
      for (const HubState& h : hubs_) found = found || same(h.config.name, n);
      for (const TargetState& t : targets_) found = found || same(t.target.ref.name, n);
      for (const VnetState& v : vnets_) found = found || same(v.vnet.name, n);
      for (const PeState& pe : private_endpoints_state_) found = found || same(pe.name, n);
      for (const IdentityState& i : identities_) found = found || same(i.identity.resource_id, n);
      if (!found) {
        issues_.warning(r.scope->path, "ScopeNotFound",
                        "scope names resource '" + n +
                            "', which is not among the resources; the assignment grants nothing "
                            "here",
                        r.scope->offset);
      }
    }
  }

  ProfileRules rules_;
  ConfigIssues& issues_;
  std::vector<HubState> hubs_;
  std::vector<VnetState> vnets_;
  std::vector<OnPremisesState> on_premises_;
  std::vector<PeState> private_endpoints_state_;
  std::vector<PrivateEndpoint> private_endpoints_;
  std::vector<TargetState> targets_;
  std::vector<IdentityState> identities_;
  std::vector<RoleState> roles_;
  std::vector<Child> children_;
};

}  // namespace

PolicyResources readPolicyResources(const json::Value& resources, std::string_view path,
                                    Profile profile, ConfigIssues& issues) {
  if (!resources.is(json::Type::kArray)) {
    issues.error(
        std::string(path), "InvalidType",
        "expected an array of resources, found " + std::string(json::typeName(resources.type())),
        resources.offset());
    return {};
  }
  Reader reader(profile, issues);
  for (size_t i = 0; i < resources.items().size(); ++i) {
    reader.resource(resources.items()[i], json::pathIndex(path, i));
  }
  return reader.finish();
}

const HubPolicyConfig* findHub(const PolicyResources& r, std::string_view name) {
  NameRef ref = nameRef(name);
  for (const HubPolicyConfig& h : r.hubs) {
    if (refMatches(ref, kHubType, h.name)) return &h;
  }
  return nullptr;
}

const Target* findTarget(const PolicyResources& r, std::string_view name) {
  NameRef ref = nameRef(name);
  for (const Target& t : r.targets) {
    if (refMatches(ref, t.ref.type, t.ref.name)) return &t;
  }
  return nullptr;
}

const UserAssignedIdentity* findIdentity(const PolicyResources& r, std::string_view name) {
  NameRef ref = nameRef(name);
  for (const UserAssignedIdentity& i : r.identities) {
    if (refMatches(ref, kIdentityResourceType, i.resource_id)) return &i;
  }
  return nullptr;
}

EgressHub egressHub(const HubPolicyConfig& hub, Profile profile) {
  EgressHub out;
  out.name = hub.name;
  out.ref = hub.ref;
  out.location = hub.location;
  out.identity = hub.identity;
  out.egress_ranges = {defaultHubEgressRange()};
  out.profile = profile;
  return out;
}

RbacState rbacState(const PolicyResources& r) {
  RbacState state;
  state.assignments = r.role_assignments;
  state.default_subscription = r.default_subscription;
  state.default_group = r.default_group;
  return state;
}

}  // namespace routesim::policy
