#include "endpoints/eventhubs/persistence.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <system_error>
#include <thread>

#include "core/common/base64.h"
#include "core/common/duration.h"
#include "core/common/file_io.h"
#include "core/common/json.h"
#include "core/common/utf.h"

namespace routesim::endpoints::eventhubs {
namespace {

constexpr std::string_view kHubFile = "eventhub.json";
constexpr int kFormatVersion = 1;
// The largest sequence number or offset a file may hold: far beyond any run, with room to count
// on without overflow.
constexpr int64_t kMaxPosition = int64_t{1} << 62;

std::string partitionFile(uint32_t partition) {
  return "partition-" + std::to_string(partition) + ".ndjson";
}

// `s` as a JSON string; invalid UTF-8 bytes become U+FFFD so the output stays valid JSON.
void appendString(std::string& out, std::string_view s) {
  if (utf::isValidUtf8(s)) {
    json::appendQuoted(out, s);
    return;
  }
  std::string clean;
  clean.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) utf::append(clean, utf::decode(s, i));
  json::appendQuoted(out, clean);
}

void appendProperties(std::string& out, const PropertyList& list) {
  out.push_back('{');
  bool first = true;
  for (const auto& [name, value] : list) {
    if (!first) out.push_back(',');
    first = false;
    appendString(out, name);
    out.push_back(':');
    if (value) {
      appendString(out, *value);
    } else {
      out += "null";
    }
  }
  out.push_back('}');
}

template <typename Int>
void appendInt(std::string& out, Int v) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
}

// --- reading -----------------------------------------------------------------------------------

Error malformed(std::string_view what) {
  return Error(ErrorCode::kInvalidInput, std::string(what));
}

// An integer member written by this file (exact: read from the number's text, not a double).
Result<int64_t> intField(const json::Value& obj, std::string_view key) {
  const json::Value* v = obj.find(key);
  if (v == nullptr || !v->is(json::Type::kNumber)) {
    return malformed("'" + std::string(key) + "' must be an integer");
  }
  const std::string& text = v->text();
  int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return malformed("'" + std::string(key) + "' must be an integer, found " + text);
  }
  return out;
}

Result<std::string> stringField(const json::Value& obj, std::string_view key,
                                bool nullable = false) {
  const json::Value* v = obj.find(key);
  if (nullable && (v == nullptr || v->is(json::Type::kNull))) return std::string();
  if (v == nullptr || !v->is(json::Type::kString)) {
    return malformed("'" + std::string(key) + "' must be a string");
  }
  return v->text();
}

Result<PropertyList> propertiesField(const json::Value& obj, std::string_view key) {
  const json::Value* v = obj.find(key);
  if (v == nullptr || !v->is(json::Type::kObject)) {
    return malformed("'" + std::string(key) + "' must be an object");
  }
  PropertyList out;
  out.reserve(v->members().size());
  for (const json::Member& m : v->members()) {
    if (m.value->is(json::Type::kNull)) {
      out.emplace_back(m.key, std::nullopt);
    } else if (m.value->is(json::Type::kString)) {
      out.emplace_back(m.key, m.value->text());
    } else {
      return malformed("'" + std::string(key) + "." + m.key + "' must be a string or null");
    }
  }
  return out;
}

// "<path>.tmp-<pid>-<n>": a name no other save (thread or process) writes at the same time.
std::filesystem::path temporaryPath(const std::filesystem::path& path) {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
  return tmp;
}

Status replace(const std::filesystem::path& tmp, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Error(ErrorCode::kIo, path.string() + ": cannot replace: " + ec.message());
  }
  return {};
}

Status writeAtomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path tmp = temporaryPath(path);
  ROUTESIM_RETURN_IF_ERROR(writeFile(tmp.string(), bytes));
  return replace(tmp, path);
}

// The counters of a partition whose file ends with `last`, past what eventhub.json says (a
// partition written by a save whose eventhub.json was not written yet).
PartitionCursor cursorAfter(const EventData& last) {
  PartitionCursor c;
  c.next_sequence_number = last.sequence_number + 1;
  c.last_offset = last.offset;
  c.next_offset = last.offset + static_cast<int64_t>(eventSize(last));
  c.last_enqueued_ns = last.enqueued_ns;
  c.last_enqueued_time_utc = last.enqueued_time_utc;
  return c;
}

struct HubHeader {
  EventHubConfig config;
  std::string namespace_name;
  EmulatorContext context;
  std::vector<std::string> group_names;                          // as saved
  std::vector<std::vector<std::optional<int64_t>>> checkpoints;  // [group][partition]
  std::vector<PartitionCursor> cursors;
};

Result<std::optional<int64_t>> optionalInt(const json::Value& v) {
  if (v.is(json::Type::kNull)) return std::optional<int64_t>();
  int64_t n = 0;
  const std::string& t = v.text();
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (!v.is(json::Type::kNumber) || ec != std::errc() || end != t.data() + t.size()) {
    return malformed("a checkpoint must be an integer or null");
  }
  return std::optional<int64_t>(n);
}

Result<PartitionCursor> readCursor(const json::Value& pv) {
  if (!pv.is(json::Type::kObject)) return malformed("a partition must be an object");
  PartitionCursor c;
  ROUTESIM_ASSIGN_OR_RETURN(c.next_sequence_number, intField(pv, "nextSequenceNumber"));
  ROUTESIM_ASSIGN_OR_RETURN(c.next_offset, intField(pv, "nextOffset"));
  ROUTESIM_ASSIGN_OR_RETURN(c.last_offset, intField(pv, "lastEnqueuedOffset"));
  ROUTESIM_ASSIGN_OR_RETURN(int64_t ns, intField(pv, "lastEnqueuedNs"));
  c.last_enqueued_ns = static_cast<uint64_t>(ns);
  ROUTESIM_ASSIGN_OR_RETURN(c.last_enqueued_time_utc, stringField(pv, "lastEnqueuedTimeUtc"));
  if (c.next_sequence_number < 0 || c.next_offset < 0 || ns < 0 ||
      c.next_sequence_number > kMaxPosition || c.next_offset > kMaxPosition) {
    return malformed("a partition's counters must be between 0 and 2^62");
  }
  return c;
}

Result<HubHeader> readHeader(std::string_view text) {
  ROUTESIM_ASSIGN_OR_RETURN(json::Value root, json::parse(text));
  if (!root.is(json::Type::kObject)) return malformed("expected a JSON object");
  ROUTESIM_ASSIGN_OR_RETURN(int64_t version, intField(root, "formatVersion"));
  if (version != kFormatVersion) {
    return malformed("unsupported formatVersion " + std::to_string(version));
  }
  HubHeader h;
  ROUTESIM_ASSIGN_OR_RETURN(h.config.name, stringField(root, "name"));
  ROUTESIM_ASSIGN_OR_RETURN(h.namespace_name, stringField(root, "namespace"));
  ROUTESIM_ASSIGN_OR_RETURN(int64_t partitions, intField(root, "partitionCount"));
  ROUTESIM_ASSIGN_OR_RETURN(int64_t retention, intField(root, "retentionNs"));
  ROUTESIM_ASSIGN_OR_RETURN(h.config.status, stringField(root, "status"));
  ROUTESIM_ASSIGN_OR_RETURN(int64_t max_bytes, intField(root, "maxEventBytes"));
  ROUTESIM_ASSIGN_OR_RETURN(h.context.utc_at_zero_ns, intField(root, "utcAtZeroNs"));
  if (partitions < 1 || partitions > kMaxPartitionCount || retention <= 0 || max_bytes <= 0 ||
      max_bytes > std::numeric_limits<uint32_t>::max()) {
    return malformed("partitionCount, retentionNs or maxEventBytes out of range");
  }
  h.config.partition_count = static_cast<uint32_t>(partitions);
  h.config.retention_ns = static_cast<uint64_t>(retention);
  h.config.max_event_bytes = static_cast<uint32_t>(max_bytes);

  const json::Value* groups = root.find("consumerGroups");
  if (groups == nullptr || !groups->is(json::Type::kArray)) {
    return malformed("'consumerGroups' must be an array");
  }
  for (const json::Value& g : groups->items()) {
    if (!g.is(json::Type::kObject)) return malformed("a consumer group must be an object");
    ROUTESIM_ASSIGN_OR_RETURN(std::string name, stringField(g, "name"));
    const json::Value* cps = g.find("checkpoints");
    if (cps == nullptr || !cps->is(json::Type::kArray) ||
        cps->items().size() != static_cast<size_t>(partitions)) {
      return malformed("consumer group '" + name +
                       "': 'checkpoints' must be an array with one entry per partition");
    }
    std::vector<std::optional<int64_t>> row;
    for (const json::Value& cp : cps->items()) {
      ROUTESIM_ASSIGN_OR_RETURN(auto n, optionalInt(cp));
      row.push_back(n);
    }
    if (!utf::equalsIgnoreCase(name, kDefaultConsumerGroup)) {
      h.config.consumer_groups.push_back(name);
    }
    h.group_names.push_back(std::move(name));
    h.checkpoints.push_back(std::move(row));
  }

  const json::Value* parts = root.find("partitions");
  if (parts == nullptr || !parts->is(json::Type::kArray) ||
      parts->items().size() != static_cast<size_t>(partitions)) {
    return malformed("'partitions' must be an array with one entry per partition");
  }
  for (size_t p = 0; p < parts->items().size(); ++p) {
    auto c = readCursor(parts->items()[p]);
    if (!c.ok()) return c.error().withContext("partition " + std::to_string(p) + ": ");
    h.cursors.push_back(std::move(c).value());
  }
  return h;
}

}  // namespace

std::filesystem::path eventHubDir(const std::filesystem::path& out, std::string_view namespace_name,
                                  std::string_view hub_name) {
  return out / "eventhubs" / std::string(namespace_name) / std::string(hub_name);
}

std::filesystem::path builtinEventsDir(const std::filesystem::path& out,
                                       std::string_view hub_name) {
  return out / "iothub" / std::string(hub_name) / "events";
}

void appendEventJson(std::string& out, const EventData& e) {
  out += "{\"sequenceNumber\":";
  appendInt(out, e.sequence_number);
  out += ",\"offset\":";
  appendInt(out, e.offset);
  out += ",\"enqueuedTimeUtc\":";
  appendString(out, e.enqueued_time_utc);
  out += ",\"enqueuedNs\":";
  appendInt(out, e.enqueued_ns);
  out += ",\"partitionKey\":";
  if (e.partition_key.empty()) {
    out += "null";
  } else {
    appendString(out, e.partition_key);
  }
  out += ",\"properties\":";
  appendProperties(out, e.properties);
  out += ",\"systemProperties\":";
  appendProperties(out, e.system_properties);
  out += ",\"body\":\"";
  base64::append(out, e.body);
  out.push_back('"');
  if (utf::isValidUtf8(e.body)) {
    out += ",\"bodyText\":";
    json::appendQuoted(out, e.body);
  }
  out.push_back('}');
}

std::string eventToJson(const EventData& event) {
  std::string out;
  out.reserve(event.body.size() * 2 + 256);
  appendEventJson(out, event);
  return out;
}

Result<EventData> eventFromJson(std::string_view line) {
  ROUTESIM_ASSIGN_OR_RETURN(json::Value v, json::parse(line));
  if (!v.is(json::Type::kObject)) return malformed("an event must be a JSON object");
  EventData e;
  ROUTESIM_ASSIGN_OR_RETURN(e.sequence_number, intField(v, "sequenceNumber"));
  ROUTESIM_ASSIGN_OR_RETURN(e.offset, intField(v, "offset"));
  if (e.sequence_number < 0 || e.sequence_number > kMaxPosition || e.offset < 0 ||
      e.offset > kMaxPosition) {
    return malformed("'sequenceNumber' and 'offset' must be between 0 and 2^62");
  }
  ROUTESIM_ASSIGN_OR_RETURN(e.enqueued_time_utc, stringField(v, "enqueuedTimeUtc"));
  ROUTESIM_ASSIGN_OR_RETURN(int64_t ns, intField(v, "enqueuedNs"));
  if (ns < 0) return malformed("'enqueuedNs' must not be negative");
  e.enqueued_ns = static_cast<uint64_t>(ns);
  ROUTESIM_ASSIGN_OR_RETURN(e.partition_key, stringField(v, "partitionKey", /*nullable=*/true));
  ROUTESIM_ASSIGN_OR_RETURN(e.properties, propertiesField(v, "properties"));
  ROUTESIM_ASSIGN_OR_RETURN(e.system_properties, propertiesField(v, "systemProperties"));
  ROUTESIM_ASSIGN_OR_RETURN(std::string body64, stringField(v, "body"));
  size_t bad = 0;
  auto body = base64::decode(body64, &bad);
  if (!body) return malformed("'body' is not base64 (offset " + std::to_string(bad) + ")");
  e.body = std::move(*body);
  return e;
}

// One partition's file while a StreamingSave writes it.
struct StreamingSave::PartitionFile {
  std::filesystem::path path;
  std::filesystem::path tmp;
  std::ofstream out;
  std::string buffer;
  int64_t first = 0;  // the sequence number of the first event written (when written > 0)
  int64_t next = 0;   // where the next catch-up starts
  uint64_t written = 0;
  uint64_t generation = 0;
  bool stale = false;  // events written have expired or were replaced: finish() starts again
  Status status;       // the first write error

  // Encodes `e` after the events written so far.
  void add(const EventData& e) {
    if (written++ == 0) first = e.sequence_number;
    next = e.sequence_number + 1;
    appendEventJson(buffer, e);
    buffer.push_back('\n');
    if (buffer.size() >= (size_t{1} << 20)) flushBuffer();
  }

  void flushBuffer() {
    if (status.ok()) {
      if (!out.is_open()) {
        out.open(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
          status = Error(ErrorCode::kIo, tmp.string() + ": cannot create: " + std::strerror(errno));
      }
      if (out.is_open()) {
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        if (!out) {
          status = Error(ErrorCode::kIo, tmp.string() + ": write failed: " + std::strerror(errno));
        }
      }
    }
    buffer.clear();
  }

  // Drops what was written: the next catch-up starts from the first retained event.
  void restart() {
    if (out.is_open()) out.close();
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    buffer.clear();
    first = next = 0;
    written = 0;
    stale = false;
  }

  // Whether the events written are still the partition's first retained ones (`state` read
  // with the partition's lock held).
  bool follows(const EventHub::PartitionState& state) const {
    return written == 0 || (state.generation == generation && state.first_sequence_number == first);
  }
};

StreamingSave::StreamingSave(const EventHub& hub, std::filesystem::path dir)
    : hub_(hub), dir_(std::move(dir)) {
  for (uint32_t p = 0; p < hub.partitionCount(); ++p) {
    auto f = std::make_unique<PartitionFile>();
    f->path = dir_ / partitionFile(p);
    f->tmp = temporaryPath(f->path);
    partitions_.push_back(std::move(f));
  }
}

StreamingSave::~StreamingSave() {
  if (finished_) return;
  for (auto& f : partitions_) {
    if (f->out.is_open()) f->out.close();
    std::error_code ec;
    std::filesystem::remove(f->tmp, ec);
  }
}

Status StreamingSave::createFolder() {
  if (folder_created_) return {};
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error(ErrorCode::kIo, dir_.string() + ": cannot create: " + ec.message());
  folder_created_ = true;
  return {};
}

size_t StreamingSave::catchUp(size_t max_events) {
  if (finished_ || !createFolder().ok()) return 0;
  size_t visited = 0;
  for (uint32_t p = 0; p < partitions_.size(); ++p) {
    PartitionFile& f = *partitions_[p];
    if (f.stale || !f.status.ok()) continue;
    const uint64_t before = f.written;
    // Copied as stored under the partition's lock (the hub's writers wait that long), decoded
    // and encoded after it.
    auto state = hub_.copyEvents(p, f.next, max_events, copies_);
    if (!state.ok()) continue;
    hub_.forEachCopied(copies_, [&](const EventData& e) { f.add(e); });
    if (before == 0 && f.written > 0) f.generation = state->generation;
    // Events written before this call expired: the file would hold events the partition no
    // longer has. finish() writes this partition whole.
    if (before > 0 && !f.follows(*state)) f.stale = true;
    visited += static_cast<size_t>(f.written - before);
    f.flushBuffer();
  }
  return visited;
}

Status StreamingSave::finishPartition(uint32_t p, EventHub::PartitionState& state) {
  PartitionFile& f = *partitions_[p];
  bool complete = false;
  if (!f.stale && f.status.ok()) {
    // The tail, with the partition's lock held: the file and `state` agree.
    const bool caught_up = f.written > 0;
    auto tail = hub_.forEachEvent(p, f.next, std::numeric_limits<size_t>::max(),
                                  [&](const EventData& e) { f.add(e); });
    if (!tail.ok()) return std::move(tail).error();
    state = std::move(tail).value();
    // Written under one lock when nothing was before: complete whatever the generation.
    complete = !caught_up || f.follows(state);
  }
  if (!complete && f.status.ok()) {
    f.restart();
    auto all = hub_.forEachEvent(p, [&](const EventData& e) { f.add(e); });
    if (!all.ok()) return std::move(all).error();
    state = std::move(all).value();
  }
  f.flushBuffer();  // opens the file when nothing was written yet: an empty partition's
  if (f.out.is_open()) {
    f.out.close();
    if (!f.out && f.status.ok()) {
      f.status = Error(ErrorCode::kIo, f.tmp.string() + ": write failed: " + std::strerror(errno));
    }
  }
  if (!f.status.ok()) {
    std::error_code ec;
    std::filesystem::remove(f.tmp, ec);
    return f.status;
  }
  return replace(f.tmp, f.path);
}

Status StreamingSave::finish(unsigned threads) {
  if (finished_) return Error(ErrorCode::kInternal, "the save of this event hub is finished");
  ROUTESIM_RETURN_IF_ERROR(createFolder());
  // Partitions are independent files: finished in parallel, up to `threads` at once.
  const EventHub& hub = hub_;
  const std::filesystem::path& dir = dir_;
  const uint32_t partitions = hub.partitionCount();
  std::vector<EventHub::PartitionState> states(partitions);
  std::vector<Status> saved(partitions);
  if (threads == 0) threads = std::thread::hardware_concurrency();
  threads = std::max(1u, std::min(partitions, threads));
  std::atomic<uint32_t> next{0};
  auto work = [&] {
    for (uint32_t p; (p = next.fetch_add(1, std::memory_order_relaxed)) < partitions;)
      saved[p] = finishPartition(p, states[p]);
  };
  std::vector<std::thread> pool;
  for (uint32_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  finished_ = true;
  for (Status& s : saved) ROUTESIM_RETURN_IF_ERROR(std::move(s));

  const EventHubConfig& c = hub.config();
  std::string out = "{\n  \"formatVersion\": " + std::to_string(kFormatVersion);
  out += ",\n  \"name\": ";
  appendString(out, c.name);
  out += ",\n  \"namespace\": ";
  appendString(out, hub.namespaceName());
  out += ",\n  \"partitionCount\": " + std::to_string(c.partition_count);
  out += ",\n  \"messageRetention\": \"" + formatIsoDuration(c.retention_ns) + "\"";
  out += ",\n  \"retentionNs\": " + std::to_string(c.retention_ns);
  out += ",\n  \"status\": \"" + std::string(entityStatusName(hub.status())) + "\"";
  out += ",\n  \"maxEventBytes\": " + std::to_string(c.max_event_bytes);
  out += ",\n  \"utcAtZeroNs\": " + std::to_string(hub.context().utc_at_zero_ns);
  out += ",\n  \"consumerGroups\": [";
  for (size_t g = 0; g < c.consumer_groups.size(); ++g) {
    out += g == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ";
    appendString(out, c.consumer_groups[g]);
    out += ", \"checkpoints\": [";
    for (uint32_t p = 0; p < states.size(); ++p) {
      if (p > 0) out += ", ";
      const auto& cp = states[p].checkpoints[g];
      out += cp ? std::to_string(*cp) : "null";
    }
    out += "]}";
  }
  out += "\n  ],\n  \"partitions\": [";
  for (uint32_t p = 0; p < states.size(); ++p) {
    const PartitionCursor& cur = states[p].cursor;
    out += p == 0 ? "\n    " : ",\n    ";
    out += "{\"id\": " + std::to_string(p) + ", \"file\": \"" + partitionFile(p) + "\"";
    out += ", \"nextSequenceNumber\": " + std::to_string(cur.next_sequence_number);
    out += ", \"nextOffset\": " + std::to_string(cur.next_offset);
    out += ", \"lastEnqueuedOffset\": " + std::to_string(cur.last_offset);
    out += ", \"lastEnqueuedNs\": " + std::to_string(cur.last_enqueued_ns);
    out += ", \"lastEnqueuedTimeUtc\": ";
    appendString(out, cur.last_enqueued_time_utc);
    out += "}";
  }
  out += "\n  ]\n}\n";
  return writeAtomically(dir / kHubFile, out);
}

Status saveEventHub(const EventHub& hub, const std::filesystem::path& dir) {
  return StreamingSave(hub, dir).finish();
}

Result<std::shared_ptr<EventHub>> loadEventHub(const std::filesystem::path& dir) {
  const std::string hub_path = (dir / kHubFile).string();
  ROUTESIM_ASSIGN_OR_RETURN(std::string text, readFile(hub_path));
  auto header = readHeader(text);
  if (!header.ok()) return header.error().withContext(hub_path + ": ");
  HubHeader& h = *header;
  auto created = EventHub::create(h.config, h.context, h.namespace_name);
  if (!created.ok()) return created.error().withContext(hub_path + ": ");
  std::shared_ptr<EventHub> hub = std::move(created).value();
  // Checkpoint rows in the hub's group order ($Default first).
  std::vector<const std::vector<std::optional<int64_t>>*> by_group(hub->consumerGroups().size());
  for (size_t g = 0; g < by_group.size(); ++g) {
    for (size_t i = 0; i < h.group_names.size(); ++i) {
      if (utf::equalsIgnoreCase(hub->consumerGroups()[g], h.group_names[i])) {
        by_group[g] = &h.checkpoints[i];
      }
    }
    if (by_group[g] == nullptr || h.group_names.size() != by_group.size()) {
      return Error(ErrorCode::kInvalidInput,
                   hub_path + ": consumer groups must be unique and include $Default");
    }
  }

  for (uint32_t p = 0; p < h.config.partition_count; ++p) {
    EventHub::PartitionState state;
    state.cursor = h.cursors[p];
    for (const auto* row : by_group) state.checkpoints.push_back((*row)[p]);

    const std::string file = (dir / partitionFile(p)).string();
    ROUTESIM_ASSIGN_OR_RETURN(std::string lines, readFile(file));
    std::vector<EventData> events;
    size_t line_no = 0;
    for (size_t at = 0; at < lines.size();) {
      size_t end = lines.find('\n', at);
      if (end == std::string::npos) end = lines.size();
      std::string_view line(lines.data() + at, end - at);
      ++line_no;
      at = end + 1;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      auto event = eventFromJson(line);
      if (!event.ok()) {
        return event.error().withContext(file + ":" + std::to_string(line_no) + ": ");
      }
      events.push_back(std::move(event).value());
    }
    if (!events.empty() && events.back().sequence_number >= state.cursor.next_sequence_number) {
      state.cursor = cursorAfter(events.back());
    }
    Status restored = hub->restore(p, state, std::move(events));
    if (!restored.ok()) return restored.error().withContext(file + ": ");
  }
  return hub;
}

namespace {

// The sub-folders of `dir` in name order; none when `dir` does not exist.
Result<std::vector<std::filesystem::path>> subfolders(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) out.push_back(it->path());
  }
  if (ec) return Error(ErrorCode::kIo, dir.string() + ": cannot list: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

bool holdsHub(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir / kHubFile, ec);
}

}  // namespace

Result<std::vector<SavedEventHub>> findSavedEventHubs(const std::filesystem::path& out) {
  std::vector<SavedEventHub> found;
  ROUTESIM_ASSIGN_OR_RETURN(auto iot_hubs, subfolders(out / "iothub"));
  for (const std::filesystem::path& hub : iot_hubs) {
    if (holdsHub(hub / "events")) {
      found.push_back({true, hub.filename().string(), "events", hub / "events"});
    }
  }
  ROUTESIM_ASSIGN_OR_RETURN(auto namespaces, subfolders(out / "eventhubs"));
  for (const std::filesystem::path& ns : namespaces) {
    ROUTESIM_ASSIGN_OR_RETURN(auto hubs, subfolders(ns));
    for (const std::filesystem::path& hub : hubs) {
      if (holdsHub(hub)) {
        found.push_back({false, ns.filename().string(), hub.filename().string(), hub});
      }
    }
  }
  return found;
}

}  // namespace routesim::endpoints::eventhubs
