// What IoT Hub stamps on a device message when it receives it (reference §1.2): the sender's
// identity (connectionDeviceId, connectionModuleId, connectionDeviceGenerationId,
// connectionAuthMethod) and enqueuedTime, overwriting any value the device sent for those.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/message/message.h"

namespace routesim::message {

struct StampOptions {
  std::string auth_type = "sas";  // symkey | sas | x509
  std::string scope = "device";   // hub | device | module
};

// Stamps `message` as received at `enqueued` from its device_id / module_id.
void stampIngress(Message& message, std::chrono::system_clock::time_point enqueued,
                  const StampOptions& options = {});

// ISO 8601 UTC with seven fractional digits, as IoT Hub writes times: 2018-07-05T15:11:42.6850000Z
std::string formatIotHubTime(std::chrono::system_clock::time_point t);

// The connectionDeviceGenerationId routesim gives a device: 18 digits, stable per device id.
std::string generationIdOf(std::string_view device_id);

}  // namespace routesim::message
