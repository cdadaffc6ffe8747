#include "tools/routesim/inspect_command.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <string_view>
#include <vector>

#include "core/common/file_io.h"
#include "core/common/json.h"
#include "endpoints/eventhubs/event_hub.h"
#include "endpoints/eventhubs/event_position.h"
#include "endpoints/eventhubs/persistence.h"
#include "endpoints/registry/endpoint_health_json.h"
#include "endpoints/servicebus/brokered_message.h"
#include "endpoints/servicebus/persistence.h"
#include "endpoints/storage/blob_reader.h"

namespace routesim::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;

size_t limitOf(const InspectOptions& o) {
  return o.max == 0 ? std::numeric_limits<size_t>::max() : o.max;
}

int fail(std::ostream& err, const std::string& message) {
  err << "routesim inspect: " << message << '\n';
  return kExitBadInput;
}

// The output folder must exist: a typo there would otherwise read as "nothing was written".
bool checkOutDir(const InspectOptions& o, std::ostream& err) {
  std::error_code ec;
  if (fs::is_directory(o.out_dir, ec)) return true;
  fail(err, o.out_dir + ": no such output folder (give the --out of the run or bench)");
  return false;
}

void pad(std::ostream& out, std::string_view text, size_t width) {
  out << text << std::string(text.size() < width ? width - text.size() : 1, ' ');
}

int listBlobs(const InspectOptions& o, std::ostream& out, std::ostream& err) {
  auto blobs = endpoints::storage::listBlobs(o.out_dir);
  if (!blobs.ok()) return fail(err, blobs.error().message());
  size_t shown = 0;
  for (const auto& b : *blobs) {
    if (!o.account.empty() && b.account != o.account) continue;
    if (!o.container.empty() && b.container != o.container) continue;
    if (o.json) {
      std::string j = "{\"account\":";
      json::appendQuoted(j, b.account);
      j += ",\"container\":";
      json::appendQuoted(j, b.container);
      j += ",\"name\":";
      json::appendQuoted(j, b.name);
      j += ",\"size\":" + std::to_string(b.size) + "}";
      out << j << '\n';
    } else {
      if (shown == 0)
        out << std::setw(12) << "size"
            << "  account/container/blob\n";
      out << std::setw(12) << b.size << "  " << b.account << '/' << b.container << '/' << b.name
          << '\n';
    }
    ++shown;
  }
  if (!o.json) err << shown << " blob(s)\n";
  return kExitOk;
}

int printBlob(const InspectOptions& o, std::ostream& out, std::ostream& err) {
  if (o.blob.empty()) return fail(err, "blob: give <account>/<container>/<blob name>");
  fs::path path = fs::path(o.out_dir) / o.blob;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return fail(err, path.string() +
                         ": no such blob (list them with `routesim inspect blobs --out " +
                         o.out_dir + "`)");
  }
  auto records = endpoints::storage::readBlob(path);
  if (!records.ok()) return fail(err, records.error().message());
  size_t n = std::min(records->size(), limitOf(o));
  for (size_t i = 0; i < n; ++i) out << endpoints::storage::recordToJson((*records)[i]) << '\n';
  err << records->size() << " record(s)";
  if (n < records->size()) err << ", first " << n << " shown (--max 0 shows all)";
  err << '\n';
  return kExitOk;
}

bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The saved hub `eventhub` (--namespace, --hub) or `events` (--hub: the IoT hub's name, or the
// only one saved) reads. Names ignore letter case, as Azure's do.
Result<endpoints::eventhubs::SavedEventHub> findHub(const InspectOptions& o) {
  auto saved = endpoints::eventhubs::findSavedEventHubs(o.out_dir);
  if (!saved.ok()) return saved.error();
  std::vector<endpoints::eventhubs::SavedEventHub> matches;
  std::string names;
  bool builtin = o.what == InspectWhat::kEvents;
  for (auto& hub : *saved) {
    if (hub.builtin != builtin) continue;
    std::string name = builtin ? hub.namespace_name : hub.namespace_name + "/" + hub.hub_name;
    names += (names.empty() ? "" : ", ") + name;
    bool match =
        builtin ? (o.hub.empty() || sameName(hub.namespace_name, o.hub))
                : sameName(hub.namespace_name, o.namespace_name) && sameName(hub.hub_name, o.hub);
    if (match) matches.push_back(std::move(hub));
  }
  if (matches.size() == 1) return std::move(matches[0]);
  std::string what = builtin ? (o.hub.empty() ? std::string("built-in events")
                                              : "built-in events of hub '" + o.hub + "'")
                             : "event hub '" + o.hub + "' in namespace '" + o.namespace_name + "'";
  if (matches.empty()) {
    return Error(ErrorCode::kInvalidInput,
                 "no " + what + " saved in " + o.out_dir +
                     (names.empty() ? std::string() : " (saved: " + names + ")"));
  }
  return Error(ErrorCode::kInvalidInput,
               "several hubs saved in " + o.out_dir + " (" + names + "); give --hub");
}

int readEvents(const InspectOptions& o, std::ostream& out, std::ostream& err) {
  if (o.what == InspectWhat::kEventHub && (o.namespace_name.empty() || o.hub.empty())) {
    return fail(err, "eventhub: give --namespace and --hub");
  }
  auto saved = findHub(o);
  if (!saved.ok()) return fail(err, saved.error().message());
  auto hub = endpoints::eventhubs::loadEventHub(saved->dir);
  if (!hub.ok()) return fail(err, hub.error().message());
  const auto& h = **hub;
  auto from = o.from.empty() ? Result<endpoints::eventhubs::EventPosition>(
                                   endpoints::eventhubs::EventPosition::earliest())
                             : endpoints::eventhubs::parseEventPosition(o.from, h.context());
  if (!from.ok()) return fail(err, "--from: " + from.error().message());
  if (o.partition && *o.partition >= h.partitionCount()) {
    return fail(err, "--partition " + std::to_string(*o.partition) + ": the hub has " +
                         std::to_string(h.partitionCount()) + " partitions (0-" +
                         std::to_string(h.partitionCount() - 1) + ")");
  }
  if (o.consumer_group && !h.hasConsumerGroup(*o.consumer_group)) {
    return fail(err, "no consumer group '" + *o.consumer_group + "' on " + saved->dir.string());
  }
  size_t left = limitOf(o);
  size_t printed = 0;
  uint32_t first = o.partition.value_or(0);
  uint32_t last = o.partition ? *o.partition + 1 : h.partitionCount();
  for (uint32_t p = first; p < last && left > 0; ++p) {
    if (o.consumer_group && !o.from.empty()) {
      Status moved = (*hub)->seek(*o.consumer_group, p, *from);
      if (!moved.ok()) return fail(err, moved.error().message());
    }
    Result<std::vector<endpoints::eventhubs::EventData>> events =
        o.consumer_group ? (*hub)->receive(*o.consumer_group, p, left) : h.read(p, *from, left);
    if (!events.ok()) {
      return fail(err, "partition " + std::to_string(p) + ": " + events.error().message());
    }
    for (const auto& e : *events) {
      std::string line = "{\"partition\":" + std::to_string(p) + ",";
      std::string event = endpoints::eventhubs::eventToJson(e);
      line.append(event, 1, std::string::npos);
      out << line << '\n';
    }
    printed += events->size();
    left -= events->size();
  }
  err << printed << " event(s) from " << saved->dir.string() << '\n';
  return kExitOk;
}

int readQueue(const InspectOptions& o, std::ostream& out, std::ostream& err) {
  if (o.namespace_name.empty()) return fail(err, "give --namespace");
  std::string path;
  if (o.what == InspectWhat::kQueue) {
    if (o.queue.empty()) return fail(err, "queue: give --queue");
    path = o.queue;
  } else {
    if (o.topic.empty() || o.subscription.empty()) {
      return fail(err, "subscription: give --topic and --subscription");
    }
    path = o.topic + "/Subscriptions/" + o.subscription;
  }
  fs::path dir =
      fs::path(o.out_dir) / "servicebus" / endpoints::servicebus::encodeFileName(o.namespace_name);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail(err,
                dir.string() + ": no Service Bus namespace '" + o.namespace_name + "' saved here");
  }
  auto ns = endpoints::servicebus::loadNamespace(dir);
  if (!ns.ok()) return fail(err, ns.error().message());
  const endpoints::servicebus::EntitySnapshot* found = ns->find(path);
  if (found == nullptr || found->kind == endpoints::servicebus::EntityKind::kTopic) {
    return fail(err, "no " + std::string(o.what == InspectWhat::kQueue ? "queue" : "subscription") +
                         " '" + path + "' in namespace '" + o.namespace_name + "'");
  }
  auto& entity = ns->entities[static_cast<size_t>(found - ns->entities.data())];
  auto& messages = o.dead_letter ? entity.dead_letters : entity.active;
  size_t n = std::min(messages.size(), limitOf(o));
  for (size_t i = 0; i < n; ++i) out << endpoints::servicebus::messageToJson(messages[i]) << '\n';
  std::string where = path + (o.dead_letter ? "/$DeadLetterQueue" : "");
  if (o.receive && n > 0) {
    messages.erase(messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(n));
    Status saved = endpoints::servicebus::saveSnapshot(*ns, o.out_dir);
    if (!saved.ok()) return fail(err, saved.error().message());
    err << n << " message(s) received and deleted from " << where << ", " << messages.size()
        << " left\n";
  } else {
    err << n << " of " << messages.size() << " message(s) in " << where << " (peeked)\n";
  }
  return kExitOk;
}

int showHealth(const InspectOptions& o, std::ostream& out, std::ostream& err) {
  fs::path file = fs::path(o.out_dir) / "health.json";
  auto text = readFile(file.string());
  if (!text.ok()) return fail(err, text.error().message());
  auto rows = endpoints::readEndpointHealthJson(*text);
  if (!rows.ok()) return fail(err, file.string() + ": " + rows.error().message());
  if (o.json) {
    out << *text;
    if (!text->empty() && text->back() != '\n') out << '\n';
    return kExitOk;
  }
  out << "endpoint              status      last known error\n";
  for (const auto& r : *rows) {
    pad(out, "  " + r.endpoint_id, 22);
    pad(out, r.health_status, 12);
    out << (r.last_known_error.empty() ? "-" : r.last_known_error);
    if (!r.last_known_error_time.empty()) out << " at " << r.last_known_error_time;
    out << '\n';
    if (!r.last_known_error_detail.empty()) out << "      " << r.last_known_error_detail << '\n';
  }
  return kExitOk;
}

}  // namespace

int runInspect(const InspectOptions& options, std::ostream& out, std::ostream& err) {
  if (!checkOutDir(options, err)) return kExitBadInput;
  switch (options.what) {
    case InspectWhat::kBlobs:
      return listBlobs(options, out, err);
    case InspectWhat::kBlob:
      return printBlob(options, out, err);
    case InspectWhat::kEventHub:
    case InspectWhat::kEvents:
      return readEvents(options, out, err);
    case InspectWhat::kQueue:
    case InspectWhat::kSubscription:
      return readQueue(options, out, err);
    case InspectWhat::kHealth:
      return showHealth(options, out, err);
  }
  return kExitBadInput;
}

}  // namespace routesim::cli
