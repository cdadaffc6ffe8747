#include "core/message/stamp.h"

#include <cstdio>
#include <ctime>

#include "core/common/duration.h"

namespace routesim::message {

std::string formatIotHubTime(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  return formatUtcTicks(duration_cast<nanoseconds>(t.time_since_epoch()).count());
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
