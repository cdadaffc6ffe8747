// A routed message as one endpoint kind receives it (reference iothub.md §1.5): the body as
// sent, application properties with that endpoint's enrichments, and the system properties under
// the names that kind uses (Event Hubs `iothub-connection-device-id`, Storage
// `connectionDeviceId`, Service Bus `MessageId` ...). Emulators keep these: an OutboundMessage's
// message pointer is valid only during deliver().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/query/input.h"
#include "core/router/endpoint.h"
#include "core/routing/routing_config.h"

namespace routesim::endpoints {

// Names in order; a value is a string or null (present without a value).
using PropertyList = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct EndpointMessage {
  std::string body;
  PropertyList properties;         // application properties, enrichments included
  PropertyList system_properties;  // named for the endpoint kind
  std::string device_id;
  std::string module_id;
  std::string message_id;         // systemProperties messageId (empty when absent)
  std::string correlation_id;     // systemProperties correlationId
  std::string content_type;       // systemProperties contentType
  std::string content_encoding;   // systemProperties contentEncoding
  std::string enqueued_time_utc;  // IoT Hub's enqueuedTime stamp (7 fractional digits)
  uint64_t ingress_ns = 0;        // when the hub accepted it, on the router's clock
  uint32_t size = 0;              // IoT Hub's size with enrichments
  uint16_t partition = 0;         // the device's built-in partition (Storage {partition})
  // contentType application/json and contentEncoding utf-8 (letter case ignored): Storage writes
  // the body as JSON rather than base64.
  bool json_utf8 = false;
};

// The system-property name `kind` uses for IoT Hub's property `name` (routing-query spelling,
// e.g. "connectionDeviceId"); names IoT Hub does not rename (dt-dataschema, dt-subject, ...)
// are kept. Storage keeps IoT Hub's own names.
std::string_view systemPropertyName(routing::EndpointKind kind, std::string_view name);
// The same for a message's property, found by its folded name (no case-insensitive compares).
std::string_view systemPropertyName(routing::EndpointKind kind, const message::Property& p);

// Builds what `kind` receives for `out`. Thread-compatible: `scratch` is the caller's.
EndpointMessage toEndpointMessage(const router::OutboundMessage& out, routing::EndpointKind kind,
                                  query::EvalScratch& scratch);

// The application properties (with the endpoint's enrichments) and the system properties (under
// `kind`'s names, plus iothub-message-source for Event Hubs and Service Bus) of `out`, written
// over `properties` and `system_properties`: an emulator that stages events in reused objects
// keeps their strings' storage instead of allocating each name and value again.
void assignEndpointProperties(const router::OutboundMessage& out, routing::EndpointKind kind,
                              query::EvalScratch& scratch, PropertyList& properties,
                              PropertyList& system_properties);

}  // namespace routesim::endpoints
