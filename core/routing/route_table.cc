#include "core/routing/route_table.h"

#include <cmath>

#include "core/common/diagnostic.h"
#include "core/common/json.h"
#include "core/common/utf.h"
#include "core/message/json_path.h"
#include "core/query/compiler.h"

namespace routesim::routing {
namespace {

// Enrichments are applied to telemetry, twin-change and lifecycle events, not to digital twin
// change events (reference §1.4).
bool enrichable(message::MessageSource source) {
  return source != message::MessageSource::kDigitalTwinChangeEvents;
}

// The text IoT Hub stamps for a twin value.
std::string twinValueText(const query::Value& v) {
  switch (v.kind) {
    case query::Kind::kString:
      return std::string(v.string);
    case query::Kind::kBool:
      return v.boolean ? "true" : "false";
    case query::Kind::kNumber: {
      std::string s;
      json::appendNumber(s, v.number);
      return s;
    }
    default:
      return {};
  }
}

}  // namespace

std::shared_ptr<const RouteTable> RouteTable::build(const RoutingConfig& config,
                                                    const BuildOptions& options,
                                                    ConfigIssues& issues) {
  auto table = std::shared_ptr<RouteTable>(new RouteTable());
  table->endpoints_.push_back({std::string(kBuiltInEndpointName), EndpointKind::kBuiltIn});
  for (const EndpointConfig& e : config.endpoints) {
    if (table->endpoints_.size() >= kMaxEndpoints) break;
    if (table->endpointIndex(e.name) < 0) table->endpoints_.push_back({e.name, e.kind});
  }
  table->enrichments_.resize(table->endpoints_.size());

  auto compileRoute = [&](const RouteConfig& r) -> std::unique_ptr<CompiledRoute> {
    int endpoint = table->endpointIndex(r.endpoint);
    if (endpoint < 0) return nullptr;  // reported by readRoutingConfig
    query::CompileOptions compile_options;
    compile_options.source = r.source;
    auto program = query::compileCondition(r.condition, compile_options, table->catalog_);
    if (!program.ok()) {
      const Error& e = program.error();
      std::string diagnostic = formatDiagnostic("condition", r.condition, e);
      uint32_t in_string = r.condition_raw.empty()
                               ? e.span().offset
                               : rawStringOffset(r.condition_raw, e.span().offset);
      issues.error(json::pathJoin(r.path, "condition"), "IH400104",
                   "Invalid Routing Condition in route '" + r.name + "': " + diagnostic,
                   r.condition_offset + 1 + in_string);
      return nullptr;
    }
    return std::make_unique<CompiledRoute>(
        CompiledRoute{r.name, std::move(*program), static_cast<uint16_t>(endpoint)});
  };

  for (const RouteConfig& r : config.routes) {
    // A disabled route's condition must still compile: IoT Hub validates it when it is saved.
    auto compiled = compileRoute(r);
    if (compiled && r.enabled) {
      table->routes_[static_cast<size_t>(r.source)].push_back(std::move(*compiled));
      ++table->route_count_;
    }
  }
  if (config.fallback && config.fallback->enabled)
    table->fallback_ = compileRoute(*config.fallback);

  for (const EnrichmentConfig& e : config.enrichments) {
    Enrichment enrichment{e.key, e.value, -1, utf::foldCase(e.key)};
    if (utf::equalsIgnoreCase(e.value, "$iothubname")) {
      enrichment.value = options.hub_name;
    } else if (utf::startsWithIgnoreCase(e.value, "$twin.")) {
      auto path = message::parseJsonPath(std::string_view(e.value).substr(6));
      if (!path.ok()) {
        issues.error(json::pathJoin(e.path, "value"), "InvalidEnrichmentValue",
                     "'" + e.value + "' is not a valid twin path: " + path.error().message(),
                     e.value_offset);
        continue;
      }
      enrichment.twin_slot = static_cast<int32_t>(table->catalog_.twinPath(*path, {}));
    }
    for (const std::string& name : e.endpoints) {
      int index = table->endpointIndex(name);
      if (index >= 0) table->enrichments_[static_cast<size_t>(index)].push_back(enrichment);
    }
  }
  return table;
}

int RouteTable::endpointIndex(std::string_view name) const {
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    if (endpoints_[i].name == name) return static_cast<int>(i);
  }
  for (size_t i = 0; i < endpoints_.size(); ++i) {  // names are unique ignoring case
    if (utf::equalsIgnoreCase(endpoints_[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

size_t RouteTable::enrichmentValues(
    query::MessageContext& context, uint16_t endpoint,
    std::vector<std::pair<std::string_view, std::string>>* out) const {
  // The bytes the endpoint's enrichments add to the message: an enrichment replaces an
  // application property of the same name (ignoring case), and a later enrichment of the same
  // key replaces an earlier one, exactly as enrich() builds the message.
  const message::PropertyMap& props = context.message().app_properties;
  const std::vector<Enrichment>& list = enrichments_[endpoint];
  long long added = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const Enrichment& e = list[i];
    std::string value;
    if (e.twin_slot >= 0) {
      const query::Value& v = context.input(static_cast<uint32_t>(e.twin_slot));
      value = twinValueText(v);
      // A missing path, a null or a composite value stamps the literal text, as IoT Hub does.
      if (v.kind != query::Kind::kString && v.kind != query::Kind::kNumber &&
          v.kind != query::Kind::kBool) {
        value = e.value;
      }
    } else {
      value = e.value;
    }
    bool replaced_later = false;
    for (size_t k = i + 1; k < list.size() && !replaced_later; ++k) {
      replaced_later = list[k].folded_key == e.folded_key;
    }
    if (!replaced_later) {
      added += static_cast<long long>(e.key.size() + value.size());
      if (const message::Property* p = props.findFolded(e.folded_key)) {
        added -= static_cast<long long>(p->name.size() + (p->value ? p->value->size() : 0));
      }
    }
    if (out != nullptr) out->emplace_back(e.key, std::move(value));
  }
  return static_cast<size_t>(added);
}

void RouteTable::route(const message::Message& message, query::EvalScratch& scratch,
                       RoutingResult& out, size_t size) const {
  out.clear();
  query::MessageContext context(message, catalog_, scratch);
  std::bitset<kMaxEndpoints> hit;
  for (const CompiledRoute& r : routes_[static_cast<size_t>(message.source)]) {
    switch (r.program.evaluate(context)) {
      case query::TriState::kTrue:
        ++out.routes_matched;
        hit.set(r.endpoint);
        break;
      case query::TriState::kUndefined:
        ++out.routes_undefined;
        break;
      case query::TriState::kFalse:
        break;
    }
  }
  bool fallback = false;
  if (out.routes_matched == 0) {
    if (fallback_ != nullptr && message.source == message::MessageSource::kDeviceMessages &&
        fallback_->program.evaluate(context) == query::TriState::kTrue) {
      hit.set(fallback_->endpoint);
      fallback = true;
    }
  }
  out.body_parsed = context.bodyParsed();
  if (hit.none()) {
    out.outcome = RoutingResult::Outcome::kOrphaned;
    return;
  }
  out.outcome = fallback ? RoutingResult::Outcome::kFallback : RoutingResult::Outcome::kRouted;
  size_t base_size = size != 0 ? size : message::messageSize(message);
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    if (!hit.test(i)) continue;
    Delivery d;
    d.endpoint = static_cast<uint16_t>(i);
    d.fallback = fallback;
    size_t enriched = base_size;
    if (!enrichments_[i].empty() && enrichable(message.source)) {
      enriched += enrichmentValues(context, d.endpoint, nullptr);  // may be negative, wraps back
    }
    d.size = static_cast<uint32_t>(enriched);
    d.invalid = enriched > message::kMaxMessageBytes;
    out.deliveries.push_back(d);
  }
}

message::Message RouteTable::enrich(const message::Message& message, uint16_t endpoint,
                                    query::EvalScratch& scratch) const {
  message::Message out = message;
  applyEnrichments(message, endpoint, scratch, out.app_properties);
  return out;
}

void RouteTable::enrichedProperties(const message::Message& message, uint16_t endpoint,
                                    query::EvalScratch& scratch, message::PropertyMap& out) const {
  out = message.app_properties;
  applyEnrichments(message, endpoint, scratch, out);
}

void RouteTable::applyEnrichments(const message::Message& message, uint16_t endpoint,
                                  query::EvalScratch& scratch,
                                  message::PropertyMap& properties) const {
  if (enrichments_[endpoint].empty() || !enrichable(message.source)) return;
  query::MessageContext context(message, catalog_, scratch);
  std::vector<std::pair<std::string_view, std::string>> values;
  enrichmentValues(context, endpoint, &values);
  for (auto& [key, value] : values) properties.set(key, value);
}

}  // namespace routesim::routing
