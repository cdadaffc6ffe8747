#include "core/scenario/devices.h"

#include <charconv>

#include "core/common/config_reader.h"
#include "core/common/utf.h"

namespace routesim::scenario {
namespace {

// The {index} or {index:N} placeholder of a pattern: where it is, how long, and the padding.
struct Placeholder {
  size_t at = std::string::npos;
  size_t length = 0;
  int width = 0;
};

std::optional<Placeholder> findPlaceholder(std::string_view pattern, std::string& error) {
  Placeholder p;
  size_t open = pattern.find("{index");
  if (open == std::string_view::npos) return p;
  size_t close = pattern.find('}', open);
  if (close == std::string_view::npos) {
    error = "'{index' is not closed with '}'";
    return std::nullopt;
  }
  std::string_view inner = pattern.substr(open + 6, close - open - 6);
  if (!inner.empty()) {
    if (inner[0] != ':' || inner.size() < 2 || inner.size() > 3) {
      error = "expected {index} or {index:N} with N a width of 1 to 99 digits";
      return std::nullopt;
    }
    int width = 0;
    for (char c : inner.substr(1)) {
      if (c < '0' || c > '9') {
        error = "expected {index} or {index:N} with N a width of 1 to 99 digits";
        return std::nullopt;
      }
      width = width * 10 + (c - '0');
    }
    p.width = width;
  }
  p.at = open;
  p.length = close - open + 1;
  if (pattern.find("{index", close) != std::string_view::npos) {
    error = "only one {index} placeholder is allowed";
    return std::nullopt;
  }
  return p;
}

bool validDeviceId(std::string_view id) {
  // IoT Hub device ids: up to 128 ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ '
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("-.%_*?!(),:=@$'").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string DeviceGroup::deviceId(uint32_t i) const {
  std::string id;
  assignDeviceId(i, id);
  return id;
}

void DeviceGroup::assignDeviceId(uint32_t i, std::string& out) const {
  std::string e;
  std::optional<Placeholder> p = findPlaceholder(id_pattern, e);
  if (!p || p->at == std::string::npos) {
    out.assign(id_pattern);
    return;
  }
  char digits[24];
  const auto written = std::to_chars(digits, digits + sizeof digits, uint64_t{i} + 1).ptr;
  const auto n = static_cast<size_t>(written - digits);
  out.assign(id_pattern, 0, p->at);
  if (n < static_cast<size_t>(p->width)) out.append(static_cast<size_t>(p->width) - n, '0');
  out.append(digits, n);
  out.append(id_pattern, p->at + p->length);
}

policy::Ipv4 DeviceGroup::addressOf(uint32_t i) const {
  return static_cast<policy::Ipv4>(ip_range.first + (uint64_t{i} % ip_range.size()));
}

policy::ClientLocation DeviceGroup::locationOf(uint32_t i) const {
  policy::ClientLocation c = location;
  c.source_ip = addressOf(i);
  return c;
}

std::optional<DeviceGroup> readDeviceGroup(const json::Value& item, const std::string& at,
                                           const policy::PolicyResources& resources,
                                           ConfigIssues& issues) {
  ObjectReader r(item, at, issues);
  if (!r.ok()) return std::nullopt;
  size_t errors = issues.errorCount();
  DeviceGroup g;
  g.path = at;
  if (auto name = r.string("group", /*required=*/true)) g.name = *name;
  if (auto count = r.integer("count", 1, 10000000)) g.count = static_cast<uint32_t>(*count);
  g.id_pattern = r.string("idPattern").value_or(g.name + "-{index}");
  std::string error;
  std::optional<Placeholder> p = findPlaceholder(g.id_pattern, error);
  uint32_t pattern_offset = memberOffset(item, "idPattern");
  if (!p) {
    issues.error(r.pathOf("idPattern"), "InvalidIdPattern", error, pattern_offset);
  } else if (p->at == std::string::npos && g.count > 1) {
    issues.error(r.pathOf("idPattern"), "InvalidIdPattern",
                 "a group of " + std::to_string(g.count) +
                     " devices needs {index} in its idPattern (device ids are unique)",
                 pattern_offset);
  } else if (!validDeviceId(g.deviceId(0)) || !validDeviceId(g.deviceId(g.count - 1))) {
    issues.error(r.pathOf("idPattern"), "InvalidIdPattern",
                 "device ids are 1-128 ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ '; '" +
                     g.deviceId(g.count - 1) + "' is not one",
                 pattern_offset);
  }
  if (auto tls = r.string("tlsVersion")) {
    if (auto v = policy::parseTlsVersion(*tls)) {
      g.tls = *v;
    } else {
      issues.error(r.pathOf("tlsVersion"), "InvalidTlsVersion",
                   "expected \"1.0\", \"1.1\", \"1.2\" or \"1.3\"",
                   memberOffset(item, "tlsVersion"));
    }
  }
  if (auto auth = r.string("authMethod")) {
    static constexpr std::string_view kMethods[] = {"sas", "x509Certificate", "x509CA"};
    bool known = false;
    for (std::string_view m : kMethods) known = known || *auth == m;
    if (!known) {
      issues.error(r.pathOf("authMethod"), "InvalidAuthMethod",
                   "expected \"sas\", \"x509Certificate\" or \"x509CA\"",
                   memberOffset(item, "authMethod"));
    }
    g.auth_method = *auth;
  }
  if (const json::Value* twin = r.object("twin")) twin->writeCompact(g.twin_json);

  // Location.
  g.ip_range = *policy::parseIpRange("198.51.100.0/24");  // TEST-NET-2: documentation addresses
  if (const json::Value* loc = r.object("location")) {
    ObjectReader lr(*loc, r.pathOf("location"), issues);
    std::string network = lr.string("network").value_or("internet");
    std::string subnet = lr.string("subnet").value_or("");
    if (size_t slash = network.find('/'); slash != std::string::npos) {
      subnet = network.substr(slash + 1);
      network = network.substr(0, slash);
    }
    uint32_t network_offset = memberOffset(*loc, "network");
    if (utf::equalsIgnoreCase(network, "internet")) {
      g.location.network = policy::ClientNetwork::kInternet;
    } else if (const policy::OnPremisesNetwork* onprem =
                   resources.network.findOnPremises(network)) {
      g.location.network = policy::ClientNetwork::kOnPremises;
      g.location.network_name = onprem->name;
      if (!onprem->address_prefixes.empty()) g.ip_range = onprem->address_prefixes[0].range();
    } else if (const policy::VirtualNetwork* vnet = resources.network.findVnet(network)) {
      g.location.network = policy::ClientNetwork::kVirtualNetwork;
      g.location.network_name = vnet->name;
      const policy::Subnet* s = subnet.empty() ? nullptr : vnet->findSubnet(subnet);
      if (s == nullptr) {
        issues.error(lr.pathOf("network"), "UnknownSubnet",
                     "VNet '" + vnet->name + "' has no subnet '" + subnet +
                         "'; write \"vnet/subnet\" with one of its subnets",
                     network_offset);
      } else {
        g.location.subnet = s->name;
        g.ip_range = s->prefix.range();
      }
    } else {
      issues.error(lr.pathOf("network"), "UnknownNetwork",
                   "'" + network +
                       "' is not \"internet\", a routesim/onPremisesNetworks resource or "
                       "a Microsoft.Network/virtualNetworks resource",
                   network_offset);
    }
    if (auto range = lr.string("ipRange")) {
      auto parsed = policy::parseIpRange(*range);
      uint32_t range_offset = memberOffset(*loc, "ipRange");
      if (!parsed.ok()) {
        issues.error(lr.pathOf("ipRange"), "InvalidIpRange",
                     parsed.error().message() + " (at character " +
                         std::to_string(parsed.error().span().offset + 1) + " of \"" + *range +
                         "\")",
                     range_offset);
      } else {
        // Devices on a private network take addresses of that network.
        bool inside = true;
        if (g.location.network == policy::ClientNetwork::kOnPremises) {
          inside = false;
          for (const policy::Cidr& c :
               resources.network.findOnPremises(g.location.network_name)->address_prefixes)
            inside = inside || c.range().contains(*parsed);
        } else if (g.location.network == policy::ClientNetwork::kVirtualNetwork &&
                   !g.location.subnet.empty()) {
          inside = resources.network.findVnet(g.location.network_name)
                       ->findSubnet(g.location.subnet)
                       ->prefix.range()
                       .contains(*parsed);
        }
        if (!inside) {
          issues.error(
              lr.pathOf("ipRange"), "IpRangeOutsideNetwork",
              "ipRange " + *range + " is not inside network '" + network + "'s address space",
              range_offset);
        }
        g.ip_range = *parsed;
      }
    }
    if (auto dns = lr.boolean("usesPrivateDnsZone")) g.location.uses_private_dns = *dns;
    if (auto pub = lr.string("publicIp")) {
      auto ip = policy::parseIpv4(*pub);
      if (ip.ok()) {
        g.location.public_ip = *ip;
      } else {
        issues.error(lr.pathOf("publicIp"), "InvalidIp", ip.error().message(),
                     memberOffset(*loc, "publicIp"));
      }
    }
    lr.warnUnknownKeys();
  }
  g.location.source_ip = g.ip_range.first;
  r.warnUnknownKeys();
  if (issues.errorCount() != errors) return std::nullopt;
  return g;
}

std::vector<DeviceGroup> readDeviceGroups(const json::Value& devices, const std::string& path,
                                          const policy::PolicyResources& resources,
                                          ConfigIssues& issues) {
  std::vector<DeviceGroup> groups;
  if (!devices.is(json::Type::kArray)) {
    issues.error(path, "InvalidDevices", "expected an array of device groups", devices.offset());
    return groups;
  }
  for (size_t index = 0; index < devices.items().size(); ++index) {
    const json::Value& item = devices.items()[index];
    std::optional<DeviceGroup> g =
        readDeviceGroup(item, json::pathIndex(path, index), resources, issues);
    if (!g) continue;
    bool duplicate = false;
    for (const DeviceGroup& other : groups) duplicate |= utf::equalsIgnoreCase(other.name, g->name);
    if (duplicate) {
      issues.error(json::pathJoin(g->path, "group"), "DuplicateDeviceGroup",
                   "device group '" + g->name + "' is defined twice", memberOffset(item, "group"));
      continue;
    }
    groups.push_back(std::move(*g));
  }
  return groups;
}

}  // namespace routesim::scenario
