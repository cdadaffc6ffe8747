#include "endpoints/servicebus/persistence.h"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <set>
#include <system_error>

#include "core/common/diagnostic.h"
#include "core/common/file_io.h"
#include "core/common/json.h"
#include "core/common/utf.h"

namespace routesim::endpoints::servicebus {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNamespaceFile = "namespace.json";
constexpr std::string_view kDeadLetterSubQueue = "DeadLetter";
constexpr int64_t kFormatVersion = 1;

// The entity file of `e`, relative to the namespace folder ('/' separated); empty for a topic.
std::string entityFile(const EntitySnapshot& e) {
  if (!e.holdsMessages()) return "";
  if (e.kind == EntityKind::kQueue) return "queues/" + encodeFileName(e.path) + ".ndjson";
  // "<topic>/Subscriptions/<subscription>"; the topic name may itself hold '/'.
  constexpr std::string_view kSegment = "/Subscriptions/";
  size_t at = e.path.rfind(kSegment);
  std::string topic = e.path.substr(0, at);
  std::string sub = at == std::string::npos ? e.path : e.path.substr(at + kSegment.size());
  return "topics/" + encodeFileName(topic) + "/" + encodeFileName(sub) + ".ndjson";
}

uint64_t bytesOf(const std::vector<BrokeredMessage>& messages) {
  uint64_t n = 0;
  for (const BrokeredMessage& m : messages) n += messageSize(m);
  return n;
}

Status writeAtomically(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return Error(ErrorCode::kIo, path.parent_path().string() + ": cannot create: " + ec.message());
  fs::path tmp = path;
  tmp += ".tmp";
  ROUTESIM_RETURN_IF_ERROR(writeFile(tmp.string(), bytes));
  fs::rename(tmp, path, ec);
  if (ec) return Error(ErrorCode::kIo, path.string() + ": cannot replace: " + ec.message());
  return {};
}

std::string entityLines(const EntitySnapshot& e) {
  std::string out;
  for (const BrokeredMessage& m : e.active) {
    out += messageToJson(m);
    out.push_back('\n');
  }
  for (const BrokeredMessage& m : e.dead_letters) {
    std::string line = messageToJson(m);
    line.insert(1, "\"SubQueue\":\"DeadLetter\",");
    out += line;
    out.push_back('\n');
  }
  return out;
}

std::string namespaceJson(const NamespaceSnapshot& s) {
  std::string out = "{\n  \"formatVersion\": " + std::to_string(kFormatVersion);
  out += ",\n  \"name\": ";
  json::appendQuoted(out, s.name);
  out += ",\n  \"sku\": ";
  json::appendQuoted(out, s.sku);
  out += ",\n  \"entities\": [";
  for (size_t i = 0; i < s.entities.size(); ++i) {
    const EntitySnapshot& e = s.entities[i];
    out += i == 0 ? "\n    {\"path\": " : ",\n    {\"path\": ";
    json::appendQuoted(out, e.path);
    out += ", \"kind\": \"" + std::string(entityKindName(e.kind)) + "\"";
    out += ", \"status\": \"" + std::string(entityStatusName(e.status)) + "\"";
    if (e.holdsMessages()) {
      out += ", \"file\": ";
      json::appendQuoted(out, entityFile(e));
      out += ", \"activeMessageCount\": " + std::to_string(e.active.size());
      out += ", \"deadLetterMessageCount\": " + std::to_string(e.dead_letters.size());
      out += ", \"sizeInBytes\": " + std::to_string(bytesOf(e.active) + bytesOf(e.dead_letters));
    }
    out += "}";
  }
  out += s.entities.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

// Removes *.ndjson (and leftover *.tmp) files under `dir`/queues and `dir`/topics that this save
// did not write, then empty topic folders. Best effort: a file that cannot be removed stays.
void removeStale(const fs::path& dir, const std::set<std::string>& written) {
  std::error_code ec;
  for (std::string_view sub : {"queues", "topics"}) {
    fs::path root = dir / sub;
    if (!fs::is_directory(root, ec)) continue;
    std::vector<fs::path> stale;
    std::vector<fs::path> folders;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec)) {
        folders.push_back(it->path());
        continue;
      }
      std::string rel = fs::relative(it->path(), dir, ec).generic_string();
      bool ours = it->path().extension() == ".ndjson" || it->path().extension() == ".tmp";
      if (ours && written.count(rel) == 0) stale.push_back(it->path());
    }
    for (const fs::path& p : stale) fs::remove(p, ec);
    std::sort(folders.rbegin(), folders.rend());  // deepest first
    for (const fs::path& p : folders) {
      if (fs::is_empty(p, ec)) fs::remove(p, ec);
    }
  }
}

// --- reading -----------------------------------------------------------------------------------

// An error at byte `offset` of `text` in `file`: "<file>:<line>:<column>: <message>".
Error errorIn(const std::string& file, std::string_view text, size_t offset,
              std::string_view message) {
  LineColumn lc = locate(text, offset);
  return Error(ErrorCode::kInvalidInput, file + ":" + std::to_string(lc.line) + ":" +
                                             std::to_string(lc.column) + ": " +
                                             std::string(message));
}

const json::Value* member(const json::Value& obj, std::string_view key) { return obj.find(key); }

Result<std::string> stringMember(const json::Value& obj, std::string_view key) {
  const json::Value* v = member(obj, key);
  if (v == nullptr || !v->is(json::Type::kString)) {
    return Error::at(ErrorCode::kInvalidInput, {obj.offset(), 1},
                     "expected \"" + std::string(key) + "\" to be a string");
  }
  return v->text();
}

Result<int64_t> countMember(const json::Value& obj, std::string_view key) {
  const json::Value* v = member(obj, key);
  int64_t n = -1;
  if (v != nullptr && v->is(json::Type::kNumber)) {
    const std::string& t = v->text();
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (ec != std::errc() || end != t.data() + t.size()) n = -1;
  }
  if (n < 0) {
    return Error::at(ErrorCode::kInvalidInput, {(v ? v : &obj)->offset(), 1},
                     "expected \"" + std::string(key) + "\" to be a count (an integer >= 0)");
  }
  return n;
}

Result<EntityKind> kindMember(const json::Value& obj) {
  ROUTESIM_ASSIGN_OR_RETURN(std::string name, stringMember(obj, "kind"));
  for (EntityKind k : {EntityKind::kQueue, EntityKind::kTopic, EntityKind::kSubscription}) {
    if (name == entityKindName(k)) return k;
  }
  return Error::at(ErrorCode::kInvalidInput, {member(obj, "kind")->offset(), 1},
                   "expected \"kind\" to be Queue, Topic or Subscription, found '" + name + "'");
}

Result<EntityStatus> statusMember(const json::Value& obj) {
  ROUTESIM_ASSIGN_OR_RETURN(std::string name, stringMember(obj, "status"));
  for (EntityStatus s : {EntityStatus::kActive, EntityStatus::kDisabled,
                         EntityStatus::kSendDisabled, EntityStatus::kReceiveDisabled}) {
    if (name == entityStatusName(s)) return s;
  }
  return Error::at(ErrorCode::kInvalidInput, {member(obj, "status")->offset(), 1},
                   "expected \"status\" to be Active, Disabled, SendDisabled or ReceiveDisabled, "
                   "found '" +
                       name + "'");
}

// A relative path inside the namespace folder: no root, no "..".
bool safeRelative(const std::string& file) {
  fs::path p(file);
  if (file.empty() || p.is_absolute() || p.has_root_name()) return false;
  for (const fs::path& part : p) {
    if (part == "..") return false;
  }
  return true;
}

// Reads the lines of one entity file into `e`.
Status readEntityFile(const fs::path& path, EntitySnapshot& e) {
  const std::string file = path.string();
  ROUTESIM_ASSIGN_OR_RETURN(std::string text, readFile(file));
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    const size_t line_start = at;
    at = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto where = [&](size_t offset_in_line, std::string_view message) {
      return errorIn(file, text, line_start + offset_in_line, message);
    };
    auto value = json::parse(line);
    if (!value.ok()) return where(value.error().span().offset, value.error().message());
    if (!value->is(json::Type::kObject)) return where(0, "expected a message (a JSON object)");
    bool dead = false;
    if (const json::Value* sq = value->find("SubQueue")) {
      if (!sq->is(json::Type::kString) || sq->text() != kDeadLetterSubQueue) {
        return where(sq->offset(), "expected \"SubQueue\" to be \"DeadLetter\" or absent");
      }
      dead = true;
    }
    auto m = messageFromJson(*value);
    if (!m.ok()) return where(m.error().span().offset, m.error().message());
    (dead ? e.dead_letters : e.active).push_back(std::move(m).value());
  }
  return {};
}

}  // namespace

const EntitySnapshot* NamespaceSnapshot::find(std::string_view path) const {
  for (const EntitySnapshot& e : entities) {
    if (utf::equalsIgnoreCase(e.path, path)) return &e;
  }
  return nullptr;
}

std::string encodeFileName(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c == '/' || c == '%' || c == '\\' || c < 0x20 || c == 0x7F || (i == 0 && c == '.')) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string decodeFileName(std::string_view name) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size() && hex(name[i + 1]) >= 0 && hex(name[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(name[i + 1]) * 16 + hex(name[i + 2])));
      i += 2;
    } else {
      out.push_back(name[i]);
    }
  }
  return out;
}

NamespaceSnapshot snapshotNamespace(const Namespace& ns) {
  NamespaceSnapshot s;
  s.name = ns.name();
  s.sku = ns.sku();
  auto add = [&](const Queue& q) {
    EntitySnapshot e;
    e.path = q.path();
    e.kind = q.kind();
    e.status = q.status();
    Queue::Contents c = q.contents();
    e.active = std::move(c.active);
    e.dead_letters = std::move(c.dead_letters);
    s.entities.push_back(std::move(e));
  };
  for (const auto& q : ns.queues()) add(*q);
  for (const auto& t : ns.topics()) {
    EntitySnapshot e;
    e.path = t->path();
    e.kind = EntityKind::kTopic;
    e.status = t->status();
    s.entities.push_back(std::move(e));
    for (const auto& sub : t->subscriptions()) add(*sub);
  }
  return s;
}

fs::path namespaceDir(const fs::path& out_dir, std::string_view namespace_name) {
  return out_dir / "servicebus" / encodeFileName(namespace_name);
}

Status saveSnapshot(const NamespaceSnapshot& snapshot, const fs::path& out_dir) {
  // Two endpoints on one namespace may flush at once: one save at a time keeps namespace.json
  // and the entity files from different saves apart.
  static std::mutex save_mutex;
  std::lock_guard<std::mutex> guard(save_mutex);
  const fs::path dir = namespaceDir(out_dir, snapshot.name);
  std::set<std::string> written;
  for (const EntitySnapshot& e : snapshot.entities) {
    if (!e.holdsMessages()) continue;
    std::string file = entityFile(e);
    ROUTESIM_RETURN_IF_ERROR(writeAtomically(dir / file, entityLines(e)));
    written.insert(std::move(file));
  }
  ROUTESIM_RETURN_IF_ERROR(writeAtomically(dir / kNamespaceFile, namespaceJson(snapshot)));
  removeStale(dir, written);
  return {};
}

Status saveNamespace(const Namespace& ns, const fs::path& out_dir) {
  return saveSnapshot(snapshotNamespace(ns), out_dir);
}

Result<NamespaceSnapshot> loadNamespace(const fs::path& dir) {
  const std::string file = (dir / kNamespaceFile).string();
  ROUTESIM_ASSIGN_OR_RETURN(std::string text, readFile(file));
  // Errors below carry a byte offset into `text` as their span.
  auto located = [&](const Error& e) {
    return errorIn(file, text, e.hasSpan() ? e.span().offset : 0, e.message());
  };
  auto root = json::parse(text);
  if (!root.ok()) return located(root.error());
  if (!root->is(json::Type::kObject)) return errorIn(file, text, 0, "expected a JSON object");
  auto version = countMember(*root, "formatVersion");
  if (!version.ok()) return located(version.error());
  if (*version != kFormatVersion) {
    return errorIn(file, text, root->find("formatVersion")->offset(),
                   "unsupported formatVersion " + std::to_string(*version) + " (expected " +
                       std::to_string(kFormatVersion) + ")");
  }
  NamespaceSnapshot s;
  auto name = stringMember(*root, "name");
  if (!name.ok()) return located(name.error());
  s.name = std::move(name).value();
  auto sku = stringMember(*root, "sku");
  if (!sku.ok()) return located(sku.error());
  s.sku = std::move(sku).value();
  const json::Value* entities = root->find("entities");
  if (entities == nullptr || !entities->is(json::Type::kArray)) {
    return errorIn(file, text, entities ? entities->offset() : root->offset(),
                   "expected \"entities\" to be an array");
  }
  for (const json::Value& ev : entities->items()) {
    if (!ev.is(json::Type::kObject)) return errorIn(file, text, ev.offset(), "expected an entity");
    EntitySnapshot e;
    auto path = stringMember(ev, "path");
    if (!path.ok()) return located(path.error());
    e.path = std::move(path).value();
    auto kind = kindMember(ev);
    if (!kind.ok()) return located(kind.error());
    e.kind = *kind;
    auto status = statusMember(ev);
    if (!status.ok()) return located(status.error());
    e.status = *status;
    if (e.holdsMessages()) {
      auto rel = stringMember(ev, "file");
      if (!rel.ok()) return located(rel.error());
      if (!safeRelative(*rel)) {
        return errorIn(
            file, text, ev.find("file")->offset(),
            "expected \"file\" to be a path inside " + dir.string() + ", found '" + *rel + "'");
      }
      auto active = countMember(ev, "activeMessageCount");
      if (!active.ok()) return located(active.error());
      auto dead = countMember(ev, "deadLetterMessageCount");
      if (!dead.ok()) return located(dead.error());
      ROUTESIM_RETURN_IF_ERROR(readEntityFile(dir / *rel, e));
      if (e.active.size() != static_cast<size_t>(*active) ||
          e.dead_letters.size() != static_cast<size_t>(*dead)) {
        return errorIn(file, text, ev.offset(),
                       "entity '" + e.path + "' lists " + std::to_string(*active) + " active and " +
                           std::to_string(*dead) + " dead-lettered messages, but " +
                           (dir / *rel).string() + " holds " + std::to_string(e.active.size()) +
                           " and " + std::to_string(e.dead_letters.size()) +
                           " (a truncated file, or one from another save)");
      }
    }
    s.entities.push_back(std::move(e));
  }
  return s;
}

Result<std::vector<NamespaceSnapshot>> loadNamespaces(const fs::path& out_dir) {
  std::vector<NamespaceSnapshot> out;
  const fs::path root = out_dir / "servicebus";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  std::vector<fs::path> dirs;
  for (auto it = fs::directory_iterator(root, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec) && fs::exists(it->path() / kNamespaceFile, ec)) {
      dirs.push_back(it->path());
    }
  }
  if (ec) return Error(ErrorCode::kIo, root.string() + ": cannot list: " + ec.message());
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& d : dirs) {
    ROUTESIM_ASSIGN_OR_RETURN(NamespaceSnapshot s, loadNamespace(d));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace routesim::endpoints::servicebus
