#include "endpoints/servicebus/persistence.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/file_io.h"

namespace routesim::endpoints::servicebus {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kSecond = kNsPerSecond;

// A folder of its own for one test in one process, removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view name)
      : path_(fs::temp_directory_path() /
              ("routesim-sbp-" + std::string(name) + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

NamespaceConfig config() {
  NamespaceConfig ns;
  ns.name = "contoso-sb";
  ns.sku = "Premium";
  QueueConfig q;
  q.name = "orders/eu";  // '/' is allowed in queue names
  q.max_delivery_count = 1;
  ns.queues.push_back(q);
  TopicConfig t;
  t.name = "telemetry";
  SubscriptionConfig all;
  all.name = "all";
  t.subscriptions.push_back(all);
  ns.topics.push_back(t);
  return ns;
}

BrokeredMessage msg(std::string id) {
  BrokeredMessage m;
  m.message_id = std::move(id);
  m.body = "{\"n\":1}";
  m.application_properties.set("level", std::string("hot"));
  m.application_properties.set("count", int64_t{3});
  return m;
}

// A namespace with two active messages in the queue (one locked), one dead-lettered, and a copy
// in the subscription.
std::shared_ptr<Namespace> populated() {
  auto ns = *Namespace::create(config(), 1704067200LL * 1'000'000'000LL);
  auto q = ns->findQueue("orders/eu");
  std::vector<BrokeredMessage> batch{msg("a"), msg("b"), msg("c")};
  EXPECT_EQ(q->send(batch, kSecond).accepted, 3u);
  auto got = q->receive(1, ReceiveMode::kPeekLock, 2 * kSecond);
  EXPECT_TRUE(q->abandon((*got)[0].lock_token, 2 * kSecond).ok());            // "a" dead-lettered
  EXPECT_EQ(q->receive(1, ReceiveMode::kPeekLock, 3 * kSecond)->size(), 1u);  // "b" locked
  BrokeredMessage binary = msg("bin");
  binary.body = std::string("\x00\xff", 2);
  std::vector<BrokeredMessage> one{binary};
  EXPECT_EQ(ns->find("telemetry")->send(one, 4 * kSecond).accepted, 1u);
  return ns;
}

TEST(PersistenceTest, RoundTripsEveryEntityAndMessage) {
  ScratchDir dir("roundtrip");
  auto ns = populated();
  ASSERT_TRUE(saveNamespace(*ns, dir.path()).ok());
  NamespaceSnapshot before = snapshotNamespace(*ns);
  auto after = loadNamespace(namespaceDir(dir.path(), "contoso-sb"));
  ASSERT_TRUE(after.ok()) << after.error().message();
  EXPECT_EQ(after->name, "contoso-sb");
  EXPECT_EQ(after->sku, "Premium");
  ASSERT_EQ(after->entities.size(), before.entities.size());
  for (size_t i = 0; i < before.entities.size(); ++i) {
    const EntitySnapshot& b = before.entities[i];
    const EntitySnapshot& a = after->entities[i];
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.active, b.active) << a.path;
    EXPECT_EQ(a.dead_letters, b.dead_letters) << a.path;
  }
  const EntitySnapshot* q = after->find("ORDERS/EU");
  ASSERT_NE(q, nullptr);
  ASSERT_EQ(q->active.size(), 2u);
  EXPECT_EQ(q->active[0].message_id, "b");
  EXPECT_FALSE(q->active[0].lock_token.empty());
  ASSERT_EQ(q->dead_letters.size(), 1u);
  EXPECT_EQ(q->dead_letters[0].dead_letter_reason, "MaxDeliveryCountExceeded");
  EXPECT_EQ(after->find("telemetry")->kind, EntityKind::kTopic);
  EXPECT_EQ(after->find("telemetry/Subscriptions/all")->active[0].body, std::string("\x00\xff", 2));
}

TEST(PersistenceTest, WritesTheDocumentedLayout) {
  ScratchDir dir("layout");
  ASSERT_TRUE(saveNamespace(*populated(), dir.path()).ok());
  fs::path ns = dir.path() / "servicebus" / "contoso-sb";
  EXPECT_TRUE(fs::exists(ns / "namespace.json"));
  EXPECT_TRUE(fs::exists(ns / "queues" / "orders%2Feu.ndjson"));
  EXPECT_TRUE(fs::exists(ns / "topics" / "telemetry" / "all.ndjson"));
  auto header = readFile((ns / "namespace.json").string());
  ASSERT_TRUE(header.ok());
  EXPECT_NE(header->find("{\"path\": \"orders/eu\", \"kind\": \"Queue\", \"status\": \"Active\", "
                         "\"file\": \"queues/orders%2Feu.ndjson\", \"activeMessageCount\": 2, "
                         "\"deadLetterMessageCount\": 1"),
            std::string::npos)
      << *header;
  auto lines = readFile((ns / "queues" / "orders%2Feu.ndjson").string());
  ASSERT_TRUE(lines.ok());
  // Active messages first, then the dead-lettered ones, marked.
  size_t dead =
      lines->find("{\"SubQueue\":\"DeadLetter\",\"SequenceNumber\":1,\"MessageId\":\"a\"");
  EXPECT_NE(dead, std::string::npos) << *lines;
  EXPECT_LT(lines->find("\"MessageId\":\"c\""), dead);
}

TEST(PersistenceTest, SavingAgainReplacesAndRemovesStaleFiles) {
  ScratchDir dir("replace");
  ASSERT_TRUE(saveNamespace(*populated(), dir.path()).ok());
  NamespaceConfig smaller = config();
  smaller.topics.clear();
  auto ns = *Namespace::create(smaller);
  ASSERT_TRUE(saveNamespace(*ns, dir.path()).ok());
  fs::path root = dir.path() / "servicebus" / "contoso-sb";
  EXPECT_FALSE(fs::exists(root / "topics" / "telemetry" / "all.ndjson"));
  EXPECT_FALSE(fs::exists(root / "topics" / "telemetry"));
  auto loaded = loadNamespace(root);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  ASSERT_EQ(loaded->entities.size(), 1u);
  EXPECT_TRUE(loaded->entities[0].active.empty());
}

TEST(PersistenceTest, SnapshotsCanBeEditedAndSavedBack) {
  ScratchDir dir("edit");
  NamespaceSnapshot s = snapshotNamespace(*populated());
  s.entities[0].active.erase(s.entities[0].active.begin());
  ASSERT_TRUE(saveSnapshot(s, dir.path()).ok());
  auto loaded = loadNamespace(namespaceDir(dir.path(), "contoso-sb"));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->entities[0].active.size(), 1u);
}

TEST(PersistenceTest, LoadsEveryNamespaceSortedByFolder) {
  ScratchDir dir("many");
  auto empty = loadNamespaces(dir.path());
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  NamespaceConfig b = config();
  b.name = "zeta-sb";
  ASSERT_TRUE(saveNamespace(**Namespace::create(b), dir.path()).ok());
  ASSERT_TRUE(saveNamespace(*populated(), dir.path()).ok());
  fs::create_directories(dir.path() / "servicebus" / "not-a-namespace");
  auto all = loadNamespaces(dir.path());
  ASSERT_TRUE(all.ok()) << all.error().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "contoso-sb");
  EXPECT_EQ((*all)[1].name, "zeta-sb");
}

// Saves the populated namespace, then replaces `from` by `to` in `file` (relative to the
// namespace folder), and returns the load error.
std::string loadErrorAfterEdit(const ScratchDir& dir, const std::string& file,
                               std::string_view from, std::string_view to) {
  EXPECT_TRUE(saveNamespace(*populated(), dir.path()).ok());
  fs::path root = namespaceDir(dir.path(), "contoso-sb");
  auto text = readFile((root / file).string());
  EXPECT_TRUE(text.ok());
  size_t at = text->find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text->replace(at, from.size(), to);
  EXPECT_TRUE(writeFile((root / file).string(), *text).ok());
  auto loaded = loadNamespace(root);
  EXPECT_FALSE(loaded.ok());
  return loaded.ok() ? "" : loaded.error().message();
}

TEST(PersistenceTest, ABadMessageLineNamesFileLineAndColumn) {
  ScratchDir dir("badline");
  std::string file = "queues/orders%2Feu.ndjson";
  std::string error =
      loadErrorAfterEdit(dir, file, "\"DeliveryCount\":1,", "\"DeliveryCount\":-1,");
  fs::path path = namespaceDir(dir.path(), "contoso-sb") / file;
  // The first message with a delivery count of 1 is "b", on line 1.
  EXPECT_EQ(error.rfind(path.string() + ":1:", 0), 0u) << error;
  EXPECT_NE(error.find("message member 'DeliveryCount': expected a count"), std::string::npos)
      << error;
}

TEST(PersistenceTest, AnUnknownSubQueueIsAnError) {
  ScratchDir dir("subqueue");
  std::string error =
      loadErrorAfterEdit(dir, "queues/orders%2Feu.ndjson", "\"DeadLetter\"", "\"Transfer\"");
  EXPECT_NE(error.find(":3:13: expected \"SubQueue\" to be \"DeadLetter\" or absent"),
            std::string::npos)
      << error;
}

TEST(PersistenceTest, NamespaceJsonErrorsNameLineAndColumn) {
  ScratchDir dir("header");
  std::string error =
      loadErrorAfterEdit(dir, "namespace.json", "\"kind\": \"Queue\"", "\"kind\": \"Lake\"");
  fs::path file = namespaceDir(dir.path(), "contoso-sb") / "namespace.json";
  EXPECT_EQ(error.rfind(file.string() + ":6:", 0), 0u) << error;
  EXPECT_NE(error.find("expected \"kind\" to be Queue, Topic or Subscription, found 'Lake'"),
            std::string::npos)
      << error;
}

TEST(PersistenceTest, RefusesAnUnsupportedFormatVersion) {
  ScratchDir dir("version");
  std::string error =
      loadErrorAfterEdit(dir, "namespace.json", "\"formatVersion\": 1", "\"formatVersion\": 7");
  EXPECT_NE(error.find(":2:20: unsupported formatVersion 7 (expected 1)"), std::string::npos)
      << error;
}

TEST(PersistenceTest, ATruncatedEntityFileDoesNotMatchItsCounts) {
  ScratchDir dir("truncated");
  ASSERT_TRUE(saveNamespace(*populated(), dir.path()).ok());
  fs::path root = namespaceDir(dir.path(), "contoso-sb");
  fs::path file = root / "queues" / "orders%2Feu.ndjson";
  auto text = readFile(file.string());
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(writeFile(file.string(), text->substr(0, text->find('\n') + 1)).ok());
  auto loaded = loadNamespace(root);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message().find("entity 'orders/eu' lists 2 active and 1 dead-lettered "
                                          "messages, but " +
                                          file.string() + " holds 1 and 0"),
            std::string::npos)
      << loaded.error().message();
}

TEST(PersistenceTest, AMissingEntityFileIsAnIoError) {
  ScratchDir dir("missing");
  ASSERT_TRUE(saveNamespace(*populated(), dir.path()).ok());
  fs::path root = namespaceDir(dir.path(), "contoso-sb");
  fs::remove(root / "topics" / "telemetry" / "all.ndjson");
  auto loaded = loadNamespace(root);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code(), ErrorCode::kIo);
  EXPECT_NE(loaded.error().message().find("all.ndjson"), std::string::npos);
}

TEST(PersistenceTest, RefusesEntityFilesOutsideTheFolder) {
  ScratchDir dir("escape");
  std::string error = loadErrorAfterEdit(dir, "namespace.json", "\"queues/orders%2Feu.ndjson\"",
                                         "\"../../etc/passwd\"");
  EXPECT_NE(error.find("expected \"file\" to be a path inside"), std::string::npos) << error;
}

TEST(PersistenceTest, EncodesFileNamesReversibly) {
  EXPECT_EQ(encodeFileName("orders/eu"), "orders%2Feu");
  EXPECT_EQ(encodeFileName("100%"), "100%25");
  EXPECT_EQ(encodeFileName(".hidden"), "%2Ehidden");
  EXPECT_EQ(encodeFileName("a\nb"), "a%0Ab");
  for (std::string_view name : {"orders/eu", "100%", ".hidden", "a\nb", "plain-name_1.x"}) {
    EXPECT_EQ(decodeFileName(encodeFileName(name)), name);
  }
  EXPECT_EQ(decodeFileName("50%zz"), "50%zz");
  EXPECT_EQ(decodeFileName("x%2"), "x%2");
}

}  // namespace
}  // namespace routesim::endpoints::servicebus
