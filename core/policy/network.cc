#include "core/policy/network.h"

#include "core/common/utf.h"

namespace routesim::policy {

const Subnet* VirtualNetwork::findSubnet(std::string_view subnet) const {
  for (const Subnet& s : subnets) {
    if (utf::equalsIgnoreCase(s.name, subnet)) return &s;
  }
  return nullptr;
}

std::string_view onPremisesLinkName(OnPremisesLink link) {
  return link == OnPremisesLink::kVpn ? "Vpn" : "ExpressRoutePrivatePeering";
}

std::string_view connectionStateName(ConnectionState state) {
  switch (state) {
    case ConnectionState::kApproved:
      return "Approved";
    case ConnectionState::kPending:
      return "Pending";
    case ConnectionState::kRejected:
      return "Rejected";
    case ConnectionState::kDisconnected:
      return "Disconnected";
  }
  return "Approved";
}

std::optional<ConnectionState> parseConnectionState(std::string_view text) {
  for (ConnectionState s : {ConnectionState::kApproved, ConnectionState::kPending,
                            ConnectionState::kRejected, ConnectionState::kDisconnected}) {
    if (utf::equalsIgnoreCase(text, connectionStateName(s))) return s;
  }
  return std::nullopt;
}

const VirtualNetwork* NetworkModel::findVnet(std::string_view name) const {
  for (const VirtualNetwork& v : vnets) {
    if (utf::equalsIgnoreCase(v.name, name)) return &v;
  }
  return nullptr;
}

const OnPremisesNetwork* NetworkModel::findOnPremises(std::string_view name) const {
  for (const OnPremisesNetwork& n : on_premises) {
    if (utf::equalsIgnoreCase(n.name, name)) return &n;
  }
  return nullptr;
}

bool NetworkModel::peered(std::string_view a, std::string_view b) const {
  auto lists = [](const VirtualNetwork* v, std::string_view other) {
    if (v == nullptr) return false;
    for (const std::string& p : v->peerings) {
      if (utf::equalsIgnoreCase(p, other)) return true;
    }
    return false;
  };
  return lists(findVnet(a), b) || lists(findVnet(b), a);
}

bool NetworkModel::reaches(const ClientLocation& client, std::string_view vnet) const {
  std::string_view home;
  switch (client.network) {
    case ClientNetwork::kInternet:
      return false;
    case ClientNetwork::kVirtualNetwork:
      home = client.network_name;
      break;
    case ClientNetwork::kOnPremises: {
      const OnPremisesNetwork* n = findOnPremises(client.network_name);
      if (n == nullptr) return false;
      home = n->connected_to;
      break;
    }
  }
  return utf::equalsIgnoreCase(home, vnet) || peered(home, vnet);
}

}  // namespace routesim::policy
