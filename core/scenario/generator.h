// The scenario's traffic as a deterministic stream of device messages in virtual-time order.
//
// Each (traffic entry, device) pair is a stream: its first message comes at the entry's start
// plus an even share of the first interval (device i of n at i/n of it), so a group's devices
// do not all send at once; each next one an interval of 1 / (rate x factor) later, the factor
// being the bursts and the daily pattern at that time (a zero factor waits for the next hour).
// Streams are merged by time (ties: traffic entry, then device), so the same scenario and seed
// give the same messages in the same order on every machine.
//
// A message carries the device id, the routing source, contentType / contentEncoding (the body
// encoded accordingly), application properties, the body and the device's twin; events of the
// other sources get IoT Hub's application properties (opType, iothub-message-schema, ...) and,
// without a payload, IoT Hub's body shape (reference iothub.md §1.4).
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "core/message/message.h"
#include "core/message/message_json.h"
#include "core/scenario/scenario.h"

namespace routesim::scenario {

struct GeneratedMessage {
  uint64_t at_ns = 0;    // virtual time since the scenario's start
  uint32_t traffic = 0;  // index into Scenario::traffic
  uint32_t group = 0;    // index into Scenario::devices
  uint32_t device = 0;   // index within the group
  message::Message message;
};

class TrafficGenerator {
 public:
  // `scenario` must outlive the generator. Messages are generated in [0, until_ns) of virtual
  // time (default: the scenario's duration; its end is exclusive, as a stop time is).
  explicit TrafficGenerator(const Scenario& scenario, uint64_t until_ns = UINT64_MAX);

  // The next message in time order; false when none is left.
  bool next(GeneratedMessage& out);
  // The time of the next message without taking it; UINT64_MAX when none is left.
  uint64_t peekTime() const { return heap_.empty() ? UINT64_MAX : heap_.top().at_ns; }

 private:
  struct Stream {
    uint32_t traffic;
    uint32_t group;
    uint32_t device;
    Rng rng;
    VariableState payload_state;
    VariableState property_state;
    uint64_t sent = 0;
    uint64_t stop_ns = UINT64_MAX;  // the traffic entry's stop or the group's removal
  };
  struct Due {
    uint64_t at_ns;
    uint32_t stream;
    bool operator>(const Due& o) const {
      return at_ns != o.at_ns ? at_ns > o.at_ns : stream > o.stream;
    }
  };
  // When `s` sends after `t_ns` (its interval at that time); UINT64_MAX past the end.
  uint64_t nextAfter(const Stream& s, uint64_t t_ns) const;
  void build(Stream& s, uint64_t at_ns, GeneratedMessage& out);

  const Scenario& scenario_;
  uint64_t until_ns_;
  std::vector<Stream> streams_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> heap_;
  std::vector<std::string> values_;
  std::string body_;
  // Per traffic entry, read once: the content type and encoding messages carry, and the
  // encoding their text bodies take.
  struct Content {
    std::string_view type;
    std::string_view encoding;
    message::TextEncoding text = message::TextEncoding::kUtf8;
  };
  std::vector<Content> contents_;
};

}  // namespace routesim::scenario
