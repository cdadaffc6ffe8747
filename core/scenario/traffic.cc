#include "core/scenario/traffic.h"

#include <cmath>

#include "core/common/config_reader.h"
#include "core/common/duration.h"
#include "core/common/utf.h"

namespace routesim::scenario {
namespace {

Error rateError(size_t offset, std::string message) {
  return Error::at(ErrorCode::kInvalidInput, SourceSpan{static_cast<uint32_t>(offset), 1},
                   std::move(message));
}

// "10s", "s", "1m", "2h", "500ms", "1d" -> nanoseconds.
std::optional<uint64_t> shortDuration(std::string_view text) {
  size_t i = 0;
  double n = 1;
  if (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) {
    size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    try {
      n = std::stod(std::string(text.substr(start, i - start)));
    } catch (...) {
      return std::nullopt;
    }
  }
  std::string_view unit = text.substr(i);
  double scale = 0;
  if (unit == "ms") scale = 1e6;
  if (unit == "s") scale = 1e9;
  if (unit == "m" || unit == "min") scale = 60e9;
  if (unit == "h") scale = 3600e9;
  if (unit == "d") scale = 86400e9;
  if (scale == 0 || !(n > 0)) return std::nullopt;
  return saturatingNs(n * scale);  // past ~584 years: never
}

std::optional<uint64_t> readDuration(ObjectReader& r, const json::Value& object,
                                     std::string_view key, ConfigIssues& issues) {
  std::optional<std::string> text = r.string(key);
  if (!text) return std::nullopt;
  auto d = parseIsoDuration(*text);
  if (!d.ok()) {
    issues.error(r.pathOf(key), "InvalidDuration",
                 "expected an ISO 8601 duration such as \"PT10M\": " + d.error().message(),
                 memberOffset(object, key));
    return std::nullopt;
  }
  return *d;
}

}  // namespace

Result<double> parseRate(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos)
    return rateError(0, "expected a rate \"count/duration\", such as \"1/10s\" or \"5/PT1M\"");
  std::string_view count = text.substr(0, slash);
  double n = 0;
  size_t i = 0;
  for (; i < count.size(); ++i) {
    if (count[i] == '.' || (count[i] >= '0' && count[i] <= '9')) continue;
    return rateError(i, "expected a number of messages before '/'");
  }
  try {
    n = count.empty() ? -1 : std::stod(std::string(count));
  } catch (...) {
    n = -1;
  }
  if (!(n >= 0)) return rateError(0, "expected a number of messages before '/'");
  std::string_view per = text.substr(slash + 1);
  uint64_t ns = 0;
  if (!per.empty() && (per[0] == 'P' || per[0] == 'p')) {
    auto d = parseIsoDuration(per);
    if (!d.ok()) return rateError(slash + 1 + d.error().span().offset, d.error().message());
    ns = *d;
  } else if (auto d = shortDuration(per)) {
    ns = *d;
  } else {
    return rateError(slash + 1,
                     "expected a duration after '/': 10s, s, 1m, h, 500ms, d or ISO 8601 (PT10S)");
  }
  if (ns == 0) return rateError(slash + 1, "the duration must be longer than zero");
  return n * 1e9 / static_cast<double>(ns);
}

double TrafficSpec::factorAt(uint64_t t_ns, uint64_t unix_origin_ns) const {
  double f = 1;
  for (const Burst& b : bursts) {
    if (t_ns >= b.at_ns && t_ns - b.at_ns < b.duration_ns) f *= b.multiplier;
  }
  if (daily_pattern) {
    uint64_t hour = ((unix_origin_ns + t_ns) / 3600000000000ULL) % 24;
    f *= (*daily_pattern)[hour];
  }
  return f;
}

std::vector<TrafficSpec> readTraffic(const json::Value& traffic, const std::string& path,
                                     const std::vector<std::string>& groups, ConfigIssues& issues) {
  std::vector<TrafficSpec> out;
  if (!traffic.is(json::Type::kArray)) {
    issues.error(path, "InvalidTraffic", "expected an array of traffic entries", traffic.offset());
    return out;
  }
  size_t index = 0;
  for (const json::Value& item : traffic.items()) {
    std::string at = path + "[" + std::to_string(index++) + "]";
    ObjectReader r(item, at, issues);
    if (!r.ok()) continue;
    size_t errors = issues.errorCount();
    TrafficSpec t;
    t.path = at;
    if (auto group = r.string("group", /*required=*/true)) {
      t.group = *group;
      bool known = false;
      for (const std::string& g : groups) known = known || utf::equalsIgnoreCase(g, *group);
      if (!known) {
        issues.error(r.pathOf("group"), "UnknownDeviceGroup",
                     "no device group is named '" + *group + "'", memberOffset(item, "group"));
      }
    }
    std::string kind = r.string("kind").value_or("telemetry");
    if (kind == "telemetry") {
      t.source = message::MessageSource::kDeviceMessages;
    } else if (kind == "twinChange") {
      t.source = message::MessageSource::kTwinChangeEvents;
    } else if (kind == "lifecycle") {
      t.source = message::MessageSource::kDeviceLifecycleEvents;
    } else if (kind == "connectionState") {
      t.source = message::MessageSource::kDeviceConnectionStateEvents;
    } else {
      issues.error(r.pathOf("kind"), "InvalidTrafficKind",
                   "expected \"telemetry\", \"twinChange\", \"lifecycle\" or \"connectionState\"",
                   memberOffset(item, "kind"));
    }
    if (auto rate = r.string("ratePerDevice", /*required=*/true)) {
      auto parsed = parseRate(*rate);
      if (parsed.ok()) {
        t.rate_per_device = *parsed;
      } else {
        issues.error(r.pathOf("ratePerDevice"), "InvalidRate",
                     parsed.error().message() + " (at character " +
                         std::to_string(parsed.error().span().offset + 1) + " of \"" + *rate +
                         "\")",
                     memberOffset(item, "ratePerDevice"));
      }
    }
    if (auto start = readDuration(r, item, "start", issues)) t.start_ns = *start;
    if (auto stop = readDuration(r, item, "stop", issues)) t.stop_ns = *stop;
    if (t.stop_ns <= t.start_ns) {
      issues.error(r.pathOf("stop"), "InvalidTraffic", "stop must come after start", item.offset());
    }
    if (const json::Value* bursts = r.array("bursts")) {
      size_t k = 0;
      for (const json::Value& b : bursts->items()) {
        ObjectReader br(b, r.pathOf("bursts") + "[" + std::to_string(k++) + "]", issues);
        if (!br.ok()) continue;
        Burst burst;
        if (auto a = readDuration(br, b, "at", issues)) burst.at_ns = *a;
        if (!b.find("at"))
          issues.error(br.pathOf("at"), "InvalidBurst", "a burst needs \"at\"", b.offset());
        if (auto d = readDuration(br, b, "duration", issues)) burst.duration_ns = *d;
        if (!b.find("duration"))
          issues.error(br.pathOf("duration"), "InvalidBurst", "a burst needs \"duration\"",
                       b.offset());
        const json::Value* m = br.get("multiplier", /*required=*/true);
        if (m != nullptr) {
          if (!m->is(json::Type::kNumber) || !(m->number() >= 0)) {
            issues.error(br.pathOf("multiplier"), "InvalidBurst", "expected a non-negative number",
                         m->offset());
          } else {
            burst.multiplier = m->number();
          }
        }
        br.warnUnknownKeys();
        t.bursts.push_back(burst);
      }
    }
    if (const json::Value* pattern = r.array("dailyPattern")) {
      std::array<double, 24> factors{};
      bool ok = pattern->items().size() == 24;
      size_t h = 0;
      for (const json::Value& f : pattern->items()) {
        if (!f.is(json::Type::kNumber) || !(f.number() >= 0)) {
          ok = false;
          break;
        }
        if (h < 24) factors[h++] = f.number();
      }
      if (ok) {
        t.daily_pattern = factors;
      } else {
        issues.error(r.pathOf("dailyPattern"), "InvalidDailyPattern",
                     "expected 24 non-negative hourly factors (hour 0 to 23 of virtual UTC time)",
                     pattern->offset());
      }
    }
    t.content_type = r.string("contentType");
    t.content_encoding = r.string("contentEncoding");
    if (const json::Value* props = r.object("appProperties")) {
      std::vector<VariableSpec> generated;
      for (const json::Member& m : props->members()) {
        std::string ppath = json::pathJoin(r.pathOf("appProperties"), m.key);
        PropertySpec p;
        p.name = std::string(m.key);
        if (m.value->is(json::Type::kString)) {
          p.fixed = std::string(m.value->text());
        } else if (m.value->is(json::Type::kObject)) {
          if (auto v = readVariableSpec(*m.value, ppath, issues, p.name)) {
            p.variable = static_cast<int>(generated.size());
            generated.push_back(std::move(*v));
          }
        } else {
          issues.error(ppath, "InvalidProperty",
                       "expected a string value or a variable object ({\"values\": [...]}, "
                       "{\"random\": true, ...})",
                       m.value->offset());
        }
        t.app_properties.push_back(std::move(p));
      }
      t.property_variables = VariableSet::fromSpecs(std::move(generated));
    }
    r.get("template");
    r.get("variables");
    r.get("payloads");
    t.payload = PayloadMix::read(item, at, issues);
    if (t.source == message::MessageSource::kDeviceMessages && t.payload.empty() &&
        issues.errorCount() == errors) {
      issues.warning(at, "EmptyPayload",
                     "telemetry without template or payloads sends empty bodies", item.offset());
    }
    r.warnUnknownKeys();
    if (issues.errorCount() == errors) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace routesim::scenario
