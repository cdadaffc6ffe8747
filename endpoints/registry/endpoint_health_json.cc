#include "endpoints/registry/endpoint_health_json.h"

#include <cstdio>
#include <ctime>

#include "core/common/json.h"

namespace routesim::endpoints {

std::string formatRfc1123(std::chrono::system_clock::time_point t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string endpointHealthJson(const std::vector<metrics::EndpointDescription>& endpoints,
                               const std::vector<router::EndpointHealthReport>& reports,
                               const EmulatorContext& context) {
  std::string out = "{\"value\":[";
  auto time = [&](const char* key, uint64_t ns) {
    out += ",\"";
    out += key;
    out += "\":";
    if (ns == 0) {
      out += "null";
    } else {
      json::appendQuoted(out, formatRfc1123(context.utc(ns)));
    }
  };
  for (size_t i = 0; i < reports.size() && i < endpoints.size(); ++i) {
    const router::EndpointHealthReport& r = reports[i];
    if (i != 0) out += ',';
    out += "{\"endpointId\":";
    json::appendQuoted(out, endpoints[i].name);
    out += ",\"healthStatus\":";
    json::appendQuoted(out, router::healthStatusName(r.status));
    out += ",\"lastKnownError\":";
    if (r.last_known_error == router::DeliveryFailure::kNone) {
      out += "null";
    } else {
      json::appendQuoted(out, router::deliveryFailureName(r.last_known_error));
    }
    time("lastKnownErrorTime", r.last_known_error_time_ns);
    time("lastSuccessfulSendAttemptTime", r.last_successful_send_attempt_time_ns);
    time("lastSendAttemptTime", r.last_send_attempt_time_ns);
    out += ",\"lastKnownErrorDetail\":";
    if (r.last_known_error_detail.empty()) {
      out += "null";
    } else {
      json::appendQuoted(out, r.last_known_error_detail);
    }
    out += '}';
  }
  out += "]}";
  return out;
}

Result<std::vector<EndpointHealthRow>> readEndpointHealthJson(std::string_view text) {
  Result<json::Value> doc = json::parse(text);
  if (!doc.ok()) return doc.error();
  const json::Value* value =
      doc.value().is(json::Type::kObject) ? doc.value().find("value") : nullptr;
  if (value == nullptr || !value->is(json::Type::kArray)) {
    return Error(ErrorCode::kInvalidInput,
                 "expected {\"value\": [...]} (GetEndpointHealth's shape)");
  }
  std::vector<EndpointHealthRow> rows;
  for (size_t i = 0; i < value->items().size(); ++i) {
    const json::Value& item = value->items()[i];
    if (!item.is(json::Type::kObject)) {
      return Error(ErrorCode::kInvalidInput,
                   "$.value[" + std::to_string(i) + "]: expected an object");
    }
    auto field = [&](std::string_view key) -> std::string {
      const json::Value* v = item.find(key);
      return v != nullptr && v->is(json::Type::kString) ? v->text() : std::string();
    };
    rows.push_back({field("endpointId"), field("healthStatus"), field("lastKnownError"),
                    field("lastKnownErrorDetail"), field("lastKnownErrorTime"),
                    field("lastSuccessfulSendAttemptTime"), field("lastSendAttemptTime")});
  }
  return rows;
}

}  // namespace routesim::endpoints
