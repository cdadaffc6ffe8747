#include "core/policy/rbac.h"

#include "core/common/utf.h"

namespace routesim::policy {
namespace {

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) slash = text.size();
    parts.push_back(text.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// Names compared ignoring case; inline ASCII fast path (role lookups run per decision), full
// Unicode folding only when a non-ASCII byte shows up.
inline bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    for (char c : a) {
      if (static_cast<unsigned char>(c) >= 0x80) return utf::equalsIgnoreCase(a, b);
    }
    for (char c : b) {
      if (static_cast<unsigned char>(c) >= 0x80) return utf::equalsIgnoreCase(a, b);
    }
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    auto ca = static_cast<unsigned char>(a[i]);
    auto cb = static_cast<unsigned char>(b[i]);
    if (ca == cb) continue;
    if ((ca | cb) >= 0x80) return utf::equalsIgnoreCase(a.substr(i), b.substr(i));
    if ((ca | 0x20) != (cb | 0x20) || (ca | 0x20) < 'a' || (ca | 0x20) > 'z') return false;
  }
  return true;
}

std::string joined(const std::vector<std::string_view>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    if (!out.empty()) out += '/';
    out += parts[i];
  }
  return out;
}

// `inner` equals `outer` or lies below it ("eventhubs/t" below "", "eventhubs/t/x" below
// "eventhubs/t"), ignoring case.
bool childWithin(std::string_view inner, std::string_view outer) {
  if (outer.empty()) return true;
  if (inner.size() < outer.size() || !same(inner.substr(0, outer.size()), outer)) return false;
  return inner.size() == outer.size() || inner[outer.size()] == '/';
}

}  // namespace

std::optional<Scope> Scope::parse(std::string_view text) {
  if (text.empty()) return std::nullopt;
  Scope scope;
  if (text[0] != '/') {  // a resource by name, optionally with a child path
    auto parts = split(text);
    for (std::string_view p : parts) {
      if (p.empty()) return std::nullopt;
    }
    scope.ref.name = std::string(parts[0]);
    scope.ref.child = joined(parts, 1);
    return scope;
  }
  auto parts = split(text.substr(1));
  if (parts.size() < 2 || !same(parts[0], "subscriptions") || parts[1].empty()) return std::nullopt;
  scope.ref.subscription = std::string(parts[1]);
  if (parts.size() == 2) {
    scope.level = Level::kSubscription;
    return scope;
  }
  if (parts.size() < 4 || !same(parts[2], "resourceGroups") || parts[3].empty())
    return std::nullopt;
  scope.ref.resource_group = std::string(parts[3]);
  if (parts.size() == 4) {
    scope.level = Level::kResourceGroup;
    return scope;
  }
  // providers/<Namespace>/<type>/<name>[/<child type>/<child name>...]
  if (parts.size() < 8 || !same(parts[4], "providers")) return std::nullopt;
  for (size_t i = 5; i < parts.size(); ++i) {
    if (parts[i].empty()) return std::nullopt;
  }
  scope.ref.type = std::string(parts[5]) + "/" + std::string(parts[6]);
  scope.ref.name = std::string(parts[7]);
  scope.ref.child = joined(parts, 8);
  return scope;
}

bool Scope::covers(const ResourceRef& target, std::string_view default_subscription,
                   std::string_view default_group) const {
  auto orDefault = [](const std::string& v, std::string_view d) -> std::string_view {
    return v.empty() ? d : std::string_view(v);
  };
  if (!same(orDefault(ref.subscription, default_subscription),
            orDefault(target.subscription, default_subscription)))
    return false;
  if (level == Level::kSubscription) return true;
  if (!same(orDefault(ref.resource_group, default_group),
            orDefault(target.resource_group, default_group)))
    return false;
  if (level == Level::kResourceGroup) return true;
  if (!same(ref.name, target.name)) return false;
  if (!ref.type.empty() && !target.type.empty() && !same(ref.type, target.type)) return false;
  return childWithin(target.child, ref.child);
}

bool RoleDefinition::grants(DataAction action) const {
  switch (action) {
    case DataAction::kBlobWrite:
      return blob_write;
    case DataAction::kEventHubsSend:
      return event_hubs_send;
    case DataAction::kServiceBusSend:
      return service_bus_send;
  }
  return false;
}

const std::vector<RoleDefinition>& builtinRoles() {
  // name, id, blob write, Event Hubs send, Service Bus send
  static const std::vector<RoleDefinition> roles = {
      {"Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", true, false, false},
      {"Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", true, false, false},
      {"Storage Blob Data Reader", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", false, false, false},
      {"Storage Account Contributor", "17d1049b-9a84-46fb-8f53-869881c3d3ab", false, false, false},
      {"Azure Event Hubs Data Sender", "2b629674-e913-4c01-ae53-ef4638d8f975", false, true, false},
      {"Azure Event Hubs Data Owner", "f526a384-b230-433a-b45c-95f59c4a2dec", false, true, false},
      {"Azure Event Hubs Data Receiver", "a638d3c7-ab3a-418d-83e6-5f17a39d4fde", false, false,
       false},
      {"Azure Service Bus Data Sender", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", false, false, true},
      {"Azure Service Bus Data Owner", "090c5cfd-751d-490a-894a-3ce6f1109419", false, false, true},
      {"Azure Service Bus Data Receiver", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", false, false,
       false},
      {"Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", false, false, false},
      {"Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c", false, false, false},
      {"Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", false, false, false},
  };
  return roles;
}

const RoleDefinition* findRole(std::string_view name_or_id) {
  // ".../providers/Microsoft.Authorization/roleDefinitions/<guid>" -> "<guid>"
  std::string_view key = name_or_id;
  if (size_t slash = key.rfind('/'); slash != std::string_view::npos) key = key.substr(slash + 1);
  for (const RoleDefinition& r : builtinRoles()) {
    if (same(r.name, name_or_id) || same(r.id, key)) return &r;
  }
  return nullptr;
}

RbacState::Grant RbacState::find(std::string_view principal, DataAction action,
                                 const ResourceRef& target, uint64_t now_ns) const {
  return find(std::span<const std::string_view>(&principal, 1), action, target, now_ns);
}

RbacState::Grant RbacState::find(std::span<const std::string_view> principal_names,
                                 DataAction action, const ResourceRef& target,
                                 uint64_t now_ns) const {
  Grant g;
  for (const RoleAssignment& a : assignments) {
    if (a.role == nullptr || !a.role->grants(action)) continue;
    bool named = false;
    for (std::string_view p : principal_names) {
      if (!p.empty() && same(a.principal_id, p)) {
        named = true;
        break;
      }
    }
    if (!named || !a.scope.covers(target, default_subscription, default_group)) continue;
    uint64_t effective = a.preexisting ? 0 : a.created_ns + propagation_ns;
    if (effective < a.created_ns) effective = UINT64_MAX;  // saturate
    if (effective <= now_ns) {
      g.effective = &a;
      g.pending = nullptr;
      return g;
    }
    if (g.pending == nullptr || effective < g.pending_effective_ns) {
      g.pending = &a;
      g.pending_effective_ns = effective;
    }
  }
  return g;
}

}  // namespace routesim::policy
