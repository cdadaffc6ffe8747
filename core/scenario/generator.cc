#include "core/scenario/generator.h"

#include <cmath>

#include "core/common/duration.h"
#include "core/common/utf.h"
#include "core/message/message_json.h"

namespace routesim::scenario {
namespace {

constexpr uint64_t kHourNs = 3600ULL * 1000000000ULL;

struct EventShape {
  std::string_view schema;
  std::string_view op_type;
};

EventShape shapeOf(message::MessageSource source) {
  switch (source) {
    case message::MessageSource::kTwinChangeEvents:
      return {"twinChangeNotification", "updateTwin"};
    case message::MessageSource::kDeviceLifecycleEvents:
      return {"deviceLifecycleNotification", "createDeviceIdentity"};
    case message::MessageSource::kDeviceConnectionStateEvents:
      return {"deviceConnectionStateNotification", "deviceConnected"};
    default:
      return {};
  }
}

}  // namespace

TrafficGenerator::TrafficGenerator(const Scenario& scenario, uint64_t until_ns)
    : scenario_(scenario), until_ns_(std::min(until_ns, scenario.duration_ns)) {
  for (uint32_t t = 0; t < scenario.traffic.size(); ++t) {
    const TrafficSpec& spec = scenario.traffic[t];
    // Telemetry carries what the entry gives; change and lifecycle events are JSON in UTF-8.
    const bool event = !shapeOf(spec.source).schema.empty();
    Content& content = contents_.emplace_back();
    content.type = spec.content_type ? std::string_view(*spec.content_type)
                                     : std::string_view(event ? "application/json" : "");
    content.encoding = spec.content_encoding ? std::string_view(*spec.content_encoding)
                                             : std::string_view(event ? "utf-8" : "");
    content.text = message::textEncodingOf(content.encoding);
    for (uint32_t g = 0; g < scenario.devices.size(); ++g) {
      const DeviceGroup& group = scenario.devices[g];
      if (!utf::equalsIgnoreCase(group.name, spec.group)) continue;
      for (uint32_t d = 0; d < group.count; ++d) {
        uint64_t key = Rng::key(group.deviceId(d)) ^ (uint64_t{t} << 48);
        // The stream runs while both the entry and the group do.
        uint64_t start = std::max(spec.start_ns, group.active_from_ns);
        uint64_t stop = std::min(spec.stop_ns, group.active_until_ns);
        streams_.push_back(Stream{t, g, d, Rng::stream(scenario.seed, key), {}, {}, 0, stop});
        const Stream& s = streams_.back();
        if (!(spec.rate_per_device > 0)) continue;
        // The first message: an even share of the first interval into the stream's window.
        double interval_ns = 1e9 / (spec.rate_per_device *
                                    std::max(1e-9, spec.factorAt(start, scenario.start_unix_ns)));
        uint64_t phase = saturatingNs(interval_ns * d / group.count);
        uint64_t first = saturatingAdd(start, phase);
        if (spec.factorAt(first, scenario.start_unix_ns) <= 0) first = nextAfter(s, first);
        if (first < stop && first < until_ns_)
          heap_.push(Due{first, static_cast<uint32_t>(streams_.size() - 1)});
      }
    }
  }
}

uint64_t TrafficGenerator::nextAfter(const Stream& s, uint64_t t_ns) const {
  const TrafficSpec& spec = scenario_.traffic[s.traffic];
  uint64_t t = t_ns;
  for (int guard = 0; guard < 24 * 400; ++guard) {  // at most a year of silent hours
    double f = spec.factorAt(t, scenario_.start_unix_ns) * spec.rate_per_device;
    if (f > 0) {
      double step = 1e9 / f;
      uint64_t next = t + static_cast<uint64_t>(std::max(1.0, std::min(step, 1.8e19)));
      return next < t ? UINT64_MAX : next;
    }
    // Nothing is sent at this moment: try the next burst edge or hour.
    uint64_t edge =
        (scenario_.start_unix_ns + t) / kHourNs * kHourNs + kHourNs - scenario_.start_unix_ns;
    for (const Burst& b : spec.bursts) {
      if (b.at_ns > t && b.at_ns < edge) edge = b.at_ns;
      if (b.at_ns + b.duration_ns > t && b.at_ns + b.duration_ns < edge)
        edge = b.at_ns + b.duration_ns;
    }
    if (edge <= t || edge >= s.stop_ns || edge >= until_ns_) return UINT64_MAX;
    t = edge;
    if (spec.factorAt(t, scenario_.start_unix_ns) > 0) return t;
  }
  return UINT64_MAX;
}

void TrafficGenerator::build(Stream& s, uint64_t at_ns, GeneratedMessage& out) {
  const TrafficSpec& spec = scenario_.traffic[s.traffic];
  const DeviceGroup& group = scenario_.devices[s.group];
  // The message is refilled in place: its strings and property entries keep their storage.
  message::Message& m = out.message;
  group.assignDeviceId(s.device, m.device_id);
  m.module_id.clear();
  m.app_properties.clear();
  m.system_properties.clear();
  m.twin.reset();
  m.tag = 0;
  m.source = spec.source;
  uint64_t unix_ns = scenario_.start_unix_ns + at_ns;
  MessageContext context{m.device_id, unix_ns};

  // Application properties, in the entry's order.
  if (!spec.app_properties.empty()) {
    Builtins builtins(context, s.rng);
    spec.property_variables.next(
        s.rng, s.property_state, [&](std::string_view n) { return builtins.get(n); }, values_);
    for (const PropertySpec& p : spec.app_properties) {
      m.app_properties.set(p.name, p.fixed ? *p.fixed : values_[static_cast<size_t>(p.variable)]);
    }
  }
  EventShape shape = shapeOf(spec.source);
  const Content& content = contents_[s.traffic];
  if (!shape.schema.empty()) {
    m.app_properties.set("deviceId", m.device_id);
    m.app_properties.set("hubName", scenario_.hub_name);
    m.app_properties.set("iothub-message-schema", shape.schema);
    m.app_properties.set("opType", shape.op_type);
    m.app_properties.set("operationTimestamp", formatIsoTime(unix_ns));
  }
  if (!content.type.empty()) m.system_properties.set("contentType", content.type);
  if (!content.encoding.empty()) m.system_properties.set("contentEncoding", content.encoding);

  // The body.
  if (!spec.payload.empty()) {
    spec.payload.generate(s.rng, s.payload_state, context, body_);
  } else if (spec.source == message::MessageSource::kDeviceConnectionStateEvents) {
    char seq[100];
    std::snprintf(seq, sizeof seq, "{\"sequenceNumber\":\"%064llx\"}",
                  static_cast<unsigned long long>(s.sent + 1));
    body_ = seq;
  } else if (!shape.schema.empty()) {
    // Twin change and lifecycle events carry the twin (a snapshot; version counts events).
    body_ = "{\"deviceId\":\"" + m.device_id + "\",\"version\":" + std::to_string(s.sent + 2);
    if (!group.twin_json.empty() && group.twin_json.size() > 2) {
      body_ += "," + group.twin_json.substr(1, group.twin_json.size() - 2);
    }
    body_ += "}";
  } else {
    body_.clear();
  }
  if (content.text == message::TextEncoding::kUtf8) {
    m.body.assign(body_);
  } else {
    m.body.assign(message::encodeText(body_, content.text));
  }
  if (!group.twin_json.empty()) m.twin = message::PaddedBytes(group.twin_json);
  out.at_ns = at_ns;
  out.traffic = s.traffic;
  out.group = s.group;
  out.device = s.device;
  ++s.sent;
}

bool TrafficGenerator::next(GeneratedMessage& out) {
  while (!heap_.empty()) {
    Due due = heap_.top();
    heap_.pop();
    if (due.at_ns >= until_ns_) {
      heap_ = {};
      return false;
    }
    Stream& s = streams_[due.stream];
    build(s, due.at_ns, out);
    uint64_t next = nextAfter(s, due.at_ns);
    if (next < s.stop_ns && next < until_ns_) heap_.push(Due{next, due.stream});
    return true;
  }
  return false;
}

}  // namespace routesim::scenario
