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

// The same by a name folded with utf::foldCase (a message property's `folded`): a length check
// and memcmp per candidate.
const Renaming* findRenamingFolded(std::string_view folded) {
  static const std::array<std::string, kRenamings.size()> kFolded = [] {
    std::array<std::string, kRenamings.size()> out;
    for (size_t i = 0; i < kRenamings.size(); ++i) out[i] = utf::foldCase(kRenamings[i].iothub);
    return out;
  }();
  for (size_t i = 0; i < kFolded.size(); ++i) {
    if (kFolded[i] == folded) return &kRenamings[i];
  }
  return nullptr;
}

std::string_view renamed(const Renaming* r, routing::EndpointKind kind, std::string_view name) {
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

// Entry `i` of `list` set to (name, value), reusing the entry's strings when it exists.
void assignEntry(PropertyList& list, size_t i, std::string_view name,
                 const std::optional<std::string>& value) {
  if (i == list.size()) list.emplace_back();
  auto& [n, v] = list[i];
  n.assign(name);
  if (!value) {
    v.reset();
  } else if (v) {
    v->assign(*value);
  } else {
    v.emplace(*value);
  }
}

std::string_view valueOf(const message::PropertyMap& map, std::string_view name) {
  const message::Property* p = map.find(name);
  return p != nullptr && p->value ? std::string_view(*p->value) : std::string_view();
}

}  // namespace

std::string_view systemPropertyName(routing::EndpointKind kind, std::string_view name) {
  return renamed(findRenaming(name), kind, name);
}

std::string_view systemPropertyName(routing::EndpointKind kind, const message::Property& p) {
  return renamed(findRenamingFolded(p.folded), kind, p.name);
}

void assignEndpointProperties(const router::OutboundMessage& out, routing::EndpointKind kind,
                              query::EvalScratch& scratch, PropertyList& properties,
                              PropertyList& system_properties) {
  const message::Message& m = *out.message;
  auto assignAll = [](const message::PropertyMap& from, PropertyList& to) {
    size_t n = 0;
    for (const message::Property& p : from) assignEntry(to, n++, p.name, p.value);
    to.resize(n);
  };
  if (out.table != nullptr && out.table->hasEnrichments(out.table_endpoint)) {
    thread_local message::PropertyMap enriched;  // reused: its entries keep their storage
    out.table->enrichedProperties(m, out.table_endpoint, scratch, enriched);
    assignAll(enriched, properties);
  } else {
    assignAll(m.app_properties, properties);
  }
  size_t n = 0;
  for (const message::Property& p : m.system_properties) {
    std::string_view name = systemPropertyName(kind, p);
    if (name.empty()) continue;  // not carried by this kind (Service Bus: enqueuedTime)
    assignEntry(system_properties, n++, name, p.value);
  }
  if (kind != routing::EndpointKind::kStorage) {
    // Event Hubs and Service Bus receivers also see which routing source produced the message.
    std::string source(message::sourceName(m.source));
    if (!source.empty()) source[0] = static_cast<char>(std::tolower(source[0]));
    assignEntry(system_properties, n++, "iothub-message-source", source);
  }
  system_properties.resize(n);
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

  assignEndpointProperties(out, kind, scratch, e.properties, e.system_properties);
  const message::PropertyMap& sys = m.system_properties;
  e.message_id = valueOf(sys, "messageId");
  e.correlation_id = valueOf(sys, "correlationId");
  e.content_type = valueOf(sys, "contentType");
  e.content_encoding = valueOf(sys, "contentEncoding");
  e.enqueued_time_utc = valueOf(sys, "enqueuedTime");
  e.json_utf8 = utf::equalsAsciiLower(e.content_type, "application/json") &&
                utf::equalsAsciiLower(e.content_encoding, "utf-8");
  return e;
}

}  // namespace routesim::endpoints
