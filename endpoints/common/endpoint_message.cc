#include "endpoints/common/endpoint_message.h"

#include <array>
#include <cctype>

#include "core/common/utf.h"
#include "core/routing/route_table.h"

namespace routesim::endpoints {
namespace {

// IoT Hub's name, then Event Hubs' (the built-in endpoint's too) and Service Bus' (reference
// iothub.md §1.5). An empty Service Bus name: the property is not sent there.
struct Renaming {
  std::string_view iothub;
  std::string_view event_hubs;
  std::string_view service_bus;
};
constexpr std::array<Renaming, 10> kRenamings = {{
    {"messageId", "message-id", "MessageId"},
    {"userId", "user-id", "UserId"},
    {"connectionDeviceId", "iothub-connection-device-id", "iothub-connection-device-id"},
    {"connectionModuleId", "iothub-connection-module-id", "iothub-connection-module-id"},
    {"connectionDeviceGenerationId", "iothub-connection-auth-generation-id",
     "iothub-connection-auth-generation-id"},
    {"connectionAuthMethod", "iothub-connection-auth-method", "iothub-connection-auth-method"},
    {"contentType", "content-type", "ContentType"},
    {"contentEncoding", "content-encoding", "ContentEncoding"},
    {"enqueuedTime", "iothub-enqueuedtime", ""},
    {"correlationId", "correlation-id", "CorrelationId"},
}};

const Renaming* findRenaming(std::string_view name) {
  for (const Renaming& r : kRenamings) {
    if (utf::equalsIgnoreCase(r.iothub, name)) return &r;
  }
  return nullptr;
}

std::string_view valueOf(const message::PropertyMap& map, std::string_view name) {
  const message::Property* p = map.find(name);
  return p != nullptr && p->value ? std::string_view(*p->value) : std::string_view();
}

}  // namespace

std::string_view systemPropertyName(routing::EndpointKind kind, std::string_view name) {
  const Renaming* r = findRenaming(name);
  if (r == nullptr) return name;
  switch (kind) {
    case routing::EndpointKind::kStorage:
      return r->iothub;
    case routing::EndpointKind::kServiceBusQueue:
    case routing::EndpointKind::kServiceBusTopic:
      return r->service_bus;
    case routing::EndpointKind::kBuiltIn:
    case routing::EndpointKind::kEventHubs:
      return r->event_hubs;
  }
  return name;
}

EndpointMessage toEndpointMessage(const router::OutboundMessage& out, routing::EndpointKind kind,
                                  query::EvalScratch& scratch) {
  const message::Message& m = *out.message;
  EndpointMessage e;
  e.body.assign(m.body.view());
  e.device_id = m.device_id;
  e.module_id = m.module_id;
  e.ingress_ns = out.ingress_ns;
  e.size = out.size;
  e.partition = out.partition;

  auto copyProperties = [&](const message::PropertyMap& props) {
    e.properties.reserve(props.size());
    for (const message::Property& p : props) e.properties.emplace_back(p.name, p.value);
  };
  if (out.table != nullptr && out.table->hasEnrichments(out.table_endpoint)) {
    message::Message enriched = out.table->enrich(m, out.table_endpoint, scratch);
    copyProperties(enriched.app_properties);
  } else {
    copyProperties(m.app_properties);
  }

  const message::PropertyMap& sys = m.system_properties;
  e.message_id = valueOf(sys, "messageId");
  e.correlation_id = valueOf(sys, "correlationId");
  e.content_type = valueOf(sys, "contentType");
  e.content_encoding = valueOf(sys, "contentEncoding");
  e.enqueued_time_utc = valueOf(sys, "enqueuedTime");
  e.json_utf8 = utf::equalsAsciiLower(e.content_type, "application/json") &&
                utf::equalsAsciiLower(e.content_encoding, "utf-8");
  e.system_properties.reserve(sys.size() + 1);
  for (const message::Property& p : sys) {
    std::string_view name = systemPropertyName(kind, p.name);
    if (name.empty()) continue;  // not carried by this kind (Service Bus: enqueuedTime)
    e.system_properties.emplace_back(std::string(name), p.value);
  }
  if (kind != routing::EndpointKind::kStorage) {
    // Event Hubs and Service Bus receivers also see which routing source produced the message.
    std::string source(message::sourceName(m.source));
    if (!source.empty()) source[0] = static_cast<char>(std::tolower(source[0]));
    e.system_properties.emplace_back("iothub-message-source", std::move(source));
  }
  return e;
}

}  // namespace routesim::endpoints
