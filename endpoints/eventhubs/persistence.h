// Event hubs on disk, for reading back from another process (`routesim inspect`). One folder per
// hub: `eventhub.json` (configuration, per-partition counters, consumer-group checkpoints) and
// `partition-<id>.ndjson` (one retained event per line, eventToJson). Custom event hubs live
// under <out>/eventhubs/<namespace>/<hub>/, the built-in endpoint under
// <out>/iothub/<hub name>/events/. Each file is written to a temporary name of its own and
// renamed, so a reader sees the previous or the new version of a file, never half of one.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "endpoints/eventhubs/event_hub.h"

namespace routesim::endpoints::eventhubs {

// <out>/eventhubs/<namespace>/<hub>
std::filesystem::path eventHubDir(const std::filesystem::path& out, std::string_view namespace_name,
                                  std::string_view hub_name);
// <out>/iothub/<hub name>/events
std::filesystem::path builtinEventsDir(const std::filesystem::path& out, std::string_view hub_name);

// One event as a JSON object on one line (no newline): {"sequenceNumber", "offset",
// "enqueuedTimeUtc", "enqueuedNs", "partitionKey" (null when none), "properties",
// "systemProperties" (objects, values strings or null), "body" (base64), "bodyText" (the body,
// only when it is valid UTF-8)}. Names and values that are not valid UTF-8 are written with
// U+FFFD for their bad bytes; the body round-trips exactly through "body".
std::string eventToJson(const EventData& event);
void appendEventJson(std::string& out, const EventData& event);

// Parses one line written by eventToJson. Errors name the field.
Result<EventData> eventFromJson(std::string_view line);

// Writes `hub` into `dir` (created if missing): the partitions, then eventhub.json with the
// counters and checkpoints they were written with. Each partition is finished under its lock
// (its writers wait), so a running hub is saved consistently per partition. Thread-safe, also
// for several saves of one hub at once. ErrorCode::kIo on failure.
Status saveEventHub(const EventHub& hub, const std::filesystem::path& dir);

// A save of `hub` into `dir` that starts while the hub is still being written to, so that
// little is left to write at the end: catchUp() writes the events appended since its last call
// to each partition's file (under a temporary name), finish() writes the rest and
// eventhub.json. The files are byte for byte what saveEventHub() would write when finish() runs:
// a partition whose written events expired meanwhile (a retention shorter than the run) or were
// replaced (EventHub::restore) is written again from its first retained event.
//
// One thread drives a save (catchUp and finish never at the same time); the hub's writers may
// run on others. An unfinished save removes its temporary files when destroyed. `hub` must
// outlive the save.
class StreamingSave {
 public:
  StreamingSave(const EventHub& hub, std::filesystem::path dir);
  ~StreamingSave();
  StreamingSave(const StreamingSave&) = delete;
  StreamingSave& operator=(const StreamingSave&) = delete;

  // Writes up to `max_events` more events of each partition; returns how many it wrote. Write
  // errors are kept for finish().
  size_t catchUp(size_t max_events);
  // Writes what is left, renames the partition files into place and writes eventhub.json,
  // finishing up to `threads` partitions at once (0: one per hardware thread). Only once.
  Status finish(unsigned threads = 0);
  const EventHub& hub() const { return hub_; }

 private:
  struct PartitionFile;
  Status createFolder();
  Status finishPartition(uint32_t partition, EventHub::PartitionState& state);

  const EventHub& hub_;
  std::filesystem::path dir_;
  std::vector<std::unique_ptr<PartitionFile>> partitions_;
  EventHub::CopiedEvents copies_;  // catchUp's, reused
  bool folder_created_ = false;
  bool finished_ = false;
};

// Reads a hub saved by saveEventHub: configuration, status, events, counters and checkpoints.
// The loaded hub runs on the steady clock with the saved UTC mapping. A partition file newer
// than eventhub.json (read while a save was under way) is taken as it is: the partition's
// counters then follow its last event. Errors name the file and line (kIo when unreadable,
// kInvalidInput when malformed).
Result<std::shared_ptr<EventHub>> loadEventHub(const std::filesystem::path& dir);

// A hub folder found under an output folder.
struct SavedEventHub {
  bool builtin = false;        // the IoT hub's built-in `events` endpoint
  std::string namespace_name;  // the Event Hubs namespace, or the IoT hub for the built-in one
  std::string hub_name;        // the event hub; "events" for the built-in endpoint
  std::filesystem::path dir;   // for loadEventHub
};

// Every hub saved under `out` (folders holding eventhub.json in the layout above): built-in
// endpoints first, then custom event hubs, each sorted by namespace and hub name. None is an
// empty list; kIo when a folder exists but cannot be listed.
Result<std::vector<SavedEventHub>> findSavedEventHubs(const std::filesystem::path& out);

}  // namespace routesim::endpoints::eventhubs
