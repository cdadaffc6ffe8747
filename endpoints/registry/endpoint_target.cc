#include "endpoints/registry/endpoint_target.h"

#include "core/common/utf.h"

namespace routesim::endpoints {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "sb://ns.servicebus.windows.net/path" -> host "ns.servicebus.windows.net" (scheme checked).
Result<std::string> hostOf(std::string_view uri, std::string_view scheme, std::string_view what) {
  std::string prefix = std::string(scheme) + "://";
  if (uri.size() < prefix.size() || !utf::equalsIgnoreCase(uri.substr(0, prefix.size()), prefix)) {
    return Error(ErrorCode::kInvalidInput,
                 std::string(what) + " '" + std::string(uri) + "' must start with " + prefix);
  }
  std::string_view rest = uri.substr(prefix.size());
  std::string_view host = rest.substr(0, rest.find_first_of("/:?"));
  if (host.empty()) {
    return Error(ErrorCode::kInvalidInput,
                 std::string(what) + " '" + std::string(uri) + "' has no host name");
  }
  return std::string(host);
}

std::string firstLabel(std::string_view host) {
  return std::string(host.substr(0, host.find('.')));
}

}  // namespace

std::string_view connectionStringValue(std::string_view connection_string, std::string_view key) {
  std::string_view rest = connection_string;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view part = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    if (utf::equalsIgnoreCase(trim(part.substr(0, eq)), key)) return trim(part.substr(eq + 1));
  }
  return {};
}

Result<EndpointTarget> resolveTarget(const routing::EndpointConfig& config) {
  EndpointTarget t;
  t.kind = config.kind;
  const std::string& cs = config.connection_string;
  if (config.kind == routing::EndpointKind::kStorage) {
    t.entity = config.container_name;
    if (!cs.empty()) {
      std::string_view account = connectionStringValue(cs, "AccountName");
      if (account.empty()) {
        return Error(ErrorCode::kInvalidInput,
                     "connectionString has no AccountName=...; expected "
                     "'DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=...'");
      }
      t.resource = std::string(account);
      std::string_view suffix = connectionStringValue(cs, "EndpointSuffix");
      t.host = t.resource + ".blob." + std::string(suffix.empty() ? "core.windows.net" : suffix);
      t.has_key = !connectionStringValue(cs, "AccountKey").empty() ||
                  !connectionStringValue(cs, "SharedAccessSignature").empty();
    } else if (!config.endpoint_uri.empty()) {
      Result<std::string> host = hostOf(config.endpoint_uri, "https", "endpointUri");
      if (!host.ok()) return host.error();
      t.host = host.value();
      t.resource = firstLabel(t.host);
    } else {
      t.resource = config.name;
    }
    return t;
  }
  if (config.kind == routing::EndpointKind::kBuiltIn) {
    t.resource = config.name;
    t.entity = config.name;
    return t;
  }
  // Event Hubs and Service Bus: "Endpoint=sb://<ns>.servicebus.windows.net/;...;EntityPath=x".
  if (!cs.empty()) {
    std::string_view endpoint = connectionStringValue(cs, "Endpoint");
    if (endpoint.empty()) {
      return Error(ErrorCode::kInvalidInput,
                   "connectionString has no Endpoint=sb://<namespace>.servicebus.windows.net/");
    }
    Result<std::string> host = hostOf(endpoint, "sb", "connectionString Endpoint");
    if (!host.ok()) return host.error();
    t.host = host.value();
    t.entity = std::string(connectionStringValue(cs, "EntityPath"));
    t.has_key = !connectionStringValue(cs, "SharedAccessKey").empty() ||
                !connectionStringValue(cs, "SharedAccessSignature").empty();
  } else if (!config.endpoint_uri.empty()) {
    Result<std::string> host = hostOf(config.endpoint_uri, "sb", "endpointUri");
    if (!host.ok()) return host.error();
    t.host = host.value();
  }
  t.resource = t.host.empty() ? config.name : firstLabel(t.host);
  if (t.entity.empty()) t.entity = config.entity_path;
  if (t.entity.empty()) {
    if (!t.host.empty()) {
      return Error(ErrorCode::kInvalidInput,
                   "no entity: give EntityPath=<name> in the connectionString or entityPath");
    }
    t.entity = config.name;
  }
  return t;
}

}  // namespace routesim::endpoints
