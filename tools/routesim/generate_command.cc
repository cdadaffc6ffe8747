#include "tools/routesim/generate_command.h"

#include <iostream>

#include "core/message/message_json.h"
#include "tools/telemetry/telemetry_generator.h"

namespace routesim::cli {

int runGenerate(const GenerateOptions& options, std::ostream& out, std::ostream& err) {
  if (options.messages.has_value() == options.routes.has_value()) {
    err << "routesim generate: give --messages N or --routes N\n";
    return 2;
  }
  if (options.devices < 1) {
    err << "routesim generate: --devices must be at least 1\n";
    return 2;
  }
  if (options.messages) {
    telemetry::TelemetryGenerator gen(options.seed.value_or(telemetry::kTelemetrySeed),
                                      options.devices);
    for (uint64_t i = 0; i < *options.messages; ++i)
      out << message::messageToJson(gen.next()) << '\n';
    return 0;
  }
  if (*options.routes == 0 || *options.routes > 100) {
    err << "routesim generate: --routes takes 1 to 100 (IoT Hub's limit for a paid tier)\n";
    return 2;
  }
  out << telemetry::routingObjectJson(
      telemetry::routeConditions(*options.routes, options.seed.value_or(telemetry::kRouteSeed)));
  return 0;
}

}  // namespace routesim::cli
