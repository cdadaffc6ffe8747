#include "core/message/stamp.h"

#include <cstdio>
#include <ctime>

namespace routesim::message {

std::string formatIotHubTime(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ticks = duration_cast<nanoseconds>(t.time_since_epoch()).count() / 100;  // .NET ticks
  time_t seconds = static_cast<time_t>(ticks / 10000000);
  auto fraction = static_cast<long>(ticks % 10000000);
  if (fraction < 0) {
    fraction += 10000000;
    --seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, fraction);
  return buf;
}

std::string generationIdOf(std::string_view device_id) {
  uint64_t h = 1469598103934665603ull;
  for (char c : device_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  std::string digits = std::to_string(636000000000000000ull + h % 100000000000000000ull);
  return digits;
}

void stampIngress(Message& message, std::chrono::system_clock::time_point enqueued,
                  const StampOptions& options) {
  PropertyMap& sys = message.system_properties;
  sys.set("connectionDeviceId", message.device_id);
  if (message.module_id.empty()) {
    sys.erase("connectionModuleId");
  } else {
    sys.set("connectionModuleId", message.module_id);
  }
  sys.set("connectionDeviceGenerationId", generationIdOf(message.device_id));
  std::string scope = message.module_id.empty() ? options.scope : "module";
  sys.set("connectionAuthMethod", "{\"scope\":\"" + scope + "\",\"type\":\"" + options.auth_type +
                                      "\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}");
  sys.set("enqueuedTime", formatIotHubTime(enqueued));
}

}  // namespace routesim::message
