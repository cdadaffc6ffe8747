// Service Bus entities on disk, for reading back from another process (`routesim inspect`):
//   <out>/servicebus/<namespace>/namespace.json      name, sku and every entity (path, kind,
//                                                     status, counts, size, its file)
//   <out>/servicebus/<namespace>/queues/<queue>.ndjson
//   <out>/servicebus/<namespace>/topics/<topic>/<subscription>.ndjson
// One message per line (messageToJson), the active messages in order, then the dead-lettered
// ones, which carry "SubQueue":"DeadLetter". Names are percent-encoded where a file name cannot
// hold them ('/', '\', '%', control characters, a leading '.'). Every file is written to a
// temporary name and renamed, entity files before namespace.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "endpoints/servicebus/servicebus_namespace.h"

namespace routesim::endpoints::servicebus {

struct EntitySnapshot {
  std::string path;  // as Namespace::find takes it: "orders", "alerts/Subscriptions/all"
  EntityKind kind = EntityKind::kQueue;
  EntityStatus status = EntityStatus::kActive;
  std::vector<BrokeredMessage> active;        // queues and subscriptions; in order
  std::vector<BrokeredMessage> dead_letters;  // their dead-letter sub-queues; in order

  bool holdsMessages() const { return kind != EntityKind::kTopic; }
};

struct NamespaceSnapshot {
  std::string name;
  std::string sku;
  std::vector<EntitySnapshot> entities;  // queues, then each topic followed by its subscriptions

  // The entity at `path` (letter case ignored), or null.
  const EntitySnapshot* find(std::string_view path) const;
};

// Every entity's messages now. Each queue or subscription is read under its own lock (with its
// dead-letter sub-queue), one after the other; thread-safe while the namespace is in use.
NamespaceSnapshot snapshotNamespace(const Namespace& ns);

// <out>/servicebus/<encoded namespace name>
std::filesystem::path namespaceDir(const std::filesystem::path& out_dir,
                                   std::string_view namespace_name);

// Writes `snapshot` under namespaceDir(out_dir, snapshot.name), replacing what an earlier save
// wrote there (entity files no longer listed are removed). Saves in one process are serialized.
// ErrorCode::kIo naming the file on failure.
Status saveSnapshot(const NamespaceSnapshot& snapshot, const std::filesystem::path& out_dir);
// saveSnapshot(snapshotNamespace(ns), out_dir).
Status saveNamespace(const Namespace& ns, const std::filesystem::path& out_dir);

// Reads a namespace folder written by saveNamespace (namespaceDir(out, name)). Errors name the
// file and where in it: "<file>:<line>:<column>: <what was expected>" (kInvalidInput), or the
// file and the reason it could not be read (kIo). An entity file whose message counts differ
// from namespace.json's is an error (a truncated or mixed save).
Result<NamespaceSnapshot> loadNamespace(const std::filesystem::path& dir);

// Every namespace under <out_dir>/servicebus, by folder name; none (or no such folder): empty.
// Folders without namespace.json are skipped.
Result<std::vector<NamespaceSnapshot>> loadNamespaces(const std::filesystem::path& out_dir);

// A file-name-safe form of an entity name ('/' -> %2F, '%' -> %25; '\', control characters and
// a leading '.' as %XX) and back (a '%' not followed by two hex digits is kept as it is).
std::string encodeFileName(std::string_view name);
std::string decodeFileName(std::string_view name);

}  // namespace routesim::endpoints::servicebus
