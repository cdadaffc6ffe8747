// Which resource a routing endpoint sends to, read from its connection string or endpoint URI
// as IoT Hub reads them: a storage account (and container), or an Event Hubs / Service Bus
// namespace and entity. The emulators and, later, the network policy look targets up by these
// names.
#pragma once

#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/routing/routing_config.h"

namespace routesim::endpoints {

struct EndpointTarget {
  routing::EndpointKind kind = routing::EndpointKind::kBuiltIn;
  // Storage account name, or Event Hubs / Service Bus namespace name (the host's first label,
  // letter case as written).
  std::string resource;
  std::string host;    // "contoso.blob.core.windows.net"; empty when neither string was given
  std::string entity;  // container, event hub, queue or topic
  // The connection string's SharedAccessKeyName / AccountKey presence (keyBased auth).
  bool has_key = false;
};

// Parses "Key=Value;Key=Value" connection strings (keys case-insensitive, values may contain
// '='). Returns the value of `key` or an empty view.
std::string_view connectionStringValue(std::string_view connection_string, std::string_view key);

// Resolves `config`. The entity comes from EntityPath in the connection string, else
// `entityPath`, else (Storage) `containerName`. With neither a connection string nor an
// endpoint URI (routes files for `routesim bench` name endpoints only), the resource and the
// entity are the endpoint's name. Errors say what is malformed, e.g. "connectionString has no
// Endpoint=sb://..." and, for Storage, a connection string without AccountName.
Result<EndpointTarget> resolveTarget(const routing::EndpointConfig& config);

}  // namespace routesim::endpoints
