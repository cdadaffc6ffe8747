// `routesim inspect`: read back what a run or a bench left in its output folder, in the shapes
// the Azure tools show them: blobs (Avro decoded), event hub partitions from a position, Service
// Bus queues and subscriptions with their dead-letter queues, endpoint health.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace routesim::cli {

enum class InspectWhat : uint8_t {
  kBlobs,
  kBlob,
  kEventHub,
  kEvents,
  kQueue,
  kSubscription,
  kHealth
};

struct InspectOptions {
  InspectWhat what = InspectWhat::kHealth;
  std::string out_dir = "routesim-out";
  bool json = false;  // listings and health as JSON lines instead of a table

  // blobs: narrow the listing; blob: which one ("<account>/<container>/<blob name>").
  std::string account;
  std::string container;
  std::string blob;

  // eventhub: --namespace and --hub; events: the IoT hub's name (default: the only one saved).
  std::string namespace_name;
  std::string hub;
  std::optional<uint32_t> partition;  // default: every partition
  // Where to start: "earliest" (default), "latest", "offset:<n>", "sequence:<n>" (inclusive;
  // "offset:><n>" and "sequence:><n>" exclusive) or "time:<UTC>".
  std::string from;
  std::optional<std::string> consumer_group;  // read as this group (from its checkpoint)

  // queue / subscription.
  std::string queue;
  std::string topic;
  std::string subscription;
  bool dead_letter = false;  // the entity's $DeadLetterQueue
  bool receive = false;      // receive-and-delete (the saved state loses them) instead of peek

  size_t max = 100;  // records, events or messages printed at most (0: all)
};

// Exit code: 0 success; 2 bad input (no such folder, blob or entity; unreadable files), with a
// message naming what was looked for and where.
int runInspect(const InspectOptions& options, std::ostream& out, std::ostream& err);

}  // namespace routesim::cli
