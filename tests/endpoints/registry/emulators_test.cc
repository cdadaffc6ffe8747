// Emulators: routing endpoints bound to the resources a scenario declares (ARM shape), the
// errors for targets that are missing or of the wrong kind, the bench's created targets, and
// messages routed end to end into every kind of emulator, then saved for inspect.
#include "endpoints/registry/emulators.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/router/router.h"
#include "endpoints/eventhubs/persistence.h"
#include "endpoints/servicebus/persistence.h"
#include "endpoints/storage/blob_reader.h"
#include "tests/core/router/router_test_support.h"

namespace routesim::endpoints {
namespace {

namespace fs = std::filesystem;
using router::testing::buildTable;
using router::testing::BuiltTable;
using router::testing::makeMessage;
using router::testing::MessageKeeper;

constexpr std::string_view kResources = R"json([
  {"type": "Microsoft.Storage/storageAccounts", "name": "contosocold", "apiVersion": "2023-01-01",
   "location": "westus2", "sku": {"name": "Standard_LRS"}, "kind": "StorageV2",
   "resources": [{"type": "blobServices/containers", "name": "default/archive",
                  "apiVersion": "2023-01-01"}]},
  {"type": "Microsoft.EventHub/namespaces", "name": "contoso-eh", "apiVersion": "2024-01-01",
   "location": "westus2", "sku": {"name": "Standard"},
   "resources": [{"type": "eventhubs", "name": "telemetry", "apiVersion": "2024-01-01",
                  "properties": {"partitionCount": 2}}]},
  {"type": "Microsoft.ServiceBus/namespaces", "name": "contoso-sb", "apiVersion": "2022-10-01-preview",
   "location": "westus2", "sku": {"name": "Standard"},
   "resources": [
     {"type": "queues", "name": "alerts", "apiVersion": "2022-10-01-preview"},
     {"type": "topics", "name": "fanout", "apiVersion": "2022-10-01-preview",
      "resources": [{"type": "subscriptions", "name": "all", "apiVersion": "2022-10-01-preview"}]}
   ]}
])json";

constexpr std::string_view kRouting = R"json({
  "endpoints": {
    "storageContainers": [{"name": "cold", "containerName": "archive", "encoding": "JSON",
      "connectionString": "DefaultEndpointsProtocol=https;AccountName=contosocold;AccountKey=a2V5;EndpointSuffix=core.windows.net"}],
    "eventHubs": [{"name": "hot",
      "connectionString": "Endpoint=sb://contoso-eh.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k;EntityPath=telemetry"}],
    "serviceBusQueues": [{"name": "ops",
      "connectionString": "Endpoint=sb://contoso-sb.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k;EntityPath=alerts"}],
    "serviceBusTopics": [{"name": "fan",
      "connectionString": "Endpoint=sb://contoso-sb.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k;EntityPath=fanout"}]
  },
  "routes": [
    {"name": "r-cold", "source": "DeviceMessages", "condition": "k = 'cold'", "endpointNames": ["cold"], "isEnabled": true},
    {"name": "r-hot", "source": "DeviceMessages", "condition": "k = 'hot'", "endpointNames": ["hot"], "isEnabled": true},
    {"name": "r-ops", "source": "DeviceMessages", "condition": "k = 'ops'", "endpointNames": ["ops"], "isEnabled": true},
    {"name": "r-fan", "source": "DeviceMessages", "condition": "k = 'fan'", "endpointNames": ["fan"], "isEnabled": true}
  ],
  "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                    "endpointNames": ["events"], "isEnabled": true}
})json";

class EmulatorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "routesim-emulators-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    context_.clock = &clock_;
    context_.out_dir = dir_;
    context_.utc_at_zero_ns = 1'767'225'600 * static_cast<int64_t>(kNsPerSecond);  // 2026-01-01
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  EmulatorResources resources() {
    auto value = json::parse(kResources);
    EXPECT_TRUE(value.ok());
    ConfigIssues issues;
    EmulatorResources r = readArmResources(*value, "$.resources", issues);
    EXPECT_FALSE(issues.hasErrors()) << issues.format("resources.json", kResources);
    return r;
  }

  // The first error's "<path> <code>: <message>".
  static std::string firstError(const ConfigIssues& issues) {
    for (const auto& item : issues.items()) {
      if (item.severity == ConfigIssue::Severity::kError) {
        return item.path + " " + item.code + ": " + item.message;
      }
    }
    return "";
  }

  std::unique_ptr<Emulators> create(const BuiltTable& built, EmulatorResources r,
                                    MissingTargets missing, ConfigIssues& issues) {
    return Emulators::create(context_, std::move(r), built.configs, missing, issues);
  }

  fs::path dir_;
  ManualClock clock_{0};
  EmulatorContext context_;
  MessageKeeper kept_;
};

TEST_F(EmulatorsTest, RoutesDeliverIntoEveryKindOfEmulatorAndSaveForInspect) {
  BuiltTable built = buildTable(kRouting);
  ConfigIssues issues;
  auto emulators = create(built, resources(), MissingTargets::kError, issues);
  ASSERT_NE(emulators, nullptr) << issues.format("routing.json", kRouting);
  EXPECT_EQ(emulators->targets().at("hot").entity, "telemetry");

  router::EndpointRegistry registry;
  emulators->registerWith(registry);
  router::RouterOptions options;
  options.workers = 1;
  options.clock = &clock_;
  {
    router::Router router(built.table, registry, built.configs, options);
    int seq = 0;
    for (std::string_view k : {"cold", "hot", "ops", "fan", "none", "hot", "ops", "fan"}) {
      auto& m =
          kept_.keep(makeMessage("dev-" + std::to_string(seq % 3), seq, {{"k", std::string(k)}}));
      ASSERT_EQ(router.processInline(m, clock_.nowNs()), router::SubmitResult::kAccepted);
      ++seq;
      clock_.advance(kNsPerSecond);
    }
    router.drain();
    router.flushEndpoints();
    EXPECT_TRUE(router.checkConservation().ok());
    auto metrics = router.metrics();
    EXPECT_EQ(metrics.egress_success, 8u);
    for (const auto& h : router.health()) {
      EXPECT_NE(h.status, router::HealthStatus::kUnhealthy) << h.last_known_error_detail;
    }
  }

  auto eh = emulators->eventHubsNamespace("CONTOSO-EH");  // names ignore letter case
  ASSERT_NE(eh, nullptr);
  ASSERT_NE(eh->find("telemetry"), nullptr);
  EXPECT_EQ(eh->find("telemetry")->eventCount(), 2u);
  EXPECT_EQ(emulators->builtinEvents()->eventCount(), 1u);  // the fallback
  auto sb = emulators->serviceBusNamespace("contoso-sb");
  ASSERT_NE(sb, nullptr);
  EXPECT_EQ(sb->findQueue("alerts")->messageCount(), 2u);
  EXPECT_EQ(sb->findQueue("fanout/Subscriptions/all")->messageCount(), 2u);

  auto blobs = storage::listBlobs(dir_);
  ASSERT_TRUE(blobs.ok()) << blobs.error().message();
  ASSERT_EQ(blobs->size(), 1u);
  EXPECT_EQ((*blobs)[0].account, "contosocold");
  EXPECT_EQ((*blobs)[0].container, "archive");

  Status saved = emulators->save();
  ASSERT_TRUE(saved.ok()) << saved.error().message();
  auto hubs = eventhubs::findSavedEventHubs(dir_);
  ASSERT_TRUE(hubs.ok());
  EXPECT_EQ(hubs->size(), 2u);  // telemetry and the built-in events
  auto loaded = servicebus::loadNamespaces(dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 1u);
  const servicebus::EntitySnapshot* alerts = (*loaded)[0].find("alerts");
  ASSERT_NE(alerts, nullptr);
  EXPECT_EQ(alerts->active.size(), 2u);
}

// Every file under `dir` (recursively), by its path relative to `dir`, with its bytes.
std::map<std::string, std::string> filesUnder(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out[fs::relative(entry.path(), dir).string()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

// Whether a partition file under `dir` is being written by a background save (a temporary
// partition file with events in it).
bool backgroundSaveWroteEvents(const fs::path& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.find(".ndjson.tmp-") != std::string::npos && it->is_regular_file(ec) &&
        it->file_size(ec) > 0) {
      return true;
    }
  }
  return false;
}

TEST_F(EmulatorsTest, SavingInTheBackgroundWritesWhatOneThreadSavesAtTheEnd) {
  BuiltTable built = buildTable(kRouting);
  // The same resources and deliveries, at the same (manual) times, into `out`.
  auto runAndSave = [&](const fs::path& out, unsigned threads) {
    ManualClock clock(0);
    EmulatorContext context = context_;
    context.clock = &clock;
    context.out_dir = out;
    ConfigIssues issues;
    auto emulators =
        Emulators::create(context, resources(), built.configs, MissingTargets::kError, issues);
    ASSERT_NE(emulators, nullptr) << issues.format("routing.json", kRouting);
    emulators->saveInBackground(threads);
    router::EndpointRegistry registry;
    emulators->registerWith(registry);
    router::RouterOptions options;
    options.workers = 1;
    options.clock = &clock;
    MessageKeeper kept;
    {
      router::Router router(built.table, registry, built.configs, options);
      auto route = [&](int from, int to) {
        static constexpr std::string_view kKeys[] = {"hot", "none", "ops", "hot", "fan", "cold"};
        for (int seq = from; seq < to; ++seq) {
          auto& m = kept.keep(makeMessage("device-" + std::to_string(seq % 10), seq,
                                          {{"k", std::string(kKeys[seq % 6])}},
                                          "{\"seq\":" + std::to_string(seq) + "}"));
          ASSERT_EQ(router.processInline(m, clock.nowNs()), router::SubmitResult::kAccepted);
          clock.advance(kNsPerSecond / 4);
        }
      };
      route(0, 300);
      if (threads >= 2) {
        // The helper thread writes partitions while the run goes on.
        bool wrote = false;
        for (int i = 0; i < 1000 && !(wrote = backgroundSaveWroteEvents(out)); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        EXPECT_TRUE(wrote) << "no partition written in the background under " << out;
      }
      route(300, 600);
      router.drain();
      router.flushEndpoints();
      EXPECT_TRUE(router.checkConservation().ok());
    }
    EXPECT_EQ(emulators->builtinEvents()->eventCount(), 100u);
    EXPECT_EQ(emulators->eventHubsNamespace("contoso-eh")->find("telemetry")->eventCount(), 200u);
    Status saved = emulators->save();
    ASSERT_TRUE(saved.ok()) << saved.error().message();
  };
  const fs::path background = dir_ / "background";
  const fs::path at_the_end = dir_ / "at-the-end";
  runAndSave(background, 2);
  runAndSave(at_the_end, 1);

  auto hubs = eventhubs::findSavedEventHubs(background);
  ASSERT_TRUE(hubs.ok()) << hubs.error().message();
  ASSERT_EQ(hubs->size(), 2u);
  EXPECT_TRUE((*hubs)[0].builtin);
  EXPECT_EQ((*hubs)[1].hub_name, "telemetry");
  for (const auto& hub : *hubs) {
    auto loaded = eventhubs::loadEventHub(hub.dir);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    EXPECT_EQ((*loaded)->eventCount(), hub.builtin ? 100u : 200u) << hub.dir;
  }

  const auto got = filesUnder(background);
  const auto want = filesUnder(at_the_end);
  std::vector<std::string> got_names, want_names;
  for (const auto& [name, bytes] : got) got_names.push_back(name);
  for (const auto& [name, bytes] : want) want_names.push_back(name);
  EXPECT_EQ(got_names, want_names);
  for (const auto& [name, bytes] : want) {
    auto it = got.find(name);
    if (it == got.end()) continue;
    EXPECT_TRUE(it->second == bytes)
        << name << ": " << it->second.size() << " bytes, " << bytes.size() << " expected";
  }
  // The built-in endpoint's 4 partitions and eventhub.json, the same for telemetry's 2.
  const std::string builtin = "iothub/" + context_.hub_name + "/events/";
  EXPECT_EQ(want.count(builtin + "eventhub.json"), 1u);
  EXPECT_EQ(want.count(builtin + "partition-3.ndjson"), 1u);
  EXPECT_EQ(want.count("eventhubs/contoso-eh/telemetry/partition-1.ndjson"), 1u);
  for (const auto& name : got_names) {
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
  }
}

TEST_F(EmulatorsTest, MissingNamespaceNamesTheEndpointAndTheResourceToDeclare) {
  BuiltTable built = buildTable(kRouting);
  EmulatorResources r = resources();
  r.event_hubs.clear();
  ConfigIssues issues;
  EXPECT_EQ(create(built, std::move(r), MissingTargets::kError, issues), nullptr);
  EXPECT_EQ(firstError(issues),
            "$.endpoints.eventHubs[0] NamespaceNotFound: endpoint 'hot': Event Hubs namespace "
            "'contoso-eh' is not among the resources (declare a Microsoft.EventHub/namespaces "
            "resource of that name)");
}

TEST_F(EmulatorsTest, MissingEntityGetsTheServicesText) {
  BuiltTable built = buildTable(kRouting);
  EmulatorResources r = resources();
  r.service_bus[0].queues.clear();
  ConfigIssues issues;
  EXPECT_EQ(create(built, std::move(r), MissingTargets::kError, issues), nullptr);
  EXPECT_EQ(firstError(issues),
            "$.endpoints.serviceBusQueues[0] EntityNotFound: endpoint 'ops': The messaging "
            "entity 'sb://contoso-sb.servicebus.windows.net/alerts' could not be found.");
}

TEST_F(EmulatorsTest, QueueEndpointNamingATopicIsAKindMismatch) {
  std::string routing(kRouting);
  routing.replace(routing.find("EntityPath=alerts"), 17, "EntityPath=fanout");
  BuiltTable built = buildTable(routing);
  ConfigIssues issues;
  EXPECT_EQ(create(built, resources(), MissingTargets::kError, issues), nullptr);
  EXPECT_EQ(firstError(issues),
            "$.endpoints.serviceBusQueues[0] EntityKindMismatch: endpoint 'ops': 'fanout' in "
            "Service Bus namespace 'contoso-sb' is a topic, but the endpoint is in "
            "serviceBusQueues");
}

TEST_F(EmulatorsTest, MissingStorageContainerGetsStoragesText) {
  BuiltTable built = buildTable(kRouting);
  EmulatorResources r = resources();
  r.storage_accounts[0].containers.clear();
  ConfigIssues issues;
  EXPECT_EQ(create(built, std::move(r), MissingTargets::kError, issues), nullptr);
  EXPECT_EQ(firstError(issues),
            "$.endpoints.storageContainers[0] ContainerNotFound: endpoint 'cold': The specified "
            "container does not exist. (container 'archive' in storage account 'contosocold')");

  r = resources();
  r.storage_accounts.clear();
  ConfigIssues no_account;
  EXPECT_EQ(create(built, std::move(r), MissingTargets::kError, no_account), nullptr);
  EXPECT_NE(firstError(no_account)
                .find("StorageAccountNotFound: endpoint 'cold': storage account "
                      "'contosocold' is not among the resources"),
            std::string::npos)
      << firstError(no_account);
}

TEST_F(EmulatorsTest, BenchCreatesWhatItsRoutesNameAfterTheEndpoints) {
  BuiltTable built = buildTable(R"json({
    "endpoints": {"eventHubs": [{"name": "hot"}], "serviceBusQueues": [{"name": "ops"}],
                  "serviceBusTopics": [{"name": "fan"}],
                  "storageContainers": [{"name": "cold-store", "containerName": "c"}]},
    "routes": [{"name": "r", "source": "DeviceMessages", "condition": "true",
                "endpointNames": ["fan"], "isEnabled": true}]})json");
  ConfigIssues issues;
  auto emulators = create(built, {}, MissingTargets::kCreate, issues);
  ASSERT_NE(emulators, nullptr) << issues.format("routes.json", "");
  ASSERT_NE(emulators->eventHubsNamespace("hot"), nullptr);
  EXPECT_EQ(emulators->eventHubsNamespace("hot")->find("hot")->partitionCount(), 4u);
  ASSERT_NE(emulators->serviceBusNamespace("ops"), nullptr);
  EXPECT_NE(emulators->serviceBusNamespace("ops")->findQueue("ops"), nullptr);
  ASSERT_NE(emulators->serviceBusNamespace("fan"), nullptr);
  EXPECT_NE(emulators->serviceBusNamespace("fan")->findQueue("fan/Subscriptions/all"), nullptr);
  // Storage names are not checked against Azure's rules for the bench ("cold-store" is not a
  // valid account name), only that they make a folder.
  EXPECT_EQ(emulators->targets().at("cold-store").resource, "cold-store");
}

TEST_F(EmulatorsTest, InvalidStorageSettingsAreErrorsInAScenario) {
  std::string routing(kRouting);
  BuiltTable built = buildTable(routing);
  // A chunk size the routing reader's range check lets through cannot be made by ARM; set one
  // here that only the emulator's own validation refuses.
  for (routing::EndpointConfig& c : built.configs) {
    if (c.name == "cold") c.max_chunk_bytes = 1024;
  }
  ConfigIssues issues;
  EXPECT_EQ(create(built, resources(), MissingTargets::kError, issues), nullptr);
  std::string error = firstError(issues);
  EXPECT_NE(error.find("$.endpoints.storageContainers[0] InvalidEndpoint: endpoint 'cold': "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("maxChunkSizeInBytes"), std::string::npos) << error;
}

TEST_F(EmulatorsTest, AnEndpointThatWasNotBoundFailsEveryDeliveryNamingIt) {
  BuiltTable built = buildTable(kRouting);
  ConfigIssues issues;
  auto emulators = create(built, resources(), MissingTargets::kError, issues);
  ASSERT_NE(emulators, nullptr);
  router::EndpointRegistry registry;
  emulators->registerWith(registry);
  routing::EndpointConfig other;
  other.kind = routing::EndpointKind::kEventHubs;
  other.name = "stranger";
  auto endpoint = registry.create(other.kind, other.name, &other);
  router::DeliveryReport report = endpoint->deliver({});
  EXPECT_EQ(report.failure, router::DeliveryFailure::kInternalError);
  EXPECT_EQ(report.detail, "endpoint 'stranger' is not bound to an emulated resource");
}

// The official emulators' Config.json files, as users have them, with the connection strings
// those emulators hand out (Endpoint=sb://localhost ... UseDevelopmentEmulator=true).
constexpr std::string_view kEventHubsEmulatorConfig = R"json({
  "UserConfig": {
    "NamespaceConfig": [{"Type": "EventHub", "Name": "emulatorNs1",
      "Entities": [{"Name": "eh1", "PartitionCount": "2", "ConsumerGroups": [{"Name": "cg1"}]}]}],
    "LoggingConfig": {"Type": "File"}  // as the installer ships it
  }
})json";

constexpr std::string_view kServiceBusEmulatorConfig = R"json({
  "UserConfig": {
    "Namespaces": [{"Name": "sbemulatorns", "Queues": [{"Name": "queue.1"}], "Topics": []}],
    "Logging": {"Type": "File"}
  }
})json";

constexpr std::string_view kEmulatorRouting = R"json({
  "endpoints": {
    "eventHubs": [{"name": "hot",
      "connectionString": "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=eh1"}],
    "serviceBusQueues": [{"name": "ops",
      "connectionString": "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=queue.1"}]
  },
  "routes": [{"name": "r", "source": "DeviceMessages", "condition": "true",
              "endpointNames": ["hot"], "isEnabled": true}]
})json";

TEST_F(EmulatorsTest, EmulatorConfigFilesDeclareWhatTheirConnectionStringsName) {
  EmulatorResources r;
  ConfigIssues issues;
  readResourceFile(kEventHubsEmulatorConfig, "eh-config.json", r, issues);
  readResourceFile(kServiceBusEmulatorConfig, "sb-config.json", r, issues);
  ASSERT_FALSE(issues.hasErrors()) << issues.format("config.json", "");
  ASSERT_EQ(r.event_hubs.size(), 1u);
  ASSERT_EQ(r.service_bus.size(), 1u);

  BuiltTable built = buildTable(kEmulatorRouting);
  auto emulators = create(built, std::move(r), MissingTargets::kError, issues);
  ASSERT_NE(emulators, nullptr) << issues.format("routes.json", kEmulatorRouting);
  EXPECT_EQ(emulators->targets().at("hot").resource, "emulatorNs1");
  EXPECT_EQ(emulators->targets().at("ops").resource, "sbemulatorns");
  EXPECT_EQ(emulators->eventHubsNamespace("emulatorNs1")->find("eh1")->partitionCount(), 2u);
}

TEST_F(EmulatorsTest, ResourceFilesAreTemplatesArraysOrEmulatorConfigs) {
  EmulatorResources r;
  ConfigIssues issues;
  std::string arm = "{\"$schema\": \"x\", \"contentVersion\": \"1.0.0.0\", \"resources\": " +
                    std::string(kResources) + "}";
  readResourceFile(arm, "template.json", r, issues);
  readResourceFile(kResources, "resources.json", r, issues);
  ASSERT_FALSE(issues.hasErrors()) << issues.format("x.json", "");
  EXPECT_EQ(r.storage_accounts.size(), 2u);
  EXPECT_EQ(r.event_hubs.size(), 2u);
  EXPECT_EQ(r.service_bus.size(), 2u);

  ConfigIssues bad;
  readResourceFile(R"({"endpoints": {}})", "routes.json", r, bad);
  EXPECT_EQ(firstError(bad),
            "$ InvalidResources: expected an ARM template (an object with a \"resources\" "
            "array), a resources array, or an Event Hubs / Service Bus emulator Config.json "
            "(\"UserConfig\")");
  ConfigIssues not_json;
  readResourceFile("{\"resources\": [", "broken.json", r, not_json);
  EXPECT_TRUE(not_json.hasErrors());
  EXPECT_EQ(not_json.items()[0].code, "InvalidJson");
}

}  // namespace
}  // namespace routesim::endpoints
