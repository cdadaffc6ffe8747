#include "core/message/stamp.h"

#include <charconv>

#include "core/common/duration.h"

namespace routesim::message {

std::string formatIotHubTime(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  return formatUtcTicks(duration_cast<nanoseconds>(t.time_since_epoch()).count());
}

namespace {

// generationIdOf's digits into `buf`.
std::string_view generationId(std::string_view device_id, char (&buf)[24]) {
  uint64_t h = 1469598103934665603ull;
  for (char c : device_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, 636000000000000000ull + h % 100000000000000000ull);
  return {buf, static_cast<size_t>(end - buf)};
}

}  // namespace

std::string generationIdOf(std::string_view device_id) {
  char buf[24];
  return std::string(generationId(device_id, buf));
}

// Every message of a replay is stamped: nothing here allocates once the message's properties
// have their capacity (the texts are made in buffers and assigned in place).
void stampIngress(Message& message, std::chrono::system_clock::time_point enqueued,
                  const StampOptions& options) {
  PropertyMap& sys = message.system_properties;
  sys.set("connectionDeviceId", message.device_id);
  if (message.module_id.empty()) {
    sys.erase("connectionModuleId");
  } else {
    sys.set("connectionModuleId", message.module_id);
  }
  char generation[24];
  sys.set("connectionDeviceGenerationId", generationId(message.device_id, generation));
  thread_local std::string auth;
  auth.assign("{\"scope\":\"");
  auth.append(message.module_id.empty() ? std::string_view(options.scope) : "module");
  auth.append("\",\"type\":\"");
  auth.append(options.auth_type);
  auth.append("\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}");
  sys.set("connectionAuthMethod", auth);
  using namespace std::chrono;
  char time[kUtcTicksLength];
  sys.set("enqueuedTime",
          formatUtcTicks(duration_cast<nanoseconds>(enqueued.time_since_epoch()).count(), time));
}

}  // namespace routesim::message
