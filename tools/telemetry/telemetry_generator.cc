#include "tools/telemetry/telemetry_generator.h"

#include <array>
#include <cstdio>
#include <string_view>

#include "core/common/json.h"

namespace routesim::telemetry {
namespace {

// Integer -> real and integer -> range mappings of our own, so the stream of values depends
// only on mt19937_64 (which the standard fixes), not on the library's distributions.
class Draw {
 public:
  explicit Draw(std::mt19937_64& rng) : rng_(rng) {}

  double unit() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  int integer(int lo, int hi) {  // [lo, hi]
    return lo + static_cast<int>(rng_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return unit() < p; }
  // Roughly normal (Irwin-Hall of 4), for sensor values.
  double bell(double mean, double spread) {
    double s = unit() + unit() + unit() + unit() - 2.0;  // mean 0, sd ~0.58
    return mean + spread * s;
  }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[static_cast<size_t>(rng_() % N)];
  }
  uint64_t bits() { return rng_(); }

 private:
  std::mt19937_64& rng_;
};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Built by appending: GCC 12's -Wrestrict misfires on `"\"" + std::string(s) + "\""`.
std::string enclosed(std::string_view s, char quote) {
  std::string out;
  out.reserve(s.size() + 2);
  out += quote;
  out.append(s);
  out += quote;
  return out;
}
std::string quoted(std::string_view s) { return enclosed(s, '"'); }

std::string deviceName(int i) { return "dev-" + std::to_string(i); }
std::string siteName(int i) { return "plant-" + std::to_string(i); }

// A device's fixed traits, derived from its number (not from the message stream), so a device
// always reports the same schema, site and location.
struct Device {
  int id;
  bool schema_v2;  // newer firmware: location, firmware, battery, diagnostics sections
  int site;
  double lat;
  double lon;
  char zone;
  bool has_co2;
  bool battery_powered;
};

Device deviceTraits(int id) {
  std::mt19937_64 rng(0xDE'0000ULL + static_cast<uint64_t>(id));
  Draw d(rng);
  Device dev;
  dev.id = id;
  dev.schema_v2 = d.chance(0.65);
  dev.site = 1 + id % kSiteCount;
  // Sites spread over Europe and North America.
  dev.lat = 30.0 + 30.0 * ((dev.site * 37) % 100) / 100.0 + d.uniform(-0.05, 0.05);
  dev.lon = -120.0 + 140.0 * ((dev.site * 53) % 100) / 100.0 + d.uniform(-0.05, 0.05);
  dev.zone = static_cast<char>('A' + d.integer(0, 5));
  dev.has_co2 = d.chance(0.4);
  dev.battery_powered = d.chance(0.5);
  return dev;
}

constexpr std::array<std::string_view, 4> kFirmwareVersions = {"2.3.1", "2.4.0", "2.4.1",
                                                               "3.0.0-rc1"};
constexpr std::array<std::string_view, 5> kTags = {"\"indoor\"", "\"outdoor\"", "\"calibrated\"",
                                                   "\"hvac\"", "\"line-3\""};
constexpr std::array<std::string_view, 3> kErrors = {"\"E42: sensor timeout\"", "\"I2C bus reset\"",
                                                     "\"watchdog \\\"soft\\\" reboot\""};

}  // namespace

message::Message TelemetryGenerator::next() {
  Draw d(rng_);
  const uint64_t seq = seq_++;
  const Device dev = deviceTraits(d.integer(0, devices_ - 1));

  // Status first: the level application property follows it.
  double s = d.unit();
  std::string_view status = s < 0.80   ? "ok"
                            : s < 0.90 ? "warning"
                            : s < 0.95 ? "alarm"
                            : s < 0.98 ? "lowBattery"
                                       : "maintenance";
  std::string_view level;
  if (status == "alarm") {
    level = "critical";
  } else if (status == "warning" || status == "lowBattery") {
    level = "warning";
  } else {
    double l = d.unit();
    level = l < 0.90 ? "info" : l < 0.98 ? "warning" : "critical";
  }

  // ---- prefix: identity, sensors, location, status
  std::string prefix = "{\"deviceId\":" + quoted(deviceName(dev.id)) + ",\"ts\":" +
                       std::to_string(1700000000000ULL + seq * 1000 + d.integer(0, 999));
  if (dev.schema_v2) prefix += ",\"seq\":" + std::to_string(seq);
  prefix += ",\"sensors\":{\"temperature\":";
  prefix += d.chance(0.02) ? "null" : fixed(d.bell(22.0, 14.0), 1);  // a failed sensor sends null
  prefix += ",\"humidity\":" + fixed(d.uniform(20.0, 95.0), 1);
  prefix += ",\"pressure\":" + fixed(d.bell(1005.0, 35.0), 1);
  if (dev.has_co2) prefix += ",\"co2\":" + std::to_string(d.integer(380, 1800));
  prefix += "}";
  if (dev.schema_v2) {
    prefix += ",\"location\":{\"lat\":" + fixed(dev.lat, 5) + ",\"lon\":" + fixed(dev.lon, 5) +
              ",\"site\":" + quoted(siteName(dev.site)) + ",\"zone\":\"" + dev.zone + "\"}";
  }
  prefix += ",\"status\":" + quoted(status);

  // ---- suffix: firmware, battery, diagnostics, tags
  std::string suffix;
  if (dev.schema_v2) {
    suffix += ",\"firmware\":{\"version\":\"" + std::string(d.pick(kFirmwareVersions)) +
              "\",\"channel\":\"" + (d.chance(0.15) ? "beta" : "stable") +
              "\",\"autoUpdate\":" + (d.chance(0.7) ? "true" : "false") + "}";
    if (dev.battery_powered) {
      int battery = status == "lowBattery" ? d.integer(1, 15) : d.integer(8, 100);
      suffix += ",\"battery\":{\"level\":" + std::to_string(battery) +
                ",\"charging\":" + (d.chance(0.2) ? "true" : "false") + "}";
    }
    if (d.chance(0.3)) {
      suffix += ",\"diagnostics\":{\"uptimeSec\":" + std::to_string(d.integer(10, 9000000)) +
                ",\"resets\":" + std::to_string(d.integer(0, 5)) + ",\"lastError\":" +
                (d.chance(0.6) ? std::string("null") : std::string(d.pick(kErrors))) + "}";
    }
    if (d.chance(0.4)) {
      suffix += ",\"tags\":[" + std::string(d.pick(kTags)) + "," + std::string(d.pick(kTags)) + "]";
    }
  }
  suffix += "}";

  // ---- readings: the array that brings the body to its drawn size. A few devices send no
  // readings (or an empty array) and put their values in "samples" instead.
  const size_t target = dev.schema_v2
                            ? static_cast<size_t>(d.integer(300, static_cast<int>(kMaxBodyBytes)))
                            : static_cast<size_t>(d.integer(static_cast<int>(kMinBodyBytes), 600));
  double r = d.unit();
  const bool readings_absent = r < 0.04;
  const bool readings_empty = !readings_absent && r < 0.07;
  std::string fill_key = readings_absent || readings_empty ? ",\"samples\":[" : ",\"readings\":[";
  std::string empty_readings = readings_empty ? ",\"readings\":[]" : "";
  std::string items;
  size_t fixed_size = prefix.size() + empty_readings.size() + fill_key.size() + 1 + suffix.size();
  double level_value = d.uniform(5.0, 60.0);
  while (fixed_size + items.size() < target) {
    level_value += d.uniform(-8.0, 8.0);
    if (level_value < 0) level_value = -level_value;
    if (level_value > 100) level_value = 200 - level_value;
    std::string item = fixed(level_value, 1);
    if (fixed_size + items.size() + item.size() + 1 > kMaxBodyBytes) break;
    if (!items.empty()) items += ",";
    items += item;
  }
  std::string body = prefix + empty_readings + fill_key + items + "]" + suffix;

  message::Message m;
  m.device_id = deviceName(dev.id);
  m.body.assign(body);

  m.app_properties.set("level", level);
  m.app_properties.set("site", siteName(dev.site));
  if (d.chance(0.85)) m.app_properties.set("schemaVersion", dev.schema_v2 ? "2" : "1");

  char id[40];
  std::snprintf(id, sizeof id, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(d.bits()),
                static_cast<unsigned>(d.bits() & 0xffff), static_cast<unsigned>(d.bits() & 0xfff),
                static_cast<unsigned>(0x8000 | (d.bits() & 0x3fff)),
                static_cast<unsigned long long>(d.bits() & 0xffffffffffffULL));
  m.system_properties.set("messageId", id);
  m.system_properties.set("connectionDeviceId", m.device_id);
  double c = d.unit();
  if (c >= 0.02) {  // 2% of senders forget the content properties: the body is not JSON to IoT Hub
    m.system_properties.set("contentType", c < 0.04 ? "application/JSON" : "application/json");
    m.system_properties.set("contentEncoding", d.chance(0.1) ? "UTF-8" : "utf-8");
  }
  return m;
}

std::vector<message::Message> makeTelemetryPool(size_t count, uint64_t seed, int devices) {
  TelemetryGenerator gen(seed, devices);
  std::vector<message::Message> pool;
  pool.reserve(count);
  for (size_t i = 0; i < count; ++i) pool.push_back(gen.next());
  return pool;
}

std::vector<std::string> routeConditions(size_t count, uint64_t seed) {
  // The 10 fixed routes; the hand-written baseline in evaluator_bench.cc mirrors them exactly.
  static const std::array<const char*, 10> kFixed = {
      "$body.sensors.temperature > 30",
      "level = 'critical'",
      "$body.status = 'alarm'",
      "$body.readings[0] > 10 AND level = 'warning'",
      "$connectionDeviceId = 'dev-42'",
      "$contentType = 'application/json' AND $body.sensors.humidity >= 80",
      "site = 'plant-7' AND $body.sensors.pressure < 990",
      "$body.firmware.channel = 'beta' AND $body.firmware.version <> '2.4.0' AND "
      "$body.firmware.autoUpdate = true",
      "$body.battery.level < 20 OR $body.status = 'lowBattery'",
      "$body.location.site = 'plant-3' AND ($body.readings[1] > 50 OR "
      "$body.diagnostics.resets >= 3) AND $body.location.lat > 33",
  };
  std::vector<std::string> out;
  for (size_t i = 0; i < count && i < kFixed.size(); ++i) out.emplace_back(kFixed[i]);

  std::mt19937_64 rng(seed);
  Draw d(rng);
  static constexpr std::array<std::string_view, 3> kLevels = {"info", "warning", "critical"};
  static constexpr std::array<std::string_view, 5> kStatuses = {"alarm", "warning", "maintenance",
                                                                "lowBattery", "ok"};
  static constexpr std::array<std::string_view, 4> kOrder = {">", ">=", "<", "<="};
  auto num = [](int v) { return std::to_string(v); };
  auto str = [](std::string_view v) { return enclosed(v, '\''); };
  for (size_t i = out.size(); i < count; ++i) {
    std::string q;
    switch (i % 10) {
      case 0:
        q = "$body.sensors.temperature " + std::string(d.pick(kOrder)) + " " +
            num(d.integer(15, 45));
        break;
      case 1:
        q = "level = " + str(d.pick(kLevels));
        break;
      case 2:
        q = "$body.status = " + str(d.pick(kStatuses));
        break;
      case 3:
        q = "$body.readings[0] > " + num(d.integer(5, 90)) + " AND level = " + str(d.pick(kLevels));
        break;
      case 4:
        q = "$connectionDeviceId = " + str(deviceName(d.integer(0, kDeviceCount - 1)));
        break;
      case 5:
        q = "$contentType = 'application/json' AND $body.sensors.humidity >= " +
            num(d.integer(50, 95));
        break;
      case 6:
        q = "site = " + str(siteName(d.integer(1, kSiteCount))) + " AND $body.sensors.pressure < " +
            num(d.integer(960, 1010));
        break;
      case 7:
        q = "$body.firmware.channel = " + str(d.chance(0.5) ? "beta" : "stable") +
            " AND $body.firmware.version <> " + str(d.pick(kFirmwareVersions)) +
            " AND $body.firmware.autoUpdate = " + (d.chance(0.5) ? "true" : "false");
        break;
      case 8:
        q = "$body.battery.level < " + num(d.integer(5, 40)) +
            " OR $body.status = " + str(d.pick(kStatuses));
        break;
      case 9:
        q = "$body.location.site = " + str(siteName(d.integer(1, kSiteCount))) +
            " AND ($body.readings[1] > " + num(d.integer(10, 90)) +
            " OR $body.diagnostics.resets >= " + num(d.integer(1, 5)) +
            ") AND $body.location.lat > " + num(d.integer(30, 60));
        break;
    }
    out.push_back(std::move(q));
  }
  return out;
}

std::string routingObjectJson(const std::vector<std::string>& conditions) {
  static constexpr const char* kEndpoints[] = {"hot-eh", "alerts-eh", "ops-queue", "fanout-topic",
                                               "cold-storage"};
  std::string out =
      "{\n  \"endpoints\": {\n"
      "    \"eventHubs\": [{\"name\": \"hot-eh\"}, {\"name\": \"alerts-eh\"}],\n"
      "    \"serviceBusQueues\": [{\"name\": \"ops-queue\"}],\n"
      "    \"serviceBusTopics\": [{\"name\": \"fanout-topic\"}],\n"
      "    \"storageContainers\": [{\"name\": \"cold-storage\", \"containerName\": "
      "\"telemetry\"}]\n"
      "  },\n  \"routes\": [\n";
  for (size_t i = 0; i < conditions.size(); ++i) {
    out += "    {\"name\": \"route-" + std::to_string(i) +
           "\", \"source\": \"DeviceMessages\", "
           "\"condition\": ";
    json::appendQuoted(out, conditions[i]);
    out +=
        ", \"endpointNames\": [\"" + std::string(kEndpoints[i % 5]) + "\"], \"isEnabled\": true}";
    out += i + 1 < conditions.size() ? ",\n" : "\n";
  }
  out +=
      "  ],\n  \"fallbackRoute\": {\"name\": \"$fallback\", \"source\": \"DeviceMessages\", "
      "\"condition\": \"true\", \"endpointNames\": [\"events\"], \"isEnabled\": true},\n"
      "  \"enrichments\": []\n}\n";
  return out;
}

}  // namespace routesim::telemetry
