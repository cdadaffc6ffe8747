// The network around a hub (reference iothub.md §6.3): the public internet, virtual networks with
// address spaces and subnets (and peerings), on-premises networks joined to a VNet by VPN or
// ExpressRoute private peering, private endpoints to the hub, and where a client sits.
//
// Routing between networks is modelled at the level a firewall decision needs: a client reaches
// a private IP when it sits in that VNet, in a VNet peered with it, or on an on-premises network
// linked to either; a client resolves the hub's name to a private endpoint's IP only when the
// endpoint has private DNS zone integration and the client resolves through that zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/ip.h"

namespace routesim::policy {

struct Subnet {
  std::string name;
  Cidr prefix;
};

struct VirtualNetwork {
  std::string name;
  std::vector<Cidr> address_space;
  std::vector<Subnet> subnets;
  std::vector<std::string> peerings;  // names of VNets peered with this one (either side suffices)
  const Subnet* findSubnet(std::string_view subnet) const;  // name matched ignoring letter case
};

enum class OnPremisesLink : uint8_t { kVpn, kExpressRoutePrivatePeering };
std::string_view onPremisesLinkName(OnPremisesLink link);  // "Vpn" | "ExpressRoutePrivatePeering"

struct OnPremisesNetwork {
  std::string name;
  std::vector<Cidr> address_prefixes;
  std::string connected_to;  // VNet name
  OnPremisesLink via = OnPremisesLink::kVpn;
};

// privateLinkServiceConnectionState.status.
enum class ConnectionState : uint8_t { kApproved, kPending, kRejected, kDisconnected };
std::string_view connectionStateName(ConnectionState state);
std::optional<ConnectionState> parseConnectionState(std::string_view text);  // ignores case

struct PrivateEndpoint {
  std::string name;
  std::string vnet;
  std::string subnet;
  Ipv4 private_ip = 0;
  std::string target;               // the hub's name
  std::string group_id = "iotHub";  // the target sub-resource
  ConnectionState state = ConnectionState::kApproved;
  bool dns_integration = false;  // a private DNS zone group (privatelink.azure-devices.net)
};

enum class ClientNetwork : uint8_t { kInternet, kOnPremises, kVirtualNetwork };

struct ClientLocation {
  ClientNetwork network = ClientNetwork::kInternet;
  std::string network_name;  // on-premises network or VNet name; empty on the internet
  std::string subnet;        // VNet clients only
  Ipv4 source_ip = 0;        // the client's own address
  // The address a public endpoint sees (the network's NAT / outbound address). When unset the
  // source address is used: right for internet clients; a private address on the public path
  // matches no public IP rule except a catch-all.
  std::optional<Ipv4> public_ip;
  bool uses_private_dns = false;  // resolves through the private DNS zone (directly or forwarded)
  Ipv4 publicAddress() const { return public_ip.value_or(source_ip); }
};

struct NetworkModel {
  std::vector<VirtualNetwork> vnets;
  std::vector<OnPremisesNetwork> on_premises;
  std::vector<PrivateEndpoint> private_endpoints;

  const VirtualNetwork* findVnet(std::string_view name) const;
  const OnPremisesNetwork* findOnPremises(std::string_view name) const;
  // Whether `client` can reach addresses in VNet `vnet`: it sits in it, in a VNet peered with
  // it, or on an on-premises network linked to one of those.
  bool reaches(const ClientLocation& client, std::string_view vnet) const;
  bool peered(std::string_view a, std::string_view b) const;
};

}  // namespace routesim::policy
